//! Reads behind the OGC API – Features collections and the open-data downloads
//! (`docs/open-data.md`): public fields only, keyset-paged on the feature id (never OFFSET),
//! filtered by a bounding box and a range of days. One file per collection.

mod areas;
mod feedback;
mod ocop;
mod plan_progress;
mod tourism;
mod unit_status;

use sea_query::{Expr, ExprTrait, SimpleExpr};
use time::Date;
use uuid::Uuid;

pub use areas::AreaFeatureRow;
pub use feedback::{FeedbackFeatureRow, PUBLISHED_FEEDBACK};
pub use ocop::{BoundaryOutline, OcopFeatureRow};
pub use tourism::TourismFeatureRow;
pub use unit_status::{PeriodShape, UnitStatusKey, UnitStatusRow, UnitStatusWindow};

/// Which features a page holds.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FeatureWindow {
    /// `[min_lon, min_lat, max_lon, max_lat]` (CRS84): features whose box meets it.
    pub bbox: Option<[f64; 4]>,
    /// First and last day (inclusive) the feature's date must meet.
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// The page starts after this feature id.
    pub after: Option<Uuid>,
    pub limit: u64,
}

/// `box of (table alias) meets bbox`: the four comparisons on the stored bounding-box columns.
fn bbox_meets(alias: &'static str, b: [f64; 4]) -> SimpleExpr {
    Expr::col((alias, "max_lon"))
        .gte(b[0])
        .and(Expr::col((alias, "min_lon")).lte(b[2]))
        .and(Expr::col((alias, "max_lat")).gte(b[1]))
        .and(Expr::col((alias, "min_lat")).lte(b[3]))
}

impl crate::db::Db {
    /// When the areas last changed (registered or edited): the catalogue's `dct:modified`.
    pub async fn area_features_modified(&self) -> crate::db::Result<Option<time::OffsetDateTime>> {
        let row: Option<(time::OffsetDateTime,)> = self
            .fetch_optional(crate::db::sql!(
                "SELECT updated_at FROM areas ORDER BY updated_at DESC LIMIT 1"
            ))
            .await?;
        Ok(row.map(|r| crate::db::db_time(r.0)))
    }

    /// When the OCOP ratings last changed (a decision recorded or imported).
    pub async fn ocop_features_modified(&self) -> crate::db::Result<Option<time::OffsetDateTime>> {
        let row: Option<(time::OffsetDateTime,)> = self
            .fetch_optional(crate::db::sql!(
                "SELECT created_at FROM ocop_decisions ORDER BY created_at DESC LIMIT 1"
            ))
            .await?;
        Ok(row.map(|r| crate::db::db_time(r.0)))
    }
}
