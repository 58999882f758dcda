//! Reading the official CSV files: unit lists, the 2025 old→new commune table, and the
//! province → region table. Every bad row is reported with its line number and reason
//! (header `code,name,level,kind,parent_code` for unit lists; extra columns ignored, BOM
//! tolerated), never a panic.

use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

use super::{MERGE_TYPES, MappingRow, RegionTable, RowError};
use crate::text::search_key;
use crate::units::{Level, Region, UnitRow};

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
