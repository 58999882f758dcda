//! The national dashboard (`ntm_app::dashboard::national_dashboard`) on the real unit lists:
//! 63 provinces before 1 July 2025, 34 after; the country's figures are the sums of the
//! province evaluations (averages weighted by communes); a country-wide grant only.

use std::collections::BTreeMap;

use ntm_app::criteria::{Evaluation, evaluate};
use ntm_app::dashboard::{NationalDashboard, NationalQuery, national_dashboard};
use ntm_app::{Actor, App, AppError};
use ntm_testkit::{Db, both_backends};

use super::{app, reference, user};

async fn national(app: &App, actor: &Actor, set: &str, year: i32) -> NationalDashboard {
    national_dashboard(
        app,
        actor,
        NationalQuery {
            set: Some(set),
            year: Some(year),
            from_form: false,
        },
    )
    .await
    .expect("national dashboard")
}

/// Every figure of `d` against the evaluations of its provinces, made one by one.
async fn check_against_provinces(app: &App, d: &NationalDashboard) -> Vec<Evaluation> {
    let mut evals = Vec::new();
    for p in &d.provinces {
        let e = evaluate(app, &Actor::cli(), &p.code, &d.set.id, d.year)
            .await
            .expect("province");
        let r = e.rollup.as_ref().expect("roll-up");
        assert_eq!(
            (p.tally.units, p.tally.met, p.tally.no_known_shortfall),
            (r.units, r.met, r.no_known_shortfall),
            "{}",
            p.code
        );
        evals.push(e);
    }
    let rollups: Vec<_> = evals.iter().map(|e| e.rollup.clone().unwrap()).collect();
    let sum = |f: fn(&ntm_app::criteria::RollupView) -> u32| rollups.iter().map(f).sum::<u32>();
    let t = &d.tally;
    assert_eq!(t.units, sum(|r| r.units));
    assert_eq!(t.met, sum(|r| r.met));
    assert_eq!(t.met_tentative, sum(|r| r.met_tentative));
    assert_eq!(t.not_met, sum(|r| r.not_met));
    assert_eq!(t.missing, sum(|r| r.missing));
    assert_eq!(t.needs_verification, sum(|r| r.needs_verification));
    assert_eq!(t.no_known_shortfall, sum(|r| r.no_known_shortfall));
    assert_eq!(
        t.met + t.not_met + t.missing + t.needs_verification,
        t.units
    );
    // Weighted by communes: the sum of criteria met over all communes.
    let criteria: f64 = rollups
        .iter()
        .map(|r| r.avg_criteria_met * f64::from(r.units))
        .sum();
    let provisional: f64 = rollups
        .iter()
        .map(|r| r.avg_criteria_no_known_shortfall * f64::from(r.units))
        .sum();
    if t.units > 0 {
        assert!((t.avg_criteria_met - criteria / f64::from(t.units)).abs() < 1e-9);
        assert!(
            (t.avg_criteria_no_known_shortfall - provisional / f64::from(t.units)).abs() < 1e-9
        );
    }
    // Buckets and blocking indicators add up province by province.
    let mut buckets: BTreeMap<(u16, u16), (u32, u32)> = BTreeMap::new();
    let mut blocking: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for r in &rollups {
        for (b, p) in r.buckets.iter().zip(&r.buckets_no_known_shortfall) {
            let e = buckets.entry((b.min, b.max)).or_default();
            e.0 += b.count;
            e.1 += p.count;
        }
        for b in &r.blocking {
            let e = blocking.entry(b.code.clone()).or_default();
            e.0 += b.not_met;
            e.1 += b.missing;
        }
    }
    let got: BTreeMap<(u16, u16), (u32, u32)> = d
        .buckets
        .iter()
        .zip(&d.buckets_no_known_shortfall)
        .map(|(b, p)| ((b.min, b.max), (b.count, p.count)))
        .collect();
    assert_eq!(got, buckets);
    let got: BTreeMap<String, (u32, u32)> = d
        .blocking
        .iter()
        .map(|b| (b.code.clone(), (b.not_met, b.missing)))
        .collect();
    // Indicators of a province's own version are not in the national list.
    let set = app.catalog.set_for_year(&d.set.id, d.year).expect("set");
    blocking.retain(|code, _| set.indicator_index(code).is_some());
    assert_eq!(got, blocking);
    assert!(
        d.blocking
            .windows(2)
            .all(|w| (w[0].not_met, w[0].missing) >= (w[1].not_met, w[1].missing)),
        "most blocking first"
    );
    evals
}

both_backends!(
    the_national_dashboard_sums_the_provinces_of_either_structure,
    |db: Db| async move {
        let app = app(db);
        reference(&app).await;
        ntm_app::demo::seed_sample_observations(&app, &Actor::cli())
            .await
            .expect("sample values");
        ntm_app::demo::vinh_long::seed(&app)
            .await
            .expect("Vĩnh Long sample");
        let admin = user(&app, "quantri", "admin").await;

        // 2024: the 63 provinces before the reform, Trà Vinh's sample values.
        let d = national(&app, &admin, "xa-ntm-2021-2025", 2024).await;
        assert_eq!(d.provinces.len(), 63);
        assert_eq!(d.units_on, time::macros::date!(2024 - 12 - 31));
        assert!(d.provinces.windows(2).all(|w| w[0].code < w[1].code));
        assert!(d.provinces.iter().any(|p| p.code == "84"));
        check_against_provinces(&app, &d).await;
        let tra_vinh = d.provinces.iter().find(|p| p.code == "84").unwrap();
        assert!(
            tra_vinh.tally.no_known_shortfall > 0,
            "{:?}",
            tra_vinh.tally
        );
        assert!(d.tally.units > 8_000, "{}", d.tally.units);
        assert_eq!(d.criteria_total, 19);

        // 2026: the 34 provinces after it; Vĩnh Long on its own published version.
        let d = national(&app, &admin, "xa-ntm-2026-2030", 2026).await;
        assert_eq!(d.provinces.len(), 34);
        assert!(d.provinces.iter().all(|p| p.code != "84"));
        check_against_provinces(&app, &d).await;
        let vinh_long = d.provinces.iter().find(|p| p.code == "86").unwrap();
        assert!(vinh_long.own_version.is_some());
        assert!(
            d.provinces
                .iter()
                .filter(|p| p.code != "86")
                .all(|p| p.own_version.is_none())
        );

        // No year: the latest year with values anywhere (2026, Vĩnh Long's values).
        let d = national_dashboard(&app, &admin, NationalQuery::default())
            .await
            .expect("defaults");
        assert_eq!((d.set.id.as_str(), d.year), ("xa-ntm-2026-2030", 2026));
        // A set asked without a year: its latest year with values (Trà Vinh's 2024).
        let d = national_dashboard(
            &app,
            &admin,
            NationalQuery {
                set: Some("xa-ntm-2021-2025"),
                ..NationalQuery::default()
            },
        )
        .await
        .expect("set only");
        assert_eq!(d.year, 2024);
        // The form's set not in force in its year gives way to the year's set.
        let d = national_dashboard(
            &app,
            &admin,
            NationalQuery {
                set: Some("xa-ntm-2021-2025"),
                year: Some(2026),
                from_form: true,
            },
        )
        .await
        .expect("form");
        assert_eq!(d.set.id, "xa-ntm-2026-2030");
        // Not from the form: the error names the year.
        let r = national_dashboard(
            &app,
            &admin,
            NationalQuery {
                set: Some("xa-ntm-2021-2025"),
                year: Some(2026),
                from_form: false,
            },
        )
        .await;
        assert!(matches!(r, Err(AppError::Validation(_))), "{r:?}");
    }
);

both_backends!(
    the_national_dashboard_needs_a_country_wide_grant,
    |db: Db| async move {
        let app = app(db);
        reference(&app).await;
        let q = NationalQuery {
            set: Some("xa-ntm-2026-2030"),
            year: Some(2026),
            from_form: false,
        };
        let province = user(&app, "tinh86", "province_officer@86").await;
        let r = national_dashboard(&app, &province, q).await;
        assert!(matches!(r, Err(AppError::Forbidden(_))), "{r:?}");
        let anon = Actor::Anonymous {
            origin: "10.0.0.9".into(),
        };
        let r = national_dashboard(&app, &anon, q).await;
        assert!(matches!(r, Err(AppError::Unauthorized(_))), "{r:?}");
        // Refused before anything else: even an unknown set is a 403.
        let r = national_dashboard(
            &app,
            &province,
            NationalQuery {
                set: Some("khong-co"),
                ..q
            },
        )
        .await;
        assert!(matches!(r, Err(AppError::Forbidden(_))), "{r:?}");
        let r = ntm_app::exports::national_xlsx(
            &app,
            &province,
            q,
            ntm_app::exports::SortKey::Code,
            false,
        )
        .await;
        assert!(matches!(r, Err(AppError::Forbidden(_))), "{r:?}");
        // A country-wide viewer may.
        let viewer = user(&app, "xem", "viewer").await;
        let d = national_dashboard(&app, &viewer, q).await.expect("viewer");
        assert_eq!(d.provinces.len(), 34);
    }
);
