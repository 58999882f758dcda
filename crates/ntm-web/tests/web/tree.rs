//! Navigation: the header names the user's unit, the unit tree (page and htmx fragment),
//! and the links from a unit page to its evaluation pages.

use ntm_app::Db;

use crate::helpers::*;

ntm_testkit::both_backends!(
    header_names_the_users_unit_and_links_its_pages,
    |db: Db| async move {
        let app = setup(db).await;
        let server = logged_in(&app, "xa.chauthanh").await;
        let html = server.get("/").await.text();
        assert!(html.contains("class=\"main-nav\""), "{html}");
        assert!(
            html.contains("href=\"/units/29374\">Xã Châu Thành</a>"),
            "{html}"
        );
        assert!(html.contains("href=\"/units/29374/scorecard\""), "{html}");
        assert!(
            !html.contains("href=\"/units/29374/dashboard\""),
            "a commune has no dashboard"
        );
        // The home page's tree starts at the user's commune.
        assert!(html.contains("hx-get=\"/units/29374/tree\""), "{html}");

        // A country-wide administrator's tree starts at the provinces.
        let admin = logged_in(&app, "admin").await;
        let html = admin.get("/").await.text();
        assert!(html.contains("hx-get=\"/units/86/tree\""), "{html}");

        // Anonymous visitors get neither the navigation nor the tree.
        let html = browser(&app).get("/").await.text();
        assert!(!html.contains("class=\"main-nav\""));
        assert!(!html.contains("/tree\""));
    }
);

ntm_testkit::both_backends!(
    tree_page_and_fragment_list_the_children,
    |db: Db| async move {
        let app = setup(db).await;
        let server = browser(&app);

        // Without JavaScript: a whole page with breadcrumbs.
        let res = server.get("/units/86/tree").await;
        assert_eq!(res.status_code(), 200);
        let html = res.text();
        assert!(html.contains("<html"), "a full page");
        assert!(html.contains("Đơn vị trực thuộc Tỉnh Vĩnh Long"), "{html}");
        assert!(
            html.contains("href=\"/units/29374\">Mở trang Xã Châu Thành</a>"),
            "{html}"
        );

        // htmx asks for the fragment: list items only, each child a node of its own.
        let res = server
            .get("/units/86/tree")
            .add_header("hx-request", "true")
            .await;
        assert_eq!(res.status_code(), 200);
        let html = res.text();
        assert!(!html.contains("<html"), "a fragment: {html}");
        assert!(html.trim_start().starts_with("<li"), "{html}");
        assert_eq!(html.matches("class=\"tree-node\"").count(), 4, "{html}");
        assert!(html.contains("hx-get=\"/units/29374/tree\""));

        // On a date before the reform the province had districts.
        let html = server
            .get("/units/84/tree")
            .add_query_param("date", "2024-01-01")
            .add_header("hx-request", "true")
            .await
            .text();
        assert!(
            html.contains("hx-get=\"/units/847/tree?date=2024-01-01\""),
            "{html}"
        );
        assert!(html.contains("Huyện Châu Thành"), "{html}");

        // A unit that does not exist on that date: 404 with a message.
        let res = server.get("/units/84/tree").await;
        assert_eq!(res.status_code(), 404);
        let res = server.get("/units/99999/tree").await;
        assert_eq!(res.status_code(), 404);
        let res = server
            .get("/units/86/tree")
            .add_query_param("date", "31/02/2024")
            .await;
        assert_eq!(res.status_code(), 422);
    }
);

ntm_testkit::both_backends!(
    unit_page_links_to_the_evaluation_pages,
    |db: Db| async move {
        let app = setup(db).await;
        let officer = logged_in(&app, "xa.chauthanh").await;
        let html = officer.get("/units/29374").await.text();
        assert!(html.contains("href=\"/units/29374/scorecard\""), "{html}");
        assert!(html.contains("href=\"/units/29374/workbook\""), "{html}");
        // The same officer sees no work links on a commune outside their scope.
        let html = officer.get(&format!("/units/{OTHER_COMMUNE}")).await.text();
        assert!(
            !html.contains(&format!("/units/{OTHER_COMMUNE}/scorecard")),
            "{html}"
        );
        // The administrator gets the province dashboard; a past date carries its year.
        let admin = logged_in(&app, "admin").await;
        let html = admin
            .get("/units/84")
            .add_query_param("date", "2024-01-01")
            .await
            .text();
        assert!(
            html.contains("href=\"/units/84/dashboard?year=2024\""),
            "{html}"
        );
        // Anonymous visitors see the unit, not the links.
        let html = browser(&app).get("/units/29374").await.text();
        assert!(!html.contains("/workbook\""));
    }
);
