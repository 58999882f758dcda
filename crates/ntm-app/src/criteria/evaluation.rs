//! Evaluating units against a set with their stored values: one unit's result, the roll-up of
//! the units of the set's level inside a parent, and what a unit still lacks.

use std::collections::{BTreeMap, HashMap};

use ntm_domain::authz::Permission;
use ntm_domain::criteria::{
    ChildTally, Gap, Measure, Observations, ResolvedSet, RollupAcc, Status, UnitCtx,
    UnitEvaluation, evaluate_unit,
};
use ntm_domain::units::Unit;
use ntm_store::{ObservationRecord, UnitSelection};
use time::Date;
use uuid::Uuid;

use super::catalog::{SetSummary, evaluation_date, lookup_set, unit_in_year};
use super::packed::PackedValues;
use super::views::{
    BlockingView, BucketView, ChildResult, CriterionView, Evaluation, IndicatorView, NotApplicable,
    RollupView, UnitResult, threshold_view,
};
use crate::access::require_on_unit;
use crate::{Actor, App, AppError};

/// The units of `units` the set applies to (its `applies_to` unit kinds): the only ones
/// counted in roll-ups, shares and denominators.
pub(crate) fn applicable_units(set: &ResolvedSet, mut units: Vec<Unit>) -> Vec<Unit> {
    units.retain(|u| set.applies_to_kind(&u.kind));
    units
}

pub(crate) fn ctx_of(
    u: &Unit,
    region: Option<ntm_domain::Region>,
    group: Option<ntm_domain::criteria::CommuneGroup>,
) -> UnitCtx {
    UnitCtx {
        level: u.level,
        region: u.region.or(region),
        group,
        disadvantaged: false,
    }
}

/// Which stored values an evaluation reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Values {
    /// The current value, whatever its status (pages for officers).
    Current,
    /// The latest verified value only (open data).
    Verified,
}

impl Values {
    async fn read(
        self,
        app: &App,
        ids: &[Uuid],
        set_id: &str,
        year: i32,
    ) -> Result<Vec<ntm_store::CurrentValue>, AppError> {
        Ok(match self {
            Values::Current => app.db.current_values_of_units(ids, set_id, year).await?,
            Values::Verified => app.db.verified_values_of_units(ids, set_id, year).await?,
        })
    }
}

/// Evaluates units of `set`'s level with their stored values (one query for all of them);
/// derived "share of children meeting" indicators are filled from their own children.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn evaluate_units(
    app: &App,
    set: &ResolvedSet,
    obs_set_id: &str,
    units: &[Unit],
    year: i32,
    date: Date,
    region: Option<ntm_domain::Region>,
    which: Values,
) -> Result<Vec<(UnitEvaluation, Vec<ObservationRecord>)>, AppError> {
    let ids: Vec<Uuid> = units.iter().map(|u| u.id).collect();
    // One unit: its full records (the scorecard shows who, when, status). Many units (a
    // roll-up): only the values, which decodes several times faster (docs/perf.md).
    let mut by_unit: HashMap<Uuid, Vec<ObservationRecord>> = HashMap::new();
    let mut values: HashMap<Uuid, Vec<(String, String)>> = HashMap::new();
    if units.len() == 1 && which == Values::Current {
        for o in app
            .db
            .current_observations_of_units(UnitSelection::Ids(&ids), obs_set_id, year)
            .await?
        {
            by_unit.entry(o.unit_id).or_default().push(o);
        }
    } else {
        for v in which.read(app, &ids, obs_set_id, year).await? {
            values
                .entry(v.unit_id)
                .or_default()
                .push((v.indicator_code, v.value_text));
        }
    }
    // Child sets of derived indicators (share/count of children meeting another set).
    let child_sets: Vec<&str> = set
        .indicators
        .iter()
        .filter_map(|i| i.derived.as_ref())
        .filter(|d| {
            matches!(
                d.measure,
                Measure::ShareOfChildrenMeeting | Measure::CountOfChildrenMeeting
            )
        })
        .filter_map(|d| d.set.as_deref())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let groups = crate::groups::groups_for_evaluation(app, set, units, date).await?;
    let mut out = Vec::with_capacity(units.len());
    let mut obs = Observations::new(set);
    for u in units {
        obs.clear();
        let recs = by_unit.remove(&u.id).unwrap_or_default();
        let slim = values.remove(&u.id).unwrap_or_default();
        let texts = recs
            .iter()
            .map(|r| (r.indicator_code.as_str(), r.value_text.as_str()))
            .chain(slim.iter().map(|(c, v)| (c.as_str(), v.as_str())));
        for (code, text) in texts {
            if let Err(e) = obs.set_text(set, code, text) {
                tracing::warn!(unit = %u.code, set = %set.id, "stored value ignored: {e}");
            }
        }
        for child_id in &child_sets {
            let Ok(child_set) = app.catalog.set_for_year(child_id, year) else {
                continue;
            };
            let children = applicable_units(
                child_set,
                app.db
                    .subtree_on(&u.path, date, Some(child_set.level))
                    .await?,
            );
            let evals = Box::pin(evaluate_plain(
                app, child_set, &children, year, date, region, which,
            ))
            .await?;
            obs.supply_children(set, child_id, &ChildTally::from_evals(evals.iter()));
        }
        let ctx = ctx_of(u, region, groups.get(&u.code).copied());
        let e = evaluate_unit(set, &ctx, &obs, year)
            .map_err(|e| AppError::invalid("set", e.to_string()))?;
        out.push((e, recs));
    }
    Ok(out)
}

/// The current values of `ids` for a set and year, packed by unit (units with none are
/// absent).
pub(crate) async fn current_values_packed(
    app: &App,
    ids: &[Uuid],
    obs_set_id: &str,
    year: i32,
) -> Result<HashMap<Uuid, PackedValues>, AppError> {
    Ok(packed_by_unit(
        Values::Current.read(app, ids, obs_set_id, year).await?,
    ))
}

/// Values as read, packed by unit.
fn packed_by_unit(read: Vec<ntm_store::CurrentValue>) -> HashMap<Uuid, PackedValues> {
    let mut by_unit: HashMap<Uuid, Vec<ntm_store::CurrentValue>> = HashMap::new();
    for v in read {
        by_unit.entry(v.unit_id).or_default().push(v);
    }
    by_unit
        .into_iter()
        .map(|(id, vs)| {
            let packed = PackedValues::pack(
                vs.iter()
                    .map(|v| (v.indicator_code.as_str(), v.value_text.as_str())),
            );
            (id, packed)
        })
        .collect()
}

/// Evaluates units of `set`'s level from values already read (`values[i]` for `units[i]`,
/// `None`: no value), as [`evaluate_units`] does with the values it reads; commune groups are
/// read once. Only for sets with no indicator derived from the units below (the kept
/// dashboards', `crate::dashboard::kept`).
pub(crate) async fn evaluate_packed(
    app: &App,
    set: &ResolvedSet,
    units: &[Unit],
    values: &[Option<&PackedValues>],
    year: i32,
    date: Date,
    region: Option<ntm_domain::Region>,
) -> Result<Vec<UnitEvaluation>, AppError> {
    let groups = crate::groups::groups_for_evaluation(app, set, units, date).await?;
    let mut obs = Observations::new(set);
    let mut out = Vec::with_capacity(units.len());
    for (u, v) in units.iter().zip(values) {
        obs.clear();
        for (code, text) in v.iter().flat_map(|v| v.iter()) {
            if let Err(e) = obs.set_text(set, code, text) {
                tracing::warn!(unit = %u.code, set = %set.id, "stored value ignored: {e}");
            }
        }
        let ctx = ctx_of(u, region, groups.get(&u.code).copied());
        out.push(
            evaluate_unit(set, &ctx, &obs, year)
                .map_err(|e| AppError::invalid("set", e.to_string()))?,
        );
    }
    Ok(out)
}

/// Evaluates units with their own values only (no derived inputs).
async fn evaluate_plain(
    app: &App,
    set: &ResolvedSet,
    units: &[Unit],
    year: i32,
    date: Date,
    region: Option<ntm_domain::Region>,
    which: Values,
) -> Result<Vec<UnitEvaluation>, AppError> {
    let ids: Vec<Uuid> = units.iter().map(|u| u.id).collect();
    let by_unit = packed_by_unit(which.read(app, &ids, &set.id, year).await?);
    let values: Vec<Option<&PackedValues>> = units.iter().map(|u| by_unit.get(&u.id)).collect();
    evaluate_packed(app, set, units, &values, year, date, region).await
}

fn unit_result(
    set: &ResolvedSet,
    e: &UnitEvaluation,
    recs: &[ObservationRecord],
    region: Option<ntm_domain::Region>,
    year: i32,
) -> UnitResult {
    let today = crate::today();
    let by_code: BTreeMap<&str, &ObservationRecord> = recs
        .iter()
        .map(|r| (r.indicator_code.as_str(), r))
        .collect();
    let indicators = set
        .indicators
        .iter()
        .zip(&e.indicators)
        .enumerate()
        .map(|(i, (ind, o))| {
            let rec = by_code.get(ind.code.as_str());
            IndicatorView {
                code: ind.code.clone(),
                name_vi: ind.name_vi.clone().unwrap_or_default(),
                criterion: set.criterion_of(i).map(|c| set.criteria[c].number),
                status: o.status(),
                value: rec.map(|r| r.value_text.clone()),
                value_status: rec.map(|r| r.status),
                version: rec.map(|r| r.version),
                gap: match o.gap() {
                    Some(Gap::Amount(a)) => Some(f64::from(a)),
                    _ => None,
                },
                caveats: o.caveats().codes().collect(),
                threshold: threshold_view(set, i, e.region_used.or(region), e.ctx.group),
                kind: ind.value_kind().as_str(),
                unit: ind.unit.clone(),
                computed: ind.derived.is_some(),
                computed_from: ind.computed_from,
                computed_records: ind
                    .computed_from
                    .and_then(|k| ntm_domain::measures::records_span(k.module(), year, today)),
                evidence_required: set.requires_evidence(i),
            }
        })
        .collect();
    let criteria = set
        .criteria
        .iter()
        .zip(&e.criteria)
        .map(|(c, r)| CriterionView {
            number: c.number,
            name_vi: c.name_vi.clone(),
            status: r.status,
            no_known_shortfall: r.no_known_shortfall,
            met: r.met,
            not_met: r.not_met,
            missing: r.missing,
            needs_verification: r.needs_verification,
        })
        .collect();
    UnitResult {
        status: e.status,
        tentatively_met: e.tentatively_met,
        criteria_met: e.criteria_met,
        criteria_met_tentative: e.criteria_met_tentative,
        criteria_no_known_shortfall: e.criteria_no_known_shortfall,
        no_known_shortfall: e.no_known_shortfall,
        criteria_total: set.criteria.len(),
        criteria,
        indicators,
        caveats: e.caveats.codes().collect(),
    }
}

fn bucket_views(b: &[ntm_domain::criteria::Bucket]) -> Vec<BucketView> {
    b.iter()
        .map(|b| BucketView {
            min: b.min,
            max: b.max,
            count: b.count,
        })
        .collect()
}

/// The roll-up of `children` (units of `set`'s level, in order) from their evaluations
/// (`evals[i]` is `children[i]`'s): what [`evaluate`] and the dashboards' kept evaluations
/// (`crate::dashboard::kept`) return.
pub(crate) fn rollup_view(
    set: &ResolvedSet,
    children: &[Unit],
    evals: &[&UnitEvaluation],
) -> RollupView {
    let mut acc = RollupAcc::new(set);
    for e in evals {
        acc.add(e);
    }
    let r = acc.finish();
    RollupView {
        level: set.level,
        units: r.units,
        met: r.met,
        not_met: r.not_met,
        missing: r.missing,
        needs_verification: r.needs_verification,
        met_tentative: r.met_tentative,
        no_known_shortfall: r.no_known_shortfall,
        avg_criteria_met: r.avg_criteria_met,
        avg_criteria_met_tentative: r.avg_criteria_met_tentative,
        avg_criteria_no_known_shortfall: r.avg_criteria_no_known_shortfall,
        buckets: bucket_views(&r.buckets),
        buckets_no_known_shortfall: bucket_views(&r.buckets_no_known_shortfall),
        blocking: r
            .blocking
            .iter()
            .map(|b| BlockingView {
                code: set.indicator(b.indicator).code.clone(),
                not_met: b.not_met,
                missing: b.missing,
            })
            .collect(),
        children: children
            .iter()
            .zip(evals)
            .map(|(u, e)| ChildResult {
                code: u.code.clone(),
                name: u.name.clone(),
                status: e.status,
                criteria_met: e.criteria_met,
                criteria_met_tentative: e.criteria_met_tentative,
                criteria_no_known_shortfall: e.criteria_no_known_shortfall,
                no_known_shortfall: e.no_known_shortfall,
            })
            .collect(),
    }
}

pub(crate) async fn province_region(
    app: &App,
    u: &Unit,
    date: Date,
) -> Result<Option<ntm_domain::Region>, AppError> {
    if u.region.is_some() {
        return Ok(u.region);
    }
    Ok(app
        .db
        .unit_on(&u.province_code, date)
        .await?
        .and_then(|p| p.region))
}

/// Evaluates a unit for a set and year (for users whose scope covers it): its own result
/// when the unit is of the set's level, and the roll-up of its units of that level valid
/// in that year when it is above (a province for a commune set).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code, set = %set_id, year))]
pub async fn evaluate(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    set_id: &str,
    year: i32,
) -> Result<Evaluation, AppError> {
    let set = lookup_set(app, set_id, year)?;
    let date = evaluation_date(set, year);
    let unit = unit_in_year(app, unit_code, date).await?;
    // Values include drafts: readable by logged-in users whose scope covers the unit.
    require_on_unit(app, actor, Permission::ViewUnits, &unit).await?;
    let region = province_region(app, &unit, date).await?;
    // A province's published version (or uploaded file) extending `set_id` replaces it for
    // units of its province; a national version published in the product replaces the
    // shipped one from its date.
    let national = set;
    let in_force = crate::criteria_sets::in_force(app, &unit, set_id, year, national).await?;
    let set: &ResolvedSet = &in_force.set;
    let mut result = None;
    let mut rollup = None;
    let not_applicable = (unit.level == set.level)
        .then(|| NotApplicable::check(set, &unit))
        .flatten();
    if not_applicable.is_some() {
        // "Không áp dụng": no result, no values read.
    } else if unit.level == set.level {
        let mut v = evaluate_units(
            app,
            set,
            set_id,
            std::slice::from_ref(&unit),
            year,
            date,
            region,
            Values::Current,
        )
        .await?;
        if let Some((e, recs)) = v.pop() {
            result = Some(unit_result(set, &e, &recs, region, year));
        }
    } else if unit.level < set.level {
        let children = applicable_units(
            set,
            app.db.subtree_on(&unit.path, date, Some(set.level)).await?,
        );
        let evals = evaluate_units(
            app,
            set,
            set_id,
            &children,
            year,
            date,
            region,
            Values::Current,
        )
        .await?;
        let refs: Vec<&UnitEvaluation> = evals.iter().map(|(e, _)| e).collect();
        rollup = Some(rollup_view(set, &children, &refs));
    } else {
        return Err(AppError::invalid(
            "unit",
            format!(
                "{set_id} evaluates {} units; {unit_code} is a {} unit below that level",
                set.level.as_str(),
                unit.level.as_str()
            ),
        ));
    }
    Ok(Evaluation {
        updating: false,
        figures_at: None,
        updating_progress: None,
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        unit_level: unit.level,
        set: SetSummary::of(national),
        year,
        units_on: date,
        result,
        rollup,
        provincial: in_force.provincial.clone(),
        not_applicable,
        version_used: in_force.used.clone(),
    })
}

/// What a unit still lacks: indicators not met (with the gap), missing or to verify.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code, set = %set_id, year))]
pub async fn gaps(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    set_id: &str,
    year: i32,
) -> Result<Vec<IndicatorView>, AppError> {
    let e = evaluate(app, actor, unit_code, set_id, year).await?;
    if let Some(na) = &e.not_applicable {
        return Err(AppError::invalid("unit", na.message(set_id, unit_code)));
    }
    let Some(r) = e.result else {
        return Err(AppError::invalid(
            "unit",
            format!("{unit_code} is not a unit of the level {set_id} evaluates"),
        ));
    };
    Ok(r.indicators
        .into_iter()
        .filter(|i| i.status != Status::Met)
        .collect())
}
