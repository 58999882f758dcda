//! Plans and targets (kế hoạch, chỉ tiêu): the plans of a province ([`list`]), the plan
//! dashboard with filters by agency and level (plain GET form) and its XLSX ([`page`]), the
//! drill-down of a target ([`target`]), the measure entry form ([`measures`]) and the task
//! statuses ([`tasks`]). Plain forms that POST and redirect; each handler makes one call
//! into `ntm_app::plans` (or `ntm_app::exports` for the XLSX).

pub mod list;
pub mod measures;
pub mod page;
pub mod target;
pub mod tasks;

use ntm_app::plans::PlanRow;
use ntm_domain::plans::TargetStatus;
use ntm_domain::units::Level;
use serde::Deserialize;

use crate::error::WebError;
use crate::request::parse_year;
use crate::urls::Urls;

fn status_icon(s: TargetStatus) -> &'static str {
    match s {
        TargetStatus::Met => "✓",
        TargetStatus::OnTrack => "↗",
        TargetStatus::AtRisk => "!",
        TargetStatus::OffTrack => "✗",
        TargetStatus::NoData => "?",
    }
}

fn status_class(s: TargetStatus) -> String {
    format!("pl-st pl-{}", s.as_str().replace('_', "-"))
}

/// The query of the dashboard, its XLSX and a target's drill-down.
#[derive(Debug, Deserialize, Default)]
pub struct PlanParams {
    pub year: Option<String>,
    pub agency: Option<String>,
    pub level: Option<String>,
    pub unit: Option<String>,
    pub done: Option<String>,
}

impl PlanParams {
    /// The unit asked for (blank: none).
    fn unit(&self) -> Option<&str> {
        self.unit
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    fn agency(&self) -> String {
        self.agency.clone().unwrap_or_default().trim().to_string()
    }

    /// The year asked for (blank: the use case's default).
    fn year(&self) -> Result<Option<i32>, WebError> {
        parse_year(self.year.as_deref()).map_err(|e| e.invalid("plans-error-year"))
    }
}

/// A target's row on the dashboard and its drill-down.
pub struct Row {
    pub code: String,
    pub text: String,
    pub cite: String,
    pub note: String,
    pub metric: String,
    pub levels: String,
    pub target: String,
    pub due: i32,
    pub actual: String,
    pub per_level: Vec<(String, String)>,
    pub provisional: String,
    pub expected: String,
    pub status: String,
    pub status_class: String,
    pub icon: &'static str,
    pub agency: String,
    pub agency_inherited: bool,
    pub trend: String,
    pub href: String,
}

fn row_of(id: &str, year: i32, unit: Option<&str>, r: &PlanRow) -> Row {
    let (t, x) = (&r.target, r.texts.clone());
    Row {
        code: x.code,
        text: x.text,
        cite: x.cite,
        note: t.note.clone().unwrap_or_default(),
        metric: x.metric,
        levels: x.levels,
        target: x.target,
        due: t.due,
        actual: x.actual,
        per_level: x.per_level,
        provisional: x.provisional,
        expected: t.expected_display.clone().unwrap_or_default(),
        status: x.status,
        status_class: status_class(t.status),
        icon: status_icon(t.status),
        agency: x.agency,
        agency_inherited: t.agency_inherited,
        trend: x.trend,
        href: Urls::plan_target(id, &t.code, year, unit),
    }
}

fn parse_level(s: Option<&str>) -> Result<Option<Level>, WebError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(l) => Level::parse(l).map(Some).ok_or_else(|| {
            WebError::invalid("level", format!("\"{l}\" is not a level"))
                .with_message("plans-error-level", l)
        }),
    }
}
