//! `ntm backup`: a consistent copy of the database and the stored files, with a manifest.

use std::path::Path;

use ntm_store::{Backend, Db};
use time::format_description::well_known::Rfc3339;

use super::files::{copy_hashed, files_under, hash_file};
use super::{
    FILES_DIR, FORMAT, FileEntry, MANIFEST, Manifest, POSTGRES_FILE, SQLITE_FILE, STORED_DIRS,
    invalid, io_error, require_cli, run_pg,
};
use crate::authz::Actor;
use crate::{App, AppError, now};

/// Writes a backup into the folder `out` (created; it must not exist or be empty):
/// - SQLite: `VACUUM INTO` (online: the server keeps running), then the copy's tables are
///   fingerprinted;
/// - PostgreSQL (`database_url`): the tables are fingerprinted in a `REPEATABLE READ`
///   snapshot and `pg_dump --snapshot` dumps that same snapshot (custom format);
///
/// then the stored files are copied and hashed, and `manifest.json` written last (a folder
/// without it is not a backup). The backup is audited (`backup.create`, with the audit head
/// it holds) after the copy, so the copy's chain ends just before that entry.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), out = %out.display()))]
pub async fn create(
    app: &App,
    actor: &Actor,
    database_url: &str,
    out: &Path,
) -> Result<Manifest, AppError> {
    require_cli(actor)?;
    let occupied = std::fs::read_dir(out)
        .map(|mut d| d.next().is_some())
        .unwrap_or(false);
    if occupied {
        return Err(invalid(
            "out",
            format!(
                "{} is not empty: give a new folder for the backup",
                out.display()
            ),
        ));
    }
    std::fs::create_dir_all(out).map_err(|e| io_error("cannot create", out, e))?;

    let backend = app.db.backend();
    let (database, tables, (seq, hash)) = match backend {
        Backend::Sqlite => {
            let file = out.join(SQLITE_FILE);
            app.db.sqlite_snapshot(&file).await?;
            let copy = Db::connect(&format!("sqlite://{}", file.display())).await?;
            let read = async {
                let mut s = copy.read_snapshot().await?;
                let tables = s.fingerprints().await?;
                let head = s.audit_head().await?;
                s.finish().await?;
                Ok::<_, ntm_store::StoreError>((tables, head))
            }
            .await;
            copy.close().await;
            let (tables, head) = read?;
            let (size, sha256) = hash_file(&file)?;
            let entry = FileEntry {
                path: SQLITE_FILE.into(),
                size,
                sha256,
            };
            (entry, tables, head)
        }
        Backend::Postgres => {
            let file = out.join(POSTGRES_FILE);
            let mut s = app.db.read_snapshot().await?;
            let tables = s.fingerprints().await?;
            let head = s.audit_head().await?;
            let snapshot = s.exported_id().unwrap_or_default().to_owned();
            let dumped = run_pg(
                "pg_dump",
                &[
                    "--format=custom".as_ref(),
                    "--no-owner".as_ref(),
                    "--no-privileges".as_ref(),
                    format!("--snapshot={snapshot}").as_ref(),
                    "--file".as_ref(),
                    file.as_os_str(),
                    "--dbname".as_ref(),
                    database_url.as_ref(),
                ],
            )
            .await;
            s.finish().await?;
            dumped?;
            let (size, sha256) = hash_file(&file)?;
            let entry = FileEntry {
                path: POSTGRES_FILE.into(),
                size,
                sha256,
            };
            (entry, tables, head)
        }
    };

    let data_dir = &app.config.data_dir;
    let mut files = Vec::new();
    for dir in STORED_DIRS {
        for rel in files_under(data_dir, &data_dir.join(dir))? {
            let inside = Path::new(FILES_DIR).join(&rel);
            let (size, sha256) = copy_hashed(&data_dir.join(&rel), &out.join(&inside))?;
            files.push(FileEntry {
                path: inside.to_string_lossy().replace('\\', "/"),
                size,
                sha256,
            });
        }
    }

    let manifest = Manifest {
        format: FORMAT.into(),
        created_at: now()
            .format(&Rfc3339)
            .map_err(|e| AppError::Internal(format!("time: {e}")))?,
        ntm_version: env!("CARGO_PKG_VERSION").into(),
        backend: backend.as_str().into(),
        migrations: Db::migration_versions(backend),
        database,
        files,
        tables,
        audit_head: format!("{seq}:{hash}"),
    };
    let text = serde_json::to_vec_pretty(&manifest)
        .map_err(|e| AppError::Internal(format!("manifest: {e}")))?;
    let path = out.join(MANIFEST);
    std::fs::write(&path, text).map_err(|e| io_error("cannot write", &path, e))?;

    let rows: i64 = manifest.tables.iter().map(|t| t.rows).sum();
    let entry = actor.audit_entry(
        "backup.create",
        "",
        serde_json::json!({
            "folder": out.display().to_string(),
            "backend": manifest.backend,
            "tables": manifest.tables.len(),
            "rows": rows,
            "files": manifest.files.len(),
            "audit_head": manifest.audit_head,
        }),
    );
    app.db.append_audit(entry).await?;
    Ok(manifest)
}
