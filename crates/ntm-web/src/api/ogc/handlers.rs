//! The OGC API – Features handlers: each checks its query, makes one call into
//! `ntm_app::ogc` (public reads, as the anonymous or logged-in actor) and writes the JSON.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Json, Response};
use ntm_app::ogc::ItemsParams;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::json::{collection as collection_json, feature, link};
use super::{CONF_CORE, CONF_GEOJSON, check_params, ogc_error, site};
use crate::ctx::{Ctx, url_encode};
use crate::error::{Problem, WebError};
use crate::state::AppState;

type Params = Query<Vec<(String, String)>>;

fn with_type(v: Value, typ: &'static str) -> Response {
    let mut res = Json(v).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(typ));
    res
}

/// The landing page: what this service is and where its parts are.
#[utoipa::path(
    get,
    path = "/ogc",
    tag = "ogc",
    summary = "Landing page",
    responses(
        (status = 200, description = "Links to the API description, conformance and collections", body = serde_json::Value),
        (status = 400, description = "An unknown query parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn landing(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Params,
) -> Result<Response, WebError> {
    check_params(&q, &[])?;
    let base = site(&st, &headers);
    Ok(with_type(
        json!({
            "title": "NTM Số – open data (OGC API – Features)",
            "description": "Dữ liệu mở của NTM Số: sản phẩm OCOP, vùng nguyên liệu và các tập dữ liệu khác. Open data of NTM Số: OCOP products, raw-material areas and more.",
            "links": [
                link(format!("{base}/ogc"), "self", "application/json", "This document"),
                link(format!("{base}/ogc/api"), "service-desc", "application/vnd.oai.openapi+json;version=3.1", "The API definition (OpenAPI)"),
                link(format!("{base}/ogc/conformance"), "conformance", "application/json", "Conformance classes"),
                link(format!("{base}/ogc/collections"), "data", "application/json", "The collections"),
                link(format!("{base}/open-data"), "describedby", "text/html", "Open data catalogue (DCAT)"),
            ],
        }),
        "application/json",
    ))
}

/// The conformance classes implemented.
#[utoipa::path(
    get,
    path = "/ogc/conformance",
    tag = "ogc",
    summary = "Conformance classes",
    responses(
        (status = 200, description = "conformsTo: Part 1 Core and GeoJSON", body = serde_json::Value),
        (status = 400, description = "An unknown query parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn conformance(Query(q): Params) -> Result<Response, WebError> {
    check_params(&q, &[])?;
    Ok(with_type(
        json!({"conformsTo": [CONF_CORE, CONF_GEOJSON]}),
        "application/json",
    ))
}

/// Every collection.
#[utoipa::path(
    get,
    path = "/ogc/collections",
    tag = "ogc",
    summary = "The collections",
    responses(
        (status = 200, description = "The collections with their extents and links", body = serde_json::Value),
        (status = 400, description = "An unknown query parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn collections(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Query(q): Params,
) -> Result<Response, WebError> {
    check_params(&q, &[])?;
    let base = site(&st, &headers);
    let list = ntm_app::ogc::collections(&ctx.actor());
    Ok(with_type(
        json!({
            "links": [link(format!("{base}/ogc/collections"), "self", "application/json", "The collections")],
            "collections": list.iter().map(|c| collection_json(&base, c)).collect::<Vec<_>>(),
        }),
        "application/json",
    ))
}

/// One collection.
#[utoipa::path(
    get,
    path = "/ogc/collections/{collectionId}",
    tag = "ogc",
    summary = "One collection",
    params(("collectionId" = String, Path, description = "ocop-products, raw-material-areas, …")),
    responses(
        (status = 200, description = "The collection", body = serde_json::Value),
        (status = 400, description = "An unknown query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such collection", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn collection(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Params,
) -> Result<Response, WebError> {
    check_params(&q, &[])?;
    let c = ntm_app::ogc::collection(&ctx.actor(), &id).map_err(ogc_error)?;
    Ok(with_type(
        collection_json(&site(&st, &headers), c),
        "application/json",
    ))
}

/// A page of a collection's features.
#[utoipa::path(
    get,
    path = "/ogc/collections/{collectionId}/items",
    tag = "ogc",
    summary = "Features of a collection (GeoJSON FeatureCollection), paged by key",
    params(
        ("collectionId" = String, Path, description = "ocop-products, raw-material-areas, …"),
        ("limit" = Option<u32>, Query, description = "Most features on the page: 1–1000, default 100", minimum = 1, maximum = 1000),
        ("bbox" = Option<String>, Query, description = "minLon,minLat,maxLon,maxLat (CRS84), or 6 numbers with heights", style = Form, explode = false),
        ("datetime" = Option<String>, Query, description = "RFC 3339 date or date-time, or an interval start/end with .. for an open end"),
        ("after" = Option<String>, Query, description = "Key after which the page starts: take it from the `next` link"),
    ),
    responses(
        (status = 200, description = "A GeoJSON FeatureCollection with numberReturned and a next link unless last", body = serde_json::Value, content_type = "application/geo+json"),
        (status = 400, description = "A bad bbox, datetime, limit or after, or an unknown parameter (each named)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such collection", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn items(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Params,
) -> Result<Response, WebError> {
    let c = ntm_app::ogc::collection(&ctx.actor(), &id).map_err(ogc_error)?;
    check_params(&q, &["limit", "bbox", "datetime", "after"])?;
    let get = |k: &str| q.iter().rev().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let params = ItemsParams {
        bbox: get("bbox"),
        datetime: get("datetime"),
        limit: get("limit"),
        after: get("after"),
    };
    let page = ntm_app::ogc::items(&st.app, &ctx.actor(), &id, &params)
        .await
        .map_err(ogc_error)?;
    let base = site(&st, &headers);
    // The limit alone: `check` reads `after` as a UUID, which the collections keyed
    // otherwise (unit-status, feedback-reports, plan-progress) do not use.
    let limit = ntm_domain::ogc::parse_limit(params.limit.as_deref())
        .unwrap_or(ntm_domain::ogc::DEFAULT_LIMIT);
    let here = format!("{base}/ogc/collections/{}/items", c.id);
    let query = |after: Option<&str>| {
        let mut parts = vec![format!("limit={limit}")];
        for k in ["bbox", "datetime"] {
            if let Some(v) = get(k) {
                parts.push(format!("{k}={}", url_encode(&v)));
            }
        }
        if let Some(a) = after {
            parts.push(format!("after={}", url_encode(a)));
        }
        parts.join("&")
    };
    let mut links = vec![
        link(
            format!("{here}?{}", query(params.after.as_deref())),
            "self",
            "application/geo+json",
            "This page",
        ),
        link(
            format!("{base}/ogc/collections/{}", c.id),
            "collection",
            "application/json",
            "The collection",
        ),
    ];
    if let Some(next) = &page.next {
        links.push(link(
            format!("{here}?{}", query(Some(next))),
            "next",
            "application/geo+json",
            "Next page",
        ));
    }
    let stamp = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok());
    let features: Vec<Value> = page
        .features
        .iter()
        .map(|f| feature(&base, c, f, false))
        .collect();
    Ok(with_type(
        json!({
            "type": "FeatureCollection",
            "timeStamp": stamp,
            "numberReturned": features.len(),
            "features": features,
            "links": links,
        }),
        "application/geo+json",
    ))
}

/// One feature.
#[utoipa::path(
    get,
    path = "/ogc/collections/{collectionId}/items/{featureId}",
    tag = "ogc",
    summary = "One feature (GeoJSON Feature)",
    params(
        ("collectionId" = String, Path, description = "ocop-products, raw-material-areas, …"),
        ("featureId" = String, Path, description = "The feature's id"),
    ),
    responses(
        (status = 200, description = "A GeoJSON Feature", body = serde_json::Value, content_type = "application/geo+json"),
        (status = 400, description = "An unknown query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such collection or feature", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn item(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((id, fid)): Path<(String, String)>,
    Query(q): Params,
) -> Result<Response, WebError> {
    check_params(&q, &[])?;
    let c = ntm_app::ogc::collection(&ctx.actor(), &id).map_err(ogc_error)?;
    let f = ntm_app::ogc::item(&st.app, &ctx.actor(), &id, &fid)
        .await
        .map_err(ogc_error)?;
    Ok(with_type(
        feature(&site(&st, &headers), c, &f, true),
        "application/geo+json",
    ))
}
