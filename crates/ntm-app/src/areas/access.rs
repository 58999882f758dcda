//! Permission checks on an area.

use ntm_domain::authz::Permission;
use ntm_domain::units::Unit;
use ntm_store::{AreaRecord, OcopProducerRecord};

use crate::access::require_on_unit;
use crate::{Actor, App, AppError};

/// Is the account the owner of one of these producer records?
pub(super) fn owns_any(actor: &Actor, owners: &[OcopProducerRecord]) -> bool {
    matches!(actor, Actor::User { id, .. } if owners.iter().any(|p| p.owner_user_id == Some(*id)))
}

/// Does the actor hold an officer's OCOP role anywhere (or is the command line)?
pub(super) fn is_officer(actor: &Actor) -> bool {
    matches!(actor, Actor::Cli { .. })
        || actor
            .grants()
            .iter()
            .any(|g| g.role.allows(Permission::ManageOcop) || g.role.allows(Permission::ScoreOcop))
}

/// May the actor change the area? Officers with `ManageOcop` on its commune; an owner's
/// account with `ManageOwnOcop` there.
pub(super) async fn require_manage(
    app: &App,
    actor: &Actor,
    unit: &Unit,
    owners: &[OcopProducerRecord],
) -> Result<(), AppError> {
    let officer = require_on_unit(app, actor, Permission::ManageOcop, unit).await;
    if officer.is_ok() {
        return officer;
    }
    if owns_any(actor, owners) {
        return require_on_unit(app, actor, Permission::ManageOwnOcop, unit).await;
    }
    officer
}

/// May the actor see the area (officers who see its unit, its owners)?
pub(super) async fn require_view(
    app: &App,
    actor: &Actor,
    unit: &Unit,
    owners: &[OcopProducerRecord],
) -> Result<(), AppError> {
    if owns_any(actor, owners) {
        return Ok(());
    }
    require_on_unit(app, actor, Permission::ViewUnits, unit).await?;
    if is_officer(actor) {
        Ok(())
    } else {
        Err(AppError::Forbidden("another producer's area".into()))
    }
}

/// The area, its commune record and its owners.
pub(super) async fn load(
    app: &App,
    area_id: uuid::Uuid,
) -> Result<(AreaRecord, Unit, Vec<OcopProducerRecord>), AppError> {
    let area = app
        .db
        .area(area_id)
        .await?
        .ok_or_else(|| AppError::NotFound("area".into()))?;
    let unit = unit_of(app, &area).await?;
    let owners = app.db.area_owners(area_id).await?;
    Ok((area, unit, owners))
}

/// The commune record the area was registered on (its path), else the code's latest record.
pub(super) async fn unit_of(app: &App, area: &AreaRecord) -> Result<Unit, AppError> {
    let versions = app.db.unit_versions(&area.unit_code).await?;
    match versions.iter().rfind(|u| u.path == area.unit_path) {
        Some(u) => Ok(u.clone()),
        None => crate::units::latest_record(app, &area.unit_code).await,
    }
}
