//! `/api/v1/units/{code}/plans` and `/api/v1/plans/{id}`: the plans of a province and a
//! plan's targets with their actuals for a year — the figures of the plan dashboard
//! (`pages::plans`), computed once by `ntm_app::plans`. The XLSX stays on the pages.

use axum::extract::{Path, Query, State};
use axum::response::Json;
use ntm_app::plans::{LevelActual, PlanProgress, PlanSummary, TargetProgress, UnitFigure};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::ctx::Ctx;
use crate::error::{Problem, WebError};
use crate::state::AppState;

/// A periodic report a plan asks for.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanReportDto {
    /// six_month or annual
    pub kind: String,
    /// Due day of each year, MM-DD.
    #[schema(example = "06-25")]
    pub due: String,
    /// Level of the units that send it, when the plan says.
    pub from_level: Option<String>,
    /// To whom.
    pub to: String,
}

/// A plan (kế hoạch) as shipped in `data/plans`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanDto {
    #[schema(example = "tra-vinh-2023")]
    pub id: String,
    pub name: String,
    /// Document number, when known.
    pub document: Option<String>,
    #[schema(format = Date)]
    pub issued: Option<String>,
    pub issuer: Option<String>,
    /// The document as cited ("Kế hoạch số 38/KH-UBND ngày 18/04/2023 của UBND tỉnh Trà Vinh").
    pub citation: String,
    /// Caveat on the citation (e.g. read from a news summary, no document number).
    pub document_note: Option<String>,
    /// Code of the province the plan belongs to.
    pub province: String,
    #[schema(format = Date)]
    pub period_from: String,
    #[schema(format = Date)]
    pub period_to: String,
    pub targets: usize,
    pub tasks: usize,
    pub reports: Vec<PlanReportDto>,
    /// Years with figures.
    pub years: Vec<i32>,
    /// A plan of a province merged into this one (2025): that province's name.
    pub predecessor: Option<String>,
}

impl From<&PlanSummary> for PlanDto {
    fn from(p: &PlanSummary) -> PlanDto {
        PlanDto {
            id: p.id.clone(),
            name: p.name.clone(),
            document: p.document.clone(),
            issued: p.issued.map(|d| d.to_string()),
            issuer: p.issuer.clone(),
            citation: p.citation.clone(),
            document_note: p.document_note.clone(),
            province: p.province.clone(),
            period_from: p.period_from.to_string(),
            period_to: p.period_to.to_string(),
            targets: p.targets,
            tasks: p.tasks,
            reports: p
                .reports
                .iter()
                .map(|r| PlanReportDto {
                    kind: r.kind.as_str().to_string(),
                    due: format!("{:02}-{:02}", r.due_month, r.due_day),
                    from_level: r.from_level.map(|l| l.as_str().to_string()),
                    to: r.to.clone(),
                })
                .collect(),
            years: p.years.clone(),
            predecessor: p.predecessor.clone(),
        }
    }
}

/// The plans of a unit's province.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanListDto {
    /// The unit asked for.
    pub unit: String,
    pub plans: Vec<PlanDto>,
}

/// The plans of the unit's province (and of the provinces merged into it), for users whose
/// scope covers the unit.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/plans",
    tag = "plans",
    summary = "Plans of a unit's province",
    params(("code" = String, Path, description = "Official unit code, e.g. 84")),
    responses(
        (status = 200, description = "The plans (a few per province: not paged)", body = PlanListDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The unit is outside the user's scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such unit", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_plans(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Json<PlanListDto>, WebError> {
    ctx.require_user()?;
    let plans = ntm_app::plans::list_plans(&st.app, &ctx.actor(), &code).await?;
    Ok(Json(PlanListDto {
        unit: code,
        plans: plans.iter().map(PlanDto::from).collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgressParams {
    /// The year whose figures are used (statuses judged on 31/12, or today if earlier);
    /// default: this year within the plan's years.
    pub year: Option<i32>,
    /// Only the units under this unit (a district's own figures); default: the province.
    pub unit: Option<String>,
}

/// The actual of one level.
#[derive(Debug, Serialize, ToSchema)]
pub struct LevelActualDto {
    /// province, district, commune or hamlet
    pub level: String,
    /// Units of the level in scope.
    pub units: u32,
    /// Units with a value (or evaluated with a known result).
    pub with_value: u32,
    pub actual: Option<f64>,
    /// As the dashboard shows it ("45,5 %", "—").
    pub display: String,
    /// Confirmed count of units meeting it (share/count of units meeting a set).
    pub met: Option<u32>,
    /// Provisional share on thresholds still to confirm, never mixed with `actual`.
    pub tentative: Option<f64>,
    pub no_known_shortfall: Option<f64>,
    /// met, on_track, at_risk, off_track or no_data
    pub status: String,
}

impl From<&LevelActual> for LevelActualDto {
    fn from(l: &LevelActual) -> LevelActualDto {
        LevelActualDto {
            level: l.level.as_str().to_string(),
            units: l.units,
            with_value: l.with_value,
            actual: l.actual,
            display: l.display.clone(),
            met: l.met,
            tentative: l.tentative,
            no_known_shortfall: l.no_known_shortfall,
            status: l.status.as_str().to_string(),
        }
    }
}

/// A year of a target's trend.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrendPointDto {
    pub year: i32,
    pub actual: Option<f64>,
    pub display: String,
    pub status: String,
}

/// One unit behind an actual.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitFigureDto {
    pub code: String,
    pub name: String,
    pub level: String,
    /// The unit's value; null when none is entered.
    pub value: Option<f64>,
    pub display: String,
    /// Meets it (confirmed).
    pub met: Option<bool>,
    /// Met on thresholds still to confirm ("tạm đạt").
    pub tentatively_met: Option<bool>,
    pub no_known_shortfall: Option<bool>,
    /// Measures: who entered the current value, and the day (dd/mm/yyyy).
    pub entered_by: Option<String>,
    pub entered_on: Option<String>,
    /// Measures: the note of the current value (sample values say so).
    pub note: Option<String>,
}

impl From<&UnitFigure> for UnitFigureDto {
    fn from(u: &UnitFigure) -> UnitFigureDto {
        UnitFigureDto {
            code: u.code.clone(),
            name: u.name.clone(),
            level: u.level.as_str().to_string(),
            value: u.value,
            display: u.display.clone(),
            met: u.met,
            tentatively_met: u.tentatively_met,
            no_known_shortfall: u.no_known_shortfall,
            entered_by: u.entered_by.clone(),
            entered_on: u.entered_on.clone(),
            note: u.note.clone(),
        }
    }
}

/// A target (chỉ tiêu) with its actual for the year.
#[derive(Debug, Serialize, ToSchema)]
pub struct TargetDto {
    #[schema(example = "1a-huyen")]
    pub code: String,
    pub text: String,
    /// Where the plan states it.
    pub cite: Option<String>,
    pub note: Option<String>,
    /// measure, share_meeting, count_meeting or count
    pub metric_kind: String,
    /// The measure's name, or "set · indicator".
    pub metric_label: String,
    pub levels: Vec<String>,
    /// >=, >, <=, < or =
    pub op: String,
    pub value: f64,
    /// "≥ 30 %"
    pub target_display: String,
    /// Year the target is due.
    pub due: i32,
    pub agency: Option<String>,
    /// The agency is the plan's lead (the document names none for this target).
    pub agency_inherited: bool,
    pub agency_cite: Option<String>,
    /// With several levels, the lowest (every level must meet the target).
    pub actual: Option<f64>,
    pub actual_display: String,
    pub is_percent: bool,
    /// Expected value by now on the linear path.
    pub expected_display: Option<String>,
    /// met, on_track, at_risk, off_track or no_data
    pub status: String,
    pub per_level: Vec<LevelActualDto>,
    pub trend: Vec<TrendPointDto>,
    pub units: Vec<UnitFigureDto>,
}

impl From<&TargetProgress> for TargetDto {
    fn from(t: &TargetProgress) -> TargetDto {
        TargetDto {
            code: t.code.clone(),
            text: t.text.clone(),
            cite: t.cite.clone(),
            note: t.note.clone(),
            metric_kind: t.metric_kind.to_string(),
            metric_label: t.metric_label.clone(),
            levels: t.levels.iter().map(|l| l.as_str().to_string()).collect(),
            op: t.op.to_string(),
            value: t.value,
            target_display: t.target_display.clone(),
            due: t.due,
            agency: t.agency.clone(),
            agency_inherited: t.agency_inherited,
            agency_cite: t.agency_cite.clone(),
            actual: t.actual,
            actual_display: t.actual_display.clone(),
            is_percent: t.is_percent,
            expected_display: t.expected_display.clone(),
            status: t.status.as_str().to_string(),
            per_level: t.per_level.iter().map(LevelActualDto::from).collect(),
            trend: t
                .trend
                .iter()
                .map(|p| TrendPointDto {
                    year: p.year,
                    actual: p.actual,
                    display: p.display.clone(),
                    status: p.status.as_str().to_string(),
                })
                .collect(),
            units: t.units.iter().map(UnitFigureDto::from).collect(),
        }
    }
}

/// A plan's targets and their actuals for a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanProgressDto {
    pub plan: PlanDto,
    pub lead_agency: Option<String>,
    pub scope: Option<String>,
    pub year: i32,
    /// The day the statuses are judged on.
    #[schema(format = Date)]
    pub as_of: String,
    /// The unit the figures cover.
    pub unit_code: String,
    pub unit_name: String,
    pub unit_level: String,
    pub targets: Vec<TargetDto>,
}

impl From<&PlanProgress> for PlanProgressDto {
    fn from(p: &PlanProgress) -> PlanProgressDto {
        PlanProgressDto {
            plan: PlanDto::from(&p.plan),
            lead_agency: p.lead_agency.clone(),
            scope: p.scope.clone(),
            year: p.year,
            as_of: p.as_of.to_string(),
            unit_code: p.unit_code.clone(),
            unit_name: p.unit_name.clone(),
            unit_level: p.unit_level.as_str().to_string(),
            targets: p.targets.iter().map(TargetDto::from).collect(),
        }
    }
}

/// A plan's targets with their actuals, status, trend and the units behind them, for a year
/// and the province or a unit in it (what the plan dashboard shows).
#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}",
    tag = "plans",
    summary = "A plan's targets and progress",
    params(("id" = String, Path, description = "Plan id, e.g. tra-vinh-2023"), ProgressParams),
    responses(
        (status = 200, description = "The plan's targets and their actuals", body = PlanProgressDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The unit is outside the user's scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan or unit", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a year, or a unit outside the plan's province", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn plan_progress(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<ProgressParams>,
) -> Result<Json<PlanProgressDto>, WebError> {
    ctx.require_user()?;
    let unit = q.unit.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let p = ntm_app::plans::progress_for(&st.app, &ctx.actor(), &id, q.year, unit).await?;
    Ok(Json(PlanProgressDto::from(&p)))
}
