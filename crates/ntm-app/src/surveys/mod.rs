//! Citizen satisfaction survey campaigns (lấy ý kiến sự hài lòng của người dân).
//!
//! Officers of the unit's subtree (`EnterObservations` on the unit: commune, district and
//! province officers) create, edit (drafts only), open and close campaigns, issue one-time
//! tokens per hamlet (shown once, only hashes stored), import paper forms and read live
//! results. Every such write carries its audit entry into the same transaction.
//!
//! Citizens answer without an account ([`answer`]): with a token printed on a slip, or —
//! only when the campaign enables it — with a phone number on the household list the
//! commune imported ([`phones`]), kept only as a keyed hash (HMAC-SHA-256 keyed by the
//! survey key, a file outside the database ([`key`]), over the campaign id and the number).
//! The public path is lean: in-memory rate limits, one read of the campaign, then one
//! transaction marking the token or number used and storing an answer that shares no key,
//! id or time with it (random id and key, the day only: see `ntm_store`'s
//! `survey_answers`), so a database dump cannot link answers to slips or numbers. No audit
//! entry per answer: the answers table is append-only.
//!
//! A closed campaign's overall rate flows into the dossier of the same unit, set and year
//! ([`dossier_satisfaction`], [`dossier_survey_facts`]), with the lowest rate over
//! (commune × content) for districts and the share of households that answered.
//!
//! Contents (nội dung xây dựng NTM) listed by the questionnaire are answered satisfied / not
//! satisfied each, stored with the answer, and tallied per hamlet and per commune (a district
//! campaign's areas are its communes; a commune campaign is one commune). Officers enter the
//! households per hamlet (or the campaign's total) for the share of households surveyed.

use ntm_domain::authz::Permission;
use ntm_domain::dossier::DossierKind;
use ntm_domain::dossier::campaign::{
    self, CampaignDraft, CampaignStatus, Phase, Questionnaire, StatusError,
};
use ntm_domain::dossier::survey::{
    Answer, ContentAnswer, CoverageCheck, MinCoverage, SatisfactionRate, Tally,
};
use ntm_domain::units::{Level, Unit};
use ntm_store::SurveyCampaignRecord;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::authz::Actor;
use crate::criteria::require_on_unit;
use crate::{App, AppError, FieldError, now, today};

/// Most tokens issued per hamlet in one go, and in total per request.
pub const MAX_TOKENS_PER_AREA: u32 = 2000;
pub const MAX_TOKENS_PER_REQUEST: u32 = 20_000;
/// Most rows of a paper import.
pub const MAX_PAPER_ROWS: usize = 50_000;

mod answers;
mod api;
mod campaigns;
pub mod key;
pub(crate) mod limits;
mod pages;
mod paper;
pub mod phones;
mod results;
pub mod sms_codes;
mod tokens;
mod writer;

pub use answers::{answer, public_campaign};
pub use api::{CampaignSummary, campaign_page, campaign_summary};
pub use campaigns::{close, create, edit, get, list, open, seed_demo_campaign, unit_for_campaign};
pub use limits::{RateLimits, rate_limits};
pub use pages::{
    CampaignAction, CampaignDone, CampaignFormPage, CampaignPage, CampaignsPage, PaperPreview,
    PhonesPage, PhonesUpload, PublicRefusal, SetTitle, answer_page, campaign_action,
    campaign_detail, campaigns_page, create_campaign, edit_campaign, edit_campaign_page,
    new_campaign_page, paper_import, paper_preview, paper_template_of, phones_import, phones_page,
    phones_preview, phones_switch, public_page, results_page, send_code_page,
};
pub use paper::{paper_apply, paper_check, paper_template, read_paper};
pub use results::{
    dossier_campaign_results, dossier_satisfaction, dossier_survey_facts, results, set_households,
};
pub use sms_codes::send_code;
pub use tokens::issue_tokens;
pub use writer::CAMPAIGN_CACHE_TTL;
pub(crate) use writer::Writer;

// ---------------------------------------------------------------- views

/// A hamlet of a commune (or a commune of a district): where tokens go and results split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Area {
    pub code: String,
    pub name: String,
}

/// What an officer sets.
#[derive(Debug, Clone)]
pub struct CampaignInput {
    pub title: String,
    pub questionnaire: Questionnaire,
    pub opens_at: OffsetDateTime,
    pub closes_at: OffsetDateTime,
}

/// A new campaign of a unit, set and year.
#[derive(Debug, Clone)]
pub struct NewCampaign {
    pub unit_code: String,
    pub set_id: String,
    pub year: i32,
    pub input: CampaignInput,
}

/// A campaign as officers see it.
#[derive(Debug, Clone)]
pub struct CampaignView {
    pub id: Uuid,
    pub code: String,
    pub unit_code: String,
    pub unit_name: String,
    pub unit_level: Level,
    pub set_id: String,
    pub year: i32,
    pub title: String,
    pub questionnaire: Questionnaire,
    pub opens_at: OffsetDateTime,
    pub closes_at: OffsetDateTime,
    pub status: CampaignStatus,
    pub phase: Phase,
    pub created_by: String,
    pub created_at: OffsetDateTime,
}

/// A campaign as a citizen sees it.
#[derive(Debug, Clone)]
pub struct PublicCampaign {
    pub code: String,
    pub title: String,
    pub unit_name: String,
    pub questionnaire: Questionnaire,
    pub opens_at: OffsetDateTime,
    pub closes_at: OffsetDateTime,
    pub phase: Phase,
    pub areas: Vec<Area>,
    /// Phone answers are enabled (and a household list imported).
    pub phones: bool,
    /// Phone answers need a one-time code sent by SMS (a gateway is configured).
    pub sms: bool,
}

/// One token handed out (shown once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    pub token: String,
    pub area_code: String,
    pub area_name: String,
}

/// Results of one hamlet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaResult {
    pub code: String,
    pub name: String,
    pub tokens_issued: i64,
    pub tokens_used: i64,
    pub tally: Tally,
    /// Households entered for this hamlet.
    pub households: Option<u32>,
    /// One rate per content of the questionnaire.
    pub contents: Vec<SatisfactionRate>,
}

/// Content rates of one commune (the unit itself for a commune campaign; each area for a
/// district campaign).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommuneContents {
    pub code: String,
    pub name: String,
    pub contents: Vec<SatisfactionRate>,
}

/// Live results by hamlet and in total.
#[derive(Debug, Clone)]
pub struct CampaignResults {
    pub campaign: CampaignView,
    pub areas: Vec<AreaResult>,
    pub total: Tally,
    pub tokens_issued: i64,
    pub tokens_used: i64,
    /// Households of the campaign: the sum over hamlets when entered per hamlet, else the
    /// campaign's total; `None` when nothing was entered.
    pub households: Option<u32>,
    /// The campaign's total as entered when hamlets are unknown.
    pub households_total_entered: Option<u32>,
    /// One rate per content over the whole campaign.
    pub content_totals: Vec<SatisfactionRate>,
    pub communes: Vec<CommuneContents>,
    /// Lowest rate over (commune × content); `None` without contents or when a commune has
    /// no valid answer for a content.
    pub min_commune_content: Option<SatisfactionRate>,
    /// Minimum shares of households configured by the province for the dossier kinds of the
    /// unit's level (empty: not configured).
    pub coverage_rules: Vec<(DossierKind, MinCoverage)>,
}

/// One dossier kind's minimum share of households, checked against a campaign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindCoverage {
    pub kind: DossierKind,
    pub rule: MinCoverage,
    /// Forms returned ÷ households entered reach the minimum ([`CoverageCheck::met`]).
    pub met: bool,
}

impl CampaignResults {
    /// The coverage rule of each configured dossier kind, evaluated once for every caller
    /// (the results page and the REST API): forms returned against households entered.
    pub fn coverage(&self) -> Vec<KindCoverage> {
        self.coverage_rules
            .iter()
            .map(|(kind, rule)| KindCoverage {
                kind: *kind,
                rule: rule.clone(),
                met: CoverageCheck {
                    rule: rule.clone(),
                    responses: self.total.responses(),
                    households: self.households.unwrap_or(0),
                }
                .met(),
            })
            .collect()
    }

    /// Why `min_commune_content` is unknown although the campaign lists contents: the first
    /// commune and content without a valid answer (`None` when the rate is known, or when
    /// there are no contents, or no commune at all).
    pub fn first_without_valid_answer(&self) -> Option<(&CommuneContents, &str)> {
        if self.min_commune_content.is_some() {
            return None;
        }
        let contents = &self.campaign.questionnaire.contents;
        self.communes.iter().find_map(|c| {
            (0..contents.len())
                .find(|i| c.contents.get(*i).is_none_or(|x| x.valid == 0))
                .map(|i| (c, contents[i].as_str()))
        })
    }
}

/// What a dossier's recognition check takes from the latest closed campaign.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SurveyFacts {
    pub satisfaction: Option<SatisfactionRate>,
    pub min_commune_content_satisfaction: Option<SatisfactionRate>,
    /// `None` when the province configured no minimum share for the kind.
    pub household_coverage: Option<CoverageCheck>,
}

/// Why a citizen's answer was not recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("no such survey")]
    NotFound,
    #[error("the survey is not open yet")]
    NotYetOpen { opens_at: Option<OffsetDateTime> },
    #[error("the survey is closed")]
    Closed,
    #[error("choose satisfied or not satisfied")]
    AnswerMissing,
    #[error("an answer is not one of the choices")]
    ExtraInvalid,
    #[error("give the code on your slip or a phone number")]
    NeedTokenOrPhone,
    #[error("the code is not right")]
    TokenWrong,
    #[error("the code was used already")]
    TokenUsed,
    #[error("the phone number is not valid")]
    PhoneInvalid,
    #[error("this phone number has answered already")]
    PhoneUsed,
    #[error("this survey takes no answers by phone number")]
    PhonesOff,
    #[error("this phone number is not on the list of households of the survey")]
    PhoneNotListed,
    #[error("choose your hamlet")]
    AreaMissing,
    #[error("no SMS gateway is configured")]
    SmsOff,
    #[error("ask for the code sent by SMS and type it")]
    SmsCodeMissing,
    #[error("the code sent by SMS is not right or has expired")]
    SmsCodeWrong,
    #[error("the SMS could not be sent")]
    SmsFailed,
    #[error("too many attempts, try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<ntm_store::StoreError> for Refusal {
    fn from(e: ntm_store::StoreError) -> Refusal {
        Refusal::Internal(e.to_string())
    }
}

/// A citizen's answer.
#[derive(Debug, Clone, Default)]
pub struct AnswerInput {
    pub token: Option<String>,
    pub phone: Option<String>,
    /// The one-time code sent by SMS to `phone` (needed when a gateway is configured).
    pub sms_code: Option<String>,
    /// Hamlet code (needed with a phone number; a token knows its hamlet).
    pub area: Option<String>,
    /// `Satisfied` or `NotSatisfied`.
    pub answer: Option<Answer>,
    pub extra: Vec<String>,
    /// One value per content: `satisfied`, `not_satisfied` or empty.
    pub contents: Vec<String>,
}

/// A paper row that can be written: (spreadsheet row, hamlet code, household id, answer,
/// content answers).
pub type PaperOk = (usize, String, String, Answer, Vec<ContentAnswer>);

/// Paper rows checked: what would be written, and every problem by cell.
#[derive(Debug, Clone, Default)]
pub struct PaperCheck {
    /// (spreadsheet row, hamlet code, household id, answer, content answers)
    pub ok: Vec<PaperOk>,
    /// `field` is the cell reference (`C7`).
    pub errors: Vec<FieldError>,
}

// ---------------------------------------------------------------- helpers

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("survey data: {e}"))
}

fn status_error(e: StatusError) -> AppError {
    AppError::Conflict(e.to_string())
}

fn parse_status(s: &str) -> Result<CampaignStatus, AppError> {
    CampaignStatus::parse(s).ok_or_else(|| internal(format!("status {s}")))
}

fn answer_str(a: Answer) -> &'static str {
    match a {
        Answer::Satisfied => "satisfied",
        Answer::NotSatisfied => "not_satisfied",
        Answer::Invalid => "invalid",
    }
}

fn parse_answer(s: &str) -> Option<Answer> {
    match s {
        "satisfied" => Some(Answer::Satisfied),
        "not_satisfied" => Some(Answer::NotSatisfied),
        "invalid" => Some(Answer::Invalid),
        _ => None,
    }
}

fn token_hash(campaign_id: Uuid, token: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"survey-token:");
    h.update(campaign_id.as_bytes());
    h.update(token.as_bytes());
    hex::encode(h.finalize())
}

/// HMAC-SHA-256 (RFC 2104).
pub(crate) fn hmac_sha256(key: &[u8], msg: &[&[u8]]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    for m in msg {
        inner.update(m);
    }
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

pub(crate) fn phone_key(key: &key::SurveyKey, campaign_id: Uuid, phone: &str) -> String {
    let mac = hmac_sha256(
        key.bytes(),
        &[campaign_id.as_bytes(), b":", phone.as_bytes()],
    );
    format!("p:{}", hex::encode(mac))
}

async fn record(app: &App, code: &str) -> Result<SurveyCampaignRecord, AppError> {
    let code = campaign::normalize_code(code)
        .ok_or_else(|| AppError::NotFound(format!("survey {code}")))?;
    app.db
        .survey_campaign_by_code(&code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("survey {code}")))
}

fn view(r: &SurveyCampaignRecord, unit: &Unit) -> Result<CampaignView, AppError> {
    let status = parse_status(&r.status)?;
    Ok(CampaignView {
        id: r.id,
        code: r.code.clone(),
        unit_code: r.unit_code.clone(),
        unit_name: unit.name.clone(),
        unit_level: unit.level,
        set_id: r.set_id.clone(),
        year: r.year,
        title: r.title.clone(),
        questionnaire: serde_json::from_str(&r.questionnaire).map_err(internal)?,
        opens_at: r.opens_at,
        closes_at: r.closes_at,
        status,
        phase: campaign::phase(status, r.opens_at, r.closes_at, now()),
        created_by: r.created_by.clone(),
        created_at: r.created_at,
    })
}

/// The campaign and its unit, for an officer allowed to manage it.
pub(crate) async fn managed(
    app: &App,
    actor: &Actor,
    code: &str,
) -> Result<(SurveyCampaignRecord, Unit), AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let r = record(app, code).await?;
    let unit = app
        .db
        .unit_by_id(r.unit_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("unit of survey {code}")))?;
    require_on_unit(app, actor, Permission::EnterObservations, &unit).await?;
    Ok((r, unit))
}

/// Hamlets of a commune, or communes of a district, today.
#[tracing::instrument(skip_all, fields(unit = %unit_code))]
pub async fn areas(app: &App, unit_code: &str) -> Result<Vec<Area>, AppError> {
    let date = area_date(app, unit_code).await?;
    Ok(app
        .db
        .children_on(unit_code, date)
        .await?
        .into_iter()
        .map(|u| Area {
            code: u.code,
            name: u.name,
        })
        .collect())
}

/// Today for a unit valid today; for a unit that no longer exists (a district before
/// 01/07/2025), its last day, so that its campaign keeps the areas it had.
async fn area_date(app: &App, unit_code: &str) -> Result<time::Date, AppError> {
    let t = today();
    if app.db.unit_on(unit_code, t).await?.is_some() {
        return Ok(t);
    }
    Ok(app
        .db
        .unit_versions(unit_code)
        .await?
        .into_iter()
        .filter_map(|u| u.valid_to)
        .max()
        .and_then(|d| d.previous_day())
        .unwrap_or(t))
}

/// The unit of a campaign: valid today, or else its latest record (a former district).
async fn campaign_unit(app: &App, unit_code: &str) -> Result<Option<Unit>, AppError> {
    if let Some(u) = app.db.unit_on(unit_code, today()).await? {
        return Ok(Some(u));
    }
    Ok(app
        .db
        .unit_versions(unit_code)
        .await?
        .into_iter()
        .filter(|u| matches!(u.level, Level::Commune | Level::District))
        .max_by_key(|u| u.valid_to))
}

fn draft_errors(errors: Vec<campaign::CampaignFieldError>) -> AppError {
    AppError::Validation(
        errors
            .into_iter()
            .map(|e| FieldError::new(e.field, e.message))
            .collect(),
    )
}

fn checked(input: &CampaignInput) -> Result<CampaignDraft, AppError> {
    campaign::validate_draft(&CampaignDraft {
        title: input.title.clone(),
        questionnaire: input.questionnaire.clone(),
        opens_at: input.opens_at,
        closes_at: input.closes_at,
    })
    .map_err(draft_errors)
}

#[cfg(test)]
mod tests;
