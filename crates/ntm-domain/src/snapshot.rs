//! Reading official unit lists and turning a dated snapshot into changes.
//!
//! CONTRACT (filled in by the implementer of this module; keep the signatures):
//! - `parse_units_csv`: header `code,name,level,kind,parent_code` (extra columns ignored,
//!   BOM tolerated), every bad row reported with its line number and reason, never a panic.
//! - `parse_mapping_csv`: the old→new commune table of the 2025 reform
//!   (`old_commune_code,new_commune_code,old_commune_name,new_commune_name,old_district_code,
//!   old_province_code,new_province_code,merge_type,note_vi`).
//! - `parse_regions_csv`: `code,name,region` (province → socio-economic region).
//! - `plan_snapshot`: pure diff between the open unit records and a snapshot.
//!
//! # How a snapshot is applied (`plan_snapshot`)
//!
//! Validity is half-open, `[valid_from, valid_to)`. A snapshot taken on `date`:
//!
//! - **Scope**: the provinces listed in the file (rows of level `province`), plus the old
//!   provinces that the mapping sends into one of them. Open province/district/commune records
//!   of those provinces that the file does not list are closed at `date`; everything outside
//!   the scope is left alone (a province may import only its own list).
//! - A row **continues** an open record with the same level and code when name, kind,
//!   parent code, materialized path and province code are all the same, except that a
//!   province whose predecessors in the mapping are other than exactly itself is a new unit
//!   (closed and reopened) — unless the open record already starts on this snapshot's start,
//!   which is what makes a second application a no-op.
//! - Otherwise the open record (if any) is closed at `date` and a new record is opened
//!   from `date` (from an unknown start for the first snapshot, `open_start`).
//! - The mapping becomes lineage (commune → commune, island district → special zone, and
//!   old province → new province), and open hamlets of closed communes follow the single
//!   successor commune when there is one, or are closed with a warning.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use time::Date;
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

use crate::text::search_key;
use crate::units::{Level, Lineage, LineageKind, Region, Unit, UnitRow};

/// A problem with one row (or the whole file when `line` is 0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub line: usize,
    /// Column name, when the problem is in one field.
    pub field: Option<String>,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.field, self.line) {
            (_, 0) => write!(f, "{}", self.message),
            (Some(c), l) => write!(f, "line {l}, column {c}: {}", self.message),
            (None, l) => write!(f, "line {l}: {}", self.message),
        }
    }
}

impl RowError {
    fn new(line: usize, field: Option<&str>, message: impl Into<String>) -> RowError {
        RowError {
            line,
            field: field.map(str::to_string),
            message: message.into(),
        }
    }
}

/// One row of the 2025 old→new commune table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingRow {
    pub line: usize,
    /// Empty for `district_to_special_zone` and `other`.
    pub old_commune_code: Option<String>,
    pub new_commune_code: String,
    pub old_district_code: Option<String>,
    pub old_province_code: Option<String>,
    pub new_province_code: String,
    /// whole | partial | unchanged | renamed_or_retyped | district_to_special_zone | other
    pub merge_type: String,
    pub note: String,
}

/// The values of `MappingRow::merge_type`.
pub const MERGE_TYPES: [&str; 6] = [
    "whole",
    "partial",
    "unchanged",
    "renamed_or_retyped",
    "district_to_special_zone",
    "other",
];

impl MappingRow {
    /// The lineage kind this row produces (`None` for `other`, which names no old unit).
    pub fn lineage_kind(&self) -> Option<LineageKind> {
        match self.merge_type.as_str() {
            "whole" => Some(LineageKind::Merge),
            "partial" => Some(LineageKind::Split),
            "unchanged" => Some(LineageKind::Unchanged),
            "renamed_or_retyped" => Some(LineageKind::Rename),
            "district_to_special_zone" => Some(LineageKind::Reorganize),
            _ => None,
        }
    }
}

/// Province → region, keyed by code *and* the name's search key, because the 2025
/// reform reused province codes for different provinces (80 was Long An, is Tây Ninh).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionTable {
    pub by_code_and_key: HashMap<(String, String), Region>,
}

impl RegionTable {
    pub fn region_of(&self, code: &str, name: &str) -> Option<Region> {
        self.by_code_and_key
            .get(&(code.to_string(), crate::text::search_key(name)))
            .copied()
    }
}

/// What applying a snapshot changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotPlan {
    /// Records to close: (unit id, valid_to).
    pub close: Vec<(Uuid, Date)>,
    /// New records to insert.
    pub open: Vec<Unit>,
    pub lineage: Vec<Lineage>,
    /// Records that continue untouched.
    pub unchanged: usize,
    /// Things a person should look at (e.g. hamlets that could not follow their commune).
    pub warnings: Vec<String>,
}

impl SnapshotPlan {
    pub fn is_empty(&self) -> bool {
        self.close.is_empty() && self.open.is_empty() && self.lineage.is_empty()
    }
}

/// Applies a plan to records held in memory (closes, then appends the new records).
/// The database does the same in one transaction; this is for tests and tools.
pub fn apply_plan_in_memory(units: &mut Vec<Unit>, plan: &SnapshotPlan) {
    let close: HashMap<Uuid, Date> = plan.close.iter().copied().collect();
    for u in units.iter_mut() {
        if u.valid_to.is_none()
            && let Some(d) = close.get(&u.id)
        {
            u.valid_to = Some(*d);
        }
    }
    units.extend(plan.open.iter().cloned());
}

// ---------------------------------------------------------------------------------------
// Vocabulary of the hierarchy
// ---------------------------------------------------------------------------------------

const PROVINCE_KINDS: &[&str] = &["Tỉnh", "Thành phố trực thuộc trung ương"];
const DISTRICT_KINDS: &[&str] = &["Huyện", "Quận", "Thị xã", "Thành phố"];
const COMMUNE_KINDS: &[&str] = &["Xã", "Phường", "Thị trấn", "Đặc khu"];
const HAMLET_KINDS: &[&str] = &[
    "Ấp",
    "Thôn",
    "Xóm",
    "Bản",
    "Buôn",
    "Bon",
    "Plei",
    "Sóc",
    "Khóm",
    "Khu phố",
    "Tổ dân phố",
    "Khu",
    "Tổ",
];

/// The unit types (loại hình) allowed at a level.
pub fn allowed_kinds(level: Level) -> &'static [&'static str] {
    match level {
        Level::Province => PROVINCE_KINDS,
        Level::District => DISTRICT_KINDS,
        Level::Commune => COMMUNE_KINDS,
        Level::Hamlet => HAMLET_KINDS,
    }
}

/// Whether `kind` is allowed at `level` (case-insensitive, Unicode-normalized).
pub fn kind_allowed(level: Level, kind: &str) -> bool {
    canonical_kind(level, kind).is_some()
}

/// The official spelling of an allowed `kind` at `level` ("THỊ TRẤN" → "Thị trấn");
/// `None` when the kind is not allowed there.
pub fn canonical_kind(level: Level, kind: &str) -> Option<&'static str> {
    let k = fold(kind);
    allowed_kinds(level).iter().copied().find(|a| fold(a) == k)
}

fn fold(s: &str) -> String {
    s.trim().nfc().collect::<String>().to_lowercase()
}

/// Official code format: province 2 digits, district 3, commune 5 (zero-padded); a hamlet
/// code is 1–32 ASCII letters, digits, `-`, `.` or `_` (e.g. `28756-01`).
pub fn code_is_valid(level: Level, code: &str) -> bool {
    let digits = |n: usize| code.len() == n && code.bytes().all(|b| b.is_ascii_digit());
    match level {
        Level::Province => digits(2),
        Level::District => digits(3),
        Level::Commune => digits(5),
        Level::Hamlet => {
            !code.is_empty()
                && code.len() <= 32
                && code
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
        }
    }
}

fn code_format_text(level: Level) -> &'static str {
    match level {
        Level::Province => "2 digits, e.g. 84",
        Level::District => "3 digits, e.g. 842",
        Level::Commune => "5 digits, e.g. 28756",
        Level::Hamlet => "1 to 32 letters, digits, '-', '.' or '_', e.g. 28756-01",
    }
}

/// Whether a unit of level `child` may sit directly under one of level `parent`
/// (district under province; commune under district or, from 2025, province; hamlet
/// under commune).
pub fn parent_fits(child: Level, parent: Level) -> bool {
    matches!(
        (child, parent),
        (Level::District, Level::Province)
            | (Level::Commune, Level::District)
            | (Level::Commune, Level::Province)
            | (Level::Hamlet, Level::Commune)
    )
}

fn parent_text(child: Level) -> &'static str {
    match child {
        Level::Province => "a province has no parent",
        Level::District => "a district must be under a province",
        Level::Commune => "a commune must be under a district or a province",
        Level::Hamlet => "a hamlet must be under a commune",
    }
}

fn article(level: Level) -> &'static str {
    match level {
        Level::Province => "a province",
        Level::District => "a district",
        Level::Commune => "a commune",
        Level::Hamlet => "a hamlet",
    }
}

// ---------------------------------------------------------------------------------------
// CSV reading
// ---------------------------------------------------------------------------------------

/// One data record: its 1-based file line and its fields, trimmed and NFC-normalized.
struct CsvRecord {
    line: usize,
    fields: Vec<String>,
}

impl CsvRecord {
    fn get(&self, col: Option<usize>) -> &str {
        col.and_then(|c| self.fields.get(c))
            .map(String::as_str)
            .unwrap_or("")
    }
}

/// 1-based line of byte offsets met in increasing order, in linear time overall.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: usize,
}

impl LineCounter<'_> {
    fn line_of(&mut self, byte: u64) -> usize {
        let mut at = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        while at < self.bytes.len() && matches!(self.bytes[at], b'\n' | b'\r') {
            at += 1;
        }
        if at > self.offset {
            self.line += self.bytes[self.offset..at]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.offset = at;
        }
        self.line
    }
}

/// A column the reader looks for: its name and whether the file must have it.
struct Column {
    name: &'static str,
    required: bool,
}

const fn req(name: &'static str) -> Column {
    Column {
        name,
        required: true,
    }
}

const fn opt(name: &'static str) -> Column {
    Column {
        name,
        required: false,
    }
}

/// Reads a CSV file with a header. Returns the position of each wanted column and the
/// well-formed records; problems with single records go into `errors`, problems with the
/// header make the whole file fail (`None`).
fn read_csv(
    bytes: &[u8],
    columns: &[Column],
    errors: &mut Vec<RowError>,
) -> Option<(Vec<Option<usize>>, Vec<CsvRecord>)> {
    let bytes = bytes
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rec = csv::ByteRecord::new();
    let mut header: Option<(usize, Vec<String>)> = None;
    let mut records = Vec::new();
    let mut last_error_at = None;
    // csv counts the empty lines it skips into the next record's position, so lines are
    // counted here: a record starts at the first byte after the skipped line breaks.
    let mut lines = LineCounter {
        bytes,
        offset: 0,
        line: 1,
    };
    loop {
        match reader.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let at = reader.position().byte();
                let line = e.position().map_or(0, |p| lines.line_of(p.byte()));
                errors.push(RowError::new(
                    line,
                    None,
                    format!("malformed CSV record: {e}"),
                ));
                if last_error_at == Some(at) {
                    break; // no progress: give up rather than loop
                }
                last_error_at = Some(at);
                continue;
            }
        }
        let line = rec.position().map_or(0, |p| lines.line_of(p.byte()));
        let Some((_, names)) = &header else {
            let mut names = Vec::with_capacity(rec.len());
            for (i, f) in rec.iter().enumerate() {
                match std::str::from_utf8(f) {
                    Ok(s) => names.push(s.trim_start_matches('\u{feff}').trim().to_lowercase()),
                    Err(_) => {
                        errors.push(RowError::new(
                            line,
                            None,
                            format!(
                                "header column {} is not valid UTF-8 (save the file as UTF-8)",
                                i + 1
                            ),
                        ));
                        names.push(String::new());
                    }
                }
            }
            header = Some((line, names));
            continue;
        };
        if rec.iter().all(|f| f.trim_ascii().is_empty()) {
            continue; // a row of empty cells, as spreadsheets export at the end
        }
        if rec.len() != names.len() {
            errors.push(RowError::new(
                line,
                None,
                format!(
                    "malformed CSV record: {} fields, but the header has {}",
                    rec.len(),
                    names.len()
                ),
            ));
            continue;
        }
        let mut fields = Vec::with_capacity(rec.len());
        let mut bad_utf8 = false;
        for (i, f) in rec.iter().enumerate() {
            match std::str::from_utf8(f) {
                Ok(s) => fields.push(s.trim().nfc().collect::<String>()),
                Err(_) => {
                    let col = if names[i].is_empty() {
                        format!("{}", i + 1)
                    } else {
                        names[i].clone()
                    };
                    errors.push(RowError::new(
                        line,
                        Some(&col),
                        "not valid UTF-8 (save the file as UTF-8)",
                    ));
                    bad_utf8 = true;
                }
            }
        }
        if !bad_utf8 {
            records.push(CsvRecord { line, fields });
        }
    }
    let Some((header_line, names)) = header else {
        errors.push(RowError::new(
            0,
            None,
            "the file is empty: a header line is needed",
        ));
        return None;
    };
    let expected: Vec<&str> = columns
        .iter()
        .filter(|c| c.required)
        .map(|c| c.name)
        .collect();
    let mut positions = Vec::with_capacity(columns.len());
    let mut header_ok = true;
    for c in columns {
        let found: Vec<usize> = names
            .iter()
            .enumerate()
            .filter(|(_, n)| *n == c.name)
            .map(|(i, _)| i)
            .collect();
        match found.as_slice() {
            [] if c.required => {
                errors.push(RowError::new(
                    header_line,
                    Some(c.name),
                    format!(
                        "missing column \"{}\" in the header (expected columns: {})",
                        c.name,
                        expected.join(",")
                    ),
                ));
                header_ok = false;
                positions.push(None);
            }
            [] => positions.push(None),
            [i] => positions.push(Some(*i)),
            [i, ..] => {
                errors.push(RowError::new(
                    header_line,
                    Some(c.name),
                    format!("column \"{}\" appears more than once in the header", c.name),
                ));
                header_ok = false;
                positions.push(Some(*i));
            }
        }
    }
    if !header_ok {
        // Rows cannot be read without their columns: report the header only.
        errors.retain(|e| e.line <= header_line);
        return None;
    }
    Some((positions, records))
}

pub fn parse_units_csv(bytes: &[u8]) -> Result<Vec<UnitRow>, Vec<RowError>> {
    let (rows, errors) = parse_units_csv_partial(bytes);
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// Like [`parse_units_csv`], but also returns the rows that did parse, so that a caller
/// can check them too and report every problem of a file at once.
pub fn parse_units_csv_partial(bytes: &[u8]) -> (Vec<UnitRow>, Vec<RowError>) {
    let mut errors = Vec::new();
    let columns = [
        req("code"),
        req("name"),
        req("level"),
        req("kind"),
        req("parent_code"),
    ];
    let Some((cols, records)) = read_csv(bytes, &columns, &mut errors) else {
        return (Vec::new(), errors);
    };
    let [code_c, name_c, level_c, kind_c, parent_c] = [cols[0], cols[1], cols[2], cols[3], cols[4]];
    let mut rows = Vec::with_capacity(records.len());
    for r in &records {
        let mut ok = true;
        let code = r.get(code_c);
        if code.is_empty() {
            errors.push(RowError::new(r.line, Some("code"), "code is empty"));
            ok = false;
        }
        let name = r.get(name_c);
        if name.is_empty() {
            errors.push(RowError::new(r.line, Some("name"), "name is empty"));
            ok = false;
        }
        let level_text = r.get(level_c);
        let level = Level::parse(&level_text.to_lowercase());
        if level.is_none() {
            errors.push(RowError::new(
                r.line,
                Some("level"),
                format!("unknown level \"{level_text}\" (expected province, district, commune or hamlet)"),
            ));
            ok = false;
        }
        if let (true, Some(level)) = (ok, level) {
            let parent = r.get(parent_c);
            rows.push(UnitRow {
                line: r.line,
                code: code.to_string(),
                name: name.to_string(),
                level,
                kind: r.get(kind_c).to_string(),
                parent_code: (!parent.is_empty()).then(|| parent.to_string()),
            });
        }
    }
    errors.sort_by_key(|e| e.line);
    (rows, errors)
}

pub fn parse_mapping_csv(bytes: &[u8]) -> Result<Vec<MappingRow>, Vec<RowError>> {
    let mut errors = Vec::new();
    let columns = [
        req("old_commune_code"),
        req("new_commune_code"),
        opt("old_commune_name"),
        opt("new_commune_name"),
        req("old_district_code"),
        req("old_province_code"),
        req("new_province_code"),
        req("merge_type"),
        req("note_vi"),
    ];
    let Some((cols, records)) = read_csv(bytes, &columns, &mut errors) else {
        return Err(errors);
    };
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let mut rows = Vec::with_capacity(records.len());
    for r in &records {
        let mut ok = true;
        let old_commune = r.get(cols[0]);
        let new_commune = r.get(cols[1]);
        let old_district = r.get(cols[4]);
        let old_province = r.get(cols[5]);
        let new_province = r.get(cols[6]);
        let merge_type = r.get(cols[7]).to_lowercase();
        if new_commune.is_empty() {
            errors.push(RowError::new(
                r.line,
                Some("new_commune_code"),
                "new_commune_code is empty",
            ));
            ok = false;
        }
        if new_province.is_empty() {
            errors.push(RowError::new(
                r.line,
                Some("new_province_code"),
                "new_province_code is empty",
            ));
            ok = false;
        }
        match merge_type.as_str() {
            "whole" | "partial" | "unchanged" | "renamed_or_retyped" if old_commune.is_empty() => {
                errors.push(RowError::new(
                    r.line,
                    Some("old_commune_code"),
                    format!("old_commune_code is empty, but merge_type \"{merge_type}\" needs the old commune"),
                ));
                ok = false;
            }
            "district_to_special_zone" if old_district.is_empty() => {
                errors.push(RowError::new(
                    r.line,
                    Some("old_district_code"),
                    "old_district_code is empty, but merge_type \"district_to_special_zone\" needs the old district",
                ));
                ok = false;
            }
            t if MERGE_TYPES.contains(&t) => {}
            _ => {
                errors.push(RowError::new(
                    r.line,
                    Some("merge_type"),
                    format!(
                        "unknown merge_type \"{}\" (expected one of: {})",
                        r.get(cols[7]),
                        MERGE_TYPES.join(", ")
                    ),
                ));
                ok = false;
            }
        }
        if ok {
            rows.push(MappingRow {
                line: r.line,
                old_commune_code: some(old_commune),
                new_commune_code: new_commune.to_string(),
                old_district_code: some(old_district),
                old_province_code: some(old_province),
                new_province_code: new_province.to_string(),
                merge_type,
                note: r.get(cols[8]).to_string(),
            });
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(errors)
    }
}

pub fn parse_regions_csv(bytes: &[u8]) -> Result<RegionTable, Vec<RowError>> {
    let mut errors = Vec::new();
    let columns = [req("code"), req("name"), req("region")];
    let Some((cols, records)) = read_csv(bytes, &columns, &mut errors) else {
        return Err(errors);
    };
    let mut table = RegionTable::default();
    let mut first_line: HashMap<(String, String), usize> = HashMap::new();
    for r in &records {
        let code = r.get(cols[0]);
        let name = r.get(cols[1]);
        let region_text = r.get(cols[2]);
        let mut ok = true;
        if code.is_empty() {
            errors.push(RowError::new(r.line, Some("code"), "code is empty"));
            ok = false;
        }
        if name.is_empty() {
            errors.push(RowError::new(r.line, Some("name"), "name is empty"));
            ok = false;
        }
        let region = Region::parse(&region_text.to_uppercase());
        if region.is_none() {
            let all: Vec<&str> = Region::ALL.iter().map(|r| r.code()).collect();
            errors.push(RowError::new(
                r.line,
                Some("region"),
                format!(
                    "unknown region \"{region_text}\" (expected one of: {})",
                    all.join(", ")
                ),
            ));
            ok = false;
        }
        let (true, Some(region)) = (ok, region) else {
            continue;
        };
        let key = (code.to_string(), search_key(name));
        match table.by_code_and_key.get(&key) {
            Some(prev) if *prev != region => errors.push(RowError::new(
                r.line,
                Some("region"),
                format!(
                    "{code} \"{name}\" is already given region {} on line {}",
                    prev.code(),
                    first_line[&key]
                ),
            )),
            Some(_) => {}
            None => {
                first_line.insert(key.clone(), r.line);
                table.by_code_and_key.insert(key, region);
            }
        }
    }
    if errors.is_empty() {
        Ok(table)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(errors)
    }
}

// ---------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------

/// Checks rows on their own: code format per level, kind allowed for the level, duplicate
/// codes, parent present (in `rows`, or known outside through `known_parent`, which returns
/// the level of an existing unit with that code), parent one level up as the hierarchy
/// allows (commune under district or, from 2025, province; hamlet under commune), and no
/// cycles. Returns every problem found.
///
/// Codes must be unique within a file across all levels (parents are referenced by code
/// alone); a parent code is looked up in the file first, then through `known_parent`.
pub fn validate_rows(
    rows: &[UnitRow],
    known_parent: &dyn Fn(&str) -> Option<Level>,
) -> Vec<RowError> {
    let mut errors = Vec::new();
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        if let Some(&j) = first.get(r.code.as_str()) {
            errors.push(RowError::new(
                r.line,
                Some("code"),
                format!(
                    "duplicate code \"{}\" (first on line {})",
                    r.code, rows[j].line
                ),
            ));
        } else {
            first.insert(r.code.as_str(), i);
        }
    }
    // Parent of each row inside the file, for the cycle check.
    let mut parent_in_rows: Vec<Option<usize>> = vec![None; rows.len()];
    for (i, r) in rows.iter().enumerate() {
        if !code_is_valid(r.level, &r.code) {
            errors.push(RowError::new(
                r.line,
                Some("code"),
                format!(
                    "code \"{}\" is not a valid {} code ({})",
                    r.code,
                    r.level.as_str(),
                    code_format_text(r.level)
                ),
            ));
        }
        if !kind_allowed(r.level, &r.kind) {
            let what = if r.kind.trim().is_empty() {
                "kind is empty".to_string()
            } else {
                format!(
                    "kind \"{}\" is not allowed for {}",
                    r.kind,
                    article(r.level)
                )
            };
            errors.push(RowError::new(
                r.line,
                Some("kind"),
                format!("{what} (allowed: {})", allowed_kinds(r.level).join(", ")),
            ));
        }
        let parent = r
            .parent_code
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty());
        match (r.level, parent) {
            (Level::Province, None) => {}
            (Level::Province, Some(p)) => errors.push(RowError::new(
                r.line,
                Some("parent_code"),
                format!("a province must not have a parent (parent_code is \"{p}\")"),
            )),
            (level, None) => errors.push(RowError::new(
                r.line,
                Some("parent_code"),
                format!("parent_code is empty: {}", parent_text(level)),
            )),
            (level, Some(p)) => {
                let (parent_level, where_) = if let Some(&j) = first.get(p) {
                    parent_in_rows[i] = Some(j);
                    (Some(rows[j].level), format!("on line {}", rows[j].line))
                } else {
                    (known_parent(p), "in the database".to_string())
                };
                match parent_level {
                    None => errors.push(RowError::new(
                        r.line,
                        Some("parent_code"),
                        format!(
                            "unknown parent code \"{p}\" (not in this file nor in the database)"
                        ),
                    )),
                    Some(pl) if !parent_fits(level, pl) => errors.push(RowError::new(
                        r.line,
                        Some("parent_code"),
                        format!(
                            "parent \"{p}\" is {} ({where_}); {}",
                            article(pl),
                            parent_text(level)
                        ),
                    )),
                    Some(_) => {}
                }
            }
        }
    }
    // Cycles: every row has at most one parent inside the file (a functional graph), so
    // walking each chain once with three colours finds every cycle in linear time.
    const NEW: u8 = 0;
    const ON_PATH: u8 = 1;
    const DONE: u8 = 2;
    let mut state = vec![NEW; rows.len()];
    let mut path: Vec<usize> = Vec::new();
    for start in 0..rows.len() {
        if state[start] != NEW {
            continue;
        }
        path.clear();
        let mut cur = Some(start);
        while let Some(i) = cur {
            match state[i] {
                NEW => {
                    state[i] = ON_PATH;
                    path.push(i);
                    cur = parent_in_rows[i];
                }
                ON_PATH => {
                    let at = path.iter().position(|&k| k == i).unwrap_or(0);
                    let cycle = &path[at..];
                    for (n, &k) in cycle.iter().enumerate() {
                        let chain: Vec<String> = cycle[n..]
                            .iter()
                            .chain(&cycle[..n])
                            .chain(std::iter::once(&k))
                            .map(|&c| format!("\"{}\"", rows[c].code))
                            .collect();
                        errors.push(RowError::new(
                            rows[k].line,
                            Some("parent_code"),
                            format!("parent links form a cycle: {}", chain.join(" → ")),
                        ));
                    }
                    break;
                }
                _ => break,
            }
        }
        for &k in &path {
            state[k] = DONE;
        }
    }
    errors.sort_by_key(|e| e.line);
    errors
}

// ---------------------------------------------------------------------------------------
// Planning
// ---------------------------------------------------------------------------------------

/// Where a row's parent lives.
#[derive(Clone, Copy)]
enum ParentRef {
    None,
    /// Another row of the snapshot.
    Row(usize),
    /// An open record (index into the open records) not listed in the snapshot.
    Open(usize),
}

/// Diff between the currently open records (`valid_to == None`) and a snapshot taken on
/// `date`. See ARCHITECTURE.md "Units over time" for the rules.
///
/// `current` should hold every open record of every level (records with a `valid_to`
/// are ignored). The rows are validated first (parents looked up in `rows`, then among
/// the open records); any problem is returned as `Err`, as is a snapshot that would
/// close a record that starts after `date`, or a row whose parent is not in the file and
/// is closed by it.
pub fn plan_snapshot(
    current: &[Unit],
    rows: &[UnitRow],
    date: Date,
    open_start: bool,
    mapping: Option<&[MappingRow]>,
    regions: &RegionTable,
    new_id: &mut dyn FnMut() -> Uuid,
) -> Result<SnapshotPlan, Vec<RowError>> {
    // ---- Index the open records.
    let open: Vec<&Unit> = current.iter().filter(|u| u.valid_to.is_none()).collect();
    let mut by_key: HashMap<(Level, &str), Vec<usize>> = HashMap::with_capacity(open.len());
    let mut by_code: HashMap<&str, Vec<usize>> = HashMap::with_capacity(open.len());
    for (k, u) in open.iter().enumerate() {
        by_key
            .entry((u.level, u.code.as_str()))
            .or_default()
            .push(k);
        by_code.entry(u.code.as_str()).or_default().push(k);
    }
    let first_open =
        |level: Level, code: &str| by_key.get(&(level, code)).and_then(|v| v.first().copied());
    // The old unit a mapping row names existed before `date`: a record opened on `date`
    // itself (by an earlier application of this snapshot) may reuse the code but is not it.
    let first_old = |level: Level, code: &str| {
        by_key.get(&(level, code)).and_then(|v| {
            v.iter()
                .copied()
                .find(|&k| open[k].valid_from.is_none_or(|f| f < date))
        })
    };

    // ---- Validate the rows on their own.
    let known = |code: &str| {
        by_code
            .get(code)
            .and_then(|v| v.iter().map(|&k| open[k].level).min())
    };
    let errors = validate_rows(rows, &known);
    if !errors.is_empty() {
        return Err(errors);
    }

    let new_from = if open_start { None } else { Some(date) };
    let mapping = mapping.unwrap_or(&[]);
    let n = rows.len();
    let mut row_by_code: HashMap<&str, usize> = HashMap::with_capacity(n);
    let mut province_rows: HashMap<&str, usize> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        row_by_code.entry(r.code.as_str()).or_insert(i);
        if r.level == Level::Province {
            province_rows.entry(r.code.as_str()).or_insert(i);
        }
    }
    let commune_row = |code: &str| {
        row_by_code
            .get(code)
            .copied()
            .filter(|&j| rows[j].level == Level::Commune)
    };

    // ---- Parents, paths, provinces and regions of the rows (parents have a lower rank,
    // so going through the rows by rank sees every parent before its children).
    let mut parent_ref = vec![ParentRef::None; n];
    for (i, r) in rows.iter().enumerate() {
        if let Some(p) = r.parent_code.as_deref() {
            parent_ref[i] = match row_by_code.get(p) {
                Some(&j) => ParentRef::Row(j),
                None => by_code
                    .get(p)
                    .and_then(|v| {
                        v.iter()
                            .copied()
                            .find(|&k| parent_fits(r.level, open[k].level))
                    })
                    .map_or(ParentRef::None, ParentRef::Open),
            };
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| rows[i].level.rank());
    let mut path = vec![String::new(); n];
    let mut prov_code = vec![String::new(); n];
    let mut region: Vec<Option<Region>> = vec![None; n];
    for &i in &order {
        let r = &rows[i];
        match parent_ref[i] {
            ParentRef::None => {
                path[i] = format!("/{}/", r.code);
                prov_code[i] = r.code.clone();
                region[i] = regions.region_of(&r.code, &r.name);
            }
            ParentRef::Row(j) => {
                path[i] = format!("{}{}/", path[j], r.code);
                prov_code[i] = prov_code[j].clone();
                region[i] = region[j];
            }
            ParentRef::Open(k) => {
                let p = open[k];
                path[i] = format!("{}{}/", p.path, r.code);
                prov_code[i] = p.province_code.clone();
                region[i] = first_open(Level::Province, &p.province_code)
                    .and_then(|q| regions.region_of(&open[q].code, &open[q].name))
                    .or(p.region);
            }
        }
    }

    // ---- The mapping: the old record each row names, predecessors and scope.
    let mut warnings = Vec::new();
    let from_of: Vec<Option<usize>> = mapping
        .iter()
        .map(|m| match m.merge_type.as_str() {
            "district_to_special_zone" => m
                .old_district_code
                .as_deref()
                .and_then(|c| first_old(Level::District, c)),
            "other" => None,
            _ => m
                .old_commune_code
                .as_deref()
                .and_then(|c| first_old(Level::Commune, c)),
        })
        .collect();
    // The old province of a mapping row: the one its old record really lies in when the
    // record is found (the table can be wrong), else the one the table names.
    let old_province_of = |mi: usize| -> Option<&str> {
        from_of[mi]
            .map(|k| open[k].province_code.as_str())
            .or(mapping[mi].old_province_code.as_deref())
    };
    let mut scope: HashSet<&str> = province_rows.keys().copied().collect();
    let mut preds: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (mi, m) in mapping.iter().enumerate() {
        if !province_rows.contains_key(m.new_province_code.as_str()) {
            continue;
        }
        // Both the province the table names and the one the old record lies in (they
        // differ when the table is wrong). On a second application the old records are
        // closed, so this set can only shrink, which keeps that application a no-op.
        let named = m.old_province_code.as_deref();
        let found = from_of[mi].map(|k| open[k].province_code.as_str());
        for p in [named, found].into_iter().flatten() {
            preds
                .entry(m.new_province_code.as_str())
                .or_default()
                .insert(p);
            scope.insert(p);
        }
    }

    // ---- Each row: continue an open record, or open a new one.
    let mut plan = SnapshotPlan::default();
    let mut matched = vec![false; open.len()];
    let mut closed = vec![false; open.len()];
    let mut row_unit: Vec<Uuid> = vec![Uuid::nil(); n];
    let mut row_new = vec![false; n];
    for (i, r) in rows.iter().enumerate() {
        // A merged province is a new unit even when it kept its code and name — unless
        // the open record already starts where this snapshot would start it.
        let merged = r.level == Level::Province
            && preds
                .get(r.code.as_str())
                .is_some_and(|s| !(s.len() == 1 && s.contains(r.code.as_str())));
        let cands: &[usize] = by_key
            .get(&(r.level, r.code.as_str()))
            .map_or(&[], Vec::as_slice);
        // Validated above, so the kind has an official spelling.
        let kind = canonical_kind(r.level, &r.kind).unwrap_or(r.kind.as_str());
        let mut keep = None;
        for &k in cands {
            matched[k] = true;
            let u = open[k];
            if keep.is_none()
                && u.name == r.name
                && u.kind == kind
                && u.parent_code == r.parent_code
                && u.path == path[i]
                && u.province_code == prov_code[i]
                && (!merged || u.valid_from == new_from)
            {
                keep = Some(k);
            }
        }
        for &k in cands {
            if Some(k) != keep {
                closed[k] = true;
            }
        }
        if let Some(k) = keep {
            row_unit[i] = open[k].id;
            plan.unchanged += 1;
        } else {
            let id = new_id();
            row_unit[i] = id;
            row_new[i] = true;
            plan.open.push(Unit {
                id,
                code: r.code.clone(),
                name: r.name.clone(),
                kind: kind.to_string(),
                level: r.level,
                parent_code: r.parent_code.clone(),
                path: path[i].clone(),
                province_code: prov_code[i].clone(),
                region: region[i],
                valid_from: new_from,
                valid_to: None,
                search_key: search_key(&r.name),
            });
        }
    }

    // ---- Records of the covered provinces that the snapshot no longer lists.
    for (k, u) in open.iter().enumerate() {
        if !matched[k] && u.level != Level::Hamlet && scope.contains(u.province_code.as_str()) {
            closed[k] = true;
        }
    }

    // ---- A row may hang under a stored unit it does not list, but not under one it closes.
    let mut errors = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if let ParentRef::Open(k) = parent_ref[i]
            && closed[k]
        {
            errors.push(RowError::new(
                r.line,
                Some("parent_code"),
                format!(
                    "parent \"{}\" ({}) is not in this file, and this file closes it because it covers province {}",
                    open[k].code, open[k].name, open[k].province_code
                ),
            ));
        }
    }

    // ---- Lineage from the mapping: commune → commune, island district → special zone.
    let mut seen: HashSet<(Uuid, Uuid)> = HashSet::new();
    let mut push_lineage = |plan: &mut SnapshotPlan,
                            new_id: &mut dyn FnMut() -> Uuid,
                            from: Uuid,
                            to: Uuid,
                            kind: LineageKind,
                            note: &str| {
        if from != to && seen.insert((from, to)) {
            let id = new_id();
            plan.lineage.push(Lineage {
                id,
                from_unit: from,
                to_unit: to,
                kind,
                effective: date,
                note: note.to_string(),
            });
        }
    };
    for (mi, m) in mapping.iter().enumerate() {
        let to_row = commune_row(&m.new_commune_code);
        if to_row.is_none() && !province_rows.contains_key(m.new_province_code.as_str()) {
            continue; // about a province this snapshot does not cover
        }
        let Some(j) = to_row else {
            warnings.push(format!(
                "mapping line {}: new commune \"{}\" is not a commune of this snapshot; no lineage recorded",
                m.line, m.new_commune_code
            ));
            continue;
        };
        let Some(kind) = m.lineage_kind() else {
            if row_new[j] {
                warnings.push(format!(
                    "mapping line {}: merge_type \"{}\" names no old unit, so no lineage is recorded for {} {} ({})",
                    m.line, m.merge_type, rows[j].code, rows[j].name, m.note
                ));
            }
            continue;
        };
        let (level, old_code) = if kind == LineageKind::Reorganize {
            (
                Level::District,
                m.old_district_code.as_deref().unwrap_or(""),
            )
        } else {
            (Level::Commune, m.old_commune_code.as_deref().unwrap_or(""))
        };
        let Some(k) = from_of[mi] else {
            // When the new commune is already there (the snapshot was applied before), the
            // old one being gone is expected.
            if row_new[j] {
                warnings.push(format!(
                    "mapping line {}: old {} \"{old_code}\" matches no open record; no lineage to {} {}",
                    m.line,
                    level.as_str(),
                    rows[j].code,
                    rows[j].name
                ));
            }
            continue;
        };
        if !closed[k] && !row_new[j] {
            continue; // both sides continue: nothing happens on this date
        }
        if let Some(p) = m.old_province_code.as_deref()
            && p != open[k].province_code
        {
            warnings.push(format!(
                "mapping line {}: old {} \"{}\" ({}) lies in province {}, not {p} as the mapping says; province {} is used",
                m.line,
                level.as_str(),
                open[k].code,
                open[k].name,
                open[k].province_code,
                open[k].province_code
            ));
        }
        push_lineage(&mut plan, new_id, open[k].id, row_unit[j], kind, &m.note);
    }

    // ---- Lineage between provinces: each old province whose communes went into a new
    // province that is a new unit (or another province) merged into it — wholly when the
    // old province is closed and all of it went there, in part otherwise.
    let mut targets: Vec<(&str, Vec<&str>)> = Vec::new();
    let mut target_pos: HashMap<&str, usize> = HashMap::new();
    for (mi, m) in mapping.iter().enumerate() {
        let q = m.new_province_code.as_str();
        if !province_rows.contains_key(q) {
            continue;
        }
        let Some(p) = old_province_of(mi) else {
            continue;
        };
        let pos = *target_pos.entry(p).or_insert_with(|| {
            targets.push((p, Vec::new()));
            targets.len() - 1
        });
        if !targets[pos].1.contains(&q) {
            targets[pos].1.push(q);
        }
    }
    for (p, qs) in &targets {
        let Some(k) = first_old(Level::Province, p) else {
            if qs.iter().any(|q| row_new[province_rows[q]]) {
                warnings.push(format!(
                    "mapping: old province \"{p}\" matches no open province record; no province lineage recorded"
                ));
            }
            continue;
        };
        for q in qs {
            let j = province_rows[q];
            if !closed[k] && !row_new[j] {
                continue;
            }
            let kind = if closed[k] && qs.len() == 1 {
                LineageKind::Merge
            } else {
                LineageKind::Split
            };
            let note = if kind == LineageKind::Merge {
                "Nhập toàn bộ"
            } else {
                "Nhập một phần"
            };
            push_lineage(&mut plan, new_id, open[k].id, row_unit[j], kind, note);
        }
    }

    // ---- Hamlets of closed communes follow their single successor, or are closed.
    let mut successors: HashMap<&str, Vec<(&str, &str)>> = HashMap::new();
    for m in mapping {
        if let Some(c) = m.old_commune_code.as_deref() {
            successors
                .entry(c)
                .or_default()
                .push((m.new_commune_code.as_str(), m.merge_type.as_str()));
        }
    }
    for (k, h) in open.iter().enumerate() {
        if h.level != Level::Hamlet || matched[k] {
            continue;
        }
        let Some(pc) = h.parent_code.as_deref() else {
            continue;
        };
        let Some(communes) = by_key.get(&(Level::Commune, pc)) else {
            continue;
        };
        if communes.iter().any(|&c| !closed[c]) {
            continue; // its commune continues
        }
        let commune = open[communes[0]];
        let target: Result<usize, String> = match successors.get(pc) {
            Some(list) => {
                let mut codes: Vec<&str> = list.iter().map(|(c, _)| *c).collect();
                codes.sort_unstable();
                codes.dedup();
                let whole = list
                    .iter()
                    .all(|(_, t)| matches!(*t, "whole" | "unchanged" | "renamed_or_retyped"));
                match (codes.as_slice(), whole) {
                    ([c], true) => commune_row(c)
                        .ok_or_else(|| format!("its successor {c} is not in this snapshot")),
                    ([c], false) => Err(format!("only part of it went into {c}")),
                    (cs, _) => Err(format!(
                        "the mapping splits it among {} new communes ({})",
                        cs.len(),
                        cs.join(", ")
                    )),
                }
            }
            // Not in the mapping: the same code reopened (renamed, retyped, moved) is its successor.
            None => {
                commune_row(pc).ok_or_else(|| "it has no successor in this snapshot".to_string())
            }
        };
        match target {
            Ok(j) => {
                let new_path = format!("{}{}/", path[j], h.code);
                if rows[j].code == pc && new_path == h.path && prov_code[j] == h.province_code {
                    continue; // same parent code and path: nothing to change
                }
                closed[k] = true;
                let id = new_id();
                plan.open.push(Unit {
                    id,
                    code: h.code.clone(),
                    name: h.name.clone(),
                    kind: h.kind.clone(),
                    level: Level::Hamlet,
                    parent_code: Some(rows[j].code.clone()),
                    path: new_path,
                    province_code: prov_code[j].clone(),
                    region: region[j],
                    valid_from: new_from,
                    valid_to: None,
                    search_key: search_key(&h.name),
                });
                push_lineage(
                    &mut plan,
                    new_id,
                    h.id,
                    id,
                    LineageKind::Unchanged,
                    "theo xã mới",
                );
            }
            Err(why) => {
                closed[k] = true;
                warnings.push(format!(
                    "hamlet {} \"{}\" closed: its commune {} \"{}\" is closed and {why}; add it again under the right commune",
                    h.code, h.name, commune.code, commune.name
                ));
            }
        }
    }

    // ---- Records outside the scope that stay open under a parent this snapshot replaced.
    for (k, u) in open.iter().enumerate() {
        if closed[k] || matched[k] || u.level == Level::Hamlet {
            continue;
        }
        let Some(pc) = u.parent_code.as_deref() else {
            continue;
        };
        let parents: Vec<usize> = by_code
            .get(pc)
            .map(|v| {
                v.iter()
                    .copied()
                    .filter(|&p| parent_fits(u.level, open[p].level))
                    .collect()
            })
            .unwrap_or_default();
        if !parents.is_empty() && parents.iter().all(|&p| closed[p]) {
            warnings.push(format!(
                "{} {} \"{}\" stays open (its province {} is not covered by this snapshot) but its parent {pc} is closed or replaced",
                u.level.as_str(),
                u.code,
                u.name,
                u.province_code
            ));
        }
    }

    // ---- Close, refusing to end a record before it starts.
    for (k, u) in open.iter().enumerate() {
        if !closed[k] {
            continue;
        }
        if let Some(from) = u.valid_from
            && from > date
        {
            errors.push(RowError::new(
                0,
                None,
                format!(
                    "{} {} \"{}\" is valid from {from}, after the snapshot date {date}: snapshots must be applied in date order",
                    u.level.as_str(),
                    u.code,
                    u.name
                ),
            ));
        }
        plan.close.push((u.id, date));
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        return Err(errors);
    }
    plan.warnings = warnings;
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    // ---- helpers -------------------------------------------------------------------

    fn row(
        line: usize,
        code: &str,
        name: &str,
        level: Level,
        kind: &str,
        parent: Option<&str>,
    ) -> UnitRow {
        UnitRow {
            line,
            code: code.into(),
            name: name.into(),
            level,
            kind: kind.into(),
            parent_code: parent.map(str::to_string),
        }
    }

    /// Rows from a compact text: `code|name|level|kind|parent` per line.
    fn rows(spec: &str) -> Vec<UnitRow> {
        spec.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .enumerate()
            .map(|(i, l)| {
                let f: Vec<&str> = l.split('|').collect();
                let level = Level::parse(f[2]).unwrap();
                row(
                    i + 2,
                    f[0],
                    f[1],
                    level,
                    f[3],
                    Some(f[4]).filter(|p| !p.is_empty()),
                )
            })
            .collect()
    }

    fn counter() -> impl FnMut() -> Uuid {
        let mut n = 0u128;
        move || {
            n += 1;
            Uuid::from_u128(n)
        }
    }

    /// A mapping row from `[old, new, old_district, old_province, new_province, type, note]`.
    fn mrow(
        line: usize,
        [old, new, old_district, old_prov, new_prov, t, note]: [&str; 7],
    ) -> MappingRow {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
        MappingRow {
            line,
            old_commune_code: some(old),
            new_commune_code: new.into(),
            old_district_code: some(old_district),
            old_province_code: some(old_prov),
            new_province_code: new_prov.into(),
            merge_type: t.into(),
            note: note.into(),
        }
    }

    fn regions() -> RegionTable {
        parse_regions_csv("code,name,region\n01,Tỉnh Một,DBSH\n02,Tỉnh Hai,TDMNPB\n".as_bytes())
            .unwrap()
    }

    /// In-memory store: every record ever written, with an id generator.
    struct Store {
        units: Vec<Unit>,
        lineage: Vec<Lineage>,
        ids: Box<dyn FnMut() -> Uuid>,
    }

    impl Store {
        fn new() -> Store {
            Store {
                units: Vec::new(),
                lineage: Vec::new(),
                ids: Box::new(counter()),
            }
        }
        fn open(&self) -> Vec<Unit> {
            self.units
                .iter()
                .filter(|u| u.valid_to.is_none())
                .cloned()
                .collect()
        }
        fn plan(
            &mut self,
            rows: &[UnitRow],
            d: Date,
            open_start: bool,
            mapping: Option<&[MappingRow]>,
            regions: &RegionTable,
        ) -> SnapshotPlan {
            let open = self.open();
            plan_snapshot(&open, rows, d, open_start, mapping, regions, &mut self.ids).unwrap()
        }
        fn apply(&mut self, plan: &SnapshotPlan) {
            apply_plan_in_memory(&mut self.units, plan);
            self.lineage.extend(plan.lineage.iter().cloned());
        }
        fn step(
            &mut self,
            rows: &[UnitRow],
            d: Date,
            open_start: bool,
            mapping: Option<&[MappingRow]>,
            regions: &RegionTable,
        ) -> SnapshotPlan {
            let plan = self.plan(rows, d, open_start, mapping, regions);
            self.apply(&plan);
            plan
        }
        fn open_one(&self, level: Level, code: &str) -> Unit {
            let v: Vec<&Unit> = self
                .units
                .iter()
                .filter(|u| u.valid_to.is_none() && u.level == level && u.code == code)
                .collect();
            assert_eq!(v.len(), 1, "open {level:?} {code}: {v:?}");
            v[0].clone()
        }
        fn by_id(&self, id: Uuid) -> &Unit {
            self.units.iter().find(|u| u.id == id).unwrap()
        }
        fn count_on(&self, d: Date, level: Level) -> usize {
            self.units
                .iter()
                .filter(|u| u.level == level && u.is_valid_on(d))
                .count()
        }
    }

    fn closes(plan: &SnapshotPlan, store_before: &[Unit]) -> Vec<(Level, String)> {
        let mut v: Vec<(Level, String)> = plan
            .close
            .iter()
            .map(|(id, _)| {
                let u = store_before.iter().find(|u| u.id == *id).unwrap();
                (u.level, u.code.clone())
            })
            .collect();
        v.sort();
        v
    }

    fn opens(plan: &SnapshotPlan) -> Vec<(Level, String)> {
        let mut v: Vec<(Level, String)> = plan
            .open
            .iter()
            .map(|u| (u.level, u.code.clone()))
            .collect();
        v.sort();
        v
    }

    const BASE: &str = "
        01|Tỉnh Một|province|Tỉnh|
        02|Tỉnh Hai|province|Tỉnh|
        001|Huyện A|district|Huyện|01
        002|Huyện B|district|Huyện|01
        003|Huyện C|district|Huyện|02
        00001|Xã Một|commune|Xã|001
        00002|Xã Hai|commune|Xã|001
        00003|Thị trấn Ba|commune|Thị trấn|002
        00004|Xã Bốn|commune|Xã|003
        00005|Xã Năm|commune|Xã|003
    ";

    // ---- parsing -------------------------------------------------------------------

    #[test]
    fn parses_a_good_file_with_bom_reordered_and_extra_columns() {
        let csv = "\u{feff}name, code ,level,kind,parent_code,note\n\
                   Tỉnh Trà Vinh,84,province,Tỉnh,,x\n\
                   \"Huyện Càng Long, TV\",842, district ,Huyện, 84 ,\n\
                   \n\
                   Xã Tân An,28756,Commune,Xã,842,\n\
                   ,,,,,\n";
        let rows = parse_units_csv(csv.as_bytes()).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[0],
            row(2, "84", "Tỉnh Trà Vinh", Level::Province, "Tỉnh", None)
        );
        assert_eq!(
            rows[1],
            row(
                3,
                "842",
                "Huyện Càng Long, TV",
                Level::District,
                "Huyện",
                Some("84")
            )
        );
        // The blank line 4 still counts as a file line.
        assert_eq!(
            rows[2],
            row(5, "28756", "Xã Tân An", Level::Commune, "Xã", Some("842"))
        );
    }

    #[test]
    fn names_are_normalized_to_nfc() {
        let decomposed: String = "Xã Tân Hòa".nfd().collect();
        let csv = format!("code,name,level,kind,parent_code\n28756,{decomposed},commune,Xã,842\n");
        let rows = parse_units_csv(csv.as_bytes()).unwrap();
        assert_eq!(rows[0].name, "Xã Tân Hòa");
    }

    #[test]
    fn reports_every_bad_row_with_line_and_reason() {
        let mut csv = "code,name,level,kind,parent_code\n\
                    01,Tỉnh Một,province,Tỉnh,\n\
                    ,Xã Không Mã,commune,Xã,001\n\
                    00002,,commune,Xã,001\n\
                    00003,Xã Ba,ward,Xã,001\n\
                    00004,Xã Bốn,commune,Xã\n\
                    00005,Xã Năm,commune,Xã,001,extra\n"
            .as_bytes()
            .to_vec();
        csv.extend_from_slice(b"00006,X\xE3 S\xE1u,commune,X\xC3\xA3,001\n");
        csv.extend_from_slice(",,hamlet,Thôn,\n".as_bytes());
        let errs = parse_units_csv(&csv).unwrap_err();
        let got: Vec<(usize, Option<&str>)> =
            errs.iter().map(|e| (e.line, e.field.as_deref())).collect();
        assert_eq!(
            got,
            vec![
                (3, Some("code")),
                (4, Some("name")),
                (5, Some("level")),
                (6, None),
                (7, None),
                (8, Some("name")),
                (9, Some("code")),
                (9, Some("name")),
            ],
            "{errs:#?}"
        );
        assert!(
            errs[2].message.contains("unknown level \"ward\""),
            "{}",
            errs[2]
        );
        assert!(
            errs[3].message.contains("4 fields, but the header has 5"),
            "{}",
            errs[3]
        );
        assert!(errs[4].message.contains("6 fields"), "{}", errs[4]);
        assert!(errs[5].message.contains("UTF-8"), "{}", errs[5]);
        assert_eq!(
            errs[2].to_string(),
            "line 5, column level: unknown level \"ward\" (expected province, district, commune or hamlet)"
        );
    }

    #[test]
    fn missing_header_columns_fail_the_whole_file() {
        let errs = parse_units_csv("code,name,kind\n01,Tỉnh Một,Tỉnh\n".as_bytes()).unwrap_err();
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(errs.iter().all(|e| e.line == 1));
        assert_eq!(errs[0].field.as_deref(), Some("level"));
        assert_eq!(errs[1].field.as_deref(), Some("parent_code"));
        assert!(errs[1].message.contains("missing column \"parent_code\""));

        let errs = parse_units_csv(b"").unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line, 0);
        let errs =
            parse_units_csv("code,code,name,level,kind,parent_code\n".as_bytes()).unwrap_err();
        assert!(errs[0].message.contains("more than once"), "{errs:?}");
        // A header alone is an empty but valid list.
        assert_eq!(
            parse_units_csv(b"code,name,level,kind,parent_code\n").unwrap(),
            vec![]
        );
    }

    #[test]
    fn parses_mapping_rows_and_reports_bad_ones() {
        let csv = "old_commune_code,new_commune_code,old_commune_name,new_commune_name,old_district_code,old_province_code,new_province_code,merge_type,note_vi\n\
                   00001,00097,Phường Phúc Xá,Phường Hồng Hà,001,01,01,whole,Nhập toàn bộ\n\
                   ,11948,,Đặc khu Bạch Long Vĩ,318,31,31,district_to_special_zone,Sắp xếp\n\
                   ,14698,,Xã Kim Đông,376,37,37,other,Nhập toàn bộ\n\
                   00007,00008,a,b,001,01,01,merged,x\n\
                   ,00008,a,b,001,01,01,partial,x\n\
                   00009,,a,b,001,01,01,whole,x\n\
                   ,00010,,b,,01,01,district_to_special_zone,x\n";
        let errs = parse_mapping_csv(csv.as_bytes()).unwrap_err();
        let got: Vec<(usize, Option<&str>)> =
            errs.iter().map(|e| (e.line, e.field.as_deref())).collect();
        assert_eq!(
            got,
            vec![
                (5, Some("merge_type")),
                (6, Some("old_commune_code")),
                (7, Some("new_commune_code")),
                (8, Some("old_district_code"))
            ],
            "{errs:#?}"
        );
        assert!(errs[0].message.contains("unknown merge_type \"merged\""));

        let good: String = csv.lines().take(4).collect::<Vec<_>>().join("\n");
        let rows = parse_mapping_csv(good.as_bytes()).unwrap();
        assert_eq!(
            rows[0],
            mrow(
                2,
                ["00001", "00097", "001", "01", "01", "whole", "Nhập toàn bộ"]
            )
        );
        assert_eq!(rows[1].old_commune_code, None);
        assert_eq!(rows[1].old_district_code.as_deref(), Some("318"));
        assert_eq!(rows[1].lineage_kind(), Some(LineageKind::Reorganize));
        assert_eq!(rows[2].lineage_kind(), None);
        // The name columns are optional.
        let short = "old_commune_code,new_commune_code,old_district_code,old_province_code,new_province_code,merge_type,note_vi\n\
                     00001,00097,001,01,01,partial,Nhập một phần\n";
        assert_eq!(
            parse_mapping_csv(short.as_bytes()).unwrap()[0].lineage_kind(),
            Some(LineageKind::Split)
        );
    }

    #[test]
    fn regions_are_keyed_by_code_and_name() {
        let csv = "code,name,region\n80,Tỉnh Long An,DBSCL\n80,Tỉnh Tây Ninh,DNB\n46,Tỉnh Thừa Thiên Huế,BTB\n";
        let t = parse_regions_csv(csv.as_bytes()).unwrap();
        assert_eq!(t.region_of("80", "Tỉnh Long An"), Some(Region::DBSCL));
        assert_eq!(t.region_of("80", "tinh tay  ninh"), Some(Region::DNB));
        assert_eq!(t.region_of("80", "Tỉnh Bến Tre"), None);
        let bad = "code,name,region\n80,Tỉnh Long An,MEKONG\n,Tỉnh X,DNB\n80,Tỉnh Long An,DNB\n80,Tỉnh Long An,DBSCL\n";
        let errs = parse_regions_csv(bad.as_bytes()).unwrap_err();
        let got: Vec<usize> = errs.iter().map(|e| e.line).collect();
        assert_eq!(got, vec![2, 3, 5], "{errs:#?}");
        assert!(errs[0].message.contains("unknown region \"MEKONG\""));
        assert!(
            errs[2]
                .message
                .contains("already given region DNB on line 4"),
            "{}",
            errs[2]
        );
    }

    #[test]
    fn bundled_regions_file_parses() {
        let t = parse_regions_csv(include_bytes!("../../../data/admin-units/regions.csv")).unwrap();
        assert_eq!(t.region_of("84", "Tỉnh Trà Vinh"), Some(Region::DBSCL));
        assert_eq!(t.region_of("04", "Tỉnh Cao Bằng"), Some(Region::TDMNPB));
    }

    // ---- validation ----------------------------------------------------------------

    fn messages(errs: &[RowError]) -> Vec<(usize, String)> {
        errs.iter().map(|e| (e.line, e.message.clone())).collect()
    }

    #[test]
    fn a_consistent_file_validates() {
        assert_eq!(validate_rows(&rows(BASE), &|_| None), vec![]);
        // Kinds compare case-insensitively; communes may hang under provinces (2025).
        let r = rows(
            "01|Tỉnh Một|province|tỉnh|\n00001|Xã Một|commune|XÃ|01\nT-01.a|Thôn Một|hamlet|thôn|00001",
        );
        assert_eq!(validate_rows(&r, &|_| None), vec![]);
    }

    #[test]
    fn validation_reports_each_problem() {
        let r = rows(
            "01|Tỉnh Một|province|Tỉnh|
             001|Huyện A|district|Huyện|01
             001|Huyện A bis|district|Huyện|01
             00001|Xã Một|commune|Xã|842
             00002|Xã Hai|commune|Xã|00001
             1|Xã Ba|commune|Xã|001
             00004|Xã Bốn|commune|Làng|001
             02|Tỉnh Hai|province|Tỉnh|01
             003|Huyện C|district|Huyện|
             h 1|Thôn|hamlet|Thôn|00004",
        );
        let errs = validate_rows(&r, &|_| None);
        let m = messages(&errs);
        let want: Vec<(usize, &str)> = vec![
            (4, "duplicate code \"001\" (first on line 3)"),
            (
                5,
                "unknown parent code \"842\" (not in this file nor in the database)",
            ),
            (
                6,
                "parent \"00001\" is a commune (on line 5); a commune must be under a district or a province",
            ),
            (
                7,
                "code \"1\" is not a valid commune code (5 digits, e.g. 28756)",
            ),
            (
                8,
                "kind \"Làng\" is not allowed for a commune (allowed: Xã, Phường, Thị trấn, Đặc khu)",
            ),
            (
                9,
                "a province must not have a parent (parent_code is \"01\")",
            ),
            (
                10,
                "parent_code is empty: a district must be under a province",
            ),
            (
                11,
                "code \"h 1\" is not a valid hamlet code (1 to 32 letters, digits, '-', '.' or '_', e.g. 28756-01)",
            ),
        ];
        assert_eq!(m.len(), want.len(), "{m:#?}");
        for ((line, msg), (wl, wm)) in m.iter().zip(&want) {
            assert_eq!((line, msg.as_str()), (wl, *wm));
        }
        assert_eq!(errs[1].field.as_deref(), Some("parent_code"));
        assert_eq!(errs[4].field.as_deref(), Some("kind"));
    }

    #[test]
    fn parents_in_the_database_count_with_their_level() {
        let r = rows(
            "28756|Xã Tân An|commune|Xã|842\n28757|Xã Tân Bình|commune|Xã|28000\n28756-01|Ấp 1|hamlet|Ấp|28756\nX1|Ấp 2|hamlet|Ấp|842",
        );
        let known = |c: &str| match c {
            "842" => Some(Level::District),
            "28000" => Some(Level::Commune),
            _ => None,
        };
        let m = messages(&validate_rows(&r, &known));
        assert_eq!(
            m,
            vec![
                (3, "parent \"28000\" is a commune (in the database); a commune must be under a district or a province".to_string()),
                (5, "parent \"842\" is a district (in the database); a hamlet must be under a commune".to_string()),
            ]
        );
    }

    #[test]
    fn cycles_are_reported_once_per_row() {
        let r = rows(
            "00001|Xã A|commune|Xã|00002
             00002|Xã B|commune|Xã|00001
             00003|Xã C|commune|Xã|00003
             00004|Xã D|commune|Xã|00001",
        );
        let errs = validate_rows(&r, &|_| None);
        let cycles: Vec<(usize, String)> = messages(&errs)
            .into_iter()
            .filter(|(_, m)| m.contains("cycle"))
            .collect();
        assert_eq!(
            cycles,
            vec![
                (
                    2,
                    "parent links form a cycle: \"00001\" → \"00002\" → \"00001\"".to_string()
                ),
                (
                    3,
                    "parent links form a cycle: \"00002\" → \"00001\" → \"00002\"".to_string()
                ),
                (
                    4,
                    "parent links form a cycle: \"00003\" → \"00003\"".to_string()
                ),
            ]
        );
        // 00004 hangs under the cycle but is not part of it: only its level is wrong.
        assert!(
            errs.iter()
                .any(|e| e.line == 5 && e.message.contains("is a commune"))
        );
    }

    #[test]
    fn plan_refuses_invalid_rows() {
        let r = rows("00001|Xã A|commune|Xã|999");
        let err = plan_snapshot(
            &[],
            &r,
            date!(2025 - 07 - 01),
            true,
            None,
            &regions(),
            &mut counter(),
        )
        .unwrap_err();
        assert_eq!(
            err[0].message,
            "unknown parent code \"999\" (not in this file nor in the database)"
        );
    }

    // ---- planning ------------------------------------------------------------------

    #[test]
    fn first_snapshot_opens_everything_with_unknown_start() {
        let mut s = Store::new();
        let plan = s.step(&rows(BASE), date!(2023 - 05 - 07), true, None, &regions());
        assert_eq!(plan.open.len(), 10);
        assert!(plan.close.is_empty() && plan.lineage.is_empty() && plan.warnings.is_empty());
        assert_eq!(plan.unchanged, 0);
        assert!(
            plan.open
                .iter()
                .all(|u| u.valid_from.is_none() && u.valid_to.is_none())
        );
        let c = s.open_one(Level::Commune, "00004");
        assert_eq!(c.path, "/02/003/00004/");
        assert_eq!(c.province_code, "02");
        assert_eq!(c.region, Some(Region::TDMNPB));
        assert_eq!(c.search_key, "xa bon");
        assert_eq!(s.open_one(Level::Province, "01").path, "/01/");
        assert_eq!(
            s.open_one(Level::District, "001").region,
            Some(Region::DBSH)
        );
        // Valid on any date before (start unknown).
        assert_eq!(s.count_on(date!(1990 - 01 - 01), Level::Commune), 5);
    }

    #[test]
    fn rename_removal_and_idempotency() {
        let mut s = Store::new();
        s.step(&rows(BASE), date!(2023 - 05 - 07), true, None, &regions());
        let before = s.units.clone();
        let next = BASE
            .replace(
                "00002|Xã Hai|commune|Xã|001",
                "00002|Phường Hai|commune|Phường|001",
            )
            .replace("00005|Xã Năm|commune|Xã|003\n", "");
        let d = date!(2024 - 03 - 01);
        let plan = s.step(&rows(&next), d, false, None, &regions());
        assert_eq!(
            closes(&plan, &before),
            vec![
                (Level::Commune, "00002".into()),
                (Level::Commune, "00005".into())
            ]
        );
        assert_eq!(opens(&plan), vec![(Level::Commune, "00002".into())]);
        assert_eq!(plan.unchanged, 8);
        assert!(plan.lineage.is_empty(), "no lineage without a mapping");
        assert!(plan.close.iter().all(|(_, to)| *to == d));
        let renamed = s.open_one(Level::Commune, "00002");
        assert_eq!(
            (renamed.name.as_str(), renamed.valid_from),
            ("Phường Hai", Some(d))
        );
        assert_eq!(renamed.search_key, "phuong hai");
        // History: the old name on the day before, the new one on the day.
        let on = |day: Date| {
            s.units
                .iter()
                .find(|u| u.code == "00002" && u.is_valid_on(day))
                .unwrap()
                .name
                .clone()
        };
        assert_eq!(on(date!(2024 - 02 - 29)), "Xã Hai");
        assert_eq!(on(d), "Phường Hai");
        assert_eq!(s.count_on(d, Level::Commune), 4);

        // Applying the same list again changes nothing.
        let again = s.plan(&rows(&next), d, false, None, &regions());
        assert!(again.is_empty(), "{again:#?}");
        assert_eq!(again.unchanged, 9);
        assert!(again.warnings.is_empty());
    }

    #[test]
    fn kinds_are_stored_in_their_official_spelling() {
        let mut s = Store::new();
        s.step(&rows(BASE), date!(2023 - 05 - 07), true, None, &regions());
        let shouting = BASE
            .replace("|Xã|", "|XÃ|")
            .replace("|Thị trấn|", "|thị TRẤN|");
        assert!(
            s.plan(
                &rows(&shouting),
                date!(2024 - 01 - 01),
                false,
                None,
                &regions()
            )
            .is_empty()
        );
        let mut t = Store::new();
        t.step(
            &rows(&shouting),
            date!(2023 - 05 - 07),
            true,
            None,
            &regions(),
        );
        assert_eq!(t.open_one(Level::Commune, "00003").kind, "Thị trấn");
        assert_eq!(
            canonical_kind(Level::Hamlet, " tổ DÂN phố "),
            Some("Tổ dân phố")
        );
        assert_eq!(canonical_kind(Level::Commune, "Thôn"), None);
    }

    #[test]
    fn a_moved_district_reopens_its_communes_with_new_paths() {
        let mut s = Store::new();
        s.step(&rows(BASE), date!(2023 - 05 - 07), true, None, &regions());
        let moved = BASE.replace(
            "002|Huyện B|district|Huyện|01",
            "002|Huyện B|district|Huyện|02",
        );
        let plan = s.step(
            &rows(&moved),
            date!(2024 - 01 - 01),
            false,
            None,
            &regions(),
        );
        assert_eq!(
            opens(&plan),
            vec![
                (Level::District, "002".into()),
                (Level::Commune, "00003".into())
            ]
        );
        let c = s.open_one(Level::Commune, "00003");
        assert_eq!(
            (c.path.as_str(), c.province_code.as_str(), c.region),
            ("/02/002/00003/", "02", Some(Region::TDMNPB))
        );
        assert!(
            s.plan(
                &rows(&moved),
                date!(2024 - 01 - 01),
                false,
                None,
                &regions()
            )
            .is_empty()
        );
    }

    #[test]
    fn an_out_of_scope_province_is_untouched() {
        let mut s = Store::new();
        s.step(&rows(BASE), date!(2023 - 05 - 07), true, None, &regions());
        // Province 02 sends its own list only: 00005 is gone, 00006 is new.
        let only_02 = rows(
            "02|Tỉnh Hai|province|Tỉnh|
             003|Huyện C|district|Huyện|02
             00004|Xã Bốn|commune|Xã|003
             00006|Xã Sáu|commune|Xã|003",
        );
        let before = s.units.clone();
        let plan = s.step(&only_02, date!(2024 - 01 - 01), false, None, &regions());
        assert_eq!(
            closes(&plan, &before),
            vec![(Level::Commune, "00005".into())]
        );
        assert_eq!(opens(&plan), vec![(Level::Commune, "00006".into())]);
        assert_eq!(plan.unchanged, 3);
        assert_eq!(
            s.units
                .iter()
                .filter(|u| u.province_code == "01" && u.valid_to.is_none())
                .count(),
            6
        );
        // A commune-only file covers no province: it only adds or changes its rows.
        let one = rows("00007|Xã Bảy|commune|Xã|001");
        let plan = s.step(&one, date!(2024 - 02 - 01), false, None, &regions());
        assert!(plan.close.is_empty());
        assert_eq!(s.open_one(Level::Commune, "00007").path, "/01/001/00007/");
        assert_eq!(
            s.open_one(Level::Commune, "00007").region,
            Some(Region::DBSH)
        );
    }

    #[test]
    fn a_row_cannot_hang_under_a_unit_the_same_file_closes() {
        let mut s = Store::new();
        s.step(&rows(BASE), date!(2023 - 05 - 07), true, None, &regions());
        // Province 01 without its district 001, but with a commune still under 001.
        let r = rows("01|Tỉnh Một|province|Tỉnh|\n00001|Xã Một|commune|Xã|001");
        let err = plan_snapshot(
            &s.open(),
            &r,
            date!(2024 - 01 - 01),
            false,
            None,
            &regions(),
            &mut counter(),
        )
        .unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!(err[0].line, 3);
        assert!(err[0].message.contains("this file closes it"), "{}", err[0]);
    }

    #[test]
    fn snapshots_cannot_close_records_before_they_start() {
        let mut s = Store::new();
        s.step(&rows(BASE), date!(2024 - 05 - 07), false, None, &regions());
        let next = BASE.replace("00005|Xã Năm|commune|Xã|003\n", "");
        let err = plan_snapshot(
            &s.open(),
            &rows(&next),
            date!(2024 - 01 - 01),
            false,
            None,
            &regions(),
            &mut counter(),
        )
        .unwrap_err();
        assert!(
            err[0]
                .message
                .contains("valid from 2024-05-07, after the snapshot date 2024-01-01"),
            "{err:?}"
        );
    }

    /// Hamlets under the base communes.
    fn with_hamlets(s: &mut Store) {
        let h = rows(
            "00001-01|Thôn Đông|hamlet|Thôn|00001
             00002-01|Thôn Tây|hamlet|Thôn|00002
             00004-01|Ấp Một|hamlet|Ấp|00004",
        );
        let plan = s.step(&h, date!(2023 - 06 - 01), false, None, &regions());
        assert_eq!(plan.open.len(), 3);
        assert!(plan.close.is_empty());
        assert_eq!(
            s.open_one(Level::Hamlet, "00004-01").path,
            "/02/003/00004/00004-01/"
        );
    }

    /// The reform: province 02 merges into 01 (which keeps its code and name), districts
    /// disappear, communes hang under the province.
    const REFORM: &str = "
        01|Tỉnh Một|province|Tỉnh|
        00001|Xã Một|commune|Xã|01
        00003|Phường Ba|commune|Phường|01
        00004|Xã Bốn Năm|commune|Xã|01
    ";

    fn reform_mapping() -> Vec<MappingRow> {
        vec![
            mrow(
                2,
                ["00001", "00001", "001", "01", "01", "whole", "Nhập toàn bộ"],
            ),
            mrow(
                3,
                [
                    "00002",
                    "00001",
                    "001",
                    "01",
                    "01",
                    "partial",
                    "Nhập một phần",
                ],
            ),
            mrow(
                4,
                [
                    "00002",
                    "00003",
                    "001",
                    "01",
                    "01",
                    "partial",
                    "Nhập một phần",
                ],
            ),
            mrow(
                5,
                [
                    "00003",
                    "00003",
                    "002",
                    "01",
                    "01",
                    "renamed_or_retyped",
                    "Đổi loại hình",
                ],
            ),
            mrow(
                6,
                ["00004", "00004", "003", "02", "01", "whole", "Nhập toàn bộ"],
            ),
            mrow(
                7,
                ["00005", "00004", "003", "02", "01", "whole", "Nhập toàn bộ"],
            ),
            mrow(8, ["", "00004", "003", "02", "01", "other", "Nhập bãi bồi"]),
        ]
    }

    #[test]
    fn a_merge_with_mapping_gives_lineage_and_reopens_the_province() {
        let mut s = Store::new();
        s.step(&rows(BASE), date!(2023 - 05 - 07), true, None, &regions());
        with_hamlets(&mut s);
        let before = s.units.clone();
        let d = date!(2025 - 07 - 01);
        let mapping = reform_mapping();
        let plan = s.step(&rows(REFORM), d, false, Some(&mapping), &regions());

        // Everything of both old provinces closes (province 02 is in scope through the
        // mapping), including 01 itself: its predecessors are {01, 02}.
        let mut want_closed: Vec<(Level, String)> = before
            .iter()
            .filter(|u| u.level != Level::Hamlet)
            .map(|u| (u.level, u.code.clone()))
            .collect();
        want_closed.extend([
            (Level::Hamlet, "00001-01".into()),
            (Level::Hamlet, "00002-01".into()),
            (Level::Hamlet, "00004-01".into()),
        ]);
        want_closed.sort();
        assert_eq!(closes(&plan, &before), want_closed);
        assert_eq!(plan.unchanged, 0);
        let p01 = s.open_one(Level::Province, "01");
        assert_eq!((p01.valid_from, p01.name.as_str()), (Some(d), "Tỉnh Một"));
        assert_eq!(s.open_one(Level::Commune, "00003").path, "/01/00003/");

        // Lineage, named by the codes of the records on both sides.
        let name = |id: Uuid| {
            let u = s.by_id(id);
            format!(
                "{}{}",
                u.code,
                if u.valid_to.is_some() { "(old)" } else { "" }
            )
        };
        let got: Vec<(String, String, LineageKind, &str)> = plan
            .lineage
            .iter()
            .map(|l| (name(l.from_unit), name(l.to_unit), l.kind, l.note.as_str()))
            .collect();
        let want: Vec<(&str, &str, LineageKind, &str)> = vec![
            ("00001(old)", "00001", LineageKind::Merge, "Nhập toàn bộ"),
            ("00002(old)", "00001", LineageKind::Split, "Nhập một phần"),
            ("00002(old)", "00003", LineageKind::Split, "Nhập một phần"),
            ("00003(old)", "00003", LineageKind::Rename, "Đổi loại hình"),
            ("00004(old)", "00004", LineageKind::Merge, "Nhập toàn bộ"),
            ("00005(old)", "00004", LineageKind::Merge, "Nhập toàn bộ"),
            ("01(old)", "01", LineageKind::Merge, "Nhập toàn bộ"),
            ("02(old)", "01", LineageKind::Merge, "Nhập toàn bộ"),
            (
                "00001-01(old)",
                "00001-01",
                LineageKind::Unchanged,
                "theo xã mới",
            ),
            (
                "00004-01(old)",
                "00004-01",
                LineageKind::Unchanged,
                "theo xã mới",
            ),
        ];
        let want: Vec<(String, String, LineageKind, &str)> = want
            .into_iter()
            .map(|(a, b, k, n)| (a.to_string(), b.to_string(), k, n))
            .collect();
        assert_eq!(got, want);
        assert!(plan.lineage.iter().all(|l| l.effective == d));

        // The hamlet of a whole merge follows; the hamlet of the split commune is closed.
        let h = s.open_one(Level::Hamlet, "00004-01");
        assert_eq!(
            (
                h.path.as_str(),
                h.parent_code.as_deref(),
                h.province_code.as_str()
            ),
            ("/01/00004/00004-01/", Some("00004"), "01")
        );
        assert_eq!(
            (h.name.as_str(), h.kind.as_str(), h.valid_from),
            ("Ấp Một", "Ấp", Some(d))
        );
        assert!(
            s.units
                .iter()
                .all(|u| u.code != "00002-01" || u.valid_to == Some(d))
        );
        let w = plan.warnings.join("\n");
        assert!(w.contains("hamlet 00002-01 \"Thôn Tây\" closed: its commune 00002 \"Xã Hai\" is closed and the mapping splits it among 2 new communes (00001, 00003)"), "{w}");
        assert!(w.contains("mapping line 8: merge_type \"other\""), "{w}");
        assert_eq!(plan.warnings.len(), 2, "{w}");

        // Applying the reform again: nothing to do, no noise.
        let again = s.plan(&rows(REFORM), d, false, Some(&mapping), &regions());
        assert!(again.is_empty(), "{again:#?}");
        assert_eq!(again.unchanged, 4);
        assert!(again.warnings.is_empty(), "{:?}", again.warnings);
    }

    #[test]
    fn a_province_keeping_its_predecessor_continues() {
        let mut s = Store::new();
        s.step(&rows(BASE), date!(2023 - 05 - 07), true, None, &regions());
        // Only province 02 reorganizes its communes; its predecessors are {02}.
        let r = rows("02|Tỉnh Hai|province|Tỉnh|\n00004|Xã Bốn|commune|Xã|02");
        let m = vec![
            mrow(
                2,
                [
                    "00004",
                    "00004",
                    "003",
                    "02",
                    "02",
                    "unchanged",
                    "Giữ nguyên",
                ],
            ),
            mrow(
                3,
                ["00005", "00004", "003", "02", "02", "whole", "Nhập toàn bộ"],
            ),
        ];
        let before = s.units.clone();
        let plan = s.step(&r, date!(2025 - 07 - 01), false, Some(&m), &regions());
        assert_eq!(plan.unchanged, 1);
        assert_eq!(
            closes(&plan, &before),
            vec![
                (Level::District, "003".into()),
                (Level::Commune, "00004".into()),
                (Level::Commune, "00005".into())
            ]
        );
        let kinds: Vec<LineageKind> = plan.lineage.iter().map(|l| l.kind).collect();
        assert_eq!(kinds, vec![LineageKind::Unchanged, LineageKind::Merge]);
        assert_eq!(
            s.units
                .iter()
                .filter(|u| u.province_code == "01" && u.valid_to.is_none())
                .count(),
            6
        );
    }

    #[test]
    fn hamlets_follow_a_renamed_commune_without_mapping_only_when_needed() {
        let mut s = Store::new();
        s.step(&rows(BASE), date!(2023 - 05 - 07), true, None, &regions());
        with_hamlets(&mut s);
        // Renamed, same place: the hamlet keeps its record.
        let renamed = BASE.replace(
            "00004|Xã Bốn|commune|Xã|003",
            "00004|Phường Bốn|commune|Phường|003",
        );
        let plan = s.step(
            &rows(&renamed),
            date!(2024 - 01 - 01),
            false,
            None,
            &regions(),
        );
        assert_eq!(opens(&plan), vec![(Level::Commune, "00004".into())]);
        assert!(plan.warnings.is_empty());
        // Moved under another district: the hamlet follows with a new path.
        let moved = renamed.replace(
            "00004|Phường Bốn|commune|Phường|003",
            "00004|Phường Bốn|commune|Phường|002",
        );
        let plan = s.step(
            &rows(&moved),
            date!(2024 - 06 - 01),
            false,
            None,
            &regions(),
        );
        assert_eq!(
            opens(&plan),
            vec![
                (Level::Commune, "00004".into()),
                (Level::Hamlet, "00004-01".into())
            ]
        );
        assert_eq!(
            s.open_one(Level::Hamlet, "00004-01").path,
            "/01/002/00004/00004-01/"
        );
        assert_eq!(plan.lineage.len(), 1);
        // Removed: its hamlet closes with a warning.
        let removed = moved.replace("00001|Xã Một|commune|Xã|001\n", "");
        let plan = s.step(
            &rows(&removed),
            date!(2024 - 09 - 01),
            false,
            None,
            &regions(),
        );
        assert_eq!(plan.close.len(), 2);
        assert!(plan.warnings[0].contains("hamlet 00001-01 \"Thôn Đông\" closed: its commune 00001 \"Xã Một\" is closed and it has no successor in this snapshot"), "{:?}", plan.warnings);
    }

    #[test]
    fn a_wrong_old_province_in_the_mapping_is_corrected_and_reported() {
        let mut s = Store::new();
        s.step(&rows(BASE), date!(2023 - 05 - 07), true, None, &regions());
        let mut m = reform_mapping();
        m[5].old_province_code = Some("01".into()); // 00005 really lies in 02
        let plan = s.step(
            &rows(REFORM),
            date!(2025 - 07 - 01),
            false,
            Some(&m),
            &regions(),
        );
        assert!(
            plan.warnings.iter().any(|w| w.contains(
                "mapping line 7: old commune \"00005\" (Xã Năm) lies in province 02, not 01"
            )),
            "{:?}",
            plan.warnings
        );
        assert_eq!(
            plan.lineage
                .iter()
                .filter(|l| l.kind == LineageKind::Merge)
                .count(),
            5
        );
    }

    // ---- property tests ------------------------------------------------------------

    const NAMES: [&str; 3] = ["An", "Bình", "Cát"];

    /// A generated list over small code pools: provinces 01–03 always present, districts
    /// 001–006 and communes 00001–00012 optional, communes under a district or (2025
    /// style) a province, and optional hamlets.
    #[derive(Debug, Clone)]
    struct World {
        provinces: Vec<(usize, usize)>,
        districts: Vec<Option<(usize, usize, usize)>>,
        communes: Vec<Option<(usize, usize, usize)>>,
        hamlets: Vec<Option<(usize, usize)>>,
    }

    fn world(hamlets: usize) -> impl Strategy<Value = World> {
        (
            prop::collection::vec((0..3usize, 0..2usize), 3),
            prop::collection::vec(prop::option::of((0..3usize, 0..3usize, 0..4usize)), 6),
            prop::collection::vec(prop::option::of((0..9usize, 0..3usize, 0..4usize)), 12),
            prop::collection::vec(prop::option::of((0..12usize, 0..3usize)), hamlets),
        )
            .prop_map(|(provinces, districts, communes, hamlets)| World {
                provinces,
                districts,
                communes,
                hamlets,
            })
    }

    impl World {
        fn commune_parent(&self, c: usize) -> Option<String> {
            let (p, _, _) = self.communes[c]?;
            Some(if p < 6 && self.districts[p].is_some() {
                format!("{:03}", p + 1)
            } else {
                format!("{:02}", p % 3 + 1)
            })
        }
        fn province_of_commune(&self, c: usize) -> String {
            match self.communes[c] {
                Some((p, _, _)) if p < 6 && self.districts[p].is_some() => {
                    format!("{:02}", self.districts[p].unwrap().0 + 1)
                }
                Some((p, _, _)) => format!("{:02}", p % 3 + 1),
                None => "01".into(),
            }
        }
        fn rows(&self) -> Vec<UnitRow> {
            let mut out = Vec::new();
            let mut line = 1;
            let mut push =
                |code: String, name: String, level: Level, kind: &str, parent: Option<String>| {
                    line += 1;
                    out.push(UnitRow {
                        line,
                        code,
                        name,
                        level,
                        kind: kind.into(),
                        parent_code: parent,
                    });
                };
            for (i, (n, k)) in self.provinces.iter().enumerate() {
                push(
                    format!("{:02}", i + 1),
                    format!("Tỉnh {}", NAMES[*n]),
                    Level::Province,
                    PROVINCE_KINDS[*k],
                    None,
                );
            }
            for (i, d) in self.districts.iter().enumerate() {
                if let Some((p, n, k)) = d {
                    push(
                        format!("{:03}", i + 1),
                        format!("Huyện {}", NAMES[*n]),
                        Level::District,
                        DISTRICT_KINDS[*k],
                        Some(format!("{:02}", p + 1)),
                    );
                }
            }
            for (i, c) in self.communes.iter().enumerate() {
                if let Some((_, n, k)) = c {
                    push(
                        format!("{:05}", i + 1),
                        format!("Xã {}", NAMES[*n]),
                        Level::Commune,
                        COMMUNE_KINDS[*k],
                        self.commune_parent(i),
                    );
                }
            }
            for (i, h) in self.hamlets.iter().enumerate() {
                if let Some((c, n)) = h
                    && self.communes[*c].is_some()
                {
                    push(
                        format!("H{i}"),
                        format!("Thôn {}", NAMES[*n]),
                        Level::Hamlet,
                        "Thôn",
                        Some(format!("{:05}", c + 1)),
                    );
                }
            }
            out
        }
    }

    fn mapping_for(a: &World, b: &World, pairs: &[(usize, usize, usize)]) -> Vec<MappingRow> {
        let types = [
            "whole",
            "partial",
            "unchanged",
            "renamed_or_retyped",
            "other",
            "district_to_special_zone",
        ];
        pairs
            .iter()
            .enumerate()
            .map(|(i, &(o, n, t))| {
                let old = if t >= 4 {
                    String::new()
                } else {
                    format!("{:05}", o + 1)
                };
                mrow(
                    i + 2,
                    [
                        &old,
                        &format!("{:05}", n + 1),
                        &format!("{:03}", o % 6 + 1),
                        &a.province_of_commune(o),
                        &b.province_of_commune(n),
                        types[t],
                        "ghi chú",
                    ],
                )
            })
            .collect()
    }

    /// Invariants of the stored records after applying `rows` (which list every province).
    fn check_state(s: &Store, rows: &[UnitRow]) -> Result<(), TestCaseError> {
        let open = s.open();
        let non_hamlet: Vec<&Unit> = open.iter().filter(|u| u.level != Level::Hamlet).collect();
        let listed = rows.iter().filter(|r| r.level != Level::Hamlet).count();
        prop_assert_eq!(
            non_hamlet.len(),
            listed,
            "open records are exactly the listed units"
        );
        for r in rows {
            let u: Vec<&Unit> = open
                .iter()
                .filter(|u| u.level == r.level && u.code == r.code)
                .collect();
            prop_assert_eq!(u.len(), 1);
            prop_assert_eq!(
                (&u[0].name, &u[0].kind, &u[0].parent_code),
                (&r.name, &r.kind, &r.parent_code)
            );
        }
        for u in &open {
            match u.parent_code.as_deref() {
                None => prop_assert_eq!(&u.path, &format!("/{}/", u.code)),
                Some(p) => {
                    let parent = open
                        .iter()
                        .find(|x| x.code == p && parent_fits(u.level, x.level));
                    prop_assert!(parent.is_some(), "open {} has no open parent {}", u.code, p);
                    let parent = parent.unwrap();
                    prop_assert_eq!(&u.path, &format!("{}{}/", parent.path, u.code));
                    prop_assert_eq!(&u.province_code, &parent.province_code);
                }
            }
        }
        let ids: HashSet<Uuid> = s.units.iter().map(|u| u.id).collect();
        prop_assert_eq!(ids.len(), s.units.len(), "ids are unique");
        for l in &s.lineage {
            prop_assert!(ids.contains(&l.from_unit) && ids.contains(&l.to_unit));
            prop_assert!(
                s.by_id(l.to_unit).valid_from == Some(l.effective)
                    || s.by_id(l.from_unit).valid_to == Some(l.effective)
            );
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn applying_a_snapshot_twice_changes_nothing_the_second_time(
            a in world(4),
            b in world(0),
            c in world(0),
            pairs in prop::collection::vec((0..12usize, 0..12usize, 0..6usize), 0..10),
            pairs_c in prop::collection::vec((0..12usize, 0..12usize, 0..6usize), 0..10),
            open_start in any::<bool>(),
            use_mapping in any::<bool>(),
        ) {
            let regions = regions();
            let mut s = Store::new();
            let ra = a.rows();
            let plan = s.step(&ra, date!(2023 - 01 - 01), open_start, None, &regions);
            prop_assert_eq!(plan.open.len(), ra.len());
            check_state(&s, &ra)?;
            prop_assert!(s.plan(&ra, date!(2023 - 01 - 01), open_start, None, &regions).is_empty());

            let rb = b.rows();
            let mapping = mapping_for(&a, &b, &pairs);
            let m = use_mapping.then_some(mapping.as_slice());
            let d = date!(2025 - 07 - 01);
            let first = s.step(&rb, d, false, m, &regions);
            prop_assert_eq!(first.open.iter().filter(|u| u.level != Level::Hamlet).count() + first.unchanged, rb.len());
            check_state(&s, &rb)?;
            let second = s.plan(&rb, d, false, m, &regions);
            prop_assert!(second.is_empty(), "{:#?}", second);
            prop_assert_eq!(second.unchanged, rb.len());

            // And once more, later, with its own mapping.
            let rc = c.rows();
            let mapping_c = mapping_for(&b, &c, &pairs_c);
            let m = use_mapping.then_some(mapping_c.as_slice());
            let d = date!(2026 - 01 - 01);
            s.step(&rc, d, false, m, &regions);
            check_state(&s, &rc)?;
            let second = s.plan(&rc, d, false, m, &regions);
            prop_assert!(second.is_empty(), "{:#?}", second);
        }

        #[test]
        fn parsing_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
            let _ = parse_units_csv(&bytes);
            let _ = parse_mapping_csv(&bytes);
            let _ = parse_regions_csv(&bytes);
        }

        #[test]
        fn parsing_round_trips_generated_rows(w in world(4)) {
            let rows = w.rows();
            let mut csv = String::from("code,name,level,kind,parent_code\n");
            for r in &rows {
                csv.push_str(&format!("{},{},{},{},{}\n", r.code, r.name, r.level.as_str(), r.kind, r.parent_code.clone().unwrap_or_default()));
            }
            prop_assert_eq!(parse_units_csv(csv.as_bytes()).unwrap(), rows.clone());
            prop_assert_eq!(validate_rows(&rows, &|_| None), vec![]);
        }
    }

    // ---- the real lists ------------------------------------------------------------

    #[test]
    fn real_lists_2023_to_2025() {
        use std::time::Instant;
        let t = Instant::now();
        let u2023 =
            parse_units_csv(include_bytes!("../../../data/admin-units/units-2023.csv")).unwrap();
        let u2025_06 = parse_units_csv(include_bytes!(
            "../../../data/admin-units/units-2025-06.csv"
        ))
        .unwrap();
        let u2025 =
            parse_units_csv(include_bytes!("../../../data/admin-units/units-2025.csv")).unwrap();
        let mapping =
            parse_mapping_csv(include_bytes!("../../../data/admin-units/mapping-2025.csv"))
                .unwrap();
        let regions =
            parse_regions_csv(include_bytes!("../../../data/admin-units/regions.csv")).unwrap();
        eprintln!("parse all files: {:?}", t.elapsed());
        assert_eq!(
            (u2023.len(), u2025_06.len(), u2025.len(), mapping.len()),
            (11_366, 10_794, 3_355, 10_571)
        );
        let count = |t: &str| mapping.iter().filter(|m| m.merge_type == t).count();
        assert_eq!(
            [
                count("whole"),
                count("partial"),
                count("unchanged"),
                count("renamed_or_retyped"),
                count("district_to_special_zone"),
                count("other")
            ],
            [9464, 969, 127, 5, 5, 1]
        );

        let mut s = Store::new();
        let d1 = date!(2023 - 05 - 07);
        let d2 = date!(2025 - 06 - 30);
        let d3 = date!(2025 - 07 - 01);

        // Step 1: the first snapshot, start unknown.
        let t = Instant::now();
        let p1 = s.plan(&u2023, d1, true, None, &regions);
        eprintln!(
            "2023: plan {:?}, open {}, close {}, lineage {}, unchanged {}",
            t.elapsed(),
            p1.open.len(),
            p1.close.len(),
            p1.lineage.len(),
            p1.unchanged
        );
        assert_eq!(
            (
                p1.open.len(),
                p1.close.len(),
                p1.lineage.len(),
                p1.unchanged
            ),
            (11_366, 0, 0, 0)
        );
        assert!(p1.warnings.is_empty());
        assert!(
            p1.open.iter().all(|u| u.region.is_some()),
            "every 2023 province has a region"
        );
        s.apply(&p1);

        // Step 2: the last list before the reform, no mapping.
        let t = Instant::now();
        let p2 = s.plan(&u2025_06, d2, false, None, &regions);
        eprintln!(
            "2025-06: plan {:?}, open {}, close {}, lineage {}, unchanged {}",
            t.elapsed(),
            p2.open.len(),
            p2.close.len(),
            p2.lineage.len(),
            p2.unchanged
        );
        let by_level = |v: &mut dyn Iterator<Item = Level>| {
            let mut c = [0usize; 4];
            v.for_each(|l| c[l.rank() as usize] += 1);
            c
        };
        let before = s.units.clone();
        let lvl_of = |id: &Uuid| before.iter().find(|u| u.id == *id).unwrap().level;
        let p2_open = by_level(&mut p2.open.iter().map(|u| u.level));
        let p2_close = by_level(&mut p2.close.iter().map(|(id, _)| lvl_of(id)));
        eprintln!("2025-06: opened by level {p2_open:?}, closed by level {p2_close:?}");
        // Huế became a centrally-run city (name and kind): province 46 reopens; its children
        // keep their codes and paths and continue.
        // Districts: 2 new + 12 changed opened, 11 gone + 12 changed closed; communes: 3 new
        // + 565 changed opened, 566 gone + 565 changed closed.
        assert_eq!(p2_open, [1, 14, 568, 0]);
        assert_eq!(p2_close, [1, 23, 1131, 0]);
        assert_eq!(p2.unchanged, 10_211);
        assert!(p2.lineage.is_empty() && p2.warnings.is_empty());
        s.apply(&p2);
        let again = s.plan(&u2025_06, d2, false, None, &regions);
        assert!(again.is_empty());

        // Step 3: the reform, with the mapping.
        let t = Instant::now();
        let p3 = s.plan(&u2025, d3, false, Some(&mapping), &regions);
        let took = t.elapsed();
        let before = s.units.clone();
        let lvl_of = |id: &Uuid| before.iter().find(|u| u.id == *id).unwrap().level;
        let p3_open = by_level(&mut p3.open.iter().map(|u| u.level));
        let p3_close = by_level(&mut p3.close.iter().map(|(id, _)| lvl_of(id)));
        eprintln!(
            "2025: plan {took:?}, open {} {p3_open:?}, close {} {p3_close:?}, lineage {}, unchanged {}, warnings {}",
            p3.open.len(),
            p3.close.len(),
            p3.lineage.len(),
            p3.unchanged,
            p3.warnings.len()
        );
        for w in &p3.warnings {
            eprintln!("  warning: {w}");
        }
        // 11 provinces kept exactly their predecessor (and name): they continue. The 23
        // merged ones reopen; all 63 old province records but those 11 close.
        assert_eq!(p3.unchanged, 11);
        assert_eq!(p3_open, [23, 0, 3321, 0]);
        assert_eq!(p3_close, [52, 696, 10_035, 0]);
        s.apply(&p3);

        let kinds = |k: LineageKind, level: Level| {
            p3.lineage
                .iter()
                .filter(|l| l.kind == k && s.by_id(l.to_unit).level == level)
                .count()
        };
        assert_eq!(kinds(LineageKind::Merge, Level::Commune), 9464);
        assert_eq!(kinds(LineageKind::Split, Level::Commune), 969);
        assert_eq!(kinds(LineageKind::Unchanged, Level::Commune), 127);
        assert_eq!(kinds(LineageKind::Rename, Level::Commune), 5);
        assert_eq!(kinds(LineageKind::Reorganize, Level::Commune), 5);
        // Province lineage: each of the 52 closed provinces merged wholly into one new one.
        assert_eq!(kinds(LineageKind::Merge, Level::Province), 52);
        assert_eq!(p3.lineage.len(), 9464 + 969 + 127 + 5 + 5 + 52);
        // Warnings: the "other" row (Kim Sơn alluvial land), and the table's wrong old
        // province for 27691 (Phường 4, Tân An, in Long An 80, not Tiền Giang 82) and for
        // 30781 (Xã Tiên Hải, Hà Tiên, in Kiên Giang 91, not An Giang 89).
        assert_eq!(p3.warnings.len(), 3, "{:#?}", p3.warnings);
        assert!(
            p3.warnings
                .iter()
                .any(|w| w.contains("\"30781\"") && w.contains("lies in province 91, not 89"))
        );
        assert!(
            p3.warnings
                .iter()
                .any(|w| w.contains("\"other\"") && w.contains("14698"))
        );
        assert!(
            p3.warnings
                .iter()
                .any(|w| w.contains("\"27691\"") && w.contains("lies in province 80, not 82"))
        );

        // Counts on dates across the three snapshots.
        let count = |d: Date, l: Level| s.count_on(d, l);
        assert_eq!(
            [
                count(d3, Level::Province),
                count(d3, Level::District),
                count(d3, Level::Commune)
            ],
            [34, 0, 3321]
        );
        assert_eq!(
            [
                count(date!(2024 - 01 - 01), Level::Province),
                count(date!(2024 - 01 - 01), Level::District),
                count(date!(2024 - 01 - 01), Level::Commune)
            ],
            [63, 705, 10_598]
        );
        assert_eq!(
            [
                count(d2, Level::Province),
                count(d2, Level::District),
                count(d2, Level::Commune)
            ],
            [63, 696, 10_035]
        );
        let tv_2023 = s
            .units
            .iter()
            .filter(|u| {
                u.level == Level::Commune
                    && u.province_code == "84"
                    && u.is_valid_on(date!(2023 - 06 - 01))
            })
            .count();
        assert_eq!(tv_2023, 106);
        // Codes are reused: 00004 was Phường Trúc Bạch, is Phường Ba Đình.
        let name_on = |code: &str, level: Level, d: Date| {
            s.units
                .iter()
                .find(|u| u.code == code && u.level == level && u.is_valid_on(d))
                .map(|u| u.name.clone())
        };
        assert_eq!(
            name_on("00004", Level::Commune, d2).as_deref(),
            Some("Phường Trúc Bạch")
        );
        assert_eq!(
            name_on("00004", Level::Commune, d3).as_deref(),
            Some("Phường Ba Đình")
        );
        assert_eq!(
            name_on("80", Level::Province, d2).as_deref(),
            Some("Tỉnh Long An")
        );
        assert_eq!(
            name_on("80", Level::Province, d3).as_deref(),
            Some("Tỉnh Tây Ninh")
        );
        assert_eq!(s.open_one(Level::Commune, "00004").path, "/01/00004/");
        // Old Trà Vinh went into 41 new communes, all in Vĩnh Long (86).
        let tv_old: HashSet<Uuid> = s
            .units
            .iter()
            .filter(|u| {
                u.level == Level::Commune && u.province_code == "84" && u.valid_to == Some(d3)
            })
            .map(|u| u.id)
            .collect();
        assert_eq!(tv_old.len(), 104);
        let tv_new: HashSet<Uuid> = p3
            .lineage
            .iter()
            .filter(|l| tv_old.contains(&l.from_unit))
            .map(|l| l.to_unit)
            .collect();
        assert_eq!(tv_new.len(), 41);
        assert!(tv_new.iter().all(|id| s.by_id(*id).province_code == "86"));
        let vl = s
            .units
            .iter()
            .filter(|u| {
                u.level == Level::Commune && u.province_code == "86" && u.valid_to.is_none()
            })
            .count();
        assert_eq!(vl, 124);

        // Applying the reform again changes nothing.
        let t = Instant::now();
        let again = s.plan(&u2025, d3, false, Some(&mapping), &regions);
        eprintln!(
            "2025 again: plan {:?}, unchanged {}, warnings {}",
            t.elapsed(),
            again.unchanged,
            again.warnings.len()
        );
        assert!(again.is_empty());
        assert_eq!(again.unchanged, 3355);
    }
}
