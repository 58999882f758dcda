//! Provincial criteria-set files: history, the active file per (province, set), audit.

use ntm_store::{CriteriaSetFile, Db};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::entry;

fn file(province: &str, set_id: &str, yaml: &str, at: OffsetDateTime) -> CriteriaSetFile {
    CriteriaSetFile {
        id: Uuid::now_v7(),
        province_code: province.into(),
        set_id: set_id.into(),
        version: "2024".into(),
        extends_id: "xa-ntm-2021-2025".into(),
        file_name: format!("{set_id}.yaml"),
        yaml: yaml.into(),
        sha256: format!("{:064x}", yaml.len()),
        uploaded_by: "officer86".into(),
        uploaded_at: at,
        active: false,
    }
}

ntm_testkit::both_backends!(criteria_set_files_keep_history, |db: Db| async move {
    let t0 = OffsetDateTime::now_utc() - Duration::minutes(5);
    let before = db.audit_count().await.unwrap();
    let a = db
        .insert_criteria_set_file(
            &file("86", "xa-ntm-86", "first", t0),
            entry("criteria_set.upload", "86"),
        )
        .await
        .unwrap();
    assert!(a.active);
    let other = db
        .insert_criteria_set_file(
            &file("86", "xa-ntm-86-khac", "other", t0 + Duration::seconds(1)),
            entry("criteria_set.upload", "86"),
        )
        .await
        .unwrap();
    let b = db
        .insert_criteria_set_file(
            &file("86", "xa-ntm-86", "second", t0 + Duration::seconds(2)),
            entry("criteria_set.upload", "86"),
        )
        .await
        .unwrap();
    db.insert_criteria_set_file(
        &file("84", "xa-ntm-84", "elsewhere", t0),
        entry("criteria_set.upload", "84"),
    )
    .await
    .unwrap();
    assert_eq!(db.audit_count().await.unwrap(), before + 4);

    let all = db.list_criteria_set_files("86").await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(all[0], b, "newest first, read back equal");
    assert_eq!(all[2].id, a.id);
    assert!(
        !all[2].active,
        "the older file of the same set is no longer active"
    );

    let active = db.active_criteria_set_files("86").await.unwrap();
    let ids: Vec<Uuid> = active.iter().map(|f| f.id).collect();
    assert_eq!(ids, vec![b.id, other.id]);
    assert_eq!(active[0].yaml, "second");
    assert!(db.active_criteria_set_files("01").await.unwrap().is_empty());
});
