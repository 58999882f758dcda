//! Two `ntm serve` processes on one PostgreSQL database behind a small loopback proxy that
//! sends each connection to the next server in turn (issue 14, part 6). What one server
//! does, the other sees: sessions, login limits, notifications, the audit chain and
//! optimistic concurrency behave as with one server.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ntm_testkit::TestDb;
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};

use super::{BIN, ok};

const UNITS_2023: &str = "code,name,level,kind,parent_code
84,Tỉnh Trà Vinh,province,Tỉnh,
86,Tỉnh Vĩnh Long,province,Tỉnh,
847,Huyện Châu Thành,district,Huyện,84
29374,Thị trấn Châu Thành,commune,Xã,847
29377,Xã Đa Lộc,commune,Xã,847
";
const UNITS_2025: &str = "code,name,level,kind,parent_code
86,Tỉnh Vĩnh Long,province,Tỉnh,
29374,Xã Châu Thành,commune,Xã,86
";
const MAPPING_2025: &str = "old_commune_code,new_commune_code,old_commune_name,new_commune_name,old_district_code,old_province_code,new_province_code,merge_type,note_vi
29374,29374,Thị trấn Châu Thành,Xã Châu Thành,847,84,86,whole,Nhập toàn bộ
29377,29374,Xã Đa Lộc,Xã Châu Thành,847,84,86,whole,Nhập toàn bộ
";
const PASSWORD: &str = "mat-khau-hai-may-chu";
const SUBMISSION_DOCS: [&str; 6] = [
    "submission_letter",
    "results_report",
    "comments_summary",
    "satisfaction_report",
    "meeting_minutes",
    "capital_debt_report",
];

/// `ntm ARGS` on the shared database and data folder.
fn ntm(url: &str, data: &Path, args: &[&str], stdin: Option<&str>) -> std::process::Output {
    use std::io::Write;
    let mut c = Command::new(BIN);
    c.args(args)
        .arg("--database-url")
        .arg(url)
        .arg("--data-dir")
        .arg(data)
        .env_remove("NTM_DATABASE_URL")
        .env_remove("NTM_DATA_DIR")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("spawn ntm");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait ntm")
}

/// A server process, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

async fn start_server(url: &str, data: &Path) -> (Server, SocketAddr) {
    let port = free_port();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let child = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            &addr.to_string(),
            "--no-migrate",
            "--trust-forwarded-for",
        ])
        .arg("--database-url")
        .arg(url)
        .arg("--data-dir")
        .arg(data)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn ntm serve");
    let server = Server(child);
    let client = reqwest::Client::new();
    let started = Instant::now();
    loop {
        if let Ok(r) = client.get(format!("http://{addr}/health")).send().await
            && r.status() == 200
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "ntm serve on {addr} did not answer /health within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (server, addr)
}

/// The loopback proxy: each accepted connection goes to the next upstream in turn. Returns
/// its address and the number of connections sent to each upstream.
async fn proxy(upstreams: Vec<SocketAddr>) -> (SocketAddr, Arc<Vec<AtomicUsize>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy bind");
    let addr = listener.local_addr().expect("proxy addr");
    let counts: Arc<Vec<AtomicUsize>> =
        Arc::new(upstreams.iter().map(|_| AtomicUsize::new(0)).collect());
    let seen = counts.clone();
    tokio::spawn(async move {
        let next = AtomicUsize::new(0);
        while let Ok((mut inbound, _)) = listener.accept().await {
            let i = next.fetch_add(1, Ordering::Relaxed) % upstreams.len();
            seen[i].fetch_add(1, Ordering::Relaxed);
            let up = upstreams[i];
            tokio::spawn(async move {
                if let Ok(mut outbound) = TcpStream::connect(up).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    (addr, counts)
}

/// A browser-like client through the proxy at the client address `from` (sent as
/// `X-Forwarded-For`, as the site's reverse proxy would): cookies kept, a new connection per
/// request (so consecutive requests reach different servers).
fn client(from: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        "x-forwarded-for",
        reqwest::header::HeaderValue::from_str(from).expect("address"),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .cookie_store(true)
        .pool_max_idle_per_host(0)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The `_csrf` value of a page's form.
fn form_token(html: &str) -> String {
    let at = html
        .find("name=\"_csrf\" value=\"")
        .expect("a form with _csrf");
    let rest = &html[at + "name=\"_csrf\" value=\"".len()..];
    rest[..rest.find('"').expect("end of token")].to_string()
}

async fn login(base: &str, c: &reqwest::Client, user: &str, password: &str) -> u16 {
    let page = c
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let t = form_token(&page);
    c.post(format!("{base}/login"))
        .form(&[
            ("_csrf", t.as_str()),
            ("username", user),
            ("password", password),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The CSRF token of a logged-in session (from its account page).
async fn session_token(base: &str, c: &reqwest::Client) -> String {
    let html = c
        .get(format!("{base}/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    form_token(&html)
}

async fn act(base: &str, c: &reqwest::Client, t: &str, id: &str, body: Value) -> (u16, Value) {
    let r = c
        .post(format!("{base}/api/v1/dossiers/{id}/actions"))
        .header("x-csrf-token", t)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_on_one_postgresql() {
    let Some(pg) = TestDb::postgres().await else {
        assert!(
            std::env::var("NTM_REQUIRE_PG").as_deref() != Ok("1"),
            "PostgreSQL is required (NTM_REQUIRE_PG=1) but not available"
        );
        eprintln!("SKIP (PostgreSQL): two_servers_on_one_postgresql did not run");
        return;
    };
    let url = pg.url.clone();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let (u23, u25, map) = (
        file("u23.csv", UNITS_2023),
        file("u25.csv", UNITS_2025),
        file("map.csv", MAPPING_2025),
    );
    ok(&ntm(
        &url,
        &data,
        &[
            "import",
            "units",
            u23.to_str().unwrap(),
            "--date",
            "2023-05-07",
        ],
        None,
    ));
    ok(&ntm(
        &url,
        &data,
        &[
            "import",
            "units",
            u25.to_str().unwrap(),
            "--date",
            "2025-07-01",
            "--mapping",
            map.to_str().unwrap(),
        ],
        None,
    ));
    for (user, role) in [
        ("xa.chauthanh", "commune_officer@29374"),
        ("tinh.vinhlong", "province_officer@86"),
    ] {
        ok(&ntm(
            &url,
            &data,
            &[
                "user",
                "add",
                user,
                "--name",
                user,
                "--role",
                role,
                "--password-stdin",
            ],
            Some(&format!("{PASSWORD}\n")),
        ));
    }

    let (_a, addr_a) = start_server(&url, &data).await;
    let (_b, addr_b) = start_server(&url, &data).await;
    let (proxy_addr, counts) = proxy(vec![addr_a, addr_b]).await;
    let base = format!("http://{proxy_addr}");

    // Sessions: a login made on one server is valid on the other, request after request.
    let xa = client("203.0.113.10");
    assert_eq!(login(&base, &xa, "xa.chauthanh", PASSWORD).await, 303);
    for _ in 0..4 {
        let r = xa.get(format!("{base}/account")).send().await.unwrap();
        assert_eq!(r.status(), 200, "session known to both servers");
    }
    // …and a logout on one ends it on both.
    let t = session_token(&base, &xa).await;
    let r = xa
        .post(format!("{base}/logout"))
        .form(&[("_csrf", t.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    for _ in 0..2 {
        let r = xa.get(format!("{base}/account")).send().await.unwrap();
        assert_eq!(r.status(), 303, "logged out everywhere");
    }
    assert_eq!(login(&base, &xa, "xa.chauthanh", PASSWORD).await, 303);

    // Login limits hold across the servers: wrong passwords alternate between them, and
    // once the account's free attempts are used the guessing address must wait, on either
    // server, while the owner from another address gets in (below).
    let guesser = client("198.51.100.7");
    let mut statuses = Vec::new();
    for _ in 0..8 {
        statuses.push(login(&base, &guesser, "tinh.vinhlong", "doan-mo").await);
    }
    let verified = statuses.iter().filter(|s| **s == 401).count();
    assert!(
        (1..=5).contains(&verified) && statuses.iter().all(|s| *s == 401 || *s == 429),
        "at most 5 passwords verified over two servers: {statuses:?}"
    );
    assert_eq!(statuses[7], 429, "{statuses:?}");

    // Optimistic concurrency and notifications: a dossier moved through both servers; two
    // actions naming the same step, sent at once, one to each server: one wins, one 409.
    let t = session_token(&base, &xa).await;
    let r = xa
        .post(format!("{base}/api/v1/dossiers"))
        .header("x-csrf-token", &t)
        .json(&json!({"unit": "29374", "set": "xa-ntm-2021-2025", "year": 2025, "date": "2026-10-01"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let start = json!({"action": "start_posting", "expected_seq": 0, "date": "2026-10-01",
                       "documents": ["results_report"]});
    let (s1, s2) = tokio::join!(
        act(&base, &xa, &t, &id, start.clone()),
        act(&base, &xa, &t, &id, start.clone())
    );
    let mut codes = [s1.0, s2.0];
    codes.sort_unstable();
    assert_eq!(codes, [200, 409], "one of two concurrent actions wins");
    let (s, d) = act(
        &base,
        &xa,
        &t,
        &id,
        json!({"action": "end_posting", "expected_seq": 1, "date": "2026-10-17"}),
    )
    .await;
    assert_eq!(
        (s, d["state"].as_str()),
        (200, Some("ready_to_submit")),
        "{d}"
    );
    let (s, d) = act(
        &base,
        &xa,
        &t,
        &id,
        json!({"action": "submit", "expected_seq": 2, "date": "2026-10-20", "documents": SUBMISSION_DOCS}),
    )
    .await;
    assert_eq!((s, d["state"].as_str()), (200, Some("submitted")), "{d}");
    // The province officer reads the notification on whichever server answers.
    let tinh = client("203.0.113.20");
    assert_eq!(
        login(&base, &tinh, "tinh.vinhlong", PASSWORD).await,
        303,
        "the owner gets in from a fresh client"
    );
    for _ in 0..2 {
        let n = tinh
            .get(format!("{base}/notifications"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(n.contains("Xã Châu Thành"), "{n}");
    }

    // Parallel writes through both servers: values entered at once; the audit chain holds.
    let t = session_token(&base, &xa).await;
    let writes = (0..12).map(|i| {
        let (xa, t, base) = (xa.clone(), t.clone(), base.clone());
        async move {
            xa.put(format!("{base}/api/v1/units/29374/observations"))
                .header("x-csrf-token", t)
                .json(&json!({"set": "xa-ntm-2021-2025", "year": 2024,
                              "values": [{"code": format!("2.{}", 1 + i % 2), "value": format!("{} %", 80 + i)}],
                              "note": "hai máy chủ"}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    });
    let mut statuses = Vec::new();
    for h in writes.map(tokio::spawn) {
        statuses.push(h.await.unwrap());
    }
    // A first value of 2.1 and of 2.2 each succeed once; every other write names no
    // version and conflicts, whichever server took it.
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        2,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        10,
        "{statuses:?}"
    );
    let out = ok(&ntm(&url, &data, &["audit", "verify"], None));
    assert!(out.contains("audit log OK"), "{out}");

    // Both servers took part.
    let (na, nb) = (
        counts[0].load(Ordering::Relaxed),
        counts[1].load(Ordering::Relaxed),
    );
    assert!(na >= 10 && nb >= 10, "connections: {na} and {nb}");
    pg.cleanup().await;
}
