//! Points: written with their new photos, audio (one per language, replaced) and OCOP
//! products (the whole set, replaced) in one transaction with the audit entry.

use ntm_domain::audit::NewAuditEntry;
use sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, StoreError, Tx, db_time, sql};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TourismPointRecord {
    pub id: Uuid,
    pub unit_code: String,
    pub unit_path: String,
    pub province_code: String,
    /// `ntm_domain::tourism::PointKind` code.
    pub kind: String,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    /// Checked inside the commune's stored boundary (none was stored when `false`).
    pub boundary_checked: bool,
    pub address: String,
    pub opening: String,
    pub contact: String,
    pub narration_vi: String,
    pub narration_en: String,
    /// `draft` or `published`.
    pub status: String,
    pub sample: bool,
    pub published_at: Option<OffsetDateTime>,
    pub author: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TourismPhotoRecord {
    pub id: Uuid,
    pub point_id: Uuid,
    pub sha256: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TourismAudioRecord {
    pub point_id: Uuid,
    /// `vi` or `en`.
    pub lang: String,
    pub sha256: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: OffsetDateTime,
}

/// What a point's write adds or replaces beside the row.
#[derive(Debug, Clone, Default)]
pub struct TourismPointWrite<'a> {
    pub photos: &'a [TourismPhotoRecord],
    /// Replaces the audio of its language.
    pub audio: &'a [TourismAudioRecord],
    /// Replaces the point's OCOP products when given.
    pub products: Option<&'a [Uuid]>,
}

/// Which points to list (by name, then id).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TourismPointFilter {
    pub unit_code: Option<String>,
    pub published_only: bool,
    pub limit: u64,
}

const COLUMNS: [&str; 21] = [
    "id",
    "unit_code",
    "unit_path",
    "province_code",
    "kind",
    "name",
    "lon",
    "lat",
    "boundary_checked",
    "address",
    "opening",
    "contact",
    "narration_vi",
    "narration_en",
    "status",
    "sample",
    "published_at",
    "author",
    "created_at",
    "updated_at",
    "version",
];

fn select() -> SelectStatement {
    let mut q = Query::select();
    for c in COLUMNS {
        q.column(Alias::new(c));
    }
    q.from("tourism_points");
    q
}

fn fix(r: TourismPointRecord) -> TourismPointRecord {
    TourismPointRecord {
        published_at: r.published_at.map(db_time),
        created_at: db_time(r.created_at),
        updated_at: db_time(r.updated_at),
        ..r
    }
}

async fn write_parts_tx(tx: &mut Tx, point: Uuid, w: &TourismPointWrite<'_>) -> Result<()> {
    for p in w.photos {
        tx.execute(sql!(
            "INSERT INTO tourism_point_photos (id, point_id, sha256, content_type, size, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            p.id,
            point,
            p.sha256.as_str(),
            p.content_type.as_str(),
            p.size,
            p.created_at,
        ))
        .await?;
    }
    for a in w.audio {
        tx.execute(sql!(
            "DELETE FROM tourism_point_audio WHERE point_id = $1 AND lang = $2",
            point,
            a.lang.as_str(),
        ))
        .await?;
        tx.execute(sql!(
            "INSERT INTO tourism_point_audio (point_id, lang, sha256, content_type, size, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            point,
            a.lang.as_str(),
            a.sha256.as_str(),
            a.content_type.as_str(),
            a.size,
            a.created_at,
        ))
        .await?;
    }
    if let Some(products) = w.products {
        tx.execute(sql!(
            "DELETE FROM tourism_point_products WHERE point_id = $1",
            point
        ))
        .await?;
        for pr in products {
            tx.execute(sql!(
                "INSERT INTO tourism_point_products (point_id, product_id) VALUES ($1, $2)",
                point,
                *pr,
            ))
            .await?;
        }
    }
    Ok(())
}

impl Db {
    /// A new point with its photos, audio, products and audit entry.
    pub async fn insert_tourism_point(
        &self,
        p: &TourismPointRecord,
        parts: &TourismPointWrite<'_>,
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.execute(sql!(
            "INSERT INTO tourism_points (id, unit_code, unit_path, province_code, kind, name, \
             lon, lat, boundary_checked, address, opening, contact, narration_vi, \
             narration_en, status, sample, published_at, author, created_at, updated_at, \
             version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
             $15, $16, $17, $18, $19, $20, $21)",
            p.id,
            p.unit_code.as_str(),
            p.unit_path.as_str(),
            p.province_code.as_str(),
            p.kind.as_str(),
            p.name.as_str(),
            p.lon,
            p.lat,
            p.boundary_checked,
            p.address.as_str(),
            p.opening.as_str(),
            p.contact.as_str(),
            p.narration_vi.as_str(),
            p.narration_en.as_str(),
            p.status.as_str(),
            p.sample,
            p.published_at,
            p.author.as_str(),
            p.created_at,
            p.updated_at,
            p.version,
        ))
        .await?;
        write_parts_tx(&mut tx, p.id, parts).await?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }

    /// Writes the point's fields (not its unit, author or creation) if its version is still
    /// `expected_version`; the stored version goes up by one. `Conflict` when someone saved
    /// it in between, `NotFound` when there is no such point.
    pub async fn update_tourism_point(
        &self,
        p: &TourismPointRecord,
        expected_version: i64,
        parts: &TourismPointWrite<'_>,
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = tx
            .execute(sql!(
                "UPDATE tourism_points SET kind = $3, name = $4, lon = $5, lat = $6, \
                 boundary_checked = $7, address = $8, opening = $9, contact = $10, \
                 narration_vi = $11, narration_en = $12, status = $13, published_at = $14, \
                 updated_at = $15, version = version + 1 WHERE id = $1 AND version = $2",
                p.id,
                expected_version,
                p.kind.as_str(),
                p.name.as_str(),
                p.lon,
                p.lat,
                p.boundary_checked,
                p.address.as_str(),
                p.opening.as_str(),
                p.contact.as_str(),
                p.narration_vi.as_str(),
                p.narration_en.as_str(),
                p.status.as_str(),
                p.published_at,
                p.updated_at,
            ))
            .await?;
        if n == 0 {
            let exists: Option<(Uuid,)> = tx
                .fetch_optional(sql!("SELECT id FROM tourism_points WHERE id = $1", p.id))
                .await?;
            return Err(match exists {
                Some(_) => StoreError::Conflict(
                    "điểm du lịch vừa được người khác sửa — the point was changed meanwhile".into(),
                ),
                None => StoreError::NotFound,
            });
        }
        write_parts_tx(&mut tx, p.id, parts).await?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }

    pub async fn tourism_point(&self, id: Uuid) -> Result<Option<TourismPointRecord>> {
        let mut q = select();
        q.and_where(Expr::col("id").eq(id));
        let r: Option<TourismPointRecord> = self.fetch_optional(&q).await?;
        Ok(r.map(fix))
    }

    /// Points by name (see [`TourismPointFilter`]).
    pub async fn tourism_points(&self, f: &TourismPointFilter) -> Result<Vec<TourismPointRecord>> {
        let mut q = select();
        if let Some(u) = &f.unit_code {
            q.and_where(Expr::col("unit_code").eq(u.as_str()));
        }
        if f.published_only {
            q.and_where(Expr::col("status").eq("published"));
        }
        q.order_by(Alias::new("name"), Order::Asc);
        q.order_by(Alias::new("id"), Order::Asc);
        q.limit(std::cmp::max(f.limit, 1));
        let rows: Vec<TourismPointRecord> = self.fetch_all(&q).await?;
        Ok(rows.into_iter().map(fix).collect())
    }

    /// These points (unknown ids are skipped), in the order of `ids`.
    pub async fn tourism_points_by_ids(&self, ids: &[Uuid]) -> Result<Vec<TourismPointRecord>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut q = select();
            q.and_where(Expr::col("id").is_in(chunk.iter().copied()));
            let rows: Vec<TourismPointRecord> = self.fetch_all(&q).await?;
            out.extend(rows.into_iter().map(fix));
        }
        out.sort_by_key(|r| ids.iter().position(|i| *i == r.id));
        Ok(out)
    }

    /// A point's photos, oldest first.
    pub async fn tourism_point_photos(&self, point: Uuid) -> Result<Vec<TourismPhotoRecord>> {
        self.fetch_all(sql!(
            "SELECT id, point_id, sha256, content_type, size, created_at FROM \
             tourism_point_photos WHERE point_id = $1 ORDER BY created_at, id",
            point
        ))
        .await
    }

    pub async fn tourism_photo(&self, id: Uuid) -> Result<Option<TourismPhotoRecord>> {
        self.fetch_optional(sql!(
            "SELECT id, point_id, sha256, content_type, size, created_at FROM \
             tourism_point_photos WHERE id = $1",
            id
        ))
        .await
    }

    /// A point's narration audio, one per language.
    pub async fn tourism_point_audio(&self, point: Uuid) -> Result<Vec<TourismAudioRecord>> {
        self.fetch_all(sql!(
            "SELECT point_id, lang, sha256, content_type, size, created_at FROM \
             tourism_point_audio WHERE point_id = $1 ORDER BY lang",
            point
        ))
        .await
    }

    /// The OCOP products sold at a point.
    pub async fn tourism_point_products(&self, point: Uuid) -> Result<Vec<Uuid>> {
        let rows: Vec<(Uuid,)> = self
            .fetch_all(sql!(
                "SELECT product_id FROM tourism_point_products WHERE point_id = $1 \
                 ORDER BY product_id",
                point
            ))
            .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// When a point last changed (published or taken back): the open-data catalogue's `dct:modified`.
    pub async fn tourism_features_modified(&self) -> Result<Option<OffsetDateTime>> {
        let row: Option<(OffsetDateTime,)> = self
            .fetch_optional(sql!(
                "SELECT updated_at FROM tourism_points ORDER BY updated_at DESC LIMIT 1"
            ))
            .await?;
        Ok(row.map(|r| db_time(r.0)))
    }
}
