//! `/api/v1/units…`: units on a date, search, and adding hamlets.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Json;
use ntm_app::units::NewHamlet;
use ntm_domain::units::{Lineage, Unit};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};

use super::created;
use crate::ctx::Ctx;
use crate::error::{Problem, WebError};
use crate::request::parse_date_param;
use crate::state::AppState;

/// One version of an administrative unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDto {
    /// Id of this version (codes are reused over time; versions are not).
    pub id: String,
    /// Official GSO/NSO code, e.g. `84` (province), `844` (district), `29266` (commune).
    #[schema(example = "84")]
    pub code: String,
    #[schema(example = "Tỉnh Trà Vinh")]
    pub name: String,
    /// Tỉnh, Thành phố trực thuộc trung ương, Huyện, Quận, Xã, Phường, Ấp, Thôn…
    #[schema(example = "Tỉnh")]
    pub kind: String,
    /// province, district, commune or hamlet.
    #[schema(example = "province")]
    pub level: String,
    pub parent_code: Option<String>,
    /// Materialized path of codes, e.g. `/84/844/29266/`.
    pub path: String,
    pub province_code: String,
    /// Socio-economic region code (TDMNPB, DBSH, BTB, DHNTB, TN, DNB, DBSCL).
    pub region: Option<String>,
    /// Vietnamese name of the region.
    pub region_name: Option<String>,
    /// Whether the province → region assignment is confirmed by a cited source. Today it
    /// is not (statistics-office regions, recalled): regional thresholds resting on it
    /// stay to be verified.
    pub region_confirmed: bool,
    /// First day of validity (absent: unknown).
    #[schema(format = Date, example = "2025-07-01")]
    pub valid_from: Option<String>,
    /// First day it is no longer valid (absent: still valid).
    #[schema(format = Date)]
    pub valid_to: Option<String>,
}

impl From<&Unit> for UnitDto {
    fn from(u: &Unit) -> UnitDto {
        UnitDto {
            id: u.id.to_string(),
            code: u.code.clone(),
            name: u.name.clone(),
            kind: u.kind.clone(),
            level: u.level.as_str().to_string(),
            parent_code: u.parent_code.clone(),
            path: u.path.clone(),
            province_code: u.province_code.clone(),
            region: u.region.map(|r| r.code().to_string()),
            region_name: u.region.map(|r| r.name_vi().to_string()),
            region_confirmed: false,
            valid_from: u.valid_from.map(|d| d.to_string()),
            valid_to: u.valid_to.map(|d| d.to_string()),
        }
    }
}

/// A lineage link to another unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct LineageDto {
    /// merge (nhập toàn bộ), split (nhập một phần), rename (đổi tên), unchanged (giữ nguyên),
    /// reorganize (tổ chức lại).
    #[schema(example = "merge")]
    pub kind: String,
    /// Day the change took effect.
    #[schema(format = Date, example = "2025-07-01")]
    pub effective: String,
    pub note: String,
    /// The other unit (the predecessor or the successor).
    pub unit: UnitDto,
}

impl LineageDto {
    fn new(l: &Lineage, u: &Unit) -> LineageDto {
        LineageDto {
            kind: l.kind.as_str().to_string(),
            effective: l.effective.to_string(),
            note: l.note.clone(),
            unit: UnitDto::from(u),
        }
    }
}

/// A unit as seen on a date, with its neighbourhood.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitDetailDto {
    /// The date the structure is shown for.
    #[schema(format = Date)]
    pub date: String,
    pub unit: UnitDto,
    /// Parent chain, from the province down to the direct parent.
    pub ancestors: Vec<UnitDto>,
    pub children: Vec<UnitDto>,
    /// Units this one was formed from.
    pub predecessors: Vec<LineageDto>,
    /// Units this one became.
    pub successors: Vec<LineageDto>,
    /// Every stored version of this code, oldest first.
    pub versions: Vec<UnitDto>,
}

/// A list of units.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitListDto {
    /// The date asked for (absent when a search spans every date).
    #[schema(format = Date)]
    pub date: Option<String>,
    /// The search text, when searching.
    pub q: Option<String>,
    pub units: Vec<UnitDto>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DateParams {
    /// Date to show the structure for (YYYY-MM-DD); default: today.
    #[param(example = "2024-01-01")]
    pub date: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Name (with or without diacritics: "cang long" finds "Huyện Càng Long") or code.
    /// Without it: the provinces valid on the date.
    pub q: Option<String>,
    /// Date (YYYY-MM-DD); default: today.
    pub date: Option<String>,
    /// Most results to return (1–200, default 50).
    pub limit: Option<i64>,
}

/// One unit on a date: the unit, its parent chain, children, lineage and versions.
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}",
    tag = "units",
    summary = "One unit on a date",
    params(("code" = String, Path, description = "Official unit code, e.g. 84"), DateParams),
    responses(
        (status = 200, description = "The unit", body = UnitDetailDto),
        (status = 404, description = "No unit with this code on that date", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad date", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_unit(
    State(st): State<AppState>,
    Path(code): Path<String>,
    Query(p): Query<DateParams>,
) -> Result<Json<UnitDetailDto>, WebError> {
    let date = parse_date_param(p.date.as_deref())?;
    let v = ntm_app::units::get_unit(&st.app, &code, date).await?;
    Ok(Json(UnitDetailDto {
        date: v.date.to_string(),
        unit: UnitDto::from(&v.unit),
        ancestors: v.ancestors.iter().map(UnitDto::from).collect(),
        children: v.children.iter().map(UnitDto::from).collect(),
        predecessors: v
            .predecessors
            .iter()
            .map(|(l, u)| LineageDto::new(l, u))
            .collect(),
        successors: v
            .successors
            .iter()
            .map(|(l, u)| LineageDto::new(l, u))
            .collect(),
        versions: v.versions.iter().map(UnitDto::from).collect(),
    }))
}

/// Searches units by name or code; without `q`, lists the provinces valid on the date.
#[utoipa::path(
    get,
    path = "/api/v1/units",
    tag = "units",
    summary = "Search units, or list provinces",
    params(ListParams),
    responses(
        (status = 200, description = "Matching units", body = UnitListDto),
        (status = 422, description = "Bad date or search text", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_units(
    State(st): State<AppState>,
    Query(p): Query<ListParams>,
) -> Result<Json<UnitListDto>, WebError> {
    let date = parse_date_param(p.date.as_deref())?;
    let q = p.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let limit = p.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(WebError::invalid(
            "limit",
            "limit must be between 1 and 200",
        ));
    }
    let units = match q {
        Some(q) => ntm_app::units::search(&st.app, q, date, limit).await?,
        None => {
            let mut all = ntm_app::units::provinces(&st.app, date).await?;
            all.truncate(limit as usize);
            all
        }
    };
    let shown_date: Option<Date> = if q.is_some() {
        date
    } else {
        Some(date.unwrap_or_else(ntm_app::today))
    };
    Ok(Json(UnitListDto {
        date: shown_date.map(|d| d.to_string()),
        q: q.map(str::to_string),
        units: units.iter().map(UnitDto::from).collect(),
    }))
}

/// A hamlet to add under a commune.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewHamletDto {
    #[schema(example = "Ấp Mỹ Thuận")]
    pub name: String,
    /// Ấp, Thôn, Xóm, Bản, Buôn, Khóm, Tổ dân phố…
    #[schema(example = "Ấp")]
    pub kind: String,
    /// Leave out to number it automatically (`<commune code>-NN`).
    pub code: Option<String>,
}

/// Result of adding hamlets.
#[derive(Debug, Serialize, ToSchema)]
pub struct HamletsAddedDto {
    pub added: Vec<UnitDto>,
    /// Rows identical to a hamlet already stored.
    pub unchanged: usize,
}

/// Adds a hamlet under a commune valid today (needs the edit-hamlets permission on it).
#[utoipa::path(
    post,
    path = "/api/v1/units/{code}/hamlets",
    tag = "units",
    summary = "Add a hamlet to a commune",
    params(
        ("code" = String, Path, description = "Code of the commune"),
        ("X-CSRF-Token" = String, Header, description = "Value of the ntm_csrf cookie"),
    ),
    request_body = NewHamletDto,
    responses(
        (status = 201, description = "Added (or already there: see `unchanged`)", body = HamletsAddedDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed on this commune, or bad CSRF token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such unit", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid input", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn add_hamlet(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Json(body): Json<NewHamletDto>,
) -> Result<(StatusCode, Json<HamletsAddedDto>), WebError> {
    ctx.require_user()?;
    // The commune must exist today (404 otherwise); the app layer checks the permission.
    ntm_app::units::get_unit(&st.app, &code, None).await?;
    let mut errors = Vec::new();
    if body.name.trim().is_empty() {
        errors.push(ntm_app::FieldError::new("name", "the name is empty"));
    }
    if body.kind.trim().is_empty() {
        errors.push(ntm_app::FieldError::new(
            "kind",
            "the kind is empty (Ấp, Thôn, Xóm, Bản, Buôn, Khóm, Tổ dân phố…)",
        ));
    }
    if !errors.is_empty() {
        return Err(ntm_app::AppError::Validation(errors).into());
    }
    let row = NewHamlet {
        line: 0,
        commune_code: code,
        code: body
            .code
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty()),
        name: body.name.trim().to_string(),
        kind: body.kind.trim().to_string(),
    };
    let r = ntm_app::units::add_hamlets(&st.app, &ctx.actor(), vec![row]).await?;
    Ok(created(HamletsAddedDto {
        added: r.added.iter().map(UnitDto::from).collect(),
        unchanged: r.unchanged,
    }))
}
