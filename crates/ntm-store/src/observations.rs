//! Indicator values (observations) per unit, criteria set and year, with their evidence files.
//!
//! Append-only: a change inserts a new version; the current value of `(unit_id, set_id,
//! indicator_code, year)` is its highest version. A write names the version it replaces
//! (optimistic concurrency): if another writer got there first the batch is refused with
//! `Conflict`, and the unique index on the key + version catches writers racing each other.

use ntm_domain::audit::NewAuditEntry;
use ntm_domain::observation::{ObsSource, ObsStatus};
use sea_query::{Expr, ExprTrait, LikeExpr, Order, Query, SelectStatement};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, StoreError, db_time, like_escape, sql};
use crate::evaluation_changes::Change;

/// One stored version of an indicator value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservationRecord {
    pub id: Uuid,
    pub province_code: String,
    pub unit_id: Uuid,
    pub unit_code: String,
    pub set_id: String,
    pub indicator_code: String,
    pub year: i32,
    /// The value as typed (parsed again with the indicator's kind when evaluating).
    pub value_text: String,
    pub status: ObsStatus,
    pub note: String,
    pub source: ObsSource,
    /// 1 for the first value, then +1 per change.
    pub version: i64,
    pub created_by: String,
    pub created_at: OffsetDateTime,
    /// Review comment of this version (why a verifier returned the value); `None` otherwise.
    pub comment: Option<String>,
}

/// Evidence attached to one observation version (the bytes are stored elsewhere, at
/// `stored_path`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ObservationFile {
    pub id: Uuid,
    pub observation_id: Uuid,
    pub file_name: String,
    pub sha256: String,
    pub size: i64,
    pub stored_path: String,
    pub created_at: OffsetDateTime,
}

/// A version to write: `expected_version` is the current version it replaces (`None` when
/// the value is new).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewObservation {
    pub record: ObservationRecord,
    pub expected_version: Option<i64>,
    /// Evidence files (their `observation_id` is set to the record's id).
    pub files: Vec<ObservationFile>,
}

#[derive(sqlx::FromRow)]
struct ObsRow {
    id: Uuid,
    province_code: String,
    unit_id: Uuid,
    unit_code: String,
    set_id: String,
    indicator_code: String,
    year: i32,
    value_text: String,
    status: String,
    note: String,
    source: String,
    version: i64,
    created_by: String,
    created_at: OffsetDateTime,
    comment: Option<String>,
}

impl TryFrom<ObsRow> for ObservationRecord {
    type Error = StoreError;
    fn try_from(r: ObsRow) -> Result<ObservationRecord> {
        Ok(ObservationRecord {
            status: ObsStatus::parse(&r.status).ok_or_else(|| {
                StoreError::Integrity(format!("unknown observation status {:?}", r.status))
            })?,
            source: ObsSource::parse(&r.source).ok_or_else(|| {
                StoreError::Integrity(format!("unknown observation source {:?}", r.source))
            })?,
            id: r.id,
            province_code: r.province_code,
            unit_id: r.unit_id,
            unit_code: r.unit_code,
            set_id: r.set_id,
            indicator_code: r.indicator_code,
            year: r.year,
            value_text: r.value_text,
            note: r.note,
            version: r.version,
            created_by: r.created_by,
            created_at: r.created_at,
            comment: r.comment,
        })
    }
}

fn to_records(rows: Vec<ObsRow>) -> Result<Vec<ObservationRecord>> {
    rows.into_iter().map(ObservationRecord::try_from).collect()
}

macro_rules! obs_cols {
    () => {
        "o.id, o.province_code, o.unit_id, o.unit_code, o.set_id, o.indicator_code, o.year, \
         o.value_text, o.status, o.note, o.source, o.version, o.created_by, o.created_at, o.comment"
    };
}

/// `o` is the highest version of its key.
macro_rules! is_current {
    () => {
        "o.version = (SELECT MAX(v.version) FROM observations v WHERE v.unit_id = o.unit_id \
         AND v.set_id = o.set_id AND v.indicator_code = o.indicator_code AND v.year = o.year)"
    };
}

/// Units whose current values [`Db::current_observations_of_units`] reads.
#[derive(Debug, Clone, Copy)]
pub enum UnitSelection<'a> {
    /// These unit records.
    Ids(&'a [Uuid]),
    /// Every unit record whose path starts with this prefix (a subtree).
    PathPrefix(&'a str),
}

/// Ids per `IN (…)` list: well under both engines' bind limits.
const IDS_PER_QUERY: usize = 1000;

fn current_query(set_id: &str, year: i32) -> SelectStatement {
    Query::select()
        .expr(Expr::cust(obs_cols!()))
        .from_as("observations", "o")
        .and_where(Expr::col(("o", "set_id")).eq(set_id))
        .and_where(Expr::col(("o", "year")).eq(year))
        .and_where(Expr::cust(is_current!()))
        .order_by(("o", "unit_code"), Order::Asc)
        .order_by(("o", "indicator_code"), Order::Asc)
        .to_owned()
}

impl Db {
    /// Writes a batch of versions and their evidence with one audit entry, atomically.
    /// `Conflict` (naming every stale row) when a row's `expected_version` is not the
    /// current version; nothing is written then.
    pub async fn insert_observations(
        &self,
        rows: &[NewObservation],
        audit: NewAuditEntry,
    ) -> Result<Vec<ObservationRecord>> {
        let mut tx = self.begin().await?;
        let mut stale = Vec::new();
        for n in rows {
            let r = &n.record;
            let (current,): (Option<i64>,) = tx
                .fetch_one(sql!(
                    "SELECT MAX(version) FROM observations WHERE unit_id = $1 AND set_id = $2 \
                     AND indicator_code = $3 AND year = $4",
                    r.unit_id,
                    r.set_id.as_str(),
                    r.indicator_code.as_str(),
                    r.year,
                ))
                .await?;
            if current != n.expected_version || r.version != current.unwrap_or(0) + 1 {
                stale.push(format!(
                    "{} {} {} (current version {}, expected {})",
                    r.unit_code,
                    r.indicator_code,
                    r.year,
                    current.map_or("none".to_string(), |v| v.to_string()),
                    n.expected_version
                        .map_or("none".to_string(), |v| v.to_string()),
                ));
            }
        }
        if !stale.is_empty() {
            return Err(StoreError::Conflict(format!(
                "changed by someone else meanwhile: {}",
                stale.join("; ")
            )));
        }
        let mut out = Vec::with_capacity(rows.len());
        for n in rows {
            let r = &n.record;
            tx.execute(sql!(
                "INSERT INTO observations (id, province_code, unit_id, unit_code, set_id, \
                 indicator_code, year, value_text, status, note, source, version, created_by, \
                 created_at, comment) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
                 $13, $14, $15)",
                r.id,
                r.province_code.as_str(),
                r.unit_id,
                r.unit_code.as_str(),
                r.set_id.as_str(),
                r.indicator_code.as_str(),
                r.year,
                r.value_text.as_str(),
                r.status.as_str(),
                r.note.as_str(),
                r.source.as_str(),
                r.version,
                r.created_by.as_str(),
                r.created_at,
                r.comment.as_deref(),
            ))
            .await
            .map_err(|e| {
                if e.is_foreign_key_violation() {
                    return StoreError::NotFound;
                }
                e.conflict_as(|| {
                    format!(
                        "changed by someone else meanwhile: {} {} {} version {}",
                        r.unit_code, r.indicator_code, r.year, r.version
                    )
                })
            })?;
            for f in &n.files {
                tx.execute(sql!(
                    "INSERT INTO observation_files (id, observation_id, file_name, sha256, size, \
                     stored_path, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    f.id,
                    r.id,
                    f.file_name.as_str(),
                    f.sha256.as_str(),
                    f.size,
                    f.stored_path.as_str(),
                    r.created_at,
                ))
                .await?;
            }
            out.push(ObservationRecord {
                created_at: db_time(r.created_at),
                ..r.clone()
            });
        }
        let entry = append_audit_tx(&mut tx, audit).await?;
        crate::evaluation_changes::note_tx(
            &mut tx,
            entry.seq,
            entry.at,
            rows.iter().map(|n| Change::Values {
                unit_id: n.record.unit_id,
                set_id: n.record.set_id.clone(),
                year: n.record.year,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Current values of one unit record for a set and year, by indicator code.
    pub async fn current_observations(
        &self,
        unit_id: Uuid,
        set_id: &str,
        year: i32,
    ) -> Result<Vec<ObservationRecord>> {
        let mut q = current_query(set_id, year);
        q.and_where(Expr::col(("o", "unit_id")).eq(unit_id));
        to_records(self.fetch_all(&q).await?)
    }

    /// Current values of many unit records for a set and year (one query per 1,000 ids, or
    /// one query for a subtree), ordered by unit code then indicator code.
    pub async fn current_observations_of_units(
        &self,
        units: UnitSelection<'_>,
        set_id: &str,
        year: i32,
    ) -> Result<Vec<ObservationRecord>> {
        match units {
            UnitSelection::Ids(ids) => {
                let mut out = Vec::new();
                for chunk in ids.chunks(IDS_PER_QUERY) {
                    let mut q = current_query(set_id, year);
                    q.and_where(Expr::col(("o", "unit_id")).is_in(chunk.iter().copied()));
                    out.extend(to_records(self.fetch_all(&q).await?)?);
                }
                if ids.len() > IDS_PER_QUERY {
                    out.sort_by(|a, b| {
                        (&a.unit_code, &a.indicator_code).cmp(&(&b.unit_code, &b.indicator_code))
                    });
                }
                Ok(out)
            }
            UnitSelection::PathPrefix(prefix) => {
                let mut q = current_query(set_id, year);
                q.and_where(
                    Expr::col(("o", "unit_id")).in_subquery(
                        Query::select()
                            .column("id")
                            .from("units")
                            .and_where(Expr::col("path").like(
                                LikeExpr::new(format!("{}%", like_escape(prefix))).escape('\\'),
                            ))
                            .to_owned(),
                    ),
                );
                to_records(self.fetch_all(&q).await?)
            }
        }
    }

    /// Every version of one indicator value, oldest first.
    pub async fn observation_history(
        &self,
        unit_id: Uuid,
        set_id: &str,
        indicator_code: &str,
        year: i32,
    ) -> Result<Vec<ObservationRecord>> {
        to_records(
            self.fetch_all(sql!(
                concat!(
                    "SELECT ",
                    obs_cols!(),
                    " FROM observations o WHERE o.unit_id = $1 AND o.set_id = $2 \
                     AND o.indicator_code = $3 AND o.year = $4 ORDER BY o.version"
                ),
                unit_id,
                set_id,
                indicator_code,
                year,
            ))
            .await?,
        )
    }

    /// Every version of every value of one unit record for a set and year, by indicator
    /// code then version (oldest first).
    pub async fn observation_versions(
        &self,
        unit_id: Uuid,
        set_id: &str,
        year: i32,
    ) -> Result<Vec<ObservationRecord>> {
        to_records(
            self.fetch_all(sql!(
                concat!(
                    "SELECT ",
                    obs_cols!(),
                    " FROM observations o WHERE o.unit_id = $1 AND o.set_id = $2 \
                     AND o.year = $3 ORDER BY o.indicator_code, o.version"
                ),
                unit_id,
                set_id,
                year,
            ))
            .await?,
        )
    }

    /// Evidence files of one observation version, in the order they were attached.
    pub async fn observation_files(&self, observation_id: Uuid) -> Result<Vec<ObservationFile>> {
        self.fetch_all(sql!(
            "SELECT id, observation_id, file_name, sha256, size, stored_path, created_at \
             FROM observation_files WHERE observation_id = $1 ORDER BY file_name, id",
            observation_id
        ))
        .await
    }

    /// Evidence files of every version of every value of one unit record for a set and
    /// year, with the indicator code they belong to, by indicator then attachment order.
    pub async fn observation_files_of_unit(
        &self,
        unit_id: Uuid,
        set_id: &str,
        year: i32,
    ) -> Result<Vec<(String, ObservationFile)>> {
        let rows: Vec<FileOfUnitRow> = self
            .fetch_all(sql!(
                "SELECT o.indicator_code, f.id, f.observation_id, f.file_name, f.sha256, f.size, \
                 f.stored_path, f.created_at FROM observation_files f JOIN observations o \
                 ON o.id = f.observation_id WHERE o.unit_id = $1 AND o.set_id = $2 \
                 AND o.year = $3 ORDER BY o.indicator_code, f.created_at, f.id",
                unit_id,
                set_id,
                year,
            ))
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                (
                    r.indicator_code,
                    ObservationFile {
                        id: r.id,
                        observation_id: r.observation_id,
                        file_name: r.file_name,
                        sha256: r.sha256,
                        size: r.size,
                        stored_path: r.stored_path,
                        created_at: r.created_at,
                    },
                )
            })
            .collect())
    }

    /// One evidence file by its id, with the observation version it was attached to.
    pub async fn observation_file(
        &self,
        file_id: Uuid,
    ) -> Result<Option<(ObservationFile, ObservationRecord)>> {
        let file: Option<ObservationFile> = self
            .fetch_optional(sql!(
                "SELECT id, observation_id, file_name, sha256, size, stored_path, created_at \
                 FROM observation_files WHERE id = $1",
                file_id
            ))
            .await?;
        let Some(file) = file else {
            return Ok(None);
        };
        let row: Option<ObsRow> = self
            .fetch_optional(sql!(
                concat!(
                    "SELECT ",
                    obs_cols!(),
                    " FROM observations o WHERE o.id = $1"
                ),
                file.observation_id
            ))
            .await?;
        match row {
            Some(r) => Ok(Some((file, ObservationRecord::try_from(r)?))),
            None => Err(StoreError::Integrity(format!(
                "evidence file {file_id} names a missing observation"
            ))),
        }
    }
}

#[derive(sqlx::FromRow)]
struct FileOfUnitRow {
    indicator_code: String,
    id: Uuid,
    observation_id: Uuid,
    file_name: String,
    sha256: String,
    size: i64,
    stored_path: String,
    created_at: OffsetDateTime,
}
