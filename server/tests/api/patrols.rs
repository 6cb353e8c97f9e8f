//! Patrols and inspections over HTTP: a supervisor plans a route and revises it, a patrol
//! walks it offline and pushes the whole run at once (check-ins, answers with a photo, a
//! nonconformity raised, a pause), the responsible department rectifies and follow-ups
//! reopen or close it; every patrol op and every rejection code; who may do what; what
//! each role's feed and blob reads carry; and a 40-area run pushed in one batch and resent.

use crate::helpers::{Db, TestApp};
use crate::on_both;
use crate::sync::{png, sha, uuid};
use app::domain::ops::RejectCode;
use app::domain::patrols::{
    CheckInMethod, Finding, FindingStatus, ItemKind, PatrolOp, Route, Run, RunStatus,
    Value as Answered,
};
use app::domain::sync::MAX_MUTATIONS_PER_PUSH;
use app::domain::Department;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .expect("time in range")
        .to_rfc3339()
}

/// What the server answered for one mutation.
#[derive(Debug, Clone)]
struct Reply {
    id: String,
    status: String,
    code: String,
    message: String,
}

impl Reply {
    fn applied(&self) -> bool {
        self.status == "applied"
    }
}

/// One step of a push: op, record id, payload, device time.
struct Step {
    op: String,
    id: String,
    payload: Value,
    at: i64,
}

fn step_at(op: &str, id: &str, payload: Value, at: i64) -> Step {
    Step {
        op: op.to_string(),
        id: id.to_string(),
        payload,
        at,
    }
}

/// One signed-in person on one device: pushes each step as the next mutation in `seq`,
/// and remembers which ops were applied and which rejections they got (mutation id, code).
struct Person {
    name: String,
    token: String,
    id: String,
    device: String,
    seq: u64,
    applied_ops: BTreeSet<String>,
    rejected: Vec<(String, String, String)>,
}

impl Person {
    async fn sign_in(app: &TestApp, username: &str) -> Person {
        Person::with_password(app, username, "demo").await
    }

    async fn with_password(app: &TestApp, username: &str, password: &str) -> Person {
        let r = app.login(username, password).await;
        assert_eq!(r.status(), StatusCode::OK, "login {username}");
        let v: Value = r.json().await.expect("login json");
        Person {
            name: username.to_string(),
            token: v["token"].as_str().expect("token").to_string(),
            id: user_id(app, username).await,
            device: uuid(),
            seq: 0,
            applied_ops: BTreeSet::new(),
            rejected: Vec::new(),
        }
    }

    /// The steps as the next mutations of this device, not yet sent.
    fn mutations(&mut self, steps: &[Step]) -> Vec<Value> {
        steps
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
            .collect()
    }

    /// Sends mutations as one push and returns the server's answers, in order.
    async fn send(&mut self, app: &TestApp, mutations: &[Value]) -> Vec<Reply> {
        let r = app
            .client
            .post(app.url("/api/v1/sync/push"))
            .bearer_auth(&self.token)
            .json(&json!({"device_id": self.device, "mutations": mutations}))
            .send()
            .await
            .expect("send push");
        assert_eq!(r.status(), StatusCode::OK, "push by {}", self.name);
        let v: Value = r.json().await.expect("push json");
        let results = v["results"].as_array().expect("results");
        assert_eq!(results.len(), mutations.len(), "one result per mutation");
        mutations
            .iter()
            .zip(results)
            .map(|(m, x)| {
                assert_eq!(x["id"], m["id"], "results in the order sent");
                let a = Reply {
                    id: m["id"].as_str().expect("id").to_string(),
                    status: x["status"].as_str().unwrap_or_default().to_string(),
                    code: x["code"].as_str().unwrap_or_default().to_string(),
                    message: x["message"].as_str().unwrap_or_default().to_string(),
                };
                let op = m["op"].as_str().expect("op").to_string();
                if a.applied() {
                    self.applied_ops.insert(op);
                } else if a.status == "rejected" {
                    self.rejected
                        .push((a.id.clone(), a.code.clone(), a.message.clone()));
                }
                a
            })
            .collect()
    }

    /// Pushes the steps as one batch.
    async fn push(&mut self, app: &TestApp, steps: Vec<Step>) -> Vec<Reply> {
        let mutations = self.mutations(&steps);
        self.send(app, &mutations).await
    }

    async fn step_at(
        &mut self,
        app: &TestApp,
        op: &str,
        id: &str,
        payload: Value,
        at: i64,
    ) -> Reply {
        let mut a = self.push(app, vec![step_at(op, id, payload, at)]).await;
        a.pop().expect("an answer")
    }

    /// A step that must apply.
    async fn ok(&mut self, app: &TestApp, op: &str, id: &str, payload: Value) {
        self.ok_at(app, op, id, payload, now_ms()).await
    }

    async fn ok_at(&mut self, app: &TestApp, op: &str, id: &str, payload: Value, at: i64) {
        let a = self.step_at(app, op, id, payload, at).await;
        assert!(a.applied(), "{op} by {} was not applied: {a:?}", self.name);
    }

    /// A step that must be rejected with `code`, with a message that names the problem
    /// (contains `names`, case-insensitive); returns the message.
    async fn refused(
        &mut self,
        app: &TestApp,
        op: &str,
        id: &str,
        payload: Value,
        code: &str,
        names: &str,
    ) -> String {
        let a = self.step_at(app, op, id, payload, now_ms()).await;
        assert_eq!(
            (a.status.as_str(), a.code.as_str()),
            ("rejected", code),
            "{op} by {}: {a:?}",
            self.name
        );
        assert!(
            a.message.to_lowercase().contains(&names.to_lowercase()),
            "{op} by {}: the message {:?} does not name {names:?}",
            self.name,
            a.message
        );
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

    async fn route(&self, app: &TestApp, id: &str) -> Route {
        self.record(app, "route", id)
            .await
            .unwrap_or_else(|| panic!("{} pulls no route {id}", self.name))
    }

    async fn run(&self, app: &TestApp, id: &str) -> Run {
        self.record(app, "run", id)
            .await
            .unwrap_or_else(|| panic!("{} pulls no run {id}", self.name))
    }

    async fn finding(&self, app: &TestApp, id: &str) -> Finding {
        self.record(app, "finding", id)
            .await
            .unwrap_or_else(|| panic!("{} pulls no finding {id}", self.name))
    }

    /// Reads a blob: its status, and the bytes when 200.
    async fn blob(&self, app: &TestApp, name: &str) -> (StatusCode, Vec<u8>) {
        let r = app
            .get(Some(&self.token), &format!("/api/v1/blobs/{name}"))
            .await;
        let status = r.status();
        (status, r.bytes().await.expect("bytes").to_vec())
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

async fn count(app: &TestApp, sql: &str) -> i64 {
    use sqlx::Row;
    sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(app.store.pool())
        .await
        .expect("count")
        .try_get(0)
        .expect("count value")
}

/// Adds a staff account of the demo estate and signs it in.
async fn staff(
    app: &TestApp,
    username: &str,
    display_name: &str,
    role: app::domain::Role,
    department: Department,
) -> Person {
    use app::ssr::store::NewUserRow;
    use sqlx::Row;
    let estate: String = sqlx::query("SELECT id FROM estates LIMIT 1")
        .fetch_one(app.store.pool())
        .await
        .expect("estate")
        .try_get(0)
        .expect("estate id");
    let password = format!("{username}-pass-long");
    let user = NewUserRow {
        id: uuid(),
        username: username.into(),
        display_name: display_name.into(),
        password_hash: app::ssr::auth::hash_password(&password).expect("hash"),
        role,
        department: Some(department),
        resident_id: None,
        estate_ids: vec![estate],
    };
    app.store.create_user(&user).await.expect("create user");
    Person::with_password(app, username, &password).await
}

/// A second patrol of the demo estate.
async fn second_patrol(app: &TestApp) -> Person {
    staff(
        app,
        "patrol2",
        "巡查员 钱明 Qian Ming",
        app::domain::Role::Patrol,
        Department::Security,
    )
    .await
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

// ---------------------------------------------------------------- payloads

fn check(label: &str) -> Value {
    json!({"label": label, "kind": {"type": "check"}})
}

fn check_with_photo(label: &str) -> Value {
    json!({"label": label, "kind": {"type": "check"}, "photo_on_fail": true})
}

fn number(label: &str, unit: &str, min: Option<f64>, max: Option<f64>) -> Value {
    json!({"label": label, "kind": {"type": "number", "unit": unit, "min": min, "max": max}})
}

fn text_item(label: &str) -> Value {
    json!({"label": label, "kind": {"type": "text"}})
}

fn area(code: &str, name: &str, items: Vec<Value>) -> Value {
    json!({"code": code, "name": name, "items": items})
}

fn daily() -> Value {
    json!({"every": "day", "utc_offset_min": 480})
}

/// The engineering round: the pump room (a photo when the pumps leak, the tank level
/// between 1 and 3.5 m), the substation and the roof.
fn plant_areas() -> Vec<Value> {
    vec![
        area(
            "PUMP",
            "生活水泵房 Pump room",
            vec![
                check_with_photo("水泵无渗漏 No leaks at the pumps"),
                number("水箱水位 Tank level", "m", Some(1.0), Some(3.5)),
                check("运行记录已填写 Log filled in"),
            ],
        ),
        area(
            "SUB",
            "配电房 Substation",
            vec![
                check("柜门关闭 Cabinet doors closed"),
                number("室温 Room temperature", "°C", None, Some(35.0)),
            ],
        ),
        area(
            "ROOF",
            "屋面 Roof",
            vec![check("排水口通畅 Drains clear"), text_item("备注 Remarks")],
        ),
    ]
}

fn define(name: &str, department: &str, areas: Vec<Value>) -> Value {
    json!({
        "name": name,
        "department": department,
        "schedule": daily(),
        "areas": areas,
    })
}

fn answer(code: &str, item: usize, value: Value) -> Value {
    json!({"code": code, "item": item, "value": value})
}

fn pass() -> Value {
    json!({"answer": "pass"})
}

fn fail() -> Value {
    json!({"answer": "fail"})
}

fn reading(v: f64) -> Value {
    json!({"answer": "number", "value": v})
}

/// `finding.raise` for the first item of the pump room, as the device sends it after
/// the failed answer.
fn raise(run_id: &str, photos: &[String], due_at: i64) -> Value {
    json!({
        "run_id": run_id,
        "route_name": "工程巡查 Engineering round",
        "area_code": "PUMP",
        "area_name": "生活水泵房 Pump room",
        "item_label": "水泵无渗漏 No leaks at the pumps",
        "found": "fail",
        "note": "1号泵机械密封渗水 pump 1 seal weeps",
        "photos": photos,
        "department": "engineering",
        "due_at": due_at,
    })
}

/// A route defined by the supervisor, a run started by the patrol on it with the pump
/// room's first item failed and its nonconformity raised; returns (route, run, finding).
async fn walked_with_a_finding(
    app: &TestApp,
    sup: &mut Person,
    patrol: &mut Person,
) -> (String, String, String) {
    let (route, run, finding) = (uuid(), uuid(), uuid());
    sup.ok(
        app,
        "route.define",
        &route,
        define("工程巡查 Engineering round", "engineering", plant_areas()),
    )
    .await;
    let t = now_ms() - HOUR;
    let answers = patrol
        .push(
            app,
            vec![
                step_at(
                    "run.start",
                    &run,
                    json!({"route_id": route, "version": 1}),
                    t,
                ),
                step_at(
                    "run.check_in",
                    &run,
                    json!({"code": "PUMP", "how": "scan"}),
                    t + MIN,
                ),
                step_at(
                    "run.answer",
                    &run,
                    json!({"code": "PUMP", "item": 0, "value": fail(),
                           "photos": [sha(b"unused")], "finding_id": finding}),
                    t + 2 * MIN,
                ),
                step_at(
                    "finding.raise",
                    &finding,
                    raise(&run, &[], now_ms() + 2 * DAY),
                    t + 2 * MIN,
                ),
            ],
        )
        .await;
    assert!(answers.iter().all(Reply::applied), "{answers:?}");
    (route, run, finding)
}

// ---------------------------------------------------------------- tests

/// The whole life of a route, a run and its nonconformity, each step by the person who
/// takes it and read back from that person's feed.
async fn a_whole_patrol(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut sup = Person::sign_in(&app, "super").await;
    let mut patrol = Person::sign_in(&app, "patrol").await;
    let mut tech = Person::sign_in(&app, "tech").await;
    let (route, run, finding) = (uuid(), uuid(), uuid());

    // The supervisor plans the round and revises it: the roof gains an item.
    sup.ok(
        &app,
        "route.define",
        &route,
        define("工程巡查 Engineering round", "engineering", plant_areas()),
    )
    .await;
    let mut revised = plant_areas();
    revised[2]["items"]
        .as_array_mut()
        .expect("items")
        .push(check("避雷带完好 Lightning strip intact"));
    sup.ok(
        &app,
        "route.revise",
        &route,
        json!({"name": "工程日巡 Engineering daily round", "areas": revised}),
    )
    .await;

    // The patrol's tablet pulls the route, as revised, with the first version kept.
    let r = patrol.route(&app, &route).await;
    assert_eq!(r.name, "工程日巡 Engineering daily round");
    assert_eq!(r.department, Department::Engineering);
    assert!(r.is_active());
    assert_eq!(
        r.versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(r.current().version, 2);
    assert_eq!(r.version(1).expect("v1").areas[2].items.len(), 2);
    assert_eq!(r.current().areas[2].items.len(), 3);
    assert_eq!(r.current().made.by, sup.id);
    let codes: Vec<&str> = r.current().areas.iter().map(|a| a.code.as_str()).collect();
    assert_eq!(codes, ["PUMP", "SUB", "ROOF"]);
    let pump = &r.current().areas[0];
    assert!(pump.items[0].photo_on_fail);
    assert_eq!(
        pump.items[1].kind,
        ItemKind::Number {
            unit: "m".into(),
            min: Some(1.0),
            max: Some(3.5)
        }
    );

    // The photo of the leak is stored first; then the whole walk is pushed at once.
    let photo = png("pump 1 seal weeps");
    let photo_name = sha(&photo);
    assert_eq!(
        put_blob(&app, &patrol.token, &photo_name, photo.clone()).await,
        StatusCode::CREATED
    );
    let t0 = now_ms() - 2 * HOUR;
    let due = now_ms() + 2 * DAY;
    let at = |m: i64| t0 + m * MIN;
    let walk = vec![
        step_at(
            "run.start",
            &run,
            json!({"route_id": route, "version": 2}),
            at(0),
        ),
        step_at(
            "run.check_in",
            &run,
            json!({"code": "PUMP", "how": "scan"}),
            at(5),
        ),
        step_at(
            "run.answer",
            &run,
            json!({"code": "PUMP", "item": 0, "value": fail(), "note": "1号泵渗水 pump 1 weeps",
                   "photos": [photo_name], "finding_id": finding}),
            at(6),
        ),
        step_at(
            "finding.raise",
            &finding,
            raise(&run, std::slice::from_ref(&photo_name), due),
            at(6),
        ),
        step_at("run.answer", &run, answer("PUMP", 1, reading(2.4)), at(7)),
        step_at("run.answer", &run, answer("PUMP", 2, pass()), at(8)),
        step_at("run.pause", &run, json!({}), at(10)),
        step_at("run.resume", &run, json!({}), at(30)),
        step_at(
            "run.check_in",
            &run,
            json!({"code": "sub", "how": "manual"}),
            at(35),
        ),
        step_at("run.answer", &run, answer("SUB", 0, pass()), at(36)),
        step_at("run.answer", &run, answer("SUB", 1, reading(28.5)), at(37)),
        step_at(
            "run.check_in",
            &run,
            json!({"code": "ROOF", "how": "manual"}),
            at(50),
        ),
        step_at(
            "run.answer",
            &run,
            answer("ROOF", 0, json!({"answer": "not_applicable"})),
            at(51),
        ),
        step_at(
            "run.answer",
            &run,
            answer(
                "ROOF",
                1,
                json!({"answer": "text", "text": " 屋面无积水 no standing water "}),
            ),
            at(52),
        ),
        step_at("run.answer", &run, answer("ROOF", 2, pass()), at(53)),
        step_at("run.finish", &run, json!({}), at(60)),
    ];
    let answers = patrol.push(&app, walk).await;
    assert!(answers.iter().all(Reply::applied), "{answers:?}");

    // The run as pulled: finished, at version 2, each check-in with its time and way.
    let x = patrol.run(&app, &run).await;
    assert_eq!(x.status, RunStatus::Finished);
    assert_eq!(x.route_id, route);
    assert_eq!(x.route_name, "工程日巡 Engineering daily round");
    assert_eq!(x.department, Department::Engineering);
    assert_eq!(x.version, 2);
    assert_eq!(
        (x.started.at, x.started.by.as_str()),
        (at(0), patrol.id.as_str())
    );
    assert!(x.slot.start <= x.started.at && x.started.at < x.slot.end);
    assert_eq!(x.slot.end - x.slot.start, DAY, "a daily route's slot");
    assert_eq!(x.finished.as_ref().map(|f| f.at), Some(at(60)));
    assert_eq!(x.areas.len(), 3);
    let check_ins: Vec<(i64, CheckInMethod)> = x
        .areas
        .iter()
        .map(|a| {
            let c = a.check_in.as_ref().expect("checked in");
            (c.stamp.at, c.how)
        })
        .collect();
    assert_eq!(
        check_ins,
        [
            (at(5), CheckInMethod::Scan),
            (at(35), CheckInMethod::Manual),
            (at(50), CheckInMethod::Manual)
        ]
    );
    assert_eq!(x.complete_areas(), 3);
    assert_eq!(x.failures(), 1);
    assert_eq!(x.areas[2].items.len(), 3, "the revised checklist");
    let failed = x.areas[0].answer(0).expect("answered");
    assert!(failed.failed);
    assert_eq!(failed.value, Answered::Fail);
    assert_eq!(failed.finding_id.as_deref(), Some(finding.as_str()));
    assert_eq!(failed.note.as_deref(), Some("1号泵渗水 pump 1 weeps"));
    assert_eq!(failed.photos.len(), 1);
    assert_eq!(failed.photos[0].sha256, photo_name);
    assert!(!failed.photos[0].pending, "the photo was stored first");
    let level = x.areas[0].answer(1).expect("answered");
    assert_eq!(level.value, Answered::Number { value: 2.4 });
    assert!(!level.failed, "2.4 m is within 1–3.5 m");
    assert!(!x.areas[1].answer(1).expect("answered").failed);
    assert_eq!(
        x.areas[2].answer(1).expect("answered").value,
        Answered::Text {
            text: "屋面无积水 no standing water".into()
        }
    );
    assert_eq!(x.pauses.len(), 1);
    assert_eq!(x.pauses[0].paused.at, at(10));
    assert_eq!(x.pauses[0].resumed.as_ref().map(|s| s.at), Some(at(30)));

    // The nonconformity: open, to engineering, its photo stored.
    let f = patrol.finding(&app, &finding).await;
    assert_eq!(f.status, FindingStatus::Open);
    assert_eq!(f.run_id, run);
    assert_eq!(f.department, Department::Engineering);
    assert_eq!(f.area_code, "PUMP");
    assert_eq!(f.found, "fail");
    assert_eq!(f.due_at, due);
    assert_eq!(
        (f.raised.at, f.raised.by.as_str()),
        (at(6), patrol.id.as_str())
    );
    assert_eq!(f.photos.len(), 1);
    assert_eq!(f.photos[0].sha256, photo_name);
    assert!(!f.photos[0].pending, "the photo was stored first");

    // The engineering technician rectifies, with a photo of the new seal.
    let fixed = png("new mechanical seal");
    let fixed_name = sha(&fixed);
    assert_eq!(
        put_blob(&app, &tech.token, &fixed_name, fixed).await,
        StatusCode::CREATED
    );
    let f = tech.finding(&app, &finding).await;
    assert_eq!(f.status, FindingStatus::Open, "the technician pulls it");
    tech.ok(
        &app,
        "finding.rectify",
        &finding,
        json!({"note": "更换机械密封 seal replaced", "photos": [fixed_name]}),
    )
    .await;
    let f = patrol.finding(&app, &finding).await;
    assert_eq!(f.status, FindingStatus::Rectified);
    assert_eq!(f.rectifications.len(), 1);
    assert_eq!(f.rectifications[0].stamp.by, tech.id);
    assert!(!f.rectifications[0].photos[0].pending);

    // The follow-up finds it still weeping: open again, due later.
    let due2 = now_ms() + 3 * DAY;
    patrol
        .ok(
            &app,
            "finding.follow_up",
            &finding,
            json!({"passed": false, "note": "仍有渗水 still weeps", "next_due_at": due2}),
        )
        .await;
    let f = tech.finding(&app, &finding).await;
    assert_eq!(f.status, FindingStatus::Open);
    assert_eq!(f.due_at, due2, "the new due date");
    assert_eq!(f.follow_ups.len(), 1);
    assert!(!f.follow_ups[0].passed);
    assert_eq!(f.follow_ups[0].next_due_at, Some(due2));
    assert_eq!(f.follow_ups[0].stamp.by, patrol.id);

    // A second fix, and a follow-up that passes, closes it.
    tech.ok(
        &app,
        "finding.rectify",
        &finding,
        json!({"note": "更换泵轴 shaft replaced"}),
    )
    .await;
    patrol
        .ok(
            &app,
            "finding.follow_up",
            &finding,
            json!({"passed": true, "note": "无渗漏 dry"}),
        )
        .await;

    // The supervisor's feed holds all of it.
    let feed = sup.feed(&app).await;
    for (entity, id) in [("route", &route), ("run", &run), ("finding", &finding)] {
        assert!(has(&feed, entity, id), "the supervisor misses the {entity}");
    }
    let f = sup.finding(&app, &finding).await;
    assert_eq!(f.status, FindingStatus::Closed);
    assert!(!f.is_open());
    assert_eq!(f.rectifications.len(), 2);
    assert_eq!(
        f.follow_ups.iter().map(|u| u.passed).collect::<Vec<_>>(),
        [false, true]
    );
    assert_eq!(f.due_at, due2);
    assert_eq!(sup.run(&app, &run).await, x, "the run as the patrol saw it");
    assert_eq!(sup.route(&app, &route).await, r);
}

/// Each of the 12 patrol ops applied at least once, and each rejection code given,
/// each with a message that names the problem; every rejection is in the log the
/// supervisor reads.
async fn every_op_and_every_rejection_code(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut sup = Person::sign_in(&app, "super").await;
    let mut patrol = Person::sign_in(&app, "patrol").await;
    let mut tech = Person::sign_in(&app, "tech").await;
    let mut cashier = Person::sign_in(&app, "cashier").await;
    let [route, retired, run, finding] = std::array::from_fn(|_| uuid());
    let two_areas = || {
        vec![
            area(
                "A",
                "大堂 Lobby",
                vec![
                    check_with_photo("地面清洁 Floor clean"),
                    check("照明 Lighting"),
                ],
            ),
            area(
                "B",
                "车库 Garage",
                vec![number("集水井水位 Sump level", "cm", None, Some(60.0))],
            ),
        ]
    };

    // Routes: defined, revised, and another one retired.
    sup.ok(
        &app,
        "route.define",
        &route,
        define("日常巡查 Daily inspection", "customer_service", two_areas()),
    )
    .await;
    sup.ok(&app, "route.revise", &route, json!({"areas": two_areas()}))
        .await;
    sup.ok(
        &app,
        "route.define",
        &retired,
        define("旧路线 Old round", "security", two_areas()),
    )
    .await;
    sup.ok(
        &app,
        "route.retire",
        &retired,
        json!({"reason": "合并到日常巡查 merged into the daily round"}),
    )
    .await;
    let r = sup.route(&app, &retired).await;
    assert!(!r.is_active());
    assert_eq!(
        r.retire_reason.as_deref(),
        Some("合并到日常巡查 merged into the daily round")
    );
    assert_eq!(
        r.retired.as_ref().map(|s| s.by.as_str()),
        Some(sup.id.as_str())
    );

    // A run: started, checked in, answered, paused, resumed; a finding raised.
    patrol
        .ok(
            &app,
            "run.start",
            &run,
            json!({"route_id": route, "version": 2}),
        )
        .await;
    patrol
        .ok(
            &app,
            "run.check_in",
            &run,
            json!({"code": "A", "how": "scan"}),
        )
        .await;
    patrol
        .ok(&app, "run.answer", &run, answer("A", 1, pass()))
        .await;
    // A corrected answer is added beside the first; the last one counts.
    patrol
        .ok(
            &app,
            "run.answer",
            &run,
            answer("A", 1, json!({"answer": "not_applicable"})),
        )
        .await;
    patrol
        .ok(
            &app,
            "run.answer",
            &run,
            json!({"code": "A", "item": 0, "value": fail(), "photos": [sha(b"floor")],
                   "finding_id": finding}),
        )
        .await;
    patrol
        .ok(
            &app,
            "finding.raise",
            &finding,
            json!({"run_id": run, "route_name": "日常巡查", "area_code": "A",
                   "area_name": "大堂 Lobby", "item_label": "地面清洁 Floor clean",
                   "found": "fail", "photos": [sha(b"floor")],
                   "department": "cleaning", "due_at": now_ms() + DAY}),
        )
        .await;
    patrol.ok(&app, "run.pause", &run, json!({})).await;
    // Paused: nothing is recorded until it resumes.
    patrol
        .refused(
            &app,
            "run.pause",
            &run,
            json!({}),
            "invalid_transition",
            "paused",
        )
        .await;
    patrol
        .refused(
            &app,
            "run.finish",
            &run,
            json!({"note": "x"}),
            "invalid_transition",
            "resume it first",
        )
        .await;
    patrol.ok(&app, "run.resume", &run, json!({})).await;
    patrol
        .refused(
            &app,
            "run.resume",
            &run,
            json!({}),
            "invalid_transition",
            "only a paused run",
        )
        .await;

    // Each code, with a message that names the problem.
    patrol
        .refused(
            &app,
            "run.teleport",
            &run,
            json!({"code": "B"}),
            "unknown_op",
            "run.teleport",
        )
        .await;
    // bad_payload: shapes, bounds and the checklist's own rules.
    patrol
        .refused(
            &app,
            "run.check_in",
            &run,
            json!({"code": "B", "how": "teleport"}),
            "bad_payload",
            "run.check_in payload",
        )
        .await;
    patrol
        .refused(
            &app,
            "run.check_in",
            &run,
            json!({"code": "NOPE", "how": "manual"}),
            "bad_payload",
            "NOPE is not an area",
        )
        .await;
    patrol
        .refused(
            &app,
            "run.answer",
            &run,
            answer("A", 5, pass()),
            "bad_payload",
            "item 5",
        )
        .await;
    patrol
        .refused(
            &app,
            "run.answer",
            &run,
            answer("A", 1, reading(3.0)),
            "bad_payload",
            "does not answer",
        )
        .await;
    patrol
        .refused(
            &app,
            "run.answer",
            &run,
            json!({"code": "A", "item": 0, "value": fail(), "finding_id": uuid()}),
            "bad_payload",
            "photo is required",
        )
        .await;
    patrol
        .refused(
            &app,
            "run.answer",
            &run,
            json!({"code": "A", "item": 1, "value": fail()}),
            "bad_payload",
            "finding_id",
        )
        .await;
    patrol
        .refused(
            &app,
            "run.answer",
            &run,
            json!({"code": "A", "item": 1, "value": pass(), "finding_id": uuid()}),
            "bad_payload",
            "finding_id",
        )
        .await;
    patrol
        .refused(
            &app,
            "run.finish",
            &run,
            json!({}),
            "bad_payload",
            "1 areas are not complete",
        )
        .await;
    patrol
        .refused(
            &app,
            "finding.raise",
            &uuid(),
            raise(&run, &[], now_ms() - HOUR),
            "bad_payload",
            "due_at",
        )
        .await;
    patrol
        .refused(
            &app,
            "finding.follow_up",
            &finding,
            json!({"passed": false}),
            "bad_payload",
            "next_due_at is required",
        )
        .await;
    patrol
        .refused(
            &app,
            "finding.follow_up",
            &finding,
            json!({"passed": true, "next_due_at": now_ms() + DAY}),
            "bad_payload",
            "next_due_at",
        )
        .await;
    sup.refused(
        &app,
        "route.define",
        &uuid(),
        define(
            "x",
            "engineering",
            vec![area("A", "x", vec![number("x", "", Some(5.0), Some(1.0))])],
        ),
        "bad_payload",
        "min must not be above its max",
    )
    .await;
    sup.refused(
        &app,
        "route.define",
        &uuid(),
        define(
            "x",
            "engineering",
            vec![
                area("a-1", "x", vec![check("x")]),
                area("A-1", "y", vec![check("y")]),
            ],
        ),
        "bad_payload",
        "A-1 is used twice",
    )
    .await;
    sup.refused(
        &app,
        "route.define",
        &uuid(),
        define("x", "engineering", vec![area("A", "x", vec![])]),
        "bad_payload",
        "area A must list 1 to",
    )
    .await;
    sup.refused(
        &app,
        "route.define",
        &uuid(),
        json!({"name": "x", "department": "engineering", "schedule": daily(), "areas": two_areas(),
               "colour": "red"}),
        "bad_payload",
        "colour",
    )
    .await;
    sup.refused(
        &app,
        "route.define",
        &uuid(),
        json!({"name": "x", "department": "engineering",
               "schedule": {"every": "shift", "starts": [], "utc_offset_min": 480},
               "areas": two_areas()}),
        "bad_payload",
        "schedule.starts",
    )
    .await;
    sup.refused(
        &app,
        "route.retire",
        &route,
        json!({"reason": " "}),
        "bad_payload",
        "reason is required",
    )
    .await;
    // forbidden
    tech.refused(
        &app,
        "route.define",
        &uuid(),
        define("x", "engineering", two_areas()),
        "forbidden",
        "only a supervisor plans routes",
    )
    .await;
    tech.refused(
        &app,
        "run.start",
        &uuid(),
        json!({"route_id": route, "version": 2}),
        "forbidden",
        "only patrol staff and supervisors inspect",
    )
    .await;
    cashier
        .refused(
            &app,
            "finding.rectify",
            &finding,
            json!({"note": "x"}),
            "forbidden",
            "responsible department",
        )
        .await;
    // not_found
    patrol
        .refused(
            &app,
            "run.start",
            &uuid(),
            json!({"route_id": uuid(), "version": 1}),
            "not_found",
            "no such route",
        )
        .await;
    patrol
        .refused(
            &app,
            "run.start",
            &uuid(),
            json!({"route_id": route, "version": 7}),
            "not_found",
            "no version 7",
        )
        .await;
    // A run's id is not a route.
    patrol
        .refused(
            &app,
            "run.start",
            &uuid(),
            json!({"route_id": run, "version": 1}),
            "not_found",
            "no such route",
        )
        .await;
    patrol
        .refused(
            &app,
            "run.check_in",
            &uuid(),
            json!({"code": "A", "how": "scan"}),
            "not_found",
            "no such run",
        )
        .await;
    tech.refused(
        &app,
        "finding.rectify",
        &uuid(),
        json!({"note": "x"}),
        "not_found",
        "no such nonconformity",
    )
    .await;
    sup.refused(
        &app,
        "route.revise",
        &uuid(),
        json!({"areas": two_areas()}),
        "not_found",
        "no such route",
    )
    .await;
    // already_exists: the id is taken, by a record of the same kind or another.
    sup.refused(
        &app,
        "route.define",
        &route,
        define("x", "engineering", two_areas()),
        "already_exists",
        "a route with this id already exists",
    )
    .await;
    patrol
        .refused(
            &app,
            "run.start",
            &run,
            json!({"route_id": route, "version": 2}),
            "already_exists",
            "a run with this id already exists",
        )
        .await;
    patrol
        .refused(
            &app,
            "finding.raise",
            &finding,
            raise(&run, &[], now_ms() + DAY),
            "already_exists",
            "already exists",
        )
        .await;
    patrol
        .refused(
            &app,
            "run.start",
            &route,
            json!({"route_id": route, "version": 2}),
            "already_exists",
            "belongs to a route",
        )
        .await;
    patrol
        .refused(
            &app,
            "finding.raise",
            &run,
            raise(&run, &[], now_ms() + DAY),
            "already_exists",
            "belongs to a run",
        )
        .await;
    patrol
        .refused(
            &app,
            "run.check_in",
            &finding,
            json!({"code": "B", "how": "scan"}),
            "already_exists",
            "belongs to a finding",
        )
        .await;
    // invalid_transition
    patrol
        .refused(
            &app,
            "run.check_in",
            &run,
            json!({"code": "a", "how": "manual"}),
            "invalid_transition",
            "already checked in at 大堂 Lobby",
        )
        .await;
    patrol
        .refused(
            &app,
            "run.answer",
            &run,
            answer("B", 0, reading(10.0)),
            "invalid_transition",
            "check in at 车库 Garage before answering",
        )
        .await;
    sup.refused(
        &app,
        "route.revise",
        &retired,
        json!({"areas": two_areas()}),
        "invalid_transition",
        "a retired route cannot be revised",
    )
    .await;
    sup.refused(
        &app,
        "route.retire",
        &retired,
        json!({"reason": "again"}),
        "invalid_transition",
        "already retired",
    )
    .await;
    patrol
        .refused(
            &app,
            "run.start",
            &uuid(),
            json!({"route_id": retired, "version": 1}),
            "invalid_transition",
            "the route is retired",
        )
        .await;

    // The run is finished with one area left, saying why.
    patrol
        .ok(
            &app,
            "run.finish",
            &run,
            json!({"note": "车库封闭施工 garage closed for works"}),
        )
        .await;
    patrol
        .refused(
            &app,
            "run.check_in",
            &run,
            json!({"code": "B", "how": "scan"}),
            "invalid_transition",
            "the run is finished",
        )
        .await;
    patrol
        .refused(
            &app,
            "run.resume",
            &run,
            json!({}),
            "invalid_transition",
            "only a paused run",
        )
        .await;
    let x = patrol.run(&app, &run).await;
    assert_eq!(x.status, RunStatus::Finished);
    assert_eq!(x.complete_areas(), 1);
    assert_eq!(
        x.note.as_deref(),
        Some("车库封闭施工 garage closed for works")
    );
    assert!(
        x.areas[1].check_in.is_none() && x.areas[1].answers.is_empty(),
        "no refused step left a trace"
    );
    assert_eq!(
        x.areas[0].answers.len(),
        3,
        "only the three applied answers"
    );
    assert_eq!(
        x.areas[0].answer(1).map(|a| &a.value),
        Some(&Answered::NotApplicable),
        "the corrected answer counts"
    );

    // The finding: rectified by a supervisor (any department), then followed up.
    sup.ok(
        &app,
        "finding.rectify",
        &finding,
        json!({"note": "已安排保洁 cleaners sent"}),
    )
    .await;
    sup.refused(
        &app,
        "finding.rectify",
        &finding,
        json!({"note": "again"}),
        "invalid_transition",
        "this one is rectified",
    )
    .await;
    patrol
        .ok(&app, "finding.follow_up", &finding, json!({"passed": true}))
        .await;
    patrol
        .refused(
            &app,
            "finding.follow_up",
            &finding,
            json!({"passed": true}),
            "invalid_transition",
            "the nonconformity is closed",
        )
        .await;
    sup.refused(
        &app,
        "finding.rectify",
        &finding,
        json!({"note": "again"}),
        "invalid_transition",
        "this one is closed",
    )
    .await;
    let f = sup.finding(&app, &finding).await;
    assert_eq!(f.status, FindingStatus::Closed);
    assert_eq!(f.department, Department::Cleaning);
    assert_eq!((f.rectifications.len(), f.follow_ups.len()), (1, 1));

    // Every op applied, every code given.
    let people = [&sup, &patrol, &tech, &cashier];
    let applied: BTreeSet<&str> = people
        .iter()
        .flat_map(|p| p.applied_ops.iter().map(String::as_str))
        .collect();
    let missing: Vec<&str> = PatrolOp::NAMES
        .iter()
        .copied()
        .filter(|op| !applied.contains(op))
        .collect();
    assert!(missing.is_empty(), "ops never applied: {missing:?}");
    let codes: BTreeSet<&str> = people
        .iter()
        .flat_map(|p| p.rejected.iter().map(|(_, c, _)| c.as_str()))
        .collect();
    let all: BTreeSet<&str> = RejectCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(codes, all, "every rejection code was given");

    // Every rejection is in the log the supervisor reads, with its code and message.
    let r = app.get(Some(&sup.token), "/api/v1/sync/rejections").await;
    assert_eq!(r.status(), StatusCode::OK);
    let log: Value = r.json().await.expect("rejections");
    let logged: BTreeMap<&str, (&str, &str)> = log
        .as_array()
        .expect("a list")
        .iter()
        .map(|m| {
            (
                m["id"].as_str().expect("id"),
                (
                    m["code"].as_str().expect("code"),
                    m["message"].as_str().expect("message"),
                ),
            )
        })
        .collect();
    let mut n = 0;
    for p in people {
        for (id, code, message) in &p.rejected {
            n += 1;
            assert_eq!(
                logged.get(id.as_str()),
                Some(&(code.as_str(), message.as_str())),
                "{}'s rejected mutation {id} is not in the log as given",
                p.name
            );
        }
    }
    assert_eq!(logged.len(), n, "the log holds exactly these rejections");
    let logged_codes: BTreeSet<&str> = logged.values().map(|(c, _)| *c).collect();
    assert_eq!(logged_codes, all);
    // The patrol does not read the log.
    let r = app
        .get(Some(&patrol.token), "/api/v1/sync/rejections")
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

/// A run reads its route as it stands at its place in the push: a route defined, revised
/// or retired earlier in the same push counts.
async fn a_run_reads_its_route_as_of_its_place_in_the_push(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut sup = Person::sign_in(&app, "super").await;
    let mut patrol = Person::sign_in(&app, "patrol").await;
    let route = uuid();
    let [v1, v2, v3, after] = std::array::from_fn(|_| uuid());
    let mut revised = plant_areas();
    revised.push(area(
        "GATE",
        "北门岗 North gate",
        vec![check("岗亭整洁 Booth tidy")],
    ));
    let t = now_ms() - HOUR;
    let answers = sup
        .push(
            &app,
            vec![
                step_at(
                    "route.define",
                    &route,
                    define("工程巡查 Engineering round", "engineering", plant_areas()),
                    t,
                ),
                step_at(
                    "run.start",
                    &v1,
                    json!({"route_id": route, "version": 1}),
                    t + 1,
                ),
                step_at("route.revise", &route, json!({"areas": revised}), t + 2),
                step_at(
                    "run.start",
                    &v2,
                    json!({"route_id": route, "version": 2}),
                    t + 3,
                ),
                step_at(
                    "run.start",
                    &v3,
                    json!({"route_id": route, "version": 3}),
                    t + 4,
                ),
                step_at(
                    "route.retire",
                    &route,
                    json!({"reason": "停用 out of use"}),
                    t + 5,
                ),
                step_at(
                    "run.start",
                    &after,
                    json!({"route_id": route, "version": 2}),
                    t + 6,
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
            ("applied", ""),
            ("rejected", "not_found"),
            ("applied", ""),
            ("rejected", "invalid_transition"),
        ],
        "{answers:?}"
    );
    assert!(answers[4].message.contains("no version 3"), "{answers:?}");
    assert!(answers[6].message.contains("retired"), "{answers:?}");
    let feed = patrol.feed(&app).await;
    let run = |id: &str| -> Run {
        serde_json::from_value(
            feed.get(&("run".to_string(), id.to_string()))
                .cloned()
                .unwrap_or_else(|| panic!("run {id}")),
        )
        .expect("run")
    };
    assert_eq!((run(&v1).version, run(&v1).areas.len()), (1, 3));
    assert_eq!((run(&v2).version, run(&v2).areas.len()), (2, 4));
    assert!(!has(&feed, "run", &v3) && !has(&feed, "run", &after));
    // A run started before its route was retired goes on, recorded only by the one who
    // started it.
    patrol
        .refused(
            &app,
            "run.check_in",
            &v2,
            json!({"code": "GATE", "how": "scan"}),
            "forbidden",
            "only the person who started a run",
        )
        .await;
    sup.ok(
        &app,
        "run.check_in",
        &v2,
        json!({"code": "GATE", "how": "scan"}),
    )
    .await;
    assert!(!patrol.route(&app, &route).await.is_active());
}

/// Who may plan, walk and answer: the push answers `forbidden`, and nothing changes.
async fn roles_per_op(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut sup = Person::sign_in(&app, "super").await;
    let mut manager = Person::sign_in(&app, "manager").await;
    let mut patrol = Person::sign_in(&app, "patrol").await;
    let mut tech = Person::sign_in(&app, "tech").await;
    let mut patrol2 = second_patrol(&app).await;
    let mut cleaner = staff(
        &app,
        "tech_clean",
        "保洁 何芳 He Fang",
        app::domain::Role::Technician,
        Department::Cleaning,
    )
    .await;
    let (route, run, finding) = walked_with_a_finding(&app, &mut sup, &mut patrol).await;

    // Neither planning nor walking for the desk, technicians, cashiers or residents.
    for who in ["tech", "desk", "cashier", "resident"] {
        let mut person = Person::sign_in(&app, who).await;
        person
            .refused(
                &app,
                "route.define",
                &uuid(),
                define("x", "engineering", plant_areas()),
                "forbidden",
                "only a supervisor plans routes",
            )
            .await;
        person
            .refused(
                &app,
                "route.revise",
                &route,
                json!({"areas": plant_areas()}),
                "forbidden",
                "plans routes",
            )
            .await;
        person
            .refused(
                &app,
                "route.retire",
                &route,
                json!({"reason": "x"}),
                "forbidden",
                "plans routes",
            )
            .await;
        person
            .refused(
                &app,
                "run.start",
                &uuid(),
                json!({"route_id": route, "version": 1}),
                "forbidden",
                "only patrol staff and supervisors inspect",
            )
            .await;
        person
            .refused(
                &app,
                "finding.raise",
                &uuid(),
                raise(&run, &[], now_ms() + DAY),
                "forbidden",
                "inspect",
            )
            .await;
        person
            .refused(
                &app,
                "finding.follow_up",
                &finding,
                json!({"passed": true}),
                "forbidden",
                "inspect",
            )
            .await;
    }
    // A patrol walks routes but does not plan them.
    patrol
        .refused(
            &app,
            "route.define",
            &uuid(),
            define("x", "security", plant_areas()),
            "forbidden",
            "only a supervisor plans routes",
        )
        .await;
    patrol
        .refused(
            &app,
            "route.revise",
            &route,
            json!({"areas": plant_areas()}),
            "forbidden",
            "plans routes",
        )
        .await;

    // Only the one who started a run records on it: not another patrol, not a supervisor.
    let others_steps = || {
        vec![
            ("run.check_in", json!({"code": "SUB", "how": "manual"})),
            ("run.answer", answer("PUMP", 1, reading(2.0))),
            ("run.pause", json!({})),
            ("run.resume", json!({})),
            ("run.finish", json!({"note": "x"})),
        ]
    };
    for (op, payload) in others_steps() {
        patrol2
            .refused(
                &app,
                op,
                &run,
                payload,
                "forbidden",
                "only the person who started a run records on it",
            )
            .await;
    }
    sup.refused(
        &app,
        "run.check_in",
        &run,
        json!({"code": "SUB", "how": "manual"}),
        "forbidden",
        "only the person who started a run",
    )
    .await;
    // The second patrol walks a run of their own on the same route.
    let own = uuid();
    patrol2
        .ok(
            &app,
            "run.start",
            &own,
            json!({"route_id": route, "version": 1}),
        )
        .await;
    patrol2
        .ok(
            &app,
            "run.check_in",
            &own,
            json!({"code": "SUB", "how": "scan"}),
        )
        .await;
    patrol
        .refused(
            &app,
            "run.check_in",
            &own,
            json!({"code": "PUMP", "how": "scan"}),
            "forbidden",
            "only the person who started a run",
        )
        .await;
    // Supervisors walk routes too.
    let sups = uuid();
    sup.ok(
        &app,
        "run.start",
        &sups,
        json!({"route_id": route, "version": 1}),
    )
    .await;
    let x = patrol.run(&app, &run).await;
    assert_eq!(x.status, RunStatus::InProgress);
    assert!(
        x.areas[1].check_in.is_none() && x.areas[0].answers.len() == 1 && x.pauses.is_empty(),
        "no refused step left a trace"
    );

    // Nonconformities are answered by their department or a supervisor.
    for person in [&mut cleaner, &mut patrol, &mut patrol2] {
        person
            .refused(
                &app,
                "finding.rectify",
                &finding,
                json!({"note": "x"}),
                "forbidden",
                "only the responsible department or a supervisor",
            )
            .await;
    }
    for who in ["desk", "cashier"] {
        Person::sign_in(&app, who)
            .await
            .refused(
                &app,
                "finding.rectify",
                &finding,
                json!({"note": "x"}),
                "forbidden",
                "only the responsible department",
            )
            .await;
    }
    // A resident does not see it at all.
    Person::sign_in(&app, "resident")
        .await
        .refused(
            &app,
            "finding.rectify",
            &finding,
            json!({"note": "x"}),
            "not_found",
            "no such nonconformity",
        )
        .await;
    assert_eq!(
        patrol.finding(&app, &finding).await.status,
        FindingStatus::Open,
        "no refused rectification counted"
    );
    tech.ok(
        &app,
        "finding.rectify",
        &finding,
        json!({"note": "已修复 fixed"}),
    )
    .await;
    // A manager answers for any department; the technician cannot follow up their own fix.
    patrol
        .ok(
            &app,
            "finding.follow_up",
            &finding,
            json!({"passed": false, "next_due_at": now_ms() + DAY}),
        )
        .await;
    manager
        .ok(
            &app,
            "finding.rectify",
            &finding,
            json!({"note": "经理督办 manager saw to it"}),
        )
        .await;
    tech.refused(
        &app,
        "finding.follow_up",
        &finding,
        json!({"passed": true}),
        "forbidden",
        "inspect",
    )
    .await;
    patrol2
        .ok(&app, "finding.follow_up", &finding, json!({"passed": true}))
        .await;
    let f = sup.finding(&app, &finding).await;
    assert_eq!(f.status, FindingStatus::Closed);
    let by: Vec<&str> = f
        .rectifications
        .iter()
        .map(|r| r.stamp.by.as_str())
        .collect();
    assert_eq!(by, [tech.id.as_str(), manager.id.as_str()]);
}

/// What each role pulls of routes, runs and nonconformities, and whose blob reads their
/// photos allow.
async fn pull_scope_per_role(db: Db) {
    let app = TestApp::spawn(db).await;
    let mut sup = Person::sign_in(&app, "super").await;
    let mut patrol = Person::sign_in(&app, "patrol").await;
    let patrol2 = second_patrol(&app).await;
    let (route, run, finding) = (uuid(), uuid(), uuid());
    sup.ok(
        &app,
        "route.define",
        &route,
        define("工程巡查 Engineering round", "engineering", plant_areas()),
    )
    .await;

    // A photo only on the run's answer, stored first; the finding's photo comes later.
    let on_run = png("photo on the run");
    let on_run_name = sha(&on_run);
    assert_eq!(
        put_blob(&app, &patrol.token, &on_run_name, on_run.clone()).await,
        StatusCode::CREATED
    );
    let on_finding = png("photo on the finding");
    let on_finding_name = sha(&on_finding);
    let answers = patrol
        .push(
            &app,
            vec![
                step_at(
                    "run.start",
                    &run,
                    json!({"route_id": route, "version": 1}),
                    now_ms(),
                ),
                step_at(
                    "run.check_in",
                    &run,
                    json!({"code": "PUMP", "how": "scan"}),
                    now_ms(),
                ),
                step_at(
                    "run.answer",
                    &run,
                    json!({"code": "PUMP", "item": 0, "value": fail(),
                           "photos": [on_run_name], "finding_id": finding}),
                    now_ms(),
                ),
                step_at(
                    "finding.raise",
                    &finding,
                    raise(&run, std::slice::from_ref(&on_finding_name), now_ms() + DAY),
                    now_ms(),
                ),
            ],
        )
        .await;
    assert!(answers.iter().all(Reply::applied), "{answers:?}");

    // The desk roles pull all three kinds.
    for who in ["super", "manager", "admin", "desk", "desk2"] {
        let feed = Person::sign_in(&app, who).await.feed(&app).await;
        for (entity, id) in [("route", &route), ("run", &run), ("finding", &finding)] {
            assert!(has(&feed, entity, id), "{who} misses the {entity}");
        }
    }
    // Patrols pull routes, runs and nonconformities (a run of another patrol too).
    for p in [&patrol, &patrol2] {
        let feed = p.feed(&app).await;
        assert_eq!(
            kinds(&feed),
            BTreeSet::from(["finding", "route", "run"]),
            "{}",
            p.name
        );
        assert!(has(&feed, "route", &route) && has(&feed, "run", &run));
        assert!(has(&feed, "finding", &finding));
    }
    // Other staff pull nonconformities, never routes or runs.
    let tech = Person::sign_in(&app, "tech").await;
    let (feed, tech_cursor) = tech.feed_since(&app, 0).await;
    assert_eq!(kinds(&feed), BTreeSet::from(["finding"]));
    assert!(has(&feed, "finding", &finding));
    let f: Finding = tech.finding(&app, &finding).await;
    assert!(f.photos[0].pending, "its photo has not arrived yet");
    let cashier = Person::sign_in(&app, "cashier").await;
    assert_eq!(
        kinds(&cashier.feed(&app).await),
        BTreeSet::from(["finding"])
    );
    // Residents pull none of them.
    let resident = Person::sign_in(&app, "resident").await;
    let feed = resident.feed(&app).await;
    for kind in ["route", "run", "finding"] {
        assert!(!kinds(&feed).contains(kind), "the resident pulls a {kind}");
    }

    // The finding's photo arrives: the finding is published again, no longer pending.
    assert_eq!(
        put_blob(&app, &patrol.token, &on_finding_name, on_finding.clone()).await,
        StatusCode::CREATED
    );
    let (after, _) = tech.feed_since(&app, tech_cursor).await;
    let f: Finding = serde_json::from_value(
        after
            .get(&("finding".to_string(), finding.clone()))
            .cloned()
            .expect("the stored photo is a change"),
    )
    .expect("finding");
    assert!(!f.photos[0].pending);
    assert_eq!(
        kinds(&after),
        BTreeSet::from(["finding"]),
        "still no run for the technician"
    );

    // Blob reads follow the records: the run's photo for those who pull runs.
    for p in [&sup, &patrol, &patrol2] {
        let (status, bytes) = p.blob(&app, &on_run_name).await;
        assert_eq!(status, StatusCode::OK, "{} reads the run's photo", p.name);
        assert_eq!(bytes, on_run);
        let (status, bytes) = p.blob(&app, &on_finding_name).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{} reads the finding's photo",
            p.name
        );
        assert_eq!(bytes, on_finding);
    }
    let (status, bytes) = tech.blob(&app, &on_finding_name).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the technician reads the finding's photo"
    );
    assert_eq!(bytes, on_finding);
    assert_eq!(
        tech.blob(&app, &on_run_name).await.0,
        StatusCode::NOT_FOUND,
        "the technician pulls no runs, so reads no photo only a run names"
    );
    for name in [&on_run_name, &on_finding_name] {
        assert_eq!(
            resident.blob(&app, name).await.0,
            StatusCode::NOT_FOUND,
            "a resident reads no patrol photo"
        );
    }
}

/// A tablet offline for a whole 40-area round pushes the run in one batch (the contract
/// allows 1,000 mutations a push) after the supervisor defined the route in another
/// push; every mutation applies, and resending the batch changes nothing.
async fn a_whole_round_in_one_batch_and_resent(db: Db) {
    let started = Instant::now();
    let app = TestApp::spawn(db).await;
    let mut sup = Person::sign_in(&app, "super").await;
    let mut patrol = Person::sign_in(&app, "patrol").await;
    let (route, run) = (uuid(), uuid());
    const AREAS: usize = 40;
    const ITEMS: usize = 10;
    let areas: Vec<Value> = (1..=AREAS)
        .map(|a| {
            area(
                &format!("F{a:02}"),
                &format!("{a}层 Floor {a}"),
                (0..ITEMS)
                    .map(|i| match i {
                        0 => check_with_photo(&format!("消防栓 Hydrant {a}")),
                        1 => number(
                            &format!("温度 Temperature {a}"),
                            "°C",
                            Some(5.0),
                            Some(35.0),
                        ),
                        2 => text_item("备注 Remarks"),
                        _ => check(&format!("项目 Item {a}.{i}")),
                    })
                    .collect(),
            )
        })
        .collect();
    sup.ok(
        &app,
        "route.define",
        &route,
        define("全楼巡查 Whole tower", "security", areas),
    )
    .await;
    let r = patrol.route(&app, &route).await;
    assert_eq!(r.current().areas.len(), AREAS);

    // The round, as the tablet recorded it: start, then per area a check-in and ten
    // answers, then the end.
    let t0 = now_ms() - 3 * HOUR;
    let mut steps = vec![step_at(
        "run.start",
        &run,
        json!({"route_id": route, "version": 1}),
        t0,
    )];
    let mut t = t0;
    for a in 1..=AREAS {
        let code = format!("F{a:02}");
        t += 10_000;
        let how = if a % 2 == 0 { "scan" } else { "manual" };
        steps.push(step_at(
            "run.check_in",
            &run,
            json!({"code": code, "how": how}),
            t,
        ));
        for i in 0..ITEMS {
            t += 1_000;
            let value = match i {
                1 => reading(20.0 + a as f64 / 10.0),
                2 => json!({"answer": "text", "text": format!("第{a}层正常 floor {a} fine")}),
                _ => pass(),
            };
            steps.push(step_at("run.answer", &run, answer(&code, i, value), t));
        }
    }
    steps.push(step_at("run.finish", &run, json!({}), t + MIN));
    assert_eq!(steps.len(), 1 + AREAS * (1 + ITEMS) + 1);
    let mutations = patrol.mutations(&steps);
    let batches: Vec<&[Value]> = mutations.chunks(MAX_MUTATIONS_PER_PUSH).collect();
    assert_eq!(batches.len(), 1, "442 mutations fit in one push");

    let cursor_before = count(&app, "SELECT last_cursor FROM sync_state").await;
    let pushed = Instant::now();
    let mut answers = Vec::new();
    for b in &batches {
        answers.extend(patrol.send(&app, b).await);
    }
    let push_time = pushed.elapsed();
    let bad: Vec<&Reply> = answers.iter().filter(|a| !a.applied()).collect();
    assert!(
        bad.is_empty(),
        "not applied: {:?}",
        &bad[..bad.len().min(5)]
    );
    assert_eq!(answers.len(), mutations.len());

    let (feed, cursor) = patrol.feed_since(&app, 0).await;
    let doc = feed
        .get(&("run".to_string(), run.clone()))
        .cloned()
        .expect("the run");
    let x: Run = serde_json::from_value(doc.clone()).expect("run");
    assert_eq!(x.status, RunStatus::Finished);
    assert_eq!(x.complete_areas(), AREAS);
    assert_eq!(x.failures(), 0);
    assert_eq!(
        x.areas.iter().map(|a| a.answers.len()).sum::<usize>(),
        AREAS * ITEMS
    );
    assert_eq!(
        x.areas[1].check_in.as_ref().map(|c| (c.how, c.stamp.at)),
        Some((CheckInMethod::Scan, t0 + 2 * 10_000 + ITEMS as i64 * 1_000))
    );
    assert_eq!(x.finished.as_ref().map(|f| f.at), Some(t + MIN));
    // One record published for the whole batch: the run once, not 442 times.
    let cursor_after = count(&app, "SELECT last_cursor FROM sync_state").await;
    assert_eq!(cursor_after - cursor_before, 1, "the run is published once");
    let logged = count(&app, "SELECT COUNT(*) FROM mutations").await;

    // The connection dropped before the answer came: the tablet sends it all again.
    let resent = Instant::now();
    let mut again = Vec::new();
    for b in &batches {
        again.extend(patrol.send(&app, b).await);
    }
    let resend_time = resent.elapsed();
    assert_eq!(again.len(), mutations.len());
    assert!(
        again.iter().all(|a| a.status == "duplicate"),
        "a resend is all duplicates: {:?}",
        again.iter().find(|a| a.status != "duplicate")
    );
    let (changes, _) = patrol.feed_since(&app, cursor).await;
    assert!(changes.is_empty(), "nothing changed: {:?}", kinds(&changes));
    assert_eq!(
        count(&app, "SELECT last_cursor FROM sync_state").await,
        cursor_after
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM mutations").await,
        logged,
        "nothing logged twice"
    );
    let (feed, _) = patrol.feed_since(&app, 0).await;
    assert_eq!(
        feed.get(&("run".to_string(), run.clone())),
        Some(&doc),
        "the run is as it was"
    );
    eprintln!(
        "patrols e ({db:?}): {} mutations pushed in {push_time:?}, resent in {resend_time:?}; \
         test took {:?}",
        mutations.len(),
        started.elapsed()
    );
}

on_both!(
    a_whole_patrol,
    every_op_and_every_rejection_code,
    a_run_reads_its_route_as_of_its_place_in_the_push,
    roles_per_op,
    pull_scope_per_role,
    a_whole_round_in_one_batch_and_resent,
);
