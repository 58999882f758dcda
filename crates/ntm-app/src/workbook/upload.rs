//! The web round trip of a workbook: stage an upload with its preview, show it again, apply
//! it on the versions seen (or only its valid rows), and what an applied upload wrote.

use std::collections::HashMap;

use ntm_domain::audit::NewAuditEntry;
use ntm_domain::observation::{ObsSource, ObsStatus};
use ntm_store::{NewObservation, ObservationRecord};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::page::require_enter_before_reading;
use super::preview::{
    Analysis, AppliedUpload, StaleValue, UPLOAD_TTL, UploadError, WorkbookPreview, analyse,
    indicator_name, preview_of,
};
use crate::staged_uploads::{base_name, from_unix, unix};
use crate::{Actor, App, AppError};

/// The record kept next to an uploaded file (`<id>.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct UploadRecord {
    id: String,
    user_id: String,
    username: String,
    unit_code: String,
    file_name: String,
    size: usize,
    sha256: String,
    /// Unix time.
    uploaded_at: i64,
    expires_at: i64,
    set_id: String,
    version: String,
    year: i32,
    /// Every valid cell with the version of the value shown in the preview.
    values: Vec<SeenValue>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct SeenValue {
    unit: String,
    indicator: String,
    /// Version of the current value at the preview (`None`: no value).
    version: Option<i64>,
}

/// Reads an uploaded workbook (XLSX, or CSV with the template's layout) for `unit_code` and
/// shows, without writing any value, what applying it would change: every changed or new
/// value grouped by unit, the unchanged cells, and every bad cell with its reference. The
/// bytes are kept under `<data_dir>/uploads/<id>` with a record of who uploaded them, when,
/// their SHA-256 and the versions of the values the preview compared against; only the
/// uploader can apply them, until `now + UPLOAD_TTL`. The right to enter values on the unit
/// is checked before the file is read.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code))]
pub async fn stage_upload(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    file_name: &str,
    bytes: Vec<u8>,
    now: OffsetDateTime,
) -> Result<WorkbookPreview, UploadError> {
    let Actor::User { id: user_id, .. } = actor else {
        return Err(AppError::Unauthorized("login required".into()).into());
    };
    require_enter_before_reading(app, actor, unit_code).await?;
    let file_name = base_name(file_name);
    let a = analyse(app, actor, unit_code, &bytes, &file_name).await?;
    let year = a.year;
    let id = Uuid::now_v7();
    let expires_at = now + UPLOAD_TTL;
    let sha = crate::staged_uploads::sha256_hex(&bytes);
    let record = UploadRecord {
        id: id.to_string(),
        user_id: user_id.to_string(),
        username: actor.audit_name(),
        unit_code: a.page.code.clone(),
        file_name: file_name.clone(),
        size: bytes.len(),
        sha256: sha,
        uploaded_at: unix(now),
        expires_at: unix(expires_at),
        set_id: a.set.id.clone(),
        version: a.set.version.clone(),
        year,
        values: a
            .ok
            .iter()
            .map(|c| SeenValue {
                unit: c.unit.code.clone(),
                indicator: c.indicator_code.clone(),
                version: c.current.as_ref().map(|o| o.version),
            })
            .collect(),
    };
    let preview = preview_of(&a, id, &file_name, expires_at);
    let json = serde_json::to_vec_pretty(&record)
        .map_err(|e| AppError::Internal(format!("upload record: {e}")))?;
    crate::staged_uploads::keep(app, id, bytes, json, now).await?;
    Ok(preview)
}

/// The stored record and bytes of an upload, after checking who may use it.
async fn load_upload(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    upload_id: &str,
) -> Result<(UploadRecord, Option<AppliedUpload>, Vec<u8>), UploadError> {
    let Actor::User { id: user_id, .. } = actor else {
        return Err(AppError::Unauthorized("login required".into()).into());
    };
    let id = Uuid::parse_str(upload_id.trim()).map_err(|_| UploadError::Unknown)?;
    let crate::staged_uploads::Kept {
        record,
        applied,
        bytes,
    } = crate::staged_uploads::read(app, id).await?;
    let record: UploadRecord = record
        .and_then(|r| serde_json::from_slice(&r).ok())
        .ok_or(UploadError::Unknown)?;
    if record.user_id != user_id.to_string() {
        return Err(UploadError::NotYours);
    }
    if record.unit_code != unit_code {
        return Err(UploadError::OtherUnit {
            unit_code: record.unit_code,
        });
    }
    let applied = applied.and_then(|a| serde_json::from_slice::<AppliedUpload>(&a).ok());
    let bytes = bytes.ok_or(UploadError::Unknown)?;
    let sha = crate::staged_uploads::sha256_hex(&bytes);
    if sha != record.sha256 {
        return Err(AppError::Internal(format!("upload {id}: the stored file was altered")).into());
    }
    Ok((record, applied, bytes))
}

/// Previews a stored upload again (for "preview again" after a conflict): a new upload of
/// the same bytes, compared with the values now.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code))]
pub async fn restage_upload(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    upload_id: &str,
    now: OffsetDateTime,
) -> Result<WorkbookPreview, UploadError> {
    require_enter_before_reading(app, actor, unit_code).await?;
    let (record, _, bytes) = load_upload(app, actor, unit_code, upload_id).await?;
    stage_upload(app, actor, unit_code, &record.file_name, bytes, now).await
}

/// What an applied upload wrote, for the uploader (`None`: not applied).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code))]
pub async fn applied_upload(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    upload_id: &str,
) -> Result<Option<AppliedUpload>, UploadError> {
    Ok(load_upload(app, actor, unit_code, upload_id).await?.1)
}

/// Values compared in the preview (`record`) whose version is not the current one now
/// (`a`), and cells valid now that the preview did not compare.
fn stale_values(record: &UploadRecord, a: &Analysis<'_>) -> Vec<StaleValue> {
    let seen: HashMap<(&str, &str), Option<i64>> = record
        .values
        .iter()
        .map(|v| ((v.unit.as_str(), v.indicator.as_str()), v.version))
        .collect();
    a.ok.iter()
        .filter(|c| {
            let now_version = c.current.as_ref().map(|o| o.version);
            seen.get(&(c.unit.code.as_str(), c.indicator_code.as_str())) != Some(&now_version)
        })
        .map(|c| StaleValue {
            unit_code: c.unit.code.clone(),
            unit_name: c.unit.name.clone(),
            indicator_code: c.indicator_code.clone(),
            indicator_name: indicator_name(a.set, &c.indicator_code),
            value_now: c.current.as_ref().map(|o| o.value_text.clone()),
            changed_by: c.current.as_ref().map(|o| o.created_by.clone()),
            changed_at: c.current.as_ref().map(|o| o.created_at),
        })
        .collect()
}

/// Applies a previewed upload, all or nothing: refused when any cell is bad (unless
/// `apply_valid`: then only the valid cells are written), when it expired, when someone
/// else uploaded it, when it was already applied, and — optimistic concurrency — when any
/// value the preview compared against was changed since (`Stale`, naming them). Writes the
/// changed and new values as new draft versions (source `import`) with one audit entry
/// saying they came from a workbook upload. The right to enter values on the unit is
/// checked before the upload is read.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code))]
pub async fn apply_upload(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    upload_id: &str,
    apply_valid: bool,
    now: OffsetDateTime,
) -> Result<AppliedUpload, UploadError> {
    require_enter_before_reading(app, actor, unit_code).await?;
    let (record, applied, bytes) = load_upload(app, actor, unit_code, upload_id).await?;
    if let Some(a) = applied {
        return Err(UploadError::AlreadyApplied(a));
    }
    if unix(now) > record.expires_at {
        return Err(UploadError::Expired {
            expired_at: from_unix(record.expires_at),
        });
    }
    let a = analyse(app, actor, unit_code, &bytes, &record.file_name).await?;
    if !a.bad.is_empty() && !apply_valid {
        return Err(UploadError::BadCells(a.bad));
    }
    // Optimistic concurrency: every value compared in the preview must be unchanged.
    let stale = stale_values(&record, &a);
    if !stale.is_empty() {
        return Err(UploadError::Stale(stale));
    }
    let at = crate::now();
    let note = format!("nhập từ tệp {} (tải lên trên web)", record.file_name);
    let writes: Vec<NewObservation> =
        a.ok.iter()
            .filter(|c| !c.unchanged)
            .map(|c| {
                let expected = c.current.as_ref().map(|o| o.version);
                NewObservation {
                    record: ObservationRecord {
                        id: Uuid::now_v7(),
                        province_code: c.unit.province_code.clone(),
                        unit_id: c.unit.id,
                        unit_code: c.unit.code.clone(),
                        set_id: a.set.id.clone(),
                        indicator_code: c.indicator_code.clone(),
                        year: record.year,
                        value_text: c.value.clone(),
                        status: ObsStatus::Draft,
                        note: note.clone(),
                        source: ObsSource::Import,
                        version: expected.unwrap_or(0) + 1,
                        created_by: actor.audit_name(),
                        created_at: at,
                        comment: None,
                    },
                    expected_version: expected,
                    files: vec![],
                }
            })
            .collect();
    let changed =
        a.ok.iter()
            .filter(|c| !c.unchanged && c.current.is_some())
            .count();
    let units: std::collections::BTreeSet<&str> =
        writes.iter().map(|w| w.record.unit_code.as_str()).collect();
    let result = AppliedUpload {
        upload_id: record.id.clone(),
        set_id: a.set.id.clone(),
        year: record.year,
        unit_code: a.page.code.clone(),
        set_level: a.set.level,
        unit_level: a.page.level,
        applied_at: unix(at),
        applied_by: actor.audit_name(),
        written: writes.len(),
        changed,
        new_values: writes.len() - changed,
        unchanged: a.ok.iter().filter(|c| c.unchanged).count(),
        skipped: a.bad.len(),
        units: units.len(),
    };
    if !writes.is_empty() {
        let entry = NewAuditEntry {
            at,
            ..actor.audit_entry(
                "observations.import",
                &a.page.code,
                serde_json::json!({
                "set": a.set.id,
                "year": record.year,
                "rows": writes.len(),
                "units": units.len(),
                "source": "workbook-upload",
                "upload": record.id,
                "file": record.file_name,
                "sha256": record.sha256,
                "skipped_bad_cells": a.bad.len(),

                }),
            )
        };
        match app.db.insert_observations(&writes, entry).await {
            Ok(_) => {}
            // Someone wrote between the check above and this write (the store checks the
            // versions again inside the transaction): nothing was written.
            Err(ntm_store::StoreError::Conflict(m)) => {
                // Another apply of this upload, or another change, got in first.
                let (_, applied, _) = load_upload(app, actor, unit_code, upload_id).await?;
                if let Some(done) = applied {
                    return Err(UploadError::AlreadyApplied(done));
                }
                let again = analyse(app, actor, unit_code, &bytes, &record.file_name).await?;
                let stale = stale_values(&record, &again);
                return Err(if stale.is_empty() {
                    UploadError::App(AppError::Conflict(m))
                } else {
                    UploadError::Stale(stale)
                });
            }
            Err(e) => return Err(e.into()),
        }
    }
    let json = serde_json::to_vec_pretty(&result)
        .map_err(|e| AppError::Internal(format!("upload record: {e}")))?;
    crate::staged_uploads::mark_applied(app, &record.id, json).await?;
    Ok(result)
}
