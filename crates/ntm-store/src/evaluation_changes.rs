//! The change feed of evaluation inputs (migration 0033): what the dashboards' kept
//! evaluations must drop (`ntm_app::dashboard::kept`).
//!
//! Every write that changes an input of an evaluation notes it here **in its own
//! transaction**, under the seq of its audit entry ([`note_tx`] is called right after
//! `append_audit_tx`): values of a unit record for a set and year (entries, imports, status
//! changes, evidence, computed values), or a whole scope (a unit list, a published set
//! version, a provincial set file, commune groups). Writers are serialized by the audit head,
//! so rows become visible in seq order: a reader that has read every row up to seq `N` never
//! finds a new row at or below `N` later.

use std::collections::BTreeSet;

use sea_query::{Expr, ExprTrait, Order, Query};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Db, Result, Tx, sql};

/// Rows per `INSERT` (8 columns).
const ROWS_PER_INSERT: usize = 500;

/// Why a whole scope changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ScopeChange {
    /// Unit records opened or closed (an official list, hamlets).
    Units,
    /// A criteria-set version published (thresholds, indicators, applicability).
    SetVersion,
    /// A provincial set file uploaded.
    SetFile,
    /// Commune groups assigned.
    Groups,
}

impl ScopeChange {
    pub fn as_str(self) -> &'static str {
        match self {
            ScopeChange::Units => "units",
            ScopeChange::SetVersion => "set_version",
            ScopeChange::SetFile => "set_file",
            ScopeChange::Groups => "groups",
        }
    }
}

/// One change noted by a write.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// The values of a unit record for a set and year.
    Values {
        unit_id: Uuid,
        set_id: String,
        year: i32,
    },
    /// Everything under a materialized path (`/` for every unit).
    Scope { path: String, why: ScopeChange },
}

/// The path of a province's subtree.
pub(crate) fn province_path(code: &str) -> String {
    format!("/{code}/")
}

/// The kind of the row left by [`Db::prune_evaluation_changes`] in place of the rows it
/// deleted.
pub const PRUNED: &str = "pruned";

/// A row of the feed.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EvaluationChange {
    /// The seq of the write's audit entry (several rows may share it).
    pub seq: i64,
    pub unit_id: Option<Uuid>,
    pub set_id: Option<String>,
    pub year: Option<i32>,
    /// Scope-wide changes: the subtree's materialized path.
    pub scope_path: Option<String>,
    pub kind: String,
    pub at: OffsetDateTime,
}

/// Notes `changes` (repeats removed) under the audit seq `seq` inside the write's
/// transaction.
pub(crate) async fn note_tx(
    tx: &mut Tx,
    seq: i64,
    at: OffsetDateTime,
    changes: impl IntoIterator<Item = Change>,
) -> Result<()> {
    let changes: Vec<Change> = changes
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    for chunk in changes.chunks(ROWS_PER_INSERT) {
        let mut q = Query::insert();
        q.into_table("evaluation_changes").columns([
            "id",
            "seq",
            "unit_id",
            "set_id",
            "year",
            "scope_path",
            "kind",
            "at",
        ]);
        for c in chunk {
            let (unit_id, set_id, year, path, kind) = match c {
                Change::Values {
                    unit_id,
                    set_id,
                    year,
                } => (
                    Some(*unit_id),
                    Some(set_id.clone()),
                    Some(*year),
                    None,
                    "values",
                ),
                Change::Scope { path, why } => (None, None, None, Some(path.clone()), why.as_str()),
            };
            q.values_panic([
                Uuid::now_v7().into(),
                seq.into(),
                unit_id.into(),
                set_id.into(),
                year.into(),
                path.into(),
                kind.into(),
                at.into(),
            ]);
        }
        tx.execute(&q).await?;
    }
    Ok(())
}

impl Db {
    /// Rows with `seq > after`, in seq order, at most `limit` (a reader that gets `limit`
    /// rows has not seen everything: it starts again from a full read).
    pub async fn evaluation_changes_after(
        &self,
        after: i64,
        limit: u64,
    ) -> Result<Vec<EvaluationChange>> {
        let q = Query::select()
            .columns([
                "seq",
                "unit_id",
                "set_id",
                "year",
                "scope_path",
                "kind",
                "at",
            ])
            .from("evaluation_changes")
            .and_where(Expr::col("seq").gt(after))
            .order_by("seq", Order::Asc)
            .limit(limit)
            .to_owned();
        self.fetch_all(&q).await
    }

    /// Deletes the rows written before `before` and leaves in their place one row of kind
    /// [`PRUNED`] (scope `/`) at the last seq deleted, in one transaction: a reader that had
    /// not read that far gets that row first and reads everything again
    /// (`ntm_app::dashboard::kept`); one that had sees nothing of it. Returns the rows
    /// deleted (the previous such row included).
    pub async fn prune_evaluation_changes(&self, before: OffsetDateTime) -> Result<u64> {
        let mut tx = self.begin().await?;
        let (last,): (Option<i64>,) = tx
            .fetch_one(sql!(
                "SELECT MAX(seq) FROM evaluation_changes WHERE at < $1",
                before
            ))
            .await?;
        let Some(last) = last else {
            return Ok(0);
        };
        let deleted = tx
            .execute(sql!("DELETE FROM evaluation_changes WHERE seq <= $1", last))
            .await?;
        tx.execute(sql!(
            "INSERT INTO evaluation_changes (id, seq, unit_id, set_id, year, scope_path, kind, at) \
             VALUES ($1, $2, NULL, NULL, NULL, '/', $3, $4)",
            Uuid::now_v7(),
            last,
            PRUNED,
            OffsetDateTime::now_utc(),
        ))
        .await?;
        tx.commit().await?;
        Ok(deleted)
    }
}
