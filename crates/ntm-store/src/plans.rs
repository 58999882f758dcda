//! Plans: values of plan measures per unit and year, and task statuses. Both append-only
//! with versions (a write names the version it replaces; a stale one is a `Conflict`), each
//! write in one transaction with its audit entry.

use ntm_domain::audit::NewAuditEntry;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, StoreError, db_time, sql};

/// One version of a measure value.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MeasureValueRecord {
    pub id: Uuid,
    pub province_code: String,
    pub unit_id: Uuid,
    pub unit_code: String,
    pub measure: String,
    pub year: i32,
    pub version: i64,
    /// The value as a plain number (`45.5`, `1` for yes, `0` for no).
    pub value_text: String,
    pub note: String,
    pub created_by: String,
    pub created_at: OffsetDateTime,
}

/// One version of a task's status.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TaskStatusRecord {
    pub id: Uuid,
    pub plan_id: String,
    pub task_code: String,
    pub version: i64,
    pub status: String,
    pub note: String,
    pub created_by: String,
    pub created_at: OffsetDateTime,
}

macro_rules! mcols {
    () => {
        "id, province_code, unit_id, unit_code, measure, year, version, value_text, note, \
         created_by, created_at"
    };
}
macro_rules! tcols {
    () => {
        "id, plan_id, task_code, version, status, note, created_by, created_at"
    };
}

fn stale(what: &str, current: Option<i64>, expected: Option<i64>) -> StoreError {
    StoreError::Conflict(format!(
        "changed by someone else meanwhile: {what} (current version {}, expected {})",
        current.map_or("none".to_string(), |v| v.to_string()),
        expected.map_or("none".to_string(), |v| v.to_string()),
    ))
}

impl Db {
    /// Writes versions of measure values with one audit entry, atomically. Each row's
    /// `version` must be the current version + 1, and `expected` (per row) the current
    /// version (`None` for a first value); otherwise `Conflict` and nothing is written.
    pub async fn insert_measure_values(
        &self,
        rows: &[(MeasureValueRecord, Option<i64>)],
        audit: NewAuditEntry,
    ) -> Result<Vec<MeasureValueRecord>> {
        let mut tx = self.begin().await?;
        for (r, expected) in rows {
            let (current,): (Option<i64>,) = tx
                .fetch_one(sql!(
                    "SELECT MAX(version) FROM plan_measure_values WHERE unit_id = $1 \
                     AND measure = $2 AND year = $3",
                    r.unit_id,
                    r.measure.as_str(),
                    r.year,
                ))
                .await?;
            if current != *expected || r.version != current.unwrap_or(0) + 1 {
                return Err(stale(
                    &format!("{} {} {}", r.unit_code, r.measure, r.year),
                    current,
                    *expected,
                ));
            }
            tx.execute(sql!(
                concat!(
                    "INSERT INTO plan_measure_values (",
                    mcols!(),
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
                ),
                r.id,
                r.province_code.as_str(),
                r.unit_id,
                r.unit_code.as_str(),
                r.measure.as_str(),
                r.year,
                r.version,
                r.value_text.as_str(),
                r.note.as_str(),
                r.created_by.as_str(),
                r.created_at,
            ))
            .await
            .map_err(|e| {
                if e.is_foreign_key_violation() {
                    return StoreError::NotFound;
                }
                e.conflict_as(|| {
                    format!(
                        "changed by someone else meanwhile: {} {} {} version {}",
                        r.unit_code, r.measure, r.year, r.version
                    )
                })
            })?;
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(rows
            .iter()
            .map(|(r, _)| MeasureValueRecord {
                created_at: db_time(r.created_at),
                ..r.clone()
            })
            .collect())
    }

    /// Current values (highest version) of `measures` for `year` in a province.
    pub async fn current_measure_values(
        &self,
        province_code: &str,
        measures: &[&str],
        year: i32,
    ) -> Result<Vec<MeasureValueRecord>> {
        let mut out: Vec<MeasureValueRecord> = Vec::new();
        for m in measures {
            let rows: Vec<MeasureValueRecord> = self
                .fetch_all(sql!(
                    concat!(
                        "SELECT ",
                        mcols!(),
                        " FROM plan_measure_values v WHERE province_code = $1 AND measure = $2 \
                         AND year = $3 AND version = (SELECT MAX(w.version) FROM \
                         plan_measure_values w WHERE w.unit_id = v.unit_id AND w.measure = \
                         v.measure AND w.year = v.year) ORDER BY unit_code"
                    ),
                    province_code,
                    *m,
                    year,
                ))
                .await?;
            out.extend(rows);
        }
        Ok(out)
    }

    /// Every version of a unit's measure for a year, newest first.
    pub async fn measure_value_history(
        &self,
        unit_id: Uuid,
        measure: &str,
        year: i32,
    ) -> Result<Vec<MeasureValueRecord>> {
        self.fetch_all(sql!(
            concat!(
                "SELECT ",
                mcols!(),
                " FROM plan_measure_values WHERE unit_id = $1 AND measure = $2 AND year = $3 \
                 ORDER BY version DESC"
            ),
            unit_id,
            measure,
            year,
        ))
        .await
    }

    /// Appends a task status version (`expected` = the current version, `None` if none) with
    /// its audit entry; `Conflict` when stale.
    pub async fn insert_task_status(
        &self,
        r: &TaskStatusRecord,
        expected: Option<i64>,
        audit: NewAuditEntry,
    ) -> Result<TaskStatusRecord> {
        let mut tx = self.begin().await?;
        let (current,): (Option<i64>,) = tx
            .fetch_one(sql!(
                "SELECT MAX(version) FROM plan_task_status WHERE plan_id = $1 AND task_code = $2",
                r.plan_id.as_str(),
                r.task_code.as_str(),
            ))
            .await?;
        if current != expected || r.version != current.unwrap_or(0) + 1 {
            return Err(stale(
                &format!("task {} of {}", r.task_code, r.plan_id),
                current,
                expected,
            ));
        }
        tx.execute(sql!(
            concat!(
                "INSERT INTO plan_task_status (",
                tcols!(),
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            ),
            r.id,
            r.plan_id.as_str(),
            r.task_code.as_str(),
            r.version,
            r.status.as_str(),
            r.note.as_str(),
            r.created_by.as_str(),
            r.created_at,
        ))
        .await
        .map_err(|e| {
            e.conflict_as(|| {
                format!(
                    "changed by someone else meanwhile: task {} version {}",
                    r.task_code, r.version
                )
            })
        })?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(TaskStatusRecord {
            created_at: db_time(r.created_at),
            ..r.clone()
        })
    }

    /// Current status (highest version) of every task of a plan that has one.
    pub async fn current_task_statuses(&self, plan_id: &str) -> Result<Vec<TaskStatusRecord>> {
        self.fetch_all(sql!(
            concat!(
                "SELECT ",
                tcols!(),
                " FROM plan_task_status t WHERE plan_id = $1 AND version = (SELECT \
                 MAX(u.version) FROM plan_task_status u WHERE u.plan_id = t.plan_id AND \
                 u.task_code = t.task_code) ORDER BY task_code"
            ),
            plan_id,
        ))
        .await
    }
}
