//! Rural tourism through the real router: a commune's tourism editor reaches its page from
//! the nav bar; bad input (empty name, outside Việt Nam, wrong audio) is refused with what
//! was typed kept and nothing written; a point with narration, a photo and audio is saved,
//! published and read without login (no script, < 60 KB, `<audio controls>`, English with
//! `?lang=en`); the audio is served with its type and byte ranges; the QR codes and a tour's
//! leaflet PDF (its text read back) are served; another commune's officer is refused.

use axum_test::multipart::{MultipartForm, Part};
use ntm_app::Db;
use ntm_app::users::{GrantInput, NewUser, add_user};
use uuid::Uuid;

use crate::helpers::{
    COMMUNE, PASSWORD, browser, form_token, location, logged_in, pdf_text, setup,
};

fn mp3() -> Vec<u8> {
    let mut v = vec![0xFF, 0xFB, 0x90, 0x64];
    v.extend((0..5_000u32).map(|i| (i % 253) as u8));
    v
}

fn point_form(csrf: &str, name: &str, lat: &str, lon: &str) -> MultipartForm {
    MultipartForm::new()
        .add_text("_csrf", csrf.to_string())
        .add_text("kind", "relic")
        .add_text("name", name.to_string())
        .add_text("lat", lat.to_string())
        .add_text("lon", lon.to_string())
        .add_text("address", "Ấp Phú Hòa")
        .add_text("opening", "7:00–17:00")
        .add_text("contact", "0294 000 000")
        .add_text(
            "narration_vi",
            "Ngôi đình hơn trăm năm tuổi.\n\nLễ hội vào tháng Giêng.",
        )
        .add_text("narration_en", "A village hall over a century old.")
}

ntm_testkit::both_backends!(tourism_pages, |db: Db| async move {
    let mut app = setup(db).await;
    app.config.data_dir = std::env::temp_dir().join(format!("ntm-tourism-web-{}", Uuid::now_v7()));
    add_user(
        &app,
        &ntm_app::Actor::cli(),
        NewUser {
            username: "dulich.chauthanh".into(),
            display_name: "Biên tập du lịch".into(),
            password: PASSWORD.into(),
            grants: vec![GrantInput::parse(&format!("tourism_editor@{COMMUNE}")).unwrap()],
        },
    )
    .await
    .unwrap();
    let head = || async { app.db_for_tests().audit_head().await.unwrap() };
    let ed = logged_in(&app, "dulich.chauthanh").await;
    let manage = format!("/units/{COMMUNE}/tourism");
    let home = ed.get("/").await.text();
    assert!(
        home.contains(&format!("href=\"{manage}\"")),
        "nav bar: {home}"
    );
    let page = ed.get(&manage).await;
    assert_eq!(page.status_code(), 200);
    let csrf = form_token(&page.text());

    // Bad input: every problem listed, what was typed kept, nothing written.
    let before = head().await;
    let res = ed
        .post(&format!("{manage}/points"))
        .multipart(point_form(&csrf, "", "48.85", "2.35").add_part(
            "audio_vi",
            Part::bytes(b"hello".to_vec()).file_name("a.mp3"),
        ))
        .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let html = res.text();
    assert!(html.contains("id=\"tourism-point-errors\""), "{html}");
    assert!(
        html.contains("Ngôi đình hơn trăm năm tuổi."),
        "typed text kept"
    );
    assert!(html.contains("value=\"48.85\""), "typed latitude kept");
    assert!(html.contains("ngoài lãnh thổ Việt Nam"), "{html}");
    assert!(html.contains("không phải âm thanh MP3 hoặc OGG"), "{html}");
    assert_eq!(head().await, before);

    // Saved with a photo and audio, then published.
    let png = ntm_reports::qr::png("anh dinh", 4).unwrap();
    let res = ed
        .post(&format!("{manage}/points"))
        .multipart(
            point_form(&csrf, "Đình Phú Hòa", "9,93", "106,34")
                .add_part("photos", Part::bytes(png.clone()).file_name("dinh.png"))
                .add_part("audio_vi", Part::bytes(mp3()).file_name("vi.mp3")),
        )
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let edit = location(&res);
    let id: Uuid = edit
        .trim_start_matches("/tourism/edit/points/")
        .parse()
        .unwrap();
    let anon = browser(&app);
    let narration = format!("/tourism/points/{id}");
    assert_eq!(anon.get(&narration).await.status_code(), 404, "a draft");
    let ed_page = ed.get(&edit).await.text();
    let csrf = form_token(&ed_page);
    let res = ed
        .post(&format!("{edit}/publish"))
        .form(&[("_csrf", csrf.as_str()), ("version", "1"), ("publish", "1")])
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());

    // The narration page: no login, no script, small, with the audio element.
    let res = anon.get(&narration).await;
    assert_eq!(res.status_code(), 200);
    let html = res.text();
    assert!(html.len() < 60_000, "{} bytes", html.len());
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("Lễ hội vào tháng Giêng."), "{html}");
    assert!(html.contains("<audio controls"), "{html}");
    assert!(
        html.contains(&format!("/tourism/points/{id}/audio-vi")),
        "{html}"
    );
    assert!(html.contains("Nghe thuyết minh (tiếng Việt)"), "{html}");
    let en = anon.get(&format!("{narration}?lang=en")).await.text();
    assert!(en.contains("A village hall over a century old."), "{en}");
    assert!(en.contains("Listen (Vietnamese)"), "{en}");
    let photo = app.db_for_tests().tourism_point_photos(id).await.unwrap();
    let res = anon.get(&format!("/tourism/photos/{}", photo[0].id)).await;
    assert_eq!(res.status_code(), 200);
    assert_eq!(res.header("content-type"), "image/png");

    // Audio: its type, the whole file, and a byte range.
    let audio = format!("/tourism/points/{id}/audio-vi");
    let res = anon.get(&audio).await;
    assert_eq!(res.status_code(), 200);
    assert_eq!(res.header("content-type"), "audio/mpeg");
    assert_eq!(res.as_bytes().as_ref(), mp3().as_slice());
    let res = anon.get(&audio).add_header("range", "bytes=4-13").await;
    assert_eq!(res.status_code(), 206);
    assert_eq!(res.header("content-type"), "audio/mpeg");
    assert_eq!(res.as_bytes().as_ref(), &mp3()[4..14]);
    assert_eq!(
        anon.get(&format!("/tourism/points/{id}/audio-en"))
            .await
            .status_code(),
        404
    );

    // QR codes open the narration page.
    let res = anon.get(&format!("{narration}/qr.svg")).await;
    assert_eq!(res.status_code(), 200);
    assert_eq!(res.header("content-type"), "image/svg+xml");
    assert!(res.text().starts_with("<svg"));
    let res = anon.get(&format!("{narration}/qr.png")).await;
    assert_eq!(res.header("content-type"), "image/png");
    assert!(res.as_bytes().starts_with(b"\x89PNG"));

    // A tour, published, and its leaflet.
    let csrf = form_token(&ed.get(&manage).await.text());
    let res = ed
        .post(&format!("{manage}/tours"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("title_vi", "Tuyến đình làng"),
            ("title_en", "Village halls"),
            ("stop", &id.to_string()),
            ("stop", ""),
        ])
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let tour_edit = location(&res);
    let tour: Uuid = tour_edit
        .trim_start_matches("/tourism/edit/tours/")
        .parse()
        .unwrap();
    let csrf = form_token(&ed.get(&tour_edit).await.text());
    let res = ed
        .post(&format!("{tour_edit}/publish"))
        .form(&[("_csrf", csrf.as_str()), ("version", "1"), ("publish", "1")])
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let t = anon
        .get(&format!("/tourism/tours/{tour}?lang=vi"))
        .await
        .text();
    assert!(
        t.contains("Tuyến đình làng") && t.contains("Đình Phú Hòa"),
        "{t}"
    );
    let c = anon.get(&format!("/tourism/{COMMUNE}")).await.text();
    assert!(
        c.contains("Đình Phú Hòa") && c.contains("Tuyến đình làng"),
        "{c}"
    );
    let res = anon
        .get(&format!("/tourism/tours/{tour}/leaflet.pdf"))
        .await;
    assert_eq!(res.status_code(), 200);
    assert_eq!(res.header("content-type"), "application/pdf");
    if let Some((text, _)) = pdf_text(res.as_bytes()) {
        assert!(text.contains("Tuyến đình làng"), "{text}");
        assert!(text.contains("1. Đình Phú Hòa"), "{text}");
        assert!(text.contains("Ngôi đình hơn trăm năm tuổi."), "{text}");
    }
    // A tour with an unknown point: refused, typed title kept.
    let csrf = form_token(&ed.get(&manage).await.text());
    let before = head().await;
    let res = ed
        .post(&format!("{manage}/tours"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("title_vi", "Tuyến thử"),
            ("stop", &Uuid::now_v7().to_string()),
        ])
        .await;
    assert_eq!(res.status_code(), 422);
    assert!(res.text().contains("value=\"Tuyến thử\""));
    assert_eq!(head().await, before);

    // Another commune's officer may neither open the page nor publish.
    let other = logged_in(&app, "xa.tanan").await;
    assert_eq!(other.get(&manage).await.status_code(), 403);
    assert_eq!(other.get(&edit).await.status_code(), 403);
    let _ = std::fs::remove_dir_all(&app.config.data_dir);
});
