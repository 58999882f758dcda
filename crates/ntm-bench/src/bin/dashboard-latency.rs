//! `cargo run -p ntm-bench --release --bin dashboard-latency -- [N] [URL]`
//!
//! Server-side render time of the province dashboard on the demo data (issue 4,
//! "Performance"): seeds the demo (official unit lists, demo accounts, the labelled Trà Vinh
//! sample values 2022–2024) into a temporary SQLite database, builds the real router
//! (`ntm_web::router`, every middleware included: session lookup, CSRF cookie, CSP…), logs in
//! as `tinh.travinh` (province officer of 84) and requests `URL` (default
//! `/units/84/dashboard?set=xa-ntm-2021-2025&year=2023`) `N` times (default 200) in process
//! through `tower::ServiceExt::oneshot`, after 10 warm-up requests, three times: **cold**
//! (every kept evaluation forgotten before each request: what any write did before issue 18,
//! when evaluations were kept per audit head), **after a write** (one value of a random
//! commune of 84 changed through the use case before each request, untimed: the kept
//! evaluations re-read that commune only) and **warm** (data unchanged). Prints p50, p95, p99,
//! max and the mean of the whole request (middleware, handler, evaluations, SQL, template) —
//! no network. `NTM_DASHBOARD_PROFILE=1` first times
//! `ntm_app::criteria::evaluate` of 84 for each commune set (best of 10).
//! `NTM_DASHBOARD_HTML=FILE` also writes the page to FILE.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use ntm_app::{App, AppConfig, Db};
use ntm_bench::timing::percentile;
use tower::ServiceExt;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// The database folder: removed at the end, or kept.
enum KeptDir {
    Temp(tempfile::TempDir),
    Kept(std::path::PathBuf),
}

impl KeptDir {
    fn path(&self) -> &std::path::Path {
        match self {
            KeptDir::Temp(t) => t.path(),
            KeptDir::Kept(p) => p,
        }
    }
}

fn main() {
    if let Err(e) = run() {
        eprintln!("dashboard-latency: {e}");
        std::process::exit(1);
    }
}

fn run() -> Res<()> {
    let mut args = std::env::args().skip(1);
    let n: usize = match args.next() {
        Some(a) => a.parse()?,
        None => 200,
    };
    let url = args
        .next()
        .unwrap_or_else(|| "/units/84/dashboard?set=xa-ntm-2021-2025&year=2023".into());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(measure(n, &url))
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

async fn measure(n: usize, url: &str) -> Res<()> {
    let dir = tempfile::Builder::new().prefix("ntm-dash-").tempdir()?;
    // NTM_DASHBOARD_KEEP=1: keep the database (its path is printed) to inspect it.
    let dir = if std::env::var_os("NTM_DASHBOARD_KEEP").is_some() {
        let kept = dir.keep();
        eprintln!("database kept in {}", kept.display());
        KeptDir::Kept(kept)
    } else {
        KeptDir::Temp(dir)
    };
    let db_url = format!("sqlite://{}", dir.path().join("demo.db").display());
    let db = Db::connect(&db_url).await?;
    db.migrate().await?;
    let config = AppConfig {
        data_dir: dir.path().to_path_buf(),
        ..AppConfig::default()
    };
    let app = App::new(db, config);
    let t = Instant::now();
    ntm_app::demo::seed_demo(&app, &mut |_, _| {}).await?;
    eprintln!("demo seeded in {:.1} s", t.elapsed().as_secs_f64());
    let (token, _) = ntm_app::users::login(
        &app,
        "tinh.travinh",
        ntm_app::demo::DEMO_PASSWORD,
        "127.0.0.1",
    )
    .await?;
    if std::env::var_os("NTM_DASHBOARD_PROFILE").is_some() {
        let cli = ntm_app::Actor::cli();
        for set in [
            "xa-ntm-2021-2025",
            "xa-ntm-nang-cao-2021-2025",
            "xa-ntm-kieu-mau-2021-2025",
            "xa-ntm-thong-minh-tra-vinh-2023",
        ] {
            for year in [2022, 2023] {
                let mut best = Duration::MAX;
                for _ in 0..10 {
                    let t = Instant::now();
                    let r = ntm_app::criteria::evaluate(&app, &cli, "84", set, year).await;
                    best = best.min(t.elapsed());
                    if let Err(e) = r {
                        eprintln!("{set} {year}: {e}");
                        break;
                    }
                }
                eprintln!("evaluate 84 {set} {year}: best of 10 {}", ms(best));
            }
        }
    }
    let router = ntm_web::router(app.clone(), ntm_web::WebConfig::default());
    let cookie = format!("ntm_session={token}");
    let request = || {
        Request::builder()
            .uri(url)
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
    };
    // Check once, and show what the page says.
    let res = router.clone().oneshot(request()?).await?;
    let status = res.status();
    let body = axum::body::to_bytes(res.into_body(), 16 * 1024 * 1024).await?;
    if status != StatusCode::OK {
        return Err(format!(
            "GET {url}: {status}\n{}",
            String::from_utf8_lossy(&body[..body.len().min(2000)])
        )
        .into());
    }
    eprintln!("GET {url}: {status}, {} bytes", body.len());
    // To look at the page: NTM_DASHBOARD_HTML=/tmp/dashboard.html
    if let Some(path) = std::env::var_os("NTM_DASHBOARD_HTML") {
        std::fs::write(path, &body)?;
    }
    for _ in 0..10 {
        let res = router.clone().oneshot(request()?).await?;
        axum::body::to_bytes(res.into_body(), 16 * 1024 * 1024).await?;
    }
    // The communes of 84 the page evaluates (a write goes to one of them).
    let cli = ntm_app::Actor::cli();
    let communes: Vec<String> = {
        let set = app.catalog.set_for_year("xa-ntm-2021-2025", 2023)?;
        let on = ntm_app::criteria::evaluation_date(set, 2023);
        let p = app
            .db_for_tests()
            .unit_on("84", on)
            .await?
            .ok_or("no unit 84")?;
        app.db_for_tests()
            .subtree_on(&p.path, on, Some(ntm_domain::units::Level::Commune))
            .await?
            .into_iter()
            .filter(|u| u.kind == "Xã")
            .map(|u| u.code)
            .collect()
    };
    // Cold: every kept evaluation forgotten before each request (the behaviour before the
    // change feed: any write emptied the cache); after a write: one value changed before
    // each request; warm: data unchanged since the previous request.
    for mode in [Mode::Cold, Mode::AfterWrite, Mode::Warm] {
        let mut times = Vec::with_capacity(n);
        for i in 0..n {
            match mode {
                Mode::Cold => ntm_app::dashboard::clear_cache(),
                Mode::AfterWrite => {
                    let code = &communes[(i * 7919) % communes.len()];
                    write_one(&app, &cli, code, i).await?;
                }
                Mode::Warm => {}
            }
            let t = Instant::now();
            let res = router.clone().oneshot(request()?).await?;
            let status = res.status();
            axum::body::to_bytes(res.into_body(), 16 * 1024 * 1024).await?;
            times.push(t.elapsed());
            if status != StatusCode::OK {
                return Err(format!("GET {url}: {status}").into());
            }
        }
        times.sort();
        let mean = times.iter().sum::<Duration>() / times.len().max(1) as u32;
        println!(
            "{n} requests of {url} ({}): p50 {}, p95 {}, p99 {}, max {}, mean {}",
            match mode {
                Mode::Cold => "cold: kept evaluations forgotten before each (as any write before)",
                Mode::AfterWrite => "after a write: one commune's value changed before each",
                Mode::Warm => "warm: data unchanged",
            },
            ms(percentile(&times, 0.50)),
            ms(percentile(&times, 0.95)),
            ms(percentile(&times, 0.99)),
            ms(*times.last().unwrap_or(&Duration::ZERO)),
            ms(mean)
        );
    }
    Ok(())
}

#[derive(Clone, Copy)]
enum Mode {
    Cold,
    AfterWrite,
    Warm,
}

/// Changes indicator 3.1 of commune `code` in 2023 (a new version, as an officer's entry).
async fn write_one(app: &App, cli: &ntm_app::Actor, code: &str, i: usize) -> Res<()> {
    const SET: &str = "xa-ntm-2021-2025";
    let expected = ntm_app::criteria::current_versions(app, cli, code, SET, 2023)
        .await?
        .get("3.1")
        .copied();
    ntm_app::criteria::put_observations(
        app,
        cli,
        code,
        ntm_app::criteria::ValueBatch {
            set_id: SET.into(),
            year: 2023,
            values: vec![ntm_app::criteria::ValueInput {
                code: "3.1".into(),
                text: format!("{} %", 60 + i % 40),
                expected_version: expected,
            }],
            note: "đo hiệu năng".into(),
            source: ntm_domain::observation::ObsSource::Manual,
        },
    )
    .await?;
    Ok(())
}
