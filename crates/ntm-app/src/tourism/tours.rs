//! Tours: ordered lists of the commune's **published** points with titles and descriptions in
//! both languages. A stop that is unknown, in another commune or not published is refused,
//! naming it; nothing is written.

use ntm_domain::tourism::{CheckedTour, Status, TourInput, check_tour};
use ntm_domain::units::Unit;
use ntm_store::{TourismPointFilter, TourismPointRecord, TourismTourRecord};
use uuid::Uuid;

use super::{field, field_of, require_edit};
use crate::{Actor, App, AppError, FieldError, now};

/// What the tour's form sends.
#[derive(Debug, Clone, Default)]
pub struct TourForm {
    pub input: TourInput,
}

#[derive(Debug, Clone)]
pub struct TourEditor {
    pub unit: Unit,
    pub tour: TourismTourRecord,
    /// The stops in order (points since taken back to drafts included).
    pub stops: Vec<TourismPointRecord>,
    /// The commune's published points, offered as stops.
    pub choices: Vec<TourismPointRecord>,
}

/// The commune's published points (the stops a tour may have).
pub(crate) async fn published_points(
    app: &App,
    unit: &Unit,
) -> Result<Vec<TourismPointRecord>, AppError> {
    Ok(app
        .db
        .tourism_points(&TourismPointFilter {
            unit_code: Some(unit.code.clone()),
            published_only: true,
            limit: 1_000,
        })
        .await?)
}

async fn check_stops(app: &App, unit: &Unit, stops: &[Uuid]) -> Result<(), Vec<FieldError>> {
    let found = app
        .db
        .tourism_points_by_ids(stops)
        .await
        .map_err(|e| vec![FieldError::new("stops", e.to_string())])?;
    let mut errors = Vec::new();
    for id in stops {
        match found.iter().find(|p| p.id == *id) {
            None => errors.push(field(
                "stops",
                format!("Không có điểm {id}"),
                format!("there is no point {id}"),
            )),
            Some(p) if p.unit_code != unit.code => errors.push(field(
                "stops",
                format!("Điểm “{}” không thuộc {}", p.name, unit.name),
                format!("“{}” is not in {}", p.name, unit.name),
            )),
            Some(p) if p.status != Status::Published.as_str() => errors.push(field(
                "stops",
                format!("Điểm “{}” chưa được công bố", p.name),
                format!("“{}” is not published", p.name),
            )),
            Some(_) => {}
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

async fn check_all(app: &App, unit: &Unit, form: &TourForm) -> Result<CheckedTour, AppError> {
    let t = check_tour(&form.input)
        .map_err(|ps| AppError::Validation(ps.into_iter().map(field_of).collect()))?;
    check_stops(app, unit, &t.stops)
        .await
        .map_err(AppError::Validation)?;
    Ok(t)
}

/// A new draft tour of the commune.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code))]
pub async fn new_tour(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    form: TourForm,
) -> Result<TourismTourRecord, AppError> {
    create(app, actor, unit_code, form, false).await
}

pub(crate) async fn create(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    form: TourForm,
    sample: bool,
) -> Result<TourismTourRecord, AppError> {
    let unit = require_edit(app, actor, unit_code).await?;
    let t = check_all(app, &unit, &form).await?;
    let at = now();
    let id = Uuid::now_v7();
    let rec = TourismTourRecord {
        id,
        unit_code: unit.code.clone(),
        unit_path: unit.path.clone(),
        province_code: unit.province_code.clone(),
        title_vi: t.title_vi,
        title_en: t.title_en,
        description_vi: t.description_vi,
        description_en: t.description_en,
        status: Status::Draft.as_str().into(),
        sample,
        author: actor.audit_name(),
        created_at: at,
        updated_at: at,
        version: 1,
    };
    let audit = actor.audit_entry(
        "tourism.tour.create",
        &id.to_string(),
        serde_json::json!({"unit": unit.code, "title": rec.title_vi, "stops": t.stops}),
    );
    app.db.insert_tourism_tour(&rec, &t.stops, audit).await?;
    Ok(rec)
}

async fn load(app: &App, actor: &Actor, id: Uuid) -> Result<(Unit, TourismTourRecord), AppError> {
    super::require_some_edit(actor)?;
    let tour = app
        .db
        .tourism_tour(id)
        .await?
        .ok_or_else(|| AppError::NotFound("tour".into()))?;
    let unit = require_edit(app, actor, &tour.unit_code).await?;
    Ok((unit, tour))
}

/// The tour, its stops and the points it may have, for its editor.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), tour = %id))]
pub async fn tour_editor(app: &App, actor: &Actor, id: Uuid) -> Result<TourEditor, AppError> {
    let (unit, tour) = load(app, actor, id).await?;
    let ids = app.db.tourism_tour_stops(id).await?;
    Ok(TourEditor {
        stops: app.db.tourism_points_by_ids(&ids).await?,
        choices: published_points(app, &unit).await?,
        unit,
        tour,
    })
}

/// Saves the tour's texts and stops on the version the editor saw.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), tour = %id))]
pub async fn update_tour(
    app: &App,
    actor: &Actor,
    id: Uuid,
    expected_version: i64,
    form: TourForm,
) -> Result<TourismTourRecord, AppError> {
    let (unit, tour) = load(app, actor, id).await?;
    let t = check_all(app, &unit, &form).await?;
    let next = TourismTourRecord {
        title_vi: t.title_vi,
        title_en: t.title_en,
        description_vi: t.description_vi,
        description_en: t.description_en,
        updated_at: now(),
        version: expected_version + 1,
        ..tour
    };
    let audit = actor.audit_entry(
        "tourism.tour.update",
        &id.to_string(),
        serde_json::json!({"unit": unit.code, "title": next.title_vi, "stops": t.stops}),
    );
    app.db
        .update_tourism_tour(&next, expected_version, Some(&t.stops), audit)
        .await?;
    Ok(next)
}

/// Publishes the tour (every stop must still be published) or takes it back to a draft.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), tour = %id))]
pub async fn set_tour_published(
    app: &App,
    actor: &Actor,
    id: Uuid,
    expected_version: i64,
    publish: bool,
) -> Result<TourismTourRecord, AppError> {
    let (unit, tour) = load(app, actor, id).await?;
    if publish {
        let stops = app.db.tourism_tour_stops(id).await?;
        check_stops(app, &unit, &stops)
            .await
            .map_err(AppError::Validation)?;
    }
    let next = TourismTourRecord {
        status: if publish {
            Status::Published
        } else {
            Status::Draft
        }
        .as_str()
        .into(),
        updated_at: now(),
        version: expected_version + 1,
        ..tour
    };
    let audit = actor.audit_entry(
        if publish {
            "tourism.tour.publish"
        } else {
            "tourism.tour.unpublish"
        },
        &id.to_string(),
        serde_json::json!({"unit": unit.code, "title": next.title_vi}),
    );
    app.db
        .update_tourism_tour(&next, expected_version, None, audit)
        .await?;
    Ok(next)
}
