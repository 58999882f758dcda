//! The reports page of a unit: its own periods and its children's reports.

use ntm_domain::reports::{self as rules, ReportPeriod, ReportState, Timeliness};
use ntm_domain::units::{Level, Unit};
use ntm_store::ReportRecord;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{
    allowed, is_closed, parent_on, parse_iso, plans_with_reports, report_years, require_reviewer,
    require_view, require_writer, schedule, slots_of,
};
use crate::authz::Actor;
use crate::{App, AppError, today};

/// One period of a unit's own reports.
#[derive(Debug, Clone)]
pub struct OwnPeriod {
    pub plan_id: String,
    pub plan_name: String,
    pub period: ReportPeriod,
    pub due: Date,
    /// The record of the unit on the due date.
    pub unit: Unit,
    pub parent_code: Option<String>,
    pub report_id: Option<Uuid>,
    pub state: Option<ReportState>,
    pub first_submitted: Option<Date>,
    pub timeliness: Timeliness,
    pub closed: bool,
}

/// One child expected to report to a parent for a period.
#[derive(Debug, Clone)]
pub struct ChildReport {
    pub unit: Unit,
    pub report_id: Option<Uuid>,
    pub state: Option<ReportState>,
    pub first_submitted: Option<Date>,
    pub timeliness: Timeliness,
}

/// The children's reports of one period, for their parent.
#[derive(Debug, Clone)]
pub struct ParentPeriod {
    pub plan_id: String,
    pub plan_name: String,
    pub period: ReportPeriod,
    pub due: Date,
    /// The parent's record on the due date.
    pub parent: Unit,
    pub closed: Option<(String, OffsetDateTime)>,
    pub children: Vec<ChildReport>,
    pub late: usize,
    pub missing: usize,
    /// The actor may close the period (not closed yet).
    pub can_close: bool,
}

/// A unit's reports by period, and the reports its children owe it.
#[derive(Debug, Clone)]
pub struct UnitReports {
    /// Today's record (or the latest) of the unit.
    pub unit: Unit,
    pub own: Vec<OwnPeriod>,
    pub children: Vec<ParentPeriod>,
    /// The actor may open and write this unit's reports.
    pub can_write: bool,
}

fn state_of(r: &ReportRecord) -> Option<ReportState> {
    ReportState::parse(&r.state)
}

/// The reports page of a unit: its own periods, and for a parent its children's reports
/// with the late and missing ones counted.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code))]
pub async fn unit_reports(app: &App, actor: &Actor, code: &str) -> Result<UnitReports, AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let versions = app.db.unit_versions(code).await?;
    let t = today();
    let unit = versions
        .iter()
        .filter(|u| u.is_valid_on(t))
        .min_by_key(|u| u.level)
        .or_else(|| versions.last())
        .cloned()
        .ok_or_else(|| AppError::NotFound(format!("unit {code}")))?;
    require_view(app, actor, &unit).await?;
    let can_write = allowed(require_writer(app, actor, &unit).await).await?;

    let stored = app.db.reports_of_unit_code(code).await?;
    let mut own = Vec::new();
    for s in slots_of(app, code).await? {
        let r = stored.iter().find(|r| {
            r.unit_id == s.unit.id
                && r.plan_id == s.plan.id
                && r.kind == s.period.kind.as_str()
                && r.year == s.period.year
        });
        let parent = match r {
            Some(r) => r.parent_code.clone(),
            None => s.unit.parent_code.clone(),
        };
        let closed = match r {
            Some(r) => is_closed(app, r).await?,
            None => match parent_on(app, &s.unit, s.due).await? {
                Some(p) => app
                    .db
                    .report_closure(p.id, &s.plan.id, s.period.kind.as_str(), s.period.year)
                    .await?
                    .is_some(),
                None => false,
            },
        };
        let first = r.and_then(|r| r.first_submitted.as_deref().and_then(parse_iso));
        own.push(OwnPeriod {
            plan_id: s.plan.id.clone(),
            plan_name: s.plan.name.clone(),
            period: s.period,
            due: s.due,
            unit: s.unit.clone(),
            parent_code: parent,
            report_id: r.map(|r| r.id),
            state: r.and_then(state_of),
            first_submitted: first,
            timeliness: rules::timeliness(s.due, first, t),
            closed,
        });
    }

    // As a parent: for each plan of the unit's province and period, the direct children on
    // the due date that report under the plan.
    let mut children = Vec::new();
    for plan in plans_with_reports() {
        for sch in plan.reports.iter().map(schedule) {
            for year in report_years(plan).rev() {
                let period = ReportPeriod::new(sch.kind, year);
                let due = period.due(sch.due);
                if due < plan.period_from {
                    continue;
                }
                let Some(parent) = versions
                    .iter()
                    .filter(|u| u.is_valid_on(due) && u.level != Level::Hamlet)
                    .min_by_key(|u| u.level)
                else {
                    continue;
                };
                if parent.province_code != plan.province || parent.level == Level::Commune {
                    continue;
                }
                let kids: Vec<Unit> = app
                    .db
                    .children_on(&parent.code, due)
                    .await?
                    .into_iter()
                    .filter(|c| sch.reports(c.level))
                    .collect();
                if kids.is_empty() {
                    continue;
                }
                let reports = app
                    .db
                    .reports_to_parent(parent.id, &plan.id, sch.kind.as_str(), year)
                    .await?;
                let closure = app
                    .db
                    .report_closure(parent.id, &plan.id, sch.kind.as_str(), year)
                    .await?;
                let rows: Vec<ChildReport> = kids
                    .into_iter()
                    .map(|k| {
                        let r = reports.iter().find(|r| r.unit_id == k.id);
                        let first =
                            r.and_then(|r| r.first_submitted.as_deref().and_then(parse_iso));
                        ChildReport {
                            report_id: r.map(|r| r.id),
                            state: r.and_then(state_of),
                            first_submitted: first,
                            timeliness: rules::timeliness(due, first, t),
                            unit: k,
                        }
                    })
                    .collect();
                let late = rows
                    .iter()
                    .filter(|c| matches!(c.timeliness, Timeliness::Late { .. }))
                    .count();
                let missing = rows
                    .iter()
                    .filter(|c| matches!(c.timeliness, Timeliness::Missing { .. }))
                    .count();
                let can_close = closure.is_none()
                    && allowed(require_reviewer(app, actor, Some(parent)).await).await?;
                children.push(ParentPeriod {
                    plan_id: plan.id.clone(),
                    plan_name: plan.name.clone(),
                    period,
                    due,
                    parent: parent.clone(),
                    closed: closure.map(|c| (c.closed_by, c.closed_at)),
                    children: rows,
                    late,
                    missing,
                    can_close,
                });
            }
        }
    }
    children.sort_by(|a, b| b.due.cmp(&a.due).then(a.plan_id.cmp(&b.plan_id)));
    Ok(UnitReports {
        unit,
        own,
        children,
        can_write,
    })
}
