//! Provincial criteria sets: upload (permissions, validation, audit) and their use in
//! evaluations of the province's communes only.

use ntm_app::criteria::{ValueBatch, ValueInput, evaluate, put_observations};
use ntm_app::provincial::{list_sets, upload_set};
use ntm_app::{Actor, AppError};
use ntm_domain::criteria::Status;
use ntm_domain::observation::ObsSource;
use ntm_domain::units::Level;
use ntm_testkit::{Db, both_backends};
use time::macros::date;

use crate::{app, reference, user};

pub const NATIONAL: &str = "xa-ntm-2021-2025";

/// A Vĩnh Long (86) set raising indicator 3.1 from ≥80% to `value`, citing its decision.
pub fn provincial_yaml(value: u32) -> String {
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
valid_to: 2025
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
}

fn status_of(e: &ntm_app::criteria::Evaluation, code: &str) -> Status {
    e.result
        .as_ref()
        .expect("unit result")
        .indicators
        .iter()
        .find(|i| i.code == code)
        .expect("indicator")
        .status
}

both_backends!(provincial_sets_upload_and_apply, |db: Db| async move {
    let app = app(db);
    reference(&app).await;
    let officer = user(&app, "tinh.vl", "province_officer@86").await;
    let other = user(&app, "tinh.ct", "province_officer@92").await;
    let commune_officer = user(&app, "xa.vl", "commune_officer@29374").await;
    let anon = Actor::Anonymous {
        origin: "10.0.0.9".into(),
    };

    // Who may upload.
    let r = upload_set(&app, &anon, "86", "vl.yaml", &provincial_yaml(90)).await;
    assert!(matches!(r, Err(AppError::Unauthorized(_))), "{r:?}");
    for actor in [&other, &commune_officer] {
        let r = upload_set(&app, actor, "86", "vl.yaml", &provincial_yaml(90)).await;
        assert!(matches!(r, Err(AppError::Forbidden(_))), "{r:?}");
    }

    // A looser threshold is refused, with the line.
    let Err(AppError::Validation(errs)) =
        upload_set(&app, &officer, "86", "vl.yaml", &provincial_yaml(70)).await
    else {
        panic!("a looser threshold must be refused");
    };
    assert!(
        errs.iter()
            .any(|e| e.field.starts_with("vl.yaml:") && e.message.contains("stricter")),
        "{errs:?}"
    );

    // A typo'd field gives file:line.
    let typo = provincial_yaml(90).replace("    provenance: sourced", "    provenanse: sourced");
    let Err(AppError::Validation(errs)) = upload_set(&app, &officer, "86", "vl.yaml", &typo).await
    else {
        panic!("a typo must be refused");
    };
    assert!(
        errs.iter()
            .any(|e| e.field == "vl.yaml:17: overrides[0].provenanse"),
        "{errs:?}"
    );

    // Sourced without a citation is refused.
    let uncited = provincial_yaml(90).replace("    sources: [QD_VL]\n", "");
    let r = upload_set(&app, &officer, "86", "vl.yaml", &uncited).await;
    assert!(matches!(r, Err(AppError::Validation(_))), "{r:?}");

    // Not extending a national set is refused.
    let bad_base =
        provincial_yaml(90).replace("extends: xa-ntm-2021-2025", "extends: xa-ntm-khong-co");
    let Err(AppError::Validation(errs)) =
        upload_set(&app, &officer, "86", "vl.yaml", &bad_base).await
    else {
        panic!("an unknown base must be refused");
    };
    assert!(errs.iter().any(|e| e.field.contains("extends")), "{errs:?}");

    // Nothing stored so far.
    assert!(list_sets(&app, &officer, "86").await.unwrap().is_empty());
    let audit_before = app.db_for_tests().audit_count().await.unwrap();

    let stored = upload_set(&app, &officer, "86", "vl.yaml", &provincial_yaml(90))
        .await
        .expect("upload");
    assert_eq!(stored.set_id, "xa-ntm-vinh-long-2021-2025");
    assert_eq!(stored.extends, NATIONAL);
    assert_eq!(stored.uploaded_by, "tinh.vl");
    assert!(stored.active);
    assert_eq!(stored.thresholds.len(), 1);
    assert!(stored.thresholds[0].confirmed);
    let listed = list_sets(&app, &officer, "86").await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].sha256, stored.sha256);

    // The audit log has the upload.
    assert_eq!(
        app.db_for_tests().audit_count().await.unwrap(),
        audit_before + 1
    );
    let last = app
        .db_for_tests()
        .audit_page(audit_before, 10)
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(last.action, "criteria_set.upload");
    assert_eq!(last.actor, "tinh.vl");
    assert_eq!(last.target, "province:86");
    assert!(
        last.detail.contains("xa-ntm-vinh-long-2021-2025"),
        "{}",
        last.detail
    );
    assert!(last.detail.contains(&stored.sha256));

    // 85% for 3.1 in a commune of 86 and in a commune of another province (2023).
    // A commune of Vĩnh Long (86) in 2023 (29374 was in Trà Vinh, 84, until the 2025 reform).
    let vl = app
        .db_for_tests()
        .subtree_on("/86/", date!(2023 - 12 - 31), Some(Level::Commune))
        .await
        .unwrap();
    // A xã: the national set applies to xã only.
    let vl = vl
        .iter()
        .find(|u| u.kind == "Xã")
        .expect("xã of 86 in 2023")
        .code
        .clone();
    let put = |code: String| {
        let app = app.clone();
        async move {
            let batch = ValueBatch {
                set_id: NATIONAL.into(),
                year: 2023,
                values: vec![ValueInput {
                    code: "3.1".into(),
                    text: "85".into(),
                    expected_version: None,
                }],
                note: String::new(),
                source: ObsSource::Manual,
            };
            put_observations(&app, &Actor::cli(), &code, batch)
                .await
                .expect("values");
        }
    };
    put(vl.clone()).await;
    put("00379".to_string()).await;

    let in_86 = evaluate(&app, &Actor::cli(), &vl, NATIONAL, 2023)
        .await
        .unwrap();
    let p = in_86
        .provincial
        .as_ref()
        .expect("the provincial set is used");
    assert_eq!(p.province_code, "86");
    assert_eq!(p.set.id, "xa-ntm-vinh-long-2021-2025");
    assert!(
        p.note.contains("province 86") && p.note.contains("tinh.vl"),
        "{}",
        p.note
    );
    assert_eq!(in_86.set.id, NATIONAL);
    // ≥90% confirmed by the province: 85% is not met (nationally it is ≥80%, unconfirmed).
    assert_eq!(status_of(&in_86, "3.1"), Status::NotMet);
    let gap = in_86
        .result
        .as_ref()
        .unwrap()
        .indicators
        .iter()
        .find(|i| i.code == "3.1")
        .unwrap()
        .gap;
    assert_eq!(gap, Some(5.0));

    let elsewhere = evaluate(&app, &Actor::cli(), "00379", NATIONAL, 2023)
        .await
        .unwrap();
    assert!(elsewhere.provincial.is_none());
    assert_eq!(status_of(&elsewhere, "3.1"), Status::NeedsVerification);

    // A new upload becomes the active one; history is kept.
    upload_set(&app, &officer, "86", "vl-2.yaml", &provincial_yaml(95))
        .await
        .expect("second upload");
    let listed = list_sets(&app, &officer, "86").await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed.iter().filter(|s| s.active).count(), 1);
    let again = evaluate(&app, &Actor::cli(), &vl, NATIONAL, 2023)
        .await
        .unwrap();
    assert_eq!(again.provincial.unwrap().file_name, "vl-2.yaml");

    // An unsourced provincial threshold stays "needs verification".
    let unsourced = provincial_yaml(90)
        .replace("    provenance: sourced\n", "    provenance: recalled\n")
        .replace("    sources: [QD_VL]\n", "");
    let s = upload_set(&app, &officer, "86", "vl-3.yaml", &unsourced)
        .await
        .expect("unsourced upload");
    assert!(!s.thresholds[0].confirmed);
    let e = evaluate(&app, &Actor::cli(), &vl, NATIONAL, 2023)
        .await
        .unwrap();
    assert_eq!(status_of(&e, "3.1"), Status::NeedsVerification);
});

// Trà Vinh (84) merged into Vĩnh Long (86) on 1 July 2025: a file Trà Vinh uploaded before
// stays readable by Vĩnh Long's officers (lineage), not by another province's.
both_backends!(
    merged_province_files_visible_to_successor,
    |db: Db| async move {
        let app = app(db.clone());
        reference(&app).await;
        let yaml = provincial_yaml(85).replace("vinh-long", "tra-vinh");
        let sha = {
            use sha2::{Digest, Sha256};
            hex::encode(Sha256::digest(yaml.as_bytes()))
        };
        let at = time::macros::datetime!(2024-03-01 08:00:00 UTC);
        db.insert_criteria_set_file(
            &ntm_store::CriteriaSetFile {
                id: uuid::Uuid::now_v7(),
                province_code: "84".into(),
                set_id: "xa-ntm-tra-vinh-2021-2025".into(),
                version: "2022".into(),
                extends_id: NATIONAL.into(),
                file_name: "tra-vinh.yaml".into(),
                yaml,
                sha256: sha,
                uploaded_by: "tinh.tv".into(),
                uploaded_at: at,
                active: true,
            },
            ntm_domain::audit::NewAuditEntry {
                at,
                actor: "tinh.tv".into(),
                action: "criteria_set.upload".into(),
                target: "province:84".into(),
                detail: "{}".into(),
                origin: "test".into(),
            },
        )
        .await
        .expect("a file of 2024");
        let successor = user(&app, "tinh.vl", "province_officer@86").await;
        let other = user(&app, "tinh.ct", "province_officer@92").await;
        let listed = list_sets(&app, &successor, "84").await.expect("lineage");
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].set_id, "xa-ntm-tra-vinh-2021-2025");
        assert!(matches!(
            list_sets(&app, &other, "84").await,
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            list_sets(&app, &successor, "99").await,
            Err(AppError::NotFound(_))
        ));
    }
);
