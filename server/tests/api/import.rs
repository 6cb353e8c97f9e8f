//! CSV import: all or nothing, bad rows by line number, skipping on request.

use crate::helpers::{Db, TestApp};
use crate::on_both;
use app::domain::import::{csv_template, ImportReport, CSV_COLUMNS};
use reqwest::StatusCode;
use serde_json::json;

fn csv(rows: &[&str]) -> String {
    let mut s = CSV_COLUMNS.join(",");
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.push('\n');
    s
}

async fn import(app: &TestApp, token: &str, estate: &str, data: &str, skip: bool) -> ImportReport {
    let r = app
        .call(
            Some(token),
            "import_estate_csv",
            json!({"estate_id": estate, "csv": data, "skip_bad_rows": skip}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    r.json().await.unwrap()
}

async fn units_matching(app: &TestApp, token: &str, estate: &str, q: &str) -> usize {
    let r: serde_json::Value = app
        .call(
            Some(token),
            "units",
            json!({"estate_id": estate, "building_id": null, "query": q, "page": 0}),
        )
        .await
        .json()
        .await
        .unwrap();
    r.as_array().unwrap().len()
}

async fn good_rows_import(db: Db) {
    let app = TestApp::spawn(db).await;
    let t = app.token("super").await;
    let estate = app.estate_id().await;
    let data = csv(&[
        "D,Building D,6,101,1,88.5,occupied,Li Lei,13900000001,owner,id_card,110101199001010011,good,2024-01-15",
        "D,,,102,1,70,rented,Han Meimei,13900000002,tenant,passport,E1234567,arrears,",
        "D,,,103,1,70,,,,,,,,",
    ]);
    let report = import(&app, &t, &estate, &data, false).await;
    assert!(report.committed, "{report:?}");
    assert_eq!(
        (
            report.rows,
            report.buildings_created,
            report.units_created,
            report.residents_created
        ),
        (3, 1, 3, 2)
    );
    assert_eq!(units_matching(&app, &t, &estate, "D-10").await, 3);
    let residents: serde_json::Value = app
        .call(
            Some(&t),
            "residents",
            json!({"estate_id": estate, "query": "han meimei"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(residents[0]["payment_standing"], "arrears");
    assert_eq!(residents[0]["units"][0]["label"], "D-102");
    // The shipped template is read without format errors; its units are in the demo's
    // building A already, so both rows are reported as duplicates and nothing is written.
    let report = import(&app, &t, &estate, &csv_template(), false).await;
    assert!(!report.committed);
    let lines: Vec<u64> = report.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![2, 3], "{report:?}");
    assert!(report
        .errors
        .iter()
        .all(|e| e.message.contains("already exists")));
}

async fn bad_rows_stop_the_import(db: Db) {
    let app = TestApp::spawn(db).await;
    let t = app.token("manager").await;
    let estate = app.estate_id().await;
    let data = csv(&[
        "E,Building E,6,101,1,88.5,occupied,Wu,13900000003,owner,id_card,X1,good,",
        "E,,,102,one,70,occupied,,,,,,,",
        "E,,,103,1,-5,occupied,,,,,,,",
        "E,,,104,1,70,sold,,,,,,,",
        "E,,,105,1,70,occupied,Zhou,12,owner,id_card,X2,good,",
        "E,,,106,1,70,occupied,Qian,13900000004,cousin,id_card,X3,good,",
        "E,,,107,1,70,occupied,Sun,13900000005,owner,id_card,X4,good,2024-13-45",
        "E,,,101,1,70,vacant,,,,,,,",
    ]);
    let report = import(&app, &t, &estate, &data, false).await;
    assert!(!report.committed);
    let lines: Vec<u64> = report.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![3, 4, 5, 6, 7, 8, 9], "{report:?}");
    assert!(report.errors[0].message.contains("floor"));
    assert!(report.errors[2].message.contains("sold"));
    assert!(report.errors[3].message.contains("phone"));
    assert!(report.errors[6].message.contains("already exists"));
    assert_eq!(
        units_matching(&app, &t, &estate, "E-1").await,
        0,
        "nothing written"
    );

    let report = import(&app, &t, &estate, &data, true).await;
    assert!(report.committed);
    assert_eq!(report.units_created, 1);
    assert_eq!(report.errors.len(), 7);
    assert_eq!(units_matching(&app, &t, &estate, "E-1").await, 1);
}

async fn wrong_header_is_refused(db: Db) {
    let app = TestApp::spawn(db).await;
    let t = app.token("admin").await;
    let estate = app.estate_id().await;
    let r = app
        .call(
            Some(&t),
            "import_estate_csv",
            json!({"estate_id": estate, "csv": "a,b,c\n1,2,3\n", "skip_bad_rows": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("line 1"),
        "{body}"
    );
}

on_both!(
    good_rows_import,
    bad_rows_stop_the_import,
    wrong_header_is_refused
);
