//! What a backup needs from the database: an online, consistent snapshot of a SQLite
//! database (`VACUUM INTO`), the tables of the schema, and a fingerprint of each table's
//! rows, to show that a restored database holds exactly what its source held.
//!
//! PostgreSQL is dumped and restored with `pg_dump` / `pg_restore` (in `ntm-app`'s backup
//! use case); the fingerprints work on both engines.

use std::path::Path;

use sea_query::Values;
use sha2::{Digest, Sha256};

use crate::db::{Backend, Db, Result, Stmt, StoreError, Tx, sql};

/// The rows of one table: how many, and the SHA-256 of their text, sorted.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TableFingerprint {
    pub table: String,
    pub rows: i64,
    pub sha256: String,
}

/// SQL over table and column names read from the database's own catalogue and checked to be
/// plain identifiers (never text from outside).
struct CatalogSql(String);

impl Stmt for CatalogSql {
    fn render(self, _: Backend) -> (String, Values) {
        (self.0, Values(Vec::new()))
    }
}

fn plain_identifier(s: &str) -> Result<&str> {
    let ok = !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !s.as_bytes()[0].is_ascii_digit();
    if ok {
        Ok(s)
    } else {
        Err(StoreError::Integrity(format!(
            "table or column name {s:?} is not a plain identifier"
        )))
    }
}

#[derive(sqlx::FromRow)]
struct Name {
    name: String,
}

#[derive(sqlx::FromRow)]
struct Text {
    t: Option<String>,
}

impl Db {
    /// Writes an online, consistent copy of a SQLite database to `dest` (which must not
    /// exist) with `VACUUM INTO`: readers and writers go on meanwhile. PostgreSQL: refused
    /// (use `pg_dump`).
    pub async fn sqlite_snapshot(&self, dest: &Path) -> Result<()> {
        if self.backend() != Backend::Sqlite {
            return Err(StoreError::Integrity(
                "a SQLite snapshot of a PostgreSQL database: use pg_dump".into(),
            ));
        }
        let dest = dest.to_str().ok_or_else(|| {
            StoreError::Integrity(format!("{} is not valid UTF-8", dest.display()))
        })?;
        self.execute(sql!("VACUUM INTO $1", dest.to_owned()))
            .await?;
        Ok(())
    }

    /// The tables of the schema (with `_sqlx_migrations`), sorted.
    pub async fn table_names(&self) -> Result<Vec<String>> {
        let mut s = self.read_snapshot().await?;
        let names = s.table_names().await?;
        s.finish().await?;
        Ok(names)
    }

    /// Entries of the audit log, 0 when there is none or no schema yet: every write of the
    /// product is audited, so 0 means nothing was written (a restore target).
    pub async fn audited_writes(&self) -> Result<i64> {
        if !self.table_names().await?.iter().any(|t| t == "audit_log") {
            return Ok(0);
        }
        self.audit_count().await
    }

    /// Fingerprints of every table, sorted by name, read in one snapshot.
    pub async fn fingerprints(&self) -> Result<Vec<TableFingerprint>> {
        let mut s = self.read_snapshot().await?;
        let f = s.fingerprints().await?;
        s.finish().await?;
        Ok(f)
    }

    /// A read-only view of the database at one moment. On PostgreSQL a `REPEATABLE READ`
    /// transaction whose snapshot is exported ([`ReadSnapshot::exported_id`]), so `pg_dump
    /// --snapshot` dumps exactly what the fingerprints read.
    pub async fn read_snapshot(&self) -> Result<ReadSnapshot> {
        let (tx, id) = match self {
            Db::Sqlite(p, _) => (Tx::Sqlite(p.begin().await?, None), None),
            Db::Postgres(p) => {
                let mut tx = Tx::Postgres(p.begin().await?);
                tx.execute(sql!(
                    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                ))
                .await?;
                let id: Text = tx
                    .fetch_one(sql!("SELECT pg_export_snapshot() AS t"))
                    .await?;
                (tx, id.t)
            }
        };
        Ok(ReadSnapshot { tx, id })
    }
}

/// See [`Db::read_snapshot`]; end it with [`ReadSnapshot::finish`].
pub struct ReadSnapshot {
    tx: Tx,
    id: Option<String>,
}

impl ReadSnapshot {
    /// The exported snapshot's id (PostgreSQL), for `pg_dump --snapshot`.
    pub fn exported_id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    fn backend(&self) -> Backend {
        match self.tx {
            Tx::Sqlite(..) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }

    /// The tables of the schema (with `_sqlx_migrations`), sorted.
    pub async fn table_names(&mut self) -> Result<Vec<String>> {
        let q = match self.backend() {
            Backend::Sqlite => sql!(
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY name"
            ),
            Backend::Postgres => sql!(
                "SELECT CAST(tablename AS TEXT) AS name FROM pg_tables \
                 WHERE schemaname = current_schema() ORDER BY tablename"
            ),
        };
        let rows: Vec<Name> = self.tx.fetch_all(q).await?;
        Ok(rows.into_iter().map(|r| r.name).collect())
    }

    /// The audit chain's head `(seq, hash)` in this snapshot.
    pub async fn audit_head(&mut self) -> Result<(i64, String)> {
        self.tx
            .fetch_one(sql!("SELECT seq, hash FROM audit_head WHERE id = 1"))
            .await
    }

    /// Fingerprints of every table, sorted by name.
    pub async fn fingerprints(&mut self) -> Result<Vec<TableFingerprint>> {
        let mut out = Vec::new();
        for t in self.table_names().await? {
            out.push(self.table_fingerprint(&t).await?);
        }
        Ok(out)
    }

    /// Fingerprint of one table: every row as text (SQLite: `quote()` of each column;
    /// PostgreSQL: the row's text form), sorted, hashed. Equal on a restored copy of the same
    /// engine when every row is equal.
    async fn table_fingerprint(&mut self, table: &str) -> Result<TableFingerprint> {
        let table = plain_identifier(table)?;
        let select = match self.backend() {
            Backend::Sqlite => {
                let cols: Vec<Name> = self
                    .tx
                    .fetch_all(sql!(
                        "SELECT name FROM pragma_table_info($1) ORDER BY cid",
                        table.to_owned()
                    ))
                    .await?;
                let mut parts = Vec::with_capacity(cols.len());
                for c in &cols {
                    parts.push(format!("quote(\"{}\")", plain_identifier(&c.name)?));
                }
                format!(
                    "SELECT {} AS t FROM \"{table}\"",
                    if parts.is_empty() {
                        "''".to_owned()
                    } else {
                        parts.join(" || char(31) || ")
                    }
                )
            }
            Backend::Postgres => format!("SELECT CAST(x AS TEXT) AS t FROM \"{table}\" AS x"),
        };
        let rows: Vec<Text> = self.tx.fetch_all(CatalogSql(select)).await?;
        let mut texts: Vec<String> = rows.into_iter().map(|r| r.t.unwrap_or_default()).collect();
        texts.sort_unstable();
        let mut h = Sha256::new();
        for t in &texts {
            h.update(t.as_bytes());
            h.update([0x1e]);
        }
        Ok(TableFingerprint {
            table: table.to_owned(),
            rows: i64::try_from(texts.len()).unwrap_or(i64::MAX),
            sha256: hex::encode(h.finalize()),
        })
    }

    /// Ends the snapshot.
    pub async fn finish(self) -> Result<()> {
        self.tx.commit().await
    }
}
