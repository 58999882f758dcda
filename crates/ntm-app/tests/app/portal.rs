//! The commune portal on the official unit lists: officers of the commune write, preview,
//! publish and unpublish posts (HTML sanitized, photos checked by content), add programmes
//! and mark them held; officers elsewhere and viewers are refused; bad input is refused with
//! every problem at once and nothing written; every write is audited; the DX figures equal
//! hand counts and drill down to the records behind them.

use ntm_app::portal::{self, PostForm, ProgrammeForm, SegmentForm, Upload};
use ntm_app::{Actor, AppError};
use ntm_testkit::{Db, both_backends};
use time::Duration;

use crate::{app, reference, user};

fn png() -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    v.extend([0u8; 32]);
    v
}

fn fields(e: AppError) -> Vec<String> {
    match e {
        AppError::Validation(v) => v.into_iter().map(|f| f.field).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

async fn audit_actions(app: &ntm_app::App) -> Vec<String> {
    app.db_for_tests()
        .audit_page(0, 100_000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a.starts_with("portal."))
        .collect()
}

fn dx_programme(day: time::Date) -> ProgrammeForm {
    ProgrammeForm {
        air_date: day.to_string(),
        air_time: "06:30".into(),
        title: "Bản tin sáng".into(),
        segments: vec![
            SegmentForm {
                topic: "Hướng dẫn dịch vụ công trực tuyến".into(),
                dx: true,
            },
            SegmentForm {
                topic: "Lịch tiêm phòng".into(),
                dx: false,
            },
            SegmentForm::default(),
        ],
    }
}

both_backends!(portal_posts_schedule_and_measures, |db: Db| async move {
    let mut app = app(db);
    app.config.data_dir = std::env::temp_dir().join(format!("ntm-portal-{}", uuid::Uuid::now_v7()));
    reference(&app).await;
    let xa = user(&app, "xa.portal", "commune_officer@29584").await;
    let xa2 = user(&app, "xa.khac", "commune_officer@28756").await;
    let viewer = user(&app, "xem.portal", "viewer@86").await;
    let anon = Actor::Anonymous {
        origin: "203.0.113.9".into(),
    };

    // Every problem at once, nothing written.
    let bad = PostForm {
        title: "  ".into(),
        body: "<script>alert(1)</script>".into(),
        category: "khong-co".into(),
        photos: vec![Upload {
            name: "a.gif".into(),
            bytes: b"GIF89a....".to_vec(),
        }],
    };
    let f = fields(portal::new_post(&app, &xa, "29584", bad).await.unwrap_err());
    for want in ["title", "body", "category", "photos"] {
        assert!(f.contains(&want.to_string()), "{want} in {f:?}");
    }
    assert!(audit_actions(&app).await.is_empty());

    // Refused outside the unit, for a viewer, and without login; nothing written.
    let good = PostForm {
        title: "Hướng dẫn cài VNeID".into(),
        body: "<p onclick=\"x()\">Bà con <b>mang CCCD</b></p><script>alert(1)</script>".into(),
        category: "chuyen-doi-so".into(),
        photos: vec![Upload {
            name: "anh.png".into(),
            bytes: png(),
        }],
    };
    for (who, want_forbidden) in [(&xa2, true), (&viewer, true), (&anon, false)] {
        let e = portal::new_post(&app, who, "29584", good.clone())
            .await
            .unwrap_err();
        assert!(
            matches!(
                (&e, want_forbidden),
                (AppError::Forbidden(_), true) | (AppError::Unauthorized(_), false)
            ),
            "{e:?}"
        );
    }
    assert!(audit_actions(&app).await.is_empty());

    // Preview: sanitized, nothing written.
    let pv = portal::preview_post(&app, &xa, "29584", &good)
        .await
        .unwrap();
    assert!(pv.body_html.contains("<b>mang CCCD</b>"));
    assert!(!pv.body_html.contains("script") && !pv.body_html.contains("onclick"));
    assert!(audit_actions(&app).await.is_empty());

    // A draft, then published; the public sees it only once published.
    let post = portal::new_post(&app, &xa, "29584", good.clone())
        .await
        .unwrap();
    assert_eq!(post.status, "draft");
    assert!(!post.body.contains("script"));
    assert!(portal::public_post(&app, post.id).await.is_err());
    let page = portal::commune_portal(&app, "29584", None).await.unwrap();
    assert!(page.posts.is_empty());
    // Another commune's officer cannot publish it.
    assert!(matches!(
        portal::set_published(&app, &xa2, post.id, 1, true)
            .await
            .unwrap_err(),
        AppError::Forbidden(_)
    ));
    let published = portal::set_published(&app, &xa, post.id, 1, true)
        .await
        .unwrap();
    assert_eq!(published.published_on, Some(ntm_app::today()));
    // A stale version is a conflict, nothing written.
    assert!(matches!(
        portal::update_post(&app, &xa, post.id, 1, good.clone())
            .await
            .unwrap_err(),
        AppError::Conflict(_)
    ));
    let shown = portal::public_post(&app, post.id).await.unwrap();
    assert_eq!(shown.photos.len(), 1);
    let photo = portal::photo(&app, shown.photos[0].id).await.unwrap();
    assert_eq!(photo.content_type, "image/png");
    assert_eq!(photo.bytes, png());
    let page = portal::commune_portal(&app, "29584", Some("chuyen-doi-so"))
        .await
        .unwrap();
    assert_eq!(page.posts.len(), 1);
    assert!(
        portal::commune_portal(&app, "29584", Some("tin-tuc"))
            .await
            .unwrap()
            .posts
            .is_empty()
    );
    assert!(
        portal::commune_portal(&app, "29584", Some("khong-co"))
            .await
            .is_err()
    );
    let province = portal::province_portal(&app, "86").await.unwrap();
    assert_eq!(province.posts.len(), 1);
    assert_eq!(province.posts[0].commune_name, page.unit.name);

    // A second DX post published, and a news post (not counted).
    let mut second = good.clone();
    second.title = "Thanh toán không dùng tiền mặt".into();
    second.photos.clear();
    let p2 = portal::new_post(&app, &xa, "29584", second).await.unwrap();
    portal::set_published(&app, &xa, p2.id, 1, true)
        .await
        .unwrap();
    let mut news = good.clone();
    news.category = "tin-tuc".into();
    news.photos.clear();
    let p3 = portal::new_post(&app, &xa, "29584", news).await.unwrap();
    portal::set_published(&app, &xa, p3.id, 1, true)
        .await
        .unwrap();
    // Unpublished again: back to a draft, out of the figures.
    let p4 = portal::new_post(
        &app,
        &xa,
        "29584",
        PostForm {
            photos: vec![],
            ..good.clone()
        },
    )
    .await
    .unwrap();
    portal::set_published(&app, &xa, p4.id, 1, true)
        .await
        .unwrap();
    portal::set_published(&app, &xa, p4.id, 2, false)
        .await
        .unwrap();

    // Programmes: bad input refused at once, nothing written.
    let before = audit_actions(&app).await.len();
    let e = portal::add_programme(
        &app,
        &xa,
        "29584",
        ProgrammeForm {
            air_date: "31/02/2026".into(),
            air_time: "25:00".into(),
            title: String::new(),
            segments: vec![SegmentForm::default()],
        },
    )
    .await
    .unwrap_err();
    let f = fields(e);
    for want in ["air_date", "air_time", "title", "segments"] {
        assert!(f.contains(&want.to_string()), "{want} in {f:?}");
    }
    assert_eq!(audit_actions(&app).await.len(), before);
    assert!(matches!(
        portal::add_programme(&app, &xa2, "29584", dx_programme(ntm_app::today()))
            .await
            .unwrap_err(),
        AppError::Forbidden(_)
    ));

    let today = ntm_app::today();
    let held = portal::add_programme(&app, &xa, "29584", dx_programme(today))
        .await
        .unwrap();
    assert!(held.has_dx());
    assert_eq!(held.segments.len(), 2);
    let mut plain = dx_programme(today);
    plain.segments.remove(0);
    let not_dx = portal::add_programme(&app, &xa, "29584", plain)
        .await
        .unwrap();
    let tomorrow =
        portal::add_programme(&app, &xa, "29584", dx_programme(today + Duration::days(1)))
            .await
            .unwrap();
    // Held: refused before the air day, by another commune, with a note too long.
    assert_eq!(
        fields(
            portal::mark_held(&app, &xa, tomorrow.programme.id, "")
                .await
                .unwrap_err()
        ),
        vec!["note"]
    );
    assert!(matches!(
        portal::mark_held(&app, &xa2, held.programme.id, "")
            .await
            .unwrap_err(),
        AppError::Forbidden(_)
    ));
    assert_eq!(
        fields(
            portal::mark_held(&app, &xa, held.programme.id, &"x".repeat(2000))
                .await
                .unwrap_err()
        ),
        vec!["note"]
    );
    portal::mark_held(&app, &xa, held.programme.id, "Phát đủ 10 phút")
        .await
        .unwrap();
    portal::mark_held(&app, &xa, not_dx.programme.id, "")
        .await
        .unwrap();
    assert!(matches!(
        portal::mark_held(&app, &xa, held.programme.id, "")
            .await
            .unwrap_err(),
        AppError::Conflict(_)
    ));
    let sched = portal::schedule(&app, &xa, "29584", today, today + Duration::days(7))
        .await
        .unwrap();
    assert_eq!(sched.programmes.len(), 3);
    let page = portal::commune_portal(&app, "29584", None).await.unwrap();
    assert_eq!(page.upcoming.len(), 3);

    // Measures equal the hand count: 2 DX posts this month, 1 week with a DX segment held.
    let d = portal::dx_drilldown(&app, "29584", today, today)
        .await
        .unwrap();
    assert_eq!(d.figures.months.len(), 1);
    let mut want_posts = vec![post.id, p2.id];
    want_posts.sort();
    let mut got_posts = d.figures.months[0].posts.clone();
    got_posts.sort();
    assert_eq!(got_posts, want_posts);
    assert_eq!(d.posts.len(), 2);
    assert_eq!(d.figures.weeks_held(), 1);
    assert_eq!(d.figures.weeks[0].programmes, vec![held.programme.id]);
    assert_eq!(d.programmes.len(), 1);
    assert_eq!(
        d.programmes[0].programme.held_note.as_deref(),
        Some("Phát đủ 10 phút")
    );
    assert_eq!(page.figures.posts().len(), 2);
    assert_eq!(page.figures.weeks_held(), 1);

    // Every write audited, once.
    let actions = audit_actions(&app).await;
    let count = |a: &str| actions.iter().filter(|x| *x == a).count();
    assert_eq!(count("portal.post.create"), 4);
    assert_eq!(count("portal.post.publish"), 4);
    assert_eq!(count("portal.post.unpublish"), 1);
    assert_eq!(count("portal.programme.create"), 3);
    assert_eq!(count("portal.programme.held"), 2);
});
