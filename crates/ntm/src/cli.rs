//! Command line: `serve`, `demo`, `import`, `user`, `audit`, `migrate`, `criteria`,
//! `evaluate`, `observe`.

use std::fs::File;
use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ntm_app::units::{ImportReport, ImportStage, SnapshotInput};
use ntm_app::{Actor, App, AppConfig, AppError};
use ntm_store::Db;

#[derive(Parser)]
#[command(
    name = "ntm",
    version,
    about = "NTM Số — chuyển đổi số trong xây dựng nông thôn mới (New Countryside digital platform)"
)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Common {
    /// Folder for the SQLite database and stored files.
    #[arg(long, global = true, env = "NTM_DATA_DIR", default_value = "ntm-data")]
    data_dir: PathBuf,
    /// Database URL (`sqlite:…` or `postgres://…`); default: SQLite file `ntm.db` in the data folder.
    #[arg(long, global = true, env = "NTM_DATABASE_URL")]
    database_url: Option<String>,
    /// Address to listen on.
    #[arg(
        long,
        global = true,
        env = "NTM_LISTEN",
        default_value = "127.0.0.1:8080"
    )]
    listen: String,
    /// Folder of extra criteria files (`*.yaml`, format ntm-criteria/1) loaded beside the
    /// shipped sets: a set issued after this build, or a test fixture. Checked at start-up;
    /// any problem stops the program with `file:line: field`.
    #[arg(long, global = true, env = "NTM_CRITERIA_DIR")]
    criteria_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server (applies database migrations first).
    ///
    /// E-mail copies of dossier notifications are sent when NTM_SMTP_HOST is set: plain SMTP
    /// without TLS to a relay on the local network (e.g. postfix on localhost, which handles
    /// TLS outward); NTM_SMTP_PORT (default 25), NTM_SMTP_FROM (required with the host),
    /// NTM_SMTP_USER and NTM_SMTP_PASSWORD (optional; sent in clear, only to a trusted relay),
    /// NTM_BASE_URL (optional, the site's public address for links in mails).
    Serve(ServeArgs),
    /// Load the official unit lists, demo accounts and labelled sample data, then serve.
    Demo(ServeArgs),
    /// Import data files.
    #[command(subcommand)]
    Import(ImportCmd),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCmd),
    /// Read and verify the audit log.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Apply database migrations and exit.
    Migrate,
    /// Criteria sets (bộ tiêu chí) shipped with NTM Số.
    #[command(subcommand)]
    Criteria(CriteriaCmd),
    /// Evaluate a unit against a criteria set for a year (a parent unit: also the roll-up
    /// of its units of the set's level).
    Evaluate(EvaluateArgs),
    /// Record indicator values of a unit (new draft versions; nothing is written if any
    /// value is bad).
    Observe(ObserveArgs),
    /// Excel templates of indicator values (a row per unit, a column per indicator), their
    /// import, and evaluation results as XLSX.
    #[command(subcommand)]
    Observations(ObservationsCmd),
    /// Plans and targets (kế hoạch, chỉ tiêu): check a plan file.
    #[command(subcommand)]
    Plans(PlansCmd),
}

#[derive(Subcommand)]
enum PlansCmd {
    /// Check a plan file (YAML, docs/plans-format.md) against the measures and criteria
    /// sets shipped with NTM Số: every problem as file:line: field: message.
    Check { file: PathBuf },
}

#[derive(Subcommand)]
enum CriteriaCmd {
    /// List every set and version with its validity.
    List,
    /// Upload a provincial set (YAML) that `extends` a national one with stricter
    /// thresholds; validated (every problem with file:line), audited, used by evaluations
    /// of that province's units.
    Upload {
        /// Province code the set applies to (e.g. 86).
        #[arg(long)]
        province: String,
        file: PathBuf,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum OutputFormat {
    Table,
    Json,
    Csv,
}

#[derive(Args)]
struct EvaluateArgs {
    /// Set id, e.g. `xa-ntm-2021-2025` (see `ntm criteria list`).
    #[arg(long)]
    set: String,
    /// Unit code, e.g. `29374`.
    #[arg(long)]
    unit: String,
    #[arg(long)]
    year: i32,
    #[arg(long, value_enum, default_value = "table")]
    format: OutputFormat,
}

#[derive(Args)]
struct ObserveArgs {
    #[arg(long)]
    set: String,
    #[arg(long)]
    unit: String,
    #[arg(long)]
    year: i32,
    /// Note kept with the values (evidence, who measured).
    #[arg(long, default_value = "")]
    note: String,
    /// `CODE=VALUE` pairs, e.g. `1.1=Đạt 2.1="85 %"`. A value already recorded is replaced by
    /// a new version.
    #[arg(required = true)]
    values: Vec<String>,
}

#[derive(Args)]
struct ServeArgs {
    /// Mark session cookies `Secure` (set when the server is behind HTTPS).
    #[arg(long, env = "NTM_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Do not apply migrations at start.
    #[arg(long)]
    no_migrate: bool,
    /// Take the client address (audit log, rate limits) from `X-Forwarded-For`: the entry
    /// added by the outermost trusted proxy (see --trusted-proxies). Only behind a reverse
    /// proxy that appends to that header.
    #[arg(long, env = "NTM_TRUST_FORWARDED_FOR")]
    trust_forwarded_for: bool,
    /// How many reverse proxies (each appending to `X-Forwarded-For`) stand in front of
    /// the server: the client address is that many entries from the right.
    #[arg(long, env = "NTM_TRUSTED_PROXIES", default_value_t = 1)]
    trusted_proxies: usize,
}

#[derive(Subcommand)]
enum ImportCmd {
    /// Import an official unit list (CSV `code,name,level,kind,parent_code`) as a snapshot
    /// taken on --date; units missing from it are closed at that date. Idempotent.
    Units {
        /// The CSV file. Omit with --reference.
        file: Option<PathBuf>,
        /// Date the list describes (YYYY-MM-DD or dd/mm/yyyy).
        #[arg(long)]
        date: Option<String>,
        /// Old→new commune table explaining this list (as in the 2025 reform).
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// Import the official lists shipped with NTM Số (2023, 30/06/2025, from 01/07/2025).
        #[arg(long, conflicts_with_all = ["file", "date", "mapping"])]
        reference: bool,
    },
    /// Import indicator values of many units from CSV or XLSX (`unit_code,indicator,value`)
    /// for one set and year, in one transaction: if any row is bad nothing is written and
    /// every bad row is listed (unless `--apply-valid`).
    Observations {
        file: PathBuf,
        /// Criteria set id, e.g. `xa-ntm-2021-2025`.
        #[arg(long)]
        set: String,
        #[arg(long)]
        year: i32,
        /// Note kept with every value (source document…).
        #[arg(long, default_value = "")]
        note: String,
        /// Write the valid rows and list the bad ones, instead of writing nothing.
        #[arg(long)]
        apply_valid: bool,
    },
    /// Import hamlets (ấp/thôn) of a commune from CSV or XLSX (`code,name,kind`).
    Hamlets {
        file: PathBuf,
        /// Commune code, when the file has no `commune_code` column.
        #[arg(long)]
        commune: Option<String>,
    },
}

#[derive(Subcommand)]
enum UserCmd {
    /// Create an account. Without --password-stdin a random password is generated and printed.
    Add {
        username: String,
        /// Full name shown in the interface.
        #[arg(long = "name")]
        display_name: String,
        /// Role, optionally scoped to a unit subtree: `admin`, `province_officer@84`,
        /// `commune_officer@29374`… (repeatable).
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Set a new password (read from standard input, or generated and printed).
    Passwd {
        username: String,
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts and their roles.
    List,
    /// Set (or with --clear remove) the e-mail address that receives a user's notifications.
    SetEmail {
        username: String,
        #[arg(required_unless_present = "clear", conflicts_with = "clear")]
        email: Option<String>,
        #[arg(long)]
        clear: bool,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Check every link of the hash chain; exits with 1 if the log was tampered with.
    Verify,
    /// Print entries.
    List {
        #[arg(long, default_value_t = 0)]
        after: i64,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
}

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
    Ok(App::with_catalog(db, config, catalog))
}

/// `(file name, text)` of every `*.yaml` in `--criteria-dir`, by name.
fn criteria_files(common: &Common) -> Result<Vec<(String, String)>> {
    let Some(dir) = &common.criteria_dir else {
        return Ok(Vec::new());
    };
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the criteria folder {}", dir.display()))?;
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
        bail!("no *.yaml criteria file in {}", dir.display());
    }
    out.sort();
    Ok(out)
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

async fn run(cli: Cli) -> Result<ExitCode> {
    let common = cli.common;
    match cli.command {
        Command::Migrate => {
            let app = open(&common, true).await?;
            println!("migrations applied ({:?})", app.db.backend());
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve(args) => serve(&common, args, false).await,
        Command::Demo(args) => serve(&common, args, true).await,
        Command::Import(cmd) => import(&common, cmd).await,
        Command::User(cmd) => user(&common, cmd).await,
        Command::Audit(cmd) => audit(&common, cmd).await,
        Command::Criteria(CriteriaCmd::List) => criteria_list(&common).await,
        Command::Criteria(CriteriaCmd::Upload { province, file }) => {
            criteria_upload(&common, &province, &file).await
        }
        Command::Evaluate(args) => evaluate(&common, args).await,
        Command::Observe(args) => observe(&common, args).await,
        Command::Observations(cmd) => observations(&common, cmd).await,
        Command::Plans(PlansCmd::Check { file }) => plans_check(&file),
    }
}

async fn serve(common: &Common, args: ServeArgs, demo: bool) -> Result<ExitCode> {
    let (_, file) = database_url(common)?;
    let _lock = match &file {
        Some(f) => Some(lock_sqlite(f)?),
        None => None,
    };
    let listener = tokio::net::TcpListener::bind(&common.listen)
        .await
        .with_context(|| format!("cannot listen on {}", common.listen))?;
    let app = open(common, !args.no_migrate).await?;
    let mut accounts = Vec::new();
    if demo {
        eprintln!("Loading official units and demo data (first start takes a few seconds)…");
        let bar = stage_bar();
        accounts = ntm_app::demo::seed_demo(&app, &mut |src, stage| show_stage(&bar, src, stage))
            .await
            .map_err(app_err)?;
        bar.finish_and_clear();
    }
    let addr = listener.local_addr()?;
    println!(
        "NTM Số is running at http://{addr}/  (database: {:?})",
        app.db.backend()
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
    println!("Press Ctrl+C to stop.");
    let cfg = ntm_web::WebConfig {
        secure_cookies: args.secure_cookies,
        trust_forwarded_for: args.trust_forwarded_for,
        trusted_proxies: args.trusted_proxies,
        ..ntm_web::WebConfig::default()
    };
    ntm_web::serve(listener, app.clone(), cfg, shutdown_signal()).await?;
    app.db.close().await;
    eprintln!("stopped");
    Ok(ExitCode::SUCCESS)
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

fn stage_bar() -> ProgressBar {
    let bar = ProgressBar::new(ImportStage::COUNT);
    if !std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{bar:20}] {pos}/{len} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

fn show_stage(bar: &ProgressBar, source: &str, stage: ImportStage) {
    bar.set_position(stage.index().min(ImportStage::COUNT));
    bar.set_message(format!("{source}: {}", stage.label()));
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

fn print_report(r: &ImportReport, secs: f64) {
    if r.already_applied {
        println!(
            "{} ({}): already applied — nothing changed",
            r.source, r.date
        );
        return;
    }
    let levels: Vec<String> = r
        .rows_by_level
        .iter()
        .map(|(l, n)| format!("{n} {}", l.as_str()))
        .collect();
    println!(
        "{} ({}): {} rows ({}); opened {}, closed {}, unchanged {}, lineage {} — {:.2} s",
        r.source,
        r.date,
        r.rows,
        levels.join(", "),
        r.opened,
        r.closed,
        r.unchanged,
        r.lineage,
        secs
    );
    for w in r.warnings.iter().take(20) {
        println!("  warning: {w}");
    }
    if r.warnings.len() > 20 {
        println!("  … and {} more warnings", r.warnings.len() - 20);
    }
}

fn read_file(p: &Path) -> Result<Vec<u8>> {
    std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))
}

async fn import(common: &Common, cmd: ImportCmd) -> Result<ExitCode> {
    let app = open(common, true).await?;
    let actor = Actor::cli();
    match cmd {
        ImportCmd::Units {
            reference: true, ..
        } => {
            for input in ntm_app::demo::reference_snapshots() {
                let source = input.source.clone();
                let bar = stage_bar();
                let t = std::time::Instant::now();
                let r = ntm_app::units::import_snapshot(&app, &actor, input, &mut |s| {
                    show_stage(&bar, &source, s)
                })
                .await
                .map_err(app_err)?;
                bar.finish_and_clear();
                print_report(&r, t.elapsed().as_secs_f64());
            }
        }
        ImportCmd::Units {
            file,
            date,
            mapping,
            ..
        } => {
            let file = file
                .ok_or_else(|| anyhow!("give a CSV file, or --reference for the official lists"))?;
            let date = date.ok_or_else(|| {
                anyhow!("--date is required: the date the list describes (e.g. --date 2025-07-01)")
            })?;
            let date = ntm_domain::text::parse_date(&date).ok_or_else(|| {
                anyhow!("--date {date:?} is not a date (use YYYY-MM-DD or dd/mm/yyyy)")
            })?;
            let bytes = read_file(&file)?;
            let mapping_bytes = mapping.as_deref().map(read_file).transpose()?;
            let source = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bar = stage_bar();
            let t = std::time::Instant::now();
            let input = SnapshotInput {
                source: source.clone(),
                units_csv: &bytes,
                date,
                mapping_csv: mapping_bytes.as_deref(),
            };
            let r = ntm_app::units::import_snapshot(&app, &actor, input, &mut |s| {
                show_stage(&bar, &source, s)
            })
            .await
            .map_err(app_err)?;
            bar.finish_and_clear();
            print_report(&r, t.elapsed().as_secs_f64());
        }
        ImportCmd::Observations {
            file,
            set,
            year,
            note,
            apply_valid,
        } => {
            let bytes = read_file(&file)?;
            let name = file.to_string_lossy().into_owned();
            // A local bulk file: the command line's larger limits.
            let table = ntm_reports::read_table_within(
                &bytes,
                &name,
                &ntm_reports::sheets::Limits::COMMAND_LINE,
            )
            .map_err(|e| anyhow!("{name}: {e}"))?;
            let rows = ntm_app::criteria::parse_observation_rows(table).map_err(app_err)?;
            let r =
                ntm_app::workbook::import_long(&app, &actor, &set, year, rows, &note, apply_valid)
                    .await
                    .map_err(app_err)?;
            println!(
                "{} value(s) of {} unit(s) imported for {set} {year}",
                r.rows, r.units
            );
            if !r.bad.is_empty() {
                println!("{} bad row(s) skipped:", r.bad.len());
                for e in &r.bad {
                    println!("  {}: {}", e.field, e.message);
                }
            }
        }
        ImportCmd::Hamlets { file, commune } => {
            let bytes = read_file(&file)?;
            let name = file.to_string_lossy().into_owned();
            let table =
                ntm_reports::read_table(&bytes, &name).map_err(|e| anyhow!("{name}: {e}"))?;
            let rows =
                ntm_app::units::parse_hamlet_rows(table, commune.as_deref()).map_err(app_err)?;
            let r = ntm_app::units::add_hamlets(&app, &actor, rows)
                .await
                .map_err(app_err)?;
            println!(
                "{} hamlet(s) added, {} already present",
                r.added.len(),
                r.unchanged
            );
            for u in &r.added {
                println!("  {}  {} ({})", u.code, u.name, u.kind);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn password_from_stdin() -> Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let p = line.trim_end_matches(['\r', '\n']).to_string();
    if p.is_empty() {
        bail!("no password on standard input");
    }
    Ok(p)
}

fn generated_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    (0..16)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

async fn user(common: &Common, cmd: UserCmd) -> Result<ExitCode> {
    let app = open(common, true).await?;
    let actor = Actor::cli();
    match cmd {
        UserCmd::Add {
            username,
            display_name,
            roles,
            password_stdin,
        } => {
            let grants = roles
                .iter()
                .map(|r| ntm_app::users::GrantInput::parse(r))
                .collect::<Result<Vec<_>, _>>()
                .map_err(app_err)?;
            let (password, generated) = if password_stdin {
                (password_from_stdin()?, false)
            } else {
                (generated_password(), true)
            };
            let u = ntm_app::users::add_user(
                &app,
                &actor,
                ntm_app::users::NewUser {
                    username,
                    display_name,
                    password: password.clone(),
                    grants,
                },
            )
            .await
            .map_err(app_err)?;
            println!("user {} created", u.username);
            if generated {
                println!(
                    "password: {password}   (shown once; change it with `ntm user passwd {}`)",
                    u.username
                );
            }
        }
        UserCmd::Passwd {
            username,
            password_stdin,
        } => {
            let (password, generated) = if password_stdin {
                (password_from_stdin()?, false)
            } else {
                (generated_password(), true)
            };
            ntm_app::users::set_password(&app, &actor, &username, &password)
                .await
                .map_err(app_err)?;
            println!("password of {username} changed");
            if generated {
                println!("new password: {password}");
            }
        }
        UserCmd::SetEmail {
            username,
            email,
            clear,
        } => {
            let email = if clear { None } else { email };
            ntm_app::users::set_email(&app, &actor, &username, email.as_deref())
                .await
                .map_err(app_err)?;
            match email {
                Some(e) => println!("e-mail of {username}: {}", e.trim()),
                None => println!("e-mail of {username} removed"),
            }
        }
        UserCmd::List => {
            let users = ntm_app::users::list_users(&app, &actor)
                .await
                .map_err(app_err)?;
            println!("{:<20} {:<8} {:<40} roles", "username", "active", "name");
            for u in users {
                let roles: Vec<String> = u
                    .grants
                    .iter()
                    .map(|g| {
                        format!(
                            "{}@{}",
                            g.role.as_str(),
                            g.scope_code.as_deref().unwrap_or("*")
                        )
                    })
                    .collect();
                println!(
                    "{:<20} {:<8} {:<40} {}",
                    u.username,
                    if u.active { "yes" } else { "no" },
                    u.display_name,
                    roles.join(", ")
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn audit(common: &Common, cmd: AuditCmd) -> Result<ExitCode> {
    let app = open(common, true).await?;
    let actor = Actor::cli();
    match cmd {
        AuditCmd::Verify => {
            let r = ntm_app::audit::verify_chain(&app, &actor)
                .await
                .map_err(app_err)?;
            if r.ok {
                println!(
                    "audit log OK: {} entries, every link and hash verified",
                    r.entries
                );
                Ok(ExitCode::SUCCESS)
            } else {
                println!(
                    "AUDIT LOG TAMPERED: {} (verified up to entry {})",
                    r.problem.unwrap_or_default(),
                    r.entries
                );
                Ok(ExitCode::from(1))
            }
        }
        AuditCmd::List { after, limit } => {
            for e in ntm_app::audit::list(&app, &actor, after, limit)
                .await
                .map_err(app_err)?
            {
                println!(
                    "{:>6}  {}  {:<20} {:<22} {:<20} {} {}",
                    e.seq, e.at, e.actor, e.action, e.target, e.origin, e.detail
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn criteria_list(common: &Common) -> Result<ExitCode> {
    let app = open(common, true).await?;
    println!(
        "{:<38} {:<8} {:<9} {:<23} {:>9} {:>9}  title",
        "id", "version", "level", "in force", "criteria", "indicators"
    );
    for s in ntm_app::criteria::list_sets(&app) {
        let until = s
            .in_force_until
            .map(ntm_domain::text::format_date_vi)
            .unwrap_or_default();
        println!(
            "{:<38} {:<8} {:<9} {:<23} {:>9} {:>9}  {}",
            s.id,
            s.version,
            s.level.as_str(),
            format!(
                "{} – {}",
                ntm_domain::text::format_date_vi(s.valid_from),
                until
            ),
            s.criteria,
            s.indicators,
            s.title_vi
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Vietnamese status words for terminal output.
fn status_vi(s: ntm_domain::criteria::Status) -> &'static str {
    use ntm_domain::criteria::Status;
    match s {
        Status::Met => "đạt",
        Status::NotMet => "chưa đạt",
        Status::Missing => "thiếu số liệu",
        Status::NeedsVerification => "cần xác minh",
    }
}

fn level_vi(l: ntm_domain::units::Level) -> &'static str {
    use ntm_domain::units::Level;
    match l {
        Level::Province => "tỉnh",
        Level::District => "huyện",
        Level::Commune => "xã",
        Level::Hamlet => "thôn/ấp",
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

async fn evaluate(common: &Common, args: EvaluateArgs) -> Result<ExitCode> {
    use ntm_domain::text::{format_date_vi, format_number_vi};
    let app = open(common, true).await?;
    let e = ntm_app::criteria::evaluate(&app, &Actor::cli(), &args.unit, &args.set, args.year)
        .await
        .map_err(app_err)?;
    match args.format {
        OutputFormat::Json => {
            println!("{}", serde_json::to_string_pretty(&e)?);
        }
        OutputFormat::Csv => {
            if let Some(r) = &e.result {
                println!("unit,criterion,indicator,status,value,value_status,version,gap");
                for i in &r.indicators {
                    println!(
                        "{},{},{},{},{},{},{},{}",
                        csv_field(&e.unit_code),
                        i.criterion.map(|c| c.to_string()).unwrap_or_default(),
                        csv_field(&i.code),
                        i.status.as_str(),
                        csv_field(i.value.as_deref().unwrap_or("")),
                        i.value_status.map(|s| s.as_str()).unwrap_or(""),
                        i.version.map(|v| v.to_string()).unwrap_or_default(),
                        i.gap.map(|g| g.to_string()).unwrap_or_default()
                    );
                }
            }
            if let Some(r) = &e.rollup {
                println!("unit,name,status,criteria_met");
                for c in &r.children {
                    println!(
                        "{},{},{},{}",
                        csv_field(&c.code),
                        csv_field(&c.name),
                        c.status.as_str(),
                        c.criteria_met
                    );
                }
            }
        }
        OutputFormat::Table => {
            println!("{} ({})", e.unit_name, e.unit_code);
            println!(
                "Bộ tiêu chí: {} ({}, phiên bản {})",
                e.set.title_vi, e.set.id, e.set.version
            );
            println!(
                "Năm {}: đơn vị hành chính theo ngày {}",
                e.year,
                format_date_vi(e.units_on)
            );
            if let Some(r) = &e.result {
                println!(
                    "Kết quả: {} — {}/{} tiêu chí đạt",
                    status_vi(r.status).to_uppercase(),
                    r.criteria_met,
                    r.criteria_total
                );
                println!();
                println!(
                    "{:<10} {:<15} {:<20} {:<18} còn thiếu",
                    "chỉ tiêu", "trạng thái", "giá trị", "số liệu"
                );
                for i in &r.indicators {
                    println!(
                        "{:<10} {:<15} {:<20} {:<18} {}",
                        i.code,
                        status_vi(i.status),
                        i.value.as_deref().unwrap_or("—"),
                        i.value_status.map(|s| s.label_vi()).unwrap_or("—"),
                        i.gap.map(|g| format_number_vi(g, 2)).unwrap_or_default()
                    );
                }
                println!();
                println!("{:<4} {:<15} tiêu chí", "số", "trạng thái");
                for c in &r.criteria {
                    println!("{:<4} {:<15} {}", c.number, status_vi(c.status), c.name_vi);
                }
            }
            if let Some(r) = &e.rollup {
                println!(
                    "Tổng hợp {} đơn vị cấp {}: {} đạt, {} chưa đạt, {} thiếu số liệu, {} cần xác minh; bình quân {} tiêu chí đạt",
                    r.units,
                    level_vi(r.level),
                    r.met,
                    r.not_met,
                    r.missing,
                    r.needs_verification,
                    format_number_vi(r.avg_criteria_met, 1)
                );
                println!(
                    "Tạm tính (ngưỡng chưa xác nhận): {} tạm đạt; {} không phát hiện chỉ tiêu chưa đạt (chờ xác nhận ngưỡng); bình quân {} tiêu chí không phát hiện chưa đạt",
                    r.met_tentative,
                    r.no_known_shortfall,
                    format_number_vi(r.avg_criteria_no_known_shortfall, 1)
                );
                println!("  số tiêu chí   đạt  tạm tính");
                for (b, t) in r.buckets.iter().zip(&r.buckets_no_known_shortfall) {
                    println!(
                        "  {:>2}–{:<2}     {:>5}  {:>8}",
                        b.min, b.max, b.count, t.count
                    );
                }
                println!();
                println!(
                    "{:<8} {:<15} {:>8} {:>9}  tên",
                    "mã", "trạng thái", "tiêu chí", "tạm tính"
                );
                for c in &r.children {
                    println!(
                        "{:<8} {:<15} {:>8} {:>9}  {}",
                        c.code,
                        status_vi(c.status),
                        c.criteria_met,
                        c.criteria_no_known_shortfall,
                        c.name
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn observe(common: &Common, args: ObserveArgs) -> Result<ExitCode> {
    let app = open(common, true).await?;
    let mut values = Vec::new();
    for (i, v) in args.values.iter().enumerate() {
        let Some((code, text)) = v.split_once('=') else {
            bail!("value {} ({v:?}) is not CODE=VALUE", i + 1);
        };
        values.push((code.trim().to_string(), text.to_string()));
    }
    // The command line replaces whatever is current (it has every right).
    let current =
        ntm_app::criteria::current_versions(&app, &Actor::cli(), &args.unit, &args.set, args.year)
            .await
            .map_err(app_err)?;
    let values = values
        .into_iter()
        .map(|(code, text)| ntm_app::criteria::ValueInput {
            expected_version: current.get(&code).copied(),
            code,
            text,
        })
        .collect();
    let batch = ntm_app::criteria::ValueBatch {
        set_id: args.set.clone(),
        year: args.year,
        values,
        note: args.note.clone(),
        source: ntm_domain::observation::ObsSource::Manual,
    };
    let w = ntm_app::criteria::put_observations(&app, &Actor::cli(), &args.unit, batch)
        .await
        .map_err(app_err)?;
    println!("{} value(s) recorded", w.len());
    for o in &w {
        println!(
            "  {} = {}  (version {})",
            o.indicator_code, o.value_text, o.version
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
enum ObservationsCmd {
    /// Write the Excel template officials fill in: one row per unit of the set's level
    /// under --unit (valid in --year), one column per indicator, thresholds shown, current
    /// values filled in.
    Template {
        /// Criteria set id, e.g. `xa-ntm-2021-2025` (see `ntm criteria list`).
        #[arg(long)]
        set: String,
        /// Unit code: a unit of the set's level, or a parent (district, province).
        #[arg(long)]
        unit: String,
        #[arg(long)]
        year: i32,
        /// Output file (default `mau-<set>-<unit>-<year>.xlsx`).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Import a filled template (XLSX, or CSV with the same layout). If any cell is bad
    /// nothing is written and every bad cell is listed.
    Import {
        file: PathBuf,
        /// Write the valid cells and list the bad ones (skipped).
        #[arg(long)]
        apply_valid: bool,
    },
    /// Write the evaluation of a unit (or the roll-up of its units) as XLSX.
    Export {
        #[arg(long)]
        set: String,
        #[arg(long)]
        unit: String,
        #[arg(long)]
        year: i32,
        /// Output file (default `ket-qua-<set>-<unit>-<year>.xlsx`).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

fn write_output(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

async fn observations(common: &Common, cmd: ObservationsCmd) -> Result<ExitCode> {
    let app = open(common, true).await?;
    let actor = Actor::cli();
    match cmd {
        ObservationsCmd::Template {
            set,
            unit,
            year,
            output,
        } => {
            let bytes = ntm_app::workbook::template(&app, &actor, &set, &unit, year)
                .await
                .map_err(app_err)?;
            let path =
                output.unwrap_or_else(|| PathBuf::from(format!("mau-{set}-{unit}-{year}.xlsx")));
            write_output(&path, &bytes)?;
            println!(
                "template for {set} {year} ({unit}) written to {}",
                path.display()
            );
        }
        ObservationsCmd::Import { file, apply_valid } => {
            let bytes = read_file(&file)?;
            let name = file.to_string_lossy().into_owned();
            let r = match ntm_app::workbook::import(&app, &actor, &bytes, &name, apply_valid).await
            {
                Ok(r) => r,
                Err(AppError::Validation(errs))
                    if !apply_valid && errs.iter().any(|e| e.field.starts_with("line ")) =>
                {
                    let e = AppError::Validation(errs);
                    return Err(anyhow!(
                        "{}\n(use --apply-valid to write the valid cells and skip the bad ones)",
                        app_err(e)
                    ));
                }
                Err(e) => return Err(app_err(e)),
            };
            println!(
                "{} value(s) of {} unit(s) imported for {} {}",
                r.rows, r.units, r.set_id, r.year
            );
            if !r.bad.is_empty() {
                println!("{} bad cell(s) skipped:", r.bad.len());
                for e in &r.bad {
                    println!("  {}: {}", e.field, e.message);
                }
            }
        }
        ObservationsCmd::Export {
            set,
            unit,
            year,
            output,
        } => {
            let bytes = ntm_app::workbook::export_results(&app, &actor, &unit, &set, year)
                .await
                .map_err(app_err)?;
            let path = output
                .unwrap_or_else(|| PathBuf::from(format!("ket-qua-{set}-{unit}-{year}.xlsx")));
            write_output(&path, &bytes)?;
            println!(
                "results of {unit} for {set} {year} written to {}",
                path.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn criteria_upload(common: &Common, province: &str, file: &Path) -> Result<ExitCode> {
    let app = open(common, true).await?;
    let text = String::from_utf8(read_file(file)?)
        .map_err(|_| anyhow!("{} is not UTF-8 text", file.display()))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let s = ntm_app::provincial::upload_set(&app, &Actor::cli(), province, &name, &text)
        .await
        .map_err(app_err)?;
    println!(
        "provincial set {} (version {}) for province {} stored; it extends {} and is now active",
        s.set_id, s.version, s.province_code, s.extends
    );
    for t in &s.thresholds {
        println!(
            "  {}  {}",
            t.code,
            if t.confirmed {
                "sourced"
            } else {
                "not sourced: evaluations show \"cần xác minh\""
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn plans_check(file: &std::path::Path) -> Result<ExitCode> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file.display().to_string();
    match ntm_app::plans::check_file(&name, &text) {
        Ok(p) => {
            println!(
                "{name}: plan {} ({}) — {} targets, {} reports, {} tasks: OK",
                p.id,
                p.province,
                p.targets.len(),
                p.reports.len(),
                p.tasks.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(errors) => {
            for e in &errors {
                eprintln!("{e}");
            }
            eprintln!("{} problem(s)", errors.len());
            Ok(ExitCode::FAILURE)
        }
    }
}
