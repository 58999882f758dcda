//! A sheet as a grid of cells at their real positions (row 0 = Excel row 1, column 0 = A),
//! with the merged ranges of an XLSX file, so a reader can name every bad cell by its
//! reference ("C7") and refuse merged cells instead of guessing what they mean.

use std::io::Cursor;

use calamine::{Reader, Xlsx};

use crate::sheets::{Limits, read_sheets};

use crate::{ReportError, read_table};

/// The first sheet of a file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Grid {
    /// Cells from A1 (empty strings where the sheet has nothing).
    pub rows: Vec<Vec<String>>,
    /// Merged ranges as references (`A3:B3`); XLSX only (other formats: none).
    pub merged: Vec<String>,
}

impl Grid {
    /// The text of a cell (empty when outside the sheet).
    pub fn cell(&self, row: usize, col: usize) -> &str {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .map_or("", String::as_str)
    }
}

/// Excel's reference of a cell (0, 0 → `A1`).
pub fn cell_ref(row: usize, col: usize) -> String {
    format!("{}{}", crate::wide::column_letter(col), row + 1)
}

/// Reads the first sheet of an XLSX file (with its merged ranges), or any other table file
/// through [`read_table`] (positions from A1, no merge information).
pub fn read_grid(bytes: &[u8], file_name: &str) -> Result<Grid, ReportError> {
    let n = file_name.to_lowercase();
    if !(n.ends_with(".xlsx") || n.ends_with(".xlsm")) {
        return Ok(Grid {
            rows: read_table(bytes, file_name)?,
            merged: Vec::new(),
        });
    }
    // Cells through the one bounded reader (declared dimensions, zip sizes, cell caps:
    // `sheets.rs`); only once the file passed those checks are its merged ranges read
    // (calamine streams the `mergeCells` elements without building the sheet).
    let sheet = read_sheets(bytes, true, &Limits::UPLOAD)?
        .into_iter()
        .next()
        .ok_or(ReportError::NoSheet)?;
    let err = |e: calamine::XlsxError| ReportError::Spreadsheet(e.to_string());
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(err)?;
    let merged = wb
        .merge_cells_by_sheet_id(0)
        .map_err(err)?
        .into_iter()
        .map(|d| {
            format!(
                "{}:{}",
                cell_ref(d.start.0 as usize, d.start.1 as usize),
                cell_ref(d.end.0 as usize, d.end.1 as usize)
            )
        })
        .collect();
    let (r0, c0) = sheet.start;
    let mut rows: Vec<Vec<String>> = vec![Vec::new(); r0 as usize];
    for r in sheet.rows {
        let mut row = vec![String::new(); c0 as usize];
        row.extend(r);
        rows.push(row);
    }
    Ok(Grid { rows, merged })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_keep_their_positions_and_merges_are_reported() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(1, 2, "C2").expect("write");
        ws.merge_range(4, 0, 4, 1, "merged", &rust_xlsxwriter::Format::new())
            .expect("merge");
        let bytes = wb.save_to_buffer().expect("save");
        let g = read_grid(&bytes, "t.xlsx").expect("reads");
        assert_eq!(g.cell(1, 2), "C2");
        assert_eq!(g.cell(4, 0), "merged");
        assert_eq!(g.merged, ["A5:B5"]);
        assert_eq!(cell_ref(6, 2), "C7");
        let csv = read_grid(b"a,b\n1,2\n", "t.csv").expect("csv");
        assert_eq!(csv.cell(1, 1), "2");
        assert!(csv.merged.is_empty());
    }

    #[test]
    fn a_sheet_declaring_a_million_rows_is_refused_before_its_cells_are_built() {
        // Two cells, A1 and XFD1048576: read naively, the range is the whole sheet.
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "x").unwrap();
        ws.write_string(1_048_575, 16_383, "y").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        assert!(bytes.len() < 10_000);
        let err = read_grid(&bytes, "nhom.xlsx").unwrap_err();
        assert!(matches!(err, ReportError::TooLarge(_)), "{err:?}");
    }
}
