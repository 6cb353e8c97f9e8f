//! Server-only parts of the app: the store, authentication and CSV import.
//! Gated once here, so nothing below needs its own `cfg`.

pub mod auth;
pub mod caller;
pub mod import;
pub mod store;

pub use caller::Caller;
pub use store::{Store, StoreError};

/// Milliseconds since the Unix epoch: how every time is stored.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A new UUIDv7 id as text.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The store of the current server function's request.
pub fn store_ctx() -> Result<Store, crate::domain::AppError> {
    leptos::prelude::use_context::<Store>().ok_or_else(|| {
        tracing::error!("no store in context");
        crate::domain::AppError::Internal
    })
}
