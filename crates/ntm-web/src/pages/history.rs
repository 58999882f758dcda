//! "Trước sáp nhập" (before the merger): links from a successor's pages (unit, dashboard,
//! dossiers, plans, reports) to the pages of the units merged into it, which its officers see
//! as history. The list comes from `ntm_app::history::predecessors`.

use ntm_app::AppError;
use ntm_domain::units::Level;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::AppState;

/// One predecessor with the query that opens its pages on its last day.
#[derive(Debug, Clone)]
pub struct HistoryItem {
    pub code: String,
    pub name: String,
    /// "đến 01/07/2025", or empty.
    pub until: String,
    /// `?date=2025-06-30` for the unit page (the unit is not valid today), or empty.
    pub date_q: String,
    pub is_province: bool,
    /// A commune has a scorecard; a province or district a dashboard.
    pub is_commune: bool,
}

/// The predecessors of `code` the user sees; empty for visitors and unknown codes.
pub async fn items(st: &AppState, ctx: &Ctx, code: &str) -> Result<Vec<HistoryItem>, WebError> {
    if ctx.user.is_none() {
        return Ok(Vec::new());
    }
    let list = match ntm_app::history::predecessors(&st.app, &ctx.actor(), code).await {
        Ok(l) => l,
        Err(AppError::NotFound(_)) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    Ok(list
        .into_iter()
        .map(|p| {
            let last = p.until.and_then(|d| d.previous_day());
            HistoryItem {
                until: p
                    .until
                    .map(|d| format!("{} {}", ctx.t("history-until"), ctx.lang.date(d)))
                    .unwrap_or_default(),
                date_q: last.map(|d| format!("?date={d}")).unwrap_or_default(),
                is_province: p.level == Level::Province,
                is_commune: p.level == Level::Commune,
                code: p.code,
                name: p.name,
            }
        })
        .collect())
}
