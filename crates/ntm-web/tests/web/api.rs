//! The JSON API and its OpenAPI document.

use ntm_app::Db;

use crate::helpers::*;

ntm_testkit::both_backends!(api_unit_on_dates_with_parent_chain, |db: Db| async move {
    let app = setup(db).await;
    let server = browser(&app);

    let res = server
        .get("/api/v1/units/29281")
        .add_query_param("date", "2024-01-01")
        .await;
    assert_eq!(res.status_code(), 200);
    let v: serde_json::Value = res.json();
    assert_eq!(v["date"], "2024-01-01");
    assert_eq!(v["unit"]["name"], "Xã Tân An");
    assert_eq!(v["unit"]["level"], "commune");
    assert_eq!(v["unit"]["valid_to"], "2025-07-01");
    assert_eq!(
        v["unit"]["region_confirmed"], false,
        "the region table is not yet sourced"
    );
    assert_eq!(v["unit"]["region"], "DBSCL");
    let chain: Vec<&str> = v["ancestors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    assert_eq!(chain, ["84", "844"]);
    assert_eq!(v["successors"][0]["unit"]["code"], "29278");
    assert_eq!(v["successors"][0]["kind"], "merge");
    assert_eq!(v["successors"][0]["effective"], "2025-07-01");

    let v: serde_json::Value = server.get("/api/v1/units/29278").await.json();
    assert_eq!(v["unit"]["name"], "Xã Tân An");
    assert_eq!(v["unit"]["valid_from"], "2025-07-01");
    let chain: Vec<&str> = v["ancestors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    assert_eq!(chain, ["86"]);
    let mut from: Vec<&str> = v["predecessors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["unit"]["code"].as_str().unwrap())
        .collect();
    from.sort();
    assert_eq!(from, ["29278", "29281"]);
    assert_eq!(v["versions"].as_array().unwrap().len(), 2);

    let v: serde_json::Value = server
        .get("/api/v1/units/84")
        .add_query_param("date", "2024-01-01")
        .await
        .json();
    let children: Vec<&str> = v["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(children, ["844", "847"]);
});

ntm_testkit::both_backends!(api_errors_are_problem_details, |db: Db| async move {
    let app = setup(db).await;
    let server = browser(&app);

    let res = server.get("/api/v1/units/99999").await;
    assert_eq!(res.status_code(), 404);
    assert_eq!(res.header("content-type"), "application/problem+json");
    let id = res.header("x-request-id").to_str().unwrap().to_string();
    let p: serde_json::Value = res.json();
    assert_eq!(p["status"], 404);
    assert_eq!(p["type"], "/problems/not-found");
    assert_eq!(p["instance"], "/api/v1/units/99999");
    assert_eq!(p["request_id"], id.as_str());
    assert!(p["title"].is_string() && p["detail"].is_string());

    let res = server
        .get("/api/v1/units/84")
        .add_query_param("date", "2024-02-30")
        .await;
    assert_eq!(res.status_code(), 422);
    let p: serde_json::Value = res.json();
    assert_eq!(p["errors"][0]["field"], "date");

    let res = server
        .get("/api/v1/units")
        .add_query_param("limit", "0")
        .await;
    assert_eq!(res.status_code(), 422);
    assert_eq!(
        res.json::<serde_json::Value>()["errors"][0]["field"],
        "limit"
    );

    let res = server
        .get("/api/v1/units")
        .add_query_param("limit", "many")
        .await;
    assert_eq!(res.status_code(), 400);
    assert_eq!(res.header("content-type"), "application/problem+json");

    let res = server.get("/api/v1/nothing-here").await;
    assert_eq!(res.status_code(), 404);
    assert_eq!(res.header("content-type"), "application/problem+json");

    let res = server
        .delete("/api/v1/units/84")
        .add_header("x-csrf-token", "x")
        .await;
    assert!(
        matches!(res.status_code().as_u16(), 403 | 405),
        "{}",
        res.status_code()
    );
});

ntm_testkit::both_backends!(api_lists_and_searches_units, |db: Db| async move {
    let app = setup(db).await;
    let server = browser(&app);

    let v: serde_json::Value = server.get("/api/v1/units").await.json();
    let names: Vec<&str> = v["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Tỉnh Vĩnh Long"]);

    let v: serde_json::Value = server
        .get("/api/v1/units")
        .add_query_param("date", "2024-01-01")
        .await
        .json();
    assert_eq!(v["units"].as_array().unwrap().len(), 2);
    assert_eq!(v["date"], "2024-01-01");

    let v: serde_json::Value = server
        .get("/api/v1/units")
        .add_query_param("q", "cang long")
        .add_query_param("date", "2024-01-01")
        .await
        .json();
    let names: Vec<&str> = v["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Huyện Càng Long", "Thị trấn Càng Long"]);

    let v: serde_json::Value = server
        .get("/api/v1/units")
        .add_query_param("q", "29374")
        .await
        .json();
    assert_eq!(v["units"][0]["name"], "Xã Châu Thành");

    assert_eq!(server.get("/api/v1/me").await.status_code(), 401);
});

ntm_testkit::both_backends!(openapi_document_lists_the_api, |db: Db| async move {
    let app = setup(db).await;
    let server = browser(&app);
    let res = server.get("/api/v1/openapi.json").await;
    assert_eq!(res.status_code(), 200);
    let doc: serde_json::Value = res.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/v1/units",
        "/api/v1/units/{code}",
        "/api/v1/units/{code}/hamlets",
        "/api/v1/me",
        "/api/v1/audit/verify",
    ] {
        assert!(paths.contains_key(p), "missing {p}: {:?}", paths.keys());
    }
    assert!(paths["/api/v1/units/{code}/hamlets"]["post"].is_object());
    assert!(doc["components"]["schemas"]["UnitDetailDto"].is_object());
    assert!(doc["components"]["schemas"]["Problem"].is_object());

    let res = server.get("/api/v1/docs").await;
    assert_eq!(res.status_code(), 200);
    let html = res.text();
    assert!(html.contains("<code>/api/v1/units/{code}</code>"), "{html}");
    assert!(html.contains("One unit on a date"));
    assert!(html.contains("<code>date</code>"));
    // The docs are plain HTML: the only script is the embedded htmx of every page (no
    // inline script, nothing from another host).
    assert_eq!(
        html.matches("<script").count(),
        html.matches("<script src=\"/assets/vendor/htmx-").count(),
        "no script on the docs page but the embedded htmx"
    );
});
