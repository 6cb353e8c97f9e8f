//! `/offline.html`: what the service worker shows for a page never opened online.
//! Plain HTML with no app script, so it cannot disagree with the route it stands in for.

use super::AppState;
use app::i18n::{lang_from_headers, tr};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse};

/// The offline fallback page, in the language of the request.
pub async fn offline_page(State(state): State<AppState>, headers: HeaderMap) -> impl IntoResponse {
    let lang = lang_from_headers(&headers);
    let esc = |s: String| s.replace('&', "&amp;").replace('<', "&lt;");
    let body = format!(
        "<!DOCTYPE html><html lang=\"{code}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"{css}\"></head>\
         <body><main class=\"page narrow offline-page\"><h1>{title}</h1><p>{explain}</p>\
         <p><a class=\"button\" href=\"/\">{home}</a></p></main></body></html>",
        code = lang.code(),
        css = state.assets.css,
        title = esc(tr(lang, "offline.title")),
        explain = esc(tr(lang, "offline.explain")),
        home = esc(tr(lang, "guard.go_home")),
    );
    ([(header::CACHE_CONTROL, "no-cache")], Html(body))
}
