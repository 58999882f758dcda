//! The dossier as a PDF for the appraisal council (issue 5 §4): `GET /dossiers/{id}/pdf`
//! (pages: anonymous users are sent to the login page) and `GET /api/v1/dossiers/{id}/pdf`
//! (same document; errors as problem details; its handler is in `api::dossiers`, in the
//! OpenAPI document). Whoever may view the dossier may download it.
//!
//! The data is assembled by `ntm_app::dossier_pdf` and typeset by `ntm_pdf` (typst, embedded
//! fonts) on a blocking thread.

use axum::extract::{Path, State};
use axum::response::Response;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::AppState;
use crate::view::pdf::pdf_response;

/// `GET /dossiers/{id}/pdf`
pub async fn dossier_pdf(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    pdf_response(&st, &ctx, &id).await
}
