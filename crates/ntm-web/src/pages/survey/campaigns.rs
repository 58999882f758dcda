//! The campaigns of a unit: the list, creating and editing one (the form in `form`), opening
//! and closing it.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::surveys::{self, NewCampaign};
use ntm_domain::dossier::campaign::CampaignStatus;

use super::campaign::refused;
use super::form::{CampaignForm, SetChoice, campaign_input, default_form, form_of, sets};
use super::{app_error_texts, campaign_of_unit, phase_label, status_label, window_text};
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

/// The form page of unit `unit_code`: creating (`campaign_code` none) or editing a campaign.
fn form_page(
    st: &AppState,
    ctx: Ctx,
    (unit_code, unit_name): (String, String),
    campaign_code: Option<String>,
    form: CampaignForm,
    errors: Vec<String>,
    status: StatusCode,
) -> Response {
    let action = match &campaign_code {
        None => Urls::surveys(&unit_code),
        Some(c) => Urls::survey_edit(&unit_code, c),
    };
    let sets = sets(st, ctx.lang, &form.set);
    render(
        &FormPage {
            unit_href: Urls::unit(&unit_code),
            list_href: Urls::surveys(&unit_code),
            ctx,
            unit_code,
            unit_name,
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
    let actor = ctx.actor();
    let unit = surveys::unit_for_campaign(&st.app, &actor, &code).await?;
    let list = surveys::list(&st.app, &actor, &code).await?;
    let lang = ctx.lang;
    let rows = list
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
    let unit = surveys::unit_for_campaign(&st.app, &ctx.actor(), &code).await?;
    let form = default_form(&ctx);
    Ok(form_page(
        &st,
        ctx,
        (unit.code, unit.name),
        None,
        form,
        Vec::new(),
        StatusCode::OK,
    ))
}

pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<CampaignForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let actor = ctx.actor();
    let unit = surveys::unit_for_campaign(&st.app, &actor, &code).await?;
    let lang = ctx.lang;
    let result = match campaign_input(lang, &f) {
        Ok(input) => {
            let year = f.year.trim().parse().unwrap_or(0);
            surveys::create(
                &st.app,
                &actor,
                NewCampaign {
                    unit_code: unit.code.clone(),
                    set_id: f.set.clone(),
                    year,
                    input,
                },
            )
            .await
            .map_err(|e| match app_error_texts(lang, &e) {
                Some(x) => Ok(x),
                None => Err(e),
            })
        }
        Err(errors) => Err(Ok((StatusCode::UNPROCESSABLE_ENTITY, errors))),
    };
    match result {
        Ok(c) => {
            Ok(Redirect::to(&Urls::survey_done(&unit.code, &c.code, "created")).into_response())
        }
        Err(Err(e)) => Err(e.into()),
        Err(Ok((status, errors))) => Ok(form_page(
            &st,
            ctx,
            (unit.code, unit.name),
            None,
            f,
            errors,
            status,
        )),
    }
}

pub async fn edit_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, code)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let c = campaign_of_unit(&st, &ctx, &unit, &code).await?;
    let form = form_of(&c);
    let errors = if c.status == CampaignStatus::Draft {
        Vec::new()
    } else {
        vec![ctx.t("survey-not-editable")]
    };
    Ok(form_page(
        &st,
        ctx,
        (c.unit_code, c.unit_name),
        Some(c.code),
        form,
        errors,
        StatusCode::OK,
    ))
}

pub async fn edit(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, code)): Path<(String, String)>,
    Form(f): Form<CampaignForm>,
) -> Result<Response, WebError> {
    let c = campaign_of_unit(&st, &ctx, &unit, &code).await?;
    let lang = ctx.lang;
    let outcome = match campaign_input(lang, &f) {
        Ok(input) => match surveys::edit(&st.app, &ctx.actor(), &code, input).await {
            Ok(_) => None,
            Err(e) => match app_error_texts(lang, &e) {
                Some(x) => Some(x),
                None => return Err(e.into()),
            },
        },
        Err(errors) => Some((StatusCode::UNPROCESSABLE_ENTITY, errors)),
    };
    match outcome {
        None => {
            Ok(Redirect::to(&Urls::survey_done(&c.unit_code, &c.code, "saved")).into_response())
        }
        Some((status, errors)) => Ok(form_page(
            &st,
            ctx,
            (c.unit_code, c.unit_name),
            Some(c.code),
            f,
            errors,
            status,
        )),
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
    let c = campaign_of_unit(&st, &ctx, &unit, &code).await?;
    let actor = ctx.actor();
    let r = if open {
        surveys::open(&st.app, &actor, &code).await
    } else {
        surveys::close(&st.app, &actor, &code).await
    };
    match r {
        Ok(_) => {
            let flash = if open { "opened" } else { "closed" };
            Ok(Redirect::to(&Urls::survey_done(&c.unit_code, &c.code, flash)).into_response())
        }
        Err(e) => refused(&st, ctx, &headers, c, e).await,
    }
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
