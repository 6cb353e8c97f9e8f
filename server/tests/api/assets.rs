//! Static files as a browser gets them: hashed names cached for good, precompressed
//! copies by `Accept-Encoding`, revalidation of public files, the service worker written
//! for the build, pages never cached; and signing in with the plain form (no script).

use crate::helpers::{Db, TestApp};
use leptos::prelude::LeptosOptions;
use reqwest::header::{
    ACCEPT, ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, IF_MODIFIED_SINCE, LAST_MODIFIED,
    LOCATION, SET_COOKIE, VARY,
};
use reqwest::StatusCode;

const WASM: &[u8] = b"\0asm raw bytes of the app";
const WASM_BR: &[u8] = b"brotli copy";
const WASM_GZ: &[u8] = b"gzip copy";

/// A site as `cargo leptos build --release --precompress` leaves it, with hashed names.
async fn app_with_site() -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("site");
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("propdesk.w4sm.wasm"), WASM).unwrap();
    std::fs::write(pkg.join("propdesk.w4sm.wasm.br"), WASM_BR).unwrap();
    std::fs::write(pkg.join("propdesk.w4sm.wasm.gz"), WASM_GZ).unwrap();
    std::fs::write(pkg.join("propdesk.j5.js"), "export default 1;").unwrap();
    std::fs::write(pkg.join("propdesk.c55.css"), "body{}").unwrap();
    std::fs::write(site.join("manifest.webmanifest"), "{}").unwrap();
    let template = concat!(env!("CARGO_MANIFEST_DIR"), "/../public/sw.js");
    std::fs::copy(template, site.join("sw.js")).unwrap();
    let hash_file = dir.path().join("hash.txt");
    std::fs::write(&hash_file, "js: j5\nwasm: w4sm\ncss: c55\n").unwrap();
    let options = LeptosOptions::builder()
        .output_name("propdesk")
        .site_root(site.display().to_string())
        .site_pkg_dir("pkg")
        .hash_files(true)
        .hash_file(hash_file.display().to_string().into())
        .build();
    TestApp::spawn_with_site(Db::Sqlite, dir, options).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hashed_assets_go_out_precompressed_and_immutable() {
    let app = app_with_site().await;
    for (accept, encoding, body) in [
        ("br, gzip", Some("br"), WASM_BR),
        ("gzip", Some("gzip"), WASM_GZ),
        ("identity", None, WASM),
    ] {
        let r = app
            .client
            .get(app.url("/pkg/propdesk.w4sm.wasm"))
            .header(ACCEPT_ENCODING, accept)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{accept}");
        let h = r.headers().clone();
        assert_eq!(
            h.get(CONTENT_ENCODING).map(|v| v.to_str().unwrap()),
            encoding
        );
        assert_eq!(h[CACHE_CONTROL], "public, max-age=31536000, immutable");
        assert_eq!(h[VARY], "accept-encoding");
        assert_eq!(&r.bytes().await.unwrap()[..], body, "{accept}");
    }
    let missing = app.get(None, "/pkg/propdesk.gone.wasm").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(
        missing.headers().get(CACHE_CONTROL).is_none(),
        "a missing file may appear with the next release"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_files_are_revalidated_and_unchanged_ones_not_sent_again() {
    let app = app_with_site().await;
    let r = app.get(None, "/manifest.webmanifest").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[CACHE_CONTROL], "no-cache");
    let since = r.headers()[LAST_MODIFIED].clone();
    let again = app
        .client
        .get(app.url("/manifest.webmanifest"))
        .header(IF_MODIFIED_SINCE, since)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_worker_names_this_builds_assets_and_is_never_cached() {
    let app = app_with_site().await;
    let r = app.get(None, "/sw.js").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[CACHE_CONTROL], "no-cache");
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    let body = r.text().await.unwrap();
    assert!(!body.contains("__PROPDESK_"), "every placeholder filled");
    assert!(body.contains(
        r#"const ASSETS = ["/pkg/propdesk.j5.js","/pkg/propdesk.w4sm.wasm","/pkg/propdesk.c55.css"];"#
    ));
    let offline = app.get(None, "/offline.html").await.text().await.unwrap();
    assert!(
        offline.contains(r#"href="/pkg/propdesk.c55.css""#),
        "{offline}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_name_the_hashed_files_and_are_never_cached() {
    let app = app_with_site().await;
    let r = app.get(None, "/login").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()[CACHE_CONTROL], "private, no-cache");
    let html = r.text().await.unwrap();
    for name in [
        "/pkg/propdesk.w4sm.wasm",
        "/pkg/propdesk.j5.js",
        "/pkg/propdesk.c55.css",
    ] {
        assert!(html.contains(name), "{name} in {html}");
    }
}

/// The form as a browser posts it before the script has loaded.
async fn plain_form_sign_in(app: &TestApp, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/fn/sign_in"))
        .header(ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
        .header("referer", app.url("/login"))
        .form(&[("username", "desk"), ("password", password)])
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_form_sign_in_lands_on_the_home_or_back_on_the_form_with_the_error() {
    let app = app_with_site().await;
    let bad = plain_form_sign_in(&app, "wrong").await;
    assert_eq!(bad.status(), StatusCode::FOUND);
    assert_eq!(bad.headers()[LOCATION], "/login?failed=bad_credentials");
    assert!(bad.headers().get(SET_COOKIE).is_none());
    let page = app
        .get(None, "/login?failed=bad_credentials")
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"data-code="bad_credentials""#), "{page}");

    let good = plain_form_sign_in(&app, "demo").await;
    assert_eq!(good.status(), StatusCode::FOUND);
    assert_eq!(good.headers()[LOCATION], "/desk");
    let cookie = good.headers()[SET_COOKIE].to_str().unwrap().to_string();
    assert!(cookie.starts_with("propdesk_session="), "{cookie}");

    // The script's own calls keep their JSON answers and statuses.
    let r = app
        .client
        .post(app.url("/api/fn/sign_in"))
        .header(ACCEPT, "application/json")
        .form(&[("username", "desk"), ("password", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.headers().get(LOCATION).is_none());
}
