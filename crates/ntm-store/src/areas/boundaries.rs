//! Unit boundaries: one outline per unit record, as GeoJSON text with its bounding box, and
//! the source and licence notice of the file it came from.

use ntm_domain::audit::NewAuditEntry;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, StoreError, db_time, sql};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct UnitBoundaryRecord {
    /// The unit record the outline belongs to.
    pub unit_id: Uuid,
    pub unit_code: String,
    /// The unit record's validity (the structure's date).
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
    pub geojson: String,
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
    pub source: String,
    pub licence: String,
    pub loaded_at: OffsetDateTime,
    pub loaded_by: String,
}

macro_rules! boundary_cols {
    () => {
        "unit_id, unit_code, valid_from, valid_to, geojson, min_lon, min_lat, max_lon, max_lat, \
         source, licence, loaded_at, loaded_by"
    };
}

impl Db {
    /// Stores outlines (replacing a unit's earlier one) with one audit entry: all or none.
    pub async fn upsert_unit_boundaries(
        &self,
        rows: &[UnitBoundaryRecord],
        audit: NewAuditEntry,
    ) -> Result<u64> {
        let mut tx = self.begin().await?;
        for b in rows {
            tx.execute(sql!(
                concat!(
                    "INSERT INTO unit_boundaries (",
                    boundary_cols!(),
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
                     ON CONFLICT (unit_id) DO UPDATE SET unit_code = excluded.unit_code, \
                     valid_from = excluded.valid_from, valid_to = excluded.valid_to, \
                     geojson = excluded.geojson, min_lon = excluded.min_lon, \
                     min_lat = excluded.min_lat, max_lon = excluded.max_lon, \
                     max_lat = excluded.max_lat, source = excluded.source, \
                     licence = excluded.licence, loaded_at = excluded.loaded_at, \
                     loaded_by = excluded.loaded_by"
                ),
                b.unit_id,
                b.unit_code.as_str(),
                b.valid_from,
                b.valid_to,
                b.geojson.as_str(),
                b.min_lon,
                b.min_lat,
                b.max_lon,
                b.max_lat,
                b.source.as_str(),
                b.licence.as_str(),
                b.loaded_at,
                b.loaded_by.as_str(),
            ))
            .await
            .map_err(|e| {
                if e.is_foreign_key_violation() {
                    StoreError::NotFound
                } else {
                    e
                }
            })?;
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(rows.len() as u64)
    }

    pub async fn unit_boundary(&self, unit_id: Uuid) -> Result<Option<UnitBoundaryRecord>> {
        self.fetch_optional(sql!(
            concat!(
                "SELECT ",
                boundary_cols!(),
                " FROM unit_boundaries WHERE unit_id = $1"
            ),
            unit_id
        ))
        .await
        .map(|r: Option<UnitBoundaryRecord>| {
            r.map(|b| UnitBoundaryRecord {
                loaded_at: db_time(b.loaded_at),
                ..b
            })
        })
    }

    /// How many outlines are stored.
    pub async fn unit_boundary_count(&self) -> Result<i64> {
        let (n,): (i64,) = self
            .fetch_one(sql!("SELECT COUNT(*) FROM unit_boundaries"))
            .await?;
        Ok(n)
    }
}
