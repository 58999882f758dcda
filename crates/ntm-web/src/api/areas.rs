//! Raw-material areas: a unit's list, one area as a GeoJSON Feature, registration.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Json;
use ntm_app::areas::AreaForm;
use ntm_app::areas::AreaRecord;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::created;
use crate::ctx::Ctx;
use crate::error::{Problem, WebError};
use crate::request::parse_id;
use crate::state::AppState;

/// An area in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaDto {
    pub id: String,
    /// Area code (national format not confirmed: bounded, safe characters).
    pub code: String,
    pub crop: String,
    /// Commune code.
    pub unit_code: String,
    /// Declared size, hectares (two decimals).
    pub hectares: f64,
    /// Geodesic size of the polygon, hectares.
    pub computed_hectares: f64,
    /// [min_lon, min_lat, max_lon, max_lat], WGS84.
    pub bbox: Vec<f64>,
    /// Checked to lie inside the commune's stored boundary.
    pub boundary_checked: bool,
    /// Sample data (demo).
    pub sample: bool,
}

impl From<&AreaRecord> for AreaDto {
    fn from(a: &AreaRecord) -> AreaDto {
        AreaDto {
            id: a.id.to_string(),
            code: a.code.clone(),
            crop: a.crop.clone(),
            unit_code: a.unit_code.clone(),
            hectares: a.hectares_x100 as f64 / 100.0,
            computed_hectares: (a.computed_ha * 100.0).round() / 100.0,
            bbox: vec![a.min_lon, a.min_lat, a.max_lon, a.max_lat],
            boundary_checked: a.boundary_checked,
            sample: a.sample,
        }
    }
}

/// A unit's areas (its subtree, and its predecessors' for a successor's officer).
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/areas",
    tag = "areas",
    summary = "A unit's raw-material areas",
    params(("code" = String, Path, description = "Unit code")),
    responses(
        (status = 200, description = "The areas, by code", body = Vec<AreaDto>),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The unit is outside the user's scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No unit with this code", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn unit_areas(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Json<Vec<AreaDto>>, WebError> {
    ctx.require_user()?;
    let v = ntm_app::areas::unit_areas(&st.app, &ctx.actor(), &code).await?;
    Ok(Json(
        v.areas.iter().map(|r| AreaDto::from(&r.area)).collect(),
    ))
}

/// One area as a GeoJSON Feature: the polygon as stored, the facts as properties.
#[utoipa::path(
    get,
    path = "/api/v1/areas/{id}",
    tag = "areas",
    summary = "One raw-material area (GeoJSON Feature)",
    params(("id" = String, Path, description = "Area id")),
    responses(
        (status = 200, description = "A GeoJSON Feature (RFC 7946)", body = serde_json::Value, content_type = "application/geo+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither an officer of the unit nor an owner", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such area", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_area(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<axum::response::Response, WebError> {
    use axum::response::IntoResponse;
    ctx.require_user()?;
    let id = parse_id(&id, "area")?;
    let d = ntm_app::areas::area_detail(&st.app, &ctx.actor(), id).await?;
    let geometry = d
        .shape
        .as_ref()
        .map(|s| s.geometry_value())
        .unwrap_or(serde_json::Value::Null);
    let certifications: Vec<serde_json::Value> = d
        .certifications
        .iter()
        .map(|c| {
            serde_json::json!({
                "kind": c.certification.kind,
                "scheme": c.certification.scheme,
                "certificate_no": c.certification.certificate_no,
                "issuer": c.certification.issuer,
                "valid_from": c.certification.valid_from.to_string(),
                "valid_until": c.certification.valid_until.to_string(),
                "status": c.status.as_str(),
            })
        })
        .collect();
    let seasons: Vec<serde_json::Value> = d
        .seasons
        .iter()
        .map(|s| {
            serde_json::json!({
                "name": s.name, "crop": s.crop,
                "starts_on": s.starts_on.to_string(),
                "ends_on": s.ends_on.map(|e| e.to_string()),
            })
        })
        .collect();
    let dto = AreaDto::from(&d.area);
    let feature = serde_json::json!({
        "type": "Feature",
        "id": dto.id,
        "bbox": dto.bbox,
        "geometry": geometry,
        "properties": {
            "code": dto.code,
            "crop": dto.crop,
            "unit_code": dto.unit_code,
            "hectares": dto.hectares,
            "computed_hectares": dto.computed_hectares,
            "boundary_checked": dto.boundary_checked,
            "sample": dto.sample,
            "producers": d.owners.iter().map(|p| serde_json::json!({"id": p.id, "name": p.name})).collect::<Vec<_>>(),
            "certifications": certifications,
            "seasons": seasons,
        }
    });
    let mut res = Json(feature).into_response();
    res.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/geo+json"),
    );
    Ok(res)
}

/// A new area.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewAreaDto {
    /// Commune code.
    pub unit_code: String,
    pub code: String,
    pub crop: String,
    /// Hectares as text ("1.25" or "1,25"): at most two decimals.
    pub hectares: String,
    /// A GeoJSON Polygon or MultiPolygon geometry (or a Feature holding one), WGS84.
    #[schema(value_type = Object)]
    pub geometry: serde_json::Value,
    /// Owner producer ids (a producer account: empty = its own records).
    #[serde(default)]
    pub producers: Vec<String>,
}

#[utoipa::path(
    post,
    path = "/api/v1/areas",
    tag = "areas",
    summary = "Register a raw-material area",
    params(("X-CSRF-Token" = Option<String>, Header, description = "Value of the ntm_csrf cookie (session clients)")),
    request_body = NewAreaDto,
    responses(
        (status = 201, description = "The area", body = AreaDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Neither an officer of the commune nor the producer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No unit with this code", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is not valid: bad code or size, a polygon that crosses itself or lies outside the commune (each problem named)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_area(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(body): Json<NewAreaDto>,
) -> Result<(StatusCode, Json<AreaDto>), WebError> {
    ctx.require_user()?;
    let mut owners = Vec::with_capacity(body.producers.len());
    for p in &body.producers {
        owners.push(parse_id(p, "producer")?);
    }
    let form = AreaForm {
        unit_code: body.unit_code,
        code: body.code,
        crop: body.crop,
        hectares: body.hectares,
        geojson: body.geometry.to_string(),
        owners,
    };
    let a = ntm_app::areas::register_area(&st.app, &ctx.actor(), form).await?;
    Ok(created(AreaDto::from(&a)))
}
