//! CSS, icons (and any script) embedded in the binary with rust-embed, served under
//! `/assets/…` with an ETag (the file's SHA-256) and cache-busting URLs
//! (`/assets/app.css?v=<hash8>`, cached for a year when the hash matches).

use axum::body::Body;
use axum::extract::{Path, RawQuery};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

use crate::error::WebError;

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Assets;

fn hash_of(name: &str) -> Option<String> {
    Assets::get(name).map(|f| hex::encode(f.metadata.sha256_hash()))
}

/// URL of an asset with its content hash, e.g. `/assets/app.css?v=1a2b3c4d`.
pub fn url(name: &str) -> String {
    match hash_of(name) {
        Some(h) => format!("/assets/{name}?v={}", &h[..8]),
        None => format!("/assets/{name}"),
    }
}

/// Names of every embedded file.
pub fn names() -> Vec<String> {
    Assets::iter().map(|n| n.to_string()).collect()
}

pub async fn serve(
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let Some(file) = Assets::get(&path) else {
        return WebError::not_found(format!("no asset {path}")).into_response();
    };
    let hash = hex::encode(file.metadata.sha256_hash());
    let etag = format!("\"{}\"", &hash[..32]);
    let versioned = query
        .as_deref()
        .and_then(|q| q.split('&').find_map(|p| p.strip_prefix("v=")))
        .is_some_and(|v| v.len() >= 8 && hash.starts_with(v));
    let cache = if versioned {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut res = if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = Response::new(Body::from(file.data.into_owned()));
        let mime = file.metadata.mimetype();
        let mime = if mime.starts_with("text/")
            || mime == "application/javascript"
            || mime == "image/svg+xml"
        {
            format!("{mime}; charset=utf-8")
        } else {
            mime.to_string()
        };
        if let Ok(v) = HeaderValue::from_str(&mime) {
            r.headers_mut().insert(header::CONTENT_TYPE, v);
        }
        r
    };
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}
