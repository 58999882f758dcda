//! The dashboards' kept evaluations (issue 18, `ntm_app::dashboard::kept`): after any
//! sequence of writes, what a read returns equals a full recomputation
//! (`criteria::evaluate`); two applications on one database (two servers) see each other's
//! writes at their next read; a write to one commune re-reads that commune only; the national
//! dashboard reads the communes changed in every province once; unit lists are kept until
//! units change.
//!
//! Scopes: old Vĩnh Long (86) in 2023 with `xa-ntm-2021-2025` (the province and two of its
//! districts; a provincial set file changes 3.1's threshold) and Vĩnh Long (86) in 2026 with
//! the test-only set `thu-nghiem-nhom-xa` (thresholds by commune group).

use std::sync::OnceLock;

use ntm_app::criteria::{
    Evaluation, StatusChange, ValueBatch, ValueInput, evaluate, put_observations, review,
};
use ntm_app::dashboard::{
    DashboardPage, NationalQuery, Tally, evaluate_kept, national_dashboard, page,
};
use ntm_app::groups::{AssignInput, BasisInput, assign};
use ntm_app::provincial::upload_set;
use ntm_app::units::{NewHamlet, add_hamlets};
use ntm_app::{Actor, App, AppConfig};
use ntm_domain::criteria::Catalog;
use ntm_domain::observation::{ObsSource, ObsStatus};
use ntm_domain::units::Level;
use ntm_testkit::{Backend, Db, TestDb, both_backends};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use time::Date;
use time::macros::date;

use crate::provincial::provincial_yaml;
use crate::{reference, user};

const FIXTURE: &str = include_str!("../../../../testdata/criteria/thu-nghiem-nhom-xa.yaml");
const NTM: &str = "xa-ntm-2021-2025";
const GROUPS: &str = "thu-nghiem-nhom-xa";

fn catalog() -> &'static Catalog {
    static C: OnceLock<&'static Catalog> = OnceLock::new();
    C.get_or_init(|| {
        ntm_app::criteria::catalog_with(&[("thu-nghiem-nhom-xa.yaml".into(), FIXTURE.into())])
            .expect("the test criteria set loads")
    })
}

fn app_on(db: Db) -> App {
    App::with_catalog(db, AppConfig::default(), catalog())
}

/// Communes (xã) of a unit on a date, by code.
async fn communes(app: &App, code: &str, on: Date) -> Vec<String> {
    let p = app
        .db_for_tests()
        .unit_on(code, on)
        .await
        .unwrap()
        .expect("unit");
    app.db_for_tests()
        .subtree_on(&p.path, on, Some(Level::Commune))
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.kind == "Xã")
        .map(|u| u.code)
        .collect()
}

/// What must be equal: the roll-up and what was evaluated with.
fn figures(e: &Evaluation) -> serde_json::Value {
    serde_json::json!({
        "unit": e.unit_code,
        "rollup": e.rollup,
        "result": e.result,
        "version_used": e.version_used,
        "provincial": e.provincial,
        "units_on": e.units_on.to_string(),
    })
}

/// Reads `code` through the kept evaluations and checks it against a full evaluation; a
/// read flagged "updating" is checked again once the background rebuild is done.
async fn check(app: &App, actor: &Actor, code: &str, set: &str, year: i32, trail: &str) {
    let kept = evaluate_kept(app, actor, code, set, year)
        .await
        .expect("kept evaluation");
    let kept = if kept.updating {
        assert!(kept.figures_at.is_some(), "updating without a time");
        app.kept_settled().await;
        let again = evaluate_kept(app, actor, code, set, year)
            .await
            .expect("kept evaluation");
        assert!(!again.updating, "still updating after the rebuild: {trail}");
        again
    } else {
        kept
    };
    let full = evaluate(app, actor, code, set, year)
        .await
        .expect("evaluate");
    assert!(!full.updating);
    assert_eq!(
        figures(&kept),
        figures(&full),
        "{code} {set} {year} differs from a full evaluation after {trail}"
    );
}

async fn put(app: &App, code: &str, set: &str, year: i32, indicator: &str, text: &str) {
    let expected = ntm_app::criteria::current_versions(app, &Actor::cli(), code, set, year)
        .await
        .expect("versions")
        .get(indicator)
        .copied();
    put_observations(
        app,
        &Actor::cli(),
        code,
        ValueBatch {
            set_id: set.into(),
            year,
            values: vec![ValueInput {
                code: indicator.into(),
                text: text.into(),
                expected_version: expected,
            }],
            note: "kiểm thử".into(),
            source: ObsSource::Manual,
        },
    )
    .await
    .expect("value");
}

fn basis() -> BasisInput {
    BasisInput {
        doc: "15/QĐ-UBND".into(),
        date: "02/03/2026".into(),
        issuer: "UBND tỉnh Vĩnh Long (kiểm thử)".into(),
        article: "Điều 1".into(),
    }
}

#[derive(Debug, Clone)]
enum Op {
    /// A value of old Vĩnh Long's commune `commune` in 2023: indicator, text.
    Put2023 {
        commune: usize,
        which: usize,
    },
    /// A value of Vĩnh Long's commune in 2026 (`thu-nghiem-nhom-xa` 1.1).
    Put2026 {
        commune: usize,
        value: u8,
    },
    /// Submit (0), verify (1) or return (2) a 2023 commune's values.
    Review {
        commune: usize,
        to: u8,
    },
    /// A provincial set file raising 3.1 to this threshold.
    Threshold(u32),
    /// A 2026 commune's group.
    Group {
        commune: usize,
        group: u8,
    },
    Read,
}

const VALUES_2023: [(&str, &str); 6] = [
    ("3.1", "82"),
    ("3.1", "88"),
    ("3.1", "96"),
    ("1.1", "Đạt"),
    ("1.1", "Không đạt"),
    ("19.1", "Đạt"),
];
const POOL: usize = 6;

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..POOL, 0..VALUES_2023.len()).prop_map(|(commune, which)| Op::Put2023 { commune, which }),
        2 => (0..POOL, 0u8..3).prop_map(|(commune, value)| Op::Put2026 { commune, value }),
        2 => (0..POOL, 0u8..3).prop_map(|(commune, to)| Op::Review { commune, to }),
        1 => prop_oneof![Just(85u32), Just(90), Just(95)].prop_map(Op::Threshold),
        1 => (0..POOL, 1u8..4).prop_map(|(commune, group)| Op::Group { commune, group }),
        3 => Just(Op::Read),
    ]
}

struct World {
    officer: Actor,
    old: Vec<String>,
    new: Vec<String>,
    districts: Vec<String>,
}

async fn apply(app: &App, w: &World, op: &Op) {
    let cli = Actor::cli();
    match op {
        Op::Put2023 { commune, which } => {
            let (code, text) = VALUES_2023[*which];
            put(app, &w.old[*commune], NTM, 2023, code, text).await;
        }
        Op::Put2026 { commune, value } => {
            let text = ["75", "85", "95"][usize::from(*value)];
            put(app, &w.new[*commune], GROUPS, 2026, "1.1", text).await;
        }
        Op::Review { commune, to } => {
            let (to, comment) = match to {
                0 => (ObsStatus::Submitted, ""),
                1 => (ObsStatus::Verified, ""),
                _ => (ObsStatus::Returned, "cần bổ sung"),
            };
            // Refused when no value is in a state that may move (nothing written then).
            let _ = review(
                app,
                &cli,
                &w.old[*commune],
                StatusChange {
                    set_id: NTM.into(),
                    year: 2023,
                    codes: Vec::new(),
                    to,
                    comment: comment.into(),
                },
            )
            .await;
        }
        Op::Threshold(v) => {
            upload_set(app, &w.officer, "86", "vl.yaml", &provincial_yaml(*v))
                .await
                .expect("provincial set");
        }
        Op::Group { commune, group } => {
            assign(
                app,
                &w.officer,
                "86",
                AssignInput {
                    commune_code: w.new[*commune].clone(),
                    group: group.to_string(),
                    basis: basis(),
                    note: String::new(),
                },
            )
            .await
            .expect("group");
        }
        Op::Read => read_all(app, w, &format!("{op:?}")).await,
    }
}

async fn read_all(app: &App, w: &World, trail: &str) {
    let cli = Actor::cli();
    check(app, &cli, "86", NTM, 2023, trail).await;
    for d in &w.districts {
        check(app, &cli, d, NTM, 2023, trail).await;
    }
    check(app, &cli, "86", GROUPS, 2026, trail).await;
}

async fn world(app: &App) -> World {
    let officer = user(app, "tinh86", "province_officer@86").await;
    // Communes of two districts of old Vĩnh Long, and of Vĩnh Long today.
    let on = date!(2023 - 12 - 31);
    let p = app
        .db_for_tests()
        .unit_on("86", on)
        .await
        .unwrap()
        .expect("86");
    let mut districts = Vec::new();
    let mut old = Vec::new();
    for d in app
        .db_for_tests()
        .subtree_on(&p.path, on, Some(Level::District))
        .await
        .unwrap()
    {
        let xa = communes(app, &d.code, on).await;
        if xa.len() >= POOL / 2 && districts.len() < 2 {
            old.extend(xa.into_iter().take(POOL / 2));
            districts.push(d.code);
        }
    }
    let new: Vec<String> = communes(app, "86", date!(2026 - 12 - 31))
        .await
        .into_iter()
        .take(POOL)
        .collect();
    assert_eq!((old.len(), new.len()), (POOL, POOL));
    World {
        officer,
        old,
        new,
        districts,
    }
}

/// The property on one engine: random sequences of writes with reads between them.
fn kept_equals_full(backend: Backend) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let Some(t) = rt.block_on(TestDb::new(backend)) else {
        return;
    };
    let setup = app_on(t.db.clone());
    let w = rt.block_on(async {
        reference(&setup).await;
        world(&setup).await
    });
    let mut runner = TestRunner::new(Config {
        cases: 8,
        failure_persistence: None,
        ..Config::default()
    });
    let result = runner.run(&proptest::collection::vec(op(), 3..10), |ops| {
        rt.block_on(async {
            // A new process on the data left by the earlier cases: it starts from a full
            // read, then follows the feed.
            let app = app_on(t.db.clone());
            read_all(&app, &w, "start").await;
            let mut trail = String::new();
            for op in &ops {
                trail.push_str(&format!("{op:?}; "));
                apply(&app, &w, op).await;
            }
            read_all(&app, &w, &trail).await;
            app.kept_settled().await;
        });
        Ok(())
    });
    rt.block_on(t.cleanup());
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn kept_evaluations_equal_a_full_evaluation_sqlite() {
    kept_equals_full(Backend::Sqlite);
}

#[test]
fn kept_evaluations_equal_a_full_evaluation_postgres() {
    kept_equals_full(Backend::Postgres);
}

both_backends!(
    two_servers_on_one_database_see_each_others_writes,
    |t: TestDb| async move {
        // Two applications, each with its own connections and kept evaluations.
        let one = app_on(t.db.clone());
        let two = app_on(Db::connect(&t.url).await.expect("second connection"));
        reference(&one).await;
        let w = world(&one).await;
        let cli = Actor::cli();
        for app in [&one, &two] {
            read_all(app, &w, "start").await;
        }
        // A value entered on one is in the other's next read.
        let commune = &w.old[0];
        let before = evaluate_kept(&two, &cli, "86", NTM, 2023).await.unwrap();
        for (code, text) in [("1.1", "Không đạt"), ("3.1", "10")] {
            put(&one, commune, NTM, 2023, code, text).await;
        }
        let after = evaluate_kept(&two, &cli, "86", NTM, 2023).await.unwrap();
        // (The write changes the figures; equal to a full evaluation below.)
        assert_ne!(figures(&before), figures(&after), "the write is seen");
        read_all(&two, &w, "a value entered on the other").await;
        // A threshold changed on the other: flagged while rebuilt, then equal.
        upload_set(&two, &w.officer, "86", "vl.yaml", &provincial_yaml(95))
            .await
            .expect("provincial set");
        // Flagged while rebuilt, with the time of the figures. (This read first re-reads the
        // commune written above; the rebuild, which reads no value, may be done by then: the
        // figures are then current, and equal to a full evaluation below either way.)
        let e = evaluate_kept(&one, &cli, "86", NTM, 2023).await.unwrap();
        assert_eq!(e.updating, e.figures_at.is_some(), "updating with its time");
        read_all(&one, &w, "a provincial set uploaded on the other").await;
        assert!(
            evaluate_kept(&one, &cli, "86", NTM, 2023)
                .await
                .unwrap()
                .provincial
                .is_some(),
            "the provincial set is used"
        );
        // A group assigned on one is seen by the other.
        assign(
            &one,
            &w.officer,
            "86",
            AssignInput {
                commune_code: w.new[0].clone(),
                group: "1".into(),
                basis: basis(),
                note: String::new(),
            },
        )
        .await
        .expect("group");
        read_all(&two, &w, "a group assigned on the other").await;
        two.db_for_tests().close().await;
    }
);

both_backends!(a_write_re_reads_only_its_commune, |db: Db| async move {
    let app = app_on(db);
    reference(&app).await;
    let w = world(&app).await;
    let cli = Actor::cli();
    let province = evaluate_kept(&app, &cli, "86", NTM, 2023).await.unwrap();
    let n = province.rollup.as_ref().unwrap().units;
    assert!(n > 50, "old Vĩnh Long has {n} xã");
    let s0 = app.kept_stats();
    assert_eq!(
        (s0.scopes_built, s0.units_evaluated),
        (1, u64::from(n)),
        "a cold read evaluates every xã once"
    );
    // Nothing changed: nothing is read again.
    evaluate_kept(&app, &cli, "86", NTM, 2023).await.unwrap();
    assert_eq!(app.kept_stats().units_evaluated, u64::from(n));
    // One commune's value: that commune only.
    put(&app, &w.old[0], NTM, 2023, "3.1", "91").await;
    check(&app, &cli, "86", NTM, 2023, "one value").await;
    let s1 = app.kept_stats();
    assert_eq!(s1.units_evaluated, u64::from(n) + 1, "{s1:?}");
    assert_eq!(s1.scopes_built, 1);
    // A value of another year or set reads nothing of this scope.
    put(&app, &w.old[1], NTM, 2024, "3.1", "91").await;
    evaluate_kept(&app, &cli, "86", NTM, 2023).await.unwrap();
    assert_eq!(app.kept_stats().units_evaluated, u64::from(n) + 1);
    // Its status moving (submit, verify): once per change.
    for to in [ObsStatus::Submitted, ObsStatus::Verified] {
        ntm_app::criteria::change_status(&app, &cli, &w.old[0], NTM, 2023, &[], to)
            .await
            .expect("status");
    }
    check(&app, &cli, "86", NTM, 2023, "submit and verify").await;
    assert_eq!(app.kept_stats().units_evaluated, u64::from(n) + 2);
    // Someone who may not view the province is refused, kept or not.
    let other = user(&app, "tinh84", "province_officer@84").await;
    let refused = evaluate_kept(&app, &other, "86", NTM, 2023).await;
    assert!(
        matches!(refused, Err(ntm_app::AppError::Forbidden(_))),
        "{refused:?}"
    );
});

both_backends!(
    a_threshold_change_is_rebuilt_from_the_kept_values,
    |db: Db| async move {
        let app = app_on(db);
        reference(&app).await;
        let w = world(&app).await;
        let cli = Actor::cli();
        for (commune, text) in w.old.iter().take(3).zip(["80", "92", "97"]) {
            put(&app, commune, NTM, 2023, "3.1", text).await;
        }
        let first = evaluate_kept(&app, &cli, "86", NTM, 2023).await.unwrap();
        let n = first.rollup.as_ref().unwrap().units as usize;
        assert!(first.updating_progress.is_none());
        let s0 = app.kept_stats();
        assert!(s0.values_bytes > 0, "the values are kept: {s0:?}");
        // New thresholds for the province: flagged with the rebuild's progress, then equal to
        // a full evaluation, without reading any value again.
        upload_set(&app, &w.officer, "86", "vl.yaml", &provincial_yaml(95))
            .await
            .expect("provincial set");
        let during = evaluate_kept(&app, &cli, "86", NTM, 2023).await.unwrap();
        assert!(
            during.updating,
            "the first read after the change says updating"
        );
        let (done, total) = during
            .updating_progress
            .expect("the progress of the rebuild while updating");
        assert!(done <= total && total <= n, "{done}/{total} of {n}");
        app.kept_settled().await;
        check(&app, &cli, "86", NTM, 2023, "new thresholds").await;
        let s1 = app.kept_stats();
        assert_eq!(s1.rebuilds, s0.rebuilds + 1, "{s1:?}");
        assert_eq!(
            s1.units_evaluated, s0.units_evaluated,
            "no value is read again for new thresholds: {s1:?}"
        );
        let after = evaluate_kept(&app, &cli, "86", NTM, 2023).await.unwrap();
        assert!(after.provincial.is_some(), "the provincial set is used");
        assert!(after.updating_progress.is_none());
        // A value written after the rebuild is read for its commune only, as before.
        put(&app, &w.old[0], NTM, 2023, "3.1", "91").await;
        check(&app, &cli, "86", NTM, 2023, "a value after new thresholds").await;
        assert_eq!(app.kept_stats().units_evaluated, s0.units_evaluated + 1);
    }
);

both_backends!(
    rows_pruned_before_they_were_read_mean_a_full_read,
    |db: Db| async move {
        let app = app_on(db);
        reference(&app).await;
        let w = world(&app).await;
        let cli = Actor::cli();
        put(&app, &w.old[1], NTM, 2023, "3.1", "88").await;
        let n = evaluate_kept(&app, &cli, "86", NTM, 2023)
            .await
            .unwrap()
            .rollup
            .unwrap()
            .units;
        let s0 = app.kept_stats();
        // A write, then its row pruned before this process read it.
        put(&app, &w.old[0], NTM, 2023, "3.1", "91").await;
        let deleted = app
            .db_for_tests()
            .prune_evaluation_changes(ntm_app::now() + time::Duration::seconds(1))
            .await
            .unwrap();
        assert!(deleted > 0);
        // The marker left in their place: flagged, rebuilt reading every value again, equal
        // to a full evaluation (the write included).
        check(&app, &cli, "86", NTM, 2023, "rows pruned").await;
        let s1 = app.kept_stats();
        assert_eq!(s1.rebuilds, s0.rebuilds + 1, "{s1:?}");
        assert_eq!(s1.units_evaluated, s0.units_evaluated + u64::from(n));
        // Only the server's own maintenance prunes; a week's rows are kept.
        assert!(matches!(
            ntm_app::dashboard::prune_feed(&app, &w.officer).await,
            Err(ntm_app::AppError::Forbidden(_))
        ));
        assert_eq!(
            ntm_app::dashboard::prune_feed(&app, &cli).await.unwrap(),
            0,
            "nothing is a week old"
        );
    }
);

both_backends!(
    the_national_dashboard_reads_each_changed_commune_once,
    |db: Db| async move {
        let app = app_on(db);
        reference(&app).await;
        let w = world(&app).await;
        let cli = Actor::cli();
        let q = NationalQuery {
            set: Some(NTM),
            year: Some(2023),
            from_form: false,
        };
        // The province and two of its districts kept, then every province.
        read_all(&app, &w, "start").await;
        national_dashboard(&app, &cli, q).await.expect("national");
        let s0 = app.kept_stats();
        // Two communes of the first district, one of the second.
        for (commune, text) in [(&w.old[0], "81"), (&w.old[1], "93"), (&w.old[3], "99")] {
            put(&app, commune, NTM, 2023, "3.1", text).await;
        }
        let d = national_dashboard(&app, &cli, q).await.expect("national");
        let s1 = app.kept_stats();
        // Read once, evaluated in each kept scope holding them: the province (3) and their
        // districts (2 + 1).
        assert_eq!(s1.units_evaluated - s0.units_evaluated, 6, "{s1:?}");
        let full = evaluate(&app, &cli, "86", NTM, 2023)
            .await
            .expect("evaluate");
        let row = d.provinces.iter().find(|p| p.code == "86").expect("86");
        assert_eq!(row.tally, Tally::of(full.rollup.as_ref().expect("roll-up")));
        // The districts' scopes refreshed with it equal a full evaluation too.
        read_all(&app, &w, "national dashboard after three writes").await;
        national_dashboard(&app, &cli, q).await.expect("national");
        assert_eq!(app.kept_stats().units_evaluated, s1.units_evaluated);
        // Only country-wide grants see it.
        assert!(matches!(
            national_dashboard(&app, &w.officer, q).await,
            Err(ntm_app::AppError::Forbidden(_))
        ));
    }
);

both_backends!(
    unit_lists_are_kept_until_units_change,
    |db: Db| async move {
        let app = app_on(db);
        reference(&app).await;
        let w = world(&app).await;
        let cli = Actor::cli();
        let districts = || async {
            match page(&app, &cli, "86", Some(NTM), Some(2023), false)
                .await
                .expect("dashboard page")
            {
                DashboardPage::Page(p) => p.dashboard.districts.len(),
                DashboardPage::Scorecard { .. } => panic!("a province has a dashboard"),
            }
        };
        let n = districts().await;
        let on = date!(2023 - 12 - 31);
        let p = app.db_for_tests().unit_on("86", on).await.unwrap().unwrap();
        let in_db = app
            .db_for_tests()
            .subtree_on(&p.path, on, Some(Level::District))
            .await
            .unwrap()
            .len();
        assert_eq!(n, in_db, "every district of the province");
        let s0 = app.kept_stats();
        assert!(s0.unit_lists_read >= 2, "{s0:?}");
        // Viewed again: no list is read.
        assert_eq!(districts().await, n);
        assert_eq!(app.kept_stats().unit_lists_read, s0.unit_lists_read);
        // A hamlet added anywhere: the lists are read again at the next view.
        add_hamlets(
            &app,
            &cli,
            vec![NewHamlet {
                line: 0,
                commune_code: w.new[0].clone(),
                code: None,
                name: "Ấp Kiểm Thử".into(),
                kind: "Ấp".into(),
            }],
        )
        .await
        .expect("hamlet");
        assert_eq!(districts().await, n);
        let s1 = app.kept_stats();
        assert!(s1.unit_lists_read > s0.unit_lists_read, "{s1:?}");
    }
);
