//! `/api/v1/sync/…` and `/api/v1/blobs/…`: the offline sync contract
//! (`shared/spec/sync.md`, documented for clients in `docs/sync.md`).

use super::json::ApiJson;
use super::AppState;
use app::domain::blobs::{is_sha256_hex, BlobType, MAX_BLOB_BYTES};
use app::domain::ledger::keeps_ledger;
use app::domain::ops::Actor;
use app::domain::sync::{
    PullResponse, PushRequest, PushResponse, PULL_DEFAULT_LIMIT, PULL_MAX_LIMIT,
};
use app::domain::{AppError, Role};
use app::ssr::store::{RejectedMutation, Scope, SeqGap};
use app::ssr::{now_ms, Caller};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/sync/push", post(push))
        .route("/sync/pull", get(pull))
        .route("/sync/rejections", get(rejections))
        .route("/sync/gaps", get(gaps))
        .route(
            "/blobs/{name}",
            get(get_blob)
                .put(put_blob)
                .layer(DefaultBodyLimit::max(MAX_BLOB_BYTES)),
        )
}

/// `GET /api/v1/openapi.json`: this API described for clients and tools.
async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("openapi.json"),
    )
        .into_response()
}

/// The records a caller may pull: the desk everything of its estates, staff in the
/// field what their work needs (cases, notices; the gate's patrols release passes),
/// residents their units' records and the notices addressed to them.
fn scope(caller: &Caller) -> Scope<'_> {
    use app::domain::ops::Entity;
    let role = caller.user.role;
    if keeps_ledger(role) {
        Scope::Estates(&caller.user.estate_ids)
    } else if role == Role::Patrol {
        Scope::Field {
            estates: &caller.user.estate_ids,
            entities: &[
                Entity::Case,
                Entity::Notice,
                Entity::Pass,
                Entity::Route,
                Entity::Run,
                Entity::Finding,
            ],
        }
    } else if role.is_staff() {
        Scope::Field {
            estates: &caller.user.estate_ids,
            // Nonconformities go to the departments that fix them.
            entities: &[Entity::Case, Entity::Notice, Entity::Finding],
        }
    } else {
        Scope::Resident {
            units: &caller.user.unit_ids,
            user_id: &caller.user.id,
        }
    }
}

/// `POST /api/v1/sync/push`: applies a device's mutations in one transaction.
async fn push(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<PushRequest>,
) -> Result<Json<PushResponse>, AppError> {
    req.validate()
        .map_err(|e| AppError::invalid("mutations", e.to_string()))?;
    let actor = Actor::from(&caller.user);
    let (results, cursor) = state.store.push(&actor, &req, now_ms()).await?;
    Ok(Json(PushResponse { results, cursor }))
}

#[derive(Deserialize)]
struct PullQuery {
    since: Option<String>,
    limit: Option<String>,
}

/// `GET /api/v1/sync/pull?since=&limit=`: the caller's changes after a cursor.
async fn pull(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<PullQuery>,
) -> Result<Json<PullResponse>, AppError> {
    let since = match q.since.as_deref() {
        None | Some("") => 0,
        Some(s) => s
            .parse::<i64>()
            .ok()
            .filter(|v| *v >= 0)
            .ok_or_else(|| AppError::invalid("since", "a cursor is a whole number ≥ 0"))?,
    };
    let limit = match q.limit.as_deref() {
        None | Some("") => PULL_DEFAULT_LIMIT,
        Some(s) => s
            .parse::<u32>()
            .ok()
            .filter(|v| (1..=PULL_MAX_LIMIT).contains(v))
            .ok_or_else(|| AppError::invalid("limit", format!("between 1 and {PULL_MAX_LIMIT}")))?,
    };
    let (changes, cursor, more) = state.store.pull(scope(&caller), since, limit).await?;
    Ok(Json(PullResponse {
        changes,
        cursor,
        more,
    }))
}

/// `GET /api/v1/sync/rejections`: the rejection log of the caller's estates.
async fn rejections(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<RejectedMutation>>, AppError> {
    caller.require(|r| r.can_see_sync_health())?;
    Ok(Json(
        state.store.rejections(&caller.user.estate_ids, 500).await?,
    ))
}

/// `GET /api/v1/sync/gaps`: seq numbers devices of the caller's estates never sent.
async fn gaps(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<SeqGap>>, AppError> {
    caller.require(|r| r.can_see_sync_health())?;
    Ok(Json(state.store.seq_gaps(&caller.user.estate_ids).await?))
}

fn blob_name(name: &str) -> Result<&str, AppError> {
    if is_sha256_hex(name) {
        Ok(name)
    } else {
        Err(AppError::invalid(
            "sha256",
            "a blob is named by the lowercase hex SHA-256 of its bytes",
        ))
    }
}

/// `PUT /api/v1/blobs/<sha256>`: stores a photo; 201 when new, 200 when already here.
async fn put_blob(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<StatusCode, AppError> {
    let name = blob_name(&name)?;
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge {
                limit_bytes: MAX_BLOB_BYTES as u64,
            }
        } else {
            AppError::Malformed {
                message: e.body_text(),
            }
        }
    })?;
    if body.len() > MAX_BLOB_BYTES {
        return Err(AppError::TooLarge {
            limit_bytes: MAX_BLOB_BYTES as u64,
        });
    }
    if crate::blobs::BlobDir::hash(&body) != name {
        return Err(AppError::Malformed {
            message: "the bytes do not hash to the name".into(),
        });
    }
    let Some(kind) = BlobType::sniff(&body) else {
        return Err(AppError::UnsupportedType {
            message: "only JPEG, PNG and WebP images are stored".into(),
        });
    };
    let blobs = state.blobs.clone();
    let owned = name.to_string();
    tokio::task::spawn_blocking(move || blobs.write(&owned, &body))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "blob write task failed");
            AppError::Internal
        })?
        .map_err(|e| {
            tracing::error!(error = %e, "blob write failed");
            AppError::Internal
        })?;
    let len = state
        .blobs
        .path(name)
        .metadata()
        .map(|m| m.len())
        .unwrap_or(0);
    let new = state
        .store
        .blob_stored(name, kind.mime(), len as i64, &caller.user.id, now_ms())
        .await?;
    Ok(if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    })
}

/// `GET /api/v1/blobs/<sha256>`: the bytes, to those who may see a record naming them.
async fn get_blob(
    State(state): State<AppState>,
    caller: Caller,
    Path(name): Path<String>,
) -> Result<Response, AppError> {
    let name = blob_name(&name)?;
    let Some(mime) = state.store.blob_mime(name).await? else {
        return Err(AppError::not_found("blob"));
    };
    if !state
        .store
        .may_read_blob(name, &caller.user.id, scope(&caller))
        .await?
    {
        // Not allowed looks like absent: blob names are not to be probed.
        return Err(AppError::not_found("blob"));
    }
    let blobs = state.blobs.clone();
    let owned = name.to_string();
    let bytes = tokio::task::spawn_blocking(move || blobs.read(&owned))
        .await
        .map_err(|_| AppError::Internal)?
        .map_err(|e| {
            tracing::error!(error = %e, "blob read failed");
            AppError::Internal
        })?;
    Ok((
        [
            (header::CONTENT_TYPE, mime),
            // Content-addressed: the bytes under a name never change.
            (
                header::CACHE_CONTROL,
                "private, max-age=31536000, immutable".to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}
