//! Successors see their predecessors (issue 12, item 5), through the real router on the
//! shipped official unit lists and the 2025 mapping: the officer of Vĩnh Long (86, enlarged
//! by Trà Vinh, 84) opens Trà Vinh's scorecards, dashboard, plan, periodic report, survey
//! results and a 2024 dossier, and acts on the province's step of that dossier; the officer of
//! Xã Bình Phú (29287, formed from 29287, 29290 and 29293) sees the old communes' values and
//! dossiers; an officer of another province (87) gets 403 everywhere and writes nothing; an
//! old commune's grant does not reach the new commune or province.

use axum_test::TestServer;
use ntm_app::dossiers::{ActInput, NewDossier};
use ntm_app::reports::ReportKey;
use ntm_app::surveys::{CampaignInput, NewCampaign};
use ntm_app::users::{GrantInput, NewUser, add_user};
use ntm_app::{Actor, App, AppConfig, Db};
use ntm_domain::dossier::{Action, DocumentKind, DossierKind};
use serde_json::{Value, json};
use time::macros::date;

use crate::helpers::{PASSWORD, logged_in, token};

const SET: &str = "xa-ntm-2021-2025";
/// Xã Phương Thạnh (huyện Càng Long, Trà Vinh): merged into Xã Bình Phú on 01/07/2025.
const OLD_COMMUNE: &str = "29290";
/// Xã Bình Phú (Vĩnh Long) from 01/07/2025: 29287 Bình Phú + 29290 + 29293 Đại Phúc.
const NEW_COMMUNE: &str = "29287";
/// Xã Càng Long (Vĩnh Long): formed from other communes of Trà Vinh, not from 29290.
const UNRELATED_COMMUNE: &str = "29266";

/// The shipped unit lists and lineage, Trà Vinh's labelled sample values, and officers.
async fn world(db: Db) -> App {
    let config = AppConfig {
        data_dir: std::env::temp_dir().join(format!("ntm-lineage-{}", uuid::Uuid::now_v7())),
        ..AppConfig::default()
    };
    let app = App::new(db, config);
    let cli = Actor::cli();
    ntm_app::demo::import_reference_units(&app, &cli, &mut |_, _| {})
        .await
        .expect("reference units");
    ntm_app::demo::seed_sample_observations(&app, &cli)
        .await
        .expect("sample values");
    for (username, grant) in [
        ("tinh.vinhlong", "province_officer@86"),
        ("tinh.travinh", "province_officer@84"),
        ("tinh.dongthap", "province_officer@87"),
        ("xa.binhphu", "commune_officer@29287"),
        ("xa.phuongthanh", "commune_officer@29290"),
        ("xa.canglong", "commune_officer@29266"),
    ] {
        add_user(
            &app,
            &cli,
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

fn doc(kind: &str) -> DocumentKind {
    serde_json::from_value(json!(kind)).expect("document kind")
}

/// A 2024 dossier of old Xã Phương Thạnh (Trà Vinh), opened, posted and submitted before the
/// reform (recorded from the command line); it waits for the province since 01/07/2025.
async fn submitted_2024_dossier(app: &App) -> uuid::Uuid {
    let cli = Actor::cli();
    let v = ntm_app::dossiers::create(
        app,
        &cli,
        NewDossier {
            unit_code: OLD_COMMUNE.into(),
            set_id: SET.into(),
            year: 2024,
            kind: DossierKind::CommuneNtm,
            date: Some(date!(2024 - 10 - 01)),
        },
    )
    .await
    .expect("dossier");
    let submission = [
        "submission_letter",
        "results_report",
        "comments_summary",
        "satisfaction_report",
        "meeting_minutes",
        "capital_debt_report",
    ];
    for (seq, (action, day, docs)) in [
        (
            Action::StartPosting,
            date!(2024 - 10 - 01),
            vec!["results_report"],
        ),
        (Action::EndPosting, date!(2024 - 10 - 16), vec![]),
        (Action::Submit, date!(2024 - 10 - 20), submission.to_vec()),
    ]
    .into_iter()
    .enumerate()
    {
        ntm_app::dossiers::act(
            app,
            &cli,
            v.id,
            ActInput {
                action,
                expected_seq: seq as i64,
                date: Some(day),
                documents: docs.into_iter().map(doc).collect(),
            },
        )
        .await
        .expect("act");
    }
    v.id
}

/// Trà Vinh's records a successor may open: (label, URL).
async fn tra_vinh_records(app: &App) -> (uuid::Uuid, Vec<(&'static str, String)>) {
    let cli = Actor::cli();
    let dossier = submitted_2024_dossier(app).await;
    let report = ntm_app::reports::open(
        app,
        &cli,
        &ReportKey {
            unit_code: "844".into(),
            plan_id: "tra-vinh-2023".into(),
            kind: ntm_domain::reports::PeriodKind::SixMonth,
            year: 2023,
        },
    )
    .await
    .expect("report");
    let now = ntm_app::now();
    let survey = ntm_app::surveys::create(
        app,
        &cli,
        NewCampaign {
            unit_code: OLD_COMMUNE.into(),
            set_id: SET.into(),
            year: 2024,
            input: CampaignInput {
                title: "Lấy ý kiến năm 2024".into(),
                questionnaire: ntm_domain::dossier::campaign::Questionnaire::suggested(),
                opens_at: now - time::Duration::hours(1),
                closes_at: now + time::Duration::days(7),
            },
        },
    )
    .await
    .expect("survey");
    let urls = vec![
        (
            "old commune scorecard 2023",
            format!("/units/{OLD_COMMUNE}/scorecard?set={SET}&year=2023"),
        ),
        (
            "province dashboard 2023",
            format!("/units/84/dashboard?set={SET}&year=2023"),
        ),
        (
            "plan dashboard",
            "/plans/tra-vinh-2023?year=2023".to_owned(),
        ),
        ("plans of 84", "/units/84/plans".to_owned()),
        ("periodic report", format!("/reports/{report}")),
        ("reports of 84", "/units/84/reports".to_owned()),
        (
            "survey results",
            format!("/units/{OLD_COMMUNE}/surveys/{}/results", survey.code),
        ),
        (
            "surveys of the old commune",
            format!("/units/{OLD_COMMUNE}/surveys"),
        ),
        ("dossier", format!("/dossiers/{dossier}")),
        ("dossier API", format!("/api/v1/dossiers/{dossier}")),
        ("dossiers of 84", "/units/84/dossiers".to_owned()),
    ];
    (dossier, urls)
}

async fn appraise_return(server: &TestServer, id: uuid::Uuid) -> axum_test::TestResponse {
    let t = token(server).await;
    server
        .post(&format!("/api/v1/dossiers/{id}/actions"))
        .add_header("x-csrf-token", t.as_str())
        .json(&json!({
            "action": "appraise", "verdict": "return", "expected_seq": 3,
            "reason": "Bổ sung biên bản họp (tỉnh Vĩnh Long tiếp nhận hồ sơ của tỉnh Trà Vinh)",
        }))
        .await
}

ntm_testkit::both_backends!(
    the_successor_province_sees_and_acts_on_the_merged_province,
    |db: Db| async move {
        let app = world(db).await;
        let (dossier, urls) = tra_vinh_records(&app).await;

        // Another province's officer: 403 on every record, and nothing written.
        let other = logged_in(&app, "tinh.dongthap").await;
        for (what, url) in &urls {
            let res = other.get(url).await;
            assert_eq!(res.status_code(), 403, "{what}: {url}");
        }
        let head = app.db_for_tests().audit_head().await.unwrap();
        assert_eq!(appraise_return(&other, dossier).await.status_code(), 403);
        assert_eq!(
            app.db_for_tests().audit_head().await.unwrap(),
            head,
            "nothing written"
        );

        // Vĩnh Long's officer sees every one of them.
        let vl = logged_in(&app, "tinh.vinhlong").await;
        for (what, url) in &urls {
            let res = vl.get(url).await;
            assert_eq!(res.status_code(), 200, "{what}: {url}: {}", res.text());
        }
        let sc = vl
            .get(&format!(
                "/units/{OLD_COMMUNE}/scorecard?set={SET}&year=2023"
            ))
            .await
            .text();
        assert!(sc.contains("Xã Phương Thạnh"), "{sc}");
        assert!(sc.contains("Dữ liệu mẫu"), "the sample values are shown");
        let dash = vl
            .get(&format!("/units/84/dashboard?set={SET}&year=2023"))
            .await
            .text();
        // 85 xã: the xã set does not count Trà Vinh's 21 phường and thị trấn (applies_to).
        assert!(
            dash.contains("<span id=\"dash-no-shortfall\">85</span> / 85"),
            "{dash}"
        );

        // The list of every dossier an officer sees takes in the predecessors' (by scope).
        let listed = |v: Value| {
            v["dossiers"]
                .as_array()
                .unwrap()
                .iter()
                .any(|d| d["id"] == dossier.to_string().as_str())
        };
        assert!(listed(vl.get("/api/v1/dossiers").await.json()));
        let res = other.get("/api/v1/dossiers").await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        assert!(!listed(res.json()));

        // The successor's pages point at the predecessor's records.
        for url in [
            "/units/86",
            "/units/86/dossiers",
            "/units/86/plans",
            "/units/86/reports",
            "/units/86/dashboard?year=2026",
        ] {
            let res = vl.get(url).await;
            assert_eq!(res.status_code(), 200, "{url}: {}", res.text());
            let html = res.text();
            assert!(html.contains("Trước sáp nhập"), "{url}");
            for link in [
                "href=\"/units/84/dossiers\"",
                "href=\"/units/84/plans\"",
                "href=\"/units/84/reports\"",
                "href=\"/units/84/dashboard\"",
                "href=\"/units/84?date=2025-06-30\"",
            ] {
                assert!(html.contains(link), "{url}: {link}");
            }
        }
        // Trà Vinh's plans are listed on Vĩnh Long's plan list, marked as a predecessor's.
        let plans = vl.get("/units/86/plans").await.text();
        assert!(plans.contains("/plans/tra-vinh-2023?unit=84"), "{plans}");
        assert!(plans.contains("Kế hoạch của Tỉnh Trà Vinh (trước sáp nhập)"));
        // Another province's officer has no such links on its own pages.
        let own = other.get("/units/87/plans").await;
        assert_eq!(own.status_code(), 200, "{}", own.text());
        assert!(!own.text().contains("class=\"panel history\""));
        assert!(!own.text().contains("/units/84/"));

        // The dossier (district review no longer possible) is appraised by Vĩnh Long.
        let res = appraise_return(&vl, dossier).await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        let d: Value = res.json();
        assert_eq!(d["state"], "preparing");
        let events = d["events"].as_array().unwrap();
        assert_eq!(events[3]["actor"], "tinh.vinhlong");
        assert_eq!(events[3]["role"], "province_officer");
        // ...but Vĩnh Long's province officer takes no commune step of it.
        let t = token(&vl).await;
        let res = vl
            .post(&format!("/api/v1/dossiers/{dossier}/actions"))
            .add_header("x-csrf-token", t.as_str())
            .json(&json!({"action": "start_posting", "expected_seq": 4,
                          "documents": ["results_report"]}))
            .await;
        assert_eq!(res.status_code(), 403, "{}", res.text());
        // The old commune's own officer keeps its dossier; the new commune's officer takes
        // over the commune's steps.
        let old = logged_in(&app, "xa.phuongthanh").await;
        assert_eq!(
            old.get(&format!("/dossiers/{dossier}")).await.status_code(),
            200
        );
        let xa = logged_in(&app, "xa.binhphu").await;
        let t = token(&xa).await;
        let res = xa
            .post(&format!("/api/v1/dossiers/{dossier}/actions"))
            .add_header("x-csrf-token", t.as_str())
            .json(&json!({"action": "start_posting", "expected_seq": 4,
                          "documents": ["results_report"]}))
            .await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        // Another province's officer still cannot act, and nothing is written.
        let head = app.db_for_tests().audit_head().await.unwrap();
        let t = token(&other).await;
        let res = other
            .post(&format!("/api/v1/dossiers/{dossier}/actions"))
            .add_header("x-csrf-token", t.as_str())
            .json(&json!({"action": "end_posting", "expected_seq": 5}))
            .await;
        assert_eq!(res.status_code(), 403, "{}", res.text());
        assert_eq!(
            app.db_for_tests().audit_head().await.unwrap(),
            head,
            "nothing written"
        );
    }
);

ntm_testkit::both_backends!(
    a_merged_commune_sees_its_old_communes_never_the_reverse,
    |db: Db| async move {
        let app = world(db).await;
        let dossier = submitted_2024_dossier(&app).await;
        let old_scorecard = format!("/units/{OLD_COMMUNE}/scorecard?set={SET}&year=2023");
        let new_scorecard =
            format!("/units/{NEW_COMMUNE}/scorecard?set=xa-ntm-2026-2030&year=2026");

        // The new commune's officer: the old commune's values and dossiers.
        let xa = logged_in(&app, "xa.binhphu").await;
        let res = xa.get(&old_scorecard).await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        assert!(res.text().contains("Xã Phương Thạnh"));
        assert_eq!(
            xa.get(&format!("/dossiers/{dossier}")).await.status_code(),
            200
        );
        let list = xa.get(&format!("/units/{OLD_COMMUNE}/dossiers")).await;
        assert_eq!(list.status_code(), 200, "{}", list.text());
        assert!(list.text().contains(&format!("/dossiers/{dossier}")));
        // Its own page links the old communes (not itself, not the province).
        let page = xa
            .get(&format!("/units/{NEW_COMMUNE}/dossiers"))
            .await
            .text();
        assert!(page.contains("Trước sáp nhập"));
        assert!(page.contains(&format!("href=\"/units/{OLD_COMMUNE}/dossiers\"")));
        assert!(page.contains("href=\"/units/29293/scorecard\""));
        assert!(!page.contains("href=\"/units/84/dossiers\""));
        // Not the province's records, nor a commune it was not formed from.
        for url in [
            format!("/units/84/dashboard?set={SET}&year=2023"),
            "/plans/tra-vinh-2023?year=2023".to_owned(),
            format!("/units/29269/scorecard?set={SET}&year=2023"),
        ] {
            assert_eq!(xa.get(&url).await.status_code(), 403, "{url}");
        }

        // The old commune's grant reaches neither the new commune nor the province.
        let old = logged_in(&app, "xa.phuongthanh").await;
        assert_eq!(old.get(&old_scorecard).await.status_code(), 200);
        for url in [
            new_scorecard.clone(),
            format!("/units/{NEW_COMMUNE}/scorecard?set={SET}&year=2023"),
            "/units/86/dashboard?year=2026".to_owned(),
            "/units/86/dossiers".to_owned(),
            "/units/86/plans".to_owned(),
        ] {
            assert_eq!(old.get(&url).await.status_code(), 403, "{url}");
        }

        // Matrix of the rule: who may view what (200) or not (403).
        let targets = [
            old_scorecard.clone(),
            format!("/units/84/dashboard?set={SET}&year=2023"),
            new_scorecard.clone(),
            "/units/86/dashboard?year=2026".to_owned(),
            format!("/units/{UNRELATED_COMMUNE}/scorecard?set=xa-ntm-2026-2030&year=2026"),
        ];
        for (who, expected) in [
            ("tinh.vinhlong", [200, 200, 200, 200, 200]),
            ("tinh.travinh", [200, 200, 403, 403, 403]),
            ("tinh.dongthap", [403, 403, 403, 403, 403]),
            ("xa.binhphu", [200, 403, 200, 403, 403]),
            ("xa.phuongthanh", [200, 403, 403, 403, 403]),
            ("xa.canglong", [403, 403, 403, 403, 200]),
        ] {
            let s = logged_in(&app, who).await;
            for (url, want) in targets.iter().zip(expected) {
                let res = s.get(url).await;
                assert_eq!(res.status_code(), want, "{who}: {url}");
            }
        }
    }
);
