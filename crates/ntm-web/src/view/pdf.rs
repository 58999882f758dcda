//! The dossier PDF as a response, shared by the page `GET /dossiers/{id}/pdf` and the API
//! `GET /api/v1/dossiers/{id}/pdf`: assembled by `ntm_app::dossier_pdf`, typeset by `ntm_pdf`
//! (typst, embedded fonts) on a blocking thread.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::request::parse_id;
use crate::state::AppState;

/// Assembles and renders the PDF of dossier `id` for the request's user (also the answer of
/// `GET /api/v1/dossiers/{id}/pdf`, in `api::dossiers`; the page is `pages::dossier_pdf`).
pub(crate) async fn pdf_response(st: &AppState, ctx: &Ctx, id: &str) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(id, "dossier")?;
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
