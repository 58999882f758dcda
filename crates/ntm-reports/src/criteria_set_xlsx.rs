//! A criteria-set version as an XLSX workbook (the table of
//! `ntm_domain::criteria::authoring::table`), and the reader that gives the sheets back with
//! their merged regions.
//!
//! Sheet `Chỉ tiêu`: a bold, frozen header row (row 1), then one row per indicator; every
//! cell is text (what people type stays as typed: `80,5`, `Đạt`, codes); the kind and
//! operator columns carry a list validation; the status column is grey (informative).
//! Sheet `Thông tin bộ`: the format marker, then label/value rows (id, version, title,
//! validity, extends).

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use ntm_domain::criteria::authoring::table::{
    COL_KIND, COL_OP, Grid, KINDS, MARKER, OPS, SHEET_INDICATORS, SHEET_META, SetTable,
};
use rust_xlsxwriter::{Color, DataValidation, Format, Workbook, XlsxError};

use crate::ReportError;

fn werr(e: XlsxError) -> ReportError {
    ReportError::Write(e.to_string())
}

/// Rows below the last indicator that still get the kind/operator lists (new rows).
const SPARE_ROWS: u32 = 200;

/// Writes the workbook of a set version.
pub fn write_criteria_set(t: &SetTable) -> Result<Vec<u8>, ReportError> {
    let mut wb = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_num_format("@")
        .set_background_color(Color::RGB(0xD9E1F2));
    let text = Format::new().set_num_format("@");
    let status = Format::new()
        .set_num_format("@")
        .set_italic()
        .set_font_color(Color::Gray);
    let ws = wb.add_worksheet();
    ws.set_name(SHEET_INDICATORS).map_err(werr)?;
    let status_col = t.layout.col_status() as u16;
    for (c, h) in t.header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &header)
            .map_err(werr)?;
        // Typed values stay text in every column (no 80 % turned into 0,8).
        ws.set_column_format(c as u16, &text).map_err(werr)?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let f = if c as u16 == status_col {
                &status
            } else {
                &text
            };
            ws.write_string_with_format((r + 1) as u32, c as u16, v, f)
                .map_err(werr)?;
        }
    }
    for (c, h) in t.header.iter().enumerate() {
        let width = t
            .rows
            .iter()
            .map(|r| r.get(c).map_or(0, |v| v.chars().count()))
            .chain(std::iter::once(h.chars().count()))
            .max()
            .unwrap_or(10)
            .clamp(6, 50);
        ws.set_column_width(c as u16, width as f64 + 2.0)
            .map_err(werr)?;
    }
    ws.set_freeze_panes(1, 3).map_err(werr)?;
    let last = t.rows.len() as u32 + SPARE_ROWS;
    let kinds = DataValidation::new()
        .allow_list_strings(&KINDS)
        .map_err(werr)?
        .ignore_blank(true);
    ws.add_data_validation(1, COL_KIND as u16, last, COL_KIND as u16, &kinds)
        .map_err(werr)?;
    let ops = DataValidation::new()
        .allow_list_strings(&OPS)
        .map_err(werr)?
        .ignore_blank(true);
    ws.add_data_validation(1, COL_OP as u16, last, COL_OP as u16, &ops)
        .map_err(werr)?;

    let meta = wb.add_worksheet();
    meta.set_name(SHEET_META).map_err(werr)?;
    let grey = Format::new()
        .set_font_color(Color::Gray)
        .set_font_size(8)
        .set_num_format("@");
    let bold = Format::new().set_bold().set_num_format("@");
    meta.write_string_with_format(0, 0, MARKER, &grey)
        .map_err(werr)?;
    for (r, (k, v)) in t.meta.iter().enumerate() {
        meta.write_string_with_format((r + 1) as u32, 0, k, &bold)
            .map_err(werr)?;
        meta.write_string_with_format((r + 1) as u32, 1, v, &text)
            .map_err(werr)?;
    }
    meta.set_column_width(0, 22.0).map_err(werr)?;
    meta.set_column_width(1, 60.0).map_err(werr)?;
    wb.save_to_buffer().map_err(werr)
}

/// Reads every worksheet of an XLSX file as [`Grid`]s (cells as text, their first cell, and
/// the merged regions), within the upload limits of [`crate::sheets`] (checked before any
/// cell is read; the merged regions are read only after). Only XLSX: the table is made by
/// [`write_criteria_set`].
pub fn read_criteria_set(bytes: &[u8]) -> Result<Vec<Grid>, ReportError> {
    let mut sheets = sheets_of(bytes)?;
    let mut wb: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| ReportError::Spreadsheet(e.to_string()))?;
    for g in &mut sheets {
        g.merged = wb
            .merge_cells_by_sheet_name(&g.name)
            .map_err(|e| ReportError::Spreadsheet(format!("{}: {e}", g.name)))?
            .into_iter()
            .map(|d| (d.start, d.end))
            .collect();
    }
    Ok(sheets)
}

/// Every worksheet through the one bounded reader ([`crate::sheets`], upload limits).
fn sheets_of(bytes: &[u8]) -> Result<Vec<Grid>, ReportError> {
    Ok(
        crate::sheets::read_sheets(bytes, false, &crate::sheets::Limits::UPLOAD)?
            .into_iter()
            .map(|s| Grid {
                name: s.name,
                start: s.start,
                rows: s.rows,
                merged: Vec::new(),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ntm_domain::criteria::authoring::table::{Axis, Layout};

    fn table() -> SetTable {
        let layout = Layout::new(Axis::Groups);
        let header = layout.headers();
        let mut row = vec![String::new(); header.len()];
        row[0] = "1".into();
        row[2] = "1.1".into();
        row[3] = "Tỷ lệ hộ dùng nước sạch".into();
        row[5] = "percent".into();
        row[7] = ">=".into();
        row[8] = "80,5".into();
        SetTable {
            meta: vec![("Mã bộ tiêu chí".into(), "xa-ntm-x".into())],
            layout,
            header,
            rows: vec![row],
        }
    }

    #[test]
    fn written_table_reads_back_with_its_cells_and_sheets() {
        let t = table();
        let bytes = write_criteria_set(&t).expect("write");
        let g = read_criteria_set(&bytes).expect("read");
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].name, SHEET_INDICATORS);
        assert_eq!(g[0].start, (0, 0));
        assert_eq!(g[0].rows[0], t.header);
        assert_eq!(g[0].get(1, 8), "80,5");
        assert_eq!(g[0].get(1, 3), "Tỷ lệ hộ dùng nước sạch");
        assert!(g[0].merged.is_empty());
        assert_eq!(g[1].name, SHEET_META);
        assert_eq!(g[1].get(0, 0), MARKER);
        assert_eq!(g[1].get(1, 1), "xa-ntm-x");
    }

    #[test]
    fn merged_regions_are_reported() {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(SHEET_INDICATORS).expect("name");
        ws.write_string(0, 0, "Tiêu chí").expect("w");
        ws.merge_range(2, 3, 2, 4, "gộp", &Format::new())
            .expect("merge");
        let bytes = wb.save_to_buffer().expect("save");
        let g = read_criteria_set(&bytes).expect("read");
        assert_eq!(g[0].merged, vec![((2, 3), (2, 4))]);
        assert_eq!(g[0].get(2, 3), "gộp");
    }
}
