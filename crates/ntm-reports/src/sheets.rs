//! The one reader of uploaded spreadsheets, with hard limits checked **before** any cell is
//! materialized: a 1.5 KB XLSX declaring cells `A1` and `XFD1048576` used to make the
//! reader allocate the whole sheet (hundreds of GiB) and abort the server.
//!
//! - Zip containers (XLSX, XLSM, XLSB, ODS): the central directory's declared uncompressed
//!   sizes are added up first, then every entry is inflated into nothing with a bound of its
//!   declared size (a lying entry is refused), so the XML parsers never see more than
//!   [`Limits::bytes`].
//! - XLSX/XLSB: the sheet's declared `<dimension ref=…>` is checked against the row and
//!   column limits, then cells are read one by one (calamine's cell readers) and kept
//!   sparse; the rows are laid out only once the rectangle of used cells is known to be
//!   within the cell limit (calamine would allocate the declared rectangle first).
//! - ODS: `content.xml` is scanned first (repeated rows and columns expanded by arithmetic,
//!   not by allocation); calamine then builds the bounded range.
//! - XLS (Excel 97-2003, BIFF): refused. calamine parses every sheet of a BIFF file densely
//!   while opening it (and reserves the declared rectangle), so it cannot be bounded from
//!   outside; the message asks for `.xlsx`.
//! - CSV: bytes, rows, columns and cells are counted while reading.

use std::io::{Cursor, Read};

use calamine::{Data, Ods, Reader, Xlsb, Xlsx, XlsxError};
use quick_xml::events::Event;

use crate::ReportError;

/// Rows of a sheet (absolute row numbers, 1-based in Excel, must be at most this).
pub const MAX_ROWS: u32 = 100_000;
/// Columns of a sheet (column `GR` is the 200th).
pub const MAX_COLUMNS: u32 = 200;
/// Non-empty cells in a whole file.
pub const MAX_CELLS: u64 = 2_000_000;
/// Uncompressed bytes of a whole file (zip entries added up, or the CSV text).
pub const MAX_BYTES: u64 = 50 * 1024 * 1024;
/// Entries of a zip container.
pub const MAX_ZIP_ENTRIES: usize = 10_000;

/// Limits of one read. [`Limits::UPLOAD`] is what every upload path uses; the command line
/// may pass larger ones for bulk files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub rows: u32,
    pub columns: u32,
    pub cells: u64,
    pub bytes: u64,
}

impl Limits {
    pub const UPLOAD: Limits = Limits {
        rows: MAX_ROWS,
        columns: MAX_COLUMNS,
        cells: MAX_CELLS,
        bytes: MAX_BYTES,
    };
    /// Local bulk files given to the command line by an administrator (long observation
    /// tables of a whole country): more rows and cells, still bounded.
    pub const COMMAND_LINE: Limits = Limits {
        rows: 5_000_000,
        columns: MAX_COLUMNS,
        cells: 20_000_000,
        bytes: 1024 * 1024 * 1024,
    };
}

/// One sheet read: its name, the (row, column) of its first used cell (0-based), and its
/// rows from there to the last used row, each as wide as the used columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub name: String,
    pub start: (u32, u32),
    pub rows: Vec<Vec<String>>,
}

fn declared_too_large(what: String) -> ReportError {
    ReportError::TooLarge(format!(
        "tệp có kích thước khai báo quá lớn: {what} (the file declares a size over the limits)"
    ))
}

fn too_large(what: String) -> ReportError {
    ReportError::TooLarge(format!("tệp quá lớn: {what} (the file is over the limits)"))
}

fn unreadable(e: impl std::fmt::Display) -> ReportError {
    ReportError::Spreadsheet(e.to_string())
}

/// Excel's name of a 0-based column: 0 → A, 16383 → XFD.
pub fn column_name(mut c: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

fn cell_ref((r, c): (u32, u32)) -> String {
    format!("{}{}", column_name(c), u64::from(r) + 1)
}

fn limits_text(l: &Limits) -> String {
    format!(
        "tối đa {} dòng × {} cột ({}), {} ô có dữ liệu, {} MB sau giải nén",
        l.rows,
        l.columns,
        column_name(l.columns.saturating_sub(1)),
        l.cells,
        l.bytes / (1024 * 1024)
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ZipKind {
    Xlsx,
    Xlsb,
    Ods,
}

/// Checks a zip container's declared and actual uncompressed sizes, and tells its kind.
fn check_zip(bytes: &[u8], l: &Limits) -> Result<ZipKind, ReportError> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    if z.len() > MAX_ZIP_ENTRIES {
        return Err(declared_too_large(format!(
            "{} phần trong tệp nén (tối đa {MAX_ZIP_ENTRIES})",
            z.len()
        )));
    }
    let mut declared: u64 = 0;
    for i in 0..z.len() {
        let f = z.by_index_raw(i).map_err(unreadable)?;
        declared = declared.saturating_add(f.size());
    }
    if declared > l.bytes {
        return Err(declared_too_large(format!(
            "{declared} byte sau giải nén; {}",
            limits_text(l)
        )));
    }
    let mut actual: u64 = 0;
    for i in 0..z.len() {
        let mut f = z.by_index(i).map_err(unreadable)?;
        let size = f.size();
        let name = f.name().map(|n| n.into_owned()).unwrap_or_default();
        let n = std::io::copy(&mut (&mut f).take(size + 1), &mut std::io::sink())
            .map_err(|e| unreadable(format!("{name}: {e}")))?;
        if n > size {
            return Err(too_large(format!(
                "phần «{name}» giải nén ra nhiều hơn kích thước khai báo ({size} byte)"
            )));
        }
        actual += n;
    }
    if actual > l.bytes {
        return Err(too_large(format!(
            "{actual} byte sau giải nén; {}",
            limits_text(l)
        )));
    }
    let has = |n: &str| z.index_for_name(n).is_some();
    if has("xl/workbook.xml") {
        Ok(ZipKind::Xlsx)
    } else if has("xl/workbook.bin") {
        Ok(ZipKind::Xlsb)
    } else if has("content.xml") {
        Ok(ZipKind::Ods)
    } else {
        Err(ReportError::Spreadsheet(
            "tệp nén không phải bảng tính XLSX hoặc ODS (not an XLSX or ODS workbook)".into(),
        ))
    }
}

const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Reads the first sheet (`first_only`) or every worksheet of a spreadsheet within `l`.
pub fn read_sheets(bytes: &[u8], first_only: bool, l: &Limits) -> Result<Vec<Sheet>, ReportError> {
    if bytes.starts_with(&CFB_MAGIC) {
        return Err(ReportError::Spreadsheet(
            "định dạng .xls (Excel 97-2003) không được nhận: hãy mở tệp và lưu lại thành .xlsx \
             (the old .xls format is not accepted: save the file as .xlsx)"
                .into(),
        ));
    }
    if !bytes.starts_with(b"PK") {
        return Err(ReportError::Spreadsheet(
            "tệp không phải bảng tính XLSX hoặc ODS (not an XLSX or ODS workbook)".into(),
        ));
    }
    let kind = check_zip(bytes, l)?;
    // A reader that panics on a damaged file (calamine 0.38 multiplies a cell reference of
    // more than six letters past `u32` — a panic where overflow is checked, as in tests)
    // gives the error of any unreadable file, not a panic in the caller's thread.
    std::panic::catch_unwind(|| read_zip(bytes, kind, first_only, l)).unwrap_or_else(|_| {
        Err(unreadable(
            "tệp bảng tính bị hỏng, không đọc được (the workbook is damaged and cannot be read)",
        ))
    })
}

/// [`read_sheets`] of a zip whose kind is known.
fn read_zip(
    bytes: &[u8],
    kind: ZipKind,
    first_only: bool,
    l: &Limits,
) -> Result<Vec<Sheet>, ReportError> {
    let mut cells_left = l.cells;
    let mut out = Vec::new();
    match kind {
        ZipKind::Xlsx => {
            let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
            for name in wb.sheet_names() {
                let mut r = match wb.worksheet_cells_reader(&name) {
                    Ok(r) => r,
                    Err(XlsxError::NotAWorksheet(_)) => continue,
                    Err(e) => return Err(unreadable(format!("{name}: {e}"))),
                };
                let dims = r.dimensions();
                let sheet = collect(&name, (dims.start, dims.end), l, &mut cells_left, || {
                    r.next_cell()
                        .map(|c| c.map(|c| (c.get_position(), Data::from(c.get_value().clone()))))
                        .map_err(|e| e.to_string())
                })?;
                out.push(sheet);
                if first_only {
                    break;
                }
            }
        }
        ZipKind::Xlsb => {
            let mut wb: Xlsb<_> = Xlsb::new(Cursor::new(bytes)).map_err(unreadable)?;
            for name in wb.sheet_names() {
                let mut r = match wb.worksheet_cells_reader(&name) {
                    Ok(r) => r,
                    Err(e) => return Err(unreadable(format!("{name}: {e}"))),
                };
                let dims = r.dimensions();
                let sheet = collect(&name, (dims.start, dims.end), l, &mut cells_left, || {
                    r.next_cell()
                        .map(|c| c.map(|c| (c.get_position(), Data::from(c.get_value().clone()))))
                        .map_err(|e| e.to_string())
                })?;
                out.push(sheet);
                if first_only {
                    break;
                }
            }
        }
        ZipKind::Ods => {
            scan_ods(bytes, l)?;
            let mut wb: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(unreadable)?;
            for name in wb.sheet_names() {
                let range = wb
                    .worksheet_range(&name)
                    .map_err(|e| unreadable(format!("{name}: {e}")))?;
                let mut used = range.used_cells();
                let sheet = collect(&name, ((0, 0), (0, 0)), l, &mut cells_left, || {
                    Ok(used.next().map(|(r, c, d)| {
                        let (r0, c0) = range.start().unwrap_or((0, 0));
                        ((r0 + r as u32, c0 + c as u32), d.clone())
                    }))
                })?;
                out.push(sheet);
                if first_only {
                    break;
                }
            }
        }
    }
    if out.is_empty() {
        return Err(ReportError::NoSheet);
    }
    Ok(out)
}

/// Checks a sheet's declared dimension, then reads its cells one by one, refusing one
/// outside the limits, and lays the used ones out as ragged rows.
fn collect(
    name: &str,
    declared: ((u32, u32), (u32, u32)),
    l: &Limits,
    cells_left: &mut u64,
    mut next: impl FnMut() -> Result<Option<((u32, u32), Data)>, String>,
) -> Result<Sheet, ReportError> {
    let (_, end) = declared;
    if end.0 >= l.rows || end.1 >= l.columns {
        return Err(declared_too_large(format!(
            "trang «{name}» khai báo vùng đến ô {} ({} dòng × {} cột); {}",
            cell_ref(end),
            u64::from(end.0) + 1,
            u64::from(end.1) + 1,
            limits_text(l)
        )));
    }
    let mut cells: Vec<((u32, u32), String)> = Vec::new();
    while let Some((pos, value)) = next().map_err(|e| unreadable(format!("{name}: {e}")))? {
        let text = crate::cell_text(&value);
        if text.is_empty() {
            continue;
        }
        if pos.0 >= l.rows || pos.1 >= l.columns {
            return Err(too_large(format!(
                "trang «{name}» có ô {} ngoài giới hạn; {}",
                cell_ref(pos),
                limits_text(l)
            )));
        }
        if *cells_left == 0 {
            return Err(too_large(format!(
                "quá {} ô có dữ liệu; {}",
                l.cells,
                limits_text(l)
            )));
        }
        *cells_left -= 1;
        cells.push((pos, text));
    }
    let start = (
        cells.iter().map(|(p, _)| p.0).min().unwrap_or(0),
        cells.iter().map(|(p, _)| p.1).min().unwrap_or(0),
    );
    if cells.is_empty() {
        return Ok(Sheet {
            name: name.to_string(),
            start: (0, 0),
            rows: Vec::new(),
        });
    }
    let end = (
        cells.iter().map(|(p, _)| p.0).max().unwrap_or(0),
        cells.iter().map(|(p, _)| p.1).max().unwrap_or(0),
    );
    // Rows are laid out as the rectangle from the first to the last used cell (every row
    // as wide), as calamine's ranges were; that rectangle is bounded by the cell limit too.
    let height = u64::from(end.0 - start.0) + 1;
    let width = u64::from(end.1 - start.1) + 1;
    if height.saturating_mul(width) > l.cells {
        return Err(too_large(format!(
            "trang «{name}» trải từ ô {} đến ô {} ({} ô); {}",
            cell_ref(start),
            cell_ref(end),
            height * width,
            limits_text(l)
        )));
    }
    let mut rows: Vec<Vec<String>> = vec![vec![String::new(); width as usize]; height as usize];
    for ((r, c), text) in cells {
        if let Some(cell) = rows
            .get_mut((r - start.0) as usize)
            .and_then(|row| row.get_mut((c - start.1) as usize))
        {
            *cell = text;
        }
    }
    Ok(Sheet {
        name: name.to_string(),
        start,
        rows,
    })
}

/// Scans an ODS `content.xml` before calamine expands it: rows and columns repeated by
/// `number-rows-repeated` / `number-columns-repeated` are counted, not allocated.
fn scan_ods(bytes: &[u8], l: &Limits) -> Result<(), ReportError> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).map_err(unreadable)?;
    let mut xml = String::new();
    z.by_name("content.xml")
        .map_err(unreadable)?
        .read_to_string(&mut xml)
        .map_err(unreadable)?;
    let mut reader = quick_xml::Reader::from_str(&xml);
    let repeats = |e: &quick_xml::events::BytesStart<'_>, attr: &str| -> u64 {
        e.attributes()
            .flatten()
            .find(|a| a.key.as_ref() == attr)
            .and_then(|a| a.value.trim().parse().ok())
            .unwrap_or(1)
    };
    // Per table: the row reached, the last used row, the widest used column, the cells;
    // calamine lays a table out densely from its first to its last used cell, so that
    // rectangle is checked too.
    let (mut row, mut first_used_row) = (0u64, None::<u64>);
    let (mut min_col, mut max_col) = (u64::MAX, 0u64);
    let mut cells: u64 = 0;
    let mut row_repeat = 1u64;
    let mut col = 0u64;
    let mut row_used_cells = 0u64;
    let mut row_min_col = u64::MAX;
    let mut row_max_col = 0u64;
    let mut in_cell: Option<u64> = None;
    let mut cell_used = false;
    let check = |first: Option<u64>, last: Option<u64>, min_c: u64, max_c: u64, cells: u64| {
        if let (Some(f), Some(last)) = (first, last) {
            let area = (last - f + 1).saturating_mul(max_c.saturating_sub(min_c) + 1);
            if last >= u64::from(l.rows)
                || max_c >= u64::from(l.columns)
                || cells > l.cells
                || area > l.cells
            {
                return Err(declared_too_large(format!(
                    "bảng khai báo đến dòng {} và cột {} ({} ô có dữ liệu); {}",
                    last + 1,
                    max_c + 1,
                    cells,
                    limits_text(l)
                )));
            }
        }
        Ok(())
    };
    loop {
        let ev = reader.read_event().map_err(unreadable)?;
        let (start, empty) = match &ev {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            match e.name().as_ref() {
                "table:table" => {
                    row = 0;
                    first_used_row = None;
                    min_col = u64::MAX;
                    max_col = 0;
                }
                "table:table-row" => {
                    row_repeat = repeats(&e, "table:number-rows-repeated");
                    col = 0;
                    row_used_cells = 0;
                    row_min_col = u64::MAX;
                    row_max_col = 0;
                    if empty {
                        row = row.saturating_add(row_repeat);
                    }
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let n = repeats(&e, "table:number-columns-repeated");
                    let typed = e
                        .attributes()
                        .flatten()
                        .any(|a| a.key.as_ref() == "office:value-type");
                    if empty {
                        if typed {
                            row_used_cells = row_used_cells.saturating_add(n);
                            row_min_col = row_min_col.min(col);
                            row_max_col = row_max_col.max(col.saturating_add(n - 1));
                        }
                        col = col.saturating_add(n);
                    } else {
                        in_cell = Some(n);
                        cell_used = typed;
                    }
                }
                _ => {
                    if in_cell.is_some() {
                        cell_used = true;
                    }
                }
            }
        }
        match &ev {
            Event::Text(t) if in_cell.is_some() && !t.trim().is_empty() => {
                cell_used = true;
            }
            Event::End(e) => match e.name().as_ref() {
                "table:table-cell" | "table:covered-table-cell" => {
                    if let Some(n) = in_cell.take() {
                        if cell_used {
                            row_used_cells = row_used_cells.saturating_add(n);
                            row_min_col = row_min_col.min(col);
                            row_max_col = row_max_col.max(col.saturating_add(n.max(1) - 1));
                        }
                        col = col.saturating_add(n);
                    }
                }
                "table:table-row" => {
                    if row_used_cells > 0 {
                        first_used_row.get_or_insert(row);
                        let last_used_row = Some(row.saturating_add(row_repeat.max(1) - 1));
                        cells = cells.saturating_add(row_used_cells.saturating_mul(row_repeat));
                        min_col = min_col.min(row_min_col);
                        max_col = max_col.max(row_max_col);
                        check(first_used_row, last_used_row, min_col, max_col, cells)?;
                    }
                    row = row.saturating_add(row_repeat);
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(())
}

/// Reads a CSV text within the limits.
pub fn read_csv(bytes: &[u8], l: &Limits) -> Result<Vec<Vec<String>>, ReportError> {
    if bytes.len() as u64 > l.bytes {
        return Err(too_large(format!(
            "{} byte; {}",
            bytes.len(),
            limits_text(l)
        )));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| ReportError::Encoding)?;
    let text = text.trim_start_matches('\u{feff}');
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut cells: u64 = 0;
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| ReportError::Csv {
            line: e.position().map(|p| p.line() as usize).unwrap_or(i + 1),
            message: e.to_string(),
        })?;
        cells += rec.iter().filter(|c| !c.is_empty()).count() as u64;
        if i as u64 >= u64::from(l.rows)
            || rec.len() as u64 > u64::from(l.columns)
            || cells > l.cells
        {
            return Err(too_large(format!(
                "dòng {} ({} cột, {} ô có dữ liệu đến đó); {}",
                i + 1,
                rec.len(),
                cells,
                limits_text(l)
            )));
        }
        rows.push(rec.iter().map(|c| c.to_string()).collect());
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(199), "GR");
        assert_eq!(column_name(16_383), "XFD");
    }
}
