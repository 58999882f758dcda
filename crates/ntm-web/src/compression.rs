//! HTTP compression (gzip and brotli at their fastest level, 1) of data answers: JSON, GeoJSON, JSON-LD,
//! problem details, CSV, and the embedded CSS and scripts.
//!
//! HTML pages are **not** compressed: they carry the CSRF token next to text a visitor can
//! make the page reflect, which is what the BREACH attack needs to guess a secret from
//! compressed sizes. Files that are compressed already (XLSX, PDF, images) are left alone.

use axum::http::{Extensions, HeaderMap, StatusCode, Version, header};
use tower_http::CompressionLevel;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};

/// Media types compressed (the part before any `;`).
const COMPRESSED: &[&str] = &[
    "application/json",
    "application/geo+json",
    "application/ld+json",
    "application/problem+json",
    "application/schema+json",
    "application/javascript",
    "text/javascript",
    "text/css",
    "text/csv",
];

/// Is the answer of one of the [`COMPRESSED`] types?
pub fn compressible(_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|t| COMPRESSED.contains(&t.as_str()))
}

type Rule = fn(StatusCode, Version, &HeaderMap, &Extensions) -> bool;

/// The layer: tower-http's default rule (not tiny, not an image, not a stream) and ours.
///
/// Level 1 (fastest): answers are compressed on every request, and the largest — the
/// country's status map, 6.4 MB of GeoJSON — spent about 200 ms in brotli's default level 4
/// for 1,325 KB against gzip's 1,327 KB (`docs/perf.md`, "The whole country's status map
/// data"); on two cores the compression, not the data, was the time.
pub fn layer() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new()
        .gzip(true)
        .br(true)
        .quality(CompressionLevel::Fastest)
        .compress_when(DefaultPredicate::new().and(compressible as Rule))
}
