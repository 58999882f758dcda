//! OCOP pages through the real router: the public catalogue without login (Vietnamese and
//! English), importing the real Trà Vinh list (preview, then all or nothing), the product's
//! public page with its source and never "valid" for a year-only rating, filters, and who
//! may open the unit's OCOP page.

use axum_test::multipart::{MultipartForm, Part};
use ntm_app::users::{GrantInput, NewUser, add_user};
use ntm_app::{Actor, Db};

use crate::helpers::{PASSWORD, browser, form_token, location, logged_in, setup};

const TRA_VINH: &[u8] = include_bytes!("../../../../data/ocop/ocop-tra-vinh.csv");

ntm_testkit::both_backends!(ocop_catalogue_and_import, |db: Db| async move {
    let mut app = setup(db).await;
    app.config.data_dir = std::env::temp_dir().join(format!("ntm-ocop-{}", uuid::Uuid::now_v7()));
    add_user(
        &app,
        &Actor::cli(),
        NewUser {
            username: "tinh.travinh".into(),
            display_name: "Cán bộ tỉnh Trà Vinh".into(),
            password: PASSWORD.into(),
            grants: vec![GrantInput::parse("province_officer@84").unwrap()],
        },
    )
    .await
    .unwrap();

    // Public, empty, in both languages.
    let anon = browser(&app);
    let page = anon.get("/ocop").await;
    assert_eq!(page.status_code(), 200);
    assert!(page.text().contains("Danh mục sản phẩm OCOP"));
    assert!(page.text().contains("id=\"ocop-empty\""));
    let en = anon.get("/ocop?lang=en").await;
    assert!(
        en.text().contains("OCOP product catalogue"),
        "{}",
        en.text()
    );
    // The language choice is kept: back to Vietnamese for the rest.
    assert!(
        anon.get("/ocop?lang=vi")
            .await
            .text()
            .contains("Danh mục sản phẩm OCOP")
    );
    // The officers' page needs a login and the right role.
    let res = anon.get("/units/84/ocop").await;
    assert!(
        matches!(res.status_code().as_u16(), 303 | 401),
        "{}",
        res.status_code()
    );
    let commune = logged_in(&app, "xa.chauthanh").await;
    assert_eq!(commune.get("/units/84/ocop").await.status_code(), 403);

    // Import: preview, then apply.
    let tinh = logged_in(&app, "tinh.travinh").await;
    let unit = tinh.get("/units/84/ocop").await;
    assert_eq!(unit.status_code(), 200);
    let csrf = form_token(&unit.text());
    let form = MultipartForm::new()
        .add_text("_csrf", csrf.clone())
        .add_part(
            "file",
            Part::bytes(TRA_VINH.to_vec()).file_name("ocop-tra-vinh.csv"),
        );
    let preview = tinh.post("/units/84/ocop/import").multipart(form).await;
    assert_eq!(preview.status_code(), 200, "{}", preview.text());
    let html = preview.text();
    assert!(html.contains("Thảm xơ dừa") && html.contains("Không có hạng sao: bỏ qua"));
    let marker = "name=\"upload\" value=\"";
    let start = html.find(marker).expect("apply form") + marker.len();
    let upload = &html[start..start + 36];
    let applied = tinh
        .post("/units/84/ocop/import/apply")
        .form(&[("_csrf", csrf.as_str()), ("upload", upload)])
        .await;
    assert_eq!(applied.status_code(), 303, "{}", applied.text());
    assert_eq!(location(&applied), "/units/84/ocop");

    // A bad file: the errors are shown, no apply button.
    let bad = "product,producer,locality,stars,year,status,source_url\nMắm,HTX,xã,7,2022,x,https://a.vn\n";
    let form = MultipartForm::new()
        .add_text("_csrf", csrf.clone())
        .add_part(
            "file",
            Part::bytes(bad.as_bytes().to_vec()).file_name("x.csv"),
        );
    let res = tinh.post("/units/84/ocop/import").multipart(form).await;
    assert!(res.text().contains("id=\"ocop-import-errors\""));
    assert!(!res.text().contains("id=\"ocop-import-apply\""));

    // The catalogue: 18 rated products, none shown valid; filters.
    let page = anon.get("/ocop").await.text();
    assert_eq!(page.matches("class=\"ocop-item\"").count(), 18);
    assert!(!page.contains(">Còn hiệu lực<"));
    assert!(
        page.contains("Hết hiệu lực") && page.contains("Chưa xác định hiệu lực"),
        "{page}"
    );
    let four = anon.get("/ocop?stars=4").await.text();
    assert_eq!(four.matches("class=\"ocop-item\"").count(), 12);
    let none = anon.get("/ocop?group=6").await.text();
    assert!(none.contains("id=\"ocop-empty\""));
    let start = page.find("href=\"/ocop/products/").expect("a product link") + "href=\"".len();
    let link = &page[start..start + "/ocop/products/".len() + 36];
    let product = anon.get(link).await;
    assert_eq!(product.status_code(), 200);
    let p = product.text();
    assert!(p.contains("Nhập từ danh sách đã công bố") && p.contains("rel=\"noopener\""));
    assert!(!p.contains("class=\"success\""));
    assert_eq!(
        anon.get("/ocop/products/00000000-0000-0000-0000-000000000000")
            .await
            .status_code(),
        404
    );
    // The unit page lists them for the officer.
    let unit = tinh.get("/units/84/ocop").await.text();
    assert!(unit.contains("Gạo hữu cơ Long Hòa - Hòa Minh"));
});
