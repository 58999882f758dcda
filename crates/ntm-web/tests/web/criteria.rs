//! Criteria sets, indicator values and evaluations through the API.

use axum_test::TestServer;
use ntm_app::Db;
use serde_json::{Value, json};

use crate::helpers::{COMMUNE, browser, logged_in, setup, token};

const SET: &str = "xa-ntm-2021-2025";

async fn put(server: &TestServer, body: Value) -> axum_test::TestResponse {
    let t = token(server).await;
    server
        .put(&format!("/api/v1/units/{COMMUNE}/observations"))
        .add_header("x-csrf-token", t.as_str())
        .json(&body)
        .await
}

async fn status(server: &TestServer, status: &str) -> axum_test::TestResponse {
    let t = token(server).await;
    server
        .post(&format!("/api/v1/units/{COMMUNE}/observations/status"))
        .add_header("x-csrf-token", t.as_str())
        .json(&json!({"set": SET, "year": 2024, "status": status}))
        .await
}

fn good() -> Value {
    json!({
        "set": SET,
        "year": 2024,
        "note": "Biên bản kiểm tra",
        "values": [
            {"code": "1.1", "value": "Đạt"},
            {"code": "2.1", "value": "85 %"},
        ],
    })
}

ntm_testkit::both_backends!(observations_need_the_right_officer, |db: Db| async move {
    let app = setup(db).await;

    // Sets are public.
    let res = browser(&app).get("/api/v1/criteria-sets").await;
    assert_eq!(res.status_code(), 200);
    let v: Value = res.json();
    assert!(
        v["sets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["id"] == SET && s["level"] == "commune"),
        "{v}"
    );

    // Anonymous 401, viewer and another commune's officer 403.
    let res = put(&browser(&app), good()).await;
    assert_eq!(res.status_code(), 401, "{}", res.text());
    assert_eq!(res.header("content-type"), "application/problem+json");
    for who in ["xem", "xa.tanan"] {
        let res = put(&logged_in(&app, who).await, good()).await;
        assert_eq!(res.status_code(), 403, "{who}: {}", res.text());
    }

    // Bad input: 422 listing every bad row; nothing written.
    let officer = logged_in(&app, "xa.chauthanh").await;
    let res = put(
        &officer,
        json!({
            "set": SET,
            "year": 2024,
            "values": [
                {"code": "1.1", "value": "Đạt"},
                {"code": "2.1", "value": "nhiều"},
                {"code": "2.2", "value": "140 %"},
                {"code": "99.9", "value": "1"},
            ],
        }),
    )
    .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let p: Value = res.json();
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["values[1] (2.1)", "values[2] (2.2)", "values[3] (99.9)"],
        "{p}"
    );
    let res = put(
        &officer,
        json!({"set": SET, "year": 2031, "values": [{"code": "1.1", "value": "Đạt"}]}),
    )
    .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    assert!(res.text().contains("2031"), "{}", res.text());

    // The right officer: 200, version 1; a stale write 409; naming the version works.
    let res = put(&officer, good()).await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    let v: Value = res.json();
    assert_eq!(v["observations"].as_array().unwrap().len(), 2);
    assert_eq!(v["observations"][1]["version"], 1);
    assert_eq!(v["observations"][1]["status"], "draft");
    assert_eq!(v["observations"][1]["created_by"], "xa.chauthanh");
    let res = put(&officer, good()).await;
    assert_eq!(res.status_code(), 409, "{}", res.text());
    let res = put(
        &officer,
        json!({"set": SET, "year": 2024, "note": "Biên bản kiểm tra", "values": [{"code": "2.1", "value": "90", "expected_version": 1}]}),
    )
    .await;
    assert_eq!(res.status_code(), 200, "{}", res.text());

    // Without the CSRF header: refused.
    let res = officer
        .put(&format!("/api/v1/units/{COMMUNE}/observations"))
        .json(&good())
        .await;
    assert_eq!(res.status_code(), 403);

    // Submit (the commune officer), verify (not the commune officer; the admin may).
    let res = status(&officer, "submitted").await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    let v: Value = res.json();
    assert_eq!(v["observations"].as_array().unwrap().len(), 2);
    assert_eq!(v["observations"][0]["status"], "submitted");
    assert_eq!(status(&officer, "verified").await.status_code(), 403);
    assert_eq!(status(&officer, "approved").await.status_code(), 422);
    let res = status(&logged_in(&app, "admin").await, "verified").await;
    assert_eq!(res.status_code(), 200, "{}", res.text());

    // Evaluation of the commune, and the district's roll-up: for logged-in users whose
    // scope covers the unit (values include drafts), not for anonymous visitors.
    let res = browser(&app)
        .get(&format!(
            "/api/v1/units/{COMMUNE}/evaluation?set={SET}&year=2024"
        ))
        .await;
    assert_eq!(res.status_code(), 401, "{}", res.text());
    let res = browser(&app)
        .get(&format!("/api/v1/units/{COMMUNE}/gaps?set={SET}&year=2024"))
        .await;
    assert_eq!(res.status_code(), 401, "{}", res.text());
    let anon = logged_in(&app, "xem").await;
    let res = anon
        .get(&format!(
            "/api/v1/units/{COMMUNE}/evaluation?set={SET}&year=2024"
        ))
        .await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    let e: Value = res.json();
    assert_eq!(e["units_on"], "2024-12-31");
    assert_eq!(e["result"]["criteria_total"], 19);
    // Provisional counts beside the confirmed ones.
    let met = e["result"]["criteria_met"].as_u64().unwrap();
    let t = e["result"]["criteria_met_tentative"].as_u64().unwrap();
    let nks = e["result"]["criteria_no_known_shortfall"].as_u64().unwrap();
    assert!(nks >= t && t >= met, "{e}");
    assert!(e["result"]["no_known_shortfall"].is_boolean());
    assert!(e["result"]["criteria"][0]["no_known_shortfall"].is_boolean());
    let i = e["result"]["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "2.1")
        .unwrap();
    assert_eq!((&i["value"], &i["version"]), (&json!("90"), &json!(4)));
    assert_eq!(i["value_status"], "verified");
    let res = anon
        .get(&format!("/api/v1/units/847/evaluation?set={SET}&year=2024"))
        .await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    let e: Value = res.json();
    assert!(e["result"].is_null());
    assert_eq!(e["rollup"]["units"], 3, "{e}");
    assert_eq!(e["rollup"]["children"][0]["code"], COMMUNE);
    assert!(e["rollup"]["no_known_shortfall"].as_u64().unwrap() <= 3);
    assert!(e["rollup"]["avg_criteria_no_known_shortfall"].is_number());
    assert_eq!(
        e["rollup"]["buckets_no_known_shortfall"]
            .as_array()
            .unwrap()
            .len(),
        e["rollup"]["buckets"].as_array().unwrap().len()
    );
    assert!(e["rollup"]["children"][0]["criteria_no_known_shortfall"].is_number());
    let res = anon
        .get(&format!("/api/v1/units/{COMMUNE}/gaps?set={SET}&year=2024"))
        .await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    let res = anon
        .get(&format!(
            "/api/v1/units/{COMMUNE}/evaluation?set={SET}&year=2031"
        ))
        .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let res = anon
        .get(&format!(
            "/api/v1/units/{COMMUNE}/evaluation?set=khong-co&year=2024"
        ))
        .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());

    // In the OpenAPI document.
    let doc: Value = anon.get("/api/v1/openapi.json").await.json();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths["/api/v1/criteria-sets"]["get"].is_object());
    assert!(paths["/api/v1/units/{code}/evaluation"]["get"].is_object());
    let schemas = &doc["components"]["schemas"];
    assert!(schemas["RollupDto"]["properties"]["no_known_shortfall"].is_object());
    assert!(schemas["UnitResultDto"]["properties"]["criteria_no_known_shortfall"].is_object());
    assert!(paths["/api/v1/units/{code}/observations"]["put"].is_object());
    assert!(paths["/api/v1/units/{code}/gaps"]["get"].is_object());
    assert!(paths["/api/v1/units/{code}/observations/status"]["post"].is_object());
});
