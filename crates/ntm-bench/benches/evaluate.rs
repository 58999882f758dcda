//! `cargo bench -p ntm-bench`: the engine on the synthetic national dataset (10,598 communes,
//! the real xã NTM 2021–2025 set, year 2023). See docs/perf.md.

use criterion::{Criterion, criterion_group, criterion_main};
use ntm_bench::{Dataset, catalog, evaluate_all, rollups, set_for};

const YEAR: i32 = 2023;

fn bench(c: &mut Criterion) {
    let cat = catalog().expect("criteria load");
    let ds = Dataset::generate(&cat).expect("dataset");
    let set = set_for(&cat, YEAR).expect("set");
    let ctxs = ds.contexts();
    let obs = ds.observations(set, YEAR).expect("observations");
    let mut g = c.benchmark_group("national-2023");
    g.sample_size(50);
    g.bench_function("evaluate 10598 communes", |b| {
        b.iter(|| evaluate_all(set, &ctxs, &obs, YEAR))
    });
    g.bench_function(
        "evaluate + roll-ups (district, province, country) + closest 50",
        |b| {
            b.iter(|| {
                let e = evaluate_all(set, &ctxs, &obs, YEAR);
                rollups(&ds, set, &e).country.1
            })
        },
    );
    let evals = evaluate_all(set, &ctxs, &obs, YEAR);
    g.bench_function("roll-ups + closest 50 only", |b| {
        b.iter(|| rollups(&ds, set, &evals).country.1)
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
