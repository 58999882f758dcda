//! Recognition dossiers and their append-only history of transitions.
//!
//! The store keeps the dossier as the application hands it over: the domain `Dossier` as
//! JSON text in `data`, with its state, kind and period in plain columns for filtering.
//! `version` is the seq of the last event (0 when created). [`Db::append_dossier_event`]
//! updates the row only if the version is still the one the actor saw and appends the
//! event with `seq = version + 1`, with its audit entry, in one transaction; the unique
//! `(dossier_id, seq)` index stops two racing writers from both succeeding.

use ntm_domain::audit::NewAuditEntry;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, StoreError, db_time, like_escape, sql};
use crate::notifications::{NotificationRecord, insert_notification_tx};

/// One stored dossier (its current state).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DossierRecord {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub unit_code: String,
    pub province_code: String,
    pub set_id: String,
    pub year: i32,
    /// `DossierKind` as snake_case text.
    pub kind: String,
    /// `Period` as text (`until_june_2025` / `from_july_2025`).
    pub period: String,
    /// `DossierState` as snake_case text.
    pub state: String,
    /// The domain `Dossier`, as JSON.
    pub data: String,
    /// Seq of the last event; 0 when no transition happened yet.
    pub version: i64,
    pub created_by: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// One transition of a dossier (append-only).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DossierEventRecord {
    pub id: Uuid,
    pub dossier_id: Uuid,
    /// 1 for the first transition, then +1.
    pub seq: i64,
    /// `ActionKind` as snake_case text.
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    /// The platform role that acted.
    pub role: String,
    /// Who acted (user name, as in the audit log).
    pub actor: String,
    /// The date of the action (ISO `YYYY-MM-DD`), which the procedure's rules use.
    pub event_date: String,
    /// JSON: the action with its reason or decision, the event note, documents declared.
    pub payload: String,
    pub created_at: OffsetDateTime,
}

/// A file attached to a dossier (bytes under `<data_dir>/<stored_path>`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DossierDocumentRecord {
    pub id: Uuid,
    pub dossier_id: Uuid,
    /// `DocumentKind` as snake_case text.
    pub kind: String,
    /// The name shown to people (never used as a path).
    pub file_name: String,
    /// Detected from the content (magic bytes).
    pub media_type: String,
    pub sha256: String,
    pub size: i64,
    pub stored_path: String,
    pub uploaded_by: String,
    pub created_at: OffsetDateTime,
}

/// One procedure setting of a province: `kind` is `holiday` (key: `YYYY-MM-DD`),
/// `time_limit` (key: the step, value: `<days> <working|calendar>`) or `satisfaction`
/// (key: the dossier kind, value: the percent); `basis` is the document and article cited.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProcedureSetting {
    pub province_code: String,
    pub kind: String,
    pub key: String,
    pub value: String,
    pub basis: String,
    pub updated_by: String,
    pub updated_at: OffsetDateTime,
}

macro_rules! document_cols {
    () => {
        "id, dossier_id, kind, file_name, media_type, sha256, size, stored_path, uploaded_by, \
         created_at"
    };
}

macro_rules! dossier_cols {
    () => {
        "d.id, d.unit_id, d.unit_code, d.province_code, d.set_id, d.year, d.kind, d.period, \
         d.state, d.data, d.version, d.created_by, d.created_at, d.updated_at"
    };
}

impl Db {
    /// Stores a new dossier (its `version` must be 0) with its audit entry.
    pub async fn insert_dossier(
        &self,
        d: &DossierRecord,
        audit: NewAuditEntry,
    ) -> Result<DossierRecord> {
        if d.version != 0 {
            return Err(StoreError::Integrity(format!(
                "a new dossier starts at version 0, not {}",
                d.version
            )));
        }
        let mut tx = self.begin().await?;
        tx.execute(sql!(
            "INSERT INTO dossiers (id, unit_id, unit_code, province_code, set_id, year, kind, \
             period, state, data, version, created_by, created_at, updated_at) VALUES ($1, $2, \
             $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            d.id,
            d.unit_id,
            d.unit_code.as_str(),
            d.province_code.as_str(),
            d.set_id.as_str(),
            d.year,
            d.kind.as_str(),
            d.period.as_str(),
            d.state.as_str(),
            d.data.as_str(),
            d.version,
            d.created_by.as_str(),
            d.created_at,
            d.updated_at,
        ))
        .await
        .map_err(|e| {
            if e.is_foreign_key_violation() {
                StoreError::NotFound
            } else {
                e
            }
        })?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(DossierRecord {
            created_at: db_time(d.created_at),
            updated_at: db_time(d.updated_at),
            ..d.clone()
        })
    }

    /// One dossier by id.
    pub async fn dossier(&self, id: Uuid) -> Result<Option<DossierRecord>> {
        self.fetch_optional(sql!(
            concat!(
                "SELECT ",
                dossier_cols!(),
                " FROM dossiers d WHERE d.id = $1"
            ),
            id
        ))
        .await
    }

    /// Dossiers of units in a subtree (`path_prefix`, `/` for all), newest first. A dossier
    /// counts when its unit record's path is in the subtree, or the path of the open record
    /// of the same code and level is (a commune of Trà Vinh in 2024, under Vĩnh Long today).
    pub async fn dossiers_in_subtree(&self, path_prefix: &str) -> Result<Vec<DossierRecord>> {
        let pattern = format!("{}%", like_escape(path_prefix));
        self.fetch_all(sql!(
            concat!(
                "SELECT ",
                dossier_cols!(),
                " FROM dossiers d JOIN units u ON u.id = d.unit_id \
                 WHERE u.path LIKE $1 ESCAPE '\\' OR EXISTS (SELECT 1 FROM units c \
                 WHERE c.code = u.code AND c.level = u.level AND c.valid_to IS NULL \
                 AND c.path LIKE $2 ESCAPE '\\') ORDER BY d.created_at DESC, d.id"
            ),
            pattern.clone(),
            pattern,
        ))
        .await
    }

    /// The transitions of a dossier, oldest first.
    pub async fn dossier_events(&self, dossier_id: Uuid) -> Result<Vec<DossierEventRecord>> {
        self.fetch_all(sql!(
            "SELECT id, dossier_id, seq, action, from_state, to_state, role, actor, event_date, \
             payload, created_at FROM dossier_events WHERE dossier_id = $1 ORDER BY seq",
            dossier_id
        ))
        .await
    }

    /// Records one transition: the dossier's new `state` and `data`, and the event, whose
    /// `seq` must be `expected_version + 1`. `Conflict` when the dossier has moved on since
    /// the actor read it (nothing is written); `NotFound` when there is no such dossier.
    pub async fn append_dossier_event(
        &self,
        expected_version: i64,
        state: &str,
        data: &str,
        event: &DossierEventRecord,
        audit: NewAuditEntry,
    ) -> Result<DossierRecord> {
        self.append_dossier_event_notifying(expected_version, state, data, event, audit, &[])
            .await
    }

    /// [`Db::append_dossier_event`], also storing `notes` (notifications about the
    /// transition) in the same transaction.
    pub async fn append_dossier_event_notifying(
        &self,
        expected_version: i64,
        state: &str,
        data: &str,
        event: &DossierEventRecord,
        audit: NewAuditEntry,
        notes: &[NotificationRecord],
    ) -> Result<DossierRecord> {
        if event.seq != expected_version + 1 {
            return Err(StoreError::Integrity(format!(
                "event seq {} does not follow version {expected_version}",
                event.seq
            )));
        }
        let stale = || {
            StoreError::Conflict(format!(
                "the dossier was changed by someone else meanwhile (expected step {expected_version})"
            ))
        };
        let mut tx = self.begin().await?;
        let updated = tx
            .execute(sql!(
                "UPDATE dossiers SET state = $1, data = $2, version = $3, updated_at = $4 \
                 WHERE id = $5 AND version = $6",
                state,
                data,
                event.seq,
                event.created_at,
                event.dossier_id,
                expected_version,
            ))
            .await?;
        if updated == 0 {
            let exists: Option<(i64,)> = tx
                .fetch_optional(sql!(
                    "SELECT version FROM dossiers WHERE id = $1",
                    event.dossier_id
                ))
                .await?;
            return Err(match exists {
                None => StoreError::NotFound,
                Some(_) => stale(),
            });
        }
        tx.execute(sql!(
            "INSERT INTO dossier_events (id, dossier_id, seq, action, from_state, to_state, role, \
             actor, event_date, payload, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
             $10, $11)",
            event.id,
            event.dossier_id,
            event.seq,
            event.action.as_str(),
            event.from_state.as_str(),
            event.to_state.as_str(),
            event.role.as_str(),
            event.actor.as_str(),
            event.event_date.as_str(),
            event.payload.as_str(),
            event.created_at,
        ))
        .await
        .map_err(|e| e.conflict_as(|| stale().to_string()))?;
        let d: DossierRecord = tx
            .fetch_one(sql!(
                concat!(
                    "SELECT ",
                    dossier_cols!(),
                    " FROM dossiers d WHERE d.id = $1"
                ),
                event.dossier_id
            ))
            .await?;
        for n in notes {
            insert_notification_tx(&mut tx, n).await?;
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(d)
    }

    /// Stores a document attached to a dossier (its bytes are already on disk), with its
    /// audit entry. `NotFound` when there is no such dossier.
    pub async fn insert_dossier_document(
        &self,
        d: &DossierDocumentRecord,
        audit: NewAuditEntry,
    ) -> Result<DossierDocumentRecord> {
        let mut tx = self.begin().await?;
        tx.execute(sql!(
            "INSERT INTO dossier_documents (id, dossier_id, kind, file_name, media_type, sha256, \
             size, stored_path, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
             $9, $10)",
            d.id,
            d.dossier_id,
            d.kind.as_str(),
            d.file_name.as_str(),
            d.media_type.as_str(),
            d.sha256.as_str(),
            d.size,
            d.stored_path.as_str(),
            d.uploaded_by.as_str(),
            d.created_at,
        ))
        .await
        .map_err(|e| {
            if e.is_foreign_key_violation() {
                StoreError::NotFound
            } else {
                e
            }
        })?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(DossierDocumentRecord {
            created_at: db_time(d.created_at),
            ..d.clone()
        })
    }

    /// The documents attached to a dossier, oldest first.
    pub async fn dossier_documents(&self, dossier_id: Uuid) -> Result<Vec<DossierDocumentRecord>> {
        self.fetch_all(sql!(
            concat!(
                "SELECT ",
                document_cols!(),
                " FROM dossier_documents WHERE dossier_id = $1 ORDER BY created_at, id"
            ),
            dossier_id
        ))
        .await
    }

    /// One attached document by id.
    pub async fn dossier_document(&self, id: Uuid) -> Result<Option<DossierDocumentRecord>> {
        self.fetch_optional(sql!(
            concat!(
                "SELECT ",
                document_cols!(),
                " FROM dossier_documents WHERE id = $1"
            ),
            id
        ))
        .await
    }

    /// A province's procedure settings (holidays, time limits, thresholds).
    pub async fn procedure_settings(&self, province_code: &str) -> Result<Vec<ProcedureSetting>> {
        self.fetch_all(sql!(
            "SELECT province_code, kind, key, value, basis, updated_by, updated_at \
             FROM procedure_settings WHERE province_code = $1 ORDER BY kind, key",
            province_code
        ))
        .await
    }

    /// Stores (or replaces) one procedure setting of a province, with its audit entry.
    pub async fn put_procedure_setting(
        &self,
        s: &ProcedureSetting,
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.execute(sql!(
            "INSERT INTO procedure_settings (province_code, kind, key, value, basis, updated_by, \
             updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (province_code, kind, \
             key) DO UPDATE SET value = excluded.value, basis = excluded.basis, \
             updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            s.province_code.as_str(),
            s.kind.as_str(),
            s.key.as_str(),
            s.value.as_str(),
            s.basis.as_str(),
            s.updated_by.as_str(),
            s.updated_at,
        ))
        .await?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes one procedure setting of a province, with its audit entry; how many rows went.
    pub async fn delete_procedure_setting(
        &self,
        province_code: &str,
        kind: &str,
        key: &str,
        audit: NewAuditEntry,
    ) -> Result<u64> {
        let mut tx = self.begin().await?;
        let n = tx
            .execute(sql!(
                "DELETE FROM procedure_settings WHERE province_code = $1 AND kind = $2 \
                 AND key = $3",
                province_code,
                kind,
                key
            ))
            .await?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(n)
    }
}
