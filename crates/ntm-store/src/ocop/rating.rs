//! Evaluation rounds, council score sheets, decisions (with supersession) and the import of
//! a published list.

use ntm_domain::audit::NewAuditEntry;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{OcopProducerRecord, OcopProductRecord, insert_producer_tx, insert_product_tx};
use crate::audit::append_audit_tx;
use crate::db::{Db, Result, StoreError, Tx, sql};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OcopRoundRecord {
    pub id: Uuid,
    pub product_id: Uuid,
    /// `commune`, `district`, `province` or `central`.
    pub level: String,
    pub held_on: Date,
    pub created_at: OffsetDateTime,
    pub created_by: String,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OcopSheetRecord {
    pub id: Uuid,
    pub round_id: Uuid,
    pub member_id: Uuid,
    /// JSON object of points per part (`{"A": 30.5, …}`), checked by the domain.
    pub points: String,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OcopDecisionRecord {
    pub id: Uuid,
    pub product_id: Uuid,
    /// The round that decided; `None` for an imported rating.
    pub round_id: Option<Uuid>,
    pub stars: i32,
    /// The council's "tổng điểm trung bình".
    pub average: Option<f64>,
    pub year: i32,
    pub certificate_no: Option<String>,
    pub issued_on: Option<Date>,
    pub valid_until: Option<Date>,
    /// Imported from a published list: not evaluated here.
    pub imported: bool,
    pub source_url: Option<String>,
    pub source_note: Option<String>,
    pub status_text: Option<String>,
    pub superseded_on: Option<Date>,
    pub superseded_by: Option<Uuid>,
    pub created_at: OffsetDateTime,
    pub created_by: String,
}

/// One row of an import: a producer (new, or an existing id), its product, and the rating.
#[derive(Debug, Clone)]
pub struct ImportItem {
    /// Inserted unless a producer with this id is already stored or earlier in the batch.
    pub producer: OcopProducerRecord,
    pub product: OcopProductRecord,
    pub decision: Option<OcopDecisionRecord>,
}

macro_rules! decision_cols {
    () => {
        "id, product_id, round_id, stars, average, year, certificate_no, issued_on, valid_until, \
         imported, source_url, source_note, status_text, superseded_on, superseded_by, \
         created_at, created_by"
    };
}

async fn insert_decision_tx(tx: &mut Tx, d: &OcopDecisionRecord) -> Result<()> {
    // The current certificate (if any) is superseded by the new decision.
    let on = d.issued_on.unwrap_or(d.created_at.date());
    tx.execute(sql!(
        "UPDATE ocop_decisions SET superseded_on = $2, superseded_by = $3 \
         WHERE product_id = $1 AND superseded_by IS NULL",
        d.product_id,
        on,
        d.id
    ))
    .await?;
    tx.execute(sql!(
        concat!(
            "INSERT INTO ocop_decisions (",
            decision_cols!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULL, NULL, $14, $15)"
        ),
        d.id,
        d.product_id,
        d.round_id,
        d.stars,
        d.average,
        d.year,
        d.certificate_no.clone(),
        d.issued_on,
        d.valid_until,
        d.imported,
        d.source_url.clone(),
        d.source_note.clone(),
        d.status_text.clone(),
        d.created_at,
        d.created_by.as_str(),
    ))
    .await
    .map_err(|e| {
        if e.is_foreign_key_violation() {
            StoreError::NotFound
        } else {
            e.conflict_as(|| "this round already has a decision".into())
        }
    })?;
    tx.execute(sql!(
        "UPDATE ocop_products SET stars = $2 WHERE id = $1",
        d.product_id,
        d.stars
    ))
    .await?;
    Ok(())
}

impl Db {
    /// Opens an evaluation round with its council members and the dossier documents it uses.
    pub async fn insert_ocop_round(
        &self,
        r: &OcopRoundRecord,
        members: &[Uuid],
        documents: &[Uuid],
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let fk = |e: StoreError| {
            if e.is_foreign_key_violation() {
                StoreError::NotFound
            } else {
                e
            }
        };
        tx.execute(sql!(
            "INSERT INTO ocop_rounds (id, product_id, level, held_on, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            r.id,
            r.product_id,
            r.level.as_str(),
            r.held_on,
            r.created_at,
            r.created_by.as_str()
        ))
        .await
        .map_err(fk)?;
        for m in members {
            tx.execute(sql!(
                "INSERT INTO ocop_round_members (round_id, user_id) VALUES ($1, $2)",
                r.id,
                *m
            ))
            .await
            .map_err(|e| fk(e).conflict_as(|| "a council member is listed twice".into()))?;
        }
        for d in documents {
            tx.execute(sql!(
                "INSERT INTO ocop_round_documents (round_id, document_id) VALUES ($1, $2)",
                r.id,
                *d
            ))
            .await
            .map_err(|e| fk(e).conflict_as(|| "a document is listed twice".into()))?;
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }

    pub async fn ocop_round(&self, id: Uuid) -> Result<Option<OcopRoundRecord>> {
        self.fetch_optional(sql!(
            "SELECT id, product_id, level, held_on, created_at, created_by FROM ocop_rounds \
             WHERE id = $1",
            id
        ))
        .await
    }

    pub async fn ocop_rounds_of(&self, product_id: Uuid) -> Result<Vec<OcopRoundRecord>> {
        self.fetch_all(sql!(
            "SELECT id, product_id, level, held_on, created_at, created_by FROM ocop_rounds \
             WHERE product_id = $1 ORDER BY held_on, id",
            product_id
        ))
        .await
    }

    pub async fn ocop_round_members(&self, round_id: Uuid) -> Result<Vec<Uuid>> {
        let rows: Vec<(Uuid,)> = self
            .fetch_all(sql!(
                "SELECT user_id FROM ocop_round_members WHERE round_id = $1 ORDER BY user_id",
                round_id
            ))
            .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    pub async fn ocop_round_documents(&self, round_id: Uuid) -> Result<Vec<Uuid>> {
        let rows: Vec<(Uuid,)> = self
            .fetch_all(sql!(
                "SELECT document_id FROM ocop_round_documents WHERE round_id = $1 \
                 ORDER BY document_id",
                round_id
            ))
            .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Stores a member's sheet; `Conflict` when this member has already scored the round.
    pub async fn insert_ocop_sheet(&self, s: &OcopSheetRecord, audit: NewAuditEntry) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.execute(sql!(
            "INSERT INTO ocop_score_sheets (id, round_id, member_id, points, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
            s.id,
            s.round_id,
            s.member_id,
            s.points.as_str(),
            s.created_at
        ))
        .await
        .map_err(|e| {
            if e.is_foreign_key_violation() {
                StoreError::NotFound
            } else {
                e.conflict_as(|| "this council member has already scored this round".into())
            }
        })?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }

    pub async fn ocop_sheets(&self, round_id: Uuid) -> Result<Vec<OcopSheetRecord>> {
        self.fetch_all(sql!(
            "SELECT id, round_id, member_id, points, created_at FROM ocop_score_sheets \
             WHERE round_id = $1 ORDER BY created_at, id",
            round_id
        ))
        .await
    }

    /// Records a decision: the product's current certificate is superseded, the product
    /// shows the new stars; one transaction with the audit entry.
    pub async fn record_ocop_decision(
        &self,
        d: &OcopDecisionRecord,
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        insert_decision_tx(&mut tx, d).await?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }

    /// A product's decisions, newest first.
    pub async fn ocop_decisions_of(&self, product_id: Uuid) -> Result<Vec<OcopDecisionRecord>> {
        self.fetch_all(sql!(
            concat!(
                "SELECT ",
                decision_cols!(),
                " FROM ocop_decisions WHERE product_id = $1 ORDER BY created_at DESC, id DESC"
            ),
            product_id
        ))
        .await
    }

    /// Current certificates (not superseded, not imported) whose last valid day is on or
    /// before `until`: candidates for the 90/30-day reminders.
    pub async fn ocop_certificates_ending_by(
        &self,
        until: Date,
    ) -> Result<Vec<OcopDecisionRecord>> {
        self.fetch_all(sql!(
            concat!(
                "SELECT ",
                decision_cols!(),
                " FROM ocop_decisions WHERE superseded_by IS NULL AND valid_until IS NOT NULL \
                 AND valid_until <= $1 ORDER BY valid_until, id"
            ),
            until
        ))
        .await
    }

    /// Reminders already sent for a decision (`days90`, `days30`).
    pub async fn ocop_reminders_sent(&self, decision_id: Uuid) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = self
            .fetch_all(sql!(
                "SELECT reminder FROM ocop_reminders WHERE decision_id = $1 ORDER BY reminder",
                decision_id
            ))
            .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Applies an import all or nothing: new producers, products and their ratings, with
    /// one audit entry.
    pub async fn import_ocop(&self, items: &[ImportItem], audit: NewAuditEntry) -> Result<usize> {
        let mut tx = self.begin().await?;
        let mut seen = std::collections::HashSet::new();
        for it in items {
            if seen.insert(it.producer.id) {
                let exists: Option<(Uuid,)> = tx
                    .fetch_optional(sql!(
                        "SELECT id FROM ocop_producers WHERE id = $1",
                        it.producer.id
                    ))
                    .await?;
                if exists.is_none() {
                    insert_producer_tx(&mut tx, &it.producer).await?;
                }
            }
            insert_product_tx(&mut tx, &it.product).await?;
            if let Some(d) = &it.decision {
                insert_decision_tx(&mut tx, d).await?;
            }
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(items.len())
    }
}
