//! Dossiers: round trip, append-only events with an expected seq, listing by subtree.

use ntm_domain::text::search_key;
use ntm_domain::units::{Level, Unit};
use ntm_store::{Db, DossierEventRecord, DossierRecord, StoreError};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entry;

fn unit(code: &str, level: Level, parent: Option<&str>, path: &str) -> Unit {
    Unit {
        id: Uuid::now_v7(),
        code: code.into(),
        name: format!("Xã {code}"),
        kind: "Xã".into(),
        level,
        parent_code: parent.map(Into::into),
        path: path.into(),
        province_code: path.trim_matches('/').split('/').next().unwrap().into(),
        region: None,
        valid_from: None,
        valid_to: None,
        search_key: search_key(&format!("Xã {code}")),
    }
}

fn dossier(u: &Unit) -> DossierRecord {
    let now = OffsetDateTime::now_utc();
    DossierRecord {
        id: Uuid::now_v7(),
        unit_id: u.id,
        unit_code: u.code.clone(),
        province_code: u.province_code.clone(),
        set_id: "xa-ntm-2021-2025".into(),
        year: 2025,
        kind: "commune_ntm".into(),
        period: "from_july_2025".into(),
        state: "preparing".into(),
        data: r#"{"state":"preparing"}"#.into(),
        version: 0,
        created_by: "xa".into(),
        created_at: now,
        updated_at: now,
    }
}

fn event(d: &DossierRecord, seq: i64, action: &str, from: &str, to: &str) -> DossierEventRecord {
    DossierEventRecord {
        id: Uuid::now_v7(),
        dossier_id: d.id,
        seq,
        action: action.into(),
        from_state: from.into(),
        to_state: to.into(),
        role: "commune_officer".into(),
        actor: "xa".into(),
        event_date: "2025-08-01".into(),
        payload: r#"{"action":"start_posting"}"#.into(),
        created_at: OffsetDateTime::now_utc(),
    }
}

ntm_testkit::both_backends!(dossier_round_trip_and_events, |db: Db| async move {
    let p = unit("86", Level::Province, None, "/86/");
    let a = unit("29374", Level::Commune, Some("86"), "/86/29374/");
    db.insert_units(&[p, a.clone()], entry("units", "x"))
        .await
        .unwrap();
    let d = dossier(&a);
    let stored = db
        .insert_dossier(&d, entry("dossier.create", "d"))
        .await
        .unwrap();
    assert_eq!(db.dossier(d.id).await.unwrap(), Some(stored.clone()));
    assert_eq!(db.dossier(Uuid::now_v7()).await.unwrap(), None);
    // A second insert with the same id conflicts.
    assert!(matches!(
        db.insert_dossier(&d, entry("dossier.create", "d")).await,
        Err(StoreError::Conflict(_))
    ));

    let e1 = event(&d, 1, "start_posting", "preparing", "public_posting");
    let after = db
        .append_dossier_event(
            0,
            "public_posting",
            r#"{"state":"public_posting"}"#,
            &e1,
            entry("dossier.act", "d"),
        )
        .await
        .unwrap();
    assert_eq!(after.version, 1);
    assert_eq!(after.state, "public_posting");
    assert_eq!(after.data, r#"{"state":"public_posting"}"#);
    let events = db.dossier_events(d.id).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0],
        DossierEventRecord {
            created_at: ntm_store::db_time(e1.created_at),
            ..e1.clone()
        }
    );
    // A stale version is refused and writes nothing (neither event nor audit entry).
    let audit_before = db.audit_count().await.unwrap();
    let stale = event(&d, 1, "start_posting", "preparing", "public_posting");
    assert!(matches!(
        db.append_dossier_event(0, "x", "{}", &stale, entry("dossier.act", "d"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    // seq must follow the expected version.
    assert!(matches!(
        db.append_dossier_event(1, "x", "{}", &stale, entry("dossier.act", "d"))
            .await,
        Err(StoreError::Integrity(_))
    ));
    let ghost = DossierRecord {
        id: Uuid::now_v7(),
        ..d.clone()
    };
    assert!(matches!(
        db.append_dossier_event(
            0,
            "x",
            "{}",
            &event(&ghost, 1, "a", "b", "c"),
            entry("dossier.act", "d")
        )
        .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(db.audit_count().await.unwrap(), audit_before);
    assert_eq!(db.dossier_events(d.id).await.unwrap().len(), 1);
    assert_eq!(
        db.dossier(d.id).await.unwrap().unwrap().state,
        "public_posting"
    );
});

ntm_testkit::both_backends!(concurrent_dossier_actions_conflict, |db: Db| async move {
    let p = unit("86", Level::Province, None, "/86/");
    let a = unit("29374", Level::Commune, Some("86"), "/86/29374/");
    db.insert_units(&[p, a.clone()], entry("units", "x"))
        .await
        .unwrap();
    let d = dossier(&a);
    db.insert_dossier(&d, entry("dossier.create", "d"))
        .await
        .unwrap();
    // Two officers act on version 0 at once: exactly one wins.
    let (e1, e2) = (
        event(&d, 1, "start_posting", "preparing", "public_posting"),
        event(&d, 1, "start_posting", "preparing", "public_posting"),
    );
    let (x, y) = tokio::join!(
        db.append_dossier_event(0, "public_posting", "{}", &e1, entry("dossier.act", "x")),
        db.append_dossier_event(0, "public_posting", "{}", &e2, entry("dossier.act", "y")),
    );
    let results = [x, y];
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert!(
        results
            .iter()
            .any(|r| matches!(r, Err(StoreError::Conflict(_)))),
        "{results:?}"
    );
    assert_eq!(db.dossier_events(d.id).await.unwrap().len(), 1);
    // units + create + one transition
    assert_eq!(db.audit_count().await.unwrap(), 3);
});

ntm_testkit::both_backends!(dossiers_listed_by_subtree, |db: Db| async move {
    let p86 = unit("86", Level::Province, None, "/86/");
    let a = unit("29374", Level::Commune, Some("86"), "/86/29374/");
    let b = unit("29375", Level::Commune, Some("86"), "/86/29375/");
    let p8 = unit("8", Level::Province, None, "/8/");
    let c = unit("00100", Level::Commune, Some("8"), "/8/00100/");
    db.insert_units(
        &[p86, a.clone(), b.clone(), p8, c.clone()],
        entry("units", "x"),
    )
    .await
    .unwrap();
    let (da, db_, dc) = (dossier(&a), dossier(&b), dossier(&c));
    for d in [&da, &db_, &dc] {
        db.insert_dossier(d, entry("dossier.create", "d"))
            .await
            .unwrap();
    }
    let ids = |v: Vec<DossierRecord>| {
        let mut v: Vec<Uuid> = v.into_iter().map(|d| d.id).collect();
        v.sort();
        v
    };
    let mut both = vec![da.id, db_.id];
    both.sort();
    assert_eq!(ids(db.dossiers_in_subtree("/86/").await.unwrap()), both);
    assert_eq!(
        ids(db.dossiers_in_subtree("/86/29374/").await.unwrap()),
        vec![da.id]
    );
    // "/8/" is not a prefix of "/86/".
    assert_eq!(
        ids(db.dossiers_in_subtree("/8/").await.unwrap()),
        vec![dc.id]
    );
    assert_eq!(db.dossiers_in_subtree("/").await.unwrap().len(), 3);
    assert!(db.dossiers_in_subtree("/9%/").await.unwrap().is_empty());
});

ntm_testkit::both_backends!(
    dossiers_of_earlier_records_follow_the_unit,
    |db: Db| async move {
        let boundary = time::macros::date!(2025 - 07 - 01);
        let p84 = Unit {
            valid_to: Some(boundary),
            ..unit("84", Level::Province, None, "/84/")
        };
        let d847 = Unit {
            valid_to: Some(boundary),
            ..unit("847", Level::District, Some("84"), "/84/847/")
        };
        let old = Unit {
            valid_to: Some(boundary),
            ..unit("29374", Level::Commune, Some("847"), "/84/847/29374/")
        };
        let p86 = unit("86", Level::Province, None, "/86/");
        let new = Unit {
            valid_from: Some(boundary),
            ..unit("29374", Level::Commune, Some("86"), "/86/29374/")
        };
        db.insert_units(
            &[p84, d847, old.clone(), p86, new.clone()],
            entry("units", "x"),
        )
        .await
        .unwrap();
        // A 2024 dossier on the earlier record, a 2026 one on today's.
        let (d_old, d_new) = (dossier(&old), dossier(&new));
        for d in [&d_old, &d_new] {
            db.insert_dossier(d, entry("dossier.create", "d"))
                .await
                .unwrap();
        }
        let n = |v: Vec<DossierRecord>| v.len();
        assert_eq!(n(db.dossiers_in_subtree("/86/").await.unwrap()), 2);
        assert_eq!(n(db.dossiers_in_subtree("/86/29374/").await.unwrap()), 2);
        let old_only = db.dossiers_in_subtree("/84/847/").await.unwrap();
        assert_eq!(old_only.len(), 1);
        assert_eq!(old_only[0].id, d_old.id);
    }
);
