//! Citizens' feedback through the real router: the public form (refused input comes back as
//! typed), a report with a photo filed anonymously, its public page without the contact; the
//! commune officer answers it from the inbox; an officer of another commune is refused.

use axum_test::multipart::{MultipartForm, Part};
use ntm_app::Db;

use crate::helpers::*;

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html.find(start).expect("start marker") + start.len();
    let j = html[i..].find(end).expect("end marker");
    &html[i..i + j]
}

fn jpeg_with_gps() -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8];
    let exif = b"Exif\0\0MM\0\x2a\0\0\0\x08GPSLatitude 9.9";
    v.extend([0xFF, 0xE1]);
    v.extend(((exif.len() + 2) as u16).to_be_bytes());
    v.extend(exif);
    v.extend([0xFF, 0xDA, 0x00, 0x02, 0x11, 0x22, 0xFF, 0xD9]);
    v
}

ntm_testkit::both_backends!(feedback_pages_round_trip, |db: Db| async move {
    let mut app = setup(db).await;
    app.config.data_dir = std::env::temp_dir().join(format!("ntm-fbw-{}", uuid::Uuid::now_v7()));
    let province = ntm_app::units::latest_record(&app, COMMUNE)
        .await
        .unwrap()
        .province_code;
    ntm_app::feedback::seed_demo(&app, &province).await.unwrap();
    let citizen = browser(&app);
    let form_url = format!("/feedback/{province}/new");
    let page = citizen.get(&form_url).await;
    assert_eq!(page.status_code(), 200);
    let html = page.text();
    // Titles with one argument are filled in (not the message key).
    assert!(html.contains("<h1>Gửi phản ánh, kiến nghị — "), "{html}");
    assert!(!html.contains(">fb-"), "an untranslated key");
    let csrf = form_token(&html);
    let client_token = between(&html, "name=\"client_token\" value=\"", "\"").to_string();
    let check_token = between(&html, "name=\"check_token\" value=\"", "\"").to_string();
    let q = between(&html, "Câu hỏi kiểm tra: ", " bằng mấy?");
    let (a, b) = q.split_once(" cộng ").unwrap();
    let sum = a.trim().parse::<u32>().unwrap() + b.trim().parse::<u32>().unwrap();
    // The signed question is only valid after 3 seconds.
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    let form = |text: &str| {
        MultipartForm::new()
            .add_text("_csrf", csrf.clone())
            .add_text("client_token", client_token.clone())
            .add_text("check_token", check_token.clone())
            .add_text("check", sum.to_string())
            .add_text("category", "giao-thong")
            .add_text("text", text.to_string())
            .add_text("unit_code", COMMUNE)
            .add_text("contact", "0901 234 567")
    };
    // Empty text: refused, what was typed is kept.
    let res = citizen.post(&form_url).multipart(form("   ")).await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let t = res.text();
    assert!(t.contains("Hãy nhập nội dung"), "{t}");
    assert!(t.contains("value=\"0901 234 567\""));
    // Filed with a photo.
    let res = citizen
        .post(&form_url)
        .multipart(
            form("Đèn đường hỏng trước trường học").add_part(
                "photos",
                Part::bytes(jpeg_with_gps())
                    .file_name("anh.jpg")
                    .mime_type("image/jpeg"),
            ),
        )
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let to = location(&res);
    assert!(
        to.starts_with("/feedback/t/") && to.ends_with("?filed=1"),
        "{to}"
    );
    let code = to
        .trim_start_matches("/feedback/t/")
        .trim_end_matches("?filed=1")
        .to_string();
    let public = citizen.get(&to).await;
    assert_eq!(public.status_code(), 200);
    let p = public.text();
    assert!(p.contains(&code) && p.contains("Đèn đường hỏng"));
    assert!(p.contains(&format!("<h1>Phản ánh {code}</h1>")), "{p}");
    assert!(p.contains("alt=\"Ảnh 1 người dân gửi kèm\""), "{p}");
    assert!(!p.contains("0901 234 567"), "the contact is never public");
    let photo_url = between(&p, "<img src=\"", "\"").to_string();
    let photo = citizen.get(&photo_url).await;
    assert_eq!(photo.status_code(), 200);
    assert!(!photo.as_bytes().windows(11).any(|w| w == b"GPSLatitude"));

    // The commune officer answers it.
    let officer = logged_in(&app, "xa.chauthanh").await;
    let inbox = officer
        .get(&format!("/feedback/inbox?unit={COMMUNE}"))
        .await;
    assert_eq!(inbox.status_code(), 200);
    let i = inbox.text();
    assert!(i.contains(&code), "{i}");
    assert!(i.contains("<h1>Phản ánh của người dân — "), "{i}");
    let report_url = format!("/feedback/r/{}", between(&i, "href=\"/feedback/r/", "\""));
    // The version seen starts at 1 and each step adds one.
    for (version, (action, answer)) in (1..).zip([
        ("accept", ""),
        ("start", ""),
        ("resolve", "Đã thay bóng đèn ngày 05/12."),
    ]) {
        let page = officer.get(&report_url).await;
        assert_eq!(page.status_code(), 200);
        let html = page.text();
        assert!(
            html.contains("0901 234 567"),
            "the officer sees the contact"
        );
        let csrf = form_token(&html);
        let res = officer
            .post(&format!("{report_url}/act"))
            .form(&[
                ("_csrf", csrf.as_str()),
                ("version", &version.to_string()),
                ("action", action),
                ("answer", answer),
            ])
            .await;
        assert_eq!(res.status_code(), 303, "{action}: {}", res.text());
    }
    let public = citizen.get(&format!("/feedback/t/{code}")).await.text();
    assert!(public.contains("Đã thay bóng đèn ngày 05/12."));
    assert!(public.contains("Đã giải quyết"));

    // Another commune's officer is refused.
    let other = logged_in(&app, "xa.tanan").await;
    assert_eq!(other.get(&report_url).await.status_code(), 403);
});
