//! The append-only, hash-chained audit log.
//!
//! Every write appends its entry inside its own transaction through [`append_audit_tx`]:
//! the first statement bumps `audit_head`, which locks that row (PostgreSQL) or holds the
//! write lock (SQLite, `BEGIN IMMEDIATE`), so writers from several servers serialize and
//! the chain has no gaps.

use ntm_domain::audit::{AuditEntry, NewAuditEntry, chain};
use time::OffsetDateTime;

use crate::db::{Db, Result, Tx, db_time, sql};

#[derive(sqlx::FromRow)]
struct AuditRow {
    seq: i64,
    at: OffsetDateTime,
    actor: String,
    action: String,
    target: String,
    detail: String,
    origin: String,
    prev_hash: String,
    hash: String,
}

impl From<AuditRow> for AuditEntry {
    fn from(r: AuditRow) -> Self {
        AuditEntry {
            seq: r.seq,
            at: r.at,
            actor: r.actor,
            action: r.action,
            target: r.target,
            detail: r.detail,
            origin: r.origin,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

/// Appends `e` inside `tx`. The timestamp is truncated to what the databases store
/// ([`db_time`]) before hashing, so the entry read back verifies.
pub(crate) async fn append_audit_tx(tx: &mut Tx, e: NewAuditEntry) -> Result<AuditEntry> {
    let e = NewAuditEntry {
        at: db_time(e.at),
        ..e
    };
    let (seq, prev_hash): (i64, String) = tx
        .fetch_one(sql!(
            "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash"
        ))
        .await?;
    let entry = chain(seq - 1, &prev_hash, e);
    tx.execute(sql!(
        "INSERT INTO audit_log (seq, at, actor, action, target, detail, origin, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        entry.seq,
        entry.at,
        entry.actor.as_str(),
        entry.action.as_str(),
        entry.target.as_str(),
        entry.detail.as_str(),
        entry.origin.as_str(),
        entry.prev_hash.as_str(),
        entry.hash.as_str(),
    ))
    .await?;
    tx.execute(sql!(
        "UPDATE audit_head SET hash = $1 WHERE id = 1",
        entry.hash.as_str()
    ))
    .await?;
    Ok(entry)
}

impl Db {
    /// Appends one entry on its own.
    pub async fn append_audit(&self, e: NewAuditEntry) -> Result<AuditEntry> {
        let mut tx = self.begin().await?;
        let entry = append_audit_tx(&mut tx, e).await?;
        tx.commit().await?;
        Ok(entry)
    }

    /// Entries with `seq > after_seq`, in order, at most `limit`.
    pub async fn audit_page(&self, after_seq: i64, limit: i64) -> Result<Vec<AuditEntry>> {
        let rows: Vec<AuditRow> = self
            .fetch_all(sql!(
                "SELECT seq, at, actor, action, target, detail, origin, prev_hash, hash \
                 FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
                after_seq,
                limit
            ))
            .await?;
        Ok(rows.into_iter().map(AuditEntry::from).collect())
    }

    pub async fn audit_count(&self) -> Result<i64> {
        let (n,): (i64,) = self
            .fetch_one(sql!("SELECT COUNT(*) FROM audit_log"))
            .await?;
        Ok(n)
    }

    /// The last (seq, hash) of the chain: (0, GENESIS_HASH) when empty.
    pub async fn audit_head(&self) -> Result<(i64, String)> {
        self.fetch_one(sql!("SELECT seq, hash FROM audit_head WHERE id = 1"))
            .await
    }
}
