//! Staged uploads for preview-then-apply round trips (commune groups; the criteria
//! workbook keeps its own richer records in `workbook.rs`): the bytes are kept under
//! `<data_dir>/uploads/<kind>-<id>` with a JSON envelope (uploader, SHA-256, expiry, and
//! what the caller wants to remember from the preview); applying marks `<…>.applied`,
//! created exclusively so one upload is applied once.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{App, AppError};

#[derive(Debug, Serialize, Deserialize)]
struct Envelope<R> {
    user_id: String,
    sha256: String,
    expires_at: i64,
    record: R,
}

/// A staged upload read back.
pub(crate) struct Staged<R> {
    pub record: R,
    pub bytes: Vec<u8>,
    pub expired: bool,
    pub applied: bool,
}

fn dir(app: &App) -> std::path::PathBuf {
    app.config.data_dir.join("uploads")
}

fn sha(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp-{}", Uuid::now_v7()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

fn internal(what: &str) -> impl Fn(std::io::Error) -> AppError + '_ {
    move |e| AppError::Internal(format!("{what}: {e}"))
}

/// Keeps `bytes` and `record` for `user_id` until `expires_at`.
pub(crate) async fn put<R: Serialize>(
    app: &App,
    kind: &'static str,
    id: Uuid,
    user_id: Uuid,
    expires_at: OffsetDateTime,
    record: &R,
    bytes: Vec<u8>,
) -> Result<(), AppError> {
    let env = Envelope {
        user_id: user_id.to_string(),
        sha256: sha(&bytes),
        expires_at: expires_at.unix_timestamp(),
        record,
    };
    let json = serde_json::to_vec(&env).map_err(|e| AppError::Internal(e.to_string()))?;
    let d = dir(app);
    tokio::task::spawn_blocking(move || -> std::io::Result<()> {
        std::fs::create_dir_all(&d)?;
        write_atomic(&d.join(format!("{kind}-{id}")), &bytes)?;
        write_atomic(&d.join(format!("{kind}-{id}.json")), &json)
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(internal("cannot keep the uploaded file"))
}

/// Reads a staged upload of `user_id` (`None`: unknown id, or someone else's).
pub(crate) async fn get<R: DeserializeOwned>(
    app: &App,
    kind: &'static str,
    id: &str,
    user_id: Uuid,
    now: OffsetDateTime,
) -> Result<Option<Staged<R>>, AppError> {
    let Ok(id) = Uuid::parse_str(id.trim()) else {
        return Ok(None);
    };
    let d = dir(app);
    let (json, bytes, applied) = tokio::task::spawn_blocking(move || {
        let read = |name: String| match std::fs::read(d.join(name)) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        };
        Ok::<_, std::io::Error>((
            read(format!("{kind}-{id}.json"))?,
            read(format!("{kind}-{id}"))?,
            d.join(format!("{kind}-{id}.applied")).exists(),
        ))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(internal("cannot read the uploaded file"))?;
    let (Some(json), Some(bytes)) = (json, bytes) else {
        return Ok(None);
    };
    let Ok(env) = serde_json::from_slice::<Envelope<R>>(&json) else {
        return Ok(None);
    };
    if env.user_id != user_id.to_string() {
        return Ok(None);
    }
    if env.sha256 != sha(&bytes) {
        return Err(AppError::Internal(format!(
            "upload {id}: the stored file was altered"
        )));
    }
    Ok(Some(Staged {
        record: env.record,
        bytes,
        expired: now.unix_timestamp() > env.expires_at,
        applied,
    }))
}

/// Marks an upload applied; `false` when it already was.
pub(crate) async fn mark_applied(
    app: &App,
    kind: &'static str,
    id: &str,
) -> Result<bool, AppError> {
    let Ok(id) = Uuid::parse_str(id.trim()) else {
        return Ok(false);
    };
    let path = dir(app).join(format!("{kind}-{id}.applied"));
    tokio::task::spawn_blocking(move || {
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e),
        }
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
    .map_err(internal("cannot mark the upload applied"))
}
