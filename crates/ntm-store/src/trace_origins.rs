//! Where lots come from (`migrations/*/0022_trace_origins.sql`): the producer, OCOP product
//! and raw-material area of a lot, written with the lot; lists of lots with their origin.

use ntm_domain::audit::NewAuditEntry;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::LotRecord;
use crate::audit::append_audit_tx;
use crate::db::{Db, Result, like_escape, sql};

/// A lot's origin as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LotOriginRecord {
    pub lot_id: Uuid,
    pub producer_id: Uuid,
    pub product_id: Option<Uuid>,
    pub area_id: Option<Uuid>,
    pub created_at: OffsetDateTime,
    pub created_by: String,
}

/// A lot with its origin's names, for lists and the lot's pages.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LotWithOrigin {
    pub id: Uuid,
    pub unit_code: String,
    pub unit_path: String,
    pub product: String,
    pub lot: String,
    pub created_at: OffsetDateTime,
    pub created_by: String,
    pub producer_id: Option<Uuid>,
    pub producer_name: Option<String>,
    pub owner_user_id: Option<Uuid>,
    pub product_id: Option<Uuid>,
    pub product_name: Option<String>,
    pub area_id: Option<Uuid>,
    /// Events in the lot's chain.
    pub events: i64,
}

impl LotWithOrigin {
    pub fn record(&self) -> LotRecord {
        LotRecord {
            id: self.id,
            unit_code: self.unit_code.clone(),
            unit_path: self.unit_path.clone(),
            product: self.product.clone(),
            lot: self.lot.clone(),
            created_at: self.created_at,
            created_by: self.created_by.clone(),
        }
    }
}

macro_rules! with_origin {
    () => {
        "SELECT l.id, l.unit_code, l.unit_path, l.product, l.lot, l.created_at, l.created_by, \
         o.producer_id, p.name AS producer_name, p.owner_user_id, o.product_id, \
         q.name AS product_name, o.area_id, \
         (SELECT COUNT(*) FROM trace_lot_events c WHERE c.lot_id = l.id) AS events \
         FROM trace_lots l LEFT JOIN trace_lot_origins o ON o.lot_id = l.id \
         LEFT JOIN ocop_producers p ON p.id = o.producer_id \
         LEFT JOIN ocop_products q ON q.id = o.product_id "
    };
}

impl Db {
    /// Records a lot and its origin with one audit entry, in one transaction; `Conflict`
    /// when the product already has the lot.
    pub async fn insert_lot_with_origin(
        &self,
        l: &LotRecord,
        origin: Option<&LotOriginRecord>,
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        append_audit_tx(&mut tx, audit).await?;
        tx.execute(sql!(
            "INSERT INTO trace_lots (id, unit_code, unit_path, product, lot, created_at, \
             created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            l.id,
            l.unit_code.as_str(),
            l.unit_path.as_str(),
            l.product.as_str(),
            l.lot.as_str(),
            l.created_at,
            l.created_by.as_str(),
        ))
        .await
        .map_err(|e| e.conflict_as(|| format!("lot {} of {} already exists", l.lot, l.product)))?;
        if let Some(o) = origin {
            tx.execute(sql!(
                "INSERT INTO trace_lot_origins (lot_id, producer_id, product_id, area_id, \
                 created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)",
                o.lot_id,
                o.producer_id,
                o.product_id,
                o.area_id,
                o.created_at,
                o.created_by.as_str(),
            ))
            .await?;
        }
        tx.commit().await
    }

    /// A lot with its origin.
    pub async fn lot_with_origin(&self, id: Uuid) -> Result<Option<LotWithOrigin>> {
        self.fetch_optional(sql!(concat!(with_origin!(), "WHERE l.id = $1"), id))
            .await
    }

    /// A lot by product and lot number, with its origin.
    pub async fn lot_with_origin_by_key(
        &self,
        product: &str,
        lot: &str,
    ) -> Result<Option<LotWithOrigin>> {
        self.fetch_optional(sql!(
            concat!(with_origin!(), "WHERE l.product = $1 AND l.lot = $2"),
            product,
            lot
        ))
        .await
    }

    /// Lots whose producer the account owns, newest first.
    pub async fn lots_of_owner(&self, user_id: Uuid, limit: i64) -> Result<Vec<LotWithOrigin>> {
        self.fetch_all(sql!(
            concat!(
                with_origin!(),
                "WHERE p.owner_user_id = $1 ORDER BY l.created_at DESC, l.id DESC LIMIT $2"
            ),
            user_id,
            limit
        ))
        .await
    }

    /// Lots recorded in a unit subtree (`/84/847/`), newest first.
    pub async fn lots_under(&self, path_prefix: &str, limit: i64) -> Result<Vec<LotWithOrigin>> {
        let pattern = format!("{}%", like_escape(path_prefix));
        self.fetch_all(sql!(
            concat!(
                with_origin!(),
                "WHERE l.unit_path LIKE $1 ESCAPE '\\' ORDER BY l.created_at DESC, l.id DESC \
                 LIMIT $2"
            ),
            pattern,
            limit
        ))
        .await
    }
}
