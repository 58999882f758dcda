//! Security review, finding 3: failed logins were counted before the password check and
//! recorded after it, so 40 parallel wrong passwords were all verified (limit 5), and five
//! wrong tries from anyone locked the owner out. Attempts are now reserved atomically
//! before verification, and only the guessing addresses wait (increasing delays).

use axum_test::TestServer;
use ntm_app::Db;
use ntm_web::{WebConfig, router};

use crate::helpers::*;

fn behind_proxy(app: &ntm_app::App) -> TestServer {
    TestServer::builder().save_cookies().build(router(
        app.clone(),
        WebConfig {
            trust_forwarded_for: true,
            ..WebConfig::default()
        },
    ))
}

async fn try_login(server: &TestServer, t: &str, from: &str, password: &str) -> u16 {
    server
        .post("/login")
        .add_header("x-forwarded-for", from)
        .form(&[
            ("_csrf", t),
            ("username", "admin"),
            ("password", password),
            ("next", ""),
        ])
        .await
        .status_code()
        .as_u16()
}

ntm_testkit::both_backends!(
    forty_parallel_wrong_passwords_verify_at_most_the_limit,
    |db: Db| async move {
        let app = setup(db).await;
        let server = behind_proxy(&app);
        let t = token(&server).await;
        let limit = app.config.login_max_failures_user as usize;
        let attacker = "198.51.100.66";
        let tries = (0..40).map(|_| try_login(&server, &t, attacker, "doan-mo"));
        let statuses = futures_util::future::join_all(tries).await;
        let verified = statuses.iter().filter(|s| **s == 401).count();
        let refused = statuses.iter().filter(|s| **s == 429).count();
        assert_eq!(verified + refused, 40, "{statuses:?}");
        assert!(
            verified <= limit && verified >= 1,
            "{verified} passwords verified (limit {limit}): {statuses:?}"
        );

        // The attacker's address waits, even with the right password…
        assert_eq!(try_login(&server, &t, attacker, PASSWORD).await, 429);
        // …but the owner, from an address that never failed, gets in.
        assert_eq!(try_login(&server, &t, "203.0.113.10", PASSWORD).await, 303);
    }
);

ntm_testkit::both_backends!(
    the_owner_is_not_locked_out_by_guesses_from_elsewhere,
    |db: Db| async move {
        let app = setup(db).await;
        let server = behind_proxy(&app);
        let t = token(&server).await;
        // Two guessers use up the free attempts and more.
        for i in 0..12 {
            let from = format!("198.51.100.{}", 1 + i % 2);
            let s = try_login(&server, &t, &from, "doan-mo").await;
            assert!(s == 401 || s == 429, "{s}");
        }
        assert_eq!(try_login(&server, &t, "198.51.100.1", "doan-mo").await, 429);
        // The owner's right password from the office: in at once.
        assert_eq!(try_login(&server, &t, "203.0.113.20", PASSWORD).await, 303);
    }
);
