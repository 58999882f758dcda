//! Survey campaigns: round trip, status guarded updates, one-time tokens, one answer per
//! household enforced by the database, paper imports all or nothing, append-only answers.

use ntm_domain::text::search_key;
use ntm_domain::units::{Level, Unit};
use ntm_store::{
    Db, NewSurveyAnswer, PhoneAnswer, PublicAnswer, StoreError, SurveyCampaignRecord, TokenAnswer,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entry;

pub fn unit(code: &str, level: Level, parent: Option<&str>, path: &str) -> Unit {
    Unit {
        id: Uuid::now_v7(),
        code: code.into(),
        name: format!("Xã {code}"),
        kind: "Xã".into(),
        level,
        parent_code: parent.map(Into::into),
        path: path.into(),
        province_code: "84".into(),
        region: None,
        valid_from: None,
        valid_to: None,
        search_key: search_key(&format!("Xã {code}")),
    }
}

/// Province 84 and its xã 29374, stored; the xã.
pub async fn commune(db: &Db) -> Unit {
    let p = unit("84", Level::Province, None, "/84/");
    let c = unit("29374", Level::Commune, Some("84"), "/84/29374/");
    db.insert_units(&[p, c.clone()], entry("units", "x"))
        .await
        .unwrap();
    c
}

pub fn campaign(u: &Unit, code: &str) -> SurveyCampaignRecord {
    let now = OffsetDateTime::now_utc();
    SurveyCampaignRecord {
        id: Uuid::now_v7(),
        code: code.into(),
        unit_id: u.id,
        unit_code: u.code.clone(),
        set_id: "xa-ntm-2021-2025".into(),
        year: 2025,
        title: "Lấy ý kiến".into(),
        questionnaire: "{}".into(),
        opens_at: now,
        closes_at: now + time::Duration::days(10),
        status: "draft".into(),
        created_by: "xa".into(),
        created_at: now,
        updated_at: now,
    }
}

fn answer(c: &SurveyCampaignRecord, key: &str, hamlet: &str, a: &str) -> NewSurveyAnswer {
    NewSurveyAnswer {
        id: Uuid::now_v7(),
        campaign_id: c.id,
        household_key: key.into(),
        hamlet_code: hamlet.into(),
        answer: a.into(),
        extra: "[]".into(),
        contents: String::new(),
        channel: "phone".into(),
        created_at: OffsetDateTime::now_utc(),
    }
}

pub fn public(c: &SurveyCampaignRecord, a: &str) -> PublicAnswer {
    PublicAnswer {
        campaign_id: c.id,
        answer: a.into(),
        extra: "[]".into(),
        contents: String::new(),
        day: time::macros::date!(2025 - 10 - 02),
    }
}

ntm_testkit::both_backends!(survey_campaign_tokens_and_answers, |db: Db| async move {
    let c = commune(&db).await;
    let rec = campaign(&c, "ABC123");
    let stored = db
        .insert_survey_campaign(&rec, entry("survey.create", "s"))
        .await
        .unwrap();
    assert_eq!(
        db.survey_campaign_by_code("ABC123").await.unwrap(),
        Some(stored.clone())
    );
    // The code is unique.
    let dup = db
        .insert_survey_campaign(&campaign(&c, "ABC123"), entry("survey.create", "s"))
        .await;
    assert!(matches!(dup, Err(StoreError::Conflict(_))), "{dup:?}");

    // Edits are guarded by the status the editor saw.
    let mut open = stored.clone();
    open.status = "open".into();
    db.update_survey_campaign(&open, "draft", entry("survey.open", "s"))
        .await
        .unwrap();
    let stale = db
        .update_survey_campaign(&open, "draft", entry("survey.edit", "s"))
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");

    // Tokens: one use each.
    db.insert_survey_tokens(
        rec.id,
        &[("h1".into(), "A".into()), ("h2".into(), "B".into())],
        OffsetDateTime::now_utc(),
        entry("survey.tokens", "s"),
    )
    .await
    .unwrap();
    let a1 = public(&rec, "satisfied");
    assert_eq!(
        db.answer_with_token("h1", &a1).await.unwrap(),
        TokenAnswer::Recorded {
            hamlet_code: "A".into()
        }
    );
    assert_eq!(
        db.answer_with_token("h1", &a1).await.unwrap(),
        TokenAnswer::Used
    );
    assert_eq!(
        db.answer_with_token("zz", &a1).await.unwrap(),
        TokenAnswer::Unknown
    );
    // A listed phone household once only.
    db.replace_survey_phones(
        rec.id,
        &[("p:x".into(), "B".into())],
        true,
        "xa",
        OffsetDateTime::now_utc(),
        entry("survey.phones_import", "s"),
    )
    .await
    .unwrap();
    assert_eq!(
        db.answer_with_phone("p:x", &public(&rec, "not_satisfied"))
            .await
            .unwrap(),
        PhoneAnswer::Recorded {
            hamlet_code: "B".into()
        }
    );
    assert_eq!(
        db.answer_with_phone("p:x", &public(&rec, "satisfied"))
            .await
            .unwrap(),
        PhoneAnswer::Used
    );
    assert_eq!(
        db.answer_with_phone("p:y", &public(&rec, "satisfied"))
            .await
            .unwrap(),
        PhoneAnswer::NotListed
    );
    // A new list keeps the numbers that answered marked, even when it leaves them out.
    for list in [vec![("p:x".to_owned(), "A".to_owned())], vec![]] {
        db.replace_survey_phones(
            rec.id,
            &list,
            true,
            "xa",
            OffsetDateTime::now_utc(),
            entry("survey.phones_import", "s"),
        )
        .await
        .unwrap();
        assert_eq!(
            db.answer_with_phone("p:x", &public(&rec, "satisfied"))
                .await
                .unwrap(),
            PhoneAnswer::Used
        );
    }

    // Paper import: all or nothing.
    let bad = db
        .import_survey_answers(
            &[
                answer(&rec, "h:10", "A", "satisfied"),
                answer(&rec, "h:10", "B", "satisfied"),
            ],
            entry("survey.import", "s"),
        )
        .await;
    assert!(matches!(bad, Err(StoreError::Conflict(_))), "{bad:?}");
    assert!(
        db.survey_household_keys(rec.id, "h:")
            .await
            .unwrap()
            .is_empty()
    );
    db.import_survey_answers(
        &[
            answer(&rec, "h:10", "A", "satisfied"),
            answer(&rec, "h:11", "B", "invalid"),
        ],
        entry("survey.import", "s"),
    )
    .await
    .unwrap();
    let mut keys = db.survey_household_keys(rec.id, "h:").await.unwrap();
    keys.sort();
    assert_eq!(keys, ["h:10", "h:11"]);

    let counts: Vec<(String, String, i64)> = db
        .survey_counts(rec.id)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.hamlet_code, c.answer, c.n))
        .collect();
    assert_eq!(
        counts,
        [
            ("A".into(), "satisfied".into(), 2),
            ("B".into(), "invalid".into(), 1),
            ("B".into(), "not_satisfied".into(), 1),
        ]
    );
    let tokens = db.survey_token_counts(rec.id).await.unwrap();
    assert_eq!(
        tokens
            .iter()
            .map(|t| (t.hamlet_code.as_str(), t.issued, t.used))
            .collect::<Vec<_>>(),
        [("A", 1, 1), ("B", 1, 0)]
    );

    // Answers are append-only.
    assert!(
        db.debug_execute_raw("UPDATE survey_answers SET answer = 'satisfied'")
            .await
            .is_err()
    );
    assert!(
        db.debug_execute_raw("DELETE FROM survey_answers")
            .await
            .is_err()
    );

    // The dossier's campaign: the latest closed one of the unit, set and year.
    assert!(
        db.latest_closed_survey_campaign("29374", "xa-ntm-2021-2025", 2025)
            .await
            .unwrap()
            .is_none()
    );
    let mut closed = open.clone();
    closed.status = "closed".into();
    db.update_survey_campaign(&closed, "open", entry("survey.close", "s"))
        .await
        .unwrap();
    let latest = db
        .latest_closed_survey_campaign("29374", "xa-ntm-2021-2025", 2025)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(latest.id, rec.id);
    assert_eq!(db.survey_campaigns_of_unit("29374").await.unwrap().len(), 1);
});

ntm_testkit::both_backends!(survey_contents_and_households, |db: Db| async move {
    let c = commune(&db).await;
    let rec = campaign(&c, "CNT123");
    db.insert_survey_campaign(&rec, entry("survey.create", "s"))
        .await
        .unwrap();
    let with = |key: &str, hamlet: &str, a: &str, contents: &str| NewSurveyAnswer {
        contents: contents.into(),
        ..answer(&rec, key, hamlet, a)
    };
    db.import_survey_answers(
        &[
            with("h:1", "A", "satisfied", "10"),
            with("h:2", "A", "not_satisfied", "10"),
            with("h:3", "A", "satisfied", "1-"),
            with("h:4", "B", "satisfied", ""),
            with("h:5", "B", "invalid", "11"),
        ],
        entry("survey.import", "s"),
    )
    .await
    .unwrap();
    let counts: Vec<(String, String, i64)> = db
        .survey_content_counts(rec.id)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.hamlet_code, c.contents, c.n))
        .collect();
    // Forms without contents and invalid forms are left out.
    assert_eq!(
        counts,
        [("A".into(), "1-".into(), 1), ("A".into(), "10".into(), 2),]
    );

    // Households: replaced as a whole, with the audit entry.
    assert!(db.survey_households(rec.id).await.unwrap().is_empty());
    let now = OffsetDateTime::now_utc();
    db.set_survey_households(
        rec.id,
        &[("A".into(), 120), ("B".into(), 80)],
        "xa",
        now,
        entry("survey.households", "s"),
    )
    .await
    .unwrap();
    db.set_survey_households(
        rec.id,
        &[("A".into(), 125), ("".into(), 300)],
        "xa",
        now,
        entry("survey.households", "s"),
    )
    .await
    .unwrap();
    let rows: Vec<(String, i64)> = db
        .survey_households(rec.id)
        .await
        .unwrap()
        .into_iter()
        .map(|h| (h.hamlet_code, h.households))
        .collect();
    assert_eq!(rows, [("".into(), 300), ("A".into(), 125)]);
    // Negative counts are refused by the database.
    assert!(
        db.set_survey_households(
            rec.id,
            &[("A".into(), -1)],
            "xa",
            now,
            entry("survey.households", "s"),
        )
        .await
        .is_err()
    );
    assert_eq!(db.survey_households(rec.id).await.unwrap().len(), 2);
});
