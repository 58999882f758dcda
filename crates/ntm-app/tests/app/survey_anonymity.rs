//! Security review, finding 6: anonymity that survives a database dump. Answers given with a
//! slip code or a listed phone number through the use case share no value with the slip or
//! the number; the phone key (survey key) lives in a file outside the database — moved out
//! of `settings` on a pre-0017 deployment — and is found in no table; a server without the
//! file gets a clear error instead of hashing numbers differently.

use std::collections::BTreeMap;
use std::path::PathBuf;

use ntm_app::survey_phones::{self, PhoneRow};
use ntm_app::surveys::{self, AnswerInput, CampaignInput, NewCampaign, Refusal};
use ntm_app::units::{NewHamlet, add_hamlets};
use ntm_app::{Actor, App, AppConfig, AppError};
use ntm_domain::dossier::campaign::Questionnaire;
use ntm_domain::dossier::survey::Answer;
use ntm_testkit::{Db, both_backends};

use super::reference;

/// The secret a deployment from before migration 0017 kept in `settings`.
const OLD_SECRET: &str = "5e1f0c7a9b3d2e4f6a8b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f";

fn temp_dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("ntm-key-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn app_in(db: &Db, dir: &std::path::Path) -> App {
    App::new(
        db.clone(),
        AppConfig {
            data_dir: dir.to_path_buf(),
            ..AppConfig::default()
        },
    )
}

fn input(token: Option<&str>, phone: Option<&str>) -> AnswerInput {
    AnswerInput {
        token: token.map(Into::into),
        phone: phone.map(Into::into),
        answer: Some(Answer::Satisfied),
        ..AnswerInput::default()
    }
}

async fn dump(db: &Db, table: &str) -> Vec<BTreeMap<String, String>> {
    db.debug_dump_table(table).await.unwrap()
}

both_backends!(
    survey_answers_survive_a_database_dump_anonymous,
    |db: Db| async move {
        db.debug_execute_raw(&format!(
            "INSERT INTO settings (key, value) VALUES ('survey.phone_secret', '{OLD_SECRET}')"
        ))
        .await
        .unwrap();
        let dir = temp_dir();
        let app = app_in(&db, &dir);
        reference(&app).await;
        let cli = Actor::cli();
        let (hamlet, c) = open_campaign(&app, "Ấp Một").await;
        let tokens = surveys::issue_tokens(&app, &cli, &c.code, &[(hamlet.clone(), 3)])
            .await
            .unwrap();

        // Start-up moves the secret out of the database into a 0600 file; the lists made
        // with it (the same bytes) keep working.
        let path = ntm_app::surveys::key::prepare(&app).await.unwrap();
        assert_eq!(path, dir.join("survey.key"));
        assert_eq!(std::fs::read_to_string(&path).unwrap().trim(), OLD_SECRET);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(db.get_setting("survey.phone_secret").await.unwrap(), None);
        let n = survey_phones::apply(
            &app,
            &cli,
            &c.code,
            "ds.csv",
            &[PhoneRow {
                row: 2,
                hamlet: hamlet.clone(),
                phone: "0912 000 001".into(),
            }],
        )
        .await
        .unwrap();
        assert_eq!(n, 1);

        for t in &tokens[..2] {
            surveys::answer(&app, "10.0.0.1", &c.code, input(Some(&t.token), None))
                .await
                .unwrap();
        }
        surveys::answer(&app, "10.0.0.2", &c.code, input(None, Some("0912000001")))
            .await
            .unwrap();
        // Answered once still holds.
        assert_eq!(
            surveys::answer(
                &app,
                "10.0.0.3",
                &c.code,
                input(Some(&tokens[0].token), None)
            )
            .await,
            Err(Refusal::TokenUsed)
        );
        assert_eq!(
            surveys::answer(&app, "10.0.0.4", &c.code, input(None, Some("0912000001"))).await,
            Err(Refusal::PhoneUsed)
        );
        let r = surveys::results(&app, &cli, &c.code).await.unwrap();
        assert_eq!((r.tokens_issued, r.tokens_used), (3, 2));
        assert_eq!(r.total.responses(), 3);

        // The dump: the key is in no table.
        let mut tables: Vec<String> = db
            .schema_columns()
            .await
            .unwrap()
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        tables.dedup();
        for t in &tables {
            for row in dump(&db, t).await {
                for (col, v) in &row {
                    assert!(!v.contains(OLD_SECRET), "the survey key is in {t}.{col}");
                }
            }
        }
        // No value of an answer among the slips' and numbers' rows, and the reverse.
        let answers = dump(&db, "survey_answers").await;
        assert_eq!(answers.len(), 3);
        let shared = ["campaign_id", "hamlet_code", "used"];
        let mut slip_side = Vec::new();
        for t in ["survey_tokens", "survey_phones"] {
            for row in dump(&db, t).await {
                slip_side.extend(
                    row.into_iter()
                        .filter(|(c, _)| !shared.contains(&c.as_str()))
                        .map(|(_, v)| v),
                );
            }
        }
        for a in &answers {
            for col in ["id", "household_key", "created_at"] {
                let v = &a[col];
                for s in &slip_side {
                    assert!(
                        !v.contains(s.as_str()) && !s.contains(v.as_str()),
                        "answer {col} {v} links to {s}"
                    );
                }
            }
            // The day only.
            let at = a["created_at"].replace(".000000", "");
            assert!(at.contains(":00:00") && !at.contains('.'), "{at}");
        }

        // A second server on the same database without the key file: a clear error, not
        // numbers hashed with another key; with a copy of the file it works.
        let dir2 = temp_dir();
        let second = app_in(&db, &dir2);
        let e = survey_phones::apply(
            &second,
            &cli,
            &c.code,
            "ds.csv",
            &[PhoneRow {
                row: 2,
                hamlet: hamlet.clone(),
                phone: "0912 000 002".into(),
            }],
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&e, AppError::Conflict(m) if m.contains("survey.key") && m.contains("missing")),
            "{e:?}"
        );
        assert!(!dir2.join("survey.key").exists());
        std::fs::copy(&path, dir2.join("survey.key")).unwrap();
        assert_eq!(
            surveys::answer(
                &second,
                "10.0.0.5",
                &c.code,
                input(None, Some("0912000001"))
            )
            .await,
            Err(Refusal::PhoneUsed)
        );
        // A different key file is refused too.
        std::fs::write(dir2.join("survey.key"), "0".repeat(64)).unwrap();
        let third = app_in(&db, &dir2);
        assert!(matches!(
            ntm_app::surveys::key::prepare(&third).await,
            Err(AppError::Conflict(m)) if m.contains("not the key")
        ));
        for d in [dir, dir2] {
            std::fs::remove_dir_all(d).unwrap();
        }
    }
);

both_backends!(
    concurrent_answers_go_through_the_writer_each_code_once,
    |db: Db| async move {
        // The writer task's own connection (and, on SQLite, its background checkpoints)
        // under many answers at once: each code recorded once, a code sent twice at the
        // same time refused once, every acknowledged answer counted.
        let dir = temp_dir();
        let app = app_in(&db, &dir);
        reference(&app).await;
        let cli = Actor::cli();
        let (hamlet, c) = open_campaign(&app, "Ấp Hai").await;
        let tokens = surveys::issue_tokens(&app, &cli, &c.code, &[(hamlet, 300)])
            .await
            .unwrap();
        // 300 codes, the first 40 sent twice: 340 answers at once.
        let mut tasks = tokio::task::JoinSet::new();
        for (i, t) in tokens.iter().chain(&tokens[..40]).enumerate() {
            let (app, code, token) = (app.clone(), c.code.clone(), t.token.clone());
            tasks.spawn(async move {
                let origin = format!("10.1.{}.{}", i / 250, i % 250);
                surveys::answer(&app, &origin, &code, input(Some(&token), None)).await
            });
        }
        let (mut ok, mut used) = (0, 0);
        while let Some(r) = tasks.join_next().await {
            match r.unwrap() {
                Ok(()) => ok += 1,
                Err(Refusal::TokenUsed) => used += 1,
                Err(e) => panic!("{e:?}"),
            }
        }
        assert_eq!((ok, used), (300, 40));
        let r = surveys::results(&app, &cli, &c.code).await.unwrap();
        assert_eq!((r.tokens_issued, r.tokens_used), (300, 300));
        assert_eq!(r.total.responses(), 300);
        // A code answered before is refused afterwards too.
        assert_eq!(
            surveys::answer(
                &app,
                "10.2.0.1",
                &c.code,
                input(Some(&tokens[7].token), None)
            )
            .await,
            Err(Refusal::TokenUsed)
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
);

/// A hamlet `name` of xã 29374 and an open campaign there (2025, the suggested questions).
async fn open_campaign(app: &App, name: &str) -> (String, surveys::CampaignView) {
    let cli = Actor::cli();
    let hamlet = add_hamlets(
        app,
        &cli,
        vec![NewHamlet {
            line: 0,
            commune_code: "29374".into(),
            code: None,
            name: name.into(),
            kind: "ấp".into(),
        }],
    )
    .await
    .unwrap()
    .added[0]
        .code
        .clone();
    let now = ntm_app::now();
    let c = surveys::create(
        app,
        &cli,
        NewCampaign {
            unit_code: "29374".into(),
            set_id: "xa-ntm-2021-2025".into(),
            year: 2025,
            input: CampaignInput {
                title: "Lấy ý kiến".into(),
                questionnaire: Questionnaire::suggested(),
                opens_at: now - time::Duration::hours(1),
                closes_at: now + time::Duration::days(7),
            },
        },
    )
    .await
    .unwrap();
    surveys::open(app, &cli, &c.code).await.unwrap();
    (hamlet, c)
}
