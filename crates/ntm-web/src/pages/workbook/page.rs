//! `GET /units/{code}/workbook`: the set and year chooser, the downloads, the upload form
//! and what an applied upload wrote.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{AppliedView, applied_view, args};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::request::parse_year;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::{level_label, render};

/// One set in the chooser.
#[derive(Debug, Clone)]
pub struct SetOption {
    pub id: String,
    pub title: String,
    pub level: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "workbook.html")]
pub struct WorkbookPage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub level: String,
    pub sets: Vec<SetOption>,
    pub year_value: String,
    pub chosen_set: String,
    /// The chosen set is in force in the chosen year (downloads are offered).
    pub set_ok: bool,
    pub set_title: String,
    pub template_href: String,
    pub results_href: String,
    pub can_upload: bool,
    pub errors: Vec<String>,
    pub applied: Option<AppliedView>,
    /// The unit's page, this page (the chooser's form) and the upload form's address.
    pub unit_href: String,
    pub page_href: String,
    pub preview_action: String,
}

#[derive(Debug, Deserialize)]
pub struct WorkbookParams {
    pub set: Option<String>,
    pub year: Option<String>,
    /// An applied upload to report (after the redirect).
    pub done: Option<String>,
}

/// The page from what `ntm_app::workbook::page_view` returned (`code`: the address's).
pub(super) fn page_of(ctx: &Ctx, code: &str, v: &ntm_app::workbook::WorkbookPage) -> WorkbookPage {
    let lang = ctx.lang;
    let (unit, year, chosen) = (&v.unit, v.year, &v.chosen);
    let set_title = v
        .sets
        .iter()
        .find(|s| &s.id == chosen)
        .map(|s| lang.pick(&s.title_vi, s.title_en.as_deref()).to_string())
        .unwrap_or_default();
    let mut errors = Vec::new();
    if !v.set_ok && !chosen.is_empty() {
        errors.push(args(
            lang,
            "workbook-error-set-year",
            &[("set", chosen.clone()), ("year", year.to_string())],
        ));
    }
    WorkbookPage {
        ctx: ctx.clone(),
        code: unit.code.clone(),
        name: unit.name.clone(),
        level: level_label(lang, unit.level),
        sets: v
            .sets
            .iter()
            .map(|s| SetOption {
                id: s.id.clone(),
                title: lang.pick(&s.title_vi, s.title_en.as_deref()).to_string(),
                level: level_label(lang, s.level),
                selected: &s.id == chosen,
            })
            .collect(),
        year_value: year.to_string(),
        chosen_set: chosen.clone(),
        set_ok: v.set_ok,
        set_title,
        template_href: Urls::workbook_template(code, chosen, year),
        results_href: Urls::workbook_results(code, chosen, year),
        can_upload: v.can_upload,
        errors,
        applied: v.applied.as_ref().map(|a| applied_view(lang, a)),
        unit_href: Urls::unit(&unit.code),
        page_href: Urls::workbook_page(&unit.code),
        preview_action: Urls::workbook_preview(&unit.code),
    }
}

/// `GET /units/{code}/workbook`: chooser, downloads, upload form.
pub async fn workbook_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<WorkbookParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let year = parse_year(p.year.as_deref()).map_err(|e| e.invalid("workbook-error-year"))?;
    let v = ntm_app::workbook::page_view(
        &st.app,
        &ctx.actor(),
        &code,
        p.set.as_deref(),
        year,
        p.done.as_deref(),
    )
    .await?;
    Ok(render(&page_of(&ctx, &code, &v), StatusCode::OK))
}
