//! The measure entry form in one call: the plan, the measure, the year and the units with
//! their current values ([`measure_page`]); and its submission ([`save_measures`]): only
//! the values that changed are written, all or nothing, and a refusal comes back with the
//! form as typed.

use std::collections::HashMap;

use ntm_domain::plans::MeasureDef;

use super::catalog::{measure, plan_by_id};
use super::measures::{MeasureInput, MeasureUnit, enter_measures, measure_units};
use crate::{Actor, App, AppError};

/// What the entry form of a measure shows.
#[derive(Debug, Clone)]
pub struct MeasurePage {
    pub plan_id: String,
    pub plan_name: String,
    pub measure: &'static MeasureDef,
    pub year: i32,
    /// The units the actor sees, with their current values.
    pub units: Vec<MeasureUnit>,
}

/// The year of the form: the one asked for, else this year.
fn year_of(year: Option<i32>) -> i32 {
    year.unwrap_or_else(|| crate::today().year())
}

/// The entry form of `measure_code` in the plan for a year (`GET /plans/{id}/measures`).
/// An unknown plan is `NotFound`, an unknown measure invalid (field `measure`); then the
/// permission of [`measure_units`].
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), plan = %plan_id, measure = %measure_code, year = ?year))]
pub async fn measure_page(
    app: &App,
    actor: &Actor,
    plan_id: &str,
    measure_code: &str,
    year: Option<i32>,
) -> Result<MeasurePage, AppError> {
    let plan = plan_by_id(plan_id)?;
    let Some(def) = measure(measure_code) else {
        return Err(AppError::invalid(
            "measure",
            format!("unknown measure \"{measure_code}\""),
        ));
    };
    let year = year_of(year);
    let units = measure_units(app, actor, plan_id, measure_code, year).await?;
    Ok(MeasurePage {
        plan_id: plan.id.clone(),
        plan_name: plan.name.clone(),
        measure: def,
        year,
        units,
    })
}

/// One unit's field of the submitted form.
#[derive(Debug, Clone)]
pub struct MeasureField {
    pub unit_code: String,
    /// The text typed.
    pub value: String,
    /// The version the form showed (empty: none).
    pub version: String,
}

/// What a submission did.
#[derive(Debug, Clone)]
pub enum MeasureSave {
    /// Nothing changed: nothing written.
    Unchanged { year: i32 },
    /// The changed values were written.
    Saved { year: i32 },
    /// Refused as a whole: the form again with what was typed and one message per problem
    /// (`unit code: message`).
    Invalid {
        page: MeasurePage,
        typed: HashMap<String, String>,
        errors: Vec<String>,
    },
}

/// Saves the values of the measure form (`POST /plans/{id}/measures`): the units whose text
/// differs from the current value (a blank for a unit without a value is no change), each
/// naming the version it saw, all or nothing ([`enter_measures`]: its permission per unit;
/// the form's units need a view as [`measure_units`] first).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), plan = %plan_id, measure = %measure_code, year = ?year))]
pub async fn save_measures(
    app: &App,
    actor: &Actor,
    plan_id: &str,
    measure_code: &str,
    year: Option<i32>,
    fields: &[MeasureField],
) -> Result<MeasureSave, AppError> {
    let year = year_of(year);
    let current = measure_units(app, actor, plan_id, measure_code, year).await?;
    let mut typed = HashMap::new();
    let mut inputs = Vec::new();
    for f in fields {
        let code = f.unit_code.as_str();
        typed.insert(code.to_string(), f.value.clone());
        // A unit the actor does not see is not skipped nor refused here: entering answers
        // (403 for a unit they may not enter, 404 for no such unit).
        let v = &f.value;
        if let Some(u) = current.iter().find(|u| u.code == code)
            && (v.trim() == u.value_text.trim() || (v.trim().is_empty() && u.version.is_none()))
        {
            continue;
        }
        let ver = f.version.trim();
        let expected =
            if ver.is_empty() {
                None
            } else {
                Some(ver.parse::<i64>().map_err(|_| {
                    AppError::invalid("version", format!("bad version {}", f.version))
                })?)
            };
        inputs.push(MeasureInput {
            unit_code: code.to_string(),
            measure: measure_code.to_string(),
            year,
            value: v.clone(),
            note: String::new(),
            expected_version: expected,
        });
    }
    if inputs.is_empty() {
        return Ok(MeasureSave::Unchanged { year });
    }
    match enter_measures(app, actor, &inputs).await {
        Ok(_) => Ok(MeasureSave::Saved { year }),
        Err(AppError::Validation(errs)) => {
            let errors = errs
                .iter()
                .map(|e| {
                    let row = e
                        .field
                        .strip_prefix("rows[")
                        .and_then(|r| r.split(']').next())
                        .and_then(|i| i.parse::<usize>().ok())
                        .and_then(|i| inputs.get(i))
                        .or(if inputs.len() == 1 {
                            inputs.first()
                        } else {
                            None
                        });
                    match row {
                        Some(r) => format!("{}: {}", r.unit_code, e.message),
                        None => e.message.clone(),
                    }
                })
                .collect();
            let page = measure_page(app, actor, plan_id, measure_code, Some(year)).await?;
            Ok(MeasureSave::Invalid {
                page,
                typed,
                errors,
            })
        }
        Err(e) => Err(e),
    }
}
