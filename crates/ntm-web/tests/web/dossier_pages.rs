//! Recognition dossier pages: every transition through the forms, refusals shown next to the
//! form with the typed input kept, stale versions, document uploads (type by content, size),
//! notifications, province settings used for deadlines, and who may do what.

use axum_test::TestServer;
use axum_test::multipart::{MultipartForm, Part};
use ntm_app::users::{GrantInput, NewUser, add_user};
use ntm_app::{Actor, App, Db};
use serde_json::{Value, json};

use crate::helpers::{COMMUNE, PASSWORD, browser, form_token, location, logged_in, token};

const SET: &str = "xa-ntm-2021-2025";
const SUBMISSION_DOCS: [&str; 6] = [
    "submission_letter",
    "results_report",
    "comments_summary",
    "satisfaction_report",
    "meeting_minutes",
    "capital_debt_report",
];
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

/// A fresh folder for stored files.
fn temp_data_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("ntm-dossier-pages-{}", uuid::Uuid::now_v7()))
}

async fn with_province_officer(db: Db) -> App {
    let config = ntm_app::AppConfig {
        data_dir: temp_data_dir(),
        ..Default::default()
    };
    let app = crate::helpers::app_with(db, config).await;
    add_user(
        &app,
        &Actor::cli(),
        NewUser {
            username: "tinh.vinhlong".into(),
            display_name: "Cán bộ tỉnh Vĩnh Long".into(),
            password: PASSWORD.into(),
            grants: vec![GrantInput::parse("province_officer@86").unwrap()],
        },
    )
    .await
    .unwrap();
    app
}

/// Opens a dossier dated 01/10/2026 through the API (pages open it today).
async fn open_dossier(xa: &TestServer) -> String {
    let t = token(xa).await;
    let res = xa
        .post("/api/v1/dossiers")
        .add_header("x-csrf-token", t.as_str())
        .json(&json!({"unit": COMMUNE, "set": SET, "year": 2025, "date": "2026-10-01"}))
        .await;
    assert_eq!(res.status_code(), 201, "{}", res.text());
    res.json::<Value>()["id"].as_str().unwrap().to_string()
}

async fn page_token(server: &TestServer, path: &str) -> String {
    let page = server.get(path).await;
    assert_eq!(page.status_code(), 200, "{path}: {}", page.text());
    form_token(&page.text())
}

async fn act(server: &TestServer, id: &str, fields: &[(&str, &str)]) -> axum_test::TestResponse {
    let t = token(server).await;
    let mut form: Vec<(&str, &str)> = vec![("_csrf", t.as_str())];
    form.extend_from_slice(fields);
    server
        .post(&format!("/dossiers/{id}/act"))
        .form(&form)
        .await
}

async fn upload(
    server: &TestServer,
    id: &str,
    kind: &str,
    name: &str,
    bytes: Vec<u8>,
) -> axum_test::TestResponse {
    let t = token(server).await;
    let form = MultipartForm::new()
        .add_text("_csrf", t.as_str())
        .add_text("kind", kind)
        .add_part("file", Part::bytes(bytes).file_name(name));
    server
        .post(&format!("/dossiers/{id}/documents"))
        .multipart(form)
        .await
}

ntm_testkit::both_backends!(dossier_pages_walk_through, |db: Db| async move {
    let app = with_province_officer(db).await;
    let xa = logged_in(&app, "xa.chauthanh").await;
    let tinh = logged_in(&app, "tinh.vinhlong").await;

    // The commune officer opens a dossier through the form on the unit's list.
    let list = xa.get(&format!("/units/{COMMUNE}/dossiers")).await;
    assert_eq!(list.status_code(), 200, "{}", list.text());
    assert!(list.text().contains("Lập hồ sơ mới"), "{}", list.text());
    let t = form_token(&list.text());
    let res = xa
        .post(&format!("/units/{COMMUNE}/dossiers"))
        .form(&[
            ("_csrf", t.as_str()),
            ("kind", "commune_ntm"),
            ("set", SET),
            ("year", "2025"),
        ])
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    assert!(
        location(&res).starts_with("/dossiers/"),
        "{}",
        location(&res)
    );
    let page = xa.get(&location(&res)).await;
    assert_eq!(page.status_code(), 200);
    assert!(page.text().contains("Đã lập hồ sơ."));
    // A bad year comes back on the list with the choices kept.
    let res = xa
        .post(&format!("/units/{COMMUNE}/dossiers"))
        .form(&[
            ("_csrf", t.as_str()),
            ("kind", "commune_ntm"),
            ("set", SET),
            ("year", "hai nghìn"),
        ])
        .await;
    assert_eq!(res.status_code(), 422);
    assert!(res.text().contains("Năm không hợp lệ"), "{}", res.text());
    assert!(res.text().contains("value=\"hai nghìn\""));

    // A dossier dated 01/10/2026 walks through the steps.
    let id = open_dossier(&xa).await;
    let path = format!("/dossiers/{id}");
    let page = xa.get(&path).await.text();
    assert!(page.contains("id=\"act-start_posting\""), "{page}");
    assert!(page.contains("Chưa có ngưỡng tỷ lệ hài lòng"), "{page}");
    assert!(page.contains("chưa xác nhận") || page.contains("chưa rõ"));
    // The province officer has no action at the commune's step.
    let tp = tinh.get(&path).await.text();
    assert!(tp.contains("id=\"dossier-no-actions\""), "{tp}");

    // Posting needs the results report: refused next to the form, the date kept.
    let res = act(
        &xa,
        &id,
        &[
            ("action", "start_posting"),
            ("expected_seq", "0"),
            ("date", "01/10/2026"),
        ],
    )
    .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let body = res.text();
    assert!(body.contains("id=\"error-start_posting\""), "{body}");
    assert!(body.contains("thiếu tài liệu"), "{body}");
    assert!(body.contains("value=\"01/10/2026\""), "{body}");

    // Attach the results report (a real PDF), then post.
    let res = upload(&xa, &id, "results_report", "bao-cao.pdf", PDF.to_vec()).await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let page = xa.get(&path).await.text();
    assert!(page.contains("bao-cao.pdf"), "{page}");
    let res = act(
        &xa,
        &id,
        &[
            ("action", "start_posting"),
            ("expected_seq", "0"),
            ("date", "01/10/2026"),
        ],
    )
    .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    // Too short a posting is refused with the earliest date.
    let res = act(
        &xa,
        &id,
        &[
            ("action", "end_posting"),
            ("expected_seq", "1"),
            ("date", "10/10/2026"),
        ],
    )
    .await;
    assert_eq!(res.status_code(), 422);
    assert!(
        res.text().contains("thời gian công khai chưa đủ"),
        "{}",
        res.text()
    );
    let res = act(
        &xa,
        &id,
        &[
            ("action", "end_posting"),
            ("expected_seq", "1"),
            ("date", "17/10/2026"),
        ],
    )
    .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    // A stale version: 409, a clear message, nothing written.
    let res = act(
        &xa,
        &id,
        &[
            ("action", "submit"),
            ("expected_seq", "1"),
            ("date", "20/10/2026"),
        ],
    )
    .await;
    assert_eq!(res.status_code(), 409, "{}", res.text());
    assert!(res.text().contains("id=\"dossier-conflict\""));
    assert!(res.text().contains("value=\"20/10/2026\""));
    for kind in SUBMISSION_DOCS {
        let res = upload(&xa, &id, kind, &format!("{kind}.pdf"), PDF.to_vec()).await;
        assert_eq!(res.status_code(), 303, "{kind}: {}", res.text());
    }
    let res = act(
        &xa,
        &id,
        &[
            ("action", "submit"),
            ("expected_seq", "2"),
            ("date", "20/10/2026"),
        ],
    )
    .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());

    // The province is told; the commune officer (who acted) is not.
    let n = tinh.get("/notifications").await.text();
    assert!(
        n.contains("Xã Châu Thành") && n.contains("Thẩm định"),
        "{n}"
    );
    assert!(n.contains(&path), "{n}");
    let n = xa.get("/notifications").await.text();
    assert!(n.contains("Không có thông báo nào"), "{n}");
    assert!(n.contains("(SMTP)"), "{n}");
    assert!(!n.contains("id=\"nav-unread\""), "{n}");
    let home = tinh.get("/").await.text();
    assert!(home.contains("id=\"nav-unread\">1</span>"), "{home}");
    // The unit page links to its dossiers.
    let unit = xa.get(&format!("/units/{COMMUNE}")).await.text();
    assert!(
        unit.contains(&format!("/units/{COMMUNE}/dossiers")),
        "{unit}"
    );

    // Appraisal: pass is refused (criteria on verified data, satisfaction), plainly.
    let tp = tinh.get(&path).await.text();
    assert!(tp.contains("id=\"act-appraise_pass\""), "{tp}");
    let res = act(
        &tinh,
        &id,
        &[
            ("action", "appraise_pass"),
            ("expected_seq", "3"),
            ("date", "21/10/2026"),
        ],
    )
    .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    assert!(res.text().contains("id=\"error-appraise_pass\""));
    assert!(
        res.text().contains("chưa đạt đầy đủ các tiêu chí") || res.text().contains("hài lòng"),
        "{}",
        res.text()
    );
    // A return needs a reason; the typed reason is kept on refusal.
    let res = act(
        &tinh,
        &id,
        &[
            ("action", "appraise_return"),
            ("expected_seq", "3"),
            ("reason", "  "),
        ],
    )
    .await;
    assert_eq!(res.status_code(), 422);
    assert!(res.text().contains("cần nêu lý do"), "{}", res.text());
    let res = act(
        &tinh,
        &id,
        &[
            ("action", "appraise_return"),
            ("expected_seq", "3"),
            ("date", "22/10/2026"),
            ("reason", "Thiếu biên bản họp có chữ ký"),
        ],
    )
    .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let page = xa.get(&path).await.text();
    assert!(page.contains("Thiếu biên bản họp có chữ ký"), "{page}");
    assert!(page.contains("Đang chuẩn bị"), "{page}");
    assert!(
        page.contains("tinh.vinhlong"),
        "history names who acted: {page}"
    );
    // An action no longer offered (a form from an older page) is refused at the top.
    let res = act(
        &xa,
        &id,
        &[
            ("action", "submit"),
            ("expected_seq", "4"),
            ("date", "23/10/2026"),
        ],
    )
    .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    assert!(res.text().contains("id=\"error-other\""), "{}", res.text());
    assert!(res.text().contains("Trình hồ sơ:"), "{}", res.text());
    // The commune is told about the return, and can mark it read.
    let n = xa.get("/notifications").await.text();
    assert!(n.contains("Thẩm định: trả hồ sơ"), "{n}");
    assert!(n.contains("1 thông báo chưa đọc"), "{n}");
    let t = form_token(&n);
    let res = xa
        .post("/notifications/read")
        .form(&[("_csrf", t.as_str()), ("id", "all")])
        .await;
    assert_eq!(res.status_code(), 303);
    let n = xa.get("/notifications").await.text();
    assert!(n.contains("0 thông báo chưa đọc"), "{n}");
});

ntm_testkit::both_backends!(dossier_pages_authorization, |db: Db| async move {
    let app = with_province_officer(db).await;
    let xa = logged_in(&app, "xa.chauthanh").await;
    let id = open_dossier(&xa).await;
    let res = upload(&xa, &id, "results_report", "a.pdf", PDF.to_vec()).await;
    assert_eq!(res.status_code(), 303);
    let detail = xa.get(&format!("/dossiers/{id}")).await.text();
    let doc_href = detail
        .split("href=\"/dossier-documents/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(|s| format!("/dossier-documents/{s}"))
        .expect("a download link");
    let got = xa.get(&doc_href).await;
    assert_eq!(got.status_code(), 200);
    assert_eq!(got.as_bytes().as_ref(), PDF);

    // Anonymous: sent to the login page, nothing done.
    let anon = browser(&app);
    for p in [
        format!("/dossiers/{id}"),
        format!("/units/{COMMUNE}/dossiers"),
        doc_href.clone(),
        "/notifications".to_owned(),
        "/units/86/procedure-settings".to_owned(),
    ] {
        let res = anon.get(&p).await;
        assert_eq!(res.status_code(), 303, "{p}");
        assert!(location(&res).starts_with("/login"), "{p}");
    }
    let res = act(
        &anon,
        &id,
        &[("action", "start_posting"), ("expected_seq", "0")],
    )
    .await;
    assert_eq!(res.status_code(), 303);
    assert!(location(&res).starts_with("/login"));

    // Another commune's officer: 403 everywhere.
    let other = logged_in(&app, "xa.tanan").await;
    for p in [
        format!("/dossiers/{id}"),
        format!("/units/{COMMUNE}/dossiers"),
        doc_href.clone(),
    ] {
        assert_eq!(other.get(&p).await.status_code(), 403, "{p}");
    }
    let res = act(
        &other,
        &id,
        &[("action", "start_posting"), ("expected_seq", "0")],
    )
    .await;
    assert_eq!(res.status_code(), 403);
    let res = upload(&other, &id, "photos", "b.pdf", PDF.to_vec()).await;
    assert_eq!(res.status_code(), 403);
    let t = page_token(&other, "/notifications").await;
    let res = other
        .post(&format!("/units/{COMMUNE}/dossiers"))
        .form(&[
            ("_csrf", t.as_str()),
            ("kind", "commune_ntm"),
            ("set", SET),
            ("year", "2025"),
        ])
        .await;
    assert_eq!(res.status_code(), 403);

    // The viewer reads, but has no action and may not act or upload.
    let xem = logged_in(&app, "xem").await;
    let page = xem.get(&format!("/dossiers/{id}")).await;
    assert_eq!(page.status_code(), 200);
    assert!(page.text().contains("id=\"dossier-no-actions\""));
    assert!(!page.text().contains("id=\"upload-form\""));
    let res = act(
        &xem,
        &id,
        &[("action", "start_posting"), ("expected_seq", "0")],
    )
    .await;
    assert_eq!(res.status_code(), 403);
    let res = upload(&xem, &id, "photos", "b.pdf", PDF.to_vec()).await;
    assert_eq!(res.status_code(), 403);

    // Wrong role: the province officer cannot do the commune's step.
    let tinh = logged_in(&app, "tinh.vinhlong").await;
    let res = act(
        &tinh,
        &id,
        &[
            ("action", "start_posting"),
            ("expected_seq", "0"),
            ("date", "01/10/2026"),
        ],
    )
    .await;
    assert_eq!(res.status_code(), 403);
    // Nothing was recorded by any of them.
    let page = xa.get(&format!("/dossiers/{id}")).await.text();
    assert!(page.contains("Chưa có thao tác nào"), "{page}");
    // Notifications are one's own: marking someone else's does nothing.
    let t = page_token(&other, "/notifications").await;
    let res = other
        .post("/notifications/read")
        .form(&[("_csrf", t.as_str()), ("id", "all")])
        .await;
    assert_eq!(res.status_code(), 303);
});

ntm_testkit::both_backends!(dossier_pages_upload_checks, |db: Db| async move {
    let dir = temp_data_dir();
    let config = ntm_app::AppConfig {
        data_dir: dir.clone(),
        ..Default::default()
    };
    let app = crate::helpers::app_with(db, config).await;
    let xa = logged_in(&app, "xa.chauthanh").await;
    let id = open_dossier(&xa).await;

    // A text file named .pdf: refused by its content, nothing stored.
    let res = upload(&xa, &id, "results_report", "gia.pdf", b"not a pdf".to_vec()).await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    assert!(
        res.text()
            .contains("chỉ nhận tệp PDF, DOCX, XLSX, JPG hoặc PNG"),
        "{}",
        res.text()
    );
    // An unknown kind.
    let res = upload(&xa, &id, "ban_do", "a.pdf", PDF.to_vec()).await;
    assert_eq!(res.status_code(), 422);
    // Over 20 MB: 413 with a clear message on the dossier page (the CSRF check lets a
    // signed-in user's upload through to the route's own limit), nothing stored.
    let mut big = PDF.to_vec();
    big.resize(ntm_app::dossiers::MAX_DOCUMENT_BYTES + 1, b' ');
    let res = upload(&xa, &id, "results_report", "lon.pdf", big).await;
    assert_eq!(res.status_code(), 413, "{}", res.text());
    assert!(res.text().contains("Tệp lớn hơn 20 MB"), "{}", res.text());
    // An empty file.
    let res = upload(&xa, &id, "results_report", "rong.pdf", Vec::new()).await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    assert!(res.text().contains("tệp rỗng"), "{}", res.text());
    let page = xa.get(&format!("/dossiers/{id}")).await.text();
    assert!(page.contains("Chưa có tài liệu nào"), "{page}");
    assert!(!dir.join("dossiers").exists());

    // PNG, JPEG, DOCX and XLSX by their content.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let jpg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10];
    let docx = b"PK\x03\x04\x14\0\0\0\0\0word/document.xml".to_vec();
    let xlsx = b"PK\x03\x04\x14\0\0\0\0\0xl/workbook.xml".to_vec();
    for (name, bytes) in [
        ("a.png", png),
        ("b.jpg", jpg),
        ("c.docx", docx),
        ("d.xlsx", xlsx),
    ] {
        let res = upload(&xa, &id, "photos", name, bytes).await;
        assert_eq!(res.status_code(), 303, "{name}: {}", res.text());
    }
    // The same file sent twice as the same kind is attached once.
    let docx = b"PK\x03\x04\x14\0\0\0\0\0word/document.xml".to_vec();
    let res = upload(&xa, &id, "photos", "c-again.docx", docx).await;
    assert_eq!(res.status_code(), 303);
    let page = xa.get(&format!("/dossiers/{id}")).await.text();
    assert!(!page.contains("c-again.docx"), "{page}");
    assert_eq!(
        page.matches("href=\"/dossier-documents/").count(),
        4,
        "{page}"
    );
    // A zip that is not an Office document is refused.
    let res = upload(&xa, &id, "photos", "e.zip", b"PK\x03\x04other".to_vec()).await;
    assert_eq!(res.status_code(), 422);
    assert!(dir.join("dossiers").exists());
});

ntm_testkit::both_backends!(dossier_pages_province_settings, |db: Db| async move {
    let app = with_province_officer(db).await;
    let xa = logged_in(&app, "xa.chauthanh").await;
    let tinh = logged_in(&app, "tinh.vinhlong").await;
    let xem = logged_in(&app, "xem").await;
    let path = "/units/86/procedure-settings";

    // Only people who may view the province read; only its officer edits.
    assert_eq!(xa.get(path).await.status_code(), 403);
    let page = xem.get(path).await;
    assert_eq!(page.status_code(), 200);
    assert!(!page.text().contains("id=\"form-holiday\""));
    let t = form_token(&page.text());
    let res = xem
        .post(path)
        .form(&[
            ("_csrf", t.as_str()),
            ("what", "holiday"),
            ("date", "05/10/2026"),
            ("basis", "QĐ 1/QĐ-UBND"),
        ])
        .await;
    assert_eq!(res.status_code(), 403);
    // Not a province.
    assert_eq!(
        tinh.get(&format!("/units/{COMMUNE}/procedure-settings"))
            .await
            .status_code(),
        422
    );

    let page = tinh.get(path).await.text();
    assert!(page.contains("id=\"no-threshold\""), "{page}");
    let t = form_token(&page);
    // The basis is required; the typed values are kept.
    let res = tinh
        .post(path)
        .form(&[
            ("_csrf", t.as_str()),
            ("what", "satisfaction"),
            ("kind", "commune_ntm"),
            ("percent", "80"),
            ("basis", " "),
        ])
        .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    assert!(res.text().contains("căn cứ"), "{}", res.text());
    assert!(res.text().contains("value=\"80\""));
    for form in [
        vec![
            ("what", "satisfaction"),
            ("kind", "commune_ntm"),
            ("percent", "80"),
            ("basis", "QĐ 99/QĐ-UBND tỉnh, Điều 3"),
        ],
        vec![
            ("what", "time_limit"),
            ("kind", "commune_ntm"),
            ("step", "preparation"),
            ("days", "3"),
            ("unit", "calendar"),
            ("basis", "QĐ 99/QĐ-UBND tỉnh, Điều 4"),
        ],
        vec![
            ("what", "holiday"),
            ("date", "05/10/2026"),
            ("basis", "Thông báo nghỉ bù số 7"),
        ],
    ] {
        let mut f = vec![("_csrf", t.as_str())];
        f.extend(form);
        let res = tinh.post(path).form(&f).await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
    }
    let page = tinh.get(path).await.text();
    assert!(page.contains("QĐ 99/QĐ-UBND tỉnh, Điều 3"), "{page}");
    assert!(page.contains("05/10/2026"), "{page}");

    // The dossier uses them: preparing since Thu 01/10/2026, 3 days → Sun 04/10, the next
    // working day is Mon 05/10, a configured holiday → Tue 06/10/2026; overdue today.
    let id = open_dossier(&xa).await;
    let list = xa.get(&format!("/units/{COMMUNE}/dossiers")).await.text();
    assert!(list.contains("06/10/2026"), "{list}");
    assert!(list.contains("dossier-overdue"), "{list}");
    let page = xa.get(&format!("/dossiers/{id}")).await.text();
    assert!(
        page.contains("80 % (tỉnh cấu hình theo QĐ 99/QĐ-UBND tỉnh, Điều 3)"),
        "{page}"
    );
    assert!(!page.contains("Chưa có ngưỡng tỷ lệ hài lòng"), "{page}");
    // The province's dossier list flags it too, and so does its dashboard (not for others).
    let pl = tinh.get("/units/86/dossiers").await.text();
    assert!(pl.contains("id=\"dossier-overdue-count\""), "{pl}");
    let dash = tinh
        .get("/units/86/dashboard?set=xa-ntm-2021-2025&year=2025")
        .await;
    assert_eq!(dash.status_code(), 200, "{}", dash.text());
    assert!(
        dash.text().contains("id=\"overdue-dossiers\""),
        "{}",
        dash.text()
    );
    assert!(dash.text().contains(&format!("/dossiers/{id}")));
    let anon = browser(&app)
        .get("/units/86/dashboard?set=xa-ntm-2021-2025&year=2025")
        .await;
    assert!(!anon.text().contains("id=\"overdue-dossiers\""));

    // Deleting a setting.
    let res = tinh
        .post(path)
        .form(&[
            ("_csrf", t.as_str()),
            ("what", "delete"),
            ("setting_kind", "holiday"),
            ("key", "2026-10-05"),
        ])
        .await;
    assert_eq!(res.status_code(), 303);
    let list = xa.get(&format!("/units/{COMMUNE}/dossiers")).await.text();
    assert!(list.contains("05/10/2026"), "{list}");
});
