//! Security review, finding 2 (second option): with an SMS gateway configured, a phone
//! answer needs the 6-digit code sent to that number — listed numbers only, accepted within
//! minutes, wrong codes and messages limited per number, codes stored nowhere. Through the
//! real router with the file gateway.

use axum_test::TestServer;
use ntm_app::survey_phones::{self, PhoneRow};
use ntm_app::{Actor, AppConfig, Db};

use crate::helpers::*;

fn sms_lines(path: &std::path::Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| {
            let (phone, text) = l.split_once('\t').unwrap();
            (phone.to_owned(), text.to_owned())
        })
        .collect()
}

fn code_in(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("a 6-digit code")
        .to_owned()
}

async fn post(
    server: &TestServer,
    path: &str,
    phone: &str,
    hamlet: &str,
    sms_code: &str,
) -> axum_test::TestResponse {
    let page = server.get(&path.replace("/gui-ma", "")).await.text();
    let t = form_token(&page);
    server
        .post(path)
        .form(&[
            ("_csrf", t.as_str()),
            ("answer", "satisfied"),
            ("phone", phone),
            ("area", hamlet),
            ("sms_code", sms_code),
        ])
        .await
}

ntm_testkit::both_backends!(
    phone_answers_need_the_code_sent_by_sms,
    |db: Db| async move {
        let file =
            std::env::temp_dir().join(format!("ntm-sms-{}.txt", uuid::Uuid::now_v7().simple()));
        let app = app_with(
            db.clone(),
            AppConfig {
                sms: Some(ntm_app::sms::SmsGateway::File(file.clone())),
                ..AppConfig::default()
            },
        )
        .await;
        let hamlets = add_two_hamlets(&app).await;
        let code = crate::spreadsheet_limits::open_campaign(&app).await;
        let rows: Vec<PhoneRow> = (1..=4)
            .map(|i| PhoneRow {
                row: i + 1,
                hamlet: hamlets[0].clone(),
                phone: format!("091200000{i}"),
            })
            .collect();
        survey_phones::apply(&app, &Actor::cli(), &code, "ds.csv", &rows)
            .await
            .unwrap();
        let citizen = browser(&app);
        let form = format!("/s/{code}");
        let send = format!("/s/{code}/gui-ma");
        let page = citizen.get(&form).await.text();
        assert!(page.contains(&format!("formaction=\"{send}\"")), "{page}");
        assert!(page.contains("name=\"sms_code\""));

        // Without the code, a listed number is refused; nothing was sent yet.
        let res = post(&citizen, &form, "0912000001", &hamlets[0], "").await;
        assert_eq!(res.status_code(), 422);
        assert!(
            res.text().contains("Hãy bấm «Gửi mã xác nhận»"),
            "{}",
            res.text()
        );
        assert!(sms_lines(&file).is_empty());

        // An unlisted number gets no message.
        let res = post(&citizen, &send, "0987000999", &hamlets[0], "").await;
        assert_eq!(res.status_code(), 422);
        assert!(sms_lines(&file).is_empty());

        // The listed number asks for the code: one message, the form comes back as typed.
        let res = post(&citizen, &send, "0912 000 001", &hamlets[0], "").await;
        assert_eq!(res.status_code(), 200, "{}", res.text());
        assert!(res.text().contains("Đã gửi mã xác nhận"));
        assert!(res.text().contains("value=\"0912 000 001\""));
        let sent = sms_lines(&file);
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].0, "0912000001");
        let otp = code_in(&sent[0].1);
        // A wrong code is refused; the right one is accepted once.
        let wrong = if otp == "000000" { "111111" } else { "000000" };
        let res = post(&citizen, &form, "0912000001", &hamlets[0], wrong).await;
        assert_eq!(res.status_code(), 422);
        assert!(res.text().contains("Mã xác nhận chưa đúng"));
        let res = post(&citizen, &form, "0912000001", &hamlets[0], &otp).await;
        assert_eq!(res.status_code(), 303, "{}", res.text());
        let res = post(&citizen, &send, "0912000001", &hamlets[0], "").await;
        assert_eq!(
            res.status_code(),
            409,
            "a number that answered gets no new code"
        );
        // Another number's code does not work for this one.
        let res = post(&citizen, &form, "0912000002", &hamlets[0], &otp).await;
        assert_eq!(res.status_code(), 422);

        // Wrong codes are limited per number: after 5, even the right code waits.
        let res = post(&citizen, &send, "0912000003", &hamlets[0], "").await;
        assert_eq!(res.status_code(), 200);
        let otp3 = code_in(&sms_lines(&file).last().unwrap().1);
        let other = if otp3 == "999999" { "888888" } else { "999999" };
        for i in 0..5 {
            let res = post(&citizen, &form, "0912000003", &hamlets[0], other).await;
            assert_eq!(res.status_code(), 422, "wrong code {i}");
        }
        let res = post(&citizen, &form, "0912000003", &hamlets[0], &otp3).await;
        assert_eq!(res.status_code(), 429);

        // Messages are limited per number too.
        for i in 0..3 {
            let res = post(&citizen, &send, "0912000004", &hamlets[0], "").await;
            assert_eq!(res.status_code(), 200, "message {i}");
        }
        let res = post(&citizen, &send, "0912000004", &hamlets[0], "").await;
        assert_eq!(res.status_code(), 429);
        let to4: Vec<String> = sms_lines(&file)
            .into_iter()
            .filter(|(p, _)| p == "0912000004")
            .map(|(_, t)| code_in(&t))
            .collect();
        assert_eq!(to4.len(), 3);

        // Codes are stored nowhere.
        let mut tables: Vec<String> = db
            .schema_columns()
            .await
            .unwrap()
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        tables.dedup();
        for t in &tables {
            for row in db.debug_dump_table(t).await.unwrap() {
                for (col, v) in &row {
                    assert!(
                        *v != otp && *v != otp3 && !to4.contains(v),
                        "a code is stored in {t}.{col}"
                    );
                }
            }
        }
        let r = ntm_app::surveys::results(&app, &Actor::cli(), &code)
            .await
            .unwrap();
        assert_eq!(r.total.responses(), 1);
        let _ = std::fs::remove_file(&file);
    }
);
