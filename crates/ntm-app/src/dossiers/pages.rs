//! The dossier pages' use cases, one per page or form: everything the page shows, or the
//! outcome of its form with the page again when refused (see [`crate::page::Submitted`]).

use ntm_domain::authz::Role;
use ntm_domain::dossier::{DocumentKind, DossierKind};
use ntm_domain::units::{Level, Unit};
use uuid::Uuid;

use super::{ActInput, DossierDetail, DossierView, NewDossier};
use crate::authz::Actor;
use crate::history::Predecessor;
use crate::page::{Submitted, again};
use crate::procedure_settings::{self as psettings, ProvinceSettings, SettingInput};
use crate::{App, AppError};

/// A criteria set a dossier may be opened on.
#[derive(Debug, Clone)]
pub struct SetChoice {
    pub id: String,
    pub title_vi: String,
    pub title_en: Option<String>,
}

/// The dossiers page of a unit: its dossiers, what the form to open one offers, and the
/// predecessors it links to.
#[derive(Debug, Clone)]
pub struct DossierListPage {
    /// Today's record, or the last one of a unit merged away (Trà Vinh, 84).
    pub unit: Unit,
    pub dossiers: Vec<DossierView>,
    /// The actor is a commune officer whose scope covers the unit, a commune or district.
    pub can_create: bool,
    /// The sets evaluating units of the unit's level (one per id).
    pub sets: Vec<SetChoice>,
    pub kinds: Vec<DossierKind>,
    pub history: Vec<Predecessor>,
}

/// The dossiers page of unit `code` (the permission check of [`super::list`] first).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code))]
pub async fn list_page(app: &App, actor: &Actor, code: &str) -> Result<DossierListPage, AppError> {
    let dossiers = super::list(app, actor, Some(code)).await?;
    let unit = crate::units::latest_record(app, code).await?;
    let history = crate::history::on_page(app, actor, code).await?;
    let can_create = actor
        .grants()
        .iter()
        .any(|g| g.role == Role::CommuneOfficer && unit.path.starts_with(&g.scope_path))
        && matches!(unit.level, Level::Commune | Level::District);
    let mut sets: Vec<SetChoice> = Vec::new();
    for s in app.catalog.sets() {
        if s.level == unit.level && !sets.iter().any(|c| c.id == s.id) {
            sets.push(SetChoice {
                id: s.id.clone(),
                title_vi: s.title_vi.clone(),
                title_en: s.title_en.clone(),
            });
        }
    }
    Ok(DossierListPage {
        kinds: psettings::kinds_for(unit.level),
        unit,
        dossiers,
        can_create,
        sets,
        history,
    })
}

/// Opens a dossier from the dossiers page of `code`; refused, the page again. `None`: the
/// form did not parse.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code))]
pub async fn create_page(
    app: &App,
    actor: &Actor,
    code: &str,
    input: Option<NewDossier>,
) -> Result<Submitted<DossierView, DossierListPage>, AppError> {
    match input {
        Some(new) => {
            again(
                super::create(app, actor, new).await,
                list_page(app, actor, code),
            )
            .await
        }
        None => Ok(Submitted::Again {
            refusal: None,
            page: list_page(app, actor, code).await?,
        }),
    }
}

/// An action from the dossier page; refused, the page again with everything it shows.
/// `None`: the form did not parse.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), dossier = %id))]
pub async fn act_page(
    app: &App,
    actor: &Actor,
    id: Uuid,
    input: Option<ActInput>,
) -> Result<Submitted<DossierView, DossierDetail>, AppError> {
    match input {
        Some(input) => {
            again(
                super::act(app, actor, id, input).await,
                super::detail(app, actor, id),
            )
            .await
        }
        None => Ok(Submitted::Again {
            refusal: None,
            page: super::detail(app, actor, id).await?,
        }),
    }
}

/// A document attached from the dossier page: its kind, file name and bytes. Refused, the
/// page again. `None`: the form was refused before (no file, unknown kind, too large).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), dossier = %id))]
pub async fn attach_page(
    app: &App,
    actor: &Actor,
    id: Uuid,
    upload: Option<(DocumentKind, String, Vec<u8>)>,
) -> Result<Submitted<(), DossierDetail>, AppError> {
    match upload {
        Some((kind, name, bytes)) => {
            let r = super::attach_document(app, actor, id, kind, &name, bytes)
                .await
                .map(|_| ());
            again(r, super::detail(app, actor, id)).await
        }
        None => Ok(Submitted::Again {
            refusal: None,
            page: super::detail(app, actor, id).await?,
        }),
    }
}

/// The procedure settings page of a province: the province, its settings, and whether the
/// actor may change them (the check of [`psettings::get`]).
#[derive(Debug, Clone)]
pub struct SettingsPage {
    pub province: Unit,
    pub settings: ProvinceSettings,
    pub can_edit: bool,
}

/// The procedure settings page of the province `code`.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code))]
pub async fn settings_page(app: &App, actor: &Actor, code: &str) -> Result<SettingsPage, AppError> {
    let (province, settings, can_edit) = psettings::get(app, actor, code).await?;
    Ok(SettingsPage {
        province,
        settings,
        can_edit,
    })
}

/// A change of the settings page: a setting saved with its basis, or one removed.
#[derive(Debug, Clone)]
pub enum SettingChange {
    Put { input: SettingInput, basis: String },
    Delete { kind: String, key: String },
}

/// Saves or removes a procedure setting of the province `code`; refused, the page again.
/// `None`: the form did not parse.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code))]
pub async fn settings_save(
    app: &App,
    actor: &Actor,
    code: &str,
    change: Option<SettingChange>,
) -> Result<Submitted<(), SettingsPage>, AppError> {
    let r = match change {
        Some(SettingChange::Put { input, basis }) => {
            psettings::put(app, actor, code, input, &basis).await
        }
        Some(SettingChange::Delete { kind, key }) => {
            psettings::delete(app, actor, code, &kind, &key).await
        }
        None => {
            return Ok(Submitted::Again {
                refusal: None,
                page: settings_page(app, actor, code).await?,
            });
        }
    };
    again(r, settings_page(app, actor, code)).await
}
