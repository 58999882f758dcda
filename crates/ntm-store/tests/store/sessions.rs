//! Sessions and failed-login counting.

use ntm_store::{Db, SessionRecord, db_time};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

use crate::entry;
use crate::users::user;

fn session(token: &str, user_id: uuid::Uuid, expires_at: OffsetDateTime) -> SessionRecord {
    let now = datetime!(2025-01-01 00:00:00 UTC);
    SessionRecord {
        token_hash: token.into(),
        user_id,
        created_at: now - Duration::hours(1),
        expires_at,
        last_seen_at: now - Duration::minutes(30),
        origin: "10.0.0.7".into(),
    }
}

ntm_testkit::both_backends!(sessions_round_trip_and_expire, |db: Db| async move {
    let u = user("alice");
    db.insert_user(&u, &[], entry("user.add", "alice"))
        .await
        .unwrap();
    // A whole-second `now` and expiries a fraction of a second around it: SQLite compares
    // timestamps as text, so this checks the fixed-width encoding.
    let now = datetime!(2025-01-01 00:00:00 UTC);
    let expired = session("h-expired", u.id, now - Duration::milliseconds(500));
    let at_now = session("h-at-now", u.id, now);
    let live = session("h-live", u.id, now + Duration::microseconds(1));
    for s in [&expired, &at_now, &live] {
        db.insert_session(s, entry("session.login", "alice"))
            .await
            .unwrap();
    }
    // Expired sessions are still returned; the caller decides.
    assert_eq!(
        db.session_by_hash("h-expired").await.unwrap(),
        Some(expired.clone())
    );
    assert_eq!(db.session_by_hash("nope").await.unwrap(), None);

    // Nanoseconds are truncated to microseconds on the way in.
    let seen = now + Duration::nanoseconds(1_234_567);
    assert!(
        db.touch_session("h-live", seen, now + Duration::hours(8))
            .await
            .unwrap()
    );
    let s = db.session_by_hash("h-live").await.unwrap().unwrap();
    assert_eq!(s.last_seen_at, db_time(seen));
    assert_eq!(s.last_seen_at, now + Duration::microseconds(1_234));
    assert_eq!(s.expires_at, now + Duration::hours(8));
    assert!(!db.touch_session("nope", now, now).await.unwrap());

    assert_eq!(db.delete_expired_sessions(now).await.unwrap(), 2);
    assert_eq!(db.session_by_hash("h-expired").await.unwrap(), None);
    assert_eq!(db.session_by_hash("h-at-now").await.unwrap(), None);
    assert!(db.session_by_hash("h-live").await.unwrap().is_some());

    let audit_before = db.audit_count().await.unwrap();
    assert!(
        db.delete_session("h-live", Some(entry("session.logout", "alice")))
            .await
            .unwrap()
    );
    assert!(!db.delete_session("h-live", None).await.unwrap());
    assert_eq!(db.audit_count().await.unwrap(), audit_before + 1);

    db.insert_session(&live, entry("session.login", "alice"))
        .await
        .unwrap();
    assert_eq!(db.delete_sessions_of_user(u.id).await.unwrap(), 1);
});

ntm_testkit::both_backends!(login_failures_count_in_a_window, |db: Db| async move {
    let t0 = datetime!(2025-03-01 08:00:00 UTC);
    for minutes in [0, 1, 5, 10] {
        db.record_login_failure("k1", t0 + Duration::minutes(minutes))
            .await
            .unwrap();
    }
    db.record_login_failure("k2", t0 + Duration::minutes(10))
        .await
        .unwrap();
    assert_eq!(db.count_login_failures("k1", t0).await.unwrap(), 4);
    // The window start is inclusive.
    assert_eq!(
        db.count_login_failures("k1", t0 + Duration::minutes(5))
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        db.count_login_failures("k1", t0 + Duration::milliseconds(300_500))
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        db.count_login_failures("k1", t0 + Duration::minutes(11))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        db.prune_login_failures(t0 + Duration::minutes(1))
            .await
            .unwrap(),
        1
    );
    assert_eq!(db.clear_login_failures("k1").await.unwrap(), 3);
    assert_eq!(db.count_login_failures("k1", t0).await.unwrap(), 0);
    assert_eq!(db.count_login_failures("k2", t0).await.unwrap(), 1);
});

ntm_testkit::both_backends!(
    sessions_end_with_password_disable_and_revoke,
    |db: Db| async move {
        use ntm_domain::authz::Role;
        let u = user("alice");
        let other = user("bob");
        let g = crate::users::grant(Role::ProvinceOfficer, Some("86"), "/86/");
        db.insert_user(&u, std::slice::from_ref(&g), entry("user.add", "alice"))
            .await
            .unwrap();
        db.insert_user(&other, &[], entry("user.add", "bob"))
            .await
            .unwrap();
        let far = datetime!(2030-01-01 00:00:00 UTC);
        let login = |t: &str, id| session(t, id, far);
        for s in [
            login("a1", u.id),
            login("a2", u.id),
            login("a3", u.id),
            login("b1", other.id),
        ] {
            db.insert_session(&s, entry("session.login", "x"))
                .await
                .unwrap();
        }
        assert_eq!(db.sessions_of_user(u.id).await.unwrap().len(), 3);

        // A password change keeps the session that made it and ends the others.
        let audit = db.audit_count().await.unwrap();
        let ended = db
            .set_password(u.id, "h2", Some("a1"), entry("user.passwd", "alice"))
            .await
            .unwrap();
        assert_eq!(ended, 2);
        let left: Vec<_> = db
            .sessions_of_user(u.id)
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.token_hash)
            .collect();
        assert_eq!(left, ["a1"]);
        assert_eq!(db.audit_count().await.unwrap(), audit + 1);

        // Revoking on demand ends the rest, with its audit entry; others' sessions stay.
        db.insert_session(&login("a4", u.id), entry("session.login", "x"))
            .await
            .unwrap();
        let ended = db
            .revoke_sessions(u.id, Some("a4"), entry("session.revoke", "alice"))
            .await
            .unwrap();
        assert_eq!(ended, 1);
        assert_eq!(db.session_by_hash("a1").await.unwrap(), None);
        assert!(db.session_by_hash("a4").await.unwrap().is_some());
        assert!(db.session_by_hash("b1").await.unwrap().is_some());

        // Disabling ends every session of the account at once; enabling ends none.
        assert_eq!(
            db.set_active(u.id, false, entry("user.disable", "alice"))
                .await
                .unwrap(),
            1
        );
        assert!(db.sessions_of_user(u.id).await.unwrap().is_empty());
        assert_eq!(
            db.set_active(u.id, true, entry("user.enable", "alice"))
                .await
                .unwrap(),
            0
        );
        assert!(db.session_by_hash("b1").await.unwrap().is_some());

        // Removing a grant: gone once, then NotFound (and no audit entry for the failure).
        db.remove_grant(
            u.id,
            Role::ProvinceOfficer,
            "/86/",
            entry("user.role.remove", "alice"),
        )
        .await
        .unwrap();
        assert!(db.grants_of(u.id).await.unwrap().is_empty());
        let audit = db.audit_count().await.unwrap();
        assert!(matches!(
            db.remove_grant(
                u.id,
                Role::ProvinceOfficer,
                "/86/",
                entry("user.role.remove", "alice")
            )
            .await,
            Err(ntm_store::StoreError::NotFound)
        ));
        assert_eq!(db.audit_count().await.unwrap(), audit);
    }
);
