//! Criteria sets, observed indicator values and evaluations.
//!
//! The sets are the YAML files of `data/criteria`, embedded in the binary and resolved once
//! per process ([`catalog`]). Values are stored per unit record, set id and year as text,
//! append-only (a change is a new version; see `ntm_store::observations`).
//!
//! **Which units a year is evaluated on.** A year is evaluated on the units valid on
//! [`evaluation_date`]: 31 December of the year, or the last day the set version is in force
//! if that comes earlier (a 2021–2025 set evaluated for 2025 uses 30 June 2025, the last
//! day of the pre-reform units: districts were abolished on 1 July 2025).

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use ntm_domain::authz::Permission;
use ntm_domain::criteria::{
    self, Catalog, ChildTally, Gap, Measure, Observations, ResolvedSet, RollupAcc, Status, UnitCtx,
    UnitEvaluation, evaluate_unit,
};
use ntm_domain::observation::{ObsSource, ObsStatus};
use ntm_domain::units::{Level, Unit};
use ntm_store::{NewObservation, UnitSelection};
pub use ntm_store::{ObservationFile, ObservationRecord};
use serde::Serialize;
use time::{Date, Month};
use uuid::Uuid;

use crate::{Actor, App, AppError, FieldError, now};

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        /// `(file name, contents)` of every criteria file shipped with the binary.
        pub const EMBEDDED: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("../../../data/criteria/", $name)))),*
        ];
    };
}

embedded!(
    "ap-thong-minh-tra-vinh-2023.yaml",
    "huyen-ntm-2021-2025.yaml",
    "huyen-ntm-2021-2025@2024.yaml",
    "huyen-ntm-dac-thu-2021-2025.yaml",
    "huyen-ntm-nang-cao-2021-2025.yaml",
    "huyen-ntm-nang-cao-2021-2025@2024.yaml",
    "ocop-2023.yaml",
    "thon-thong-minh-lao-cai-2023.yaml",
    "tinh-hoan-thanh-2026-2030.yaml",
    "tinh-hoan-thanh-ntm-2021-2025.yaml",
    "xa-ntm-2021-2025.yaml",
    "xa-ntm-2021-2025@2024.yaml",
    "xa-ntm-2026-2030.yaml",
    "xa-ntm-hien-dai-2026-2030.yaml",
    "xa-ntm-kieu-mau-2021-2025.yaml",
    "xa-ntm-nang-cao-2021-2025.yaml",
    "xa-ntm-nang-cao-2021-2025@2024.yaml",
    "xa-ntm-thong-minh-tra-vinh-2023.yaml",
);

static CATALOG: OnceLock<Catalog> = OnceLock::new();

/// The resolved sets of the embedded files, built on first use. The files are checked by
/// tests, so a failure here is a build defect (start-up panics with every problem).
pub fn catalog() -> &'static Catalog {
    CATALOG.get_or_init(|| match criteria::load_all(EMBEDDED.iter().copied()) {
        Ok(l) => l.catalog,
        Err(errors) => {
            let msgs: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            panic!("embedded criteria files are invalid:\n{}", msgs.join("\n"))
        }
    })
}

/// The shipped sets plus criteria files read at start-up (`ntm serve --criteria-dir`): a set
/// issued after this build, or a fixture for tests. The files go through the same checks as
/// the shipped ones (every problem as `file:line: field`), may not reuse a shipped file name,
/// and resolve together with the shipped sets (a new version of a shipped id is allowed: it
/// takes effect from its `valid_from`). Leaked once: the catalog lives as long as the process.
pub fn catalog_with(extra: &[(String, String)]) -> Result<&'static Catalog, Vec<String>> {
    if extra.is_empty() {
        return Ok(catalog());
    }
    let mut errors = Vec::new();
    for (name, _) in extra {
        if EMBEDDED.iter().any(|(n, _)| n == name) {
            errors.push(format!(
                "{name}: a criteria file of this name ships with NTM Số; give yours another name"
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let files = EMBEDDED
        .iter()
        .copied()
        .chain(extra.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    match criteria::load_all(files) {
        Ok(l) => {
            let c: &'static Catalog = Box::leak(Box::new(l.catalog));
            crate::criteria_sets::register_extra_files(c, extra);
            Ok(c)
        }
        Err(errors) => Err(errors.iter().map(|e| e.to_string()).collect()),
    }
}

/// One version of a set, for lists.
#[derive(Debug, Clone, Serialize)]
pub struct SetSummary {
    pub id: String,
    pub version: String,
    pub title_vi: String,
    /// English title, when the set file gives one (`title_en`).
    pub title_en: Option<String>,
    pub level: Level,
    #[serde(serialize_with = "ser_date")]
    pub valid_from: Date,
    /// Last day in force, when known.
    #[serde(serialize_with = "ser_opt_date")]
    pub in_force_until: Option<Date>,
    pub completeness: &'static str,
    pub criteria: usize,
    pub indicators: usize,
}

impl SetSummary {
    pub(crate) fn of(s: &ResolvedSet) -> SetSummary {
        SetSummary {
            id: s.id.clone(),
            version: s.version.clone(),
            title_vi: s.title_vi.clone(),
            title_en: s.title_en.clone(),
            level: s.level,
            valid_from: s.valid_from,
            in_force_until: s.in_force_until,
            completeness: s.completeness.as_str(),
            criteria: s.criteria.len(),
            indicators: s.indicators.len(),
        }
    }
}

/// Every version of every set, by id then validity. Public reference data.
pub fn list_sets(app: &App) -> Vec<SetSummary> {
    app.catalog.sets().iter().map(SetSummary::of).collect()
}

/// The day whose units a year is evaluated on (see the module documentation).
pub fn evaluation_date(set: &ResolvedSet, year: i32) -> Date {
    let dec31 = Date::from_calendar_date(year, Month::December, 31).unwrap_or(Date::MAX);
    match set.in_force_until {
        Some(end) if end < dec31 && end.year() == year => end,
        _ => {
            // A pre-reform set (in force before 1 July 2025) evaluates 2025 on the last
            // day of the old units.
            let reform = Date::from_calendar_date(2025, Month::July, 1).unwrap_or(Date::MAX);
            if year == 2025
                && set.valid_from < reform
                && set.in_force_until.is_none_or(|e| e.year() <= 2025)
            {
                reform.previous_day().unwrap_or(reform)
            } else {
                dec31
            }
        }
    }
}

fn lookup_set<'a>(app: &'a App, set_id: &str, year: i32) -> Result<&'a ResolvedSet, AppError> {
    app.catalog.set_for_year(set_id, year).map_err(|e| match e {
        criteria::LookupError::UnknownSet { .. } => AppError::invalid("set", e.to_string()),
        criteria::LookupError::YearOutsideValidity { .. } => {
            AppError::invalid("year", e.to_string())
        }
    })
}

async fn unit_in_year(app: &App, code: &str, date: Date) -> Result<Unit, AppError> {
    app.db
        .unit_on(code, date)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("unit {code} on {date}")))
}

/// Checks `p` on the unit record of the year, following lineage (see [`crate::access`]).
pub(crate) use crate::access::require_on_unit;

/// One value to record: indicator code, the text typed, and the version it replaces
/// (`None` for a first value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueInput {
    pub code: String,
    pub text: String,
    pub expected_version: Option<i64>,
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
pub async fn put_observations(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    batch: ValueBatch,
) -> Result<Vec<ObservationRecord>, AppError> {
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
        ));
    }
    if let Some(na) = NotApplicable::check(set, &unit) {
        return Err(AppError::invalid("unit", na.message(set_id, unit_code)));
    }
    if values.is_empty() {
        return Err(AppError::invalid("values", "no values given"));
    }
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
        if let Err(e) = scratch.set_text(set, v.code.trim(), &v.text) {
            errors.push(FieldError::new(field, e.to_string()));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
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
        )));
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
pub async fn import_observations(
    app: &App,
    actor: &Actor,
    set_id: &str,
    year: i32,
    rows: Vec<ImportRow>,
    note: &str,
) -> Result<ImportObsReport, AppError> {
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
        if let Err(e) = obs.set_text(uset, &r.indicator_code, &r.value) {
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

/// Largest evidence file accepted (20 MB).
pub const MAX_EVIDENCE_BYTES: usize = 20 * 1024 * 1024;

/// One indicator value of a unit: unit, set, year, indicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueRef {
    pub unit_code: String,
    pub set_id: String,
    pub year: i32,
    pub indicator_code: String,
}

/// A file attached as evidence of a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceInput {
    /// The name shown to people (never used as a path).
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Attaches evidence files to the current value of one indicator, as a new version (same
/// value and status) that names the version it replaces. The bytes are stored on disk under
/// `<data_dir>/evidence/<first two hex digits>/<sha256>` (content-addressed: the same file
/// is stored once); the database keeps name, size, hash and path.
pub async fn attach_evidence(
    app: &App,
    actor: &Actor,
    value: &ValueRef,
    expected_version: i64,
    files: Vec<EvidenceInput>,
) -> Result<ObservationRecord, AppError> {
    let ValueRef {
        unit_code,
        set_id,
        year,
        indicator_code,
    } = value;
    let (unit_code, set_id, year, indicator_code) = (
        unit_code.as_str(),
        set_id.as_str(),
        *year,
        indicator_code.as_str(),
    );
    let set = lookup_set(app, set_id, year)?;
    let unit = unit_in_year(app, unit_code, evaluation_date(set, year)).await?;
    require_on_unit(app, actor, Permission::EnterObservations, &unit).await?;
    let mut errors = Vec::new();
    if files.is_empty() {
        errors.push(FieldError::new("files", "no file given"));
    }
    for (i, f) in files.iter().enumerate() {
        let field = format!("files[{i}] ({})", f.file_name);
        if f.file_name.trim().is_empty() || f.file_name.chars().count() > 255 {
            errors.push(FieldError::new(
                field,
                "the file name must have 1 to 255 characters",
            ));
        } else if f.bytes.is_empty() {
            errors.push(FieldError::new(field, "the file is empty"));
        } else if f.bytes.len() > MAX_EVIDENCE_BYTES {
            errors.push(FieldError::new(field, "the file is larger than 20 MB"));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let current = app
        .db
        .current_observations(unit.id, set_id, year)
        .await?
        .into_iter()
        .find(|o| o.indicator_code == indicator_code)
        .ok_or_else(|| {
            AppError::invalid(
                "indicator",
                format!("no value of {indicator_code} is recorded for {year}"),
            )
        })?;
    if current.version != expected_version {
        return Err(AppError::Conflict(format!(
            "{indicator_code}: current version is {}, not {expected_version}",
            current.version
        )));
    }
    let at = now();
    let id = Uuid::now_v7();
    let mut stored = Vec::with_capacity(files.len());
    for f in files {
        use sha2::Digest;
        let sha = hex::encode(sha2::Sha256::digest(&f.bytes));
        let rel = format!("evidence/{}/{sha}", &sha[..2]);
        let path = app.config.data_dir.join(&rel);
        let bytes = f.bytes;
        let size = bytes.len() as i64;
        tokio::task::spawn_blocking(move || store_file(&path, &bytes))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(|e| AppError::Internal(format!("cannot store evidence file: {e}")))?;
        stored.push(ObservationFile {
            id: Uuid::now_v7(),
            observation_id: id,
            file_name: f.file_name.trim().to_string(),
            sha256: sha,
            size,
            stored_path: rel,
            created_at: at,
        });
    }
    let names: Vec<&str> = stored.iter().map(|f| f.file_name.as_str()).collect();
    let entry = actor.audit_entry("observations.evidence",
        &unit.code,
        serde_json::json!({"set": set_id, "year": year, "indicator": indicator_code, "files": names}),
    );
    let row = NewObservation {
        record: ObservationRecord {
            id,
            version: current.version + 1,
            created_by: actor.audit_name(),
            created_at: at,
            ..current
        },
        expected_version: Some(expected_version),
        files: stored,
    };
    let mut w = app.db.insert_observations(&[row], entry).await?;
    w.pop()
        .ok_or_else(|| AppError::Internal("no version written".into()))
}

/// Writes a content-addressed file atomically (a temporary file, then a rename); an
/// existing file with the same hash is kept.
fn store_file(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    if path.exists() {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("tmp-{}", Uuid::now_v7()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Every version of one value, oldest first, each with its evidence files.
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

/// Moves current values of a unit to `to` (submitted by those who enter values, verified by
/// those who verify), as new versions. `codes` empty: every current value in the state
/// before. Draft → submitted → verified; other moves are refused naming the indicators.
/// Returning values needs a comment: use [`review`].
pub async fn change_status(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    set_id: &str,
    year: i32,
    codes: &[String],
    to: ObsStatus,
) -> Result<Vec<ObservationRecord>, AppError> {
    let change = StatusChange {
        set_id: set_id.to_string(),
        year,
        codes: codes.to_vec(),
        to,
        comment: String::new(),
    };
    review(app, actor, unit_code, change).await
}

/// A status change of current values of one unit (see [`review`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub set_id: String,
    pub year: i32,
    /// Indicator codes; empty: every current value in a state `to` may follow.
    pub codes: Vec<String>,
    pub to: ObsStatus,
    /// Why values are returned (required for `Returned`, kept on the new versions).
    pub comment: String,
}

/// Longest review comment accepted.
pub const MAX_COMMENT_CHARS: usize = 2000;

/// Field name of the "no evidence" errors of a submission: `evidence (CODE)`.
pub const EVIDENCE_FIELD: &str = "evidence";

/// Moves current values of a unit along the review (see [`ObsStatus`]): draft or returned →
/// submitted by those who enter values; submitted → verified, or → returned with a
/// comment, by those who verify. Each move is a new version. Submitting refuses values of
/// indicators that require evidence (`evidence_required` of the set) and have neither a note
/// nor an attached file, naming each as `evidence (CODE)`; nothing is written then.
pub async fn review(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    change: StatusChange,
) -> Result<Vec<ObservationRecord>, AppError> {
    let StatusChange {
        set_id,
        year,
        codes,
        to,
        comment,
    } = change;
    let set_id = set_id.as_str();
    let set = lookup_set(app, set_id, year)?;
    let unit = unit_in_year(app, unit_code, evaluation_date(set, year)).await?;
    let perm = match to {
        ObsStatus::Submitted => Permission::EnterObservations,
        ObsStatus::Verified | ObsStatus::Returned => Permission::VerifyObservations,
        ObsStatus::Draft => {
            return Err(AppError::invalid(
                "status",
                "values go back to draft by changing them",
            ));
        }
    };
    require_on_unit(app, actor, perm, &unit).await?;
    let comment = comment.trim();
    if to.needs_comment() && comment.is_empty() {
        return Err(AppError::invalid(
            "comment",
            "say why the values are returned (a comment is required)",
        ));
    }
    if comment.chars().count() > MAX_COMMENT_CHARS {
        return Err(AppError::invalid(
            "comment",
            format!("the comment is longer than {MAX_COMMENT_CHARS} characters"),
        ));
    }
    let from = to.allowed_from();
    let from_text = from
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" or ");
    let current = app.db.current_observations(unit.id, set_id, year).await?;
    let chosen: Vec<&ObservationRecord> = if codes.is_empty() {
        current
            .iter()
            .filter(|o| from.contains(&o.status))
            .collect()
    } else {
        let mut errors = Vec::new();
        let mut out = Vec::new();
        for (i, c) in codes.iter().enumerate() {
            match current.iter().find(|o| &o.indicator_code == c) {
                None => errors.push(FieldError::new(
                    format!("codes[{i}] ({c})"),
                    "no value recorded for this indicator",
                )),
                Some(o) if !from.contains(&o.status) => errors.push(FieldError::new(
                    format!("codes[{i}] ({c})"),
                    format!("is {}, must be {from_text} first", o.status.as_str()),
                )),
                Some(o) => out.push(o),
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        out
    };
    if chosen.is_empty() {
        return Err(AppError::invalid(
            "codes",
            format!("no value is {from_text}"),
        ));
    }
    if to == ObsStatus::Submitted {
        let with_files: std::collections::HashSet<String> = app
            .db
            .observation_files_of_unit(unit.id, set_id, year)
            .await?
            .into_iter()
            .map(|(code, _)| code)
            .collect();
        let errors: Vec<FieldError> = chosen
            .iter()
            .filter(|o| {
                set.indicator_index(&o.indicator_code)
                    .is_some_and(|i| set.requires_evidence(i))
                    && o.note.trim().is_empty()
                    && !with_files.contains(&o.indicator_code)
            })
            .map(|o| {
                FieldError::new(
                    format!("{EVIDENCE_FIELD} ({})", o.indicator_code),
                    "evidence is required: add a note or attach a file before submitting",
                )
            })
            .collect();
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
    }
    let comment = (to == ObsStatus::Returned).then(|| comment.to_string());
    let at = now();
    let rows: Vec<NewObservation> = chosen
        .iter()
        .map(|o| NewObservation {
            record: ObservationRecord {
                id: Uuid::now_v7(),
                status: to,
                version: o.version + 1,
                created_by: actor.audit_name(),
                created_at: at,
                comment: comment.clone(),
                ..(*o).clone()
            },
            expected_version: Some(o.version),
            files: vec![],
        })
        .collect();
    let codes: Vec<&str> = chosen.iter().map(|o| o.indicator_code.as_str()).collect();
    let mut detail = serde_json::json!({"set": set_id, "year": year, "indicators": codes});
    if let Some(c) = &comment {
        detail["comment"] = serde_json::Value::from(c.as_str());
    }
    let entry = actor.audit_entry(&format!("observations.{}", to.as_str()), &unit.code, detail);
    Ok(app.db.insert_observations(&rows, entry).await?)
}

/// Dates as `YYYY-MM-DD`.
pub(crate) fn ser_date<S: serde::Serializer>(d: &Date, ser: S) -> Result<S::Ok, S::Error> {
    ser.collect_str(d)
}

pub(crate) fn ser_opt_date<S: serde::Serializer>(
    d: &Option<Date>,
    ser: S,
) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => ser.collect_str(d),
        None => ser.serialize_none(),
    }
}

fn ser_status<S: serde::Serializer>(s: &Status, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s.as_str())
}

/// Result of one indicator for one unit.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorView {
    pub code: String,
    pub name_vi: String,
    /// Criterion number (`None` for a precondition).
    pub criterion: Option<u16>,
    #[serde(serialize_with = "ser_status")]
    pub status: Status,
    /// The value as entered, when there is one.
    pub value: Option<String>,
    pub value_status: Option<ObsStatus>,
    pub version: Option<i64>,
    /// How far from the threshold (in the indicator's unit), when not met.
    pub gap: Option<f64>,
    pub caveats: Vec<&'static str>,
    /// The threshold that applies to this unit (its region and group).
    pub threshold: ThresholdView,
    /// boolean, percent, number, count or level (the kind of the value).
    pub kind: &'static str,
    /// Unit of the value ("%", "km"…), when the set gives one.
    pub unit: Option<String>,
    /// Computed from other evaluations (not entered by people).
    pub computed: bool,
    /// A value needs evidence (a note or a file) before it is submitted.
    pub evidence_required: bool,
}

/// The threshold that applies to one unit, as officials read it.
#[derive(Debug, Clone, Serialize)]
pub struct ThresholdView {
    /// "≥ 70%", "Đạt", the wording of the legal table; `None` when no value is known.
    pub text: Option<String>,
    /// Why it is not confirmed (`recalled`, `uncertain`, `threshold_missing`,
    /// `region_unknown`…); empty when it was read in a source.
    pub caveats: Vec<&'static str>,
    /// sourced, recalled, inferred or secondary (of the threshold, else the indicator).
    pub provenance: Option<&'static str>,
    /// The page it was read in, when the file names one.
    pub source: Option<String>,
    /// The value comes from the unit's region's column of the table.
    pub regional: bool,
    /// The legal basis the value cites (document, date, issuer, article), e.g.
    /// "12/2026/QĐ-UBND ngày 15/03/2026, UBND tỉnh Vĩnh Long, Điều 1"; `None` when the
    /// threshold cites no document.
    pub basis: Option<String>,
}

impl ThresholdView {
    /// Whether officials must check the threshold against the legal text.
    pub fn needs_verification(&self) -> bool {
        !self.caveats.is_empty()
    }
}

fn number_text(x: f64) -> String {
    if x.fract() == 0.0 {
        ntm_domain::text::format_number_vi(x, 0)
    } else {
        ntm_domain::text::format_number_vi(x, 2)
            .trim_end_matches('0')
            .trim_end_matches(',')
            .to_string()
    }
}

fn threshold_words(ind: &criteria::Indicator, t: &criteria::Threshold) -> String {
    if let Some(text) = t.text.as_deref().filter(|s| !s.trim().is_empty()) {
        return text.trim().to_string();
    }
    let pct = if ind.kind == criteria::Kind::Percent {
        "%"
    } else {
        ""
    };
    match &t.value {
        criteria::ThresholdValue::Bool(true) => "Đạt".to_string(),
        criteria::ThresholdValue::Bool(false) => "Không".to_string(),
        criteria::ThresholdValue::Num(x) => {
            let op = match t.op {
                criteria::Op::Ge => "≥ ",
                criteria::Op::Le => "≤ ",
                _ => "",
            };
            format!("{op}{}{pct}", number_text(*x))
        }
        criteria::ThresholdValue::List(l) => l
            .iter()
            .map(|x| number_text(*x))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// The threshold of indicator `idx` for a unit of `region` and commune `group` (see
/// [`ThresholdView`]): the one the evaluation used.
pub fn threshold_view(
    set: &ResolvedSet,
    idx: usize,
    region: Option<ntm_domain::Region>,
    group: Option<ntm_domain::criteria::CommuneGroup>,
) -> ThresholdView {
    let ind = set.indicator(idx);
    let (t, cav) = set.threshold_for(idx, region, group);
    let regional = match (&ind.by_region, region, t) {
        (criteria::Varying::Known(m), Some(r), Some(t)) => {
            m.get(&r).and_then(|e| e.as_ref()).is_some_and(|e| e == t)
        }
        _ => false,
    };
    ThresholdView {
        text: t.map(|t| threshold_words(ind, t)),
        caveats: cav.codes().collect(),
        provenance: t
            .and_then(|t| t.provenance)
            .or_else(|| ind.has_any_threshold().then_some(ind.provenance))
            .map(|p| p.as_str()),
        source: t
            .and_then(|t| t.source.clone())
            .or_else(|| ind.source.clone()),
        regional,
        basis: t.and_then(|t| basis_text(set, t)),
    }
}

/// The documents a threshold cites, in words (see [`ThresholdView::basis`]).
pub fn basis_text(set: &ResolvedSet, t: &criteria::Threshold) -> Option<String> {
    let parts: Vec<String> = t
        .sources
        .iter()
        .filter_map(|id| set.sources.get(id))
        .filter(|s| s.doc.is_some() && (s.issuer.is_some() || s.article.is_some()))
        .map(|s| {
            let mut out = s.doc.clone().unwrap_or_default();
            if let Some(d) = s.date.as_deref().and_then(ntm_domain::text::parse_date) {
                out.push_str(&format!(" ngày {}", ntm_domain::text::format_date_vi(d)));
            }
            for x in [&s.issuer, &s.article].into_iter().flatten() {
                out.push_str(", ");
                out.push_str(x);
            }
            out
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

#[derive(Debug, Clone, Serialize)]
pub struct CriterionView {
    pub number: u16,
    pub name_vi: String,
    #[serde(serialize_with = "ser_status")]
    pub status: Status,
    /// Nothing not met (even tentatively), nothing missing; thresholds still to verify or
    /// absent accepted. "Tạm tính", never a pass.
    pub no_known_shortfall: bool,
    pub met: u16,
    pub not_met: u16,
    pub missing: u16,
    pub needs_verification: u16,
}

/// One unit against one set.
#[derive(Debug, Clone, Serialize)]
pub struct UnitResult {
    #[serde(serialize_with = "ser_status")]
    pub status: Status,
    pub tentatively_met: bool,
    /// Criteria met (confirmed thresholds only).
    pub criteria_met: u16,
    /// Criteria met on the recorded thresholds counting those still to verify (absent
    /// thresholds not accepted).
    pub criteria_met_tentative: u16,
    /// Criteria with no known shortfall (absent thresholds accepted): "tạm tính".
    pub criteria_no_known_shortfall: u16,
    /// No known shortfall in the whole unit ("không phát hiện chỉ tiêu chưa đạt", pending
    /// confirmation of thresholds); not a pass.
    pub no_known_shortfall: bool,
    pub criteria_total: usize,
    pub criteria: Vec<CriterionView>,
    pub indicators: Vec<IndicatorView>,
    pub caveats: Vec<&'static str>,
}

/// One child in a roll-up.
#[derive(Debug, Clone, Serialize)]
pub struct ChildResult {
    pub code: String,
    pub name: String,
    #[serde(serialize_with = "ser_status")]
    pub status: Status,
    pub criteria_met: u16,
    pub criteria_met_tentative: u16,
    pub criteria_no_known_shortfall: u16,
    pub no_known_shortfall: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct BucketView {
    pub min: u16,
    pub max: u16,
    pub count: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlockingView {
    pub code: String,
    pub not_met: u32,
    pub missing: u32,
}

/// The units of the set's level inside a parent unit.
#[derive(Debug, Clone, Serialize)]
pub struct RollupView {
    pub level: Level,
    pub units: u32,
    pub met: u32,
    pub not_met: u32,
    pub missing: u32,
    pub needs_verification: u32,
    pub met_tentative: u32,
    /// Units with no known shortfall, pending confirmation of thresholds (includes `met`).
    pub no_known_shortfall: u32,
    pub avg_criteria_met: f64,
    pub avg_criteria_met_tentative: f64,
    pub avg_criteria_no_known_shortfall: f64,
    pub buckets: Vec<BucketView>,
    /// Same buckets by criteria with no known shortfall ("tạm tính").
    pub buckets_no_known_shortfall: Vec<BucketView>,
    pub blocking: Vec<BlockingView>,
    pub children: Vec<ChildResult>,
}

/// What `evaluate` returns: the unit's own result when it is of the set's level, the
/// roll-up of its units of that level when it is above.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub unit_code: String,
    pub unit_name: String,
    pub unit_level: Level,
    pub set: SetSummary,
    pub year: i32,
    /// The day whose units were used.
    #[serde(serialize_with = "ser_date")]
    pub units_on: Date,
    pub result: Option<UnitResult>,
    pub rollup: Option<RollupView>,
    /// Set when the unit's province has its own set extending the requested one and that
    /// set was used (see `crate::provincial`); `set` stays the national set requested.
    pub provincial: Option<crate::provincial::ProvincialUse>,
    /// The unit is of the set's level but not of a kind the set applies to (a phường for the
    /// xã NTM set): no result, "không áp dụng".
    pub not_applicable: Option<NotApplicable>,
    /// The version the evaluation used: set id, version label, scope, publication (see
    /// `crate::criteria_sets`).
    pub version_used: crate::criteria_sets::VersionUsed,
}

/// Why a set does not apply to a unit of its level.
#[derive(Debug, Clone, Serialize)]
pub struct NotApplicable {
    /// The unit's kind (Phường, Thị trấn, …).
    pub unit_kind: String,
    /// The kinds the set applies to (`applies_to.unit_kinds`).
    pub applies_to: Vec<String>,
}

impl NotApplicable {
    /// `Some` when `set` does not apply to `unit`'s kind.
    pub fn check(set: &ResolvedSet, unit: &Unit) -> Option<NotApplicable> {
        (!set.applies_to_kind(&unit.kind)).then(|| NotApplicable {
            unit_kind: unit.kind.clone(),
            applies_to: set.applies_to.clone().unwrap_or_default(),
        })
    }

    /// "the set applies to Xã; Phường 1 is a Phường", for messages.
    pub fn message(&self, set_id: &str, unit_code: &str) -> String {
        format!(
            "{set_id} applies to {} only; {unit_code} is a {}",
            self.applies_to.join(", "),
            self.unit_kind
        )
    }
}

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

/// Evaluates units of `set`'s level with their stored values (one query for all of them);
/// derived "share of children meeting" indicators are filled from their own children.
async fn evaluate_units(
    app: &App,
    set: &ResolvedSet,
    obs_set_id: &str,
    units: &[Unit],
    year: i32,
    date: Date,
    region: Option<ntm_domain::Region>,
) -> Result<Vec<(UnitEvaluation, Vec<ObservationRecord>)>, AppError> {
    let ids: Vec<Uuid> = units.iter().map(|u| u.id).collect();
    // One unit: its full records (the scorecard shows who, when, status). Many units (a
    // roll-up): only the values, which decodes several times faster (docs/perf.md).
    let mut by_unit: HashMap<Uuid, Vec<ObservationRecord>> = HashMap::new();
    let mut values: HashMap<Uuid, Vec<(String, String)>> = HashMap::new();
    if units.len() == 1 {
        for o in app
            .db
            .current_observations_of_units(UnitSelection::Ids(&ids), obs_set_id, year)
            .await?
        {
            by_unit.entry(o.unit_id).or_default().push(o);
        }
    } else {
        for v in app
            .db
            .current_values_of_units(&ids, obs_set_id, year)
            .await?
        {
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
                app, child_set, &children, year, date, region,
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

/// Evaluates units with their own values only (no derived inputs).
async fn evaluate_plain(
    app: &App,
    set: &ResolvedSet,
    units: &[Unit],
    year: i32,
    date: Date,
    region: Option<ntm_domain::Region>,
) -> Result<Vec<UnitEvaluation>, AppError> {
    let groups = crate::groups::groups_for_evaluation(app, set, units, date).await?;
    let ids: Vec<Uuid> = units.iter().map(|u| u.id).collect();
    let mut by_unit: HashMap<Uuid, Vec<(String, String)>> = HashMap::new();
    for v in app.db.current_values_of_units(&ids, &set.id, year).await? {
        by_unit
            .entry(v.unit_id)
            .or_default()
            .push((v.indicator_code, v.value_text));
    }
    let mut obs = Observations::new(set);
    let mut out = Vec::with_capacity(units.len());
    for u in units {
        obs.clear();
        for (code, text) in by_unit.remove(&u.id).unwrap_or_default() {
            let _ = obs.set_text(set, &code, &text);
        }
        out.push(
            evaluate_unit(
                set,
                &ctx_of(u, region, groups.get(&u.code).copied()),
                &obs,
                year,
            )
            .map_err(|e| AppError::invalid("set", e.to_string()))?,
        );
    }
    Ok(out)
}

fn unit_result(
    set: &ResolvedSet,
    e: &UnitEvaluation,
    recs: &[ObservationRecord],
    region: Option<ntm_domain::Region>,
) -> UnitResult {
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

async fn province_region(
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
        )
        .await?;
        if let Some((e, recs)) = v.pop() {
            result = Some(unit_result(set, &e, &recs, region));
        }
    } else if unit.level < set.level {
        let children = applicable_units(
            set,
            app.db.subtree_on(&unit.path, date, Some(set.level)).await?,
        );
        let evals = evaluate_units(app, set, set_id, &children, year, date, region).await?;
        let mut acc = RollupAcc::new(set);
        for (e, _) in &evals {
            acc.add(e);
        }
        let r = acc.finish();
        rollup = Some(RollupView {
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
                .zip(&evals)
                .map(|(u, (e, _))| ChildResult {
                    code: u.code.clone(),
                    name: u.name.clone(),
                    status: e.status,
                    criteria_met: e.criteria_met,
                    criteria_met_tentative: e.criteria_met_tentative,
                    criteria_no_known_shortfall: e.criteria_no_known_shortfall,
                    no_known_shortfall: e.no_known_shortfall,
                })
                .collect(),
        });
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

/// The sets evaluating units of `level` that are in force during `year`, national sets
/// first, then by id (one entry per id).
pub fn sets_for_level(app: &App, level: Level, year: i32) -> Vec<SetSummary> {
    let mut out: Vec<SetSummary> = Vec::new();
    for s in app.catalog.sets() {
        if s.level != level || !s.in_force_during(year) || out.iter().any(|o| o.id == s.id) {
            continue;
        }
        if let Ok(v) = app.catalog.set_for_year(&s.id, year) {
            out.push(SetSummary::of(v));
        }
    }
    let national = |id: &str| {
        app.catalog
            .versions(id)
            .next()
            .and_then(|s| s.category.as_deref())
            != Some("national_set")
    };
    out.sort_by(|a, b| (national(&a.id), &a.id).cmp(&(national(&b.id), &b.id)));
    out
}

/// First and last year any version of a set is in force (`None`: open-ended).
pub fn set_years(app: &App, set_id: &str) -> Option<(i32, Option<i32>)> {
    let mut it = app.catalog.versions(set_id);
    let first = it.next()?;
    let (mut from, mut to) = first.years();
    for v in app.catalog.versions(set_id) {
        let (f, t) = v.years();
        from = from.min(f);
        to = match (to, t) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
    }
    Some((from, to))
}

/// A sensible year to show a unit's values of a set in: the latest year up to `this_year`
/// in which the unit has values, else the latest year of the set up to `this_year` (its
/// first year when it starts later). Needs the right to view the unit.
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

/// One evidence file and its bytes, for a user who may view the value's unit. The file is
/// found by its id; the path comes from the database, never from the request.
pub async fn evidence_file(
    app: &App,
    actor: &Actor,
    file_id: Uuid,
) -> Result<(ObservationFile, Vec<u8>), AppError> {
    let not_found = || AppError::NotFound(format!("evidence file {file_id}"));
    let (file, obs) = app
        .db
        .observation_file(file_id)
        .await?
        .ok_or_else(not_found)?;
    let unit = app
        .db
        .unit_by_id(obs.unit_id)
        .await?
        .ok_or_else(not_found)?;
    require_on_unit(app, actor, Permission::ViewUnits, &unit).await?;
    let rel = std::path::Path::new(&file.stored_path);
    let safe = rel.starts_with("evidence")
        && rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !safe {
        return Err(AppError::Internal(format!(
            "evidence file {file_id} has an unexpected stored path"
        )));
    }
    let path = app.config.data_dir.join(rel);
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| AppError::Internal(format!("cannot read evidence file {file_id}: {e}")))?;
    Ok((file, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_files_are_the_folder() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/criteria");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".yaml"))
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = EMBEDDED.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(
            embedded, on_disk,
            "update EMBEDDED in crates/ntm-app/src/criteria.rs"
        );
        for (name, text) in EMBEDDED {
            let path = format!("{dir}/{name}");
            assert_eq!(*text, std::fs::read_to_string(&path).unwrap(), "{name}");
        }
    }

    #[test]
    fn extra_criteria_files_join_the_shipped_sets() {
        let fixture = include_str!("../../../testdata/criteria/thu-nghiem-xa.yaml");
        let c = catalog_with(&[("thu-nghiem-xa.yaml".into(), fixture.into())]).unwrap();
        assert!(c.contains("thu-nghiem-xa") && c.contains("xa-ntm-2021-2025"));
        assert!(
            !catalog().contains("thu-nghiem-xa"),
            "the shipped catalog is unchanged"
        );
        // A shipped file name is refused; so is a bad file, with its line.
        let e = catalog_with(&[("xa-ntm-2021-2025.yaml".into(), fixture.into())]).unwrap_err();
        assert!(e[0].contains("ships with NTM Số"), "{e:?}");
        let bad = fixture.replace("level: commune", "level: xa");
        let e = catalog_with(&[("x.yaml".into(), bad)]).unwrap_err();
        assert!(e.iter().any(|m| m.starts_with("x.yaml:10: level")), "{e:?}");
        // The same id twice in one version is refused by the resolver.
        let e = catalog_with(&[
            ("a.yaml".into(), fixture.into()),
            ("b.yaml".into(), fixture.into()),
        ])
        .unwrap_err();
        assert!(!e.is_empty());
    }

    #[test]
    fn catalog_resolves_and_dates_follow_the_reform() {
        let c = catalog();
        assert!(c.contains("xa-ntm-2021-2025"));
        let s = c.set_for_year("xa-ntm-2021-2025", 2025).unwrap();
        assert_eq!(
            evaluation_date(s, 2025),
            Date::from_calendar_date(2025, Month::June, 30).unwrap()
        );
        let s = c.set_for_year("xa-ntm-2021-2025", 2023).unwrap();
        assert_eq!(
            evaluation_date(s, 2023),
            Date::from_calendar_date(2023, Month::December, 31).unwrap()
        );
        let s = c.set_for_year("xa-ntm-2026-2030", 2026).unwrap();
        assert_eq!(
            evaluation_date(s, 2026),
            Date::from_calendar_date(2026, Month::December, 31).unwrap()
        );
    }
}
