//! Unit boundaries over time: periods of a unit record (a later start cuts the open period,
//! the same start replaces it), all or nothing with the audit entry, and the read of a level's
//! units on a date with the boundary valid that day — the earlier structure's boundaries for
//! an earlier date.

use ntm_domain::units::{Level, Unit};
use ntm_store::{BoundaryGeometry, BoundaryWrite, Db, UnitBoundaryRecord};
use time::macros::date;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::entry;

fn unit(
    code: &str,
    level: Level,
    parent: Option<&str>,
    from: Option<Date>,
    to: Option<Date>,
) -> Unit {
    let province = if level == Level::Province {
        code.to_string()
    } else {
        parent.unwrap_or_default().to_string()
    };
    let path = match parent {
        Some(p) => format!("/{p}/{code}/"),
        None => format!("/{code}/"),
    };
    Unit {
        id: Uuid::now_v7(),
        code: code.into(),
        name: format!("Đơn vị {code}"),
        kind: "Xã".into(),
        level,
        parent_code: parent.map(Into::into),
        path,
        province_code: province,
        region: None,
        valid_from: from,
        valid_to: to,
        search_key: format!("don vi {code}"),
    }
}

fn period(u: &Unit, from: Date, to: Option<Date>, geo: &str, source: &str) -> UnitBoundaryRecord {
    UnitBoundaryRecord {
        unit_id: u.id,
        unit_code: u.code.clone(),
        valid_from: from,
        valid_to: to,
        geojson: format!("{{\"full\":\"{geo}\"}}"),
        simplified: format!("{{\"map\":\"{geo}\"}}"),
        min_lon: 106.0,
        min_lat: 9.0,
        max_lon: 106.1,
        max_lat: 9.1,
        label_lon: 106.05,
        label_lat: 9.05,
        source: source.into(),
        licence: "không nêu".into(),
        loaded_at: OffsetDateTime::now_utc(),
        loaded_by: "tester".into(),
    }
}

fn write(record: UnitBoundaryRecord, closes: Option<Date>) -> BoundaryWrite {
    BoundaryWrite { record, closes }
}

ntm_testkit::both_backends!(unit_boundary_periods_over_time, |db: Db| async move {
    // Province 86 before 1 July 2025 (unknown start) and after; a commune of each.
    let old = unit(
        "86",
        Level::Province,
        None,
        None,
        Some(date!(2025 - 07 - 01)),
    );
    let new = unit(
        "86",
        Level::Province,
        None,
        Some(date!(2025 - 07 - 01)),
        None,
    );
    let other = unit(
        "84",
        Level::Province,
        None,
        None,
        Some(date!(2025 - 07 - 01)),
    );
    let commune = unit(
        "29374",
        Level::Commune,
        Some("86"),
        Some(date!(2025 - 07 - 01)),
        None,
    );
    db.insert_units(
        &[old.clone(), new.clone(), other.clone(), commune.clone()],
        entry("units", "all"),
    )
    .await
    .unwrap();
    assert_eq!(db.unit_boundary_count().await.unwrap(), 0);

    db.store_unit_boundaries(
        &[
            write(
                period(&old, date!(2022 - 01 - 01), None, "old", "odv-63"),
                None,
            ),
            write(
                period(&new, date!(2025 - 07 - 01), None, "new", "odv-34"),
                None,
            ),
        ],
        entry("boundaries.import", "1"),
    )
    .await
    .unwrap();

    // 2024: the old province's boundary; 84 has none; the map copy is returned.
    let on_2024 = db
        .unit_boundaries_on(
            None,
            Level::Province,
            date!(2024 - 12 - 31),
            BoundaryGeometry::Simplified,
        )
        .await
        .unwrap();
    let codes: Vec<(&str, bool)> = on_2024
        .iter()
        .map(|u| (u.code.as_str(), u.boundary.is_some()))
        .collect();
    assert_eq!(codes, [("84", false), ("86", true)]);
    let b86 = on_2024[1].boundary.as_ref().unwrap();
    assert_eq!(on_2024[1].unit_id, old.id);
    assert_eq!(b86.geometry, "{\"map\":\"old\"}");
    assert_eq!(b86.source, "odv-63");
    // Before the boundary's period: the unit, without a boundary.
    let on_2021 = db
        .unit_boundaries_on(
            Some("86"),
            Level::Province,
            date!(2021 - 06 - 01),
            BoundaryGeometry::Full,
        )
        .await
        .unwrap();
    assert_eq!(on_2021.len(), 1);
    assert_eq!(on_2021[0].boundary, None);
    // 2026: the new record and its boundary, full geometry asked.
    let on_2026 = db
        .unit_boundaries_on(
            Some("86"),
            Level::Province,
            date!(2026 - 01 - 01),
            BoundaryGeometry::Full,
        )
        .await
        .unwrap();
    assert_eq!(on_2026.len(), 1);
    assert_eq!(on_2026[0].unit_id, new.id);
    assert_eq!(
        on_2026[0].boundary.as_ref().unwrap().geometry,
        "{\"full\":\"new\"}"
    );
    // Communes of the province: one, without a boundary.
    let communes = db
        .unit_boundaries_on(
            Some("86"),
            Level::Commune,
            date!(2026 - 01 - 01),
            BoundaryGeometry::Simplified,
        )
        .await
        .unwrap();
    assert_eq!(communes.len(), 1);
    assert_eq!(communes[0].parent_code.as_deref(), Some("86"));
    assert!(communes[0].boundary.is_none());

    // A later import for the new province: the open period is cut, the new one starts.
    db.store_unit_boundaries(
        &[write(
            period(&new, date!(2026 - 03 - 01), None, "newer", "survey-2026"),
            Some(date!(2025 - 07 - 01)),
        )],
        entry("boundaries.import", "2"),
    )
    .await
    .unwrap();
    let history = db.unit_boundary_history(new.id).await.unwrap();
    let spans: Vec<(Date, Option<Date>)> =
        history.iter().map(|h| (h.valid_from, h.valid_to)).collect();
    assert_eq!(
        spans,
        [
            (date!(2025 - 07 - 01), Some(date!(2026 - 03 - 01))),
            (date!(2026 - 03 - 01), None)
        ]
    );
    let at = |d: Date| {
        let db = db.clone();
        let id = new.id;
        async move { db.unit_boundary_on(id, d).await.unwrap().map(|b| b.source) }
    };
    assert_eq!(at(date!(2026 - 02 - 28)).await.as_deref(), Some("odv-34"));
    assert_eq!(
        at(date!(2026 - 03 - 01)).await.as_deref(),
        Some("survey-2026")
    );
    assert_eq!(
        db.unit_boundary(new.id).await.unwrap().unwrap().source,
        "survey-2026"
    );

    // The same start again replaces that period (no new row).
    let before = db.unit_boundary_count().await.unwrap();
    db.store_unit_boundaries(
        &[write(
            period(&new, date!(2026 - 03 - 01), None, "fixed", "survey-2026b"),
            None,
        )],
        entry("boundaries.import", "3"),
    )
    .await
    .unwrap();
    assert_eq!(db.unit_boundary_count().await.unwrap(), before);
    assert_eq!(
        at(date!(2026 - 06 - 01)).await.as_deref(),
        Some("survey-2026b")
    );

    // What is stored, per source and start.
    let summary = db.unit_boundary_summary().await.unwrap();
    let rows: Vec<(&str, Date, i64)> = summary
        .iter()
        .map(|s| (s.source.as_str(), s.valid_from, s.boundaries))
        .collect();
    assert_eq!(
        rows,
        [
            ("odv-63", date!(2022 - 01 - 01), 1),
            ("odv-34", date!(2025 - 07 - 01), 1),
            ("survey-2026b", date!(2026 - 03 - 01), 1)
        ]
    );
    let periods = db.unit_boundary_periods(&[new.id, other.id]).await.unwrap();
    assert_eq!(periods.len(), 2);
});

ntm_testkit::both_backends!(unit_boundaries_all_or_nothing, |db: Db| async move {
    let c = unit(
        "29374",
        Level::Commune,
        Some("86"),
        Some(date!(2025 - 07 - 01)),
        None,
    );
    db.insert_units(std::slice::from_ref(&c), entry("units", "c"))
        .await
        .unwrap();
    let head = db.audit_head().await.unwrap();
    let stray = unit("99999", Level::Commune, Some("86"), None, None);
    // An unknown unit record: the whole import is refused, the audit head unchanged.
    let r = db
        .store_unit_boundaries(
            &[
                write(period(&c, date!(2025 - 07 - 01), None, "a", "s"), None),
                write(period(&stray, date!(2025 - 07 - 01), None, "b", "s"), None),
            ],
            entry("boundaries.import", "x"),
        )
        .await;
    assert!(r.is_err());
    assert_eq!(db.audit_head().await.unwrap(), head);
    assert_eq!(db.unit_boundary_count().await.unwrap(), 0);
    // A period ending before it starts is refused by the schema.
    let r = db
        .store_unit_boundaries(
            &[write(
                period(
                    &c,
                    date!(2025 - 07 - 01),
                    Some(date!(2025 - 01 - 01)),
                    "a",
                    "s",
                ),
                None,
            )],
            entry("boundaries.import", "y"),
        )
        .await;
    assert!(r.is_err());
    assert_eq!(db.unit_boundary_count().await.unwrap(), 0);
});
