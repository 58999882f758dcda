//! Provisional figures ("không phát hiện chỉ tiêu chưa đạt", thresholds still to confirm) on
//! the demo sample of Trà Vinh: they reproduce the published counts while the confirmed
//! figures stay at what the engine can confirm.

use ntm_app::Actor;
use ntm_app::dashboard::{DashboardTarget, dashboard};
use ntm_domain::criteria::demo;
use ntm_testkit::{Db, both_backends};

use crate::{app, reference};

const SET: &str = "xa-ntm-2021-2025";

both_backends!(
    demo_sample_has_no_known_shortfall_in_the_published_communes,
    |db: Db| async move {
        let app = app(db);
        reference(&app).await;
        ntm_app::demo::seed_sample_observations(&app, &Actor::cli())
            .await
            .expect("sample");
        for year in 2022..=2024 {
            let published = demo::published_figures(year.min(2023))
                .expect("published")
                .ntm;
            let DashboardTarget::Dashboard(d) =
                dashboard(&app, &Actor::cli(), "84", Some(SET), Some(year))
                    .await
                    .expect("dashboard")
            else {
                panic!("a province has a dashboard");
            };
            let r = &d.rollup;
            // The set applies to xã only (`applies_to`): the 85 xã of the province, not its
            // 106 commune-level units (21 phường and thị trấn are not counted).
            assert_eq!(r.units, 85, "{year}");
            assert_eq!(r.children.len(), 85, "{year}");
            assert_eq!(
                (d.tally.no_known_shortfall, r.no_known_shortfall),
                (published, published),
                "{year}: communes with no known shortfall = published NTM communes"
            );
            // Never presented as met: the thresholds are not confirmed.
            assert!(r.met <= r.no_known_shortfall);
            assert!(r.avg_criteria_no_known_shortfall >= r.avg_criteria_met);
            let per_commune = r.children.iter().filter(|c| c.no_known_shortfall).count();
            assert_eq!(per_commune as u32, r.no_known_shortfall);
            for c in &r.children {
                assert!(c.criteria_no_known_shortfall >= c.criteria_met_tentative);
                assert!(c.criteria_met_tentative >= c.criteria_met);
            }
            assert_eq!(
                r.buckets_no_known_shortfall
                    .iter()
                    .map(|b| b.count)
                    .sum::<u32>(),
                85
            );
            assert_eq!(
                r.buckets_no_known_shortfall[0].count, published,
                "{year}: every criterion without shortfall in the NTM communes"
            );
            // The districts add up.
            let sum: u32 = d.districts.iter().map(|x| x.no_known_shortfall).sum();
            assert_eq!(sum, published, "{year}");
        }
    }
);
