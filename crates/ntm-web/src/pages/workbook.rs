//! The Excel round trip: a page per unit to download the pre-filled template and the
//! results, upload a filled template, preview every change and bad cell without writing
//! anything, then apply it (all or nothing, or only the valid cells) with optimistic
//! concurrency. The work is done by `ntm_app::workbook`.

use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::workbook::{
    AppliedUpload, BadCell, CellProblem, FileProblem, UploadError, WorkbookPreview,
};
use ntm_domain::criteria::ValueError;
use ntm_domain::units::Level;
use serde::Deserialize;
use time::OffsetDateTime;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::request::{parse_year, read_upload};
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::format::time_date;
use crate::view::{level_label, render};

// ---------------------------------------------------------------- views

/// One set in the chooser.
#[derive(Debug, Clone)]
pub struct SetOption {
    pub id: String,
    pub title: String,
    pub level: String,
    pub selected: bool,
}

/// Counts of an applied upload and where to see the result.
#[derive(Debug, Clone)]
pub struct AppliedView {
    pub summary: String,
    pub result_href: String,
    pub result_label: String,
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
}

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

#[derive(Debug, Clone)]
pub struct BadView {
    pub cell: String,
    pub unit: String,
    pub indicator: String,
    pub value: String,
    pub message: String,
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
}

#[derive(Debug, Clone)]
pub struct StaleView {
    pub unit: String,
    pub indicator: String,
    pub value_now: String,
    pub by: String,
}

/// Why an apply was refused, and what to do next.
#[derive(Template)]
#[template(path = "workbook_outcome.html")]
pub struct OutcomePage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub title: String,
    pub message: String,
    pub stale: Vec<StaleView>,
    pub bad: Vec<BadView>,
    /// Offer to preview the same file again (upload id).
    pub again: Option<String>,
    pub applied: Option<AppliedView>,
    pub back_href: String,
}

// ---------------------------------------------------------------- helpers

#[derive(Debug, Deserialize)]
pub struct WorkbookParams {
    pub set: Option<String>,
    pub year: Option<String>,
    /// An applied upload to report (after the redirect).
    pub done: Option<String>,
}

fn count(lang: Lang, n: usize) -> String {
    lang.int(n as i64)
}

fn args(lang: Lang, key: &str, list: &[(&str, String)]) -> String {
    let a: Vec<(&str, fluent_templates::fluent_bundle::FluentValue<'static>)> =
        list.iter().map(|(k, v)| (*k, v.clone().into())).collect();
    lang.t_args(key, &a)
}

pub fn problem_text(lang: Lang, b: &BadCell) -> String {
    let unit = b.unit_code.clone();
    let code = b.indicator_code.clone();
    let value = b.value.clone();
    match &b.problem {
        CellProblem::NoUnitCode => lang.t("workbook-bad-no-unit"),
        CellProblem::UnknownUnit { year } => args(
            lang,
            "workbook-bad-unknown-unit",
            &[("unit", unit), ("year", year.to_string())],
        ),
        CellProblem::WrongLevel { level } => args(
            lang,
            "workbook-bad-level",
            &[("unit", unit), ("level", level_label(lang, *level))],
        ),
        CellProblem::OutsideUnit => lang.t1("workbook-bad-outside", unit),
        CellProblem::OutsideScope => lang.t1("workbook-bad-scope", unit),
        CellProblem::Repeated { first } => args(
            lang,
            "workbook-bad-repeated",
            &[("unit", unit), ("code", code), ("first", first.clone())],
        ),
        CellProblem::UnknownIndicator {
            suggestion: Some(s),
        } => args(
            lang,
            "workbook-bad-indicator-suggest",
            &[("code", code), ("suggestion", s.clone())],
        ),
        CellProblem::UnknownIndicator { suggestion: None } => {
            lang.t1("workbook-bad-indicator", code)
        }
        CellProblem::Computed => lang.t1("workbook-bad-computed", code),
        CellProblem::WrongKind { expected } => args(
            lang,
            "workbook-bad-kind",
            &[
                ("code", code),
                (
                    "kind",
                    lang.t(&format!("workbook-kind-{}", expected.as_str())),
                ),
            ],
        ),
        CellProblem::Value(v) => match v {
            ValueError::Empty => lang.t("workbook-bad-empty"),
            ValueError::NotANumber { .. } | ValueError::NotFinite => {
                lang.t1("workbook-bad-not-number", value)
            }
            ValueError::NotABoolean { .. } => lang.t1("workbook-bad-not-boolean", value),
            ValueError::PercentOver100 { .. } => lang.t1("workbook-bad-over-100", value),
            ValueError::Negative { .. } => lang.t1("workbook-bad-negative", value),
            ValueError::NotAWholeNumber { .. } => lang.t1("workbook-bad-not-whole", value),
        },
    }
}

fn bad_views(lang: Lang, bad: &[BadCell]) -> Vec<BadView> {
    bad.iter()
        .map(|b| BadView {
            cell: b.cell.clone(),
            unit: b.unit_code.clone(),
            indicator: b.indicator_code.clone(),
            value: b.value.clone(),
            message: problem_text(lang, b),
        })
        .collect()
}

pub fn file_problem_text(lang: Lang, p: &FileProblem) -> String {
    match p {
        FileProblem::NotSpreadsheet => lang.t("workbook-error-not-spreadsheet"),
        FileProblem::Empty => lang.t("workbook-error-empty"),
        FileProblem::Unreadable(_) => lang.t("workbook-error-unreadable"),
        FileProblem::TooLarge(m) => m.clone(),
        FileProblem::SeveralSets(s) => lang.t1("workbook-error-several-sets", s.join(", ")),
        FileProblem::UnknownSet(s) => lang.t1("workbook-error-unknown-set", s.clone()),
        FileProblem::YearOutside { set_id, year } => args(
            lang,
            "workbook-error-year-outside",
            &[("set", set_id.clone()), ("year", year.to_string())],
        ),
        FileProblem::OtherVersion {
            set_id,
            found,
            current,
        } => args(
            lang,
            "workbook-error-other-version",
            &[
                ("set", set_id.clone()),
                ("found", found.clone()),
                ("current", current.clone()),
            ],
        ),
        FileProblem::NoValues => lang.t("workbook-error-no-values"),
        FileProblem::UnitBelowLevel { set_level, .. } => {
            lang.t1("workbook-error-unit-level", level_label(lang, *set_level))
        }
    }
}

fn applied_view(lang: Lang, a: &AppliedUpload) -> AppliedView {
    let summary = args(
        lang,
        "workbook-applied-summary",
        &[
            ("written", count(lang, a.written)),
            ("changed", count(lang, a.changed)),
            ("new", count(lang, a.new_values)),
            ("unchanged", count(lang, a.unchanged)),
            ("skipped", count(lang, a.skipped)),
            ("units", count(lang, a.units)),
        ],
    );
    let (page, label): (fn(&str, &str, i32) -> String, _) = if a.unit_level < a.set_level {
        (Urls::dashboard, "workbook-see-dashboard")
    } else {
        (Urls::scorecard, "workbook-see-scorecard")
    };
    AppliedView {
        summary,
        result_href: page(&a.unit_code, &a.set_id, a.year),
        result_label: lang.t(label),
    }
}

/// Loads the page for a unit, set and year (checking that the user may view it).
async fn load_page(
    st: &AppState,
    ctx: &Ctx,
    code: &str,
    set: Option<&str>,
    year: Option<i32>,
) -> Result<WorkbookPage, WebError> {
    let lang = ctx.lang;
    let set = set.map(str::trim).filter(|s| !s.is_empty());
    let actor = ctx.actor();
    let (unit, can_upload, year) =
        ntm_app::workbook::page_unit(&st.app, &actor, code, set, year).await?;
    let mut levels = vec![Level::Commune];
    if unit.level != Level::Commune {
        levels.push(unit.level);
    }
    let mut found = ntm_app::workbook::sets_for(&st.app, year, &levels);
    // Sets the unit can be evaluated on (at or below its level), commune sets first.
    found.retain(|s| s.level >= unit.level);
    found.sort_by(|a, b| {
        (a.level != Level::Commune, &a.id).cmp(&(b.level != Level::Commune, &b.id))
    });
    let chosen = set
        .map(str::to_string)
        .or_else(|| found.first().map(|s| s.id.clone()))
        .unwrap_or_default();
    let set_ok = found.iter().any(|s| s.id == chosen);
    let set_title = found
        .iter()
        .find(|s| s.id == chosen)
        .map(|s| lang.pick(&s.title_vi, s.title_en.as_deref()).to_string())
        .unwrap_or_default();
    let mut errors = Vec::new();
    if !set_ok && !chosen.is_empty() {
        errors.push(args(
            lang,
            "workbook-error-set-year",
            &[("set", chosen.clone()), ("year", year.to_string())],
        ));
    }
    Ok(WorkbookPage {
        ctx: ctx.clone(),
        code: unit.code.clone(),
        name: unit.name.clone(),
        level: level_label(lang, unit.level),
        sets: found
            .iter()
            .map(|s| SetOption {
                id: s.id.clone(),
                title: lang.pick(&s.title_vi, s.title_en.as_deref()).to_string(),
                level: level_label(lang, s.level),
                selected: s.id == chosen,
            })
            .collect(),
        year_value: year.to_string(),
        chosen_set: chosen.clone(),
        set_ok,
        set_title,
        template_href: Urls::workbook_template(code, &chosen, year),
        results_href: Urls::workbook_results(code, &chosen, year),
        can_upload,
        errors,
        applied: None,
    })
}

// ---------------------------------------------------------------- handlers

/// `GET /units/{code}/workbook`: chooser, downloads, upload form.
pub async fn workbook_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<WorkbookParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let year = parse_year(p.year.as_deref()).map_err(|e| e.invalid("workbook-error-year"))?;
    let mut page = load_page(&st, &ctx, &code, p.set.as_deref(), year).await?;
    if let Some(id) = p.done.as_deref()
        && let Ok(Some(a)) =
            ntm_app::workbook::applied_upload(&st.app, &ctx.actor(), &code, id).await
    {
        page.applied = Some(applied_view(ctx.lang, &a));
    }
    Ok(render(&page, StatusCode::OK))
}

#[derive(Debug, Deserialize)]
pub struct DownloadParams {
    pub set: Option<String>,
    pub year: Option<String>,
}

fn required(p: &DownloadParams) -> Result<(String, i32), WebError> {
    let set = p
        .set
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            WebError::invalid("set", "choose a criteria set")
                .with_message("workbook-error-no-set", "")
        })?;
    let year = parse_year(p.year.as_deref())
        .map_err(|e| e.invalid("workbook-error-year"))?
        .ok_or_else(|| {
            WebError::invalid("year", "choose a year").with_message("workbook-error-no-set", "")
        })?;
    Ok((set.to_string(), year))
}

fn xlsx(bytes: Vec<u8>, file_name: &str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    let safe: String = file_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// `GET /units/{code}/workbook/template.xlsx?set=&year=`: the pre-filled template.
pub async fn template_xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<DownloadParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let (set, year) = required(&p)?;
    let bytes = ntm_app::workbook::template(&st.app, &ctx.actor(), &set, &code, year).await?;
    Ok(xlsx(bytes, &format!("mau-{set}-{code}-{year}.xlsx")))
}

/// `GET /units/{code}/workbook/results.xlsx?set=&year=`: the evaluation as XLSX.
pub async fn results_xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<DownloadParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let (set, year) = required(&p)?;
    let bytes = ntm_app::workbook::export_results(&st.app, &ctx.actor(), &code, &set, year).await?;
    Ok(xlsx(bytes, &format!("ket-qua-{set}-{code}-{year}.xlsx")))
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
    }
}

/// A page of the unit with an error about the file (nothing was kept).
async fn upload_refused(
    st: &AppState,
    ctx: &Ctx,
    code: &str,
    chosen: &(Option<String>, Option<i32>),
    status: StatusCode,
    message: String,
) -> Result<Response, WebError> {
    let mut page = load_page(st, ctx, code, chosen.0.as_deref(), chosen.1).await?;
    page.errors = vec![message];
    Ok(render(&page, status))
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
    let chosen: (Option<String>, Option<i32>) = (
        form.field("set")
            .filter(|t| !t.trim().is_empty())
            .map(str::to_string),
        parse_year(form.field("year")).ok().flatten(),
    );
    let actor = ctx.actor();
    let now = ntm_app::now();
    let result = match (form.file, form.upload) {
        (Some((name, bytes)), _) if !name.is_empty() => {
            ntm_app::workbook::stage_upload(&st.app, &actor, &code, &name, bytes, now).await
        }
        (_, Some(id)) if !id.trim().is_empty() => {
            ntm_app::workbook::restage_upload(&st.app, &actor, &code, &id, now).await
        }
        _ => {
            return upload_refused(
                &st,
                &ctx,
                &code,
                &chosen,
                StatusCode::UNPROCESSABLE_ENTITY,
                lang.t("workbook-error-no-file"),
            )
            .await;
        }
    };
    match result {
        Ok(p) => Ok(render(&preview_page(&ctx, p), StatusCode::OK)),
        Err(UploadError::File(p)) => {
            upload_refused(
                &st,
                &ctx,
                &code,
                &chosen,
                StatusCode::UNPROCESSABLE_ENTITY,
                file_problem_text(lang, &p),
            )
            .await
        }
        Err(e) => outcome(&st, &ctx, &code, e, None).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct ApplyForm {
    #[serde(default)]
    pub upload: String,
    pub apply_valid: Option<String>,
}

/// `POST /units/{code}/workbook/apply`: applies a previewed upload, then redirects to the
/// workbook page with the counts.
pub async fn apply(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<ApplyForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let apply_valid = f.apply_valid.as_deref().is_some_and(|v| !v.is_empty());
    let r = ntm_app::workbook::apply_upload(
        &st.app,
        &ctx.actor(),
        &code,
        &f.upload,
        apply_valid,
        ntm_app::now(),
    )
    .await;
    match r {
        Ok(a) => Ok(Redirect::to(&Urls::workbook_done(
            &a.unit_code,
            &a.set_id,
            a.year,
            &a.upload_id,
        ))
        .into_response()),
        Err(e) => outcome(&st, &ctx, &code, e, Some(&f.upload)).await,
    }
}

/// The page for an upload that could not be previewed or applied.
async fn outcome(
    st: &AppState,
    ctx: &Ctx,
    code: &str,
    e: UploadError,
    upload: Option<&str>,
) -> Result<Response, WebError> {
    let lang = ctx.lang;
    let e = match e {
        UploadError::App(inner) => return Err(inner.into()),
        other => other,
    };
    let (status, key, message) = match &e {
        UploadError::App(_) => unreachable_app(),
        UploadError::File(p) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "workbook-refused-title",
            file_problem_text(lang, p),
        ),
        UploadError::Unknown => (
            StatusCode::NOT_FOUND,
            "workbook-unknown-title",
            lang.t("workbook-error-unknown-upload"),
        ),
        UploadError::Expired { expired_at } => (
            StatusCode::GONE,
            "workbook-expired-title",
            lang.t1("workbook-error-expired", time_date(*expired_at)),
        ),
        UploadError::NotYours => (
            StatusCode::FORBIDDEN,
            "workbook-refused-title",
            lang.t("workbook-error-not-yours"),
        ),
        UploadError::OtherUnit { unit_code } => (
            StatusCode::CONFLICT,
            "workbook-refused-title",
            lang.t1("workbook-error-other-unit", unit_code.clone()),
        ),
        UploadError::AlreadyApplied(a) => (
            StatusCode::CONFLICT,
            "workbook-already-title",
            args(
                lang,
                "workbook-error-already-applied",
                &[
                    ("by", a.applied_by.clone()),
                    (
                        "at",
                        time_date(
                            OffsetDateTime::from_unix_timestamp(a.applied_at)
                                .unwrap_or(OffsetDateTime::UNIX_EPOCH),
                        ),
                    ),
                ],
            ),
        ),
        UploadError::BadCells(b) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "workbook-refused-title",
            lang.t_count("workbook-error-bad-cells", b.len() as i64),
        ),
        UploadError::Stale(s) => (
            StatusCode::CONFLICT,
            "workbook-stale-title",
            lang.t_count("workbook-error-stale", s.len() as i64),
        ),
    };
    let name = ntm_app::workbook::page_unit(&st.app, &ctx.actor(), code, None, None)
        .await
        .map(|(u, _, _)| u.name)
        .unwrap_or_else(|_| code.to_string());
    let (stale, bad, again, applied, back_href) = match e {
        UploadError::Stale(s) => (
            s.iter()
                .map(|v| StaleView {
                    unit: format!("{} ({})", v.unit_name, v.unit_code),
                    indicator: if v.indicator_name.is_empty() {
                        v.indicator_code.clone()
                    } else {
                        format!("{} — {}", v.indicator_code, v.indicator_name)
                    },
                    value_now: v.value_now.clone().unwrap_or_else(|| "—".into()),
                    by: match (&v.changed_by, v.changed_at) {
                        (Some(b), Some(t)) => format!("{b}, {}", time_date(t)),
                        (Some(b), None) => b.clone(),
                        _ => String::new(),
                    },
                })
                .collect(),
            vec![],
            upload.map(str::to_string),
            None,
            Urls::workbook_page(code),
        ),
        UploadError::BadCells(b) => (
            vec![],
            bad_views(lang, &b),
            None,
            None,
            Urls::workbook_page(code),
        ),
        UploadError::AlreadyApplied(a) => (
            vec![],
            vec![],
            None,
            Some(applied_view(lang, &a)),
            Urls::workbook(code, &a.set_id, a.year),
        ),
        _ => (vec![], vec![], None, None, Urls::workbook_page(code)),
    };
    let page = OutcomePage {
        ctx: ctx.clone(),
        code: code.to_string(),
        name,
        title: lang.t(key),
        message,
        stale,
        bad,
        again,
        applied,
        back_href,
    };
    Ok(render(&page, status))
}

/// `UploadError::App` is returned before the match.
fn unreachable_app() -> (StatusCode, &'static str, String) {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "workbook-refused-title",
        String::new(),
    )
}
