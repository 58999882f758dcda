//! E-mail copies of notifications (through a tiny fake SMTP server on 127.0.0.1 inside the
//! test) and the /account page where a user sets their own address.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum_test::TestServer;
use axum_test::multipart::{MultipartForm, Part};
use base64::Engine;
use ntm_app::mailer::SmtpConfig;
use ntm_app::users::{GrantInput, NewUser, add_user, set_email};
use ntm_app::{Actor, App, AppConfig, Db};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::helpers::{
    COMMUNE, PASSWORD, app_with, browser, form_token, location, logged_in, token,
};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

/// One mail as the fake server got it: the RCPT addresses and the DATA text.
#[derive(Debug, Clone)]
struct Got {
    rcpt: Vec<String>,
    data: String,
}

/// Speaks just enough SMTP: 220; EHLO/HELO → 250; MAIL/RCPT → 250; DATA → 354, lines up
/// to "." → 250; QUIT → 221. Returns its port and what it received.
async fn fake_smtp() -> (u16, Arc<Mutex<Vec<Got>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let got: Arc<Mutex<Vec<Got>>> = Arc::default();
    let store = got.clone();
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            let store = store.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 fake.test ESMTP\r\n").await.unwrap();
                let mut rcpt = Vec::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    let up = line.to_ascii_uppercase();
                    let reply: &[u8] = if up.starts_with("EHLO") || up.starts_with("HELO") {
                        b"250 fake.test\r\n"
                    } else if up.starts_with("RCPT TO:") {
                        let a = line[8..].trim().trim_matches(|c| c == '<' || c == '>');
                        rcpt.push(a.to_owned());
                        b"250 ok\r\n"
                    } else if up.starts_with("DATA") {
                        w.write_all(b"354 go on\r\n").await.unwrap();
                        let mut data = String::new();
                        while let Ok(Some(l)) = lines.next_line().await {
                            if l == "." {
                                break;
                            }
                            data.push_str(&l);
                            data.push('\n');
                        }
                        store.lock().unwrap().push(Got {
                            rcpt: std::mem::take(&mut rcpt),
                            data,
                        });
                        b"250 queued\r\n"
                    } else if up.starts_with("QUIT") {
                        let _ = w.write_all(b"221 bye\r\n").await;
                        return;
                    } else {
                        b"250 ok\r\n"
                    };
                    w.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, got)
}

fn smtp(port: u16) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        from: "NTM Số <ntm@example.vn>".into(),
        credentials: None,
        base_url: Some("https://ntm.example.vn".into()),
    }
}

/// The fixture app plus two more officers of the commune: one with an e-mail address,
/// one without.
async fn app_mailing(db: Db, port: u16) -> App {
    let config = AppConfig {
        data_dir: std::env::temp_dir().join(format!("ntm-mail-{}", uuid::Uuid::now_v7())),
        smtp: Some(smtp(port)),
        ..AppConfig::default()
    };
    let app = app_with(db, config).await;
    for (u, name) in [("xa.pho", "Phó chủ tịch xã"), ("xa.vanthu", "Văn thư xã")] {
        add_user(
            &app,
            &Actor::cli(),
            NewUser {
                username: u.into(),
                display_name: name.into(),
                password: PASSWORD.into(),
                grants: vec![GrantInput::parse("commune_officer@29374").unwrap()],
            },
        )
        .await
        .unwrap();
    }
    set_email(
        &app,
        &Actor::cli(),
        "xa.pho",
        Some("pho.chutich@example.vn"),
    )
    .await
    .unwrap();
    app
}

/// Opens a dossier, attaches the results report and starts the public posting (the
/// commune's other officers are told that the posting step waits for them).
async fn open_and_post(xa: &TestServer) -> String {
    let t = token(xa).await;
    let res = xa
        .post("/api/v1/dossiers")
        .add_header("x-csrf-token", t.as_str())
        .json(&json!({"unit": COMMUNE, "set": "xa-ntm-2021-2025", "year": 2025, "date": "2026-10-01"}))
        .await;
    assert_eq!(res.status_code(), 201, "{}", res.text());
    let id = res.json::<Value>()["id"].as_str().unwrap().to_string();
    let form = MultipartForm::new()
        .add_text("_csrf", t.as_str())
        .add_text("kind", "results_report")
        .add_part("file", Part::bytes(PDF.to_vec()).file_name("bao-cao.pdf"));
    let res = xa
        .post(&format!("/dossiers/{id}/documents"))
        .multipart(form)
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let res = xa
        .post(&format!("/dossiers/{id}/act"))
        .form(&[
            ("_csrf", t.as_str()),
            ("action", "start_posting"),
            ("expected_seq", "0"),
            ("date", "01/10/2026"),
        ])
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    id
}

fn decode_body(data: &str) -> String {
    let (_, body) = data.split_once("\n\n").unwrap();
    let b64: String = body.lines().collect();
    String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap(),
    )
    .unwrap()
}

ntm_testkit::both_backends!(
    mail_sent_to_recipients_with_an_address,
    |db: Db| async move {
        let (port, got) = fake_smtp().await;
        let app = app_mailing(db.clone(), port).await;
        let xa = logged_in(&app, "xa.chauthanh").await;
        let id = open_and_post(&xa).await;

        let mut waited = 0;
        while got.lock().unwrap().is_empty() && waited < 200 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            waited += 1;
        }
        // Room for a wrong second mail to arrive before counting.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let mails = got.lock().unwrap().clone();
        assert_eq!(mails.len(), 1, "{mails:?}");
        assert_eq!(mails[0].rcpt, vec!["pho.chutich@example.vn".to_string()]);
        let data = &mails[0].data;
        assert!(data.contains("To: pho.chutich@example.vn"), "{data}");
        assert!(data.contains("charset=utf-8"), "{data}");
        let body = decode_body(data);
        assert!(body.starts_with("Kính gửi Phó chủ tịch xã,"), "{body}");
        assert!(
            body.contains("chờ bước «Công khai báo cáo, lấy ý kiến» (Đang công khai lấy ý kiến)"),
            "{body}"
        );
        assert!(
            body.contains(&format!("https://ntm.example.vn/dossiers/{id}")),
            "{body}"
        );
        // Both officers still have the in-app notification.
        for u in ["xa.pho", "xa.vanthu"] {
            let n = logged_in(&app, u).await.get("/notifications").await.text();
            assert!(n.contains(&format!("/dossiers/{id}")), "{u}: {n}");
        }

        // The SMTP server down (connection refused): the action still succeeds.
        let closed = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let down = App::new(
            db,
            AppConfig {
                data_dir: app.config.data_dir.clone(),
                smtp: Some(smtp(closed)),
                ..AppConfig::default()
            },
        );
        let xa = browser(&down);
        let res = crate::helpers::login_as(&xa, "xa.chauthanh", PASSWORD).await;
        assert_eq!(res.status_code(), 303);
        let id2 = open_and_post(&xa).await;
        let page = xa.get(&format!("/dossiers/{id2}")).await;
        assert_eq!(page.status_code(), 200);
        assert!(
            page.text().contains("id=\"act-end_posting\""),
            "{}",
            page.text()
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(got.lock().unwrap().len(), 1);
    }
);

ntm_testkit::both_backends!(account_page_sets_own_email, |db: Db| async move {
    let app = app_with(db, AppConfig::default()).await;

    // Anonymous: sent to the login page, nothing done.
    let anon = browser(&app);
    let res = anon.get("/account").await;
    assert_eq!(res.status_code(), 303);
    assert!(location(&res).starts_with("/login"));
    let t = token(&anon).await;
    let res = anon
        .post("/account/email")
        .form(&[("_csrf", t.as_str()), ("email", "a@example.vn")])
        .await;
    assert_eq!(res.status_code(), 303);
    assert!(location(&res).starts_with("/login"));

    let xa = logged_in(&app, "xa.chauthanh").await;
    let page = xa.get("/account").await;
    assert_eq!(page.status_code(), 200);
    let html = page.text();
    assert!(
        html.contains("chưa được cấu hình gửi thư điện tử"),
        "{html}"
    );
    assert!(html.contains("href=\"/account\""), "{html}");
    let t = form_token(&html);

    // Without the CSRF token: refused, nothing written.
    let res = xa
        .post("/account/email")
        .form(&[("email", "xa@example.vn")])
        .await;
    assert_eq!(res.status_code(), 403);
    let me = app
        .db_for_tests()
        .user_by_username("xa.chauthanh")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(app.db_for_tests().user_email(me.id).await.unwrap(), None);

    // A bad address comes back with the reason and what was typed.
    let res = xa
        .post("/account/email")
        .form(&[("_csrf", t.as_str()), ("email", "không phải thư")])
        .await;
    assert_eq!(res.status_code(), 422);
    assert!(res.text().contains("id=\"email-error\""), "{}", res.text());
    assert!(res.text().contains("value=\"không phải thư\""));
    let long = format!("{}@example.vn", "a".repeat(250));
    let res = xa
        .post("/account/email")
        .form(&[("_csrf", t.as_str()), ("email", long.as_str())])
        .await;
    assert_eq!(res.status_code(), 422);

    // Own address set; a `username` field cannot aim at someone else.
    let res = xa
        .post("/account/email")
        .form(&[
            ("_csrf", t.as_str()),
            ("email", " Can.Bo@Example.vn "),
            ("username", "xa.tanan"),
        ])
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    assert_eq!(location(&res), "/account?saved=1");
    assert_eq!(
        app.db_for_tests()
            .user_email(me.id)
            .await
            .unwrap()
            .as_deref(),
        Some("Can.Bo@Example.vn")
    );
    let other = app
        .db_for_tests()
        .user_by_username("xa.tanan")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(app.db_for_tests().user_email(other.id).await.unwrap(), None);
    let html = xa.get("/account?saved=1").await.text();
    assert!(html.contains("value=\"Can.Bo@Example.vn\""), "{html}");
    assert!(html.contains("Đã lưu."), "{html}");

    // Audited.
    let audit = app.db_for_tests().audit_page(0, 1000).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.action == "user.email.set" && e.target == "xa.chauthanh"),
        "{audit:?}"
    );

    // Another user (not a user manager) may not set someone else's address in the app layer.
    let tanan = Actor::User {
        id: other.id,
        username: other.username.clone(),
        grants: app.db_for_tests().grants_of(other.id).await.unwrap(),
        origin: "127.0.0.1".into(),
        via_token: None,
    };
    let err = set_email(&app, &tanan, "xa.chauthanh", Some("x@example.vn")).await;
    assert!(
        matches!(err, Err(ntm_app::AppError::Forbidden(_))),
        "{err:?}"
    );

    // Cleared.
    let res = xa
        .post("/account/email")
        .form(&[("_csrf", t.as_str()), ("email", ""), ("op", "clear")])
        .await;
    assert_eq!(res.status_code(), 303);
    assert_eq!(app.db_for_tests().user_email(me.id).await.unwrap(), None);
});
