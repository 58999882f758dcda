//! OCOP certificate reminders run by themselves: two servers sharing one database send each
//! reminder once (they race on the same day), and the server's daily task sends the
//! reminders due today without anyone asking.

use ntm_app::ocop::{self, NewProducer, NewProduct};
use ntm_app::{Actor, App};
use ntm_store::OcopDecisionRecord;
use ntm_testkit::{Db, both_backends};
use time::Duration;

use crate::{app, reference, user};

/// A product of commune 29374 owned by `owner`, certified until `today + days`.
async fn certified(app: &App, owner: &str, name: &str, days: i64) {
    let cli = Actor::cli();
    let p = ocop::register_producer(
        app,
        &cli,
        NewProducer {
            unit_code: "29374".into(),
            kind: "cooperative".into(),
            name: format!("HTX {name}"),
            owner_username: Some(owner.into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let product = ocop::add_product(
        app,
        &cli,
        p.id,
        NewProduct {
            name: name.into(),
            group: "1".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let valid_until = ntm_app::today() + Duration::days(days);
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
        stars: 3,
        average: Some(60.0),
        year: 2024,
        certificate_no: Some("7/QĐ-UBND".into()),
        issued_on: Some(valid_until - Duration::days(3 * 365)),
        valid_until: Some(valid_until),
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
        .unwrap();
}

both_backends!(ocop_reminders_once_across_servers, |db: Db| async move {
    let a = app(db);
    reference(&a).await;
    let owner = user(&a, "htx.nhacviec", "producer@29374").await;
    certified(&a, "htx.nhacviec", "Mắm cá lóc", 60).await;
    certified(&a, "htx.nhacviec", "Bánh tét", 20).await;
    // A second server on the same database, racing on the same day.
    let b = App::new(a.db_for_tests().clone(), a.config.clone());
    let today = ntm_app::today();
    let cli = Actor::cli();
    let (x, y) = tokio::join!(
        ocop::send_certificate_reminders(&a, &cli, today),
        ocop::send_certificate_reminders(&b, &cli, today),
    );
    assert_eq!(x.unwrap() + y.unwrap(), 2);
    let inbox = ntm_app::notifications::list(&a, &owner).await.unwrap();
    assert_eq!(inbox.len(), 2);

    // The daily task of a third server: nothing is due any more, so nothing is sent; a new
    // certificate ending within 30 days is reminded by the task itself.
    certified(&a, "htx.nhacviec", "Trà mãng cầu", 10).await;
    let task = ocop::spawn_daily_reminders(App::new(a.db_for_tests().clone(), a.config.clone()));
    let mut n = 0;
    for _ in 0..100 {
        n = ntm_app::notifications::list(&a, &owner)
            .await
            .unwrap()
            .len();
        if n == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    task.abort();
    assert_eq!(n, 3, "the daily task sent the reminder due");
});
