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
    self as rules, Narrative, PeriodKind, ReportAction, ReportError, ReportPeriod, ReportSchedule,
    ReportState, Timeliness,
};
use ntm_domain::text::{format_date_vi, format_number_vi};
use ntm_domain::units::{Level, Unit};
use ntm_store::{ReportClosureRecord, ReportRecord, ReportVersionRecord};
use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::authz::{Actor, require};
use crate::criteria::require_on_unit;
use crate::{App, AppError, now, today};

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

// ---------------------------------------------------------------- figures

/// One figure of a report: a target of the plan with its actual value for the unit.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct Figure {
    pub code: String,
    pub text: String,
    /// ">=", ">", "<=", "<", "="
    pub op: String,
    pub target: f64,
    /// The target as the plan dashboard shows it ("≥ 30 %").
    pub target_display: String,
    pub percent: bool,
    pub actual: Option<f64>,
    /// The actual as the plan dashboard shows it ("12,5 %", "—").
    pub actual_display: String,
    /// Status key (`met`, `on_track`, `at_risk`, `off_track`, `no_data`…) as the plan
    /// dashboard gives it.
    pub status: String,
    pub agency: Option<String>,
    /// The agency is the plan's lead (the plan names none for this target).
    #[serde(default)]
    pub agency_inherited: bool,
    pub level: String,
    pub due_year: i32,
}

impl Figure {
    /// "≥ 30 %", as the plan dashboard shows it.
    pub fn target_text(&self) -> String {
        self.target_display.clone()
    }

    /// "30,5 %" as the plan dashboard shows it, or "" when there is no value.
    pub fn actual_text(&self) -> String {
        if self.actual.is_some() {
            self.actual_display.clone()
        } else {
            String::new()
        }
    }
}

/// vi-VN number: whole numbers without decimals, others with one ("1.234,5"), "%" for shares.
pub fn number_text(v: f64, percent: bool) -> String {
    let s = if (v - v.round()).abs() < 1e-9 {
        format_number_vi(v, 0)
    } else {
        format_number_vi(v, 1)
    };
    if percent { format!("{s} %") } else { s }
}

/// The figures of `unit` for a plan and year, as the plan dashboard computes them.
pub async fn live_figures(
    app: &App,
    actor: &Actor,
    plan: &Plan,
    unit: &Unit,
    year: i32,
) -> Result<Vec<Figure>, AppError> {
    let progress =
        crate::plans::plan_progress(app, actor, &plan.id, year, Some(&unit.code)).await?;
    // The targets measured at the unit's level or below (a district does not report the
    // province's own figures); counts of pilots have no level and are kept.
    Ok(progress
        .targets
        .iter()
        .filter(|t| t.levels.is_empty() || t.levels.iter().any(|l| *l >= unit.level))
        .map(|t| Figure {
            code: t.code.clone(),
            text: t.text.clone(),
            op: t.op.to_owned(),
            target: t.value,
            target_display: t.target_display.clone(),
            percent: t.is_percent,
            actual: t.actual,
            actual_display: t.actual_display.clone(),
            status: t.status.as_str().to_owned(),
            agency: t.agency.clone(),
            agency_inherited: t.agency_inherited,
            level: t
                .levels
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join(","),
            due_year: t.due,
        })
        .collect())
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

// ---------------------------------------------------------------- use cases

/// Which report: a unit code, a plan, a kind and a year.
#[derive(Debug, Clone)]
pub struct ReportKey {
    pub unit_code: String,
    pub plan_id: String,
    pub kind: PeriodKind,
    pub year: i32,
}

/// Opens the report of a unit for a plan, kind and year: the existing one, or a new draft
/// (by the unit's officers). Returns the report id.
pub async fn open(app: &App, actor: &Actor, key: &ReportKey) -> Result<Uuid, AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let s = slot(app, &key.unit_code, &key.plan_id, key.kind, key.year).await?;
    require_view(app, actor, &s.unit).await?;
    if let Some(r) = app
        .db
        .report_by_key(s.unit.id, &s.plan.id, key.kind.as_str(), key.year)
        .await?
    {
        return Ok(r.id);
    }
    require_writer(app, actor, &s.unit).await?;
    let parent = parent_on(app, &s.unit, s.due).await?;
    let at = now();
    let id = Uuid::now_v7();
    let rec = ReportRecord {
        id,
        unit_id: s.unit.id,
        unit_code: s.unit.code.clone(),
        province_code: s.unit.province_code.clone(),
        plan_id: s.plan.id.clone(),
        kind: key.kind.as_str().to_owned(),
        year: key.year,
        parent_unit_id: parent.as_ref().map(|p| p.id),
        parent_code: parent.as_ref().map(|p| p.code.clone()),
        due_date: s.due.to_string(),
        state: ReportState::Draft.as_str().to_owned(),
        version: 1,
        first_submitted: None,
        created_by: actor.audit_name(),
        created_at: at,
        updated_at: at,
    };
    let first = ReportVersionRecord {
        id: Uuid::now_v7(),
        report_id: id,
        seq: 1,
        action: ReportAction::Create.as_str().to_owned(),
        from_state: "draft".into(),
        to_state: "draft".into(),
        actor: actor.audit_name(),
        narrative: serde_json::to_string(&Narrative::default()).map_err(internal)?,
        figures: "null".into(),
        note: None,
        created_at: at,
    };
    let entry = actor.audit_entry(
        "report.create",
        &format!("report:{id}"),
        serde_json::json!({
            "unit": s.unit.code, "plan": s.plan.id, "kind": key.kind.as_str(),
            "year": key.year, "parent": rec.parent_code, "due": rec.due_date,
        }),
    );
    match app.db.insert_report(&rec, &first, entry).await {
        Ok(_) => Ok(id),
        // Someone opened it at the same moment: use theirs.
        Err(ntm_store::StoreError::Conflict(_)) => app
            .db
            .report_by_key(s.unit.id, &s.plan.id, key.kind.as_str(), key.year)
            .await?
            .map(|r| r.id)
            .ok_or_else(|| AppError::Conflict("the report is being created".into())),
        Err(e) => Err(e.into()),
    }
}

/// One report with its versions (for those who may view its unit).
pub async fn get(app: &App, actor: &Actor, id: Uuid) -> Result<ReportView, AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let (r, unit, parent) = load(app, id).await?;
    require_view(app, actor, &unit).await?;
    build_view(app, actor, r, unit, parent).await
}

/// What someone does to a report, with the version they saw.
#[derive(Debug, Clone)]
pub enum Change {
    Save(Narrative),
    Submit,
    Accept,
    Return(String),
}

/// Applies a change through the domain's state machine and stores it as a new version.
pub async fn act(
    app: &App,
    actor: &Actor,
    id: Uuid,
    expected_version: i64,
    change: Change,
) -> Result<ReportView, AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let (r, unit, parent) = load(app, id).await?;
    require_view(app, actor, &unit).await?;
    let action = match &change {
        Change::Save(_) => ReportAction::Save,
        Change::Submit => ReportAction::Submit,
        Change::Accept => ReportAction::Accept,
        Change::Return(reason) => ReportAction::Return {
            reason: reason.trim().to_owned(),
        },
    };
    if action.by_parent() {
        require_reviewer(app, actor, parent.as_ref()).await?;
    } else {
        require_writer(app, actor, &unit).await?;
    }
    if r.version != expected_version {
        return Err(AppError::Conflict(format!(
            "the report was changed meanwhile (you saw version {expected_version}, it is now \
             at {}); reload it",
            r.version
        )));
    }
    let state = ReportState::parse(&r.state).ok_or_else(|| internal(&r.state))?;
    let closed = is_closed(app, &r).await?;
    let next = rules::transition(state, &action, closed).map_err(rule_error)?;
    let versions = app.db.report_versions(id).await?;
    let previous: Narrative = versions
        .last()
        .and_then(|v| serde_json::from_str(&v.narrative).ok())
        .unwrap_or_default();
    let narrative = match change {
        Change::Save(n) => n.cleaned().map_err(rule_error)?,
        _ => previous,
    };
    let figures = if action == ReportAction::Submit {
        let plan = plan_by_id(&r.plan_id)?;
        serde_json::to_string(&live_figures(app, actor, plan, &unit, r.year).await?)
            .map_err(internal)?
    } else {
        "null".to_owned()
    };
    let at = now();
    let v = ReportVersionRecord {
        id: Uuid::now_v7(),
        report_id: id,
        seq: r.version + 1,
        action: action.as_str().to_owned(),
        from_state: state.as_str().to_owned(),
        to_state: next.as_str().to_owned(),
        actor: actor.audit_name(),
        narrative: serde_json::to_string(&narrative).map_err(internal)?,
        figures,
        note: match &action {
            ReportAction::Return { reason } => Some(reason.clone()),
            _ => None,
        },
        created_at: at,
    };
    let submitted_on = today().to_string();
    let first_submitted = (action == ReportAction::Submit).then_some(submitted_on.as_str());
    let guard = if action == ReportAction::Submit {
        r.parent_unit_id
    } else {
        None
    };
    let entry = actor.audit_entry(
        &format!("report.{}", action.as_str()),
        &format!("report:{id}"),
        serde_json::json!({
            "unit": r.unit_code, "plan": r.plan_id, "kind": r.kind, "year": r.year,
            "from": state.as_str(), "to": next.as_str(), "version": v.seq,
            "reason": v.note,
        }),
    );
    let stored = app
        .db
        .append_report_version(r.version, next.as_str(), first_submitted, guard, &v, entry)
        .await
        .map_err(|e| match e {
            ntm_store::StoreError::Conflict(m) if m.contains("closed") => {
                rule_error(ReportError::PeriodClosed)
            }
            other => other.into(),
        })?;
    build_view(app, actor, stored, unit, parent).await
}

/// Closes a period for a parent unit: its children's reports of that period can no longer be
/// submitted. By the parent's officers.
pub async fn close_period(
    app: &App,
    actor: &Actor,
    parent_code: &str,
    plan_id: &str,
    kind: PeriodKind,
    year: i32,
) -> Result<(), AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let plan = plan_by_id(plan_id)?;
    let schedule = schedule_of(plan, kind)?;
    let due = ReportPeriod::new(kind, year).due(schedule.due);
    let parent = unit_on(app, parent_code, due)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("unit {parent_code} on {due}")))?;
    require_view(app, actor, &parent).await?;
    require_reviewer(app, actor, Some(&parent)).await?;
    let c = ReportClosureRecord {
        id: Uuid::now_v7(),
        parent_unit_id: parent.id,
        parent_code: parent.code.clone(),
        plan_id: plan.id.clone(),
        kind: kind.as_str().to_owned(),
        year,
        note: None,
        closed_by: actor.audit_name(),
        closed_at: now(),
    };
    let entry = actor.audit_entry(
        "report.close_period",
        &format!("unit:{}", parent.code),
        serde_json::json!({"plan": plan.id, "kind": kind.as_str(), "year": year}),
    );
    app.db
        .insert_report_closure(&c, entry)
        .await
        .map_err(|e| match e {
            ntm_store::StoreError::Conflict(_) => AppError::Conflict(format!(
                "kỳ báo cáo đã được khóa trước đó (the period was already closed for {})",
                parent.code
            )),
            other => other.into(),
        })?;
    Ok(())
}

// ---------------------------------------------------------------- lists

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

// ---------------------------------------------------------------- documents

/// The heading block of the document.
#[derive(Debug, Clone, Serialize)]
pub struct DocHeading {
    /// "UBND TỈNH TRÀ VINH" above the issuer (the parent for a district), or "".
    pub parent: String,
    /// "ỦY BAN NHÂN DÂN HUYỆN CÀNG LONG".
    pub issuer: String,
    /// "…/BC-UBND".
    pub number: String,
    pub place: String,
    /// "ngày 25 tháng 6 năm 2023".
    pub date: String,
    /// "Trà Vinh, ngày 25 tháng 6 năm 2023".
    pub place_date: String,
}

/// One figure as the documents print it (texts already in vi-VN format).
#[derive(Debug, Clone, Serialize)]
pub struct DocFigure {
    pub number: String,
    pub code: String,
    pub text: String,
    pub target: String,
    pub actual: String,
    pub actual_value: Option<f64>,
    pub status: String,
    pub agency: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DocSection {
    pub title: String,
    pub text: String,
}

/// Everything the XLSX and the PDF show (the PDF gets it as JSON).
#[derive(Debug, Clone, Serialize)]
pub struct ReportDocument {
    pub heading: DocHeading,
    /// "BÁO CÁO".
    pub title: String,
    /// "Kết quả thực hiện Kế hoạch … 6 tháng đầu năm 2023".
    pub subtitle: String,
    pub basis: String,
    pub figures: Vec<DocFigure>,
    pub figures_note: String,
    pub sections: Vec<DocSection>,
    pub recipients: Vec<String>,
    /// "TM. ỦY BAN NHÂN DÂN".
    pub signer_for: String,
    pub signer_title: String,
    pub signer_name: String,
    pub footer: String,
    pub file_stem: String,
}

/// Vietnamese status words as the documents print them.
pub fn status_vi(status: &str) -> &'static str {
    match status {
        "met" => "Đạt",
        "on_track" => "Đúng tiến độ",
        "at_risk" => "Có nguy cơ chậm",
        "off_track" => "Chậm tiến độ",
        "not_met" => "Không đạt",
        "no_data" => "Chưa có số liệu",
        _ => "Chưa đánh giá",
    }
}

fn people_committee(u: &Unit) -> String {
    // "Huyện Càng Long" → "Ủy ban nhân dân huyện Càng Long".
    format!("Ủy ban nhân dân {}", lower_first(&u.name))
}

/// The data of the exported report (the same for XLSX and PDF).
pub async fn document(app: &App, actor: &Actor, id: Uuid) -> Result<ReportDocument, AppError> {
    let v = get(app, actor, id).await?;
    let date = v
        .first_submitted
        .filter(|_| v.state.is_in())
        .unwrap_or_else(today);
    let place_unit = match v.unit.level {
        Level::Province => &v.unit,
        _ => v
            .parent
            .as_ref()
            .filter(|p| p.level == Level::Province)
            .unwrap_or(&v.unit),
    };
    let place = rules::place_name(&place_unit.name, &place_unit.kind);
    let place = if v.unit.level == Level::Province {
        place
    } else {
        rules::place_name(&v.unit.name, &v.unit.kind)
    };
    let parent_line = match (&v.parent, v.unit.level) {
        (Some(p), Level::Commune | Level::District) => format!("UBND {}", p.name).to_uppercase(),
        _ => String::new(),
    };
    let plan_ref = &v.plan_reference;
    let plan_citation = &v.plan_citation;
    let figures: Vec<DocFigure> = v
        .figures
        .iter()
        .enumerate()
        .map(|(i, f)| DocFigure {
            number: (i + 1).to_string(),
            code: f.code.clone(),
            text: f.text.clone(),
            target: f.target_text(),
            actual: if f.actual.is_some() {
                f.actual_text()
            } else {
                "Chưa có số liệu".to_owned()
            },
            actual_value: f.actual,
            status: status_vi(&f.status).to_owned(),
            agency: if f.agency_inherited {
                String::new()
            } else {
                f.agency.clone().unwrap_or_default()
            },
        })
        .collect();
    let lead = v
        .figures
        .iter()
        .find(|f| f.agency_inherited)
        .and_then(|f| f.agency.clone());
    let sections = v
        .narrative
        .sections()
        .iter()
        .enumerate()
        .map(|(i, (_, title, text))| DocSection {
            title: format!("{}. {title}", roman(i + 1)),
            text: if text.trim().is_empty() {
                "(chưa nhập nội dung)".to_owned()
            } else {
                (*text).to_owned()
            },
        })
        .collect();
    let mut recipients = Vec::new();
    if let Some(p) = &v.parent {
        recipients.push(format!("{} (báo cáo)", people_committee(p)));
    }
    recipients.push(format!("{} (báo cáo)", v.recipient));
    recipients.push("Lưu: VT.".to_owned());
    let committee = people_committee(&v.unit);
    Ok(ReportDocument {
        heading: DocHeading {
            parent: parent_line,
            issuer: committee.to_uppercase(),
            number: "…/BC-UBND".to_owned(),
            place: place.clone(),
            // "ngày 25 tháng 6 năm 2023": the shared heading prints it after the place as is.
            date: rules::place_date_line("", date)
                .trim_start_matches(", ")
                .to_owned(),
            place_date: rules::place_date_line(&place, date),
        },
        title: "Báo cáo".to_owned(),
        subtitle: format!("Kết quả thực hiện {plan_ref} {}", v.period.title_vi()),
        basis: format!(
            "Thực hiện {plan_citation} về {}, {} báo cáo kết quả thực hiện {} như sau:",
            lower_first(&v.plan_name),
            committee,
            v.period.title_vi()
        ),
        figures_note: format!(
            "{}{}",
            if v.figures_are_snapshot {
                "Số liệu tại thời điểm gửi báo cáo, tính từ dữ liệu của hệ thống NTM Số."
            } else {
                "Số liệu tính từ dữ liệu của hệ thống NTM Số tại thời điểm xuất báo cáo."
            },
            match &lead {
                Some(l) => format!(" Cơ quan chủ trì (khi chỉ tiêu không ghi riêng): {l}."),
                None => String::new(),
            }
        ),
        figures,
        sections,
        recipients,
        signer_for: "TM. Ủy ban nhân dân".to_uppercase(),
        signer_title: "CHỦ TỊCH".to_owned(),
        signer_name: String::new(),
        footer: format!(
            "Hạn gửi: {} · Trạng thái: {} · Phiên bản {}",
            format_date_vi(v.due),
            state_vi(v.state),
            v.version
        ),
        file_stem: format!(
            "bao-cao-{}-{}-{}-{}",
            v.plan_id,
            v.period.kind.as_str().replace('_', "-"),
            v.period.year,
            v.unit.code
        ),
    })
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn roman(n: usize) -> &'static str {
    ["", "I", "II", "III", "IV", "V", "VI"]
        .get(n)
        .copied()
        .unwrap_or("")
}

/// Vietnamese state words for documents.
pub fn state_vi(s: ReportState) -> &'static str {
    match s {
        ReportState::Draft => "Dự thảo",
        ReportState::Submitted => "Đã gửi",
        ReportState::Returned => "Bị trả lại",
        ReportState::Accepted => "Đã tiếp nhận",
    }
}

/// The report as an XLSX workbook.
pub async fn export_xlsx(
    app: &App,
    actor: &Actor,
    id: Uuid,
) -> Result<(Vec<u8>, String), AppError> {
    let d = document(app, actor, id).await?;
    let mut heading = vec![
        format!("{} — {}", d.title.to_uppercase(), d.subtitle),
        d.heading.issuer.clone(),
        format!("Số: {}", d.heading.number),
        d.heading.place_date.clone(),
        d.basis.clone(),
    ];
    if !d.heading.parent.is_empty() {
        heading.insert(1, d.heading.parent.clone());
    }
    let sheet = ntm_reports::periodic_xlsx::PeriodicSheet {
        heading,
        figures: d
            .figures
            .iter()
            .map(|f| ntm_reports::periodic_xlsx::FigureRow {
                code: f.code.clone(),
                text: f.text.clone(),
                target: f.target.clone(),
                actual: f.actual_value,
                actual_text: f.actual.clone(),
                status: f.status.clone(),
                agency: f.agency.clone(),
            })
            .collect(),
        sections: d
            .sections
            .iter()
            .map(|s| (s.title.clone(), s.text.clone()))
            .collect(),
        footer: std::iter::once(d.figures_note.clone())
            .chain(std::iter::once("Nơi nhận:".to_owned()))
            .chain(d.recipients.iter().map(|r| format!("- {r}")))
            .chain(std::iter::once(d.footer.clone()))
            .collect(),
    };
    let bytes = ntm_reports::periodic_xlsx::write_periodic(&sheet)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((bytes, format!("{}.xlsx", d.file_stem)))
}

#[cfg(test)]
mod tests {
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
