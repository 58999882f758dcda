//! A campaign's household phone list: status, turning phone answers on or off, importing
//! the list (preview, then apply). Only numbers on the list may answer by phone.

use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::page::Submitted;
use ntm_app::survey_phones::{PhoneRow, PhoneStatus};
use ntm_app::surveys::{self, CampaignView, PhonesUpload};
use serde::Deserialize;

use super::{ApplyForm, FlashQuery, SurveyLinks, payload, payload_line, payload_rows};
use crate::ctx::Ctx;
use crate::error::{WebError, field_error_text};
use crate::request::read_upload;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::render;

#[derive(Template)]
#[template(path = "survey_phones.html")]
pub struct PhonesPage {
    pub ctx: Ctx,
    /// The campaign's addresses.
    pub links: SurveyLinks,
    pub c: CampaignView,
    pub status: PhoneStatus,
    pub status_text: String,
    pub apply_label: String,
    pub file_name: String,
    pub message: Option<String>,
    pub bad: Vec<String>,
    /// Numbers per hamlet that the preview would store.
    pub per_hamlet: Vec<(String, usize)>,
    pub ok_count: usize,
    /// `row\thamlet\tphone` lines posted back to apply.
    pub payload: String,
}

fn page(ctx: Ctx, data: surveys::PhonesPage) -> PhonesPage {
    let surveys::PhonesPage {
        campaign: c,
        status,
    } = data;
    let key = if status.enabled {
        "survey-phones-on"
    } else {
        "survey-phones-off"
    };
    PhonesPage {
        links: SurveyLinks::of(&c),
        status_text: ctx.lang.t_count(key, status.phones),
        apply_label: String::new(),
        ctx,
        c,
        status,
        file_name: String::new(),
        message: None,
        bad: Vec::new(),
        per_hamlet: Vec::new(),
        ok_count: 0,
        payload: String::new(),
    }
}

fn bad_rows(ctx: &Ctx, e: AppError) -> Result<Vec<String>, WebError> {
    match e {
        AppError::Validation(errors) => Ok(errors
            .iter()
            .map(|f| field_error_text(ctx.lang, f))
            .collect()),
        e => Err(e.into()),
    }
}

pub async fn phones_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, code)): Path<(String, String)>,
    Query(q): Query<FlashQuery>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let data = surveys::phones_page(&st.app, &ctx.actor(), &unit, &code).await?;
    let mut p = page(ctx, data);
    if q.flash.as_deref() == Some("applied") {
        p.message = Some(p.ctx.lang.t_count("survey-phones-applied", p.status.phones));
    }
    Ok(render(&p, StatusCode::OK))
}

pub async fn phones_preview(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, code)): Path<(String, String)>,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let file = read_upload(&mut mp, &[]).await?.file;
    let (data, name, upload) =
        surveys::phones_preview(&st.app, &ctx.actor(), &unit, &code, file).await?;
    let mut p = page(ctx, data);
    p.file_name = name;
    let (rows, check) = match upload {
        PhonesUpload::NoFile => {
            p.bad = vec![p.ctx.t("survey-phones-no-file")];
            return Ok(render(&p, StatusCode::UNPROCESSABLE_ENTITY));
        }
        PhonesUpload::Unreadable(e) => {
            p.bad = bad_rows(&p.ctx, e)?;
            return Ok(render(&p, StatusCode::UNPROCESSABLE_ENTITY));
        }
        PhonesUpload::Checked { rows, check } => (rows, check),
    };
    if !check.errors.is_empty() {
        p.bad = bad_rows(&p.ctx, AppError::Validation(check.errors))?;
        p.message = Some(
            p.ctx
                .lang
                .t_count("survey-phones-errors", p.bad.len() as i64),
        );
        return Ok(render(&p, StatusCode::UNPROCESSABLE_ENTITY));
    }
    let mut per: std::collections::BTreeMap<String, usize> = Default::default();
    for hamlet in check.ok.values() {
        *per.entry(hamlet.clone()).or_default() += 1;
    }
    p.per_hamlet = per.into_iter().collect();
    p.ok_count = check.ok.len();
    p.apply_label = p.ctx.lang.t_count("survey-phones-apply", p.ok_count as i64);
    p.message = Some(p.ctx.lang.t_count("survey-phones-ok", p.ok_count as i64));
    p.payload = payload(
        rows.iter()
            .map(|r| payload_line(r.row, [r.hamlet.as_str(), r.phone.as_str()])),
    );
    Ok(render(&p, StatusCode::OK))
}

pub async fn phones_apply(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, code)): Path<(String, String)>,
    Form(f): Form<ApplyForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let rows: Vec<PhoneRow> = payload_rows(&f.rows)
        .map(|cells| {
            let mut cells = cells.into_iter();
            let mut next = || cells.next().unwrap_or_default();
            PhoneRow {
                row: next().parse().unwrap_or(0),
                hamlet: next(),
                phone: next(),
            }
        })
        .collect();
    match surveys::phones_import(&st.app, &ctx.actor(), &unit, &code, &f.file_name, &rows).await? {
        Submitted::Done(c) => {
            Ok(
                Redirect::to(&Urls::survey_phones_done(&c.unit_code, &c.code, "applied"))
                    .into_response(),
            )
        }
        Submitted::Again {
            refusal,
            page: data,
        } => {
            let mut p = page(ctx, data);
            p.file_name = f.file_name;
            if let Some(e) = refusal {
                p.bad = bad_rows(&p.ctx, e)?;
            }
            Ok(render(&p, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct EnableForm {
    #[serde(default)]
    pub enabled: String,
}

pub async fn phones_enabled(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, code)): Path<(String, String)>,
    Form(f): Form<EnableForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let c = surveys::phones_switch(&st.app, &ctx.actor(), &unit, &code, f.enabled == "1").await?;
    Ok(Redirect::to(&Urls::survey_phones(&c.unit_code, &c.code)).into_response())
}
