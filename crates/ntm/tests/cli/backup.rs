//! `ntm backup` and `ntm restore` as an operator runs them (SQLite; both engines are
//! covered by `ntm-app`'s `backup::backup_and_restore_round_trip`).

use std::path::Path;
use std::process::{Command, Output};

use super::{BIN, Env, SMALL, failed, ok};

/// `ntm ARGS --data-dir DIR`.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env_remove("NTM_DATABASE_URL")
        .env_remove("NTM_DATA_DIR")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run ntm")
}

#[test]
fn backup_and_restore_from_the_command_line() {
    let env = Env::new();
    let units = env.file("units.csv", SMALL.as_bytes());
    ok(&env.run(&[
        "import",
        "units",
        units.to_str().unwrap(),
        "--date",
        "2023-05-07",
    ]));
    ok(&env.run(&[
        "observe",
        "--set",
        "xa-ntm-2021-2025",
        "--unit",
        "28768",
        "--year",
        "2024",
        "1.1=Đạt",
    ]));
    let out_dir = env.dir.path().join("sao-luu");
    let out = ok(&env.run(&["backup", "--out", out_dir.to_str().unwrap()]));
    assert!(out.contains("backup written to"), "{out}");
    assert!(out.contains("sqlite database"), "{out}");
    let head = out
        .lines()
        .find_map(|l| l.strip_prefix("audit head: "))
        .expect("audit head printed")
        .to_string();
    assert!(out_dir.join("manifest.json").exists());
    assert!(out_dir.join("database.sqlite").exists());
    // Into the same folder again: refused.
    let again = failed(&env.run(&["backup", "--out", out_dir.to_str().unwrap()]));
    assert!(again.contains("is not empty"), "{again}");

    // Restore into a new data folder; the evaluation reads the restored value.
    let new_dir = env.dir.path().join("khoi-phuc");
    let run_new = |args: &[&str]| run_in(&new_dir, args);
    let out = ok(&run_new(&["restore", "--from", out_dir.to_str().unwrap()]));
    assert!(out.contains("every table matches the backup"), "{out}");
    assert!(out.contains(&head), "{out}");
    let out = ok(&run_new(&["audit", "verify", "--expect", &head]));
    assert!(out.contains("audit log OK"), "{out}");
    let out = ok(&run_new(&[
        "evaluate",
        "--set",
        "xa-ntm-2021-2025",
        "--unit",
        "28768",
        "--year",
        "2024",
    ]));
    assert!(out.contains("Đạt") || out.contains("1.1"), "{out}");
    // The restored folder holds data now: refused without --force, moved aside with it.
    let out = failed(&run_new(&["restore", "--from", out_dir.to_str().unwrap()]));
    assert!(out.contains("already holds data"), "{out}");
    let out = ok(&run_new(&[
        "restore",
        "--from",
        out_dir.to_str().unwrap(),
        "--force",
    ]));
    assert!(out.contains("is kept as"), "{out}");
    // A damaged backup is refused before anything is written.
    let db = out_dir.join("database.sqlite");
    let mut bytes = std::fs::read(&db).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&db, bytes).unwrap();
    let fresh = env.dir.path().join("hong");
    let out = failed(&run_in(
        &fresh,
        &["restore", "--from", out_dir.to_str().unwrap()],
    ));
    assert!(out.contains("does not match the manifest"), "{out}");
    assert!(!fresh.join("ntm.db").exists());
}
