//! The loudspeaker schedule (đài truyền thanh xã): programmes of a commune with an air day
//! and time, a title and segments (topic, digital-transformation or not); the "held" mark
//! records who marked it, when, and a short note. Written by officers with `PublishPortal`
//! on the commune, audited in the same transaction.

use ntm_domain::portal::{MAX_SEGMENTS, check_air_time, check_note, check_title, check_topic};
use ntm_domain::units::Unit;
use ntm_store::{PortalProgrammeRecord, PortalSegmentRecord};
use time::{Date, macros::format_description};
use uuid::Uuid;

use super::{field, require_publish, require_some_publish};
use crate::{Actor, App, AppError, FieldError, now, today};

#[derive(Debug, Clone, Default)]
pub struct SegmentForm {
    pub topic: String,
    pub dx: bool,
}

/// What the calendar's form sends. Segments with an empty topic are ignored.
#[derive(Debug, Clone, Default)]
pub struct ProgrammeForm {
    /// `YYYY-MM-DD` (the date input) or `dd/mm/yyyy`.
    pub air_date: String,
    /// `HH:MM`.
    pub air_time: String,
    pub title: String,
    pub segments: Vec<SegmentForm>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeView {
    pub programme: PortalProgrammeRecord,
    pub segments: Vec<PortalSegmentRecord>,
}

impl ProgrammeView {
    pub fn has_dx(&self) -> bool {
        self.segments.iter().any(|s| s.dx)
    }
}

#[derive(Debug, Clone)]
pub struct ScheduleView {
    pub unit: Unit,
    pub from: Date,
    pub to: Date,
    pub programmes: Vec<ProgrammeView>,
}

pub(crate) fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    Date::parse(s, format_description!("[year]-[month]-[day]"))
        .or_else(|_| Date::parse(s, format_description!("[day]/[month]/[year]")))
        .ok()
}

/// Programmes with their segments.
pub(crate) async fn with_segments(
    app: &App,
    programmes: Vec<PortalProgrammeRecord>,
) -> Result<Vec<ProgrammeView>, AppError> {
    let ids: Vec<Uuid> = programmes.iter().map(|p| p.id).collect();
    let segments = app.db.portal_segments(&ids).await?;
    Ok(programmes
        .into_iter()
        .map(|p| ProgrammeView {
            segments: segments
                .iter()
                .filter(|s| s.programme_id == p.id)
                .cloned()
                .collect(),
            programme: p,
        })
        .collect())
}

/// Adds a programme to the commune's schedule (every problem at once, nothing written on
/// a refusal).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code))]
pub async fn add_programme(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    form: ProgrammeForm,
) -> Result<ProgrammeView, AppError> {
    let unit = require_publish(app, actor, unit_code).await?;
    let mut errors: Vec<FieldError> = Vec::new();
    let air_date = parse_date(&form.air_date);
    if air_date.is_none() {
        errors.push(field(
            "air_date",
            "Ngày phát không hợp lệ (dd/mm/yyyy)",
            "the air date is not a date",
        ));
    }
    let air_time = check_air_time(&form.air_time)
        .map_err(|e| errors.push(FieldError::new("air_time", e.message())))
        .ok();
    let title = check_title(&form.title)
        .map_err(|e| errors.push(FieldError::new("title", e.message())))
        .ok();
    let typed: Vec<&SegmentForm> = form
        .segments
        .iter()
        .filter(|s| !s.topic.trim().is_empty())
        .collect();
    let mut segments = Vec::new();
    if typed.is_empty() {
        errors.push(field(
            "segments",
            "Cần ít nhất một chuyên mục (nội dung phát)",
            "at least one segment",
        ));
    } else if typed.len() > MAX_SEGMENTS {
        errors.push(field(
            "segments",
            format!("Tối đa {MAX_SEGMENTS} chuyên mục"),
            format!("at most {MAX_SEGMENTS} segments"),
        ));
    }
    for s in &typed {
        match check_topic(&s.topic) {
            Ok(topic) => segments.push((topic, s.dx)),
            Err(e) => errors.push(FieldError::new("segments", e.message())),
        }
    }
    let (Some(air_date), Some(air_time), Some(title), true) =
        (air_date, air_time, title, errors.is_empty())
    else {
        return Err(AppError::Validation(errors));
    };
    let id = Uuid::now_v7();
    let p = PortalProgrammeRecord {
        id,
        unit_code: unit.code.clone(),
        unit_path: unit.path.clone(),
        air_date,
        air_time: format!("{:02}:{:02}", air_time.hour(), air_time.minute()),
        title,
        held_at: None,
        held_by: None,
        held_note: None,
        created_at: now(),
        created_by: actor.audit_name(),
    };
    let segs: Vec<PortalSegmentRecord> = segments
        .into_iter()
        .enumerate()
        .map(|(i, (topic, dx))| PortalSegmentRecord {
            programme_id: id,
            seq: i as i64 + 1,
            topic,
            dx,
        })
        .collect();
    let audit = actor.audit_entry(
        "portal.programme.create",
        &id.to_string(),
        serde_json::json!({
            "unit": unit.code, "air_date": air_date.to_string(), "air_time": p.air_time,
            "title": p.title,
            "segments": segs.iter().map(|s| serde_json::json!({"topic": s.topic, "dx": s.dx})).collect::<Vec<_>>(),
        }),
    );
    app.db.insert_portal_programme(&p, &segs, audit).await?;
    Ok(ProgrammeView {
        programme: p,
        segments: segs,
    })
}

/// Marks a programme held, once, on or after its air day, with a short note; returns it
/// as now stored.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), programme = %id))]
pub async fn mark_held(
    app: &App,
    actor: &Actor,
    id: Uuid,
    note: &str,
) -> Result<PortalProgrammeRecord, AppError> {
    require_some_publish(actor)?;
    let p = app
        .db
        .portal_programme(id)
        .await?
        .ok_or_else(|| AppError::NotFound("programme".into()))?;
    let unit = require_publish(app, actor, &p.unit_code).await?;
    let note = check_note(note).map_err(|e| AppError::invalid("note", e.message()))?;
    if p.air_date > today() {
        return Err(AppError::Validation(vec![field(
            "note",
            "Chưa đến ngày phát: chỉ đánh dấu đã phát từ ngày phát trở đi",
            "the air day has not come yet",
        )]));
    }
    let at = now();
    let audit = actor.audit_entry(
        "portal.programme.held",
        &id.to_string(),
        serde_json::json!({"unit": unit.code, "air_date": p.air_date.to_string(), "note": note}),
    );
    app.db
        .mark_portal_programme_held(id, at, &actor.audit_name(), &note, audit)
        .await?;
    // The commune's indicators computed from its broadcasts (`crate::measures`).
    crate::measures::refresh_after_write(app, &unit.code).await;
    Ok(PortalProgrammeRecord {
        held_at: Some(at),
        held_by: Some(actor.audit_name()),
        held_note: Some(note),
        ..p
    })
}

/// A programme, for an officer with `PublishPortal` on its commune (the calendar shown
/// again after a refused "held" mark).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), programme = %id))]
pub async fn officer_programme(
    app: &App,
    actor: &Actor,
    id: Uuid,
) -> Result<PortalProgrammeRecord, AppError> {
    require_some_publish(actor)?;
    let p = app
        .db
        .portal_programme(id)
        .await?
        .ok_or_else(|| AppError::NotFound("programme".into()))?;
    require_publish(app, actor, &p.unit_code).await?;
    Ok(p)
}

/// The commune's schedule between `from` and `to` (both included), for its officers.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code))]
pub async fn schedule(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    from: Date,
    to: Date,
) -> Result<ScheduleView, AppError> {
    let unit = require_publish(app, actor, unit_code).await?;
    if to < from || (to - from).whole_days() > 400 {
        return Err(AppError::invalid(
            "to",
            "Khoảng thời gian không hợp lệ — bad period",
        ));
    }
    let programmes = app.db.portal_programmes(&unit.code, from, to).await?;
    Ok(ScheduleView {
        programmes: with_segments(app, programmes).await?,
        unit,
        from,
        to,
    })
}
