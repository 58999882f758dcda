//! `ntm ocop remind`: the certificate reminders due on a day, each sent once however often
//! the command runs; a bad date changes nothing.

use ntm_store::OcopDecisionRecord;
use time::macros::date;

use super::{Env, failed, ok};

/// A producer of commune 28768 owned by `htx.tanan`, one product with a 4-star certificate
/// valid until 31/12/2026 (recorded in the store directly: the council's scoring is tested
/// in ntm-app). Returns the owner's id.
fn seed(env: &Env) -> uuid::Uuid {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let url = format!("sqlite://{}", env.data_dir().join("ntm.db").display());
        let db = ntm_app::Db::connect(&url).await.expect("database");
        let app = ntm_app::App::new(db, ntm_app::AppConfig::default());
        let cli = ntm_app::Actor::cli();
        let producer = ntm_app::ocop::register_producer(
            &app,
            &cli,
            ntm_app::ocop::NewProducer {
                unit_code: "28768".into(),
                kind: "cooperative".into(),
                name: "HTX Tân An".into(),
                owner_username: Some("htx.tanan".into()),
                ..Default::default()
            },
        )
        .await
        .expect("producer");
        let product = ntm_app::ocop::add_product(
            &app,
            &cli,
            producer.id,
            ntm_app::ocop::NewProduct {
                name: "Bánh tét lá cẩm".into(),
                group: "1".into(),
                ..Default::default()
            },
        )
        .await
        .expect("product");
        // A round (in the store directly: the council's sheets are tested elsewhere).
        let round = ntm_store::OcopRoundRecord {
            id: uuid::Uuid::now_v7(),
            product_id: product.id,
            level: "province".into(),
            held_on: time::macros::date!(2023 - 12 - 20),
            created_at: ntm_app::now(),
            created_by: "test".into(),
        };
        app.db_for_tests()
            .insert_ocop_round(
                &round,
                &[],
                &[],
                cli.audit_entry("ocop.round.open", "test", serde_json::json!({})),
            )
            .await
            .unwrap();
        let d = OcopDecisionRecord {
            id: uuid::Uuid::now_v7(),
            product_id: product.id,
            round_id: Some(round.id),
            stars: 4,
            average: Some(75.0),
            year: 2023,
            certificate_no: Some("12/QĐ-UBND".into()),
            issued_on: Some(date!(2024 - 01 - 01)),
            valid_until: Some(date!(2026 - 12 - 31)),
            imported: false,
            source_url: None,
            source_note: None,
            status_text: None,
            superseded_on: None,
            superseded_by: None,
            created_at: ntm_app::now(),
            created_by: "test".into(),
        };
        let audit = cli.audit_entry("ocop.decision.record", "test", serde_json::json!({}));
        app.db_for_tests()
            .record_ocop_decision(&d, audit)
            .await
            .expect("decision");
        let owner = producer.owner_user_id.expect("owner");
        app.close().await;
        owner
    })
}

fn inbox(env: &Env, user: uuid::Uuid) -> Vec<String> {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let url = format!("sqlite://{}", env.data_dir().join("ntm.db").display());
        let db = ntm_app::Db::connect(&url).await.expect("database");
        let out = db
            .notifications_of(user, 50)
            .await
            .expect("notifications")
            .into_iter()
            .map(|n| n.message)
            .collect();
        db.close().await;
        out
    })
}

#[test]
fn ocop_certificate_reminders_from_the_command_line() {
    let env = Env::with_small_units();
    ok(&env.run(&[
        "user",
        "add",
        "htx.tanan",
        "--name",
        "HTX Tân An",
        "--role",
        "producer@28768",
    ]));
    let owner = seed(&env);

    // Before the 90-day window: nothing.
    let out = ok(&env.run(&["ocop", "remind", "--date", "01/09/2026"]));
    assert!(out.contains("0 sent"), "{out}");
    // 77 days before the end: the 90-day reminder, once.
    let out = ok(&env.run(&["ocop", "remind", "--date", "15/10/2026"]));
    assert!(out.contains("15/10/2026: 1 sent"), "{out}");
    let out = ok(&env.run(&["ocop", "remind", "--date", "2026-10-16"]));
    assert!(out.contains("0 sent"), "{out}");
    // 26 days before: the 30-day reminder, once.
    let out = ok(&env.run(&["ocop", "remind", "--date", "2026-12-05"]));
    assert!(out.contains("1 sent"), "{out}");
    let out = ok(&env.run(&["ocop", "remind", "--date", "05/12/2026"]));
    assert!(out.contains("0 sent"), "{out}");
    // A bad date: refused, nothing sent.
    failed(&env.run(&["ocop", "remind", "--date", "31/02/2026"]));
    failed(&env.run(&["ocop", "remind", "--date", "hom nay"]));

    let messages = inbox(&env, owner);
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages
            .iter()
            .all(|m| m.contains("ocop-notify-expiring") && m.contains("Bánh tét lá cẩm")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("\"30\"")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("\"90\"")),
        "{messages:?}"
    );
    let audit = ok(&env.run(&["audit", "list"]));
    assert_eq!(audit.matches("ocop.reminders").count(), 2, "{audit}");
}
