//! Writing the computed values: after a module's write, on demand, and once a day.

use std::collections::HashMap;

use ntm_domain::authz::Permission;
use ntm_domain::observation::{ObsSource, ObsStatus};
use ntm_domain::units::Unit;
use ntm_store::{NewObservation, ObservationRecord};
use time::Date;
use uuid::Uuid;

use super::compute::computed_values;
use crate::access::require_on_unit;
use crate::{Actor, App, AppError, now, today};

/// Who writes computed values (the audit log and the value's author name it).
fn system_actor() -> Actor {
    Actor::Cli {
        os_user: "ntm (computed measures)".into(),
    }
}

/// Computes the bound indicators of `unit` for `year` on `as_of` and writes those whose value
/// changed, as new draft versions with source `computed` and one audit entry. Returns the
/// number of values written. No permission check: called by use cases that checked theirs,
/// by [`refresh`] and by the daily pass.
pub(crate) async fn write_unit(
    app: &App,
    unit: &Unit,
    year: i32,
    as_of: Date,
) -> Result<usize, AppError> {
    let values = computed_values(app, unit, year, as_of).await?;
    if values.is_empty() {
        return Ok(0);
    }
    let actor = system_actor();
    let mut by_set: HashMap<&str, Vec<&super::ComputedValue>> = HashMap::new();
    for v in &values {
        by_set.entry(v.set_id.as_str()).or_default().push(v);
    }
    let mut written = 0;
    for (set_id, vals) in by_set {
        let current: HashMap<String, ObservationRecord> = app
            .db
            .current_observations(unit.id, set_id, year)
            .await?
            .into_iter()
            .map(|o| (o.indicator_code.clone(), o))
            .collect();
        let at = now();
        let rows: Vec<NewObservation> = vals
            .iter()
            .filter_map(|v| {
                let text = v.computed.text.clone()?;
                let cur = current.get(&v.code);
                if cur.is_some_and(|c| {
                    c.value_text == text
                        && c.source == ObsSource::Computed
                        && c.note == v.computed.note
                }) {
                    return None;
                }
                let expected = cur.map(|c| c.version);
                Some(NewObservation {
                    record: ObservationRecord {
                        id: Uuid::now_v7(),
                        province_code: unit.province_code.clone(),
                        unit_id: unit.id,
                        unit_code: unit.code.clone(),
                        set_id: set_id.to_string(),
                        indicator_code: v.code.clone(),
                        year,
                        value_text: text,
                        status: ObsStatus::Draft,
                        note: v.computed.note.clone(),
                        source: ObsSource::Computed,
                        version: expected.unwrap_or(0) + 1,
                        created_by: actor.audit_name(),
                        created_at: at,
                        comment: None,
                    },
                    expected_version: expected,
                    files: vec![],
                })
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        let codes: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "indicator": r.record.indicator_code,
                    "value": r.record.value_text,
                })
            })
            .collect();
        let entry = actor.audit_entry(
            "observations.computed",
            &unit.code,
            serde_json::json!({"set": set_id, "year": year, "values": codes}),
        );
        written += app.db.insert_observations(&rows, entry).await?.len();
    }
    Ok(written)
}

/// After a module's write on the unit `code` (the values of the unit and its ancestors are
/// computed again): this year's values, and in January last year's too. A failure is logged, never returned: the module's
/// write is already committed, and the daily pass will write the values.
pub async fn refresh_after_write(app: &App, code: &str) {
    let day = today();
    let unit = match app.db.unit_on(code, day).await {
        Ok(Some(u)) => u,
        Ok(None) => return,
        Err(e) => {
            tracing::warn!(error = %e, unit = %code, "computed measures: unit");
            return;
        }
    };
    let mut units = vec![unit.clone()];
    match app.db.ancestors_on(&unit, day).await {
        Ok(a) => units.extend(a),
        Err(e) => tracing::warn!(error = %e, unit = %code, "computed measures: ancestors"),
    }
    // In January a write may still change last year: a broadcast of its last ISO week marked
    // held now, a December report answered late.
    let mut years = vec![day.year()];
    if day.month() == time::Month::January {
        years.push(day.year() - 1);
    }
    for u in &units {
        for &year in &years {
            if let Err(e) = write_unit(app, u, year, day).await {
                tracing::warn!(error = %e, unit = %u.code, year, "computed measures not written");
            }
        }
    }
}

/// `ntm measures refresh` and the scorecard's "compute again": the bound values of one unit
/// for `year`, as of today. Needs `EnterObservations` on the unit.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code, year))]
pub async fn refresh(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    year: i32,
) -> Result<usize, AppError> {
    let unit = crate::units::latest_record(app, unit_code.trim()).await?;
    require_on_unit(app, actor, Permission::EnterObservations, &unit).await?;
    write_unit(app, &unit, year, today()).await
}

/// How often the server looks whether Vietnam's date has changed.
const DAILY_CHECK: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// The server's daily pass: at start, then whenever Vietnam's date changes, computes the
/// bound values of this year for every unit that has feedback or portal records.
pub fn spawn_daily_measures(app: App) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut done: Option<Date> = None;
        loop {
            let day = today();
            if done != Some(day) {
                match daily(&app, day).await {
                    Ok(n) => {
                        tracing::info!(day = %day, written = n, "computed measures");
                        done = Some(day);
                    }
                    Err(e) => tracing::warn!(error = %e, "computed measures failed"),
                }
            }
            tokio::time::sleep(DAILY_CHECK).await;
        }
    })
}

async fn daily(app: &App, day: Date) -> Result<usize, AppError> {
    let mut n = 0;
    for code in app.db.units_with_measure_records().await? {
        let Some(unit) = app.db.unit_on(&code, day).await? else {
            continue;
        };
        n += write_unit(app, &unit, day.year(), day).await?;
    }
    Ok(n)
}
