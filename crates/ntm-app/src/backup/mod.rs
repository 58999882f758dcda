//! Backup and restore (issue 14): `ntm backup` writes a folder with a consistent copy of the
//! database (an online SQLite snapshot, or a PostgreSQL dump taken in the same snapshot the
//! fingerprints read), the stored files (evidence, dossier documents, criteria bases) and a
//! manifest of SHA-256 hashes; `ntm restore` checks every hash before writing anything,
//! restores into an empty database and data folder, compares every table with the
//! manifest and verifies the audit chain up to the head the backup recorded.
//!
//! Not in a backup, on purpose: staged uploads (`uploads/`, short-lived previews) and any
//! secret key kept outside the database (keep those with their own procedure).
//!
//! Who: the command line only (whoever runs it holds the data folder already).

mod create;
mod files;
mod restore;

use std::path::{Path, PathBuf};

use ntm_store::TableFingerprint;
use serde::{Deserialize, Serialize};

use crate::authz::Actor;
use crate::{AppError, FieldError};

pub use create::create;
pub use restore::{RestoreReport, RestoreTarget, restore};

/// The manifest's `format`.
pub const FORMAT: &str = "ntm-backup/1";
/// File names inside a backup folder.
pub const MANIFEST: &str = "manifest.json";
pub const SQLITE_FILE: &str = "database.sqlite";
pub const POSTGRES_FILE: &str = "database.pgdump";
/// Folder of the stored files inside a backup.
pub const FILES_DIR: &str = "files";
/// The folders of the data folder that hold stored files: criteria evidence, dossier
/// documents, criteria-set basis files, citizens' feedback photos, OCOP documents and product
/// photos, commune portal photos, tourism photos and narration audio. (`uploads/` holds staged uploads that expire: not kept.)
pub const STORED_DIRS: [&str; 7] = [
    "evidence", "dossiers", "criteria", "feedback", "ocop", "portal", "tourism",
];
/// Largest manifest read back.
const MAX_MANIFEST_BYTES: u64 = 256 * 1024 * 1024;

/// What a backup holds, with the hashes a restore checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    /// RFC 3339.
    pub created_at: String,
    pub ntm_version: String,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// Migration versions applied to the database.
    pub migrations: Vec<i64>,
    pub database: FileEntry,
    pub files: Vec<FileEntry>,
    pub tables: Vec<TableFingerprint>,
    /// The audit chain's head in the copy, `SEQ:HASH` (as `ntm audit verify` prints it).
    pub audit_head: String,
}

/// One file of a backup: its path inside the backup folder, size and SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

fn require_cli(actor: &Actor) -> Result<(), AppError> {
    match actor {
        Actor::Cli { .. } => Ok(()),
        _ => Err(AppError::Forbidden(
            "backup and restore run with the command line on the server (ntm backup, ntm restore)"
                .into(),
        )),
    }
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> AppError {
    AppError::Internal(format!("{what} {}: {e}", path.display()))
}

fn invalid(field: &str, message: String) -> AppError {
    AppError::Validation(vec![FieldError::new(field, message)])
}

/// A PostgreSQL client program: `$NTM_PG_BIN/<name>`, else `<name>` on the `PATH` when it
/// runs, else the highest-numbered `/usr/lib/postgresql/<v>/bin/<name>`.
fn pg_program(name: &str) -> PathBuf {
    if let Some(dir) = std::env::var_os("NTM_PG_BIN") {
        return PathBuf::from(dir).join(name);
    }
    let on_path = std::process::Command::new(name)
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if on_path {
        return PathBuf::from(name);
    }
    let mut best: Option<(Vec<u32>, PathBuf)> = None;
    if let Ok(entries) = std::fs::read_dir("/usr/lib/postgresql") {
        for entry in entries.flatten() {
            let bin = entry.path().join("bin").join(name);
            let version: Option<Vec<u32>> = entry
                .file_name()
                .to_string_lossy()
                .split('.')
                .map(|p| p.parse().ok())
                .collect();
            if let Some(v) = version
                && bin.exists()
                && best.as_ref().is_none_or(|(b, _)| v > *b)
            {
                best = Some((v, bin));
            }
        }
    }
    best.map(|(_, b)| b).unwrap_or_else(|| PathBuf::from(name))
}

/// Runs a PostgreSQL client program; its error output in the error when it fails.
async fn run_pg(name: &str, args: &[&std::ffi::OsStr]) -> Result<(), AppError> {
    let program = pg_program(name);
    let out = tokio::process::Command::new(&program)
        .args(args)
        .output()
        .await
        .map_err(|e| {
            AppError::Internal(format!(
                "cannot run {} ({e}); install the PostgreSQL client or set NTM_PG_BIN",
                program.display()
            ))
        })?;
    if !out.status.success() {
        return Err(AppError::Internal(format!(
            "{name} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(())
}
