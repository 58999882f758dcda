//! `GET /units/{code}/workbook/template.xlsx` and `…/results.xlsx`: the pre-filled template
//! and the evaluation of a set and year as XLSX.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::request::parse_year;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct DownloadParams {
    pub set: Option<String>,
    pub year: Option<String>,
}

fn required(p: &DownloadParams) -> Result<(String, i32), WebError> {
    let set = p
        .set
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            WebError::invalid("set", "choose a criteria set")
                .with_message("workbook-error-no-set", "")
        })?;
    let year = parse_year(p.year.as_deref())
        .map_err(|e| e.invalid("workbook-error-year"))?
        .ok_or_else(|| {
            WebError::invalid("year", "choose a year").with_message("workbook-error-no-set", "")
        })?;
    Ok((set.to_string(), year))
}

fn xlsx(bytes: Vec<u8>, file_name: &str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    let safe: String = file_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// `GET /units/{code}/workbook/template.xlsx?set=&year=`: the pre-filled template.
pub async fn template_xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<DownloadParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let (set, year) = required(&p)?;
    let bytes = ntm_app::workbook::template(&st.app, &ctx.actor(), &set, &code, year).await?;
    Ok(xlsx(bytes, &format!("mau-{set}-{code}-{year}.xlsx")))
}

/// `GET /units/{code}/workbook/results.xlsx?set=&year=`: the evaluation as XLSX.
pub async fn results_xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<DownloadParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let (set, year) = required(&p)?;
    let bytes = ntm_app::workbook::export_results(&st.app, &ctx.actor(), &code, &set, year).await?;
    Ok(xlsx(bytes, &format!("ket-qua-{set}-{code}-{year}.xlsx")))
}
