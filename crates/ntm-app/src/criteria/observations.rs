//! Entering values: one unit's values from a form or the API ([`put_observations`]), many
//! units' values from a file ([`import_observations`]), and reading a value's versions.

use std::collections::{BTreeMap, HashMap};

use ntm_domain::authz::Permission;
use ntm_domain::criteria::{ObsProblem, Observations, ResolvedSet, ValueError};
use ntm_domain::observation::{ObsSource, ObsStatus};
use ntm_domain::units::Unit;
use ntm_store::{NewObservation, ObservationFile, ObservationRecord, UnitSelection};
use uuid::Uuid;

use super::catalog::{evaluation_date, lookup_set, unit_in_year};
use super::views::NotApplicable;
use crate::access::require_on_unit;
use crate::{Actor, App, AppError, FieldError, now};

/// One value to record: indicator code, the text typed, and the version it replaces
/// (`None` for a first value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueInput {
    pub code: String,
    pub text: String,
    pub expected_version: Option<i64>,
}

/// Longest note kept with values (characters): the evidence, who measured.
pub const MAX_NOTE_CHARS: usize = 2000;

/// Refuses a note longer than [`MAX_NOTE_CHARS`], in Vietnamese then English.
fn check_note(note: &str) -> Result<(), AppError> {
    let n = note.chars().count();
    if n > MAX_NOTE_CHARS {
        return Err(AppError::invalid(
            "note",
            format!(
                "ghi chú dài {n} ký tự, tối đa {MAX_NOTE_CHARS} ký tự (the note has {n} characters, at most {MAX_NOTE_CHARS})"
            ),
        ));
    }
    Ok(())
}

/// Why a value of `code` cannot be typed: the indicator is computed from the platform's
/// records (`crate::measures`). `None` for an indicator officers enter.
fn computed_refusal(set: &ResolvedSet, code: &str) -> Option<String> {
    let key = set
        .indicator_index(code)
        .and_then(|i| set.indicators[i].computed_from)?;
    Some(format!(
        "chỉ tiêu {code} được tính từ dữ liệu của nền tảng ({}), không nhập tay (computed from {}, not typed)",
        key.name_vi(),
        key.as_str()
    ))
}

/// Values of one unit for a set and year, with their note and source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueBatch {
    pub set_id: String,
    pub year: i32,
    pub values: Vec<ValueInput>,
    /// Evidence or remark kept with every value.
    pub note: String,
    pub source: ObsSource,
}

/// Records values of one unit for a set and year as new draft versions. Every row is
/// checked (unknown code, value of the wrong kind or out of range, computed indicator,
/// repeated code); if any is bad nothing is written and every bad row is reported, as
/// `values[i] (CODE)`. A row whose `expected_version` is not the current one (someone else
/// changed it) gives `Conflict`.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code))]
pub async fn put_observations(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    batch: ValueBatch,
) -> Result<Vec<ObservationRecord>, AppError> {
    put(app, actor, unit_code, batch, false)
        .await
        .map_err(|e| match e {
            ValueEntryError::App(e) => e,
            // Not produced when `typed` is false; kept as the validation it is.
            ValueEntryError::Value(v) => AppError::invalid("values[0]", v.to_string()),
        })
}

/// Why a value typed on the scorecard is refused (see [`put_value`]).
#[derive(Debug)]
pub enum ValueEntryError {
    /// The text is not a value of the indicator's kind (not a number, 140 %, a negative
    /// count…): pages say it in the user's language.
    Value(ValueError),
    App(AppError),
}

impl From<AppError> for ValueEntryError {
    fn from(e: AppError) -> ValueEntryError {
        ValueEntryError::App(e)
    }
}

impl From<ntm_store::StoreError> for ValueEntryError {
    fn from(e: ntm_store::StoreError) -> ValueEntryError {
        ValueEntryError::App(e.into())
    }
}

/// [`put_observations`] for a value typed on the scorecard: the same checks in the same
/// order (permission first: a person who may not enter values learns nothing about the
/// value), but a text the indicator's kind cannot take is [`ValueEntryError::Value`], checked
/// against the set in force for the unit (a province's own indicators too).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code))]
pub async fn put_value(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    batch: ValueBatch,
) -> Result<Vec<ObservationRecord>, ValueEntryError> {
    put(app, actor, unit_code, batch, true).await
}

async fn put(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    batch: ValueBatch,
    typed: bool,
) -> Result<Vec<ObservationRecord>, ValueEntryError> {
    let ValueBatch {
        set_id,
        year,
        values,
        note,
        source,
    } = batch;
    let set_id = set_id.as_str();
    let note = note.as_str();
    let national = lookup_set(app, set_id, year)?;
    let unit = unit_in_year(app, unit_code, evaluation_date(national, year)).await?;
    require_on_unit(app, actor, Permission::EnterObservations, &unit).await?;
    // Values are checked against the set the unit is evaluated with: a province's published
    // version adds indicators to the national criteria (stored under the national id).
    let in_force = crate::criteria_sets::in_force(app, &unit, set_id, year, national).await?;
    let set: &ResolvedSet = &in_force.set;
    if unit.level != set.level {
        return Err(AppError::invalid(
            "unit",
            format!(
                "{set_id} evaluates {} units; {unit_code} is a {} unit",
                set.level.as_str(),
                unit.level.as_str()
            ),
        )
        .into());
    }
    if let Some(na) = NotApplicable::check(set, &unit) {
        return Err(AppError::invalid("unit", na.message(set_id, unit_code)).into());
    }
    if values.is_empty() {
        return Err(AppError::invalid("values", "no values given").into());
    }
    check_note(note)?;
    let mut errors = Vec::new();
    let mut scratch = Observations::new(set);
    let mut seen = HashMap::new();
    for (i, v) in values.iter().enumerate() {
        let field = format!("values[{i}] ({})", v.code);
        if let Some(first) = seen.insert(v.code.trim().to_string(), i) {
            errors.push(FieldError::new(
                field,
                format!("indicator {} is also given in values[{first}]", v.code),
            ));
            continue;
        }
        if let Some(msg) = computed_refusal(set, v.code.trim()) {
            errors.push(FieldError::new(field, msg));
            continue;
        }
        if let Err(e) = scratch.set_text(set, v.code.trim(), &v.text) {
            if typed && let ObsProblem::Invalid(v) = e.problem {
                return Err(ValueEntryError::Value(v));
            }
            errors.push(FieldError::new(field, e.to_string()));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors).into());
    }
    let current: HashMap<String, i64> = app
        .db
        .current_observations(unit.id, set_id, year)
        .await?
        .into_iter()
        .map(|o| (o.indicator_code, o.version))
        .collect();
    let stale: Vec<String> = values
        .iter()
        .enumerate()
        .filter(|(_, v)| current.get(v.code.trim()).copied() != v.expected_version)
        .map(|(i, v)| {
            format!(
                "values[{i}] ({}): current version is {}, not {}",
                v.code,
                current
                    .get(v.code.trim())
                    .map_or("none".to_string(), |n| n.to_string()),
                v.expected_version
                    .map_or("none".to_string(), |n| n.to_string())
            )
        })
        .collect();
    if !stale.is_empty() {
        return Err(AppError::Conflict(format!(
            "changed by someone else meanwhile; reload and try again: {}",
            stale.join("; ")
        ))
        .into());
    }
    let at = now();
    let rows: Vec<NewObservation> = values
        .iter()
        .map(|v| NewObservation {
            record: ObservationRecord {
                id: Uuid::now_v7(),
                province_code: unit.province_code.clone(),
                unit_id: unit.id,
                unit_code: unit.code.clone(),
                set_id: set_id.to_string(),
                indicator_code: v.code.trim().to_string(),
                year,
                value_text: v.text.trim().to_string(),
                status: ObsStatus::Draft,
                note: note.to_string(),
                source,
                version: v.expected_version.unwrap_or(0) + 1,
                created_by: actor.audit_name(),
                created_at: at,
                comment: None,
            },
            expected_version: v.expected_version,
            files: vec![],
        })
        .collect();
    let codes: Vec<&str> = values.iter().map(|v| v.code.trim()).collect();
    let entry = actor.audit_entry("observations.put",
        &unit.code,
        serde_json::json!({"set": set_id, "year": year, "indicators": codes, "source": source.as_str()}),
    );
    Ok(app.db.insert_observations(&rows, entry).await?)
}

/// One row of an observation file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// Line in the file (the header is line 1).
    pub line: usize,
    pub unit_code: String,
    pub indicator_code: String,
    pub value: String,
}

/// Reads a table with the columns `unit_code` (or `ma_don_vi`), `indicator` (or
/// `indicator_code`, `chi_tieu`) and `value` (or `gia_tri`); empty rows are skipped.
pub fn parse_observation_rows(table: Vec<Vec<String>>) -> Result<Vec<ImportRow>, AppError> {
    let mut it = table.into_iter();
    let header: Vec<String> = it
        .next()
        .ok_or_else(|| AppError::invalid("file", "the file is empty"))?
        .into_iter()
        .map(|h| ntm_domain::text::search_key(h.trim_start_matches('\u{feff}')).replace(' ', "_"))
        .collect();
    let col = |names: &[&str]| header.iter().position(|h| names.contains(&h.as_str()));
    let missing = |what: &str| {
        AppError::invalid(
            "file",
            format!(
                "the header needs a column {what}; found: {}",
                header.join(", ")
            ),
        )
    };
    let unit_col = col(&["unit_code", "unit", "ma_don_vi", "ma_xa"])
        .ok_or_else(|| missing("\"unit_code\" (or \"mã đơn vị\")"))?;
    let ind_col = col(&["indicator", "indicator_code", "chi_tieu", "ma_chi_tieu"])
        .ok_or_else(|| missing("\"indicator\" (or \"chỉ tiêu\")"))?;
    let value_col =
        col(&["value", "gia_tri"]).ok_or_else(|| missing("\"value\" (or \"giá trị\")"))?;
    let rows: Vec<ImportRow> = it
        .enumerate()
        .filter(|(_, r)| !r.iter().all(|c| c.trim().is_empty()))
        .map(|(i, r)| {
            let cell = |c: usize| r.get(c).map(|s| s.trim().to_string()).unwrap_or_default();
            ImportRow {
                line: i + 2,
                unit_code: cell(unit_col),
                indicator_code: cell(ind_col),
                value: cell(value_col),
            }
        })
        .collect();
    if rows.is_empty() {
        return Err(AppError::invalid("file", "no rows in the file"));
    }
    Ok(rows)
}

/// What an import wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportObsReport {
    pub rows: usize,
    pub units: usize,
}

/// Imports values of many units for a set and year in one transaction (source `import`).
/// Every row is checked (unknown unit, unit of another level, unknown indicator, value of the
/// wrong kind or out of range, repeated unit + indicator); if any is bad nothing is written
/// and every bad row is reported as `line N (column)`. An imported value replaces the current
/// one (a new version).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), set = %set_id, year))]
pub async fn import_observations(
    app: &App,
    actor: &Actor,
    set_id: &str,
    year: i32,
    rows: Vec<ImportRow>,
    note: &str,
) -> Result<ImportObsReport, AppError> {
    check_note(note)?;
    let set = lookup_set(app, set_id, year)?;
    let date = evaluation_date(set, year);
    let mut units: BTreeMap<String, Option<Unit>> = BTreeMap::new();
    for r in &rows {
        if !units.contains_key(&r.unit_code) && !r.unit_code.is_empty() {
            let u = app.db.unit_on(&r.unit_code, date).await?;
            if let Some(u) = &u {
                require_on_unit(app, actor, Permission::EnterObservations, u).await?;
            }
            units.insert(r.unit_code.clone(), u);
        }
    }
    let mut errors = Vec::new();
    // Each unit's values are checked against the set it is evaluated with (its province's
    // published version, if any), one per province.
    let mut in_force: HashMap<String, crate::criteria_sets::InForce<'_>> = HashMap::new();
    for u in units.values().flatten() {
        if !in_force.contains_key(&u.province_code) {
            let f = crate::criteria_sets::in_force(app, u, set_id, year, set).await?;
            in_force.insert(u.province_code.clone(), f);
        }
    }
    let mut scratch: HashMap<String, Observations> = HashMap::new();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for r in &rows {
        let at = |col: &str| format!("line {} ({col})", r.line);
        let unit = match units.get(&r.unit_code) {
            Some(Some(u)) => u,
            _ if r.unit_code.is_empty() => {
                errors.push(FieldError::new(at("unit_code"), "no unit code"));
                continue;
            }
            _ => {
                errors.push(FieldError::new(
                    at("unit_code"),
                    format!("no unit {} on {date}", r.unit_code),
                ));
                continue;
            }
        };
        if unit.level != set.level {
            errors.push(FieldError::new(
                at("unit_code"),
                format!(
                    "{} is a {} unit; {set_id} evaluates {} units",
                    r.unit_code,
                    unit.level.as_str(),
                    set.level.as_str()
                ),
            ));
            continue;
        }
        if let Some(first) = seen.insert((r.unit_code.clone(), r.indicator_code.clone()), r.line) {
            errors.push(FieldError::new(
                at("indicator"),
                format!(
                    "{} {} is also on line {first}",
                    r.unit_code, r.indicator_code
                ),
            ));
            continue;
        }
        let uset: &ResolvedSet = in_force.get(&unit.province_code).map_or(set, |f| &f.set);
        let obs = scratch
            .entry(unit.code.clone())
            .or_insert_with(|| Observations::new(uset));
        if let Some(msg) = computed_refusal(uset, &r.indicator_code) {
            errors.push(FieldError::new(at(&r.indicator_code), msg));
        } else if let Err(e) = obs.set_text(uset, &r.indicator_code, &r.value) {
            errors.push(FieldError::new(at(&r.indicator_code), e.to_string()));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let ids: Vec<Uuid> = units.values().flatten().map(|u| u.id).collect();
    let current: HashMap<(Uuid, String), i64> = app
        .db
        .current_observations_of_units(UnitSelection::Ids(&ids), set_id, year)
        .await?
        .into_iter()
        .map(|o| ((o.unit_id, o.indicator_code), o.version))
        .collect();
    let at = now();
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let Some(Some(u)) = units.get(&r.unit_code) else {
            continue;
        };
        let expected = current.get(&(u.id, r.indicator_code.clone())).copied();
        out.push(NewObservation {
            record: ObservationRecord {
                id: Uuid::now_v7(),
                province_code: u.province_code.clone(),
                unit_id: u.id,
                unit_code: u.code.clone(),
                set_id: set_id.to_string(),
                indicator_code: r.indicator_code.clone(),
                year,
                value_text: r.value.clone(),
                status: ObsStatus::Draft,
                note: note.to_string(),
                source: ObsSource::Import,
                version: expected.unwrap_or(0) + 1,
                created_by: actor.audit_name(),
                created_at: at,
                comment: None,
            },
            expected_version: expected,
            files: vec![],
        });
    }
    let entry = actor.audit_entry(
        "observations.import",
        set_id,
        serde_json::json!({"set": set_id, "year": year, "rows": out.len(), "units": ids.len()}),
    );
    let n = out.len();
    app.db.insert_observations(&out, entry).await?;
    Ok(ImportObsReport {
        rows: n,
        units: ids.len(),
    })
}

/// One indicator value of a unit: unit, set, year, indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueRef {
    pub unit_code: String,
    pub set_id: String,
    pub year: i32,
    pub indicator_code: String,
}

/// Every version of one value, oldest first, each with its evidence files.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %value.unit_code))]
pub async fn history(
    app: &App,
    actor: &Actor,
    value: &ValueRef,
) -> Result<Vec<(ObservationRecord, Vec<ObservationFile>)>, AppError> {
    let set = lookup_set(app, &value.set_id, value.year)?;
    let unit = unit_in_year(app, &value.unit_code, evaluation_date(set, value.year)).await?;
    require_on_unit(app, actor, Permission::ViewUnits, &unit).await?;
    let mut out = Vec::new();
    for o in app
        .db
        .observation_history(unit.id, &value.set_id, &value.indicator_code, value.year)
        .await?
    {
        let files = app.db.observation_files(o.id).await?;
        out.push((o, files));
    }
    Ok(out)
}

/// Current version of each recorded indicator of a unit (to name in the next change).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code, set = %set_id, year))]
pub async fn current_versions(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    set_id: &str,
    year: i32,
) -> Result<HashMap<String, i64>, AppError> {
    let set = lookup_set(app, set_id, year)?;
    let unit = unit_in_year(app, unit_code, evaluation_date(set, year)).await?;
    require_on_unit(app, actor, Permission::ViewUnits, &unit).await?;
    Ok(app
        .db
        .current_observations(unit.id, set_id, year)
        .await?
        .into_iter()
        .map(|o| (o.indicator_code, o.version))
        .collect())
}
