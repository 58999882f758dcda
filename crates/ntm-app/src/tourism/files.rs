//! Photos and narration audio of a point, stored content-addressed under
//! `<data_dir>/tourism/`. Photos: the feedback photos' check (JPEG, PNG or WebP by content,
//! the size capped before parsing, the EXIF block with the GPS position removed). Audio: MP3
//! or Ogg by content (`ntm_domain::tourism::sniff_audio`), at most [`AUDIO_MAX_BYTES`],
//! checked before anything is read.

use ntm_domain::tourism::{MAX_AUDIO_BYTES, sniff_audio};
use ntm_store::{TourismAudioRecord, TourismPhotoRecord};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::field;
use crate::dossiers::store_file;
use crate::{App, AppError, FieldError, now};

pub use crate::feedback::PHOTO_MAX_BYTES;
/// Largest audio file (bytes).
pub const AUDIO_MAX_BYTES: usize = MAX_AUDIO_BYTES;
/// Most photos on one point.
pub const MAX_PHOTOS: usize = 6;

/// A file sent with the editor's form.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A checked file, ready to store.
pub(crate) struct Checked {
    pub content_type: &'static str,
    pub sha256: String,
    pub bytes: Vec<u8>,
}

/// A stored file to send: its path on disk (never from the request) and type.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub path: std::path::PathBuf,
    pub content_type: String,
    pub size: i64,
}

/// Checks the photos (empty file inputs skipped); `already` photos are on the point.
pub(crate) fn check_photos(
    uploads: Vec<Upload>,
    already: usize,
) -> Result<Vec<Checked>, FieldError> {
    let uploads: Vec<Upload> = uploads
        .into_iter()
        .filter(|u| !u.bytes.is_empty())
        .collect();
    if uploads.len() + already > MAX_PHOTOS {
        return Err(field(
            "photos",
            format!("Tối đa {MAX_PHOTOS} ảnh cho một điểm"),
            format!("at most {MAX_PHOTOS} photos per point"),
        ));
    }
    let mut out = Vec::with_capacity(uploads.len());
    for u in uploads {
        let c = crate::feedback::clean_photo(&u.name, u.bytes, false)?;
        out.push(Checked {
            content_type: c.content_type,
            sha256: c.sha256,
            bytes: c.bytes,
        });
    }
    Ok(out)
}

/// Checks one narration audio file (`None` when the input was left empty).
pub(crate) fn check_audio(
    field_name: &str,
    upload: Option<Upload>,
) -> Result<Option<Checked>, FieldError> {
    let Some(u) = upload.filter(|u| !u.bytes.is_empty()) else {
        return Ok(None);
    };
    if u.bytes.len() > AUDIO_MAX_BYTES {
        return Err(field(
            field_name,
            format!(
                "Tệp âm thanh “{}” lớn hơn {} MB",
                u.name,
                AUDIO_MAX_BYTES / 1_048_576
            ),
            format!(
                "the audio file “{}” is larger than {} MB",
                u.name,
                AUDIO_MAX_BYTES / 1_048_576
            ),
        ));
    }
    let Some(kind) = sniff_audio(&u.bytes) else {
        return Err(field(
            field_name,
            format!("Tệp “{}” không phải âm thanh MP3 hoặc OGG", u.name),
            format!("“{}” is not MP3 or OGG audio", u.name),
        ));
    };
    Ok(Some(Checked {
        content_type: kind.content_type(),
        sha256: hex::encode(Sha256::digest(&u.bytes)),
        bytes: u.bytes,
    }))
}

pub(crate) fn path(app: &App, sha256: &str) -> std::path::PathBuf {
    app.config
        .data_dir
        .join("tourism")
        .join(&sha256[..2.min(sha256.len())])
        .join(sha256)
}

async fn write(app: &App, c: &Checked) -> Result<(), AppError> {
    let target = path(app, &c.sha256);
    let bytes = c.bytes.clone();
    tokio::task::spawn_blocking(move || store_file(&target, &bytes))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(format!("cannot store the file: {e}")))
}

/// Writes the photos (a file already there is kept) and returns their rows.
pub(crate) async fn store_photos(
    app: &App,
    point: Uuid,
    photos: Vec<Checked>,
) -> Result<Vec<TourismPhotoRecord>, AppError> {
    let mut rows = Vec::with_capacity(photos.len());
    for p in photos {
        write(app, &p).await?;
        rows.push(TourismPhotoRecord {
            id: Uuid::now_v7(),
            point_id: point,
            size: p.bytes.len() as i64,
            sha256: p.sha256,
            content_type: p.content_type.to_string(),
            created_at: now(),
        });
    }
    Ok(rows)
}

/// Writes the audio files and returns their rows (`vi`, `en`).
pub(crate) async fn store_audio(
    app: &App,
    point: Uuid,
    audio: Vec<(&'static str, Checked)>,
) -> Result<Vec<TourismAudioRecord>, AppError> {
    let mut rows = Vec::with_capacity(audio.len());
    for (lang, a) in audio {
        write(app, &a).await?;
        rows.push(TourismAudioRecord {
            point_id: point,
            lang: lang.to_string(),
            size: a.bytes.len() as i64,
            sha256: a.sha256,
            content_type: a.content_type.to_string(),
            created_at: now(),
        });
    }
    Ok(rows)
}

/// A stored file's path, when its hash is plain hex (it comes from the database).
pub(crate) fn stored(
    app: &App,
    sha256: &str,
    content_type: &str,
    size: i64,
) -> Result<StoredFile, AppError> {
    if sha256.is_empty() || !sha256.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::NotFound("file".into()));
    }
    Ok(StoredFile {
        path: path(app, sha256),
        content_type: content_type.to_string(),
        size,
    })
}
