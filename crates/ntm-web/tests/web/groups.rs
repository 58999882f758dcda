//! Commune groups (2026–2030) over HTTP: the province's page, one assignment at a time, the
//! XLSX round trip (template, preview with cell references, all-or-nothing apply),
//! refusals (group outside 1–3, missing basis, other province, commune officer, anonymous:
//! nothing written) and the dashboard's list of communes without a group (test-only set
//! `thu-nghiem-nhom-xa`, testdata/criteria).

use std::sync::OnceLock;

use axum_test::TestServer;
use axum_test::multipart::{MultipartForm, Part};
use ntm_app::users::{GrantInput, NewUser, add_user};
use ntm_app::{Actor, App, AppConfig, Db};
use ntm_domain::criteria::Catalog;

use crate::helpers::{PASSWORD, app_with, browser, form_token, location, logged_in};

const FIXTURE: &str = include_str!("../../../../testdata/criteria/thu-nghiem-nhom-xa.yaml");
const PAGE: &str = "/units/86/groups";

fn test_catalog() -> &'static Catalog {
    static C: OnceLock<&'static Catalog> = OnceLock::new();
    C.get_or_init(|| {
        ntm_app::criteria::catalog_with(&[("thu-nghiem-nhom-xa.yaml".into(), FIXTURE.into())])
            .expect("the test criteria set loads")
    })
}

async fn app(db: Db) -> App {
    let config = AppConfig {
        data_dir: std::env::temp_dir().join(format!("ntm-groups-{}", uuid::Uuid::now_v7())),
        ..AppConfig::default()
    };
    let mut app = app_with(db, config).await;
    app.catalog = test_catalog();
    for (username, grant) in [
        ("tinh.vinhlong", "province_officer@86"),
        ("tinh.travinh", "province_officer@84"),
    ] {
        add_user(
            &app,
            &Actor::cli(),
            NewUser {
                username: username.into(),
                display_name: username.into(),
                password: PASSWORD.into(),
                grants: vec![GrantInput::parse(grant).expect("grant")],
            },
        )
        .await
        .expect("user");
    }
    app
}

async fn stored(app: &App) -> Vec<(String, i32, i64)> {
    app.db_for_tests()
        .commune_groups_of_province("86", "2026-2030")
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.commune_code, r.grp, r.seq))
        .collect()
}

fn form<'a>(
    t: &'a str,
    commune: &'a str,
    group: &'a str,
    date: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("_csrf", t),
        ("commune", commune),
        ("group", group),
        ("doc", "15/QĐ-UBND"),
        ("date", date),
        ("issuer", "UBND tỉnh Vĩnh Long (kiểm thử)"),
        ("article", "Điều 1"),
        ("note", ""),
    ]
}

/// An XLSX file with `rows` under the template's header (or `header`), and merged ranges.
fn workbook(header: &[&str], rows: &[[&str; 8]], merge: Option<(u32, u16, u32, u16)>) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 1, c as u16, *v).unwrap();
            }
        }
    }
    if let Some((r1, c1, r2, c2)) = merge {
        ws.merge_range(r1, c1, r2, c2, "gộp", &rust_xlsxwriter::Format::new())
            .unwrap();
    }
    wb.save_to_buffer().unwrap()
}

async fn upload(server: &TestServer, bytes: Vec<u8>) -> axum_test::TestResponse {
    let page = server.get("/units/86").await;
    let t = form_token(&page.text());
    server
        .post("/units/86/groups/upload")
        .multipart(
            MultipartForm::new()
                .add_text("_csrf", t.as_str())
                .add_part("file", Part::bytes(bytes).file_name("nhom-xa.xlsx")),
        )
        .await
}

const B: [&str; 4] = [
    "16/QĐ-UBND",
    "05/03/2026",
    "UBND tỉnh Vĩnh Long (kiểm thử)",
    "Điều 2",
];

ntm_testkit::both_backends!(province_assigns_commune_groups, |db: Db| async move {
    let app = app(db).await;
    let cols = ntm_app::groups::xlsx::COLUMNS;

    // Anonymous: to the login page; nothing else.
    let anon = browser(&app);
    let res = anon.get(PAGE).await;
    assert_eq!(res.status_code(), 303);
    assert!(location(&res).starts_with("/login"));

    let server = logged_in(&app, "tinh.vinhlong").await;
    let res = server.get(PAGE).await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    let html = res.text();
    for code in ["29266", "29278", "29374", "29410"] {
        assert!(html.contains(&format!("id=\"g-{code}\"")), "{code}");
    }
    assert!(html.contains("4 xã chưa có nhóm."), "{html}");
    assert!(html.contains("href=\"/units/86/groups\""), "in the nav bar");
    assert!(!html.contains("style=\""));
    let t = form_token(&html);

    // A group outside 1–3: refused next to the form, typed input kept, nothing written.
    let res = server
        .post(PAGE)
        .form(&form(&t, "29374", "4", "02/03/2026"))
        .await;
    assert_eq!(res.status_code(), 422);
    let html = res.text();
    assert!(html.contains("chỉ có nhóm 1, 2 hoặc 3"), "{html}");
    assert!(html.contains("value=\"15/QĐ-UBND\""));
    // A missing basis date.
    let res = server.post(PAGE).form(&form(&t, "29374", "2", "")).await;
    assert_eq!(res.status_code(), 422);
    assert!(res.text().contains("cần ghi ngày văn bản"));
    assert!(stored(&app).await.is_empty());

    // Saved.
    let res = server
        .post(PAGE)
        .form(&form(&t, "29374", "2", "02/03/2026"))
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    assert_eq!(location(&res), "/units/86/groups?flash=assigned");
    let html = server.get(&location(&res)).await.text();
    assert!(html.contains("Đã lưu nhóm của xã."));
    assert!(html.contains("Nhóm 2"));
    assert!(html.contains("15/QĐ-UBND, 02/03/2026, UBND tỉnh Vĩnh Long (kiểm thử), Điều 1"));
    assert_eq!(stored(&app).await, [("29374".to_string(), 2, 1)]);
    let audit = app.db_for_tests().audit_page(0, 1000).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "commune_groups.assign"));

    // A commune officer, the officer of another province, anonymous: refused, nothing written.
    for who in ["xa.chauthanh", "tinh.travinh"] {
        let s = logged_in(&app, who).await;
        let page = s.get("/units/86").await.text();
        let t = form_token(&page);
        let res = s
            .post(PAGE)
            .form(&form(&t, "29266", "1", "02/03/2026"))
            .await;
        assert_eq!(res.status_code(), 403, "{who}");
        let res = s.get("/units/86/groups/template.xlsx").await;
        assert_eq!(res.status_code(), 403, "{who}");
        let res = upload(
            &s,
            workbook(
                &cols,
                &[["29266", "", "1", B[0], B[1], B[2], B[3], ""]],
                None,
            ),
        )
        .await;
        assert_eq!(res.status_code(), 403, "{who}");
    }
    let res = anon
        .post(PAGE)
        .form(&form("x", "29266", "1", "02/03/2026"))
        .await;
    assert!(
        res.status_code() == 403 || res.status_code() == 303,
        "{}",
        res.status_code()
    );
    assert_eq!(stored(&app).await.len(), 1);

    // The template: the communes with their current group and basis.
    let res = server.get("/units/86/groups/template.xlsx").await;
    assert_eq!(res.status_code(), 200);
    let table = ntm_reports::read_table(res.as_bytes(), "t.xlsx").unwrap();
    assert_eq!(table[0], cols.map(String::from));
    assert_eq!(table.len(), 5);
    let row = table.iter().find(|r| r[0] == "29374").expect("row");
    assert_eq!(
        &row[2..7],
        [
            "2",
            "15/QĐ-UBND",
            "02/03/2026",
            "UBND tỉnh Vĩnh Long (kiểm thử)",
            "Điều 1"
        ]
    );

    // Bad cells, each with its reference; no apply button, nothing written.
    let bad = workbook(
        &cols,
        &[
            ["29266", "Xã Càng Long", "4", B[0], B[1], B[2], B[3], ""],
            ["29278", "Xã Tân An", "2", B[0], B[1], B[2], "", ""],
            ["99999", "Xã Không Có", "1", B[0], B[1], B[2], B[3], ""],
            [
                "29410",
                "Xã Hòa Minh",
                "3",
                B[0],
                "31/02/2026",
                B[2],
                B[3],
                "",
            ],
        ],
        None,
    );
    let res = upload(&server, bad).await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    let html = res.text();
    for (cell, msg) in [
        ("C2", "chỉ có nhóm 1, 2 hoặc 3"),
        ("G3", "điều khoản"),
        ("A4", "không có trong danh sách xã"),
        ("E5", "31/02/2026"),
    ] {
        let at = html
            .find(&format!("<td class=\"code\">{cell}</td>"))
            .unwrap_or_else(|| panic!("{cell}: {html}"));
        let row = &html[at..];
        let row = &row[..row.find("</tr>").expect("end of row")];
        assert!(row.contains(msg), "{cell}: {msg}: {row}");
    }
    assert!(!html.contains("id=\"groups-apply\""));
    // Moved columns: the header cells that moved.
    let mut moved = cols;
    moved.swap(2, 3);
    let res = upload(
        &server,
        workbook(
            &moved,
            &[["29266", "", B[0], "1", B[1], B[2], B[3], ""]],
            None,
        ),
    )
    .await;
    let html = res.text();
    assert!(
        html.contains("<td class=\"code\">C1</td>") && html.contains("<td class=\"code\">D1</td>"),
        "{html}"
    );
    assert!(!html.contains("id=\"groups-apply\""));
    // Merged cells.
    let res = upload(
        &server,
        workbook(
            &cols,
            &[["29266", "", "1", B[0], B[1], B[2], B[3], ""]],
            Some((3, 0, 3, 1)),
        ),
    )
    .await;
    let html = res.text();
    assert!(
        html.contains("<td class=\"code\">A4:B4</td>") && html.contains("ô gộp"),
        "{html}"
    );
    assert!(!html.contains("id=\"groups-apply\""));
    assert_eq!(stored(&app).await.len(), 1);

    // A good file: the preview lists the changes; nothing is written until applied.
    let good = workbook(
        &cols,
        &[
            ["29266", "Xã Càng Long", "1", B[0], B[1], B[2], B[3], ""],
            [
                "29278",
                "Xã Tân An",
                "3",
                B[0],
                "2026-03-05",
                B[2],
                B[3],
                "khu vực II",
            ],
            [
                "29374",
                "Xã Châu Thành",
                "2",
                "15/QĐ-UBND",
                "02/03/2026",
                "UBND tỉnh Vĩnh Long (kiểm thử)",
                "Điều 1",
                "",
            ],
            ["29410", "Xã Hòa Minh", "", "", "", "", "", ""],
        ],
        None,
    );
    let res = upload(&server, good).await;
    assert_eq!(res.status_code(), 200);
    let html = res.text();
    assert!(html.contains("Thay đổi (2)"), "{html}");
    assert!(html.contains("2 xã không đổi."), "{html}");
    assert!(html.contains("id=\"groups-apply\""));
    assert_eq!(stored(&app).await.len(), 1, "a preview writes nothing");
    let marker = "name=\"upload\" value=\"";
    let at = html.find(marker).expect("upload id") + marker.len();
    let id = html[at..at + html[at..].find('"').unwrap()].to_string();
    let t = form_token(&html);
    // Someone else cannot apply it.
    let other = logged_in(&app, "xa.chauthanh").await;
    let ot = form_token(&other.get("/units/86").await.text());
    let res = other
        .post("/units/86/groups/apply")
        .form(&[("_csrf", ot.as_str()), ("upload", id.as_str())])
        .await;
    assert_eq!(res.status_code(), 403);
    let res = server
        .post("/units/86/groups/apply")
        .form(&[("_csrf", t.as_str()), ("upload", id.as_str())])
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    assert_eq!(location(&res), "/units/86/groups?flash=applied&n=2");
    let mut s = stored(&app).await;
    s.sort();
    assert_eq!(
        s,
        [
            ("29266".to_string(), 1, 1),
            ("29278".to_string(), 3, 1),
            ("29374".to_string(), 2, 1)
        ]
    );
    // Applied once only.
    let res = server
        .post("/units/86/groups/apply")
        .form(&[("_csrf", t.as_str()), ("upload", id.as_str())])
        .await;
    assert_eq!(res.status_code(), 422);
    assert!(res.text().contains("đã được áp dụng"));
    assert_eq!(stored(&app).await.len(), 3);

    // The dashboard of a set varying by group lists the communes without one.
    let res = server
        .get("/units/86/dashboard?set=thu-nghiem-nhom-xa&year=2026")
        .await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    let html = res.text();
    assert!(html.contains("Xã chưa được xếp nhóm (1)"), "{html}");
    let at = html.find("id=\"without-group\"").expect("section");
    let section = &html[at..at + html[at..].find("</section>").unwrap()];
    assert!(
        section.contains("29410") && !section.contains("29266"),
        "{section}"
    );
    assert!(section.contains("href=\"/units/86/groups\""));
    // Not for a set whose thresholds do not vary by group.
    let res = server
        .get("/units/86/dashboard?set=xa-ntm-2026-2030&year=2026")
        .await;
    assert!(!res.text().contains("id=\"without-group\""));
});
