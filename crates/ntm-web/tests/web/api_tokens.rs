//! API tokens through the real router (issue 14, part 3): a machine client reads with a
//! read token, writes with a write token and no CSRF token; a read token is refused on a
//! write; expired, revoked, disabled-owner and garbage tokens get 401; pages ignore tokens;
//! the owner's scope still applies; a token never rides along a session cookie.

use axum_test::TestServer;
use ntm_app::users::tokens::{NewToken, TokenScope, api_token_hash, create_token, revoke_token};
use ntm_app::{Actor, App, Db};
use ntm_web::{WebConfig, router};
use serde_json::Value;

use crate::helpers::*;

const SET: &str = "xa-ntm-2021-2025";

/// A client without cookies (a machine client).
fn machine(app: &App) -> TestServer {
    TestServer::builder().build(router(app.clone(), WebConfig::default()))
}

pub async fn token_for(app: &App, user: &str, scope: TokenScope) -> String {
    let new = NewToken {
        username: user.into(),
        name: format!("{} token", scope.as_str()),
        scope,
        days: 90,
    };
    create_token(app, &Actor::cli(), new).await.unwrap().0
}

fn bearer(t: &str) -> String {
    format!("Bearer {t}")
}

async fn head(app: &App) -> i64 {
    app.db_for_tests().audit_head().await.unwrap().0
}

ntm_testkit::both_backends!(api_tokens_over_http, |db: Db| async move {
    let app = setup(db).await;
    let read = token_for(&app, "xa.chauthanh", TokenScope::Read).await;
    let write = token_for(&app, "xa.chauthanh", TokenScope::Write).await;
    assert!(read.starts_with("ntm_") && read.len() == 47, "{read}");
    // Only the hash is stored.
    let stored = app.db_for_tests().api_tokens(None).await.unwrap();
    assert_eq!(stored.len(), 2);
    assert!(
        stored
            .iter()
            .all(|t| t.token_hash != read && t.token_hash != write)
    );
    assert!(stored.iter().any(|t| t.token_hash == api_token_hash(&read)));
    let m = machine(&app);

    // Read with the read token: who am I, and a unit of the owner's scope.
    let res = m
        .get("/api/v1/me")
        .add_header("authorization", bearer(&read))
        .await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    assert_eq!(res.json::<Value>()["username"], "xa.chauthanh");
    let eval = |code: &str| format!("/api/v1/units/{code}/evaluation?set={SET}&year=2024");
    let res = m
        .get(&eval(COMMUNE))
        .add_header("authorization", bearer(&read))
        .await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    // The owner's grants still apply: another commune is refused.
    let res = m
        .get(&eval(OTHER_COMMUNE))
        .add_header("authorization", bearer(&read))
        .await;
    assert_eq!(res.status_code(), 403, "{}", res.text());
    // ... and an officer of another province cannot read this commune.
    add_other_province_officer(&app, "tinh.cantho").await;
    let other = token_for(&app, "tinh.cantho", TokenScope::Read).await;
    let res = m
        .get(&eval(COMMUNE))
        .add_header("authorization", bearer(&other))
        .await;
    assert_eq!(res.status_code(), 403, "{}", res.text());

    // A write with the read token: 403, nothing written.
    let hamlet = |name: &str| serde_json::json!({ "name": name, "kind": "Ấp" });
    let before = head(&app).await;
    let res = m
        .post(&format!("/api/v1/units/{COMMUNE}/hamlets"))
        .add_header("authorization", bearer(&read))
        .json(&hamlet("Ấp Đọc"))
        .await;
    assert_eq!(res.status_code(), 403, "{}", res.text());
    assert!(res.text().contains("scope read"), "{}", res.text());
    assert_eq!(head(&app).await, before);
    // The write token writes without any CSRF token or cookie.
    let res = m
        .post(&format!("/api/v1/units/{COMMUNE}/hamlets"))
        .add_header("authorization", bearer(&write))
        .json(&hamlet("Ấp Máy"))
        .await;
    assert_eq!(res.status_code(), 201, "{}", res.text());
    let entries = app.db_for_tests().audit_page(before, 1000).await.unwrap();
    assert!(
        entries.iter().any(|e| e.actor == "xa.chauthanh"),
        "audited as the owner: {entries:?}"
    );
    // last used is recorded.
    let stored = app.db_for_tests().api_tokens(None).await.unwrap();
    let w = stored
        .iter()
        .find(|t| t.token_hash == api_token_hash(&write))
        .unwrap();
    assert!(w.last_used_at.is_some());

    // A token never authenticates a page: the account page sends to the login page.
    let res = m
        .get("/account")
        .add_header("authorization", bearer(&write))
        .await;
    assert_eq!(res.status_code(), 303);
    assert!(location(&res).starts_with("/login"), "{}", location(&res));
    // With a session cookie the request is a browser request: the CSRF token is required
    // even if a token is sent too.
    let browser_session = logged_in(&app, "xa.chauthanh").await;
    let res = browser_session
        .post(&format!("/api/v1/units/{COMMUNE}/hamlets"))
        .add_header("authorization", bearer(&write))
        .json(&hamlet("Ấp Lẫn"))
        .await;
    assert_eq!(res.status_code(), 403, "{}", res.text());

    // Garbage and unknown tokens: 401 problem.
    for t in [
        "garbage".to_string(),
        format!("ntm_{}", "A".repeat(43)),
        read.replace("ntm_", "ntx_"),
    ] {
        let res = m
            .get("/api/v1/me")
            .add_header("authorization", bearer(&t))
            .await;
        assert_eq!(res.status_code(), 401, "{t}");
        assert!(
            res.header("content-type")
                .to_str()
                .unwrap()
                .contains("problem+json")
        );
    }

    // Revoked: 401 at once, and the revocation is audited.
    assert!(
        revoke_token(
            &app,
            &Actor::cli(),
            stored
                .iter()
                .find(|t| t.token_hash == api_token_hash(&read))
                .unwrap()
                .id
        )
        .await
        .unwrap()
    );
    let res = m
        .get("/api/v1/me")
        .add_header("authorization", bearer(&read))
        .await;
    assert_eq!(res.status_code(), 401);

    // Expired: 401 (a token stored with an expiry in the past).
    let expired = format!("ntm_{}", "e".repeat(43));
    let t0 = ntm_app::now();
    let mut rec = stored[0].clone();
    rec.id = uuid::Uuid::now_v7();
    rec.token_hash = api_token_hash(&expired);
    rec.expires_at = t0 - time::Duration::seconds(1);
    rec.revoked_at = None;
    rec.revoked_by = None;
    let entry = Actor::cli().audit_entry("api_token.create", "xa.chauthanh", serde_json::json!({}));
    app.db_for_tests()
        .insert_api_token(&rec, entry)
        .await
        .unwrap();
    let res = m
        .get("/api/v1/me")
        .add_header("authorization", bearer(&expired))
        .await;
    assert_eq!(res.status_code(), 401);

    // A disabled owner: the write token stops at once.
    ntm_app::users::set_active(&app, &Actor::cli(), "xa.chauthanh", false)
        .await
        .unwrap();
    let res = m
        .get("/api/v1/me")
        .add_header("authorization", bearer(&write))
        .await;
    assert_eq!(res.status_code(), 401);
    let refused = app.db_for_tests().audit_page(before, 1000).await.unwrap();
    let reasons: Vec<&str> = refused
        .iter()
        .filter(|e| e.action == "api_token.refused")
        .map(|e| e.detail.as_str())
        .collect();
    assert_eq!(
        reasons.len(),
        3,
        "revoked, expired, disabled owner: {reasons:?}"
    );

    // Repeated failures from one address: 429 before the database is asked.
    let mut last = 0;
    for _ in 0..25 {
        last = m
            .get("/api/v1/me")
            .add_header("authorization", bearer("garbage"))
            .await
            .status_code()
            .as_u16();
    }
    assert_eq!(last, 429);
});

ntm_testkit::both_backends!(openapi_declares_the_bearer_scheme, |db: Db| async move {
    let app = setup(db).await;
    let doc: Value = machine(&app).get("/api/v1/openapi.json").await.json();
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["type"], "http", "{schemes}");
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["session"]["in"], "cookie");
    let security = doc["security"].as_array().unwrap();
    assert!(
        security.iter().any(|s| s.get("bearer").is_some()),
        "{security:?}"
    );
});

ntm_testkit::both_backends!(tokens_on_the_account_and_users_pages, |db: Db| async move {
    let app = setup(db).await;
    let xa = logged_in(&app, "xa.chauthanh").await;
    let html = xa.get("/account").await.text();
    assert!(html.contains("id=\"api-tokens\""), "{html}");
    let csrf = form_token(&html);

    // A refused form keeps what was typed and writes nothing.
    let before = head(&app).await;
    let res = xa
        .post("/account/tokens")
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "Nền tảng"),
            ("scope", "write"),
            ("days", "400"),
        ])
        .await;
    assert_eq!(res.status_code(), 422);
    let html = res.text();
    assert!(
        html.contains("value=\"Nền tảng\"") && html.contains("value=\"400\""),
        "{html}"
    );
    assert!(html.contains("1 đến 365"), "{html}");
    assert_eq!(head(&app).await, before);
    // Without the CSRF token: refused.
    let res = xa
        .post("/account/tokens")
        .form(&[("name", "x"), ("scope", "read"), ("days", "30")])
        .await;
    assert_eq!(res.status_code(), 403);

    // Created: the token is shown once, in the answer (not in a URL), and works.
    let res = xa
        .post("/account/tokens")
        .form(&[
            ("_csrf", csrf.as_str()),
            ("name", "Nền tảng tỉnh"),
            ("scope", "read"),
            ("days", "30"),
        ])
        .await;
    assert_eq!(res.status_code(), 200);
    let html = res.text();
    let secret = html
        .split("<code class=\"token-secret\">")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .expect("token shown")
        .to_string();
    let m = machine(&app);
    let res = m
        .get("/api/v1/me")
        .add_header("authorization", bearer(&secret))
        .await;
    assert_eq!(res.status_code(), 200);
    let html = xa.get("/account").await.text();
    assert!(
        html.contains("Nền tảng tỉnh") && html.contains("Chỉ đọc"),
        "{html}"
    );
    assert!(!html.contains(&secret), "shown once");

    // The administrator sees it on the users page and revokes it; the token stops at once.
    let admin = logged_in(&app, "admin").await;
    let html = admin.get("/users").await.text();
    assert!(
        html.contains("id=\"users-tokens\"") && html.contains("Nền tảng tỉnh"),
        "{html}"
    );
    let id = app.db_for_tests().api_tokens(None).await.unwrap()[0].id;
    // Another commune officer cannot revoke it (unknown to them).
    let tanan = logged_in(&app, "xa.tanan").await;
    let t = form_token(&tanan.get("/account").await.text());
    let res = tanan
        .post(&format!("/account/tokens/{id}/revoke"))
        .form(&[("_csrf", t.as_str())])
        .await;
    assert_eq!(res.status_code(), 404);
    let t = form_token(&admin.get("/users").await.text());
    let res = admin
        .post(&format!("/account/tokens/{id}/revoke"))
        .form(&[("_csrf", t.as_str()), ("back", "users")])
        .await;
    assert_eq!(res.status_code(), 303);
    assert!(location(&res).starts_with("/users"));
    let res = m
        .get("/api/v1/me")
        .add_header("authorization", bearer(&secret))
        .await;
    assert_eq!(res.status_code(), 401);
    assert!(xa.get("/account").await.text().contains("Đã thu hồi"));
    // English.
    assert!(
        xa.get("/account?lang=en")
            .await
            .text()
            .contains("API tokens")
    );
});
