//! Live analytics at national scale (issue 18): the national dashboard's data right after a
//! write, a threshold change for the whole country recomputed in the background, and
//! dashboard reads from concurrent clients while values are written, on the synthetic
//! national dataset (`db-national`). Every figure is printed next to its baseline of the same
//! run; nothing here asserts a time.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ntm_app::criteria_sets::edit::{Edit, edit_version};
use ntm_app::criteria_sets::publish::publish_version;
use ntm_app::criteria_sets::versions::{NewVersion, Source, create_version};
use ntm_app::dashboard::{NationalDashboard, NationalQuery, national_dashboard};
use ntm_app::{Actor, App};
use ntm_domain::criteria::authoring::{BasisInput, IndicatorInput, ThresholdInput};

use crate::timing::{ms, percentile};
use crate::{Dataset, Res, SET_ID};

/// The national dashboard's data for the set and year (what `/dashboard` shows).
pub async fn national(app: &App, cli: &Actor, year: i32) -> Res<NationalDashboard> {
    Ok(national_dashboard(
        app,
        cli,
        NationalQuery {
            set: Some(SET_ID),
            year: Some(year),
            from_form: false,
        },
    )
    .await?)
}

/// p50 / p95 / p99 / max of sorted times, in ms.
pub fn spread(times: &mut [Duration]) -> String {
    times.sort();
    format!(
        "p50 {} ms, p95 {} ms, p99 {} ms, max {} ms (n = {})",
        ms(percentile(times, 0.50)),
        ms(percentile(times, 0.95)),
        ms(percentile(times, 0.99)),
        ms(times.last().copied().unwrap_or_default()),
        times.len()
    )
}

/// The national dashboard's data: cold, warm and right after each of `writes` writes of one
/// value of a commune (the write untimed). `full` is the baseline of the run: the 63
/// provinces evaluated in full, what every read after a write cost before issue 18.
pub async fn after_write(
    app: &App,
    cli: &Actor,
    ds: &Dataset,
    year: i32,
    writes: usize,
    full: Duration,
) -> Res<()> {
    let t = Instant::now();
    let first = national(app, cli, year).await?;
    println!(
        "national dashboard {year}: first read (every province built) {} ms; {} communes, {} meet tentatively",
        ms(t.elapsed()),
        first.tally.units,
        first.tally.met_tentative
    );
    let mut warm = Vec::new();
    for _ in 0..writes {
        let t = Instant::now();
        national(app, cli, year).await?;
        warm.push(t.elapsed());
    }
    let before = app.kept_stats();
    let mut after = Vec::new();
    for i in 0..writes {
        let c = &ds.communes[(i * 7919 + 13) % ds.communes.len()];
        crate::writes::rewrite_one(app, cli, &c.code, SET_ID, year).await?;
        let t = Instant::now();
        national(app, cli, year).await?;
        after.push(t.elapsed());
    }
    let s = app.kept_stats();
    println!("national dashboard {year}, warm: {}", spread(&mut warm));
    println!(
        "national dashboard {year}, right after a write: {}; {} units read again for {writes} writes, {} feed reads",
        spread(&mut after),
        s.units_evaluated - before.units_evaluated,
        s.feed_reads - before.feed_reads,
    );
    println!(
        "  baseline: full evaluation of the 63 provinces {} ms: {:.0}x the p95 after a write",
        ms(full),
        full.as_secs_f64() / percentile(&after, 0.95).as_secs_f64().max(1e-9)
    );
    Ok(())
}

/// A threshold change for the whole country: a national version of the set in force for
/// `year` published with indicator 3.1's threshold raised from ≥ 80 % to ≥ `raised` % (labelled
/// as a benchmark, not a legal value). Times how long until the national dashboard no longer
/// says "đang cập nhật", reading it all along (reads are not blocked: their times are
/// printed), and checks the figures against a full evaluation of every province.
pub async fn threshold_change(
    app: &App,
    cli: &Actor,
    ds: &Dataset,
    year: i32,
    raised: u32,
    full: Duration,
) -> Res<()> {
    let before = national(app, cli, year).await?;
    let shipped = app.catalog.set_for_year(SET_ID, year)?;
    let v = create_version(
        app,
        cli,
        ntm_app::criteria_sets::NATIONAL,
        Source::Shipped {
            set_id: SET_ID.into(),
            version: shipped.version.clone(),
        },
        &NewVersion {
            set_id: String::new(),
            label: format!("đo hiệu năng {raised}"),
            title_vi: String::new(),
            // In force for `year` only (the shipped versions keep the other years).
            valid_from: format!("01/01/{year}"),
            valid_to: format!("31/12/{year}"),
        },
    )
    .await?;
    let i = shipped
        .indicators
        .iter()
        .find(|i| i.code == "3.1")
        .ok_or("the set has no indicator 3.1")?;
    let v = edit_version(
        app,
        cli,
        v.id,
        v.revision,
        Edit::Indicator(IndicatorInput {
            original_code: Some(i.code.clone()),
            criterion: i.code.split('.').next().unwrap_or("3").into(),
            code: i.code.clone(),
            name_vi: i.name_vi.clone().unwrap_or_default(),
            name_en: String::new(),
            kind: "percent".into(),
            unit: "%".into(),
            thresholds: vec![ThresholdInput {
                key: "general".into(),
                op: ">=".into(),
                value: raised.to_string(),
                text: String::new(),
                confirmed: false,
                basis: BasisInput::default(),
            }],
            computed_from: String::new(),
        }),
    )
    .await?;
    let stats = app.kept_stats();
    publish_version(app, cli, v.id, v.revision).await?;
    let t0 = Instant::now();
    let mut reads = Vec::new();
    let mut progress = Vec::new();
    let done = loop {
        let t = Instant::now();
        let d = national(app, cli, year).await?;
        reads.push(t.elapsed());
        if let Some(p) = d.updating_provinces
            && progress.last() != Some(&p)
        {
            progress.push(p);
        }
        if d.updating_since.is_none() && reads.len() > 1 {
            break (t0.elapsed(), d);
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    let s = app.kept_stats();
    // The same figures as a full evaluation of every province with the new version.
    let mut full_figures = (0, 0, 0);
    for p in &ds.provinces {
        let e = ntm_app::criteria::evaluate(app, cli, p, SET_ID, year).await?;
        let r = e.rollup.ok_or("no roll-up")?;
        full_figures.0 += r.units;
        full_figures.1 += r.not_met;
        full_figures.2 += r.no_known_shortfall;
    }
    let figures =
        |d: &NationalDashboard| (d.tally.units, d.tally.not_met, d.tally.no_known_shortfall);
    println!(
        "threshold change for the whole country (3.1 ≥ 80 % → ≥ {raised} %, a national version published): \
         recomputed in {} ms ({:.1}x faster than the full evaluation of {} ms); {} reads meanwhile, none blocked: {}",
        ms(done.0),
        full.as_secs_f64() / done.0.as_secs_f64().max(1e-9),
        ms(full),
        reads.len(),
        spread(&mut reads)
    );
    println!(
        "  progress seen (provinces up to date / all): {:?}; rebuilds {}, units whose values were read {}; \
         (communes, not met, no known shortfall) {:?} → {:?}; a full evaluation of every province: {:?}: {}",
        progress,
        s.rebuilds - stats.rebuilds,
        s.units_evaluated - stats.units_evaluated,
        figures(&before),
        figures(&done.1),
        full_figures,
        if figures(&done.1) == full_figures {
            "equal"
        } else {
            "DIFFERENT"
        }
    );
    Ok(())
}

/// Which dashboards the clients of [`concurrent`] read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mix {
    /// Half the clients the national dashboard's data, half a random province's page.
    Both,
    National,
    Province,
}

impl Mix {
    /// `both`, `national` or `province`.
    pub fn parse(s: &str) -> Res<Mix> {
        Ok(match s {
            "both" => Mix::Both,
            "national" => Mix::National,
            "province" => Mix::Province,
            other => return Err(format!("unknown mix {other}: both, national or province").into()),
        })
    }

    fn national(self, client: usize) -> bool {
        match self {
            Mix::Both => client.is_multiple_of(2),
            Mix::National => true,
            Mix::Province => false,
        }
    }
}

/// The load of [`concurrent`].
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub clients: usize,
    /// Values written per second.
    pub rate: u32,
    pub secs: u64,
    /// Between a client's answer and its next read (zero: a closed loop).
    pub think: Duration,
    pub mix: Mix,
}

/// The machine's CPU time so far (all cores): (busy, total) in clock ticks (Linux; zeros
/// elsewhere).
fn cpu_ticks() -> (u64, u64) {
    let Ok(stat) = std::fs::read_to_string("/proc/stat") else {
        return (0, 0);
    };
    let Some(line) = stat.lines().find(|l| l.starts_with("cpu ")) else {
        return (0, 0);
    };
    let f: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    let total: u64 = f.iter().take(8).sum();
    // idle and iowait are not busy.
    let idle = f.get(3).copied().unwrap_or(0) + f.get(4).copied().unwrap_or(0);
    (total - idle, total)
}

/// Dashboard reads from `load.clients` concurrent clients (by `load.mix`: the national
/// dashboard's data, the data of a random province's dashboard page,
/// `ntm_app::dashboard::page`, or half each), each reading again `load.think` after it has
/// its answer (zero: at once, a closed loop that keeps the 2 cores busy; otherwise each
/// client starts at a random point and waits between ½ and 1½ × `load.think`, so that clients
/// do not read in lockstep), for `load.secs`
/// seconds, while `load.rate` values per second are written to random communes (open loop:
/// the i-th write is due at start + i / rate, spread over 4 writers). Prints the machine's
/// CPU use meanwhile, and with `NTM_LIVE_PROFILE` the queries and spans of the run.
pub async fn concurrent(app: &App, cli: &Actor, ds: &Dataset, year: i32, load: Load) -> Res<()> {
    let Load {
        clients,
        rate,
        secs,
        think,
        mix,
    } = load;
    // Every page the clients will read, once (the first view of each builds its scopes).
    let t = Instant::now();
    for p in &ds.provinces {
        ntm_app::dashboard::page(app, cli, p, Some(SET_ID), Some(year), false).await?;
    }
    national(app, cli, year).await?;
    println!(
        "the 63 province pages and the national dashboard viewed once: {} ms; {} units read so far",
        ms(t.elapsed()),
        app.kept_stats().units_evaluated
    );
    let stop = Arc::new(AtomicBool::new(false));
    let ds = Arc::new((
        ds.provinces.clone(),
        ds.communes
            .iter()
            .map(|c| c.code.clone())
            .collect::<Vec<_>>(),
    ));
    let before = app.kept_stats();
    crate::profile::reset();
    let cpu = cpu_ticks();
    let started = Instant::now();
    let due = Arc::new(AtomicU64::new(0));
    let mut writers = Vec::new();
    for _ in 0..4 {
        let (app, cli, stop, ds, due) = (
            app.clone(),
            cli.clone(),
            stop.clone(),
            ds.clone(),
            due.clone(),
        );
        writers.push(tokio::spawn(async move {
            let mut late = Vec::new();
            while !stop.load(Ordering::Relaxed) && rate > 0 {
                let i = due.fetch_add(1, Ordering::Relaxed);
                let at = started + Duration::from_secs_f64(i as f64 / f64::from(rate));
                tokio::time::sleep_until(at.into()).await;
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let c = &ds.1[(i as usize * 7919 + 101) % ds.1.len()];
                crate::writes::rewrite_one(&app, &cli, c, SET_ID, year)
                    .await
                    .map_err(|e| e.to_string())?;
                late.push(at.elapsed());
            }
            Ok::<_, String>(late)
        }));
    }
    let mut readers = Vec::new();
    for k in 0..clients {
        let (app, cli, stop, ds) = (app.clone(), cli.clone(), stop.clone(), ds.clone());
        readers.push(tokio::spawn(async move {
            let mut times = Vec::new();
            let mut n = k;
            // Clients do not read in step: each starts at a random point of a first think
            // time and then waits between half and one and a half of it (mean `think`).
            let mut rng = crate::Rng::seeded(k as u64 + 1);
            if !think.is_zero() {
                tokio::time::sleep(think.mul_f64(rng.unit())).await;
            }
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                if mix.national(k) {
                    national(&app, &cli, year)
                        .await
                        .map_err(|e| e.to_string())?;
                } else {
                    n = n * 31 + 17;
                    let p = &ds.0[n % ds.0.len()];
                    ntm_app::dashboard::page(&app, &cli, p, Some(SET_ID), Some(year), false)
                        .await
                        .map_err(|e| e.to_string())?;
                }
                times.push(t.elapsed());
                if !think.is_zero() {
                    tokio::time::sleep(think.mul_f64(0.5 + rng.unit())).await;
                }
            }
            Ok::<_, String>((mix.national(k), times))
        }));
    }
    tokio::time::sleep(Duration::from_secs(secs)).await;
    stop.store(true, Ordering::Relaxed);
    let elapsed = started.elapsed();
    let cpu_end = cpu_ticks();
    let mut writes = Vec::new();
    for w in writers {
        writes.extend(w.await??);
    }
    let (mut nat, mut prov) = (Vec::new(), Vec::new());
    for r in readers {
        let (is_national, times) = r.await??;
        if is_national {
            nat.extend(times)
        } else {
            prov.extend(times)
        }
    }
    let s = app.kept_stats();
    println!(
        "{clients} clients reading for {secs} s ({} ms between a client's reads) while {rate} values/s are written: {} writes done ({:.0}/s; \
         write latency from its due time {}); {} units read again, {} scopes built, {} feed reads",
        think.as_millis(),
        writes.len(),
        writes.len() as f64 / elapsed.as_secs_f64(),
        spread(&mut writes),
        s.units_evaluated - before.units_evaluated,
        s.scopes_built - before.scopes_built,
        s.feed_reads - before.feed_reads,
    );
    println!(
        "  CPU busy meanwhile (the machine, all cores): {:.0} %",
        (cpu_end.0 - cpu.0) as f64 * 100.0 / (cpu_end.1 - cpu.1).max(1) as f64
    );
    println!(
        "  national dashboard data ({} clients): {} ({:.0} reads/s)",
        (0..clients).filter(|&k| mix.national(k)).count(),
        spread(&mut nat),
        nat.len() as f64 / elapsed.as_secs_f64()
    );
    println!(
        "  province dashboard page data, random province ({} clients): {} ({:.0} reads/s)",
        (0..clients).filter(|&k| !mix.national(k)).count(),
        spread(&mut prov),
        prov.len() as f64 / elapsed.as_secs_f64()
    );
    if std::env::var_os("NTM_LIVE_PROFILE").is_some() {
        print!("{}", crate::profile::report(nat.len() + prov.len(), 25));
    }
    Ok(())
}

/// The resident set size of the process, in MB (Linux; 0 elsewhere).
pub fn rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096 / 1_000_000)
}
