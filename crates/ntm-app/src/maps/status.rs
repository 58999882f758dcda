//! `status_map`: the use case behind `/maps` and `/maps/status.geojson`.

use std::collections::{HashMap, HashSet};

use ntm_domain::authz::Permission;
use ntm_domain::units::{Level, Unit};
use time::Date;
use uuid::Uuid;

use super::layout::placed;
use super::{MapClass, MapScope, MapUnit, ScopeChoice, StatusMap, StatusMapQuery};
use crate::authz::require;
use crate::criteria::{ChildResult, Evaluation, SetSummary, evaluation_date, require_on_unit};
use crate::dashboard::{FIRST_YEAR, choose, commune_sets, default_set_id, evaluate_cached, lookup};
use crate::{Actor, App, AppError};

/// The map of a scope for a commune-level set, a year and a date (defaults: the actor's first
/// scope; the dashboards' choice of set and year; the set's evaluation day of the year).
/// Needs `ViewUnits` on the unit (a country-wide grant for the whole country); every result
/// comes from the evaluation the dashboards show.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = ?q.unit))]
pub async fn status_map(
    app: &App,
    actor: &Actor,
    q: &StatusMapQuery,
) -> Result<StatusMap, AppError> {
    if matches!(actor, Actor::Anonymous { .. }) {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let unit_code = match q.unit.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => Some(c.to_string()),
        None => default_scope(actor),
    };
    // Permission first, on some record of the code, so that defaults reveal nothing.
    let versions = match &unit_code {
        None => {
            require(actor, Permission::ViewUnits, "/")?;
            Vec::new()
        }
        Some(code) => {
            let versions = app.db.unit_versions(code).await?;
            let mut allowed = Err(AppError::NotFound(format!("unit {code}")));
            for v in &versions {
                allowed = require_on_unit(app, actor, Permission::ViewUnits, v).await;
                if allowed.is_ok() {
                    break;
                }
            }
            allowed?;
            versions
        }
    };

    let asked_set = match (&q.set, q.year) {
        (Some(s), Some(y)) if q.from_form && app.catalog.set_for_year(s, y).is_err() => None,
        (s, _) => s.clone(),
    };
    let (set_id, year) = match (&unit_code, q.year) {
        (Some(code), _) => choose(app, actor, code, asked_set.as_deref(), q.year).await?,
        (None, Some(y)) => (asked_set.unwrap_or_else(|| default_set_id(y).into()), y),
        (None, None) => {
            let y = crate::today().year();
            (asked_set.unwrap_or_else(|| default_set_id(y).into()), y)
        }
    };
    let set = lookup(app, &set_id, year)?;
    let evaluated_on = evaluation_date(set, year);
    let date = q.date.unwrap_or(evaluated_on);

    // The scope unit on the map's date.
    let scope_unit: Option<Unit> = match &unit_code {
        None => None,
        Some(code) => match versions.iter().find(|v| v.is_valid_on(date)) {
            Some(u) => Some(u.clone()),
            None => {
                return Err(AppError::invalid(
                    "date",
                    format!(
                        "unit {code} did not exist on {}",
                        ntm_domain::text::format_date_vi(date)
                    ),
                ));
            }
        },
    };
    let province = scope_unit.as_ref().map(|u| u.province_code.clone());
    let prefix = scope_unit
        .as_ref()
        .map_or("/".to_string(), |u| u.path.clone());

    // The results of the year: one evaluation (a unit) or one per province (the country).
    let results = results(
        app,
        actor,
        unit_code.as_deref(),
        &set_id,
        year,
        evaluated_on,
    )
    .await?;
    // On another day than the evaluation's, only the same unit records take a result.
    let same_records: Option<HashSet<Uuid>> = if date == evaluated_on {
        None
    } else {
        Some(
            placed(app, province.as_deref(), &prefix, evaluated_on, false)
                .await?
                .iter()
                .map(|p| p.unit_id)
                .collect(),
        )
    };

    let placed = placed(app, province.as_deref(), &prefix, date, q.geometry).await?;
    let mut results = results;
    let units: Vec<MapUnit> = placed
        .iter()
        .map(|p| {
            let same = same_records
                .as_ref()
                .is_none_or(|ids| ids.contains(&p.unit_id));
            let result = if same { results.remove(&p.code) } else { None };
            let class = MapClass::of(result.as_ref(), same);
            MapUnit {
                code: p.code.clone(),
                name: p.name.clone(),
                parent_code: p.parent_code.clone(),
                province_code: p.province_code.clone(),
                location: p.location.clone(),
                result,
                class,
            }
        })
        .collect();
    let counts = MapClass::ALL
        .iter()
        .map(|c| (*c, units.iter().filter(|u| u.class == *c).count()))
        .collect();

    let scope = match &scope_unit {
        None => MapScope::Country,
        Some(u) => MapScope::Unit {
            code: u.code.clone(),
            name: u.name.clone(),
            level: u.level,
        },
    };
    Ok(StatusMap {
        scope,
        set: SetSummary::of(set),
        year,
        date,
        evaluated_on,
        criteria_total: set.criteria.len(),
        units,
        counts,
        scopes: scopes(app, actor, date).await?,
        years: (FIRST_YEAR..=crate::today().year().max(year)).collect(),
        sets: commune_sets(app, year)
            .into_iter()
            .map(SetSummary::of)
            .collect(),
    })
}

/// The actor's first scope that allows viewing units (`None`: the whole country).
fn default_scope(actor: &Actor) -> Option<String> {
    actor
        .grants()
        .iter()
        .find(|g| g.role.allows(Permission::ViewUnits))
        .and_then(|g| g.scope_code.clone())
}

/// The results per commune code of the year's structure.
async fn results(
    app: &App,
    actor: &Actor,
    unit: Option<&str>,
    set_id: &str,
    year: i32,
    evaluated_on: Date,
) -> Result<HashMap<String, ChildResult>, AppError> {
    let evaluations: Vec<Evaluation> = match unit {
        Some(code) => vec![evaluate_cached(app, actor, code, set_id, year).await?],
        None => {
            let provinces = app.db.units_on(evaluated_on, Some(Level::Province)).await?;
            let mut tasks = tokio::task::JoinSet::new();
            for p in provinces {
                let (app, actor, set_id) = (app.clone(), actor.clone(), set_id.to_string());
                tasks.spawn(
                    async move { evaluate_cached(&app, &actor, &p.code, &set_id, year).await },
                );
            }
            let mut out = Vec::new();
            while let Some(r) = tasks.join_next().await {
                out.push(
                    r.map_err(|e| AppError::Internal(format!("evaluation task failed: {e}")))??,
                );
            }
            out
        }
    };
    let mut by_code = HashMap::new();
    for e in evaluations {
        if let Some(r) = e.rollup {
            for c in r.children {
                by_code.insert(c.code.clone(), c);
            }
        } else if let Some(r) = e.result {
            by_code.insert(
                e.unit_code.clone(),
                ChildResult {
                    code: e.unit_code.clone(),
                    name: e.unit_name.clone(),
                    status: r.status,
                    criteria_met: r.criteria_met,
                    criteria_met_tentative: r.criteria_met_tentative,
                    criteria_no_known_shortfall: r.criteria_no_known_shortfall,
                    no_known_shortfall: r.no_known_shortfall,
                },
            );
        }
    }
    Ok(by_code)
}

/// The scopes the actor may choose on `date`: the country and its provinces for a
/// country-wide account, else its grants' units.
async fn scopes(app: &App, actor: &Actor, date: Date) -> Result<Vec<ScopeChoice>, AppError> {
    if require(actor, Permission::ViewUnits, "/").is_ok() {
        let mut out = vec![ScopeChoice {
            code: None,
            name: String::new(),
        }];
        out.extend(
            app.db
                .units_on(date, Some(Level::Province))
                .await?
                .into_iter()
                .map(|u| ScopeChoice {
                    code: Some(u.code),
                    name: u.name,
                }),
        );
        return Ok(out);
    }
    let mut out = Vec::new();
    for g in actor
        .grants()
        .iter()
        .filter(|g| g.role.allows(Permission::ViewUnits))
    {
        let Some(code) = &g.scope_code else { continue };
        if out
            .iter()
            .any(|s: &ScopeChoice| s.code.as_deref() == Some(code))
        {
            continue;
        }
        let name = match app.db.unit_on(code, date).await? {
            Some(u) => u.name,
            None => match app.db.unit_versions(code).await?.pop() {
                Some(u) => u.name,
                None => continue,
            },
        };
        out.push(ScopeChoice {
            code: Some(code.clone()),
            name,
        });
    }
    Ok(out)
}
