//! Bulk loading of first values: a province's back data, a national dataset, a migration
//! from another system. Multi-row `INSERT`s in one transaction with one audit entry, instead
//! of the version check and insert per value that [`Db::insert_observations`] does for
//! people's edits.

use ntm_domain::audit::NewAuditEntry;
use sea_query::{InsertStatement, Query};

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, StoreError};
use crate::observations::ObservationRecord;

/// Rows per `INSERT` (15 columns: 7,500 parameters, under SQLite's and PostgreSQL's limits).
const ROWS_PER_INSERT: usize = 500;

fn insert_query(rows: &[ObservationRecord]) -> InsertStatement {
    let mut q = Query::insert();
    q.into_table("observations").columns([
        "id",
        "province_code",
        "unit_id",
        "unit_code",
        "set_id",
        "indicator_code",
        "year",
        "value_text",
        "status",
        "note",
        "source",
        "version",
        "created_by",
        "created_at",
        "comment",
    ]);
    for r in rows {
        q.values_panic([
            r.id.into(),
            r.province_code.as_str().into(),
            r.unit_id.into(),
            r.unit_code.as_str().into(),
            r.set_id.as_str().into(),
            r.indicator_code.as_str().into(),
            r.year.into(),
            r.value_text.as_str().into(),
            r.status.as_str().into(),
            r.note.as_str().into(),
            r.source.as_str().into(),
            r.version.into(),
            r.created_by.as_str().into(),
            r.created_at.into(),
            r.comment.clone().into(),
        ]);
    }
    q
}

impl Db {
    /// Inserts first values (every row must be version 1) in one transaction with `audit`.
    /// A value that already exists collides with the unique key of the table: `Conflict`,
    /// and nothing is written. Evidence files are not part of a bulk load.
    pub async fn bulk_insert_first_observations(
        &self,
        rows: &[ObservationRecord],
        audit: NewAuditEntry,
    ) -> Result<u64> {
        if let Some(r) = rows.iter().find(|r| r.version != 1) {
            return Err(StoreError::Conflict(format!(
                "a bulk load writes first values only: {} {} {} is version {}",
                r.unit_code, r.indicator_code, r.year, r.version
            )));
        }
        let mut tx = self.begin().await?;
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            tx.execute(&insert_query(chunk)).await.map_err(|e| {
                if e.is_foreign_key_violation() {
                    return StoreError::NotFound;
                }
                e.conflict_as(|| {
                    "a value of this load is already stored (load first values only once)"
                        .to_string()
                })
            })?;
        }
        let entry = append_audit_tx(&mut tx, audit).await?;
        crate::evaluation_changes::note_tx(
            &mut tx,
            entry.seq,
            entry.at,
            rows.iter().map(|r| crate::Change::Values {
                unit_id: r.unit_id,
                set_id: r.set_id.clone(),
                year: r.year,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(rows.len() as u64)
    }
}
