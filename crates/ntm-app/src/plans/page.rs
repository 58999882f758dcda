//! What the plan pages show, each in one call: the dashboard of a plan for a year (targets
//! filtered by agency and level with their row texts, counts per status, the measures'
//! entry pages, the tasks and whether the actor may change them) and a target's
//! drill-down. The year defaults to this year within the plan's years.

use ntm_domain::plans::{Plan, TargetStatus};
use ntm_domain::units::Level;

use super::catalog::{measure, plan_by_id};
use super::progress::{PlanProgress, TargetProgress, plan_progress};
use super::tasks::{TaskView, can_edit_tasks, tasks};
use crate::exports::{Labels, TargetTexts, shows, target_status_text, target_texts};
use crate::{Actor, App, AppError};

/// Which figures a plan page asks for: the year (`None`: this year within the plan's
/// years), the unit (`None`: the plan's province) and the dashboard's filters.
#[derive(Debug, Clone, Copy, Default)]
pub struct PlanQuery<'a> {
    pub year: Option<i32>,
    pub unit: Option<&'a str>,
    /// Lead agency (empty: every agency).
    pub agency: &'a str,
    pub level: Option<Level>,
}

/// The year asked for, else this year kept within the plan's years
/// ([`Plan::default_year`], as `ntm export plan`).
pub(crate) fn year_of(plan: &Plan, year: Option<i32>) -> i32 {
    year.unwrap_or_else(|| plan.default_year(crate::today().year()))
}

/// A target shown on the dashboard, with the texts of its row.
#[derive(Debug, Clone)]
pub struct PlanRow {
    pub target: TargetProgress,
    pub texts: TargetTexts,
}

/// How many shown targets have a status.
#[derive(Debug, Clone)]
pub struct StatusCount {
    pub status: TargetStatus,
    /// "Đạt", "Đúng tiến độ", …
    pub label: String,
    pub count: usize,
}

/// The plan dashboard's data.
#[derive(Debug, Clone)]
pub struct PlanPage {
    /// The plan's progress; its `targets` are the ones the filters keep.
    pub progress: PlanProgress,
    /// The rows of the targets kept, in the plan's order.
    pub rows: Vec<PlanRow>,
    /// Every status with the number of targets kept that have it.
    pub counts: Vec<StatusCount>,
    /// The levels of all the plan's targets (for the filter), in order.
    pub levels: Vec<Level>,
    /// The lead agencies of the plan (for the filter).
    pub agencies: Vec<String>,
    /// The measures entered for the plan's targets: (code, name), sorted.
    pub measures: Vec<(String, String)>,
    pub tasks: Vec<TaskView>,
    pub can_edit_tasks: bool,
}

/// The plan dashboard (`GET /plans/{id}`). Permission as [`plan_progress`] (`ViewUnits` on
/// the unit asked for); the tasks need a view of the plan's province, as [`tasks`].
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), plan = %plan_id, unit = ?q.unit, year = ?q.year))]
pub async fn page_view(
    app: &App,
    actor: &Actor,
    plan_id: &str,
    q: &PlanQuery<'_>,
    labels: &dyn Labels,
) -> Result<PlanPage, AppError> {
    let plan = plan_by_id(plan_id)?;
    let mut progress = plan_progress(app, actor, plan_id, year_of(plan, q.year), q.unit).await?;
    let mut levels: Vec<Level> = progress
        .targets
        .iter()
        .flat_map(|t| t.levels.clone())
        .collect();
    levels.sort();
    levels.dedup();
    progress.targets.retain(|t| shows(t, q.agency, q.level));
    let counts = TargetStatus::ALL
        .into_iter()
        .map(|s| StatusCount {
            status: s,
            label: target_status_text(labels, s),
            count: progress.targets.iter().filter(|t| t.status == s).count(),
        })
        .collect();
    let rows = progress
        .targets
        .iter()
        .map(|t| PlanRow {
            texts: target_texts(labels, t),
            target: t.clone(),
        })
        .collect();
    let mut measures: Vec<(String, String)> = plan
        .targets
        .iter()
        .filter_map(|t| t.metric.measure_code())
        .filter_map(measure)
        .map(|m| (m.code.clone(), m.name_vi.clone()))
        .collect();
    measures.sort();
    measures.dedup();
    let (tasks, can_edit_tasks) = if plan.tasks.is_empty() {
        (Vec::new(), false)
    } else {
        (
            tasks(app, actor, plan_id).await?,
            can_edit_tasks(app, actor, plan_id).await,
        )
    };
    Ok(PlanPage {
        progress,
        rows,
        counts,
        levels,
        agencies: plan.agencies(),
        measures,
        tasks,
        can_edit_tasks,
    })
}

/// A target's drill-down: the plan, the year and the target with its figures, and the
/// texts of its row and statuses.
#[derive(Debug, Clone)]
pub struct TargetPage {
    pub plan_name: String,
    pub year: i32,
    pub row: PlanRow,
    /// The status label of each level's figure, in `row.target.per_level` order.
    pub level_status: Vec<String>,
    /// The status label of each trend point, in `row.target.trend` order.
    pub trend_status: Vec<String>,
}

/// A target of a plan for a year (`GET /plans/{id}/targets/{code}`). Permission as
/// [`plan_progress`]; an unknown target is `NotFound`.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), plan = %plan_id, target = %target_code, unit = ?q.unit, year = ?q.year))]
pub async fn target_view(
    app: &App,
    actor: &Actor,
    plan_id: &str,
    target_code: &str,
    q: &PlanQuery<'_>,
    labels: &dyn Labels,
) -> Result<TargetPage, AppError> {
    let plan = plan_by_id(plan_id)?;
    let progress = plan_progress(app, actor, plan_id, year_of(plan, q.year), q.unit).await?;
    let Some(target) = progress.targets.into_iter().find(|t| t.code == target_code) else {
        return Err(AppError::NotFound(format!(
            "target {target_code} of {plan_id}"
        )));
    };
    Ok(TargetPage {
        plan_name: progress.plan.name,
        year: progress.year,
        level_status: target
            .per_level
            .iter()
            .map(|l| target_status_text(labels, l.status))
            .collect(),
        trend_status: target
            .trend
            .iter()
            .map(|p| target_status_text(labels, p.status))
            .collect(),
        row: PlanRow {
            texts: target_texts(labels, &target),
            target,
        },
    })
}
