//! Command line: `serve`, `demo`, `import`, `user`, `audit`, `migrate`, `criteria`,
//! `evaluate`, `observe`, `observations`, `plans`, `export`.
//!
//! `args.rs` holds the clap structures; one file per command family runs them
//! (`serve.rs` serve and demo, `import.rs`, `users.rs`, `audit.rs`, `criteria.rs`,
//! `evaluate.rs`, `observations.rs` observe and observations, `plans.rs`, `export.rs` the
//! tables pages offer as XLSX); this file opens
//! the application and dispatches.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use clap::Parser;
use ntm_app::{App, AppConfig, AppError};
use ntm_store::Db;

mod args;
mod audit;
mod backup;
mod boundaries;
mod criteria;
mod evaluate;
mod export;
mod import;
mod measures;
mod observations;
mod ocop;
mod plans;
mod serve;
mod tokens;
mod users;

use args::{Cli, Command, Common, CriteriaCmd, PlansCmd};

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("NTM_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// The database URL in effect, and the SQLite file behind it (if any).
fn database_url(common: &Common) -> Result<(String, Option<PathBuf>)> {
    if let Some(url) = &common.database_url {
        let file = sqlite_file(url);
        return Ok((url.clone(), file));
    }
    std::fs::create_dir_all(&common.data_dir).with_context(|| {
        format!(
            "cannot create the data folder {}",
            common.data_dir.display()
        )
    })?;
    let file = common.data_dir.join("ntm.db");
    Ok((format!("sqlite://{}?mode=rwc", file.display()), Some(file)))
}

fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    Some(PathBuf::from(path))
}

async fn open(common: &Common, migrate: bool) -> Result<App> {
    let (url, _) = database_url(common)?;
    let db = Db::connect(&url).await.map_err(|e| anyhow!("{e}"))?;
    if migrate {
        db.migrate()
            .await
            .map_err(|e| anyhow!("database migration failed: {e}"))?;
    }
    let smtp = ntm_app::mailer::SmtpConfig::from_env(|k| std::env::var(k).ok())
        .map_err(|e| anyhow!("e-mail settings: {e}"))?;
    let config = AppConfig {
        data_dir: common.data_dir.clone(),
        smtp,
        survey_key_file: common.survey_key_file.clone(),
        sms: ntm_app::sms::SmsGateway::from_env(|k| std::env::var(k).ok())
            .map_err(|e| anyhow!("SMS settings: {e}"))?,
        ..AppConfig::default()
    };
    let catalog = ntm_app::criteria::catalog_with(&criteria_files(common)?).map_err(|errors| {
        anyhow!(
            "criteria files in {} are invalid:\n{}",
            common
                .criteria_dir
                .as_deref()
                .unwrap_or(Path::new("."))
                .display(),
            errors.join("\n")
        )
    })?;
    if let Some(dir) = &common.plans_dir {
        let files = yaml_files(dir, "plans")?;
        ntm_app::plans::install(&files, catalog).map_err(|errors| {
            anyhow!(
                "plan files in {} are invalid:\n{}",
                dir.display(),
                errors.join("\n")
            )
        })?;
    }
    Ok(App::with_catalog(db, config, catalog))
}

/// `(file name, text)` of every `*.yaml` in `--criteria-dir`, by name.
fn criteria_files(common: &Common) -> Result<Vec<(String, String)>> {
    match &common.criteria_dir {
        None => Ok(Vec::new()),
        Some(dir) => yaml_files(dir, "criteria"),
    }
}

/// `(file name, text)` of every `*.yaml` in `dir`, by name (`what`: criteria, plans).
fn yaml_files(dir: &Path, what: &str) -> Result<Vec<(String, String)>> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the {what} folder {}", dir.display()))?;
    let mut out = Vec::new();
    for e in entries {
        let path = e?.path();
        if path.extension().is_some_and(|x| x == "yaml") {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            out.push((name, text));
        }
    }
    if out.is_empty() {
        bail!("no *.yaml {what} file in {}", dir.display());
    }
    out.sort();
    Ok(out)
}

async fn run(cli: Cli) -> Result<ExitCode> {
    let common = cli.common;
    match cli.command {
        Command::Migrate => {
            let app = open(&common, true).await?;
            println!("migrations applied ({:?})", app.backend());
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { out } => backup::backup(&common, &out).await,
        Command::Restore { from, force } => backup::restore(&common, &from, force).await,
        Command::Serve(args) => serve::serve(&common, args, false).await,
        Command::Demo(args) => serve::serve(&common, args, true).await,
        Command::Import(cmd) => import::import(&common, cmd).await,
        Command::User(cmd) => users::user(&common, cmd).await,
        Command::Token(cmd) => tokens::token(&common, cmd).await,
        Command::Ocop(cmd) => ocop::ocop(&common, cmd).await,
        Command::Measures(cmd) => measures::measures(&common, cmd).await,
        Command::Audit(cmd) => audit::audit(&common, cmd).await,
        Command::Criteria(CriteriaCmd::List) => criteria::criteria_list(&common).await,
        Command::Criteria(CriteriaCmd::Upload { province, file }) => {
            criteria::criteria_upload(&common, &province, &file).await
        }
        Command::Evaluate(args) => evaluate::evaluate(&common, args).await,
        Command::Observe(args) => observations::observe(&common, args).await,
        Command::Observations(cmd) => observations::observations(&common, cmd).await,
        Command::Plans(PlansCmd::Check { file }) => plans::plans_check(&file),
        Command::Export(cmd) => export::export(&common, cmd).await,
        Command::Boundaries(cmd) => boundaries::boundaries(&common, cmd).await,
    }
}

fn app_err(e: AppError) -> anyhow::Error {
    match e {
        AppError::Validation(errors) => {
            let mut msg = format!("{} problem(s) found; nothing was changed:", errors.len());
            for e in errors.iter().take(200) {
                msg.push_str(&format!("\n  {}: {}", e.field, e.message));
            }
            if errors.len() > 200 {
                msg.push_str(&format!("\n  … and {} more", errors.len() - 200));
            }
            anyhow!(msg)
        }
        other => anyhow!("{other}"),
    }
}

fn read_file(p: &Path) -> Result<Vec<u8>> {
    std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))
}

fn write_output(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}
