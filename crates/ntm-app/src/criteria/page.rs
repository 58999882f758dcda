//! What the scorecard pages show, each in one call: the scorecard of a request (the set and
//! year chosen, or where to go instead), the page again after saving a value (or why the
//! value was refused), after a review, and the evidence form of one indicator; the history
//! of one value. The web only words and lays out what these return.

use ntm_domain::criteria::ValueError;
use ntm_store::ObservationFile;

use super::catalog::{SetSummary, set_years, sets_for_level};
use super::evaluation::evaluate;
use super::evidence::{EvidenceInput, attach_evidence};
use super::observations::{ValueBatch, ValueEntryError, ValueRef, history, put_value};
use super::review::{StatusChange, review};
use super::scorecard::{Scorecard, choose_scorecard, scorecard};
use super::views::Evaluation;
use crate::{Actor, App, AppError, FieldError};
use ntm_store::ObservationRecord;

/// The data of a unit's scorecard page for a set and year.
#[derive(Debug, Clone)]
pub struct ScorecardPage {
    pub scorecard: Scorecard,
    pub set_id: String,
    pub year: i32,
    /// The sets of the unit's level in force that year (national sets first).
    pub sets: Vec<SetSummary>,
    /// The years the chooser offers, newest first.
    pub years: Vec<i32>,
}

/// The scorecard page of a set and year ([`scorecard`]: its permission). `this_year` bounds
/// the years offered for a set still in force.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code, set = %set_id, year))]
pub async fn scorecard_view(
    app: &App,
    actor: &Actor,
    code: &str,
    set_id: &str,
    year: i32,
    this_year: i32,
) -> Result<ScorecardPage, AppError> {
    let scorecard = scorecard(app, actor, code, set_id, year).await?;
    let sets = sets_for_level(app, scorecard.evaluation.unit_level, year);
    let years = match set_years(app, set_id) {
        Some((from, to)) => {
            let last = to.unwrap_or(this_year).max(year);
            (from.min(year)..=last).rev().collect()
        }
        None => vec![year],
    };
    Ok(ScorecardPage {
        scorecard,
        set_id: set_id.to_string(),
        year,
        sets,
        years,
    })
}

/// Where a scorecard request leads.
#[derive(Debug, Clone)]
pub enum ScorecardRequest {
    /// The unit is above the set's level: its dashboard (the roll-up).
    Above {
        set_id: String,
        year: i32,
    },
    Page(Box<ScorecardPage>),
    /// The unit has no record among the units the year is evaluated on (a hamlet added
    /// after the set ended, a commune created by the 2025 reform for a 2024 set…).
    NotInYear {
        year: i32,
        detail: String,
    },
}

/// `GET /units/{code}/scorecard?set=&year=`: the set and year chosen
/// ([`choose_scorecard`]: its permission), then the page.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code, set = ?set, year = ?year))]
pub async fn scorecard_page(
    app: &App,
    actor: &Actor,
    code: &str,
    set: Option<&str>,
    year: Option<i32>,
    this_year: i32,
) -> Result<ScorecardRequest, AppError> {
    let choice = choose_scorecard(app, actor, code, set, year, this_year).await?;
    if choice.above {
        return Ok(ScorecardRequest::Above {
            set_id: choice.set_id,
            year: choice.year,
        });
    }
    match scorecard_view(app, actor, code, &choice.set_id, choice.year, this_year).await {
        Ok(p) => Ok(ScorecardRequest::Page(Box::new(p))),
        Err(AppError::NotFound(detail)) => Ok(ScorecardRequest::NotInYear {
            year: choice.year,
            detail,
        }),
        Err(e) => Err(e),
    }
}

/// Why a value was not saved.
#[derive(Debug, Clone)]
pub enum ValueRefusal {
    /// A text the indicator's kind cannot take.
    Value(ValueError),
    Invalid(Vec<FieldError>),
    /// Someone changed the value since the form was shown: the current value (if any) and
    /// the indicator's kind (`number`, `percent`…) to show it.
    Conflict {
        current: Option<Box<ObservationRecord>>,
        kind: &'static str,
    },
}

/// What saving a value did, and the page to show.
#[derive(Debug, Clone)]
pub struct ValueOnPage {
    /// `None`: saved.
    pub refusal: Option<ValueRefusal>,
    /// The page after the attempt: always after a refusal, after a save only when asked
    /// (`with_page`, for htmx's row fragment).
    pub page: Option<Box<ScorecardPage>>,
}

/// `POST /units/{code}/scorecard/values`: one value ([`put_value`]: its permission and
/// rules), then the page when it is needed.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code, set = %batch.set_id, year = batch.year))]
pub async fn put_value_on_page(
    app: &App,
    actor: &Actor,
    code: &str,
    batch: ValueBatch,
    with_page: bool,
    this_year: i32,
) -> Result<ValueOnPage, AppError> {
    let (set_id, year) = (batch.set_id.clone(), batch.year);
    let indicator = batch
        .values
        .first()
        .map(|v| v.code.clone())
        .unwrap_or_default();
    let refusal = match put_value(app, actor, code, batch).await {
        Ok(_) => None,
        Err(ValueEntryError::Value(e)) => Some(ValueRefusal::Value(e)),
        Err(ValueEntryError::App(AppError::Validation(f))) => Some(ValueRefusal::Invalid(f)),
        Err(ValueEntryError::App(AppError::Conflict(_))) => {
            let current = scorecard(app, actor, code, &set_id, year)
                .await
                .ok()
                .and_then(|sc| sc.values.get(&indicator).cloned().map(Box::new));
            let kind = app
                .catalog
                .set_for_year(&set_id, year)
                .ok()
                .and_then(|s| {
                    s.indicator_index(&indicator)
                        .map(|i| s.indicator(i).value_kind().as_str())
                })
                .unwrap_or("number");
            Some(ValueRefusal::Conflict { current, kind })
        }
        Err(ValueEntryError::App(e)) => return Err(e),
    };
    let page = if with_page || refusal.is_some() {
        Some(Box::new(
            scorecard_view(app, actor, code, &set_id, year, this_year).await?,
        ))
    } else {
        None
    };
    Ok(ValueOnPage { refusal, page })
}

/// What a review did.
#[derive(Debug, Clone)]
pub enum ReviewOutcome {
    /// The number of values changed.
    Done(usize),
    /// Nothing changed: why (`Validation` or `Conflict`) and the page again.
    Refused {
        error: ReviewRefusal,
        page: Box<ScorecardPage>,
    },
}

/// Why a review was refused.
#[derive(Debug, Clone)]
pub enum ReviewRefusal {
    Invalid(Vec<FieldError>),
    Conflict,
}

/// `POST /units/{code}/scorecard/status`: submit, verify or return ([`review`]: its
/// permission and rules); a refusal comes back with the page.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code, set = %change.set_id, year = change.year))]
pub async fn review_on_page(
    app: &App,
    actor: &Actor,
    code: &str,
    change: StatusChange,
    this_year: i32,
) -> Result<ReviewOutcome, AppError> {
    let (set_id, year) = (change.set_id.clone(), change.year);
    let error = match review(app, actor, code, change).await {
        Ok(written) => return Ok(ReviewOutcome::Done(written.len())),
        Err(AppError::Validation(f)) => ReviewRefusal::Invalid(f),
        Err(AppError::Conflict(_)) => ReviewRefusal::Conflict,
        Err(e) => return Err(e),
    };
    let page = scorecard_view(app, actor, code, &set_id, year, this_year).await?;
    Ok(ReviewOutcome::Refused {
        error,
        page: Box::new(page),
    })
}

/// Why an evidence upload was refused before or by [`attach_evidence`].
#[derive(Debug, Clone)]
pub enum EvidenceRefusal {
    /// Found by the form (too big, no file, an empty file): the page's own words.
    Form(String),
    Conflict,
    Invalid(Vec<FieldError>),
}

/// The evidence form's data: the page it belongs to (rows, permissions) and the refusal of
/// the last upload, if any.
#[derive(Debug, Clone)]
pub struct EvidencePage {
    pub page: Box<ScorecardPage>,
    pub refusal: Option<EvidenceRefusal>,
}

/// `GET /units/{code}/scorecard/evidence`: the page an indicator's evidence form belongs to
/// ([`scorecard`]: its permission; the web checks the row and `can_enter`).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %value.unit_code, set = %value.set_id, year = value.year))]
pub async fn evidence_view(
    app: &App,
    actor: &Actor,
    value: &ValueRef,
    this_year: i32,
) -> Result<EvidencePage, AppError> {
    let page = scorecard_view(
        app,
        actor,
        &value.unit_code,
        &value.set_id,
        value.year,
        this_year,
    )
    .await?;
    Ok(EvidencePage {
        page: Box::new(page),
        refusal: None,
    })
}

/// `POST /units/{code}/scorecard/evidence`: attaches the files ([`attach_evidence`]: its
/// permission), unless the form found a problem (`form_problem`); a refusal comes back with
/// the evidence form's data (which checks the permission before the message is shown).
/// `Ok(None)`: attached.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %value.unit_code, set = %value.set_id, year = value.year))]
pub async fn attach_evidence_on_page(
    app: &App,
    actor: &Actor,
    value: &ValueRef,
    expected_version: i64,
    files: Vec<EvidenceInput>,
    form_problem: Option<String>,
    this_year: i32,
) -> Result<Option<EvidencePage>, AppError> {
    let refusal = match form_problem {
        Some(p) => EvidenceRefusal::Form(p),
        None => match attach_evidence(app, actor, value, expected_version, files).await {
            Ok(_) => return Ok(None),
            Err(AppError::Conflict(_)) => EvidenceRefusal::Conflict,
            Err(AppError::Validation(f)) => EvidenceRefusal::Invalid(f),
            Err(e) => return Err(e),
        },
    };
    let mut page = evidence_view(app, actor, value, this_year).await?;
    page.refusal = Some(refusal);
    Ok(Some(page))
}

/// The history of one value with the unit's evaluation (for the indicator's name and
/// kind).
#[derive(Debug, Clone)]
pub struct ValueHistory {
    /// Oldest first, with the files of each version.
    pub versions: Vec<(ObservationRecord, Vec<ObservationFile>)>,
    pub evaluation: Evaluation,
}

/// `GET /units/{code}/scorecard/history`: every version of one value ([`history`]: its
/// permission) and the evaluation the page names the indicator from.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %value.unit_code, set = %value.set_id, year = value.year))]
pub async fn value_history(
    app: &App,
    actor: &Actor,
    value: &ValueRef,
) -> Result<ValueHistory, AppError> {
    let versions = history(app, actor, value).await?;
    let evaluation = evaluate(app, actor, &value.unit_code, &value.set_id, value.year).await?;
    Ok(ValueHistory {
        versions,
        evaluation,
    })
}
