//! The commune scorecard: a unit's evaluation with its values, files and what the actor may
//! do, and which set and year a scorecard request opens on.

use std::collections::HashMap;

use ntm_domain::authz::Permission;
use ntm_store::{ObservationFile, ObservationRecord};

use super::catalog::{evaluation_date, lookup_set, set_years, sets_for_level, unit_in_year};
use super::evaluation::evaluate;
use super::views::Evaluation;
use crate::access::require_on_unit;
use crate::{Actor, App, AppError};

/// Everything the commune scorecard shows for one unit of a set's level.
#[derive(Debug, Clone)]
pub struct Scorecard {
    pub evaluation: Evaluation,
    /// Current version of each recorded value, by indicator code.
    pub values: HashMap<String, ObservationRecord>,
    /// Evidence files of every version of each value, by indicator code.
    pub files: HashMap<String, Vec<ObservationFile>>,
    /// The actor may enter values and attach evidence, and submit them.
    pub can_enter: bool,
    /// The actor may verify or return submitted values.
    pub can_verify: bool,
}

/// The scorecard of a unit of the set's level (needs the right to view the unit; values
/// include drafts). A unit above the set's level gets `Validation` on `unit` (use
/// [`evaluate`] for its roll-up).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code, set = %set_id, year))]
pub async fn scorecard(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    set_id: &str,
    year: i32,
) -> Result<Scorecard, AppError> {
    let evaluation = evaluate(app, actor, unit_code, set_id, year).await?;
    if evaluation.not_applicable.is_some() {
        // "Không áp dụng": nothing to enter or verify for this set.
        return Ok(Scorecard {
            evaluation,
            values: HashMap::new(),
            files: HashMap::new(),
            can_enter: false,
            can_verify: false,
        });
    }
    if evaluation.result.is_none() {
        return Err(AppError::invalid(
            "unit",
            format!("{unit_code} is above the level {set_id} evaluates"),
        ));
    }
    let set = lookup_set(app, set_id, year)?;
    let unit = unit_in_year(app, unit_code, evaluation_date(set, year)).await?;
    let can_enter = require_on_unit(app, actor, Permission::EnterObservations, &unit)
        .await
        .is_ok();
    let can_verify = require_on_unit(app, actor, Permission::VerifyObservations, &unit)
        .await
        .is_ok();
    let values = app
        .db
        .current_observations(unit.id, set_id, year)
        .await?
        .into_iter()
        .map(|o| (o.indicator_code.clone(), o))
        .collect();
    let mut files: HashMap<String, Vec<ObservationFile>> = HashMap::new();
    for (code, f) in app
        .db
        .observation_files_of_unit(unit.id, set_id, year)
        .await?
    {
        files.entry(code).or_default().push(f);
    }
    Ok(Scorecard {
        evaluation,
        values,
        files,
        can_enter,
        can_verify,
    })
}

/// A sensible year to show a unit's values of a set in: the latest year up to `this_year`
/// in which the unit has values, else the latest year of the set up to `this_year` (its
/// first year when it starts later). Needs the right to view the unit.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code, set = %set_id))]
pub async fn default_year(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    set_id: &str,
    this_year: i32,
) -> Result<i32, AppError> {
    let (from, to) =
        set_years(app, set_id).ok_or_else(|| AppError::invalid("set", "unknown set"))?;
    let last = to.map_or(this_year, |t| t.min(this_year)).max(from);
    let mut year = last;
    while year >= from {
        if let Ok(set) = app.catalog.set_for_year(set_id, year)
            && let Some(unit) = app
                .db
                .unit_on(unit_code, evaluation_date(set, year))
                .await?
        {
            require_on_unit(app, actor, Permission::ViewUnits, &unit).await?;
            if !app
                .db
                .current_observations(unit.id, set_id, year)
                .await?
                .is_empty()
            {
                return Ok(year);
            }
        }
        year -= 1;
    }
    Ok(last)
}

/// The set and year a scorecard request resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScorecardChoice {
    pub set_id: String,
    pub year: i32,
    /// The unit is above the set's level (show its roll-up, not a scorecard).
    pub above: bool,
}

/// Resolves the set and year of a scorecard: the given ones; a set without a year gets the
/// latest year with values ([`default_year`]); without a set, the most recent year (the given
/// one, else from this year back to 2021) in which the unit has values of a set of its level
/// (national sets first), else the first set in force. `Validation` on `set` when no set
/// evaluates the unit's level.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code, set = ?set_id, year = ?year))]
pub async fn choose_scorecard(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    set_id: Option<&str>,
    year: Option<i32>,
    this_year: i32,
) -> Result<ScorecardChoice, AppError> {
    let versions = app.db.unit_versions(unit_code.trim()).await?;
    let Some(latest) = versions.last() else {
        return Err(AppError::NotFound(format!("no unit has code {unit_code}")));
    };
    let level = latest.level;
    let (set_id, year) = match (set_id, year) {
        (Some(s), Some(y)) => (s.to_string(), y),
        (Some(s), None) => {
            let y = default_year(app, actor, unit_code, s, this_year).await?;
            (s.to_string(), y)
        }
        (None, given) => {
            // The most recent year (the given one, else this year and back to 2021) in which
            // the unit has values of a set of its level; else the first set in force.
            let years: Vec<i32> = match given {
                Some(y) => vec![y],
                None => (2021..=this_year.max(2021)).rev().collect(),
            };
            let mut found = None;
            let mut fallback = None;
            'years: for &y in &years {
                for s in sets_for_level(app, level, y) {
                    let Ok(set) = app.catalog.set_for_year(&s.id, y) else {
                        continue;
                    };
                    if fallback.is_none() {
                        fallback = Some((s.id.clone(), y));
                    }
                    let Some(unit) = app.db.unit_on(unit_code, evaluation_date(set, y)).await?
                    else {
                        continue;
                    };
                    require_on_unit(app, actor, Permission::ViewUnits, &unit).await?;
                    if !app
                        .db
                        .current_observations(unit.id, &s.id, y)
                        .await?
                        .is_empty()
                    {
                        found = Some((s.id, y));
                        break 'years;
                    }
                }
            }
            match found.or(fallback) {
                Some(v) => v,
                None => {
                    return Err(AppError::invalid(
                        "set",
                        format!("no criteria set evaluates {} units", level.as_str()),
                    ));
                }
            }
        }
    };
    let set = lookup_set(app, &set_id, year)?;
    let above = matches!(
        app.db.unit_on(unit_code, evaluation_date(set, year)).await?,
        Some(u) if u.level < set.level
    );
    Ok(ScorecardChoice {
        set_id,
        year,
        above,
    })
}
