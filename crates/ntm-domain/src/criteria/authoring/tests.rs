use time::macros::date;

use super::*;
use crate::criteria::tests::FILES;
use crate::criteria::{self as c, Catalog, CriteriaFile, CriteriaSet, ResolvedSet};

fn catalog() -> Catalog {
    c::load_all(FILES.iter().copied())
        .map(|l| l.catalog)
        .expect("shipped files load")
}

fn parsed_sets() -> Vec<CriteriaSet> {
    FILES
        .iter()
        .filter_map(|(n, t)| match c::parse_file(n, t) {
            Ok(CriteriaFile::Set(s)) => Some(s),
            _ => None,
        })
        .collect()
}

fn reparse(a: &AuthoredSet, base: Option<&ResolvedSet>) -> AuthoredSet {
    let yaml = a.to_yaml();
    let parsed = c::parse_set(&a.file_name(), &yaml).unwrap_or_else(|e| panic!("{yaml}\n{e:?}"));
    AuthoredSet::from_set(&parsed, base).expect("from_set")
}

fn basis(doc: &str) -> BasisInput {
    BasisInput {
        doc: doc.into(),
        date: "15/03/2026".into(),
        issuer: "UBND tỉnh Vĩnh Long".into(),
        article: "Điều 1, Phụ lục I".into(),
        file_sha256: Some("ab".repeat(32)),
        file_name: Some("qd-12.pdf".into()),
    }
}

fn th(key: &str, op: &str, value: &str, b: Option<BasisInput>) -> ThresholdInput {
    ThresholdInput {
        key: key.into(),
        op: op.into(),
        value: value.into(),
        text: String::new(),
        confirmed: b.is_some(),
        basis: b.unwrap_or_default(),
    }
}

fn ind(criterion: &str, code: &str, kind: &str, ts: Vec<ThresholdInput>) -> IndicatorInput {
    IndicatorInput {
        original_code: None,
        criterion: criterion.into(),
        code: code.into(),
        name_vi: format!("Chỉ tiêu {code}"),
        name_en: format!("Indicator {code}"),
        kind: kind.into(),
        unit: "%".into(),
        thresholds: ts,
        computed_from: String::new(),
    }
}

#[test]
fn every_shipped_set_round_trips_through_yaml() {
    let cat = catalog();
    for s in cat.sets() {
        let a = AuthoredSet::from_resolved(s);
        let b = reparse(&a, None);
        assert_eq!(a, b, "{} {}", s.id, s.version);
        // And through the stored JSON.
        let json = serde_json::to_string(&a).expect("json");
        let back: AuthoredSet = serde_json::from_str(&json).expect("from json");
        assert_eq!(a, back);
    }
}

#[test]
fn a_copy_of_a_shipped_version_resolves_like_the_original() {
    let cat = catalog();
    let orig = cat.set_for_year("xa-ntm-2021-2025", 2024).expect("2024");
    let mut a = AuthoredSet::from_resolved(orig);
    a.version = "2026-copy".into();
    a.valid_from = date!(2025 - 01 - 01);
    a.valid_to = Some(date!(2025 - 06 - 30));
    let parsed = c::parse_set(&a.file_name(), &a.to_yaml()).expect("parse");
    let mut sets = parsed_sets();
    sets.push(parsed);
    let cat2 = c::resolve(sets).expect("resolves");
    let copy = cat2.get("xa-ntm-2021-2025", "2026-copy").expect("copy");
    assert_eq!(copy.indicators.len(), orig.indicators.len());
    // The unit kinds it applies to are kept (a copy once lost them and evaluated phường
    // and thị trấn against the xã set).
    assert_eq!(orig.applies_to.as_deref(), Some(&["Xã".to_string()][..]));
    assert_eq!(copy.applies_to, orig.applies_to);
    assert!(!copy.applies_to_kind("Phường") && copy.applies_to_kind("Xã"));
    for (i, (x, y)) in copy.indicators.iter().zip(&orig.indicators).enumerate() {
        assert_eq!(x.code, y.code);
        let (a, ca) = copy.threshold_for(i, Some(crate::Region::DBSCL), None);
        let (b, cb) = orig.threshold_for(i, Some(crate::Region::DBSCL), None);
        assert_eq!(a.map(|t| &t.value), b.map(|t| &t.value), "{}", x.code);
        // Needs verification in the copy exactly when it does in the original (the pending
        // amendment becomes "uncertain").
        assert_eq!(ca.is_empty(), cb.is_empty(), "{}", x.code);
    }
}

fn vinh_long_2026(cat: &Catalog) -> (AuthoredSet, ResolvedSet) {
    let base = cat
        .set_on("xa-ntm-2026-2030", date!(2026 - 03 - 01))
        .expect("2026 set")
        .clone();
    let a = AuthoredSet::extending(
        "xa-ntm-vinh-long-2026-2030",
        "2026",
        "Bộ tiêu chí xã NTM tỉnh Vĩnh Long 2026 - 2030",
        date!(2026 - 03 - 01),
        &base,
    );
    (a, base)
}

#[test]
fn a_provincial_version_adds_indicators_to_the_national_2026_criteria() {
    let cat = catalog();
    let (mut a, base) = vinh_long_2026(&cat);
    assert!(
        a.criteria
            .iter()
            .all(|c| c.inherited && c.indicators.is_empty())
    );
    a.upsert_indicator(
        &ind(
            "1",
            "1.1",
            "percent",
            vec![
                th("nhom-1", ">=", "90", Some(basis("12/2026/QĐ-UBND"))),
                th("nhom-2", ">=", "80,5", Some(basis("12/2026/QĐ-UBND"))),
                th("nhom-3", ">=", "70", None),
            ],
        ),
        Some(&base),
    )
    .expect("added");
    // One basis entry shared by both confirmed values.
    assert_eq!(a.sources.len(), 1);
    let (crit, i) = a.indicator("1.1").expect("1.1");
    assert_eq!(crit, Some(1));
    assert!(!i.inherited);
    let b = reparse(&a, Some(&base));
    assert_eq!(a, b);

    // Resolved with the shipped sets: criterion 1 has the indicator, nhom-1 is confirmed,
    // nhom-3 (no basis) needs verification.
    let mut sets = parsed_sets();
    sets.push(c::parse_set(&a.file_name(), &a.to_yaml()).expect("parse"));
    let cat2 = c::resolve(sets).expect("resolves");
    let p = cat2.get("xa-ntm-vinh-long-2026-2030", "2026").expect("set");
    let idx = p.indicator_index("1.1").expect("1.1");
    assert_eq!(p.criterion_of(idx).map(|k| p.criteria[k].number), Some(1));
    let (t1, cav1) = p.threshold_for(idx, None, Some(c::CommuneGroup::Nhom1));
    assert_eq!(t1.map(|t| t.value.clone()), Some(ThresholdValue::Num(90.0)));
    assert!(cav1.is_empty(), "{cav1:?}");
    let (t2, _) = p.threshold_for(idx, None, Some(c::CommuneGroup::Nhom2));
    assert_eq!(t2.map(|t| t.value.clone()), Some(ThresholdValue::Num(80.5)));
    let (_, cav3) = p.threshold_for(idx, None, Some(c::CommuneGroup::Nhom3));
    assert!(!cav3.is_empty());
    let src = &p.sources[&t1.expect("t1").sources[0]];
    assert_eq!(src.doc.as_deref(), Some("12/2026/QĐ-UBND"));
    assert_eq!(src.date.as_deref(), Some("2026-03-15"));
    assert_eq!(src.issuer.as_deref(), Some("UBND tỉnh Vĩnh Long"));
    assert_eq!(src.article.as_deref(), Some("Điều 1, Phụ lục I"));
}

fn tra_vinh_2022(cat: &Catalog) -> (AuthoredSet, ResolvedSet) {
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

#[test]
fn weaker_than_the_national_value_is_refused_naming_both() {
    let cat = catalog();
    let (mut a, base) = tra_vinh_2022(&cat);
    let before = a.clone();
    let err = a
        .upsert_indicator(
            &ind(
                "3",
                "3.1",
                "",
                vec![th("general", ">=", "70", Some(basis("5/2022/QĐ-UBND")))],
            ),
            Some(&base),
        )
        .expect_err("weaker");
    assert_eq!(a, before, "nothing changed");
    assert_eq!(err.len(), 1, "{err:?}");
    assert_eq!(err[0].field, "3.1.general.value");
    assert_eq!(
        err[0].vi,
        "ngưỡng 70 % yếu hơn mức quốc gia ≥ 80 % (xa-ntm-2021-2025, 2022)"
    );
    // Stricter is accepted, round-trips, and resolves (the format's own rule agrees).
    a.upsert_indicator(
        &ind(
            "3",
            "3.1",
            "",
            vec![th("general", ">=", "85", Some(basis("5/2022/QĐ-UBND")))],
        ),
        Some(&base),
    )
    .expect("stricter");
    let (_, i) = a.indicator("3.1").expect("3.1");
    assert!(i.inherited);
    assert_eq!(i.kind, Kind::Percent, "kind is the base's");
    assert_eq!(reparse(&a, Some(&base)), a);
    let mut sets = parsed_sets();
    sets.push(c::parse_set(&a.file_name(), &a.to_yaml()).expect("parse"));
    let cat2 = c::resolve(sets).expect("resolves");
    let p = cat2.get("xa-ntm-tra-vinh-2021-2025", "2022").expect("set");
    let idx = p.indicator_index("3.1").expect("3.1");
    let (t, cav) = p.threshold_for(idx, Some(crate::Region::DBSCL), None);
    assert_eq!(t.map(|t| t.value.clone()), Some(ThresholdValue::Num(85.0)));
    assert!(cav.is_empty(), "{cav:?}");
}

#[test]
fn removing_a_national_value_is_refused() {
    let cat = catalog();
    let (mut a, base) = tra_vinh_2022(&cat);
    let err = a
        .upsert_indicator(
            &ind("3", "3.1", "", vec![th("DBSCL", ">=", "90", None)]),
            Some(&base),
        )
        .expect_err("general removed");
    assert!(
        err.iter()
            .any(|e| e.field == "3.1.general.value" && e.vi.contains("≥ 80 %")),
        "{err:?}"
    );
}

#[test]
fn bad_input_is_refused_at_its_field_and_changes_nothing() {
    let cat = catalog();
    let (mut a, base) = vinh_long_2026(&cat);
    let before = a.clone();
    let cases: Vec<(IndicatorInput, &str, &str)> = vec![
        (
            ind("1", "1.1", "percent", vec![th("nhom-1", ">=", "abc", None)]),
            "1.1.nhom-1.value",
            "không phải là một số",
        ),
        (
            ind("1", "1.1", "percent", vec![th("nhom-1", ">=", "120", None)]),
            "1.1.nhom-1.value",
            "từ 0 đến 100",
        ),
        (
            ind("1", "1.1", "percent", vec![th("nhom-4", ">=", "50", None)]),
            "1.1.nhom-4.key",
            "không tồn tại",
        ),
        (
            ind(
                "1",
                "1.1",
                "percent",
                vec![ThresholdInput {
                    confirmed: true,
                    ..th("nhom-1", ">=", "50", None)
                }],
            ),
            "1.1.nhom-1.basis_doc",
            "căn cứ pháp lý",
        ),
        (
            ind("1", "1.1", "count", vec![th("general", ">=", "2,5", None)]),
            "1.1.general.value",
            "số nguyên",
        ),
        (
            ind(
                "1",
                "1.1",
                "boolean",
                vec![th("general", "==", "maybe", None)],
            ),
            "1.1.general.value",
            "Đạt",
        ),
        (
            ind("42", "42.1", "percent", vec![]),
            "criterion",
            "không có tiêu chí",
        ),
        (ind("1", "1 1", "percent", vec![]), "code", "không hợp lệ"),
        (ind("1", "1.1", "colour", vec![]), "kind", "loại chỉ tiêu"),
    ];
    for (input, field, words) in cases {
        let err = a.upsert_indicator(&input, Some(&base)).expect_err(field);
        assert!(
            err.iter().any(|e| e.field == field && e.vi.contains(words)),
            "{field}: {err:?}"
        );
        assert_eq!(a, before, "{field}: nothing changed");
    }
    // Duplicate code.
    a.upsert_indicator(&ind("1", "1.1", "percent", vec![]), Some(&base))
        .expect("first");
    let err = a
        .upsert_indicator(&ind("2", "1.1", "percent", vec![]), Some(&base))
        .expect_err("duplicate");
    assert_eq!(err[0].field, "code");
    assert!(err[0].vi.contains("đã có"), "{err:?}");
}

#[test]
fn metadata_edits_are_checked() {
    let cat = catalog();
    let (mut a, _) = vinh_long_2026(&cat);
    let before = a.clone();
    let err = a
        .set_meta(&MetaInput {
            version: "".into(),
            title_vi: "x".into(),
            valid_from: "32/01/2026".into(),
            valid_to: "2025-01-01".into(),
            completeness: String::new(),
        })
        .expect_err("bad");
    let fields: Vec<&str> = err.iter().map(|e| e.field.as_str()).collect();
    assert!(
        fields.contains(&"version") && fields.contains(&"valid_from"),
        "{fields:?}"
    );
    assert_eq!(a, before);
    a.set_meta(&MetaInput {
        version: "2026-sửa".into(),
        title_vi: "Bộ mới".into(),
        valid_from: "01/04/2026".into(),
        valid_to: "31/12/2030".into(),
        completeness: "complete".into(),
    })
    .expect("ok");
    assert_eq!(a.valid_from, date!(2026 - 04 - 01));
    assert_eq!(a.valid_to, Some(date!(2030 - 12 - 31)));
    assert_eq!(a.file_name(), "xa-ntm-vinh-long-2026-2030@2026-s_a.yaml");
}

#[test]
fn criteria_of_the_version_are_edited_inherited_ones_are_not() {
    let cat = catalog();
    let (mut a, base) = vinh_long_2026(&cat);
    a.upsert_criterion(None, "11", "Chuyển đổi số", "Digital transformation")
        .expect("added");
    assert!(a.upsert_criterion(None, "11", "Lặp", "").is_err());
    assert!(a.upsert_criterion(Some(1), "1", "Đổi tên", "").is_err());
    assert!(a.remove_criterion(1).is_err());
    a.upsert_indicator(
        &ind(
            "11",
            "11.1",
            "boolean",
            vec![th("general", "", "Đạt", Some(basis("12/2026/QĐ-UBND")))],
        ),
        Some(&base),
    )
    .expect("indicator");
    assert_eq!(reparse(&a, Some(&base)), a);
    a.remove_indicator("11.1").expect("removed");
    assert!(a.sources.is_empty(), "the unused basis is dropped");
    a.remove_criterion(11).expect("removed");
}
