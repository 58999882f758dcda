use std::io::Write;
use std::process::Command;

use serde_json::json;

use super::*;

/// Text of a PDF as `pdftotext -layout` gives it (poppler-utils; CI installs it).
pub(crate) fn pdf_text(pdf: &[u8]) -> String {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(pdf).expect("write pdf");
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(file.path())
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(out.status.success(), "pdftotext failed: {out:?}");
    String::from_utf8(out.stdout).expect("utf-8")
}

const SAMPLE: &str = r#"
#import "heading.typ": official-page, official-heading, official-title, data
#show: official-page
#official-heading(parent: data.parent, issuer: data.issuer, number: data.number, place: data.place, date: data.date)
#official-title(data.title, subtitle: data.subtitle)
#data.body

#table(columns: (auto, 1fr, auto),
  [TT], [Tiêu chí], [Kết quả],
  ..data.rows.map(r => (r.no, r.name, r.result)).flatten())
"#;

fn sample_data() -> serde_json::Value {
    json!({
        "parent": "UBND tỉnh Trà Vinh",
        "issuer": "Văn phòng Điều phối Nông thôn mới",
        "number": "15/BC-VPĐP",
        "place": "Trà Vinh",
        "date": "29/11/2026",
        "title": "Báo cáo kết quả thẩm định",
        "subtitle": "hồ sơ xét công nhận xã đạt chuẩn Nông thôn mới năm 2025",
        "body": "Xã Châu Thành đạt 19/19 tiêu chí; tỷ lệ hài lòng 92,5%.",
        "rows": [
            {"no": "1", "name": "Quy hoạch", "result": "Đạt"},
            {"no": "17", "name": "Môi trường và an toàn thực phẩm", "result": "Chưa đạt"},
        ],
    })
}

#[test]
fn heading_and_vietnamese_text_survive_the_round_trip() {
    let pdf = render(SAMPLE, &sample_data()).expect("render");
    assert!(pdf.starts_with(b"%PDF-"));
    if let Ok(path) = std::env::var("NTM_PDF_SAMPLE_OUT") {
        std::fs::write(path, &pdf).expect("write sample");
    }
    let text = pdf_text(&pdf);
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Trà Vinh, ngày 29 tháng 11 năm 2026",
        "UBND TỈNH TRÀ VINH",
        // The issuing body wraps inside its column.
        "VĂN PHÒNG ĐIỀU PHỐI",
        "NÔNG THÔN MỚI",
        "Số: 15/BC-VPĐP",
        "Nông thôn mới",
        "tỷ lệ hài lòng 92,5%",
        "Môi trường và an toàn thực phẩm",
        "Chưa đạt",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn user_text_is_data_not_markup() {
    let mut data = sample_data();
    let nasty = r#"#panic("x") *đậm* _nghiêng_ $x^2$ ] [ // không phải chú thích @nhan <nhan> \ "#;
    data["body"] = json!(nasty);
    data["issuer"] = json!("#set page(width: 1cm)");
    let pdf = render(SAMPLE, &data).expect("render");
    let text = pdf_text(&pdf);
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let want: String = nasty.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(&want), "{want:?} not verbatim in:\n{text}");
    assert!(flat.contains("#SET PAGE(WIDTH: 1CM)"), "{text}");
}

#[test]
fn template_errors_are_reported_not_panicked() {
    let err = render("#let x = (", &json!({})).expect_err("syntax error");
    assert!(matches!(err, PdfError::Template(_)), "{err:?}");
    let err = render("#panic(\"hỏng\")", &json!({})).expect_err("panic");
    assert!(err.to_string().contains("hỏng"), "{err}");
}

#[test]
fn no_packages_and_no_files_outside_the_embedded_library() {
    for source in [
        "#import \"@preview/tablex:0.0.8\": tablex\nx",
        "#read(\"/etc/passwd\")",
        "#image(\"/usr/share/pixmaps/debian-logo.png\")",
    ] {
        assert!(render(source, &json!({})).is_err(), "{source} should fail");
    }
}

#[test]
fn only_embedded_fonts_are_used() {
    // Four faces of one family, nothing else: an unknown family cannot pick up a system font.
    let fonts = fonts().expect("fonts");
    assert_eq!(fonts.len(), 4);
    assert!(fonts.iter().all(|f| f.info().family == "Liberation Serif"));
}

/// The shape `ntm_app::dossier_pdf` produces (kept in step with it by the app's own tests).
pub(crate) fn dossier_sample() -> serde_json::Value {
    json!({
        "title": "Hồ sơ đề nghị xét, công nhận",
        "subtitle": "Xã đạt chuẩn nông thôn mới năm 2025",
        "heading": {"parent": "UBND tỉnh Trà Vinh", "issuer": "UBND xã Châu Thành", "number": null,
                    "place": "Châu Thành", "date": "29/11/2026"},
        "unit": {"name": "Xã Châu Thành", "code": "29374", "parents": "Huyện Châu Thành, Tỉnh Trà Vinh"},
        "kind": "Xã đạt chuẩn nông thôn mới",
        "year": "2025",
        "set": "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021–2025",
        "dossier_date": "02/06/2025",
        "period": "Trước 01/07/2025: xã → huyện thẩm tra → tỉnh thẩm định",
        "state": "Đã thẩm định",
        "state_since": "20/08/2025",
        "decision": null,
        "criteria": {
            "summary": "Đạt 1/2 tiêu chí trên số liệu đã xác minh.",
            "rule": "Chỉ tính “Đạt” khi tiêu chí đạt theo ngưỡng đã xác nhận và mọi chỉ tiêu dùng số liệu đã xác minh.",
            "rows": [
                {"number": "1", "name": "Quy hoạch", "met": true, "result": "Đạt", "note": ""},
                {"number": "17", "name": "Môi trường và an toàn thực phẩm", "met": false,
                 "result": "Chưa đạt", "note": "Tạm đạt, số liệu chưa xác minh"},
            ],
        },
        "survey": {"text": "Chưa có kết quả lấy ý kiến.", "threshold": "Ngưỡng: chưa có ngưỡng đã xác nhận."},
        "documents": [{"kind": "Tờ trình", "name": "Tờ trình đề nghị", "date": "03/06/2025"}],
        "events": [
            {"seq": "1", "date": "03/06/2025", "step": "Công khai báo cáo, lấy ý kiến: bắt đầu", "who": "xa.chauthanh (cán bộ xã)", "note": ""},
            {"seq": "2", "date": "10/07/2025", "step": "Thẩm định: trả hồ sơ", "who": "tinh.travinh (cán bộ tỉnh)", "note": "Thiếu biên bản họp #set"},
        ],
        "footer": "Tài liệu tạo từ NTM Số ngày 29/11/2026.",
    })
}

#[test]
fn dossier_template_renders() {
    let pdf = render(templates::DOSSIER, &dossier_sample()).expect("render dossier");
    if let Ok(path) = std::env::var("NTM_PDF_DOSSIER_OUT") {
        std::fs::write(path, &pdf).expect("write sample");
    }
    let text = pdf_text(&pdf);
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "UBND XÃ CHÂU THÀNH",
        "Xã Châu Thành",
        "Môi trường và an toàn thực phẩm",
        "Chưa có kết quả lấy ý kiến.",
        "Thiếu biên bản họp #set",
        "QUÁ TRÌNH XỬ LÝ HỒ SƠ",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
}

#[test]
fn rendering_is_fast_enough_for_a_request() {
    let data = dossier_sample();
    render(templates::DOSSIER, &data).expect("warm up");
    let runs = 10;
    let started = std::time::Instant::now();
    let mut size = 0;
    for _ in 0..runs {
        size = render(templates::DOSSIER, &data).expect("render").len();
    }
    let each = started.elapsed() / runs;
    eprintln!("dossier sample: {size} bytes, {each:?} per PDF (this build's profile)");
    // Generous bound for a debug build on a busy 2-core machine.
    assert!(each < std::time::Duration::from_secs(3), "{each:?}");
}

#[test]
fn trace_labels_sheet() {
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"29\" height=\"29\" viewBox=\"0 0 29 29\"><rect width=\"29\" height=\"29\" fill=\"#fff\"/><path fill=\"#000\" d=\"M4 4h7v7h-7z\"/></svg>";
    let pdf = render(
        templates::TRACE_LABELS,
        &json!({
            "product": "Gạo thơm Cầu Ngang",
            "producer": "HTX Cầu Ngang",
            "lot_label": "Số lô / Lot: 2026-03-A",
            "lot": "2026-03-A",
            "uri": "https://trace.example/01/09520123456788/10/2026-03-A",
            "qr": svg,
            "count": 24,
        }),
    )
    .expect("labels render");
    let text = pdf_text(&pdf);
    // Three labels a row: the name wraps, so each row's lines hold three copies.
    assert_eq!(text.matches("Gạo thơm Cầu").count(), 24, "{text}");
    assert_eq!(text.matches("2026-03-A").count(), 24, "{text}");
}
