//! The one error type that crosses the wire, for server functions and the JSON API.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// What went wrong, as a client may see it. Database text never goes in here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    #[error("not signed in")]
    Unauthorized,
    #[error("wrong username or password")]
    BadCredentials,
    #[error("this account is disabled")]
    AccountDisabled,
    #[error("not allowed for your role")]
    Forbidden,
    #[error("{what} not found")]
    NotFound { what: String },
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("{message}")]
    Conflict { message: String },
    /// The request itself is unreadable: not JSON, wrong content type.
    #[error("malformed request: {message}")]
    Malformed { message: String },
    #[error("unsupported file type: {message}")]
    UnsupportedType { message: String },
    #[error("request body is larger than {limit_bytes} bytes")]
    TooLarge { limit_bytes: u64 },
    #[error("too many failed sign-ins; try again in {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    #[error("internal error; it has been logged")]
    Internal,
    /// The request never reached the server or its answer never came back.
    #[error("could not reach the server: {message}")]
    Network { message: String },
}

impl AppError {
    /// Shorthand for a field that failed validation.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.to_string(),
            message: message.into(),
        }
    }

    pub fn not_found(what: &str) -> Self {
        AppError::NotFound {
            what: what.to_string(),
        }
    }

    /// The stable machine-readable word for this error.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "unauthorized",
            AppError::BadCredentials => "bad_credentials",
            AppError::AccountDisabled => "account_disabled",
            AppError::Forbidden => "forbidden",
            AppError::NotFound { .. } => "not_found",
            AppError::Invalid { .. } => "invalid",
            AppError::Conflict { .. } => "conflict",
            AppError::Malformed { .. } => "malformed",
            AppError::TooLarge { .. } => "too_large",
            AppError::UnsupportedType { .. } => "unsupported_type",
            AppError::Throttled { .. } => "throttled",
            AppError::Internal => "internal",
            AppError::Network { .. } => "network",
        }
    }

    /// The HTTP status this error is sent with.
    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Unauthorized | AppError::BadCredentials => 401,
            AppError::AccountDisabled | AppError::Forbidden => 403,
            AppError::NotFound { .. } => 404,
            AppError::Invalid { .. } => 422,
            AppError::Conflict { .. } => 409,
            AppError::Malformed { .. } => 400,
            AppError::TooLarge { .. } => 413,
            AppError::UnsupportedType { .. } => 415,
            AppError::Throttled { .. } => 429,
            AppError::Internal => 500,
            AppError::Network { .. } => 503,
        }
    }

    /// The translation key for showing this error to a person.
    pub fn label_key(&self) -> &'static str {
        match self {
            AppError::Unauthorized => "error.unauthorized",
            AppError::BadCredentials => "error.bad_credentials",
            AppError::AccountDisabled => "error.account_disabled",
            AppError::Forbidden => "error.forbidden",
            AppError::NotFound { .. } => "error.not_found",
            AppError::Invalid { .. } => "error.invalid",
            AppError::Conflict { .. } => "error.conflict",
            AppError::Malformed { .. } => "error.malformed",
            AppError::TooLarge { .. } => "error.too_large",
            AppError::UnsupportedType { .. } => "error.unsupported_type",
            AppError::Throttled { .. } => "error.throttled",
            AppError::Internal => "error.internal",
            AppError::Network { .. } => "error.network",
        }
    }

    /// The JSON body of the API: `{"error": {"code", "message"}}`.
    pub fn to_body(&self) -> serde_json::Value {
        serde_json::json!({"error": {"code": self.code(), "message": self.to_string()}})
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(m) | ServerFnErrorErr::Response(m) => {
                AppError::Network { message: m }
            }
            other => AppError::Invalid {
                field: "request".into(),
                message: other.to_string(),
            },
        }
    }
}
