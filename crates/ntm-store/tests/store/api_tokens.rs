//! API tokens: stored by hash, listed, touched, revoked once with an audit entry.

use ntm_store::{ApiTokenRecord, Db, db_time};
use time::Duration;
use time::macros::datetime;

use crate::entry;
use crate::users::user;

ntm_testkit::both_backends!(api_tokens_round_trip_and_revoke, |db: Db| async move {
    let alice = user("alice");
    let bob = user("bob");
    for u in [&alice, &bob] {
        db.insert_user(u, &[], entry("user.add", &u.username))
            .await
            .unwrap();
    }
    let now = db_time(datetime!(2026-01-01 08:00:00.123456 UTC));
    let tok = |name: &str, owner: uuid::Uuid, hash: &str| ApiTokenRecord {
        id: uuid::Uuid::now_v7(),
        user_id: owner,
        name: name.into(),
        scope: "read".into(),
        token_hash: hash.into(),
        prefix: "ntm_abcd".into(),
        created_at: now,
        created_by: "alice".into(),
        expires_at: now + Duration::days(90),
        last_used_at: None,
        revoked_at: None,
        revoked_by: None,
    };
    let a = tok("platform", alice.id, "h-a");
    let b = tok("national", bob.id, "h-b");
    let head = db.audit_head().await.unwrap();
    db.insert_api_token(&a, entry("api_token.create", "alice"))
        .await
        .unwrap();
    db.insert_api_token(&b, entry("api_token.create", "bob"))
        .await
        .unwrap();
    assert_eq!(db.audit_head().await.unwrap().0, head.0 + 2);
    // The same hash twice is refused, nothing written.
    let dup = tok("dup", alice.id, "h-a");
    assert!(
        db.insert_api_token(&dup, entry("api_token.create", "alice"))
            .await
            .is_err()
    );
    assert_eq!(db.api_token_by_hash("h-a").await.unwrap(), Some(a.clone()));
    assert_eq!(db.api_token_by_hash("nope").await.unwrap(), None);
    assert_eq!(db.api_tokens(None).await.unwrap().len(), 2);
    assert_eq!(
        db.api_tokens(Some(&[bob.id])).await.unwrap(),
        vec![b.clone()]
    );

    let used = now + Duration::minutes(5);
    db.touch_api_token(a.id, used).await.unwrap();
    assert_eq!(
        db.api_token(a.id).await.unwrap().unwrap().last_used_at,
        Some(used)
    );

    let at = now + Duration::hours(1);
    assert!(
        db.revoke_api_token(a.id, at, "admin", entry("api_token.revoke", "alice"))
            .await
            .unwrap()
    );
    let r = db.api_token(a.id).await.unwrap().unwrap();
    assert_eq!(
        (r.revoked_at, r.revoked_by.as_deref()),
        (Some(at), Some("admin"))
    );
    // A second revocation changes nothing and writes no audit entry.
    let head = db.audit_head().await.unwrap();
    assert!(
        !db.revoke_api_token(
            a.id,
            at + Duration::hours(1),
            "x",
            entry("api_token.revoke", "alice")
        )
        .await
        .unwrap()
    );
    assert_eq!(db.audit_head().await.unwrap(), head);
    assert_eq!(
        db.api_token(a.id)
            .await
            .unwrap()
            .unwrap()
            .revoked_by
            .as_deref(),
        Some("admin")
    );
});
