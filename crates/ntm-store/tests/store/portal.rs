//! The commune portal: posts written with their photos and audit entry, updated on the
//! version seen (a stale save is refused and writes nothing), listed newest first with the
//! public filters; programmes with their segments, marked held once.

use ntm_store::{
    Db, PortalPhotoRecord, PortalPostFilter, PortalPostRecord, PortalProgrammeRecord,
    PortalSegmentRecord, StoreError, db_time,
};
use time::macros::date;
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

use crate::entry;

fn post(unit: &str, category: &str, published: Option<(OffsetDateTime, Date)>) -> PortalPostRecord {
    let now = db_time(OffsetDateTime::now_utc());
    PortalPostRecord {
        id: Uuid::now_v7(),
        unit_code: unit.into(),
        unit_path: format!("/84/847/{unit}/"),
        province_code: "84".into(),
        title: format!("Bài {category}"),
        body: "<p>Nội dung</p>".into(),
        category: category.into(),
        status: if published.is_some() {
            "published"
        } else {
            "draft"
        }
        .into(),
        published_at: published.map(|p| db_time(p.0)),
        published_on: published.map(|p| p.1),
        author: "xa.tester".into(),
        created_at: now,
        updated_at: now,
        version: 1,
    }
}

async fn audits(db: &Db, action: &str) -> usize {
    db.audit_page(0, 1000)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == action)
        .count()
}

ntm_testkit::both_backends!(portal_posts, |db: Db| async move {
    let t0 = db_time(OffsetDateTime::now_utc()) - Duration::days(3);
    let a = post("29374", "chuyen-doi-so", Some((t0, date!(2026 - 03 - 10))));
    let photo = PortalPhotoRecord {
        id: Uuid::now_v7(),
        post_id: a.id,
        sha256: "ab".repeat(32),
        content_type: "image/png".into(),
        size: 10,
        created_at: db_time(OffsetDateTime::now_utc()),
    };
    db.insert_portal_post(&a, std::slice::from_ref(&photo), entry("portal.post", "a"))
        .await
        .unwrap();
    let b = post(
        "29374",
        "tin-tuc",
        Some((t0 + Duration::days(1), date!(2026 - 03 - 11))),
    );
    db.insert_portal_post(&b, &[], entry("portal.post", "b"))
        .await
        .unwrap();
    let draft = post("29374", "chuyen-doi-so", None);
    db.insert_portal_post(&draft, &[], entry("portal.post", "d"))
        .await
        .unwrap();
    let other = post("29377", "chuyen-doi-so", Some((t0, date!(2026 - 03 - 10))));
    db.insert_portal_post(&other, &[], entry("portal.post", "o"))
        .await
        .unwrap();
    assert_eq!(audits(&db, "portal.post").await, 4);

    assert_eq!(db.portal_post(a.id).await.unwrap().unwrap(), a);
    assert_eq!(
        db.portal_post_photos(a.id).await.unwrap(),
        vec![photo.clone()]
    );
    assert_eq!(db.portal_photo(photo.id).await.unwrap(), Some(photo));

    let public = |category: Option<&str>| PortalPostFilter {
        unit_code: Some("29374".into()),
        published_only: true,
        category: category.map(str::to_string),
        limit: 10,
        ..PortalPostFilter::default()
    };
    let ids = |v: Vec<PortalPostRecord>| v.into_iter().map(|p| p.id).collect::<Vec<_>>();
    assert_eq!(
        ids(db.portal_posts(&public(None)).await.unwrap()),
        vec![b.id, a.id]
    );
    assert_eq!(
        ids(db
            .portal_posts(&public(Some("chuyen-doi-so")))
            .await
            .unwrap()),
        vec![a.id]
    );
    let all = PortalPostFilter {
        unit_code: Some("29374".into()),
        limit: 10,
        ..PortalPostFilter::default()
    };
    assert_eq!(db.portal_posts(&all).await.unwrap().len(), 3);
    let province = PortalPostFilter {
        province_code: Some("84".into()),
        published_only: true,
        published_from: Some(date!(2026 - 03 - 10)),
        published_to: Some(date!(2026 - 03 - 10)),
        limit: 10,
        ..PortalPostFilter::default()
    };
    let mut got = ids(db.portal_posts(&province).await.unwrap());
    got.sort();
    let mut want = vec![a.id, other.id];
    want.sort();
    assert_eq!(got, want);
    assert_eq!(
        ids(db
            .portal_posts_by_ids(&[other.id, a.id, Uuid::now_v7()])
            .await
            .unwrap()),
        vec![other.id, a.id]
    );

    // Publish the draft on version 1; a second save on version 1 is refused, nothing written.
    let mut published = draft.clone();
    published.status = "published".into();
    published.published_at = Some(db_time(OffsetDateTime::now_utc()));
    published.published_on = Some(date!(2026 - 03 - 12));
    db.update_portal_post(&published, 1, &[], entry("portal.publish", "d"))
        .await
        .unwrap();
    let stored = db.portal_post(draft.id).await.unwrap().unwrap();
    assert_eq!(stored.version, 2);
    assert_eq!(stored.status, "published");
    let mut stale = published.clone();
    stale.title = "Cũ".into();
    let err = db
        .update_portal_post(&stale, 1, &[], entry("portal.publish", "d"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_ne!(db.portal_post(draft.id).await.unwrap().unwrap().title, "Cũ");
    assert_eq!(audits(&db, "portal.publish").await, 1);
    let mut ghost = published.clone();
    ghost.id = Uuid::now_v7();
    assert!(matches!(
        db.update_portal_post(&ghost, 1, &[], entry("portal.publish", "g"))
            .await
            .unwrap_err(),
        StoreError::NotFound
    ));
});

ntm_testkit::both_backends!(portal_programmes, |db: Db| async move {
    let prog = |air: Date, time: &str| PortalProgrammeRecord {
        id: Uuid::now_v7(),
        unit_code: "29374".into(),
        unit_path: "/84/847/29374/".into(),
        air_date: air,
        air_time: time.into(),
        title: "Bản tin sáng".into(),
        held_at: None,
        held_by: None,
        held_note: None,
        created_at: db_time(OffsetDateTime::now_utc()),
        created_by: "xa.tester".into(),
    };
    let p1 = prog(date!(2026 - 03 - 10), "17:00");
    let p2 = prog(date!(2026 - 03 - 10), "06:30");
    let p3 = prog(date!(2026 - 03 - 20), "06:30");
    let segs = vec![
        PortalSegmentRecord {
            programme_id: p1.id,
            seq: 1,
            topic: "Dịch vụ công trực tuyến".into(),
            dx: true,
        },
        PortalSegmentRecord {
            programme_id: p1.id,
            seq: 2,
            topic: "Thời tiết".into(),
            dx: false,
        },
    ];
    db.insert_portal_programme(&p1, &segs, entry("portal.programme", "1"))
        .await
        .unwrap();
    db.insert_portal_programme(&p2, &[], entry("portal.programme", "2"))
        .await
        .unwrap();
    db.insert_portal_programme(&p3, &[], entry("portal.programme", "3"))
        .await
        .unwrap();
    let listed: Vec<Uuid> = db
        .portal_programmes("29374", date!(2026 - 03 - 01), date!(2026 - 03 - 15))
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(listed, vec![p2.id, p1.id]);
    assert_eq!(db.portal_segments(&[p1.id, p2.id]).await.unwrap(), segs);
    assert_eq!(
        db.portal_programmes_by_ids(&[p3.id, p1.id]).await.unwrap(),
        vec![p3.clone(), p1.clone()]
    );

    let at = db_time(OffsetDateTime::now_utc());
    db.mark_portal_programme_held(
        p1.id,
        at,
        "xa.tester",
        "Phát đủ 15 phút",
        entry("portal.held", "1"),
    )
    .await
    .unwrap();
    let held = db.portal_programme(p1.id).await.unwrap().unwrap();
    assert_eq!(held.held_at, Some(at));
    assert_eq!(held.held_by.as_deref(), Some("xa.tester"));
    assert_eq!(held.held_note.as_deref(), Some("Phát đủ 15 phút"));
    // Marked once: the second mark is refused and changes nothing.
    let err = db
        .mark_portal_programme_held(
            p1.id,
            at + Duration::hours(1),
            "khac",
            "",
            entry("portal.held", "1"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(db.portal_programme(p1.id).await.unwrap().unwrap(), held);
    assert!(matches!(
        db.mark_portal_programme_held(Uuid::now_v7(), at, "x", "", entry("portal.held", "x"))
            .await
            .unwrap_err(),
        StoreError::NotFound
    ));
    assert_eq!(audits(&db, "portal.held").await, 1);
});
