//! Query parameters, sorting keys and loading the dashboard (or the scorecard redirect).

use ntm_app::AppError;
use ntm_app::exports::SortKey;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::{ErrorInfo, ErrorKind, WebError};
use crate::request::parse_year;

/// How many blocking indicators the page shows (the XLSX has them all).
pub(super) const BLOCKING_SHOWN: usize = 15;
/// How many of them the chart draws.
pub(super) const BLOCKING_CHARTED: usize = 10;

#[derive(Debug, Default, Deserialize)]
pub struct DashboardParams {
    pub set: Option<String>,
    pub year: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
    /// XLSX: one table only (`summary`, `buckets`, `blocking`, `units`, `communes`, `trend`).
    pub table: Option<String>,
    /// `form` when sent by the page's form: a set not in force in the chosen year then
    /// gives way to the commune NTM set of that year instead of an error.
    pub from: Option<String>,
}

/// The `sort=` value: `code` (default), `name`, `criteria`, `status`.
pub(super) fn parse_sort_key(s: Option<&str>) -> Result<SortKey, WebError> {
    match s.map(str::trim).unwrap_or_default() {
        "" | "code" => Ok(SortKey::Code),
        "name" => Ok(SortKey::Name),
        "criteria" => Ok(SortKey::Criteria),
        "status" => Ok(SortKey::Status),
        other => Err(bad_request(
            "sort",
            format!("sort must be code, name, criteria or status, not \"{other}\""),
            "dashboard-error-sort",
            other,
        )),
    }
}

pub(super) fn bad_request(field: &str, detail: String, key: &'static str, value: &str) -> WebError {
    let mut e = ErrorInfo::new(ErrorKind::BadRequest);
    e.fields = vec![ntm_app::FieldError::new(field, detail.clone())];
    e.detail = Some(detail);
    e.message = Some((key, value.to_string()));
    WebError(e)
}

/// Maps the use case's errors: a bad set, year or unit is a 400 with a clear message.
pub(super) fn dashboard_error(e: AppError, p: &DashboardParams, code: &str) -> WebError {
    match e {
        AppError::Validation(fields) => {
            let field = fields.first().map(|f| f.field.clone()).unwrap_or_default();
            let detail = fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; ");
            let (key, value) = match field.as_str() {
                "set" => ("dashboard-error-set", p.set.clone().unwrap_or_default()),
                "unit" => ("dashboard-error-unit", code.to_string()),
                _ => (
                    "dashboard-error-year",
                    p.year.clone().unwrap_or_else(|| "—".into()),
                ),
            };
            let mut info = ErrorInfo::new(ErrorKind::BadRequest);
            info.detail = Some(detail);
            info.fields = fields;
            info.message = Some((key, value));
            WebError(info)
        }
        AppError::NotFound(_) => WebError::from(e).with_message("error-unit-not-found", code),
        e => e.into(),
    }
}

/// The set and year asked for (a login first), and whether the page's form sent them (a
/// set not in force in the chosen year then gives way to the default, in the use case).
pub(super) fn chosen<'p>(
    ctx: &Ctx,
    p: &'p DashboardParams,
) -> Result<(Option<&'p str>, Option<i32>, bool), WebError> {
    ctx.require_user()?;
    let year = parse_year(p.year.as_deref())
        .map_err(|e| bad_request("year", e.detail(), "dashboard-error-bad-year", &e.0))?;
    let set = p.set.as_deref().map(str::trim).filter(|s| !s.is_empty());
    Ok((set, year, p.from.as_deref() == Some("form")))
}
