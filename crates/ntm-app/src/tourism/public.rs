//! The public reads (no login): a commune's published points and tours, a point's narration
//! page, a tour, the data of a tour's printed leaflet, photos and audio. A draft is shown to
//! the commune's tourism editors only (a preview); to anyone else it does not exist.

use ntm_domain::tourism::{PointKind, Status};
use ntm_domain::units::Unit;
use ntm_store::{TourismPhotoRecord, TourismPointRecord, TourismTourRecord};
use uuid::Uuid;

use super::files::{StoredFile, stored};
use super::points::kind_of;
use super::tours::published_points;
use super::{commune, may_edit};
use crate::{Actor, App, AppError};

#[derive(Debug, Clone)]
pub struct CommuneTourism {
    pub unit: Unit,
    pub points: Vec<TourismPointRecord>,
    pub tours: Vec<TourismTourRecord>,
}

#[derive(Debug, Clone)]
pub struct PublicPoint {
    pub unit: Unit,
    pub point: TourismPointRecord,
    pub kind: PointKind,
    pub photos: Vec<TourismPhotoRecord>,
    /// The narration audio: (language `vi`/`en`, content type).
    pub audio: Vec<(String, String)>,
    /// Rated OCOP products sold there: (id, name, stars).
    pub products: Vec<(Uuid, String, Option<i32>)>,
    /// A draft shown to its editor.
    pub preview: bool,
}

#[derive(Debug, Clone)]
pub struct PublicTour {
    pub unit: Unit,
    pub tour: TourismTourRecord,
    /// The published stops, in order.
    pub stops: Vec<TourismPointRecord>,
    pub preview: bool,
}

#[derive(Debug, Clone)]
pub struct LeafletStop {
    pub name: String,
    pub kind: PointKind,
    pub address: String,
    pub opening: String,
    pub narration_vi: String,
    pub narration_en: String,
    /// The narration page's address (for the QR code).
    pub url: String,
    pub sample: bool,
}

#[derive(Debug, Clone)]
pub struct Leaflet {
    pub commune: String,
    pub tour: TourismTourRecord,
    pub stops: Vec<LeafletStop>,
}

fn published(s: &str) -> bool {
    s == Status::Published.as_str()
}

/// A commune's published points and tours.
#[tracing::instrument(skip_all, fields(unit = %code))]
pub async fn commune_tourism(app: &App, code: &str) -> Result<CommuneTourism, AppError> {
    let unit = commune(app, code).await?;
    let points = published_points(app, &unit).await?;
    let tours = app.db.tourism_tours(&unit.code, true).await?;
    Ok(CommuneTourism {
        unit,
        points,
        tours,
    })
}

/// A point, published or (for its editors) a draft.
async fn visible_point(
    app: &App,
    actor: &Actor,
    id: Uuid,
) -> Result<(TourismPointRecord, bool), AppError> {
    let missing = || AppError::NotFound("tourism point".into());
    let p = app.db.tourism_point(id).await?.ok_or_else(missing)?;
    if published(&p.status) {
        return Ok((p, false));
    }
    if may_edit(app, actor, &p.unit_code).await {
        Ok((p, true))
    } else {
        Err(missing())
    }
}

/// A point's narration page.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), point = %id))]
pub async fn public_point(app: &App, actor: &Actor, id: Uuid) -> Result<PublicPoint, AppError> {
    let (point, preview) = visible_point(app, actor, id).await?;
    let unit = commune(app, &point.unit_code).await?;
    let photos = app.db.tourism_point_photos(id).await?;
    let audio = app
        .db
        .tourism_point_audio(id)
        .await?
        .into_iter()
        .map(|a| (a.lang, a.content_type))
        .collect();
    let mut products = Vec::new();
    for pid in app.db.tourism_point_products(id).await? {
        if let Some(pr) = app
            .db
            .ocop_product(pid)
            .await?
            .filter(|p| p.stars.is_some())
        {
            products.push((pr.id, pr.name, pr.stars));
        }
    }
    Ok(PublicPoint {
        kind: kind_of(&point),
        unit,
        point,
        photos,
        audio,
        products,
        preview,
    })
}

/// A tour with its published stops.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), tour = %id))]
pub async fn public_tour(app: &App, actor: &Actor, id: Uuid) -> Result<PublicTour, AppError> {
    let missing = || AppError::NotFound("tour".into());
    let tour = app.db.tourism_tour(id).await?.ok_or_else(missing)?;
    let preview = !published(&tour.status);
    if preview && !may_edit(app, actor, &tour.unit_code).await {
        return Err(missing());
    }
    let unit = commune(app, &tour.unit_code).await?;
    let ids = app.db.tourism_tour_stops(id).await?;
    let stops = app
        .db
        .tourism_points_by_ids(&ids)
        .await?
        .into_iter()
        .filter(|p| published(&p.status))
        .collect();
    Ok(PublicTour {
        unit,
        tour,
        stops,
        preview,
    })
}

/// The narration page's address of a point on this site (`base`: the site's address), for
/// its QR code.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), point = %id))]
pub async fn point_link(
    app: &App,
    actor: &Actor,
    id: Uuid,
    base: &str,
) -> Result<String, AppError> {
    let (p, _) = visible_point(app, actor, id).await?;
    Ok(format!(
        "{}/tourism/points/{}",
        base.trim_end_matches('/'),
        p.id
    ))
}

/// The data of a tour's printed leaflet: the stops with their narration and addresses.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), tour = %id))]
pub async fn leaflet(app: &App, actor: &Actor, id: Uuid, base: &str) -> Result<Leaflet, AppError> {
    let t = public_tour(app, actor, id).await?;
    let base = base.trim_end_matches('/');
    Ok(Leaflet {
        commune: t.unit.name.clone(),
        stops: t
            .stops
            .iter()
            .map(|p| LeafletStop {
                name: p.name.clone(),
                kind: kind_of(p),
                address: p.address.clone(),
                opening: p.opening.clone(),
                narration_vi: p.narration_vi.clone(),
                narration_en: p.narration_en.clone(),
                url: format!("{base}/tourism/points/{}", p.id),
                sample: p.sample,
            })
            .collect(),
        tour: t.tour,
    })
}

/// A photo of a published point (or, for its editors, of a draft).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), photo = %id))]
pub async fn photo(app: &App, actor: &Actor, id: Uuid) -> Result<StoredFile, AppError> {
    let ph = app
        .db
        .tourism_photo(id)
        .await?
        .ok_or_else(|| AppError::NotFound("photo".into()))?;
    visible_point(app, actor, ph.point_id).await?;
    stored(app, &ph.sha256, &ph.content_type, ph.size)
}

/// A point's narration audio in `lang` (`vi` or `en`).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), point = %point))]
pub async fn audio(
    app: &App,
    actor: &Actor,
    point: Uuid,
    lang: &str,
) -> Result<StoredFile, AppError> {
    visible_point(app, actor, point).await?;
    let a = app
        .db
        .tourism_point_audio(point)
        .await?
        .into_iter()
        .find(|a| a.lang == lang)
        .ok_or_else(|| AppError::NotFound("audio".into()))?;
    stored(app, &a.sha256, &a.content_type, a.size)
}
