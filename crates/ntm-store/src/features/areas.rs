//! Raw-material areas as features: the polygon and the public facts (no owners' contacts).

use sea_query::{Expr, ExprTrait, Order, Query};
use time::{Duration, OffsetDateTime, Time};
use uuid::Uuid;

use super::{FeatureWindow, bbox_meets};
use crate::db::{Db, Result, db_time};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AreaFeatureRow {
    pub id: Uuid,
    pub code: String,
    pub unit_code: String,
    pub province_code: String,
    pub crop: String,
    pub hectares_x100: i64,
    pub computed_ha: f64,
    pub geojson: String,
    pub boundary_checked: bool,
    pub sample: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

const COLS: [&str; 12] = [
    "id",
    "code",
    "unit_code",
    "province_code",
    "crop",
    "hectares_x100",
    "computed_ha",
    "geojson",
    "boundary_checked",
    "sample",
    "created_at",
    "updated_at",
];

impl Db {
    /// A page of areas by id; the date is the day the area was registered (UTC).
    pub async fn area_features(&self, w: &FeatureWindow) -> Result<Vec<AreaFeatureRow>> {
        let midnight = |d: time::Date| d.with_time(Time::MIDNIGHT).assume_utc();
        let mut q = Query::select();
        q.columns(COLS.map(|c| ("a", c)))
            .from_as("areas", "a")
            .and_where_option(w.bbox.map(|b| bbox_meets("a", b)))
            .and_where_option(
                w.from
                    .map(|d| Expr::col(("a", "created_at")).gte(midnight(d))),
            )
            .and_where_option(
                w.to.map(|d| Expr::col(("a", "created_at")).lt(midnight(d) + Duration::DAY)),
            )
            .and_where_option(w.after.map(|id| Expr::col(("a", "id")).gt(id)))
            .order_by(("a", "id"), Order::Asc)
            .limit(w.limit);
        let rows: Vec<AreaFeatureRow> = self.fetch_all(&q).await?;
        Ok(rows.into_iter().map(fix_times).collect())
    }

    /// One area as a feature.
    pub async fn area_feature(&self, id: Uuid) -> Result<Option<AreaFeatureRow>> {
        let mut q = Query::select();
        q.columns(COLS.map(|c| ("a", c)))
            .from_as("areas", "a")
            .and_where(Expr::col(("a", "id")).eq(id));
        let row: Option<AreaFeatureRow> = self.fetch_optional(&q).await?;
        Ok(row.map(fix_times))
    }
}

fn fix_times(r: AreaFeatureRow) -> AreaFeatureRow {
    AreaFeatureRow {
        created_at: db_time(r.created_at),
        updated_at: db_time(r.updated_at),
        ..r
    }
}
