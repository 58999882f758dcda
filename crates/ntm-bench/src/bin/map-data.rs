//! `cargo run -p ntm-bench --release --bin map-data -- [RUNS] [UNIT]`
//!
//! The NTM status map's data (issue 16: "the whole country's choropleth data (3,321 communes,
//! or 10,598 before the reform, simplified geometry) < 100 ms and < 2 MB compressed"). Seeds
//! the demo into a temporary SQLite database and imports the shipped boundaries of
//! `data/boundaries/` (`NTM_REFERENCE_DATA`, default `data`) at run time, then, `RUNS` times
//! each (default 30) after 3 warm-up runs, for the whole country (or `UNIT`, e.g. `86`, for a
//! small run in a debug build):
//!
//! - through the real router as the demo administrator (`GET /maps/status.geojson`, every
//!   middleware, compression included): the answer's time warm (data unchanged), right after
//!   a write (one value of a commune of the map written again through the app layer before
//!   each request, untimed), and cold as in a new process (the kept evaluations and the kept
//!   placing emptied), and its size raw, gzip and brotli (the server's own compression
//!   layer);
//! - in process, the baseline of the same run: the same use case without geometry (the
//!   table of the page), and with geometry, its placing kept and read each time, each
//!   without the router.
//!
//! Two maps: 2026 (`xa-ntm-2026-2030`, the 3,321 communes from 01/07/2025, each on its
//! boundary) and 2024 (`xa-ntm-2021-2025`, the communes before the reform; no open pre-2025
//! commune boundaries exist, so each is a point at its province's label point).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use ntm_app::maps::{StatusMapQuery, status_map};
use ntm_app::{Actor, App, AppConfig, Db};
use ntm_bench::timing::percentile;
use tower::ServiceExt;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() {
    if let Err(e) = run() {
        eprintln!("map-data: {e}");
        std::process::exit(1);
    }
}

fn run() -> Res<()> {
    let mut args = std::env::args().skip(1);
    let runs: usize = match args.next() {
        Some(a) => a.parse()?,
        None => 30,
    };
    let unit = args.next();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(measure(runs.max(1), unit))
}

fn summary(mut times: Vec<Duration>) -> String {
    times.sort();
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    format!(
        "p50 {}, p95 {}, max {}",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(times.last().copied().unwrap_or_default())
    )
}

async fn measure(runs: usize, unit: Option<String>) -> Res<()> {
    let dir = tempfile::Builder::new().prefix("ntm-map-").tempdir()?;
    let db = Db::connect(&format!("sqlite://{}", dir.path().join("m.db").display())).await?;
    db.migrate().await?;
    let app = App::new(
        db,
        AppConfig {
            data_dir: dir.path().to_path_buf(),
            ..AppConfig::default()
        },
    );
    let t = Instant::now();
    ntm_app::demo::seed_demo(&app, &mut |_, _| {}).await?;
    let reference = std::env::var_os("NTM_REFERENCE_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("data"));
    for line in ntm_app::boundaries::seed_reference(&app, &reference.join("boundaries")).await? {
        eprintln!("{line}");
    }
    eprintln!(
        "demo and boundaries loaded in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let (token, _) =
        ntm_app::users::login(&app, "admin", ntm_app::demo::DEMO_PASSWORD, "127.0.0.1").await?;
    let router = ntm_web::router(app.clone(), ntm_web::WebConfig::default());
    let cookie = format!("ntm_session={token}");

    for (set, year) in [("xa-ntm-2026-2030", 2026), ("xa-ntm-2021-2025", 2024)] {
        let mut url = format!("/maps/status.geojson?set={set}&year={year}");
        if let Some(u) = &unit {
            url.push_str(&format!("&unit={u}"));
        }
        let get = |encoding: &'static str| {
            Request::builder()
                .uri(&url)
                .header(header::COOKIE, &cookie)
                .header(header::ACCEPT_ENCODING, encoding)
                .body(Body::empty())
        };
        // Sizes, and what the answer holds.
        let mut sizes = Vec::new();
        for enc in ["identity", "gzip", "br"] {
            let res = router.clone().oneshot(get(enc)?).await?;
            let status = res.status();
            let body = axum::body::to_bytes(res.into_body(), 256 * 1024 * 1024).await?;
            if status != StatusCode::OK {
                return Err(
                    format!("GET {url}: {status}: {}", String::from_utf8_lossy(&body)).into(),
                );
            }
            if enc == "identity" {
                let fc: serde_json::Value = serde_json::from_slice(&body)?;
                let features = fc["features"].as_array().map(Vec::len).unwrap_or(0);
                let polygons = fc["features"]
                    .as_array()
                    .map(|f| {
                        f.iter()
                            .filter(|f| f["properties"]["location"] == "boundary")
                            .count()
                    })
                    .unwrap_or(0);
                println!(
                    "{url}: {features} communes, {polygons} on their boundary, the others points or none"
                );
            }
            sizes.push(format!("{enc} {:.1} KB", body.len() as f64 / 1024.0));
        }
        println!("  size: {}", sizes.join(", "));
        for _ in 0..3 {
            let res = router.clone().oneshot(get("br")?).await?;
            axum::body::to_bytes(res.into_body(), 256 * 1024 * 1024).await?;
        }
        // A commune of the map with a value to write again (the demo's values are on a few
        // communes of Trà Vinh and Vĩnh Long).
        let cli = Actor::cli();
        let mut writer = None;
        {
            let res = router.clone().oneshot(get("identity")?).await?;
            let body = axum::body::to_bytes(res.into_body(), 256 * 1024 * 1024).await?;
            let fc: serde_json::Value = serde_json::from_slice(&body)?;
            for f in fc["features"].as_array().into_iter().flatten() {
                if f["properties"]["class"] == "missing" {
                    continue;
                }
                let Some(code) = f["id"].as_str() else {
                    continue;
                };
                if ntm_bench::writes::rewrite_one(&app, &cli, code, set, year).await? {
                    writer = Some(code.to_string());
                    break;
                }
            }
        }
        let writer = writer.ok_or("no commune of the map has a value to write again")?;
        println!("  writes: one value of commune {writer} written again before each timed request");
        // 1 = right after a write (one value written again, untimed); 2 = a new process (the
        // kept evaluations and the kept placing emptied: everything read).
        for (label, cold, enc) in [
            ("router, warm, raw", 0, "identity"),
            ("router, warm, br", 0, "br"),
            ("router, warm, gzip", 0, "gzip"),
            ("router, right after a write, br", 1, "br"),
            (
                "router, cold: a new process (evaluations and placing read), br",
                2,
                "br",
            ),
        ] {
            let mut times = Vec::with_capacity(runs);
            for _ in 0..runs {
                if cold == 1 {
                    ntm_bench::writes::rewrite_one(&app, &cli, &writer, set, year).await?;
                }
                if cold == 2 {
                    ntm_app::dashboard::clear_cache();
                    ntm_app::maps::clear_kept(&app);
                }
                let t = Instant::now();
                let res = router.clone().oneshot(get(enc)?).await?;
                axum::body::to_bytes(res.into_body(), 256 * 1024 * 1024).await?;
                times.push(t.elapsed());
            }
            println!("  {label}: {}", summary(times));
        }
        // Baselines in process: the same use case without and with geometry, and the text.
        for (geometry, kept) in [(false, true), (true, true), (true, false)] {
            let q = StatusMapQuery {
                unit: unit.clone(),
                set: Some(set.into()),
                year: Some(year),
                date: None,
                geometry,
                from_form: false,
            };
            let mut times = Vec::with_capacity(runs);
            let mut text = Vec::with_capacity(runs);
            for _ in 0..runs {
                if !kept {
                    ntm_app::maps::clear_kept(&app);
                }
                let t = Instant::now();
                let m = status_map(&app, &cli, &q).await?;
                times.push(t.elapsed());
                if geometry && kept {
                    let t = Instant::now();
                    let s = ntm_web::pages::maps::feature_collection(&m);
                    std::hint::black_box(s.len());
                    text.push(t.elapsed());
                }
            }
            println!(
                "  use case {} (evaluations kept): {}",
                match (geometry, kept) {
                    (false, _) => "without geometry (baseline)",
                    (true, true) => "with geometry, placing kept",
                    (true, false) => "with geometry, placing read",
                },
                summary(times)
            );
            if geometry && kept {
                println!("  GeoJSON text written: {}", summary(text));
            }
        }
    }
    Ok(())
}
