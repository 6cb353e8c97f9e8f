//! Role × route: every route answers each role as the table says. The UI hides what a role
//! cannot use; this proves the server refuses it anyway.

use crate::helpers::{Db, TestApp};
use crate::on_both;
use serde_json::{json, Value};

/// Who calls: no session, or a demo account.
const WHO: [&str; 9] = [
    "anon", "desk", "super", "tech", "patrol", "resident", "manager", "admin", "cashier",
];

/// What a route is called with.
enum Call {
    /// A server function with its JSON body.
    Fn(&'static str, fn(&Ctx, usize) -> Value),
    /// A GET of an API path or page.
    Get(&'static str),
}

struct Ctx {
    estate: String,
}

/// The expected status for each of `WHO`, in order.
type Row = (Call, [u16; 9]);

fn table() -> Vec<Row> {
    use Call::*;
    const STAFF: [u16; 9] = [401, 200, 200, 200, 200, 403, 200, 200, 200];
    const EDITORS: [u16; 9] = [401, 403, 200, 403, 403, 403, 200, 200, 403];
    const MANAGERS: [u16; 9] = [401, 403, 403, 403, 403, 403, 200, 200, 403];
    vec![
        (Fn("estates", |_, _| json!({})), STAFF),
        (
            Fn("buildings", |c, _| json!({"estate_id": c.estate})),
            STAFF,
        ),
        (
            Fn(
                "units",
                |c, _| json!({"estate_id": c.estate, "building_id": null, "query": "", "page": 0}),
            ),
            STAFF,
        ),
        (Fn("places", |c, _| json!({"estate_id": c.estate})), STAFF),
        (
            Fn(
                "residents",
                |c, _| json!({"estate_id": c.estate, "query": ""}),
            ),
            STAFF,
        ),
        (
            Fn("my_units", |_, _| json!({})),
            [401, 403, 403, 403, 403, 200, 403, 403, 403],
        ),
        (Fn("accounts", |_, _| json!({})), MANAGERS),
        (
            Fn(
                "create_building",
                |c, i| json!({"estate_id": c.estate, "code": format!("T{i}"), "name": "Test", "floors": 3}),
            ),
            EDITORS,
        ),
        (
            Fn(
                "import_estate_csv",
                |c, _| json!({"estate_id": c.estate, "csv": app::domain::import::CSV_COLUMNS.join(","), "skip_bad_rows": false}),
            ),
            EDITORS,
        ),
        (
            Fn(
                "reset_password",
                |_, _| json!({"user_id": "nobody", "new_password": "whatever-long"}),
            ),
            [401, 403, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            Fn(
                "set_staff_role",
                |_, _| json!({"user_id": "nobody", "role": "patrol", "department": "security"}),
            ),
            [401, 403, 403, 403, 403, 403, 404, 404, 403],
        ),
        (
            Fn(
                "create_estate",
                |_, i| json!({"code": format!("E{i}"), "name": "Test estate", "address": ""}),
            ),
            [401, 403, 403, 403, 403, 403, 403, 200, 403],
        ),
        (
            Fn(
                "update_building",
                |_, _| json!({"id": "nobody", "name": "X", "floors": 3}),
            ),
            [401, 403, 404, 403, 403, 403, 404, 404, 403],
        ),
        (
            Fn(
                "update_place",
                |_, _| json!({"id": "nobody", "name": "X", "category": ""}),
            ),
            [401, 403, 404, 403, 403, 403, 404, 404, 403],
        ),
        (
            Get("/api/v1/auth/me"),
            [401, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (Get("/api/v1/import/template.csv"), EDITORS),
        // Sync: every signed-in person pushes and pulls; supervisors read sync health.
        (
            Get("/api/v1/sync/pull"),
            [401, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (Get("/api/v1/sync/rejections"), EDITORS),
        (Get("/api/v1/sync/gaps"), EDITORS),
        (Fn("sync_rejections", |_, _| json!({})), EDITORS),
        (Fn("sync_gaps", |_, _| json!({})), EDITORS),
        // Cases: every device loads its directory; the queue and service levels are
        // staff's; the desk alone sees a unit's payment standing; supervisors set levels.
        (
            Fn("case_directory", |_, _| json!({})),
            [401, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (Fn("case_queue", |_, _| json!({"filter": {}})), STAFF),
        (
            Fn("unit_standing", |_, _| json!({"unit_id": "nobody"})),
            [401, 404, 404, 403, 403, 403, 404, 404, 403],
        ),
        (
            Fn("case_policy", |c, _| json!({"estate_id": c.estate})),
            STAFF,
        ),
        (
            Fn(
                "set_case_policy",
                |c, _| json!({"estate_id": c.estate, "policy": app::domain::cases::Policy::default()}),
            ),
            EDITORS,
        ),
    ]
}

async fn every_route_checks_role(db: Db) {
    let app = TestApp::spawn(db).await;
    let ctx = Ctx {
        estate: app.estate_id().await,
    };
    let mut tokens = Vec::new();
    for who in WHO {
        tokens.push(if who == "anon" {
            None
        } else {
            Some(app.token(who).await)
        });
    }
    let mut failures = Vec::new();
    for (call, expected) in table() {
        for (i, who) in WHO.iter().enumerate() {
            let token = tokens[i].as_deref();
            let (name, status) = match &call {
                Call::Fn(name, body) => (
                    *name,
                    app.call(token, name, body(&ctx, i)).await.status().as_u16(),
                ),
                Call::Get(path) => (*path, app.get(token, path).await.status().as_u16()),
            };
            if status != expected[i] {
                failures.push(format!(
                    "{name} as {who}: got {status}, expected {}",
                    expected[i]
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "role table mismatches:\n{}",
        failures.join("\n")
    );
}

/// Pages: strangers are sent to sign-in, and a role that may not use a screen gets a
/// refusal (403) instead of the screen — by URL too.
async fn pages_check_role(db: Db) {
    let app = TestApp::spawn(db).await;
    let resident = app.token("resident").await;
    let admin = app.token("admin").await;
    let page = |token: Option<String>, path: &'static str| {
        // A browser's navigation: leptos answers redirects with 302 only when HTML is wanted.
        let req = app.client.get(app.url(path)).header("accept", "text/html");
        let req = match token {
            Some(t) => req.header("cookie", format!("propdesk_session={t}")),
            None => req,
        };
        req.send()
    };
    let anon = page(None, "/estate").await.unwrap();
    assert_eq!(anon.status().as_u16(), 302);
    assert_eq!(anon.headers()["location"], "/login");
    for path in ["/estate", "/estate/units", "/admin/staff", "/desk"] {
        let r = page(Some(resident.clone()), path).await.unwrap();
        assert_eq!(r.status().as_u16(), 403, "{path} as resident");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("data-testid=\"forbidden\""),
            "{path}: refusal rendered"
        );
        assert!(
            !html.contains("data-testid=\"unit-table\""),
            "{path}: no data leaked"
        );
    }
    let own = page(Some(resident.clone()), "/resident").await.unwrap();
    assert_eq!(own.status().as_u16(), 200);
    let staff = page(Some(admin), "/admin/staff").await.unwrap();
    assert_eq!(staff.status().as_u16(), 200);
    assert!(staff
        .text()
        .await
        .unwrap()
        .contains("data-testid=\"account-table\""));
}

/// ID numbers are masked for the desk and shown in full to a supervisor.
async fn id_numbers_are_masked_by_role(db: Db) {
    let app = TestApp::spawn(db).await;
    let estate = app.estate_id().await;
    let body = json!({"estate_id": estate, "query": ""});
    let desk: Value = app
        .call(Some(&app.token("desk").await), "residents", body.clone())
        .await
        .json()
        .await
        .unwrap();
    let sup: Value = app
        .call(Some(&app.token("super").await), "residents", body)
        .await
        .json()
        .await
        .unwrap();
    let d = desk[0]["id_doc_number"].as_str().unwrap();
    let s = sup[0]["id_doc_number"].as_str().unwrap();
    assert_eq!(desk[0]["id"], sup[0]["id"]);
    assert!(
        d.contains("****") && !s.contains('*'),
        "desk {d}, supervisor {s}"
    );
    assert_eq!(d.len(), s.len());
}

/// A resident sees their own unit and nothing of the estate.
async fn resident_sees_only_own_unit(db: Db) {
    let app = TestApp::spawn(db).await;
    let t = app.token("resident").await;
    let units: Value = app
        .call(Some(&t), "my_units", json!({}))
        .await
        .json()
        .await
        .unwrap();
    let units = units.as_array().unwrap();
    assert_eq!(units.len(), 1);
    let me: Value = app
        .get(Some(&t), "/api/v1/auth/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["unit_ids"][0], units[0]["id"]);
    assert!(units[0]["residents"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n == &me["display_name"]));
}

/// A new estate is in scope for the admin who opened it and for nobody else.
async fn estates_scope_staff(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.token("admin").await;
    let open = json!({"code": "NE", "name": "New Estate", "address": "1 Road"});
    let r = app.call(Some(&admin), "create_estate", open).await;
    assert_eq!(r.status().as_u16(), 200);
    let new_id: String = r.json().await.unwrap();
    let again = json!({"code": "NE", "name": "Again", "address": ""});
    assert_eq!(
        app.call(Some(&admin), "create_estate", again)
            .await
            .status()
            .as_u16(),
        409
    );
    let mine: Value = app
        .call(Some(&admin), "estates", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine.as_array().unwrap().len(), 2);
    let b1 = json!({"estate_id": new_id, "code": "N1", "name": "N1", "floors": 4});
    let r = app.call(Some(&admin), "create_building", b1).await;
    assert_eq!(r.status().as_u16(), 200, "the admin sets it up");
    let sup = app.token("super").await;
    let b2 = json!({"estate_id": new_id, "code": "N2", "name": "N2", "floors": 4});
    let r = app.call(Some(&sup), "create_building", b2).await;
    assert_eq!(r.status().as_u16(), 403, "not the supervisor's estate");
    let theirs: Value = app
        .call(Some(&sup), "estates", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs.as_array().unwrap().len(), 1);
    let other = json!({"estate_id": new_id});
    assert_eq!(
        app.call(Some(&sup), "buildings", other)
            .await
            .status()
            .as_u16(),
        403
    );
}

/// Editors rename buildings and places; bad values are refused; every change is traced.
async fn buildings_and_places_are_edited(db: Db) {
    let app = TestApp::spawn(db).await;
    let estate = app.estate_id().await;
    let sup = app.token("super").await;
    let list: Value = app
        .call(Some(&sup), "buildings", json!({"estate_id": estate}))
        .await
        .json()
        .await
        .unwrap();
    let a = list[0]["id"].as_str().unwrap().to_string();
    let r = app
        .call(
            Some(&sup),
            "update_building",
            json!({"id": a, "name": "Tower A", "floors": 21}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let bad = app
        .call(
            Some(&sup),
            "update_building",
            json!({"id": a, "name": "Tower A", "floors": 0}),
        )
        .await;
    assert_eq!(bad.status().as_u16(), 422);
    let blank = app
        .call(
            Some(&sup),
            "update_building",
            json!({"id": a, "name": "  ", "floors": 5}),
        )
        .await;
    assert_eq!(blank.status().as_u16(), 422);
    let list: Value = app
        .call(Some(&sup), "buildings", json!({"estate_id": estate}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (list[0]["name"].as_str(), list[0]["floors"].as_i64()),
        (Some("Tower A"), Some(21))
    );
    assert_eq!(app.store.audit_count("building", &a).await.unwrap(), 1);

    let places: Value = app
        .call(Some(&sup), "places", json!({"estate_id": estate}))
        .await
        .json()
        .await
        .unwrap();
    let p = places[0]["id"].as_str().unwrap().to_string();
    let code = places[0]["code"].clone();
    let r = app
        .call(
            Some(&sup),
            "update_place",
            json!({"id": p, "name": "Main lift", "category": "lift"}),
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let places: Value = app
        .call(Some(&sup), "places", json!({"estate_id": estate}))
        .await
        .json()
        .await
        .unwrap();
    let changed = places
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == p.as_str())
        .unwrap();
    assert_eq!(changed["name"], "Main lift");
    assert_eq!(changed["code"], code, "printed codes never change");
}

on_both!(
    every_route_checks_role,
    estates_scope_staff,
    buildings_and_places_are_edited,
    pages_check_role,
    id_numbers_are_masked_by_role,
    resident_sees_only_own_unit
);
