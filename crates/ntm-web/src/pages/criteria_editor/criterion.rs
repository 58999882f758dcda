//! `POST /criteria-versions/{id}/criteria` and `…/remove`: criteria and indicators added, renamed, removed.

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::pages::criteria_editor::CritForm;
use crate::pages::criteria_editor::after_edit;
use crate::pages::criteria_editor::revision_of;
use crate::request::parse_id;
use crate::state::AppState;
use axum::extract::Form;
use axum::extract::Path;
use axum::extract::State;
use axum::response::Response;
use ntm_app::criteria_sets as cs;
use ntm_app::criteria_sets::edit::Edit;
use serde::Deserialize;

/// `POST /criteria-versions/{id}/criteria`: adds or renames a criterion of the version.
pub async fn post_criterion(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<CritForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "criteria version")?;
    let edit = Edit::Criterion {
        original: f.original.trim().parse().ok(),
        number: f.number.clone(),
        name_vi: f.name_vi.clone(),
        name_en: f.name_en.clone(),
    };
    let r = cs::edit_on_page(&st.app, &ctx.actor(), id, revision_of(&f.revision), edit).await?;
    after_edit(&ctx, id, r, None, Some(f))
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    pub revision: String,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub code: String,
}

/// `POST /criteria-versions/{id}/remove`: removes a criterion (`number`) or an indicator
/// (`code`) of the draft.
pub async fn post_remove(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<RemoveForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "criteria version")?;
    let edit = if !f.code.trim().is_empty() {
        Edit::RemoveIndicator(f.code.trim().to_string())
    } else {
        Edit::RemoveCriterion(f.number.trim().parse().unwrap_or(0))
    };
    let r = cs::edit_on_page(&st.app, &ctx.actor(), id, revision_of(&f.revision), edit).await?;
    after_edit(&ctx, id, r, None, None)
}
