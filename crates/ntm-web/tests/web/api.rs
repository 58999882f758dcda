//! The JSON API and its OpenAPI document.

use ntm_app::surveys::{self, CampaignInput, NewCampaign};
use ntm_app::{Actor, Db};
use ntm_domain::dossier::campaign::Questionnaire;
use serde_json::json;

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
        "/api/v1/dossiers/{id}/pdf",
        "/api/v1/surveys/{code}/results",
    ] {
        assert!(paths.contains_key(p), "missing {p}: {:?}", paths.keys());
    }
    let pdf = &paths["/api/v1/dossiers/{id}/pdf"]["get"]["responses"];
    assert!(
        pdf["200"]["content"]["application/pdf"].is_object(),
        "{pdf}"
    );
    for status in ["401", "403", "404"] {
        assert!(
            pdf[status]["content"]["application/problem+json"].is_object(),
            "{status}: {pdf}"
        );
    }
    let results = &paths["/api/v1/surveys/{code}/results"]["get"]["responses"];
    assert!(results["200"]["content"]["application/json"].is_object());
    for status in ["401", "403", "404"] {
        assert!(results[status].is_object(), "{status}: {results}");
    }
    assert!(doc["components"]["schemas"]["SurveyResultsDto"].is_object());
    for nested in [
        "ContentTallyDto",
        "CoverageDto",
        "CommuneResultDto",
        "MinCommuneContentDto",
        "MinCommuneContentUnknownDto",
        "CoverageRuleDto",
    ] {
        assert!(doc["components"]["schemas"][nested].is_object(), "{nested}");
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

/// The paths registered on a router in the crate's source: the string literal that opens
/// a `.route(`, `.route_service(`, `.nest(` or `.nest_service(` call (comment lines skipped),
/// with the file it is in.
pub(crate) fn routes_in_source() -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut out = Vec::new();
    for file in files {
        let code: String = std::fs::read_to_string(&file)
            .unwrap()
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let name = file.strip_prefix(&src).unwrap().display().to_string();
        for call in [".route(", ".route_service(", ".nest(", ".nest_service("] {
            for (at, _) in code.match_indices(call) {
                let rest = code[at + call.len()..].trim_start();
                let Some(rest) = rest.strip_prefix('"') else {
                    continue;
                };
                let path = &rest[..rest.find('"').unwrap()];
                out.push((format!("{name}: {call}"), path.to_string()));
            }
        }
    }
    out
}

/// Every `/api` route the router serves is described in the OpenAPI document: the routes are
/// read from the source, so a route added outside the OpenAPI router (`api::router`, with
/// `routes!` and `#[utoipa::path]`) fails here. Only the document and its HTML page are not
/// in the document itself.
#[test]
fn openapi_document_has_every_api_route() {
    let (_, doc) = ntm_web::api::router().split_for_parts();
    let doc = serde_json::to_value(&doc).unwrap();
    let documented: Vec<&str> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for p in &documented {
        assert!(
            p.starts_with("/api/v1/"),
            "documented path outside /api/v1: {p}"
        );
    }

    let routes = routes_in_source();
    // The scan sees the page routes (it reads the source it should).
    for page in [
        "/health",
        "/units/{code}/plans",
        "/s/{code}",
        "/dossiers/{id}/pdf",
    ] {
        assert!(
            routes.iter().any(|(_, p)| p == page),
            "the source scan missed {page}: {routes:?}"
        );
    }
    let undocumented: Vec<String> = routes
        .iter()
        .filter(|(_, p)| p.starts_with("/api"))
        .filter(|(_, p)| !["/api/v1/openapi.json", "/api/v1/docs"].contains(&p.as_str()))
        .filter(|(call, p)| call.contains(".nest") || !documented.contains(&p.as_str()))
        .map(|(call, p)| format!("{call}\"{p}\""))
        .collect();
    assert!(
        undocumented.is_empty(),
        "API routes outside the OpenAPI document (register them in api::router with \
         routes! and #[utoipa::path]): {undocumented:?}"
    );

    // The API routes known today, so that one dropped from the router is noticed too.
    for p in [
        "/api/v1/units",
        "/api/v1/units/{code}",
        "/api/v1/units/{code}/hamlets",
        "/api/v1/units/{code}/evaluation",
        "/api/v1/units/{code}/gaps",
        "/api/v1/units/{code}/observations",
        "/api/v1/units/{code}/observations/status",
        "/api/v1/criteria-sets",
        "/api/v1/provinces/{code}/criteria-sets",
        "/api/v1/dossiers",
        "/api/v1/dossiers/{id}",
        "/api/v1/dossiers/{id}/actions",
        "/api/v1/dossiers/{id}/pdf",
        "/api/v1/surveys/{code}/results",
        "/api/v1/me",
        "/api/v1/audit/verify",
    ] {
        assert!(documented.contains(&p), "missing {p}: {documented:?}");
    }
}

fn keys(v: &serde_json::Value) -> Vec<&str> {
    let mut k: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    k.sort_unstable();
    k
}

// The survey results (`GET /api/v1/surveys/{code}/results`, typed since it joined the
// OpenAPI document) keep the fields and values they had as hand-built JSON.
ntm_testkit::both_backends!(api_survey_results_fields, |db: Db| async move {
    let app = setup(db).await;
    let now = ntm_app::now();
    let input = CampaignInput {
        title: "Lấy ý kiến".into(),
        questionnaire: Questionnaire::suggested(),
        opens_at: now + time::Duration::days(1),
        closes_at: now + time::Duration::days(8),
    };
    let new = NewCampaign {
        unit_code: COMMUNE.into(),
        set_id: "xa-ntm-2021-2025".into(),
        year: 2025,
        input,
    };
    let c = surveys::create(&app, &Actor::cli(), new).await.unwrap();
    let api = format!("/api/v1/surveys/{}/results", c.code);
    assert_eq!(browser(&app).get(&api).await.status_code(), 401);
    let res = logged_in(&app, "xa.chauthanh").await.get(&api).await;
    assert_eq!(res.status_code(), 200);
    assert_eq!(res.header("content-type"), "application/json");
    let v: serde_json::Value = res.json();
    assert_eq!(
        keys(&v),
        [
            "closes_at",
            "code",
            "communes",
            "content_totals",
            "contents",
            "coverage",
            "coverage_rules",
            "hamlets",
            "households",
            "households_total_entered",
            "min_commune_content",
            "min_commune_content_unknown",
            "opens_at",
            "phase",
            "set",
            "status",
            "title",
            "tokens_issued",
            "tokens_used",
            "total",
            "unit",
            "year"
        ]
    );
    assert_eq!(v["code"], c.code.as_str());
    assert_eq!(v["unit"], COMMUNE);
    assert_eq!(v["set"], "xa-ntm-2021-2025");
    assert_eq!(v["year"], 2025);
    assert_eq!(v["status"], "draft");
    assert_eq!(v["phase"], "not_yet_open");
    let opens = v["opens_at"].as_str().unwrap();
    let rfc3339 = &time::format_description::well_known::Rfc3339;
    let opens = time::OffsetDateTime::parse(opens, rfc3339).unwrap();
    assert!((opens - c.opens_at).abs() < time::Duration::seconds(1));
    assert_eq!(v["tokens_issued"], 0);
    assert_eq!(
        keys(&v["total"]),
        [
            "invalid",
            "not_satisfied",
            "rate_display",
            "rate_hundredths_of_percent",
            "satisfied",
            "valid"
        ]
    );
    assert_eq!(v["total"]["valid"], 0);
    assert!(v["total"]["rate_hundredths_of_percent"].is_null());
    assert_eq!(v["total"]["rate_display"], "–");
    assert!(v["hamlets"].is_array());
    // No contents by default, nothing entered: the new fields say so.
    assert_eq!(v["contents"], json!([]));
    assert_eq!(v["content_totals"], json!([]));
    assert!(v["households"].is_null());
    assert!(v["households_total_entered"].is_null());
    assert_eq!(
        v["coverage"],
        json!({"responses": 0, "households": null, "share_tenths_of_percent": null,
               "share_display": "–"})
    );
    assert_eq!(v["coverage_rules"], json!([]));
    assert!(v["min_commune_content"].is_null());
    assert_eq!(v["min_commune_content_unknown"]["reason"], "no_contents");
    assert_eq!(
        v["communes"],
        json!([{"code": COMMUNE, "name": "Xã Châu Thành", "content_tallies": []}])
    );
});

// The results with contents answered and households entered: per content, per hamlet, per
// commune, the share of households and the lowest commune × content rate (known for a
// commune campaign; unknown, with the commune and content, for a district campaign whose
// commune has no answer).
ntm_testkit::both_backends!(
    api_survey_results_contents_and_households,
    |db: Db| async move {
        let app = setup(db).await;
        let h = add_two_hamlets(&app).await;
        let (h1, h2) = (h[0].as_str(), h[1].as_str());
        // Ấp 1: 4 forms (one invalid), Ấp 2: 1 form; a blank content cell is not counted.
        let code = closed_campaign_with_contents(
            &app,
            COMMUNE,
            "xa-ntm-2021-2025",
            2025,
            &[
                (h1, "1", "1", "1"),
                (h1, "1", "1", "0"),
                (h1, "0", "0", ""),
                (h1, "-", "", ""),
                (h2, "1", "1", "1"),
            ],
        )
        .await;
        // Households entered for Ấp 1 only.
        surveys::set_households(&app, &Actor::cli(), &code, &[(h1.into(), Some(10))], None)
            .await
            .unwrap();
        let api = format!("/api/v1/surveys/{code}/results");
        // Anonymous, another commune's officer and a viewer may not read it.
        assert_eq!(browser(&app).get(&api).await.status_code(), 401);
        for who in ["xa.tanan", "xem"] {
            let res = logged_in(&app, who).await.get(&api).await;
            assert_eq!(res.status_code(), 403, "{who}");
        }
        let res = logged_in(&app, "xa.chauthanh").await.get(&api).await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        let v: serde_json::Value = res.json();
        assert_eq!(v["contents"], json!(["Giao thông", "Môi trường"]));
        assert_eq!(
            v["total"],
            json!({"satisfied": 3, "not_satisfied": 1, "invalid": 1, "valid": 4,
                   "rate_hundredths_of_percent": 7500, "rate_display": "75,00 %"})
        );
        assert_eq!(
            v["content_totals"],
            json!([
                {"content": "Giao thông", "satisfied": 3, "not_satisfied": 1, "valid": 4,
                 "rate_hundredths_of_percent": 7500, "rate_display": "75,00 %"},
                {"content": "Môi trường", "satisfied": 2, "not_satisfied": 1, "valid": 3,
                 "rate_hundredths_of_percent": 6667, "rate_display": "66,67 %"},
            ])
        );
        // Households: Ấp 1 entered (10), so the campaign has 10; 5 forms returned = 50,0 %.
        assert_eq!(v["households"], 10);
        assert!(v["households_total_entered"].is_null());
        assert_eq!(
            v["coverage"],
            json!({"responses": 5, "households": 10, "share_tenths_of_percent": 500,
                   "share_display": "50,0 %"})
        );
        assert_eq!(v["coverage_rules"], json!([]));
        let hamlets = v["hamlets"].as_array().unwrap();
        assert_eq!(hamlets.len(), 2);
        let a1 = hamlets.iter().find(|x| x["code"] == h1).unwrap();
        assert_eq!(
            keys(a1),
            [
                "code",
                "content_tallies",
                "coverage",
                "households",
                "name",
                "tally",
                "tokens_issued",
                "tokens_used"
            ]
        );
        assert_eq!(a1["households"], 10);
        assert_eq!(a1["coverage"]["share_display"], "40,0 %");
        assert_eq!(a1["coverage"]["share_tenths_of_percent"], 400);
        assert_eq!(a1["content_tallies"][0]["rate_display"], "66,67 %");
        assert_eq!(a1["content_tallies"][1]["satisfied"], 1);
        assert_eq!(a1["content_tallies"][1]["valid"], 2);
        let a2 = hamlets.iter().find(|x| x["code"] == h2).unwrap();
        assert!(a2["households"].is_null());
        assert!(a2["coverage"]["share_tenths_of_percent"].is_null());
        assert_eq!(a2["coverage"]["share_display"], "–");
        assert_eq!(a2["content_tallies"][1]["rate_display"], "100,00 %");
        // A commune campaign is one commune: its lowest content is Môi trường.
        assert_eq!(v["communes"].as_array().unwrap().len(), 1);
        assert_eq!(v["communes"][0]["code"], COMMUNE);
        assert_eq!(
            v["communes"][0]["content_tallies"][1]["rate_display"],
            "66,67 %"
        );
        assert_eq!(
            v["min_commune_content"],
            json!({"commune": COMMUNE, "commune_name": "Xã Châu Thành",
                   "content": "Môi trường", "satisfied": 2, "valid": 3,
                   "rate_hundredths_of_percent": 6667, "rate_display": "66,67 %"})
        );
        assert!(v["min_commune_content_unknown"].is_null());

        // A district campaign (Huyện Châu Thành, its communes as areas) without answers from
        // Hòa Minh (29410): the lowest commune × content rate is unknown, and why.
        let code = closed_campaign_with_contents(
            &app,
            "847",
            "huyen-ntm-2021-2025",
            2024,
            &[
                ("29374", "1", "1", "1"),
                ("29377", "1", "1", "0"),
                ("29377", "1", "0", "1"),
            ],
        )
        .await;
        let res = logged_in(&app, "admin")
            .await
            .get(&format!("/api/v1/surveys/{code}/results"))
            .await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        let v: serde_json::Value = res.json();
        let communes: Vec<&str> = v["communes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["code"].as_str().unwrap())
            .collect();
        assert_eq!(communes, ["29374", "29377", "29410"]);
        assert_eq!(
            v["communes"][1]["content_tallies"][0],
            json!({"content": "Giao thông", "satisfied": 1, "not_satisfied": 1, "valid": 2,
                   "rate_hundredths_of_percent": 5000, "rate_display": "50,00 %"})
        );
        assert_eq!(v["communes"][2]["content_tallies"][0]["valid"], 0);
        assert!(v["min_commune_content"].is_null());
        let why = &v["min_commune_content_unknown"];
        assert_eq!(why["reason"], "no_valid_answer");
        assert_eq!(why["commune"], "29410");
        assert_eq!(why["content"], "Giao thông");
        assert!(
            why["message"]
                .as_str()
                .unwrap()
                .ends_with("(29410) chưa có phiếu hợp lệ cho nội dung «Giao thông»."),
            "{why}"
        );
        assert!(v["households"].is_null());
        assert_eq!(v["coverage"]["responses"], 3);
    }
);
