//! The scorecard's view models (what its templates show).

use crate::ctx::Ctx;
use crate::i18n::Lang;
use crate::urls::Urls;
use askama::Template;
use ntm_domain::criteria::Status;

/// A status light: CSS class, icon and words (never colour alone).
#[derive(Debug, Clone)]
pub struct Light {
    pub class: &'static str,
    pub icon: &'static str,
    pub label: String,
}

pub(super) fn light(lang: Lang, s: Status) -> Light {
    let (class, icon) = match s {
        Status::Met => ("ok", "✓"),
        Status::NotMet => ("no", "✗"),
        Status::Missing => ("miss", "–"),
        Status::NeedsVerification => ("check", "?"),
    };
    Light {
        class,
        icon,
        label: lang.t(&format!(
            "scorecard-status-{}",
            s.as_str().replace('_', "-")
        )),
    }
}

/// An attached evidence file, as a download link.
#[derive(Debug, Clone)]
pub struct FileLink {
    pub name: String,
    pub href: String,
    pub size: String,
}

/// One indicator as the page shows it.
#[derive(Debug, Clone)]
pub struct IndicatorRow {
    pub code: String,
    /// Element id (dots are awkward in CSS selectors).
    pub anchor: String,
    pub name: String,
    pub light: Light,
    /// The stored value, formatted (1.234,5; Đạt).
    pub value: Option<String>,
    pub unit: String,
    /// What the edit field holds: the typed value after an error, else the stored text.
    pub input: String,
    pub note_input: String,
    pub kind_hint: String,
    /// What the value is computed from (the platform's records), when it is not typed.
    pub computed_from: Option<String>,
    /// The records behind a computed value (the portal's DX page, the feedback figure).
    pub computed_href: Option<String>,
    pub threshold: String,
    pub threshold_unsure: bool,
    /// Why the threshold needs verification, with its provenance.
    pub threshold_why: String,
    pub threshold_source: Option<String>,
    /// The legal basis the threshold cites ("12/2026/QĐ-UBND ngày …, UBND tỉnh …, Điều 1").
    pub threshold_basis: Option<String>,
    pub gap: Option<String>,
    pub review_class: &'static str,
    pub review: Option<String>,
    pub comment: Option<String>,
    pub note: String,
    pub files: Vec<FileLink>,
    pub who: Option<String>,
    pub history_href: String,
    /// The page to attach a file to this indicator's value.
    pub evidence_href: String,
    /// The version the next change replaces ("" for a first value).
    pub version: String,
    pub editable: bool,
    pub can_attach: bool,
    pub verifiable: bool,
    pub evidence_required: bool,
    pub error: Option<String>,
    pub conflict: Option<String>,
    pub evidence_error: Option<String>,
    /// Open the edit form (after an error).
    pub open: bool,
}

#[derive(Debug, Clone)]
pub struct CriterionBlock {
    pub number: u16,
    pub title: String,
    pub light: Light,
    pub counts: String,
    pub rows: Vec<IndicatorRow>,
}

#[derive(Debug, Clone)]
pub struct SetOption {
    pub id: String,
    pub title: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "scorecard.html")]
pub struct ScorecardPage {
    pub ctx: Ctx,
    pub code: String,
    pub unit_name: String,
    pub level: String,
    pub set_id: String,
    pub set_title: String,
    /// The version evaluated (set id, label, scope, publication), in the page's language.
    pub version_used: String,
    pub year: i32,
    pub sets: Vec<SetOption>,
    pub years: Vec<i32>,
    pub result: Light,
    pub summary: String,
    pub tentative: bool,
    pub incomplete: bool,
    /// An amendment in force is not captured: thresholds may have changed.
    pub amendment_pending: bool,
    pub preconditions: Vec<IndicatorRow>,
    pub criteria: Vec<CriterionBlock>,
    pub review_counts: String,
    pub can_enter: bool,
    pub can_verify: bool,
    pub can_submit: bool,
    pub has_submitted: bool,
    pub flash: Option<String>,
    pub action_errors: Vec<String>,
    pub return_open: bool,
    pub comment_input: String,
    pub max_upload: String,
    pub unit_href: String,
    /// Always false on the page (the summary is swapped out of band in fragments).
    pub oob: bool,
}

/// Just one indicator (the htmx response to a value form).
#[derive(Template)]
#[template(path = "scorecard_fragment.html")]
pub struct RowFragment {
    pub ctx: Ctx,
    pub code: String,
    pub set_id: String,
    pub year: i32,
    pub max_upload: String,
    pub r: IndicatorRow,
    /// Also send the page summary, swapped out of band (after a value changed).
    pub oob: bool,
    pub result: Light,
    pub summary: String,
    pub tentative: bool,
    pub incomplete: bool,
    pub amendment_pending: bool,
    pub review_counts: String,
    pub can_submit: bool,
    pub has_submitted: bool,
    pub return_open: bool,
    pub comment_input: String,
}

#[derive(Debug, Clone)]
pub struct HistoryRow {
    pub version: i64,
    pub value: String,
    pub review: String,
    pub note: String,
    pub comment: Option<String>,
    pub who: String,
    pub files: Vec<FileLink>,
}

#[derive(Template)]
#[template(path = "scorecard_history.html")]
pub struct HistoryPage {
    pub ctx: Ctx,
    pub code: String,
    pub unit_name: String,
    pub set_id: String,
    pub year: i32,
    pub indicator: String,
    pub indicator_name: String,
    pub back_href: String,
    pub rows: Vec<HistoryRow>,
}

/// The evidence of one indicator, with the upload form.
#[derive(Template)]
#[template(path = "scorecard_evidence.html")]
pub struct EvidencePage {
    pub ctx: Ctx,
    pub code: String,
    pub unit_name: String,
    pub set_id: String,
    pub year: i32,
    pub back_href: String,
    pub max_upload: String,
    pub r: IndicatorRow,
}
