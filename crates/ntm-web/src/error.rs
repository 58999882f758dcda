//! The one mapping from errors to responses.
//!
//! Handlers return [`WebError`]. Its response carries an [`ErrorInfo`] extension and no
//! body; [`crate::middleware::context`] then renders it, knowing the language, user and
//! request id: a full HTML page, or RFC 9457 `application/problem+json` under `/api`.
//! Errors produced outside our handlers (axum rejections, 404/405 of the router, body
//! limits) are turned into an [`ErrorInfo`] the same way, so every error looks alike.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ntm_app::{AppError, FieldError};
use serde::Serialize;
use utoipa::ToSchema;

use crate::ctx::Ctx;
use crate::i18n::Lang;

/// What went wrong, in terms of HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    BadRequest,
    /// Not logged in: pages redirect to the login page.
    Unauthorized,
    /// The session expired: pages redirect to `/login?expired=1`.
    SessionExpired,
    Forbidden,
    /// A form or API call without a valid CSRF token, or from another site.
    Csrf,
    NotFound,
    MethodNotAllowed,
    Conflict,
    PayloadTooLarge,
    UnsupportedMediaType,
    Validation,
    TooManyRequests,
    Internal,
    Unavailable,
}

impl ErrorKind {
    pub fn status(self) -> StatusCode {
        match self {
            ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
            ErrorKind::Unauthorized | ErrorKind::SessionExpired => StatusCode::UNAUTHORIZED,
            ErrorKind::Forbidden | ErrorKind::Csrf => StatusCode::FORBIDDEN,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorKind::Validation => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// Stable slug, used in problem `type` URIs and message keys.
    pub fn slug(self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "bad-request",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::SessionExpired => "session-expired",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::Csrf => "csrf",
            ErrorKind::NotFound => "not-found",
            ErrorKind::MethodNotAllowed => "method-not-allowed",
            ErrorKind::Conflict => "conflict",
            ErrorKind::PayloadTooLarge => "payload-too-large",
            ErrorKind::UnsupportedMediaType => "unsupported-media-type",
            ErrorKind::Validation => "validation",
            ErrorKind::TooManyRequests => "too-many-requests",
            ErrorKind::Internal => "internal",
            ErrorKind::Unavailable => "unavailable",
        }
    }

    fn from_status(s: StatusCode) -> ErrorKind {
        match s.as_u16() {
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            405 => ErrorKind::MethodNotAllowed,
            409 => ErrorKind::Conflict,
            413 => ErrorKind::PayloadTooLarge,
            415 => ErrorKind::UnsupportedMediaType,
            422 => ErrorKind::Validation,
            429 => ErrorKind::TooManyRequests,
            503 => ErrorKind::Unavailable,
            500..=599 => ErrorKind::Internal,
            _ => ErrorKind::BadRequest,
        }
    }
}

/// An error on its way to being rendered.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub kind: ErrorKind,
    /// Technical detail (English), shown in API problems; never shown for internal errors.
    pub detail: Option<String>,
    /// A catalog message for the HTML page, with one argument `value`.
    pub message: Option<(&'static str, String)>,
    pub fields: Vec<FieldError>,
    pub retry_after_secs: Option<u64>,
}

impl ErrorInfo {
    pub fn new(kind: ErrorKind) -> ErrorInfo {
        ErrorInfo {
            kind,
            detail: None,
            message: None,
            fields: Vec::new(),
            retry_after_secs: None,
        }
    }

    /// An error made from a bare error response (router 404/405, axum rejections).
    pub fn from_status(status: StatusCode, body: &str) -> ErrorInfo {
        let mut e = ErrorInfo::new(ErrorKind::from_status(status));
        let body = body.trim();
        if !body.is_empty() && body.len() < 2000 {
            e.detail = Some(body.to_string());
        }
        e
    }
}

/// The error type of every handler.
#[derive(Debug, Clone)]
pub struct WebError(pub ErrorInfo);

impl WebError {
    pub fn new(kind: ErrorKind) -> WebError {
        WebError(ErrorInfo::new(kind))
    }

    pub fn internal(detail: impl Into<String>) -> WebError {
        let mut e = ErrorInfo::new(ErrorKind::Internal);
        e.detail = Some(detail.into());
        WebError(e)
    }

    pub fn login_required() -> WebError {
        let mut e = ErrorInfo::new(ErrorKind::Unauthorized);
        e.detail = Some("login required".into());
        WebError(e)
    }

    pub fn not_found(detail: impl Into<String>) -> WebError {
        let mut e = ErrorInfo::new(ErrorKind::NotFound);
        e.detail = Some(detail.into());
        WebError(e)
    }

    pub fn invalid(field: &str, message: impl Into<String>) -> WebError {
        WebError::from(AppError::invalid(field, message))
    }

    /// Adds a catalog message for the HTML page.
    pub fn with_message(mut self, key: &'static str, value: impl Into<String>) -> WebError {
        self.0.message = Some((key, value.into()));
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> WebError {
        let (kind, detail) = match &e {
            AppError::NotFound(m) => (ErrorKind::NotFound, m.clone()),
            AppError::SessionExpired => (ErrorKind::SessionExpired, "session expired".to_string()),
            AppError::Unauthorized(m) => (ErrorKind::Unauthorized, m.clone()),
            AppError::Forbidden(m) => (ErrorKind::Forbidden, m.clone()),
            AppError::Validation(_) => {
                (ErrorKind::Validation, "the input is not valid".to_string())
            }
            AppError::Conflict(m) => (ErrorKind::Conflict, m.clone()),
            AppError::TooManyRequests { retry_after_secs } => (
                ErrorKind::TooManyRequests,
                format!("too many attempts, try again in {retry_after_secs} s"),
            ),
            AppError::Internal(m) => (ErrorKind::Internal, m.clone()),
        };
        let mut info = ErrorInfo::new(kind);
        info.detail = Some(detail);
        match e {
            AppError::Validation(fields) => info.fields = fields,
            AppError::TooManyRequests { retry_after_secs } => {
                info.retry_after_secs = Some(retry_after_secs)
            }
            _ => {}
        }
        WebError(info)
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let mut res = self.0.kind.status().into_response();
        if let Some(secs) = self.0.retry_after_secs {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res.extensions_mut().insert(self.0);
        res
    }
}

/// One problem with one input, in a problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProblemField {
    /// The field (or `line N (column)` for a file row).
    pub field: String,
    pub message: String,
}

/// RFC 9457 problem details.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// URI naming the kind of problem, e.g. `/problems/not-found`.
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The request path.
    pub instance: String,
    /// Quote this id to support; it is also in the `x-request-id` header.
    pub request_id: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

fn english_title(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::BadRequest => "Bad request",
        ErrorKind::Unauthorized => "Login required",
        ErrorKind::SessionExpired => "Session expired",
        ErrorKind::Forbidden => "Forbidden",
        ErrorKind::Csrf => "Invalid or missing CSRF token",
        ErrorKind::NotFound => "Not found",
        ErrorKind::MethodNotAllowed => "Method not allowed",
        ErrorKind::Conflict => "Conflict",
        ErrorKind::PayloadTooLarge => "Request body too large",
        ErrorKind::UnsupportedMediaType => "Unsupported media type",
        ErrorKind::Validation => "Invalid input",
        ErrorKind::TooManyRequests => "Too many requests",
        ErrorKind::Internal => "Internal error",
        ErrorKind::Unavailable => "Service unavailable",
    }
}

/// The problem document for an error (API routes).
pub fn problem(info: &ErrorInfo, path: &str, request_id: &str) -> Problem {
    let detail = match info.kind {
        ErrorKind::Internal => {
            format!("an internal error occurred; quote request id {request_id} to support")
        }
        ErrorKind::Csrf => info
            .detail
            .clone()
            .unwrap_or_else(|| "send the ntm_csrf cookie value in the X-CSRF-Token header".into()),
        _ => info
            .detail
            .clone()
            .unwrap_or_else(|| english_title(info.kind).to_lowercase()),
    };
    Problem {
        type_: format!("/problems/{}", info.kind.slug()),
        title: english_title(info.kind).to_string(),
        status: info.kind.status().as_u16(),
        detail,
        instance: path.to_string(),
        request_id: request_id.to_string(),
        errors: info
            .fields
            .iter()
            .map(|f| ProblemField {
                field: f.field.clone(),
                message: f.message.clone(),
            })
            .collect(),
    }
}

pub fn problem_response(info: &ErrorInfo, path: &str, request_id: &str) -> Response {
    let p = problem(info, path, request_id);
    let body = serde_json::to_vec(&p).unwrap_or_default();
    let mut res = (info.kind.status(), body).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    if let Some(secs) = info.retry_after_secs {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    res
}

/// "trong 15 phút" / "in 15 minutes": how long to wait, rounded up to minutes.
pub fn retry_text(lang: Lang, secs: u64) -> String {
    let minutes = secs.div_ceil(60).max(1);
    lang.t_count("retry-in-minutes", minutes as i64)
}

/// A field error as shown on a page: "Dòng 3 (name): the name is empty".
pub fn field_error_text(lang: Lang, f: &FieldError) -> String {
    let field = match f.field.strip_prefix("line ") {
        Some(rest) => {
            let (n, col) = match rest.split_once(' ') {
                Some((n, c)) => (n, Some(c.trim_matches(|c| c == '(' || c == ')'))),
                None => (rest, None),
            };
            let line = lang.t1("field-line", n);
            match col {
                Some(c) => format!("{line} ({})", field_label(lang, c)),
                None => line,
            }
        }
        None => field_label(lang, &f.field),
    };
    format!("{field}: {}", f.message)
}

/// A catalog label for known field names, else the name itself.
pub fn field_label(lang: Lang, field: &str) -> String {
    let key = format!("field-{}", field.replace('_', "-"));
    let t = lang.t(&key);
    if t == key { field.to_string() } else { t }
}

/// HTML error page.
pub fn html_response(info: &ErrorInfo, ctx: &Ctx) -> Response {
    let lang = ctx.lang;
    let kind = info.kind;
    let title = lang.t(&format!("error-{}-title", kind.slug()));
    let mut message = match &info.message {
        Some((key, value)) => lang.t1(key, value),
        None => lang.t(&format!("error-{}-text", kind.slug())),
    };
    if let Some(secs) = info.retry_after_secs {
        message = format!(
            "{message} {}",
            lang.t1("error-retry", retry_text(lang, secs))
        );
    }
    // A catalog message already says what is wrong; the field list is for the rest.
    let details = match info.message {
        Some(_) => Vec::new(),
        None => info
            .fields
            .iter()
            .map(|f| field_error_text(lang, f))
            .collect(),
    };
    let page = crate::view::ErrorPage {
        ctx: ctx.clone(),
        status: kind.status().as_u16(),
        title,
        message,
        details,
    };
    let mut res = crate::view::render(&page, kind.status());
    if let Some(secs) = info.retry_after_secs {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    res
}
