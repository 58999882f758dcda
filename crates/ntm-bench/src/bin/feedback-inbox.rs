//! `cargo run -p ntm-bench --release --bin feedback-inbox -- sqlite|postgres [N] [REPS]`
//!
//! The officers' feedback inbox at `N` reports (default 1,000,000; issue 17: "first page and
//! any filtered page < 50 ms (keyset), next to OFFSET in the same run").
//!
//! Set-up: the official unit list of 7 May 2023 (which still has districts, so the district
//! subtree filter — a `LIKE` on the responsible unit's path — is exercised) imported through
//! the app; Trà Vinh's (84) four sample categories (`ntm_app::feedback::seed_demo`); three
//! officers logged in through the app (province, one district, one commune). Then `N`
//! **synthetic** reports (fixed-seed generator, no `rand`) bulk-loaded through
//! `Db::bench_seed_feedback_reports` (multi-row `INSERT`s, one transaction per 20,000
//! reports, no history rows): received over the last 3 years in time order, spread over the
//! province's communes with uneven weights (one report in 10 answered by the district),
//! categories 40/30/20/10 %, the time limit in working days of their category (weekends and
//! the fixed holidays), older reports mostly resolved (some rejected, merged, or still open
//! and overdue), recent ones received, accepted, in progress or transferred; contacts, pins,
//! ratings and assignees on some.
//!
//! Measured `REPS` times each (default 30; OFFSET pages stop after 15 s, at least 5 times)
//! after 3 warm-up runs, p50/p95/max:
//! - **first pages**: all the province, by status, by category, a district's subtree, one
//!   commune, overdue only, and a combination;
//! - **deep pages** 100, 1,000, 10,000 and the last of the province's list and of the
//!   district's, reached by keyset cursor and by OFFSET.
//!
//! Each row has three figures: the use case `ntm_app::feedback::inbox` with its keyset
//! cursor (permission check, unit look-ups, categories, mapping: what a page costs before
//! rendering), the store's keyset query `Db::feedback_list` alone, and the store's
//! `Db::feedback_list_offset` with the same filter and `OFFSET` (page − 1) × 50; the ratio is
//! OFFSET / keyset on the store's p50. The three answers are checked equal before timing.
//!
//! PostgreSQL: a throwaway cluster (as the tests use) or `TEST_DATABASE_URL` (e.g. the URL
//! `bash scripts/pg-dev start` prints); `ANALYZE` runs after the load, as autovacuum would.
//! SQLite gets no `ANALYZE` (the application never runs it).
//!
//! With `NTM_BENCH_EXPLAIN=1` the plans of every keyset and OFFSET query measured are
//! printed after the table (`EXPLAIN QUERY PLAN`; PostgreSQL `EXPLAIN (ANALYZE, BUFFERS)`).

use std::time::{Duration, Instant};

use ntm_app::feedback::{InboxQuery, inbox};
use ntm_app::users::{GrantInput, NewUser, add_user, login};
use ntm_app::{Actor, App};
use ntm_bench::Res;
use ntm_bench::feedback::{Bench, OPEN, PROVINCE, seed};
use ntm_bench::timing::{Stats, cell, ratio, time_it};
use ntm_store::{FeedbackFilter, FeedbackListRow};
use uuid::Uuid;

/// Rows per page of the inbox (`ntm_app::feedback` pages by 50, asking for 51).
const PAGE: u64 = 50;

fn main() {
    if let Err(e) = run() {
        eprintln!("feedback-inbox: {e}");
        std::process::exit(1);
    }
}

fn run() -> Res<()> {
    let mut args = std::env::args().skip(1);
    let backend = args.next().unwrap_or_else(|| "sqlite".into());
    let n: usize = args.next().map_or(Ok(1_000_000), |a| a.parse())?;
    let reps: usize = args.next().map_or(Ok(30), |a| a.parse())?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(measure(&backend, n, reps))
}

/// One list the officer opens: the use case's query, who asks, and the store's filter.
struct Case {
    name: String,
    actor: Actor,
    query: InboxQuery,
    filter: FeedbackFilter,
}

fn key_text(r: &FeedbackListRow) -> String {
    format!("{}_{}", r.received_at.unix_timestamp_nanos() / 1000, r.id)
}

async fn user(app: &App, name: &str, grant: &str) -> Res<(Actor, Uuid)> {
    add_user(
        app,
        &Actor::cli(),
        NewUser {
            username: name.into(),
            display_name: name.into(),
            password: "mat-khau-bench-123".into(),
            grants: vec![GrantInput::parse(grant)?],
        },
    )
    .await?;
    let (_, u) = login(app, name, "mat-khau-bench-123", "10.0.0.1").await?;
    Ok((u.actor("10.0.0.1"), u.id))
}

/// One page three ways: the use case (keyset), the store's keyset, the store's OFFSET.
/// `page` is 1-based; the cursor is the last row of the page before, found by OFFSET.
async fn page_row(
    app: &App,
    c: &Case,
    page: u64,
    reps: usize,
    plans: &mut Vec<String>,
) -> Res<(Stats, Stats, Stats, usize)> {
    let db = app.db_for_tests().clone();
    let offset = (page - 1) * PAGE;
    let prev = if page == 1 {
        None
    } else {
        let rows = db.feedback_list_offset(&c.filter, offset - 1, 1).await?;
        Some(rows.into_iter().next().ok_or("page beyond the list")?)
    };
    let cursor = prev.as_ref().map(|r| (r.received_at, r.id));
    let mut q = c.query.clone();
    if let Some(r) = &prev {
        q.after = key_text(r);
    }
    // The three answers must be the same rows.
    let by_app: Vec<Uuid> = inbox(app, &c.actor, q.clone())
        .await?
        .rows
        .iter()
        .map(|r| r.id)
        .collect();
    let by_key: Vec<Uuid> = db
        .feedback_list(&c.filter, cursor, PAGE + 1)
        .await?
        .iter()
        .map(|r| r.id)
        .take(PAGE as usize)
        .collect();
    let by_offset: Vec<Uuid> = db
        .feedback_list_offset(&c.filter, offset, PAGE + 1)
        .await?
        .iter()
        .map(|r| r.id)
        .take(PAGE as usize)
        .collect();
    if std::env::var("NTM_BENCH_EXPLAIN").is_ok_and(|v| v == "1") {
        let key_plan = db
            .bench_explain_feedback_list(&c.filter, cursor, None, PAGE + 1)
            .await?;
        let offset_plan = db
            .bench_explain_feedback_list(&c.filter, None, Some(offset), PAGE + 1)
            .await?;
        plans.push(format!(
            "{}, page {page}, keyset:\n    {}\n{}, page {page}, OFFSET:\n    {}",
            c.name,
            key_plan.join("\n    "),
            c.name,
            offset_plan.join("\n    ")
        ));
    }
    if by_app != by_key || by_key != by_offset {
        return Err(format!(
            "{} page {page}: use case {} rows, keyset {} rows, OFFSET {} rows, not the same",
            c.name,
            by_app.len(),
            by_key.len(),
            by_offset.len()
        )
        .into());
    }
    let budget = Duration::from_secs(15);
    let a = time_it(reps, budget, || {
        let q = q.clone();
        async move { Ok(inbox(app, &c.actor, q).await?.rows.len()) }
    })
    .await?;
    let k = time_it(reps, budget, || {
        let db = db.clone();
        async move { Ok(db.feedback_list(&c.filter, cursor, PAGE + 1).await?.len()) }
    })
    .await?;
    let o = time_it(reps, budget, || {
        let db = db.clone();
        async move {
            Ok(db
                .feedback_list_offset(&c.filter, offset, PAGE + 1)
                .await?
                .len())
        }
    })
    .await?;
    Ok((a, k, o, by_key.len()))
}

async fn measure(backend: &str, n: usize, reps: usize) -> Res<()> {
    let bench = Bench::open(backend).await?;
    let (app, db) = (bench.app.clone(), bench.db().clone());
    let (communes, districts) = (&bench.communes, &bench.districts);
    // The district with the most communes, and its first commune.
    let district = districts
        .iter()
        .max_by_key(|d| {
            communes
                .iter()
                .filter(|c| c.path.starts_with(&d.path))
                .count()
        })
        .ok_or("no district in the province")?
        .clone();
    let commune = communes
        .iter()
        .find(|c| c.path.starts_with(&district.path))
        .ok_or("no commune in the district")?
        .clone();
    let (tinh, tinh_id) = user(&app, "tinh.bench", &format!("province_officer@{PROVINCE}")).await?;
    let (huyen, huyen_id) = user(
        &app,
        "huyen.bench",
        &format!("district_officer@{}", district.code),
    )
    .await?;
    let (xa, xa_id) = user(
        &app,
        "xa.bench",
        &format!("commune_officer@{}", commune.code),
    )
    .await?;

    println!(
        "backend: {backend}; province {PROVINCE}: {} communes in {} districts (list of 7 May 2023)",
        communes.len(),
        districts.len()
    );
    let t = Instant::now();
    let seeded = seed(
        &db,
        n,
        communes,
        Some(&district),
        &[tinh_id, huyen_id, xa_id],
    )
    .await?;
    let load = t.elapsed();
    println!(
        "loaded {n} synthetic reports in {:.1} s ({:.0} reports/s); {} open, {} overdue, {} \
         answered by district {} ({}) or its communes",
        load.as_secs_f64(),
        n as f64 / load.as_secs_f64(),
        seeded.open,
        seeded.overdue,
        seeded.in_district,
        district.code,
        district.name
    );
    let t = Instant::now();
    if bench.analyze().await? {
        println!("ANALYZE: {:.1} s", t.elapsed().as_secs_f64());
    }

    let province_filter = FeedbackFilter {
        province_code: PROVINCE.into(),
        ..FeedbackFilter::default()
    };
    let district_filter = FeedbackFilter {
        path_prefix: Some(district.path.clone()),
        ..province_filter.clone()
    };
    let open: Vec<String> = OPEN.iter().map(|s| s.to_string()).collect();
    let case = |name: &str, actor: &Actor, query: InboxQuery, filter: FeedbackFilter| Case {
        name: name.into(),
        actor: actor.clone(),
        query,
        filter,
    };
    let unit_q = |code: &str| InboxQuery {
        unit: code.into(),
        ..InboxQuery::default()
    };
    let today = ntm_app::today();
    let first_pages = vec![
        case(
            "province, all",
            &tinh,
            unit_q(PROVINCE),
            province_filter.clone(),
        ),
        case(
            "province, status in progress",
            &tinh,
            InboxQuery {
                status: "in_progress".into(),
                ..unit_q(PROVINCE)
            },
            FeedbackFilter {
                statuses: vec!["in_progress".into()],
                ..province_filter.clone()
            },
        ),
        case(
            "province, status open (4 states)",
            &tinh,
            InboxQuery {
                status: "open".into(),
                ..unit_q(PROVINCE)
            },
            FeedbackFilter {
                statuses: open.clone(),
                ..province_filter.clone()
            },
        ),
        case(
            "province, category thu-tuc (10 %)",
            &tinh,
            InboxQuery {
                category: "thu-tuc".into(),
                ..unit_q(PROVINCE)
            },
            FeedbackFilter {
                category_code: Some("thu-tuc".into()),
                ..province_filter.clone()
            },
        ),
        case(
            "province, overdue",
            &tinh,
            InboxQuery {
                overdue: true,
                ..unit_q(PROVINCE)
            },
            FeedbackFilter {
                overdue_on: Some(today),
                ..province_filter.clone()
            },
        ),
        case(
            &format!("district {} subtree", district.code),
            &huyen,
            unit_q(&district.code),
            district_filter.clone(),
        ),
        case(
            &format!("commune {}", commune.code),
            &xa,
            unit_q(&commune.code),
            FeedbackFilter {
                responsible_code: Some(commune.code.clone()),
                ..province_filter.clone()
            },
        ),
        case(
            "district subtree + open + chieu-sang + overdue",
            &huyen,
            InboxQuery {
                status: "open".into(),
                category: "chieu-sang".into(),
                overdue: true,
                ..unit_q(&district.code)
            },
            FeedbackFilter {
                statuses: open.clone(),
                category_code: Some("chieu-sang".into()),
                overdue_on: Some(today),
                ..district_filter.clone()
            },
        ),
        case(
            "commune + resolved + giao-thong",
            &xa,
            InboxQuery {
                status: "resolved".into(),
                category: "giao-thong".into(),
                ..unit_q(&commune.code)
            },
            FeedbackFilter {
                responsible_code: Some(commune.code.clone()),
                statuses: vec!["resolved".into()],
                category_code: Some("giao-thong".into()),
                ..province_filter.clone()
            },
        ),
    ];
    println!();
    println!(
        "Times in ms, p50 / p95 / max of {reps} runs (OFFSET: fewer when a run is slow, n \
         shown). Ratio = OFFSET p50 / store keyset p50."
    );
    println!();
    println!(
        "| list | page | rows | use case, keyset | store, keyset | store, OFFSET (n) | OFFSET / keyset |"
    );
    println!("|---|---|---|---|---|---|---|");
    let print = |name: &str, page: String, r: &(Stats, Stats, Stats, usize)| {
        println!(
            "| {name} | {page} | {} | {} | {} | {} ({}) | {} |",
            r.3,
            cell(&r.0),
            cell(&r.1),
            cell(&r.2),
            r.2.n,
            ratio(&r.2, &r.1)
        );
    };
    let mut plans = Vec::new();
    for c in &first_pages {
        let r = page_row(&app, c, 1, reps, &mut plans).await?;
        print(&c.name, "1".into(), &r);
    }
    let deep = [(&first_pages[0], n), (&first_pages[5], seeded.in_district)];
    for (c, total) in deep {
        let last = (total as u64).div_ceil(PAGE).max(1);
        let mut pages: Vec<u64> = [100, 1_000, 10_000]
            .into_iter()
            .filter(|p| *p < last)
            .collect();
        pages.push(last);
        for p in pages {
            let r = page_row(&app, c, p, reps, &mut plans).await?;
            let label = if p == last {
                format!("{p} (last)")
            } else {
                p.to_string()
            };
            print(&c.name, label, &r);
        }
    }
    for p in &plans {
        println!("\n{p}");
    }
    bench.close().await;
    Ok(())
}
