//! `cargo run -p ntm-bench --release --bin db-national -- sqlite|postgres [YEAR]`
//!
//! The synthetic national dataset (see the crate documentation and `docs/perf.md`) through
//! the real storage layer (issue 3, item 5): imports the official unit list of 7 May 2023,
//! bulk-loads every value of the 5 years (2,911,600 rows), then evaluates YEAR (default
//! 2023) with all roll-ups reading the values from the database, two ways:
//!
//! 1. **national**: the current values of every commune for the year (the narrow read
//!    `Db::current_values_of_units`, one query per province), parsed and evaluated, then roll-ups per district, province and the country
//!    and the 50 communes closest to meeting the set — the in-memory benchmark plus the read;
//! 2. **per province through the app**: `ntm_app::criteria::evaluate` on each of the 63
//!    provinces, as the province dashboard does (unit lookup, permission check, query,
//!    evaluation, roll-up of the province's communes).
//!
//! 3. **live** (issue 18, `ntm_bench::live`): the national dashboard's data cold, warm and
//!    right after each of 20 writes of one value; 16 concurrent clients reading the national
//!    and province dashboards while 200 values/s are written (`NTM_LIVE_SECS`, default 20);
//!    a threshold change for the whole country (a national version published) recomputed in
//!    the background, with the reads meanwhile.
//!
//! `NTM_LIVE_PHASES` (default `after,concurrent,threshold`) chooses the live phases;
//! `NTM_LIVE_THINKS` (ms between a client's reads, default `0,250`: one run each),
//! `NTM_LIVE_RATES` (values written per second, default `200`: one run each, times each think), `NTM_LIVE_CLIENTS` (16) and
//! `NTM_LIVE_MIX` (`both`, `national`, `province`) the concurrent runs; `NTM_LIVE_PROFILE=1`
//! prints where their time went (queries and use-case spans, `ntm_bench::profile`).
//!
//! PostgreSQL: a throwaway cluster from `/usr/lib/postgresql/*/bin` (as the tests use), or
//! `TEST_DATABASE_URL`. Prints each phase's time; best of 5 for the evaluations.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use ntm_app::units::{SnapshotInput, import_snapshot};
use ntm_app::{Actor, App, AppConfig};
use ntm_bench::{Dataset, SET_ID, UNITS_CSV, YEARS, catalog, evaluate_all, rollups, set_for};
use ntm_domain::audit::NewAuditEntry;
use ntm_domain::criteria::{Observations, UnitCtx, Value};
use ntm_domain::observation::{ObsSource, ObsStatus};
use ntm_domain::text::format_number_vi;
use ntm_domain::units::Level;
use ntm_store::ObservationRecord;
use time::OffsetDateTime;
use uuid::Uuid;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() {
    if let Err(e) = run() {
        eprintln!("db-national: {e}");
        std::process::exit(1);
    }
}

fn run() -> Res<()> {
    let mut args = std::env::args().skip(1);
    let backend = args.next().unwrap_or_else(|| "sqlite".into());
    let year: i32 = args.next().map_or(Ok(2023), |y| y.parse())?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(measure(&backend, year))
}

/// The text an official would type (as the demo writes it).
fn text_of(v: Value) -> String {
    match v {
        Value::Boolean(true) => "Có".into(),
        Value::Boolean(false) => "Không".into(),
        Value::Percent(x) => format!("{} %", format_number_vi(x, 1)),
        Value::Number(x) => format_number_vi(x, 2),
        Value::Count(n) => n.to_string(),
        Value::Level(n) => n.to_string(),
    }
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

async fn measure(backend: &str, year: i32) -> Res<()> {
    ntm_bench::profile::install_if_asked();
    let cat = catalog()?;
    let ds = Dataset::generate(&cat)?;
    let (db, _guard) = match backend {
        "sqlite" => {
            let t = ntm_testkit::TestDb::sqlite().await;
            (t.db.clone(), t)
        }
        "postgres" => {
            let t = ntm_testkit::TestDb::postgres()
                .await
                .ok_or("PostgreSQL is not available (no /usr/lib/postgresql/*/bin)")?;
            (t.db.clone(), t)
        }
        other => return Err(format!("unknown backend {other}; use sqlite or postgres").into()),
    };
    let app = App::new(db.clone(), AppConfig::default());
    let cli = Actor::cli();
    println!("backend: {backend}");

    let t = Instant::now();
    let date = time::macros::date!(2023 - 05 - 07);
    let input = SnapshotInput {
        source: "units-2023.csv".into(),
        units_csv: UNITS_CSV.as_bytes(),
        date,
        mapping_csv: None,
    };
    import_snapshot(&app, &cli, input, &mut |_| {}).await?;
    println!("import units: {}", secs(t.elapsed()));

    let communes = db.units_on(date, Some(Level::Commune)).await?;
    let by_code: HashMap<&str, (Uuid, &str)> = communes
        .iter()
        .map(|u| (u.code.as_str(), (u.id, u.province_code.as_str())))
        .collect();
    let at = OffsetDateTime::now_utc();
    let mut total_rows = 0u64;
    let mut build = Duration::ZERO;
    let t_load = Instant::now();
    for (yi, y) in YEARS.enumerate() {
        let tb = Instant::now();
        let set = set_for(&cat, y)?;
        let mut rows = Vec::with_capacity(ds.communes.len() * set.indicators.len());
        for (c, vals) in ds.communes.iter().zip(&ds.values[yi]) {
            let (unit_id, province) = by_code
                .get(c.code.as_str())
                .copied()
                .ok_or_else(|| format!("commune {} not imported", c.code))?;
            for (i, v) in vals.iter().enumerate() {
                let Some(v) = v else { continue };
                rows.push(ObservationRecord {
                    id: Uuid::now_v7(),
                    province_code: province.to_string(),
                    unit_id,
                    unit_code: c.code.clone(),
                    set_id: SET_ID.to_string(),
                    indicator_code: set.indicators[i].code.clone(),
                    year: y,
                    value_text: text_of(*v),
                    status: ObsStatus::Verified,
                    note: "dữ liệu tổng hợp (benchmark)".into(),
                    source: ObsSource::Import,
                    version: 1,
                    created_by: "cli".into(),
                    created_at: at,
                    comment: None,
                });
            }
        }
        build += tb.elapsed();
        let entry = NewAuditEntry {
            at,
            actor: "cli".into(),
            action: "observations.bulk".into(),
            target: "synthetic".into(),
            detail: format!("{{\"year\":{y},\"rows\":{}}}", rows.len()),
            origin: "bench".into(),
        };
        total_rows += db.bulk_insert_first_observations(&rows, entry).await?;
    }
    let load = t_load.elapsed();
    println!(
        "bulk load: {total_rows} values of {} communes, {}–{}: {} ({} of it building the rows in memory; {:.0} values/s)",
        ds.communes.len(),
        YEARS.start(),
        YEARS.end(),
        secs(load),
        secs(build),
        total_rows as f64 / (load - build).as_secs_f64()
    );

    // 1. National: read, parse, evaluate, roll up.
    let set = set_for(&cat, year)?;
    let ctxs: Vec<UnitCtx> = ds.contexts();
    // Commune index in the dataset by unit id, and the ids of each province's communes.
    let mut index: HashMap<Uuid, usize> = HashMap::new();
    let mut by_province: std::collections::BTreeMap<&str, Vec<Uuid>> = Default::default();
    for (i, c) in ds.communes.iter().enumerate() {
        let (id, province) = by_code
            .get(c.code.as_str())
            .copied()
            .ok_or_else(|| format!("commune {} not imported", c.code))?;
        index.insert(id, i);
        by_province.entry(province).or_default().push(id);
    }
    let mut best = [Duration::MAX; 3];
    let mut meeting = 0;
    for _ in 0..5 {
        let t = Instant::now();
        let mut obs: Vec<Observations> = (0..ds.communes.len())
            .map(|_| Observations::new(set))
            .collect();
        for ids in by_province.values() {
            for v in db.current_values_of_units(ids, SET_ID, year).await? {
                if let Some(&i) = index.get(&v.unit_id) {
                    obs[i].set_text(set, &v.indicator_code, &v.value_text)?;
                }
            }
        }
        let read = t.elapsed();
        let evals = evaluate_all(set, &ctxs, &obs, year);
        let r = rollups(&ds, set, &evals);
        meeting = r.country.1;
        let all = t.elapsed();
        best[0] = best[0].min(read);
        best[1] = best[1].min(all - read);
        best[2] = best[2].min(all);
    }
    println!(
        "national {year}: read {} + evaluate and roll up {} = {} (best of 5); {meeting} communes meet (demo rule)",
        ms(best[0]),
        ms(best[1]),
        ms(best[2])
    );

    // 2. Through the app, province by province (what the dashboards call).
    let mut best = Duration::MAX;
    let mut units = 0;
    for _ in 0..5 {
        let t = Instant::now();
        units = 0;
        for p in &ds.provinces {
            let e = ntm_app::criteria::evaluate(&app, &cli, p, SET_ID, year).await?;
            units += e.rollup.map_or(0, |r| r.units);
        }
        best = best.min(t.elapsed());
    }
    println!(
        "app evaluate of the 63 provinces {year}: {} (best of 5; {units} communes)",
        ms(best)
    );

    // 3–5. Live analytics (issue 18, `ntm_bench::live`): the national dashboard's data
    // right after a write; dashboard reads from 16 clients while 200 values/s are written;
    // a threshold change for the whole country recomputed in the background. The baseline
    // of each: (2), what every read after any write cost before issue 18.
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    let secs: u64 = env("NTM_LIVE_SECS").map_or(Ok(20), |s| s.parse())?;
    let rates: Vec<u32> = env("NTM_LIVE_RATES")
        .unwrap_or_else(|| "200".into())
        .split(',')
        .map(|t| t.trim().parse())
        .collect::<Result<_, _>>()?;
    let clients: usize = env("NTM_LIVE_CLIENTS").map_or(Ok(16), |s| s.parse())?;
    let mix = ntm_bench::live::Mix::parse(&env("NTM_LIVE_MIX").unwrap_or_else(|| "both".into()))?;
    let thinks: Vec<u64> = env("NTM_LIVE_THINKS")
        .unwrap_or_else(|| "0,250".into())
        .split(',')
        .map(|t| t.trim().parse())
        .collect::<Result<_, _>>()?;
    let phases = env("NTM_LIVE_PHASES").unwrap_or_else(|| "after,concurrent,threshold".into());
    let phase = |p: &str| phases.split(',').any(|x| x.trim() == p);
    if phase("after") {
        ntm_bench::live::after_write(&app, &cli, &ds, year, 20, best).await?;
        println!("memory: {} MB resident", ntm_bench::live::rss_mb());
    }
    if phase("concurrent") {
        for (&rate, think) in rates
            .iter()
            .flat_map(|r| thinks.iter().map(move |t| (r, *t)))
        {
            let load = ntm_bench::live::Load {
                clients,
                rate,
                secs,
                think: Duration::from_millis(think),
                mix,
            };
            ntm_bench::live::concurrent(&app, &cli, &ds, year, load).await?;
        }
    }
    if !phase("threshold") {
        return Ok(());
    }
    println!("memory: {} MB resident", ntm_bench::live::rss_mb());
    ntm_bench::live::threshold_change(&app, &cli, &ds, year, 85, best).await?;
    println!(
        "memory: {} MB resident; values kept {} MB",
        ntm_bench::live::rss_mb(),
        app.kept_stats().values_bytes / 1_000_000
    );
    Ok(())
}
