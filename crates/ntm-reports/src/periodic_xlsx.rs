//! A periodic progress report (báo cáo định kỳ) as one XLSX sheet: the heading lines, the
//! figures table (actual values as numbers, with the vi-VN text beside them for reading),
//! then the narrative sections. Everything is prepared by the caller (`ntm_app::reports`).

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook};

use crate::ReportError;

/// One row of the figures table.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureRow {
    pub code: String,
    pub text: String,
    /// "≥ 30 %".
    pub target: String,
    /// The actual value as a number (an empty cell when unknown).
    pub actual: Option<f64>,
    /// The actual value as shown ("30,5 %", "chưa có số liệu").
    pub actual_text: String,
    pub status: String,
    pub agency: String,
}

/// Everything the sheet shows.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodicSheet {
    /// Lines above the table (issuer, number, place and date, title…), first one bold.
    pub heading: Vec<String>,
    pub figures: Vec<FigureRow>,
    /// (section title, text).
    pub sections: Vec<(String, String)>,
    /// Lines below (recipients, state, source of the figures).
    pub footer: Vec<String>,
}

/// Writes the report as an XLSX workbook with one sheet "Báo cáo".
pub fn write_periodic(s: &PeriodicSheet) -> Result<Vec<u8>, ReportError> {
    let err = |e: rust_xlsxwriter::XlsxError| ReportError::Write(e.to_string());
    let mut wb = Workbook::new();
    let title = Format::new().set_bold().set_font_size(13);
    let plain = Format::new().set_text_wrap();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_background_color(Color::RGB(0xD9E1F2))
        .set_border(FormatBorder::Thin);
    let cell = Format::new()
        .set_text_wrap()
        .set_num_format("@")
        .set_border(FormatBorder::Thin);
    let number = Format::new()
        .set_num_format("#,##0.0")
        .set_border(FormatBorder::Thin);
    let section = Format::new().set_bold();
    let ws = wb.add_worksheet();
    ws.set_name("Báo cáo").map_err(err)?;
    let widths = [8.0, 48.0, 12.0, 12.0, 16.0, 16.0, 28.0];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w).map_err(err)?;
    }
    let mut row: u32 = 0;
    for (i, line) in s.heading.iter().enumerate() {
        let f = if i == 0 { &title } else { &plain };
        ws.merge_range(row, 0, row, 6, line, f).map_err(err)?;
        row += 1;
    }
    row += 1;
    let head = [
        "Mã",
        "Chỉ tiêu",
        "Mục tiêu",
        "Thực hiện (số)",
        "Thực hiện",
        "Đánh giá",
        "Cơ quan chủ trì",
    ];
    for (c, h) in head.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, &header)
            .map_err(err)?;
    }
    let table_top = row;
    row += 1;
    for f in &s.figures {
        ws.write_string_with_format(row, 0, &f.code, &cell)
            .map_err(err)?;
        ws.write_string_with_format(row, 1, &f.text, &cell)
            .map_err(err)?;
        ws.write_string_with_format(row, 2, &f.target, &cell)
            .map_err(err)?;
        match f.actual {
            Some(v) => ws.write_number_with_format(row, 3, v, &number),
            None => ws.write_string_with_format(row, 3, "", &cell),
        }
        .map_err(err)?;
        ws.write_string_with_format(row, 4, &f.actual_text, &cell)
            .map_err(err)?;
        ws.write_string_with_format(row, 5, &f.status, &cell)
            .map_err(err)?;
        ws.write_string_with_format(row, 6, &f.agency, &cell)
            .map_err(err)?;
        row += 1;
    }
    ws.set_freeze_panes(table_top + 1, 0).map_err(err)?;
    row += 1;
    for (t, text) in &s.sections {
        ws.merge_range(row, 0, row, 6, t, &section).map_err(err)?;
        row += 1;
        let body = if text.trim().is_empty() { "—" } else { text };
        ws.merge_range(row, 0, row, 6, body, &plain).map_err(err)?;
        let lines = body.lines().count().max(1) + body.chars().count() / 110;
        ws.set_row_height(row, (lines as f64 * 15.0).min(400.0))
            .map_err(err)?;
        row += 2;
    }
    for line in &s.footer {
        ws.merge_range(row, 0, row, 6, line, &plain).map_err(err)?;
        row += 1;
    }
    wb.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_figures_and_sections() {
        let s = PeriodicSheet {
            heading: vec![
                "BÁO CÁO".into(),
                "Trà Vinh, ngày 25 tháng 6 năm 2023".into(),
            ],
            figures: vec![FigureRow {
                code: "1a-tinh".into(),
                text: "Hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng".into(),
                target: "≥ 30 %".into(),
                actual: Some(1234.5),
                actual_text: "1.234,5".into(),
                status: "Đạt".into(),
                agency: "Sở Thông tin và Truyền thông".into(),
            }],
            sections: vec![("Kết quả đạt được".into(), "Đạt nhiều kết quả".into())],
            footer: vec!["Nơi nhận: Sở Nông nghiệp và Phát triển nông thôn".into()],
        };
        let bytes = write_periodic(&s).unwrap();
        let rows = crate::read_table(&bytes, "r.xlsx").unwrap();
        let flat: Vec<String> = rows.into_iter().flatten().collect();
        assert!(flat.iter().any(|c| c == "1a-tinh"));
        assert!(flat.iter().any(|c| c == "1.234,5"));
        assert!(flat.iter().any(|c| c == "1234.5"));
        assert!(flat.iter().any(|c| c == "Đạt nhiều kết quả"));
        assert!(flat.iter().any(|c| c.starts_with("Nơi nhận")));
    }
}
