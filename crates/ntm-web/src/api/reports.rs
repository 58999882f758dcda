//! `/api/v1/units/{code}/reports` and `/api/v1/reports/{id}`: periodic progress reports
//! (báo cáo định kỳ) as JSON — a unit's periods and its children's reports, and one report
//! with its narrative, figures and versions (`ntm_app::reports`; the XLSX and PDF stay on
//! the pages).

use axum::extract::{Path, State};
use axum::response::Json;
use ntm_app::reports::{ChildReport, Figure, OwnPeriod, ParentPeriod, ReportView, UnitReports};
use ntm_domain::reports::{Narrative, Timeliness};
use ntm_domain::units::Unit;
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

use crate::ctx::Ctx;
use crate::error::{Problem, WebError};
use crate::request::parse_id;
use crate::state::AppState;

/// A unit as a report names it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportUnitDto {
    pub code: String,
    pub name: String,
    pub level: String,
}

impl From<&Unit> for ReportUnitDto {
    fn from(u: &Unit) -> ReportUnitDto {
        ReportUnitDto {
            code: u.code.clone(),
            name: u.name.clone(),
            level: u.level.as_str().to_string(),
        }
    }
}

/// Whether a report came in on time.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelinessDto {
    /// pending, on_time, late or missing
    pub status: String,
    /// late / missing: days after the due day.
    pub days: Option<i64>,
}

impl From<Timeliness> for TimelinessDto {
    fn from(t: Timeliness) -> TimelinessDto {
        let days = match t {
            Timeliness::Late { days } | Timeliness::Missing { days } => Some(days),
            Timeliness::Pending | Timeliness::OnTime => None,
        };
        TimelinessDto {
            status: t.as_str().to_string(),
            days,
        }
    }
}

/// A period the unit itself reports for.
#[derive(Debug, Serialize, ToSchema)]
pub struct OwnPeriodDto {
    pub plan: String,
    pub plan_name: String,
    /// six_month or annual
    pub kind: String,
    pub year: i32,
    #[schema(format = Date)]
    pub due: String,
    /// Code of the unit it reports to, on the due date.
    pub parent: Option<String>,
    /// The report, once opened.
    pub report_id: Option<String>,
    /// draft, submitted, returned or accepted; null before it is opened.
    pub state: Option<String>,
    #[schema(format = Date)]
    pub first_submitted: Option<String>,
    pub timeliness: TimelinessDto,
    /// The parent closed the period.
    pub closed: bool,
}

impl From<&OwnPeriod> for OwnPeriodDto {
    fn from(p: &OwnPeriod) -> OwnPeriodDto {
        OwnPeriodDto {
            plan: p.plan_id.clone(),
            plan_name: p.plan_name.clone(),
            kind: p.period.kind.as_str().to_string(),
            year: p.period.year,
            due: p.due.to_string(),
            parent: p.parent_code.clone(),
            report_id: p.report_id.map(|i| i.to_string()),
            state: p.state.map(|s| s.as_str().to_string()),
            first_submitted: p.first_submitted.map(|d| d.to_string()),
            timeliness: p.timeliness.into(),
            closed: p.closed,
        }
    }
}

/// A child's report for a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChildReportDto {
    pub unit: ReportUnitDto,
    pub report_id: Option<String>,
    pub state: Option<String>,
    #[schema(format = Date)]
    pub first_submitted: Option<String>,
    pub timeliness: TimelinessDto,
}

impl From<&ChildReport> for ChildReportDto {
    fn from(c: &ChildReport) -> ChildReportDto {
        ChildReportDto {
            unit: ReportUnitDto::from(&c.unit),
            report_id: c.report_id.map(|i| i.to_string()),
            state: c.state.map(|s| s.as_str().to_string()),
            first_submitted: c.first_submitted.map(|d| d.to_string()),
            timeliness: c.timeliness.into(),
        }
    }
}

/// The reports the unit's children owe it for a period.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParentPeriodDto {
    pub plan: String,
    pub plan_name: String,
    pub kind: String,
    pub year: i32,
    #[schema(format = Date)]
    pub due: String,
    /// Closed by (username), RFC 3339 time; null while open.
    pub closed_by: Option<String>,
    #[schema(format = DateTime)]
    pub closed_at: Option<String>,
    pub children: Vec<ChildReportDto>,
    pub late: usize,
    pub missing: usize,
}

impl From<&ParentPeriod> for ParentPeriodDto {
    fn from(p: &ParentPeriod) -> ParentPeriodDto {
        ParentPeriodDto {
            plan: p.plan_id.clone(),
            plan_name: p.plan_name.clone(),
            kind: p.period.kind.as_str().to_string(),
            year: p.period.year,
            due: p.due.to_string(),
            closed_by: p.closed.as_ref().map(|(by, _)| by.clone()),
            closed_at: p
                .closed
                .as_ref()
                .and_then(|(_, at)| at.format(&Rfc3339).ok()),
            children: p.children.iter().map(ChildReportDto::from).collect(),
            late: p.late,
            missing: p.missing,
        }
    }
}

/// A unit's own report periods and, for a parent, its children's reports.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitReportsDto {
    pub unit: ReportUnitDto,
    /// Newest due date first.
    pub own: Vec<OwnPeriodDto>,
    pub children: Vec<ParentPeriodDto>,
    /// The caller may open and write this unit's reports.
    pub can_write: bool,
}

impl From<&UnitReports> for UnitReportsDto {
    fn from(r: &UnitReports) -> UnitReportsDto {
        UnitReportsDto {
            unit: ReportUnitDto::from(&r.unit),
            own: r.own.iter().map(OwnPeriodDto::from).collect(),
            children: r.children.iter().map(ParentPeriodDto::from).collect(),
            can_write: r.can_write,
        }
    }
}

/// The periodic reports of a unit: each period of the shipped plans it reports for (with
/// the report's state and timeliness) and the reports its children owe it. Bounded by the
/// plans' schedules, so not paged.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/reports",
    tag = "plans",
    summary = "Periodic reports of a unit",
    params(("code" = String, Path, description = "Official unit code, e.g. 847")),
    responses(
        (status = 200, description = "The unit's periods and its children's reports", body = UnitReportsDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The unit is outside the user's scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such unit", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn unit_reports(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Json<UnitReportsDto>, WebError> {
    ctx.require_user()?;
    let r = ntm_app::reports::unit_reports(&st.app, &ctx.actor(), &code).await?;
    Ok(Json(UnitReportsDto::from(&r)))
}

/// The four sections of a report's narrative.
#[derive(Debug, Serialize, ToSchema)]
pub struct NarrativeDto {
    pub achievements: String,
    pub shortcomings: String,
    pub directions: String,
    pub proposals: String,
}

impl From<&Narrative> for NarrativeDto {
    fn from(n: &Narrative) -> NarrativeDto {
        NarrativeDto {
            achievements: n.achievements.clone(),
            shortcomings: n.shortcomings.clone(),
            directions: n.directions.clone(),
            proposals: n.proposals.clone(),
        }
    }
}

/// One target's figure in a report.
#[derive(Debug, Serialize, ToSchema)]
pub struct FigureDto {
    pub code: String,
    pub text: String,
    pub op: String,
    pub target: f64,
    pub target_display: String,
    pub percent: bool,
    pub actual: Option<f64>,
    pub actual_display: String,
    /// met, on_track, at_risk, off_track or no_data
    pub status: String,
    pub agency: Option<String>,
    pub agency_inherited: bool,
    pub level: String,
    pub due_year: i32,
}

impl From<&Figure> for FigureDto {
    fn from(f: &Figure) -> FigureDto {
        FigureDto {
            code: f.code.clone(),
            text: f.text.clone(),
            op: f.op.clone(),
            target: f.target,
            target_display: f.target_display.clone(),
            percent: f.percent,
            actual: f.actual,
            actual_display: f.actual_display.clone(),
            status: f.status.clone(),
            agency: f.agency.clone(),
            agency_inherited: f.agency_inherited,
            level: f.level.clone(),
            due_year: f.due_year,
        }
    }
}

/// One version of a report (every change is one).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportVersionDto {
    pub seq: i64,
    /// create, save, submit, accept or return
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub actor: String,
    #[schema(format = DateTime)]
    pub at: String,
    /// The reason of a return.
    pub note: Option<String>,
}

/// A periodic report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDto {
    pub id: String,
    pub unit: ReportUnitDto,
    /// The unit it reports to; null for a province.
    pub parent: Option<ReportUnitDto>,
    pub plan: String,
    pub plan_name: String,
    /// "Kế hoạch số 38/KH-UBND ngày 18/04/2023 của UBND tỉnh Trà Vinh".
    pub plan_citation: String,
    /// The plan's recipient of the reports.
    pub recipient: String,
    pub kind: String,
    pub year: i32,
    #[schema(format = Date)]
    pub due: String,
    /// draft, submitted, returned or accepted
    pub state: String,
    /// Name it when changing the report (optimistic concurrency on the pages).
    pub version: i64,
    #[schema(format = Date)]
    pub first_submitted: Option<String>,
    pub timeliness: TimelinessDto,
    pub closed: bool,
    pub narrative: NarrativeDto,
    pub figures: Vec<FigureDto>,
    /// The figures are the snapshot taken at submission (else live, as the dashboard).
    pub figures_are_snapshot: bool,
    /// While returned: why.
    pub return_reason: Option<String>,
    pub versions: Vec<ReportVersionDto>,
    pub created_by: String,
}

impl From<&ReportView> for ReportDto {
    fn from(r: &ReportView) -> ReportDto {
        ReportDto {
            id: r.id.to_string(),
            unit: ReportUnitDto::from(&r.unit),
            parent: r.parent.as_ref().map(ReportUnitDto::from),
            plan: r.plan_id.clone(),
            plan_name: r.plan_name.clone(),
            plan_citation: r.plan_citation.clone(),
            recipient: r.recipient.clone(),
            kind: r.period.kind.as_str().to_string(),
            year: r.period.year,
            due: r.due.to_string(),
            state: r.state.as_str().to_string(),
            version: r.version,
            first_submitted: r.first_submitted.map(|d| d.to_string()),
            timeliness: r.timeliness.into(),
            closed: r.closed,
            narrative: NarrativeDto::from(&r.narrative),
            figures: r.figures.iter().map(FigureDto::from).collect(),
            figures_are_snapshot: r.figures_are_snapshot,
            return_reason: r.return_reason.clone(),
            versions: r
                .versions
                .iter()
                .map(|v| ReportVersionDto {
                    seq: v.seq,
                    action: v.action.clone(),
                    from_state: v.from_state.clone(),
                    to_state: v.to_state.clone(),
                    actor: v.actor.clone(),
                    at: v.at.format(&Rfc3339).unwrap_or_default(),
                    note: v.note.clone(),
                })
                .collect(),
            created_by: r.created_by.clone(),
        }
    }
}

/// One periodic report with its narrative, figures and versions (for those who may view its
/// unit).
#[utoipa::path(
    get,
    path = "/api/v1/reports/{id}",
    tag = "plans",
    summary = "A periodic report",
    params(("id" = String, Path, description = "Report id (UUID)")),
    responses(
        (status = 200, description = "The report", body = ReportDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The unit is outside the user's scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such report", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_report(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<ReportDto>, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "report")?;
    let r = ntm_app::reports::get(&st.app, &ctx.actor(), id).await?;
    Ok(Json(ReportDto::from(&r)))
}
