//! Loader errors (`file:line: field`), evidence policy and `applies_to`.

use super::*;

// ------------------------------------------------------------------ loader errors

#[test]
fn loader_reports_typos_with_file_line_and_field() {
    let typo = MINI.replace(
        "        threshold: {op: \"<=\", value: 20}",
        "        treshold: {op: \"<=\", value: 20}",
    );
    assert_eq!(errors_of("bad.yaml", &typo), vec![
        "bad.yaml:35: criteria[1].indicators[0].treshold: unknown field `treshold` (did you mean `threshold`?)".to_string(),
        "bad.yaml:32: criteria[1].indicators[0].threshold: missing required field (null when the value is not known)".to_string(),
    ]);
    let region = MINI.replace("DBSCL: {op", "DBSCLL: {op");
    assert_eq!(errors_of("bad.yaml", &region), vec![
        "bad.yaml:21: criteria[0].indicators[0].by_region.DBSCLL: unknown region `DBSCLL` (did you mean `DBSCL`?)".to_string()
    ]);
    let op = MINI.replace("{op: \">=\", value: 3}", "{op: \"=>\", value: 3}");
    assert_eq!(errors_of("bad.yaml", &op), vec![
        "bad.yaml:40: criteria[1].indicators[1].threshold.op: unknown op `=>` (expected \">=\", \"<=\", \"==\" or \"in\")".to_string()
    ]);
    let dup = MINI.replace("code: \"3.2\"", "code: \"3.1\"");
    assert_eq!(
        errors_of("bad.yaml", &dup),
        vec!["bad.yaml:51: code: duplicate indicator code \"3.1\" (first on line 46)".to_string()]
    );
    let pct = MINI.replace("value: 80}", "value: 140}");
    assert_eq!(errors_of("bad.yaml", &pct), vec![
        "bad.yaml:19: criteria[0].indicators[0].threshold.value: threshold kind mismatch: a percent indicator needs a percentage between 0 and 100, found 140".to_string()
    ]);
    let dat = MINI.replace(
        "{op: \"==\", value: true, text: \"Đạt\"}",
        "{op: \"==\", value: \"Đạt\"}",
    );
    assert_eq!(errors_of("bad.yaml", &dat), vec![
        "bad.yaml:27: criteria[0].indicators[1].threshold.value: threshold kind mismatch: a boolean indicator needs true or false (write the wording in `text`, e.g. value: true, text: \"Đạt\"), found the text \"Đạt\"".to_string()
    ]);
    let src = MINI.replace("sources: [S1]", "sources: [S9]");
    assert_eq!(errors_of("bad.yaml", &src), vec![
        "bad.yaml:23: criteria[0].indicators[0].sources: unknown source id `S9` (did you mean `S1`?)".to_string()
    ]);
    let kind = MINI.replace("kind: count", "kind: cuont");
    assert_eq!(errors_of("bad.yaml", &kind), vec![
        "bad.yaml:39: criteria[1].indicators[1].kind: unknown kind `cuont` (did you mean `count`?)".to_string()
    ]);
    let level = MINI.replace("level: commune", "level: ward");
    assert_eq!(errors_of("bad.yaml", &level), vec![
        "bad.yaml:5: level: unknown level `ward` (expected commune, district, province or hamlet)".to_string()
    ]);
    let date = MINI.replace("valid_from: 2022", "valid_from: 2022-13-01");
    assert_eq!(errors_of("bad.yaml", &date), vec![
        "bad.yaml:7: valid_from: expected a year (2024) or a date (2024-03-01), found the text \"2022-13-01\"".to_string()
    ]);
    let syntax = MINI.replace("sources: [S1]", "sources: [S1");
    let e = errors_of("bad.yaml", &syntax);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].starts_with("bad.yaml:24: YAML syntax:"), "{e:?}");
    let dup_key = MINI.replace("version: \"1\"", "version: \"1\"\nversion: \"2\"");
    let e = errors_of("bad.yaml", &dup_key);
    assert_eq!(
        e,
        vec![
            "bad.yaml:5: YAML syntax: the key `version` appears twice in the same mapping"
                .to_string()
        ]
    );
    assert_eq!(
        errors_of("bad.yaml", "kind: criteria_set\n"),
        vec![
            "bad.yaml:1: format: missing required field (write `format: ntm-criteria/1` first)"
                .to_string()
        ]
    );
    let group = MINI.replace("    name_vi: \"Một\"", "    name_vi: \"Một\"\n    group: I");
    assert!(
        errors_of("bad.yaml", &group).is_empty(),
        "a group is only checked when groups are declared"
    );
    // Several problems are reported together.
    let many = MINI
        .replace("DBSCL: {op", "XX: {op")
        .replace("kind: count", "kind: cuont");
    assert_eq!(errors_of("bad.yaml", &many).len(), 2);
}

#[test]
fn load_all_reports_every_file() {
    let bad1 = MINI.replace("kind: count", "kind: cuont");
    let bad2 = PROVINCIAL.replace("level: commune", "level: ward");
    let e = load_all([
        ("a.yaml", bad1.as_str()),
        ("b.yaml", bad2.as_str()),
        ("mini.yaml", MINI),
    ])
    .expect_err("bad");
    let files: Vec<&str> = e.iter().map(|e| e.file.as_str()).collect();
    assert_eq!(files, vec!["a.yaml", "b.yaml"]);
    let ok = load_all([("mini.yaml", MINI), ("tinh-x.yaml", PROVINCIAL)]).expect("ok");
    assert_eq!(ok.catalog.sets().len(), 2);
    assert!(ok.ocop.is_empty());
}

#[test]
fn derived_rules_must_name_known_sets() {
    let text = r#"format: ntm-criteria/1
kind: criteria_set
id: huyen-thu
version: "1"
level: district
title_vi: "Huyện thử"
valid_from: 2022
completeness: complete
preconditions:
  - code: "DK.1"
    name_vi: "100% xã đạt chuẩn"
    kind: derived
    derived: {measure: share_of_children_meeting, set: mnii}
    threshold: {op: ">=", value: 100}
    provenance: sourced
criteria: []
"#;
    let err = resolve_texts(&[("mini.yaml", MINI), ("h.yaml", text)]).expect_err("unknown");
    assert_eq!(
        err,
        vec![
            "h.yaml:13: derived.set: unknown criteria set `mnii` (did you mean `mini`?)"
                .to_string()
        ]
    );
    let bad_measure = text.replace("share_of_children_meeting", "share_of_child");
    let e = errors_of("h.yaml", &bad_measure);
    assert!(
        e[0].starts_with(
            "h.yaml:13: preconditions[0].derived.measure: unknown measure `share_of_child`"
        ),
        "{e:?}"
    );
}

// ------------------------------------------------------------------ evidence policy

#[test]
fn evidence_required_at_set_level_with_indicator_overrides() {
    let with = MINI
        .replace(
            "completeness: complete\n",
            "completeness: complete\nevidence_required: true\n",
        )
        .replace(
            "        kind: count\n",
            "        kind: count\n        evidence_required: false\n",
        );
    let cat = resolve_texts(&[("mini.yaml", &with)]).expect("loads");
    let s = cat.set_for_year("mini", 2023).expect("in force");
    assert!(s.evidence_required);
    let idx = |c: &str| s.indicator_index(c).expect("indicator");
    assert!(s.requires_evidence(idx("1.1")));
    assert!(!s.requires_evidence(idx("2.2")), "indicator override");
    // Absent: false; an amendment inherits the base's setting.
    let plain = mini();
    let p = plain.set_for_year("mini", 2023).expect("in force");
    assert!(!p.evidence_required && !p.requires_evidence(0));
    let cat = resolve_texts(&[("mini.yaml", &with), ("mini@2.yaml", AMENDED)]).expect("loads");
    assert!(
        cat.set_for_year("mini", 2024)
            .expect("amended")
            .evidence_required
    );
    // A typo or a wrong type still fails validation.
    let typo = MINI.replace(
        "completeness: complete\n",
        "completeness: complete\nevidence_requried: true\n",
    );
    let e = errors_of("bad.yaml", &typo);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].contains("unknown field `evidence_requried` (did you mean `evidence_required`?)"),
        "{e:?}"
    );
    let wrong = MINI.replace(
        "completeness: complete\n",
        "completeness: complete\nevidence_required: yes please\n",
    );
    let e = errors_of("bad.yaml", &wrong);
    assert!(
        e.len() == 1 && e[0].contains("evidence_required: expected true or false"),
        "{e:?}"
    );
    // The commune sets shipped require evidence (product policy).
    let real = catalog();
    assert!(
        real.set_for_year("xa-ntm-2021-2025", 2024)
            .expect("set")
            .evidence_required
    );
}

// ------------------------------------------------------------------ applies_to

#[test]
fn applies_to_unit_kinds_parse_validate_and_inherit() {
    let with = MINI.replace(
        "completeness: complete\n",
        "completeness: complete\napplies_to: {unit_kinds: [Xã, Đặc khu]}\n",
    );
    let cat = resolve_texts(&[("mini.yaml", &with)]).expect("loads");
    let s = cat.set_for_year("mini", 2023).expect("in force");
    assert_eq!(
        s.applies_to.as_deref(),
        Some(&["Xã".to_string(), "Đặc khu".to_string()][..])
    );
    assert!(s.applies_to_kind("Xã") && s.applies_to_kind("Đặc khu"));
    assert!(!s.applies_to_kind("Phường") && !s.applies_to_kind("Thị trấn"));
    // Undeclared: every unit of the level.
    let plain = mini();
    let p = plain.set_for_year("mini", 2023).expect("in force");
    assert!(p.applies_to.is_none() && p.applies_to_kind("Phường"));
    // An amendment inherits it.
    let cat = resolve_texts(&[("mini.yaml", &with), ("mini@2.yaml", AMENDED)]).expect("loads");
    let a = cat.set_for_year("mini", 2024).expect("amended");
    assert!(a.applies_to_kind("Xã") && !a.applies_to_kind("Phường"));

    // Errors carry the file, the line and the field.
    let bad = MINI.replace(
        "completeness: complete\n",
        "completeness: complete\napplies_to: {unit_kinds: [Xa, Huyện]}\n",
    );
    let e = errors_of("bad.yaml", &bad);
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(
        e[0].starts_with(
            "bad.yaml:10: applies_to.unit_kinds[0]: unknown unit kind `Xa` (did you mean `Xã`?)"
        ),
        "{e:?}"
    );
    assert!(
        e[1].contains("applies_to.unit_kinds[1]: unknown unit kind `Huyện`")
            && e[1].contains("for a commune set"),
        "{e:?}"
    );
    for (text, want) in [
        ("applies_to: {unit_kinds: []}\n", "lists no unit kind"),
        (
            "applies_to: {}\n",
            "applies_to.unit_kinds: missing required field",
        ),
        (
            "applies_to: {unit_kind: [Xã]}\n",
            "unknown field `unit_kind` (did you mean `unit_kinds`?)",
        ),
        (
            "applies_to: {unit_kinds: [Xã, Xã]}\n",
            "`Xã` is listed twice",
        ),
    ] {
        let t = MINI.replace(
            "completeness: complete\n",
            &format!("completeness: complete\n{text}"),
        );
        let e = errors_of("bad.yaml", &t);
        assert!(e.iter().any(|m| m.contains(want)), "{text}: {e:?}");
    }

    // The national commune NTM sets shipped apply to xã only.
    let real = catalog();
    for (id, year) in [
        ("xa-ntm-2021-2025", 2023),
        ("xa-ntm-2021-2025", 2024),
        ("xa-ntm-nang-cao-2021-2025", 2024),
        ("xa-ntm-kieu-mau-2021-2025", 2024),
        ("xa-ntm-2026-2030", 2026),
        ("xa-ntm-hien-dai-2026-2030", 2026),
    ] {
        let s = real.set_for_year(id, year).expect("set");
        assert_eq!(
            s.applies_to.as_deref(),
            Some(&["Xã".to_string()][..]),
            "{id} {year}"
        );
    }
}

#[test]
fn computed_from_names_a_known_measure_of_the_indicators_kind() {
    let bind = |code_line: &str, measure: &str| {
        MINI.replace(
            code_line,
            &format!("{code_line}\n        computed_from: {measure}"),
        )
    };
    // 2.2 is a count: the feedback count fits; 3.2 a yes/no: the weekly segment fits.
    let ok = bind("        name_vi: \"Số D\"", "feedback.received");
    let ok = ok.replace(
        "        name_vi: \"F\"",
        "        name_vi: \"F\"\n        computed_from: portal.dx_segment_every_week",
    );
    assert_eq!(errors_of("ok.yaml", &ok), Vec::<String>::new());
    let set = crate::criteria::parse_set("ok.yaml", &ok).unwrap();
    let ind = |c: &str| {
        set.indicators()
            .find(|i| i.code == c)
            .unwrap()
            .computed_from
    };
    assert_eq!(
        ind("2.2"),
        Some(crate::measures::MeasureKey::FeedbackReceived)
    );
    assert_eq!(
        ind("3.2"),
        Some(crate::measures::MeasureKey::DxSegmentEveryWeek)
    );
    assert_eq!(ind("2.1"), None);
    // A yes/no measure on a count, and an unknown name: refused at the field.
    let wrong = bind("        name_vi: \"Số D\"", "portal.dx_segment_every_week");
    let e = errors_of("bad.yaml", &wrong);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].contains("criteria[1].indicators[1].computed_from") && e[0].contains("boolean values"),
        "{e:?}"
    );
    let unknown = bind("        name_vi: \"Số D\"", "portal.so_bai");
    let e = errors_of("bad.yaml", &unknown);
    assert!(e[0].contains("unknown measure \"portal.so_bai\""), "{e:?}");
}
