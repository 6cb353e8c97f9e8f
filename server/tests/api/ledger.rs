//! The front-desk ledger over HTTP: visitors, calls, release passes, keys, parcels, the
//! duty log with its handover and notices, each step pushed as a mutation by the person
//! who takes it and read back through that person's pull feed; every ledger op and every
//! rejection code; who may do what; and what each role's feed carries.

use crate::helpers::{Db, TestApp};
use crate::on_both;
use crate::sync::{png, resident_unit, sha, uuid};
use app::domain::cases::Directory;
use app::domain::ledger::{
    Call, Key, LedgerOp, Notice, Parcel, ParcelStatus, Pass, PassStatus, Shift, ShiftStatus, Visit,
    VisitStatus,
};
use app::domain::ops::RejectCode;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const ID_NUMBER: &str = "110101199001011234";

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .expect("time in range")
        .to_rfc3339()
}

/// What the server answered for one mutation.
#[derive(Debug)]
struct Answer {
    status: String,
    code: String,
    message: String,
}

impl Answer {
    fn applied(&self) -> bool {
        self.status == "applied"
    }
}

/// One step of a push: op, record id, payload, device time.
struct Step<'a> {
    op: &'a str,
    id: &'a str,
    payload: Value,
    at: i64,
}

fn step<'a>(op: &'a str, id: &'a str, payload: Value) -> Step<'a> {
    Step {
        op,
        id,
        payload,
        at: now_ms(),
    }
}

/// One signed-in person on one device: pushes each step as the next mutation in `seq`,
/// and remembers which ops they pushed and which rejection codes they got.
struct Person {
    token: String,
    id: String,
    device: String,
    seq: u64,
    applied_ops: BTreeSet<String>,
    codes: BTreeSet<String>,
}

impl Person {
    async fn sign_in(app: &TestApp, username: &str) -> Person {
        let r = app.login(username, "demo").await;
        assert_eq!(r.status(), StatusCode::OK, "login {username}");
        let v: Value = r.json().await.expect("login json");
        Person {
            token: v["token"].as_str().expect("token").to_string(),
            id: user_id(app, username).await,
            device: uuid(),
            seq: 0,
            applied_ops: BTreeSet::new(),
            codes: BTreeSet::new(),
        }
    }

    /// Pushes the steps as one batch and returns the server's answers, in order.
    async fn push(&mut self, app: &TestApp, steps: Vec<Step<'_>>) -> Vec<Answer> {
        let mutations: Vec<Value> = steps
            .iter()
            .map(|s| {
                self.seq += 1;
                json!({
                    "id": uuid(),
                    "seq": self.seq,
                    "op": s.op,
                    "entity_id": s.id,
                    "client_time": rfc3339(s.at),
                    "payload": s.payload,
                })
            })
            .collect();
        let r = app
            .client
            .post(app.url("/api/v1/sync/push"))
            .bearer_auth(&self.token)
            .json(&json!({"device_id": self.device, "mutations": mutations}))
            .send()
            .await
            .expect("send push");
        assert_eq!(r.status(), StatusCode::OK, "push");
        let v: Value = r.json().await.expect("push json");
        let results = v["results"].as_array().expect("results");
        assert_eq!(results.len(), steps.len(), "one result per mutation");
        steps
            .iter()
            .zip(results)
            .map(|(s, x)| {
                let a = Answer {
                    status: x["status"].as_str().unwrap_or_default().to_string(),
                    code: x["code"].as_str().unwrap_or_default().to_string(),
                    message: x["message"].as_str().unwrap_or_default().to_string(),
                };
                if a.applied() {
                    self.applied_ops.insert(s.op.to_string());
                } else {
                    self.codes.insert(a.code.clone());
                }
                a
            })
            .collect()
    }

    async fn step_at(
        &mut self,
        app: &TestApp,
        op: &str,
        id: &str,
        payload: Value,
        at: i64,
    ) -> Answer {
        let mut a = self
            .push(
                app,
                vec![Step {
                    op,
                    id,
                    payload,
                    at,
                }],
            )
            .await;
        a.pop().expect("an answer")
    }

    /// A step that must apply.
    async fn ok(&mut self, app: &TestApp, op: &str, id: &str, payload: Value) {
        self.ok_at(app, op, id, payload, now_ms()).await
    }

    async fn ok_at(&mut self, app: &TestApp, op: &str, id: &str, payload: Value, at: i64) {
        let a = self.step_at(app, op, id, payload, at).await;
        assert!(a.applied(), "{op} was not applied: {a:?}");
    }

    /// A step that must be rejected with `code`; returns the message.
    async fn refused(
        &mut self,
        app: &TestApp,
        op: &str,
        id: &str,
        payload: Value,
        code: &str,
    ) -> String {
        let a = self.step_at(app, op, id, payload, now_ms()).await;
        assert_eq!(
            (a.status.as_str(), a.code.as_str()),
            ("rejected", code),
            "{op}: {a:?}"
        );
        assert!(!a.message.is_empty(), "{op}: a rejection names its reason");
        a.message
    }

    /// Every record of this person's pull feed after `since`, latest state by (entity, id),
    /// with the cursor to pull from next.
    async fn feed_since(&self, app: &TestApp, since: i64) -> (Feed, i64) {
        let mut since = since;
        let mut out = Feed::new();
        loop {
            let r = app
                .get(
                    Some(&self.token),
                    &format!("/api/v1/sync/pull?since={since}&limit=500"),
                )
                .await;
            assert_eq!(r.status(), StatusCode::OK);
            let page: Value = r.json().await.expect("pull json");
            for c in page["changes"].as_array().expect("changes") {
                assert_eq!(c["deleted"], false, "nothing is deleted: {c}");
                let key = (
                    c["entity"].as_str().expect("entity").to_string(),
                    c["id"].as_str().expect("id").to_string(),
                );
                out.insert(key, c["record"].clone());
            }
            since = page["cursor"].as_i64().expect("cursor");
            if page["more"] != true {
                return (out, since);
            }
        }
    }

    async fn feed(&self, app: &TestApp) -> Feed {
        self.feed_since(app, 0).await.0
    }

    /// One record as this person's pull feed carries it.
    async fn record<T: DeserializeOwned>(
        &self,
        app: &TestApp,
        entity: &str,
        id: &str,
    ) -> Option<T> {
        self.feed(app)
            .await
            .remove(&(entity.to_string(), id.to_string()))
            .map(|v| serde_json::from_value(v).unwrap_or_else(|e| panic!("a {entity}: {e}")))
    }
}

type Feed = BTreeMap<(String, String), Value>;

fn kinds(feed: &Feed) -> BTreeSet<&str> {
    feed.keys().map(|(e, _)| e.as_str()).collect()
}

fn has(feed: &Feed, entity: &str, id: &str) -> bool {
    feed.contains_key(&(entity.to_string(), id.to_string()))
}

async fn user_id(app: &TestApp, username: &str) -> String {
    use sqlx::Row;
    sqlx::query("SELECT id FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(app.store.pool())
        .await
        .expect("user")
        .try_get(0)
        .expect("user id")
}

async fn put_blob(app: &TestApp, token: &str, name: &str, bytes: Vec<u8>) -> StatusCode {
    app.client
        .put(app.url(&format!("/api/v1/blobs/{name}")))
        .bearer_auth(token)
        .body(bytes)
        .send()
        .await
        .expect("send blob")
        .status()
}

/// The estate's directory as the desk sees it (units with their buildings, buildings).
async fn directory(app: &TestApp, token: &str) -> Directory {
    let r = app.call(Some(token), "case_directory", json!({})).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.expect("directory")
}

/// The resident's unit and building, another unit of another building, and that building.
struct Places {
    unit: String,
    building: String,
    other_unit: String,
    other_building: String,
}

async fn places(app: &TestApp, desk: &Person) -> Places {
    let unit = resident_unit(app).await;
    let dir = directory(app, &desk.token).await;
    let building = dir
        .units
        .iter()
        .find(|u| u.id == unit)
        .expect("the resident's unit is in the directory")
        .building_id
        .clone();
    let other = dir
        .units
        .iter()
        .find(|u| u.building_id != building)
        .expect("a unit of another building");
    assert!(dir.buildings.iter().any(|b| b.id == other.building_id));
    Places {
        unit,
        building,
        other_unit: other.id.clone(),
        other_building: other.building_id.clone(),
    }
}

// ---------------------------------------------------------------- payloads

fn arrival(name: &str, unit: &str, pass_no: &str) -> Value {
    json!({
        "category": "ordinary",
        "name": name,
        "purpose": "看望亲戚 visiting family",
        "id_doc_type": "id_card",
        "id_doc_number": ID_NUMBER,
        "unit_id": unit,
        "host": "业主 owner",
        "party_size": 2,
        "pass_no": pass_no,
    })
}

fn tenant_pass(unit: &str, standing: &str) -> Value {
    json!({
        "unit_id": unit,
        "items": [{"name": "沙发 sofa", "quantity": 1}, {"name": "纸箱 boxes", "quantity": 6}],
        "bearer_name": "租户 刘洋 Liu Yang",
        "bearer_id_type": "id_card",
        "bearer_id_number": ID_NUMBER,
        "id_checked": true,
        "bearer_is_owner": false,
        "owner_confirmation": {
            "owner_name": "业主 陈 Chen",
            "phone": "138 0000 1234",
            "note": "电话确认同意搬出 confirmed by phone",
        },
        "standing": standing,
    })
}

fn plant_key() -> Value {
    json!({
        "kind": "plant_room",
        "label": "K-B1-07",
        "location": "地下一层 水泵房 B1 pump room",
        "equipment": "生活水泵 domestic water pumps",
    })
}

fn loan(due: i64) -> Value {
    json!({
        "borrower": "维修工 陈强",
        "borrower_phone": "139 1111 2222",
        "reason": "水泵检修 pump service",
        "due_at": due,
    })
}

fn notice(audience: Value, board: &str, category: &str, title: &str) -> Value {
    json!({
        "board": board,
        "audience": audience,
        "category": category,
        "title": title,
        "body": "明日 9:00-12:00 检修 maintenance tomorrow",
    })
}

fn estate_wide() -> Value {
    json!({"scope": "estate"})
}

fn open_items() -> Value {
    json!([
        {"kind": "key", "label": "水泵房钥匙未还 pump room key out"},
        {"kind": "callback", "label": "回电李女士 call Ms Li back"},
    ])
}

// ---------------------------------------------------------------- tests

/// Visitors in and out, a refused one; calls with a callback and one that became a case
/// in the same push; a tenant's release pass issued, approved and used once at the gate;
/// a key lent and returned; parcels handed over against a signature.
async fn a_morning_at_the_desk(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut desk = Person::sign_in(&app, "desk").await;
    let mut desk2 = Person::sign_in(&app, "desk2").await;
    let mut sup = Person::sign_in(&app, "super").await;
    let mut patrol = Person::sign_in(&app, "patrol").await;
    let p = places(&app, &desk).await;
    let start = now_ms() - 3 * HOUR;

    // Two visitors arrive and leave; the ID number is kept masked only.
    let (v1, v2, refused) = (uuid(), uuid(), uuid());
    desk.ok_at(
        &app,
        "visit.arrive",
        &v1,
        arrival("访客 张三", &p.unit, "T-001"),
        start,
    )
    .await;
    desk.ok_at(
        &app,
        "visit.arrive",
        &v2,
        arrival("访客 李四", &p.other_unit, "T-002"),
        start + 10 * MIN,
    )
    .await;
    desk.ok_at(
        &app,
        "visit.arrive",
        &refused,
        json!({"category": "service", "name": "推销员 salesman", "refused_reason": "上门推销 door-to-door sales"}),
        start + 15 * MIN,
    )
    .await;
    desk2
        .ok_at(&app, "visit.leave", &v1, json!({}), start + HOUR)
        .await;
    desk.ok_at(&app, "visit.leave", &v2, json!({}), start + 2 * HOUR)
        .await;
    let why = desk
        .refused(&app, "visit.leave", &v1, json!({}), "invalid_transition")
        .await;
    assert!(why.contains("left"), "{why}");
    desk.refused(
        &app,
        "visit.leave",
        &refused,
        json!({}),
        "invalid_transition",
    )
    .await;

    let v: Visit = desk.record(&app, "visit", &v1).await.expect("visit");
    assert_eq!(v.status, VisitStatus::Left);
    assert_eq!(
        (v.arrived.at, v.arrived.by.as_str()),
        (start, desk.id.as_str())
    );
    let left = v.left.as_ref().expect("left");
    assert_eq!(
        (left.at, left.by.as_str()),
        (start + HOUR, desk2.id.as_str())
    );
    assert_eq!(v.pass_no.as_deref(), Some("T-001"));
    assert_eq!(v.party_size, 2);
    assert_eq!(v.unit_id.as_deref(), Some(p.unit.as_str()));
    assert!(v.unit_label.is_some());
    assert_eq!(v.id_doc_masked.as_deref(), Some("11**************34"));
    let v: Visit = desk.record(&app, "visit", &v2).await.expect("visit");
    assert_eq!(
        v.left.as_ref().map(|l| l.at - v.arrived.at),
        Some(2 * HOUR - 10 * MIN)
    );
    let r: Visit = desk.record(&app, "visit", &refused).await.expect("visit");
    assert_eq!(r.status, VisitStatus::Refused);
    assert!(r.left.is_none() && r.pass_no.is_none());
    // The full number is nowhere: not in the feed, not in the stored records.
    let raw = serde_json::to_string(&desk.feed(&app).await.into_values().collect::<Vec<_>>())
        .expect("json");
    assert!(!raw.contains("19900101"), "the feed holds a full ID number");
    use sqlx::Row;
    let stored: i64 = sqlx::query("SELECT COUNT(*) FROM records WHERE doc LIKE '%19900101%'")
        .fetch_one(app.store.pool())
        .await
        .expect("records")
        .try_get(0)
        .expect("count");
    assert_eq!(stored, 0, "no record stores the full ID number");

    // A call owing a callback, called back once.
    let c1 = uuid();
    let due = now_ms() + 2 * HOUR;
    desk.ok(
        &app,
        "call.log",
        &c1,
        json!({
            "caller": "李女士 Ms Li",
            "phone": "138 0000 1234",
            "unit_id": p.unit,
            "topic": "电梯停运多久 how long is the lift out",
            "outcome": "callback",
            "callback_due": due,
        }),
    )
    .await;
    let c: Call = desk.record(&app, "call", &c1).await.expect("call");
    assert!(c.owes_callback());
    assert_eq!(c.callback_due, Some(due));
    desk2
        .ok(
            &app,
            "call.callback",
            &c1,
            json!({"note": "已告知 told her"}),
        )
        .await;
    let why = desk
        .refused(&app, "call.callback", &c1, json!({}), "invalid_transition")
        .await;
    assert!(why.contains("already"), "{why}");
    let c: Call = desk.record(&app, "call", &c1).await.expect("call");
    assert!(!c.owes_callback());
    assert_eq!(
        c.called_back.as_ref().map(|s| s.by.as_str()),
        Some(desk2.id.as_str())
    );
    assert_eq!(c.callback_note.as_deref(), Some("已告知 told her"));

    // A call that becomes a case, all in one push.
    let (c2, case) = (uuid(), uuid());
    let answers = desk
        .push(
            &app,
            vec![
                step(
                    "call.log",
                    &c2,
                    json!({"caller": "王先生", "unit_id": p.unit, "topic": "厨房漏水 kitchen leak", "outcome": "referred", "department": "engineering"}),
                ),
                step(
                    "case.create",
                    &case,
                    json!({"kind": "repair", "title": "厨房漏水 kitchen leak", "unit_id": p.unit, "leak": true}),
                ),
                step("call.link_case", &c2, json!({"case_id": case})),
                step(
                    "call.link_case",
                    &c2,
                    json!({"case_id": uuid()}),
                ),
            ],
        )
        .await;
    let got: Vec<(&str, &str)> = answers
        .iter()
        .map(|a| (a.status.as_str(), a.code.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("applied", ""),
            ("applied", ""),
            ("applied", ""),
            ("rejected", "invalid_transition")
        ],
        "{answers:?}"
    );
    let c: Call = desk.record(&app, "call", &c2).await.expect("call");
    assert_eq!(c.case_id.as_deref(), Some(case.as_str()));
    let feed = desk.feed(&app).await;
    assert!(has(&feed, "case", &case), "the case is on the feed too");

    // A tenant moves out: the desk checks the unit's standing and writes the pass.
    let r = app
        .call(
            Some(&desk.token),
            "unit_standing",
            json!({"unit_id": p.unit}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let standing: Value = r.json().await.expect("standing");
    let standing = standing[0]["standing"]
        .as_str()
        .expect("a standing")
        .to_string();
    let pass_id = uuid();
    desk.ok(
        &app,
        "pass.issue",
        &pass_id,
        tenant_pass(&p.unit, &standing),
    )
    .await;
    let why = desk
        .refused(&app, "pass.approve", &pass_id, json!({}), "forbidden")
        .await;
    assert!(why.contains("supervisor"), "{why}");
    let issued: Pass = patrol.record(&app, "pass", &pass_id).await.expect("pass");
    assert_eq!(issued.status, PassStatus::Issued);
    let why = patrol
        .refused(
            &app,
            "pass.use",
            &pass_id,
            json!({"code": issued.code}),
            "invalid_transition",
        )
        .await;
    assert!(why.contains("not approved"), "{why}");
    sup.ok(&app, "pass.approve", &pass_id, json!({})).await;
    // The gate reads the code off the pass in its own feed.
    let approved: Pass = patrol.record(&app, "pass", &pass_id).await.expect("pass");
    assert_eq!(approved.status, PassStatus::Approved);
    assert_eq!(approved.code.len(), 8);
    patrol
        .refused(
            &app,
            "pass.use",
            &pass_id,
            json!({"code": "ZZZZ0000"}),
            "bad_payload",
        )
        .await;
    patrol
        .ok(
            &app,
            "pass.use",
            &pass_id,
            json!({"code": approved.code.to_lowercase(), "gate": "东门 east gate"}),
        )
        .await;
    let why = patrol
        .refused(
            &app,
            "pass.use",
            &pass_id,
            json!({"code": approved.code}),
            "invalid_transition",
        )
        .await;
    assert!(why.contains("already used"), "{why}");
    let used: Pass = desk.record(&app, "pass", &pass_id).await.expect("pass");
    assert_eq!(used.status, PassStatus::Used);
    assert!(!used.bearer_is_owner);
    assert_eq!(used.bearer_id_masked, "11**************34");
    assert_eq!(used.standing.as_str(), standing);
    let confirmed = used
        .owner_confirmation
        .as_ref()
        .expect("owner confirmation");
    assert_eq!(
        (confirmed.owner_name.as_str(), confirmed.phone.as_str()),
        ("业主 陈 Chen", "138 0000 1234")
    );
    assert_eq!(used.issued.by, desk.id);
    assert_eq!(
        used.approved.as_ref().map(|s| s.by.as_str()),
        Some(sup.id.as_str())
    );
    assert_eq!(
        used.used.as_ref().map(|s| s.by.as_str()),
        Some(patrol.id.as_str())
    );
    assert_eq!(used.gate.as_deref(), Some("东门 east gate"));
    assert_eq!(used.unit_id, p.unit);

    // The pump room key: lent, not lent twice, returned.
    let key_id = uuid();
    desk.ok(&app, "key.register", &key_id, plant_key()).await;
    let lent_at = now_ms() - MIN;
    desk.ok_at(&app, "key.lend", &key_id, loan(lent_at + 3 * HOUR), lent_at)
        .await;
    let why = desk2
        .refused(
            &app,
            "key.lend",
            &key_id,
            loan(now_ms() + HOUR),
            "invalid_transition",
        )
        .await;
    assert!(why.contains("already out"), "{why}");
    let out: Key = desk2.record(&app, "key", &key_id).await.expect("key");
    assert!(out.is_out());
    assert_eq!(
        out.current_loan().map(|l| (l.lent.at, l.due_at)),
        Some((lent_at, lent_at + 3 * HOUR))
    );
    desk2
        .ok(&app, "key.return", &key_id, json!({"note": "完好 intact"}))
        .await;
    desk.refused(&app, "key.return", &key_id, json!({}), "invalid_transition")
        .await;
    let back: Key = desk.record(&app, "key", &key_id).await.expect("key");
    assert!(!back.is_out());
    assert_eq!(back.loans.len(), 1);
    assert_eq!(
        back.loans[0].returned.as_ref().map(|s| s.by.as_str()),
        Some(desk2.id.as_str())
    );

    // A parcel for the unit, signed for with an uploaded signature.
    let parcel_id = uuid();
    desk.ok(
        &app,
        "parcel.log",
        &parcel_id,
        json!({"kind": "parcel", "unit_id": p.unit, "recipient": "陈女士", "carrier": "顺丰 SF", "tracking_no": "SF1234567", "shelf": "A3"}),
    )
    .await;
    desk.ok(&app, "parcel.notify", &parcel_id, json!({})).await;
    let signed = png("parcel signature one");
    let signature = sha(&signed);
    assert_eq!(
        put_blob(&app, &desk.token, &signature, signed).await,
        StatusCode::CREATED
    );
    desk2
        .ok(
            &app,
            "parcel.hand_over",
            &parcel_id,
            json!({"received_by": "陈女士", "signature": signature}),
        )
        .await;
    desk.refused(
        &app,
        "parcel.hand_over",
        &parcel_id,
        json!({"received_by": "陈女士", "signature": signature}),
        "invalid_transition",
    )
    .await;
    let x: Parcel = desk
        .record(&app, "parcel", &parcel_id)
        .await
        .expect("parcel");
    assert_eq!(x.status, ParcelStatus::HandedOver);
    assert!(x.notified.is_some());
    assert_eq!(x.received_by.as_deref(), Some("陈女士"));
    let sig = x.signature.as_ref().expect("signature");
    assert_eq!(sig.sha256, signature);
    assert!(!sig.pending, "the signature was uploaded first");

    // Another, signed before the signature is uploaded: pending until it arrives.
    let late_parcel = uuid();
    desk.ok(
        &app,
        "parcel.log",
        &late_parcel,
        json!({"kind": "letter", "unit_id": p.unit, "recipient": "陈女士"}),
    )
    .await;
    let later = png("parcel signature two");
    let later_sha = sha(&later);
    desk.ok(
        &app,
        "parcel.hand_over",
        &late_parcel,
        json!({"received_by": "家人 family", "signature": later_sha}),
    )
    .await;
    let x: Parcel = desk
        .record(&app, "parcel", &late_parcel)
        .await
        .expect("parcel");
    assert!(x.signature.as_ref().expect("signature").pending);
    assert_eq!(
        put_blob(&app, &desk.token, &later_sha, later).await,
        StatusCode::CREATED
    );
    let x: Parcel = desk
        .record(&app, "parcel", &late_parcel)
        .await
        .expect("parcel");
    assert!(
        !x.signature.as_ref().expect("signature").pending,
        "re-published once uploaded"
    );
}

/// The duty log: written by the agent on duty, handed to another desk agent of the estate
/// with open items, signed by that agent only; nothing written after it ends.
async fn a_shift_is_handed_over(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut desk = Person::sign_in(&app, "desk").await;
    let mut desk2 = Person::sign_in(&app, "desk2").await;
    let mut sup = Person::sign_in(&app, "super").await;
    let tech = Person::sign_in(&app, "tech").await;
    let patrol = Person::sign_in(&app, "patrol").await;
    let s1 = uuid();

    desk.ok(&app, "shift.start", &s1, json!({})).await;
    desk2
        .refused(
            &app,
            "shift.take_over",
            &s1,
            json!({}),
            "invalid_transition",
        )
        .await;
    desk.ok(
        &app,
        "shift.log",
        &s1,
        json!({"text": "10:05 3号楼停水，已通知工程部 water off in building 3"}),
    )
    .await;
    desk2
        .refused(
            &app,
            "shift.log",
            &s1,
            json!({"text": "not my shift"}),
            "forbidden",
        )
        .await;
    let handover = |to: &str| json!({"to_id": to, "notes": "注意 3 号楼电梯 watch lift 3", "open_items": open_items()});
    let why = desk
        .refused(
            &app,
            "shift.hand_over",
            &s1,
            handover(&desk.id.clone()),
            "bad_payload",
        )
        .await;
    assert!(why.contains("someone else"), "{why}");
    for (who, label) in [
        (tech.id.clone(), "the technician"),
        (patrol.id.clone(), "a patrol"),
        (uuid(), "nobody"),
    ] {
        let why = desk
            .refused(&app, "shift.hand_over", &s1, handover(&who), "not_found")
            .await;
        assert!(why.contains("to_id"), "{label}: {why}");
    }
    desk.ok(&app, "shift.hand_over", &s1, handover(&desk2.id))
        .await;
    let s: Shift = desk2.record(&app, "shift", &s1).await.expect("shift");
    assert_eq!(s.status, ShiftStatus::HandingOver);
    let h = s.handover.as_ref().expect("handover");
    assert_eq!(h.to.id, desk2.id);
    assert!(h.to.name.contains("何佳"), "{}", h.to.name);
    assert_eq!(h.open_items.len(), 2);
    desk.refused(
        &app,
        "shift.hand_over",
        &s1,
        handover(&desk2.id),
        "invalid_transition",
    )
    .await;
    let why = desk
        .refused(&app, "shift.take_over", &s1, json!({}), "forbidden")
        .await;
    assert!(why.contains("handed to"), "{why}");
    sup.refused(&app, "shift.take_over", &s1, json!({}), "forbidden")
        .await;
    desk2.ok(&app, "shift.take_over", &s1, json!({})).await;
    let s: Shift = desk.record(&app, "shift", &s1).await.expect("shift");
    assert_eq!(s.status, ShiftStatus::Ended);
    assert_eq!(s.agent.id, desk.id);
    assert_eq!(s.entries.len(), 1);
    assert_eq!(
        s.taken_over.as_ref().map(|t| t.by.as_str()),
        Some(desk2.id.as_str())
    );
    let why = desk
        .refused(
            &app,
            "shift.log",
            &s1,
            json!({"text": "one more thing"}),
            "invalid_transition",
        )
        .await;
    assert!(why.contains("ended"), "{why}");
    sup.refused(
        &app,
        "shift.log",
        &s1,
        json!({"text": "supervisor note"}),
        "invalid_transition",
    )
    .await;

    // The next shift carries the open items.
    let s2 = uuid();
    desk2
        .ok(
            &app,
            "shift.start",
            &s2,
            json!({"from_shift_id": s1, "carried": open_items()}),
        )
        .await;
    let next: Shift = desk.record(&app, "shift", &s2).await.expect("shift");
    assert_eq!(next.agent.id, desk2.id);
    assert_eq!(next.from_shift_id.as_deref(), Some(s1.as_str()));
    assert_eq!(next.carried, h.open_items);
}

/// Every ledger op applied at least once and every rejection code given at least once,
/// including an id taken by a record of another kind in an earlier push.
async fn every_op_and_every_rejection_code(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut desk = Person::sign_in(&app, "desk").await;
    let mut desk2 = Person::sign_in(&app, "desk2").await;
    let mut sup = Person::sign_in(&app, "super").await;
    let mut patrol = Person::sign_in(&app, "patrol").await;
    let mut tech = Person::sign_in(&app, "tech").await;
    let p = places(&app, &desk).await;
    let [visit, call, pass, key, parcel, shift, note, case] = std::array::from_fn(|_| uuid());

    desk.ok(
        &app,
        "visit.arrive",
        &visit,
        arrival("访客", &p.unit, "T-9"),
    )
    .await;
    desk.ok(&app, "visit.leave", &visit, json!({})).await;
    desk.ok(
        &app,
        "call.log",
        &call,
        json!({"caller": "赵", "topic": "停车 parking", "outcome": "callback", "callback_due": now_ms() + HOUR}),
    )
    .await;
    desk.ok(&app, "call.callback", &call, json!({})).await;
    desk.ok(
        &app,
        "case.create",
        &case,
        json!({"kind": "inquiry", "title": "停车月卡 parking card"}),
    )
    .await;
    desk.ok(&app, "call.link_case", &call, json!({"case_id": case}))
        .await;
    desk.ok(&app, "pass.issue", &pass, tenant_pass(&p.unit, "good"))
        .await;
    sup.ok(&app, "pass.approve", &pass, json!({})).await;
    let code = patrol
        .record::<Pass>(&app, "pass", &pass)
        .await
        .expect("pass")
        .code;
    patrol
        .ok(&app, "pass.use", &pass, json!({"code": code}))
        .await;
    let voided = uuid();
    desk.ok(&app, "pass.issue", &voided, tenant_pass(&p.unit, "good"))
        .await;
    desk.ok(
        &app,
        "pass.void",
        &voided,
        json!({"reason": "业主改期 rescheduled"}),
    )
    .await;
    let v: Pass = desk.record(&app, "pass", &voided).await.expect("pass");
    assert_eq!(v.status, PassStatus::Void);
    assert_eq!(v.void_reason.as_deref(), Some("业主改期 rescheduled"));
    patrol
        .refused(
            &app,
            "pass.use",
            &voided,
            json!({"code": v.code}),
            "invalid_transition",
        )
        .await;
    desk.ok(&app, "key.register", &key, plant_key()).await;
    desk.ok(&app, "key.lend", &key, loan(now_ms() + HOUR)).await;
    desk.ok(&app, "key.return", &key, json!({})).await;
    desk.ok(
        &app,
        "parcel.log",
        &parcel,
        json!({"kind": "newspaper", "unit_id": p.unit, "recipient": "陈"}),
    )
    .await;
    desk.ok(&app, "parcel.notify", &parcel, json!({})).await;
    desk.ok(
        &app,
        "parcel.hand_over",
        &parcel,
        json!({"received_by": "陈", "signature": sha(b"not uploaded")}),
    )
    .await;
    desk.ok(&app, "shift.start", &shift, json!({})).await;
    desk.ok(&app, "shift.log", &shift, json!({"text": "平安 all quiet"}))
        .await;
    desk.ok(
        &app,
        "shift.hand_over",
        &shift,
        json!({"to_id": desk2.id, "open_items": []}),
    )
    .await;
    desk2.ok(&app, "shift.take_over", &shift, json!({})).await;
    desk.ok(
        &app,
        "notice.publish",
        &note,
        notice(
            estate_wide(),
            "residents",
            "fees",
            "物业费提醒 fee reminder",
        ),
    )
    .await;
    desk.ok(
        &app,
        "notice.withdraw",
        &note,
        json!({"reason": "已发 sent twice"}),
    )
    .await;

    // Each code at least once.
    desk.refused(&app, "key.duplicate", &key, json!({}), "unknown_op")
        .await;
    desk.refused(
        &app,
        "key.lend",
        &key,
        json!({"borrower": "x", "reason": "y", "due_at": now_ms() + HOUR, "deposit": 100}),
        "bad_payload",
    )
    .await;
    desk.refused(
        &app,
        "notice.publish",
        &uuid(),
        notice(estate_wide(), "residents", "vehicle", "车辆 vehicles"),
        "bad_payload",
    )
    .await;
    tech.refused(&app, "key.lend", &key, loan(now_ms() + HOUR), "forbidden")
        .await;
    desk.refused(
        &app,
        "key.lend",
        &uuid(),
        loan(now_ms() + HOUR),
        "not_found",
    )
    .await;
    desk.refused(
        &app,
        "visit.arrive",
        &uuid(),
        arrival("x", &uuid(), "T-1"),
        "not_found",
    )
    .await;
    desk.refused(
        &app,
        "notice.publish",
        &uuid(),
        notice(
            json!({"scope": "building", "building_id": uuid()}),
            "residents",
            "general",
            "?",
        ),
        "not_found",
    )
    .await;
    desk.refused(&app, "key.register", &key, plant_key(), "already_exists")
        .await;
    // An id of another kind, from an earlier push: ids are never shared between kinds.
    let why = desk
        .refused(
            &app,
            "visit.arrive",
            &case,
            arrival("x", &p.unit, "T-3"),
            "already_exists",
        )
        .await;
    assert!(why.contains("case"), "{why}");
    desk.refused(&app, "key.register", &visit, plant_key(), "already_exists")
        .await;
    desk.refused(
        &app,
        "case.comment",
        &key,
        json!({"text": "a key is not a case"}),
        "already_exists",
    )
    .await;
    desk.refused(
        &app,
        "notice.withdraw",
        &note,
        json!({"reason": "again"}),
        "invalid_transition",
    )
    .await;
    // Nothing of another kind was made under those ids.
    let feed = desk.feed(&app).await;
    assert!(!has(&feed, "visit", &case), "a visit under a case's id");
    assert!(!has(&feed, "key", &visit), "a key under a visit's id");
    assert!(!has(&feed, "case", &key), "a case under a key's id");

    let mut applied = BTreeSet::new();
    let mut codes = BTreeSet::new();
    for person in [&desk, &desk2, &sup, &patrol, &tech] {
        applied.extend(person.applied_ops.iter().cloned());
        codes.extend(person.codes.iter().cloned());
    }
    let missing: Vec<&str> = LedgerOp::NAMES
        .iter()
        .copied()
        .filter(|op| !applied.contains(*op))
        .collect();
    assert!(missing.is_empty(), "ops never applied: {missing:?}");
    let all: BTreeSet<String> = RejectCode::ALL
        .iter()
        .map(|c| c.as_str().to_string())
        .collect();
    assert_eq!(codes, all, "every rejection code was given");

    // Each of the 21 kinds of step, applied, left a record of its kind on the feed.
    for (entity, id) in [
        ("visit", &visit),
        ("call", &call),
        ("pass", &pass),
        ("key", &key),
        ("parcel", &parcel),
        ("shift", &shift),
        ("notice", &note),
    ] {
        assert!(has(&feed, entity, id), "{entity} {id} on the feed");
    }
    // Every rejection is kept in the log supervisors read.
    let r = app.get(Some(&sup.token), "/api/v1/sync/rejections").await;
    assert_eq!(r.status(), StatusCode::OK);
    let log: Value = r.json().await.expect("rejections");
    let logged: BTreeSet<&str> = log
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|m| m["code"].as_str())
        .collect();
    assert_eq!(logged.len(), RejectCode::ALL.len(), "{logged:?}");
}

/// Who may take which desk step, as the push answers it.
async fn roles_per_op(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut desk = Person::sign_in(&app, "desk").await;
    let mut sup = Person::sign_in(&app, "super").await;
    let mut manager = Person::sign_in(&app, "manager").await;
    let mut patrol = Person::sign_in(&app, "patrol").await;
    let p = places(&app, &desk).await;
    let [visit, call, pass, key, parcel, shift, note] = std::array::from_fn(|_| uuid());

    desk.ok(
        &app,
        "visit.arrive",
        &visit,
        arrival("访客", &p.unit, "T-1"),
    )
    .await;
    desk.ok(
        &app,
        "call.log",
        &call,
        json!({"caller": "赵", "topic": "x", "outcome": "callback", "callback_due": now_ms() + HOUR}),
    )
    .await;
    desk.ok(&app, "pass.issue", &pass, tenant_pass(&p.unit, "arrears"))
        .await;
    desk.ok(&app, "key.register", &key, plant_key()).await;
    desk.ok(
        &app,
        "parcel.log",
        &parcel,
        json!({"kind": "parcel", "unit_id": p.unit, "recipient": "陈"}),
    )
    .await;
    desk.ok(&app, "shift.start", &shift, json!({})).await;
    desk.ok(
        &app,
        "notice.publish",
        &note,
        notice(
            estate_wide(),
            "internal",
            "whereabouts",
            "主管外出 supervisor out",
        ),
    )
    .await;

    // Whoever keeps no ledger: every desk step, on new records and on existing ones.
    let steps: Vec<(&str, String, Value)> = vec![
        ("visit.arrive", uuid(), arrival("x", &p.unit, "T-2")),
        ("visit.leave", visit.clone(), json!({})),
        (
            "call.log",
            uuid(),
            json!({"caller": "x", "topic": "y", "outcome": "answered"}),
        ),
        ("call.callback", call.clone(), json!({})),
        ("call.link_case", call.clone(), json!({"case_id": uuid()})),
        ("pass.issue", uuid(), tenant_pass(&p.unit, "good")),
        ("pass.approve", pass.clone(), json!({})),
        ("pass.void", pass.clone(), json!({"reason": "x"})),
        ("key.register", uuid(), plant_key()),
        ("key.lend", key.clone(), loan(now_ms() + HOUR)),
        ("key.return", key.clone(), json!({})),
        (
            "parcel.log",
            uuid(),
            json!({"kind": "letter", "recipient": "x"}),
        ),
        ("parcel.notify", parcel.clone(), json!({})),
        (
            "parcel.hand_over",
            parcel.clone(),
            json!({"received_by": "x", "signature": sha(b"x")}),
        ),
        ("shift.start", uuid(), json!({})),
        ("shift.log", shift.clone(), json!({"text": "x"})),
        (
            "shift.hand_over",
            shift.clone(),
            json!({"to_id": desk.id, "open_items": []}),
        ),
        ("shift.take_over", shift.clone(), json!({})),
        (
            "notice.publish",
            uuid(),
            notice(estate_wide(), "residents", "general", "x"),
        ),
        ("notice.withdraw", note.clone(), json!({"reason": "x"})),
    ];
    for who in ["tech", "cashier", "resident"] {
        let mut person = Person::sign_in(&app, who).await;
        for (op, id, payload) in &steps {
            person
                .refused(&app, op, id, payload.clone(), "forbidden")
                .await;
        }
        person
            .refused(
                &app,
                "pass.use",
                &pass,
                json!({"code": "00000000"}),
                "forbidden",
            )
            .await;
    }
    // A patrol guards the gate and nothing else of the desk's.
    for (op, id, payload) in &steps {
        patrol
            .refused(&app, op, id, payload.clone(), "forbidden")
            .await;
    }
    // The desk writes but does not approve; supervisors and managers do.
    desk.refused(&app, "pass.approve", &pass, json!({}), "forbidden")
        .await;
    manager.ok(&app, "pass.approve", &pass, json!({})).await;
    sup.refused(&app, "pass.approve", &pass, json!({}), "invalid_transition")
        .await;
    let code = patrol
        .record::<Pass>(&app, "pass", &pass)
        .await
        .expect("patrol sees passes")
        .code;
    patrol
        .ok(&app, "pass.use", &pass, json!({"code": code}))
        .await;
    // Supervisors keep the ledger too.
    sup.ok(&app, "visit.leave", &visit, json!({})).await;
    sup.ok(
        &app,
        "shift.log",
        &shift,
        json!({"text": "主管代记 written for the agent"}),
    )
    .await;
    // None of the refused steps changed anything.
    let v: Visit = desk.record(&app, "visit", &visit).await.expect("visit");
    assert_eq!(
        v.left.as_ref().map(|s| s.by.as_str()),
        Some(sup.id.as_str())
    );
    let k: Key = desk.record(&app, "key", &key).await.expect("key");
    assert!(k.loans.is_empty());
    let n: Notice = desk.record(&app, "notice", &note).await.expect("notice");
    assert!(n.withdrawn.is_none());
    let x: Parcel = desk.record(&app, "parcel", &parcel).await.expect("parcel");
    assert_eq!(x.status, ParcelStatus::Waiting);
}

/// Each role's feed: the desk everything, field staff cases and notices (patrols passes
/// too), residents their units' parcels and the notices addressed to their place.
async fn pull_scope_per_role(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut desk = Person::sign_in(&app, "desk").await;
    let p = places(&app, &desk).await;
    let ids: [String; 14] = std::array::from_fn(|_| uuid());
    let [visit, call, pass, key, shift, parcel, other_parcel, internal, estate, building, unit, other_building, other_unit, case] =
        ids.clone();
    let payload = |t: &str| notice(estate_wide(), "residents", "general", t);
    let answers = desk
        .push(
            &app,
            vec![
                step("visit.arrive", &visit, arrival("访客", &p.unit, "T-1")),
                step(
                    "call.log",
                    &call,
                    json!({"caller": "x", "unit_id": p.unit, "topic": "y", "outcome": "answered"}),
                ),
                step("pass.issue", &pass, tenant_pass(&p.unit, "good")),
                step(
                    "key.register",
                    &key,
                    json!({"kind": "owner_entrance", "label": "A-1", "unit_id": p.unit}),
                ),
                step("shift.start", &shift, json!({})),
                step(
                    "parcel.log",
                    &parcel,
                    json!({"kind": "parcel", "unit_id": p.unit, "recipient": "陈"}),
                ),
                step(
                    "parcel.log",
                    &other_parcel,
                    json!({"kind": "parcel", "unit_id": p.other_unit, "recipient": "邻居"}),
                ),
                step(
                    "notice.publish",
                    &internal,
                    notice(estate_wide(), "internal", "vehicle", "车辆调度 vehicles"),
                ),
                step("notice.publish", &estate, payload("全小区停水 estate")),
                step(
                    "notice.publish",
                    &building,
                    notice(
                        json!({"scope": "building", "building_id": p.building}),
                        "residents",
                        "outage",
                        "本楼电梯检修 this building",
                    ),
                ),
                step(
                    "notice.publish",
                    &unit,
                    notice(
                        json!({"scope": "unit", "unit_id": p.unit}),
                        "residents",
                        "fees",
                        "本户缴费提醒 this unit",
                    ),
                ),
                step(
                    "notice.publish",
                    &other_building,
                    notice(
                        json!({"scope": "building", "building_id": p.other_building}),
                        "residents",
                        "outage",
                        "他楼 other building",
                    ),
                ),
                step(
                    "notice.publish",
                    &other_unit,
                    notice(
                        json!({"scope": "unit", "unit_id": p.other_unit}),
                        "residents",
                        "fees",
                        "他户 other unit",
                    ),
                ),
                step(
                    "case.create",
                    &case,
                    json!({"kind": "repair", "title": "灯坏 light out", "location": "大堂 lobby"}),
                ),
            ],
        )
        .await;
    assert!(answers.iter().all(Answer::applied), "{answers:?}");
    // The parcel is signed for; its signature's bytes follow the parcel's scope.
    let signed = png("resident signature");
    let signature = sha(&signed);
    assert_eq!(
        put_blob(&app, &desk.token, &signature, signed.clone()).await,
        StatusCode::CREATED
    );
    desk.ok(
        &app,
        "parcel.hand_over",
        &parcel,
        json!({"received_by": "陈", "signature": signature}),
    )
    .await;

    // The desk, a second agent and the supervisor see all of it.
    for who in ["desk", "desk2", "super", "manager"] {
        let feed = Person::sign_in(&app, who).await.feed(&app).await;
        for id in &ids {
            assert!(
                feed.keys().any(|(_, i)| i == id),
                "{who} misses {id}: {:?}",
                kinds(&feed)
            );
        }
    }

    // The technician and the cashier: cases and notices (the internal board included).
    for who in ["tech", "cashier"] {
        let person = Person::sign_in(&app, who).await;
        let feed = person.feed(&app).await;
        assert_eq!(
            kinds(&feed),
            BTreeSet::from(["case", "notice"]),
            "{who} pulls only cases and notices"
        );
        assert!(has(&feed, "notice", &internal), "{who}: the internal board");
        assert!(has(&feed, "case", &case));
        let r = app
            .get(Some(&person.token), &format!("/api/v1/blobs/{signature}"))
            .await;
        assert_eq!(
            r.status(),
            StatusCode::NOT_FOUND,
            "{who} reads no parcel signature"
        );
    }

    // The patrol: passes as well, for the gate.
    let feed = Person::sign_in(&app, "patrol").await.feed(&app).await;
    assert_eq!(kinds(&feed), BTreeSet::from(["case", "notice", "pass"]));
    assert!(has(&feed, "pass", &pass));
    assert!(has(&feed, "notice", &internal));

    // The resident: what is addressed to their estate, building and unit, and their
    // unit's parcel; nothing for other places, nothing of the desk's own.
    let mut resident = Person::sign_in(&app, "resident").await;
    let feed = resident.feed(&app).await;
    for (id, what) in [
        (&estate, "the estate notice"),
        (&building, "their building's notice"),
        (&unit, "their unit's notice"),
    ] {
        assert!(has(&feed, "notice", id), "the resident misses {what}");
    }
    assert!(has(&feed, "parcel", &parcel), "their unit's parcel");
    for (id, what) in [
        (&other_building, "another building's notice"),
        (&other_unit, "another unit's notice"),
        (&internal, "the internal board"),
    ] {
        assert!(!has(&feed, "notice", id), "the resident sees {what}");
    }
    assert!(!has(&feed, "parcel", &other_parcel), "a neighbour's parcel");
    assert!(!has(&feed, "case", &case), "a lobby case filed by the desk");
    assert_eq!(
        kinds(&feed),
        BTreeSet::from(["notice", "parcel"]),
        "no visits, calls, passes, keys or shifts"
    );
    let x: Parcel = resident
        .record(&app, "parcel", &parcel)
        .await
        .expect("parcel");
    assert_eq!(x.status, ParcelStatus::HandedOver);
    let r = app
        .get(Some(&resident.token), &format!("/api/v1/blobs/{signature}"))
        .await;
    assert_eq!(r.status(), StatusCode::OK, "their parcel's signature");
    assert_eq!(r.bytes().await.expect("bytes").to_vec(), signed);
    // Residents read their parcels; they never act on ledger records.
    resident
        .refused(&app, "parcel.notify", &other_parcel, json!({}), "forbidden")
        .await;
}

/// A withdrawn notice stays on the feed with `withdrawn` set; nothing is deleted.
async fn a_withdrawn_notice_stays_in_the_feed(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut desk = Person::sign_in(&app, "desk").await;
    let mut sup = Person::sign_in(&app, "super").await;
    let resident = Person::sign_in(&app, "resident").await;
    let tech = Person::sign_in(&app, "tech").await;
    let (public, internal) = (uuid(), uuid());
    desk.ok(
        &app,
        "notice.publish",
        &public,
        notice(
            estate_wide(),
            "residents",
            "activity",
            "中秋游园会 mid-autumn fair",
        ),
    )
    .await;
    desk.ok(
        &app,
        "notice.publish",
        &internal,
        notice(
            estate_wide(),
            "internal",
            "visit",
            "区领导来访 district visit",
        ),
    )
    .await;
    let (before, resident_cursor) = resident.feed_since(&app, 0).await;
    let n: Notice = serde_json::from_value(
        before
            .get(&("notice".to_string(), public.clone()))
            .cloned()
            .expect("the resident reads it"),
    )
    .expect("notice");
    assert!(n.withdrawn.is_none() && n.is_current(now_ms()));
    let (_, tech_cursor) = tech.feed_since(&app, 0).await;

    desk.refused(
        &app,
        "notice.withdraw",
        &public,
        json!({"reason": " "}),
        "bad_payload",
    )
    .await;
    sup.ok(
        &app,
        "notice.withdraw",
        &public,
        json!({"reason": "因雨取消 cancelled for rain"}),
    )
    .await;
    desk.ok(
        &app,
        "notice.withdraw",
        &internal,
        json!({"reason": "行程变更 plans changed"}),
    )
    .await;
    let why = desk
        .refused(
            &app,
            "notice.withdraw",
            &public,
            json!({"reason": "again"}),
            "invalid_transition",
        )
        .await;
    assert!(why.contains("already withdrawn"), "{why}");

    // Pulled on from where they were: the change arrives, with `withdrawn` set.
    let (after, _) = resident.feed_since(&app, resident_cursor).await;
    let n: Notice = serde_json::from_value(
        after
            .get(&("notice".to_string(), public.clone()))
            .cloned()
            .expect("the withdrawal is a change"),
    )
    .expect("notice");
    let w = n.withdrawn.as_ref().expect("withdrawn");
    assert_eq!(w.by, sup.id);
    assert_eq!(
        n.withdraw_reason.as_deref(),
        Some("因雨取消 cancelled for rain")
    );
    assert_eq!(n.title, "中秋游园会 mid-autumn fair", "the notice is kept");
    assert!(!n.is_current(now_ms()));
    let (after, _) = tech.feed_since(&app, tech_cursor).await;
    let n: Notice = serde_json::from_value(
        after
            .get(&("notice".to_string(), internal.clone()))
            .cloned()
            .expect("the internal withdrawal is a change"),
    )
    .expect("notice");
    assert!(n.withdrawn.is_some());
    // A fresh device still gets both, withdrawn.
    for (person, id) in [(&resident, &public), (&tech, &internal), (&desk, &public)] {
        let n: Notice = person
            .record(&app, "notice", id)
            .await
            .expect("still on the feed");
        assert!(n.withdrawn.is_some());
    }
    use sqlx::Row;
    let rows: i64 =
        sqlx::query("SELECT COUNT(*) FROM records WHERE entity = 'notice' AND deleted = 0")
            .fetch_one(app.store.pool())
            .await
            .expect("records")
            .try_get(0)
            .expect("count");
    assert_eq!(rows, 2, "nothing deleted");
}

on_both!(
    a_morning_at_the_desk,
    a_shift_is_handed_over,
    every_op_and_every_rejection_code,
    roles_per_op,
    pull_scope_per_role,
    a_withdrawn_notice_stays_in_the_feed,
);
