//! A point's files: photos, narration audio (served from disk by tower-http's `ServeFile`,
//! which answers `Range` requests, so a phone can seek in a long narration), its QR code
//! (SVG, PNG) opening the narration page, and a tour's printable leaflet (PDF, typst template
//! `tourism_leaflet.typ`, each stop with its QR code).

use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use ntm_app::tourism;
use tower::ServiceExt;
use tower_http::services::ServeFile;

use super::excerpt;
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::pages::survey::base_url;
use crate::request::parse_id;
use crate::state::AppState;

fn no_sniff(res: &mut Response, content_type: &str, cache: &'static str) {
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
}

/// A stored file sent by `ServeFile` (byte ranges, `Last-Modified`), with its own type.
async fn serve(f: tourism::StoredFile, req: Request) -> Result<Response, WebError> {
    let res = ServeFile::new(&f.path)
        .oneshot(req)
        .await
        .map_err(|e| WebError::internal(format!("file: {e}")))?;
    if res.status() == axum::http::StatusCode::NOT_FOUND {
        return Err(WebError::internal("a stored file is missing on disk"));
    }
    let mut res = res.map(axum::body::Body::new).into_response();
    no_sniff(&mut res, &f.content_type, "private, max-age=300");
    Ok(res)
}

/// `GET /tourism/photos/{id}`: a photo of a published point (its editors: of a draft too).
pub async fn photo(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, WebError> {
    let id = parse_id(&id, "photo")?;
    let f = tourism::photo(&st.app, &ctx.actor(), id).await?;
    serve(f, req).await
}

/// `GET /tourism/points/{id}/{file}`: `audio-vi`, `audio-en`, `qr.svg`, `qr.png`.
pub async fn point_file(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((id, file)): Path<(String, String)>,
    req: Request,
) -> Result<Response, WebError> {
    let id = parse_id(&id, "point")?;
    let actor = ctx.actor();
    match file.as_str() {
        "audio-vi" | "audio-en" => {
            let f = tourism::audio(&st.app, &actor, id, &file[6..]).await?;
            serve(f, req).await
        }
        "qr.svg" | "qr.png" => {
            let base = base_url(&st.cfg, &headers);
            let uri = tourism::point_link(&st.app, &actor, id, &base).await?;
            let mut res = if file == "qr.svg" {
                let svg = ntm_reports::qr::svg(&uri, 320)
                    .map_err(|e| WebError::internal(e.to_string()))?;
                let mut r = svg.into_response();
                no_sniff(&mut r, "image/svg+xml", "private, max-age=300");
                r
            } else {
                let png = ntm_reports::qr::png(&uri, 10)
                    .map_err(|e| WebError::internal(e.to_string()))?;
                let mut r = png.into_response();
                no_sniff(&mut r, "image/png", "private, max-age=300");
                r
            };
            let name = format!("qr-{id}.{}", &file[3..]);
            if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
                res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
            }
            Ok(res)
        }
        _ => Err(WebError::not_found(format!("no file {file}"))),
    }
}

/// `GET /tourism/tours/{id}/leaflet.pdf`: the tour's leaflet (A4): the stops in order with
/// their kind, address, opening information, a short narration in both languages and each
/// stop's QR code.
pub async fn leaflet_pdf(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id, "tour")?;
    let base = base_url(&st.cfg, &headers);
    let l = tourism::leaflet(&st.app, &ctx.actor(), id, &base).await?;
    let mut stops = Vec::with_capacity(l.stops.len());
    for (i, s) in l.stops.iter().enumerate() {
        let qr =
            ntm_reports::qr::svg(&s.url, 320).map_err(|e| WebError::internal(e.to_string()))?;
        stops.push(serde_json::json!({
            "n": i + 1,
            "name": s.name,
            "kind": format!("{} · {}", s.kind.name_vi(), s.kind.name_en()),
            "address": s.address,
            "opening": s.opening,
            "narration_vi": excerpt(&s.narration_vi, 420),
            "narration_en": excerpt(&s.narration_en, 420),
            "url": s.url,
            "qr": qr,
        }));
    }
    let json = serde_json::json!({
        "title": l.tour.title_vi,
        "title_en": l.tour.title_en,
        "commune": l.commune,
        "description": excerpt(&l.tour.description_vi, 600),
        "description_en": excerpt(&l.tour.description_en, 600),
        "sample": l.tour.sample,
        "stops": stops,
    });
    let bytes = tokio::task::spawn_blocking(move || {
        ntm_pdf::render(ntm_pdf::templates::TOURISM_LEAFLET, &json)
    })
    .await
    .map_err(|e| WebError::internal(e.to_string()))?
    .map_err(|e| WebError::internal(e.to_string()))?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"to-gap-{id}.pdf\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(res)
}
