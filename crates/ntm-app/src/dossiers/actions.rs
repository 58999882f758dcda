//! Acting on dossiers: opening one, applying an action through the domain's state machine
//! (with the facts the step needs), and the actions an actor may take now.

use std::collections::BTreeSet;

use ntm_domain::authz::Permission;
use ntm_domain::criteria::Status;
use ntm_domain::dossier::{
    self, ActionKind, DocumentKind, Dossier, DossierState, Facts, StepKind, WorkflowError,
};
use ntm_domain::observation::ObsStatus;
use ntm_domain::units::Unit;
use ntm_store::{DossierEventRecord, DossierRecord};
use uuid::Uuid;

use super::notify::notifications_for;
use super::{
    ActInput, DossierView, NewDossier, action_str, check_not_future, event_view, internal,
    kind_str, load, parse_document_kind, parse_kind, period_str, require_role, unit_of, view,
    workflow,
};
use crate::authz::Actor;
use crate::criteria::{UnitResult, require_on_unit};
use crate::procedure_settings as psettings;
use crate::{App, AppError, now, today};

/// Opens a dossier for a unit, a criteria set and a year (by the unit's own officer: the
/// role of the procedure's preparation step). Starts in `Preparing`.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %input.unit_code))]
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
pub(super) fn met_on_verified(res: &UnitResult) -> bool {
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
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), dossier = %id))]
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
        actor,
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

/// Which actions `actor` may try on the dossier now: the dossier's state allows the action
/// and the actor holds the step's role on the unit (with its permission). The domain still
/// decides (dates, documents, recognition conditions).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), dossier = %v.id))]
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
