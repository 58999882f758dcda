//! The OCOP scoring scheme (`kind: ocop_scheme`): score parts, star bands, certificate
//! validity, evaluation levels. QĐ 148/QĐ-TTg 2023.

use std::collections::BTreeMap;
use std::fmt;

use time::Date;

use super::load::{check_id, check_url, unknown_msg, year_or_date};
use super::model::Source;
use super::yaml::{self, Cx, Node, Obj, as_f64, as_i64, describe, line, obj};

#[derive(Debug, Clone, PartialEq)]
pub struct OcopPart {
    pub code: String,
    pub name_vi: String,
    pub max_points: f64,
    pub contents: Vec<String>,
}

/// Scores in `[min, max)` (or `[min, max]` for the top band) earn `stars`.
#[derive(Debug, Clone, PartialEq)]
pub struct StarBand {
    pub stars: u8,
    pub min: f64,
    pub max: f64,
    pub max_inclusive: bool,
    pub meaning_vi: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OcopLevel {
    pub level: String,
    pub council: Option<String>,
    pub recognises_stars: Vec<u8>,
    pub uncertain: bool,
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OcopScheme {
    pub file: String,
    pub id: String,
    pub version: String,
    pub title_vi: String,
    pub title_en: Option<String>,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    pub sources: BTreeMap<String, Source>,
    pub product_groups: Vec<(u8, String)>,
    pub parts: Vec<OcopPart>,
    pub max_total: f64,
    pub bands: Vec<StarBand>,
    pub certified_stars: Vec<u8>,
    pub certificate_months: u32,
    pub levels: Vec<OcopLevel>,
}

/// A score sheet that does not fit the scheme.
#[derive(Debug, Clone, PartialEq)]
pub enum OcopError {
    UnknownPart(String),
    MissingPart(String),
    OutOfRange { part: String, points: f64, max: f64 },
}

impl fmt::Display for OcopError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OcopError::UnknownPart(p) => write!(f, "unknown score part `{p}`"),
            OcopError::MissingPart(p) => write!(f, "score part `{p}` is missing"),
            OcopError::OutOfRange { part, points, max } => {
                write!(f, "part {part}: {points} points is outside 0–{max}")
            }
        }
    }
}

impl std::error::Error for OcopError {}

impl OcopScheme {
    /// Stars for an average total score (None when outside 0..max_total).
    pub fn stars_for(&self, total: f64) -> Option<u8> {
        self.bands
            .iter()
            .find(|b| total >= b.min && (total < b.max || (b.max_inclusive && total <= b.max)))
            .map(|b| b.stars)
    }

    /// Whether a star rank earns an OCOP certificate (3–5 stars).
    pub fn is_certified(&self, stars: u8) -> bool {
        self.certified_stars.contains(&stars)
    }

    /// Total of a score sheet given per part (`A`, `B`, `C`), each within its maximum.
    pub fn total(&self, parts: &[(&str, f64)]) -> Result<f64, OcopError> {
        for (code, _) in parts {
            if !self.parts.iter().any(|p| p.code == *code) {
                return Err(OcopError::UnknownPart(code.to_string()));
            }
        }
        let mut total = 0.0;
        for p in &self.parts {
            let Some((_, pts)) = parts.iter().find(|(c, _)| *c == p.code) else {
                return Err(OcopError::MissingPart(p.code.clone()));
            };
            if !(0.0..=p.max_points).contains(pts) {
                return Err(OcopError::OutOfRange {
                    part: p.code.clone(),
                    points: *pts,
                    max: p.max_points,
                });
            }
            total += pts;
        }
        Ok(total)
    }

    /// Last day a certificate issued on `issued` is valid (`certificate_months` later, minus a day).
    pub fn certificate_valid_until(&self, issued: Date) -> Date {
        let months = issued.month() as i32 - 1 + self.certificate_months as i32;
        let year = issued.year() + months.div_euclid(12);
        let month = time::Month::try_from((months.rem_euclid(12) + 1) as u8)
            .unwrap_or(time::Month::January);
        let last = time::util::days_in_month(month, year);
        let day = issued.day().min(last);
        Date::from_calendar_date(year, month, day)
            .ok()
            .and_then(|d| d.previous_day())
            .unwrap_or(issued)
    }
}

const OCOP_KEYS: &[&str] = &[
    "format",
    "kind",
    "id",
    "version",
    "title_vi",
    "title_en",
    "level",
    "valid_from",
    "valid_to",
    "legal_basis",
    "replaces",
    "programme",
    "sources",
    "product_groups",
    "score_parts",
    "star_bands",
    "certificate_validity",
    "evaluation_levels",
    "notes",
    "annex",
];

pub(crate) fn parse_ocop_doc(cx: &mut Cx<'_>, doc: &Node<'_>) -> Option<OcopScheme> {
    let o = obj(cx, doc, "", OCOP_KEYS)?;
    let before = cx.errors.len();
    let id = o
        .req_str(cx, "id")
        .and_then(|s| check_id(cx, &s, o.key_line("id"), "id").then_some(s));
    let version = o.req_str(cx, "version");
    let title_vi = o.req_str(cx, "title_vi");
    let title_en = super::load::opt_title_en(cx, &o);
    if let Some(l) = o.opt_str(cx, "level")
        && l != "product"
    {
        cx.err(
            o.key_line("level"),
            "level",
            format!("an OCOP scheme rates products: expected `product`, found `{l}`"),
        );
    }
    let valid_from = o
        .req(cx, "valid_from")
        .and_then(|v| year_or_date(cx, v, "valid_from", false));
    let valid_to = o
        .opt("valid_to")
        .and_then(|v| year_or_date(cx, v, "valid_to", true));
    for (i, n) in o.seq(cx, "legal_basis").iter().enumerate() {
        let path = format!("legal_basis[{i}]");
        if let Some(lo) = obj(cx, n, &path, &["doc", "date", "role", "title", "note"]) {
            let _ = lo.req_str(cx, "doc");
            let _ = lo.opt_str(cx, "date");
            let _ = lo.req_str(cx, "role");
            let _ = lo.opt_str(cx, "title");
            let _ = lo.opt_str(cx, "note");
        }
    }
    for (i, n) in o.seq(cx, "replaces").iter().enumerate() {
        if let Some(ro) = obj(cx, n, &format!("replaces[{i}]"), &["doc", "date", "note"]) {
            let _ = ro.req_str(cx, "doc");
            let _ = ro.opt_str(cx, "date");
            let _ = ro.opt_str(cx, "note");
        }
    }
    let _ = o.opt_str(cx, "programme");
    let _ = o.str_list(cx, "notes");
    let mut sources = BTreeMap::new();
    if let Some(n) = o.opt("sources") {
        for (k, l, v) in yaml::map_entries(cx, n, "sources").unwrap_or_default() {
            let field = yaml::join("sources", k);
            let src = super::load::parse_source(cx, v, l, &field);
            if let Some(s) = src {
                sources.insert(k.to_string(), s);
            }
        }
    }

    // Product groups.
    let mut product_groups = Vec::new();
    if let Some(pg) = o.req(cx, "product_groups")
        && let Some(po) = obj(
            cx,
            pg,
            "product_groups",
            &[
                "count",
                "note",
                "items",
                "source",
                "subgroup_count",
                "subgroup_note",
            ],
        )
    {
        let count = po.req(cx, "count").and_then(as_i64);
        let _ = po.opt_str(cx, "note");
        let _ = po.opt_str(cx, "subgroup_note");
        src(cx, &po, "source");
        for (i, it) in po.seq(cx, "items").iter().enumerate() {
            let path = format!("product_groups.items[{i}]");
            if let Some(io) = obj(cx, it, &path, &["code", "name_vi", "example_subgroups"]) {
                let code = io.req(cx, "code").and_then(as_i64);
                let name = io.req_str(cx, "name_vi");
                let _ = io.str_list(cx, "example_subgroups");
                if let (Some(c), Some(n)) = (code, name) {
                    product_groups.push((c as u8, n));
                }
            }
        }
        if let Some(c) = count
            && c as usize != product_groups.len()
        {
            cx.err(
                po.key_line("count"),
                "product_groups.count",
                format!("says {c} groups but {} are listed", product_groups.len()),
            );
        }
    }

    // Score parts.
    let mut parts = Vec::new();
    let mut max_total = 0.0;
    if let Some(sp) = o.req(cx, "score_parts")
        && let Some(so) = obj(
            cx,
            sp,
            "score_parts",
            &[
                "max_total",
                "parts",
                "per_group_sheets",
                "minimum_requirements_per_star",
                "source",
            ],
        )
    {
        max_total = num(cx, &so, "max_total").unwrap_or(0.0);
        let _ = so.opt_str(cx, "per_group_sheets");
        let _ = so.opt_str(cx, "minimum_requirements_per_star");
        src(cx, &so, "source");
        for (i, p) in so.seq(cx, "parts").iter().enumerate() {
            let path = format!("score_parts.parts[{i}]");
            if let Some(po) = obj(cx, p, &path, &["code", "name_vi", "max_points", "contents"]) {
                let code = po.req_str(cx, "code");
                let name_vi = po.req_str(cx, "name_vi");
                let max_points = num(cx, &po, "max_points");
                let contents = po.str_list(cx, "contents");
                if let (Some(code), Some(name_vi), Some(max_points)) = (code, name_vi, max_points) {
                    parts.push(OcopPart {
                        code,
                        name_vi,
                        max_points,
                        contents,
                    });
                }
            }
        }
        let sum: f64 = parts.iter().map(|p| p.max_points).sum();
        if (sum - max_total).abs() > 1e-9 {
            cx.err(
                so.key_line("parts"),
                "score_parts.parts",
                format!("the parts add up to {sum} points, not max_total {max_total}"),
            );
        }
    }

    // Star bands.
    let mut bands: Vec<StarBand> = Vec::new();
    let mut certified_stars = Vec::new();
    if let Some(sb) = o.req(cx, "star_bands")
        && let Some(bo) = obj(
            cx,
            sb,
            "star_bands",
            &["rule", "bands", "certified_stars", "note", "source"],
        )
    {
        let _ = bo.opt_str(cx, "rule");
        let _ = bo.opt_str(cx, "note");
        src(cx, &bo, "source");
        for (i, b) in bo.seq(cx, "bands").iter().enumerate() {
            let path = format!("star_bands.bands[{i}]");
            let Some(bb) = obj(
                cx,
                b,
                &path,
                &["stars", "min", "max_exclusive", "max_inclusive", "meaning"],
            ) else {
                continue;
            };
            let stars = bb.req(cx, "stars").and_then(as_i64);
            let min = num(cx, &bb, "min");
            let (max, incl) = match (bb.opt("max_exclusive"), bb.opt("max_inclusive")) {
                (Some(v), None) => (as_f64(v), false),
                (None, Some(v)) => (as_f64(v), true),
                _ => {
                    cx.err(
                        bb.line,
                        &path,
                        "give exactly one of max_exclusive and max_inclusive",
                    );
                    (None, false)
                }
            };
            let meaning_vi = bb.opt_str(cx, "meaning");
            if let (Some(s), Some(min), Some(max)) = (stars, min, max) {
                bands.push(StarBand {
                    stars: s as u8,
                    min,
                    max,
                    max_inclusive: incl,
                    meaning_vi,
                });
            }
        }
        for (i, w) in bands.windows(2).enumerate() {
            if w[1].stars != w[0].stars + 1 || w[0].max != w[1].min || w[0].max_inclusive {
                cx.err(bo.key_line("bands"), &format!("star_bands.bands[{}]", i + 1), "bands must follow each other without gaps or overlaps (max_exclusive of one = min of the next)");
            }
        }
        if let Some(first) = bands.first()
            && first.min != 0.0
        {
            cx.err(
                bo.key_line("bands"),
                "star_bands.bands[0].min",
                "the first band must start at 0",
            );
        }
        if let Some(last) = bands.last()
            && (!last.max_inclusive || (last.max - max_total).abs() > 1e-9)
        {
            cx.err(
                bo.key_line("bands"),
                "star_bands.bands",
                format!("the last band must end at max_inclusive: {max_total}"),
            );
        }
        for (i, s) in bo.seq(cx, "certified_stars").iter().enumerate() {
            match as_i64(s) {
                Some(x) if bands.iter().any(|b| i64::from(b.stars) == x) => {
                    certified_stars.push(x as u8)
                }
                _ => cx.err(
                    line(s),
                    &format!("star_bands.certified_stars[{i}]"),
                    format!("not a star rank of the bands: {}", describe(s)),
                ),
            }
        }
    }

    let mut certificate_months = 0;
    if let Some(cv) = o.req(cx, "certificate_validity")
        && let Some(co) = obj(
            cx,
            cv,
            "certificate_validity",
            &["months", "from", "renewal", "source", "also_source"],
        )
    {
        match co.req(cx, "months").and_then(as_i64) {
            Some(m) if m > 0 => certificate_months = m as u32,
            _ => cx.err(
                co.key_line("months"),
                "certificate_validity.months",
                "expected a positive number of months",
            ),
        }
        let _ = co.opt_str(cx, "from");
        let _ = co.opt_str(cx, "renewal");
        src(cx, &co, "source");
        src(cx, &co, "also_source");
    }

    let mut levels = Vec::new();
    for (i, l) in o.seq(cx, "evaluation_levels").iter().enumerate() {
        let path = format!("evaluation_levels[{i}]");
        let Some(lo) = obj(
            cx,
            l,
            &path,
            &[
                "level",
                "council",
                "recognises_stars",
                "issues",
                "forwards",
                "note",
                "uncertain",
                "source",
                "also_source",
            ],
        ) else {
            continue;
        };
        let level = lo.req_str(cx, "level");
        if let Some(lv) = &level
            && !["district", "province", "central"].contains(&lv.as_str())
        {
            cx.err(
                lo.key_line("level"),
                &lo.field("level"),
                unknown_msg("level", lv, &["district", "province", "central"]),
            );
        }
        let mut stars = Vec::new();
        for (j, s) in lo.seq(cx, "recognises_stars").iter().enumerate() {
            match as_i64(s) {
                Some(x) if bands.iter().any(|b| i64::from(b.stars) == x) => stars.push(x as u8),
                _ => cx.err(
                    line(s),
                    &format!("{path}.recognises_stars[{j}]"),
                    format!("not a star rank: {}", describe(s)),
                ),
            }
        }
        for k in ["issues", "forwards", "note"] {
            let _ = lo.opt_str(cx, k);
        }
        src(cx, &lo, "also_source");
        let source = src(cx, &lo, "source");
        if let Some(level) = level {
            levels.push(OcopLevel {
                level,
                council: lo.opt_str(cx, "council"),
                recognises_stars: stars,
                uncertain: lo.opt_bool(cx, "uncertain").unwrap_or(false),
                source,
            });
        }
    }
    if let Some(a) = o.get("annex")
        && !matches!(a.data, saphyr::YamlData::Mapping(_))
    {
        cx.err(
            line(a),
            "annex",
            format!("expected a mapping, found {}", describe(a)),
        );
    }

    if cx.errors.len() > before {
        return None;
    }
    Some(OcopScheme {
        file: cx.file.to_string(),
        id: id?,
        version: version?,
        title_vi: title_vi?,
        title_en,
        valid_from: valid_from?,
        valid_to,
        sources,
        product_groups,
        parts,
        max_total,
        bands,
        certified_stars,
        certificate_months,
        levels,
    })
}

fn num(cx: &mut Cx<'_>, o: &Obj<'_, '_>, key: &str) -> Option<f64> {
    let v = o.req(cx, key)?;
    let x = as_f64(v);
    if x.is_none() {
        cx.err(
            line(v),
            &o.field(key),
            format!("expected a number, found {}", describe(v)),
        );
    }
    x
}

fn src(cx: &mut Cx<'_>, o: &Obj<'_, '_>, key: &str) -> Option<String> {
    let s = o.opt_str(cx, key)?;
    check_url(cx, &s, o.key_line(key), &o.field(key));
    Some(s)
}
