//! The real `propdesk` process, killed with SIGKILL in the middle of pushes again and
//! again: nothing acknowledged is lost, nothing is applied twice, and re-sending after a
//! cut connection is always safe.

use crate::sync::{create, resident_unit_in, uuid};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::process::{Child, Command};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

async fn start(dir: &Path, port: u16) -> Child {
    let child = Command::new(env!("CARGO_BIN_EXE_propdesk"))
        .args(["serve", "--demo"])
        .env("PROPDESK_DATA_DIR", dir)
        .env("PROPDESK_LISTEN", format!("127.0.0.1:{port}"))
        .env_remove("PROPDESK_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start propdesk");
    let client = Client::new();
    for _ in 0..300 {
        if let Ok(r) = client
            .get(format!("http://127.0.0.1:{port}/readyz"))
            .send()
            .await
        {
            if r.status() == StatusCode::OK {
                return child;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("propdesk did not become ready");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_mid_push_loses_nothing_and_doubles_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start(dir.path(), port).await;
    let client = Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    let login: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "desk", "password": "demo"}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login json");
    let token = login["token"].as_str().expect("token").to_string();
    // The resident's unit, and the mutations the demo data was made with (the demo
    // cases travel through the same push), read from the server's own database file.
    let (unit, demo_mutations) = {
        use sqlx::Row;
        let store = app::ssr::Store::connect(&format!(
            "sqlite://{}",
            dir.path().join("propdesk.db").display()
        ))
        .await
        .expect("open db");
        let u = resident_unit_in(&store).await;
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM mutations")
            .fetch_one(store.pool())
            .await
            .expect("count")
            .try_get(0)
            .expect("count value");
        store.close().await;
        (u, n as usize)
    };
    let demo_cases: HashSet<String> = {
        let pulled: Value = client
            .get(format!("{base}/api/v1/sync/pull?since=0&limit=5000"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("pull")
            .json()
            .await
            .expect("pull json");
        pulled["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .map(|c| c["id"].as_str().unwrap_or_default().to_string())
            .collect()
    };

    const DEVICES: usize = 6;
    const PER_DEVICE: u64 = 240;
    const BATCH: usize = 12;
    let finished = Arc::new(AtomicBool::new(false));
    let progress = Arc::new(AtomicUsize::new(0));
    let mut devices = Vec::new();
    for _ in 0..DEVICES {
        let client = client.clone();
        let base = base.clone();
        let token = token.clone();
        let unit = unit.clone();
        let progress = progress.clone();
        devices.push(tokio::spawn(async move {
            let device = uuid();
            let mut outbox: Vec<Value> = (1..=PER_DEVICE)
                .map(|seq| create(seq, &uuid(), Some(&unit), &[]))
                .collect();
            let all: Vec<String> = outbox
                .iter()
                .map(|m| m["id"].as_str().unwrap_or_default().to_string())
                .collect();
            let mut acknowledged = HashSet::new();
            let mut cut = 0u32;
            while !outbox.is_empty() {
                let batch: Vec<Value> = outbox.iter().take(BATCH).cloned().collect();
                let sent = client
                    .post(format!("{base}/api/v1/sync/push"))
                    .bearer_auth(&token)
                    .json(&json!({"device_id": device, "mutations": batch}))
                    .send()
                    .await;
                let answer: Option<Value> = match sent {
                    Ok(r) if r.status() == StatusCode::OK => r.json().await.ok(),
                    _ => None,
                };
                let Some(answer) = answer else {
                    // Connection cut or server down: keep the batch, try again shortly.
                    cut += 1;
                    tokio::time::sleep(Duration::from_millis(30)).await;
                    continue;
                };
                for r in answer["results"].as_array().expect("results") {
                    let status = r["status"].as_str().unwrap_or_default();
                    assert!(
                        status == "applied" || status == "duplicate",
                        "a resent mutation must never be rejected: {r}"
                    );
                    acknowledged.insert(r["id"].as_str().unwrap_or_default().to_string());
                }
                progress.fetch_add(batch.len(), Ordering::SeqCst);
                outbox.drain(..batch.len());
            }
            (all, acknowledged, cut)
        }));
    }

    // Kill the server mid-push at 15 %, 35 %, 55 % and 75 % of the work, restarting it on
    // the same file each time. Devices cannot finish while it is down, so every kill lands.
    let killer = {
        let finished = finished.clone();
        let progress = progress.clone();
        let dir = dir.path().to_path_buf();
        let total = DEVICES * PER_DEVICE as usize;
        tokio::spawn(async move {
            let mut kills = 0;
            for percent in [15usize, 35, 55, 75] {
                while progress.load(Ordering::SeqCst) * 100 < total * percent {
                    if finished.load(Ordering::SeqCst) {
                        return (server, kills);
                    }
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                server.start_kill().expect("SIGKILL");
                let _ = server.wait().await;
                kills += 1;
                tokio::time::sleep(Duration::from_millis(40)).await;
                server = start(&dir, port).await;
            }
            (server, kills)
        })
    };
    let mut all = Vec::new();
    let mut acknowledged = HashSet::new();
    let mut cuts = 0;
    for d in devices {
        let (a, ack, cut) = d.await.expect("device");
        all.extend(a);
        acknowledged.extend(ack);
        cuts += cut;
    }
    finished.store(true, Ordering::SeqCst);
    let (mut server, kills) = killer.await.expect("killer");
    assert_eq!(kills, 4, "the server was killed only {kills} times");
    eprintln!("kill test: {kills} kills, {cuts} pushes cut off and resent");
    assert_eq!(
        acknowledged.len(),
        all.len(),
        "every mutation was acknowledged in the end"
    );

    // The database after the last restart: each mutation applied exactly once.
    let pulled: Value = client
        .get(format!("{base}/api/v1/sync/pull?since=0&limit=5000"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("pull")
        .json()
        .await
        .expect("pull json");
    let changes: Vec<&Value> = pulled["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| !demo_cases.contains(c["id"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(
        changes.len(),
        all.len(),
        "one case per create, none lost, none doubled"
    );
    for c in changes {
        assert_eq!(c["record"]["events"].as_array().map(Vec::len), Some(1));
    }
    server.start_kill().ok();
    let _ = server.wait().await;
    let store = app::ssr::Store::connect(&format!(
        "sqlite://{}",
        dir.path().join("propdesk.db").display()
    ))
    .await
    .expect("reopen db");
    use sqlx::Row;
    let applied: i64 = sqlx::query("SELECT COUNT(*) FROM mutations WHERE outcome = 'applied'")
        .fetch_one(store.pool())
        .await
        .expect("count")
        .try_get(0)
        .expect("count value");
    assert_eq!(applied as usize, demo_mutations + all.len());
    let distinct: i64 = sqlx::query("SELECT COUNT(DISTINCT id) FROM mutations")
        .fetch_one(store.pool())
        .await
        .expect("count")
        .try_get(0)
        .expect("count value");
    assert_eq!(distinct as usize, demo_mutations + all.len());
}
