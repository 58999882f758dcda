//! OCOP producers, products and the producer's dossier documents (migration 0019).
//! Rounds, score sheets and decisions are in `rating.rs`, the public catalogue in
//! `catalogue.rs`.

mod catalogue;
mod documents;
mod rating;
mod reminders;

use ntm_domain::audit::NewAuditEntry;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, StoreError, Tx, db_time, like_escape, sql};

pub use catalogue::{CatalogueFilter, CatalogueRow};
pub use rating::{ImportItem, OcopDecisionRecord, OcopRoundRecord, OcopSheetRecord};
pub use reminders::DueReminder;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OcopProducerRecord {
    pub id: Uuid,
    pub unit_code: String,
    /// Path of the unit when the producer was registered (subtree scoping).
    pub unit_path: String,
    pub province_code: String,
    /// `None` when unknown (an imported list that does not say).
    pub kind: Option<String>,
    pub name: String,
    pub address: Option<String>,
    pub legal_id: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// The producer account managing this record, if any.
    pub owner_user_id: Option<Uuid>,
    /// Invented details (demo): shown labelled as sample.
    pub sample: bool,
    pub created_at: OffsetDateTime,
    pub created_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OcopProductRecord {
    pub id: Uuid,
    pub producer_id: Uuid,
    pub province_code: String,
    pub unit_path: String,
    pub name: String,
    /// `ntm_domain::text::search_key` of the name: catalogue order and uniqueness.
    pub search_key: String,
    /// OCOP product group 1–6 (QĐ 148); `None` when not known.
    pub product_group: Option<i32>,
    pub product_set: Option<String>,
    pub where_to_buy: Option<String>,
    pub photo_path: Option<String>,
    pub photo_type: Option<String>,
    /// Stars of the current (not superseded) decision.
    pub stars: Option<i32>,
    pub created_at: OffsetDateTime,
    pub created_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OcopDocumentRecord {
    pub id: Uuid,
    pub producer_id: Uuid,
    pub title: String,
    pub file_name: String,
    pub media_type: String,
    pub sha256: String,
    pub size: i64,
    pub stored_path: String,
    pub uploaded_by: String,
    pub created_at: OffsetDateTime,
}

macro_rules! producer_cols {
    () => {
        "id, unit_code, unit_path, province_code, kind, name, address, legal_id, phone, email, \
         owner_user_id, sample, created_at, created_by"
    };
}
macro_rules! product_cols {
    () => {
        "id, producer_id, province_code, unit_path, name, search_key, product_group, product_set, \
         where_to_buy, photo_path, photo_type, stars, created_at, created_by"
    };
}

fn fk_as_not_found(e: StoreError) -> StoreError {
    if e.is_foreign_key_violation() {
        StoreError::NotFound
    } else {
        e
    }
}

pub(crate) async fn insert_producer_tx(tx: &mut Tx, p: &OcopProducerRecord) -> Result<()> {
    tx.execute(sql!(
        concat!(
            "INSERT INTO ocop_producers (",
            producer_cols!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        ),
        p.id,
        p.unit_code.as_str(),
        p.unit_path.as_str(),
        p.province_code.as_str(),
        p.kind.clone(),
        p.name.as_str(),
        p.address.clone(),
        p.legal_id.clone(),
        p.phone.clone(),
        p.email.clone(),
        p.owner_user_id,
        p.sample,
        p.created_at,
        p.created_by.as_str(),
    ))
    .await
    .map_err(fk_as_not_found)?;
    Ok(())
}

pub(crate) async fn insert_product_tx(tx: &mut Tx, p: &OcopProductRecord) -> Result<()> {
    tx.execute(sql!(
        concat!(
            "INSERT INTO ocop_products (",
            product_cols!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
        ),
        p.id,
        p.producer_id,
        p.province_code.as_str(),
        p.unit_path.as_str(),
        p.name.as_str(),
        p.search_key.as_str(),
        p.product_group,
        p.product_set.clone(),
        p.where_to_buy.clone(),
        p.photo_path.clone(),
        p.photo_type.clone(),
        p.stars,
        p.created_at,
        p.created_by.as_str(),
    ))
    .await
    .map_err(|e| {
        fk_as_not_found(e)
            .conflict_as(|| format!("this producer already has a product named “{}”", p.name))
    })?;
    Ok(())
}

impl Db {
    pub async fn insert_ocop_producer(
        &self,
        p: &OcopProducerRecord,
        audit: NewAuditEntry,
    ) -> Result<OcopProducerRecord> {
        let mut tx = self.begin().await?;
        insert_producer_tx(&mut tx, p).await?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(OcopProducerRecord {
            created_at: db_time(p.created_at),
            ..p.clone()
        })
    }

    pub async fn insert_ocop_product(
        &self,
        p: &OcopProductRecord,
        audit: NewAuditEntry,
    ) -> Result<OcopProductRecord> {
        let mut tx = self.begin().await?;
        insert_product_tx(&mut tx, p).await?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(OcopProductRecord {
            created_at: db_time(p.created_at),
            ..p.clone()
        })
    }

    /// Sets where to buy a product and, when `photo` (stored path, media type) is given, its
    /// photo, with the audit entry; returns the product as stored. `NotFound` without it.
    pub async fn update_ocop_product_details(
        &self,
        id: Uuid,
        where_to_buy: Option<String>,
        photo: Option<(String, String)>,
        audit: NewAuditEntry,
    ) -> Result<OcopProductRecord> {
        let mut tx = self.begin().await?;
        let n = match photo {
            Some((path, media_type)) => {
                tx.execute(sql!(
                    "UPDATE ocop_products SET where_to_buy = $1, photo_path = $2, \
                     photo_type = $3 WHERE id = $4",
                    where_to_buy,
                    path,
                    media_type,
                    id
                ))
                .await?
            }
            None => {
                tx.execute(sql!(
                    "UPDATE ocop_products SET where_to_buy = $1 WHERE id = $2",
                    where_to_buy,
                    id
                ))
                .await?
            }
        };
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        append_audit_tx(&mut tx, audit).await?;
        let p: OcopProductRecord = tx
            .fetch_one(sql!(
                concat!(
                    "SELECT ",
                    product_cols!(),
                    " FROM ocop_products WHERE id = $1"
                ),
                id
            ))
            .await?;
        tx.commit().await?;
        Ok(p)
    }

    pub async fn ocop_producer(&self, id: Uuid) -> Result<Option<OcopProducerRecord>> {
        self.fetch_optional(sql!(
            concat!(
                "SELECT ",
                producer_cols!(),
                " FROM ocop_producers WHERE id = $1"
            ),
            id
        ))
        .await
    }

    /// Producers registered in a unit subtree (`path_prefix` like `/84/`), by name.
    pub async fn ocop_producers_under(&self, path_prefix: &str) -> Result<Vec<OcopProducerRecord>> {
        let pattern = format!("{}%", like_escape(path_prefix));
        self.fetch_all(sql!(
            concat!(
                "SELECT ",
                producer_cols!(),
                " FROM ocop_producers WHERE unit_path LIKE $1 ESCAPE '\\' ORDER BY name, id"
            ),
            pattern
        ))
        .await
    }

    /// Producers managed by a producer account.
    pub async fn ocop_producers_owned(&self, user_id: Uuid) -> Result<Vec<OcopProducerRecord>> {
        self.fetch_all(sql!(
            concat!(
                "SELECT ",
                producer_cols!(),
                " FROM ocop_producers WHERE owner_user_id = $1 ORDER BY name, id"
            ),
            user_id
        ))
        .await
    }

    pub async fn ocop_product(&self, id: Uuid) -> Result<Option<OcopProductRecord>> {
        self.fetch_optional(sql!(
            concat!(
                "SELECT ",
                product_cols!(),
                " FROM ocop_products WHERE id = $1"
            ),
            id
        ))
        .await
    }

    pub async fn ocop_products_of(&self, producer_id: Uuid) -> Result<Vec<OcopProductRecord>> {
        self.fetch_all(sql!(
            concat!(
                "SELECT ",
                product_cols!(),
                " FROM ocop_products WHERE producer_id = $1 ORDER BY search_key, id"
            ),
            producer_id
        ))
        .await
    }

    /// Products in a unit subtree, by name.
    pub async fn ocop_products_under(&self, path_prefix: &str) -> Result<Vec<OcopProductRecord>> {
        let pattern = format!("{}%", like_escape(path_prefix));
        self.fetch_all(sql!(
            concat!(
                "SELECT ",
                product_cols!(),
                " FROM ocop_products WHERE unit_path LIKE $1 ESCAPE '\\' ORDER BY search_key, id"
            ),
            pattern
        ))
        .await
    }

    /// Stores a dossier document of a producer (bytes already on disk).
    pub async fn insert_ocop_document(
        &self,
        d: &OcopDocumentRecord,
        audit: NewAuditEntry,
    ) -> Result<OcopDocumentRecord> {
        let mut tx = self.begin().await?;
        tx.execute(sql!(
            "INSERT INTO ocop_documents (id, producer_id, title, file_name, media_type, sha256, \
             size, stored_path, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
             $9, $10)",
            d.id,
            d.producer_id,
            d.title.as_str(),
            d.file_name.as_str(),
            d.media_type.as_str(),
            d.sha256.as_str(),
            d.size,
            d.stored_path.as_str(),
            d.uploaded_by.as_str(),
            d.created_at,
        ))
        .await
        .map_err(fk_as_not_found)?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(OcopDocumentRecord {
            created_at: db_time(d.created_at),
            ..d.clone()
        })
    }

    /// A producer's dossier documents, oldest first (reused by every round).
    pub async fn ocop_documents_of(&self, producer_id: Uuid) -> Result<Vec<OcopDocumentRecord>> {
        self.fetch_all(sql!(
            "SELECT id, producer_id, title, file_name, media_type, sha256, \
             CAST(size AS BIGINT) AS size, stored_path, \
             uploaded_by, created_at FROM ocop_documents WHERE producer_id = $1 \
             ORDER BY created_at, id",
            producer_id
        ))
        .await
    }
}
