//! Plans, targets and their actuals (issue 6 §1–3).
//!
//! The plans are the YAML files of `data/plans` (format in `docs/plans-format.md`),
//! embedded in the binary and checked against the measures and the criteria sets once per
//! process ([`plans`]). Measures (values entered per unit and year) and task statuses are
//! stored append-only with who/when, each write audited (`ntm_store::plans`).
//!
//! The API for pages, REST, CLI and the periodic reports:
//! - [`list_plans`] — plans of a province (any logged-in user whose scope covers a unit of it);
//! - [`plan_progress`] — every target of a plan with its actual for a year (number and vi
//!   display), status, agency, levels, trend and the units behind it;
//! - [`report_schedule`] — the plan's `reports:` entries (six-month / annual, due date, to);
//! - [`enter_measure`], [`measure_history`], [`set_task_status`], [`tasks`].

use std::collections::HashMap;
use std::sync::OnceLock;

use ntm_domain::authz::Permission;
use ntm_domain::criteria::{Observations, ResolvedSet, Status, evaluate_unit};
use ntm_domain::dossier::campaign::VN_OFFSET;
use ntm_domain::plans::{
    self, MeasureDef, MeasureKind, Metric, Plan, PlanError, ReportDue, StatusInput, Target,
    TargetStatus, TaskStatus,
};
use ntm_domain::text::format_number_vi;
use ntm_domain::units::{Level, Unit};
use serde::Serialize;
use time::{Date, Month};
use uuid::Uuid;

use crate::{Actor, App, AppError, FieldError, now};

/// `(file name, contents)` of the measure catalogue shipped with the binary.
pub const MEASURES_FILE: (&str, &str) = (
    "measures.yaml",
    include_str!("../../../data/plans/measures.yaml"),
);

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        /// `(file name, contents)` of every plan file shipped with the binary.
        pub const EMBEDDED: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("../../../data/plans/", $name)))),*
        ];
    };
}

embedded!(
    "cao-bang-2021-2025.yaml",
    "hcm-2023-2025.yaml",
    "tra-vinh-2021-2025.yaml",
    "tra-vinh-2023.yaml",
);

/// The measures and plans shipped with the binary.
pub struct Shipped {
    pub measures: Vec<MeasureDef>,
    pub plans: Vec<Plan>,
}

static SHIPPED: OnceLock<Shipped> = OnceLock::new();

/// Loads the measure catalogue and the plan files (all problems together).
pub fn load(
    measures: (&str, &str),
    files: &[(&str, &str)],
    catalog: &ntm_domain::criteria::Catalog,
) -> Result<Shipped, Vec<PlanError>> {
    let measures = plans::parse_measures(measures.0, measures.1)?;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (name, text) in files {
        match plans::parse_plan(name, text, &measures, catalog) {
            Ok(p) => {
                if out.iter().any(|o: &Plan| o.id == p.id) {
                    errors.push(PlanError {
                        file: name.to_string(),
                        line: 0,
                        field: "id".into(),
                        message: format!("plan id `{}` is used by another file", p.id),
                    });
                }
                out.push(p);
            }
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(Shipped {
            measures,
            plans: out,
        })
    } else {
        Err(errors)
    }
}

/// The shipped plans, loaded on first use. The files are checked by tests, so a failure
/// here is a build defect (panics with every problem).
pub fn shipped() -> &'static Shipped {
    SHIPPED.get_or_init(
        || match load(MEASURES_FILE, EMBEDDED, crate::criteria::catalog()) {
            Ok(s) => s,
            Err(errors) => {
                let msgs: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
                panic!("embedded plan files are invalid:\n{}", msgs.join("\n"))
            }
        },
    )
}

/// Checks a plan file (for `ntm plans check`): the plan, or every problem with file:line.
pub fn check_file(name: &str, text: &str) -> Result<Plan, Vec<PlanError>> {
    plans::parse_plan(name, text, &shipped().measures, crate::criteria::catalog())
}

/// A measure of the catalogue.
pub fn measure(code: &str) -> Option<&'static MeasureDef> {
    shipped().measures.iter().find(|m| m.code == code)
}

/// A shipped plan by id.
pub fn plan_by_id(id: &str) -> Result<&'static Plan, AppError> {
    shipped()
        .plans
        .iter()
        .find(|p| p.id == id)
        .ok_or_else(|| AppError::NotFound(format!("plan {id}")))
}

// ---------------------------------------------------------------------------------------
// Progress of a plan: actuals, statuses, drill-down.

/// A plan in a list.
#[derive(Debug, Clone, Serialize)]
pub struct PlanSummary {
    pub id: String,
    pub name: String,
    pub document: Option<String>,
    #[serde(serialize_with = "ser_opt_date")]
    pub issued: Option<Date>,
    pub issuer: Option<String>,
    /// The document as cited: "Kế hoạch số 38/KH-UBND ngày 18/04/2023 của UBND tỉnh Trà Vinh".
    pub citation: String,
    /// Short reference for reports: "Kế hoạch số 38/KH-UBND".
    pub reference: String,
    /// Caveat on the citation ("theo bản tin tóm tắt, không có số văn bản").
    pub document_note: Option<String>,
    pub province: String,
    #[serde(serialize_with = "ser_date")]
    pub period_from: Date,
    #[serde(serialize_with = "ser_date")]
    pub period_to: Date,
    pub targets: usize,
    pub tasks: usize,
    pub reports: Vec<ReportDue>,
    /// Years the dashboard offers.
    pub years: Vec<i32>,
    /// A plan of a predecessor province (merged in 2025): its name, e.g. "Tỉnh Trà Vinh".
    pub predecessor: Option<String>,
}

impl PlanSummary {
    fn of(p: &Plan) -> PlanSummary {
        PlanSummary {
            id: p.id.clone(),
            name: p.name.clone(),
            document: p.document.clone(),
            issued: p.issued,
            issuer: p.issuer.clone(),
            citation: p.citation(),
            reference: p.reference(),
            document_note: p.document_note.clone(),
            province: p.province.clone(),
            period_from: p.period_from,
            period_to: p.period_to,
            targets: p.targets.len(),
            tasks: p.tasks.len(),
            reports: p.reports.clone(),
            years: p.years().collect(),
            predecessor: None,
        }
    }
}

fn ser_date<S: serde::Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&d.to_string())
}

fn ser_opt_date<S: serde::Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&d.to_string()),
        None => s.serialize_none(),
    }
}

fn dec31(year: i32) -> Date {
    Date::from_calendar_date(year, Month::December, 31).unwrap_or(Date::MAX)
}

fn jun30(year: i32) -> Date {
    Date::from_calendar_date(year, Month::June, 30).unwrap_or(Date::MAX)
}

/// The record of a province code around a year: valid on 31 December, else on 30 June (a
/// province merged in the 2025 reform keeps its pre-reform half year), else today.
async fn province_record(app: &App, code: &str, year: i32) -> Result<Unit, AppError> {
    if let Some(u) = app
        .db
        .unit_on(code, crate::today().min(dec31(year)))
        .await?
    {
        return Ok(u);
    }
    // A unit closed since (Trà Vinh, 84, until 30/06/2025): its last record before the year.
    for y in (2000..=year).rev().take(12) {
        for d in [dec31(y), jun30(y)] {
            if let Some(u) = app.db.unit_on(code, d).await? {
                return Ok(u);
            }
        }
    }
    Err(AppError::NotFound(format!("unit {code}")))
}

/// Plans of a province, for users whose scope covers the province or a unit in it.
pub async fn list_plans(
    app: &App,
    actor: &Actor,
    province_code: &str,
) -> Result<Vec<PlanSummary>, AppError> {
    let prov = province_record(app, province_code, crate::today().year()).await?;
    require_view(app, actor, &prov).await?;
    let mut out: Vec<PlanSummary> = shipped()
        .plans
        .iter()
        .filter(|p| p.province == prov.province_code || p.province == province_code)
        .map(PlanSummary::of)
        .collect();
    // The plans of the provinces merged into this one, as history.
    for pre in crate::history::predecessors(app, actor, &prov.province_code).await? {
        if pre.level != Level::Province {
            continue;
        }
        out.extend(
            shipped()
                .plans
                .iter()
                .filter(|p| p.province == pre.code)
                .map(|p| PlanSummary {
                    predecessor: Some(pre.name.clone()),
                    ..PlanSummary::of(p)
                }),
        );
    }
    Ok(out)
}

/// The periodic reports a plan asks for, with their due dates in `year` (for the reports).
pub fn report_schedule(
    plan_id: &str,
    year: i32,
) -> Result<Vec<(ReportDue, Option<Date>)>, AppError> {
    let p = plan_by_id(plan_id)?;
    Ok(p.reports
        .iter()
        .map(|r| (r.clone(), r.due_in(year)))
        .collect())
}

/// Viewing plan figures: `ViewUnits` on the unit (a province officer, or a district /
/// commune officer on a unit of theirs; the figures of a plan are then those of the unit's
/// subtree). A grant on today's record of the same code also counts.
async fn require_view(app: &App, actor: &Actor, unit: &Unit) -> Result<(), AppError> {
    crate::criteria::require_on_unit(app, actor, Permission::ViewUnits, unit).await
}

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

/// Per unit: per indicator code, and the whole set under "": (met, tentatively met, no
/// known shortfall).
type UnitEvals = Vec<(Unit, HashMap<String, (bool, bool, bool)>)>;

/// Per-call cache of the units of a level and of set evaluations.
#[derive(Default)]
struct Work {
    units: HashMap<(Level, i32), Vec<Unit>>,
    /// (set id, year) → per unit (code order as `units`): per indicator code, and for the
    /// whole set under "": (met, tentatively met, no known shortfall).
    evals: HashMap<(String, i32), UnitEvals>,
    measures: HashMap<(String, i32), HashMap<Uuid, ntm_store::MeasureValueRecord>>,
}

struct Scope<'a> {
    /// The plan's province record (for the year).
    province_code: &'a str,
    /// Path prefix the units must lie under.
    path: String,
}

async fn units_of(
    app: &App,
    w: &mut Work,
    scope: &Scope<'_>,
    level: Level,
    year: i32,
) -> Result<Vec<Unit>, AppError> {
    if let Some(u) = w.units.get(&(level, year)) {
        return Ok(u.clone());
    }
    let mut found = Vec::new();
    for d in [dec31(year), jun30(year)] {
        let Some(prov) = app.db.unit_on(scope.province_code, d).await? else {
            continue;
        };
        found = if level == Level::Province {
            vec![prov]
        } else {
            app.db.subtree_on(&prov.path, d, Some(level)).await?
        };
        found.retain(|u| u.path.starts_with(&scope.path) || scope.path.starts_with(&u.path));
        if !found.is_empty() {
            break;
        }
    }
    found.sort_by(|a, b| a.code.cmp(&b.code));
    w.units.insert((level, year), found.clone());
    Ok(found)
}

/// Evaluates every unit of the set's level in scope (confirmed / tentative / no known
/// shortfall per indicator and for the whole set), with the set in force for the province
/// ([`crate::criteria_sets::in_force`]: its published version extending `set_id`, else an
/// uploaded file, else the shipped set).
async fn evaluations<'w>(
    app: &App,
    w: &'w mut Work,
    scope: &Scope<'_>,
    set_id: &str,
    year: i32,
) -> Result<Option<&'w UnitEvals>, AppError> {
    let key = (set_id.to_string(), year);
    if !w.evals.contains_key(&key) {
        let Ok(national) = app.catalog.set_for_year(set_id, year) else {
            return Ok(None);
        };
        // Only the units the set applies to (the xã NTM set: xã, not phường): shares of
        // "communes meeting" count applicable units only.
        let units = crate::criteria::applicable_units(
            national,
            units_of(app, w, scope, national.level, year).await?,
        );
        let mut out = Vec::with_capacity(units.len());
        if let Some(first) = units.first() {
            // The set in force for the province: a version it published in the product,
            // else a file it uploaded, else the shipped set (as the scorecard evaluates).
            let in_force =
                crate::criteria_sets::in_force(app, first, set_id, year, national).await?;
            let set: &ResolvedSet = &in_force.set;
            let region = match first.region {
                Some(r) => Some(r),
                None => app
                    .db
                    .unit_on(
                        &first.province_code,
                        crate::criteria::evaluation_date(set, year),
                    )
                    .await?
                    .and_then(|p| p.region),
            };
            let ids: Vec<Uuid> = units.iter().map(|u| u.id).collect();
            let mut values: HashMap<Uuid, Vec<(String, String)>> = HashMap::new();
            for v in app.db.current_values_of_units(&ids, set_id, year).await? {
                values
                    .entry(v.unit_id)
                    .or_default()
                    .push((v.indicator_code, v.value_text));
            }
            let groups = crate::groups::groups_for_evaluation(
                app,
                set,
                &units,
                crate::criteria::evaluation_date(set, year),
            )
            .await?;
            let mut obs = Observations::new(set);
            for u in units {
                obs.clear();
                for (code, text) in values.remove(&u.id).unwrap_or_default() {
                    let _ = obs.set_text(set, &code, &text);
                }
                let ctx = crate::criteria::ctx_of(&u, region, groups.get(&u.code).copied());
                let e = evaluate_unit(set, &ctx, &obs, year)
                    .map_err(|e| AppError::invalid("set", e.to_string()))?;
                let mut m: HashMap<String, (bool, bool, bool)> = set
                    .indicators
                    .iter()
                    .zip(&e.indicators)
                    .map(|(i, o)| {
                        (
                            i.code.clone(),
                            (
                                o.status() == Status::Met,
                                o.tentatively_met(),
                                o.no_known_shortfall(),
                            ),
                        )
                    })
                    .collect();
                m.insert(
                    String::new(),
                    (
                        e.status == Status::Met,
                        e.tentatively_met,
                        e.no_known_shortfall,
                    ),
                );
                out.push((u, m));
            }
        }
        w.evals.insert(key.clone(), out);
    }
    Ok(w.evals.get(&key))
}

async fn measure_values<'w>(
    app: &App,
    w: &'w mut Work,
    province_code: &str,
    measure: &str,
    year: i32,
) -> Result<&'w HashMap<Uuid, ntm_store::MeasureValueRecord>, AppError> {
    let key = (measure.to_string(), year);
    if !w.measures.contains_key(&key) {
        let rows = app
            .db
            .current_measure_values(province_code, &[measure], year)
            .await?;
        w.measures.insert(
            key.clone(),
            rows.into_iter().map(|r| (r.unit_id, r)).collect(),
        );
    }
    Ok(&w.measures[&key])
}

fn yes_no_vi(v: f64) -> &'static str {
    if v >= 0.5 { "Có" } else { "Không" }
}

/// Computes one level's actual and the units behind it.
async fn level_actual(
    app: &App,
    w: &mut Work,
    scope: &Scope<'_>,
    t: &Target,
    level: Level,
    year: i32,
) -> Result<(LevelActual, Vec<UnitFigure>), AppError> {
    let mut figures = Vec::new();
    let mut la = LevelActual {
        level,
        units: 0,
        with_value: 0,
        actual: None,
        display: "—".into(),
        met: None,
        tentative: None,
        tentative_display: None,
        no_known_shortfall: None,
        no_known_shortfall_display: None,
        status: TargetStatus::NoData,
    };
    match &t.metric {
        Metric::ShareMeeting { set, indicator, .. }
        | Metric::CountMeeting { set, indicator, .. } => {
            let share = matches!(t.metric, Metric::ShareMeeting { .. });
            let key = indicator.clone().unwrap_or_default();
            let Some(evals) = evaluations(app, w, scope, set, year).await? else {
                return Ok((la, figures));
            };
            let (mut met, mut tent, mut nks, mut known) = (0u32, 0u32, 0u32, 0u32);
            for (u, m) in evals {
                let r = m.get(&key).copied();
                if let Some((a, b, c)) = r {
                    met += u32::from(a);
                    tent += u32::from(b);
                    nks += u32::from(c);
                    known += 1;
                }
                figures.push(UnitFigure {
                    code: u.code.clone(),
                    name: u.name.clone(),
                    level: u.level,
                    value: r.map(|(a, _, _)| if a { 1.0 } else { 0.0 }),
                    display: match r {
                        Some((true, _, _)) => "Đạt".into(),
                        Some((false, true, _)) => "Tạm đạt".into(),
                        Some((false, false, true)) => "Không phát hiện chỉ tiêu chưa đạt".into(),
                        Some(_) => "Chưa đạt / thiếu số liệu".into(),
                        None => "—".into(),
                    },
                    met: r.map(|x| x.0),
                    tentatively_met: r.map(|x| x.1),
                    no_known_shortfall: r.map(|x| x.2),
                    entered_by: None,
                    entered_on: None,
                    version: None,
                    note: None,
                });
            }
            la.units = evals.len() as u32;
            la.with_value = known;
            la.met = Some(met);
            let figure = |n: u32| {
                if share {
                    plans::share_pct(n, la.units)
                } else {
                    Some(f64::from(n))
                }
            };
            la.actual = figure(met);
            la.tentative = figure(tent);
            la.no_known_shortfall = figure(nks);
            la.display = display_value(la.actual, share);
            if share && let Some(a) = la.actual {
                la.display = format!("{} ({met}/{})", display_value(Some(a), true), la.units);
            }
            la.tentative_display = Some(display_value(la.tentative, share));
            la.no_known_shortfall_display = Some(display_value(la.no_known_shortfall, share));
        }
        Metric::Measure { measure, .. } | Metric::Count { of: measure, .. } => {
            let agg = match &t.metric {
                Metric::Measure { aggregate, .. } => *aggregate,
                _ => plans::Aggregate::Sum,
            };
            let kind = self::measure(measure).map_or(MeasureKind::Percent, |m| m.kind);
            let units = units_of(app, w, scope, level, year).await?;
            let vals = measure_values(app, w, scope.province_code, measure, year).await?;
            let mut nums = Vec::with_capacity(units.len());
            for u in &units {
                let rec = vals.get(&u.id);
                let v = rec.and_then(|r| r.value_text.parse::<f64>().ok());
                nums.push(v);
                figures.push(UnitFigure {
                    code: u.code.clone(),
                    name: u.name.clone(),
                    level: u.level,
                    value: v,
                    display: match (v, kind) {
                        (None, _) => "—".into(),
                        (Some(v), MeasureKind::YesNo) => yes_no_vi(v).into(),
                        (Some(v), MeasureKind::Percent) => display_value(Some(v), true),
                        (Some(v), MeasureKind::Count) => display_value(Some(v), false),
                    },
                    met: match (v, kind) {
                        (Some(v), MeasureKind::YesNo) => Some(v >= 0.5),
                        (Some(v), MeasureKind::Percent) => Some(t.op.holds(v, t.value)),
                        _ => None,
                    },
                    tentatively_met: None,
                    no_known_shortfall: None,
                    entered_by: rec.map(|r| r.created_by.clone()),
                    entered_on: rec.map(|r| {
                        ntm_domain::text::format_date_vi(r.created_at.to_offset(VN_OFFSET).date())
                    }),
                    version: rec.map(|r| r.version),
                    note: rec.map(|r| r.note.clone()).filter(|n| !n.is_empty()),
                });
            }
            la.units = units.len() as u32;
            la.with_value = nums.iter().flatten().count() as u32;
            la.actual = plans::aggregate(agg, &nums);
            la.display = display_value(la.actual, t.metric.is_percent());
            if agg == plans::Aggregate::ShareTrue && la.actual.is_some() {
                let yes = nums.iter().flatten().filter(|v| **v >= 0.5).count();
                la.display = format!("{} ({yes}/{})", la.display, la.with_value);
            }
        }
    }
    Ok((la, figures))
}

fn status_for(plan: &Plan, t: &Target, actual: Option<f64>, as_of: Date) -> TargetStatus {
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
async fn target_year(
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
    let actual = if levels.iter().any(|l| l.actual.is_none()) {
        None
    } else {
        levels
            .iter()
            .filter_map(|l| l.actual)
            .min_by(|a, b| a.total_cmp(b))
    };
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
pub async fn plan_progress(
    app: &App,
    actor: &Actor,
    plan_id: &str,
    year: i32,
    unit: Option<&str>,
) -> Result<PlanProgress, AppError> {
    let plan = plan_by_id(plan_id)?;
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

fn metric_label(m: &Metric) -> String {
    match m {
        Metric::Measure { measure: c, .. } | Metric::Count { of: c, .. } => {
            self::measure(c).map_or_else(|| c.clone(), |d| d.name_vi.clone())
        }
        Metric::ShareMeeting { set, indicator, .. }
        | Metric::CountMeeting { set, indicator, .. } => match indicator {
            Some(i) => format!("{set} · {i}"),
            None => set.clone(),
        },
    }
}

// ---------------------------------------------------------------------------------------
// Writes: measure values and task statuses (append-only, audited).

/// A value to enter: the unit, measure, year, the text typed, and the version it replaces
/// (`None` for a first value; a stale version is refused with `Conflict`).
#[derive(Debug, Clone)]
pub struct MeasureInput {
    pub unit_code: String,
    pub measure: String,
    pub year: i32,
    pub value: String,
    pub note: String,
    pub expected_version: Option<i64>,
}

/// Records measure values (new versions), all or nothing, one audit entry. Needs
/// `EnterObservations` on every unit (a commune officer on their commune, a province
/// officer anywhere in the province). Bad input → `Invalid` with one field error per row
/// (`rows[i].value`…).
pub async fn enter_measures(
    app: &App,
    actor: &Actor,
    inputs: &[MeasureInput],
) -> Result<Vec<ntm_store::MeasureValueRecord>, AppError> {
    if inputs.is_empty() {
        return Err(AppError::invalid("rows", "no values"));
    }
    let mut errors: Vec<FieldError> = Vec::new();
    let mut rows = Vec::with_capacity(inputs.len());
    let at = now();
    for (i, inp) in inputs.iter().enumerate() {
        let field = |f: &str| {
            if inputs.len() == 1 {
                f.to_string()
            } else {
                format!("rows[{i}].{f}")
            }
        };
        let Some(def) = measure(&inp.measure) else {
            errors.push(FieldError::new(
                field("measure"),
                format!("unknown measure `{}`", inp.measure),
            ));
            continue;
        };
        if !(2000..=2100).contains(&inp.year) {
            errors.push(FieldError::new(
                field("year"),
                format!("{} is not a year", inp.year),
            ));
            continue;
        }
        let unit = match app.db.unit_on(&inp.unit_code, dec31(inp.year)).await? {
            Some(u) => Some(u),
            None => app.db.unit_on(&inp.unit_code, jun30(inp.year)).await?,
        };
        let Some(unit) = unit else {
            return Err(AppError::NotFound(format!(
                "unit {} in {}",
                inp.unit_code, inp.year
            )));
        };
        crate::criteria::require_on_unit(app, actor, Permission::EnterObservations, &unit).await?;
        if !def.levels.contains(&unit.level) {
            errors.push(FieldError::new(
                field("unit"),
                format!(
                    "{} is not entered for {} units",
                    def.code,
                    unit.level.as_str()
                ),
            ));
            continue;
        }
        let v = match def.kind.parse_value(&inp.value) {
            Ok(v) => v,
            Err(e) => {
                errors.push(FieldError::new(field("value"), e));
                continue;
            }
        };
        if inp.note.chars().count() > 2000 {
            errors.push(FieldError::new(field("note"), "at most 2000 characters"));
            continue;
        }
        rows.push((
            ntm_store::MeasureValueRecord {
                id: Uuid::now_v7(),
                province_code: unit.province_code.clone(),
                unit_id: unit.id,
                unit_code: unit.code.clone(),
                measure: def.code.clone(),
                year: inp.year,
                version: inp.expected_version.unwrap_or(0) + 1,
                value_text: v.to_string(),
                note: inp.note.trim().to_string(),
                created_by: actor.audit_name(),
                created_at: at,
            },
            inp.expected_version,
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let detail = serde_json::json!({
        "values": rows.iter().map(|(r, _)| serde_json::json!({
            "unit": r.unit_code, "measure": r.measure, "year": r.year,
            "value": r.value_text, "version": r.version,
        })).collect::<Vec<_>>()
    });
    let target = rows
        .first()
        .map(|(r, _)| format!("plan-measure:{}:{}:{}", r.unit_code, r.measure, r.year))
        .unwrap_or_default();
    Ok(app
        .db
        .insert_measure_values(
            &rows,
            actor.audit_entry("plan.measure.enter", &target, detail),
        )
        .await?)
}

/// Current values of a measure for a year in a province (who/when/version), for the entry
/// form. `ViewUnits` on the province.
pub async fn measure_values_of(
    app: &App,
    actor: &Actor,
    province_code: &str,
    measure_code: &str,
    year: i32,
) -> Result<Vec<ntm_store::MeasureValueRecord>, AppError> {
    let prov = province_record(app, province_code, year).await?;
    require_view(app, actor, &prov).await?;
    if measure(measure_code).is_none() {
        return Err(AppError::invalid(
            "measure",
            format!("unknown measure `{measure_code}`"),
        ));
    }
    Ok(app
        .db
        .current_measure_values(&prov.province_code, &[measure_code], year)
        .await?)
}

/// Every version of a unit's measure value for a year, newest first.
pub async fn measure_history(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    measure_code: &str,
    year: i32,
) -> Result<Vec<ntm_store::MeasureValueRecord>, AppError> {
    let unit = province_or_unit(app, unit_code, year).await?;
    require_view(app, actor, &unit).await?;
    Ok(app
        .db
        .measure_value_history(unit.id, measure_code, year)
        .await?)
}

async fn province_or_unit(app: &App, code: &str, year: i32) -> Result<Unit, AppError> {
    province_record(app, code, year).await
}

/// A task of the plan with its current status.
#[derive(Debug, Clone, Serialize)]
pub struct TaskView {
    pub task: plans::PlanTask,
    pub status: TaskStatus,
    /// Not done after 31/12 of the task's last year (derived, never stored).
    pub late: bool,
    pub note: String,
    pub version: Option<i64>,
    pub changed_by: Option<String>,
    pub changed_on: Option<String>,
}

/// The plan's task list with statuses (`ViewUnits` on the plan's province).
pub async fn tasks(app: &App, actor: &Actor, plan_id: &str) -> Result<Vec<TaskView>, AppError> {
    let plan = plan_by_id(plan_id)?;
    let prov = province_record(app, &plan.province, crate::today().year()).await?;
    require_view(app, actor, &prov).await?;
    let current: HashMap<String, ntm_store::TaskStatusRecord> = app
        .db
        .current_task_statuses(&plan.id)
        .await?
        .into_iter()
        .map(|r| (r.task_code.clone(), r))
        .collect();
    let today = crate::today();
    Ok(plan
        .tasks
        .iter()
        .map(|t| {
            let rec = current.get(&t.code);
            let status = rec
                .and_then(|r| TaskStatus::parse(&r.status))
                .unwrap_or(TaskStatus::NotStarted);
            TaskView {
                task: t.clone(),
                status,
                late: t.is_late(status, today),
                note: rec.map(|r| r.note.clone()).unwrap_or_default(),
                version: rec.map(|r| r.version),
                changed_by: rec.map(|r| r.created_by.clone()),
                changed_on: rec.map(|r| {
                    ntm_domain::text::format_date_vi(r.created_at.to_offset(VN_OFFSET).date())
                }),
            }
        })
        .collect())
}

/// Sets a task's status (a new version, audited). Province officers (and admins): needs
/// `ManageCriteria` on the plan's province. `expected_version` = the version seen.
pub async fn set_task_status(
    app: &App,
    actor: &Actor,
    plan_id: &str,
    task_code: &str,
    status: &str,
    note: &str,
    expected_version: Option<i64>,
) -> Result<ntm_store::TaskStatusRecord, AppError> {
    let plan = plan_by_id(plan_id)?;
    let prov = province_record(app, &plan.province, crate::today().year()).await?;
    crate::criteria::require_on_unit(app, actor, Permission::ManageCriteria, &prov).await?;
    if !plan.tasks.iter().any(|t| t.code == task_code) {
        return Err(AppError::NotFound(format!("task {task_code} of {plan_id}")));
    }
    let Some(st) = TaskStatus::parse(status) else {
        return Err(AppError::invalid(
            "status",
            format!("`{status}`: one of not_started, in_progress, done"),
        ));
    };
    if note.chars().count() > 2000 {
        return Err(AppError::invalid("note", "at most 2000 characters"));
    }
    let rec = ntm_store::TaskStatusRecord {
        id: Uuid::now_v7(),
        plan_id: plan.id.clone(),
        task_code: task_code.to_string(),
        version: expected_version.unwrap_or(0) + 1,
        status: st.as_str().to_string(),
        note: note.trim().to_string(),
        created_by: actor.audit_name(),
        created_at: now(),
    };
    let detail =
        serde_json::json!({"status": st.as_str(), "version": rec.version, "note": rec.note});
    Ok(app
        .db
        .insert_task_status(
            &rec,
            expected_version,
            actor.audit_entry(
                "plan.task.status",
                &format!("plan-task:{plan_id}:{task_code}"),
                detail,
            ),
        )
        .await?)
}

// ---------------------------------------------------------------------------------------
// Demo: labelled sample measure values for Trà Vinh 2023.

/// Note carried by every sample value.
pub const SAMPLE_NOTE: &str = "Dữ liệu mẫu (demo) — không phải số liệu chính thức";

fn sample_hash(s: &str) -> u64 {
    // FNV-1a: deterministic sample values.
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Sample measure values for Trà Vinh (84) in 2023, clearly labelled ([`SAMPLE_NOTE`]), so
/// the plan dashboard of `tra-vinh-2023` shows actuals. Loaded once (a setting remembers it).
/// The smart pilot count is left empty on purpose (the dashboard shows "no data").
pub async fn seed_sample_measures(app: &App, actor: &Actor) -> Result<usize, AppError> {
    const DONE: &str = "demo.sample_plan_measures";
    if app.db.get_setting(DONE).await?.is_some() {
        return Ok(0);
    }
    let year = 2023;
    let Some(prov) = app.db.unit_on("84", dec31(year)).await? else {
        return Ok(0);
    };
    let districts = app
        .db
        .subtree_on(&prov.path, dec31(year), Some(Level::District))
        .await?;
    let communes = app
        .db
        .subtree_on(&prov.path, dec31(year), Some(Level::Commune))
        .await?;
    let mut rows = Vec::new();
    let mut add = |code: &str, measure: &str, value: String| {
        rows.push(MeasureInput {
            unit_code: code.to_string(),
            measure: measure.to_string(),
            year,
            value,
            note: SAMPLE_NOTE.to_string(),
            expected_version: None,
        });
    };
    add(&prov.code, "records_online_pct", "34,5".into());
    add(&prov.code, "officials_trained_pct", "31".into());
    add(&prov.code, "linkage_models_digital_pct", "12,5".into());
    for d in &districts {
        let h = sample_hash(&d.code);
        add(&d.code, "records_online_pct", format!("{}", 18 + h % 17));
        add(
            &d.code,
            "has_linkage_model",
            if h.is_multiple_of(4) { "có" } else { "không" }.into(),
        );
        add(
            &d.code,
            "provides_essential_digital_service",
            if h % 5 == 1 { "có" } else { "không" }.into(),
        );
    }
    for c in &communes {
        let h = sample_hash(&c.code);
        add(&c.code, "records_online_pct", format!("{}", 8 + h % 20));
        add(
            &c.code,
            "provides_essential_digital_service",
            if h.is_multiple_of(7) { "có" } else { "không" }.into(),
        );
    }
    let n = rows.len();
    if n > 0 {
        enter_measures(app, actor, &rows).await?;
    }
    app.db.set_setting_if_absent(DONE, &n.to_string()).await?;
    Ok(n)
}

/// May the actor change task statuses of the plan (province officers, admins)?
pub async fn can_edit_tasks(app: &App, actor: &Actor, plan_id: &str) -> bool {
    let Ok(plan) = plan_by_id(plan_id) else {
        return false;
    };
    let Ok(prov) = province_record(app, &plan.province, crate::today().year()).await else {
        return false;
    };
    crate::criteria::require_on_unit(app, actor, Permission::ManageCriteria, &prov)
        .await
        .is_ok()
}

/// A unit in the measure entry form, with its current value.
#[derive(Debug, Clone, Serialize)]
pub struct MeasureUnit {
    pub code: String,
    pub name: String,
    pub level: Level,
    /// The current value as a person types it (`45,5`, `có`, `2`); empty when none.
    pub value_text: String,
    pub version: Option<i64>,
    /// Who and when (dd/mm/yyyy), when there is a value.
    pub entered: String,
    /// May the actor enter a value for this unit?
    pub writable: bool,
}

/// The units a measure is entered for in the plan's province and year (those the actor may
/// see), with their current values. `ViewUnits` on the province or a unit in it.
pub async fn measure_units(
    app: &App,
    actor: &Actor,
    plan_id: &str,
    measure_code: &str,
    year: i32,
) -> Result<Vec<MeasureUnit>, AppError> {
    let plan = plan_by_id(plan_id)?;
    let Some(def) = measure(measure_code) else {
        return Err(AppError::invalid(
            "measure",
            format!("unknown measure `{measure_code}`"),
        ));
    };
    if !(2000..=2100).contains(&year) {
        return Err(AppError::invalid("year", format!("{year} is not a year")));
    }
    let prov = province_record(app, &plan.province, year).await?;
    let levels: Vec<Level> = plan
        .targets
        .iter()
        .filter(|t| t.metric.measure_code() == Some(measure_code))
        .flat_map(|t| t.metric.levels())
        .filter(|l| def.levels.contains(l))
        .collect();
    let scope = Scope {
        province_code: &plan.province,
        path: format!("/{}/", plan.province),
    };
    let mut w = Work::default();
    let mut units = Vec::new();
    for l in [Level::Province, Level::District, Level::Commune] {
        if levels.contains(&l) {
            units.extend(units_of(app, &mut w, &scope, l, year).await?);
        }
    }
    let access = crate::access::Access::of(app, actor).await?;
    let visible = |u: &Unit, p: Permission| access.allows(p, &u.path);
    if !units.iter().any(|u| visible(u, Permission::ViewUnits)) {
        // Gives the right error (login required / forbidden).
        require_view(app, actor, &prov).await?;
    }
    let vals = measure_values(app, &mut w, &plan.province, measure_code, year).await?;
    Ok(units
        .iter()
        .filter(|u| visible(u, Permission::ViewUnits))
        .map(|u| {
            let rec = vals.get(&u.id);
            MeasureUnit {
                code: u.code.clone(),
                name: u.name.clone(),
                level: u.level,
                value_text: rec
                    .and_then(|r| r.value_text.parse::<f64>().ok())
                    .map(|v| match def.kind {
                        MeasureKind::YesNo => if v >= 0.5 { "có" } else { "không" }.to_string(),
                        _ => format_number_vi(v, if v.fract() == 0.0 { 0 } else { 1 }),
                    })
                    .unwrap_or_default(),
                version: rec.map(|r| r.version),
                entered: rec
                    .map(|r| {
                        format!(
                            "{} · {}",
                            r.created_by,
                            ntm_domain::text::format_date_vi(
                                r.created_at.to_offset(VN_OFFSET).date()
                            )
                        )
                    })
                    .unwrap_or_default(),
                writable: visible(u, Permission::EnterObservations),
            }
        })
        .collect())
}
