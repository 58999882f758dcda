//! Everything the dossier page shows, in one use case: the dossier with its history, the
//! actions the actor may take, the progress of each step of its procedure, what the
//! recognition check takes from the latest closed survey campaign, the unit's name on the
//! dossier's date (and today's when the reform changed it) and the province's settings.

use ntm_domain::dossier::{ActionKind, DossierState, StepKind};
use uuid::Uuid;

use super::{DossierView, actions_on, get_with};
use crate::authz::Actor;
use crate::procedure_settings::ProvinceSettings;
use crate::surveys::SurveyFacts;
use crate::{App, AppError};

/// Where a step of the procedure stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStatus {
    Done,
    Current,
    Todo,
    /// Review, when the dossier went straight to appraisal.
    Skipped,
}

impl StepStatus {
    /// `done`, `current`, `todo` or `skipped`.
    pub fn as_str(self) -> &'static str {
        match self {
            StepStatus::Done => "done",
            StepStatus::Current => "current",
            StepStatus::Todo => "todo",
            StepStatus::Skipped => "skipped",
        }
    }
}

/// One step of the dossier's procedure (in the procedure's order) and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepProgress {
    pub kind: StepKind,
    pub status: StepStatus,
}

/// The dossier page's data.
#[derive(Debug, Clone)]
pub struct DossierDetail {
    pub view: DossierView,
    /// The actions the actor may try now ([`super::available_actions`]).
    pub actions: Vec<ActionKind>,
    /// One entry per step of the procedure (empty when it cannot be built).
    pub steps: Vec<StepProgress>,
    /// From the latest closed survey campaign of the unit, set and year.
    pub survey: SurveyFacts,
    /// The unit's name on the dossier's date (what the papers say).
    pub unit_name: String,
    /// Today's name, when it differs from `unit_name`.
    pub unit_name_now: Option<String>,
    /// The dossier is still open and the actor holds a role acting at some step of its
    /// procedure (the upload itself checks the unit again).
    pub can_upload: bool,
    /// The province's procedure settings (holidays, limits, thresholds, coverage).
    pub settings: ProvinceSettings,
}

/// Where each step stands: done before the pending step, current at it, to do after it;
/// every step done once the dossier is published or revoked (revocation itself only when
/// revoked); review done without a review event is skipped.
pub fn step_progress(v: &DossierView) -> Vec<StepProgress> {
    let Some(p) = &v.procedure else {
        return Vec::new();
    };
    let d = &v.dossier;
    let pending = v.deadline.as_ref().map(|x| x.step);
    p.steps
        .iter()
        .map(|s| {
            let status = if s.kind == StepKind::Revocation {
                if d.state == DossierState::Revoked {
                    StepStatus::Done
                } else {
                    StepStatus::Todo
                }
            } else if matches!(d.state, DossierState::Published | DossierState::Revoked) {
                StepStatus::Done
            } else {
                match pending {
                    Some(pk) if s.kind < pk => StepStatus::Done,
                    Some(pk) if s.kind == pk => StepStatus::Current,
                    _ => StepStatus::Todo,
                }
            };
            let status = if s.kind == StepKind::Review
                && status == StepStatus::Done
                && !v.events.iter().any(|e| e.action.starts_with("review"))
            {
                StepStatus::Skipped
            } else {
                status
            };
            StepProgress {
                kind: s.kind,
                status,
            }
        })
        .collect()
}

/// The actor holds a role that acts at some step of the dossier's procedure, and the
/// dossier is not closed.
fn can_upload(actor: &Actor, v: &DossierView) -> bool {
    let closed = matches!(
        v.dossier.state,
        DossierState::Recognized | DossierState::Published | DossierState::Revoked
    );
    let Actor::User { grants, .. } = actor else {
        return false;
    };
    let Some(p) = &v.procedure else { return false };
    !closed
        && grants
            .iter()
            .any(|g| p.steps.iter().any(|s| s.role == g.role))
}

/// The dossier page: one dossier for a user whose scope covers its unit (the check of
/// [`super::get`]), with everything the page shows.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), dossier = %id))]
pub async fn detail(app: &App, actor: &Actor, id: Uuid) -> Result<DossierDetail, AppError> {
    let (view, unit, settings) = get_with(app, actor, id).await?;
    let survey = crate::surveys::dossier_survey_facts(
        app,
        actor,
        &view.unit_code,
        &view.set_id,
        view.year,
        view.dossier.kind,
        &settings,
    )
    .await?;
    let actions = actions_on(app, actor, &view, &unit).await?;
    let name_on = |date| {
        let code = view.unit_code.clone();
        async move {
            crate::units::get_unit(app, &code, date)
                .await
                .ok()
                .map(|u| u.unit.name)
        }
    };
    let name_now = name_on(None).await;
    let unit_name = name_on(Some(view.dossier.dossier_date))
        .await
        .or_else(|| name_now.clone())
        .unwrap_or_else(|| view.unit_code.clone());
    let unit_name_now = name_now.filter(|n| *n != unit_name);
    Ok(DossierDetail {
        actions,
        steps: step_progress(&view),
        survey,
        unit_name,
        unit_name_now,
        can_upload: can_upload(actor, &view),
        settings,
        view,
    })
}
