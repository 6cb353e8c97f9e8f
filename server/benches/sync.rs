//! The sync bench: `scripts/bench` (or `cargo bench -p server --bench sync`).
//!
//! In one run, on fresh SQLite files in a temporary folder:
//! (a) N case rows inserted straight into SQLite in batched transactions (the floor);
//! (b) the same N `case.create` mutations pushed over HTTP on loopback to a real server
//!     from K concurrent devices in batches of B: rows/s, the ratio to (a), p50/p99 of a push;
//! (c) single-mutation pushes from K concurrent devices: pushes/s and p99; (c') the same
//!     from 4K devices, as group commit shares each fsync among the pushes waiting.
//! (b) and (c) run under SQLite `synchronous=FULL` (what the server uses) and `NORMAL`,
//! to show what durability costs.
//!
//! Sizes from the environment: BENCH_N (default 50000), BENCH_DEVICES (8), BENCH_BATCH
//! (500), BENCH_SINGLE (3000).

use app::ssr::store::SqliteSync;
use app::ssr::Store;
use leptos::prelude::LeptosOptions;
use serde_json::{json, Value};
mod common;

use common::{env, ms, percentile};
use std::time::{Duration, Instant};

struct Fixture {
    store: Store,
    unit: String,
    desk_id: String,
    estate: String,
    _dir: tempfile::TempDir,
}

async fn fixture(sync: SqliteSync) -> Fixture {
    use sqlx::Row;
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let store = Store::connect_with(&url, sync).await.expect("store");
    server::seed::seed_demo(&store).await.expect("seed");
    let row = sqlx::query(
        "SELECT u.id, ue.estate_id FROM users u JOIN user_estates ue ON ue.user_id = u.id \
         WHERE u.username = 'desk'",
    )
    .fetch_one(store.pool())
    .await
    .expect("desk");
    let desk_id: String = row.try_get(0).expect("id");
    let estate: String = row.try_get(1).expect("estate");
    let unit: String = sqlx::query("SELECT id FROM units WHERE estate_id = $1 LIMIT 1")
        .bind(&estate)
        .fetch_one(store.pool())
        .await
        .expect("unit")
        .try_get(0)
        .expect("unit id");
    Fixture {
        store,
        unit,
        desk_id,
        estate,
        _dir: dir,
    }
}

/// (a) Rows straight into the cases table, B per transaction, multi-row INSERTs.
async fn direct_inserts(f: &Fixture, n: usize, batch: usize) -> f64 {
    let start = Instant::now();
    let mut done = 0;
    while done < n {
        let rows = batch.min(n - done);
        let mut tx = f.store.pool().begin().await.expect("begin");
        let per = env("BENCH_ROWS_PER_STMT", 20).max(1);
        for chunk_start in (0..rows).step_by(per) {
            let chunk = per.min(rows - chunk_start);
            let values: Vec<String> = (0..chunk)
                .map(|r| {
                    let b = r * 9;
                    format!(
                        "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                        b + 1,
                        b + 2,
                        b + 3,
                        b + 4,
                        b + 5,
                        b + 6,
                        b + 7,
                        b + 8,
                        b + 9
                    )
                })
                .collect();
            let sql = format!(
                "INSERT INTO cases (id, estate_id, unit_id, kind, status, title, created_by, \
                 created_at, updated_at) VALUES {}",
                values.join(", ")
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for i in 0..chunk {
                q = q
                    .bind(uuid::Uuid::now_v7().to_string())
                    .bind(f.estate.clone())
                    .bind(f.unit.clone())
                    .bind("repair")
                    .bind("open")
                    .bind(format!("direct {}", done + chunk_start + i))
                    .bind(f.desk_id.clone())
                    .bind(1_i64)
                    .bind(1_i64);
            }
            q.execute(&mut *tx).await.expect("insert");
        }
        tx.commit().await.expect("commit");
        done += rows;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// (a') The same rows as (a), each batch as one JSON array unpacked by SQLite
/// (`jsonb_each`): the way the store writes (`app/src/ssr/store/bulk.rs`). The floor is
/// the faster of (a) and (a').
async fn direct_inserts_json(f: &Fixture, n: usize, batch: usize) -> f64 {
    let start = Instant::now();
    let mut done = 0;
    while done < n {
        let rows = batch.min(n - done);
        let mut tx = f.store.pool().begin().await.expect("begin");
        let json: Vec<Value> = (0..rows)
            .map(|i| {
                json!([
                    uuid::Uuid::now_v7().to_string(),
                    f.estate,
                    f.unit,
                    "repair",
                    "open",
                    format!("direct {}", done + i),
                    f.desk_id,
                    1,
                    1
                ])
            })
            .collect();
        sqlx::query(
            "INSERT INTO cases (id, estate_id, unit_id, kind, status, title, created_by, \
             created_at, updated_at) SELECT r.value ->> 0, r.value ->> 1, r.value ->> 2, \
             r.value ->> 3, r.value ->> 4, r.value ->> 5, r.value ->> 6, r.value ->> 7, \
             r.value ->> 8 FROM jsonb_each($1) AS r",
        )
        .bind(serde_json::to_string(&json).expect("json"))
        .execute(&mut *tx)
        .await
        .expect("insert");
        tx.commit().await.expect("commit");
        done += rows;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// (a2) Every row a case-create writes — the case, its search row, its published record
/// (the whole state as JSON) and its log entry — straight into SQLite, B per transaction,
/// each table's rows as one JSON array (as the store writes them): the storage floor of
/// the sync path, without HTTP, parsing, rules or dedupe.
async fn direct_full_rows(f: &Fixture, n: usize, batch: usize) -> f64 {
    let doc = |id: &str| {
        json!({
            "id": id, "estate_id": f.estate, "kind": "repair",
            "title": "bench", "description": "", "status": "open", "unit_id": f.unit,
            "unit_label": "A-101", "location": null, "photos": [], "created_at": 1,
            "created_by": f.desk_id, "created_by_name": "Desk", "created_by_role": "front_desk",
            "updated_at": 1, "events": [{"id": uuid::Uuid::now_v7().to_string(), "at": 1,
            "by": f.desk_id, "by_name": "Desk", "type": "created"}],
        })
    };
    let payload = mutation(1, &f.unit)["payload"].clone();
    let device = uuid::Uuid::now_v7().to_string();
    // Column `json` is a JSON document stored as its text (`->`), the rest scalars
    // (`->>`), as the store's `bulk::Col` does.
    let cols = |n: usize, json: usize| {
        (0..n)
            .map(|i| {
                if i == json {
                    format!("r.value -> {i}")
                } else {
                    format!("r.value ->> {i}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let start = Instant::now();
    let mut done = 0;
    let mut cursor = 0_i64;
    while done < n {
        let rows = batch.min(n - done);
        let ids: Vec<String> = (0..rows)
            .map(|_| uuid::Uuid::now_v7().to_string())
            .collect();
        let mut tx = f.store.pool().begin().await.expect("begin");
        let cases: Vec<Value> = ids
            .iter()
            .map(|id| json!([id, f.estate, f.unit, "repair", "open", "bench", f.desk_id, 1, 1]))
            .collect();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO cases (id, estate_id, unit_id, kind, status, title, created_by, \
             created_at, updated_at) SELECT {} FROM jsonb_each($1) AS r",
            cols(9, usize::MAX)
        )))
        .bind(serde_json::to_string(&cases).expect("json"))
        .execute(&mut *tx)
        .await
        .expect("cases");
        let search: Vec<Value> = ids.iter().map(|id| json!([id, "bench a-101"])).collect();
        sqlx::query(
            "INSERT INTO cases_fts (rowid, body) SELECT c.rowid, r.value ->> 1 \
             FROM jsonb_each($1) AS r JOIN cases c ON c.id = r.value ->> 0",
        )
        .bind(serde_json::to_string(&search).expect("json"))
        .execute(&mut *tx)
        .await
        .expect("search");
        let records: Vec<Value> = ids
            .iter()
            .map(|id| {
                cursor += 1;
                json!(["case", id, cursor, f.estate, f.unit, f.desk_id, doc(id)])
            })
            .collect();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO records (entity, entity_id, cursor, estate_id, unit_id, owner_id, doc) \
             SELECT {} FROM jsonb_each($1) AS r",
            cols(7, 6)
        )))
        .bind(serde_json::to_string(&records).expect("json"))
        .execute(&mut *tx)
        .await
        .expect("records");
        let log: Vec<Value> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                json!([
                    uuid::Uuid::now_v7().to_string(),
                    device,
                    done + i + 1,
                    f.desk_id,
                    f.estate,
                    "case.create",
                    id,
                    "2026-11-23T10:04:05+08:00",
                    1,
                    "applied",
                    null,
                    null,
                    payload
                ])
            })
            .collect();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO mutations (id, device_id, seq, user_id, estate_id, op, entity_id, \
             client_time, received_at, outcome, code, message, payload) \
             SELECT {} FROM jsonb_each($1) AS r",
            cols(13, 12)
        )))
        .bind(serde_json::to_string(&log).expect("json"))
        .execute(&mut *tx)
        .await
        .expect("mutations");
        tx.commit().await.expect("commit");
        done += rows;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn mutation(seq: u64, unit: &str) -> Value {
    json!({
        "id": uuid::Uuid::now_v7().to_string(),
        "seq": seq,
        "op": "case.create",
        "entity_id": uuid::Uuid::now_v7().to_string(),
        "client_time": "2026-11-23T10:04:05+08:00",
        "payload": {"kind": "repair", "title": format!("bench {seq}"), "unit_id": unit},
    })
}

async fn serve(f: &Fixture) -> (String, String) {
    let options = LeptosOptions::builder().output_name("propdesk").build();
    let server = server::Server::bind(
        "127.0.0.1:0".parse().expect("addr"),
        f.store.clone(),
        options,
        false,
        f._dir.path(),
    )
    .await
    .expect("bind");
    let addr = server.local_addr().expect("addr");
    tokio::spawn(server.run(std::future::pending()));
    let base = format!("http://{addr}");
    let login: Value = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "desk", "password": "demo"}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login json");
    (base, login["token"].as_str().expect("token").to_string())
}

/// Pushes `per_device` mutations from each of `devices` devices, `batch` per push;
/// returns mutations/s and every push's latency.
async fn pushes(
    base: &str,
    token: &str,
    unit: &str,
    devices: usize,
    per_device: usize,
    batch: usize,
) -> (f64, Vec<Duration>) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(devices)
        .build()
        .expect("client");
    // Bodies are built before the clock starts: the bench times the server, not serde.
    let mut work = Vec::new();
    for _ in 0..devices {
        let device = uuid::Uuid::now_v7().to_string();
        let muts: Vec<Value> = (1..=per_device as u64).map(|s| mutation(s, unit)).collect();
        let bodies: Vec<String> = muts
            .chunks(batch)
            .map(|c| json!({"device_id": device, "mutations": c}).to_string())
            .collect();
        work.push(bodies);
    }
    let start = Instant::now();
    let mut tasks = Vec::new();
    for bodies in work {
        let client = client.clone();
        let url = format!("{base}/api/v1/sync/push");
        let token = token.to_string();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(bodies.len());
            for body in bodies {
                let t = Instant::now();
                let r = client
                    .post(&url)
                    .bearer_auth(&token)
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .expect("push");
                assert!(r.status().is_success(), "push failed: {}", r.status());
                let v: Value = r.json().await.expect("push json");
                assert!(
                    v["results"]
                        .as_array()
                        .is_some_and(|a| a.iter().all(|x| x["status"] == "applied")),
                    "not applied: {v}"
                );
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("device task"));
    }
    let secs = start.elapsed().as_secs_f64();
    all.sort();
    ((devices * per_device) as f64 / secs, all)
}

/// (b') The same pushes straight into the store, without HTTP: where the time goes.
async fn store_pushes(f: &Fixture, n: usize, batch: usize) -> f64 {
    use app::domain::sync::{Mutation, PushRequest};
    let user = f
        .store
        .current_user(&f.desk_id)
        .await
        .expect("user")
        .expect("desk");
    let actor = app::domain::ops::Actor::from(&user);
    let device = uuid::Uuid::now_v7().to_string();
    let muts: Vec<Mutation> = (1..=n as u64)
        .map(|s| serde_json::from_value(mutation(s, &f.unit)).expect("mutation"))
        .collect();
    let start = Instant::now();
    for chunk in muts.chunks(batch) {
        let req = PushRequest {
            device_id: device.clone(),
            mutations: chunk.to_vec(),
        };
        f.store
            .push(&actor, &req, 1_800_000_000_000)
            .await
            .expect("push");
    }
    n as f64 / start.elapsed().as_secs_f64()
}

async fn run(sync: SqliteSync, n: usize, devices: usize, batch: usize, single: usize) {
    let label = match sync {
        SqliteSync::Full => "FULL",
        SqliteSync::Normal => "NORMAL",
    };
    let direct = fixture(sync).await;
    let direct_rate = direct_inserts(&direct, n, batch).await;
    let direct_json = fixture(sync).await;
    let json_rate = direct_inserts_json(&direct_json, n, batch).await;
    let floor = direct_rate.max(json_rate);
    let full = fixture(sync).await;
    let full_rate = direct_full_rows(&full, n, batch).await;
    let direct_store = fixture(sync).await;
    let store_rate = store_pushes(&direct_store, n, batch).await;
    let f = fixture(sync).await;
    let (base, token) = serve(&f).await;
    let per_device = n / devices;
    let (push_rate, lat) = pushes(&base, &token, &f.unit, devices, per_device, batch).await;
    let per_single = single / devices;
    let (single_rate, single_lat) = pushes(&base, &token, &f.unit, devices, per_single, 1).await;
    // Group commit shares one fsync among the pushes waiting at that moment, so the rate of
    // single pushes depends on how many devices push at once: shown at four times K too.
    let many = devices * 4;
    let per_many = (single / many).max(1);
    let (many_rate, many_lat) = pushes(&base, &token, &f.unit, many, per_many, 1).await;
    println!("-- SQLite synchronous={label}");
    println!(
        "(a) direct inserts:       {n} rows in batches of {batch}: {direct_rate:>10.0} rows/s"
    );
    println!("(a') direct inserts, JSON: {n} rows in batches of {batch}: {json_rate:>10.0} rows/s");
    println!("(a2) direct, every row a case-create writes (case, search, record, log; JSON): {full_rate:>10.0} case-creates/s");
    println!("(b') store.push, no HTTP:  {n} mutations in batches of {batch}: {store_rate:>10.0} mutations/s");
    println!(
        "(b) HTTP batched pushes:  {} mutations, {devices} devices × batches of {batch}: {push_rate:>10.0} mutations/s",
        devices * per_device
    );
    println!(
        "    ratio (b)/max(a, a'): {:.2}   ratio (b)/(a2): {:.2}   push latency p50 {:.1} ms, p99 {:.1} ms",
        push_rate / floor,
        push_rate / full_rate,
        ms(percentile(&lat, 0.50)),
        ms(percentile(&lat, 0.99))
    );
    single_line(
        "(c)",
        devices * per_single,
        devices,
        single_rate,
        &single_lat,
    );
    single_line("(c')", many * per_many, many, many_rate, &many_lat);
}

/// A line of single-mutation pushes: how many, from how many devices, the rate, p50, p99.
fn single_line(label: &str, n: usize, devices: usize, rate: f64, sorted: &[Duration]) {
    println!(
        "{label} single-mutation pushes: {n} from {devices} devices: {rate:>8.0} pushes/s, p50 {:.2} ms, p99 {:.2} ms",
        ms(percentile(sorted, 0.50)),
        ms(percentile(sorted, 0.99))
    );
}

/// `BENCH_ONLY=store|http|single`: one part alone under `FULL`, to profile it (`perf`).
async fn only(part: &str, n: usize, devices: usize, batch: usize, single: usize) {
    let f = fixture(SqliteSync::Full).await;
    match part {
        "store" => println!("(b') {:.0} mutations/s", store_pushes(&f, n, batch).await),
        "http" | "single" => {
            let (base, token) = serve(&f).await;
            let (per, b) = if part == "http" {
                (n / devices, batch)
            } else {
                (single / devices, 1)
            };
            let (rate, lat) = pushes(&base, &token, &f.unit, devices, per, b).await;
            println!(
                "({part}) {rate:.0} mutations/s, p50 {:.2} ms, p99 {:.2} ms",
                ms(percentile(&lat, 0.50)),
                ms(percentile(&lat, 0.99))
            );
        }
        other => println!("BENCH_ONLY: store, http or single, not {other}"),
    }
}

fn main() {
    let n = env("BENCH_N", 50_000);
    let devices = env("BENCH_DEVICES", 8).max(1);
    let batch = env("BENCH_BATCH", 500).clamp(1, 1000);
    let single = env("BENCH_SINGLE", 3_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    println!(
        "propdesk sync bench: {} cores",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    );
    if let Ok(part) = std::env::var("BENCH_ONLY") {
        rt.block_on(only(&part, n, devices, batch, single));
        return;
    }
    rt.block_on(async {
        run(SqliteSync::Full, n, devices, batch, single).await;
        run(SqliteSync::Normal, n, devices, batch, single).await;
    });
}
