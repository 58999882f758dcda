//! Security review, finding 2: the public survey page accepted any phone number in place
//! of a slip code; 30 anonymous requests moved a campaign from 77,78 % to 94,87 %. Phone
//! answers are now off unless the campaign enables them, and then only numbers on the
//! household list the commune imported are accepted.

use axum_test::TestServer;
use axum_test::multipart::{MultipartForm, Part};
use ntm_app::{Actor, Db};
use ntm_web::{WebConfig, router};

use crate::helpers::*;
use crate::spreadsheet_limits::open_campaign;

async fn by_phone(server: &TestServer, code: &str, from: &str, phone: &str, area: &str) -> u16 {
    let page = server.get(&format!("/s/{code}")).await.text();
    let t = form_token(&page);
    server
        .post(&format!("/s/{code}"))
        .add_header("x-forwarded-for", from)
        .form(&[
            ("_csrf", t.as_str()),
            ("answer", "satisfied"),
            ("phone", phone),
            ("area", area),
        ])
        .await
        .status_code()
        .as_u16()
}

ntm_testkit::both_backends!(
    anonymous_phone_answers_cannot_stuff_a_survey,
    |db: Db| async move {
        let (app, hamlets) = with_hamlets(db).await;
        let code = open_campaign(&app).await;
        let citizen = TestServer::builder().save_cookies().build(router(
            app.clone(),
            WebConfig {
                trust_forwarded_for: true,
                ..WebConfig::default()
            },
        ));
        // The public page offers no phone field, and 30 made-up numbers count for nothing.
        let page = citizen.get(&format!("/s/{code}")).await.text();
        assert!(!page.contains("name=\"phone\""));
        for i in 0..30 {
            let status = by_phone(
                &citizen,
                &code,
                &format!("10.77.{i}.1"),
                &format!("0987654{i:03}"),
                &hamlets[0],
            )
            .await;
            assert_eq!(status, 422, "answer {i}");
        }
        let r = ntm_app::surveys::results(&app, &Actor::cli(), &code)
            .await
            .unwrap();
        assert_eq!(r.total.rate.valid, 0, "no answer was counted");

        // The commune imports its household list through the page: preview, then apply.
        let officer = logged_in(&app, "xa.chauthanh").await;
        let url = format!("/units/{COMMUNE}/surveys/{code}/phones");
        let page = officer.get(&url).await;
        assert_eq!(page.status_code(), 200);
        assert!(
            officer
                .get(&format!("/units/{COMMUNE}/surveys/{code}"))
                .await
                .text()
                .contains(&format!("href=\"{url}\""))
        );
        let t = form_token(&page.text());
        let bad = format!(
            "\"Mã thôn, ấp\",Số điện thoại\n{},0912 000 001\n{},12345\n99999,0912000003\n{},0912-000-001\n",
            hamlets[0], hamlets[0], hamlets[1]
        );
        let res = officer
            .post(&format!("{url}/preview"))
            .multipart(
                MultipartForm::new()
                    .add_text("_csrf", t.as_str())
                    .add_part("file", Part::bytes(bad.into_bytes()).file_name("sdt.csv")),
            )
            .await;
        assert_eq!(res.status_code(), 422);
        let html = res.text();
        assert!(
            html.contains("12345")
                && html.contains("99999")
                && html.contains("Dòng 3")
                && html.contains("đã có ở dòng 2"),
            "{html}"
        );
        assert!(!html.contains("/phones/apply"));

        let good = format!(
            "\"Mã thôn, ấp\",Số điện thoại\n{},0912 000 001\n{},+84 912 000 002\n",
            hamlets[0], hamlets[1]
        );
        let res = officer
            .post(&format!("{url}/preview"))
            .multipart(
                MultipartForm::new()
                    .add_text("_csrf", t.as_str())
                    .add_part("file", Part::bytes(good.into_bytes()).file_name("sdt.csv")),
            )
            .await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        let html = res.text();
        let payload = html
            .split("name=\"rows\" value=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .expect("rows to apply")
            .replace("&#9;", "\t")
            .replace("&#10;", "\n")
            .replace("&#43;", "+");
        let res = officer
            .post(&format!("{url}/apply"))
            .form(&[
                ("_csrf", t.as_str()),
                ("file_name", "sdt.csv"),
                ("rows", payload.as_str()),
            ])
            .await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
        let page = officer.get(&location(&res)).await.text();
        assert!(page.contains("Đã ghi danh sách 2 số điện thoại"), "{page}");
        let log = ntm_app::audit::list(&app, &Actor::cli(), 0, 10_000)
            .await
            .unwrap();
        let entry = log
            .iter()
            .find(|e| e.action == "survey.phones_import")
            .expect("audited");
        assert!(entry.detail.contains("\"phones\":2"));
        assert!(!entry.detail.contains("0912"), "no number in the audit log");

        // Listed numbers answer once, in the hamlet of the list; others are refused.
        let page = citizen.get(&format!("/s/{code}")).await.text();
        assert!(page.contains("name=\"phone\""));
        assert_eq!(
            by_phone(&citizen, &code, "10.78.0.1", "0912000001", "").await,
            303
        );
        assert_eq!(
            by_phone(&citizen, &code, "10.78.0.2", "0912 000 001", "").await,
            409
        );
        assert_eq!(
            by_phone(&citizen, &code, "10.78.0.3", "0987654001", &hamlets[0]).await,
            422
        );
        let r = ntm_app::surveys::results(&app, &Actor::cli(), &code)
            .await
            .unwrap();
        assert_eq!(r.total.rate.valid, 1);
        let a = r.areas.iter().find(|x| x.code == hamlets[0]).unwrap();
        assert_eq!(a.tally.rate.valid, 1);

        // Turned off: listed numbers are refused too, and the field is gone.
        let t = form_token(&officer.get(&url).await.text());
        let res = officer
            .post(&format!("{url}/enabled"))
            .form(&[("_csrf", t.as_str()), ("enabled", "0")])
            .await;
        assert_eq!(res.status_code(), 303);
        assert_eq!(
            by_phone(&citizen, &code, "10.78.0.4", "0912000002", "").await,
            422
        );
        assert!(
            !citizen
                .get(&format!("/s/{code}"))
                .await
                .text()
                .contains("name=\"phone\"")
        );
        let log = ntm_app::audit::list(&app, &Actor::cli(), 0, 10_000)
            .await
            .unwrap();
        assert!(log.iter().any(|e| e.action == "survey.phones_disable"));

        // Another commune's officer may not see or change the list.
        let other = logged_in(&app, "xa.tanan").await;
        assert_eq!(other.get(&url).await.status_code(), 403);
    }
);
