//! Security review, finding 8: cookies were `Secure` only with a flag that was off by
//! default and no `Strict-Transport-Security` was sent; the CSRF token was not bound to the
//! session (a token planted in the `ntm_csrf` cookie was accepted with any session).

use axum_extra::extract::cookie::Cookie;
use axum_test::TestServer;
use ntm_app::Db;
use ntm_web::{WebConfig, router};

use crate::helpers::*;

fn server_with(app: &ntm_app::App, cfg: WebConfig) -> TestServer {
    TestServer::builder()
        .save_cookies()
        .build(router(app.clone(), cfg))
}

fn hsts(res: &axum_test::TestResponse) -> Option<String> {
    res.maybe_header("strict-transport-security")
        .map(|v| v.to_str().unwrap_or_default().to_string())
}

/// Logs in on `server` and returns the `Set-Cookie` headers of the login answer.
async fn login_cookies(server: &TestServer, username: &str) -> Vec<String> {
    let res = login_as(server, username, PASSWORD).await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    set_cookies(&res)
}

fn all_secure(cookies: &[String]) -> bool {
    !cookies.is_empty() && cookies.iter().all(|c| c.contains("; Secure"))
}

fn none_secure(cookies: &[String]) -> bool {
    !cookies.is_empty() && cookies.iter().all(|c| !c.contains("Secure"))
}

ntm_testkit::both_backends!(
    cookies_are_secure_and_hsts_sent_when_served_over_https,
    |db: Db| async move {
        let app = setup(db).await;

        // An https:// public address: every cookie Secure, HSTS on pages and assets.
        let https = server_with(
            &app,
            WebConfig {
                base_url: Some("https://ntm.travinh.gov.vn".into()),
                ..WebConfig::default()
            },
        );
        let page = https.get("/login").await;
        assert!(all_secure(&set_cookies(&page)), "{:?}", set_cookies(&page));
        assert_eq!(hsts(&page).as_deref(), Some("max-age=31536000"));
        assert!(hsts(&https.get("/health").await).is_some());
        let cookies = login_cookies(&https, "xem").await;
        assert!(
            cookies.iter().any(|c| c.starts_with("ntm_session=")) && all_secure(&cookies),
            "{cookies:?}"
        );
        let out = https
            .post("/logout")
            .form(&[("_csrf", token(&https).await)])
            .await;
        assert!(all_secure(&set_cookies(&out)), "{:?}", set_cookies(&out));
        let lang = https.get("/?lang=en").await;
        assert!(all_secure(&set_cookies(&lang)), "{:?}", set_cookies(&lang));

        // Plain HTTP without a base URL (local use): no Secure, no HSTS.
        let plain = browser(&app);
        let page = plain.get("/login").await;
        assert!(none_secure(&set_cookies(&page)));
        assert_eq!(hsts(&page), None);
        assert!(none_secure(&login_cookies(&plain, "xem").await));

        // Behind a trusted proxy: its X-Forwarded-Proto decides, per request; a client's own
        // "https" before the proxy's "http" does not count, nor does the header untrusted.
        let proxied = server_with(
            &app,
            WebConfig {
                trust_forwarded_for: true,
                ..WebConfig::default()
            },
        );
        let res = proxied
            .get("/login")
            .add_header("x-forwarded-proto", "https")
            .await;
        assert!(all_secure(&set_cookies(&res)));
        assert!(hsts(&res).is_some());
        let res = proxied
            .get("/login")
            .add_header("x-forwarded-proto", "https, http")
            .clear_cookies()
            .await;
        assert!(none_secure(&set_cookies(&res)), "{:?}", set_cookies(&res));
        assert_eq!(hsts(&res), None);
        let untrusted = browser(&app);
        let res = untrusted
            .get("/login")
            .add_header("x-forwarded-proto", "https")
            .await;
        assert!(none_secure(&set_cookies(&res)));
        assert_eq!(hsts(&res), None);

        // The explicit opt-out for plain-HTTP development wins over the base URL.
        let dev = server_with(
            &app,
            WebConfig {
                base_url: Some("https://ntm.travinh.gov.vn".into()),
                insecure_http: true,
                ..WebConfig::default()
            },
        );
        let page = dev.get("/login").await;
        assert!(none_secure(&set_cookies(&page)));
        assert_eq!(hsts(&page), None);
    }
);

ntm_testkit::both_backends!(
    a_csrf_token_from_another_session_is_refused,
    |db: Db| async move {
        let app = setup(db).await;
        // Session A (the attacker's own account) and its token.
        let a = logged_in(&app, "xem").await;
        let token_a = token(&a).await;
        // Session B (the victim).
        let mut b = logged_in(&app, "xa.chauthanh").await;
        let token_b = token(&b).await;
        assert_ne!(token_a, token_b);
        let before = app.db_for_tests().audit_head().await.unwrap();

        // A's token planted in B's `ntm_csrf` cookie and sent in the form (double submit
        // alone accepted it): refused, nothing written.
        b.add_cookie(Cookie::new("ntm_csrf", token_a.clone()));
        let res = b
            .post("/account/email")
            .form(&[("_csrf", token_a.as_str()), ("email", "ke-gian@example.vn")])
            .await;
        assert_eq!(res.status_code(), 403, "{}", res.text());
        // The answer puts B's own token back in B's cookie.
        assert_eq!(res.cookie("ntm_csrf").value(), token_b);
        b.add_cookie(Cookie::new("ntm_csrf", token_a.clone()));
        let res = b
            .post("/api/v1/units/29374/hamlets")
            .add_header("x-csrf-token", token_a.as_str())
            .json(&serde_json::json!({"name": "Ấp giả", "kind": "Ấp"}))
            .await;
        assert_eq!(res.status_code(), 403, "{}", res.text());
        assert_eq!(app.db_for_tests().audit_head().await.unwrap(), before);
        assert!(
            !b.get("/account")
                .await
                .text()
                .contains("ke-gian@example.vn")
        );

        // B's own token works.
        let res = b
            .post("/account/email")
            .form(&[("_csrf", token_b.as_str()), ("email", "xa@example.vn")])
            .await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
        assert!(b.get("/account").await.text().contains("xa@example.vn"));

        // The token changes with the session: after logging out and in again the old one
        // is refused.
        let res = b.post("/logout").form(&[("_csrf", token_b.as_str())]).await;
        assert_eq!(res.status_code(), 303);
        let again = login_as(&b, "xa.chauthanh", PASSWORD).await;
        assert_eq!(again.status_code(), 303);
        b.add_cookie(Cookie::new("ntm_csrf", token_b.clone()));
        let res = b
            .post("/account/email")
            .form(&[("_csrf", token_b.as_str()), ("email", "cu@example.vn")])
            .await;
        assert_eq!(res.status_code(), 403, "{}", res.text());
        // Anonymous forms keep the double-submit token: logging in worked above, and a
        // wrong password is answered, not refused as a forgery.
        let anon = browser(&app);
        assert_eq!(
            login_as(&anon, "xem", "sai-mat-khau").await.status_code(),
            401
        );
    }
);
