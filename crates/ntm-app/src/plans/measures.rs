//! Measures entered per unit and year: entry with versions, history, the units a person
//! may enter them for.

use ntm_domain::authz::Permission;
use ntm_domain::dossier::campaign::VN_OFFSET;
use ntm_domain::plans::MeasureKind;
use ntm_domain::text::format_number_vi;
use ntm_domain::units::{Level, Unit};
use serde::Serialize;
use uuid::Uuid;

use crate::{Actor, App, AppError, FieldError, now};

use super::actuals::{Scope, Work, measure_values, units_of};
use super::catalog::{measure, plan_by_id};
use super::list::{dec31, jun30, province_record, require_view};

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
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
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
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %province_code, year))]
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
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code, year))]
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

pub(super) async fn province_or_unit(app: &App, code: &str, year: i32) -> Result<Unit, AppError> {
    province_record(app, code, year).await
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
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), plan = %plan_id, year))]
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
