//! The scorecard of one unit of a set's level (a commune with a commune set, a hamlet with
//! the smart-hamlet set): every criterion with a status light, every indicator with its
//! value, the threshold for the unit's region, evidence, who/when, history; value entry
//! with inline validation and stale-edit detection, evidence upload and download, and the
//! review (submit, verify, return with a comment).
//!
//! Works without JavaScript (forms POST and redirect back to the indicator's anchor); with
//! htmx the value form swaps just its indicator (`HX-Request` → the row fragment).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::criteria::{
    EVIDENCE_FIELD, EvidenceInput, IndicatorView, MAX_EVIDENCE_BYTES, ObservationFile,
    ObservationRecord, Scorecard, StatusChange, ValueBatch, ValueEntryError, ValueInput, ValueRef,
};
use ntm_domain::criteria::{Status, Value, ValueError, ValueKind};
use ntm_domain::observation::{ObsSource, ObsStatus};
use ntm_domain::text::format_int_vi;
use serde::Deserialize;

use crate::ctx::{Ctx, url_encode};
use crate::error::{ErrorInfo, WebError, field_error_text};
use crate::i18n::Lang;
use crate::request::is_htmx;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::format::{date_time, number_short};
use crate::view::{html, level_label, render};

// ---------------------------------------------------------------- view models

/// A status light: CSS class, icon and words (never colour alone).
#[derive(Debug, Clone)]
pub struct Light {
    pub class: &'static str,
    pub icon: &'static str,
    pub label: String,
}

fn light(lang: Lang, s: Status) -> Light {
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

// ---------------------------------------------------------------- formatting

fn value_kind(kind: &str) -> ValueKind {
    match kind {
        "percent" => ValueKind::Percent,
        "number" => ValueKind::Number,
        "count" => ValueKind::Count,
        "level" => ValueKind::Level,
        _ => ValueKind::Boolean,
    }
}

/// A stored value in vi-VN notation (the text as typed when it cannot be read).
fn format_value(lang: Lang, kind: &str, text: &str) -> String {
    match Value::parse(value_kind(kind), text) {
        Ok(Value::Boolean(b)) => lang.t(if b { "scorecard-yes" } else { "scorecard-no" }),
        Ok(Value::Percent(x)) => format!("{} %", number_short(x)),
        Ok(Value::Number(x)) => number_short(x),
        Ok(Value::Count(n)) => format_int_vi(n.min(i64::MAX as u64) as i64),
        Ok(Value::Level(n)) => format_int_vi(i64::from(n)),
        Err(_) => text.to_string(),
    }
}

fn value_error_text(lang: Lang, e: &ValueError) -> String {
    match e {
        ValueError::Empty => lang.t("scorecard-err-empty"),
        ValueError::NotANumber { text } => lang.t1("scorecard-err-not-number", text.clone()),
        ValueError::NotABoolean { text } => lang.t1("scorecard-err-not-boolean", text.clone()),
        ValueError::PercentOver100 { value } => {
            lang.t1("scorecard-err-over-100", number_short(*value))
        }
        ValueError::Negative { value } => lang.t1("scorecard-err-negative", number_short(*value)),
        ValueError::NotAWholeNumber { value } => {
            lang.t1("scorecard-err-not-whole", number_short(*value))
        }
        ValueError::NotFinite => lang.t1("scorecard-err-not-number", "∞"),
    }
}

fn size_text(lang: Lang, bytes: i64) -> String {
    if bytes < 1024 {
        lang.t1("scorecard-size-b", format_int_vi(bytes))
    } else if bytes < 1024 * 1024 {
        lang.t1(
            "scorecard-size-kb",
            number_short((bytes as f64 / 1024.0 * 10.0).round() / 10.0),
        )
    } else {
        lang.t1(
            "scorecard-size-mb",
            number_short((bytes as f64 / 1_048_576.0 * 10.0).round() / 10.0),
        )
    }
}

fn file_link(lang: Lang, f: &ObservationFile) -> FileLink {
    FileLink {
        name: f.file_name.clone(),
        href: Urls::evidence(f.id),
        size: size_text(lang, f.size),
    }
}

fn anchor(code: &str) -> String {
    let safe: String = code
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("i-{safe}")
}

/// Caveats that hold for every indicator of the set (shown once on the page).
const SET_WIDE: [&str; 2] = ["amendment_pending", "set_incomplete"];

fn threshold_why(lang: Lang, i: &IndicatorView) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(p) = i.threshold.provenance {
        parts.push(lang.t(&format!("scorecard-prov-{p}")));
    }
    // Set-wide reasons are said once, above the criteria.
    for c in i.threshold.caveats.iter().filter(|c| !SET_WIDE.contains(c)) {
        let key = format!("scorecard-caveat-{}", c.replace('_', "-"));
        let t = lang.t(&key);
        if t != key && !parts.contains(&t) {
            parts.push(t);
        }
    }
    parts.join("; ")
}

struct RowCtx<'a> {
    lang: Lang,
    unit_code: &'a str,
    set_id: &'a str,
    year: i32,
    can_enter: bool,
    can_verify: bool,
}

fn build_row(
    cx: &RowCtx<'_>,
    i: &IndicatorView,
    rec: Option<&ObservationRecord>,
    files: Option<&Vec<ObservationFile>>,
) -> IndicatorRow {
    let lang = cx.lang;
    let (review_class, review) = match rec.map(|r| r.status) {
        Some(s) => (
            s.as_str(),
            Some(lang.t(&format!("scorecard-review-{}", s.as_str()))),
        ),
        None => ("none", None),
    };
    let unit = match i.unit.as_deref() {
        Some(u) if i.kind != "percent" => u.to_string(),
        _ => String::new(),
    };
    IndicatorRow {
        code: i.code.clone(),
        anchor: anchor(&i.code),
        name: i.name_vi.clone(),
        light: light(lang, i.status),
        value: rec.map(|r| format_value(lang, i.kind, &r.value_text)),
        unit,
        input: rec.map(|r| r.value_text.clone()).unwrap_or_default(),
        note_input: rec.map(|r| r.note.clone()).unwrap_or_default(),
        kind_hint: lang.t(&format!("scorecard-kind-{}", i.kind)),
        threshold: i
            .threshold
            .text
            .clone()
            .unwrap_or_else(|| lang.t("scorecard-threshold-none")),
        threshold_unsure: i.threshold.needs_verification(),
        threshold_why: threshold_why(lang, i),
        threshold_source: i
            .threshold
            .source
            .clone()
            .filter(|s| s.starts_with("https://") || s.starts_with("http://")),
        threshold_basis: i.threshold.basis.clone(),
        gap: i.gap.filter(|g| *g != 0.0).map(|g| {
            let pct = if i.kind == "percent" { " %" } else { "" };
            format!("{}{pct}", number_short(g.abs()))
        }),
        review_class,
        review,
        comment: rec
            .filter(|r| r.status == ObsStatus::Returned)
            .and_then(|r| r.comment.clone()),
        note: rec.map(|r| r.note.clone()).unwrap_or_default(),
        files: files
            .map(|fs| fs.iter().map(|f| file_link(lang, f)).collect())
            .unwrap_or_default(),
        who: rec.map(|r| format!("{} · {}", r.created_by, date_time(r.created_at))),
        history_href: Urls::scorecard_history(cx.unit_code, cx.set_id, cx.year, &i.code),
        version: rec.map(|r| r.version.to_string()).unwrap_or_default(),
        editable: cx.can_enter && !i.computed,
        can_attach: cx.can_enter && !i.computed && rec.is_some(),
        verifiable: cx.can_verify && rec.is_some_and(|r| r.status == ObsStatus::Submitted),
        evidence_required: i.evidence_required,
        error: None,
        conflict: None,
        evidence_error: None,
        open: false,
    }
}

fn rows_of(
    lang: Lang,
    unit_code: &str,
    set_id: &str,
    year: i32,
    sc: &Scorecard,
) -> Vec<IndicatorRow> {
    let cx = RowCtx {
        lang,
        unit_code,
        set_id,
        year,
        can_enter: sc.can_enter,
        can_verify: sc.can_verify,
    };
    sc.evaluation
        .result
        .as_ref()
        .map(|r| {
            r.indicators
                .iter()
                .map(|i| build_row(&cx, i, sc.values.get(&i.code), sc.files.get(&i.code)))
                .collect()
        })
        .unwrap_or_default()
}

// ---------------------------------------------------------------- page

#[derive(Debug, Deserialize)]
pub struct ScorecardParams {
    pub set: Option<String>,
    pub year: Option<String>,
    pub flash: Option<String>,
    pub n: Option<u32>,
}

/// Resolves the set and year of a request (see `ntm_app::criteria::choose_scorecard`).
async fn choose(
    st: &AppState,
    ctx: &Ctx,
    code: &str,
    set: Option<&str>,
    year: Option<&str>,
) -> Result<ntm_app::criteria::ScorecardChoice, WebError> {
    let year = match year.map(str::trim).filter(|y| !y.is_empty()) {
        Some(y) => Some(y.parse::<i32>().map_err(|_| {
            WebError::invalid("year", format!("\"{y}\" is not a year"))
                .with_message("scorecard-bad-year", y)
        })?),
        None => None,
    };
    let set = set.map(str::trim).filter(|s| !s.is_empty());
    Ok(ntm_app::criteria::choose_scorecard(
        &st.app,
        &ctx.actor(),
        code,
        set,
        year,
        ctx.today.year(),
    )
    .await?)
}

struct Extra {
    flash: Option<String>,
    action_errors: Vec<String>,
    return_open: bool,
    comment_input: String,
}

impl Extra {
    fn none() -> Extra {
        Extra {
            flash: None,
            action_errors: Vec::new(),
            return_open: false,
            comment_input: String::new(),
        }
    }
}

async fn build_page(
    st: &AppState,
    ctx: &Ctx,
    code: &str,
    set_id: &str,
    year: i32,
    extra: Extra,
) -> Result<ScorecardPage, WebError> {
    let lang = ctx.lang;
    let sc = match ntm_app::criteria::scorecard(&st.app, &ctx.actor(), code, set_id, year).await {
        Ok(sc) => sc,
        Err(e) => return Err(e.into()),
    };
    let e = &sc.evaluation;
    if let Some(na) = &e.not_applicable {
        return Ok(not_applicable_page(st, ctx, code, set_id, year, e, na));
    }
    let Some(result) = e.result.as_ref() else {
        return Err(WebError::internal("scorecard without a unit result"));
    };
    let rows = rows_of(lang, code, set_id, year, &sc);
    let mut by_criterion: HashMap<u16, Vec<IndicatorRow>> = HashMap::new();
    let mut preconditions = Vec::new();
    for (view, row) in result.indicators.iter().zip(rows) {
        match view.criterion {
            Some(n) => by_criterion.entry(n).or_default().push(row),
            None => preconditions.push(row),
        }
    }
    let criteria = result
        .criteria
        .iter()
        .map(|c| CriterionBlock {
            number: c.number,
            title: lang.t_args(
                "scorecard-criterion",
                &[
                    ("n", c.number.to_string().into()),
                    ("name", c.name_vi.clone().into()),
                ],
            ),
            light: light(lang, c.status),
            counts: {
                let mut s = lang.t_args(
                    "scorecard-criterion-counts",
                    &[
                        ("met", c.met.to_string().into()),
                        (
                            "total",
                            (c.met + c.not_met + c.missing + c.needs_verification)
                                .to_string()
                                .into(),
                        ),
                    ],
                );
                // Not a pass: no indicator found short on thresholds still to confirm.
                if c.no_known_shortfall && c.status != Status::Met {
                    s.push_str(" · ");
                    s.push_str(&lang.t("scorecard-criterion-provisional"));
                }
                s
            },
            rows: by_criterion.remove(&c.number).unwrap_or_default(),
        })
        .collect();
    let mut counts: HashMap<ObsStatus, usize> = HashMap::new();
    for v in sc.values.values() {
        *counts.entry(v.status).or_default() += 1;
    }
    let review_counts = ObsStatus::ALL
        .iter()
        .filter_map(|s| {
            counts.get(s).map(|n| {
                format!(
                    "{}: {}",
                    lang.t(&format!("scorecard-review-{}", s.as_str())),
                    n
                )
            })
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let n = |s: ObsStatus| counts.get(&s).copied().unwrap_or(0);
    let sets = ntm_app::criteria::sets_for_level(&st.app, e.unit_level, year)
        .into_iter()
        .map(|s| SetOption {
            selected: s.id == set_id,
            title: lang.pick(&s.title_vi, s.title_en.as_deref()).to_string(),
            id: s.id,
        })
        .collect();
    let years = match ntm_app::criteria::set_years(&st.app, set_id) {
        Some((from, to)) => {
            let last = to.unwrap_or(ctx.today.year()).max(year);
            (from.min(year)..=last).rev().collect()
        }
        None => vec![year],
    };
    // Confirmed count first; the provisional count (no known shortfall, thresholds still to
    // confirm) only beside it, labelled as such.
    let mut summary = if result.criteria_no_known_shortfall > result.criteria_met {
        lang.t_args(
            "scorecard-summary-provisional",
            &[
                ("met", result.criteria_met.to_string().into()),
                ("total", result.criteria_total.to_string().into()),
                (
                    "provisional",
                    result.criteria_no_known_shortfall.to_string().into(),
                ),
            ],
        )
    } else {
        lang.t_args(
            "scorecard-summary",
            &[
                ("met", result.criteria_met.to_string().into()),
                ("total", result.criteria_total.to_string().into()),
            ],
        )
    };
    if result.no_known_shortfall && result.status != Status::Met {
        summary.push(' ');
        summary.push_str(&lang.t("scorecard-no-known-shortfall"));
    }
    Ok(ScorecardPage {
        code: code.to_string(),
        unit_name: e.unit_name.clone(),
        level: level_label(lang, e.unit_level),
        set_id: set_id.to_string(),
        set_title: lang
            .pick(&e.set.title_vi, e.set.title_en.as_deref())
            .to_string(),
        version_used: if lang.code() == "en" {
            e.version_used.text_en.clone()
        } else {
            e.version_used.text_vi.clone()
        },
        year,
        sets,
        years,
        result: light(lang, result.status),
        summary,
        // A confirmed pass is not tentative (the domain's flag also holds for it).
        tentative: result.tentatively_met && result.status != Status::Met,
        incomplete: e.set.completeness != "complete",
        amendment_pending: result
            .indicators
            .iter()
            .any(|i| i.threshold.caveats.contains(&"amendment_pending")),
        preconditions,
        criteria,
        review_counts,
        can_enter: sc.can_enter,
        can_verify: sc.can_verify,
        can_submit: sc.can_enter && (n(ObsStatus::Draft) + n(ObsStatus::Returned)) > 0,
        has_submitted: sc.can_verify && n(ObsStatus::Submitted) > 0,
        flash: extra.flash,
        action_errors: extra.action_errors,
        return_open: extra.return_open,
        comment_input: extra.comment_input,
        max_upload: format_int_vi((MAX_EVIDENCE_BYTES / 1024 / 1024) as i64),
        unit_href: Urls::unit(code),
        oob: false,
        ctx: ctx.clone(),
    })
}

/// The scorecard of a unit the set does not apply to (a phường for the xã NTM set):
/// "không áp dụng", with why, and nothing to enter.
fn not_applicable_page(
    st: &AppState,
    ctx: &Ctx,
    code: &str,
    set_id: &str,
    year: i32,
    e: &ntm_app::criteria::Evaluation,
    na: &ntm_app::criteria::NotApplicable,
) -> ScorecardPage {
    let lang = ctx.lang;
    let sets = ntm_app::criteria::sets_for_level(&st.app, e.unit_level, year)
        .into_iter()
        .map(|s| SetOption {
            selected: s.id == set_id,
            id: s.id,
            title: s.title_vi,
        })
        .collect();
    ScorecardPage {
        code: code.to_string(),
        unit_name: e.unit_name.clone(),
        level: level_label(lang, e.unit_level),
        set_id: set_id.to_string(),
        set_title: e.set.title_vi.clone(),
        version_used: if lang.code() == "en" {
            e.version_used.text_en.clone()
        } else {
            e.version_used.text_vi.clone()
        },
        year,
        sets,
        years: vec![year],
        result: Light {
            class: "miss",
            icon: "∅",
            label: lang.t("groups-not-applicable"),
        },
        summary: lang.t_args(
            "groups-not-applicable-why",
            &[
                ("kinds", na.applies_to.join(", ").into()),
                ("kind", na.unit_kind.clone().into()),
            ],
        ),
        tentative: false,
        incomplete: false,
        amendment_pending: false,
        preconditions: Vec::new(),
        criteria: Vec::new(),
        review_counts: String::new(),
        can_enter: false,
        can_verify: false,
        can_submit: false,
        has_submitted: false,
        flash: None,
        action_errors: Vec::new(),
        return_open: false,
        comment_input: String::new(),
        max_upload: String::new(),
        unit_href: Urls::unit(code),
        oob: false,
        ctx: ctx.clone(),
    }
}

fn flash_text(lang: Lang, flash: Option<&str>, n: Option<u32>) -> Option<String> {
    let key = match flash? {
        "saved" => "scorecard-flash-saved",
        "attached" => "scorecard-flash-attached",
        "submitted" => "scorecard-flash-submitted",
        "verified" => "scorecard-flash-verified",
        "returned" => "scorecard-flash-returned",
        _ => return None,
    };
    Some(lang.t_count(key, i64::from(n.unwrap_or(1))))
}

pub async fn scorecard_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<ScorecardParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let choice = choose(&st, &ctx, &code, p.set.as_deref(), p.year.as_deref()).await?;
    let (set_id, year) = (choice.set_id, choice.year);
    if choice.above {
        return Ok(Redirect::to(&Urls::dashboard(&code, &set_id, year)).into_response());
    }
    let mut extra = Extra::none();
    extra.flash = flash_text(ctx.lang, p.flash.as_deref(), p.n);
    let page = match build_page(&st, &ctx, &code, &set_id, year, extra).await {
        Ok(p) => p,
        // The unit has no record in the units the year is evaluated on (a hamlet added
        // after the set ended, a commune created by the 2025 reform for a 2024 set…).
        Err(e) if e.kind() == crate::error::ErrorKind::NotFound => {
            return Err(e.with_message("scorecard-unit-not-in-year", year.to_string()));
        }
        Err(e) => return Err(e),
    };
    html(&page)
}

// ---------------------------------------------------------------- history

#[derive(Debug, Deserialize)]
pub struct HistoryParams {
    pub set: String,
    pub year: i32,
    pub indicator: String,
}

pub async fn history_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<HistoryParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let lang = ctx.lang;
    let value = ValueRef {
        unit_code: code.clone(),
        set_id: p.set.clone(),
        year: p.year,
        indicator_code: p.indicator.clone(),
    };
    let versions = ntm_app::criteria::history(&st.app, &ctx.actor(), &value).await?;
    let e = ntm_app::criteria::evaluate(&st.app, &ctx.actor(), &code, &p.set, p.year).await?;
    let view = e
        .result
        .as_ref()
        .and_then(|r| r.indicators.iter().find(|i| i.code == p.indicator));
    let Some(view) = view else {
        return Err(WebError::not_found(format!(
            "no indicator {} in {}",
            p.indicator, p.set
        )));
    };
    let rows = versions
        .iter()
        .rev()
        .map(|(o, files)| HistoryRow {
            version: o.version,
            value: format_value(lang, view.kind, &o.value_text),
            review: lang.t(&format!("scorecard-review-{}", o.status.as_str())),
            note: o.note.clone(),
            comment: o.comment.clone(),
            who: format!("{} · {}", o.created_by, date_time(o.created_at)),
            files: files.iter().map(|f| file_link(lang, f)).collect(),
        })
        .collect();
    let page = HistoryPage {
        code: code.clone(),
        unit_name: e.unit_name.clone(),
        set_id: p.set.clone(),
        year: p.year,
        indicator: view.code.clone(),
        indicator_name: view.name_vi.clone(),
        back_href: format!(
            "{}#{}",
            Urls::scorecard(&code, &p.set, p.year),
            anchor(&view.code)
        ),
        rows,
        ctx,
    };
    html(&page)
}

// ---------------------------------------------------------------- value entry

#[derive(Debug, Deserialize)]
pub struct ValueForm {
    pub set: String,
    pub year: i32,
    pub indicator: String,
    #[serde(default)]
    pub value: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub expected_version: String,
}

/// The page (or, for htmx, the row) with one indicator changed by `edit`.
/// One indicator of one unit, set and year.
struct Target<'a> {
    code: &'a str,
    set_id: &'a str,
    year: i32,
    indicator: &'a str,
}

async fn respond_row(
    st: &AppState,
    ctx: &Ctx,
    t: Target<'_>,
    htmx: bool,
    status: StatusCode,
    edit: impl FnOnce(&mut IndicatorRow),
) -> Result<Response, WebError> {
    let Target {
        code,
        set_id,
        year,
        indicator,
    } = t;
    let mut page = build_page(st, ctx, code, set_id, year, Extra::none()).await?;
    let mut edit = Some(edit);
    let mut found: Option<IndicatorRow> = None;
    for r in page
        .preconditions
        .iter_mut()
        .chain(page.criteria.iter_mut().flat_map(|c| c.rows.iter_mut()))
    {
        if r.code == indicator {
            if let Some(f) = edit.take() {
                f(r);
            }
            found = Some(r.clone());
        }
    }
    let Some(row) = found else {
        return Err(WebError::invalid(
            "indicator",
            format!("no indicator {indicator} in {set_id}"),
        ));
    };
    if htmx {
        // htmx swaps 2xx responses only: the error is inside the fragment.
        let frag = RowFragment {
            ctx: ctx.clone(),
            code: code.to_string(),
            set_id: set_id.to_string(),
            year,
            max_upload: page.max_upload.clone(),
            r: row,
            oob: status == StatusCode::OK,
            result: page.result.clone(),
            summary: page.summary.clone(),
            tentative: page.tentative,
            incomplete: page.incomplete,
            amendment_pending: page.amendment_pending,
            review_counts: page.review_counts.clone(),
            can_submit: page.can_submit,
            has_submitted: page.has_submitted,
            return_open: false,
            comment_input: String::new(),
        };
        return Ok(render(&frag, StatusCode::OK));
    }
    Ok(render(&page, status))
}

fn parse_version(s: &str) -> Result<Option<i64>, WebError> {
    match s.trim() {
        "" => Ok(None),
        v => v
            .parse::<i64>()
            .map(Some)
            .map_err(|_| WebError::invalid("expected_version", format!("\"{v}\" is not a number"))),
    }
}

/// The current value of one indicator: text, who, when (for the stale-edit message).
async fn current_of(
    st: &AppState,
    ctx: &Ctx,
    code: &str,
    set_id: &str,
    year: i32,
    indicator: &str,
) -> Option<ObservationRecord> {
    let sc = ntm_app::criteria::scorecard(&st.app, &ctx.actor(), code, set_id, year)
        .await
        .ok()?;
    sc.values.get(indicator).cloned()
}

pub async fn post_value(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(f): Form<ValueForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let lang = ctx.lang;
    let htmx = is_htmx(&headers);
    let expected = parse_version(&f.expected_version)?;
    let typed = f.value.clone();
    let note = f.note.clone();
    let batch = ValueBatch {
        set_id: f.set.clone(),
        year: f.year,
        values: vec![ValueInput {
            code: f.indicator.clone(),
            text: f.value.clone(),
            expected_version: expected,
        }],
        note: f.note.trim().to_string(),
        source: ObsSource::Manual,
    };
    match ntm_app::criteria::put_value(&st.app, &ctx.actor(), &code, batch).await {
        Ok(_) => {
            if htmx {
                respond_row(
                    &st,
                    &ctx,
                    Target {
                        code: &code,
                        set_id: &f.set,
                        year: f.year,
                        indicator: &f.indicator,
                    },
                    true,
                    StatusCode::OK,
                    |_| {},
                )
                .await
            } else {
                Ok(Redirect::to(&format!(
                    "{}&flash=saved#{}",
                    Urls::scorecard(&code, &f.set, f.year),
                    anchor(&f.indicator)
                ))
                .into_response())
            }
        }
        Err(ValueEntryError::Value(e)) => {
            // A text the indicator's kind cannot take, in the user's language.
            let msg = value_error_text(lang, &e);
            respond_row(
                &st,
                &ctx,
                Target {
                    code: &code,
                    set_id: &f.set,
                    year: f.year,
                    indicator: &f.indicator,
                },
                htmx,
                StatusCode::UNPROCESSABLE_ENTITY,
                move |r| {
                    r.input = typed;
                    r.note_input = note;
                    r.error = Some(msg);
                    r.open = true;
                },
            )
            .await
        }
        Err(ValueEntryError::App(AppError::Conflict(_))) => {
            let cur = current_of(&st, &ctx, &code, &f.set, f.year, &f.indicator).await;
            let kind = st
                .app
                .catalog
                .set_for_year(&f.set, f.year)
                .ok()
                .and_then(|s| {
                    s.indicator_index(&f.indicator)
                        .map(|i| s.indicator(i).value_kind().as_str())
                })
                .unwrap_or("number");
            let msg = match &cur {
                Some(o) => lang.t_args(
                    "scorecard-conflict",
                    &[
                        ("value", format_value(lang, kind, &o.value_text).into()),
                        ("who", o.created_by.clone().into()),
                        ("when", date_time(o.created_at).into()),
                    ],
                ),
                None => lang.t("scorecard-conflict-gone"),
            };
            let version = cur.map(|o| o.version.to_string()).unwrap_or_default();
            respond_row(
                &st,
                &ctx,
                Target {
                    code: &code,
                    set_id: &f.set,
                    year: f.year,
                    indicator: &f.indicator,
                },
                htmx,
                StatusCode::CONFLICT,
                move |r| {
                    r.input = typed;
                    r.note_input = note;
                    r.conflict = Some(msg);
                    r.version = version;
                    r.open = true;
                },
            )
            .await
        }
        Err(ValueEntryError::App(AppError::Validation(fields))) => {
            let msg = fields
                .iter()
                .map(|x| field_error_text(lang, x))
                .collect::<Vec<_>>()
                .join("; ");
            respond_row(
                &st,
                &ctx,
                Target {
                    code: &code,
                    set_id: &f.set,
                    year: f.year,
                    indicator: &f.indicator,
                },
                htmx,
                StatusCode::UNPROCESSABLE_ENTITY,
                move |r| {
                    r.input = typed;
                    r.note_input = note;
                    r.error = Some(msg);
                    r.open = true;
                },
            )
            .await
        }
        Err(ValueEntryError::App(e)) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- evidence

#[derive(Debug, Deserialize)]
pub struct EvidenceParams {
    pub set: String,
    pub year: i32,
    pub indicator: String,
}

/// The evidence page of one indicator (`error`: a message about the last upload).
async fn evidence_view(
    st: &AppState,
    ctx: &Ctx,
    code: &str,
    set_id: &str,
    year: i32,
    indicator: &str,
    error: Option<String>,
) -> Result<EvidencePage, WebError> {
    let page = build_page(st, ctx, code, set_id, year, Extra::none()).await?;
    if !page.can_enter {
        return Err(WebError::from(AppError::Forbidden(
            "you may not attach evidence for this unit".into(),
        )));
    }
    let row = page
        .preconditions
        .iter()
        .chain(page.criteria.iter().flat_map(|c| c.rows.iter()))
        .find(|r| r.code == indicator)
        .cloned();
    let Some(mut r) = row else {
        return Err(WebError::not_found(format!(
            "no indicator {indicator} in {set_id}"
        )));
    };
    if r.value.is_none() {
        return Err(WebError::invalid(
            "indicator",
            format!("no value of {indicator} is recorded for {year}"),
        )
        .with_message("scorecard-evidence-needs-value", indicator));
    }
    r.evidence_error = error;
    Ok(EvidencePage {
        code: code.to_string(),
        unit_name: page.unit_name.clone(),
        set_id: set_id.to_string(),
        year,
        back_href: format!(
            "{}#{}",
            Urls::scorecard(code, set_id, year),
            anchor(indicator)
        ),
        max_upload: page.max_upload.clone(),
        r,
        ctx: ctx.clone(),
    })
}

pub async fn evidence_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<EvidenceParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let page = evidence_view(&st, &ctx, &code, &p.set, p.year, &p.indicator, None).await?;
    html(&page)
}

pub async fn post_evidence(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let lang = ctx.lang;
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut files: Vec<EvidenceInput> = Vec::new();
    let mut too_big = false;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(WebError(ErrorInfo::from_status(e.status(), &e.body_text()))),
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| WebError(ErrorInfo::from_status(e.status(), &e.body_text())))?;
            if bytes.len() > MAX_EVIDENCE_BYTES {
                too_big = true;
            } else if !(file_name.is_empty() && bytes.is_empty()) {
                files.push(EvidenceInput {
                    file_name,
                    bytes: bytes.to_vec(),
                });
            }
        } else {
            let text = field
                .text()
                .await
                .map_err(|e| WebError(ErrorInfo::from_status(e.status(), &e.body_text())))?;
            fields.insert(name, text);
        }
    }
    let get = |k: &str| {
        fields
            .get(k)
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let set_id = get("set");
    let indicator = get("indicator");
    let year: i32 = get("year")
        .parse()
        .map_err(|_| WebError::invalid("year", "missing or bad year"))?;
    let expected = parse_version(&get("expected_version"))?.unwrap_or(0);
    let problem = if too_big {
        Some(lang.t1(
            "scorecard-file-too-big",
            format_int_vi((MAX_EVIDENCE_BYTES / 1024 / 1024) as i64),
        ))
    } else if files.is_empty() {
        Some(lang.t("scorecard-file-none"))
    } else if files.iter().any(|f| f.bytes.is_empty()) {
        Some(lang.t("scorecard-file-empty"))
    } else {
        None
    };
    let value = ValueRef {
        unit_code: code.clone(),
        set_id: set_id.clone(),
        year,
        indicator_code: indicator.clone(),
    };
    let outcome = match problem {
        // evidence_view checks the permission before showing the message.
        Some(p) => Err(p),
        None => {
            match ntm_app::criteria::attach_evidence(&st.app, &ctx.actor(), &value, expected, files)
                .await
            {
                Ok(_) => Ok(()),
                Err(AppError::Conflict(_)) => Err(lang.t("scorecard-file-conflict")),
                Err(AppError::Validation(fs)) => Err(fs
                    .iter()
                    .map(|x| field_error_text(lang, x))
                    .collect::<Vec<_>>()
                    .join("; ")),
                Err(e) => return Err(e.into()),
            }
        }
    };
    match outcome {
        Ok(()) => Ok(Redirect::to(&format!(
            "{}&flash=attached#{}",
            Urls::scorecard(&code, &set_id, year),
            anchor(&indicator)
        ))
        .into_response()),
        Err(msg) => {
            let page =
                evidence_view(&st, &ctx, &code, &set_id, year, &indicator, Some(msg)).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

pub async fn download_evidence(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = uuid::Uuid::parse_str(id.trim())
        .map_err(|_| WebError::not_found(format!("no evidence file {id}")))?;
    let (file, bytes) = ntm_app::criteria::evidence_file(&st.app, &ctx.actor(), id).await?;
    let ascii: String = file
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        url_encode(&file.file_name)
    );
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private"));
    Ok(res)
}

// ---------------------------------------------------------------- review

#[derive(Debug, Deserialize)]
pub struct ReviewForm {
    pub set: String,
    pub year: i32,
    /// submit, verify or return.
    pub action: String,
    /// One indicator; empty: every value in the state before.
    #[serde(default)]
    pub indicator: String,
    #[serde(default)]
    pub comment: String,
}

pub async fn post_review(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<ReviewForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let lang = ctx.lang;
    let (to, flash) = match f.action.as_str() {
        "submit" => (ObsStatus::Submitted, "submitted"),
        "verify" => (ObsStatus::Verified, "verified"),
        "return" => (ObsStatus::Returned, "returned"),
        other => {
            return Err(WebError::invalid(
                "action",
                format!("unknown action {other:?}: use submit, verify or return"),
            ));
        }
    };
    let codes: Vec<String> = Some(f.indicator.trim().to_string())
        .filter(|c| !c.is_empty())
        .into_iter()
        .collect();
    let change = StatusChange {
        set_id: f.set.clone(),
        year: f.year,
        codes: codes.clone(),
        to,
        comment: f.comment.clone(),
    };
    let anchor_of = codes
        .first()
        .map(|c| format!("#{}", anchor(c)))
        .unwrap_or_default();
    match ntm_app::criteria::review(&st.app, &ctx.actor(), &code, change).await {
        Ok(written) => Ok(Redirect::to(&format!(
            "{}&flash={flash}&n={}{anchor_of}",
            Urls::scorecard(&code, &f.set, f.year),
            written.len()
        ))
        .into_response()),
        Err(AppError::Validation(fields)) => {
            let mut missing_evidence: Vec<String> = Vec::new();
            let mut errors = Vec::new();
            for x in &fields {
                let code_of = x
                    .field
                    .strip_prefix(EVIDENCE_FIELD)
                    .map(|r| r.trim().trim_matches(|c| c == '(' || c == ')').to_string());
                match code_of {
                    Some(c) => missing_evidence.push(c),
                    None if x.field == "comment" => {
                        errors.push(lang.t("scorecard-comment-required"))
                    }
                    None if x.field == "codes" => {
                        errors.push(lang.t(&format!("scorecard-nothing-to-{}", f.action)))
                    }
                    None => errors.push(field_error_text(lang, x)),
                }
            }
            let mut page = build_page(
                &st,
                &ctx,
                &code,
                &f.set,
                f.year,
                Extra {
                    flash: None,
                    action_errors: Vec::new(),
                    return_open: to == ObsStatus::Returned,
                    comment_input: f.comment.clone(),
                },
            )
            .await?;
            let mut listed = Vec::new();
            for r in page
                .preconditions
                .iter_mut()
                .chain(page.criteria.iter_mut().flat_map(|c| c.rows.iter_mut()))
            {
                if missing_evidence.contains(&r.code) {
                    r.evidence_error = Some(lang.t("scorecard-evidence-missing"));
                    r.open = true;
                    listed.push(format!("{} {}", r.code, r.name));
                }
            }
            if !listed.is_empty() {
                errors.insert(
                    0,
                    lang.t1("scorecard-submit-no-evidence", listed.join("; ")),
                );
            }
            page.action_errors = errors;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(AppError::Conflict(_)) => {
            let page = build_page(
                &st,
                &ctx,
                &code,
                &f.set,
                f.year,
                Extra {
                    flash: None,
                    action_errors: vec![lang.t("scorecard-review-conflict")],
                    return_open: false,
                    comment_input: f.comment.clone(),
                },
            )
            .await?;
            Ok(render(&page, StatusCode::CONFLICT))
        }
        Err(e) => Err(e.into()),
    }
}
