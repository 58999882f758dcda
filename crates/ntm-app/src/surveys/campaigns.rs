//! Officers' campaign use cases: create, edit, open, close, read, list; the demo campaign.

use ntm_domain::authz::Permission;
use ntm_domain::dossier::campaign;
use ntm_domain::dossier::campaign::{CampaignStatus, Questionnaire, StatusError};
use ntm_domain::dossier::survey::Answer;
use ntm_domain::units::{Level, Unit};
use ntm_store::SurveyCampaignRecord;
use rand::RngCore;
use uuid::Uuid;

use super::{
    AnswerInput, CampaignInput, CampaignView, NewCampaign, answer, areas, campaign_unit, checked,
    internal, issue_tokens, managed, parse_status, status_error, view,
};
use crate::authz::Actor;
use crate::criteria::require_on_unit;
use crate::{App, AppError, FieldError, now, today};

/// The unit a campaign may be created for (a commune or a district valid today), checked
/// for the actor.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code))]
pub async fn unit_for_campaign(
    app: &App,
    actor: &Actor,
    unit_code: &str,
) -> Result<Unit, AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let unit = campaign_unit(app, unit_code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("unit {unit_code}")))?;
    require_on_unit(app, actor, Permission::EnterObservations, &unit).await?;
    if !matches!(unit.level, Level::Commune | Level::District) {
        return Err(AppError::invalid(
            "unit",
            "chỉ lấy ý kiến ở cấp xã hoặc cấp huyện (a commune or a district)",
        ));
    }
    Ok(unit)
}

/// Creates a draft campaign.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %new.unit_code))]
pub async fn create(app: &App, actor: &Actor, new: NewCampaign) -> Result<CampaignView, AppError> {
    let unit = unit_for_campaign(app, actor, &new.unit_code).await?;
    let mut errors = Vec::new();
    let set_id = new.set_id.trim().to_owned();
    if set_id.is_empty()
        || set_id.len() > 100
        || !set_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        errors.push(FieldError::new("set", "bộ tiêu chí không hợp lệ"));
    }
    if !(2000..=2100).contains(&new.year) {
        errors.push(FieldError::new("year", "năm không hợp lệ"));
    }
    let draft = match checked(&new.input) {
        Ok(d) => Some(d),
        Err(AppError::Validation(e)) => {
            errors.extend(e);
            None
        }
        Err(e) => return Err(e),
    };
    let Some(draft) = draft.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let t = now();
    let questionnaire = serde_json::to_string(&draft.questionnaire).map_err(internal)?;
    let mut last = None;
    for _ in 0..5 {
        let mut bytes = [0u8; 4];
        rand::rng().fill_bytes(&mut bytes);
        let rec = SurveyCampaignRecord {
            id: Uuid::now_v7(),
            code: campaign::make_code(bytes),
            unit_id: unit.id,
            unit_code: unit.code.clone(),
            set_id: set_id.clone(),
            year: new.year,
            title: draft.title.clone(),
            questionnaire: questionnaire.clone(),
            opens_at: draft.opens_at,
            closes_at: draft.closes_at,
            status: CampaignStatus::Draft.as_str().into(),
            created_by: actor.audit_name(),
            created_at: t,
            updated_at: t,
        };
        let entry = actor.audit_entry(
            "survey.create",
            &format!("survey:{}", rec.code),
            serde_json::json!({
                "unit": unit.code, "set": rec.set_id, "year": rec.year, "title": rec.title,
                "opens_at": rec.opens_at.to_string(), "closes_at": rec.closes_at.to_string(),
            }),
        );
        match app.db.insert_survey_campaign(&rec, entry).await {
            Ok(stored) => return view(&stored, &unit),
            Err(ntm_store::StoreError::Conflict(m)) => last = Some(m),
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Conflict(last.unwrap_or_default()))
}

/// Edits a draft (refused once the campaign is open or closed).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), campaign = %code))]
pub async fn edit(
    app: &App,
    actor: &Actor,
    code: &str,
    input: CampaignInput,
) -> Result<CampaignView, AppError> {
    let (r, unit) = managed(app, actor, code).await?;
    campaign::check_editable(parse_status(&r.status)?).map_err(status_error)?;
    let draft = checked(&input)?;
    let rec = SurveyCampaignRecord {
        title: draft.title,
        questionnaire: serde_json::to_string(&draft.questionnaire).map_err(internal)?,
        opens_at: draft.opens_at,
        closes_at: draft.closes_at,
        updated_at: now(),
        ..r.clone()
    };
    let entry = actor.audit_entry(
        "survey.edit",
        &format!("survey:{}", r.code),
        serde_json::json!({
            "title": rec.title, "opens_at": rec.opens_at.to_string(),
            "closes_at": rec.closes_at.to_string(), "questionnaire": draft.questionnaire,
        }),
    );
    let stored = app.db.update_survey_campaign(&rec, "draft", entry).await?;
    app.survey_writer.forget(&stored.code);
    view(&stored, &unit)
}

async fn set_status(
    app: &App,
    actor: &Actor,
    code: &str,
    to: CampaignStatus,
) -> Result<CampaignView, AppError> {
    let (r, unit) = managed(app, actor, code).await?;
    let from = parse_status(&r.status)?;
    let t = now();
    match to {
        CampaignStatus::Open => campaign::check_open(from, r.closes_at, t),
        CampaignStatus::Closed => campaign::check_close(from),
        CampaignStatus::Draft => Err(StatusError::NotDraft),
    }
    .map_err(status_error)?;
    let rec = SurveyCampaignRecord {
        status: to.as_str().into(),
        updated_at: t,
        ..r.clone()
    };
    let entry = actor.audit_entry(
        &format!(
            "survey.{}",
            if to == CampaignStatus::Open {
                "open"
            } else {
                "close"
            }
        ),
        &format!("survey:{}", r.code),
        serde_json::json!({ "from": from.as_str(), "to": to.as_str() }),
    );
    let stored = app
        .db
        .update_survey_campaign(&rec, from.as_str(), entry)
        .await?;
    app.survey_writer.forget(&stored.code);
    view(&stored, &unit)
}

/// Publishes a draft: answers are accepted from `opens_at` to `closes_at`.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), campaign = %code))]
pub async fn open(app: &App, actor: &Actor, code: &str) -> Result<CampaignView, AppError> {
    set_status(app, actor, code, CampaignStatus::Open).await
}

/// Closes a campaign (final); its result then counts for the dossier.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), campaign = %code))]
pub async fn close(app: &App, actor: &Actor, code: &str) -> Result<CampaignView, AppError> {
    set_status(app, actor, code, CampaignStatus::Closed).await
}

/// One campaign, for an officer who manages it.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), campaign = %code))]
pub async fn get(app: &App, actor: &Actor, code: &str) -> Result<CampaignView, AppError> {
    let (r, unit) = managed(app, actor, code).await?;
    view(&r, &unit)
}

/// Campaigns of a unit, newest first.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code))]
pub async fn list(
    app: &App,
    actor: &Actor,
    unit_code: &str,
) -> Result<Vec<CampaignView>, AppError> {
    let unit = unit_for_campaign(app, actor, unit_code).await?;
    app.db
        .survey_campaigns_of_unit(&unit.code)
        .await?
        .iter()
        .map(|r| view(r, &unit))
        .collect()
}

/// The demo: one clearly labelled sample campaign for the demo commune with a few answers.
/// Safe to run again (done once per database).
#[tracing::instrument(skip_all, fields(unit = %unit_code))]
pub async fn seed_demo_campaign(app: &App, unit_code: &str) -> Result<(), AppError> {
    const DONE: &str = "demo.sample_survey";
    if app.db.get_setting(DONE).await?.is_some() {
        return Ok(());
    }
    let cli = Actor::cli();
    let Some(unit) = app.db.unit_on(unit_code, today()).await? else {
        return Ok(());
    };
    let hamlets = areas(app, &unit.code).await?;
    if hamlets.is_empty() {
        return Ok(());
    }
    let t = now();
    let c = create(
        app,
        &cli,
        NewCampaign {
            unit_code: unit.code.clone(),
            set_id: "xa-ntm-2021-2025".into(),
            year: t.to_offset(campaign::VN_OFFSET).year(),
            input: CampaignInput {
                title: "Đợt lấy ý kiến mẫu (dữ liệu mẫu — demo)".into(),
                questionnaire: Questionnaire::suggested(),
                opens_at: t - time::Duration::days(1),
                closes_at: t + time::Duration::days(60),
            },
        },
    )
    .await?;
    open(app, &cli, &c.code).await?;
    let per: Vec<(String, u32)> = hamlets.iter().map(|h| (h.code.clone(), 4)).collect();
    let tokens = issue_tokens(app, &cli, &c.code, &per).await?;
    for (i, tok) in tokens.iter().enumerate().filter(|(i, _)| i % 4 != 3) {
        let input = AnswerInput {
            token: Some(tok.token.clone()),
            answer: Some(if i % 5 == 4 {
                Answer::NotSatisfied
            } else {
                Answer::Satisfied
            }),
            ..AnswerInput::default()
        };
        if let Err(e) = answer(app, "demo", &c.code, input).await {
            return Err(AppError::Internal(format!("demo survey answer: {e}")));
        }
    }
    app.db.set_setting_if_absent(DONE, &c.code).await?;
    Ok(())
}
