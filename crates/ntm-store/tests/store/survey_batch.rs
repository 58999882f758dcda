//! The group commit of slip answers (`Db::answer_batch_with_tokens`, a few statements per
//! batch): each answer of a batch gets what it would have got alone, in the batch's order —
//! a fresh token is recorded in its hamlet, a token used before or earlier in the same batch
//! is `Used`, a token of another campaign or never issued is `Unknown` — across campaigns
//! and past the statements' chunk sizes; the answers stored are exactly the recorded ones.
//! The same few statements on both engines, through the pool or the writer's own connection
//! (`Db::answer_writer`), whose commits on SQLite leave the WAL to `Db::checkpoint_wal`.

use ntm_store::{Db, PublicAnswer, SurveyCampaignRecord, TokenAnswer};
use time::OffsetDateTime;

use crate::entry;
use crate::surveys::{campaign, commune, public};

/// `n` tokens `{tag}{i}` (hex-padded) in hamlets `A` (even) and `B` (odd).
async fn issue(db: &Db, c: &SurveyCampaignRecord, tag: u32, n: u32) -> Vec<(String, String)> {
    let tokens: Vec<(String, String)> = (0..n)
        .map(|i| {
            let hamlet = if i % 2 == 0 { "A" } else { "B" };
            (format!("{tag:08x}{i:056x}"), hamlet.to_owned())
        })
        .collect();
    db.insert_survey_tokens(
        c.id,
        &tokens,
        OffsetDateTime::now_utc(),
        entry("survey.tokens", &c.code),
    )
    .await
    .unwrap();
    tokens
}

fn recorded(h: &str) -> TokenAnswer {
    TokenAnswer::Recorded {
        hamlet_code: h.to_owned(),
    }
}

async fn stored(db: &Db, c: &SurveyCampaignRecord) -> (i64, i64) {
    let answers = db
        .survey_counts(c.id)
        .await
        .unwrap()
        .iter()
        .map(|r| r.n)
        .sum();
    let used = db
        .survey_token_counts(c.id)
        .await
        .unwrap()
        .iter()
        .map(|r| r.used)
        .sum();
    (answers, used)
}

ntm_testkit::both_backends!(
    a_batch_answers_each_as_if_alone_in_order,
    |db: Db| async move {
        let c = commune(&db).await;
        let one = campaign(&c, "BATCH1");
        let two = campaign(&c, "BATCH2");
        for r in [&one, &two] {
            db.insert_survey_campaign(r, entry("survey.create", &r.code))
                .await
                .unwrap();
        }
        let t1 = issue(&db, &one, 1, 6).await;
        let t2 = issue(&db, &two, 2, 3).await;
        let (a1, a2) = (public(&one, "satisfied"), public(&two, "not_satisfied"));
        // Used before the batch.
        assert_eq!(
            db.answer_with_token(&t1[0].0, &a1).await.unwrap(),
            recorded("A")
        );
        let never = format!("{:064x}", 0xdead_u32);
        let batch: Vec<(&str, &PublicAnswer)> = vec![
            (&t1[1].0, &a1), // fresh, hamlet B
            (&t2[0].0, &a2), // fresh, other campaign, hamlet A
            (&t1[0].0, &a1), // used before
            (&t1[1].0, &a1), // used earlier in this batch
            (&never, &a1),   // never issued
            (&t2[1].0, &a1), // a token of campaign two given for campaign one
            (&t1[2].0, &a1), // fresh, hamlet A
            (&t2[0].0, &a2), // used earlier in this batch, other campaign
            (&t1[3].0, &a1), // fresh, hamlet B
        ];
        let out = db.answer_batch_with_tokens(&batch).await.unwrap();
        assert_eq!(
            out,
            vec![
                recorded("B"),
                recorded("A"),
                TokenAnswer::Used,
                TokenAnswer::Used,
                TokenAnswer::Unknown,
                TokenAnswer::Unknown,
                recorded("A"),
                TokenAnswer::Used,
                recorded("B"),
            ]
        );
        // Campaign one: the earlier answer and three from the batch; two: one.
        assert_eq!(stored(&db, &one).await, (4, 4));
        assert_eq!(stored(&db, &two).await, (1, 1));
        let counts = db.survey_counts(two.id).await.unwrap();
        assert_eq!(
            (
                counts[0].hamlet_code.as_str(),
                counts[0].answer.as_str(),
                counts[0].n
            ),
            ("A", "not_satisfied", 1)
        );
        // The token of campaign two given for campaign one is still unused there.
        assert_eq!(
            db.answer_with_token(&t2[1].0, &a2).await.unwrap(),
            recorded("B")
        );
        // A batch of nothing but refusals writes nothing.
        let again: Vec<(&str, &PublicAnswer)> =
            vec![(&t1[0].0, &a1), (&never, &a1), (&t1[3].0, &a1)];
        assert_eq!(
            db.answer_batch_with_tokens(&again).await.unwrap(),
            vec![TokenAnswer::Used, TokenAnswer::Unknown, TokenAnswer::Used]
        );
        assert_eq!(stored(&db, &one).await, (4, 4));
    }
);

ntm_testkit::both_backends!(
    a_batch_larger_than_one_statement_is_whole,
    |db: Db| async move {
        let c = commune(&db).await;
        let one = campaign(&c, "BATCH3");
        db.insert_survey_campaign(&one, entry("survey.create", &one.code))
            .await
            .unwrap();
        // More tokens than one UPDATE names (512) and answers than one INSERT takes (256):
        // 1,050 rows in INSERTs of 256, 256, 256, 256, 16, 8 and 2.
        let tokens = issue(&db, &one, 3, 1_100).await;
        let a = public(&one, "satisfied");
        let mut batch: Vec<(&str, &PublicAnswer)> = tokens[..1_050]
            .iter()
            .map(|(h, _)| (h.as_str(), &a))
            .collect();
        batch.push((&tokens[7].0, &a));
        let out = db.answer_batch_with_tokens(&batch).await.unwrap();
        assert_eq!(out.len(), 1_051);
        for (i, r) in out[..1_050].iter().enumerate() {
            assert_eq!(
                *r,
                recorded(if i % 2 == 0 { "A" } else { "B" }),
                "answer {i}"
            );
        }
        assert_eq!(out[1_050], TokenAnswer::Used);
        assert_eq!(stored(&db, &one).await, (1_050, 1_050));
        let counts = db.survey_counts(one.id).await.unwrap();
        assert_eq!(
            counts
                .iter()
                .map(|r| (r.hamlet_code.as_str(), r.n))
                .collect::<Vec<_>>(),
            vec![("A", 525), ("B", 525)]
        );
    }
);

ntm_testkit::both_backends!(
    a_dedicated_writer_answers_once_and_leaves_checkpoints_to_the_caller,
    |db: Db| async move {
        let c = commune(&db).await;
        let one = campaign(&c, "BATCH4");
        db.insert_survey_campaign(&one, entry("survey.create", &one.code))
            .await
            .unwrap();
        // Commits through the writer never checkpoint (far fewer frames than this).
        let mut w = db.answer_writer(1_000_000).await.unwrap();
        let sqlite = db.backend() == ntm_store::Backend::Sqlite;
        assert_eq!(w.checkpoints_wanted(), sqlite);
        let tokens = issue(&db, &one, 4, 320).await;
        let a = public(&one, "satisfied");
        // 300 answers: INSERTs of 256, 32, 8 and 4 rows.
        let batch: Vec<(&str, &PublicAnswer)> = tokens[..300]
            .iter()
            .map(|(h, _)| (h.as_str(), &a))
            .collect();
        let out = w.answer_batch(&batch).await.unwrap();
        assert_eq!(out.len(), 300);
        for (i, r) in out.iter().enumerate() {
            assert_eq!(*r, recorded(if i % 2 == 0 { "A" } else { "B" }), "{i}");
        }
        // Seen at once by the shared pool: the same codes are used there.
        let again = db.answer_batch_with_tokens(&batch[..40]).await.unwrap();
        assert!(again.iter().all(|r| *r == TokenAnswer::Used));
        assert_eq!(
            db.answer_with_token(&tokens[299].0, &a).await.unwrap(),
            TokenAnswer::Used
        );
        assert_eq!(stored(&db, &one).await, (300, 300));
        // A token of another batch, used once more through the writer: refused.
        assert_eq!(
            w.answer_one(&tokens[0].0, &a).await.unwrap(),
            TokenAnswer::Used
        );
        if !sqlite {
            assert_eq!(db.checkpoint_wal().await.unwrap(), None);
            assert!(w.checkpointer().await.unwrap().is_none());
            w.close().await;
            return;
        }
        // The writer's commits left their frames in the WAL; a passive checkpoint on the
        // checkpointer's own connection copies them all (nothing else is reading).
        let mut ck = w
            .checkpointer()
            .await
            .unwrap()
            .expect("a SQLite writer's checkpointer");
        let (log, done) = ck.checkpoint().await.unwrap().unwrap();
        assert!(log > 0, "the batch's frames are in the WAL");
        assert_eq!(done, log);
        // Everything copied: the writer's next transaction starts the WAL again from its
        // beginning, so it then holds only that transaction's frames.
        let one_more = [(tokens[300].0.as_str(), &a)];
        assert_eq!(w.answer_batch(&one_more).await.unwrap(), [recorded("A")]);
        let (after, done) = ck.checkpoint().await.unwrap().unwrap();
        assert!(after > 0 && after < log, "{after} frames, {log} before");
        assert_eq!(done, after);
        // The same through the pool: nothing left to copy.
        assert_eq!(db.checkpoint_wal().await.unwrap(), Some((after, after)));
        ck.close().await;
        assert_eq!(stored(&db, &one).await, (301, 301));
        w.close().await;
    }
);
