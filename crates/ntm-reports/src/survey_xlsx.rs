//! Paper satisfaction forms as a spreadsheet: the template (one row per form, the hamlet
//! code filled in, then one column per content of NTM building listed by the questionnaire)
//! and reading a filled one back with cell references for every problem.

use crate::{ReportError, TableSheet, read_table, write_sheets};

/// Header of the forms sheet (the reader checks the first row starts with these columns).
pub const HEADER: [&str; 3] = ["Mã ấp (hamlet)", "Mã hộ (household)", "Trả lời (answer)"];

/// One filled row: its spreadsheet row number (1-based, as Excel shows it) and the cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperRow {
    pub row: usize,
    pub hamlet: String,
    pub household: String,
    pub answer: String,
    /// Cells after the answer (one per content, in the questionnaire's order), trimmed;
    /// trailing blank cells dropped.
    pub contents: Vec<String>,
}

impl PaperRow {
    /// Excel reference of a column of this row: `A5`, `B5`, `C5` (content `i` is column
    /// `3 + i`).
    pub fn cell(&self, column: usize) -> String {
        format!("{}{}", column_letter(column), self.row)
    }
}

/// `A` for column 0, `B` for 1, …
pub fn column_letter(column: usize) -> char {
    char::from(b'A' + (column.min(25) as u8))
}

/// The template: `forms` rows per hamlet `(code, name)`, one column per content after the
/// answer, and a sheet explaining the accepted answers.
pub fn paper_template(
    title: &str,
    hamlets: &[(String, String)],
    contents: &[String],
    forms: usize,
) -> Result<Vec<u8>, ReportError> {
    let mut rows = Vec::new();
    for (code, _) in hamlets {
        for _ in 0..forms {
            let mut row = vec![code.clone(), String::new(), String::new()];
            row.extend(contents.iter().map(|_| String::new()));
            rows.push(row);
        }
    }
    let mut header: Vec<String> = HEADER.iter().map(|h| h.to_string()).collect();
    header.extend(contents.iter().map(|c| format!("Nội dung: {c}")));
    let mut help = vec![
        vec![title.to_owned(), String::new()],
        vec![
            "Mỗi dòng là một phiếu của một hộ (one row per household form)".to_owned(),
            String::new(),
        ],
        vec!["Hài lòng (satisfied)".to_owned(), "1 / hài lòng".to_owned()],
        vec![
            "Chưa hài lòng (not satisfied)".to_owned(),
            "0 / chưa hài lòng".to_owned(),
        ],
        vec![
            "Phiếu không hợp lệ (invalid form)".to_owned(),
            "- / không hợp lệ".to_owned(),
        ],
    ];
    if !contents.is_empty() {
        help.push(vec![
            "Các cột nội dung (one column per content)".to_owned(),
            "1 / 0, để trống nếu hộ không trả lời (blank: not answered)".to_owned(),
        ]);
    }
    for (code, name) in hamlets {
        help.push(vec![code.clone(), name.clone()]);
    }
    write_sheets(&[
        TableSheet {
            name: "Phiếu".into(),
            header,
            rows,
        },
        TableSheet {
            name: "Hướng dẫn".into(),
            header: vec!["Nội dung".into(), "Giá trị".into()],
            rows: help,
        },
    ])
}

/// Reads a filled template (XLSX/ODS/CSV): the header row is checked, blank rows and rows
/// with only the hamlet code (unused forms) are skipped.
pub fn read_paper(bytes: &[u8], file_name: &str) -> Result<Vec<PaperRow>, ReportError> {
    let table = read_table(bytes, file_name)?;
    let Some(head) = table.first() else {
        return Err(ReportError::NoSheet);
    };
    let ok = head.len() >= 3
        && head
            .iter()
            .zip(HEADER)
            .all(|(h, want)| h.trim().eq_ignore_ascii_case(want));
    if !ok {
        return Err(ReportError::Spreadsheet(format!(
            "dòng 1 phải là tiêu đề của mẫu: {} (the first row must be the template header)",
            HEADER.join(" | ")
        )));
    }
    let cell =
        |r: &Vec<String>, i: usize| r.get(i).map(|s| s.trim().to_owned()).unwrap_or_default();
    Ok(table
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, r)| !cell(r, 1).is_empty() || (2..r.len()).any(|i| !cell(r, i).is_empty()))
        .map(|(i, r)| {
            let mut contents: Vec<String> = (3..r.len()).map(|c| cell(r, c)).collect();
            while contents.last().is_some_and(String::is_empty) {
                contents.pop();
            }
            PaperRow {
                row: i + 1,
                hamlet: cell(r, 0),
                household: cell(r, 1),
                answer: cell(r, 2),
                contents,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_round_trips_and_skips_unused_forms() {
        let bytes = paper_template(
            "Lấy ý kiến",
            &[
                ("29374-01".into(), "Ấp 1".into()),
                ("29374-02".into(), "Ấp 2".into()),
            ],
            &[],
            2,
        )
        .unwrap();
        assert!(read_paper(&bytes, "p.xlsx").unwrap().is_empty());
        let csv = "Mã ấp (hamlet),Mã hộ (household),Trả lời (answer)\n\
                   29374-01,H1,1\n29374-01,,\n29374-02,H2,chưa hài lòng\n";
        let rows = read_paper(csv.as_bytes(), "p.csv").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].row, 4);
        assert_eq!(rows[1].cell(2), "C4");
        assert!(read_paper(b"a,b,c\n", "p.csv").is_err());
    }

    #[test]
    fn content_columns_follow_the_answer() {
        let contents = ["Giao thông".to_owned(), "Môi trường".to_owned()];
        let bytes =
            paper_template("Lấy ý kiến", &[("X1".into(), "Xã 1".into())], &contents, 3).unwrap();
        assert!(read_paper(&bytes, "p.xlsx").unwrap().is_empty());
        let table = crate::read_table(&bytes, "p.xlsx").unwrap();
        assert_eq!(table[0][3], "Nội dung: Giao thông");
        assert_eq!(table[0].len(), 5);
        let csv = "Mã ấp (hamlet),Mã hộ (household),Trả lời (answer),Nội dung: Giao thông,Nội dung: Môi trường\n\
                   X1,H1,1,1,0\nX1,H2,0,,\nX1,,,,\n";
        let rows = read_paper(csv.as_bytes(), "p.csv").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].contents, ["1", "0"]);
        assert!(rows[1].contents.is_empty());
        assert_eq!(rows[0].cell(4), "E2");
    }
}
