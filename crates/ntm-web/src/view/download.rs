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
}
