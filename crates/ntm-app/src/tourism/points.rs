//! Points written by the commune's tourism editors (`EditTourism` on the commune): a new
//! point is a draft; the editor saves it on the version it was opened at and publishes or
//! takes it back. Every problem (texts, position, photos, audio, products) is reported at
//! once and nothing is written; every write is audited in its transaction.

use ntm_domain::area::{AreaShape, Bbox};
use ntm_domain::tourism::{
    CheckedPoint, PointInput, PointKind, Status, check_point, inside_boundary,
};
use ntm_domain::units::Unit;
use ntm_store::{
    TourismAudioRecord, TourismPhotoRecord, TourismPointFilter, TourismPointRecord,
    TourismPointWrite, TourismTourRecord,
};
use uuid::Uuid;

use super::files::{self, Checked, Upload};
use super::{field, field_of, require_edit};
use crate::{Actor, App, AppError, FieldError, now};

/// What the point's form sends.
#[derive(Debug, Clone, Default)]
pub struct PointForm {
    pub input: PointInput,
    pub photos: Vec<Upload>,
    pub audio_vi: Option<Upload>,
    pub audio_en: Option<Upload>,
    /// Ids of the commune's rated OCOP products sold at the point.
    pub products: Vec<String>,
}

/// A rated OCOP product of the commune, offered on the form.
#[derive(Debug, Clone)]
pub struct ProductChoice {
    pub id: Uuid,
    pub name: String,
    pub stars: Option<i32>,
}

/// The editors' page of a commune: its points and tours (drafts included).
#[derive(Debug, Clone)]
pub struct OfficerTourism {
    pub unit: Unit,
    pub points: Vec<TourismPointRecord>,
    pub tours: Vec<TourismTourRecord>,
    pub products: Vec<ProductChoice>,
    /// Whether a boundary is stored for the commune (positions are then checked inside it).
    pub has_boundary: bool,
}

#[derive(Debug, Clone)]
pub struct PointEditor {
    pub unit: Unit,
    pub point: TourismPointRecord,
    pub photos: Vec<TourismPhotoRecord>,
    pub audio: Vec<TourismAudioRecord>,
    pub products: Vec<Uuid>,
    pub choices: Vec<ProductChoice>,
}

struct Ready {
    point: CheckedPoint,
    boundary_checked: bool,
    photos: Vec<Checked>,
    audio: Vec<(&'static str, Checked)>,
    products: Vec<Uuid>,
}

async fn product_choices(app: &App, unit: &Unit) -> Result<Vec<ProductChoice>, AppError> {
    let mut out: Vec<ProductChoice> = app
        .db
        .ocop_products_under(&unit.path)
        .await?
        .into_iter()
        .filter(|p| p.stars.is_some())
        .map(|p| ProductChoice {
            id: p.id,
            name: p.name,
            stars: p.stars,
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Every check of the form, every problem at once; nothing is read from disk or written.
async fn check_all(
    app: &App,
    unit: &Unit,
    form: PointForm,
    photos_already: usize,
) -> Result<Ready, AppError> {
    let mut errors: Vec<FieldError> = Vec::new();
    let point = match check_point(&form.input) {
        Ok(p) => Some(p),
        Err(ps) => {
            errors.extend(ps.into_iter().map(field_of));
            None
        }
    };
    let mut boundary_checked = false;
    if let Some(p) = &point
        && let Some(b) = app.db.unit_boundary(unit.id).await?
    {
        let outline = AreaShape::from_stored(&b.geojson)
            .map_err(|e| AppError::Internal(format!("stored boundary of {}: {e}", unit.code)))?;
        let bbox = Bbox {
            min_lon: b.min_lon,
            min_lat: b.min_lat,
            max_lon: b.max_lon,
            max_lat: b.max_lat,
        };
        match inside_boundary(p.lon, p.lat, &unit.name, &outline.polygons, bbox) {
            Ok(()) => boundary_checked = true,
            Err(e) => errors.push(field_of(e)),
        }
    }
    let photos = files::check_photos(form.photos, photos_already)
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    let mut audio = Vec::new();
    for (lang, name, upload) in [
        ("vi", "audio_vi", form.audio_vi),
        ("en", "audio_en", form.audio_en),
    ] {
        match files::check_audio(name, upload) {
            Ok(Some(c)) => audio.push((lang, c)),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    let mut products = Vec::new();
    let wanted: Vec<&str> = form
        .products
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if !wanted.is_empty() {
        let kind_ok = point.as_ref().is_none_or(|p| p.kind.sells_ocop());
        if !kind_ok {
            errors.push(field(
                "products",
                "Chỉ điểm bán sản phẩm OCOP hoặc làng nghề mới gắn sản phẩm OCOP",
                "only an OCOP sales point or a craft village lists OCOP products",
            ));
        }
        let choices = product_choices(app, unit).await?;
        for w in wanted {
            match Uuid::parse_str(w)
                .ok()
                .filter(|id| choices.iter().any(|c| c.id == *id))
            {
                Some(id) if !products.contains(&id) => products.push(id),
                Some(_) => {}
                None => errors.push(field(
                    "products",
                    format!("“{w}” không phải sản phẩm OCOP đã xếp hạng của xã"),
                    format!("“{w}” is not a rated OCOP product of the commune"),
                )),
            }
        }
    }
    match point {
        Some(point) if errors.is_empty() => Ok(Ready {
            point,
            boundary_checked,
            photos,
            audio,
            products,
        }),
        _ => Err(AppError::Validation(errors)),
    }
}

fn audit_detail(unit: &Unit, r: &Ready) -> serde_json::Value {
    serde_json::json!({
        "unit": unit.code,
        "kind": r.point.kind.code(),
        "name": r.point.name,
        "lon": r.point.lon,
        "lat": r.point.lat,
        "boundary_checked": r.boundary_checked,
        "photos": r.photos.iter().map(|p| &p.sha256).collect::<Vec<_>>(),
        "audio": r.audio.iter().map(|(l, a)| serde_json::json!({"lang": l, "sha256": a.sha256})).collect::<Vec<_>>(),
        "products": r.products,
    })
}

/// A new draft point of the commune (`sample` only for `ntm demo`).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code))]
pub async fn new_point(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    form: PointForm,
) -> Result<TourismPointRecord, AppError> {
    create(app, actor, unit_code, form, false).await
}

pub(crate) async fn create(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    form: PointForm,
    sample: bool,
) -> Result<TourismPointRecord, AppError> {
    let unit = require_edit(app, actor, unit_code).await?;
    let ready = check_all(app, &unit, form, 0).await?;
    let id = Uuid::now_v7();
    let detail = audit_detail(&unit, &ready);
    let photos = files::store_photos(app, id, ready.photos).await?;
    let audio = files::store_audio(app, id, ready.audio).await?;
    let at = now();
    let p = ready.point;
    let rec = TourismPointRecord {
        id,
        unit_code: unit.code.clone(),
        unit_path: unit.path.clone(),
        province_code: unit.province_code.clone(),
        kind: p.kind.code().into(),
        name: p.name,
        lon: p.lon,
        lat: p.lat,
        boundary_checked: ready.boundary_checked,
        address: p.address,
        opening: p.opening,
        contact: p.contact,
        narration_vi: p.narration_vi,
        narration_en: p.narration_en,
        status: Status::Draft.as_str().into(),
        sample,
        published_at: None,
        author: actor.audit_name(),
        created_at: at,
        updated_at: at,
        version: 1,
    };
    let audit = actor.audit_entry("tourism.point.create", &id.to_string(), detail);
    app.db
        .insert_tourism_point(
            &rec,
            &TourismPointWrite {
                photos: &photos,
                audio: &audio,
                products: Some(&ready.products),
            },
            audit,
        )
        .await?;
    Ok(rec)
}

async fn load(app: &App, actor: &Actor, id: Uuid) -> Result<(Unit, TourismPointRecord), AppError> {
    super::require_some_edit(actor)?;
    let point = app
        .db
        .tourism_point(id)
        .await?
        .ok_or_else(|| AppError::NotFound("tourism point".into()))?;
    let unit = require_edit(app, actor, &point.unit_code).await?;
    Ok((unit, point))
}

/// The point with its files and products, for its editor.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), point = %id))]
pub async fn point_editor(app: &App, actor: &Actor, id: Uuid) -> Result<PointEditor, AppError> {
    let (unit, point) = load(app, actor, id).await?;
    Ok(PointEditor {
        photos: app.db.tourism_point_photos(id).await?,
        audio: app.db.tourism_point_audio(id).await?,
        products: app.db.tourism_point_products(id).await?,
        choices: product_choices(app, &unit).await?,
        unit,
        point,
    })
}

/// Saves the point's fields, new photos, new audio (replacing that language's) and products,
/// if it is still at `expected_version`.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), point = %id))]
pub async fn update_point(
    app: &App,
    actor: &Actor,
    id: Uuid,
    expected_version: i64,
    form: PointForm,
) -> Result<TourismPointRecord, AppError> {
    let (unit, point) = load(app, actor, id).await?;
    let already = app.db.tourism_point_photos(id).await?.len();
    let ready = check_all(app, &unit, form, already).await?;
    let detail = audit_detail(&unit, &ready);
    let photos = files::store_photos(app, id, ready.photos).await?;
    let audio = files::store_audio(app, id, ready.audio).await?;
    let p = ready.point;
    let next = TourismPointRecord {
        kind: p.kind.code().into(),
        name: p.name,
        lon: p.lon,
        lat: p.lat,
        boundary_checked: ready.boundary_checked,
        address: p.address,
        opening: p.opening,
        contact: p.contact,
        narration_vi: p.narration_vi,
        narration_en: p.narration_en,
        updated_at: now(),
        version: expected_version + 1,
        ..point
    };
    let audit = actor.audit_entry("tourism.point.update", &id.to_string(), detail);
    app.db
        .update_tourism_point(
            &next,
            expected_version,
            &TourismPointWrite {
                photos: &photos,
                audio: &audio,
                products: Some(&ready.products),
            },
            audit,
        )
        .await?;
    Ok(next)
}

/// Publishes the point (the first publication time is kept) or takes it back to a draft.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), point = %id))]
pub async fn set_point_published(
    app: &App,
    actor: &Actor,
    id: Uuid,
    expected_version: i64,
    publish: bool,
) -> Result<TourismPointRecord, AppError> {
    let (unit, point) = load(app, actor, id).await?;
    let at = now();
    let next = TourismPointRecord {
        status: if publish {
            Status::Published
        } else {
            Status::Draft
        }
        .as_str()
        .into(),
        published_at: if publish {
            Some(point.published_at.unwrap_or(at))
        } else {
            point.published_at
        },
        updated_at: at,
        version: expected_version + 1,
        ..point
    };
    let audit = actor.audit_entry(
        if publish {
            "tourism.point.publish"
        } else {
            "tourism.point.unpublish"
        },
        &id.to_string(),
        serde_json::json!({"unit": unit.code, "name": next.name}),
    );
    app.db
        .update_tourism_point(
            &next,
            expected_version,
            &TourismPointWrite::default(),
            audit,
        )
        .await?;
    Ok(next)
}

/// The commune's points and tours (drafts included) for its editors.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code))]
pub async fn officer_tourism(
    app: &App,
    actor: &Actor,
    unit_code: &str,
) -> Result<OfficerTourism, AppError> {
    let unit = require_edit(app, actor, unit_code).await?;
    let points = app
        .db
        .tourism_points(&TourismPointFilter {
            unit_code: Some(unit.code.clone()),
            published_only: false,
            limit: 1_000,
        })
        .await?;
    let tours = app.db.tourism_tours(&unit.code, false).await?;
    let products = product_choices(app, &unit).await?;
    let has_boundary = app.db.unit_boundary(unit.id).await?.is_some();
    Ok(OfficerTourism {
        unit,
        points,
        tours,
        products,
        has_boundary,
    })
}

/// The kind of a stored point (a bad code reads as a relic: never happens, the table checks).
pub(crate) fn kind_of(p: &TourismPointRecord) -> PointKind {
    PointKind::parse(&p.kind).unwrap_or(PointKind::Relic)
}
