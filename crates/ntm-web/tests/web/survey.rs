//! Satisfaction survey campaigns over HTTP: officers create, open, issue codes, read results,
//! import paper forms and close; citizens answer without an account on the public page.
//! Double answers, forged codes, closed or unopened campaigns and floods are refused;
//! the closed campaign's rate reaches the dossier; every officer endpoint is authorized.

use axum_test::TestServer;
use axum_test::multipart::{MultipartForm, Part};
use ntm_app::surveys::{self, CampaignInput, NewCampaign};
use ntm_app::{Actor, App, Db};
use ntm_domain::dossier::campaign::Questionnaire;
use ntm_domain::dossier::survey::SatisfactionRate;
use ntm_web::{WebConfig, router};
use time::Duration;

use crate::helpers::{COMMUNE, browser, form_token, location, logged_in, token, with_hamlets};

const SET: &str = "xa-ntm-2021-2025";

/// A campaign made through the use case, open or not, with a window around `now`.
pub(crate) async fn campaign(app: &App, starts_in: Duration, open: bool) -> String {
    let now = ntm_app::now();
    let c = surveys::create(
        app,
        &Actor::cli(),
        NewCampaign {
            unit_code: COMMUNE.into(),
            set_id: SET.into(),
            year: 2025,
            input: CampaignInput {
                title: "Lấy ý kiến thử".into(),
                questionnaire: Questionnaire::suggested(),
                opens_at: now + starts_in,
                closes_at: now + starts_in + Duration::days(7),
            },
        },
    )
    .await
    .unwrap();
    if open {
        surveys::open(app, &Actor::cli(), &c.code).await.unwrap();
    }
    c.code
}

/// Loads the public page (sets the CSRF cookie) and posts `fields` with its token.
async fn answer(
    server: &TestServer,
    code: &str,
    fields: &[(&str, &str)],
) -> axum_test::TestResponse {
    let page = server.get(&format!("/s/{code}")).await.text();
    let t = if page.contains("name=\"_csrf\"") {
        form_token(&page)
    } else {
        token(server).await
    };
    let mut form: Vec<(&str, &str)> = vec![("_csrf", t.as_str())];
    form.extend_from_slice(fields);
    server.post(&format!("/s/{code}")).form(&form).await
}

fn tokens_of(html: &str) -> Vec<String> {
    html.split("data-token=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect()
}

ntm_testkit::both_backends!(survey_answers_by_token_and_phone, |db: Db| async move {
    let (app, hamlets) = with_hamlets(db).await;
    let officer = logged_in(&app, "xa.chauthanh").await;

    // Create through the form (the suggested template is labelled as such).
    let new = officer.get(&format!("/units/{COMMUNE}/surveys/new")).await;
    assert_eq!(new.status_code(), 200);
    assert!(new.text().contains("survey-template-note"));
    let t = form_token(&new.text());
    let today = ntm_app::today();
    let iso = |d: time::Date| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
    let res = officer
        .post(&format!("/units/{COMMUNE}/surveys"))
        .form(&[
            ("_csrf", t.as_str()),
            ("title", "Lấy ý kiến năm 2025"),
            ("set", SET),
            ("year", "2025"),
            ("opens_date", &iso(today)),
            ("opens_time", "00:00"),
            ("closes_date", &iso(today + Duration::days(3))),
            ("closes_time", "17:00"),
            ("main_question", "Ông/Bà có hài lòng không?"),
            ("satisfied_label", "Hài lòng"),
            ("not_satisfied_label", "Chưa hài lòng"),
            ("extra", "Góp ý thêm"),
        ])
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let href = location(&res);
    let code = href
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    // A draft is not public yet.
    let anon = browser(&app);
    assert_eq!(anon.get(&format!("/s/{code}")).await.status_code(), 404);

    // Open, then issue codes: 2 for the first hamlet, 1 for the second.
    let page = officer.get(&href).await;
    let t = form_token(&page.text());
    let res = officer
        .post(&format!("/units/{COMMUNE}/surveys/{code}/open"))
        .form(&[("_csrf", t.as_str())])
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let field_a = format!("count.{}", hamlets[0]);
    let field_b = format!("count.{}", hamlets[1]);
    let res = officer
        .post(&format!("/units/{COMMUNE}/surveys/{code}/tokens"))
        .form(&[
            ("_csrf", t.as_str()),
            (field_a.as_str(), "2"),
            (field_b.as_str(), "1"),
        ])
        .await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    let tokens = tokens_of(&res.text());
    assert_eq!(tokens.len(), 3);
    assert!(res.text().contains("<svg"), "each slip has a QR code");
    // Editing is refused once open.
    let res = officer
        .post(&format!("/units/{COMMUNE}/surveys/{code}/edit"))
        .form(&[
            ("_csrf", t.as_str()),
            ("title", "x"),
            ("opens_date", &iso(today)),
            ("opens_time", "00:00"),
            ("closes_date", &iso(today + Duration::days(3))),
            ("closes_time", "17:00"),
            ("main_question", "Q"),
            ("satisfied_label", "A"),
            ("not_satisfied_label", "B"),
        ])
        .await;
    assert_eq!(res.status_code(), 409, "{}", res.text());

    // A citizen answers with a slip code (typed in lower case with a hyphen).
    let citizen = browser(&app);
    let typed = format!("{}-{}", &tokens[0][..5], &tokens[0][5..]).to_lowercase();
    let res = answer(
        &citizen,
        &code,
        &[("answer", "satisfied"), ("token", &typed), ("q0", "Tốt")],
    )
    .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    assert_eq!(location(&res), format!("/s/{code}/cam-on"));
    let thanks = citizen.get(&location(&res)).await;
    assert!(thanks.text().contains("id=\"thanks\""));
    // The same code again: refused, nothing counted twice.
    let res = answer(
        &citizen,
        &code,
        &[("answer", "not_satisfied"), ("token", &tokens[0])],
    )
    .await;
    assert_eq!(res.status_code(), 409);
    assert!(res.text().contains("đã được dùng"), "{}", res.text());
    // A forged code with a correct check character, and a mistyped one.
    let forged = ntm_domain::dossier::survey::make_token([1, 2, 3, 4, 5, 6]);
    let res = answer(
        &citizen,
        &code,
        &[("answer", "satisfied"), ("token", &forged)],
    )
    .await;
    assert_eq!(res.status_code(), 422);
    assert!(res.text().contains("Mã chưa đúng"));
    let res = answer(
        &citizen,
        &code,
        &[("answer", "satisfied"), ("token", "ABCDEFGHJK")],
    )
    .await;
    assert_eq!(res.status_code(), 422);
    // No answer chosen: the form comes back with the message.
    let res = answer(&citizen, &code, &[("token", &tokens[1])]).await;
    assert_eq!(res.status_code(), 422);
    // Second code of hamlet A: not satisfied.
    let res = answer(
        &citizen,
        &code,
        &[("answer", "not_satisfied"), ("token", &tokens[1])],
    )
    .await;
    assert_eq!(res.status_code(), 303);
    // By phone: off until the commune imports its household phone list.
    let res = answer(
        &citizen,
        &code,
        &[
            ("answer", "satisfied"),
            ("phone", "0912 345 678"),
            ("area", &hamlets[1]),
        ],
    )
    .await;
    assert_eq!(res.status_code(), 422);
    assert!(res.text().contains("không nhận trả lời bằng số điện thoại"));
    let listed = [ntm_app::survey_phones::PhoneRow {
        row: 2,
        hamlet: hamlets[1].clone(),
        phone: "0912345678".into(),
    }];
    ntm_app::survey_phones::apply(&app, &Actor::cli(), &code, "sdt.csv", &listed)
        .await
        .unwrap();
    // By phone (hamlet B, from the list): once only, whatever the spelling of the number.
    let res = answer(
        &citizen,
        &code,
        &[
            ("answer", "satisfied"),
            ("phone", "0912 345 678"),
            ("area", &hamlets[1]),
        ],
    )
    .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let res = answer(
        &citizen,
        &code,
        &[
            ("answer", "satisfied"),
            ("phone", "+84912345678"),
            ("area", &hamlets[1]),
        ],
    )
    .await;
    assert_eq!(res.status_code(), 409);
    assert!(res.text().contains("đã trả lời rồi"));
    let res = answer(
        &citizen,
        &code,
        &[("answer", "satisfied"), ("phone", "0912345679")],
    )
    .await;
    assert_eq!(res.status_code(), 422, "a number not on the list");
    assert!(res.text().contains("không có trong danh sách"));

    // Results by hamlet.
    let r = surveys::results(&app, &Actor::cli(), &code).await.unwrap();
    let a = r.areas.iter().find(|x| x.code == hamlets[0]).unwrap();
    assert_eq!(a.tally.rate, SatisfactionRate::new(1, 2).unwrap());
    assert_eq!((a.tokens_issued, a.tokens_used), (2, 2));
    let b = r.areas.iter().find(|x| x.code == hamlets[1]).unwrap();
    assert_eq!(b.tally.rate, SatisfactionRate::new(1, 1).unwrap());
    assert_eq!((b.tokens_issued, b.tokens_used), (1, 0));
    assert_eq!(r.total.rate, SatisfactionRate::new(2, 3).unwrap());
    let page = officer
        .get(&format!("/units/{COMMUNE}/surveys/{code}/results"))
        .await;
    assert_eq!(page.status_code(), 200);
    assert!(page.text().contains("66,67 %"), "{}", page.text());
    assert!(page.text().contains("50,00 %"));

    // The rate reaches the dossier once the campaign is closed.
    assert_eq!(
        surveys::dossier_satisfaction(&app, &Actor::cli(), COMMUNE, SET, 2025)
            .await
            .unwrap(),
        None
    );
    let res = officer
        .post(&format!("/units/{COMMUNE}/surveys/{code}/close"))
        .form(&[("_csrf", t.as_str())])
        .await;
    assert_eq!(res.status_code(), 303);
    assert_eq!(
        surveys::dossier_satisfaction(&app, &Actor::cli(), COMMUNE, SET, 2025)
            .await
            .unwrap(),
        Some(SatisfactionRate::new(2, 3).unwrap())
    );
    // Closed: the public page says so and answers are refused.
    let res = answer(
        &citizen,
        &code,
        &[("answer", "satisfied"), ("token", &tokens[2])],
    )
    .await;
    assert_eq!(res.status_code(), 410);
    assert!(res.text().contains("đã kết thúc"));
    // Audit entries of officers' writes; none per online answer.
    let log = ntm_app::audit::list(&app, &Actor::cli(), 0, 1000)
        .await
        .map(|v| v.into_iter().map(|e| e.action).collect::<Vec<_>>())
        .unwrap_or_default();
    for a in [
        "survey.create",
        "survey.open",
        "survey.tokens",
        "survey.close",
    ] {
        assert!(log.iter().any(|x| x == a), "{a} audited: {log:?}");
    }
});

ntm_testkit::both_backends!(survey_not_yet_open_and_qr, |db: Db| async move {
    let (app, _) = with_hamlets(db).await;
    let code = campaign(&app, Duration::days(2), true).await;
    let citizen = browser(&app);
    let page = citizen.get(&format!("/s/{code}")).await;
    assert_eq!(page.status_code(), 403);
    assert!(page.text().contains("chưa mở"), "{}", page.text());
    // The page has no form, so post with the login page's token.
    let t = token(&citizen).await;
    let res = citizen
        .post(&format!("/s/{code}"))
        .form(&[
            ("_csrf", t.as_str()),
            ("answer", "satisfied"),
            ("token", "0000000000"),
        ])
        .await;
    assert_eq!(res.status_code(), 403);
    assert!(res.text().contains("chưa mở"));
    let svg = citizen.get(&format!("/s/{code}/qr.svg")).await;
    assert_eq!(svg.status_code(), 200);
    assert!(svg.text().starts_with("<svg"));
    let png = citizen.get(&format!("/s/{code}/qr.png")).await;
    assert_eq!(png.status_code(), 200);
    assert_eq!(&png.as_bytes()[..4], b"\x89PNG");
    assert_eq!(citizen.get("/s/ZZZZZZ").await.status_code(), 404);
});

ntm_testkit::both_backends!(survey_rate_limit_429, |db: Db| async move {
    let (app, _) = with_hamlets(db).await;
    let code = campaign(&app, Duration::hours(-1), true).await;
    let server = TestServer::builder().save_cookies().build(router(
        app.clone(),
        WebConfig {
            trust_forwarded_for: true,
            ..WebConfig::default()
        },
    ));
    let ip = format!("10.{}.{}.7", rand_octet(), rand_octet());
    let page = server.get(&format!("/s/{code}")).await;
    let t = form_token(&page.text());
    let limit = surveys::rate_limits().per_ip_per_minute;
    let mut last = 0;
    for _ in 0..=limit {
        last = server
            .post(&format!("/s/{code}"))
            .add_header("x-forwarded-for", ip.as_str())
            .form(&[("_csrf", t.as_str()), ("answer", "satisfied")])
            .await
            .status_code()
            .as_u16();
    }
    assert_eq!(last, 429);
    let res = server
        .post(&format!("/s/{code}"))
        .add_header("x-forwarded-for", ip.as_str())
        .form(&[("_csrf", t.as_str()), ("answer", "satisfied")])
        .await;
    assert_eq!(res.status_code(), 429);
    assert!(res.header("retry-after").to_str().is_ok());
    assert!(res.text().contains("quá nhiều"));
    // Another address is not affected.
    let other = server
        .post(&format!("/s/{code}"))
        .add_header("x-forwarded-for", "10.200.200.200")
        .form(&[("_csrf", t.as_str()), ("answer", "satisfied")])
        .await;
    assert_eq!(other.status_code(), 422);
});

fn rand_octet() -> u8 {
    (uuid::Uuid::now_v7().as_u128() as u8).max(1)
}

async fn paper_upload(server: &TestServer, code: &str, bytes: Vec<u8>) -> axum_test::TestResponse {
    let t = token(server).await;
    let form = MultipartForm::new()
        .add_text("_csrf", t.as_str())
        .add_part("file", Part::bytes(bytes).file_name("phieu.xlsx"));
    server
        .post(&format!("/units/{COMMUNE}/surveys/{code}/paper/preview"))
        .multipart(form)
        .await
}

ntm_testkit::both_backends!(survey_paper_import_all_or_nothing, |db: Db| async move {
    let (app, hamlets) = with_hamlets(db).await;
    let code = campaign(&app, Duration::hours(-1), true).await;
    let officer = logged_in(&app, "xa.chauthanh").await;
    let tpl = officer
        .get(&format!(
            "/units/{COMMUNE}/surveys/{code}/paper/template.xlsx"
        ))
        .await;
    assert_eq!(tpl.status_code(), 200);
    assert!(
        ntm_reports::survey_xlsx::read_paper(tpl.as_bytes(), "t.xlsx")
            .unwrap()
            .is_empty()
    );
    let header = ntm_reports::survey_xlsx::HEADER;
    let row = |h: &str, hh: &str, a: &str| vec![h.to_string(), hh.to_string(), a.to_string()];
    // A bad answer in C3 and an unknown hamlet in A4: errors by cell, nothing written.
    let bad = ntm_reports::write_table(
        "Phiếu",
        &header,
        &[
            row(&hamlets[0], "H1", "1"),
            row(&hamlets[0], "H2", "có lẽ"),
            row("99999-01", "H3", "0"),
            row(&hamlets[1], "H1", "0"),
        ],
    )
    .unwrap();
    let res = paper_upload(&officer, &code, bad).await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let html = res.text();
    for cell in ["C3", "A4", "B5"] {
        assert!(
            html.contains(&format!("<code>{cell}</code>")),
            "{cell}: {html}"
        );
    }
    assert!(!html.contains("paper/apply"));
    let r = surveys::results(&app, &Actor::cli(), &code).await.unwrap();
    assert_eq!(r.total.responses(), 0);
    // A good file: preview, then apply.
    let good = ntm_reports::write_table(
        "Phiếu",
        &header,
        &[
            row(&hamlets[0], "H1", "hài lòng"),
            row(&hamlets[0], "H2", "chưa hài lòng"),
            row(&hamlets[1], "H3", "-"),
        ],
    )
    .unwrap();
    let res = paper_upload(&officer, &code, good.clone()).await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    let html = res.text();
    let rows_marker = "name=\"rows\" value=\"";
    let start = html.find(rows_marker).unwrap() + rows_marker.len();
    let payload = html[start..start + html[start..].find('"').unwrap()]
        .replace("&#9;", "\t")
        .replace("&#x9;", "\t")
        .replace("&#10;", "\n")
        .replace("&#xa;", "\n")
        .replace("&#xA;", "\n");
    let t = form_token(&html);
    let res = officer
        .post(&format!("/units/{COMMUNE}/surveys/{code}/paper/apply"))
        .form(&[
            ("_csrf", t.as_str()),
            ("file_name", "phieu.xlsx"),
            ("rows", payload.as_str()),
        ])
        .await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    let r = surveys::results(&app, &Actor::cli(), &code).await.unwrap();
    assert_eq!(r.total.rate, SatisfactionRate::new(1, 2).unwrap());
    assert_eq!(r.total.invalid, 1);
    // The same forms again: refused as duplicates.
    let res = paper_upload(&officer, &code, good).await;
    assert_eq!(res.status_code(), 422);
    assert!(res.text().contains("đã có phiếu"));
    let log = ntm_app::audit::list(&app, &Actor::cli(), 0, 1000)
        .await
        .map(|v| v.into_iter().map(|e| e.action).collect::<Vec<_>>())
        .unwrap_or_default();
    assert!(log.iter().any(|a| a == "survey.paper_import"));
});

ntm_testkit::both_backends!(survey_officer_endpoints_authorized, |db: Db| async move {
    let (app, hamlets) = with_hamlets(db).await;
    let code = campaign(&app, Duration::hours(-1), false).await;
    let count_field = format!("count.{}", hamlets[0]);
    let gets = [
        format!("/units/{COMMUNE}/surveys"),
        format!("/units/{COMMUNE}/surveys/new"),
        format!("/units/{COMMUNE}/surveys/{code}"),
        format!("/units/{COMMUNE}/surveys/{code}/edit"),
        format!("/units/{COMMUNE}/surveys/{code}/results"),
        format!("/units/{COMMUNE}/surveys/{code}/paper/template.xlsx"),
    ];
    let posts = [
        format!("/units/{COMMUNE}/surveys"),
        format!("/units/{COMMUNE}/surveys/{code}/edit"),
        format!("/units/{COMMUNE}/surveys/{code}/open"),
        format!("/units/{COMMUNE}/surveys/{code}/close"),
        format!("/units/{COMMUNE}/surveys/{code}/tokens"),
        format!("/units/{COMMUNE}/surveys/{code}/paper/apply"),
    ];
    let anon = browser(&app);
    let other = logged_in(&app, "xa.tanan").await;
    let viewer = logged_in(&app, "xem").await;
    for path in &gets {
        let res = anon.get(path).await;
        assert_eq!(res.status_code(), 303, "anonymous GET {path}");
        assert!(location(&res).starts_with("/login"));
        for (who, s) in [("other commune", &other), ("viewer", &viewer)] {
            assert_eq!(s.get(path).await.status_code(), 403, "{who} GET {path}");
        }
    }
    for path in &posts {
        for (who, s, want) in [
            ("anonymous", &anon, 303),
            ("other commune", &other, 403),
            ("viewer", &viewer, 403),
        ] {
            let t = token(s).await;
            let res = s
                .post(path)
                .form(&[
                    ("_csrf", t.as_str()),
                    (count_field.as_str(), "1"),
                    ("rows", "2\tx\ty\t1"),
                ])
                .await;
            assert_eq!(res.status_code(), want, "{who} POST {path}: {}", res.text());
        }
    }
    // Paper preview (multipart) too.
    for (s, want) in [(&anon, 303), (&other, 403), (&viewer, 403)] {
        let res = paper_upload(s, &code, b"x".to_vec()).await;
        assert_eq!(res.status_code(), want);
    }
    // Nothing was changed: still a draft, no tokens.
    let c = surveys::get(&app, &Actor::cli(), &code).await.unwrap();
    assert_eq!(c.status.as_str(), "draft");
    let r = surveys::results(&app, &Actor::cli(), &code).await.unwrap();
    assert_eq!(r.tokens_issued, 0);
    // The commune's own officer may.
    let own = logged_in(&app, "xa.chauthanh").await;
    for path in &gets {
        assert_eq!(own.get(path).await.status_code(), 200, "own GET {path}");
    }
    // REST: results as JSON.
    let api = format!("/api/v1/surveys/{code}/results");
    assert_eq!(anon.get(&api).await.status_code(), 401);
    assert_eq!(other.get(&api).await.status_code(), 403);
    assert_eq!(viewer.get(&api).await.status_code(), 403);
    let v: serde_json::Value = own.get(&api).await.json();
    assert_eq!(v["code"], code.as_str());
    assert_eq!(v["total"]["valid"], 0);
    assert_eq!(v["hamlets"].as_array().map(Vec::len), Some(2));
});

ntm_testkit::both_backends!(survey_public_page_weight, |db: Db| async move {
    let (app, _) = with_hamlets(db).await;
    let code = campaign(&app, Duration::hours(-1), true).await;
    let citizen = browser(&app);
    let page = citizen.get(&format!("/s/{code}")).await;
    assert_eq!(page.status_code(), 200);
    let html = page.text();
    // One small script only: it fills the slip code from the QR link's `#t=` (finding 6).
    assert_eq!(
        html.matches("<script").count(),
        1,
        "one script on the public page"
    );
    let js_src = html
        .split("<script src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    assert!(js_src.starts_with("/assets/survey-public.js"), "{js_src}");
    let js = citizen.get(&js_src).await;
    assert_eq!(js.status_code(), 200);
    assert!(
        js.as_bytes().len() < 2_000,
        "script {} B",
        js.as_bytes().len()
    );
    assert!(!html.contains("style=\""));
    let css_href = html
        .split("rel=\"stylesheet\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    assert!(css_href.starts_with("/assets/survey-public.css"));
    let css = citizen.get(&css_href).await;
    assert_eq!(css.status_code(), 200);
    let total = html.len() + css.as_bytes().len() + js.as_bytes().len();
    println!(
        "public survey page: HTML {} B + CSS {} B + JS {} B = {total} B",
        html.len(),
        css.as_bytes().len(),
        js.as_bytes().len()
    );
    assert!(total < 30_000, "page weight {total} B");
    let thanks = citizen.get(&format!("/s/{code}/cam-on")).await;
    assert!(thanks.text().len() + css.as_bytes().len() < 30_000);
});
