//! Dev-only helpers: fresh, migrated test databases on SQLite and PostgreSQL, and the
//! [`both_backends!`] macro that runs one test body on both engines.
//!
//! # Writing a test for both engines
//!
//! ```no_run
//! use ntm_store::Db;
//!
//! ntm_testkit::both_backends!(units_round_trip, |db: Db| async move {
//!     assert_eq!(db.count_users().await.unwrap(), 0);
//! });
//! ```
//!
//! This expands to a module `units_round_trip` with two `#[test]` functions, `sqlite` and
//! `postgres` (run `cargo test units_round_trip`, or `cargo test ::postgres` for one engine).
//! Each gets its own freshly migrated database and its own multi-threaded tokio runtime.
//!
//! - The closure's argument type must be written: `|db: Db|`, or `|t: TestDb|` when the
//!   test also needs the URL (to open a second pool, for example).
//! - The body may return `()` or `Result<(), E: Debug>` (so `?` works).
//! - Attributes and doc comments written inside, before the name, go on the module.
//! - The module does `use super::*;`, so the body sees the names of the enclosing module.
//! - PostgreSQL: a throwaway cluster is started once per test process (see [`pg`]). Without
//!   PostgreSQL binaries the `postgres` tests print a loud `SKIP (PostgreSQL)` line and
//!   pass, unless `NTM_REQUIRE_PG=1` (CI), where they fail.
//! - `TEST_DATABASE_URL=postgres://…` uses that server instead of starting one.
//! - On PostgreSQL each test gets a database `ntm_test_<uuid>`, dropped when the test
//!   passes (call [`TestDb::cleanup`] when using `TestDb` directly).
#![forbid(unsafe_code)]

use std::future::Future;
use std::sync::Arc;

pub use ntm_store::{Backend, Db};

pub mod fuzz;
pub mod pg;

/// A fresh, migrated database for one test.
#[derive(Clone)]
pub struct TestDb {
    pub db: Db,
    pub url: String,
    _guard: Arc<Guard>,
}

enum Guard {
    /// Holds the SQLite file's directory until the test ends.
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    /// The test database and where to drop it from.
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// A migrated SQLite database in a temporary file.
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::Builder::new()
            .prefix("ntm-test-")
            .tempdir()
            .expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let db = connect_migrated(&url).await;
        TestDb {
            db,
            url,
            _guard: Arc::new(Guard::Sqlite(dir)),
        }
    }

    /// A migrated database `ntm_test_<uuid>` on the test cluster (or on
    /// `TEST_DATABASE_URL`); `None` when PostgreSQL is not available (see [`pg::cluster`]).
    pub async fn postgres() -> Option<TestDb> {
        let name = format!("ntm_test_{}", uuid::Uuid::now_v7().simple());
        let (admin_url, url) = match std::env::var("TEST_DATABASE_URL") {
            Ok(admin) if !admin.is_empty() => {
                let url = with_database(&admin, &name);
                (admin, url)
            }
            _ => {
                let c = pg::cluster()?;
                (c.url("postgres"), c.url(&name))
            }
        };
        let admin = Db::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("test PostgreSQL: {e}"));
        admin
            .debug_execute_raw(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
        admin.close().await;
        let db = connect_migrated(&url).await;
        Some(TestDb {
            db,
            url,
            _guard: Arc::new(Guard::Postgres { admin_url, name }),
        })
    }

    /// Closes the pool and, on PostgreSQL, drops the test database (best effort; the
    /// throwaway cluster is removed at exit anyway). SQLite files go with the last clone.
    pub async fn cleanup(self) {
        self.db.close().await;
        if let Guard::Postgres { admin_url, name } = &*self._guard
            && let Ok(admin) = Db::connect(admin_url).await
        {
            let _ = admin
                .debug_execute_raw(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
            admin.close().await;
        }
    }

    /// A fresh database on `backend`; `None` when that backend is unavailable.
    pub async fn new(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => Some(TestDb::sqlite().await),
            Backend::Postgres => TestDb::postgres().await,
        }
    }
}

async fn connect_migrated(url: &str) -> Db {
    let db = Db::connect(url)
        .await
        .unwrap_or_else(|e| panic!("connect {url}: {e}"));
    db.migrate()
        .await
        .unwrap_or_else(|e| panic!("migrate {url}: {e}"));
    db
}

/// `scheme://auth/olddb?query` → `scheme://auth/<db>?query`.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match base[authority_start..].find('/') {
        Some(i) => &base[..authority_start + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{db}?{q}"),
        None => format!("{root}/{db}"),
    }
}

/// What a test closure receives: [`Db`] or the whole [`TestDb`].
pub trait TestArg {
    fn from_test_db(t: &TestDb) -> Self;
}

impl TestArg for Db {
    fn from_test_db(t: &TestDb) -> Self {
        t.db.clone()
    }
}

impl TestArg for TestDb {
    fn from_test_db(t: &TestDb) -> Self {
        t.clone()
    }
}

/// What a test body may return.
pub trait Outcome {
    fn check(self);
}

impl Outcome for () {
    fn check(self) {}
}

impl<E: std::fmt::Debug> Outcome for Result<(), E> {
    fn check(self) {
        if let Err(e) = self {
            panic!("test returned an error: {e:?}");
        }
    }
}

/// Runs one test body on a fresh database of `backend` (used by [`both_backends!`]).
pub fn run_test<A, F, Fut>(backend: Backend, f: F)
where
    A: TestArg,
    F: FnOnce(A) -> Fut,
    Fut: Future,
    Fut::Output: Outcome,
{
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let Some(t) = TestDb::new(backend).await else {
            return;
        };
        f(A::from_test_db(&t)).await.check();
        t.cleanup().await;
    });
}

/// Defines one test body run on both engines; see the crate docs.
#[macro_export]
macro_rules! both_backends {
    ($(#[$attr:meta])* $name:ident, $body:expr $(,)?) => {
        $(#[$attr])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[test]
            fn sqlite() {
                $crate::run_test($crate::Backend::Sqlite, $body)
            }

            #[test]
            fn postgres() {
                $crate::run_test($crate::Backend::Postgres, $body)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn database_is_replaced_in_urls() {
        assert_eq!(
            with_database("postgres://u:p@h:5/postgres?sslmode=disable", "x"),
            "postgres://u:p@h:5/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
        assert_eq!(
            with_database("postgres://postgres@localhost/postgres?host=/tmp/s", "x"),
            "postgres://postgres@localhost/x?host=/tmp/s"
        );
    }
}
pub mod spreadsheets;
