//! The dashboard's view models.

use askama::Template;

use crate::ctx::Ctx;
use crate::urls::Urls;

#[derive(Debug, Clone)]
pub struct SummaryView {
    pub id: String,
    pub title: String,
    pub href: String,
    pub current: bool,
    pub met: String,
    pub units: String,
    pub pct: String,
    pub tentative: String,
    pub needs_verification: String,
    /// Communes with no known shortfall (pending confirmation of thresholds).
    pub no_shortfall: String,
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CountRow {
    pub label: String,
    pub count: String,
    /// Communes in the bucket by criteria with no known shortfall ("tạm tính").
    pub provisional: String,
}

#[derive(Debug, Clone)]
pub struct BlockingView {
    pub code: String,
    pub name: String,
    pub not_met: String,
    pub missing: String,
}

#[derive(Debug, Clone)]
pub struct DistrictView {
    pub code: String,
    pub name: String,
    pub href: String,
    pub met: String,
    pub units: String,
    pub pct: String,
    pub avg: String,
    pub no_shortfall: String,
    pub avg_provisional: String,
}

#[derive(Debug, Clone)]
pub struct CommuneView {
    pub code: String,
    pub name: String,
    pub href: String,
    pub district: String,
    pub status: String,
    pub status_class: &'static str,
    pub criteria: String,
    /// Criteria with no known shortfall, shown beside the confirmed count when larger.
    pub provisional: Option<String>,
    pub no_shortfall: bool,
}

#[derive(Debug, Clone)]
pub struct TrendView {
    pub year: i32,
    pub available: bool,
    pub met: String,
    pub tentative: String,
    pub no_shortfall: String,
    pub units: String,
    pub pct: String,
}

/// A sortable column header.
#[derive(Debug, Clone)]
pub struct SortHeader {
    pub label: String,
    pub href: String,
    /// `ascending` / `descending` on the sorted column, empty elsewhere.
    pub aria_sort: &'static str,
    pub arrow: &'static str,
}

#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub level: String,
    pub unit_href: String,
    pub year: i32,
    pub set_id: String,
    pub set_title: String,
    pub units_on: String,
    pub provincial_note: Option<String>,
    /// The version evaluated, in the page's language.
    pub version_used: String,
    /// "Đang cập nhật": a change to the whole province (a set version, thresholds, commune
    /// groups, a unit list) is being taken into account; the figures are those from before
    /// the change made at this time ("14:05 29/11/2026").
    pub updating_since: Option<String>,
    /// Meanwhile, how far the recomputation is ("Đã tính lại 40/106 đơn vị.").
    pub updating_progress: Option<String>,
    pub summary_title: String,
    pub summaries: Vec<SummaryView>,
    pub met: String,
    pub units: String,
    pub pct: String,
    pub tentative: String,
    pub needs_verification: String,
    pub not_met: String,
    pub missing: String,
    pub avg: String,
    /// Communes with no known shortfall, pending confirmation of thresholds.
    pub no_shortfall: String,
    /// Average of criteria with no known shortfall ("tạm tính").
    pub avg_provisional: String,
    pub criteria_total: String,
    pub buckets: Vec<CountRow>,
    pub bucket_chart: String,
    pub blocking: Vec<BlockingView>,
    pub blocking_more: String,
    pub blocking_chart: String,
    pub districts: Vec<DistrictView>,
    pub district_headers: Vec<SortHeader>,
    pub communes: Vec<CommuneView>,
    pub commune_headers: Vec<SortHeader>,
    pub has_districts: bool,
    pub trend: Vec<TrendView>,
    /// Some year of the trend could not be evaluated.
    pub trend_gaps: bool,
    pub trend_chart: String,
    pub years: Vec<Choice>,
    pub sets: Vec<Choice>,
    pub sort: String,
    pub dir: String,
    /// Recognition dossiers of the unit's subtree past a known deadline (for users who may
    /// see them).
    pub overdue_dossiers: Vec<crate::pages::dossiers::DossierRow>,
    /// Units merged into this one ("Trước sáp nhập"), with links to their pages.
    pub history: Vec<crate::pages::history::HistoryItem>,
    /// Communes (code, name) without a commune group, for a set varying by group.
    pub without_group: Vec<(String, String)>,
    /// The page where the province assigns groups.
    pub groups_href: String,
}

impl DashboardPage {
    /// Download link of one table (or of all when `table` is empty).
    pub fn xlsx(&self, table: &str) -> String {
        Urls::dashboard_xlsx(
            &self.code,
            &self.set_id,
            self.year,
            (&self.sort, &self.dir),
            table,
        )
    }
}
