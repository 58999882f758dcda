//! Raw-material areas (migration 0021): the area with its polygon, its owners (OCOP producer
//! records), certifications and seasons. Unit boundaries are in `boundaries.rs`.

use ntm_domain::audit::NewAuditEntry;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::OcopProducerRecord;
use crate::audit::append_audit_tx;
use crate::db::{Db, Result, StoreError, Tx, db_time, like_escape, sql};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AreaRecord {
    pub id: Uuid,
    /// Upper-cased, unique within the province.
    pub code: String,
    pub unit_code: String,
    /// Path of the commune when the area was registered (subtree scoping).
    pub unit_path: String,
    pub province_code: String,
    pub crop: String,
    /// Declared area in hundredths of a hectare.
    pub hectares_x100: i64,
    /// Geodesic area of the polygon, hectares.
    pub computed_ha: f64,
    /// The polygon (GeoJSON geometry text, WGS84).
    pub geojson: String,
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
    /// Was the polygon checked against a stored boundary of its commune?
    pub boundary_checked: bool,
    pub sample: bool,
    pub created_at: OffsetDateTime,
    pub created_by: String,
    pub updated_at: OffsetDateTime,
    pub updated_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AreaCertificationRecord {
    pub id: Uuid,
    pub area_id: Uuid,
    /// `vietgap`, `globalgap`, `organic`, `other`.
    pub kind: String,
    pub scheme: Option<String>,
    pub certificate_no: String,
    pub issuer: String,
    pub valid_from: Date,
    /// The last valid day.
    pub valid_until: Date,
    pub created_at: OffsetDateTime,
    pub created_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AreaSeasonRecord {
    pub id: Uuid,
    pub area_id: Uuid,
    pub name: String,
    pub crop: Option<String>,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub created_at: OffsetDateTime,
    pub created_by: String,
}

macro_rules! area_cols {
    () => {
        "id, code, unit_code, unit_path, province_code, crop, hectares_x100, computed_ha, \
         geojson, min_lon, min_lat, max_lon, max_lat, boundary_checked, sample, created_at, \
         created_by, updated_at, updated_by"
    };
}

fn area_conflict(e: StoreError, code: &str) -> StoreError {
    if e.is_foreign_key_violation() {
        return StoreError::NotFound;
    }
    e.conflict_as(|| format!("an area with code “{code}” is already registered in this province"))
}

async fn set_owners_tx(tx: &mut Tx, area_id: Uuid, owners: &[Uuid]) -> Result<()> {
    tx.execute(sql!(
        "DELETE FROM area_producers WHERE area_id = $1",
        area_id
    ))
    .await?;
    for p in owners {
        tx.execute(sql!(
            "INSERT INTO area_producers (area_id, producer_id) VALUES ($1, $2)",
            area_id,
            *p
        ))
        .await
        .map_err(|e| {
            if e.is_foreign_key_violation() {
                StoreError::NotFound
            } else {
                e.conflict_as(|| "a producer is listed twice".into())
            }
        })?;
    }
    Ok(())
}

impl Db {
    /// Registers an area with its owners, and the audit entry, in one transaction.
    pub async fn insert_area(
        &self,
        a: &AreaRecord,
        owners: &[Uuid],
        audit: NewAuditEntry,
    ) -> Result<AreaRecord> {
        let mut tx = self.begin().await?;
        tx.execute(sql!(
            concat!(
                "INSERT INTO areas (",
                area_cols!(),
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
                 $16, $17, $18, $19)"
            ),
            a.id,
            a.code.as_str(),
            a.unit_code.as_str(),
            a.unit_path.as_str(),
            a.province_code.as_str(),
            a.crop.as_str(),
            a.hectares_x100,
            a.computed_ha,
            a.geojson.as_str(),
            a.min_lon,
            a.min_lat,
            a.max_lon,
            a.max_lat,
            a.boundary_checked,
            a.sample,
            a.created_at,
            a.created_by.as_str(),
            a.updated_at,
            a.updated_by.as_str(),
        ))
        .await
        .map_err(|e| area_conflict(e, &a.code))?;
        set_owners_tx(&mut tx, a.id, owners).await?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(AreaRecord {
            created_at: db_time(a.created_at),
            updated_at: db_time(a.updated_at),
            ..a.clone()
        })
    }

    /// Replaces an area's editable fields (code, crop, hectares, polygon) and, when given,
    /// its owners; `NotFound` when there is no such area.
    pub async fn update_area(
        &self,
        a: &AreaRecord,
        owners: Option<&[Uuid]>,
        audit: NewAuditEntry,
    ) -> Result<AreaRecord> {
        let mut tx = self.begin().await?;
        let n = tx
            .execute(sql!(
                "UPDATE areas SET code = $2, crop = $3, hectares_x100 = $4, computed_ha = $5, \
                 geojson = $6, min_lon = $7, min_lat = $8, max_lon = $9, max_lat = $10, \
                 boundary_checked = $11, updated_at = $12, updated_by = $13 WHERE id = $1",
                a.id,
                a.code.as_str(),
                a.crop.as_str(),
                a.hectares_x100,
                a.computed_ha,
                a.geojson.as_str(),
                a.min_lon,
                a.min_lat,
                a.max_lon,
                a.max_lat,
                a.boundary_checked,
                a.updated_at,
                a.updated_by.as_str(),
            ))
            .await
            .map_err(|e| area_conflict(e, &a.code))?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        if let Some(owners) = owners {
            set_owners_tx(&mut tx, a.id, owners).await?;
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(AreaRecord {
            created_at: db_time(a.created_at),
            updated_at: db_time(a.updated_at),
            ..a.clone()
        })
    }

    pub async fn area(&self, id: Uuid) -> Result<Option<AreaRecord>> {
        self.fetch_optional(sql!(
            concat!("SELECT ", area_cols!(), " FROM areas WHERE id = $1"),
            id
        ))
        .await
    }

    /// Areas registered in a unit subtree (`path_prefix` like `/84/`), by code.
    pub async fn areas_under(&self, path_prefix: &str) -> Result<Vec<AreaRecord>> {
        let pattern = format!("{}%", like_escape(path_prefix));
        self.fetch_all(sql!(
            concat!(
                "SELECT ",
                area_cols!(),
                " FROM areas WHERE unit_path LIKE $1 ESCAPE '\\' ORDER BY code, id"
            ),
            pattern
        ))
        .await
    }

    /// Areas owned by a producer record.
    pub async fn areas_of_producer(&self, producer_id: Uuid) -> Result<Vec<AreaRecord>> {
        self.fetch_all(sql!(
            "SELECT a.id, a.code, a.unit_code, a.unit_path, a.province_code, a.crop, \
             a.hectares_x100, a.computed_ha, a.geojson, a.min_lon, a.min_lat, a.max_lon, \
             a.max_lat, a.boundary_checked, a.sample, a.created_at, a.created_by, a.updated_at, \
             a.updated_by FROM areas a JOIN area_producers ap ON ap.area_id = a.id \
             WHERE ap.producer_id = $1 ORDER BY a.code, a.id",
            producer_id
        ))
        .await
    }

    /// The producer records owning an area, by name.
    pub async fn area_owners(&self, area_id: Uuid) -> Result<Vec<OcopProducerRecord>> {
        self.fetch_all(sql!(
            "SELECT p.id, p.unit_code, p.unit_path, p.province_code, p.kind, p.name, p.address, \
             p.legal_id, p.phone, p.email, p.owner_user_id, p.sample, p.created_at, \
             p.created_by FROM ocop_producers p JOIN area_producers ap ON ap.producer_id = p.id \
             WHERE ap.area_id = $1 ORDER BY p.name, p.id",
            area_id
        ))
        .await
    }

    pub async fn insert_area_certification(
        &self,
        c: &AreaCertificationRecord,
        audit: NewAuditEntry,
    ) -> Result<AreaCertificationRecord> {
        let mut tx = self.begin().await?;
        tx.execute(sql!(
            "INSERT INTO area_certifications (id, area_id, kind, scheme, certificate_no, issuer, \
             valid_from, valid_until, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, \
             $7, $8, $9, $10)",
            c.id,
            c.area_id,
            c.kind.as_str(),
            c.scheme.clone(),
            c.certificate_no.as_str(),
            c.issuer.as_str(),
            c.valid_from,
            c.valid_until,
            c.created_at,
            c.created_by.as_str(),
        ))
        .await
        .map_err(|e| {
            if e.is_foreign_key_violation() {
                StoreError::NotFound
            } else {
                e
            }
        })?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(AreaCertificationRecord {
            created_at: db_time(c.created_at),
            ..c.clone()
        })
    }

    /// An area's certifications, latest validity first.
    pub async fn area_certifications(&self, area_id: Uuid) -> Result<Vec<AreaCertificationRecord>> {
        self.fetch_all(sql!(
            "SELECT id, area_id, kind, scheme, certificate_no, issuer, valid_from, valid_until, \
             created_at, created_by FROM area_certifications WHERE area_id = $1 \
             ORDER BY valid_until DESC, id",
            area_id
        ))
        .await
    }

    pub async fn insert_area_season(
        &self,
        s: &AreaSeasonRecord,
        audit: NewAuditEntry,
    ) -> Result<AreaSeasonRecord> {
        let mut tx = self.begin().await?;
        tx.execute(sql!(
            "INSERT INTO area_seasons (id, area_id, name, crop, starts_on, ends_on, created_at, \
             created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            s.id,
            s.area_id,
            s.name.as_str(),
            s.crop.clone(),
            s.starts_on,
            s.ends_on,
            s.created_at,
            s.created_by.as_str(),
        ))
        .await
        .map_err(|e| {
            if e.is_foreign_key_violation() {
                StoreError::NotFound
            } else {
                e
            }
        })?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(AreaSeasonRecord {
            created_at: db_time(s.created_at),
            ..s.clone()
        })
    }

    /// An area's seasons, latest first.
    pub async fn area_seasons(&self, area_id: Uuid) -> Result<Vec<AreaSeasonRecord>> {
        self.fetch_all(sql!(
            "SELECT id, area_id, name, crop, starts_on, ends_on, created_at, created_by \
             FROM area_seasons WHERE area_id = $1 ORDER BY starts_on DESC, id",
            area_id
        ))
        .await
    }
}
