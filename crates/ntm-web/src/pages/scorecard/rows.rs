//! Values, errors and thresholds as text; one indicator row of the scorecard.

use crate::i18n::Lang;
use crate::pages::scorecard::FileLink;
use crate::pages::scorecard::IndicatorRow;
use crate::pages::scorecard::light;
use crate::urls::Urls;
use crate::view::format::date_time;
use crate::view::format::number_short;
use ntm_app::criteria::IndicatorView;
use ntm_app::criteria::ObservationFile;
use ntm_app::criteria::ObservationRecord;
use ntm_app::criteria::Scorecard;
use ntm_domain::criteria::Value;
use ntm_domain::criteria::ValueError;
use ntm_domain::criteria::ValueKind;
use ntm_domain::observation::ObsStatus;
use ntm_domain::text::format_int_vi;

pub(super) fn value_kind(kind: &str) -> ValueKind {
    match kind {
        "percent" => ValueKind::Percent,
        "number" => ValueKind::Number,
        "count" => ValueKind::Count,
        "level" => ValueKind::Level,
        _ => ValueKind::Boolean,
    }
}

/// A stored value in vi-VN notation (the text as typed when it cannot be read).
pub(super) fn format_value(lang: Lang, kind: &str, text: &str) -> String {
    match Value::parse(value_kind(kind), text) {
        Ok(Value::Boolean(b)) => lang.t(if b { "scorecard-yes" } else { "scorecard-no" }),
        Ok(Value::Percent(x)) => format!("{} %", number_short(x)),
        Ok(Value::Number(x)) => number_short(x),
        Ok(Value::Count(n)) => format_int_vi(n.min(i64::MAX as u64) as i64),
        Ok(Value::Level(n)) => format_int_vi(i64::from(n)),
        Err(_) => text.to_string(),
    }
}

pub(super) fn value_error_text(lang: Lang, e: &ValueError) -> String {
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

pub(super) fn size_text(lang: Lang, bytes: i64) -> String {
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

pub(super) fn file_link(lang: Lang, f: &ObservationFile) -> FileLink {
    FileLink {
        name: f.file_name.clone(),
        href: Urls::evidence(f.id),
        size: size_text(lang, f.size),
    }
}

pub(super) fn anchor(code: &str) -> String {
    let safe: String = code
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("i-{safe}")
}

/// Caveats that hold for every indicator of the set (shown once on the page).
pub(super) const SET_WIDE: [&str; 2] = ["amendment_pending", "set_incomplete"];

pub(super) fn threshold_why(lang: Lang, i: &IndicatorView) -> String {
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

pub(super) struct RowCtx<'a> {
    pub(super) lang: Lang,
    pub(super) unit_code: &'a str,
    pub(super) set_id: &'a str,
    pub(super) year: i32,
    pub(super) can_enter: bool,
    pub(super) can_verify: bool,
}

pub(super) fn build_row(
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
        computed_from: i.computed_from.map(|k| match lang {
            Lang::En => k.name_en().to_string(),
            _ => k.name_vi().to_string(),
        }),
        computed_href: i
            .computed_from
            .zip(i.computed_records)
            .map(|(k, (from, to))| Urls::computed_drilldown(cx.unit_code, k, from, to)),
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
        evidence_href: Urls::scorecard_evidence(cx.unit_code, cx.set_id, cx.year, &i.code),
        version: rec.map(|r| r.version.to_string()).unwrap_or_default(),
        editable: cx.can_enter && !i.computed && i.computed_from.is_none(),
        can_attach: cx.can_enter && !i.computed && i.computed_from.is_none() && rec.is_some(),
        verifiable: cx.can_verify && rec.is_some_and(|r| r.status == ObsStatus::Submitted),
        evidence_required: i.evidence_required,
        error: None,
        conflict: None,
        evidence_error: None,
        open: false,
    }
}

pub(super) fn rows_of(
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
