//! The dossier PDF (`GET /dossiers/{id}/pdf`, `GET /api/v1/dossiers/{id}/pdf`): a real PDF whose
//! text (read back with `pdftotext`, poppler-utils) carries the unit, the criteria rows with
//! their diacritics, the history with reasons; and who may download it.

use std::io::Write;
use std::process::Command;

use axum_test::TestServer;
use ntm_app::users::{GrantInput, NewUser, add_user};
use ntm_app::{Actor, App, Db};
use serde_json::{Value, json};

use crate::helpers::{COMMUNE, PASSWORD, browser, location, logged_in, setup, token};

/// The PDF's text: (reading order with whitespace collapsed, `-layout` lines).
fn pdf_text(pdf: &[u8]) -> (String, String) {
    let path = std::env::temp_dir().join(format!("ntm-dossier-{}.pdf", uuid::Uuid::now_v7()));
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(pdf))
        .expect("write pdf");
    let run = |layout: bool| {
        let mut cmd = Command::new("pdftotext");
        if layout {
            cmd.arg("-layout");
        }
        let out = cmd
            .args(["-enc", "UTF-8"])
            .arg(&path)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils) must be installed");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let (raw, layout) = (run(false), run(true));
    let _ = std::fs::remove_file(&path);
    // Reading order, whitespace collapsed: text wrapped inside a table cell reads as one line.
    let raw = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    (raw, layout)
}

async fn api_post(server: &TestServer, path: &str, body: Value) -> axum_test::TestResponse {
    let t = token(server).await;
    server
        .post(path)
        .add_header("x-csrf-token", t.as_str())
        .json(&body)
        .await
}

/// A pre-2025 dossier of Thị trấn Châu Thành (Huyện Châu Thành, Tỉnh Trà Vinh) with one step
/// done, plus a viewer of another commune.
async fn fixture(db: Db) -> (App, String) {
    let app = setup(db).await;
    add_user(
        &app,
        &Actor::cli(),
        NewUser {
            username: "xem.tanan".into(),
            display_name: "Người xem xã Tân An".into(),
            password: PASSWORD.into(),
            grants: vec![GrantInput::parse("viewer@29278").unwrap()],
        },
    )
    .await
    .unwrap();
    let xa = logged_in(&app, "xa.chauthanh").await;
    let res = api_post(
        &xa,
        "/api/v1/dossiers",
        json!({"unit": COMMUNE, "set": "xa-ntm-2021-2025", "year": 2024, "date": "2024-05-02"}),
    )
    .await;
    assert_eq!(res.status_code(), 201, "{}", res.text());
    let id = res.json::<Value>()["id"].as_str().unwrap().to_string();
    let res = api_post(
        &xa,
        &format!("/api/v1/dossiers/{id}/actions"),
        json!({"action": "start_posting", "expected_seq": 0, "date": "2024-05-03",
               "documents": ["results_report"]}),
    )
    .await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    (app, id)
}

ntm_testkit::both_backends!(
    dossier_pdf_has_the_dossier_in_vietnamese,
    |db: Db| async move {
        let (app, id) = fixture(db).await;
        let xa = logged_in(&app, "xa.chauthanh").await;
        let started = std::time::Instant::now();
        let res = xa.get(&format!("/dossiers/{id}/pdf")).await;
        let took = started.elapsed();
        assert_eq!(res.status_code(), 200, "{}", res.text());
        assert_eq!(res.header("content-type"), "application/pdf");
        assert!(
            res.header("content-disposition")
                .to_str()
                .unwrap()
                .contains("ho-so-29374-2024.pdf")
        );
        let bytes = res.as_bytes().to_vec();
        assert!(bytes.starts_with(b"%PDF-"));
        eprintln!(
            "dossier PDF: {} bytes in {took:?} (debug build, whole request)",
            bytes.len()
        );
        if let Ok(path) = std::env::var("NTM_DOSSIER_PDF_OUT") {
            std::fs::write(path, &bytes).unwrap();
        }
        let (text, layout) = pdf_text(&bytes);
        for expected in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "UBND HUYỆN CHÂU THÀNH",
            "UBND THỊ TRẤN CHÂU THÀNH",
            "Châu Thành, ngày",
            "Thị trấn Châu Thành",
            "Huyện Châu Thành, Tỉnh Trà Vinh",
            "Xã đạt chuẩn nông thôn mới năm 2024",
            "Đang công khai lấy ý kiến",
            "Quy hoạch",
            "Chưa đạt",
            "Môi trường và an toàn thực phẩm",
            "chỉ tiêu chưa có số liệu",
            "Chưa có kết quả lấy ý kiến sự hài lòng của người dân.",
            "Báo cáo kết quả",
            "Công khai báo cáo, lấy ý kiến: bắt đầu",
            "02/05/2024",
            "03/05/2024",
            "xa.chauthanh",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
        // No data entered: no criterion reads "Đạt".
        assert!(text.contains("Đạt 0/19 tiêu chí"), "{text}");
        let rows: Vec<&str> = layout
            .lines()
            .filter(|l| {
                l.split_whitespace()
                    .next()
                    .is_some_and(|w| w.parse::<u8>().is_ok_and(|n| (1..=19).contains(&n)))
            })
            .filter(|l| l.contains("Quy hoạch") || l.contains("Giao thông") || l.contains("Y tế"))
            .collect();
        assert_eq!(rows.len(), 3, "{layout}");
        for row in rows {
            assert!(row.contains("Chưa đạt"), "{row}");
            assert!(!row.split_whitespace().any(|w| w == "Đạt"), "{row}");
        }

        // The API route gives the same document.
        let res = xa.get(&format!("/api/v1/dossiers/{id}/pdf")).await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        assert_eq!(res.header("content-type"), "application/pdf");
        // The country-wide viewer may read it too.
        let res = logged_in(&app, "xem")
            .await
            .get(&format!("/dossiers/{id}/pdf"))
            .await;
        assert_eq!(res.status_code(), 200);
    }
);

ntm_testkit::both_backends!(dossier_pdf_authorization, |db: Db| async move {
    let (app, id) = fixture(db).await;
    // Anonymous: the page sends to the login page; the API answers 401.
    let anon = browser(&app);
    let res = anon.get(&format!("/dossiers/{id}/pdf")).await;
    assert_eq!(res.status_code(), 303);
    assert!(location(&res).starts_with("/login"), "{}", location(&res));
    let res = anon.get(&format!("/api/v1/dossiers/{id}/pdf")).await;
    assert_eq!(res.status_code(), 401);
    assert_eq!(res.header("content-type"), "application/problem+json");
    // Another commune's officer and a viewer of another commune: 403, no PDF.
    for who in ["xa.tanan", "xem.tanan"] {
        let s = logged_in(&app, who).await;
        let res = s.get(&format!("/dossiers/{id}/pdf")).await;
        assert_eq!(res.status_code(), 403, "{who}");
        assert_ne!(res.header("content-type"), "application/pdf");
        let res = s.get(&format!("/api/v1/dossiers/{id}/pdf")).await;
        assert_eq!(res.status_code(), 403, "{who}");
    }
    // Unknown or malformed ids: 404.
    let xa = logged_in(&app, "xa.chauthanh").await;
    for bad in ["not-a-uuid", "0190a000-0000-7000-8000-000000000000"] {
        let res = xa.get(&format!("/dossiers/{bad}/pdf")).await;
        assert_eq!(res.status_code(), 404, "{bad}");
    }
});
