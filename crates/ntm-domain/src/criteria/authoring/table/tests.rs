use time::macros::date;

use super::*;
use crate::criteria::authoring::{BasisInput, IndicatorInput, ThresholdInput};
use crate::criteria::tests::FILES;
use crate::criteria::{self as c, Catalog};

fn catalog() -> Catalog {
    c::load_all(FILES.iter().copied())
        .map(|l| l.catalog)
        .expect("shipped files load")
}

/// The two sheets of a table, as a reader gives them back (A1 first).
fn sheets(t: &SetTable) -> Vec<Grid> {
    let mut meta = vec![vec![MARKER.to_string()]];
    meta.extend(t.meta.iter().map(|(k, v)| vec![k.clone(), v.clone()]));
    let mut rows = vec![t.header.clone()];
    rows.extend(t.rows.iter().cloned());
    vec![
        Grid {
            name: SHEET_META.into(),
            start: (0, 0),
            rows: meta,
            merged: Vec::new(),
        },
        Grid {
            name: SHEET_INDICATORS.into(),
            start: (0, 0),
            rows,
            merged: Vec::new(),
        },
    ]
}

fn row_of_code(t: &SetTable, code: &str) -> usize {
    t.rows
        .iter()
        .position(|r| r[COL_CODE] == code)
        .unwrap_or_else(|| panic!("no row {code}"))
}

#[test]
fn every_shipped_set_round_trips_with_an_empty_preview() {
    let cat = catalog();
    let mut n = 0;
    for s in cat.sets() {
        let a = AuthoredSet::from_resolved(s);
        let t = SetTable::of(&a, None);
        assert_eq!(t.rows.len(), s.indicators.len(), "{} {}", s.id, s.version);
        let plan = plan_import(&a, None, &sheets(&t));
        assert!(
            plan.bad.is_empty(),
            "{} {}: {:?}",
            s.id,
            s.version,
            plan.bad
        );
        assert!(
            plan.changes.is_empty(),
            "{} {}: {:?}",
            s.id,
            s.version,
            plan.changes
        );
        assert_eq!(plan.result, a);
        assert_eq!(plan.unchanged, t.rows.len());
        n += 1;
    }
    assert!(n >= 10, "{n} sets");
}

#[test]
fn the_2021_2025_commune_set_has_region_columns_the_2026_one_groups() {
    let cat = catalog();
    let old = AuthoredSet::from_resolved(cat.set_for_year("xa-ntm-2021-2025", 2024).expect("2024"));
    let t = SetTable::of(&old, None);
    assert_eq!(t.layout.axis, Axis::Regions);
    assert_eq!(
        &t.header[COL_GENERAL + 1..COL_GENERAL + 8],
        &["TDMNPB", "DBSH", "BTB", "DHNTB", "TN", "DNB", "DBSCL"]
    );
    assert_eq!(t.header[t.layout.col_status()], "Trạng thái");
    let new = cat
        .set_on("xa-ntm-2026-2030", date!(2026 - 03 - 01))
        .expect("2026");
    let t = SetTable::of(&AuthoredSet::from_resolved(new), None);
    assert_eq!(t.layout.axis, Axis::Groups);
    assert_eq!(
        &t.header[COL_GENERAL + 1..COL_GENERAL + 4],
        &["nhom-1", "nhom-2", "nhom-3"]
    );
}

fn tra_vinh(cat: &Catalog) -> (AuthoredSet, ResolvedSet) {
    let base = cat
        .set_on("xa-ntm-2021-2025", date!(2022 - 07 - 01))
        .expect("2022")
        .clone();
    let a = AuthoredSet::extending(
        "xa-ntm-tra-vinh-2021-2025",
        "2022",
        "Bộ tiêu chí xã NTM tỉnh Trà Vinh",
        date!(2022 - 07 - 01),
        &base,
    );
    (a, base)
}

fn basis() -> BasisInput {
    BasisInput {
        doc: "5/2022/QĐ-UBND".into(),
        date: "15/03/2022".into(),
        issuer: "UBND tỉnh Trà Vinh".into(),
        article: "Phụ lục I".into(),
        file_sha256: None,
        file_name: None,
    }
}

#[test]
fn one_changed_cell_gives_exactly_that_change() {
    let cat = catalog();
    let (mut a, base) = tra_vinh(&cat);
    // An override with a basis, so the row has a document.
    a.upsert_indicator(
        &IndicatorInput {
            criterion: "3".into(),
            code: "3.1".into(),
            thresholds: vec![ThresholdInput {
                key: "general".into(),
                op: ">=".into(),
                value: "85".into(),
                confirmed: true,
                basis: basis(),
                ..Default::default()
            }],
            computed_from: String::new(),
            ..Default::default()
        },
        Some(&base),
    )
    .expect("override");
    let t = SetTable::of(&a, Some(&base));
    // The base's indicators are listed too.
    assert_eq!(t.rows.len(), base.indicators.len());
    let empty = plan_import(&a, Some(&base), &sheets(&t));
    assert!(empty.is_empty(), "{:?} {:?}", empty.changes, empty.bad);
    assert_eq!(empty.result, a);

    let r = row_of_code(&t, "3.1");
    assert_eq!(t.rows[r][COL_GENERAL], "85");
    assert_eq!(t.rows[r][t.layout.col_doc()], "5/2022/QĐ-UBND");
    assert_eq!(t.rows[r][t.layout.col_date()], "15/03/2022");
    assert_eq!(t.rows[r][t.layout.col_status()], CONFIRMED);
    let mut t2 = t.clone();
    t2.rows[r][COL_GENERAL] = "90".into();
    let plan = plan_import(&a, Some(&base), &sheets(&t2));
    assert!(plan.bad.is_empty(), "{:?}", plan.bad);
    assert_eq!(
        plan.changes,
        vec![Change {
            cell: cell_ref(r + 1, COL_GENERAL),
            code: "3.1".into(),
            name: plan.changes[0].name.clone(),
            what: ChangeKind::Threshold("general".into()),
            from: "≥ 85 %".into(),
            to: "≥ 90 %".into(),
        }]
    );
    let (_, i) = plan.result.indicator("3.1").expect("3.1");
    assert_eq!(
        i.threshold.as_ref().map(|t| t.value.clone()),
        Some(ThresholdValue::Num(90.0))
    );
    assert!(i.threshold.as_ref().is_some_and(|t| t.confirmed(i)));
    // A base row changed in the file becomes an override; a new row is added; the override's
    // row removed from the file restores the national values.
    let mut t3 = t.clone();
    let r2 = row_of_code(&t, "3.2");
    let mut added = t.rows[r2].clone();
    added[COL_CODE] = "3.9".into();
    added[COL_NAME_VI] = "Chỉ tiêu riêng của tỉnh".into();
    added[COL_NAME_EN] = String::new();
    added[COL_KIND] = "percent".into();
    added[COL_OP] = ">=".into();
    added[COL_GENERAL] = "50".into();
    for k in 0..7 {
        added[t.layout.col_key(k)] = String::new();
    }
    t3.rows.push(added);
    t3.rows.remove(r);
    let plan = plan_import(&a, Some(&base), &sheets(&t3));
    assert!(plan.bad.is_empty(), "{:?}", plan.bad);
    let kinds: Vec<(&str, &ChangeKind)> = plan
        .changes
        .iter()
        .map(|c| (c.code.as_str(), &c.what))
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("3.9", &ChangeKind::Added),
            ("3.1", &ChangeKind::OverrideRemoved)
        ]
    );
    assert!(plan.result.indicator("3.9").is_some());
    assert!(plan.result.indicator("3.1").is_none(), "override dropped");
}

#[test]
fn a_weaker_value_is_refused_at_its_cell_naming_both_values() {
    let cat = catalog();
    let (a, base) = tra_vinh(&cat);
    let t = SetTable::of(&a, Some(&base));
    let r = row_of_code(&t, "3.1");
    let mut t2 = t.clone();
    t2.rows[r][COL_GENERAL] = "70".into();
    let plan = plan_import(&a, Some(&base), &sheets(&t2));
    assert!(plan.changes.is_empty(), "{:?}", plan.changes);
    assert_eq!(plan.bad.len(), 1, "{:?}", plan.bad);
    assert_eq!(plan.bad[0].cell, cell_ref(r + 1, COL_GENERAL));
    assert_eq!(
        plan.bad[0].vi,
        "ngưỡng 70 % yếu hơn mức quốc gia ≥ 80 % (xa-ntm-2021-2025, 2022)"
    );
    assert_eq!(plan.result, a, "nothing applied");
}

#[test]
fn bad_cells_are_named_by_reference() {
    let cat = catalog();
    let base = cat
        .set_on("xa-ntm-2026-2030", date!(2026 - 03 - 01))
        .expect("2026")
        .clone();
    let mut a = AuthoredSet::extending(
        "xa-ntm-vinh-long-2026-2030",
        "2026",
        "Vĩnh Long",
        date!(2026 - 03 - 01),
        &base,
    );
    a.upsert_indicator(
        &IndicatorInput {
            criterion: "1".into(),
            code: "1.1".into(),
            name_vi: "Tỷ lệ".into(),
            kind: "percent".into(),
            unit: "%".into(),
            thresholds: vec![ThresholdInput {
                key: "nhom-1".into(),
                op: ">=".into(),
                value: "90".into(),
                ..Default::default()
            }],
            computed_from: String::new(),
            ..Default::default()
        },
        Some(&base),
    )
    .expect("added");
    let t = SetTable::of(&a, Some(&base));
    assert_eq!(t.layout.axis, Axis::Groups);
    let r = row_of_code(&t, "1.1");
    assert_eq!(t.rows[r][t.layout.col_status()], NEEDS_VERIFICATION);
    assert!(plan_import(&a, Some(&base), &sheets(&t)).is_empty());
    let n1 = t.layout.col_of("nhom-1").expect("nhom-1");

    // Not a number.
    let mut x = t.clone();
    x.rows[r][n1] = "abc".into();
    let p = plan_import(&a, Some(&base), &sheets(&x));
    assert_eq!(p.bad.len(), 1, "{:?}", p.bad);
    assert_eq!(p.bad[0].cell, cell_ref(r + 1, n1));
    assert!(
        p.bad[0].vi.contains("“abc” không phải là một số"),
        "{:?}",
        p.bad
    );

    // A basis without its document number.
    let mut x = t.clone();
    x.rows[r][n1] = "95".into();
    x.rows[r][t.layout.col_date()] = "01/03/2026".into();
    let p = plan_import(&a, Some(&base), &sheets(&x));
    assert_eq!(p.bad.len(), 1, "{:?}", p.bad);
    assert_eq!(p.bad[0].cell, cell_ref(r + 1, t.layout.col_doc()));
    assert!(p.bad[0].vi.contains("thiếu số văn bản"), "{:?}", p.bad);

    // Moved columns: named by letter.
    let mut x = t.clone();
    x.header.swap(COL_KIND, COL_UNIT);
    for row in &mut x.rows {
        row.swap(COL_KIND, COL_UNIT);
    }
    let p = plan_import(&a, Some(&base), &sheets(&x));
    let cells: Vec<&str> = p.bad.iter().map(|b| b.cell.as_str()).collect();
    assert_eq!(cells, vec!["F1", "G1"], "{:?}", p.bad);
    assert!(
        p.bad[0]
            .vi
            .contains("cột bị di chuyển: cột F phải là “Loại”"),
        "{:?}",
        p.bad
    );
    assert!(p.changes.is_empty());

    // An unknown group column.
    let mut x = t.clone();
    x.header[n1] = "nhom-4".into();
    let p = plan_import(&a, Some(&base), &sheets(&x));
    assert_eq!(p.bad.len(), 1, "{:?}", p.bad);
    assert_eq!(p.bad[0].cell, cell_ref(0, n1));
    assert!(
        p.bad[0].vi.contains("cột vùng/nhóm không đúng"),
        "{:?}",
        p.bad
    );

    // Merged cells.
    let mut g = sheets(&t);
    g[1].merged.push(((2, 3), (2, 4)));
    let p = plan_import(&a, Some(&base), &g);
    assert_eq!(p.bad.len(), 1, "{:?}", p.bad);
    assert_eq!(p.bad[0].cell, "D3:E3");

    // Another set's file.
    let mut g = sheets(&t);
    g[0].rows[1][1] = "xa-ntm-khac".into();
    let p = plan_import(&a, Some(&base), &g);
    assert!(
        p.bad.iter().any(|b| b.cell == format!("{SHEET_META}!B2")),
        "{:?}",
        p.bad
    );

    // The table may start lower and further right in the sheet only if A1 is the header:
    // a grid starting at B2 has no header on row 1.
    let mut g = sheets(&t);
    g[1].start = (1, 1);
    let p = plan_import(&a, Some(&base), &g);
    assert!(!p.bad.is_empty());
}

#[test]
fn unchanged_cells_keep_their_citations_when_another_cell_of_the_row_changes() {
    let cat = catalog();
    let s = cat.set_for_year("xa-ntm-2021-2025", 2024).expect("2024");
    let a = AuthoredSet::from_resolved(s);
    let t = SetTable::of(&a, None);
    // A row with at least two region values.
    let (r, k) = t
        .rows
        .iter()
        .enumerate()
        .find_map(|(r, row)| {
            let ks: Vec<usize> = (0..7)
                .filter(|k| !row[t.layout.col_key(*k)].is_empty())
                .collect();
            (ks.len() >= 2 && row[COL_KIND] != "derived" && row[COL_KIND] != "boolean")
                .then(|| (r, ks[0]))
        })
        .expect("a row with region values");
    let code = t.rows[r][COL_CODE].clone();
    let col = t.layout.col_key(k);
    let mut x = t.clone();
    let old: f64 = x.rows[r][col].replace(',', ".").parse().expect("number");
    let op = x.rows[r][COL_OP].clone();
    let new = if op == "<=" { old - 1.0 } else { old + 1.0 };
    let new = if x.rows[r][COL_KIND] == "percent" {
        new.clamp(0.0, 100.0)
    } else {
        new
    };
    x.rows[r][col] = number_text(new);
    let p = plan_import(&a, None, &sheets(&x));
    assert!(p.bad.is_empty(), "{:?}", p.bad);
    assert_eq!(p.changes.len(), 1, "{:?}", p.changes);
    assert_eq!(p.changes[0].cell, cell_ref(r + 1, col));
    assert_eq!(
        p.changes[0].what,
        ChangeKind::Threshold(t.layout.keys[k].clone())
    );
    let (_, before) = a.indicator(&code).expect("before");
    let (_, after) = p.result.indicator(&code).expect("after");
    assert_eq!(before.threshold, after.threshold, "general kept as it was");
    for other in t.layout.keys.iter().filter(|o| **o != t.layout.keys[k]) {
        assert_eq!(at(before, other), at(after, other), "{other} kept");
    }
    assert!(
        !at(after, &t.layout.keys[k]).is_some_and(|t| t.confirmed(after)),
        "a changed value without a document needs verification"
    );
}
