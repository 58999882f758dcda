//! OCOP use cases on the official unit lists: importing the real Trà Vinh list (preview,
//! all or nothing, once), the public catalogue never showing an expired or unknown
//! certificate as valid, producers managing only their own records, council scoring (one
//! sheet per member, parts within range), decisions and downgrade, reminders.

use ntm_app::ocop::{
    self, CatalogueQuery, NewProducer, NewProduct, SheetInput, import_apply, import_preview,
};
use ntm_app::{Actor, AppError};
use ntm_domain::ocop::CertificateStatus;
use ntm_testkit::{Db, both_backends};
use time::Duration;

use crate::{app, reference, user};

const TRA_VINH: &[u8] = include_bytes!("../../../../data/ocop/ocop-tra-vinh.csv");

fn sheet(a: &str, b: &str, c: &str) -> SheetInput {
    SheetInput {
        parts: vec![
            ("A".into(), a.into()),
            ("B".into(), b.into()),
            ("C".into(), c.into()),
        ],
    }
}

both_backends!(ocop_import_catalogue_and_rating, |db: Db| async move {
    let mut app = app(db);
    app.config.data_dir = std::env::temp_dir().join(format!("ntm-ocop-{}", uuid::Uuid::now_v7()));
    reference(&app).await;
    let tinh = user(&app, "tinh.tv", "province_officer@84").await;
    let vl = user(&app, "tinh.vl", "province_officer@86").await;
    let other = user(&app, "tinh.hn", "province_officer@01").await;
    let viewer = user(&app, "xem", "viewer@84").await;

    // A list with a bad row: every problem listed, nothing applied.
    let bad = "product,producer,locality,stars,year,status,source_url,group\n\
        Mắm,HTX A,xã B,6,2022,x,https://a.vn/1,1\nTrà,HTX A,xã B,3,2022,x,,9\n";
    let p = import_preview(&app, &tinh, "84", bad.as_bytes().to_vec(), "ds.csv")
        .await
        .unwrap();
    assert_eq!(p.errors.len(), 3, "{:?}", p.errors);
    assert!(matches!(
        import_apply(&app, &tinh, "84", p.upload_id).await,
        Err(AppError::Validation(_))
    ));
    assert!(matches!(
        import_preview(&app, &other, "84", TRA_VINH.to_vec(), "ds.csv").await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        import_preview(&app, &viewer, "84", TRA_VINH.to_vec(), "ds.csv").await,
        Err(AppError::Forbidden(_))
    ));

    // The real list: 20 rows, 2 without stars skipped, 18 imported with their sources.
    let p = import_preview(&app, &tinh, "84", TRA_VINH.to_vec(), "ocop-tra-vinh.csv")
        .await
        .unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.rows.len(), 20);
    assert_eq!(p.rows.iter().filter(|r| r.skipped).count(), 2);
    // An officer of Vĩnh Long (which Trà Vinh merged into) may apply it: lineage-aware.
    assert_eq!(
        import_apply(&app, &vl, "84", p.upload_id).await.unwrap(),
        18
    );
    assert!(matches!(
        import_apply(&app, &tinh, "84", p.upload_id).await,
        Err(AppError::Conflict(_))
    ));

    let page = ocop::catalogue(&app, &CatalogueQuery::default())
        .await
        .unwrap();
    assert_eq!(page.items.len(), 18);
    assert!(page.next.is_none());
    assert_eq!(page.provinces.len(), 1);
    // Only year-level dates are known: never shown as valid.
    assert!(
        page.items
            .iter()
            .all(|i| i.imported && !i.status.is_valid())
    );
    assert!(
        page.items
            .iter()
            .filter(|i| i.year == Some(2019))
            .all(|i| i.status == CertificateStatus::Expired)
    );
    let four = ocop::catalogue(
        &app,
        &CatalogueQuery {
            stars: Some(4),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(four.items.len(), 12);
    let first = ocop::public_product(&app, page.items[0].id).await.unwrap();
    assert!(
        first
            .decision
            .as_ref()
            .and_then(|d| d.source_url.as_ref())
            .is_some()
    );

    // A producer registers itself and manages only its own records.
    let htx = user(&app, "htx.tienthanh", "producer@29374").await;
    let htx2 = user(&app, "htx.khac", "producer@29374").await;
    let mine = ocop::register_producer(
        &app,
        &htx,
        NewProducer {
            unit_code: "29374".into(),
            kind: "cooperative".into(),
            name: "HTX Thử nghiệm".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let Actor::User { id: htx_id, .. } = &htx else {
        panic!()
    };
    assert_eq!(mine.owner_user_id, Some(*htx_id));
    let product = |name: &str, group: &str| NewProduct {
        name: name.into(),
        group: group.into(),
        ..Default::default()
    };
    assert!(matches!(
        ocop::add_product(&app, &htx, mine.id, product("Gạo", "9")).await,
        Err(AppError::Validation(_))
    ));
    let rice = ocop::add_product(&app, &htx, mine.id, product("Gạo thơm", "1"))
        .await
        .unwrap();
    assert!(matches!(
        ocop::add_product(&app, &htx2, mine.id, product("Gạo khác", "1")).await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        ocop::product_detail(&app, &htx2, rice.id).await,
        Err(AppError::Forbidden(_))
    ));
    assert_eq!(ocop::my_producers(&app, &htx).await.unwrap().len(), 1);
    assert!(ocop::my_producers(&app, &htx2).await.unwrap().is_empty());

    // A council of two officers of Vĩnh Long (the commune is under 86 today) scores; a
    // Trà Vinh officer does not cover today's commune (lineage runs from successors).
    let m1 = user(&app, "hd.1", "province_officer@86").await;
    let m2 = user(&app, "hd.2", "department_officer@86").await;
    assert!(matches!(
        ocop::open_round(
            &app,
            &htx,
            rice.id,
            "province",
            Some(ntm_app::today()),
            &["hd.1".into()]
        )
        .await,
        Err(AppError::Forbidden(_))
    ));
    let round = ocop::open_round(
        &app,
        &vl,
        rice.id,
        "province",
        Some(ntm_app::today()),
        &["hd.1".into(), "hd.2".into()],
    )
    .await
    .unwrap();
    assert!(matches!(
        ocop::submit_sheet(&app, &m1, round.id, sheet("41", "20", "20")).await,
        Err(AppError::Validation(_))
    ));
    assert!(matches!(
        ocop::submit_sheet(&app, &tinh, round.id, sheet("30", "20", "20")).await,
        Err(AppError::Forbidden(_))
    ));
    ocop::submit_sheet(&app, &m1, round.id, sheet("30", "20", "20"))
        .await
        .unwrap();
    assert!(matches!(
        ocop::submit_sheet(&app, &m1, round.id, sheet("35", "20", "20")).await,
        Err(AppError::Conflict(_))
    ));
    ocop::submit_sheet(&app, &m2, round.id, sheet("30", "20", "19,5"))
        .await
        .unwrap();
    let r = ocop::round_result(&app, &vl, round.id).await.unwrap();
    assert_eq!((r.average, r.stars, r.certified), (69.75, 3, true));
    // A certified rank needs the certificate number and date.
    assert!(matches!(
        ocop::record_decision(&app, &vl, round.id, None, None).await,
        Err(AppError::Validation(_))
    ));
    let issued = ntm_app::today() - Duration::days(34 * 30);
    let d = ocop::record_decision(
        &app,
        &vl,
        round.id,
        Some("123/QĐ-UBND".into()),
        Some(issued),
    )
    .await
    .unwrap();
    assert_eq!(d.stars, 3);
    let public = ocop::public_product(&app, rice.id).await.unwrap();
    assert!(public.status.is_valid(), "{:?}", public.status);

    // Reminders: the certificate ends within 90 days; sent once, to the owner.
    let n = ocop::send_certificate_reminders(&app, &Actor::cli(), ntm_app::today())
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        ocop::send_certificate_reminders(&app, &Actor::cli(), ntm_app::today())
            .await
            .unwrap(),
        0
    );
    assert!(matches!(
        ocop::send_certificate_reminders(&app, &tinh, ntm_app::today()).await,
        Err(AppError::Forbidden(_))
    ));
    let inbox = ntm_app::notifications::list(&app, &htx).await.unwrap();
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0].message.key, "ocop-notify-expiring");

    // Re-evaluation with a lower score: the old certificate is superseded (downgrade).
    let round2 = ocop::open_round(
        &app,
        &vl,
        rice.id,
        "province",
        Some(ntm_app::today()),
        &["hd.1".into()],
    )
    .await
    .unwrap();
    ocop::submit_sheet(&app, &m1, round2.id, sheet("20", "10", "10"))
        .await
        .unwrap();
    let d2 = ocop::record_decision(&app, &vl, round2.id, None, None)
        .await
        .unwrap();
    assert_eq!((d2.stars, d2.valid_until), (2, None));
    let detail = ocop::product_detail(&app, &htx, rice.id).await.unwrap();
    assert_eq!(detail.product.stars, Some(2));
    let old = detail
        .decisions
        .iter()
        .find(|x| x.decision.id == d.id)
        .unwrap();
    assert_eq!(old.status, CertificateStatus::Superseded);
    assert!(
        !ocop::public_product(&app, rice.id)
            .await
            .unwrap()
            .status
            .is_valid()
    );
    assert!(matches!(
        ocop::record_decision(&app, &vl, round2.id, None, None).await,
        Err(AppError::Conflict(_))
    ));
});
