//! Citizens' feedback reports as features (`docs/open-data.md`): the public fields only —
//! tracking code, category, status, days, commune, the public answer and the pin — of the
//! reports an officer accepted (accepted, in progress, resolved). Never the text, the
//! contact, photos, or received (unreviewed), transferred, rejected or merged reports.
//! Keyset-paged on the tracking code (unique).

use sea_query::{Alias, Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use time::Date;

use super::FeatureWindow;
use crate::db::{Db, Result};

/// The statuses published.
pub const PUBLISHED_FEEDBACK: [&str; 3] = ["accepted", "in_progress", "resolved"];

/// How far a published (rounded) point may lie from the pin: the box is widened by this.
const ROUNDING_MARGIN: f64 = 0.005;

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FeedbackFeatureRow {
    pub tracking_code: String,
    pub province_code: String,
    pub category_code: String,
    pub category_vi: Option<String>,
    pub status: String,
    pub received_on: Date,
    pub closed_on: Option<Date>,
    pub answer: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub location_code: Option<String>,
}

fn base() -> SelectStatement {
    let mut q = Query::select();
    q.columns([
        ("r", "tracking_code"),
        ("r", "province_code"),
        ("r", "category_code"),
        ("r", "status"),
        ("r", "received_on"),
        ("r", "closed_on"),
        ("r", "answer"),
        ("r", "lat"),
        ("r", "lon"),
        ("r", "location_code"),
    ])
    .expr_as(Expr::col(("c", "name_vi")), Alias::new("category_vi"))
    .from_as("feedback_reports", "r")
    .join_as(
        JoinType::LeftJoin,
        "feedback_categories",
        "c",
        Expr::col(("c", "province_code"))
            .equals(("r", "province_code"))
            .and(Expr::col(("c", "code")).equals(("r", "category_code"))),
    )
    .and_where(Expr::col(("r", "status")).is_in(PUBLISHED_FEEDBACK));
    q
}

/// The page query: published reports in the window, after the code `after` (keyset) or
/// skipping `offset` rows (benchmark only), in code order.
fn features_query(w: &FeatureWindow, after: Option<&str>, offset: Option<u64>) -> SelectStatement {
    let mut q = base();
    q.and_where_option(w.bbox.map(|b| {
        let m = ROUNDING_MARGIN;
        Expr::col(("r", "lat")).is_null().or(Expr::col(("r", "lon"))
            .gte(b[0] - m)
            .and(Expr::col(("r", "lon")).lte(b[2] + m))
            .and(Expr::col(("r", "lat")).gte(b[1] - m))
            .and(Expr::col(("r", "lat")).lte(b[3] + m)))
    }))
    .and_where_option(w.from.map(|d| Expr::col(("r", "received_on")).gte(d)))
    .and_where_option(w.to.map(|d| Expr::col(("r", "received_on")).lte(d)))
    .and_where_option(after.map(|c| Expr::col(("r", "tracking_code")).gt(c)))
    .order_by(("r", "tracking_code"), Order::Asc)
    .limit(w.limit);
    if let Some(o) = offset {
        q.offset(o);
    }
    q
}

impl Db {
    /// A page of published reports after the tracking code `after`, in code order. With a
    /// box: reports whose pin lies within it (widened by the rounding) or without a pin (the
    /// app places those at their commune).
    pub async fn feedback_features(
        &self,
        w: &FeatureWindow,
        after: Option<&str>,
    ) -> Result<Vec<FeedbackFeatureRow>> {
        self.fetch_all(&features_query(w, after, None)).await
    }

    /// BENCHMARK-ONLY (`crates/ntm-bench`, binary `ogc-depth`): the same page as
    /// [`Db::feedback_features`] reached by `OFFSET` instead of the key, to measure what the
    /// key saves at depth. Never call it from application code.
    #[doc(hidden)]
    pub async fn bench_feedback_features_offset(
        &self,
        w: &FeatureWindow,
        offset: u64,
    ) -> Result<Vec<FeedbackFeatureRow>> {
        self.fetch_all(&features_query(w, None, Some(offset))).await
    }

    /// BENCHMARK-ONLY: the plan of the page query — by key after `after`, or with `offset`
    /// when given — one line per step (SQLite `EXPLAIN QUERY PLAN`; PostgreSQL
    /// `EXPLAIN (ANALYZE, BUFFERS)`, which runs the query).
    #[doc(hidden)]
    pub async fn bench_explain_feedback_features(
        &self,
        w: &FeatureWindow,
        after: Option<&str>,
        offset: Option<u64>,
    ) -> Result<Vec<String>> {
        self.bench_explain(features_query(w, after, offset)).await
    }

    /// One published report by its tracking code.
    pub async fn feedback_feature(&self, code: &str) -> Result<Option<FeedbackFeatureRow>> {
        let mut q = base();
        q.and_where(Expr::col(("r", "tracking_code")).eq(code));
        self.fetch_optional(&q).await
    }

    /// When a report last changed: the feedback dataset's change date (migration 0031).
    pub async fn feedback_features_modified(&self) -> Result<Option<time::OffsetDateTime>> {
        let row: Option<(time::OffsetDateTime,)> = self
            .fetch_optional(crate::db::sql!(
                "SELECT updated_at FROM feedback_reports ORDER BY updated_at DESC LIMIT 1"
            ))
            .await?;
        Ok(row.map(|r| crate::db::db_time(r.0)))
    }
}
