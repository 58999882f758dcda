//! `capture`: an EPCIS 2.0 document checked whole (size, JSON, GS1 schema, event times,
//! identifiers, lots, each lot's events in time order within the document), then its new events stored in one transaction; events already
//! stored (same CBV 2.0 event hash) are counted, not stored again.

use std::collections::{HashMap, HashSet};

use ntm_domain::authz::Permission;
use ntm_domain::trace::LotKey;
use ntm_domain::trace::order::{self, OrderProblem};
use ntm_store::NewTraceEvent;
use uuid::Uuid;

use super::lots::officer_on;
use super::schema::read_capture;
use super::unit_for;
use crate::authz::Actor;
use crate::error::FieldError;
use crate::spreadsheets::on_pool;
use crate::{App, AppError, now};

/// What a capture did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureResult {
    /// Events in the document.
    pub events: usize,
    /// Events stored now.
    pub stored: usize,
    /// Events already stored before (or twice in the document).
    pub duplicates: usize,
    /// The event hash of each event, in document order.
    pub hashes: Vec<String>,
}

/// Captures an EPCIS document for `unit_code`. Every lot an event names (an LGTIN class or
/// a Digital Link URI with a lot) must be a lot recorded in that unit or below it; any
/// problem rejects the whole document, naming the JSON pointer, and nothing is stored.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code, bytes = body.len()))]
pub async fn capture(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    body: Vec<u8>,
) -> Result<CaptureResult, AppError> {
    let unit = unit_for(app, actor, unit_code, Permission::RecordTrace).await?;
    let doc = on_pool(move || read_capture(&body)).await??;
    let context_json = doc.context.to_string();
    let officer = officer_on(app, actor, &unit).await;
    let me = match actor {
        Actor::User { id, .. } => Some(*id),
        _ => None,
    };
    let mut lots: HashMap<LotKey, Option<ntm_store::LotWithOrigin>> = HashMap::new();
    let mut errors = Vec::new();
    for e in &doc.events {
        for key in &e.lots {
            if !lots.contains_key(key) {
                let found = app
                    .db
                    .lot_with_origin_by_key(key.product.as_str(), &key.lot)
                    .await?;
                lots.insert(key.clone(), found);
            }
            match &lots[key] {
                None => errors.push(FieldError::new(
                    e.path.clone(),
                    format!(
                        "lot {} of product {} is not recorded: record the lot first",
                        key.lot, key.product
                    ),
                )),
                Some(l) if !l.unit_path.starts_with(&unit.path) => errors.push(FieldError::new(
                    e.path.clone(),
                    format!(
                        "lot {} of product {} belongs to unit {}, not to {}",
                        key.lot, key.product, l.unit_code, unit.code
                    ),
                )),
                // A producer account records events of its own producers' lots only.
                Some(l) if !officer && (me.is_none() || l.owner_user_id != me) => {
                    errors.push(FieldError::new(
                        e.path.clone(),
                        format!(
                            "lot {} of product {} is another producer's: a producer account records events of its own lots only",
                            key.lot, key.product
                        ),
                    ))
                }
                Some(_) => {}
            }
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    errors = out_of_order_errors(&doc.events);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let at = ntm_store::db_time(now());
    let by = actor.audit_name();
    let mut seen = HashSet::new();
    let mut rows = Vec::new();
    let mut in_document_duplicates = 0;
    let hashes: Vec<String> = doc.events.iter().map(|e| e.hash.clone()).collect();
    for e in doc.events {
        if !seen.insert(e.hash.clone()) {
            in_document_duplicates += 1;
            continue;
        }
        let lot_ids: Vec<Uuid> = e
            .lots
            .iter()
            .filter_map(|k| lots.get(k).and_then(|l| l.as_ref()).map(|l| l.id))
            .collect();
        let event_time_ms = ms(e.event_time);
        rows.push(NewTraceEvent {
            id: Uuid::now_v7(),
            event_hash: e.hash,
            event_type: e.event_type.as_str().to_owned(),
            event_time_ms,
            event_time_zone_offset: e.event_time_zone_offset,
            action: e.action,
            biz_step: e.biz_step,
            disposition: e.disposition,
            read_point: e.read_point,
            biz_location: e.biz_location,
            event_json: serde_json::Value::Object(e.json).to_string(),
            context_json: context_json.clone(),
            unit_code: unit.code.clone(),
            unit_path: unit.path.clone(),
            recorded_at: at,
            recorded_by: by.clone(),
            epcs: e.epcs,
            other_epcs: e.other_epcs,
            lot_ids,
        });
    }
    let audit = actor.audit_entry(
        "trace.epcis.capture",
        &format!("unit:{}", unit.code),
        serde_json::json!({"events": hashes.len()}),
    );
    let counts = app.db.capture_trace_events(&rows, audit).await?;
    Ok(CaptureResult {
        events: hashes.len(),
        stored: counts.stored,
        duplicates: counts.duplicates + in_document_duplicates,
        hashes,
    })
}

/// Events out of time order (`ntm_domain::trace::order`): an event of a lot older than an
/// earlier event of the same lot in the document, or in the future. Across documents EPCIS
/// allows late capture (and GS1's own examples rely on it), so an event older than one
/// stored before is accepted: the chain keeps capture order, pages show event time.
fn out_of_order_errors(events: &[ntm_domain::trace::EpcisEvent]) -> Vec<FieldError> {
    let timed: Vec<(Vec<LotKey>, i64)> = events
        .iter()
        .map(|e| (e.lots.clone(), ms(e.event_time)))
        .collect();
    order::out_of_order(&timed, ms(now()))
        .into_iter()
        .map(|(i, problem)| {
            let e = &events[i];
            let message = match problem {
                OrderProblem::InFuture { .. } => format!(
                    "eventTime {} is in the future (more than {} minutes ahead of the server's clock)",
                    iso(e.event_time),
                    order::FUTURE_TOLERANCE_MS / 60_000
                ),
                OrderProblem::BeforeLast { lot, last_ms, .. } => format!(
                    "eventTime {} is before {}, an earlier event of lot {} of product {} in this document: list a lot's events in time order",
                    iso(e.event_time),
                    from_ms(last_ms),
                    lot.lot,
                    lot.product
                ),
            };
            FieldError::new(format!("{}/eventTime", e.path), message)
        })
        .collect()
}

fn ms(t: time::OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

fn iso(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

fn from_ms(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map(iso)
        .unwrap_or_else(|_| ms.to_string())
}
