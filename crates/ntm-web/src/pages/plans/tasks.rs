//! `POST /plans/{id}/tasks/{task}`: a new status of a task (province officers).

use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::AppState;
use crate::urls::Urls;

#[derive(Debug, Deserialize)]
pub struct TaskForm {
    pub status: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub year: String,
}

/// `POST /plans/{id}/tasks/{task}`: a new status of a task (province officers).
pub async fn task_post(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, task)): Path<(String, String)>,
    Form(f): Form<TaskForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let expected = match f.version.trim() {
        "" => None,
        v => Some(
            v.parse::<i64>()
                .map_err(|_| WebError::invalid("version", format!("bad version {v}")))?,
        ),
    };
    ntm_app::plans::set_task_status(
        &st.app,
        &ctx.actor(),
        &id,
        &task,
        &f.status,
        &f.note,
        expected,
    )
    .await?;
    let year = f.year.trim().parse::<i32>().ok();
    Ok(Redirect::to(&Urls::plan_task_done(&id, year, &task)).into_response())
}
