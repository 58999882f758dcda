//! Administrative units over time, their lineage, and the record of applied snapshots.
//!
//! A record is valid on `d` when `(valid_from IS NULL OR valid_from <= d) AND
//! (valid_to IS NULL OR d < valid_to)`. Dates are `DATE` on PostgreSQL and `YYYY-MM-DD`
//! text on SQLite, which compares correctly as text.

use std::collections::HashSet;

use ntm_domain::audit::NewAuditEntry;
use ntm_domain::snapshot::SnapshotPlan;
use ntm_domain::units::{Level, Lineage, LineageKind, Region, Unit};
use sea_query::{Expr, ExprTrait, InsertStatement, LikeExpr, Order, Query, SelectStatement};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, StoreError, Tx, like_escape, sql};

/// One applied snapshot file.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SnapshotRecord {
    pub id: Uuid,
    pub snapshot_date: Date,
    pub source: String,
    pub sha256: String,
    pub applied_at: OffsetDateTime,
    pub opened: i64,
    pub closed: i64,
    pub lineage: i64,
    pub unchanged: i64,
}

/// Rows per multi-row INSERT (14 values each: well under both engines' bind limits).
const BATCH: usize = 500;

const UNIT_COLS: [&str; 12] = [
    "id",
    "code",
    "name",
    "kind",
    "level",
    "parent_code",
    "path",
    "province_code",
    "region",
    "valid_from",
    "valid_to",
    "search_key",
];

macro_rules! unit_cols {
    () => {
        "id, code, name, kind, level, parent_code, path, province_code, region, valid_from, \
         valid_to, search_key"
    };
}

/// `(valid_from IS NULL OR valid_from <= $n) AND (valid_to IS NULL OR $n < valid_to)`
macro_rules! valid_on {
    ($n:literal) => {
        concat!(
            "(valid_from IS NULL OR valid_from <= $",
            $n,
            ") AND (valid_to IS NULL OR $",
            $n,
            " < valid_to)"
        )
    };
}

/// Sort key for levels, top first.
const LEVEL_RANK: &str =
    "CASE level WHEN 'province' THEN 0 WHEN 'district' THEN 1 WHEN 'commune' THEN 2 ELSE 3 END";

#[derive(sqlx::FromRow)]
struct UnitRow {
    id: Uuid,
    code: String,
    name: String,
    kind: String,
    level: String,
    parent_code: Option<String>,
    path: String,
    province_code: String,
    region: Option<String>,
    valid_from: Option<Date>,
    valid_to: Option<Date>,
    search_key: String,
}

impl TryFrom<UnitRow> for Unit {
    type Error = StoreError;
    fn try_from(r: UnitRow) -> Result<Unit> {
        let bad = |what: &str, v: &str| {
            StoreError::Integrity(format!("unit {} ({}): unknown {what} {v:?}", r.code, r.id))
        };
        let level = Level::parse(&r.level).ok_or_else(|| bad("level", &r.level))?;
        let region = match &r.region {
            Some(s) => Some(Region::parse(s).ok_or_else(|| bad("region", s))?),
            None => None,
        };
        Ok(Unit {
            id: r.id,
            code: r.code,
            name: r.name,
            kind: r.kind,
            level,
            parent_code: r.parent_code,
            path: r.path,
            province_code: r.province_code,
            region,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
            search_key: r.search_key,
        })
    }
}

fn to_units(rows: Vec<UnitRow>) -> Result<Vec<Unit>> {
    rows.into_iter().map(Unit::try_from).collect()
}

#[derive(sqlx::FromRow)]
struct LineageRow {
    lineage_id: Uuid,
    from_unit: Uuid,
    to_unit: Uuid,
    lineage_kind: String,
    effective: Date,
    note: String,
    #[sqlx(flatten)]
    unit: UnitRow,
}

impl TryFrom<LineageRow> for (Lineage, Unit) {
    type Error = StoreError;
    fn try_from(r: LineageRow) -> Result<(Lineage, Unit)> {
        let kind = LineageKind::parse(&r.lineage_kind).ok_or_else(|| {
            StoreError::Integrity(format!("unknown lineage kind {:?}", r.lineage_kind))
        })?;
        let lineage = Lineage {
            id: r.lineage_id,
            from_unit: r.from_unit,
            to_unit: r.to_unit,
            kind,
            effective: r.effective,
            note: r.note,
        };
        Ok((lineage, r.unit.try_into()?))
    }
}

/// `valid_from` as stored in the `period_key` column ('' when unknown).
fn period_key(valid_from: Option<Date>) -> String {
    valid_from.map(|d| d.to_string()).unwrap_or_default()
}

fn select_units() -> SelectStatement {
    Query::select().columns(UNIT_COLS).from("units").to_owned()
}

fn valid_on_expr(d: Date) -> Expr {
    Expr::col("valid_from")
        .is_null()
        .or(Expr::col("valid_from").lte(d))
        .and(
            Expr::col("valid_to")
                .is_null()
                .or(Expr::col("valid_to").gt(d)),
        )
}

fn order_level_code(q: &mut SelectStatement) -> &mut SelectStatement {
    q.order_by_expr(Expr::cust(LEVEL_RANK), Order::Asc)
        .order_by("code", Order::Asc)
        .order_by("period_key", Order::Asc)
}

/// The `LIKE 'prefix%'` subtree query (dynamic: the level filter is optional).
fn subtree_query(path_prefix: &str, date: Date, level: Option<Level>) -> SelectStatement {
    let mut q = select_units();
    q.and_where(
        Expr::col("path")
            .like(LikeExpr::new(format!("{}%", like_escape(path_prefix))).escape('\\')),
    )
    .and_where(valid_on_expr(date))
    .and_where_option(level.map(|l| Expr::col("level").eq(l.as_str())));
    order_level_code(&mut q);
    q
}

fn insert_units_query(units: &[Unit], created_at: OffsetDateTime) -> InsertStatement {
    let mut q = Query::insert();
    q.into_table("units")
        .columns(UNIT_COLS.into_iter().chain(["period_key", "created_at"]));
    for u in units {
        q.values_panic([
            u.id.into(),
            u.code.as_str().into(),
            u.name.as_str().into(),
            u.kind.as_str().into(),
            u.level.as_str().into(),
            u.parent_code.clone().into(),
            u.path.as_str().into(),
            u.province_code.as_str().into(),
            u.region.map(|r| r.code().to_owned()).into(),
            u.valid_from.into(),
            u.valid_to.into(),
            u.search_key.as_str().into(),
            period_key(u.valid_from).into(),
            created_at.into(),
        ]);
    }
    q
}

async fn insert_units_tx(tx: &mut Tx, units: &[Unit], created_at: OffsetDateTime) -> Result<()> {
    for chunk in units.chunks(BATCH) {
        tx.execute(&insert_units_query(chunk, created_at)).await?;
    }
    Ok(())
}

impl Db {
    /// Every open record (`valid_to IS NULL`): the input of `plan_snapshot`.
    pub async fn units_open(&self) -> Result<Vec<Unit>> {
        to_units(
            self.fetch_all(sql!(concat!(
                "SELECT ",
                unit_cols!(),
                " FROM units WHERE valid_to IS NULL ORDER BY code, level"
            )))
            .await?,
        )
    }

    /// Applies a snapshot plan in one transaction: closes records, inserts the opened ones
    /// and the lineage, records the snapshot, appends the audit entry.
    pub async fn apply_snapshot(
        &self,
        plan: &SnapshotPlan,
        rec: &SnapshotRecord,
        audit: NewAuditEntry,
    ) -> Result<()> {
        match self.apply_snapshot_tx(plan, rec, audit).await {
            Err(e @ StoreError::Conflict(_)) => {
                Err(self.explain_unit_conflict(&plan.open, e).await)
            }
            r => r,
        }
    }

    async fn apply_snapshot_tx(
        &self,
        plan: &SnapshotPlan,
        rec: &SnapshotRecord,
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        // Close: grouped by date, in batches; every id must be an open record.
        let mut dates: Vec<Date> = plan.close.iter().map(|(_, d)| *d).collect();
        dates.sort();
        dates.dedup();
        for d in dates {
            let ids: Vec<Uuid> = plan
                .close
                .iter()
                .filter(|(_, t)| *t == d)
                .map(|(id, _)| *id)
                .collect();
            for chunk in ids.chunks(BATCH) {
                let q = Query::update()
                    .table("units")
                    .value("valid_to", d)
                    .and_where(Expr::col("valid_to").is_null())
                    .and_where(Expr::col("id").is_in(chunk.iter().copied()))
                    .to_owned();
                let n = tx.execute(&q).await?;
                if n != chunk.len() as u64 {
                    return Err(StoreError::Integrity(format!(
                        "snapshot closes {} unit records on {d}, but only {n} of them are open",
                        chunk.len()
                    )));
                }
            }
        }
        insert_units_tx(&mut tx, &plan.open, rec.applied_at).await?;
        for chunk in plan.lineage.chunks(BATCH) {
            let mut q = Query::insert();
            q.into_table("unit_lineage").columns([
                "id",
                "from_unit",
                "to_unit",
                "kind",
                "effective",
                "note",
            ]);
            for l in chunk {
                q.values_panic([
                    l.id.into(),
                    l.from_unit.into(),
                    l.to_unit.into(),
                    l.kind.as_str().into(),
                    l.effective.into(),
                    l.note.as_str().into(),
                ]);
            }
            tx.execute(&q).await.map_err(|e| {
                if e.is_foreign_key_violation() {
                    StoreError::Integrity(
                        "lineage refers to a unit record that does not exist".into(),
                    )
                } else {
                    e
                }
            })?;
        }
        tx.execute(sql!(
            "INSERT INTO unit_snapshots \
             (id, snapshot_date, source, sha256, applied_at, opened, closed, lineage, unchanged) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            rec.id,
            rec.snapshot_date,
            rec.source.as_str(),
            rec.sha256.as_str(),
            rec.applied_at,
            rec.opened,
            rec.closed,
            rec.lineage,
            rec.unchanged,
        ))
        .await?;
        let entry = append_audit_tx(&mut tx, audit).await?;
        crate::evaluation_changes::note_tx(
            &mut tx,
            entry.seq,
            entry.at,
            [crate::Change::Scope {
                path: "/".into(),
                why: crate::ScopeChange::Units,
            }],
        )
        .await?;
        tx.commit().await
    }

    /// Applied snapshots, oldest first.
    pub async fn snapshot_records(&self) -> Result<Vec<SnapshotRecord>> {
        self.fetch_all(sql!(
            "SELECT id, snapshot_date, source, sha256, applied_at, opened, closed, lineage, \
             unchanged FROM unit_snapshots ORDER BY applied_at, snapshot_date"
        ))
        .await
    }

    /// The record with this code valid on `date` (the highest level if codes collide).
    pub async fn unit_on(&self, code: &str, date: Date) -> Result<Option<Unit>> {
        let rows: Vec<UnitRow> = self
            .fetch_all(sql!(
                concat!(
                    "SELECT ",
                    unit_cols!(),
                    " FROM units WHERE code = $1 AND ",
                    valid_on!(2)
                ),
                code,
                date
            ))
            .await?;
        let mut units = to_units(rows)?;
        units.sort_by_key(|u| u.level);
        Ok(units.into_iter().next())
    }

    pub async fn unit_by_id(&self, id: Uuid) -> Result<Option<Unit>> {
        let row: Option<UnitRow> = self
            .fetch_optional(sql!(
                concat!("SELECT ", unit_cols!(), " FROM units WHERE id = $1"),
                id
            ))
            .await?;
        row.map(Unit::try_from).transpose()
    }

    /// The records with these ids (any order; unknown ids are left out).
    pub async fn units_by_ids(&self, ids: &[Uuid]) -> Result<Vec<Unit>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(500) {
            let mut q = select_units();
            q.and_where(Expr::col("id").is_in(chunk.iter().copied()));
            out.extend(to_units(self.fetch_all(&q).await?)?);
        }
        Ok(out)
    }

    /// Every record that used this code, oldest first (unknown start first).
    pub async fn unit_versions(&self, code: &str) -> Result<Vec<Unit>> {
        to_units(
            self.fetch_all(sql!(
                concat!(
                    "SELECT ",
                    unit_cols!(),
                    " FROM units WHERE code = $1 ORDER BY period_key, level"
                ),
                code
            ))
            .await?,
        )
    }

    /// Direct children of the unit with this code, valid on `date`, by code.
    pub async fn children_on(&self, code: &str, date: Date) -> Result<Vec<Unit>> {
        to_units(
            self.fetch_all(sql!(
                concat!(
                    "SELECT ",
                    unit_cols!(),
                    " FROM units WHERE parent_code = $1 AND ",
                    valid_on!(2),
                    " ORDER BY code"
                ),
                code,
                date
            ))
            .await?,
        )
    }

    /// The units above `unit` valid on `date`, top-down (from its path, in one query).
    pub async fn ancestors_on(&self, unit: &Unit, date: Date) -> Result<Vec<Unit>> {
        let mut prefixes = Vec::new();
        let mut acc = String::from("/");
        for seg in unit.path.split('/').filter(|s| !s.is_empty()) {
            acc.push_str(seg);
            acc.push('/');
            if acc != unit.path {
                prefixes.push(acc.clone());
            }
        }
        if prefixes.is_empty() {
            return Ok(Vec::new());
        }
        let q = select_units()
            .and_where(Expr::col("path").is_in(prefixes))
            .and_where(valid_on_expr(date))
            .to_owned();
        let mut units = to_units(self.fetch_all(&q).await?)?;
        units.sort_by_key(|u| (u.path.len(), u.level));
        Ok(units)
    }

    /// Units whose path starts with `path_prefix` (the prefix unit included), valid on
    /// `date`, optionally of one level; ordered by level then code.
    pub async fn subtree_on(
        &self,
        path_prefix: &str,
        date: Date,
        level: Option<Level>,
    ) -> Result<Vec<Unit>> {
        to_units(
            self.fetch_all(&subtree_query(path_prefix, date, level))
                .await?,
        )
    }

    /// Every unit valid on `date`, optionally of one level; ordered by level then code.
    pub async fn units_on(&self, date: Date, level: Option<Level>) -> Result<Vec<Unit>> {
        let mut q = select_units();
        q.and_where(valid_on_expr(date))
            .and_where_option(level.map(|l| Expr::col("level").eq(l.as_str())));
        order_level_code(&mut q);
        to_units(self.fetch_all(&q).await?)
    }

    /// Units valid on `date` per level, top level first.
    pub async fn count_by_level_on(&self, date: Date) -> Result<Vec<(Level, i64)>> {
        counts(
            self.fetch_all(sql!(
                concat!(
                    "SELECT level, COUNT(*) FROM units WHERE ",
                    valid_on!(1),
                    " GROUP BY level"
                ),
                date
            ))
            .await?,
        )
    }

    /// All records (every version) per level.
    pub async fn count_by_level_all(&self) -> Result<Vec<(Level, i64)>> {
        counts(
            self.fetch_all(sql!("SELECT level, COUNT(*) FROM units GROUP BY level"))
                .await?,
        )
    }

    /// Units whose search key contains `key` (already a search key: see
    /// `ntm_domain::text::search_key`; `%` and `_` match literally), valid on `date` when
    /// given. Ordered by level, then exact name matches, then names starting with `key`
    /// (after the kind word: "xa tan hoa" for "tan hoa"), then code.
    pub async fn search_units(
        &self,
        key: &str,
        date: Option<Date>,
        limit: i64,
    ) -> Result<Vec<Unit>> {
        let esc = like_escape(key);
        let like = |p: String| Expr::col("search_key").like(LikeExpr::new(p).escape('\\'));
        let rank = Expr::case(
            Expr::col("search_key").eq(key).or(like(format!("% {esc}"))),
            0,
        )
        .case(like(format!("{esc}%")).or(like(format!("% {esc}%"))), 1)
        .finally(2);
        let mut q = select_units();
        q.and_where(like(format!("%{esc}%")))
            .and_where_option(date.map(valid_on_expr))
            .order_by_expr(Expr::cust(LEVEL_RANK), Order::Asc)
            .order_by_expr(rank.into(), Order::Asc)
            .order_by("code", Order::Asc)
            .order_by("period_key", Order::Asc)
            .limit(u64::try_from(limit).unwrap_or(0));
        to_units(self.fetch_all(&q).await?)
    }

    /// What `unit_id` became: lineage records from it, each with its successor.
    pub async fn lineage_from(&self, unit_id: Uuid) -> Result<Vec<(Lineage, Unit)>> {
        self.lineage(sql!(
            "SELECT l.id AS lineage_id, l.from_unit, l.to_unit, l.kind AS lineage_kind, \
                 l.effective, l.note, u.id, u.code, u.name, u.kind, u.level, u.parent_code, \
                 u.path, u.province_code, u.region, u.valid_from, u.valid_to, u.search_key \
                 FROM unit_lineage l JOIN units u ON u.id = l.to_unit \
                 WHERE l.from_unit = $1 ORDER BY u.code, l.kind",
            unit_id
        ))
        .await
    }

    /// What `unit_id` came from: lineage records to it, each with its predecessor.
    pub async fn lineage_to(&self, unit_id: Uuid) -> Result<Vec<(Lineage, Unit)>> {
        self.lineage(sql!(
            "SELECT l.id AS lineage_id, l.from_unit, l.to_unit, l.kind AS lineage_kind, \
                 l.effective, l.note, u.id, u.code, u.name, u.kind, u.level, u.parent_code, \
                 u.path, u.province_code, u.region, u.valid_from, u.valid_to, u.search_key \
                 FROM unit_lineage l JOIN units u ON u.id = l.from_unit \
                 WHERE l.to_unit = $1 ORDER BY u.code, l.kind",
            unit_id
        ))
        .await
    }

    async fn lineage(&self, q: crate::db::Raw) -> Result<Vec<(Lineage, Unit)>> {
        let rows: Vec<LineageRow> = self.fetch_all(q).await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// Inserts new unit records (hamlets) in one transaction with their audit entry.
    /// A record with the same (code, level, valid_from) as an existing one (or as another
    /// in `units`) gives `Conflict` naming the code.
    pub async fn insert_units(&self, units: &[Unit], audit: NewAuditEntry) -> Result<()> {
        let result = async {
            let mut tx = self.begin().await?;
            insert_units_tx(&mut tx, units, audit.at).await?;
            let entry = append_audit_tx(&mut tx, audit).await?;
            // The subtrees the new records are in (their parents').
            let parents = units.iter().map(|u| {
                let inner = u.path.trim_end_matches('/');
                let parent = inner.rfind('/').map_or("/", |i| &u.path[..=i]);
                crate::Change::Scope {
                    path: parent.to_string(),
                    why: crate::ScopeChange::Units,
                }
            });
            crate::evaluation_changes::note_tx(&mut tx, entry.seq, entry.at, parents).await?;
            tx.commit().await
        }
        .await;
        match result {
            Err(e @ StoreError::Conflict(_)) => Err(self.explain_unit_conflict(units, e).await),
            r => r,
        }
    }

    /// Finds which record of `units` collides, for a readable `Conflict`; `original`
    /// when none does (the conflict was elsewhere).
    async fn explain_unit_conflict(&self, units: &[Unit], original: StoreError) -> StoreError {
        let describe = |u: &Unit| {
            let from = u
                .valid_from
                .map(|d| format!(" valid from {d}"))
                .unwrap_or_default();
            StoreError::Conflict(format!(
                "unit {} ({}){from} already exists",
                u.code,
                u.level.as_str()
            ))
        };
        let mut seen = HashSet::new();
        for u in units {
            if !seen.insert((u.code.as_str(), u.level, u.valid_from)) {
                return describe(u);
            }
        }
        for chunk in units.chunks(BATCH) {
            let q = Query::select()
                .columns(["code", "level", "period_key"])
                .from("units")
                .and_where(Expr::col("code").is_in(chunk.iter().map(|u| u.code.clone())))
                .to_owned();
            let Ok(existing) = self.fetch_all::<(String, String, String)>(&q).await else {
                break;
            };
            let existing: HashSet<_> = existing.into_iter().collect();
            if let Some(u) = chunk.iter().find(|u| {
                existing.contains(&(
                    u.code.clone(),
                    u.level.as_str().to_owned(),
                    period_key(u.valid_from),
                ))
            }) {
                return describe(u);
            }
        }
        original
    }
}

fn counts(rows: Vec<(String, i64)>) -> Result<Vec<(Level, i64)>> {
    let mut out = rows
        .into_iter()
        .map(|(l, n)| {
            Level::parse(&l)
                .map(|l| (l, n))
                .ok_or_else(|| StoreError::Integrity(format!("unknown level {l:?}")))
        })
        .collect::<Result<Vec<_>>>()?;
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Backend, Stmt};
    use time::macros::date;

    #[test]
    fn dynamic_sql_differs_by_dialect() {
        let q = subtree_query("/84/", date!(2025 - 07 - 01), Some(Level::Commune));
        let (sqlite, sv) = (&q).render(Backend::Sqlite);
        let (pg, pv) = (&q).render(Backend::Postgres);
        assert_ne!(sqlite, pg);
        assert!(sqlite.contains('?') && !sqlite.contains("$1"), "{sqlite}");
        assert!(pg.contains("$1") && !pg.contains('?'), "{pg}");
        assert!(sqlite.contains("LIKE") && pg.contains("LIKE"));
        assert_eq!(sv, pv);
        assert_eq!(sv.0[0], sea_query::Value::from("/84/%"));
    }

    #[test]
    fn like_patterns_are_escaped() {
        assert_eq!(like_escape("a%b_c\\d"), "a\\%b\\_c\\\\d");
        let q = subtree_query("/8_%/", date!(2025 - 07 - 01), None);
        let (_, v) = (&q).render(Backend::Postgres);
        assert_eq!(v.0[0], sea_query::Value::from("/8\\_\\%/%"));
    }
}
