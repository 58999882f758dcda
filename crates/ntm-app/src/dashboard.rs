//! District and province dashboards: how the communes under a unit stand against the
//! commune-level criteria sets of a year.
//!
//! Everything is built on [`crate::criteria::evaluate`] (which checks `ViewUnits` on the
//! unit), so the figures are the roll-ups that use case returns:
//!
//! - a summary per commune-level set in force that year (communes meeting, tentatively
//!   meeting, needing verification, out of the communes evaluated);
//! - for the chosen set: the buckets by criteria met, the average, the indicators blocking the
//!   most communes, the communes (with their district before 1 July 2025) and, for a province
//!   with districts, one row per district;
//! - the trend: communes meeting the set in each year of its validity up to the chosen year.
//!
//! A unit of the set's own level (a commune) has a scorecard instead ([`DashboardTarget`]).
//!
//! **Speed.** Reading a province's values is most of the cost (about 27 ms for the 4,675
//! values of Trà Vinh's 106 communes in one year on SQLite); a dashboard needs several sets and
//! years. They are read concurrently, and the evaluation of every unit is kept in the
//! process and brought up to date from the database's change feed: a write re-reads only the
//! units it changed (see [`kept`]).

use std::collections::HashMap;

use ntm_domain::authz::Permission;
use ntm_domain::criteria::{ResolvedSet, Status};
use ntm_domain::units::{Level, Unit};
use time::Date;

use crate::criteria::{Evaluation, RollupView, SetSummary, evaluation_date};
use crate::{Actor, App, AppError};

pub(crate) mod kept;
mod national;
mod page;
pub use kept::{FEED_KEPT_FOR, KeptStats, evaluate_kept, prune_feed};
pub use national::{
    NationalDashboard, NationalQuery, ProvinceRow, national_dashboard, sort_provinces,
};
pub use page::{DashboardPage, DashboardPageData, page, xlsx};

/// First year any commune-level set of NTM Số is in force (the 2021–2025 sets took effect
/// on 8 March 2022).
pub const FIRST_YEAR: i32 = 2022;

/// The commune NTM set in force in a year: `xa-ntm-2021-2025` up to 2025,
/// `xa-ntm-2026-2030` from 2026.
pub fn default_set_id(year: i32) -> &'static str {
    if year <= 2025 {
        "xa-ntm-2021-2025"
    } else {
        "xa-ntm-2026-2030"
    }
}

/// Depth of a set's prerequisite chain (NTM 0, nâng cao 1, kiểu mẫu 2…).
fn depth(app: &App, set: &ResolvedSet, year: i32, guard: u8) -> u8 {
    if guard > 8 {
        return guard;
    }
    set.prerequisites
        .iter()
        .filter_map(|p| app.catalog.set_for_year(p, year).ok())
        .map(|p| 1 + depth(app, p, year, guard + 1))
        .max()
        .unwrap_or(0)
}

/// Commune-level sets in force during `year` (the version for that year), the basic set
/// first, then those building on it, then by id.
pub fn commune_sets(app: &App, year: i32) -> Vec<&'static ResolvedSet> {
    let catalog: &'static ntm_domain::criteria::Catalog = app.catalog;
    let mut ids: Vec<&str> = catalog
        .sets()
        .iter()
        .filter(|s| s.level == Level::Commune && s.in_force_during(year))
        .map(|s| s.id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut sets: Vec<&'static ResolvedSet> = ids
        .into_iter()
        .filter_map(|id| catalog.set_for_year(id, year).ok())
        .collect();
    sets.sort_by_cached_key(|s| (depth(app, s, year, 0), s.id.clone()));
    sets
}

/// Years a set is in force (of any of its versions), from its first year up to `until`.
pub fn set_years(app: &App, set_id: &str, until: i32) -> Vec<i32> {
    let first = app
        .catalog
        .versions(set_id)
        .map(|s| s.valid_from.year())
        .min();
    match first {
        Some(f) => (f..=until)
            .filter(|y| app.catalog.set_for_year(set_id, *y).is_ok())
            .collect(),
        None => Vec::new(),
    }
}

/// Counts of one set's roll-up.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Tally {
    /// Communes evaluated (every commune of the unit valid that year).
    pub units: u32,
    pub met: u32,
    /// Met counting thresholds still to be verified ("tạm đạt"; includes `met`).
    pub met_tentative: u32,
    pub not_met: u32,
    pub missing: u32,
    pub needs_verification: u32,
    pub avg_criteria_met: f64,
    /// Communes with no known shortfall, pending confirmation of thresholds ("không phát hiện
    /// chỉ tiêu chưa đạt"; includes `met`). Never a pass.
    pub no_known_shortfall: u32,
    /// Average of criteria with no known shortfall ("tạm tính").
    pub avg_criteria_no_known_shortfall: f64,
}

impl Tally {
    pub fn of(r: &RollupView) -> Tally {
        Tally {
            units: r.units,
            met: r.met,
            met_tentative: r.met_tentative,
            not_met: r.not_met,
            missing: r.missing,
            needs_verification: r.needs_verification,
            avg_criteria_met: r.avg_criteria_met,
            no_known_shortfall: r.no_known_shortfall,
            avg_criteria_no_known_shortfall: r.avg_criteria_no_known_shortfall,
        }
    }

    /// Share of communes meeting the set, in percent (0 when there are none).
    pub fn met_pct(&self) -> f64 {
        pct(self.met, self.units)
    }
}

/// `part` of `whole` in percent (0 when `whole` is 0).
pub fn pct(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        0.0
    } else {
        f64::from(part) * 100.0 / f64::from(whole)
    }
}

/// One set in the summary strip.
#[derive(Debug, Clone)]
pub struct SetTally {
    pub set: SetSummary,
    /// `None` when the set could not be evaluated for this unit (see `error`).
    pub tally: Option<Tally>,
    pub error: Option<String>,
}

/// An indicator keeping communes from meeting the set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockingRow {
    pub code: String,
    pub name_vi: String,
    pub not_met: u32,
    pub missing: u32,
}

/// A district (before 1 July 2025) under a province.
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictRow {
    pub code: String,
    pub name: String,
    pub units: u32,
    pub met: u32,
    pub avg_criteria_met: f64,
    /// Communes with no known shortfall (pending confirmation of thresholds).
    pub no_known_shortfall: u32,
    pub avg_criteria_no_known_shortfall: f64,
}

impl DistrictRow {
    pub fn met_pct(&self) -> f64 {
        pct(self.met, self.units)
    }
}

/// A commune and its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommuneRow {
    pub code: String,
    pub name: String,
    pub district_code: Option<String>,
    pub district_name: Option<String>,
    pub status: Status,
    pub criteria_met: u16,
    /// Criteria with no known shortfall ("tạm tính").
    pub criteria_no_known_shortfall: u16,
    /// No known shortfall in the commune (pending confirmation of thresholds).
    pub no_known_shortfall: bool,
}

/// Communes meeting the set in one year.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    pub year: i32,
    /// `None` when the unit did not exist that year or could not be evaluated.
    pub tally: Option<Tally>,
}

/// Everything a dashboard shows.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub unit: Unit,
    pub year: i32,
    /// The day whose units were used.
    pub units_on: Date,
    /// The chosen set's evaluation (a roll-up).
    pub evaluation: Evaluation,
    pub rollup: RollupView,
    pub tally: Tally,
    pub criteria_total: usize,
    pub blocking: Vec<BlockingRow>,
    pub summaries: Vec<SetTally>,
    /// One row per district (a province before 1 July 2025); empty otherwise.
    pub districts: Vec<DistrictRow>,
    pub communes: Vec<CommuneRow>,
    pub trend: Vec<TrendPoint>,
    /// Years that can be chosen (the unit exists and a commune set is in force).
    pub years: Vec<i32>,
    /// Sets that can be chosen for `year`.
    pub sets: Vec<SetSummary>,
    /// Communes (code, name) without a commune group when the set's thresholds vary by
    /// group (2026–2030): their group-dependent thresholds need verification.
    pub without_group: Vec<(String, String)>,
}

/// What to show for a unit.
#[derive(Debug, Clone)]
pub enum DashboardTarget {
    Dashboard(Box<Dashboard>),
    /// The unit is of the set's level: its scorecard.
    Scorecard {
        code: String,
        set_id: String,
        year: i32,
    },
}

/// Does `unit` exist on `date`?
async fn unit_on(app: &App, code: &str, date: Date) -> Result<Option<Unit>, AppError> {
    Ok(app.db.unit_on(code, date).await?)
}

/// The unit record used for a set and year, or a clear error: unknown code (404), or a
/// year in which the unit did not exist (invalid `year`).
async fn unit_for(
    app: &App,
    code: &str,
    set: &ResolvedSet,
    year: i32,
) -> Result<(Unit, Date), AppError> {
    let date = evaluation_date(set, year);
    match unit_on(app, code, date).await? {
        Some(u) => Ok((u, date)),
        None => Err(AppError::invalid(
            "year",
            format!(
                "unit {code} did not exist on {}",
                ntm_domain::text::format_date_vi(date)
            ),
        )),
    }
}

pub(crate) fn lookup(app: &App, set_id: &str, year: i32) -> Result<&'static ResolvedSet, AppError> {
    let catalog: &'static ntm_domain::criteria::Catalog = app.catalog;
    let set = catalog.set_for_year(set_id, year).map_err(|e| match e {
        ntm_domain::criteria::LookupError::UnknownSet { .. } => {
            AppError::invalid("set", e.to_string())
        }
        ntm_domain::criteria::LookupError::YearOutsideValidity { .. } => {
            AppError::invalid("year", e.to_string())
        }
    })?;
    if set.level != Level::Commune {
        return Err(AppError::invalid(
            "set",
            format!(
                "{set_id} evaluates {} units; dashboards show commune-level sets",
                set.level.as_str()
            ),
        ));
    }
    Ok(set)
}

/// Does the unit (or its subtree) hold values of `set_id` for `year`? Answered from the
/// evaluation, which the dashboard then reuses from the cache (reading the values once).
async fn has_data(
    app: &App,
    actor: &Actor,
    code: &str,
    set: &ResolvedSet,
    year: i32,
) -> Result<bool, AppError> {
    let e = match evaluate_all(app, actor, code, &[(set.id.clone(), year)])
        .await?
        .pop()
    {
        Some(Ok(e)) => e,
        Some(Err(AppError::Internal(m))) => return Err(AppError::Internal(m)),
        _ => return Ok(false),
    };
    if let Some(r) = &e.result {
        return Ok(r.indicators.iter().any(|i| i.value.is_some()));
    }
    let Some(r) = &e.rollup else {
        return Ok(false);
    };
    if r.units == 0 {
        return Ok(false);
    }
    // No values at all: every indicator typed in (not computed) is missing everywhere.
    let missing_everywhere: std::collections::HashSet<&str> = r
        .blocking
        .iter()
        .filter(|b| b.missing == r.units)
        .map(|b| b.code.as_str())
        .collect();
    Ok(set
        .indicators
        .iter()
        .filter(|i| i.derived.is_none())
        .any(|i| !missing_everywhere.contains(i.code.as_str())))
}

/// The set and year when not given: the year given, or the latest year (up to this year)
/// with values in the unit's subtree, or else the latest year the unit exists; the commune
/// NTM set in force that year unless a set is given.
pub(crate) async fn choose(
    app: &App,
    actor: &Actor,
    code: &str,
    set_id: Option<&str>,
    year: Option<i32>,
) -> Result<(String, i32), AppError> {
    if let Some(y) = year {
        return Ok((set_id.unwrap_or(default_set_id(y)).to_string(), y));
    }
    let this_year = crate::today().year();
    let candidates: Vec<(String, i32)> = match set_id {
        Some(s) => {
            let years = set_years(app, s, this_year);
            if years.is_empty() {
                // Unknown set, or not yet in force: let the lookup say why.
                return Ok((s.to_string(), this_year));
            }
            years
                .into_iter()
                .rev()
                .map(|y| (s.to_string(), y))
                .collect()
        }
        None => (FIRST_YEAR..=this_year)
            .rev()
            .map(|y| (default_set_id(y).to_string(), y))
            .collect(),
    };
    let mut fallback = None;
    for (s, y) in &candidates {
        let Ok(set) = app.catalog.set_for_year(s, *y) else {
            continue;
        };
        if unit_on(app, code, evaluation_date(set, *y))
            .await?
            .is_none()
        {
            continue;
        }
        fallback.get_or_insert((s.clone(), *y));
        if has_data(app, actor, code, set, *y).await? {
            return Ok((s.clone(), *y));
        }
    }
    Ok(fallback
        .or_else(|| candidates.into_iter().next())
        .unwrap_or_else(|| (default_set_id(this_year).to_string(), this_year)))
}

/// Forgets every kept evaluation (for measurements of the uncached path).
pub fn clear_cache() {
    kept::clear_all();
}

/// Evaluates `code` for each `(set, year)` through the kept evaluations (see [`kept`]), all
/// at the same time; results in the order given.
async fn evaluate_all(
    app: &App,
    actor: &Actor,
    code: &str,
    jobs: &[(String, i32)],
) -> Result<Vec<Result<Evaluation, AppError>>, AppError> {
    let mut out: Vec<Option<Result<Evaluation, AppError>>> = jobs.iter().map(|_| None).collect();
    let mut tasks = tokio::task::JoinSet::new();
    for (i, (set_id, year)) in jobs.iter().enumerate() {
        let (app, actor, code, set_id, year) = (
            app.clone(),
            actor.clone(),
            code.to_string(),
            set_id.clone(),
            *year,
        );
        tasks.spawn(async move { (i, evaluate_kept(&app, &actor, &code, &set_id, year).await) });
    }
    while let Some(r) = tasks.join_next().await {
        let (i, r) = r.map_err(|e| AppError::Internal(format!("evaluation task failed: {e}")))?;
        out[i] = Some(r);
    }
    Ok(out
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(AppError::Internal("evaluation missing".into()))))
        .collect())
}

/// One evaluation of `code` for a set and year through the dashboards' cache (the maps
/// read the same results the dashboards show).
pub(crate) async fn evaluate_cached(
    app: &App,
    actor: &Actor,
    code: &str,
    set_id: &str,
    year: i32,
) -> Result<Evaluation, AppError> {
    evaluate_all(app, actor, code, &[(set_id.to_string(), year)])
        .await?
        .pop()
        .unwrap_or_else(|| Err(AppError::Internal("evaluation missing".into())))
}

/// The dashboard of a unit above the set's level (a province, or a district before
/// 1 July 2025) for a commune-level set and year; defaults in [`choose`]. Needs a login and a
/// scope covering the unit.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code))]
pub async fn dashboard(
    app: &App,
    actor: &Actor,
    code: &str,
    set_id: Option<&str>,
    year: Option<i32>,
) -> Result<DashboardTarget, AppError> {
    // Permission first, on some record of the code (the exact record of the year is
    // checked again by `evaluate`), so that choosing defaults reveals nothing.
    let versions = app.db.unit_versions(code).await?;
    if versions.is_empty() {
        return Err(AppError::NotFound(format!("unit {code}")));
    }
    let mut allowed = Err(AppError::NotFound(format!("unit {code}")));
    for v in &versions {
        allowed = crate::criteria::require_on_unit(app, actor, Permission::ViewUnits, v).await;
        if allowed.is_ok() {
            break;
        }
    }
    allowed?;

    let (set_id, year) = choose(app, actor, code, set_id, year).await?;
    let set = lookup(app, &set_id, year)?;
    let (unit, date) = unit_for(app, code, set, year).await?;
    if unit.level == set.level {
        return Ok(DashboardTarget::Scorecard {
            code: unit.code,
            set_id,
            year,
        });
    }
    if unit.level > set.level {
        return Err(AppError::invalid(
            "unit",
            format!(
                "{set_id} evaluates {} units; {code} is a {} unit below that level",
                set.level.as_str(),
                unit.level.as_str()
            ),
        ));
    }

    // The chosen set, the other sets of the summary strip and the earlier years of the trend
    // are independent evaluations: run them at the same time (each reads its own values).
    let others: Vec<&ResolvedSet> = commune_sets(app, year)
        .into_iter()
        .filter(|s| s.id != set_id)
        .collect();
    let trend_years = set_years(app, &set_id, year);
    let mut jobs: Vec<(String, i32)> = vec![(set_id.clone(), year)];
    jobs.extend(others.iter().map(|s| (s.id.clone(), year)));
    jobs.extend(
        trend_years
            .iter()
            .filter(|y| **y != year)
            .map(|y| (set_id.clone(), *y)),
    );
    let results = evaluate_all(app, actor, code, &jobs).await?;
    // Any of the figures still being brought up to date after a change to the whole scope:
    // the page says so, with the earliest such change.
    let figures_at = results
        .iter()
        .filter_map(|r| r.as_ref().ok().and_then(|e| e.figures_at))
        .min();
    // The background rebuilds' progress, summed over those figures.
    let progress = results
        .iter()
        .filter_map(|r| r.as_ref().ok().and_then(|e| e.updating_progress))
        .reduce(|a, b| (a.0 + b.0, a.1 + b.1));
    let mut results = results.into_iter();
    let mut evaluation = results
        .next()
        .ok_or_else(|| AppError::Internal("no evaluation".into()))??;
    if figures_at.is_some() {
        evaluation.updating = true;
        evaluation.figures_at = figures_at;
        evaluation.updating_progress = progress;
    }
    let rollup = evaluation
        .rollup
        .clone()
        .ok_or_else(|| AppError::Internal(format!("no roll-up for unit {code}")))?;
    let tally = Tally::of(&rollup);

    // Summary strip: every commune-level set in force that year.
    let mut summaries = vec![SetTally {
        set: evaluation.set.clone(),
        tally: Some(tally),
        error: None,
    }];
    for s in &others {
        let summary = SetSummary::of(s);
        match results.next() {
            Some(Ok(e)) => summaries.push(SetTally {
                set: summary,
                tally: e.rollup.as_ref().map(Tally::of),
                error: None,
            }),
            Some(Err(AppError::Validation(fields))) => summaries.push(SetTally {
                set: summary,
                tally: None,
                error: Some(
                    fields
                        .iter()
                        .map(|f| f.message.clone())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            }),
            Some(Err(e)) => return Err(e),
            None => {}
        }
    }
    // Keep the order of `commune_sets` (the chosen set is not always the first).
    let order: Vec<String> = commune_sets(app, year)
        .into_iter()
        .map(|s| s.id.clone())
        .collect();
    summaries.sort_by_key(|t| order.iter().position(|id| *id == t.set.id));

    // Trend: each year of the set's validity up to this one.
    let mut trend = Vec::new();
    for y in trend_years {
        let tally = if y == year {
            Some(tally)
        } else {
            match results.next() {
                Some(Ok(e)) => e.rollup.as_ref().map(Tally::of),
                Some(Err(AppError::NotFound(_) | AppError::Validation(_))) | None => None,
                Some(Err(e)) => return Err(e),
            }
        };
        trend.push(TrendPoint { year: y, tally });
    }

    // Indicator names for the blocking list.
    let blocking = rollup
        .blocking
        .iter()
        .map(|b| BlockingRow {
            code: b.code.clone(),
            name_vi: set
                .indicator_index(&b.code)
                .and_then(|i| set.indicator(i).name_vi.clone())
                .unwrap_or_default(),
            not_met: b.not_met,
            missing: b.missing,
        })
        .collect();

    // Communes with their district (before 1 July 2025), and one row per district.
    let mut districts: Vec<DistrictRow> = Vec::new();
    let mut district_names: HashMap<String, String> = HashMap::new();
    if unit.level == Level::Province && set.level == Level::Commune {
        // After `evaluate_all`'s feed reads: the kept unit lists.
        let list = kept::units_under_after_sync(app, Some(&unit.path), date, Some(Level::District))
            .await?;
        for d in list.iter().cloned() {
            district_names.insert(d.code.clone(), d.name.clone());
            districts.push(DistrictRow {
                code: d.code,
                name: d.name,
                units: 0,
                met: 0,
                avg_criteria_met: 0.0,
                no_known_shortfall: 0,
                avg_criteria_no_known_shortfall: 0.0,
            });
        }
    }
    let parents: HashMap<String, Option<String>> = if districts.is_empty() {
        HashMap::new()
    } else {
        kept::units_under_after_sync(app, Some(&unit.path), date, Some(set.level))
            .await?
            .iter()
            .map(|u| (u.code.clone(), u.parent_code.clone()))
            .collect()
    };
    // Per district: communes, met, sum of criteria met, no known shortfall, sum of criteria
    // with no known shortfall.
    let mut sums: HashMap<String, (u32, u32, u64, u32, u64)> = HashMap::new();
    let communes: Vec<CommuneRow> = rollup
        .children
        .iter()
        .map(|c| {
            let district_code = parents
                .get(&c.code)
                .cloned()
                .flatten()
                .filter(|p| district_names.contains_key(p));
            if let Some(d) = &district_code {
                let s = sums.entry(d.clone()).or_default();
                s.0 += 1;
                s.1 += u32::from(c.status == Status::Met);
                s.2 += u64::from(c.criteria_met);
                s.3 += u32::from(c.no_known_shortfall);
                s.4 += u64::from(c.criteria_no_known_shortfall);
            }
            CommuneRow {
                code: c.code.clone(),
                name: c.name.clone(),
                district_name: district_code
                    .as_ref()
                    .and_then(|d| district_names.get(d).cloned()),
                district_code,
                status: c.status,
                criteria_met: c.criteria_met,
                criteria_no_known_shortfall: c.criteria_no_known_shortfall,
                no_known_shortfall: c.no_known_shortfall,
            }
        })
        .collect();
    for d in &mut districts {
        if let Some(&(n, met, sum, nks, sum_nks)) = sums.get(&d.code) {
            let avg = |s: u64| if n == 0 { 0.0 } else { s as f64 / f64::from(n) };
            d.units = n;
            d.met = met;
            d.avg_criteria_met = avg(sum);
            d.no_known_shortfall = nks;
            d.avg_criteria_no_known_shortfall = avg(sum_nks);
        }
    }

    // Choices for the form.
    let this_year = crate::today().year();
    let mut years = Vec::new();
    for y in FIRST_YEAR..=this_year.max(year) {
        let s = app
            .catalog
            .set_for_year(default_set_id(y), y)
            .ok()
            .or_else(|| commune_sets(app, y).into_iter().next());
        let Some(s) = s else { continue };
        let d = evaluation_date(s, y);
        if versions.iter().any(|v| v.is_valid_on(d)) {
            years.push(y);
        }
    }
    let sets = commune_sets(app, year)
        .into_iter()
        .map(SetSummary::of)
        .collect();

    let listed: Vec<(String, String)> = rollup
        .children
        .iter()
        .map(|c| (c.code.clone(), c.name.clone()))
        .collect();
    let without_group = crate::groups::without_group(app, &unit, set, year, &listed).await?;

    Ok(DashboardTarget::Dashboard(Box::new(Dashboard {
        units_on: evaluation.units_on,
        criteria_total: evaluation.set.criteria,
        unit,
        year,
        evaluation,
        rollup,
        tally,
        blocking,
        summaries,
        districts,
        communes,
        trend,
        years,
        sets,
        without_group,
    })))
}
