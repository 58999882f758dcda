//! Lot origins: written with the lot in one transaction, read back with the producer's and
//! product's names, listed per owner and per unit subtree; nothing written when the lot or its
//! origin is refused (duplicate lot, unknown producer, unknown area).

use ntm_store::{Db, LotOriginRecord, LotRecord, StoreError};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entry;
use crate::ocop::{producer, product};
use crate::users::user;

fn lot(path: &str, lot: &str) -> LotRecord {
    LotRecord {
        id: Uuid::now_v7(),
        unit_code: path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("")
            .into(),
        unit_path: path.into(),
        product: "09520123456788".into(),
        lot: lot.into(),
        created_at: ntm_store::db_time(OffsetDateTime::now_utc()),
        created_by: "tester".into(),
    }
}

ntm_testkit::both_backends!(lot_origins, |db: Db| async move {
    let owner = user("htx.owner");
    db.insert_user(&owner, &[], entry("user.add", "htx.owner"))
        .await
        .unwrap();
    let mut htx = producer("HTX Cầu Ngang", "/84/847/29374/");
    htx.owner_user_id = Some(owner.id);
    db.insert_ocop_producer(&htx, entry("ocop.producer", "htx"))
        .await
        .unwrap();
    let rice = product(&htx, "Gạo thơm", Some(1));
    db.insert_ocop_product(&rice, entry("ocop.product", "rice"))
        .await
        .unwrap();

    let a = lot("/84/847/29374/", "L-1");
    let area = crate::areas::area("VN-84-0001");
    db.insert_area(&area, &[htx.id], entry("area.register", "a"))
        .await
        .unwrap();
    let area = area.id;
    let origin = LotOriginRecord {
        lot_id: a.id,
        producer_id: htx.id,
        product_id: Some(rice.id),
        area_id: Some(area),
        created_at: a.created_at,
        created_by: "tester".into(),
    };
    db.insert_lot_with_origin(&a, Some(&origin), entry("trace.lot", "a"))
        .await
        .unwrap();
    // A lot without an origin (recorded through the API by an officer).
    let b = lot("/84/847/29377/", "L-2");
    db.insert_lot(&b, entry("trace.lot", "b")).await.unwrap();

    let got = db.lot_with_origin(a.id).await.unwrap().unwrap();
    assert_eq!(got.record(), a);
    assert_eq!(got.producer_name.as_deref(), Some("HTX Cầu Ngang"));
    assert_eq!(got.owner_user_id, Some(owner.id));
    assert_eq!(got.product_name.as_deref(), Some("Gạo thơm"));
    assert_eq!(got.area_id, Some(area));
    assert_eq!(got.events, 0);
    let by_key = db
        .lot_with_origin_by_key("09520123456788", "L-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_key.id, a.id);
    let plain = db.lot_with_origin(b.id).await.unwrap().unwrap();
    assert_eq!(plain.producer_id, None);

    let mine = db.lots_of_owner(owner.id, 50).await.unwrap();
    assert_eq!(mine.iter().map(|l| l.id).collect::<Vec<_>>(), vec![a.id]);
    let under = db.lots_under("/84/847/", 50).await.unwrap();
    assert_eq!(under.len(), 2);
    assert_eq!(db.lots_under("/84/847/29377/", 50).await.unwrap().len(), 1);

    // The same lot of the product again: refused, and its origin not written either.
    let again = lot("/84/847/29374/", "L-1");
    let o2 = LotOriginRecord {
        lot_id: again.id,
        ..origin.clone()
    };
    assert!(matches!(
        db.insert_lot_with_origin(&again, Some(&o2), entry("trace.lot", "again"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    // An origin naming a producer that does not exist: nothing written (foreign key).
    let c = lot("/84/847/29374/", "L-3");
    let bad = LotOriginRecord {
        lot_id: c.id,
        producer_id: Uuid::now_v7(),
        ..origin.clone()
    };
    assert!(
        db.insert_lot_with_origin(&c, Some(&bad), entry("trace.lot", "c"))
            .await
            .is_err()
    );
    assert!(db.lot(c.id).await.unwrap().is_none());
    // An origin naming an area that does not exist: nothing written (migration 0027).
    let d = lot("/84/847/29374/", "L-4");
    let no_area = LotOriginRecord {
        lot_id: d.id,
        area_id: Some(Uuid::now_v7()),
        ..origin.clone()
    };
    assert!(
        db.insert_lot_with_origin(&d, Some(&no_area), entry("trace.lot", "d"))
            .await
            .is_err()
    );
    assert!(db.lot(d.id).await.unwrap().is_none());
});
