//! `POST /criteria-versions/{id}/meta`: the version's title and dates.

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::pages::criteria_editor::CritForm;
use crate::pages::criteria_editor::MetaForm;
use crate::pages::criteria_editor::version_view;
use crate::request::parse_id;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::render;
use axum::extract::Form;
use axum::extract::Path;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::response::Redirect;
use axum::response::Response;
use ntm_app::criteria_sets as cs;
use ntm_app::criteria_sets::EditOutcome;
use ntm_app::criteria_sets::edit::Edit;
use ntm_domain::criteria::authoring::MetaInput;
use uuid::Uuid;

pub(super) fn revision_of(s: &str) -> i64 {
    s.trim().parse().unwrap_or(-1)
}

/// After an edit: back to the version, or the editor again with why it was refused.
pub(super) fn after_edit(
    ctx: &Ctx,
    id: Uuid,
    outcome: EditOutcome,
    meta: Option<MetaForm>,
    crit: Option<CritForm>,
) -> Result<Response, WebError> {
    match outcome {
        EditOutcome::Saved(_) => {
            Ok(Redirect::to(&Urls::criteria_version_done(id, "saved")).into_response())
        }
        EditOutcome::Refused { error, page } => {
            let (page, status) = version_view(ctx, &page, meta, crit, Some(error), None)?;
            Ok(render(&page, status))
        }
    }
}

/// `POST /criteria-versions/{id}/meta`.
pub async fn post_meta(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<MetaForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "criteria version")?;
    let edit = Edit::Meta(MetaInput {
        version: f.version.clone(),
        title_vi: f.title_vi.clone(),
        valid_from: f.valid_from.clone(),
        valid_to: f.valid_to.clone(),
        completeness: f.completeness.clone(),
    });
    let r = cs::edit_on_page(&st.app, &ctx.actor(), id, revision_of(&f.revision), edit).await?;
    after_edit(&ctx, id, r, Some(f), None)
}
