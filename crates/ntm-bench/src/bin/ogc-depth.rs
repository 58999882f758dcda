//! `cargo run -p ntm-bench --release --bin ogc-depth -- sqlite|postgres [N] [REPS]`
//!
//! Pages of the OGC API – Features collection `feedback-reports` at depth (issue 16: "a
//! collection of 3,500,000 features: any page at any depth < 50 ms (keyset, no OFFSET), next
//! to OFFSET paging measured in the same run"; a public report saw 42.5 s at row 3.5 M with
//! OFFSET on another server).
//!
//! Set-up (shared with `feedback-inbox`, `ntm_bench::feedback`): the official unit list of
//! 7 May 2023 imported through the app, Trà Vinh's (84) sample categories, then `N` (default
//! 3,900,000) **synthetic** reports bulk-loaded through `Db::bench_seed_feedback_reports`; about
//! 9 in 10 are published (accepted, in progress, resolved), so the default gives more than
//! 3,500,000 features (the count is printed). No boundaries are imported: a report without a
//! pin still costs its label-point look-up, which finds nothing. PostgreSQL gets `ANALYZE`
//! after the load (as autovacuum would), SQLite nothing (the application never runs it).
//!
//! Pages of 100 features after 0 (first), 1,000, 100,000, 1,000,000 features and the last
//! 100 features, each measured `REPS` times (default 30; OFFSET stops after 15 s, at least 5 times)
//! after 3 warm-up runs, p50 / p95 / max, three ways:
//!
//! 1. **router**: `GET /ogc/collections/feedback-reports/items?limit=100&after=CODE` through
//!    the real router (every middleware) in process, the whole GeoJSON body read; `CODE` is
//!    the tracking code of the feature before the page, which is what the `next` link of the
//!    page before carries (checked on every page measured);
//! 2. **store, keyset**: `Db::feedback_features` (what the router's use case reads: 101 rows
//!    after the code);
//! 3. **store, OFFSET**: `Db::bench_feedback_features_offset`, the same query with
//!    `OFFSET depth` instead of the key (benchmark only; the API has no offset).
//!
//! The three answers are checked equal (the same tracking codes in the same order) before
//! timing. Ratios: OFFSET p50 / store keyset p50, and OFFSET p50 / router p50. With
//! `NTM_BENCH_EXPLAIN=1` the plans of the keyset and OFFSET queries at every depth are printed
//! after the table (SQLite `EXPLAIN QUERY PLAN`; PostgreSQL `EXPLAIN (ANALYZE, BUFFERS)`).

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use ntm_bench::Res;
use ntm_bench::feedback::{Bench, seed};
use ntm_bench::timing::{Stats, cell, ratio, time_it};
use ntm_store::{Db, FeatureWindow};
use tower::ServiceExt;

/// Features per page measured.
const LIMIT: u64 = 100;
const COLLECTION: &str = "/ogc/collections/feedback-reports/items";

fn main() {
    if let Err(e) = run() {
        eprintln!("ogc-depth: {e}");
        std::process::exit(1);
    }
}

fn run() -> Res<()> {
    let mut args = std::env::args().skip(1);
    let backend = args.next().unwrap_or_else(|| "sqlite".into());
    let n: usize = args.next().map_or(Ok(3_900_000), |a| a.parse())?;
    let reps: usize = args.next().map_or(Ok(30), |a| a.parse())?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(measure(&backend, n, reps.max(1)))
}

fn window(limit: u64) -> FeatureWindow {
    FeatureWindow {
        limit,
        ..FeatureWindow::default()
    }
}

fn url(after: Option<&str>) -> String {
    match after {
        Some(a) => format!(
            "{COLLECTION}?limit={LIMIT}&after={}",
            ntm_web::ctx::url_encode(a)
        ),
        None => format!("{COLLECTION}?limit={LIMIT}"),
    }
}

/// A page through the router: the features' ids and the `after` of its `next` link.
async fn get_page(router: &axum::Router, url: &str) -> Res<(Vec<String>, Option<String>)> {
    let res = router
        .clone()
        .oneshot(Request::builder().uri(url).body(Body::empty())?)
        .await?;
    let status = res.status();
    let body = axum::body::to_bytes(res.into_body(), 64 * 1024 * 1024).await?;
    if status != StatusCode::OK {
        return Err(format!("GET {url}: {status}: {}", String::from_utf8_lossy(&body)).into());
    }
    let v: serde_json::Value = serde_json::from_slice(&body)?;
    let ids = v["features"]
        .as_array()
        .ok_or("no features in the answer")?
        .iter()
        .map(|f| f["id"].as_str().unwrap_or_default().to_string())
        .collect();
    let next = v["links"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|l| l["rel"] == "next")
        .and_then(|l| l["href"].as_str())
        .and_then(|h| h.split_once("after="))
        .map(|(_, a)| a.split('&').next().unwrap_or_default().to_string());
    Ok((ids, next))
}

/// How long the router's answer takes, the body read to the end.
async fn time_router(router: &axum::Router, url: &str) -> Res<usize> {
    let res = router
        .clone()
        .oneshot(Request::builder().uri(url).body(Body::empty())?)
        .await?;
    Ok(axum::body::to_bytes(res.into_body(), 64 * 1024 * 1024)
        .await?
        .len())
}

struct Row {
    label: String,
    features: usize,
    router: Stats,
    keyset: Stats,
    offset: Stats,
    bytes: usize,
}

/// One page three ways; `depth` features come before it.
async fn page_row(
    db: &Db,
    router: &axum::Router,
    depth: u64,
    reps: usize,
    plans: &mut Vec<String>,
) -> Res<Row> {
    let after = if depth == 0 {
        None
    } else {
        let rows = db
            .bench_feedback_features_offset(&window(1), depth - 1)
            .await?;
        Some(
            rows.into_iter()
                .next()
                .ok_or("depth beyond the collection")?
                .tracking_code,
        )
    };
    let url = url(after.as_deref());
    let (by_router, next) = get_page(router, &url).await?;
    let keyed = db
        .feedback_features(&window(LIMIT + 1), after.as_deref())
        .await?;
    let more = keyed.len() > LIMIT as usize;
    let by_key: Vec<String> = keyed
        .into_iter()
        .take(LIMIT as usize)
        .map(|r| r.tracking_code)
        .collect();
    let by_offset: Vec<String> = db
        .bench_feedback_features_offset(&window(LIMIT + 1), depth)
        .await?
        .into_iter()
        .take(LIMIT as usize)
        .map(|r| r.tracking_code)
        .collect();
    if by_router != by_key || by_key != by_offset || by_key.is_empty() {
        return Err(format!(
            "depth {depth}: router {} features, keyset {}, OFFSET {}, not the same",
            by_router.len(),
            by_key.len(),
            by_offset.len()
        )
        .into());
    }
    // The next page starts after this page's last feature, as the link says.
    let expected_next = more.then(|| by_key.last().cloned()).flatten();
    if next != expected_next {
        return Err(
            format!("depth {depth}: next link after={next:?}, expected {expected_next:?}").into(),
        );
    }
    if std::env::var("NTM_BENCH_EXPLAIN").is_ok_and(|v| v == "1") {
        let w = window(LIMIT + 1);
        let k = db
            .bench_explain_feedback_features(&w, after.as_deref(), None)
            .await?;
        let o = db
            .bench_explain_feedback_features(&w, None, Some(depth))
            .await?;
        plans.push(format!(
            "depth {depth}, keyset:\n    {}\ndepth {depth}, OFFSET:\n    {}",
            k.join("\n    "),
            o.join("\n    ")
        ));
    }
    let bytes = time_router(router, &url).await?;
    let budget = Duration::from_secs(15);
    let r = time_it(reps, budget, || time_router(router, &url)).await?;
    let a = after.as_deref();
    let k = time_it(reps, budget, || async move {
        Ok(db.feedback_features(&window(LIMIT + 1), a).await?.len())
    })
    .await?;
    let o = time_it(reps, budget, || async move {
        Ok(db
            .bench_feedback_features_offset(&window(LIMIT + 1), depth)
            .await?
            .len())
    })
    .await?;
    Ok(Row {
        label: String::new(),
        features: by_key.len(),
        router: r,
        keyset: k,
        offset: o,
        bytes,
    })
}

async fn measure(backend: &str, n: usize, reps: usize) -> Res<()> {
    let bench = Bench::open(backend).await?;
    let db = bench.db().clone();
    println!(
        "backend: {backend}; province 84: {} communes (list of 7 May 2023)",
        bench.communes.len()
    );
    let t = Instant::now();
    let seeded = seed(&db, n, &bench.communes, None, &[]).await?;
    let load = t.elapsed();
    println!(
        "loaded {n} synthetic reports in {:.1} s ({:.0} reports/s); {} published (features of \
         the collection)",
        load.as_secs_f64(),
        n as f64 / load.as_secs_f64(),
        seeded.published
    );
    let t = Instant::now();
    if bench.analyze().await? {
        println!("ANALYZE: {:.1} s", t.elapsed().as_secs_f64());
    }
    let total = seeded.published as u64;
    if total == 0 {
        return Err("no published report".into());
    }
    // The last full page: the last 100 features (a page of the `next` chain from the first
    // ends with `total % 100` features, which would time a near-empty page).
    let last = total.saturating_sub(LIMIT);
    let mut depths: Vec<(u64, String)> = [0u64, 1_000, 100_000, 1_000_000]
        .into_iter()
        .filter(|d| *d < last)
        .map(|d| {
            let label = if d == 0 {
                "first".to_string()
            } else {
                format!("after {d}")
            };
            (d, label)
        })
        .collect();
    depths.push((last, format!("last 100 (after {last})")));

    let router = ntm_web::router(bench.app.clone(), ntm_web::WebConfig::default());
    let mut plans = Vec::new();
    let mut rows = Vec::new();
    for (d, label) in depths {
        let t = Instant::now();
        let mut row = page_row(&db, &router, d, reps, &mut plans).await?;
        row.label = label;
        eprintln!(
            "  {}: measured in {:.0} s",
            row.label,
            t.elapsed().as_secs_f64()
        );
        rows.push(row);
    }
    println!();
    println!(
        "{total} features; pages of {LIMIT}. Times in ms, p50 / p95 / max of {reps} runs (OFFSET: \
         fewer when a run is slow, n shown)."
    );
    println!();
    println!(
        "| page | features | router, keyset (bytes) | store, keyset | store, OFFSET (n) | OFFSET / store keyset | OFFSET / router |"
    );
    println!("|---|---|---|---|---|---|---|");
    for r in &rows {
        println!(
            "| {} | {} | {} ({}) | {} | {} ({}) | {} | {} |",
            r.label,
            r.features,
            cell(&r.router),
            r.bytes,
            cell(&r.keyset),
            cell(&r.offset),
            r.offset.n,
            ratio(&r.offset, &r.keyset),
            ratio(&r.offset, &r.router)
        );
    }
    for p in &plans {
        println!("\n{p}");
    }
    bench.close().await;
    Ok(())
}
