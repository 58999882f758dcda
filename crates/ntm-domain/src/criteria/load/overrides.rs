//! A provincial set's overrides of the national set it extends.

use super::common::req_provenance;
use super::document::Refs;
use super::sources::{inline_source, source_refs};
use super::thresholds::{parse_by_group, parse_by_region, parse_threshold};
use crate::criteria::model::*;
use crate::criteria::yaml::{Cx, Node, as_bool, as_str, is_null, obj};

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
pub(super) fn parse_override(
    cx: &mut Cx<'_>,
    n: &Node<'_>,
    path: &str,
    refs: &mut Refs,
) -> Option<Override> {
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
