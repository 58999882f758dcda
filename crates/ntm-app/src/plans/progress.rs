//! Progress of a plan: every target with its actual, status, levels, trend and the units
//! behind it ([`plan_progress`]), the one computation used by the dashboard and the reports.

use ntm_domain::plans::{self, Metric, Plan, StatusInput, Target, TargetStatus};
use ntm_domain::text::format_number_vi;
use ntm_domain::units::Level;
use serde::Serialize;
use time::Date;

use crate::{Actor, App, AppError};

use super::actuals::{Scope, Work, level_actual};
use super::catalog::{measure, plan_by_id};
use super::list::{PlanSummary, dec31, jun30, province_record, require_view, ser_date};

/// One unit behind an actual (drill-down row).
#[derive(Debug, Clone, Serialize)]
pub struct UnitFigure {
    pub code: String,
    pub name: String,
    pub level: Level,
    /// The unit's value: a percentage, 1/0 for yes/no, a count; for `share_meeting`, 1 when
    /// met (confirmed). `None`: no value entered.
    pub value: Option<f64>,
    /// As shown (vi: `45,5 %`, `Có`, `Không`, `Đạt`…).
    pub display: String,
    /// Does the unit meet it? Confirmed level for indicators and sets; yes for yes/no.
    pub met: Option<bool>,
    /// Indicators and sets: met on thresholds still to confirm ("tạm đạt").
    pub tentatively_met: Option<bool>,
    /// Indicators and sets: no known shortfall (pending confirmation of thresholds).
    pub no_known_shortfall: Option<bool>,
    /// Measures: who entered the current value and when (dd/mm/yyyy).
    pub entered_by: Option<String>,
    pub entered_on: Option<String>,
    pub version: Option<i64>,
    /// Measures: the note of the current value (sample values say so).
    pub note: Option<String>,
}

/// The actual for one level.
#[derive(Debug, Clone, Serialize)]
pub struct LevelActual {
    pub level: Level,
    /// Units of the level in scope on the day used.
    pub units: u32,
    /// Units with a value (measures) or evaluated with a known result.
    pub with_value: u32,
    pub actual: Option<f64>,
    pub display: String,
    /// `share/count_meeting`: confirmed count of units meeting it.
    pub met: Option<u32>,
    /// `share/count_meeting`: provisional figures, never mixed with the actual.
    pub tentative: Option<f64>,
    pub tentative_display: Option<String>,
    pub no_known_shortfall: Option<f64>,
    pub no_known_shortfall_display: Option<String>,
    pub status: TargetStatus,
}

/// A year of a target's trend.
#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    pub year: i32,
    pub actual: Option<f64>,
    pub display: String,
    pub status: TargetStatus,
}

/// One target with its actual for the year.
#[derive(Debug, Clone, Serialize)]
pub struct TargetProgress {
    pub code: String,
    pub text: String,
    pub cite: Option<String>,
    pub note: Option<String>,
    pub metric: Metric,
    /// `measure`, `share_meeting`, `count_meeting`, `count`.
    pub metric_kind: &'static str,
    /// Vietnamese name of the measure, or `set indicator` for the criteria metrics.
    pub metric_label: String,
    pub levels: Vec<Level>,
    pub op: &'static str,
    pub value: f64,
    /// `≥ 30 %`.
    pub target_display: String,
    pub due: i32,
    pub agency: Option<String>,
    /// The agency is the plan's lead (the document names none for this target).
    pub agency_inherited: bool,
    pub agency_cite: Option<String>,
    /// The actual: with several levels, the lowest (every level must meet the target).
    pub actual: Option<f64>,
    pub actual_display: String,
    pub is_percent: bool,
    /// Expected value by now on the linear path (display).
    pub expected_display: Option<String>,
    pub status: TargetStatus,
    pub per_level: Vec<LevelActual>,
    pub trend: Vec<TrendPoint>,
    /// The units behind the actual of the year (every level).
    pub units: Vec<UnitFigure>,
}

/// A plan's progress for a year (see [`plan_progress`]).
#[derive(Debug, Clone, Serialize)]
pub struct PlanProgress {
    pub plan: PlanSummary,
    pub lead_agency: Option<String>,
    pub scope: Option<String>,
    pub year: i32,
    /// The day the statuses are judged on: 31/12 of the year, or today if earlier.
    #[serde(serialize_with = "ser_date")]
    pub as_of: Date,
    pub unit_code: String,
    pub unit_name: String,
    pub unit_level: Level,
    pub targets: Vec<TargetProgress>,
}

/// Formats an actual: `45,5 %` or a count.
pub fn display_value(v: Option<f64>, percent: bool) -> String {
    match v {
        None => "—".into(),
        Some(v) if percent => format!("{} %", format_number_vi(v, 1)),
        Some(v) if v.fract() == 0.0 => format_number_vi(v, 0),
        Some(v) => format_number_vi(v, 1),
    }
}

pub(super) fn status_for(
    plan: &Plan,
    t: &Target,
    actual: Option<f64>,
    as_of: Date,
) -> TargetStatus {
    plans::target_status(&StatusInput {
        op: t.op,
        value: t.value,
        baseline: t.baseline,
        start: plan.period_from,
        due: t.due,
        as_of,
        actual,
    })
}

/// The day a year's figures are judged on: 31/12 of the year, or today if earlier.
pub fn as_of_for(year: i32) -> Date {
    dec31(year).min(crate::today())
}

/// Actual of a target for a year over all its levels (the lowest level figure: every level
/// must meet the target), per-level figures and the units behind them.
pub(super) async fn target_year(
    app: &App,
    w: &mut Work,
    scope: &Scope<'_>,
    plan: &Plan,
    t: &Target,
    year: i32,
) -> Result<(Option<f64>, Vec<LevelActual>, Vec<UnitFigure>), AppError> {
    let as_of = as_of_for(year);
    let mut levels = Vec::new();
    let mut units = Vec::new();
    for level in t.metric.levels() {
        let (mut la, f) = level_actual(app, w, scope, t, level, year).await?;
        la.status = status_for(plan, t, la.actual, as_of);
        levels.push(la);
        units.extend(f);
    }
    let figures: Vec<Option<f64>> = levels.iter().map(|l| l.actual).collect();
    let actual = plans::combine_levels(&figures);
    Ok((actual, levels, units))
}

/// **The plan dashboard's figures** — also what the periodic reports print, so both agree.
///
/// ```text
/// pub async fn plan_progress(app: &App, actor: &Actor, plan_id: &str, year: i32,
///                            unit: Option<&str>) -> Result<PlanProgress, AppError>
/// ```
///
/// - `plan_id`: a shipped plan (`tra-vinh-2023`…); unknown → `NotFound`.
/// - `year`: the year whose data is used (statuses judged on [`as_of_for`]`(year)`).
/// - `unit`: `None` = the plan's province; `Some(code)` = only the units under that unit
///   (a district's own figures). The actor needs `ViewUnits` on it (anonymous →
///   `Unauthorized`, other province → `Forbidden`).
///
/// Each [`TargetProgress`] carries the actual (number + vi display), status, agency, levels,
/// the per-level figures (for `share_meeting`: confirmed first, provisional beside it), the
/// trend over the plan's years up to `year`, and the units behind the actual.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), plan = %plan_id, year))]
pub async fn plan_progress(
    app: &App,
    actor: &Actor,
    plan_id: &str,
    year: i32,
    unit: Option<&str>,
) -> Result<PlanProgress, AppError> {
    plan_progress_for(app, actor, plan_by_id(plan_id)?, year, unit).await
}

/// [`plan_progress`] of a plan given whole (a shipped plan, or one read from a file and
/// checked by [`super::load`]); the same figures, permission check and errors.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), plan = %plan.id, year))]
pub async fn plan_progress_for(
    app: &App,
    actor: &Actor,
    plan: &Plan,
    year: i32,
    unit: Option<&str>,
) -> Result<PlanProgress, AppError> {
    if !(1990..=2100).contains(&year) {
        return Err(AppError::invalid("year", format!("{year} is not a year")));
    }
    let prov = province_record(app, &plan.province, year).await?;
    let scope_unit = match unit {
        None => prov.clone(),
        Some(code) => {
            let u = match app.db.unit_on(code, dec31(year)).await? {
                Some(u) => u,
                None => app
                    .db
                    .unit_on(code, jun30(year))
                    .await?
                    .ok_or_else(|| AppError::NotFound(format!("unit {code}")))?,
            };
            if u.province_code != prov.province_code {
                return Err(AppError::invalid(
                    "unit",
                    format!("{code} is not in the plan's province {}", plan.province),
                ));
            }
            u
        }
    };
    require_view(app, actor, &scope_unit).await?;
    let scope = Scope {
        province_code: &plan.province,
        path: scope_unit.path.clone(),
    };
    let mut w = Work::default();
    let as_of = as_of_for(year);
    let mut targets = Vec::with_capacity(plan.targets.len());
    for t in &plan.targets {
        let (actual, per_level, units) = target_year(app, &mut w, &scope, plan, t, year).await?;
        let mut trend = Vec::new();
        for y in plan.years().filter(|y| *y <= year) {
            let a = if y == year {
                actual
            } else {
                target_year(app, &mut w, &scope, plan, t, y).await?.0
            };
            trend.push(TrendPoint {
                year: y,
                actual: a,
                display: display_value(a, t.metric.is_percent()),
                status: status_for(plan, t, a, as_of_for(y)),
            });
        }
        let status = status_for(plan, t, actual, as_of);
        let expected = plans::expected_at(&StatusInput {
            op: t.op,
            value: t.value,
            baseline: t.baseline,
            start: plan.period_from,
            due: t.due,
            as_of,
            actual,
        });
        let (agency, inherited) = match plan.agency_of(t) {
            Some((a, i)) => (Some(a.to_string()), i),
            None => (None, false),
        };
        targets.push(TargetProgress {
            code: t.code.clone(),
            text: t.text.clone(),
            cite: t.cite.clone(),
            note: t.note.clone(),
            metric: t.metric.clone(),
            metric_kind: t.metric.kind_str(),
            metric_label: metric_label(&t.metric),
            levels: t.metric.levels(),
            op: t.op.as_str(),
            value: t.value,
            target_display: format!(
                "{} {}",
                t.op.symbol(),
                display_value(Some(t.value), t.metric.is_percent())
            ),
            due: t.due,
            agency,
            agency_inherited: inherited,
            agency_cite: if inherited {
                plan.lead_agency_cite.clone()
            } else {
                t.agency_cite.clone()
            },
            actual,
            actual_display: match per_level.as_slice() {
                [one] => one.display.clone(),
                _ => display_value(actual, t.metric.is_percent()),
            },
            is_percent: t.metric.is_percent(),
            expected_display: (status != TargetStatus::Met && as_of < dec31(t.due))
                .then(|| display_value(Some(expected), t.metric.is_percent())),
            status,
            per_level,
            trend,
            units,
        });
    }
    Ok(PlanProgress {
        plan: PlanSummary::of(plan),
        lead_agency: plan.lead_agency.clone(),
        scope: plan.scope.clone(),
        year,
        as_of,
        unit_code: scope_unit.code.clone(),
        unit_name: scope_unit.name.clone(),
        unit_level: scope_unit.level,
        targets,
    })
}

pub(super) fn metric_label(m: &Metric) -> String {
    match m {
        Metric::Measure { measure: c, .. } | Metric::Count { of: c, .. } => {
            self::measure(c).map_or_else(|| c.clone(), |d| d.name_vi.clone())
        }
        Metric::ShareMeeting { set, indicator, .. }
        | Metric::CountMeeting { set, indicator, .. } => match indicator {
            Some(i) => format!("{set} · {i}"),
            None => set.clone(),
        },
        Metric::Computed { measure, .. } => measure.name_vi().to_string(),
    }
}
