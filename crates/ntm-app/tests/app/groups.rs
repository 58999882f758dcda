//! Sets that apply to some unit kinds only (`applies_to`) and commune groups (2026–2030), on
//! the official unit lists: Trà Vinh's 2023 roll-up counts its 85 xã, not its 106
//! commune-level units; a phường reads "not applicable"; evaluation uses the group's
//! threshold (the test-only set `thu-nghiem-nhom-xa`, testdata/criteria).

use std::sync::OnceLock;

use ntm_app::criteria::{ValueBatch, ValueInput, evaluate, put_observations, scorecard};
use ntm_app::groups::{AssignInput, BasisInput, assign, list};
use ntm_app::{Actor, AppError};
use ntm_domain::criteria::{Catalog, Status};
use ntm_domain::observation::ObsSource;
use ntm_domain::units::Level;
use ntm_testkit::{Db, both_backends};

use crate::{app, reference, user};

const FIXTURE: &str = include_str!("../../../../testdata/criteria/thu-nghiem-nhom-xa.yaml");
const GROUP_SET: &str = "thu-nghiem-nhom-xa";

fn test_catalog() -> &'static Catalog {
    static C: OnceLock<&'static Catalog> = OnceLock::new();
    C.get_or_init(|| {
        ntm_app::criteria::catalog_with(&[("thu-nghiem-nhom-xa.yaml".into(), FIXTURE.into())])
            .expect("the test criteria set loads")
    })
}

async fn put(
    app: &ntm_app::App,
    code: &str,
    set: &str,
    year: i32,
    v: &str,
    c: &str,
) -> Result<(), AppError> {
    put_observations(
        app,
        &Actor::cli(),
        code,
        ValueBatch {
            set_id: set.into(),
            year,
            values: vec![ValueInput {
                code: c.into(),
                text: v.into(),
                expected_version: None,
            }],
            note: "kiểm thử".into(),
            source: ObsSource::Manual,
        },
    )
    .await
    .map(|_| ())
}

both_backends!(
    sets_count_only_the_unit_kinds_they_apply_to,
    |db: Db| async move {
        let app = app(db);
        reference(&app).await;
        let cli = Actor::cli();
        // Trà Vinh on 31/12/2023: 106 commune-level units, of which 85 xã.
        let d = ntm_app::criteria::evaluation_date(
            app.catalog
                .set_for_year("xa-ntm-2021-2025", 2023)
                .expect("set"),
            2023,
        );
        let p = app
            .db_for_tests()
            .unit_on("84", d)
            .await
            .unwrap()
            .expect("84");
        let all = app
            .db_for_tests()
            .subtree_on(&p.path, d, Some(Level::Commune))
            .await
            .unwrap();
        assert_eq!(all.len(), 106);
        assert_eq!(all.iter().filter(|u| u.kind == "Xã").count(), 85);
        let e = evaluate(&app, &cli, "84", "xa-ntm-2021-2025", 2023)
            .await
            .expect("roll-up");
        let r = e.rollup.expect("roll-up");
        assert_eq!(r.units, 85, "the denominator is the province's xã");
        assert_eq!(r.children.len(), 85);
        assert!(r.children.iter().all(|c| !c.name.starts_with("Phường")));
        // TP Trà Vinh (842): nine phường and one xã; only the xã is counted.
        let e = evaluate(&app, &cli, "842", "xa-ntm-2021-2025", 2023)
            .await
            .expect("roll-up");
        let r = e.rollup.expect("roll-up");
        assert_eq!(r.units, 1);
        assert_eq!(r.children[0].code, "29263");

        // A phường (29239, Phường 1, TP Trà Vinh): not applicable, with why.
        let e = evaluate(&app, &cli, "29239", "xa-ntm-2021-2025", 2023)
            .await
            .expect("evaluation");
        assert!(e.result.is_none());
        let na = e.not_applicable.expect("not applicable");
        assert_eq!(
            (na.unit_kind.as_str(), na.applies_to.clone()),
            ("Phường", vec!["Xã".to_string()])
        );
        let sc = scorecard(&app, &cli, "29239", "xa-ntm-2021-2025", 2023)
            .await
            .expect("scorecard");
        assert!(sc.evaluation.not_applicable.is_some() && !sc.can_enter);
        // No values are taken for it, and no dossier is opened on the set.
        let refused = put(&app, "29239", "xa-ntm-2021-2025", 2023, "Đạt", "1.1").await;
        assert!(
            matches!(&refused, Err(AppError::Validation(f)) if f[0].message.contains("applies to Xã only")),
            "{refused:?}"
        );
        let dossier = ntm_app::dossiers::create(
            &app,
            &user(&app, "tinh84", "province_officer@84").await,
            ntm_app::dossiers::NewDossier {
                unit_code: "29239".into(),
                set_id: "xa-ntm-2021-2025".into(),
                year: 2023,
                kind: ntm_domain::dossier::DossierKind::CommuneNtm,
                date: Some(time::macros::date!(2023 - 10 - 02)),
            },
        )
        .await;
        assert!(
            matches!(&dossier, Err(AppError::Validation(f)) if f[0].message.contains("không áp dụng cho Phường 1 (Phường)")),
            "{dossier:?}"
        );
    }
);

both_backends!(evaluation_uses_the_commune_group, |db: Db| async move {
    let mut app = app(db);
    app.catalog = test_catalog();
    reference(&app).await;
    let cli = Actor::cli();
    let officer = user(&app, "tinh86", "province_officer@86").await;
    // Three xã of Vĩnh Long (2025 list) with the same value, 85 %.
    for code in ["28807", "28810", "28840"] {
        put(&app, code, GROUP_SET, 2026, "85", "1.1")
            .await
            .expect("value");
    }
    let status = |e: &ntm_app::criteria::Evaluation| {
        e.result.as_ref().expect("result").indicators[0].clone()
    };
    // No group: the group-dependent threshold needs verification.
    let e = evaluate(&app, &cli, "28807", GROUP_SET, 2026)
        .await
        .expect("eval");
    let i = status(&e);
    assert_eq!(i.status, Status::NeedsVerification);
    assert!(i.caveats.contains(&"group_unknown"), "{:?}", i.caveats);
    let basis = |doc: &str| BasisInput {
        doc: doc.into(),
        date: "02/03/2026".into(),
        issuer: "UBND tỉnh Vĩnh Long (kiểm thử)".into(),
        article: "Điều 1".into(),
    };
    for (code, g) in [("28807", "1"), ("28810", "2")] {
        assign(
            &app,
            &officer,
            "86",
            AssignInput {
                commune_code: code.into(),
                group: g.into(),
                basis: basis("15/QĐ-UBND"),
                note: String::new(),
            },
        )
        .await
        .expect("assigned");
    }
    // Group 1 (≥ 90 %): 85 % is not met; group 2 (≥ 80 %): met; still no group: to verify.
    let e1 = evaluate(&app, &cli, "28807", GROUP_SET, 2026)
        .await
        .expect("eval");
    assert_eq!(status(&e1).status, Status::NotMet);
    let e2 = evaluate(&app, &cli, "28810", GROUP_SET, 2026)
        .await
        .expect("eval");
    assert_eq!(status(&e2).status, Status::Met);
    let e3 = evaluate(&app, &cli, "28840", GROUP_SET, 2026)
        .await
        .expect("eval");
    assert_eq!(status(&e3).status, Status::NeedsVerification);
    // The province's roll-up agrees.
    let r = evaluate(&app, &cli, "86", GROUP_SET, 2026)
        .await
        .expect("roll-up");
    let r = r.rollup.expect("roll-up");
    let st = |c: &str| {
        r.children
            .iter()
            .find(|x| x.code == c)
            .expect("child")
            .status
    };
    assert_eq!(
        (st("28807"), st("28810"), st("28840")),
        (Status::NotMet, Status::Met, Status::NeedsVerification)
    );
    // A reassignment (history kept) changes the outcome.
    assign(
        &app,
        &officer,
        "86",
        AssignInput {
            commune_code: "28807".into(),
            group: "3".into(),
            basis: basis("16/QĐ-UBND"),
            note: "điều chỉnh".into(),
        },
    )
    .await
    .expect("reassigned");
    let e1 = evaluate(&app, &cli, "28807", GROUP_SET, 2026)
        .await
        .expect("eval");
    assert_eq!(status(&e1).status, Status::Met);
    let g = list(&app, &officer, "86").await.expect("list");
    assert!(g.can_edit);
    let row = g.communes.iter().find(|c| c.code == "28807").expect("row");
    assert_eq!(
        row.current
            .as_ref()
            .map(|a| (a.group, a.basis_doc.as_str())),
        Some((3, "16/QĐ-UBND"))
    );
    assert_eq!(row.history.len(), 1);
    // Only xã are listed (the set applies to xã); 105 in Vĩnh Long today.
    assert_eq!(g.communes.len(), 105);
    assert_eq!(g.without_group(), 103);

    // Refusals: a group outside 1–3, a missing basis, a commune of another province, a
    // commune officer; nothing written.
    let bad = |code: &str, group: &str, b: BasisInput| AssignInput {
        commune_code: code.into(),
        group: group.into(),
        basis: b,
        note: String::new(),
    };
    let before = app
        .db_for_tests()
        .commune_groups_of_province("86", "2026-2030")
        .await
        .unwrap()
        .len();
    let e = assign(&app, &officer, "86", bad("28840", "4", basis("17/QĐ-UBND"))).await;
    assert!(
        matches!(&e, Err(AppError::Validation(f)) if f[0].field == "group" && f[0].message.contains("chỉ có nhóm 1, 2 hoặc 3")),
        "{e:?}"
    );
    let mut no_article = basis("17/QĐ-UBND");
    no_article.article.clear();
    let e = assign(&app, &officer, "86", bad("28840", "2", no_article)).await;
    assert!(
        matches!(&e, Err(AppError::Validation(f)) if f[0].field == "basis_article"),
        "{e:?}"
    );
    let e = assign(&app, &officer, "86", bad("00376", "2", basis("17/QĐ-UBND"))).await;
    assert!(
        matches!(&e, Err(AppError::Validation(f)) if f[0].field == "commune_code"),
        "{e:?}"
    );
    let commune = user(&app, "xa28840", "commune_officer@28840").await;
    let e = assign(&app, &commune, "86", bad("28840", "2", basis("17/QĐ-UBND"))).await;
    assert!(matches!(e, Err(AppError::Forbidden(_))), "{e:?}");
    let other = user(&app, "tinh01", "province_officer@01").await;
    let e = assign(&app, &other, "86", bad("28840", "2", basis("17/QĐ-UBND"))).await;
    assert!(matches!(e, Err(AppError::Forbidden(_))), "{e:?}");
    let anon = Actor::Anonymous { origin: "x".into() };
    let e = assign(&app, &anon, "86", bad("28840", "2", basis("17/QĐ-UBND"))).await;
    assert!(matches!(e, Err(AppError::Unauthorized(_))), "{e:?}");
    assert_eq!(
        app.db_for_tests()
            .commune_groups_of_province("86", "2026-2030")
            .await
            .unwrap()
            .len(),
        before
    );

    // The province dashboard lists the communes without a group for this set.
    let ntm_app::dashboard::DashboardTarget::Dashboard(d) =
        ntm_app::dashboard::dashboard(&app, &officer, "86", Some(GROUP_SET), Some(2026))
            .await
            .expect("dashboard")
    else {
        panic!("a province has a dashboard");
    };
    assert_eq!(d.without_group.len(), 103);
    assert!(d.without_group.iter().any(|(c, _)| c == "28840"));
    assert!(
        !d.without_group
            .iter()
            .any(|(c, _)| c == "28807" || c == "28810")
    );
    // Not for a set whose thresholds do not vary by group.
    assert!(d.rollup.units == 105);
});
