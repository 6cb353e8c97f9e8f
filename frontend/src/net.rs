//! Calls to the server's sync API. Every failure says whether trying again can help.

use app::domain::sync::{PullResponse, PushRequest, PushResponse};
use gloo_net::http::Request;

/// Why a call failed.
#[derive(Debug)]
pub enum NetError {
    /// No connection, a cut one, or a server error: try again later.
    Retry(String),
    /// The session ended: sign in again.
    SignedOut,
    /// The server will never take this request as it is.
    Refused(u16, String),
}

impl std::fmt::Display for NetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NetError::Retry(m) => write!(f, "{m}"),
            NetError::SignedOut => write!(f, "signed out"),
            NetError::Refused(code, m) => write!(f, "{code}: {m}"),
        }
    }
}

async fn classify(r: gloo_net::http::Response) -> Result<gloo_net::http::Response, NetError> {
    match r.status() {
        200..=299 => Ok(r),
        401 => Err(NetError::SignedOut),
        s @ 400..=499 => {
            let body: serde_json::Value = r.json().await.unwrap_or_default();
            let msg = body["error"]["message"]
                .as_str()
                .unwrap_or("refused")
                .to_string();
            Err(NetError::Refused(s, msg))
        }
        s => Err(NetError::Retry(format!("server answered {s}"))),
    }
}

fn retry(e: gloo_net::Error) -> NetError {
    NetError::Retry(e.to_string())
}

pub async fn me() -> Result<app::domain::user::CurrentUser, NetError> {
    let r = Request::get("/api/v1/auth/me")
        .send()
        .await
        .map_err(retry)?;
    classify(r).await?.json().await.map_err(retry)
}

pub async fn push(req: &PushRequest) -> Result<PushResponse, NetError> {
    let r = Request::post("/api/v1/sync/push")
        .json(req)
        .map_err(retry)?
        .send()
        .await
        .map_err(retry)?;
    classify(r).await?.json().await.map_err(retry)
}

pub async fn pull(since: i64, limit: u32) -> Result<PullResponse, NetError> {
    let r = Request::get(&format!("/api/v1/sync/pull?since={since}&limit={limit}"))
        .send()
        .await
        .map_err(retry)?;
    classify(r).await?.json().await.map_err(retry)
}

pub async fn put_blob(sha256: &str, bytes: &[u8]) -> Result<(), NetError> {
    let body = js_sys::Uint8Array::from(bytes);
    let r = Request::put(&format!("/api/v1/blobs/{sha256}"))
        .header("content-type", "application/octet-stream")
        .body(body)
        .map_err(retry)?
        .send()
        .await
        .map_err(retry)?;
    classify(r).await.map(|_| ())
}

/// The person's directory: units, buildings, staff and service levels.
pub async fn directory() -> Result<app::domain::cases::Directory, NetError> {
    let r = Request::post("/api/fn/case_directory")
        .json(&serde_json::json!({}))
        .map_err(retry)?
        .send()
        .await
        .map_err(retry)?;
    classify(r).await?.json().await.map_err(retry)
}
