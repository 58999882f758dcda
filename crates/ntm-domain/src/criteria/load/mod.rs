//! Reading one criteria file (`format: ntm-criteria/1`) into a [`CriteriaSet`] or an
//! [`OcopScheme`], with every problem reported as `file:line: field: message`.
//!
//! `mod.rs` reads the document and dispatches on its kind; `document.rs` reads a set's top
//! level; `criteria.rs` criteria and indicators; `thresholds.rs` thresholds with their
//! `by_region` / `by_group` variants; `sources.rs` sources and legal bases; `overrides.rs` a
//! provincial set's overrides; `common.rs` the small checks shared by all (ids, dates,
//! regions, provenance, "did you mean" messages).

use super::model::*;
use super::ocop::{OcopScheme, parse_ocop_doc};
use super::yaml::{self, Cx, Node, as_str, describe, line};

mod common;
mod criteria;
mod document;
mod overrides;
mod sources;
mod thresholds;

pub(crate) use common::{check_id, check_url, opt_title_en, unknown_msg, year_or_date};
use document::parse_set_doc;
pub(crate) use sources::parse_source;

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
