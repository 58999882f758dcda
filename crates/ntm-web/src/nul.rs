//! One boundary for NUL characters (security review 8a): PostgreSQL cannot store U+0000 in
//! text, so a NUL anywhere in a path, query string, form or JSON body used to end as a 500,
//! even without login. Such requests are refused here with 400, before any handler, on both
//! engines alike. (File uploads are binary and are not looked at; their text fields are
//! checked by the use cases that read them.)

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::header;

use crate::error::{ErrorInfo, ErrorKind};

fn has_encoded_nul(s: &str) -> bool {
    s.contains("%00") || s.contains('\0')
}

fn refused(where_: &str) -> ErrorInfo {
    let mut e = ErrorInfo::new(ErrorKind::BadRequest);
    e.detail = Some(format!(
        "ký tự NUL (U+0000) không hợp lệ trong {where_} (the request contains a NUL character)"
    ));
    e
}

/// The request unchanged, or 400 when its URI or its form/JSON body holds a NUL.
pub async fn check(req: Request, limit: usize) -> Result<Request, ErrorInfo> {
    let uri = req.uri();
    if has_encoded_nul(uri.path()) || uri.query().is_some_and(has_encoded_nul) {
        return Err(refused("địa chỉ"));
    }
    let ct = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let form = ct.starts_with("application/x-www-form-urlencoded");
    let json = ct.starts_with("application/json") || ct.ends_with("+json");
    if !form && !json {
        return Ok(req);
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, limit).await.map_err(|_| {
        let mut e = ErrorInfo::new(ErrorKind::PayloadTooLarge);
        e.detail = Some(format!("the request body is larger than {limit} bytes"));
        e
    })?;
    let nul = bytes.contains(&0)
        || (form && bytes.windows(3).any(|w| w == b"%00"))
        || (json && bytes.windows(6).any(|w| w == b"\\u0000"));
    if nul {
        return Err(refused(if form {
            "biểu mẫu"
        } else {
            "dữ liệu JSON"
        }));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}
