//! Registering and editing an area: every field checked, the polygon checked for validity
//! and, where the commune has a stored boundary, for lying inside it; nothing is written
//! unless all of it passes.

use ntm_domain::area::{
    AreaCode, AreaShape, Containment, Hectares, SIMPLIFICATION_TOLERANCE_DEG, check_inside,
    geodesic_hectares, parse_shape,
};
use ntm_domain::authz::Permission;
use ntm_domain::units::{Level, Unit};
use ntm_store::{AreaRecord, OcopProducerRecord, StoreError};
use uuid::Uuid;

use super::access::{load, require_manage};
use super::both;
use crate::access::require_on_unit;
use crate::{Actor, App, AppError, FieldError, now};

/// What the area form (or the API) sends; kept as typed so a refused form shows it again.
#[derive(Debug, Clone, Default)]
pub struct AreaForm {
    /// The commune (ignored when editing: an area stays in its commune).
    pub unit_code: String,
    pub code: String,
    pub crop: String,
    /// Hectares as typed ("1,25").
    pub hectares: String,
    /// GeoJSON text (pasted, or the uploaded file's content).
    pub geojson: String,
    /// Owner producer records. For a producer account: empty means its own records.
    pub owners: Vec<Uuid>,
}

struct Checked {
    code: AreaCode,
    crop: String,
    hectares: Hectares,
    shape: AreaShape,
    boundary_checked: bool,
}

const MAX_CROP: usize = 200;

async fn check(app: &App, unit: &Unit, form: &AreaForm) -> Result<Checked, AppError> {
    let mut errors = Vec::new();
    let code = AreaCode::parse(&form.code)
        .map_err(|e| errors.push(FieldError::new("code", both(e.vi(), &e))))
        .ok();
    let crop = form.crop.trim().to_string();
    if crop.is_empty() || crop.chars().count() > MAX_CROP {
        errors.push(FieldError::new(
            "crop",
            both(
                format!("Nhập cây trồng hoặc vật nuôi (tối đa {MAX_CROP} ký tự)"),
                format!("enter the crop or species (at most {MAX_CROP} characters)"),
            ),
        ));
    }
    let hectares = Hectares::parse(&form.hectares)
        .map_err(|e| errors.push(FieldError::new("hectares", both(e.vi(), &e))))
        .ok();
    let shape = parse_shape(&form.geojson)
        .map_err(|e| errors.push(FieldError::new("geojson", both(e.vi(), &e))))
        .ok();
    let mut boundary_checked = false;
    if let Some(shape) = &shape
        && let Some(b) = app.db.unit_boundary(unit.id).await?
    {
        let outline = AreaShape::from_stored(&b.geojson)
            .map_err(|e| AppError::Internal(format!("stored boundary of {}: {e}", unit.code)))?;
        let bbox = ntm_domain::area::Bbox {
            min_lon: b.min_lon,
            min_lat: b.min_lat,
            max_lon: b.max_lon,
            max_lat: b.max_lat,
        };
        match check_inside(
            &shape.polygons,
            &outline.polygons,
            bbox,
            SIMPLIFICATION_TOLERANCE_DEG,
        ) {
            Containment::Inside => boundary_checked = true,
            Containment::Outside {
                lon,
                lat,
                distance_m,
                ..
            } => errors.push(FieldError::new(
                "geojson",
                both(
                    format!(
                        "Vùng nằm ngoài ranh giới {}: điểm ({lon:.6}, {lat:.6}) cách ranh giới khoảng {:.0} m (cho phép {:.0} m do ranh giới đã được làm đơn giản)",
                        unit.name,
                        distance_m,
                        SIMPLIFICATION_TOLERANCE_DEG * 111_320.0
                    ),
                    format!(
                        "the area lies outside the boundary of {}: point ({lon:.6}, {lat:.6}) is about {distance_m:.0} m outside (tolerance {:.0} m for the simplified boundary)",
                        unit.name,
                        SIMPLIFICATION_TOLERANCE_DEG * 111_320.0
                    ),
                ),
            )),
        }
    }
    match (code, hectares, shape) {
        (Some(code), Some(hectares), Some(shape)) if errors.is_empty() => Ok(Checked {
            code,
            crop,
            hectares,
            shape,
            boundary_checked,
        }),
        _ => Err(AppError::Validation(errors)),
    }
}

fn conflict_on_code(e: StoreError, code: &str) -> AppError {
    match e {
        StoreError::Conflict(m) => AppError::Validation(vec![FieldError::new(
            "code",
            both(
                format!("Mã số vùng “{code}” đã được đăng ký trong tỉnh này"),
                m,
            ),
        )]),
        StoreError::NotFound => {
            AppError::invalid("owners", "không có chủ thể này — no such producer")
        }
        other => other.into(),
    }
}

/// The owners a form names: officers may name any producer of units they manage; a producer
/// account only the records it owns (all of them when it names none).
async fn owners_for(
    app: &App,
    actor: &Actor,
    officer: bool,
    wanted: &[Uuid],
) -> Result<Vec<OcopProducerRecord>, AppError> {
    let mut out: Vec<OcopProducerRecord> = Vec::new();
    if !officer && wanted.is_empty() {
        if let Actor::User { id, .. } = actor {
            out = app.db.ocop_producers_owned(*id).await?;
        }
        if out.is_empty() {
            return Err(AppError::invalid(
                "owners",
                both(
                    "Tài khoản chưa có chủ thể sản xuất nào; hãy đăng ký chủ thể trước".into(),
                    "the account owns no producer record yet; register one first",
                ),
            ));
        }
        return Ok(out);
    }
    for id in wanted {
        if out.iter().any(|p| p.id == *id) {
            continue;
        }
        let p = app.db.ocop_producer(*id).await?.ok_or_else(|| {
            AppError::invalid(
                "owners",
                both("Không có chủ thể này".into(), "no such producer"),
            )
        })?;
        let allowed = if officer {
            let unit = crate::units::latest_record(app, &p.unit_code).await?;
            require_on_unit(app, actor, Permission::ManageOcop, &unit)
                .await
                .is_ok()
        } else {
            super::access::owns_any(actor, std::slice::from_ref(&p))
        };
        if !allowed {
            return Err(AppError::Forbidden(format!("producer {}", p.id)));
        }
        out.push(p);
    }
    Ok(out)
}

/// Registers an area on a commune.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %form.unit_code))]
pub async fn register_area(
    app: &App,
    actor: &Actor,
    form: AreaForm,
) -> Result<AreaRecord, AppError> {
    register(app, actor, form, false).await
}

/// `register_area`, with the sample flag of demo data.
pub(super) async fn register(
    app: &App,
    actor: &Actor,
    form: AreaForm,
    sample: bool,
) -> Result<AreaRecord, AppError> {
    let unit = crate::units::latest_record(app, form.unit_code.trim()).await?;
    let officer = match require_on_unit(app, actor, Permission::ManageOcop, &unit).await {
        Ok(()) => true,
        Err(refusal) => {
            if !matches!(actor, Actor::User { .. }) {
                return Err(refusal);
            }
            require_on_unit(app, actor, Permission::ManageOwnOcop, &unit).await?;
            false
        }
    };
    if unit.level != Level::Commune {
        return Err(AppError::invalid(
            "unit_code",
            both(
                format!("{} không phải cấp xã; vùng được đăng ký theo xã", unit.name),
                "areas are registered on a commune",
            ),
        ));
    }
    let owners = owners_for(app, actor, officer, &form.owners).await?;
    let c = check(app, &unit, &form).await?;
    let at = now();
    let bbox = c
        .shape
        .bbox()
        .ok_or_else(|| AppError::Internal("empty shape".into()))?;
    let rec = AreaRecord {
        id: Uuid::now_v7(),
        code: c.code.to_string(),
        unit_code: unit.code.clone(),
        unit_path: unit.path.clone(),
        province_code: unit.province_code.clone(),
        crop: c.crop,
        hectares_x100: c.hectares.hundredths(),
        computed_ha: geodesic_hectares(&c.shape.polygons),
        geojson: c.shape.to_geojson(),
        min_lon: bbox.min_lon,
        min_lat: bbox.min_lat,
        max_lon: bbox.max_lon,
        max_lat: bbox.max_lat,
        boundary_checked: c.boundary_checked,
        sample,
        created_at: at,
        created_by: actor.audit_name(),
        updated_at: at,
        updated_by: actor.audit_name(),
    };
    let owner_ids: Vec<Uuid> = owners.iter().map(|p| p.id).collect();
    let audit = actor.audit_entry(
        "area.register",
        &rec.id.to_string(),
        serde_json::json!({
            "unit": unit.code, "code": rec.code, "crop": rec.crop,
            "hectares_x100": rec.hectares_x100, "owners": owner_ids,
            "boundary_checked": rec.boundary_checked,
        }),
    );
    app.db
        .insert_area(&rec, &owner_ids, audit)
        .await
        .map_err(|e| conflict_on_code(e, &rec.code))
}

/// Edits an area's code, crop, hectares and polygon; officers may also change its owners.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), area = %area_id))]
pub async fn edit_area(
    app: &App,
    actor: &Actor,
    area_id: Uuid,
    form: AreaForm,
) -> Result<AreaRecord, AppError> {
    let (area, unit, current) = load(app, area_id).await?;
    require_manage(app, actor, &unit, &current).await?;
    let officer = require_on_unit(app, actor, Permission::ManageOcop, &unit)
        .await
        .is_ok();
    let owners = if officer {
        Some(owners_for(app, actor, true, &form.owners).await?)
    } else {
        None
    };
    let c = check(app, &unit, &form).await?;
    let bbox = c
        .shape
        .bbox()
        .ok_or_else(|| AppError::Internal("empty shape".into()))?;
    let rec = AreaRecord {
        code: c.code.to_string(),
        crop: c.crop,
        hectares_x100: c.hectares.hundredths(),
        computed_ha: geodesic_hectares(&c.shape.polygons),
        geojson: c.shape.to_geojson(),
        min_lon: bbox.min_lon,
        min_lat: bbox.min_lat,
        max_lon: bbox.max_lon,
        max_lat: bbox.max_lat,
        boundary_checked: c.boundary_checked,
        updated_at: now(),
        updated_by: actor.audit_name(),
        ..area.clone()
    };
    let owner_ids: Option<Vec<Uuid>> = owners.map(|o| o.iter().map(|p| p.id).collect());
    let audit = actor.audit_entry(
        "area.edit",
        &rec.id.to_string(),
        serde_json::json!({
            "code": {"from": area.code, "to": rec.code},
            "crop": rec.crop, "hectares_x100": rec.hectares_x100,
            "polygon_changed": area.geojson != rec.geojson,
            "owners": owner_ids,
        }),
    );
    app.db
        .update_area(&rec, owner_ids.as_deref(), audit)
        .await
        .map_err(|e| conflict_on_code(e, &rec.code))
}
