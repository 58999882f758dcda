//! Login, logout, expired sessions, rate limiting and CSRF.

use ntm_app::{AppConfig, Db};

use crate::helpers::*;

ntm_testkit::both_backends!(
    login_sets_a_session_cookie_and_redirects,
    |db: Db| async move {
        let app = setup(db).await;
        let server = browser(&app);
        let html = server.get("/login").await.text();
        assert!(html.contains("<label for=\"username\">Tên đăng nhập</label>"));
        assert!(html.contains("<label for=\"password\">Mật khẩu</label>"));
        let t = form_token(&html);
        let res = server
            .post("/login")
            .form(&[
                ("_csrf", t.as_str()),
                ("username", "xa.chauthanh"),
                ("password", PASSWORD),
                ("next", "/units/29374"),
            ])
            .await;
        assert_eq!(res.status_code(), 303);
        assert_eq!(location(&res), "/units/29374");
        let cookies = set_cookies(&res);
        let session = cookies
            .iter()
            .find(|c| c.starts_with("ntm_session="))
            .expect("session cookie");
        assert!(session.contains("HttpOnly"), "{session}");
        assert!(session.contains("SameSite=Lax"), "{session}");
        assert!(session.contains("Path=/"), "{session}");
        assert!(!session.contains("Secure"), "not Secure unless configured");
        assert!(session.len() > "ntm_session=".len() + 20);

        // The header now shows who is logged in, with unit and role.
        let html = server.get("/").await.text();
        assert!(html.contains("Cán bộ xã Châu Thành"), "{html}");
        assert!(html.contains("Cán bộ cấp xã · 29374"), "{html}");
        assert!(html.contains("Đăng xuất"));
        let me: serde_json::Value = server.get("/api/v1/me").await.json();
        assert_eq!(me["username"], "xa.chauthanh");
        assert_eq!(me["grants"][0]["role"], "commune_officer");
        assert_eq!(me["grants"][0]["scope_code"], "29374");

        // `next` must be a local path: anything else goes home.
        let server = browser(&app);
        let t = token(&server).await;
        let res = server
            .post("/login")
            .form(&[
                ("_csrf", t.as_str()),
                ("username", "xem"),
                ("password", PASSWORD),
                ("next", "//evil.example/x"),
            ])
            .await;
        assert_eq!(res.status_code(), 303);
        assert_eq!(location(&res), "/");
    }
);

ntm_testkit::both_backends!(secure_cookies_when_configured, |db: Db| async move {
    let app = setup(db).await;
    let cfg = ntm_web::WebConfig {
        secure_cookies: true,
        ..Default::default()
    };
    let server = axum_test::TestServer::builder()
        .save_cookies()
        .build(ntm_web::router(app.clone(), cfg));
    let page = server.get("/login").await;
    assert!(set_cookies(&page).iter().any(|c| c.starts_with("ntm_csrf=")
        && c.contains("Secure")
        && c.contains("SameSite=Strict")));
    let t = form_token(&page.text());
    let res = server
        .post("/login")
        .form(&[
            ("_csrf", t.as_str()),
            ("username", "xem"),
            ("password", PASSWORD),
        ])
        .await;
    let cookies = set_cookies(&res);
    assert!(
        cookies
            .iter()
            .any(|c| c.starts_with("ntm_session=") && c.contains("Secure")),
        "{cookies:?}"
    );
});

ntm_testkit::both_backends!(
    wrong_password_shows_a_message_and_no_cookie,
    |db: Db| async move {
        let app = setup(db).await;
        let server = browser(&app);
        let res = login_as(&server, "xa.chauthanh", "not-the-password").await;
        assert_eq!(res.status_code(), 401);
        assert!(
            res.text()
                .contains("Tên đăng nhập hoặc mật khẩu không đúng")
        );
        assert!(
            res.text().contains("value=\"xa.chauthanh\""),
            "the username is kept"
        );
        assert!(
            !set_cookies(&res)
                .iter()
                .any(|c| c.starts_with("ntm_session="))
        );
        assert_eq!(server.get("/api/v1/me").await.status_code(), 401);

        let res = login_as(&server, "", "").await;
        assert_eq!(res.status_code(), 422);
        assert!(
            res.text()
                .contains("Vui lòng nhập tên đăng nhập và mật khẩu")
        );
    }
);

ntm_testkit::both_backends!(sixth_wrong_attempt_is_rate_limited, |db: Db| async move {
    let app = setup(db).await;
    let server = browser(&app);
    for i in 1..=5 {
        let res = login_as(&server, "admin", "wrong-password").await;
        assert_eq!(res.status_code(), 401, "attempt {i}");
    }
    let res = login_as(&server, "admin", "wrong-password").await;
    assert_eq!(res.status_code(), 429);
    let retry: u64 = res.header("retry-after").to_str().unwrap().parse().unwrap();
    assert!(retry > 0);
    let html = res.text();
    // This address waits 16 s after its fifth failure (then 32 s, 64 s…).
    assert!(html.contains("Vui lòng thử lại sau 1 phút"), "{html}");
    assert!(retry <= 16, "{retry}");
    // Even the right password waits now, from this address (another one would pass:
    // see login_limits.rs).
    let res = login_as(&server, "admin", PASSWORD).await;
    assert_eq!(res.status_code(), 429);
    assert!(
        !set_cookies(&res)
            .iter()
            .any(|c| c.starts_with("ntm_session="))
    );
});

ntm_testkit::both_backends!(
    expired_sessions_send_pages_to_login_and_api_gets_401,
    |db: Db| async move {
        let config = AppConfig {
            session_ttl: time::Duration::seconds(-1),
            ..Default::default()
        };
        let app = app_with(db, config).await;

        // Pages: redirect to the login page with expired=1, and the cookie is cleared.
        let server = logged_in(&app, "xa.chauthanh").await;
        let res = server.get("/units/86").await;
        assert_eq!(res.status_code(), 303);
        assert_eq!(location(&res), "/login?expired=1&next=%2Funits%2F86");
        assert!(
            set_cookies(&res)
                .iter()
                .any(|c| c.starts_with("ntm_session=;") && c.contains("Max-Age=0"))
        );
        let html = server
            .get("/login?expired=1&next=%2Funits%2F86")
            .await
            .text();
        assert!(html.contains("Phiên làm việc đã hết hạn"));
        assert!(
            html.contains("value=\"/units/86\""),
            "next is kept in the form"
        );
        // The cookie is gone: the site works anonymously again.
        assert_eq!(server.get("/units/86").await.status_code(), 200);

        // API: 401 problem "session expired".
        let server = logged_in(&app, "xa.chauthanh").await;
        let res = server.get("/api/v1/me").await;
        assert_eq!(res.status_code(), 401);
        assert_eq!(res.header("content-type"), "application/problem+json");
        let p: serde_json::Value = res.json();
        assert_eq!(p["status"], 401);
        assert!(p["detail"].as_str().unwrap().contains("expired"), "{p}");
        assert_eq!(p["type"], "/problems/session-expired");
    }
);

ntm_testkit::both_backends!(csrf_is_required_on_unsafe_methods, |db: Db| async move {
    let app = setup(db).await;
    let server = logged_in(&app, "xa.chauthanh").await;
    let t = form_token(&server.get("/").await.text());

    // No token in the form.
    let res = server.post("/logout").form(&[("x", "1")]).await;
    assert_eq!(res.status_code(), 403);
    assert!(
        res.text()
            .contains("Phiên biểu mẫu không hợp lệ, vui lòng tải lại trang")
    );
    // A wrong token.
    let res = server
        .post("/logout")
        .form(&[("_csrf", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")])
        .await;
    assert_eq!(res.status_code(), 403);
    // The right token, but from another site.
    let res = server
        .post("/logout")
        .add_header("origin", "https://evil.example")
        .form(&[("_csrf", t.as_str())])
        .await;
    assert_eq!(res.status_code(), 403);
    let res = server
        .post("/logout")
        .add_header("sec-fetch-site", "cross-site")
        .form(&[("_csrf", t.as_str())])
        .await;
    assert_eq!(res.status_code(), 403);
    // Still logged in after all that.
    assert_eq!(server.get("/api/v1/me").await.status_code(), 200);

    // API: the header is needed.
    let res = server
        .post(&format!("/api/v1/units/{COMMUNE}/hamlets"))
        .json(&serde_json::json!({"name": "Ấp X", "kind": "Ấp"}))
        .await;
    assert_eq!(res.status_code(), 403);
    assert_eq!(res.header("content-type"), "application/problem+json");
    let p: serde_json::Value = res.json();
    assert_eq!(p["type"], "/problems/csrf");
    assert!(p["request_id"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(
        children_codes(&server, COMMUNE).await.is_empty(),
        "nothing was added"
    );

    // A client without the CSRF cookie cannot post at all, not even to log in.
    let fresh =
        axum_test::TestServer::new(ntm_web::router(app.clone(), ntm_web::WebConfig::default()));
    let res = fresh
        .post("/login")
        .form(&[
            ("_csrf", t.as_str()),
            ("username", "admin"),
            ("password", PASSWORD),
        ])
        .await;
    assert_eq!(res.status_code(), 403);
});

ntm_testkit::both_backends!(logout_ends_the_session, |db: Db| async move {
    let app = setup(db).await;
    let server = logged_in(&app, "admin").await;
    assert_eq!(server.get("/api/v1/me").await.status_code(), 200);
    let html = server.get("/").await.text();
    assert!(html.contains("action=\"/logout\""));
    let t = form_token(&html);
    let res = server.post("/logout").form(&[("_csrf", t.as_str())]).await;
    assert_eq!(res.status_code(), 303);
    assert_eq!(location(&res), "/");
    assert!(
        set_cookies(&res)
            .iter()
            .any(|c| c.starts_with("ntm_session=;"))
    );
    assert_eq!(server.get("/api/v1/me").await.status_code(), 401);
    assert!(server.get("/").await.text().contains("Đăng nhập"));
});

ntm_testkit::both_backends!(
    body_limits_apply_with_a_larger_one_for_uploads,
    |db: Db| async move {
        let app = setup(db).await;
        let cfg = ntm_web::WebConfig {
            body_limit: 2048,
            upload_limit: 16 * 1024,
            ..Default::default()
        };
        let server = axum_test::TestServer::builder()
            .save_cookies()
            .build(ntm_web::router(app.clone(), cfg));
        let t = token(&server).await;
        let big = "x".repeat(4096);
        let res = server
            .post("/login")
            .form(&[
                ("_csrf", t.as_str()),
                ("username", big.as_str()),
                ("password", "p"),
            ])
            .await;
        assert_eq!(res.status_code(), 413);
        assert!(res.text().contains("quá"), "a readable page");

        let res = login_as(&server, "xa.chauthanh", PASSWORD).await;
        assert_eq!(res.status_code(), 303);
        let t = token(&server).await;
        // 8 KiB is over the body limit but within the upload limit.
        let mut csv = String::from("code,name,kind\n");
        for i in 0..200 {
            csv.push_str(&format!(",Ấp Số {i:03} có tên dài để tệp lớn hơn,Ấp\n"));
        }
        assert!(csv.len() > 8 * 1024 && csv.len() < 16 * 1024);
        let form = axum_test::multipart::MultipartForm::new()
            .add_text("_csrf", t.as_str())
            .add_part(
                "file",
                axum_test::multipart::Part::bytes(csv.into_bytes()).file_name("ap.csv"),
            );
        let res = server
            .post(&format!("/units/{COMMUNE}/hamlets/import"))
            .multipart(form)
            .await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
        assert_eq!(children_codes(&server, COMMUNE).await.len(), 200);

        let too_big = "code,name,kind\n".to_string() + &",Ấp Quá Lớn,Ấp\n".repeat(2000);
        let form = axum_test::multipart::MultipartForm::new()
            .add_text("_csrf", t.as_str())
            .add_part(
                "file",
                axum_test::multipart::Part::bytes(too_big.into_bytes()).file_name("ap.csv"),
            );
        let res = server
            .post(&format!("/units/{COMMUNE}/hamlets/import"))
            .multipart(form)
            .await;
        assert_eq!(res.status_code(), 413);
    }
);
