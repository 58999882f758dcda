//! Authored criteria-set versions: drafts, revisions, publishing, overlap, audit.

use ntm_store::{
    CriteriaSetVersion, Db, DraftChange, DraftUpdate, Publish, STATUS_DRAFT, STATUS_PUBLISHED,
};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::entry;

fn draft(
    scope: &str,
    set_id: &str,
    label: &str,
    from: &str,
    to: Option<&str>,
) -> CriteriaSetVersion {
    let t = OffsetDateTime::now_utc() - Duration::minutes(5);
    CriteriaSetVersion {
        id: Uuid::now_v7(),
        scope: scope.into(),
        set_id: set_id.into(),
        label: label.into(),
        extends_id: Some("xa-ntm-2026-2030".into()),
        status: STATUS_DRAFT.into(),
        valid_from: from.into(),
        valid_to: to.map(str::to_string),
        content: format!("{{\"label\":\"{label}\"}}"),
        yaml: format!("version: \"{label}\"\n"),
        origin: "scratch".into(),
        revision: 0,
        created_by: "officer86".into(),
        created_at: t,
        updated_by: "officer86".into(),
        updated_at: t,
        published_by: None,
        published_at: None,
    }
}

fn change<'a>(
    label: &'a str,
    from: &'a str,
    to: Option<&'a str>,
    content: &'a str,
) -> DraftChange<'a> {
    DraftChange {
        label,
        valid_from: from,
        valid_to: to,
        content,
        yaml: "yaml",
        updated_by: "officer86",
        updated_at: OffsetDateTime::now_utc(),
    }
}

ntm_testkit::both_backends!(criteria_set_versions_life_cycle, |db: Db| async move {
    let before = db.audit_count().await.unwrap();
    let a = db
        .insert_criteria_set_version(
            &draft("86", "xa-86", "2026", "2026-01-01", Some("2026-12-31")),
            entry("criteria_version.create", "86"),
        )
        .await
        .unwrap();
    assert_eq!(
        db.criteria_set_version(a.id).await.unwrap().as_ref(),
        Some(&a),
        "read back equal"
    );
    // Same label again: refused, nothing written.
    let dup = db
        .insert_criteria_set_version(
            &draft("86", "xa-86", "2026", "2027-01-01", None),
            entry("criteria_version.create", "86"),
        )
        .await
        .unwrap_err();
    assert!(dup.to_string().contains("\"2026\""), "{dup}");
    assert_eq!(db.audit_count().await.unwrap(), before + 1);

    // Edit with the revision seen; a stale revision changes nothing.
    let DraftUpdate::Done(a1) = db
        .update_criteria_set_draft(
            a.id,
            0,
            &change("2026", "2026-01-01", Some("2026-12-31"), "{\"v\":1}"),
            entry("criteria_version.edit", "86"),
        )
        .await
        .unwrap()
    else {
        panic!("edit refused")
    };
    assert_eq!(a1.revision, 1);
    assert_eq!(a1.content, "{\"v\":1}");
    let stale = db
        .update_criteria_set_draft(
            a.id,
            0,
            &change("2026", "2026-01-01", None, "{\"v\":2}"),
            entry("criteria_version.edit", "86"),
        )
        .await
        .unwrap();
    assert!(
        matches!(stale, DraftUpdate::Stale(ref r) if r.content == "{\"v\":1}"),
        "{stale:?}"
    );
    assert_eq!(db.audit_count().await.unwrap(), before + 2);

    // Publish; then editing and publishing again change nothing.
    let at = OffsetDateTime::now_utc();
    let Publish::Done(p) = db
        .publish_criteria_set_version(
            a.id,
            1,
            "officer86",
            at,
            entry("criteria_version.publish", "86"),
        )
        .await
        .unwrap()
    else {
        panic!("publish refused")
    };
    assert_eq!(p.status, STATUS_PUBLISHED);
    assert_eq!(db.criteria_set_version(a.id).await.unwrap().unwrap(), p);
    let after_publish = db
        .update_criteria_set_draft(
            a.id,
            1,
            &change("2026", "2026-01-01", None, "{}"),
            entry("criteria_version.edit", "86"),
        )
        .await
        .unwrap();
    assert!(
        matches!(after_publish, DraftUpdate::Published(_)),
        "{after_publish:?}"
    );
    assert!(matches!(
        db.publish_criteria_set_version(a.id, 1, "x", at, entry("criteria_version.publish", "86"))
            .await
            .unwrap(),
        Publish::Stale(_)
    ));
    assert_eq!(db.audit_count().await.unwrap(), before + 3);

    // An overlapping version of the same set and scope is refused naming the other;
    // another province, another set, or a later period is fine.
    let b = db
        .insert_criteria_set_version(
            &draft("86", "xa-86", "2026b", "2026-06-01", None),
            entry("criteria_version.create", "86"),
        )
        .await
        .unwrap();
    match db
        .publish_criteria_set_version(
            b.id,
            0,
            "officer86",
            at,
            entry("criteria_version.publish", "86"),
        )
        .await
        .unwrap()
    {
        Publish::Overlaps(o) => assert_eq!(
            o.iter().map(|v| v.label.as_str()).collect::<Vec<_>>(),
            ["2026"]
        ),
        other => panic!("{other:?}"),
    }
    assert!(
        !db.criteria_set_version(b.id)
            .await
            .unwrap()
            .unwrap()
            .is_published()
    );
    let c = db
        .insert_criteria_set_version(
            &draft("86", "xa-86", "2027", "2027-01-01", None),
            entry("criteria_version.create", "86"),
        )
        .await
        .unwrap();
    assert!(matches!(
        db.publish_criteria_set_version(
            c.id,
            0,
            "officer86",
            at,
            entry("criteria_version.publish", "86")
        )
        .await
        .unwrap(),
        Publish::Done(_)
    ));
    let d = db
        .insert_criteria_set_version(
            &draft("84", "xa-86", "2026", "2026-01-01", None),
            entry("criteria_version.create", "84"),
        )
        .await
        .unwrap();
    assert!(matches!(
        db.publish_criteria_set_version(
            d.id,
            0,
            "officer84",
            at,
            entry("criteria_version.publish", "84")
        )
        .await
        .unwrap(),
        Publish::Done(_)
    ));

    let all86 = db.list_criteria_set_versions("86").await.unwrap();
    assert_eq!(
        all86.iter().map(|v| v.label.as_str()).collect::<Vec<_>>(),
        ["2026", "2026b", "2027"]
    );
    let pub86 = db.published_criteria_set_versions("86").await.unwrap();
    assert_eq!(
        pub86.iter().map(|v| v.label.as_str()).collect::<Vec<_>>(),
        ["2026", "2027"]
    );
    assert!(
        db.published_criteria_set_versions("national")
            .await
            .unwrap()
            .is_empty()
    );
});

// A new decision replaces an open-ended one from its first day: a later-starting version of
// the same set publishes (the domain ends the earlier one the day before); the same first
// day, or a start inside an explicit period, still clashes.
ntm_testkit::both_backends!(open_ended_versions_are_superseded, |db: Db| async move {
    let at = OffsetDateTime::now_utc();
    let publish = |id| {
        let db = db.clone();
        async move {
            db.publish_criteria_set_version(id, 0, "officer86", at, entry("p", "86"))
                .await
                .unwrap()
        }
    };
    let add = |label: &'static str, from: &'static str, to: Option<&'static str>| {
        let db = db.clone();
        async move {
            db.insert_criteria_set_version(&draft("86", "xa-86", label, from, to), entry("c", "86"))
                .await
                .unwrap()
                .id
        }
    };
    let first = add("2026", "2026-03-01", None).await;
    assert!(matches!(publish(first).await, Publish::Done(_)));
    let later = add("2027", "2027-01-01", Some("2028-12-31")).await;
    assert!(matches!(publish(later).await, Publish::Done(_)));
    let same_day = add("2027-bis", "2027-01-01", None).await;
    assert!(
        matches!(publish(same_day).await, Publish::Overlaps(o) if o.len() == 1 && o[0].label == "2027")
    );
    let inside = add("2028", "2028-06-01", None).await;
    assert!(matches!(publish(inside).await, Publish::Overlaps(o) if o[0].label == "2027"));
    let after = add("2029", "2029-01-01", None).await;
    assert!(matches!(publish(after).await, Publish::Done(_)));
});
