//! The plan dashboard table as XLSX: a title row, the document cited, a bold frozen header,
//! one row per target.

use rust_xlsxwriter::{Format, Workbook};

use crate::ReportError;

/// The table to write (texts already translated and formatted, vi numbers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanTable {
    pub title: String,
    /// Second row: the plan's document ("Văn bản: Kế hoạch số 38/KH-UBND ngày …").
    pub subtitle: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Writes the table on one sheet "Chỉ tiêu".
pub fn write_plan(t: &PlanTable) -> Result<Vec<u8>, ReportError> {
    let err = |e: rust_xlsxwriter::XlsxError| ReportError::Write(e.to_string());
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let ws = wb.add_worksheet();
    ws.set_name("Chỉ tiêu").map_err(err)?;
    ws.write_string_with_format(0, 0, &t.title, &bold)
        .map_err(err)?;
    if !t.subtitle.is_empty() {
        ws.write_string(1, 0, &t.subtitle).map_err(err)?;
    }
    for (c, h) in t.header.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, h, &bold)
            .map_err(err)?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string_with_format((r + 3) as u32, c as u16, v, &wrap)
                .map_err(err)?;
        }
    }
    for c in 0..t.header.len() {
        let width = t
            .rows
            .iter()
            .map(|r| r.get(c).map(|v| v.chars().count()).unwrap_or(0))
            .chain(std::iter::once(t.header[c].chars().count()))
            .max()
            .unwrap_or(10)
            .clamp(6, 50);
        ws.set_column_width(c as u16, width as f64 + 2.0)
            .map_err(err)?;
    }
    ws.set_freeze_panes(3, 0).map_err(err)?;
    wb.save_to_buffer().map_err(err)
}
