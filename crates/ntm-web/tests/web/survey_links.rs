//! Issue 14: the survey's printed short link and QR codes took the scheme from
//! `X-Forwarded-Proto` whoever sent it, and ignored `--base-url`. The configured public
//! address now wins; without one, the header counts only from a trusted proxy
//! (`--trust-forwarded-for`), the rule `https.rs` uses for `Secure` cookies.

use axum_test::TestServer;
use ntm_app::{App, Db};
use ntm_web::{WebConfig, router};
use time::Duration;

use crate::helpers::{COMMUNE, PASSWORD, login_as, with_hamlets};
use crate::survey::campaign;

async fn officer(app: &App, cfg: WebConfig) -> TestServer {
    let server = TestServer::builder()
        .save_cookies()
        .build(router(app.clone(), cfg));
    let res = login_as(&server, "xa.chauthanh", PASSWORD).await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    server
}

/// The printed link of the campaign page, as sent with these extra headers.
async fn printed(server: &TestServer, code: &str, headers: &[(&str, &str)]) -> String {
    let mut req = server.get(&format!("/units/{COMMUNE}/surveys/{code}"));
    for (k, v) in headers {
        req = req.add_header(*k, *v);
    }
    let page = req.await;
    assert_eq!(page.status_code(), 200, "{}", page.text());
    let text = page.text();
    let marker = "id=\"survey-public-link\">";
    let start = text.find(marker).expect("printed link") + marker.len();
    let end = text[start..].find('<').expect("end of link");
    text[start..start + end].to_string()
}

ntm_testkit::both_backends!(
    survey_links_ignore_a_forged_forwarded_proto,
    |db: Db| async move {
        let (app, _) = with_hamlets(db).await;
        let code = campaign(&app, Duration::hours(-1), false).await;
        let expected_http = format!("http://localhost/s/{code}");

        // No base URL, no trusted proxy: the client's header changes nothing.
        let server = officer(&app, WebConfig::default()).await;
        for forged in ["https", "javascript", "http"] {
            let link = printed(
                &server,
                &code,
                &[("host", "localhost"), ("x-forwarded-proto", forged)],
            )
            .await;
            assert_eq!(link, expected_http, "forged {forged}");
        }

        // The configured public address wins over the request's host and header.
        let cfg = WebConfig {
            base_url: Some("https://x.gov.vn/".into()),
            ..WebConfig::default()
        };
        let server = officer(&app, cfg).await;
        for forged in ["http", "javascript"] {
            let link = printed(
                &server,
                &code,
                &[("host", "evil.example"), ("x-forwarded-proto", forged)],
            )
            .await;
            assert_eq!(
                link,
                format!("https://x.gov.vn/s/{code}"),
                "forged {forged}"
            );
        }

        // Behind a trusted proxy, the scheme it received the request with counts (its
        // entry, the rightmost; the client's own entries further left do not).
        let cfg = WebConfig {
            trust_forwarded_for: true,
            ..WebConfig::default()
        };
        let server = officer(&app, cfg).await;
        let link = printed(
            &server,
            &code,
            &[("host", "localhost"), ("x-forwarded-proto", "https")],
        )
        .await;
        assert_eq!(link, format!("https://localhost/s/{code}"));
        let link = printed(
            &server,
            &code,
            &[("host", "localhost"), ("x-forwarded-proto", "https, http")],
        )
        .await;
        assert_eq!(link, expected_http);
    }
);
