//! Citizens' photos: the type is read from the bytes (JPEG, PNG, WebP; the name and the
//! browser's type are ignored), the size is capped before anything is parsed, and the EXIF
//! block (which carries the GPS position) is removed without re-encoding the image
//! (img-parts: the container's segments are rewritten, the pixels untouched) unless the
//! citizen ticked "keep the location". For JPEG every APP1 segment goes (EXIF and XMP, which
//! may repeat the position). Stored content-addressed under `<data_dir>/feedback/`.

use img_parts::jpeg::markers;
use img_parts::{Bytes, DynImage, ImageEXIF};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::field;
use crate::{App, AppError, FieldError};

/// Largest photo accepted (bytes), checked before the image is parsed.
pub const PHOTO_MAX_BYTES: usize = 5 * 1024 * 1024;

/// A photo ready to store.
#[derive(Debug, Clone)]
pub(crate) struct CleanPhoto {
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub location_removed: bool,
}

/// A stored photo, for the public page.
#[derive(Debug, Clone)]
pub struct PhotoFile {
    pub content_type: String,
    pub bytes: Vec<u8>,
}

fn sniff(b: &[u8]) -> Option<&'static str> {
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// Checks one upload and removes its location unless `keep_location`.
pub(crate) fn clean(
    name: &str,
    bytes: Vec<u8>,
    keep_location: bool,
) -> Result<CleanPhoto, FieldError> {
    if bytes.len() > PHOTO_MAX_BYTES {
        return Err(field(
            "photos",
            format!(
                "Ảnh “{name}” quá lớn ({:.1} MB, tối đa {} MB)",
                bytes.len() as f64 / 1_048_576.0,
                PHOTO_MAX_BYTES / 1_048_576
            ),
            format!(
                "photo “{name}” is too large (at most {} MB)",
                PHOTO_MAX_BYTES / 1_048_576
            ),
        ));
    }
    let unsupported = || {
        field(
            "photos",
            format!("Tệp “{name}” không phải ảnh JPEG, PNG hoặc WebP"),
            format!("“{name}” is not a JPEG, PNG or WebP image"),
        )
    };
    let content_type = sniff(&bytes).ok_or_else(unsupported)?;
    let out = if keep_location {
        bytes
    } else {
        let img = DynImage::from_bytes(Bytes::from(bytes))
            .map_err(|_| unsupported())?
            .ok_or_else(unsupported)?;
        let img = match img {
            DynImage::Jpeg(mut j) => {
                j.segments_mut().retain(|s| s.marker() != markers::APP1);
                DynImage::Jpeg(j)
            }
            mut other => {
                other.set_exif(None);
                other
            }
        };
        img.encoder().bytes().to_vec()
    };
    Ok(CleanPhoto {
        content_type,
        sha256: hex::encode(Sha256::digest(&out)),
        bytes: out,
        location_removed: !keep_location,
    })
}

pub(crate) fn path(app: &App, sha256: &str) -> std::path::PathBuf {
    app.config
        .data_dir
        .join("feedback")
        .join(&sha256[..2.min(sha256.len())])
        .join(sha256)
}

/// A photo of a report (public, like the tracking page; its location was removed unless
/// the citizen kept it). The path comes from the database, never from the request.
#[tracing::instrument(skip_all, fields(photo = %id))]
pub async fn photo(app: &App, id: Uuid) -> Result<PhotoFile, AppError> {
    let p = app
        .db
        .feedback_photo(id)
        .await?
        .ok_or_else(|| AppError::NotFound("photo".into()))?;
    let bytes = tokio::fs::read(path(app, &p.sha256))
        .await
        .map_err(|e| AppError::Internal(format!("photo {id}: {e}")))?;
    Ok(PhotoFile {
        content_type: p.content_type,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A JPEG with an EXIF APP1 segment holding "GPS" text, then a tiny scan.
    fn jpeg_with_exif() -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8];
        let exif = b"Exif\0\0MM\0\x2a\0\0\0\x08GPSLatitude 9.93";
        v.extend([0xFF, 0xE1]);
        v.extend(((exif.len() + 2) as u16).to_be_bytes());
        v.extend(exif);
        // A comment segment that must stay.
        let com = b"kept";
        v.extend([0xFF, 0xFE]);
        v.extend(((com.len() + 2) as u16).to_be_bytes());
        v.extend(com);
        v.extend([0xFF, 0xDA, 0x00, 0x02, 0x11, 0x22, 0xFF, 0xD9]);
        v
    }

    #[test]
    fn exif_is_removed_unless_kept() {
        let j = jpeg_with_exif();
        let has = |b: &[u8], n: &[u8]| b.windows(n.len()).any(|w| w == n);
        let c = clean("a.jpg", j.clone(), false).expect("jpeg");
        assert_eq!(c.content_type, "image/jpeg");
        assert!(!has(&c.bytes, b"GPSLatitude"));
        assert!(has(&c.bytes, b"kept"));
        assert!(c.location_removed);
        let k = clean("a.jpg", j.clone(), true).expect("jpeg");
        assert_eq!(k.bytes, j);
        assert!(!k.location_removed);
    }

    #[test]
    fn type_and_size_are_checked() {
        let e = clean("x.jpg", b"GIF89a......".to_vec(), false).unwrap_err();
        assert!(e.message.contains("không phải ảnh"), "{}", e.message);
        let e = clean("big.jpg", vec![0xFF; PHOTO_MAX_BYTES + 1], false).unwrap_err();
        assert!(e.message.contains("quá lớn"), "{}", e.message);
    }
}
