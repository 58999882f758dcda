//! The tasks of a plan and their statuses.

use std::collections::HashMap;

use ntm_domain::authz::Permission;
use ntm_domain::dossier::campaign::VN_OFFSET;
use ntm_domain::plans::{self, TaskStatus};
use serde::Serialize;
use uuid::Uuid;

use crate::{Actor, App, AppError, now};

use super::catalog::plan_by_id;
use super::list::{province_record, require_view};

/// A task of the plan with its current status.
#[derive(Debug, Clone, Serialize)]
pub struct TaskView {
    pub task: plans::PlanTask,
    pub status: TaskStatus,
    /// Not done after 31/12 of the task's last year (derived, never stored).
    pub late: bool,
    pub note: String,
    pub version: Option<i64>,
    pub changed_by: Option<String>,
    pub changed_on: Option<String>,
}

/// The plan's task list with statuses (`ViewUnits` on the plan's province).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), plan = %plan_id))]
pub async fn tasks(app: &App, actor: &Actor, plan_id: &str) -> Result<Vec<TaskView>, AppError> {
    let plan = plan_by_id(plan_id)?;
    let prov = province_record(app, &plan.province, crate::today().year()).await?;
    require_view(app, actor, &prov).await?;
    let current: HashMap<String, ntm_store::TaskStatusRecord> = app
        .db
        .current_task_statuses(&plan.id)
        .await?
        .into_iter()
        .map(|r| (r.task_code.clone(), r))
        .collect();
    let today = crate::today();
    Ok(plan
        .tasks
        .iter()
        .map(|t| {
            let rec = current.get(&t.code);
            let status = rec
                .and_then(|r| TaskStatus::parse(&r.status))
                .unwrap_or(TaskStatus::NotStarted);
            TaskView {
                task: t.clone(),
                status,
                late: t.is_late(status, today),
                note: rec.map(|r| r.note.clone()).unwrap_or_default(),
                version: rec.map(|r| r.version),
                changed_by: rec.map(|r| r.created_by.clone()),
                changed_on: rec.map(|r| {
                    ntm_domain::text::format_date_vi(r.created_at.to_offset(VN_OFFSET).date())
                }),
            }
        })
        .collect())
}

/// Sets a task's status (a new version, audited). Province officers (and admins): needs
/// `ManageCriteria` on the plan's province. `expected_version` = the version seen.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), plan = %plan_id))]
pub async fn set_task_status(
    app: &App,
    actor: &Actor,
    plan_id: &str,
    task_code: &str,
    status: &str,
    note: &str,
    expected_version: Option<i64>,
) -> Result<ntm_store::TaskStatusRecord, AppError> {
    let plan = plan_by_id(plan_id)?;
    let prov = province_record(app, &plan.province, crate::today().year()).await?;
    crate::criteria::require_on_unit(app, actor, Permission::ManageCriteria, &prov).await?;
    if !plan.tasks.iter().any(|t| t.code == task_code) {
        return Err(AppError::NotFound(format!("task {task_code} of {plan_id}")));
    }
    let Some(st) = TaskStatus::parse(status) else {
        return Err(AppError::invalid(
            "status",
            format!("`{status}`: one of not_started, in_progress, done"),
        ));
    };
    if note.chars().count() > 2000 {
        return Err(AppError::invalid("note", "at most 2000 characters"));
    }
    let rec = ntm_store::TaskStatusRecord {
        id: Uuid::now_v7(),
        plan_id: plan.id.clone(),
        task_code: task_code.to_string(),
        version: expected_version.unwrap_or(0) + 1,
        status: st.as_str().to_string(),
        note: note.trim().to_string(),
        created_by: actor.audit_name(),
        created_at: now(),
    };
    let detail =
        serde_json::json!({"status": st.as_str(), "version": rec.version, "note": rec.note});
    Ok(app
        .db
        .insert_task_status(
            &rec,
            expected_version,
            actor.audit_entry(
                "plan.task.status",
                &format!("plan-task:{plan_id}:{task_code}"),
                detail,
            ),
        )
        .await?)
}

/// May the actor change task statuses of the plan (province officers, admins)?
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), plan = %plan_id))]
pub async fn can_edit_tasks(app: &App, actor: &Actor, plan_id: &str) -> bool {
    let Ok(plan) = plan_by_id(plan_id) else {
        return false;
    };
    let Ok(prov) = province_record(app, &plan.province, crate::today().year()).await else {
        return false;
    };
    crate::criteria::require_on_unit(app, actor, Permission::ManageCriteria, &prov)
        .await
        .is_ok()
}
