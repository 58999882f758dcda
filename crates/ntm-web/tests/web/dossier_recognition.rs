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

use std::sync::OnceLock;

use axum_test::TestServer;
use axum_test::multipart::{MultipartForm, Part};
use ntm_app::users::{GrantInput, NewUser, add_user};
use ntm_app::{Actor, App, AppConfig, Db};
use ntm_domain::criteria::Catalog;
use ntm_web::{WebConfig, router};
use serde_json::{Value, json};

use crate::helpers::{
    COMMUNE, PASSWORD, add_two_hamlets, app_with, browser, form_token, location, logged_in,
    pdf_text, token,
};

const SET: &str = "thu-nghiem-xa";
const FIXTURE: &str = include_str!("../../../../testdata/criteria/thu-nghiem-xa.yaml");
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

// ---------------------------------------------------------------- tests

ntm_testkit::both_backends!(
    dossier_recognition_post_reform_every_step,
    |db: Db| async move {
        let app = app(db).await;
        let xa = logged_in(&app, "xa.chauthanh").await;
        let tinh = logged_in(&app, "tinh.vinhlong").await;
        let tinh2 = logged_in(&app, "tinh.vinhlong2").await;

        // Values of 2026: entered and submitted by the commune; the province verifies 1.1 only.
        enter_value(&xa, 2026, "1.1", "92,5").await;
        enter_value(&xa, 2026, "2.1", "Đạt").await;
        review(&xa, 2026, "submit", "").await;
        review(&tinh, 2026, "verify", "1.1").await;

        // The dossier, dated 01/10/2026: posting, submission.
        let id = open_dossier(&xa, 2026, "2026-10-01").await;
        let path = format!("/dossiers/{id}");
        let page = xa.get(&path).await.text();
        assert!(
            page.contains("id=\"dossier-state\">Đang chuẩn bị</span>"),
            "{page}"
        );
        assert!(page.contains("Chưa có thao tác nào"), "{page}");
        upload(&xa, &id, "results_report").await;
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
        after_act(
            res,
            &xa,
            "Đang công khai lấy ý kiến",
            1,
            "Bắt đầu công khai lấy ý kiến",
            "xa.chauthanh",
            "01/10/2026",
        )
        .await;
        // 15 days at least: 16/10 is one day short.
        let res = act(
            &xa,
            &id,
            &[
                ("action", "end_posting"),
                ("expected_seq", "1"),
                ("date", "15/10/2026"),
            ],
        )
        .await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        assert!(
            res.text()
                .contains("thời gian công khai chưa đủ: sớm nhất kết thúc ngày 16/10/2026"),
            "{}",
            res.text()
        );
        let res = act(
            &xa,
            &id,
            &[
                ("action", "end_posting"),
                ("expected_seq", "1"),
                ("date", "16/10/2026"),
            ],
        )
        .await;
        after_act(
            res,
            &xa,
            "Sẵn sàng trình",
            2,
            "Kết thúc công khai",
            "xa.chauthanh",
            "16/10/2026",
        )
        .await;
        for kind in SUBMISSION_DOCS {
            upload(&xa, &id, kind).await;
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
        after_act(
            res,
            &xa,
            "Đã trình",
            3,
            "Trình hồ sơ",
            "xa.chauthanh",
            "20/10/2026",
        )
        .await;
        // Both province officers are told the dossier waits for the appraisal; not the commune.
        for s in [&tinh, &tinh2] {
            let n = unread_notes(s).await;
            assert!(
                n.contains("Hồ sơ của Xã Châu Thành (29374) chờ bước «Thẩm định» (Đã trình)."),
                "{n}"
            );
            assert!(n.contains(&path), "{n}");
        }
        assert!(unread_notes(&xa).await.contains("Không có thông báo nào"));

        // Appraisal: the report is attached by the province.
        let tp = tinh.get(&path).await.text();
        assert!(tp.contains("id=\"act-appraise_pass\""), "{tp}");
        assert!(
            !tp.contains("id=\"act-review_pass\""),
            "no district after 01/07/2025: {tp}"
        );
        upload(&tinh, &id, "appraisal_report").await;
        let pass = [
            ("action", "appraise_pass"),
            ("expected_seq", "3"),
            ("date", "25/10/2026"),
        ];
        let refused = |res: axum_test::TestResponse, msg: &'static str| {
            assert_eq!(res.status_code(), 422, "{}", res.text());
            let html = res.text();
            let form = &html[html.find("id=\"act-appraise_pass\"").expect("form")..];
            let form = &form[..form.find("</form>").unwrap()];
            assert!(form.contains("id=\"error-appraise_pass\""), "{form}");
            assert!(form.contains(msg), "{msg}: {form}");
            assert!(form.contains("value=\"25/10/2026\""), "date kept: {form}");
            assert!(html.contains("id=\"dossier-state\">Đã trình</span>"));
        };
        // 2.1 is only submitted, not verified.
        refused(
            act(&tinh, &id, &pass).await,
            "chưa đạt đầy đủ các tiêu chí trên số liệu đã xác minh",
        );
        review(&tinh, 2026, "verify", "2.1").await;
        // Verified, but the province has not set the commune threshold yet.
        refused(
            act(&tinh, &id, &pass).await,
            "chưa có ngưỡng tỷ lệ hài lòng đã xác nhận",
        );
        let settings = "/units/86/procedure-settings";
        let t = form_token(&tinh.get(settings).await.text());
        let res = tinh
            .post(settings)
            .form(&[
                ("_csrf", t.as_str()),
                ("what", "satisfaction"),
                ("kind", "commune_ntm"),
                ("percent", "80"),
                ("basis", BASIS),
            ])
            .await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
        let page = tinh.get(&path).await.text();
        assert!(
            page.contains(&format!("80 % (tỉnh cấu hình theo {BASIS})")),
            "{page}"
        );
        // No closed campaign yet.
        refused(
            act(&tinh, &id, &pass).await,
            "chưa có kết quả lấy ý kiến sự hài lòng của người dân",
        );
        // A closed campaign below the threshold: 1 of 3 satisfied.
        closed_campaign(&app, &xa, 2026, 1, 2).await;
        refused(
            act(&tinh, &id, &pass).await,
            "tỷ lệ hài lòng 33,33 % thấp hơn ngưỡng 80 %",
        );
        // A later campaign at exactly the threshold: 4 of 5 (80 %) passes.
        closed_campaign(&app, &xa, 2026, 4, 1).await;
        let res = act(&tinh, &id, &pass).await;
        after_act(
            res,
            &tinh,
            "Đã thẩm định",
            4,
            "Thẩm định: đạt",
            "tinh.vinhlong",
            "25/10/2026",
        )
        .await;
        // The other province officer is told the decision is next; the actor is not.
        let n = unread_notes(&tinh2).await;
        assert!(
            n.contains("chờ bước «Quyết định công nhận» (Đã thẩm định)."),
            "{n}"
        );
        assert!(!unread_notes(&tinh).await.contains("Quyết định công nhận"));

        // Publishing before the decision: not offered, refused at the top, nothing written.
        let tp = tinh.get(&path).await.text();
        assert!(tp.contains("id=\"act-decide\""), "{tp}");
        assert!(!tp.contains("id=\"act-publish\""), "{tp}");
        let res = act(&tinh, &id, &[("action", "publish"), ("expected_seq", "4")]).await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        assert!(res.text().contains("id=\"error-other\""), "{}", res.text());
        assert!(res.text().contains("Công bố: không thể"), "{}", res.text());

        // Decision: the number is required; the other fields are kept.
        let decide_refused = |res: axum_test::TestResponse, msg: &'static str| {
            assert_eq!(res.status_code(), 422, "{}", res.text());
            let html = res.text();
            let form = &html[html.find("id=\"act-decide\"").expect("form")..];
            let form = &form[..form.find("</form>").unwrap()];
            assert!(form.contains("id=\"error-decide\""), "{form}");
            assert!(form.contains(msg), "{msg}: {form}");
            assert!(
                form.contains("value=\"Chủ tịch UBND tỉnh Vĩnh Long\""),
                "{form}"
            );
            assert!(html.contains("id=\"dossier-state\">Đã thẩm định</span>"));
        };
        decide_refused(
            act(
                &tinh,
                &id,
                &[
                    ("action", "decide"),
                    ("expected_seq", "4"),
                    ("number", "  "),
                    ("decision_date", "28/10/2026"),
                    ("signer", "Chủ tịch UBND tỉnh Vĩnh Long"),
                    ("date", "30/10/2026"),
                ],
            )
            .await,
            "quyết định thiếu số hoặc người ký",
        );
        // A decision dated after the recording date (here: in the future).
        decide_refused(
            act(
                &tinh,
                &id,
                &[
                    ("action", "decide"),
                    ("expected_seq", "4"),
                    ("number", "1234/QĐ-UBND"),
                    ("decision_date", "15/12/2026"),
                    ("signer", "Chủ tịch UBND tỉnh Vĩnh Long"),
                ],
            )
            .await,
            "ngày quyết định 15/12/2026 không hợp lệ (phải trong khoảng 25/10/2026 – ",
        );
        // A recording date in the future.
        decide_refused(
            act(
                &tinh,
                &id,
                &[
                    ("action", "decide"),
                    ("expected_seq", "4"),
                    ("number", "1234/QĐ-UBND"),
                    ("decision_date", "28/10/2026"),
                    ("signer", "Chủ tịch UBND tỉnh Vĩnh Long"),
                    ("date", "31/12/2099"),
                ],
            )
            .await,
            "ngày 31/12/2099 ở tương lai",
        );
        // A decision before the appraisal.
        decide_refused(
            act(
                &tinh,
                &id,
                &[
                    ("action", "decide"),
                    ("expected_seq", "4"),
                    ("number", "1234/QĐ-UBND"),
                    ("decision_date", "24/10/2026"),
                    ("signer", "Chủ tịch UBND tỉnh Vĩnh Long"),
                    ("date", "30/10/2026"),
                ],
            )
            .await,
            "không hợp lệ (phải trong khoảng",
        );
        let res = act(
            &tinh,
            &id,
            &[
                ("action", "decide"),
                ("expected_seq", "4"),
                ("number", "1234/QĐ-UBND"),
                ("decision_date", "28/10/2026"),
                ("signer", "Chủ tịch UBND tỉnh Vĩnh Long"),
                ("date", "30/10/2026"),
            ],
        )
        .await;
        let html = after_act(
            res,
            &tinh,
            "Đã công nhận",
            5,
            "Quyết định công nhận",
            "tinh.vinhlong",
            "30/10/2026",
        )
        .await;
        assert!(
            html.contains(
                "Số 1234/QĐ-UBND, ngày 28/10/2026, người ký: Chủ tịch UBND tỉnh Vĩnh Long"
            ),
            "{html}"
        );
        assert!(
            history(&html).contains(
                "Quyết định số 1234/QĐ-UBND ngày 28/10/2026, người ký: Chủ tịch UBND tỉnh Vĩnh Long"
            ),
            "{html}"
        );
        // Closed to new documents.
        assert!(!html.contains("id=\"upload-form\""), "{html}");
        // The commune is told of the decision; the other province officer of the publication.
        let n = unread_notes(&xa).await;
        assert!(
            n.contains("Hồ sơ của Xã Châu Thành (29374): Quyết định công nhận (Đã công nhận)."),
            "{n}"
        );
        let n = unread_notes(&tinh2).await;
        assert!(n.contains("chờ bước «Công bố» (Đã công nhận)."), "{n}");

        // The PDF for the record: every criterion "Đạt" on verified data, the survey above
        // the threshold.
        let res = xa.get(&format!("/dossiers/{id}/pdf")).await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        assert_eq!(res.header("content-type"), "application/pdf");
        if let Some((text, layout)) = pdf_text(res.as_bytes()) {
            // Each criterion row reads "Đạt".
            let rows: Vec<&str> = layout
                .lines()
                .filter(|l| l.contains("Tiêu chí thử nghiệm"))
                .collect();
            assert_eq!(rows.len(), 2, "{layout}");
            for row in rows {
                assert!(row.split_whitespace().any(|w| w == "Đạt"), "{row}");
            }
            for needle in [
                "Đạt 2/2 tiêu chí trên số liệu đã xác minh.",
                "Tiêu chí thử nghiệm về tỷ lệ",
                "Tiêu chí thử nghiệm đạt / không đạt",
                "4 trên 5 phiếu hợp lệ hài lòng, tỷ lệ 80,00 %. Đạt ngưỡng công nhận.",
                "1234/QĐ-UBND",
                "Đã công nhận",
            ] {
                assert!(text.contains(needle), "{needle:?} in {text}");
            }
            assert!(!text.contains("Chưa đạt"), "{text}");
        }

        // Revoke needs a reason (the blank reason kept as typed).
        let tp = tinh.get(&path).await.text();
        assert!(
            tp.contains("id=\"act-publish\"") && tp.contains("id=\"act-revoke\""),
            "{tp}"
        );
        let res = act(
            &tinh,
            &id,
            &[
                ("action", "revoke"),
                ("expected_seq", "5"),
                ("reason", "   "),
                ("date", "02/11/2026"),
            ],
        )
        .await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        let html = res.text();
        assert!(html.contains("id=\"error-revoke\""), "{html}");
        assert!(html.contains("cần nêu lý do"), "{html}");
        assert!(html.contains("value=\"02/11/2026\""), "{html}");

        // Publication.
        let res = act(
            &tinh,
            &id,
            &[
                ("action", "publish"),
                ("expected_seq", "5"),
                ("date", "05/11/2026"),
            ],
        )
        .await;
        after_act(
            res,
            &tinh,
            "Đã công bố",
            6,
            "Công bố",
            "tinh.vinhlong",
            "05/11/2026",
        )
        .await;
        let n = unread_notes(&xa).await;
        assert!(
            n.contains("Hồ sơ của Xã Châu Thành (29374): Công bố (Đã công bố)."),
            "{n}"
        );

        // A form from the page before the publication: 409, the typed reason kept, nothing written.
        let res = act(
            &tinh,
            &id,
            &[
                ("action", "revoke"),
                ("expected_seq", "5"),
                ("reason", "Kiểm tra lại không đạt tiêu chí 1"),
                ("date", "20/11/2026"),
            ],
        )
        .await;
        assert_eq!(res.status_code(), 409, "{}", res.text());
        let html = res.text();
        assert!(html.contains("id=\"dossier-conflict\""), "{html}");
        assert!(
            html.contains("Kiểm tra lại không đạt tiêu chí 1</textarea>"),
            "{html}"
        );
        assert_eq!(state_of(&tinh, &id).await, "Đã công bố");

        // Revocation with its reason.
        let res = act(
            &tinh,
            &id,
            &[
                ("action", "revoke"),
                ("expected_seq", "6"),
                ("reason", "Kiểm tra lại không đạt tiêu chí 1"),
                ("date", "20/11/2026"),
            ],
        )
        .await;
        let html = after_act(
            res,
            &tinh,
            "Đã thu hồi",
            7,
            "Thu hồi quyết định",
            "tinh.vinhlong",
            "20/11/2026",
        )
        .await;
        assert!(
            history(&html).contains("Kiểm tra lại không đạt tiêu chí 1"),
            "{html}"
        );
        assert!(
            html.contains("id=\"dossier-no-actions\""),
            "nothing after a revocation: {html}"
        );
        // The header keeps the decision and says when it was published and revoked, and why.
        assert!(html.contains("id=\"dossier-decision\""), "{html}");
        assert!(
            html.contains("id=\"dossier-published\">05/11/2026</dd>"),
            "{html}"
        );
        assert!(
            html.contains(
                "id=\"dossier-revoked\" class=\"dossier-warn\">20/11/2026: Kiểm tra lại không đạt tiêu chí 1</dd>"
            ),
            "{html}"
        );
        assert!(html.contains("id=\"dossier-opened\">"), "{html}");
        let n = unread_notes(&xa).await;
        assert!(
            n.contains("Hồ sơ của Xã Châu Thành (29374): Thu hồi quyết định (Đã thu hồi)."),
            "{n}"
        );

        // Every transition audited, by whom, in order; the chain still verifies.
        assert_eq!(
            dossier_audit(&app, &id).await,
            [
                ("xa.chauthanh", "dossier.create"),
                ("xa.chauthanh", "dossier.start_posting"),
                ("xa.chauthanh", "dossier.end_posting"),
                ("xa.chauthanh", "dossier.submit"),
                ("tinh.vinhlong", "dossier.appraise_pass"),
                ("tinh.vinhlong", "dossier.decide"),
                ("tinh.vinhlong", "dossier.publish"),
                ("tinh.vinhlong", "dossier.revoke"),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        let log = ntm_app::audit::list(&app, &Actor::cli(), 0, 10_000)
            .await
            .unwrap();
        for a in [
            "observations.verified",
            "procedure_settings.put",
            "survey.close",
        ] {
            assert!(
                log.iter().any(|e| e.action == a),
                "{a}: {:?}",
                log.iter().map(|e| &e.action).collect::<Vec<_>>()
            );
        }
        let report = ntm_app::audit::verify_chain(&app, &Actor::cli())
            .await
            .unwrap();
        assert!(report.ok, "{report:?}");
    }
);

ntm_testkit::both_backends!(
    dossier_recognition_pre_reform_with_district_review,
    |db: Db| async move {
        let app = app(db).await;
        let xa = logged_in(&app, "xa.chauthanh").await;
        let huyen = logged_in(&app, "huyen.chauthanh").await;
        let tinh = logged_in(&app, "tinh.travinh").await;

        // Values of 2024, when the commune was under Huyện Châu Thành: the district verifies.
        enter_value(&xa, 2024, "1.1", "81").await;
        enter_value(&xa, 2024, "2.1", "Đạt").await;
        review(&xa, 2024, "submit", "").await;
        review(&huyen, 2024, "verify", "").await;
        closed_campaign(&app, &xa, 2024, 9, 1).await;
        // The dossier's province is Trà Vinh (84), whose officer sets its threshold.
        let settings = "/units/84/procedure-settings";
        let page = tinh.get(settings).await;
        assert_eq!(page.status_code(), 200, "{}", page.text());
        assert!(
            page.text().contains("id=\"no-threshold\""),
            "{}",
            page.text()
        );
        let t = form_token(&page.text());
        let res = tinh
            .post(settings)
            .form(&[
                ("_csrf", t.as_str()),
                ("what", "satisfaction"),
                ("kind", "commune_ntm"),
                ("percent", "90"),
                ("basis", BASIS),
            ])
            .await;
        assert_eq!(res.status_code(), 303, "{}", res.text());

        // Dated 03/03/2025: the earlier chain, with the district's review.
        let id = open_dossier(&xa, 2024, "2025-03-03").await;
        let path = format!("/dossiers/{id}");
        let page = xa.get(&path).await.text();
        assert!(page.contains("Thẩm tra"), "{page}");
        // The page names the unit as it is today (the notifications and the PDF name it as it
        // was on the dossier's date: Thị trấn Châu Thành).
        assert!(page.contains("Xã Châu Thành"), "{page}");
        assert!(
            page.contains(&format!("90 % (tỉnh cấu hình theo {BASIS})")),
            "{page}"
        );
        upload(&xa, &id, "results_report").await;
        for (seq, action, date, state, label) in [
            (
                "0",
                "start_posting",
                "03/03/2025",
                "Đang công khai lấy ý kiến",
                "Bắt đầu công khai lấy ý kiến",
            ),
            (
                "1",
                "end_posting",
                "18/03/2025",
                "Sẵn sàng trình",
                "Kết thúc công khai",
            ),
        ] {
            let res = act(
                &xa,
                &id,
                &[("action", action), ("expected_seq", seq), ("date", date)],
            )
            .await;
            let n: usize = seq.parse::<usize>().unwrap() + 1;
            after_act(res, &xa, state, n, label, "xa.chauthanh", date).await;
        }
        for kind in SUBMISSION_DOCS {
            upload(&xa, &id, kind).await;
        }
        let res = act(
            &xa,
            &id,
            &[
                ("action", "submit"),
                ("expected_seq", "2"),
                ("date", "20/03/2025"),
            ],
        )
        .await;
        after_act(
            res,
            &xa,
            "Đã trình",
            3,
            "Trình hồ sơ",
            "xa.chauthanh",
            "20/03/2025",
        )
        .await;
        // The district is told; the province not yet (its step is not next).
        let n = unread_notes(&huyen).await;
        assert!(
            n.contains("Hồ sơ của Thị trấn Châu Thành (29374) chờ bước «Thẩm tra» (Đã trình)."),
            "{n}"
        );
        assert!(unread_notes(&tinh).await.contains("Không có thông báo nào"));

        // Submitted on 20/03/2025: the district has the review forms (an act dated before
        // 01/07/2025); the province too may appraise (directly, only dated from 01/07/2025),
        // but not before the review when dated earlier.
        let hp = huyen.get(&path).await.text();
        // Named as on the dossier's date, with today's name beside it.
        assert!(
            hp.contains("Thị trấn Châu Thành (nay là Xã Châu Thành)"),
            "{hp}"
        );
        assert!(
            hp.contains("id=\"act-review_pass\"") && hp.contains("id=\"act-review_return\""),
            "{hp}"
        );
        assert!(!hp.contains("id=\"act-appraise_pass\""), "{hp}");
        let tp = tinh.get(&path).await.text();
        assert!(tp.contains("id=\"act-appraise_pass\""), "{tp}");
        assert!(!tp.contains("id=\"act-review_pass\""), "{tp}");
        let res = act(
            &tinh,
            &id,
            &[
                ("action", "appraise_pass"),
                ("expected_seq", "3"),
                ("date", "25/03/2025"),
            ],
        )
        .await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        assert!(
            res.text().contains("id=\"error-appraise_pass\""),
            "{}",
            res.text()
        );
        assert!(
            res.text()
                .contains("hồ sơ phải được cấp huyện thẩm tra trước khi thẩm định"),
            "{}",
            res.text()
        );
        assert!(
            res.text().contains("value=\"25/03/2025\""),
            "{}",
            res.text()
        );
        // The review needs its report.
        let review_pass = [
            ("action", "review_pass"),
            ("expected_seq", "3"),
            ("date", "01/04/2025"),
        ];
        let res = act(&huyen, &id, &review_pass).await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        assert!(
            res.text().contains("id=\"error-review_pass\""),
            "{}",
            res.text()
        );
        assert!(res.text().contains("thiếu tài liệu"), "{}", res.text());
        upload(&huyen, &id, "review_report").await;
        let res = act(&huyen, &id, &review_pass).await;
        after_act(
            res,
            &huyen,
            "Đã thẩm tra",
            4,
            "Thẩm tra: đạt",
            "huyen.chauthanh",
            "01/04/2025",
        )
        .await;
        let n = unread_notes(&tinh).await;
        assert!(
            n.contains("Hồ sơ của Thị trấn Châu Thành (29374) chờ bước «Thẩm định» (Đã thẩm tra)."),
            "{n}"
        );

        // The district may not appraise or decide: the province's steps.
        let hp = huyen.get(&path).await.text();
        assert!(hp.contains("id=\"dossier-no-actions\""), "{hp}");
        let res = act(
            &huyen,
            &id,
            &[
                ("action", "appraise_pass"),
                ("expected_seq", "4"),
                ("date", "10/04/2025"),
            ],
        )
        .await;
        assert_eq!(res.status_code(), 403, "{}", res.text());

        // Appraisal and decision by the province of the time.
        upload(&tinh, &id, "appraisal_report").await;
        let res = act(
            &tinh,
            &id,
            &[
                ("action", "appraise_pass"),
                ("expected_seq", "4"),
                ("date", "10/04/2025"),
            ],
        )
        .await;
        after_act(
            res,
            &tinh,
            "Đã thẩm định",
            5,
            "Thẩm định: đạt",
            "tinh.travinh",
            "10/04/2025",
        )
        .await;
        let decide = [
            ("action", "decide"),
            ("expected_seq", "5"),
            ("number", "567/QĐ-UBND"),
            ("decision_date", "15/04/2025"),
            ("signer", "Chủ tịch UBND tỉnh Trà Vinh"),
            ("date", "16/04/2025"),
        ];
        let res = act(&huyen, &id, &decide).await;
        assert_eq!(res.status_code(), 403, "{}", res.text());
        assert_eq!(state_of(&xa, &id).await, "Đã thẩm định");
        let res = act(&tinh, &id, &decide).await;
        let html = after_act(
            res,
            &tinh,
            "Đã công nhận",
            6,
            "Quyết định công nhận",
            "tinh.travinh",
            "16/04/2025",
        )
        .await;
        assert!(
            html.contains("Số 567/QĐ-UBND, ngày 15/04/2025, người ký: Chủ tịch UBND tỉnh Trà Vinh"),
            "{html}"
        );
        let n = unread_notes(&xa).await;
        assert!(
            n.contains(
                "Hồ sơ của Thị trấn Châu Thành (29374): Quyết định công nhận (Đã công nhận)."
            ),
            "{n}"
        );
        // The district cannot publish either; the province does.
        let res = act(
            &huyen,
            &id,
            &[
                ("action", "publish"),
                ("expected_seq", "6"),
                ("date", "20/04/2025"),
            ],
        )
        .await;
        assert_eq!(res.status_code(), 403, "{}", res.text());
        let res = act(
            &tinh,
            &id,
            &[
                ("action", "publish"),
                ("expected_seq", "6"),
                ("date", "20/04/2025"),
            ],
        )
        .await;
        after_act(
            res,
            &tinh,
            "Đã công bố",
            7,
            "Công bố",
            "tinh.travinh",
            "20/04/2025",
        )
        .await;

        assert_eq!(
            dossier_audit(&app, &id).await,
            [
                ("xa.chauthanh", "dossier.create"),
                ("xa.chauthanh", "dossier.start_posting"),
                ("xa.chauthanh", "dossier.end_posting"),
                ("xa.chauthanh", "dossier.submit"),
                ("huyen.chauthanh", "dossier.review_pass"),
                ("tinh.travinh", "dossier.appraise_pass"),
                ("tinh.travinh", "dossier.decide"),
                ("tinh.travinh", "dossier.publish"),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        // The PDF of the earlier period: the district's review and the decision.
        let res = xa.get(&format!("/dossiers/{id}/pdf")).await;
        assert_eq!(res.status_code(), 200);
        if let Some((text, _)) = pdf_text(res.as_bytes()) {
            for needle in [
                "Đạt 2/2 tiêu chí trên số liệu đã xác minh.",
                "UBND HUYỆN CHÂU THÀNH",
                "567/QĐ-UBND",
            ] {
                assert!(text.contains(needle), "{needle:?} in {text}");
            }
        }
    }
);

/// A 2026 dossier taken to `Appraised` through the API (documents declared), with verified
/// values, the province's threshold and a closed campaign; returns its id.
async fn appraised(app: &App) -> String {
    let xa = logged_in(app, "xa.chauthanh").await;
    let tinh = logged_in(app, "tinh.vinhlong").await;
    enter_value(&xa, 2026, "1.1", "80").await;
    enter_value(&xa, 2026, "2.1", "Đạt").await;
    review(&xa, 2026, "submit", "").await;
    review(&tinh, 2026, "verify", "").await;
    closed_campaign(app, &xa, 2026, 3, 0).await;
    let t = form_token(&tinh.get("/units/86/procedure-settings").await.text());
    let res = tinh
        .post("/units/86/procedure-settings")
        .form(&[
            ("_csrf", t.as_str()),
            ("what", "satisfaction"),
            ("kind", "commune_ntm"),
            ("percent", "80"),
            ("basis", BASIS),
        ])
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let id = open_dossier(&xa, 2026, "2026-10-01").await;
    for (who, body) in [
        (&xa, json!({"action": "start_posting", "date": "2026-10-01", "documents": ["results_report"]})),
        (&xa, json!({"action": "end_posting", "date": "2026-10-16"})),
        (&xa, json!({"action": "submit", "date": "2026-10-20", "documents": SUBMISSION_DOCS})),
        (&tinh, json!({"action": "appraise", "verdict": "pass", "date": "2026-10-25", "documents": ["appraisal_report"]})),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (w, mut b))| {
        b["expected_seq"] = json!(i);
        (w, b)
    }) {
        let res = api_act(who, &id, body.clone()).await;
        assert_eq!(res.status_code(), 200, "{body}: {}", res.text());
    }
    id
}

ntm_testkit::both_backends!(
    dossier_recognition_decide_publish_revoke_authorization,
    |db: Db| async move {
        let app = app(db).await;
        let id = appraised(&app).await;
        let anon = browser(&app);
        let others = [
            ("xem", logged_in(&app, "xem").await),
            ("xa.chauthanh", logged_in(&app, "xa.chauthanh").await),
            ("xa.tanan", logged_in(&app, "xa.tanan").await),
            ("tinh.travinh", logged_in(&app, "tinh.travinh").await),
            ("huyen.chauthanh", logged_in(&app, "huyen.chauthanh").await),
        ];
        let tinh = logged_in(&app, "tinh.vinhlong").await;
        let decide_form = [
            ("action", "decide"),
            ("expected_seq", "4"),
            ("number", "9/QĐ-UBND"),
            ("decision_date", "28/10/2026"),
            ("signer", "Chủ tịch UBND tỉnh Vĩnh Long"),
            ("date", "30/10/2026"),
        ];
        let decide_json = json!({"action": "decide", "expected_seq": 4, "decision_number": "9/QĐ-UBND",
            "decision_date": "2026-10-28", "decision_signer": "Chủ tịch UBND tỉnh Vĩnh Long",
            "date": "2026-10-30"});

        // Nobody but the province's officer decides: pages and API.
        let res = act(&anon, &id, &decide_form).await;
        assert_eq!(res.status_code(), 303);
        assert!(location(&res).starts_with("/login"), "{}", location(&res));
        let res = api_act(&anon, &id, decide_json.clone()).await;
        assert_eq!(res.status_code(), 401, "{}", res.text());
        for (who, s) in &others {
            let res = act(s, &id, &decide_form).await;
            assert_eq!(res.status_code(), 403, "{who}: {}", res.text());
            let res = api_act(s, &id, decide_json.clone()).await;
            assert_eq!(res.status_code(), 403, "{who}: {}", res.text());
        }
        let d: Value = tinh.get(&format!("/api/v1/dossiers/{id}")).await.json();
        assert_eq!(
            (d["state"].as_str(), d["seq"].as_i64()),
            (Some("appraised"), Some(4)),
            "{d}"
        );

        // Refusals over the API: 422 with the domain's message; a stale version 409.
        let mut bad = decide_json.clone();
        bad["decision_number"] = json!("");
        let res = api_act(&tinh, &id, bad).await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        assert!(
            res.text().contains("quyết định thiếu số hoặc người ký"),
            "{}",
            res.text()
        );
        let res = api_act(&tinh, &id, json!({"action": "publish", "expected_seq": 4})).await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        let mut stale = decide_json.clone();
        stale["expected_seq"] = json!(3);
        let res = api_act(&tinh, &id, stale).await;
        assert_eq!(res.status_code(), 409, "{}", res.text());

        // The province's officer decides over the API.
        let res = api_act(&tinh, &id, decide_json).await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        let d: Value = res.json();
        assert_eq!(d["state"], "recognized");
        assert_eq!(d["seq"], 5);

        // Publish and revoke: refused to all others, nothing written.
        let publish_form = [
            ("action", "publish"),
            ("expected_seq", "5"),
            ("date", "05/11/2026"),
        ];
        let revoke_form = [
            ("action", "revoke"),
            ("expected_seq", "5"),
            ("reason", "Thu hồi thử"),
            ("date", "05/11/2026"),
        ];
        let publish_json = json!({"action": "publish", "expected_seq": 5, "date": "2026-11-05"});
        let revoke_json = json!({"action": "revoke", "expected_seq": 5, "reason": "Thu hồi thử",
            "date": "2026-11-05"});
        for form in [&publish_form[..], &revoke_form[..]] {
            let res = act(&anon, &id, form).await;
            assert_eq!(res.status_code(), 303);
            assert!(location(&res).starts_with("/login"));
            for (who, s) in &others {
                let res = act(s, &id, form).await;
                assert_eq!(res.status_code(), 403, "{who} {form:?}: {}", res.text());
            }
        }
        for body in [&publish_json, &revoke_json] {
            let res = api_act(&anon, &id, body.clone()).await;
            assert_eq!(res.status_code(), 401, "{}", res.text());
            for (who, s) in &others {
                let res = api_act(s, &id, body.clone()).await;
                assert_eq!(res.status_code(), 403, "{who} {body}: {}", res.text());
            }
        }
        assert_eq!(state_of(&tinh, &id).await, "Đã công nhận");
        // Nobody else sees a form for these steps.
        for (who, s) in &others {
            let page = s.get(&format!("/dossiers/{id}")).await;
            if page.status_code() == 200 {
                assert!(page.text().contains("id=\"dossier-no-actions\""), "{who}");
            } else {
                assert_eq!(page.status_code(), 403, "{who}");
            }
        }

        // Revoke without a reason over the API: 422; then published and revoked over the API.
        let res = api_act(
            &tinh,
            &id,
            json!({"action": "revoke", "expected_seq": 5, "reason": " "}),
        )
        .await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        assert!(res.text().contains("cần nêu lý do"), "{}", res.text());
        let res = api_act(&tinh, &id, publish_json).await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        assert_eq!(res.json::<Value>()["state"], "published");
        let mut revoke = revoke_json;
        revoke["expected_seq"] = json!(6);
        revoke["date"] = json!("2026-11-20");
        let res = api_act(&tinh, &id, revoke.clone()).await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        let d: Value = res.json();
        assert_eq!(d["state"], "revoked");
        assert_eq!(d["events"][6]["note"], "Thu hồi thử");
        assert_eq!(d["events"][6]["actor"], "tinh.vinhlong");
        // Revoked is final.
        revoke["expected_seq"] = json!(7);
        let res = api_act(&tinh, &id, revoke).await;
        assert_eq!(res.status_code(), 422, "{}", res.text());

        // Only the province officer's acts were audited.
        let actors: Vec<(String, String)> = dossier_audit(&app, &id).await;
        assert_eq!(
            actors[4..].to_vec(),
            [
                ("tinh.vinhlong", "dossier.appraise_pass"),
                ("tinh.vinhlong", "dossier.decide"),
                ("tinh.vinhlong", "dossier.publish"),
                ("tinh.vinhlong", "dossier.revoke"),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        assert_eq!(actors.len(), 8);
    }
);
