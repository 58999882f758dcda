//! The page use cases at the app boundary (issue 13: one call per page): what each returns
//! for the page, its form outcomes (`Submitted::Done` / `Again` with the page), and refusals
//! for an actor outside the unit.

use ntm_app::page::Submitted;
use ntm_app::surveys::{self, CampaignAction, CampaignInput, NewCampaign};
use ntm_app::units::{HamletRefusal, HamletsSubmitted, NewHamlet};
use ntm_app::{Actor, AppError, dashboard, dossiers, units};
use ntm_domain::dossier::campaign::Questionnaire;
use ntm_domain::dossier::{Action, ActionKind, DocumentKind, DossierKind, DossierState};
use ntm_testkit::{Db, both_backends};
use time::macros::date;
use time::{Duration, OffsetDateTime};

use super::{app, reference, user};

both_backends!(dossier_pages_in_one_call_each, |db: Db| async move {
    let app = app(db);
    reference(&app).await;
    let xa = user(&app, "xa.chauthanh", "commune_officer@29374").await;
    let other = user(&app, "xa.tanan", "commune_officer@29278").await;

    // The list page: no dossier yet, the form offered to the commune's officer.
    let page = dossiers::list_page(&app, &xa, "29374").await.expect("list");
    assert!(page.dossiers.is_empty());
    assert!(page.can_create);
    assert_eq!(page.unit.code, "29374");
    assert!(page.sets.iter().any(|s| s.id == "xa-ntm-2021-2025"));
    assert!(page.kinds.contains(&DossierKind::CommuneNtm));
    assert!(matches!(
        dossiers::list_page(&app, &other, "29374").await,
        Err(AppError::Forbidden(_))
    ));

    // A form that did not parse: the page again, without a refusal of the use case.
    match dossiers::create_page(&app, &xa, "29374", None).await {
        Ok(Submitted::Again {
            refusal: None,
            page,
        }) => assert!(page.dossiers.is_empty()),
        other => panic!("{other:?}"),
    }
    let new = |set: &str| dossiers::NewDossier {
        unit_code: "29374".into(),
        set_id: set.into(),
        year: 2025,
        kind: DossierKind::CommuneNtm,
        date: Some(date!(2025 - 10 - 01)),
    };
    // Refused by the use case: the page again with the refusal, nothing opened.
    match dossiers::create_page(&app, &xa, "29374", Some(new("khong-co"))).await {
        Ok(Submitted::Again {
            refusal: Some(_),
            page,
        }) => assert!(page.dossiers.is_empty()),
        other => panic!("{other:?}"),
    }
    let v = match dossiers::create_page(&app, &xa, "29374", Some(new("xa-ntm-2021-2025"))).await {
        Ok(Submitted::Done(v)) => v,
        other => panic!("{other:?}"),
    };
    // The other commune's officer: refused before anything is built.
    assert!(matches!(
        dossiers::create_page(&app, &other, "29374", Some(new("xa-ntm-2021-2025"))).await,
        Err(AppError::Forbidden(_))
    ));

    // An action: done; the same version again is stale, and the page comes back with
    // everything it shows.
    let start = |seq| dossiers::ActInput {
        action: Action::StartPosting,
        expected_seq: seq,
        date: Some(date!(2025 - 10 - 02)),
        // Declared as attached (the REST API's way; the pages attach files).
        documents: vec![DocumentKind::ResultsReport],
    };
    match dossiers::act_page(&app, &xa, v.id, Some(start(v.version))).await {
        Ok(Submitted::Done(after)) => {
            assert_eq!(after.dossier.state, DossierState::PublicPosting)
        }
        other => panic!("{other:?}"),
    }
    match dossiers::act_page(&app, &xa, v.id, Some(start(v.version))).await {
        Ok(Submitted::Again {
            refusal: Some(AppError::Conflict(_)),
            page,
        }) => {
            assert_eq!(page.actions, vec![ActionKind::EndPosting]);
            assert_eq!(page.unit_name, "Xã Châu Thành");
            assert!(!page.steps.is_empty());
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        dossiers::act_page(&app, &other, v.id, None).await,
        Err(AppError::Forbidden(_))
    ));
    // An upload refused by the form (no file): the page again.
    assert!(matches!(
        dossiers::attach_page(&app, &xa, v.id, None).await,
        Ok(Submitted::Again { refusal: None, .. })
    ));
});

both_backends!(survey_pages_in_one_call_each, |db: Db| async move {
    let app = app(db);
    reference(&app).await;
    let xa = user(&app, "xa.chauthanh", "commune_officer@29374").await;
    let other = user(&app, "xa.tanan", "commune_officer@29278").await;
    let now = OffsetDateTime::now_utc();
    let new = NewCampaign {
        unit_code: String::new(),
        set_id: "xa-ntm-2021-2025".into(),
        year: 2025,
        input: CampaignInput {
            title: "Lấy ý kiến".into(),
            questionnaire: Questionnaire::suggested(),
            opens_at: now + Duration::days(1),
            closes_at: now + Duration::days(8),
        },
    };
    // The form page, then a campaign created from it (the unit from the address).
    let form = surveys::new_campaign_page(&app, &xa, "29374")
        .await
        .expect("form");
    assert!(form.campaign.is_none());
    assert!(form.sets.iter().any(|s| s.id == "xa-ntm-2021-2025"));
    assert!(matches!(
        surveys::new_campaign_page(&app, &other, "29374").await,
        Err(AppError::Forbidden(_))
    ));
    let c = match surveys::create_campaign(&app, &xa, "29374", Some(new)).await {
        Ok(Submitted::Done(c)) => c,
        other => panic!("{other:?}"),
    };
    assert_eq!(c.unit_code, "29374");

    // The campaign's page: the campaign, its hamlets and results; not found under another
    // unit's address; refused to the other commune's officer.
    let page = surveys::campaign_detail(&app, &xa, "29374", &c.code)
        .await
        .expect("page");
    assert_eq!(page.campaign.code, c.code);
    assert_eq!(page.results.tokens_issued, 0);
    assert!(matches!(
        surveys::campaign_detail(&app, &xa, "29278", &c.code).await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        surveys::campaign_detail(&app, &other, "29374", &c.code).await,
        Err(AppError::Forbidden(_))
    ));
    let listed = surveys::campaigns_page(&app, &xa, "29374")
        .await
        .expect("list");
    assert_eq!(listed.campaigns.len(), 1);

    // Codes for a hamlet that is not the commune's: the page again with the refusal.
    let bad = CampaignAction::IssueTokens(vec![("99999".into(), 3)]);
    match surveys::campaign_action(&app, &xa, "29374", &c.code, Some(bad)).await {
        Ok(Submitted::Again {
            refusal: Some(AppError::Validation(_)),
            page,
        }) => assert_eq!(page.campaign.code, c.code),
        other => panic!("{other:?}"),
    }
    // Opened: done, with the campaign for the redirect.
    match surveys::campaign_action(&app, &xa, "29374", &c.code, Some(CampaignAction::Open)).await {
        Ok(Submitted::Done(d)) => {
            assert_eq!(d.campaign.code, c.code);
            assert!(d.tokens.is_empty());
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        surveys::campaign_action(&app, &other, "29374", &c.code, Some(CampaignAction::Close)).await,
        Err(AppError::Forbidden(_))
    ));
    // The public page of the opened campaign, and a refused answer with its campaign.
    let public = surveys::public_page(&app, &c.code).await.expect("public");
    assert!(public.is_some());
    assert!(
        surveys::public_page(&app, "ZZZZZZ")
            .await
            .expect("none")
            .is_none()
    );
    let refused = surveys::answer_page(
        &app,
        "10.9.9.9",
        &c.code,
        surveys::AnswerInput {
            token: None,
            phone: None,
            sms_code: None,
            area: None,
            answer: None,
            extra: Vec::new(),
            contents: Vec::new(),
        },
    )
    .await
    .expect_err("refused");
    assert!(
        matches!(
            refused.refusal,
            surveys::Refusal::NotYetOpen { opens_at: Some(_) }
        ),
        "{:?}",
        refused.refusal
    );
    assert!(matches!(refused.campaign, Ok(Some(_))));
});

both_backends!(dashboard_page_in_one_call, |db: Db| async move {
    let app = app(db);
    reference(&app).await;
    let tinh = user(&app, "tinh.vinhlong", "province_officer@86").await;
    let xa = user(&app, "xa.chauthanh", "commune_officer@29374").await;
    // The commune officer may not see the province's dashboard: refused first.
    assert!(matches!(
        dashboard::page(&app, &xa, "86", None, Some(2025), false).await,
        Err(AppError::Forbidden(_))
    ));
    // A commune's dashboard is its scorecard.
    assert!(matches!(
        dashboard::page(&app, &xa, "29374", None, Some(2025), false).await,
        Ok(dashboard::DashboardPage::Scorecard { .. })
    ));
    // The province's page: the dashboard, no overdue dossier, Trà Vinh (84) as history.
    match dashboard::page(&app, &tinh, "86", None, Some(2025), false).await {
        Ok(dashboard::DashboardPage::Page(d)) => {
            assert_eq!(d.dashboard.unit.code, "86");
            assert!(d.overdue.is_empty());
            assert!(d.history.iter().any(|p| p.code == "84"), "{:?}", d.history);
        }
        other => panic!("{other:?}"),
    }
    // A set from the form not in force in the chosen year gives way to the default.
    assert!(matches!(
        dashboard::page(&app, &tinh, "86", Some("khong-co"), Some(2025), true).await,
        Ok(dashboard::DashboardPage::Page(_))
    ));
    assert!(matches!(
        dashboard::page(&app, &tinh, "86", Some("khong-co"), Some(2025), false).await,
        Err(AppError::Validation(_))
    ));
});

both_backends!(unit_pages_in_one_call_each, |db: Db| async move {
    let app = app(db);
    reference(&app).await;
    let xa = user(&app, "xa.chauthanh", "commune_officer@29374").await;
    let other = user(&app, "xa.tanan", "commune_officer@29278").await;
    let anon = Actor::Anonymous {
        origin: "10.0.0.9".into(),
    };
    // Public: the unit, without work links, hamlet forms or history.
    let p = units::page(&app, &anon, "29374", None).await.expect("page");
    assert_eq!(p.view.unit.name, "Xã Châu Thành");
    assert!(!p.can_view && !p.can_edit_hamlets && p.history.is_empty());
    // The commune's officer: work links, hamlet forms, its predecessors.
    let p = units::page(&app, &xa, "29374", None).await.expect("page");
    assert!(p.can_view && p.can_edit_hamlets);
    assert!(!p.history.is_empty());
    // Another commune's officer: no work links, no forms.
    let p = units::page(&app, &other, "29374", None)
        .await
        .expect("page");
    assert!(!p.can_view && !p.can_edit_hamlets);

    let row = |name: &str| NewHamlet {
        line: 0,
        commune_code: "29374".into(),
        code: None,
        name: name.into(),
        kind: "Ấp".into(),
    };
    // Refused outside the unit, with its name for the message.
    match units::add_hamlet(&app, &other, "29374", Some(row("Ấp Mới"))).await {
        Ok(HamletsSubmitted::NotAllowed { unit_name }) => assert_eq!(unit_name, "Xã Châu Thành"),
        other => panic!("{other:?}"),
    }
    match units::add_hamlet(&app, &xa, "29374", Some(row("Ấp Mới"))).await {
        Ok(HamletsSubmitted::Added(r)) => assert_eq!(r.added.len(), 1),
        other => panic!("{other:?}"),
    }
    // An import without a file: the page again with why.
    match units::import_hamlets(&app, &xa, "29374", None).await {
        Ok(HamletsSubmitted::Again {
            refusal: Some(HamletRefusal::NoFile),
            page,
        }) => assert!(page.view.children.iter().any(|c| c.name == "Ấp Mới")),
        other => panic!("{other:?}"),
    }
    // A file naming another commune: refused as a whole.
    let csv = "commune_code,name,kind\n29278,Ấp Lạ,Ấp\n"
        .as_bytes()
        .to_vec();
    match units::import_hamlets(&app, &xa, "29374", Some(("a.csv".into(), csv))).await {
        Ok(HamletsSubmitted::Again {
            refusal: Some(r), ..
        }) => assert!(
            matches!(
                r,
                HamletRefusal::OtherCommunes(_) | HamletRefusal::App(AppError::Validation(_))
            ),
            "{r:?}"
        ),
        other => panic!("{other:?}"),
    }
    // The home page: the roots of the officer's tree, none for a visitor.
    let home = units::home(&app, &xa, date!(2026 - 01 - 01))
        .await
        .expect("home");
    assert_eq!(home.provinces.len(), 34);
    assert!(home.roots.iter().any(|u| u.code == "29374"));
    let home = units::home(&app, &anon, date!(2026 - 01 - 01))
        .await
        .expect("home");
    assert!(home.roots.is_empty());
});
