//! `/api/v1/units/{code}/surveys` and `/api/v1/surveys/{code}`: satisfaction survey
//! campaigns — status, dates and totals only (`ntm_app::surveys::campaign_page`,
//! `campaign_summary`). Nothing here names a slip, a phone number or an answer.

use axum::extract::{Path, Query, State};
use axum::response::Json;
use ntm_app::surveys::{CampaignSummary, CampaignView};
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

use super::paging::{PageParams, next_link};
use crate::ctx::Ctx;
use crate::error::{Problem, WebError};
use crate::state::AppState;

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// A survey campaign.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignDto {
    /// Campaign id (UUID): the list's paging key.
    pub id: String,
    /// The short code (the public link is `/s/{code}`).
    pub code: String,
    pub title: String,
    pub unit: String,
    pub unit_name: String,
    /// commune or district
    pub unit_level: String,
    /// Criteria set the survey belongs to.
    pub set: String,
    pub year: i32,
    /// draft, open or closed
    pub status: String,
    /// Whether answers are accepted now: not_yet_open, accepting or closed.
    #[schema(value_type = String)]
    pub phase: ntm_domain::dossier::campaign::Phase,
    #[schema(format = DateTime)]
    pub opens_at: String,
    #[schema(format = DateTime)]
    pub closes_at: String,
    /// Contents of NTM building asked one by one (empty: none).
    pub contents: Vec<String>,
    pub created_by: String,
    #[schema(format = DateTime)]
    pub created_at: String,
}

impl From<&CampaignView> for CampaignDto {
    fn from(c: &CampaignView) -> CampaignDto {
        CampaignDto {
            id: c.id.to_string(),
            code: c.code.clone(),
            title: c.title.clone(),
            unit: c.unit_code.clone(),
            unit_name: c.unit_name.clone(),
            unit_level: c.unit_level.as_str().to_string(),
            set: c.set_id.clone(),
            year: c.year,
            status: c.status.as_str().to_string(),
            phase: c.phase,
            opens_at: rfc3339(c.opens_at),
            closes_at: rfc3339(c.closes_at),
            contents: c.questionnaire.contents.clone(),
            created_by: c.created_by.clone(),
            created_at: rfc3339(c.created_at),
        }
    }
}

/// A page of a unit's campaigns, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignListDto {
    pub unit: String,
    pub campaigns: Vec<CampaignDto>,
    /// The next page's address; null on the last page.
    pub next: Option<String>,
}

/// The campaigns of a commune or district, newest first, by keyset pages (officers who
/// manage the unit's surveys).
#[utoipa::path(
    get,
    path = "/api/v1/units/{code}/surveys",
    tag = "surveys",
    summary = "Survey campaigns of a unit",
    params(("code" = String, Path, description = "Code of the commune or district"), PageParams),
    responses(
        (status = 200, description = "A page of campaigns", body = CampaignListDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed to manage the unit's surveys", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such unit, or no campaign with the id given in `after`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a commune or district, or a bad `after` or `limit`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_campaigns(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<PageParams>,
) -> Result<Json<CampaignListDto>, WebError> {
    ctx.require_user()?;
    let limit = ntm_app::paging::limit(p.limit)?;
    let after = p
        .after()
        .map(|a| {
            uuid::Uuid::parse_str(a)
                .map_err(|_| WebError::invalid("after", format!("{a:?} is not a campaign id")))
        })
        .transpose()?;
    let page = ntm_app::surveys::campaign_page(&st.app, &ctx.actor(), &code, after, limit).await?;
    let path = format!("/api/v1/units/{}/surveys", crate::ctx::url_encode(&code));
    Ok(Json(CampaignListDto {
        next: next_link(&path, &[], page.next.as_deref(), limit),
        unit: code,
        campaigns: page.items.iter().map(CampaignDto::from).collect(),
    }))
}

/// A campaign with its totals.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignSummaryDto {
    pub campaign: CampaignDto,
    /// One-time codes printed, and used.
    pub tokens_issued: i64,
    pub tokens_used: i64,
    /// Forms returned (valid and invalid).
    pub responses: u32,
    /// satisfied + not satisfied
    pub valid: u32,
    pub satisfied: u32,
    pub invalid: u32,
    /// Hamlets (or communes) the campaign is split by.
    pub areas: usize,
    /// Households entered; null when not entered.
    pub households: Option<u32>,
    /// Rates, coverage and tallies by hamlet and content.
    #[schema(example = "/api/v1/surveys/AB12CD/results")]
    pub results: String,
}

impl From<&CampaignSummary> for CampaignSummaryDto {
    fn from(s: &CampaignSummary) -> CampaignSummaryDto {
        CampaignSummaryDto {
            results: format!("/api/v1/surveys/{}/results", s.campaign.code),
            campaign: CampaignDto::from(&s.campaign),
            tokens_issued: s.tokens_issued,
            tokens_used: s.tokens_used,
            responses: s.responses,
            valid: s.valid,
            satisfied: s.satisfied,
            invalid: s.invalid,
            areas: s.areas,
            households: s.households,
        }
    }
}

/// One campaign: status, dates and totals (officers who manage the unit's surveys).
#[utoipa::path(
    get,
    path = "/api/v1/surveys/{code}",
    tag = "surveys",
    summary = "A survey campaign",
    params(("code" = String, Path, description = "The campaign's short code")),
    responses(
        (status = 200, description = "The campaign and its totals", body = CampaignSummaryDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed to manage the surveys of the campaign's unit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such campaign", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_campaign(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Json<CampaignSummaryDto>, WebError> {
    ctx.require_user()?;
    let s = ntm_app::surveys::campaign_summary(&st.app, &ctx.actor(), &code).await?;
    Ok(Json(CampaignSummaryDto::from(&s)))
}
