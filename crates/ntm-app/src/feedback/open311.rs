//! What the Open311 GeoReport v2 endpoints read (`/open311/v2/`, `docs/feedback.md`): the
//! jurisdiction is a province (its code), a service is a category, a request is a report
//! whose `service_request_id` is its tracking code. Filing goes through `file_report`.

use ntm_domain::feedback::{Status, normalize_tracking_code};
use ntm_store::FeedbackFilter;
use time::OffsetDateTime;

use super::province;
use super::public::{PublicReport, public_view};
use crate::{Actor, App, AppError};

/// The filters of `GET requests` (spec: default the last 90 days, at most 1000).
#[derive(Debug, Clone, Default)]
pub struct Open311Query {
    pub jurisdiction: String,
    /// Tracking codes (`service_request_id`, comma-separated); the other filters are ignored
    /// when given, as the spec says.
    pub ids: Vec<String>,
    pub service_code: Option<String>,
    pub start: Option<OffsetDateTime>,
    pub end: Option<OffsetDateTime>,
    /// `open` or `closed`, or one of our statuses.
    pub status: Option<String>,
}

const MAX: u64 = 1000;

/// The requests of a province (public: the same facts as the tracking pages).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), province = %q.jurisdiction))]
pub async fn open311_requests(
    app: &App,
    actor: &Actor,
    q: Open311Query,
) -> Result<Vec<PublicReport>, AppError> {
    let _ = actor;
    let p = province(app, &q.jurisdiction).await?;
    let mut f = FeedbackFilter {
        province_code: p.code.clone(),
        ..FeedbackFilter::default()
    };
    if !q.ids.is_empty() {
        f.codes = q
            .ids
            .iter()
            .take(MAX as usize)
            .filter_map(|c| normalize_tracking_code(c))
            .collect();
        if f.codes.is_empty() {
            return Ok(Vec::new());
        }
    } else {
        f.category_code = q.service_code.clone();
        let end = q.end.unwrap_or_else(crate::now);
        f.received_before = Some(end + time::Duration::microseconds(1));
        f.received_from = Some(q.start.unwrap_or(end - time::Duration::days(90)));
        f.statuses = match q.status.as_deref().map(str::trim) {
            None | Some("") => Vec::new(),
            Some("open") => Status::ALL
                .iter()
                .filter(|s| !s.is_closed())
                .map(|s| s.as_str().to_string())
                .collect(),
            Some("closed") => Status::ALL
                .iter()
                .filter(|s| s.is_closed())
                .map(|s| s.as_str().to_string())
                .collect(),
            Some(other) => match Status::parse(other) {
                Some(s) => vec![s.as_str().to_string()],
                None => {
                    return Err(AppError::invalid("status", "status must be open or closed"));
                }
            },
        };
    }
    let mut out = Vec::new();
    for r in app.db.feedback_records(&f, MAX).await? {
        out.push(public_view(app, r).await?);
    }
    Ok(out)
}
