//! A criteria-set version as a spreadsheet table, and back (the Excel round trip).
//!
//! **Export** ([`SetTable::of`]): a metadata list (id, version, title, validity, extends) and
//! one row **per indicator**: criterion number and name, code, names vi/en, kind, unit,
//! operator, the general value, one column per region (2021–2025 sets) or per commune group
//! (2026–2030 sets) ([`Axis`]), the legal basis (document number, date dd/mm/yyyy, issuer,
//! article) and a status (`đã xác nhận` / `cần xác minh`, informative: ignored on import).
//! A version that extends a national set lists the base's indicators too (with the national
//! values), so officials see the whole set; only the rows they change become overrides.
//!
//! **Import** ([`plan_import`]): the sheets read back are compared row by row with the
//! export of the current draft. An unchanged row changes nothing; a changed or new row goes
//! through [`AuthoredSet::upsert_indicator`] (the form editor's operation: the same parsing,
//! the same "not weaker than national" rule, the same basis rule), an own indicator whose
//! row is gone through [`AuthoredSet::remove_indicator`]. What a row does not carry
//! (notes, provenance of cells left as they were, citations of values not changed) is kept,
//! and the whole version is checked again ([`AuthoredSet::check`]). The result is the list
//! of changes (each with its cell) and of bad cells (each with its reference, e.g. `I7`):
//! a moved or unknown column (header mismatch, by column letter), a merged cell, a value that
//! is not a number, weaker than the national value, a basis without its document number.
//! Pure: the caller reads the file and stores the result.

mod import;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::Serialize;

use super::{
    AuthoredIndicator, AuthoredSet, AuthoredSource, AuthoredThreshold, Region, ThresholdValue,
    Variation, inherited_indicator,
};
use crate::criteria::{CommuneGroup, ResolvedSet};

pub use import::{BadCell, Change, ChangeKind, Grid, TablePlan, plan_import};

/// First cell of the metadata sheet: the table format.
pub const MARKER: &str = "ntm-criteria-table/1";
/// Name of the metadata sheet.
pub const SHEET_META: &str = "Thông tin bộ";
/// Name of the indicator sheet.
pub const SHEET_INDICATORS: &str = "Chỉ tiêu";
/// Criterion column of a precondition row.
pub const PRECONDITION: &str = "ĐK";
/// Status words (informative).
pub const CONFIRMED: &str = "đã xác nhận";
pub const NEEDS_VERIFICATION: &str = "cần xác minh";

/// The varying columns of a set: regions (2021–2025) or commune groups (2026–2030).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Axis {
    Regions,
    Groups,
}

impl Axis {
    /// Column keys: region codes or group ids, in order.
    pub fn keys(self) -> Vec<&'static str> {
        match self {
            Axis::Regions => Region::ALL.iter().map(|r| r.code()).collect(),
            Axis::Groups => CommuneGroup::ALL.iter().map(|g| g.code()).collect(),
        }
    }

    /// Groups when any value of the set (or its base) is by commune group, regions when any
    /// is by region, else by period: groups from 2026.
    pub fn of(set: &AuthoredSet, base: Option<&ResolvedSet>) -> Axis {
        let known = |v: &Variation| matches!(v, Variation::Known(m) if !m.is_empty());
        let base_by = |groups: bool| {
            base.is_some_and(|b| {
                b.indicators.iter().any(|i| {
                    if groups {
                        matches!(&i.by_group, crate::criteria::Varying::Known(m) if !m.is_empty())
                    } else {
                        matches!(&i.by_region, crate::criteria::Varying::Known(m) if !m.is_empty())
                    }
                })
            })
        };
        if set.indicators().any(|i| known(&i.by_group)) || base_by(true) {
            Axis::Groups
        } else if set.indicators().any(|i| known(&i.by_region)) || base_by(false) {
            Axis::Regions
        } else if set.valid_from.year() >= 2026 {
            Axis::Groups
        } else {
            Axis::Regions
        }
    }
}

/// Column positions of the indicator sheet (0-based).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Layout {
    pub axis: Axis,
    pub keys: Vec<String>,
}

pub const COL_CRITERION: usize = 0;
pub const COL_CRITERION_NAME: usize = 1;
pub const COL_CODE: usize = 2;
pub const COL_NAME_VI: usize = 3;
pub const COL_NAME_EN: usize = 4;
pub const COL_KIND: usize = 5;
pub const COL_UNIT: usize = 6;
pub const COL_OP: usize = 7;
pub const COL_GENERAL: usize = 8;

/// Headers of the fixed columns, in order (Vietnamese, as the sheet shows them).
pub const FIXED_HEADERS: [&str; 9] = [
    "Tiêu chí",
    "Tên tiêu chí",
    "Mã chỉ tiêu",
    "Tên chỉ tiêu",
    "Tên chỉ tiêu (tiếng Anh)",
    "Loại",
    "Đơn vị tính",
    "Phép so sánh",
    "Chỉ tiêu chung",
];

/// Headers after the region/group columns.
pub const BASIS_HEADERS: [&str; 5] = [
    "Số văn bản",
    "Ngày văn bản",
    "Cơ quan ban hành",
    "Điều, phụ lục",
    "Trạng thái",
];

/// Values offered for the kind column.
pub const KINDS: [&str; 5] = ["boolean", "percent", "number", "count", "level"];
/// Values offered for the operator column.
pub const OPS: [&str; 4] = [">=", "<=", "==", "in"];

impl Layout {
    pub fn new(axis: Axis) -> Layout {
        Layout {
            axis,
            keys: axis.keys().into_iter().map(String::from).collect(),
        }
    }

    pub fn col_key(&self, k: usize) -> usize {
        COL_GENERAL + 1 + k
    }

    /// Column of `general`, a region or a group.
    pub fn col_of(&self, key: &str) -> Option<usize> {
        if key == "general" {
            return Some(COL_GENERAL);
        }
        self.keys
            .iter()
            .position(|k| k == key)
            .map(|k| self.col_key(k))
    }

    pub fn col_doc(&self) -> usize {
        COL_GENERAL + 1 + self.keys.len()
    }
    pub fn col_date(&self) -> usize {
        self.col_doc() + 1
    }
    pub fn col_issuer(&self) -> usize {
        self.col_doc() + 2
    }
    pub fn col_article(&self) -> usize {
        self.col_doc() + 3
    }
    pub fn col_status(&self) -> usize {
        self.col_doc() + 4
    }
    pub fn width(&self) -> usize {
        self.col_doc() + BASIS_HEADERS.len()
    }

    pub fn headers(&self) -> Vec<String> {
        FIXED_HEADERS
            .iter()
            .map(|h| h.to_string())
            .chain(self.keys.iter().cloned())
            .chain(BASIS_HEADERS.iter().map(|h| h.to_string()))
            .collect()
    }
}

/// Excel's name of a 0-based column (0 → `A`, 27 → `AB`).
pub fn column_letter(mut col: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// Reference of a 0-based cell (`(6, 8)` → `I7`).
pub fn cell_ref(row: usize, col: usize) -> String {
    format!("{}{}", column_letter(col), row + 1)
}

/// A set version as tables: metadata pairs, indicator header and rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetTable {
    /// `(label, value)` rows of the metadata sheet, after the marker row.
    pub meta: Vec<(String, String)>,
    pub layout: Layout,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Metadata labels (first column of the metadata sheet).
pub const META_ID: &str = "Mã bộ tiêu chí";
pub const META_VERSION: &str = "Phiên bản";
pub const META_TITLE: &str = "Tên bộ tiêu chí";
pub const META_FROM: &str = "Hiệu lực từ";
pub const META_TO: &str = "Hiệu lực đến";
pub const META_EXTENDS: &str = "Mở rộng bộ";
pub const META_LEVEL: &str = "Cấp đánh giá";
pub const META_AXIS: &str = "Cột theo";

/// One indicator as a row sees it: its criterion (`None`: precondition), the indicator
/// (the version's own, an override, or the base's when the version does not change it).
pub(super) struct ViewRow {
    pub criterion: Option<u16>,
    pub criterion_name: String,
    pub ind: AuthoredIndicator,
    /// The indicator is in the version (own or override), not only in the base.
    pub in_set: bool,
}

/// Every row of the table, in order: preconditions, then criteria; inside an inherited
/// criterion the base's indicators (overridden or not) first, then the added ones. `sources`
/// gets the base's sources the rows cite.
pub(super) fn view(
    set: &AuthoredSet,
    base: Option<&ResolvedSet>,
    sources: &mut BTreeMap<String, AuthoredSource>,
) -> Vec<ViewRow> {
    let mut out = Vec::new();
    let base_rows = |range: std::ops::Range<usize>,
                     own: &[AuthoredIndicator],
                     sources: &mut BTreeMap<String, AuthoredSource>|
     -> Vec<(AuthoredIndicator, bool)> {
        let Some(b) = base else {
            return Vec::new();
        };
        b.indicators[range]
            .iter()
            .filter_map(|bi| match own.iter().find(|i| i.code == bi.code) {
                Some(o) => Some((o.clone(), true)),
                None => inherited_indicator(b, &bi.code, sources).map(|i| (i, false)),
            })
            .collect()
    };
    // Preconditions.
    let n_pre = base.map_or(0, |b| b.n_preconditions);
    for (ind, in_set) in base_rows(0..n_pre, &set.preconditions, sources) {
        out.push(ViewRow {
            criterion: None,
            criterion_name: String::new(),
            ind,
            in_set,
        });
    }
    for i in &set.preconditions {
        if out.iter().any(|r| r.ind.code == i.code) {
            continue;
        }
        out.push(ViewRow {
            criterion: None,
            criterion_name: String::new(),
            ind: i.clone(),
            in_set: true,
        });
    }
    for c in &set.criteria {
        let start = out.len();
        if c.inherited
            && let Some(bc) = base.and_then(|b| b.criteria.iter().find(|x| x.number == c.number))
        {
            for (ind, in_set) in base_rows(bc.first..bc.first + bc.len, &c.indicators, sources) {
                out.push(ViewRow {
                    criterion: Some(c.number),
                    criterion_name: c.name_vi.clone(),
                    ind,
                    in_set,
                });
            }
        }
        for i in &c.indicators {
            if out[start..].iter().any(|r| r.ind.code == i.code) {
                continue;
            }
            out.push(ViewRow {
                criterion: Some(c.number),
                criterion_name: c.name_vi.clone(),
                ind: i.clone(),
                in_set: true,
            });
        }
    }
    out
}

/// The merged citation table: the version's sources, then the base's.
pub(super) fn source_map(
    set: &AuthoredSet,
    base: Option<&ResolvedSet>,
) -> BTreeMap<String, AuthoredSource> {
    let mut m = set.sources.clone();
    if let Some(b) = base {
        for (k, s) in &b.sources {
            m.entry(k.clone())
                .or_insert_with(|| super::from_set::source(s));
        }
    }
    m
}

/// A number without thousands separators, decimal comma (`80`, `80,5`).
pub(super) fn number_text(x: f64) -> String {
    let s = if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    };
    s.replace('.', ",")
}

/// The value cell of a threshold.
pub(super) fn value_text(t: &AuthoredThreshold) -> String {
    match &t.value {
        ThresholdValue::Bool(true) => "Đạt".into(),
        ThresholdValue::Bool(false) => "Không".into(),
        ThresholdValue::Num(x) => number_text(*x),
        ThresholdValue::List(l) => l
            .iter()
            .map(|x| number_text(*x))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// The threshold at `key` (`general`, a region, a group); `None`: no value.
pub(super) fn at<'a>(ind: &'a AuthoredIndicator, key: &str) -> Option<&'a AuthoredThreshold> {
    if key == "general" {
        return ind.threshold.as_ref();
    }
    let v = if Region::parse(key).is_some() {
        &ind.by_region
    } else {
        &ind.by_group
    };
    match v {
        Variation::Known(m) => m.get(key).and_then(|t| t.as_ref()),
        Variation::Unknown => None,
    }
}

/// The basis shown on a row: the document of the first value citing one.
pub(super) fn row_basis(
    ind: &AuthoredIndicator,
    layout: &Layout,
    sources: &BTreeMap<String, AuthoredSource>,
) -> [String; 4] {
    let keys = std::iter::once("general").chain(layout.keys.iter().map(String::as_str));
    let cited = keys
        .filter_map(|k| at(ind, k))
        .flat_map(|t| t.sources.iter())
        .chain(ind.sources.iter())
        .find_map(|id| sources.get(id).filter(|s| s.doc.is_some()));
    match cited {
        None => Default::default(),
        Some(s) => [
            s.doc.clone().unwrap_or_default(),
            s.date
                .as_deref()
                .map(|d| {
                    crate::text::parse_date(d).map_or(d.to_string(), crate::text::format_date_vi)
                })
                .unwrap_or_default(),
            s.issuer.clone().unwrap_or_default(),
            s.article.clone().unwrap_or_default(),
        ],
    }
}

/// `đã xác nhận`, `cần xác minh`, or `cần xác minh: nhom-3` when only some values need it.
fn status_text(ind: &AuthoredIndicator, layout: &Layout) -> String {
    let keys: Vec<&str> = std::iter::once("general")
        .chain(layout.keys.iter().map(String::as_str))
        .collect();
    let present: Vec<(&str, bool)> = keys
        .iter()
        .filter_map(|k| at(ind, k).map(|t| (*k, t.confirmed(ind))))
        .collect();
    if present.is_empty() {
        return String::new();
    }
    let unconfirmed: Vec<&str> = present
        .iter()
        .filter(|(_, c)| !c)
        .map(|(k, _)| if *k == "general" { "chung" } else { *k })
        .collect();
    if unconfirmed.is_empty() {
        CONFIRMED.into()
    } else if unconfirmed.len() == present.len() {
        NEEDS_VERIFICATION.into()
    } else {
        format!("{NEEDS_VERIFICATION}: {}", unconfirmed.join(", "))
    }
}

/// The operator shown on a row: the general value's, else the first region/group value's.
pub(super) fn row_op(ind: &AuthoredIndicator, layout: &Layout) -> String {
    std::iter::once("general")
        .chain(layout.keys.iter().map(String::as_str))
        .find_map(|k| at(ind, k))
        .map(|t| t.op.as_str().to_string())
        .unwrap_or_default()
}

/// The row of one indicator.
pub(super) fn row_of(
    r: &ViewRow,
    layout: &Layout,
    sources: &BTreeMap<String, AuthoredSource>,
) -> Vec<String> {
    let i = &r.ind;
    let mut row = vec![
        r.criterion
            .map_or_else(|| PRECONDITION.to_string(), |n| n.to_string()),
        r.criterion_name.clone(),
        i.code.clone(),
        i.name_vi.clone().unwrap_or_default(),
        i.name_en.clone().unwrap_or_default(),
        i.kind.as_str().to_string(),
        i.unit.clone().unwrap_or_default(),
        row_op(i, layout),
        at(i, "general").map(value_text).unwrap_or_default(),
    ];
    for k in &layout.keys {
        row.push(at(i, k).map(value_text).unwrap_or_default());
    }
    row.extend(row_basis(i, layout, sources));
    row.push(status_text(i, layout));
    row
}

impl SetTable {
    /// The table of a version (`base`: the set it extends, resolved).
    pub fn of(set: &AuthoredSet, base: Option<&ResolvedSet>) -> SetTable {
        let layout = Layout::new(Axis::of(set, base));
        let mut sources = source_map(set, base);
        let rows = view(set, base, &mut sources)
            .iter()
            .map(|r| row_of(r, &layout, &sources))
            .collect();
        let date = |d: time::Date| crate::text::format_date_vi(d);
        let meta = vec![
            (META_ID.to_string(), set.id.clone()),
            (META_VERSION.to_string(), set.version.clone()),
            (META_TITLE.to_string(), set.title_vi.clone()),
            (META_FROM.to_string(), date(set.valid_from)),
            (
                META_TO.to_string(),
                set.valid_to.map(date).unwrap_or_default(),
            ),
            (
                META_EXTENDS.to_string(),
                set.extends
                    .as_ref()
                    .map(|e| match &e.version {
                        Some(v) => format!("{} ({v})", e.id),
                        None => e.id.clone(),
                    })
                    .unwrap_or_default(),
            ),
            (META_LEVEL.to_string(), set.level.as_str().to_string()),
            (
                META_AXIS.to_string(),
                match layout.axis {
                    Axis::Regions => "vùng".to_string(),
                    Axis::Groups => "nhóm xã".to_string(),
                },
            ),
        ];
        SetTable {
            meta,
            header: layout.headers(),
            layout,
            rows,
        }
    }
}
