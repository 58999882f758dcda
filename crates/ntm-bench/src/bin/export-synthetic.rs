//! `cargo run -p ntm-bench --release --bin export-synthetic -- DIR [YEAR]`
//!
//! Writes the synthetic dataset as CSV for `scripts/duckdb-compare.py`: `units.csv`,
//! `observations.csv` (unit_code, district, province, indicator, year, value; booleans 1/0),
//! `thresholds.csv` (per region, as the engine applies them) and `rust-results.csv` (the
//! engine's roll-ups of YEAR, default 2023, to compare with). Prints the totals and the time
//! of the evaluation (best of 20 runs, one thread).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use ntm_bench::{Dataset, Rollup, SET_ID, YEARS, catalog, evaluate_all, rollups, set_for};
use ntm_domain::Region;
use ntm_domain::criteria::{Op, Pass, ThresholdValue};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() {
    if let Err(e) = run() {
        eprintln!("export-synthetic: {e}");
        std::process::exit(1);
    }
}

fn region_code(r: Option<Region>) -> &'static str {
    r.map_or("NONE", Region::code)
}

fn best<T>(n: usize, mut f: impl FnMut() -> T) -> Duration {
    let mut best = Duration::MAX;
    std::hint::black_box(f());
    for _ in 0..n {
        let t = Instant::now();
        std::hint::black_box(f());
        best = best.min(t.elapsed());
    }
    best
}

fn run() -> Res<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: export-synthetic DIR [YEAR]")?);
    let year: i32 = args.next().map_or(Ok(2023), |y| y.parse())?;
    std::fs::create_dir_all(&dir)?;
    let cat = catalog()?;
    let t = Instant::now();
    let ds = Dataset::generate(&cat)?;
    eprintln!(
        "generated {} communes, {} districts, {} provinces, years {}–{} in {:.1?}",
        ds.communes.len(),
        ds.districts.len(),
        ds.provinces.len(),
        YEARS.start(),
        YEARS.end(),
        t.elapsed()
    );

    let mut w = BufWriter::new(File::create(dir.join("units.csv"))?);
    writeln!(w, "unit_code,district,province,region")?;
    for c in &ds.communes {
        writeln!(
            w,
            "{},{},{},{}",
            c.code,
            ds.districts[c.district].0,
            ds.provinces[c.province],
            region_code(c.region)
        )?;
    }
    w.flush()?;

    let mut w = BufWriter::new(File::create(dir.join("observations.csv"))?);
    writeln!(w, "unit_code,district,province,indicator,year,value")?;
    let mut rows = 0usize;
    for (yi, y) in YEARS.enumerate() {
        let set = set_for(&cat, y)?;
        for (c, vals) in ds.communes.iter().zip(&ds.values[yi]) {
            for (i, v) in vals.iter().enumerate() {
                if let Some(v) = v {
                    writeln!(
                        w,
                        "{},{},{},{},{},{}",
                        c.code,
                        ds.districts[c.district].0,
                        ds.provinces[c.province],
                        set.indicators[i].code,
                        y,
                        v.as_f64()
                    )?;
                    rows += 1;
                }
            }
        }
    }
    w.flush()?;

    let set = set_for(&cat, year)?;
    let mut w = BufWriter::new(File::create(dir.join("thresholds.csv"))?);
    writeln!(w, "region,indicator,position,criterion,pass,op,value")?;
    let mut regions: Vec<Option<Region>> = ds.communes.iter().map(|c| c.region).collect();
    regions.sort_by_key(|r| region_code(*r));
    regions.dedup();
    for r in &regions {
        for (ci, c) in set.criteria.iter().enumerate() {
            for i in c.first..c.first + c.len {
                let (t, _) = set.threshold_for(i, *r, None);
                let (op, v) = match t.map(|t| (t.op, &t.value)) {
                    None => (String::new(), String::new()),
                    Some((op, ThresholdValue::Bool(b))) => {
                        (op_str(op).into(), u8::from(*b).to_string())
                    }
                    Some((op, ThresholdValue::Num(x))) => (op_str(op).into(), x.to_string()),
                    Some((_, ThresholdValue::List(_))) => {
                        return Err("list thresholds are not exported".into());
                    }
                };
                let pass = if c.pass == Pass::All { "all" } else { "any" };
                writeln!(
                    w,
                    "{},{},{i},{},{pass},{op},{v}",
                    region_code(*r),
                    set.indicators[i].code,
                    ci + 1
                )?;
            }
        }
    }
    w.flush()?;
    if set.n_preconditions > 0 {
        return Err("preconditions are not exported".into());
    }

    let ctxs = ds.contexts();
    let obs = ds.observations(set, year)?;
    let evals = evaluate_all(set, &ctxs, &obs, year);
    let r = rollups(&ds, set, &evals);

    let mut w = BufWriter::new(File::create(dir.join("rust-results.csv"))?);
    writeln!(
        w,
        "level,code,units,missing,meeting,b19,b15_18,b10_14,b5_9,b0_4,sum_criteria_met"
    )?;
    let line = |w: &mut BufWriter<File>, level: &str, code: &str, (r, m): &(Rollup, u32)| {
        let b: Vec<String> = r
            .buckets_tentative
            .iter()
            .map(|b| b.count.to_string())
            .collect();
        let sum = (r.avg_criteria_met_tentative * f64::from(r.units)).round();
        writeln!(
            w,
            "{level},{code},{},{},{m},{},{sum}",
            r.units,
            r.missing,
            b.join(",")
        )
    };
    // Districts without communes (island districts) have no row in SQL either.
    for ((code, _), x) in ds.districts.iter().zip(&r.districts) {
        if x.0.units > 0 {
            line(&mut w, "district", code, x)?;
        }
    }
    for (code, x) in ds.provinces.iter().zip(&r.provinces) {
        line(&mut w, "province", code, x)?;
    }
    line(&mut w, "country", "VN", &r.country)?;
    w.flush()?;

    let (c, m) = &r.country;
    println!(
        "{SET_ID} version {} year {year}: {} communes, {} observation rows written (5 years)",
        set.version, c.units, rows
    );
    println!(
        "country: meeting (no indicator short, none missing) {m}; with a missing value {}; \
         criteria met (tentative) buckets {:?}; sum criteria met {}",
        c.missing,
        c.buckets_tentative
            .iter()
            .map(|b| (format!("{}-{}", b.min, b.max), b.count))
            .collect::<Vec<_>>(),
        (c.avg_criteria_met_tentative * f64::from(c.units)).round()
    );
    println!(
        "closest to meeting: {} communes, first {}",
        r.closest.len(),
        r.closest
            .first()
            .map_or("-".into(), |x| ds.communes[x.unit].code.clone())
    );
    let t_eval = best(20, || evaluate_all(set, &ctxs, &obs, year));
    let t_all = best(20, || {
        let e = evaluate_all(set, &ctxs, &obs, year);
        rollups(&ds, set, &e).country.1
    });
    println!(
        "rust (best of 20, 1 thread): evaluate {:.2} ms; evaluate + roll-ups + closest 50 {:.2} ms",
        t_eval.as_secs_f64() * 1e3,
        t_all.as_secs_f64() * 1e3
    );
    Ok(())
}

fn op_str(op: Op) -> &'static str {
    match op {
        Op::Ge => ">=",
        Op::Le => "<=",
        Op::Eq => "==",
        Op::In => "in",
    }
}
