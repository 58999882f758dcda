//! The Excel round trip: a page per unit to download the pre-filled template and the
//! results ([`page`], [`downloads`]), upload a filled template, preview every change and bad
//! cell without writing anything ([`preview`]), then apply it (all or nothing, or only the
//! valid cells) with optimistic concurrency ([`apply`]). Each handler makes one call into
//! `ntm_app::workbook`; this module words what they return.

pub mod apply;
pub mod downloads;
pub mod page;
pub mod preview;

use ntm_app::workbook::{AppliedUpload, BadCell, CellProblem, FileProblem};
use ntm_domain::criteria::ValueError;

use crate::i18n::Lang;
use crate::urls::Urls;
use crate::view::level_label;

/// Counts of an applied upload and where to see the result.
#[derive(Debug, Clone)]
pub struct AppliedView {
    pub summary: String,
    pub result_href: String,
    pub result_label: String,
}

#[derive(Debug, Clone)]
pub struct BadView {
    pub cell: String,
    pub unit: String,
    pub indicator: String,
    pub value: String,
    pub message: String,
}

fn count(lang: Lang, n: usize) -> String {
    lang.int(n as i64)
}

fn args(lang: Lang, key: &str, list: &[(&str, String)]) -> String {
    let a: Vec<(&str, fluent_templates::fluent_bundle::FluentValue<'static>)> =
        list.iter().map(|(k, v)| (*k, v.clone().into())).collect();
    lang.t_args(key, &a)
}

pub fn problem_text(lang: Lang, b: &BadCell) -> String {
    let unit = b.unit_code.clone();
    let code = b.indicator_code.clone();
    let value = b.value.clone();
    match &b.problem {
        CellProblem::NoUnitCode => lang.t("workbook-bad-no-unit"),
        CellProblem::UnknownUnit { year } => args(
            lang,
            "workbook-bad-unknown-unit",
            &[("unit", unit), ("year", year.to_string())],
        ),
        CellProblem::WrongLevel { level } => args(
            lang,
            "workbook-bad-level",
            &[("unit", unit), ("level", level_label(lang, *level))],
        ),
        CellProblem::OutsideUnit => lang.t1("workbook-bad-outside", unit),
        CellProblem::OutsideScope => lang.t1("workbook-bad-scope", unit),
        CellProblem::Repeated { first } => args(
            lang,
            "workbook-bad-repeated",
            &[("unit", unit), ("code", code), ("first", first.clone())],
        ),
        CellProblem::UnknownIndicator {
            suggestion: Some(s),
        } => args(
            lang,
            "workbook-bad-indicator-suggest",
            &[("code", code), ("suggestion", s.clone())],
        ),
        CellProblem::UnknownIndicator { suggestion: None } => {
            lang.t1("workbook-bad-indicator", code)
        }
        CellProblem::Computed => lang.t1("workbook-bad-computed", code),
        CellProblem::WrongKind { expected } => args(
            lang,
            "workbook-bad-kind",
            &[
                ("code", code),
                (
                    "kind",
                    lang.t(&format!("workbook-kind-{}", expected.as_str())),
                ),
            ],
        ),
        CellProblem::Value(v) => match v {
            ValueError::Empty => lang.t("workbook-bad-empty"),
            ValueError::NotANumber { .. } | ValueError::NotFinite => {
                lang.t1("workbook-bad-not-number", value)
            }
            ValueError::NotABoolean { .. } => lang.t1("workbook-bad-not-boolean", value),
            ValueError::PercentOver100 { .. } => lang.t1("workbook-bad-over-100", value),
            ValueError::Negative { .. } => lang.t1("workbook-bad-negative", value),
            ValueError::NotAWholeNumber { .. } => lang.t1("workbook-bad-not-whole", value),
        },
    }
}

fn bad_views(lang: Lang, bad: &[BadCell]) -> Vec<BadView> {
    bad.iter()
        .map(|b| BadView {
            cell: b.cell.clone(),
            unit: b.unit_code.clone(),
            indicator: b.indicator_code.clone(),
            value: b.value.clone(),
            message: problem_text(lang, b),
        })
        .collect()
}

pub fn file_problem_text(lang: Lang, p: &FileProblem) -> String {
    match p {
        FileProblem::NotSpreadsheet => lang.t("workbook-error-not-spreadsheet"),
        FileProblem::Empty => lang.t("workbook-error-empty"),
        FileProblem::Unreadable(_) => lang.t("workbook-error-unreadable"),
        FileProblem::TooLarge(m) => m.clone(),
        FileProblem::SeveralSets(s) => lang.t1("workbook-error-several-sets", s.join(", ")),
        FileProblem::UnknownSet(s) => lang.t1("workbook-error-unknown-set", s.clone()),
        FileProblem::YearOutside { set_id, year } => args(
            lang,
            "workbook-error-year-outside",
            &[("set", set_id.clone()), ("year", year.to_string())],
        ),
        FileProblem::OtherVersion {
            set_id,
            found,
            current,
        } => args(
            lang,
            "workbook-error-other-version",
            &[
                ("set", set_id.clone()),
                ("found", found.clone()),
                ("current", current.clone()),
            ],
        ),
        FileProblem::NoValues => lang.t("workbook-error-no-values"),
        FileProblem::UnitBelowLevel { set_level, .. } => {
            lang.t1("workbook-error-unit-level", level_label(lang, *set_level))
        }
    }
}

fn applied_view(lang: Lang, a: &AppliedUpload) -> AppliedView {
    let summary = args(
        lang,
        "workbook-applied-summary",
        &[
            ("written", count(lang, a.written)),
            ("changed", count(lang, a.changed)),
            ("new", count(lang, a.new_values)),
            ("unchanged", count(lang, a.unchanged)),
            ("skipped", count(lang, a.skipped)),
            ("units", count(lang, a.units)),
        ],
    );
    let (page, label): (fn(&str, &str, i32) -> String, _) = if a.unit_level < a.set_level {
        (Urls::dashboard, "workbook-see-dashboard")
    } else {
        (Urls::scorecard, "workbook-see-scorecard")
    };
    AppliedView {
        summary,
        result_href: page(&a.unit_code, &a.set_id, a.year),
        result_label: lang.t(label),
    }
}
