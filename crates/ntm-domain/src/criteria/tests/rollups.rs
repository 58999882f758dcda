//! Roll-ups and ranking.

use super::*;

// ------------------------------------------------------------------ roll-ups and ranking

#[test]
fn bucket_edges_follow_the_number_of_criteria() {
    assert_eq!(
        bucket_edges(19),
        vec![(19, 19), (15, 18), (10, 14), (5, 9), (0, 4)]
    );
    assert_eq!(
        bucket_edges(10),
        vec![(10, 10), (8, 9), (5, 7), (3, 4), (0, 2)]
    );
    assert_eq!(
        bucket_edges(9),
        vec![(9, 9), (7, 8), (5, 6), (2, 4), (0, 1)]
    );
    assert_eq!(bucket_edges(0), vec![(0, 0)]);
    assert_eq!(bucket_edges(1), vec![(1, 1), (0, 0)]);
    for n in 0..60usize {
        let b = bucket_edges(n);
        assert_eq!(b[0], (n as u16, n as u16));
        assert_eq!(b.last().map(|x| x.0), Some(0));
        for w in b.windows(2) {
            assert_eq!(w[1].1 + 1, w[0].0, "contiguous for n = {n}: {b:?}");
        }
    }
}

#[test]
fn rollups_buckets_blocking_and_closest() {
    let cat = mini();
    let set = cat.set_for_year("mini", 2023).expect("mini");
    let unit = |a: f64, c: f64, d: u64| {
        let o = obs(
            set,
            &[
                ("1.1", Value::Percent(a)),
                ("1.2", Value::Boolean(true)),
                ("2.1", Value::Percent(c)),
                ("2.2", Value::Count(d)),
                ("3.2", Value::Boolean(true)),
            ],
        );
        evaluate_unit(set, &commune(Some(Region::DBSH)), &o, 2023).expect("eval")
    };
    let evals = vec![
        unit(90.0, 10.0, 5),
        unit(79.0, 10.0, 5),
        unit(50.0, 30.0, 1),
        unit(80.0, 25.0, 3),
        unit(78.0, 21.0, 3),
    ];
    let r = rollup(set, &evals);
    assert_eq!((r.units, r.met, r.not_met), (5, 1, 4));
    assert_eq!(
        r.buckets,
        vec![
            Bucket {
                min: 3,
                max: 3,
                count: 1
            },
            Bucket {
                min: 2,
                max: 2,
                count: 2
            },
            Bucket {
                min: 1,
                max: 1,
                count: 2
            },
            Bucket {
                min: 0,
                max: 0,
                count: 0
            },
        ]
    );
    assert!((r.avg_criteria_met - (3 + 2 + 1 + 2 + 1) as f64 / 5.0).abs() < 1e-9);
    let top = r.blocking[0];
    assert_eq!(set.indicator(top.indicator).code, "1.1");
    assert_eq!(top.not_met, 3);
    assert_eq!(set.indicator(r.blocking[1].indicator).code, "2.1");

    let close = closest_to_meeting(set, &evals, 3);
    let order: Vec<usize> = close.iter().map(|c| c.unit).collect();
    assert_eq!(
        order,
        vec![1, 3, 4],
        "one short by 1 point, one short by 5 points, then two criteria short"
    );
    assert!(
        close.iter().all(|c| c.unit != 0),
        "units already meeting are left out"
    );

    // Groups in one pass: district and province keys.
    let keyed = evals
        .iter()
        .enumerate()
        .flat_map(|(k, e)| [(if k < 2 { "h1" } else { "h2" }, e), ("tinh", e)]);
    let by = rollup_by(set, keyed);
    assert_eq!(by["h1"].units + by["h2"].units, by["tinh"].units);
    assert_eq!(by["tinh"], r);
    let mut a = RollupAcc::new(set);
    evals[..2].iter().for_each(|e| a.add(e));
    let mut b = RollupAcc::new(set);
    evals[2..].iter().for_each(|e| b.add(e));
    a.merge(&b);
    assert_eq!(a.finish(), r);

    // Finished roll-ups of unequal groups (a province of one commune, one of four) merge
    // into the roll-up of all five: 9 criteria over 5 communes = 1,8, not the average of the
    // groups' averages ((3 + 6/4) / 2 = 2,25).
    let parts = [rollup(set, &evals[..1]), rollup(set, &evals[1..])];
    assert!((parts[0].avg_criteria_met - 3.0).abs() < 1e-9);
    assert!((parts[1].avg_criteria_met - 1.5).abs() < 1e-9);
    let merged = Rollup::merge(&parts);
    assert_eq!(merged, r);
    assert!((merged.avg_criteria_met - 1.8).abs() < 1e-9);
    assert_eq!(Rollup::merge(std::slice::from_ref(&r)), r);
}
