//! Reading dossiers: one with its history, the dossiers of a subtree with their deadlines.

use std::collections::{BTreeMap, BTreeSet};

use ntm_domain::authz::Permission;
use ntm_domain::units::Unit;
use uuid::Uuid;

use super::{DossierView, load, view};
use crate::authz::Actor;
use crate::criteria::require_on_unit;
use crate::procedure_settings::{self as psettings, ProvinceSettings};
use crate::{App, AppError};

/// One dossier with its history (for users whose scope covers its unit).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), dossier = %id))]
pub async fn get(app: &App, actor: &Actor, id: Uuid) -> Result<DossierView, AppError> {
    Ok(get_with(app, actor, id).await?.0)
}

/// [`get`], with the dossier's unit record and its province's settings.
pub(crate) async fn get_with(
    app: &App,
    actor: &Actor,
    id: Uuid,
) -> Result<(DossierView, Unit, ProvinceSettings), AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let (r, u) = load(app, id).await?;
    require_on_unit(app, actor, Permission::ViewUnits, &u).await?;
    let events = app.db.dossier_events(id).await?;
    let attached = app.db.dossier_documents(id).await?;
    let settings = psettings::load(app, &r.province_code).await?;
    let v = view(&r, &events, &attached, &settings, true)?;
    Ok((v, u, settings))
}

/// Dossiers of the units under `unit_code` (the unit included), or of every unit in the
/// actor's scope when `None`; newest first, each with its deadline and overdue flag.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = unit_code))]
pub async fn list(
    app: &App,
    actor: &Actor,
    unit_code: Option<&str>,
) -> Result<Vec<DossierView>, AppError> {
    let prefixes: Vec<String> = match (unit_code, actor) {
        (_, Actor::Anonymous { .. }) => {
            return Err(AppError::Unauthorized("login required".into()));
        }
        (Some(code), _) => {
            let u = crate::units::latest_record(app, code).await?;
            require_on_unit(app, actor, Permission::ViewUnits, &u).await?;
            // The store also finds the dossiers of earlier records of the same code.
            vec![u.path]
        }
        (None, _) => crate::access::Access::of(app, actor)
            .await?
            .viewable_prefixes(),
    };
    let mut out = Vec::new();
    let mut settings: BTreeMap<String, ProvinceSettings> = Default::default();
    let mut seen = BTreeSet::new();
    for prefix in prefixes {
        for r in app.db.dossiers_in_subtree(&prefix).await? {
            if !seen.insert(r.id) {
                continue;
            }
            let events = app.db.dossier_events(r.id).await?;
            let attached = app.db.dossier_documents(r.id).await?;
            if !settings.contains_key(&r.province_code) {
                let s = psettings::load(app, &r.province_code).await?;
                settings.insert(r.province_code.clone(), s);
            }
            let s = settings.get(&r.province_code).cloned().unwrap_or_default();
            out.push(view(&r, &events, &attached, &s, false)?);
        }
    }
    out.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(a.id.cmp(&b.id)));
    Ok(out)
}
