//! Who is calling: the session behind a cookie or bearer token, for axum handlers and
//! server functions alike.

use super::auth::{token_hash, SESSION_COOKIE};
use super::{now_ms, Store};
use crate::domain::user::CurrentUser;
use crate::domain::{AppError, Role};
use axum::extract::{FromRef, FromRequestParts};
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use http::{header, HeaderMap, StatusCode};

/// A signed-in caller and the hash of the token they used.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: CurrentUser,
    pub token_hash: String,
}

impl Caller {
    /// Fails with `Forbidden` unless the caller's role passes the check.
    pub fn require(&self, allowed: impl Fn(Role) -> bool) -> Result<&Self, AppError> {
        if allowed(self.user.role) {
            Ok(self)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Checks that the caller (a manager or admin) may administer another account: it
    /// belongs to one of the caller's estates, it is not the caller's own (that goes through
    /// the password change and nobody edits their own role), and only admins act on admins.
    /// Returns the account's current role.
    pub async fn require_account(&self, store: &Store, user_id: &str) -> Result<Role, AppError> {
        self.require(|r| r.can_manage_staff())?;
        if user_id == self.user.id {
            return Err(AppError::invalid(
                "user_id",
                "use your own account page for your own account",
            ));
        }
        let (role, estates) = store.account_scope(user_id).await?;
        if !estates.iter().any(|e| self.user.in_estate(e)) {
            return Err(AppError::Forbidden);
        }
        if role == Role::Admin && self.user.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        Ok(role)
    }

    /// Fails with `Forbidden` unless the estate is in the caller's scope.
    pub fn require_estate(&self, estate_id: &str) -> Result<&Self, AppError> {
        if self.user.in_estate(estate_id) {
            Ok(self)
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// The session token of a request: `Authorization: Bearer …` first, then the cookie.
pub fn token_from_headers(headers: &HeaderMap) -> Option<String> {
    if let Some(v) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        if let Some(t) = v.strip_prefix("Bearer ") {
            return Some(t.trim().to_string());
        }
    }
    crate::cookies::from_headers(headers, SESSION_COOKIE)
}

/// Resolves the caller of a request, or `None` when there is no live session.
pub async fn caller_from_headers(
    store: &Store,
    headers: &HeaderMap,
) -> Result<Option<Caller>, AppError> {
    let Some(token) = token_from_headers(headers) else {
        return Ok(None);
    };
    let hash = token_hash(&token);
    Ok(store
        .session_caller(&hash, now_ms())
        .await?
        .map(|user| Caller {
            user,
            token_hash: hash,
        }))
}

/// Who is signed in, resolved once per page request by the server's middleware before the
/// page renders, so the layout knows synchronously (no resource, no suspense).
#[derive(Debug, Clone)]
pub struct PageUser(pub Result<Option<CurrentUser>, AppError>);

/// The signed-in person of the page being rendered.
pub fn page_user() -> Result<Option<CurrentUser>, AppError> {
    leptos::prelude::use_context::<Parts>()
        .and_then(|p| p.extensions.get::<PageUser>().cloned())
        .map(|p| p.0)
        .unwrap_or(Ok(None))
}

/// The caller of the current server function; `Unauthorized` without a session.
pub async fn server_fn_caller() -> Result<Caller, AppError> {
    let store = super::store_ctx()?;
    let parts = leptos::prelude::use_context::<Parts>().ok_or_else(|| {
        tracing::error!("no request parts in context");
        AppError::Internal
    })?;
    caller_from_headers(&store, &parts.headers)
        .await?
        .ok_or(AppError::Unauthorized)
}

/// The caller of the current server function, if signed in.
pub async fn server_fn_optional_caller() -> Result<Option<Caller>, AppError> {
    let store = super::store_ctx()?;
    let Some(parts) = leptos::prelude::use_context::<Parts>() else {
        return Ok(None);
    };
    caller_from_headers(&store, &parts.headers).await
}

/// Sets the HTTP status of a server function's response from its error, so that API
/// clients and tests see 401/403/422 rather than a blanket 500.
pub fn set_status<T>(r: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(e) = &r {
        if let Some(opts) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            opts.set_status(
                StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
    }
    r
}

impl<S> FromRequestParts<S> for Caller
where
    Store: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let store = Store::from_ref(state);
        caller_from_headers(&store, &parts.headers)
            .await?
            .ok_or(AppError::Unauthorized)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = (status, axum::Json(self.to_body())).into_response();
        if let AppError::Throttled { retry_after_secs } = self {
            if let Ok(v) = retry_after_secs.to_string().parse() {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        resp
    }
}

/// The caller's address as the socket saw it. Forwarded headers are not trusted: anyone
/// can write them, and sign-in throttling by address must not be that easy to dodge.
pub fn client_ip(parts: &Parts) -> String {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| client_ip_from(c.0))
        .unwrap_or_else(|| "unknown".into())
}

/// The throttling key of a peer address.
pub fn client_ip_from(peer: std::net::SocketAddr) -> String {
    peer.ip().to_string()
}
