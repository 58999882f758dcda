//! The actual of a target at one level: units in scope, their evaluations with the set in
//! force for the province (cached per call), and measure values.

use std::collections::HashMap;

use ntm_domain::criteria::ValueKind;
use ntm_domain::criteria::{Observations, ResolvedSet, Status, evaluate_unit};
use ntm_domain::dossier::campaign::VN_OFFSET;
use ntm_domain::measures::MeasureKey;
use ntm_domain::plans::{self, MeasureKind, Metric, Target, TargetOp, TargetStatus};
use ntm_domain::units::{Level, Unit};
use uuid::Uuid;

use crate::{App, AppError};

use super::catalog::measure;
use super::list::{dec31, jun30};
use super::progress::{LevelActual, UnitFigure, display_value};

/// Per unit: per indicator code, and the whole set under "": (met, tentatively met, no
/// known shortfall).
pub(super) type UnitEvals = Vec<(Unit, HashMap<String, (bool, bool, bool)>)>;

/// Per-call cache of the units of a level and of set evaluations.
#[derive(Default)]
pub(super) struct Work {
    pub(super) units: HashMap<(Level, i32), Vec<Unit>>,
    /// (set id, year) → per unit (code order as `units`): per indicator code, and for the
    /// whole set under "": (met, tentatively met, no known shortfall).
    pub(super) evals: HashMap<(String, i32), UnitEvals>,
    pub(super) measures: HashMap<(String, i32), HashMap<Uuid, ntm_store::MeasureValueRecord>>,
}

pub(super) struct Scope<'a> {
    /// The plan's province record (for the year).
    pub(super) province_code: &'a str,
    /// Path prefix the units must lie under.
    pub(super) path: String,
}

pub(super) async fn units_of(
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
pub(super) async fn evaluations<'w>(
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

pub(super) async fn measure_values<'w>(
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

pub(super) fn yes_no_vi(v: f64) -> &'static str {
    if v >= 0.5 { "Có" } else { "Không" }
}

/// Computes one level's actual and the units behind it.
pub(super) async fn level_actual(
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
        Metric::Computed {
            measure, at_least, ..
        } => {
            computed_level(
                app,
                w,
                scope,
                t,
                (*measure, *at_least),
                level,
                year,
                &mut la,
                &mut figures,
            )
            .await?;
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

/// The actual of a [`Metric::Computed`] at one level: the measure computed from the records
/// for each unit in scope (today, or 31 December for a past year), combined by
/// [`plans::computed_actual`]; each unit's figure keeps the note saying what it counted.
#[allow(clippy::too_many_arguments)]
async fn computed_level(
    app: &App,
    w: &mut Work,
    scope: &Scope<'_>,
    t: &Target,
    (key, at_least): (MeasureKey, Option<f64>),
    level: Level,
    year: i32,
    la: &mut LevelActual,
    figures: &mut Vec<UnitFigure>,
) -> Result<(), AppError> {
    let units = units_of(app, w, scope, level, year).await?;
    let today = crate::today();
    let kind = key.value_kind();
    let mut nums = Vec::with_capacity(units.len());
    for u in &units {
        let c = crate::measures::measure_of(app, u, key, year, today).await?;
        let v = c.text.as_deref().and_then(|s| match s {
            "true" => Some(1.0),
            "false" => Some(0.0),
            s => s.parse::<f64>().ok(),
        });
        nums.push(v);
        figures.push(UnitFigure {
            code: u.code.clone(),
            name: u.name.clone(),
            level: u.level,
            value: v,
            display: match (v, kind) {
                (None, _) => "—".into(),
                (Some(v), ValueKind::Boolean) => yes_no_vi(v).into(),
                (Some(v), ValueKind::Percent) => display_value(Some(v), true),
                (Some(v), _) => display_value(Some(v), false),
            },
            met: match (v, at_least, kind) {
                (Some(v), Some(x), _) => Some(TargetOp::AtLeast.holds(v, x)),
                (Some(v), None, ValueKind::Boolean) => Some(v >= 0.5),
                (Some(v), None, ValueKind::Percent) => Some(t.op.holds(v, t.value)),
                _ => None,
            },
            tentatively_met: None,
            no_known_shortfall: None,
            entered_by: None,
            entered_on: None,
            version: None,
            note: Some(c.note),
        });
    }
    la.units = units.len() as u32;
    la.with_value = nums.iter().flatten().count() as u32;
    la.actual = plans::computed_actual(key, at_least, &nums);
    la.display = display_value(la.actual, t.metric.is_percent());
    if la.actual.is_some() && (at_least.is_some() || kind == ValueKind::Boolean) {
        let hits = figures.iter().filter(|f| f.met == Some(true)).count();
        la.display = format!("{} ({hits}/{})", la.display, la.with_value);
    }
    Ok(())
}
