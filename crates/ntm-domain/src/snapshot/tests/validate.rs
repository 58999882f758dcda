//! Checking rows on their own.

use super::*;

fn messages(errs: &[RowError]) -> Vec<(usize, String)> {
    errs.iter().map(|e| (e.line, e.message.clone())).collect()
}

#[test]
fn a_consistent_file_validates() {
    assert_eq!(validate_rows(&rows(BASE), &|_| None), vec![]);
    // Kinds compare case-insensitively; communes may hang under provinces (2025).
    let r = rows(
        "01|Tỉnh Một|province|tỉnh|\n00001|Xã Một|commune|XÃ|01\nT-01.a|Thôn Một|hamlet|thôn|00001",
    );
    assert_eq!(validate_rows(&r, &|_| None), vec![]);
}

#[test]
fn validation_reports_each_problem() {
    let r = rows(
        "01|Tỉnh Một|province|Tỉnh|
             001|Huyện A|district|Huyện|01
             001|Huyện A bis|district|Huyện|01
             00001|Xã Một|commune|Xã|842
             00002|Xã Hai|commune|Xã|00001
             1|Xã Ba|commune|Xã|001
             00004|Xã Bốn|commune|Làng|001
             02|Tỉnh Hai|province|Tỉnh|01
             003|Huyện C|district|Huyện|
             h 1|Thôn|hamlet|Thôn|00004",
    );
    let errs = validate_rows(&r, &|_| None);
    let m = messages(&errs);
    let want: Vec<(usize, &str)> = vec![
        (4, "duplicate code \"001\" (first on line 3)"),
        (
            5,
            "unknown parent code \"842\" (not in this file nor in the database)",
        ),
        (
            6,
            "parent \"00001\" is a commune (on line 5); a commune must be under a district or a province",
        ),
        (
            7,
            "code \"1\" is not a valid commune code (5 digits, e.g. 28756)",
        ),
        (
            8,
            "kind \"Làng\" is not allowed for a commune (allowed: Xã, Phường, Thị trấn, Đặc khu)",
        ),
        (
            9,
            "a province must not have a parent (parent_code is \"01\")",
        ),
        (
            10,
            "parent_code is empty: a district must be under a province",
        ),
        (
            11,
            "code \"h 1\" is not a valid hamlet code (1 to 32 letters, digits, '-', '.' or '_', e.g. 28756-01)",
        ),
    ];
    assert_eq!(m.len(), want.len(), "{m:#?}");
    for ((line, msg), (wl, wm)) in m.iter().zip(&want) {
        assert_eq!((line, msg.as_str()), (wl, *wm));
    }
    assert_eq!(errs[1].field.as_deref(), Some("parent_code"));
    assert_eq!(errs[4].field.as_deref(), Some("kind"));
}

#[test]
fn parents_in_the_database_count_with_their_level() {
    let r = rows(
        "28756|Xã Tân An|commune|Xã|842\n28757|Xã Tân Bình|commune|Xã|28000\n28756-01|Ấp 1|hamlet|Ấp|28756\nX1|Ấp 2|hamlet|Ấp|842",
    );
    let known = |c: &str| match c {
        "842" => Some(Level::District),
        "28000" => Some(Level::Commune),
        _ => None,
    };
    let m = messages(&validate_rows(&r, &known));
    assert_eq!(
            m,
            vec![
                (3, "parent \"28000\" is a commune (in the database); a commune must be under a district or a province".to_string()),
                (5, "parent \"842\" is a district (in the database); a hamlet must be under a commune".to_string()),
            ]
        );
}

#[test]
fn cycles_are_reported_once_per_row() {
    let r = rows(
        "00001|Xã A|commune|Xã|00002
             00002|Xã B|commune|Xã|00001
             00003|Xã C|commune|Xã|00003
             00004|Xã D|commune|Xã|00001",
    );
    let errs = validate_rows(&r, &|_| None);
    let cycles: Vec<(usize, String)> = messages(&errs)
        .into_iter()
        .filter(|(_, m)| m.contains("cycle"))
        .collect();
    assert_eq!(
        cycles,
        vec![
            (
                2,
                "parent links form a cycle: \"00001\" → \"00002\" → \"00001\"".to_string()
            ),
            (
                3,
                "parent links form a cycle: \"00002\" → \"00001\" → \"00002\"".to_string()
            ),
            (
                4,
                "parent links form a cycle: \"00003\" → \"00003\"".to_string()
            ),
        ]
    );
    // 00004 hangs under the cycle but is not part of it: only its level is wrong.
    assert!(
        errs.iter()
            .any(|e| e.line == 5 && e.message.contains("is a commune"))
    );
}

#[test]
fn plan_refuses_invalid_rows() {
    let r = rows("00001|Xã A|commune|Xã|999");
    let err = plan_snapshot(
        &[],
        &r,
        date!(2025 - 07 - 01),
        true,
        None,
        &regions(),
        &mut counter(),
    )
    .unwrap_err();
    assert_eq!(
        err[0].message,
        "unknown parent code \"999\" (not in this file nor in the database)"
    );
}
