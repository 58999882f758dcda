//! The home page: what NTM Số is, unit counts and provinces on a date, search.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::request::parse_date_param;
use crate::state::AppState;
use crate::view::{UnitRowView, date_query, html};

#[derive(Debug, Deserialize)]
pub struct DateParams {
    pub date: Option<String>,
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub ctx: Ctx,
    /// Value of the date picker (YYYY-MM-DD).
    pub date_value: String,
    /// "01/01/2024", shown in headings.
    pub date_text: String,
    pub is_today: bool,
    /// "34 tỉnh, thành phố", "3.321 xã, phường, đặc khu"…
    pub counts: Vec<String>,
    pub provinces: Vec<UnitRowView>,
    /// `?date=…` for links, or empty for today.
    pub date_q: String,
    /// Roots of the unit tree for a logged-in user: the units of their grants, or the
    /// provinces for a country-wide role.
    pub nodes: Vec<super::tree::TreeNode>,
}

pub async fn home(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<DateParams>,
) -> Result<Response, WebError> {
    let chosen = parse_date_param(p.date.as_deref())?;
    let date = chosen.unwrap_or(ctx.today);
    let data = ntm_app::units::home(&st.app, &ctx.actor(), date).await?;
    let lang = ctx.lang;
    let counts = data
        .counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(level, n)| lang.t_count(&format!("count-{}", level.as_str()), *n))
        .collect();
    let nodes = data
        .roots
        .iter()
        .filter(|u| u.is_valid_on(date))
        .map(|u| super::tree::TreeNode::new(&ctx, u, date))
        .collect();
    let provinces = data.provinces;
    let provinces = provinces
        .iter()
        .map(|u| UnitRowView::new(&ctx, u, date))
        .collect();
    let page = HomePage {
        date_value: date.to_string(),
        date_text: lang.date(date),
        is_today: date == ctx.today,
        counts,
        provinces,
        date_q: date_query(chosen.filter(|d| *d != ctx.today)),
        nodes,
        ctx,
    };
    html(&page)
}
