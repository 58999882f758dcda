//! Public pages: health, home, search, unit pages, XLSX, errors, assets.

use ntm_app::Db;

use crate::helpers::*;

ntm_testkit::both_backends!(health_answers_with_the_database_kind, |db: Db| async move {
    let backend = db.backend().as_str();
    let app = setup(db).await;
    let server = browser(&app);
    let res = server.get("/health").await;
    assert_eq!(res.status_code(), 200);
    let v: serde_json::Value = res.json();
    assert_eq!(v["status"], "ok");
    assert_eq!(v["database"], backend);
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    // Every response carries a request id and the security headers.
    assert!(
        res.maybe_header("x-request-id")
            .is_some_and(|v| v.len() >= 32)
    );
    let csp = res.header("content-security-policy");
    assert!(csp.to_str().unwrap().contains("default-src 'self'"));
    assert!(csp.to_str().unwrap().contains("frame-ancestors 'none'"));
    assert_eq!(res.header("x-content-type-options"), "nosniff");
    assert!(res.maybe_header("referrer-policy").is_some());
});

ntm_testkit::both_backends!(
    home_lists_provinces_and_counts_on_a_date,
    |db: Db| async move {
        let app = setup(db).await;
        let server = browser(&app);

        let res = server.get("/").await;
        assert_eq!(res.status_code(), 200);
        let html = res.text();
        assert!(html.contains("<html lang=\"vi\">"), "lang attribute");
        assert!(html.contains("NTM Số"));
        assert!(html.contains("Đăng nhập"));
        assert!(html.contains("1 tỉnh, thành phố"), "{html}");
        assert!(html.contains("4 xã, phường"), "{html}");
        assert!(html.contains("Tỉnh Vĩnh Long"));
        assert!(html.contains("href=\"/units/86\""));
        assert!(
            !html.contains("Tỉnh Trà Vinh"),
            "Trà Vinh is no longer a province today"
        );
        assert!(html.contains("action=\"/units\""), "search form");
        assert!(html.contains("type=\"date\""), "date picker");

        let html = server
            .get("/")
            .add_query_param("date", "2024-01-01")
            .await
            .text();
        assert!(html.contains("2 tỉnh, thành phố"), "{html}");
        assert!(html.contains("2 huyện"), "{html}");
        assert!(html.contains("7 xã, phường"), "{html}");
        assert!(html.contains("Tỉnh Trà Vinh"));
        assert!(
            html.contains("href=\"/units/84?date=2024-01-01\""),
            "links keep the date: {html}"
        );
        assert!(html.contains("01/01/2024"), "the date is shown dd/mm/yyyy");
    }
);

ntm_testkit::both_backends!(
    search_works_without_diacritics_and_by_code,
    |db: Db| async move {
        let app = setup(db).await;
        let server = browser(&app);

        let res = server.get("/units").add_query_param("q", "cang long").await;
        assert_eq!(res.status_code(), 200);
        let html = res.text();
        assert!(html.contains("Huyện Càng Long"), "{html}");
        assert!(html.contains("Xã Càng Long"));
        // The old district links to a date when it existed.
        assert!(html.contains("href=\"/units/844?date="), "{html}");

        let html = server
            .get("/units")
            .add_query_param("q", "TÂN AN")
            .add_query_param("date", "2024-01-01")
            .await
            .text();
        assert!(html.contains("Xã Tân An"));
        assert!(html.contains("/units/29281?date=2024-01-01"), "{html}");

        let html = server
            .get("/units")
            .add_query_param("q", "29374")
            .await
            .text();
        assert!(html.contains("Xã Châu Thành"), "{html}");

        let res = server
            .get("/units")
            .add_query_param("q", "a".repeat(150))
            .await;
        assert_eq!(res.status_code(), 422);
        assert!(res.text().contains("Vui lòng nhập ít nhất một chữ"));

        let html = server
            .get("/units")
            .add_query_param("q", "khong co don vi nay")
            .await
            .text();
        assert!(html.contains("Không tìm thấy đơn vị nào phù hợp"));
    }
);

ntm_testkit::both_backends!(
    unit_page_shows_the_version_of_the_date,
    |db: Db| async move {
        let app = setup(db).await;
        let server = browser(&app);

        // Before the reform: Xã Tân An under Huyện Càng Long, Tỉnh Trà Vinh.
        let res = server
            .get("/units/29281")
            .add_query_param("date", "2024-01-01")
            .await;
        assert_eq!(res.status_code(), 200);
        let html = res.text();
        assert!(html.contains("<h1>Xã Tân An</h1>"), "{html}");
        assert!(
            html.contains("href=\"/units/84?date=2024-01-01\">Tỉnh Trà Vinh</a>"),
            "breadcrumbs: {html}"
        );
        assert!(
            html.contains("href=\"/units/844?date=2024-01-01\">Huyện Càng Long</a>"),
            "breadcrumbs"
        );
        assert!(html.contains("Đã sáp nhập vào"));
        assert!(
            html.contains("href=\"/units/29278?date=2025-07-01\">Xã Tân An</a>"),
            "successor link: {html}"
        );
        assert!(html.contains("Nhập toàn bộ"));
        assert!(html.contains("đến 01/07/2025"), "validity");
        assert!(html.contains("Đồng bằng sông Cửu Long"), "region");

        // The same code 29278 named Xã Huyền Hội before, and the new Xã Tân An now.
        let html = server
            .get("/units/29278")
            .add_query_param("date", "2024-01-01")
            .await
            .text();
        assert!(html.contains("<h1>Xã Huyền Hội</h1>"));
        let html = server.get("/units/29278").await.text();
        assert!(html.contains("<h1>Xã Tân An</h1>"));
        assert!(
            html.contains("href=\"/units/86\">Tỉnh Vĩnh Long</a>"),
            "breadcrumbs today: {html}"
        );
        assert!(html.contains("Hình thành từ"));
        assert!(
            html.contains("href=\"/units/29281?date=2025-06-30\">Xã Tân An</a>"),
            "predecessor link: {html}"
        );
        assert!(html.contains("Xã Huyền Hội"));
        assert!(html.contains("từ 01/07/2025"));
        assert!(
            html.contains("Các phiên bản của mã này"),
            "versions of 29278"
        );
        assert!(html.contains("Tải XLSX") || html.contains("Không có đơn vị trực thuộc"));

        // A district page lists its communes, with the XLSX link keeping the date.
        let html = server
            .get("/units/844")
            .add_query_param("date", "2024-01-01")
            .await
            .text();
        assert!(html.contains("Đơn vị trực thuộc (4)"), "{html}");
        assert!(html.contains("href=\"/units/844/children.xlsx?date=2024-01-01\""));
        assert!(html.contains("Thị trấn Càng Long"));
    }
);

ntm_testkit::both_backends!(
    unknown_units_and_bad_dates_are_readable_errors,
    |db: Db| async move {
        let app = setup(db).await;
        let server = browser(&app);

        let res = server.get("/units/99999").await;
        assert_eq!(res.status_code(), 404);
        let id = res.header("x-request-id").to_str().unwrap().to_string();
        let html = res.text();
        assert!(html.contains("<html lang=\"vi\">"));
        assert!(
            html.contains("Không có đơn vị hành chính mã 99999"),
            "{html}"
        );
        assert!(html.contains(&id), "the page shows the request id");

        // A unit outside its validity is not found on that date.
        assert_eq!(server.get("/units/844").await.status_code(), 404);

        let res = server
            .get("/units/84")
            .add_query_param("date", "2024-13-45")
            .await;
        assert_eq!(res.status_code(), 422);
        assert!(res.text().contains("không hợp lệ"));

        let res = server.get("/no/such/page").await;
        assert_eq!(res.status_code(), 404);
        assert!(res.text().contains("Không tìm thấy"));

        let res = server.get("/?lang=en&date=yesterday").await;
        assert_eq!(res.status_code(), 422);
        assert!(res.text().contains("is not a valid date"));
    }
);

ntm_testkit::both_backends!(children_download_is_a_valid_xlsx, |db: Db| async move {
    let app = setup(db).await;
    let server = browser(&app);
    let res = server
        .get("/units/84/children.xlsx")
        .add_query_param("date", "2024-01-01")
        .await;
    assert_eq!(res.status_code(), 200);
    assert_eq!(
        res.header("content-type"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(
        res.header("content-disposition")
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let table =
        ntm_reports::read_table(res.as_bytes(), "children.xlsx").expect("a readable workbook");
    assert_eq!(table[0][..3], ["Mã", "Tên", "Loại hình"]);
    let codes: Vec<&str> = table[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(codes, ["844", "847"]);
    assert_eq!(table[1][1], "Huyện Càng Long");

    assert_eq!(
        server.get("/units/99999/children.xlsx").await.status_code(),
        404
    );
});

ntm_testkit::both_backends!(assets_are_served_with_hash_and_etag, |db: Db| async move {
    let app = setup(db).await;
    let server = browser(&app);
    let html = server.get("/").await.text();
    let start = html.find("/assets/app.css?v=").expect("stylesheet link");
    let end = start + html[start..].find('"').unwrap();
    let url = &html[start..end];
    let res = server.get(url).await;
    assert_eq!(res.status_code(), 200);
    assert!(
        res.header("content-type")
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    assert!(
        res.header("cache-control")
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    let etag = res.header("etag").to_str().unwrap().to_string();
    assert!(res.text().contains(":focus-visible"));
    let again = server
        .get(url)
        .add_header("if-none-match", etag.as_str())
        .await;
    assert_eq!(again.status_code(), 304);
    assert_eq!(server.get("/assets/nope.css").await.status_code(), 404);
});
