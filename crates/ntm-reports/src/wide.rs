//! The wide observation template: one sheet per criteria set, one row per unit, one column
//! per indicator, and the reader that turns a filled template (XLSX, or a CSV with the same
//! layout) back into cells.
//!
//! Layout of a sheet (1-based rows, as Excel shows them):
//!
//! 1. metadata, marked and greyed: `ntm-observations/1 | set | <id> | version | <v> | year | <y>`
//!    (the reader needs it to know what the sheet is; officials must not edit it);
//! 2. title; 3. how to fill in (`Ô màu vàng: nhập số liệu` …);
//! 4. header: `Mã đơn vị | Tên đơn vị | <indicator code> …`;
//! 5. indicator names; 6. thresholds (`cần xác minh` when unconfirmed or missing);
//! 7. … one row per unit; the yellow cells take the values.
//!
//! The reader finds the metadata row and the header row (first cell `Mã đơn vị` or
//! `unit_code`), skips the rows right under the header whose first cell is empty (names,
//! thresholds), and returns every non-empty value cell with its line (the row number as
//! Excel shows it) and column letter. A `Tên đơn vị`/`name` column is optional.

use rust_xlsxwriter::{Color, DataValidation, Format, FormatBorder, Workbook, XlsxError};

use crate::{ReportError, is_spreadsheet};

/// First cell of the metadata row.
pub const MARKER: &str = "ntm-observations/1";

/// Rows before the first unit row in a written template (metadata, title, note, header,
/// names, thresholds).
pub const HEADER_ROWS: u32 = 6;

/// One indicator column of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WideColumn {
    pub code: String,
    /// Short name shown under the code.
    pub name: String,
    /// Threshold as shown to people (`≥ 70%`, `Đạt`, `cần xác minh`…).
    pub threshold: String,
    /// Yes/no indicator: the cells get a list `Đạt, Không đạt`.
    pub boolean: bool,
}

/// One unit row: code, name, and the current value of each column (empty when none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WideRow {
    pub unit_code: String,
    pub unit_name: String,
    pub values: Vec<String>,
}

/// One sheet of a template: one criteria set (version) and year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WideSheet {
    /// Sheet tab name (cut to 31 characters; `[]:*?/\` replaced).
    pub sheet_name: String,
    pub set_id: String,
    pub version: String,
    pub year: i32,
    /// Title line (set name, unit, year).
    pub title: String,
    /// How to fill in the sheet (row 3).
    pub note: String,
    pub columns: Vec<WideColumn>,
    pub rows: Vec<WideRow>,
}

fn werr(e: XlsxError) -> ReportError {
    ReportError::Write(e.to_string())
}

/// Excel's name of a column (0 → `A`, 27 → `AB`).
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

fn sheet_name(name: &str, used: &mut Vec<String>) -> String {
    let mut n: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .take(31)
        .collect();
    if n.trim().is_empty() {
        n = "Sheet".to_string();
    }
    let base: String = n.chars().take(27).collect();
    let mut i = 2;
    while used.iter().any(|u| u.eq_ignore_ascii_case(&n)) {
        n = format!("{base} ({i})");
        i += 1;
    }
    used.push(n.clone());
    n
}

/// Writes a template workbook, one sheet per [`WideSheet`].
pub fn write_wide(sheets: &[WideSheet]) -> Result<Vec<u8>, ReportError> {
    let mut wb = Workbook::new();
    let meta = Format::new()
        .set_font_color(Color::Gray)
        .set_font_size(8)
        .set_num_format("@");
    let title = Format::new().set_bold().set_font_size(14);
    let note = Format::new().set_italic();
    let header = Format::new()
        .set_bold()
        .set_num_format("@")
        .set_background_color(Color::RGB(0xD9E1F2))
        .set_border(FormatBorder::Thin);
    let sub = Format::new()
        .set_text_wrap()
        .set_font_size(9)
        .set_background_color(Color::RGB(0xF2F2F2))
        .set_border(FormatBorder::Thin);
    let code = Format::new()
        .set_num_format("@")
        .set_border(FormatBorder::Thin);
    let input = Format::new()
        .set_num_format("@")
        .set_background_color(Color::RGB(0xFFF2CC))
        .set_border(FormatBorder::Thin);
    let mut used = Vec::new();
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&s.sheet_name, &mut used))
            .map_err(werr)?;
        let year = s.year.to_string();
        let cells = [
            MARKER,
            "set",
            s.set_id.as_str(),
            "version",
            s.version.as_str(),
            "year",
            year.as_str(),
            "Không sửa dòng này: NTM Số dùng để nhận biết bộ tiêu chí và năm khi nhập lại tệp.",
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *v, &meta)
                .map_err(werr)?;
        }
        ws.write_string_with_format(1, 0, &s.title, &title)
            .map_err(werr)?;
        ws.write_string_with_format(2, 0, &s.note, &note)
            .map_err(werr)?;
        ws.write_string_with_format(3, 0, "Mã đơn vị", &header)
            .map_err(werr)?;
        ws.write_string_with_format(3, 1, "Tên đơn vị", &header)
            .map_err(werr)?;
        ws.write_blank(4, 0, &sub).map_err(werr)?;
        ws.write_string_with_format(4, 1, "Tên chỉ tiêu", &sub)
            .map_err(werr)?;
        ws.write_blank(5, 0, &sub).map_err(werr)?;
        ws.write_string_with_format(5, 1, "Ngưỡng đạt", &sub)
            .map_err(werr)?;
        for (i, c) in s.columns.iter().enumerate() {
            let col = (i + 2) as u16;
            ws.write_string_with_format(3, col, &c.code, &header)
                .map_err(werr)?;
            ws.write_string_with_format(4, col, &c.name, &sub)
                .map_err(werr)?;
            ws.write_string_with_format(5, col, &c.threshold, &sub)
                .map_err(werr)?;
            ws.set_column_width(col, 14.0).map_err(werr)?;
        }
        ws.set_row_height(4, 60.0).map_err(werr)?;
        ws.set_row_height(5, 30.0).map_err(werr)?;
        for (r, row) in s.rows.iter().enumerate() {
            let r = r as u32 + HEADER_ROWS;
            ws.write_string_with_format(r, 0, &row.unit_code, &code)
                .map_err(werr)?;
            ws.write_string_with_format(r, 1, &row.unit_name, &code)
                .map_err(werr)?;
            for i in 0..s.columns.len() {
                let col = (i + 2) as u16;
                match row.values.get(i).filter(|v| !v.is_empty()) {
                    Some(v) => ws.write_string_with_format(r, col, v, &input),
                    None => ws.write_blank(r, col, &input),
                }
                .map_err(werr)?;
            }
        }
        let name_width = s
            .rows
            .iter()
            .map(|r| r.unit_name.chars().count())
            .max()
            .unwrap_or(10)
            .clamp(12, 40);
        ws.set_column_width(0, 12.0).map_err(werr)?;
        ws.set_column_width(1, name_width as f64 + 2.0)
            .map_err(werr)?;
        ws.set_freeze_panes(HEADER_ROWS, 2).map_err(werr)?;
        if !s.rows.is_empty() {
            let last = HEADER_ROWS + s.rows.len() as u32 - 1;
            let yes_no = DataValidation::new()
                .allow_list_strings(&["Đạt", "Không đạt"])
                .map_err(werr)?
                .ignore_blank(true);
            for (i, c) in s.columns.iter().enumerate() {
                if c.boolean {
                    let col = (i + 2) as u16;
                    ws.add_data_validation(HEADER_ROWS, col, last, col, &yes_no)
                        .map_err(werr)?;
                }
            }
        }
    }
    if sheets.is_empty() {
        wb.add_worksheet();
    }
    wb.save_to_buffer().map_err(werr)
}

/// One value cell read back from a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WideCell {
    /// Row number as the spreadsheet shows it (CSV: line of the file).
    pub line: usize,
    /// Column letter (`C`, `AB`).
    pub column: String,
    pub unit_code: String,
    pub indicator_code: String,
    pub value: String,
}

/// What one sheet of a filled template holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WideData {
    pub sheet_name: String,
    pub set_id: String,
    pub version: Option<String>,
    pub year: i32,
    /// Every non-empty value cell, row by row. A row with values but no unit code gives
    /// cells with an empty `unit_code` (the caller reports them).
    pub cells: Vec<WideCell>,
}

fn layout(sheet: &str, msg: impl std::fmt::Display) -> ReportError {
    ReportError::Spreadsheet(format!("{sheet}: {msg}"))
}

fn key(s: &str) -> String {
    ntm_domain::text::search_key(s.trim().trim_start_matches('\u{feff}')).replace(['_', ' '], "")
}

/// Reads one table (rows from `first_line`) laid out as a template; `None` when it has no
/// metadata row (another sheet, e.g. instructions).
fn read_sheet(
    sheet: &str,
    rows: &[Vec<String>],
    first_line: usize,
    first_col: usize,
) -> Result<Option<WideData>, ReportError> {
    fn cell(r: &[String], c: usize) -> &str {
        r.get(c).map(|s| s.trim()).unwrap_or("")
    }
    let Some(meta_at) = rows
        .iter()
        .position(|r| cell(r, 0).trim_start_matches('\u{feff}') == MARKER)
    else {
        return Ok(None);
    };
    let meta = &rows[meta_at];
    let mut set_id = None;
    let mut version = None;
    let mut year = None;
    let mut c = 1;
    while c + 1 < meta.len() {
        match cell(meta, c) {
            "set" => set_id = Some(cell(meta, c + 1).to_string()),
            "version" => version = Some(cell(meta, c + 1).to_string()),
            "year" => year = Some(cell(meta, c + 1).to_string()),
            _ => {}
        }
        c += 2;
    }
    let set_id = set_id
        .filter(|s| !s.is_empty())
        .ok_or_else(|| layout(sheet, "the first row names no set (\"set\" cell)"))?;
    let year_text = year.unwrap_or_default();
    let year: i32 = year_text.parse().map_err(|_| {
        layout(
            sheet,
            format!("the first row has no valid year (\"year\" cell: {year_text:?})"),
        )
    })?;
    let header_at = rows
        .iter()
        .enumerate()
        .skip(meta_at + 1)
        .find(|(_, r)| matches!(key(cell(r, 0)).as_str(), "madonvi" | "unitcode" | "unit"))
        .map(|(i, _)| i)
        .ok_or_else(|| {
            layout(
                sheet,
                "no header row (first cell \"Mã đơn vị\" or \"unit_code\")",
            )
        })?;
    let header = &rows[header_at];
    // Indicator columns: every non-empty header cell but the unit code and name.
    let columns: Vec<(usize, String)> = header
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, h)| {
            let k = key(h);
            !k.is_empty() && !matches!(k.as_str(), "tendonvi" | "name" | "unitname" | "ten")
        })
        .map(|(i, h)| (i, h.trim().to_string()))
        .collect();
    if columns.is_empty() {
        return Err(layout(sheet, "the header row names no indicator column"));
    }
    let mut cells = Vec::new();
    let mut in_subheader = true;
    for (i, r) in rows.iter().enumerate().skip(header_at + 1) {
        let unit = cell(r, 0);
        if unit.is_empty() && in_subheader {
            continue;
        }
        in_subheader = false;
        for (c, code) in &columns {
            let v = cell(r, *c);
            if v.is_empty() {
                continue;
            }
            cells.push(WideCell {
                line: first_line + i,
                column: column_letter(first_col + c),
                unit_code: unit.to_string(),
                indicator_code: code.clone(),
                value: v.to_string(),
            });
        }
    }
    Ok(Some(WideData {
        sheet_name: sheet.to_string(),
        set_id,
        version: version.filter(|v| !v.is_empty()),
        year,
        cells,
    }))
}

/// Reads every template sheet of a workbook, or a CSV file with the same layout. Sheets
/// without the metadata row are skipped; a file with none is an error.
pub fn read_wide(bytes: &[u8], file_name: &str) -> Result<Vec<WideData>, ReportError> {
    let mut out = Vec::new();
    if is_spreadsheet(file_name) {
        for sheet in crate::sheets::read_sheets(bytes, false, &crate::sheets::Limits::UPLOAD)? {
            let (r0, c0) = sheet.start;
            // Rows keep their Excel numbers and columns their letters even when the used
            // range does not start at A1.
            if let Some(d) = read_sheet(&sheet.name, &sheet.rows, r0 as usize + 1, c0 as usize)? {
                out.push(d);
            }
        }
    } else {
        let rows = crate::read_table(bytes, file_name)?;
        if let Some(d) = read_sheet(file_name, &rows, 1, 0)? {
            out.push(d);
        }
    }
    if out.is_empty() {
        return Err(ReportError::Spreadsheet(format!(
            "{file_name}: no sheet made by `ntm observations template` (the first row must start with \"{MARKER}\")"
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet() -> WideSheet {
        WideSheet {
            sheet_name: "xa-ntm-2021-2025".into(),
            set_id: "xa-ntm-2021-2025".into(),
            version: "2022".into(),
            year: 2024,
            title: "Bộ tiêu chí xã NTM — năm 2024".into(),
            note: "Ô màu vàng: nhập số liệu".into(),
            columns: vec![
                WideColumn {
                    code: "1.1".into(),
                    name: "Quy hoạch".into(),
                    threshold: "Đạt".into(),
                    boolean: true,
                },
                WideColumn {
                    code: "2.1".into(),
                    name: "Giao thông".into(),
                    threshold: "≥ 70% (cần xác minh)".into(),
                    boolean: false,
                },
            ],
            rows: vec![
                WideRow {
                    unit_code: "28768".into(),
                    unit_name: "Xã Tân An".into(),
                    values: vec!["Đạt".into(), String::new()],
                },
                WideRow {
                    unit_code: "00004".into(),
                    unit_name: "Phường Ba Đình".into(),
                    values: vec![String::new(), "85,5 %".into()],
                },
            ],
        }
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn template_round_trip_keeps_codes_lines_and_metadata() {
        let bytes = write_wide(&[sheet()]).unwrap();
        let back = read_wide(&bytes, "mau.xlsx").unwrap();
        assert_eq!(back.len(), 1);
        let d = &back[0];
        assert_eq!(
            (d.set_id.as_str(), d.version.as_deref(), d.year),
            ("xa-ntm-2021-2025", Some("2022"), 2024)
        );
        let got: Vec<(usize, &str, &str, &str, &str)> = d
            .cells
            .iter()
            .map(|c| {
                (
                    c.line,
                    c.column.as_str(),
                    c.unit_code.as_str(),
                    c.indicator_code.as_str(),
                    c.value.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (7, "C", "28768", "1.1", "Đạt"),
                (8, "D", "00004", "2.1", "85,5 %")
            ]
        );
        // The plain table reader sees the same layout.
        let t = crate::read_table(&bytes, "mau.xlsx").unwrap();
        assert_eq!(t[3][0], "Mã đơn vị");
        assert_eq!(t[5][3], "≥ 70% (cần xác minh)");
    }

    #[test]
    fn csv_with_the_same_layout_and_errors() {
        let csv = "ntm-observations/1,set,xa-ntm-2021-2025,version,,year,2024\n\
                   ma_don_vi,ten_don_vi,1.1,2.1\n\
                   28768,Xã Tân An,Đạt,\n\
                   ,,,50\n\
                   28771,,,\n";
        let d = read_wide(csv.as_bytes(), "mau.csv").unwrap();
        assert_eq!(d[0].version, None);
        let lines: Vec<(usize, &str, &str)> = d[0]
            .cells
            .iter()
            .map(|c| (c.line, c.column.as_str(), c.unit_code.as_str()))
            .collect();
        assert_eq!(lines, [(3, "C", "28768"), (4, "D", "")]);
        let r = read_wide(b"unit_code,indicator,value\n1,2,3\n", "x.csv");
        assert!(matches!(r, Err(ReportError::Spreadsheet(_))), "{r:?}");
        let r = read_wide(
            b"ntm-observations/1,set,x,year,abc\nunit_code,1.1\n",
            "x.csv",
        );
        assert!(
            matches!(&r, Err(ReportError::Spreadsheet(m)) if m.contains("year")),
            "{r:?}"
        );
    }
}
