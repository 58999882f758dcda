//! The plan pages' use cases, one call per page: the list with the predecessors, the
//! dashboard (filters, counts, measures, tasks), a target, the measure form and its
//! submission (unchanged / saved / refused with the form as typed), and refusals.

use ntm_app::plans::{
    MeasureField, MeasureSave, PlanQuery, list_page, measure_page, page_view, save_measures,
    target_view,
};
use ntm_app::{Actor, AppError, exports::Labels};
use ntm_domain::plans::TargetStatus;
use ntm_domain::units::Level;
use ntm_testkit::{Db, both_backends};
use time::Date;

use super::{app, reference, user};

struct Keys;

impl Labels for Keys {
    fn text(&self, key: &str) -> String {
        format!("[{key}]")
    }
    fn text_with(&self, key: &str, _: &[(&str, String)]) -> String {
        format!("[{key}]")
    }
    fn date(&self, d: Date) -> String {
        ntm_domain::text::format_date_vi(d)
    }
}

both_backends!(plan_pages_in_one_call, |db: Db| async move {
    let app = app(db);
    reference(&app).await;
    let officer = user(&app, "tinh84", "province_officer@84").await;
    let other = user(&app, "tinh87", "province_officer@87").await;
    let successor = user(&app, "tinh86", "province_officer@86").await;

    // The list of a successor province: Trà Vinh's plan marked, Trà Vinh in the history.
    let l = list_page(&app, &successor, "86").await.expect("list");
    assert!(
        l.plans
            .iter()
            .any(|p| p.id == "tra-vinh-2023" && p.predecessor.is_some())
    );
    assert!(l.history.iter().any(|h| h.code == "84"), "{:?}", l.history);

    // The dashboard, filtered by level: the counts are those of the targets kept.
    let all = page_view(
        &app,
        &officer,
        "tra-vinh-2023",
        &PlanQuery {
            year: Some(2023),
            ..PlanQuery::default()
        },
        &Keys,
    )
    .await
    .expect("page");
    assert_eq!(all.progress.targets.len(), 14);
    assert_eq!(all.rows.len(), 14);
    assert_eq!(all.counts.len(), TargetStatus::ALL.len());
    assert_eq!(all.counts.iter().map(|c| c.count).sum::<usize>(), 14);
    assert_eq!(all.counts[0].label, "[plans-status-met]");
    assert!(all.levels.contains(&Level::Province) && all.levels.contains(&Level::Commune));
    assert!(
        all.measures
            .iter()
            .any(|(c, _)| c == "officials_trained_pct")
    );
    let province = page_view(
        &app,
        &officer,
        "tra-vinh-2023",
        &PlanQuery {
            year: Some(2023),
            level: Some(Level::Province),
            ..PlanQuery::default()
        },
        &Keys,
    )
    .await
    .expect("filtered");
    assert!(!province.rows.is_empty() && province.rows.len() < 14);
    assert!(
        province
            .rows
            .iter()
            .all(|r| r.target.levels.contains(&Level::Province))
    );
    assert_eq!(province.levels, all.levels);
    // The default year is within the plan's years.
    let d = page_view(
        &app,
        &officer,
        "tra-vinh-2023",
        &PlanQuery::default(),
        &Keys,
    )
    .await
    .expect("default year");
    assert!(d.progress.plan.years.contains(&d.progress.year));
    // A plan with tasks: the province officer may change them.
    let hcm = user(&app, "tinh79", "province_officer@79").await;
    let h = page_view(&app, &hcm, "hcm-2023-2025", &PlanQuery::default(), &Keys)
        .await
        .expect("hcm");
    assert_eq!(h.tasks.len(), 25);
    assert!(h.can_edit_tasks);

    // A target.
    let t = target_view(
        &app,
        &officer,
        "tra-vinh-2023",
        "3",
        &PlanQuery {
            year: Some(2023),
            ..PlanQuery::default()
        },
        &Keys,
    )
    .await
    .expect("target");
    assert_eq!(t.row.target.code, "3");
    assert_eq!(t.level_status.len(), t.row.target.per_level.len());
    assert_eq!(t.trend_status.len(), t.row.target.trend.len());
    assert!(matches!(
        target_view(
            &app,
            &officer,
            "tra-vinh-2023",
            "nope",
            &PlanQuery::default(),
            &Keys
        )
        .await,
        Err(AppError::NotFound(_))
    ));

    // The measure form, then a submission: unchanged, saved, refused as typed.
    let m = measure_page(
        &app,
        &officer,
        "tra-vinh-2023",
        "officials_trained_pct",
        Some(2023),
    )
    .await
    .expect("measure form");
    assert!(m.units.iter().any(|u| u.code == "84"));
    assert!(matches!(
        measure_page(&app, &officer, "tra-vinh-2023", "nope", Some(2023)).await,
        Err(AppError::Validation(f)) if f[0].field == "measure"
    ));
    let field = |v: &str, ver: &str| MeasureField {
        unit_code: "84".into(),
        value: v.into(),
        version: ver.into(),
    };
    let save = |f: MeasureField| {
        let (app, officer) = (&app, &officer);
        async move {
            save_measures(
                app,
                officer,
                "tra-vinh-2023",
                "officials_trained_pct",
                Some(2023),
                &[f],
            )
            .await
        }
    };
    assert!(matches!(
        save(field("", "")).await,
        Ok(MeasureSave::Unchanged { year: 2023 })
    ));
    assert!(matches!(
        save(field("40,5", "")).await,
        Ok(MeasureSave::Saved { year: 2023 })
    ));
    assert!(matches!(
        save(field("40,5", "1")).await,
        Ok(MeasureSave::Unchanged { .. })
    ));
    match save(field("140", "1")).await {
        Ok(MeasureSave::Invalid {
            page,
            typed,
            errors,
        }) => {
            assert_eq!(typed.get("84").map(String::as_str), Some("140"));
            assert_eq!(errors.len(), 1);
            assert!(errors[0].starts_with("84: "), "{errors:?}");
            assert_eq!(page.year, 2023);
        }
        other => panic!("{other:?}"),
    }

    // Refusals: an officer of another province, and a visitor.
    let q = PlanQuery {
        year: Some(2023),
        ..PlanQuery::default()
    };
    assert!(matches!(
        page_view(&app, &other, "tra-vinh-2023", &q, &Keys).await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        target_view(&app, &other, "tra-vinh-2023", "3", &q, &Keys).await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        list_page(&app, &other, "84").await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        measure_page(
            &app,
            &other,
            "tra-vinh-2023",
            "officials_trained_pct",
            Some(2023)
        )
        .await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        save_measures(
            &app,
            &other,
            "tra-vinh-2023",
            "officials_trained_pct",
            Some(2023),
            &[field("50", "1")]
        )
        .await,
        Err(AppError::Forbidden(_))
    ));
    let anon = Actor::Anonymous { origin: "x".into() };
    assert!(matches!(
        page_view(&app, &anon, "tra-vinh-2023", &q, &Keys).await,
        Err(AppError::Unauthorized(_))
    ));
});
