//! Evidence files attached to a value: stored on disk content-addressed, named in the
//! database, read back only through the value's unit's permission.

use ntm_domain::authz::Permission;
use ntm_store::{NewObservation, ObservationFile, ObservationRecord};
use uuid::Uuid;

use super::catalog::{evaluation_date, lookup_set, unit_in_year};
use super::observations::ValueRef;
use crate::access::require_on_unit;
use crate::{Actor, App, AppError, FieldError, now};

/// Largest evidence file accepted (20 MB).
pub const MAX_EVIDENCE_BYTES: usize = 20 * 1024 * 1024;

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
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %value.unit_code))]
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

/// One evidence file and its bytes, for a user who may view the value's unit. The file is
/// found by its id; the path comes from the database, never from the request.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
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
