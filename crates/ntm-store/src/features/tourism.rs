//! Published tourism points as features: the point and its public facts (kind, name,
//! commune, address, opening information, the narration texts, sample flag). Filtered by the
//! point's position for `bbox` and by the day it was first published for `datetime`.

use sea_query::{Expr, ExprTrait, Order, Query};
use time::{Duration, OffsetDateTime, Time};
use uuid::Uuid;

use super::FeatureWindow;
use crate::db::{Db, Result, db_time};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TourismFeatureRow {
    pub id: Uuid,
    pub unit_code: String,
    pub province_code: String,
    pub kind: String,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    pub address: String,
    pub opening: String,
    pub narration_vi: String,
    pub narration_en: String,
    pub sample: bool,
    pub published_at: Option<OffsetDateTime>,
}

const COLS: [&str; 13] = [
    "id",
    "unit_code",
    "province_code",
    "kind",
    "name",
    "lon",
    "lat",
    "address",
    "opening",
    "narration_vi",
    "narration_en",
    "sample",
    "published_at",
];

impl Db {
    /// A page of published points by id.
    pub async fn tourism_point_features(
        &self,
        w: &FeatureWindow,
    ) -> Result<Vec<TourismFeatureRow>> {
        let midnight = |d: time::Date| d.with_time(Time::MIDNIGHT).assume_utc();
        let mut q = Query::select();
        q.columns(COLS.map(|c| ("t", c)))
            .from_as("tourism_points", "t")
            .and_where(Expr::col(("t", "status")).eq("published"))
            .and_where_option(w.bbox.map(|b| {
                Expr::col(("t", "lon"))
                    .gte(b[0])
                    .and(Expr::col(("t", "lon")).lte(b[2]))
                    .and(Expr::col(("t", "lat")).gte(b[1]))
                    .and(Expr::col(("t", "lat")).lte(b[3]))
            }))
            .and_where_option(
                w.from
                    .map(|d| Expr::col(("t", "published_at")).gte(midnight(d))),
            )
            .and_where_option(
                w.to.map(|d| Expr::col(("t", "published_at")).lt(midnight(d) + Duration::DAY)),
            )
            .and_where_option(w.after.map(|id| Expr::col(("t", "id")).gt(id)))
            .order_by(("t", "id"), Order::Asc)
            .limit(w.limit);
        let rows: Vec<TourismFeatureRow> = self.fetch_all(&q).await?;
        Ok(rows.into_iter().map(fix).collect())
    }

    /// One published point as a feature.
    pub async fn tourism_point_feature(&self, id: Uuid) -> Result<Option<TourismFeatureRow>> {
        let mut q = Query::select();
        q.columns(COLS.map(|c| ("t", c)))
            .from_as("tourism_points", "t")
            .and_where(Expr::col(("t", "status")).eq("published"))
            .and_where(Expr::col(("t", "id")).eq(id));
        let row: Option<TourismFeatureRow> = self.fetch_optional(&q).await?;
        Ok(row.map(fix))
    }
}

fn fix(r: TourismFeatureRow) -> TourismFeatureRow {
    TourismFeatureRow {
        published_at: r.published_at.map(db_time),
        ..r
    }
}
