//! Observations: append-only versions, optimistic concurrency, current values, history.

use ntm_domain::observation::{ObsSource, ObsStatus};
use ntm_domain::text::search_key;
use ntm_domain::units::{Level, Unit};
use ntm_store::{
    Db, NewObservation, ObservationFile, ObservationRecord, StoreError, UnitSelection,
};
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
        province_code: "86".into(),
        region: None,
        valid_from: None,
        valid_to: None,
        search_key: search_key(&format!("Xã {code}")),
    }
}

fn obs(u: &Unit, code: &str, value: &str, version: i64) -> NewObservation {
    NewObservation {
        record: ObservationRecord {
            id: Uuid::now_v7(),
            province_code: u.province_code.clone(),
            unit_id: u.id,
            unit_code: u.code.clone(),
            set_id: "xa-ntm-2021-2025".into(),
            indicator_code: code.into(),
            year: 2024,
            value_text: value.into(),
            status: ObsStatus::Draft,
            note: String::new(),
            source: ObsSource::Manual,
            version,
            created_by: "tester".into(),
            created_at: OffsetDateTime::now_utc(),
            comment: None,
        },
        expected_version: (version > 1).then_some(version - 1),
        files: vec![],
    }
}

ntm_testkit::both_backends!(observation_versions_and_queries, |db: Db| async move {
    let p = unit("86", Level::Province, None, "/86/");
    let a = unit("29374", Level::Commune, Some("86"), "/86/29374/");
    let b = unit("29375", Level::Commune, Some("86"), "/86/29375/");
    let other = unit("01", Level::Province, None, "/01/");
    db.insert_units(
        &[p, a.clone(), b.clone(), other.clone()],
        entry("units", "x"),
    )
    .await
    .unwrap();

    // First versions, one with an evidence file.
    let mut first = obs(&a, "1.1", "Đạt", 1);
    first.files.push(ObservationFile {
        id: Uuid::now_v7(),
        observation_id: first.record.id,
        file_name: "bien-ban.pdf".into(),
        sha256: "cd".repeat(32),
        size: 1234,
        stored_path: "evidence/ab/cd".into(),
        created_at: first.record.created_at,
    });
    let audit_before = db.audit_count().await.unwrap();
    let written = db
        .insert_observations(
            &[
                first.clone(),
                obs(&a, "2.1", "85 %", 1),
                obs(&b, "1.1", "Không", 1),
            ],
            entry("observations.put", "29374"),
        )
        .await
        .unwrap();
    assert_eq!(written.len(), 3);
    assert_eq!(db.audit_count().await.unwrap(), audit_before + 1);
    let files = db.observation_files(first.record.id).await.unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].file_name, "bien-ban.pdf");
    assert_eq!(files[0].size, 1234);

    // A new version of 2.1; the current value is the newest.
    db.insert_observations(
        &[obs(&a, "2.1", "90 %", 2)],
        entry("observations.put", "29374"),
    )
    .await
    .unwrap();
    let cur = db
        .current_observations(a.id, "xa-ntm-2021-2025", 2024)
        .await
        .unwrap();
    let got: Vec<(&str, &str, i64)> = cur
        .iter()
        .map(|o| (o.indicator_code.as_str(), o.value_text.as_str(), o.version))
        .collect();
    assert_eq!(got, vec![("1.1", "Đạt", 1), ("2.1", "90 %", 2)]);
    assert_eq!(cur[0], written[0]);
    assert!(
        db.current_observations(a.id, "xa-ntm-2021-2025", 2023)
            .await
            .unwrap()
            .is_empty()
    );

    // Stale writers conflict and write nothing (not even the good row of the batch).
    let audit_before = db.audit_count().await.unwrap();
    let mut stale = obs(&a, "2.1", "95 %", 2);
    stale.expected_version = Some(1);
    let e = db
        .insert_observations(
            &[obs(&b, "2.1", "50", 1), stale],
            entry("observations.put", "29374"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&e, StoreError::Conflict(m) if m.contains("2.1")),
        "{e:?}"
    );
    let e = db
        .insert_observations(&[obs(&a, "1.1", "Không", 1)], entry("x", "y"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
    assert_eq!(db.audit_count().await.unwrap(), audit_before);
    assert_eq!(
        db.current_observations(b.id, "xa-ntm-2021-2025", 2024)
            .await
            .unwrap()
            .len(),
        1
    );

    // Many units in one query: by ids and by subtree.
    let by_ids = db
        .current_observations_of_units(UnitSelection::Ids(&[a.id, b.id]), "xa-ntm-2021-2025", 2024)
        .await
        .unwrap();
    let key = |v: &[ObservationRecord]| -> Vec<(String, String, i64)> {
        v.iter()
            .map(|o| (o.unit_code.clone(), o.indicator_code.clone(), o.version))
            .collect()
    };
    let expected = vec![
        ("29374".to_string(), "1.1".to_string(), 1),
        ("29374".to_string(), "2.1".to_string(), 2),
        ("29375".to_string(), "1.1".to_string(), 1),
    ];
    assert_eq!(key(&by_ids), expected);
    let by_path = db
        .current_observations_of_units(UnitSelection::PathPrefix("/86/"), "xa-ntm-2021-2025", 2024)
        .await
        .unwrap();
    assert_eq!(key(&by_path), expected);
    assert!(
        db.current_observations_of_units(
            UnitSelection::PathPrefix("/01/"),
            "xa-ntm-2021-2025",
            2024
        )
        .await
        .unwrap()
        .is_empty()
    );
    assert!(
        db.current_observations_of_units(UnitSelection::Ids(&[]), "xa-ntm-2021-2025", 2024)
            .await
            .unwrap()
            .is_empty()
    );

    // History keeps every version.
    let h = db
        .observation_history(a.id, "xa-ntm-2021-2025", "2.1", 2024)
        .await
        .unwrap();
    let values: Vec<&str> = h.iter().map(|o| o.value_text.as_str()).collect();
    assert_eq!(values, vec!["85 %", "90 %"]);

    // Append-only: the database refuses updates.
    assert!(
        db.debug_execute_raw("UPDATE observations SET value_text = 'x'")
            .await
            .is_err()
    );
});

ntm_testkit::both_backends!(concurrent_writers_conflict, |db: Db| async move {
    let p = unit("86", Level::Province, None, "/86/");
    let a = unit("29374", Level::Commune, Some("86"), "/86/29374/");
    db.insert_units(&[p, a.clone()], entry("units", "x"))
        .await
        .unwrap();
    db.insert_observations(&[obs(&a, "2.1", "80", 1)], entry("observations.put", "a"))
        .await
        .unwrap();
    // Both replace version 1 at the same time: exactly one wins, the other conflicts.
    let (r1, r2) = ([obs(&a, "2.1", "85", 2)], [obs(&a, "2.1", "90", 2)]);
    let (x, y) = tokio::join!(
        db.insert_observations(&r1, entry("observations.put", "x")),
        db.insert_observations(&r2, entry("observations.put", "y")),
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
    let h = db
        .observation_history(a.id, "xa-ntm-2021-2025", "2.1", 2024)
        .await
        .unwrap();
    assert_eq!(h.len(), 2);
    assert_eq!(db.audit_count().await.unwrap(), 3);
});

ntm_testkit::both_backends!(
    returned_with_comment_and_files_of_unit,
    |db: Db| async move {
        let p = unit("86", Level::Province, None, "/86/");
        let a = unit("29374", Level::Commune, Some("86"), "/86/29374/");
        db.insert_units(&[p, a.clone()], entry("units", "x"))
            .await
            .unwrap();
        let mut first = obs(&a, "2.1", "80", 1);
        let file_id = Uuid::now_v7();
        first.files.push(ObservationFile {
            id: file_id,
            observation_id: first.record.id,
            file_name: "bien-ban.pdf".into(),
            sha256: "ab".repeat(32),
            size: 10,
            stored_path: "evidence/ab/abab".into(),
            created_at: first.record.created_at,
        });
        db.insert_observations(&[first.clone(), obs(&a, "1.1", "Đạt", 1)], entry("p", "a"))
            .await
            .unwrap();
        // A returned version carries the verifier's comment; the next version has none.
        let mut ret = obs(&a, "2.1", "80", 2);
        ret.record.status = ObsStatus::Returned;
        ret.record.comment = Some("Thiếu biên bản kiểm tra".into());
        db.insert_observations(&[ret], entry("observations.returned", "a"))
            .await
            .unwrap();
        let cur = db
            .current_observations(a.id, "xa-ntm-2021-2025", 2024)
            .await
            .unwrap();
        let r = cur.iter().find(|o| o.indicator_code == "2.1").unwrap();
        assert_eq!(r.status, ObsStatus::Returned);
        assert_eq!(r.comment.as_deref(), Some("Thiếu biên bản kiểm tra"));
        assert_eq!(
            cur.iter()
                .find(|o| o.indicator_code == "1.1")
                .unwrap()
                .comment,
            None
        );
        let h = db
            .observation_history(a.id, "xa-ntm-2021-2025", "2.1", 2024)
            .await
            .unwrap();
        assert_eq!(h[0].comment, None);
        assert_eq!(h[1].comment.as_deref(), Some("Thiếu biên bản kiểm tra"));

        // Files of every version of the unit's values, with their indicator.
        let files = db
            .observation_files_of_unit(a.id, "xa-ntm-2021-2025", 2024)
            .await
            .unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].0, "2.1");
        assert_eq!(files[0].1.id, file_id);
        assert!(
            db.observation_files_of_unit(a.id, "xa-ntm-2021-2025", 2023)
                .await
                .unwrap()
                .is_empty()
        );
        // One file by id, with the version it belongs to.
        let (f, o) = db.observation_file(file_id).await.unwrap().unwrap();
        assert_eq!(f.file_name, "bien-ban.pdf");
        assert_eq!((o.id, o.unit_id), (first.record.id, a.id));
        assert!(db.observation_file(Uuid::now_v7()).await.unwrap().is_none());
    }
);

ntm_testkit::both_backends!(verified_units_of_a_set, |db: Db| async move {
    let p = unit("86", Level::Province, None, "/86/");
    let a = unit("29374", Level::Commune, Some("86"), "/86/29374/");
    let b = unit("29375", Level::Commune, Some("86"), "/86/29375/");
    let c = unit("29376", Level::Commune, Some("86"), "/86/29376/");
    db.insert_units(&[p, a.clone(), b.clone(), c.clone()], entry("units", "x"))
        .await
        .unwrap();
    // a: verified, one value with the sample note; b: drafts only; c: verified, no note.
    let mut va = obs(&a, "1.1", "Đạt", 1);
    va.record.status = ObsStatus::Verified;
    let mut vs = obs(&a, "2.1", "80", 1);
    vs.record.status = ObsStatus::Verified;
    vs.record.note = "mẫu".into();
    let mut vc = obs(&c, "1.1", "Đạt", 1);
    vc.record.status = ObsStatus::Verified;
    db.insert_observations(
        &[va, vs, obs(&b, "1.1", "Đạt", 1), vc],
        entry("observations.put", "86"),
    )
    .await
    .unwrap();
    let ids = [a.id, b.id, c.id];
    let mut got = db
        .verified_units_of_set(&ids, "xa-ntm-2021-2025", 2024, "mẫu")
        .await
        .unwrap();
    got.sort();
    let mut want = vec![(a.id, true), (c.id, false)];
    want.sort();
    assert_eq!(got, want);
    // Another year or set: none.
    assert!(
        db.verified_units_of_set(&ids, "xa-ntm-2021-2025", 2023, "mẫu")
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        db.verified_units_of_set(&ids, "huyen-ntm-2021-2025", 2024, "mẫu")
            .await
            .unwrap()
            .is_empty()
    );
});
