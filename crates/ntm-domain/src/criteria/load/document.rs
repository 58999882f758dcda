//! The top level of a criteria set: identity, validity, scope, groups, facts, special rules.

use std::collections::HashMap;

use crate::units::Level;

use super::common::{
    check_id, opt_provenance, opt_title_en, parse_region, req_provenance, unknown_msg, year_or_date,
};
use super::criteria::{criterion_number, parse_criterion, parse_indicator};
use super::overrides::parse_override;
use super::sources::{inline_source, parse_legal_basis, parse_sources, source_refs};
use crate::criteria::model::*;
use crate::criteria::yaml::{self, Cx, Node, as_i64, as_seq, as_str, describe, line, obj};

const TOP_KEYS: &[&str] = &[
    "format",
    "kind",
    "id",
    "version",
    "level",
    "title_vi",
    "title_en",
    "category",
    "recognition_label",
    "period",
    "valid_from",
    "valid_to",
    "extends",
    "amends",
    "changes_status",
    "completeness",
    "evidence_required",
    "applies_to",
    "prerequisites",
    "prerequisites_note",
    "replaces",
    "replaces_note",
    "legal_basis",
    "sources",
    "special_rules",
    "groups",
    "groups_note",
    "unit_groups",
    "unit_groups_note",
    "region_note",
    "facts",
    "notes",
    "preconditions",
    "criteria",
    "overrides",
    "add_indicators",
    "remove_indicators",
    "annex",
];

pub(crate) const CATEGORIES: &[&str] = &[
    "national_set",
    "national_conditions",
    "pilot_framework",
    "provincial_set",
    "provincial_pilot",
    "amendment",
];

/// Source ids referenced in a file, checked against its `sources` table at the end.
#[derive(Default)]
pub(crate) struct Refs {
    pub source_ids: Vec<(String, usize, String)>,
}

pub(super) fn parse_set_doc(cx: &mut Cx<'_>, doc: &Node<'_>) -> Option<CriteriaSet> {
    let o = obj(cx, doc, "", TOP_KEYS)?;
    let mut refs = Refs::default();
    let start_errors = cx.errors.len();

    let id = o
        .req_str(cx, "id")
        .and_then(|s| check_id(cx, &s, o.key_line("id"), "id").then_some(s));
    let version = o.req_str(cx, "version");
    let level = o.req_str(cx, "level").and_then(|s| {
        let l = Level::parse(&s);
        if l.is_none() {
            cx.err(
                o.key_line("level"),
                "level",
                format!("unknown level `{s}` (expected commune, district, province or hamlet)"),
            );
        }
        l
    });
    let title_vi = o.req_str(cx, "title_vi");
    let title_en = opt_title_en(cx, &o);
    let category = o.opt_str(cx, "category");
    if let Some(c) = &category
        && !CATEGORIES.contains(&c.as_str())
    {
        cx.err(
            o.key_line("category"),
            "category",
            unknown_msg("category", c, CATEGORIES),
        );
    }
    let recognition_label = o.opt_str(cx, "recognition_label");
    if let Some(p) = o.opt("period")
        && let Some(po) = obj(cx, p, "period", &["from", "to"])
    {
        for k in ["from", "to"] {
            if let Some(v) = po.req(cx, k)
                && as_i64(v).is_none()
            {
                cx.err(
                    line(v),
                    &po.field(k),
                    format!("expected a year, found {}", describe(v)),
                );
            }
        }
    }
    let valid_from = o
        .req(cx, "valid_from")
        .and_then(|v| year_or_date(cx, v, "valid_from", false));
    let valid_to = o
        .opt("valid_to")
        .and_then(|v| year_or_date(cx, v, "valid_to", true));
    if let (Some(f), Some(t)) = (valid_from, valid_to)
        && t < f
    {
        cx.err(
            o.key_line("valid_to"),
            "valid_to",
            format!("ends ({t}) before valid_from ({f})"),
        );
    }

    let extends = o.opt("extends").and_then(|v| parse_extends(cx, v));
    let amends = o.opt_str(cx, "amends");
    let amends_line = o.key_line("amends");
    if extends.is_some() && amends.is_some() {
        cx.err(
            amends_line,
            "amends",
            "a file either `extends` another set or `amends` a version of its own set, not both",
        );
    }
    let changes_status = o.opt_str(cx, "changes_status").and_then(|s| {
        let c = ChangesStatus::parse(&s);
        if c.is_none() {
            cx.err(
                o.key_line("changes_status"),
                "changes_status",
                unknown_msg(
                    "changes_status",
                    &s,
                    &["complete", "partial", "not_retrieved"],
                ),
            );
        }
        c
    });
    if amends.is_some() && changes_status.is_none() && o.get("changes_status").is_none() {
        cx.err(
            o.line,
            "changes_status",
            "missing required field for an amendment (complete, partial or not_retrieved)",
        );
    }
    if amends.is_none() && o.has("changes_status") {
        cx.err(
            o.key_line("changes_status"),
            "changes_status",
            "only an amendment (`amends`) has changes_status",
        );
    }
    let completeness = match o.opt_str(cx, "completeness") {
        Some(s) => Completeness::parse(&s).or_else(|| {
            let all: Vec<&str> = Completeness::ALL.iter().map(|c| c.as_str()).collect();
            cx.err(
                o.key_line("completeness"),
                "completeness",
                unknown_msg("completeness", &s, &all),
            );
            None
        }),
        None => {
            cx.err(
                o.line,
                "completeness",
                "missing required field (complete, partial, skeleton or not_retrieved)",
            );
            None
        }
    };
    let evidence_required = o.opt_bool(cx, "evidence_required");
    let applies_to = o
        .opt("applies_to")
        .and_then(|v| parse_applies_to(cx, v, level));
    let prerequisites = o.str_list(cx, "prerequisites");
    let prerequisites_line = o.key_line("prerequisites");
    for p in &prerequisites {
        check_id(cx, p, prerequisites_line, "prerequisites");
    }
    let _ = o.opt_str(cx, "prerequisites_note");
    for (i, r) in o.seq(cx, "replaces").iter().enumerate() {
        let path = format!("replaces[{i}]");
        if let Some(ro) = obj(
            cx,
            r,
            &path,
            &["id", "doc", "note", "provenance", "uncertain"],
        ) {
            let _ = ro.opt_str(cx, "id");
            let _ = ro.req_str(cx, "doc");
            let _ = ro.opt_str(cx, "note");
            opt_provenance(cx, &ro);
            let _ = ro.opt_bool(cx, "uncertain");
        }
    }
    for k in [
        "replaces_note",
        "groups_note",
        "unit_groups_note",
        "region_note",
    ] {
        let _ = o.opt_str(cx, k);
    }

    let legal_basis = o
        .seq(cx, "legal_basis")
        .iter()
        .enumerate()
        .filter_map(|(i, n)| parse_legal_basis(cx, n, &format!("legal_basis[{i}]"), &mut refs))
        .collect();
    let sources = o
        .opt("sources")
        .map(|n| parse_sources(cx, n, "sources"))
        .unwrap_or_default();
    let special_rules = o
        .seq(cx, "special_rules")
        .iter()
        .enumerate()
        .filter_map(|(i, n)| parse_special_rule(cx, n, &format!("special_rules[{i}]"), &mut refs))
        .collect();
    for (i, f) in o.seq(cx, "facts").iter().enumerate() {
        parse_fact(cx, f, &format!("facts[{i}]"), &mut refs);
    }
    let notes = o.str_list(cx, "notes");
    if let Some(a) = o.get("annex")
        && !matches!(a.data, saphyr::YamlData::Mapping(_))
    {
        cx.err(
            line(a),
            "annex",
            format!("expected a mapping, found {}", describe(a)),
        );
    }

    let preconditions: Vec<Indicator> = o
        .seq(cx, "preconditions")
        .iter()
        .enumerate()
        .filter_map(|(i, n)| parse_indicator(cx, n, &format!("preconditions[{i}]"), &mut refs))
        .collect();
    let criteria: Vec<Criterion> = o
        .seq(cx, "criteria")
        .iter()
        .enumerate()
        .filter_map(|(i, n)| parse_criterion(cx, n, &format!("criteria[{i}]"), &mut refs))
        .collect();
    let overrides: Vec<Override> = o
        .seq(cx, "overrides")
        .iter()
        .enumerate()
        .filter_map(|(i, n)| parse_override(cx, n, &format!("overrides[{i}]"), &mut refs))
        .collect();
    let mut add_indicators = Vec::new();
    for (i, n) in o.seq(cx, "add_indicators").iter().enumerate() {
        let path = format!("add_indicators[{i}]");
        let Some(ao) = obj(cx, n, &path, &["criterion", "indicator"]) else {
            continue;
        };
        let crit = ao
            .req(cx, "criterion")
            .and_then(|v| criterion_number(cx, v, &ao.field("criterion")));
        let ind = ao
            .req(cx, "indicator")
            .and_then(|v| parse_indicator(cx, v, &ao.field("indicator"), &mut refs));
        if let (Some(criterion), Some(indicator)) = (crit, ind) {
            add_indicators.push(AddedIndicator {
                criterion,
                indicator,
            });
        }
    }
    let mut remove_indicators = Vec::new();
    for (i, n) in o.seq(cx, "remove_indicators").iter().enumerate() {
        if let Some(s) = yaml::text_of(cx, n, &format!("remove_indicators[{i}]")) {
            remove_indicators.push((s, line(n)));
        }
    }
    let inherits = extends.is_some() || amends.is_some();
    if !inherits {
        for k in ["overrides", "add_indicators", "remove_indicators"] {
            if o.has(k) {
                cx.err(
                    o.key_line(k),
                    k,
                    "only a set that `extends` another or `amends` a version can have this",
                );
            }
        }
    }
    if amends.is_some() {
        for k in ["criteria", "preconditions"] {
            if o.opt(k).and_then(as_seq).is_some_and(|s| !s.is_empty()) {
                cx.err(o.key_line(k), k, "an amendment changes the amended version through overrides, add_indicators and remove_indicators");
            }
        }
    }

    // Criteria groups (I..V) and commune groups (nhom-1..3).
    let numbers: Vec<u16> = criteria.iter().map(|c| c.number).collect();
    let mut group_codes = Vec::new();
    for (i, g) in o.seq(cx, "groups").iter().enumerate() {
        let path = format!("groups[{i}]");
        let Some(go) = obj(
            cx,
            g,
            &path,
            &[
                "code",
                "name_vi",
                "criteria",
                "provenance",
                "sources",
                "note",
            ],
        ) else {
            continue;
        };
        if let Some(code) = go.req_str(cx, "code") {
            group_codes.push(code);
        }
        let _ = go.req_str(cx, "name_vi");
        opt_provenance(cx, &go);
        source_refs(cx, &go, &mut refs);
        let _ = go.opt_str(cx, "note");
        for (j, n) in go.seq(cx, "criteria").iter().enumerate() {
            if let Some(num) = criterion_number(cx, n, &format!("{path}.criteria[{j}]"))
                && amends.is_none()
                && extends.is_none()
                && !numbers.contains(&num)
            {
                cx.err(
                    line(n),
                    &format!("{path}.criteria[{j}]"),
                    format!("no criterion number {num} in this set"),
                );
            }
        }
    }
    for c in &criteria {
        if let Some(g) = &c.group
            && !group_codes.contains(g)
            && !group_codes.is_empty()
        {
            cx.err(
                c.line,
                "group",
                format!(
                    "criterion {}: unknown group `{g}` (groups: {})",
                    c.number,
                    group_codes.join(", ")
                ),
            );
        }
    }
    for (i, g) in o.seq(cx, "unit_groups").iter().enumerate() {
        let path = format!("unit_groups[{i}]");
        let Some(go) = obj(
            cx,
            g,
            &path,
            &[
                "id",
                "name_vi",
                "definition_vi",
                "tests",
                "provenance",
                "sources",
                "note",
            ],
        ) else {
            continue;
        };
        if let Some(id) = go.req_str(cx, "id")
            && CommuneGroup::parse(&id).is_none()
        {
            cx.err(
                go.key_line("id"),
                &go.field("id"),
                unknown_msg("commune group", &id, &["nhom-1", "nhom-2", "nhom-3"]),
            );
        }
        let _ = go.req_str(cx, "name_vi");
        let _ = go.req_str(cx, "definition_vi");
        let _ = go.str_list(cx, "tests");
        req_provenance(cx, &go);
        source_refs(cx, &go, &mut refs);
        let _ = go.opt_str(cx, "note");
    }

    // Duplicates.
    let mut seen_numbers: HashMap<u16, usize> = HashMap::new();
    for c in &criteria {
        if let Some(first) = seen_numbers.insert(c.number, c.line) {
            cx.err(
                c.line,
                "number",
                format!(
                    "criterion number {} appears twice (first on line {first})",
                    c.number
                ),
            );
        }
    }
    let mut seen_codes: HashMap<&str, usize> = HashMap::new();
    let all = preconditions
        .iter()
        .chain(criteria.iter().flat_map(|c| c.indicators.iter()))
        .chain(add_indicators.iter().map(|a| &a.indicator));
    for ind in all {
        if let Some(first) = seen_codes.insert(ind.code.as_str(), ind.line) {
            cx.err(
                ind.line,
                "code",
                format!(
                    "duplicate indicator code \"{}\" (first on line {first})",
                    ind.code
                ),
            );
        }
    }
    for ind in &preconditions {
        if ind
            .derived
            .as_ref()
            .is_some_and(|d| d.measure == Measure::AllCriteriaMet)
            && criteria.is_empty()
            && !inherits
        {
            cx.err(
                ind.line,
                "derived",
                "all_criteria_met in a set without criteria",
            );
        }
    }
    for ind in criteria.iter().flat_map(|c| c.indicators.iter()) {
        if ind
            .derived
            .as_ref()
            .is_some_and(|d| d.measure == Measure::AllCriteriaMet)
        {
            cx.err(
                ind.line,
                "derived.measure",
                "all_criteria_met can only be a precondition",
            );
        }
    }

    // Source ids must be in the sources table.
    for (id, l, field) in &refs.source_ids {
        if !sources.contains_key(id) {
            let keys: Vec<&str> = sources.keys().map(String::as_str).collect();
            let msg = match yaml::suggest(id, &keys) {
                Some(s) => format!("unknown source id `{id}` (did you mean `{s}`?)"),
                None => format!("unknown source id `{id}`: add it to `sources`"),
            };
            cx.err(*l, field, msg);
        }
    }

    if cx.errors.len() > start_errors {
        return None;
    }
    Some(CriteriaSet {
        file: cx.file.to_string(),
        id: id?,
        version: version?,
        level: level?,
        title_vi: title_vi?,
        title_en,
        category,
        recognition_label,
        valid_from: valid_from?,
        valid_to,
        extends,
        amends,
        amends_line,
        changes_status,
        completeness: completeness?,
        evidence_required,
        applies_to,
        prerequisites,
        prerequisites_line,
        legal_basis,
        sources,
        special_rules,
        preconditions,
        criteria,
        overrides,
        add_indicators,
        remove_indicators,
        notes,
    })
}

/// `applies_to: {unit_kinds: [Xã, ...]}`: official unit kinds of the set's level
/// (`snapshot::allowed_kinds`), spelt as in the unit lists, at least one, no repeats.
fn parse_applies_to(cx: &mut Cx<'_>, v: &Node<'_>, level: Option<Level>) -> Option<Vec<String>> {
    let ao = obj(cx, v, "applies_to", &["unit_kinds", "note"])?;
    let _ = ao.opt_str(cx, "note");
    let field = ao.field("unit_kinds");
    if ao.opt("unit_kinds").is_none() {
        cx.err(
            ao.line,
            &field,
            "missing required field (a list of unit kinds, e.g. [Xã])",
        );
        return None;
    }
    let l = ao.key_line("unit_kinds");
    let kinds = ao.str_list(cx, "unit_kinds");
    if kinds.is_empty() {
        cx.err(
            l,
            &field,
            "lists no unit kind: leave `applies_to` out for every unit of the level",
        );
        return None;
    }
    let mut ok = true;
    let mut out: Vec<String> = Vec::with_capacity(kinds.len());
    for (i, k) in kinds.iter().enumerate() {
        if let Some(level) = level {
            let allowed = crate::snapshot::allowed_kinds(level);
            if !allowed.contains(&k.as_str()) {
                cx.err(
                    l,
                    &format!("{field}[{i}]"),
                    format!(
                        "{} for a {} set",
                        unknown_msg("unit kind", k, allowed),
                        level.as_str()
                    ),
                );
                ok = false;
                continue;
            }
        }
        if out.contains(k) {
            cx.err(
                l,
                &format!("{field}[{i}]"),
                format!("`{k}` is listed twice"),
            );
            ok = false;
            continue;
        }
        out.push(k.clone());
    }
    (ok && level.is_some()).then_some(out)
}

fn parse_extends(cx: &mut Cx<'_>, v: &Node<'_>) -> Option<ExtendsRef> {
    if let Some(s) = as_str(v) {
        check_id(cx, s, line(v), "extends");
        return Some(ExtendsRef {
            id: s.to_string(),
            version: None,
            line: line(v),
        });
    }
    let eo = obj(cx, v, "extends", &["id", "version"])?;
    let id = eo.req_str(cx, "id")?;
    check_id(cx, &id, eo.key_line("id"), "extends.id");
    Some(ExtendsRef {
        id,
        version: eo.opt_str(cx, "version"),
        line: eo.line,
    })
}

fn parse_fact(cx: &mut Cx<'_>, n: &Node<'_>, path: &str, refs: &mut Refs) {
    let Some(fo) = obj(
        cx,
        n,
        path,
        &[
            "text",
            "provenance",
            "uncertain",
            "sources",
            "source",
            "note",
        ],
    ) else {
        return;
    };
    let _ = fo.req_str(cx, "text");
    req_provenance(cx, &fo);
    let _ = fo.opt_bool(cx, "uncertain");
    source_refs(cx, &fo, refs);
    inline_source(cx, &fo);
    let _ = fo.opt_str(cx, "note");
}

fn parse_special_rule(
    cx: &mut Cx<'_>,
    n: &Node<'_>,
    path: &str,
    refs: &mut Refs,
) -> Option<SpecialRule> {
    let so = obj(
        cx,
        n,
        path,
        &[
            "id",
            "text_vi",
            "applies_when",
            "effect",
            "applies_to_sets",
            "provenance",
            "sources",
        ],
    )?;
    let id = so.req_str(cx, "id");
    let text_vi = so.req_str(cx, "text_vi");
    if let Some(w) = so.req_str(cx, "applies_when")
        && w != "disadvantaged_commune"
    {
        cx.err(
            so.key_line("applies_when"),
            &so.field("applies_when"),
            unknown_msg("condition", &w, &["disadvantaged_commune"]),
        );
    }
    let mut region = None;
    if let Some(e) = so.req(cx, "effect")
        && let Some(eo) = obj(cx, e, &so.field("effect"), &["evaluate_with_region"])
        && let Some(r) = eo.req_str(cx, "evaluate_with_region")
    {
        region = parse_region(
            cx,
            &r,
            eo.key_line("evaluate_with_region"),
            &eo.field("evaluate_with_region"),
        );
    }
    let _ = so.str_list(cx, "applies_to_sets");
    let provenance = req_provenance(cx, &so);
    let sources = source_refs(cx, &so, refs);
    Some(SpecialRule {
        id: id?,
        text_vi: text_vi?,
        evaluate_with_region: region,
        provenance: provenance?,
        sources,
    })
}
