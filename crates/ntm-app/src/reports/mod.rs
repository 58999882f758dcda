//! Periodic progress reports (báo cáo định kỳ 6 tháng / năm) asked by the shipped plans:
//! open, edit the narrative, submit to the parent, accept or return, close a period, list a
//! unit's reports and its children's (late and missing), and the data of the XLSX and PDF.
//!
//! The rules are the domain's (`ntm_domain::reports`); this module finds the unit record and
//! its parent on the period's date (the due date) from the unit history, so a commune reports
//! to its district before 01/07/2025 and to its province after. Figures come from
//! `crate::plans::plan_progress` for the unit and year: while the report is with the unit
//! they are live (equal to the plan dashboard); a submission stores a snapshot, shown from
//! then on. Every change is a new version (who, when, the whole narrative), with its audit
//! entry, in one transaction (`Db::append_report_version`), naming the version the writer saw.
//!
//! Who may do what: the unit's officers (`EnterObservations` on the unit) open, edit and
//! submit; the parent's officers (`VerifyObservations` on the parent; country-wide for a
//! province's report, whose recipient is outside the unit tree) accept, return and close the
//! period; anyone who may view the unit reads.

use ntm_domain::authz::Permission;
use ntm_domain::plans::{Plan, ReportDue, ReportKind};
use ntm_domain::reports::{
    self as rules, Narrative, PeriodKind, ReportError, ReportPeriod, ReportSchedule, ReportState,
    Timeliness,
};
use ntm_domain::text::format_date_vi;
use ntm_domain::units::{Level, Unit};
use ntm_store::{ReportRecord, ReportVersionRecord};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::authz::{Actor, require};
use crate::criteria::require_on_unit;
use crate::{App, AppError, today};

// ---------------------------------------------------------------- plans and periods

/// A plan's report entry as the domain understands it.
fn schedule(d: &ReportDue) -> ReportSchedule {
    ReportSchedule {
        kind: period_kind(d.kind),
        due: rules::DueDay {
            month: d.due_month,
            day: d.due_day,
        },
        from_level: d.from_level.unwrap_or(Level::Commune),
        to: d.to.clone(),
    }
}

fn period_kind(k: ReportKind) -> PeriodKind {
    match k {
        ReportKind::SixMonth => PeriodKind::SixMonth,
        ReportKind::Annual => PeriodKind::Annual,
    }
}

/// The shipped plans that ask for periodic reports.
pub fn plans_with_reports() -> Vec<&'static Plan> {
    crate::plans::shipped()
        .plans
        .iter()
        .filter(|p| !p.reports.is_empty())
        .collect()
}

fn plan_by_id(id: &str) -> Result<&'static Plan, AppError> {
    plans_with_reports()
        .into_iter()
        .find(|p| p.id == id)
        .ok_or_else(|| AppError::NotFound(format!("plan {id} with periodic reports")))
}

fn schedule_of(plan: &Plan, kind: PeriodKind) -> Result<ReportSchedule, AppError> {
    plan.reports
        .iter()
        .map(schedule)
        .find(|s| s.kind == kind)
        .ok_or_else(|| {
            AppError::invalid(
                "kind",
                format!("{} asks for no {} report", plan.id, kind.as_str()),
            )
        })
}

/// The years a plan asks reports for: its period (a 2023 plan with a target due in 2025
/// still reports for 2023 only).
fn report_years(plan: &Plan) -> std::ops::RangeInclusive<i32> {
    plan.period_from.year()..=plan.period_to.year()
}

/// The unit record with this code valid on `date`.
async fn unit_on(app: &App, code: &str, date: Date) -> Result<Option<Unit>, AppError> {
    Ok(app.db.unit_on(code, date).await?)
}

/// The parent record of `unit` on `date` (`None` for a province).
async fn parent_on(app: &App, unit: &Unit, date: Date) -> Result<Option<Unit>, AppError> {
    match &unit.parent_code {
        None => Ok(None),
        Some(p) => unit_on(app, p, date).await,
    }
}

/// One period a unit reports for: the plan, kind and year, its due date, and the unit record
/// (and parent) on that date.
#[derive(Debug, Clone)]
pub struct Slot {
    pub plan: &'static Plan,
    pub schedule: ReportSchedule,
    pub period: ReportPeriod,
    pub due: Date,
    pub unit: Unit,
}

/// Checks that the unit with `code` reports for (plan, kind, year): the record on the due
/// date, in the plan's province, at a level the plan asks reports from.
async fn slot(
    app: &App,
    code: &str,
    plan_id: &str,
    kind: PeriodKind,
    year: i32,
) -> Result<Slot, AppError> {
    let plan = plan_by_id(plan_id)?;
    let schedule = schedule_of(plan, kind)?;
    if !report_years(plan).contains(&year) {
        return Err(AppError::invalid(
            "year",
            format!(
                "{} covers {}–{}, not {year}",
                plan.id,
                plan.period_from.year(),
                plan.period_to.year()
            ),
        ));
    }
    let period = ReportPeriod::new(kind, year);
    let due = period.due(schedule.due);
    if due < plan.period_from {
        return Err(AppError::invalid(
            "year",
            format!(
                "the {} report of {year} is due on {}, before {} starts ({})",
                kind.as_str(),
                format_date_vi(due),
                plan.id,
                format_date_vi(plan.period_from)
            ),
        ));
    }
    let unit = unit_on(app, code, due)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("unit {code} on {due}")))?;
    if unit.province_code != plan.province {
        return Err(AppError::invalid(
            "plan",
            format!(
                "{} is a plan of province {}; {} lies in province {} on {}",
                plan.id,
                plan.province,
                unit.code,
                unit.province_code,
                format_date_vi(due)
            ),
        ));
    }
    if !schedule.reports(unit.level) {
        return Err(AppError::invalid(
            "unit",
            format!(
                "{} asks reports from the {} level up; {} is a {} unit",
                plan.id,
                schedule.from_level.as_str(),
                unit.code,
                unit.level.as_str()
            ),
        ));
    }
    Ok(Slot {
        plan,
        schedule,
        period,
        due,
        unit,
    })
}

/// Every slot of a unit code: each plan with reports, year, kind where the record of that
/// code on the due date reports (newest first).
async fn slots_of(app: &App, code: &str) -> Result<Vec<Slot>, AppError> {
    let versions = app.db.unit_versions(code).await?;
    let mut out = Vec::new();
    for plan in plans_with_reports() {
        for s in plan.reports.iter().map(schedule) {
            for year in report_years(plan) {
                let period = ReportPeriod::new(s.kind, year);
                let due = period.due(s.due);
                if due < plan.period_from {
                    continue;
                }
                let Some(unit) = versions
                    .iter()
                    .filter(|u| u.is_valid_on(due) && u.level != Level::Hamlet)
                    .min_by_key(|u| u.level)
                else {
                    continue;
                };
                if unit.province_code == plan.province && s.reports(unit.level) {
                    out.push(Slot {
                        plan,
                        schedule: s.clone(),
                        period,
                        due,
                        unit: unit.clone(),
                    });
                }
            }
        }
    }
    out.sort_by(|a, b| b.due.cmp(&a.due).then(a.plan.id.cmp(&b.plan.id)));
    Ok(out)
}

// ---------------------------------------------------------------- permissions

async fn require_view(app: &App, actor: &Actor, unit: &Unit) -> Result<(), AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    require_on_unit(app, actor, Permission::ViewUnits, unit).await
}

async fn require_writer(app: &App, actor: &Actor, unit: &Unit) -> Result<(), AppError> {
    require_on_unit(app, actor, Permission::EnterObservations, unit)
        .await
        .map_err(|e| match e {
            AppError::Forbidden(_) => AppError::Forbidden(format!(
                "the report of {} is written by its own officers",
                unit.code
            )),
            other => other,
        })
}

/// The parent's officers (or, for a province, a country-wide reviewer).
async fn require_reviewer(app: &App, actor: &Actor, parent: Option<&Unit>) -> Result<(), AppError> {
    let r = match parent {
        Some(p) => require_on_unit(app, actor, Permission::VerifyObservations, p).await,
        None => require(actor, Permission::VerifyObservations, "/"),
    };
    r.map_err(|e| match (e, parent) {
        (AppError::Forbidden(_), Some(p)) => AppError::Forbidden(format!(
            "reports to {} are accepted, returned and closed by its officers",
            p.code
        )),
        (other, _) => other,
    })
}

async fn allowed(r: Result<(), AppError>) -> Result<bool, AppError> {
    match r {
        Ok(()) => Ok(true),
        Err(AppError::Forbidden(_) | AppError::Unauthorized(_)) => Ok(false),
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------- views

/// One version of a report.
#[derive(Debug, Clone)]
pub struct VersionView {
    pub seq: i64,
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub actor: String,
    pub at: OffsetDateTime,
    pub note: Option<String>,
    pub narrative: Narrative,
}

/// A report with what a reader needs.
#[derive(Debug, Clone)]
pub struct ReportView {
    pub id: Uuid,
    pub unit: Unit,
    pub parent: Option<Unit>,
    pub plan_id: String,
    pub plan_name: String,
    pub plan_document: Option<String>,
    /// "Kế hoạch số 38/KH-UBND" ([`ntm_domain::plans::Plan::reference`]).
    pub plan_reference: String,
    /// "Kế hoạch số 38/KH-UBND ngày 18/04/2023 của UBND tỉnh Trà Vinh".
    pub plan_citation: String,
    /// The plan's recipient ("Sở Nông nghiệp và Phát triển nông thôn").
    pub recipient: String,
    pub period: ReportPeriod,
    pub due: Date,
    pub state: ReportState,
    pub version: i64,
    pub first_submitted: Option<Date>,
    pub timeliness: Timeliness,
    /// The parent closed the period.
    pub closed: bool,
    pub narrative: Narrative,
    /// Live while the report is with the unit; the submitted snapshot afterwards.
    pub figures: Vec<Figure>,
    pub figures_are_snapshot: bool,
    /// The reason of the last return, while the report is returned.
    pub return_reason: Option<String>,
    pub versions: Vec<VersionView>,
    pub created_by: String,
    /// The actor may edit and submit (state allowing).
    pub can_write: bool,
    /// The actor may accept and return (state allowing).
    pub can_review: bool,
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("report data: {e}"))
}

fn parse_iso(s: &str) -> Option<Date> {
    ntm_domain::text::parse_date(s)
}

fn rule_error(e: ReportError) -> AppError {
    match e {
        ReportError::AlreadySubmitted
        | ReportError::AlreadyAccepted
        | ReportError::PeriodClosed
        | ReportError::NotEditable
        | ReportError::NotSubmitted => AppError::Conflict(e.to_string()),
        other => AppError::invalid("report", other.to_string()),
    }
}

fn version_view(v: &ReportVersionRecord) -> VersionView {
    VersionView {
        seq: v.seq,
        action: v.action.clone(),
        from_state: v.from_state.clone(),
        to_state: v.to_state.clone(),
        actor: v.actor.clone(),
        at: v.created_at,
        note: v.note.clone(),
        narrative: serde_json::from_str(&v.narrative).unwrap_or_default(),
    }
}

async fn load(app: &App, id: Uuid) -> Result<(ReportRecord, Unit, Option<Unit>), AppError> {
    let r = app
        .db
        .report(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("report {id}")))?;
    let unit = app
        .db
        .unit_by_id(r.unit_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("unit of report {id}")))?;
    let parent = match r.parent_unit_id {
        Some(p) => app.db.unit_by_id(p).await?,
        None => None,
    };
    Ok((r, unit, parent))
}

async fn is_closed(app: &App, r: &ReportRecord) -> Result<bool, AppError> {
    Ok(match r.parent_unit_id {
        Some(p) => app
            .db
            .report_closure(p, &r.plan_id, &r.kind, r.year)
            .await?
            .is_some(),
        None => false,
    })
}

async fn build_view(
    app: &App,
    actor: &Actor,
    r: ReportRecord,
    unit: Unit,
    parent: Option<Unit>,
) -> Result<ReportView, AppError> {
    let plan = plan_by_id(&r.plan_id)?;
    let kind = PeriodKind::parse(&r.kind).ok_or_else(|| internal(&r.kind))?;
    let schedule = schedule_of(plan, kind)?;
    let state = ReportState::parse(&r.state).ok_or_else(|| internal(&r.state))?;
    let due = parse_iso(&r.due_date).ok_or_else(|| internal(&r.due_date))?;
    let first_submitted = r.first_submitted.as_deref().and_then(parse_iso);
    let records = app.db.report_versions(r.id).await?;
    let versions: Vec<VersionView> = records.iter().map(version_view).collect();
    let narrative = versions
        .last()
        .map(|v| v.narrative.clone())
        .unwrap_or_default();
    let (figures, snapshot) = if state.editable() {
        (live_figures(app, actor, plan, &unit, r.year).await?, false)
    } else {
        let snap = records
            .iter()
            .rev()
            .find(|v| v.action == "submit")
            .and_then(|v| serde_json::from_str::<Vec<Figure>>(&v.figures).ok())
            .unwrap_or_default();
        (snap, true)
    };
    let return_reason = if state == ReportState::Returned {
        versions
            .iter()
            .rev()
            .find(|v| v.action == "return")
            .and_then(|v| v.note.clone())
    } else {
        None
    };
    let can_write = state.editable() && allowed(require_writer(app, actor, &unit).await).await?;
    let can_review = state == ReportState::Submitted
        && allowed(require_reviewer(app, actor, parent.as_ref()).await).await?;
    let closed = is_closed(app, &r).await?;
    Ok(ReportView {
        id: r.id,
        unit,
        parent,
        plan_id: plan.id.clone(),
        plan_name: plan.name.clone(),
        plan_document: plan.document.clone(),
        plan_reference: plan.reference(),
        plan_citation: plan.citation(),
        recipient: schedule.to.clone(),
        period: ReportPeriod::new(kind, r.year),
        due,
        state,
        version: r.version,
        first_submitted,
        timeliness: rules::timeliness(due, first_submitted, today()),
        closed,
        narrative,
        figures,
        figures_are_snapshot: snapshot,
        return_reason,
        versions,
        created_by: r.created_by,
        can_write,
        can_review,
    })
}

mod actions;
mod document;
mod figures;
mod listing;
mod page;
mod xlsx;

pub use actions::*;
pub use document::*;
pub use figures::*;
pub use listing::*;
pub use page::{ActOutcome, Refusal, ReportListPage, act_on_page, list_page};
pub use xlsx::*;

#[cfg(test)]
mod tests {
    use super::document::{lower_first, roman};
    use super::*;

    #[test]
    fn numbers_and_targets_in_vi_format() {
        assert_eq!(number_text(1234.5, false), "1.234,5");
        assert_eq!(number_text(30.0, true), "30 %");
        assert_eq!(number_text(33.333, true), "33,3 %");
        let f = Figure {
            code: "1a".into(),
            text: "x".into(),
            op: ">=".into(),
            target: 30.0,
            target_display: "≥ 30 %".into(),
            percent: true,
            actual: Some(12.5),
            actual_display: "12,5 %".into(),
            status: "off_track".into(),
            agency: None,
            agency_inherited: false,
            level: "province".into(),
            due_year: 2023,
        };
        assert_eq!(f.target_text(), "≥ 30 %");
        assert_eq!(f.actual_text(), "12,5 %");
        assert_eq!(roman(4), "IV");
        assert_eq!(lower_first("Kế hoạch"), "kế hoạch");
    }
}
