//! The public path: a campaign as citizens see it, and their answers.

use std::sync::Arc;
use std::time::Duration;

use ntm_domain::dossier::campaign::{CampaignStatus, Phase, Questionnaire};
use ntm_domain::dossier::survey::Answer;
use ntm_domain::dossier::{campaign, survey};
use ntm_store::{PhoneAnswer, PublicAnswer, SurveyCampaignRecord, TokenAnswer};

use super::limits::{hit, per_origin};
use super::{
    AnswerInput, PublicCampaign, Refusal, answer_str, areas, internal, key, parse_status,
    phone_key, phones, rate_limits, record, sms_codes, token_hash,
};
use crate::{App, AppError, now};

/// A campaign for the public page (a draft is not found: it is not published yet).
#[tracing::instrument(skip_all, fields(campaign = %code))]
pub async fn public_campaign(app: &App, code: &str) -> Result<PublicCampaign, AppError> {
    let r = record(app, code).await?;
    let status = parse_status(&r.status)?;
    if status == CampaignStatus::Draft {
        return Err(AppError::NotFound(format!("survey {code}")));
    }
    let unit = app
        .db
        .unit_by_id(r.unit_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("unit of survey {code}")))?;
    Ok(PublicCampaign {
        code: r.code.clone(),
        title: r.title.clone(),
        unit_name: unit.name,
        questionnaire: serde_json::from_str(&r.questionnaire).map_err(internal)?,
        opens_at: r.opens_at,
        closes_at: r.closes_at,
        phase: campaign::phase(status, r.opens_at, r.closes_at, now()),
        areas: areas(app, &r.unit_code).await?,
        phones: phones::accepting(app, r.id).await?,
        sms: app.config.sms.is_some(),
    })
}

/// The campaign `code` while it accepts answers (its cached record and questionnaire), or
/// why not: unknown or a draft's code is not found, a
/// campaign not yet open says when it opens (a draft: no date), a closed one is closed. The
/// one lookup of the public path ([`answer`], [`super::send_code`]).
pub(super) async fn answering_campaign(
    app: &App,
    code: &str,
) -> Result<Arc<(SurveyCampaignRecord, Questionnaire)>, Refusal> {
    let code = campaign::normalize_code(code).ok_or(Refusal::NotFound)?;
    let cached = app
        .survey_writer
        .campaign(&app.db, &code)
        .await?
        .ok_or(Refusal::NotFound)?;
    let (r, _) = &*cached;
    let status = CampaignStatus::parse(&r.status).ok_or(Refusal::NotFound)?;
    match campaign::phase(status, r.opens_at, r.closes_at, now()) {
        Phase::Accepting => {}
        Phase::NotYetOpen if status == CampaignStatus::Draft => {
            return Err(Refusal::NotYetOpen { opens_at: None });
        }
        Phase::NotYetOpen => {
            return Err(Refusal::NotYetOpen {
                opens_at: Some(r.opens_at),
            });
        }
        Phase::Closed => return Err(Refusal::Closed),
    }
    Ok(cached)
}

/// Records a citizen's answer (no login). `origin` is the client address (rate limits).
#[tracing::instrument(skip_all, fields(campaign = %code))]
pub async fn answer(
    app: &App,
    origin: &str,
    code: &str,
    input: AnswerInput,
) -> Result<(), Refusal> {
    let limits = rate_limits();
    per_origin(origin)?;
    let code = campaign::normalize_code(code).ok_or(Refusal::NotFound)?;
    let cached = answering_campaign(app, &code).await?;
    let (r, q) = &*cached;
    let main = match input.answer {
        Some(a @ (Answer::Satisfied | Answer::NotSatisfied)) => a,
        _ => return Err(Refusal::AnswerMissing),
    };
    let extra =
        campaign::check_extra_answers(q, &input.extra).map_err(|_| Refusal::ExtraInvalid)?;
    let contents =
        campaign::check_content_answers(q, &input.contents).map_err(|_| Refusal::ExtraInvalid)?;
    let extra = if extra.iter().all(String::is_empty) {
        "[]".to_owned()
    } else {
        serde_json::to_string(&extra).map_err(|e| Refusal::Internal(e.to_string()))?
    };
    let token = input.token.as_deref().map(str::trim).unwrap_or_default();
    let phone = input.phone.as_deref().map(str::trim).unwrap_or_default();
    let limited = |s| Refusal::RateLimited {
        retry_after_secs: s,
    };
    // What is stored: no id, key or time from here but the day (the store draws a random
    // id and household key, so the answer cannot be linked to the slip or the number).
    let a = PublicAnswer {
        campaign_id: r.id,
        answer: answer_str(main).into(),
        extra,
        contents: survey::encode_contents(&contents),
        day: crate::today(),
    };
    if !token.is_empty() {
        let token = survey::check_token(token).map_err(|_| Refusal::TokenWrong)?;
        hit(
            format!("t:{code}:{token}"),
            limits.per_token_per_10min,
            Duration::from_secs(600),
        )
        .map_err(limited)?;
        let hash = token_hash(r.id, &token);
        match app.survey_writer.answer(&app.db, hash, a).await? {
            TokenAnswer::Recorded { .. } => Ok(()),
            TokenAnswer::Used => Err(Refusal::TokenUsed),
            TokenAnswer::Unknown => Err(Refusal::TokenWrong),
        }
    } else if !phone.is_empty() {
        let phone = campaign::normalize_phone(phone).map_err(|_| Refusal::PhoneInvalid)?;
        hit(
            format!("p:{code}:{phone}"),
            limits.per_token_per_10min,
            Duration::from_secs(600),
        )
        .map_err(limited)?;
        // Only numbers on the household list the commune imported, and only when the
        // campaign enables phone answers (`survey_phones`); the list gives the hamlet.
        let list = app.db.survey_phone_list(r.id).await?;
        if !list.is_some_and(|l| l.enabled) {
            return Err(Refusal::PhonesOff);
        }
        let key = key::survey_key(app)
            .await
            .map_err(|e| Refusal::Internal(e.to_string()))?;
        let pkey = phone_key(&key, r.id, &phone);
        if app.config.sms.is_some() {
            sms_codes::check(app, &key, r.id, &pkey, input.sms_code.as_deref()).await?;
        }
        match app.db.answer_with_phone(&pkey, &a).await? {
            PhoneAnswer::Recorded { .. } => Ok(()),
            PhoneAnswer::Used => Err(Refusal::PhoneUsed),
            PhoneAnswer::NotListed => Err(Refusal::PhoneNotListed),
        }
    } else {
        Err(Refusal::NeedTokenOrPhone)
    }
}
