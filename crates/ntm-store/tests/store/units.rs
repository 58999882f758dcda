//! Units over time: snapshots, validity, hierarchy queries, search, lineage, hamlets.

use std::time::Instant;

use ntm_domain::snapshot::SnapshotPlan;
use ntm_domain::text::search_key;
use ntm_domain::units::{Level, Lineage, LineageKind, Region, Unit};
use ntm_store::{Db, SnapshotRecord, StoreError};
use time::macros::date;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::entry;

const REFORM: Date = date!(2025 - 07 - 01);
const BEFORE: Date = date!(2024 - 01 - 01);

fn unit(
    code: &str,
    name: &str,
    level: Level,
    parent: Option<&str>,
    path: &str,
    from: Option<Date>,
) -> Unit {
    let kind = name.split(' ').next().unwrap_or_default().to_string();
    Unit {
        id: Uuid::now_v7(),
        code: code.into(),
        name: name.into(),
        kind,
        level,
        parent_code: parent.map(Into::into),
        path: path.into(),
        province_code: path.split('/').nth(1).unwrap().into(),
        region: (level == Level::Province).then_some(Region::DBSCL),
        valid_from: from,
        valid_to: None,
        search_key: search_key(name),
    }
}

fn record(date: Date, plan: &SnapshotPlan) -> SnapshotRecord {
    SnapshotRecord {
        id: Uuid::now_v7(),
        snapshot_date: date,
        source: format!("units-{date}.csv"),
        sha256: "ab".repeat(32),
        applied_at: OffsetDateTime::now_utc(),
        opened: plan.open.len() as i64,
        closed: plan.close.len() as i64,
        lineage: plan.lineage.len() as i64,
        unchanged: plan.unchanged as i64,
    }
}

fn link(from: &Unit, to: &Unit, kind: LineageKind) -> Lineage {
    Lineage {
        id: Uuid::now_v7(),
        from_unit: from.id,
        to_unit: to.id,
        kind,
        effective: REFORM,
        note: format!("{} → {}", from.name, to.name),
    }
}

/// The fixture: a 3-level hierarchy of unknown start, then the 2025 reform.
struct World {
    p84: Unit,
    d842: Unit,
    c28756: Unit,
    c28759: Unit,
    c28800: Unit,
    p86_new: Unit,
    c28756_new: Unit,
    c28800_new: Unit,
}

async fn load(db: &Db) -> World {
    let p84 = unit("84", "Tỉnh Trà Vinh", Level::Province, None, "/84/", None);
    let d842 = unit(
        "842",
        "Huyện Càng Long",
        Level::District,
        Some("84"),
        "/84/842/",
        None,
    );
    let c28756 = unit(
        "28756",
        "Xã Tân Hòa",
        Level::Commune,
        Some("842"),
        "/84/842/28756/",
        None,
    );
    let c28759 = unit(
        "28759",
        "Xã Tanxhoa",
        Level::Commune,
        Some("842"),
        "/84/842/28759/",
        None,
    );
    let d843 = unit(
        "843",
        "Huyện Cầu Kè",
        Level::District,
        Some("84"),
        "/84/843/",
        None,
    );
    let c28800 = unit(
        "28800",
        "Xã Hòa Ân",
        Level::Commune,
        Some("843"),
        "/84/843/28800/",
        None,
    );
    let p86 = unit("86", "Tỉnh Vĩnh Long", Level::Province, None, "/86/", None);
    let first = SnapshotPlan {
        open: vec![
            p84.clone(),
            d842.clone(),
            c28756.clone(),
            c28759.clone(),
            d843.clone(),
            c28800.clone(),
            p86.clone(),
        ],
        ..Default::default()
    };
    db.apply_snapshot(
        &first,
        &record(date!(2023 - 05 - 07), &first),
        entry("units.snapshot", "2023"),
    )
    .await
    .unwrap();

    let p86_new = unit(
        "86",
        "Tỉnh Vĩnh Long",
        Level::Province,
        None,
        "/86/",
        Some(REFORM),
    );
    let c28756_new = unit(
        "28756",
        "Xã Tân Hòa",
        Level::Commune,
        Some("86"),
        "/86/28756/",
        Some(REFORM),
    );
    let c28800_new = unit(
        "28800",
        "Xã Hòa Ân",
        Level::Commune,
        Some("86"),
        "/86/28800/",
        Some(REFORM),
    );
    let second = SnapshotPlan {
        close: first.open.iter().map(|u| (u.id, REFORM)).collect(),
        open: vec![p86_new.clone(), c28756_new.clone(), c28800_new.clone()],
        lineage: vec![
            link(&p84, &p86_new, LineageKind::Merge),
            link(&p86, &p86_new, LineageKind::Merge),
            link(&c28756, &c28756_new, LineageKind::Merge),
            link(&c28759, &c28756_new, LineageKind::Split),
            link(&c28800, &c28800_new, LineageKind::Unchanged),
        ],
        unchanged: 0,
        warnings: vec![],
    };
    db.apply_snapshot(
        &second,
        &record(REFORM, &second),
        entry("units.snapshot", "2025"),
    )
    .await
    .unwrap();
    World {
        p84,
        d842,
        c28756,
        c28759,
        c28800,
        p86_new,
        c28756_new,
        c28800_new,
    }
}

fn codes(units: &[Unit]) -> Vec<&str> {
    units.iter().map(|u| u.code.as_str()).collect()
}

fn closed(u: &Unit) -> Unit {
    Unit {
        valid_to: Some(REFORM),
        ..u.clone()
    }
}

ntm_testkit::both_backends!(snapshots_and_validity, |db: Db| async move {
    let w = load(&db).await;
    let open = db.units_open().await.unwrap();
    assert_eq!(codes(&open), ["28756", "28800", "86"]);
    assert_eq!(open[0], w.c28756_new);

    // valid_to is exclusive, valid_from inclusive; an unknown start is valid from always.
    assert_eq!(
        db.unit_on("28756", date!(1990 - 01 - 01)).await.unwrap(),
        Some(closed(&w.c28756))
    );
    assert_eq!(
        db.unit_on("28756", date!(2025 - 06 - 30)).await.unwrap(),
        Some(closed(&w.c28756))
    );
    assert_eq!(
        db.unit_on("28756", REFORM).await.unwrap(),
        Some(w.c28756_new.clone())
    );
    assert_eq!(
        db.unit_on("84", date!(2025 - 06 - 30)).await.unwrap(),
        Some(closed(&w.p84))
    );
    assert_eq!(db.unit_on("84", REFORM).await.unwrap(), None);
    assert_eq!(db.unit_on("99", BEFORE).await.unwrap(), None);
    assert_eq!(
        db.unit_by_id(w.p86_new.id).await.unwrap(),
        Some(w.p86_new.clone())
    );
    assert_eq!(db.unit_by_id(Uuid::now_v7()).await.unwrap(), None);

    // The same code, two records at different times; the unknown start first.
    let versions = db.unit_versions("28756").await.unwrap();
    assert_eq!(versions, vec![closed(&w.c28756), w.c28756_new.clone()]);

    let records = db.snapshot_records().await.unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(
        (records[0].opened, records[1].opened, records[1].closed),
        (7, 3, 7)
    );
    assert_eq!(records[1].snapshot_date, REFORM);
    assert_eq!(
        records[1].applied_at,
        ntm_store::db_time(records[1].applied_at)
    );
    assert_eq!(db.audit_count().await.unwrap(), 2);

    assert_eq!(
        db.count_by_level_on(BEFORE).await.unwrap(),
        [
            (Level::Province, 2),
            (Level::District, 2),
            (Level::Commune, 3)
        ]
    );
    assert_eq!(
        db.count_by_level_on(REFORM).await.unwrap(),
        [(Level::Province, 1), (Level::Commune, 2)]
    );
    assert_eq!(
        db.count_by_level_all().await.unwrap(),
        [
            (Level::Province, 3),
            (Level::District, 2),
            (Level::Commune, 5)
        ]
    );

    // A plan that closes a record that is not open changes nothing.
    let bad = SnapshotPlan {
        close: vec![(w.p84.id, date!(2026 - 01 - 01))],
        open: vec![unit(
            "87",
            "Tỉnh Mới",
            Level::Province,
            None,
            "/87/",
            Some(date!(2026 - 01 - 01)),
        )],
        ..Default::default()
    };
    let e = db
        .apply_snapshot(
            &bad,
            &record(date!(2026 - 01 - 01), &bad),
            entry("units.snapshot", "bad"),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Integrity(_)), "{e:?}");
    assert_eq!(db.unit_on("87", date!(2026 - 02 - 01)).await.unwrap(), None);
    assert_eq!(db.snapshot_records().await.unwrap().len(), 2);
    assert_eq!(db.audit_count().await.unwrap(), 2);

    // Opening a record that exists (same code, level and start): Conflict naming it.
    let again = SnapshotPlan {
        open: vec![Unit {
            id: Uuid::now_v7(),
            ..w.c28800_new.clone()
        }],
        ..Default::default()
    };
    let e = db
        .apply_snapshot(
            &again,
            &record(REFORM, &again),
            entry("units.snapshot", "again"),
        )
        .await
        .unwrap_err();
    match e {
        StoreError::Conflict(m) => assert!(m.contains("28800"), "{m}"),
        e => panic!("{e:?}"),
    }
    assert_eq!(db.audit_count().await.unwrap(), 2);
});

ntm_testkit::both_backends!(hierarchy_queries, |db: Db| async move {
    let w = load(&db).await;
    assert_eq!(
        codes(&db.children_on("842", BEFORE).await.unwrap()),
        ["28756", "28759"]
    );
    assert!(db.children_on("842", REFORM).await.unwrap().is_empty());
    assert_eq!(
        codes(&db.children_on("86", REFORM).await.unwrap()),
        ["28756", "28800"]
    );
    assert!(db.children_on("86", BEFORE).await.unwrap().is_empty());

    assert_eq!(
        db.ancestors_on(&w.c28756, BEFORE).await.unwrap(),
        vec![closed(&w.p84), closed(&w.d842)]
    );
    assert_eq!(
        db.ancestors_on(&w.c28756_new, REFORM).await.unwrap(),
        vec![w.p86_new.clone()]
    );
    assert!(
        db.ancestors_on(&w.p86_new, REFORM)
            .await
            .unwrap()
            .is_empty()
    );

    let sub = db.subtree_on("/84/", BEFORE, None).await.unwrap();
    assert_eq!(codes(&sub), ["84", "842", "843", "28756", "28759", "28800"]);
    let communes = db
        .subtree_on("/84/", BEFORE, Some(Level::Commune))
        .await
        .unwrap();
    assert_eq!(codes(&communes), ["28756", "28759", "28800"]);
    assert_eq!(
        codes(&db.subtree_on("/84/842/", BEFORE, None).await.unwrap()),
        ["842", "28756", "28759"]
    );
    assert!(
        db.subtree_on("/84/", REFORM, None)
            .await
            .unwrap()
            .is_empty()
    );
    // LIKE wildcards in the prefix are literal.
    assert!(
        db.subtree_on("/8_/", BEFORE, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        db.subtree_on("/84/8%", BEFORE, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(db.subtree_on("%", BEFORE, None).await.unwrap().is_empty());

    assert_eq!(
        codes(&db.units_on(BEFORE, Some(Level::Province)).await.unwrap()),
        ["84", "86"]
    );
    assert_eq!(
        codes(&db.units_on(REFORM, None).await.unwrap()),
        ["86", "28756", "28800"]
    );
    assert!(
        db.units_on(REFORM, Some(Level::District))
            .await
            .unwrap()
            .is_empty()
    );
});

ntm_testkit::both_backends!(search_and_lineage, |db: Db| async move {
    let w = load(&db).await;
    let hits = db
        .search_units(&search_key("Tân Hòa"), None, 10)
        .await
        .unwrap();
    assert_eq!(hits, vec![closed(&w.c28756), w.c28756_new.clone()]);
    let hits = db.search_units("tan hoa", Some(REFORM), 10).await.unwrap();
    assert_eq!(hits, vec![w.c28756_new.clone()]);
    // `_` and `%` are not wildcards.
    assert!(
        db.search_units("tan_hoa", None, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(db.search_units("%", None, 10).await.unwrap().is_empty());
    assert!(db.search_units("x_", None, 10).await.unwrap().is_empty());
    // Level first, then whole-name matches, then name prefixes, then other matches.
    let hits = db.search_units("hoa", None, 10).await.unwrap();
    assert_eq!(codes(&hits), ["28756", "28756", "28800", "28800", "28759"]);
    assert_eq!(db.search_units("hoa", None, 2).await.unwrap().len(), 2);
    let hits = db.search_units("long", None, 10).await.unwrap();
    assert_eq!(codes(&hits), ["86", "86", "842"]);

    let from = db.lineage_from(w.c28756.id).await.unwrap();
    assert_eq!(from.len(), 1);
    assert_eq!(from[0].0.kind, LineageKind::Merge);
    assert_eq!(from[0].0.effective, REFORM);
    assert_eq!(from[0].1, w.c28756_new);

    let to = db.lineage_to(w.c28756_new.id).await.unwrap();
    let got: Vec<_> = to.iter().map(|(l, u)| (l.kind, u.id)).collect();
    assert_eq!(
        got,
        [
            (LineageKind::Merge, w.c28756.id),
            (LineageKind::Split, w.c28759.id)
        ]
    );
    assert_eq!(to[1].1, closed(&w.c28759));
    assert_eq!(to[1].0.note, "Xã Tanxhoa → Xã Tân Hòa");
    let to = db.lineage_to(w.c28800_new.id).await.unwrap();
    assert_eq!(to.len(), 1);
    assert_eq!(
        (to[0].0.kind, to[0].1.id),
        (LineageKind::Unchanged, w.c28800.id)
    );
    assert_eq!(db.lineage_to(w.p86_new.id).await.unwrap().len(), 2);
    assert!(db.lineage_from(w.c28756_new.id).await.unwrap().is_empty());
});

ntm_testkit::both_backends!(hamlets_are_inserted_once, |db: Db| async move {
    let w = load(&db).await;
    let from = Some(date!(2025 - 08 - 01));
    let hamlet = |n: u32| {
        unit(
            &format!("28756-{n:02}"),
            &format!("Ấp {n}"),
            Level::Hamlet,
            Some("28756"),
            &format!("/86/28756/28756-{n:02}/"),
            from,
        )
    };
    db.insert_units(&[hamlet(1), hamlet(2)], entry("units.hamlet.add", "28756"))
        .await
        .unwrap();
    assert_eq!(
        codes(
            &db.children_on("28756", date!(2025 - 09 - 01))
                .await
                .unwrap()
        ),
        ["28756-01", "28756-02"]
    );
    assert_eq!(
        db.ancestors_on(&hamlet(1), date!(2025 - 09 - 01))
            .await
            .unwrap(),
        vec![w.p86_new.clone(), w.c28756_new.clone()]
    );
    let audit = db.audit_count().await.unwrap();

    // Same code, level and start as an existing record: Conflict naming the code, and the
    // new hamlet of the same batch is not written either.
    let e = db
        .insert_units(&[hamlet(3), hamlet(2)], entry("units.hamlet.add", "28756"))
        .await
        .unwrap_err();
    match e {
        StoreError::Conflict(m) => assert!(m.contains("28756-02"), "{m}"),
        e => panic!("{e:?}"),
    }
    assert_eq!(
        db.unit_on("28756-03", date!(2025 - 09 - 01)).await.unwrap(),
        None
    );
    // Duplicates inside one batch.
    let e = db
        .insert_units(&[hamlet(4), hamlet(4)], entry("units.hamlet.add", "28756"))
        .await
        .unwrap_err();
    match e {
        StoreError::Conflict(m) => assert!(m.contains("28756-04"), "{m}"),
        e => panic!("{e:?}"),
    }
    assert_eq!(db.audit_count().await.unwrap(), audit);

    // Many at once (several INSERT batches).
    let many: Vec<Unit> = (10..1210).map(hamlet).collect();
    db.insert_units(&many, entry("units.hamlet.import", "28756"))
        .await
        .unwrap();
    assert_eq!(
        db.subtree_on("/86/28756/", date!(2025 - 09 - 01), Some(Level::Hamlet))
            .await
            .unwrap()
            .len(),
        1202
    );
});

// A country-sized snapshot (~11k records), opened then all closed again.
ntm_testkit::both_backends!(country_sized_snapshot_is_fast, |db: Db| async move {
    let mut open = Vec::new();
    for p in 1..=63u32 {
        let pc = format!("{p:02}");
        open.push(unit(
            &pc,
            &format!("Tỉnh Số {p}"),
            Level::Province,
            None,
            &format!("/{pc}/"),
            None,
        ));
        for d in 0..11u32 {
            let dc = format!("{:03}", p * 11 + d);
            let dpath = format!("/{pc}/{dc}/");
            open.push(unit(
                &dc,
                &format!("Huyện Số {dc}"),
                Level::District,
                Some(&pc),
                &dpath,
                None,
            ));
            for c in 0..15u32 {
                let cc = format!("{:05}", (p * 11 + d) * 15 + c);
                let cpath = format!("{dpath}{cc}/");
                open.push(unit(
                    &cc,
                    &format!("Xã Số {cc}"),
                    Level::Commune,
                    Some(&dc),
                    &cpath,
                    None,
                ));
            }
        }
    }
    let n = open.len();
    let plan = SnapshotPlan {
        open,
        ..Default::default()
    };
    let t = Instant::now();
    db.apply_snapshot(
        &plan,
        &record(date!(2023 - 05 - 07), &plan),
        entry("units.snapshot", "big"),
    )
    .await
    .unwrap();
    let opened = t.elapsed();
    let current = db.units_open().await.unwrap();
    assert_eq!(current.len(), n);
    let close = SnapshotPlan {
        close: current.iter().map(|u| (u.id, REFORM)).collect(),
        ..Default::default()
    };
    let t = Instant::now();
    db.apply_snapshot(
        &close,
        &record(REFORM, &close),
        entry("units.snapshot", "close"),
    )
    .await
    .unwrap();
    let closed = t.elapsed();
    eprintln!(
        "{:?}: opened {n} records in {opened:?}, closed them in {closed:?}",
        db.backend()
    );
    assert!(db.units_open().await.unwrap().is_empty());
    assert_eq!(db.units_on(BEFORE, None).await.unwrap().len(), n);
    assert_eq!(
        db.subtree_on("/42/", BEFORE, None).await.unwrap().len(),
        1 + 11 + 11 * 15
    );
});

ntm_testkit::both_backends!(succession_reads, |db: Db| async move {
    assert_eq!(db.units_fingerprint().await.unwrap(), 0);
    let w = load(&db).await;
    assert_eq!(db.units_fingerprint().await.unwrap(), 2);
    // Hamlets are not read (they are covered through their commune).
    let hamlet = unit(
        "28756-01",
        "Ấp 1",
        Level::Hamlet,
        Some("28756"),
        "/86/28756/28756-01/",
        Some(date!(2025 - 08 - 01)),
    );
    db.insert_units(&[hamlet], entry("units.hamlet.add", "28756"))
        .await
        .unwrap();
    let refs = db.unit_record_refs().await.unwrap();
    assert_eq!(refs.len(), 10);
    assert!(refs.iter().all(|r| r.level != Level::Hamlet));
    let r = refs.iter().find(|r| r.id == w.c28756.id).unwrap();
    assert_eq!(
        (r.code.as_str(), r.level, r.path.as_str(), r.valid_to),
        ("28756", Level::Commune, "/84/842/28756/", Some(REFORM))
    );
    let mut edges = db.lineage_edges().await.unwrap();
    edges.sort();
    let expected = [
        (w.p84.id, w.p86_new.id),
        (w.c28756.id, w.c28756_new.id),
        (w.c28759.id, w.c28756_new.id),
        (w.c28800.id, w.c28800_new.id),
    ];
    assert_eq!(edges.len(), 5);
    assert!(expected.iter().all(|e| edges.contains(e)), "{edges:?}");
    // Built into the domain index: Vĩnh Long's grant covers old Trà Vinh's commune.
    let s = ntm_domain::succession::Succession::build(&refs, &edges, date!(2026 - 01 - 01));
    assert_eq!(
        s.successor_paths("/84/842/28759/"),
        vec!["/86/", "/86/28756/"]
    );
});
