//! The real official lists of 2023, June 2025 and July 2025.

use super::*;

#[test]
fn real_lists_2023_to_2025() {
    use std::time::Instant;
    let t = Instant::now();
    let u2023 = parse_units_csv(include_bytes!(
        "../../../../../data/admin-units/units-2023.csv"
    ))
    .unwrap();
    let u2025_06 = parse_units_csv(include_bytes!(
        "../../../../../data/admin-units/units-2025-06.csv"
    ))
    .unwrap();
    let u2025 = parse_units_csv(include_bytes!(
        "../../../../../data/admin-units/units-2025.csv"
    ))
    .unwrap();
    let mapping = parse_mapping_csv(include_bytes!(
        "../../../../../data/admin-units/mapping-2025.csv"
    ))
    .unwrap();
    let regions = parse_regions_csv(include_bytes!(
        "../../../../../data/admin-units/regions.csv"
    ))
    .unwrap();
    eprintln!("parse all files: {:?}", t.elapsed());
    assert_eq!(
        (u2023.len(), u2025_06.len(), u2025.len(), mapping.len()),
        (11_366, 10_794, 3_355, 10_571)
    );
    let count = |t: &str| mapping.iter().filter(|m| m.merge_type == t).count();
    assert_eq!(
        [
            count("whole"),
            count("partial"),
            count("unchanged"),
            count("renamed_or_retyped"),
            count("district_to_special_zone"),
            count("other")
        ],
        [9464, 969, 127, 5, 5, 1]
    );

    let mut s = Store::new();
    let d1 = date!(2023 - 05 - 07);
    let d2 = date!(2025 - 06 - 30);
    let d3 = date!(2025 - 07 - 01);

    // Step 1: the first snapshot, start unknown.
    let t = Instant::now();
    let p1 = s.plan(&u2023, d1, true, None, &regions);
    eprintln!(
        "2023: plan {:?}, open {}, close {}, lineage {}, unchanged {}",
        t.elapsed(),
        p1.open.len(),
        p1.close.len(),
        p1.lineage.len(),
        p1.unchanged
    );
    assert_eq!(
        (
            p1.open.len(),
            p1.close.len(),
            p1.lineage.len(),
            p1.unchanged
        ),
        (11_366, 0, 0, 0)
    );
    assert!(p1.warnings.is_empty());
    assert!(
        p1.open.iter().all(|u| u.region.is_some()),
        "every 2023 province has a region"
    );
    s.apply(&p1);

    // Step 2: the last list before the reform, no mapping.
    let t = Instant::now();
    let p2 = s.plan(&u2025_06, d2, false, None, &regions);
    eprintln!(
        "2025-06: plan {:?}, open {}, close {}, lineage {}, unchanged {}",
        t.elapsed(),
        p2.open.len(),
        p2.close.len(),
        p2.lineage.len(),
        p2.unchanged
    );
    let by_level = |v: &mut dyn Iterator<Item = Level>| {
        let mut c = [0usize; 4];
        v.for_each(|l| c[l.rank() as usize] += 1);
        c
    };
    let before = s.units.clone();
    let lvl_of = |id: &Uuid| before.iter().find(|u| u.id == *id).unwrap().level;
    let p2_open = by_level(&mut p2.open.iter().map(|u| u.level));
    let p2_close = by_level(&mut p2.close.iter().map(|(id, _)| lvl_of(id)));
    eprintln!("2025-06: opened by level {p2_open:?}, closed by level {p2_close:?}");
    // Huế became a centrally-run city (name and kind): province 46 reopens; its children
    // keep their codes and paths and continue.
    // Districts: 2 new + 12 changed opened, 11 gone + 12 changed closed; communes: 3 new
    // + 565 changed opened, 566 gone + 565 changed closed.
    assert_eq!(p2_open, [1, 14, 568, 0]);
    assert_eq!(p2_close, [1, 23, 1131, 0]);
    assert_eq!(p2.unchanged, 10_211);
    assert!(p2.lineage.is_empty() && p2.warnings.is_empty());
    s.apply(&p2);
    let again = s.plan(&u2025_06, d2, false, None, &regions);
    assert!(again.is_empty());

    // Step 3: the reform, with the mapping.
    let t = Instant::now();
    let p3 = s.plan(&u2025, d3, false, Some(&mapping), &regions);
    let took = t.elapsed();
    let before = s.units.clone();
    let lvl_of = |id: &Uuid| before.iter().find(|u| u.id == *id).unwrap().level;
    let p3_open = by_level(&mut p3.open.iter().map(|u| u.level));
    let p3_close = by_level(&mut p3.close.iter().map(|(id, _)| lvl_of(id)));
    eprintln!(
        "2025: plan {took:?}, open {} {p3_open:?}, close {} {p3_close:?}, lineage {}, unchanged {}, warnings {}",
        p3.open.len(),
        p3.close.len(),
        p3.lineage.len(),
        p3.unchanged,
        p3.warnings.len()
    );
    for w in &p3.warnings {
        eprintln!("  warning: {w}");
    }
    // 11 provinces kept exactly their predecessor (and name): they continue. The 23
    // merged ones reopen; all 63 old province records but those 11 close.
    assert_eq!(p3.unchanged, 11);
    assert_eq!(p3_open, [23, 0, 3321, 0]);
    assert_eq!(p3_close, [52, 696, 10_035, 0]);
    s.apply(&p3);

    let kinds = |k: LineageKind, level: Level| {
        p3.lineage
            .iter()
            .filter(|l| l.kind == k && s.by_id(l.to_unit).level == level)
            .count()
    };
    assert_eq!(kinds(LineageKind::Merge, Level::Commune), 9464);
    assert_eq!(kinds(LineageKind::Split, Level::Commune), 969);
    assert_eq!(kinds(LineageKind::Unchanged, Level::Commune), 127);
    assert_eq!(kinds(LineageKind::Rename, Level::Commune), 5);
    assert_eq!(kinds(LineageKind::Reorganize, Level::Commune), 5);
    // Province lineage: each of the 52 closed provinces merged wholly into one new one.
    assert_eq!(kinds(LineageKind::Merge, Level::Province), 52);
    assert_eq!(p3.lineage.len(), 9464 + 969 + 127 + 5 + 5 + 52);
    // Warnings: the "other" row (Kim Sơn alluvial land), and the table's wrong old
    // province for 27691 (Phường 4, Tân An, in Long An 80, not Tiền Giang 82) and for
    // 30781 (Xã Tiên Hải, Hà Tiên, in Kiên Giang 91, not An Giang 89).
    assert_eq!(p3.warnings.len(), 3, "{:#?}", p3.warnings);
    assert!(
        p3.warnings
            .iter()
            .any(|w| w.contains("\"30781\"") && w.contains("lies in province 91, not 89"))
    );
    assert!(
        p3.warnings
            .iter()
            .any(|w| w.contains("\"other\"") && w.contains("14698"))
    );
    assert!(
        p3.warnings
            .iter()
            .any(|w| w.contains("\"27691\"") && w.contains("lies in province 80, not 82"))
    );

    // Counts on dates across the three snapshots.
    let count = |d: Date, l: Level| s.count_on(d, l);
    assert_eq!(
        [
            count(d3, Level::Province),
            count(d3, Level::District),
            count(d3, Level::Commune)
        ],
        [34, 0, 3321]
    );
    assert_eq!(
        [
            count(date!(2024 - 01 - 01), Level::Province),
            count(date!(2024 - 01 - 01), Level::District),
            count(date!(2024 - 01 - 01), Level::Commune)
        ],
        [63, 705, 10_598]
    );
    assert_eq!(
        [
            count(d2, Level::Province),
            count(d2, Level::District),
            count(d2, Level::Commune)
        ],
        [63, 696, 10_035]
    );
    let tv_2023 = s
        .units
        .iter()
        .filter(|u| {
            u.level == Level::Commune
                && u.province_code == "84"
                && u.is_valid_on(date!(2023 - 06 - 01))
        })
        .count();
    assert_eq!(tv_2023, 106);
    // Codes are reused: 00004 was Phường Trúc Bạch, is Phường Ba Đình.
    let name_on = |code: &str, level: Level, d: Date| {
        s.units
            .iter()
            .find(|u| u.code == code && u.level == level && u.is_valid_on(d))
            .map(|u| u.name.clone())
    };
    assert_eq!(
        name_on("00004", Level::Commune, d2).as_deref(),
        Some("Phường Trúc Bạch")
    );
    assert_eq!(
        name_on("00004", Level::Commune, d3).as_deref(),
        Some("Phường Ba Đình")
    );
    assert_eq!(
        name_on("80", Level::Province, d2).as_deref(),
        Some("Tỉnh Long An")
    );
    assert_eq!(
        name_on("80", Level::Province, d3).as_deref(),
        Some("Tỉnh Tây Ninh")
    );
    assert_eq!(s.open_one(Level::Commune, "00004").path, "/01/00004/");
    // Old Trà Vinh went into 41 new communes, all in Vĩnh Long (86).
    let tv_old: HashSet<Uuid> = s
        .units
        .iter()
        .filter(|u| u.level == Level::Commune && u.province_code == "84" && u.valid_to == Some(d3))
        .map(|u| u.id)
        .collect();
    assert_eq!(tv_old.len(), 104);
    let tv_new: HashSet<Uuid> = p3
        .lineage
        .iter()
        .filter(|l| tv_old.contains(&l.from_unit))
        .map(|l| l.to_unit)
        .collect();
    assert_eq!(tv_new.len(), 41);
    assert!(tv_new.iter().all(|id| s.by_id(*id).province_code == "86"));
    let vl = s
        .units
        .iter()
        .filter(|u| u.level == Level::Commune && u.province_code == "86" && u.valid_to.is_none())
        .count();
    assert_eq!(vl, 124);

    // Applying the reform again changes nothing.
    let t = Instant::now();
    let again = s.plan(&u2025, d3, false, Some(&mapping), &regions);
    eprintln!(
        "2025 again: plan {:?}, unchanged {}, warnings {}",
        t.elapsed(),
        again.unchanged,
        again.warnings.len()
    );
    assert!(again.is_empty());
    assert_eq!(again.unchanged, 3355);
}
