//! `ntm restore`: a backup back into an empty database and data folder, checked.

use std::path::{Path, PathBuf};

use ntm_store::{Backend, Db};
use serde::Serialize;

use super::files::{check_entry, copy_hashed, safe_relative};
use super::{
    FILES_DIR, FORMAT, MANIFEST, MAX_MANIFEST_BYTES, Manifest, POSTGRES_FILE, SQLITE_FILE,
    STORED_DIRS, invalid, io_error, require_cli, run_pg,
};
use crate::audit::{Anchor, verify_chain_against};
use crate::authz::Actor;
use crate::{App, AppConfig, AppError};

/// Where to restore: the database (its URL; the SQLite file behind it, if SQLite) and the
/// data folder for the stored files.
#[derive(Debug, Clone)]
pub struct RestoreTarget {
    pub database_url: String,
    pub sqlite_file: Option<PathBuf>,
    pub data_dir: PathBuf,
}

/// What a restore did and checked.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    pub tables: usize,
    pub rows: i64,
    pub files: usize,
    /// `SEQ:HASH` of the restored chain (the backup's), verified.
    pub audit_head: String,
    /// Where a SQLite database that was in the way went (`--force`).
    pub moved_aside: Option<PathBuf>,
}

fn read_manifest(from: &Path) -> Result<Manifest, AppError> {
    let path = from.join(MANIFEST);
    let meta = std::fs::metadata(&path).map_err(|e| {
        invalid(
            "from",
            format!(
                "{} has no {MANIFEST} ({e}): not a backup of ntm backup",
                from.display()
            ),
        )
    })?;
    if meta.len() > MAX_MANIFEST_BYTES {
        return Err(invalid(
            "manifest",
            format!("{} is too large", path.display()),
        ));
    }
    let text = std::fs::read(&path).map_err(|e| io_error("cannot read", &path, e))?;
    let m: Manifest = serde_json::from_slice(&text)
        .map_err(|e| invalid("manifest", format!("{}: {e}", path.display())))?;
    if m.format != FORMAT {
        return Err(invalid(
            "manifest",
            format!("format {:?} is not {FORMAT}", m.format),
        ));
    }
    Ok(m)
}

/// Checks everything before writing anything: the manifest, the database copy's and every
/// file's size and SHA-256, that each file belongs to a stored-files folder, and that the
/// backup's engine is the target's.
fn check_backup(from: &Path, m: &Manifest, target: Backend) -> Result<PathBuf, AppError> {
    let expected = match target {
        Backend::Sqlite => SQLITE_FILE,
        Backend::Postgres => POSTGRES_FILE,
    };
    if m.backend != target.as_str() || m.database.path != expected {
        return Err(invalid(
            "database_url",
            format!(
                "the backup is of a {} database; restore it into the same engine (the target is {})",
                m.backend,
                target.as_str()
            ),
        ));
    }
    let known = Db::migration_versions(target);
    if let Some(v) = m.migrations.iter().find(|v| !known.contains(v)) {
        return Err(invalid(
            "manifest",
            format!(
                "the backup has migration {v}, which this build of NTM Số does not know: restore it with version {} or later",
                m.ntm_version
            ),
        ));
    }
    let db_file = check_entry(from, &m.database)?;
    for f in &m.files {
        let rel = safe_relative(&f.path);
        let stored = rel
            .as_ref()
            .and_then(|p| p.strip_prefix(FILES_DIR).ok())
            .is_some_and(|p| {
                STORED_DIRS
                    .iter()
                    .any(|d| p.starts_with(d) && p != Path::new(d))
            });
        if !stored {
            return Err(invalid(
                "manifest",
                format!("file {:?} is not in a stored-files folder", f.path),
            ));
        }
        check_entry(from, f)?;
    }
    Ok(db_file)
}

/// Restores the backup in `from` into `target`, after checking every hash (nothing is
/// written if one differs). The database must be empty (nothing audited: no write ever made):
/// a SQLite file in the way is refused unless `force`, which moves it aside as
/// `<file>.before-restore-<time>`; a PostgreSQL database with rows is always refused
/// (create an empty one). Then every table is compared with the manifest, the audit chain
/// verified up to the head the backup recorded, and the restore audited
/// (`backup.restore`).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), from = %from.display()))]
pub async fn restore(
    actor: &Actor,
    from: &Path,
    target: &RestoreTarget,
    force: bool,
) -> Result<RestoreReport, AppError> {
    require_cli(actor)?;
    let manifest = read_manifest(from)?;
    let backend = match &target.sqlite_file {
        Some(_) => Backend::Sqlite,
        None if target.database_url.starts_with("postgres") => Backend::Postgres,
        None => {
            return Err(invalid(
                "database_url",
                "restore needs a SQLite file or a PostgreSQL database".into(),
            ));
        }
    };
    let db_copy = check_backup(from, &manifest, backend)?;
    let anchor = Anchor::parse(&manifest.audit_head)?;

    let mut moved_aside = None;
    match (&target.sqlite_file, backend) {
        (Some(file), Backend::Sqlite) => {
            if file.exists() {
                let db = Db::connect(&target.database_url).await?;
                let rows = db.audited_writes().await;
                db.close().await;
                let rows = rows?;
                if rows > 0 && !force {
                    return Err(invalid(
                        "database_url",
                        format!(
                            "{} already holds data ({rows} audited writes): restore into a new data folder, or give --force to move it aside",
                            file.display()
                        ),
                    ));
                }
                let stamp = crate::now().unix_timestamp();
                let aside = PathBuf::from(format!("{}.before-restore-{stamp}", file.display()));
                for ext in ["", "-wal", "-shm"] {
                    let side = PathBuf::from(format!("{}{ext}", file.display()));
                    if !side.exists() {
                        continue;
                    }
                    if rows > 0 {
                        let to = PathBuf::from(format!("{}{ext}", aside.display()));
                        std::fs::rename(&side, &to)
                            .map_err(|e| io_error("cannot move", &side, e))?;
                    } else {
                        // An empty database (migrations only): nothing to keep.
                        std::fs::remove_file(&side)
                            .map_err(|e| io_error("cannot remove", &side, e))?;
                    }
                }
                if rows > 0 {
                    moved_aside = Some(aside);
                }
            }
            copy_hashed(&db_copy, file)?;
        }
        _ => {
            let db = Db::connect(&target.database_url).await?;
            let rows = db.audited_writes().await;
            db.close().await;
            let rows = rows?;
            if rows > 0 {
                return Err(invalid(
                    "database_url",
                    format!(
                        "the PostgreSQL database already holds data ({rows} audited writes): create an empty database and restore into it"
                    ),
                ));
            }
            run_pg(
                "pg_restore",
                &[
                    "--clean".as_ref(),
                    "--if-exists".as_ref(),
                    "--no-owner".as_ref(),
                    "--no-privileges".as_ref(),
                    "--single-transaction".as_ref(),
                    "--exit-on-error".as_ref(),
                    "--dbname".as_ref(),
                    target.database_url.as_ref(),
                    db_copy.as_os_str(),
                ],
            )
            .await?;
        }
    }

    for f in &manifest.files {
        let rel = safe_relative(&f.path)
            .and_then(|p| p.strip_prefix(FILES_DIR).ok().map(Path::to_path_buf))
            .ok_or_else(|| invalid("manifest", format!("file {:?}", f.path)))?;
        let (_, sha) = copy_hashed(&from.join(&f.path), &target.data_dir.join(&rel))?;
        if sha != f.sha256 {
            return Err(AppError::Internal(format!(
                "{} changed while it was restored",
                f.path
            )));
        }
    }

    let db = Db::connect(&target.database_url).await?;
    let app = App::new(
        db,
        AppConfig {
            data_dir: target.data_dir.clone(),
            ..AppConfig::default()
        },
    );
    let tables = app.db.fingerprints().await?;
    if tables != manifest.tables {
        let differ: Vec<String> = manifest
            .tables
            .iter()
            .filter(|t| !tables.contains(t))
            .map(|t| t.table.clone())
            .chain(
                tables
                    .iter()
                    .filter(|t| !manifest.tables.iter().any(|m| m.table == t.table))
                    .map(|t| format!("{} (not in the backup)", t.table)),
            )
            .collect();
        app.close().await;
        return Err(AppError::Internal(format!(
            "the restored database differs from the backup in: {}",
            differ.join(", ")
        )));
    }
    let report = verify_chain_against(&app, actor, Some(&anchor)).await?;
    if !report.ok {
        app.close().await;
        return Err(AppError::Internal(format!(
            "the restored audit chain does not verify: {}",
            report.problem.unwrap_or_default()
        )));
    }
    let rows: i64 = tables.iter().map(|t| t.rows).sum();
    let entry = actor.audit_entry(
        "backup.restore",
        "",
        serde_json::json!({
            "folder": from.display().to_string(),
            "created_at": manifest.created_at,
            "tables": tables.len(),
            "rows": rows,
            "files": manifest.files.len(),
            "audit_head": manifest.audit_head,
        }),
    );
    app.db.append_audit(entry).await?;
    app.close().await;
    Ok(RestoreReport {
        tables: tables.len(),
        rows,
        files: manifest.files.len(),
        audit_head: manifest.audit_head,
        moved_aside,
    })
}
