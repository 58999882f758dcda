//! `POST /units/{code}/workbook/preview`: what applying an upload would change, cell by
//! cell, or the page again with what is wrong with the file.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use ntm_app::workbook::{PreviewOutcome, UploadSource, WorkbookPreview};

use super::apply::outcome;
use super::page::page_of;
use super::{BadView, bad_views, count, file_problem_text};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::request::{parse_year, read_upload};
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::format::time_date;
use crate::view::render;

#[derive(Debug, Clone)]
pub struct ChangeView {
    pub cell: String,
    pub code: String,
    pub name: String,
    pub current: String,
    pub is_new: bool,
    pub by: String,
    pub new_value: String,
}

#[derive(Debug, Clone)]
pub struct UnitChangesView {
    pub code: String,
    pub name: String,
    pub count: String,
    pub rows: Vec<ChangeView>,
}

#[derive(Template)]
#[template(path = "workbook_preview.html")]
pub struct PreviewPage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub upload_id: String,
    pub file_name: String,
    pub set_id: String,
    pub set_title: String,
    pub version: String,
    pub year: String,
    pub units: Vec<UnitChangesView>,
    pub changed: String,
    pub new_values: String,
    pub unchanged: String,
    pub bad_count: String,
    pub bad: Vec<BadView>,
    pub has_changes: bool,
    pub expires: String,
    pub back_href: String,
    /// The unit's page and the form that applies the upload.
    pub unit_href: String,
    pub apply_action: String,
}

fn preview_page(ctx: &Ctx, p: WorkbookPreview) -> PreviewPage {
    let lang = ctx.lang;
    let units = p
        .units
        .iter()
        .map(|u| UnitChangesView {
            code: u.unit_code.clone(),
            name: u.unit_name.clone(),
            count: lang.t_count("workbook-unit-changes", u.changes.len() as i64),
            rows: u
                .changes
                .iter()
                .map(|c| ChangeView {
                    cell: c.cell.clone(),
                    code: c.indicator_code.clone(),
                    name: c.indicator_name.clone(),
                    current: c.current.clone().unwrap_or_else(|| "—".to_string()),
                    is_new: c.current.is_none(),
                    by: c.current_by.clone().unwrap_or_default(),
                    new_value: c.new_value.clone(),
                })
                .collect(),
        })
        .collect();
    PreviewPage {
        ctx: ctx.clone(),
        code: p.unit_code.clone(),
        name: p.unit_name.clone(),
        upload_id: p.upload_id.to_string(),
        file_name: p.file_name.clone(),
        set_id: p.set_id.clone(),
        set_title: p.set_title.clone(),
        version: p.version.clone(),
        year: p.year.to_string(),
        units,
        changed: count(lang, p.changed),
        new_values: count(lang, p.new_values),
        unchanged: count(lang, p.unchanged),
        bad_count: count(lang, p.bad.len()),
        bad: bad_views(lang, &p.bad),
        has_changes: p.changed + p.new_values > 0,
        expires: time_date(p.expires_at),
        back_href: Urls::workbook(&p.unit_code, &p.set_id, p.year),
        unit_href: Urls::unit(&p.unit_code),
        apply_action: Urls::workbook_apply(&p.unit_code),
    }
}

/// `POST /units/{code}/workbook/preview` (multipart: `file`, or `upload` to preview a kept
/// upload again): shows what applying would change; writes no value.
pub async fn preview(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let lang = ctx.lang;
    let form = read_upload(&mut mp, &["set", "year"]).await?;
    // The set and year of the page the form was on (to show it again after an error).
    let set = form.field("set").filter(|t| !t.trim().is_empty());
    let year = parse_year(form.field("year")).ok().flatten();
    let source = match (form.file.clone(), form.upload.clone()) {
        (Some((name, bytes)), _) if !name.is_empty() => UploadSource::File { name, bytes },
        (_, Some(id)) if !id.trim().is_empty() => UploadSource::Staged(id),
        _ => UploadSource::Missing,
    };
    match ntm_app::workbook::upload_preview(&st.app, &ctx.actor(), &code, source, set, year).await?
    {
        PreviewOutcome::Preview(p) => Ok(render(&preview_page(&ctx, p), StatusCode::OK)),
        PreviewOutcome::Refused { page, problem } => {
            let mut page = page_of(&ctx, &code, &page);
            page.errors = vec![match problem {
                Some(p) => file_problem_text(lang, &p),
                None => lang.t("workbook-error-no-file"),
            }];
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        PreviewOutcome::Failed(f) => outcome(&ctx, &code, f, None),
    }
}
