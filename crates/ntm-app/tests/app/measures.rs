//! Indicators computed from the records (`ntm_app::measures`), on the test-only set
//! `thu-nghiem-xa-thong-minh` (testdata/criteria-measures): publishing a DX post, marking a
//! broadcast with a DX segment held and answering a feedback report each write the bound
//! indicator's new value as a draft version with source `computed` (audited); a post of
//! another category changes nothing; an unchanged value is not written again; officers
//! cannot type a bound indicator's value, but still type the others.

use std::sync::OnceLock;

use ntm_app::criteria::{ValueBatch, ValueInput, put_observations};
use ntm_app::feedback::{self, NewReport, StepForm, challenge_at};
use ntm_app::portal::{self, PostForm, ProgrammeForm, SegmentForm};
use ntm_app::{Actor, AppError};
use ntm_domain::criteria::Catalog;
use ntm_domain::observation::{ObsSource, ObsStatus};
use ntm_testkit::{Db, both_backends};
use time::Duration;

use crate::{app, reference, user};

const FIXTURE: &str =
    include_str!("../../../../testdata/criteria-measures/thu-nghiem-xa-thong-minh.yaml");
const SET: &str = "thu-nghiem-xa-thong-minh";
const COMMUNE: &str = "29584";

fn test_catalog() -> &'static Catalog {
    static C: OnceLock<&'static Catalog> = OnceLock::new();
    C.get_or_init(|| {
        ntm_app::criteria::catalog_with(&[("thu-nghiem-xa-thong-minh.yaml".into(), FIXTURE.into())])
            .expect("the test criteria set loads")
    })
}

fn post(category: &str) -> PostForm {
    PostForm {
        title: "Hướng dẫn cài VNeID".into(),
        body: "<p>Bà con mang CCCD đến nhà văn hóa ấp.</p>".into(),
        category: category.into(),
        photos: vec![],
    }
}

both_backends!(
    computed_indicators_follow_the_records,
    |db: Db| async move {
        let mut app = app(db);
        app.catalog = test_catalog();
        app.config.data_dir =
            std::env::temp_dir().join(format!("ntm-measures-{}", uuid::Uuid::now_v7()));
        reference(&app).await;
        feedback::seed_demo(&app, "86").await.unwrap();
        let xa = user(&app, "xa.do", "commune_officer@29584").await;
        let today = ntm_app::today();
        let year = today.year();
        let unit = app
            .db_for_tests()
            .unit_on(COMMUNE, today)
            .await
            .unwrap()
            .unwrap();
        let db = app.db_for_tests().clone();
        let value = |code: &'static str, year: i32| {
            let db = db.clone();
            async move {
                db.current_observations(unit.id, SET, year)
                    .await
                    .unwrap()
                    .into_iter()
                    .find(|o| o.indicator_code == code)
            }
        };
        let computed_entries = || {
            let db = db.clone();
            async move {
                db.audit_page(0, 100_000)
                    .await
                    .unwrap()
                    .into_iter()
                    .filter(|e| e.action == "observations.computed")
                    .count()
            }
        };
        assert!(value("1.1", year).await.is_none());

        // A DX post published: 1.1 (mean DX posts per month) gets a computed draft value.
        let p = portal::new_post(&app, &xa, COMMUNE, post("chuyen-doi-so"))
            .await
            .unwrap();
        assert!(value("1.1", year).await.is_none(), "a draft does not count");
        portal::set_published(&app, &xa, p.id, p.version, true)
            .await
            .unwrap();
        let v1 = value("1.1", year).await.expect("1.1 computed");
        assert_eq!(v1.source, ObsSource::Computed);
        assert_eq!(v1.status, ObsStatus::Draft);
        assert!(v1.note.contains("1 tin bài"), "{}", v1.note);
        let first: f64 = v1.value_text.parse().unwrap();
        assert!(first > 0.0, "{first}");
        let entries = computed_entries().await;
        assert!(entries >= 1);

        // A post of another category changes nothing, and nothing is written again.
        let q = portal::new_post(&app, &xa, COMMUNE, post("tin-tuc"))
            .await
            .unwrap();
        portal::set_published(&app, &xa, q.id, q.version, true)
            .await
            .unwrap();
        assert_eq!(value("1.1", year).await.unwrap().version, v1.version);
        assert_eq!(computed_entries().await, entries);

        // A second DX post: the value grows, as a new version.
        let r = portal::new_post(&app, &xa, COMMUNE, post("chuyen-doi-so"))
            .await
            .unwrap();
        portal::set_published(&app, &xa, r.id, r.version, true)
            .await
            .unwrap();
        let v2 = value("1.1", year).await.unwrap();
        assert_eq!(v2.version, v1.version + 1);
        let second: f64 = v2.value_text.parse().unwrap();
        assert!((second - 2.0 * first).abs() < 0.02, "{first} then {second}");
        // Unpublished again: back down.
        portal::set_published(&app, &xa, r.id, r.version + 1, false)
            .await
            .unwrap();
        assert_eq!(value("1.1", year).await.unwrap().value_text, v1.value_text);

        // A broadcast with a DX segment aired last week and marked held: 1.2 (share of weeks with
        // one) in the ISO year of that week.
        let last_week = today - Duration::days(7);
        let iso_year = last_week.to_iso_week_date().0;
        let prog = portal::add_programme(
            &app,
            &xa,
            COMMUNE,
            ProgrammeForm {
                air_date: last_week.to_string(),
                air_time: "06:30".into(),
                title: "Bản tin sáng".into(),
                segments: vec![SegmentForm {
                    topic: "Dịch vụ công trực tuyến".into(),
                    dx: true,
                }],
            },
        )
        .await
        .unwrap();
        portal::mark_held(&app, &xa, prog.programme.id, "Phát đủ 15 phút")
            .await
            .unwrap();
        // The write refreshes this calendar year; the ISO year of last week may be the previous
        // one in early January, which the use case computes on demand.
        ntm_app::measures::refresh(&app, &xa, COMMUNE, iso_year)
            .await
            .unwrap();
        let weeks = value("1.2", iso_year).await.expect("1.2 computed");
        assert_eq!(weeks.source, ObsSource::Computed);
        let share: f64 = weeks.value_text.parse().unwrap();
        assert!(share > 0.0 && share <= 100.0, "{share}");
        assert!(weeks.note.contains("1/"), "{}", weeks.note);

        // A feedback report answered on time: 2.1 (share answered on time) becomes 100.
        let c = challenge_at(&app, ntm_app::now() - Duration::seconds(10))
            .await
            .unwrap();
        let anon = Actor::Anonymous {
            origin: "203.0.113.8".into(),
        };
        let filed = feedback::file_report(
            &app,
            &anon,
            NewReport {
                province_code: "86".into(),
                category: "giao-thong".into(),
                text: "Đèn đường ấp 3 không sáng".into(),
                unit_code: COMMUNE.into(),
                client_token: "tok-measures".into(),
                challenge_token: c.token,
                challenge_answer: (u32::from(c.a) + u32::from(c.b)).to_string(),
                ..NewReport::default()
            },
        )
        .await
        .unwrap();
        let step = |action: &str, version: i64, answer: &str| StepForm {
            action: action.into(),
            version,
            answer: answer.into(),
            ..StepForm::default()
        };
        feedback::act(&app, &xa, filed.id, step("accept", 1, ""))
            .await
            .unwrap();
        feedback::act(&app, &xa, filed.id, step("start", 2, ""))
            .await
            .unwrap();
        feedback::act(&app, &xa, filed.id, step("resolve", 3, "Đã thay bóng đèn."))
            .await
            .unwrap();
        let fb = value("2.1", year).await.expect("2.1 computed");
        assert_eq!(fb.value_text, "100");
        assert!(fb.note.contains("1/1"), "{}", fb.note);

        // Typing a bound indicator is refused and writes nothing; 2.2 is still typed.
        let typed = |code: &str, text: &str, expected: Option<i64>| ValueBatch {
            set_id: SET.into(),
            year,
            values: vec![ValueInput {
                code: code.into(),
                text: text.into(),
                expected_version: expected,
            }],
            note: "kiểm thử".into(),
            source: ObsSource::Manual,
        };
        let before = value("1.1", year).await.unwrap().version;
        match put_observations(&app, &xa, COMMUNE, typed("1.1", "5", Some(before))).await {
            Err(AppError::Validation(f)) => {
                assert!(f[0].message.contains("không nhập tay"), "{:?}", f);
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(value("1.1", year).await.unwrap().version, before);
        put_observations(&app, &xa, COMMUNE, typed("2.2", "Đạt", None))
            .await
            .unwrap();
        assert_eq!(value("2.2", year).await.unwrap().source, ObsSource::Manual);
    }
);

const PLAN: &str =
    include_str!("../../../../testdata/plans-measures/thu-nghiem-chuyen-doi-so-xa.yaml");

// Plan targets on computed measures (`kind: computed`, test-only plan
// testdata/plans-measures): the share of communes reaching a threshold follows a DX post,
// the province's count of feedback follows a filed report, and each commune's figure says
// what it counted.
both_backends!(plan_targets_read_computed_measures, |db: Db| async move {
    let mut app = app(db);
    app.config.data_dir =
        std::env::temp_dir().join(format!("ntm-plan-measures-{}", uuid::Uuid::now_v7()));
    reference(&app).await;
    feedback::seed_demo(&app, "86").await.unwrap();
    let shipped = ntm_app::plans::load(
        ntm_app::plans::MEASURES_FILE,
        &[("thu-nghiem-chuyen-doi-so-xa.yaml", PLAN)],
        ntm_app::criteria::catalog(),
    )
    .expect("the test plan loads");
    let plan = &shipped.plans[0];
    let xa = user(&app, "xa.do", "commune_officer@29584").await;
    let tinh = user(&app, "tinh.do", "province_officer@86").await;
    let year = ntm_app::today().year();
    let progress = || async {
        ntm_app::plans::plan_progress_for(&app, &tinh, plan, year, None)
            .await
            .expect("progress")
    };
    let target = |p: &ntm_app::plans::PlanProgress, code: &str| {
        p.targets
            .iter()
            .find(|t| t.code == code)
            .cloned()
            .expect("target")
    };

    let p0 = progress().await;
    let posts0 = target(&p0, "dx-posts");
    let communes = posts0.per_level[0].units;
    assert!(communes > 50, "the province's communes: {communes}");
    // No post anywhere: every commune has a value (0 a month), none reaches the threshold.
    assert_eq!(posts0.per_level[0].with_value, communes);
    assert_eq!(posts0.actual, Some(0.0));
    assert!(
        posts0.actual_display.starts_with("0,0 %")
            && posts0.actual_display.contains(&format!("(0/{communes})")),
        "{}",
        posts0.actual_display
    );
    let pakn0 = target(&p0, "pakn").actual.unwrap_or(0.0);

    // One DX post published by 29584: 1 commune of them reaches it.
    let p = portal::new_post(&app, &xa, COMMUNE, post("chuyen-doi-so"))
        .await
        .unwrap();
    portal::set_published(&app, &xa, p.id, p.version, true)
        .await
        .unwrap();
    let p1 = progress().await;
    let posts1 = target(&p1, "dx-posts");
    let expected = 100.0 / f64::from(communes);
    assert!(
        (posts1.actual.unwrap() - expected).abs() < 1e-9,
        "{:?} vs {expected}",
        posts1.actual
    );
    assert!(posts1.actual_display.contains(&format!("(1/{communes})")));
    let fig = posts1
        .units
        .iter()
        .find(|u| u.code == COMMUNE)
        .expect("the commune's figure");
    assert_eq!(fig.met, Some(true));
    assert!(
        fig.note.as_deref().is_some_and(|n| n.contains("1 tin bài")),
        "{:?}",
        fig.note
    );
    assert_eq!(
        posts1.units.iter().filter(|u| u.met == Some(true)).count(),
        1
    );
    // A post of another category changes nothing.
    let q = portal::new_post(&app, &xa, COMMUNE, post("tin-tuc"))
        .await
        .unwrap();
    portal::set_published(&app, &xa, q.id, q.version, true)
        .await
        .unwrap();
    assert_eq!(target(&progress().await, "dx-posts").actual, posts1.actual);

    // A feedback report filed in the province: the count grows by one.
    let c = challenge_at(&app, ntm_app::now() - Duration::seconds(10))
        .await
        .unwrap();
    feedback::file_report(
        &app,
        &Actor::Anonymous {
            origin: "203.0.113.9".into(),
        },
        NewReport {
            province_code: "86".into(),
            category: "giao-thong".into(),
            text: "Cống thoát nước ấp 2 bị nghẹt".into(),
            unit_code: COMMUNE.into(),
            client_token: "tok-plan".into(),
            challenge_token: c.token,
            challenge_answer: (u32::from(c.a) + u32::from(c.b)).to_string(),
            ..NewReport::default()
        },
    )
    .await
    .unwrap();
    let pakn = target(&progress().await, "pakn");
    assert_eq!(pakn.actual, Some(pakn0 + 1.0), "{}", pakn.actual_display);

    // Another province's officer may not read the plan's figures.
    let other = user(&app, "tinh.hcm", "province_officer@79").await;
    assert!(matches!(
        ntm_app::plans::plan_progress_for(&app, &other, plan, year, None).await,
        Err(AppError::Forbidden(_))
    ));
});
