//! The producer-registration and add-product forms through the real router: a refusal shows
//! the page the form came from (the unit page of an officer, the producer's own page) with the
//! message beside the form and everything typed kept, and writes nothing.

use ntm_app::Actor;
use ntm_app::Db;
use ntm_app::ocop::NewProducer;

use crate::helpers::{form_token, location, logged_in, setup};
use crate::ocop_documents::user;

ntm_testkit::both_backends!(ocop_forms_keep_what_was_typed, |db: Db| async move {
    let app = setup(db).await;
    user(&app, "xa.chauthanh.ocop", "commune_officer@29374").await;
    user(&app, "htx.chauthanh", "producer@29374").await;
    let producer = ntm_app::ocop::register_producer(
        &app,
        &Actor::cli(),
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
    let count = |path: &'static str| {
        let db = app.db_for_tests();
        async move { db.ocop_producers_under(path).await.unwrap().len() }
    };
    let products = || {
        let db = app.db_for_tests();
        async move { db.ocop_products_of(producer.id).await.unwrap().len() }
    };

    // The officer registers a producer for an unknown owner account: the unit page again.
    let officer = logged_in(&app, "xa.chauthanh.ocop").await;
    let page = officer.get("/units/29374/ocop").await;
    assert_eq!(page.status_code(), 200);
    let csrf = form_token(&page.text());
    let before = count("/").await;
    let res = officer
        .post("/units/29374/ocop/producers")
        .form(&[
            ("_csrf", csrf.as_str()),
            ("kind", "household_business"),
            ("name", "Hộ Nguyễn Văn Bé"),
            ("address", "Ấp Phú Hòa"),
            ("legal_id", "84A8001234"),
            ("phone", "0294 3855 123"),
            ("owner", "khong.co.ai"),
        ])
        .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let html = res.text();
    assert!(html.contains("id=\"ocop-register-error\""), "{html}");
    assert!(
        html.contains("khong.co.ai"),
        "the message names the account"
    );
    for kept in [
        "value=\"Hộ Nguyễn Văn Bé\"",
        "value=\"Ấp Phú Hòa\"",
        "value=\"84A8001234\"",
        "value=\"0294 3855 123\"",
        "value=\"khong.co.ai\"",
        "value=\"household_business\" selected",
    ] {
        assert!(html.contains(kept), "{kept} kept");
    }
    assert_eq!(count("/").await, before, "nothing registered");

    // The officer adds a product with a group that does not exist: the unit page again, this
    // producer's form open with what was typed.
    let res = officer
        .post(&format!("/ocop/producers/{}/products", producer.id))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("back", "29374"),
            ("name", "Mắm cá lóc"),
            ("group", "99"),
            ("product_set", "Bộ quà Châu Thành"),
            ("where_to_buy", "Chợ Châu Thành"),
        ])
        .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let html = res.text();
    let fx = format!("pp-{}", producer.id);
    assert!(html.contains(&format!("id=\"{fx}-error\"")), "{html}");
    assert!(html.contains("<details open>"));
    for kept in [
        "value=\"Mắm cá lóc\"",
        "value=\"Bộ quà Châu Thành\"",
        "value=\"Chợ Châu Thành\"",
    ] {
        assert!(html.contains(kept), "{kept} kept");
    }
    assert_eq!(products().await, 0, "nothing added");
    // Accepted: on to the product's page.
    let res = officer
        .post(&format!("/ocop/producers/{}/products", producer.id))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("back", "29374"),
            ("name", "Mắm cá lóc"),
            ("group", "1"),
        ])
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    assert!(location(&res).starts_with("/ocop/manage/"));
    assert_eq!(products().await, 1);

    // The producer adds a product with a name too long: its own page again.
    let owner = logged_in(&app, "htx.chauthanh").await;
    let page = owner.get("/ocop/mine").await;
    let csrf = form_token(&page.text());
    let long = "Bánh tét lá cẩm ".repeat(20);
    let res = owner
        .post(&format!("/ocop/producers/{}/products", producer.id))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("back", "mine"),
            ("name", long.as_str()),
            ("group", "1"),
            ("where_to_buy", "Cửa hàng HTX, ấp Phú Hòa"),
        ])
        .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let html = res.text();
    assert!(
        html.contains(&format!("id=\"mp-{}-error\"", producer.id)),
        "{html}"
    );
    assert!(html.contains("tối đa 300 ký tự"));
    assert!(html.contains("value=\"Cửa hàng HTX, ấp Phú Hòa\""));
    assert!(html.contains("value=\"1\" selected"));
    assert_eq!(products().await, 1, "nothing added");

    // The producer registers another of its own with a kind that does not exist: its own page
    // again with what was typed; then accepted, back to its own page.
    let before = count("/").await;
    let res = owner
        .post("/units/29374/ocop/producers")
        .form(&[
            ("_csrf", csrf.as_str()),
            ("back", "mine"),
            ("kind", "tap-doan"),
            ("name", "Tổ hợp tác Phú Hòa"),
            ("address", "Ấp Phú Hòa"),
        ])
        .await;
    assert_eq!(res.status_code(), 422, "{}", res.text());
    let html = res.text();
    assert!(html.contains("id=\"ocop-register-own-error\""), "{html}");
    assert!(html.contains("value=\"Tổ hợp tác Phú Hòa\"") && html.contains("value=\"Ấp Phú Hòa\""));
    assert_eq!(count("/").await, before, "nothing registered");
    let res = owner
        .post("/units/29374/ocop/producers")
        .form(&[
            ("_csrf", csrf.as_str()),
            ("back", "mine"),
            ("kind", "cooperative_group"),
            ("name", "Tổ hợp tác Phú Hòa"),
        ])
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    assert_eq!(location(&res), "/ocop/mine");
    assert_eq!(count("/").await, before + 1);
});
