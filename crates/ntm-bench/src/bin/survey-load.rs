//! `cargo run -p ntm-bench --release --bin survey-load -- [BACKEND] [SECONDS] [RATES] [WARMUP]`
//!
//! The citizens' survey answer path under an open-loop constant rate (issue 18 item 4:
//! "p99 < 20 ms at ≥ 5,000 accepted answers/s").
//!
//! Set-up: `BACKEND` `sqlite` (default: a file in a temporary folder opened as `ntm serve`
//! opens it — WAL, `synchronous=NORMAL`) or `postgres` (a throwaway cluster of
//! `ntm-testkit`: **fsync and synchronous_commit off**, so not a durability figure); the
//! demo, one open campaign of the demo commune 29374 and as many one-time codes as the runs
//! need, issued through the application layer (`ntm_bench::survey`). The real router
//! (`ntm_web::serve`, every middleware, `trust_forwarded_for` as behind a proxy) is served
//! on a loopback port by a tokio runtime of 2 worker threads (the machine's 2 cores).
//!
//! Load: for each rate of `RATES` (default `5000,6000` answers/s), `WARMUP` s (default 5,
//! not counted) then `SECONDS` s (default 20) of open-loop load (`ntm_bench::openloop`:
//! latency from each request's intended send time, so coordinated omission is counted).
//! Every request is the public form's POST as a browser sends it: a fresh one-time code
//! (the codes are used in a random order, as citizens answer; `NTM_SURVEY_ORDER=issued` uses
//! them in the order they were issued, as this benchmark did until 7 December 2026, which
//! marks neighbouring rows of `survey_tokens` used one after the other),
//! the double-submit CSRF token in the `ntm_csrf` cookie and the `_csrf` field (taken from
//! the form's GET), `Origin`, the answer and the extra questions, and its own
//! `X-Forwarded-For` address (the per-address limit is not raised; the limiter runs on
//! every request with two keys: the address and the code). An accepted answer is the 303 to
//! the thank-you page; after each run the answers are **counted in the database** (and the
//! codes marked used) and compared with the 303s. Then the baseline at the same rate: a
//! bare axum server (same runtime, its own port) whose handler parses the same form and
//! answers the same 303. Prints p50/p95/p99/max and each p99 / the baseline's p99.

use std::time::{Duration, Instant};

use axum::response::IntoResponse;
use hyper::header::{CONTENT_TYPE, COOKIE, HeaderValue, ORIGIN, SET_COOKIE};
use hyper::{Request, StatusCode};
use ntm_app::{App, AppConfig, Db};
use ntm_bench::openloop::{self, Body, LoadResult, Res, Schedule, ms};
use ntm_bench::survey::{OpenCampaign, issue_codes, open_campaign};

fn main() {
    if let Err(e) = run() {
        eprintln!("survey-load: {e}");
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

/// What every request of a run shares.
struct Form {
    path: String,
    origin: String,
    cookie: String,
    csrf: String,
}

/// The public form's POST with code `token`, sent from address `n`.
fn answer_request(f: &Form, token: &str, n: u64) -> Request<Body> {
    // "Đường giao thông" (the first option of the suggested first extra question).
    let body = format!(
        "_csrf={}&answer=satisfied&q0=%C4%90%C6%B0%E1%BB%9Dng+giao+th%C3%B4ng&q1=&token={token}",
        f.csrf
    );
    let ip = format!("10.{}.{}.{}", (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
    Request::post(f.path.as_str())
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(COOKIE, f.cookie.as_str())
        .header(ORIGIN, f.origin.as_str())
        .header("x-forwarded-for", ip)
        .body(Body::from(body))
        .unwrap_or_default()
}

fn run() -> Res<()> {
    let mut args = std::env::args().skip(1);
    let backend: String = arg(args.next(), "sqlite".to_string())?;
    let secs: u64 = arg(args.next(), 20)?;
    let rates: String = arg(args.next(), "5000,6000".to_string())?;
    let warmup: u64 = arg(args.next(), 5)?;
    let rates: Vec<u64> = rates
        .split(',')
        .map(|r| r.trim().parse())
        .collect::<Result<_, _>>()?;
    let schedules: Vec<Schedule> = rates
        .iter()
        .map(|&rate| Schedule { rate, warmup, secs })
        .collect();
    let needed: u64 = schedules.iter().map(Schedule::total).sum();

    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("server")
        .enable_all()
        .build()?;
    let dir = tempfile::Builder::new()
        .prefix("ntm-survey-load-")
        .tempdir()?;
    let t = Instant::now();
    let (db, _pg, app, campaign, tokens) =
        server_rt.block_on(setup(&backend, dir.path(), u32::try_from(needed)?))?;
    eprintln!(
        "set-up: {:.1} s ({} codes)",
        t.elapsed().as_secs_f64(),
        tokens.len()
    );
    let listener = server_rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    let cfg = ntm_web::WebConfig {
        trust_forwarded_for: true,
        ..ntm_web::WebConfig::default()
    };
    server_rt.spawn(async move {
        if let Err(e) = ntm_web::serve(listener, app, cfg, std::future::pending()).await {
            eprintln!("server: {e}");
        }
    });
    let thanks = format!("/s/{}/thanks", campaign.code);
    let base_listener = server_rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let base_addr = base_listener.local_addr()?;
    let base_thanks = thanks.clone();
    server_rt.spawn(async move {
        let router = axum::Router::new().route(
            "/s/{code}",
            axum::routing::post(move |axum::Form(f): axum::Form<Vec<(String, String)>>| {
                let to = base_thanks.clone();
                async move {
                    // The same work a handler cannot avoid: the form read, one field looked at.
                    let answered = f.iter().any(|(k, v)| k == "token" && !v.is_empty());
                    if answered {
                        axum::response::Redirect::to(&to).into_response()
                    } else {
                        StatusCode::UNPROCESSABLE_ENTITY.into_response()
                    }
                }
            }),
        );
        if let Err(e) = axum::serve(base_listener, router).await {
            eprintln!("baseline server: {e}");
        }
    });

    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let path = format!("/s/{}", campaign.code);
    let form = client_rt.block_on(form_of(addr, &path))?;
    let base_form = Form {
        path: form.path.clone(),
        origin: format!("http://{base_addr}"),
        cookie: form.cookie.clone(),
        csrf: form.csrf.clone(),
    };
    println!(
        "backend {backend}; open loop, {warmup} s warm-up + {secs} s measured per run; latency \
         from the intended send time; rates {rates:?} answers/s"
    );
    let mut rows = Vec::new();
    let mut next = 0usize;
    for s in &schedules {
        let before = client_rt.block_on(stored(&db, &campaign))?;
        let offset = next;
        let started = Instant::now();
        let r = client_rt.block_on(openloop::load(addr, *s, StatusCode::SEE_OTHER, |i| {
            let k = offset + i as usize;
            answer_request(&form, &tokens[k], k as u64)
        }))?;
        let span = started.elapsed();
        next += s.total() as usize;
        // Let the last answers' commits finish before counting.
        std::thread::sleep(Duration::from_millis(200));
        let after = client_rt.block_on(stored(&db, &campaign))?;
        let answers = after.0 - before.0;
        let used = after.1 - before.1;
        eprintln!("{} answers/s: done", s.rate);
        let b = client_rt.block_on(openloop::load(base_addr, *s, StatusCode::SEE_OTHER, |i| {
            answer_request(&base_form, "BASELINE00", i)
        }))?;
        eprintln!("{} answers/s baseline: done", s.rate);
        rows.push((*s, r, answers, used, span, b));
    }

    println!();
    println!(
        "| rate (answers/s) | answers stored / codes used (whole run, warm-up included) | \
         accepted answers/s (stored ÷ run time) | 303s measured | errors | connections | p50 | \
         p95 | p99 | max | baseline p50 / p99 / max | p99 / baseline p99 |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (s, r, answers, used, span, b) in &rows {
        println!(
            "| {} | {answers} / {used} | {:.0} | {} | {}{} | {} | {} | {} | {} | {} | {} / {} / {} | {:.1} × |",
            s.rate,
            *answers as f64 / span.as_secs_f64(),
            r.ok,
            r.errors,
            r.first_error
                .as_deref()
                .map(|e| format!(" (first: {e})"))
                .unwrap_or_default(),
            r.connections,
            ms(r.p50),
            ms(r.p95),
            ms(r.p99),
            ms(r.max),
            ms(b.p50),
            ms(b.p99),
            ms(b.max),
            r.p99.as_secs_f64() / b.p99.as_secs_f64().max(1e-9)
        );
        check(s, r, *answers, *used);
    }
    drop(client_rt);
    server_rt.shutdown_timeout(Duration::from_secs(2));
    Ok(())
}

/// Says so when the database does not hold exactly one answer per used code, or when
/// answers acknowledged were not stored.
fn check(s: &Schedule, r: &LoadResult, answers: i64, used: i64) {
    if answers != used {
        println!(
            "MISMATCH at {}/s: {answers} answers stored but {used} codes used",
            s.rate
        );
    }
    if (r.ok as i64) > answers {
        println!(
            "LOST at {}/s: {} answers acknowledged in the measured part alone, {answers} stored",
            s.rate, r.ok
        );
    }
}

/// Answers stored and codes used in the campaign.
async fn stored(db: &Db, c: &OpenCampaign) -> Res<(i64, i64)> {
    let answers: i64 = db.survey_counts(c.id).await?.iter().map(|c| c.n).sum();
    let used: i64 = db
        .survey_token_counts(c.id)
        .await?
        .iter()
        .map(|c| c.used)
        .sum();
    Ok((answers, used))
}

/// The form's page: its `ntm_csrf` cookie (double submit) for the posts.
async fn form_of(addr: std::net::SocketAddr, path: &str) -> Res<Form> {
    let (status, headers, _) = openloop::fetch(addr, openloop::get(path)?).await?;
    if status != StatusCode::OK {
        return Err(format!("GET {path}: {status}").into());
    }
    let csrf = headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v: &HeaderValue| v.to_str().ok())
        .find_map(|v| v.strip_prefix("ntm_csrf="))
        .and_then(|v| v.split(';').next())
        .ok_or("no ntm_csrf cookie on the form's page")?
        .to_owned();
    Ok(Form {
        path: path.to_owned(),
        origin: format!("http://{addr}"),
        cookie: format!("ntm_csrf={csrf}"),
        csrf,
    })
}

type SetUp = (
    Db,
    Option<ntm_testkit::TestDb>,
    App,
    OpenCampaign,
    Vec<String>,
);

async fn setup(backend: &str, dir: &std::path::Path, codes: u32) -> Res<SetUp> {
    let (db, pg) = match backend {
        "sqlite" => {
            let url = format!("sqlite://{}?mode=rwc", dir.join("ntm.db").display());
            (Db::connect(&url).await?, None)
        }
        "postgres" => {
            let t = ntm_testkit::TestDb::postgres()
                .await
                .ok_or("PostgreSQL is not available (no /usr/lib/postgresql/*/bin)")?;
            (t.db.clone(), Some(t))
        }
        other => return Err(format!("unknown backend {other}; use sqlite or postgres").into()),
    };
    db.migrate().await?;
    let app = App::new(
        db.clone(),
        AppConfig {
            data_dir: dir.to_path_buf(),
            ..AppConfig::default()
        },
    );
    let campaign = open_campaign(&app).await.map_err(|e| e.to_string())?;
    let mut tokens = Vec::with_capacity(codes as usize);
    issue_codes(&app, &campaign.code, codes, &mut |batch| {
        tokens.extend(batch);
        Ok(())
    })
    .await
    .map_err(|e| e.to_string())?;
    // Citizens answer in any order, not in the order the slips were printed.
    if std::env::var("NTM_SURVEY_ORDER").as_deref() != Ok("issued") {
        use rand::seq::SliceRandom;
        tokens.shuffle(&mut rand::rng());
    }
    Ok((db, pg, app, campaign, tokens))
}
