//! Files sent as downloads (`Content-Disposition: attachment`), with a file name the header
//! can carry.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// Content type of an XLSX workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// `file_name` with every character other than ASCII letters, digits and `-_.@` made `_`.
pub fn safe_file_name(file_name: &str) -> String {
    file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.@".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `body` as a download named `file_name` (made safe by [`safe_file_name`]).
pub fn attachment(
    body: impl IntoResponse,
    content_type: &'static str,
    file_name: &str,
) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let disposition = format!("attachment; filename=\"{}\"", safe_file_name(file_name));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// A stored user file (dossier document, evidence, OCOP document) as a download: the
/// original name kept for browsers that read `filename*` (UTF-8), an ASCII fallback,
/// `nosniff`, and `Cache-Control: private` so no shared cache keeps it.
pub fn private_file(bytes: Vec<u8>, media_type: &str, file_name: &str) -> Response {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        crate::ctx::url_encode(file_name)
    );
    let mut res = (axum::http::StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(media_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_ascii_only() {
        assert_eq!(safe_file_name("xã-ntm@2.yaml"), "x_-ntm@2.yaml");
        let res = attachment(vec![1u8], XLSX, "bộ tiêu chí.xlsx");
        let d = res.headers().get(header::CONTENT_DISPOSITION).cloned();
        assert_eq!(
            d,
            Some(HeaderValue::from_static(
                "attachment; filename=\"b__ti_u_ch_.xlsx\""
            ))
        );
    }

    #[test]
    fn private_files_keep_their_name_and_are_not_cached() {
        let res = private_file(vec![1u8], "application/pdf", "biên bản.pdf");
        let h = res.headers();
        assert_eq!(
            h.get(header::CONTENT_DISPOSITION)
                .and_then(|v| v.to_str().ok()),
            Some(
                "attachment; filename=\"bi_n_b_n.pdf\"; filename*=UTF-8''bi%C3%AAn%20b%E1%BA%A3n.pdf"
            )
        );
        assert_eq!(
            h.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()),
            Some("private")
        );
        assert_eq!(
            h.get(header::X_CONTENT_TYPE_OPTIONS)
                .and_then(|v| v.to_str().ok()),
            Some("nosniff")
        );
        assert_eq!(
            h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()),
            Some("application/pdf")
        );
    }
}
