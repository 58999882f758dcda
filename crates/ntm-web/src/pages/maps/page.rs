//! `GET /maps`: the status map page. The form, the legend and the table are the page without
//! JavaScript (and its accessible view); `assets/maps.js` draws the Leaflet map from
//! `/maps/status.geojson` and the OGC collections' items when scripts run.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use ntm_app::maps::{MapClass, MapScope, StatusMap, status_map};
use ntm_app::ogc::CollectionId;
use uuid::Uuid;

use super::{MapParams, map_error};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::urls::{MapChoice, Urls};
use crate::view::render;

pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct LegendRow {
    pub class: &'static str,
    pub label: String,
    pub count: String,
}

pub struct Row {
    pub code: String,
    pub name: String,
    pub href: String,
    pub class: &'static str,
    pub status: String,
    pub criteria: String,
    /// Criteria with no known shortfall, when more than those met ("tạm tính").
    pub provisional: Option<String>,
}

#[derive(Template)]
#[template(path = "maps.html")]
pub struct MapPage {
    pub ctx: Ctx,
    pub scope_name: String,
    pub set_title: String,
    pub year: i32,
    pub date_value: String,
    pub date_text: String,
    pub evaluated_text: String,
    pub structure_differs: bool,
    pub scopes: Vec<Opt>,
    pub sets: Vec<Opt>,
    pub years: Vec<Opt>,
    pub legend: Vec<LegendRow>,
    pub rows: Vec<Row>,
    pub geojson: String,
    pub ocop_items: String,
    pub area_items: String,
    pub feedback_items: String,
    pub feedback_page: String,
    pub ocop_page: String,
    pub area_page: String,
    /// The `tourism-points` collection's items and a point's narration page (`ID`).
    pub tourism_items: String,
    pub tourism_page: String,
    pub tiles_url: String,
    pub tiles_attribution: String,
    pub labels_json: String,
}

/// The CSS class of a legend colour.
pub fn class_css(c: MapClass) -> &'static str {
    match c {
        MapClass::Met => "mc-met",
        MapClass::NoKnownShortfall => "mc-nks",
        MapClass::NotMet => "mc-not-met",
        MapClass::NeedsVerification => "mc-verify",
        MapClass::Missing => "mc-missing",
        MapClass::NotApplicable => "mc-na",
        MapClass::NotEvaluated => "mc-none",
    }
}

fn class_label(lang: Lang, c: MapClass) -> String {
    lang.t(&format!("maps-class-{}", c.as_str().replace('_', "-")))
}

/// `asked_date`: the date typed (the form's field keeps it; empty, a new year takes its own
/// evaluation day).
fn build(ctx: Ctx, m: StatusMap, asked_date: Option<time::Date>, st: &AppState) -> MapPage {
    let lang = ctx.lang;
    let scope_code = match &m.scope {
        MapScope::Country => None,
        MapScope::Unit { code, .. } => Some(code.as_str()),
    };
    let scope_name = match &m.scope {
        MapScope::Country => lang.t("maps-country"),
        MapScope::Unit { name, .. } => name.clone(),
    };
    let choice = MapChoice {
        unit: scope_code,
        set: Some(&m.set.id),
        year: Some(m.year),
        date: Some(m.date),
    };
    let scopes = m
        .scopes
        .iter()
        .map(|s| Opt {
            value: s.code.clone().unwrap_or_default(),
            label: match &s.code {
                None => lang.t("maps-country"),
                Some(c) => format!("{} ({c})", s.name),
            },
            selected: s.code.as_deref() == scope_code,
        })
        .collect();
    let sets = m
        .sets
        .iter()
        .map(|s| Opt {
            value: s.id.clone(),
            label: lang.pick(&s.title_vi, s.title_en.as_deref()).to_string(),
            selected: s.id == m.set.id,
        })
        .collect();
    let years = m
        .years
        .iter()
        .rev()
        .map(|y| Opt {
            value: y.to_string(),
            label: y.to_string(),
            selected: *y == m.year,
        })
        .collect();
    let legend = m
        .counts
        .iter()
        .map(|(c, n)| LegendRow {
            class: class_css(*c),
            label: class_label(lang, *c),
            count: lang.int(*n as i64),
        })
        .collect();
    let total = lang.int(m.criteria_total as i64);
    let rows = m
        .units
        .iter()
        .map(|u| Row {
            code: u.code.clone(),
            name: u.name.clone(),
            href: Urls::scorecard(&u.code, &m.set.id, m.year),
            class: class_css(u.class),
            status: class_label(lang, u.class),
            criteria: u.result.as_ref().map_or_else(
                || "—".to_string(),
                |r| format!("{}/{total}", lang.int(i64::from(r.criteria_met))),
            ),
            provisional: u
                .result
                .as_ref()
                .filter(|r| r.criteria_no_known_shortfall > r.criteria_met)
                .map(|r| lang.int(i64::from(r.criteria_no_known_shortfall))),
        })
        .collect();
    let labels: serde_json::Map<String, serde_json::Value> = MapClass::ALL
        .iter()
        .map(|c| (c.as_str().to_string(), class_label(lang, *c).into()))
        .collect();
    let items = |c: CollectionId| format!("/ogc/collections/{}/items", c.info().id);
    MapPage {
        scope_name,
        set_title: lang
            .pick(&m.set.title_vi, m.set.title_en.as_deref())
            .to_string(),
        year: m.year,
        date_value: asked_date.map(|d| d.to_string()).unwrap_or_default(),
        date_text: lang.date(m.date),
        evaluated_text: lang.date(m.evaluated_on),
        structure_differs: m.date != m.evaluated_on,
        scopes,
        sets,
        years,
        legend,
        rows,
        geojson: Urls::maps_status_geojson(&choice),
        ocop_items: items(CollectionId::OcopProducts),
        area_items: items(CollectionId::Areas),
        feedback_items: items(CollectionId::FeedbackReports),
        feedback_page: Urls::feedback_track("CODE"),
        ocop_page: Urls::ocop_product("ID"),
        area_page: Urls::area(Uuid::nil()),
        tourism_items: items(CollectionId::TourismPoints),
        tourism_page: Urls::tourism_point(Uuid::nil()),
        tiles_url: st.cfg.map_tiles_url.clone().unwrap_or_default(),
        tiles_attribution: st.cfg.map_tiles_attribution.clone().unwrap_or_default(),
        labels_json: serde_json::Value::Object(labels).to_string(),
        ctx,
    }
}

/// The page's Content-Security-Policy: the site's, with the tile server's host allowed for
/// images when a base layer is configured.
fn csp(tiles: Option<&str>) -> Option<HeaderValue> {
    let url = tiles?;
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split('/').next()?.replace("{s}", "*");
    if host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '*'))
    {
        return None;
    }
    HeaderValue::from_str(&format!(
        "{}; img-src 'self' {scheme}://{host}",
        crate::router::CSP
    ))
    .ok()
}

/// `GET /maps?unit=&set=&year=&date=`
pub async fn maps_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<MapParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let q = p.query(false)?;
    let m = status_map(&st.app, &ctx.actor(), &q)
        .await
        .map_err(|e| map_error(e, &p))?;
    let page = build(ctx, m, q.date, &st);
    let mut res = render(&page, StatusCode::OK);
    if let Some(v) = csp(st.cfg.map_tiles_url.as_deref()) {
        res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::csp;

    #[test]
    fn tiles_host_is_allowed_for_images_only_when_configured() {
        assert!(csp(None).is_none());
        let v = csp(Some("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"));
        let v = v.map(|v| v.to_str().unwrap_or_default().to_string());
        assert!(
            v.as_deref()
                .is_some_and(|v| v.ends_with("; img-src 'self' https://*.tile.openstreetmap.org")),
            "{v:?}"
        );
        assert!(csp(Some("https://evil.example'; script-src *")).is_none());
        assert!(csp(Some("not a url")).is_none());
    }
}
