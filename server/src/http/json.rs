//! A JSON body extractor whose rejections are JSON errors naming the problem.

use app::domain::AppError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

/// Like `axum::Json`, but a bad body is a `{"error": {"code", "message"}}` answer:
/// 400 when it is not JSON, 422 when a field is missing or wrong, 413 when too large.
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::JsonDataError(e)) => Err(AppError::invalid("body", e.body_text())),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(AppError::Malformed {
                message: "send Content-Type: application/json".into(),
            }),
            Err(JsonRejection::BytesRejection(e))
                if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Err(AppError::TooLarge {
                    limit_bytes: super::MAX_BODY_BYTES as u64,
                })
            }
            Err(e) => Err(AppError::Malformed {
                message: e.body_text(),
            }),
        }
    }
}
