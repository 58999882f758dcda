//! `GET /units/{code}/criteria-sets` and `/criteria-sets/national`: a scope's versions;
//! `GET /criteria-sets/shipped/{id}/{version}/export.yaml`.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use ntm_app::criteria_sets as cs;

use super::{CreateForm, ListParams, flash_text, list_view, yaml_response};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::AppState;
use crate::view::render;

/// The list of a scope's versions (a province, or [`cs::NATIONAL`]) with its flash.
async fn versions_page(
    st: &AppState,
    ctx: Ctx,
    scope: &str,
    p: ListParams,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let flash = flash_text(ctx.lang, p.done.as_deref());
    let data = cs::scope_page(&st.app, &ctx.actor(), scope, ctx.today).await?;
    let (page, status) = list_view(
        &ctx,
        data,
        scope,
        CreateForm::default(),
        CreateForm::default(),
        None,
        flash,
    )?;
    Ok(render(&page, status))
}

/// `GET /units/{code}/criteria-sets`: the province's versions.
pub async fn province_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<ListParams>,
) -> Result<Response, WebError> {
    versions_page(&st, ctx, &code, p).await
}

/// `GET /criteria-sets/national`: the national versions (administrators edit them).
pub async fn national_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<ListParams>,
) -> Result<Response, WebError> {
    versions_page(&st, ctx, cs::NATIONAL, p).await
}

/// `GET /criteria-sets/shipped/{id}/{version}/export.yaml`: a shipped file as it ships.
pub async fn shipped_yaml(
    State(st): State<AppState>,
    Path((id, version)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (name, text) = ntm_app::criteria_sets::export::shipped_yaml(&st.app, &id, &version)?;
    Ok(yaml_response(&name, text))
}
