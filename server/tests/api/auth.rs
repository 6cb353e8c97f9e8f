//! Sign-in, sessions, throttling, sign-out, password changes, disabled accounts.

use crate::helpers::{error_code, Db, TestApp};
use crate::on_both;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn login_good_sets_cookie_and_token(db: Db) {
    let app = TestApp::spawn(db).await;
    let r = app.login("desk", "demo").await;
    assert_eq!(r.status(), StatusCode::OK);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("propdesk_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["user"]["username"], "desk");
    assert_eq!(body["user"]["role"], "front_desk");
    let token = body["token"].as_str().unwrap();
    // The cookie's value is the token: either works.
    assert!(cookie.contains(token));
    let me: Value = app
        .get(Some(token), "/api/v1/auth/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "desk");
    let by_cookie = app
        .client
        .get(app.url("/api/v1/auth/me"))
        .header("cookie", format!("propdesk_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(by_cookie.status(), StatusCode::OK);
}

async fn login_bad_gives_no_hint(db: Db) {
    let app = TestApp::spawn(db).await;
    let wrong_pw = app.login("desk", "nope").await;
    assert_eq!(wrong_pw.status(), StatusCode::UNAUTHORIZED);
    let a: Value = wrong_pw.json().await.unwrap();
    let no_user = app.login("nobody", "nope").await;
    assert_eq!(no_user.status(), StatusCode::UNAUTHORIZED);
    let b: Value = no_user.json().await.unwrap();
    assert_eq!(a, b, "the same answer whichever part was wrong");
    assert_eq!(a["error"]["code"], "bad_credentials");
    // Nothing without a session.
    let me = app.get(None, "/api/v1/auth/me").await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(me).await, "unauthorized");
    let forged = app.get(Some("not-a-token"), "/api/v1/auth/me").await;
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
}

async fn login_is_throttled_per_account(db: Db) {
    let app = TestApp::spawn(db).await;
    for _ in 0..5 {
        assert_eq!(
            app.login("super", "wrong").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Even the right password is refused while throttled, and the answer says when to retry.
    let r = app.login("super", "demo").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60, "retry after {retry}");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "throttled");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("try again"));
    // Another account from the same address is not locked out by it.
    assert_eq!(app.login("desk", "demo").await.status(), StatusCode::OK);
}

async fn login_is_throttled_per_address(db: Db) {
    let app = TestApp::spawn(db).await;
    // Guessing across many accounts from one address trips the address limit.
    for i in 0..30 {
        let r = app.login(&format!("guess{i}"), "wrong").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let r = app.login("desk", "demo").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // Every attempt is on record for the trail: 30 failures from this address.
    let (n, _) = app
        .store
        .login_failures_since("ip:127.0.0.1", 0)
        .await
        .unwrap();
    assert_eq!(n, 30);
}

async fn login_rejects_malformed_bodies(db: Db) {
    let app = TestApp::spawn(db).await;
    let not_json = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(not_json).await, "malformed");
    let missing = app
        .client
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "desk"}))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let v: Value = missing.json().await.unwrap();
    assert_eq!(v["error"]["code"], "invalid");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("password"),
        "{v}"
    );
}

async fn logout_ends_the_session(db: Db) {
    let app = TestApp::spawn(db).await;
    let t = app.token("tech").await;
    let r = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    assert_eq!(
        app.get(Some(&t), "/api/v1/auth/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
}

async fn password_change_ends_other_sessions(db: Db) {
    let app = TestApp::spawn(db).await;
    let tablet = app.token("patrol").await;
    let laptop = app.token("patrol").await;
    let wrong = app
        .client
        .post(app.url("/api/v1/auth/password"))
        .bearer_auth(&laptop)
        .json(&json!({"current": "bad", "new": "new-secret-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let short = app
        .client
        .post(app.url("/api/v1/auth/password"))
        .bearer_auth(&laptop)
        .json(&json!({"current": "demo", "new": "short"}))
        .send()
        .await
        .unwrap();
    assert_eq!(short.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let ok = app
        .client
        .post(app.url("/api/v1/auth/password"))
        .bearer_auth(&laptop)
        .json(&json!({"current": "demo", "new": "new-secret-1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get(Some(&laptop), "/api/v1/auth/me").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get(Some(&tablet), "/api/v1/auth/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("patrol", "demo").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("patrol", "new-secret-1").await.status(),
        StatusCode::OK
    );
}

async fn admin_disables_and_revokes(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.token("admin").await;
    let cashier = app.token("cashier").await;
    let accounts: Value = app
        .call(Some(&admin), "accounts", json!({}))
        .await
        .json()
        .await
        .unwrap();
    let cashier_id = accounts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["username"] == "cashier")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .call(
            Some(&admin),
            "revoke_sessions",
            json!({"user_id": cashier_id}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.get(Some(&cashier), "/api/v1/auth/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let r = app
        .call(
            Some(&admin),
            "set_account_disabled",
            json!({"user_id": cashier_id, "disabled": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let login = app.login("cashier", "demo").await;
    assert_eq!(login.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(login).await, "account_disabled");
    // Every change left a trace.
    assert!(app.store.audit_count("user", &cashier_id).await.unwrap() >= 2);
    // Admins cannot lock themselves out.
    let me: Value = app
        .get(Some(&admin), "/api/v1/auth/me")
        .await
        .json()
        .await
        .unwrap();
    let r = app
        .call(
            Some(&admin),
            "set_account_disabled",
            json!({"user_id": me["id"], "disabled": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

async fn staff_creation_validates(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.token("admin").await;
    let estate = app.estate_id().await;
    let mut body = json!({"input": {
        "username": "newdesk", "display_name": "New Desk", "password": "long-enough",
        "role": "front_desk", "department": "customer_service", "estate_ids": [estate]
    }});
    let r = app.call(Some(&admin), "create_staff", body.clone()).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.login("newdesk", "long-enough").await.status(),
        StatusCode::OK
    );
    let again = app.call(Some(&admin), "create_staff", body.clone()).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    body["input"]["username"] = json!("other");
    body["input"]["estate_ids"] = json!(["not-my-estate"]);
    let r = app.call(Some(&admin), "create_staff", body.clone()).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    body["input"]["estate_ids"] = json!([estate]);
    body["input"]["password"] = json!("short");
    let r = app.call(Some(&admin), "create_staff", body).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

async fn roles_change_with_limits(db: Db) {
    let app = TestApp::spawn(db).await;
    let manager = app.token("manager").await;
    let admin = app.token("admin").await;
    let accounts: Value = app
        .call(Some(&admin), "accounts", json!({}))
        .await
        .json()
        .await
        .unwrap();
    let id_of = |name: &str| {
        accounts
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["username"] == name)
            .unwrap()["id"]
            .clone()
    };
    let body =
        |id: &Value, role: &str| json!({"user_id": id, "role": role, "department": "security"});
    let r = app
        .call(
            Some(&manager),
            "set_staff_role",
            body(&id_of("patrol"), "supervisor"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let t = app.token("patrol").await;
    let me: Value = app
        .get(Some(&t), "/api/v1/auth/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "supervisor");
    assert_eq!(
        app.call(
            Some(&manager),
            "set_staff_role",
            body(&id_of("desk"), "admin")
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.call(
            Some(&admin),
            "set_staff_role",
            body(&id_of("desk"), "admin")
        )
        .await
        .status(),
        StatusCode::OK
    );
    assert_eq!(
        app.call(
            Some(&admin),
            "set_staff_role",
            body(&id_of("resident"), "patrol")
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.call(
            Some(&admin),
            "set_staff_role",
            body(&id_of("cashier"), "resident")
        )
        .await
        .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

/// Managers administer accounts of their own estates only, and never admins; only admins
/// make admins.
async fn account_admin_is_scoped_and_ranked(db: Db) {
    let app = TestApp::spawn(db).await;
    let admin = app.token("admin").await;
    let manager = app.token("manager").await;
    let id_of = |list: &Value, name: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|a| a["username"] == name)
            .map(|a| a["id"].as_str().unwrap().to_string())
    };
    let all: Value = app
        .call(Some(&admin), "accounts", json!({}))
        .await
        .json()
        .await
        .unwrap();
    let admin_id = id_of(&all, "admin").unwrap();
    // Nothing a manager does reaches an admin account.
    let calls = [
        (
            "reset_password",
            json!({"user_id": admin_id, "new_password": "taken-over-1"}),
        ),
        (
            "set_account_disabled",
            json!({"user_id": admin_id, "disabled": true}),
        ),
        ("revoke_sessions", json!({"user_id": admin_id})),
        (
            "set_staff_role",
            json!({"user_id": admin_id, "role": "patrol", "department": "security"}),
        ),
    ];
    for (f, body) in calls {
        let r = app.call(Some(&manager), f, body).await;
        assert_eq!(
            r.status(),
            StatusCode::FORBIDDEN,
            "{f} on an admin by a manager"
        );
    }
    assert_eq!(app.login("admin", "demo").await.status(), StatusCode::OK);
    let estate = app.estate_id().await;
    let new_admin = json!({"input": {"username": "boss2", "display_name": "Boss", "password": "long-enough",
        "role": "admin", "department": "customer_service", "estate_ids": [estate]}});
    let r = app
        .call(Some(&manager), "create_staff", new_admin.clone())
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.call(Some(&admin), "create_staff", new_admin)
            .await
            .status(),
        StatusCode::OK
    );

    // Staff of another estate are out of a manager's reach and sight.
    let r = app
        .call(
            Some(&admin),
            "create_estate",
            json!({"code": "NE", "name": "North", "address": ""}),
        )
        .await;
    let north: String = r.json().await.unwrap();
    let body = json!({"input": {"username": "north-desk", "display_name": "North Desk", "password": "long-enough",
        "role": "front_desk", "department": "customer_service", "estate_ids": [north, north]}});
    assert_eq!(
        app.call(Some(&admin), "create_staff", body).await.status(),
        StatusCode::OK,
        "duplicates are merged"
    );
    let theirs: Value = app
        .call(Some(&manager), "accounts", json!({}))
        .await
        .json()
        .await
        .unwrap();
    assert!(id_of(&theirs, "north-desk").is_none());
    assert!(id_of(&theirs, "desk").is_some() && id_of(&theirs, "resident").is_some());
    let all: Value = app
        .call(Some(&admin), "accounts", json!({}))
        .await
        .json()
        .await
        .unwrap();
    let north_desk = id_of(&all, "north-desk").unwrap();
    let r = app
        .call(
            Some(&manager),
            "reset_password",
            json!({"user_id": north_desk, "new_password": "taken-over-1"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.login("north-desk", "long-enough").await.status(),
        StatusCode::OK
    );
}

async fn health_endpoints_answer(db: Db) {
    let app = TestApp::spawn_empty(db).await;
    assert_eq!(app.get(None, "/healthz").await.status(), StatusCode::OK);
    let r = app.get(None, "/readyz").await;
    assert_eq!(r.status(), StatusCode::OK);
    let unknown = app.get(None, "/api/v1/nothing-here").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(error_code(unknown).await, "not_found");
}

on_both!(
    login_good_sets_cookie_and_token,
    login_bad_gives_no_hint,
    login_is_throttled_per_account,
    login_is_throttled_per_address,
    login_rejects_malformed_bodies,
    logout_ends_the_session,
    password_change_ends_other_sessions,
    admin_disables_and_revokes,
    staff_creation_validates,
    roles_change_with_limits,
    account_admin_is_scoped_and_ranked,
    health_endpoints_answer,
);
