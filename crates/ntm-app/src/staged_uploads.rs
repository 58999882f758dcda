//! Uploads kept between a preview and its application (the workbook round trip, the Excel
//! import of a criteria set): the bytes under `<data_dir>/uploads/<uuid>`, a JSON record
//! next to them (`<uuid>.json`: at least `id` and `expires_at`, Unix time), and
//! `<uuid>.applied` once applied. Files are written atomically (temporary file, rename);
//! every new upload removes the uploads that expired more than a day before.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{App, AppError};

/// What an upload form sent: a new file, or the id of an upload kept earlier ("preview
/// again"), or neither.
#[derive(Debug, Clone)]
pub enum UploadSource {
    /// A new file: its name and bytes.
    File { name: String, bytes: Vec<u8> },
    /// An upload kept earlier, by id.
    Staged(String),
    /// Neither.
    Missing,
}

pub(crate) fn dir(app: &App) -> PathBuf {
    app.config.data_dir.join("uploads")
}

pub(crate) fn unix(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

pub(crate) fn from_unix(t: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(t).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// The file name without folders or control characters (at most 200 characters).
pub(crate) fn base_name(file_name: &str) -> String {
    let n = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .trim();
    let n: String = n.chars().filter(|c| !c.is_control()).take(200).collect();
    if n.is_empty() { "upload".into() } else { n }
}

/// Writes a file atomically (a temporary file, then a rename).
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp-{}", Uuid::now_v7()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// The fields every record has.
#[derive(Deserialize)]
struct Expiry {
    id: String,
    expires_at: i64,
}

/// Removes uploads that expired more than a day before `now`.
pub(crate) fn sweep(dir: &Path, now: OffsetDateTime) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let limit = unix(now - time::Duration::days(1));
    for e in entries.flatten() {
        let path = e.path();
        if path.extension().and_then(|x| x.to_str()) != Some("json") {
            continue;
        }
        let Ok(text) = std::fs::read(&path) else {
            continue;
        };
        let Ok(r) = serde_json::from_slice::<Expiry>(&text) else {
            continue;
        };
        if r.expires_at < limit && Uuid::parse_str(&r.id).is_ok() {
            for suffix in ["", ".json", ".applied"] {
                let _ = std::fs::remove_file(dir.join(format!("{}{suffix}", r.id)));
            }
        }
    }
}

/// Keeps the bytes of upload `id` and its record (after sweeping old uploads).
pub(crate) async fn keep(
    app: &App,
    id: Uuid,
    bytes: Vec<u8>,
    record: Vec<u8>,
    now: OffsetDateTime,
) -> Result<(), AppError> {
    let dir = dir(app);
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        std::fs::create_dir_all(&dir)?;
        sweep(&dir, now);
        write_atomic(&dir.join(id.to_string()), &bytes)?;
        write_atomic(&dir.join(format!("{id}.json")), &record)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(format!("cannot keep the uploaded file: {e}")))
}

/// What is kept of upload `id`: record, applied marker, bytes (each `None` when absent).
pub(crate) struct Kept {
    pub record: Option<Vec<u8>>,
    pub applied: Option<Vec<u8>>,
    pub bytes: Option<Vec<u8>>,
}

pub(crate) async fn read(app: &App, id: Uuid) -> Result<Kept, AppError> {
    let dir = dir(app);
    tokio::task::spawn_blocking(move || {
        let read = |name: String| match std::fs::read(dir.join(name)) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        };
        Ok::<_, std::io::Error>(Kept {
            record: read(format!("{id}.json"))?,
            applied: read(format!("{id}.applied"))?,
            bytes: read(id.to_string())?,
        })
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(|e| AppError::Internal(format!("cannot read the uploaded file: {e}")))
}

/// Marks upload `id` as applied, with what was written.
pub(crate) async fn mark_applied(app: &App, id: &str, json: Vec<u8>) -> Result<(), AppError> {
    let path = dir(app).join(format!("{id}.applied"));
    tokio::task::spawn_blocking(move || write_atomic(&path, &json))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(format!("cannot mark the upload as applied: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(base_name("C:\\Users\\a\\mau.xlsx"), "mau.xlsx");
        assert_eq!(base_name("../../x.csv"), "x.csv");
        assert_eq!(base_name(""), "upload");
    }

    #[test]
    fn old_uploads_are_swept() {
        let dir = std::env::temp_dir().join(format!("ntm-sweep-{}", Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        let now = OffsetDateTime::now_utc();
        let (old, new) = (Uuid::now_v7(), Uuid::now_v7());
        for (id, expires) in [(old, now - time::Duration::days(2)), (new, now)] {
            let r =
                serde_json::json!({"id": id.to_string(), "expires_at": unix(expires), "other": 1});
            std::fs::write(dir.join(id.to_string()), b"x").unwrap();
            std::fs::write(dir.join(format!("{id}.json")), r.to_string()).unwrap();
        }
        sweep(&dir, now);
        assert!(!dir.join(old.to_string()).exists() && !dir.join(format!("{old}.json")).exists());
        assert!(dir.join(new.to_string()).exists() && dir.join(format!("{new}.json")).exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
