//! The campaigns of a unit: the list, creating and editing one (the form in `form`), opening
//! and closing it.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::page::Submitted;
use ntm_app::surveys::{self, CampaignAction, CampaignFormPage, CampaignsPage, NewCampaign};
use ntm_domain::dossier::campaign::CampaignStatus;

use super::campaign::campaign_action;
use super::form::{CampaignForm, SetChoice, campaign_input, default_form, form_of, sets};
use super::{app_error_texts, phase_label, status_label, window_text};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::render;

#[derive(Debug, Clone)]
pub struct CampaignRow {
    pub code: String,
    pub title: String,
    pub set_id: String,
    pub year: i32,
    pub window: String,
    pub status: String,
    pub phase: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "survey_list.html")]
pub struct ListPage {
    pub ctx: Ctx,
    pub unit_href: String,
    pub new_href: String,
    pub unit_code: String,
    pub unit_name: String,
    pub rows: Vec<CampaignRow>,
}

#[derive(Template)]
#[template(path = "survey_form.html")]
pub struct FormPage {
    pub ctx: Ctx,
    pub unit_href: String,
    pub list_href: String,
    pub unit_code: String,
    pub unit_name: String,
    /// `None`: creating.
    pub campaign_code: Option<String>,
    pub action: String,
    pub form: CampaignForm,
    pub sets: Vec<SetChoice>,
    pub errors: Vec<String>,
}

/// The form page (creating when the page's data has no campaign, else editing).
fn form_page(
    ctx: Ctx,
    data: CampaignFormPage,
    form: CampaignForm,
    errors: Vec<String>,
    status: StatusCode,
) -> Response {
    let unit_code = data.unit_code;
    let campaign_code = data.campaign.map(|c| c.code);
    let action = match &campaign_code {
        None => Urls::surveys(&unit_code),
        Some(c) => Urls::survey_edit(&unit_code, c),
    };
    let sets = sets(&data.sets, ctx.lang, &form.set);
    render(
        &FormPage {
            unit_href: Urls::unit(&unit_code),
            list_href: Urls::surveys(&unit_code),
            ctx,
            unit_code,
            unit_name: data.unit_name,
            campaign_code,
            action,
            form,
            sets,
            errors,
        },
        status,
    )
}

pub async fn list_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let CampaignsPage { unit, campaigns } =
        surveys::campaigns_page(&st.app, &ctx.actor(), &code).await?;
    let lang = ctx.lang;
    let rows = campaigns
        .iter()
        .map(|c| CampaignRow {
            code: c.code.clone(),
            title: c.title.clone(),
            set_id: c.set_id.clone(),
            year: c.year,
            window: window_text(lang, c),
            status: status_label(lang, c.status),
            phase: phase_label(lang, c.phase),
            href: Urls::survey(&unit.code, &c.code),
        })
        .collect();
    Ok(render(
        &ListPage {
            unit_href: Urls::unit(&unit.code),
            new_href: Urls::survey_new(&unit.code),
            ctx,
            unit_code: unit.code,
            unit_name: unit.name,
            rows,
        },
        StatusCode::OK,
    ))
}

pub async fn new_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let data = surveys::new_campaign_page(&st.app, &ctx.actor(), &code).await?;
    let form = default_form(&ctx);
    Ok(form_page(ctx, data, form, Vec::new(), StatusCode::OK))
}

/// The form again with the refusal (the form's own, or the use case's when it is one a
/// form shows), or the error page.
fn refused_form(
    ctx: Ctx,
    page: CampaignFormPage,
    f: CampaignForm,
    refusal: Option<AppError>,
    invalid: Vec<String>,
) -> Result<Response, WebError> {
    let (status, errors) = match refusal {
        None => (StatusCode::UNPROCESSABLE_ENTITY, invalid),
        Some(e) => match app_error_texts(ctx.lang, &e) {
            Some(x) => x,
            None => return Err(e.into()),
        },
    };
    Ok(form_page(ctx, page, f, errors, status))
}

pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<CampaignForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let (new, invalid) = match campaign_input(ctx.lang, &f) {
        Ok(input) => (
            Some(NewCampaign {
                unit_code: code.clone(),
                set_id: f.set.clone(),
                year: f.year.trim().parse().unwrap_or(0),
                input,
            }),
            Vec::new(),
        ),
        Err(errors) => (None, errors),
    };
    match surveys::create_campaign(&st.app, &ctx.actor(), &code, new).await? {
        Submitted::Done(c) => {
            Ok(Redirect::to(&Urls::survey_done(&c.unit_code, &c.code, "created")).into_response())
        }
        Submitted::Again { refusal, page } => refused_form(ctx, page, f, refusal, invalid),
    }
}

pub async fn edit_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, code)): Path<(String, String)>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let data = surveys::edit_campaign_page(&st.app, &ctx.actor(), &unit, &code).await?;
    let Some(c) = &data.campaign else {
        return Err(WebError::not_found(format!("survey {code}")));
    };
    let form = form_of(c);
    let errors = if c.status == CampaignStatus::Draft {
        Vec::new()
    } else {
        vec![ctx.t("survey-not-editable")]
    };
    Ok(form_page(ctx, data, form, errors, StatusCode::OK))
}

pub async fn edit(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, code)): Path<(String, String)>,
    Form(f): Form<CampaignForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let (input, invalid) = match campaign_input(ctx.lang, &f) {
        Ok(input) => (Some(input), Vec::new()),
        Err(errors) => (None, errors),
    };
    match surveys::edit_campaign(&st.app, &ctx.actor(), &unit, &code, input).await? {
        Submitted::Done(c) => {
            Ok(Redirect::to(&Urls::survey_done(&c.unit_code, &c.code, "saved")).into_response())
        }
        Submitted::Again { refusal, page } => refused_form(ctx, page, f, refusal, invalid),
    }
}

async fn status_change(
    st: AppState,
    ctx: Ctx,
    headers: HeaderMap,
    unit: String,
    code: String,
    open: bool,
) -> Result<Response, WebError> {
    let action = if open {
        CampaignAction::Open
    } else {
        CampaignAction::Close
    };
    campaign_action(&st, ctx, &headers, (&unit, &code), Ok(action), |_, done| {
        let c = done.campaign;
        let flash = if open { "opened" } else { "closed" };
        Ok(Redirect::to(&Urls::survey_done(&c.unit_code, &c.code, flash)).into_response())
    })
    .await
}

pub async fn open(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((unit, code)): Path<(String, String)>,
) -> Result<Response, WebError> {
    status_change(st, ctx, headers, unit, code, true).await
}

pub async fn close(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((unit, code)): Path<(String, String)>,
) -> Result<Response, WebError> {
    status_change(st, ctx, headers, unit, code, false).await
}
