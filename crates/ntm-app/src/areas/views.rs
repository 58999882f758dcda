//! What the pages, the API and a public trace page read of areas.

use ntm_domain::area::{
    AreaComparison, AreaShape, CertStatus, PUBLIC_SIMPLIFY_DEG, compare_declared, status_on,
};
use ntm_domain::authz::Permission;
use ntm_domain::units::{Level, Unit};
use ntm_store::{
    AreaCertificationRecord, AreaRecord, AreaSeasonRecord, OcopProducerRecord, UnitBoundaryRecord,
};
use time::Date;
use uuid::Uuid;

use super::access::{is_officer, load, require_manage, require_view};
use super::stored_shape;
use crate::access::{Access, require_on_unit};
use crate::{Actor, App, AppError, today};

/// Simplification of the commune outline on a public page (Douglas–Peucker, degrees: about
/// 50 m), enough to place the area in its commune and keep the page small.
const PUBLIC_OUTLINE_SIMPLIFY_DEG: f64 = 0.0005;

/// One row of a unit's list.
#[derive(Debug, Clone)]
pub struct AreaRow {
    pub area: AreaRecord,
    pub owners: Vec<String>,
    /// Certifications valid (or expiring) today, by kind.
    pub valid_certifications: Vec<String>,
}

/// A unit's areas: its subtree and its predecessors' (a Vĩnh Long officer sees old Trà
/// Vinh's areas).
#[derive(Debug, Clone)]
pub struct UnitAreas {
    pub unit: Unit,
    pub areas: Vec<AreaRow>,
    /// May register an area here (officer of a commune).
    pub may_register: bool,
}

#[derive(Debug, Clone)]
pub struct CertificationView {
    pub certification: AreaCertificationRecord,
    pub status: CertStatus,
}

/// One area as officers and its owners see it.
#[derive(Debug, Clone)]
pub struct AreaDetail {
    pub area: AreaRecord,
    pub unit: Unit,
    pub shape: Option<AreaShape>,
    pub owners: Vec<OcopProducerRecord>,
    pub certifications: Vec<CertificationView>,
    pub seasons: Vec<AreaSeasonRecord>,
    /// The commune's outline for the map, with its source and licence notice.
    pub boundary: Option<(UnitBoundaryRecord, AreaShape)>,
    pub comparison: AreaComparison,
    pub may_manage: bool,
    /// May change the owners (officers).
    pub may_change_owners: bool,
    pub today: Date,
}

/// The producer records an area's owners are chosen from, for the registration form.
#[derive(Debug, Clone)]
pub struct AreaFormChoices {
    pub unit: Unit,
    pub producers: Vec<OcopProducerRecord>,
    pub officer: bool,
    pub has_boundary: bool,
}

/// A producer account's areas, by producer record.
#[derive(Debug, Clone)]
pub struct MyAreas {
    pub producers: Vec<(OcopProducerRecord, Vec<AreaRecord>)>,
}

/// A certification as a public page shows it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PublicCertification {
    /// `vietgap`, `globalgap`, `organic`, `other`.
    pub kind: String,
    pub scheme: Option<String>,
    pub certificate_no: String,
    pub issuer: String,
    pub valid_from: Date,
    /// The last valid day.
    pub valid_until: Date,
    /// `valid`, `expiring`, `expired`, `not_yet_valid` on the day asked.
    pub status: String,
}

/// What a public trace page shows of an area: no owner contacts, a simplified polygon.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AreaPublicSummary {
    pub id: Uuid,
    pub code: String,
    pub crop: String,
    pub unit_code: String,
    pub unit_name: String,
    /// Declared area, hundredths of a hectare.
    pub hectares_x100: i64,
    /// Geodesic area of the polygon, hectares.
    pub computed_ha: f64,
    /// The polygon simplified (Douglas–Peucker, 0.0001°) as GeoJSON geometry text.
    pub simplified_geojson: String,
    /// [min_lon, min_lat, max_lon, max_lat].
    pub bbox: [f64; 4],
    /// The polygon simplified as above, for a small static map.
    #[serde(skip)]
    pub shape: AreaShape,
    /// The commune's outline when one is stored, simplified (`PUBLIC_OUTLINE_SIMPLIFY_DEG`)
    /// so that a public page stays small.
    #[serde(skip)]
    pub outline: Option<AreaShape>,
    /// Names of the owning producers.
    pub producers: Vec<String>,
    pub certifications: Vec<PublicCertification>,
    /// Demo data invented for the sample: pages label it.
    pub sample: bool,
}

fn cert_views(certs: Vec<AreaCertificationRecord>, day: Date) -> Vec<CertificationView> {
    certs
        .into_iter()
        .map(|c| CertificationView {
            status: status_on(c.valid_from, c.valid_until, day),
            certification: c,
        })
        .collect()
}

/// The areas of a unit's subtree and of its predecessors (officers who see the unit).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code))]
pub async fn unit_areas(app: &App, actor: &Actor, code: &str) -> Result<UnitAreas, AppError> {
    let unit = crate::units::latest_record(app, code).await?;
    require_on_unit(app, actor, Permission::ViewUnits, &unit).await?;
    if !is_officer(actor) {
        return Err(AppError::Forbidden("areas of the unit".into()));
    }
    let may_register = unit.level == Level::Commune
        && require_on_unit(app, actor, Permission::ManageOcop, &unit)
            .await
            .is_ok();
    let access = Access::of(app, actor).await?;
    let mut paths = vec![unit.path.clone()];
    paths.extend(access.predecessors_of(&unit.path));
    let day = today();
    let mut areas: Vec<AreaRow> = Vec::new();
    for path in paths {
        for area in app.db.areas_under(&path).await? {
            if areas.iter().any(|r| r.area.id == area.id) {
                continue;
            }
            let owners = app
                .db
                .area_owners(area.id)
                .await?
                .into_iter()
                .map(|p| p.name)
                .collect();
            let valid_certifications = app
                .db
                .area_certifications(area.id)
                .await?
                .into_iter()
                .filter(|c| {
                    matches!(
                        status_on(c.valid_from, c.valid_until, day),
                        CertStatus::Valid | CertStatus::Expiring { .. }
                    )
                })
                .map(|c| c.kind)
                .collect();
            areas.push(AreaRow {
                area,
                owners,
                valid_certifications,
            });
        }
    }
    areas.sort_by(|a, b| {
        a.area
            .code
            .cmp(&b.area.code)
            .then(a.area.id.cmp(&b.area.id))
    });
    Ok(UnitAreas {
        unit,
        areas,
        may_register,
    })
}

/// The areas of the producer records the account owns.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn my_areas(app: &App, actor: &Actor) -> Result<MyAreas, AppError> {
    let Actor::User { id, .. } = actor else {
        return Err(AppError::Unauthorized("login required".into()));
    };
    let mut producers = Vec::new();
    for p in app.db.ocop_producers_owned(*id).await? {
        let areas = app.db.areas_of_producer(p.id).await?;
        producers.push((p, areas));
    }
    Ok(MyAreas { producers })
}

/// One area with its owners, certifications (status today), seasons and commune outline.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), area = %id))]
pub async fn area_detail(app: &App, actor: &Actor, id: Uuid) -> Result<AreaDetail, AppError> {
    let (area, unit, owners) = load(app, id).await?;
    require_view(app, actor, &unit, &owners).await?;
    let may_manage = require_manage(app, actor, &unit, &owners).await.is_ok();
    let may_change_owners = require_on_unit(app, actor, Permission::ManageOcop, &unit)
        .await
        .is_ok();
    let day = today();
    let certifications = cert_views(app.db.area_certifications(id).await?, day);
    let seasons = app.db.area_seasons(id).await?;
    let boundary = match app.db.unit_boundary(unit.id).await? {
        Some(b) => stored_shape(&b.geojson).map(|s| (b, s)),
        None => None,
    };
    let comparison = match ntm_domain::area::Hectares::from_hundredths(area.hectares_x100) {
        Ok(h) => compare_declared(h, area.computed_ha),
        Err(_) => AreaComparison::Close,
    };
    Ok(AreaDetail {
        shape: stored_shape(&area.geojson),
        area,
        unit,
        owners,
        certifications,
        seasons,
        boundary,
        comparison,
        may_manage,
        may_change_owners,
        today: day,
    })
}

/// What the registration form of a commune offers: the producer records an area may name as
/// owners (officers: the commune's and its subtree's; a producer: its own).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code))]
pub async fn area_form_choices(
    app: &App,
    actor: &Actor,
    code: &str,
) -> Result<AreaFormChoices, AppError> {
    let unit = crate::units::latest_record(app, code).await?;
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
    let producers = match (officer, actor) {
        (true, _) => app.db.ocop_producers_under(&unit.path).await?,
        (false, Actor::User { id, .. }) => app.db.ocop_producers_owned(*id).await?,
        (false, _) => Vec::new(),
    };
    let has_boundary = app.db.unit_boundary(unit.id).await?.is_some();
    Ok(AreaFormChoices {
        unit,
        producers,
        officer,
        has_boundary,
    })
}

/// What a public trace page shows of an area (public: no actor). `NotFound` when there is
/// no such area. Certification statuses are today's.
#[tracing::instrument(skip_all, fields(area = %area_id))]
pub async fn public_summary(app: &App, area_id: Uuid) -> Result<AreaPublicSummary, AppError> {
    let day = today();
    let (area, unit, owners) = load(app, area_id).await?;
    let shape = stored_shape(&area.geojson)
        .ok_or_else(|| AppError::Internal(format!("stored polygon of area {area_id}")))?;
    let simplified = shape.simplified(PUBLIC_SIMPLIFY_DEG);
    let outline = match app.db.unit_boundary(unit.id).await? {
        Some(b) => stored_shape(&b.geojson).map(|s| s.simplified(PUBLIC_OUTLINE_SIMPLIFY_DEG)),
        None => None,
    };
    let certifications = app
        .db
        .area_certifications(area_id)
        .await?
        .into_iter()
        .map(|c| PublicCertification {
            status: status_on(c.valid_from, c.valid_until, day)
                .as_str()
                .to_string(),
            kind: c.kind,
            scheme: c.scheme,
            certificate_no: c.certificate_no,
            issuer: c.issuer,
            valid_from: c.valid_from,
            valid_until: c.valid_until,
        })
        .collect();
    Ok(AreaPublicSummary {
        id: area.id,
        code: area.code,
        crop: area.crop,
        unit_code: unit.code,
        unit_name: unit.name,
        hectares_x100: area.hectares_x100,
        computed_ha: area.computed_ha,
        simplified_geojson: simplified.to_geojson(),
        bbox: [area.min_lon, area.min_lat, area.max_lon, area.max_lat],
        shape: simplified,
        outline,
        producers: owners.into_iter().map(|p| p.name).collect(),
        certifications,
        sample: area.sample,
    })
}
