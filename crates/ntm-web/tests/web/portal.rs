//! The commune portal through the real router: the commune officer's editor refuses bad
//! input keeping what was typed and writing nothing, previews (sanitized, nothing written),
//! saves and publishes a post whose `<script>` is gone; the public commune page, post page,
//! photo, province page and Atom feed (parsed) show it without login and without
//! JavaScript; the broadcast calendar adds a programme and marks it held, and the DX
//! drill-down counts both; another commune's officer is refused.

use axum_test::multipart::{MultipartForm, Part};
use ntm_app::Db;
use uuid::Uuid;

use crate::helpers::{COMMUNE, browser, form_token, location, logged_in, setup};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\nanh bai viet";
const BODY: &str = "<p onclick=\"steal()\">Bà con mang <b>CCCD gắn chip</b> đến nhà văn hóa ấp.</p><script>alert('xss')</script>";

fn editor(csrf: &str, action: &str, title: &str, body: &str, category: &str) -> MultipartForm {
    MultipartForm::new()
        .add_text("_csrf", csrf.to_string())
        .add_text("title", title.to_string())
        .add_text("category", category.to_string())
        .add_text("body", body.to_string())
        .add_text("action", action.to_string())
}

ntm_testkit::both_backends!(portal_pages, |db: Db| async move {
    let mut app = setup(db).await;
    app.config.data_dir = std::env::temp_dir().join(format!("ntm-portal-web-{}", Uuid::now_v7()));
    let head = || async { app.db_for_tests().audit_head().await.unwrap() };
    let xa = logged_in(&app, "xa.chauthanh").await;
    let manage = format!("/units/{COMMUNE}/portal");

    // Reachable from the commune officer's nav bar.
    let home = xa.get("/").await.text();
    assert!(home.contains(&format!("href=\"{manage}\"")), "{home}");
    assert!(home.contains(&format!("href=\"{manage}/schedule\"")));
    let page = xa.get(&manage).await;
    assert_eq!(page.status_code(), 200);
    let csrf = form_token(&page.text());

    // Bad input: every problem listed, what was typed kept, nothing written.
    let before = head().await;
    let res = xa
        .post(&format!("{manage}/posts"))
        .multipart(
            editor(&csrf, "save", "", "Đoạn văn đã gõ", "khong-co").add_part(
                "file",
                Part::bytes(b"GIF89a....".to_vec()).file_name("a.gif"),
            ),
        )
        .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let html = res.text();
    assert!(html.contains("id=\"portal-errors\""), "{html}");
    assert!(html.contains("Đoạn văn đã gõ"), "{html}");
    assert!(html.contains("JPEG hoặc PNG"), "{html}");
    assert_eq!(head().await, before);

    // Preview: sanitized, nothing written.
    let res = xa
        .post(&format!("{manage}/posts"))
        .multipart(editor(
            &csrf,
            "preview",
            "Làm CCCD gắn chip",
            BODY,
            "chuyen-doi-so",
        ))
        .await;
    assert_eq!(res.status_code(), 200, "{}", res.text());
    let html = res.text();
    let preview = &html[html.find("id=\"portal-preview\"").expect("preview shown")..];
    let preview = &preview[..preview.find("</section>").unwrap()];
    assert!(preview.contains("<b>CCCD gắn chip</b>"), "{preview}");
    assert!(
        !preview.contains("<script") && !preview.contains("onclick"),
        "{preview}"
    );
    assert_eq!(head().await, before);

    // Saved as a draft with a photo, then published.
    let res = xa
        .post(&format!("{manage}/posts"))
        .multipart(
            editor(&csrf, "save", "Làm CCCD gắn chip", BODY, "chuyen-doi-so")
                .add_part("file", Part::bytes(PNG.to_vec()).file_name("anh.png")),
        )
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let edit = location(&res);
    assert!(edit.starts_with("/portal/edit/"), "{edit}");
    let id: Uuid = edit.trim_start_matches("/portal/edit/").parse().unwrap();
    let stored = app.db_for_tests().portal_post(id).await.unwrap().unwrap();
    assert!(!stored.body.contains("script") && !stored.body.contains("alert"));
    assert!(stored.body.contains("<b>CCCD gắn chip</b>"));
    let anon = browser(&app);
    let public_post = format!("/portal/{COMMUNE}/posts/{id}");
    assert_eq!(
        anon.get(&public_post).await.status_code(),
        404,
        "a draft is not public"
    );
    // The editor shows the draft's photo to the commune's officers only.
    let photo = app.db_for_tests().portal_post_photos(id).await.unwrap();
    let officer_photo = format!("/units/{COMMUNE}/portal/photos/{}", photo[0].id);
    assert!(xa.get(&edit).await.text().contains(&officer_photo));
    let res = xa.get(&officer_photo).await;
    assert_eq!(res.status_code(), 200);
    assert_eq!(res.as_bytes().as_ref(), PNG);
    assert_eq!(
        anon.get(&format!("/portal/{COMMUNE}/photos/{}", photo[0].id))
            .await
            .status_code(),
        404,
        "not public while a draft"
    );

    // Another commune's officer may neither open nor publish it.
    let other = logged_in(&app, "xa.tanan").await;
    assert_eq!(other.get(&manage).await.status_code(), 403);
    assert_eq!(other.get(&officer_photo).await.status_code(), 403);
    assert_eq!(other.get(&edit).await.status_code(), 403);
    let other_csrf = form_token(&other.get("/account").await.text());
    let before = head().await;
    let res = other
        .post(&format!("{edit}/publish"))
        .form(&[
            ("_csrf", other_csrf.as_str()),
            ("version", "1"),
            ("publish", "1"),
        ])
        .await;
    assert_eq!(res.status_code(), 403);
    assert_eq!(head().await, before);

    let res = xa
        .post(&format!("{edit}/publish"))
        .form(&[("_csrf", csrf.as_str()), ("version", "1"), ("publish", "1")])
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    // A save on the version the editor was opened at (1) is now stale: refused, kept.
    let res = xa
        .post(&edit)
        .multipart(
            editor(
                &csrf,
                "save",
                "Tiêu đề mới",
                "Nội dung mới",
                "chuyen-doi-so",
            )
            .add_text("version", "1"),
        )
        .await;
    assert_eq!(res.status_code(), 409, "{}", res.text());
    assert!(res.text().contains("Tiêu đề mới"));

    // Public pages: no login, no script, small.
    let res = anon.get(&format!("/portal/{COMMUNE}")).await;
    assert_eq!(res.status_code(), 200);
    let html = res.text();
    assert!(html.contains("Làm CCCD gắn chip"), "{html}");
    assert!(
        !html.contains("<script"),
        "no JavaScript on the public page"
    );
    assert!(html.len() < 60 * 1024, "{} bytes", html.len());
    let filtered = anon
        .get(&format!("/portal/{COMMUNE}?category=tin-tuc"))
        .await
        .text();
    assert!(!filtered.contains("Làm CCCD gắn chip"));
    let res = anon.get(&public_post).await;
    assert_eq!(res.status_code(), 200);
    let html = res.text();
    assert!(html.contains("<b>CCCD gắn chip</b>"), "{html}");
    assert!(
        !html.contains("<script") && !html.contains("alert("),
        "{html}"
    );
    assert!(html.len() < 60 * 1024);
    let res = anon
        .get(&format!("/portal/{COMMUNE}/photos/{}", photo[0].id))
        .await;
    assert_eq!(res.status_code(), 200);
    assert_eq!(res.header("content-type"), "image/png");
    assert_eq!(res.as_bytes().as_ref(), PNG);

    // Removing the photo: another commune's officer is refused; a stale version is a
    // conflict with the photo kept; then it goes, audited, and its addresses answer 404.
    let remove = format!("{edit}/photos/{}/remove", photo[0].id);
    let editor_html = xa.get(&edit).await.text();
    assert!(editor_html.contains(&remove), "a remove button per photo");
    let version = app
        .db_for_tests()
        .portal_post(id)
        .await
        .unwrap()
        .unwrap()
        .version;
    let before = head().await;
    let res = other
        .post(&remove)
        .form(&[
            ("_csrf", other_csrf.as_str()),
            ("version", &version.to_string()),
        ])
        .await;
    assert_eq!(res.status_code(), 403);
    let res = xa
        .post(&remove)
        .form(&[("_csrf", csrf.as_str()), ("version", "1")])
        .await;
    assert_eq!(res.status_code(), 409, "{}", res.text());
    assert_eq!(head().await, before);
    assert_eq!(
        app.db_for_tests()
            .portal_post_photos(id)
            .await
            .unwrap()
            .len(),
        1
    );
    let res = xa
        .post(&remove)
        .form(&[("_csrf", csrf.as_str()), ("version", &version.to_string())])
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    assert!(
        app.db_for_tests()
            .portal_post_photos(id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_ne!(head().await, before, "audited");
    assert_eq!(
        anon.get(&format!("/portal/{COMMUNE}/photos/{}", photo[0].id))
            .await
            .status_code(),
        404
    );
    assert_eq!(xa.get(&officer_photo).await.status_code(), 404);
    // Removed twice: not found, nothing written.
    let again = head().await;
    let res = xa
        .post(&remove)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("version", &(version + 1).to_string()),
        ])
        .await;
    assert_eq!(res.status_code(), 404);
    assert_eq!(head().await, again);

    let province = anon
        .get(&format!("/portal/province/{}", stored.province_code))
        .await;
    assert_eq!(province.status_code(), 200);
    assert!(province.text().contains("Làm CCCD gắn chip"));

    // The Atom feed parses, with the post as its entry and its sanitized HTML as content.
    let res = anon.get(&format!("/portal/{COMMUNE}/feed.atom")).await;
    assert_eq!(res.status_code(), 200);
    assert!(
        res.header("content-type")
            .to_str()
            .unwrap()
            .starts_with("application/atom+xml")
    );
    let feed: atom_syndication::Feed = res.text().parse().expect("valid Atom");
    assert_eq!(feed.entries.len(), 1);
    let entry = &feed.entries[0];
    assert_eq!(entry.title.value, "Làm CCCD gắn chip");
    assert_eq!(entry.id, format!("urn:uuid:{id}"));
    assert!(entry.links[0].href.ends_with(&public_post));
    let content = entry
        .content
        .as_ref()
        .and_then(|c| c.value.clone())
        .unwrap();
    assert!(content.contains("<b>CCCD gắn chip</b>") && !content.contains("script"));

    // The calendar: bad input kept, then a DX programme today, marked held.
    let schedule = format!("{manage}/schedule");
    let today = ntm_app::today().to_string();
    let before = head().await;
    let res = xa
        .post(&schedule)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("air_date", today.as_str()),
            ("air_time", "25:00"),
            ("title", "Bản tin sáng"),
            ("topic_1", "Hướng dẫn thanh toán không tiền mặt"),
            ("dx_1", "1"),
        ])
        .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let html = res.text();
    assert!(
        html.contains("Hướng dẫn thanh toán không tiền mặt"),
        "{html}"
    );
    assert!(html.contains("HH:MM"), "{html}");
    assert_eq!(head().await, before);
    let res = xa
        .post(&schedule)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("air_date", today.as_str()),
            ("air_time", "06:30"),
            ("title", "Bản tin sáng"),
            ("topic_1", "Hướng dẫn thanh toán không tiền mặt"),
            ("dx_1", "1"),
            ("topic_2", "Lịch tiêm phòng"),
        ])
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let week = location(&res);
    let html = xa.get(&week).await.text();
    assert!(html.contains("Lịch tiêm phòng"), "{html}");
    let marker = "action=\"/portal/programmes/";
    let at = html.find(marker).expect("a held form") + marker.len();
    let programme = &html[at..at + 36];
    let res = other
        .post(&format!("/portal/programmes/{programme}/held"))
        .form(&[("_csrf", other_csrf.as_str()), ("note", "")])
        .await;
    assert_eq!(res.status_code(), 403);
    let res = xa
        .post(&format!("/portal/programmes/{programme}/held"))
        .form(&[("_csrf", csrf.as_str()), ("note", "Phát đủ 10 phút")])
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let html = xa.get(&week).await.text();
    assert!(html.contains("Phát đủ 10 phút"), "{html}");

    // A programme tomorrow cannot be marked held yet: refused, the note typed kept.
    let tomorrow = (ntm_app::today() + time::Duration::days(1)).to_string();
    let res = xa
        .post(&schedule)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("air_date", tomorrow.as_str()),
            ("air_time", "17:00"),
            ("title", "Bản tin chiều"),
            ("topic_1", "Chữ ký số"),
            ("dx_1", "1"),
        ])
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let later = xa.get(&location(&res)).await.text();
    let tomorrow_id = app
        .db_for_tests()
        .portal_programmes(
            COMMUNE,
            ntm_app::today() + time::Duration::days(1),
            ntm_app::today() + time::Duration::days(1),
        )
        .await
        .unwrap()[0]
        .id;
    assert!(later.contains(&format!("/portal/programmes/{tomorrow_id}/held")));
    let before = head().await;
    let res = xa
        .post(&format!("/portal/programmes/{tomorrow_id}/held"))
        .form(&[("_csrf", csrf.as_str()), ("note", "Ghi chú đã gõ")])
        .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let html = res.text();
    assert!(html.contains("value=\"Ghi chú đã gõ\""), "{html}");
    assert!(html.contains("Chưa đến ngày phát"), "{html}");
    assert_eq!(head().await, before);

    // The DX drill-down counts the post and the week, and links the post.
    let dx = anon
        .get(&format!("/portal/{COMMUNE}/dx?from={today}&to={today}"))
        .await;
    assert_eq!(dx.status_code(), 200);
    let html = dx.text();
    assert!(html.contains(&public_post), "{html}");
    assert!(html.contains("id=\"dx-weeks-held\">1 / 1"), "{html}");
    assert!(html.contains("Bản tin sáng"), "{html}");
    let commune = anon.get(&format!("/portal/{COMMUNE}")).await.text();
    assert!(
        commune.contains("Hướng dẫn thanh toán không tiền mặt"),
        "{commune}"
    );
});
