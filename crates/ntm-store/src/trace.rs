//! Traceability: lots, EPCIS events stored once per event hash, the identifiers they name,
//! and each lot's hash chain (see `migrations/*/0020_trace.sql`).

use ntm_domain::audit::NewAuditEntry;
use ntm_domain::trace::chain::{GENESIS, link};
use std::collections::{HashMap, HashSet};

use sea_query::{Expr, ExprTrait, Order, Query};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, sql};

/// Rows per multi-row `INSERT` (16 columns at most: 8,000 parameters, under SQLite's and
/// PostgreSQL's limits).
const ROWS_PER_INSERT: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LotRecord {
    pub id: Uuid,
    pub unit_code: String,
    pub unit_path: String,
    /// GTIN-14 or short product code.
    pub product: String,
    pub lot: String,
    pub created_at: OffsetDateTime,
    pub created_by: String,
}

/// An event to store, with what the query filters read.
#[derive(Debug, Clone)]
pub struct NewTraceEvent {
    pub id: Uuid,
    pub event_hash: String,
    pub event_type: String,
    pub event_time_ms: i64,
    pub event_time_zone_offset: String,
    pub action: Option<String>,
    pub biz_step: Option<String>,
    pub disposition: Option<String>,
    pub read_point: Option<String>,
    pub biz_location: Option<String>,
    pub event_json: String,
    pub context_json: String,
    pub unit_code: String,
    pub unit_path: String,
    pub recorded_at: OffsetDateTime,
    pub recorded_by: String,
    /// `MATCH_epc` identifiers.
    pub epcs: Vec<String>,
    /// Further `MATCH_anyEPC` identifiers.
    pub other_epcs: Vec<String>,
    /// Lots whose chains the event joins.
    pub lot_ids: Vec<Uuid>,
}

/// A stored event as the query returns it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TraceEventRecord {
    pub id: Uuid,
    pub event_hash: String,
    pub event_type: String,
    pub event_time_ms: i64,
    pub event_json: String,
    pub context_json: String,
    pub unit_code: String,
}

/// One link of a lot's chain, with the stored event.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LotLinkRecord {
    pub seq: i64,
    pub event_id: Uuid,
    pub event_hash: String,
    pub prev_hash: String,
    pub chain_hash: String,
    pub event_json: String,
    pub context_json: String,
    pub event_time_ms: i64,
}

/// What a capture wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CaptureCounts {
    pub stored: usize,
    pub duplicates: usize,
}

/// The standard query's filters (all optional; values already in stored form).
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub unit_path: Option<String>,
    pub event_types: Vec<String>,
    pub ge_time_ms: Option<i64>,
    pub lt_time_ms: Option<i64>,
    pub biz_steps: Vec<String>,
    pub dispositions: Vec<String>,
    pub read_points: Vec<String>,
    pub biz_locations: Vec<String>,
    pub match_epc: Vec<String>,
    pub match_any_epc: Vec<String>,
    pub lot_id: Option<Uuid>,
    /// Keyset: events after this (event time, id).
    pub after: Option<(i64, Uuid)>,
    pub limit: u64,
}

macro_rules! lot_columns {
    () => {
        "id, unit_code, unit_path, product, lot, created_at, created_by"
    };
}

impl Db {
    /// Records a lot with its audit entry; `Conflict` when the product already has it.
    pub async fn insert_lot(&self, l: &LotRecord, audit: NewAuditEntry) -> Result<()> {
        self.insert_lot_with_origin(l, None, audit).await
    }

    pub async fn lot_by_key(&self, product: &str, lot: &str) -> Result<Option<LotRecord>> {
        self.fetch_optional(sql!(
            concat!(
                "SELECT ",
                lot_columns!(),
                " FROM trace_lots WHERE product = $1 AND lot = $2"
            ),
            product,
            lot
        ))
        .await
    }

    pub async fn lot(&self, id: Uuid) -> Result<Option<LotRecord>> {
        self.fetch_optional(sql!(
            concat!("SELECT ", lot_columns!(), " FROM trace_lots WHERE id = $1"),
            id
        ))
        .await
    }

    /// Stores the events not stored yet (by hash) with their identifiers and chain links,
    /// and one audit entry, in one transaction. Nothing is written when every event was
    /// already stored. Rows go in multi-row `INSERT`s and each lot's chain head is read
    /// once per call (a batch of 1,000 events is a handful of statements, not thousands).
    pub async fn capture_trace_events(
        &self,
        events: &[NewTraceEvent],
        audit: NewAuditEntry,
    ) -> Result<CaptureCounts> {
        let mut tx = self.begin().await?;
        // The audit head first: it serializes writers, so chain heads cannot race.
        append_audit_tx(&mut tx, audit).await?;
        let mut counts = CaptureCounts::default();
        let mut stored: HashSet<String> = HashSet::new();
        for chunk in events.chunks(ROWS_PER_INSERT) {
            let mut q = Query::select();
            q.column("event_hash").from("trace_events").and_where(
                Expr::col("event_hash").is_in(chunk.iter().map(|e| e.event_hash.clone())),
            );
            let rows: Vec<(String,)> = tx.fetch_all(&q).await?;
            stored.extend(rows.into_iter().map(|(h,)| h));
        }
        let mut new = Vec::with_capacity(events.len());
        for e in events {
            if stored.insert(e.event_hash.clone()) {
                new.push(e);
            } else {
                counts.duplicates += 1;
            }
        }
        if new.is_empty() {
            // Nothing new: the transaction (and its audit entry) is dropped.
            return Ok(counts);
        }
        // Each lot's chain head, read once.
        let mut heads: HashMap<Uuid, (i64, String)> = HashMap::new();
        for lot_id in new.iter().flat_map(|e| e.lot_ids.iter()) {
            if heads.contains_key(lot_id) {
                continue;
            }
            let head: Option<(i64, String)> = tx
                .fetch_optional(sql!(
                    "SELECT seq, chain_hash FROM trace_lot_events WHERE lot_id = $1 \
                     ORDER BY seq DESC LIMIT 1",
                    *lot_id
                ))
                .await?;
            heads.insert(*lot_id, head.unwrap_or((0, GENESIS.to_owned())));
        }
        let mut epcs = Vec::new();
        let mut links = Vec::new();
        for e in &new {
            let mut named: Vec<(&str, &str)> = e
                .epcs
                .iter()
                .map(|x| (x.as_str(), "epc"))
                .chain(e.other_epcs.iter().map(|x| (x.as_str(), "any")))
                .collect();
            named.sort();
            named.dedup();
            epcs.extend(named.into_iter().map(|(epc, kind)| (e.id, epc, kind)));
            for lot_id in &e.lot_ids {
                let Some((seq, prev)) = heads.get_mut(lot_id) else {
                    continue;
                };
                let next = *seq + 1;
                let chain_hash = link(prev, next, &e.event_hash);
                links.push((
                    *lot_id,
                    next,
                    e.id,
                    e.event_hash.as_str(),
                    prev.clone(),
                    chain_hash.clone(),
                ));
                *seq = next;
                *prev = chain_hash;
            }
        }
        for chunk in new.chunks(ROWS_PER_INSERT) {
            let mut q = Query::insert();
            q.into_table("trace_events").columns([
                "id",
                "event_hash",
                "event_type",
                "event_time_ms",
                "event_time_zone_offset",
                "action",
                "biz_step",
                "disposition",
                "read_point",
                "biz_location",
                "event_json",
                "context_json",
                "unit_code",
                "unit_path",
                "recorded_at",
                "recorded_by",
            ]);
            for e in chunk {
                q.values_panic([
                    e.id.into(),
                    e.event_hash.as_str().into(),
                    e.event_type.as_str().into(),
                    e.event_time_ms.into(),
                    e.event_time_zone_offset.as_str().into(),
                    e.action.clone().into(),
                    e.biz_step.clone().into(),
                    e.disposition.clone().into(),
                    e.read_point.clone().into(),
                    e.biz_location.clone().into(),
                    e.event_json.as_str().into(),
                    e.context_json.as_str().into(),
                    e.unit_code.as_str().into(),
                    e.unit_path.as_str().into(),
                    e.recorded_at.into(),
                    e.recorded_by.as_str().into(),
                ]);
            }
            tx.execute(&q).await?;
        }
        for chunk in epcs.chunks(ROWS_PER_INSERT) {
            let mut q = Query::insert();
            q.into_table("trace_event_epcs")
                .columns(["event_id", "epc", "kind"]);
            for (id, epc, kind) in chunk {
                q.values_panic([(*id).into(), (*epc).into(), (*kind).into()]);
            }
            tx.execute(&q).await?;
        }
        for chunk in links.chunks(ROWS_PER_INSERT) {
            let mut q = Query::insert();
            q.into_table("trace_lot_events").columns([
                "lot_id",
                "seq",
                "event_id",
                "event_hash",
                "prev_hash",
                "chain_hash",
            ]);
            for (lot_id, seq, event_id, hash, prev, chain) in chunk {
                q.values_panic([
                    (*lot_id).into(),
                    (*seq).into(),
                    (*event_id).into(),
                    (*hash).into(),
                    prev.as_str().into(),
                    chain.as_str().into(),
                ]);
            }
            tx.execute(&q).await?;
        }
        counts.stored = new.len();
        tx.commit().await?;
        Ok(counts)
    }

    /// Events matching the filter, by event time then id (keyset paging).
    pub async fn trace_events(&self, f: &EventFilter) -> Result<Vec<TraceEventRecord>> {
        let mut q = Query::select();
        q.columns([
            ("e", "id"),
            ("e", "event_hash"),
            ("e", "event_type"),
            ("e", "event_time_ms"),
            ("e", "event_json"),
            ("e", "context_json"),
            ("e", "unit_code"),
        ])
        .from_as("trace_events", "e");
        if let Some(p) = &f.unit_path {
            q.and_where(Expr::col(("e", "unit_path")).like(
                sea_query::LikeExpr::new(format!("{}%", crate::db::like_escape(p))).escape('\\'),
            ));
        }
        let any_of = |q: &mut sea_query::SelectStatement, col: &'static str, v: &[String]| {
            if !v.is_empty() {
                q.and_where(Expr::col(("e", col)).is_in(v.iter().cloned()));
            }
        };
        any_of(&mut q, "event_type", &f.event_types);
        any_of(&mut q, "biz_step", &f.biz_steps);
        any_of(&mut q, "disposition", &f.dispositions);
        any_of(&mut q, "read_point", &f.read_points);
        any_of(&mut q, "biz_location", &f.biz_locations);
        if let Some(t) = f.ge_time_ms {
            q.and_where(Expr::col(("e", "event_time_ms")).gte(t));
        }
        if let Some(t) = f.lt_time_ms {
            q.and_where(Expr::col(("e", "event_time_ms")).lt(t));
        }
        for (values, kinds) in [
            (&f.match_epc, vec!["epc"]),
            (&f.match_any_epc, vec!["epc", "any"]),
        ] {
            if !values.is_empty() {
                q.and_where(
                    Expr::col(("e", "id")).in_subquery(
                        Query::select()
                            .column("event_id")
                            .from("trace_event_epcs")
                            .and_where(Expr::col("epc").is_in(values.iter().cloned()))
                            .and_where(Expr::col("kind").is_in(kinds))
                            .to_owned(),
                    ),
                );
            }
        }
        if let Some(lot) = f.lot_id {
            q.and_where(
                Expr::col(("e", "id")).in_subquery(
                    Query::select()
                        .column("event_id")
                        .from("trace_lot_events")
                        .and_where(Expr::col("lot_id").eq(lot))
                        .to_owned(),
                ),
            );
        }
        if let Some((t, id)) = f.after {
            q.and_where(
                Expr::col(("e", "event_time_ms"))
                    .gt(t)
                    .or(Expr::col(("e", "event_time_ms"))
                        .eq(t)
                        .and(Expr::col(("e", "id")).gt(id))),
            );
        }
        q.order_by(("e", "event_time_ms"), Order::Asc)
            .order_by(("e", "id"), Order::Asc)
            .limit(f.limit);
        self.fetch_all(&q).await
    }

    /// A lot's chain, in order, with the stored events.
    pub async fn lot_chain(&self, lot_id: Uuid) -> Result<Vec<LotLinkRecord>> {
        self.fetch_all(sql!(
            "SELECT l.seq, l.event_id, l.event_hash, l.prev_hash, l.chain_hash, e.event_json, \
             e.context_json, e.event_time_ms FROM trace_lot_events l \
             JOIN trace_events e ON e.id = l.event_id WHERE l.lot_id = $1 ORDER BY l.seq",
            lot_id
        ))
        .await
    }

    /// How many events are stored (all units).
    pub async fn trace_event_count(&self) -> Result<i64> {
        let (n,): (i64,) = self
            .fetch_one(sql!("SELECT COUNT(*) FROM trace_events"))
            .await?;
        Ok(n)
    }
}
