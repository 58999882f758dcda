//! Observations and evaluations on both databases.

use ntm_app::criteria::{
    EvidenceInput, ImportRow, ValueBatch, ValueInput, ValueRef, attach_evidence, change_status,
    evaluate, gaps, history, import_observations, list_sets, put_observations,
};
use ntm_app::{Actor, App, AppConfig, AppError};
use ntm_domain::observation::{ObsSource, ObsStatus};
use ntm_testkit::{Db, both_backends};
use time::macros::date;

use crate::{reference, user};

const SET: &str = "xa-ntm-2021-2025";

fn v(code: &str, text: &str, expected: Option<i64>) -> ValueInput {
    ValueInput {
        code: code.into(),
        text: text.into(),
        expected_version: expected,
    }
}

both_backends!(observations_and_evaluations, |db: Db| async move {
    let data_dir = std::env::temp_dir().join(format!("ntm-evidence-{}", uuid::Uuid::now_v7()));
    let app = App::new(
        db,
        AppConfig {
            data_dir: data_dir.clone(),
            ..AppConfig::default()
        },
    );
    reference(&app).await;
    assert!(list_sets(&app).iter().any(|s| s.id == SET));
    let commune = user(&app, "xa.ct", "commune_officer@29386").await;
    let other = user(&app, "xa.khac", "commune_officer@00004").await;
    let viewer = user(&app, "xem", "viewer").await;
    let anon = Actor::Anonymous {
        origin: "10.0.0.9".into(),
    };
    let put = |actor: Actor, values: Vec<ValueInput>, year: i32| {
        let app = app.clone();
        async move {
            let batch = ValueBatch {
                set_id: SET.into(),
                year,
                values,
                note: "biên bản".into(),
                source: ObsSource::Manual,
            };
            put_observations(&app, &actor, "29386", batch).await
        }
    };
    let good = || vec![v("1.1", "Đạt", None), v("2.1", "85 %", None)];

    // Permissions.
    for (actor, want_unauth) in [
        (anon, true),
        (viewer.clone(), false),
        (other.clone(), false),
    ] {
        let r = put(actor, good(), 2024).await;
        match (want_unauth, &r) {
            (true, Err(AppError::Unauthorized(_))) | (false, Err(AppError::Forbidden(_))) => {}
            _ => panic!("{r:?}"),
        }
    }

    // Every bad row is reported, nothing is written.
    let r = put(
        commune.clone(),
        vec![
            v("9.99", "1", None),
            v("2.1", "abc", None),
            v("2.2", "140 %", None),
            v("1.1", "Đạt", None),
        ],
        2024,
    )
    .await;
    let Err(AppError::Validation(errs)) = r else {
        panic!("{r:?}")
    };
    let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        vec!["values[0] (9.99)", "values[1] (2.1)", "values[2] (2.2)"],
        "{errs:?}"
    );
    assert!(errs[2].message.contains("100"), "{errs:?}");
    let r = put(commune.clone(), good(), 2031).await;
    assert!(
        matches!(&r, Err(AppError::Validation(e)) if e[0].field == "year"),
        "{r:?}"
    );
    let unit = app
        .db_for_tests()
        .unit_on("29386", date!(2024 - 12 - 31))
        .await
        .unwrap()
        .unwrap();
    assert!(
        app.db_for_tests()
            .current_observations(unit.id, SET, 2024)
            .await
            .unwrap()
            .is_empty()
    );

    // Values, then a change naming the version it replaces; a stale write conflicts.
    let w = put(commune.clone(), good(), 2024).await.unwrap();
    assert_eq!(w.len(), 2);
    assert!(
        w.iter()
            .all(|o| o.version == 1 && o.status == ObsStatus::Draft)
    );
    let r = put(commune.clone(), vec![v("2.1", "90", None)], 2024).await;
    assert!(matches!(r, Err(AppError::Conflict(_))), "{r:?}");
    put(commune.clone(), vec![v("2.1", "90", Some(1))], 2024)
        .await
        .unwrap();
    let h = app
        .db_for_tests()
        .observation_history(unit.id, SET, "2.1", 2024)
        .await
        .unwrap();
    assert_eq!(
        h.iter().map(|o| o.value_text.as_str()).collect::<Vec<_>>(),
        vec!["85 %", "90"]
    );

    // The commune's evaluation and the district's roll-up.
    let anon = Actor::Anonymous {
        origin: "1.2.3.4".into(),
    };
    assert!(matches!(
        evaluate(&app, &anon, "29386", SET, 2024).await,
        Err(AppError::Unauthorized(_))
    ));
    assert!(matches!(
        evaluate(&app, &other, "29386", SET, 2024).await,
        Err(AppError::Forbidden(_))
    ));
    assert!(evaluate(&app, &commune, "29386", SET, 2024).await.is_ok());
    assert!(evaluate(&app, &viewer, "29386", SET, 2024).await.is_ok());
    let e = evaluate(&app, &Actor::cli(), "29386", SET, 2024)
        .await
        .unwrap();
    let r = e.result.expect("own result");
    assert_eq!(r.criteria_total, 19);
    let i21 = r.indicators.iter().find(|i| i.code == "2.1").unwrap();
    assert_eq!((i21.value.as_deref(), i21.version), (Some("90"), Some(2)));
    assert!(
        !gaps(&app, &Actor::cli(), "29386", SET, 2024)
            .await
            .unwrap()
            .is_empty()
    );
    let district = unit.parent_code.clone().unwrap();
    let d = evaluate(&app, &Actor::cli(), &district, SET, 2024)
        .await
        .unwrap();
    let roll = d.rollup.expect("roll-up");
    assert!(roll.units >= 1 && roll.children.iter().any(|c| c.code == "29386"));
    assert_eq!(roll.units as usize, roll.children.len());
    let p = evaluate(&app, &Actor::cli(), "86", SET, 2025)
        .await
        .unwrap();
    assert_eq!(p.units_on, date!(2025 - 06 - 30));
    assert!(p.rollup.unwrap().units > 50);

    // Submit (commune), verify (district officer, not the commune).
    let s = change_status(
        &app,
        &commune,
        "29386",
        SET,
        2024,
        &[],
        ObsStatus::Submitted,
    )
    .await
    .unwrap();
    assert_eq!(s.len(), 2);
    let r = change_status(&app, &commune, "29386", SET, 2024, &[], ObsStatus::Verified).await;
    assert!(matches!(r, Err(AppError::Forbidden(_))), "{r:?}");
    let dist = user(&app, "huyen", &format!("district_officer@{district}")).await;
    let ver = change_status(
        &app,
        &dist,
        "29386",
        SET,
        2024,
        &["2.1".to_string()],
        ObsStatus::Verified,
    )
    .await
    .unwrap();
    assert_eq!((ver[0].version, ver[0].status), (4, ObsStatus::Verified));
    assert_eq!(ver[0].value_text, "90");

    // Evidence: stored on disk, attached as a new version naming the one it replaces.
    let r21 = ValueRef {
        unit_code: "29386".into(),
        set_id: SET.into(),
        year: 2024,
        indicator_code: "2.1".into(),
    };
    let pdf = EvidenceInput {
        file_name: "bien-ban-2.1.pdf".into(),
        bytes: b"%PDF-1.4 bien ban".to_vec(),
    };
    let empty = EvidenceInput {
        file_name: "trong.pdf".into(),
        bytes: vec![],
    };
    let r = attach_evidence(&app, &commune, &r21, 4, vec![empty]).await;
    assert!(
        matches!(&r, Err(AppError::Validation(e)) if e[0].field == "files[0] (trong.pdf)"),
        "{r:?}"
    );
    let r = attach_evidence(&app, &commune, &r21, 3, vec![pdf.clone()]).await;
    assert!(matches!(r, Err(AppError::Conflict(_))), "{r:?}");
    let w = attach_evidence(&app, &commune, &r21, 4, vec![pdf.clone()])
        .await
        .unwrap();
    assert_eq!(
        (w.version, w.status, w.value_text.as_str()),
        (5, ObsStatus::Verified, "90")
    );
    let h = history(&app, &Actor::cli(), &r21).await.unwrap();
    assert_eq!(h.len(), 5);
    let (last, files) = h.last().unwrap();
    assert_eq!(last.version, 5);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].size, pdf.bytes.len() as i64);
    let on_disk = std::fs::read(data_dir.join(&files[0].stored_path)).unwrap();
    assert_eq!(on_disk, pdf.bytes);
    assert!(h[..4].iter().all(|(_, f)| f.is_empty()));
    let _ = std::fs::remove_dir_all(&data_dir);

    // Import of many units: every bad row, nothing written; then one transaction.
    let row = |line: usize, unit: &str, code: &str, value: &str| ImportRow {
        line,
        unit_code: unit.into(),
        indicator_code: code.into(),
        value: value.into(),
    };
    let rows = vec![
        row(2, "29386", "3.1", "50"),
        row(3, "29377", "3.1", "50"),
        row(4, "29377", "3.2", "có lẽ"),
        row(5, "00000", "3.1", "50"),
        row(6, "847", "3.1", "50"),
    ];
    let r = import_observations(&app, &commune, SET, 2024, rows.clone(), "").await;
    assert!(matches!(r, Err(AppError::Forbidden(_))), "{r:?}");
    let r = import_observations(&app, &dist, SET, 2024, rows.clone(), "").await;
    let Err(AppError::Validation(errs)) = r else {
        panic!("{r:?}")
    };
    let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["line 4 (3.2)", "line 5 (unit_code)", "line 6 (unit_code)"],
        "{errs:?}"
    );
    let r = import_observations(&app, &dist, SET, 2024, rows[..2].to_vec(), "báo cáo")
        .await
        .unwrap();
    assert_eq!((r.rows, r.units), (2, 2));
    let e = evaluate(&app, &Actor::cli(), &district, SET, 2024)
        .await
        .unwrap();
    assert!(e.rollup.unwrap().children.len() >= 2);
    let cur = app
        .db_for_tests()
        .current_observations(unit.id, SET, 2024)
        .await
        .unwrap();
    let c31 = cur.iter().find(|o| o.indicator_code == "3.1").unwrap();
    assert_eq!((c31.version, c31.source), (1, ObsSource::Import));
});

// A value typed on the scorecard: the permission first, then a text the indicator's kind
// cannot take comes back as the domain's `ValueError` (pages word it), nothing written.
both_backends!(
    typed_value_errors_after_the_permission,
    |db: Db| async move {
        use ntm_app::criteria::{ValueEntryError, current_versions, put_value};
        use ntm_domain::criteria::ValueError;

        let app = App::new(db, AppConfig::default());
        reference(&app).await;
        let commune = user(&app, "xa.ct", "commune_officer@29386").await;
        let viewer = user(&app, "xem", "viewer").await;
        let batch = |text: &str| ValueBatch {
            set_id: SET.into(),
            year: 2024,
            values: vec![v("2.1", text, None)],
            note: String::new(),
            source: ObsSource::Manual,
        };
        let r = put_value(&app, &viewer, "29386", batch("140")).await;
        assert!(
            matches!(r, Err(ValueEntryError::App(AppError::Forbidden(_)))),
            "{r:?}"
        );
        let r = put_value(&app, &commune, "29386", batch("140")).await;
        assert!(
            matches!(
                r,
                Err(ValueEntryError::Value(ValueError::PercentOver100 { .. }))
            ),
            "{r:?}"
        );
        let r = put_value(&app, &commune, "29386", batch("abc")).await;
        assert!(
            matches!(
                r,
                Err(ValueEntryError::Value(ValueError::NotANumber { .. }))
            ),
            "{r:?}"
        );
        let none = current_versions(&app, &commune, "29386", SET, 2024)
            .await
            .expect("versions");
        assert!(none.is_empty(), "{none:?}");
        put_value(&app, &commune, "29386", batch("85"))
            .await
            .expect("a good value is written");
    }
);
