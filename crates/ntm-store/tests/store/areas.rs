//! Raw-material areas: insert with owners in one transaction, a code unique per province,
//! edits replacing owners, certifications and seasons with their date checks, nothing
//! written when a step fails. Boundaries: `boundaries.rs`.

use ntm_store::{
    AreaCertificationRecord, AreaRecord, AreaSeasonRecord, Db, OcopProducerRecord, StoreError,
};
use time::OffsetDateTime;
use time::macros::date;
use uuid::Uuid;

use crate::entry;

fn producer(name: &str) -> OcopProducerRecord {
    OcopProducerRecord {
        id: Uuid::now_v7(),
        unit_code: "29374".into(),
        unit_path: "/86/29374/".into(),
        province_code: "86".into(),
        kind: Some("cooperative".into()),
        name: name.into(),
        address: None,
        legal_id: None,
        phone: None,
        email: None,
        owner_user_id: None,
        sample: false,
        created_at: OffsetDateTime::now_utc(),
        created_by: "tester".into(),
    }
}

pub(crate) fn area(code: &str) -> AreaRecord {
    let now = OffsetDateTime::now_utc();
    AreaRecord {
        id: Uuid::now_v7(),
        code: code.into(),
        unit_code: "29374".into(),
        unit_path: "/86/29374/".into(),
        province_code: "86".into(),
        crop: "Dừa".into(),
        hectares_x100: 125,
        computed_ha: 1.2227,
        geojson: r#"{"type":"Polygon","coordinates":[[[106.3,9.9],[106.301,9.9],[106.301,9.901],[106.3,9.9]]]}"#.into(),
        min_lon: 106.3,
        min_lat: 9.9,
        max_lon: 106.301,
        max_lat: 9.901,
        boundary_checked: true,
        sample: false,
        created_at: now,
        created_by: "tester".into(),
        updated_at: now,
        updated_by: "tester".into(),
    }
}

ntm_testkit::both_backends!(areas_owners_certifications_seasons, |db: Db| async move {
    let (p1, p2) = (producer("HTX Dừa Sáp"), producer("Hộ Nguyễn Văn A"));
    for p in [&p1, &p2] {
        db.insert_ocop_producer(p, entry("ocop.producer", &p.name))
            .await
            .unwrap();
    }
    let a = area("VN-86-0001");
    let stored = db
        .insert_area(&a, &[p1.id], entry("area.register", "a"))
        .await
        .unwrap();
    assert_eq!(db.area(a.id).await.unwrap().unwrap(), stored);
    assert_eq!(db.areas_under("/86/").await.unwrap().len(), 1);
    assert!(db.areas_under("/84/").await.unwrap().is_empty());
    assert_eq!(db.areas_of_producer(p1.id).await.unwrap().len(), 1);
    assert!(db.areas_of_producer(p2.id).await.unwrap().is_empty());

    // The same code again in the province: refused, nothing written (no audit entry).
    let head = db.audit_head().await.unwrap();
    let again = area("VN-86-0001");
    assert!(matches!(
        db.insert_area(&again, &[], entry("area.register", "b")).await,
        Err(StoreError::Conflict(m)) if m.contains("VN-86-0001")
    ));
    // An unknown owner: refused with the area itself rolled back.
    let other = area("VN-86-0002");
    assert!(matches!(
        db.insert_area(&other, &[Uuid::now_v7()], entry("area.register", "c"))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(db.area(other.id).await.unwrap().is_none());
    assert_eq!(db.audit_head().await.unwrap(), head, "nothing written");

    // Edit: new polygon fields and owners replaced.
    let edited = AreaRecord {
        crop: "Dừa sáp".into(),
        hectares_x100: 150,
        updated_at: OffsetDateTime::now_utc(),
        ..stored.clone()
    };
    db.update_area(&edited, Some(&[p2.id, p1.id]), entry("area.edit", "a"))
        .await
        .unwrap();
    let back = db.area(a.id).await.unwrap().unwrap();
    assert_eq!((back.crop.as_str(), back.hectares_x100), ("Dừa sáp", 150));
    let owners: Vec<String> = db
        .area_owners(a.id)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(owners, vec!["HTX Dừa Sáp", "Hộ Nguyễn Văn A"]);
    assert!(matches!(
        db.update_area(&area("X1"), None, entry("area.edit", "x"))
            .await,
        Err(StoreError::NotFound)
    ));

    // Certifications: latest validity first; the schema refuses an end before the start.
    let cert = |kind: &str, from, until| AreaCertificationRecord {
        id: Uuid::now_v7(),
        area_id: a.id,
        kind: kind.into(),
        scheme: None,
        certificate_no: "VG-01".into(),
        issuer: "Trung tâm Chứng nhận".into(),
        valid_from: from,
        valid_until: until,
        created_at: OffsetDateTime::now_utc(),
        created_by: "tester".into(),
    };
    db.insert_area_certification(
        &cert("vietgap", date!(2023 - 01 - 01), date!(2025 - 12 - 31)),
        entry("area.certification.add", "a"),
    )
    .await
    .unwrap();
    db.insert_area_certification(
        &cert("organic", date!(2025 - 06 - 01), date!(2028 - 05 - 31)),
        entry("area.certification.add", "a"),
    )
    .await
    .unwrap();
    assert!(
        db.insert_area_certification(
            &cert("vietgap", date!(2025 - 06 - 01), date!(2025 - 05 - 31)),
            entry("x", "y"),
        )
        .await
        .is_err()
    );
    assert!(
        db.insert_area_certification(
            &cert("gap", date!(2025 - 06 - 01), date!(2025 - 06 - 30)),
            entry("x", "y"),
        )
        .await
        .is_err()
    );
    let certs = db.area_certifications(a.id).await.unwrap();
    assert_eq!(
        certs.iter().map(|c| c.kind.as_str()).collect::<Vec<_>>(),
        vec!["organic", "vietgap"]
    );
    assert_eq!(certs[0].valid_until, date!(2028 - 05 - 31));

    let season = |name: &str, start, end| AreaSeasonRecord {
        id: Uuid::now_v7(),
        area_id: a.id,
        name: name.into(),
        crop: None,
        starts_on: start,
        ends_on: end,
        created_at: OffsetDateTime::now_utc(),
        created_by: "tester".into(),
    };
    db.insert_area_season(
        &season(
            "Vụ 2025",
            date!(2025 - 01 - 10),
            Some(date!(2025 - 06 - 30)),
        ),
        entry("area.season.add", "a"),
    )
    .await
    .unwrap();
    db.insert_area_season(
        &season("Vụ 2026", date!(2026 - 01 - 10), None),
        entry("area.season.add", "a"),
    )
    .await
    .unwrap();
    assert!(
        db.insert_area_season(
            &season("Sai", date!(2026 - 01 - 10), Some(date!(2026 - 01 - 01))),
            entry("x", "y"),
        )
        .await
        .is_err()
    );
    let seasons = db.area_seasons(a.id).await.unwrap();
    assert_eq!(seasons[0].name, "Vụ 2026");
    assert_eq!(seasons[0].ends_on, None);
    assert_eq!(seasons[1].ends_on, Some(date!(2025 - 06 - 30)));
});
