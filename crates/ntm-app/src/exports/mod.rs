//! The tables a page offers as a spreadsheet, made once here so the web download and the
//! command line (`ntm export …`) give the same file: the dashboard's tables
//! ([`dashboard_xlsx`]), the national dashboard's ([`national_xlsx`]), a plan's target table ([`plan_xlsx`]) and a unit's units
//! ([`units_xlsx`]). Each use case takes the [`Actor`](crate::Actor), checks permission
//! through the use case it reads with, and returns the workbook with its file name; the
//! workbook is written by `ntm_reports`.
//!
//! Words that follow the reader's language (column headers, levels, statuses) come from the
//! caller's catalogue through [`Labels`] (the web's Fluent catalogue, keys such as
//! `plans-col-code`); the dashboard's workbook is Vietnamese only, as it always was.

mod areas;
mod dashboard;
mod national;
mod plan;
mod units;

pub use areas::areas_xlsx;
pub use dashboard::{
    DashboardExport, DashboardTable, DashboardXlsx, SortKey, bucket_label, dashboard_xlsx,
    sort_communes, sort_districts,
};
pub use national::national_xlsx;
pub use plan::{
    PlanExport, TargetTexts, plan_page_xlsx, plan_xlsx, shows, target_status_text, target_texts,
};
pub use units::units_xlsx;

use ntm_domain::units::Level;
use time::Date;

use crate::AppError;

/// A workbook ready to be sent or written: its bytes and the file name to give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// The words of a table in the reader's language, by catalogue key.
pub trait Labels: Sync {
    /// The message `key` (the key itself when the catalogue lacks it).
    fn text(&self, key: &str) -> String;
    /// The message `key` with text arguments.
    fn text_with(&self, key: &str, args: &[(&str, String)]) -> String;
    /// A date as the reader writes it (dd/mm/yyyy).
    fn date(&self, d: Date) -> String;
    /// "Tỉnh", "Huyện", "Xã", … (`level-<level>`).
    fn level(&self, level: Level) -> String {
        self.text(&format!("level-{}", level.as_str()))
    }
}

/// `s` with only ASCII letters, digits and `-` (file and sheet names).
fn file_safe(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect()
}

fn write_error(e: ntm_reports::ReportError) -> AppError {
    AppError::Internal(e.to_string())
}
