//! Recognition over HTTP, to the end: a dossier of the test-only criteria set `thu-nghiem-xa`
//! (testdata/criteria, thresholds marked confirmed on purpose) is prepared, posted, submitted,
//! appraised, decided, published and revoked through the real router, with the values
//! entered and verified on the scorecard, a survey campaign answered and closed, and the
//! province's satisfaction threshold set with its basis. Each step is checked on the page
//! (state, history row, notification of the right party) and in the audit log; refusals
//! (values not verified, satisfaction below the threshold, incomplete or future decision,
//! publication before the decision, revocation without a reason, stale version) come back
//! next to the form with the domain's Vietnamese message and the typed input kept.
//! Before 01/07/2025 the district reviews; decide, publish and revoke are the province's only.
//!
//! This module holds the shared set-up (the app with the test-only set, scorecard, survey
//! and dossier steps); the tests: `post_reform`, `pre_reform`, `authorization`.

use std::sync::OnceLock;

use axum_test::TestServer;
use axum_test::multipart::{MultipartForm, Part};
use ntm_app::users::{GrantInput, NewUser, add_user};
use ntm_app::{Actor, App, AppConfig, Db};
use ntm_domain::criteria::Catalog;
use ntm_web::{WebConfig, router};
use serde_json::{Value, json};

use crate::helpers::{COMMUNE, PASSWORD, add_two_hamlets, app_with, form_token, location, token};

const SET: &str = "thu-nghiem-xa";
const FIXTURE: &str = include_str!("../../../../../testdata/criteria/thu-nghiem-xa.yaml");
const SUBMISSION_DOCS: [&str; 6] = [
    "submission_letter",
    "results_report",
    "comments_summary",
    "satisfaction_report",
    "meeting_minutes",
    "capital_debt_report",
];
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
const BASIS: &str = "QĐ 77/QĐ-UBND tỉnh (kiểm thử), Điều 2";

/// The shipped sets plus the test-only set, resolved once per process.
fn test_catalog() -> &'static Catalog {
    static C: OnceLock<&'static Catalog> = OnceLock::new();
    C.get_or_init(|| {
        ntm_app::criteria::catalog_with(&[("thu-nghiem-xa.yaml".into(), FIXTURE.into())])
            .expect("the test criteria set loads")
    })
}

/// The helpers' fixture on the catalog with `thu-nghiem-xa`, two hamlets under the commune
/// (for phone answers), and officers: Vĩnh Long (86, two of them), Trà Vinh (84, former
/// province) and Huyện Châu Thành (847, former district).
async fn app(db: Db) -> App {
    let config = AppConfig {
        data_dir: std::env::temp_dir().join(format!("ntm-recognition-{}", uuid::Uuid::now_v7())),
        ..AppConfig::default()
    };
    let mut app = app_with(db, config).await;
    app.catalog = test_catalog();
    for (username, display, grant) in [
        (
            "tinh.vinhlong",
            "Cán bộ tỉnh Vĩnh Long",
            "province_officer@86",
        ),
        (
            "tinh.vinhlong2",
            "Cán bộ tỉnh Vĩnh Long 2",
            "province_officer@86",
        ),
        (
            "tinh.travinh",
            "Cán bộ tỉnh Trà Vinh",
            "province_officer@84",
        ),
        (
            "huyen.chauthanh",
            "Cán bộ huyện Châu Thành",
            "district_officer@847",
        ),
    ] {
        add_user(
            &app,
            &Actor::cli(),
            NewUser {
                username: username.into(),
                display_name: display.into(),
                password: PASSWORD.into(),
                grants: vec![GrantInput::parse(grant).unwrap()],
            },
        )
        .await
        .unwrap();
    }
    add_two_hamlets(&app).await;
    app
}

// ---------------------------------------------------------------- scorecard

fn scorecard(year: i32) -> String {
    format!("/units/{COMMUNE}/scorecard?set={SET}&year={year}")
}

async fn scorecard_token(server: &TestServer, year: i32) -> String {
    let page = server.get(&scorecard(year)).await;
    assert_eq!(page.status_code(), 200, "{}", page.text());
    assert!(
        page.text().contains("Tiêu chí thử nghiệm"),
        "{}",
        page.text()
    );
    form_token(&page.text())
}

/// Enters one value with a note (the evidence) through the scorecard form.
async fn enter_value(server: &TestServer, year: i32, code: &str, value: &str) {
    let t = scorecard_token(server, year).await;
    let y = year.to_string();
    let res = server
        .post(&format!("/units/{COMMUNE}/scorecard/values"))
        .form(&[
            ("_csrf", t.as_str()),
            ("set", SET),
            ("year", y.as_str()),
            ("indicator", code),
            ("value", value),
            ("note", "Biên bản kiểm tra thực tế"),
            ("expected_version", ""),
        ])
        .await;
    assert_eq!(res.status_code(), 303, "{code}: {}", res.text());
    assert!(location(&res).contains("flash=saved"), "{}", location(&res));
}

/// Submits (`submit`) or verifies (`verify`) one indicator, or all with `""`.
async fn review(server: &TestServer, year: i32, action: &str, indicator: &str) {
    let t = scorecard_token(server, year).await;
    let y = year.to_string();
    let res = server
        .post(&format!("/units/{COMMUNE}/scorecard/status"))
        .form(&[
            ("_csrf", t.as_str()),
            ("set", SET),
            ("year", y.as_str()),
            ("action", action),
            ("indicator", indicator),
            ("comment", ""),
        ])
        .await;
    assert_eq!(
        res.status_code(),
        303,
        "{action} {indicator}: {}",
        res.text()
    );
}

// ---------------------------------------------------------------- survey

/// A campaign of the commune for `SET`/`year`, created and opened through the officer's
/// pages, answered on the public page by phone (`satisfied` yes, `not` no), then closed.
async fn closed_campaign(app: &App, officer: &TestServer, year: i32, satisfied: usize, not: usize) {
    let new = officer.get(&format!("/units/{COMMUNE}/surveys/new")).await;
    assert_eq!(new.status_code(), 200, "{}", new.text());
    let t = form_token(&new.text());
    let today = ntm_app::today();
    let iso = |d: time::Date| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
    let y = year.to_string();
    let res = officer
        .post(&format!("/units/{COMMUNE}/surveys"))
        .form(&[
            ("_csrf", t.as_str()),
            ("title", &format!("Lấy ý kiến sự hài lòng năm {year}")),
            ("set", SET),
            ("year", y.as_str()),
            ("opens_date", &iso(today)),
            ("opens_time", "00:00"),
            ("closes_date", &iso(today + time::Duration::days(3))),
            ("closes_time", "17:00"),
            ("main_question", "Ông/Bà có hài lòng không?"),
            ("satisfied_label", "Hài lòng"),
            ("not_satisfied_label", "Chưa hài lòng"),
        ])
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let href = location(&res);
    let code = href
        .rsplit('/')
        .next()
        .and_then(|s| s.split('?').next())
        .unwrap()
        .to_string();
    let res = officer
        .post(&format!("/units/{COMMUNE}/surveys/{code}/open"))
        .form(&[("_csrf", t.as_str())])
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());

    // Citizens from their own address (the public form is rate-limited per address).
    let citizen = TestServer::builder().save_cookies().build(router(
        app.clone(),
        WebConfig {
            trust_forwarded_for: true,
            ..WebConfig::default()
        },
    ));
    let ip = format!("10.{}.{}.9", (year % 200) + 1, satisfied * 10 + not + 1);
    let hamlet = ntm_app::surveys::areas(app, COMMUNE).await.unwrap()[0]
        .code
        .clone();
    // Phone answers need the commune's household phone list.
    let listed: Vec<ntm_app::survey_phones::PhoneRow> = (0..satisfied + not)
        .map(|i| ntm_app::survey_phones::PhoneRow {
            row: i + 2,
            hamlet: hamlet.clone(),
            phone: format!("09123450{i:02}"),
        })
        .collect();
    ntm_app::survey_phones::apply(app, &ntm_app::Actor::cli(), &code, "sdt.csv", &listed)
        .await
        .unwrap();
    let answers = std::iter::repeat_n("satisfied", satisfied)
        .chain(std::iter::repeat_n("not_satisfied", not));
    for (i, a) in answers.enumerate() {
        let page = citizen.get(&format!("/s/{code}")).await;
        assert_eq!(page.status_code(), 200, "{}", page.text());
        let pt = form_token(&page.text());
        let phone = format!("09123450{i:02}");
        let res = citizen
            .post(&format!("/s/{code}"))
            .add_header("x-forwarded-for", ip.as_str())
            .form(&[
                ("_csrf", pt.as_str()),
                ("answer", a),
                ("phone", phone.as_str()),
                ("area", hamlet.as_str()),
            ])
            .await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
    }
    let res = officer
        .post(&format!("/units/{COMMUNE}/surveys/{code}/close"))
        .form(&[("_csrf", t.as_str())])
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
}

// ---------------------------------------------------------------- dossier

/// Opens a dossier through the API (the page opens it today; acts on paper are dated).
async fn open_dossier(xa: &TestServer, year: i32, date: &str) -> String {
    let t = token(xa).await;
    let res = xa
        .post("/api/v1/dossiers")
        .add_header("x-csrf-token", t.as_str())
        .json(&json!({"unit": COMMUNE, "set": SET, "year": year, "date": date}))
        .await;
    assert_eq!(res.status_code(), 201, "{}", res.text());
    res.json::<Value>()["id"].as_str().unwrap().to_string()
}

/// Posts the action form of the dossier page (with a token from the page itself).
async fn act(server: &TestServer, id: &str, fields: &[(&str, &str)]) -> axum_test::TestResponse {
    let t = token(server).await;
    let mut form: Vec<(&str, &str)> = vec![("_csrf", t.as_str())];
    form.extend_from_slice(fields);
    server
        .post(&format!("/dossiers/{id}/act"))
        .form(&form)
        .await
}

async fn api_act(server: &TestServer, id: &str, body: Value) -> axum_test::TestResponse {
    let t = token(server).await;
    server
        .post(&format!("/api/v1/dossiers/{id}/actions"))
        .add_header("x-csrf-token", t.as_str())
        .json(&body)
        .await
}

async fn upload(server: &TestServer, id: &str, kind: &str) {
    let t = token(server).await;
    let form = MultipartForm::new()
        .add_text("_csrf", t.as_str())
        .add_text("kind", kind)
        .add_part(
            "file",
            Part::bytes(format!("{}{kind}", String::from_utf8_lossy(PDF)).into_bytes())
                .file_name(format!("{kind}.pdf")),
        );
    let res = server
        .post(&format!("/dossiers/{id}/documents"))
        .multipart(form)
        .await;
    assert_eq!(res.status_code(), 303, "{kind}: {}", res.text());
}

/// After a successful act: back on the page with the flash, the new state, and the history
/// row (`n` rows in all, the last one naming the action, the actor and the act date).
async fn after_act(
    res: axum_test::TestResponse,
    server: &TestServer,
    state: &str,
    rows: usize,
    action: &str,
    actor: &str,
    date: &str,
) -> String {
    assert_eq!(res.status_code(), 303, "{action}: {}", res.text());
    let href = location(&res);
    assert!(href.ends_with("?flash=done"), "{href}");
    let page = server.get(&href).await;
    assert_eq!(page.status_code(), 200);
    let html = page.text();
    assert!(html.contains("Đã ghi nhận thao tác."), "{html}");
    assert!(
        html.contains(&format!("id=\"dossier-state\">{state}</span>")),
        "state {state}: {html}"
    );
    let body = history(&html);
    let body = &body[body.find("<tbody>").expect("tbody")..];
    let trs: Vec<&str> = body.split("<tr>").skip(1).collect();
    assert_eq!(trs.len(), rows, "{body}");
    let last = trs[rows - 1];
    for needle in [
        format!("<td>{rows}</td>"),
        format!("<td>{action}<br>"),
        format!("→ {state}</span>"),
        format!("<td>{actor}<br>"),
        format!("<td>{date}<br>"),
    ] {
        assert!(last.contains(&needle), "{needle} in {last}");
    }
    html
}

/// The body of the history table.
fn history(html: &str) -> &str {
    let start = html
        .find("<table id=\"dossier-history\">")
        .expect("history table");
    let end = html[start..].find("</table>").unwrap() + start;
    &html[start..end]
}

/// The state shown on the dossier page.
async fn state_of(server: &TestServer, id: &str) -> String {
    let html = server.get(&format!("/dossiers/{id}")).await.text();
    let marker = "id=\"dossier-state\">";
    let start = html.find(marker).expect("state") + marker.len();
    html[start..start + html[start..].find('<').unwrap()].to_string()
}

/// Audit entries about the dossier, oldest first: (actor, action).
async fn dossier_audit(app: &App, id: &str) -> Vec<(String, String)> {
    let target = format!("dossier:{id}");
    let mut v: Vec<_> = ntm_app::audit::list(app, &Actor::cli(), 0, 10_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.target == target && e.action != "dossier.document")
        .collect();
    v.sort_by_key(|e| e.seq);
    v.into_iter().map(|e| (e.actor, e.action)).collect()
}

async fn unread_notes(server: &TestServer) -> String {
    let n = server.get("/notifications").await;
    assert_eq!(n.status_code(), 200);
    n.text()
}

mod authorization;
mod post_reform;
mod pre_reform;
