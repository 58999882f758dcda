//! The resolver: `GET /01/{gtin}[/22/{cpv}]/10/{lot}[/21/{serial}]` and
//! `GET /p/{code}/10/{lot}` (no login, no script, a small page for phones): the product,
//! its OCOP stars and certificate status, the producer, the raw-material area, the lot's
//! history in words and whether its chain verifies. With `Accept: application/linkset+json`
//! (or `?linkType=linkset`) the same address answers the GS1 Digital Link linkset
//! (RFC 9264, GS1-Conformant Resolver link types); every answer carries the `Link` header
//! pointing at it. `?linkType=gs1:pip` (or the full URI) redirects (307) to the link of that
//! type when it leads elsewhere; an absent type falls back to the default link, this page.
//! A bad address is a 400 page saying why, an unknown lot a 404 page.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use ntm_app::AppError;
use ntm_app::trace::PublicLot;
use ntm_domain::ocop::CertificateStatus;
use ntm_domain::trace::DigitalLink;
use serde_json::json;

use super::{HistoryLine, history_lines};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::maps::area_maps;
use crate::pages::survey::base_url;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::format::date;
use crate::view::render;

/// GS1 link types (`gs1:` is `https://gs1.org/voc/`).
const GS1: &str = "https://gs1.org/voc/";
const LINKSET: &str = "application/linkset+json";

#[derive(Template)]
#[template(path = "trace_public.html")]
pub struct PublicTemplate {
    pub ctx: Ctx,
    pub css: String,
    pub title: String,
    /// A message instead of the lot (bad address, unknown lot, too many requests).
    pub message: Option<String>,
    pub lot: String,
    pub product: String,
    pub stars: Option<String>,
    pub cert: Option<String>,
    pub cert_valid: bool,
    pub cert_no: Option<String>,
    pub ocop_href: Option<String>,
    pub producer: Option<String>,
    pub producer_kind: Option<String>,
    pub producer_address: Option<String>,
    pub sample: bool,
    pub unit_name: String,
    pub area: Option<String>,
    /// The area's certifications: scheme, number, status today, last valid day.
    pub area_certs: Vec<String>,
    /// The area over its commune as inline SVG (`maps::area_maps`), empty without one.
    pub area_map: String,
    pub history: Vec<HistoryLine>,
    pub chain_ok: bool,
    pub chain_text: String,
}

fn blank(ctx: Ctx) -> PublicTemplate {
    PublicTemplate {
        css: ctx.asset("trace-public.css"),
        title: ctx.t("trace-pub-title"),
        message: None,
        lot: String::new(),
        product: String::new(),
        stars: None,
        cert: None,
        cert_valid: false,
        cert_no: None,
        ocop_href: None,
        producer: None,
        producer_kind: None,
        producer_address: None,
        sample: false,
        unit_name: String::new(),
        area: None,
        area_certs: Vec::new(),
        area_map: String::new(),
        history: Vec::new(),
        chain_ok: false,
        chain_text: String::new(),
        ctx,
    }
}

fn message_page(ctx: Ctx, title_key: &str, message: String, status: StatusCode) -> Response {
    let mut t = blank(ctx);
    t.title = t.ctx.t(title_key);
    t.message = Some(message);
    finish(render(&t, status))
}

fn finish(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    res
}

fn page(ctx: Ctx, l: &PublicLot) -> PublicTemplate {
    let lang = ctx.lang;
    let mut t = blank(ctx);
    t.title = format!("{} · {}", l.product_name, t.ctx.t("trace-pub-title"));
    t.lot = t.ctx.t1("trace-pub-lot", &l.lot.lot);
    t.product = l.product_name.clone();
    if let Some(r) = &l.rating {
        t.stars = Some(lang.t_args("trace-pub-ocop", &[("stars", i64::from(r.stars).into())]));
        let until = r.valid_until.map(date).unwrap_or_default();
        let (key, valid) = match r.status {
            CertificateStatus::Valid => ("trace-pub-cert-valid", true),
            CertificateStatus::ExpiringWithin90 | CertificateStatus::ExpiringWithin30 => {
                ("trace-pub-cert-expiring", true)
            }
            CertificateStatus::Expired => ("trace-pub-cert-expired", false),
            CertificateStatus::Superseded => ("trace-pub-cert-superseded", false),
            CertificateStatus::NotYetValid => ("trace-pub-cert-not-yet", false),
            CertificateStatus::Unknown => ("trace-pub-cert-unknown", false),
        };
        t.cert = Some(lang.t_args(
            key,
            &[("date", until.into()), ("year", i64::from(r.year).into())],
        ));
        t.cert_valid = valid;
        t.cert_no = r
            .certificate_no
            .as_ref()
            .filter(|_| valid)
            .map(|n| lang.t1("trace-pub-cert-no", n));
    } else if l.ocop_product_id.is_some() {
        t.cert = Some(lang.t("trace-pub-cert-none"));
    }
    // The catalogue shows rated products only.
    t.ocop_href = ocop_page(l).map(|id| Urls::ocop_product(&id.to_string()));
    t.producer = l.producer_name.clone();
    t.producer_kind = l.producer_kind.map(str::to_owned);
    t.producer_address = l.producer_address.clone();
    t.sample = l.producer_sample;
    t.unit_name = l.unit_name.clone();
    match &l.area {
        Some(a) => {
            let mut line = format!(
                "{} · {} · {} · {}",
                a.code,
                a.crop,
                crate::pages::areas::ha_text(lang, a.hectares_x100),
                a.unit_name
            );
            if a.sample {
                line.push_str(&format!(" ({})", lang.t("trace-pub-sample")));
            }
            t.area = Some(line);
            t.area_map = area_maps(
                "trace-area-map",
                &a.shape,
                a.outline.as_ref(),
                &lang.t1("areas-map-title", &a.code),
                &lang.t1("areas-map-desc", &a.unit_name),
                &lang.t1("areas-map-close", &a.code),
            );
            t.area_certs = a
                .certifications
                .iter()
                .map(|c| {
                    let status = match c.status.as_str() {
                        "valid" | "expiring" => lang.t("areas-status-valid"),
                        "expired" => lang.t("areas-status-expired"),
                        _ => lang.t("areas-status-not-yet"),
                    };
                    format!(
                        "{} {} · {} · {}",
                        c.scheme.as_deref().unwrap_or(c.kind.as_str()),
                        c.certificate_no,
                        status,
                        date(c.valid_until)
                    )
                })
                .collect();
        }
        None => {
            t.area = l
                .area_id
                .map(|id| lang.t1("trace-pub-area-unknown", id.to_string()));
        }
    }
    t.history = history_lines(lang, &l.history);
    t.chain_ok = l.chain.broken_at.is_none();
    t.chain_text = match l.chain.broken_at {
        None => lang.t_args(
            "trace-chain-ok",
            &[("count", lang.int(l.chain.events as i64).into())],
        ),
        Some(n) => lang.t_args("trace-chain-broken", &[("n", lang.int(n).into())]),
    };
    t
}

/// The OCOP product whose public page exists (the catalogue lists rated products only).
fn ocop_page(l: &PublicLot) -> Option<uuid::Uuid> {
    l.ocop_product_id.filter(|_| l.rating.is_some())
}

/// The link type asked for with `?linkType=` (`gs1:pip`, `https://gs1.org/voc/pip` or the
/// `http://` form), as the GS1 vocabulary's full URI; `None` without one or for
/// `linkset`/`all` (those answer the linkset).
fn requested_link_type(q: &[(String, String)]) -> Option<String> {
    let (_, v) = q.iter().find(|(k, _)| k == "linkType")?;
    let v = v.trim();
    if v == "linkset" || v == "all" {
        return None;
    }
    let term = v
        .strip_prefix("gs1:")
        .or_else(|| v.strip_prefix(GS1))
        .or_else(|| v.strip_prefix("http://gs1.org/voc/"))
        .unwrap_or(v);
    Some(format!("{GS1}{term}"))
}

/// Where `?linkType=` sends the reader: `Some(href)` when the lot's linkset has a link of
/// that type to another resource (a 307 redirect, GS1 Digital Link 1.1 §7); `None` when it
/// is the default link (the trace page itself) or absent (the resolver falls back to the
/// default link, which is this page).
fn redirect_for(set: &serde_json::Value, link_type: &str) -> Option<String> {
    let entry = set.get("linkset")?.get(0)?;
    let anchor = entry.get("anchor")?.as_str()?;
    let href = entry.get(link_type)?.get(0)?.get("href")?.as_str()?;
    (href != anchor).then(|| href.to_owned())
}

fn wants_linkset(headers: &HeaderMap, q: &[(String, String)]) -> bool {
    q.iter()
        .any(|(k, v)| k == "linkType" && (v == "linkset" || v == "all"))
        || headers
            .get_all(header::ACCEPT)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.to_ascii_lowercase().contains(LINKSET))
}

/// The linkset of a lot (RFC 9264 JSON, GS1 link types as full URIs).
pub fn linkset(base: &str, l: &PublicLot) -> serde_json::Value {
    let anchor = format!("{base}{}", l.path);
    let title = format!("{} — {}", l.product_name, l.lot.lot);
    let mut set = serde_json::Map::new();
    set.insert("anchor".into(), json!(anchor));
    set.insert("description".into(), json!(title));
    let page = json!([{
        "href": anchor,
        "title": format!("Truy xuất nguồn gốc: {title}"),
        "type": "text/html",
        "hreflang": ["vi", "en"],
    }]);
    set.insert(format!("{GS1}defaultLink"), page.clone());
    set.insert(format!("{GS1}traceability"), page);
    if let Some(id) = ocop_page(l) {
        set.insert(
            format!("{GS1}pip"),
            json!([{
                "href": format!("{base}/ocop/products/{id}"),
                "title": l.product_name,
                "type": "text/html",
                "hreflang": ["vi"],
            }]),
        );
    }
    json!({ "linkset": [serde_json::Value::Object(set)] })
}

fn link_header(base: &str, l: &PublicLot) -> Option<HeaderValue> {
    let anchor = format!("{base}{}", l.path);
    let mut links = vec![
        format!("<{anchor}?linkType=linkset>; rel=\"linkset\"; type=\"{LINKSET}\""),
        format!("<{anchor}>; rel=\"{GS1}defaultLink\"; type=\"text/html\""),
        format!("<{anchor}>; rel=\"{GS1}traceability\"; type=\"text/html\""),
    ];
    if let Some(id) = ocop_page(l) {
        links.push(format!(
            "<{base}/ocop/products/{id}>; rel=\"{GS1}pip\"; type=\"text/html\""
        ));
    }
    HeaderValue::from_str(&links.join(", ")).ok()
}

/// `GET /01/…` and `GET /p/…`.
pub async fn resolve(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let lang = ctx.lang;
    let dl = match DigitalLink::parse(&format!("http://resolver{}", uri.path())) {
        Ok(dl) => dl,
        Err(e) => {
            return Ok(message_page(
                ctx,
                "trace-pub-bad-title",
                lang.t1("trace-pub-bad", e.to_string()),
                StatusCode::BAD_REQUEST,
            ));
        }
    };
    let Some(lot) = dl.lot.clone() else {
        return Ok(message_page(
            ctx,
            "trace-pub-not-found-title",
            lang.t("trace-pub-not-found"),
            StatusCode::NOT_FOUND,
        ));
    };
    let found = ntm_app::trace::public_lot(&st.app, &ctx.origin, &dl.product, &lot).await;
    let l = match found {
        Ok(l) => l,
        Err(AppError::NotFound(_)) => {
            return Ok(message_page(
                ctx,
                "trace-pub-not-found-title",
                lang.t("trace-pub-not-found"),
                StatusCode::NOT_FOUND,
            ));
        }
        Err(AppError::TooManyRequests { retry_after_secs }) => {
            let mut res = message_page(
                ctx,
                "trace-pub-title",
                lang.t_args(
                    "trace-pub-rate-limited",
                    &[("seconds", retry_after_secs.to_string().into())],
                ),
                StatusCode::TOO_MANY_REQUESTS,
            );
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return Ok(res);
        }
        Err(e) => return Err(e.into()),
    };
    let base = base_url(&st.cfg, &headers);
    let set = linkset(&base, &l);
    let redirect = requested_link_type(&q).and_then(|t| redirect_for(&set, &t));
    let mut res = if let Some(href) = redirect {
        let mut r = StatusCode::TEMPORARY_REDIRECT.into_response();
        if let Ok(v) = HeaderValue::from_str(&href) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        r
    } else if wants_linkset(&headers, &q) {
        let mut r = set.to_string().into_response();
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(LINKSET));
        r
    } else {
        render(&page(ctx, &l), StatusCode::OK)
    };
    if let Some(v) = link_header(&base, &l) {
        res.headers_mut().insert(header::LINK, v);
    }
    // A GS1-conformant resolver answers other sites' scripts (CORS); the answers are public.
    res.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    Ok(finish(res))
}

/// `GET /.well-known/gs1resolver`: the resolver's description (GS1 Digital Link 1.1 §7):
/// its root, the primary key it resolves (GTIN; the product codes of producers without a
/// GTIN live under `/p/`), the link-type vocabulary and that `linkType=linkset` is offered.
pub async fn resolver_description(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let base = base_url(&st.cfg, &headers);
    let body = json!({
        "name": "NTM Số — truy xuất nguồn gốc",
        "resolverRoot": base,
        "supportedPrimaryKeys": ["01"],
        "supportedLinkType": [{"namespace": GS1, "prefix": "gs1:"}],
        "linkTypeDefaultCanBeLinkset": true,
        "linkTypeDefaultCanBeAll": true,
        "supportedContextValuesEnumerated": [],
    });
    let mut res = body.to_string().into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    res
}
