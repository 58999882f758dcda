//! The engine on confirmed thresholds, needs-verification, derived indicators.

use super::*;

// ------------------------------------------------------------------ the engine on confirmed thresholds

#[test]
fn engine_on_confirmed_thresholds() {
    let cat = mini();
    let set = cat.set_for_year("mini", 2023).expect("mini");
    let all_good = [
        ("1.1", Value::Percent(80.0)),
        ("1.2", Value::Boolean(true)),
        ("2.1", Value::Percent(20.0)),
        ("2.2", Value::Count(3)),
        ("3.1", Value::Number(1.0)),
        ("3.2", Value::Boolean(true)),
    ];
    let e = evaluate_unit(
        set,
        &commune(Some(Region::DBSH)),
        &obs(set, &all_good),
        2023,
    )
    .expect("eval");
    assert_eq!(e.status, Status::Met);
    assert_eq!(e.criteria_met, 3);
    assert_eq!(e.caveats, Caveats::NONE);
    // 3.1 not met but 3.2 is: criterion 3 (pass: any) is met.
    assert_eq!(
        e.indicators[4],
        Outcome::NotMet {
            gap: Gap::Amount(1.5)
        }
    );
    assert_eq!(e.criteria[2].status, Status::Met);

    let mut values = all_good.to_vec();
    values[0].1 = Value::Percent(75.0);
    values[2].1 = Value::Percent(23.0);
    values.remove(3); // 2.2 missing
    let e =
        evaluate_unit(set, &commune(Some(Region::DBSH)), &obs(set, &values), 2023).expect("eval");
    assert_eq!(
        e.indicators[0],
        Outcome::NotMet {
            gap: Gap::Amount(5.0)
        }
    );
    assert_eq!(
        e.indicators[2],
        Outcome::NotMet {
            gap: Gap::Amount(3.0)
        }
    );
    assert_eq!(e.indicators[3], Outcome::Missing);
    assert_eq!(
        e.criteria[1].status,
        Status::NotMet,
        "not met wins over missing"
    );
    assert_eq!(e.status, Status::NotMet);
    assert_eq!(e.criteria_met, 1);
    // DBSCL: 1.1 threshold is 70.
    let e2 =
        evaluate_unit(set, &commune(Some(Region::DBSCL)), &obs(set, &values), 2023).expect("eval");
    assert_eq!(e2.indicators[0], Outcome::Met);
    // Region unknown: the general value is used tentatively.
    let e3 = evaluate_unit(set, &commune(None), &obs(set, &values), 2023).expect("eval");
    assert_eq!(
        e3.indicators[0],
        Outcome::NeedsVerification {
            caveats: Caveats::REGION_UNKNOWN,
            tentative: Tentative::NotMet {
                gap: Gap::Amount(5.0)
            }
        }
    );

    // Gaps: what is missing and how far, not-met first.
    let g = gaps(set, &e);
    let codes: Vec<&str> = g
        .iter()
        .map(|x| set.indicator(x.indicator).code.as_str())
        .collect();
    assert_eq!(codes, vec!["1.1", "2.1", "3.1", "2.2"]);
    assert_eq!(g[0].gap, Some(Gap::Amount(5.0)));
    assert_eq!(g[3].status, Status::Missing);
    assert_eq!(g[1].criterion, Some(1));

    // Errors: wrong level, wrong year, observations of another set.
    let district = UnitCtx {
        level: Level::District,
        ..commune(None)
    };
    assert!(matches!(
        evaluate_unit(set, &district, &Observations::new(set), 2023),
        Err(EvalError::LevelMismatch { .. })
    ));
    assert!(matches!(
        evaluate_unit(set, &commune(None), &Observations::new(set), 2026),
        Err(EvalError::YearOutsideValidity { .. })
    ));
    let other = catalog();
    let x = other.set_for_year("xa-ntm-2021-2025", 2023).expect("x");
    assert!(matches!(
        evaluate_unit(set, &commune(None), &Observations::new(x), 2023),
        Err(EvalError::ObservationsForAnotherSet { .. })
    ));
}

#[test]
fn needs_verification_for_uncertain_and_missing_thresholds() {
    let text = MINI
        .replace("completeness: complete", "completeness: partial")
        .replace("        threshold: {op: \">=\", value: 3}\n        provenance: sourced", "        threshold: null\n        provenance: recalled")
        .replace("        threshold: {op: \"<=\", value: 20}\n        provenance: sourced", "        threshold: {op: \"<=\", value: 20}\n        provenance: sourced\n        uncertain: true");
    let cat = resolve_texts(&[("m.yaml", &text)]).expect("loads");
    let set = cat.set_for_year("mini", 2023).expect("set");
    let vals = [
        ("1.1", Value::Percent(90.0)),
        ("1.2", Value::Boolean(true)),
        ("2.1", Value::Percent(10.0)),
        ("2.2", Value::Count(9)),
        ("3.2", Value::Boolean(true)),
    ];
    let e = evaluate_unit(set, &commune(Some(Region::BTB)), &obs(set, &vals), 2023).expect("eval");
    assert_eq!(
        e.indicators[2],
        Outcome::NeedsVerification {
            caveats: Caveats::UNCERTAIN,
            tentative: Tentative::Met
        }
    );
    assert_eq!(
        e.indicators[3],
        Outcome::NeedsVerification {
            caveats: Caveats::THRESHOLD_MISSING,
            tentative: Tentative::Unknown
        }
    );
    assert_eq!(e.criteria[1].status, Status::NeedsVerification);
    assert!(
        !e.criteria[1].tentatively_met,
        "a missing threshold is never a tentative pass"
    );
    assert!(
        e.criteria[1].no_known_shortfall,
        "but it is no known shortfall (tạm tính)"
    );
    assert_eq!(e.criteria_no_known_shortfall, 3);
    assert!(e.no_known_shortfall);
    // A tentative fail on the uncertain threshold is a known shortfall.
    let mut short = obs(set, &vals);
    short.set_text(set, "2.1", "30").expect("value");
    let e2 = evaluate_unit(set, &commune(Some(Region::BTB)), &short, 2023).expect("eval");
    assert!(!e2.criteria[1].no_known_shortfall && !e2.no_known_shortfall);
    assert_eq!(e2.criteria_no_known_shortfall, 2);
    let r = rollup(set, [&e, &e2]);
    assert_eq!((r.met, r.met_tentative, r.no_known_shortfall), (0, 0, 1));
    assert!((r.avg_criteria_no_known_shortfall - 2.5).abs() < 1e-9);
    assert_eq!(e.status, Status::NeedsVerification);
    assert_eq!(e.criteria_met, 2);
    assert_eq!(e.criteria_met_tentative, 2);
    // With every threshold confirmed but the set only partly captured, a full pass still needs verification.
    let partial = MINI.replace("completeness: complete", "completeness: partial");
    let cat = resolve_texts(&[("m.yaml", &partial)]).expect("loads");
    let set = cat.set_for_year("mini", 2023).expect("set");
    let vals = [
        ("1.1", Value::Percent(90.0)),
        ("1.2", Value::Boolean(true)),
        ("2.1", Value::Percent(10.0)),
        ("2.2", Value::Count(9)),
        ("3.2", Value::Boolean(true)),
    ];
    let e = evaluate_unit(set, &commune(Some(Region::BTB)), &obs(set, &vals), 2023).expect("eval");
    assert_eq!(
        (e.status, e.tentatively_met, e.criteria_met),
        (Status::NeedsVerification, true, 3)
    );
    assert!(e.caveats.contains(Caveats::SET_INCOMPLETE));
}

#[test]
fn derived_indicators_over_child_units() {
    let cat = catalog();
    let xa = cat.set_for_year("xa-ntm-2021-2025", 2023).expect("xa");
    let huyen = cat
        .set_for_year("huyen-ntm-2021-2025", 2023)
        .expect("huyen");
    let dk1 = huyen.indicator_index("DK.1").expect("DK.1");
    let dk2 = huyen.indicator_index("DK.2").expect("DK.2");
    let dk5 = huyen.indicator_index("DK.5").expect("DK.5");
    let district = UnitCtx {
        level: Level::District,
        region: Some(Region::DBSCL),
        group: None,
        disadvantaged: false,
    };

    // Tallies as the app would build them from commune evaluations.
    let all_met = ChildTally {
        total: 12,
        met: 12,
        not_met: 0,
        met_tentative: 12,
    };
    let one_short = ChildTally {
        total: 12,
        met: 11,
        not_met: 1,
        met_tentative: 11,
    };
    let pending = ChildTally {
        total: 12,
        met: 10,
        not_met: 0,
        met_tentative: 12,
    };
    let mut o = Observations::new(huyen);
    assert_eq!(o.supply_children(huyen, "xa-ntm-2021-2025", &all_met), 1);
    let e = evaluate_unit(huyen, &district, &o, 2023).expect("eval");
    assert_eq!(
        e.indicators[dk1],
        Outcome::Met,
        "DK.1 is confirmed (sourced, not uncertain)"
    );
    assert_eq!(
        e.indicators[dk2],
        Outcome::Missing,
        "no nâng cao results supplied"
    );
    o.supply_children(huyen, "xa-ntm-2021-2025", &one_short);
    let e = evaluate_unit(huyen, &district, &o, 2023).expect("eval");
    match e.indicators[dk1] {
        Outcome::NotMet {
            gap: Gap::Amount(g),
        } => assert!((f64::from(g) - 100.0 / 12.0).abs() < 1e-5),
        other => panic!("{other:?}"),
    }
    o.supply_children(huyen, "xa-ntm-2021-2025", &pending);
    let e = evaluate_unit(huyen, &district, &o, 2023).expect("eval");
    assert_eq!(
        e.indicators[dk1],
        Outcome::NeedsVerification {
            caveats: Caveats::UNDETERMINED_INPUT,
            tentative: Tentative::Met
        }
    );
    // DK.2: ≥ 10 % of communes at nâng cao; 2 of 12 met.
    o.supply_children(
        huyen,
        "xa-ntm-nang-cao-2021-2025",
        &ChildTally {
            total: 12,
            met: 2,
            not_met: 10,
            met_tentative: 2,
        },
    );
    let e = evaluate_unit(huyen, &district, &o, 2023).expect("eval");
    assert_eq!(e.indicators[dk2], Outcome::Met);
    // DK.5 (all 9 criteria) follows the criteria: no district values were entered.
    assert_eq!(e.indicators[dk5], Outcome::Missing);
    assert_eq!(e.status, Status::Missing);

    // From real commune evaluations: the tally equals the roll-up of the children.
    let communes: Vec<UnitEvaluation> = (0..5)
        .map(|k| {
            let o = obs(xa, &[("3.1", Value::Percent(70.0 + 5.0 * k as f64))]);
            evaluate_unit(xa, &commune(Some(Region::DBSCL)), &o, 2023).expect("eval")
        })
        .collect();
    let t = ChildTally::from_evals(&communes);
    let r = rollup(xa, &communes);
    assert_eq!(
        (t.total, t.met, t.met_tentative),
        (r.units, r.met, r.met_tentative)
    );

    // A province counts communes (grandchildren) for T.4 and districts for T.1.
    let tinh = cat
        .set_for_year("tinh-hoan-thanh-ntm-2021-2025", 2024)
        .expect("tinh");
    let mut o = Observations::new(tinh);
    assert_eq!(
        o.supply_children(
            tinh,
            "xa-ntm-nang-cao-2021-2025",
            &ChildTally {
                total: 100,
                met: 41,
                not_met: 59,
                met_tentative: 41
            }
        ),
        1
    );
    let province = UnitCtx {
        level: Level::Province,
        region: Some(Region::DBSCL),
        group: None,
        disadvantaged: false,
    };
    let e = evaluate_unit(tinh, &province, &o, 2024).expect("eval");
    assert_eq!(
        e.indicators[tinh.indicator_index("T.4").expect("T.4")],
        Outcome::Met
    );
    assert_eq!(
        e.indicators[tinh.indicator_index("T.1").expect("T.1")],
        Outcome::Missing
    );

    // meets_set: Trà Vinh's smart commune needs the kiểu mẫu result of the same commune.
    let tv = cat
        .set_for_year("xa-ntm-thong-minh-tra-vinh-2023", 2024)
        .expect("tv");
    let km = cat
        .set_for_year("xa-ntm-kieu-mau-2021-2025", 2024)
        .expect("km");
    let km_eval = evaluate_unit(
        km,
        &commune(Some(Region::DBSCL)),
        &Observations::new(km),
        2024,
    )
    .expect("km eval");
    let mut o = Observations::new(tv);
    assert_eq!(o.supply_own(tv, "xa-ntm-kieu-mau-2021-2025", &km_eval), 1);
    let e = evaluate_unit(tv, &commune(Some(Region::DBSCL)), &o, 2024).expect("tv eval");
    assert_eq!(
        e.indicators[0],
        Outcome::Missing,
        "kiểu mẫu evaluation is incomplete → no value yet"
    );
    // Directly entering a derived value is refused.
    let e = Observations::new(huyen)
        .set(huyen, "DK.1", Value::Percent(100.0))
        .expect_err("computed");
    assert_eq!(e.problem, ObsProblem::Computed);
}

#[test]
fn smart_hamlet_alternatives_and_confirmed_thresholds() {
    let cat = catalog();
    let ap = cat
        .set_for_year("ap-thong-minh-tra-vinh-2023", 2024)
        .expect("ap");
    let ctx = UnitCtx {
        level: Level::Hamlet,
        region: Some(Region::DBSCL),
        group: None,
        disadvantaged: false,
    };
    let o = obs(
        ap,
        &[
            ("TV-A.0", Value::Boolean(true)),
            ("TV-A.1.1", Value::Percent(50.0)),
            ("TV-A.1.2", Value::Boolean(true)),
            ("TV-A.2", Value::Boolean(true)),
            ("TV-A.3", Value::Number(2.0)),
            ("TV-A.4", Value::Percent(81.0)),
            ("TV-A.5", Value::Boolean(true)),
            ("TV-A.6.1", Value::Percent(60.0)),
            ("TV-A.6.2", Value::Percent(85.0)),
        ],
    );
    let e = evaluate_unit(ap, &ctx, &o, 2024).expect("eval");
    assert_eq!(
        e.status,
        Status::Met,
        "Trà Vinh's conditions were checked against KH 38: confirmed"
    );
    assert_eq!(e.criteria_met, 7);
    let g = gaps(ap, &e);
    assert_eq!(g.len(), 2, "the two unmet alternatives are listed: {g:?}");
}
