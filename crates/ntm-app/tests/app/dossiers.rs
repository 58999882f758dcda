//! Dossiers at the app boundary: the dossier page's one use case (`dossiers::detail`), an
//! action through the state machine, and refusals for an officer of another commune.

use ntm_app::AppError;
use ntm_app::dossiers::{self, ActInput, NewDossier, StepStatus};
use ntm_domain::dossier::{Action, ActionKind, DocumentKind, DossierKind, DossierState};
use ntm_testkit::{Db, both_backends};
use time::macros::date;

use super::{app, reference, user};

both_backends!(
    dossier_detail_in_one_call_and_refused_outside_the_unit,
    |db: Db| async move {
        let app = app(db);
        reference(&app).await;
        let xa = user(&app, "xa.chauthanh", "commune_officer@29374").await;
        let other = user(&app, "xa.tanan", "commune_officer@29278").await;
        let v = dossiers::create(
            &app,
            &xa,
            NewDossier {
                unit_code: "29374".into(),
                set_id: "xa-ntm-2021-2025".into(),
                year: 2025,
                kind: DossierKind::CommuneNtm,
                date: Some(date!(2025 - 10 - 01)),
            },
        )
        .await
        .expect("create");
        assert_eq!(v.dossier.state, DossierState::Preparing);

        let d = dossiers::detail(&app, &xa, v.id).await.expect("detail");
        assert_eq!(d.view.id, v.id);
        assert_eq!(d.actions, vec![ActionKind::StartPosting]);
        assert!(d.can_upload);
        assert_eq!(d.unit_name, "Xã Châu Thành");
        assert_eq!(d.unit_name_now, None);
        let p = d.view.procedure.as_ref().expect("procedure");
        assert_eq!(d.steps.len(), p.steps.len());
        assert_eq!(
            d.steps
                .iter()
                .filter(|s| s.status == StepStatus::Current)
                .count(),
            1,
            "{:?}",
            d.steps
        );
        // No closed survey campaign yet: no rate.
        assert_eq!(d.survey.satisfaction, None);

        // An officer of another commune sees neither the page nor acts.
        assert!(matches!(
            dossiers::detail(&app, &other, v.id).await,
            Err(AppError::Forbidden(_))
        ));
        let start = |seq| ActInput {
            action: Action::StartPosting,
            expected_seq: seq,
            date: Some(date!(2025 - 10 - 02)),
            // Declared as attached (the REST API's way; the pages attach files).
            documents: vec![DocumentKind::ResultsReport],
        };
        assert!(matches!(
            dossiers::act(&app, &other, v.id, start(v.version)).await,
            Err(AppError::Forbidden(_))
        ));

        // The unit's officer starts the public posting; the page then offers its end.
        let after = dossiers::act(&app, &xa, v.id, start(v.version))
            .await
            .expect("start posting");
        assert_eq!(after.dossier.state, DossierState::PublicPosting);
        let d = dossiers::detail(&app, &xa, v.id).await.expect("detail");
        assert_eq!(d.actions, vec![ActionKind::EndPosting]);
        assert_eq!(d.view.events.len(), 1);
        // The version seen before the action is stale now.
        assert!(matches!(
            dossiers::act(&app, &xa, v.id, start(v.version)).await,
            Err(AppError::Conflict(_))
        ));
    }
);
