//! What the workbook pages show, each in one call: the page of a unit (sets offered for the
//! year, the set chosen, whether the user may upload, what an applied upload wrote), the
//! preview of an upload (or the page again with the problem of the file), and applying an
//! upload (or what refused it, with the unit's name for the page).

use ntm_domain::authz::Permission;
use ntm_domain::units::{Level, Unit};

use super::preview::{AppliedUpload, FileProblem, UploadError, WorkbookPreview};
use super::upload::{applied_upload, apply_upload, restage_upload, stage_upload};
use super::{page_unit, sets_for};
use crate::criteria::SetSummary;
use crate::staged_uploads::UploadSource;
use crate::{Actor, App, AppError};

/// The workbook page of a unit.
#[derive(Debug, Clone)]
pub struct WorkbookPage {
    pub unit: Unit,
    /// The user may also enter values there (the upload form is offered).
    pub can_upload: bool,
    pub year: i32,
    /// Sets in force that year the unit can be evaluated on (at or below its level),
    /// commune sets first.
    pub sets: Vec<SetSummary>,
    /// The set asked for, else the first offered (empty: none).
    pub chosen: String,
    /// The chosen set is offered that year (downloads are offered).
    pub set_ok: bool,
    /// What the upload named in `?done=` wrote, for its uploader.
    pub applied: Option<AppliedUpload>,
}

/// The workbook page (`GET /units/{code}/workbook?set=&year=&done=`): `ViewUnits` on the
/// unit of the year ([`page_unit`]).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code, set = ?set, year = ?year))]
pub async fn page_view(
    app: &App,
    actor: &Actor,
    code: &str,
    set: Option<&str>,
    year: Option<i32>,
    done: Option<&str>,
) -> Result<WorkbookPage, AppError> {
    let set = set.map(str::trim).filter(|s| !s.is_empty());
    let (unit, can_upload, year) = page_unit(app, actor, code, set, year).await?;
    let mut levels = vec![Level::Commune];
    if unit.level != Level::Commune {
        levels.push(unit.level);
    }
    let mut sets = sets_for(app, year, &levels);
    sets.retain(|s| s.level >= unit.level);
    sets.sort_by(|a, b| {
        (a.level != Level::Commune, &a.id).cmp(&(b.level != Level::Commune, &b.id))
    });
    let chosen = set
        .map(str::to_string)
        .or_else(|| sets.first().map(|s| s.id.clone()))
        .unwrap_or_default();
    let set_ok = sets.iter().any(|s| s.id == chosen);
    let applied = match done {
        Some(id) => applied_upload(app, actor, code, id).await.ok().flatten(),
        None => None,
    };
    Ok(WorkbookPage {
        unit,
        can_upload,
        year,
        sets,
        chosen,
        set_ok,
        applied,
    })
}

/// An upload refused after it was read, with the unit's name for the page that says why.
#[derive(Debug)]
pub struct UploadFailure {
    /// Never [`UploadError::App`] (those are the use case's own error).
    pub error: UploadError,
    /// The unit's name (its code when it cannot be read).
    pub unit_name: String,
}

/// What a preview request gives.
#[derive(Debug)]
pub enum PreviewOutcome {
    Preview(WorkbookPreview),
    /// No file, or a file that is not a workbook of the product: the page again (with the
    /// set and year of the form) and the problem (`None`: no file).
    Refused {
        page: Box<WorkbookPage>,
        problem: Option<FileProblem>,
    },
    Failed(UploadFailure),
}

async fn failure(
    app: &App,
    actor: &Actor,
    code: &str,
    e: UploadError,
) -> Result<UploadFailure, AppError> {
    if let UploadError::App(inner) = e {
        return Err(inner);
    }
    let unit_name = page_unit(app, actor, code, None, None)
        .await
        .map(|(u, _, _)| u.name)
        .unwrap_or_else(|_| code.to_string());
    Ok(UploadFailure {
        error: e,
        unit_name,
    })
}

/// Previews an upload (`POST /units/{code}/workbook/preview`): a new file is staged
/// ([`stage_upload`]), a kept one previewed again ([`restage_upload`]); both check that the
/// actor may enter values on the unit before the file is read. `set` and `year` are those
/// of the page the form was on, to show it again after a refusal.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code))]
pub async fn upload_preview(
    app: &App,
    actor: &Actor,
    code: &str,
    source: UploadSource,
    set: Option<&str>,
    year: Option<i32>,
) -> Result<PreviewOutcome, AppError> {
    let now = crate::now();
    let result = match source {
        UploadSource::File { name, bytes } => {
            stage_upload(app, actor, code, &name, bytes, now).await
        }
        UploadSource::Staged(id) => restage_upload(app, actor, code, &id, now).await,
        UploadSource::Missing => {
            // The page itself checks the view of the unit.
            let page = page_view(app, actor, code, set, year, None).await?;
            return Ok(PreviewOutcome::Refused {
                page: Box::new(page),
                problem: None,
            });
        }
    };
    match result {
        Ok(p) => Ok(PreviewOutcome::Preview(p)),
        Err(UploadError::File(p)) => {
            let page = page_view(app, actor, code, set, year, None).await?;
            Ok(PreviewOutcome::Refused {
                page: Box::new(page),
                problem: Some(p),
            })
        }
        Err(e) => Ok(PreviewOutcome::Failed(failure(app, actor, code, e).await?)),
    }
}

/// Applies a previewed upload (`POST /units/{code}/workbook/apply`, [`apply_upload`]: the
/// actor's right to enter values on the unit is checked before the upload is read).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code))]
pub async fn upload_apply(
    app: &App,
    actor: &Actor,
    code: &str,
    upload_id: &str,
    apply_valid: bool,
) -> Result<Result<AppliedUpload, UploadFailure>, AppError> {
    match apply_upload(app, actor, code, upload_id, apply_valid, crate::now()).await {
        Ok(a) => Ok(Ok(a)),
        Err(e) => Ok(Err(failure(app, actor, code, e).await?)),
    }
}

/// The actor may enter values on a record of `unit_code` (the record of the file's year is
/// checked again once the file says which year): checked before an upload is read, so a
/// file is never opened for someone who may not enter values there. An unknown code is left
/// to the file's analysis.
pub(super) async fn require_enter_before_reading(
    app: &App,
    actor: &Actor,
    unit_code: &str,
) -> Result<(), AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let versions = app.db.unit_versions(unit_code).await?;
    let mut refusal = None;
    for u in versions.iter().rev() {
        match crate::criteria::require_on_unit(app, actor, Permission::EnterObservations, u).await {
            Ok(()) => return Ok(()),
            Err(e @ (AppError::Forbidden(_) | AppError::Unauthorized(_))) => {
                refusal.get_or_insert(e);
            }
            Err(e) => return Err(e),
        }
    }
    refusal.map_or(Ok(()), Err)
}
