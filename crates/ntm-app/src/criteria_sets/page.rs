//! What the criteria-version editor's pages show, each in one call: the version with
//! whether the actor may edit it and the set it extends ([`version_page`]), an edit that
//! comes back with the page when refused ([`edit_on_page`], [`indicator_on_page`] with its
//! basis file), and publishing ([`publish_on_page`]).

use ntm_domain::criteria::ResolvedSet;
use ntm_domain::criteria::authoring::IndicatorInput;
use uuid::Uuid;

use super::edit::{Edit, edit_version, store_basis_file};
use super::publish::publish_version;
use super::{VersionView, base_set, can_manage, get_version};
use crate::{Actor, App, AppError};

/// A version as its editor shows it.
#[derive(Debug, Clone)]
pub struct VersionPage {
    pub version: VersionView,
    /// A draft the actor may change (the forms are shown).
    pub can_edit: bool,
    /// The set the version extends, resolved (its inherited indicators and thresholds);
    /// `None` when it cannot be resolved.
    pub base: Option<ResolvedSet>,
}

/// `GET /criteria-versions/{id}` (and the indicator form): [`get_version`] (its
/// permission), then whether the actor may edit it and the base set.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), id = %id))]
pub async fn version_page(app: &App, actor: &Actor, id: Uuid) -> Result<VersionPage, AppError> {
    let version = get_version(app, actor, id).await?;
    let can_edit = !version.is_published() && can_manage(app, actor, &version.scope).await;
    let base = base_set(app, &version.content).await.ok().flatten();
    Ok(VersionPage {
        version,
        can_edit,
        base,
    })
}

/// What an edit did.
#[derive(Debug)]
pub enum EditOutcome {
    Saved(Box<VersionView>),
    /// Refused (`Validation` or `Conflict`): why, and the version as it is for the form.
    Refused {
        error: AppError,
        page: Box<VersionPage>,
    },
}

async fn outcome(
    app: &App,
    actor: &Actor,
    id: Uuid,
    result: Result<VersionView, AppError>,
) -> Result<EditOutcome, AppError> {
    match result {
        Ok(v) => Ok(EditOutcome::Saved(Box::new(v))),
        Err(error @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let page = version_page(app, actor, id).await?;
            Ok(EditOutcome::Refused {
                error,
                page: Box::new(page),
            })
        }
        Err(e) => Err(e),
    }
}

/// `POST /criteria-versions/{id}/meta`, `…/criteria`, `…/remove`: one edit
/// ([`edit_version`]: its permission and rules).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), id = %id))]
pub async fn edit_on_page(
    app: &App,
    actor: &Actor,
    id: Uuid,
    revision: i64,
    edit: Edit,
) -> Result<EditOutcome, AppError> {
    let result = edit_version(app, actor, id, revision, edit).await;
    outcome(app, actor, id, result).await
}

/// `POST /criteria-versions/{id}/indicator`: the version is read first ([`get_version`]:
/// its permission), the basis file kept ([`store_basis_file`]), then the indicator made
/// from the form and the kept file's (sha256, name) is saved ([`edit_version`]).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), id = %id))]
pub async fn indicator_on_page(
    app: &App,
    actor: &Actor,
    id: Uuid,
    revision: i64,
    basis_file: Option<(String, Vec<u8>)>,
    input: impl FnOnce(Option<(String, String)>) -> IndicatorInput,
) -> Result<EditOutcome, AppError> {
    let mut result = Ok(get_version(app, actor, id).await?);
    let mut stored = None;
    if let Some((name, bytes)) = basis_file {
        match store_basis_file(app, actor, id, &name, bytes).await {
            Ok(f) => stored = Some(f),
            Err(e) => result = Err(e),
        }
    }
    if result.is_ok() {
        result = edit_version(app, actor, id, revision, Edit::Indicator(input(stored))).await;
    }
    outcome(app, actor, id, result).await
}

/// What publishing did.
#[derive(Debug)]
pub enum PublishOutcome {
    Published(Box<VersionView>),
    /// Refused (`Validation` or `Conflict`): why, and the version as it is.
    Refused {
        error: AppError,
        version: Box<VersionView>,
    },
}

/// `POST /criteria-versions/{id}/publish` ([`publish_version`]: its permission and rules).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), id = %id))]
pub async fn publish_on_page(
    app: &App,
    actor: &Actor,
    id: Uuid,
    revision: i64,
) -> Result<PublishOutcome, AppError> {
    match publish_version(app, actor, id, revision).await {
        Ok(v) => Ok(PublishOutcome::Published(Box::new(v))),
        Err(error @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let version = get_version(app, actor, id).await?;
            Ok(PublishOutcome::Refused {
                error,
                version: Box::new(version),
            })
        }
        Err(e) => Err(e),
    }
}
