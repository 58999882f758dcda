//! A small Trà Vinh-like fixture, users of each kind, and an HTTP client on the real router.

use axum_test::TestServer;
use ntm_app::surveys;
use ntm_app::units::{NewHamlet, SnapshotInput, add_hamlets, import_snapshot};
use ntm_app::users::{GrantInput, NewUser, add_user};
use ntm_app::{Actor, App, AppConfig, Db};
use ntm_web::{WebConfig, router};
use time::macros::date;

/// 7 May 2023: two provinces, two districts of Trà Vinh, seven communes. The two thị trấn
/// of the official list (29266, 29374) are typed `Xã` here, on purpose: the xã NTM sets
/// apply to xã only (`applies_to`), and the tests of this fixture evaluate every commune.
/// Units the sets do not apply to are tested on the official list (`dashboard.rs`,
/// `groups.rs`: `demo::import_reference_units`).
pub const UNITS_2023: &str = "\
code,name,level,kind,parent_code
84,Tỉnh Trà Vinh,province,Tỉnh,
86,Tỉnh Vĩnh Long,province,Tỉnh,
844,Huyện Càng Long,district,Huyện,84
847,Huyện Châu Thành,district,Huyện,84
29266,Thị trấn Càng Long,commune,Xã,844
29269,Xã Mỹ Cẩm,commune,Xã,844
29278,Xã Huyền Hội,commune,Xã,844
29281,Xã Tân An,commune,Xã,844
29374,Thị trấn Châu Thành,commune,Xã,847
29377,Xã Đa Lộc,commune,Xã,847
29410,Xã Hòa Minh,commune,Xã,847
";

/// 1 July 2025: Trà Vinh merged into Vĩnh Long, districts gone, communes merged.
pub const UNITS_2025: &str = "\
code,name,level,kind,parent_code
86,Tỉnh Vĩnh Long,province,Tỉnh,
29266,Xã Càng Long,commune,Xã,86
29278,Xã Tân An,commune,Xã,86
29374,Xã Châu Thành,commune,Xã,86
29410,Xã Hòa Minh,commune,Xã,86
";

pub const MAPPING_2025: &str = "\
old_commune_code,new_commune_code,old_commune_name,new_commune_name,old_district_code,old_province_code,new_province_code,merge_type,note_vi
29266,29266,Thị trấn Càng Long,Xã Càng Long,844,84,86,whole,Nhập toàn bộ
29269,29266,Xã Mỹ Cẩm,Xã Càng Long,844,84,86,whole,Nhập toàn bộ
29278,29278,Xã Huyền Hội,Xã Tân An,844,84,86,whole,Nhập toàn bộ
29281,29278,Xã Tân An,Xã Tân An,844,84,86,whole,Nhập toàn bộ
29374,29374,Thị trấn Châu Thành,Xã Châu Thành,847,84,86,whole,Nhập toàn bộ
29377,29374,Xã Đa Lộc,Xã Châu Thành,847,84,86,whole,Nhập toàn bộ
29410,29410,Xã Hòa Minh,Xã Hòa Minh,847,84,86,unchanged,Giữ nguyên
";

/// Vĩnh Long's own 2021–2025 set (a test fixture, not law) raising indicator 3.1's
/// threshold: a change to the whole province, recomputed in the background.
pub const VINH_LONG_SET_3_1: &str = r#"format: ntm-criteria/1
kind: criteria_set
id: xa-ntm-vinh-long-2021-2025
version: "2022"
extends: xa-ntm-2021-2025
level: commune
category: provincial_set
title_vi: "Bộ tiêu chí xã nông thôn mới tỉnh Vĩnh Long (kiểm thử)"
valid_from: "2022-07-01"
valid_to: 2025
completeness: partial
sources:
  QD_VL: {doc: "Quyết định của UBND tỉnh Vĩnh Long (ví dụ kiểm thử)", what: "tiêu chí 3"}
overrides:
  - code: "3.1"
    threshold: {op: ">=", value: 90, text: "≥90%"}
    provenance: sourced
    sources: [QD_VL]
"#;

pub const PASSWORD: &str = "mat-khau-thu-2026";

/// The commune of the commune officer `xa.chauthanh`.
pub const COMMUNE: &str = "29374";
/// The commune of `xa.tanan`, another commune officer.
pub const OTHER_COMMUNE: &str = "29278";

pub async fn app_with(db: Db, mut config: AppConfig) -> App {
    // The survey key file (outside the database): one per test, never in the source tree.
    if config.survey_key_file.is_none() {
        config.survey_key_file = Some(std::env::temp_dir().join(format!(
            "ntm-test-{}.survey.key",
            uuid::Uuid::now_v7().simple()
        )));
    }
    let app = App::new(db, config);
    let cli = Actor::cli();
    for (source, csv, date, mapping) in [
        ("units-2023.csv", UNITS_2023, date!(2023 - 05 - 07), None),
        (
            "units-2025.csv",
            UNITS_2025,
            date!(2025 - 07 - 01),
            Some(MAPPING_2025.as_bytes()),
        ),
    ] {
        let input = SnapshotInput {
            source: source.into(),
            units_csv: csv.as_bytes(),
            date,
            mapping_csv: mapping,
        };
        import_snapshot(&app, &cli, input, &mut |_| {})
            .await
            .expect("fixture snapshot");
    }
    for (username, display, grant) in [
        ("admin", "Quản trị viên", "admin"),
        (
            "xa.chauthanh",
            "Cán bộ xã Châu Thành",
            "commune_officer@29374",
        ),
        ("xa.tanan", "Cán bộ xã Tân An", "commune_officer@29278"),
        ("xem", "Người xem", "viewer"),
    ] {
        let new = NewUser {
            username: username.into(),
            display_name: display.into(),
            password: PASSWORD.into(),
            grants: vec![GrantInput::parse(grant).expect("grant")],
        };
        add_user(&app, &cli, new).await.expect("fixture user");
    }
    app
}

pub async fn setup(db: Db) -> App {
    app_with(db, AppConfig::default()).await
}

/// A client that keeps cookies, like a browser.
pub fn browser(app: &App) -> TestServer {
    TestServer::builder()
        .save_cookies()
        .build(router(app.clone(), WebConfig::default()))
}

/// The `_csrf` value of the forms on a page.
pub fn form_token(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker).expect("page has a _csrf field") + marker.len();
    let end = html[start..].find('"').expect("end of value");
    html[start..start + end].to_string()
}

/// Loads the login page and returns its form token (this also sets the CSRF cookie).
pub async fn token(server: &TestServer) -> String {
    let page = server.get("/login").await;
    form_token(&page.text())
}

/// Logs in through the form; returns the response to the POST.
pub async fn login_as(
    server: &TestServer,
    username: &str,
    password: &str,
) -> axum_test::TestResponse {
    let t = token(server).await;
    server
        .post("/login")
        .form(&[
            ("_csrf", t.as_str()),
            ("username", username),
            ("password", password),
            ("next", ""),
        ])
        .await
}

/// Logs in and checks that it worked.
pub async fn logged_in(app: &App, username: &str) -> TestServer {
    let server = browser(app);
    let res = login_as(&server, username, PASSWORD).await;
    assert_eq!(
        res.status_code(),
        303,
        "login of {username} failed: {}",
        res.text()
    );
    server
}

/// Every `Set-Cookie` header of a response.
pub fn set_cookies(res: &axum_test::TestResponse) -> Vec<String> {
    res.iter_headers_by_name("set-cookie")
        .map(|v| v.to_str().unwrap_or_default().to_string())
        .collect()
}

pub fn location(res: &axum_test::TestResponse) -> String {
    res.header("location")
        .to_str()
        .unwrap_or_default()
        .to_string()
}

/// Children codes of a unit today, through the API.
pub async fn children_codes(server: &TestServer, code: &str) -> Vec<String> {
    let v: serde_json::Value = server.get(&format!("/api/v1/units/{code}")).await.json();
    v["children"]
        .as_array()
        .expect("children")
        .iter()
        .map(|c| c["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The fixture plus two hamlets under the commune; returns their codes.
pub async fn with_hamlets(db: Db) -> (App, Vec<String>) {
    let app = setup(db).await;
    let codes = add_two_hamlets(&app).await;
    (app, codes)
}

/// Two hamlets "Ấp 1", "Ấp 2" under the commune; returns their codes.
pub async fn add_two_hamlets(app: &App) -> Vec<String> {
    let rows = (1..=2)
        .map(|i| NewHamlet {
            line: 0,
            commune_code: COMMUNE.into(),
            code: None,
            name: format!("Ấp {i}"),
            kind: "Ấp".into(),
        })
        .collect();
    add_hamlets(app, &Actor::cli(), rows).await.unwrap();
    surveys::areas(app, COMMUNE)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.code)
        .collect()
}

/// A campaign with two contents ("Giao thông", "Môi trường"), opened, answered on paper with
/// `(hamlet, answer, content 1, content 2)` rows ("1", "0", "-" or blank) and closed.
pub async fn closed_campaign_with_contents(
    app: &App,
    unit: &str,
    set: &str,
    year: i32,
    rows: &[(&str, &str, &str, &str)],
) -> String {
    use ntm_app::surveys::{CampaignInput, NewCampaign};
    let mut q = ntm_domain::dossier::campaign::Questionnaire::suggested();
    q.contents = vec!["Giao thông".into(), "Môi trường".into()];
    let now = ntm_app::now();
    let c = surveys::create(
        app,
        &Actor::cli(),
        NewCampaign {
            unit_code: unit.into(),
            set_id: set.into(),
            year,
            input: CampaignInput {
                title: "Lấy ý kiến theo nội dung".into(),
                questionnaire: q,
                opens_at: now - time::Duration::hours(1),
                closes_at: now + time::Duration::days(7),
            },
        },
    )
    .await
    .unwrap();
    surveys::open(app, &Actor::cli(), &c.code).await.unwrap();
    let rows: Vec<ntm_reports::survey_xlsx::PaperRow> = rows
        .iter()
        .enumerate()
        .map(
            |(i, (hamlet, answer, c1, c2))| ntm_reports::survey_xlsx::PaperRow {
                row: i + 2,
                hamlet: (*hamlet).into(),
                household: format!("{hamlet}-{i}"),
                answer: (*answer).into(),
                contents: vec![(*c1).into(), (*c2).into()],
            },
        )
        .collect();
    surveys::paper_apply(app, &Actor::cli(), &c.code, "p.xlsx", &rows)
        .await
        .unwrap();
    surveys::close(app, &Actor::cli(), &c.code).await.unwrap();
    c.code
}

/// The PDF's text: (reading order with whitespace collapsed, `-layout` lines), or `None`
/// when pdftotext is missing (and `NTM_REQUIRE_PDFTOTEXT` is not set).
pub fn pdf_text(pdf: &[u8]) -> Option<(String, String)> {
    let path = std::env::temp_dir().join(format!("ntm-recognition-{}.pdf", uuid::Uuid::now_v7()));
    std::fs::write(&path, pdf).unwrap();
    let run = |layout: bool| {
        let mut cmd = std::process::Command::new("pdftotext");
        if layout {
            cmd.arg("-layout");
        }
        cmd.args(["-enc", "UTF-8"]).arg(&path).arg("-").output()
    };
    let (raw, layout) = match (run(false), run(true)) {
        (Ok(r), Ok(l)) => (r, l),
        (Err(e), _) | (_, Err(e)) if std::env::var("NTM_REQUIRE_PDFTOTEXT").is_err() => {
            eprintln!("pdftotext not available ({e}); text checks skipped");
            return None;
        }
        (Err(e), _) | (_, Err(e)) => panic!("pdftotext: {e}"),
    };
    let _ = std::fs::remove_file(&path);
    assert!(raw.status.success() && layout.status.success(), "{raw:?}");
    let raw = String::from_utf8(raw.stdout).unwrap();
    let flat = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    Some((flat, String::from_utf8(layout.stdout).unwrap()))
}

/// Adds Thành phố Cần Thơ (92), a province unrelated to Trà Vinh and Vĩnh Long, by its own
/// one-row list, and an officer of it: since the 2025 reform Vĩnh Long's officer sees Trà
/// Vinh's records (lineage), so "another province" checks need a province outside it.
pub async fn add_other_province_officer(app: &App, username: &str) {
    let input = SnapshotInput {
        source: "units-92.csv".into(),
        units_csv: "code,name,level,kind,parent_code\n92,Thành phố Cần Thơ,province,Thành phố trực thuộc trung ương,\n"
            .as_bytes(),
        date: date!(2025 - 07 - 01),
        mapping_csv: None,
    };
    import_snapshot(app, &Actor::cli(), input, &mut |_| {})
        .await
        .expect("province 92");
    let new = NewUser {
        username: username.into(),
        display_name: username.into(),
        password: PASSWORD.into(),
        grants: vec![GrantInput::parse("province_officer@92").expect("grant")],
    };
    add_user(app, &Actor::cli(), new)
        .await
        .expect("officer of 92");
}
