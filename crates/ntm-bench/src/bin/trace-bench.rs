//! Traceability benchmarks (issue 15, part 5; `scripts/trace-bench` runs them all). Build
//! with `--release`. Every figure is printed next to a baseline measured in the same run.
//!
//! * `trace-bench prepare DIR` — the demo (units, accounts) in `DIR/ntm.db`, an OCOP
//!   producer and product of commune 29374, and lot `BENCH-1` of GTIN 09520123456788 with
//!   20 events recorded through the capture use case. Prints the public page's path.
//! * `trace-bench serve DIR ADDR` — the real router (`ntm_web::serve`, every middleware) on
//!   `DIR/ntm.db`.
//! * `trace-bench hello ADDR` — the baseline: a bare axum "hello" served the same way.
//! * `trace-bench capture EVENTS BATCH` — `EVENTS` events captured through
//!   `ntm_app::trace::capture` in documents of `BATCH` events (fresh SQLite database, 100
//!   lots): events/s; baseline: the same documents read and checked (JSON, GS1 schema,
//!   hashes) without storing.
//! * `trace-bench history TOTAL` — a lot's history (its chain with the stored events, the
//!   chain check, and the whole public-page use case) read 200 times: p50/p99 with the lot's
//!   20 events only in the store (baseline), then again with `TOTAL` events in the store
//!   (50 000 other lots), loaded with `Db::capture_trace_events` in batches of 10 000.

use std::time::{Duration, Instant};

use ntm_app::trace::{NewLot, create_lot};
use ntm_app::{Actor, App, AppConfig, Db};
use ntm_domain::trace::ProductRef;
use ntm_store::NewTraceEvent;
use serde_json::{Value, json};
use uuid::Uuid;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const GTIN: &str = "09520123456788";
const CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

fn main() {
    if let Err(e) = run() {
        eprintln!("trace-bench: {e}");
        std::process::exit(1);
    }
}

fn usage() -> Box<dyn std::error::Error> {
    "usage: trace-bench prepare DIR | serve DIR ADDR | hello ADDR | capture EVENTS BATCH | history TOTAL"
        .into()
}

fn run() -> Res<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match args.first().map(String::as_str) {
        Some("prepare") => rt.block_on(prepare(args.get(1).ok_or_else(usage)?)),
        Some("serve") => rt.block_on(serve(
            args.get(1).ok_or_else(usage)?,
            args.get(2).ok_or_else(usage)?,
        )),
        Some("hello") => rt.block_on(hello(args.get(1).ok_or_else(usage)?)),
        Some("capture") => rt.block_on(capture_bench(
            args.get(1).ok_or_else(usage)?.parse()?,
            args.get(2).ok_or_else(usage)?.parse()?,
        )),
        Some("history") => rt.block_on(history_bench(args.get(1).ok_or_else(usage)?.parse()?)),
        _ => Err(usage()),
    }
}

async fn open(dir: &std::path::Path) -> Res<App> {
    std::fs::create_dir_all(dir)?;
    let url = format!("sqlite://{}?mode=rwc", dir.join("ntm.db").display());
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    Ok(App::new(
        db,
        AppConfig {
            data_dir: dir.to_path_buf(),
            ..AppConfig::default()
        },
    ))
}

/// Units only (the official lists), no demo values: what the traceability path needs.
async fn with_units(dir: &std::path::Path) -> Res<App> {
    let app = open(dir).await?;
    ntm_app::demo::seed_demo(&app, &mut |_, _| {}).await?;
    Ok(app)
}

/// A producer of 29374 with one OCOP product; its id and the product's.
async fn producer(app: &App) -> Res<(Uuid, Uuid)> {
    let cli = Actor::cli();
    let p = ntm_app::ocop::register_producer(
        app,
        &cli,
        ntm_app::ocop::NewProducer {
            unit_code: "29374".into(),
            kind: "cooperative".into(),
            name: "HTX thử tải (dữ liệu mẫu)".into(),
            ..Default::default()
        },
    )
    .await?;
    let prod = ntm_app::ocop::add_product(
        app,
        &cli,
        p.id,
        ntm_app::ocop::NewProduct {
            name: "Gạo thử tải (dữ liệu mẫu)".into(),
            group: "1".into(),
            ..Default::default()
        },
    )
    .await?;
    Ok((p.id, prod.id))
}

fn event(lot: &str, i: usize) -> Value {
    let steps = [
        "commissioning",
        "packing",
        "storing",
        "shipping",
        "receiving",
    ];
    let t = time::OffsetDateTime::UNIX_EPOCH
        + time::Duration::days(20_000)
        + time::Duration::seconds(i as i64);
    json!({
        "type": "ObjectEvent",
        "eventTime": t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "eventTimeZoneOffset": "+07:00",
        "action": "OBSERVE",
        "bizStep": steps[i % steps.len()],
        "epcList": [],
        "quantityList": [{"epcClass": format!("https://id.gs1.org/01/{GTIN}/10/{lot}"), "quantity": 10, "uom": "KGM"}],
        "ntm:place": format!("Kho số {}", i % 7),
    })
}

fn document(events: Vec<Value>) -> Vec<u8> {
    json!({
        "@context": [CONTEXT, {"ntm": "urn:ntm-so:trace:"}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": "2026-01-01T00:00:00Z",
        "epcisBody": {"eventList": events},
    })
    .to_string()
    .into_bytes()
}

async fn lot(app: &App, producer: (Uuid, Uuid), name: &str) -> Res<Uuid> {
    let l = create_lot(
        app,
        &Actor::cli(),
        "29374",
        &NewLot {
            product: GTIN.into(),
            lot: name.into(),
            producer_id: Some(producer.0),
            product_id: Some(producer.1),
            area_id: None,
        },
    )
    .await?;
    Ok(l.record.id)
}

async fn prepare(dir: &str) -> Res<()> {
    let app = with_units(std::path::Path::new(dir)).await?;
    let p = producer(&app).await?;
    lot(&app, p, "BENCH-1").await?;
    let events = (0..20).map(|i| event("BENCH-1", i)).collect();
    ntm_app::trace::capture(&app, &Actor::cli(), "29374", document(events)).await?;
    app.close().await;
    println!("/01/{GTIN}/10/BENCH-1");
    Ok(())
}

async fn serve(dir: &str, addr: &str) -> Res<()> {
    let app = open(std::path::Path::new(dir)).await?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    ntm_web::serve(listener, app, ntm_web::WebConfig::default(), async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

async fn hello(addr: &str) -> Res<()> {
    let router = axum::Router::new().route("/hello", axum::routing::get(|| async { "hello" }));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(listener, router).await?;
    Ok(())
}

async fn capture_bench(total: usize, batch: usize) -> Res<()> {
    let dir = tempfile::tempdir()?;
    let app = with_units(dir.path()).await?;
    let p = producer(&app).await?;
    let lots: Vec<String> = (0..100).map(|i| format!("CAP-{i}")).collect();
    for l in &lots {
        lot(&app, p, l).await?;
    }
    let docs: Vec<Vec<u8>> = (0..total.div_ceil(batch))
        .map(|d| {
            document(
                (d * batch..((d + 1) * batch).min(total))
                    .map(|i| event(&lots[i % lots.len()], i))
                    .collect(),
            )
        })
        .collect();
    // Baseline: the same documents read and checked, nothing stored.
    let t = Instant::now();
    for d in &docs {
        ntm_app::trace::schema::read_capture(d)?;
    }
    let read = t.elapsed();
    let t = Instant::now();
    let mut stored = 0;
    for d in docs {
        stored += ntm_app::trace::capture(&app, &Actor::cli(), "29374", d)
            .await?
            .stored;
    }
    let cap = t.elapsed();
    let rate = |d: Duration| total as f64 / d.as_secs_f64();
    println!(
        "capture: {stored} events in batches of {batch}: {:.0} events/s ({:.2} s); \
         baseline read+schema+hash only: {:.0} events/s; ratio capture/baseline = {:.2}",
        rate(cap),
        cap.as_secs_f64(),
        rate(read),
        rate(cap) / rate(read)
    );
    app.close().await;
    Ok(())
}

fn percentile(mut v: Vec<Duration>, p: f64) -> Duration {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i.min(v.len() - 1)]
}

async fn time_history(app: &App, lot_id: Uuid) -> Res<(Duration, Duration, Duration, Duration)> {
    let product = ProductRef::parse(GTIN)?;
    let (mut chain, mut page) = (Vec::new(), Vec::new());
    for i in 0..210 {
        let t = Instant::now();
        let c = app.db_for_tests().lot_chain(lot_id).await?;
        let d1 = t.elapsed();
        assert_eq!(c.len(), 20);
        let t = Instant::now();
        let l = ntm_app::trace::public_lot(app, &format!("bench-{i}"), &product, "BENCH-1").await?;
        let d2 = t.elapsed();
        assert_eq!(l.history.len(), 20);
        if i >= 10 {
            chain.push(d1);
            page.push(d2);
        }
    }
    Ok((
        percentile(chain.clone(), 0.5),
        percentile(chain, 0.99),
        percentile(page.clone(), 0.5),
        percentile(page, 0.99),
    ))
}

async fn history_bench(total: usize) -> Res<()> {
    let dir = tempfile::tempdir()?;
    let app = with_units(dir.path()).await?;
    let p = producer(&app).await?;
    let target = lot(&app, p, "BENCH-1").await?;
    let events = (0..20).map(|i| event("BENCH-1", i)).collect();
    ntm_app::trace::capture(&app, &Actor::cli(), "29374", document(events)).await?;
    let base = time_history(&app, target).await?;

    // The load: TOTAL − 20 events on 50 000 other lots (20 each), stored in batches.
    let t = Instant::now();
    let db = app.db_for_tests();
    let n_lots = 50_000usize;
    let mut lot_ids = Vec::with_capacity(n_lots);
    let now = ntm_store::db_time(time::OffsetDateTime::now_utc());
    for chunk in 0..n_lots.div_ceil(1000) {
        for i in chunk * 1000..((chunk + 1) * 1000).min(n_lots) {
            let r = ntm_store::LotRecord {
                id: Uuid::now_v7(),
                unit_code: "29374".into(),
                unit_path: "/84/847/29374/".into(),
                product: GTIN.into(),
                lot: format!("L{i}"),
                created_at: now,
                created_by: "bench".into(),
            };
            db.insert_lot(&r, Actor::cli().audit_entry("bench.lot", "l", json!({})))
                .await?;
            lot_ids.push((r.id, r.lot));
        }
    }
    let mut done = 0usize;
    let load = total.saturating_sub(20);
    while done < load {
        let n = (load - done).min(10_000);
        let rows: Vec<NewTraceEvent> = (done..done + n)
            .map(|i| {
                let (lot_id, lot) = &lot_ids[i % n_lots];
                let ev = event(lot, 1_000 + i);
                let hash = ntm_domain::trace::hash::event_hash(
                    ev.as_object().unwrap_or(&serde_json::Map::new()),
                    &ntm_domain::trace::hash::Namespaces::from_context(Some(
                        &json!([CONTEXT, {"ntm": "urn:ntm-so:trace:"}]),
                    )),
                );
                NewTraceEvent {
                    id: Uuid::now_v7(),
                    event_hash: hash,
                    event_type: "ObjectEvent".into(),
                    event_time_ms: 1_000 + i as i64,
                    event_time_zone_offset: "+07:00".into(),
                    action: Some("OBSERVE".into()),
                    biz_step: Some("https://ref.gs1.org/cbv/BizStep-storing".into()),
                    disposition: None,
                    read_point: None,
                    biz_location: None,
                    event_json: ev.to_string(),
                    context_json: json!([CONTEXT, {"ntm": "urn:ntm-so:trace:"}]).to_string(),
                    unit_code: "29374".into(),
                    unit_path: "/84/847/29374/".into(),
                    recorded_at: now,
                    recorded_by: "bench".into(),
                    epcs: Vec::new(),
                    other_epcs: vec![format!("https://id.gs1.org/01/{GTIN}/10/{lot}")],
                    lot_ids: vec![*lot_id],
                }
            })
            .collect();
        db.capture_trace_events(
            &rows,
            Actor::cli().audit_entry("bench.load", "e", json!({})),
        )
        .await?;
        done += n;
    }
    let loaded = db.trace_event_count().await?;
    eprintln!(
        "loaded {loaded} events in {:.0} s",
        t.elapsed().as_secs_f64()
    );
    let big = time_history(&app, target).await?;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "history (lot_chain, 20 events): with {loaded} events p50 {:.2} ms p99 {:.2} ms; \
         baseline with 20 events p50 {:.2} ms p99 {:.2} ms; p99 ratio {:.2}",
        ms(big.0),
        ms(big.1),
        ms(base.0),
        ms(base.1),
        ms(big.1) / ms(base.1)
    );
    println!(
        "public page use case (history, chain check, OCOP, unit): with {loaded} events p50 \
         {:.2} ms p99 {:.2} ms; baseline p50 {:.2} ms p99 {:.2} ms; p99 ratio {:.2}",
        ms(big.2),
        ms(big.3),
        ms(base.2),
        ms(base.3),
        ms(big.3) / ms(base.3)
    );
    app.close().await;
    Ok(())
}
