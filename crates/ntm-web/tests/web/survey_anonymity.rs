//! Security review, finding 6: slip codes out of addresses and logs. The slip's QR code
//! puts the code after `#` (never sent by a browser, so in no server, proxy or access log),
//! the public page fills the field from it with a script and still works without one (the
//! code is typed), and the server's tracing records no code — neither from a QR link nor
//! from a slip printed before, with the code in the query.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use ntm_app::Db;

use crate::helpers::*;

/// Everything the process logs (one subscriber for the whole test binary).
fn log_buffer() -> Arc<Mutex<Vec<u8>>> {
    static BUF: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    BUF.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let w = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::NEW)
            .with_ansi(false)
            .with_writer(move || Sink(w.clone()))
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("one subscriber");
        buf
    })
    .clone()
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn tokens_of(html: &str) -> Vec<String> {
    html.split("data-token=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect()
}

ntm_testkit::both_backends!(
    slip_codes_stay_out_of_addresses_and_logs,
    |db: Db| async move {
        let logs = log_buffer();
        let (app, hamlets) = with_hamlets(db).await;
        let code = crate::spreadsheet_limits::open_campaign(&app).await;
        let officer = logged_in(&app, "xa.chauthanh").await;
        let page = officer
            .get(&format!("/units/{COMMUNE}/surveys/{code}"))
            .await
            .text();
        let t = form_token(&page);
        let field = format!("count.{}", hamlets[0]);
        let res = officer
            .post(&format!("/units/{COMMUNE}/surveys/{code}/tokens"))
            .form(&[("_csrf", t.as_str()), (field.as_str(), "3")])
            .await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        let slips = res.text();
        let tokens = tokens_of(&slips);
        assert_eq!(tokens.len(), 3);

        // Each QR code encodes `/s/{code}#t={token}`: nothing in the path or the query.
        let base = "http://localhost";
        for tok in &tokens {
            let fragment = ntm_reports::qr::svg(&format!("{base}/s/{code}#t={tok}"), 96).unwrap();
            assert!(slips.contains(&fragment), "QR of {tok} is not the # link");
            for leaky in [
                format!("{base}/s/{code}?t={tok}"),
                format!("{base}/s/{code}/{tok}"),
            ] {
                let svg = ntm_reports::qr::svg(&leaky, 96).unwrap();
                assert!(!slips.contains(&svg), "QR of {tok} carries it in {leaky}");
            }
        }
        assert!(!slips.contains(&format!("?t={}", tokens[0])));

        // The citizen opens the QR link: the browser asks for `/s/{code}` only. The page
        // loads the script that fills the field from `#t=`, served from the site (CSP).
        let citizen = browser(&app);
        let page = citizen.get(&format!("/s/{code}")).await;
        assert_eq!(page.status_code(), 200);
        let html = page.text();
        let src = html
            .split("<script src=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("the page loads a script")
            .to_owned();
        assert!(src.starts_with("/assets/survey-public.js"), "{src}");
        let js = citizen.get(&src).await.text();
        assert!(
            js.contains("location.hash") && js.contains("'token'"),
            "{js}"
        );
        // Without a script the code is typed: the field is there and empty.
        assert!(html.contains("id=\"token\" name=\"token\" value=\"\""));
        let t = form_token(&html);
        let res = citizen
            .post(&format!("/s/{code}"))
            .form(&[
                ("_csrf", t.as_str()),
                ("answer", "satisfied"),
                ("token", tokens[0].as_str()),
            ])
            .await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
        assert!(!location(&res).contains(&tokens[0]));

        // A slip printed before (code in the query) still works, without the code
        // repeated to the page's other requests.
        let old = citizen.get(&format!("/s/{code}?t={}", tokens[1])).await;
        assert_eq!(old.status_code(), 200);
        assert_eq!(old.header("referrer-policy"), "strict-origin");
        assert!(old.text().contains(&format!("value=\"{}\"", tokens[1])));
        let t = form_token(&old.text());
        let res = citizen
            .post(&format!("/s/{code}"))
            .form(&[
                ("_csrf", t.as_str()),
                ("answer", "not_satisfied"),
                ("token", tokens[1].as_str()),
            ])
            .await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
        // A used code is refused, as before.
        let res = citizen
            .post(&format!("/s/{code}"))
            .form(&[
                ("_csrf", t.as_str()),
                ("answer", "satisfied"),
                ("token", tokens[0].as_str()),
            ])
            .await;
        assert_eq!(res.status_code(), 409);

        // The logs saw these requests, and no code.
        let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
        assert!(text.contains(&format!("/s/{code}")), "requests are logged");
        for tok in &tokens {
            let bare = tok.replace('-', "");
            assert!(
                !text.contains(tok.as_str()) && !text.contains(&bare),
                "the code {tok} is in the logs"
            );
        }
    }
);
