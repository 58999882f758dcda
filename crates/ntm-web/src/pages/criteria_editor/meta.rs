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
use ntm_app::AppError;
use ntm_app::criteria_sets as cs;
use ntm_app::criteria_sets::VersionView;
use ntm_app::criteria_sets::edit::Edit;
use ntm_domain::criteria::authoring::MetaInput;
use uuid::Uuid;

pub(super) fn revision_of(s: &str) -> i64 {
    s.trim().parse().unwrap_or(-1)
}

pub(super) async fn after_edit(
    st: &AppState,
    ctx: &Ctx,
    id: Uuid,
    result: Result<VersionView, AppError>,
    meta: Option<MetaForm>,
    crit: Option<CritForm>,
) -> Result<Response, WebError> {
    match result {
        Ok(_) => Ok(Redirect::to(&Urls::criteria_version_done(id, "saved")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (page, status) = version_view(st, ctx, id, meta, crit, Some(e), None).await?;
            Ok(render(&page, status))
        }
        Err(e) => Err(e.into()),
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
    let r = cs::edit::edit_version(&st.app, &ctx.actor(), id, revision_of(&f.revision), edit).await;
    after_edit(&st, &ctx, id, r, Some(f), None).await
}
