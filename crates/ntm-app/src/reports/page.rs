//! What the reports pages show, each in one call: a unit's reports page with the
//! predecessors for the "Trước sáp nhập" box ([`list_page`]), and a change to a report that,
//! when refused (a stale version, a closed period, bad input), comes back with the report to
//! show again ([`act_on_page`]).

use uuid::Uuid;

use super::ReportView;
use super::actions::{Change, act, get};
use super::listing::{UnitReports, unit_reports};
use crate::authz::Actor;
use crate::history::{Predecessor, predecessors};
use crate::{App, AppError, FieldError};

/// What `GET /units/{code}/reports` shows.
#[derive(Debug, Clone)]
pub struct ReportListPage {
    pub reports: UnitReports,
    /// The units merged into this one that the actor sees (empty when none).
    pub history: Vec<Predecessor>,
}

/// A unit's reports ([`unit_reports`]: its permission) and its predecessors.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code))]
pub async fn list_page(app: &App, actor: &Actor, code: &str) -> Result<ReportListPage, AppError> {
    let reports = unit_reports(app, actor, code).await?;
    let history = match predecessors(app, actor, code).await {
        Ok(h) => h,
        Err(AppError::NotFound(_)) => Vec::new(),
        Err(e) => return Err(e),
    };
    Ok(ReportListPage { reports, history })
}

/// Why a change was refused.
#[derive(Debug, Clone)]
pub enum Refusal {
    /// Stale version, already submitted, closed period…
    Conflict(String),
    Invalid(Vec<FieldError>),
}

/// What a change did.
#[derive(Debug, Clone)]
pub enum ActOutcome {
    Done(ReportView),
    /// Nothing written: the report as it is now, and why.
    Refused {
        view: ReportView,
        why: Refusal,
    },
}

/// Applies a change ([`act`]: its permission); a conflict or invalid input comes back with
/// the report read again ([`get`]), other errors as errors.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), report = %id))]
pub async fn act_on_page(
    app: &App,
    actor: &Actor,
    id: Uuid,
    expected_version: i64,
    change: Change,
) -> Result<ActOutcome, AppError> {
    let why = match act(app, actor, id, expected_version, change).await {
        Ok(v) => return Ok(ActOutcome::Done(v)),
        Err(AppError::Conflict(m)) => Refusal::Conflict(m),
        Err(AppError::Validation(f)) => Refusal::Invalid(f),
        Err(e) => return Err(e),
    };
    let view = get(app, actor, id).await?;
    Ok(ActOutcome::Refused { view, why })
}
