//! Bulk loading of synthetic reports for the benchmarks (`crates/ntm-bench`, binaries
//! `feedback-inbox` and `ogc-depth`): multi-row `INSERT`s in one transaction, no history rows,
//! photos, notifications or audit entries; and the plans of the queries they measure. Never
//! called by the application.

use sea_query::{InsertStatement, Query, SelectStatement, Values};
use time::OffsetDateTime;
use uuid::Uuid;

use super::list::{FeedbackFilter, keyset_query, offset_query};
use super::reports::FeedbackReportRecord;
use crate::db::{Backend, Db, Result, Stmt};

/// Rows per `INSERT` (32 columns: 16,000 parameters, under SQLite's 32,766 and
/// PostgreSQL's 65,535).
const ROWS_PER_INSERT: usize = 500;

fn insert_query(rows: &[FeedbackReportRecord]) -> InsertStatement {
    let mut q = Query::insert();
    q.into_table("feedback_reports").columns(
        super::reports::report_cols!()
            .split(',')
            .map(|c| sea_query::Alias::new(c.trim())),
    );
    for r in rows {
        q.values_panic([
            r.id.into(),
            r.tracking_code.as_str().into(),
            r.province_code.as_str().into(),
            r.category_code.as_str().into(),
            r.body.as_str().into(),
            r.lat.into(),
            r.lon.into(),
            r.location_code.clone().into(),
            r.location_path.as_str().into(),
            r.responsible_code.as_str().into(),
            r.responsible_path.as_str().into(),
            r.status.as_str().into(),
            r.received_at.into(),
            r.received_on.into(),
            r.due_on.into(),
            r.closed_at.into(),
            r.closed_on.into(),
            r.answer.clone().into(),
            r.refer_to.clone().into(),
            r.merged_into.into(),
            r.assignee_id.into(),
            r.contact_name.clone().into(),
            r.contact.clone().into(),
            r.contact_key.clone().into(),
            r.origin_key.clone().into(),
            r.client_token.clone().into(),
            r.keep_location.into(),
            r.rating.into(),
            r.rated_at.into(),
            r.attributes.as_str().into(),
            r.version.into(),
            r.updated_at.into(),
        ]);
    }
    q
}

impl Db {
    /// BENCHMARK-ONLY: inserts reports as they are, in one transaction, without their
    /// history, notifications or audit entry. Never call it from application code.
    #[doc(hidden)]
    pub async fn bench_seed_feedback_reports(&self, rows: &[FeedbackReportRecord]) -> Result<u64> {
        let mut tx = self.begin().await?;
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            tx.execute(&insert_query(chunk)).await?;
        }
        tx.commit().await?;
        Ok(rows.len() as u64)
    }
}

/// `EXPLAIN QUERY PLAN` (SQLite) or `EXPLAIN (ANALYZE, BUFFERS)` (PostgreSQL) of a query,
/// with the same bound values.
struct Explain(SelectStatement);

impl Stmt for Explain {
    fn render(self, b: Backend) -> (String, Values) {
        let (sql, values) = (&self.0).render(b);
        let prefix = match b {
            Backend::Sqlite => "EXPLAIN QUERY PLAN ",
            Backend::Postgres => "EXPLAIN (ANALYZE, BUFFERS) ",
        };
        (format!("{prefix}{sql}"), values)
    }
}

impl Db {
    /// BENCHMARK-ONLY: the plan of the officers' list query — by key after `after`, or with
    /// `offset` when given — one line per step. PostgreSQL runs the query (`ANALYZE`).
    #[doc(hidden)]
    pub async fn bench_explain_feedback_list(
        &self,
        f: &FeedbackFilter,
        after: Option<(OffsetDateTime, Uuid)>,
        offset: Option<u64>,
        limit: u64,
    ) -> Result<Vec<String>> {
        let q = match offset {
            Some(o) => offset_query(f, o, limit),
            None => keyset_query(f, after, limit),
        };
        self.bench_explain(q).await
    }

    /// BENCHMARK-ONLY: the plan of a query with its bound values, one line per step
    /// (SQLite `EXPLAIN QUERY PLAN`; PostgreSQL `EXPLAIN (ANALYZE, BUFFERS)`, which runs it).
    pub(crate) async fn bench_explain(&self, q: SelectStatement) -> Result<Vec<String>> {
        Ok(match self.backend() {
            Backend::Sqlite => {
                let rows: Vec<(i64, i64, i64, String)> = self.fetch_all(Explain(q)).await?;
                rows.into_iter().map(|r| r.3).collect()
            }
            Backend::Postgres => {
                let rows: Vec<(String,)> = self.fetch_all(Explain(q)).await?;
                rows.into_iter().map(|r| r.0).collect()
            }
        })
    }
}
