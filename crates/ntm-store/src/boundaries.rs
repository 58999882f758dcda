//! Unit boundaries over time (migration 0024, `unit_boundary_periods`): a unit record's
//! outline valid from a date until the next period of the same record starts, as GeoJSON
//! text with its map copy (simplified at import), bounding box and label point, and the
//! source and licence notice of the file it came from.
//!
//! [`Db::unit_boundaries_on`] is the read the maps and the OGC API use: the units of a level
//! (of one province or the whole country) valid on a date, each with the boundary period
//! valid that day when there is one.

use ntm_domain::audit::NewAuditEntry;
use ntm_domain::units::Level;
use sea_query::ExprTrait;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, StoreError, db_time, sql};

/// One boundary period of a unit record.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct UnitBoundaryRecord {
    /// The unit record the outline belongs to.
    pub unit_id: Uuid,
    pub unit_code: String,
    /// First day of the period (the import's `--date`).
    pub valid_from: Date,
    /// Exclusive end: the next period's start; `None` while it is the latest.
    pub valid_to: Option<Date>,
    /// The checked geometry (Polygon or MultiPolygon).
    pub geojson: String,
    /// The copy drawn on maps (`ntm_domain::area::MAP_SIMPLIFY_DEG`).
    pub simplified: String,
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
    /// Where the unit's label goes (inside the outline).
    pub label_lon: f64,
    pub label_lat: f64,
    pub source: String,
    pub licence: String,
    pub loaded_at: OffsetDateTime,
    pub loaded_by: String,
}

/// One boundary to store: the period row and, when the import cuts a stored period, that
/// period's start (it now ends at `record.valid_from`).
#[derive(Debug, Clone)]
pub struct BoundaryWrite {
    pub record: UnitBoundaryRecord,
    pub closes: Option<Date>,
}

/// Boundaries stored from one source for one start date and level.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BoundarySummary {
    pub source: String,
    pub licence: String,
    pub valid_from: Date,
    pub level: String,
    pub boundaries: i64,
}

/// Which geometry [`Db::unit_boundaries_on`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoundaryGeometry {
    /// The map copy (small: the whole country's communes are about 4 MB of text).
    Simplified,
    /// The checked geometry as imported.
    Full,
}

/// A unit valid on a date and its boundary that day (if any).
#[derive(Debug, Clone, PartialEq)]
pub struct UnitShape {
    pub unit_id: Uuid,
    pub code: String,
    pub name: String,
    pub level: Level,
    pub parent_code: Option<String>,
    pub province_code: String,
    pub path: String,
    pub boundary: Option<ShapeOn>,
}

/// The boundary period valid on the date asked.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapeOn {
    /// GeoJSON geometry text (simplified or full, as asked).
    pub geometry: String,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
    pub label_lon: f64,
    pub label_lat: f64,
    pub source: String,
    pub licence: String,
}

#[derive(sqlx::FromRow)]
struct ShapeRow {
    unit_id: Uuid,
    code: String,
    name: String,
    level: String,
    parent_code: Option<String>,
    province_code: String,
    path: String,
    geometry: Option<String>,
    b_from: Option<Date>,
    b_to: Option<Date>,
    min_lon: Option<f64>,
    min_lat: Option<f64>,
    max_lon: Option<f64>,
    max_lat: Option<f64>,
    label_lon: Option<f64>,
    label_lat: Option<f64>,
    source: Option<String>,
    licence: Option<String>,
}

impl ShapeRow {
    fn into_shape(self) -> Result<UnitShape> {
        let level = Level::parse(&self.level)
            .ok_or_else(|| StoreError::Integrity(format!("unit level {:?}", self.level)))?;
        let boundary = match (
            self.geometry,
            self.b_from,
            self.min_lon,
            self.min_lat,
            self.max_lon,
            self.max_lat,
            self.label_lon,
            self.label_lat,
        ) {
            (
                Some(geometry),
                Some(valid_from),
                Some(min_lon),
                Some(min_lat),
                Some(max_lon),
                Some(max_lat),
                Some(label_lon),
                Some(label_lat),
            ) => Some(ShapeOn {
                geometry,
                valid_from,
                valid_to: self.b_to,
                min_lon,
                min_lat,
                max_lon,
                max_lat,
                label_lon,
                label_lat,
                source: self.source.unwrap_or_default(),
                licence: self.licence.unwrap_or_default(),
            }),
            _ => None,
        };
        Ok(UnitShape {
            unit_id: self.unit_id,
            code: self.code,
            name: self.name,
            level,
            parent_code: self.parent_code,
            province_code: self.province_code,
            path: self.path,
            boundary,
        })
    }
}

macro_rules! boundary_cols {
    () => {
        "unit_id, unit_code, valid_from, valid_to, geojson, simplified, min_lon, min_lat, \
         max_lon, max_lat, label_lon, label_lat, source, licence, loaded_at, loaded_by"
    };
}

/// The select of [`Db::unit_boundaries_on`], with `$GEOM` the geometry column.
macro_rules! shapes_on {
    ($geom:literal, $province:literal) => {
        concat!(
            "SELECT u.id AS unit_id, u.code, u.name, u.level, u.parent_code, u.province_code, \
             u.path, b.",
            $geom,
            " AS geometry, b.valid_from AS b_from, b.valid_to AS b_to, b.min_lon, b.min_lat, \
             b.max_lon, b.max_lat, b.label_lon, b.label_lat, b.source, b.licence \
             FROM units u LEFT JOIN unit_boundary_periods b ON b.unit_id = u.id \
             AND b.valid_from <= $1 AND (b.valid_to IS NULL OR $1 < b.valid_to) \
             WHERE u.level = $2 AND (u.valid_from IS NULL OR u.valid_from <= $1) \
             AND (u.valid_to IS NULL OR $1 < u.valid_to)",
            $province,
            " ORDER BY u.code"
        )
    };
}

fn fixed(b: UnitBoundaryRecord) -> UnitBoundaryRecord {
    UnitBoundaryRecord {
        loaded_at: db_time(b.loaded_at),
        ..b
    }
}

impl Db {
    /// Stores boundary periods with one audit entry: all or none. A period starting on the
    /// same day as a stored one of the same record replaces it; `closes` cuts the stored
    /// period that covered the new start.
    pub async fn store_unit_boundaries(
        &self,
        writes: &[BoundaryWrite],
        audit: NewAuditEntry,
    ) -> Result<u64> {
        let mut tx = self.begin().await?;
        for w in writes {
            let b = &w.record;
            if let Some(from) = w.closes {
                tx.execute(sql!(
                    "UPDATE unit_boundary_periods SET valid_to = $3 \
                     WHERE unit_id = $1 AND valid_from = $2",
                    b.unit_id,
                    from,
                    b.valid_from
                ))
                .await?;
            }
            tx.execute(sql!(
                concat!(
                    "INSERT INTO unit_boundary_periods (",
                    boundary_cols!(),
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
                     $15, $16) ON CONFLICT (unit_id, valid_from) DO UPDATE SET \
                     unit_code = excluded.unit_code, valid_to = excluded.valid_to, \
                     geojson = excluded.geojson, simplified = excluded.simplified, \
                     min_lon = excluded.min_lon, min_lat = excluded.min_lat, \
                     max_lon = excluded.max_lon, max_lat = excluded.max_lat, \
                     label_lon = excluded.label_lon, label_lat = excluded.label_lat, \
                     source = excluded.source, licence = excluded.licence, \
                     loaded_at = excluded.loaded_at, loaded_by = excluded.loaded_by"
                ),
                b.unit_id,
                b.unit_code.as_str(),
                b.valid_from,
                b.valid_to,
                b.geojson.as_str(),
                b.simplified.as_str(),
                b.min_lon,
                b.min_lat,
                b.max_lon,
                b.max_lat,
                b.label_lon,
                b.label_lat,
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
        tx.execute(sql!("UPDATE boundary_stamp SET n = n + 1 WHERE id = 1"))
            .await?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(writes.len() as u64)
    }

    /// Changes whenever the units or their boundaries can have changed: (the number of
    /// applied unit lists, as [`Db::units_fingerprint`]; the boundary imports, a counter
    /// bumped in each import's transaction). One small read: what a kept placing of the map
    /// depends on.
    pub async fn structure_stamp(&self) -> Result<(i64, i64)> {
        let row: (i64, i64) = self
            .fetch_one(sql!(
                "SELECT (SELECT COUNT(*) FROM unit_snapshots), \
                 (SELECT n FROM boundary_stamp WHERE id = 1)"
            ))
            .await?;
        Ok(row)
    }

    /// Every stored period's `(unit record, start, end)` of these records (the import plans
    /// new periods from them).
    pub async fn unit_boundary_periods(
        &self,
        unit_ids: &[Uuid],
    ) -> Result<Vec<(Uuid, Date, Option<Date>)>> {
        let mut out = Vec::new();
        for chunk in unit_ids.chunks(500) {
            let q = sea_query::Query::select()
                .columns(["unit_id", "valid_from", "valid_to"])
                .from("unit_boundary_periods")
                .and_where(sea_query::Expr::col("unit_id").is_in(chunk.iter().copied()))
                .to_owned();
            let rows: Vec<(Uuid, Date, Option<Date>)> = self.fetch_all(&q).await?;
            out.extend(rows);
        }
        Ok(out)
    }

    /// The record's boundary valid on `date`.
    pub async fn unit_boundary_on(
        &self,
        unit_id: Uuid,
        date: Date,
    ) -> Result<Option<UnitBoundaryRecord>> {
        self.fetch_optional(sql!(
            concat!(
                "SELECT ",
                boundary_cols!(),
                " FROM unit_boundary_periods WHERE unit_id = $1 AND valid_from <= $2 \
                 AND (valid_to IS NULL OR $2 < valid_to)"
            ),
            unit_id,
            date
        ))
        .await
        .map(|r: Option<UnitBoundaryRecord>| r.map(fixed))
    }

    /// The record's latest boundary (the one areas are checked against).
    pub async fn unit_boundary(&self, unit_id: Uuid) -> Result<Option<UnitBoundaryRecord>> {
        self.fetch_optional(sql!(
            concat!(
                "SELECT ",
                boundary_cols!(),
                " FROM unit_boundary_periods WHERE unit_id = $1 \
                 ORDER BY valid_from DESC LIMIT 1"
            ),
            unit_id
        ))
        .await
        .map(|r: Option<UnitBoundaryRecord>| r.map(fixed))
    }

    /// Every period of a record, oldest first.
    pub async fn unit_boundary_history(&self, unit_id: Uuid) -> Result<Vec<UnitBoundaryRecord>> {
        self.fetch_all(sql!(
            concat!(
                "SELECT ",
                boundary_cols!(),
                " FROM unit_boundary_periods WHERE unit_id = $1 ORDER BY valid_from"
            ),
            unit_id
        ))
        .await
        .map(|r: Vec<UnitBoundaryRecord>| r.into_iter().map(fixed).collect())
    }

    /// What is stored, per source file, start date and level: `(source, licence, valid_from,
    /// level, periods)`, by start then source.
    pub async fn unit_boundary_summary(&self) -> Result<Vec<BoundarySummary>> {
        self.fetch_all(sql!(
            "SELECT b.source, b.licence, b.valid_from, u.level, COUNT(*) AS boundaries \
             FROM unit_boundary_periods b JOIN units u ON u.id = b.unit_id \
             GROUP BY b.source, b.licence, b.valid_from, u.level \
             ORDER BY b.valid_from, b.source, u.level"
        ))
        .await
    }

    /// How many boundary periods are stored.
    pub async fn unit_boundary_count(&self) -> Result<i64> {
        let (n,): (i64,) = self
            .fetch_one(sql!("SELECT COUNT(*) FROM unit_boundary_periods"))
            .await?;
        Ok(n)
    }

    /// The units of `level` valid on `date` — of one province (`Some(code)`: the records
    /// whose `province_code` is that code, the province itself for `Level::Province`) or of
    /// the whole country (`None`) — ordered by code, each with its boundary period valid on
    /// `date` (`None`: no boundary stored for that day). One query.
    pub async fn unit_boundaries_on(
        &self,
        province: Option<&str>,
        level: Level,
        date: Date,
        geometry: BoundaryGeometry,
    ) -> Result<Vec<UnitShape>> {
        let rows: Vec<ShapeRow> = match (province, geometry) {
            (None, BoundaryGeometry::Simplified) => {
                self.fetch_all(sql!(shapes_on!("simplified", ""), date, level.as_str()))
                    .await?
            }
            (None, BoundaryGeometry::Full) => {
                self.fetch_all(sql!(shapes_on!("geojson", ""), date, level.as_str()))
                    .await?
            }
            (Some(p), BoundaryGeometry::Simplified) => {
                self.fetch_all(sql!(
                    shapes_on!("simplified", " AND u.province_code = $3"),
                    date,
                    level.as_str(),
                    p
                ))
                .await?
            }
            (Some(p), BoundaryGeometry::Full) => {
                self.fetch_all(sql!(
                    shapes_on!("geojson", " AND u.province_code = $3"),
                    date,
                    level.as_str(),
                    p
                ))
                .await?
            }
        };
        rows.into_iter().map(ShapeRow::into_shape).collect()
    }
}
