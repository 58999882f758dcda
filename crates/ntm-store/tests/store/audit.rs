//! The audit chain: hashing round-trips, append-only triggers, concurrent writers.

use ntm_domain::audit::{GENESIS_HASH, verify};
use ntm_store::Db;
use ntm_testkit::TestDb;

use crate::entry;

ntm_testkit::both_backends!(entries_chain_and_verify, |db: Db| async move {
    let mut written = Vec::new();
    for i in 0..5 {
        let mut e = entry("test.write", &format!("t{i}"));
        e.detail = format!("{{\"i\":{i},\"text\":\"Xã Tân Hòa\"}}");
        written.push(db.append_audit(e).await.unwrap());
    }
    let page = db.audit_page(0, 100).await.unwrap();
    assert_eq!(page, written, "what is read back is what was chained");
    let (seq, hash) = verify(0, GENESIS_HASH, &page).unwrap();
    assert_eq!(seq, 5);
    assert_eq!(db.audit_head().await.unwrap(), (5, hash));
    assert_eq!(db.audit_count().await.unwrap(), 5);

    let mid = db.audit_page(2, 2).await.unwrap();
    assert_eq!(mid.iter().map(|e| e.seq).collect::<Vec<_>>(), [3, 4]);
    verify(2, &page[1].hash, &mid).unwrap();
    assert!(db.audit_page(5, 10).await.unwrap().is_empty());
});

ntm_testkit::both_backends!(audit_log_is_append_only, |db: Db| async move {
    db.append_audit(entry("test.write", "x")).await.unwrap();
    for sql in [
        "UPDATE audit_log SET actor = 'mallory'",
        "DELETE FROM audit_log",
    ] {
        let e = db.debug_execute_raw(sql).await.unwrap_err();
        assert!(e.to_string().contains("append-only"), "{sql}: {e}");
    }
    if db.backend() == ntm_store::Backend::Postgres {
        let e = db
            .debug_execute_raw("TRUNCATE audit_log")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("append-only"), "{e}");
    }
    let page = db.audit_page(0, 10).await.unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].actor, "tester");
    verify(0, GENESIS_HASH, &page).unwrap();
});

ntm_testkit::both_backends!(
    concurrent_appends_leave_a_gap_free_chain,
    |t: TestDb| async move {
        // Two pools on the same database stand for two servers.
        let other = Db::connect(&t.url).await.unwrap();
        let tasks: Vec<_> = (0..4)
            .map(|task| {
                let db = if task % 2 == 0 {
                    t.db.clone()
                } else {
                    other.clone()
                };
                tokio::spawn(async move {
                    for i in 0..25 {
                        db.append_audit(entry("test.concurrent", &format!("{task}/{i}")))
                            .await
                            .unwrap();
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        other.close().await;
        let page = t.db.audit_page(0, 1000).await.unwrap();
        assert_eq!(page.len(), 100);
        assert_eq!(verify(0, GENESIS_HASH, &page).unwrap().0, 100);
        assert_eq!(t.db.audit_head().await.unwrap().0, 100);
    }
);
