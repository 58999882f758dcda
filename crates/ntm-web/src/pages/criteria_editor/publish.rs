//! `GET,POST /criteria-versions/{id}/publish`, the YAML export and the basis files.

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::pages::criteria_editor::VersionLinks;
use crate::pages::criteria_editor::revision_of;
use crate::pages::criteria_sets::validity_text;
use crate::pages::criteria_sets::yaml_response;
use crate::request::parse_id;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::download::attachment;
use crate::view::render;
use askama::Template;
use axum::extract::Form;
use axum::extract::Path;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::Redirect;
use axum::response::Response;
use ntm_app::AppError;
use ntm_app::criteria_sets as cs;
use ntm_app::criteria_sets::{PublishOutcome, VersionView};
use ntm_domain::criteria::authoring::message_in;
use serde::Deserialize;
use uuid::Uuid;

#[derive(Template)]
#[template(path = "criteria_publish.html")]
pub struct PublishPage {
    pub ctx: Ctx,
    pub id: Uuid,
    pub links: VersionLinks,
    pub set_id: String,
    pub label: String,
    pub title: String,
    pub validity: String,
    pub extends: String,
    pub counts: String,
    pub revision: i64,
    pub errors: Vec<String>,
}

/// The confirmation page of a version.
pub(super) fn publish_view(ctx: &Ctx, v: &VersionView, errors: Vec<String>) -> PublishPage {
    let lang = ctx.lang;
    PublishPage {
        ctx: ctx.clone(),
        id: v.id,
        links: VersionLinks::of(v.id),
        set_id: v.set_id.clone(),
        label: v.label.clone(),
        title: v.title_vi.clone(),
        validity: validity_text(lang, v),
        extends: v.extends.clone().unwrap_or_default(),
        counts: lang.t_args(
            "cs-counts",
            &[
                ("criteria", (v.criteria as i64).into()),
                ("indicators", (v.indicators as i64).into()),
                ("confirmed", (v.confirmed_thresholds as i64).into()),
                ("thresholds", (v.thresholds as i64).into()),
            ],
        ),
        revision: v.revision,
        errors,
    }
}

/// `GET /criteria-versions/{id}/publish`: asks for confirmation.
pub async fn publish_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "criteria version")?;
    let v = cs::get_version(&st.app, &ctx.actor(), id).await?;
    Ok(render(&publish_view(&ctx, &v, Vec::new()), StatusCode::OK))
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    pub revision: String,
}

/// `POST /criteria-versions/{id}/publish`.
pub async fn post_publish(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<PublishForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "criteria version")?;
    match cs::publish_on_page(&st.app, &ctx.actor(), id, revision_of(&f.revision)).await? {
        PublishOutcome::Published(_) => {
            Ok(Redirect::to(&Urls::criteria_version_done(id, "published")).into_response())
        }
        PublishOutcome::Refused { error: e, version } => {
            let status = if matches!(e, AppError::Conflict(_)) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let en = ctx.lang == Lang::En;
            let errors = match e {
                AppError::Validation(f) => f
                    .iter()
                    .map(|x| message_in(&x.message, en).to_string())
                    .collect(),
                AppError::Conflict(m) => vec![message_in(&m, en).to_string()],
                _ => Vec::new(),
            };
            Ok(render(&publish_view(&ctx, &version, errors), status))
        }
    }
}

/// `GET /criteria-versions/{id}/export.yaml`.
pub async fn export_yaml(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "criteria version")?;
    let (name, text) = cs::export::version_yaml(&st.app, &ctx.actor(), id).await?;
    Ok(yaml_response(&name, text))
}

/// `GET /criteria-versions/{id}/files/{sha}`: the PDF of a decision cited as a basis.
pub async fn basis_file(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, sha)): Path<(String, String)>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "criteria version")?;
    let (name, bytes) = cs::edit::basis_file(&st.app, &ctx.actor(), id, &sha).await?;
    Ok(attachment(bytes, "application/pdf", &name))
}
