//! Adding hamlets from a commune's page: one by form, many by CSV/XLSX upload, done by
//! `ntm_app::units::{add_hamlet, import_hamlets}` (the permission checked there first).

use axum::extract::{Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::units::{HamletRefusal, HamletsSubmitted, NewHamlet};
use ntm_reports::ReportError;
use serde::Deserialize;

use super::page::{HAMLET_KINDS, HamletFormView, UnitPage, build_unit_page, unit_error};
use crate::ctx::Ctx;
use crate::error::{ErrorInfo, ErrorKind, WebError, field_error_text};
use crate::i18n::Lang;
use crate::request::read_upload;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::render;

#[derive(Debug, Deserialize)]
pub struct HamletFormData {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub code: String,
}

/// The 403 of a user who may not change the commune's hamlets.
fn not_allowed(code: &str, unit_name: String) -> WebError {
    let mut e = ErrorInfo::new(ErrorKind::Forbidden);
    e.detail = Some(format!("you may not edit hamlets of unit {code}"));
    e.message = Some(("error-hamlets-forbidden", unit_name));
    WebError(e)
}

fn app_errors(lang: Lang, e: &AppError) -> Option<(StatusCode, Vec<String>)> {
    match e {
        AppError::Validation(fields) => Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            fields.iter().map(|f| field_error_text(lang, f)).collect(),
        )),
        AppError::Conflict(m) => Some((
            StatusCode::CONFLICT,
            vec![format!("{}: {m}", lang.t("hamlet-error-conflict"))],
        )),
        _ => None,
    }
}

fn report_error_text(lang: Lang, e: &ReportError) -> String {
    match e {
        ReportError::Encoding => lang.t("import-error-encoding"),
        ReportError::Csv { line, .. } => lang.t1("import-error-csv", line.to_string()),
        ReportError::NoSheet | ReportError::Spreadsheet(_) => lang.t("import-error-spreadsheet"),
        ReportError::Write(_) => lang.t("error-internal-text"),
        // Vietnamese first, English in parentheses, with the figures and the limits.
        ReportError::TooLarge(m) => m.clone(),
    }
}

/// What a refused hamlet form says, with its status.
fn refusal_texts(lang: Lang, r: HamletRefusal) -> Result<(StatusCode, Vec<String>), WebError> {
    let invalid = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(match r {
        HamletRefusal::App(e) => match app_errors(lang, &e) {
            Some(x) => x,
            None => return Err(e.into()),
        },
        HamletRefusal::NoFile => (invalid, vec![lang.t("import-error-no-file")]),
        HamletRefusal::Unreadable(e) => (invalid, vec![report_error_text(lang, &e)]),
        HamletRefusal::OtherCommunes(others) => (
            invalid,
            vec![lang.t1("import-error-other-commune", others.join(", "))],
        ),
    })
}

pub async fn add_hamlet(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<HamletFormData>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let lang = ctx.lang;
    let mut form = HamletFormView {
        name: f.name.trim().to_string(),
        kind: f.kind.trim().to_string(),
        code: f.code.trim().to_string(),
        errors: Vec::new(),
    };
    if form.name.is_empty() {
        form.errors.push(lang.t("hamlet-error-name"));
    } else if form.name.chars().count() > ntm_app::units::MAX_HAMLET_NAME_CHARS {
        form.errors.push(lang.t("hamlet-error-name-long"));
    }
    if !HAMLET_KINDS.iter().any(|(k, _)| *k == form.kind) {
        form.errors.push(lang.t("hamlet-error-kind"));
    }
    let row = form.errors.is_empty().then(|| NewHamlet {
        line: 0,
        commune_code: code.clone(),
        code: Some(form.code.clone()).filter(|c| !c.is_empty()),
        name: form.name.clone(),
        kind: form.kind.clone(),
    });
    let outcome = ntm_app::units::add_hamlet(&st.app, &ctx.actor(), &code, row)
        .await
        .map_err(|e| unit_error(e, &code))?;
    match outcome {
        HamletsSubmitted::Added(r) => {
            Ok(Redirect::to(&Urls::unit_hamlets_added(&code, r.added.len())).into_response())
        }
        HamletsSubmitted::NotAllowed { unit_name } => Err(not_allowed(&code, unit_name)),
        HamletsSubmitted::Again { refusal, page } => {
            let mut page = build_unit_page(ctx, *page, None);
            let status = match refusal {
                None => StatusCode::UNPROCESSABLE_ENTITY,
                Some(r) => {
                    let (status, errors) = refusal_texts(lang, r)?;
                    form.errors = errors;
                    status
                }
            };
            page.set_form(form);
            Ok(render(&page, status))
        }
    }
}

pub async fn import_hamlets(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let lang = ctx.lang;
    let file = read_upload(&mut mp, &[]).await?.file.map(|(name, bytes)| {
        let name = if name.is_empty() {
            "upload.csv".to_string()
        } else {
            name
        };
        (name, bytes)
    });
    let outcome = ntm_app::units::import_hamlets(&st.app, &ctx.actor(), &code, file)
        .await
        .map_err(|e| unit_error(e, &code))?;
    match outcome {
        HamletsSubmitted::Added(r) => Ok(Redirect::to(&Urls::unit_hamlets_imported(
            &code,
            r.added.len(),
            r.unchanged,
        ))
        .into_response()),
        HamletsSubmitted::NotAllowed { unit_name } => Err(not_allowed(&code, unit_name)),
        HamletsSubmitted::Again { refusal, page } => {
            let mut page: UnitPage = build_unit_page(ctx, *page, None);
            let (status, errors) = match refusal {
                Some(r) => refusal_texts(lang, r)?,
                None => (StatusCode::UNPROCESSABLE_ENTITY, Vec::new()),
            };
            page.import_errors = errors;
            Ok(render(&page, status))
        }
    }
}
