//! API tokens (issue 14, part 3): who may create and revoke them, the limits on input, the
//! audit entries, and what a token authenticates as (the owner's current grants).

use ntm_app::users::tokens::{
    MAX_DAYS, NewToken, TokenScope, create_token, managed_tokens, own_tokens, revoke_token,
    token_user,
};
use ntm_app::users::{GrantInput, add_role, remove_role, set_active};
use ntm_app::{Actor, AppError};
use ntm_testkit::{Db, both_backends};

use crate::{app, reference, user};

fn new(user: &str, name: &str, scope: TokenScope, days: i64) -> NewToken {
    NewToken {
        username: user.into(),
        name: name.into(),
        scope,
        days,
    }
}

both_backends!(api_tokens_use_cases, |db: Db| async move {
    let app = app(db);
    reference(&app).await;
    let admin = user(&app, "tinh.vl", "province_officer@86").await;
    let commune = user(&app, "xa.ct", "commune_officer@29374").await;
    let other = user(&app, "xa.khac", "commune_officer@29278").await;
    let anon = Actor::Anonymous {
        origin: "10.0.0.9".into(),
    };

    // One's own token; the secret is returned once, the listing never shows it.
    let (secret, view) = create_token(
        &app,
        &commune,
        new("xa.ct", "Nền tảng tỉnh", TokenScope::Read, 90),
    )
    .await
    .unwrap();
    assert!(secret.starts_with(&view.prefix) && view.usable && view.scope == "read");
    let days = (view.expires_at - view.created_at).whole_days();
    assert_eq!(days, 90);
    let listed = own_tokens(&app, &commune).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(!format!("{listed:?}").contains(&secret));

    // Bad input: no name, no expiry or beyond a year; nothing written.
    let head = app.db_for_tests().audit_head().await.unwrap();
    for (name, d) in [("", 30), ("x", 0), ("x", MAX_DAYS + 1)] {
        let e = create_token(&app, &commune, new("xa.ct", name, TokenScope::Write, d))
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Validation(_)), "{e:?}");
    }
    // Someone else's token: only who manages that user (the province officer of 86 manages
    // a commune officer of 29374; another commune officer does not; anonymous never).
    let e = create_token(&app, &other, new("xa.ct", "x", TokenScope::Write, 30))
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Forbidden(_)), "{e:?}");
    let e = create_token(&app, &anon, new("xa.ct", "x", TokenScope::Write, 30))
        .await
        .unwrap_err();
    assert!(matches!(e, AppError::Unauthorized(_)), "{e:?}");
    assert_eq!(app.db_for_tests().audit_head().await.unwrap(), head);
    let (service, sview) = create_token(
        &app,
        &admin,
        new("xa.ct", "Dịch vụ", TokenScope::Write, 365),
    )
    .await
    .unwrap();
    assert_eq!(sview.created_by, "tinh.vl");
    assert_eq!(managed_tokens(&app, &admin).await.unwrap().len(), 2);
    assert!(managed_tokens(&app, &other).await.is_err());

    // The token acts as its owner with the owner's current grants.
    let tu = token_user(&app, &secret, "10.0.0.5").await.unwrap();
    assert_eq!(
        (tu.user.username.as_str(), tu.scope),
        ("xa.ct", TokenScope::Read)
    );
    assert_eq!(tu.user.grants.len(), 1);
    add_role(
        &app,
        &Actor::cli(),
        "xa.ct",
        &GrantInput::parse("viewer@86").unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(
        token_user(&app, &secret, "10.0.0.5")
            .await
            .unwrap()
            .user
            .grants
            .len(),
        2
    );
    remove_role(
        &app,
        &Actor::cli(),
        "xa.ct",
        &GrantInput::parse("viewer@86").unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(
        token_user(&app, &secret, "10.0.0.5")
            .await
            .unwrap()
            .user
            .grants
            .len(),
        1
    );

    // Revoking: another commune officer cannot even see it (404); the owner can; twice is
    // a no-op. The administrator revokes the service token.
    let e = revoke_token(&app, &other, view.id).await.unwrap_err();
    assert!(matches!(e, AppError::NotFound(_)), "{e:?}");
    assert!(revoke_token(&app, &commune, view.id).await.unwrap());
    assert!(!revoke_token(&app, &commune, view.id).await.unwrap());
    assert!(matches!(
        token_user(&app, &secret, "10.0.0.5").await,
        Err(AppError::Unauthorized(_))
    ));
    assert!(token_user(&app, &service, "10.0.0.5").await.is_ok());
    set_active(&app, &Actor::cli(), "xa.ct", false)
        .await
        .unwrap();
    assert!(matches!(
        token_user(&app, &service, "10.0.0.5").await,
        Err(AppError::Unauthorized(_))
    ));
    assert!(revoke_token(&app, &admin, sview.id).await.unwrap());

    // Audited: two creations, two revocations, two refused uses of known tokens.
    let entries = app.db_for_tests().audit_page(head.0, 1000).await.unwrap();
    let count = |a: &str| entries.iter().filter(|e| e.action == a).count();
    assert_eq!(
        count("api_token.create"),
        1,
        "after the head: the service token"
    );
    assert_eq!(count("api_token.revoke"), 2);
    assert_eq!(count("api_token.refused"), 2);
    assert!(
        !entries.iter().any(|e| e.detail.contains(&service)),
        "never the secret"
    );
});
