//! The pages' use cases of the workbook, reports and scorecard, one call per page: what
//! each returns, refusals for an actor outside the unit, and an outsider's upload refused
//! before the file is read.

use ntm_app::criteria::{
    ReviewOutcome, ReviewRefusal, ScorecardRequest, StatusChange, ValueBatch, ValueInput, ValueRef,
    ValueRefusal, evidence_view, put_value_on_page, review_on_page, scorecard_page, value_history,
};
use ntm_app::reports::{self, ActOutcome, Change, Refusal, ReportKey};
use ntm_app::workbook::{
    PreviewOutcome, UploadError, UploadSource, page_view, upload_apply, upload_preview,
};
use ntm_app::{App, AppConfig, AppError};
use ntm_domain::observation::{ObsSource, ObsStatus};
use ntm_domain::reports::PeriodKind;
use ntm_reports::wide::{WideColumn, WideRow, WideSheet, write_wide};
use ntm_testkit::{Db, both_backends};

use super::{reference, user};

const SET: &str = "xa-ntm-2021-2025";

fn filled(version: &str, unit: &str, code: &str, value: &str) -> Vec<u8> {
    write_wide(&[WideSheet {
        sheet_name: SET.into(),
        set_id: SET.into(),
        version: version.into(),
        year: 2024,
        title: "mẫu".into(),
        note: String::new(),
        columns: vec![WideColumn {
            code: code.into(),
            name: String::new(),
            threshold: String::new(),
            boolean: false,
        }],
        rows: vec![WideRow {
            unit_code: unit.into(),
            unit_name: String::new(),
            values: vec![value.into()],
        }],
    }])
    .expect("workbook")
}

fn app_in(db: Db, dir: &std::path::Path) -> App {
    App::new(
        db,
        AppConfig {
            data_dir: dir.to_path_buf(),
            ..AppConfig::default()
        },
    )
}

fn staged(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir.join("uploads")).map_or(0, |d| d.count())
}

both_backends!(workbook_pages_in_one_call, |db: Db| async move {
    let dir = std::env::temp_dir().join(format!("ntm-app-wb-{}", uuid::Uuid::now_v7()));
    let app = app_in(db, &dir);
    reference(&app).await;
    let xa = user(&app, "xa.29386", "commune_officer@29386").await;
    let outsider = user(&app, "xa.khac", "commune_officer@00004").await;
    let viewer = user(&app, "xem.29386", "viewer@29386").await;

    let p = page_view(&app, &xa, "29386", None, Some(2024), None)
        .await
        .expect("page");
    assert_eq!(p.unit.code, "29386");
    assert!(p.can_upload);
    assert_eq!(p.chosen, SET);
    assert!(p.set_ok && p.sets.iter().any(|s| s.id == SET));
    assert!(p.applied.is_none());
    let v = page_view(&app, &viewer, "29386", Some(SET), Some(2024), None)
        .await
        .expect("viewer");
    assert!(!v.can_upload);
    assert!(matches!(
        page_view(&app, &outsider, "29386", None, Some(2024), None).await,
        Err(AppError::Forbidden(_))
    ));

    // A malformed file: refused to an outsider before it is read (nothing kept), read and
    // found unreadable for the unit's officer (the page again with the problem).
    let broken = || UploadSource::File {
        name: "mau.xlsx".into(),
        bytes: b"PK\x03\x04 broken".to_vec(),
    };
    assert!(matches!(
        upload_preview(&app, &outsider, "29386", broken(), Some(SET), Some(2024)).await,
        Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        upload_preview(&app, &viewer, "29386", broken(), Some(SET), Some(2024)).await,
        Err(AppError::Forbidden(_))
    ));
    assert_eq!(staged(&dir), 0);
    match upload_preview(&app, &xa, "29386", broken(), Some(SET), Some(2024)).await {
        Ok(PreviewOutcome::Refused { page, problem }) => {
            assert!(problem.is_some());
            assert_eq!(page.chosen, SET);
        }
        other => panic!("{other:?}"),
    }
    match upload_preview(&app, &xa, "29386", UploadSource::Missing, None, None).await {
        Ok(PreviewOutcome::Refused { problem: None, .. }) => {}
        other => panic!("{other:?}"),
    }

    // A good file: previewed, refused to an outsider before the upload is looked up,
    // applied by its uploader, then reported on the page.
    let version = app
        .catalog
        .set_for_year(SET, 2024)
        .expect("set")
        .version
        .clone();
    let good = UploadSource::File {
        name: "mau.xlsx".into(),
        bytes: filled(&version, "29386", "2.1", "90"),
    };
    let preview = match upload_preview(&app, &xa, "29386", good, None, None).await {
        Ok(PreviewOutcome::Preview(p)) => p,
        other => panic!("{other:?}"),
    };
    assert_eq!(preview.new_values, 1);
    let id = preview.upload_id.to_string();
    assert!(matches!(
        upload_apply(&app, &outsider, "29386", &id, false).await,
        Err(AppError::Forbidden(_))
    ));
    let applied = upload_apply(&app, &xa, "29386", &id, false)
        .await
        .expect("apply")
        .expect("applied");
    assert_eq!(applied.written, 1);
    let again = upload_apply(&app, &xa, "29386", &id, false)
        .await
        .expect("apply again");
    let failure = again.expect_err("applied twice");
    assert!(matches!(failure.error, UploadError::AlreadyApplied(_)));
    // The unit's name today (29386 is part of a commune formed in 2025).
    let today = page_view(&app, &xa, "29386", None, None, None)
        .await
        .expect("page today");
    assert_eq!(failure.unit_name, today.unit.name);
    let done = page_view(&app, &xa, "29386", Some(SET), Some(2024), Some(&id))
        .await
        .expect("page after");
    assert_eq!(done.applied.map(|a| a.written), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
});

both_backends!(report_pages_in_one_call, |db: Db| async move {
    let app = crate::app(db);
    reference(&app).await;
    let huyen = user(&app, "huyen.cangl", "district_officer@844").await;
    let other = user(&app, "huyen.khac", "district_officer@842").await;
    let l = reports::list_page(&app, &huyen, "844").await.expect("list");
    assert_eq!(l.reports.unit.code, "844");
    assert!(matches!(
        reports::list_page(&app, &other, "844").await,
        Err(AppError::Forbidden(_))
    ));
    // The successor province sees Trà Vinh as its predecessor.
    let tinh86 = user(&app, "tinh86", "province_officer@86").await;
    let l86 = reports::list_page(&app, &tinh86, "86").await.expect("86");
    assert!(l86.history.iter().any(|h| h.code == "84"));

    let key = ReportKey {
        unit_code: "844".into(),
        plan_id: "tra-vinh-2023".into(),
        kind: PeriodKind::SixMonth,
        year: 2023,
    };
    let id = reports::open(&app, &huyen, &key).await.expect("open");
    let v = reports::get(&app, &huyen, id).await.expect("get");
    // A stale version: refused, with the report as it is.
    match reports::act_on_page(&app, &huyen, id, v.version + 5, Change::Submit).await {
        Ok(ActOutcome::Refused {
            view,
            why: Refusal::Conflict(_),
        }) => assert_eq!(view.version, v.version),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        reports::act_on_page(&app, &other, id, v.version, Change::Submit).await,
        Err(AppError::Forbidden(_))
    ));
    match reports::act_on_page(&app, &huyen, id, v.version, Change::Submit).await {
        Ok(ActOutcome::Done(view)) => assert!(view.version > v.version),
        other => panic!("{other:?}"),
    }
});

both_backends!(scorecard_pages_in_one_call, |db: Db| async move {
    let app = crate::app(db);
    reference(&app).await;
    let xa = user(&app, "xa.29386", "commune_officer@29386").await;
    let outsider = user(&app, "xa.khac", "commune_officer@00004").await;

    let data = match scorecard_page(&app, &xa, "29386", Some(SET), Some(2024), 2026).await {
        Ok(ScorecardRequest::Page(p)) => p,
        other => panic!("{other:?}"),
    };
    assert_eq!((data.set_id.as_str(), data.year), (SET, 2024));
    assert!(data.sets.iter().any(|s| s.id == SET));
    assert!(data.years.contains(&2024), "{:?}", data.years);
    assert!(data.years.windows(2).all(|w| w[0] > w[1]), "newest first");
    assert!(data.scorecard.can_enter);
    let district = data.scorecard.evaluation.unit_code.clone();
    assert_eq!(district, "29386");
    let parent = app
        .db_for_tests()
        .unit_on("29386", time::macros::date!(2024 - 12 - 31))
        .await
        .expect("db")
        .expect("unit")
        .parent_code
        .expect("district");
    assert!(matches!(
        scorecard_page(&app, &xa, &parent, Some(SET), Some(2024), 2026).await,
        Ok(ScorecardRequest::Above { .. }) | Err(AppError::Forbidden(_))
    ));
    assert!(matches!(
        scorecard_page(&app, &outsider, "29386", Some(SET), Some(2024), 2026).await,
        Err(AppError::Forbidden(_))
    ));

    let batch = |text: &str, expected: Option<i64>| ValueBatch {
        set_id: SET.into(),
        year: 2024,
        values: vec![ValueInput {
            code: "2.1".into(),
            text: text.into(),
            expected_version: expected,
        }],
        note: "biên bản".into(),
        source: ObsSource::Manual,
    };
    // Saved: no page unless asked; refused: the page comes with the reason.
    let saved = put_value_on_page(&app, &xa, "29386", batch("90", None), false, 2026)
        .await
        .expect("save");
    assert!(saved.refusal.is_none() && saved.page.is_none());
    let stale = put_value_on_page(&app, &xa, "29386", batch("91", None), false, 2026)
        .await
        .expect("stale");
    match stale.refusal {
        Some(ValueRefusal::Conflict { current, .. }) => {
            assert_eq!(current.map(|c| c.value_text), Some("90".into()));
        }
        other => panic!("{other:?}"),
    }
    assert!(stale.page.is_some());
    let bad = put_value_on_page(&app, &xa, "29386", batch("abc", Some(1)), false, 2026)
        .await
        .expect("bad");
    assert!(matches!(bad.refusal, Some(ValueRefusal::Value(_))));
    assert!(matches!(
        put_value_on_page(&app, &outsider, "29386", batch("80", Some(1)), true, 2026).await,
        Err(AppError::Forbidden(_))
    ));

    // A review with nothing to verify: refused with the page.
    let change = StatusChange {
        set_id: SET.into(),
        year: 2024,
        codes: vec![],
        to: ObsStatus::Verified,
        comment: String::new(),
    };
    match review_on_page(&app, &xa, "29386", change, 2026).await {
        Ok(ReviewOutcome::Refused { .. }) | Err(AppError::Forbidden(_)) => {}
        other => panic!("{other:?}"),
    }
    let submit = StatusChange {
        set_id: SET.into(),
        year: 2024,
        codes: vec!["2.1".into()],
        to: ObsStatus::Submitted,
        comment: String::new(),
    };
    match review_on_page(&app, &outsider, "29386", submit.clone(), 2026).await {
        Err(AppError::Forbidden(_)) => {}
        other => panic!("{other:?}"),
    }
    match review_on_page(&app, &xa, "29386", submit, 2026).await {
        Ok(ReviewOutcome::Done(1)) => {}
        Ok(ReviewOutcome::Refused {
            error: ReviewRefusal::Invalid(f),
            ..
        }) => panic!("{f:?}"),
        other => panic!("{other:?}"),
    }

    // The evidence form's page and a value's history.
    let value = ValueRef {
        unit_code: "29386".into(),
        set_id: SET.into(),
        year: 2024,
        indicator_code: "2.1".into(),
    };
    let e = evidence_view(&app, &xa, &value, 2026)
        .await
        .expect("evidence");
    assert!(e.refusal.is_none() && e.page.scorecard.can_enter);
    assert!(matches!(
        evidence_view(&app, &outsider, &value, 2026).await,
        Err(AppError::Forbidden(_))
    ));
    let h = value_history(&app, &xa, &value).await.expect("history");
    assert!(h.versions.len() >= 2);
    assert_eq!(h.evaluation.unit_code, "29386");
    assert!(matches!(
        value_history(&app, &outsider, &value).await,
        Err(AppError::Forbidden(_))
    ));
});
