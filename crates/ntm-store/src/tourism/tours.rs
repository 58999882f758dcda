//! Tours: ordered stops (point ids) written with the tour and its audit entry.

use ntm_domain::audit::NewAuditEntry;
use uuid::Uuid;

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, StoreError, Tx, db_time, sql};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TourismTourRecord {
    pub id: Uuid,
    pub unit_code: String,
    pub unit_path: String,
    pub province_code: String,
    pub title_vi: String,
    pub title_en: String,
    pub description_vi: String,
    pub description_en: String,
    /// `draft` or `published`.
    pub status: String,
    pub sample: bool,
    pub author: String,
    pub created_at: time::OffsetDateTime,
    pub updated_at: time::OffsetDateTime,
    pub version: i64,
}

macro_rules! select {
    () => {
        "SELECT id, unit_code, unit_path, province_code, title_vi, title_en, description_vi, \
         description_en, status, sample, author, created_at, updated_at, version FROM \
         tourism_tours"
    };
}

fn fix(r: TourismTourRecord) -> TourismTourRecord {
    TourismTourRecord {
        created_at: db_time(r.created_at),
        updated_at: db_time(r.updated_at),
        ..r
    }
}

async fn write_stops_tx(tx: &mut Tx, tour: Uuid, stops: &[Uuid]) -> Result<()> {
    tx.execute(sql!(
        "DELETE FROM tourism_tour_stops WHERE tour_id = $1",
        tour
    ))
    .await?;
    for (i, p) in stops.iter().enumerate() {
        tx.execute(sql!(
            "INSERT INTO tourism_tour_stops (tour_id, seq, point_id) VALUES ($1, $2, $3)",
            tour,
            i as i64 + 1,
            *p,
        ))
        .await?;
    }
    Ok(())
}

impl Db {
    /// A new tour with its stops and audit entry.
    pub async fn insert_tourism_tour(
        &self,
        t: &TourismTourRecord,
        stops: &[Uuid],
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.execute(sql!(
            "INSERT INTO tourism_tours (id, unit_code, unit_path, province_code, title_vi, \
             title_en, description_vi, description_en, status, sample, author, created_at, \
             updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
             $13, $14)",
            t.id,
            t.unit_code.as_str(),
            t.unit_path.as_str(),
            t.province_code.as_str(),
            t.title_vi.as_str(),
            t.title_en.as_str(),
            t.description_vi.as_str(),
            t.description_en.as_str(),
            t.status.as_str(),
            t.sample,
            t.author.as_str(),
            t.created_at,
            t.updated_at,
            t.version,
        ))
        .await?;
        write_stops_tx(&mut tx, t.id, stops).await?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }

    /// Writes the tour (and replaces its stops when given) on the version the editor saw.
    pub async fn update_tourism_tour(
        &self,
        t: &TourismTourRecord,
        expected_version: i64,
        stops: Option<&[Uuid]>,
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = tx
            .execute(sql!(
                "UPDATE tourism_tours SET title_vi = $3, title_en = $4, description_vi = $5, \
                 description_en = $6, status = $7, updated_at = $8, version = version + 1 \
                 WHERE id = $1 AND version = $2",
                t.id,
                expected_version,
                t.title_vi.as_str(),
                t.title_en.as_str(),
                t.description_vi.as_str(),
                t.description_en.as_str(),
                t.status.as_str(),
                t.updated_at,
            ))
            .await?;
        if n == 0 {
            let exists: Option<(Uuid,)> = tx
                .fetch_optional(sql!("SELECT id FROM tourism_tours WHERE id = $1", t.id))
                .await?;
            return Err(match exists {
                Some(_) => StoreError::Conflict(
                    "tuyến vừa được người khác sửa — the tour was changed meanwhile".into(),
                ),
                None => StoreError::NotFound,
            });
        }
        if let Some(stops) = stops {
            write_stops_tx(&mut tx, t.id, stops).await?;
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }

    pub async fn tourism_tour(&self, id: Uuid) -> Result<Option<TourismTourRecord>> {
        let r: Option<TourismTourRecord> = self
            .fetch_optional(sql!(concat!(select!(), " WHERE id = $1"), id))
            .await?;
        Ok(r.map(fix))
    }

    /// A commune's tours by title; published ones only when `published_only`.
    pub async fn tourism_tours(
        &self,
        unit_code: &str,
        published_only: bool,
    ) -> Result<Vec<TourismTourRecord>> {
        let rows: Vec<TourismTourRecord> = if published_only {
            self.fetch_all(sql!(
                concat!(
                    select!(),
                    " WHERE unit_code = $1 AND status = 'published' ORDER BY title_vi, id \
                     LIMIT 500"
                ),
                unit_code,
            ))
            .await?
        } else {
            self.fetch_all(sql!(
                concat!(
                    select!(),
                    " WHERE unit_code = $1 ORDER BY title_vi, id LIMIT 500"
                ),
                unit_code,
            ))
            .await?
        };
        Ok(rows.into_iter().map(fix).collect())
    }

    /// A tour's stops (point ids) in order.
    pub async fn tourism_tour_stops(&self, tour: Uuid) -> Result<Vec<Uuid>> {
        let rows: Vec<(Uuid,)> = self
            .fetch_all(sql!(
                "SELECT point_id FROM tourism_tour_stops WHERE tour_id = $1 ORDER BY seq",
                tour
            ))
            .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }
}
