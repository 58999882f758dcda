//! Commune groups: append-only assignments with a seq per (period, commune), the audit
//! entry in the same transaction, all or nothing, history by province and by commune.

use ntm_store::{CommuneGroupRecord, Db, db_time};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entry;

fn row(commune: &str, grp: i32, doc: &str) -> CommuneGroupRecord {
    CommuneGroupRecord {
        id: Uuid::now_v7(),
        province_code: "86".into(),
        commune_code: commune.into(),
        period: "2026-2030".into(),
        seq: 0,
        grp,
        basis_doc: doc.into(),
        basis_date: "2026-03-02".into(),
        basis_issuer: "UBND tỉnh Vĩnh Long".into(),
        basis_article: "Điều 1".into(),
        note: String::new(),
        created_by: "tinh".into(),
        created_at: db_time(OffsetDateTime::now_utc()),
    }
}

ntm_testkit::both_backends!(
    commune_groups_append_only_with_history,
    |db: Db| async move {
        let audits = db.audit_count().await.unwrap();
        let stored = db
            .append_commune_groups(
                &[row("29374", 1, "10/QĐ-UBND"), row("29377", 3, "10/QĐ-UBND")],
                entry("groups.assign", "86"),
            )
            .await
            .unwrap();
        assert_eq!(stored.iter().map(|r| r.seq).collect::<Vec<_>>(), [1, 1]);
        assert_eq!(db.audit_count().await.unwrap(), audits + 1);
        // A reassignment is a new row with the next seq; the old one stays.
        let again = db
            .append_commune_groups(
                &[row("29374", 2, "11/QĐ-UBND")],
                entry("groups.assign", "86"),
            )
            .await
            .unwrap();
        assert_eq!(again[0].seq, 2);
        let hist = db
            .commune_group_history("29374", "2026-2030")
            .await
            .unwrap();
        assert_eq!(
            hist.iter()
                .map(|r| (r.seq, r.grp, r.basis_doc.as_str()))
                .collect::<Vec<_>>(),
            [(1, 1, "10/QĐ-UBND"), (2, 2, "11/QĐ-UBND")]
        );
        assert_eq!(hist[1], again[0]);
        let all = db
            .commune_groups_of_province("86", "2026-2030")
            .await
            .unwrap();
        assert_eq!(
            all.iter()
                .map(|r| (r.commune_code.as_str(), r.seq))
                .collect::<Vec<_>>(),
            [("29374", 1), ("29374", 2), ("29377", 1)]
        );
        assert!(
            db.commune_groups_of_province("86", "2021-2025")
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            db.commune_groups_of_province("87", "2026-2030")
                .await
                .unwrap()
                .is_empty()
        );

        // All or nothing: a group outside 1–3 (refused by the table) writes nothing, not even
        // the valid row before it, nor the audit entry.
        let audits = db.audit_count().await.unwrap();
        let bad = db
            .append_commune_groups(
                &[row("29380", 2, "12/QĐ-UBND"), row("29381", 4, "12/QĐ-UBND")],
                entry("groups.assign", "86"),
            )
            .await;
        assert!(bad.is_err());
        let mut no_basis = row("29380", 2, "");
        no_basis.basis_doc.clear();
        assert!(
            db.append_commune_groups(&[no_basis], entry("groups.assign", "86"))
                .await
                .is_err(),
            "a basis is required"
        );
        assert!(
            db.commune_group_history("29380", "2026-2030")
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(db.audit_count().await.unwrap(), audits);

        // Append-only: updates and deletes are refused by the database.
        assert!(
            db.debug_execute_raw("UPDATE commune_group_assignments SET grp = 3")
                .await
                .is_err()
        );
        assert!(
            db.debug_execute_raw("DELETE FROM commune_group_assignments")
                .await
                .is_err()
        );
        assert_eq!(
            db.commune_groups_of_province("86", "2026-2030")
                .await
                .unwrap()
                .len(),
            3
        );
    }
);
