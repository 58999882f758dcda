//! `POST /units/{code}/scorecard/values`: saving one value (inline errors, stale edits).

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::error::field_error_text;
use crate::pages::scorecard::Extra;
use crate::pages::scorecard::IndicatorRow;
use crate::pages::scorecard::RowFragment;
use crate::pages::scorecard::anchor;
use crate::pages::scorecard::build_page;
use crate::pages::scorecard::format_value;
use crate::pages::scorecard::value_error_text;
use crate::request::is_htmx;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::format::date_time;
use crate::view::render;
use axum::extract::Form;
use axum::extract::Path;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::Redirect;
use axum::response::Response;
use ntm_app::criteria::ScorecardPage as PageData;
use ntm_app::criteria::ValueBatch;
use ntm_app::criteria::ValueInput;
use ntm_app::criteria::ValueRefusal;
use ntm_domain::observation::ObsSource;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct ValueForm {
    pub set: String,
    pub year: i32,
    pub indicator: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub expected_version: String,
}

/// The page (or, for htmx, the row) with one indicator changed by `edit`.
/// One indicator of one unit, set and year.
pub(super) struct Target<'a> {
    pub(super) code: &'a str,
    pub(super) set_id: &'a str,
    pub(super) year: i32,
    pub(super) indicator: &'a str,
}

pub(super) fn respond_row(
    ctx: &Ctx,
    t: Target<'_>,
    data: &PageData,
    htmx: bool,
    status: StatusCode,
    edit: impl FnOnce(&mut IndicatorRow),
) -> Result<Response, WebError> {
    let Target {
        code,
        set_id,
        year,
        indicator,
    } = t;
    let mut page = build_page(ctx, code, data, Extra::none())?;
    let mut edit = Some(edit);
    let mut found: Option<IndicatorRow> = None;
    for r in page
        .preconditions
        .iter_mut()
        .chain(page.criteria.iter_mut().flat_map(|c| c.rows.iter_mut()))
    {
        if r.code == indicator {
            if let Some(f) = edit.take() {
                f(r);
            }
            found = Some(r.clone());
        }
    }
    let Some(row) = found else {
        return Err(WebError::invalid(
            "indicator",
            format!("no indicator {indicator} in {set_id}"),
        ));
    };
    if htmx {
        // htmx swaps 2xx responses only: the error is inside the fragment.
        let frag = RowFragment {
            ctx: ctx.clone(),
            code: code.to_string(),
            set_id: set_id.to_string(),
            year,
            max_upload: page.max_upload.clone(),
            r: row,
            oob: status == StatusCode::OK,
            result: page.result.clone(),
            summary: page.summary.clone(),
            tentative: page.tentative,
            incomplete: page.incomplete,
            amendment_pending: page.amendment_pending,
            review_counts: page.review_counts.clone(),
            can_submit: page.can_submit,
            has_submitted: page.has_submitted,
            return_open: false,
            comment_input: String::new(),
        };
        return Ok(render(&frag, StatusCode::OK));
    }
    Ok(render(&page, status))
}

pub(super) fn parse_version(s: &str) -> Result<Option<i64>, WebError> {
    match s.trim() {
        "" => Ok(None),
        v => v
            .parse::<i64>()
            .map(Some)
            .map_err(|_| WebError::invalid("expected_version", format!("\"{v}\" is not a number"))),
    }
}

pub async fn post_value(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(f): Form<ValueForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let lang = ctx.lang;
    let htmx = is_htmx(&headers);
    let expected = parse_version(&f.expected_version)?;
    let typed = f.value.clone();
    let note = f.note.clone();
    let batch = ValueBatch {
        set_id: f.set.clone(),
        year: f.year,
        values: vec![ValueInput {
            code: f.indicator.clone(),
            text: f.value.clone(),
            expected_version: expected,
        }],
        note: f.note.trim().to_string(),
        source: ObsSource::Manual,
    };
    let target = Target {
        code: &code,
        set_id: &f.set,
        year: f.year,
        indicator: &f.indicator,
    };
    let done = ntm_app::criteria::put_value_on_page(
        &st.app,
        &ctx.actor(),
        &code,
        batch,
        htmx,
        ctx.today.year(),
    )
    .await?;
    let (refusal, data) = match (done.refusal, done.page) {
        (None, Some(data)) if htmx => {
            return respond_row(&ctx, target, &data, true, StatusCode::OK, |_| {});
        }
        (None, _) => {
            return Ok(Redirect::to(&Urls::scorecard_done(
                &code,
                &f.set,
                f.year,
                "saved",
                &anchor(&f.indicator),
            ))
            .into_response());
        }
        (Some(r), Some(data)) => (r, data),
        (Some(_), None) => return Err(WebError::internal("a refused value without its page")),
    };
    let refusal = match refusal {
        // A text the indicator's kind cannot take, in the user's language.
        ValueRefusal::Value(e) => value_error_text(lang, &e),
        ValueRefusal::Invalid(fields) => fields
            .iter()
            .map(|x| field_error_text(lang, x))
            .collect::<Vec<_>>()
            .join("; "),
        ValueRefusal::Conflict { current: cur, kind } => {
            let msg = match &cur {
                Some(o) => lang.t_args(
                    "scorecard-conflict",
                    &[
                        ("value", format_value(lang, kind, &o.value_text).into()),
                        ("who", o.created_by.clone().into()),
                        ("when", date_time(o.created_at).into()),
                    ],
                ),
                None => lang.t("scorecard-conflict-gone"),
            };
            let version = cur.map(|o| o.version.to_string()).unwrap_or_default();
            return respond_row(&ctx, target, &data, htmx, StatusCode::CONFLICT, move |r| {
                r.input = typed;
                r.note_input = note;
                r.conflict = Some(msg);
                r.version = version;
                r.open = true;
            });
        }
    };
    // A value refused as typed: the row again with the text, the note and why.
    respond_row(
        &ctx,
        target,
        &data,
        htmx,
        StatusCode::UNPROCESSABLE_ENTITY,
        move |r| {
            r.input = typed;
            r.note_input = note;
            r.error = Some(refusal);
            r.open = true;
        },
    )
}
