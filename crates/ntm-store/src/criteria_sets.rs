//! Provincial criteria-set files: the YAML text a province uploaded, with its history.
//!
//! An upload adds a row; the active file of `(province_code, set_id)` is the latest one
//! (the older rows of that key get `active = false` in the same transaction, together with
//! the audit entry). Rows are never deleted, so every earlier version stays readable.

use ntm_domain::audit::NewAuditEntry;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, db_time, sql};

/// One stored criteria-set file.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CriteriaSetFile {
    pub id: Uuid,
    pub province_code: String,
    /// `id:` of the set in the file.
    pub set_id: String,
    /// `version:` of the set in the file.
    pub version: String,
    /// The national set it extends.
    pub extends_id: String,
    pub file_name: String,
    pub yaml: String,
    /// SHA-256 of `yaml` (lower-case hex).
    pub sha256: String,
    pub uploaded_by: String,
    pub uploaded_at: OffsetDateTime,
    pub active: bool,
}

macro_rules! cols {
    () => {
        "id, province_code, set_id, version, extends_id, file_name, yaml, sha256, uploaded_by, \
         uploaded_at, active"
    };
}

impl Db {
    /// Stores a new file as the active one of its `(province_code, set_id)`, deactivating the
    /// earlier ones, and appends `audit`, all in one transaction.
    pub async fn insert_criteria_set_file(
        &self,
        f: &CriteriaSetFile,
        audit: NewAuditEntry,
    ) -> Result<CriteriaSetFile> {
        let mut tx = self.begin().await?;
        tx.execute(sql!(
            "UPDATE criteria_set_files SET active = $3 WHERE province_code = $1 AND set_id = $2",
            f.province_code.as_str(),
            f.set_id.as_str(),
            false,
        ))
        .await?;
        tx.execute(sql!(
            concat!(
                "INSERT INTO criteria_set_files (",
                cols!(),
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
            ),
            f.id,
            f.province_code.as_str(),
            f.set_id.as_str(),
            f.version.as_str(),
            f.extends_id.as_str(),
            f.file_name.as_str(),
            f.yaml.as_str(),
            f.sha256.as_str(),
            f.uploaded_by.as_str(),
            f.uploaded_at,
            true,
        ))
        .await?;
        let entry = append_audit_tx(&mut tx, audit).await?;
        crate::evaluation_changes::note_tx(
            &mut tx,
            entry.seq,
            entry.at,
            [crate::Change::Scope {
                path: crate::evaluation_changes::province_path(&f.province_code),
                why: crate::ScopeChange::SetFile,
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(CriteriaSetFile {
            uploaded_at: db_time(f.uploaded_at),
            active: true,
            ..f.clone()
        })
    }

    /// Every file of a province (active and earlier ones), newest first.
    pub async fn list_criteria_set_files(
        &self,
        province_code: &str,
    ) -> Result<Vec<CriteriaSetFile>> {
        self.fetch_all(sql!(
            concat!(
                "SELECT ",
                cols!(),
                " FROM criteria_set_files WHERE province_code = $1 \
                 ORDER BY uploaded_at DESC, set_id"
            ),
            province_code
        ))
        .await
    }

    /// The active files of a province, by set id.
    pub async fn active_criteria_set_files(
        &self,
        province_code: &str,
    ) -> Result<Vec<CriteriaSetFile>> {
        self.fetch_all(sql!(
            concat!(
                "SELECT ",
                cols!(),
                " FROM criteria_set_files WHERE province_code = $1 AND active = $2 \
                 ORDER BY set_id"
            ),
            province_code,
            true
        ))
        .await
    }
}
