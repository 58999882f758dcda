//! Property tests of the engine on generated sets.

use super::*;

// ------------------------------------------------------------------ property tests

#[derive(Debug, Clone)]
struct GenInd {
    kind: ValueKind,
    op: Op,
    t: f64,
}

fn gen_ind() -> impl Strategy<Value = GenInd> {
    prop_oneof![
        (0u32..=100, prop::bool::ANY).prop_map(|(t, ge)| GenInd {
            kind: ValueKind::Percent,
            op: if ge { Op::Ge } else { Op::Le },
            t: f64::from(t)
        }),
        (0u32..=50, prop::bool::ANY).prop_map(|(t, ge)| GenInd {
            kind: ValueKind::Count,
            op: if ge { Op::Ge } else { Op::Le },
            t: f64::from(t)
        }),
        (-1000i32..1000, prop::bool::ANY).prop_map(|(t, ge)| GenInd {
            kind: ValueKind::Number,
            op: if ge { Op::Ge } else { Op::Le },
            t: f64::from(t) / 4.0
        }),
        prop::bool::ANY.prop_map(|b| GenInd {
            kind: ValueKind::Boolean,
            op: Op::Eq,
            t: f64::from(u8::from(b))
        }),
    ]
}

fn set_yaml(criteria: &[Vec<GenInd>]) -> String {
    let mut s = String::from(
        "format: ntm-criteria/1\nkind: criteria_set\nid: gen\nversion: \"1\"\nlevel: commune\ntitle_vi: \"Sinh\"\nvalid_from: 2022\nvalid_to: 2030\ncompleteness: complete\ncriteria:\n",
    );
    for (c, inds) in criteria.iter().enumerate() {
        s += &format!(
            "  - number: {}\n    name_vi: \"C{}\"\n    indicators:\n",
            c + 1,
            c + 1
        );
        for (k, i) in inds.iter().enumerate() {
            let value = match i.kind {
                ValueKind::Boolean => (i.t != 0.0).to_string(),
                _ => format!("{}", i.t),
            };
            s += &format!(
                "      - {{code: \"{}.{}\", name_vi: \"I\", kind: {}, threshold: {{op: \"{}\", value: {value}}}, provenance: sourced}}\n",
                c + 1,
                k + 1,
                i.kind.as_str(),
                i.op.as_str()
            );
        }
    }
    s
}

fn gen_set() -> impl Strategy<Value = Vec<Vec<GenInd>>> {
    prop::collection::vec(prop::collection::vec(gen_ind(), 1..5), 1..8)
}

/// A value meeting the threshold, `slack` ∈ [0, 1) away from it.
fn meeting(i: &GenInd, slack: f64) -> Value {
    match (i.kind, i.op) {
        (ValueKind::Boolean, _) => Value::Boolean(i.t != 0.0),
        (ValueKind::Percent, Op::Ge) => Value::Percent(i.t + (100.0 - i.t) * slack),
        (ValueKind::Percent, _) => Value::Percent(i.t * (1.0 - slack)),
        (ValueKind::Count, Op::Ge) => Value::Count(i.t as u64 + (slack * 10.0) as u64),
        (ValueKind::Count, _) => Value::Count((i.t * (1.0 - slack)).floor() as u64),
        (_, Op::Ge) => Value::Number(i.t + slack * 100.0),
        (_, _) => Value::Number(i.t - slack * 100.0),
    }
}

fn any_value(i: &GenInd, x: f64) -> Value {
    match i.kind {
        ValueKind::Boolean => Value::Boolean(x > 0.5),
        ValueKind::Percent => Value::Percent(x * 100.0),
        ValueKind::Count => Value::Count((x * 60.0) as u64),
        _ => Value::Number(x * 2000.0 - 1000.0),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn a_unit_meeting_every_threshold_meets_the_set(spec in gen_set(), slack in prop::collection::vec(0.0f64..1.0, 40)) {
        let cat = resolve_texts(&[("gen.yaml", &set_yaml(&spec))]).map_err(|e| TestCaseError::fail(e.join("\n")))?;
        let set = cat.set_for_year("gen", 2024).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut o = Observations::new(set);
        for (k, i) in spec.iter().flatten().enumerate() {
            o.set_at(set, k, meeting(i, slack[k % slack.len()])).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        for region in Region::ALL.into_iter().map(Some).chain([None]) {
            let e = evaluate_unit(set, &commune(region), &o, 2024).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(e.status, Status::Met);
            prop_assert_eq!(usize::from(e.criteria_met), spec.len());
            prop_assert_eq!(e.criteria_met_tentative, e.criteria_met);
            prop_assert_eq!(e.criteria_no_known_shortfall, e.criteria_met);
            prop_assert!(e.no_known_shortfall && e.tentatively_met);
            prop_assert!(e.indicators.iter().all(|x| *x == Outcome::Met));
            prop_assert!(gaps(set, &e).is_empty());
        }
    }

    #[test]
    fn raising_a_value_never_turns_met_into_not_met(spec in gen_set(), xs in prop::collection::vec(0.0f64..1.0, 40), pick in 0usize..40, delta in 0.0f64..50.0) {
        let cat = resolve_texts(&[("gen.yaml", &set_yaml(&spec))]).map_err(|e| TestCaseError::fail(e.join("\n")))?;
        let set = cat.set_for_year("gen", 2024).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let flat: Vec<&GenInd> = spec.iter().flatten().collect();
        let mut o = Observations::new(set);
        for (k, i) in flat.iter().enumerate() {
            o.set_at(set, k, any_value(i, xs[k % xs.len()])).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        let k = pick % flat.len();
        let before = evaluate_unit(set, &commune(None), &o, 2024).map_err(|e| TestCaseError::fail(e.to_string()))?;
        // Move the value in the direction the threshold asks for (≥: up, ≤: down).
        let moved = match (o.get(k), flat[k].op) {
            (Some(Value::Percent(v)), Op::Ge) => Some(Value::Percent((v + delta).min(100.0))),
            (Some(Value::Percent(v)), Op::Le) => Some(Value::Percent((v - delta).max(0.0))),
            (Some(Value::Number(v)), Op::Ge) => Some(Value::Number(v + delta)),
            (Some(Value::Number(v)), Op::Le) => Some(Value::Number(v - delta)),
            (Some(Value::Count(v)), Op::Ge) => Some(Value::Count(v + delta as u64)),
            (Some(Value::Count(v)), Op::Le) => Some(Value::Count(v.saturating_sub(delta as u64))),
            _ => None,
        };
        if let Some(v) = moved {
            o.set_at(set, k, v).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let after = evaluate_unit(set, &commune(None), &o, 2024).map_err(|e| TestCaseError::fail(e.to_string()))?;
            if before.indicators[k] == Outcome::Met {
                prop_assert_eq!(after.indicators[k], Outcome::Met);
            }
            if let (Some(Gap::Amount(a)), Some(Gap::Amount(b))) = (before.indicators[k].gap(), after.indicators[k].gap()) {
                prop_assert!(b <= a + 1e-4, "the gap never grows");
            }
            if before.status == Status::Met {
                prop_assert_eq!(after.status, Status::Met);
            }
            prop_assert!(after.criteria_met >= before.criteria_met);
        }
    }

    #[test]
    fn rollup_counts_equal_children_evaluated_as_met(spec in gen_set(), units in prop::collection::vec(prop::collection::vec(prop::option::weighted(0.9, 0.0f64..1.0), 40), 0..40)) {
        let cat = resolve_texts(&[("gen.yaml", &set_yaml(&spec))]).map_err(|e| TestCaseError::fail(e.join("\n")))?;
        let set = cat.set_for_year("gen", 2024).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let flat: Vec<&GenInd> = spec.iter().flatten().collect();
        let mut evals = Vec::new();
        for u in &units {
            let mut o = Observations::new(set);
            for (k, i) in flat.iter().enumerate() {
                if let Some(x) = u[k % u.len()] {
                    o.set_at(set, k, any_value(i, x)).map_err(|e| TestCaseError::fail(e.to_string()))?;
                }
            }
            evals.push(evaluate_unit(set, &commune(Some(Region::BTB)), &o, 2024).map_err(|e| TestCaseError::fail(e.to_string()))?);
        }
        let r = rollup(set, &evals);
        prop_assert_eq!(r.units as usize, evals.len());
        prop_assert_eq!(r.met as usize, evals.iter().filter(|e| e.status == Status::Met).count());
        prop_assert_eq!((r.met + r.not_met + r.missing + r.needs_verification) as usize, evals.len());
        prop_assert_eq!(r.buckets.iter().map(|b| b.count).sum::<u32>() as usize, evals.len());
        prop_assert_eq!(r.buckets[0].count as usize, evals.iter().filter(|e| usize::from(e.criteria_met) == spec.len()).count());
        let t = ChildTally::from_evals(&evals);
        prop_assert_eq!(t.met, r.met);
        let mean = if evals.is_empty() { 0.0 } else { evals.iter().map(|e| f64::from(e.criteria_met)).sum::<f64>() / evals.len() as f64 };
        prop_assert!((r.avg_criteria_met - mean).abs() < 1e-9);
        for b in &r.blocking {
            let n = evals.iter().filter(|e| matches!(e.indicators[b.indicator], Outcome::NotMet { .. })).count();
            prop_assert_eq!(b.not_met as usize, n);
        }
        // Ranking: never lists a unit that meets the set, and is sorted.
        // Tentative figures: never below the confirmed ones; the roll-up sums the units.
        for e in &evals {
            prop_assert!(e.criteria_no_known_shortfall >= e.criteria_met_tentative);
            prop_assert!(e.criteria_met_tentative >= e.criteria_met);
            prop_assert!(!e.no_known_shortfall || !matches!(e.status, Status::NotMet | Status::Missing));
            prop_assert!(e.status != Status::Met || e.no_known_shortfall);
        }
        prop_assert_eq!(r.no_known_shortfall as usize, evals.iter().filter(|e| e.no_known_shortfall).count());
        prop_assert!(r.no_known_shortfall >= r.met);
        prop_assert_eq!(r.buckets_no_known_shortfall.iter().map(|b| b.count).sum::<u32>() as usize, evals.len());
        let sum_nks: u32 = evals.iter().map(|e| u32::from(e.criteria_no_known_shortfall)).sum();
        prop_assert!((r.avg_criteria_no_known_shortfall * evals.len() as f64 - f64::from(sum_nks)).abs() < 1e-6);
        prop_assert!(r.avg_criteria_no_known_shortfall >= r.avg_criteria_met_tentative - 1e-9);
        // Merging two halves gives the roll-up of the whole.
        let (a, b) = evals.split_at(evals.len() / 2);
        let mut acc = RollupAcc::new(set);
        a.iter().for_each(|e| acc.add(e));
        let mut acc_b = RollupAcc::new(set);
        b.iter().for_each(|e| acc_b.add(e));
        acc.merge(&acc_b);
        prop_assert_eq!(acc.finish(), r.clone());
        // Merging finished roll-ups of three parts (the provinces of the country) gives the
        // roll-up of the whole: weighted averages, not an average of averages.
        let third = evals.len() / 3;
        let (p1, rest) = evals.split_at(third);
        let (p2, p3) = rest.split_at(rest.len() / 2);
        let parts = [rollup(set, p1), rollup(set, p2), rollup(set, p3)];
        prop_assert_eq!(Rollup::merge(&parts), r.clone());
        let close = closest_to_meeting(set, &evals, 5);
        prop_assert!(close.iter().all(|c| evals[c.unit].status != Status::Met));
        prop_assert!(close.windows(2).all(|w| (w[0].criteria_short, w[0].indicators_short) <= (w[1].criteria_short, w[1].indicators_short)));
    }
}
