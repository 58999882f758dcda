//! Parsing of request parameters shared by pages and API (path ids, query dates, years,
//! htmx requests): one copy of each, so every route answers a bad value the same way.

use axum::extract::Multipart;
use axum::http::HeaderMap;
use time::Date;
use uuid::Uuid;

use crate::error::{ErrorInfo, WebError};

/// Parses an optional `date` parameter (`YYYY-MM-DD`, or `dd/mm/yyyy`).
pub fn parse_date_param(s: Option<&str>) -> Result<Option<Date>, WebError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => match ntm_domain::text::parse_date(s) {
            Some(d) => Ok(Some(d)),
            None => Err(WebError::invalid(
                "date",
                format!("\"{s}\" is not a valid date; use YYYY-MM-DD"),
            )
            .with_message("error-bad-date", s)),
        },
    }
}

/// Parses the id in a path (`/dossiers/{id}`, `/reports/{id}`, …); anything that is not a
/// UUID is a page that does not exist: 404 "no {what} {s}".
pub fn parse_id(s: &str, what: &str) -> Result<Uuid, WebError> {
    Uuid::parse_str(s.trim()).map_err(|_| WebError::not_found(format!("no {what} {s}")))
}

/// The years a page accepts in `?year=`: those of the programme's data (unit lists, criteria
/// sets and plans), the range `ntm_app::plans` checks too.
pub const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// A `?year=` that is not a year in [`YEARS`]; the text as typed, for the message.
#[derive(Debug)]
pub struct NotAYear(pub String);

impl NotAYear {
    /// For the log and the API: `"abc" is not a year`.
    pub fn detail(&self) -> String {
        format!("\"{}\" is not a year", self.0)
    }

    /// A 422 with the page's catalog message `key` (which shows the text as typed).
    pub fn invalid(self, key: &'static str) -> WebError {
        WebError::invalid("year", self.detail()).with_message(key, self.0)
    }
}

/// Parses an optional `year` parameter: empty or missing is none.
pub fn parse_year(s: Option<&str>) -> Result<Option<i32>, NotAYear> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => match s.parse::<i32>() {
            Ok(y) if YEARS.contains(&y) => Ok(Some(y)),
            _ => Err(NotAYear(s.to_string())),
        },
    }
}

/// A request sent by htmx (`HX-Request: true`), answered with the fragment to swap.
pub fn is_htmx(headers: &HeaderMap) -> bool {
    headers.get("hx-request").is_some_and(|v| v == "true")
}

/// An upload form (multipart): the file in `file` (its name and bytes), the id of a kept
/// upload in `upload` (to preview it again), and the text fields asked for.
#[derive(Debug, Default)]
pub struct UploadForm {
    /// The last file sent in `file`.
    pub file: Option<(String, Vec<u8>)>,
    /// Files sent in `file` before the last one (a form posting several), in order.
    pub earlier_files: Vec<(String, Vec<u8>)>,
    pub upload: Option<String>,
    pub fields: Vec<(String, String)>,
}

impl UploadForm {
    /// Every file sent in `file`, in order.
    pub fn files(self) -> Vec<(String, Vec<u8>)> {
        let mut all = self.earlier_files;
        all.extend(self.file);
        all
    }

    /// The last value of text field `name`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads an upload form; other fields than `file`, `upload` and `fields` are skipped. A body
/// over the route's limit or a broken form is answered with its status.
pub async fn read_upload(mp: &mut Multipart, fields: &[&str]) -> Result<UploadForm, WebError> {
    let broken = |e: axum::extract::multipart::MultipartError| {
        WebError(ErrorInfo::from_status(e.status(), &e.body_text()))
    };
    let mut form = UploadForm::default();
    while let Some(field) = mp.next_field().await.map_err(broken)? {
        match field.name() {
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_string();
                let bytes = field.bytes().await.map_err(broken)?;
                if let Some(earlier) = form.file.replace((name, bytes.to_vec())) {
                    form.earlier_files.push(earlier);
                }
            }
            Some("upload") => form.upload = Some(field.text().await.map_err(broken)?),
            Some(name) if fields.contains(&name) => {
                let name = name.to_string();
                let text = field.text().await.map_err(broken)?;
                form.fields.push((name, text));
            }
            _ => {}
        }
    }
    Ok(form)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_inside_the_range_only() {
        assert_eq!(parse_year(None).ok(), Some(None));
        assert_eq!(parse_year(Some("  ")).ok(), Some(None));
        assert_eq!(parse_year(Some(" 2026 ")).ok(), Some(Some(2026)));
        assert_eq!(parse_year(Some("1990")).ok(), Some(Some(1990)));
        assert_eq!(parse_year(Some("2100")).ok(), Some(Some(2100)));
        for bad in ["1989", "2101", "abc", "20 26"] {
            let e = parse_year(Some(bad)).err().map(|e| e.0);
            assert_eq!(e.as_deref(), Some(bad));
        }
    }

    #[test]
    fn ids_and_htmx() {
        let id = Uuid::nil().to_string();
        assert_eq!(
            parse_id(&format!(" {id} "), "dossier").ok(),
            Some(Uuid::nil())
        );
        let e = parse_id("x", "dossier").err().map(|e| e.kind());
        assert_eq!(e, Some(crate::error::ErrorKind::NotFound));
        let mut h = HeaderMap::new();
        assert!(!is_htmx(&h));
        h.insert("hx-request", axum::http::HeaderValue::from_static("false"));
        assert!(!is_htmx(&h));
        h.insert("hx-request", axum::http::HeaderValue::from_static("true"));
        assert!(is_htmx(&h));
    }
}
