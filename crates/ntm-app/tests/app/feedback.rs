//! Citizens' feedback on the official unit lists and Vĩnh Long's commune outlines: bad input
//! refused with every problem at once, idempotent filing, EXIF removed, pins outside the
//! province refused, routing rules, permissions on the responsible unit, skipped steps,
//! transfer, duplicates and merge, rating, measures equal to hand counts.

use ntm_app::feedback::{self, InboxQuery, NewReport, RouteForm, StepForm, Upload, challenge_at};
use ntm_app::{Actor, AppError};
use ntm_testkit::{Db, both_backends};

use crate::{app, reference, user};

/// An Bình (29584), inside its outline.
const LAT: &str = "10.286971";
const LON: &str = "105.999124";

fn jpeg_with_gps() -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8];
    let exif = b"Exif\0\0MM\0\x2a\0\0\0\x08GPSLatitude 10.28";
    v.extend([0xFF, 0xE1]);
    v.extend(((exif.len() + 2) as u16).to_be_bytes());
    v.extend(exif);
    v.extend([0xFF, 0xDA, 0x00, 0x02, 0x11, 0x22, 0xFF, 0xD9]);
    v
}

async fn form(app: &ntm_app::App, token: &str, category: &str) -> NewReport {
    let c = challenge_at(app, ntm_app::now() - time::Duration::seconds(10))
        .await
        .unwrap();
    NewReport {
        province_code: "86".into(),
        category: category.into(),
        text: "Ổ gà lớn trước chợ An Bình".into(),
        lat: LAT.into(),
        lon: LON.into(),
        contact_name: "Nguyễn Văn A".into(),
        contact: "0901 234 567".into(),
        client_token: token.into(),
        challenge_token: c.token,
        challenge_answer: (u32::from(c.a) + u32::from(c.b)).to_string(),
        ..NewReport::default()
    }
}

fn fields(e: AppError) -> Vec<String> {
    match e {
        AppError::Validation(v) => v.into_iter().map(|f| f.field).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

both_backends!(feedback_filing_handling_and_measures, |db: Db| async move {
    let mut app = app(db);
    app.config.data_dir = std::env::temp_dir().join(format!("ntm-fb-{}", uuid::Uuid::now_v7()));
    reference(&app).await;
    feedback::seed_demo(&app, "86").await.unwrap();
    // Vĩnh Long's commune outlines, read from the shipped data file at run time.
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../data/boundaries/communes-2025-3321.geojson");
    ntm_app::boundaries::import_boundary_file(
        &app,
        &ntm_app::Actor::cli(),
        &file,
        ntm_app::boundaries::ImportOptions {
            date: time::macros::date!(2025 - 07 - 01),
            code_property: "ma_xa".into(),
            source: "lamngockhuong/vietnam-3d-map".into(),
            licence: "không nêu".into(),
            only_province: Some(("ma_tinh".into(), "86".into())),
        },
    )
    .await
    .unwrap();
    ntm_app::areas::seed_demo(&app).await.unwrap();
    let tinh = user(&app, "tinh.fb", "province_officer@86").await;
    let xa = user(&app, "xa.anbinh", "commune_officer@29584").await;
    let xa2 = user(&app, "xa.phukhuong", "commune_officer@28756").await;
    let viewer = user(&app, "xem.fb", "viewer@86").await;
    let anon = Actor::Anonymous {
        origin: "203.0.113.7".into(),
    };

    // Every problem at once, nothing written.
    let mut bad = form(&app, "", "khong-co").await;
    bad.text = "   ".into();
    bad.lat = "21.0285".into(); // Hà Nội
    bad.lon = "105.8542".into();
    bad.photos = vec![Upload {
        name: "a.gif".into(),
        bytes: b"GIF89a....".to_vec(),
    }];
    let f = fields(feedback::file_report(&app, &anon, bad).await.unwrap_err());
    for want in ["text", "category", "location", "photos"] {
        assert!(f.contains(&want.to_string()), "{want} in {f:?}");
    }
    let mut wrong = form(&app, "", "giao-thong").await;
    wrong.challenge_answer = "99".into();
    assert_eq!(
        fields(feedback::file_report(&app, &anon, wrong).await.unwrap_err()),
        vec!["check"]
    );
    let mut trap = form(&app, "", "giao-thong").await;
    trap.trap = "http://spam".into();
    assert_eq!(
        fields(feedback::file_report(&app, &anon, trap).await.unwrap_err()),
        vec!["check"]
    );

    // Filed: routed to the commune the pin fell in; the token makes a repeat harmless.
    let mut good = form(&app, "tok-1", "giao-thong").await;
    good.photos = vec![Upload {
        name: "p.jpg".into(),
        bytes: jpeg_with_gps(),
    }];
    let one = feedback::file_report(&app, &anon, good.clone())
        .await
        .unwrap();
    assert!(one.created);
    assert_eq!(one.responsible_code, "29584");
    let again = feedback::file_report(&app, &anon, good).await.unwrap();
    assert!(!again.created);
    assert_eq!(again.tracking_code, one.tracking_code);
    let public = feedback::track(&app, &anon, &one.tracking_code.to_lowercase())
        .await
        .unwrap();
    assert_eq!(public.photos.len(), 1);
    let photo = feedback::photo(&app, public.photos[0]).await.unwrap();
    assert_eq!(photo.content_type, "image/jpeg");
    assert!(!photo.bytes.windows(11).any(|w| w == b"GPSLatitude"));
    // The assignee's unit is told.
    assert_eq!(ntm_app::notifications::unread(&app, &xa).await.unwrap(), 1);

    // Permissions: only the responsible unit (and above) handles it.
    let officer = feedback::officer_report(&app, &xa, one.id).await.unwrap();
    assert_eq!(officer.contact.as_deref(), Some("0901 234 567"));
    for other in [&xa2, &viewer, &anon] {
        assert!(matches!(
            feedback::officer_report(&app, other, one.id).await,
            Err(AppError::Forbidden(_) | AppError::Unauthorized(_))
        ));
    }
    let step = |action: &str, version: i64| StepForm {
        action: action.into(),
        version,
        ..StepForm::default()
    };
    // A skipped step is refused.
    assert_eq!(
        fields(
            feedback::act(&app, &xa, one.id, step("resolve", 1))
                .await
                .unwrap_err()
        ),
        vec!["action"]
    );
    assert!(matches!(
        feedback::act(&app, &xa2, one.id, step("accept", 1)).await,
        Err(AppError::Forbidden(_))
    ));
    feedback::act(&app, &xa, one.id, step("accept", 1))
        .await
        .unwrap();
    feedback::act(&app, &tinh, one.id, step("start", 2))
        .await
        .unwrap();
    assert!(matches!(
        feedback::act(&app, &xa, one.id, step("resolve", 2)).await,
        Err(AppError::Conflict(_))
    ));
    assert_eq!(
        fields(
            feedback::act(&app, &xa, one.id, step("resolve", 3))
                .await
                .unwrap_err()
        ),
        vec!["answer"]
    );
    let mut resolve = step("resolve", 3);
    resolve.answer = "Đã vá ổ gà ngày 05/12.".into();
    feedback::act(&app, &xa, one.id, resolve).await.unwrap();
    let public = feedback::track(&app, &anon, &one.tracking_code)
        .await
        .unwrap();
    assert_eq!(public.answer.as_deref(), Some("Đã vá ổ gà ngày 05/12."));
    assert!(public.can_rate);
    feedback::rate(&app, &anon, &one.tracking_code, "5")
        .await
        .unwrap();
    assert!(matches!(
        feedback::rate(&app, &anon, &one.tracking_code, "4").await,
        Err(AppError::Conflict(_))
    ));

    // Transfer: the other commune takes it from there.
    let two = feedback::file_report(&app, &anon, form(&app, "tok-2", "moi-truong").await)
        .await
        .unwrap();
    let mut transfer = step("transfer", 1);
    transfer.transfer_to = "28756".into();
    feedback::act(&app, &xa, two.id, transfer).await.unwrap();
    assert!(matches!(
        feedback::act(&app, &xa, two.id, step("accept", 2)).await,
        Err(AppError::Forbidden(_))
    ));
    assert_eq!(ntm_app::notifications::unread(&app, &xa2).await.unwrap(), 1);
    feedback::act(&app, &xa2, two.id, step("accept", 2))
        .await
        .unwrap();

    // A likely duplicate 20 m away, merged into the first.
    let mut near = form(&app, "tok-3", "giao-thong").await;
    near.lat = "10.287151".into();
    let three = feedback::file_report(&app, &anon, near).await.unwrap();
    let dups = feedback::duplicate_suggestions(&app, &xa, three.id)
        .await
        .unwrap();
    assert_eq!(dups.len(), 1, "{dups:?}");
    assert_eq!(dups[0].0, one.tracking_code);
    assert!((dups[0].1 - 19.9).abs() < 1.0, "{}", dups[0].1);
    let mut merge = step("merge", 1);
    merge.merge_into = one.tracking_code.clone();
    feedback::act(&app, &xa, three.id, merge).await.unwrap();

    // Routing rules: only the province edits them; the most specific applies.
    let rule = RouteForm {
        category: "chieu-sang".into(),
        area_code: "86".into(),
        responsible_code: "28756".into(),
    };
    assert!(matches!(
        feedback::add_route(&app, &xa, "86", rule.clone()).await,
        Err(AppError::Forbidden(_))
    ));
    feedback::add_route(&app, &tinh, "86", rule).await.unwrap();
    let lit = feedback::file_report(&app, &anon, form(&app, "tok-4", "chieu-sang").await)
        .await
        .unwrap();
    assert_eq!(lit.responsible_code, "28756");

    // The inbox of An Bình: reports 1 and 3 (2 and 4 are Phú Khương's), newest first.
    let page = feedback::inbox(&app, &xa, InboxQuery::default())
        .await
        .unwrap();
    let codes: Vec<&str> = page.rows.iter().map(|r| r.tracking_code.as_str()).collect();
    assert_eq!(
        codes,
        vec![three.tracking_code.as_str(), one.tracking_code.as_str()]
    );
    let open = feedback::inbox(
        &app,
        &xa2,
        InboxQuery {
            status: "open".into(),
            ..InboxQuery::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(open.rows.len(), 2);

    // Measures of An Bình today, by hand: received 2 (1 and 3); on time 1 of 1 (3 is merged,
    // not counted); one resolved; rated 5 → 100 % satisfied.
    let today = ntm_app::today();
    let m = feedback::measures(&app, &xa, "29584", today, today)
        .await
        .unwrap()
        .measures;
    assert_eq!(m.received.value, Some(2.0));
    assert_eq!(m.on_time.ids, vec![one.id]);
    assert_eq!(m.on_time.value, Some(100.0));
    assert_eq!(m.mean_days_to_resolve.ids, vec![one.id]);
    assert_eq!(m.satisfied.value, Some(100.0));
    assert_eq!(m.mean_rating.value, Some(5.0));
    assert!(matches!(
        feedback::measures(&app, &xa2, "29584", today, today).await,
        Err(AppError::Forbidden(_))
    ));

    // Every write is audited.
    let audit = app.db_for_tests().audit_page(0, 10_000).await.unwrap();
    let n = |a: &str| audit.iter().filter(|e| e.action == a).count();
    assert_eq!(n("feedback.file"), 4);
    assert_eq!(n("feedback.resolve"), 1);
    assert_eq!(n("feedback.transfer"), 1);
    assert_eq!(n("feedback.merge"), 1);
    assert_eq!(n("feedback.rate"), 1);
    assert_eq!(n("feedback.route.add"), 1);
});
