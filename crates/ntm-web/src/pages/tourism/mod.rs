//! Rural tourism (`docs/tourism.md`). Public pages here (no login, no JavaScript, 360 px
//! phones, Vietnamese first, English with `?lang=en`): a commune's tourism page, a point's
//! narration page (what its QR code opens), a tour. `files.rs`: photos, audio (with byte
//! ranges), QR codes, the tour's leaflet PDF. `manage.rs`: the editors' pages.

pub mod files;
pub mod manage;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use ntm_app::tourism::{self, PointKind, TourismPointRecord};

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::request::parse_id;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::render;

/// A kind's name in the reader's language.
pub fn kind_label(ctx: &Ctx, code: &str) -> String {
    match PointKind::parse(code) {
        Some(k) if ctx.is_lang("en") => k.name_en().to_string(),
        Some(k) => k.name_vi().to_string(),
        None => code.to_string(),
    }
}

/// Plain text cut into paragraphs at blank lines.
pub fn paragraphs(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The narration in the reader's language: (paragraphs, whether it fell back to Vietnamese).
fn narration(ctx: &Ctx, p: &TourismPointRecord) -> (Vec<String>, bool) {
    if ctx.is_lang("en") {
        if p.narration_en.trim().is_empty() {
            (paragraphs(&p.narration_vi), true)
        } else {
            (paragraphs(&p.narration_en), false)
        }
    } else {
        (paragraphs(&p.narration_vi), false)
    }
}

pub struct PointItem {
    pub href: String,
    pub name: String,
    pub kind: String,
    pub address: String,
    pub sample: bool,
}

fn point_item(ctx: &Ctx, p: &TourismPointRecord) -> PointItem {
    PointItem {
        href: Urls::tourism_point(p.id),
        name: p.name.clone(),
        kind: kind_label(ctx, &p.kind),
        address: p.address.clone(),
        sample: p.sample,
    }
}

pub struct TourItem {
    pub href: String,
    pub title: String,
    pub sample: bool,
}

#[derive(Template)]
#[template(path = "tourism_commune.html")]
pub struct CommuneView {
    pub ctx: Ctx,
    pub heading: String,
    pub points: Vec<PointItem>,
    pub tours: Vec<TourItem>,
}

/// `GET /tourism/{code}`: a commune's published points and tours.
pub async fn commune_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let c = tourism::commune_tourism(&st.app, &code).await?;
    let v = CommuneView {
        heading: ctx.t1("tourism-commune-title", &c.unit.name),
        points: c.points.iter().map(|p| point_item(&ctx, p)).collect(),
        tours: c
            .tours
            .iter()
            .map(|t| TourItem {
                href: Urls::tourism_tour(t.id),
                title: ctx.lang.pick(&t.title_vi, Some(&t.title_en)).to_string(),
                sample: t.sample,
            })
            .collect(),
        ctx,
    };
    Ok(render(&v, StatusCode::OK))
}

pub struct AudioItem {
    pub src: String,
    pub mime: &'static str,
    pub label: String,
}

#[derive(Template)]
#[template(path = "tourism_point.html")]
pub struct PointView {
    pub ctx: Ctx,
    pub name: String,
    pub kind: String,
    pub commune: String,
    pub commune_href: String,
    pub sample: bool,
    pub preview: bool,
    pub narration: Vec<String>,
    pub fallback: bool,
    pub audio: Vec<AudioItem>,
    pub photos: Vec<String>,
    pub address: String,
    pub opening: String,
    pub contact: String,
    pub position: String,
    pub geo_href: String,
    pub osm_href: String,
    pub products: Vec<(String, String)>,
}

/// `GET /tourism/points/{id}`: a point's narration page.
pub async fn point_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id, "point")?;
    let p = tourism::public_point(&st.app, &ctx.actor(), id).await?;
    let (narration, fallback) = narration(&ctx, &p.point);
    // The reader's language first.
    let mut langs = p.audio.clone();
    if ctx.is_lang("en") {
        langs.sort_by_key(|(l, _)| l != "en");
    }
    let audio = langs
        .iter()
        .map(|(l, mime)| AudioItem {
            src: Urls::tourism_point_file(id, &format!("audio-{l}")),
            mime: if mime == "audio/ogg" {
                "audio/ogg"
            } else {
                "audio/mpeg"
            },
            label: ctx.t(if l == "en" {
                "tourism-audio-en"
            } else {
                "tourism-audio-vi"
            }),
        })
        .collect();
    let (lat, lon) = (p.point.lat, p.point.lon);
    let v = PointView {
        name: p.point.name.clone(),
        kind: kind_label(&ctx, &p.point.kind),
        commune: p.unit.name.clone(),
        commune_href: Urls::tourism(&p.unit.code),
        sample: p.point.sample,
        preview: p.preview,
        narration,
        fallback,
        audio,
        photos: p
            .photos
            .iter()
            .map(|ph| Urls::tourism_photo(ph.id))
            .collect(),
        address: p.point.address.clone(),
        opening: p.point.opening.clone(),
        contact: p.point.contact.clone(),
        // Degrees written the reader's way: "9,93470; 106,34560" (vi), "9.93470, 106.34560" (en).
        position: {
            let n = |x: f64| crate::view::format::number(ctx.lang, x, 5);
            let sep = if ctx.is_lang("en") { ", " } else { "; " };
            format!("{}{sep}{}", n(lat), n(lon))
        },
        geo_href: format!("geo:{lat:.6},{lon:.6}"),
        osm_href: format!(
            "https://www.openstreetmap.org/?mlat={lat:.6}&mlon={lon:.6}#map=16/{lat:.6}/{lon:.6}"
        ),
        products: p
            .products
            .iter()
            .map(|(pid, name, stars)| {
                let s = stars.map(|s| format!(" ({s}★)")).unwrap_or_default();
                (Urls::ocop_product(&pid.to_string()), format!("{name}{s}"))
            })
            .collect(),
        ctx,
    };
    Ok(render(&v, StatusCode::OK))
}

pub struct StopItem {
    pub n: usize,
    pub href: String,
    pub name: String,
    pub kind: String,
    pub excerpt: String,
}

#[derive(Template)]
#[template(path = "tourism_tour.html")]
pub struct TourView {
    pub ctx: Ctx,
    pub title: String,
    pub description: Vec<String>,
    pub commune: String,
    pub commune_href: String,
    pub leaflet_href: String,
    pub sample: bool,
    pub preview: bool,
    pub stops: Vec<StopItem>,
}

/// The first ~`max` characters of a text, cut at a word.
pub fn excerpt(text: &str, max: usize) -> String {
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() <= max {
        return t;
    }
    let cut: String = t.chars().take(max).collect();
    let cut = cut
        .rsplit_once(' ')
        .map_or(cut.as_str(), |(a, _)| a)
        .to_string();
    format!("{cut}…")
}

/// `GET /tourism/tours/{id}`: a tour and its stops.
pub async fn tour_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id, "tour")?;
    let t = tourism::public_tour(&st.app, &ctx.actor(), id).await?;
    let en = ctx.is_lang("en");
    let v = TourView {
        title: ctx
            .lang
            .pick(&t.tour.title_vi, Some(&t.tour.title_en))
            .to_string(),
        description: paragraphs(
            ctx.lang
                .pick(&t.tour.description_vi, Some(&t.tour.description_en)),
        ),
        commune: t.unit.name.clone(),
        commune_href: Urls::tourism(&t.unit.code),
        leaflet_href: Urls::tourism_leaflet(id),
        sample: t.tour.sample,
        preview: t.preview,
        stops: t
            .stops
            .iter()
            .enumerate()
            .map(|(i, p)| StopItem {
                n: i + 1,
                href: Urls::tourism_point(p.id),
                name: p.name.clone(),
                kind: kind_label(&ctx, &p.kind),
                excerpt: excerpt(
                    if en && !p.narration_en.trim().is_empty() {
                        &p.narration_en
                    } else {
                        &p.narration_vi
                    },
                    220,
                ),
            })
            .collect(),
        ctx,
    };
    Ok(render(&v, StatusCode::OK))
}
