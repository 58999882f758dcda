//! What the groups pages show after a change, each in one call: assigning one commune,
//! previewing an upload, applying it. A refusal (`Validation`, and `Conflict` when applying)
//! comes back with the province's groups ([`list`]) for the page to show again.

use super::xlsx::{GroupsPreview, apply, preview};
use super::{AssignInput, ProvinceGroups, assign, list};
use crate::authz::Actor;
use crate::{App, AppError};

/// What a change from the groups page did.
#[derive(Debug)]
pub enum GroupsChange<T> {
    Done(T),
    /// Nothing written: why, and the province's groups for the page.
    Refused {
        error: AppError,
        groups: Box<ProvinceGroups>,
    },
}

async fn refused<T>(
    app: &App,
    actor: &Actor,
    province_code: &str,
    error: AppError,
) -> Result<GroupsChange<T>, AppError> {
    let groups = list(app, actor, province_code).await?;
    Ok(GroupsChange::Refused {
        error,
        groups: Box::new(groups),
    })
}

/// `POST /units/{code}/groups`: one commune ([`assign`]: its permission); invalid input
/// comes back with the page.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %province_code))]
pub async fn assign_on_page(
    app: &App,
    actor: &Actor,
    province_code: &str,
    input: AssignInput,
) -> Result<GroupsChange<()>, AppError> {
    match assign(app, actor, province_code, input).await {
        Ok(_) => Ok(GroupsChange::Done(())),
        Err(e @ AppError::Validation(_)) => refused(app, actor, province_code, e).await,
        Err(e) => Err(e),
    }
}

/// `POST /units/{code}/groups/upload`: the preview of a file ([`preview`]: its permission)
/// with the province's groups (its name for the page); `None` when the form sent no file
/// (refused with `no_file`, the page's words).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %province_code))]
pub async fn preview_on_page(
    app: &App,
    actor: &Actor,
    province_code: &str,
    file: Option<(String, Vec<u8>)>,
    no_file: String,
) -> Result<GroupsChange<(GroupsPreview, Box<ProvinceGroups>)>, AppError> {
    let result = match file {
        Some((name, bytes)) if !name.is_empty() && !bytes.is_empty() => {
            preview(app, actor, province_code, &name, bytes, crate::now()).await
        }
        _ => Err(AppError::invalid("file", no_file)),
    };
    match result {
        Ok(p) => {
            let groups = list(app, actor, province_code).await?;
            Ok(GroupsChange::Done((p, Box::new(groups))))
        }
        Err(e @ AppError::Validation(_)) => refused(app, actor, province_code, e).await,
        Err(e) => Err(e),
    }
}

/// `POST /units/{code}/groups/apply`: all or nothing ([`apply`]: its permission first);
/// how many communes changed, or why not with the page.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %province_code))]
pub async fn apply_on_page(
    app: &App,
    actor: &Actor,
    province_code: &str,
    upload_id: &str,
) -> Result<GroupsChange<usize>, AppError> {
    match apply(app, actor, province_code, upload_id, crate::now()).await {
        Ok(n) => Ok(GroupsChange::Done(n)),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            refused(app, actor, province_code, e).await
        }
        Err(e) => Err(e),
    }
}
