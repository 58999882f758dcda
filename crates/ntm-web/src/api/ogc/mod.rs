//! OGC API – Features, Part 1 Core with GeoJSON, under `/ogc` (`docs/open-data.md`): the
//! landing page, conformance, this API's OpenAPI description (`/ogc/api`), the collections
//! of `ntm_app::ogc` and their items, keyset-paged by `next` links. Public data, no login.
//! Errors are RFC 9457 problem details like the rest of the API; an unknown query parameter
//! is refused (400) rather than silently ignored.

mod handlers;
mod json;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::get;
use ntm_app::AppError;
use utoipa::OpenApi;
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ErrorInfo, ErrorKind, WebError};
use crate::state::AppState;

/// The prefix of every OGC route.
pub const PREFIX: &str = "/ogc";

pub const CONF_CORE: &str = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core";
pub const CONF_GEOJSON: &str = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson";
pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "NTM Số – OGC API Features",
        description = "Open data of NTM Số as OGC API – Features (Part 1 Core, GeoJSON): rated OCOP products, \
                       raw-material areas, and more collections as they are published. Public: no login. \
                       Items are paged by key: follow the `next` link (limit 1–1000, default 100); \
                       bbox is minLon,minLat,maxLon,maxLat in CRS84; datetime is an RFC 3339 date, date-time or interval. \
                       Errors are RFC 9457 problem details; unknown query parameters are refused."
    ),
    tags((name = "ogc", description = "OGC API – Features")),
)]
struct OgcDoc;

fn documented() -> OpenApiRouter<AppState> {
    let mut doc = OgcDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    OpenApiRouter::with_openapi(doc)
        .routes(routes!(handlers::landing))
        .routes(routes!(handlers::conformance))
        .routes(routes!(handlers::collections))
        .routes(routes!(handlers::collection))
        .routes(routes!(handlers::items))
        .routes(routes!(handlers::item))
}

/// The OpenAPI description of the OGC routes (what `/ogc/api` serves).
pub fn openapi() -> OpenApiDoc {
    let (_, mut doc) = documented().split_for_parts();
    crate::api::document_common_responses(&mut doc);
    doc
}

/// The OGC routes, and `/ogc/api` serving their OpenAPI description.
pub fn router() -> Router<AppState> {
    let (routes, mut doc) = documented().split_for_parts();
    crate::api::document_common_responses(&mut doc);
    let doc: Arc<OpenApiDoc> = Arc::new(doc);
    routes.route(
        "/ogc/api",
        get(
            move |q: axum::extract::Query<Vec<(String, String)>>, headers: header::HeaderMap| {
                let doc = doc.clone();
                async move {
                    check_params(&q.0, &[])?;
                    let mut res = Json(doc.as_ref().clone()).into_response();
                    res.headers_mut().insert(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static(api_media_type(&headers)),
                    );
                    Ok::<Response, WebError>(res)
                }
            },
        ),
    )
}

/// The OpenAPI document's media type for this request: the 3.1 type, unless the client
/// asks for JSON without naming OpenAPI 3.1 — GDAL's OAPIF driver (3.6) asks for the 3.0
/// type or `application/json` and reports any other answer as an error — then plain
/// `application/json`, which the document also is.
fn api_media_type(headers: &header::HeaderMap) -> &'static str {
    const OPENAPI_31: &str = "application/vnd.oai.openapi+json;version=3.1";
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase()
        .replace(' ', "");
    if accept.contains("application/json") && !accept.contains("version=3.1") {
        "application/json"
    } else {
        OPENAPI_31
    }
}

/// Refuses query parameters this route does not know (`f` and `lang` are always allowed;
/// `f` must ask for JSON).
pub(crate) fn check_params(query: &[(String, String)], known: &[&str]) -> Result<(), WebError> {
    let mut errors = Vec::new();
    for (k, v) in query {
        match k.as_str() {
            "lang" => {}
            "f" if matches!(
                v.as_str(),
                "json" | "geojson" | "application/json" | "application/geo+json"
            ) => {}
            "f" => errors.push(ntm_app::FieldError::new(
                "f",
                format!("format {v:?} is not offered: use f=json (GeoJSON for features)"),
            )),
            k if known.contains(&k) => {}
            k => errors.push(ntm_app::FieldError::new(
                k,
                format!(
                    "unknown query parameter {k:?}; this resource takes {}",
                    if known.is_empty() {
                        "only f and lang".to_string()
                    } else {
                        format!("{}, f and lang", known.join(", "))
                    }
                ),
            )),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(bad_request(errors))
    }
}

/// A 400 problem listing every bad parameter.
pub(crate) fn bad_request(errors: Vec<ntm_app::FieldError>) -> WebError {
    let mut info = ErrorInfo::new(ErrorKind::BadRequest);
    info.detail = Some(
        errors
            .iter()
            .map(|e| e.message.as_str())
            .collect::<Vec<_>>()
            .join("; "),
    );
    info.fields = errors;
    WebError(info)
}

/// An app error, with a bad parameter (validation) as 400 as OGC API requires.
pub(crate) fn ogc_error(e: AppError) -> WebError {
    match e {
        AppError::Validation(fields) => bad_request(fields),
        e => WebError::from(e),
    }
}

/// The site's address for absolute links.
pub(crate) fn site(st: &AppState, headers: &HeaderMap) -> String {
    st.cfg.site_url(headers)
}
