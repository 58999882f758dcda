//! `query_events`: the EPCIS 2.0 standard query's common filters over one unit's subtree,
//! keyset-paged by event time.

use ntm_domain::authz::Permission;
use ntm_domain::trace::event::cbv_uri;
use ntm_domain::trace::hash::canon;
use ntm_store::EventFilter;
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use super::unit_for;
use crate::authz::Actor;
use crate::{App, AppError};

/// The filters (EPCIS 2.0 query parameter names in the comments). A list holds the values
/// of a parameter given several times or comma-separated.
#[derive(Debug, Clone, Default)]
pub struct EventQuery {
    /// `eventType`
    pub event_types: Vec<String>,
    /// `GE_eventTime`
    pub ge_event_time: Option<String>,
    /// `LT_eventTime`
    pub lt_event_time: Option<String>,
    /// `EQ_bizStep` (bare CBV names or URIs)
    pub biz_steps: Vec<String>,
    /// `EQ_disposition`
    pub dispositions: Vec<String>,
    /// `EQ_readPoint`
    pub read_points: Vec<String>,
    /// `EQ_bizLocation`
    pub biz_locations: Vec<String>,
    /// `MATCH_epc`
    pub match_epc: Vec<String>,
    /// `MATCH_anyEPC`
    pub match_any_epc: Vec<String>,
    /// `perPage` (1–1000, default 100)
    pub per_page: Option<u32>,
    /// `nextPageToken`
    pub next_page_token: Option<String>,
}

/// One page of events, each as it was captured, and the `@context` they need.
#[derive(Debug, Clone, PartialEq)]
pub struct EventPage {
    pub context: Value,
    pub events: Vec<Value>,
    pub next_page_token: Option<String>,
}

pub const DEFAULT_PER_PAGE: u32 = 100;
pub const MAX_PER_PAGE: u32 = 1000;
const STANDARD_CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

fn time_ms(field: &str, v: &Option<String>) -> Result<Option<i64>, AppError> {
    v.as_deref()
        .map(|t| {
            OffsetDateTime::parse(t.trim(), &Rfc3339)
                .map(|d| (d.unix_timestamp_nanos() / 1_000_000) as i64)
                .map_err(|_| {
                    AppError::invalid(
                        field,
                        format!("{t:?} is not a date and time such as 2024-05-01T08:00:00+07:00"),
                    )
                })
        })
        .transpose()
}

/// The identifiers as given and in canonical Digital Link form (events store both, so an
/// EPC URI finds an event captured with the Digital Link URI and the reverse).
fn with_canonical(v: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for x in v {
        let x = x.trim();
        out.push(x.to_owned());
        let c = canon(x);
        if c != x {
            out.push(c);
        }
    }
    out
}

fn token(t: i64, id: Uuid) -> String {
    format!("{t}.{}", id.simple())
}

fn parse_token(s: &str) -> Result<(i64, Uuid), AppError> {
    let bad = || AppError::invalid("nextPageToken", "not a page token given by this server");
    let (t, id) = s.split_once('.').ok_or_else(bad)?;
    Ok((
        t.parse().map_err(|_| bad())?,
        Uuid::parse_str(id).map_err(|_| bad())?,
    ))
}

/// Events recorded by `unit_code` or the units below it, matching every filter given.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code))]
pub async fn query_events(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    q: &EventQuery,
) -> Result<EventPage, AppError> {
    let unit = unit_for(app, actor, unit_code, Permission::ViewUnits).await?;
    for t in &q.event_types {
        if ntm_domain::trace::EventType::parse(t).is_none() {
            return Err(AppError::invalid(
                "eventType",
                format!(
                    "{t:?} is not an EPCIS event type (ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent, AssociationEvent)"
                ),
            ));
        }
    }
    let per_page = q.per_page.unwrap_or(DEFAULT_PER_PAGE);
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(AppError::invalid(
            "perPage",
            format!("between 1 and {MAX_PER_PAGE}"),
        ));
    }
    let filter = EventFilter {
        unit_path: Some(unit.path.clone()),
        event_types: q.event_types.clone(),
        ge_time_ms: time_ms("GE_eventTime", &q.ge_event_time)?,
        lt_time_ms: time_ms("LT_eventTime", &q.lt_event_time)?,
        biz_steps: q.biz_steps.iter().map(|v| cbv_uri(v, "BizStep-")).collect(),
        dispositions: q.dispositions.iter().map(|v| cbv_uri(v, "Disp-")).collect(),
        read_points: q.read_points.iter().map(|v| canon(v)).collect(),
        biz_locations: q.biz_locations.iter().map(|v| canon(v)).collect(),
        match_epc: with_canonical(&q.match_epc),
        match_any_epc: with_canonical(&q.match_any_epc),
        lot_id: None,
        after: q.next_page_token.as_deref().map(parse_token).transpose()?,
        limit: u64::from(per_page) + 1,
    };
    let mut rows = app.db.trace_events(&filter).await?;
    let next = if rows.len() > per_page as usize {
        rows.truncate(per_page as usize);
        rows.last().map(|r| token(r.event_time_ms, r.id))
    } else {
        None
    };
    let mut context = vec![Value::String(STANDARD_CONTEXT.into())];
    let mut events = Vec::with_capacity(rows.len());
    for r in rows {
        let event: Value = serde_json::from_str(&r.event_json)
            .map_err(|e| AppError::Internal(format!("stored event {}: {e}", r.id)))?;
        if let Ok(Value::Array(items)) = serde_json::from_str::<Value>(&r.context_json) {
            for i in items {
                if !context.contains(&i) {
                    context.push(i);
                }
            }
        }
        events.push(event);
    }
    Ok(EventPage {
        context: Value::Array(context),
        events,
        next_page_token: next,
    })
}
