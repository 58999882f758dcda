//! Connecting, migrations, parity between the two migration folders, settings.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use ntm_store::{Backend, Db, StoreError};
use ntm_testkit::TestDb;

ntm_testkit::both_backends!(migrations_are_idempotent, |db: Db| async move {
    // TestDb already migrated once.
    db.migrate().await.unwrap();
    db.migrate().await.unwrap();
    let cols = db.schema_columns().await.unwrap();
    let tables: BTreeSet<&str> = cols.iter().map(|(t, _)| t.as_str()).collect();
    for t in [
        "units",
        "unit_lineage",
        "unit_snapshots",
        "users",
        "user_roles",
        "sessions",
        "login_failures",
        "audit_log",
        "audit_head",
        "settings",
        "observations",
        "observation_files",
        "criteria_set_files",
        "criteria_set_versions",
    ] {
        assert!(tables.contains(t), "missing table {t}: {tables:?}");
    }
    assert_eq!(
        db.audit_head().await.unwrap(),
        (0, ntm_domain::audit::GENESIS_HASH.to_string())
    );
});

fn migration_files(dir: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(dir);
    let mut names: Vec<String> = std::fs::read_dir(path)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn migration_folders_pair_up() {
    let sqlite = migration_files("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, migration_files("postgres"));
    assert_eq!(
        Db::migration_versions(Backend::Sqlite),
        Db::migration_versions(Backend::Postgres)
    );
}

#[tokio::test]
async fn schema_parity_between_engines() {
    let sqlite = TestDb::sqlite().await;
    let Some(pg) = TestDb::postgres().await else {
        return;
    };
    let s = sqlite.db.schema_columns().await.unwrap();
    let p = pg.db.schema_columns().await.unwrap();
    assert!(s.len() > 50, "{s:?}");
    assert_eq!(s, p, "tables/columns differ between SQLite and PostgreSQL");
    sqlite.cleanup().await;
    pg.cleanup().await;
}

#[tokio::test]
async fn unsupported_scheme_is_invalid_url() {
    let e = Db::connect("mysql://x").await.unwrap_err();
    assert!(matches!(e, StoreError::InvalidUrl(_)), "{e:?}");
    let msg = e.to_string();
    assert!(
        msg.contains("\"mysql\"") && msg.contains("sqlite:") && msg.contains("postgres://"),
        "{msg}"
    );
    let e = Db::connect("just-a-file.db").await.unwrap_err();
    assert!(matches!(e, StoreError::InvalidUrl(_)), "{e:?}");
}

#[tokio::test]
async fn unreachable_postgres_is_reported_quickly_without_password() {
    let start = Instant::now();
    let e = Db::connect(
        "postgres://ntm:sekret-pw@localhost/ntm?host=/nonexistent/ntm-socket-dir&port=5432",
    )
    .await
    .unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(8),
        "{:?}",
        start.elapsed()
    );
    assert!(matches!(e, StoreError::Unreachable { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains("/nonexistent/ntm-socket-dir"), "{msg}");
    assert!(!msg.contains("sekret"), "{msg}");
    assert!(!format!("{e:?}").contains("sekret"));
}

#[tokio::test]
async fn unopenable_sqlite_file_is_unreachable() {
    // A directory cannot be opened as a database file.
    let e = Db::connect("sqlite:///tmp").await.unwrap_err();
    assert!(matches!(e, StoreError::Unreachable { .. }), "{e:?}");
    assert!(e.to_string().contains("/tmp"), "{e}");
    // A parent directory that cannot be created.
    let e = Db::connect("sqlite:///proc/ntm-nope/x.db")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Unreachable { .. }), "{e:?}");
    assert!(e.to_string().contains("/proc/ntm-nope/x.db"), "{e}");
}

#[tokio::test]
async fn sqlite_urls_in_memory_and_on_file() {
    let db = Db::connect("sqlite::memory:").await.unwrap();
    db.migrate().await.unwrap();
    assert_eq!(db.count_users().await.unwrap(), 0);
    db.close().await;

    let dir = std::env::temp_dir().join(format!("ntm-url-{}", uuid::Uuid::now_v7().simple()));
    let file = dir.join("sub").join("ntm.db");
    let db = Db::connect(&format!("sqlite://{}", file.display()))
        .await
        .unwrap();
    assert_eq!(db.backend(), Backend::Sqlite);
    db.migrate().await.unwrap();
    db.close().await;
    assert!(file.exists(), "the file (and its directory) are created");
    let db = Db::connect(&format!("sqlite:{}", file.display()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    db.close().await;
    std::fs::remove_dir_all(dir).unwrap();
}

ntm_testkit::both_backends!(settings_are_set_once, |db: Db| async move {
    assert_eq!(db.get_setting("secret").await.unwrap(), None);
    assert_eq!(db.set_setting_if_absent("secret", "a").await.unwrap(), "a");
    assert_eq!(db.set_setting_if_absent("secret", "b").await.unwrap(), "a");
    assert_eq!(
        db.get_setting("secret").await.unwrap().as_deref(),
        Some("a")
    );
    // Racing writers all see the same value.
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let db = db.clone();
            tokio::spawn(async move { db.set_setting_if_absent("race", &format!("v{i}")).await })
        })
        .collect();
    let mut values = BTreeSet::new();
    for t in tasks {
        values.insert(t.await.unwrap().unwrap());
    }
    assert_eq!(values.len(), 1, "{values:?}");
});

#[tokio::test]
async fn refused_tcp_connection_names_host_and_cause() {
    let start = Instant::now();
    let e = Db::connect("postgres://ntm:sekret-pw@127.0.0.1:1/ntm")
        .await
        .unwrap_err();
    assert!(
        start.elapsed() < Duration::from_secs(8),
        "{:?}",
        start.elapsed()
    );
    let msg = e.to_string();
    assert!(matches!(e, StoreError::Unreachable { .. }), "{e:?}");
    assert!(
        msg.contains("127.0.0.1:1") && !msg.contains("sekret"),
        "{msg}"
    );
}
