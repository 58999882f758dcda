//! The plans page of a unit in one call: the plans of its province (with its predecessors')
//! and the predecessors for the "Trước sáp nhập" box.

use super::list::{PlanSummary, list_plans};
use crate::history::{Predecessor, predecessors};
use crate::{Actor, App, AppError};

/// What `GET /units/{code}/plans` shows.
#[derive(Debug, Clone)]
pub struct PlanListPage {
    pub plans: Vec<PlanSummary>,
    /// The units merged into this one that the actor sees (empty when none).
    pub history: Vec<Predecessor>,
}

/// The plans of the unit's province ([`list_plans`]: its permission) and the unit's
/// predecessors.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code))]
pub async fn list_page(app: &App, actor: &Actor, code: &str) -> Result<PlanListPage, AppError> {
    let plans = list_plans(app, actor, code).await?;
    let history = match predecessors(app, actor, code).await {
        Ok(h) => h,
        Err(AppError::NotFound(_)) => Vec::new(),
        Err(e) => return Err(e),
    };
    Ok(PlanListPage { plans, history })
}
