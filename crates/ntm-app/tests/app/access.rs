//! Taking access away (issue 14, finding 5): disabling an account, removing a role, ending
//! sessions on demand and after a password change, and the absolute session lifetime.

use ntm_app::users::{
    GrantInput, add_role, change_own_password, login, own_sessions, remove_role, revoke_sessions,
    session_user, set_active, set_password,
};
use ntm_app::{Actor, App, AppConfig, AppError};
use ntm_testkit::{Db, both_backends};

use crate::{app, reference, user};

const PW: &str = "mat-khau-123";

fn grant(s: &str) -> GrantInput {
    GrantInput::parse(s).expect("grant")
}

async fn roles(app: &App, token: &str) -> Vec<String> {
    session_user(app, token)
        .await
        .unwrap()
        .unwrap()
        .grants
        .into_iter()
        .map(|g| g.role.as_str().to_string())
        .collect()
}

async fn alive(app: &App, token: &str) -> bool {
    matches!(session_user(app, token).await, Ok(Some(_)))
}

both_backends!(access_can_be_taken_away, |db: Db| async move {
    let app = app(db);
    reference(&app).await;
    let province = user(&app, "tinh.vl", "province_officer@86").await;
    let other_province = user(&app, "tinh.tv", "province_officer@84").await;
    let commune = user(&app, "xa.ct", "commune_officer@29374").await;
    let (t1, _) = login(&app, "xa.ct", PW, "10.0.0.2").await.expect("login");
    let (t2, _) = login(&app, "xa.ct", PW, "10.0.0.3").await.expect("login");

    // Disabling: only a manager of the user's scope, never oneself; every session ends.
    assert!(matches!(
        set_active(&app, &other_province, "xa.ct", false).await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        set_active(&app, &commune, "xa.ct", false).await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        set_active(&app, &province, "tinh.vl", false).await,
        Err(AppError::Validation(_))
    ));
    assert!(alive(&app, &t1).await && alive(&app, &t2).await);
    let ended = set_active(&app, &province, "xa.ct", false)
        .await
        .expect("disable");
    assert!(ended >= 2, "{ended}");
    assert!(!alive(&app, &t1).await && !alive(&app, &t2).await);
    assert!(matches!(
        login(&app, "xa.ct", PW, "10.0.0.2").await,
        Err(AppError::Unauthorized(_))
    ));
    assert_eq!(set_active(&app, &province, "xa.ct", true).await.unwrap(), 0);
    let (t3, _) = login(&app, "xa.ct", PW, "10.0.0.2")
        .await
        .expect("enabled again");

    // Roles: added within the manager's reach, removed at once (read on every request), never
    // the last one.
    assert!(matches!(
        add_role(&app, &province, "xa.ct", &grant("viewer@84")).await,
        Err(AppError::Forbidden(_))
    ));
    add_role(&app, &province, "xa.ct", &grant("viewer@86"))
        .await
        .expect("add role");
    assert_eq!(roles(&app, &t3).await.len(), 2);
    remove_role(&app, &province, "xa.ct", &grant("commune_officer@29374"))
        .await
        .expect("remove role");
    assert_eq!(roles(&app, &t3).await, ["viewer"]);
    assert!(matches!(
        remove_role(&app, &province, "xa.ct", &grant("viewer@86")).await,
        Err(AppError::Validation(_))
    ));
    assert!(matches!(
        remove_role(&app, &province, "xa.ct", &grant("commune_officer@29374")).await,
        Err(AppError::Validation(_))
    ));

    // A manager's password reset ends every session of the user.
    set_password(&app, &province, "xa.ct", "mat-khau-moi-1")
        .await
        .expect("reset");
    assert!(!alive(&app, &t3).await);

    // Changing one's own password keeps this session and ends the others.
    let (mine, me) = login(&app, "xa.ct", "mat-khau-moi-1", "10.0.0.2")
        .await
        .expect("login");
    let (elsewhere, _) = login(&app, "xa.ct", "mat-khau-moi-1", "10.0.0.4")
        .await
        .expect("login");
    let me = me.actor("10.0.0.2");
    let listed = own_sessions(&app, &me, Some(&mine)).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed.iter().filter(|s| s.current).count(), 1);
    assert!(matches!(
        change_own_password(&app, &me, &mine, "sai-mat-khau", "mat-khau-moi-2", "mat-khau-moi-2")
            .await,
        Err(AppError::Validation(e)) if e[0].field == "current_password"
    ));
    assert!(matches!(
        change_own_password(&app, &me, &mine, "mat-khau-moi-1", "mat-khau-moi-2", "khac-hẳn-123")
            .await,
        Err(AppError::Validation(e)) if e.iter().any(|f| f.field == "repeat")
    ));
    assert!(
        alive(&app, &elsewhere).await,
        "a refused change ends nothing"
    );
    let ended = change_own_password(
        &app,
        &me,
        &mine,
        "mat-khau-moi-1",
        "mat-khau-moi-2",
        "mat-khau-moi-2",
    )
    .await
    .expect("change");
    assert_eq!(ended, 1);
    assert!(alive(&app, &mine).await && !alive(&app, &elsewhere).await);
    assert!(
        login(&app, "xa.ct", "mat-khau-moi-2", "10.0.0.2")
            .await
            .is_ok()
    );

    // "Log out everywhere else" on demand, and a manager ending all of them.
    let (again, _) = login(&app, "xa.ct", "mat-khau-moi-2", "10.0.0.5")
        .await
        .expect("login");
    revoke_sessions(&app, &me, "xa.ct", Some(&mine))
        .await
        .expect("own");
    assert!(alive(&app, &mine).await && !alive(&app, &again).await);
    assert!(matches!(
        revoke_sessions(&app, &other_province, "xa.ct", None).await,
        Err(AppError::Forbidden(_))
    ));
    revoke_sessions(&app, &province, "xa.ct", None)
        .await
        .expect("manager");
    assert!(!alive(&app, &mine).await);
    assert!(matches!(
        own_sessions(
            &app,
            &Actor::Anonymous {
                origin: "10.0.0.9".into()
            },
            None
        )
        .await,
        Err(AppError::Unauthorized(_))
    ));
});

both_backends!(
    sessions_end_at_their_absolute_lifetime,
    |db: Db| async move {
        // Idle expiry far away, absolute lifetime short: a session in constant use still ends.
        let config = AppConfig {
            session_ttl: time::Duration::hours(8),
            session_max: time::Duration::seconds(4),
            ..AppConfig::default()
        };
        let app = App::new(db, config);
        reference(&app).await;
        user(&app, "tinh.vl", "province_officer@86").await;
        let (token, _) = login(&app, "tinh.vl", PW, "10.0.0.1").await.expect("login");
        let opened = std::time::Instant::now();
        for _ in 0..3 {
            assert!(alive(&app, &token).await);
            tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        }
        // Used throughout, well inside the 4 s; then past them.
        let rest = std::time::Duration::from_millis(4200).saturating_sub(opened.elapsed());
        tokio::time::sleep(rest).await;
        assert!(matches!(
            session_user(&app, &token).await,
            Err(AppError::SessionExpired)
        ));
        assert!(session_user(&app, &token).await.unwrap().is_none());
    }
);

both_backends!(
    failed_logins_audited_and_the_tail_anchored,
    |db: Db| async move {
        use ntm_app::audit::{Anchor, list, verify_chain, verify_chain_against};
        let app = app(db);
        reference(&app).await;
        user(&app, "tinh.vl", "province_officer@86").await;
        let cli = Actor::cli();
        let before = verify_chain(&app, &cli).await.unwrap();
        assert!(before.ok);
        // A wrong password on an account, and a "name" that is no account (maybe a password).
        let _ = login(&app, "tinh.vl", "sai-mat-khau", "10.0.0.7").await;
        let _ = login(&app, "mat-khau-bi-go-nham", "x", "10.0.0.7").await;
        let failed: Vec<_> = list(&app, &cli, before.entries, 100)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "session.login_failed")
            .collect();
        assert_eq!(failed.len(), 2);
        assert_eq!(failed[0].target, "tinh.vl");
        assert_eq!(failed[0].origin, "10.0.0.7");
        assert_eq!(failed[1].target, "?");
        assert!(!failed[1].detail.contains("mat-khau-bi-go-nham"));

        // The head printed today verifies later as an anchor; a wrong hash or an entry past the
        // end does not.
        let now = verify_chain(&app, &cli).await.unwrap();
        let anchor = Anchor::parse(&format!("{}:{}", now.entries, now.head_hash)).unwrap();
        let _ = login(&app, "tinh.vl", PW, "10.0.0.7").await.expect("login");
        assert!(
            verify_chain_against(&app, &cli, Some(&anchor))
                .await
                .unwrap()
                .ok
        );
        let wrong = Anchor {
            hash: "0".repeat(64),
            ..anchor.clone()
        };
        let r = verify_chain_against(&app, &cli, Some(&wrong))
            .await
            .unwrap();
        assert!(!r.ok && r.problem.unwrap().contains("rewritten"));
        let beyond = Anchor {
            seq: anchor.seq + 1000,
            ..anchor.clone()
        };
        let r = verify_chain_against(&app, &cli, Some(&beyond))
            .await
            .unwrap();
        assert!(!r.ok && r.problem.unwrap().contains("removed"));
        for bad in ["", "12", "x:abc", "0:", "5:zz"] {
            assert!(Anchor::parse(bad).is_err(), "{bad}");
        }
        assert!(matches!(
            verify_chain_against(&app, &Actor::Anonymous { origin: "x".into() }, None).await,
            Err(AppError::Unauthorized(_) | AppError::Forbidden(_))
        ));
    }
);
