//! The officers' list: the reports a unit answers (its subtree), newest first, filtered by
//! status, category, assignee and overdue, paged by key (`received_at`, id), never by offset.

use ntm_domain::authz::Permission;
use ntm_domain::feedback::{Status, Timeliness, timeliness};
use ntm_domain::units::{Level, Unit};
use ntm_store::{FeedbackFilter, FeedbackListRow};
use time::OffsetDateTime;
use uuid::Uuid;

use super::settings::CategoryView;
use crate::access::require_on_unit;
use crate::{Actor, App, AppError, today};

pub const PAGE: u64 = 50;

#[derive(Debug, Clone, Default)]
pub struct InboxQuery {
    /// The unit whose reports are listed; default: the actor's first unit.
    pub unit: String,
    /// A status, `open`, or empty for all.
    pub status: String,
    pub category: String,
    pub overdue: bool,
    pub mine: bool,
    /// The key of the last row seen (`next` of the previous page).
    pub after: String,
}

#[derive(Debug, Clone)]
pub struct InboxRow {
    pub id: Uuid,
    pub tracking_code: String,
    pub category_code: String,
    pub excerpt: String,
    pub responsible_code: String,
    pub status: Status,
    pub received_at: OffsetDateTime,
    pub due_on: time::Date,
    pub timeliness: Timeliness,
    pub assigned: bool,
}

#[derive(Debug, Clone)]
pub struct InboxPage {
    pub unit: Unit,
    /// The units the actor may list (its grants' units).
    pub units: Vec<Unit>,
    pub categories: Vec<CategoryView>,
    pub rows: Vec<InboxRow>,
    pub next: Option<String>,
    pub query: InboxQuery,
}

fn key_text(r: &FeedbackListRow) -> String {
    format!("{}_{}", r.received_at.unix_timestamp_nanos() / 1000, r.id)
}

fn parse_key(s: &str) -> Option<(OffsetDateTime, Uuid)> {
    let (t, id) = s.split_once('_')?;
    let micros: i128 = t.parse().ok()?;
    let at = OffsetDateTime::from_unix_timestamp_nanos(micros * 1000).ok()?;
    Some((at, Uuid::parse_str(id).ok()?))
}

pub(crate) fn row(r: FeedbackListRow) -> InboxRow {
    let status = Status::parse(&r.status).unwrap_or(Status::Received);
    let mut excerpt: String = r.body.chars().take(140).collect();
    if r.body.chars().count() > 140 {
        excerpt.push('…');
    }
    InboxRow {
        timeliness: timeliness(status, r.due_on, r.closed_on, today()),
        id: r.id,
        tracking_code: r.tracking_code,
        category_code: r.category_code,
        excerpt,
        responsible_code: r.responsible_code,
        status,
        received_at: r.received_at,
        due_on: r.due_on,
        assigned: r.assignee_id.is_some(),
    }
}

/// The filter of a unit (its subtree; the province: every report of the province).
pub(crate) fn unit_filter(unit: &Unit) -> FeedbackFilter {
    FeedbackFilter {
        province_code: unit.province_code.clone(),
        responsible_code: (unit.level == Level::Commune).then(|| unit.code.clone()),
        path_prefix: (unit.level == Level::District).then(|| unit.path.clone()),
        ..FeedbackFilter::default()
    }
}

/// One page of the inbox.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %q.unit))]
pub async fn inbox(app: &App, actor: &Actor, q: InboxQuery) -> Result<InboxPage, AppError> {
    let mut units = Vec::new();
    for g in actor.grants() {
        if g.role.allows(Permission::HandleFeedback)
            && let Some(code) = &g.scope_code
            && let Ok(u) = crate::units::latest_record(app, code).await
        {
            units.push(u);
        }
    }
    let code = if q.unit.trim().is_empty() {
        units
            .first()
            .map(|u| u.code.clone())
            .ok_or_else(|| AppError::Forbidden("no unit to handle feedback for".into()))?
    } else {
        q.unit.trim().to_string()
    };
    let unit = crate::units::latest_record(app, &code).await?;
    require_on_unit(app, actor, Permission::HandleFeedback, &unit).await?;
    let mut f = unit_filter(&unit);
    f.statuses = match q.status.trim() {
        "" => Vec::new(),
        "open" => vec![
            "received".into(),
            "transferred".into(),
            "accepted".into(),
            "in_progress".into(),
        ],
        s => match Status::parse(s) {
            Some(st) => vec![st.as_str().into()],
            None => {
                return Err(AppError::invalid(
                    "status",
                    "trạng thái không hợp lệ — unknown status",
                ));
            }
        },
    };
    f.category_code = Some(q.category.trim().to_string()).filter(|c| !c.is_empty());
    f.overdue_on = q.overdue.then(today);
    if q.mine
        && let Actor::User { id, .. } = actor
    {
        f.assignee_id = Some(*id);
    }
    let after =
        if q.after.trim().is_empty() {
            None
        } else {
            Some(parse_key(q.after.trim()).ok_or_else(|| {
                AppError::invalid("after", "khoá trang không hợp lệ — bad page key")
            })?)
        };
    let mut rows = app.db.feedback_list(&f, after, PAGE + 1).await?;
    let next = if rows.len() as u64 > PAGE {
        rows.truncate(PAGE as usize);
        rows.last().map(key_text)
    } else {
        None
    };
    Ok(InboxPage {
        categories: super::settings::categories(app, &unit.province_code).await?,
        rows: rows.into_iter().map(row).collect(),
        next,
        unit,
        units,
        query: q,
    })
}
