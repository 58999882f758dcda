//! Periodic reports through the pages: the full flow (open, two saves kept as versions, submit,
//! a second submission refused, return with a reason, resubmit, accept), the period closure,
//! late and missing children for the parent, figures equal to the plan dashboard's
//! (`ntm_app::plans::plan_progress`), the XLSX and the PDF (pdftotext), and authorization of
//! every endpoint.

use axum_test::TestServer;
use ntm_app::criteria::{ValueBatch, ValueInput, put_observations};
use ntm_app::plans::{MeasureInput, enter_measures, plan_progress};
use ntm_app::users::{GrantInput, NewUser, add_user};
use ntm_app::{Actor, App, Db};
use ntm_domain::observation::ObsSource;
use uuid::Uuid;

use crate::helpers::{PASSWORD, browser, form_token, location, logged_in, setup};

const PLAN: &str = "tra-vinh-2023";

/// The fixture with officers of 84, 86, 844 and 847, a district measure and indicator 8.4
/// for the communes of Càng Long in 2023.
async fn seeded(db: Db) -> App {
    let app = setup(db).await;
    for (username, grant) in [
        ("tinh.travinh", "province_officer@84"),
        ("tinh.vinhlong", "province_officer@86"),
        ("huyen.canglong", "district_officer@844"),
        ("huyen.chauthanh", "district_officer@847"),
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
    enter_measures(
        &app,
        &Actor::cli(),
        &[MeasureInput {
            unit_code: "844".into(),
            measure: "records_online_pct".into(),
            year: 2023,
            value: "27,5".into(),
            note: "thử nghiệm".into(),
            expected_version: None,
        }],
    )
    .await
    .expect("measure");
    for (code, v) in [("29266", "Đạt"), ("29269", "Đạt"), ("29278", "Không đạt")] {
        put_observations(
            &app,
            &Actor::cli(),
            code,
            ValueBatch {
                set_id: "xa-ntm-2021-2025".into(),
                year: 2023,
                values: vec![ValueInput {
                    code: "8.4".into(),
                    text: v.into(),
                    expected_version: None,
                }],
                note: "thử nghiệm".into(),
                source: ObsSource::Manual,
            },
        )
        .await
        .expect("values");
    }
    app
}

/// POSTs a form with the page's CSRF token.
async fn post(
    server: &TestServer,
    page: &str,
    url: &str,
    fields: &[(&str, &str)],
) -> axum_test::TestResponse {
    let html = server.get(page).await.text();
    let t = form_token(&html);
    let mut f: Vec<(&str, &str)> = vec![("_csrf", t.as_str())];
    f.extend_from_slice(fields);
    server.post(url).form(&f).await
}

/// Opens (creates) the report of 844 for a kind of 2023; returns its id.
async fn open(server: &TestServer, kind: &str) -> String {
    let res = post(
        server,
        "/units/844/reports",
        "/units/844/reports/open",
        &[("plan", PLAN), ("kind", kind), ("year", "2023")],
    )
    .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let loc = location(&res);
    loc.strip_prefix("/reports/")
        .expect("report url")
        .to_string()
}

fn narrative<'a>(version: &'a str, text: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("version", version),
        ("achievements", text),
        (
            "shortcomings",
            "Tồn tại: hạ tầng số ở vùng sâu còn yếu; cán bộ cấp xã chưa được tập huấn đủ.",
        ),
        (
            "directions",
            "Phương hướng: đẩy mạnh xử lý hồ sơ trên môi trường mạng.",
        ),
        (
            "proposals",
            "Kiến nghị Sở Thông tin và Truyền thông hỗ trợ đường truyền.",
        ),
    ]
}

ntm_testkit::both_backends!(reports_full_flow_over_pages, |db: Db| async move {
    let app = seeded(db).await;
    let huyen = logged_in(&app, "huyen.canglong").await;
    let tinh = logged_in(&app, "tinh.travinh").await;

    // The district's periods with their due dates from the plan (25/6 and 15/12).
    let list = huyen.get("/units/844/reports").await;
    assert_eq!(list.status_code(), 200, "{}", list.text());
    let html = list.text();
    assert!(html.contains("6 tháng đầu năm 2023"), "{html}");
    assert!(html.contains("25/06/2023") && html.contains("15/12/2023"));

    let id = open(&huyen, "six_month").await;
    let page = format!("/reports/{id}");
    // Opening again finds the same report (no duplicate).
    assert_eq!(open(&huyen, "six_month").await, id);

    // Two saves: two versions kept (plus the creation).
    for (v, text) in [
        ("1", "Lần thứ nhất: đạt 27,5 %."),
        ("2", "Lần thứ hai: đạt 27,5 %."),
    ] {
        let res = post(
            &huyen,
            &page,
            &format!("/reports/{id}/narrative"),
            &narrative(v, text),
        )
        .await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
    }
    let uuid = Uuid::parse_str(&id).unwrap();
    let view = ntm_app::reports::get(&app, &Actor::cli(), uuid)
        .await
        .unwrap();
    assert_eq!(view.versions.len(), 3);
    assert_eq!(
        view.versions[1].narrative.achievements,
        "Lần thứ nhất: đạt 27,5 %."
    );
    assert_eq!(
        view.versions[2].narrative.achievements,
        "Lần thứ hai: đạt 27,5 %."
    );
    assert!(view.versions.iter().all(|v| v.actor == "huyen.canglong"));
    // A stale save (version 1 seen) is refused, nothing written.
    let res = post(
        &huyen,
        &page,
        &format!("/reports/{id}/narrative"),
        &narrative("1", "cũ"),
    )
    .await;
    assert_eq!(res.status_code(), 409, "{}", res.text());

    // Submit; a second submission is refused (409), not duplicated.
    let res = post(
        &huyen,
        &page,
        &format!("/reports/{id}/submit"),
        &[("version", "3")],
    )
    .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let res = post(
        &huyen,
        &page,
        &format!("/reports/{id}/submit"),
        &[("version", "4")],
    )
    .await;
    assert_eq!(res.status_code(), 409, "{}", res.text());
    assert!(res.text().contains("đã được gửi"), "{}", res.text());
    let view = ntm_app::reports::get(&app, &Actor::cli(), uuid)
        .await
        .unwrap();
    assert_eq!(view.versions.len(), 4);
    assert_eq!(view.state.as_str(), "submitted");
    // Once submitted the district can no longer edit.
    let res = post(
        &huyen,
        &page,
        &format!("/reports/{id}/narrative"),
        &narrative("4", "sửa"),
    )
    .await;
    assert_eq!(res.status_code(), 409, "{}", res.text());

    // The province returns it: a reason is required.
    let res = post(
        &tinh,
        &page,
        &format!("/reports/{id}/return"),
        &[("version", "4"), ("reason", "  ")],
    )
    .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let res = post(
        &tinh,
        &page,
        &format!("/reports/{id}/return"),
        &[
            ("version", "4"),
            ("reason", "Bổ sung số liệu tập huấn cán bộ"),
        ],
    )
    .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let html = huyen.get(&page).await.text();
    assert!(html.contains("Bổ sung số liệu tập huấn cán bộ"), "{html}");
    assert!(html.contains("Bị trả lại"));

    // The district resubmits; the province accepts.
    let res = post(
        &huyen,
        &page,
        &format!("/reports/{id}/submit"),
        &[("version", "5")],
    )
    .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let res = post(
        &tinh,
        &page,
        &format!("/reports/{id}/accept"),
        &[("version", "6")],
    )
    .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let view = ntm_app::reports::get(&app, &Actor::cli(), uuid)
        .await
        .unwrap();
    assert_eq!(view.state.as_str(), "accepted");
    assert_eq!(
        view.versions
            .iter()
            .map(|v| v.action.as_str())
            .collect::<Vec<_>>(),
        [
            "create", "save", "save", "submit", "return", "submit", "accept"
        ]
    );
    // Submitted after 25/06/2023: late; the first submission day is kept.
    assert!(matches!(
        view.timeliness,
        ntm_domain::reports::Timeliness::Late { .. }
    ));

    // For the province: 844 late, 847 missing.
    let html = tinh.get("/units/84/reports").await.text();
    assert!(
        html.contains("Huyện Càng Long") && html.contains("Huyện Châu Thành"),
        "{html}"
    );
    assert!(
        html.contains("2 đơn vị phải báo cáo · 1 nộp muộn · 1 chưa nộp"),
        "{html}"
    );
    assert!(html.contains("Nộp muộn") && html.contains("Chưa nộp, quá hạn"));

    // The annual period: the province closes it, then a submission is refused.
    let annual = open(&huyen, "annual").await;
    let apage = format!("/reports/{annual}");
    let res = post(
        &tinh,
        "/units/84/reports",
        "/units/84/reports/close",
        &[("plan", PLAN), ("kind", "annual"), ("year", "2023")],
    )
    .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let res = post(
        &tinh,
        "/units/84/reports",
        "/units/84/reports/close",
        &[("plan", PLAN), ("kind", "annual"), ("year", "2023")],
    )
    .await;
    assert_eq!(res.status_code(), 409, "{}", res.text());
    let res = post(
        &huyen,
        &apage,
        &format!("/reports/{annual}/submit"),
        &[("version", "1")],
    )
    .await;
    assert_eq!(res.status_code(), 409, "{}", res.text());
    assert!(res.text().contains("khóa"), "{}", res.text());
    let html = huyen.get("/units/844/reports").await.text();
    assert!(html.contains("Cấp trên đã khóa kỳ báo cáo"), "{html}");
});

ntm_testkit::both_backends!(
    report_figures_equal_the_plan_dashboard,
    |db: Db| async move {
        let app = seeded(db).await;
        let huyen = logged_in(&app, "huyen.canglong").await;
        let id = open(&huyen, "six_month").await;
        let uuid = Uuid::parse_str(&id).unwrap();
        let actor = Actor::cli();
        let view = ntm_app::reports::get(&app, &actor, uuid).await.unwrap();
        let dash = plan_progress(&app, &actor, PLAN, 2023, Some("844"))
            .await
            .unwrap();
        assert!(!view.figures.is_empty());
        // The district reports the targets of its level and below (not the province's own).
        let codes: Vec<&str> = view.figures.iter().map(|f| f.code.as_str()).collect();
        assert!(
            !codes.contains(&"1a-tinh") && codes.contains(&"1a-xa"),
            "{codes:?}"
        );
        for f in &view.figures {
            let t = dash.targets.iter().find(|t| t.code == f.code).unwrap();
            assert_eq!(f.actual, t.actual, "{}", t.code);
            assert_eq!(f.status, t.status.as_str(), "{}", t.code);
            assert_eq!(f.target_text(), t.target_display, "{}", t.code);
            if t.actual.is_some() {
                assert_eq!(f.actual_text(), t.actual_display, "{}", t.code);
            }
        }
        let f = view.figures.iter().find(|f| f.code == "1a-huyen").unwrap();
        assert_eq!(f.actual, Some(27.5));
        let html = huyen.get(&format!("/reports/{id}")).await.text();
        assert!(html.contains("27,5 %"), "{html}");

        // The snapshot kept at submission still equals the dashboard figures.
        let res = post(
            &huyen,
            &format!("/reports/{id}"),
            &format!("/reports/{id}/submit"),
            &[("version", "1")],
        )
        .await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
        let after = ntm_app::reports::get(&app, &actor, uuid).await.unwrap();
        assert!(after.figures_are_snapshot);
        assert_eq!(after.figures, view.figures);
    }
);

ntm_testkit::both_backends!(report_exports_xlsx_and_pdf, |db: Db| async move {
    let app = seeded(db).await;
    let huyen = logged_in(&app, "huyen.canglong").await;
    let id = open(&huyen, "six_month").await;
    let res = post(
        &huyen,
        &format!("/reports/{id}"),
        &format!("/reports/{id}/narrative"),
        &narrative(
            "1",
            "Kết quả: 27,5 % hồ sơ cấp huyện được xử lý trên môi trường mạng.",
        ),
    )
    .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());

    let x = huyen.get(&format!("/reports/{id}/report.xlsx")).await;
    assert_eq!(x.status_code(), 200);
    let rows = ntm_reports::read_table(x.as_bytes(), "r.xlsx").unwrap();
    let cells: Vec<String> = rows.into_iter().flatten().collect();
    assert!(cells.iter().any(|c| c == "27,5 %"), "{cells:?}");
    assert!(cells.iter().any(|c| c == "27.5"), "{cells:?}");
    assert!(cells.iter().any(|c| c.starts_with("II. Tồn tại, hạn chế")));

    let p = huyen.get(&format!("/reports/{id}/report.pdf")).await;
    assert_eq!(p.status_code(), 200);
    assert_eq!(p.header("content-type"), "application/pdf");
    let bytes = p.as_bytes().to_vec();
    assert!(bytes.starts_with(b"%PDF"));
    let file = std::env::temp_dir().join(format!("ntm-bao-cao-{}.pdf", Uuid::now_v7()));
    std::fs::write(&file, &bytes).unwrap();
    if let Ok(keep) = std::env::var("NTM_KEEP_REPORT_PDF") {
        std::fs::write(keep, &bytes).unwrap();
    }
    let out = match std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&file)
        .arg("-")
        .output()
    {
        Ok(o) => o,
        Err(e) if std::env::var("NTM_REQUIRE_PDFTOTEXT").is_err() => {
            eprintln!("pdftotext not available ({e}); text checks skipped");
            return;
        }
        Err(e) => panic!("pdftotext: {e}"),
    };
    let _ = std::fs::remove_file(&file);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        // The issuer wraps in its column: check the words.
        "ỦY BAN NHÂN DÂN HUYỆN",
        "CÀNG LONG",
        "UBND TỈNH TRÀ VINH",
        "Số: …/BC-UBND",
        "BÁO CÁO",
        "6 tháng đầu năm 2023",
        // The plan is cited as its document (kind, number, date, issuer).
        "Thực hiện Kế hoạch số 38/KH-UBND ngày 18/04/2023 của UBND tỉnh Trà Vinh về",
        "Kết quả: 27,5 % hồ sơ cấp huyện được xử lý trên môi trường mạng.",
        "27,5 %",
        "≥ 25,0 %",
        "Tồn tại, hạn chế",
        "Phương hướng, nhiệm vụ",
        "Kiến nghị, đề xuất",
        "Nơi nhận:",
        "Sở Nông nghiệp và Phát triển nông thôn",
        "CHỦ TỊCH",
    ] {
        assert!(flat.contains(needle), "{needle:?} not in:\n{text}");
    }
    // The place and date line: "Càng Long, ngày dd tháng m năm yyyy".
    assert!(flat.contains("Càng Long, ngày "), "{text}");
});

ntm_testkit::both_backends!(
    reports_authorization_of_every_endpoint,
    |db: Db| async move {
        let app = seeded(db).await;
        let huyen = logged_in(&app, "huyen.canglong").await;
        let id = open(&huyen, "six_month").await;
        let page = format!("/reports/{id}");

        // Anonymous: pages send to the login page; a POST without a session token is refused.
        let anon = browser(&app);
        for url in [
            "/units/844/reports".to_string(),
            page.clone(),
            format!("{page}/report.xlsx"),
            format!("{page}/report.pdf"),
        ] {
            let res = anon.get(&url).await;
            assert_eq!(res.status_code(), 303, "{url}");
            assert!(location(&res).starts_with("/login"), "{url}");
        }
        let t = form_token(&anon.get("/login").await.text());
        for url in [
            format!("{page}/narrative"),
            format!("{page}/submit"),
            format!("{page}/accept"),
            format!("{page}/return"),
            "/units/844/reports/open".to_string(),
            "/units/84/reports/close".to_string(),
        ] {
            let res = anon
                .post(&url)
                .form(&[
                    ("_csrf", t.as_str()),
                    ("version", "1"),
                    ("reason", "x"),
                    ("plan", PLAN),
                    ("kind", "six_month"),
                    ("year", "2023"),
                ])
                .await;
            assert!(
                matches!(res.status_code().as_u16(), 303 | 401),
                "{url}: {}",
                res.status_code()
            );
        }

        // A viewer reads but writes nothing.
        let xem = logged_in(&app, "xem").await;
        assert_eq!(xem.get("/units/844/reports").await.status_code(), 200);
        assert_eq!(xem.get(&page).await.status_code(), 200);
        assert_eq!(
            xem.get(&format!("{page}/report.xlsx")).await.status_code(),
            200
        );
        let html = xem.get(&page).await.text();
        assert!(!html.contains(&format!("/reports/{id}/narrative")));
        for (url, fields) in [
            (format!("{page}/narrative"), narrative("1", "x")),
            (format!("{page}/submit"), vec![("version", "1")]),
            (format!("{page}/accept"), vec![("version", "1")]),
            (
                format!("{page}/return"),
                vec![("version", "1"), ("reason", "x")],
            ),
        ] {
            let res = post(&xem, &page, &url, &fields).await;
            assert_eq!(res.status_code(), 403, "{url}");
        }
        let res = post(
            &xem,
            "/units/844/reports",
            "/units/844/reports/open",
            &[("plan", PLAN), ("kind", "annual"), ("year", "2023")],
        )
        .await;
        assert_eq!(res.status_code(), 403);
        let res = post(
            &xem,
            "/units/844/reports",
            "/units/84/reports/close",
            &[("plan", PLAN), ("kind", "annual"), ("year", "2023")],
        )
        .await;
        assert_eq!(res.status_code(), 403);

        // A commune officer elsewhere, and the other district: neither reads nor writes it.
        for user in ["xa.chauthanh", "huyen.chauthanh"] {
            let s = logged_in(&app, user).await;
            assert_eq!(
                s.get("/units/844/reports").await.status_code(),
                403,
                "{user}"
            );
            assert_eq!(s.get(&page).await.status_code(), 403, "{user}");
            assert_eq!(
                s.get(&format!("{page}/report.pdf")).await.status_code(),
                403,
                "{user}"
            );
            let own = if user == "xa.chauthanh" {
                "/units/29374/reports"
            } else {
                "/units/847/reports"
            };
            let res = post(&s, own, &format!("{page}/narrative"), &narrative("1", "x")).await;
            assert_eq!(res.status_code(), 403, "{user}");
        }
        // The other district cannot close the province's period; a province officer of
        // another province cannot accept.
        let cc = logged_in(&app, "huyen.chauthanh").await;
        let res = post(
            &cc,
            "/units/847/reports",
            "/units/84/reports/close",
            &[("plan", PLAN), ("kind", "six_month"), ("year", "2023")],
        )
        .await;
        assert_eq!(res.status_code(), 403);

        // The district cannot accept its own report; only the parent's officers can.
        let res = post(
            &huyen,
            &page,
            &format!("{page}/submit"),
            &[("version", "1")],
        )
        .await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
        let res = post(
            &huyen,
            &page,
            &format!("{page}/accept"),
            &[("version", "2")],
        )
        .await;
        assert_eq!(res.status_code(), 403);
        // Another province's officer neither (Vĩnh Long, 86, took in Trà Vinh: it may).
        crate::helpers::add_other_province_officer(&app, "tinh.cantho").await;
        let other = logged_in(&app, "tinh.cantho").await;
        let res = post(
            &other,
            "/units/92/reports",
            &format!("{page}/accept"),
            &[("version", "2")],
        )
        .await;
        assert_eq!(res.status_code(), 403);
        // A commune of 847 does not report under this plan (districts report).
        let xa = logged_in(&app, "xa.chauthanh").await;
        let res = post(
            &xa,
            "/units/29374/reports",
            "/units/29374/reports/open",
            &[("plan", PLAN), ("kind", "six_month"), ("year", "2023")],
        )
        .await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        // An unknown kind or plan: clear errors.
        let res = post(
            &huyen,
            "/units/844/reports",
            "/units/844/reports/open",
            &[("plan", PLAN), ("kind", "quarterly"), ("year", "2023")],
        )
        .await;
        assert_eq!(res.status_code(), 422);
        let res = post(
            &huyen,
            "/units/844/reports",
            "/units/844/reports/open",
            &[("plan", "khong-co"), ("kind", "annual"), ("year", "2023")],
        )
        .await;
        assert_eq!(res.status_code(), 404);
        assert_eq!(huyen.get("/reports/not-a-uuid").await.status_code(), 404);
    }
);

/// Ho Chi Minh City before and after 01/07/2025: one district and one commune, then the
/// commune directly under the city.
const HCM_2023: &str = "\
code,name,level,kind,parent_code
79,Thành phố Hồ Chí Minh,province,Thành phố trực thuộc trung ương,
783,Huyện Củ Chi,district,Huyện,79
27496,Xã Phú Hòa Đông,commune,Xã,783
";
const HCM_2025: &str = "\
code,name,level,kind,parent_code
79,Thành phố Hồ Chí Minh,province,Thành phố trực thuộc trung ương,
27496,Xã Phú Hòa Đông,commune,Xã,79
";
const HCM_MAPPING: &str = "\
old_commune_code,new_commune_code,old_commune_name,new_commune_name,old_district_code,old_province_code,new_province_code,merge_type,note_vi
27496,27496,Xã Phú Hòa Đông,Xã Phú Hòa Đông,783,79,79,unchanged,Giữ nguyên
";

ntm_testkit::both_backends!(
    a_commune_reports_to_its_district_then_to_the_city,
    |db: Db| async move {
        use ntm_app::units::{SnapshotInput, import_snapshot};
        use ntm_domain::reports::PeriodKind;
        use time::macros::date;
        let app = App::new(db, ntm_app::AppConfig::default());
        let cli = Actor::cli();
        for (source, csv, date, mapping) in [
            ("hcm-2023.csv", HCM_2023, date!(2023 - 05 - 07), None),
            (
                "hcm-2025.csv",
                HCM_2025,
                date!(2025 - 07 - 01),
                Some(HCM_MAPPING.as_bytes()),
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
                .expect("snapshot");
        }
        let key = |kind| ntm_app::reports::ReportKey {
            unit_code: "27496".into(),
            plan_id: "hcm-2023-2025".into(),
            kind,
            year: 2025,
        };
        // Due 15/06/2025: the district still exists.
        let h1 = ntm_app::reports::open(&app, &cli, &key(PeriodKind::SixMonth))
            .await
            .unwrap();
        let v = ntm_app::reports::get(&app, &cli, h1).await.unwrap();
        assert_eq!(v.due, date!(2025 - 06 - 15));
        assert_eq!(v.parent.as_ref().map(|p| p.code.as_str()), Some("783"));
        // Due 15/11/2025: districts are gone, the commune reports to the city.
        let year = ntm_app::reports::open(&app, &cli, &key(PeriodKind::Annual))
            .await
            .unwrap();
        let v = ntm_app::reports::get(&app, &cli, year).await.unwrap();
        assert_eq!(v.due, date!(2025 - 11 - 15));
        assert_eq!(v.parent.as_ref().map(|p| p.code.as_str()), Some("79"));
        // The first six-month report of 2023 was due before the plan was issued (23/06/2023).
        let early = ntm_app::reports::ReportKey {
            year: 2023,
            ..key(PeriodKind::SixMonth)
        };
        assert!(matches!(
            ntm_app::reports::open(&app, &cli, &early).await,
            Err(ntm_app::AppError::Validation(_))
        ));
    }
);
