//! District and province dashboards: figures equal to `ntm_app::criteria::evaluate`, sorting,
//! XLSX downloads, the trend, errors and authorization.

use ntm_app::criteria::{Evaluation, ValueBatch, ValueInput, evaluate, put_observations};
use ntm_app::users::{GrantInput, NewUser, add_user};
use ntm_app::{Actor, App, Db};
use ntm_domain::observation::ObsSource;
use ntm_web::charts::number;
use ntm_web::i18n::Lang;

use crate::helpers::{PASSWORD, VINH_LONG_SET_3_1, browser, location, logged_in, setup};

const SET: &str = "xa-ntm-2021-2025";
const URL: &str = "/units/84/dashboard?set=xa-ntm-2021-2025&year=2023";

async fn put(app: &App, code: &str, year: i32, values: &[(&str, &str)]) {
    put_observations(
        app,
        &Actor::cli(),
        code,
        ValueBatch {
            set_id: SET.into(),
            year,
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

/// The fixture with a few communes' values for 2022 and 2023 and officers of 84, 86, 844.
async fn seeded(db: Db) -> App {
    let app = setup(db).await;
    for (username, grant) in [
        ("tinh.travinh", "province_officer@84"),
        ("tinh.vinhlong", "province_officer@86"),
        ("huyen.canglong", "district_officer@844"),
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
    put(
        &app,
        "29266",
        2023,
        &[("1.1", "Đạt"), ("2.1", "100 %"), ("2.2", "90 %")],
    )
    .await;
    put(
        &app,
        "29269",
        2023,
        &[("1.1", "Không đạt"), ("2.1", "40 %")],
    )
    .await;
    put(&app, "29374", 2023, &[("2.1", "100 %"), ("2.3", "95 %")]).await;
    put(&app, "29266", 2022, &[("2.1", "80 %")]).await;
    app
}

async fn eval(app: &App, code: &str, year: i32) -> Evaluation {
    evaluate(app, &Actor::cli(), code, SET, year)
        .await
        .expect("evaluate")
}

/// The page's HTML with `&` in attributes unescaped (askama writes `&#38;`).
fn text(res: &axum_test::TestResponse) -> String {
    res.text().replace("&#38;", "&")
}

fn count_rows(html: &str, year: i32) -> usize {
    html.matches(&format!("<tr><th scope=\"row\">{year}</th>"))
        .count()
}

/// Codes of the commune rows, in page order.
fn commune_order(html: &str) -> Vec<String> {
    html.split("<tr data-code=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect()
}

ntm_testkit::both_backends!(
    dashboard_figures_equal_the_evaluation,
    |db: Db| async move {
        let app = seeded(db).await;
        let server = logged_in(&app, "tinh.travinh").await;
        let res = server.get(URL).await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        let html = text(&res);
        assert!(!html.contains("style=\""), "no inline style");

        let e = eval(&app, "84", 2023).await;
        let r = e.rollup.as_ref().expect("roll-up");
        assert_eq!(r.units, 7);
        // Key figures.
        assert!(
            html.contains(&format!("<dd>{} / {} <small>", r.met, r.units)),
            "{html}"
        );
        assert!(html.contains(&format!(
            "<span id=\"dash-avg\">{}</span>",
            number(Lang::Vi, r.avg_criteria_met, 1)
        )));
        assert!(html.contains(&format!(
            "{}: <strong>{}</strong> · Cần xác minh: <strong>{}</strong>",
            "Tạm đạt", r.met_tentative, r.needs_verification
        )));
        // Buckets: the roll-up's bounds (19, 15–18, 10–14, 5–9, 0–4) and counts, chart and table.
        assert_eq!(r.buckets.len(), 5);
        let mut total = 0;
        for (b, p) in r.buckets.iter().zip(&r.buckets_no_known_shortfall) {
            let label = if b.min == b.max {
                b.min.to_string()
            } else {
                format!("{}–{}", b.min, b.max)
            };
            assert!(
                html.contains(&format!(
                    "<tr><th scope=\"row\">{label}</th><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                    b.count, p.count
                )),
                "bucket {label}"
            );
            total += b.count;
        }
        assert_eq!(total, 7);
        assert_eq!(
            r.buckets_no_known_shortfall
                .iter()
                .map(|b| b.count)
                .sum::<u32>(),
            7
        );
        // Provisional figures beside the confirmed ones, labelled as such.
        assert!(html.contains(&format!(
            "Không phát hiện chỉ tiêu chưa đạt (chờ xác nhận ngưỡng)</dt><dd><span id=\"dash-no-shortfall\">{}</span> / {}</dd>",
            r.no_known_shortfall, r.units
        )));
        assert!(html.contains(&format!(
            "<span id=\"dash-avg-provisional\">{}</span>",
            number(Lang::Vi, r.avg_criteria_no_known_shortfall, 1)
        )));
        assert!(r.avg_criteria_no_known_shortfall >= r.avg_criteria_met);
        assert!(r.no_known_shortfall >= r.met);
        assert!(html.contains("Số xã theo số tiêu chí (tạm tính)"));
        for c in &r.children {
            assert!(c.criteria_no_known_shortfall >= c.criteria_met);
            let row = html
                .split(&format!("<tr data-code=\"{}\">", c.code))
                .nth(1)
                .unwrap();
            let row = &row[..row.find("</tr>").unwrap()];
            if c.criteria_no_known_shortfall > c.criteria_met {
                assert!(
                    row.contains(&format!(
                        "{} / 19 <small class=\"muted\">(tạm tính {})</small>",
                        c.criteria_met, c.criteria_no_known_shortfall
                    )),
                    "{row}"
                );
            } else {
                assert!(!row.contains("tạm tính"), "{row}");
            }
        }
        assert!(html.contains("<svg class=\"chart\""));
        assert!(html.contains("role=\"img\""));
        // Blocking indicators, most first.
        assert!(!r.blocking.is_empty());
        for b in r.blocking.iter().take(15) {
            assert!(
                html.contains(&format!("<td class=\"code\">{}</td><td>", b.code))
                    && html.contains(&format!(
                        "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                        b.not_met, b.missing
                    )),
                "blocking {}",
                b.code
            );
        }
        // Districts: counts of their communes in the province's roll-up; and per district
        // dashboards agree.
        for d in ["844", "847"] {
            let de = eval(&app, d, 2023).await;
            let dr = de.rollup.as_ref().unwrap();
            assert!(
                html.contains(&format!(
                    "<a href=\"/units/{d}/dashboard?set=xa-ntm-2021-2025&year=2023\">"
                )),
                "{d}"
            );
            let row = html
                .split(&format!("<span class=\"code muted\">{d}</span></th>"))
                .nth(1)
                .unwrap();
            assert!(
                row.starts_with(&format!(
                    "<td class=\"num\">{}</td><td class=\"num\">{}</td>",
                    dr.met, dr.units
                )),
                "{d}: {}",
                &row[..200]
            );
        }
        // Communes: all seven, linking to their scorecards, with criteria met.
        assert_eq!(commune_order(&html).len(), 7);
        for c in &r.children {
            assert!(html.contains(&format!(
                "<a href=\"/units/{}/scorecard?set=xa-ntm-2021-2025&year=2023\">{}</a>",
                c.code, c.name
            )));
        }
        // Summary strip: every commune-level set of 2023, each linking to its dashboard.
        for id in [
            "xa-ntm-2021-2025",
            "xa-ntm-nang-cao-2021-2025",
            "xa-ntm-kieu-mau-2021-2025",
        ] {
            assert!(
                html.contains(&format!("href=\"/units/84/dashboard?set={id}&year=2023\"")),
                "{id}"
            );
        }
        // Trend: one row per year of the set up to 2023.
        assert_eq!(count_rows(&html, 2022), 1);
        assert_eq!(count_rows(&html, 2023), 1);
        let e22 = eval(&app, "84", 2022).await;
        let r22 = e22.rollup.as_ref().unwrap();
        assert!(html.contains(&format!(
            "<tr><th scope=\"row\">2022</th><td class=\"num\">{}</td><td class=\"num\">{}</td>",
            r22.met, r22.units
        )));

        // The district dashboard: its four communes, no district table.
        let res = server
            .get("/units/844/dashboard?set=xa-ntm-2021-2025&year=2023")
            .await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        let dh = text(&res);
        assert_eq!(commune_order(&dh).len(), 4);
        assert!(!dh.contains("id=\"districts\""));
        let de = eval(&app, "844", 2023).await;
        let dr = de.rollup.as_ref().unwrap();
        assert!(dh.contains(&format!(
            "<span id=\"dash-avg\">{}</span>",
            number(Lang::Vi, dr.avg_criteria_met, 1)
        )));

        // Defaults: the NTM set and the latest year with values.
        let res = server.get("/units/84/dashboard").await;
        assert_eq!(res.status_code(), 200);
        let html = text(&res);
        assert!(
            html.contains("<option value=\"2023\" selected>"),
            "latest year with data"
        );
        assert!(html.contains("<option value=\"xa-ntm-2021-2025\" selected>"));
        // Set titles in Vietnamese on Vietnamese pages.
        assert!(html.contains("Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021 - 2025"));
        assert!(!html.contains("National criteria for new-countryside communes"));

        // English.
        let res = server.get(&format!("{URL}&lang=en")).await;
        assert_eq!(res.status_code(), 200);
        let html = text(&res);
        assert!(html.contains("<html lang=\"en\">"));
        // The sets' English titles (`title_en`), in the picker and the heading.
        assert!(html.contains(
            "<h2 id=\"set-title\">National criteria for new-countryside communes, 2021–2025"
        ));
        assert!(html.contains("National criteria for advanced new-countryside communes"));
        assert!(!html.contains(">Bộ tiêu chí"), "{html}");
        assert!(html.contains("Communes by number of criteria met"));
        assert!(html.contains("Download table (Excel)"));
    }
);

ntm_testkit::both_backends!(dashboard_tables_sort_by_links, |db: Db| async move {
    let app = seeded(db).await;
    let server = logged_in(&app, "tinh.travinh").await;
    let asc = text(&server.get(&format!("{URL}&sort=name&dir=asc")).await);
    let desc = text(&server.get(&format!("{URL}&sort=name&dir=desc")).await);
    let a = commune_order(&asc);
    let mut d = commune_order(&desc);
    assert_eq!(a.len(), 7);
    assert_ne!(a, d, "order changes");
    d.reverse();
    assert_eq!(a, d);
    assert!(asc.contains("aria-sort=\"ascending\""));
    assert!(desc.contains("aria-sort=\"descending\""));
    // The header link toggles the direction.
    assert!(asc.contains("&sort=name&dir=desc#communes"));

    // By criteria met, most first.
    let e = eval(&app, "84", 2023).await;
    let r = e.rollup.unwrap();
    let html = text(&server.get(&format!("{URL}&sort=criteria&dir=desc")).await);
    let order = commune_order(&html);
    let met: Vec<u16> = order
        .iter()
        .map(|c| {
            r.children
                .iter()
                .find(|x| &x.code == c)
                .unwrap()
                .criteria_met
        })
        .collect();
    assert!(met.windows(2).all(|w| w[0] >= w[1]), "{met:?}");
    // By status: accepted.
    let res = server.get(&format!("{URL}&sort=status")).await;
    assert_eq!(res.status_code(), 200);
    // A bad sort: 400.
    let res = server.get(&format!("{URL}&sort=evil")).await;
    assert_eq!(res.status_code(), 400);
});

ntm_testkit::both_backends!(dashboard_xlsx_holds_the_same_numbers, |db: Db| async move {
    let app = seeded(db).await;
    let server = logged_in(&app, "tinh.travinh").await;
    let e = eval(&app, "84", 2023).await;
    let r = e.rollup.as_ref().unwrap();

    let page = text(&server.get(URL).await);
    let xlsx = "/units/84/dashboard.xlsx?set=xa-ntm-2021-2025&year=2023";
    for t in [
        "summary", "buckets", "blocking", "units", "communes", "trend",
    ] {
        assert!(page.contains(&format!("{xlsx}&table={t}")), "link to {t}");
    }

    // The whole workbook opens; its first sheet is the summary.
    let res = server.get(xlsx).await;
    assert_eq!(res.status_code(), 200);
    assert_eq!(
        res.header("content-type"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let rows = ntm_reports::read_table(res.as_bytes(), "d.xlsx").expect("xlsx opens");
    assert_eq!(rows[0][0], "Mã bộ tiêu chí");
    let ntm = rows.iter().find(|row| row[0] == SET).expect("NTM row");
    assert_eq!(ntm[2], r.met.to_string());
    assert_eq!(ntm[3], r.units.to_string());
    assert_eq!(ntm[5], r.met_tentative.to_string());
    assert_eq!(ntm[6], r.needs_verification.to_string());
    assert_eq!(ntm[7], r.no_known_shortfall.to_string());

    let sheet = |t: &'static str| {
        let server = &server;
        async move {
            let res = server.get(&format!("{xlsx}&table={t}")).await;
            assert_eq!(res.status_code(), 200, "{t}");
            ntm_reports::read_table(res.as_bytes(), "d.xlsx").expect("xlsx opens")
        }
    };
    let buckets = sheet("buckets").await;
    assert_eq!(
        buckets[0],
        [
            "Số tiêu chí đạt",
            "Số xã",
            "Số xã (tạm tính, ngưỡng chưa xác nhận)"
        ]
    );
    for ((row, b), p) in buckets[1..]
        .iter()
        .zip(&r.buckets)
        .zip(&r.buckets_no_known_shortfall)
    {
        assert_eq!(row[1], b.count.to_string());
        assert_eq!(row[2], p.count.to_string());
    }
    assert_eq!(
        buckets.last().unwrap()[1],
        number(Lang::Vi, r.avg_criteria_met, 1)
    );
    assert_eq!(
        buckets.last().unwrap()[2],
        number(Lang::Vi, r.avg_criteria_no_known_shortfall, 1)
    );
    let blocking = sheet("blocking").await;
    assert_eq!(blocking.len(), r.blocking.len() + 1);
    for (row, b) in blocking[1..].iter().zip(&r.blocking) {
        assert_eq!(
            (&row[0], &row[2], &row[3]),
            (&b.code, &b.not_met.to_string(), &b.missing.to_string())
        );
    }
    let communes = sheet("communes").await;
    assert_eq!(communes.len(), 8);
    for c in &r.children {
        let row = communes.iter().find(|row| row[0] == c.code).expect("row");
        assert_eq!(row[4], c.criteria_met.to_string());
        assert_eq!(row[6], c.criteria_no_known_shortfall.to_string());
        assert_eq!(
            row[7],
            if c.no_known_shortfall {
                "Có"
            } else {
                "Không"
            }
        );
    }
    let units = sheet("units").await;
    assert_eq!(units.len(), 3, "two districts");
    let trend = sheet("trend").await;
    assert_eq!(trend.len(), 3, "2022 and 2023");
    assert_eq!(trend[2][1], r.met.to_string());
    assert_eq!(trend[2][5], r.no_known_shortfall.to_string());

    let res = server.get(&format!("{xlsx}&table=nope")).await;
    assert_eq!(res.status_code(), 400);
    assert_eq!(browser(&app).get(xlsx).await.status_code(), 303);
});

ntm_testkit::both_backends!(
    dashboard_needs_a_scope_and_good_input,
    |db: Db| async move {
        let app = seeded(db).await;

        // Anonymous: to the login page.
        let res = browser(&app).get(URL).await;
        assert_eq!(res.status_code(), 303);
        assert!(
            location(&res).starts_with("/login?next="),
            "{}",
            location(&res)
        );

        // Another province's officer, a commune officer: refused (Vĩnh Long, 86, took in
        // Trà Vinh: it sees Trà Vinh's dashboard).
        crate::helpers::add_other_province_officer(&app, "tinh.cantho").await;
        assert_eq!(
            logged_in(&app, "tinh.vinhlong")
                .await
                .get(URL)
                .await
                .status_code(),
            200
        );
        for who in ["tinh.cantho", "xa.chauthanh"] {
            let res = logged_in(&app, who).await.get(URL).await;
            assert_eq!(res.status_code(), 403, "{who}");
        }
        // A district officer: own district yes, the province and the other district no.
        let huyen = logged_in(&app, "huyen.canglong").await;
        assert_eq!(
            huyen
                .get("/units/844/dashboard?set=xa-ntm-2021-2025&year=2023")
                .await
                .status_code(),
            200
        );
        assert_eq!(huyen.get(URL).await.status_code(), 403);
        assert_eq!(
            huyen
                .get("/units/847/dashboard?set=xa-ntm-2021-2025&year=2023")
                .await
                .status_code(),
            403
        );
        // A viewer (whole country) may look.
        assert_eq!(
            logged_in(&app, "xem").await.get(URL).await.status_code(),
            200
        );

        let server = logged_in(&app, "tinh.travinh").await;
        // Bad set, set of another level, year outside the set, unit not existing that year,
        // not a year: 400 with a clear message.
        for (url, needle) in [
            ("/units/84/dashboard?set=khong-co&year=2023", "khong-co"),
            (
                "/units/84/dashboard?set=huyen-ntm-2021-2025&year=2023",
                "huyen-ntm-2021-2025",
            ),
            ("/units/84/dashboard?set=xa-ntm-2021-2025&year=2031", "2031"),
            ("/units/84/dashboard?year=2027", "2027"),
            ("/units/84/dashboard?year=abc", "abc"),
        ] {
            let res = server.get(url).await;
            assert_eq!(res.status_code(), 400, "{url}: {}", res.text());
            let html = text(&res);
            assert!(html.contains(needle), "{url}: {html}");
            assert!(html.contains("Yêu cầu không hợp lệ"), "{url}");
        }
        // Unknown unit: 404.
        let res = server
            .get("/units/99999/dashboard?set=xa-ntm-2021-2025&year=2023")
            .await;
        assert_eq!(res.status_code(), 404);
        // A commune has a scorecard instead.
        let res = server
            .get("/units/29266/dashboard?set=xa-ntm-2021-2025&year=2023")
            .await;
        assert_eq!(res.status_code(), 303);
        assert_eq!(
            location(&res),
            "/units/29266/scorecard?set=xa-ntm-2021-2025&year=2023"
        );
    }
);

ntm_testkit::both_backends!(
    dashboard_after_the_reform_has_no_districts,
    |db: Db| async move {
        let app = seeded(db).await;
        let server = logged_in(&app, "tinh.vinhlong").await;
        // Vĩnh Long in 2026: communes directly under the province; the 2026 set has 10 criteria,
        // so the buckets are 10, 8–9, 5–7, 3–4, 0–2.
        let res = server.get("/units/86/dashboard?year=2026").await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        let html = text(&res);
        assert!(html.contains("<option value=\"xa-ntm-2026-2030\" selected>"));
        assert!(!html.contains("id=\"districts\""));
        assert_eq!(commune_order(&html).len(), 4);
        for label in ["10", "8–9", "5–7", "3–4", "0–2"] {
            assert!(
                html.contains(&format!(
                    "<tr><th scope=\"row\">{label}</th><td class=\"num\">"
                )),
                "{label}"
            );
        }
        assert!(
            html.contains("href=\"/units/86/dashboard?set=xa-ntm-hien-dai-2026-2030&year=2026\"")
        );
        assert_eq!(count_rows(&html, 2026), 1);
    }
);

ntm_testkit::both_backends!(dashboard_follows_new_values, |db: Db| async move {
    let app = seeded(db).await;
    let server = logged_in(&app, "tinh.travinh").await;
    let xlsx = "/units/84/dashboard.xlsx?set=xa-ntm-2021-2025&year=2023&table=blocking";
    let missing_31 = |rows: Vec<Vec<String>>| {
        rows.into_iter()
            .find(|r| r[0] == "3.1")
            .map(|r| r[3].clone())
            .unwrap_or_default()
    };
    let before = server.get(xlsx).await;
    let before = missing_31(ntm_reports::read_table(before.as_bytes(), "b.xlsx").unwrap());
    assert_eq!(before, "7");
    // Seen once (and kept); a new value must show at once.
    put(&app, "29266", 2023, &[("3.1", "90 %")]).await;
    let after = server.get(xlsx).await;
    let after = missing_31(ntm_reports::read_table(after.as_bytes(), "b.xlsx").unwrap());
    assert_eq!(after, "6");
    let e = eval(&app, "84", 2023).await;
    let b = e
        .rollup
        .unwrap()
        .blocking
        .into_iter()
        .find(|b| b.code == "3.1")
        .unwrap();
    assert_eq!(b.missing, 6);
});

ntm_testkit::both_backends!(
    dashboard_form_switches_to_the_set_of_the_year,
    |db: Db| async move {
        let app = seeded(db).await;
        let server = logged_in(&app, "tinh.vinhlong").await;
        // From the form, a 2021–2025 set with the year 2026 gives the 2026 set...
        let res = server
            .get("/units/86/dashboard?set=xa-ntm-2021-2025&year=2026&from=form")
            .await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        assert!(text(&res).contains("<option value=\"xa-ntm-2026-2030\" selected>"));
        // ...typed as a link it is an error.
        let res = server
            .get("/units/86/dashboard?set=xa-ntm-2021-2025&year=2026")
            .await;
        assert_eq!(res.status_code(), 400);
    }
);

ntm_testkit::both_backends!(
    dashboard_shows_provisional_figures_of_the_demo_sample,
    |db: Db| async move {
        // The real unit lists and the demo's sample values for Trà Vinh (84).
        let app = App::new(db, ntm_app::AppConfig::default());
        ntm_app::demo::import_reference_units(&app, &Actor::cli(), &mut |_, _| {})
            .await
            .expect("reference units");
        ntm_app::demo::seed_sample_observations(&app, &Actor::cli())
            .await
            .expect("sample");
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
        let server = logged_in(&app, "tinh.travinh").await;
        for year in [2022, 2023, 2024] {
            let res = server
                .get(&format!(
                    "/units/84/dashboard?set=xa-ntm-2021-2025&year={year}"
                ))
                .await;
            assert_eq!(res.status_code(), 200, "{}", res.text());
            let html = text(&res);
            let e = eval(&app, "84", year).await;
            let r = e.rollup.as_ref().expect("roll-up");
            // Published: 85 xã NTM of 85 (2024 carries 2023 forward). The set applies to xã
            // only: the province's 21 phường and thị trấn (106 commune-level units in all)
            // are not in the denominator.
            assert_eq!((r.units, r.no_known_shortfall), (85, 85), "{year}");
            assert!(
                html.contains("<span id=\"dash-no-shortfall\">85</span> / 85"),
                "{year}"
            );
            // The confirmed figure stays what the engine can confirm, shown first.
            assert!(
                html.contains(&format!("<dd>{} / 85 <small>", r.met)),
                "{year}"
            );
            assert!(html.contains(
                "Không phát hiện chỉ tiêu chưa đạt (chờ xác nhận ngưỡng): <strong>85</strong> / 85"
            ));
            // No phường in the commune table.
            assert!(!html.contains("Phường 1<"), "{year}");
        }
        // The scorecard of a phường of Trà Vinh: "không áp dụng", with why, nothing to enter.
        let res = server
            .get("/units/29239/scorecard?set=xa-ntm-2021-2025&year=2023")
            .await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        let html = res.text();
        assert!(html.contains("Không áp dụng"), "{html}");
        assert!(
            html.contains("Bộ tiêu chí này chỉ áp dụng cho Xã; đơn vị này là Phường"),
            "{html}"
        );
        assert!(!html.contains("Cần xác minh</span>"), "no indicator rows");
        let res = server
            .get("/units/29239/scorecard?set=xa-ntm-2021-2025&year=2023&lang=en")
            .await;
        assert!(res.text().contains("This set applies to Xã only"));
    }
);

ntm_testkit::both_backends!(
    dashboard_says_updating_while_a_province_wide_change_is_taken_in,
    |db: Db| async move {
        let app = seeded(db).await;
        let server = logged_in(&app, "tinh.vinhlong").await;
        let url = "/units/86/dashboard?set=xa-ntm-2021-2025&year=2023";
        let html = text(&server.get(url).await);
        assert!(!html.contains("dashboard-updating"));
        // Vĩnh Long's own set raising 3.1's threshold: the whole province is evaluated
        // again, in the background; the first page after it says so, with the figures kept.
        ntm_app::provincial::upload_set(&app, &Actor::cli(), "86", "vl.yaml", VINH_LONG_SET_3_1)
            .await
            .expect("provincial set");
        let html = text(&server.get(url).await);
        assert!(
            html.contains("id=\"dashboard-updating\"") && html.contains("Đang cập nhật"),
            "{html}"
        );
        // The test data have no xã of 86 in 2023: no progress to count, none shown (never
        // "0/0"; the progress of a province with communes: tests/app/kept.rs).
        assert!(!html.contains("dashboard-updating-progress"), "{html}");
        // Once taken in: no notice, the province's set is named, the figures are a full
        // evaluation's.
        app.kept_settled().await;
        let html = text(&server.get(url).await);
        assert!(!html.contains("dashboard-updating"));
        assert!(
            html.contains("configured by province 86 (vl.yaml"),
            "{html}"
        );
        let e = eval(&app, "86", 2023).await;
        assert!(e.provincial.is_some());
        let r = e.rollup.expect("roll-up");
        assert!(
            html.contains(&format!(
                "<span id=\"dash-no-shortfall\">{}</span> / {}",
                r.no_known_shortfall, r.units
            )),
            "{html}"
        );
    }
);
