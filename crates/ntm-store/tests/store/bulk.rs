//! Bulk loading of first values: many rows, one audit entry, all or nothing.

use ntm_domain::observation::{ObsSource, ObsStatus};
use ntm_domain::text::search_key;
use ntm_domain::units::{Level, Unit};
use ntm_store::{Db, ObservationRecord, StoreError, UnitSelection};
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

fn first(u: &Unit, indicator: &str, value: &str) -> ObservationRecord {
    ObservationRecord {
        id: Uuid::now_v7(),
        province_code: "86".into(),
        unit_id: u.id,
        unit_code: u.code.clone(),
        set_id: "xa-ntm-2021-2025".into(),
        indicator_code: indicator.into(),
        year: 2023,
        value_text: value.into(),
        status: ObsStatus::Verified,
        note: "nạp hàng loạt".into(),
        source: ObsSource::Import,
        version: 1,
        created_by: "cli".into(),
        created_at: OffsetDateTime::now_utc(),
        comment: None,
    }
}

ntm_testkit::both_backends!(bulk_load_is_all_or_nothing, |db: Db| async move {
    let units: Vec<Unit> = (0..30).map(|i| commune(&format!("29{i:03}"))).collect();
    db.insert_units(&units, entry("units", "x")).await.unwrap();
    // 30 communes × 40 indicators = 1,200 rows: more than one INSERT statement.
    let rows: Vec<ObservationRecord> = units
        .iter()
        .flat_map(|u| {
            (1..=40)
                .map(move |i| first(u, &format!("{}.{}", i / 10 + 1, i % 10), &format!("{i},5")))
        })
        .collect();
    let audit_before = db.audit_count().await.unwrap();
    let n = db
        .bulk_insert_first_observations(&rows, entry("observations.bulk", "86"))
        .await
        .unwrap();
    assert_eq!(n, 1200);
    assert_eq!(db.audit_count().await.unwrap(), audit_before + 1);
    let ids: Vec<Uuid> = units.iter().map(|u| u.id).collect();
    let cur = db
        .current_observations_of_units(UnitSelection::Ids(&ids), "xa-ntm-2021-2025", 2023)
        .await
        .unwrap();
    assert_eq!(cur.len(), 1200);
    let one = cur
        .iter()
        .find(|o| o.unit_id == units[3].id && o.indicator_code == "2.5")
        .unwrap();
    assert_eq!(one.value_text, "15,5");
    assert_eq!(one.status, ObsStatus::Verified);
    assert_eq!(one.version, 1);

    // The narrow read used by roll-ups gives the same current values.
    let slim = db
        .current_values_of_units(&ids, "xa-ntm-2021-2025", 2023)
        .await
        .unwrap();
    assert_eq!(slim.len(), 1200);
    let mut full: Vec<(Uuid, String, String)> = cur
        .iter()
        .map(|o| (o.unit_id, o.indicator_code.clone(), o.value_text.clone()))
        .collect();
    full.sort();
    let mut narrow: Vec<(Uuid, String, String)> = slim
        .into_iter()
        .map(|v| (v.unit_id, v.indicator_code, v.value_text))
        .collect();
    narrow.sort();
    assert_eq!(narrow, full);
    // A new version replaces the value in both reads; other years and sets stay out.
    let mut v2 = rows[3 * 40 + 14].clone();
    v2.id = Uuid::now_v7();
    v2.version = 2;
    v2.value_text = "99,5".into();
    db.insert_observations(
        &[ntm_store::NewObservation {
            record: v2.clone(),
            expected_version: Some(1),
            files: vec![],
        }],
        entry("observations.put", "29003"),
    )
    .await
    .unwrap();
    let slim = db
        .current_values_of_units(&ids[3..4], "xa-ntm-2021-2025", 2023)
        .await
        .unwrap();
    assert_eq!(slim.len(), 40);
    let changed = slim
        .iter()
        .find(|v| v.indicator_code == v2.indicator_code)
        .unwrap();
    assert_eq!(changed.value_text, "99,5");
    assert!(
        db.current_values_of_units(&ids, "xa-ntm-2021-2025", 2024)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        db.current_values_of_units(&ids, "xa-ntm-2026-2030", 2023)
            .await
            .unwrap()
            .is_empty()
    );

    // Loading again collides with what is stored: nothing of the second load is written,
    // not even its new rows, and no audit entry is added.
    let extra = commune("29999");
    db.insert_units(std::slice::from_ref(&extra), entry("units", "x"))
        .await
        .unwrap();
    let again = vec![first(&extra, "1.1", "Đạt"), rows[10].clone()];
    let mut again = again;
    again[1].id = Uuid::now_v7();
    let before = db.audit_count().await.unwrap();
    let err = db
        .bulk_insert_first_observations(&again, entry("observations.bulk", "86"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(db.audit_count().await.unwrap(), before);
    assert!(
        db.current_observations(extra.id, "xa-ntm-2021-2025", 2023)
            .await
            .unwrap()
            .is_empty()
    );

    // Only first versions: a version 2 is refused before anything is written.
    let mut v2 = first(&extra, "1.1", "Đạt");
    v2.version = 2;
    let err = db
        .bulk_insert_first_observations(&[v2], entry("observations.bulk", "86"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Conflict(ref m) if m.contains("first values only")),
        "{err:?}"
    );

    // A value of a unit that does not exist: NotFound (foreign key), nothing written.
    let ghost = commune("00000");
    let err = db
        .bulk_insert_first_observations(
            &[first(&ghost, "1.1", "Đạt")],
            entry("observations.bulk", "86"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
});
