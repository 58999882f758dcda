//! Criteria and their indicators (including derived indicators).

use crate::units::Level;

use super::common::{
    check_id, check_url, opt_provenance, req_provenance, unknown_msg, verified_flag,
};
use super::document::Refs;
use super::sources::{inline_source, source_refs};
use super::thresholds::{parse_by_group, parse_by_region, parse_threshold};
use crate::criteria::model::*;
use crate::criteria::yaml::{Cx, Node, Obj, as_i64, as_str, describe, line, obj};

pub(super) fn criterion_number(cx: &mut Cx<'_>, v: &Node<'_>, field: &str) -> Option<u16> {
    match as_i64(v) {
        Some(n) if (0..=999).contains(&n) => Some(n as u16),
        _ => {
            cx.err(
                line(v),
                field,
                format!(
                    "expected a criterion number (an integer), found {}",
                    describe(v)
                ),
            );
            None
        }
    }
}

const CRITERION_KEYS: &[&str] = &[
    "number",
    "name_vi",
    "name_en",
    "group",
    "pass",
    "provenance",
    "uncertain",
    "confidence",
    "name_verified",
    "name_provenance",
    "verified",
    "sources",
    "source",
    "note",
    "guidance",
    "indicators_note",
    "indicators_status",
    "indicator_count",
    "critical_for_revocation",
    "digital_transformation",
    "indicators",
    "annex",
];

pub(super) fn parse_criterion(
    cx: &mut Cx<'_>,
    n: &Node<'_>,
    path: &str,
    refs: &mut Refs,
) -> Option<Criterion> {
    let co = obj(cx, n, path, CRITERION_KEYS)?;
    let number = co
        .req(cx, "number")
        .and_then(|v| criterion_number(cx, v, &co.field("number")));
    let name_vi = co.opt_str(cx, "name_vi");
    let name_en = co.opt_str(cx, "name_en");
    let group = co.opt_str(cx, "group");
    let pass = match co.opt_str(cx, "pass").as_deref() {
        None | Some("all") => Pass::All,
        Some("any") => Pass::Any,
        Some(other) => {
            cx.err(
                co.key_line("pass"),
                &co.field("pass"),
                unknown_msg("pass rule", other, &["all", "any"]),
            );
            Pass::All
        }
    };
    let provenance = opt_provenance(cx, &co);
    let uncertain = co.opt_bool(cx, "uncertain").unwrap_or(false);
    confidence(cx, &co);
    let _ = co.opt_bool(cx, "name_verified");
    if let Some(p) = co.opt_str(cx, "name_provenance")
        && Provenance::parse(&p).is_none()
    {
        cx.err(
            co.key_line("name_provenance"),
            &co.field("name_provenance"),
            unknown_msg(
                "provenance",
                &p,
                &["sourced", "recalled", "inferred", "secondary"],
            ),
        );
    }
    verified_flag(cx, &co, "verified");
    let sources = source_refs(cx, &co, refs);
    let source = inline_source(cx, &co);
    let note = co.opt_str(cx, "note");
    for k in ["guidance", "indicators_note", "indicators_status"] {
        let _ = co.opt_str(cx, k);
    }
    if let Some(v) = co.opt("indicator_count")
        && as_i64(v).is_none_or(|n| n < 0)
    {
        cx.err(
            line(v),
            &co.field("indicator_count"),
            format!("expected a count or null, found {}", describe(v)),
        );
    }
    let _ = co.opt_bool(cx, "critical_for_revocation");
    let _ = co.opt_bool(cx, "digital_transformation");
    if !co.has("indicators") {
        cx.err(
            co.line,
            &co.field("indicators"),
            "missing required field (write `indicators: []` when none are captured yet)",
        );
    }
    let indicators: Vec<Indicator> = co
        .seq(cx, "indicators")
        .iter()
        .enumerate()
        .filter_map(|(i, n)| parse_indicator(cx, n, &format!("{path}.indicators[{i}]"), refs))
        .collect();
    // A criterion with a single indicator may take the indicator's name.
    let name_vi = match (name_vi, indicators.as_slice()) {
        (Some(n), _) => Some(n),
        (None, [only]) if only.name_vi.is_some() => only.name_vi.clone(),
        (None, _) => {
            cx.err(co.line, &co.field("name_vi"), "missing required field (it may be left out only when the criterion has one named indicator)");
            None
        }
    };
    Some(Criterion {
        number: number?,
        name_vi: name_vi?,
        name_en,
        group,
        pass,
        provenance,
        uncertain,
        sources,
        source,
        note,
        indicators,
        line: co.line,
    })
}

fn confidence(cx: &mut Cx<'_>, o: &Obj<'_, '_>) -> Option<String> {
    let c = o.opt_str(cx, "confidence")?;
    if !["high", "medium", "low"].contains(&c.as_str()) {
        cx.err(
            o.key_line("confidence"),
            &o.field("confidence"),
            unknown_msg("confidence", &c, &["high", "medium", "low"]),
        );
    }
    Some(c)
}

const INDICATOR_KEYS: &[&str] = &[
    "code",
    "name_vi",
    "name_en",
    "kind",
    "unit",
    "threshold",
    "by_region",
    "by_group",
    "derived",
    "measured_as",
    "computed_from",
    "provenance",
    "uncertain",
    "confidence",
    "verified",
    "evidence_required",
    "placeholder",
    "source",
    "source_date",
    "sources",
    "also_sources",
    "note",
    "digital_transformation",
    "year_dependent",
    "pillar",
    "frequency",
    "tracked_by",
    "scope",
    "defined_by",
    "delegated_to_province",
    "annex",
];

pub(crate) fn parse_indicator(
    cx: &mut Cx<'_>,
    n: &Node<'_>,
    path: &str,
    refs: &mut Refs,
) -> Option<Indicator> {
    let io = obj(cx, n, path, INDICATOR_KEYS)?;
    let before = cx.errors.len();
    let code = io.req_str(cx, "code");
    if let Some(c) = &code
        && (c.is_empty() || c.chars().any(char::is_whitespace))
    {
        cx.err(
            io.key_line("code"),
            &io.field("code"),
            format!("\"{c}\" is not a valid indicator code (no spaces)"),
        );
    }
    let name_vi = if io.has("name_vi") {
        io.opt_str(cx, "name_vi")
    } else {
        cx.err(
            io.line,
            &io.field("name_vi"),
            "missing required field (null when the wording was not retrieved)",
        );
        None
    };
    let kind = io.req_str(cx, "kind").and_then(|k| {
        let kd = Kind::parse(&k);
        if kd.is_none() {
            let all: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
            cx.err(
                io.key_line("kind"),
                &io.field("kind"),
                unknown_msg("kind", &k, &all),
            );
        }
        kd
    });
    let name_en = io.opt_str(cx, "name_en");
    let unit = io.opt_str(cx, "unit");
    let derived = io
        .opt("derived")
        .and_then(|d| parse_derived(cx, d, &io.field("derived")));
    match (kind, &derived) {
        (Some(Kind::Derived), None) => {
            cx.err(
                io.line,
                &io.field("derived"),
                "a derived indicator needs `derived: {measure, set}`",
            );
        }
        (Some(k), Some(_)) if k != Kind::Derived => {
            cx.err(
                io.key_line("derived"),
                &io.field("derived"),
                format!(
                    "only `kind: derived` has a derived rule (kind is {})",
                    k.as_str()
                ),
            );
        }
        _ => {}
    }
    let value_kind = match (kind, &derived) {
        (Some(Kind::Derived), Some(d)) => Some(d.measure.value_kind()),
        (Some(Kind::Boolean), _) => Some(ValueKind::Boolean),
        (Some(Kind::Percent), _) => Some(ValueKind::Percent),
        (Some(Kind::Number), _) => Some(ValueKind::Number),
        (Some(Kind::Count), _) => Some(ValueKind::Count),
        (Some(Kind::Level), _) => Some(ValueKind::Level),
        _ => None,
    };
    if !io.has("threshold") {
        cx.err(
            io.line,
            &io.field("threshold"),
            "missing required field (null when the value is not known)",
        );
    }
    let threshold = io
        .opt("threshold")
        .and_then(|t| parse_threshold(cx, t, &io.field("threshold"), value_kind, refs));
    let by_region = parse_by_region(cx, &io, value_kind, refs);
    let by_group = parse_by_group(cx, &io, value_kind, refs);
    let provenance = req_provenance(cx, &io);
    let uncertain = io.opt_bool(cx, "uncertain").unwrap_or(false);
    let confidence = confidence(cx, &io);
    verified_flag(cx, &io, "verified");
    let evidence_required = io.opt_bool(cx, "evidence_required");
    let placeholder = io.opt_bool(cx, "placeholder").unwrap_or(false);
    let source = inline_source(cx, &io);
    let source_date = io.opt_str(cx, "source_date");
    let sources = source_refs(cx, &io, refs);
    for (i, a) in io.seq(cx, "also_sources").iter().enumerate() {
        let f = format!("{}[{i}]", io.field("also_sources"));
        if let Some(u) = as_str(a) {
            check_url(cx, u, line(a), &f);
        } else if let Some(ao) = obj(cx, a, &f, &["url", "what"])
            && let Some(u) = ao.req_str(cx, "url")
        {
            check_url(cx, &u, ao.key_line("url"), &ao.field("url"));
            let _ = ao.opt_str(cx, "what");
        }
    }
    let note = io.opt_str(cx, "note");
    let measured_as = io.opt_str(cx, "measured_as");
    let computed_from = io.opt_str(cx, "computed_from").and_then(|s| {
        let key = crate::measures::MeasureKey::parse(&s);
        let fits = match (key, kind) {
            (Some(k), Some(Kind::Derived)) => Err(format!(
                "{} is computed from another set (derived); it cannot also be computed from {}",
                code.as_deref().unwrap_or("?"),
                k.as_str()
            )),
            (Some(k), Some(kd)) => {
                let vk = crate::criteria::ValueKind::from_kind(kd);
                if vk.is_some_and(|v| k.fits(v)) {
                    Ok(k)
                } else {
                    Err(format!(
                        "{} gives {} values; this indicator is {}",
                        k.as_str(),
                        k.value_kind().as_str(),
                        kd.as_str()
                    ))
                }
            }
            (Some(k), None) => Ok(k),
            (None, _) => Err(format!(
                "unknown measure \"{s}\"; known: {}",
                crate::measures::MeasureKey::ALL
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
        fits.map_err(|m| cx.err(io.key_line("computed_from"), &io.field("computed_from"), m))
            .ok()
    });
    for k in [
        "digital_transformation",
        "year_dependent",
        "delegated_to_province",
    ] {
        let _ = io.opt_bool(cx, k);
    }
    for k in ["pillar", "frequency", "tracked_by", "scope", "defined_by"] {
        let _ = io.opt_str(cx, k);
    }
    if let Some(a) = io.get("annex")
        && !matches!(a.data, saphyr::YamlData::Mapping(_))
    {
        cx.err(
            line(a),
            &io.field("annex"),
            format!("expected a mapping, found {}", describe(a)),
        );
    }
    if cx.errors.len() > before {
        return None;
    }
    Some(Indicator {
        code: code?,
        name_vi,
        name_en,
        kind: kind?,
        unit,
        threshold,
        by_region,
        by_group,
        derived,
        measured_as,
        computed_from,
        provenance: provenance?,
        uncertain,
        confidence,
        placeholder,
        evidence_required,
        source,
        source_date,
        sources,
        note,
        line: io.line,
    })
}

fn parse_derived(cx: &mut Cx<'_>, n: &Node<'_>, path: &str) -> Option<DerivedRule> {
    let d = obj(cx, n, path, &["measure", "set", "child_level"])?;
    let measure = d.req_str(cx, "measure").and_then(|m| {
        let ms = Measure::parse(&m);
        if ms.is_none() {
            let all: Vec<&str> = Measure::ALL.iter().map(|m| m.as_str()).collect();
            cx.err(
                d.key_line("measure"),
                &d.field("measure"),
                unknown_msg("measure", &m, &all),
            );
        }
        ms
    })?;
    let set = d.opt_str(cx, "set");
    if measure.needs_set() && set.is_none() {
        cx.err(
            d.line,
            &d.field("set"),
            format!("missing required field for {}", measure.as_str()),
        );
    }
    if !measure.needs_set() && set.is_some() {
        cx.err(
            d.key_line("set"),
            &d.field("set"),
            "all_criteria_met is about this set: remove `set`",
        );
    }
    if let Some(s) = &set {
        check_id(cx, s, d.key_line("set"), &d.field("set"));
    }
    let child_level = d.opt_str(cx, "child_level").and_then(|s| {
        let l = Level::parse(&s);
        if l.is_none() {
            cx.err(
                d.key_line("child_level"),
                &d.field("child_level"),
                format!("unknown level `{s}`"),
            );
        }
        l
    });
    Some(DerivedRule {
        measure,
        set,
        child_level,
        line: d.line,
    })
}
