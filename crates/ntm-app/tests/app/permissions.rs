//! Public functions that read a unit's data check the actor (ARCHITECTURE.md, "public
//! functions without an actor" lists those that do not, and why).

use ntm_app::{Actor, AppError, surveys};
use ntm_domain::dossier::DossierKind;
use ntm_testkit::{Db, both_backends};

use super::{app, reference, user};

const COMMUNE: &str = "29374";
const SET: &str = "xa-ntm-2026-2030";

both_backends!(
    dossier_survey_facts_need_a_view_of_the_unit,
    |db: Db| async move {
        let app = app(db);
        reference(&app).await;
        let own = user(&app, "tinh86", "province_officer@86").await;
        let other = user(&app, "tinh01", "province_officer@01").await;
        let anon = Actor::Anonymous {
            origin: "10.0.0.9".into(),
        };
        let (_, settings, _) = ntm_app::procedure_settings::get(&app, &own, "86")
            .await
            .expect("settings");

        // Allowed: nothing closed yet, so nothing to take.
        let f = surveys::dossier_survey_facts(
            &app,
            &own,
            COMMUNE,
            SET,
            2026,
            DossierKind::CommuneNtm,
            &settings,
        )
        .await
        .expect("facts");
        assert!(f.satisfaction.is_none());
        assert_eq!(
            surveys::dossier_satisfaction(&app, &own, COMMUNE, SET, 2026)
                .await
                .expect("rate"),
            None
        );
        assert!(
            surveys::dossier_campaign_results(&app, &own, COMMUNE, SET, 2026)
                .await
                .expect("results")
                .is_none()
        );

        // Refused: another province's officer, and anyone not logged in.
        for (actor, what) in [(&other, "other province"), (&anon, "anonymous")] {
            let refused = |r: &Result<_, AppError>| {
                matches!(r, Err(AppError::Forbidden(_) | AppError::Unauthorized(_)))
            };
            let r = surveys::dossier_survey_facts(
                &app,
                actor,
                COMMUNE,
                SET,
                2026,
                DossierKind::CommuneNtm,
                &settings,
            )
            .await
            .map(|_| ());
            assert!(refused(&r), "{what}: {r:?}");
            let r = surveys::dossier_satisfaction(&app, actor, COMMUNE, SET, 2026)
                .await
                .map(|_| ());
            assert!(refused(&r), "{what}: {r:?}");
            let r = surveys::dossier_campaign_results(&app, actor, COMMUNE, SET, 2026)
                .await
                .map(|_| ());
            assert!(refused(&r), "{what}: {r:?}");
        }
        // An unknown unit is not found, for anyone.
        let r = surveys::dossier_satisfaction(&app, &own, "99999", SET, 2026).await;
        assert!(matches!(r, Err(AppError::NotFound(_))), "{r:?}");
    }
);
