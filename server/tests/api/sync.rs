//! The sync contract over HTTP: push, pull, blobs, the rejection log and seq gaps.

use crate::helpers::{error_code, Db, TestApp};
use crate::on_both;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::HashSet;

pub fn uuid() -> String {
    uuid::Uuid::now_v7().to_string()
}

pub fn mutation(seq: u64, op: &str, entity_id: &str, payload: Value) -> Value {
    json!({
        "id": uuid(),
        "seq": seq,
        "op": op,
        "entity_id": entity_id,
        "client_time": "2026-11-23T10:04:05+08:00",
        "payload": payload,
    })
}

pub fn create(seq: u64, case_id: &str, unit_id: Option<&str>, photos: &[String]) -> Value {
    mutation(
        seq,
        "case.create",
        case_id,
        json!({
            "kind": "repair",
            "title": format!("leak {seq}"),
            "description": "water under the sink",
            "unit_id": unit_id,
            "location": if unit_id.is_none() { Some("B1 garage") } else { None },
            "photos": photos,
        }),
    )
}

pub async fn push_raw(
    app: &TestApp,
    token: &str,
    device: &str,
    muts: &[Value],
) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/sync/push"))
        .bearer_auth(token)
        .json(&json!({"device_id": device, "mutations": muts}))
        .send()
        .await
        .expect("send push")
}

pub async fn push(app: &TestApp, token: &str, device: &str, muts: &[Value]) -> Value {
    let r = push_raw(app, token, device, muts).await;
    assert_eq!(r.status(), StatusCode::OK, "push answered {}", r.status());
    r.json().await.expect("push json")
}

pub async fn pull(app: &TestApp, token: &str, since: i64, limit: u32) -> Value {
    let r = app
        .get(
            Some(token),
            &format!("/api/v1/sync/pull?since={since}&limit={limit}"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.expect("pull json")
}

fn statuses(v: &Value) -> Vec<String> {
    v["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["status"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The unit of the demo `resident` account.
pub async fn resident_unit(app: &TestApp) -> String {
    resident_unit_in(&app.store).await
}

pub async fn resident_unit_in(store: &app::ssr::Store) -> String {
    use sqlx::Row;
    sqlx::query(
        "SELECT ru.unit_id FROM users u JOIN resident_units ru ON ru.resident_id = u.resident_id \
         WHERE u.username = 'resident'",
    )
    .fetch_one(store.pool())
    .await
    .expect("resident unit")
    .try_get(0)
    .expect("unit id")
}

/// A unit of the estate that is not the resident's.
async fn other_unit(app: &TestApp, not: &str) -> String {
    use sqlx::Row;
    sqlx::query("SELECT id FROM units WHERE id <> $1 ORDER BY number LIMIT 1")
        .bind(not)
        .fetch_one(app.store.pool())
        .await
        .expect("unit")
        .try_get(0)
        .expect("unit id")
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    use sqlx::Row;
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(app.store.pool())
        .await
        .expect("count")
        .try_get(0)
        .expect("count value")
}

async fn create_comment_pull_and_resend(db: Db) {
    let app = TestApp::spawn(db).await;
    let desk = app.token("desk").await;
    let unit = resident_unit(&app).await;
    let device = uuid();
    let case_id = uuid();
    let batch = vec![
        create(1, &case_id, Some(&unit), &[]),
        mutation(
            2,
            "case.comment",
            &case_id,
            json!({"text": "called the plumber"}),
        ),
    ];
    let first = push(&app, &desk, &device, &batch).await;
    assert_eq!(statuses(&first), ["applied", "applied"]);
    let cursor = first["cursor"].as_i64().expect("cursor");
    assert!(cursor > 0);

    // The desk, and the resident of the unit, see the case with both events.
    let feed = pull(&app, &desk, 0, 500).await;
    let changes = feed["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1, "one record, latest state only: {feed}");
    let record = &changes[0]["record"];
    assert_eq!(changes[0]["entity"], "case");
    assert_eq!(changes[0]["id"], case_id.as_str());
    assert_eq!(changes[0]["deleted"], false);
    for field in [
        "id",
        "kind",
        "title",
        "description",
        "status",
        "created_at",
        "created_by",
        "unit_id",
        "events",
    ] {
        assert!(
            record.get(field).is_some(),
            "record lacks {field}: {record}"
        );
    }
    assert_eq!(record["status"], "open");
    assert_eq!(record["events"].as_array().map(Vec::len), Some(2));
    assert_eq!(feed["cursor"].as_i64(), Some(cursor));
    assert_eq!(feed["more"], false);
    let resident = app.token("resident").await;
    let theirs = pull(&app, &resident, 0, 500).await;
    assert_eq!(theirs["changes"].as_array().map(Vec::len), Some(1));

    // Pulling again from the cursor returns nothing new.
    let again = pull(&app, &desk, cursor, 500).await;
    assert_eq!(again["changes"].as_array().map(Vec::len), Some(0));
    assert_eq!(again["cursor"].as_i64(), Some(cursor));

    // The same batch again (a lost ack): duplicates, nothing changes.
    let resend = push(&app, &desk, &device, &batch).await;
    assert_eq!(statuses(&resend), ["duplicate", "duplicate"]);
    assert_eq!(resend["cursor"].as_i64(), Some(cursor));
    let feed = pull(&app, &desk, 0, 500).await;
    assert_eq!(
        feed["changes"][0]["record"]["events"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM mutations").await, 2);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM cases").await, 1);

    // A comment from another device moves the record to a later cursor.
    let other = push(
        &app,
        &resident,
        &uuid(),
        &[mutation(
            1,
            "case.comment",
            &case_id,
            json!({"text": "still dripping"}),
        )],
    )
    .await;
    assert_eq!(statuses(&other), ["applied"]);
    let later = pull(&app, &desk, cursor, 500).await;
    let changes = later["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1);
    assert!(changes[0]["cursor"].as_i64() > Some(cursor));
    assert_eq!(
        changes[0]["record"]["events"].as_array().map(Vec::len),
        Some(3)
    );
}

async fn rejections_are_kept_and_explained(db: Db) {
    let app = TestApp::spawn(db).await;
    let desk = app.token("desk").await;
    let resident = app.token("resident").await;
    let cashier = app.token("cashier").await;
    let unit = resident_unit(&app).await;
    let not_theirs = other_unit(&app, &unit).await;
    let device = uuid();
    let closed_case = uuid();
    let batch = vec![
        mutation(1, "case.comment", &uuid(), json!({"text": "hello?"})),
        mutation(2, "case.teleport", &uuid(), json!({})),
        mutation(3, "case.create", &uuid(), json!({"kind": "repair"})),
        mutation(
            4,
            "case.create",
            &uuid(),
            json!({"kind": "mystery", "title": "x"}),
        ),
        create(5, &closed_case, Some(&unit), &[]),
        create(6, &closed_case, Some(&unit), &[]),
        mutation(
            7,
            "case.create",
            &uuid(),
            json!({"kind": "repair", "title": "x", "unit_id": uuid()}),
        ),
    ];
    let r = push(&app, &desk, &device, &batch).await;
    let codes: Vec<String> = r["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|x| {
            x["code"]
                .as_str()
                .unwrap_or(x["status"].as_str().unwrap_or_default())
                .to_string()
        })
        .collect();
    assert_eq!(
        codes,
        [
            "not_found",
            "unknown_op",
            "bad_payload",
            "bad_payload",
            "applied",
            "already_exists",
            "not_found"
        ]
    );
    for x in r["results"].as_array().expect("results") {
        if x["status"] == "rejected" {
            assert!(!x["message"].as_str().unwrap_or_default().is_empty(), "{x}");
        }
    }

    // Role and scope: a cashier opens no cases; a resident only for their own unit.
    let r = push(
        &app,
        &cashier,
        &uuid(),
        &[create(1, &uuid(), Some(&unit), &[])],
    )
    .await;
    assert_eq!(r["results"][0]["code"], "forbidden");
    let r = push(
        &app,
        &resident,
        &uuid(),
        &[create(1, &uuid(), Some(&not_theirs), &[])],
    )
    .await;
    assert_eq!(r["results"][0]["code"], "forbidden");
    // A resident cannot comment on a case of another unit: it does not exist for them.
    let foreign = uuid();
    push(
        &app,
        &desk,
        &uuid(),
        &[create(1, &foreign, Some(&not_theirs), &[])],
    )
    .await;
    let r = push(
        &app,
        &resident,
        &uuid(),
        &[mutation(
            1,
            "case.comment",
            &foreign,
            json!({"text": "me too"}),
        )],
    )
    .await;
    assert_eq!(r["results"][0]["code"], "not_found");
    let seen = pull(&app, &resident, 0, 500).await;
    assert!(
        seen["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .all(|c| c["id"] != foreign.as_str()),
        "a resident must not pull another unit's case"
    );

    // Re-sending a rejected mutation gets the same rejection; nothing is applied.
    let again = push(&app, &desk, &device, &batch[..1]).await;
    assert_eq!(again["results"][0]["status"], "rejected");
    assert_eq!(again["results"][0]["code"], "not_found");

    // The rejection log: supervisors read it, the desk may not.
    let sup = app.token("super").await;
    let log = app.get(Some(&sup), "/api/v1/sync/rejections").await;
    assert_eq!(log.status(), StatusCode::OK);
    let log: Value = log.json().await.expect("log json");
    let ids: HashSet<&str> = log
        .as_array()
        .expect("log")
        .iter()
        .filter_map(|e| e["id"].as_str())
        .collect();
    for (i, m) in batch.iter().enumerate() {
        let id = m["id"].as_str().expect("id");
        assert_eq!(ids.contains(id), i != 4, "mutation {i} in the log: {log}");
    }
    let entry = log
        .as_array()
        .expect("log")
        .iter()
        .find(|e| e["op"] == "case.teleport")
        .expect("teleport entry");
    assert_eq!(entry["code"], "unknown_op");
    assert_eq!(entry["username"], "desk");
    assert_eq!(
        app.get(Some(&desk), "/api/v1/sync/rejections")
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}

async fn bad_envelopes_apply_nothing(db: Db) {
    let app = TestApp::spawn(db).await;
    let desk = app.token("desk").await;
    let unit = resident_unit(&app).await;
    let url = app.url("/api/v1/sync/push");

    let r = app
        .client
        .post(&url)
        .json(&json!({"device_id": uuid(), "mutations": []}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    let r = app
        .client
        .post(&url)
        .bearer_auth(&desk)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(r).await, "malformed");

    let r = app
        .client
        .post(&url)
        .bearer_auth(&desk)
        .json(&json!({"mutations": [create(1, &uuid(), Some(&unit), &[])]}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.expect("json");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("device_id"),
        "{body}"
    );

    let many: Vec<Value> = (1..=1001)
        .map(|s| create(s, &uuid(), Some(&unit), &[]))
        .collect();
    let r = push_raw(&app, &desk, &uuid(), &many).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.expect("json");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("1000"),
        "{body}"
    );

    let r = push_raw(
        &app,
        &desk,
        &uuid(),
        &[
            create(2, &uuid(), Some(&unit), &[]),
            create(1, &uuid(), Some(&unit), &[]),
        ],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let r = push_raw(
        &app,
        &desk,
        "tablet-7",
        &[create(1, &uuid(), Some(&unit), &[])],
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    assert_eq!(count(&app, "SELECT COUNT(*) FROM mutations").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM cases").await, 0);

    // Pull's parameters are checked too.
    for q in ["since=-1", "since=abc", "limit=0", "limit=5001"] {
        let r = app
            .get(Some(&desk), &format!("/api/v1/sync/pull?{q}"))
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{q}");
        assert_eq!(error_code(r).await, "invalid", "{q}");
    }
    assert_eq!(
        app.get(None, "/api/v1/sync/pull").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

async fn pull_pages_through_with_more(db: Db) {
    let app = TestApp::spawn(db).await;
    let desk = app.token("desk").await;
    let unit = resident_unit(&app).await;
    let muts: Vec<Value> = (1..=25)
        .map(|s| create(s, &uuid(), Some(&unit), &[]))
        .collect();
    push(&app, &desk, &uuid(), &muts).await;
    let mut since = 0;
    let mut seen = Vec::new();
    loop {
        let page = pull(&app, &desk, since, 10).await;
        let changes = page["changes"].as_array().expect("changes");
        assert!(changes.len() <= 10);
        for c in changes {
            let cur = c["cursor"].as_i64().expect("cursor");
            assert!(cur > since, "cursors rise");
            since = cur;
            seen.push(c["id"].as_str().expect("id").to_string());
        }
        since = page["cursor"].as_i64().expect("cursor");
        if page["more"] == false {
            break;
        }
    }
    assert_eq!(seen.len(), 25);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 25);
}

async fn seq_gaps_are_shown(db: Db) {
    let app = TestApp::spawn(db).await;
    let desk = app.token("desk").await;
    let sup = app.token("super").await;
    let unit = resident_unit(&app).await;
    let device = uuid();
    push(
        &app,
        &desk,
        &device,
        &[create(1, &uuid(), Some(&unit), &[])],
    )
    .await;
    push(
        &app,
        &desk,
        &device,
        &[create(5, &uuid(), Some(&unit), &[])],
    )
    .await;
    let gaps: Value = app
        .get(Some(&sup), "/api/v1/sync/gaps")
        .await
        .json()
        .await
        .expect("gaps");
    let gaps = gaps.as_array().expect("gaps").clone();
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(gaps[0]["device_id"], device.as_str());
    assert_eq!(
        (gaps[0]["from_seq"].as_i64(), gaps[0]["to_seq"].as_i64()),
        (Some(2), Some(4))
    );
    assert_eq!(gaps[0]["username"], "desk");
    // Seq 3 arrives late: it is applied, and the gap splits around it.
    let late = push(
        &app,
        &desk,
        &device,
        &[create(3, &uuid(), Some(&unit), &[])],
    )
    .await;
    assert_eq!(statuses(&late), ["applied"]);
    let gaps: Value = app
        .get(Some(&sup), "/api/v1/sync/gaps")
        .await
        .json()
        .await
        .expect("gaps");
    let mut ranges: Vec<(i64, i64)> = gaps
        .as_array()
        .expect("gaps")
        .iter()
        .map(|g| {
            (
                g["from_seq"].as_i64().unwrap_or(0),
                g["to_seq"].as_i64().unwrap_or(0),
            )
        })
        .collect();
    ranges.sort();
    assert_eq!(ranges, [(2, 2), (4, 4)]);
    assert_eq!(
        app.get(Some(&desk), "/api/v1/sync/gaps").await.status(),
        StatusCode::FORBIDDEN
    );
}

/// A tiny valid PNG header followed by distinct bytes.
pub fn png(tag: &str) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
    b.extend_from_slice(tag.as_bytes());
    b
}

pub fn sha(bytes: &[u8]) -> String {
    server::blobs::BlobDir::hash(bytes)
}

async fn put_blob(app: &TestApp, token: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    app.client
        .put(app.url(&format!("/api/v1/blobs/{name}")))
        .bearer_auth(token)
        .body(bytes)
        .send()
        .await
        .expect("send blob")
}

async fn blobs_are_checked_and_photos_pending_until_they_arrive(db: Db) {
    let app = TestApp::spawn(db).await;
    let resident = app.token("resident").await;
    let desk = app.token("desk").await;
    let unit = resident_unit(&app).await;
    let photo = png("leak photo");
    let name = sha(&photo);

    // The mutation names the photo before it is uploaded: the record shows it pending.
    let case_id = uuid();
    push(
        &app,
        &resident,
        &uuid(),
        &[create(
            1,
            &case_id,
            Some(&unit),
            std::slice::from_ref(&name),
        )],
    )
    .await;
    let feed = pull(&app, &desk, 0, 500).await;
    let before = feed["cursor"].as_i64().expect("cursor");
    assert_eq!(
        feed["changes"][0]["record"]["photos"][0]["sha256"],
        name.as_str()
    );
    assert_eq!(feed["changes"][0]["record"]["photos"][0]["pending"], true);

    // Bad uploads name the problem.
    let r = put_blob(&app, &resident, &name, png("other bytes")).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let gif = b"GIF89a-not-allowed".to_vec();
    let r = put_blob(&app, &resident, &sha(&gif), gif).await;
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(error_code(r).await, "unsupported_type");
    let mut big = png("big");
    big.resize(app::domain::blobs::MAX_BLOB_BYTES + 1, 7);
    let r = put_blob(&app, &resident, &sha(&big), big).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let r = put_blob(&app, &resident, "not-a-hash", photo.clone()).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .client
        .put(app.url(&format!("/api/v1/blobs/{name}")))
        .body(photo.clone())
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    // Upload: 201, then 200; the record is re-published with the photo no longer pending.
    assert_eq!(
        put_blob(&app, &resident, &name, photo.clone())
            .await
            .status(),
        StatusCode::CREATED
    );
    assert_eq!(
        put_blob(&app, &resident, &name, photo.clone())
            .await
            .status(),
        StatusCode::OK
    );
    let later = pull(&app, &desk, before, 500).await;
    assert_eq!(
        later["changes"].as_array().map(Vec::len),
        Some(1),
        "{later}"
    );
    assert_eq!(later["changes"][0]["record"]["photos"][0]["pending"], false);

    // The desk of the estate may fetch it; a resident of another unit may not.
    let r = app.get(Some(&desk), &format!("/api/v1/blobs/{name}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.expect("bytes").to_vec(), photo);
    let other_resident = other_resident_token(&app, &unit).await;
    let r = app
        .get(Some(&other_resident), &format!("/api/v1/blobs/{name}"))
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // Stored on disk under the data directory, by name.
    assert!(app
        .dir
        .path()
        .join("blobs")
        .join(&name[..2])
        .join(&name)
        .exists());
}

/// Makes a login for a resident of a unit other than `not` and signs it in.
async fn other_resident_token(app: &TestApp, not: &str) -> String {
    use app::ssr::store::NewUserRow;
    use sqlx::Row;
    let row = sqlx::query("SELECT resident_id FROM resident_units WHERE unit_id <> $1 LIMIT 1")
        .bind(not)
        .fetch_one(app.store.pool())
        .await
        .expect("another resident");
    let resident_id: String = row.try_get(0).expect("resident id");
    let user = NewUserRow {
        id: uuid(),
        username: "neighbour".into(),
        display_name: "Neighbour".into(),
        password_hash: app::ssr::auth::hash_password("neighbour-pass-1").expect("hash"),
        role: app::domain::Role::Resident,
        department: None,
        resident_id: Some(resident_id),
        estate_ids: Vec::new(),
    };
    app.store
        .create_user(&user)
        .await
        .expect("create resident login");
    let r = app.login("neighbour", "neighbour-pass-1").await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.expect("json");
    v["token"].as_str().expect("token").to_string()
}

/// Many devices push while others pull; every puller, moving only forward from its own
/// cursor, ends up with every case: no change is ever passed over.
async fn concurrent_pushes_never_skip_a_change(db: Db) {
    let app = std::sync::Arc::new(TestApp::spawn(db).await);
    let desk = app.token("desk").await;
    let unit = resident_unit(&app).await;
    const DEVICES: usize = 8;
    const BATCHES: u64 = 6;
    const PER_BATCH: u64 = 5;
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));

    let mut pullers = Vec::new();
    for _ in 0..3 {
        let app = app.clone();
        let desk = desk.clone();
        let done = done.clone();
        pullers.push(tokio::spawn(async move {
            let mut since = 0i64;
            let mut seen = HashSet::new();
            loop {
                let finished = done.load(std::sync::atomic::Ordering::SeqCst);
                let page = pull(&app, &desk, since, 7).await;
                for c in page["changes"].as_array().expect("changes") {
                    seen.insert(c["id"].as_str().expect("id").to_string());
                }
                since = page["cursor"].as_i64().expect("cursor");
                if finished && page["more"] == false {
                    break;
                }
                tokio::task::yield_now().await;
            }
            seen
        }));
    }
    let mut pushers = Vec::new();
    for _ in 0..DEVICES {
        let app = app.clone();
        let desk = desk.clone();
        let unit = unit.clone();
        pushers.push(tokio::spawn(async move {
            let device = uuid();
            let mut made = Vec::new();
            for b in 0..BATCHES {
                let muts: Vec<Value> = (1..=PER_BATCH)
                    .map(|i| {
                        let id = uuid();
                        made.push(id.clone());
                        create(b * PER_BATCH + i, &id, Some(&unit), &[])
                    })
                    .collect();
                let r = push(&app, &desk, &device, &muts).await;
                assert!(statuses(&r).iter().all(|s| s == "applied"), "{r}");
            }
            made
        }));
    }
    let mut all = HashSet::new();
    for p in pushers {
        all.extend(p.await.expect("pusher"));
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(all.len(), DEVICES * (BATCHES * PER_BATCH) as usize);
    for p in pullers {
        let seen = p.await.expect("puller");
        let missing: Vec<_> = all.difference(&seen).collect();
        assert!(
            missing.is_empty(),
            "a puller skipped {} changes",
            missing.len()
        );
    }
}

on_both!(
    create_comment_pull_and_resend,
    rejections_are_kept_and_explained,
    bad_envelopes_apply_nothing,
    pull_pages_through_with_more,
    seq_gaps_are_shown,
    blobs_are_checked_and_photos_pending_until_they_arrive,
    concurrent_pushes_never_skip_a_change,
);

/// The OpenAPI document is served, parses, and describes every sync path.
#[tokio::test]
async fn openapi_describes_the_sync_api() {
    let app = TestApp::spawn_empty(Db::Sqlite).await;
    let r = app.get(None, "/api/v1/openapi.json").await;
    assert_eq!(r.status(), StatusCode::OK);
    let doc: Value = r.json().await.expect("openapi json");
    assert!(doc["openapi"]
        .as_str()
        .unwrap_or_default()
        .starts_with("3."));
    for path in [
        "/auth/login",
        "/sync/push",
        "/sync/pull",
        "/blobs/{sha256}",
        "/sync/rejections",
        "/sync/gaps",
    ] {
        assert!(doc["paths"].get(path).is_some(), "openapi lacks {path}");
    }
}
