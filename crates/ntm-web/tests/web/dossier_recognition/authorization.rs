//! Who may decide, publish and revoke: the province only, whatever the API is sent.

use ntm_app::{App, Db};
use serde_json::{Value, json};

use super::{
    BASIS, SUBMISSION_DOCS, act, api_act, app, closed_campaign, dossier_audit, enter_value,
    open_dossier, review, state_of,
};
use crate::helpers::{browser, form_token, location, logged_in};

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
