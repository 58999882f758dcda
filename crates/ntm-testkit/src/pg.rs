//! A throwaway PostgreSQL cluster, one per test process, started on first use.
//!
//! Binaries come from `$NTM_PG_BIN` or the highest `/usr/lib/postgresql/*/bin`. The
//! cluster listens only on a Unix socket in its temporary directory, with durability off.
//! As root (initdb refuses root) the binaries run as `postgres` (or `nobody`) through
//! `runuser`. Statics are never dropped, so a detached watchdog stops the cluster and
//! removes the directory once the test process is gone.

use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

pub(crate) const NO_BINARIES: &str = "SKIP (PostgreSQL): no PostgreSQL binaries under \
     /usr/lib/postgresql/*/bin — PostgreSQL tests did not run";

const PORT: u16 = 5432;

/// A running cluster.
#[derive(Debug)]
pub struct Cluster {
    /// Directory holding the socket (and the data directory, `data/`).
    pub dir: PathBuf,
    pub port: u16,
}

impl Cluster {
    /// URL of database `db` on this cluster.
    pub fn url(&self, db: &str) -> String {
        format!(
            "postgres://postgres@localhost/{db}?host={}&port={}",
            self.dir.display(),
            self.port
        )
    }
}

enum State {
    Running(Cluster),
    NoBinaries,
    Failed(String),
}

static CLUSTER: OnceLock<State> = OnceLock::new();

/// The process-wide cluster; `None` when no PostgreSQL binaries are installed (a loud
/// SKIP line is printed, or the call panics when `NTM_REQUIRE_PG=1`). Panics when the
/// binaries exist but the cluster cannot start.
pub fn cluster() -> Option<&'static Cluster> {
    match CLUSTER.get_or_init(start) {
        State::Running(c) => Some(c),
        State::NoBinaries => {
            if std::env::var("NTM_REQUIRE_PG").is_ok_and(|v| v == "1") {
                panic!("{NO_BINARIES} (NTM_REQUIRE_PG=1)");
            }
            // Straight to the process's stderr: the test harness captures `eprintln!`.
            let _ = writeln!(std::io::stderr(), "{NO_BINARIES}");
            None
        }
        State::Failed(msg) => panic!("cannot start the test PostgreSQL cluster: {msg}"),
    }
}

/// `$NTM_PG_BIN`, else the highest-numbered `/usr/lib/postgresql/<v>/bin` with `initdb`.
fn find_bin() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("NTM_PG_BIN") {
        let dir = PathBuf::from(dir);
        return dir.join("initdb").exists().then_some(dir);
    }
    let mut best: Option<(Vec<u32>, PathBuf)> = None;
    for entry in std::fs::read_dir("/usr/lib/postgresql").ok()?.flatten() {
        let bin = entry.path().join("bin");
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(version) = name
            .split('.')
            .map(str::parse)
            .collect::<Result<Vec<u32>, _>>()
        else {
            continue;
        };
        if bin.join("initdb").exists() && best.as_ref().is_none_or(|(v, _)| version > *v) {
            best = Some((version, bin));
        }
    }
    best.map(|(_, b)| b)
}

/// The user to run the server as when we are root.
fn service_user() -> Option<String> {
    let euid = std::fs::metadata("/proc/self").map(|m| m.uid()).ok()?;
    if euid != 0 {
        return None;
    }
    ["postgres", "nobody"]
        .into_iter()
        .find(|u| id_of(u, "-u").is_some())
        .map(str::to_owned)
}

fn id_of(user: &str, flag: &str) -> Option<u32> {
    let out = Command::new("id").args([flag, user]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

fn pg_command(bin: &Path, tool: &str, user: Option<&str>, cwd: &Path) -> Command {
    let exe = bin.join(tool);
    let mut c = match user {
        Some(u) => {
            let mut c = Command::new("runuser");
            c.args(["-u", u, "--"]).arg(exe);
            c
        }
        None => Command::new(exe),
    };
    c.current_dir(cwd);
    c
}

fn run(mut c: Command, what: &str) -> Result<(), String> {
    let out = c
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{what}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn start() -> State {
    let Some(bin) = find_bin() else {
        return State::NoBinaries;
    };
    match start_with(&bin) {
        Ok(c) => State::Running(c),
        Err(e) => State::Failed(e),
    }
}

fn start_with(bin: &Path) -> Result<Cluster, String> {
    let dir = tempfile::Builder::new()
        .prefix("ntm-pg-")
        .tempdir_in("/tmp")
        .map_err(|e| format!("temp dir: {e}"))?
        .keep();
    let user = service_user();
    if let Some(u) = &user {
        let (uid, gid) = (id_of(u, "-u"), id_of(u, "-g"));
        std::os::unix::fs::chown(&dir, uid, gid).map_err(|e| format!("chown {u}: {e}"))?;
    }
    let data = dir.join("data");
    let log = dir.join("server.log");

    let mut initdb = pg_command(bin, "initdb", user.as_deref(), &dir);
    initdb.arg("-D").arg(&data).args([
        "-U",
        "postgres",
        "--auth=trust",
        "-E",
        "UTF8",
        "--locale=C",
        "--no-sync",
    ]);
    run(initdb, "initdb")?;

    let conf = format!(
        "\nlisten_addresses = ''\nunix_socket_directories = '{}'\nport = {PORT}\n\
         fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 200\n",
        dir.display()
    );
    let conf_path = data.join("postgresql.conf");
    let mut text = std::fs::read_to_string(&conf_path).map_err(|e| format!("read conf: {e}"))?;
    text.push_str(&conf);
    std::fs::write(&conf_path, text).map_err(|e| format!("write conf: {e}"))?;

    let mut pg_ctl = pg_command(bin, "pg_ctl", user.as_deref(), &dir);
    pg_ctl
        .arg("-D")
        .arg(&data)
        .arg("-l")
        .arg(&log)
        .args(["-w", "-t", "60", "start"]);
    // The server must not hold our stdout/stderr pipes open (the test harness waits on them).
    pg_ctl.stdout(Stdio::null()).stderr(Stdio::null());
    if let Err(e) = run(pg_ctl, "pg_ctl start") {
        let log = std::fs::read_to_string(&log).unwrap_or_default();
        return Err(format!("{e}\nserver log:\n{log}"));
    }

    spawn_watchdog(bin, user.as_deref(), &dir, &data);
    Ok(Cluster { dir, port: PORT })
}

/// Stops the server and removes `dir` once this process has exited.
fn spawn_watchdog(bin: &Path, user: Option<&str>, dir: &Path, data: &Path) {
    let run_as = user
        .map(|u| format!("runuser -u {u} -- "))
        .unwrap_or_default();
    let script = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 1; done; \
         {run_as}'{pg_ctl}' stop -D '{data}' -m immediate >/dev/null 2>&1; rm -rf '{dir}'",
        pid = std::process::id(),
        pg_ctl = bin.join("pg_ctl").display(),
        data = data.display(),
        dir = dir.display(),
    );
    // setsid: a Ctrl-C on the test run must not kill the watchdog with it.
    let mut c = if Path::new("/usr/bin/setsid").exists() {
        let mut c = Command::new("/usr/bin/setsid");
        c.arg("sh");
        c
    } else {
        Command::new("sh")
    };
    let _ = c
        .arg("-c")
        .arg(script)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
}
