//! Migration 0017 on a database that has survey answers from before it: the slip and phone
//! answers lose every key, id and time shared with their slips and numbers, and yet the
//! slips and numbers that answered still cannot answer again. Migration 0034 (answers kept in
//! the order they are counted): every answer kept as it was, paper households still once.

use std::path::Path;

use ntm_store::{Backend, Db, NewSurveyAnswer, PhoneAnswer, StoreError, TokenAnswer};
use sqlx::migrate::Migrator;
use time::OffsetDateTime;
use time::macros::datetime;
use uuid::Uuid;

use crate::entry;
use crate::surveys::{campaign, commune, public};

/// A database on `backend` migrated up to the migration before `version` only (and 0033, the
/// evaluation change feed, which the store's writes use).
/// On SQLite, a new database file, removed (with its WAL) when the guard is dropped.
async fn migrated_before(db: &Db, version: &str) -> (Db, Option<Removed>) {
    let (fresh, file) = match db.backend() {
        Backend::Sqlite => {
            let file = std::env::temp_dir().join(format!(
                "ntm-before-{version}-{}.db",
                uuid::Uuid::now_v7().simple()
            ));
            let fresh = Db::connect(&format!("sqlite://{}?mode=rwc", file.display()))
                .await
                .unwrap();
            (fresh, Some(Removed(file)))
        }
        Backend::Postgres => {
            db.debug_execute_raw("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
                .await
                .unwrap();
            (db.clone(), None)
        }
    };
    let engine = match db.backend() {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(engine);
    let dir =
        std::env::temp_dir().join(format!("ntm-migrations-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(&src).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        // 0033 too: the store's writes used below note what they change in its feed
        // (sqlx applies the missing ones later, in order, and skips 0033).
        if name.as_str() < version || name.starts_with("0033_") {
            std::fs::copy(e.path(), dir.join(&name)).unwrap();
        }
    }
    let m = Migrator::new(dir.as_path()).await.unwrap();
    match &fresh {
        Db::Sqlite(p, _) => m.run(p).await.unwrap(),
        Db::Postgres(p) => m.run(p).await.unwrap(),
    }
    std::fs::remove_dir_all(&dir).unwrap();
    (fresh, file)
}

/// A SQLite file (and its `-wal`, `-shm`) removed when dropped, the test passed or not.
struct Removed(std::path::PathBuf);

impl Drop for Removed {
    fn drop(&mut self) {
        for end in ["", "-wal", "-shm"] {
            let mut p = self.0.clone().into_os_string();
            p.push(end);
            let _ = std::fs::remove_file(p);
        }
    }
}

ntm_testkit::both_backends!(
    migration_0017_unlinks_old_answers_and_keeps_them_answered,
    |db: Db| async move {
        let (db, _file) = migrated_before(&db, "0017").await;
        let c = commune(&db).await;
        let rec = campaign(&c, "OLD001");
        db.insert_survey_campaign(&rec, entry("survey.create", "s"))
            .await
            .unwrap();
        db.insert_survey_tokens(
            rec.id,
            &[
                ("h1".into(), "A".into()),
                ("h2".into(), "A".into()),
                ("h3".into(), "B".into()),
            ],
            OffsetDateTime::now_utc(),
            entry("survey.tokens", "s"),
        )
        .await
        .unwrap();
        // What the code before 0017 wrote: `t:<token hash>` and `p:<phone key>` answers at
        // the microsecond, the token's use at the same time, the secret in `settings`.
        let at = datetime!(2025-10-02 18:15:00.123456 UTC);
        let old = |key: &str, hamlet: &str, channel: &str| NewSurveyAnswer {
            id: uuid::Uuid::now_v7(),
            campaign_id: rec.id,
            household_key: key.into(),
            hamlet_code: hamlet.into(),
            answer: "satisfied".into(),
            extra: "[]".into(),
            contents: String::new(),
            channel: channel.into(),
            created_at: at,
        };
        db.import_survey_answers(
            &[
                old("t:h1", "A", "token"),
                old("t:h2", "A", "token"),
                old("p:listed", "B", "phone"),
                old("p:unlisted", "B", "phone"),
                old("h:7", "A", "paper"),
            ],
            entry("survey.import", "s"),
        )
        .await
        .unwrap();
        db.debug_execute_raw(
            "UPDATE survey_tokens SET used_at = issued_at WHERE token_hash IN ('h1', 'h2');
             INSERT INTO survey_phones (campaign_id, phone_key, hamlet_code)
                 SELECT id, 'p:listed', 'B' FROM survey_campaigns;
             INSERT INTO survey_phones (campaign_id, phone_key, hamlet_code)
                 SELECT id, 'p:fresh', 'B' FROM survey_campaigns;
             INSERT INTO settings (key, value) VALUES ('survey.phone_secret', 'old-secret');",
        )
        .await
        .unwrap();
        let counts_before = db.survey_counts(rec.id).await.unwrap();
        let ids_before: Vec<String> = db
            .debug_dump_table("survey_answers")
            .await
            .unwrap()
            .into_iter()
            .map(|a| a["id"].clone())
            .collect();

        db.migrate().await.unwrap();

        // Answers: the same tallies; keys random except paper's; the day only; new ids.
        assert_eq!(db.survey_counts(rec.id).await.unwrap(), counts_before);
        let answers = db.debug_dump_table("survey_answers").await.unwrap();
        assert_eq!(answers.len(), 5);
        for a in &answers {
            let k = &a["household_key"];
            assert!(k == "h:7" || k.starts_with("a:"), "{k}");
            assert!(!a["created_at"].contains("18:15"), "{a:?}");
            assert!(!a["created_at"].contains(".123456"), "{a:?}");
            // UTC+7: 18:15 UTC on 02/10 is 03/10 in Vietnam.
            assert!(a["created_at"].contains("2025-10-03"), "{a:?}");
            assert!(!ids_before.contains(&a["id"]), "{a:?}");
        }
        let tokens = db.debug_dump_table("survey_tokens").await.unwrap();
        assert!(tokens.iter().all(|t| !t.contains_key("used_at")));
        // Still answered once: the used slips and numbers are refused, the others answer.
        let a = public(&rec, "not_satisfied");
        assert_eq!(
            db.answer_with_token("h1", &a).await.unwrap(),
            TokenAnswer::Used
        );
        assert_eq!(
            db.answer_with_token("h3", &a).await.unwrap(),
            TokenAnswer::Recorded {
                hamlet_code: "B".into()
            }
        );
        assert_eq!(
            db.answer_with_phone("p:listed", &a).await.unwrap(),
            PhoneAnswer::Used
        );
        // A number that answered before any list existed stays answered when a list
        // naming it is imported later.
        db.replace_survey_phones(
            rec.id,
            &[
                ("p:unlisted".into(), "B".into()),
                ("p:fresh".into(), "B".into()),
            ],
            true,
            "xa",
            OffsetDateTime::now_utc(),
            entry("survey.phones_import", "s"),
        )
        .await
        .unwrap();
        assert_eq!(
            db.answer_with_phone("p:unlisted", &a).await.unwrap(),
            PhoneAnswer::Used
        );
        assert_eq!(
            db.answer_with_phone("p:fresh", &a).await.unwrap(),
            PhoneAnswer::Recorded {
                hamlet_code: "B".into()
            }
        );
        // Answers stay append-only.
        assert!(
            db.debug_execute_raw("UPDATE survey_answers SET answer = 'invalid'")
                .await
                .is_err()
        );
        // The secret is left for the server to move out (ntm_app::surveys::key).
        assert_eq!(
            db.get_setting("survey.phone_secret").await.unwrap(),
            Some("old-secret".into())
        );
    }
);

ntm_testkit::both_backends!(
    migration_0034_keeps_every_answer_and_paper_households_once,
    |db: Db| async move {
        let (db, _file) = migrated_before(&db, "0034").await;
        let c = commune(&db).await;
        let rec = campaign(&c, "CLU001");
        db.insert_survey_campaign(&rec, entry("survey.create", "s"))
            .await
            .unwrap();
        let hamlets = ["A", "B", "C"];
        let tokens: Vec<(String, String)> = (0..60)
            .map(|i| (format!("k{i:02}"), hamlets[i % 3].to_owned()))
            .collect();
        db.insert_survey_tokens(
            rec.id,
            &tokens,
            OffsetDateTime::now_utc(),
            entry("survey.tokens", "s"),
        )
        .await
        .unwrap();
        let kinds = ["satisfied", "not_satisfied", "invalid"];
        let answer = |i: usize| {
            let mut a = public(&rec, kinds[i % 3]);
            a.contents = if i.is_multiple_of(2) {
                "10-".into()
            } else {
                String::new()
            };
            a
        };
        // 40 slips answered before the migration, in one group commit; two paper forms.
        let first: Vec<_> = (0..40).map(answer).collect();
        let items: Vec<(&str, &_)> = tokens[..40]
            .iter()
            .map(|(h, _)| h.as_str())
            .zip(first.iter())
            .collect();
        db.answer_batch_with_tokens(&items).await.unwrap();
        let paper = |household: &str, hamlet: &str| NewSurveyAnswer {
            id: Uuid::now_v7(),
            campaign_id: rec.id,
            household_key: format!("h:{household}"),
            hamlet_code: hamlet.into(),
            answer: "satisfied".into(),
            extra: "[]".into(),
            contents: String::new(),
            channel: "paper".into(),
            created_at: datetime!(2025-10-02 0:00 UTC),
        };
        db.import_survey_answers(
            &[paper("1", "A"), paper("2", "B")],
            entry("survey.import", "s"),
        )
        .await
        .unwrap();
        let rows_before = db.debug_dump_table("survey_answers").await.unwrap();
        let counts_before = db.survey_counts(rec.id).await.unwrap();
        let contents_before = db.survey_content_counts(rec.id).await.unwrap();
        assert_eq!(rows_before.len(), 42);

        db.migrate().await.unwrap();

        // Every answer as it was, every column, ids included; the same tallies.
        let by_id = |mut rows: Vec<std::collections::BTreeMap<String, String>>| {
            rows.sort_by(|a, b| a["id"].cmp(&b["id"]));
            rows
        };
        let rows_after = db.debug_dump_table("survey_answers").await.unwrap();
        assert_eq!(by_id(rows_after), by_id(rows_before));
        assert_eq!(db.survey_counts(rec.id).await.unwrap(), counts_before);
        assert_eq!(
            db.survey_content_counts(rec.id).await.unwrap(),
            contents_before
        );
        // A paper household that answered is still refused, all or nothing.
        let err = db
            .import_survey_answers(
                &[paper("3", "C"), paper("1", "C")],
                entry("survey.import", "s"),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
        db.import_survey_answers(&[paper("3", "C")], entry("survey.import", "s"))
            .await
            .unwrap();
        // Slips: the used ones still refused, the others recorded, in any hamlet and answer.
        let later: Vec<_> = (40..60).map(answer).collect();
        let mut items: Vec<(&str, &_)> = tokens[40..]
            .iter()
            .map(|(h, _)| h.as_str())
            .zip(later.iter())
            .collect();
        items.push(("k00", &later[0]));
        let got = db.answer_batch_with_tokens(&items).await.unwrap();
        assert_eq!(got.last(), Some(&TokenAnswer::Used));
        assert!(
            got[..20]
                .iter()
                .all(|g| matches!(g, TokenAnswer::Recorded { .. })),
            "{got:?}"
        );
        let counted: i64 = db
            .survey_counts(rec.id)
            .await
            .unwrap()
            .iter()
            .map(|c| c.n)
            .sum();
        assert_eq!(counted, 42 + 1 + 20);
        // Per hamlet and answer, as the rows say.
        let rows = db.debug_dump_table("survey_answers").await.unwrap();
        for c in db.survey_counts(rec.id).await.unwrap() {
            let n = rows
                .iter()
                .filter(|r| r["hamlet_code"] == c.hamlet_code && r["answer"] == c.answer)
                .count();
            assert_eq!(n as i64, c.n, "{c:?}");
        }
        // Still append-only.
        assert!(
            db.debug_execute_raw("UPDATE survey_answers SET answer = 'invalid'")
                .await
                .is_err()
        );
        assert!(
            db.debug_execute_raw("DELETE FROM survey_answers")
                .await
                .is_err()
        );
        assert_eq!(
            db.debug_dump_table("survey_answers").await.unwrap().len(),
            63
        );
    }
);
