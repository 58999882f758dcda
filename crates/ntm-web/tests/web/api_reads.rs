//! The API's reads of plans, periodic reports, survey campaigns and criteria-set versions
//! (issue 14, part 3), called the way a machine client calls them: a bearer token, no
//! cookie, no CSRF token. Data as the use cases give it, keyset pages followed to the end,
//! the owner's scope (an officer outside the unit gets 403), a read token refused on a
//! write, and the audit entry of a token's write naming the token (a session's does not).

use axum_test::TestServer;
use ntm_app::users::tokens::{TokenScope, api_token_hash};
use ntm_app::{Actor, App, Db};
use ntm_web::{WebConfig, router};
use serde_json::Value;

use crate::api_tokens::token_for;
use crate::helpers::*;

const SET: &str = "xa-ntm-2021-2025";
const PLAN: &str = "tra-vinh-2023";

/// A machine client: no cookies.
fn machine(app: &App) -> TestServer {
    TestServer::builder().build(router(app.clone(), WebConfig::default()))
}

/// GET with a bearer token: (status, JSON body or null).
async fn get(m: &TestServer, token: &str, path: &str) -> (u16, Value) {
    let res = m
        .get(path)
        .add_header("authorization", format!("Bearer {token}"))
        .await;
    let status = res.status_code().as_u16();
    let body = serde_json::from_str(&res.text()).unwrap_or(Value::Null);
    if status >= 400 {
        assert_eq!(
            res.header("content-type"),
            "application/problem+json",
            "{path}: errors are problem details"
        );
    }
    (status, body)
}

fn strs(v: &Value, key: &str) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x[key].as_str().unwrap().to_string())
        .collect()
}

ntm_testkit::both_backends!(api_reads_plans_and_reports, |db: Db| async move {
    let app = setup(db).await;
    add_other_province_officer(&app, "tinh.cantho").await;
    let admin = token_for(&app, "admin", TokenScope::Read).await;
    let xa = token_for(&app, "xa.chauthanh", TokenScope::Read).await;
    let tanan = token_for(&app, "xa.tanan", TokenScope::Read).await;
    let cantho = token_for(&app, "tinh.cantho", TokenScope::Read).await;
    let m = machine(&app);

    // Plans of Trà Vinh (84): its own, not Hồ Chí Minh's.
    let (s, list) = get(&m, &admin, "/api/v1/units/84/plans").await;
    assert_eq!(s, 200, "{list}");
    let ids = strs(&list["plans"], "id");
    assert!(ids.contains(&PLAN.to_string()), "{ids:?}");
    assert!(ids.contains(&"tra-vinh-2021-2025".to_string()), "{ids:?}");
    assert!(!ids.iter().any(|i| i.starts_with("hcm")), "{ids:?}");
    let plan = list["plans"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == PLAN)
        .unwrap();
    assert_eq!(plan["province"], "84");
    assert!(plan["citation"].as_str().unwrap().contains("Trà Vinh"));
    // The commune officer reads the plans of the commune's province (today's); another
    // province's officer does not read Trà Vinh's, nor another commune's officer this one's.
    let (s, own) = get(&m, &xa, &format!("/api/v1/units/{COMMUNE}/plans")).await;
    assert_eq!(s, 200, "{own}");
    // (Today the commune lies in Vĩnh Long, 86, which ships no plan of its own.)
    assert!(own["plans"].is_array(), "{own}");
    assert_eq!(get(&m, &cantho, "/api/v1/units/84/plans").await.0, 403);
    assert_eq!(
        get(&m, &tanan, &format!("/api/v1/units/{COMMUNE}/plans"))
            .await
            .0,
        403
    );
    assert_eq!(get(&m, &admin, "/api/v1/units/99999/plans").await.0, 404);

    // A plan's targets for 2023, as the dashboard computes them.
    let (s, p) = get(&m, &admin, &format!("/api/v1/plans/{PLAN}?year=2023")).await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["year"], 2023);
    assert_eq!(p["unit_code"], "84");
    assert_eq!(p["as_of"], "2023-12-31");
    let expected = ntm_app::plans::plan_progress(&app, &Actor::cli(), PLAN, 2023, None)
        .await
        .unwrap();
    let codes = strs(&p["targets"], "code");
    let want: Vec<String> = expected.targets.iter().map(|t| t.code.clone()).collect();
    assert_eq!(codes, want);
    assert!(codes.contains(&"1a-huyen".to_string()), "{codes:?}");
    assert_eq!(
        p["targets"].as_array().unwrap().len(),
        plan["targets"].as_u64().unwrap() as usize
    );
    for (t, e) in p["targets"]
        .as_array()
        .unwrap()
        .iter()
        .zip(&expected.targets)
    {
        assert_eq!(t["status"], e.status.as_str(), "{t}");
        assert_eq!(t["actual_display"], e.actual_display.as_str());
        assert_eq!(t["target_display"], e.target_display.as_str());
    }
    // Without a year: this year within the plan's years.
    let (s, d) = get(&m, &admin, &format!("/api/v1/plans/{PLAN}")).await;
    assert_eq!(s, 200, "{d}");
    let years: Vec<i64> = plan["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y.as_i64().unwrap())
        .collect();
    assert!(years.contains(&d["year"].as_i64().unwrap()), "{d}");
    // The commune's own figures for its officer; the province's are not theirs, nor is the
    // commune another officer's.
    let (s, c) = get(
        &m,
        &xa,
        &format!("/api/v1/plans/{PLAN}?year=2023&unit={COMMUNE}"),
    )
    .await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["unit_code"], COMMUNE);
    assert_eq!(
        get(&m, &xa, &format!("/api/v1/plans/{PLAN}?year=2023"))
            .await
            .0,
        403
    );
    assert_eq!(
        get(
            &m,
            &tanan,
            &format!("/api/v1/plans/{PLAN}?year=2023&unit={COMMUNE}")
        )
        .await
        .0,
        403
    );
    assert_eq!(get(&m, &admin, "/api/v1/plans/khong-co").await.0, 404);
    assert_eq!(
        get(&m, &admin, &format!("/api/v1/plans/{PLAN}?year=1800"))
            .await
            .0,
        422
    );
    assert_eq!(
        get(&m, &admin, &format!("/api/v1/plans/{PLAN}?year=abc"))
            .await
            .0,
        400
    );

    // A periodic report of district 847.
    let id = ntm_app::reports::open(
        &app,
        &Actor::cli(),
        &ntm_app::reports::ReportKey {
            unit_code: "847".into(),
            plan_id: PLAN.into(),
            kind: ntm_domain::reports::PeriodKind::Annual,
            year: 2023,
        },
    )
    .await
    .unwrap();
    let (s, r) = get(&m, &admin, "/api/v1/units/847/reports").await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["unit"]["code"], "847");
    let own = r["own"].as_array().unwrap();
    let opened: Vec<&Value> = own
        .iter()
        .filter(|p| p["report_id"] == id.to_string())
        .collect();
    assert_eq!(opened.len(), 1, "{r}");
    assert_eq!(opened[0]["plan"], PLAN);
    assert_eq!(opened[0]["kind"], "annual");
    assert_eq!(opened[0]["year"], 2023);
    assert_eq!(opened[0]["state"], "draft");
    // Periods not opened yet have no report.
    assert!(own.iter().any(|p| p["report_id"].is_null()), "{r}");
    let (s, one) = get(&m, &admin, &format!("/api/v1/reports/{id}")).await;
    assert_eq!(s, 200, "{one}");
    assert_eq!(one["id"], id.to_string());
    assert_eq!(one["unit"]["code"], "847");
    assert_eq!(one["parent"]["code"], "84");
    assert_eq!(one["state"], "draft");
    assert_eq!(one["figures_are_snapshot"], false);
    assert_eq!(one["versions"][0]["action"], "create");
    assert!(!one["figures"].as_array().unwrap().is_empty(), "{one}");
    // A commune officer does not read the district's reports; nor does another province.
    assert_eq!(get(&m, &xa, &format!("/api/v1/reports/{id}")).await.0, 403);
    assert_eq!(get(&m, &xa, "/api/v1/units/847/reports").await.0, 403);
    assert_eq!(
        get(&m, &cantho, &format!("/api/v1/reports/{id}")).await.0,
        403
    );
    assert_eq!(
        get(
            &m,
            &admin,
            &format!("/api/v1/reports/{}", uuid::Uuid::now_v7())
        )
        .await
        .0,
        404
    );
    assert_eq!(
        get(&m, &admin, "/api/v1/reports/khong-phai-id").await.0,
        404
    );
    // Without a token or session: 401.
    assert_eq!(
        m.get(&format!("/api/v1/reports/{id}")).await.status_code(),
        401
    );
    assert_eq!(m.get("/api/v1/units/84/plans").await.status_code(), 401);
});

ntm_testkit::both_backends!(api_reads_survey_campaigns, |db: Db| async move {
    let app = setup(db).await;
    let h = add_two_hamlets(&app).await;
    let (h1, h2) = (h[0].as_str(), h[1].as_str());
    let xa = token_for(&app, "xa.chauthanh", TokenScope::Read).await;
    let tanan = token_for(&app, "xa.tanan", TokenScope::Read).await;
    let viewer = token_for(&app, "xem", TokenScope::Read).await;
    let m = machine(&app);
    // Three campaigns; the first answered on paper and closed.
    let answered = closed_campaign_with_contents(
        &app,
        COMMUNE,
        SET,
        2025,
        &[
            (h1, "1", "1", "1"),
            (h1, "0", "0", ""),
            (h1, "-", "", ""),
            (h2, "1", "1", "1"),
        ],
    )
    .await;
    let mut codes = vec![answered.clone()];
    for n in 2..=3 {
        codes.push(
            closed_campaign_with_contents(&app, COMMUNE, SET, 2025, &[(h2, "1", "1", "1")]).await,
        );
        let _ = n;
    }

    // Pages of two, newest first, followed to the end.
    let mut seen = Vec::new();
    let mut next = Some(format!("/api/v1/units/{COMMUNE}/surveys?limit=2"));
    let mut pages = 0;
    while let Some(path) = next {
        let (s, page) = get(&m, &xa, &path).await;
        assert_eq!(s, 200, "{path}: {page}");
        assert!(page["campaigns"].as_array().unwrap().len() <= 2);
        seen.extend(strs(&page["campaigns"], "code"));
        next = page["next"].as_str().map(str::to_string);
        pages += 1;
    }
    assert_eq!(pages, 2);
    let mut newest_first = codes.clone();
    newest_first.reverse();
    assert_eq!(seen, newest_first);
    // A whole page, and a bad key or limit.
    let (_, all) = get(&m, &xa, &format!("/api/v1/units/{COMMUNE}/surveys")).await;
    assert_eq!(all["campaigns"].as_array().unwrap().len(), 3);
    assert!(all["next"].is_null());
    assert_eq!(all["campaigns"][0]["status"], "closed");
    assert_eq!(all["campaigns"][0]["unit"], COMMUNE);
    assert_eq!(all["campaigns"][0]["contents"][0], "Giao thông");
    for bad in ["limit=0", "limit=201", "after=khong-phai-id"] {
        let (s, _) = get(&m, &xa, &format!("/api/v1/units/{COMMUNE}/surveys?{bad}")).await;
        assert_eq!(s, 422, "{bad}");
    }

    // One campaign: status, dates and totals only.
    let (s, c) = get(&m, &xa, &format!("/api/v1/surveys/{answered}")).await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["campaign"]["code"], answered);
    assert_eq!(c["campaign"]["status"], "closed");
    assert_eq!(c["responses"], 4);
    assert_eq!(c["valid"], 3);
    assert_eq!(c["satisfied"], 2);
    assert_eq!(c["invalid"], 1);
    assert_eq!(c["areas"], 2);
    assert_eq!(c["results"], format!("/api/v1/surveys/{answered}/results"));
    let mut keys: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "areas",
            "campaign",
            "households",
            "invalid",
            "responses",
            "results",
            "satisfied",
            "tokens_issued",
            "tokens_used",
            "valid"
        ],
        "nothing that could tie an answer to a slip or a phone"
    );

    // Outside the commune, or a viewer (who does not run surveys): 403; unknown: 404.
    assert_eq!(
        get(&m, &tanan, &format!("/api/v1/surveys/{answered}"))
            .await
            .0,
        403
    );
    assert_eq!(
        get(&m, &tanan, &format!("/api/v1/units/{COMMUNE}/surveys"))
            .await
            .0,
        403
    );
    assert_eq!(
        get(&m, &viewer, &format!("/api/v1/units/{COMMUNE}/surveys"))
            .await
            .0,
        403
    );
    assert_eq!(get(&m, &xa, "/api/v1/surveys/ZZZZZZ").await.0, 404);
});

ntm_testkit::both_backends!(api_reads_criteria_set_versions, |db: Db| async move {
    let app = setup(db).await;
    add_other_province_officer(&app, "tinh.cantho").await;
    let admin = token_for(&app, "admin", TokenScope::Read).await;
    let xa = token_for(&app, "xa.chauthanh", TokenScope::Read).await;
    let cantho = token_for(&app, "tinh.cantho", TokenScope::Read).await;
    let m = machine(&app);

    // National scope: the shipped versions of the set, one per page, followed to the end.
    let shipped: Vec<String> = app
        .catalog
        .versions(SET)
        .map(|s| s.version.clone())
        .collect();
    assert!(shipped.len() >= 2, "{shipped:?}");
    let mut seen = Vec::new();
    let mut next = Some(format!("/api/v1/criteria-sets/{SET}/versions?limit=1"));
    while let Some(path) = next {
        let (s, page) = get(&m, &xa, &path).await;
        assert_eq!(s, 200, "{path}: {page}");
        assert_eq!(page["scope"], "national");
        for v in page["versions"].as_array().unwrap() {
            assert_eq!(v["source"], "shipped");
            seen.push(v.clone());
        }
        next = page["next"].as_str().map(str::to_string);
    }
    assert_eq!(seen.len(), shipped.len());
    let mut labels: Vec<String> = seen
        .iter()
        .map(|v| v["version"].as_str().unwrap().to_string())
        .collect();
    labels.sort();
    let mut want = shipped.clone();
    want.sort();
    assert_eq!(labels, want);
    // One version: its content agrees with its summary, thresholds with provenance.
    let v = &seen[seen.len() - 1];
    let (s, d) = get(&m, &xa, v["href"].as_str().unwrap()).await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["version"]["version"], v["version"]);
    assert!(d["authored"].is_null());
    let criteria = d["criteria"].as_array().unwrap();
    assert_eq!(criteria.len() as u64, v["criteria"].as_u64().unwrap());
    let thresholds: Vec<&Value> = d["preconditions"]
        .as_array()
        .unwrap()
        .iter()
        .chain(
            criteria
                .iter()
                .flat_map(|c| c["indicators"].as_array().unwrap()),
        )
        .flat_map(|i| i["thresholds"].as_array().unwrap())
        .filter(|t| !(t["missing"] == true && t["applies_to"] == "general"))
        .collect();
    let confirmed = thresholds.iter().filter(|t| t["confirmed"] == true).count();
    assert_eq!(
        confirmed as u64,
        v["confirmed_thresholds"].as_u64().unwrap()
    );
    assert!(
        thresholds
            .iter()
            .all(|t| t["confirmed"] == false || t["provenance"] == "sourced")
    );
    // The shipped version is public reference data, like its YAML export.
    assert_eq!(m.get(v["href"].as_str().unwrap()).await.status_code(), 200);
    assert_eq!(
        get(
            &m,
            &xa,
            &format!("/api/v1/criteria-sets/{SET}/versions/1999")
        )
        .await
        .0,
        404
    );

    // A provincial draft of Vĩnh Long (86): for whoever may read the province.
    let draft = ntm_app::criteria_sets::versions::create_version(
        &app,
        &Actor::cli(),
        "86",
        ntm_app::criteria_sets::versions::Source::Shipped {
            set_id: SET.into(),
            version: "2024".into(),
        },
        &ntm_app::criteria_sets::versions::NewVersion {
            set_id: "xa-vinh-long-api".into(),
            label: "2026".into(),
            title_vi: "Bộ tiêu chí xã (thử API)".into(),
            valid_from: String::new(),
            valid_to: String::new(),
        },
    )
    .await
    .unwrap();
    let path = "/api/v1/criteria-sets/xa-vinh-long-api/versions?scope=86";
    let (s, p) = get(&m, &admin, path).await;
    assert_eq!(s, 200, "{p}");
    let vs = p["versions"].as_array().unwrap();
    assert_eq!(vs.len(), 1, "{p}");
    assert_eq!(vs[0]["source"], "authored");
    assert_eq!(vs[0]["status"], "draft");
    assert_eq!(vs[0]["id"], draft.id.to_string());
    assert_eq!(
        vs[0]["thresholds"].as_u64().unwrap() as usize,
        draft.thresholds
    );
    let (s, d) = get(
        &m,
        &admin,
        &format!("/api/v1/criteria-versions/{}", draft.id),
    )
    .await;
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["authored"]["revision"], draft.revision);
    assert_eq!(d["version"]["scope"], "86");
    // Another province's officer, and a commune officer (no view of the whole province).
    assert_eq!(get(&m, &cantho, path).await.0, 403);
    assert_eq!(get(&m, &xa, path).await.0, 403);
    assert_eq!(
        get(
            &m,
            &cantho,
            &format!("/api/v1/criteria-versions/{}", draft.id)
        )
        .await
        .0,
        403
    );
    assert_eq!(
        get(&m, &admin, "/api/v1/criteria-sets/khong-co/versions")
            .await
            .0,
        404
    );
    assert_eq!(
        get(
            &m,
            &admin,
            &format!("/api/v1/criteria-sets/{SET}/versions?after=x")
        )
        .await
        .0,
        422
    );
});

ntm_testkit::both_backends!(api_token_writes_name_the_token, |db: Db| async move {
    let app = setup(db).await;
    let read = token_for(&app, "xa.chauthanh", TokenScope::Read).await;
    let write = token_for(&app, "xa.chauthanh", TokenScope::Write).await;
    let stored = app.db_for_tests().api_tokens(None).await.unwrap();
    let rec = stored
        .iter()
        .find(|t| t.token_hash == api_token_hash(&write))
        .unwrap();
    let m = machine(&app);
    let hamlet = |name: &str| serde_json::json!({ "name": name, "kind": "Ấp" });
    let head = app.db_for_tests().audit_head().await.unwrap().0;

    // A read token writes nothing.
    let res = m
        .post(&format!("/api/v1/units/{COMMUNE}/hamlets"))
        .add_header("authorization", format!("Bearer {read}"))
        .json(&hamlet("Ấp Đọc"))
        .await;
    assert_eq!(res.status_code(), 403, "{}", res.text());
    assert_eq!(app.db_for_tests().audit_head().await.unwrap().0, head);

    // A write token's write: its entry names the token (id and name), never the secret.
    let res = m
        .post(&format!("/api/v1/units/{COMMUNE}/hamlets"))
        .add_header("authorization", format!("Bearer {write}"))
        .json(&hamlet("Ấp Máy"))
        .await;
    assert_eq!(res.status_code(), 201, "{}", res.text());
    let entries = app.db_for_tests().audit_page(head, 1000).await.unwrap();
    let e = entries
        .iter()
        .find(|e| e.actor == "xa.chauthanh" && e.action == "units.hamlets.add")
        .unwrap_or_else(|| panic!("the write's entry: {entries:?}"));
    let d: Value = serde_json::from_str(&e.detail).unwrap();
    assert_eq!(d["api_token"]["id"], rec.id.to_string(), "{d}");
    assert_eq!(d["api_token"]["name"], rec.name.as_str());
    assert!(!e.detail.contains(&write), "never the secret");
    assert!(!e.detail.contains(&rec.token_hash));

    // The same write from a session names no token.
    let session = logged_in(&app, "xa.chauthanh").await;
    let head = app.db_for_tests().audit_head().await.unwrap().0;
    let t = token(&session).await;
    let res = session
        .post(&format!("/api/v1/units/{COMMUNE}/hamlets"))
        .add_header("x-csrf-token", t.as_str())
        .json(&hamlet("Ấp Phiên"))
        .await;
    assert_eq!(res.status_code(), 201, "{}", res.text());
    let entries = app.db_for_tests().audit_page(head, 1000).await.unwrap();
    let e = entries
        .iter()
        .find(|e| e.action == "units.hamlets.add")
        .unwrap_or_else(|| panic!("the write's entry: {entries:?}"));
    assert_eq!(e.actor, "xa.chauthanh");
    assert!(!e.detail.contains("api_token"), "{}", e.detail);

    // The chain still verifies.
    let admin = logged_in(&app, "admin").await;
    let verify = admin.get("/api/v1/audit/verify").await;
    assert_eq!(verify.json::<Value>()["ok"], true, "{}", verify.text());
});
