//! The loudspeaker schedule: a programme is written with its segments and audit entry in
//! one transaction; the "held" mark is set once (with who, when and a note).

use ntm_domain::audit::NewAuditEntry;
use sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, StoreError, sql};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PortalProgrammeRecord {
    pub id: Uuid,
    pub unit_code: String,
    pub unit_path: String,
    pub air_date: Date,
    /// `HH:MM`.
    pub air_time: String,
    pub title: String,
    pub held_at: Option<OffsetDateTime>,
    pub held_by: Option<String>,
    pub held_note: Option<String>,
    pub created_at: OffsetDateTime,
    pub created_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PortalSegmentRecord {
    pub programme_id: Uuid,
    pub seq: i64,
    pub topic: String,
    /// A digital-transformation segment.
    pub dx: bool,
}

const COLUMNS: [&str; 11] = [
    "id",
    "unit_code",
    "unit_path",
    "air_date",
    "air_time",
    "title",
    "held_at",
    "held_by",
    "held_note",
    "created_at",
    "created_by",
];

fn select() -> SelectStatement {
    let mut q = Query::select();
    for c in COLUMNS {
        q.column(Alias::new(c));
    }
    q.from("portal_programmes");
    q
}

impl Db {
    /// A programme with its segments and audit entry.
    pub async fn insert_portal_programme(
        &self,
        p: &PortalProgrammeRecord,
        segments: &[PortalSegmentRecord],
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.execute(sql!(
            "INSERT INTO portal_programmes (id, unit_code, unit_path, air_date, air_time, \
             title, held_at, held_by, held_note, created_at, created_by) VALUES ($1, $2, $3, \
             $4, $5, $6, $7, $8, $9, $10, $11)",
            p.id,
            p.unit_code.as_str(),
            p.unit_path.as_str(),
            p.air_date,
            p.air_time.as_str(),
            p.title.as_str(),
            p.held_at,
            p.held_by.clone(),
            p.held_note.clone(),
            p.created_at,
            p.created_by.as_str(),
        ))
        .await?;
        for s in segments {
            tx.execute(sql!(
                "INSERT INTO portal_segments (programme_id, seq, topic, dx) VALUES ($1, $2, \
                 $3, $4)",
                p.id,
                s.seq,
                s.topic.as_str(),
                s.dx,
            ))
            .await?;
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }

    /// Marks a programme held. `Conflict` when it already is, `NotFound` when there is none.
    pub async fn mark_portal_programme_held(
        &self,
        id: Uuid,
        at: OffsetDateTime,
        by: &str,
        note: &str,
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = tx
            .execute(sql!(
                "UPDATE portal_programmes SET held_at = $2, held_by = $3, held_note = $4 \
                 WHERE id = $1 AND held_at IS NULL",
                id,
                at,
                by,
                note
            ))
            .await?;
        if n == 0 {
            let exists: Option<(Uuid,)> = tx
                .fetch_optional(sql!("SELECT id FROM portal_programmes WHERE id = $1", id))
                .await?;
            return Err(match exists {
                Some(_) => StoreError::Conflict(
                    "chương trình đã được đánh dấu đã phát — already marked held".into(),
                ),
                None => StoreError::NotFound,
            });
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }

    pub async fn portal_programme(&self, id: Uuid) -> Result<Option<PortalProgrammeRecord>> {
        let mut q = select();
        q.and_where(Expr::col("id").eq(id));
        self.fetch_optional(&q).await
    }

    /// A commune's programmes aired between `from` and `to` (both included), by air day,
    /// time and id.
    pub async fn portal_programmes(
        &self,
        unit_code: &str,
        from: Date,
        to: Date,
    ) -> Result<Vec<PortalProgrammeRecord>> {
        let mut q = select();
        q.and_where(Expr::col("unit_code").eq(unit_code))
            .and_where(Expr::col("air_date").gte(from))
            .and_where(Expr::col("air_date").lte(to))
            .order_by(Alias::new("air_date"), Order::Asc)
            .order_by(Alias::new("air_time"), Order::Asc)
            .order_by(Alias::new("id"), Order::Asc);
        self.fetch_all(&q).await
    }

    /// These programmes, in the order of `ids` (unknown ids are skipped).
    pub async fn portal_programmes_by_ids(
        &self,
        ids: &[Uuid],
    ) -> Result<Vec<PortalProgrammeRecord>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut q = select();
            q.and_where(Expr::col("id").is_in(chunk.iter().copied()));
            let rows: Vec<PortalProgrammeRecord> = self.fetch_all(&q).await?;
            out.extend(rows);
        }
        out.sort_by_key(|r| ids.iter().position(|i| *i == r.id));
        Ok(out)
    }

    /// The segments of these programmes, by programme then order.
    pub async fn portal_segments(&self, ids: &[Uuid]) -> Result<Vec<PortalSegmentRecord>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let mut q = Query::select();
            q.columns([
                Alias::new("programme_id"),
                Alias::new("seq"),
                Alias::new("topic"),
                Alias::new("dx"),
            ])
            .from("portal_segments")
            .and_where(Expr::col("programme_id").is_in(chunk.iter().copied()))
            .order_by(Alias::new("programme_id"), Order::Asc)
            .order_by(Alias::new("seq"), Order::Asc);
            let rows: Vec<PortalSegmentRecord> = self.fetch_all(&q).await?;
            out.extend(rows);
        }
        Ok(out)
    }
}
