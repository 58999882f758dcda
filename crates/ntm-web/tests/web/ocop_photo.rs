//! A product's photo and where to buy it through the real router (issue 15: "product page
//! with photo … where to buy"): a wrong type is refused with what was typed kept and nothing
//! changed; a PNG and the text are saved and audited; the photo is public only once the
//! product is rated; another producer's account is refused.

use axum_test::multipart::{MultipartForm, Part};
use ntm_app::ocop::{NewProducer, NewProduct, OcopDecisionRecord};
use ntm_app::{Actor, Db};
use uuid::Uuid;

use crate::helpers::{browser, form_token, location, logged_in, setup};
use crate::ocop_documents::user;

fn form(csrf: &str, where_to_buy: &str, name: &str, bytes: Vec<u8>) -> MultipartForm {
    MultipartForm::new()
        .add_text("_csrf", csrf.to_string())
        .add_text("where_to_buy", where_to_buy.to_string())
        .add_part("file", Part::bytes(bytes).file_name(name))
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\nanh san pham";

ntm_testkit::both_backends!(ocop_product_photo_and_where_to_buy, |db: Db| async move {
    let mut app = setup(db).await;
    app.config.data_dir = std::env::temp_dir().join(format!("ntm-ocop-photo-{}", Uuid::now_v7()));
    user(&app, "htx.chauthanh", "producer@29374").await;
    user(&app, "htx.khac", "producer@29374").await;
    let cli = Actor::cli();
    let producer = ntm_app::ocop::register_producer(
        &app,
        &cli,
        NewProducer {
            unit_code: "29374".into(),
            kind: "cooperative".into(),
            name: "HTX Châu Thành".into(),
            owner_username: Some("htx.chauthanh".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let product = ntm_app::ocop::add_product(
        &app,
        &cli,
        producer.id,
        NewProduct {
            name: "Mắm cá lóc".into(),
            group: "1".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let manage = format!("/ocop/manage/{}", product.id);
    let post_to = format!("{manage}/details");
    let photo_url = format!("/ocop/products/{}/photo", product.id);

    // A PDF sent as the photo: refused, the text typed kept, nothing changed.
    let owner = logged_in(&app, "htx.chauthanh").await;
    let page = owner.get(&manage).await;
    assert_eq!(page.status_code(), 200);
    assert!(page.text().contains("id=\"ocop-details\""));
    let csrf = form_token(&page.text());
    let head = app.db_for_tests().audit_head().await.unwrap();
    let res = owner
        .post(&post_to)
        .multipart(form(
            &csrf,
            "Chợ Trà Vinh, quầy 12",
            "anh.png",
            b"%PDF-1.4 x".to_vec(),
        ))
        .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let html = res.text();
    assert!(html.contains("JPEG hoặc PNG"), "{html}");
    assert!(html.contains("Chợ Trà Vinh, quầy 12"), "{html}");
    assert_eq!(app.db_for_tests().audit_head().await.unwrap(), head);
    let stored = app
        .db_for_tests()
        .ocop_product(product.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.where_to_buy, None);

    // A PNG with the text: saved, audited, back to the product's page.
    let res = owner
        .post(&post_to)
        .multipart(form(
            &csrf,
            "Chợ Trà Vinh, quầy 12",
            "anh.png",
            PNG.to_vec(),
        ))
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    assert_eq!(location(&res), manage);
    assert_ne!(app.db_for_tests().audit_head().await.unwrap(), head);
    let stored = app
        .db_for_tests()
        .ocop_product(product.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.where_to_buy.as_deref(),
        Some("Chợ Trà Vinh, quầy 12")
    );
    assert_eq!(stored.photo_type.as_deref(), Some("image/png"));

    // Not rated yet: the photo is not public.
    let anon = browser(&app);
    assert_eq!(anon.get(&photo_url).await.status_code(), 404);

    // Rated: the public page shows the photo and where to buy; the photo is served as PNG.
    let d = OcopDecisionRecord {
        id: Uuid::now_v7(),
        product_id: product.id,
        round_id: None,
        stars: 4,
        average: None,
        year: 2026,
        certificate_no: Some("QD-2026".into()),
        issued_on: Some(time::macros::date!(2026 - 01 - 10)),
        valid_until: Some(time::macros::date!(2029 - 01 - 09)),
        imported: true,
        source_url: Some("https://example.invalid/danh-sach".into()),
        source_note: None,
        status_text: None,
        superseded_on: None,
        superseded_by: None,
        created_at: time::OffsetDateTime::now_utc(),
        created_by: "tester".into(),
    };
    let audit = cli.audit_entry("ocop.decision", "t", serde_json::json!({}));
    app.db_for_tests()
        .record_ocop_decision(&d, audit)
        .await
        .unwrap();
    let public = anon
        .get(&format!("/ocop/products/{}", product.id))
        .await
        .text();
    assert!(public.contains(&format!("src=\"{photo_url}\"")), "{public}");
    assert!(public.contains("Chợ Trà Vinh, quầy 12"));
    let photo = anon.get(&photo_url).await;
    assert_eq!(photo.status_code(), 200);
    assert_eq!(photo.header("content-type"), "image/png");
    assert_eq!(photo.as_bytes().as_ref(), PNG);

    // Another producer's account may not change it; nothing written.
    let other = logged_in(&app, "htx.khac").await;
    let csrf = form_token(&other.get("/ocop/mine").await.text());
    let head = app.db_for_tests().audit_head().await.unwrap();
    let res = other
        .post(&post_to)
        .multipart(form(&csrf, "Nơi khác", "anh.png", PNG.to_vec()))
        .await;
    assert_eq!(res.status_code(), 403, "{}", res.text());
    assert_eq!(app.db_for_tests().audit_head().await.unwrap(), head);
});
