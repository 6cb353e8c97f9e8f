//! Static files and the service worker.
//!
//! - `/pkg/*`: the build's script, WASM and style. Their names carry a content hash, so
//!   they are cached for a year as immutable; a new release has new names. Sent as the
//!   brotli or gzip copy the browser accepts (written by `propdesk precompress`).
//! - Other public files (icons, manifest): revalidated on every use (`no-cache`, answered
//!   with 304 when unchanged).
//! - `/sw.js`: the service worker, written for this build: it names the build's assets, so
//!   a new release installs a new worker that fetches the new files before it takes over.

use super::AppState;
use crate::assets::BuildAssets;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;
use tower_http::services::ServeDir;

/// A year: the longest lifetime browsers honour.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// The routes for `/pkg`, `/sw.js` and every other file under the site root; a path that
/// names no file gets the app's not-found page.
pub fn router(state: &AppState) -> Router<AppState> {
    let options = &state.leptos_options;
    let site = options.site_root.to_string();
    let pkg_dir = options.site_pkg_dir.to_string();
    let pkg = ServeDir::new(format!("{site}/{pkg_dir}"))
        .precompressed_br()
        .precompressed_gzip();
    let not_found =
        leptos_axum::file_and_error_handler::<AppState, _>(app::shell).with_state(state.clone());
    let public = ServeDir::new(&site)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(not_found);
    let worker = render_service_worker(state);
    Router::new()
        .route("/sw.js", get(move || async move { service_worker(worker) }))
        .nest_service(
            &format!("/{pkg_dir}"),
            Router::new()
                .fallback_service(pkg)
                .layer(middleware::from_fn_with_state(
                    state.assets.clone(),
                    pkg_headers,
                )),
        )
        .fallback_service(
            Router::new()
                .fallback_service(public)
                .layer(middleware::from_fn(public_headers)),
        )
}

/// Hashed names are immutable; a file served under an unhashed name (a development build)
/// is revalidated like any public file. Only successes are cached: a missing file may
/// appear with the next release.
async fn pkg_headers(
    State(assets): State<BuildAssets>,
    req: Request<Body>,
    next: Next,
) -> Response {
    let mut res = next.run(req).await;
    let policy = if assets.hashed { IMMUTABLE } else { REVALIDATE };
    finish_headers(&mut res, policy);
    res
}

async fn public_headers(req: Request<Body>, next: Next) -> Response {
    let mut res = next.run(req).await;
    if !res.headers().contains_key(header::CACHE_CONTROL) {
        finish_headers(&mut res, REVALIDATE);
    }
    res
}

fn finish_headers(res: &mut Response, policy: &'static str) {
    if res.status() == StatusCode::OK || res.status() == StatusCode::NOT_MODIFIED {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
        // The same URL is sent in different encodings: shared caches must keep them apart.
        res.headers_mut()
            .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
}

/// The service worker with this build's assets and version filled in, made once when the
/// router is built (the browser asks for it on every navigation); `None` when the site has
/// no template.
fn render_service_worker(state: &AppState) -> Option<Arc<str>> {
    let path = format!("{}/sw.js", state.leptos_options.site_root);
    let template = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = %e, %path, "the service worker's template is missing from the site");
            return None;
        }
    };
    let assets = &state.assets;
    let list = serde_json::to_string(&assets.shell()).unwrap_or_else(|_| "[]".into());
    let body = template
        .replace("'__PROPDESK_VERSION__'", &format!("'{}'", assets.version))
        .replace("'__PROPDESK_ASSETS__'", &list);
    Some(body.into())
}

/// Never cached by HTTP: the browser checks it on every navigation, which is how a
/// release is noticed.
fn service_worker(body: Option<Arc<str>>) -> Response {
    match body {
        Some(body) => (
            [
                (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (header::CACHE_CONTROL, REVALIDATE),
            ],
            body.to_string(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
