//! Unit pages: search (here), one unit on a date with lineage and versions and the
//! children as XLSX (`page`), and adding hamlets, one by form or many by CSV/XLSX upload
//! (`hamlets`).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ntm_app::AppError;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::request::parse_date_param;
use crate::state::AppState;
use crate::view::{UnitRowView, html, render};

mod hamlets;
mod page;

pub use hamlets::{HamletFormData, add_hamlet, import_hamlets};
pub use page::{UnitPage, UnitParams, children_xlsx, unit_page};

/// A link of the breadcrumb (the unit's ancestors).
#[derive(Debug, Clone)]
pub struct Crumb {
    pub href: String,
    pub name: String,
}

// ---------------------------------------------------------------- search

#[derive(Debug, Deserialize)]
pub struct SearchParams {
    pub q: Option<String>,
    pub date: Option<String>,
}

#[derive(Template)]
#[template(path = "units_search.html")]
pub struct SearchPage {
    pub ctx: Ctx,
    pub q: String,
    pub date_value: String,
    pub searched: bool,
    pub summary: String,
    pub results: Vec<UnitRowView>,
    pub error: Option<String>,
}

pub async fn search_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<SearchParams>,
) -> Result<Response, WebError> {
    let chosen = parse_date_param(p.date.as_deref())?;
    let q = p.q.unwrap_or_default().trim().to_string();
    let mut page = SearchPage {
        q: q.clone(),
        date_value: chosen.map(|d| d.to_string()).unwrap_or_default(),
        searched: !q.is_empty(),
        summary: String::new(),
        results: Vec::new(),
        error: None,
        ctx,
    };
    if q.is_empty() {
        return html(&page);
    }
    match ntm_app::units::search(&st.app, &q, chosen, 100).await {
        Ok(units) => {
            let prefer = chosen.unwrap_or(page.ctx.today);
            page.summary = page.ctx.lang.t_count("search-found", units.len() as i64);
            page.results = units
                .iter()
                .map(|u| UnitRowView::new(&page.ctx, u, prefer))
                .collect();
            html(&page)
        }
        Err(AppError::Validation(_)) => {
            page.error = Some(page.ctx.t("search-invalid"));
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(e.into()),
    }
}
