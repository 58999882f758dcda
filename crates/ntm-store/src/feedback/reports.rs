//! Reports: filing (with the first history entry, photos, notifications and the audit entry
//! in one transaction, idempotent on the client's token), one step at a time on the version
//! seen, the citizen's rating.

use ntm_domain::audit::NewAuditEntry;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::NotificationRecord;
use crate::audit::append_audit_tx;
use crate::db::{Db, Result, StoreError, Tx, sql};
use crate::notifications::insert_notification_tx;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FeedbackReportRecord {
    pub id: Uuid,
    /// `XXXXX-XXXXX`, what the citizen keeps.
    pub tracking_code: String,
    pub province_code: String,
    pub category_code: String,
    pub body: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub location_code: Option<String>,
    pub location_path: String,
    pub responsible_code: String,
    pub responsible_path: String,
    /// `ntm_domain::feedback::Status` as text.
    pub status: String,
    pub received_at: OffsetDateTime,
    pub received_on: Date,
    pub due_on: Date,
    pub closed_at: Option<OffsetDateTime>,
    pub closed_on: Option<Date>,
    /// The public answer (resolution, or the reason of a rejection).
    pub answer: Option<String>,
    /// The body to go to instead (a rejection).
    pub refer_to: Option<String>,
    pub merged_into: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    /// Shown only to officers handling the report.
    pub contact_name: Option<String>,
    pub contact: Option<String>,
    /// Keyed hash of the contact (spam limits), never shown.
    pub contact_key: Option<String>,
    /// Keyed hash of the client address (spam limits), never shown.
    pub origin_key: Option<String>,
    pub client_token: Option<String>,
    pub keep_location: bool,
    pub rating: Option<i64>,
    pub rated_at: Option<OffsetDateTime>,
    /// Category-specific answers (Open311 attributes), JSON object.
    pub attributes: String,
    pub version: i64,
    pub updated_at: OffsetDateTime,
}

macro_rules! report_cols {
    () => {
        "id, tracking_code, province_code, category_code, body, lat, lon, location_code, \
         location_path, responsible_code, responsible_path, status, received_at, received_on, \
         due_on, closed_at, closed_on, answer, refer_to, merged_into, assignee_id, \
         contact_name, contact, contact_key, origin_key, client_token, keep_location, rating, \
         rated_at, attributes, version, updated_at"
    };
}
pub(super) use report_cols;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FeedbackEventRecord {
    pub report_id: Uuid,
    pub seq: i64,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    /// Public note (the answer of a resolution, the referral of a rejection, the unit of a
    /// transfer); never the contact.
    pub note: Option<String>,
    pub unit_code: Option<String>,
    pub actor: String,
    pub at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FeedbackPhotoRecord {
    pub id: Uuid,
    pub report_id: Uuid,
    pub sha256: String,
    pub content_type: String,
    pub size: i64,
    pub location_removed: bool,
    pub created_at: OffsetDateTime,
}

/// One step on a report: the row's new state, written only if its version is still
/// `expected_version`.
#[derive(Debug, Clone)]
pub struct FeedbackStep {
    pub report_id: Uuid,
    pub expected_version: i64,
    pub status: String,
    pub responsible_code: String,
    pub responsible_path: String,
    pub answer: Option<String>,
    pub refer_to: Option<String>,
    pub merged_into: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub closed_at: Option<OffsetDateTime>,
    pub closed_on: Option<Date>,
    pub event: FeedbackEventRecord,
    pub at: OffsetDateTime,
}

async fn insert_event_tx(tx: &mut Tx, e: &FeedbackEventRecord) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO feedback_events (report_id, seq, action, from_status, to_status, note, \
         unit_code, actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        e.report_id,
        e.seq,
        e.action.as_str(),
        e.from_status.clone(),
        e.to_status.as_str(),
        e.note.clone(),
        e.unit_code.clone(),
        e.actor.as_str(),
        e.at,
    ))
    .await?;
    Ok(())
}

impl Db {
    /// Files a report with its first history entry, photos, notifications and audit entry.
    /// With a client token already used, nothing is written and the earlier report is
    /// returned (`Ok(false, report)`); `Ok(true, report)` when it was filed now.
    pub async fn insert_feedback_report(
        &self,
        r: &FeedbackReportRecord,
        photos: &[FeedbackPhotoRecord],
        event: &FeedbackEventRecord,
        notes: &[NotificationRecord],
        audit: NewAuditEntry,
    ) -> Result<(bool, FeedbackReportRecord)> {
        if let Some(t) = &r.client_token
            && let Some(done) = self.feedback_by_client_token(t).await?
        {
            return Ok((false, done));
        }
        let mut tx = self.begin().await?;
        let inserted = tx
            .execute(sql!(
                concat!(
                    "INSERT INTO feedback_reports (",
                    report_cols!(),
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
                     $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, \
                     $30, $31, $32)"
                ),
                r.id,
                r.tracking_code.as_str(),
                r.province_code.as_str(),
                r.category_code.as_str(),
                r.body.as_str(),
                r.lat,
                r.lon,
                r.location_code.clone(),
                r.location_path.as_str(),
                r.responsible_code.as_str(),
                r.responsible_path.as_str(),
                r.status.as_str(),
                r.received_at,
                r.received_on,
                r.due_on,
                r.closed_at,
                r.closed_on,
                r.answer.clone(),
                r.refer_to.clone(),
                r.merged_into,
                r.assignee_id,
                r.contact_name.clone(),
                r.contact.clone(),
                r.contact_key.clone(),
                r.origin_key.clone(),
                r.client_token.clone(),
                r.keep_location,
                r.rating,
                r.rated_at,
                r.attributes.as_str(),
                r.version,
                r.updated_at,
            ))
            .await;
        match inserted {
            Ok(_) => {}
            Err(StoreError::Conflict(m)) => {
                drop(tx);
                // A parallel submission with the same token won the race.
                if let Some(t) = &r.client_token
                    && let Some(done) = self.feedback_by_client_token(t).await?
                {
                    return Ok((false, done));
                }
                return Err(StoreError::Conflict(m));
            }
            Err(e) => return Err(e),
        }
        insert_event_tx(&mut tx, event).await?;
        for p in photos {
            tx.execute(sql!(
                "INSERT INTO feedback_photos (id, report_id, sha256, content_type, size, \
                 location_removed, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                p.id,
                p.report_id,
                p.sha256.as_str(),
                p.content_type.as_str(),
                p.size,
                p.location_removed,
                p.created_at,
            ))
            .await?;
        }
        for n in notes {
            insert_notification_tx(&mut tx, n).await?;
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        let stored = self
            .feedback_report(r.id)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok((true, stored))
    }

    pub async fn feedback_report(&self, id: Uuid) -> Result<Option<FeedbackReportRecord>> {
        self.fetch_optional(sql!(
            concat!(
                "SELECT ",
                report_cols!(),
                " FROM feedback_reports WHERE id = $1"
            ),
            id
        ))
        .await
    }

    pub async fn feedback_by_code(&self, code: &str) -> Result<Option<FeedbackReportRecord>> {
        self.fetch_optional(sql!(
            concat!(
                "SELECT ",
                report_cols!(),
                " FROM feedback_reports WHERE tracking_code = $1"
            ),
            code
        ))
        .await
    }

    pub async fn feedback_by_client_token(
        &self,
        token: &str,
    ) -> Result<Option<FeedbackReportRecord>> {
        self.fetch_optional(sql!(
            concat!(
                "SELECT ",
                report_cols!(),
                " FROM feedback_reports WHERE client_token = $1"
            ),
            token
        ))
        .await
    }

    /// Applies one step if the report is still at `expected_version`; `Conflict` when
    /// someone else acted first. Notifications and the audit entry go in the same
    /// transaction.
    pub async fn feedback_step(
        &self,
        s: &FeedbackStep,
        notes: &[NotificationRecord],
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = tx
            .execute(sql!(
                "UPDATE feedback_reports SET status = $3, responsible_code = $4, \
                 responsible_path = $5, answer = $6, refer_to = $7, merged_into = $8, \
                 assignee_id = $9, closed_at = $10, closed_on = $11, version = version + 1, \
                 updated_at = $12 WHERE id = $1 AND version = $2",
                s.report_id,
                s.expected_version,
                s.status.as_str(),
                s.responsible_code.as_str(),
                s.responsible_path.as_str(),
                s.answer.clone(),
                s.refer_to.clone(),
                s.merged_into,
                s.assignee_id,
                s.closed_at,
                s.closed_on,
                s.at,
            ))
            .await?;
        if n == 0 {
            return Err(StoreError::Conflict(
                "the report was changed by someone else; reload it".into(),
            ));
        }
        insert_event_tx(&mut tx, &s.event).await?;
        for n in notes {
            insert_notification_tx(&mut tx, n).await?;
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }

    /// The citizen's rating of the answer (once; `Conflict` when already rated).
    pub async fn rate_feedback(
        &self,
        id: Uuid,
        rating: i64,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = tx
            .execute(sql!(
                "UPDATE feedback_reports SET rating = $2, rated_at = $3, updated_at = $3 \
                 WHERE id = $1 AND rating IS NULL AND status IN ('resolved', 'rejected')",
                id,
                rating,
                at
            ))
            .await?;
        if n == 0 {
            return Err(StoreError::Conflict("already rated or not answered".into()));
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }

    /// A report's history, oldest first.
    pub async fn feedback_events(&self, id: Uuid) -> Result<Vec<FeedbackEventRecord>> {
        self.fetch_all(sql!(
            "SELECT report_id, seq, action, from_status, to_status, note, unit_code, actor, at \
             FROM feedback_events WHERE report_id = $1 ORDER BY seq",
            id
        ))
        .await
    }

    pub async fn feedback_photos(&self, id: Uuid) -> Result<Vec<FeedbackPhotoRecord>> {
        self.fetch_all(sql!(
            "SELECT id, report_id, sha256, content_type, size, location_removed, created_at \
             FROM feedback_photos WHERE report_id = $1 ORDER BY created_at, id",
            id
        ))
        .await
    }

    pub async fn feedback_photo(&self, id: Uuid) -> Result<Option<FeedbackPhotoRecord>> {
        self.fetch_optional(sql!(
            "SELECT id, report_id, sha256, content_type, size, location_removed, created_at \
             FROM feedback_photos WHERE id = $1",
            id
        ))
        .await
    }
}
