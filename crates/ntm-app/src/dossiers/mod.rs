//! Recognition dossiers (hồ sơ xét, công nhận): open, act, read, list.
//!
//! The rules are the domain's (`ntm_domain::dossier`): this module finds who acts and with
//! which role, gathers the [`Facts`] the step needs, applies the action and stores the new
//! dossier with its event and audit entry in one transaction (`Db::append_dossier_event`),
//! naming the version the actor saw so two officers acting at once cannot both win.
//!
//! Who may act: the step's platform role (`Step::role`), held on the dossier's unit, plus the
//! permission that role uses for the data behind the step (commune officer:
//! `EnterObservations`; district and province officers: `VerifyObservations`), checked with
//! `authz::require`. `Admin` does not stand in for an official (the domain's rule).
//!
//! Facts: documents are the files attached to the dossier ([`attach_document`]: kind from the
//! procedure's list, type checked by magic bytes, stored under `<data_dir>/dossiers/`), plus
//! any *declared* by an actor (`documents` in the action, kept for the REST API); "every criterion met on verified data" comes from
//! [`crate::criteria::evaluate`]: confirmed status `met` and every entered indicator
//! `verified`, never the tentative figures; the satisfaction rate is `None` until survey
//! campaigns exist, so recognition is refused for now (as the domain requires).

use std::collections::BTreeSet;

use ntm_domain::authz::{Grant, Permission, Role};
use ntm_domain::dossier::Procedure;
use ntm_domain::dossier::{
    self, Action, ActionKind, Deadline, DocumentKind, Dossier, DossierKind, DossierState, Period,
    WorkflowError,
};
use ntm_domain::units::Unit;
use ntm_store::{DossierDocumentRecord, DossierEventRecord, DossierRecord};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::authz::{Actor, require};
use crate::criteria::require_on_unit;
use crate::procedure_settings::{self as psettings, ProvinceSettings};
use crate::{App, AppError, today};

mod actions;
mod detail;
mod documents;
mod listing;
mod notify;
mod pages;

pub(crate) use actions::actions_on;
pub use actions::{act, available_actions, create};
pub use detail::{DossierDetail, StepProgress, StepStatus, detail, step_progress};
pub(crate) use documents::store_file;
pub use documents::{MAX_DOCUMENT_BYTES, attach_document, document_file, sniff_document};
pub(crate) use listing::get_with;
pub use listing::{get, list};
pub use pages::{
    DossierListPage, SetChoice, SettingChange, SettingsPage, act_page, attach_page, create_page,
    list_page, settings_page, settings_save,
};

/// What opening a dossier needs.
#[derive(Debug, Clone)]
pub struct NewDossier {
    pub unit_code: String,
    pub set_id: String,
    pub year: i32,
    pub kind: DossierKind,
    /// The dossier's date (picks the period); today when `None`. Not after today.
    pub date: Option<Date>,
}

/// One action on a dossier.
#[derive(Debug, Clone)]
pub struct ActInput {
    pub action: Action,
    /// The dossier's version (seq of its last event) the actor saw.
    pub expected_seq: i64,
    /// The day of the act; today when `None`. Not after today.
    pub date: Option<Date>,
    /// Documents the actor declares attached (added to those declared before).
    pub documents: Vec<DocumentKind>,
}

/// One transition, as stored.
#[derive(Debug, Clone)]
pub struct EventView {
    pub seq: i64,
    pub action: String,
    pub from_state: String,
    pub to_state: String,
    pub role: String,
    pub actor: String,
    pub date: String,
    pub note: Option<String>,
    pub documents: Vec<DocumentKind>,
    pub recorded_at: OffsetDateTime,
}

/// A dossier with what a reader needs.
#[derive(Debug, Clone)]
pub struct DossierView {
    pub id: Uuid,
    pub unit_code: String,
    pub province_code: String,
    pub set_id: String,
    pub year: i32,
    pub period: Period,
    pub version: i64,
    pub dossier: Dossier,
    pub created_by: String,
    pub created_at: OffsetDateTime,
    /// The pending step's limit (`due` is `None` when the limit is unknown).
    pub deadline: Option<Deadline>,
    /// Past a known maximum limit today.
    pub overdue: bool,
    /// Documents present so far: attached files and declared kinds.
    pub documents: Vec<DocumentKind>,
    /// Filled by [`get`] only.
    pub events: Vec<EventView>,
    /// Attached files (filled by [`get`] only).
    pub attached: Vec<DossierDocumentRecord>,
    /// The procedure with the province's settings applied (`None` if it cannot be built).
    pub procedure: Option<Procedure>,
    /// The province's configured satisfaction threshold for this kind: (percent, basis).
    pub threshold: Option<(u32, String)>,
}

fn workflow(e: WorkflowError) -> AppError {
    match e {
        WorkflowError::WrongRole { .. } => AppError::Forbidden(e.to_string()),
        other => AppError::invalid("action", other.to_string()),
    }
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("dossier data: {e}"))
}

/// The permission the step's role uses, checked with `authz::require` besides the role.
fn permission_of(role: Role) -> Permission {
    match role {
        Role::CommuneOfficer => Permission::EnterObservations,
        _ => Permission::VerifyObservations,
    }
}

/// Checks that `actor` acts on `unit` in `role`: a grant of that very role covering the
/// unit (or its record valid today) and the role's permission, through `authz::require`.
async fn require_role(app: &App, actor: &Actor, role: Role, unit: &Unit) -> Result<(), AppError> {
    let perm = permission_of(role);
    match actor {
        Actor::Cli { .. } => Ok(()),
        Actor::Anonymous { .. } => require(actor, perm, &unit.path),
        Actor::User {
            id,
            username,
            grants,
            origin,
            via_token,
        } => {
            let in_role: Vec<Grant> = grants.iter().filter(|g| g.role == role).cloned().collect();
            let narrowed = Actor::User {
                id: *id,
                username: username.clone(),
                grants: in_role,
                origin: origin.clone(),
                via_token: via_token.clone(),
            };
            require_on_unit(app, &narrowed, perm, unit)
                .await
                .map_err(|e| match e {
                    AppError::Forbidden(_) => AppError::Forbidden(format!(
                        "this step is done by a {} of {}",
                        role.as_str(),
                        unit.code
                    )),
                    other => other,
                })
        }
    }
}

fn parse_kind(s: &str) -> Result<DossierKind, AppError> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(internal)
}

/// `until_june_2025` or `from_july_2025` (stored and shown in the API).
pub fn period_str(p: Period) -> &'static str {
    match p {
        Period::UntilJune2025 => "until_june_2025",
        Period::FromJuly2025 => "from_july_2025",
    }
}

fn kind_str(k: DossierKind) -> Result<String, AppError> {
    match serde_json::to_value(k).map_err(internal)? {
        serde_json::Value::String(s) => Ok(s),
        other => Err(internal(other)),
    }
}

fn action_str(k: ActionKind) -> Result<String, AppError> {
    match serde_json::to_value(k).map_err(internal)? {
        serde_json::Value::String(s) => Ok(s),
        other => Err(internal(other)),
    }
}

fn check_not_future(date: Date) -> Result<Date, AppError> {
    if date > today() {
        return Err(AppError::invalid(
            "date",
            format!(
                "ngày {} ở tương lai (the date is in the future)",
                ntm_domain::text::format_date_vi(date)
            ),
        ));
    }
    Ok(date)
}

async fn unit_of(app: &App, code: &str, date: Date) -> Result<Unit, AppError> {
    app.db
        .unit_on(code, date)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("unit {code} on {date}")))
}

fn event_view(e: &DossierEventRecord) -> EventView {
    let payload: serde_json::Value = serde_json::from_str(&e.payload).unwrap_or_default();
    EventView {
        seq: e.seq,
        action: e.action.clone(),
        from_state: e.from_state.clone(),
        to_state: e.to_state.clone(),
        role: e.role.clone(),
        actor: e.actor.clone(),
        date: e.event_date.clone(),
        note: payload
            .get("note")
            .and_then(|n| n.as_str())
            .map(str::to_owned),
        documents: payload
            .get("documents")
            .and_then(|d| serde_json::from_value(d.clone()).ok())
            .unwrap_or_default(),
        recorded_at: e.created_at,
    }
}

/// A state as stored (`DossierState::as_str`).
pub(crate) fn parse_state(s: &str) -> Option<DossierState> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

fn parse_document_kind(s: &str) -> Option<DocumentKind> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).ok()
}

/// `DocumentKind` as snake_case text.
pub fn document_kind_str(k: DocumentKind) -> String {
    match serde_json::to_value(k) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn view(
    r: &DossierRecord,
    events: &[DossierEventRecord],
    attached: &[DossierDocumentRecord],
    settings: &ProvinceSettings,
    with_events: bool,
) -> Result<DossierView, AppError> {
    let d: Dossier = serde_json::from_str(&r.data).map_err(internal)?;
    let today = today();
    let cal = psettings::calendar_for(settings, today);
    let procedure = psettings::procedure_for(settings, &d).ok();
    let (deadline, overdue) = match &procedure {
        Some(p) => (
            dossier::deadline(p, &cal, &d),
            dossier::is_overdue(p, &cal, &d, today),
        ),
        None => (None, false),
    };
    let evs: Vec<EventView> = events.iter().map(event_view).collect();
    let documents: BTreeSet<DocumentKind> = evs
        .iter()
        .flat_map(|e| e.documents.iter().copied())
        .chain(attached.iter().filter_map(|a| parse_document_kind(&a.kind)))
        .collect();
    let threshold = settings.satisfaction(d.kind);
    Ok(DossierView {
        id: r.id,
        unit_code: r.unit_code.clone(),
        province_code: r.province_code.clone(),
        set_id: r.set_id.clone(),
        year: r.year,
        period: d.period(),
        version: r.version,
        dossier: d,
        created_by: r.created_by.clone(),
        created_at: r.created_at,
        deadline,
        overdue,
        documents: documents.into_iter().collect(),
        events: if with_events { evs } else { Vec::new() },
        attached: if with_events {
            attached.to_vec()
        } else {
            Vec::new()
        },
        procedure,
        threshold,
    })
}

async fn load(app: &App, id: Uuid) -> Result<(DossierRecord, Unit), AppError> {
    let r = app
        .db
        .dossier(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("dossier {id}")))?;
    let u = app
        .db
        .unit_by_id(r.unit_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("unit of dossier {id}")))?;
    Ok((r, u))
}

#[cfg(test)]
mod tests;
