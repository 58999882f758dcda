//! The database handle: one enum over the SQLite and PostgreSQL pools, connecting from a
//! URL, migrations, and the few helpers every query goes through.
//!
//! This is the only file that turns strings into SQL (`AssertSqlSafe`). Fixed queries are
//! `&'static str` with `$1, $2…` placeholders (built with the `sql!` macro); dynamic ones
//! are sea-query statements rendered per dialect. All values are bound, never spliced.

use std::str::FromStr;
use std::time::Duration;

use sea_query::{
    DeleteStatement, InsertStatement, PostgresQueryBuilder, SelectStatement, SqliteQueryBuilder,
    UpdateStatement, Value, Values,
};
use sea_query_sqlx::SqlxValues;
use sqlx::error::ErrorKind;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, Connection, FromRow, PgConnection};
use time::{OffsetDateTime, UtcOffset};

/// `sql!("SELECT … WHERE a = $1 AND b = $2", a, b)`: a fixed query with bound values
/// (anything `Into<sea_query::Value>`).
macro_rules! sql {
    ($sql:expr $(, $v:expr)* $(,)?) => {
        $crate::db::Raw::new($sql, vec![$(::sea_query::Value::from($v)),*])
    };
}
pub(crate) use sql;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database URL cannot be used (unknown scheme, bad syntax).
    #[error("{0}")]
    InvalidUrl(String),
    /// The database cannot be reached or opened. `target` names the host, socket or file
    /// (never the password).
    #[error("cannot connect to {target}: {cause}")]
    Unreachable { target: String, cause: String },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A uniqueness rule was broken (readable message).
    #[error("{0}")]
    Conflict(String),
    #[error("not found")]
    NotFound,
    /// Stored data does not make sense (bad enum text, a unit to close that is not open…).
    #[error("data integrity problem: {0}")]
    Integrity(String),
    #[error("database error: {0}")]
    Db(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(d) = &e
            && d.kind() == ErrorKind::UniqueViolation
        {
            return StoreError::Conflict(format!("already exists ({})", d.message()));
        }
        StoreError::Db(e)
    }
}

impl StoreError {
    /// Replaces the message of a `Conflict`; other errors pass through.
    pub(crate) fn conflict_as(self, msg: impl FnOnce() -> String) -> Self {
        match self {
            StoreError::Conflict(_) => StoreError::Conflict(msg()),
            e => e,
        }
    }

    /// A foreign key pointed nowhere.
    pub(crate) fn is_foreign_key_violation(&self) -> bool {
        matches!(self, StoreError::Db(sqlx::Error::Database(d)) if d.kind() == ErrorKind::ForeignKeyViolation)
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A connection pool on one of the two engines. Cheap to clone.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool, WriteGate),
    Postgres(PgPool),
}

/// SQLite takes one writer at a time: the pool's write transactions ([`Db::begin`]) queue
/// here, in order, instead of in SQLite's busy handler, which retries a locked database
/// after sleeps growing to 100 ms — under many concurrent writes that left some waiting up to a
/// second while the lock was free (`docs/perf.md`, "Live analytics"). Shared by the clones of
/// one [`Db`]; other processes on the same file still meet the busy handler.
#[derive(Debug, Clone, Default)]
pub struct WriteGate(std::sync::Arc<tokio::sync::Mutex<()>>);

const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Timestamps as both engines store them exactly: UTC, microsecond precision.
/// Every timestamp bound by the store goes through this, so what is read back equals
/// `db_time(what was written)`.
pub fn db_time(t: OffsetDateTime) -> OffsetDateTime {
    let t = t.to_offset(UtcOffset::UTC);
    t.replace_nanosecond(t.nanosecond() / 1_000 * 1_000)
        .unwrap_or(t)
}

/// Fixed-width UTC text, so timestamps compare correctly as text on SQLite.
fn sqlite_time_text(t: OffsetDateTime) -> String {
    const FORMAT: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    );
    t.format(FORMAT).unwrap_or_else(|_| t.to_string())
}

impl Db {
    /// Connects from a URL: `sqlite:path.db`, `sqlite:///abs/path.db`, `sqlite://rel.db`,
    /// `sqlite::memory:`, or `postgres://…` / `postgresql://…`.
    pub async fn connect(url: &str) -> Result<Db> {
        let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
        match scheme.as_deref() {
            Some("sqlite") => Self::connect_sqlite(url).await,
            Some("postgres" | "postgresql") => Self::connect_postgres(url).await,
            Some(other) => Err(StoreError::InvalidUrl(format!(
                "unsupported database URL scheme {other:?}: use sqlite:… or postgres://…"
            ))),
            None => Err(StoreError::InvalidUrl(
                "database URL has no scheme: use sqlite:… or postgres://…".into(),
            )),
        }
    }

    async fn connect_sqlite(url: &str) -> Result<Db> {
        let opts = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::InvalidUrl(format!("invalid SQLite URL: {e}")))?;
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        let path = opts.get_filename().to_path_buf();
        let target = || format!("SQLite database {}", path.display());
        let mut opts = opts
            .create_if_missing(true)
            .foreign_keys(true)
            .busy_timeout(CONNECT_TIMEOUT)
            .synchronous(SqliteSynchronous::Normal);
        // No ping before each use: a SQLite connection is a file handle in this process, it
        // cannot have been dropped by a server or a network (the ping is a round trip to the
        // connection's worker thread, on every query).
        let mut pool = SqlitePoolOptions::new()
            .acquire_timeout(CONNECT_TIMEOUT)
            .test_before_acquire(false);
        if in_memory {
            // One connection keeps the in-memory database alive and avoids shared-cache locking.
            pool = pool
                .max_connections(1)
                .idle_timeout(None)
                .max_lifetime(None);
        } else {
            opts = opts.journal_mode(SqliteJournalMode::Wal);
            pool = pool.max_connections(8);
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
                && !dir.exists()
            {
                std::fs::create_dir_all(dir).map_err(|e| StoreError::Unreachable {
                    target: target(),
                    cause: format!("cannot create directory {}: {e}", dir.display()),
                })?;
            }
        }
        let pool = pool
            .connect_with(opts)
            .await
            .map_err(|e| StoreError::Unreachable {
                target: target(),
                cause: e.to_string(),
            })?;
        Ok(Db::Sqlite(pool, WriteGate::default()))
    }

    async fn connect_postgres(url: &str) -> Result<Db> {
        let opts = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::InvalidUrl(format!("invalid PostgreSQL URL: {e}")))?;
        let target = match opts.get_socket() {
            Some(dir) => format!(
                "PostgreSQL at socket directory {} (port {})",
                dir.display(),
                opts.get_port()
            ),
            None => format!("PostgreSQL at {}:{}", opts.get_host(), opts.get_port()),
        };
        // One direct attempt first: the pool would retry a refused connection until its
        // timeout and then report only the timeout, hiding the cause.
        let unreachable = |cause: String| StoreError::Unreachable {
            target: target.clone(),
            cause,
        };
        match tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&opts)).await {
            Err(_) => {
                return Err(unreachable(format!(
                    "no answer within {} s",
                    CONNECT_TIMEOUT.as_secs()
                )));
            }
            Ok(Err(e)) => return Err(unreachable(e.to_string())),
            Ok(Ok(conn)) => {
                let _ = conn.close().await;
            }
        }
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect_lazy_with(opts);
        Ok(Db::Postgres(pool))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_, _) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Runs the embedded migrations (idempotent).
    pub async fn migrate(&self) -> Result<()> {
        self.migrate_with_lock(true).await
    }

    /// Like [`Db::migrate`]; `lock = false` skips PostgreSQL's advisory lock, for
    /// Postgres-compatible engines that lack it (`db.migrate_lock = false`).
    pub async fn migrate_with_lock(&self, lock: bool) -> Result<()> {
        match self {
            Db::Sqlite(p, _) => sqlx::migrate!("migrations/sqlite").run(p).await?,
            Db::Postgres(p) => {
                let mut m: Migrator = sqlx::migrate!("migrations/postgres");
                m.set_locking(lock);
                m.run(p).await?
            }
        }
        Ok(())
    }

    /// Versions of the embedded migrations for a backend.
    pub fn migration_versions(backend: Backend) -> Vec<i64> {
        let m: Migrator = match backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("migrations/postgres"),
        };
        m.iter().map(|m| m.version).collect()
    }

    /// A cheap round trip to the database, for health checks.
    pub async fn ping(&self) -> Result<()> {
        match self {
            Db::Sqlite(p, _) => sqlx::query("SELECT 1").execute(p).await.map(|_| ())?,
            Db::Postgres(p) => sqlx::query("SELECT 1").execute(p).await.map(|_| ())?,
        }
        Ok(())
    }

    /// A passive checkpoint of SQLite's WAL (copies what it can into the database file
    /// without waiting for readers or writers, which go on meanwhile): `(frames in the WAL,
    /// frames checkpointed)`. `None` on PostgreSQL or when SQLite is not in WAL mode.
    pub async fn checkpoint_wal(&self) -> Result<Option<(i64, i64)>> {
        let Db::Sqlite(p, _) = self else {
            return Ok(None);
        };
        passive_checkpoint(p).await
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(p, _) => p.close().await,
            Db::Postgres(p) => p.close().await,
        }
    }

    /// (table, column) pairs of the application schema, sorted; for the parity test and
    /// diagnostics.
    pub async fn schema_columns(&self) -> Result<Vec<(String, String)>> {
        let q = match self.backend() {
            Backend::Sqlite => sql!(
                "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name <> '_sqlx_migrations' \
                 AND m.name NOT LIKE 'sqlite!_%' ESCAPE '!'"
            ),
            Backend::Postgres => sql!(
                "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT) \
                 FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'"
            ),
        };
        let mut cols: Vec<(String, String)> = self.fetch_all(q).await?;
        cols.sort();
        Ok(cols)
    }

    /// TEST-ONLY: runs raw SQL (several statements allowed) outside any transaction.
    /// Exists so tests can try forbidden statements and create databases; never call it
    /// from application code.
    #[doc(hidden)]
    pub async fn debug_execute_raw(&self, sql: &str) -> Result<u64> {
        let q = sqlx::raw_sql(AssertSqlSafe(sql.to_owned()));
        Ok(match self {
            Db::Sqlite(p, _) => q.execute(p).await?.rows_affected(),
            Db::Postgres(p) => q.execute(p).await?.rows_affected(),
        })
    }

    /// TEST-ONLY: every row of a table as `column → text` (blobs in hex, NULL as `NULL`),
    /// in the order the engine returns them without `ORDER BY` — what a plain dump shows.
    #[doc(hidden)]
    pub async fn debug_dump_table(
        &self,
        table: &str,
    ) -> Result<Vec<std::collections::BTreeMap<String, String>>> {
        use sqlx::Row as _;
        let cols: Vec<String> = self
            .schema_columns()
            .await?
            .into_iter()
            .filter(|(t, _)| t == table)
            .map(|(_, c)| c)
            .collect();
        let exprs: Vec<String> = cols
            .iter()
            .map(|c| match self.backend() {
                Backend::Sqlite => format!(
                    "COALESCE(CASE WHEN typeof(\"{c}\") = 'blob' THEN lower(hex(\"{c}\")) \
                     ELSE CAST(\"{c}\" AS TEXT) END, 'NULL')"
                ),
                Backend::Postgres => format!("COALESCE(CAST(\"{c}\" AS TEXT), 'NULL')"),
            })
            .collect();
        let q = format!("SELECT {} FROM \"{table}\"", exprs.join(", "));
        let texts: Vec<Vec<String>> = match self {
            Db::Sqlite(p, _) => sqlx::query(AssertSqlSafe(q))
                .fetch_all(p)
                .await?
                .iter()
                .map(|r| (0..cols.len()).map(|i| r.get::<String, _>(i)).collect())
                .collect(),
            Db::Postgres(p) => sqlx::query(AssertSqlSafe(q))
                .fetch_all(p)
                .await?
                .iter()
                .map(|r| (0..cols.len()).map(|i| r.get::<String, _>(i)).collect())
                .collect(),
        };
        Ok(texts
            .into_iter()
            .map(|row| cols.iter().cloned().zip(row).collect())
            .collect())
    }

    /// Starts a write transaction. On SQLite it is `BEGIN IMMEDIATE`: the write lock is
    /// taken up front (no deadlock on upgrade; concurrent writers wait `busy_timeout`).
    pub(crate) async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(p, gate) => {
                // As long as SQLite's own busy timeout would have waited.
                let turn = tokio::time::timeout(CONNECT_TIMEOUT, gate.0.clone().lock_owned())
                    .await
                    .map_err(|_| StoreError::Db(sqlx::Error::PoolTimedOut))?;
                Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?, Some(turn))
            }
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }
}

/// A write transaction on either engine; rolled back when dropped without `commit`. On a
/// pooled connection ([`Tx`]) or on a connection of its own (`'c`: the survey writer's).
pub(crate) enum TxOn<'c> {
    /// With the pool's [`WriteGate`] turn while it lasts (`None`: the survey writer's own
    /// connection, a backup's read).
    Sqlite(
        sqlx::Transaction<'c, sqlx::Sqlite>,
        #[expect(dead_code, reason = "held for its drop: the next writer's turn")]
        Option<tokio::sync::OwnedMutexGuard<()>>,
    ),
    Postgres(sqlx::Transaction<'c, sqlx::Postgres>),
}

/// A write transaction on a pooled connection.
pub(crate) type Tx = TxOn<'static>;

impl TxOn<'_> {
    pub(crate) async fn commit(self) -> Result<()> {
        match self {
            TxOn::Sqlite(t, _) => t.commit().await?,
            TxOn::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// A row type that decodes on both drivers.
pub(crate) trait Row:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

/// Something that renders to SQL text plus bound values for a backend.
pub(crate) trait Stmt: Send {
    fn render(self, b: Backend) -> (String, Values);
}

/// A fixed query: static SQL with `$N` placeholders and its values. Build with `sql!`.
pub(crate) struct Raw {
    sql: &'static str,
    values: Vec<Value>,
}

impl Raw {
    pub(crate) fn new(sql: &'static str, values: Vec<Value>) -> Raw {
        Raw { sql, values }
    }
}

impl Stmt for Raw {
    fn render(self, _: Backend) -> (String, Values) {
        (self.sql.to_owned(), Values(self.values))
    }
}

macro_rules! impl_stmt {
    ($($t:ty),*) => {$(
        impl Stmt for &$t {
            fn render(self, b: Backend) -> (String, Values) {
                match b {
                    Backend::Sqlite => self.build(SqliteQueryBuilder),
                    Backend::Postgres => self.build(PostgresQueryBuilder),
                }
            }
        }
    )*};
}
impl_stmt!(
    SelectStatement,
    InsertStatement,
    UpdateStatement,
    DeleteStatement
);

/// Renders a statement and adapts values: timestamps are made UTC with microsecond
/// precision, and on SQLite written as fixed-width text (so `<`/`>=` compare correctly).
fn prepare(s: impl Stmt, b: Backend) -> (AssertSqlSafe<String>, SqlxValues) {
    let (sql, values) = s.render(b);
    let values = values
        .0
        .into_iter()
        .map(|v| match v {
            Value::TimeDateTimeWithTimeZone(t) => {
                let t = t.map(db_time);
                match b {
                    Backend::Sqlite => Value::String(t.map(sqlite_time_text)),
                    Backend::Postgres => Value::TimeDateTimeWithTimeZone(t),
                }
            }
            v => v,
        })
        .collect();
    (AssertSqlSafe(sql), SqlxValues(Values(values)))
}

macro_rules! run {
    (all, $ex:expr, $b:expr, $s:expr) => {{
        let (q, v) = prepare($s, $b);
        Ok(sqlx::query_as_with(q, v).fetch_all($ex).await?)
    }};
    (optional, $ex:expr, $b:expr, $s:expr) => {{
        let (q, v) = prepare($s, $b);
        Ok(sqlx::query_as_with(q, v).fetch_optional($ex).await?)
    }};
    (execute, $ex:expr, $b:expr, $s:expr) => {{
        let (q, v) = prepare($s, $b);
        Ok(sqlx::query_with(q, v).execute($ex).await?.rows_affected())
    }};
}

impl Db {
    pub(crate) async fn fetch_all<R: Row>(&self, s: impl Stmt) -> Result<Vec<R>> {
        match self {
            Db::Sqlite(p, _) => run!(all, p, Backend::Sqlite, s),
            Db::Postgres(p) => run!(all, p, Backend::Postgres, s),
        }
    }

    pub(crate) async fn fetch_optional<R: Row>(&self, s: impl Stmt) -> Result<Option<R>> {
        match self {
            Db::Sqlite(p, _) => run!(optional, p, Backend::Sqlite, s),
            Db::Postgres(p) => run!(optional, p, Backend::Postgres, s),
        }
    }

    pub(crate) async fn fetch_one<R: Row>(&self, s: impl Stmt) -> Result<R> {
        self.fetch_optional(s).await?.ok_or(StoreError::NotFound)
    }

    /// Runs one statement on its own (autocommit); returns the rows affected.
    pub(crate) async fn execute(&self, s: impl Stmt) -> Result<u64> {
        match self {
            Db::Sqlite(p, _) => run!(execute, p, Backend::Sqlite, s),
            Db::Postgres(p) => run!(execute, p, Backend::Postgres, s),
        }
    }
}

impl TxOn<'_> {
    #[allow(dead_code)]
    pub(crate) async fn fetch_all<R: Row>(&mut self, s: impl Stmt) -> Result<Vec<R>> {
        match self {
            TxOn::Sqlite(t, _) => run!(all, &mut **t, Backend::Sqlite, s),
            TxOn::Postgres(t) => run!(all, &mut **t, Backend::Postgres, s),
        }
    }

    pub(crate) async fn fetch_optional<R: Row>(&mut self, s: impl Stmt) -> Result<Option<R>> {
        match self {
            TxOn::Sqlite(t, _) => run!(optional, &mut **t, Backend::Sqlite, s),
            TxOn::Postgres(t) => run!(optional, &mut **t, Backend::Postgres, s),
        }
    }

    pub(crate) async fn fetch_one<R: Row>(&mut self, s: impl Stmt) -> Result<R> {
        self.fetch_optional(s).await?.ok_or(StoreError::NotFound)
    }

    pub(crate) async fn execute(&mut self, s: impl Stmt) -> Result<u64> {
        match self {
            TxOn::Sqlite(t, _) => run!(execute, &mut **t, Backend::Sqlite, s),
            TxOn::Postgres(t) => run!(execute, &mut **t, Backend::Postgres, s),
        }
    }
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub(crate) fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `PRAGMA wal_checkpoint(PASSIVE)` on `e`: `(frames in the WAL, frames checkpointed)`, `None`
/// when the database is not in WAL mode.
pub(crate) async fn passive_checkpoint<'e, E>(e: E) -> Result<Option<(i64, i64)>>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    let (_busy, log, done): (i64, i64, i64) = sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)")
        .fetch_one(e)
        .await?;
    Ok((log >= 0).then_some((log, done)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The write transactions of one SQLite pool take turns at its [`WriteGate`]: a second
    /// waits for the first, and one that has waited as long as SQLite's busy timeout is
    /// refused instead of hanging.
    #[tokio::test]
    async fn sqlite_writers_take_turns() {
        let dir = std::env::temp_dir().join(format!("ntm-gate-{}", uuid::Uuid::now_v7()));
        let db = Db::connect(&format!("sqlite:{}", dir.join("t.db").display()))
            .await
            .unwrap();
        let first = db.begin().await.unwrap();
        let other = db.clone();
        let second = tokio::spawn(async move { other.begin().await?.commit().await });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!second.is_finished(), "the second writer waits its turn");
        first.commit().await.unwrap();
        second.await.unwrap().unwrap();
        // A turn not given back: the next writer is refused after the timeout.
        let held = db.begin().await.unwrap();
        let refused = db.begin().await;
        assert!(
            matches!(refused, Err(StoreError::Db(sqlx::Error::PoolTimedOut))),
            "{:?}",
            refused.map(|_| ())
        );
        drop(held);
        db.begin().await.unwrap().commit().await.unwrap();
        db.close().await;
        let _ = std::fs::remove_dir_all(dir);
    }
}
