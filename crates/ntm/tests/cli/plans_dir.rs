//! `--plans-dir`: a deployment's own plan files load beside the shipped ones (here the test
//! plan of computed measures, testdata/plans-measures), and a broken file stops the command
//! with its `file:line: field` before anything runs.

use super::{Env, failed, ok};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/plans-measures");

#[test]
fn plans_dir_loads_a_province_plan_or_stops_with_the_line() {
    let env = Env::new();
    ok(&env.run(&["import", "units", "--reference"]));
    let out_file = env.dir.path().join("plan.xlsx");
    let out = ok(&env.run(&[
        "--plans-dir",
        DIR,
        "export",
        "plan",
        "--plan",
        "thu-nghiem-chuyen-doi-so-xa",
        "--year",
        "2026",
        "--output",
        out_file.to_str().expect("path"),
    ]));
    assert!(out.contains("plan.xlsx"), "{out}");
    let t = ntm_reports::read_table(&std::fs::read(&out_file).expect("written"), "t.xlsx")
        .expect("the workbook opens");
    let flat = t.concat().join(" | ");
    assert!(flat.contains("dx-posts"), "{flat}");
    assert!(flat.contains("(0/"), "no commune posts yet: {flat}");
    // Without the folder the plan is unknown.
    let out = failed(&env.run(&[
        "export",
        "plan",
        "--plan",
        "thu-nghiem-chuyen-doi-so-xa",
        "--year",
        "2026",
    ]));
    assert!(out.contains("thu-nghiem-chuyen-doi-so-xa"), "{out}");

    // A broken plan: the command stops with the file, line and field; nothing is written.
    let bad = env.dir.path().join("bad-plans");
    std::fs::create_dir_all(&bad).expect("dir");
    let text = std::fs::read_to_string(format!("{DIR}/thu-nghiem-chuyen-doi-so-xa.yaml"))
        .expect("fixture")
        .replace("portal.dx_weeks_held_share", "portal.dx_week_held_share");
    std::fs::write(bad.join("p.yaml"), text).expect("write");
    let out2 = env.dir.path().join("plan2.xlsx");
    let out = failed(&env.run(&[
        "--plans-dir",
        bad.to_str().expect("path"),
        "export",
        "plan",
        "--plan",
        "thu-nghiem-chuyen-doi-so-xa",
        "--output",
        out2.to_str().expect("path"),
    ]));
    assert!(out.contains("p.yaml:"), "{out}");
    assert!(out.contains("metric.measure"), "{out}");
    assert!(
        out.contains("did you mean `portal.dx_weeks_held_share`"),
        "{out}"
    );
    assert!(!out2.exists());
}
