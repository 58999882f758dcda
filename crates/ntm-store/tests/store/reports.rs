//! Periodic reports: round trip, append-only versions with an expected version, the closure
//! guard on submissions, listing by unit and by parent.

use ntm_domain::text::search_key;
use ntm_domain::units::{Level, Unit};
use ntm_store::{Db, ReportClosureRecord, ReportRecord, ReportVersionRecord, StoreError};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entry;

fn unit(code: &str, level: Level, parent: Option<&str>, path: &str) -> Unit {
    Unit {
        id: Uuid::now_v7(),
        code: code.into(),
        name: format!("Huyện {code}"),
        kind: "Huyện".into(),
        level,
        parent_code: parent.map(Into::into),
        path: path.into(),
        province_code: "84".into(),
        region: None,
        valid_from: None,
        valid_to: None,
        search_key: search_key(&format!("Huyen {code}")),
    }
}

fn report(u: &Unit, parent: &Unit) -> ReportRecord {
    let now = OffsetDateTime::now_utc();
    ReportRecord {
        id: Uuid::now_v7(),
        unit_id: u.id,
        unit_code: u.code.clone(),
        province_code: u.province_code.clone(),
        plan_id: "tra-vinh-2023".into(),
        kind: "six_month".into(),
        year: 2023,
        parent_unit_id: Some(parent.id),
        parent_code: Some(parent.code.clone()),
        due_date: "2023-06-25".into(),
        state: "draft".into(),
        version: 1,
        first_submitted: None,
        created_by: "huyen".into(),
        created_at: now,
        updated_at: now,
    }
}

fn version(r: &ReportRecord, seq: i64, action: &str, from: &str, to: &str) -> ReportVersionRecord {
    ReportVersionRecord {
        id: Uuid::now_v7(),
        report_id: r.id,
        seq,
        action: action.into(),
        from_state: from.into(),
        to_state: to.into(),
        actor: "huyen".into(),
        narrative: format!(r#"{{"achievements":"lần {seq}"}}"#),
        figures: "[]".into(),
        note: None,
        created_at: OffsetDateTime::now_utc(),
    }
}

ntm_testkit::both_backends!(periodic_report_versions_and_closure, |db: Db| async move {
    let p = unit("84", Level::Province, None, "/84/");
    let a = unit("844", Level::District, Some("84"), "/84/844/");
    let b = unit("847", Level::District, Some("84"), "/84/847/");
    db.insert_units(&[p.clone(), a.clone(), b.clone()], entry("units", "x"))
        .await
        .unwrap();
    let r = report(&a, &p);
    let first = version(&r, 1, "create", "draft", "draft");
    let stored = db
        .insert_report(&r, &first, entry("report.create", "r"))
        .await
        .unwrap();
    assert_eq!(db.report(r.id).await.unwrap(), Some(stored.clone()));
    assert_eq!(
        db.report_by_key(a.id, "tra-vinh-2023", "six_month", 2023)
            .await
            .unwrap(),
        Some(stored.clone())
    );
    assert_eq!(
        db.report_by_key(a.id, "tra-vinh-2023", "annual", 2023)
            .await
            .unwrap(),
        None
    );
    // One report per unit, plan, kind and year.
    let dup = ReportRecord {
        id: Uuid::now_v7(),
        ..r.clone()
    };
    let dup_first = ReportVersionRecord {
        report_id: dup.id,
        ..version(&dup, 1, "create", "draft", "draft")
    };
    assert!(matches!(
        db.insert_report(&dup, &dup_first, entry("report.create", "r"))
            .await,
        Err(StoreError::Conflict(_))
    ));

    // Two saves: two versions kept.
    db.append_report_version(
        1,
        "draft",
        None,
        None,
        &version(&r, 2, "save", "draft", "draft"),
        entry("report.save", "r"),
    )
    .await
    .unwrap();
    // A writer still holding version 1 is refused; nothing written.
    assert!(matches!(
        db.append_report_version(
            1,
            "draft",
            None,
            None,
            &version(&r, 2, "save", "draft", "draft"),
            entry("report.save", "r"),
        )
        .await,
        Err(StoreError::Conflict(_))
    ));
    let after = db
        .append_report_version(
            2,
            "submitted",
            Some("2023-06-20"),
            Some(p.id),
            &version(&r, 3, "submit", "draft", "submitted"),
            entry("report.submit", "r"),
        )
        .await
        .unwrap();
    assert_eq!(after.state, "submitted");
    assert_eq!(after.version, 3);
    assert_eq!(after.first_submitted.as_deref(), Some("2023-06-20"));
    // A later submission keeps the first day.
    let after = db
        .append_report_version(
            3,
            "returned",
            None,
            None,
            &ReportVersionRecord {
                note: Some("Thiếu số liệu".into()),
                ..version(&r, 4, "return", "submitted", "returned")
            },
            entry("report.return", "r"),
        )
        .await
        .unwrap();
    assert_eq!(after.first_submitted.as_deref(), Some("2023-06-20"));

    let versions = db.report_versions(r.id).await.unwrap();
    assert_eq!(
        versions.iter().map(|v| v.seq).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert_eq!(versions[1].narrative, r#"{"achievements":"lần 2"}"#);
    assert_eq!(versions[3].note.as_deref(), Some("Thiếu số liệu"));

    // The parent closes the period: a submission is refused inside the transaction.
    let c = ReportClosureRecord {
        id: Uuid::now_v7(),
        parent_unit_id: p.id,
        parent_code: "84".into(),
        plan_id: "tra-vinh-2023".into(),
        kind: "six_month".into(),
        year: 2023,
        note: None,
        closed_by: "tinh".into(),
        closed_at: OffsetDateTime::now_utc(),
    };
    let closed = db
        .insert_report_closure(&c, entry("report.close", "c"))
        .await
        .unwrap();
    assert_eq!(
        db.report_closure(p.id, "tra-vinh-2023", "six_month", 2023)
            .await
            .unwrap(),
        Some(closed)
    );
    assert_eq!(
        db.report_closure(p.id, "tra-vinh-2023", "annual", 2023)
            .await
            .unwrap(),
        None
    );
    assert!(matches!(
        db.insert_report_closure(
            &ReportClosureRecord {
                id: Uuid::now_v7(),
                ..c.clone()
            },
            entry("report.close", "c")
        )
        .await,
        Err(StoreError::Conflict(_))
    ));
    let refused = db
        .append_report_version(
            4,
            "submitted",
            Some("2023-07-01"),
            Some(p.id),
            &version(&r, 5, "submit", "returned", "submitted"),
            entry("report.submit", "r"),
        )
        .await;
    assert!(
        matches!(&refused, Err(StoreError::Conflict(m)) if m.contains("closed")),
        "{refused:?}"
    );
    assert_eq!(db.report_versions(r.id).await.unwrap().len(), 4);
    assert_eq!(db.report(r.id).await.unwrap().unwrap().state, "returned");

    // Listing by unit code and by parent.
    let rb = report(&b, &p);
    db.insert_report(
        &rb,
        &version(&rb, 1, "create", "draft", "draft"),
        entry("report.create", "rb"),
    )
    .await
    .unwrap();
    let to_parent = db
        .reports_to_parent(p.id, "tra-vinh-2023", "six_month", 2023)
        .await
        .unwrap();
    assert_eq!(
        to_parent
            .iter()
            .map(|r| r.unit_code.as_str())
            .collect::<Vec<_>>(),
        ["844", "847"]
    );
    assert_eq!(db.reports_of_unit_code("844").await.unwrap().len(), 1);
    assert!(db.reports_of_unit_code("29374").await.unwrap().is_empty());

    // Versions are append-only on both engines.
    assert!(
        db.debug_execute_raw("UPDATE periodic_report_versions SET actor = 'x'")
            .await
            .is_err()
    );
    assert!(
        db.debug_execute_raw("DELETE FROM periodic_report_versions")
            .await
            .is_err()
    );
    // Unknown report: NotFound.
    let ghost = ReportRecord {
        id: Uuid::now_v7(),
        ..r.clone()
    };
    assert!(matches!(
        db.append_report_version(
            1,
            "draft",
            None,
            None,
            &version(&ghost, 2, "save", "draft", "draft"),
            entry("report.save", "g"),
        )
        .await,
        Err(StoreError::NotFound)
    ));
});
