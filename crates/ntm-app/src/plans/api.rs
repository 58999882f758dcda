//! The plan dashboard for the REST API: [`progress_for`] picks the year the dashboard shows
//! by default when the client names none.

use ntm_domain::plans::Plan;

use super::{PlanProgress, plan_by_id, plan_progress};
use crate::{Actor, App, AppError};

/// The year shown when none is asked: this year, within the plan's years.
pub fn default_year(plan: &Plan) -> i32 {
    let years = plan.years();
    crate::today().year().min(*years.end()).max(*years.start())
}

/// [`plan_progress`] of `plan_id` for `year` (default: [`default_year`]) over the plan's
/// province or, with `unit`, the units under it. Same permission: `ViewUnits` on the unit.
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
    let year = year.unwrap_or_else(|| default_year(plan));
    plan_progress(app, actor, plan_id, year, unit).await
}
