//! Use cases of NTM Số: the one API that web pages, the REST API and the CLI call.
//!
//! Every function takes the [`App`] and an [`Actor`], checks permissions with
//! [`authz::require`], then calls pure domain rules and the store. Writes carry
//! their audit entry into the store, which writes both in one transaction.
#![forbid(unsafe_code)]

mod access;
pub mod areas;
pub mod audit;
pub mod authz;
pub mod backup;
pub mod boundaries;
pub mod criteria;
pub mod criteria_sets;
pub mod dashboard;
pub mod demo;
pub mod dossier_pdf;
pub mod dossiers;
pub mod error;
pub mod exports;
pub mod feedback;
pub mod groups;
pub mod history;
pub mod login_throttle;
pub mod mailer;
pub mod maps;
pub mod measures;
pub mod notifications;
pub mod ocop;
pub mod ogc;
pub mod open_data;
pub mod page;
pub mod paging;
pub mod plans;
pub mod portal;
pub mod procedure_settings;
pub mod provincial;
pub mod reports;
pub mod sms;
pub mod spreadsheets;
mod staged_uploads;
mod staging;
pub mod surveys;
pub mod tourism;
pub mod trace;
/// Household phone lists of survey campaigns (`surveys::phones`, under its earlier path).
pub use surveys::phones as survey_phones;
pub mod units;
pub mod users;
pub mod workbook;

use std::path::PathBuf;

pub use authz::Actor;
pub use error::{AppError, FieldError};
pub use ntm_store::Db;

/// Settings the use cases need.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Folder for the SQLite file and stored files.
    pub data_dir: PathBuf,
    /// Idle lifetime of a login session (each request slides it forward).
    pub session_ttl: time::Duration,
    /// Absolute lifetime of a login session: it ends this long after login however active
    /// it is (then the user logs in again).
    pub session_max: time::Duration,
    /// Login attempts per account within [`AppConfig::login_window`] before each address
    /// must wait an increasing delay between its attempts (see [`login_throttle`]).
    pub login_max_failures_user: i64,
    /// Login attempts allowed per client address within the window (then refused).
    pub login_max_failures_origin: i64,
    pub login_window: time::Duration,
    /// E-mail copies of notifications through SMTP; `None`: no e-mail is sent.
    pub smtp: Option<mailer::SmtpConfig>,
    /// The survey key file (phone numbers' keyed hashes), outside the database; `None`:
    /// `<data_dir>/survey.key`. See [`surveys::key`].
    pub survey_key_file: Option<PathBuf>,
    /// SMS gateway for the one-time codes of phone answers; `None`: phone answers need only
    /// the household list (see [`surveys::sms_codes`]).
    pub sms: Option<sms::SmsGateway>,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            data_dir: PathBuf::from("ntm-data"),
            session_ttl: time::Duration::hours(8),
            session_max: time::Duration::hours(12),
            login_max_failures_user: 5,
            login_max_failures_origin: 20,
            login_window: time::Duration::minutes(15),
            smtp: None,
            survey_key_file: None,
            sms: None,
        }
    }
}

/// The application: storage plus settings. Cheap to clone.
#[derive(Clone)]
pub struct App {
    /// Storage: reached only through the use cases of this crate (see [`App::backend`],
    /// [`App::close`]; tests in other crates use [`App::db_for_tests`]).
    pub(crate) db: Db,
    pub config: AppConfig,
    /// The criteria sets embedded in the binary, resolved once per process.
    pub catalog: &'static ntm_domain::criteria::Catalog,
    /// Group commit of citizens' survey answers (started on the first answer).
    pub(crate) survey_writer: surveys::Writer,
    /// The survey key, read from its file on first need (see [`surveys::key`]).
    pub(crate) survey_key:
        std::sync::Arc<tokio::sync::OnceCell<std::sync::Arc<surveys::key::SurveyKey>>>,
    /// Who succeeded whom (lineage), kept while no unit list is applied.
    pub(crate) succession: access::Cache,
    /// The map's placed communes, kept while the structure is unchanged (`maps::layout`).
    pub(crate) maps_layout: maps::LayoutCache,
    /// Failed API-token uses per client address (see `users::tokens`).
    pub(crate) token_failures: users::tokens::FailureLimiter,
    /// The dashboards' kept evaluations (see `dashboard::kept`).
    pub(crate) kept: dashboard::kept::Kept,
}

impl App {
    pub fn new(db: Db, config: AppConfig) -> App {
        App {
            db,
            config,
            catalog: criteria::catalog(),
            survey_writer: surveys::Writer::default(),
            survey_key: std::sync::Arc::default(),
            succession: access::Cache::default(),
            maps_layout: maps::LayoutCache::default(),
            token_failures: users::tokens::FailureLimiter::default(),
            kept: dashboard::kept::Kept::default(),
        }
    }

    /// An application on another catalog (see [`criteria::catalog_with`]).
    pub fn with_catalog(
        db: Db,
        config: AppConfig,
        catalog: &'static ntm_domain::criteria::Catalog,
    ) -> App {
        App {
            catalog,
            ..App::new(db, config)
        }
    }

    /// Which database engine the application runs on.
    pub fn backend(&self) -> ntm_store::Backend {
        self.db.backend()
    }

    /// Closes the database connections (at shutdown, after the last request).
    pub async fn close(&self) {
        self.db.close().await;
    }

    /// The storage itself, for tests in other crates that check what was written (audit
    /// entries, stored rows) or set up data no use case offers. Not for product code: use
    /// cases check permissions and audit, the store does not.
    #[doc(hidden)]
    pub fn db_for_tests(&self) -> &Db {
        &self.db
    }

    /// What the dashboards' kept evaluations did (tests and measurements).
    #[doc(hidden)]
    pub fn kept_stats(&self) -> dashboard::KeptStats {
        self.kept.stats()
    }

    /// Waits for the kept evaluations' background rebuilds to finish (tests).
    #[doc(hidden)]
    pub async fn kept_settled(&self) {
        self.kept.settled().await
    }
}

/// Is the database answering? For health checks.
pub async fn health(app: &App) -> Result<(), AppError> {
    Ok(app.db.ping().await?)
}

/// Vietnam's civil date today (UTC+7).
pub fn today() -> time::Date {
    now()
        .to_offset(time::UtcOffset::from_hms(7, 0, 0).expect("valid offset"))
        .date()
}

/// Now, truncated to microseconds (what both databases keep exactly).
pub fn now() -> time::OffsetDateTime {
    let t = time::OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000)
        .unwrap_or(t)
}
