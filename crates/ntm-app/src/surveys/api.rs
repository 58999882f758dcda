//! Survey campaigns for the REST API: a unit's campaigns by keyset pages
//! ([`campaign_page`]) and one campaign with its counts ([`campaign_summary`]). Only what an
//! officer of the unit sees on the campaign's page: status, dates and totals — never a slip,
//! a phone number, or anything that ties an answer to one.

use uuid::Uuid;

use super::{CampaignView, list, results};
use crate::paging::{Page, page};
use crate::{Actor, App, AppError};

/// The campaigns of a unit, newest first (by id: ids are time-ordered), `limit` per page,
/// after the campaign id `after`. Same permission as [`list`] (`EnterObservations` on the
/// unit).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code))]
pub async fn campaign_page(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    after: Option<Uuid>,
    limit: usize,
) -> Result<Page<CampaignView>, AppError> {
    let mut all = list(app, actor, unit_code).await?;
    all.sort_by_key(|c| std::cmp::Reverse(c.id));
    // Newest first: the key grows as the id falls.
    Ok(page(
        all,
        |c| std::cmp::Reverse(c.id),
        after.map(std::cmp::Reverse).as_ref(),
        limit,
        |c| c.id.to_string(),
    ))
}

/// A campaign and its totals.
#[derive(Debug, Clone)]
pub struct CampaignSummary {
    pub campaign: CampaignView,
    /// One-time codes printed, and used.
    pub tokens_issued: i64,
    pub tokens_used: i64,
    /// Forms returned (valid and invalid), and how they split.
    pub responses: u32,
    pub valid: u32,
    pub satisfied: u32,
    pub invalid: u32,
    /// Hamlets (or communes) the campaign is split by.
    pub areas: usize,
    /// Households entered; `None` when not entered.
    pub households: Option<u32>,
}

/// One campaign with its totals, for an officer who manages it (as [`results`]).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), campaign = %code))]
pub async fn campaign_summary(
    app: &App,
    actor: &Actor,
    code: &str,
) -> Result<CampaignSummary, AppError> {
    let r = results(app, actor, code).await?;
    Ok(CampaignSummary {
        tokens_issued: r.tokens_issued,
        tokens_used: r.tokens_used,
        responses: r.total.responses(),
        valid: r.total.rate.valid,
        satisfied: r.total.rate.satisfied,
        invalid: r.total.invalid,
        areas: r.areas.len(),
        households: r.households,
        campaign: r.campaign,
    })
}
