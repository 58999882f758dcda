//! Periodic progress reports asked by a plan, their append-only versions, and the closure of
//! a period by a parent unit (migration 0010).
//!
//! The row in `periodic_reports` is the report's current state; every change is a new row in
//! `periodic_report_versions` (the narrative and figures as JSON text, who, when), written
//! with the row update and the audit entry in one transaction. [`Db::append_report_version`]
//! updates the row only if its version is still the one the writer saw, and, for a
//! submission, only if the parent has not closed the period (checked inside the
//! transaction, so a closure and a submission racing each other cannot both win).

use ntm_domain::audit::NewAuditEntry;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, StoreError, db_time, sql};

/// One report (its current state).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportRecord {
    pub id: Uuid,
    /// The unit record valid on the period's date.
    pub unit_id: Uuid,
    pub unit_code: String,
    pub province_code: String,
    pub plan_id: String,
    /// `six_month` or `annual`.
    pub kind: String,
    pub year: i32,
    /// The parent on the period's date (who accepts the report); `None` for a province,
    /// which reports to the plan's recipient.
    pub parent_unit_id: Option<Uuid>,
    pub parent_code: Option<String>,
    /// ISO `YYYY-MM-DD`.
    pub due_date: String,
    /// `draft`, `submitted`, `returned` or `accepted`.
    pub state: String,
    /// Seq of the last version (1 after creation).
    pub version: i64,
    /// ISO date of the first submission, if any.
    pub first_submitted: Option<String>,
    pub created_by: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// One version of a report (append-only).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportVersionRecord {
    pub id: Uuid,
    pub report_id: Uuid,
    /// 1 for the creation, then +1.
    pub seq: i64,
    /// `create`, `save`, `submit`, `accept`, `return`.
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub actor: String,
    /// The narrative sections, as JSON.
    pub narrative: String,
    /// The figures as they were, as JSON.
    pub figures: String,
    /// The reason of a return.
    pub note: Option<String>,
    pub created_at: OffsetDateTime,
}

/// A parent unit closed a period of a plan.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReportClosureRecord {
    pub id: Uuid,
    pub parent_unit_id: Uuid,
    pub parent_code: String,
    pub plan_id: String,
    pub kind: String,
    pub year: i32,
    pub note: Option<String>,
    pub closed_by: String,
    pub closed_at: OffsetDateTime,
}

macro_rules! report_cols {
    () => {
        "id, unit_id, unit_code, province_code, plan_id, kind, year, parent_unit_id, \
         parent_code, due_date, state, version, first_submitted, created_by, created_at, \
         updated_at"
    };
}

macro_rules! version_cols {
    () => {
        "id, report_id, seq, action, from_state, to_state, actor, narrative, figures, note, \
         created_at"
    };
}

macro_rules! closure_cols {
    () => {
        "id, parent_unit_id, parent_code, plan_id, kind, year, note, closed_by, closed_at"
    };
}

async fn insert_version_tx(tx: &mut crate::db::Tx, v: &ReportVersionRecord) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO periodic_report_versions (id, report_id, seq, action, from_state, \
         to_state, actor, narrative, figures, note, created_at) VALUES ($1, $2, $3, $4, $5, \
         $6, $7, $8, $9, $10, $11)",
        v.id,
        v.report_id,
        v.seq,
        v.action.as_str(),
        v.from_state.as_str(),
        v.to_state.as_str(),
        v.actor.as_str(),
        v.narrative.as_str(),
        v.figures.as_str(),
        v.note.clone(),
        v.created_at,
    ))
    .await?;
    Ok(())
}

impl Db {
    /// Stores a new report with its first version (seq 1) and audit entry. `Conflict` when
    /// the unit already has a report for that plan, kind and year.
    pub async fn insert_report(
        &self,
        r: &ReportRecord,
        first: &ReportVersionRecord,
        audit: NewAuditEntry,
    ) -> Result<ReportRecord> {
        if r.version != 1 || first.seq != 1 || first.report_id != r.id {
            return Err(StoreError::Integrity(
                "a new report starts with its version 1".into(),
            ));
        }
        let mut tx = self.begin().await?;
        tx.execute(sql!(
            "INSERT INTO periodic_reports (id, unit_id, unit_code, province_code, plan_id, \
             kind, year, parent_unit_id, parent_code, due_date, state, version, \
             first_submitted, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, \
             $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
            r.id,
            r.unit_id,
            r.unit_code.as_str(),
            r.province_code.as_str(),
            r.plan_id.as_str(),
            r.kind.as_str(),
            r.year,
            r.parent_unit_id,
            r.parent_code.clone(),
            r.due_date.as_str(),
            r.state.as_str(),
            r.version,
            r.first_submitted.clone(),
            r.created_by.as_str(),
            r.created_at,
            r.updated_at,
        ))
        .await
        .map_err(|e| {
            if e.is_foreign_key_violation() {
                StoreError::NotFound
            } else {
                e.conflict_as(|| {
                    format!(
                        "{} already has a {} report of {} for {}",
                        r.unit_code, r.kind, r.year, r.plan_id
                    )
                })
            }
        })?;
        insert_version_tx(&mut tx, first).await?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(ReportRecord {
            created_at: db_time(r.created_at),
            updated_at: db_time(r.updated_at),
            ..r.clone()
        })
    }

    /// One report by id.
    pub async fn report(&self, id: Uuid) -> Result<Option<ReportRecord>> {
        self.fetch_optional(sql!(
            concat!(
                "SELECT ",
                report_cols!(),
                " FROM periodic_reports WHERE id = $1"
            ),
            id
        ))
        .await
    }

    /// The report of a unit record for a plan, kind and year.
    pub async fn report_by_key(
        &self,
        unit_id: Uuid,
        plan_id: &str,
        kind: &str,
        year: i32,
    ) -> Result<Option<ReportRecord>> {
        self.fetch_optional(sql!(
            concat!(
                "SELECT ",
                report_cols!(),
                " FROM periodic_reports WHERE unit_id = $1 AND plan_id = $2 AND kind = $3 \
                 AND year = $4"
            ),
            unit_id,
            plan_id,
            kind,
            year
        ))
        .await
    }

    /// Every report of the unit records with this code, newest period first.
    pub async fn reports_of_unit_code(&self, unit_code: &str) -> Result<Vec<ReportRecord>> {
        self.fetch_all(sql!(
            concat!(
                "SELECT ",
                report_cols!(),
                " FROM periodic_reports WHERE unit_code = $1 \
                 ORDER BY year DESC, kind DESC, plan_id"
            ),
            unit_code
        ))
        .await
    }

    /// Reports addressed to a parent unit record for a plan, kind and year, by unit code.
    pub async fn reports_to_parent(
        &self,
        parent_unit_id: Uuid,
        plan_id: &str,
        kind: &str,
        year: i32,
    ) -> Result<Vec<ReportRecord>> {
        self.fetch_all(sql!(
            concat!(
                "SELECT ",
                report_cols!(),
                " FROM periodic_reports WHERE parent_unit_id = $1 AND plan_id = $2 \
                 AND kind = $3 AND year = $4 ORDER BY unit_code"
            ),
            parent_unit_id,
            plan_id,
            kind,
            year
        ))
        .await
    }

    /// The versions of a report, oldest first.
    pub async fn report_versions(&self, report_id: Uuid) -> Result<Vec<ReportVersionRecord>> {
        self.fetch_all(sql!(
            concat!(
                "SELECT ",
                version_cols!(),
                " FROM periodic_report_versions WHERE report_id = $1 ORDER BY seq"
            ),
            report_id
        ))
        .await
    }

    /// Records one change: the report's new `state` (and first submission day), and the
    /// version, whose `seq` must be `expected_version + 1`. When `closure_guard` names a
    /// parent, the write is refused (`Conflict`) if that parent closed the period.
    /// `Conflict` too when the report moved on since the writer read it; `NotFound` when
    /// there is no such report. Nothing is written on any refusal.
    pub async fn append_report_version(
        &self,
        expected_version: i64,
        state: &str,
        first_submitted: Option<&str>,
        closure_guard: Option<Uuid>,
        v: &ReportVersionRecord,
        audit: NewAuditEntry,
    ) -> Result<ReportRecord> {
        if v.seq != expected_version + 1 {
            return Err(StoreError::Integrity(format!(
                "version {} does not follow {expected_version}",
                v.seq
            )));
        }
        let stale = || {
            StoreError::Conflict(format!(
                "the report was changed by someone else meanwhile (expected version \
                 {expected_version})"
            ))
        };
        let mut tx = self.begin().await?;
        let current: Option<ReportRecord> = tx
            .fetch_optional(sql!(
                concat!(
                    "SELECT ",
                    report_cols!(),
                    " FROM periodic_reports WHERE id = $1"
                ),
                v.report_id
            ))
            .await?;
        let Some(current) = current else {
            return Err(StoreError::NotFound);
        };
        if let Some(parent) = closure_guard {
            let closed: Option<(Uuid,)> = tx
                .fetch_optional(sql!(
                    "SELECT id FROM periodic_report_closures WHERE parent_unit_id = $1 \
                     AND plan_id = $2 AND kind = $3 AND year = $4",
                    parent,
                    current.plan_id.as_str(),
                    current.kind.as_str(),
                    current.year
                ))
                .await?;
            if closed.is_some() {
                return Err(StoreError::Conflict(
                    "the parent closed this report period".into(),
                ));
            }
        }
        let first = current
            .first_submitted
            .clone()
            .or_else(|| first_submitted.map(str::to_owned));
        let updated = tx
            .execute(sql!(
                "UPDATE periodic_reports SET state = $1, version = $2, first_submitted = $3, \
                 updated_at = $4 WHERE id = $5 AND version = $6",
                state,
                v.seq,
                first,
                v.created_at,
                v.report_id,
                expected_version,
            ))
            .await?;
        if updated == 0 {
            return Err(stale());
        }
        insert_version_tx(&mut tx, v)
            .await
            .map_err(|e| e.conflict_as(|| stale().to_string()))?;
        let r: ReportRecord = tx
            .fetch_one(sql!(
                concat!(
                    "SELECT ",
                    report_cols!(),
                    " FROM periodic_reports WHERE id = $1"
                ),
                v.report_id
            ))
            .await?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(r)
    }

    /// Closes a period for a parent unit. `Conflict` when it is already closed.
    pub async fn insert_report_closure(
        &self,
        c: &ReportClosureRecord,
        audit: NewAuditEntry,
    ) -> Result<ReportClosureRecord> {
        let mut tx = self.begin().await?;
        tx.execute(sql!(
            "INSERT INTO periodic_report_closures (id, parent_unit_id, parent_code, plan_id, \
             kind, year, note, closed_by, closed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            c.id,
            c.parent_unit_id,
            c.parent_code.as_str(),
            c.plan_id.as_str(),
            c.kind.as_str(),
            c.year,
            c.note.clone(),
            c.closed_by.as_str(),
            c.closed_at,
        ))
        .await
        .map_err(|e| {
            if e.is_foreign_key_violation() {
                StoreError::NotFound
            } else {
                e.conflict_as(|| {
                    format!(
                        "the {} period {} of {} is already closed for {}",
                        c.kind, c.year, c.plan_id, c.parent_code
                    )
                })
            }
        })?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(ReportClosureRecord {
            closed_at: db_time(c.closed_at),
            ..c.clone()
        })
    }

    /// The closure of a period by a parent unit record, if any.
    pub async fn report_closure(
        &self,
        parent_unit_id: Uuid,
        plan_id: &str,
        kind: &str,
        year: i32,
    ) -> Result<Option<ReportClosureRecord>> {
        self.fetch_optional(sql!(
            concat!(
                "SELECT ",
                closure_cols!(),
                " FROM periodic_report_closures WHERE parent_unit_id = $1 AND plan_id = $2 \
                 AND kind = $3 AND year = $4"
            ),
            parent_unit_id,
            plan_id,
            kind,
            year
        ))
        .await
    }
}
