//! Posts: written with their new photos and the audit entry in one transaction, updated on
//! the version the editor saw, listed newest first per commune or per province.

use ntm_domain::audit::NewAuditEntry;
use sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, StoreError, Tx, sql};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PortalPostRecord {
    pub id: Uuid,
    pub unit_code: String,
    pub unit_path: String,
    pub province_code: String,
    pub title: String,
    /// Sanitized HTML.
    pub body: String,
    /// `ntm_domain::portal::Category` code.
    pub category: String,
    /// `draft` or `published`.
    pub status: String,
    pub published_at: Option<OffsetDateTime>,
    /// The day published, Vietnam time.
    pub published_on: Option<Date>,
    pub author: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PortalPhotoRecord {
    pub id: Uuid,
    pub post_id: Uuid,
    pub sha256: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: OffsetDateTime,
}

/// Which posts to list (newest first).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortalPostFilter {
    pub unit_code: Option<String>,
    pub province_code: Option<String>,
    /// Published posts only, by publication time; otherwise all, by last change.
    pub published_only: bool,
    pub category: Option<String>,
    /// Published on or after / on or before (published posts).
    pub published_from: Option<Date>,
    pub published_to: Option<Date>,
    pub limit: u64,
}

const COLUMNS: [&str; 14] = [
    "id",
    "unit_code",
    "unit_path",
    "province_code",
    "title",
    "body",
    "category",
    "status",
    "published_at",
    "published_on",
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
    q.from("portal_posts");
    q
}

async fn insert_photos_tx(tx: &mut Tx, photos: &[PortalPhotoRecord]) -> Result<()> {
    for p in photos {
        tx.execute(sql!(
            "INSERT INTO portal_post_photos (id, post_id, sha256, content_type, size, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            p.id,
            p.post_id,
            p.sha256.as_str(),
            p.content_type.as_str(),
            p.size,
            p.created_at,
        ))
        .await?;
    }
    Ok(())
}

impl Db {
    /// A new post with its photos and audit entry.
    pub async fn insert_portal_post(
        &self,
        p: &PortalPostRecord,
        photos: &[PortalPhotoRecord],
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.execute(sql!(
            "INSERT INTO portal_posts (id, unit_code, unit_path, province_code, title, body, \
             category, status, published_at, published_on, author, created_at, updated_at, \
             version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            p.id,
            p.unit_code.as_str(),
            p.unit_path.as_str(),
            p.province_code.as_str(),
            p.title.as_str(),
            p.body.as_str(),
            p.category.as_str(),
            p.status.as_str(),
            p.published_at,
            p.published_on,
            p.author.as_str(),
            p.created_at,
            p.updated_at,
            p.version,
        ))
        .await?;
        insert_photos_tx(&mut tx, photos).await?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }

    /// Writes the post's new title, body, category, status and publication time (and adds
    /// photos) if its version is still `expected_version`; the stored version goes up by
    /// one. `Conflict` when someone saved it in between, `NotFound` when there is no post.
    pub async fn update_portal_post(
        &self,
        p: &PortalPostRecord,
        expected_version: i64,
        photos: &[PortalPhotoRecord],
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = tx
            .execute(sql!(
                "UPDATE portal_posts SET title = $3, body = $4, category = $5, status = $6, \
                 published_at = $7, published_on = $8, updated_at = $9, version = version + 1 \
                 WHERE id = $1 AND version = $2",
                p.id,
                expected_version,
                p.title.as_str(),
                p.body.as_str(),
                p.category.as_str(),
                p.status.as_str(),
                p.published_at,
                p.published_on,
                p.updated_at,
            ))
            .await?;
        if n == 0 {
            let exists: Option<(Uuid,)> = tx
                .fetch_optional(sql!("SELECT id FROM portal_posts WHERE id = $1", p.id))
                .await?;
            return Err(match exists {
                Some(_) => StoreError::Conflict(
                    "bài viết vừa được người khác sửa — the post was changed meanwhile".into(),
                ),
                None => StoreError::NotFound,
            });
        }
        insert_photos_tx(&mut tx, photos).await?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }

    /// Removes photo `photo` of post `post` if the post is still at `expected_version` (the
    /// post's version moves on, so an editor open elsewhere meets a conflict), with its
    /// audit entry, in one transaction. `NotFound` when the photo is not the post's.
    pub async fn delete_portal_photo(
        &self,
        post: Uuid,
        photo: Uuid,
        expected_version: i64,
        updated_at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let gone = tx
            .execute(sql!(
                "DELETE FROM portal_post_photos WHERE id = $1 AND post_id = $2",
                photo,
                post,
            ))
            .await?;
        if gone == 0 {
            return Err(StoreError::NotFound);
        }
        let n = tx
            .execute(sql!(
                "UPDATE portal_posts SET updated_at = $3, version = version + 1 \
                 WHERE id = $1 AND version = $2",
                post,
                expected_version,
                updated_at,
            ))
            .await?;
        if n == 0 {
            return Err(StoreError::Conflict(
                "bài viết vừa được người khác sửa — the post was changed meanwhile".into(),
            ));
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }

    pub async fn portal_post(&self, id: Uuid) -> Result<Option<PortalPostRecord>> {
        let mut q = select();
        q.and_where(Expr::col("id").eq(id));
        self.fetch_optional(&q).await
    }

    /// Posts newest first (see [`PortalPostFilter`]).
    pub async fn portal_posts(&self, f: &PortalPostFilter) -> Result<Vec<PortalPostRecord>> {
        let mut q = select();
        if let Some(u) = &f.unit_code {
            q.and_where(Expr::col("unit_code").eq(u.as_str()));
        }
        if let Some(p) = &f.province_code {
            q.and_where(Expr::col("province_code").eq(p.as_str()));
        }
        if let Some(c) = &f.category {
            q.and_where(Expr::col("category").eq(c.as_str()));
        }
        if let Some(d) = f.published_from {
            q.and_where(Expr::col("published_on").gte(d));
        }
        if let Some(d) = f.published_to {
            q.and_where(Expr::col("published_on").lte(d));
        }
        if f.published_only {
            q.and_where(Expr::col("status").eq("published"));
            q.order_by(Alias::new("published_at"), Order::Desc);
        } else {
            q.order_by(Alias::new("updated_at"), Order::Desc);
        }
        q.order_by(Alias::new("id"), Order::Desc);
        q.limit(std::cmp::max(f.limit, 1));
        self.fetch_all(&q).await
    }

    /// These posts, in the order of `ids` (unknown ids are skipped).
    pub async fn portal_posts_by_ids(&self, ids: &[Uuid]) -> Result<Vec<PortalPostRecord>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut q = select();
            q.and_where(Expr::col("id").is_in(chunk.iter().copied()));
            let rows: Vec<PortalPostRecord> = self.fetch_all(&q).await?;
            out.extend(rows);
        }
        out.sort_by_key(|r| ids.iter().position(|i| *i == r.id));
        Ok(out)
    }

    /// The photos of a post, oldest first.
    pub async fn portal_post_photos(&self, post: Uuid) -> Result<Vec<PortalPhotoRecord>> {
        self.fetch_all(sql!(
            "SELECT id, post_id, sha256, content_type, size, created_at FROM \
             portal_post_photos WHERE post_id = $1 ORDER BY created_at, id",
            post
        ))
        .await
    }

    pub async fn portal_photo(&self, id: Uuid) -> Result<Option<PortalPhotoRecord>> {
        self.fetch_optional(sql!(
            "SELECT id, post_id, sha256, content_type, size, created_at FROM \
             portal_post_photos WHERE id = $1",
            id
        ))
        .await
    }
}
