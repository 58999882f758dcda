//! The Excel round trip in the browser: the workbook page, template and results
//! downloads, upload → preview (nothing written) → apply (all or nothing, or only the
//! valid cells) with optimistic concurrency, and who may do what.

use axum_test::TestServer;
use axum_test::multipart::{MultipartForm, Part};
use ntm_app::criteria::evaluate;
use ntm_app::users::{GrantInput, NewUser, UserInfo, add_user};
use ntm_app::{Actor, App, AppConfig, Db};
use ntm_reports::wide::{WideColumn, WideRow, WideSheet, read_wide, write_wide};
use serde_json::json;

use crate::helpers::*;

const SET: &str = "xa-ntm-2021-2025";
const PROVINCE: &str = "84";
/// The communes of Trà Vinh in the fixture on 31 December 2024.
const COMMUNES_2024: [&str; 7] = [
    "29266", "29269", "29278", "29281", "29374", "29377", "29410",
];

struct Fixture {
    app: App,
    data_dir: std::path::PathBuf,
    /// `tinh.travinh`, province officer of 84 (the uploader in most tests).
    officer: UserInfo,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

async fn fixture(db: Db) -> Fixture {
    let data_dir = std::env::temp_dir().join(format!("ntm-workbook-{}", uuid::Uuid::now_v7()));
    let app = app_with(
        db,
        AppConfig {
            data_dir: data_dir.clone(),
            ..AppConfig::default()
        },
    )
    .await;
    let mut officer = None;
    for (username, grant) in [
        ("tinh.travinh", "province_officer@84"),
        ("tinh.vinhlong", "province_officer@86"),
    ] {
        let u = add_user(
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
        if officer.is_none() {
            officer = Some(u);
        }
    }
    Fixture {
        app,
        data_dir,
        officer: officer.expect("officer"),
    }
}

fn filled(version: &str, codes: &[&str], rows: &[(&str, &[&str])]) -> Vec<u8> {
    let sheet = WideSheet {
        sheet_name: SET.into(),
        set_id: SET.into(),
        version: version.into(),
        year: 2024,
        title: "mẫu".into(),
        note: String::new(),
        columns: codes
            .iter()
            .map(|c| WideColumn {
                code: c.to_string(),
                name: String::new(),
                threshold: String::new(),
                boolean: false,
            })
            .collect(),
        rows: rows
            .iter()
            .map(|(u, vals)| WideRow {
                unit_code: u.to_string(),
                unit_name: String::new(),
                values: vals.iter().map(|v| v.to_string()).collect(),
            })
            .collect(),
    };
    write_wide(&[sheet]).expect("xlsx")
}

fn version(app: &App) -> String {
    app.catalog
        .set_for_year(SET, 2024)
        .expect("set")
        .version
        .clone()
}

async fn value(app: &App, unit: &str, code: &str) -> Option<String> {
    let e = evaluate(app, &Actor::cli(), unit, SET, 2024)
        .await
        .expect("evaluate");
    e.result
        .expect("a commune result")
        .indicators
        .into_iter()
        .find(|i| i.code == code)
        .expect("indicator")
        .value
}

async fn versions_written(app: &App) -> usize {
    let mut n = 0;
    for c in COMMUNES_2024 {
        let e = evaluate(app, &Actor::cli(), c, SET, 2024)
            .await
            .expect("evaluate");
        n += e
            .result
            .expect("result")
            .indicators
            .iter()
            .filter_map(|i| i.version)
            .sum::<i64>() as usize;
    }
    n
}

/// Sets a value of commune `unit` through the API, as `server`'s user.
async fn put_value(server: &TestServer, unit: &str, code: &str, v: &str, expected: Option<i64>) {
    let t = token(server).await;
    let res = server
        .put(&format!("/api/v1/units/{unit}/observations"))
        .add_header("x-csrf-token", t.as_str())
        .json(&json!({"set": SET, "year": 2024, "values": [
            {"code": code, "value": v, "expected_version": expected}
        ]}))
        .await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
}

async fn upload(
    server: &TestServer,
    unit: &str,
    file_name: &str,
    bytes: Vec<u8>,
) -> axum_test::TestResponse {
    let t = token(server).await;
    let form = MultipartForm::new()
        .add_text("_csrf", t.as_str())
        .add_part("file", Part::bytes(bytes).file_name(file_name));
    server
        .post(&format!("/units/{unit}/workbook/preview"))
        .multipart(form)
        .await
}

fn upload_id(html: &str) -> String {
    let marker = "name=\"upload\" value=\"";
    let start = html.find(marker).expect("an upload id on the page") + marker.len();
    let end = html[start..].find('"').expect("end of value");
    html[start..start + end].to_string()
}

async fn apply(
    server: &TestServer,
    unit: &str,
    id: &str,
    apply_valid: bool,
) -> axum_test::TestResponse {
    let t = token(server).await;
    let mut form = vec![("_csrf", t.as_str()), ("upload", id)];
    if apply_valid {
        form.push(("apply_valid", "1"));
    }
    server
        .post(&format!("/units/{unit}/workbook/apply"))
        .form(&form)
        .await
}

fn count_text(html: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\">");
    let start = html.find(&marker).expect("count") + marker.len();
    let end = html[start..].find('<').expect("end");
    html[start..start + end].to_string()
}

ntm_testkit::both_backends!(workbook_template_preview_and_apply, |db: Db| async move {
    let f = fixture(db).await;
    let app = &f.app;
    // Values before: 29374 2.1 = 80 (by its officer), 29266 1.1 = Đạt.
    let commune = logged_in(app, "xa.chauthanh").await;
    put_value(&commune, "29374", "2.1", "80", None).await;
    let admin = logged_in(app, "admin").await;
    put_value(&admin, "29266", "1.1", "Đạt", None).await;

    let officer = logged_in(app, "tinh.travinh").await;
    let res = officer
        .get(&format!("/units/{PROVINCE}/workbook?set={SET}&year=2024"))
        .await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    let html = res.text();
    assert!(html.contains("Tải mẫu Excel"), "{html}");
    assert!(
        html.contains(&format!(
            "/units/{PROVINCE}/workbook/template.xlsx?set={SET}&#38;year=2024"
        )),
        "{html}"
    );
    assert!(html.contains(&format!(
        "/units/{PROVINCE}/workbook/results.xlsx?set={SET}&#38;year=2024"
    )));
    assert!(html.contains("action=\"/units/84/workbook/preview\""));
    assert!(html.contains("<label for=\"wb-file\">"));
    assert!(html.contains(&format!("<option value=\"{SET}\" selected>")));

    // The template: one row per commune of the province in 2024, values pre-filled.
    let res = officer
        .get(&format!(
            "/units/{PROVINCE}/workbook/template.xlsx?set={SET}&year=2024"
        ))
        .await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    assert!(
        res.header("content-type")
            .to_str()
            .unwrap()
            .contains("spreadsheetml"),
    );
    let bytes = res.as_bytes().to_vec();
    let table = ntm_reports::read_table(&bytes, "mau.xlsx").expect("calamine reads it");
    assert_eq!(table[3][0], "Mã đơn vị");
    let mut units: Vec<&str> = table[6..].iter().map(|r| r[0].as_str()).collect();
    units.sort();
    assert_eq!(units, COMMUNES_2024);
    let c21 = table[3]
        .iter()
        .position(|h| h == "2.1")
        .expect("2.1 column");
    let row = table[6..].iter().find(|r| r[0] == "29374").expect("row");
    assert_eq!(row[c21], "80");
    let v = read_wide(&bytes, "mau.xlsx").unwrap()[0]
        .version
        .clone()
        .unwrap();
    assert_eq!(v, version(app));

    // Results download.
    let res = officer
        .get(&format!(
            "/units/{PROVINCE}/workbook/results.xlsx?set={SET}&year=2024"
        ))
        .await;
    assert_eq!(res.status_code(), 200);
    let t = ntm_reports::read_table(res.as_bytes(), "kq.xlsx").unwrap();
    assert_eq!(t.len() - 1, COMMUNES_2024.len(), "{t:?}");

    // Filled: one change, two new values, one unchanged cell.
    let file = filled(
        &v,
        &["1.1", "2.1", "3.1"],
        &[
            ("29266", &["Đạt", "", ""]),
            ("29374", &["Đạt", "90", ""]),
            ("29377", &["", "", "60"]),
        ],
    );
    let before = versions_written(app).await;
    let res = upload(&officer, PROVINCE, "mau-da-dien.xlsx", file).await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    let html = res.text();
    assert_eq!(count_text(&html, "wb-count-changed"), "Thay đổi: 1");
    assert_eq!(count_text(&html, "wb-count-new"), "Giá trị mới: 2");
    assert_eq!(count_text(&html, "wb-count-unchanged"), "Không đổi: 1");
    assert_eq!(count_text(&html, "wb-count-bad"), "Ô sai: 0");
    assert!(html.contains("mau-da-dien.xlsx"));
    assert!(html.contains(SET) && html.contains("2024"));
    // Grouped by unit, with cell, indicator, current and new value.
    assert!(
        html.contains("(29374)") && html.contains("(29377)"),
        "{html}"
    );
    assert!(!html.contains("(29266)"), "no change for 29266: {html}");
    assert!(html.contains("<td class=\"code\">D8</td>"), "{html}");
    assert!(html.contains("80 <small class=\"muted\">(xa.chauthanh)</small>"));
    assert!(html.contains("90"));
    // Nothing written by the preview.
    assert_eq!(value(app, "29374", "2.1").await.as_deref(), Some("80"));
    assert_eq!(value(app, "29377", "3.1").await, None);
    assert_eq!(versions_written(app).await, before);
    // The upload is kept with its record.
    let id = upload_id(&html);
    let record: serde_json::Value = serde_json::from_slice(
        &std::fs::read(f.data_dir.join("uploads").join(format!("{id}.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(record["username"], "tinh.travinh");
    assert_eq!(record["sha256"].as_str().unwrap().len(), 64);
    assert!(f.data_dir.join("uploads").join(&id).exists());

    // Someone else cannot apply it.
    let res = apply(&admin, PROVINCE, &id, false).await;
    assert_eq!(res.status_code(), 403, "{}", res.text());
    assert!(
        res.text().contains("Chỉ người đã tải tệp lên"),
        "{}",
        res.text()
    );
    assert_eq!(versions_written(app).await, before);

    // The uploader applies it.
    let res = apply(&officer, PROVINCE, &id, false).await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let to = location(&res);
    assert_eq!(
        to,
        format!("/units/{PROVINCE}/workbook?set={SET}&year=2024&done={id}")
    );
    let html = officer.get(&to).await.text();
    assert!(html.contains("Đã áp dụng tệp."), "{html}");
    assert!(html.contains("Đã ghi 3 giá trị (1 thay đổi, 2 giá trị mới) cho 2 đơn vị"));
    assert!(html.contains(&format!(
        "/units/{PROVINCE}/dashboard?set={SET}&#38;year=2024"
    )));
    assert_eq!(value(app, "29374", "2.1").await.as_deref(), Some("90"));
    assert_eq!(value(app, "29374", "1.1").await.as_deref(), Some("Đạt"));
    assert_eq!(value(app, "29377", "3.1").await.as_deref(), Some("60"));
    // 29266 1.1 was unchanged: not written again.
    assert_eq!(versions_written(app).await, before + 3);

    // Audited as a workbook upload.
    let log = app.db_for_tests().audit_page(0, 1000).await.unwrap();
    let e = log
        .iter()
        .rev()
        .find(|e| e.action == "observations.import")
        .expect("audit entry");
    assert_eq!(e.actor, "tinh.travinh");
    assert!(
        e.detail.contains("\"source\":\"workbook-upload\""),
        "{}",
        e.detail
    );
    assert!(e.detail.contains(&id), "{}", e.detail);

    // A second apply says so and writes nothing.
    let res = apply(&officer, PROVINCE, &id, false).await;
    assert_eq!(res.status_code(), 409, "{}", res.text());
    assert!(
        res.text().contains("đã được tinh.travinh áp dụng"),
        "{}",
        res.text()
    );
    assert_eq!(versions_written(app).await, before + 3);

    // A commune page: the link goes to the scorecard.
    let file = filled(&v, &["2.1"], &[("29374", &["95"])]);
    let res = upload(&commune, "29374", "mau.xlsx", file).await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    let id = upload_id(&res.text());
    let res = apply(&commune, "29374", &id, false).await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let html = commune.get(&location(&res)).await.text();
    assert!(html.contains(&format!("/units/29374/scorecard?set={SET}&#38;year=2024")));
    assert_eq!(value(app, "29374", "2.1").await.as_deref(), Some("95"));
});

ntm_testkit::both_backends!(
    workbook_bad_cells_conflicts_and_expiry,
    |db: Db| async move {
        let f = fixture(db).await;
        let app = &f.app;
        let v = version(app);
        let officer = logged_in(app, "tinh.travinh").await;
        let commune = logged_in(app, "xa.chauthanh").await;
        put_value(&commune, "29374", "2.1", "80", None).await;
        let before = versions_written(app).await;

        // Bad cells: 140 %, a unit that does not exist, an unknown indicator column, a
        // district row, a yes/no answer that is not one; one good cell.
        let bad = filled(
            &v,
            &["2.1", "3.1", "99.9", "1.1"],
            &[
                ("29374", &["140 %", "", "", ""]),
                ("99999", &["50", "50", "", ""]),
                ("29377", &["", "65", "", ""]),
                ("29410", &["", "", "7", ""]),
                ("844", &["", "10", "", ""]),
                ("29278", &["", "", "", "nhiều"]),
            ],
        );
        let res = upload(&officer, PROVINCE, "mau.xlsx", bad).await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        let html = res.text();
        assert_eq!(count_text(&html, "wb-count-bad"), "Ô sai: 5");
        assert_eq!(count_text(&html, "wb-count-new"), "Giá trị mới: 1");
        for (cell, text) in [
            ("C7", "“140 %” lớn hơn 100 %."),
            ("C8", "Không có đơn vị mã 99999 trong năm 2024."),
            ("E10", "Không có chỉ tiêu mã"),
            ("D11", "Đơn vị 844 thuộc cấp"),
            ("F12", "“nhiều” không phải Đạt/Không đạt"),
        ] {
            assert!(
                html.contains(&format!("<td class=\"code\">{cell}</td>")),
                "{cell}: {html}"
            );
            assert!(html.contains(text), "{text}: {html}");
        }
        assert!(html.contains("Chỉ áp dụng các dòng hợp lệ"));
        assert!(html.contains("name=\"apply_valid\""));
        let id = upload_id(&html);

        // All or nothing: refused, every bad cell listed, nothing written.
        let res = apply(&officer, PROVINCE, &id, false).await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        let html = res.text();
        assert!(html.contains("5 ô sai"), "{html}");
        assert!(html.contains("<td class=\"code\">C7</td>"));
        assert_eq!(versions_written(app).await, before);
        // Only the valid rows, when asked.
        let res = apply(&officer, PROVINCE, &id, true).await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
        let html = officer.get(&location(&res)).await.text();
        assert!(html.contains("5 ô sai bị bỏ qua"), "{html}");
        assert_eq!(value(app, "29377", "3.1").await.as_deref(), Some("65"));
        assert_eq!(value(app, "29374", "2.1").await.as_deref(), Some("80"));
        assert_eq!(versions_written(app).await, before + 1);

        // Stale: a value shown in the preview changes before the apply.
        let file = filled(&v, &["2.1", "3.1"], &[("29374", &["75", "50"])]);
        let res = upload(&officer, PROVINCE, "mau.xlsx", file).await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        let id = upload_id(&res.text());
        put_value(&commune, "29374", "2.1", "82", Some(1)).await;
        let res = apply(&officer, PROVINCE, &id, false).await;
        assert_eq!(res.status_code(), 409, "{}", res.text());
        let html = res.text();
        assert!(html.contains("Số liệu đã thay đổi"), "{html}");
        assert!(html.contains("<td>82</td>"), "{html}");
        assert!(html.contains("xa.chauthanh"), "{html}");
        assert!(html.contains("(29374)"));
        assert!(html.contains("Xem trước lại"));
        assert_eq!(value(app, "29374", "2.1").await.as_deref(), Some("82"));
        assert_eq!(value(app, "29374", "3.1").await, None, "nothing applied");
        // Preview again (the kept file, against the values now), then apply.
        let t = token(&officer).await;
        let res = officer
            .post(&format!("/units/{PROVINCE}/workbook/preview"))
            .multipart(
                MultipartForm::new()
                    .add_text("_csrf", t.as_str())
                    .add_text("upload", id.as_str()),
            )
            .await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        let html = res.text();
        assert!(html.contains("82 <small class=\"muted\">(xa.chauthanh)</small>"));
        let again = upload_id(&html);
        assert_ne!(again, id);
        let res = apply(&officer, PROVINCE, &again, false).await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
        assert_eq!(value(app, "29374", "2.1").await.as_deref(), Some("75"));

        // Expiry: time is passed in; two hours and a bit later the upload is refused.
        let file = filled(&v, &["3.1"], &[("29374", &["55"])]);
        let res = upload(&officer, PROVINCE, "mau.xlsx", file.clone()).await;
        let id = upload_id(&res.text());
        let actor = Actor::User {
            id: f.officer.id,
            username: f.officer.username.clone(),
            grants: f.officer.grants.clone(),
            origin: "test".into(),
            via_token: None,
        };
        let later = ntm_app::now() + time::Duration::minutes(121);
        let r = ntm_app::workbook::apply_upload(app, &actor, PROVINCE, &id, false, later).await;
        assert!(
            matches!(r, Err(ntm_app::workbook::UploadError::Expired { .. })),
            "{r:?}"
        );
        // Through the page, with the record's expiry moved into the past.
        let path = f.data_dir.join("uploads").join(format!("{id}.json"));
        let mut record: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        record["expires_at"] = json!(time::OffsetDateTime::now_utc().unix_timestamp() - 1);
        std::fs::write(&path, serde_json::to_vec(&record).unwrap()).unwrap();
        let res = apply(&officer, PROVINCE, &id, false).await;
        assert_eq!(res.status_code(), 410, "{}", res.text());
        assert!(res.text().contains("đã hết hạn"), "{}", res.text());
        assert_eq!(value(app, "29374", "3.1").await.as_deref(), Some("50"));
        // An unknown id.
        let res = apply(
            &officer,
            PROVINCE,
            "0192e0a0-0000-7000-8000-000000000000",
            false,
        )
        .await;
        assert_eq!(res.status_code(), 404, "{}", res.text());
        let res = apply(&officer, PROVINCE, "../../etc/passwd", false).await;
        assert_eq!(res.status_code(), 404, "{}", res.text());
    }
);

ntm_testkit::both_backends!(workbook_authorization_and_bad_files, |db: Db| async move {
    let f = fixture(db).await;
    let app = &f.app;
    let v = version(app);
    let page = format!("/units/{PROVINCE}/workbook?set={SET}&year=2024");
    let template = format!("/units/{PROVINCE}/workbook/template.xlsx?set={SET}&year=2024");
    let good = filled(&v, &["2.1"], &[("29374", &["90"])]);

    // Anonymous: to the login page; an upload is refused.
    let anon = browser(app);
    for url in [&page, &template] {
        let res = anon.get(url).await;
        assert_eq!(res.status_code(), 303, "{url}");
        assert!(location(&res).starts_with("/login?next="), "{url}");
    }
    let res = upload(&anon, PROVINCE, "mau.xlsx", good.clone()).await;
    assert!(
        [303, 401].contains(&res.status_code().as_u16()),
        "{}",
        res.status_code()
    );

    // A viewer downloads but cannot upload.
    let viewer = logged_in(app, "xem").await;
    let html = viewer.get(&page).await.text();
    assert!(html.contains("Tải mẫu Excel"));
    assert!(!html.contains("workbook/preview"), "{html}");
    assert_eq!(viewer.get(&template).await.status_code(), 200);
    let res = upload(&viewer, PROVINCE, "mau.xlsx", good.clone()).await;
    assert_eq!(res.status_code(), 403, "{}", res.text());

    // An officer of another province cannot download this province's template (Vĩnh Long,
    // 86, took in Trà Vinh: it may).
    add_other_province_officer(app, "tinh.cantho").await;
    let other = logged_in(app, "tinh.cantho").await;
    assert_eq!(other.get(&template).await.status_code(), 403);
    assert_eq!(other.get(&page).await.status_code(), 403);
    let res = upload(&other, PROVINCE, "mau.xlsx", good.clone()).await;
    assert_eq!(res.status_code(), 403, "{}", res.text());

    // A commune officer: not on the province, and other communes are bad cells.
    let commune = logged_in(app, "xa.chauthanh").await;
    let res = upload(&commune, PROVINCE, "mau.xlsx", good.clone()).await;
    assert_eq!(res.status_code(), 403, "{}", res.text());
    let two = filled(&v, &["2.1"], &[("29374", &["90"]), ("29377", &["70"])]);
    let res = upload(&commune, "29374", "mau.xlsx", two).await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    let html = res.text();
    assert_eq!(count_text(&html, "wb-count-bad"), "Ô sai: 1");
    assert!(html.contains("Đơn vị 29377 không thuộc đơn vị của trang này."));

    // Bad files: clear messages, nothing kept.
    let officer = logged_in(app, "tinh.travinh").await;
    let old = filled("1900", &["2.1"], &[("29374", &["90"])]);
    for (name, bytes, text) in [
        ("mau.pdf", b"%PDF-1.4".to_vec(), "không phải bảng tính"),
        ("mau.xlsx", Vec::new(), "Tệp rỗng."),
        ("mau.xlsx", b"not a workbook".to_vec(), "Không đọc được tệp"),
        ("mau.xlsx", old, "phiên bản 1900"),
        (
            "mau.csv",
            "ntm-observations/1,set,xa-ntm-2021-2025,year,2024\nunit_code,2.1\n"
                .as_bytes()
                .to_vec(),
            "chưa có ô số liệu",
        ),
    ] {
        let res = upload(&officer, PROVINCE, name, bytes).await;
        assert_eq!(res.status_code(), 422, "{name}: {}", res.text());
        assert!(res.text().contains(text), "{text}: {}", res.text());
    }
    let kept = std::fs::read_dir(f.data_dir.join("uploads"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(kept, 2, "only the commune officer's upload (file + record)");

    // CSV with the template's layout works too.
    let csv = format!(
        "ntm-observations/1,set,{SET},version,{v},year,2024\nMã đơn vị,Tên đơn vị,1.1,2.1\n29410,,Không đạt,45\n"
    );
    let res = upload(&officer, PROVINCE, "mau.csv", csv.into_bytes()).await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    let html = res.text();
    assert_eq!(count_text(&html, "wb-count-new"), "Giá trị mới: 2");
    assert!(html.contains("<td class=\"code\">C3</td>"), "{html}");
    let res = apply(&officer, PROVINCE, &upload_id(&html), false).await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    assert_eq!(value(app, "29410", "2.1").await.as_deref(), Some("45"));
    assert_eq!(
        value(app, "29410", "1.1").await.as_deref(),
        Some("Không đạt")
    );

    // English page.
    let html = officer.get(&format!("{page}&lang=en")).await.text();
    assert!(html.contains("Download the Excel template"), "{html}");

    // Oversized upload: refused by the upload body limit.
    let small = ntm_web::WebConfig {
        upload_limit: 16 * 1024,
        ..Default::default()
    };
    let server = TestServer::builder()
        .save_cookies()
        .build(ntm_web::router(app.clone(), small));
    assert_eq!(
        login_as(&server, "tinh.travinh", PASSWORD)
            .await
            .status_code(),
        303
    );
    let mut big = format!("ntm-observations/1,set,{SET},version,{v},year,2024\nunit_code,2.1\n");
    while big.len() < 20 * 1024 {
        big.push_str("29374,90\n");
    }
    let res = upload(&server, PROVINCE, "mau.csv", big.into_bytes()).await;
    assert_eq!(res.status_code(), 413, "{}", res.text());
});

/// Staged uploads kept under the data directory (files and records).
fn staged_files(f: &Fixture) -> usize {
    std::fs::read_dir(f.data_dir.join("uploads")).map_or(0, |d| d.count())
}

// Issue 14: the right to enter values on the unit is checked before an upload is read, so a
// file is never opened (nor kept) for someone who may not use it: a malformed file from an
// outsider is refused with 403, where the unit's own officer is told the file is unreadable
// (422). Applying checks the unit before looking up the upload: 403, not "no such upload".
ntm_testkit::both_backends!(
    workbook_outsider_refused_before_the_file_is_read,
    |db: Db| async move {
        let f = fixture(db).await;
        let app = &f.app;
        let broken = b"PK\x03\x04 not really a workbook".to_vec();

        add_other_province_officer(app, "tinh.cantho").await;
        let other = logged_in(app, "tinh.cantho").await;
        let res = upload(&other, PROVINCE, "mau.xlsx", broken.clone()).await;
        assert_eq!(res.status_code(), 403, "{}", res.text());
        // A commune officer on the province's page, and on another commune's (not one merged
        // into theirs: 29377 became part of 29374, whose officer enters its values).
        let commune = logged_in(app, "xa.chauthanh").await;
        for unit in [PROVINCE, OTHER_COMMUNE] {
            let res = upload(&commune, unit, "mau.xlsx", broken.clone()).await;
            assert_eq!(res.status_code(), 403, "{unit}: {}", res.text());
        }
        assert_eq!(staged_files(&f), 0, "nothing kept for a refused upload");
        let unknown = "0192e0a0-0000-7000-8000-000000000000";
        let res = apply(&other, PROVINCE, unknown, false).await;
        assert_eq!(res.status_code(), 403, "{}", res.text());

        // The unit's officers: the same file is read and found unreadable.
        let officer = logged_in(app, "tinh.travinh").await;
        let res = upload(&officer, PROVINCE, "mau.xlsx", broken.clone()).await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        let res = upload(&commune, "29374", "mau.xlsx", broken).await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        let res = apply(&officer, PROVINCE, unknown, false).await;
        assert_eq!(res.status_code(), 404, "{}", res.text());
    }
);
