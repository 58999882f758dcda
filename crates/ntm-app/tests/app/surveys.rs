//! Survey campaigns at the app boundary: a draft campaign of a commune, its results with the
//! province's coverage rule evaluated once (`CampaignResults::coverage`), refusals for an
//! officer of another commune.

use ntm_app::AppError;
use ntm_app::procedure_settings::{self as ps, SettingInput};
use ntm_app::surveys::{self, CampaignInput, NewCampaign};
use ntm_domain::dossier::DossierKind;
use ntm_domain::dossier::campaign::Questionnaire;
use ntm_testkit::{Db, both_backends};
use time::{Duration, OffsetDateTime};

use super::{app, reference, user};

both_backends!(
    survey_results_and_refusals_outside_the_unit,
    |db: Db| async move {
        let app = app(db);
        reference(&app).await;
        let xa = user(&app, "xa.chauthanh", "commune_officer@29374").await;
        let other = user(&app, "xa.tanan", "commune_officer@29278").await;
        let tinh = user(&app, "tinh.vinhlong", "province_officer@86").await;
        let now = OffsetDateTime::now_utc();
        let new = || NewCampaign {
            unit_code: "29374".into(),
            set_id: "xa-ntm-2021-2025".into(),
            year: 2025,
            input: CampaignInput {
                title: "Lấy ý kiến".into(),
                questionnaire: Questionnaire::suggested(),
                opens_at: now + Duration::days(1),
                closes_at: now + Duration::days(8),
            },
        };
        assert!(matches!(
            surveys::create(&app, &other, new()).await,
            Err(AppError::Forbidden(_))
        ));
        let c = surveys::create(&app, &xa, new()).await.expect("create");
        assert!(matches!(
            surveys::results(&app, &other, &c.code).await,
            Err(AppError::Forbidden(_))
        ));

        // No minimum share configured: no coverage rule.
        let r = surveys::results(&app, &xa, &c.code).await.expect("results");
        assert_eq!(r.tokens_issued, 0);
        assert!(r.coverage().is_empty());

        // The province sets 50 % for commune dossiers: not met without households entered.
        ps::put(
            &app,
            &tinh,
            "86",
            SettingInput::Coverage {
                kind: DossierKind::CommuneNtm,
                percent: 50,
            },
            "Thử nghiệm (giá trị thử)",
        )
        .await
        .expect("coverage setting");
        let r = surveys::results(&app, &xa, &c.code).await.expect("results");
        let cov = r.coverage();
        let ntm = cov
            .iter()
            .find(|k| k.kind == DossierKind::CommuneNtm)
            .expect("commune rule");
        assert_eq!(ntm.rule.percent, 50);
        assert!(!ntm.met);
    }
);
