//! `GET /reports/{id}/report.xlsx` and `…/report.pdf`: a report's downloads.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::request::parse_id;
use crate::state::AppState;

fn attachment(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let safe: String = file_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// `GET /reports/{id}/report.xlsx`.
pub async fn xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "report")?;
    let (bytes, name) = ntm_app::reports::export_xlsx(&st.app, &ctx.actor(), id).await?;
    Ok(attachment(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &name,
    ))
}

/// `GET /reports/{id}/report.pdf`: typeset by `ntm_pdf` (embedded fonts, national heading).
pub async fn pdf(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "report")?;
    let doc = ntm_app::reports::document(&st.app, &ctx.actor(), id).await?;
    let json = serde_json::to_value(&doc).map_err(|e| WebError::internal(e.to_string()))?;
    let bytes = tokio::task::spawn_blocking(move || {
        ntm_pdf::render(ntm_pdf::templates::PERIODIC_REPORT, &json)
    })
    .await
    .map_err(|e| WebError::internal(e.to_string()))?
    .map_err(|e| WebError::internal(e.to_string()))?;
    Ok(attachment(
        bytes,
        "application/pdf",
        &format!("{}.pdf", doc.file_stem),
    ))
}
