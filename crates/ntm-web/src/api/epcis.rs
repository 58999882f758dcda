//! `/api/v1/epcis/…`: GS1 EPCIS 2.0 capture and query (traceability, issue 15), and the
//! lots the events belong to. See docs/traceability.md for what of EPCIS 2.0 is covered.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use ntm_app::trace::{EventQuery, LotView};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::created;
use crate::ctx::Ctx;
use crate::error::{ErrorKind, Problem, WebError};
use crate::state::AppState;

/// The unit the events or lots are recorded for.
#[derive(Debug, Deserialize, IntoParams)]
pub struct UnitParam {
    /// Code of the unit (commune, district or province), e.g. 29224
    pub unit: String,
}

/// What a capture did.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaptureResultDto {
    /// Events in the document.
    pub events: usize,
    /// Events stored by this request.
    pub stored: usize,
    /// Events already stored (same CBV 2.0 event hash), not stored again.
    pub duplicates: usize,
    /// Each event's hash ID (`ni:///sha-256;…?ver=CBV2.0`), in document order.
    pub event_hashes: Vec<String>,
}

/// Captures an EPCIS 2.0 document (JSON or JSON-LD) for a unit: the whole document is
/// checked against GS1's EPCIS 2.0 JSON schema and the event rules (times, identifiers,
/// lots recorded in the unit or below it) and rejected with every problem named by its JSON
/// pointer, or its new events are stored in one transaction. An event already stored
/// (same CBV 2.0 event hash) is counted as a duplicate, not stored again. Needs the
/// record-trace permission on the unit (officers of the unit or above, producers in their
/// grant). Synchronous: the answer is the result, not a capture job.
#[utoipa::path(
    post,
    path = "/api/v1/epcis/capture",
    tag = "traceability",
    summary = "Capture an EPCIS 2.0 document",
    params(
        UnitParam,
        ("X-CSRF-Token" = Option<String>, Header, description = "Value of the ntm_csrf cookie (session clients)"),
    ),
    request_body(content(
        (serde_json::Value = "application/ld+json"),
        (serde_json::Value = "application/json"),
    ), description = "An EPCISDocument (EPCIS 2.0 JSON-LD)"),
    responses(
        (status = 201, description = "Stored (or all duplicates)", body = CaptureResultDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No record-trace permission on the unit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No unit with this code", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The document is larger than the server's body limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The document is not valid: every problem with its JSON pointer", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn capture(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<UnitParam>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<CaptureResultDto>), WebError> {
    ctx.require_user()?;
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if ct != "application/json" && ct != "application/ld+json" {
        let mut e = WebError::new(ErrorKind::UnsupportedMediaType);
        e.0.detail =
            Some("send the EPCIS document as application/ld+json or application/json".into());
        return Err(e);
    }
    let r = ntm_app::trace::capture(&st.app, &ctx.actor(), &p.unit, body.to_vec()).await?;
    Ok(created(CaptureResultDto {
        events: r.events,
        stored: r.stored,
        duplicates: r.duplicates,
        event_hashes: r.hashes,
    }))
}

/// The standard query's parameters (EPCIS 2.0 §8.2.7.1 names).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(non_snake_case)]
pub struct EventsParams {
    /// Code of the unit whose events (and its sub-units') are searched
    pub unit: String,
    /// ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent or AssociationEvent (comma-separated for several)
    pub eventType: Option<String>,
    /// Events at or after this time (RFC 3339, e.g. 2024-05-01T00:00:00+07:00)
    pub GE_eventTime: Option<String>,
    /// Events before this time
    pub LT_eventTime: Option<String>,
    /// Business step: a CBV name (shipping) or URI (comma-separated for several)
    pub EQ_bizStep: Option<String>,
    /// Disposition: a CBV name (in_transit) or URI
    pub EQ_disposition: Option<String>,
    /// Read point identifier (EPC URI or Digital Link URI)
    pub EQ_readPoint: Option<String>,
    /// Business location identifier
    pub EQ_bizLocation: Option<String>,
    /// An identifier in epcList or childEPCs (EPC URI or Digital Link URI, exact)
    pub MATCH_epc: Option<String>,
    /// An identifier anywhere: epcList, childEPCs, parentID, input and output lists
    pub MATCH_anyEPC: Option<String>,
    /// Events per page, 1–1000 (default 100)
    pub perPage: Option<u32>,
    /// The token of the previous page's `Link: <…>; rel="next"`
    pub nextPageToken: Option<String>,
}

fn list(v: &Option<String>) -> Vec<String> {
    v.as_deref()
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Events recorded by a unit and the units below it, as an EPCIS 2.0 query document
/// (`EPCISQueryDocument`, each event exactly as captured; `@context` lists the contexts
/// of the documents they came from). Keyset-paged by event time: when more events match,
/// the `Link` header gives the next page (`rel="next"`) and `GS1-Next-Page-Token` its token.
#[utoipa::path(
    get,
    path = "/api/v1/epcis/events",
    tag = "traceability",
    summary = "Query EPCIS events",
    params(EventsParams),
    responses(
        (status = 200, description = "An EPCISQueryDocument", body = serde_json::Value, content_type = "application/ld+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The unit is outside the user's scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No unit with this code", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is not valid (named)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn events(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<EventsParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let q = EventQuery {
        event_types: list(&p.eventType),
        ge_event_time: p.GE_eventTime.clone(),
        lt_event_time: p.LT_eventTime.clone(),
        biz_steps: list(&p.EQ_bizStep),
        dispositions: list(&p.EQ_disposition),
        read_points: list(&p.EQ_readPoint),
        biz_locations: list(&p.EQ_bizLocation),
        match_epc: list(&p.MATCH_epc),
        match_any_epc: list(&p.MATCH_anyEPC),
        per_page: p.perPage,
        next_page_token: p.nextPageToken.clone(),
    };
    let page = ntm_app::trace::query_events(&st.app, &ctx.actor(), &p.unit, &q).await?;
    let created_at = ntm_app::now().format(&Rfc3339).unwrap_or_default();
    let doc = serde_json::json!({
        "@context": page.context,
        "type": "EPCISQueryDocument",
        "schemaVersion": "2.0",
        "creationDate": created_at,
        "epcisBody": {
            "queryResults": {
                "queryName": "SimpleEventQuery",
                "resultsBody": { "eventList": page.events }
            }
        }
    });
    let mut res = (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/ld+json"),
        )],
        doc.to_string(),
    )
        .into_response();
    if let Some(t) = page.next_page_token {
        let mut query: Vec<(String, String)> = vec![("unit".into(), p.unit.clone())];
        let mut add = |k: &str, v: &Option<String>| {
            if let Some(v) = v {
                query.push((k.into(), v.clone()));
            }
        };
        add("eventType", &p.eventType);
        add("GE_eventTime", &p.GE_eventTime);
        add("LT_eventTime", &p.LT_eventTime);
        add("EQ_bizStep", &p.EQ_bizStep);
        add("EQ_disposition", &p.EQ_disposition);
        add("EQ_readPoint", &p.EQ_readPoint);
        add("EQ_bizLocation", &p.EQ_bizLocation);
        add("MATCH_epc", &p.MATCH_epc);
        add("MATCH_anyEPC", &p.MATCH_anyEPC);
        if let Some(n) = p.perPage {
            query.push(("perPage".into(), n.to_string()));
        }
        query.push(("nextPageToken".into(), t.clone()));
        let qs = serde_urlencoded_pairs(&query);
        if let Ok(v) = HeaderValue::from_str(&format!("</api/v1/epcis/events?{qs}>; rel=\"next\""))
        {
            res.headers_mut().insert(header::LINK, v);
        }
        if let Ok(v) = HeaderValue::from_str(&t) {
            res.headers_mut().insert("gs1-next-page-token", v);
        }
    }
    Ok(res)
}

/// `k=v&…` with the values percent-encoded.
fn serde_urlencoded_pairs(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", ntm_domain::trace::digital_link::encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A lot to record.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewLotDto {
    /// GTIN-8/12/13/14 (check digit verified) or a short product code (2–32 of A–Z, 0–9, -)
    #[schema(example = "09520123456788")]
    pub product: String,
    /// Lot number: 1–20 characters of GS1's character set 82
    #[schema(example = "2026-03-A")]
    pub lot: String,
    /// The OCOP producer record the lot is of (registered in the unit or below it). A
    /// producer account must name a producer record it owns.
    #[serde(default)]
    pub producer_id: Option<Uuid>,
    /// The producer's OCOP product this is a lot of
    #[serde(default)]
    pub product_id: Option<Uuid>,
    /// The raw-material area the lot was grown in
    #[serde(default)]
    pub area_id: Option<Uuid>,
}

/// A recorded lot.
#[derive(Debug, Serialize, ToSchema)]
pub struct LotDto {
    pub id: String,
    pub unit_code: String,
    /// GTIN-14 or short product code
    pub product: String,
    pub lot: String,
    /// Path of its GS1 Digital Link URI on this site: `/01/{gtin}/10/{lot}` or `/p/{code}/10/{lot}`
    #[schema(example = "/01/09520123456788/10/2026-03-A")]
    pub digital_link_path: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    pub created_by: String,
}

impl From<&LotView> for LotDto {
    fn from(l: &LotView) -> Self {
        LotDto {
            id: l.record.id.to_string(),
            unit_code: l.record.unit_code.clone(),
            product: l.record.product.clone(),
            lot: l.record.lot.clone(),
            digital_link_path: l.path.clone(),
            created_at: l.record.created_at.format(&Rfc3339).unwrap_or_default(),
            created_by: l.record.created_by.clone(),
        }
    }
}

/// Records a lot of a product for a unit (needs the record-trace permission on it), with
/// its origin: the OCOP producer (a producer account must name its own), optionally the
/// producer's OCOP product and the raw-material area. Events
/// naming the lot (an LGTIN class or a Digital Link URI with `/10/{lot}`) can then be
/// captured for the unit; each lot keeps a hash chain of its events.
#[utoipa::path(
    post,
    path = "/api/v1/epcis/lots",
    tag = "traceability",
    summary = "Record a lot",
    params(
        UnitParam,
        ("X-CSRF-Token" = Option<String>, Header, description = "Value of the ntm_csrf cookie (session clients)"),
    ),
    request_body = NewLotDto,
    responses(
        (status = 201, description = "The lot", body = LotDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No record-trace permission on the unit, or another producer's record", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No unit with this code", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The product already has this lot", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad GTIN (check digit), code or lot number", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_lot(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<UnitParam>,
    Json(body): Json<NewLotDto>,
) -> Result<(StatusCode, Json<LotDto>), WebError> {
    ctx.require_user()?;
    let input = ntm_app::trace::NewLot {
        product: body.product,
        lot: body.lot,
        producer_id: body.producer_id,
        product_id: body.product_id,
        area_id: body.area_id,
    };
    let lot = ntm_app::trace::create_lot(&st.app, &ctx.actor(), &p.unit, &input).await?;
    Ok(created(LotDto::from(&lot)))
}

/// The result of checking a lot's hash chain.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChainCheckDto {
    pub events: usize,
    /// Every stored event still gives its hash and every link follows.
    pub intact: bool,
    /// The first link that does not hold (position from 1).
    pub broken_at: Option<i64>,
}

/// Recomputes the event hash of every stored event of the lot and checks its hash chain.
#[utoipa::path(
    get,
    path = "/api/v1/epcis/lots/{id}/verify",
    tag = "traceability",
    summary = "Verify a lot's hash chain",
    params(("id" = String, Path, description = "Lot id")),
    responses(
        (status = 200, description = "The check", body = ChainCheckDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The lot's unit is outside the user's scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such lot", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The id is not a lot id (a UUID)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn verify_lot(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<ChainCheckDto>, WebError> {
    ctx.require_user()?;
    let id = Uuid::parse_str(&id).map_err(|_| WebError::invalid("id", "not a lot id"))?;
    let c = ntm_app::trace::verify_lot(&st.app, &ctx.actor(), id).await?;
    Ok(Json(ChainCheckDto {
        events: c.events,
        intact: c.broken_at.is_none(),
        broken_at: c.broken_at,
    }))
}
