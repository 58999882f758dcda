//! Provincial criteria sets: a province's own thresholds, uploaded as a set file that
//! `extends` a national set (see `docs/criteria-format.md`, "Provincial sets").
//!
//! **Upload** ([`upload_set`]). The uploader needs `ManageCriteria` on the province. The file
//! is read by the domain loader (every problem reported as `file:line: field: message`), must
//! `extends:` a national set shipped with the binary, and is resolved against the embedded
//! catalog, which enforces the stricter-only rule (a `>=` threshold may only go up, a `<=`
//! one only down, for every region and group). The format has no field naming the province:
//! the file belongs to the province it is uploaded for (the URL's code), and that is what the
//! audit entry records. A new upload of the same set id adds a row and becomes the active
//! file; the earlier ones stay in the history.
//!
//! **Evaluation** ([`set_for_unit`]). When a unit is evaluated for a national set id, the
//! unit record valid on the evaluation date names its province; if that province has an
//! active file extending the requested id and in force during the year, the resolved
//! provincial set is used (its indicator values are still those stored under the national
//! id: the codes are the same). Otherwise, and for units above the province (the whole
//! country), the national set is used. The national version a provincial file extends is the
//! one in force on the file's `valid_from` (or the version it names): to follow a national
//! amendment, the province uploads a new version. Derived indicators of other sets (a
//! district's "share of communes meeting") keep using the national sets.
//!
//! **Provenance.** A threshold a province sets is *confirmed* only when its override says
//! `provenance: sourced` and cites the provincial text (`source:` or `sources:`); `sourced`
//! without a citation is refused at upload. An override that does not state its provenance
//! is kept but marked `uncertain`, so every outcome on it is "needs verification": a
//! province's number is never a silent pass. Every evaluation that used a provincial set
//! says so ([`ProvincialUse`]: province, file, uploader, date, and which thresholds it set).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use ntm_domain::authz::Permission;
use ntm_domain::criteria::{
    self, Catalog, CriteriaFile, CriteriaSet, Provenance, ResolvedSet, SetError, Threshold, Varying,
};
use ntm_domain::units::{Level, Unit};
use ntm_store::CriteriaSetFile;
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::authz::require;
use crate::criteria::{EMBEDDED, SetSummary};
use crate::{Actor, App, AppError, FieldError, now};

/// Largest set file accepted (the biggest national file is about 100 KB).
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

/// One stored provincial file, for lists and upload answers (without the YAML text).
#[derive(Debug, Clone, Serialize)]
pub struct StoredSet {
    pub id: Uuid,
    pub province_code: String,
    pub set_id: String,
    pub version: String,
    pub extends: String,
    pub file_name: String,
    pub sha256: String,
    pub uploaded_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub uploaded_at: OffsetDateTime,
    /// The latest upload of this set id for the province.
    pub active: bool,
    pub title_vi: String,
    /// Thresholds the file sets, with whether each is confirmed.
    pub thresholds: Vec<ProvincialThreshold>,
}

/// One indicator whose threshold a provincial file changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProvincialThreshold {
    pub code: String,
    /// `provenance: sourced` with a citation: outcomes on it can be definite.
    pub confirmed: bool,
}

/// Stated on an evaluation that used a provincial set: where its thresholds come from.
#[derive(Debug, Clone, Serialize)]
pub struct ProvincialUse {
    pub province_code: String,
    /// The national set requested.
    pub extends: String,
    /// The provincial set used.
    pub set: SetSummary,
    pub file_name: String,
    pub sha256: String,
    pub uploaded_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub uploaded_at: OffsetDateTime,
    pub thresholds: Vec<ProvincialThreshold>,
    /// "configured by province 86 (file, uploader, date)".
    pub note: String,
}

/// A provincial set resolved for one evaluation.
pub struct Applied {
    pub set: ResolvedSet,
    pub info: ProvincialUse,
}

/// The embedded files, parsed once (unresolved), to resolve provincial files against.
fn embedded_sets() -> &'static [CriteriaSet] {
    static SETS: OnceLock<Vec<CriteriaSet>> = OnceLock::new();
    SETS.get_or_init(|| {
        EMBEDDED
            .iter()
            .filter_map(|(name, text)| match criteria::parse_file(name, text) {
                Ok(CriteriaFile::Set(s)) => Some(s),
                // Checked by the embedded catalog at start-up.
                _ => None,
            })
            .collect()
    })
}

fn problems(errors: Vec<SetError>) -> AppError {
    AppError::Validation(
        errors
            .into_iter()
            .map(|e| {
                let at = if e.line > 0 {
                    format!("{}:{}", e.file, e.line)
                } else {
                    e.file.clone()
                };
                let field = if e.field.is_empty() {
                    at
                } else {
                    format!("{at}: {}", e.field)
                };
                FieldError::new(field, e.message)
            })
            .collect(),
    )
}

fn set_error(file: &str, line: usize, field: &str, message: String) -> SetError {
    SetError {
        file: file.to_string(),
        line,
        field: field.to_string(),
        message,
    }
}

/// Is `id` a national set of the embedded catalog (not itself extending another)?
fn is_national(catalog: &Catalog, id: &str) -> bool {
    let mut versions = catalog.versions(id).peekable();
    versions.peek().is_some()
        && versions.all(|s| {
            s.extends.is_none()
                && !s
                    .category
                    .as_deref()
                    .is_some_and(|c| c.starts_with("provincial"))
        })
}

/// Whether one threshold (with its override's defaults) is confirmed.
fn confirmed(t: &Threshold, ov: &criteria::Override) -> bool {
    let prov = t.provenance.or(ov.provenance);
    let cited = t.source.is_some()
        || !t.sources.is_empty()
        || ov.source.is_some()
        || !ov.sources.is_empty();
    prov == Some(Provenance::Sourced) && cited && !t.uncertain.or(ov.uncertain).unwrap_or(false)
}

fn thresholds_of(ov: &criteria::Override) -> Vec<&Threshold> {
    let mut all: Vec<&Threshold> = Vec::new();
    if let Some(Some(t)) = &ov.threshold {
        all.push(t);
    }
    if let Some(Varying::Known(m)) = &ov.by_region {
        all.extend(m.values().flatten());
    }
    if let Some(Varying::Known(m)) = &ov.by_group {
        all.extend(m.values().flatten());
    }
    all
}

/// Parses a provincial file and applies the checks and the provenance rule of the module
/// documentation; returns the set ready for [`criteria::resolve`].
fn prepare(app: &App, file_name: &str, yaml: &str) -> Result<CriteriaSet, Vec<SetError>> {
    let mut set = criteria::parse_set(file_name, yaml)?;
    let mut errors = Vec::new();
    match &set.extends {
        None => errors.push(set_error(
            file_name,
            0,
            "extends",
            "a provincial set must name the national set it extends (`extends: xa-ntm-2021-2025`)"
                .into(),
        )),
        Some(e) if !is_national(app.catalog, &e.id) => {
            let national: Vec<&str> = {
                let mut ids: Vec<&str> = app
                    .catalog
                    .sets()
                    .iter()
                    .map(|s| s.id.as_str())
                    .filter(|id| is_national(app.catalog, id))
                    .collect();
                ids.dedup();
                ids
            };
            errors.push(set_error(
                file_name,
                e.line,
                "extends",
                format!(
                    "`{}` is not a national criteria set (known: {})",
                    e.id,
                    national.join(", ")
                ),
            ));
        }
        Some(_) => {}
    }
    if app.catalog.contains(&set.id) {
        errors.push(set_error(
            file_name,
            0,
            "id",
            format!(
                "`{}` is a set shipped with NTM Số: give the provincial set its own id",
                set.id
            ),
        ));
    }
    if set.amends.is_some() {
        errors.push(set_error(
            file_name,
            set.amends_line,
            "amends",
            "a provincial file extends a national set; it cannot amend one".into(),
        ));
    }
    for (k, ov) in set.overrides.iter_mut().enumerate() {
        let ts = thresholds_of(ov);
        let sourced_uncited = ts.iter().any(|t| {
            t.provenance.or(ov.provenance) == Some(Provenance::Sourced)
                && t.source.is_none()
                && t.sources.is_empty()
                && ov.source.is_none()
                && ov.sources.is_empty()
        });
        if sourced_uncited {
            errors.push(set_error(
                file_name,
                ov.line,
                &format!("overrides[{k}].sources"),
                format!(
                    "the threshold of {} is marked `provenance: sourced` but cites no source: \
                     add `sources: [...]` (the provincial decision) or `source:`",
                    ov.code
                ),
            ));
        }
        if ov.provenance.is_none() && ts.iter().any(|t| t.provenance.is_none()) {
            // Stays "needs verification": never a silent pass on an unsourced number.
            ov.uncertain = Some(true);
        }
    }
    if errors.is_empty() {
        Ok(set)
    } else {
        Err(errors)
    }
}

fn summarize(set: &CriteriaSet) -> Vec<ProvincialThreshold> {
    set.overrides
        .iter()
        .filter(|ov| !thresholds_of(ov).is_empty() || matches!(ov.threshold, Some(None)))
        .map(|ov| ProvincialThreshold {
            code: ov.code.clone(),
            confirmed: {
                let ts = thresholds_of(ov);
                !ts.is_empty() && ts.iter().all(|t| confirmed(t, ov))
            },
        })
        .collect()
}

/// Resolves a prepared provincial set with the embedded sets (cached by file hash).
fn resolve_with_embedded(sha256: &str, set: CriteriaSet) -> Result<Arc<Catalog>, Vec<SetError>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Catalog>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Ok(c) = cache.lock()
        && let Some(hit) = c.get(sha256)
    {
        return Ok(hit.clone());
    }
    let mut sets = embedded_sets().to_vec();
    sets.push(set);
    let catalog = Arc::new(criteria::resolve(sets)?);
    if let Ok(mut c) = cache.lock() {
        if c.len() >= 64 {
            c.clear();
        }
        c.insert(sha256.to_string(), catalog.clone());
    }
    Ok(catalog)
}

fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

fn province_path(code: &str) -> Result<String, AppError> {
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::invalid(
            "province",
            format!("`{code}` is not a province code (two digits, e.g. 86)"),
        ));
    }
    Ok(format!("/{code}/"))
}

async fn province_unit(app: &App, code: &str) -> Result<Unit, AppError> {
    match app.db.unit_on(code, crate::today()).await? {
        Some(u) if u.level == Level::Province => Ok(u),
        _ => Err(AppError::NotFound(format!("province {code}"))),
    }
}

fn stored_view(f: &CriteriaSetFile) -> StoredSet {
    let (title_vi, thresholds) = match criteria::parse_set(&f.file_name, &f.yaml) {
        Ok(s) => (s.title_vi.clone(), summarize(&s)),
        Err(_) => (String::new(), Vec::new()),
    };
    StoredSet {
        id: f.id,
        province_code: f.province_code.clone(),
        set_id: f.set_id.clone(),
        version: f.version.clone(),
        extends: f.extends_id.clone(),
        file_name: f.file_name.clone(),
        sha256: f.sha256.clone(),
        uploaded_by: f.uploaded_by.clone(),
        uploaded_at: f.uploaded_at,
        active: f.active,
        title_vi,
        thresholds,
    }
}

/// Uploads a provincial set file for `province_code` (see the module documentation).
/// Every problem of the file is returned at once, as `file:line: field` with a message.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %province_code))]
pub async fn upload_set(
    app: &App,
    actor: &Actor,
    province_code: &str,
    file_name: &str,
    yaml_text: &str,
) -> Result<StoredSet, AppError> {
    let path = province_path(province_code)?;
    require(actor, Permission::ManageCriteria, &path)?;
    let province = province_unit(app, province_code).await?;
    require(actor, Permission::ManageCriteria, &province.path)?;
    let file_name = file_name.trim();
    let file_name = if file_name.is_empty() {
        "upload.yaml"
    } else {
        file_name
    };
    if file_name.len() > 200 || file_name.contains(['/', '\\']) || file_name.contains("..") {
        return Err(AppError::invalid(
            "file_name",
            "a plain file name of at most 200 characters, without folders",
        ));
    }
    if yaml_text.len() > MAX_FILE_BYTES {
        return Err(AppError::invalid(
            "yaml",
            format!(
                "the file is {} bytes; at most {MAX_FILE_BYTES} are accepted",
                yaml_text.len()
            ),
        ));
    }
    let set = prepare(app, file_name, yaml_text).map_err(problems)?;
    let sha256 = sha256_hex(yaml_text);
    let thresholds = summarize(&set);
    let (set_id, version) = (set.id.clone(), set.version.clone());
    let extends = set
        .extends
        .as_ref()
        .map(|e| e.id.clone())
        .unwrap_or_default();
    resolve_with_embedded(&sha256, set).map_err(problems)?;
    let record = CriteriaSetFile {
        id: Uuid::now_v7(),
        province_code: province.code.clone(),
        set_id: set_id.clone(),
        version: version.clone(),
        extends_id: extends.clone(),
        file_name: file_name.to_string(),
        yaml: yaml_text.to_string(),
        sha256: sha256.clone(),
        uploaded_by: actor.audit_name(),
        uploaded_at: now(),
        active: true,
    };
    let audit = actor.audit_entry(
        "criteria_set.upload",
        &format!("province:{}", province.code),
        serde_json::json!({
            "set_id": set_id,
            "version": version,
            "extends": extends,
            "file_name": file_name,
            "sha256": sha256,
            "thresholds": thresholds,
        }),
    );
    let stored = app.db.insert_criteria_set_file(&record, audit).await?;
    Ok(stored_view(&stored))
}

/// Every file uploaded for a province (active ones and their history), newest first.
/// Readable by users whose scope covers the province, or covers its successor: a province
/// merged on 1 July 2025 (Trà Vinh, 84) keeps its files, which the officers of the merged
/// province (Vĩnh Long, 86) read through lineage.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %province_code))]
pub async fn list_sets(
    app: &App,
    actor: &Actor,
    province_code: &str,
) -> Result<Vec<StoredSet>, AppError> {
    province_path(province_code)?;
    let unit = match app.db.unit_on(province_code, crate::today()).await? {
        Some(u) => Some(u),
        None => app.db.unit_versions(province_code).await?.pop(),
    }
    .filter(|u| u.level == Level::Province)
    .ok_or_else(|| AppError::NotFound(format!("province {province_code}")))?;
    crate::access::require_on_unit(app, actor, Permission::ViewUnits, &unit).await?;
    Ok(app
        .db
        .list_criteria_set_files(province_code)
        .await?
        .iter()
        .map(stored_view)
        .collect())
}

/// The provincial set to evaluate `unit` with for national set `set_id` and `year`, when
/// its province has one (see the module documentation); `None`: use the national set.
pub(crate) async fn set_for_unit(
    app: &App,
    unit: &Unit,
    set_id: &str,
    year: i32,
) -> Result<Option<Applied>, AppError> {
    if unit.province_code.is_empty() {
        return Ok(None);
    }
    let mut files: Vec<CriteriaSetFile> = app
        .db
        .active_criteria_set_files(&unit.province_code)
        .await?
        .into_iter()
        .filter(|f| f.extends_id == set_id)
        .collect();
    // Several provincial sets extending the same national one: the latest upload wins.
    files.sort_by_key(|f| std::cmp::Reverse(f.uploaded_at));
    for f in files {
        let prepared = match prepare(app, &f.file_name, &f.yaml) {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(province = %f.province_code, file = %f.file_name,
                    "stored provincial set no longer valid: {}", e.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "));
                return Err(AppError::Internal(format!(
                    "the provincial set {} of province {} no longer loads; upload it again",
                    f.set_id, f.province_code
                )));
            }
        };
        let thresholds = summarize(&prepared);
        let catalog = resolve_with_embedded(&f.sha256, prepared).map_err(|e| {
            AppError::Internal(format!(
                "the provincial set {} of province {} no longer resolves: {}",
                f.set_id,
                f.province_code,
                e.first().map(|e| e.to_string()).unwrap_or_default()
            ))
        })?;
        let Ok(set) = catalog.set_for_year(&f.set_id, year) else {
            // Not in force that year: the national set applies.
            continue;
        };
        let info = ProvincialUse {
            province_code: f.province_code.clone(),
            extends: f.extends_id.clone(),
            set: SetSummary::of(set),
            file_name: f.file_name.clone(),
            sha256: f.sha256.clone(),
            uploaded_by: f.uploaded_by.clone(),
            uploaded_at: f.uploaded_at,
            thresholds,
            note: format!(
                "configured by province {} ({}, {}, {})",
                f.province_code,
                f.file_name,
                f.uploaded_by,
                ntm_domain::text::format_date_vi(f.uploaded_at.date())
            ),
        };
        return Ok(Some(Applied {
            set: set.clone(),
            info,
        }));
    }
    Ok(None)
}
