//! Reading one criteria file (`format: ntm-criteria/1`) into a [`CriteriaSet`] or an
//! [`OcopScheme`], with every problem reported as `file:line: field: message`.

use std::collections::{BTreeMap, HashMap};

use crate::units::{Level, Region};

use super::model::*;
use super::ocop::{OcopScheme, parse_ocop_doc};
use super::yaml::{
    self, Cx, Node, Obj, as_bool, as_f64, as_i64, as_seq, as_str, describe, is_null, line, obj,
};

/// The format tag every file starts with.
pub const FORMAT: &str = "ntm-criteria/1";

/// A parsed criteria file: a criteria set or the OCOP scoring scheme.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum CriteriaFile {
    Set(CriteriaSet),
    Ocop(OcopScheme),
}

/// Parses a criteria file of either kind.
pub fn parse_file(file_name: &str, text: &str) -> Result<CriteriaFile, Vec<SetError>> {
    let mut cx = Cx::new(file_name);
    let Some(doc) = single_doc(&mut cx, text) else {
        return Err(cx.errors);
    };
    let kind = match &doc.data {
        saphyr::YamlData::Mapping(_) => header_kind(&mut cx, &doc),
        _ => {
            cx.err(
                line(&doc),
                "",
                format!(
                    "expected a mapping at the top of the file, found {}",
                    describe(&doc)
                ),
            );
            None
        }
    };
    let out = match kind.as_deref() {
        Some("criteria_set") => parse_set_doc(&mut cx, &doc).map(CriteriaFile::Set),
        Some("ocop_scheme") => parse_ocop_doc(&mut cx, &doc).map(CriteriaFile::Ocop),
        _ => None,
    };
    match out {
        Some(f) if cx.errors.is_empty() => Ok(f),
        _ => {
            if cx.errors.is_empty() {
                cx.err(0, "", "could not read the file");
            }
            Err(cx.errors)
        }
    }
}

/// Parses a criteria-set file (`kind: criteria_set`). `file_name` is only used in messages.
pub fn parse_set(file_name: &str, text: &str) -> Result<CriteriaSet, Vec<SetError>> {
    match parse_file(file_name, text)? {
        CriteriaFile::Set(s) => Ok(s),
        CriteriaFile::Ocop(_) => Err(vec![SetError {
            file: file_name.to_string(),
            line: 0,
            field: "kind".into(),
            message: "this is an OCOP scheme, not a criteria set".into(),
        }]),
    }
}

/// Parses the OCOP scoring scheme file (`kind: ocop_scheme`).
pub fn parse_ocop(file_name: &str, text: &str) -> Result<OcopScheme, Vec<SetError>> {
    match parse_file(file_name, text)? {
        CriteriaFile::Ocop(s) => Ok(s),
        CriteriaFile::Set(_) => Err(vec![SetError {
            file: file_name.to_string(),
            line: 0,
            field: "kind".into(),
            message: "this is a criteria set, not an OCOP scheme".into(),
        }]),
    }
}

fn single_doc(cx: &mut Cx<'_>, text: &str) -> Option<Node<'static>> {
    let mut docs = yaml::load(cx, text)?;
    match docs.len() {
        0 => {
            cx.err(0, "", "the file is empty");
            None
        }
        1 => docs.pop(),
        _ => {
            cx.err(
                line(&docs[1]),
                "",
                "one criteria set per file: found a second YAML document",
            );
            None
        }
    }
}

/// Checks `format` and returns `kind`.
fn header_kind(cx: &mut Cx<'_>, doc: &Node<'_>) -> Option<String> {
    let saphyr::YamlData::Mapping(m) = &doc.data else {
        return None;
    };
    let get = |k: &str| {
        m.iter()
            .find(|(key, _)| as_str(key) == Some(k))
            .map(|(key, v)| (line(key), v))
    };
    match get("format") {
        Some((_, v)) if as_str(v) == Some(FORMAT) => {}
        Some((l, v)) => {
            cx.err(
                l,
                "format",
                format!("expected \"{FORMAT}\", found {}", describe(v)),
            );
            return None;
        }
        None => {
            cx.err(
                line(doc),
                "format",
                format!("missing required field (write `format: {FORMAT}` first)"),
            );
            return None;
        }
    }
    match get("kind") {
        Some((l, v)) => match as_str(v) {
            Some(k @ ("criteria_set" | "ocop_scheme")) => Some(k.to_string()),
            _ => {
                cx.err(
                    l,
                    "kind",
                    format!(
                        "expected criteria_set or ocop_scheme, found {}",
                        describe(v)
                    ),
                );
                None
            }
        },
        None => {
            cx.err(
                line(doc),
                "kind",
                "missing required field (criteria_set or ocop_scheme)",
            );
            None
        }
    }
}

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

fn parse_set_doc(cx: &mut Cx<'_>, doc: &Node<'_>) -> Option<CriteriaSet> {
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

/// `title_en`: optional English title, plain text on one line, not empty.
pub(crate) fn opt_title_en(cx: &mut Cx<'_>, o: &Obj<'_, '_>) -> Option<String> {
    let t = o.opt_str(cx, "title_en")?;
    let trimmed = t.trim();
    if trimmed.is_empty() || trimmed.contains('\n') {
        cx.err(
            o.key_line("title_en"),
            "title_en",
            "expected the English title as one line of text",
        );
        return None;
    }
    Some(trimmed.to_string())
}

pub(crate) fn unknown_msg(what: &str, found: &str, allowed: &[&str]) -> String {
    match yaml::suggest(found, allowed) {
        Some(s) => format!("unknown {what} `{found}` (did you mean `{s}`?)"),
        None => format!("unknown {what} `{found}` (expected {})", allowed.join(", ")),
    }
}

pub(crate) fn check_id(cx: &mut Cx<'_>, s: &str, l: usize, field: &str) -> bool {
    let ok = !s.is_empty()
        && s.split('-').all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if !ok {
        cx.err(
            l,
            field,
            format!("`{s}` is not a valid id (lower-case letters and digits separated by '-')"),
        );
    }
    ok
}

pub(crate) fn year_or_date(
    cx: &mut Cx<'_>,
    v: &Node<'_>,
    field: &str,
    end: bool,
) -> Option<time::Date> {
    let s = match (&v.data, as_i64(v)) {
        (_, Some(i)) => i.to_string(),
        _ => as_str(v).unwrap_or("").to_string(),
    };
    let d = parse_year_or_date(&s, end);
    if d.is_none() {
        cx.err(
            line(v),
            field,
            format!(
                "expected a year (2024) or a date (2024-03-01), found {}",
                describe(v)
            ),
        );
    }
    d
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

fn parse_sources(cx: &mut Cx<'_>, n: &Node<'_>, path: &str) -> BTreeMap<String, Source> {
    let mut out = BTreeMap::new();
    let Some(entries) = yaml::map_entries(cx, n, path) else {
        return out;
    };
    for (id, l, v) in entries {
        let field = yaml::join(path, id);
        if let Some(s) = parse_source(cx, v, l, &field) {
            out.insert(id.to_string(), s);
        }
    }
    out
}

/// A source: a web address, or `{url, doc, what, date}` with a url or a doc.
pub(crate) fn parse_source(cx: &mut Cx<'_>, v: &Node<'_>, l: usize, field: &str) -> Option<Source> {
    if let Some(url) = as_str(v) {
        check_url(cx, url, l, field);
        return Some(Source {
            url: Some(url.to_string()),
            doc: None,
            what: None,
            date: None,
            issuer: None,
            article: None,
            file_sha256: None,
            file_name: None,
        });
    }
    let so = obj(
        cx,
        v,
        field,
        &[
            "url",
            "doc",
            "what",
            "date",
            "issuer",
            "article",
            "file_sha256",
            "file_name",
        ],
    )?;
    let url = so.opt_str(cx, "url");
    if let Some(u) = &url {
        check_url(cx, u, so.key_line("url"), &so.field("url"));
    }
    let doc = so.opt_str(cx, "doc");
    if url.is_none() && doc.is_none() {
        cx.err(so.line, field, "a source needs a `url` or a `doc`");
        return None;
    }
    Some(Source {
        url,
        doc,
        what: so.opt_str(cx, "what"),
        date: so.opt_str(cx, "date"),
        issuer: so.opt_str(cx, "issuer"),
        article: so.opt_str(cx, "article"),
        file_sha256: so.opt_str(cx, "file_sha256"),
        file_name: so.opt_str(cx, "file_name"),
    })
}

pub(crate) fn check_url(cx: &mut Cx<'_>, url: &str, l: usize, field: &str) {
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        cx.err(
            l,
            field,
            format!("`{url}` is not a web address (http:// or https://)"),
        );
    }
}

const LEGAL_ROLES: &[&str] = &[
    "issues",
    "amends",
    "guides",
    "procedure",
    "basis",
    "programme",
    "related",
];

fn parse_legal_basis(
    cx: &mut Cx<'_>,
    n: &Node<'_>,
    path: &str,
    refs: &mut Refs,
) -> Option<LegalBasis> {
    let lo = obj(
        cx,
        n,
        path,
        &[
            "doc",
            "date",
            "issuer",
            "signer",
            "role",
            "title",
            "note",
            "verified",
            "sources",
            "url",
            "proposed_by",
            "grounds",
            "appendices",
            "effective_from",
            "applies_to",
            "provenance",
        ],
    )?;
    let doc = lo.req_str(cx, "doc");
    let role = lo.req_str(cx, "role");
    if let Some(r) = &role
        && !LEGAL_ROLES.contains(&r.as_str())
    {
        cx.err(
            lo.key_line("role"),
            &lo.field("role"),
            unknown_msg("role", r, LEGAL_ROLES),
        );
    }
    let date = lo.opt_str(cx, "date");
    if let Some(d) = &date
        && crate::text::parse_date(d).is_none()
    {
        cx.err(
            lo.key_line("date"),
            &lo.field("date"),
            format!("expected a date YYYY-MM-DD, found \"{d}\""),
        );
    }
    let url = lo.opt_str(cx, "url");
    if let Some(u) = &url {
        check_url(cx, u, lo.key_line("url"), &lo.field("url"));
    }
    for k in ["signer", "proposed_by", "effective_from", "applies_to"] {
        let _ = lo.opt_str(cx, k);
    }
    let _ = lo.str_list(cx, "grounds");
    verified_flag(cx, &lo, "verified");
    opt_provenance(cx, &lo);
    for (i, a) in lo.seq(cx, "appendices").iter().enumerate() {
        if let Some(ao) = obj(
            cx,
            a,
            &format!("{path}.appendices[{i}]"),
            &["id", "content", "file"],
        ) {
            let _ = ao.req_str(cx, "id");
            let _ = ao.req_str(cx, "content");
            let _ = ao.opt_str(cx, "file");
        }
    }
    let sources = source_refs(cx, &lo, refs);
    Some(LegalBasis {
        doc: doc?,
        date,
        issuer: lo.opt_str(cx, "issuer"),
        role: role?,
        title: lo.opt_str(cx, "title"),
        note: lo.opt_str(cx, "note"),
        sources,
        url,
    })
}

/// `verified` flags: true/false or "partial" (a mapping of such flags is accepted too).
fn verified_flag(cx: &mut Cx<'_>, o: &Obj<'_, '_>, key: &str) {
    let Some(v) = o.opt(key) else { return };
    let field = o.field(key);
    let check = |cx: &mut Cx<'_>, v: &Node<'_>, f: &str| {
        if as_bool(v).is_none() && as_str(v) != Some("partial") {
            cx.err(
                line(v),
                f,
                format!("expected true, false or \"partial\", found {}", describe(v)),
            );
        }
    };
    if matches!(v.data, saphyr::YamlData::Mapping(_)) {
        if let Some(vo) = obj(cx, v, &field, &["code", "name", "threshold"]) {
            for k in ["code", "name", "threshold"] {
                if let Some(x) = vo.opt(k) {
                    check(cx, x, &vo.field(k));
                }
            }
        }
    } else {
        check(cx, v, &field);
    }
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

pub(crate) fn parse_region(cx: &mut Cx<'_>, s: &str, l: usize, field: &str) -> Option<Region> {
    let r = Region::parse(s);
    if r.is_none() {
        let all: Vec<&str> = Region::ALL.iter().map(|r| r.code()).collect();
        cx.err(l, field, unknown_msg("region", s, &all));
    }
    r
}

fn req_provenance(cx: &mut Cx<'_>, o: &Obj<'_, '_>) -> Option<Provenance> {
    if !o.has("provenance") {
        cx.err(
            o.line,
            &o.field("provenance"),
            "missing required field (sourced, recalled, inferred or secondary)",
        );
        return None;
    }
    opt_provenance(cx, o)
}

fn opt_provenance(cx: &mut Cx<'_>, o: &Obj<'_, '_>) -> Option<Provenance> {
    let s = o.opt_str(cx, "provenance")?;
    let p = Provenance::parse(&s);
    if p.is_none() {
        let all: Vec<&str> = Provenance::ALL.iter().map(|p| p.as_str()).collect();
        cx.err(
            o.key_line("provenance"),
            &o.field("provenance"),
            unknown_msg("provenance", &s, &all),
        );
    }
    p
}

/// `sources: [ids]`, recorded to be checked against the sources table.
fn source_refs(cx: &mut Cx<'_>, o: &Obj<'_, '_>, refs: &mut Refs) -> Vec<String> {
    let ids = o.str_list(cx, "sources");
    let l = o.key_line("sources");
    for id in &ids {
        refs.source_ids.push((id.clone(), l, o.field("sources")));
    }
    ids
}

/// `source: url` (checked to be a web address).
fn inline_source(cx: &mut Cx<'_>, o: &Obj<'_, '_>) -> Option<String> {
    let s = o.opt_str(cx, "source")?;
    check_url(cx, &s, o.key_line("source"), &o.field("source"));
    Some(s)
}

fn criterion_number(cx: &mut Cx<'_>, v: &Node<'_>, field: &str) -> Option<u16> {
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

fn parse_criterion(
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

const THRESHOLD_KEYS: &[&str] = &[
    "op",
    "value",
    "text",
    "provenance",
    "uncertain",
    "source",
    "source_date",
    "sources",
    "relative_to",
    "note",
];

pub(crate) fn parse_threshold(
    cx: &mut Cx<'_>,
    n: &Node<'_>,
    path: &str,
    kind: Option<ValueKind>,
    refs: &mut Refs,
) -> Option<Threshold> {
    let to = obj(cx, n, path, THRESHOLD_KEYS)?;
    let before = cx.errors.len();
    let op = to.req_str(cx, "op").and_then(|s| {
        let op = Op::parse(&s);
        if op.is_none() {
            cx.err(
                to.key_line("op"),
                &to.field("op"),
                format!("unknown op `{s}` (expected \">=\", \"<=\", \"==\" or \"in\")"),
            );
        }
        op
    });
    let text = to.opt_str(cx, "text");
    let value = match (to.req(cx, "value"), op, kind) {
        (Some(v), Some(op), Some(kind)) => {
            threshold_value(cx, v, &to.field("value"), op, kind, text.as_deref())
        }
        _ => None,
    };
    let provenance = opt_provenance(cx, &to);
    let uncertain = to.opt_bool(cx, "uncertain");
    let source = inline_source(cx, &to);
    let source_date = to.opt_str(cx, "source_date");
    let sources = source_refs(cx, &to, refs);
    let relative_to = to.opt_str(cx, "relative_to");
    let note = to.opt_str(cx, "note");
    if cx.errors.len() > before {
        return None;
    }
    Some(Threshold {
        op: op?,
        value: value?,
        text,
        provenance,
        uncertain,
        source,
        source_date,
        sources,
        relative_to,
        note,
        line: to.line,
    })
}

/// Checks that a threshold value fits the indicator's kind.
fn threshold_value(
    cx: &mut Cx<'_>,
    v: &Node<'_>,
    field: &str,
    op: Op,
    kind: ValueKind,
    text: Option<&str>,
) -> Option<ThresholdValue> {
    let l = line(v);
    let mismatch = |cx: &mut Cx<'_>, expected: &str| {
        cx.err(
            l,
            field,
            format!(
                "threshold kind mismatch: a {} indicator needs {expected}, found {}",
                kind.as_str(),
                describe(v)
            ),
        );
    };
    if kind == ValueKind::Boolean {
        if op != Op::Eq {
            cx.err(
                l,
                field,
                format!(
                    "threshold kind mismatch: a boolean indicator takes op \"==\", not \"{}\"",
                    op.as_str()
                ),
            );
            return None;
        }
        return match as_bool(v) {
            Some(b) => Some(ThresholdValue::Bool(b)),
            None => {
                let hint = if as_str(v).is_some() && text.is_none() {
                    " (write the wording in `text`, e.g. value: true, text: \"Đạt\")"
                } else {
                    ""
                };
                mismatch(cx, &format!("true or false{hint}"));
                None
            }
        };
    }
    let check_num = |cx: &mut Cx<'_>, x: f64| -> bool {
        let ok = match kind {
            ValueKind::Percent => (0.0..=100.0).contains(&x),
            ValueKind::Count | ValueKind::Level => x >= 0.0 && x.fract() == 0.0,
            _ => x.is_finite(),
        };
        if !ok {
            let need = match kind {
                ValueKind::Percent => format!("a percentage between 0 and 100, found {x}"),
                _ => format!("a whole number ≥ 0, found {x}"),
            };
            cx.err(
                l,
                field,
                format!(
                    "threshold kind mismatch: a {} indicator needs {need}",
                    kind.as_str()
                ),
            );
        }
        ok
    };
    if op == Op::In {
        let Some(items) = as_seq(v) else {
            mismatch(cx, "a list of numbers for op \"in\"");
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        for it in items {
            match as_f64(it) {
                Some(x) if check_num(cx, x) => out.push(x),
                Some(_) => return None,
                None => {
                    mismatch(cx, "numbers");
                    return None;
                }
            }
        }
        if out.is_empty() {
            cx.err(l, field, "op \"in\" needs at least one value");
            return None;
        }
        return Some(ThresholdValue::List(out));
    }
    match as_f64(v) {
        Some(x) if check_num(cx, x) => Some(ThresholdValue::Num(x)),
        Some(_) => None,
        None => {
            mismatch(cx, "a number");
            None
        }
    }
}

fn parse_by_region(
    cx: &mut Cx<'_>,
    io: &Obj<'_, '_>,
    kind: Option<ValueKind>,
    refs: &mut Refs,
) -> Varying<Region> {
    let Some(v) = io.get("by_region") else {
        return Varying::same_everywhere();
    };
    if is_null(v) {
        return Varying::Unknown;
    }
    let field = io.field("by_region");
    let mut out = BTreeMap::new();
    for (key, l, tv) in yaml::map_entries(cx, v, &field).unwrap_or_default() {
        let f = yaml::join(&field, key);
        let Some(r) = parse_region(cx, key, l, &f) else {
            continue;
        };
        let th = if is_null(tv) {
            None
        } else {
            parse_threshold(cx, tv, &f, kind, refs)
        };
        out.insert(r, th);
    }
    Varying::Known(out)
}

fn parse_by_group(
    cx: &mut Cx<'_>,
    io: &Obj<'_, '_>,
    kind: Option<ValueKind>,
    refs: &mut Refs,
) -> Varying<CommuneGroup> {
    let Some(v) = io.get("by_group") else {
        return Varying::same_everywhere();
    };
    if is_null(v) {
        return Varying::Unknown;
    }
    let field = io.field("by_group");
    let mut out = BTreeMap::new();
    for (key, l, tv) in yaml::map_entries(cx, v, &field).unwrap_or_default() {
        let f = yaml::join(&field, key);
        let Some(g) = CommuneGroup::parse(key) else {
            cx.err(
                l,
                &f,
                unknown_msg("commune group", key, &["nhom-1", "nhom-2", "nhom-3"]),
            );
            continue;
        };
        let th = if is_null(tv) {
            None
        } else {
            parse_threshold(cx, tv, &f, kind, refs)
        };
        out.insert(g, th);
    }
    Varying::Known(out)
}

const OVERRIDE_KEYS: &[&str] = &[
    "code",
    "name_vi",
    "threshold",
    "by_region",
    "by_group",
    "provenance",
    "uncertain",
    "source",
    "source_date",
    "sources",
    "note",
];

/// Overrides are checked against the inherited indicator's kind when the set is resolved;
/// here the value is read with the kind the override implies (numbers or booleans).
fn parse_override(cx: &mut Cx<'_>, n: &Node<'_>, path: &str, refs: &mut Refs) -> Option<Override> {
    let oo = obj(cx, n, path, OVERRIDE_KEYS)?;
    let before = cx.errors.len();
    let code = oo.req_str(cx, "code");
    let name_vi = oo.opt_str(cx, "name_vi");
    let guess = |t: &Node<'_>| -> Option<ValueKind> {
        let YamlData::Mapping(m) = &t.data else {
            return None;
        };
        let v = m
            .iter()
            .find(|(k, _)| as_str(k) == Some("value"))
            .map(|(_, v)| v)?;
        Some(if as_bool(v).is_some() {
            ValueKind::Boolean
        } else {
            ValueKind::Number
        })
    };
    use saphyr::YamlData;
    let threshold = oo.get("threshold").map(|t| {
        if is_null(t) {
            None
        } else {
            parse_threshold(cx, t, &oo.field("threshold"), guess(t), refs)
        }
    });
    let region_kind = oo.get("by_region").and_then(|m| match &m.data {
        YamlData::Mapping(mm) => mm.iter().find_map(|(_, v)| guess(v)),
        _ => None,
    });
    let by_region = oo
        .has("by_region")
        .then(|| parse_by_region(cx, &oo, region_kind.or(Some(ValueKind::Number)), refs));
    let group_kind = oo.get("by_group").and_then(|m| match &m.data {
        YamlData::Mapping(mm) => mm.iter().find_map(|(_, v)| guess(v)),
        _ => None,
    });
    let by_group = oo
        .has("by_group")
        .then(|| parse_by_group(cx, &oo, group_kind.or(Some(ValueKind::Number)), refs));
    let provenance = req_provenance(cx, &oo);
    let uncertain = oo.opt_bool(cx, "uncertain");
    let source = inline_source(cx, &oo);
    let source_date = oo.opt_str(cx, "source_date");
    let sources = source_refs(cx, &oo, refs);
    let note = oo.opt_str(cx, "note");
    if cx.errors.len() > before {
        return None;
    }
    Some(Override {
        code: code?,
        name_vi,
        threshold,
        by_region,
        by_group,
        provenance,
        uncertain,
        source,
        source_date,
        sources,
        note,
        line: oo.line,
    })
}
