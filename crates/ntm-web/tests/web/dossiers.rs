//! Recognition dossiers through the API: the post-2025 chain as far as the procedure allows
//! without a survey result, out-of-order actions, stale writers and authorization.

use axum_test::TestServer;
use ntm_app::users::{GrantInput, NewUser, add_user};
use ntm_app::{Actor, App, Db};
use serde_json::{Value, json};

use crate::helpers::{COMMUNE, PASSWORD, browser, logged_in, setup, token};

const SET: &str = "xa-ntm-2021-2025";
const SUBMISSION_DOCS: [&str; 6] = [
    "submission_letter",
    "results_report",
    "comments_summary",
    "satisfaction_report",
    "meeting_minutes",
    "capital_debt_report",
];

async fn with_province_officer(db: Db) -> App {
    let app = setup(db).await;
    add_user(
        &app,
        &Actor::cli(),
        NewUser {
            username: "tinh.vinhlong".into(),
            display_name: "Cán bộ tỉnh Vĩnh Long".into(),
            password: PASSWORD.into(),
            grants: vec![GrantInput::parse("province_officer@86").unwrap()],
        },
    )
    .await
    .unwrap();
    app
}

async fn create(server: &TestServer, body: Value) -> axum_test::TestResponse {
    let t = token(server).await;
    server
        .post("/api/v1/dossiers")
        .add_header("x-csrf-token", t.as_str())
        .json(&body)
        .await
}

async fn act(server: &TestServer, id: &str, body: Value) -> axum_test::TestResponse {
    let t = token(server).await;
    server
        .post(&format!("/api/v1/dossiers/{id}/actions"))
        .add_header("x-csrf-token", t.as_str())
        .json(&body)
        .await
}

fn new_dossier() -> Value {
    json!({"unit": COMMUNE, "set": SET, "year": 2025, "date": "2026-10-01"})
}

ntm_testkit::both_backends!(dossier_post_2025_chain_over_http, |db: Db| async move {
    let app = with_province_officer(db).await;
    let xa = logged_in(&app, "xa.chauthanh").await;
    let tinh = logged_in(&app, "tinh.vinhlong").await;

    let res = create(&xa, new_dossier()).await;
    assert_eq!(res.status_code(), 201, "{}", res.text());
    let d: Value = res.json();
    assert_eq!(d["state"], "preparing");
    assert_eq!(d["period"], "from_july_2025");
    assert_eq!(d["seq"], 0);
    assert_eq!(d["unit_code"], COMMUNE);
    // `created_at` is RFC 3339, as the OpenAPI document declares (security review 8).
    let created = d["created_at"].as_str().expect("created_at");
    assert!(
        time::OffsetDateTime::parse(created, &time::format_description::well_known::Rfc3339)
            .is_ok(),
        "{created}"
    );
    let id = d["id"].as_str().unwrap().to_string();

    // Posting needs the results report.
    let res = act(
        &xa,
        &id,
        json!({"action": "start_posting", "expected_seq": 0, "date": "2026-10-01"}),
    )
    .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    assert!(res.text().contains("Báo cáo kết quả"), "{}", res.text());
    let res = act(
        &xa,
        &id,
        json!({"action": "start_posting", "expected_seq": 0, "date": "2026-10-01",
               "documents": ["results_report"]}),
    )
    .await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    assert_eq!(res.json::<Value>()["state"], "public_posting");

    // The posting lasts at least 15 days.
    let res = act(
        &xa,
        &id,
        json!({"action": "end_posting", "expected_seq": 1, "date": "2026-10-10"}),
    )
    .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let res = act(
        &xa,
        &id,
        json!({"action": "end_posting", "expected_seq": 1, "date": "2026-10-17"}),
    )
    .await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    assert_eq!(res.json::<Value>()["state"], "ready_to_submit");

    // A second officer still holding seq 1 is refused: 409, nothing written.
    let res = act(
        &xa,
        &id,
        json!({"action": "end_posting", "expected_seq": 1, "date": "2026-10-17"}),
    )
    .await;
    assert_eq!(res.status_code(), 409, "{}", res.text());

    let res = act(
        &xa,
        &id,
        json!({"action": "submit", "expected_seq": 2, "date": "2026-10-20",
               "documents": SUBMISSION_DOCS}),
    )
    .await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    let d: Value = res.json();
    assert_eq!(d["state"], "submitted");
    assert_eq!(d["submitted_on"], "2026-10-20");
    assert_eq!(d["deadline"]["step"], "appraisal");

    // From 01/07/2025 there is no district review.
    let res = act(
        &tinh,
        &id,
        json!({"action": "review", "verdict": "pass", "expected_seq": 3, "date": "2026-10-21"}),
    )
    .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    // The commune cannot appraise its own dossier.
    let res = act(
        &xa,
        &id,
        json!({"action": "appraise", "verdict": "pass", "expected_seq": 3, "date": "2026-10-21"}),
    )
    .await;
    assert_eq!(res.status_code(), 403, "{}", res.text());
    // Recognition needs the criteria met on verified data and the survey: refused.
    let res = act(
        &tinh,
        &id,
        json!({"action": "appraise", "verdict": "pass", "expected_seq": 3, "date": "2026-10-21",
               "documents": ["appraisal_report"]}),
    )
    .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    assert!(
        res.text()
            .contains("chưa đạt đầy đủ các tiêu chí trên số liệu đã xác minh"),
        "{}",
        res.text()
    );
    // A return needs a reason, then lands in preparing with it.
    let res = act(
        &tinh,
        &id,
        json!({"action": "appraise", "verdict": "return", "reason": " ", "expected_seq": 3}),
    )
    .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let res = act(
        &tinh,
        &id,
        json!({"action": "appraise", "verdict": "return", "expected_seq": 3, "date": "2026-10-22",
               "reason": "Thiếu số liệu tiêu chí 17 đã xác minh"}),
    )
    .await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    let d: Value = res.json();
    assert_eq!(d["state"], "preparing");
    assert_eq!(d["seq"], 4);
    assert_eq!(
        d["returns"][0]["reason"],
        "Thiếu số liệu tiêu chí 17 đã xác minh"
    );
    assert_eq!(d["returns"][0]["step"], "appraisal");

    // Read back: the whole history, with who acted and the documents declared.
    let d: Value = xa.get(&format!("/api/v1/dossiers/{id}")).await.json();
    let events = d["events"].as_array().unwrap();
    let actions: Vec<&str> = events
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["start_posting", "end_posting", "submit", "appraise_return"]
    );
    assert_eq!(events[3]["actor"], "tinh.vinhlong");
    assert_eq!(events[3]["role"], "province_officer");
    assert_eq!(events[3]["note"], "Thiếu số liệu tiêu chí 17 đã xác minh");
    assert_eq!(d["documents"].as_array().unwrap().len(), 6);
    assert_eq!(d["overdue"], false);

    // Listing: by unit and by the user's scope.
    let v: Value = tinh.get("/api/v1/dossiers").await.json();
    assert_eq!(v["dossiers"].as_array().unwrap().len(), 1, "{v}");
    let v: Value = xa
        .get(&format!("/api/v1/dossiers?unit={COMMUNE}"))
        .await
        .json();
    assert_eq!(v["dossiers"][0]["id"], id.as_str());
    assert_eq!(v["dossiers"][0]["state"], "preparing");

    // Every transition is in the audit log, which still verifies.
    let audit = ntm_app::audit::list(&app, &Actor::cli(), 0, 1000)
        .await
        .unwrap();
    let dossier_entries = audit
        .iter()
        .filter(|e| e.action.starts_with("dossier."))
        .count();
    assert_eq!(dossier_entries, 5);
    let report = ntm_app::audit::verify_chain(&app, &Actor::cli())
        .await
        .unwrap();
    assert!(report.ok, "{report:?}");
});

ntm_testkit::both_backends!(
    dossier_out_of_order_and_authorization,
    |db: Db| async move {
        let app = with_province_officer(db).await;
        let anon = browser(&app);
        let res = create(&anon, new_dossier()).await;
        assert_eq!(res.status_code(), 401, "{}", res.text());
        assert_eq!(res.header("content-type"), "application/problem+json");
        // Another commune's officer, a viewer and the province cannot open this commune's dossier.
        for who in ["xa.tanan", "xem", "tinh.vinhlong"] {
            let res = create(&logged_in(&app, who).await, new_dossier()).await;
            assert_eq!(res.status_code(), 403, "{who}: {}", res.text());
        }
        let xa = logged_in(&app, "xa.chauthanh").await;
        // Bad input: unknown set, a date in the future, a district dossier after 30/06/2025.
        for body in [
            json!({"unit": COMMUNE, "set": "khong-co", "year": 2025}),
            json!({"unit": COMMUNE, "set": SET, "year": 2025, "date": "2999-01-01"}),
            json!({"unit": COMMUNE, "set": SET, "year": 2025, "kind": "district_ntm"}),
        ] {
            let res = create(&xa, body.clone()).await;
            assert_eq!(res.status_code(), 422, "{body}: {}", res.text());
        }
        let res = create(&xa, new_dossier()).await;
        assert_eq!(res.status_code(), 201, "{}", res.text());
        let id = res.json::<Value>()["id"].as_str().unwrap().to_string();

        // Out of order: nothing can be submitted, appraised or decided from preparing.
        for body in [
            json!({"action": "submit", "expected_seq": 0, "documents": SUBMISSION_DOCS}),
            json!({"action": "end_posting", "expected_seq": 0}),
        ] {
            let res = act(&xa, &id, body.clone()).await;
            assert_eq!(res.status_code(), 422, "{body}: {}", res.text());
            assert!(res.text().contains("không thể"), "{}", res.text());
        }
        let tinh = logged_in(&app, "tinh.vinhlong").await;
        let res = act(
            &tinh,
            &id,
            json!({"action": "decide", "expected_seq": 0, "decision_number": "1/QĐ-UBND",
               "decision_date": "2026-10-02", "decision_signer": "Chủ tịch"}),
        )
        .await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        let res = act(
            &tinh,
            &id,
            json!({"action": "appraise", "verdict": "pass", "expected_seq": 0}),
        )
        .await;
        assert_eq!(res.status_code(), 422, "{}", res.text());

        // Acting: anonymous 401; viewer, another commune and the province (not its step) 403.
        let body = json!({"action": "start_posting", "expected_seq": 0,
                      "documents": ["results_report"]});
        let res = act(&anon, &id, body.clone()).await;
        assert_eq!(res.status_code(), 401, "{}", res.text());
        for who in ["xem", "xa.tanan", "tinh.vinhlong"] {
            let res = act(&logged_in(&app, who).await, &id, body.clone()).await;
            assert_eq!(res.status_code(), 403, "{who}: {}", res.text());
        }
        // Reading: anonymous 401, another commune 403; the viewer (whole country) may read.
        let res = anon.get(&format!("/api/v1/dossiers/{id}")).await;
        assert_eq!(res.status_code(), 401);
        let res = anon.get("/api/v1/dossiers").await;
        assert_eq!(res.status_code(), 401);
        let other = logged_in(&app, "xa.tanan").await;
        let res = other.get(&format!("/api/v1/dossiers/{id}")).await;
        assert_eq!(res.status_code(), 403, "{}", res.text());
        let res = other.get(&format!("/api/v1/dossiers?unit={COMMUNE}")).await;
        assert_eq!(res.status_code(), 403, "{}", res.text());
        let v: Value = other.get("/api/v1/dossiers").await.json();
        assert!(v["dossiers"].as_array().unwrap().is_empty(), "{v}");
        let xem = logged_in(&app, "xem").await;
        let res = xem.get(&format!("/api/v1/dossiers/{id}")).await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        let res = xem.get("/api/v1/dossiers/not-a-uuid").await;
        assert_eq!(res.status_code(), 404);

        // Nothing of the refused actions was written.
        let d: Value = xa.get(&format!("/api/v1/dossiers/{id}")).await.json();
        assert_eq!(d["seq"], 0);
        assert!(d["events"].as_array().unwrap().is_empty());
        // And the commune's own officer can still act.
        let res = act(&xa, &id, body).await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
    }
);

ntm_testkit::both_backends!(
    dossier_pre_2025_chain_and_the_boundary,
    |db: Db| async move {
        let app = with_province_officer(db).await;
        add_user(
            &app,
            &Actor::cli(),
            NewUser {
                username: "huyen.chauthanh".into(),
                display_name: "Cán bộ huyện Châu Thành".into(),
                password: PASSWORD.into(),
                grants: vec![GrantInput::parse("district_officer@847").unwrap()],
            },
        )
        .await
        .unwrap();
        let xa = logged_in(&app, "xa.chauthanh").await;
        let huyen = logged_in(&app, "huyen.chauthanh").await;
        let tinh = logged_in(&app, "tinh.vinhlong").await;

        // Two dossiers dated before 01/07/2025: the district reviews.
        let mut ids = Vec::new();
        for (start, end, submit) in [
            ("2025-03-01", "2025-03-17", "2025-03-20"),
            ("2025-06-01", "2025-06-17", "2025-06-20"),
        ] {
            let res = create(
                &xa,
                json!({"unit": COMMUNE, "set": SET, "year": 2024, "date": start}),
            )
            .await;
            assert_eq!(res.status_code(), 201, "{}", res.text());
            let d: Value = res.json();
            assert_eq!(d["period"], "until_june_2025");
            let id = d["id"].as_str().unwrap().to_string();
            for (seq, body) in [
                json!({"action": "start_posting", "date": start, "documents": ["results_report"]}),
                json!({"action": "end_posting", "date": end}),
                json!({"action": "submit", "date": submit, "documents": SUBMISSION_DOCS}),
            ]
            .into_iter()
            .enumerate()
            {
                let mut body = body;
                body["expected_seq"] = json!(seq);
                let res = act(&xa, &id, body).await;
                assert_eq!(res.status_code(), 200, "{}", res.text());
            }
            ids.push(id);
        }

        // The province cannot appraise before the district's review.
        let res = act(
            &tinh,
            &ids[0],
            json!({"action": "appraise", "verdict": "return", "reason": "x", "expected_seq": 3,
               "date": "2025-03-25"}),
        )
        .await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        // Only the district officer reviews; with its report it passes.
        let review = json!({"action": "review", "verdict": "pass", "expected_seq": 3,
                        "date": "2025-04-01", "documents": ["review_report"]});
        let res = act(&tinh, &ids[0], review.clone()).await;
        assert_eq!(res.status_code(), 403, "{}", res.text());
        let res = act(&huyen, &ids[0], review).await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        assert_eq!(res.json::<Value>()["state"], "reviewed");

        // The second one still waits for review on 01/07/2025: the district can no longer act,
        // the province appraises it directly (here: returns it), with a note saying so.
        let res = act(
            &huyen,
            &ids[1],
            json!({"action": "review", "verdict": "pass", "expected_seq": 3, "date": "2025-07-05",
               "documents": ["review_report"]}),
        )
        .await;
        assert_eq!(res.status_code(), 422, "{}", res.text());
        let res = act(
            &tinh,
            &ids[1],
            json!({"action": "appraise", "verdict": "return", "reason": "Bổ sung hồ sơ",
               "expected_seq": 3, "date": "2025-07-06"}),
        )
        .await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        let d: Value = res.json();
        assert_eq!(d["state"], "preparing");
        let note = d["events"][3]["note"].as_str().unwrap();
        assert!(
            note.contains("Bổ sung hồ sơ") && note.contains("01/07/2025"),
            "{note}"
        );

        // The district officer sees the dossiers of its (former) communes.
        let v: Value = huyen.get("/api/v1/dossiers").await.json();
        assert_eq!(v["dossiers"].as_array().unwrap().len(), 2, "{v}");
        // So does today's province (the communes are under Vĩnh Long since 01/07/2025).
        let v: Value = tinh.get("/api/v1/dossiers").await.json();
        assert_eq!(v["dossiers"].as_array().unwrap().len(), 2, "{v}");
        let v: Value = tinh.get("/api/v1/dossiers?unit=86").await.json();
        assert_eq!(v["dossiers"].as_array().unwrap().len(), 2, "{v}");
    }
);
