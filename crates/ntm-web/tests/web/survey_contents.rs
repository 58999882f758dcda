//! Survey contents (nội dung xây dựng NTM), households and the share of households surveyed
//! over HTTP: contents on the public page and on paper forms, results per hamlet / commune
//! and content, households entered by officers, the province's minimum share with its basis
//! (who may set it), and a district campaign whose lowest commune × content rate reaches the
//! district dossier.

use axum_test::TestServer;
use axum_test::multipart::{MultipartForm, Part};
use ntm_app::surveys::{self, CampaignInput, NewCampaign};
use ntm_app::units::{NewHamlet, add_hamlets};
use ntm_app::users::{GrantInput, NewUser, add_user};
use ntm_app::{Actor, App, Db};
use ntm_domain::dossier::DossierKind;
use ntm_domain::dossier::campaign::Questionnaire;
use ntm_domain::dossier::survey::{MinCoverage, SatisfactionRate};
use ntm_reports::survey_xlsx::{HEADER, PaperRow};
use serde_json::{Value, json};
use time::Duration;

use crate::helpers::{
    COMMUNE, PASSWORD, browser, form_token, location, logged_in, setup, token, with_hamlets,
};

const SET: &str = "xa-ntm-2021-2025";
const DISTRICT: &str = "847";
const DISTRICT_SET: &str = "huyen-ntm-2021-2025";

async fn add(app: &App, username: &str, grant: &str) {
    add_user(
        app,
        &Actor::cli(),
        NewUser {
            username: username.into(),
            display_name: username.into(),
            password: PASSWORD.into(),
            grants: vec![GrantInput::parse(grant).unwrap()],
        },
    )
    .await
    .unwrap();
}

fn iso(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

async fn public_answer(
    server: &TestServer,
    code: &str,
    fields: &[(&str, &str)],
) -> axum_test::TestResponse {
    let page = server.get(&format!("/s/{code}")).await.text();
    let t = form_token(&page);
    let mut form: Vec<(&str, &str)> = vec![("_csrf", t.as_str())];
    form.extend_from_slice(fields);
    server.post(&format!("/s/{code}")).form(&form).await
}

async fn paper_upload(
    server: &TestServer,
    unit: &str,
    code: &str,
    bytes: Vec<u8>,
) -> axum_test::TestResponse {
    let t = token(server).await;
    let form = MultipartForm::new()
        .add_text("_csrf", t.as_str())
        .add_part("file", Part::bytes(bytes).file_name("phieu.xlsx"));
    server
        .post(&format!("/units/{unit}/surveys/{code}/paper/preview"))
        .multipart(form)
        .await
}

fn payload_of(html: &str) -> String {
    let marker = "name=\"rows\" value=\"";
    let start = html.find(marker).unwrap() + marker.len();
    html[start..start + html[start..].find('"').unwrap()]
        .replace("&#9;", "\t")
        .replace("&#x9;", "\t")
        .replace("&#10;", "\n")
        .replace("&#xa;", "\n")
        .replace("&#xA;", "\n")
}

ntm_testkit::both_backends!(
    survey_contents_public_paper_results_and_households,
    |db: Db| async move {
        let (app, hamlets) = with_hamlets(db).await;
        let officer = logged_in(&app, "xa.chauthanh").await;

        // The form offers the contents field, empty by default (no legal list invented).
        let new = officer.get(&format!("/units/{COMMUNE}/surveys/new")).await;
        let html = new.text();
        assert!(html.contains("name=\"contents\""), "{html}");
        assert!(html.contains("id=\"s-contents\" name=\"contents\" rows=\"5\" class=\"survey-wide\" aria-describedby=\"s-contents-help\"></textarea>"));
        let t = form_token(&html);
        let today = ntm_app::today();
        let res = officer
            .post(&format!("/units/{COMMUNE}/surveys"))
            .form(&[
                ("_csrf", t.as_str()),
                ("title", "Lấy ý kiến theo nội dung"),
                ("set", SET),
                ("year", "2025"),
                ("opens_date", &iso(today)),
                ("opens_time", "00:00"),
                ("closes_date", &iso(today + Duration::days(3))),
                ("closes_time", "17:00"),
                ("main_question", "Ông/Bà có hài lòng không?"),
                ("satisfied_label", "Hài lòng"),
                ("not_satisfied_label", "Chưa hài lòng"),
                ("extra", ""),
                ("contents", "Giao thông\n\n Môi trường \n"),
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
        let c = surveys::get(&app, &Actor::cli(), &code).await.unwrap();
        assert_eq!(c.questionnaire.contents, ["Giao thông", "Môi trường"]);
        // Duplicate contents are refused while editing.
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
                ("satisfied_label", "Hài lòng"),
                ("not_satisfied_label", "Chưa hài lòng"),
                ("contents", "Giao thông\ngiao thong"),
            ])
            .await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        assert!(res.text().contains("bị trùng"));
        surveys::open(&app, &Actor::cli(), &code).await.unwrap();
        let tokens = surveys::issue_tokens(
            &app,
            &Actor::cli(),
            &code,
            &[(hamlets[0].clone(), 3), (hamlets[1].clone(), 1)],
        )
        .await
        .unwrap();

        // The public page asks each content with the two labels, no inline script or style
        // (only the small script filling the slip code from `#t=`), still small.
        let citizen = browser(&app);
        let page = citizen.get(&format!("/s/{code}")).await;
        let html = page.text();
        assert!(html.contains("<legend>Giao thông</legend>"), "{html}");
        assert!(html.contains("name=\"c0\" value=\"satisfied\""));
        assert!(html.contains("name=\"c1\" value=\"not_satisfied\""));
        assert_eq!(html.matches("<script").count(), 1);
        assert!(html.contains("<script src=\"/assets/survey-public.js"));
        assert!(!html.contains("style=\""));
        assert!(html.len() < 10_000, "public page {} B", html.len());
        // Answers: a content answer that is not one of the choices is refused.
        let res = public_answer(
            &citizen,
            &code,
            &[
                ("answer", "satisfied"),
                ("token", &tokens[0].token),
                ("c0", "maybe"),
            ],
        )
        .await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        for (i, (main, c0, c1)) in [
            ("satisfied", "satisfied", "not_satisfied"),
            ("satisfied", "satisfied", ""),
            ("not_satisfied", "not_satisfied", "satisfied"),
        ]
        .into_iter()
        .enumerate()
        {
            let res = public_answer(
                &citizen,
                &code,
                &[
                    ("answer", main),
                    ("token", &tokens[i].token),
                    ("c0", c0),
                    ("c1", c1),
                ],
            )
            .await;
            assert_eq!(res.status_code(), 303, "{}", res.text());
        }

        // Paper forms with one column per content: template, errors by cell, apply.
        let tpl = officer
            .get(&format!(
                "/units/{COMMUNE}/surveys/{code}/paper/template.xlsx"
            ))
            .await;
        let table = ntm_reports::read_table(tpl.as_bytes(), "t.xlsx").unwrap();
        assert_eq!(table[0][3], "Nội dung: Giao thông");
        assert_eq!(table[0][4], "Nội dung: Môi trường");
        let mut header: Vec<&str> = HEADER.to_vec();
        header.extend(["Nội dung: Giao thông", "Nội dung: Môi trường"]);
        let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        let bad = ntm_reports::write_table(
            "Phiếu",
            &header,
            &[
                row(&[&hamlets[1], "P1", "1", "1", "có lẽ"]),
                row(&[&hamlets[1], "P2", "1", "1", "1", "thừa"]),
            ],
        )
        .unwrap();
        let res = paper_upload(&officer, COMMUNE, &code, bad).await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        for cell in ["E2", "F3"] {
            assert!(
                res.text().contains(&format!("<code>{cell}</code>")),
                "{cell}"
            );
        }
        let good = ntm_reports::write_table(
            "Phiếu",
            &header,
            &[
                row(&[&hamlets[1], "P1", "1", "1", "0"]),
                row(&[&hamlets[1], "P2", "0", "", "hài lòng"]),
                row(&[&hamlets[1], "P3", "-", "1", "1"]),
            ],
        )
        .unwrap();
        let res = paper_upload(&officer, COMMUNE, &code, good).await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        assert!(res.text().contains("<th scope=\"col\">Môi trường</th>"));
        let payload = payload_of(&res.text());
        let t = form_token(&res.text());
        let res = officer
            .post(&format!("/units/{COMMUNE}/surveys/{code}/paper/apply"))
            .form(&[
                ("_csrf", t.as_str()),
                ("file_name", "phieu.xlsx"),
                ("rows", payload.as_str()),
            ])
            .await;
        assert_eq!(res.status_code(), 200, "{}", res.text());

        // Results per hamlet and content (the spoiled paper form counts for no content).
        let r = surveys::results(&app, &Actor::cli(), &code).await.unwrap();
        let rate = |s, v| SatisfactionRate::new(s, v).unwrap();
        let a = r.areas.iter().find(|x| x.code == hamlets[0]).unwrap();
        assert_eq!(a.contents, [rate(2, 3), rate(1, 2)]);
        let b = r.areas.iter().find(|x| x.code == hamlets[1]).unwrap();
        assert_eq!(b.contents, [rate(1, 1), rate(1, 2)]);
        assert_eq!(r.content_totals, [rate(3, 4), rate(2, 4)]);
        // A commune campaign is one commune: its lowest content rate.
        assert_eq!(r.communes.len(), 1);
        assert_eq!(r.min_commune_content, Some(rate(2, 4)));

        // Households: per hamlet; the share of households is shown, the minimum is not
        // configured (and says so).
        let page = officer.get(&href).await;
        assert!(page.text().contains("id=\"survey-households\""));
        let t = form_token(&page.text());
        let f0 = format!("hh.{}", hamlets[0]);
        let f1 = format!("hh.{}", hamlets[1]);
        let res = officer
            .post(&format!("/units/{COMMUNE}/surveys/{code}/households"))
            .form(&[("_csrf", t.as_str()), (f0.as_str(), "x")])
            .await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        let res = officer
            .post(&format!("/units/{COMMUNE}/surveys/{code}/households"))
            .form(&[
                ("_csrf", t.as_str()),
                (f0.as_str(), "4"),
                (f1.as_str(), "1.234"),
                ("hh_total", ""),
            ])
            .await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
        assert!(location(&res).ends_with("flash=households"));
        let r = surveys::results(&app, &Actor::cli(), &code).await.unwrap();
        assert_eq!(r.households, Some(1238));
        let page = officer
            .get(&format!("/units/{COMMUNE}/surveys/{code}/results"))
            .await;
        let html = page.text();
        assert_eq!(page.status_code(), 200);
        // 6 forms of 1.238 households; hamlet 1: 3 of 4.
        assert!(html.contains("1.238"), "{html}");
        assert!(
            html.contains("<td class=\"num\" id=\"survey-share\">0,5 %</td>"),
            "{html}"
        );
        assert!(html.contains("75,0 %"));
        assert!(html.contains(
            "Tỷ lệ hộ tối thiểu chưa được cấu hình (chưa xác nhận theo Hướng dẫn 90/HD-MTTW-BTT)"
        ));
        assert!(html.contains("id=\"survey-contents-results\""));
        assert!(html.contains("66,67 %") && html.contains("50,00 %"));
        // Only when hamlets are unknown: the campaign's total.
        let res = officer
            .post(&format!("/units/{COMMUNE}/surveys/{code}/households"))
            .form(&[
                ("_csrf", t.as_str()),
                (f0.as_str(), ""),
                (f1.as_str(), ""),
                ("hh_total", "10"),
            ])
            .await;
        assert_eq!(res.status_code(), 303);
        let r = surveys::results(&app, &Actor::cli(), &code).await.unwrap();
        assert_eq!(
            (r.households, r.households_total_entered),
            (Some(10), Some(10))
        );

        // Who may enter households: not anonymous, not another commune, not a viewer.
        for (user, want) in [(None, 303), (Some("xa.tanan"), 403), (Some("xem"), 403)] {
            let s = match user {
                Some(u) => logged_in(&app, u).await,
                None => browser(&app),
            };
            let t = token(&s).await;
            let res = s
                .post(&format!("/units/{COMMUNE}/surveys/{code}/households"))
                .form(&[("_csrf", t.as_str()), ("hh_total", "99")])
                .await;
            assert_eq!(res.status_code(), want, "{user:?}");
        }
        let r = surveys::results(&app, &Actor::cli(), &code).await.unwrap();
        assert_eq!(r.households, Some(10));
        let log = ntm_app::audit::list(&app, &Actor::cli(), 0, 1000)
            .await
            .map(|v| v.into_iter().map(|e| e.action).collect::<Vec<_>>())
            .unwrap_or_default();
        assert_eq!(log.iter().filter(|a| *a == "survey.households").count(), 2);
    }
);

ntm_testkit::both_backends!(
    survey_coverage_setting_authorized_and_shown_on_the_dossier,
    |db: Db| async move {
        let (app, hamlets) = with_hamlets(db).await;
        add(&app, "tinh.vinhlong", "province_officer@86").await;
        let settings = "/units/86/procedure-settings";
        let form = |t: &str, percent: &str, basis: &str| {
            vec![
                ("_csrf".to_string(), t.to_string()),
                ("what".into(), "coverage".into()),
                ("kind".into(), "commune_ntm".into()),
                ("percent".into(), percent.into()),
                ("basis".into(), basis.into()),
            ]
        };
        // Not configured: the settings page says so.
        let tinh = logged_in(&app, "tinh.vinhlong").await;
        let page = tinh.get(settings).await;
        assert_eq!(page.status_code(), 200);
        assert!(
            page.text().contains("id=\"no-coverage\""),
            "{}",
            page.text()
        );
        assert!(page.text().contains("id=\"form-coverage\""));
        // Only the province officer (or an admin) may set it.
        for (user, want) in [(None, 303), (Some("xa.chauthanh"), 403), (Some("xem"), 403)] {
            let s = match user {
                Some(u) => logged_in(&app, u).await,
                None => browser(&app),
            };
            let t = token(&s).await;
            let res = s.post(settings).form(&form(&t, "60", "KH 1")).await;
            assert_eq!(res.status_code(), want, "{user:?}: {}", res.text());
        }
        let xa = logged_in(&app, "xa.chauthanh").await;
        assert!(
            !xa.get(settings)
                .await
                .text()
                .contains("id=\"form-coverage\"")
        );
        // The basis is required; the percent is 1 to 100.
        let t = token(&tinh).await;
        let res = tinh.post(settings).form(&form(&t, "60", " ")).await;
        assert_eq!(res.status_code(), 422);
        let res = tinh.post(settings).form(&form(&t, "0", "KH 1")).await;
        assert_eq!(res.status_code(), 422);
        let res = tinh
            .post(settings)
            .form(&form(&t, "60", "Kế hoạch 12/KH-UBND tỉnh, mục 3"))
            .await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
        let page = tinh.get(settings).await.text();
        assert!(page.contains("Kế hoạch 12/KH-UBND tỉnh, mục 3") && page.contains("60 %"));
        assert!(!page.contains("id=\"no-coverage\""));

        // A closed commune campaign with 3 forms of 10 households.
        let now = ntm_app::now();
        let c = surveys::create(
            &app,
            &Actor::cli(),
            NewCampaign {
                unit_code: COMMUNE.into(),
                set_id: SET.into(),
                year: 2025,
                input: CampaignInput {
                    title: "Lấy ý kiến".into(),
                    questionnaire: Questionnaire::suggested(),
                    opens_at: now - Duration::hours(1),
                    closes_at: now + Duration::days(7),
                },
            },
        )
        .await
        .unwrap();
        surveys::open(&app, &Actor::cli(), &c.code).await.unwrap();
        let rows: Vec<PaperRow> = (0..3)
            .map(|i| PaperRow {
                row: i + 2,
                hamlet: hamlets[0].clone(),
                household: format!("H{i}"),
                answer: "1".into(),
                contents: vec![],
            })
            .collect();
        surveys::paper_apply(&app, &Actor::cli(), &c.code, "p.xlsx", &rows)
            .await
            .unwrap();
        surveys::set_households(&app, &Actor::cli(), &c.code, &[], Some(10))
            .await
            .unwrap();
        surveys::close(&app, &Actor::cli(), &c.code).await.unwrap();

        // The results page and the dossier's facts compare 30 % with the 60 % minimum.
        let page = xa
            .get(&format!("/units/{COMMUNE}/surveys/{}/results", c.code))
            .await
            .text();
        assert!(
            page.contains(
                "tỷ lệ hộ tối thiểu 60 % (căn cứ: Kế hoạch 12/KH-UBND tỉnh, mục 3) — chưa đạt"
            ),
            "{page}"
        );
        let s = ntm_app::procedure_settings::get(&app, &Actor::cli(), "86")
            .await
            .unwrap()
            .1;
        let f = surveys::dossier_survey_facts(
            &app,
            &Actor::cli(),
            COMMUNE,
            SET,
            2025,
            DossierKind::CommuneNtm,
            &s,
        )
        .await
        .unwrap();
        let cov = f.household_coverage.unwrap();
        assert_eq!((cov.responses, cov.households, cov.met()), (3, 10, false));
        assert_eq!(
            cov.rule,
            MinCoverage {
                percent: 60,
                basis: "Kế hoạch 12/KH-UBND tỉnh, mục 3".into()
            }
        );
        // Another kind has no minimum: nothing checked.
        let f = surveys::dossier_survey_facts(
            &app,
            &Actor::cli(),
            COMMUNE,
            SET,
            2025,
            DossierKind::CommuneModel,
            &s,
        )
        .await
        .unwrap();
        assert!(f.household_coverage.is_none());
        assert_eq!(f.satisfaction, SatisfactionRate::new(3, 3));

        // The dossier page shows the share against the minimum; a kind without one says it is
        // not configured.
        for (kind, expect) in [
            (
                "commune_ntm",
                "30,0 % (3/10) — Xã đạt chuẩn nông thôn mới: tỷ lệ hộ tối thiểu 60 %",
            ),
            (
                "commune_model",
                "Tỷ lệ hộ tối thiểu chưa được cấu hình (chưa xác nhận theo Hướng dẫn 90/HD-MTTW-BTT)",
            ),
        ] {
            let t = token(&xa).await;
            let res = xa
                .post("/api/v1/dossiers")
                .add_header("x-csrf-token", t.as_str())
                .json(&json!({"unit": COMMUNE, "set": SET, "year": 2025, "kind": kind}))
                .await;
            assert_eq!(res.status_code(), 201, "{}", res.text());
            let id = res.json::<Value>()["id"].as_str().unwrap().to_string();
            let page = xa.get(&format!("/dossiers/{id}")).await;
            assert_eq!(page.status_code(), 200);
            let html = page.text();
            let at = html
                .find("id=\"dossier-survey-coverage\"")
                .expect("coverage line");
            assert!(
                html[at..].contains(expect),
                "{kind}: {}",
                &html[at..at + 400]
            );
            assert!(html.contains("id=\"dossier-survey-rate\""));
        }
        // A province officer may remove it again (audited like every setting).
        let t = token(&tinh).await;
        let res = tinh
            .post(settings)
            .form(&[
                ("_csrf", t.as_str()),
                ("what", "delete"),
                ("setting_kind", "household_coverage"),
                ("key", "commune_ntm"),
            ])
            .await;
        assert_eq!(res.status_code(), 303);
        let s = ntm_app::procedure_settings::get(&app, &Actor::cli(), "86")
            .await
            .unwrap()
            .1;
        assert!(s.min_coverage(DossierKind::CommuneNtm).is_none());
    }
);

// A district campaign (before 01/07/2025 the district's areas are its communes): the lowest
// rate over commune × content feeds the district dossier; a commune without answers for a
// content leaves it unknown.
ntm_testkit::both_backends!(
    survey_district_campaign_feeds_the_district_dossier,
    |db: Db| async move {
        let app = setup(db).await;
        add(&app, "huyen.chauthanh", "district_officer@847").await;
        let communes: Vec<String> = surveys::areas(&app, DISTRICT)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.code)
            .collect();
        assert_eq!(communes, ["29374", "29377", "29410"]);
        let mut q = Questionnaire::suggested();
        q.contents = vec!["Giao thông".into(), "Môi trường".into()];
        let now = ntm_app::now();
        // (commune, satisfied on content 1, on content 2) out of 10 forms each.
        let run = |answers: Vec<(&'static str, u32, u32)>, title: &'static str| {
            let app = app.clone();
            let q = q.clone();
            async move {
                let c = surveys::create(
                    &app,
                    &Actor::cli(),
                    NewCampaign {
                        unit_code: DISTRICT.into(),
                        set_id: DISTRICT_SET.into(),
                        year: 2024,
                        input: CampaignInput {
                            title: title.into(),
                            questionnaire: q,
                            opens_at: now - Duration::hours(1),
                            closes_at: now + Duration::days(7),
                        },
                    },
                )
                .await
                .unwrap();
                surveys::open(&app, &Actor::cli(), &c.code).await.unwrap();
                let mut rows = Vec::new();
                for (commune, c1, c2) in answers {
                    for i in 0..10u32 {
                        let cell = |n: u32| if i < n { "1" } else { "0" }.to_string();
                        rows.push(PaperRow {
                            row: rows.len() + 2,
                            hamlet: commune.into(),
                            household: format!("{commune}-{i}"),
                            answer: "1".into(),
                            contents: vec![cell(c1), cell(c2)],
                        });
                    }
                }
                surveys::paper_apply(&app, &Actor::cli(), &c.code, "p.xlsx", &rows)
                    .await
                    .unwrap();
                surveys::close(&app, &Actor::cli(), &c.code).await.unwrap();
                c.code
            }
        };
        let s = ntm_app::procedure_settings::get(&app, &Actor::cli(), "84")
            .await
            .unwrap()
            .1;
        let cli = Actor::cli();
        let facts = || {
            surveys::dossier_survey_facts(
                &app,
                &cli,
                DISTRICT,
                DISTRICT_SET,
                2024,
                DossierKind::DistrictNtm,
                &s,
            )
        };
        // No answers from Hòa Minh (29410): the per-commune rule cannot be checked.
        run(vec![("29374", 10, 9), ("29377", 9, 9)], "Đợt 1").await;
        let f = facts().await.unwrap();
        assert_eq!(f.satisfaction, SatisfactionRate::new(20, 20));
        assert_eq!(f.min_commune_content_satisfaction, None);
        // The latest closed campaign counts: lowest is Hòa Minh's second content, 7/10.
        let code = run(
            vec![("29374", 10, 9), ("29377", 9, 8), ("29410", 8, 7)],
            "Đợt 2",
        )
        .await;
        let f = facts().await.unwrap();
        assert_eq!(
            f.min_commune_content_satisfaction,
            SatisfactionRate::new(7, 10)
        );
        assert!(f.household_coverage.is_none());

        // The results page groups by commune.
        let huyen = logged_in(&app, "huyen.chauthanh").await;
        let page = huyen
            .get(&format!("/units/{DISTRICT}/surveys/{code}/results"))
            .await;
        assert_eq!(page.status_code(), 200, "{}", page.text());
        let html = page.text();
        assert!(html.contains("<th scope=\"col\">Xã</th>"), "{html}");
        assert!(html.contains("id=\"survey-contents-min\""));
        assert!(html.contains("<strong>70,00 %</strong>"));

        // The district dossier (opened before 01/07/2025) shows it among its facts.
        let t = token(&huyen).await;
        let res = huyen
            .post("/api/v1/dossiers")
            .add_header("x-csrf-token", t.as_str())
            .json(&json!({"unit": DISTRICT, "set": DISTRICT_SET, "year": 2024,
                          "kind": "district_ntm", "date": "2025-03-01"}))
            .await;
        assert_eq!(res.status_code(), 201, "{}", res.text());
        let id = res.json::<Value>()["id"].as_str().unwrap().to_string();
        let page = huyen.get(&format!("/dossiers/{id}")).await;
        assert_eq!(page.status_code(), 200, "{}", page.text());
        let html = page.text();
        let at = html
            .find("id=\"dossier-survey-min-content\"")
            .expect("min content line");
        assert!(
            html[at..at + 80].contains("70,00 %"),
            "{}",
            &html[at..at + 200]
        );
        assert!(html.contains("100,00 %"));
    }
);

// ---------------------------------------------------------------- recognition over HTTP

const TEST_SET: &str = "thu-nghiem-xa";
const TEST_FIXTURE: &str = include_str!("../../../../testdata/criteria/thu-nghiem-xa.yaml");

fn test_catalog() -> &'static ntm_domain::criteria::Catalog {
    static C: std::sync::OnceLock<&'static ntm_domain::criteria::Catalog> =
        std::sync::OnceLock::new();
    C.get_or_init(|| {
        ntm_app::criteria::catalog_with(&[("thu-nghiem-xa.yaml".into(), TEST_FIXTURE.into())])
            .expect("the test criteria set loads")
    })
}

/// Enters, submits and verifies the two indicators of `thu-nghiem-xa` for 2026.
async fn verified_values(xa: &TestServer, tinh: &TestServer) {
    let scorecard = format!("/units/{COMMUNE}/scorecard?set={TEST_SET}&year=2026");
    for (code, value) in [("1.1", "80"), ("2.1", "Đạt")] {
        let t = form_token(&xa.get(&scorecard).await.text());
        let res = xa
            .post(&format!("/units/{COMMUNE}/scorecard/values"))
            .form(&[
                ("_csrf", t.as_str()),
                ("set", TEST_SET),
                ("year", "2026"),
                ("indicator", code),
                ("value", value),
                ("note", "Biên bản kiểm tra thực tế"),
                ("expected_version", ""),
            ])
            .await;
        assert_eq!(res.status_code(), 303, "{code}: {}", res.text());
    }
    for (s, action) in [(xa, "submit"), (tinh, "verify")] {
        let t = form_token(&s.get(&scorecard).await.text());
        let res = s
            .post(&format!("/units/{COMMUNE}/scorecard/status"))
            .form(&[
                ("_csrf", t.as_str()),
                ("set", TEST_SET),
                ("year", "2026"),
                ("action", action),
                ("indicator", ""),
                ("comment", ""),
            ])
            .await;
        assert_eq!(res.status_code(), 303, "{action}: {}", res.text());
    }
}

async fn api_act(server: &TestServer, id: &str, body: Value) -> axum_test::TestResponse {
    let t = token(server).await;
    server
        .post(&format!("/api/v1/dossiers/{id}/actions"))
        .add_header("x-csrf-token", t.as_str())
        .json(&body)
        .await
}

// With a minimum share of households configured, a passing appraisal is refused below it
// (with the Vietnamese message naming the share, the counts and the basis) and accepted once
// enough households are covered; without households entered it is refused too.
ntm_testkit::both_backends!(
    survey_coverage_minimum_refuses_and_then_allows_the_appraisal,
    |db: Db| async move {
        let config = ntm_app::AppConfig {
            data_dir: std::env::temp_dir()
                .join(format!("ntm-survey-coverage-{}", uuid::Uuid::now_v7())),
            ..ntm_app::AppConfig::default()
        };
        let mut app = crate::helpers::app_with(db, config).await;
        app.catalog = test_catalog();
        add(&app, "tinh.vinhlong", "province_officer@86").await;
        let rows = vec![NewHamlet {
            line: 0,
            commune_code: COMMUNE.into(),
            code: None,
            name: "Ấp 1".into(),
            kind: "Ấp".into(),
        }];
        add_hamlets(&app, &Actor::cli(), rows).await.unwrap();
        let hamlet = surveys::areas(&app, COMMUNE).await.unwrap()[0].code.clone();
        let xa = logged_in(&app, "xa.chauthanh").await;
        let tinh = logged_in(&app, "tinh.vinhlong").await;
        verified_values(&xa, &tinh).await;

        // A closed campaign: 3 forms, all satisfied; no households entered yet.
        let now = ntm_app::now();
        let c = surveys::create(
            &app,
            &Actor::cli(),
            NewCampaign {
                unit_code: COMMUNE.into(),
                set_id: TEST_SET.into(),
                year: 2026,
                input: CampaignInput {
                    title: "Lấy ý kiến 2026".into(),
                    questionnaire: Questionnaire::suggested(),
                    opens_at: now - Duration::hours(1),
                    closes_at: now + Duration::days(7),
                },
            },
        )
        .await
        .unwrap();
        surveys::open(&app, &Actor::cli(), &c.code).await.unwrap();
        let forms: Vec<PaperRow> = (0..3)
            .map(|i| PaperRow {
                row: i + 2,
                hamlet: hamlet.clone(),
                household: format!("H{i}"),
                answer: "1".into(),
                contents: vec![],
            })
            .collect();
        surveys::paper_apply(&app, &Actor::cli(), &c.code, "p.xlsx", &forms)
            .await
            .unwrap();
        surveys::close(&app, &Actor::cli(), &c.code).await.unwrap();

        // The province's threshold and minimum share, each with its basis.
        let t = form_token(&tinh.get("/units/86/procedure-settings").await.text());
        for (what, percent) in [("satisfaction", "80"), ("coverage", "60")] {
            let res = tinh
                .post("/units/86/procedure-settings")
                .form(&[
                    ("_csrf", t.as_str()),
                    ("what", what),
                    ("kind", "commune_ntm"),
                    ("percent", percent),
                    ("basis", "Kế hoạch 12/KH-UBND tỉnh (kiểm thử)"),
                ])
                .await;
            assert_eq!(res.status_code(), 303, "{}", res.text());
        }

        // The dossier up to the appraisal.
        let t = token(&xa).await;
        let res = xa
            .post("/api/v1/dossiers")
            .add_header("x-csrf-token", t.as_str())
            .json(&json!({"unit": COMMUNE, "set": TEST_SET, "year": 2026, "date": "2026-10-01"}))
            .await;
        assert_eq!(res.status_code(), 201, "{}", res.text());
        let id = res.json::<Value>()["id"].as_str().unwrap().to_string();
        for (seq, body) in [
            json!({"action": "start_posting", "date": "2026-10-01", "documents": ["results_report"]}),
            json!({"action": "end_posting", "date": "2026-10-16"}),
            json!({"action": "submit", "date": "2026-10-20", "documents": [
                "submission_letter", "results_report", "comments_summary",
                "satisfaction_report", "meeting_minutes", "capital_debt_report"]}),
        ]
        .into_iter()
        .enumerate()
        {
            let mut body = body;
            body["expected_seq"] = json!(seq);
            let res = api_act(&xa, &id, body).await;
            assert_eq!(res.status_code(), 200, "{}", res.text());
        }
        let appraise = json!({"action": "appraise", "verdict": "pass", "date": "2026-10-25",
                              "documents": ["appraisal_report"], "expected_seq": 3});
        // No households entered: refused, the share cannot be computed.
        let res = api_act(&tinh, &id, appraise.clone()).await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        assert!(res.text().contains("chưa nhập số hộ"), "{}", res.text());
        // 3 forms of 10 households: 30 % < 60 %.
        surveys::set_households(
            &app,
            &Actor::cli(),
            &c.code,
            &[(hamlet.clone(), Some(10))],
            None,
        )
        .await
        .unwrap();
        let res = api_act(&tinh, &id, appraise.clone()).await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        let text = res.text();
        assert!(
            text.contains("tỷ lệ hộ được lấy ý kiến 30,0 % (3/10 hộ) thấp hơn mức tối thiểu 60 %")
                && text.contains("Kế hoạch 12/KH-UBND tỉnh (kiểm thử)"),
            "{text}"
        );
        let d: Value = xa.get(&format!("/api/v1/dossiers/{id}")).await.json();
        assert_eq!(d["state"], "submitted");
        // 3 of 5 households: 60 %, the appraisal passes.
        surveys::set_households(
            &app,
            &Actor::cli(),
            &c.code,
            &[(hamlet.clone(), Some(5))],
            None,
        )
        .await
        .unwrap();
        let res = api_act(&tinh, &id, appraise).await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        assert_eq!(res.json::<Value>()["state"], "appraised");
    }
);
