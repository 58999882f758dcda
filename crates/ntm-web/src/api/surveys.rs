//! `/api/v1/surveys`: live results of a satisfaction survey campaign (the officers' pages
//! are in `pages::survey`; the work is done by `ntm_app::surveys`).

use axum::extract::{Path, State};
use axum::response::Json;
use ntm_app::surveys::{self, AreaResult, CampaignResults};
use ntm_domain::dossier::survey::Tally;
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

use crate::ctx::Ctx;
use crate::error::{Problem, WebError};
use crate::router::AppState;

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
}

impl From<&AreaResult> for HamletResultDto {
    fn from(a: &AreaResult) -> HamletResultDto {
        HamletResultDto {
            code: a.code.clone(),
            name: a.name.clone(),
            tokens_issued: a.tokens_issued,
            tokens_used: a.tokens_used,
            tally: TallyDto::from(&a.tally),
        }
    }
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
}

fn rfc3339(t: OffsetDateTime) -> Option<String> {
    t.format(&Rfc3339).ok()
}

impl From<&CampaignResults> for SurveyResultsDto {
    fn from(r: &CampaignResults) -> SurveyResultsDto {
        let c = &r.campaign;
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
            hamlets: r.areas.iter().map(HamletResultDto::from).collect(),
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
