//! Opening, reading, acting on a report; closing a period.

use ntm_domain::reports::{
    self as rules, Narrative, PeriodKind, ReportAction, ReportError, ReportPeriod, ReportState,
};
use ntm_store::{ReportClosureRecord, ReportRecord, ReportVersionRecord};
use uuid::Uuid;

use super::figures::live_figures;
use super::{
    ReportView, build_view, internal, is_closed, load, parent_on, plan_by_id, require_reviewer,
    require_view, require_writer, rule_error, schedule_of, slot, unit_on,
};
use crate::authz::Actor;
use crate::{App, AppError, now, today};

/// Which report: a unit code, a plan, a kind and a year.
#[derive(Debug, Clone)]
pub struct ReportKey {
    pub unit_code: String,
    pub plan_id: String,
    pub kind: PeriodKind,
    pub year: i32,
}

/// Opens the report of a unit for a plan, kind and year: the existing one, or a new draft
/// (by the unit's officers). Returns the report id.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %key.unit_code, plan = %key.plan_id, year = %key.year))]
pub async fn open(app: &App, actor: &Actor, key: &ReportKey) -> Result<Uuid, AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let s = slot(app, &key.unit_code, &key.plan_id, key.kind, key.year).await?;
    require_view(app, actor, &s.unit).await?;
    if let Some(r) = app
        .db
        .report_by_key(s.unit.id, &s.plan.id, key.kind.as_str(), key.year)
        .await?
    {
        return Ok(r.id);
    }
    require_writer(app, actor, &s.unit).await?;
    let parent = parent_on(app, &s.unit, s.due).await?;
    let at = now();
    let id = Uuid::now_v7();
    let rec = ReportRecord {
        id,
        unit_id: s.unit.id,
        unit_code: s.unit.code.clone(),
        province_code: s.unit.province_code.clone(),
        plan_id: s.plan.id.clone(),
        kind: key.kind.as_str().to_owned(),
        year: key.year,
        parent_unit_id: parent.as_ref().map(|p| p.id),
        parent_code: parent.as_ref().map(|p| p.code.clone()),
        due_date: s.due.to_string(),
        state: ReportState::Draft.as_str().to_owned(),
        version: 1,
        first_submitted: None,
        created_by: actor.audit_name(),
        created_at: at,
        updated_at: at,
    };
    let first = ReportVersionRecord {
        id: Uuid::now_v7(),
        report_id: id,
        seq: 1,
        action: ReportAction::Create.as_str().to_owned(),
        from_state: "draft".into(),
        to_state: "draft".into(),
        actor: actor.audit_name(),
        narrative: serde_json::to_string(&Narrative::default()).map_err(internal)?,
        figures: "null".into(),
        note: None,
        created_at: at,
    };
    let entry = actor.audit_entry(
        "report.create",
        &format!("report:{id}"),
        serde_json::json!({
            "unit": s.unit.code, "plan": s.plan.id, "kind": key.kind.as_str(),
            "year": key.year, "parent": rec.parent_code, "due": rec.due_date,
        }),
    );
    match app.db.insert_report(&rec, &first, entry).await {
        Ok(_) => Ok(id),
        // Someone opened it at the same moment: use theirs.
        Err(ntm_store::StoreError::Conflict(_)) => app
            .db
            .report_by_key(s.unit.id, &s.plan.id, key.kind.as_str(), key.year)
            .await?
            .map(|r| r.id)
            .ok_or_else(|| AppError::Conflict("the report is being created".into())),
        Err(e) => Err(e.into()),
    }
}

/// One report with its versions (for those who may view its unit).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), report = %id))]
pub async fn get(app: &App, actor: &Actor, id: Uuid) -> Result<ReportView, AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let (r, unit, parent) = load(app, id).await?;
    require_view(app, actor, &unit).await?;
    build_view(app, actor, r, unit, parent).await
}

/// What someone does to a report, with the version they saw.
#[derive(Debug, Clone)]
pub enum Change {
    Save(Narrative),
    Submit,
    Accept,
    Return(String),
}

/// Applies a change through the domain's state machine and stores it as a new version.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), report = %id))]
pub async fn act(
    app: &App,
    actor: &Actor,
    id: Uuid,
    expected_version: i64,
    change: Change,
) -> Result<ReportView, AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let (r, unit, parent) = load(app, id).await?;
    require_view(app, actor, &unit).await?;
    let action = match &change {
        Change::Save(_) => ReportAction::Save,
        Change::Submit => ReportAction::Submit,
        Change::Accept => ReportAction::Accept,
        Change::Return(reason) => ReportAction::Return {
            reason: reason.trim().to_owned(),
        },
    };
    if action.by_parent() {
        require_reviewer(app, actor, parent.as_ref()).await?;
    } else {
        require_writer(app, actor, &unit).await?;
    }
    if r.version != expected_version {
        return Err(AppError::Conflict(format!(
            "the report was changed meanwhile (you saw version {expected_version}, it is now \
             at {}); reload it",
            r.version
        )));
    }
    let state = ReportState::parse(&r.state).ok_or_else(|| internal(&r.state))?;
    let closed = is_closed(app, &r).await?;
    let next = rules::transition(state, &action, closed).map_err(rule_error)?;
    let versions = app.db.report_versions(id).await?;
    let previous: Narrative = versions
        .last()
        .and_then(|v| serde_json::from_str(&v.narrative).ok())
        .unwrap_or_default();
    let narrative = match change {
        Change::Save(n) => n.cleaned().map_err(rule_error)?,
        _ => previous,
    };
    let figures = if action == ReportAction::Submit {
        let plan = plan_by_id(&r.plan_id)?;
        serde_json::to_string(&live_figures(app, actor, plan, &unit, r.year).await?)
            .map_err(internal)?
    } else {
        "null".to_owned()
    };
    let at = now();
    let v = ReportVersionRecord {
        id: Uuid::now_v7(),
        report_id: id,
        seq: r.version + 1,
        action: action.as_str().to_owned(),
        from_state: state.as_str().to_owned(),
        to_state: next.as_str().to_owned(),
        actor: actor.audit_name(),
        narrative: serde_json::to_string(&narrative).map_err(internal)?,
        figures,
        note: match &action {
            ReportAction::Return { reason } => Some(reason.clone()),
            _ => None,
        },
        created_at: at,
    };
    let submitted_on = today().to_string();
    let first_submitted = (action == ReportAction::Submit).then_some(submitted_on.as_str());
    let guard = if action == ReportAction::Submit {
        r.parent_unit_id
    } else {
        None
    };
    let entry = actor.audit_entry(
        &format!("report.{}", action.as_str()),
        &format!("report:{id}"),
        serde_json::json!({
            "unit": r.unit_code, "plan": r.plan_id, "kind": r.kind, "year": r.year,
            "from": state.as_str(), "to": next.as_str(), "version": v.seq,
            "reason": v.note,
        }),
    );
    let stored = app
        .db
        .append_report_version(r.version, next.as_str(), first_submitted, guard, &v, entry)
        .await
        .map_err(|e| match e {
            ntm_store::StoreError::Conflict(m) if m.contains("closed") => {
                rule_error(ReportError::PeriodClosed)
            }
            other => other.into(),
        })?;
    build_view(app, actor, stored, unit, parent).await
}

/// Closes a period for a parent unit: its children's reports of that period can no longer be
/// submitted. By the parent's officers.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn close_period(
    app: &App,
    actor: &Actor,
    parent_code: &str,
    plan_id: &str,
    kind: PeriodKind,
    year: i32,
) -> Result<(), AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let plan = plan_by_id(plan_id)?;
    let schedule = schedule_of(plan, kind)?;
    let due = ReportPeriod::new(kind, year).due(schedule.due);
    let parent = unit_on(app, parent_code, due)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("unit {parent_code} on {due}")))?;
    require_view(app, actor, &parent).await?;
    require_reviewer(app, actor, Some(&parent)).await?;
    let c = ReportClosureRecord {
        id: Uuid::now_v7(),
        parent_unit_id: parent.id,
        parent_code: parent.code.clone(),
        plan_id: plan.id.clone(),
        kind: kind.as_str().to_owned(),
        year,
        note: None,
        closed_by: actor.audit_name(),
        closed_at: now(),
    };
    let entry = actor.audit_entry(
        "report.close_period",
        &format!("unit:{}", parent.code),
        serde_json::json!({"plan": plan.id, "kind": kind.as_str(), "year": year}),
    );
    app.db
        .insert_report_closure(&c, entry)
        .await
        .map_err(|e| match e {
            ntm_store::StoreError::Conflict(_) => AppError::Conflict(format!(
                "kỳ báo cáo đã được khóa trước đó (the period was already closed for {})",
                parent.code
            )),
            other => other.into(),
        })?;
    Ok(())
}
