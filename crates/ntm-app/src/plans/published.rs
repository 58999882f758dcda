//! Plan progress on **published data only** (open data, `docs/open-data.md`, the OGC
//! collection `plan-progress`): for a target, a year and a unit of the plan's province, the
//! target's actual over the units under that unit — the plan dashboard's figure for that unit
//! ([`super::plan_progress`] with `unit`), but computed only from what may be published
//! (`ntm_domain::plans::actual_basis`): criteria-set targets on **verified values** (never a
//! draft, submitted or returned value: [`crate::criteria::verified_outcomes`]), portal
//! measures from the public records, and nothing for entered plan measures and feedback
//! figures (their actual stays missing). No unit with data gives a missing actual, not 0.

use std::collections::HashMap;

use ntm_domain::criteria::demo::SAMPLE_NOTE;
use ntm_domain::plans::{self, ActualBasis, Metric, Plan, Target, TargetStatus};
use ntm_domain::units::{Level, Unit};
use time::Date;
use uuid::Uuid;

use crate::{App, AppError};

use super::list::{dec31, jun30};
use super::progress::{as_of_for, metric_label, status_for};

/// The units of a plan's province for a year.
#[derive(Debug, Clone)]
pub(crate) struct PlanUnits {
    /// The day they are valid on: 31 December, else 30 June (a province closed during the
    /// year keeps its first half, as the dashboard reads it).
    pub day: Date,
    /// The province, its districts and communes valid that day, by code.
    pub units: Vec<Unit>,
}

/// The plan's province and the units under it for `year`; `None` when the province has no
/// record that year (no unit list covers it).
pub(crate) async fn plan_units(
    app: &App,
    plan: &Plan,
    year: i32,
) -> Result<Option<PlanUnits>, AppError> {
    for day in [dec31(year), jun30(year)] {
        let Some(province) = app.db.unit_on(&plan.province, day).await? else {
            continue;
        };
        let mut units = app.db.subtree_on(&province.path, day, None).await?;
        units.retain(|u| u.level != Level::Hamlet && u.id != province.id);
        units.push(province);
        units.sort_by(|a, b| a.code.cmp(&b.code));
        return Ok(Some(PlanUnits { day, units }));
    }
    Ok(None)
}

/// One unit's figure behind a target.
#[derive(Debug, Clone, Copy, Default)]
struct UnitFigure {
    /// A verified value of the set (criteria), or a computed value (portal).
    has_data: bool,
    /// Criteria: met on confirmed thresholds; tentatively; no known shortfall.
    met: bool,
    tentative: bool,
    no_known_shortfall: bool,
    /// Portal measures: the unit's value (yes/no as 1/0).
    value: Option<f64>,
    /// A verified value carries the demo's sample note.
    sample: bool,
}

/// Every unit's figure behind a target in a year, for the whole province (read once per
/// target and year, then summed per unit of the page).
#[derive(Debug, Clone)]
pub(crate) struct TargetFigures {
    pub basis: ActualBasis,
    /// The units the actual counts, per level, with their path (for criteria: those the set
    /// applies to).
    counted: Vec<(Level, String, Uuid)>,
    figures: HashMap<Uuid, UnitFigure>,
}

/// Reads the figures of `t` in `year` for every unit of the plan's province.
pub(crate) async fn target_figures(
    app: &App,
    t: &Target,
    year: i32,
    pu: &PlanUnits,
) -> Result<TargetFigures, AppError> {
    let basis = plans::actual_basis(&t.metric);
    let mut out = TargetFigures {
        basis,
        counted: Vec::new(),
        figures: HashMap::new(),
    };
    let of_level =
        |l: Level| -> Vec<Unit> { pu.units.iter().filter(|u| u.level == l).cloned().collect() };
    match &t.metric {
        Metric::ShareMeeting {
            set,
            indicator,
            level,
        }
        | Metric::CountMeeting {
            set,
            indicator,
            level,
        } => {
            let Ok(national) = app.catalog.set_for_year(set, year) else {
                return Ok(out);
            };
            let units = crate::criteria::applicable_units(national, of_level(*level));
            let ids: Vec<Uuid> = units.iter().map(|u| u.id).collect();
            let with: HashMap<Uuid, bool> = app
                .db
                .verified_units_of_set(&ids, set, year, SAMPLE_NOTE)
                .await?
                .into_iter()
                .collect();
            let outcomes = crate::criteria::verified_outcomes(app, set, year, &units).await?;
            let key = indicator.clone().unwrap_or_default();
            for u in &units {
                // The set in force may not apply to a unit the national one does.
                let Some(o) = outcomes.get(&u.id) else {
                    continue;
                };
                let sample = with.get(&u.id).copied();
                let has_data = sample.is_some();
                let (met, tentative, nks) = o.get(&key).copied().unwrap_or_default();
                out.counted.push((u.level, u.path.clone(), u.id));
                out.figures.insert(
                    u.id,
                    UnitFigure {
                        has_data,
                        met: met && has_data,
                        tentative: tentative && has_data,
                        no_known_shortfall: nks && has_data,
                        value: None,
                        sample: sample.unwrap_or(false),
                    },
                );
            }
        }
        Metric::Computed { measure, level, .. } if basis == ActualBasis::PublicRecords => {
            let today = crate::today();
            for u in of_level(*level) {
                let c = crate::measures::measure_of(app, &u, *measure, year, today).await?;
                let value = c.text.as_deref().and_then(|s| match s {
                    "true" => Some(1.0),
                    "false" => Some(0.0),
                    s => s.parse::<f64>().ok(),
                });
                out.counted.push((u.level, u.path.clone(), u.id));
                out.figures.insert(
                    u.id,
                    UnitFigure {
                        has_data: value.is_some(),
                        value,
                        ..UnitFigure::default()
                    },
                );
            }
        }
        // Not published: the units it covers are counted, their figures never read.
        _ => {
            for l in t.metric.levels() {
                for u in of_level(l) {
                    out.counted.push((u.level, u.path.clone(), u.id));
                }
            }
        }
    }
    Ok(out)
}

/// A target's figure for one unit: its actual over the units under it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ScopeFigure {
    pub actual: Option<f64>,
    /// Units of the target's levels under the unit (itself included) that the actual counts.
    pub units: u32,
    /// Of those, units with published data; `None` when the actual is not published.
    pub with_data: Option<u32>,
    /// Criteria targets: the same figure on thresholds still to confirm, and with no known
    /// shortfall (never mixed with the actual).
    pub tentative: Option<f64>,
    pub no_known_shortfall: Option<f64>,
    /// Some verified value read carries the demo's sample note.
    pub sample: bool,
}

/// The figure of `t` for the unit `scope`; `None` when the unit lies below every level of the
/// target (it gets no feature).
pub(crate) fn scope_figure(f: &TargetFigures, t: &Target, scope: &Unit) -> Option<ScopeFigure> {
    let levels = plans::scope_levels(&t.metric.levels(), scope.level);
    if levels.is_empty() {
        return None;
    }
    let mut out = ScopeFigure {
        actual: None,
        units: 0,
        with_data: None,
        tentative: None,
        no_known_shortfall: None,
        sample: false,
    };
    let mut actuals = Vec::with_capacity(levels.len());
    let mut with_data = 0u32;
    for l in levels {
        let figs: Vec<UnitFigure> = f
            .counted
            .iter()
            .filter(|(lv, path, _)| *lv == l && path.starts_with(&scope.path))
            .map(|(_, _, id)| f.figures.get(id).copied().unwrap_or_default())
            .collect();
        let n = figs.len() as u32;
        let with = figs.iter().filter(|x| x.has_data).count() as u32;
        out.units += n;
        with_data += with;
        out.sample |= figs.iter().any(|x| x.sample);
        let count = |pick: fn(&UnitFigure) -> bool| figs.iter().filter(|x| pick(x)).count() as u32;
        actuals.push(match &t.metric {
            Metric::ShareMeeting { .. } | Metric::CountMeeting { .. } => {
                let share = matches!(t.metric, Metric::ShareMeeting { .. });
                out.tentative = plans::meeting_actual(count(|x| x.tentative), n, with, share);
                out.no_known_shortfall =
                    plans::meeting_actual(count(|x| x.no_known_shortfall), n, with, share);
                plans::meeting_actual(count(|x| x.met), n, with, share)
            }
            Metric::Computed {
                measure, at_least, ..
            } if f.basis == ActualBasis::PublicRecords => {
                let values: Vec<Option<f64>> = figs.iter().map(|x| x.value).collect();
                plans::computed_actual(*measure, *at_least, &values)
            }
            _ => None,
        });
    }
    out.actual = plans::combine_levels(&actuals);
    out.with_data = (f.basis != ActualBasis::NotPublished).then_some(with_data);
    Some(out)
}

/// The status of an actual for the year (judged on 31 December, or today in the current
/// year) and whether the target's comparison holds (`None` without an actual).
pub(crate) fn judge(
    plan: &Plan,
    t: &Target,
    year: i32,
    actual: Option<f64>,
) -> (TargetStatus, Option<bool>) {
    (
        status_for(plan, t, actual, as_of_for(year)),
        actual.map(|a| t.op.holds(a, t.value)),
    )
}

/// What the target measures, in Vietnamese (the dashboard's label).
pub(crate) fn metric_name(m: &Metric) -> String {
    metric_label(m)
}

/// When the published plan progress last changed (the catalogue's `dct:modified`): the latest
/// of when this process loaded the plan files (they change only with a restart), the last
/// value verified, and — when a loaded plan has figures that move with the days (its current
/// year, judged on today; a target computed from the portal, whose complete months and
/// weeks move) — the start of today in Việt Nam. `None` without any plan.
pub(crate) async fn published_modified(
    app: &App,
) -> Result<Option<time::OffsetDateTime>, AppError> {
    let s = super::shipped();
    if s.plans.is_empty() {
        return Ok(None);
    }
    let mut modified = s.loaded_at;
    if let Some(v) = app.db.verified_values_modified().await? {
        modified = modified.max(v);
    }
    let today = crate::today();
    let live = s.plans.iter().any(|p| {
        p.years().any(|y| y == today.year())
            || p.targets
                .iter()
                .any(|t| plans::actual_basis(&t.metric) == ActualBasis::PublicRecords)
    });
    if live {
        let start = today
            .midnight()
            .assume_offset(ntm_domain::dossier::campaign::VN_OFFSET);
        modified = modified.max(start);
    }
    Ok(Some(modified))
}
