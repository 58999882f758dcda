//! Plan measure values and task statuses: append-only versions, stale writes refused,
//! current values, audit in the same transaction.

use ntm_domain::text::search_key;
use ntm_domain::units::{Level, Unit};
use ntm_store::{Db, MeasureValueRecord, StoreError, TaskStatusRecord};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entry;

fn unit(code: &str, level: Level, path: &str) -> Unit {
    Unit {
        id: Uuid::now_v7(),
        code: code.into(),
        name: format!("Đơn vị {code}"),
        kind: "Xã".into(),
        level,
        parent_code: None,
        path: path.into(),
        province_code: "86".into(),
        region: None,
        valid_from: None,
        valid_to: None,
        search_key: search_key(&format!("Don vi {code}")),
    }
}

fn value(u: &Unit, measure: &str, v: &str, version: i64) -> MeasureValueRecord {
    MeasureValueRecord {
        id: Uuid::now_v7(),
        province_code: "86".into(),
        unit_id: u.id,
        unit_code: u.code.clone(),
        measure: measure.into(),
        year: 2023,
        version,
        value_text: v.into(),
        note: "ghi chú".into(),
        created_by: "tinh".into(),
        created_at: OffsetDateTime::now_utc(),
    }
}

ntm_testkit::both_backends!(plan_measure_values_and_task_statuses, |db: Db| async move {
    let p = unit("86", Level::Province, "/86/");
    let a = unit("29374", Level::Commune, "/86/29374/");
    db.insert_units(&[p.clone(), a.clone()], entry("units", "x"))
        .await
        .unwrap();
    let audits = db.audit_count().await.unwrap();
    db.insert_measure_values(
        &[
            (value(&p, "records_online_pct", "30.5", 1), None),
            (value(&a, "records_online_pct", "20", 1), None),
        ],
        entry("plan.measure.enter", "x"),
    )
    .await
    .unwrap();
    assert_eq!(db.audit_count().await.unwrap(), audits + 1);
    // Stale: nothing written, no audit entry.
    let e = db
        .insert_measure_values(
            &[
                (value(&p, "records_online_pct", "31", 2), Some(1)),
                (value(&a, "records_online_pct", "21", 1), None),
            ],
            entry("plan.measure.enter", "x"),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
    assert_eq!(db.audit_count().await.unwrap(), audits + 1);
    db.insert_measure_values(
        &[(value(&a, "records_online_pct", "22", 2), Some(1))],
        entry("plan.measure.enter", "x"),
    )
    .await
    .unwrap();
    let cur = db
        .current_measure_values("86", &["records_online_pct"], 2023)
        .await
        .unwrap();
    let got: Vec<(String, String, i64)> = cur
        .iter()
        .map(|r| (r.unit_code.clone(), r.value_text.clone(), r.version))
        .collect();
    assert_eq!(
        got,
        vec![
            ("29374".into(), "22".into(), 2),
            ("86".into(), "30.5".into(), 1)
        ]
    );
    assert!(
        db.current_measure_values("86", &["records_online_pct"], 2024)
            .await
            .unwrap()
            .is_empty()
    );
    let h = db
        .measure_value_history(a.id, "records_online_pct", 2023)
        .await
        .unwrap();
    assert_eq!(h.iter().map(|r| r.version).collect::<Vec<_>>(), vec![2, 1]);
    assert_eq!(h[1].note, "ghi chú");

    let task = |version: i64, status: &str| TaskStatusRecord {
        id: Uuid::now_v7(),
        plan_id: "hcm-2023-2025".into(),
        task_code: "I.1".into(),
        version,
        status: status.into(),
        note: String::new(),
        created_by: "tinh79".into(),
        created_at: OffsetDateTime::now_utc(),
    };
    db.insert_task_status(
        &task(1, "in_progress"),
        None,
        entry("plan.task.status", "x"),
    )
    .await
    .unwrap();
    assert!(matches!(
        db.insert_task_status(&task(1, "done"), None, entry("plan.task.status", "x"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    db.insert_task_status(&task(2, "done"), Some(1), entry("plan.task.status", "x"))
        .await
        .unwrap();
    let cur = db.current_task_statuses("hcm-2023-2025").await.unwrap();
    assert_eq!(cur.len(), 1);
    assert_eq!((cur[0].version, cur[0].status.as_str()), (2, "done"));
});
