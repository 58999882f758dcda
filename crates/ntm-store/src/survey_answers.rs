//! The public answer paths of surveys (a slip code or a listed phone number), written so
//! that a dump of the database cannot link an answer to its slip, its number or its
//! household (security review, issue 14 finding 6; migration 0017):
//!
//! - the slip's token (or the listed number) is marked `used` — a flag, no time — and the
//!   answer is inserted in the **same transaction**; "answered once" is the
//!   `UPDATE … WHERE NOT used`, not a key shared by both rows;
//! - the answer gets a random id (UUID v4) and a random household key `a:<id>`, generated
//!   here, so nothing stored with it equals or derives from the token hash or phone key;
//! - its only time is its day ([`PublicAnswer::day`], UTC+7), stored as midnight UTC;
//! - a group commit inserts its answers in the order of their random ids, not of arrival.
//!
//! Both rows still carry the hamlet (results are counted per hamlet), so an answer can be
//! told apart only from the other answers of its hamlet, campaign and day.

use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::db::{Db, Result, sql};
use crate::surveys::{NewSurveyAnswer, TokenAnswer, insert_answer};

/// An answer given on the public form. The store chooses its id and household key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicAnswer {
    pub campaign_id: Uuid,
    /// `satisfied`, `not_satisfied` or `invalid`.
    pub answer: String,
    /// Extra answers, JSON array of strings.
    pub extra: String,
    /// Answers on the questionnaire's contents, one character each (`1`, `0`, `-`).
    pub contents: String,
    /// The day it was given (in Vietnam, UTC+7): the only time kept.
    pub day: Date,
}

/// What became of an answer given with a listed phone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneAnswer {
    /// Stored; the hamlet the list gives for the number.
    Recorded { hamlet_code: String },
    /// The number has answered already.
    Used,
    /// The number is not on the campaign's list.
    NotListed,
}

/// The stored time of an answer given on `day`.
pub fn answer_time(day: Date) -> OffsetDateTime {
    day.midnight().assume_utc()
}

fn stored(a: &PublicAnswer, channel: &str, hamlet_code: &str) -> NewSurveyAnswer {
    let id = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
    NewSurveyAnswer {
        id,
        campaign_id: a.campaign_id,
        household_key: format!("a:{}", id.simple()),
        hamlet_code: hamlet_code.to_owned(),
        answer: a.answer.clone(),
        extra: a.extra.clone(),
        contents: a.contents.clone(),
        channel: channel.to_owned(),
        created_at: answer_time(a.day),
    }
}

/// Marks the token used; its hamlet when it was unused, else whether it exists.
async fn use_token(
    tx: &mut crate::db::Tx,
    campaign_id: Uuid,
    token_hash: &str,
) -> Result<std::result::Result<String, TokenAnswer>> {
    let row: Option<(String,)> = tx
        .fetch_optional(sql!(
            "UPDATE survey_tokens SET used = $1 WHERE campaign_id = $2 AND token_hash = $3 \
             AND NOT used RETURNING hamlet_code",
            true,
            campaign_id,
            token_hash,
        ))
        .await?;
    if let Some((hamlet,)) = row {
        return Ok(Ok(hamlet));
    }
    let known: Option<(String,)> = tx
        .fetch_optional(sql!(
            "SELECT hamlet_code FROM survey_tokens WHERE campaign_id = $1 AND token_hash = $2",
            campaign_id,
            token_hash,
        ))
        .await?;
    Ok(Err(if known.is_some() {
        TokenAnswer::Used
    } else {
        TokenAnswer::Unknown
    }))
}

impl Db {
    /// The lean public path for a slip: marks the token used and inserts the answer (in
    /// the token's hamlet, with a random id and key, dated by its day) in one transaction.
    pub async fn answer_with_token(
        &self,
        token_hash: &str,
        a: &PublicAnswer,
    ) -> Result<TokenAnswer> {
        let mut tx = self.begin().await?;
        let hamlet_code = match use_token(&mut tx, a.campaign_id, token_hash).await? {
            Ok(h) => h,
            Err(refused) => return Ok(refused),
        };
        insert_answer(&mut tx, &stored(a, "token", &hamlet_code)).await?;
        tx.commit().await?;
        Ok(TokenAnswer::Recorded { hamlet_code })
    }

    /// Group commit of slip answers: every answer of `items` in ONE transaction, each with
    /// the same checks as [`Db::answer_with_token`] (a token already used — also earlier in
    /// the same batch — gives `Used`, an unknown one `Unknown`). The answers are inserted
    /// after all the tokens are marked, in the order of their random ids. Any database
    /// error fails the whole batch and writes nothing; the caller then retries one by one.
    pub async fn answer_batch_with_tokens(
        &self,
        items: &[(&str, &PublicAnswer)],
    ) -> Result<Vec<TokenAnswer>> {
        let mut tx = self.begin().await?;
        let mut out = Vec::with_capacity(items.len());
        let mut rows = Vec::with_capacity(items.len());
        for (token_hash, a) in items {
            match use_token(&mut tx, a.campaign_id, token_hash).await? {
                Ok(hamlet_code) => {
                    rows.push(stored(a, "token", &hamlet_code));
                    out.push(TokenAnswer::Recorded { hamlet_code });
                }
                Err(refused) => out.push(refused),
            }
        }
        rows.sort_by_key(|r| r.id);
        for r in &rows {
            insert_answer(&mut tx, r).await?;
        }
        tx.commit().await?;
        Ok(out)
    }

    /// The public path for a listed phone number (`phone_key`: its keyed hash): marks the
    /// number used on the campaign's list and inserts the answer in the list's hamlet, in
    /// one transaction.
    pub async fn answer_with_phone(
        &self,
        phone_key: &str,
        a: &PublicAnswer,
    ) -> Result<PhoneAnswer> {
        let mut tx = self.begin().await?;
        let row: Option<(String,)> = tx
            .fetch_optional(sql!(
                "UPDATE survey_phones SET used = $1 WHERE campaign_id = $2 AND phone_key = $3 \
                 AND NOT used RETURNING hamlet_code",
                true,
                a.campaign_id,
                phone_key,
            ))
            .await?;
        let Some((hamlet_code,)) = row else {
            let known: Option<(String,)> = tx
                .fetch_optional(sql!(
                    "SELECT hamlet_code FROM survey_phones WHERE campaign_id = $1 \
                     AND phone_key = $2",
                    a.campaign_id,
                    phone_key,
                ))
                .await?;
            return Ok(if known.is_some() {
                PhoneAnswer::Used
            } else {
                PhoneAnswer::NotListed
            });
        };
        insert_answer(&mut tx, &stored(a, "phone", &hamlet_code)).await?;
        tx.commit().await?;
        Ok(PhoneAnswer::Recorded { hamlet_code })
    }
}
