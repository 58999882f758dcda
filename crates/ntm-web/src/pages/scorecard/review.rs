//! `POST /units/{code}/scorecard/status`: submit, verify, return with a comment.

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::error::field_error_text;
use crate::pages::scorecard::Extra;
use crate::pages::scorecard::anchor;
use crate::pages::scorecard::build_page;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::render;
use axum::extract::Form;
use axum::extract::Path;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::Redirect;
use axum::response::Response;
use ntm_app::criteria::EVIDENCE_FIELD;
use ntm_app::criteria::FOUR_EYES_FIELD;
use ntm_app::criteria::ReviewOutcome;
use ntm_app::criteria::ReviewRefusal;
use ntm_app::criteria::StatusChange;
use ntm_domain::observation::ObsStatus;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct ReviewForm {
    pub set: String,
    pub year: i32,
    /// submit, verify or return.
    pub action: String,
    /// One indicator; empty: every value in the state before.
    #[serde(default)]
    pub indicator: String,
    #[serde(default)]
    pub comment: String,
}

pub async fn post_review(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<ReviewForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let lang = ctx.lang;
    let (to, flash) = match f.action.as_str() {
        "submit" => (ObsStatus::Submitted, "submitted"),
        "verify" => (ObsStatus::Verified, "verified"),
        "return" => (ObsStatus::Returned, "returned"),
        other => {
            return Err(WebError::invalid(
                "action",
                format!("unknown action {other:?}: use submit, verify or return"),
            ));
        }
    };
    let codes: Vec<String> = Some(f.indicator.trim().to_string())
        .filter(|c| !c.is_empty())
        .into_iter()
        .collect();
    let change = StatusChange {
        set_id: f.set.clone(),
        year: f.year,
        codes: codes.clone(),
        to,
        comment: f.comment.clone(),
    };
    let anchor_of = codes.first().map(|c| anchor(c));
    let (error, data) = match ntm_app::criteria::review_on_page(
        &st.app,
        &ctx.actor(),
        &code,
        change,
        ctx.today.year(),
    )
    .await?
    {
        ReviewOutcome::Done(written) => {
            return Ok(Redirect::to(&Urls::scorecard_reviewed(
                &code,
                &f.set,
                f.year,
                flash,
                written,
                anchor_of.as_deref(),
            ))
            .into_response());
        }
        ReviewOutcome::Refused { error, page } => (error, page),
    };
    match error {
        ReviewRefusal::Invalid(fields) => {
            let mut missing_evidence: Vec<String> = Vec::new();
            let mut own_values: Vec<String> = Vec::new();
            let mut errors = Vec::new();
            for x in &fields {
                if let Some(c) = x.field.strip_prefix(FOUR_EYES_FIELD) {
                    own_values.push(c.trim().trim_matches(|c| c == '(' || c == ')').to_string());
                    continue;
                }
                let code_of = x
                    .field
                    .strip_prefix(EVIDENCE_FIELD)
                    .map(|r| r.trim().trim_matches(|c| c == '(' || c == ')').to_string());
                match code_of {
                    Some(c) => missing_evidence.push(c),
                    None if x.field == "comment" => {
                        errors.push(lang.t("scorecard-comment-required"))
                    }
                    None if x.field == "codes" => {
                        errors.push(lang.t(&format!("scorecard-nothing-to-{}", f.action)))
                    }
                    None => errors.push(field_error_text(lang, x)),
                }
            }
            let mut page = build_page(
                &ctx,
                &code,
                &data,
                Extra {
                    flash: None,
                    action_errors: Vec::new(),
                    return_open: to == ObsStatus::Returned,
                    comment_input: f.comment.clone(),
                },
            )?;
            let mut listed = Vec::new();
            let mut own = Vec::new();
            for r in page
                .preconditions
                .iter_mut()
                .chain(page.criteria.iter_mut().flat_map(|c| c.rows.iter_mut()))
            {
                if missing_evidence.contains(&r.code) {
                    r.evidence_error = Some(lang.t("scorecard-evidence-missing"));
                    r.open = true;
                    listed.push(format!("{} {}", r.code, r.name));
                }
                if own_values.contains(&r.code) {
                    own.push(format!("{} {}", r.code, r.name));
                }
            }
            if !own.is_empty() {
                errors.insert(0, lang.t1("scorecard-four-eyes", own.join("; ")));
            }
            if !listed.is_empty() {
                errors.insert(
                    0,
                    lang.t1("scorecard-submit-no-evidence", listed.join("; ")),
                );
            }
            page.action_errors = errors;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        ReviewRefusal::Conflict => {
            let page = build_page(
                &ctx,
                &code,
                &data,
                Extra {
                    flash: None,
                    action_errors: vec![lang.t("scorecard-review-conflict")],
                    return_open: false,
                    comment_input: f.comment.clone(),
                },
            )?;
            Ok(render(&page, StatusCode::CONFLICT))
        }
    }
}
