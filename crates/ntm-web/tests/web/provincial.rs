//! Provincial criteria sets through the API: upload as YAML or JSON, list, permissions,
//! problems listed as `file:line`.

use axum_test::TestServer;
use ntm_app::users::{GrantInput, NewUser, add_user};
use ntm_app::{Actor, Db};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, browser, logged_in, setup, token};

const URL: &str = "/api/v1/provinces/86/criteria-sets";

fn yaml(value: u32) -> String {
    format!(
        r#"format: ntm-criteria/1
kind: criteria_set
id: xa-ntm-vinh-long-2021-2025
version: "2022"
extends: xa-ntm-2021-2025
level: commune
category: provincial_set
title_vi: "Bộ tiêu chí xã nông thôn mới tỉnh Vĩnh Long giai đoạn 2021 - 2025"
valid_from: "2022-07-01"
valid_to: 2025
completeness: partial
sources:
  QD_VL: {{doc: "Quyết định của UBND tỉnh Vĩnh Long (ví dụ kiểm thử)", what: "tiêu chí 3"}}
overrides:
  - code: "3.1"
    threshold: {{op: ">=", value: {value}}}
    provenance: sourced
    sources: [QD_VL]
"#
    )
}

async fn put_yaml(server: &TestServer, body: &str) -> axum_test::TestResponse {
    let t = token(server).await;
    server
        .put(URL)
        .add_header("x-csrf-token", t.as_str())
        .add_header("content-type", "text/yaml")
        .add_header("x-file-name", "vinh-long.yaml")
        .bytes(body.to_string().into_bytes().into())
        .await
}

ntm_testkit::both_backends!(provincial_sets_api, |db: Db| async move {
    let app = setup(db).await;
    add_user(
        &app,
        &Actor::cli(),
        NewUser {
            username: "tinh.vl".into(),
            display_name: "Cán bộ tỉnh Vĩnh Long".into(),
            password: PASSWORD.into(),
            grants: vec![GrantInput::parse("province_officer@86").unwrap()],
        },
    )
    .await
    .unwrap();

    // 401 anonymous (read and write), 403 for a commune officer.
    let anon = browser(&app);
    assert_eq!(anon.get(URL).await.status_code(), 401);
    let res = put_yaml(&anon, &yaml(90)).await;
    assert_eq!(res.status_code(), 401, "{}", res.text());
    let commune = logged_in(&app, "xa.chauthanh").await;
    let res = put_yaml(&commune, &yaml(90)).await;
    assert_eq!(res.status_code(), 403, "{}", res.text());
    assert_eq!(res.header("content-type"), "application/problem+json");

    let officer = logged_in(&app, "tinh.vl").await;
    // A looser threshold and a typo: 422 listing each problem with file:line.
    let res = put_yaml(&officer, &yaml(70)).await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let v: Value = res.json();
    let errors = v["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(
            |e| e["field"].as_str().unwrap().starts_with("vinh-long.yaml:")
                && e["message"].as_str().unwrap().contains("stricter")
        ),
        "{v}"
    );
    let res = put_yaml(&officer, &yaml(90).replace("valid_to:", "valid_too:")).await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let v: Value = res.json();
    assert!(
        v["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "vinh-long.yaml:10: valid_too"),
        "{v}"
    );
    // Neither YAML nor JSON.
    let t = token(&officer).await;
    let res = officer
        .put(URL)
        .add_header("x-csrf-token", t.as_str())
        .add_header("content-type", "text/plain")
        .bytes(yaml(90).into_bytes().into())
        .await;
    assert_eq!(res.status_code(), 415, "{}", res.text());

    // Stored: 201 with the set, as YAML and then as JSON (a new active version).
    let res = put_yaml(&officer, &yaml(90)).await;
    assert_eq!(res.status_code(), 201, "{}", res.text());
    let v: Value = res.json();
    assert_eq!(v["set_id"], "xa-ntm-vinh-long-2021-2025");
    assert_eq!(v["extends"], "xa-ntm-2021-2025");
    assert_eq!(v["file_name"], "vinh-long.yaml");
    assert_eq!(v["uploaded_by"], "tinh.vl");
    assert_eq!(v["active"], true);
    assert_eq!(v["thresholds"], json!([{"code": "3.1", "confirmed": true}]));

    let t = token(&officer).await;
    let res = officer
        .put(URL)
        .add_header("x-csrf-token", t.as_str())
        .json(&json!({"file_name": "vinh-long-2.yaml", "yaml": yaml(95)}))
        .await;
    assert_eq!(res.status_code(), 201, "{}", res.text());

    let res = officer.get(URL).await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    let v: Value = res.json();
    let sets = v["sets"].as_array().unwrap();
    assert_eq!(sets.len(), 2, "{v}");
    assert_eq!(sets[0]["file_name"], "vinh-long-2.yaml");
    assert_eq!(sets[0]["active"], true);
    assert_eq!(sets[1]["active"], false);

    // The upload is in the audit log.
    let entries = app.db_for_tests().audit_page(0, 10_000).await.unwrap();
    let uploads: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "criteria_set.upload")
        .collect();
    assert_eq!(uploads.len(), 2);
    assert!(
        uploads
            .iter()
            .all(|e| e.actor == "tinh.vl" && e.target == "province:86")
    );

    // The OpenAPI document describes the endpoints.
    let doc: Value = browser(&app).get("/api/v1/openapi.json").await.json();
    assert!(
        doc["paths"]["/api/v1/provinces/{code}/criteria-sets"]["put"].is_object(),
        "{}",
        doc["paths"]
    );
});
