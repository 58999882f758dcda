//! OCOP: producers and products, the catalogue's keyset paging and filters, rounds with one
//! sheet per member, decisions superseding the current certificate, all-or-nothing import,
//! reminders sent once.

use ntm_store::{
    CatalogueFilter, Db, ImportItem, OcopDecisionRecord, OcopProducerRecord, OcopProductRecord,
    OcopRoundRecord, OcopSheetRecord, StoreError,
};
use time::OffsetDateTime;
use time::macros::date;
use uuid::Uuid;

use crate::entry;
use crate::users::user;

pub(crate) fn producer(name: &str, path: &str) -> OcopProducerRecord {
    let code = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("84");
    OcopProducerRecord {
        id: Uuid::now_v7(),
        unit_code: code.into(),
        unit_path: path.into(),
        province_code: "84".into(),
        kind: Some("cooperative".into()),
        name: name.into(),
        address: None,
        legal_id: Some("2100123456".into()),
        phone: None,
        email: None,
        owner_user_id: None,
        sample: false,
        created_at: OffsetDateTime::now_utc(),
        created_by: "tester".into(),
    }
}

pub(crate) fn product(p: &OcopProducerRecord, name: &str, group: Option<i32>) -> OcopProductRecord {
    OcopProductRecord {
        id: Uuid::now_v7(),
        producer_id: p.id,
        province_code: p.province_code.clone(),
        unit_path: p.unit_path.clone(),
        name: name.into(),
        search_key: ntm_domain::text::search_key(name),
        product_group: group,
        product_set: None,
        where_to_buy: None,
        photo_path: None,
        photo_type: None,
        stars: None,
        created_at: OffsetDateTime::now_utc(),
        created_by: "tester".into(),
    }
}

fn decision(
    product: Uuid,
    round: Option<Uuid>,
    stars: i32,
    issued: time::Date,
) -> OcopDecisionRecord {
    OcopDecisionRecord {
        id: Uuid::now_v7(),
        product_id: product,
        round_id: round,
        stars,
        average: round.map(|_| 72.5),
        year: issued.year(),
        certificate_no: Some(format!("{stars}-{issued}")),
        issued_on: Some(issued),
        valid_until: Some(issued.replace_year(issued.year() + 3).unwrap()),
        imported: round.is_none(),
        source_url: round.is_none().then(|| "https://example.vn/list".into()),
        source_note: None,
        status_text: None,
        superseded_on: None,
        superseded_by: None,
        created_at: OffsetDateTime::now_utc(),
        created_by: "tester".into(),
    }
}

ntm_testkit::both_backends!(ocop_products_rounds_decisions, |db: Db| async move {
    let htx = producer("HTX Tiến Thành", "/84/842/28756/");
    db.insert_ocop_producer(&htx, entry("ocop.producer", "htx"))
        .await
        .unwrap();
    let rice = product(&htx, "Gạo hữu cơ", Some(1));
    db.insert_ocop_product(&rice, entry("ocop.product", "rice"))
        .await
        .unwrap();
    // The same name (whatever the case) twice for one producer is refused.
    let again = product(&htx, "GẠO HỮU CƠ", Some(1));
    assert!(matches!(
        db.insert_ocop_product(&again, entry("ocop.product", "x"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    // A group outside 1–6 is refused by the schema too.
    let bad = product(&htx, "Khác", Some(7));
    assert!(
        db.insert_ocop_product(&bad, entry("ocop.product", "x"))
            .await
            .is_err()
    );
    assert_eq!(db.ocop_products_of(htx.id).await.unwrap().len(), 1);
    assert_eq!(db.ocop_producers_under("/84/842/").await.unwrap().len(), 1);
    assert_eq!(db.ocop_producers_under("/84/843/").await.unwrap().len(), 0);

    let (m1, m2) = (user("m1"), user("m2"));
    for u in [&m1, &m2] {
        db.insert_user(u, &[], entry("user.add", &u.username))
            .await
            .unwrap();
    }
    let round = OcopRoundRecord {
        id: Uuid::now_v7(),
        product_id: rice.id,
        level: "province".into(),
        held_on: date!(2024 - 05 - 10),
        created_at: OffsetDateTime::now_utc(),
        created_by: "tester".into(),
    };
    db.insert_ocop_round(&round, &[m1.id, m2.id], &[], entry("ocop.round", "r"))
        .await
        .unwrap();
    assert_eq!(
        db.ocop_round(round.id).await.unwrap().unwrap().held_on,
        round.held_on
    );
    assert_eq!(db.ocop_round_members(round.id).await.unwrap().len(), 2);
    let sheet = |m: Uuid| OcopSheetRecord {
        id: Uuid::now_v7(),
        round_id: round.id,
        member_id: m,
        points: r#"{"A":30,"B":20,"C":22.5}"#.into(),
        created_at: OffsetDateTime::now_utc(),
    };
    db.insert_ocop_sheet(&sheet(m1.id), entry("ocop.sheet", "m1"))
        .await
        .unwrap();
    let head = db.audit_head().await.unwrap();
    assert!(matches!(
        db.insert_ocop_sheet(&sheet(m1.id), entry("ocop.sheet", "m1")).await,
        Err(StoreError::Conflict(m)) if m.contains("already scored")
    ));
    assert_eq!(db.audit_head().await.unwrap(), head, "nothing written");
    assert_eq!(db.ocop_sheets(round.id).await.unwrap().len(), 1);

    // A decision, then a re-evaluation (downgrade) superseding it.
    let d1 = decision(rice.id, Some(round.id), 4, date!(2024 - 06 - 01));
    db.record_ocop_decision(&d1, entry("ocop.decision", "d1"))
        .await
        .unwrap();
    assert!(matches!(
        db.record_ocop_decision(
            &decision(rice.id, Some(round.id), 3, date!(2024 - 06 - 02)),
            entry("x", "y")
        )
        .await,
        Err(StoreError::Conflict(_))
    ));
    let round2 = OcopRoundRecord {
        id: Uuid::now_v7(),
        held_on: date!(2025 - 03 - 01),
        ..round.clone()
    };
    db.insert_ocop_round(&round2, &[m1.id], &[], entry("ocop.round", "r2"))
        .await
        .unwrap();
    let d2 = decision(rice.id, Some(round2.id), 3, date!(2025 - 03 - 15));
    db.record_ocop_decision(&d2, entry("ocop.decision", "d2"))
        .await
        .unwrap();
    let ds = db.ocop_decisions_of(rice.id).await.unwrap();
    assert_eq!(ds.len(), 2);
    let old = ds.iter().find(|d| d.id == d1.id).unwrap();
    assert_eq!(
        (old.superseded_on, old.superseded_by),
        (Some(date!(2025 - 03 - 15)), Some(d2.id))
    );
    assert_eq!(
        db.ocop_product(rice.id).await.unwrap().unwrap().stars,
        Some(3)
    );
    // Reminders: only the current certificate is a candidate; each reminder is sent once.
    let ending = db
        .ocop_certificates_ending_by(date!(2030 - 01 - 01))
        .await
        .unwrap();
    assert_eq!(ending.iter().map(|d| d.id).collect::<Vec<_>>(), vec![d2.id]);
    assert!(
        db.ocop_certificates_ending_by(date!(2028 - 03 - 14))
            .await
            .unwrap()
            .is_empty()
    );
    // A reminder marked with its notification in one transaction, once: the second pass
    // (another server) stores nothing; a reminder without anyone to notify is still marked.
    let now = OffsetDateTime::now_utc();
    let owner = crate::users::user("htx.nhac");
    db.insert_user(&owner, &[], entry("user.add", "htx.nhac"))
        .await
        .unwrap();
    let note = ntm_store::NotificationRecord {
        id: Uuid::now_v7(),
        user_id: owner.id,
        dossier_id: None,
        message: "{}".into(),
        link: "/ocop".into(),
        created_at: now,
        read_at: None,
    };
    let due = |note: Option<ntm_store::NotificationRecord>| {
        vec![ntm_store::DueReminder {
            decision_id: d2.id,
            reminder: "days90".into(),
            note,
        }]
    };
    let sent = db
        .send_ocop_reminders(due(Some(note.clone())), now, entry("ocop.reminders", "/"))
        .await
        .unwrap();
    assert_eq!(sent.len(), 1);
    let again = ntm_store::NotificationRecord {
        id: Uuid::now_v7(),
        ..note.clone()
    };
    assert!(
        db.send_ocop_reminders(due(Some(again)), now, entry("ocop.reminders", "/"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(db.notifications_of(owner.id, 10).await.unwrap().len(), 1);
    let none = vec![ntm_store::DueReminder {
        decision_id: d2.id,
        reminder: "days30".into(),
        note: None,
    }];
    assert!(
        db.send_ocop_reminders(none, now, entry("ocop.reminders", "/"))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        db.ocop_reminders_sent(d2.id).await.unwrap(),
        vec!["days30".to_string(), "days90".to_string()]
    );
    assert_eq!(db.notifications_of(owner.id, 10).await.unwrap().len(), 1);
});

ntm_testkit::both_backends!(ocop_import_and_catalogue, |db: Db| async move {
    let a = producer("Công ty Trà Bắc", "/84/842/28756/");
    let b = producer("HTX Phú Mỹ Châu", "/84/845/28900/");
    let mut items = Vec::new();
    for (i, name) in [
        "Thảm xơ dừa",
        "Nước cốt dừa",
        "Ấm trà",
        "Bánh tét",
        "Dừa sáp",
    ]
    .iter()
    .enumerate()
    {
        let p = if i % 2 == 0 { &a } else { &b };
        let pr = product(p, name, Some(if i == 2 { 4 } else { 1 }));
        let d = decision(pr.id, None, 3 + (i as i32 % 2), date!(2022 - 01 - 01));
        items.push(ImportItem {
            producer: p.clone(),
            product: pr,
            decision: Some(d),
        });
    }
    // A duplicate product at the end: nothing of the batch is stored.
    let mut bad = items.clone();
    let dup = product(&a, "Thảm xơ dừa", None);
    bad.push(ImportItem {
        producer: a.clone(),
        product: dup,
        decision: None,
    });
    let head = db.audit_head().await.unwrap();
    assert!(
        db.import_ocop(&bad, entry("ocop.import", "x"))
            .await
            .is_err()
    );
    assert_eq!(db.audit_head().await.unwrap(), head);
    assert!(db.ocop_producers_under("/").await.unwrap().is_empty());
    assert_eq!(
        db.import_ocop(&items, entry("ocop.import", "ok"))
            .await
            .unwrap(),
        5
    );
    assert_eq!(db.ocop_producers_under("/84/").await.unwrap().len(), 2);

    // Keyset paging visits every product once, in name order.
    let f = CatalogueFilter::default();
    let mut seen = Vec::new();
    let mut after: Option<(String, Uuid)> = None;
    loop {
        let page = db
            .ocop_catalogue(&f, after.as_ref().map(|(k, id)| (k.as_str(), *id)), 2)
            .await
            .unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().map(|r| (r.search_key.clone(), r.id));
        seen.extend(page.into_iter().map(|r| r.name));
    }
    assert_eq!(
        seen,
        vec![
            "Ấm trà",
            "Bánh tét",
            "Dừa sáp",
            "Nước cốt dừa",
            "Thảm xơ dừa"
        ]
    );
    let one = db.ocop_catalogue(&f, None, 1).await.unwrap();
    assert_eq!(one[0].imported, Some(true));
    assert_eq!(one[0].producer_name, "Công ty Trà Bắc");
    assert_eq!(one[0].valid_until, Some(date!(2025 - 01 - 01)));
    let by = |f: CatalogueFilter| {
        let db = db.clone();
        async move { db.ocop_catalogue(&f, None, 50).await.unwrap().len() }
    };
    assert_eq!(
        by(CatalogueFilter {
            stars: Some(4),
            ..Default::default()
        })
        .await,
        2
    );
    assert_eq!(
        by(CatalogueFilter {
            group: Some(4),
            ..Default::default()
        })
        .await,
        1
    );
    assert_eq!(
        by(CatalogueFilter {
            path_prefix: Some("/84/845/".into()),
            ..Default::default()
        })
        .await,
        2
    );
    assert_eq!(
        by(CatalogueFilter {
            province_code: Some("86".into()),
            ..Default::default()
        })
        .await,
        0
    );
});
