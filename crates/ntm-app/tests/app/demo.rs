//! The demo's Vĩnh Long sample of the 2026–2030 set (sample data, never law): loaded through
//! the use cases once, labelled, and evaluated as the README says.

use ntm_app::Actor;
use ntm_app::criteria::evaluate;
use ntm_app::criteria_sets::list_versions;
use ntm_app::demo::vinh_long;
use ntm_domain::criteria::Status;
use ntm_testkit::{Db, both_backends};

use crate::{app, reference};

fn status_of(e: &ntm_app::criteria::Evaluation, code: &str) -> Status {
    e.result
        .as_ref()
        .expect("unit result")
        .indicators
        .iter()
        .find(|i| i.code == code)
        .unwrap_or_else(|| panic!("indicator {code}"))
        .status
}

both_backends!(demo_vinh_long_sample, |db: Db| async move {
    let app = app(db);
    reference(&app).await;
    let loaded = vinh_long::seed(&app).await.expect("seed").expect("loaded");
    assert_eq!(loaded.values, vinh_long::VALUES.len());
    assert_eq!(loaded.groups, vinh_long::GROUPS.len());
    assert!(
        vinh_long::seed(&app).await.expect("again").is_none(),
        "loaded once"
    );
    let cli = Actor::cli();
    let versions = list_versions(&app, &cli, vinh_long::PROVINCE)
        .await
        .expect("versions");
    assert_eq!(versions.len(), 2);
    let published = versions
        .iter()
        .find(|v| v.is_published())
        .expect("published");
    assert_eq!(published.label, vinh_long::PUBLISHED_LABEL);
    assert!(published.title_vi.contains(vinh_long::SAMPLE_LABEL));
    assert_eq!(
        (published.confirmed_thresholds, published.thresholds),
        (9, 9)
    );
    for s in published.content.sources.values() {
        assert_eq!(s.doc.as_deref(), Some(vinh_long::SAMPLE_DOC));
        assert!(
            s.article
                .as_deref()
                .is_some_and(|a| a.contains(vinh_long::SAMPLE_LABEL))
        );
    }
    let draft = versions.iter().find(|v| !v.is_published()).expect("draft");
    assert_eq!(draft.label, vinh_long::DRAFT_LABEL);
    assert_eq!(draft.indicators, 5);
    assert!(
        draft.confirmed_thresholds < draft.thresholds,
        "a value to verify"
    );

    // Châu Thành (nhóm 2): 92 ≥ 90 met, 96,5 ≥ 95 met, 2,4 ≤ 2 not met.
    let e = evaluate(
        &app,
        &cli,
        "29374",
        vinh_long::NATIONAL_SET,
        vinh_long::YEAR,
    )
    .await
    .expect("evaluate");
    assert_eq!(e.version_used.set_id, vinh_long::SET_ID);
    assert_eq!(e.version_used.version, vinh_long::PUBLISHED_LABEL);
    assert_eq!(status_of(&e, "VL-2.1"), Status::Met);
    assert_eq!(status_of(&e, "VL-5.1"), Status::Met);
    assert_eq!(status_of(&e, "VL-6.1"), Status::NotMet);
    // The threshold shown is the one of the commune's group, with its basis.
    let shown = e
        .result
        .as_ref()
        .expect("unit result")
        .indicators
        .iter()
        .find(|i| i.code == "VL-6.1")
        .expect("VL-6.1")
        .threshold
        .clone();
    assert_eq!(shown.text.as_deref(), Some("≤ 2 %"));
    assert!(
        shown
            .basis
            .as_deref()
            .is_some_and(|b| b.contains(vinh_long::SAMPLE_DOC)),
        "{shown:?}"
    );
    // Giao Long (nhóm 1) meets all three; Vĩnh Thành has no group: needs verification.
    let e = evaluate(
        &app,
        &cli,
        "28807",
        vinh_long::NATIONAL_SET,
        vinh_long::YEAR,
    )
    .await
    .expect("evaluate");
    for c in ["VL-2.1", "VL-5.1", "VL-6.1"] {
        assert_eq!(status_of(&e, c), Status::Met, "{c}");
    }
    let e = evaluate(
        &app,
        &cli,
        "28894",
        vinh_long::NATIONAL_SET,
        vinh_long::YEAR,
    )
    .await
    .expect("evaluate");
    assert_eq!(status_of(&e, "VL-2.1"), Status::NeedsVerification);
});

// The demo commune's sample portal: posts and broadcasts labelled as sample, published
// through the use cases (the public page shows 3 of the 4, the draft stays private), one
// held broadcast with a DX segment, and seeding again adds nothing.
both_backends!(demo_portal_sample, |db: Db| async move {
    let mut app = app(db);
    app.config.data_dir =
        std::env::temp_dir().join(format!("ntm-demo-portal-{}", uuid::Uuid::now_v7()));
    reference(&app).await;
    let commune = ntm_app::demo::DEMO_COMMUNE;
    ntm_app::portal::seed_demo(&app, commune)
        .await
        .expect("seed");
    ntm_app::portal::seed_demo(&app, commune)
        .await
        .expect("again");
    let cli = Actor::cli();
    let all = ntm_app::portal::officer_posts(&app, &cli, commune)
        .await
        .expect("posts");
    assert_eq!(all.posts.len(), 4, "seeded once");
    let page = ntm_app::portal::commune_portal(&app, commune, None)
        .await
        .expect("page");
    assert_eq!(page.posts.len(), 3, "the draft is not public");
    for p in &page.posts {
        assert!(p.title.contains("dữ liệu mẫu"), "{}", p.title);
        assert!(p.body.contains("Bài mẫu"), "{}", p.body);
    }
    assert!(
        page.figures
            .months
            .iter()
            .map(|m| m.posts.len())
            .sum::<usize>()
            >= 2
    );
    assert!(page.figures.weeks_held() >= 1, "the held sample broadcast");
    assert!(
        page.upcoming
            .iter()
            .any(|v| v.programme.title.contains("mẫu") && v.programme.held_at.is_none())
    );
});
