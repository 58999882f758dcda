//! Planning snapshots: continuing, opening and closing records, lineage, hamlets.

use super::*;

#[test]
fn first_snapshot_opens_everything_with_unknown_start() {
    let mut s = Store::new();
    let plan = s.step(&rows(BASE), date!(2023 - 05 - 07), true, None, &regions());
    assert_eq!(plan.open.len(), 10);
    assert!(plan.close.is_empty() && plan.lineage.is_empty() && plan.warnings.is_empty());
    assert_eq!(plan.unchanged, 0);
    assert!(
        plan.open
            .iter()
            .all(|u| u.valid_from.is_none() && u.valid_to.is_none())
    );
    let c = s.open_one(Level::Commune, "00004");
    assert_eq!(c.path, "/02/003/00004/");
    assert_eq!(c.province_code, "02");
    assert_eq!(c.region, Some(Region::TDMNPB));
    assert_eq!(c.search_key, "xa bon");
    assert_eq!(s.open_one(Level::Province, "01").path, "/01/");
    assert_eq!(
        s.open_one(Level::District, "001").region,
        Some(Region::DBSH)
    );
    // Valid on any date before (start unknown).
    assert_eq!(s.count_on(date!(1990 - 01 - 01), Level::Commune), 5);
}

#[test]
fn rename_removal_and_idempotency() {
    let mut s = Store::new();
    s.step(&rows(BASE), date!(2023 - 05 - 07), true, None, &regions());
    let before = s.units.clone();
    let next = BASE
        .replace(
            "00002|Xã Hai|commune|Xã|001",
            "00002|Phường Hai|commune|Phường|001",
        )
        .replace("00005|Xã Năm|commune|Xã|003\n", "");
    let d = date!(2024 - 03 - 01);
    let plan = s.step(&rows(&next), d, false, None, &regions());
    assert_eq!(
        closes(&plan, &before),
        vec![
            (Level::Commune, "00002".into()),
            (Level::Commune, "00005".into())
        ]
    );
    assert_eq!(opens(&plan), vec![(Level::Commune, "00002".into())]);
    assert_eq!(plan.unchanged, 8);
    assert!(plan.lineage.is_empty(), "no lineage without a mapping");
    assert!(plan.close.iter().all(|(_, to)| *to == d));
    let renamed = s.open_one(Level::Commune, "00002");
    assert_eq!(
        (renamed.name.as_str(), renamed.valid_from),
        ("Phường Hai", Some(d))
    );
    assert_eq!(renamed.search_key, "phuong hai");
    // History: the old name on the day before, the new one on the day.
    let on = |day: Date| {
        s.units
            .iter()
            .find(|u| u.code == "00002" && u.is_valid_on(day))
            .unwrap()
            .name
            .clone()
    };
    assert_eq!(on(date!(2024 - 02 - 29)), "Xã Hai");
    assert_eq!(on(d), "Phường Hai");
    assert_eq!(s.count_on(d, Level::Commune), 4);

    // Applying the same list again changes nothing.
    let again = s.plan(&rows(&next), d, false, None, &regions());
    assert!(again.is_empty(), "{again:#?}");
    assert_eq!(again.unchanged, 9);
    assert!(again.warnings.is_empty());
}

#[test]
fn kinds_are_stored_in_their_official_spelling() {
    let mut s = Store::new();
    s.step(&rows(BASE), date!(2023 - 05 - 07), true, None, &regions());
    let shouting = BASE
        .replace("|Xã|", "|XÃ|")
        .replace("|Thị trấn|", "|thị TRẤN|");
    assert!(
        s.plan(
            &rows(&shouting),
            date!(2024 - 01 - 01),
            false,
            None,
            &regions()
        )
        .is_empty()
    );
    let mut t = Store::new();
    t.step(
        &rows(&shouting),
        date!(2023 - 05 - 07),
        true,
        None,
        &regions(),
    );
    assert_eq!(t.open_one(Level::Commune, "00003").kind, "Thị trấn");
    assert_eq!(
        canonical_kind(Level::Hamlet, " tổ DÂN phố "),
        Some("Tổ dân phố")
    );
    assert_eq!(canonical_kind(Level::Commune, "Thôn"), None);
}

#[test]
fn a_moved_district_reopens_its_communes_with_new_paths() {
    let mut s = Store::new();
    s.step(&rows(BASE), date!(2023 - 05 - 07), true, None, &regions());
    let moved = BASE.replace(
        "002|Huyện B|district|Huyện|01",
        "002|Huyện B|district|Huyện|02",
    );
    let plan = s.step(
        &rows(&moved),
        date!(2024 - 01 - 01),
        false,
        None,
        &regions(),
    );
    assert_eq!(
        opens(&plan),
        vec![
            (Level::District, "002".into()),
            (Level::Commune, "00003".into())
        ]
    );
    let c = s.open_one(Level::Commune, "00003");
    assert_eq!(
        (c.path.as_str(), c.province_code.as_str(), c.region),
        ("/02/002/00003/", "02", Some(Region::TDMNPB))
    );
    assert!(
        s.plan(
            &rows(&moved),
            date!(2024 - 01 - 01),
            false,
            None,
            &regions()
        )
        .is_empty()
    );
}

#[test]
fn an_out_of_scope_province_is_untouched() {
    let mut s = Store::new();
    s.step(&rows(BASE), date!(2023 - 05 - 07), true, None, &regions());
    // Province 02 sends its own list only: 00005 is gone, 00006 is new.
    let only_02 = rows(
        "02|Tỉnh Hai|province|Tỉnh|
             003|Huyện C|district|Huyện|02
             00004|Xã Bốn|commune|Xã|003
             00006|Xã Sáu|commune|Xã|003",
    );
    let before = s.units.clone();
    let plan = s.step(&only_02, date!(2024 - 01 - 01), false, None, &regions());
    assert_eq!(
        closes(&plan, &before),
        vec![(Level::Commune, "00005".into())]
    );
    assert_eq!(opens(&plan), vec![(Level::Commune, "00006".into())]);
    assert_eq!(plan.unchanged, 3);
    assert_eq!(
        s.units
            .iter()
            .filter(|u| u.province_code == "01" && u.valid_to.is_none())
            .count(),
        6
    );
    // A commune-only file covers no province: it only adds or changes its rows.
    let one = rows("00007|Xã Bảy|commune|Xã|001");
    let plan = s.step(&one, date!(2024 - 02 - 01), false, None, &regions());
    assert!(plan.close.is_empty());
    assert_eq!(s.open_one(Level::Commune, "00007").path, "/01/001/00007/");
    assert_eq!(
        s.open_one(Level::Commune, "00007").region,
        Some(Region::DBSH)
    );
}

#[test]
fn a_row_cannot_hang_under_a_unit_the_same_file_closes() {
    let mut s = Store::new();
    s.step(&rows(BASE), date!(2023 - 05 - 07), true, None, &regions());
    // Province 01 without its district 001, but with a commune still under 001.
    let r = rows("01|Tỉnh Một|province|Tỉnh|\n00001|Xã Một|commune|Xã|001");
    let err = plan_snapshot(
        &s.open(),
        &r,
        date!(2024 - 01 - 01),
        false,
        None,
        &regions(),
        &mut counter(),
    )
    .unwrap_err();
    assert_eq!(err.len(), 1);
    assert_eq!(err[0].line, 3);
    assert!(err[0].message.contains("this file closes it"), "{}", err[0]);
}

#[test]
fn snapshots_cannot_close_records_before_they_start() {
    let mut s = Store::new();
    s.step(&rows(BASE), date!(2024 - 05 - 07), false, None, &regions());
    let next = BASE.replace("00005|Xã Năm|commune|Xã|003\n", "");
    let err = plan_snapshot(
        &s.open(),
        &rows(&next),
        date!(2024 - 01 - 01),
        false,
        None,
        &regions(),
        &mut counter(),
    )
    .unwrap_err();
    assert!(
        err[0]
            .message
            .contains("valid from 2024-05-07, after the snapshot date 2024-01-01"),
        "{err:?}"
    );
}

/// Hamlets under the base communes.
fn with_hamlets(s: &mut Store) {
    let h = rows(
        "00001-01|Thôn Đông|hamlet|Thôn|00001
             00002-01|Thôn Tây|hamlet|Thôn|00002
             00004-01|Ấp Một|hamlet|Ấp|00004",
    );
    let plan = s.step(&h, date!(2023 - 06 - 01), false, None, &regions());
    assert_eq!(plan.open.len(), 3);
    assert!(plan.close.is_empty());
    assert_eq!(
        s.open_one(Level::Hamlet, "00004-01").path,
        "/02/003/00004/00004-01/"
    );
}

/// The reform: province 02 merges into 01 (which keeps its code and name), districts
/// disappear, communes hang under the province.
const REFORM: &str = "
        01|Tỉnh Một|province|Tỉnh|
        00001|Xã Một|commune|Xã|01
        00003|Phường Ba|commune|Phường|01
        00004|Xã Bốn Năm|commune|Xã|01
    ";

fn reform_mapping() -> Vec<MappingRow> {
    vec![
        mrow(
            2,
            ["00001", "00001", "001", "01", "01", "whole", "Nhập toàn bộ"],
        ),
        mrow(
            3,
            [
                "00002",
                "00001",
                "001",
                "01",
                "01",
                "partial",
                "Nhập một phần",
            ],
        ),
        mrow(
            4,
            [
                "00002",
                "00003",
                "001",
                "01",
                "01",
                "partial",
                "Nhập một phần",
            ],
        ),
        mrow(
            5,
            [
                "00003",
                "00003",
                "002",
                "01",
                "01",
                "renamed_or_retyped",
                "Đổi loại hình",
            ],
        ),
        mrow(
            6,
            ["00004", "00004", "003", "02", "01", "whole", "Nhập toàn bộ"],
        ),
        mrow(
            7,
            ["00005", "00004", "003", "02", "01", "whole", "Nhập toàn bộ"],
        ),
        mrow(8, ["", "00004", "003", "02", "01", "other", "Nhập bãi bồi"]),
    ]
}

#[test]
fn a_merge_with_mapping_gives_lineage_and_reopens_the_province() {
    let mut s = Store::new();
    s.step(&rows(BASE), date!(2023 - 05 - 07), true, None, &regions());
    with_hamlets(&mut s);
    let before = s.units.clone();
    let d = date!(2025 - 07 - 01);
    let mapping = reform_mapping();
    let plan = s.step(&rows(REFORM), d, false, Some(&mapping), &regions());

    // Everything of both old provinces closes (province 02 is in scope through the
    // mapping), including 01 itself: its predecessors are {01, 02}.
    let mut want_closed: Vec<(Level, String)> = before
        .iter()
        .filter(|u| u.level != Level::Hamlet)
        .map(|u| (u.level, u.code.clone()))
        .collect();
    want_closed.extend([
        (Level::Hamlet, "00001-01".into()),
        (Level::Hamlet, "00002-01".into()),
        (Level::Hamlet, "00004-01".into()),
    ]);
    want_closed.sort();
    assert_eq!(closes(&plan, &before), want_closed);
    assert_eq!(plan.unchanged, 0);
    let p01 = s.open_one(Level::Province, "01");
    assert_eq!((p01.valid_from, p01.name.as_str()), (Some(d), "Tỉnh Một"));
    assert_eq!(s.open_one(Level::Commune, "00003").path, "/01/00003/");

    // Lineage, named by the codes of the records on both sides.
    let name = |id: Uuid| {
        let u = s.by_id(id);
        format!(
            "{}{}",
            u.code,
            if u.valid_to.is_some() { "(old)" } else { "" }
        )
    };
    let got: Vec<(String, String, LineageKind, &str)> = plan
        .lineage
        .iter()
        .map(|l| (name(l.from_unit), name(l.to_unit), l.kind, l.note.as_str()))
        .collect();
    let want: Vec<(&str, &str, LineageKind, &str)> = vec![
        ("00001(old)", "00001", LineageKind::Merge, "Nhập toàn bộ"),
        ("00002(old)", "00001", LineageKind::Split, "Nhập một phần"),
        ("00002(old)", "00003", LineageKind::Split, "Nhập một phần"),
        ("00003(old)", "00003", LineageKind::Rename, "Đổi loại hình"),
        ("00004(old)", "00004", LineageKind::Merge, "Nhập toàn bộ"),
        ("00005(old)", "00004", LineageKind::Merge, "Nhập toàn bộ"),
        ("01(old)", "01", LineageKind::Merge, "Nhập toàn bộ"),
        ("02(old)", "01", LineageKind::Merge, "Nhập toàn bộ"),
        (
            "00001-01(old)",
            "00001-01",
            LineageKind::Unchanged,
            "theo xã mới",
        ),
        (
            "00004-01(old)",
            "00004-01",
            LineageKind::Unchanged,
            "theo xã mới",
        ),
    ];
    let want: Vec<(String, String, LineageKind, &str)> = want
        .into_iter()
        .map(|(a, b, k, n)| (a.to_string(), b.to_string(), k, n))
        .collect();
    assert_eq!(got, want);
    assert!(plan.lineage.iter().all(|l| l.effective == d));

    // The hamlet of a whole merge follows; the hamlet of the split commune is closed.
    let h = s.open_one(Level::Hamlet, "00004-01");
    assert_eq!(
        (
            h.path.as_str(),
            h.parent_code.as_deref(),
            h.province_code.as_str()
        ),
        ("/01/00004/00004-01/", Some("00004"), "01")
    );
    assert_eq!(
        (h.name.as_str(), h.kind.as_str(), h.valid_from),
        ("Ấp Một", "Ấp", Some(d))
    );
    assert!(
        s.units
            .iter()
            .all(|u| u.code != "00002-01" || u.valid_to == Some(d))
    );
    let w = plan.warnings.join("\n");
    assert!(w.contains("hamlet 00002-01 \"Thôn Tây\" closed: its commune 00002 \"Xã Hai\" is closed and the mapping splits it among 2 new communes (00001, 00003)"), "{w}");
    assert!(w.contains("mapping line 8: merge_type \"other\""), "{w}");
    assert_eq!(plan.warnings.len(), 2, "{w}");

    // Applying the reform again: nothing to do, no noise.
    let again = s.plan(&rows(REFORM), d, false, Some(&mapping), &regions());
    assert!(again.is_empty(), "{again:#?}");
    assert_eq!(again.unchanged, 4);
    assert!(again.warnings.is_empty(), "{:?}", again.warnings);
}

#[test]
fn a_province_keeping_its_predecessor_continues() {
    let mut s = Store::new();
    s.step(&rows(BASE), date!(2023 - 05 - 07), true, None, &regions());
    // Only province 02 reorganizes its communes; its predecessors are {02}.
    let r = rows("02|Tỉnh Hai|province|Tỉnh|\n00004|Xã Bốn|commune|Xã|02");
    let m = vec![
        mrow(
            2,
            [
                "00004",
                "00004",
                "003",
                "02",
                "02",
                "unchanged",
                "Giữ nguyên",
            ],
        ),
        mrow(
            3,
            ["00005", "00004", "003", "02", "02", "whole", "Nhập toàn bộ"],
        ),
    ];
    let before = s.units.clone();
    let plan = s.step(&r, date!(2025 - 07 - 01), false, Some(&m), &regions());
    assert_eq!(plan.unchanged, 1);
    assert_eq!(
        closes(&plan, &before),
        vec![
            (Level::District, "003".into()),
            (Level::Commune, "00004".into()),
            (Level::Commune, "00005".into())
        ]
    );
    let kinds: Vec<LineageKind> = plan.lineage.iter().map(|l| l.kind).collect();
    assert_eq!(kinds, vec![LineageKind::Unchanged, LineageKind::Merge]);
    assert_eq!(
        s.units
            .iter()
            .filter(|u| u.province_code == "01" && u.valid_to.is_none())
            .count(),
        6
    );
}

#[test]
fn hamlets_follow_a_renamed_commune_without_mapping_only_when_needed() {
    let mut s = Store::new();
    s.step(&rows(BASE), date!(2023 - 05 - 07), true, None, &regions());
    with_hamlets(&mut s);
    // Renamed, same place: the hamlet keeps its record.
    let renamed = BASE.replace(
        "00004|Xã Bốn|commune|Xã|003",
        "00004|Phường Bốn|commune|Phường|003",
    );
    let plan = s.step(
        &rows(&renamed),
        date!(2024 - 01 - 01),
        false,
        None,
        &regions(),
    );
    assert_eq!(opens(&plan), vec![(Level::Commune, "00004".into())]);
    assert!(plan.warnings.is_empty());
    // Moved under another district: the hamlet follows with a new path.
    let moved = renamed.replace(
        "00004|Phường Bốn|commune|Phường|003",
        "00004|Phường Bốn|commune|Phường|002",
    );
    let plan = s.step(
        &rows(&moved),
        date!(2024 - 06 - 01),
        false,
        None,
        &regions(),
    );
    assert_eq!(
        opens(&plan),
        vec![
            (Level::Commune, "00004".into()),
            (Level::Hamlet, "00004-01".into())
        ]
    );
    assert_eq!(
        s.open_one(Level::Hamlet, "00004-01").path,
        "/01/002/00004/00004-01/"
    );
    assert_eq!(plan.lineage.len(), 1);
    // Removed: its hamlet closes with a warning.
    let removed = moved.replace("00001|Xã Một|commune|Xã|001\n", "");
    let plan = s.step(
        &rows(&removed),
        date!(2024 - 09 - 01),
        false,
        None,
        &regions(),
    );
    assert_eq!(plan.close.len(), 2);
    assert!(plan.warnings[0].contains("hamlet 00001-01 \"Thôn Đông\" closed: its commune 00001 \"Xã Một\" is closed and it has no successor in this snapshot"), "{:?}", plan.warnings);
}

#[test]
fn a_wrong_old_province_in_the_mapping_is_corrected_and_reported() {
    let mut s = Store::new();
    s.step(&rows(BASE), date!(2023 - 05 - 07), true, None, &regions());
    let mut m = reform_mapping();
    m[5].old_province_code = Some("01".into()); // 00005 really lies in 02
    let plan = s.step(
        &rows(REFORM),
        date!(2025 - 07 - 01),
        false,
        Some(&m),
        &regions(),
    );
    assert!(
        plan.warnings.iter().any(|w| w.contains(
            "mapping line 7: old commune \"00005\" (Xã Năm) lies in province 02, not 01"
        )),
        "{:?}",
        plan.warnings
    );
    assert_eq!(
        plan.lineage
            .iter()
            .filter(|l| l.kind == LineageKind::Merge)
            .count(),
        5
    );
}
