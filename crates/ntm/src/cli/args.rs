//! The command line's arguments (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "ntm",
    version,
    about = "NTM Số — chuyển đổi số trong xây dựng nông thôn mới (New Countryside digital platform)"
)]
pub(super) struct Cli {
    #[command(flatten)]
    pub(super) common: Common,
    #[command(subcommand)]
    pub(super) command: Command,
}

#[derive(Args, Clone)]
pub(super) struct Common {
    /// Folder for the SQLite database and stored files.
    #[arg(long, global = true, env = "NTM_DATA_DIR", default_value = "ntm-data")]
    pub(super) data_dir: PathBuf,
    /// Database URL (`sqlite:…` or `postgres://…`); default: SQLite file `ntm.db` in the data folder.
    #[arg(long, global = true, env = "NTM_DATABASE_URL")]
    pub(super) database_url: Option<String>,
    /// Address to listen on.
    #[arg(
        long,
        global = true,
        env = "NTM_LISTEN",
        default_value = "127.0.0.1:8080"
    )]
    pub(super) listen: String,
    /// Folder of extra criteria files (`*.yaml`, format ntm-criteria/1) loaded beside the
    /// shipped sets: a set issued after this build, or a test fixture. Checked at start-up;
    /// any problem stops the program with `file:line: field`.
    #[arg(long, global = true, env = "NTM_CRITERIA_DIR")]
    pub(super) criteria_dir: Option<PathBuf>,
    /// Folder of extra plan files (`*.yaml`, format ntm-plan/1, `docs/plans-format.md`)
    /// loaded beside the shipped plans: a province's own plan, or a test fixture. Checked at
    /// start-up; any problem stops the program with `file:line: field`.
    #[arg(long, global = true, env = "NTM_PLANS_DIR")]
    pub(super) plans_dir: Option<PathBuf>,
    /// The survey key file (secret of the phone numbers' keyed hashes), kept outside the
    /// database; default `survey.key` in the data folder, created (mode 0600) on first
    /// start. Every server sharing one PostgreSQL database must read the same file.
    #[arg(long, global = true, env = "NTM_SURVEY_KEY_FILE")]
    pub(super) survey_key_file: Option<PathBuf>,
}

#[derive(Subcommand)]
pub(super) enum Command {
    /// Run the web server (applies database migrations first).
    ///
    /// E-mail copies of dossier notifications are sent when NTM_SMTP_HOST is set: plain SMTP
    /// without TLS to a relay on the local network (e.g. postfix on localhost, which handles
    /// TLS outward); NTM_SMTP_PORT (default 25), NTM_SMTP_FROM (required with the host),
    /// NTM_SMTP_USER and NTM_SMTP_PASSWORD (optional; sent in clear, only to a trusted relay),
    /// NTM_BASE_URL (optional, the site's public address for links in mails).
    ///
    /// One-time codes for survey phone answers are sent by SMS when NTM_SMS_GATEWAY_URL is set
    /// (an http:// gateway on the local network, a POST with the body NTM_SMS_TEMPLATE,
    /// default {"to":"{phone}","text":"{text}"}) or NTM_SMS_FILE (development: one line per
    /// message in that file).
    Serve(ServeArgs),
    /// Load the official unit lists, demo accounts and labelled sample data, then serve.
    Demo(ServeArgs),
    /// Import data files.
    #[command(subcommand)]
    Import(ImportCmd),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCmd),
    /// API tokens of machine clients (`Authorization: Bearer …` on /api/v1).
    #[command(subcommand)]
    Token(TokenCmd),
    /// OCOP products (sản phẩm OCOP).
    #[command(subcommand)]
    Ocop(OcopCmd),
    /// Indicators computed from the platform's records (portal, loudspeaker, feedback).
    #[command(subcommand)]
    Measures(MeasuresCmd),
    /// Read and verify the audit log.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Apply database migrations and exit.
    Migrate,
    /// Write a backup folder: a consistent copy of the database (online SQLite snapshot, or
    /// a PostgreSQL dump with pg_dump), the stored files (evidence, dossier documents,
    /// criteria bases) and manifest.json with the SHA-256 of each, every table's fingerprint
    /// and the audit head. The server may keep running.
    Backup {
        /// The folder to create (must not exist or be empty).
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup folder into an empty database and data folder (`--database-url`,
    /// `--data-dir`): every hash is checked before anything is written, then every table is
    /// compared with the manifest and the audit chain verified.
    Restore {
        /// The backup folder (with manifest.json).
        #[arg(long)]
        from: PathBuf,
        /// SQLite: move a database that holds data aside (`<file>.before-restore-<time>`)
        /// instead of refusing.
        #[arg(long)]
        force: bool,
    },
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
    /// Write the tables a page offers as XLSX, the same file as the page's download.
    #[command(subcommand)]
    Export(ExportCmd),
    /// Unit boundaries (GeoJSON outlines) the raw-material areas are checked against.
    #[command(subcommand)]
    Boundaries(BoundariesCmd),
}

#[derive(Subcommand)]
pub(super) enum BoundariesCmd {
    /// The same as `ntm import boundaries` (kept for scripts written before it).
    Load(BoundaryArgs),
}

#[derive(Args)]
pub(super) struct BoundaryArgs {
    /// A GeoJSON FeatureCollection (WGS84 longitude/latitude), or a Shapefile (`.shp`, or a
    /// `.zip` of one) or GeoPackage (`.gpkg`) read through GDAL's ogr2ogr when installed.
    pub(super) file: PathBuf,
    /// The first day these boundaries are valid (YYYY-MM-DD or dd/mm/yyyy): each code must
    /// name a unit valid that day; the boundary starts a new period of that unit record.
    #[arg(long)]
    pub(super) date: String,
    /// The feature property holding the unit code, e.g. `ma_xa`; default: the first of
    /// `code`, `ma_xa`, `ma_huyen`, `ma_tinh` a feature has.
    #[arg(long)]
    pub(super) code_property: Option<String>,
    /// Where the file came from (shown with the maps).
    #[arg(long)]
    pub(super) source: String,
    /// The licence notice, or that none is stated (shown with the maps).
    #[arg(long)]
    pub(super) licence: String,
    /// Keep only the features whose `--province-property` equals this code, e.g. `86`.
    #[arg(long, requires = "province_property")]
    pub(super) province: Option<String>,
    /// The feature property holding the province code, e.g. `ma_tinh`.
    #[arg(long)]
    pub(super) province_property: Option<String>,
}

#[derive(Subcommand)]
pub(super) enum ExportCmd {
    /// The dashboard of a province or district (every table, or one with --table), as
    /// `/units/{code}/dashboard.xlsx`.
    Dashboard {
        /// Unit code of a province or district, e.g. `84`.
        #[arg(long)]
        unit: String,
        /// Commune-level set id (default: the page's default for the year).
        #[arg(long)]
        set: Option<String>,
        /// Year (default: the page's default).
        #[arg(long)]
        year: Option<i32>,
        /// One table only.
        #[arg(long, value_enum)]
        table: Option<TableArg>,
        /// Order of the district and commune tables.
        #[arg(long, value_enum, default_value = "code")]
        sort: SortArg,
        /// Descending order (default: descending for `criteria` only, as on the page).
        #[arg(long, value_enum)]
        dir: Option<DirArg>,
        /// Output file (default `dashboard-<unit>-<set>-<year>[-<table>].xlsx`).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// A plan's target table with its figures for a year, as `/plans/{id}/plan.xlsx`.
    Plan {
        /// Plan id, e.g. `tra-vinh-2023`.
        #[arg(long)]
        plan: String,
        /// The year shown (default: this year, kept inside the plan's years, as the page).
        #[arg(long)]
        year: Option<i32>,
        /// The figures of this unit of the plan's province (default: the province).
        #[arg(long)]
        unit: Option<String>,
        /// Only the targets led by this agency.
        #[arg(long)]
        agency: Option<String>,
        /// Only the targets of this level (`province`, `district`, `commune`).
        #[arg(long)]
        level: Option<String>,
        /// Language of the headers and labels: `vi` or `en`.
        #[arg(long, default_value = "vi")]
        lang: String,
        /// Output file (default `plan-<id>-<year>.xlsx`).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// The units directly under a unit on a date, as `/units/{code}/children.xlsx`.
    Units {
        /// Unit code, e.g. `84`.
        #[arg(long)]
        unit: String,
        /// Date `YYYY-MM-DD` (default: today).
        #[arg(long)]
        date: Option<String>,
        /// Language of the headers and labels: `vi` or `en`.
        #[arg(long, default_value = "vi")]
        lang: String,
        /// Output file (default `<unit>-<date>.xlsx`).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub(super) enum TableArg {
    Summary,
    Buckets,
    Blocking,
    Units,
    Communes,
    Trend,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub(super) enum SortArg {
    Code,
    Name,
    Criteria,
    Status,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub(super) enum DirArg {
    Asc,
    Desc,
}

#[derive(Subcommand)]
pub(super) enum PlansCmd {
    /// Check a plan file (YAML, docs/plans-format.md) against the measures and criteria
    /// sets shipped with NTM Số: every problem as file:line: field: message.
    Check { file: PathBuf },
}

#[derive(Subcommand)]
pub(super) enum CriteriaCmd {
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
pub(super) enum OutputFormat {
    Table,
    Json,
    Csv,
}

#[derive(Args)]
pub(super) struct EvaluateArgs {
    /// Set id, e.g. `xa-ntm-2021-2025` (see `ntm criteria list`).
    #[arg(long)]
    pub(super) set: String,
    /// Unit code, e.g. `29374`.
    #[arg(long)]
    pub(super) unit: String,
    #[arg(long)]
    pub(super) year: i32,
    #[arg(long, value_enum, default_value = "table")]
    pub(super) format: OutputFormat,
}

#[derive(Args)]
pub(super) struct ObserveArgs {
    #[arg(long)]
    pub(super) set: String,
    #[arg(long)]
    pub(super) unit: String,
    #[arg(long)]
    pub(super) year: i32,
    /// Note kept with the values (evidence, who measured).
    #[arg(long, default_value = "")]
    pub(super) note: String,
    /// `CODE=VALUE` pairs, e.g. `1.1=Đạt 2.1="85 %"`. A value already recorded is replaced by
    /// a new version.
    #[arg(required = true)]
    pub(super) values: Vec<String>,
}

#[derive(Args)]
pub(super) struct ServeArgs {
    /// Treat every request as served over HTTPS (`Secure` cookies, HSTS). Implied by an
    /// `https://` --base-url, or per request by a trusted proxy's `X-Forwarded-Proto: https`.
    #[arg(long, env = "NTM_SECURE_COOKIES")]
    pub(super) secure_cookies: bool,
    /// The public address of the site, e.g. `https://ntm.travinh.gov.vn` (also used for links
    /// in e-mails). With `https://`, cookies are `Secure` and HSTS is sent.
    #[arg(long, env = "NTM_BASE_URL")]
    pub(super) base_url: Option<String>,
    /// Plain-HTTP local development only: never mark cookies `Secure` nor send HSTS, even
    /// with an `https://` base URL.
    #[arg(long, env = "NTM_INSECURE_HTTP")]
    pub(super) insecure_http: bool,
    /// Do not apply migrations at start.
    #[arg(long)]
    pub(super) no_migrate: bool,
    /// Take the client address (audit log, rate limits) from `X-Forwarded-For`: the entry
    /// added by the outermost trusted proxy (see --trusted-proxies). Only behind a reverse
    /// proxy that appends to that header.
    #[arg(long, env = "NTM_TRUST_FORWARDED_FOR")]
    pub(super) trust_forwarded_for: bool,
    /// How many reverse proxies (each appending to `X-Forwarded-For`) stand in front of
    /// the server: the client address is that many entries from the right.
    #[arg(long, env = "NTM_TRUSTED_PROXIES", default_value_t = 1)]
    pub(super) trusted_proxies: usize,
    /// Base layer of the maps for online deployments: a tile URL template such as
    /// `https://tile.example.org/{z}/{x}/{y}.png` (its host is allowed for images in the map
    /// page's Content-Security-Policy). Without it the maps draw the boundaries alone.
    #[arg(long, env = "NTM_MAP_TILES_URL")]
    pub(super) map_tiles_url: Option<String>,
    /// The attribution the tile provider requires (e.g. "© OpenStreetMap contributors").
    #[arg(long, env = "NTM_MAP_TILES_ATTRIBUTION")]
    pub(super) map_tiles_attribution: Option<String>,
    /// Folder of the reference data files read at run time (`ntm demo` imports the boundary
    /// files of `<folder>/boundaries/`; see data/boundaries/README.md for their licences).
    #[arg(long, env = "NTM_REFERENCE_DATA", default_value = "data")]
    pub(super) reference_data: PathBuf,
}

#[derive(Subcommand)]
pub(super) enum ImportCmd {
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
    /// Import unit boundaries valid from --date (nothing is written if any feature is bad:
    /// an unknown code, a date outside the unit's validity, an invalid geometry, another
    /// coordinate system, outside Vietnam).
    Boundaries(BoundaryArgs),
    /// Import hamlets (ấp/thôn) of a commune from CSV or XLSX (`code,name,kind`).
    Hamlets {
        file: PathBuf,
        /// Commune code, when the file has no `commune_code` column.
        #[arg(long)]
        commune: Option<String>,
    },
}

#[derive(Subcommand)]
pub(super) enum OcopCmd {
    /// Send the certificate reminders due (90 and 30 days before a certificate ends): an
    /// in-app notification to the producer's account, and an e-mail when NTM_SMTP_HOST is
    /// set. Each reminder is sent once, however often this runs and however many servers
    /// share the database (`ntm serve` also runs it once a day by itself).
    Remind {
        /// The day to remind for, dd/mm/yyyy or YYYY-MM-DD (default: today in Vietnam).
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Subcommand)]
pub(super) enum MeasuresCmd {
    /// Compute the bound indicators of a unit (`computed_from` in its criteria sets) for a
    /// year, as of today, and write those whose value changed (`ntm serve` does it after
    /// every write of the modules and once a day for the current year).
    Refresh {
        /// Unit code (a commune: 29584).
        unit: String,
        /// The year (default: this year).
        #[arg(long)]
        year: Option<i32>,
    },
}

#[derive(Subcommand)]
pub(super) enum TokenCmd {
    /// Create a token for an account (a person or a service account); prints it once.
    Create {
        /// The account the token acts as (with its roles, read on every request).
        #[arg(long)]
        user: String,
        /// A name to recognise it by, e.g. "Nền tảng dữ liệu tỉnh".
        #[arg(long)]
        name: String,
        /// read (GET only) or write.
        #[arg(long, default_value = "read")]
        scope: String,
        /// Days until it expires (1 to 365).
        #[arg(long, default_value_t = 90)]
        days: i64,
    },
    /// Every token: id, account, name, scope, dates, state (never the token).
    List,
    /// Revoke a token by its id (from `ntm token list`).
    Revoke { id: String },
}

#[derive(Subcommand)]
pub(super) enum UserCmd {
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
    /// Disable an account: it cannot log in and all its sessions end at once.
    Disable { username: String },
    /// Enable a disabled account again.
    Enable { username: String },
    /// Give an account one more role (`role@CODE`, e.g. `viewer@86`).
    AddRole { username: String, role: String },
    /// Take one role away (`role@CODE`); the last role cannot be removed (disable instead).
    RemoveRole { username: String, role: String },
    /// End every session of an account (log it out everywhere).
    Revoke { username: String },
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
pub(super) enum AuditCmd {
    /// Check every link of the hash chain; exits with 1 if the log was tampered with. Prints
    /// the head as SEQ:HASH: publish it elsewhere and give it back later with --expect.
    Verify {
        /// An entry published earlier (`SEQ:HASH`): fails when the chain no longer reaches
        /// it with that hash (a tail cut together with the head record).
        #[arg(long)]
        expect: Option<String>,
    },
    /// Print entries.
    List {
        #[arg(long, default_value_t = 0)]
        after: i64,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
}

#[derive(Subcommand)]
pub(super) enum ObservationsCmd {
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
