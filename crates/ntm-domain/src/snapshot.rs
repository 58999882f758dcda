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
        RowError { line, field: field.map(str::to_string), message: message.into() }
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
pub const MERGE_TYPES: [&str; 6] =
    ["whole", "partial", "unchanged", "renamed_or_retyped", "district_to_special_zone", "other"];

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
    let k = fold(kind);
    !k.is_empty() && allowed_kinds(level).iter().any(|a| fold(a) == k)
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
                && code.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
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
        col.and_then(|c| self.fields.get(c)).map(String::as_str).unwrap_or("")
    }
}

/// A column the reader looks for: its name and whether the file must have it.
struct Column {
    name: &'static str,
    required: bool,
}

const fn req(name: &'static str) -> Column {
    Column { name, required: true }
}

const fn opt(name: &'static str) -> Column {
    Column { name, required: false }
}

/// Reads a CSV file with a header. Returns the position of each wanted column and the
/// well-formed records; problems with single records go into `errors`, problems with the
/// header make the whole file fail (`None`).
fn read_csv(
    bytes: &[u8],
    columns: &[Column],
    errors: &mut Vec<RowError>,
) -> Option<(Vec<Option<usize>>, Vec<CsvRecord>)> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rec = csv::ByteRecord::new();
    let mut header: Option<(usize, Vec<String>)> = None;
    let mut records = Vec::new();
    let mut last_error_at = None;
    loop {
        match reader.read_byte_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let at = reader.position().byte();
                let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
                errors.push(RowError::new(line, None, format!("malformed CSV record: {e}")));
                if last_error_at == Some(at) {
                    break; // no progress: give up rather than loop
                }
                last_error_at = Some(at);
                continue;
            }
        }
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        let Some((_, names)) = &header else {
            let mut names = Vec::with_capacity(rec.len());
            for (i, f) in rec.iter().enumerate() {
                match std::str::from_utf8(f) {
                    Ok(s) => names.push(s.trim_start_matches('\u{feff}').trim().to_lowercase()),
                    Err(_) => {
                        errors.push(RowError::new(
                            line,
                            None,
                            format!("header column {} is not valid UTF-8 (save the file as UTF-8)", i + 1),
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
                    let col = if names[i].is_empty() { format!("{}", i + 1) } else { names[i].clone() };
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
        errors.push(RowError::new(0, None, "the file is empty: a header line is needed"));
        return None;
    };
    let expected: Vec<&str> = columns.iter().filter(|c| c.required).map(|c| c.name).collect();
    let mut positions = Vec::with_capacity(columns.len());
    let mut header_ok = true;
    for c in columns {
        let found: Vec<usize> =
            names.iter().enumerate().filter(|(_, n)| *n == c.name).map(|(i, _)| i).collect();
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
    let mut errors = Vec::new();
    let columns = [req("code"), req("name"), req("level"), req("kind"), req("parent_code")];
    let Some((cols, records)) = read_csv(bytes, &columns, &mut errors) else {
        return Err(errors);
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
    if errors.is_empty() {
        Ok(rows)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(errors)
    }
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
            errors.push(RowError::new(r.line, Some("new_commune_code"), "new_commune_code is empty"));
            ok = false;
        }
        if new_province.is_empty() {
            errors.push(RowError::new(r.line, Some("new_province_code"), "new_province_code is empty"));
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
                format!("unknown region \"{region_text}\" (expected one of: {})", all.join(", ")),
            ));
            ok = false;
        }
        let (true, Some(region)) = (ok, region) else { continue };
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
pub fn validate_rows(rows: &[UnitRow], known_parent: &dyn Fn(&str) -> Option<Level>) -> Vec<RowError> {
    let mut errors = Vec::new();
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        if let Some(&j) = first.get(r.code.as_str()) {
            errors.push(RowError::new(
                r.line,
                Some("code"),
                format!("duplicate code \"{}\" (first on line {})", r.code, rows[j].line),
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
                format!("kind \"{}\" is not allowed for {}", r.kind, article(r.level))
            };
            errors.push(RowError::new(
                r.line,
                Some("kind"),
                format!("{what} (allowed: {})", allowed_kinds(r.level).join(", ")),
            ));
        }
        let parent = r.parent_code.as_deref().map(str::trim).filter(|p| !p.is_empty());
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
                        format!("unknown parent code \"{p}\" (not in this file nor in the database)"),
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
        by_key.entry((u.level, u.code.as_str())).or_default().push(k);
        by_code.entry(u.code.as_str()).or_default().push(k);
    }
    let first_open = |level: Level, code: &str| by_key.get(&(level, code)).and_then(|v| v.first().copied());

    // ---- Validate the rows on their own.
    let known = |code: &str| by_code.get(code).and_then(|v| v.iter().map(|&k| open[k].level).min());
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
    let commune_row = |code: &str| row_by_code.get(code).copied().filter(|&j| rows[j].level == Level::Commune);

    // ---- Parents, paths, provinces and regions of the rows (parents have a lower rank,
    // so going through the rows by rank sees every parent before its children).
    let mut parent_ref = vec![ParentRef::None; n];
    for (i, r) in rows.iter().enumerate() {
        if let Some(p) = r.parent_code.as_deref() {
            parent_ref[i] = match row_by_code.get(p) {
                Some(&j) => ParentRef::Row(j),
                None => by_code
                    .get(p)
                    .and_then(|v| v.iter().copied().find(|&k| parent_fits(r.level, open[k].level)))
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
            "district_to_special_zone" => m.old_district_code.as_deref().and_then(|c| first_open(Level::District, c)),
            "other" => None,
            _ => m.old_commune_code.as_deref().and_then(|c| first_open(Level::Commune, c)),
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
        if let Some(p) = old_province_of(mi) {
            preds.entry(m.new_province_code.as_str()).or_default().insert(p);
            scope.insert(p);
        }
        if let Some(p) = m.old_province_code.as_deref() {
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
        let cands: &[usize] = by_key.get(&(r.level, r.code.as_str())).map_or(&[], Vec::as_slice);
        let mut keep = None;
        for &k in cands {
            matched[k] = true;
            let u = open[k];
            if keep.is_none()
                && u.name == r.name
                && u.kind == r.kind
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
                kind: r.kind.clone(),
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
    let mut push_lineage =
        |plan: &mut SnapshotPlan, new_id: &mut dyn FnMut() -> Uuid, from: Uuid, to: Uuid, kind: LineageKind, note: &str| {
            if from != to && seen.insert((from, to)) {
                let id = new_id();
                plan.lineage.push(Lineage { id, from_unit: from, to_unit: to, kind, effective: date, note: note.to_string() });
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
            (Level::District, m.old_district_code.as_deref().unwrap_or(""))
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
        let Some(p) = old_province_of(mi) else { continue };
        let pos = *target_pos.entry(p).or_insert_with(|| {
            targets.push((p, Vec::new()));
            targets.len() - 1
        });
        if !targets[pos].1.contains(&q) {
            targets[pos].1.push(q);
        }
    }
    for (p, qs) in &targets {
        let Some(k) = first_open(Level::Province, p) else {
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
            let kind = if closed[k] && qs.len() == 1 { LineageKind::Merge } else { LineageKind::Split };
            let note = if kind == LineageKind::Merge { "Nhập toàn bộ" } else { "Nhập một phần" };
            push_lineage(&mut plan, new_id, open[k].id, row_unit[j], kind, note);
        }
    }

    // ---- Hamlets of closed communes follow their single successor, or are closed.
    let mut successors: HashMap<&str, Vec<(&str, &str)>> = HashMap::new();
    for m in mapping {
        if let Some(c) = m.old_commune_code.as_deref() {
            successors.entry(c).or_default().push((m.new_commune_code.as_str(), m.merge_type.as_str()));
        }
    }
    for (k, h) in open.iter().enumerate() {
        if h.level != Level::Hamlet || matched[k] {
            continue;
        }
        let Some(pc) = h.parent_code.as_deref() else { continue };
        let Some(communes) = by_key.get(&(Level::Commune, pc)) else { continue };
        if communes.iter().any(|&c| !closed[c]) {
            continue; // its commune continues
        }
        let commune = open[communes[0]];
        let target: Result<usize, String> = match successors.get(pc) {
            Some(list) => {
                let mut codes: Vec<&str> = list.iter().map(|(c, _)| *c).collect();
                codes.sort_unstable();
                codes.dedup();
                let whole = list.iter().all(|(_, t)| matches!(*t, "whole" | "unchanged" | "renamed_or_retyped"));
                match (codes.as_slice(), whole) {
                    ([c], true) => commune_row(c).ok_or_else(|| format!("its successor {c} is not in this snapshot")),
                    ([c], false) => Err(format!("only part of it went into {c}")),
                    (cs, _) => Err(format!("the mapping splits it among {} new communes ({})", cs.len(), cs.join(", "))),
                }
            }
            // Not in the mapping: the same code reopened (renamed, retyped, moved) is its successor.
            None => commune_row(pc).ok_or_else(|| "it has no successor in this snapshot".to_string()),
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
                push_lineage(&mut plan, new_id, h.id, id, LineageKind::Unchanged, "theo xã mới");
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
        let Some(pc) = u.parent_code.as_deref() else { continue };
        let parents: Vec<usize> = by_code
            .get(pc)
            .map(|v| v.iter().copied().filter(|&p| parent_fits(u.level, open[p].level)).collect())
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
