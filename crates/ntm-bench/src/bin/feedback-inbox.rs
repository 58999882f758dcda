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

use std::future::Future;
use std::time::{Duration, Instant};

use ntm_app::feedback::{InboxQuery, inbox};
use ntm_app::units::{SnapshotInput, import_snapshot};
use ntm_app::users::{GrantInput, NewUser, add_user, login};
use ntm_app::{Actor, App, AppConfig};
use ntm_bench::UNITS_CSV;
use ntm_domain::dossier::{HolidayCalendar, NationalDayExtra, fixed_date_holidays};
use ntm_domain::feedback::due_date;
use ntm_domain::units::{Level, Unit};
use ntm_store::{Db, FeedbackFilter, FeedbackListRow, FeedbackReportRecord};
use time::{Date, OffsetDateTime, UtcOffset};
use uuid::Uuid;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const PROVINCE: &str = "84";
/// Rows per page of the inbox (`ntm_app::feedback` pages by 50, asking for 51).
const PAGE: u64 = 50;
/// Reports per transaction of the load.
const BATCH: usize = 20_000;
const OPEN: [&str; 4] = ["received", "transferred", "accepted", "in_progress"];

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

/// SplitMix64: a fixed-seed generator, enough for synthetic data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// A distinct tracking code per index (an odd multiplier is a bijection modulo 2^50).
fn tracking_code(i: usize) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut v = (i as u64).wrapping_mul(0x0005_DEEC_E66D) & ((1 << 50) - 1);
    let mut out = [0u8; 10];
    for c in out.iter_mut().rev() {
        *c = ALPHABET[(v & 31) as usize];
        v >>= 5;
    }
    let s = String::from_utf8_lossy(&out).into_owned();
    format!("{}-{}", &s[..5], &s[5..])
}

const PLACES: [&str; 8] = [
    "trước chợ",
    "gần trường tiểu học",
    "đầu ấp",
    "cạnh trạm y tế",
    "ngã ba",
    "sau nhà văn hóa ấp",
    "dọc kênh",
    "gần cầu",
];

fn body(rng: &mut Rng, category: &str) -> String {
    let (what, more) = match category {
        "giao-thong" => (
            "Đường bị sụt lún, nhiều ổ gà lớn",
            "Xe máy đi ban đêm rất nguy hiểm, đã có người té ngã. Đề nghị xã sớm cho sửa chữa.",
        ),
        "moi-truong" => (
            "Rác thải sinh hoạt bị đổ bừa bãi",
            "Mùi hôi nồng nặc, ruồi muỗi nhiều, ảnh hưởng sức khỏe bà con xung quanh.",
        ),
        "chieu-sang" => (
            "Đèn đường bị hư, không sáng",
            "Đoạn đường tối om từ chiều tối, học sinh đi học thêm về rất sợ.",
        ),
        _ => (
            "Hồ sơ nộp đã quá hạn mà chưa có kết quả",
            "Tôi đã hỏi nhiều lần nhưng chưa được trả lời rõ ràng, mong được hướng dẫn.",
        ),
    };
    let place = PLACES[rng.below(PLACES.len())];
    let mut s = format!("{what} {place}, ấp {}.", rng.below(12) + 1);
    for _ in 0..rng.below(4) {
        s.push(' ');
        s.push_str(more);
    }
    s
}

struct Seeded {
    /// Reports whose responsible unit lies in the district measured.
    in_district: usize,
    overdue: usize,
    open: usize,
}

fn vn_date(t: OffsetDateTime) -> Date {
    t.to_offset(UtcOffset::from_whole_seconds(7 * 3600).unwrap_or(UtcOffset::UTC))
        .date()
}

async fn seed(
    db: &Db,
    n: usize,
    communes: &[Unit],
    district: &Unit,
    assignees: &[Uuid],
) -> Res<Seeded> {
    let mut rng = Rng(0x5EED_F00D);
    let now = ntm_app::now();
    let today = vn_date(now);
    let span = 3 * 365 * 86_400i64;
    let start = now - time::Duration::seconds(span);
    let years = (start.year()..=now.year() + 1)
        .flat_map(|y| fixed_date_holidays(y, NationalDayExtra::After));
    let calendar = HolidayCalendar::new(years);
    // Uneven activity: a weight per commune.
    let weights: Vec<f64> = communes.iter().map(|_| 0.2 + rng.unit() * 2.0).collect();
    let total_w: f64 = weights.iter().sum();
    let categories = [
        ("giao-thong", 0.4, 10u32),
        ("moi-truong", 0.3, 10),
        ("chieu-sang", 0.2, 5),
        ("thu-tuc", 0.1, 15),
    ];
    let parent_path = |u: &Unit| -> String {
        let trimmed = u.path.trim_end_matches('/');
        match trimmed.rfind('/') {
            Some(i) => format!("{}/", &trimmed[..i]),
            None => u.path.clone(),
        }
    };
    let mut ids: Vec<Uuid> = Vec::with_capacity(n);
    let mut seeded = Seeded {
        in_district: 0,
        overdue: 0,
        open: 0,
    };
    let t = Instant::now();
    let mut batch = Vec::with_capacity(BATCH);
    for i in 0..n {
        // In time order, as they arrive, with a little jitter.
        let secs = (i as i64 * span) / n as i64 + rng.below(60) as i64;
        let received_at = ntm_store::db_time(
            start
                + time::Duration::seconds(secs)
                + time::Duration::microseconds(rng.below(1_000_000) as i64),
        )
        .min(now);
        let received_on = vn_date(received_at);
        let age_days = (now - received_at).whole_seconds() as f64 / 86_400.0;
        let mut pick = rng.unit() * total_w;
        let mut c = 0;
        while c + 1 < communes.len() && pick >= weights[c] {
            pick -= weights[c];
            c += 1;
        }
        let commune = &communes[c];
        let by_district = rng.below(10) == 0;
        let (resp_code, resp_path) = if by_district {
            let p = parent_path(commune);
            let code = p
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or(PROVINCE)
                .to_string();
            (code, p)
        } else {
            (commune.code.clone(), commune.path.clone())
        };
        let mut r = rng.unit();
        let (cat, days) = categories
            .iter()
            .find(|(_, w, _)| {
                r -= w;
                r < 0.0
            })
            .map(|(c, _, d)| (*c, *d))
            .unwrap_or(("thu-tuc", 15));
        let due_on = due_date(&calendar, received_on, days).unwrap_or(received_on);
        // Closed with a probability growing with age; 4 % of old reports stay open.
        let p_closed = if age_days > 60.0 {
            0.96
        } else {
            age_days / 60.0 * 0.9
        };
        let closed = rng.unit() < p_closed;
        let status = if closed {
            match rng.below(100) {
                0..=1 if i > BATCH => "merged",
                0..=7 => "rejected",
                _ => "resolved",
            }
        } else if age_days < 2.0 {
            "received"
        } else {
            match rng.below(100) {
                0..=2 => "transferred",
                3..=30 => "accepted",
                31..=40 => "received",
                _ => "in_progress",
            }
        };
        let (closed_at, closed_on) = if closed {
            let took = time::Duration::seconds(
                (rng.unit() * f64::from(days) * 1.6 * 86_400.0) as i64 + 3_600,
            );
            let at = ntm_store::db_time((received_at + took).min(now));
            (Some(at), Some(vn_date(at)))
        } else {
            (None, None)
        };
        if !closed {
            seeded.open += 1;
            if due_on < today {
                seeded.overdue += 1;
            }
        }
        if resp_path.starts_with(&district.path) {
            seeded.in_district += 1;
        }
        let with_contact = rng.below(2) == 0;
        let with_pin = rng.below(10) < 6;
        let id = Uuid::now_v7();
        let rec = FeedbackReportRecord {
            id,
            tracking_code: tracking_code(i),
            province_code: PROVINCE.into(),
            category_code: cat.into(),
            body: body(&mut rng, cat),
            lat: with_pin.then(|| 9.6 + rng.unit() * 0.6),
            lon: with_pin.then(|| 106.0 + rng.unit() * 0.6),
            location_code: Some(commune.code.clone()),
            location_path: commune.path.clone(),
            responsible_code: resp_code,
            responsible_path: resp_path,
            status: status.into(),
            received_at,
            received_on,
            due_on,
            closed_at,
            closed_on,
            answer: matches!(status, "resolved" | "rejected")
                .then(|| "Đã kiểm tra thực tế và xử lý xong. Cảm ơn ông/bà đã phản ánh.".into()),
            refer_to: (status == "rejected").then(|| "Công an xã".into()),
            merged_into: (status == "merged").then(|| ids[i - BATCH]),
            assignee_id: (!matches!(status, "received" | "transferred") && rng.below(5) == 0)
                .then(|| assignees[rng.below(assignees.len())]),
            contact_name: with_contact.then(|| "Nguyễn Văn A (dữ liệu tổng hợp)".into()),
            contact: with_contact.then(|| format!("09{:08}", rng.below(100_000_000))),
            contact_key: with_contact.then(|| format!("{:016x}", rng.next())),
            origin_key: Some(format!("{:016x}", rng.below(50_000))),
            client_token: (rng.below(2) == 0).then(|| format!("bench-{i}")),
            keep_location: false,
            rating: (status == "resolved" && rng.below(3) == 0).then(|| 1 + rng.below(5) as i64),
            rated_at: None,
            attributes: "{}".into(),
            version: 1,
            updated_at: closed_at.unwrap_or(received_at),
        };
        ids.push(id);
        batch.push(rec);
        if batch.len() == BATCH || i + 1 == n {
            db.bench_seed_feedback_reports(&batch).await?;
            batch.clear();
            if (i + 1) % 200_000 == 0 {
                eprintln!(
                    "  {} reports loaded, {:.0} s",
                    i + 1,
                    t.elapsed().as_secs_f64()
                );
            }
        }
    }
    Ok(seeded)
}

struct Stats {
    p50: Duration,
    p95: Duration,
    max: Duration,
    n: usize,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

/// `reps` timed runs after 3 warm-up runs, stopping after `budget` (at least 5 runs).
async fn time_it<F, Fut>(reps: usize, budget: Duration, mut f: F) -> Res<Stats>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Res<usize>>,
{
    for _ in 0..3 {
        f().await?;
    }
    let started = Instant::now();
    let mut times = Vec::with_capacity(reps);
    for _ in 0..reps {
        let t = Instant::now();
        f().await?;
        times.push(t.elapsed());
        if times.len() >= 5 && started.elapsed() > budget {
            break;
        }
    }
    times.sort();
    Ok(Stats {
        p50: percentile(&times, 0.5),
        p95: percentile(&times, 0.95),
        max: times.last().copied().unwrap_or_default(),
        n: times.len(),
    })
}

fn ms(d: Duration) -> String {
    let v = d.as_secs_f64() * 1000.0;
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn cell(s: &Stats) -> String {
    format!("{} / {} / {}", ms(s.p50), ms(s.p95), ms(s.max))
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
    let test_db = match backend {
        "sqlite" => ntm_testkit::TestDb::sqlite().await,
        "postgres" => ntm_testkit::TestDb::postgres()
            .await
            .ok_or("PostgreSQL is not available (no /usr/lib/postgresql/*/bin)")?,
        other => return Err(format!("unknown backend {other}; use sqlite or postgres").into()),
    };
    let db = test_db.db.clone();
    let dir = tempfile::Builder::new().prefix("ntm-fb-bench-").tempdir()?;
    let app = App::new(
        db.clone(),
        AppConfig {
            data_dir: dir.path().to_path_buf(),
            ..AppConfig::default()
        },
    );
    let cli = Actor::cli();
    let date = time::macros::date!(2023 - 05 - 07);
    import_snapshot(
        &app,
        &cli,
        SnapshotInput {
            source: "units-2023.csv".into(),
            units_csv: UNITS_CSV.as_bytes(),
            date,
            mapping_csv: None,
        },
        &mut |_| {},
    )
    .await?;
    ntm_app::feedback::seed_demo(&app, PROVINCE).await?;
    let communes: Vec<Unit> = db
        .units_on(date, Some(Level::Commune))
        .await?
        .into_iter()
        .filter(|u| u.province_code == PROVINCE)
        .collect();
    let districts: Vec<Unit> = db
        .units_on(date, Some(Level::District))
        .await?
        .into_iter()
        .filter(|u| u.province_code == PROVINCE)
        .collect();
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
    let seeded = seed(&db, n, &communes, &district, &[tinh_id, huyen_id, xa_id]).await?;
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
    if backend == "postgres" {
        let t = Instant::now();
        db.debug_execute_raw("ANALYZE feedback_reports").await?;
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
            "| {name} | {page} | {} | {} | {} | {} ({}) | {:.1} × |",
            r.3,
            cell(&r.0),
            cell(&r.1),
            cell(&r.2),
            r.2.n,
            r.2.p50.as_secs_f64() / r.1.p50.as_secs_f64().max(1e-9)
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
    app.close().await;
    test_db.cleanup().await;
    Ok(())
}
