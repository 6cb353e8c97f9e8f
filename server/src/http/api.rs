//! `/api/v1`: the JSON API for devices, scripts and tests.

use super::json::ApiJson;
use super::AppState;
use app::domain::import::csv_template;
use app::domain::user::CurrentUser;
use app::domain::AppError;
use app::ssr::{auth, caller::client_ip_from, now_ms, Caller};
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/me", get(me))
        .route("/auth/password", post(change_password))
        .route("/import/template.csv", get(template))
        .fallback(|| async { AppError::not_found("API route") })
}

#[derive(Deserialize)]
struct LoginBody {
    username: String,
    password: String,
}

#[derive(Serialize)]
struct LoginAnswer {
    token: String,
    user: CurrentUser,
}

/// `POST /api/v1/auth/login`: a token in the body and the same session as a cookie.
async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Response, AppError> {
    let ua = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let signed = auth::sign_in(
        &state.store,
        &body.username,
        &body.password,
        &client_ip_from(peer),
        ua,
    )
    .await?;
    let cookie = auth::session_cookie(&signed.token, state.secure_cookies);
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(LoginAnswer {
            token: signed.token,
            user: signed.user,
        }),
    )
        .into_response())
}

/// `POST /api/v1/auth/logout`: ends this session.
async fn logout(State(state): State<AppState>, caller: Caller) -> Result<Response, AppError> {
    state
        .store
        .revoke_session(&caller.token_hash, now_ms())
        .await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, auth::clear_session_cookie())],
    )
        .into_response())
}

/// `GET /api/v1/auth/me`: who this session belongs to.
async fn me(caller: Caller) -> Json<CurrentUser> {
    Json(caller.user)
}

#[derive(Deserialize)]
struct PasswordBody {
    current: String,
    new: String,
}

/// `POST /api/v1/auth/password`: changes the caller's password; other sessions end.
async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<PasswordBody>,
) -> Result<StatusCode, AppError> {
    auth::change_password(
        &state.store,
        &caller.user.id,
        &caller.token_hash,
        &body.current,
        &body.new,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/import/template.csv`: the estate CSV template, for staff who edit.
async fn template(caller: Caller) -> Result<Response, AppError> {
    caller.require(|r| r.can_edit_estate())?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"propdesk-estate-template.csv\"",
            ),
        ],
        csv_template(),
    )
        .into_response())
}
