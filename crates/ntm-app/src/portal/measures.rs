//! The DX measures of a commune ([`ntm_domain::portal::measures`]) computed from its posts
//! and programmes: [`dx_figures`] for the lead's smart-commune indicators (TV-X.2 "≥ 2 DX
//! posts a month", TV-X.3 "a weekly DX loudspeaker segment"), and the public drill-down
//! with the posts and programmes behind each figure.

use ntm_domain::portal::{self as domain, Category, DxFigures, PostFact, ProgrammeFact};
use ntm_domain::units::Unit;
use ntm_store::{PortalPostFilter, PortalPostRecord};
use time::Date;

use super::schedule::{ProgrammeView, with_segments};
use crate::{App, AppError};

/// The longest period the figures cover (days).
const MAX_DAYS: i64 = 3660;

/// The DX figures of the commune `unit` between `from` and `to` (both included), from its
/// published posts and held programmes. No permission check: internal, for the use cases
/// that feed indicators (the portal's records are public anyway).
pub(crate) async fn dx_figures(
    app: &App,
    unit: &Unit,
    from: Date,
    to: Date,
) -> Result<DxFigures, AppError> {
    Ok(records(app, unit, from, to).await?.0)
}

async fn records(
    app: &App,
    unit: &Unit,
    from: Date,
    to: Date,
) -> Result<(DxFigures, Vec<PortalPostRecord>, Vec<ProgrammeView>), AppError> {
    if to < from || (to - from).whole_days() > MAX_DAYS {
        return Err(AppError::invalid(
            "to",
            "Khoảng thời gian không hợp lệ — bad period",
        ));
    }
    let posts = app
        .db
        .portal_posts(&PortalPostFilter {
            unit_code: Some(unit.code.clone()),
            published_only: true,
            category: Some(Category::ChuyenDoiSo.code().into()),
            published_from: Some(from),
            published_to: Some(to),
            limit: 1_000_000,
            ..PortalPostFilter::default()
        })
        .await?;
    let programmes =
        with_segments(app, app.db.portal_programmes(&unit.code, from, to).await?).await?;
    let post_facts: Vec<PostFact> = posts
        .iter()
        .filter_map(|p| {
            Some(PostFact {
                id: p.id,
                category: Category::parse(&p.category)?,
                published_on: p.published_on,
            })
        })
        .collect();
    let programme_facts: Vec<ProgrammeFact> = programmes
        .iter()
        .map(|p| ProgrammeFact {
            id: p.programme.id,
            air_date: p.programme.air_date,
            held: p.programme.held_at.is_some(),
            dx_segment: p.has_dx(),
        })
        .collect();
    let figures = domain::dx_figures(&post_facts, &programme_facts, from, to);
    Ok((figures, posts, programmes))
}

/// The figures with the records behind them.
#[derive(Debug, Clone)]
pub struct DxDrilldown {
    pub unit: Unit,
    pub figures: DxFigures,
    /// The DX posts counted, in the order of the figures.
    pub posts: Vec<PortalPostRecord>,
    /// The held programmes with a DX segment counted, in the order of the figures.
    pub programmes: Vec<ProgrammeView>,
}

/// The DX figures of a commune between `from` and `to` with the posts and programmes
/// behind each (public, like the portal).
#[tracing::instrument(skip_all, fields(unit = %unit_code))]
pub async fn dx_drilldown(
    app: &App,
    unit_code: &str,
    from: Date,
    to: Date,
) -> Result<DxDrilldown, AppError> {
    let unit = super::commune(app, unit_code).await?;
    let (figures, posts, programmes) = records(app, &unit, from, to).await?;
    let counted_posts = figures.posts();
    let counted_programmes = figures.programmes();
    let mut posts: Vec<PortalPostRecord> = posts
        .into_iter()
        .filter(|p| counted_posts.contains(&p.id))
        .collect();
    posts.sort_by_key(|p| counted_posts.iter().position(|i| *i == p.id));
    let mut programmes: Vec<ProgrammeView> = programmes
        .into_iter()
        .filter(|p| counted_programmes.contains(&p.programme.id))
        .collect();
    programmes.sort_by_key(|p| counted_programmes.iter().position(|i| *i == p.programme.id));
    Ok(DxDrilldown {
        unit,
        figures,
        posts,
        programmes,
    })
}
