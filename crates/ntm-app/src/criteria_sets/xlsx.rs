//! The Excel round trip of a whole criteria-set version (issue 12): export any version,
//! shipped or authored, draft or published, as an XLSX table (one row per indicator, see
//! `ntm_domain::criteria::authoring::table`); import an edited table onto a **draft**: a
//! preview of every change and every bad cell (nothing written), then apply, all or nothing,
//! refused when the draft changed since the preview (the revision seen is kept with the
//! upload, like the workbook round trip's value versions).
//!
//! The upload is kept by [`crate::staged_uploads`] (the same store as the workbook
//! uploads); applying reads the kept bytes again and plans them onto the draft as it is, so
//! what is written is what the same rules accept now. The table goes through the domain's
//! editing operations (`upsert_indicator`, `remove_indicator`, `check`): one rule, one place.

use ntm_domain::authz::Permission;
use ntm_domain::criteria::ResolvedSet;
use ntm_domain::criteria::authoring::AuthoredSet;
use ntm_domain::criteria::authoring::table::{BadCell, Change, SetTable, TablePlan, plan_import};
use ntm_reports::ReportError;
use ntm_store::{CriteriaSetVersion, DraftChange, DraftUpdate};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

pub use crate::staged_uploads::UploadSource;
use crate::staged_uploads::{self, base_name, from_unix, sha256_hex, unix};
use crate::{Actor, App, AppError};

/// How long a previewed file can be applied.
pub const UPLOAD_TTL: time::Duration = time::Duration::hours(2);

/// The record kept next to an uploaded table.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Record {
    id: String,
    /// `criteria-set-xlsx` (the uploads folder is shared with the workbook round trip).
    kind: String,
    user_id: String,
    username: String,
    version_id: String,
    file_name: String,
    size: usize,
    sha256: String,
    uploaded_at: i64,
    expires_at: i64,
    /// The draft's revision the preview compared against.
    revision: i64,
}

const KIND: &str = "criteria-set-xlsx";

/// What applying a file would do (nothing is written by a preview).
#[derive(Debug, Clone, Serialize)]
pub struct SetImportPreview {
    pub upload_id: Uuid,
    pub version_id: Uuid,
    pub file_name: String,
    pub set_id: String,
    pub label: String,
    pub title_vi: String,
    /// The draft's revision the preview was made on.
    pub revision: i64,
    pub changes: Vec<Change>,
    pub bad: Vec<BadCell>,
    /// Indicator rows read, and those equal to the draft.
    pub rows: usize,
    pub unchanged: usize,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// What applying wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedImport {
    pub upload_id: String,
    pub version_id: String,
    pub changes: usize,
    /// The draft's revision after the import.
    pub revision: i64,
    pub applied_by: String,
    pub applied_at: i64,
}

/// Why a file was not previewed or applied.
#[derive(Debug)]
pub enum SetImportError {
    App(AppError),
    /// Not an XLSX file, unreadable, or over the reader's limits (message vi, en).
    File {
        vi: String,
        en: String,
    },
    /// No such upload (or removed after it expired).
    Unknown,
    Expired {
        expired_at: OffsetDateTime,
    },
    /// Someone else uploaded it.
    NotYours,
    /// Uploaded on another version.
    OtherVersion,
    AlreadyApplied(AppliedImport),
    /// The version is published: it never changes (a change is a new version).
    Published {
        label: String,
    },
    /// Bad cells: nothing written.
    BadCells(Vec<BadCell>),
    /// The draft changed since the preview: nothing written.
    Stale {
        by: String,
        at: OffsetDateTime,
        revision: i64,
    },
}

impl std::fmt::Display for SetImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SetImportError::App(e) => write!(f, "{e}"),
            SetImportError::File { en, .. } => write!(f, "{en}"),
            SetImportError::Unknown => write!(f, "no such upload"),
            SetImportError::Expired { expired_at } => {
                write!(f, "the upload expired at {expired_at}")
            }
            SetImportError::NotYours => {
                write!(f, "only the person who uploaded the file can apply it")
            }
            SetImportError::OtherVersion => write!(f, "the file was uploaded on another version"),
            SetImportError::AlreadyApplied(a) => write!(f, "already applied by {}", a.applied_by),
            SetImportError::Published { label } => write!(f, "version {label} is published"),
            SetImportError::BadCells(b) => write!(f, "{} bad cells; nothing applied", b.len()),
            SetImportError::Stale { by, .. } => {
                write!(
                    f,
                    "the draft was changed by {by} since the preview; nothing applied"
                )
            }
        }
    }
}

impl std::error::Error for SetImportError {}

impl From<AppError> for SetImportError {
    fn from(e: AppError) -> Self {
        SetImportError::App(e)
    }
}

impl From<ntm_store::StoreError> for SetImportError {
    fn from(e: ntm_store::StoreError) -> Self {
        SetImportError::App(e.into())
    }
}

// ------------------------------------------------------------ loading

async fn base_of(app: &App, content: &AuthoredSet) -> Result<Option<ResolvedSet>, AppError> {
    super::runtime::base_of(app, content).await
}

fn file_name_of(content: &AuthoredSet) -> String {
    content.file_name().trim_end_matches(".yaml").to_string() + ".xlsx"
}

fn write(table: &SetTable) -> Result<Vec<u8>, AppError> {
    ntm_reports::criteria_set_xlsx::write_criteria_set(table)
        .map_err(|e| AppError::Internal(e.to_string()))
}

// ------------------------------------------------------------ export

/// A shipped version as XLSX (public reference data): `(file name, bytes)`.
pub fn export_shipped(
    app: &App,
    set_id: &str,
    version: &str,
) -> Result<(String, Vec<u8>), AppError> {
    let s = app
        .catalog
        .get(set_id, version)
        .ok_or_else(|| AppError::NotFound(format!("{set_id} version {version}")))?;
    let a = AuthoredSet::from_resolved(s);
    Ok((file_name_of(&a), write(&SetTable::of(&a, None))?))
}

/// An authored version (draft or published) as XLSX, for users who may read it.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), id = %id))]
pub async fn export_version(
    app: &App,
    actor: &Actor,
    id: Uuid,
) -> Result<(String, Vec<u8>), AppError> {
    let v = super::get_version(app, actor, id).await?;
    let base = base_of(app, &v.content).await?;
    Ok((
        file_name_of(&v.content),
        write(&SetTable::of(&v.content, base.as_ref()))?,
    ))
}

// ------------------------------------------------------------ import

/// Reads the sheets of an uploaded table (XLSX only), off the request threads.
async fn read_sheets(
    bytes: Vec<u8>,
) -> Result<Vec<ntm_domain::criteria::authoring::table::Grid>, SetImportError> {
    // On the bounded parsing pool, like every uploaded spreadsheet.
    let r = crate::spreadsheets::on_pool(move || {
        ntm_reports::criteria_set_xlsx::read_criteria_set(&bytes)
    })
    .await?;
    r.map_err(|e| match e {
        ReportError::TooLarge(m) => SetImportError::File {
            vi: m.clone(),
            en: m,
        },
        ReportError::NoSheet => SetImportError::File {
            vi: "tệp không có trang tính nào".into(),
            en: "the workbook has no sheet".into(),
        },
        e => SetImportError::File {
            vi: format!("không đọc được tệp Excel (.xlsx): {e}"),
            en: format!("cannot read the Excel (.xlsx) file: {e}"),
        },
    })
}

/// The draft `id`, checked for an import by `actor`.
async fn draft_for_import(
    app: &App,
    actor: &Actor,
    id: Uuid,
) -> Result<(CriteriaSetVersion, AuthoredSet, Option<ResolvedSet>), SetImportError> {
    let r = super::load(app, id).await?;
    super::require_scope(app, actor, &r.scope, Permission::ManageCriteria).await?;
    if r.is_published() {
        return Err(SetImportError::Published { label: r.label });
    }
    let content = super::view(&r)?.content;
    let base = base_of(app, &content).await?;
    Ok((r, content, base))
}

/// Whether `actor` may import a table onto version `id` (a draft they may edit): for
/// showing the upload form; [`stage_import`] checks again.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), id = %id))]
pub async fn can_import(app: &App, actor: &Actor, id: Uuid) -> Result<(), AppError> {
    match draft_for_import(app, actor, id).await {
        Ok(_) => Ok(()),
        Err(SetImportError::App(e)) => Err(e),
        Err(SetImportError::Published { label }) => Err(AppError::Conflict(format!(
            "phiên bản “{label}” đã công bố nên không sửa được — version “{label}” is published and never changes"
        ))),
        Err(e) => Err(AppError::Internal(e.to_string())),
    }
}

async fn plan(
    content: &AuthoredSet,
    base: Option<&ResolvedSet>,
    bytes: Vec<u8>,
) -> Result<TablePlan, SetImportError> {
    let sheets = read_sheets(bytes).await?;
    Ok(plan_import(content, base, &sheets))
}

/// Reads an edited table onto draft `id` and shows every change and bad cell; writes
/// nothing to the draft. The bytes are kept (see [`crate::staged_uploads`]) with the draft's
/// revision, for [`apply_import`] by the same user until `now + UPLOAD_TTL`.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), id = %id))]
pub async fn stage_import(
    app: &App,
    actor: &Actor,
    id: Uuid,
    file_name: &str,
    bytes: Vec<u8>,
    now: OffsetDateTime,
) -> Result<SetImportPreview, SetImportError> {
    let Actor::User { id: user_id, .. } = actor else {
        return Err(AppError::Unauthorized("login required".into()).into());
    };
    let (r, content, base) = draft_for_import(app, actor, id).await?;
    let file_name = base_name(file_name);
    if !file_name.to_lowercase().ends_with(".xlsx") {
        return Err(SetImportError::File {
            vi: "chỉ nhận tệp Excel .xlsx (tải mẫu từ trang phiên bản)".into(),
            en: "only Excel .xlsx files are accepted (download the table from the version's page)"
                .into(),
        });
    }
    if bytes.is_empty() {
        return Err(SetImportError::File {
            vi: "tệp rỗng".into(),
            en: "the file is empty".into(),
        });
    }
    let p = plan(&content, base.as_ref(), bytes.clone()).await?;
    let upload = Uuid::now_v7();
    let expires_at = now + UPLOAD_TTL;
    let record = Record {
        id: upload.to_string(),
        kind: KIND.into(),
        user_id: user_id.to_string(),
        username: actor.audit_name(),
        version_id: id.to_string(),
        file_name: file_name.clone(),
        size: bytes.len(),
        sha256: sha256_hex(&bytes),
        uploaded_at: unix(now),
        expires_at: unix(expires_at),
        revision: r.revision,
    };
    let json = serde_json::to_vec_pretty(&record)
        .map_err(|e| AppError::Internal(format!("upload record: {e}")))?;
    staged_uploads::keep(app, upload, bytes, json, now).await?;
    Ok(SetImportPreview {
        upload_id: upload,
        version_id: id,
        file_name,
        set_id: r.set_id.clone(),
        label: r.label.clone(),
        title_vi: content.title_vi.clone(),
        revision: r.revision,
        changes: p.changes,
        bad: p.bad,
        rows: p.rows,
        unchanged: p.unchanged,
        expires_at,
    })
}

/// The kept upload, after checking who may use it.
async fn load_upload(
    app: &App,
    actor: &Actor,
    id: Uuid,
    upload_id: &str,
) -> Result<(Record, Option<AppliedImport>, Vec<u8>), SetImportError> {
    let Actor::User { id: user_id, .. } = actor else {
        return Err(AppError::Unauthorized("login required".into()).into());
    };
    let upload = Uuid::parse_str(upload_id.trim()).map_err(|_| SetImportError::Unknown)?;
    let kept = staged_uploads::read(app, upload).await?;
    let record: Record = kept
        .record
        .and_then(|r| serde_json::from_slice(&r).ok())
        .filter(|r: &Record| r.kind == KIND)
        .ok_or(SetImportError::Unknown)?;
    if record.user_id != user_id.to_string() {
        return Err(SetImportError::NotYours);
    }
    if record.version_id != id.to_string() {
        return Err(SetImportError::OtherVersion);
    }
    let applied = kept
        .applied
        .and_then(|a| serde_json::from_slice::<AppliedImport>(&a).ok());
    let bytes = kept.bytes.ok_or(SetImportError::Unknown)?;
    if sha256_hex(&bytes) != record.sha256 {
        return Err(
            AppError::Internal(format!("upload {upload}: the stored file was altered")).into(),
        );
    }
    Ok((record, applied, bytes))
}

/// Previews a kept upload again on the draft as it is now ("preview again" after a refusal).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), id = %id))]
pub async fn restage_import(
    app: &App,
    actor: &Actor,
    id: Uuid,
    upload_id: &str,
    now: OffsetDateTime,
) -> Result<SetImportPreview, SetImportError> {
    // Permission first: an outsider learns nothing about the stored upload.
    draft_for_import(app, actor, id).await?;
    let (record, _, bytes) = load_upload(app, actor, id, upload_id).await?;
    stage_import(app, actor, id, &record.file_name, bytes, now).await
}

/// Applies a previewed upload to the draft, all or nothing: refused when it has bad cells,
/// expired, was uploaded by someone else or on another version, was already applied, when
/// the version is published, and when the draft's revision is not the one the preview saw
/// (someone edited it since: `Stale`). The changes go through the same domain operations as
/// the form editor; the new content and one audit entry are written in one transaction.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), id = %id))]
pub async fn apply_import(
    app: &App,
    actor: &Actor,
    id: Uuid,
    upload_id: &str,
    now: OffsetDateTime,
) -> Result<AppliedImport, SetImportError> {
    let (r, content, base) = draft_for_import(app, actor, id).await?;
    let (record, applied, bytes) = load_upload(app, actor, id, upload_id).await?;
    if let Some(a) = applied {
        return Err(SetImportError::AlreadyApplied(a));
    }
    if unix(now) > record.expires_at {
        return Err(SetImportError::Expired {
            expired_at: from_unix(record.expires_at),
        });
    }
    if r.revision != record.revision {
        return Err(SetImportError::Stale {
            by: r.updated_by,
            at: r.updated_at,
            revision: r.revision,
        });
    }
    let p = plan(&content, base.as_ref(), bytes).await?;
    if !p.bad.is_empty() {
        return Err(SetImportError::BadCells(p.bad));
    }
    let mut revision = r.revision;
    if !p.changes.is_empty() {
        let next = p.result;
        if next.id != r.set_id {
            return Err(AppError::Internal("the set id changed".into()).into());
        }
        // Checked the way evaluation will read it, as the form editor does.
        let siblings: Vec<_> = app
            .db
            .published_criteria_set_versions(&r.scope)
            .await?
            .into_iter()
            .filter(|s| s.set_id == r.set_id && s.id != r.id)
            .collect();
        super::runtime::check_content(app, &next, &siblings).await?;
        let json = serde_json::to_string(&next).map_err(|e| AppError::Internal(e.to_string()))?;
        let yaml = next.to_yaml();
        let valid_from = ntm_domain::text::format_date_iso(next.valid_from);
        let valid_to = next.valid_to.map(ntm_domain::text::format_date_iso);
        let who = actor.audit_name();
        let change = DraftChange {
            label: &next.version,
            valid_from: &valid_from,
            valid_to: valid_to.as_deref(),
            content: &json,
            yaml: &yaml,
            updated_by: &who,
            updated_at: crate::now(),
        };
        let entry = super::audit(
            actor,
            "criteria_version.edit",
            &r.scope,
            serde_json::json!({
                "id": id,
                "edit": "xlsx_import",
                "revision": r.revision + 1,
                "upload": record.id,
                "file": record.file_name,
                "sha256": record.sha256,
                "changes": p.changes.len(),
            }),
        );
        match app
            .db
            .update_criteria_set_draft(id, r.revision, &change, entry)
            .await?
        {
            DraftUpdate::Done(row) => revision = row.revision,
            DraftUpdate::Published(row) => {
                return Err(SetImportError::Published { label: row.label });
            }
            DraftUpdate::Stale(row) => {
                return Err(SetImportError::Stale {
                    by: row.updated_by,
                    at: row.updated_at,
                    revision: row.revision,
                });
            }
            DraftUpdate::NotFound => {
                return Err(AppError::NotFound(format!("criteria set version {id}")).into());
            }
        }
    }
    let result = AppliedImport {
        upload_id: record.id.clone(),
        version_id: id.to_string(),
        changes: p.changes.len(),
        revision,
        applied_by: actor.audit_name(),
        applied_at: unix(crate::now()),
    };
    let json = serde_json::to_vec_pretty(&result)
        .map_err(|e| AppError::Internal(format!("upload record: {e}")))?;
    staged_uploads::mark_applied(app, &record.id, json).await?;
    Ok(result)
}

/// What the import form's preview gives.
#[derive(Debug, Clone)]
pub enum ImportPreview {
    Preview(Box<SetImportPreview>),
    /// The form sent no file (after the same permission check as with one).
    NoFile,
}

/// `POST /criteria-versions/{id}/xlsx-import`: a new file staged ([`stage_import`]), a kept
/// one previewed again ([`restage_import`]), or, with neither, the permission checked
/// ([`can_import`]) before saying so.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), id = %id))]
pub async fn import_preview(
    app: &App,
    actor: &Actor,
    id: Uuid,
    source: UploadSource,
) -> Result<ImportPreview, SetImportError> {
    let now = crate::now();
    match source {
        UploadSource::File { name, bytes } => stage_import(app, actor, id, &name, bytes, now)
            .await
            .map(|p| ImportPreview::Preview(Box::new(p))),
        UploadSource::Staged(u) => restage_import(app, actor, id, &u, now)
            .await
            .map(|p| ImportPreview::Preview(Box::new(p))),
        UploadSource::Missing => {
            can_import(app, actor, id).await?;
            Ok(ImportPreview::NoFile)
        }
    }
}

/// `POST /criteria-versions/{id}/xlsx-import/apply`: [`apply_import`] now.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), id = %id))]
pub async fn import_apply(
    app: &App,
    actor: &Actor,
    id: Uuid,
    upload_id: &str,
) -> Result<AppliedImport, SetImportError> {
    apply_import(app, actor, id, upload_id, crate::now()).await
}
