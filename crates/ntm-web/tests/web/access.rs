//! The users page and the account page's password and sessions (issue 14, finding 5),
//! through the real router: who may see and act, CSRF, disabling ends sessions at once,
//! roles added and removed, a password change ends the other sessions.

use ntm_app::Db;

use crate::helpers::*;

/// Posts a form with the page's CSRF token.
async fn post(
    server: &axum_test::TestServer,
    page: &str,
    url: &str,
    fields: &[(&str, &str)],
) -> axum_test::TestResponse {
    let t = form_token(&server.get(page).await.text());
    let mut form: Vec<(&str, &str)> = vec![("_csrf", t.as_str())];
    form.extend_from_slice(fields);
    server.post(url).form(&form).await
}

async fn is_logged_in(server: &axum_test::TestServer) -> bool {
    server.get("/account").await.status_code() == 200
}

ntm_testkit::both_backends!(users_page_takes_access_away, |db: Db| async move {
    let app = setup(db).await;
    let admin = logged_in(&app, "admin").await;
    let xa = logged_in(&app, "xa.chauthanh").await;

    // Who sees the page: the admin (nav entry), not a commune officer, not anonymous.
    let html = admin.get("/").await.text();
    assert!(html.contains("href=\"/users\""), "nav entry");
    let html = admin.get("/users").await.text();
    assert!(
        html.contains("id=\"user-xa.chauthanh\"") && html.contains("Cán bộ cấp xã · 29374"),
        "{html}"
    );
    assert!(!xa.get("/").await.text().contains("href=\"/users\""));
    assert_eq!(xa.get("/users").await.status_code(), 403);
    let anon = browser(&app);
    let res = anon.get("/users").await;
    assert_eq!(res.status_code(), 303);
    assert!(location(&res).starts_with("/login"));
    // A commune officer cannot disable anyone, even with a valid form token.
    let res = post(
        &xa,
        "/account",
        "/users/xa.tanan/active",
        &[("active", "0")],
    )
    .await;
    assert_eq!(res.status_code(), 403);
    // No CSRF token: refused, nothing changed.
    let res = admin
        .post("/users/xa.chauthanh/active")
        .form(&[("active", "0")])
        .await;
    assert_eq!(res.status_code(), 403);
    assert!(is_logged_in(&xa).await);

    // Disabling ends the user's session at once; the page says so.
    let res = post(
        &admin,
        "/users",
        "/users/xa.chauthanh/active",
        &[("active", "0")],
    )
    .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    assert_eq!(location(&res), "/users?done=disable&user=xa.chauthanh");
    let html = admin.get(&location(&res)).await.text();
    assert!(html.contains("Đã vô hiệu hóa xa.chauthanh"), "{html}");
    assert!(html.contains("Kích hoạt lại"), "{html}");
    assert!(
        !is_logged_in(&xa).await,
        "the disabled user's session ended"
    );
    assert_eq!(
        login_as(&browser(&app), "xa.chauthanh", PASSWORD)
            .await
            .status_code(),
        401
    );
    // Nobody disables themself.
    let res = post(&admin, "/users", "/users/admin/active", &[("active", "0")]).await;
    assert_eq!(res.status_code(), 422);
    assert!(
        res.text().contains("không thể tự vô hiệu hóa"),
        "{}",
        res.text()
    );
    let res = post(
        &admin,
        "/users",
        "/users/xa.chauthanh/active",
        &[("active", "1")],
    )
    .await;
    assert_eq!(res.status_code(), 303);
    let xa = logged_in(&app, "xa.chauthanh").await;

    // Roles: a wrong one is refused with the text kept; added; removed; never the last.
    let res = post(
        &admin,
        "/users",
        "/users/xa.chauthanh/roles/add",
        &[("role", "thi-truong@1")],
    )
    .await;
    assert_eq!(res.status_code(), 422);
    let html = res.text();
    assert!(
        html.contains("unknown role") && html.contains("value=\"thi-truong@1\""),
        "{html}"
    );
    let res = post(
        &admin,
        "/users",
        "/users/xa.chauthanh/roles/add",
        &[("role", "viewer@86")],
    )
    .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let me: serde_json::Value = xa.get("/api/v1/me").await.json();
    assert_eq!(me["grants"].as_array().map(Vec::len), Some(2), "{me}");
    let res = post(
        &admin,
        "/users",
        "/users/xa.chauthanh/roles/remove",
        &[("role", "commune_officer@29374")],
    )
    .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let me: serde_json::Value = xa.get("/api/v1/me").await.json();
    assert_eq!(
        me["grants"][0]["role"], "viewer",
        "applies at the next request: {me}"
    );
    let res = post(
        &admin,
        "/users",
        "/users/xa.chauthanh/roles/remove",
        &[("role", "viewer@86")],
    )
    .await;
    assert_eq!(res.status_code(), 422);
    assert!(res.text().contains("vai trò cuối cùng"), "{}", res.text());

    // Ending all sessions of a user.
    let res = post(&admin, "/users", "/users/xa.chauthanh/sessions/revoke", &[]).await;
    assert_eq!(res.status_code(), 303);
    assert!(!is_logged_in(&xa).await);
    let res = post(&admin, "/users", "/users/nobody/sessions/revoke", &[]).await;
    assert_eq!(res.status_code(), 404);
});

ntm_testkit::both_backends!(account_password_and_sessions, |db: Db| async move {
    let app = setup(db).await;
    let here = logged_in(&app, "xa.tanan").await;
    let there = logged_in(&app, "xa.tanan").await;
    let html = here.get("/account").await.text();
    assert!(html.contains("Phiên này"), "{html}");
    assert_eq!(
        html.matches("Đăng nhập lúc").count(),
        2,
        "two sessions listed: {html}"
    );

    // A wrong current password: 422, the reason at its field, nothing ended.
    let res = post(
        &here,
        "/account",
        "/account/password",
        &[
            ("current_password", "sai-mat-khau"),
            ("new_password", "mat-khau-moi-99"),
            ("repeat", "mat-khau-moi-99"),
        ],
    )
    .await;
    assert_eq!(res.status_code(), 422);
    let html = res.text();
    assert!(html.contains("id=\"current_password-error\""), "{html}");
    assert!(is_logged_in(&there).await);

    // The right one: this session stays, the other ends; the new password works.
    let res = post(
        &here,
        "/account",
        "/account/password",
        &[
            ("current_password", PASSWORD),
            ("new_password", "mat-khau-moi-99"),
            ("repeat", "mat-khau-moi-99"),
        ],
    )
    .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    assert_eq!(location(&res), "/account?password=1");
    let html = here.get("/account?password=1").await.text();
    assert!(
        html.contains("Đã đổi mật khẩu") && html.contains(": 1."),
        "{html}"
    );
    assert!(!is_logged_in(&there).await);
    let again = browser(&app);
    assert_eq!(
        login_as(&again, "xa.tanan", "mat-khau-moi-99")
            .await
            .status_code(),
        303
    );

    // "Log out the other sessions" keeps this one.
    let res = post(&here, "/account", "/account/sessions/revoke", &[]).await;
    assert_eq!(res.status_code(), 303);
    assert_eq!(location(&res), "/account?revoked=1");
    assert!(is_logged_in(&here).await && !is_logged_in(&again).await);
    let anon = browser(&app);
    let t = token(&anon).await;
    let res = anon
        .post("/account/sessions/revoke")
        .form(&[("_csrf", t.as_str())])
        .await;
    assert_eq!(res.status_code(), 303);
    assert!(location(&res).starts_with("/login"));
});
