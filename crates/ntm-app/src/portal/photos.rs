//! Photos of a post: JPEG or PNG by their content (the dossier documents' sniffer, the name
//! and the browser's type are ignored), at most [`PHOTO_MAX_BYTES`] each and [`MAX_PHOTOS`]
//! per post, stored content-addressed under `<data_dir>/portal/`.

use ntm_store::PortalPhotoRecord;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::field;
use crate::dossiers::{sniff_document, store_file};
use crate::{Actor, App, AppError, FieldError, now};

/// Largest photo accepted (bytes).
pub const PHOTO_MAX_BYTES: usize = 5 * 1024 * 1024;
/// Most photos on one post.
pub const MAX_PHOTOS: usize = 6;

/// A file sent with the editor's form.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A checked photo, ready to store.
pub(crate) struct Checked {
    pub content_type: &'static str,
    pub sha256: String,
    pub bytes: Vec<u8>,
}

/// A stored photo of a published post.
#[derive(Debug, Clone)]
pub struct PhotoFile {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Checks the uploads (empty file inputs are skipped); `already` photos are on the post.
pub(crate) fn check(uploads: Vec<Upload>, already: usize) -> Result<Vec<Checked>, FieldError> {
    let uploads: Vec<Upload> = uploads
        .into_iter()
        .filter(|u| !u.bytes.is_empty())
        .collect();
    if uploads.len() + already > MAX_PHOTOS {
        return Err(field(
            "photos",
            format!("Tối đa {MAX_PHOTOS} ảnh cho một bài"),
            format!("at most {MAX_PHOTOS} photos per post"),
        ));
    }
    let mut out = Vec::with_capacity(uploads.len());
    for u in uploads {
        if u.bytes.len() > PHOTO_MAX_BYTES {
            return Err(field(
                "photos",
                format!(
                    "Ảnh “{}” lớn hơn {} MB",
                    u.name,
                    PHOTO_MAX_BYTES / 1_048_576
                ),
                format!(
                    "“{}” is larger than {} MB",
                    u.name,
                    PHOTO_MAX_BYTES / 1_048_576
                ),
            ));
        }
        let content_type = match sniff_document(&u.bytes) {
            Some((t, _)) if t == "image/jpeg" || t == "image/png" => t,
            _ => {
                return Err(field(
                    "photos",
                    format!("Tệp “{}” không phải ảnh JPEG hoặc PNG", u.name),
                    format!("“{}” is not a JPEG or PNG image", u.name),
                ));
            }
        };
        out.push(Checked {
            content_type,
            sha256: hex::encode(Sha256::digest(&u.bytes)),
            bytes: u.bytes,
        });
    }
    Ok(out)
}

fn path(app: &App, sha256: &str) -> std::path::PathBuf {
    app.config
        .data_dir
        .join("portal")
        .join(&sha256[..2.min(sha256.len())])
        .join(sha256)
}

/// Writes the files (content-addressed: a file already there is kept) and returns the
/// rows to insert with the post.
pub(crate) async fn store(
    app: &App,
    post_id: Uuid,
    photos: Vec<Checked>,
) -> Result<Vec<PortalPhotoRecord>, AppError> {
    let mut rows = Vec::with_capacity(photos.len());
    for p in photos {
        let target = path(app, &p.sha256);
        let size = p.bytes.len() as i64;
        let bytes = p.bytes;
        tokio::task::spawn_blocking(move || store_file(&target, &bytes))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(|e| AppError::Internal(format!("cannot store the photo: {e}")))?;
        rows.push(PortalPhotoRecord {
            id: Uuid::now_v7(),
            post_id,
            sha256: p.sha256,
            content_type: p.content_type.to_string(),
            size,
            created_at: now(),
        });
    }
    Ok(rows)
}

/// A photo of any post (drafts included) for an officer with `PublishPortal` on its
/// commune: the editor shows it before the post is published.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), photo = %id))]
pub async fn officer_photo(app: &App, actor: &Actor, id: Uuid) -> Result<PhotoFile, AppError> {
    super::require_some_publish(actor)?;
    let p = app
        .db
        .portal_photo(id)
        .await?
        .ok_or_else(|| AppError::NotFound("photo".into()))?;
    let post = app
        .db
        .portal_post(p.post_id)
        .await?
        .ok_or_else(|| AppError::NotFound("photo".into()))?;
    super::require_publish(app, actor, &post.unit_code).await?;
    read(app, id, p).await
}

async fn read(app: &App, id: Uuid, p: PortalPhotoRecord) -> Result<PhotoFile, AppError> {
    if !p.sha256.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::NotFound("photo".into()));
    }
    let bytes = tokio::fs::read(path(app, &p.sha256))
        .await
        .map_err(|e| AppError::Internal(format!("photo {id}: {e}")))?;
    Ok(PhotoFile {
        content_type: p.content_type,
        bytes,
    })
}

/// A photo of a published post (public). The path comes from the database, never from the
/// request.
#[tracing::instrument(skip_all, fields(photo = %id))]
pub async fn photo(app: &App, id: Uuid) -> Result<PhotoFile, AppError> {
    let p = app
        .db
        .portal_photo(id)
        .await?
        .ok_or_else(|| AppError::NotFound("photo".into()))?;
    let post = app
        .db
        .portal_post(p.post_id)
        .await?
        .ok_or_else(|| AppError::NotFound("photo".into()))?;
    if post.status != "published" {
        return Err(AppError::NotFound("photo".into()));
    }
    read(app, id, p).await
}
