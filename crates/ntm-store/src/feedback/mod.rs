//! Citizens' feedback (migration 0026): categories per province, routing rules, reports with
//! their history, photos and answer templates. `reports.rs` writes reports and their steps,
//! `list.rs` the officers' keyset-paged list and the reads behind measures and duplicates.

mod bench_seed;
mod list;
mod reports;

use ntm_domain::audit::NewAuditEntry;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, StoreError, db_time, sql};

pub use list::{FeedbackFilter, FeedbackListRow};
pub use reports::{FeedbackEventRecord, FeedbackPhotoRecord, FeedbackReportRecord, FeedbackStep};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FeedbackCategoryRecord {
    pub id: Uuid,
    pub province_code: String,
    /// The Open311 `service_code`.
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub description: String,
    pub deadline_days: i64,
    pub active: bool,
    pub created_at: OffsetDateTime,
    pub created_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FeedbackRouteRecord {
    pub id: Uuid,
    pub province_code: String,
    pub category_code: Option<String>,
    pub area_path: String,
    pub responsible_code: String,
    pub responsible_path: String,
    pub created_at: OffsetDateTime,
    pub created_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FeedbackTemplateRecord {
    pub id: Uuid,
    pub province_code: String,
    pub title: String,
    pub body: String,
    pub created_at: OffsetDateTime,
    pub created_by: String,
}

impl Db {
    /// Adds a category, or replaces the names, description, limit and active flag of the
    /// province's category with the same code.
    pub async fn upsert_feedback_category(
        &self,
        c: &FeedbackCategoryRecord,
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = tx
            .execute(sql!(
                "UPDATE feedback_categories SET name_vi = $3, name_en = $4, description = $5, \
                 deadline_days = $6, active = $7 WHERE province_code = $1 AND code = $2",
                c.province_code.as_str(),
                c.code.as_str(),
                c.name_vi.as_str(),
                c.name_en.as_str(),
                c.description.as_str(),
                c.deadline_days,
                c.active,
            ))
            .await?;
        if n == 0 {
            tx.execute(sql!(
                "INSERT INTO feedback_categories (id, province_code, code, name_vi, name_en, \
                 description, deadline_days, active, created_at, created_by) VALUES ($1, $2, \
                 $3, $4, $5, $6, $7, $8, $9, $10)",
                c.id,
                c.province_code.as_str(),
                c.code.as_str(),
                c.name_vi.as_str(),
                c.name_en.as_str(),
                c.description.as_str(),
                c.deadline_days,
                c.active,
                c.created_at,
                c.created_by.as_str(),
            ))
            .await?;
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }

    /// A province's categories (active and not), by code.
    pub async fn feedback_categories(&self, province: &str) -> Result<Vec<FeedbackCategoryRecord>> {
        self.fetch_all(sql!(
            "SELECT id, province_code, code, name_vi, name_en, description, deadline_days, \
             active, created_at, created_by FROM feedback_categories WHERE province_code = $1 \
             ORDER BY code",
            province
        ))
        .await
    }

    /// Provinces that have at least one active category.
    pub async fn feedback_provinces(&self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = self
            .fetch_all(sql!(
                "SELECT DISTINCT province_code FROM feedback_categories WHERE active \
                 ORDER BY province_code"
            ))
            .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    pub async fn insert_feedback_route(
        &self,
        r: &FeedbackRouteRecord,
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.execute(sql!(
            "INSERT INTO feedback_routes (id, province_code, category_code, area_path, \
             responsible_code, responsible_path, created_at, created_by) VALUES ($1, $2, $3, \
             $4, $5, $6, $7, $8)",
            r.id,
            r.province_code.as_str(),
            r.category_code.clone(),
            r.area_path.as_str(),
            r.responsible_code.as_str(),
            r.responsible_path.as_str(),
            r.created_at,
            r.created_by.as_str(),
        ))
        .await?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }

    /// Deletes a routing rule of the province; `NotFound` when there is none.
    pub async fn delete_feedback_route(
        &self,
        province: &str,
        id: Uuid,
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = tx
            .execute(sql!(
                "DELETE FROM feedback_routes WHERE id = $1 AND province_code = $2",
                id,
                province
            ))
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }

    pub async fn feedback_routes(&self, province: &str) -> Result<Vec<FeedbackRouteRecord>> {
        self.fetch_all(sql!(
            "SELECT id, province_code, category_code, area_path, responsible_code, \
             responsible_path, created_at, created_by FROM feedback_routes \
             WHERE province_code = $1 ORDER BY area_path, category_code, id",
            province
        ))
        .await
    }

    pub async fn insert_feedback_template(
        &self,
        t: &FeedbackTemplateRecord,
        audit: NewAuditEntry,
    ) -> Result<FeedbackTemplateRecord> {
        let mut tx = self.begin().await?;
        tx.execute(sql!(
            "INSERT INTO feedback_templates (id, province_code, title, body, created_at, \
             created_by) VALUES ($1, $2, $3, $4, $5, $6)",
            t.id,
            t.province_code.as_str(),
            t.title.as_str(),
            t.body.as_str(),
            t.created_at,
            t.created_by.as_str(),
        ))
        .await?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(FeedbackTemplateRecord {
            created_at: db_time(t.created_at),
            ..t.clone()
        })
    }

    pub async fn feedback_templates(&self, province: &str) -> Result<Vec<FeedbackTemplateRecord>> {
        self.fetch_all(sql!(
            "SELECT id, province_code, title, body, created_at, created_by FROM \
             feedback_templates WHERE province_code = $1 ORDER BY title, id",
            province
        ))
        .await
    }
}

/// A current unit outline whose bounding box holds a point.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OutlineHit {
    pub unit_code: String,
    pub geojson: String,
}

impl Db {
    /// How many current units of a province have a stored outline.
    pub async fn feedback_outline_count(&self, province: &str) -> Result<i64> {
        let (n,): (i64,) = self
            .fetch_one(sql!(
                "SELECT COUNT(*) FROM unit_boundary_periods b JOIN units u ON u.id = b.unit_id \
                 WHERE u.province_code = $1 AND u.valid_to IS NULL AND b.valid_to IS NULL",
                province
            ))
            .await?;
        Ok(n)
    }

    /// The current outlines of a province whose bounding box, widened by `margin` degrees,
    /// holds the point.
    pub async fn feedback_outlines_at(
        &self,
        province: &str,
        lat: f64,
        lon: f64,
        margin: f64,
    ) -> Result<Vec<OutlineHit>> {
        self.fetch_all(sql!(
            "SELECT b.unit_code, b.geojson FROM unit_boundary_periods b \
             JOIN units u ON u.id = b.unit_id \
             WHERE u.province_code = $1 AND u.valid_to IS NULL AND b.valid_to IS NULL \
             AND b.min_lat <= $2 \
             AND b.max_lat >= $3 AND b.min_lon <= $4 AND b.max_lon >= $5 ORDER BY b.unit_code",
            province,
            lat + margin,
            lat - margin,
            lon + margin,
            lon - margin
        ))
        .await
    }
}
