//! Reading a filled table back: the changes it makes to a draft and its bad cells.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::{
    Axis, COL_CODE, COL_CRITERION, COL_CRITERION_NAME, COL_GENERAL, COL_KIND, COL_NAME_EN,
    COL_NAME_VI, COL_OP, COL_UNIT, FIXED_HEADERS, Layout, MARKER, META_ID, NEEDS_VERIFICATION,
    PRECONDITION, SHEET_INDICATORS, SHEET_META, ViewRow, at, cell_ref, column_letter, row_basis,
    row_of, source_map, view,
};
use crate::criteria::authoring::edit::{BasisInput, EditError, IndicatorInput, ThresholdInput};
use crate::criteria::authoring::{AuthoredIndicator, AuthoredSet, AuthoredSource, Variation};
use crate::criteria::model::Kind;
use crate::criteria::{CommuneGroup, ResolvedSet};
use crate::units::Region;

/// One sheet as read: its name, the (row, column) of its first cell in `rows` (0-based),
/// the rows, and its merged regions (first and last cell, 0-based, inclusive).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grid {
    pub name: String,
    pub start: (u32, u32),
    pub rows: Vec<Vec<String>>,
    pub merged: Vec<((u32, u32), (u32, u32))>,
}

impl Grid {
    /// The text at an absolute 0-based cell ("" outside the used range).
    pub fn get(&self, row: usize, col: usize) -> &str {
        let (r0, c0) = (self.start.0 as usize, self.start.1 as usize);
        if row < r0 || col < c0 {
            return "";
        }
        self.rows
            .get(row - r0)
            .and_then(|r| r.get(col - c0))
            .map_or("", String::as_str)
    }

    /// One past the last used row (absolute).
    pub fn end_row(&self) -> usize {
        self.start.0 as usize + self.rows.len()
    }

    /// One past the last used column (absolute).
    pub fn end_col(&self) -> usize {
        self.start.1 as usize + self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }
}

/// A cell that cannot be applied, with its reference (`I7`, `A5:C5`; empty: the file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadCell {
    pub cell: String,
    pub vi: String,
    pub en: String,
}

/// What a change is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "key", rename_all = "snake_case")]
pub enum ChangeKind {
    /// A new indicator (`to`: its values).
    Added,
    /// An indicator of the version whose row is gone: removed.
    Removed,
    /// An override of a national indicator whose row is gone: the national values apply.
    OverrideRemoved,
    Criterion,
    NameVi,
    NameEn,
    Kind,
    Unit,
    /// A value at `general`, a region or a group.
    Threshold(String),
    /// The legal basis of the row's values.
    Basis,
}

/// One change of the draft, at a cell of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Cell reference (empty for a removed row).
    pub cell: String,
    pub code: String,
    pub name: String,
    pub what: ChangeKind,
    /// Before ("" when none).
    pub from: String,
    /// After ("" when none).
    pub to: String,
}

/// The result of reading a file onto a draft.
#[derive(Debug, Clone, PartialEq)]
pub struct TablePlan {
    pub changes: Vec<Change>,
    pub bad: Vec<BadCell>,
    /// The draft with every change applied (meaningful only when `bad` is empty).
    pub result: AuthoredSet,
    /// Indicator rows read.
    pub rows: usize,
    /// Rows equal to the draft.
    pub unchanged: usize,
}

impl TablePlan {
    /// Nothing to apply and nothing wrong.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.bad.is_empty()
    }
}

fn bad(cell: String, vi: impl Into<String>, en: impl Into<String>) -> BadCell {
    BadCell {
        cell,
        vi: vi.into(),
        en: en.into(),
    }
}

fn norm_header(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn parse_num(s: &str) -> Option<f64> {
    let t = s.trim().trim_end_matches('%').trim();
    if t.is_empty() {
        return None;
    }
    let t = if t.contains(',') {
        t.replace('.', "").replace(',', ".")
    } else {
        t.to_string()
    };
    t.parse::<f64>().ok()
}

/// A value cell made comparable: numbers by value, yes/no words by meaning.
fn norm_value(s: &str) -> String {
    let t = s.trim().to_lowercase();
    match t.as_str() {
        "true" | "đạt" | "có" | "co" | "dat" | "yes" => return "true".into(),
        "false" | "không" | "khong" | "no" => return "false".into(),
        _ => {}
    }
    let items: Vec<Option<f64>> = t.split(';').map(parse_num).collect();
    if !t.is_empty() && items.iter().all(Option::is_some) {
        return items
            .into_iter()
            .flatten()
            .map(|x| format!("{x}"))
            .collect::<Vec<_>>()
            .join(";");
    }
    t
}

fn norm_date(s: &str) -> String {
    crate::text::parse_date(s).map_or_else(|| s.trim().to_string(), crate::text::format_date_iso)
}

/// Whether a file row says what the draft's row says (names, kind, values, basis; the
/// criterion name and the status are informative).
fn same_row(proj: &[String], cells: &[String], layout: &Layout) -> bool {
    (0..layout.width()).all(|c| {
        let (a, b) = (proj.get(c).map_or("", |s| s.trim()), cells[c].as_str());
        if c == COL_CRITERION_NAME || c == layout.col_status() {
            true
        } else if c == COL_GENERAL || (c > COL_GENERAL && c < layout.col_doc()) {
            norm_value(a) == norm_value(b)
        } else if c == layout.col_date() {
            norm_date(a) == norm_date(b)
        } else if c == COL_KIND {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    })
}

/// A threshold in words with its status (`≥ 80 %`, `≥ 80 % (cần xác minh)`).
fn threshold_with_status(ind: &AuthoredIndicator, key: &str) -> String {
    match at(ind, key) {
        None => String::new(),
        Some(t) => {
            let w = crate::criteria::words::threshold_text(
                t.op,
                &t.value,
                ind.kind,
                ind.unit.as_deref(),
            );
            if t.confirmed(ind) {
                w
            } else {
                format!("{w} ({NEEDS_VERIFICATION})")
            }
        }
    }
}

fn basis_words(b: &[String; 4]) -> String {
    b.iter()
        .filter(|s| !s.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every key a threshold can have: general, the regions, the groups.
fn all_keys() -> Vec<String> {
    std::iter::once("general".to_string())
        .chain(Region::ALL.iter().map(|r| r.code().to_string()))
        .chain(CommuneGroup::ALL.iter().map(|g| g.code().to_string()))
        .collect()
}

struct Ctx<'a> {
    layout: &'a Layout,
    base: Option<&'a ResolvedSet>,
    /// Row (absolute, 0-based) of each code in the file.
    rows_of: HashMap<String, usize>,
}

impl Ctx<'_> {
    /// The cell an editor field points at.
    fn field_cell(&self, field: &str, this_row: Option<usize>) -> String {
        let here = |col: usize| this_row.map_or_else(String::new, |r| cell_ref(r, col));
        match field {
            "code" => return here(COL_CODE),
            "criterion" | "number" => return here(COL_CRITERION),
            "kind" => return here(COL_KIND),
            "name_vi" => return here(COL_NAME_VI),
            "name_en" => return here(COL_NAME_EN),
            "unit" => return here(COL_UNIT),
            _ => {}
        }
        if let Some(code) = field.strip_suffix(".code") {
            return self
                .rows_of
                .get(code)
                .copied()
                .or(this_row)
                .map_or_else(String::new, |r| cell_ref(r, COL_CODE));
        }
        let parts: Vec<&str> = field.rsplitn(3, '.').collect();
        if let [x, key, code] = parts[..] {
            let row = self.rows_of.get(code).copied().or(this_row);
            let col = match x {
                "value" | "key" => self.layout.col_of(key).unwrap_or(COL_CODE),
                "op" => COL_OP,
                "basis_doc" => self.layout.col_doc(),
                "basis_date" => self.layout.col_date(),
                _ => COL_CODE,
            };
            return row.map_or_else(String::new, |r| cell_ref(r, col));
        }
        here(COL_CODE)
    }

    fn bad_of(&self, e: &EditError, this_row: Option<usize>) -> BadCell {
        bad(self.field_cell(&e.field, this_row), &e.vi, &e.en)
    }
}

/// Reads `sheets` (the metadata sheet and the indicator sheet of an exported table, filled
/// in) onto the draft `current` (`base`: the set it extends, resolved): every change and
/// every bad cell, and the draft with the changes applied. Nothing outside the returned
/// value changes.
pub fn plan_import(
    current: &AuthoredSet,
    base: Option<&ResolvedSet>,
    sheets: &[Grid],
) -> TablePlan {
    let layout = Layout::new(Axis::of(current, base));
    let mut sources = source_map(current, base);
    let view = view(current, base, &mut sources);
    let mut plan = TablePlan {
        changes: Vec::new(),
        bad: Vec::new(),
        result: current.clone(),
        rows: 0,
        unchanged: 0,
    };
    // The metadata sheet, when present, must be this set's.
    if let Some(meta) = sheets
        .iter()
        .find(|g| g.name == SHEET_META || g.get(0, 0).trim() == MARKER)
    {
        for r in 0..meta.end_row() {
            if meta.get(r, 0).trim() == META_ID {
                let id = meta.get(r, 1).trim();
                if !id.is_empty() && id != current.id {
                    plan.bad.push(bad(
                        format!("{SHEET_META}!{}", cell_ref(r, 1)),
                        format!(
                            "tệp là của bộ “{id}”, không phải bộ “{}” đang soạn",
                            current.id
                        ),
                        format!(
                            "the file is of set “{id}”, not of the set being edited (“{}”)",
                            current.id
                        ),
                    ));
                }
            }
        }
    }
    let is_table = |g: &Grid| {
        (0..g.end_col()).any(|c| norm_header(g.get(0, c)) == norm_header(FIXED_HEADERS[COL_CODE]))
    };
    let Some(g) = sheets
        .iter()
        .find(|g| g.name == SHEET_INDICATORS)
        .or_else(|| sheets.iter().find(|g| is_table(g)))
    else {
        plan.bad.push(bad(
            String::new(),
            format!(
                "không tìm thấy trang “{SHEET_INDICATORS}” (dòng 1 có cột “{}”): hãy dùng tệp tải về từ trang bộ tiêu chí",
                FIXED_HEADERS[COL_CODE]
            ),
            format!(
                "no “{SHEET_INDICATORS}” sheet (row 1 with a “{}” column): use the file downloaded from the set's page",
                FIXED_HEADERS[COL_CODE]
            ),
        ));
        return plan;
    };
    for ((r0, c0), (r1, c1)) in &g.merged {
        plan.bad.push(bad(
            format!(
                "{}:{}",
                cell_ref(*r0 as usize, *c0 as usize),
                cell_ref(*r1 as usize, *c1 as usize)
            ),
            "ô gộp (merge): mỗi ô phải có giá trị riêng, hãy bỏ gộp ô",
            "merged cells: every cell needs its own value; unmerge them",
        ));
    }
    check_header(g, &layout, &mut plan.bad);
    if !plan.bad.is_empty() {
        return plan;
    }
    // Rows of the file.
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    let mut rows_of: HashMap<String, usize> = HashMap::new();
    for r in 1..g.end_row() {
        let cells: Vec<String> = (0..layout.width())
            .map(|c| g.get(r, c).trim().to_string())
            .collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        let code = cells[COL_CODE].clone();
        if code.is_empty() {
            plan.bad.push(bad(
                cell_ref(r, COL_CODE),
                "dòng có dữ liệu nhưng thiếu mã chỉ tiêu",
                "a row with data but no indicator code",
            ));
            continue;
        }
        if let Some(first) = rows_of.get(&code) {
            plan.bad.push(bad(
                cell_ref(r, COL_CODE),
                format!("mã chỉ tiêu “{code}” lặp lại (đã có ở dòng {})", first + 1),
                format!(
                    "indicator code “{code}” repeated (already on row {})",
                    first + 1
                ),
            ));
            continue;
        }
        rows_of.insert(code, r);
        rows.push((r, cells));
    }
    plan.rows = rows.len();
    let ctx = Ctx {
        layout: &layout,
        base,
        rows_of,
    };
    let mut next = current.clone();
    for (r, cells) in &rows {
        let cur = view.iter().find(|v| v.ind.code == cells[COL_CODE]);
        let proj = cur.map(|v| row_of(v, &layout, &sources));
        if let Some(p) = &proj
            && same_row(p, cells, &layout)
        {
            plan.unchanged += 1;
            continue;
        }
        if let Some(changes) = apply_row(
            &ctx,
            &mut next,
            *r,
            cells,
            cur,
            proj.as_deref(),
            &sources,
            &mut plan.bad,
        ) {
            plan.changes.extend(changes);
        }
    }
    // Rows gone: the version's own indicators are removed, overrides dropped.
    for v in view.iter().filter(|v| v.in_set) {
        if ctx.rows_of.contains_key(&v.ind.code) {
            continue;
        }
        if let Err(es) = next.remove_indicator(&v.ind.code) {
            plan.bad.extend(es.iter().map(|e| ctx.bad_of(e, None)));
            continue;
        }
        plan.changes.push(Change {
            cell: String::new(),
            code: v.ind.code.clone(),
            name: v.ind.name_vi.clone().unwrap_or_default(),
            what: if v.ind.inherited {
                ChangeKind::OverrideRemoved
            } else {
                ChangeKind::Removed
            },
            from: String::new(),
            to: String::new(),
        });
    }
    for e in next.check(base) {
        let b = ctx.bad_of(&e, None);
        if !plan.bad.contains(&b) {
            plan.bad.push(b);
        }
    }
    plan.result = next;
    plan
}

fn check_header(g: &Grid, layout: &Layout, out: &mut Vec<BadCell>) {
    let expected = layout.headers();
    let keys = layout.keys.join(", ");
    for c in 0..expected.len().max(g.end_col()) {
        let found = g.get(0, c).trim();
        let letter = column_letter(c);
        let cell = cell_ref(0, c);
        let is_key = Region::parse(found).is_some()
            || CommuneGroup::parse(found).is_some()
            || found.to_lowercase().starts_with("nhom")
            || found.to_lowercase().starts_with("nhóm");
        match expected.get(c) {
            Some(e) if norm_header(found) == norm_header(e) => {}
            Some(e) if found.is_empty() => out.push(bad(
                cell,
                format!("cột {letter} phải là “{e}”, ô tiêu đề trống: giữ nguyên các cột của tệp tải về"),
                format!("column {letter} must be “{e}”; its header is empty: keep the columns of the downloaded file"),
            )),
            Some(e) if expected.iter().any(|x| norm_header(x) == norm_header(found)) => {
                let at = expected
                    .iter()
                    .position(|x| norm_header(x) == norm_header(found))
                    .map(column_letter)
                    .unwrap_or_default();
                out.push(bad(
                    cell,
                    format!(
                        "cột bị di chuyển: cột {letter} phải là “{e}”, tệp có “{found}” (cột này phải ở cột {at}); giữ thứ tự cột của tệp tải về"
                    ),
                    format!(
                        "moved column: column {letter} must be “{e}”, the file has “{found}” (it belongs in column {at}); keep the column order of the downloaded file"
                    ),
                ))
            }
            Some(e) if is_key => out.push(bad(
                cell,
                format!(
                    "cột vùng/nhóm không đúng: “{found}” ở cột {letter} (phải là “{e}”); bộ này có các cột {keys}"
                ),
                format!(
                    "unknown region/group column “{found}” in column {letter} (must be “{e}”); this set has the columns {keys}"
                ),
            )),
            Some(e) => out.push(bad(
                cell,
                format!("cột {letter} phải là “{e}”, tệp có “{found}”"),
                format!("column {letter} must be “{e}”, the file has “{found}”"),
            )),
            None if !found.is_empty() => out.push(bad(
                cell,
                format!("cột {letter} không thuộc mẫu: “{found}” (không thêm cột vào tệp)"),
                format!("column {letter} is not part of the table: “{found}” (do not add columns)"),
            )),
            None => {}
        }
    }
}

/// Applies one changed or new row to `next` (nothing when refused: its bad cells are added).
#[allow(clippy::too_many_arguments)]
fn apply_row(
    ctx: &Ctx<'_>,
    next: &mut AuthoredSet,
    r: usize,
    cells: &[String],
    cur: Option<&ViewRow>,
    proj: Option<&[String]>,
    sources: &BTreeMap<String, AuthoredSource>,
    out: &mut Vec<BadCell>,
) -> Option<Vec<Change>> {
    let layout = ctx.layout;
    let code = cells[COL_CODE].clone();
    let c = |col: usize| cells[col].as_str();
    let p = |col: usize| proj.and_then(|p| p.get(col)).map_or("", |s| s.trim());
    if cur.is_some_and(|v| v.ind.kind == Kind::Derived) {
        out.push(bad(
            cell_ref(r, COL_CODE),
            format!("chỉ tiêu “{code}” được tính từ kết quả khác: không sửa được từ Excel"),
            format!(
                "indicator “{code}” is computed from other results: it cannot be changed from Excel"
            ),
        ));
        return None;
    }
    let base_ind = ctx
        .base
        .and_then(|b| b.indicator_index(&code).map(|i| (b, b.indicator(i))));
    if let Some((b, _)) = base_ind {
        let mut refused = false;
        for col in [COL_CRITERION, COL_NAME_VI, COL_NAME_EN, COL_KIND, COL_UNIT] {
            if !c(col).eq_ignore_ascii_case(p(col)) {
                refused = true;
                out.push(bad(
                    cell_ref(r, col),
                    format!(
                        "chỉ tiêu “{code}” của bộ {}: không đổi được “{}” (“{}” → “{}”), chỉ sửa được ngưỡng",
                        b.id,
                        FIXED_HEADERS[col],
                        p(col),
                        c(col)
                    ),
                    format!(
                        "indicator “{code}” of {}: its “{}” cannot change (“{}” → “{}”), only its thresholds",
                        b.id,
                        FIXED_HEADERS[col],
                        p(col),
                        c(col)
                    ),
                ));
            }
        }
        if refused {
            return None;
        }
    }
    let (doc, date, issuer, article) = (
        c(layout.col_doc()),
        c(layout.col_date()),
        c(layout.col_issuer()),
        c(layout.col_article()),
    );
    if doc.is_empty() && !(date.is_empty() && issuer.is_empty() && article.is_empty()) {
        out.push(bad(
            cell_ref(r, layout.col_doc()),
            "căn cứ pháp lý thiếu số văn bản: giá trị có căn cứ (đã xác nhận) cần số văn bản, ngày, cơ quan ban hành, điều khoản",
            "the legal basis has no document number: a confirmed value needs the document number, date, issuer and article",
        ));
        return None;
    }
    let criterion = match c(COL_CRITERION) {
        "" => {
            out.push(bad(
                cell_ref(r, COL_CRITERION),
                format!("cần số tiêu chí (hoặc “{PRECONDITION}” cho điều kiện tiên quyết)"),
                format!("a criterion number is needed (or “{PRECONDITION}” for a precondition)"),
            ));
            return None;
        }
        t if t.eq_ignore_ascii_case(PRECONDITION) || t == "DK" => String::new(),
        t => t.to_string(),
    };
    let basis_cells_same = proj.is_some()
        && doc == p(layout.col_doc())
        && norm_date(date) == norm_date(p(layout.col_date()))
        && issuer == p(layout.col_issuer())
        && article == p(layout.col_article());
    // The file of the basis shown, kept when the basis cells are unchanged.
    let file = cur
        .filter(|_| basis_cells_same)
        .and_then(|v| {
            std::iter::once("general")
                .chain(layout.keys.iter().map(String::as_str))
                .filter_map(|k| at(&v.ind, k))
                .flat_map(|t| t.sources.iter())
                .chain(v.ind.sources.iter())
                .find_map(|id| sources.get(id).filter(|s| s.doc.is_some()))
        })
        .map(|s| (s.file_sha256.clone(), s.file_name.clone()));
    let basis = BasisInput {
        doc: doc.to_string(),
        date: date.to_string(),
        issuer: issuer.to_string(),
        article: article.to_string(),
        file_sha256: file.as_ref().and_then(|f| f.0.clone()),
        file_name: file.as_ref().and_then(|f| f.1.clone()),
    };
    let keys: Vec<String> = std::iter::once("general".to_string())
        .chain(layout.keys.iter().cloned())
        .collect();
    let thresholds: Vec<ThresholdInput> = keys
        .iter()
        .filter_map(|k| {
            let v = c(layout.col_of(k)?);
            (!v.is_empty()).then(|| ThresholdInput {
                key: k.clone(),
                op: c(COL_OP).to_string(),
                value: v.to_string(),
                text: String::new(),
                confirmed: !doc.is_empty(),
                basis: if doc.is_empty() {
                    BasisInput::default()
                } else {
                    basis.clone()
                },
            })
        })
        .collect();
    let input = IndicatorInput {
        original_code: cur.filter(|v| v.in_set).map(|v| v.ind.code.clone()),
        criterion,
        code: code.clone(),
        name_vi: c(COL_NAME_VI).to_string(),
        name_en: c(COL_NAME_EN).to_string(),
        kind: c(COL_KIND).to_lowercase(),
        unit: c(COL_UNIT).to_string(),
        thresholds,
        computed_from: String::new(),
    };
    let before = next.clone();
    if let Err(es) = next.upsert_indicator(&input, ctx.base) {
        for e in es {
            let b = ctx.bad_of(&e, Some(r));
            if !out.contains(&b) {
                out.push(b);
            }
        }
        return None;
    }
    // Keep what the row does not say: the cells left as they were keep their value with its
    // provenance and citations; the other axis (regions or groups) and the notes stay.
    if let Some(v) = cur {
        let old = &v.ind;
        let same_kind = c(COL_KIND).eq_ignore_ascii_case(p(COL_KIND));
        let same_op = c(COL_OP) == p(COL_OP);
        let slot = next
            .preconditions
            .iter_mut()
            .chain(
                next.criteria
                    .iter_mut()
                    .flat_map(|c| c.indicators.iter_mut()),
            )
            .find(|i| i.code == code);
        if let Some(new) = slot
            && same_kind
        {
            let mut cited: Vec<String> = Vec::new();
            if basis_cells_same && same_op {
                if norm_value(c(COL_GENERAL)) == norm_value(p(COL_GENERAL)) {
                    new.threshold = old.threshold.clone();
                }
                let (new_var, old_var) = match layout.axis {
                    Axis::Regions => (&mut new.by_region, &old.by_region),
                    Axis::Groups => (&mut new.by_group, &old.by_group),
                };
                let same: Vec<&String> = layout
                    .keys
                    .iter()
                    .filter(|k| {
                        layout
                            .col_of(k)
                            .is_some_and(|col| norm_value(c(col)) == norm_value(p(col)))
                    })
                    .collect();
                if same.len() == layout.keys.len() {
                    *new_var = old_var.clone();
                } else if let Variation::Known(m) = new_var {
                    for k in same {
                        if let Some(t) = at(old, k) {
                            m.insert(k.clone(), Some(t.clone()));
                        }
                    }
                }
            }
            match layout.axis {
                Axis::Regions => new.by_group = old.by_group.clone(),
                Axis::Groups => new.by_region = old.by_region.clone(),
            }
            if v.in_set && !old.inherited {
                new.provenance = old.provenance;
                new.uncertain = old.uncertain;
                new.placeholder = old.placeholder;
                new.evidence_required = old.evidence_required;
                new.source = old.source.clone();
                new.sources = old.sources.clone();
                new.measured_as = old.measured_as.clone();
                new.computed_from = old.computed_from;
            }
            if v.in_set {
                new.note = old.note.clone();
            }
            cited.extend(new.sources.iter().cloned());
            for k in all_keys() {
                if let Some(t) = at(new, &k) {
                    cited.extend(t.sources.iter().cloned());
                }
            }
            for id in cited {
                if let Some(s) = sources.get(&id) {
                    next.sources.entry(id).or_insert_with(|| s.clone());
                }
            }
        }
        let errors = next.check(ctx.base);
        if !errors.is_empty() {
            for e in errors {
                let b = ctx.bad_of(&e, Some(r));
                if !out.contains(&b) {
                    out.push(b);
                }
            }
            *next = before;
            return None;
        }
    }
    let Some((crit, new)) = next.indicator(&code) else {
        return Some(Vec::new());
    };
    let name = new.name_vi.clone().unwrap_or_default();
    let mut changes = Vec::new();
    let mut change = |col: usize, what: ChangeKind, from: String, to: String| {
        if from != to {
            changes.push(Change {
                cell: cell_ref(r, col),
                code: code.clone(),
                name: name.clone(),
                what,
                from,
                to,
            });
        }
    };
    let Some(v) = cur else {
        let values: Vec<String> = all_keys()
            .iter()
            .filter_map(|k| {
                let w = threshold_with_status(new, k);
                (!w.is_empty()).then(|| {
                    let label = if k == "general" { "chung" } else { k.as_str() };
                    format!("{label}: {w}")
                })
            })
            .collect();
        change(
            COL_CODE,
            ChangeKind::Added,
            String::new(),
            values.join("; "),
        );
        return Some(changes);
    };
    let old = &v.ind;
    let crit_text = |c: Option<u16>| c.map_or_else(|| PRECONDITION.to_string(), |n| n.to_string());
    change(
        COL_CRITERION,
        ChangeKind::Criterion,
        crit_text(v.criterion),
        crit_text(crit),
    );
    change(
        COL_NAME_VI,
        ChangeKind::NameVi,
        old.name_vi.clone().unwrap_or_default(),
        new.name_vi.clone().unwrap_or_default(),
    );
    change(
        COL_NAME_EN,
        ChangeKind::NameEn,
        old.name_en.clone().unwrap_or_default(),
        new.name_en.clone().unwrap_or_default(),
    );
    change(
        COL_KIND,
        ChangeKind::Kind,
        old.kind.as_str().to_string(),
        new.kind.as_str().to_string(),
    );
    change(
        COL_UNIT,
        ChangeKind::Unit,
        old.unit.clone().unwrap_or_default(),
        new.unit.clone().unwrap_or_default(),
    );
    for k in all_keys() {
        change(
            layout.col_of(&k).unwrap_or(COL_CODE),
            ChangeKind::Threshold(k.clone()),
            threshold_with_status(old, &k),
            threshold_with_status(new, &k),
        );
    }
    let new_sources = source_map(next, ctx.base);
    change(
        layout.col_doc(),
        ChangeKind::Basis,
        basis_words(&row_basis(old, layout, sources)),
        basis_words(&row_basis(new, layout, &new_sources)),
    );
    Some(changes)
}
