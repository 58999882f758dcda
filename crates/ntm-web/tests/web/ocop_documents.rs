//! The producer's digital dossier through the real router (issue 15: documents uploaded
//! once, reused at every level): the owner uploads from its own page, the commune officer
//! from the product page; both listed with type and date; an oversize or wrong-type file is
//! refused with a clear message that keeps the title typed; a document already uploaded is
//! linked to a later round without uploading it again; an outsider is refused everything.

use axum_test::multipart::{MultipartForm, Part};
use ntm_app::ocop::{NewProducer, NewProduct};
use ntm_app::users::{GrantInput, NewUser, add_user};
use ntm_app::{Actor, App, Db};

use crate::helpers::{PASSWORD, form_token, location, logged_in, setup};

/// Adds an account with one grant (`producer@29374`…); shared with `ocop_photo`.
pub(crate) async fn user(app: &App, username: &str, grant: &str) {
    add_user(
        app,
        &Actor::cli(),
        NewUser {
            username: username.into(),
            display_name: username.into(),
            password: PASSWORD.into(),
            grants: vec![GrantInput::parse(grant).unwrap()],
        },
    )
    .await
    .unwrap();
}

fn upload(csrf: &str, title: &str, name: &str, bytes: Vec<u8>) -> MultipartForm {
    MultipartForm::new()
        .add_text("_csrf", csrf.to_string())
        .add_text("title", title.to_string())
        .add_part("file", Part::bytes(bytes).file_name(name))
}

ntm_testkit::both_backends!(ocop_dossier_documents, |db: Db| async move {
    let mut app = setup(db).await;
    app.config.data_dir =
        std::env::temp_dir().join(format!("ntm-ocop-docs-{}", uuid::Uuid::now_v7()));
    user(&app, "htx.chauthanh", "producer@29374").await;
    user(&app, "htx.khac", "producer@29374").await;
    user(&app, "huyen.khac", "district_officer@844").await;
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
    let audit_before = app.db_for_tests().audit_head().await.unwrap();

    // The owner uploads a PDF from its own page: listed with type and date.
    let owner = logged_in(&app, "htx.chauthanh").await;
    let mine = owner.get("/ocop/mine").await;
    assert_eq!(mine.status_code(), 200);
    let csrf = form_token(&mine.text());
    let to_producer = format!("/ocop/producers/{}/documents", producer.id);
    let res = owner
        .post(&to_producer)
        .multipart(upload(
            &csrf,
            "Phiếu kết quả kiểm nghiệm",
            "kiem-nghiem.pdf",
            b"%PDF-1.4 kiem nghiem".to_vec(),
        ))
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    assert_eq!(location(&res), "/ocop/mine");
    let mine = owner.get("/ocop/mine").await.text();
    assert_eq!(mine.matches("class=\"ocop-doc\"").count(), 1);
    assert!(mine.contains("Phiếu kết quả kiểm nghiệm") && mine.contains("<td>PDF"));
    assert!(app.db_for_tests().audit_head().await.unwrap() != audit_before);

    // A wrong type (a text file named .pdf): refused, the title kept, nothing stored.
    let res = owner
        .post(&to_producer)
        .multipart(upload(
            &csrf,
            "Giấy đăng ký kinh doanh",
            "dang-ky.pdf",
            b"chi la van ban".to_vec(),
        ))
        .await;
    assert_eq!(res.status_code(), 422);
    let html = res.text();
    assert!(html.contains("Chỉ nhận tệp PDF, JPEG hoặc PNG"), "{html}");
    assert!(html.contains("value=\"Giấy đăng ký kinh doanh\""));
    // Over the cap (and within the route's limit): refused with the cap in the message.
    let mut big = b"%PDF-1.4 ".to_vec();
    big.resize(ntm_app::dossiers::MAX_DOCUMENT_BYTES + 1, b' ');
    let res = owner
        .post(&to_producer)
        .multipart(upload(&csrf, "Tiêu chuẩn cơ sở", "tc.pdf", big))
        .await;
    assert_eq!(res.status_code(), 413);
    let html = res.text();
    assert!(html.contains("Tệp lớn hơn 20 MB"), "{html}");
    assert!(html.contains("value=\"Tiêu chuẩn cơ sở\""));
    assert_eq!(
        app.db_for_tests()
            .ocop_documents_of(producer.id)
            .await
            .unwrap()
            .len(),
        1
    );

    // The commune officer uploads a PNG from the product page and opens a round: the round
    // uses both documents; then a later JPEG is linked to that round without a new upload.
    let xa = logged_in(&app, "xa.chauthanh").await;
    let manage = format!("/ocop/manage/{}", product.id);
    let page = xa.get(&manage).await;
    assert_eq!(page.status_code(), 200);
    let csrf = form_token(&page.text());
    let res = xa
        .post(&format!("{to_producer}?product={}", product.id))
        .multipart(upload(
            &csrf,
            "Nhãn sản phẩm",
            "nhan.png",
            b"\x89PNG\r\n\x1a\nanh nhan".to_vec(),
        ))
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    assert_eq!(location(&res), manage);
    let res = xa
        .post(&format!("{manage}/rounds"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("level", "province"),
            ("held_on", "02/06/2025"),
            ("members", "admin"),
        ])
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let res = xa
        .post(&format!("{to_producer}?product={}", product.id))
        .multipart(upload(
            &csrf,
            "Ảnh cơ sở sản xuất",
            "co-so.jpg",
            vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3],
        ))
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    let page = xa.get(&manage).await.text();
    assert_eq!(page.matches("class=\"ocop-doc\"").count(), 3);
    assert!(page.contains("<td>PNG") && page.contains("<td>JPEG"));
    let round = app.db_for_tests().ocop_rounds_of(product.id).await.unwrap()[0].id;
    assert_eq!(
        app.db_for_tests()
            .ocop_round_documents(round)
            .await
            .unwrap()
            .len(),
        2
    );
    let jpeg = app
        .db_for_tests()
        .ocop_documents_of(producer.id)
        .await
        .unwrap()
        .into_iter()
        .find(|d| d.media_type == "image/jpeg")
        .unwrap()
        .id;
    assert!(page.contains(&format!("value=\"{jpeg}\"")), "attachable");
    let attach = format!("/ocop/rounds/{round}/documents");
    let res = xa
        .post(&attach)
        .form(&[
            ("_csrf", csrf.as_str()),
            ("document", &jpeg.to_string()),
            ("product", &product.id.to_string()),
        ])
        .await;
    assert_eq!(res.status_code(), 303, "{}", res.text());
    assert_eq!(
        app.db_for_tests()
            .ocop_round_documents(round)
            .await
            .unwrap()
            .len(),
        3
    );
    // The document's bytes as uploaded, for the officer and the owner.
    let pdf = app
        .db_for_tests()
        .ocop_documents_of(producer.id)
        .await
        .unwrap()[0]
        .id;
    let got = xa.get(&format!("/ocop/documents/{pdf}")).await;
    assert_eq!(got.status_code(), 200);
    assert_eq!(got.as_bytes().as_ref(), b"%PDF-1.4 kiem nghiem");
    assert_eq!(got.header("content-type"), "application/pdf");
    assert_eq!(
        owner
            .get(&format!("/ocop/documents/{pdf}"))
            .await
            .status_code(),
        200
    );

    // Outsiders: another producer of the same commune, an officer of another district.
    for who in ["htx.khac", "huyen.khac"] {
        let s = logged_in(&app, who).await;
        let csrf = form_token(&s.get("/ocop/mine").await.text());
        let head = app.db_for_tests().audit_head().await.unwrap();
        let res = s
            .post(&to_producer)
            .multipart(upload(
                &csrf,
                "Giả mạo",
                "x.pdf",
                b"%PDF-1.4 gia mao".to_vec(),
            ))
            .await;
        assert_eq!(res.status_code(), 403, "{who}: {}", res.text());
        assert_eq!(
            s.get(&format!("/ocop/documents/{pdf}")).await.status_code(),
            403,
            "{who}"
        );
        let res = s
            .post(&attach)
            .form(&[
                ("_csrf", csrf.as_str()),
                ("document", &pdf.to_string()),
                ("product", &product.id.to_string()),
            ])
            .await;
        assert_eq!(res.status_code(), 403, "{who}");
        assert_eq!(
            app.db_for_tests().audit_head().await.unwrap(),
            head,
            "{who}"
        );
    }
    assert_eq!(
        app.db_for_tests()
            .ocop_documents_of(producer.id)
            .await
            .unwrap()
            .len(),
        3
    );
});
