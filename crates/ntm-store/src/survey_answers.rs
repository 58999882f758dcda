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
//! - a group commit inserts its answers in the order of their random ids, not of arrival;
//! - the table is kept in the order answers are counted, (campaign, hamlet, answer, random
//!   id) (migration 0034), so inside a hamlet and answer the rows are in a random order, and
//!   an answer is written at one place of the table, not also in a household index (which
//!   holds only paper forms' `h:` keys, the keys that can repeat) nor a tally index.
//!
//! Both rows still carry the hamlet (results are counted per hamlet), so an answer can be
//! told apart only from the other answers of its hamlet, campaign and day.

use std::collections::{HashMap, HashSet};

use sea_query::{Expr, ExprTrait, InsertStatement, Query};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::db::{Db, Result, TxOn, sql};
use crate::surveys::{NewSurveyAnswer, TokenAnswer, insert_answer};

/// Most tokens named in one statement of a group commit (the writer's batch is smaller).
const TOKENS_PER_STATEMENT: usize = 512;
/// Most rows per multi-row `INSERT` of answers (9 columns: 2,304 parameters, under SQLite's
/// and PostgreSQL's limits). A power of two: see [`pow2_chunks`].
const ANSWERS_PER_INSERT: usize = 256;

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

/// `items` cut into chunks whose sizes are powers of two, largest first, none over `max`
/// (itself a power of two): 300 rows are 256 + 32 + 8 + 4. The text of a multi-row
/// `INSERT` depends on its number of rows, and a connection prepares (and caches) each
/// text once: so at most `log2(max) + 1` statements, not one per batch size.
fn pow2_chunks<T>(items: &[T], max: usize) -> impl Iterator<Item = &[T]> {
    let mut rest = items;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let n = if rest.len() >= max {
            max
        } else {
            1 << rest.len().ilog2()
        };
        let (chunk, tail) = rest.split_at(n);
        rest = tail;
        Some(chunk)
    })
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
    tx: &mut TxOn<'_>,
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

/// The few-statement group commit of [`Db::answer_batch_with_tokens`] in `tx`, committed.
async fn few_statements(
    mut tx: TxOn<'_>,
    items: &[(&str, &PublicAnswer)],
) -> Result<Vec<TokenAnswer>> {
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
    for chunk in pow2_chunks(&rows, ANSWERS_PER_INSERT) {
        tx.execute(&insert_answers(chunk)).await?;
    }
    tx.commit().await?;
    Ok(out)
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
    /// The same on both engines. On PostgreSQL it took fewer answers per second than two
    /// statements per answer while every batch size was a new `INSERT` text to prepare;
    /// with the `INSERT`s in power-of-two sizes ([`pow2_chunks`]) and the writer's own
    /// connection it is the faster one there too (docs/perf.md, issue 18 item 4).
    pub async fn answer_batch_with_tokens(
        &self,
        items: &[(&str, &PublicAnswer)],
    ) -> Result<Vec<TokenAnswer>> {
        few_statements(self.begin().await?, items).await
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

/// The connection of the survey writer's group commit, not shared with other queries:
/// see [`Db::answer_writer`].
pub struct AnswerWriter {
    shared: Db,
    wal_frames: u32,
    own: Option<Own>,
    /// Open a connection of its own (again, after one failed a batch).
    wanted: bool,
}

enum Own {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl Db {
    /// The survey writer's handle (the group commit of slip answers): a connection of its
    /// own, outside the pool, opened as the pool's are — on SQLite the same file,
    /// `synchronous` and busy timeout. Why: every statement of a batch goes to that one
    /// connection with no pool in between (no acquire, no ping, no hand-back task), its
    /// prepared statements and, on SQLite, its page cache stay warm (a pooled SQLite
    /// connection finds its cache discarded whenever another connection wrote since its
    /// last use), and the batch never waits for a reader's connection nor a reader for it.
    ///
    /// On SQLite its commits checkpoint the WAL only once it holds `wal_frames` frames
    /// (`wal_autocheckpoint`; the pool's connections keep SQLite's 1,000): the caller copies
    /// the WAL in the background with [`AnswerWriter::checkpointer`] (or
    /// [`Db::checkpoint_wal`] on the pool), so the checkpoint
    /// that one of its commits then runs has little left to copy and lets the next write
    /// start the WAL again from its beginning (which bounds the file). SQLite not in WAL
    /// mode (in memory) has no connection of its own: the batches go through the pool.
    pub async fn answer_writer(&self, wal_frames: u32) -> Result<AnswerWriter> {
        let wanted = match self {
            Db::Sqlite(p, _) => {
                let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode").fetch_one(p).await?;
                mode.eq_ignore_ascii_case("wal")
            }
            Db::Postgres(_) => true,
        };
        let mut w = AnswerWriter {
            shared: self.clone(),
            wal_frames,
            own: None,
            wanted,
        };
        w.open().await?;
        Ok(w)
    }
}

impl AnswerWriter {
    async fn open(&mut self) -> Result<()> {
        use sqlx::ConnectOptions;
        if !self.wanted || self.own.is_some() {
            return Ok(());
        }
        self.own = Some(match &self.shared {
            Db::Sqlite(p, _) => Own::Sqlite(
                (*p.connect_options())
                    .clone()
                    .pragma("wal_autocheckpoint", self.wal_frames.to_string())
                    .pragma("cache_size", "-65536")
                    .connect()
                    .await?,
            ),
            Db::Postgres(p) => Own::Postgres(p.connect_options().connect().await?),
        });
        Ok(())
    }

    /// Whether the WAL needs checkpoints from elsewhere ([`AnswerWriter::checkpointer`]):
    /// this writer has a SQLite connection of its own.
    pub fn checkpoints_wanted(&self) -> bool {
        matches!(self.own, Some(Own::Sqlite(_)))
    }

    /// [`Db::answer_batch_with_tokens`] on the writer's connection. A connection that
    /// fails a batch is closed; the next batch opens another (through the pool meanwhile
    /// if that fails).
    pub async fn answer_batch(
        &mut self,
        items: &[(&str, &PublicAnswer)],
    ) -> Result<Vec<TokenAnswer>> {
        if self.own.is_none() && self.open().await.is_err() {
            return self.shared.answer_batch_with_tokens(items).await;
        }
        let r = match &mut self.own {
            None => return self.shared.answer_batch_with_tokens(items).await,
            Some(Own::Sqlite(c)) => {
                use sqlx::Connection;
                match c.begin_with("BEGIN IMMEDIATE").await {
                    Ok(tx) => few_statements(TxOn::Sqlite(tx, None), items).await,
                    Err(e) => Err(e.into()),
                }
            }
            Some(Own::Postgres(c)) => {
                use sqlx::Connection;
                match c.begin().await {
                    Ok(tx) => few_statements(TxOn::Postgres(tx), items).await,
                    Err(e) => Err(e.into()),
                }
            }
        };
        if r.is_err() {
            self.own = None;
        }
        r
    }

    /// One answer alone (the writer's retry after a failed batch).
    pub async fn answer_one(&mut self, token_hash: &str, a: &PublicAnswer) -> Result<TokenAnswer> {
        let mut r = self.answer_batch(&[(token_hash, a)]).await?;
        r.pop()
            .ok_or_else(|| crate::StoreError::Integrity("a batch of one gave no answer".into()))
    }

    /// A connection of its own for the background checkpoints of this writer's WAL
    /// ([`WalCheckpointer`]), opened as the pool's are: `None` unless the writer has a SQLite
    /// connection of its own ([`AnswerWriter::checkpoints_wanted`]).
    pub async fn checkpointer(&self) -> Result<Option<WalCheckpointer>> {
        use sqlx::ConnectOptions;
        match (&self.shared, &self.own) {
            (Db::Sqlite(p, _), Some(Own::Sqlite(_))) => Ok(Some(WalCheckpointer(
                (*p.connect_options()).clone().connect().await?,
            ))),
            _ => Ok(None),
        }
    }

    /// Closes the writer's own connection.
    pub async fn close(mut self) {
        use sqlx::Connection;
        match self.own.take() {
            Some(Own::Sqlite(c)) => {
                let _ = c.close().await;
            }
            Some(Own::Postgres(c)) => {
                let _ = c.close().await;
            }
            None => {}
        }
    }
}

/// The survey writer's background checkpoints on a SQLite connection of their own: a
/// passive checkpoint copies the WAL into the database file (fsyncs included) while the
/// writer's next batches commit. Its own connection, not the pool's: a pooled query is a
/// pool acquire and a hand-back task on top of the statement, after every batch of the
/// writer; this is the statement alone.
pub struct WalCheckpointer(sqlx::SqliteConnection);

impl WalCheckpointer {
    /// A passive checkpoint: `(frames in the WAL, frames checkpointed)`, as
    /// [`Db::checkpoint_wal`].
    pub async fn checkpoint(&mut self) -> Result<Option<(i64, i64)>> {
        crate::db::passive_checkpoint(&mut self.0).await
    }

    /// Closes its connection.
    pub async fn close(self) {
        use sqlx::Connection;
        let _ = self.0.close().await;
    }
}

#[cfg(test)]
mod tests {
    use super::pow2_chunks;

    #[test]
    fn chunks_are_powers_of_two_and_cover_everything_in_order() {
        let items: Vec<u32> = (0..300).collect();
        let sizes: Vec<usize> = pow2_chunks(&items, 256).map(<[u32]>::len).collect();
        assert_eq!(sizes, [256, 32, 8, 4]);
        let again: Vec<u32> = pow2_chunks(&items, 256).flatten().copied().collect();
        assert_eq!(again, items);
        let sizes: Vec<usize> = pow2_chunks(&items, 128).map(<[u32]>::len).collect();
        assert_eq!(sizes, [128, 128, 32, 8, 4]);
        assert_eq!(pow2_chunks(&items[..1], 256).count(), 1);
        assert_eq!(pow2_chunks(&items[..0], 256).count(), 0);
        let every: std::collections::HashSet<usize> = (1..=600)
            .flat_map(|n| {
                pow2_chunks(&vec![0u8; n], 256)
                    .map(<[u8]>::len)
                    .collect::<Vec<_>>()
            })
            .collect();
        assert!(every.iter().all(|n| n.is_power_of_two() && *n <= 256));
        assert_eq!(every.len(), 9);
    }
}
