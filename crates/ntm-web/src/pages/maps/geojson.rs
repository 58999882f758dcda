//! `GET /maps/status.geojson`: the status map as a GeoJSON FeatureCollection
//! (`application/geo+json`, compressed by [`crate::compression`]).
//!
//! Each feature is a commune of the date's structure, `id` its code; its geometry is the map
//! copy of its boundary of that day, or a point at its parent's (or province's) label point
//! (`location: "parent_point"`, `location_of`), or `null` (`location: "none"`). Properties:
//! name, codes, `class` (the legend's colour), the set `status`, criteria met out of the
//! total, the provisional figures, the scorecard's `href`. The boundaries' sources and licence
//! notices are listed once, in the foreign member `ntm:sources`. The text is written
//! directly: the geometries are stored GeoJSON and are copied, not parsed.

use std::fmt::Write as _;

use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use ntm_app::maps::{Location, MapScope, MapUnit, StatusMap, status_map};
use serde::Serialize;
use serde_json::json;

use super::{MapParams, map_error};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::AppState;
use crate::urls::Urls;

#[derive(Serialize)]
struct Props<'a> {
    code: &'a str,
    name: &'a str,
    province_code: &'a str,
    parent_code: Option<&'a str>,
    class: &'static str,
    status: Option<&'static str>,
    criteria_met: Option<u16>,
    criteria_total: usize,
    criteria_no_known_shortfall: Option<u16>,
    no_known_shortfall: Option<bool>,
    location: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    location_of: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    boundary_from: Option<String>,
    href: String,
}

/// The whole map as GeoJSON text.
pub fn feature_collection(m: &StatusMap) -> String {
    let mut sources: Vec<(&str, &str)> = Vec::new();
    for u in &m.units {
        if let Location::Boundary {
            source, licence, ..
        } = &u.location
            && !sources.contains(&(source.as_str(), licence.as_str()))
        {
            sources.push((source, licence));
        }
    }
    let scope = match &m.scope {
        MapScope::Country => json!(null),
        MapScope::Unit { code, name, level } => {
            json!({"code": code, "name": name, "level": level.as_str()})
        }
    };
    let head = json!({
        "set": m.set.id,
        "year": m.year,
        "date": m.date.to_string(),
        "evaluated_on": m.evaluated_on.to_string(),
        "scope": scope,
        "sources": sources.iter().map(|(s, l)| json!({"source": s, "licence": l})).collect::<Vec<_>>(),
    });
    let mut out = String::with_capacity(256 + m.units.len() * 1200);
    out.push_str(r#"{"type":"FeatureCollection","#);
    for (k, v) in head.as_object().into_iter().flatten() {
        let _ = write!(out, "\"ntm:{k}\":{v},");
    }
    out.push_str(r#""features":["#);
    for (i, u) in m.units.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        feature(&mut out, m, u);
    }
    out.push_str("]}");
    out
}

fn feature(out: &mut String, m: &StatusMap, u: &MapUnit) {
    let (location, location_of, boundary_from) = match &u.location {
        Location::Boundary { valid_from, .. } => ("boundary", None, Some(valid_from.to_string())),
        Location::ParentPoint { of, .. } => ("parent_point", Some(of.as_str()), None),
        Location::Unknown | Location::NotRead => ("none", None, None),
    };
    let r = u.result.as_ref();
    let props = Props {
        code: &u.code,
        name: &u.name,
        province_code: &u.province_code,
        parent_code: u.parent_code.as_deref(),
        class: u.class.as_str(),
        status: r.map(|r| r.status.as_str()),
        criteria_met: r.map(|r| r.criteria_met),
        criteria_total: m.criteria_total,
        criteria_no_known_shortfall: r.map(|r| r.criteria_no_known_shortfall),
        no_known_shortfall: r.map(|r| r.no_known_shortfall),
        location,
        location_of,
        boundary_from,
        href: Urls::scorecard(&u.code, &m.set.id, m.year),
    };
    out.push_str(r#"{"type":"Feature","id":"#);
    let _ = write!(out, "{}", json!(u.code));
    out.push_str(r#","geometry":"#);
    match &u.location {
        Location::Boundary { geometry, .. } => out.push_str(geometry),
        Location::ParentPoint { lon, lat, .. } => {
            let _ = write!(
                out,
                r#"{{"type":"Point","coordinates":[{lon:.4},{lat:.4}]}}"#
            );
        }
        Location::Unknown | Location::NotRead => out.push_str("null"),
    }
    out.push_str(r#","properties":"#);
    out.push_str(&serde_json::to_string(&props).unwrap_or_else(|_| "{}".into()));
    out.push('}');
}

/// `GET /maps/status.geojson?unit=&set=&year=&date=`
pub async fn status_geojson(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<MapParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let q = p.query(true)?;
    let m = status_map(&st.app, &ctx.actor(), &q)
        .await
        .map_err(|e| map_error(e, &p))?;
    let mut res = feature_collection(&m).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/geo+json"),
    );
    Ok(res)
}
