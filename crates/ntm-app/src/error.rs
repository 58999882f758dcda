//! The one error type of the use cases. The web crate maps it to pages and
//! problem details; the CLI prints it.

use ntm_store::StoreError;
use serde::Serialize;

/// A problem with one input field or one row of an imported file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Field name, or `line N` for a file row.
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found: {0}")]
    NotFound(String),
    /// Not logged in, wrong credentials, or the session expired.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// The login session expired (the user must log in again).
    #[error("session expired")]
    SessionExpired,
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("invalid input: {}", .0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; "))]
    Validation(Vec<FieldError>),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("too many attempts, try again in {retry_after_secs} s")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> AppError {
        AppError::Validation(vec![FieldError::new(field, message)])
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> AppError {
        match e {
            StoreError::Conflict(m) => AppError::Conflict(m),
            StoreError::NotFound => AppError::NotFound("record".into()),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<Vec<ntm_domain::snapshot::RowError>> for AppError {
    fn from(errors: Vec<ntm_domain::snapshot::RowError>) -> AppError {
        AppError::Validation(
            errors
                .into_iter()
                .map(|e| FieldError {
                    field: match (e.line, &e.field) {
                        (0, _) => "file".to_string(),
                        (l, Some(c)) => format!("line {l} ({c})"),
                        (l, None) => format!("line {l}"),
                    },
                    message: e.message,
                })
                .collect(),
        )
    }
}
