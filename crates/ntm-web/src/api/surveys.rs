//! `/api/v1/surveys`: live results of a satisfaction survey campaign (the officers' pages
//! are in `pages::survey`; the work is done by `ntm_app::surveys`).

use axum::extract::{Path, State};
use axum::response::Json;
use ntm_app::procedure_settings::kind_str;
use ntm_app::surveys::{self, AreaResult, CampaignResults, CommuneContents};
use ntm_domain::dossier::survey::{SatisfactionRate, Tally, share_display_vi};
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

use crate::ctx::Ctx;
use crate::error::{Problem, WebError};
use crate::state::AppState;

/// Answers counted for a hamlet or for the whole campaign.
#[derive(Debug, Serialize, ToSchema)]
pub struct TallyDto {
    pub satisfied: u32,
    pub not_satisfied: u32,
    /// Forms returned without a valid answer.
    pub invalid: u32,
    /// satisfied + not_satisfied
    pub valid: u32,
    /// satisfied / valid in hundredths of a percent, rounded half up (9997 = 99,97 %);
    /// absent with no valid answer.
    pub rate_hundredths_of_percent: Option<u32>,
    /// The rate as Vietnamese text ("99,97 %"), or "–" with no valid answer.
    #[schema(example = "99,97 %")]
    pub rate_display: String,
}

impl From<&Tally> for TallyDto {
    fn from(t: &Tally) -> TallyDto {
        TallyDto {
            satisfied: t.rate.satisfied,
            not_satisfied: t.rate.valid - t.rate.satisfied,
            invalid: t.invalid,
            valid: t.rate.valid,
            rate_hundredths_of_percent: t.rate.hundredths_of_percent(),
            rate_display: t.rate.display_vi(),
        }
    }
}

/// Answers on one content of NTM building (nội dung xây dựng NTM): Hài lòng / Chưa hài
/// lòng; a content left blank on a form is not counted.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContentTallyDto {
    /// The content as written in the questionnaire (same order as `contents`).
    #[schema(example = "Giao thông")]
    pub content: String,
    pub satisfied: u32,
    pub not_satisfied: u32,
    /// satisfied + not_satisfied
    pub valid: u32,
    /// satisfied / valid in hundredths of a percent, rounded half up; absent with no valid
    /// answer.
    pub rate_hundredths_of_percent: Option<u32>,
    /// "85,00 %", or "–" with no valid answer.
    #[schema(example = "85,00 %")]
    pub rate_display: String,
}

impl ContentTallyDto {
    fn new(content: &str, r: SatisfactionRate) -> ContentTallyDto {
        ContentTallyDto {
            content: content.to_owned(),
            satisfied: r.satisfied,
            not_satisfied: r.valid - r.satisfied,
            valid: r.valid,
            rate_hundredths_of_percent: r.hundredths_of_percent(),
            rate_display: r.display_vi(),
        }
    }
}

/// One tally per content of the questionnaire (a missing rate counts as no answer).
fn content_tallies(contents: &[String], rates: &[SatisfactionRate]) -> Vec<ContentTallyDto> {
    contents
        .iter()
        .enumerate()
        .map(|(i, c)| ContentTallyDto::new(c, rates.get(i).copied().unwrap_or_default()))
        .collect()
}

/// Forms returned against the households entered.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageDto {
    /// Forms returned (valid and invalid).
    pub responses: u32,
    /// Households entered by the officers; null when not entered.
    pub households: Option<u32>,
    /// responses / households in tenths of a percent, rounded half up (617 = 61,7 %); null
    /// without households.
    pub share_tenths_of_percent: Option<u64>,
    /// "61,7 %", or "–" without households.
    #[schema(example = "61,7 %")]
    pub share_display: String,
}

impl CoverageDto {
    fn new(responses: u32, households: Option<u32>) -> CoverageDto {
        let share = households.filter(|h| *h > 0).map(|h| {
            let (r, h) = (u64::from(responses), u64::from(h));
            (2 * r * 1000 + h) / (2 * h)
        });
        CoverageDto {
            responses,
            households,
            share_tenths_of_percent: share,
            share_display: share_display_vi(responses, households.unwrap_or(0)),
        }
    }
}

/// One hamlet (ấp) of the unit.
#[derive(Debug, Serialize, ToSchema)]
pub struct HamletResultDto {
    pub code: String,
    pub name: String,
    /// One-time codes printed for the hamlet.
    pub tokens_issued: i64,
    /// Codes already used to answer.
    pub tokens_used: i64,
    pub tally: TallyDto,
    /// Households entered for the hamlet; null when not entered.
    pub households: Option<u32>,
    /// Forms returned from the hamlet against its households.
    pub coverage: CoverageDto,
    /// One tally per content of the questionnaire (empty without contents).
    pub content_tallies: Vec<ContentTallyDto>,
}

impl HamletResultDto {
    fn new(a: &AreaResult, contents: &[String]) -> HamletResultDto {
        HamletResultDto {
            code: a.code.clone(),
            name: a.name.clone(),
            tokens_issued: a.tokens_issued,
            tokens_used: a.tokens_used,
            tally: TallyDto::from(&a.tally),
            households: a.households,
            coverage: CoverageDto::new(a.tally.responses(), a.households),
            content_tallies: content_tallies(contents, &a.contents),
        }
    }
}

/// Content rates of one commune: each commune of a district campaign, or the unit itself
/// for a commune campaign.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommuneResultDto {
    pub code: String,
    pub name: String,
    pub content_tallies: Vec<ContentTallyDto>,
}

impl CommuneResultDto {
    fn new(c: &CommuneContents, contents: &[String]) -> CommuneResultDto {
        CommuneResultDto {
            code: c.code.clone(),
            name: c.name.clone(),
            content_tallies: content_tallies(contents, &c.contents),
        }
    }
}

/// The lowest rate over (commune × content): what the district rule "≥ 80 % ở từng xã đối
/// với từng nội dung" (QĐ 320) is checked on.
#[derive(Debug, Serialize, ToSchema)]
pub struct MinCommuneContentDto {
    /// Code of the commune with the lowest rate (the first one on a tie).
    pub commune: String,
    pub commune_name: String,
    /// The content with the lowest rate.
    pub content: String,
    pub satisfied: u32,
    pub valid: u32,
    pub rate_hundredths_of_percent: Option<u32>,
    #[schema(example = "70,00 %")]
    pub rate_display: String,
}

/// Why the lowest commune × content rate is not known.
#[derive(Debug, Serialize, ToSchema)]
pub struct MinCommuneContentUnknownDto {
    /// `no_contents` (the questionnaire lists no content) or `no_valid_answer` (a commune has
    /// no valid answer for a content: the rule is about each commune and each content, so it
    /// cannot be assumed to pass).
    #[schema(example = "no_valid_answer")]
    pub reason: String,
    /// With `no_valid_answer`: the first commune and content without a valid answer.
    pub commune: Option<String>,
    pub content: Option<String>,
    /// The reason in Vietnamese.
    pub message: String,
}

fn min_commune_content(r: &CampaignResults) -> Option<MinCommuneContentDto> {
    let min = r.min_commune_content?;
    let contents = &r.campaign.questionnaire.contents;
    r.communes.iter().find_map(|c| {
        let i = c.contents.iter().position(|x| *x == min)?;
        Some(MinCommuneContentDto {
            commune: c.code.clone(),
            commune_name: c.name.clone(),
            content: contents.get(i).cloned().unwrap_or_default(),
            satisfied: min.satisfied,
            valid: min.valid,
            rate_hundredths_of_percent: min.hundredths_of_percent(),
            rate_display: min.display_vi(),
        })
    })
}

fn min_commune_content_unknown(r: &CampaignResults) -> Option<MinCommuneContentUnknownDto> {
    if r.min_commune_content.is_some() {
        return None;
    }
    let contents = &r.campaign.questionnaire.contents;
    if contents.is_empty() {
        return Some(MinCommuneContentUnknownDto {
            reason: "no_contents".into(),
            commune: None,
            content: None,
            message: "Đợt lấy ý kiến không có nội dung được hỏi riêng.".into(),
        });
    }
    Some(match r.first_without_valid_answer() {
        Some((c, content)) => MinCommuneContentUnknownDto {
            reason: "no_valid_answer".into(),
            commune: Some(c.code.clone()),
            content: Some(content.to_owned()),
            message: format!(
                "{} ({}) chưa có phiếu hợp lệ cho nội dung «{content}».",
                c.name, c.code
            ),
        },
        None => MinCommuneContentUnknownDto {
            reason: "no_valid_answer".into(),
            commune: None,
            content: None,
            message: "Chưa có xã nào có phiếu hợp lệ.".into(),
        },
    })
}

/// A minimum share of households configured by the province for a dossier kind.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageRuleDto {
    /// Dossier kind (commune_ntm, district_ntm…).
    #[schema(example = "commune_ntm")]
    pub kind: String,
    pub percent: u32,
    /// The document the province relies on.
    pub basis: String,
    /// Whether the campaign's forms returned reach it (never without households).
    pub met: bool,
}

/// A campaign and its live results, in total and by hamlet.
#[derive(Debug, Serialize, ToSchema)]
pub struct SurveyResultsDto {
    /// The campaign's short code (the public link is `/s/{code}`).
    pub code: String,
    pub title: String,
    /// Code of the unit surveyed.
    pub unit: String,
    /// Criteria set the survey belongs to.
    pub set: String,
    pub year: i32,
    /// draft, open or closed
    pub status: String,
    /// Whether answers are accepted now: not_yet_open, accepting or closed.
    #[schema(value_type = String)]
    pub phase: ntm_domain::dossier::campaign::Phase,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub opens_at: Option<String>,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub closes_at: Option<String>,
    pub tokens_issued: i64,
    pub tokens_used: i64,
    pub total: TallyDto,
    pub hamlets: Vec<HamletResultDto>,
    /// Contents of NTM building asked one by one (empty: none).
    pub contents: Vec<String>,
    /// One tally per content over the whole campaign.
    pub content_totals: Vec<ContentTallyDto>,
    /// Content tallies per commune: each commune of a district campaign; the unit itself for
    /// a commune campaign.
    pub communes: Vec<CommuneResultDto>,
    /// Households of the campaign: the sum over hamlets when entered per hamlet, else the
    /// total entered; null when not entered.
    pub households: Option<u32>,
    /// The total as entered for the unit (when hamlets are unknown); null when not entered.
    pub households_total_entered: Option<u32>,
    /// Forms returned against `households`.
    pub coverage: CoverageDto,
    /// Minimum shares of households configured by the province for the dossier kinds of the
    /// unit's level (empty: not configured, nothing is checked).
    pub coverage_rules: Vec<CoverageRuleDto>,
    /// The lowest rate over (commune × content); null when unknown (see
    /// `min_commune_content_unknown`).
    pub min_commune_content: Option<MinCommuneContentDto>,
    /// Why `min_commune_content` is null; null when it is known.
    pub min_commune_content_unknown: Option<MinCommuneContentUnknownDto>,
}

fn rfc3339(t: OffsetDateTime) -> Option<String> {
    t.format(&Rfc3339).ok()
}

impl From<&CampaignResults> for SurveyResultsDto {
    fn from(r: &CampaignResults) -> SurveyResultsDto {
        let c = &r.campaign;
        let contents = &c.questionnaire.contents;
        let responses = r.total.responses();
        SurveyResultsDto {
            code: c.code.clone(),
            title: c.title.clone(),
            unit: c.unit_code.clone(),
            set: c.set_id.clone(),
            year: c.year,
            status: c.status.as_str().to_string(),
            phase: c.phase,
            opens_at: rfc3339(c.opens_at),
            closes_at: rfc3339(c.closes_at),
            tokens_issued: r.tokens_issued,
            tokens_used: r.tokens_used,
            total: TallyDto::from(&r.total),
            hamlets: r
                .areas
                .iter()
                .map(|a| HamletResultDto::new(a, contents))
                .collect(),
            contents: contents.clone(),
            content_totals: content_tallies(contents, &r.content_totals),
            communes: r
                .communes
                .iter()
                .map(|x| CommuneResultDto::new(x, contents))
                .collect(),
            households: r.households,
            households_total_entered: r.households_total_entered,
            coverage: CoverageDto::new(responses, r.households),
            coverage_rules: r
                .coverage()
                .into_iter()
                .map(|c| CoverageRuleDto {
                    kind: kind_str(c.kind),
                    percent: c.rule.percent,
                    basis: c.rule.basis,
                    met: c.met,
                })
                .collect(),
            min_commune_content: min_commune_content(r),
            min_commune_content_unknown: min_commune_content_unknown(r),
        }
    }
}

/// Live results of a survey campaign by hamlet (officers who manage the unit's surveys).
#[utoipa::path(
    get,
    path = "/api/v1/surveys/{code}/results",
    tag = "surveys",
    summary = "Live results of a satisfaction survey",
    params(("code" = String, Path, description = "The campaign's short code")),
    responses(
        (status = 200, description = "The campaign and its results, in total and by hamlet", body = SurveyResultsDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed to manage the surveys of the campaign's unit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn survey_results(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Json<SurveyResultsDto>, WebError> {
    let r = surveys::results(&st.app, &ctx.actor(), &code).await?;
    Ok(Json(SurveyResultsDto::from(&r)))
}
