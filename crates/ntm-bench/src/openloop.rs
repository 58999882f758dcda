//! The open-loop HTTP load generator of the benchmark binaries (`portal-load`,
//! `survey-load`): requests sent on a fixed schedule whatever the answers, latency measured
//! from each request's **intended** send time (so a stalled server shows as queueing, not as
//! fewer requests: no coordinated omission). No assertion on any time anywhere.
//!
//! A scheduler thread sleeps until each request's send time and hands it to the client — a
//! single-threaded tokio runtime the caller runs on its own thread — which sends it on an
//! idle HTTP/1.1 keep-alive connection, or opens one (up to [`MAX_CONNECTIONS`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::sync::{Mutex, Semaphore};

use crate::timing::percentile;

/// Errors of the load generator (sendable: they cross tasks).
pub type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Most connections a load opens.
pub const MAX_CONNECTIONS: usize = 256;

/// A request body.
pub type Body = Full<Bytes>;

type Conn = SendRequest<Body>;

/// Keep-alive connections to one address.
pub struct Pool {
    addr: std::net::SocketAddr,
    idle: Mutex<Vec<Conn>>,
    slots: Semaphore,
    opened: AtomicUsize,
}

impl Pool {
    pub fn new(addr: std::net::SocketAddr) -> Pool {
        Pool {
            addr,
            idle: Mutex::new(Vec::new()),
            slots: Semaphore::new(MAX_CONNECTIONS),
            opened: AtomicUsize::new(0),
        }
    }

    /// Connections opened so far.
    pub fn opened(&self) -> usize {
        self.opened.load(Ordering::Relaxed)
    }

    async fn connect(&self) -> Res<Conn> {
        let stream = tokio::net::TcpStream::connect(self.addr).await?;
        stream.set_nodelay(true)?;
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        self.opened.fetch_add(1, Ordering::Relaxed);
        Ok(sender)
    }

    /// Sends `req` on an idle connection (or a new one); the status and the body's length.
    pub async fn send(&self, mut req: Request<Body>) -> Res<(StatusCode, usize)> {
        let _slot = self.slots.acquire().await?;
        let idle = self.idle.lock().await.pop();
        let mut conn = match idle {
            Some(c) if !c.is_closed() => c,
            _ => self.connect().await?,
        };
        conn.ready().await?;
        if let Ok(h) = hyper::header::HeaderValue::from_str(&self.addr.to_string()) {
            req.headers_mut().entry(hyper::header::HOST).or_insert(h);
        }
        let res = conn.send_request(req).await?;
        let status = res.status();
        let body = res.into_body().collect().await?.to_bytes();
        self.idle.lock().await.push(conn);
        Ok((status, body.len()))
    }
}

/// A GET of `path` with no body.
pub fn get(path: &str) -> Res<Request<Body>> {
    Ok(Request::get(path).body(Full::new(Bytes::new()))?)
}

/// One request on a connection of its own: the status, the headers and the body.
pub async fn fetch(
    addr: std::net::SocketAddr,
    mut req: Request<Body>,
) -> Res<(StatusCode, hyper::HeaderMap, Bytes)> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    if let Ok(h) = hyper::header::HeaderValue::from_str(&addr.to_string()) {
        req.headers_mut().entry(hyper::header::HOST).or_insert(h);
    }
    let res = sender.send_request(req).await?;
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await?.to_bytes();
    Ok((status, headers, body))
}

/// A GET of `path` that must answer 200: its body as text.
pub async fn fetch_page(addr: std::net::SocketAddr, path: &str) -> Res<String> {
    let (status, _, body) = fetch(addr, get(path)?).await?;
    if status != StatusCode::OK {
        return Err(format!("GET {path}: {status}").into());
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// What one load measured (requests of the warm-up left out).
#[derive(Debug, Clone)]
pub struct LoadResult {
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
    pub max: Duration,
    /// Answers with the expected status.
    pub ok: usize,
    /// Other statuses, and requests that failed (connection errors), counted.
    pub errors: usize,
    /// The first unexpected status seen, if any.
    pub first_error: Option<String>,
    pub connections: usize,
    pub sent_rate: f64,
    pub answered_rate: f64,
}

/// A fixed-rate schedule: `rate` requests a second for `warmup` s (not counted) then `secs` s.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    pub rate: u64,
    pub warmup: u64,
    pub secs: u64,
}

impl Schedule {
    /// Requests sent in all (warm-up included).
    pub fn total(&self) -> u64 {
        self.rate * (self.warmup + self.secs)
    }
}

/// Open-loop load on `addr`: request `i` (made by `make(i)`) is due at `start + i / rate`;
/// its latency runs from then to the last byte of the answer. A request counts as answered
/// when its status is `expect`. Every latency (errors too) is in the percentiles.
pub async fn load<F>(
    addr: std::net::SocketAddr,
    s: Schedule,
    expect: StatusCode,
    make: F,
) -> Res<LoadResult>
where
    F: Fn(u64) -> Request<Body>,
{
    let pool = Arc::new(Pool::new(addr));
    let total = s.total();
    let skip = s.rate * s.warmup;
    let rate = s.rate;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(u64, Instant)>();
    let start = Instant::now() + Duration::from_millis(20);
    // The scheduler: a thread that sleeps until each intended send time.
    let scheduler = std::thread::spawn(move || {
        for i in 0..total {
            let due = start + Duration::from_nanos(i * 1_000_000_000 / rate);
            let now = Instant::now();
            if due > now {
                std::thread::sleep(due - now);
            }
            if tx.send((i, due)).is_err() {
                break;
            }
        }
    });
    type Done = (u64, Duration, Instant, Result<StatusCode, String>);
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel::<Done>();
    let mut last_sent = start;
    while let Some((i, due)) = rx.recv().await {
        last_sent = due;
        let pool = pool.clone();
        let done = done_tx.clone();
        let req = make(i);
        tokio::spawn(async move {
            let r = pool
                .send(req)
                .await
                .map(|(s, _)| s)
                .map_err(|e| e.to_string());
            let _ = done.send((i, due.elapsed(), Instant::now(), r));
        });
    }
    drop(done_tx);
    let _ = scheduler.join();
    let mut times = Vec::with_capacity((total - skip) as usize);
    let (mut ok, mut errors, mut first_error) = (0, 0, None);
    let mut last_done = start;
    while let Some((i, d, at, r)) = done_rx.recv().await {
        last_done = last_done.max(at);
        if i < skip {
            continue;
        }
        times.push(d);
        match r {
            Ok(status) if status == expect => ok += 1,
            Ok(status) => {
                errors += 1;
                first_error.get_or_insert_with(|| format!("HTTP {status}"));
            }
            Err(e) => {
                errors += 1;
                first_error.get_or_insert(e);
            }
        }
    }
    times.sort();
    let measured_from = start + Duration::from_secs(s.warmup);
    let sent_span = (last_sent - measured_from).as_secs_f64().max(1e-9);
    let done_span = (last_done - measured_from).as_secs_f64().max(1e-9);
    Ok(LoadResult {
        p50: percentile(&times, 0.50),
        p95: percentile(&times, 0.95),
        p99: percentile(&times, 0.99),
        max: times.last().copied().unwrap_or_default(),
        ok,
        errors,
        first_error,
        connections: pool.opened(),
        sent_rate: (total - skip) as f64 / sent_span,
        answered_rate: ok as f64 / done_span,
    })
}

/// Milliseconds with two decimals, as the load tables print them.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
