//! Heavy file formats, isolated for compile time: reading tables from XLSX/XLS/ODS/CSV
//! and writing XLSX.
#![forbid(unsafe_code)]

use calamine::Data;
use rust_xlsxwriter::{Format, Workbook};

pub mod criteria_set_xlsx;
pub mod grid;
pub mod periodic_xlsx;
pub mod plans_xlsx;
pub mod qr;
pub mod sheets;
pub mod survey_xlsx;
pub mod table_xlsx;
pub mod wide;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("cannot read the spreadsheet: {0}")]
    Spreadsheet(String),
    #[error("line {line}: {message}")]
    Csv { line: usize, message: String },
    #[error("the file is not UTF-8 text (save the CSV as \"CSV UTF-8\")")]
    Encoding,
    #[error("the workbook has no sheet")]
    NoSheet,
    /// Over the limits of [`sheets::Limits`] (declared or actual size, rows, columns, cells).
    #[error("{0}")]
    TooLarge(String),
    #[error("cannot write the workbook: {0}")]
    Write(String),
}

/// Kind of a table file, by its name.
pub fn is_spreadsheet(file_name: &str) -> bool {
    let n = file_name.to_lowercase();
    [".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"]
        .iter()
        .any(|e| n.ends_with(e))
}

/// Reads the first sheet of a spreadsheet, or a CSV file, into rows of cells (text), within
/// [`sheets::Limits::UPLOAD`] (see [`sheets`]: sizes are checked before cells are read).
/// Numbers that are whole are written without a decimal part ("84", not "84.0"), and
/// codes lose no leading zeros when the cell is text. Rows start at the first used row and
/// column (spreadsheets: every row as wide as the used columns; CSV: as the line is).
pub fn read_table(bytes: &[u8], file_name: &str) -> Result<Vec<Vec<String>>, ReportError> {
    read_table_within(bytes, file_name, &sheets::Limits::UPLOAD)
}

/// [`read_table`] with other limits (the command line's bulk files).
pub fn read_table_within(
    bytes: &[u8],
    file_name: &str,
    limits: &sheets::Limits,
) -> Result<Vec<Vec<String>>, ReportError> {
    if is_spreadsheet(file_name) {
        let mut s = sheets::read_sheets(bytes, true, limits)?;
        Ok(s.pop().map(|s| s.rows).unwrap_or_default())
    } else {
        sheets::read_csv(bytes, limits)
    }
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// One sheet of a workbook written by [`write_sheets`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSheet {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Writes one sheet: a bold, frozen header row, then the rows as text (codes keep their
/// leading zeros), with an autofilter and sensible column widths.
pub fn write_table(
    sheet_name: &str,
    header: &[&str],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, ReportError> {
    write_sheets(&[TableSheet {
        name: sheet_name.to_string(),
        header: header.iter().map(|h| h.to_string()).collect(),
        rows: rows.to_vec(),
    }])
}

/// Writes several sheets laid out as [`write_table`] does.
pub fn write_sheets(sheets: &[TableSheet]) -> Result<Vec<u8>, ReportError> {
    let err = |e: rust_xlsxwriter::XlsxError| ReportError::Write(e.to_string());
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&s.name).map_err(err)?;
        for (c, h) in s.header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)
                .map_err(err)?;
        }
        for (r, row) in s.rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string((r + 1) as u32, c as u16, v).map_err(err)?;
            }
        }
        for (c, h) in s.header.iter().enumerate() {
            let width = s
                .rows
                .iter()
                .map(|r| r.get(c).map(|v| v.chars().count()).unwrap_or(0))
                .chain(std::iter::once(h.chars().count()))
                .max()
                .unwrap_or(10)
                .clamp(6, 60);
            ws.set_column_width(c as u16, width as f64 + 2.0)
                .map_err(err)?;
        }
        ws.set_freeze_panes(1, 0).map_err(err)?;
        if !s.rows.is_empty() {
            ws.autofilter(
                0,
                0,
                s.rows.len() as u32,
                s.header.len().saturating_sub(1) as u16,
            )
            .map_err(err)?;
        }
    }
    if sheets.is_empty() {
        wb.add_worksheet();
    }
    wb.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xlsx_round_trip_keeps_codes_and_diacritics() {
        let rows = vec![
            vec![
                "29374-01".to_string(),
                "Ấp Đầu Giồng".to_string(),
                "Ấp".to_string(),
            ],
            vec![
                "00004".to_string(),
                "Phường Ba Đình".to_string(),
                "Phường".to_string(),
            ],
        ];
        let bytes = write_table("Đơn vị", &["code", "name", "kind"], &rows).unwrap();
        let back = read_table(&bytes, "x.xlsx").unwrap();
        assert_eq!(back[0], vec!["code", "name", "kind"]);
        assert_eq!(&back[1..], &rows[..]);
    }

    #[test]
    fn csv_with_bom_and_bad_encoding() {
        let t = read_table("\u{feff}code,name\n1,Ấp A\n".as_bytes(), "a.csv").unwrap();
        assert_eq!(t, vec![vec!["code", "name"], vec!["1", "Ấp A"]]);
        assert!(matches!(
            read_table(&[0xff, 0xfe, 0x41], "a.csv"),
            Err(ReportError::Encoding)
        ));
        assert!(matches!(
            read_table(b"not a zip", "a.xlsx"),
            Err(ReportError::Spreadsheet(_))
        ));
    }
}
