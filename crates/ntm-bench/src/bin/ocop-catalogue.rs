//! `cargo run -p ntm-bench --release --bin ocop-catalogue -- [N] [PRODUCTS]`
//!
//! The public OCOP catalogue with many products (issue 15: "< 50 ms at any page"): seeds
//! `PRODUCTS` (default 20,000) synthetic products — labelled as such, spread over 34
//! province codes, 3–5 stars, imported ratings, half with certificate dates, half the year only —
//! into a temporary SQLite database through the store's import (the path `ntm` uses for a
//! published list), builds the real router (`ntm_web::router`, every middleware) and requests,
//! `N` times each (default 200) after 10 warm-up requests, in process (`oneshot`, no network):
//! the first, middle and last page of `/ocop` (keyset cursors `search_key~id`, as the page's
//! "next" link carries), the last page filtered by 4 stars, and two baselines measured in the
//! same run — `/health` (no middleware) and `/login` (a small template through every
//! middleware). Prints p50, p95, max per URL and the ratio of each p50 to `/login`'s.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use ntm_app::{App, AppConfig, Db};
use ntm_bench::timing::percentile;
use ntm_store::{ImportItem, OcopDecisionRecord, OcopProducerRecord, OcopProductRecord};
use tower::ServiceExt;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const PROVINCES: [&str; 34] = [
    "01", "04", "08", "11", "12", "14", "15", "19", "20", "22", "24", "25", "31", "33", "37", "38",
    "40", "42", "44", "46", "48", "51", "52", "56", "66", "68", "75", "79", "80", "82", "86", "91",
    "92", "96",
];

fn main() {
    if let Err(e) = run() {
        eprintln!("ocop-catalogue: {e}");
        std::process::exit(1);
    }
}

fn run() -> Res<()> {
    let mut args = std::env::args().skip(1);
    let n: usize = match args.next() {
        Some(a) => a.parse()?,
        None => 200,
    };
    let products: usize = match args.next() {
        Some(a) => a.parse()?,
        None => 20_000,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(measure(n, products))
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Seeds `count` products (one producer per 4 products); returns their `(search_key, id)`.
async fn seed(app: &App, count: usize) -> Res<Vec<(String, uuid::Uuid)>> {
    let at = ntm_app::now();
    let mut keys = Vec::with_capacity(count);
    let mut batch = Vec::new();
    let mut producer: Option<OcopProducerRecord> = None;
    for i in 0..count {
        let province = PROVINCES[i % PROVINCES.len()];
        if i % 4 == 0 || producer.is_none() {
            producer = Some(OcopProducerRecord {
                id: uuid::Uuid::now_v7(),
                unit_code: province.into(),
                unit_path: format!("/{province}/"),
                province_code: province.into(),
                kind: Some("cooperative".into()),
                name: format!("HTX thử nghiệm {i:05} (dữ liệu tổng hợp)"),
                address: None,
                legal_id: None,
                phone: None,
                email: None,
                owner_user_id: None,
                sample: true,
                created_at: at,
                created_by: "ocop-catalogue bench".into(),
            });
        }
        let Some(p) = producer.clone() else {
            continue;
        };
        let name = format!("Sản phẩm tổng hợp {:05} {}", (i * 7919) % count, i);
        let product = OcopProductRecord {
            id: uuid::Uuid::now_v7(),
            producer_id: p.id,
            province_code: p.province_code.clone(),
            unit_path: p.unit_path.clone(),
            search_key: ntm_domain::text::search_key(&name),
            name,
            product_group: Some((i % 6) as i32 + 1),
            product_set: None,
            where_to_buy: None,
            photo_path: None,
            photo_type: None,
            stars: Some((i % 3) as i32 + 3),
            created_at: at,
            created_by: "ocop-catalogue bench".into(),
        };
        let certified = i % 2 == 0;
        let issued = time::macros::date!(2024 - 03 - 01);
        let decision = OcopDecisionRecord {
            id: uuid::Uuid::now_v7(),
            product_id: product.id,
            round_id: None,
            stars: (i % 3) as i32 + 3,
            average: None,
            year: 2024,
            certificate_no: certified.then(|| format!("{i}/QĐ-UBND")),
            issued_on: certified.then_some(issued),
            valid_until: certified.then_some(issued + time::Duration::days(3 * 365)),
            // Decisions without a round are imported ratings (the schema's rule); half of
            // them carry certificate dates, half only the year.
            imported: true,
            source_url: Some("https://example.invalid/synthetic".into()),
            source_note: Some("synthetic benchmark data".into()),
            status_text: None,
            superseded_on: None,
            superseded_by: None,
            created_at: at,
            created_by: "ocop-catalogue bench".into(),
        };
        keys.push((product.search_key.clone(), product.id));
        batch.push(ImportItem {
            producer: p,
            product,
            decision: Some(decision),
        });
        if batch.len() == 2_000 || i + 1 == count {
            let audit =
                ntm_app::Actor::cli().audit_entry("ocop.import", "bench", Default::default());
            app.db_for_tests().import_ocop(&batch, audit).await?;
            batch.clear();
        }
    }
    keys.sort();
    Ok(keys)
}

async fn measure(n: usize, count: usize) -> Res<()> {
    let dir = tempfile::Builder::new().prefix("ntm-ocop-").tempdir()?;
    let db_url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let db = Db::connect(&db_url).await?;
    db.migrate().await?;
    let config = AppConfig {
        data_dir: dir.path().to_path_buf(),
        ..AppConfig::default()
    };
    let app = App::new(db, config);
    let t = Instant::now();
    let keys = seed(&app, count).await?;
    eprintln!(
        "{count} synthetic products seeded in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let page = ntm_app::ocop::PAGE_SIZE as usize;
    // The cursor of a page is the last row of the page before it.
    let cursor = |first_row: usize| -> String {
        let (k, id) = &keys[first_row - 1];
        format!("{k}~{id}")
    };
    let pages = count.div_ceil(page);
    let middle = (pages / 2) * page;
    let last = (pages - 1) * page;
    let enc = |s: String| ntm_web::ctx::url_encode(&s);
    let urls = vec![
        ("/health".to_string(), "baseline: health (no middleware)"),
        (
            "/login".to_string(),
            "baseline: login form (every middleware)",
        ),
        ("/ocop".to_string(), "catalogue, first page"),
        (
            format!("/ocop?after={}", enc(cursor(middle))),
            "catalogue, middle page",
        ),
        (
            format!("/ocop?after={}", enc(cursor(last))),
            "catalogue, last page",
        ),
        (
            format!("/ocop?stars=4&after={}", enc(cursor(last))),
            "catalogue, 4 stars, after the last page's cursor",
        ),
    ];
    let router = ntm_web::router(app.clone(), ntm_web::WebConfig::default());
    let get = |url: &str| Request::builder().uri(url).body(Body::empty());
    let mut baseline = Duration::ZERO;
    println!(
        "{count} products, {} per page, {pages} pages, {n} requests per URL (SQLite, in process)",
        page
    );
    for (url, what) in &urls {
        let res = router.clone().oneshot(get(url)?).await?;
        let status = res.status();
        let body = axum::body::to_bytes(res.into_body(), 16 * 1024 * 1024).await?;
        if status != StatusCode::OK {
            return Err(format!("GET {url}: {status}").into());
        }
        let items = String::from_utf8_lossy(&body)
            .matches("class=\"ocop-item\"")
            .count();
        for _ in 0..10 {
            let res = router.clone().oneshot(get(url)?).await?;
            axum::body::to_bytes(res.into_body(), 16 * 1024 * 1024).await?;
        }
        let mut times = Vec::with_capacity(n);
        for _ in 0..n {
            let t = Instant::now();
            let res = router.clone().oneshot(get(url)?).await?;
            axum::body::to_bytes(res.into_body(), 16 * 1024 * 1024).await?;
            times.push(t.elapsed());
        }
        times.sort();
        let p50 = percentile(&times, 0.50);
        if *url == "/login" {
            baseline = p50;
        }
        let ratio = if baseline.is_zero() {
            String::new()
        } else {
            format!(
                ", p50 = {:.1} × /login",
                p50.as_secs_f64() / baseline.as_secs_f64()
            )
        };
        println!(
            "{what}: p50 {}, p95 {}, max {} ({} bytes, {items} products shown){ratio}",
            ms(p50),
            ms(percentile(&times, 0.95)),
            ms(*times.last().unwrap_or(&Duration::ZERO)),
            body.len()
        );
    }
    Ok(())
}
