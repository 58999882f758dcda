//! Tests of the `ntm` binary as an operator uses it: exit codes, messages, and that bad
//! input changes nothing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod backup;
mod export;
mod ocop;
mod plans_dir;
mod tokens;
mod two_servers;

const BIN: &str = env!("CARGO_BIN_EXE_ntm");

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Env {
        Env {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A data directory holding the [`SMALL`] unit list, imported as of 07/05/2023.
    fn with_small_units() -> Env {
        let env = Env::new();
        let small = env.file("small.csv", SMALL.as_bytes());
        ok(&env.import_units(&small, "2023-05-07"));
        env
    }

    /// `ntm import units FILE --date DATE`.
    fn import_units(&self, file: &Path, date: &str) -> Output {
        self.run(&["import", "units", file.to_str().unwrap(), "--date", date])
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn file(&self, name: &str, content: &[u8]) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, content).expect("write fixture");
        p
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .arg("--data-dir")
            .arg(self.data_dir())
            .env_remove("NTM_DATABASE_URL")
            .env_remove("NTM_DATA_DIR")
            .env("RUST_LOG", "warn");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run ntm")
    }

    fn run_stdin(&self, args: &[&str], input: &str) -> Output {
        let mut child = self
            .cmd(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn ntm");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
        child.wait_with_output().expect("wait ntm")
    }
}

/// Unit `unit` has no value of the xã set in 2024 (a refused import wrote nothing).
fn assert_no_values(env: &Env, unit: &str) {
    let o = env.run(&[
        "evaluate",
        "--set",
        "xa-ntm-2021-2025",
        "--unit",
        unit,
        "--year",
        "2024",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(
        json["result"]["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["value"].is_null()),
        "nothing may be written"
    );
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "command failed: {}", text(o));
    text(o)
}

fn failed(o: &Output) -> String {
    assert!(
        !o.status.success(),
        "command should have failed: {}",
        text(o)
    );
    text(o)
}

const SMALL: &str = "code,name,level,kind,parent_code
84,Tỉnh Trà Vinh,province,Tỉnh,
844,Huyện Càng Long,district,Huyện,84
28768,Xã Tân An,commune,Xã,844
28771,Xã Tân Bình,commune,Xã,844
";

#[test]
fn every_subcommand_has_help() {
    let o = Command::new(BIN).arg("--help").output().expect("run");
    let out = ok(&o);
    for sub in [
        "serve",
        "demo",
        "import",
        "user",
        "audit",
        "migrate",
        "criteria",
        "evaluate",
        "observe",
        "observations",
        "backup",
        "restore",
        "export",
        "ocop",
    ] {
        assert!(out.contains(sub), "--help lacks {sub}: {out}");
        let o = Command::new(BIN)
            .args([sub, "--help"])
            .output()
            .expect("run");
        ok(&o);
    }
    for flag in ["--data-dir", "--database-url", "--listen"] {
        assert!(out.contains(flag), "--help lacks {flag}");
    }
}

#[test]
fn unit_import_reports_every_bad_row_and_writes_nothing() {
    let env = Env::new();
    let bad = env.file(
        "bad.csv",
        "code,name,level,kind,parent_code
84,Tỉnh Trà Vinh,province,Tỉnh,
844,Huyện Càng Long,district,Huyện,99
28768,Xã Tân An,commune,Xã,844
28768,Xã Tân An lặp,commune,Xã,844
28771,Xã Tân Bình,village,Xã,844
"
        .as_bytes(),
    );
    let out = failed(&env.import_units(&bad, "2023-05-07"));
    assert!(
        out.contains("line 3"),
        "unknown parent on line 3 not reported: {out}"
    );
    assert!(
        out.contains("line 5"),
        "duplicate on line 5 not reported: {out}"
    );
    assert!(
        out.contains("line 6"),
        "bad level on line 6 not reported: {out}"
    );
    assert!(out.contains("nothing was changed"), "{out}");
    // Nothing was written: the audit log has no import.
    let log = ok(&env.run(&["audit", "list"]));
    assert!(!log.contains("units.import"), "{log}");

    let good = env.file("good.csv", SMALL.as_bytes());
    let out = ok(&env.import_units(&good, "07/05/2023"));
    assert!(out.contains("opened 4"), "{out}");
    let again = ok(&env.import_units(&good, "2023-05-07"));
    assert!(again.contains("already applied"), "{again}");
    // Going back in time is refused with a reason.
    let older = env.file(
        "older.csv",
        SMALL.replace("Tân Bình", "Tân Bình cũ").as_bytes(),
    );
    let out = failed(&env.import_units(&older, "2020-01-01"));
    assert!(out.contains("date order"), "{out}");
    // A date is required, and must be a date.
    let out = failed(&env.run(&["import", "units", good.to_str().unwrap()]));
    assert!(out.contains("--date"), "{out}");
    let out = failed(&env.import_units(&good, "hôm qua"));
    assert!(out.contains("not a date"), "{out}");
    let out = failed(&env.import_units(Path::new("/nonexistent/file.csv"), "2024-01-01"));
    assert!(out.contains("cannot read"), "{out}");
}

#[test]
fn users_and_the_audit_chain() {
    let env = Env::with_small_units();
    let out = ok(&env.run_stdin(
        &[
            "user",
            "add",
            "Tinh.TraVinh",
            "--name",
            "Nguyễn Văn A",
            "--role",
            "province_officer@84",
            "--password-stdin",
        ],
        "mat-khau-rat-dai\n",
    ));
    assert!(out.contains("tinh.travinh"), "{out}");
    let out = ok(&env.run(&[
        "user", "add", "admin2", "--name", "Admin", "--role", "admin",
    ]));
    assert!(
        out.contains("password:"),
        "a generated password is printed: {out}"
    );
    let out = failed(&env.run(&["user", "add", "x1", "--name", "X", "--role", "mayor"]));
    assert!(out.contains("unknown role"), "{out}");
    let out = failed(&env.run(&["user", "add", "x2", "--name", "X", "--role", "viewer@99999"]));
    assert!(out.contains("no unit has code 99999"), "{out}");
    let out = failed(&env.run_stdin(
        &[
            "user",
            "add",
            "tinh.travinh",
            "--name",
            "B",
            "--role",
            "viewer",
            "--password-stdin",
        ],
        "12345678\n",
    ));
    assert!(out.contains("already exists"), "{out}");
    let out = failed(&env.run_stdin(
        &[
            "user",
            "add",
            "short",
            "--name",
            "B",
            "--role",
            "viewer",
            "--password-stdin",
        ],
        "123\n",
    ));
    assert!(out.contains("at least 8"), "{out}");
    let out = ok(&env.run(&["user", "list"]));
    assert!(
        out.contains("tinh.travinh")
            && out.contains("province_officer@84")
            && out.contains("Nguyễn Văn A"),
        "{out}"
    );
    ok(&env.run_stdin(
        &["user", "passwd", "tinh.travinh", "--password-stdin"],
        "mat-khau-moi-123\n",
    ));

    let out = ok(&env.run(&["audit", "verify"]));
    assert!(out.contains("audit log OK"), "{out}");
    let log = ok(&env.run(&["audit", "list"]));
    for action in ["units.import", "user.add", "user.passwd"] {
        assert!(
            log.contains(action),
            "{action} missing from the audit log: {log}"
        );
    }

    // Tamper with the database behind the application's back.
    tamper(&env.data_dir().join("ntm.db"));
    let o = env.run(&["audit", "verify"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("TAMPERED"), "{}", text(&o));
}

/// Rewrites one audit entry directly in SQLite (dropping the append-only triggers first,
/// as an attacker with file access could).
fn tamper(db: &Path) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let db = ntm_store::Db::connect(&format!("sqlite://{}", db.display()))
            .await
            .expect("open db");
        db.debug_execute_raw("DROP TRIGGER audit_log_no_update")
            .await
            .expect("drop trigger");
        let n = db
            .debug_execute_raw("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
            .await
            .expect("tamper");
        assert_eq!(n, 1);
    });
}

#[test]
fn the_append_only_triggers_refuse_changes() {
    let env = Env::new();
    ok(&env.run(&[
        "user", "add", "admin2", "--name", "Admin", "--role", "admin",
    ]));
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let path = env.data_dir().join("ntm.db");
        let db = ntm_store::Db::connect(&format!("sqlite://{}", path.display()))
            .await
            .expect("open db");
        assert!(
            db.debug_execute_raw("UPDATE audit_log SET actor = 'x'")
                .await
                .is_err()
        );
        assert!(db.debug_execute_raw("DELETE FROM audit_log").await.is_err());
    });
}

#[test]
fn hamlets_from_xlsx_and_csv() {
    let env = Env::with_small_units();
    let xlsx = ntm_reports::write_table(
        "Ấp",
        &["mã", "tên", "loại"],
        &[
            vec!["".into(), "Ấp Tân Hạnh".into(), "Ấp".into()],
            vec!["28768-07".into(), "Ấp Phú Hòa".into(), "ấp".into()],
        ],
    )
    .expect("xlsx");
    let f = env.file("ap.xlsx", &xlsx);
    let out = ok(&env.run(&[
        "import",
        "hamlets",
        f.to_str().unwrap(),
        "--commune",
        "28768",
    ]));
    assert!(out.contains("2 hamlet(s) added"), "{out}");
    assert!(
        out.contains("28768-01") && out.contains("28768-07"),
        "{out}"
    );
    let again = ok(&env.run(&[
        "import",
        "hamlets",
        f.to_str().unwrap(),
        "--commune",
        "28768",
    ]));
    assert!(
        again.contains("0 hamlet(s) added, 2 already present"),
        "{again}"
    );
    let bad = env.file("bad.csv", "name,kind\nẤp A,Ấp\n,Ấp\nẤp C,Làng\n".as_bytes());
    let out = failed(&env.run(&[
        "import",
        "hamlets",
        bad.to_str().unwrap(),
        "--commune",
        "28768",
    ]));
    assert!(out.contains("line 3"), "empty name on line 3: {out}");
    let out = failed(&env.run(&["import", "hamlets", f.to_str().unwrap(), "--commune", "844"]));
    assert!(out.contains("not a commune"), "{out}");
}

#[test]
fn database_url_errors_are_clear() {
    let env = Env::new();
    let out = failed(&env.run(&["migrate", "--database-url", "mysql://localhost/ntm"]));
    assert!(out.contains("unsupported database URL scheme"), "{out}");
    let t = std::time::Instant::now();
    let out = failed(&env.run(&[
        "migrate",
        "--database-url",
        "postgres://ntm@localhost/ntm?host=/nonexistent-socket-dir",
    ]));
    assert!(out.to_lowercase().contains("postgres"), "{out}");
    assert!(!out.contains("password"), "{out}");
    assert!(
        t.elapsed().as_secs() < 60,
        "an unreachable PostgreSQL must fail quickly"
    );
}

#[test]
fn a_second_server_on_the_same_sqlite_file_is_refused() {
    let env = Env::new();
    let mut first = env
        .cmd(&["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start first server");
    // Wait until it prints its URL.
    let mut stdout = std::io::BufReader::new(first.stdout.take().expect("stdout"));
    let mut line = String::new();
    loop {
        line.clear();
        let n = std::io::BufRead::read_line(&mut stdout, &mut line).expect("read");
        assert!(n > 0, "first server exited early");
        if line.contains("running at") {
            break;
        }
    }
    let out = failed(&env.run(&["serve", "--listen", "127.0.0.1:0"]));
    assert!(out.contains("already running"), "{out}");
    // CLI commands still work next to the running server (SQLite WAL).
    ok(&env.run(&["user", "list"]));
    let _ = first.kill();
    let _ = first.wait();
}

#[test]
fn observe_and_evaluate() {
    let env = Env::with_small_units();
    let out = ok(&env.run(&["criteria", "list"]));
    assert!(
        out.contains("xa-ntm-2021-2025") && out.contains("08/03/2022"),
        "{out}"
    );

    let base = [
        "observe",
        "--set",
        "xa-ntm-2021-2025",
        "--unit",
        "28768",
        "--year",
        "2024",
    ];
    let with = |extra: &[&str]| -> Vec<String> {
        base.iter().chain(extra).map(|s| s.to_string()).collect()
    };
    let args = with(&["1.1=Đạt", "2.1=abc", "2.2=140 %", "99.1=1"]);
    let out = failed(&env.run(&args.iter().map(String::as_str).collect::<Vec<_>>()));
    assert!(
        out.contains("values[1] (2.1)")
            && out.contains("values[2] (2.2)")
            && out.contains("values[3] (99.1)")
            && out.contains("nothing was changed"),
        "{out}"
    );
    let args = with(&["1.1=Đạt", "2.1=85 %"]);
    let out = ok(&env.run(&args.iter().map(String::as_str).collect::<Vec<_>>()));
    assert!(out.contains("2 value(s) recorded"), "{out}");
    let args = with(&["2.1=90"]);
    let out = ok(&env.run(&args.iter().map(String::as_str).collect::<Vec<_>>()));
    assert!(out.contains("version 2"), "{out}");

    let eval = |unit: &str, format: &str| {
        env.run(&[
            "evaluate",
            "--set",
            "xa-ntm-2021-2025",
            "--unit",
            unit,
            "--year",
            "2024",
            "--format",
            format,
        ])
    };
    let out = ok(&eval("28768", "table"));
    assert!(
        out.contains("Xã Tân An (28768)")
            && out.contains("thiếu số liệu")
            && out.contains("31/12/2024")
            && out.contains("/19 tiêu chí đạt"),
        "{out}"
    );
    let o = eval("28768", "json");
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json output");
    let ind = json["result"]["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "2.1")
        .unwrap()
        .clone();
    assert_eq!(
        (ind["value"].as_str(), ind["version"].as_i64()),
        (Some("90"), Some(2))
    );
    assert_eq!(json["units_on"], "2024-12-31");
    let out = ok(&eval("28768", "csv"));
    assert!(
        out.starts_with("unit,criterion,indicator,status") && out.contains("28768,2,2.1,"),
        "{out}"
    );
    let out = ok(&eval("844", "table"));
    assert!(out.contains("Tổng hợp 2 đơn vị cấp xã"), "{out}");
    assert!(out.contains("28771"), "{out}");
    // The provisional figures come after the confirmed ones, never mixed with them.
    assert!(
        out.contains("không phát hiện chỉ tiêu chưa đạt (chờ xác nhận ngưỡng)")
            && out.contains("tạm tính"),
        "{out}"
    );

    let out = failed(&env.run(&[
        "evaluate",
        "--set",
        "xa-ntm-2021-2025",
        "--unit",
        "28768",
        "--year",
        "2031",
    ]));
    assert!(out.contains("year") && out.contains("2031"), "{out}");
    let out = failed(&env.run(&[
        "evaluate", "--set", "khong-co", "--unit", "28768", "--year", "2024",
    ]));
    assert!(out.contains("khong-co"), "{out}");
    ok(&env.run(&["audit", "verify"]));
}

#[test]
fn observation_import_reports_every_bad_row_and_writes_nothing() {
    let env = Env::with_small_units();
    let bad = env.file(
        "bad.csv",
        "unit_code,indicator,value
28768,1.1,Đạt
28768,2.1,140 %
99999,1.1,Đạt
844,1.1,Đạt
28771,7.7,1
28768,1.1,Không
28771,2.1,nhiều
"
        .as_bytes(),
    );
    let import = |f: &Path| {
        env.run(&[
            "import",
            "observations",
            f.to_str().unwrap(),
            "--set",
            "xa-ntm-2021-2025",
            "--year",
            "2024",
        ])
    };
    let out = failed(&import(&bad));
    for line in ["line 3", "line 4", "line 5", "line 6", "line 7", "line 8"] {
        assert!(out.contains(line), "{line} not reported: {out}");
    }
    assert!(!out.contains("line 2 "), "{out}");
    assert!(out.contains("nothing was changed"), "{out}");
    assert_no_values(&env, "28768");

    // --apply-valid writes the one good row (line 2) and lists the six bad ones.
    let out = ok(&env.run(&[
        "import",
        "observations",
        bad.to_str().unwrap(),
        "--set",
        "xa-ntm-2021-2025",
        "--year",
        "2024",
        "--apply-valid",
    ]));
    assert!(out.contains("1 value(s) of 1 unit(s)"), "{out}");
    assert!(out.contains("6 bad row(s) skipped"), "{out}");
    for line in ["line 3", "line 4", "line 5", "line 6", "line 7", "line 8"] {
        assert!(out.contains(line), "{line} not listed: {out}");
    }

    let good = env.file(
        "good.csv",
        "unit_code,indicator,value\n28768,1.1,Đạt\n28768,2.1,85 %\n28771,2.1,70\n\n".as_bytes(),
    );
    let out = ok(&import(&good));
    assert!(out.contains("3 value(s) of 2 unit(s)"), "{out}");
    // Importing again adds versions.
    ok(&import(&good));
    let out = ok(&env.run(&[
        "evaluate",
        "--set",
        "xa-ntm-2021-2025",
        "--unit",
        "28768",
        "--year",
        "2024",
        "--format",
        "csv",
    ]));
    assert!(
        out.contains("28768,2,2.1,needs_verification,85 %,draft,2,"),
        "{out}"
    );
    ok(&env.run(&["audit", "verify"]));
}

#[test]
fn observation_template_import_and_export() {
    use ntm_reports::wide::{WideColumn, WideRow, WideSheet, read_wide, write_wide};
    let env = Env::with_small_units();
    let mau = env.dir.path().join("mau.xlsx");
    let out = ok(&env.run(&[
        "observations",
        "template",
        "--set",
        "xa-ntm-2021-2025",
        "--unit",
        "844",
        "--year",
        "2024",
        "-o",
        mau.to_str().unwrap(),
    ]));
    assert!(out.contains("mau.xlsx"), "{out}");
    let bytes = std::fs::read(&mau).unwrap();
    let sheet = read_wide(&bytes, "mau.xlsx").unwrap().remove(0);
    assert_eq!(
        (sheet.set_id.as_str(), sheet.year),
        ("xa-ntm-2021-2025", 2024)
    );
    let table = ntm_reports::read_table(&bytes, "mau.xlsx").unwrap();
    let units: Vec<&str> = table[6..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(units, ["28768", "28771"]);

    // Filled in with two bad cells: both listed, nothing written.
    let col = |code: &str| WideColumn {
        code: code.into(),
        name: String::new(),
        threshold: String::new(),
        boolean: false,
    };
    let row = |unit: &str, v: [&str; 2]| WideRow {
        unit_code: unit.into(),
        unit_name: String::new(),
        values: v.iter().map(|s| s.to_string()).collect(),
    };
    let filled = write_wide(&[WideSheet {
        columns: vec![col("1.1"), col("2.1")],
        rows: vec![
            row("28768", ["Đạt", "140 %"]),
            row("28771", ["Không đạt", "70"]),
            row("99999", ["Đạt", ""]),
        ],
        ..sheet_of(&sheet)
    }])
    .unwrap();
    let f = env.file("filled.xlsx", &filled);
    let import = |extra: &[&str]| {
        let mut args = vec!["observations", "import", f.to_str().unwrap()];
        args.extend_from_slice(extra);
        env.run(&args)
    };
    let out = failed(&import(&[]));
    assert!(
        out.contains("line 7 (2.1)") && out.contains("line 9 (unit_code)"),
        "{out}"
    );
    assert!(!out.contains("line 8"), "{out}");
    assert!(
        out.contains("nothing was changed") && out.contains("--apply-valid"),
        "{out}"
    );
    assert_no_values(&env, "28771");

    // --apply-valid writes the three good cells and lists the bad ones.
    let out = ok(&import(&["--apply-valid"]));
    assert!(out.contains("3 value(s) of 2 unit(s)"), "{out}");
    assert!(
        out.contains("2 bad cell(s) skipped") && out.contains("line 7 (2.1)"),
        "{out}"
    );
    let out = ok(&env.run(&[
        "evaluate",
        "--set",
        "xa-ntm-2021-2025",
        "--unit",
        "28771",
        "--year",
        "2024",
        "--format",
        "csv",
    ]));
    assert!(
        out.contains(",2.1,") && out.contains(",70,draft,1,"),
        "{out}"
    );

    // Results of the district as XLSX.
    let kq = env.dir.path().join("kq.xlsx");
    ok(&env.run(&[
        "observations",
        "export",
        "--set",
        "xa-ntm-2021-2025",
        "--unit",
        "844",
        "--year",
        "2024",
        "-o",
        kq.to_str().unwrap(),
    ]));
    let t = ntm_reports::read_table(&std::fs::read(&kq).unwrap(), "kq.xlsx").unwrap();
    let codes: Vec<&str> = t[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(codes, ["28768", "28771"]);
    ok(&env.run(&["audit", "verify"]));
}

fn sheet_of(d: &ntm_reports::wide::WideData) -> ntm_reports::wide::WideSheet {
    ntm_reports::wide::WideSheet {
        sheet_name: d.set_id.clone(),
        set_id: d.set_id.clone(),
        version: d.version.clone().unwrap_or_default(),
        year: d.year,
        title: String::new(),
        note: String::new(),
        columns: vec![],
        rows: vec![],
    }
}

#[test]
fn provincial_set_upload() {
    let env = Env::new();
    ok(&env.run(&["import", "units", "--reference"]));
    let yaml = |value: u32, field: &str| {
        format!(
            r#"format: ntm-criteria/1
kind: criteria_set
id: xa-ntm-vinh-long-2021-2025
version: "2022"
extends: xa-ntm-2021-2025
level: commune
category: provincial_set
title_vi: "Bộ tiêu chí xã nông thôn mới tỉnh Vĩnh Long giai đoạn 2021 - 2025"
valid_from: "2022-07-01"
{field}: 2025
completeness: partial
sources:
  QD_VL: {{doc: "Quyết định của UBND tỉnh Vĩnh Long (ví dụ kiểm thử)", what: "tiêu chí 3"}}
overrides:
  - code: "3.1"
    threshold: {{op: ">=", value: {value}, text: "≥{value}%"}}
    provenance: sourced
    sources: [QD_VL]
"#
        )
    };
    let typo = env.file("typo.yaml", yaml(90, "valid_too").as_bytes());
    let out = failed(&env.run(&[
        "criteria",
        "upload",
        "--province",
        "86",
        typo.to_str().unwrap(),
    ]));
    assert!(out.contains("typo.yaml:10"), "{out}");
    let looser = env.file("looser.yaml", yaml(70, "valid_to").as_bytes());
    let out = failed(&env.run(&[
        "criteria",
        "upload",
        "--province",
        "86",
        looser.to_str().unwrap(),
    ]));
    assert!(
        out.contains("nothing was changed") || out.contains("3.1"),
        "{out}"
    );
    let good = env.file("vinh-long.yaml", yaml(90, "valid_to").as_bytes());
    let out = ok(&env.run(&[
        "criteria",
        "upload",
        "--province",
        "86",
        good.to_str().unwrap(),
    ]));
    assert!(
        out.contains("xa-ntm-vinh-long-2021-2025") && out.contains("3.1  sourced"),
        "{out}"
    );
    let log = ok(&env.run(&["audit", "list"]));
    assert!(log.contains("criteria_set.upload"), "{log}");
}

/// Taking access away from the command line (issue 14, finding 5), and the audit tail
/// anchor: a tail cut together with the head record passes a plain verification but not
/// `--expect` with the head printed before the cut.
#[test]
fn access_taken_away_and_the_audit_tail_anchored() {
    let env = Env::with_small_units();
    ok(&env.run_stdin(
        &[
            "user",
            "add",
            "tinh.tv",
            "--name",
            "Cán bộ tỉnh",
            "--role",
            "province_officer@84",
            "--password-stdin",
        ],
        "mat-khau-rat-dai\n",
    ));
    let out = ok(&env.run(&["user", "add-role", "tinh.tv", "viewer"]));
    assert!(out.contains("role viewer added"), "{out}");
    let out = ok(&env.run(&["user", "list"]));
    assert!(out.contains("province_officer@84, viewer@*"), "{out}");
    let out = ok(&env.run(&["user", "remove-role", "tinh.tv", "viewer"]));
    assert!(out.contains("removed"), "{out}");
    let out = failed(&env.run(&["user", "remove-role", "tinh.tv", "province_officer@84"]));
    assert!(out.contains("vai trò cuối cùng"), "{out}");
    let out = ok(&env.run(&["user", "disable", "tinh.tv"]));
    assert!(out.contains("disabled; sessions ended: 0"), "{out}");
    let out = ok(&env.run(&["user", "list"]));
    assert!(
        out.lines()
            .any(|l| l.starts_with("tinh.tv") && l.contains(" no ")),
        "{out}"
    );
    ok(&env.run(&["user", "enable", "tinh.tv"]));
    let out = ok(&env.run(&["user", "revoke", "tinh.tv"]));
    assert!(out.contains("sessions of tinh.tv ended: 0"), "{out}");
    let out = failed(&env.run(&["user", "disable", "nobody"]));
    assert!(out.contains("no user named nobody"), "{out}");

    // The head, as an operator would publish it.
    let out = ok(&env.run(&["audit", "verify"]));
    let head = out
        .lines()
        .find_map(|l| l.strip_prefix("head: "))
        .expect("head printed")
        .to_string();
    let out = ok(&env.run(&["audit", "verify", "--expect", &head]));
    assert!(out.contains("the expected entry found"), "{out}");
    let out = failed(&env.run(&["audit", "verify", "--expect", "12:xyz"]));
    assert!(out.contains("SEQ:HASH"), "{out}");

    // Cut the last two entries and rewind the head record to match: the chain still links.
    let seq: i64 = head.split(':').next().unwrap().parse().unwrap();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let db = ntm_store::Db::connect(&format!(
            "sqlite://{}",
            env.data_dir().join("ntm.db").display()
        ))
        .await
        .expect("open db");
        db.debug_execute_raw("DROP TRIGGER audit_log_no_delete")
            .await
            .expect("drop trigger");
        db.debug_execute_raw(&format!("DELETE FROM audit_log WHERE seq > {}", seq - 2))
            .await
            .expect("cut");
        db.debug_execute_raw(&format!(
            "UPDATE audit_head SET seq = {0}, hash = (SELECT hash FROM audit_log WHERE seq = {0})",
            seq - 2
        ))
        .await
        .expect("rewind head");
    });
    let out = ok(&env.run(&["audit", "verify"]));
    assert!(
        out.contains("audit log OK"),
        "a plain check cannot see it: {out}"
    );
    let o = env.run(&["audit", "verify", "--expect", &head]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("removed"), "{}", text(&o));
}
