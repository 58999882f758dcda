//! The dossier as a PDF for the appraisal council (issue 5 §4): `GET /dossiers/{id}/pdf`
//! (pages: anonymous users are sent to the login page) and `GET /api/v1/dossiers/{id}/pdf`
//! (same document; errors as problem details; its handler is in `api::dossiers`, in the
//! OpenAPI document). Whoever may view the dossier may download it.
//!
//! The data is assembled by `ntm_app::dossier_pdf` and typeset by `ntm_pdf` (typst, embedded
//! fonts) on a blocking thread.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::router::AppState;

fn parse_id(id: &str) -> Result<Uuid, WebError> {
    Uuid::parse_str(id.trim()).map_err(|_| WebError::not_found(format!("dossier {id}")))
}

/// Assembles and renders the PDF of dossier `id` for the request's user (also the answer of
/// `GET /api/v1/dossiers/{id}/pdf`, in `api::dossiers`).
pub(crate) async fn pdf_response(st: &AppState, ctx: &Ctx, id: &str) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(id)?;
    let data = ntm_app::dossier_pdf::assemble(&st.app, &ctx.actor(), id).await?;
    let file_name: String = data
        .file_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'))
        .collect();
    let json = serde_json::to_value(&data).map_err(|e| WebError::internal(e.to_string()))?;
    let bytes =
        tokio::task::spawn_blocking(move || ntm_pdf::render(ntm_pdf::templates::DOSSIER, &json))
            .await
            .map_err(|e| WebError::internal(e.to_string()))?
            .map_err(|e| WebError::internal(e.to_string()))?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{file_name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}

/// `GET /dossiers/{id}/pdf`
pub async fn dossier_pdf(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    pdf_response(&st, &ctx, &id).await
}
