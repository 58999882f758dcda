//! A plain data table as XLSX (open-data downloads): one sheet, a bold header row of column
//! names, typed cells (text stays text: codes keep their leading zeros).

use rust_xlsxwriter::{Format, Workbook};

use crate::ReportError;

/// A cell of a data table.
#[derive(Debug, Clone, PartialEq)]
pub enum TableCell {
    Text(String),
    Number(f64),
    Bool(bool),
    Empty,
}

/// One sheet named `sheet` (at most 31 characters are kept) with `header` then `rows`.
pub fn write_table(
    sheet: &str,
    header: &[String],
    rows: &[Vec<TableCell>],
) -> Result<Vec<u8>, ReportError> {
    let werr = |e: rust_xlsxwriter::XlsxError| ReportError::Write(e.to_string());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let name: String = sheet
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .take(31)
        .collect();
    ws.set_name(name).map_err(werr)?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)
            .map_err(werr)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                TableCell::Text(s) => {
                    ws.write_string_with_format(r, c, s, &text).map_err(werr)?;
                }
                TableCell::Number(x) => {
                    ws.write_number(r, c, *x).map_err(werr)?;
                }
                TableCell::Bool(b) => {
                    ws.write_boolean(r, c, *b).map_err(werr)?;
                }
                TableCell::Empty => {}
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(werr)?;
    wb.save_to_buffer().map_err(werr)
}
