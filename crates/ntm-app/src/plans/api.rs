//! The plan dashboard for the REST API: [`progress_for`] picks the year the dashboard shows
//! by default (`Plan::default_year`) when the client names none.

use super::{PlanProgress, plan_by_id, plan_progress};
use crate::{Actor, App, AppError};

/// [`plan_progress`] of `plan_id` for `year` (default: this year within the plan's years)
/// over the plan's province or, with `unit`, the units under it. Same permission: `ViewUnits`
/// on the unit.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), plan = %plan_id))]
pub async fn progress_for(
    app: &App,
    actor: &Actor,
    plan_id: &str,
    year: Option<i32>,
    unit: Option<&str>,
) -> Result<PlanProgress, AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let plan = plan_by_id(plan_id)?;
    let year = year.unwrap_or_else(|| plan.default_year(crate::today().year()));
    plan_progress(app, actor, plan_id, year, unit).await
}
