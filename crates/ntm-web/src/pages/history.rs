//! "Trước sáp nhập" (before the merger): links from a successor's pages (unit, dashboard,
//! dossiers, plans, reports) to the pages of the units merged into it, which its officers see
//! as history. The list comes from `ntm_app::history::predecessors`.

use ntm_app::AppError;
use ntm_app::history::Predecessor;
use ntm_domain::units::Level;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::AppState;
use crate::urls::Urls;

/// One predecessor with the links to its pages (the unit page on its last day).
#[derive(Debug, Clone)]
pub struct HistoryItem {
    pub code: String,
    pub name: String,
    /// "đến 01/07/2025", or empty.
    pub until: String,
    /// The unit page, `?date=2025-06-30` when the unit is not valid today.
    pub href: String,
    /// A commune's scorecard, a province's or district's dashboard.
    pub work_href: String,
    pub dossiers_href: String,
    /// A province's plans, or empty.
    pub plans_href: String,
    pub reports_href: String,
    pub surveys_href: String,
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
    Ok(of(ctx, list))
}

/// The links of predecessors a page's use case returned (`ntm_app::history::Predecessor`).
pub fn of(ctx: &Ctx, list: Vec<Predecessor>) -> Vec<HistoryItem> {
    list.into_iter()
        .map(|p| {
            let last = p.until.and_then(|d| d.previous_day());
            HistoryItem {
                until: p
                    .until
                    .map(|d| format!("{} {}", ctx.t("history-until"), ctx.lang.date(d)))
                    .unwrap_or_default(),
                href: match last {
                    Some(d) => Urls::unit_on(&p.code, d),
                    None => Urls::unit(&p.code),
                },
                work_href: if p.level == Level::Commune {
                    Urls::scorecard_year(&p.code, None)
                } else {
                    Urls::dashboard_year(&p.code, None)
                },
                dossiers_href: Urls::dossiers(&p.code),
                plans_href: if p.level == Level::Province {
                    Urls::unit_plans(&p.code)
                } else {
                    String::new()
                },
                reports_href: Urls::reports(&p.code),
                surveys_href: Urls::surveys(&p.code),
                is_commune: p.level == Level::Commune,
                code: p.code,
                name: p.name,
            }
        })
        .collect()
}
