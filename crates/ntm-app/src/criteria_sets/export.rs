//! YAML export of any version, shipped or authored, in the `data/criteria` format.

use uuid::Uuid;

use crate::criteria::EMBEDDED;
use crate::{Actor, App, AppError};

/// The shipped file of `(set_id, version)` as it ships (public reference data):
/// `(file name, text)`.
pub fn shipped_yaml(app: &App, set_id: &str, version: &str) -> Result<(String, String), AppError> {
    let Some(s) = app.catalog.get(set_id, version) else {
        return Err(AppError::NotFound(format!("{set_id} version {version}")));
    };
    if let Some((name, text)) = EMBEDDED.iter().find(|(n, _)| *n == s.file) {
        return Ok((name.to_string(), text.to_string()));
    }
    // A file read at start-up (`--criteria-dir`): written from the resolved set.
    let a = ntm_domain::criteria::authoring::AuthoredSet::from_resolved(s);
    Ok((a.file_name(), a.to_yaml()))
}

/// An authored version's `ntm-criteria/1` document, for users who may read it:
/// `(file name, text)`. Import it into another province with
/// `versions::Source::Yaml`.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), id = %id))]
pub async fn version_yaml(
    app: &App,
    actor: &Actor,
    id: Uuid,
) -> Result<(String, String), AppError> {
    let v = super::get_version(app, actor, id).await?;
    Ok((v.content.file_name(), v.content.to_yaml()))
}
