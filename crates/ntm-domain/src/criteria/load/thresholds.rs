//! Thresholds: one value, or values varying `by_region` or `by_group`.

use std::collections::BTreeMap;

use crate::units::Region;

use super::common::{opt_provenance, parse_region, unknown_msg};
use super::document::Refs;
use super::sources::{inline_source, source_refs};
use crate::criteria::model::*;
use crate::criteria::yaml::{
    self, Cx, Node, Obj, as_bool, as_f64, as_seq, as_str, describe, is_null, line, obj,
};

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

pub(super) fn parse_by_region(
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

pub(super) fn parse_by_group(
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
