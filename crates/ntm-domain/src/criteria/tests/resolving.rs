//! Amendment chains and provincial sets (`extends`) on small sets.

use super::*;

#[test]
fn amendment_switch_by_year_with_changed_threshold() {
    let cat = resolve_texts(&[("mini.yaml", MINI), ("mini@2.yaml", AMENDED)]).expect("resolves");
    let v1 = cat.set_for_year("mini", 2023).expect("2023");
    let v2 = cat.set_for_year("mini", 2024).expect("2024");
    assert_eq!((v1.version.as_str(), v2.version.as_str()), ("1", "2"));
    assert_eq!(
        v2.valid_to,
        Some(date!(2025 - 12 - 31)),
        "inherits valid_to"
    );
    assert!(v2.indicator_index("3.2").is_none() && v2.indicator_index("2.3").is_some());
    let run = |s: &ResolvedSet, y| {
        let o = obs(s, &[("1.1", Value::Percent(82.0))]);
        evaluate_unit(s, &commune(Some(Region::DBSCL)), &o, y)
            .expect("eval")
            .indicators[s.indicator_index("1.1").unwrap_or(0)]
    };
    // 2023: DBSCL ≥ 70 → met. 2024: ≥ 85 everywhere (by_region cleared) → 3 short.
    assert_eq!(run(v1, 2023), Outcome::Met);
    assert_eq!(
        run(v2, 2024),
        Outcome::NotMet {
            gap: Gap::Amount(3.0)
        }
    );
    assert!(evaluate_unit(v2, &commune(None), &Observations::new(v2), 2026).is_err());
    assert!(cat.set_for_year("mini", 2021).is_err());
}

#[test]
fn provincial_set_extends_with_stricter_thresholds() {
    let cat = resolve_texts(&[("mini.yaml", MINI), ("tinh-x.yaml", PROVINCIAL)]).expect("resolves");
    let p = cat.set_for_year("mini-tinh-x", 2024).expect("provincial");
    assert_eq!(p.extends, Some(("mini".to_string(), "1".to_string())));
    assert_eq!(p.criteria.len(), 4);
    assert!(p.sources.contains_key("S1") && p.sources.contains_key("PX"));
    let o = obs(
        p,
        &[("1.1", Value::Percent(72.0)), ("2.1", Value::Percent(18.0))],
    );
    let e = evaluate_unit(p, &commune(Some(Region::DBSCL)), &o, 2024).expect("eval");
    assert_eq!(
        e.indicators[p.indicator_index("1.1").unwrap_or(0)],
        Outcome::NotMet {
            gap: Gap::Amount(3.0)
        }
    );
    assert_eq!(
        e.indicators[p.indicator_index("2.1").unwrap_or(0)],
        Outcome::NotMet {
            gap: Gap::Amount(3.0)
        }
    );
    // The provincial set starts 2023-06-01: not for 2022.
    assert!(cat.set_for_year("mini-tinh-x", 2022).is_err());

    // A looser threshold is refused, naming file, line and field.
    let loose = PROVINCIAL.replace("value: 15}", "value: 25}");
    let err = resolve_texts(&[("mini.yaml", MINI), ("tinh-x.yaml", &loose)]).expect_err("looser");
    assert_eq!(err, vec![
        "tinh-x.yaml:20: overrides[1].threshold: less strict than the threshold it extends for TDMNPB (<= 20): a provincial set may only make it stricter".to_string()
    ]);
    // Extending an unknown set.
    let unknown = PROVINCIAL.replace("extends: mini\n", "extends: mimi\n");
    let err =
        resolve_texts(&[("mini.yaml", MINI), ("tinh-x.yaml", &unknown)]).expect_err("unknown base");
    assert_eq!(
        err,
        vec![
            "tinh-x.yaml:5: extends: unknown criteria set `mimi` (did you mean `mini`?)"
                .to_string()
        ]
    );
    // Overriding a code the base does not have.
    let bad = PROVINCIAL.replace("code: \"2.1\"", "code: \"2.9\"");
    let err = resolve_texts(&[("mini.yaml", MINI), ("tinh-x.yaml", &bad)]).expect_err("bad code");
    assert_eq!(
        err,
        vec!["tinh-x.yaml:20: overrides[1].code: no indicator \"2.9\" in the base set".to_string()]
    );
    // A boolean override on a percent indicator.
    let bad = PROVINCIAL.replace("{op: \"<=\", value: 15}", "{op: \"==\", value: true}");
    let err = resolve_texts(&[("mini.yaml", MINI), ("tinh-x.yaml", &bad)]).expect_err("kind");
    assert!(err[0].starts_with("tinh-x.yaml:21: overrides[1].threshold: threshold kind mismatch: indicator 2.1 is percent"), "{err:?}");
}

#[test]
fn amendment_errors() {
    let bad = AMENDED.replace("amends: \"1\"", "amends: \"0\"");
    let err =
        resolve_texts(&[("mini.yaml", MINI), ("mini@2.yaml", &bad)]).expect_err("unknown version");
    assert_eq!(
        err,
        vec!["mini@2.yaml:5: amends: no version \"0\" of mini to amend (known: 1)".to_string()]
    );
    let dup = resolve_texts(&[("mini.yaml", MINI), ("mini-copy.yaml", MINI)]).expect_err("twice");
    assert_eq!(
        dup,
        vec![
            "mini-copy.yaml: version: mini version \"1\" is defined twice (also in mini.yaml)"
                .to_string()
        ]
    );
    let no_status = AMENDED.replace("changes_status: complete\n", "");
    assert_eq!(errors_of("a.yaml", &no_status), vec![
        "a.yaml:1: changes_status: missing required field for an amendment (complete, partial or not_retrieved)".to_string()
    ]);
}
