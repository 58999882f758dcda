//! Migration 0016: login throttling counters (compare-and-swap on a version) and survey
//! household phone lists.

use ntm_domain::login_throttle::Counter;
use ntm_domain::text::search_key;
use ntm_domain::units::{Level, Unit};
use ntm_store::{Db, SurveyCampaignRecord};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::entry;

ntm_testkit::both_backends!(throttle_counters_swap_once, |db: Db| async move {
    let t0 = datetime!(2026-01-01 00:00:00.123456 UTC);
    let c1 = Counter {
        failures: 1,
        window_start: t0,
        next_at: t0 + Duration::seconds(1),
    };
    assert_eq!(db.throttle_get("k").await.unwrap(), None);
    // Two attempts saw "absent": only one insert wins.
    assert!(db.throttle_swap("k", None, &c1).await.unwrap());
    assert!(!db.throttle_swap("k", None, &c1).await.unwrap());
    let (read, v) = db.throttle_get("k").await.unwrap().unwrap();
    assert_eq!(read, c1);
    // Two attempts saw version v: only one update wins.
    let c2 = Counter { failures: 2, ..c1 };
    assert!(db.throttle_swap("k", Some(v), &c2).await.unwrap());
    assert!(!db.throttle_swap("k", Some(v), &c2).await.unwrap());
    let (read, v2) = db.throttle_get("k").await.unwrap().unwrap();
    assert_eq!((read.failures, v2), (2, v + 1));
    // A success gives one back; clearing forgets; pruning drops old windows.
    db.throttle_release("k").await.unwrap();
    assert_eq!(db.throttle_get("k").await.unwrap().unwrap().0.failures, 1);
    db.throttle_clear("k").await.unwrap();
    assert_eq!(db.throttle_get("k").await.unwrap(), None);
    assert!(db.throttle_swap("old", None, &c1).await.unwrap());
    assert_eq!(
        db.prune_login_throttle(t0 + Duration::hours(1))
            .await
            .unwrap(),
        1
    );
});

ntm_testkit::both_backends!(survey_phone_lists_replace_and_toggle, |db: Db| async move {
    let u = Unit {
        id: Uuid::now_v7(),
        code: "29374".into(),
        name: "Xã 29374".into(),
        kind: "Xã".into(),
        level: Level::Commune,
        parent_code: None,
        path: "/29374/".into(),
        province_code: "84".into(),
        region: None,
        valid_from: None,
        valid_to: None,
        search_key: search_key("Xã 29374"),
    };
    db.insert_units(std::slice::from_ref(&u), entry("units", "x"))
        .await
        .unwrap();
    let now = OffsetDateTime::now_utc();
    let rec = SurveyCampaignRecord {
        id: Uuid::now_v7(),
        code: "PHN123".into(),
        unit_id: u.id,
        unit_code: u.code.clone(),
        set_id: "xa-ntm-2021-2025".into(),
        year: 2025,
        title: "Lấy ý kiến".into(),
        questionnaire: "{}".into(),
        opens_at: now,
        closes_at: now + Duration::days(10),
        status: "draft".into(),
        created_by: "xa".into(),
        created_at: now,
        updated_at: now,
    };
    let c = db
        .insert_survey_campaign(&rec, entry("survey.create", "s"))
        .await
        .unwrap();
    assert_eq!(db.survey_phone_list(c.id).await.unwrap(), None);
    let rows = vec![
        ("p:aa".to_string(), "29374-01".to_string()),
        ("p:bb".to_string(), "29374-02".to_string()),
    ];
    db.replace_survey_phones(
        c.id,
        &rows,
        true,
        "xa",
        now,
        entry("survey.phones_import", "s"),
    )
    .await
    .unwrap();
    let l = db.survey_phone_list(c.id).await.unwrap().unwrap();
    assert_eq!((l.enabled, l.phones), (true, 2));
    assert_eq!(
        db.survey_phone_hamlet(c.id, "p:bb")
            .await
            .unwrap()
            .as_deref(),
        Some("29374-02")
    );
    assert_eq!(db.survey_phone_hamlet(c.id, "p:cc").await.unwrap(), None);
    // Off: the list stays.
    db.set_survey_phones_enabled(c.id, false, "xa", now, entry("survey.phones_disable", "s"))
        .await
        .unwrap();
    let l = db.survey_phone_list(c.id).await.unwrap().unwrap();
    assert_eq!((l.enabled, l.phones), (false, 2));
    // A new list replaces the old one; a number twice is refused, nothing written.
    let dup = vec![
        ("p:cc".to_string(), "29374-01".to_string()),
        ("p:cc".to_string(), "29374-02".to_string()),
    ];
    assert!(
        db.replace_survey_phones(
            c.id,
            &dup,
            true,
            "xa",
            now,
            entry("survey.phones_import", "s")
        )
        .await
        .is_err()
    );
    assert_eq!(db.survey_phone_list(c.id).await.unwrap().unwrap().phones, 2);
    db.replace_survey_phones(
        c.id,
        &dup[..1],
        true,
        "xa",
        now,
        entry("survey.phones_import", "s"),
    )
    .await
    .unwrap();
    assert_eq!(db.survey_phone_hamlet(c.id, "p:aa").await.unwrap(), None);
    let l = db.survey_phone_list(c.id).await.unwrap().unwrap();
    assert_eq!((l.enabled, l.phones), (true, 1));
});
