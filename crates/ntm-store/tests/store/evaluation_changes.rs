//! The change feed of evaluation inputs (migration 0033): written in the transaction of
//! each write, under its audit seq, read after a seq in order.

use ntm_domain::observation::{ObsSource, ObsStatus};
use ntm_domain::text::search_key;
use ntm_domain::units::{Level, Unit};
use ntm_store::{CommuneGroupRecord, Db, NewObservation, ObservationRecord, StoreError};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entry;

fn commune(code: &str) -> Unit {
    Unit {
        id: Uuid::now_v7(),
        code: code.into(),
        name: format!("Xã {code}"),
        kind: "Xã".into(),
        level: Level::Commune,
        parent_code: None,
        path: format!("/86/{code}/"),
        province_code: "86".into(),
        region: None,
        valid_from: None,
        valid_to: None,
        search_key: search_key(&format!("Xã {code}")),
    }
}

fn value(u: &Unit, indicator: &str, year: i32, version: i64) -> ObservationRecord {
    ObservationRecord {
        id: Uuid::now_v7(),
        province_code: "86".into(),
        unit_id: u.id,
        unit_code: u.code.clone(),
        set_id: "xa-ntm-2021-2025".into(),
        indicator_code: indicator.into(),
        year,
        value_text: "85".into(),
        status: ObsStatus::Draft,
        note: String::new(),
        source: ObsSource::Manual,
        version,
        created_by: "cli".into(),
        created_at: OffsetDateTime::now_utc(),
        comment: None,
    }
}

ntm_testkit::both_backends!(writes_note_what_they_change, |db: Db| async move {
    let units: Vec<Unit> = (0..3).map(|i| commune(&format!("29{i:03}"))).collect();
    db.insert_units(&units, entry("units", "x")).await.unwrap();
    let feed = db.evaluation_changes_after(0, 100).await.unwrap();
    assert_eq!(feed.len(), 1, "{feed:?}");
    let (head, _) = db.audit_head().await.unwrap();
    assert_eq!(
        (
            feed[0].seq,
            feed[0].unit_id,
            feed[0].scope_path.as_deref(),
            feed[0].kind.as_str()
        ),
        (head, None, Some("/86/"), "units"),
        "new records change their parent's subtree"
    );

    // A bulk load: one row per unit, set and year, under the load's audit seq.
    let rows: Vec<ObservationRecord> = units
        .iter()
        .flat_map(|u| ["1.1", "3.1"].map(|i| value(u, i, 2023, 1)))
        .collect();
    db.bulk_insert_first_observations(&rows, entry("observations.bulk", "x"))
        .await
        .unwrap();
    let (head, _) = db.audit_head().await.unwrap();
    let after = feed[0].seq;
    let feed = db.evaluation_changes_after(after, 100).await.unwrap();
    assert_eq!(feed.len(), 3);
    assert!(feed.iter().all(|c| c.seq == head
        && c.kind == "values"
        && c.set_id.as_deref() == Some("xa-ntm-2021-2025")
        && c.year == Some(2023)
        && c.scope_path.is_none()));
    let mut ids: Vec<Uuid> = feed.iter().filter_map(|c| c.unit_id).collect();
    ids.sort();
    let mut want: Vec<Uuid> = units.iter().map(|u| u.id).collect();
    want.sort();
    assert_eq!(ids, want);

    // An edit of one value: one row; a refused edit (stale version): none.
    let edit = |version, expected| NewObservation {
        record: value(&units[1], "3.1", 2023, version),
        expected_version: expected,
        files: Vec::new(),
    };
    db.insert_observations(&[edit(2, Some(1))], entry("observations.put", "x"))
        .await
        .unwrap();
    let refused = db
        .insert_observations(&[edit(2, Some(1))], entry("observations.put", "x"))
        .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "{refused:?}"
    );
    let feed = db.evaluation_changes_after(head, 100).await.unwrap();
    assert_eq!(feed.len(), 1);
    assert_eq!(feed[0].unit_id, Some(units[1].id));
    assert_eq!(feed[0].seq, db.audit_head().await.unwrap().0);

    // Commune groups: the province's subtree.
    let at = OffsetDateTime::now_utc();
    db.append_commune_groups(
        &[CommuneGroupRecord {
            id: Uuid::now_v7(),
            province_code: "86".into(),
            commune_code: "29000".into(),
            period: "2026-2030".into(),
            seq: 0,
            grp: 1,
            basis_doc: "1/QĐ-UBND".into(),
            basis_date: "2026-03-02".into(),
            basis_issuer: "UBND tỉnh".into(),
            basis_article: "Điều 1".into(),
            note: String::new(),
            created_by: "cli".into(),
            created_at: at,
        }],
        entry("commune_groups.assign", "86"),
    )
    .await
    .unwrap();
    let last = db.evaluation_changes_after(feed[0].seq, 100).await.unwrap();
    assert_eq!(
        last.iter()
            .map(|c| (c.scope_path.as_deref(), c.kind.as_str()))
            .collect::<Vec<_>>(),
        vec![(Some("/86/"), "groups")]
    );

    // In seq order, and a page stops at its limit.
    let all = db.evaluation_changes_after(0, 100).await.unwrap();
    assert_eq!(all.len(), 6);
    assert!(all.windows(2).all(|w| w[0].seq <= w[1].seq));
    assert_eq!(db.evaluation_changes_after(0, 2).await.unwrap().len(), 2);

    // Pruning: nothing older than the cutoff, nothing done.
    let first = all[0].at;
    assert_eq!(
        db.prune_evaluation_changes(first).await.unwrap(),
        0,
        "no row before the first"
    );
    // Everything written so far: the rows go, one row of kind `pruned` at the last seq
    // deleted takes their place, seen by a reader that had not read that far and by no
    // other.
    let newest = all[all.len() - 1].clone();
    let cutoff = newest.at + time::Duration::milliseconds(1);
    assert_eq!(db.prune_evaluation_changes(cutoff).await.unwrap(), 6);
    let behind = db.evaluation_changes_after(0, 100).await.unwrap();
    assert_eq!(behind.len(), 1, "{behind:?}");
    assert_eq!(
        (
            behind[0].seq,
            behind[0].kind.as_str(),
            behind[0].scope_path.as_deref()
        ),
        (newest.seq, ntm_store::FEED_PRUNED, Some("/"))
    );
    assert!(behind[0].unit_id.is_none());
    assert!(
        db.evaluation_changes_after(newest.seq, 100)
            .await
            .unwrap()
            .is_empty(),
        "a reader that had read everything sees nothing"
    );
    // Pruned again later: the earlier marker goes with the rest, one marker stays.
    assert_eq!(
        db.prune_evaluation_changes(OffsetDateTime::now_utc() + time::Duration::seconds(1))
            .await
            .unwrap(),
        1
    );
    let marker = db.evaluation_changes_after(0, 100).await.unwrap();
    assert_eq!(marker.len(), 1);
    assert_eq!(marker[0].kind, ntm_store::FEED_PRUNED);
});
