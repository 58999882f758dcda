//! Results on **verified values only** (open data, `docs/open-data.md`): the same evaluation
//! as the dashboards (the set in force for the unit's province, its region and commune group,
//! derived indicators from its children) but reading each indicator's latest verified value,
//! never a draft, a submitted or a returned one.

use std::collections::HashMap;

use ntm_domain::criteria::Status;
use ntm_domain::units::Unit;
use time::Date;
use uuid::Uuid;

use super::catalog::{evaluation_date, lookup_set};
use super::evaluation::{Values, evaluate_units, province_region};
use super::views::{ChildResult, NotApplicable};
use crate::{App, AppError};

/// A unit record's result for a set and year on verified values.
#[derive(Debug, Clone)]
pub struct VerifiedResult {
    /// The set's evaluation day of the year.
    pub evaluated_on: Date,
    pub set_title_vi: String,
    pub criteria_total: usize,
    /// The confirmed status and counts; `None` when the set does not apply to the unit.
    pub result: Option<ChildResult>,
    pub tentatively_met: bool,
}

/// Evaluates unit records for a set and year on verified values: the records' ids with
/// their result; `Err` only for storage failures. A set not in the catalogue for that year
/// gives no entry.
pub(crate) async fn evaluate_verified(
    app: &App,
    set_id: &str,
    year: i32,
    units: &[Unit],
) -> Result<HashMap<Uuid, VerifiedResult>, AppError> {
    let mut out = HashMap::new();
    let Ok(national) = lookup_set(app, set_id, year) else {
        return Ok(out);
    };
    let date = evaluation_date(national, year);
    // The set in force and the region depend on the province.
    let mut by_province: HashMap<&str, Vec<Unit>> = HashMap::new();
    for u in units {
        by_province
            .entry(u.province_code.as_str())
            .or_default()
            .push(u.clone());
    }
    for group in by_province.into_values() {
        let Some(first) = group.first() else { continue };
        let in_force = crate::criteria_sets::in_force(app, first, set_id, year, national).await?;
        let set = &in_force.set;
        let region = province_region(app, first, date).await?;
        let (applicable, not): (Vec<Unit>, Vec<Unit>) = group
            .into_iter()
            .partition(|u| u.level == set.level && NotApplicable::check(set, u).is_none());
        let base = |result, tentatively_met| VerifiedResult {
            evaluated_on: date,
            set_title_vi: national.title_vi.clone(),
            criteria_total: set.criteria.len(),
            result,
            tentatively_met,
        };
        for u in not {
            out.insert(u.id, base(None, false));
        }
        let evals = evaluate_units(
            app,
            set,
            set_id,
            &applicable,
            year,
            date,
            region,
            Values::Verified,
        )
        .await?;
        for (u, (e, _)) in applicable.iter().zip(evals) {
            let r = ChildResult {
                code: u.code.clone(),
                name: u.name.clone(),
                status: e.status,
                criteria_met: e.criteria_met,
                criteria_met_tentative: e.criteria_met_tentative,
                criteria_no_known_shortfall: e.criteria_no_known_shortfall,
                no_known_shortfall: e.no_known_shortfall,
            };
            out.insert(u.id, base(Some(r), e.tentatively_met));
        }
    }
    Ok(out)
}

/// Per indicator code of the set in force, and for the whole set under `""`: (met on
/// confirmed thresholds, tentatively met, no known shortfall).
pub(crate) type Outcomes = HashMap<String, (bool, bool, bool)>;

/// The outcome of every indicator and of the whole set for unit records of one province, on
/// verified values only (the evaluation of [`evaluate_verified`]; plan progress as open data
/// reads it). Units the set does not apply to get no entry; a set not in the catalogue for
/// that year gives none.
pub(crate) async fn verified_outcomes(
    app: &App,
    set_id: &str,
    year: i32,
    units: &[Unit],
) -> Result<HashMap<Uuid, Outcomes>, AppError> {
    let mut out = HashMap::new();
    let Ok(national) = lookup_set(app, set_id, year) else {
        return Ok(out);
    };
    let date = evaluation_date(national, year);
    let Some(first) = units.first() else {
        return Ok(out);
    };
    let in_force = crate::criteria_sets::in_force(app, first, set_id, year, national).await?;
    let set = &in_force.set;
    let region = province_region(app, first, date).await?;
    let applicable: Vec<Unit> = units
        .iter()
        .filter(|u| u.level == set.level && NotApplicable::check(set, u).is_none())
        .cloned()
        .collect();
    let evals = evaluate_units(
        app,
        set,
        set_id,
        &applicable,
        year,
        date,
        region,
        Values::Verified,
    )
    .await?;
    for (u, (e, _)) in applicable.iter().zip(evals) {
        let mut m: Outcomes = set
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
        out.insert(u.id, m);
    }
    Ok(out)
}
