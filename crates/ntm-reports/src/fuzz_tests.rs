//! Fuzzing of the spreadsheet readers (issue 14, part 5), bounded by a fixed number of
//! cases: every reader of uploaded files (`read_table` for hamlets and observation lists,
//! `read_wide` for workbook templates, `read_paper` for survey paper forms) gets damaged
//! worksheet XML inside a valid XLSX, damaged zip bytes, and damaged CSV. The property:
//! each returns rows or an error, and never panics.

use ntm_testkit::fuzz::input;
use ntm_testkit::spreadsheets::{sheet_xml, xlsx_with_sheet_xml};
use proptest::prelude::*;

use crate::survey_xlsx::read_paper;
use crate::wide::read_wide;
use crate::{read_table, read_table_within};

const CASES: u32 = 160;

/// A small table like the ones officials upload: a header and rows of text and numbers.
fn cells() -> Vec<(&'static str, &'static str)> {
    vec![
        ("A1", "Mã"),
        ("B1", "Tên thôn, ấp"),
        ("C1", "Giá trị"),
        ("A2", "29374"),
        ("B2", "Ấp Đa Hòa"),
        ("C2", "85,5"),
        ("A3", "29377"),
        ("B3", "Ấp Bến Có"),
        ("C3", "1.234,5"),
        ("A4", "2.1"),
        ("B4", "Đạt"),
        ("C4", "12/05/2024"),
    ]
}

const CSV: &str = "Mã,Tên thôn, ấp,Giá trị\n29374,\"Ấp Đa Hòa\",\"85,5\"\n29377,Ấp Bến Có,1234.5\n2.1,Đạt,12/05/2024\n";

/// Every reader on one file; none may panic.
fn read_all(bytes: &[u8], name: &str) {
    let _ = read_table(bytes, name);
    let _ = read_table_within(bytes, name, &crate::sheets::Limits::COMMAND_LINE);
    let _ = read_wide(bytes, name);
    let _ = read_paper(bytes, name);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn damaged_worksheet_xml(xml in input(vec![
        sheet_xml(Some("A1:C4"), &cells()).into_bytes(),
        sheet_xml(None, &cells()).into_bytes(),
    ])) {
        read_all(&xlsx_with_sheet_xml(&xml), "tep.xlsx");
    }

    #[test]
    fn damaged_zip_bytes(b in input(vec![xlsx_with_sheet_xml(sheet_xml(Some("A1:C4"), &cells()).as_bytes())])) {
        read_all(&b, "tep.xlsx");
        read_all(&b, "tep.ods");
    }

    #[test]
    fn damaged_csv(b in input(vec![CSV.as_bytes().to_vec()])) {
        read_all(&b, "tep.csv");
    }
}

/// Found by `damaged_worksheet_xml`: calamine multiplies a cell reference of more than six
/// letters past `u32` (a panic where overflow is checked). An error, like any damaged file.
#[test]
fn a_cell_reference_too_long_for_a_column_is_an_error() {
    let xml = sheet_xml(None, &[("A1", "Mã"), ("ABCDEFGHIJ2", "x")]);
    let file = xlsx_with_sheet_xml(xml.as_bytes());
    assert!(read_table(&file, "tep.xlsx").is_err());
    assert!(read_wide(&file, "tep.xlsx").is_err());
    read_all(&file, "tep.xlsx");
}
