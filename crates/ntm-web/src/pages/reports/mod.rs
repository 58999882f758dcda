//! Periodic progress reports (báo cáo định kỳ): the reports page of a unit (its own reports
//! by period, and for a parent its children's with late and missing ones) with opening a
//! report and closing a period ([`list`]), the report page (figures, narrative form, submit,
//! accept / return, versions; [`page`]) and its downloads ([`files`]). Plain forms that POST
//! and redirect; each handler makes one call into `ntm_app::reports`.

pub mod files;
pub mod list;
pub mod page;

use ntm_domain::reports::{PeriodKind, ReportPeriod, ReportState, Timeliness};
use serde::Deserialize;

use crate::error::WebError;
use crate::i18n::Lang;

// ---------------------------------------------------------------- labels

pub(super) fn period_label(lang: Lang, p: ReportPeriod) -> String {
    lang.t1(
        &format!("reports-period-{}", p.kind.as_str().replace('_', "-")),
        p.year.to_string(),
    )
}

pub(super) fn state_label(lang: Lang, s: Option<ReportState>) -> String {
    match s {
        Some(s) => lang.t(&format!("reports-state-{}", s.as_str())),
        None => lang.t("reports-state-none"),
    }
}

pub(super) fn timeliness_label(lang: Lang, t: Timeliness) -> String {
    match t {
        Timeliness::Pending => lang.t("reports-time-pending"),
        Timeliness::OnTime => lang.t("reports-time-on-time"),
        Timeliness::Late { days } => lang.t_count("reports-time-late", days),
        Timeliness::Missing { days } => lang.t_count("reports-time-missing", days),
    }
}

pub(super) fn timeliness_class(t: Timeliness) -> &'static str {
    match t {
        Timeliness::Pending => "rp-pending",
        Timeliness::OnTime => "rp-ontime",
        Timeliness::Late { .. } => "rp-late",
        Timeliness::Missing { .. } => "rp-missing",
    }
}

pub(super) fn status_label(lang: Lang, s: &str) -> String {
    let key = format!("reports-status-{}", s.replace('_', "-"));
    let t = lang.t(&key);
    if t == key { s.to_owned() } else { t }
}

pub(super) fn action_label(lang: Lang, a: &str) -> String {
    lang.t(&format!("reports-action-{a}"))
}

pub(super) fn parse_kind(s: &str) -> Result<PeriodKind, WebError> {
    PeriodKind::parse(s).ok_or_else(|| {
        WebError::invalid("kind", format!("\"{s}\" is not a report kind"))
            .with_message("reports-error-kind", s)
    })
}

#[derive(Debug, Deserialize)]
pub struct FlashParams {
    pub done: Option<String>,
}

pub(super) fn flash_text(lang: Lang, done: Option<&str>) -> Option<String> {
    let key = match done? {
        "saved" => "reports-flash-saved",
        "submitted" => "reports-flash-submitted",
        "accepted" => "reports-flash-accepted",
        "returned" => "reports-flash-returned",
        "closed" => "reports-flash-closed",
        _ => return None,
    };
    Some(lang.t(key))
}
