//! Small checks shared by every part of a criteria file: ids, years and dates, web
//! addresses, regions, provenance and `verified` flags, "did you mean" messages.

use crate::units::Region;

use crate::criteria::model::*;
use crate::criteria::yaml::{self, Cx, Node, Obj, as_bool, as_i64, as_str, describe, line, obj};

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

pub(crate) fn check_url(cx: &mut Cx<'_>, url: &str, l: usize, field: &str) {
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        cx.err(
            l,
            field,
            format!("`{url}` is not a web address (http:// or https://)"),
        );
    }
}

/// `verified` flags: true/false or "partial" (a mapping of such flags is accepted too).
pub(super) fn verified_flag(cx: &mut Cx<'_>, o: &Obj<'_, '_>, key: &str) {
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

pub(crate) fn parse_region(cx: &mut Cx<'_>, s: &str, l: usize, field: &str) -> Option<Region> {
    let r = Region::parse(s);
    if r.is_none() {
        let all: Vec<&str> = Region::ALL.iter().map(|r| r.code()).collect();
        cx.err(l, field, unknown_msg("region", s, &all));
    }
    r
}

pub(super) fn req_provenance(cx: &mut Cx<'_>, o: &Obj<'_, '_>) -> Option<Provenance> {
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

pub(super) fn opt_provenance(cx: &mut Cx<'_>, o: &Obj<'_, '_>) -> Option<Provenance> {
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
