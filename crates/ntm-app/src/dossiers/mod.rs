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
use ntm_domain::criteria::Status;
use ntm_domain::dossier::Procedure;
use ntm_domain::dossier::{
    self, Action, ActionKind, Deadline, DocumentKind, Dossier, DossierKind, DossierState, Facts,
    Period, StepKind, WorkflowError,
};
use ntm_domain::observation::ObsStatus;
use ntm_domain::units::Unit;
use ntm_store::{DossierDocumentRecord, DossierEventRecord, DossierRecord, NotificationRecord};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::authz::{Actor, require};
use crate::criteria::{UnitResult, require_on_unit};
use crate::notifications::{Message, new_record};
use crate::procedure_settings::{self as psettings, ProvinceSettings};
use crate::{App, AppError, now, today};

mod detail;
pub use detail::{DossierDetail, StepProgress, StepStatus, detail, step_progress};

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
        } => {
            let in_role: Vec<Grant> = grants.iter().filter(|g| g.role == role).cloned().collect();
            let narrowed = Actor::User {
                id: *id,
                username: username.clone(),
                grants: in_role,
                origin: origin.clone(),
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

/// Opens a dossier for a unit, a criteria set and a year (by the unit's own officer: the
/// role of the procedure's preparation step). Starts in `Preparing`.
pub async fn create(app: &App, actor: &Actor, input: NewDossier) -> Result<DossierView, AppError> {
    let date = check_not_future(input.date.unwrap_or_else(today))?;
    let unit = unit_of(app, &input.unit_code, date).await?;
    require_on_unit(app, actor, Permission::ViewUnits, &unit).await?;
    let set = app
        .catalog
        .set_for_year(&input.set_id, input.year)
        .map_err(|e| AppError::invalid("set", e.to_string()))?;
    if set.level != unit.level || input.kind.level() != unit.level {
        return Err(AppError::invalid(
            "kind",
            format!(
                "{} is a {} unit; the set evaluates {} units and the dossier kind is for {} units",
                unit.code,
                unit.level.as_str(),
                set.level.as_str(),
                input.kind.level().as_str()
            ),
        ));
    }
    if let Some(na) = crate::criteria::NotApplicable::check(set, &unit) {
        return Err(AppError::invalid(
            "set",
            format!(
                "bộ tiêu chí không áp dụng cho {} ({}); bộ này chỉ áp dụng cho {} ({})",
                unit.name,
                na.unit_kind,
                na.applies_to.join(", "),
                na.message(&input.set_id, &unit.code)
            ),
        ));
    }
    let id = Uuid::now_v7();
    let d = Dossier::new(id, &unit.code, input.kind, input.year, date).map_err(workflow)?;
    let procedure = d.procedure().map_err(|e| workflow(e.into()))?;
    let role = procedure
        .step(StepKind::Preparation)
        .map(|s| s.role)
        .ok_or_else(|| workflow(WorkflowError::StepNotInProcedure(StepKind::Preparation)))?;
    require_role(app, actor, role, &unit).await?;
    let at = now();
    let rec = DossierRecord {
        id,
        unit_id: unit.id,
        unit_code: unit.code.clone(),
        province_code: unit.province_code.clone(),
        set_id: input.set_id.clone(),
        year: input.year,
        kind: kind_str(input.kind)?,
        period: period_str(d.period()).to_owned(),
        state: d.state.as_str().to_owned(),
        data: serde_json::to_string(&d).map_err(internal)?,
        version: 0,
        created_by: actor.audit_name(),
        created_at: at,
        updated_at: at,
    };
    let entry = actor.audit_entry(
        "dossier.create",
        &format!("dossier:{id}"),
        serde_json::json!({
            "unit": unit.code, "set": input.set_id, "year": input.year,
            "kind": rec.kind, "period": rec.period, "date": date.to_string(),
        }),
    );
    let stored = app.db.insert_dossier(&rec, entry).await?;
    let settings = psettings::load(app, &stored.province_code).await?;
    view(&stored, &[], &[], &settings, true)
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
    let mut settings: std::collections::BTreeMap<String, ProvinceSettings> = Default::default();
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

/// Every criterion met (confirmed thresholds) on verified values for the dossier's set and
/// year: the evaluation's confirmed status, and every indicator entered by people verified.
async fn criteria_met_on_verified(
    app: &App,
    actor: &Actor,
    r: &DossierRecord,
) -> Result<bool, AppError> {
    let ev = crate::criteria::evaluate(app, actor, &r.unit_code, &r.set_id, r.year).await?;
    Ok(ev.result.as_ref().is_some_and(met_on_verified))
}

/// The unit's confirmed status is `met` (not tentative, not "no known shortfall") and every
/// indicator people enter is verified.
fn met_on_verified(res: &UnitResult) -> bool {
    res.status == Status::Met
        && res
            .indicators
            .iter()
            .all(|i| i.computed || i.value_status == Some(ObsStatus::Verified))
}

/// Applies one action to a dossier, as the step's role, on `input.date` (today by default).
/// Out-of-order actions and unmet conditions are refused with the domain's reason as a
/// `Validation` error on `action` and nothing is written; a stale `expected_seq` (someone
/// acted meanwhile) gives `Conflict`.
pub async fn act(
    app: &App,
    actor: &Actor,
    id: Uuid,
    input: ActInput,
) -> Result<DossierView, AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let date = check_not_future(input.date.unwrap_or_else(today))?;
    let (r, unit) = load(app, id).await?;
    require_on_unit(app, actor, Permission::ViewUnits, &unit).await?;
    let d: Dossier = serde_json::from_str(&r.data).map_err(internal)?;
    if parse_kind(&r.kind)? != d.kind {
        return Err(internal("kind column and data disagree"));
    }
    let settings = psettings::load(app, &r.province_code).await?;
    let procedure = psettings::procedure_for(&settings, &d).map_err(|e| workflow(e.into()))?;
    let step = input.action.step();
    let role = procedure
        .step(step)
        .map(|s| s.role)
        .ok_or_else(|| workflow(WorkflowError::StepNotInProcedure(step)))?;
    require_role(app, actor, role, &unit).await?;
    if input.expected_seq != r.version {
        return Err(AppError::Conflict(format!(
            "hồ sơ đã thay đổi (bước {} thay vì {}): tải lại rồi thực hiện lại \
             (the dossier changed meanwhile)",
            r.version, input.expected_seq
        )));
    }
    let events = app.db.dossier_events(id).await?;
    let attached = app.db.dossier_documents(id).await?;
    let mut documents: BTreeSet<DocumentKind> = events
        .iter()
        .flat_map(|e| event_view(e).documents)
        .chain(attached.iter().filter_map(|a| parse_document_kind(&a.kind)))
        .collect();
    documents.extend(input.documents.iter().copied());
    let needs_recognition = matches!(
        input.action.kind(),
        ActionKind::AppraisePass | ActionKind::Decide
    ) && matches!(
        d.state,
        DossierState::Submitted | DossierState::Reviewed | DossierState::Appraised
    );
    let criteria_met = if needs_recognition {
        criteria_met_on_verified(app, actor, &r).await?
    } else {
        false
    };
    // From the latest closed survey campaign (none: recognition is refused).
    let survey = crate::surveys::dossier_survey_facts(
        app,
        &r.unit_code,
        &r.set_id,
        r.year,
        d.kind,
        &settings,
    )
    .await?;
    let facts = Facts {
        year: r.year,
        all_criteria_met_on_verified_data: criteria_met,
        satisfaction: survey.satisfaction,
        min_commune_content_satisfaction: survey.min_commune_content_satisfaction,
        household_coverage: survey.household_coverage,
        documents,
    };
    let action_json = serde_json::to_value(&input.action).map_err(internal)?;
    let t =
        dossier::apply_with(&procedure, &d, input.action, role, date, &facts).map_err(workflow)?;
    let seq = r.version + 1;
    let action = action_str(t.event.action)?;
    let payload = serde_json::json!({
        "action": action_json,
        "note": t.event.note,
        "documents": input.documents,
        "criteria_met_on_verified_data": needs_recognition.then_some(criteria_met),
    });
    let ev = DossierEventRecord {
        id: Uuid::now_v7(),
        dossier_id: id,
        seq,
        action: action.clone(),
        from_state: t.event.from.as_str().to_owned(),
        to_state: t.event.to.as_str().to_owned(),
        role: role.as_str().to_owned(),
        actor: actor.audit_name(),
        event_date: date.to_string(),
        payload: payload.to_string(),
        created_at: now(),
    };
    let entry = actor.audit_entry(
        &format!("dossier.{action}"),
        &format!("dossier:{id}"),
        serde_json::json!({
            "unit": r.unit_code, "seq": seq, "from": ev.from_state, "to": ev.to_state,
            "date": ev.event_date, "note": t.event.note,
        }),
    );
    let data = serde_json::to_string(&t.dossier).map_err(internal)?;
    let notes =
        notifications_for(app, actor, &procedure, &t.dossier, &unit, t.event.action).await?;
    let stored = app
        .db
        .append_dossier_event_notifying(
            r.version,
            t.dossier.state.as_str(),
            &data,
            &ev,
            entry,
            &notes,
        )
        .await?;
    crate::mailer::send_notifications(app, &notes);
    let mut all = events;
    all.push(ev);
    view(&stored, &all, &attached, &settings, true)
}

/// Paths that stand for a unit when looking for who covers it: its own record's and those
/// of its successors (the record of the same code valid today, the units it was merged
/// into: Vĩnh Long's officers act on Trà Vinh's dossiers).
async fn unit_paths(app: &App, unit: &Unit) -> Result<Vec<String>, AppError> {
    let s = crate::access::succession(app).await?;
    let mut paths = vec![unit.path.clone()];
    paths.extend(s.successor_paths(&unit.path).into_iter().map(str::to_owned));
    Ok(paths)
}

/// Who is told about a transition: the holders of the role acting at the dossier's next
/// step on its unit, and the unit's own officers when the dossier is returned, decided,
/// published or revoked; never the actor.
async fn notifications_for(
    app: &App,
    actor: &Actor,
    procedure: &Procedure,
    d: &Dossier,
    unit: &Unit,
    action: ActionKind,
) -> Result<Vec<NotificationRecord>, AppError> {
    let paths = unit_paths(app, unit).await?;
    let link = format!("/dossiers/{}", d.id);
    let me = match actor {
        Actor::User { id, .. } => Some(*id),
        _ => None,
    };
    let mut out: Vec<NotificationRecord> = Vec::new();
    let mut told: BTreeSet<Uuid> = BTreeSet::new();
    let args = |extra: Vec<(String, String)>| {
        let mut a = vec![
            ("unit".to_owned(), unit.name.clone()),
            ("code".to_owned(), unit.code.clone()),
            ("state".to_owned(), d.state.as_str().to_owned()),
        ];
        a.extend(extra);
        a
    };
    if let Some(step) = dossier::calendar::pending_step(procedure, d)
        && let Some(s) = procedure.step(step)
        && !matches!(step, StepKind::Preparation)
    {
        let msg = Message {
            key: "dossier-notify-step".into(),
            args: args(vec![("step".into(), step.as_str().into())]),
        };
        for h in app
            .db
            .role_holders_covering(s.role.as_str(), &paths)
            .await?
        {
            if Some(h.user_id) != me && told.insert(h.user_id) {
                out.push(new_record(h.user_id, Some(d.id), &msg, &link));
            }
        }
    }
    let to_unit = matches!(
        action,
        ActionKind::ReviewReturn
            | ActionKind::AppraiseReturn
            | ActionKind::Decide
            | ActionKind::Publish
            | ActionKind::Revoke
    );
    if to_unit && let Some(s) = procedure.step(StepKind::Preparation) {
        let msg = Message {
            key: "dossier-notify-outcome".into(),
            args: args(vec![("action".into(), action_str(action)?)]),
        };
        for h in app
            .db
            .role_holders_covering(s.role.as_str(), &paths)
            .await?
        {
            if Some(h.user_id) != me && told.insert(h.user_id) {
                out.push(new_record(h.user_id, Some(d.id), &msg, &link));
            }
        }
    }
    Ok(out)
}

/// Which actions `actor` may try on the dossier now: the dossier's state allows the action
/// and the actor holds the step's role on the unit (with its permission). The domain still
/// decides (dates, documents, recognition conditions).
pub async fn available_actions(
    app: &App,
    actor: &Actor,
    v: &DossierView,
) -> Result<Vec<ActionKind>, AppError> {
    if v.procedure.is_none() {
        return Ok(Vec::new());
    }
    if let Actor::Anonymous { .. } = actor {
        return Ok(Vec::new());
    }
    let unit = match app.db.dossier(v.id).await? {
        Some(r) => app.db.unit_by_id(r.unit_id).await?,
        None => None,
    }
    .ok_or_else(|| AppError::NotFound(format!("dossier {}", v.id)))?;
    actions_on(app, actor, v, &unit).await
}

/// [`available_actions`] on the dossier's unit record, already read.
pub(crate) async fn actions_on(
    app: &App,
    actor: &Actor,
    v: &DossierView,
    unit: &Unit,
) -> Result<Vec<ActionKind>, AppError> {
    use DossierState as S;
    let Some(p) = &v.procedure else {
        return Ok(Vec::new());
    };
    if let Actor::Anonymous { .. } = actor {
        return Ok(Vec::new());
    }
    let review = dossier::machine::review_applies(p, today());
    // Acts are dated (paper dossiers recorded late): a commune dossier submitted before
    // 01/07/2025 can still get its district review dated before that day, even when today
    // the province may appraise it directly. The domain checks the date given.
    let review_dated = dossier::machine::review_applies(p, v.dossier.state_since);
    let candidates: Vec<ActionKind> = match v.dossier.state {
        S::Preparing => vec![ActionKind::StartPosting],
        S::PublicPosting => vec![ActionKind::EndPosting],
        S::ReadyToSubmit => vec![ActionKind::Submit],
        S::Submitted if review => vec![ActionKind::ReviewPass, ActionKind::ReviewReturn],
        S::Submitted if review_dated => vec![
            ActionKind::ReviewPass,
            ActionKind::ReviewReturn,
            ActionKind::AppraisePass,
            ActionKind::AppraiseReturn,
        ],
        S::Submitted | S::Reviewed => vec![ActionKind::AppraisePass, ActionKind::AppraiseReturn],
        S::Appraised => vec![ActionKind::Decide],
        S::Recognized => vec![ActionKind::Publish, ActionKind::Revoke],
        S::Published => vec![ActionKind::Revoke],
        S::Revoked => Vec::new(),
    };
    let mut out = Vec::new();
    for k in candidates {
        let step = match k {
            ActionKind::StartPosting | ActionKind::EndPosting => StepKind::PublicPosting,
            ActionKind::Submit => StepKind::Submission,
            ActionKind::ReviewPass | ActionKind::ReviewReturn => StepKind::Review,
            ActionKind::AppraisePass | ActionKind::AppraiseReturn => StepKind::Appraisal,
            ActionKind::Decide => StepKind::Decision,
            ActionKind::Publish => StepKind::Publication,
            ActionKind::Revoke => StepKind::Revocation,
        };
        let Some(s) = p.step(step) else { continue };
        if require_role(app, actor, s.role, unit).await.is_ok() {
            out.push(k);
        }
    }
    Ok(out)
}

/// Largest document accepted (20 MB).
pub const MAX_DOCUMENT_BYTES: usize = 20 * 1024 * 1024;

/// The type of a file by its first bytes: PDF, PNG, JPEG, or an Office Open XML package
/// (DOCX or XLSX, told apart by the names of its parts). `None` for anything else.
pub fn sniff_document(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }
    if bytes.starts_with(b"%PDF-") {
        Some(("application/pdf", "pdf"))
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png"))
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else if bytes.starts_with(b"PK\x03\x04") {
        if contains(bytes, b"word/") {
            Some((
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "docx",
            ))
        } else if contains(bytes, b"xl/") {
            Some((
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
            ))
        } else {
            None
        }
    } else {
        None
    }
}

/// The roles that act at some step of the dossier's procedure and that `actor` holds on its
/// unit (attaching documents is open to whoever takes part in the procedure).
async fn require_participant(
    app: &App,
    actor: &Actor,
    p: &Procedure,
    unit: &Unit,
) -> Result<Role, AppError> {
    let mut first_err = None;
    let mut roles: Vec<Role> = p.steps.iter().map(|s| s.role).collect();
    roles.dedup();
    for role in roles {
        match require_role(app, actor, role, unit).await {
            Ok(()) => return Ok(role),
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    Err(first_err.unwrap_or_else(|| AppError::Forbidden("no step of this procedure".into())))
}

/// Attaches a file to a dossier as a document of `kind` (one of the procedure's document
/// kinds). The type is checked by its content (PDF, DOCX, XLSX, JPG, PNG), the size against
/// [`MAX_DOCUMENT_BYTES`]; the bytes go to `<data_dir>/dossiers/<2 hex>/<sha256>`, the row
/// and its audit entry in one transaction. Not after the decision.
pub async fn attach_document(
    app: &App,
    actor: &Actor,
    id: Uuid,
    kind: DocumentKind,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<DossierDocumentRecord, AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let (r, unit) = load(app, id).await?;
    require_on_unit(app, actor, Permission::ViewUnits, &unit).await?;
    let d: Dossier = serde_json::from_str(&r.data).map_err(internal)?;
    let settings = psettings::load(app, &r.province_code).await?;
    let p = psettings::procedure_for(&settings, &d).map_err(|e| workflow(e.into()))?;
    require_participant(app, actor, &p, &unit).await?;
    if matches!(
        d.state,
        DossierState::Recognized | DossierState::Published | DossierState::Revoked
    ) {
        return Err(AppError::invalid(
            "file",
            "hồ sơ đã có quyết định: không đính kèm thêm (the dossier is closed)",
        ));
    }
    if !p
        .steps
        .iter()
        .any(|s| s.documents.iter().any(|x| x.kind == kind))
    {
        return Err(AppError::invalid(
            "kind",
            format!("quy trình này không có loại tài liệu {}", kind.name_vi()),
        ));
    }
    let name = file_name.trim();
    if name.is_empty() || name.chars().count() > 255 {
        return Err(AppError::invalid(
            "file",
            "tên tệp phải có từ 1 đến 255 ký tự (file name 1 to 255 characters)",
        ));
    }
    if bytes.is_empty() {
        return Err(AppError::invalid("file", "tệp rỗng (the file is empty)"));
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(AppError::invalid(
            "file",
            "tệp lớn hơn 20 MB (the file is larger than 20 MB)",
        ));
    }
    let Some((media_type, _ext)) = sniff_document(&bytes) else {
        return Err(AppError::invalid(
            "file",
            "chỉ nhận tệp PDF, DOCX, XLSX, JPG hoặc PNG (nội dung tệp không phải các loại này)",
        ));
    };
    use sha2::Digest;
    let sha = hex::encode(sha2::Sha256::digest(&bytes));
    let kind_text = document_kind_str(kind);
    // The same file sent twice as the same kind (a double click) is attached once.
    if let Some(same) = app
        .db
        .dossier_documents(id)
        .await?
        .into_iter()
        .find(|d| d.sha256 == sha && d.kind == kind_text)
    {
        return Ok(same);
    }
    let rel = format!("dossiers/{}/{sha}", &sha[..2]);
    let path = app.config.data_dir.join(&rel);
    let size = bytes.len() as i64;
    tokio::task::spawn_blocking(move || store_file(&path, &bytes))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(format!("cannot store dossier document: {e}")))?;
    let rec = DossierDocumentRecord {
        id: Uuid::now_v7(),
        dossier_id: id,
        kind: kind_text,
        file_name: name.to_owned(),
        media_type: media_type.to_owned(),
        sha256: sha,
        size,
        stored_path: rel,
        uploaded_by: actor.audit_name(),
        created_at: now(),
    };
    let entry = actor.audit_entry(
        "dossier.document",
        &format!("dossier:{id}"),
        serde_json::json!({
            "unit": r.unit_code, "kind": rec.kind, "file": rec.file_name,
            "sha256": rec.sha256, "size": size, "media_type": media_type,
        }),
    );
    Ok(app.db.insert_dossier_document(&rec, entry).await?)
}

/// Writes a content-addressed file atomically (temporary file, then rename).
pub(crate) fn store_file(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    if path.exists() {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("tmp-{}", Uuid::now_v7()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// One attached document and its bytes, for a user who may view the dossier's unit. The
/// path comes from the database, never from the request.
pub async fn document_file(
    app: &App,
    actor: &Actor,
    doc_id: Uuid,
) -> Result<(DossierDocumentRecord, Vec<u8>), AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let not_found = || AppError::NotFound(format!("dossier document {doc_id}"));
    let doc = app
        .db
        .dossier_document(doc_id)
        .await?
        .ok_or_else(not_found)?;
    let (_, unit) = load(app, doc.dossier_id).await?;
    require_on_unit(app, actor, Permission::ViewUnits, &unit).await?;
    let rel = std::path::Path::new(&doc.stored_path);
    let safe = rel.starts_with("dossiers")
        && rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !safe {
        return Err(AppError::Internal(format!(
            "dossier document {doc_id} has an unexpected stored path"
        )));
    }
    let bytes = tokio::fs::read(app.config.data_dir.join(rel))
        .await
        .map_err(|e| AppError::Internal(format!("cannot read dossier document {doc_id}: {e}")))?;
    Ok((doc, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::{IndicatorView, ThresholdView};

    fn indicator(computed: bool, status: Option<ObsStatus>) -> IndicatorView {
        IndicatorView {
            code: "1.1".into(),
            name_vi: "Chỉ tiêu".into(),
            criterion: Some(1),
            status: Status::Met,
            value: status.map(|_| "Đạt".into()),
            value_status: status,
            version: status.map(|_| 1),
            gap: None,
            caveats: Vec::new(),
            threshold: ThresholdView {
                text: None,
                caveats: Vec::new(),
                provenance: None,
                source: None,
                regional: false,
                basis: None,
            },
            kind: "boolean",
            unit: None,
            computed,
            evidence_required: false,
        }
    }

    fn result(status: Status, indicators: Vec<IndicatorView>) -> UnitResult {
        UnitResult {
            status,
            tentatively_met: true,
            criteria_met: 1,
            criteria_met_tentative: 1,
            criteria_no_known_shortfall: 1,
            no_known_shortfall: true,
            criteria_total: 1,
            criteria: Vec::new(),
            indicators,
            caveats: Vec::new(),
        }
    }

    #[test]
    fn recognition_needs_confirmed_met_on_verified_values() {
        let verified = || indicator(false, Some(ObsStatus::Verified));
        assert!(met_on_verified(&result(
            Status::Met,
            vec![verified(), indicator(true, None)]
        )));
        // A draft, a submitted value or a missing value is not verified data.
        for s in [None, Some(ObsStatus::Draft), Some(ObsStatus::Submitted)] {
            assert!(!met_on_verified(&result(
                Status::Met,
                vec![verified(), indicator(false, s)]
            )));
        }
        // Tentative or "no known shortfall" results never count as met.
        for st in [Status::NeedsVerification, Status::Missing, Status::NotMet] {
            assert!(!met_on_verified(&result(st, vec![verified()])));
        }
    }

    #[test]
    fn documents_are_recognised_by_their_content() {
        let kind = |b: &[u8]| sniff_document(b).map(|(_, ext)| ext);
        assert_eq!(kind(b"%PDF-1.7\n..."), Some("pdf"));
        assert_eq!(kind(b"\x89PNG\r\n\x1a\n\0\0"), Some("png"));
        assert_eq!(kind(&[0xFF, 0xD8, 0xFF, 0xE1]), Some("jpg"));
        assert_eq!(kind(b"PK\x03\x04....word/document.xml"), Some("docx"));
        assert_eq!(kind(b"PK\x03\x04....xl/workbook.xml"), Some("xlsx"));
        // A plain zip, a text file named .pdf, an executable, nothing: refused.
        for b in [&b"PK\x03\x04abc"[..], b"hello", b"MZ\x90\0", b""] {
            assert_eq!(kind(b), None);
        }
    }

    #[test]
    fn step_roles_map_to_permissions() {
        assert_eq!(
            permission_of(Role::CommuneOfficer),
            Permission::EnterObservations
        );
        for r in [Role::DistrictOfficer, Role::ProvinceOfficer] {
            assert_eq!(permission_of(r), Permission::VerifyObservations);
            assert!(r.allows(permission_of(r)));
        }
        assert!(Role::CommuneOfficer.allows(permission_of(Role::CommuneOfficer)));
        assert!(!Role::Viewer.allows(permission_of(Role::CommuneOfficer)));
    }
}
