//! Certifications and seasons of an area (same permission as editing the area).

use ntm_domain::area::{Certification, Season};
use ntm_store::{AreaCertificationRecord, AreaSeasonRecord};
use time::Date;
use uuid::Uuid;

use super::access::{load, require_manage};
use super::both;
use crate::{Actor, App, AppError, FieldError, now};

/// A certification as typed (dates already read by the caller; `None` when missing or not a
/// date, reported on their field).
#[derive(Debug, Clone, Default)]
pub struct NewCertification {
    pub kind: String,
    pub scheme: String,
    pub certificate_no: String,
    pub issuer: String,
    pub valid_from: Option<Date>,
    pub valid_until: Option<Date>,
}

#[derive(Debug, Clone, Default)]
pub struct NewSeason {
    pub name: String,
    pub crop: String,
    pub starts_on: Option<Date>,
    pub ends_on: Option<Date>,
    /// An end date was typed but is not a date (refused, rather than read as open).
    pub ends_on_unreadable: bool,
}

fn date_error(field: &str) -> FieldError {
    FieldError::new(
        field,
        both("Nhập ngày (dd/mm/yyyy)".into(), "enter a date (dd/mm/yyyy)"),
    )
}

#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), area = %area_id))]
pub async fn add_certification(
    app: &App,
    actor: &Actor,
    area_id: Uuid,
    input: NewCertification,
) -> Result<AreaCertificationRecord, AppError> {
    let (_, unit, owners) = load(app, area_id).await?;
    require_manage(app, actor, &unit, &owners).await?;
    let mut errors = Vec::new();
    if input.valid_from.is_none() {
        errors.push(date_error("valid_from"));
    }
    if input.valid_until.is_none() {
        errors.push(date_error("valid_until"));
    }
    let (Some(from), Some(until)) = (input.valid_from, input.valid_until) else {
        return Err(AppError::Validation(errors));
    };
    let cert = Certification::new(
        &input.kind,
        &input.scheme,
        &input.certificate_no,
        &input.issuer,
        from,
        until,
    )
    .map_err(|es| {
        AppError::Validation(
            es.iter()
                .map(|e| FieldError::new(e.field(), both(e.vi(), e)))
                .collect(),
        )
    })?;
    let rec = AreaCertificationRecord {
        id: Uuid::now_v7(),
        area_id,
        kind: cert.kind.as_str().to_string(),
        scheme: cert.scheme,
        certificate_no: cert.certificate_no,
        issuer: cert.issuer,
        valid_from: cert.valid_from,
        valid_until: cert.valid_until,
        created_at: now(),
        created_by: actor.audit_name(),
    };
    let audit = actor.audit_entry(
        "area.certification.add",
        &area_id.to_string(),
        serde_json::json!({
            "certification": rec.id, "kind": rec.kind, "number": rec.certificate_no,
            "valid_from": rec.valid_from.to_string(), "valid_until": rec.valid_until.to_string(),
        }),
    );
    Ok(app.db.insert_area_certification(&rec, audit).await?)
}

#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), area = %area_id))]
pub async fn add_season(
    app: &App,
    actor: &Actor,
    area_id: Uuid,
    input: NewSeason,
) -> Result<AreaSeasonRecord, AppError> {
    let (_, unit, owners) = load(app, area_id).await?;
    require_manage(app, actor, &unit, &owners).await?;
    let mut errors = Vec::new();
    if input.starts_on.is_none() {
        errors.push(date_error("starts_on"));
    }
    if input.ends_on_unreadable {
        errors.push(date_error("ends_on"));
    }
    let (Some(starts_on), true) = (input.starts_on, errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let season = Season::new(&input.name, &input.crop, starts_on, input.ends_on).map_err(|es| {
        AppError::Validation(
            es.iter()
                .map(|e| FieldError::new(e.field(), both(e.vi(), e)))
                .collect(),
        )
    })?;
    let rec = AreaSeasonRecord {
        id: Uuid::now_v7(),
        area_id,
        name: season.name,
        crop: season.crop,
        starts_on: season.starts_on,
        ends_on: season.ends_on,
        created_at: now(),
        created_by: actor.audit_name(),
    };
    let audit = actor.audit_entry(
        "area.season.add",
        &area_id.to_string(),
        serde_json::json!({"season": rec.id, "name": rec.name, "starts_on": rec.starts_on.to_string()}),
    );
    Ok(app.db.insert_area_season(&rec, audit).await?)
}
