//! Users and grants.

use ntm_domain::authz::{Grant, Role};
use ntm_store::{Db, StoreError, UserRecord, db_time};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entry;

pub fn user(username: &str) -> UserRecord {
    UserRecord {
        id: Uuid::now_v7(),
        username: username.into(),
        display_name: format!("Người dùng {username}"),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        active: true,
        created_at: OffsetDateTime::now_utc(),
    }
}

pub fn grant(role: Role, code: Option<&str>, path: &str) -> Grant {
    Grant {
        role,
        scope_code: code.map(Into::into),
        scope_path: path.into(),
    }
}

ntm_testkit::both_backends!(users_and_grants, |db: Db| async move {
    let alice = user("alice");
    let grants = vec![
        grant(Role::CommuneOfficer, Some("28756"), "/86/28756/"),
        grant(Role::Admin, None, "/"),
    ];
    db.insert_user(&alice, &grants, entry("user.add", "alice"))
        .await
        .unwrap();
    let stored = db.user_by_username("alice").await.unwrap().unwrap();
    assert_eq!(
        stored,
        UserRecord {
            created_at: db_time(alice.created_at),
            ..alice.clone()
        }
    );
    assert_eq!(db.user_by_id(alice.id).await.unwrap(), Some(stored.clone()));
    assert_eq!(db.user_by_username("bob").await.unwrap(), None);
    // Ordered by role name.
    assert_eq!(
        db.grants_of(alice.id).await.unwrap(),
        vec![grants[1].clone(), grants[0].clone()]
    );

    // Duplicate username: Conflict, and nothing of it is written.
    let audit_before = db.audit_count().await.unwrap();
    let impostor = user("alice");
    let e = db
        .insert_user(
            &impostor,
            &[grant(Role::Viewer, None, "/")],
            entry("user.add", "alice"),
        )
        .await
        .unwrap_err();
    match e {
        StoreError::Conflict(m) => assert_eq!(m, "username already exists: alice"),
        e => panic!("{e:?}"),
    }
    assert!(db.grants_of(impostor.id).await.unwrap().is_empty());
    assert_eq!(db.user_by_id(impostor.id).await.unwrap(), None);
    assert_eq!(db.audit_count().await.unwrap(), audit_before);
    assert_eq!(db.count_users().await.unwrap(), 1);

    // A failing grant rolls back the user too.
    let carol = user("carol");
    let dup = grant(Role::Viewer, None, "/");
    let e = db
        .insert_user(&carol, &[dup.clone(), dup], entry("user.add", "carol"))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
    assert_eq!(db.user_by_username("carol").await.unwrap(), None);

    db.set_password(alice.id, "new-hash", None, entry("user.password", "alice"))
        .await
        .unwrap();
    db.set_active(alice.id, false, entry("user.deactivate", "alice"))
        .await
        .unwrap();
    let after = db.user_by_id(alice.id).await.unwrap().unwrap();
    assert_eq!(after.password_hash, "new-hash");
    assert!(!after.active);
    let nobody = Uuid::now_v7();
    assert!(matches!(
        db.set_password(nobody, "x", None, entry("user.password", "?"))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.set_active(nobody, true, entry("user.activate", "?"))
            .await,
        Err(StoreError::NotFound)
    ));

    let extra = grant(Role::ProvinceOfficer, Some("86"), "/86/");
    db.add_grant(alice.id, &extra, entry("user.grant", "alice"))
        .await
        .unwrap();
    assert!(matches!(
        db.add_grant(alice.id, &extra, entry("user.grant", "alice"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        db.add_grant(nobody, &extra, entry("user.grant", "?")).await,
        Err(StoreError::NotFound)
    ));

    let bob = user("bob");
    db.insert_user(&bob, &[], entry("user.add", "bob"))
        .await
        .unwrap();
    let list = db.list_users().await.unwrap();
    let names: Vec<_> = list.iter().map(|(u, _)| u.username.as_str()).collect();
    assert_eq!(names, ["alice", "bob"]);
    assert_eq!(list[0].1.len(), 3);
    assert!(list[1].1.is_empty());
    assert_eq!(db.count_users().await.unwrap(), 2);
    // user.add alice, password, deactivate, grant, user.add bob
    assert_eq!(db.audit_count().await.unwrap(), 5);
});
