//! `GET/POST /feedback/settings/{province}`: a province's categories (time limits in working
//! days), routing rules and answer templates.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use ntm_app::AppError;
use ntm_app::feedback::{self, CategoryForm, FeedbackSettings, RouteForm, TemplateForm};

use super::field_errors;
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::render;

#[derive(Template)]
#[template(path = "feedback_settings.html")]
pub struct SettingsPage {
    pub ctx: Ctx,
    pub title: String,
    pub action: String,
    pub s: FeedbackSettings,
    pub errors: Vec<(String, String)>,
    pub saved: bool,
}

#[derive(serde::Deserialize, Default)]
pub struct Saved {
    #[serde(default)]
    pub saved: Option<String>,
}

async fn page(st: &AppState, ctx: Ctx, province: &str) -> Result<SettingsPage, WebError> {
    let s = feedback::settings(&st.app, &ctx.actor(), province).await?;
    Ok(SettingsPage {
        title: ctx.t1("fb-settings-title", &s.province.name),
        action: Urls::feedback_settings(&s.province.code),
        s,
        errors: Vec::new(),
        saved: false,
        ctx,
    })
}

/// `GET /feedback/settings/{province}`
pub async fn show(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(province): Path<String>,
    Query(q): Query<Saved>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let mut p = page(&st, ctx, &province).await?;
    p.saved = q.saved.is_some();
    Ok(render(&p, StatusCode::OK))
}

#[derive(serde::Deserialize, Default)]
pub struct SettingsForm {
    #[serde(default)]
    pub what: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name_vi: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub deadline_days: String,
    #[serde(default)]
    pub active: Option<String>,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub area_code: String,
    #[serde(default)]
    pub responsible_code: String,
    #[serde(default)]
    pub route_id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
}

/// `POST /feedback/settings/{province}`
pub async fn save(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(province): Path<String>,
    Form(f): Form<SettingsForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let actor = ctx.actor();
    let r = match f.what.as_str() {
        "category" => {
            feedback::save_category(
                &st.app,
                &actor,
                &province,
                CategoryForm {
                    code: f.code,
                    name_vi: f.name_vi,
                    name_en: f.name_en,
                    description: f.description,
                    deadline_days: f.deadline_days,
                    active: f.active.is_some(),
                },
            )
            .await
        }
        "route" => {
            feedback::add_route(
                &st.app,
                &actor,
                &province,
                RouteForm {
                    category: f.category,
                    area_code: f.area_code,
                    responsible_code: f.responsible_code,
                },
            )
            .await
        }
        "route-delete" => match uuid::Uuid::parse_str(f.route_id.trim()) {
            Ok(id) => feedback::delete_route(&st.app, &actor, &province, id).await,
            Err(_) => Err(AppError::NotFound("route".into())),
        },
        "template" => feedback::add_template(
            &st.app,
            &actor,
            &province,
            TemplateForm {
                title: f.title,
                body: f.body,
            },
        )
        .await
        .map(|_| ()),
        _ => Err(AppError::invalid("what", "unknown form")),
    };
    match r {
        Ok(()) => Ok(
            Redirect::to(&format!("{}?saved=1", Urls::feedback_settings(&province)))
                .into_response(),
        ),
        Err(AppError::Validation(errs)) => {
            let mut p = page(&st, ctx, &province).await?;
            p.errors = field_errors(&p.ctx, &errs);
            Ok(render(&p, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(e.into()),
    }
}
