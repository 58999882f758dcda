//! The national dashboard (`/dashboard`, `/dashboard.xlsx`) through the real router: the
//! country's figures are the sums of the province evaluations, one row per province of the
//! year's structure (two provinces in 2023, one after 1 July 2025) linking to its dashboard,
//! sorting by links, both languages, the workbook parsed back, and only a country-wide
//! account may see it (a province officer gets 403, nobody logged in goes to the login).

use ntm_app::criteria::{ValueBatch, ValueInput, evaluate, put_observations};
use ntm_app::users::{GrantInput, NewUser, add_user};
use ntm_app::{Actor, App, Db};
use ntm_domain::observation::ObsSource;
use ntm_web::charts::number;
use ntm_web::i18n::Lang;

use crate::helpers::{PASSWORD, VINH_LONG_SET_3_1, browser, location, logged_in, setup};

const SET: &str = "xa-ntm-2021-2025";
const URL: &str = "/dashboard?set=xa-ntm-2021-2025&year=2023";
const XLSX: &str = "/dashboard.xlsx?set=xa-ntm-2021-2025&year=2023";

/// The fixture with a few 2023 values in Trà Vinh and an officer of province 84.
async fn seeded(db: Db) -> App {
    let app = setup(db).await;
    add_user(
        &app,
        &Actor::cli(),
        NewUser {
            username: "tinh.travinh".into(),
            display_name: "tinh.travinh".into(),
            password: PASSWORD.into(),
            grants: vec![GrantInput::parse("province_officer@84").expect("grant")],
        },
    )
    .await
    .expect("user");
    for (code, values) in [
        (
            "29266",
            &[("1.1", "Đạt"), ("2.1", "100 %"), ("2.2", "90 %")][..],
        ),
        ("29269", &[("1.1", "Không đạt"), ("2.1", "40 %")][..]),
        ("29374", &[("2.1", "100 %"), ("2.3", "95 %")][..]),
    ] {
        put_observations(
            &app,
            &Actor::cli(),
            code,
            ValueBatch {
                set_id: SET.into(),
                year: 2023,
                values: values
                    .iter()
                    .map(|(c, v)| ValueInput {
                        code: c.to_string(),
                        text: v.to_string(),
                        expected_version: None,
                    })
                    .collect(),
                note: "thử nghiệm".into(),
                source: ObsSource::Manual,
            },
        )
        .await
        .expect("values");
    }
    app
}

/// The page's HTML with `&` in attributes unescaped (askama writes `&#38;`).
fn text(res: &axum_test::TestResponse) -> String {
    res.text().replace("&#38;", "&")
}

/// The text of the element with `id`.
fn by_id(html: &str, id: &str) -> String {
    let start = html
        .find(&format!("id=\"{id}\">"))
        .unwrap_or_else(|| panic!("#{id}"));
    let rest = &html[start + id.len() + 6..];
    rest[..rest.find('<').unwrap()].to_string()
}

/// Codes of the province rows, in page order.
fn province_order(html: &str) -> Vec<String> {
    html.split("<tr data-code=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect()
}

ntm_testkit::both_backends!(
    national_dashboard_sums_the_provinces_of_the_year,
    |db: Db| async move {
        let app = seeded(db).await;
        let admin = logged_in(&app, "admin").await;

        // 2023: Trà Vinh and Vĩnh Long, each linking to its dashboard.
        let res = admin.get(URL).await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        let html = text(&res);
        let mut rollups = Vec::new();
        for code in ["84", "86"] {
            let e = evaluate(&app, &Actor::cli(), code, SET, 2023)
                .await
                .expect("province");
            rollups.push(e.rollup.expect("roll-up"));
            assert!(
                html.contains(&format!(
                    "href=\"/units/{code}/dashboard?set=xa-ntm-2021-2025&year=2023\""
                )),
                "link to {code}"
            );
        }
        assert_eq!(province_order(&html), ["84", "86"]);
        let sum =
            |f: fn(&ntm_app::criteria::RollupView) -> u32| -> u32 { rollups.iter().map(f).sum() };
        let units = sum(|r| r.units);
        assert_eq!(units, 7);
        assert_eq!(by_id(&html, "nat-units"), units.to_string());
        assert_eq!(by_id(&html, "nat-met"), sum(|r| r.met).to_string());
        assert_eq!(
            by_id(&html, "nat-tentative"),
            sum(|r| r.met_tentative).to_string()
        );
        assert_eq!(
            by_id(&html, "nat-no-shortfall"),
            sum(|r| r.no_known_shortfall).to_string()
        );
        assert_eq!(by_id(&html, "nat-not-met"), sum(|r| r.not_met).to_string());
        assert_eq!(by_id(&html, "nat-missing"), sum(|r| r.missing).to_string());
        assert_eq!(
            by_id(&html, "nat-needs-verification"),
            sum(|r| r.needs_verification).to_string()
        );
        let criteria: f64 = rollups
            .iter()
            .map(|r| r.avg_criteria_met * f64::from(r.units))
            .sum();
        assert_eq!(
            by_id(&html, "nat-avg"),
            number(Lang::Vi, criteria / f64::from(units), 1)
        );
        assert!(
            by_id(&html, "national-structure")
                .starts_with("2 tỉnh, thành phố trước ngày 01/07/2025"),
            "{}",
            by_id(&html, "national-structure")
        );
        assert!(html.contains("31/12/2023"), "the units' day, dd/mm/yyyy");
        // Charts with their tables, the workbook link, the nav entry.
        assert!(html.contains("id=\"chart-buckets-title\""));
        assert!(html.contains("id=\"chart-blocking-title\""));
        assert!(html.contains(&format!("href=\"{XLSX}\"")));
        assert!(html.contains("id=\"nav-national\""));

        // 2026: the structure after the reform, Vĩnh Long alone with its four communes.
        let res = admin.get("/dashboard?set=xa-ntm-2026-2030&year=2026").await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        let html = text(&res);
        assert_eq!(province_order(&html), ["86"]);
        let e = evaluate(&app, &Actor::cli(), "86", "xa-ntm-2026-2030", 2026)
            .await
            .expect("86");
        assert_eq!(
            by_id(&html, "nat-units"),
            e.rollup.unwrap().units.to_string()
        );
        assert_eq!(by_id(&html, "nat-units"), "4");
        assert!(
            by_id(&html, "national-structure").starts_with("1 tỉnh, thành phố từ ngày 01/07/2025")
        );

        // English: the same figures, English words.
        let html = text(&admin.get(&format!("{URL}&lang=en")).await);
        assert!(html.contains("National dashboard"));
        assert!(by_id(&html, "national-structure").starts_with("2 provinces before 01/07/2025"));
        assert_eq!(by_id(&html, "nat-units"), units.to_string());
    }
);

ntm_testkit::both_backends!(
    national_dashboard_sorts_and_downloads_the_provinces,
    |db: Db| async move {
        let app = seeded(db).await;
        let admin = logged_in(&app, "admin").await;
        let html = text(&admin.get(&format!("{URL}&sort=name&dir=desc")).await);
        assert_eq!(province_order(&html), ["86", "84"], "Vĩnh Long, Trà Vinh");
        assert!(html.contains("aria-sort=\"descending\""));
        assert!(html.contains(&format!("{URL}&sort=name&dir=asc#provinces")));
        let html = text(&admin.get(&format!("{URL}&sort=criteria")).await);
        assert_eq!(province_order(&html), ["84", "86"], "most criteria first");
        // The download keeps the order shown.
        assert!(html.contains(&format!("{XLSX}&sort=criteria&dir=desc")));

        // The workbook: the provinces sheet first, the same numbers as the evaluations.
        let res = admin.get(&format!("{XLSX}&sort=name&dir=desc")).await;
        assert_eq!(res.status_code(), 200);
        assert_eq!(
            res.header("content-type"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        let rows = ntm_reports::read_table(res.as_bytes(), "d.xlsx").expect("xlsx opens");
        assert_eq!(rows[0][0], "Mã tỉnh");
        assert_eq!(rows[0][2], "Số xã đạt");
        assert_eq!(
            rows[1..].iter().map(|r| r[0].as_str()).collect::<Vec<_>>(),
            ["86", "84"]
        );
        for row in &rows[1..] {
            let e = evaluate(&app, &Actor::cli(), &row[0], SET, 2023)
                .await
                .expect("province");
            let r = e.rollup.unwrap();
            assert_eq!(row[2], r.met.to_string());
            assert_eq!(row[3], r.units.to_string());
            assert_eq!(row[5], r.met_tentative.to_string());
            assert_eq!(row[6], r.needs_verification.to_string());
            assert_eq!(row[7], r.not_met.to_string());
            assert_eq!(row[8], r.missing.to_string());
            assert_eq!(row[9], number(Lang::Vi, r.avg_criteria_met, 1));
            assert_eq!(row[10], r.no_known_shortfall.to_string());
        }
        let file = res.header("content-disposition");
        assert!(
            file.to_str()
                .unwrap()
                .contains("dashboard-toan-quoc-xa-ntm-2021-2025-2023.xlsx"),
            "{file:?}"
        );

        // Bad input: a 400 naming it.
        for bad in [
            "/dashboard?year=abc",
            "/dashboard?set=xa-ntm-2021-2025&year=2023&sort=x",
            "/dashboard?set=khong-co&year=2023",
            "/dashboard?set=xa-ntm-2021-2025&year=2026",
            "/dashboard.xlsx?set=xa-ntm-2021-2025&year=2023&dir=up",
        ] {
            assert_eq!(admin.get(bad).await.status_code(), 400, "{bad}");
        }
        // The form's set not in force in its year gives way to that year's set.
        let res = admin
            .get("/dashboard?set=xa-ntm-2021-2025&year=2026&from=form")
            .await;
        assert_eq!(res.status_code(), 200);
        assert!(text(&res).contains("<option value=\"xa-ntm-2026-2030\" selected>"));
    }
);

ntm_testkit::both_backends!(
    national_dashboard_is_for_country_wide_accounts,
    |db: Db| async move {
        let app = seeded(db).await;
        let province = logged_in(&app, "tinh.travinh").await;
        for url in [URL, XLSX, "/dashboard"] {
            assert_eq!(province.get(url).await.status_code(), 403, "{url}");
        }
        // No nav entry for the province officer; its own dashboard still works.
        let home = text(&province.get("/").await);
        assert!(!home.contains("id=\"nav-national\""));
        assert_eq!(
            province
                .get("/units/84/dashboard?set=xa-ntm-2021-2025&year=2023")
                .await
                .status_code(),
            200
        );
        // Not logged in: to the login page.
        let res = browser(&app).get(URL).await;
        assert_eq!(res.status_code(), 303);
        assert!(
            location(&res).starts_with("/login?next="),
            "{}",
            location(&res)
        );
        // A country-wide viewer sees it, with the nav entry.
        let viewer = logged_in(&app, "xem").await;
        let res = viewer.get(URL).await;
        assert_eq!(res.status_code(), 200);
        assert!(text(&res).contains("id=\"nav-national\""));
        // Defaults: the latest year with values (2023 here), the year's NTM set.
        let res = viewer.get("/dashboard").await;
        assert_eq!(res.status_code(), 200);
        let html = text(&res);
        assert!(
            html.contains("<option value=\"2023\" selected>"),
            "2023 chosen"
        );
        assert!(html.contains("<option value=\"xa-ntm-2021-2025\" selected>"));
    }
);

// A change to a whole province (its own set raising a threshold) is recomputed in the
// background: the national page says "đang cập nhật" with the time of the figures shown,
// then, once taken in, no longer.
ntm_testkit::both_backends!(
    national_dashboard_says_updating_while_a_province_is_recomputed,
    |db: Db| async move {
        let app = seeded(db).await;
        let admin = logged_in(&app, "admin").await;
        let page = admin.get(URL).await;
        assert_eq!(page.status_code(), 200);
        assert!(!page.text().contains("dashboard-updating"));
        ntm_app::provincial::upload_set(&app, &Actor::cli(), "86", "vl.yaml", VINH_LONG_SET_3_1)
            .await
            .expect("provincial set");
        let html = admin.get(URL).await.text();
        assert!(
            html.contains("id=\"dashboard-updating\"") && html.contains("Đang cập nhật"),
            "{html}"
        );
        // Only Vĩnh Long is recomputed: the other province of the test data is up to date.
        assert!(html.contains("Đã cập nhật 1/2 tỉnh, thành phố."), "{html}");
        app.kept_settled().await;
        let html = admin.get(URL).await.text();
        assert!(!html.contains("dashboard-updating"), "{html}");
    }
);
