//! `GET /plans/{id}/measures?measure=&year=`: the entry form of a measure, and its POST:
//! only changed values are written, all or nothing; a refusal shows the form as typed.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::plans::{MeasureField, MeasurePage as MeasureView, MeasureSave};
use ntm_domain::plans::MeasureKind;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::request::parse_year;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::{level_label, render};

#[derive(Debug, Deserialize, Default)]
pub struct MeasureParams {
    pub measure: Option<String>,
    pub year: Option<String>,
    pub done: Option<String>,
}

pub struct EntryRow {
    pub code: String,
    pub name: String,
    pub level: String,
    pub value: String,
    pub version: String,
    pub entered: String,
}

#[derive(Template)]
#[template(path = "plans_measures.html")]
pub struct MeasurePage {
    pub ctx: Ctx,
    pub id: String,
    pub plan_name: String,
    pub measure: String,
    pub measure_name: String,
    pub kind_hint: String,
    pub year: i32,
    pub rows: Vec<EntryRow>,
    pub errors: Vec<String>,
    pub flash: Option<String>,
    /// The plan's dashboard for this year.
    pub back_href: String,
    /// The form's address.
    pub action: String,
}

fn measure_page(
    ctx: &Ctx,
    v: MeasureView,
    typed: &HashMap<String, String>,
    errors: Vec<String>,
    flash: Option<String>,
) -> MeasurePage {
    let lang = ctx.lang;
    let rows = v
        .units
        .iter()
        .map(|u| EntryRow {
            code: u.code.clone(),
            name: u.name.clone(),
            level: level_label(lang, u.level),
            value: typed
                .get(&u.code)
                .cloned()
                .unwrap_or_else(|| u.value_text.clone()),
            version: u.version.map(|v| v.to_string()).unwrap_or_default(),
            entered: u.entered.clone(),
        })
        .collect();
    MeasurePage {
        ctx: ctx.clone(),
        plan_name: v.plan_name.clone(),
        measure: v.measure.code.clone(),
        measure_name: v.measure.name_vi.clone(),
        kind_hint: lang.t(match v.measure.kind {
            MeasureKind::Percent => "plans-hint-percent",
            MeasureKind::YesNo => "plans-hint-yes-no",
            MeasureKind::Count => "plans-hint-count",
        }),
        back_href: Urls::plan_year(&v.plan_id, v.year, None),
        action: Urls::plan_measures(&v.plan_id),
        id: v.plan_id,
        year: v.year,
        rows,
        errors,
        flash,
    }
}

/// The year of the form (blank: this year, chosen by the use case).
fn year_of(s: Option<&str>) -> Result<Option<i32>, WebError> {
    parse_year(s).map_err(|e| e.invalid("plans-error-year"))
}

/// An unknown measure, worded for the page.
fn worded(e: AppError, measure: &str) -> WebError {
    match &e {
        AppError::Validation(f) if f.len() == 1 && f[0].field == "measure" => {
            WebError::from(e).with_message("plans-error-measure", measure)
        }
        _ => e.into(),
    }
}

/// `GET /plans/{id}/measures?measure=&year=`: the entry form of a measure.
pub async fn measures_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(p): Query<MeasureParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let measure = p.measure.clone().unwrap_or_default();
    let year = year_of(p.year.as_deref())?;
    let flash = (p.done.as_deref() == Some("saved")).then(|| ctx.lang.t("plans-flash-measures"));
    let v = ntm_app::plans::measure_page(&st.app, &ctx.actor(), &id, &measure, year)
        .await
        .map_err(|e| worded(e, &measure))?;
    let page = measure_page(&ctx, v, &HashMap::new(), Vec::new(), flash);
    Ok(render(&page, StatusCode::OK))
}

/// `POST /plans/{id}/measures`: fields `measure`, `year`, and per unit `v.{code}` (value)
/// with `ver.{code}` (the version seen). Only changed values are written, all or nothing.
pub async fn measures_post(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(a, _)| a == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let measure = get("measure");
    let year = year_of(Some(&get("year")))?;
    let fields: Vec<MeasureField> = pairs
        .iter()
        .filter_map(|(k, v)| {
            let code = k.strip_prefix("v.")?;
            Some(MeasureField {
                unit_code: code.to_string(),
                value: v.clone(),
                version: get(&format!("ver.{code}")),
            })
        })
        .collect();
    match ntm_app::plans::save_measures(&st.app, &ctx.actor(), &id, &measure, year, &fields).await?
    {
        MeasureSave::Unchanged { year } => {
            Ok(Redirect::to(&Urls::plan_measure(&id, &measure, year)).into_response())
        }
        MeasureSave::Saved { year } => Ok(Redirect::to(&Urls::plan_measure_done(
            &id, &measure, year, "saved",
        ))
        .into_response()),
        MeasureSave::Invalid {
            page,
            typed,
            errors,
        } => {
            let page = measure_page(&ctx, page, &typed, errors, None);
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}
