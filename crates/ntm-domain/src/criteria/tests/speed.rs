//! Speed (timing printed, not asserted).

use super::*;

// ------------------------------------------------------------------ speed (timing printed, not asserted)

#[test]
fn ten_thousand_communes_with_rollups() {
    let cat = catalog();
    let set = cat.set_for_year("xa-ntm-2021-2025", 2023).expect("set");
    let n_units = 10_600usize;
    // Deterministic pseudo-random values (xorshift), built before timing.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut inputs = Vec::with_capacity(n_units);
    for u in 0..n_units {
        let mut o = Observations::new(set);
        for (i, ind) in set.indicators.iter().enumerate() {
            let x = next();
            if x < 0.03 {
                continue; // a few values missing
            }
            let v = match ind.value_kind() {
                ValueKind::Boolean => Value::Boolean(x < 0.9),
                ValueKind::Percent => Value::Percent(40.0 + 60.0 * x),
                ValueKind::Number => Value::Number(30.0 + 50.0 * x),
                ValueKind::Count => Value::Count((x * 10.0) as u64),
                ValueKind::Level => Value::Level((x * 4.0) as u32),
            };
            o.set_at(set, i, v).expect("value");
        }
        let ctx = commune(Some(Region::ALL[u % 7]));
        inputs.push((ctx, o, u / 15, u / 170));
    }
    // Twice: the first round also pays for fresh memory (page faults), the second reuses it.
    let mut report = Vec::new();
    let mut kept = None;
    for round in ["cold", "warm"] {
        drop(kept.take());
        let start = std::time::Instant::now();
        let evals: Vec<UnitEvaluation> = inputs
            .iter()
            .map(|(ctx, o, _, _)| evaluate_unit(set, ctx, o, 2023).expect("eval"))
            .collect();
        let t_eval = start.elapsed();
        // One pass over the communes into district accumulators, then merged upwards.
        let mut districts: Vec<RollupAcc> = Vec::new();
        for (e, (_, _, d, _)) in evals.iter().zip(&inputs) {
            if districts.len() <= *d {
                districts.resize_with(d + 1, || RollupAcc::new(set));
            }
            districts[*d].add(e);
        }
        let mut provinces: BTreeMap<usize, RollupAcc> = BTreeMap::new();
        for (d, acc) in districts.iter().enumerate() {
            provinces
                .entry(d * 15 / 170)
                .or_insert_with(|| RollupAcc::new(set))
                .merge(acc);
        }
        let mut nation = RollupAcc::new(set);
        provinces.values().for_each(|p| nation.merge(p));
        let by_district: Vec<Rollup> = districts.iter().map(RollupAcc::finish).collect();
        let by_province: Vec<Rollup> = provinces.values().map(RollupAcc::finish).collect();
        let country = nation.finish();
        let close = closest_to_meeting(set, &evals, 50);
        let t_all = start.elapsed();
        report.push(format!(
            "{round}: evaluation {t_eval:?}, with roll-ups ({} districts, {} provinces, country) and the 50 closest {t_all:?}",
            by_district.len(),
            by_province.len()
        ));
        assert_eq!(close.len(), 50);
        assert_eq!(
            by_district.iter().map(|r| r.units).sum::<u32>() as usize,
            n_units
        );
        assert_eq!(
            by_province.iter().map(|r| r.units).sum::<u32>() as usize,
            n_units
        );
        kept = Some((evals, country));
    }
    eprintln!(
        "{} communes × {} indicators ({} build): {}",
        n_units,
        set.indicators.len(),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        report.join("; ")
    );
    let (evals, country) = kept.expect("ran");
    assert_eq!(country, rollup(set, &evals));
}
