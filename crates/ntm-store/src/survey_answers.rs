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

use std::collections::{HashMap, HashSet};

use sea_query::{Expr, ExprTrait, InsertStatement, Query};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::db::{Db, Result, sql};
use crate::surveys::{NewSurveyAnswer, TokenAnswer, insert_answer};

/// Most tokens named in one statement of a group commit (the writer's batch is smaller).
const TOKENS_PER_STATEMENT: usize = 512;
/// Rows per multi-row `INSERT` of answers (9 columns: 4,500 parameters, under SQLite's and
/// PostgreSQL's limits).
const ANSWERS_PER_INSERT: usize = 500;

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

/// The tokens of `pairs` grouped by campaign, in the order first given.
fn by_campaign<'a>(pairs: &[(Uuid, &'a str)]) -> Vec<(Uuid, Vec<&'a str>)> {
    let mut out: Vec<(Uuid, Vec<&'a str>)> = Vec::new();
    for (c, h) in pairs {
        match out.iter_mut().find(|(k, _)| k == c) {
            Some((_, v)) => v.push(h),
            None => out.push((*c, vec![h])),
        }
    }
    out
}

/// The tokens of an `IN (…)` list, padded to a power of two by repeating the last one (the
/// same rows match): a few distinct statements instead of one per batch size, so the
/// connection's prepared-statement cache keeps them.
fn padded(chunk: &[&str]) -> Vec<String> {
    let n = chunk.len().next_power_of_two();
    let last = chunk.last().copied().unwrap_or_default();
    chunk
        .iter()
        .copied()
        .chain(std::iter::repeat_n(last, n - chunk.len()))
        .map(str::to_owned)
        .collect()
}

/// One multi-row `INSERT` of answers.
fn insert_answers(rows: &[NewSurveyAnswer]) -> InsertStatement {
    let mut q = Query::insert();
    q.into_table("survey_answers").columns([
        "id",
        "campaign_id",
        "household_key",
        "hamlet_code",
        "answer",
        "extra",
        "channel",
        "created_at",
        "contents",
    ]);
    for a in rows {
        q.values_panic([
            a.id.into(),
            a.campaign_id.into(),
            a.household_key.as_str().into(),
            a.hamlet_code.as_str().into(),
            a.answer.as_str().into(),
            a.extra.as_str().into(),
            a.channel.as_str().into(),
            a.created_at.into(),
            a.contents.as_str().into(),
        ]);
    }
    q
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
    /// the same batch — gives `Used`, an unknown one `Unknown`). The whole batch takes a few
    /// statements, not two per answer: one `UPDATE … WHERE NOT used AND token_hash IN (…)
    /// RETURNING` per campaign marks its tokens (the database still decides which are
    /// unused), one `SELECT` tells used from unknown for the tokens it did not mark, and the
    /// answers go in with multi-row `INSERT`s in the order of their random ids. Any
    /// database error fails the whole batch and writes nothing; the caller then retries one
    /// by one.
    ///
    /// On PostgreSQL the batch is still two statements per answer in its one transaction
    /// ([`Db::answer_batch_statement_by_statement`]): there the few-statement batch took
    /// fewer answers per second in the benchmark (docs/perf.md, issue 18), on SQLite more.
    pub async fn answer_batch_with_tokens(
        &self,
        items: &[(&str, &PublicAnswer)],
    ) -> Result<Vec<TokenAnswer>> {
        if self.backend() == crate::Backend::Postgres {
            return self.answer_batch_statement_by_statement(items).await;
        }
        let mut tx = self.begin().await?;
        // Each (campaign, token) once, in the order first given.
        let mut wanted: Vec<(Uuid, &str)> = Vec::with_capacity(items.len());
        let mut seen = HashSet::with_capacity(items.len());
        for (h, a) in items {
            if seen.insert((a.campaign_id, *h)) {
                wanted.push((a.campaign_id, *h));
            }
        }
        let mut marked: HashMap<(Uuid, String), String> = HashMap::with_capacity(wanted.len());
        for (campaign_id, hashes) in by_campaign(&wanted) {
            for chunk in hashes.chunks(TOKENS_PER_STATEMENT) {
                let mut q = Query::update();
                q.table("survey_tokens")
                    .value("used", true)
                    .and_where(Expr::col("campaign_id").eq(campaign_id))
                    .and_where(Expr::col("token_hash").is_in(padded(chunk)))
                    .and_where(Expr::col("used").not())
                    .returning(Query::returning().columns(["token_hash", "hamlet_code"]));
                let rows: Vec<(String, String)> = tx.fetch_all(&q).await?;
                marked.extend(
                    rows.into_iter()
                        .map(|(h, hamlet)| ((campaign_id, h), hamlet)),
                );
            }
        }
        // Tokens not marked now: used before, or not of the campaign.
        let unmarked: Vec<(Uuid, &str)> = wanted
            .iter()
            .filter(|(c, h)| !marked.contains_key(&(*c, (*h).to_owned())))
            .copied()
            .collect();
        let mut known: HashSet<(Uuid, String)> = HashSet::new();
        for (campaign_id, hashes) in by_campaign(&unmarked) {
            for chunk in hashes.chunks(TOKENS_PER_STATEMENT) {
                let mut q = Query::select();
                q.column("token_hash")
                    .from("survey_tokens")
                    .and_where(Expr::col("campaign_id").eq(campaign_id))
                    .and_where(Expr::col("token_hash").is_in(padded(chunk)));
                let rows: Vec<(String,)> = tx.fetch_all(&q).await?;
                known.extend(rows.into_iter().map(|(h,)| (campaign_id, h)));
            }
        }
        let mut out = Vec::with_capacity(items.len());
        let mut rows = Vec::with_capacity(marked.len());
        let mut recorded = HashSet::with_capacity(marked.len());
        for (h, a) in items {
            let key = (a.campaign_id, (*h).to_owned());
            // The first answer with a token marked now is recorded; any later one with the
            // same token finds it used, as if they had come one after the other.
            if let Some(hamlet_code) = marked.remove(&key) {
                rows.push(stored(a, "token", &hamlet_code));
                out.push(TokenAnswer::Recorded { hamlet_code });
                recorded.insert(key);
            } else if known.contains(&key) || recorded.contains(&key) {
                out.push(TokenAnswer::Used);
            } else {
                out.push(TokenAnswer::Unknown);
            }
        }
        rows.sort_by_key(|r| r.id);
        for chunk in rows.chunks(ANSWERS_PER_INSERT) {
            tx.execute(&insert_answers(chunk)).await?;
        }
        tx.commit().await?;
        Ok(out)
    }

    /// The group commit with two statements per answer (`UPDATE … RETURNING`, then the
    /// answers' `INSERT`s in the order of their random ids), in one transaction: what
    /// [`Db::answer_batch_with_tokens`] does on PostgreSQL.
    async fn answer_batch_statement_by_statement(
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
