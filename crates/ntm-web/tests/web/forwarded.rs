//! Security review, finding 4: with `--trust-forwarded-for` the first `X-Forwarded-For`
//! entry was taken, which the client writes itself behind an appending proxy. The client is
//! now the entry added by the outermost trusted proxy (rightmost, or further left with more
//! proxies configured).

use std::net::IpAddr;

use axum_test::TestServer;
use ntm_app::{Actor, Db};
use ntm_web::middleware::forwarded_client;
use ntm_web::{WebConfig, router};

use crate::helpers::*;

fn ip(s: &str) -> Option<IpAddr> {
    Some(s.parse().unwrap())
}

#[test]
fn the_client_is_the_entry_added_by_the_outermost_trusted_proxy() {
    // One proxy (default): it appended the address it saw; the rest is the client's.
    assert_eq!(
        forwarded_client(&["6.6.6.6, 203.0.113.7"], 1),
        ip("203.0.113.7")
    );
    assert_eq!(forwarded_client(&["203.0.113.7"], 1), ip("203.0.113.7"));
    // Several headers are one list, in order.
    assert_eq!(
        forwarded_client(&["6.6.6.6", "7.7.7.7, 203.0.113.7"], 1),
        ip("203.0.113.7")
    );
    // Two proxies: the inner one appended the outer one's address.
    assert_eq!(
        forwarded_client(&["6.6.6.6, 203.0.113.7, 10.0.0.2"], 2),
        ip("203.0.113.7")
    );
    // Fewer entries than proxies: the leftmost there is.
    assert_eq!(forwarded_client(&["203.0.113.7"], 3), ip("203.0.113.7"));
    // Addresses with ports, IPv6.
    assert_eq!(
        forwarded_client(&["1.1.1.1, 203.0.113.7:5123"], 1),
        ip("203.0.113.7")
    );
    assert_eq!(
        forwarded_client(&["[2001:db8::1]:443"], 1),
        ip("2001:db8::1")
    );
    // Garbage in the trusted place, or nothing: no address (the peer is used).
    assert_eq!(forwarded_client(&["1.1.1.1, nonsense"], 1), None);
    assert_eq!(forwarded_client(&[], 1), None);
    assert_eq!(forwarded_client(&[" , "], 1), None);
}

ntm_testkit::both_backends!(
    a_forged_forwarded_for_entry_reaches_neither_the_audit_log_nor_the_limits,
    |db: Db| async move {
        let app = setup(db).await;
        let server = TestServer::builder().save_cookies().build(router(
            app.clone(),
            WebConfig {
                trust_forwarded_for: true,
                ..WebConfig::default()
            },
        ));
        let t = token(&server).await;
        let res = server
            .post("/login")
            .add_header("x-forwarded-for", "6.6.6.6, 203.0.113.7")
            .form(&[
                ("_csrf", t.as_str()),
                ("username", "xem"),
                ("password", PASSWORD),
                ("next", ""),
            ])
            .await;
        assert_eq!(res.status_code(), 303);
        let log = ntm_app::audit::list(&app, &Actor::cli(), 0, 10_000)
            .await
            .unwrap();
        let login = log
            .iter()
            .rev()
            .find(|e| e.action == "session.login")
            .expect("a login entry");
        assert_eq!(login.origin, "203.0.113.7");

        // Changing the forged part on every try does not escape the per-address limit.
        let anon = TestServer::builder().save_cookies().build(router(
            app.clone(),
            WebConfig {
                trust_forwarded_for: true,
                ..WebConfig::default()
            },
        ));
        let t = token(&anon).await;
        let limit = app.config.login_max_failures_origin as usize;
        let mut statuses = Vec::new();
        for i in 0..=limit {
            let res = anon
                .post("/login")
                .add_header(
                    "x-forwarded-for",
                    format!("10.9.{}.{}, 198.51.100.9", i / 250, i % 250),
                )
                .form(&[
                    ("_csrf", t.as_str()),
                    ("username", format!("khong-co-{i}").as_str()),
                    ("password", "sai"),
                    ("next", ""),
                ])
                .await;
            statuses.push(res.status_code().as_u16());
        }
        assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    }
);
