//! Plans: actuals from measures and evaluations, statuses, drill-down, writes and permissions.

use ntm_app::plans::{MeasureInput, enter_measures, plan_progress, set_task_status, tasks};
use ntm_app::{Actor, AppError};
use ntm_domain::plans::TargetStatus;
use ntm_testkit::{Db, both_backends};

use super::{app, reference, user};

both_backends!(plan_progress_of_the_demo_sample, |db: Db| async move {
    let app = app(db);
    reference(&app).await;
    ntm_app::demo::seed_sample_observations(&app, &Actor::cli())
        .await
        .expect("observations");
    let n = ntm_app::plans::seed_sample_measures(&app, &Actor::cli())
        .await
        .expect("measures");
    assert!(n > 100, "{n}");
    let officer = user(&app, "tinh84", "province_officer@84").await;
    let p = plan_progress(&app, &officer, "tra-vinh-2023", 2023, None)
        .await
        .expect("progress");
    assert_eq!(p.targets.len(), 14);
    let t = |c: &str| p.targets.iter().find(|t| t.code == c).expect("target");
    let tinh = t("1a-tinh");
    assert_eq!(tinh.actual, Some(34.5));
    assert_eq!(tinh.actual_display, "34,5 %");
    assert_eq!(tinh.status, TargetStatus::Met);
    assert_eq!(tinh.units.len(), 1);
    let xa = t("1a-xa");
    assert_eq!(xa.per_level[0].units, 106);
    assert_eq!(xa.per_level[0].with_value, 106);
    assert_eq!(xa.units.len(), 106);
    assert!(xa.actual.is_some());
    // 2023 is the due year and it is over: a target not met is off track.
    if xa.actual < Some(20.0) {
        assert_eq!(xa.status, TargetStatus::OffTrack);
    }
    // The smart pilot count has no sample value: no data, never "off track".
    assert_eq!(t("4").status, TargetStatus::NoData);
    assert_eq!(t("4").actual_display, "—");
    // Indicator 8.4: confirmed share first, provisional beside it, over the 85 xã (the set
    // applies to xã: the 21 phường and thị trấn are not in the denominator).
    let s = t("1b-8.4");
    let l = &s.per_level[0];
    assert_eq!(l.units, 85);
    assert!(l.tentative.is_some() && l.no_known_shortfall.is_some());
    assert!(l.no_known_shortfall >= l.actual);
    assert_eq!(s.units.len(), 85);
    // Two levels: one figure per level.
    assert_eq!(t("3").per_level.len(), 2);
    assert_eq!(t("1d").agency_cite.as_deref(), Some("V.1.đ"));
    assert!(t("1a-xa").agency_inherited);

    // A district's own figures.
    let d = plan_progress(&app, &officer, "tra-vinh-2023", 2023, Some("842"))
        .await
        .expect("district");
    let dx = d.targets.iter().find(|t| t.code == "1a-xa").expect("1a-xa");
    assert!(dx.units.len() < 106 && !dx.units.is_empty());

    // Permissions.
    let anon = Actor::Anonymous { origin: "x".into() };
    assert!(matches!(
        plan_progress(&app, &anon, "tra-vinh-2023", 2023, None).await,
        Err(AppError::Unauthorized(_))
    ));
    // Vĩnh Long (86) took in Trà Vinh on 01/07/2025: its officer sees Trà Vinh's plan; an
    // officer of another province does not.
    let successor = user(&app, "tinh86", "province_officer@86").await;
    assert!(
        plan_progress(&app, &successor, "tra-vinh-2023", 2023, None)
            .await
            .is_ok()
    );
    let other = user(&app, "tinh87", "province_officer@87").await;
    assert!(matches!(
        plan_progress(&app, &other, "tra-vinh-2023", 2023, None).await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        plan_progress(&app, &officer, "no-such-plan", 2023, None).await,
        Err(AppError::NotFound(_))
    ));
});

both_backends!(measure_entry_and_task_status, |db: Db| async move {
    let app = app(db);
    reference(&app).await;
    let officer = user(&app, "tinh84", "province_officer@84").await;
    let viewer = user(&app, "xem84", "viewer@84").await;
    let input = |value: &str, expected: Option<i64>| MeasureInput {
        unit_code: "84".into(),
        measure: "officials_trained_pct".into(),
        year: 2023,
        value: value.into(),
        note: String::new(),
        expected_version: expected,
    };
    let r = enter_measures(&app, &officer, &[input("40,5", None)])
        .await
        .expect("enter");
    assert_eq!(r[0].version, 1);
    assert_eq!(r[0].value_text, "40.5");
    // Stale version: refused, nothing overwritten.
    assert!(matches!(
        enter_measures(&app, &officer, &[input("41", None)]).await,
        Err(AppError::Conflict(_))
    ));
    enter_measures(&app, &officer, &[input("41", Some(1))])
        .await
        .expect("second version");
    // Bad input.
    assert!(matches!(
        enter_measures(&app, &officer, &[input("140", Some(2))]).await,
        Err(AppError::Validation(_))
    ));
    assert!(matches!(
        enter_measures(&app, &officer, &[input("abc", Some(2))]).await,
        Err(AppError::Validation(_))
    ));
    // A viewer may not write.
    assert!(matches!(
        enter_measures(&app, &viewer, &[input("50", Some(2))]).await,
        Err(AppError::Forbidden(_))
    ));
    let h = ntm_app::plans::measure_history(&app, &officer, "84", "officials_trained_pct", 2023)
        .await
        .expect("history");
    assert_eq!(h.len(), 2);
    assert_eq!(h[0].value_text, "41");
    let p = plan_progress(&app, &officer, "tra-vinh-2023", 2023, None)
        .await
        .expect("progress");
    let t = p.targets.iter().find(|t| t.code == "1d").expect("1d");
    assert_eq!(t.actual, Some(41.0));

    // Tasks of the HCMC plan: a province officer of 79 edits; others may not.
    let hcm = user(&app, "tinh79", "province_officer@79").await;
    let v = tasks(&app, &hcm, "hcm-2023-2025").await.expect("tasks");
    assert_eq!(v.len(), 25);
    set_task_status(
        &app,
        &hcm,
        "hcm-2023-2025",
        "I.1",
        "in_progress",
        "đang làm",
        None,
    )
    .await
    .expect("status");
    assert!(matches!(
        set_task_status(&app, &hcm, "hcm-2023-2025", "I.1", "done", "", None).await,
        Err(AppError::Conflict(_))
    ));
    assert!(matches!(
        set_task_status(&app, &hcm, "hcm-2023-2025", "I.1", "finished", "", Some(1)).await,
        Err(AppError::Validation(_))
    ));
    assert!(matches!(
        set_task_status(&app, &officer, "hcm-2023-2025", "I.1", "done", "", Some(1)).await,
        Err(AppError::Forbidden(_))
    ));
    let v = tasks(&app, &hcm, "hcm-2023-2025").await.expect("tasks");
    let i1 = v.iter().find(|t| t.task.code == "I.1").expect("I.1");
    assert_eq!(i1.status.as_str(), "in_progress");
    assert_eq!(i1.version, Some(1));
});

// A plan's target is evaluated with the set in force for its province: a version the province
// published in the product (here: indicator 8.4 of the xã set confirmed by a provincial
// decision, test data) counts, as on the scorecard; it was ignored (only uploaded files were).
both_backends!(
    plan_targets_use_the_provinces_published_version,
    |db: Db| async move {
        use ntm_app::criteria::{ImportRow, import_observations};
        use ntm_app::criteria_sets::edit::{Edit, edit_version};
        use ntm_app::criteria_sets::publish::publish_version;
        use ntm_app::criteria_sets::versions::{NewVersion, Source, create_version};
        use ntm_domain::criteria::authoring::{BasisInput, IndicatorInput, ThresholdInput};

        let app = app(db);
        reference(&app).await;
        let cli = Actor::cli();
        // Three xã of Cao Bằng (04) have an IT application for management (8.4) in 2024.
        let rows = ["01291", "01294", "01296"]
            .iter()
            .enumerate()
            .map(|(i, unit)| ImportRow {
                line: i + 2,
                unit_code: (*unit).into(),
                indicator_code: "8.4".into(),
                value: "Đạt".into(),
            })
            .collect();
        import_observations(
            &app,
            &cli,
            "xa-ntm-2021-2025",
            2024,
            rows,
            "dữ liệu kiểm thử",
        )
        .await
        .expect("values");
        let officer = user(&app, "tinh04", "province_officer@04").await;
        let share = |p: &ntm_app::plans::PlanProgress| {
            let t = p.targets.iter().find(|t| t.code == "8.4").expect("8.4");
            (t.per_level[0].actual, t.per_level[0].tentative)
        };
        let before = plan_progress(&app, &officer, "cao-bang-2021-2025", 2024, None)
            .await
            .expect("progress");
        let (confirmed, tentative) = share(&before);
        // The national threshold of 8.4 is not confirmed: no commune meets it for sure yet.
        assert!(tentative > confirmed, "{confirmed:?} {tentative:?}");

        let v = create_version(
            &app,
            &cli,
            "04",
            Source::Scratch {
                extends: "xa-ntm-2021-2025".into(),
            },
            &NewVersion {
                set_id: "xa-ntm-cao-bang-2021-2025".into(),
                label: "2024 (kiểm thử)".into(),
                title_vi: "Bộ tiêu chí xã NTM tỉnh Cao Bằng (dữ liệu kiểm thử)".into(),
                valid_from: "01/01/2024".into(),
                valid_to: "31/12/2025".into(),
            },
        )
        .await
        .expect("create");
        let v = edit_version(
            &app,
            &cli,
            v.id,
            v.revision,
            Edit::Indicator(IndicatorInput {
                original_code: None,
                criterion: "8".into(),
                code: "8.4".into(),
                name_vi: "Xã có ứng dụng công nghệ thông tin trong công tác quản lý, điều hành"
                    .into(),
                name_en: String::new(),
                kind: "boolean".into(),
                unit: String::new(),
                thresholds: vec![ThresholdInput {
                    key: "general".into(),
                    op: "==".into(),
                    value: "Đạt".into(),
                    text: String::new(),
                    confirmed: true,
                    basis: BasisInput {
                        doc: "KIỂM-THỬ-01/QĐ-UBND (test)".into(),
                        date: "02/01/2024".into(),
                        issuer: "UBND tỉnh (kiểm thử)".into(),
                        article: "Điều 1 (kiểm thử)".into(),
                        file_sha256: None,
                        file_name: None,
                    },
                }],
                computed_from: String::new(),
            }),
        )
        .await
        .expect("edit 8.4");
        publish_version(&app, &cli, v.id, v.revision)
            .await
            .expect("publish");

        let after = plan_progress(&app, &officer, "cao-bang-2021-2025", 2024, None)
            .await
            .expect("progress");
        // Confirmed by the province: the communes that met it tentatively now meet it.
        assert_eq!(share(&after).0, tentative, "{:?}", share(&after));
        assert!(share(&after).0 > confirmed);
    }
);
