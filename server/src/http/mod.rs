//! The HTTP surface: SSR pages, server functions, `/api/v1`, health checks.

mod api;
mod health;
mod json;
mod offline;
mod static_files;
mod sync;

use app::ssr::caller::{caller_from_headers, PageUser};
use app::ssr::Store;
use app::{shell, App};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRef, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use tower_http::trace::TraceLayer;

/// The largest request body outside the blob routes: a CSV import travels in one.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// What every handler can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub store: Store,
    pub leptos_options: LeptosOptions,
    pub secure_cookies: bool,
    pub blobs: crate::blobs::BlobDir,
    pub assets: crate::assets::BuildAssets,
}

/// The whole router of a server.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let store = state.store.clone();
    let options = state.leptos_options.clone();
    // The pages, with the session resolved once before each renders.
    let pages = Router::new()
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(store.clone()),
            move || shell(options.clone()),
        )
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            resolve_page_user,
        ))
        .route_layer(middleware::from_fn(page_cache_policy));
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/offline.html", get(offline::offline_page))
        .nest("/api/v1", api::router().merge(sync::router()))
        .route("/api/fn/{*name}", any(server_fn_handler))
        .merge(pages)
        .merge(static_files::router(&state))
        .layer(middleware::from_fn(server_fn_error_status))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn resolve_page_user(
    State(state): State<AppState>,
    mut req: Request<Body>,
    next: Next,
) -> Response {
    let user = caller_from_headers(&state.store, req.headers())
        .await
        .map(|c| c.map(|c| c.user));
    req.extensions_mut().insert(PageUser(user));
    next.run(req).await
}

/// Pages carry the signed-in person's data and change with every record: never kept by
/// the browser's HTTP cache (the service worker keeps its own copy for offline use).
async fn page_cache_policy(req: Request<Body>, next: Next) -> Response {
    let mut res = next.run(req).await;
    res.headers_mut().insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("private, no-cache"),
    );
    res
}

async fn server_fn_handler(State(state): State<AppState>, req: Request<Body>) -> impl IntoResponse {
    let store = state.store.clone();
    let policy = app::ssr::auth::CookiePolicy {
        secure: state.secure_cookies,
    };
    handle_server_fns_with_context(
        move || {
            provide_context(store.clone());
            provide_context(policy);
        },
        req,
    )
    .await
}

/// The largest error body worth reading back: an `AppError` is a few hundred bytes.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Arguments that do not decode (an unknown kind, a missing field) fail inside the
/// server-fn machinery before our function runs, so nothing sets the status and it goes
/// out as 500. The body is still our `AppError`: send it with the status it names, so a
/// caller's bad input reads as 422, not as a server fault.
///
/// A layer over the whole router: leptos_axum routes each server function itself as
/// well as through `server_fn_handler`.
async fn server_fn_error_status(req: Request<Body>, next: Next) -> Response {
    let is_server_fn = req.uri().path().starts_with("/api/fn/");
    let res = next.run(req).await;
    if !is_server_fn || res.status() != http::StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        return (parts.status, "internal error").into_response();
    };
    if let Ok(err) = serde_json::from_slice::<app::domain::AppError>(&bytes) {
        if let Ok(status) = http::StatusCode::from_u16(err.status_code()) {
            parts.status = status;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
