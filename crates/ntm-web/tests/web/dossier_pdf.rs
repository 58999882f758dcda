//! The dossier PDF (`GET /dossiers/{id}/pdf`, `GET /api/v1/dossiers/{id}/pdf`): a real PDF whose
//! text (read back with `pdftotext`, poppler-utils) carries the unit, the criteria rows with
//! their diacritics, the history with reasons; and who may download it.

use axum_test::TestServer;
use ntm_app::procedure_settings::SettingInput;
use ntm_app::surveys;
use ntm_app::users::{GrantInput, NewUser, add_user};
use ntm_app::{Actor, App, Db};
use ntm_domain::dossier::DossierKind;
use serde_json::{Value, json};

use crate::helpers::{
    COMMUNE, PASSWORD, add_two_hamlets, browser, closed_campaign_with_contents, location,
    logged_in, setup, token,
};

/// The PDF's text (see `helpers::pdf_text`); these tests need pdftotext.
fn pdf_text(pdf: &[u8]) -> (String, String) {
    crate::helpers::pdf_text(pdf).expect("pdftotext (poppler-utils) must be installed")
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

// ---------------------------------------------------------------- survey details

async fn pdf_of(server: &TestServer, id: &str, out: &str) -> (String, String) {
    let res = server.get(&format!("/dossiers/{id}/pdf")).await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    let bytes = res.as_bytes().to_vec();
    if let Ok(dir) = std::env::var("NTM_DOSSIER_PDF_DIR") {
        std::fs::write(std::path::Path::new(&dir).join(out), &bytes).unwrap();
    }
    pdf_text(&bytes)
}

// The survey section of the PDF: households and their share, the province's minimum share
// with its basis (or that none is configured), the contents with their rates, and for a
// district dossier the lowest rate over commune × content.
ntm_testkit::both_backends!(
    dossier_pdf_survey_households_contents_and_district_rule,
    |db: Db| async move {
        let (app, id) = fixture(db).await;
        let h = add_two_hamlets(&app).await;
        let (h1, h2) = (h[0].as_str(), h[1].as_str());
        let code = closed_campaign_with_contents(
            &app,
            COMMUNE,
            "xa-ntm-2021-2025",
            2024,
            &[
                (h1, "1", "1", "1"),
                (h1, "1", "1", "0"),
                (h1, "0", "0", ""),
                (h1, "-", "", ""),
                (h2, "1", "1", "1"),
            ],
        )
        .await;
        let xa = logged_in(&app, "xa.chauthanh").await;

        // No households entered, no minimum configured: both said.
        let (text, _) = pdf_of(&xa, &id, "commune-no-households.pdf").await;
        for expected in [
            "3 trên 4 phiếu hợp lệ hài lòng, tỷ lệ 75,00 %.",
            "Số hộ được lấy ý kiến: 5 phiếu thu về; chưa nhập số hộ.",
            // (pdftotext drops a hyphen that ends a line: "MTTW-BTT" is not compared.)
            "Tỷ lệ hộ tối thiểu được lấy ý kiến: chưa cấu hình (mức theo Hướng dẫn 90/HD-MTTW",
            "chưa được xác nhận; không kiểm tra khi xét công nhận).",
            "Tỷ lệ hài lòng theo từng nội dung xây dựng nông thôn mới:",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }

        // Households entered (1.500 + 500) and a minimum configured by the province.
        surveys::set_households(
            &app,
            &Actor::cli(),
            &code,
            &[(h1.into(), Some(1500)), (h2.into(), Some(500))],
            None,
        )
        .await
        .unwrap();
        let uuid: uuid::Uuid = id.parse().unwrap();
        let province = ntm_app::dossiers::get(&app, &Actor::cli(), uuid)
            .await
            .unwrap()
            .province_code;
        ntm_app::procedure_settings::put(
            &app,
            &Actor::cli(),
            &province,
            SettingInput::Coverage {
                kind: DossierKind::CommuneNtm,
                percent: 60,
            },
            "Kế hoạch 12/KH-UBND tỉnh, mục 3",
        )
        .await
        .unwrap();
        let (text, layout) = pdf_of(&xa, &id, "commune.pdf").await;
        for expected in [
            "Số hộ được lấy ý kiến: 5 / 2.000 hộ (0,3 %).",
            "Tỷ lệ hộ tối thiểu được lấy ý kiến: 60 % (căn cứ: Kế hoạch 12/KH-UBND tỉnh, \
             mục 3) — chưa đạt.",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
        // The table's header (reading order goes column by column: use the layout).
        let header = |cols: &[&str]| {
            layout.lines().any(|l| {
                let l = l.split_whitespace().collect::<Vec<_>>().join(" ");
                cols.iter().all(|c| l.contains(c))
            })
        };
        assert!(
            header(&["TT", "Nội dung", "Hài lòng / hợp lệ", "Tỷ lệ"]),
            "{layout}"
        );
        assert!(!header(&["Thấp nhất theo xã"]), "{layout}");
        // The content rows (one line each in the layout).
        let row = |name: &str| {
            layout
                .lines()
                .find(|l| l.contains(name) && l.contains('%') && l.contains('/'))
                .unwrap_or_else(|| panic!("row {name} in:\n{layout}"))
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(row("Giao thông"), "1 Giao thông 3/4 75,00 %");
        assert_eq!(row("Môi trường"), "2 Môi trường 2/3 66,67 %");
        // A commune dossier has no commune × content line.
        assert!(!text.contains("thấp nhất ở từng xã"), "{text}");

        // A district dossier (before 01/07/2025): the lowest commune × content rate, with the
        // commune and content, against the 80 % rule.
        add_user(
            &app,
            &Actor::cli(),
            NewUser {
                username: "huyen.chauthanh".into(),
                display_name: "Cán bộ huyện Châu Thành".into(),
                password: PASSWORD.into(),
                grants: vec![GrantInput::parse("district_officer@847").unwrap()],
            },
        )
        .await
        .unwrap();
        closed_campaign_with_contents(
            &app,
            "847",
            "huyen-ntm-2021-2025",
            2024,
            &[
                ("29374", "1", "1", "1"),
                ("29374", "1", "1", "1"),
                ("29377", "1", "1", "1"),
                ("29377", "1", "1", "0"),
                ("29410", "1", "1", "1"),
                ("29410", "1", "0", "1"),
                ("29410", "1", "1", "1"),
            ],
        )
        .await;
        let huyen = logged_in(&app, "huyen.chauthanh").await;
        let res = api_post(
            &huyen,
            "/api/v1/dossiers",
            json!({"unit": "847", "set": "huyen-ntm-2021-2025", "year": 2024,
                   "kind": "district_ntm", "date": "2025-03-01"}),
        )
        .await;
        assert_eq!(res.status_code(), 201, "{}", res.text());
        let did = res.json::<Value>()["id"].as_str().unwrap().to_string();
        let (text, layout) = pdf_of(&huyen, &did, "district.pdf").await;
        for expected in [
            "7 trên 7 phiếu hợp lệ hài lòng, tỷ lệ 100,00 %.",
            "Số hộ được lấy ý kiến: 7 phiếu thu về; chưa nhập số hộ.",
            "Tỷ lệ hài lòng thấp nhất ở từng xã đối với từng nội dung: 50,00 % (1 trên 2 \
             phiếu hợp lệ hài lòng; ",
            ", nội dung «Môi trường») — chưa đạt ngưỡng từ 80 % trở lên.",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
        let header = |cols: &[&str]| {
            layout.lines().any(|l| {
                let l = l.split_whitespace().collect::<Vec<_>>().join(" ");
                cols.iter().all(|c| l.contains(c))
            })
        };
        assert!(
            header(&[
                "Nội dung",
                "Hài lòng / hợp lệ",
                "Tỷ lệ",
                "Thấp nhất theo xã"
            ]),
            "{layout}"
        );
        let gt = layout
            .lines()
            .find(|l| l.contains("Giao thông") && l.contains('%'))
            .unwrap_or_else(|| panic!("{layout}"));
        assert!(
            gt.contains("6/7") && gt.contains("85,71 %") && gt.contains("66,67 %"),
            "{gt}"
        );
    }
);
