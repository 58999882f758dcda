//! `ntm serve` and `ntm demo`: one server per SQLite file, graceful shutdown.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use super::args::{Common, ServeArgs};
use super::import::{show_stage, stage_bar};
use super::{app_err, database_url, open};

pub(super) async fn serve(common: &Common, args: ServeArgs, demo: bool) -> Result<ExitCode> {
    let (_, file) = database_url(common)?;
    let _lock = match &file {
        Some(f) => Some(lock_sqlite(f)?),
        None => None,
    };
    let listener = tokio::net::TcpListener::bind(&common.listen)
        .await
        .with_context(|| format!("cannot listen on {}", common.listen))?;
    let app = open(common, !args.no_migrate).await?;
    // The survey key lives outside the database: read, created, or moved out of a
    // pre-0017 database now. A problem is reported here and again whenever the key is
    // needed (phone lists and phone answers); everything else works without it.
    match ntm_app::surveys::key::prepare(&app).await {
        Ok(path) => eprintln!("Survey key file: {}", path.display()),
        Err(e) => eprintln!("WARNING: survey phone answers are unavailable: {e}"),
    }
    let mut accounts = Vec::new();
    if demo {
        eprintln!("Loading official units and demo data (first start takes a few seconds)…");
        let bar = stage_bar();
        let boundaries = args.reference_data.join("boundaries");
        let notes;
        (accounts, notes) = ntm_app::demo::seed_demo_with(
            &app,
            &mut |src, stage| show_stage(&bar, src, stage),
            Some(&boundaries),
        )
        .await
        .map_err(app_err)?;
        bar.finish_and_clear();
        for n in notes {
            eprintln!("{n}");
        }
    }
    let addr = listener.local_addr()?;
    println!(
        "NTM Số is running at http://{addr}/  (database: {:?})",
        app.backend()
    );
    if demo {
        println!("DEMO accounts (sample data — never expose a demo database to the internet):");
        for a in &accounts {
            println!(
                "  {:<14} password {:<16} role {:<18} scope {}",
                a.username, a.password, a.role, a.scope
            );
        }
        println!("Where to look (sample data, labelled \"DỮ LIỆU MẪU (demo)\", never law):");
        for (what, who, path) in ntm_app::demo::demo_links() {
            println!("  {what}\n      http://{addr}{path}  (log in as {who})");
        }
    }
    if args.insecure_http {
        eprintln!(
            "--insecure-http: cookies are not marked Secure and no HSTS is sent. For local development over plain HTTP only."
        );
    }
    println!("Press Ctrl+C to stop.");
    let cfg = ntm_web::WebConfig {
        secure_cookies: args.secure_cookies,
        base_url: args.base_url.clone(),
        insecure_http: args.insecure_http,
        trust_forwarded_for: args.trust_forwarded_for,
        trusted_proxies: args.trusted_proxies,
        map_tiles_url: args.map_tiles_url.clone().filter(|u| !u.trim().is_empty()),
        map_tiles_attribution: args.map_tiles_attribution.clone(),
        ..ntm_web::WebConfig::default()
    };
    // The OCOP certificate reminders, once a day (each reminder is recorded once in the
    // database, so servers sharing one PostgreSQL database never send one twice).
    let reminders = ntm_app::ocop::spawn_daily_reminders(app.clone());
    // Indicators computed from the records, once a day (a month or a week without a post or
    // a broadcast changes them with no write). A value unchanged is not written again, and
    // two servers writing the same new version meet the version check: one of them wins.
    let measures = ntm_app::measures::spawn_daily_measures(app.clone());
    let served = ntm_web::serve(listener, app.clone(), cfg, shutdown_signal()).await;
    reminders.abort();
    measures.abort();
    served?;
    app.close().await;
    eprintln!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// One server per SQLite file: a second one would fight over the same data.
fn lock_sqlite(file: &Path) -> Result<File> {
    let lock_path = PathBuf::from(format!("{}.lock", file.display()));
    let f = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .with_context(|| format!("cannot create the lock file {}", lock_path.display()))?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => bail!(
            "another NTM Số server is already running on {} (lock {} is held). Stop it first, or use another --data-dir.",
            file.display(),
            lock_path.display()
        ),
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {}", lock_path.display()))
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    eprintln!("shutting down (finishing open requests)…");
}
