//! The public tracking page of a report (anyone with the tracking code): its text, category,
//! status in words, due day, the public answer and history (never the contact), photos; and
//! the citizen's rating of the answer, once.

use ntm_domain::feedback::{Status, normalize_tracking_code};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::{both, field};
use crate::{Actor, App, AppError, now};

#[derive(Debug, Clone)]
pub struct PublicEvent {
    pub action: String,
    pub status: Status,
    pub note: Option<String>,
    pub unit_name: Option<String>,
    pub at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct PublicReport {
    pub id: Uuid,
    pub tracking_code: String,
    pub province_code: String,
    pub category_code: String,
    pub category_vi: String,
    pub category_en: String,
    pub body: String,
    pub status: Status,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub location_name: Option<String>,
    pub responsible_code: String,
    pub responsible_name: String,
    pub received_at: OffsetDateTime,
    pub due_on: Date,
    pub closed_at: Option<OffsetDateTime>,
    pub answer: Option<String>,
    pub refer_to: Option<String>,
    pub merged_into_code: Option<String>,
    pub rating: Option<i64>,
    pub can_rate: bool,
    pub photos: Vec<Uuid>,
    pub history: Vec<PublicEvent>,
    pub attributes: Vec<(String, String)>,
    pub updated_at: OffsetDateTime,
}

async fn unit_name(app: &App, code: &str) -> String {
    crate::units::latest_record(app, code)
        .await
        .map(|u| u.name)
        .unwrap_or_else(|_| code.to_string())
}

pub(crate) async fn public_view(
    app: &App,
    r: ntm_store::FeedbackReportRecord,
) -> Result<PublicReport, AppError> {
    let status = Status::parse(&r.status)
        .ok_or_else(|| AppError::Internal(format!("status {}", r.status)))?;
    let cats = app.db.feedback_categories(&r.province_code).await?;
    let cat = cats.iter().find(|c| c.code == r.category_code);
    let mut history = Vec::new();
    for e in app.db.feedback_events(r.id).await? {
        // Assignment is internal to the unit.
        if e.action == "assign" {
            continue;
        }
        history.push(PublicEvent {
            status: Status::parse(&e.to_status).unwrap_or(Status::Received),
            action: e.action,
            note: e.note,
            unit_name: match &e.unit_code {
                Some(c) => Some(unit_name(app, c).await),
                None => None,
            },
            at: e.at,
        });
    }
    let merged_into_code = match r.merged_into {
        Some(m) => app.db.feedback_report(m).await?.map(|x| x.tracking_code),
        None => None,
    };
    let location_name = match &r.location_code {
        Some(c) => Some(unit_name(app, c).await),
        None => None,
    };
    let attributes: Vec<(String, String)> =
        serde_json::from_str::<std::collections::BTreeMap<String, String>>(&r.attributes)
            .map(|m| m.into_iter().collect())
            .unwrap_or_default();
    Ok(PublicReport {
        id: r.id,
        category_vi: cat
            .map(|c| c.name_vi.clone())
            .unwrap_or_else(|| r.category_code.clone()),
        category_en: cat
            .map(|c| c.name_en.clone())
            .unwrap_or_else(|| r.category_code.clone()),
        responsible_name: unit_name(app, &r.responsible_code).await,
        photos: app
            .db
            .feedback_photos(r.id)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect(),
        can_rate: r.rating.is_none() && matches!(status, Status::Resolved | Status::Rejected),
        status,
        tracking_code: r.tracking_code,
        province_code: r.province_code,
        category_code: r.category_code,
        body: r.body,
        lat: r.lat,
        lon: r.lon,
        location_name,
        responsible_code: r.responsible_code,
        received_at: r.received_at,
        due_on: r.due_on,
        closed_at: r.closed_at,
        answer: r.answer,
        refer_to: r.refer_to,
        merged_into_code,
        rating: r.rating,
        history,
        attributes,
        updated_at: r.updated_at,
    })
}

/// A report by its tracking code (as typed: any case, with or without the dash).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn track(app: &App, actor: &Actor, code: &str) -> Result<PublicReport, AppError> {
    let _ = actor;
    let code =
        normalize_tracking_code(code).ok_or_else(|| AppError::NotFound("tracking code".into()))?;
    let r = app
        .db
        .feedback_by_code(&code)
        .await?
        .ok_or_else(|| AppError::NotFound("tracking code".into()))?;
    public_view(app, r).await
}

/// The citizen rates the answer (1–5), once; whoever holds the tracking code may.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn rate(app: &App, actor: &Actor, code: &str, rating: &str) -> Result<(), AppError> {
    let r = track(app, actor, code).await?;
    let n: i64 = match rating.trim().parse() {
        Ok(n) if (1..=5).contains(&n) => n,
        _ => {
            return Err(AppError::Validation(vec![field(
                "rating",
                "Hãy chọn mức đánh giá từ 1 đến 5",
                "choose a rating from 1 to 5",
            )]));
        }
    };
    if !r.can_rate {
        return Err(AppError::Conflict(both(
            "Phản ánh chưa có trả lời hoặc đã được đánh giá",
            "not answered yet, or already rated",
        )));
    }
    crate::surveys::limits::hit(
        format!("fb-rate:{}", actor.origin()),
        30,
        std::time::Duration::from_secs(3600),
    )
    .map_err(|s| AppError::TooManyRequests {
        retry_after_secs: s,
    })?;
    let audit = actor.audit_entry(
        "feedback.rate",
        &r.id.to_string(),
        serde_json::json!({"code": r.tracking_code, "rating": n}),
    );
    app.db.rate_feedback(r.id, n, now(), audit).await?;
    crate::measures::refresh_after_write(app, &r.responsible_code).await;
    Ok(())
}
