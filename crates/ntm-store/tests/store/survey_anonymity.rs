//! Security review, finding 6: answers given with a slip code or a listed phone number
//! cannot be linked to the slip or the number by whoever reads the database. A dump of the
//! tables after answering shows no value of an answer (id, household key, time) among the
//! token and phone rows, no token hash or phone key inside an answer, only the day as the
//! answer's time, and no token-use time at all.

use std::collections::BTreeMap;

use ntm_store::{Db, PhoneAnswer, TokenAnswer};
use time::OffsetDateTime;

use crate::entry;
use crate::surveys::{campaign, commune, public};

type Rows = Vec<BTreeMap<String, String>>;

/// Every value of `rows` (all columns but those shared on purpose).
fn values<'a>(rows: &'a Rows, except: &'a [&str]) -> impl Iterator<Item = &'a str> + 'a {
    rows.iter().flat_map(move |r| {
        r.iter()
            .filter(move |(c, _)| !except.contains(&c.as_str()))
            .map(|(_, v)| v.as_str())
    })
}

ntm_testkit::both_backends!(
    a_dump_links_no_answer_to_its_slip_or_number,
    |db: Db| async move {
        let c = commune(&db).await;
        let rec = campaign(&c, "ANON01");
        db.insert_survey_campaign(&rec, entry("survey.create", "s"))
            .await
            .unwrap();
        let tokens: Vec<(String, String)> = (0..6)
            .map(|i| (format!("{i:064x}"), "A".to_owned()))
            .collect();
        db.insert_survey_tokens(
            rec.id,
            &tokens,
            OffsetDateTime::now_utc(),
            entry("survey.tokens", "s"),
        )
        .await
        .unwrap();
        let phones = vec![
            (format!("p:{:064x}", 0xaa), "A".to_owned()),
            (format!("p:{:064x}", 0xbb), "A".to_owned()),
        ];
        db.replace_survey_phones(
            rec.id,
            &phones,
            true,
            "xa",
            OffsetDateTime::now_utc(),
            entry("survey.phones_import", "s"),
        )
        .await
        .unwrap();

        let a = public(&rec, "satisfied");
        for (hash, _) in &tokens[..2] {
            assert!(matches!(
                db.answer_with_token(hash, &a).await.unwrap(),
                TokenAnswer::Recorded { .. }
            ));
        }
        let batch: Vec<(&str, &ntm_store::PublicAnswer)> =
            tokens[2..5].iter().map(|(h, _)| (h.as_str(), &a)).collect();
        let out = db.answer_batch_with_tokens(&batch).await.unwrap();
        assert!(
            out.iter()
                .all(|r| matches!(r, TokenAnswer::Recorded { .. }))
        );
        assert!(matches!(
            db.answer_with_phone(&phones[0].0, &a).await.unwrap(),
            PhoneAnswer::Recorded { .. }
        ));
        // Answered once: by the flag, not by a key the answer shares.
        assert_eq!(
            db.answer_with_token(&tokens[0].0, &a).await.unwrap(),
            TokenAnswer::Used
        );
        assert_eq!(
            db.answer_with_phone(&phones[0].0, &a).await.unwrap(),
            PhoneAnswer::Used
        );

        let answers = db.debug_dump_table("survey_answers").await.unwrap();
        let token_rows = db.debug_dump_table("survey_tokens").await.unwrap();
        let phone_rows = db.debug_dump_table("survey_phones").await.unwrap();
        assert_eq!(answers.len(), 6);
        // Shared on purpose: the campaign and the hamlet (results are counted per hamlet).
        let shared = ["campaign_id", "hamlet_code", "used"];
        let slip_side: Vec<&str> = values(&token_rows, &shared)
            .chain(values(&phone_rows, &shared))
            .collect();
        for ans in &answers {
            for (col, v) in ans {
                if [
                    "campaign_id",
                    "hamlet_code",
                    "answer",
                    "extra",
                    "contents",
                    "channel",
                ]
                .contains(&col.as_str())
                {
                    continue;
                }
                for s in &slip_side {
                    assert!(
                        !v.contains(s) && !s.contains(v.as_str()),
                        "answer column {col} = {v} links to a slip or phone value {s}"
                    );
                }
            }
            // Only the day is kept.
            let at = ans["created_at"].replace(".000000", "");
            assert!(
                at.contains(":00:00") && !at.contains('.'),
                "answer time is not a day: {at}"
            );
        }
        // No time of use on the tokens; which were used is a flag.
        assert!(token_rows.iter().all(|r| !r.contains_key("used_at")));
        assert_eq!(
            token_rows
                .iter()
                .filter(|r| r["used"] == "1" || r["used"] == "true")
                .count(),
            5
        );
        // The household keys and ids of the answers are random, not the slip's hash.
        let mut keys: Vec<&str> = answers
            .iter()
            .map(|r| r["household_key"].as_str())
            .collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), 6);
        assert!(keys.iter().all(|k| k.starts_with("a:")), "{keys:?}");
        // Random ids (UUID version 4), not time-ordered ones (version 7) that would give
        // the order and time of the answers.
        for ans in &answers {
            let id = ans["id"].replace('-', "");
            assert_eq!(id.len(), 32, "{id}");
            assert_eq!(&id[12..13], "4", "answer id {id} is not random");
        }
        // The counts still hold.
        let counts = db.survey_token_counts(rec.id).await.unwrap();
        assert_eq!((counts[0].issued, counts[0].used), (6, 5));
    }
);
