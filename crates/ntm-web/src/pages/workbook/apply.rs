//! `POST /units/{code}/workbook/apply`: applies a previewed upload; the page for an upload
//! that could not be previewed or applied.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::workbook::{UploadError, UploadFailure};
use serde::Deserialize;
use time::OffsetDateTime;

use super::{AppliedView, BadView, applied_view, args, bad_views, file_problem_text};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::format::time_date;
use crate::view::render;

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
    /// The unit's page and the form that previews a kept upload again.
    pub unit_href: String,
    pub preview_action: String,
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
    let r = ntm_app::workbook::upload_apply(&st.app, &ctx.actor(), &code, &f.upload, apply_valid)
        .await?;
    match r {
        Ok(a) => Ok(Redirect::to(&Urls::workbook_done(
            &a.unit_code,
            &a.set_id,
            a.year,
            &a.upload_id,
        ))
        .into_response()),
        Err(e) => outcome(&ctx, &code, e, Some(&f.upload)),
    }
}

/// The page for an upload that could not be previewed or applied.
pub(super) fn outcome(
    ctx: &Ctx,
    code: &str,
    failure: UploadFailure,
    upload: Option<&str>,
) -> Result<Response, WebError> {
    let lang = ctx.lang;
    let UploadFailure {
        error: e,
        unit_name: name,
    } = failure;
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
        unit_href: Urls::unit(code),
        preview_action: Urls::workbook_preview(code),
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
