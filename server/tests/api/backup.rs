//! `backup` while the server is writing: the copy is whole and consistent.

use crate::helpers::{Db, TestApp};
use app::domain::estate::{UnitInput, UnitStatus};
use app::ssr::{new_id, now_ms, Store};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_while_writing_is_consistent() {
    let app = TestApp::spawn(Db::Sqlite).await;
    let estate = app.estate_id().await;
    let building = app.store.list_buildings(&estate).await.unwrap()[0]
        .id
        .clone();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let store = app.store.clone();
        let stop = stop.clone();
        let estate = estate.clone();
        tokio::spawn(async move {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let unit = UnitInput {
                    building_id: building.clone(),
                    number: format!("W{n}"),
                    floor: 1,
                    area_m2: 50.0,
                    status: UnitStatus::Vacant,
                };
                let mut tx = store.pool().begin().await.unwrap();
                let id = new_id();
                Store::insert_unit(&mut tx, &id, &estate, &unit, now_ms())
                    .await
                    .unwrap();
                // Two rows per transaction: a torn copy would show a unit without its trace.
                Store::audit_in(&mut tx, None, "create", "unit", &id, "writer")
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
                n += 1;
            }
            n
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let path = app.path("backup.db");
    app.store
        .backup_to(&path.to_string_lossy())
        .await
        .expect("backup");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    stop.store(true, Ordering::Relaxed);
    let written = writer.await.unwrap();
    assert!(written > 0, "the writer ran during the backup");

    let copy = Store::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("open backup");
    let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(copy.pool())
        .await
        .unwrap();
    assert_eq!(check, "ok");
    let (units,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM units WHERE number LIKE 'W%'")
        .fetch_one(copy.pool())
        .await
        .unwrap();
    let (traces,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE detail = 'writer'")
            .fetch_one(copy.pool())
            .await
            .unwrap();
    assert_eq!(units, traces, "every unit in the copy has its audit row");
    assert!(
        (units as u64) < written,
        "the copy is a snapshot taken mid-writing ({units} of {written})"
    );
    let (accounts,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(copy.pool())
        .await
        .unwrap();
    assert_eq!(accounts, server::seed::DEMO_ACCOUNTS.len() as i64);
}

#[tokio::test]
async fn backup_refuses_postgres() {
    // The refusal is decided before any connection work: a store is needed only for its
    // backend, so this runs only when a PostgreSQL is configured.
    let Some(_) = crate::helpers::postgres_base_url() else {
        eprintln!("PROPDESK_TEST_POSTGRES_URL not set: PostgreSQL backup refusal skipped");
        return;
    };
    let app = TestApp::spawn_empty(Db::Postgres).await;
    let err = app.store.backup_to("/tmp/x.db").await.unwrap_err();
    assert!(err.to_string().contains("pg_dump"));
}
