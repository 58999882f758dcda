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
