//! `cargo run -p ntm-bench --release --bin portal-load -- [SECONDS] [RATE] [WARMUP] [POSTS]`
//!
//! The public commune portal under an open-loop constant rate (issue 17: "public commune page
//! p99 < 10 ms at 1,000 req/s next to a bare axum baseline").
//!
//! Set-up, in a temporary SQLite database (WAL, as `ntm serve` opens it): the official unit
//! lists (`ntm_app::demo::import_reference_units`), a commune officer of An Bình (29584,
//! Vĩnh Long) logged in through the app, and through the use cases (sanitizer, audit
//! entries, as an officer would): `POSTS` (default 200) posts of 1–3 KB of HTML, a quarter
//! of them digital transformation, all published (so all are published today: the page's
//! DX figures read every DX post — more than a real commune's month), and the loudspeaker
//! schedule: two programmes a day of three segments (one DX) from 30 days back to 27 days
//! ahead, the past ones marked held. The real router (`ntm_web::serve`, every middleware) is
//! served on a loopback TCP port by a tokio runtime of 2 worker threads.
//!
//! Load: open loop at `RATE` requests/s (default 1,000) for `WARMUP` s (default 5, not
//! counted) then `SECONDS` s (default 20): a scheduler thread sleeps until each request's
//! intended send time and hands it to the client — a single-threaded tokio runtime on its
//! own thread, HTTP/1.1 keep-alive connections from a pool opened as needed (up to 256) —
//! and the latency is measured **from the intended send time** to the last byte of the
//! answer, so a stalled server shows as queueing instead of as fewer requests
//! (coordinated omission). Targets, one after the other: `/portal/29584`, a post page, the
//! Atom feed, and the baseline: a bare axum server (same kind of runtime, its own port)
//! answering the commune page's bytes as a static HTML body. Prints p50/p95/p99/max per
//! target and each p99 / the baseline's p99.

use std::time::{Duration, Instant};

use ntm_app::portal::{self, PostForm, ProgrammeForm, SegmentForm};
use ntm_app::users::{GrantInput, NewUser, add_user, login};
use ntm_app::{Actor, App, AppConfig, Db};
use ntm_bench::openloop::{self, Schedule, fetch_page, ms};

use ntm_bench::openloop::Res;

const COMMUNE: &str = "29584";

fn main() {
    if let Err(e) = run() {
        eprintln!("portal-load: {e}");
        std::process::exit(1);
    }
}

fn arg<T: std::str::FromStr>(v: Option<String>, default: T) -> Res<T>
where
    T::Err: std::error::Error + Send + Sync + 'static,
{
    Ok(match v {
        Some(a) => a.parse()?,
        None => default,
    })
}

fn run() -> Res<()> {
    let mut args = std::env::args().skip(1);
    let secs: u64 = arg(args.next(), 20)?;
    let rate: u64 = arg(args.next(), 1_000)?;
    let warmup: u64 = arg(args.next(), 5)?;
    let posts: usize = arg(args.next(), 200)?;

    // The server side: 2 worker threads (the machine's 2 cores), apart from the client.
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("server")
        .enable_all()
        .build()?;
    let dir = tempfile::Builder::new()
        .prefix("ntm-portal-load-")
        .tempdir()?;
    let t = Instant::now();
    let (app, post_path) = server_rt.block_on(setup(dir.path(), posts))?;
    eprintln!("set-up: {:.1} s", t.elapsed().as_secs_f64());
    let listener = server_rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    server_rt.spawn(async move {
        let r = ntm_web::serve(
            listener,
            app,
            ntm_web::WebConfig::default(),
            std::future::pending(),
        )
        .await;
        if let Err(e) = r {
            eprintln!("server: {e}");
        }
    });

    // The client side: one thread of its own.
    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let page = format!("/portal/{COMMUNE}");
    let body = client_rt.block_on(fetch_page(addr, &page))?;
    let baseline_body = body.clone();
    let base_listener = server_rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let base_addr = base_listener.local_addr()?;
    server_rt.spawn(async move {
        let router = axum::Router::new().route(
            "/static",
            axum::routing::get(move || {
                let b = baseline_body.clone();
                async move { axum::response::Html(b) }
            }),
        );
        if let Err(e) = axum::serve(base_listener, router).await {
            eprintln!("baseline server: {e}");
        }
    });

    let targets = [
        ("commune page", addr, page.clone()),
        ("post page", addr, post_path.clone()),
        ("Atom feed", addr, format!("/portal/{COMMUNE}/feed.atom")),
        (
            "baseline: bare axum, static body",
            base_addr,
            "/static".into(),
        ),
    ];
    println!(
        "open loop, {rate} req/s, {warmup} s warm-up + {secs} s measured per target; latency \
         from the intended send time; commune page {} bytes",
        body.len()
    );
    let mut results = Vec::new();
    for (name, a, path) in &targets {
        let size = client_rt.block_on(fetch_page(*a, path))?.len();
        let schedule = Schedule { rate, warmup, secs };
        let r = client_rt.block_on(openloop::load(*a, schedule, hyper::StatusCode::OK, |_| {
            openloop::get(path).unwrap_or_default()
        }))?;
        eprintln!("{name}: done");
        results.push((*name, path.clone(), size, r));
    }
    let base_p99 = results
        .last()
        .map(|r| r.3.p99)
        .unwrap_or(Duration::from_nanos(1));
    println!();
    println!(
        "| target | bytes | sent / answered (req/s) | errors | connections | p50 | p95 | p99 | max | p99 / baseline p99 |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    for (name, path, size, r) in &results {
        println!(
            "| {name} (`{path}`) | {size} | {:.0} / {:.0} | {} | {} | {} | {} | {} | {} | {:.1} × |",
            r.sent_rate,
            r.answered_rate,
            r.errors,
            r.connections,
            ms(r.p50),
            ms(r.p95),
            ms(r.p99),
            ms(r.max),
            r.p99.as_secs_f64() / base_p99.as_secs_f64().max(1e-9)
        );
    }
    drop(client_rt);
    server_rt.shutdown_timeout(Duration::from_secs(2));
    Ok(())
}

async fn user(app: &App, name: &str, grant: &str) -> Res<Actor> {
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
    Ok(u.actor("10.0.0.1"))
}

const TOPICS: [&str; 6] = [
    "Hướng dẫn cài đặt và sử dụng VNeID mức 2",
    "Nộp hồ sơ dịch vụ công trực tuyến tại nhà",
    "Thanh toán không dùng tiền mặt ở chợ xã",
    "Lịch tiêm phòng cho đàn gia súc, gia cầm",
    "Ra quân dọn vệ sinh môi trường các tuyến đường",
    "Kết quả xây dựng nông thôn mới nâng cao",
];

fn post_body(i: usize) -> String {
    let mut s = String::new();
    for p in 0..(2 + i % 5) {
        s.push_str(&format!(
            "<p>Ngày {} tháng {}, Ủy ban nhân dân xã tổ chức <b>{}</b> cho bà con các ấp. \
             Cán bộ xã, đoàn viên thanh niên hướng dẫn từng bước, giải đáp thắc mắc và ghi \
             nhận ý kiến của người dân (bài {i}, đoạn {p}).</p>",
            1 + i % 28,
            1 + i % 12,
            TOPICS[(i + p) % TOPICS.len()]
        ));
    }
    s.push_str("<ul><li>Mang theo căn cước công dân</li><li>Điện thoại có kết nối mạng</li></ul>");
    s
}

/// The commune's posts and schedule through the use cases; the path of one post's page.
async fn setup(dir: &std::path::Path, posts: usize) -> Res<(App, String)> {
    let url = format!("sqlite://{}?mode=rwc", dir.join("ntm.db").display());
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    let app = App::new(
        db,
        AppConfig {
            data_dir: dir.to_path_buf(),
            ..AppConfig::default()
        },
    );
    ntm_app::demo::import_reference_units(&app, &Actor::cli(), &mut |_, _| {}).await?;
    let xa = user(
        &app,
        "xa.portal.bench",
        &format!("commune_officer@{COMMUNE}"),
    )
    .await?;
    let categories = ["tin-tuc", "thong-bao", "nong-thon-moi", "chuyen-doi-so"];
    let mut one = None;
    for i in 0..posts {
        let post = portal::new_post(
            &app,
            &xa,
            COMMUNE,
            PostForm {
                title: format!("{} (bài mẫu {i})", TOPICS[i % TOPICS.len()]),
                body: post_body(i),
                category: categories[i % categories.len()].into(),
                photos: Vec::new(),
            },
        )
        .await?;
        let p = portal::set_published(&app, &xa, post.id, post.version, true).await?;
        one = Some(p.id);
    }
    let today = ntm_app::today();
    for d in -30i64..28 {
        let day = today + time::Duration::days(d);
        for (time, title) in [("06:30", "Bản tin sáng"), ("17:00", "Bản tin chiều")] {
            let p = portal::add_programme(
                &app,
                &xa,
                COMMUNE,
                ProgrammeForm {
                    air_date: day.to_string(),
                    air_time: time.into(),
                    title: title.into(),
                    segments: vec![
                        SegmentForm {
                            topic: TOPICS[(d.unsigned_abs() as usize) % 3].into(),
                            dx: true,
                        },
                        SegmentForm {
                            topic: TOPICS[3 + (d.unsigned_abs() as usize) % 3].into(),
                            dx: false,
                        },
                        SegmentForm {
                            topic: "Thông báo của Ủy ban nhân dân xã".into(),
                            dx: false,
                        },
                    ],
                },
            )
            .await?;
            if d <= 0 {
                portal::mark_held(&app, &xa, p.programme.id, "Đã phát đủ thời lượng").await?;
            }
        }
    }
    let id = one.ok_or("no post seeded (POSTS = 0)")?;
    Ok((app, format!("/portal/{COMMUNE}/posts/{id}")))
}
