//! The case workflow over HTTP: every step pushed as a mutation by the person who takes
//! it, the record read back through the pull feed, every rejection code of the workflow
//! ops, role checks per op, the supervisor's queue (filters, urgency order, full-text
//! search in Chinese and by unit) and the service levels.

use crate::helpers::{error_code, Db, TestApp};
use crate::on_both;
use crate::sync::{resident_unit, uuid};
use app::domain::cases::{Case, CaseFilter, CaseKind, CaseStatus, Directory, Policy};
use reqwest::StatusCode;
use serde_json::{json, Value};

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .expect("time in range")
        .to_rfc3339()
}

/// One signed-in person on one device: pushes each step as the next mutation in `seq`.
struct Person {
    token: String,
    id: String,
    device: String,
    seq: u64,
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

impl Person {
    async fn sign_in(app: &TestApp, username: &str) -> Person {
        Person::with_password(app, username, "demo").await
    }

    async fn with_password(app: &TestApp, username: &str, password: &str) -> Person {
        let r = app.login(username, password).await;
        assert_eq!(r.status(), StatusCode::OK, "login {username}");
        let v: Value = r.json().await.expect("login json");
        Person {
            token: v["token"].as_str().expect("token").to_string(),
            id: user_id(app, username).await,
            device: uuid(),
            seq: 0,
        }
    }

    /// Pushes one step made at `at` (device time) and returns the server's answer.
    async fn step_at(
        &mut self,
        app: &TestApp,
        op: &str,
        case: &str,
        payload: Value,
        at: i64,
    ) -> Answer {
        self.seq += 1;
        let body = json!({
            "device_id": self.device,
            "mutations": [{
                "id": uuid(),
                "seq": self.seq,
                "op": op,
                "entity_id": case,
                "client_time": rfc3339(at),
                "payload": payload,
            }],
        });
        let r = app
            .client
            .post(app.url("/api/v1/sync/push"))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .expect("send push");
        assert_eq!(r.status(), StatusCode::OK, "push {op}");
        let v: Value = r.json().await.expect("push json");
        let x = &v["results"][0];
        Answer {
            status: x["status"].as_str().unwrap_or_default().to_string(),
            code: x["code"].as_str().unwrap_or_default().to_string(),
            message: x["message"].as_str().unwrap_or_default().to_string(),
        }
    }

    async fn step(&mut self, app: &TestApp, op: &str, case: &str, payload: Value) -> Answer {
        self.step_at(app, op, case, payload, now_ms()).await
    }

    /// A step that must apply.
    async fn ok(&mut self, app: &TestApp, op: &str, case: &str, payload: Value) {
        let a = self.step(app, op, case, payload).await;
        assert!(a.applied(), "{op} was not applied: {a:?}");
    }

    /// A step that must be rejected with `code`; returns the message.
    async fn refused(
        &mut self,
        app: &TestApp,
        op: &str,
        case: &str,
        payload: Value,
        code: &str,
    ) -> String {
        let a = self.step(app, op, case, payload).await;
        assert_eq!(
            (a.status.as_str(), a.code.as_str()),
            ("rejected", code),
            "{op}: {a:?}"
        );
        assert!(!a.message.is_empty(), "{op}: a rejection names its reason");
        a.message
    }

    /// The case as this person's pull feed carries it.
    async fn case(&self, app: &TestApp, id: &str) -> Option<Case> {
        let mut since = 0i64;
        let mut found = None;
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
                if c["entity"] == "case" && c["id"] == id {
                    found = Some(serde_json::from_value(c["record"].clone()).expect("a case"));
                }
            }
            since = page["cursor"].as_i64().expect("cursor");
            if page["more"] != true {
                return found;
            }
        }
    }

    /// The supervisor's queue, through its server function.
    async fn queue(&self, app: &TestApp, filter: Value) -> Vec<Case> {
        let r = app
            .call(Some(&self.token), "case_queue", json!({ "filter": filter }))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "case_queue {filter}");
        r.json().await.expect("cases")
    }
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

/// Adds a second technician of the engineering department to the demo estate.
async fn second_technician(app: &TestApp) -> Person {
    use app::ssr::store::NewUserRow;
    use sqlx::Row;
    let estate: String = sqlx::query("SELECT id FROM estates LIMIT 1")
        .fetch_one(app.store.pool())
        .await
        .expect("estate")
        .try_get(0)
        .expect("estate id");
    let user = NewUserRow {
        id: uuid(),
        username: "tech2".into(),
        display_name: "维修工 王磊 Wang Lei".into(),
        password_hash: app::ssr::auth::hash_password("tech2-pass-long").expect("hash"),
        role: app::domain::Role::Technician,
        department: Some(app::domain::Department::Engineering),
        resident_id: None,
        estate_ids: vec![estate],
    };
    app.store.create_user(&user).await.expect("create tech2");
    Person::with_password(app, "tech2", "tech2-pass-long").await
}

/// The event's name as its translation key ends (`case.event.signed` → `signed`).
fn event_name(e: &app::domain::cases::CaseEvent) -> &'static str {
    let key = e.what.label_key();
    key.rsplit('.').next().unwrap_or(key)
}

fn sha(n: u8) -> String {
    format!("{n:02x}").repeat(32)
}

fn repair(title: &str, unit: Option<&str>, priority: &str, leak: bool) -> Value {
    json!({
        "kind": "repair",
        "title": title,
        "description": "水从吊顶渗下 water drips from the ceiling",
        "unit_id": unit,
        "location": if unit.is_none() { Some("B1 车库 garage") } else { None },
        "photos": [sha(1)],
        "priority": priority,
        "contact_name": "李女士",
        "contact_phone": "138 0000 1234",
        "preferred_time": "下午六点后 after 6 pm",
        "leak": leak,
    })
}

fn complaint(title: &str, unit: &str) -> Value {
    json!({
        "kind": "complaint",
        "title": title,
        "description": "楼上装修噪音 renovation noise at night",
        "unit_id": unit,
    })
}

fn dispatch_to(person: &Person) -> Value {
    json!({"department": "engineering", "assignee_id": person.id, "note": "带上密封胶"})
}

/// A leak filed by the resident, dispatched by the desk, worked by the technician (with
/// materials, a fee and a water test), accepted with a signature, visited and rated.
async fn repair_runs_from_portal_to_rating(db: Db) {
    let app = TestApp::spawn(db).await;
    let unit = resident_unit(&app).await;
    let mut resident = Person::sign_in(&app, "resident").await;
    let mut desk = Person::sign_in(&app, "desk").await;
    let mut tech = Person::sign_in(&app, "tech").await;
    let id = uuid();

    resident
        .ok(
            &app,
            "case.create",
            &id,
            repair("卫生间漏水", Some(&unit), "high", true),
        )
        .await;
    let c = desk.case(&app, &id).await.expect("the desk sees it");
    assert_eq!(c.status, CaseStatus::Open);
    assert_eq!(
        c.channel.as_str(),
        "portal",
        "residents file through the portal"
    );
    assert!(c.leak);
    let opened = c.created_at;
    assert_eq!(c.due_at, opened + 24 * HOUR, "repair, high: 24 hours");
    assert!(c.unit_label.is_some() && c.building_id.is_some());

    desk.ok(&app, "case.prioritize", &id, json!({"priority": "urgent"}))
        .await;
    assert_eq!(
        desk.case(&app, &id).await.expect("case").due_at,
        opened + 4 * HOUR,
        "urgent: 4 hours from opening"
    );
    desk.ok(&app, "case.dispatch", &id, dispatch_to(&tech))
        .await;
    tech.ok(&app, "case.sign", &id, json!({})).await;
    tech.ok(&app, "case.start", &id, json!({})).await;
    // The water test runs just before the finish is recorded.
    let water_test = now_ms();
    tech.ok(
        &app,
        "case.finish",
        &id,
        json!({
            "notes": "更换角阀，闭水试验通过",
            "materials": [{"name": "角阀", "quantity": 1.0, "unit": "个"}],
            "fee_cents": 4500,
            "photos": [sha(2)],
            "water_test_at": water_test,
        }),
    )
    .await;
    let c = resident
        .case(&app, &id)
        .await
        .expect("the resident follows it");
    assert_eq!(c.status, CaseStatus::Completed);
    assert_eq!(c.work.fee_cents, Some(4500));
    assert_eq!(c.work.materials.len(), 1);
    assert_eq!(c.work.water_test_at, Some(water_test));

    resident
        .ok(&app, "case.accept", &id, json!({"signature": sha(3)}))
        .await;
    let c = desk.case(&app, &id).await.expect("case");
    assert_eq!(c.status, CaseStatus::ReturnVisit);
    assert_eq!(
        c.visit_due_at,
        Some(water_test + 3 * DAY),
        "a leak's return visit is due 3 days after the water test"
    );
    let acceptance = c.acceptance.expect("acceptance");
    assert_eq!(acceptance.signature.sha256, sha(3));
    assert!(
        acceptance.signature.pending,
        "the signature PNG is not uploaded yet"
    );

    desk.ok(
        &app,
        "case.return_visit",
        &id,
        json!({"method": "phone", "satisfied": true, "notes": "住户满意"}),
    )
    .await;
    resident
        .ok(
            &app,
            "case.rate",
            &id,
            json!({"stars": 5, "comment": "师傅很专业"}),
        )
        .await;
    resident
        .refused(
            &app,
            "case.rate",
            &id,
            json!({"stars": 4}),
            "invalid_transition",
        )
        .await;

    let c = desk.case(&app, &id).await.expect("case");
    assert_eq!(c.status, CaseStatus::Closed);
    assert!(c.closed_at.is_some());
    assert_eq!(c.rating.as_ref().map(|r| r.stars), Some(5));
    assert_eq!(c.visits.len(), 1);
    let kinds: Vec<&str> = c.events.iter().map(|e| event_name(e)).collect();
    assert_eq!(
        kinds,
        [
            "created",
            "prioritized",
            "dispatched",
            "signed",
            "started",
            "finished",
            "accepted",
            "visited",
            "rated"
        ],
        "the timeline holds every step in order"
    );
    let who: Vec<&str> = c.events.iter().map(|e| e.by.as_str()).collect();
    assert_eq!(
        who,
        [
            &resident.id,
            &desk.id,
            &desk.id,
            &tech.id,
            &tech.id,
            &tech.id,
            &resident.id,
            &desk.id,
            &resident.id
        ]
    );
    // The row the queue reads agrees with the record.
    let closed = desk.queue(&app, json!({"status": "closed"})).await;
    assert_eq!(closed.iter().map(|c| &c.id).collect::<Vec<_>>(), [&id]);
}

/// A refused acceptance reopens the work; a not-satisfied return visit does too.
async fn refusal_and_unhappy_visit_reopen_the_work(db: Db) {
    let app = TestApp::spawn(db).await;
    let unit = resident_unit(&app).await;
    let mut resident = Person::sign_in(&app, "resident").await;
    let mut desk = Person::sign_in(&app, "desk").await;
    let mut tech = Person::sign_in(&app, "tech").await;
    let id = uuid();
    desk.ok(
        &app,
        "case.create",
        &id,
        repair("门锁坏了", Some(&unit), "normal", false),
    )
    .await;
    desk.ok(&app, "case.dispatch", &id, dispatch_to(&tech))
        .await;
    tech.ok(&app, "case.sign", &id, json!({})).await;
    tech.ok(&app, "case.start", &id, json!({})).await;
    let finish = json!({"notes": "换锁芯"});
    tech.ok(&app, "case.finish", &id, finish.clone()).await;
    resident
        .refused(
            &app,
            "case.refuse",
            &id,
            json!({"reason": ""}),
            "bad_payload",
        )
        .await;
    resident
        .ok(
            &app,
            "case.refuse",
            &id,
            json!({"reason": "钥匙还是拧不动"}),
        )
        .await;
    assert_eq!(
        desk.case(&app, &id).await.expect("case").status,
        CaseStatus::InProgress
    );
    tech.ok(&app, "case.finish", &id, finish.clone()).await;
    // The desk accepts on the resident's behalf.
    desk.ok(&app, "case.accept", &id, json!({"signature": sha(4)}))
        .await;
    let c = desk.case(&app, &id).await.expect("case");
    let finished = c.work.finished_at.expect("finished");
    assert_eq!(
        c.visit_due_at,
        Some(finished + 2 * DAY),
        "return visit 2 days after the work"
    );
    desk.refused(
        &app,
        "case.return_visit",
        &id,
        json!({"method": "door", "satisfied": false}),
        "bad_payload",
    )
    .await;
    desk.ok(
        &app,
        "case.return_visit",
        &id,
        json!({"method": "door", "satisfied": false, "notes": "门还是关不严"}),
    )
    .await;
    let c = desk.case(&app, &id).await.expect("case");
    assert_eq!(c.status, CaseStatus::InProgress);
    assert_eq!(c.visits.len(), 1);
    assert!(!c.visits[0].satisfied);
}

/// A venting complaint: classified with the complainant's identity and payment standing,
/// sent to a department head, visited, handled, summarized, visited back and closed.
async fn complaint_runs_to_summary_and_closure(db: Db) {
    let app = TestApp::spawn(db).await;
    let unit = resident_unit(&app).await;
    let mut desk = Person::sign_in(&app, "desk").await;
    let mut sup = Person::sign_in(&app, "super").await;
    let mut tech = Person::sign_in(&app, "tech").await;
    let id = uuid();
    desk.ok(&app, "case.create", &id, complaint("夜间装修噪音", &unit))
        .await;

    // The desk sees the unit's payment standing while judging the complaint.
    let r = app
        .call(Some(&desk.token), "unit_standing", json!({"unit_id": unit}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let standing: Value = r.json().await.expect("standing");
    let first = &standing.as_array().expect("a list")[0];
    assert!(!first["name"].as_str().unwrap_or_default().is_empty());
    let paid = first["standing"].as_str().expect("standing").to_string();

    desk.refused(
        &app,
        "case.dispatch",
        &id,
        dispatch_to(&tech),
        "invalid_transition",
    )
    .await;
    let venting = |confirmed: bool| {
        json!({
            "nature": "venting",
            "cause": "service_quality",
            "department": "engineering",
            "identity_confirmed": confirmed,
            "payment_standing": paid,
        })
    };
    let why = desk
        .refused(&app, "case.classify", &id, venting(false), "bad_payload")
        .await;
    assert!(why.contains("identity"), "{why}");
    desk.ok(&app, "case.classify", &id, venting(true)).await;
    desk.ok(
        &app,
        "case.defer",
        &id,
        json!({"promised_at": null, "note": "需与施工方核实"}),
    )
    .await;
    let c = desk.case(&app, &id).await.expect("case");
    let promised = c.promised_reply_at.expect("a promised reply");
    assert_eq!(promised, c.events.last().expect("event").at + 3 * DAY);
    desk.refused(
        &app,
        "case.defer",
        &id,
        json!({"promised_at": now_ms() + 40 * DAY}),
        "bad_payload",
    )
    .await;

    desk.ok(&app, "case.dispatch", &id, dispatch_to(&tech))
        .await;
    tech.refused(&app, "case.close", &id, json!({}), "forbidden")
        .await;
    tech.refused(&app, "case.start", &id, json!({}), "invalid_transition")
        .await;
    tech.ok(
        &app,
        "case.site_visit",
        &id,
        json!({"notes": "与装修队约定晚八点后停工"}),
    )
    .await;
    tech.ok(&app, "case.reply", &id, json!({"text": "已约谈施工方"}))
        .await;
    tech.refused(
        &app,
        "case.finish",
        &id,
        json!({"notes": "done"}),
        "invalid_transition",
    )
    .await;
    tech.ok(&app, "case.handle", &id, json!({"notes": "施工时间已调整"}))
        .await;
    let c = desk.case(&app, &id).await.expect("case");
    assert_eq!(c.status, CaseStatus::ReturnVisit);
    assert!(c.replied_at.is_some(), "the promise was kept");

    desk.refused(&app, "case.close", &id, json!({}), "invalid_transition")
        .await;
    desk.ok(
        &app,
        "case.return_visit",
        &id,
        json!({"method": "phone", "satisfied": true}),
    )
    .await;
    let c = desk.case(&app, &id).await.expect("case");
    assert_eq!(
        c.status,
        CaseStatus::Resolved,
        "no summary yet: resolved, not closed"
    );
    sup.refused(
        &app,
        "case.summarize",
        &id,
        json!({"cause": "", "lesson": "x", "change": "y"}),
        "bad_payload",
    )
    .await;
    sup.ok(
        &app,
        "case.summarize",
        &id,
        json!({
            "cause": "装修公告未张贴",
            "lesson": "装修审批时同步告知邻居",
            "change": "装修许可证附施工时间公示",
        }),
    )
    .await;
    let c = sup.case(&app, &id).await.expect("case");
    assert_eq!(c.status, CaseStatus::Closed);
    let complaint = c.complaint.expect("classification");
    assert!(complaint.identity_confirmed);
    assert_eq!(
        complaint.payment_standing.map(|p| p.as_str().to_string()),
        Some(paid)
    );
    assert!(c.summary.is_some());
}

/// Escalate, hold and resume, reassign, cancel and reopen; inquiries close at the desk.
async fn flow_ops_keep_the_record(db: Db) {
    let app = TestApp::spawn(db).await;
    let unit = resident_unit(&app).await;
    let mut resident = Person::sign_in(&app, "resident").await;
    let mut desk = Person::sign_in(&app, "desk").await;
    let mut sup = Person::sign_in(&app, "super").await;
    let mut tech = Person::sign_in(&app, "tech").await;
    let mut tech2 = second_technician(&app).await;
    let id = uuid();
    desk.ok(
        &app,
        "case.create",
        &id,
        repair("电梯异响", None, "normal", false),
    )
    .await;
    desk.ok(&app, "case.dispatch", &id, dispatch_to(&tech))
        .await;
    tech.ok(&app, "case.sign", &id, json!({})).await;

    // Escalation is once; the queue puts it first.
    tech.ok(
        &app,
        "case.escalate",
        &id,
        json!({"reason": "需要厂家配件"}),
    )
    .await;
    tech.refused(
        &app,
        "case.escalate",
        &id,
        json!({"reason": "again"}),
        "invalid_transition",
    )
    .await;
    let q = sup.queue(&app, json!({})).await;
    assert_eq!(q.first().map(|c| c.id.as_str()), Some(id.as_str()));

    // On hold stops the work; resume returns where it was.
    desk.ok(&app, "case.hold", &id, json!({"reason": "等待配件到货"}))
        .await;
    tech.refused(&app, "case.start", &id, json!({}), "invalid_transition")
        .await;
    desk.refused(&app, "case.close", &id, json!({}), "invalid_transition")
        .await;
    tech.ok(&app, "case.resume", &id, json!({})).await;
    assert_eq!(
        desk.case(&app, &id).await.expect("case").status,
        CaseStatus::Signed
    );

    // Reassigned: the new technician signs again; the old one no longer may.
    desk.refused(
        &app,
        "case.reassign",
        &id,
        dispatch_to(&tech),
        "bad_payload",
    )
    .await;
    desk.ok(&app, "case.reassign", &id, dispatch_to(&tech2))
        .await;
    tech.refused(&app, "case.sign", &id, json!({}), "forbidden")
        .await;
    tech2.ok(&app, "case.sign", &id, json!({})).await;

    // Cancelled with a reason, reopened by the desk: the history stays.
    desk.refused(
        &app,
        "case.cancel",
        &id,
        json!({"reason": ""}),
        "bad_payload",
    )
    .await;
    desk.ok(&app, "case.cancel", &id, json!({"reason": "重复报修"}))
        .await;
    tech2
        .refused(&app, "case.start", &id, json!({}), "invalid_transition")
        .await;
    desk.refused(
        &app,
        "case.comment",
        &id,
        json!({"text": "too late"}),
        "invalid_transition",
    )
    .await;
    tech2
        .refused(
            &app,
            "case.reopen",
            &id,
            json!({"reason": "x"}),
            "forbidden",
        )
        .await;
    sup.ok(&app, "case.reopen", &id, json!({"reason": "并非重复"}))
        .await;
    let c = desk.case(&app, &id).await.expect("case");
    assert_eq!(c.status, CaseStatus::Open);
    assert_eq!(c.work.signed_at, None, "a new round of work");
    let names: Vec<&str> = c.events.iter().map(|e| event_name(e)).collect();
    for step in [
        "created",
        "dispatched",
        "escalated",
        "held",
        "resumed",
        "reassigned",
        "cancelled",
        "reopened",
    ] {
        assert!(
            names.contains(&step),
            "{step} is on the timeline: {names:?}"
        );
    }

    // An inquiry is answered and closed at the desk; a repair never closes that way.
    let ask = uuid();
    resident
        .ok(
            &app,
            "case.create",
            &ask,
            json!({"kind": "inquiry", "title": "物业费怎么交", "unit_id": unit}),
        )
        .await;
    resident
        .refused(&app, "case.close", &ask, json!({}), "forbidden")
        .await;
    desk.ok(&app, "case.close", &ask, json!({"note": "已告知缴费方式"}))
        .await;
    desk.refused(&app, "case.close", &id, json!({}), "invalid_transition")
        .await;

    // The resident who filed a case may cancel it while it is still open.
    let mine = uuid();
    resident
        .ok(
            &app,
            "case.create",
            &mine,
            repair("窗户关不上", Some(&unit), "low", false),
        )
        .await;
    resident
        .ok(&app, "case.cancel", &mine, json!({"reason": "自己修好了"}))
        .await;
    assert_eq!(
        resident.case(&app, &mine).await.expect("case").status,
        CaseStatus::Cancelled
    );
}

/// What each role may not do, per op, as the push answers it.
async fn roles_and_scope_per_op(db: Db) {
    let app = TestApp::spawn(db).await;
    let unit = resident_unit(&app).await;
    let mut resident = Person::sign_in(&app, "resident").await;
    let mut desk = Person::sign_in(&app, "desk").await;
    let mut tech = Person::sign_in(&app, "tech").await;
    let mut patrol = Person::sign_in(&app, "patrol").await;
    let mut cashier = Person::sign_in(&app, "cashier").await;
    let mut tech2 = second_technician(&app).await;

    cashier
        .refused(
            &app,
            "case.create",
            &uuid(),
            repair("x", Some(&unit), "normal", false),
            "forbidden",
        )
        .await;
    // A patrol's finding files as a patrol-channel case in a common area.
    let finding = uuid();
    patrol
        .ok(
            &app,
            "case.create",
            &finding,
            repair("消防通道堆放杂物", None, "high", false),
        )
        .await;
    assert_eq!(
        desk.case(&app, &finding)
            .await
            .expect("case")
            .channel
            .as_str(),
        "patrol"
    );

    let id = uuid();
    resident
        .ok(&app, "case.create", &id, complaint("保安态度差", &unit))
        .await;
    let classify = json!({
        "nature": "valid",
        "cause": "service_attitude",
        "department": "security",
        "identity_confirmed": false,
        "payment_standing": null,
    });
    resident
        .refused(&app, "case.classify", &id, classify.clone(), "forbidden")
        .await;
    tech.refused(&app, "case.classify", &id, classify.clone(), "forbidden")
        .await;
    resident
        .refused(&app, "case.dispatch", &id, dispatch_to(&tech), "forbidden")
        .await;
    resident
        .refused(
            &app,
            "case.prioritize",
            &id,
            json!({"priority": "urgent"}),
            "forbidden",
        )
        .await;
    cashier
        .ok(
            &app,
            "case.comment",
            &id,
            json!({"text": "该户已缴清物业费"}),
        )
        .await;
    desk.ok(&app, "case.classify", &id, classify).await;
    desk.ok(&app, "case.dispatch", &id, dispatch_to(&tech))
        .await;
    tech2
        .refused(&app, "case.sign", &id, json!({}), "forbidden")
        .await;
    resident
        .refused(&app, "case.sign", &id, json!({}), "forbidden")
        .await;
    resident
        .refused(
            &app,
            "case.cancel",
            &id,
            json!({"reason": "算了"}),
            "forbidden",
        )
        .await;
    tech.ok(&app, "case.sign", &id, json!({})).await;
    tech.refused(&app, "case.close", &id, json!({}), "forbidden")
        .await;
    tech.refused(
        &app,
        "case.summarize",
        &id,
        json!({"cause": "a", "lesson": "b", "change": "c"}),
        "forbidden",
    )
    .await;

    // A neighbour's case is out of the resident's sight: not_found, never forbidden,
    // so case ids cannot be probed.
    let hidden = uuid();
    desk.ok(
        &app,
        "case.create",
        &hidden,
        repair("公共区域灯坏", None, "normal", false),
    )
    .await;
    resident
        .refused(
            &app,
            "case.comment",
            &hidden,
            json!({"text": "?"}),
            "not_found",
        )
        .await;
    assert!(resident.case(&app, &hidden).await.is_none());
    // Ops on a case that does not exist, and an assignee who is not staff.
    desk.refused(&app, "case.sign", &uuid(), json!({}), "not_found")
        .await;
    desk.refused(
        &app,
        "case.dispatch",
        &hidden,
        json!({"department": "engineering", "assignee_id": resident.id}),
        "not_found",
    )
    .await;
    // A cashier takes no work.
    let cashier_id = cashier.id.clone();
    desk.refused(
        &app,
        "case.dispatch",
        &hidden,
        json!({"department": "finance", "assignee_id": cashier_id}),
        "bad_payload",
    )
    .await;
    // Payload shapes are checked before anything else.
    desk.refused(
        &app,
        "case.finish",
        &hidden,
        json!({"notes": "x", "surprise": 1}),
        "bad_payload",
    )
    .await;
    desk.refused(
        &app,
        "case.rate",
        &hidden,
        json!({"stars": "nine"}),
        "bad_payload",
    )
    .await;
    desk.refused(&app, "case.teleport", &hidden, json!({}), "unknown_op")
        .await;
    desk.refused(
        &app,
        "case.create",
        &hidden,
        repair("again", None, "normal", false),
        "already_exists",
    )
    .await;
    // Every rejection is in the supervisors' log.
    use sqlx::Row;
    let logged: i64 = sqlx::query("SELECT COUNT(*) FROM mutations WHERE outcome = 'rejected'")
        .fetch_one(app.store.pool())
        .await
        .expect("rejections")
        .try_get(0)
        .expect("count");
    assert!(logged >= 16, "{logged} rejections logged");
}

/// The supervisor's queue on the server: filters, urgency order, Chinese and unit search.
async fn queue_filters_orders_and_searches(db: Db) {
    let app = TestApp::spawn(db).await;
    let unit = resident_unit(&app).await;
    let mut desk = Person::sign_in(&app, "desk").await;
    let sup = Person::sign_in(&app, "super").await;
    let mut tech = Person::sign_in(&app, "tech").await;
    let now = now_ms();

    // Opened three days ago, urgent (4 h): long overdue.
    let late = uuid();
    desk.step_at(
        &app,
        "case.create",
        &late,
        repair("地下车库积水", None, "urgent", false),
        now - 3 * DAY,
    )
    .await;
    let leak = uuid();
    desk.ok(
        &app,
        "case.create",
        &leak,
        repair("厨房水管漏水", Some(&unit), "normal", true),
    )
    .await;
    let noise = uuid();
    desk.ok(
        &app,
        "case.create",
        &noise,
        complaint("电梯噪音扰民", &unit),
    )
    .await;
    let lift = uuid();
    desk.ok(
        &app,
        "case.create",
        &lift,
        json!({"kind": "repair", "title": "Lift button stuck", "location": "2号楼 电梯厅", "priority": "low"}),
    )
    .await;
    let ask = uuid();
    desk.ok(
        &app,
        "case.create",
        &ask,
        json!({"kind": "inquiry", "title": "停车月卡办理", "priority": "normal"}),
    )
    .await;
    desk.ok(&app, "case.dispatch", &leak, dispatch_to(&tech))
        .await;
    tech.ok(&app, "case.sign", &leak, json!({})).await;
    desk.ok(&app, "case.close", &ask, json!({"note": "已答复"}))
        .await;

    let ids = |cases: &[Case]| cases.iter().map(|c| c.id.clone()).collect::<Vec<_>>();

    // Most urgent first: the overdue one, then by the earliest deadline.
    let all = sup.queue(&app, json!({"open_only": true})).await;
    assert_eq!(all.len(), 4, "the closed inquiry is left out");
    assert_eq!(all[0].id, late);
    for pair in all.windows(2) {
        assert!(pair[0].deadline() <= pair[1].deadline(), "urgency order");
    }
    assert_eq!(
        ids(&sup.queue(&app, json!({"overdue": true})).await),
        [late.as_str()]
    );
    assert_eq!(
        ids(&sup.queue(&app, json!({"kind": "complaint"})).await),
        [noise.as_str()]
    );
    assert_eq!(
        ids(&sup.queue(&app, json!({"assignee_id": tech.id})).await),
        [leak.as_str()]
    );
    assert_eq!(
        ids(&sup
            .queue(
                &app,
                json!({"department": "engineering", "status": "signed"})
            )
            .await),
        [leak.as_str()]
    );
    assert_eq!(
        ids(&sup.queue(&app, json!({"status": "closed"})).await),
        [ask.as_str()]
    );
    let building = all
        .iter()
        .find(|c| c.id == leak)
        .and_then(|c| c.building_id.clone())
        .expect("a unit's case knows its building");
    let mut in_building = ids(&sup.queue(&app, json!({"building_id": building})).await);
    in_building.sort();
    let mut expected = vec![leak.clone(), noise.clone()];
    expected.sort();
    assert_eq!(in_building, expected);
    assert_eq!(sup.queue(&app, json!({"limit": 2})).await.len(), 2);

    // Full text: two Chinese characters, an English word, a unit label, two terms.
    assert_eq!(
        ids(&sup.queue(&app, json!({"q": "漏水"})).await),
        [leak.as_str()]
    );
    assert_eq!(
        ids(&sup.queue(&app, json!({"q": "lift"})).await),
        [lift.as_str()]
    );
    let mut lift_words = ids(&sup.queue(&app, json!({"q": "电梯"})).await);
    lift_words.sort();
    let mut expected = vec![noise.clone(), lift.clone()];
    expected.sort();
    assert_eq!(lift_words, expected, "title and location both count");
    assert_eq!(
        ids(&sup.queue(&app, json!({"q": "电梯 噪音"})).await),
        [noise.as_str()]
    );
    let label = all
        .iter()
        .find(|c| c.id == leak)
        .and_then(|c| c.unit_label.clone())
        .expect("unit label");
    let mut by_unit = ids(&sup.queue(&app, json!({"q": label})).await);
    by_unit.sort();
    let mut expected = vec![leak.clone(), noise.clone()];
    expected.sort();
    assert_eq!(by_unit, expected, "search by unit label {label}");
    assert!(sup.queue(&app, json!({"q": "煤气"})).await.is_empty());
    // Search agrees with the browser's offline filter on the same cases.
    for q in ["漏水", "lift", "电梯 噪音", label.as_str(), "煤气"] {
        let filter = CaseFilter {
            q: q.to_string(),
            ..CaseFilter::default()
        };
        let server = ids(&sup.queue(&app, json!({"q": q})).await);
        let mut mine: Vec<Case> = all.clone();
        mine.retain(|c| filter.matches(c, now));
        let mut local = ids(&mine);
        let mut server_sorted = server.clone();
        local.sort();
        server_sorted.sort();
        assert_eq!(server_sorted, local, "browser and server agree on {q}");
    }

    // Bad input: a clear JSON error naming the field; residents have no queue.
    let r = app
        .call(
            Some(&sup.token),
            "case_queue",
            json!({"filter": {"q": "字".repeat(201)}}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.expect("json error");
    assert_eq!(body["field"], "q", "{body}");
    let resident = app.token("resident").await;
    let r = app
        .call(Some(&resident), "case_queue", json!({"filter": {}}))
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(r).await, "forbidden");
    // A kind of case that does not exist is named, not ignored.
    let r = app
        .call(
            Some(&sup.token),
            "case_queue",
            json!({"filter": {"kind": "mystery"}}),
        )
        .await;
    let status = r.status();
    let body: Value = r.json().await.expect("json error");
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("mystery"),
        "{body}"
    );
}

/// Service levels per estate: read by staff, set by supervisors, validated, audited, and
/// used for the next case's due time.
async fn service_levels_are_per_estate(db: Db) {
    let app = TestApp::spawn(db).await;
    let estate = app.estate_id().await;
    let mut desk = Person::sign_in(&app, "desk").await;
    let sup = Person::sign_in(&app, "super").await;

    let r = app
        .call(
            Some(&desk.token),
            "case_policy",
            json!({"estate_id": estate}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let mut policy: Policy = r.json().await.expect("policy");
    assert_eq!(policy, Policy::default());

    let mut bad = policy.clone();
    bad.visit_days = 0;
    let r = app
        .call(
            Some(&sup.token),
            "set_case_policy",
            json!({"estate_id": estate, "policy": bad}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.expect("json error");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("visit_days"),
        "{body}"
    );

    policy
        .due_hours
        .get_mut(&CaseKind::Repair)
        .expect("repair levels")
        .normal = 30;
    policy.leak_visit_days = 5;
    let r = app
        .call(
            Some(&desk.token),
            "set_case_policy",
            json!({"estate_id": estate, "policy": policy}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "the desk cannot");
    let r = app
        .call(
            Some(&sup.token),
            "set_case_policy",
            json!({"estate_id": "not-ours", "policy": policy}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "another estate");
    let r = app
        .call(
            Some(&sup.token),
            "set_case_policy",
            json!({"estate_id": estate, "policy": policy}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .call(
            Some(&sup.token),
            "case_policy",
            json!({"estate_id": estate}),
        )
        .await;
    assert_eq!(r.json::<Policy>().await.expect("policy"), policy);

    let id = uuid();
    desk.ok(
        &app,
        "case.create",
        &id,
        repair("水龙头滴水", None, "normal", false),
    )
    .await;
    let c = desk.case(&app, &id).await.expect("case");
    assert_eq!(c.due_at, c.created_at + 30 * HOUR, "the estate's own level");

    use sqlx::Row;
    let audited: i64 =
        sqlx::query("SELECT COUNT(*) FROM audit_log WHERE action = 'case_policy.set'")
            .fetch_one(app.store.pool())
            .await
            .expect("audit")
            .try_get(0)
            .expect("count");
    assert_eq!(audited, 1);
}

/// The device directory: staff see their estates' units and staff; a resident only their
/// own units and no staff list.
async fn directory_is_scoped(db: Db) {
    let app = TestApp::spawn(db).await;
    let unit = resident_unit(&app).await;
    let desk = app.token("desk").await;
    let resident = app.token("resident").await;
    let get = |token: String| {
        let app = &app;
        async move {
            let r = app.call(Some(&token), "case_directory", json!({})).await;
            assert_eq!(r.status(), StatusCode::OK);
            r.json::<Value>().await.expect("directory")
        }
    };
    let staff_view: Directory = serde_json::from_value(get(desk).await).expect("directory");
    assert!(
        staff_view.units.len() > 1,
        "the desk sees every unit of the estate"
    );
    assert!(staff_view.staff.iter().any(|s| s.name.contains("陈强")));
    let resident_view: Directory = serde_json::from_value(get(resident).await).expect("directory");
    let theirs: Vec<&str> = resident_view.units.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(theirs, [unit.as_str()]);
    assert!(
        resident_view.staff.is_empty(),
        "residents get no staff list"
    );
}

/// The demo desk starts with a case at each stage, made through the sync path.
async fn demo_cases_cover_every_stage(db: Db) {
    let app = TestApp::spawn(db).await;
    server::demo_cases::seed_demo_cases(&app.store)
        .await
        .expect("demo cases");
    let sup = Person::sign_in(&app, "super").await;
    let all = sup.queue(&app, json!({})).await;
    let mut statuses: Vec<&str> = all.iter().map(|c| c.status.as_str()).collect();
    statuses.sort();
    assert_eq!(
        statuses,
        [
            "closed",
            "closed",
            "in_progress",
            "open",
            "open",
            "return_visit",
            "signed"
        ]
    );
    let overdue = sup.queue(&app, json!({"overdue": true})).await;
    assert!(
        overdue.iter().any(|c| c.title.contains("Lift 2")),
        "the untaken urgent repair is overdue"
    );
    let resident = Person::sign_in(&app, "resident").await;
    let rated = all
        .iter()
        .find(|c| c.rating.is_some())
        .expect("a rated case");
    assert!(
        resident.case(&app, &rated.id).await.is_some(),
        "the resident follows their own cases"
    );
}

on_both!(
    demo_cases_cover_every_stage,
    repair_runs_from_portal_to_rating,
    refusal_and_unhappy_visit_reopen_the_work,
    complaint_runs_to_summary_and_closure,
    flow_ops_keep_the_record,
    roles_and_scope_per_op,
    queue_filters_orders_and_searches,
    service_levels_are_per_estate,
    directory_is_scoped,
);
