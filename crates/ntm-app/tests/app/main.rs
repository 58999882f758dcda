//! Use cases on both databases, with the real national unit lists.

mod access;
mod backup;
mod boundaries;
mod criteria;
mod criteria_sets;
mod demo;
mod dossiers;
mod exports;
mod feedback;
mod four_eyes;
mod groups;
mod kept;
mod measures;
mod national;
mod ocop;
mod ocop_reminders;
mod page_views;
mod pages;
mod permissions;
mod plan_pages;
mod plans;
mod portal;
mod portal_cache;
mod provincial;
mod reports;
mod survey_anonymity;
mod surveys;
mod tentative;
mod tokens;
mod tourism;
mod workbook;

use ntm_app::units::{NewHamlet, add_hamlets, get_unit, search};
use ntm_app::users::{
    GrantInput, NewUser, add_user, list_users, login, session_user, set_password,
};
use ntm_app::{Actor, App, AppConfig, AppError};
use ntm_domain::units::{Level, LineageKind};
use ntm_testkit::{Db, both_backends};
use time::macros::date;

fn app(db: Db) -> App {
    App::new(db, AppConfig::default())
}

async fn reference(app: &App) {
    let t = std::time::Instant::now();
    ntm_app::demo::import_reference_units(app, &Actor::cli(), &mut |_, _| {})
        .await
        .expect("reference import");
    eprintln!(
        "reference import on {:?}: {:.2} s",
        app.db_for_tests().backend(),
        t.elapsed().as_secs_f64()
    );
}

async fn user(app: &App, name: &str, grant: &str) -> Actor {
    add_user(
        app,
        &Actor::cli(),
        NewUser {
            username: name.into(),
            display_name: name.into(),
            password: "mat-khau-123".into(),
            grants: vec![GrantInput::parse(grant).expect("grant")],
        },
    )
    .await
    .expect("add user");
    let (_, u) = login(app, name, "mat-khau-123", "10.0.0.1")
        .await
        .expect("login");
    u.actor("10.0.0.1")
}

both_backends!(the_whole_country_over_time, |db: Db| async move {
    let app = app(db);
    reference(&app).await;
    let count = |v: Vec<(Level, i64)>, l: Level| {
        v.into_iter()
            .find(|(x, _)| *x == l)
            .map(|(_, n)| n)
            .unwrap_or(0)
    };
    let on = |d| app.db_for_tests().count_by_level_on(d);
    let c = on(date!(2024 - 01 - 01)).await.unwrap();
    assert_eq!(
        (
            count(c.clone(), Level::Province),
            count(c.clone(), Level::District),
            count(c, Level::Commune)
        ),
        (63, 705, 10598)
    );
    let c = on(date!(2025 - 06 - 30)).await.unwrap();
    assert_eq!(
        (
            count(c.clone(), Level::Province),
            count(c.clone(), Level::District),
            count(c, Level::Commune)
        ),
        (63, 696, 10035)
    );
    let c = on(date!(2025 - 07 - 01)).await.unwrap();
    assert_eq!(
        (
            count(c.clone(), Level::Province),
            count(c.clone(), Level::District),
            count(c, Level::Commune)
        ),
        (34, 0, 3321)
    );

    // Idempotent: applying the lists again changes nothing.
    let again = ntm_app::demo::import_reference_units(&app, &Actor::cli(), &mut |_, _| {})
        .await
        .unwrap();
    assert!(again.iter().all(|r| r.already_applied));

    // Xã Mỹ Chánh (Trà Vinh) before the reform, merged whole into Xã Châu Thành (Vĩnh Long).
    let v = get_unit(&app, "29380", Some(date!(2024 - 06 - 01)))
        .await
        .unwrap();
    assert_eq!(v.unit.name, "Xã Mỹ Chánh");
    let chain: Vec<&str> = v.ancestors.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(chain, ["Tỉnh Trà Vinh", "Huyện Châu Thành"]);
    assert_eq!(v.successors.len(), 1);
    assert_eq!(v.successors[0].0.kind, LineageKind::Merge);
    assert_eq!(v.successors[0].1.code, "29374");
    let after = get_unit(&app, "29374", Some(date!(2026 - 01 - 01)))
        .await
        .unwrap();
    assert_eq!(
        after
            .ancestors
            .iter()
            .map(|u| u.code.as_str())
            .collect::<Vec<_>>(),
        ["86"]
    );
    assert!(after.predecessors.iter().any(|(_, u)| u.code == "29380"));
    // Not valid on that date: a clear message naming when it was.
    match get_unit(&app, "29380", Some(date!(2026 - 01 - 01))).await {
        Err(AppError::NotFound(m)) => assert!(m.contains("until 2025-07-01"), "{m}"),
        other => panic!("{other:?}"),
    }
    // Reused codes: 00004 is Trúc Bạch before and Ba Đình after.
    assert_eq!(
        get_unit(&app, "00004", Some(date!(2024 - 01 - 01)))
            .await
            .unwrap()
            .unit
            .name,
        "Phường Trúc Bạch"
    );
    assert_eq!(
        get_unit(&app, "00004", Some(date!(2025 - 07 - 01)))
            .await
            .unwrap()
            .unit
            .name,
        "Phường Ba Đình"
    );
    // Trà Vinh had 106 communes in 2023 (9 districts).
    let tv = app
        .db_for_tests()
        .subtree_on("/84/", date!(2023 - 06 - 01), Some(Level::Commune))
        .await
        .unwrap();
    assert_eq!(tv.len(), 106);
    // Search without diacritics.
    let found = search(&app, "cang long", Some(date!(2024 - 01 - 01)), 20)
        .await
        .unwrap();
    assert!(
        found.iter().any(|u| u.name == "Huyện Càng Long"),
        "{found:?}"
    );
    assert!(matches!(
        search(&app, "  ", None, 20).await,
        Err(AppError::Validation(_))
    ));
});

both_backends!(
    roles_are_scoped_and_cannot_be_escalated,
    |db: Db| async move {
        let app = app(db);
        reference(&app).await;
        let province = user(&app, "tinh.vl", "province_officer@86").await;
        let commune = user(&app, "xa.ct", "commune_officer@29374").await;
        let viewer = user(&app, "xem", "viewer").await;

        // A province officer manages users inside the province only, and cannot mint admins.
        let mk = |name: &str, grant: &str| NewUser {
            username: name.into(),
            display_name: "X".into(),
            password: "mat-khau-123".into(),
            grants: vec![GrantInput::parse(grant).unwrap()],
        };
        add_user(&app, &province, mk("xa.moi", "commune_officer@29374"))
            .await
            .expect("inside the province");
        let r = add_user(&app, &province, mk("khac1", "commune_officer@00004")).await;
        assert!(matches!(r, Err(AppError::Forbidden(_))), "{r:?}");
        assert!(matches!(
            add_user(&app, &province, mk("khac2", "admin@86")).await,
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            add_user(&app, &province, mk("khac3", "admin")).await,
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            add_user(&app, &commune, mk("khac4", "viewer@29374")).await,
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            add_user(&app, &viewer, mk("khac5", "viewer")).await,
            Err(AppError::Forbidden(_))
        ));
        let listed: Vec<String> = list_users(&app, &province)
            .await
            .unwrap()
            .into_iter()
            .map(|u| u.username)
            .collect();
        assert!(
            listed.contains(&"xa.moi".to_string()) && !listed.contains(&"xem".to_string()),
            "{listed:?}"
        );
        assert!(matches!(
            list_users(&app, &viewer).await,
            Err(AppError::Forbidden(_))
        ));
        // Passwords: yourself, or a manager of every scope you hold.
        set_password(&app, &commune, "xa.ct", "mat-khau-moi-1")
            .await
            .expect("own password");
        set_password(&app, &province, "xa.ct", "mat-khau-moi-2")
            .await
            .expect("manager");
        assert!(matches!(
            set_password(&app, &commune, "tinh.vl", "mat-khau-moi-3").await,
            Err(AppError::Forbidden(_))
        ));

        // Hamlets: the commune officer of that commune, nobody below or beside.
        let h = |code: &str| {
            vec![NewHamlet {
                line: 0,
                commune_code: code.into(),
                code: None,
                name: "Ấp Một".into(),
                kind: "ấp".into(),
            }]
        };
        let r = add_hamlets(&app, &commune, h("29374"))
            .await
            .expect("own commune");
        assert_eq!(r.added[0].code, "29374-01");
        assert_eq!(r.added[0].kind, "Ấp");
        assert_eq!(r.added[0].path, "/86/29374/29374-01/");
        assert!(matches!(
            add_hamlets(&app, &commune, h("00004")).await,
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            add_hamlets(&app, &viewer, h("29374")).await,
            Err(AppError::Forbidden(_))
        ));
        let anon = Actor::Anonymous {
            origin: "1.1.1.1".into(),
        };
        assert!(matches!(
            add_hamlets(&app, &anon, h("29374")).await,
            Err(AppError::Unauthorized(_))
        ));
        // Importing the same names again adds nothing; a clash of codes is a conflict.
        assert_eq!(
            add_hamlets(&app, &commune, h("29374"))
                .await
                .unwrap()
                .unchanged,
            1
        );
        let clash = vec![NewHamlet {
            line: 0,
            commune_code: "29374".into(),
            code: Some("29374-01".into()),
            name: "Ấp Khác".into(),
            kind: "Ấp".into(),
        }];
        assert!(matches!(
            add_hamlets(&app, &commune, clash).await,
            Err(AppError::Conflict(_))
        ));
        // Imports from the CLI are the only country-wide writes.
        let input = ntm_app::units::SnapshotInput {
            source: "x.csv".into(),
            units_csv: b"code,name,level,kind,parent_code\n",
            date: date!(2026 - 01 - 01),
            mapping_csv: None,
        };
        assert!(matches!(
            ntm_app::units::import_snapshot(&app, &province, input, &mut |_| {}).await,
            Err(AppError::Forbidden(_))
        ));

        // Every write above is in the verified audit chain.
        let report = ntm_app::audit::verify_chain(&app, &Actor::cli())
            .await
            .unwrap();
        assert!(report.ok, "{report:?}");
        assert!(report.entries >= 10);
        assert!(matches!(
            ntm_app::audit::verify_chain(&app, &province).await,
            Err(AppError::Forbidden(_))
        ));
    }
);

both_backends!(login_limits_and_session_expiry, |db: Db| async move {
    let mut config = AppConfig {
        login_max_failures_user: 3,
        login_max_failures_origin: 5,
        ..AppConfig::default()
    };
    let app = App::new(db.clone(), config.clone());
    add_user(
        &app,
        &Actor::cli(),
        NewUser {
            username: "a".repeat(3),
            display_name: "A".into(),
            password: "mat-khau-123".into(),
            grants: vec![GrantInput::parse("viewer").unwrap()],
        },
    )
    .await
    .unwrap();
    for _ in 0..3 {
        assert!(matches!(
            login(&app, "aaa", "sai", "10.0.0.1").await,
            Err(AppError::Unauthorized(_))
        ));
    }
    // The guessing address waits, even with the right password…
    assert!(matches!(
        login(&app, "aaa", "mat-khau-123", "10.0.0.1").await,
        Err(AppError::TooManyRequests { .. })
    ));
    // …the owner from another address is not locked out…
    assert!(login(&app, "aaa", "mat-khau-123", "10.0.0.2").await.is_ok());
    // …and an address that guesses many accounts is stopped too.
    for i in 0..1 {
        let _ = login(&app, &format!("nobody{i}"), "x", "10.0.0.1").await;
    }
    assert!(matches!(
        login(&app, "zzz", "x", "10.0.0.1").await,
        Err(AppError::TooManyRequests { .. })
    ));

    // Sessions: valid, then expired.
    config.login_max_failures_user = 100;
    config.login_max_failures_origin = 100;
    config.session_ttl = time::Duration::milliseconds(1500);
    let app = App::new(db, config);
    let (token, _) = login(&app, "aaa", "mat-khau-123", "10.0.0.9")
        .await
        .expect("login");
    assert_eq!(
        session_user(&app, &token).await.unwrap().unwrap().username,
        "aaa"
    );
    assert!(session_user(&app, "not-a-token").await.unwrap().is_none());
    tokio::time::sleep(std::time::Duration::from_millis(1600)).await;
    assert!(matches!(
        session_user(&app, &token).await,
        Err(AppError::SessionExpired)
    ));
    // An expired session is gone for good.
    assert!(session_user(&app, &token).await.unwrap().is_none());
});
