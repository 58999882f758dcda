//! Traceability pages through the real router (issue 15, parts 4–5): a producer records a
//! lot of its own product and events from the simple form (captured as EPCIS, chained);
//! it cannot record for another producer's records, officers outside the unit are refused;
//! the public resolver answers a valid Digital Link URI (also with a `/22/` qualifier and
//! the `/p/` short form), a bad check digit (400), an unknown lot (404), the linkset JSON;
//! an expired certificate is never shown as valid; QR codes and the label sheet.

use axum_test::TestServer;
use ntm_app::ocop::{NewProducer, NewProduct, add_product, register_producer};
use ntm_app::users::{GrantInput, NewUser, add_user};
use ntm_app::{Actor, App, Db};
use ntm_store::OcopDecisionRecord;
use serde_json::Value;
use time::macros::date;
use uuid::Uuid;

use crate::helpers::{
    COMMUNE, PASSWORD, browser, form_token, location, logged_in, pdf_text, setup,
};

struct World {
    app: App,
    /// Producer records of htx.a and htx.b, and their OCOP products.
    a: Uuid,
    rice: Uuid,
    b: Uuid,
    fish: Uuid,
}

async fn decision(app: &App, product: Uuid, issued: time::Date, valid_until: time::Date) {
    let d = OcopDecisionRecord {
        id: Uuid::now_v7(),
        product_id: product,
        round_id: None,
        stars: 4,
        average: None,
        year: issued.year(),
        certificate_no: Some(format!("QD-{}", issued.year())),
        issued_on: Some(issued),
        valid_until: Some(valid_until),
        imported: true,
        source_url: Some("https://example.vn/danh-sach".into()),
        source_note: None,
        status_text: None,
        superseded_on: None,
        superseded_by: None,
        created_at: time::OffsetDateTime::now_utc(),
        created_by: "tester".into(),
    };
    let audit = Actor::cli().audit_entry("ocop.decision", "t", serde_json::json!({}));
    app.db_for_tests()
        .record_ocop_decision(&d, audit)
        .await
        .unwrap();
}

async fn world(db: Db) -> World {
    let app = setup(db).await;
    let cli = Actor::cli();
    let mut ids = Vec::new();
    for (user, name, product) in [
        ("htx.a", "HTX Cầu Ngang", "Gạo thơm Cầu Ngang"),
        ("htx.b", "HTX Long Hòa", "Khô cá lóc"),
    ] {
        add_user(
            &app,
            &cli,
            NewUser {
                username: user.into(),
                display_name: name.into(),
                password: PASSWORD.into(),
                grants: vec![GrantInput::parse(&format!("producer@{COMMUNE}")).unwrap()],
            },
        )
        .await
        .unwrap();
        let p = register_producer(
            &app,
            &cli,
            NewProducer {
                unit_code: COMMUNE.into(),
                kind: "cooperative".into(),
                name: name.into(),
                owner_username: Some(user.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let prod = add_product(
            &app,
            &cli,
            p.id,
            NewProduct {
                name: product.into(),
                group: "1".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        ids.push((p.id, prod.id));
    }
    // Rice's certificate ran out in 2022; the fish's runs until 2099.
    decision(&app, ids[0].1, date!(2019 - 12 - 01), date!(2022 - 11 - 30)).await;
    decision(&app, ids[1].1, date!(2025 - 01 - 10), date!(2099 - 01 - 09)).await;
    World {
        app,
        a: ids[0].0,
        rice: ids[0].1,
        b: ids[1].0,
        fish: ids[1].1,
    }
}

async fn post_lot(server: &TestServer, fields: &[(&str, &str)]) -> axum_test::TestResponse {
    let page = server.get("/trace/lots").await;
    assert_eq!(page.status_code(), 200, "{}", page.text());
    let t = form_token(&page.text());
    let mut form = vec![("_csrf", t.as_str())];
    form.extend_from_slice(fields);
    server.post("/trace/lots").form(&form).await
}

async fn post_event(
    server: &TestServer,
    lot: &str,
    fields: &[(&str, &str)],
) -> axum_test::TestResponse {
    let page = server.get(lot).await;
    let t = form_token(&page.text());
    let mut form = vec![("_csrf", t.as_str())];
    form.extend_from_slice(fields);
    server.post(&format!("{lot}/events")).form(&form).await
}

fn harvest(time: &str) -> Vec<(&str, &str)> {
    vec![
        ("biz_step", "commissioning"),
        ("disposition", "active"),
        ("date", "2026-03-01"),
        ("time", time),
        ("place", "Ruộng ấp Chà Và"),
        ("quantity", "1.200,5"),
        ("uom", "KGM"),
    ]
}

ntm_testkit::both_backends!(trace_producer_pages_and_resolver, |db: Db| async move {
    let w = world(db).await;
    let a = logged_in(&w.app, "htx.a").await;

    // The lots page offers htx.a's own producer and products only.
    let page = a.get("/trace/lots").await;
    assert_eq!(page.status_code(), 200);
    let html = page.text();
    assert!(html.contains("HTX Cầu Ngang") && html.contains("Gạo thơm Cầu Ngang"));
    assert!(!html.contains("HTX Long Hòa"), "another producer offered");
    assert!(html.contains("href=\"/trace/lots\""), "nav link");

    // A bad check digit: refused at the field, what was typed kept, nothing written.
    let (a_id, rice) = (w.a.to_string(), w.rice.to_string());
    let bad = post_lot(
        &a,
        &[
            ("producer_id", &a_id),
            ("product_id", &rice),
            ("product", "09520123456789"),
            ("lot", "L-1"),
        ],
    )
    .await;
    assert_eq!(bad.status_code(), 422, "{}", bad.text());
    assert!(bad.text().contains("value=\"09520123456789\""));
    assert!(bad.text().contains("field-error"));

    // Another producer's record, or its product: refused.
    let (b_id, fish) = (w.b.to_string(), w.fish.to_string());
    let theirs = post_lot(
        &a,
        &[
            ("producer_id", &b_id),
            ("product", "09520123456788"),
            ("lot", "X"),
        ],
    )
    .await;
    assert_eq!(theirs.status_code(), 403, "{}", theirs.text());
    let mixed = post_lot(
        &a,
        &[
            ("producer_id", &a_id),
            ("product_id", &fish),
            ("product", "09520123456788"),
            ("lot", "X"),
        ],
    )
    .await;
    assert_eq!(mixed.status_code(), 422, "{}", mixed.text());

    // The lot of its own product.
    let ok = post_lot(
        &a,
        &[
            ("producer_id", &a_id),
            ("product_id", &rice),
            ("product", "09520123456788"),
            ("lot", "L-1"),
        ],
    )
    .await;
    assert_eq!(ok.status_code(), 303, "{}", ok.text());
    let lot_url = location(&ok);
    let lot_url = lot_url.split('?').next().unwrap().to_string();
    assert!(lot_url.starts_with("/trace/lots/"), "{lot_url}");

    // Two events from the form; the same one again is a duplicate, stored once.
    let e1 = post_event(&a, &lot_url, &harvest("07:30")).await;
    assert_eq!(e1.status_code(), 303, "{}", e1.text());
    assert!(location(&e1).ends_with("flash=event"));
    let ship = [
        ("biz_step", "shipping"),
        ("disposition", "in_transit"),
        ("date", "2026-03-02"),
        ("time", "14:05"),
        ("place", "Kho HTX Cầu Ngang"),
        ("quantity", ""),
        ("uom", "KGM"),
    ];
    let e2 = post_event(&a, &lot_url, &ship).await;
    assert_eq!(e2.status_code(), 303, "{}", e2.text());
    let e3 = post_event(&a, &lot_url, &harvest("07:30")).await;
    assert!(
        location(&e3).ends_with("flash=duplicate"),
        "{}",
        location(&e3)
    );
    // A bad form: every field named, nothing stored.
    let e4 = post_event(
        &a,
        &lot_url,
        &[
            ("biz_step", "flying"),
            ("date", "01/03/2026"),
            ("time", "7h"),
            ("quantity", "-1"),
            ("uom", "KGM"),
        ],
    )
    .await;
    assert_eq!(e4.status_code(), 422, "{}", e4.text());
    assert!(e4.text().contains("value=\"-1\""));

    let lot_page = a.get(&lot_url).await.text();
    assert!(lot_page.contains("01/03/2026 07:30"), "{lot_page}");
    assert!(lot_page.contains("02/03/2026 14:05"));
    assert!(lot_page.contains("Thu hoạch, tạo lô") && lot_page.contains("Xuất hàng, gửi đi"));
    let q = lot_page
        .find("trace-history")
        .map(|i| &lot_page[i..(i + 700).min(lot_page.len())]);
    assert!(lot_page.contains("1.200,5 kg"), "{q:?}");
    assert!(lot_page.contains("2 sự kiện"), "{lot_page}");

    // QR codes and the label sheet.
    let svg = a.get(&format!("{lot_url}/qr.svg")).await;
    assert_eq!(svg.header("content-type"), "image/svg+xml");
    assert!(svg.text().starts_with("<svg"));
    let png = a.get(&format!("{lot_url}/qr.png")).await;
    assert_eq!(&png.as_bytes()[1..4], b"PNG");
    let pdf = a.get(&format!("{lot_url}/labels.pdf")).await;
    assert_eq!(pdf.status_code(), 200);
    assert_eq!(pdf.header("content-type"), "application/pdf");
    if let Some((text, _)) = pdf_text(pdf.as_bytes()) {
        assert!(text.contains("Gạo thơm Cầu Ngang"), "{text}");
        assert!(text.contains("Lot: L-1"), "{text}");
    }

    // htx.b may neither see nor add to htx.a's lot; an officer of another commune neither.
    let b = logged_in(&w.app, "htx.b").await;
    assert_eq!(b.get(&lot_url).await.status_code(), 403);
    assert_eq!(
        b.get(&format!("{lot_url}/labels.pdf")).await.status_code(),
        403
    );
    let t = form_token(&b.get("/trace/lots").await.text());
    let refused = b
        .post(&format!("{lot_url}/events"))
        .form(&[("_csrf", t.as_str()), ("biz_step", "receiving")])
        .await;
    assert_eq!(refused.status_code(), 403);
    let other = logged_in(&w.app, "xa.tanan").await;
    assert_eq!(other.get(&lot_url).await.status_code(), 403);
    // The API: htx.b naming htx.a's producer.
    let body = format!(r#"{{"product":"09520123456788","lot":"API-1","producer_id":"{a_id}"}}"#);
    let api = b
        .post(&format!("/api/v1/epcis/lots?unit={COMMUNE}"))
        .add_header("x-csrf-token", t.as_str())
        .add_header("content-type", "application/json")
        .bytes(body.into_bytes().into())
        .await;
    assert_eq!(api.status_code(), 403, "{}", api.text());

    // The public page: no login, no script, small; the expired certificate is not valid.
    let anon = browser(&w.app);
    let public = anon.get("/01/09520123456788/10/L-1").await;
    assert_eq!(public.status_code(), 200, "{}", public.text());
    let html = public.text();
    assert!(html.len() < 50 * 1024, "{} bytes", html.len());
    assert!(!html.contains("<script"));
    assert!(html.contains("Gạo thơm Cầu Ngang") && html.contains("HTX Cầu Ngang"));
    assert!(html.contains("01/03/2026 07:30") && html.contains("Ruộng ấp Chà Và"));
    assert!(html.contains("Giấy chứng nhận đã hết hạn"), "{html}");
    assert!(
        !html.contains("còn hiệu lực"),
        "an expired certificate shown valid"
    );
    assert!(html.contains("không bị sửa sau khi ghi"));
    let link = public.header("link");
    assert!(
        link.to_str().unwrap().contains("rel=\"linkset\""),
        "{link:?}"
    );
    // The optional qualifier before the lot; a bad check digit; an unknown lot.
    let cpv = anon.get("/01/09520123456788/22/V1/10/L-1").await;
    assert_eq!(cpv.status_code(), 200);
    let bad = anon.get("/01/09520123456789/10/L-1").await;
    assert_eq!(bad.status_code(), 400);
    assert!(bad.text().contains("không hợp lệ"), "{}", bad.text());
    let unknown = anon.get("/01/09520123456788/10/KHONG-CO").await;
    assert_eq!(unknown.status_code(), 404);
    assert!(unknown.text().contains("Không tìm thấy lô hàng"));

    // The linkset on the same address.
    let ls = anon
        .get("/01/09520123456788/10/L-1")
        .add_header("accept", "application/linkset+json")
        .await;
    assert_eq!(ls.status_code(), 200);
    assert_eq!(ls.header("content-type"), "application/linkset+json");
    let v: Value = serde_json::from_str(&ls.text()).unwrap();
    let set = &v["linkset"][0];
    assert!(
        set["anchor"]
            .as_str()
            .unwrap()
            .ends_with("/01/09520123456788/10/L-1")
    );
    assert!(set["https://gs1.org/voc/traceability"][0]["href"].is_string());
    assert_eq!(
        set["https://gs1.org/voc/pip"][0]["href"].as_str().unwrap(),
        format!("http://localhost/ocop/products/{}", w.rice)
    );
    assert_eq!(ls.header("access-control-allow-origin"), "*");
    // `?linkType=`: a link elsewhere redirects (307), in both spellings; the default link
    // and an absent type answer the page itself.
    for t in ["gs1:pip", "https://gs1.org/voc/pip"] {
        let r = anon
            .get("/01/09520123456788/10/L-1")
            .add_query_param("linkType", t)
            .await;
        assert_eq!(r.status_code(), 307, "{t}");
        assert_eq!(
            r.header("location"),
            format!("http://localhost/ocop/products/{}", w.rice).as_str()
        );
    }
    for t in ["gs1:defaultLink", "gs1:certificationInfo"] {
        let r = anon
            .get("/01/09520123456788/10/L-1")
            .add_query_param("linkType", t)
            .await;
        assert_eq!(r.status_code(), 200, "{t}");
        assert!(r.text().contains("Gạo thơm Cầu Ngang"));
    }
    // The resolver's description.
    let d = anon.get("/.well-known/gs1resolver").await;
    assert_eq!(d.status_code(), 200);
    let d: Value = serde_json::from_str(&d.text()).unwrap();
    assert_eq!(d["resolverRoot"], "http://localhost");
    assert_eq!(d["supportedPrimaryKeys"][0], "01");

    // htx.b's product with a valid certificate, on a short product code.
    let fish_lot = ntm_app::trace::create_lot(
        &w.app,
        &Actor::cli(),
        COMMUNE,
        &ntm_app::trace::NewLot {
            product: "KHO-CA".into(),
            lot: "2026-01".into(),
            producer_id: Some(w.b),
            product_id: Some(w.fish),
            area_id: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(fish_lot.path, "/p/KHO-CA/10/2026-01");
    let fish_page = anon.get("/p/KHO-CA/10/2026-01").await;
    assert_eq!(fish_page.status_code(), 200);
    assert!(
        fish_page.text().contains("còn hiệu lực đến 09/01/2099"),
        "{}",
        fish_page.text()
    );

    // An OCOP product not rated yet (the catalogue does not list it): the page still
    // answers, without a rating.
    let unrated = add_product(
        &w.app,
        &Actor::cli(),
        w.a,
        NewProduct {
            name: "Bánh tét chưa xếp hạng".into(),
            group: "1".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    ntm_app::trace::create_lot(
        &w.app,
        &Actor::cli(),
        COMMUNE,
        &ntm_app::trace::NewLot {
            product: "BANH-TET".into(),
            lot: "1".into(),
            producer_id: Some(w.a),
            product_id: Some(unrated.id),
            area_id: None,
        },
    )
    .await
    .unwrap();
    let page = anon.get("/p/BANH-TET/10/1").await;
    assert_eq!(page.status_code(), 200, "{}", page.text());
    assert!(page.text().contains("Chưa có xếp hạng OCOP"));

    // A lot naming a raw-material area shows the area's summary (code, crop, declared
    // hectares), not only its id.
    let area = ntm_app::areas::register_area(
        &w.app,
        &Actor::cli(),
        ntm_app::areas::AreaForm {
            unit_code: COMMUNE.into(),
            code: "VUNG-LUA-01".into(),
            crop: "Lúa thơm".into(),
            hectares: "1,2".into(),
            geojson: r#"{"type":"Polygon","coordinates":[[[106.3349,9.8400],[106.3359,9.8400],[106.3359,9.8410],[106.3349,9.8410],[106.3349,9.8400]]]}"#.into(),
            owners: vec![w.a],
        },
    )
    .await
    .unwrap();
    ntm_app::trace::create_lot(
        &w.app,
        &Actor::cli(),
        COMMUNE,
        &ntm_app::trace::NewLot {
            product: "GAO-THOM".into(),
            lot: "V1".into(),
            producer_id: Some(w.a),
            product_id: None,
            area_id: Some(area.id),
        },
    )
    .await
    .unwrap();
    // Another producer's lot may not name that area, nor an area that does not exist;
    // nothing is written.
    for (producer, area_id) in [(w.b, area.id), (w.a, uuid::Uuid::now_v7())] {
        let refused = ntm_app::trace::create_lot(
            &w.app,
            &Actor::cli(),
            COMMUNE,
            &ntm_app::trace::NewLot {
                product: "GAO-THOM".into(),
                lot: "V2".into(),
                producer_id: Some(producer),
                product_id: None,
                area_id: Some(area_id),
            },
        )
        .await;
        assert!(
            matches!(refused, Err(ntm_app::AppError::Validation(ref e)) if e[0].field == "area_id"),
            "{refused:?}"
        );
    }
    assert_eq!(anon.get("/p/GAO-THOM/10/V2").await.status_code(), 404);
    // The lot form offers the producer's areas by code and crop.
    let form = logged_in(&w.app, "htx.a")
        .await
        .get("/trace/lots")
        .await
        .text();
    assert!(
        form.contains(&format!(
            r#"<option value="{}">VUNG-LUA-01 · Lúa thơm"#,
            area.id
        )),
        "{form}"
    );
    let page = anon.get("/p/GAO-THOM/10/V1").await;
    assert_eq!(page.status_code(), 200, "{}", page.text());
    let html = page.text();
    assert!(html.contains("VUNG-LUA-01 · Lúa thơm · 1,2"), "{html}");
    assert!(!html.contains("thông tin vùng chưa có"), "{html}");
    // Its small static map: the polygon's close-up (the test commune has no stored
    // boundary, so no commune map), drawn on the server, no script.
    assert!(html.contains(r#"id="trace-area-map-close""#), "{html}");
    assert!(html.contains(r#"class="map-area""#), "{html}");
    assert!(!html.contains(r#"id="trace-area-map-commune""#), "{html}");
    assert!(!html.contains("<script") && html.len() < 50 * 1024);
});
