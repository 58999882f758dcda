//! The officers' list, keyset-paged on (received_at, id) newest first, next to an OFFSET
//! version kept for the benchmark; the reads behind measures and duplicate suggestions.

use sea_query::{Alias, Expr, ExprTrait, LikeExpr, Order, Query, SelectStatement};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::reports::FeedbackReportRecord;
use crate::db::{Db, Result, like_escape, sql};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedbackFilter {
    pub province_code: String,
    /// Exactly this responsible unit.
    pub responsible_code: Option<String>,
    /// The responsible unit within this subtree.
    pub path_prefix: Option<String>,
    pub statuses: Vec<String>,
    pub category_code: Option<String>,
    pub assignee_id: Option<Uuid>,
    /// Open and due before this day (the overdue list: `today`).
    pub overdue_on: Option<Date>,
    /// Received at or after.
    pub received_from: Option<OffsetDateTime>,
    /// Received before.
    pub received_before: Option<OffsetDateTime>,
    /// These tracking codes only.
    pub codes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FeedbackListRow {
    pub id: Uuid,
    pub tracking_code: String,
    pub category_code: String,
    pub body: String,
    pub responsible_code: String,
    pub status: String,
    pub received_at: OffsetDateTime,
    pub due_on: Date,
    pub closed_on: Option<Date>,
    pub assignee_id: Option<Uuid>,
}

const OPEN: [&str; 4] = ["received", "transferred", "accepted", "in_progress"];

/// The open states as literal SQL, written exactly as the condition of the partial index
/// `feedback_reports_open` (migration 0030): a condition with bound values would not let the
/// engines use it (SQLite matches a partial index's terms as written; PostgreSQL cannot
/// prove the implication for a generic plan of a prepared statement).
const OPEN_SQL: &str = "status IN ('received', 'transferred', 'accepted', 'in_progress')";

/// Exactly the four open states, in any order.
fn is_open_set(statuses: &[String]) -> bool {
    statuses.len() == OPEN.len() && OPEN.iter().all(|o| statuses.iter().any(|s| s == o))
}

const LIST_COLUMNS: [&str; 10] = [
    "id",
    "tracking_code",
    "category_code",
    "body",
    "responsible_code",
    "status",
    "received_at",
    "due_on",
    "closed_on",
    "assignee_id",
];

fn columns_of(cols: &[&str]) -> SelectStatement {
    let mut q = Query::select();
    for c in cols {
        q.column(Alias::new(*c));
    }
    q.from("feedback_reports");
    q
}

fn columns() -> SelectStatement {
    columns_of(&LIST_COLUMNS)
}

fn full_columns() -> Vec<&'static str> {
    super::reports::report_cols!()
        .split(',')
        .map(str::trim)
        .collect()
}

fn base(f: &FeedbackFilter) -> SelectStatement {
    let mut q = columns();
    filters(&mut q, f);
    q
}

fn filters(q: &mut SelectStatement, f: &FeedbackFilter) {
    q.and_where(Expr::col("province_code").eq(f.province_code.as_str()))
        .and_where_option(
            f.responsible_code
                .as_ref()
                .map(|c| Expr::col("responsible_code").eq(c.as_str())),
        )
        .and_where_option(f.path_prefix.as_ref().map(|p| {
            Expr::col("responsible_path")
                .like(LikeExpr::new(format!("{}%", like_escape(p))).escape('\\'))
        }))
        .and_where_option((!f.statuses.is_empty()).then(|| {
            if is_open_set(&f.statuses) {
                Expr::cust(OPEN_SQL)
            } else {
                Expr::col("status").is_in(f.statuses.iter().map(|s| s.as_str()))
            }
        }))
        .and_where_option(
            f.category_code
                .as_ref()
                .map(|c| Expr::col("category_code").eq(c.as_str())),
        )
        .and_where_option(f.assignee_id.map(|a| Expr::col("assignee_id").eq(a)))
        .and_where_option(
            f.overdue_on
                .map(|d| Expr::col("due_on").lt(d).and(Expr::cust(OPEN_SQL))),
        )
        .and_where_option(f.received_from.map(|t| Expr::col("received_at").gte(t)))
        .and_where_option(f.received_before.map(|t| Expr::col("received_at").lt(t)))
        .and_where_option(
            (!f.codes.is_empty())
                .then(|| Expr::col("tracking_code").is_in(f.codes.iter().map(|c| c.as_str()))),
        );
}

/// The list after `after` (the last row's `(received_at, id)`), newest first.
pub(super) fn keyset_query(
    f: &FeedbackFilter,
    after: Option<(OffsetDateTime, Uuid)>,
    limit: u64,
) -> SelectStatement {
    let mut q = base(f);
    // A row-value comparison, not `received_at < $at OR (received_at = $at AND id < $id)`:
    // both engines seek the index to the key with it, while the `OR` form made them scan
    // from the newest row down to the key on every page (a deep page cost as much as OFFSET;
    // docs/perf.md, "Officers' feedback inbox").
    q.and_where_option(after.map(|(at, id)| {
        Expr::tuple([Expr::col("received_at"), Expr::col("id")])
            .lt(Expr::tuple([Expr::val(at), Expr::val(id)]))
    }))
    .order_by("received_at", Order::Desc)
    .order_by("id", Order::Desc)
    .limit(limit);
    q
}

/// The same list by OFFSET (benchmark comparison only).
pub(super) fn offset_query(f: &FeedbackFilter, offset: u64, limit: u64) -> SelectStatement {
    let mut q = base(f);
    q.order_by("received_at", Order::Desc)
        .order_by("id", Order::Desc)
        .offset(offset)
        .limit(limit);
    q
}

impl Db {
    /// At most `limit` reports, newest first, after `after` (the last row's
    /// `(received_at, id)`).
    pub async fn feedback_list(
        &self,
        f: &FeedbackFilter,
        after: Option<(OffsetDateTime, Uuid)>,
        limit: u64,
    ) -> Result<Vec<FeedbackListRow>> {
        self.fetch_all(&keyset_query(f, after, limit)).await
    }

    /// Full records of the list's first `limit` rows, newest first (Open311 requests).
    pub async fn feedback_records(
        &self,
        f: &FeedbackFilter,
        limit: u64,
    ) -> Result<Vec<FeedbackReportRecord>> {
        let mut q = columns_of(&full_columns());
        filters(&mut q, f);
        q.order_by("received_at", Order::Desc)
            .order_by("id", Order::Desc)
            .limit(limit);
        self.fetch_all(&q).await
    }

    /// The same list by OFFSET (benchmark comparison only).
    pub async fn feedback_list_offset(
        &self,
        f: &FeedbackFilter,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<FeedbackListRow>> {
        self.fetch_all(&offset_query(f, offset, limit)).await
    }

    /// Reports whose responsible unit is in a subtree, received between two days (both
    /// included): the records behind measures.
    pub async fn feedback_for_measures(
        &self,
        path_prefix: &str,
        from: Date,
        to: Date,
    ) -> Result<Vec<FeedbackReportRecord>> {
        let pattern = format!("{}%", like_escape(path_prefix));
        self.fetch_all(sql!(
            concat!(
                "SELECT ",
                super::reports::report_cols!(),
                " FROM feedback_reports WHERE responsible_path LIKE $1 ESCAPE '\\' \
                 AND received_on >= $2 AND received_on <= $3 ORDER BY received_at, id"
            ),
            pattern,
            from,
            to
        ))
        .await
    }

    /// Open reports with a pin, of a category in a province, in a latitude band and
    /// received in a window: the candidates of the duplicate rule.
    pub async fn feedback_near(
        &self,
        province: &str,
        category: &str,
        lat_min: f64,
        lat_max: f64,
        from: Date,
        to: Date,
    ) -> Result<Vec<FeedbackReportRecord>> {
        self.fetch_all(sql!(
            concat!(
                "SELECT ",
                super::reports::report_cols!(),
                " FROM feedback_reports WHERE province_code = $1 AND category_code = $2 \
                 AND lat >= $3 AND lat <= $4 AND received_on >= $5 AND received_on <= $6 \
                 AND status <> 'merged' ORDER BY received_at, id LIMIT 200"
            ),
            province,
            category,
            lat_min,
            lat_max,
            from,
            to
        ))
        .await
    }

    /// Reports by ids (a measure's drill-down), in the order given.
    pub async fn feedback_by_ids(&self, ids: &[Uuid]) -> Result<Vec<FeedbackListRow>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut q = columns();
            q.and_where(Expr::col("id").is_in(chunk.iter().copied()));
            let rows: Vec<FeedbackListRow> = self.fetch_all(&q).await?;
            out.extend(rows);
        }
        out.sort_by_key(|r| ids.iter().position(|i| *i == r.id));
        Ok(out)
    }
}
