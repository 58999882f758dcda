//! EPCIS 2.0 events read from a JSON-LD document: the fields the store filters on,
//! extracted and checked, next to the event's JSON kept as it came. The document's shape
//! is checked first against GS1's JSON schema (in `ntm-app`); this module adds what a
//! schema cannot say (an `eventTime` the clock can read, identifiers of lots) and works out
//! each event's hash.

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::digital_link::{DigitalLink, ProductRef};
use super::epc::epc_to_digital_link;
use super::hash::{Namespaces, canon, event_hash};

/// The five EPCIS 2.0 event types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    Object,
    Aggregation,
    Transaction,
    Transformation,
    Association,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Object => "ObjectEvent",
            EventType::Aggregation => "AggregationEvent",
            EventType::Transaction => "TransactionEvent",
            EventType::Transformation => "TransformationEvent",
            EventType::Association => "AssociationEvent",
        }
    }

    pub fn parse(s: &str) -> Option<EventType> {
        Some(match s {
            "ObjectEvent" => EventType::Object,
            "AggregationEvent" => EventType::Aggregation,
            "TransactionEvent" => EventType::Transaction,
            "TransformationEvent" => EventType::Transformation,
            "AssociationEvent" => EventType::Association,
            _ => return None,
        })
    }
}

/// A lot an event names: its product and lot number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LotKey {
    pub product: ProductRef,
    pub lot: String,
}

/// One event of a document, with what the store indexes.
#[derive(Debug, Clone, PartialEq)]
pub struct EpcisEvent {
    /// Where it is in the document (`/epcisBody/eventList/3`).
    pub path: String,
    pub event_type: EventType,
    /// UTC instant of `eventTime`.
    pub event_time: OffsetDateTime,
    pub event_time_zone_offset: String,
    pub event_id: Option<String>,
    pub action: Option<String>,
    /// CBV values as full web URIs (`https://ref.gs1.org/cbv/BizStep-shipping`).
    pub biz_step: Option<String>,
    pub disposition: Option<String>,
    pub read_point: Option<String>,
    pub biz_location: Option<String>,
    /// Identifiers for `MATCH_epc` (`epcList`, `childEPCs`), as written and in canonical
    /// Digital Link form when that differs.
    pub epcs: Vec<String>,
    /// Identifiers for `MATCH_anyEPC` beyond `epcs` (`parentID`, input and output lists).
    pub other_epcs: Vec<String>,
    /// Lots named anywhere in the event (LGTIN classes, Digital Link URIs with a lot).
    pub lots: Vec<LotKey>,
    /// CBV 2.0 event hash ID.
    pub hash: String,
    /// The event as it came.
    pub json: Map<String, Value>,
}

/// A document's events, with its `@context` (kept for the query answer).
#[derive(Debug, Clone, PartialEq)]
pub struct EpcisDocument {
    pub context: Value,
    pub events: Vec<EpcisEvent>,
}

/// What is wrong, and where (a JSON pointer into the document).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct DocumentError {
    pub path: String,
    pub message: String,
}

fn err(path: impl Into<String>, message: impl Into<String>) -> DocumentError {
    DocumentError {
        path: path.into(),
        message: message.into(),
    }
}

/// A bare CBV value as its web URI; URNs of CBV 1.x as web URIs; full URIs unchanged.
pub fn cbv_uri(value: &str, prefix: &str) -> String {
    let v = value.trim();
    if v.contains(':') {
        canon(v)
    } else {
        format!("https://ref.gs1.org/cbv/{prefix}{v}")
    }
}

/// Reads the events of an `EPCISDocument` (or of the result of an `EPCISQueryDocument`).
pub fn read_document(doc: &Value) -> Result<EpcisDocument, DocumentError> {
    let Some(root) = doc.as_object() else {
        return Err(err("", "the document is not a JSON object"));
    };
    let ns = Namespaces::from_context(root.get("@context"));
    let body = root
        .get("epcisBody")
        .and_then(Value::as_object)
        .ok_or_else(|| err("/epcisBody", "missing"))?;
    let (list, base) = if let Some(l) = body.get("eventList") {
        (l, "/epcisBody/eventList".to_owned())
    } else if let Some(l) = body
        .get("queryResults")
        .and_then(|q| q.get("resultsBody"))
        .and_then(|r| r.get("eventList"))
    {
        (
            l,
            "/epcisBody/queryResults/resultsBody/eventList".to_owned(),
        )
    } else {
        return Err(err("/epcisBody/eventList", "missing"));
    };
    let list = list
        .as_array()
        .ok_or_else(|| err(base.clone(), "not a list"))?;
    let mut events = Vec::with_capacity(list.len());
    for (i, e) in list.iter().enumerate() {
        let path = format!("{base}/{i}");
        let obj = e
            .as_object()
            .ok_or_else(|| err(path.clone(), "an event is a JSON object"))?;
        events.push(read_event(obj, &ns, path)?);
    }
    Ok(EpcisDocument {
        context: root.get("@context").cloned().unwrap_or(Value::Null),
        events,
    })
}

/// Reads one event (a JSON object) found at `path`.
pub fn read_event(
    obj: &Map<String, Value>,
    ns: &Namespaces,
    path: String,
) -> Result<EpcisEvent, DocumentError> {
    let s = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_owned);
    let ty = s("type").unwrap_or_default();
    let event_type = EventType::parse(&ty)
        .ok_or_else(|| err(format!("{path}/type"), format!("unknown event type {ty:?}")))?;
    let time_text = s("eventTime").ok_or_else(|| err(format!("{path}/eventTime"), "missing"))?;
    let event_time = OffsetDateTime::parse(&time_text, &Rfc3339)
        .map_err(|e| {
            err(
                format!("{path}/eventTime"),
                format!("{time_text:?} is not a date and time with offset: {e}"),
            )
        })?
        .to_offset(time::UtcOffset::UTC);
    let offset = s("eventTimeZoneOffset")
        .ok_or_else(|| err(format!("{path}/eventTimeZoneOffset"), "missing"))?;
    let id_of = |k: &str| {
        obj.get(k)
            .and_then(|v| v.get("id"))
            .and_then(Value::as_str)
            .map(canon)
    };
    let mut epcs = Vec::new();
    let mut other = Vec::new();
    let mut lots = Vec::new();
    let mut push = |target: &mut Vec<String>, v: &str, at: String| -> Result<(), DocumentError> {
        target.push(v.to_owned());
        let c = canon(v);
        if c != v {
            target.push(c);
        }
        if let Some(l) = lot_of(v).map_err(|m| err(at, m))? {
            lots.push(l);
        }
        Ok(())
    };
    for k in ["epcList", "childEPCs"] {
        for (i, v) in strs(obj.get(k)) {
            push(&mut epcs, v, format!("{path}/{k}/{i}"))?;
        }
    }
    if let Some(p) = s("parentID") {
        push(&mut other, &p, format!("{path}/parentID"))?;
    }
    for k in ["inputEPCList", "outputEPCList"] {
        for (i, v) in strs(obj.get(k)) {
            push(&mut other, v, format!("{path}/{k}/{i}"))?;
        }
    }
    for k in [
        "quantityList",
        "childQuantityList",
        "inputQuantityList",
        "outputQuantityList",
    ] {
        if let Some(Value::Array(a)) = obj.get(k) {
            for (i, q) in a.iter().enumerate() {
                if let Some(c) = q.get("epcClass").and_then(Value::as_str) {
                    let at = format!("{path}/{k}/{i}/epcClass");
                    if let Some(l) = lot_of(c).map_err(|m| err(at, m))? {
                        lots.push(l);
                    }
                }
            }
        }
    }
    lots.sort();
    lots.dedup();
    epcs.dedup();
    other.dedup();
    Ok(EpcisEvent {
        event_type,
        event_time,
        event_time_zone_offset: offset,
        event_id: s("eventID"),
        action: s("action"),
        biz_step: s("bizStep").map(|v| cbv_uri(&v, "BizStep-")),
        disposition: s("disposition").map(|v| cbv_uri(&v, "Disp-")),
        read_point: id_of("readPoint"),
        biz_location: id_of("bizLocation"),
        epcs,
        other_epcs: other,
        lots,
        hash: event_hash(obj, ns),
        json: obj.clone(),
        path,
    })
}

fn strs(v: Option<&Value>) -> impl Iterator<Item = (usize, &str)> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .filter_map(|(i, x)| x.as_str().map(|s| (i, s)))
}

/// The lot an identifier names, if any: an LGTIN class URI, or a Digital Link URI with a
/// lot (`/01/{gtin}/10/{lot}`, `/p/{code}/10/{lot}`). A Digital Link URI with a bad
/// GTIN check digit is an error; other identifiers name no lot.
pub fn lot_of(id: &str) -> Result<Option<LotKey>, String> {
    let dl_text = if id.starts_with("urn:epc:class:lgtin:") {
        match epc_to_digital_link(id) {
            Some(u) => u,
            None => return Err(format!("{id:?} is not a valid LGTIN class URI")),
        }
    } else if id.starts_with("http://") || id.starts_with("https://") {
        let path = id.split(['?', '#']).next().unwrap_or(id);
        if !(path.contains("/01/") || path.contains("/p/")) || !path.contains("/10/") {
            return Ok(None);
        }
        id.to_owned()
    } else {
        return Ok(None);
    };
    let dl = DigitalLink::parse(&dl_text).map_err(|e| format!("{id:?}: {e}"))?;
    Ok(dl.lot.map(|lot| LotKey {
        product: dl.product,
        lot: decode_lot(&lot),
    }))
}

/// LGTIN lots keep EPC URI escapes (`%2F`); lots are compared decoded.
fn decode_lot(lot: &str) -> String {
    super::digital_link::decode(lot).unwrap_or_else(|_| lot.to_owned())
}
