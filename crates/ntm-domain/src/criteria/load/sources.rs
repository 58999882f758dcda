//! Sources (web addresses or documents), the references to them, and legal bases.

use std::collections::BTreeMap;

use super::common::{check_url, opt_provenance, unknown_msg, verified_flag};
use super::document::Refs;
use crate::criteria::model::*;
use crate::criteria::yaml::{self, Cx, Node, Obj, as_str, obj};

pub(super) fn parse_sources(cx: &mut Cx<'_>, n: &Node<'_>, path: &str) -> BTreeMap<String, Source> {
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

const LEGAL_ROLES: &[&str] = &[
    "issues",
    "amends",
    "guides",
    "procedure",
    "basis",
    "programme",
    "related",
];

pub(super) fn parse_legal_basis(
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

/// `sources: [ids]`, recorded to be checked against the sources table.
pub(super) fn source_refs(cx: &mut Cx<'_>, o: &Obj<'_, '_>, refs: &mut Refs) -> Vec<String> {
    let ids = o.str_list(cx, "sources");
    let l = o.key_line("sources");
    for id in &ids {
        refs.source_ids.push((id.clone(), l, o.field("sources")));
    }
    ids
}

/// `source: url` (checked to be a web address).
pub(super) fn inline_source(cx: &mut Cx<'_>, o: &Obj<'_, '_>) -> Option<String> {
    let s = o.opt_str(cx, "source")?;
    check_url(cx, &s, o.key_line("source"), &o.field("source"));
    Some(s)
}
