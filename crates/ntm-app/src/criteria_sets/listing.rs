//! The criteria-sets page of a scope (a province, or [`NATIONAL`]) in one call: the authored
//! versions, whether the user may create and edit there, the province's name, the shipped
//! sets and which of them are national (the sources a new version may start from).

use time::Date;

use super::versions::{NewVersion, Source, create_version};
use super::{NATIONAL, VersionView, can_manage, list_versions, national_set_ids, scope_name};
use crate::criteria::{SetSummary, list_sets};
use crate::{Actor, App, AppError};

/// Everything the criteria-sets page of a scope shows.
#[derive(Debug, Clone)]
pub struct ScopePage {
    /// The authored versions of the scope.
    pub versions: Vec<VersionView>,
    /// The user may create and edit versions here (the forms are shown).
    pub can_manage: bool,
    /// The province's name on the day asked; none for the national scope or a code that
    /// names no unit that day.
    pub scope_name: Option<String>,
    /// The shipped sets (every version), each exportable.
    pub shipped: Vec<SetSummary>,
    /// Ids of the shipped national sets ([`national_set_ids`]).
    pub national_set_ids: Vec<String>,
}

/// The page of `scope` for `actor`: signed-in users for the national scope, `ViewUnits` on
/// the province otherwise (checked first, by [`list_versions`]).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %scope))]
pub async fn scope_page(
    app: &App,
    actor: &Actor,
    scope: &str,
    date: Date,
) -> Result<ScopePage, AppError> {
    let versions = list_versions(app, actor, scope).await?;
    let can_manage = can_manage(app, actor, scope).await;
    let scope_name = if scope == NATIONAL {
        None
    } else {
        scope_name(app, actor, scope, date).await?
    };
    Ok(ScopePage {
        versions,
        can_manage,
        scope_name,
        shipped: list_sets(app),
        national_set_ids: national_set_ids(app),
    })
}

/// What creating a version from the criteria-sets page did.
#[derive(Debug)]
pub enum CreatedOnPage {
    Created(Box<VersionView>),
    /// Refused (`Validation` or `Conflict`): why, and the page to show again with the form.
    Refused {
        error: AppError,
        page: ScopePage,
    },
}

/// `POST /criteria-sets/{scope}/new` and `…/import`: creates a draft from `source`
/// ([`create_version`]: its permission; a source the form could not read comes as
/// `Err`, worded by the caller); a refusal comes back with the page ([`scope_page`]).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %scope))]
pub async fn create_on_page(
    app: &App,
    actor: &Actor,
    scope: &str,
    source: Result<Source, AppError>,
    form: &NewVersion,
    date: Date,
) -> Result<CreatedOnPage, AppError> {
    let result = match source {
        Ok(source) => create_version(app, actor, scope, source, form).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(v) => Ok(CreatedOnPage::Created(Box::new(v))),
        Err(error @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let page = scope_page(app, actor, scope, date).await?;
            Ok(CreatedOnPage::Refused { error, page })
        }
        Err(e) => Err(e),
    }
}
