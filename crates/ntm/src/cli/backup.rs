//! `ntm backup` and `ntm restore`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use ntm_app::Actor;
use ntm_app::backup::RestoreTarget;

use super::args::Common;
use super::{app_err, database_url, open};

pub(super) async fn backup(common: &Common, out: &Path) -> Result<ExitCode> {
    let app = open(common, true).await?;
    let (url, _) = database_url(common)?;
    let m = ntm_app::backup::create(&app, &Actor::cli(), &url, out)
        .await
        .map_err(app_err)?;
    let rows: i64 = m.tables.iter().map(|t| t.rows).sum();
    let bytes: u64 = m.database.size + m.files.iter().map(|f| f.size).sum::<u64>();
    println!(
        "backup written to {}: {} database, {} tables, {rows} rows, {} stored files, {bytes} bytes",
        out.display(),
        m.backend,
        m.tables.len(),
        m.files.len()
    );
    println!("audit head: {}", m.audit_head);
    app.close().await;
    Ok(ExitCode::SUCCESS)
}

pub(super) async fn restore(common: &Common, from: &Path, force: bool) -> Result<ExitCode> {
    let (url, sqlite_file) = database_url(common)?;
    let target = RestoreTarget {
        database_url: url,
        sqlite_file,
        data_dir: common.data_dir.clone(),
    };
    let r = ntm_app::backup::restore(&Actor::cli(), from, &target, force)
        .await
        .map_err(app_err)?;
    if let Some(aside) = &r.moved_aside {
        println!("the database that was there is kept as {}", aside.display());
    }
    println!(
        "restored from {}: {} tables, {} rows, {} stored files; every table matches the backup",
        from.display(),
        r.tables,
        r.rows,
        r.files
    );
    println!("audit log OK up to the backup's head {}", r.audit_head);
    Ok(ExitCode::SUCCESS)
}
