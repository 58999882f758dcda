//! Measures of a unit over a period (`ntm_domain::feedback::measures`), computed from the
//! records with the reports behind each figure: the one use case plan metrics and
//! smart-commune indicators will read.

use ntm_domain::authz::Permission;
use ntm_domain::feedback::{self as fb, Measures, Record, Status};
use ntm_domain::units::Unit;
use time::Date;

use super::inbox::{InboxRow, row};
use crate::access::require_on_unit;
use crate::{Actor, App, AppError, today};

#[derive(Debug, Clone)]
pub struct MeasuresView {
    pub unit: Unit,
    pub measures: Measures,
}

/// The measures of `unit_code`'s reports (the unit and its subtree) received between `from`
/// and `to` (both included), as of today. Needs `HandleFeedback` or `ViewUnits` on the unit.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code))]
pub async fn measures(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    from: Date,
    to: Date,
) -> Result<MeasuresView, AppError> {
    let unit = crate::units::latest_record(app, unit_code.trim()).await?;
    require_on_unit(app, actor, Permission::ViewUnits, &unit).await?;
    if to < from || (to - from).whole_days() > 3660 {
        return Err(AppError::invalid(
            "to",
            "khoảng thời gian không hợp lệ — bad period",
        ));
    }
    Ok(MeasuresView {
        measures: compute_measures(app, &unit, from, to, today()).await?,
        unit,
    })
}

/// The measures of `unit`'s reports received between `from` and `to`, as of `as_of`, without
/// a permission check: for [`measures`] and the computed indicators (`crate::measures`).
pub(crate) async fn compute_measures(
    app: &App,
    unit: &Unit,
    from: Date,
    to: Date,
    as_of: Date,
) -> Result<Measures, AppError> {
    let recs = app.db.feedback_for_measures(&unit.path, from, to).await?;
    let records: Vec<Record> = recs
        .iter()
        .map(|r| Record {
            id: r.id,
            status: Status::parse(&r.status).unwrap_or(Status::Received),
            received_at: r.received_at,
            received_on: r.received_on,
            due_on: r.due_on,
            closed_at: r.closed_at,
            closed_on: r.closed_on,
            rating: r.rating.and_then(|x| u8::try_from(x).ok()),
        })
        .collect();
    Ok(fb::measures(&records, from, to, as_of))
}

/// The reports behind one figure (`received`, `on_time`, `on_time_of`, `resolved`, `rated`,
/// `satisfied`).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code))]
pub async fn measure_reports(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    from: Date,
    to: Date,
    key: &str,
) -> Result<(MeasuresView, Vec<InboxRow>), AppError> {
    let v = measures(app, actor, unit_code, from, to).await?;
    let m = &v.measures;
    let ids = match key {
        "received" => &m.received.ids,
        "on_time" => &m.on_time.ids,
        "on_time_of" => &m.on_time.of,
        "resolved" => &m.mean_days_to_resolve.ids,
        "rated" => &m.mean_rating.ids,
        "satisfied" => &m.satisfied.ids,
        _ => return Err(AppError::NotFound(format!("figure {key}"))),
    }
    .clone();
    let rows = app
        .db
        .feedback_by_ids(&ids)
        .await?
        .into_iter()
        .map(row)
        .collect();
    Ok((v, rows))
}
