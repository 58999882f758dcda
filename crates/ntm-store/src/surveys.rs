//! Satisfaction survey campaigns, their one-time tokens (hashes only) and the append-only
//! answers.
//!
//! Officer writes (create, edit, open, close, token issuance, paper imports) carry their
//! audit entry into the same transaction. An online answer is the lean path of
//! `survey_answers.rs` ([`Db::answer_with_token`], [`Db::answer_with_phone`]): one
//! transaction marking the token or number used and inserting an answer that shares no key
//! with it; no audit entry (the answers table is itself append-only). The unique
//! `(campaign_id, household_key)` index refuses a paper household counted twice.

use ntm_domain::audit::NewAuditEntry;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, StoreError, db_time, sql};

/// One stored campaign.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SurveyCampaignRecord {
    pub id: Uuid,
    /// Short public code (`/s/{code}`).
    pub code: String,
    pub unit_id: Uuid,
    pub unit_code: String,
    pub set_id: String,
    pub year: i32,
    pub title: String,
    /// The domain `Questionnaire` as JSON.
    pub questionnaire: String,
    pub opens_at: OffsetDateTime,
    pub closes_at: OffsetDateTime,
    /// `draft`, `open` or `closed`.
    pub status: String,
    pub created_by: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// One answer to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSurveyAnswer {
    pub id: Uuid,
    pub campaign_id: Uuid,
    /// `h:<household id>` (paper forms); `a:<random>` for answers of the public form
    /// (before migration 0017: `t:<token hash>`, `p:<phone hash>`).
    pub household_key: String,
    pub hamlet_code: String,
    /// `satisfied`, `not_satisfied` or `invalid`.
    pub answer: String,
    /// Extra answers, JSON array of strings.
    pub extra: String,
    /// Answers on the questionnaire's contents, one character each (`1`, `0`, `-`); `""`
    /// without contents.
    pub contents: String,
    /// `token`, `phone` or `paper`.
    pub channel: String,
    pub created_at: OffsetDateTime,
}

/// What became of an answer given with a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenAnswer {
    /// Stored; the token's hamlet.
    Recorded { hamlet_code: String },
    /// The token was used already.
    Used,
    /// No such token in this campaign.
    Unknown,
}

/// Count of answers of one kind in one hamlet.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SurveyCount {
    pub hamlet_code: String,
    pub answer: String,
    pub n: i64,
}

/// Count of answers with the same content answers in one hamlet (valid main answers only).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SurveyContentCount {
    pub hamlet_code: String,
    pub contents: String,
    pub n: i64,
}

/// Households of one hamlet of a campaign (`hamlet_code` '' = the campaign's total).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SurveyHouseholds {
    pub hamlet_code: String,
    pub households: i64,
}

/// Tokens issued and used in one hamlet.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenCount {
    pub hamlet_code: String,
    pub issued: i64,
    pub used: i64,
}

macro_rules! campaign_cols {
    () => {
        "id, code, unit_id, unit_code, set_id, year, title, questionnaire, opens_at, closes_at, \
         status, created_by, created_at, updated_at"
    };
}

fn normalized(c: &SurveyCampaignRecord) -> SurveyCampaignRecord {
    SurveyCampaignRecord {
        opens_at: db_time(c.opens_at),
        closes_at: db_time(c.closes_at),
        created_at: db_time(c.created_at),
        updated_at: db_time(c.updated_at),
        ..c.clone()
    }
}

impl Db {
    /// Stores a new campaign with its audit entry. `Conflict` when the code is taken.
    pub async fn insert_survey_campaign(
        &self,
        c: &SurveyCampaignRecord,
        audit: NewAuditEntry,
    ) -> Result<SurveyCampaignRecord> {
        let mut tx = self.begin().await?;
        tx.execute(sql!(
            concat!(
                "INSERT INTO survey_campaigns (",
                campaign_cols!(),
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
            ),
            c.id,
            c.code.as_str(),
            c.unit_id,
            c.unit_code.as_str(),
            c.set_id.as_str(),
            c.year,
            c.title.as_str(),
            c.questionnaire.as_str(),
            c.opens_at,
            c.closes_at,
            c.status.as_str(),
            c.created_by.as_str(),
            c.created_at,
            c.updated_at,
        ))
        .await
        .map_err(|e| e.conflict_as(|| format!("survey code {} is taken", c.code)))?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(normalized(c))
    }

    /// One campaign by its short code.
    pub async fn survey_campaign_by_code(
        &self,
        code: &str,
    ) -> Result<Option<SurveyCampaignRecord>> {
        self.fetch_optional(sql!(
            concat!(
                "SELECT ",
                campaign_cols!(),
                " FROM survey_campaigns WHERE code = $1"
            ),
            code
        ))
        .await
    }

    /// Campaigns of a unit code, newest first.
    pub async fn survey_campaigns_of_unit(
        &self,
        unit_code: &str,
    ) -> Result<Vec<SurveyCampaignRecord>> {
        self.fetch_all(sql!(
            concat!(
                "SELECT ",
                campaign_cols!(),
                " FROM survey_campaigns WHERE unit_code = $1 ORDER BY created_at DESC, id"
            ),
            unit_code
        ))
        .await
    }

    /// The latest closed campaign of a unit code, set and year (what a dossier uses).
    pub async fn latest_closed_survey_campaign(
        &self,
        unit_code: &str,
        set_id: &str,
        year: i32,
    ) -> Result<Option<SurveyCampaignRecord>> {
        self.fetch_optional(sql!(
            concat!(
                "SELECT ",
                campaign_cols!(),
                " FROM survey_campaigns WHERE unit_code = $1 AND set_id = $2 AND year = $3 \
                 AND status = 'closed' ORDER BY updated_at DESC, id DESC LIMIT 1"
            ),
            unit_code,
            set_id,
            year
        ))
        .await
    }

    /// Rewrites a campaign's editable fields while it is still in `expected_status`.
    /// `Conflict` when its status changed meanwhile; `NotFound` when there is none.
    pub async fn update_survey_campaign(
        &self,
        c: &SurveyCampaignRecord,
        expected_status: &str,
        audit: NewAuditEntry,
    ) -> Result<SurveyCampaignRecord> {
        let mut tx = self.begin().await?;
        let n = tx
            .execute(sql!(
                "UPDATE survey_campaigns SET title = $1, questionnaire = $2, opens_at = $3, \
                 closes_at = $4, status = $5, updated_at = $6 WHERE id = $7 AND status = $8",
                c.title.as_str(),
                c.questionnaire.as_str(),
                c.opens_at,
                c.closes_at,
                c.status.as_str(),
                c.updated_at,
                c.id,
                expected_status,
            ))
            .await?;
        if n == 0 {
            let exists: Option<(String,)> = tx
                .fetch_optional(sql!(
                    "SELECT status FROM survey_campaigns WHERE id = $1",
                    c.id
                ))
                .await?;
            return Err(match exists {
                None => StoreError::NotFound,
                Some((s,)) => StoreError::Conflict(format!(
                    "the campaign is {s} now, not {expected_status}: reload the page"
                )),
            });
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(normalized(c))
    }

    /// Stores token hashes `(hash, hamlet code)` with one audit entry, all or nothing.
    pub async fn insert_survey_tokens(
        &self,
        campaign_id: Uuid,
        tokens: &[(String, String)],
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        for (hash, hamlet) in tokens {
            tx.execute(sql!(
                "INSERT INTO survey_tokens (campaign_id, token_hash, hamlet_code, issued_at) \
                 VALUES ($1, $2, $3, $4)",
                campaign_id,
                hash.as_str(),
                hamlet.as_str(),
                at,
            ))
            .await
            .map_err(|e| e.conflict_as(|| "a token was issued twice: try again".into()))?;
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Paper forms, all or nothing, with one audit entry. `Conflict` naming the household
    /// when one has answered already (nothing is written).
    pub async fn import_survey_answers(
        &self,
        answers: &[NewSurveyAnswer],
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        for a in answers {
            insert_answer(&mut tx, a).await.map_err(|e| {
                e.conflict_as(|| format!("household {} has answered already", a.household_key))
            })?;
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Household keys of a campaign that start with `prefix` (`h:` for paper forms).
    pub async fn survey_household_keys(
        &self,
        campaign_id: Uuid,
        prefix: &str,
    ) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = self
            .fetch_all(sql!(
                "SELECT household_key FROM survey_answers WHERE campaign_id = $1 \
                 AND substr(household_key, 1, 2) = $2",
                campaign_id,
                prefix,
            ))
            .await?;
        Ok(rows.into_iter().map(|(k,)| k).collect())
    }

    /// Answers counted per hamlet and answer.
    pub async fn survey_counts(&self, campaign_id: Uuid) -> Result<Vec<SurveyCount>> {
        self.fetch_all(sql!(
            "SELECT hamlet_code, answer, COUNT(*) AS n FROM survey_answers \
             WHERE campaign_id = $1 GROUP BY hamlet_code, answer ORDER BY hamlet_code, answer",
            campaign_id
        ))
        .await
    }

    /// Forms counted per hamlet and content answers (forms without contents, and invalid
    /// forms, left out).
    pub async fn survey_content_counts(
        &self,
        campaign_id: Uuid,
    ) -> Result<Vec<SurveyContentCount>> {
        self.fetch_all(sql!(
            "SELECT hamlet_code, contents, COUNT(*) AS n FROM survey_answers \
             WHERE campaign_id = $1 AND contents <> '' AND answer <> 'invalid' \
             GROUP BY hamlet_code, contents ORDER BY hamlet_code, contents",
            campaign_id
        ))
        .await
    }

    /// Households entered for a campaign, by hamlet code.
    pub async fn survey_households(&self, campaign_id: Uuid) -> Result<Vec<SurveyHouseholds>> {
        self.fetch_all(sql!(
            "SELECT hamlet_code, households FROM survey_households WHERE campaign_id = $1 \
             ORDER BY hamlet_code",
            campaign_id
        ))
        .await
    }

    /// Replaces the households entered for a campaign (all rows at once) with its audit
    /// entry, in one transaction.
    pub async fn set_survey_households(
        &self,
        campaign_id: Uuid,
        rows: &[(String, i64)],
        by: &str,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.execute(sql!(
            "DELETE FROM survey_households WHERE campaign_id = $1",
            campaign_id
        ))
        .await?;
        for (hamlet, n) in rows {
            tx.execute(sql!(
                "INSERT INTO survey_households (campaign_id, hamlet_code, households, \
                 updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)",
                campaign_id,
                hamlet.as_str(),
                *n,
                by,
                at,
            ))
            .await?;
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Tokens issued and used per hamlet.
    pub async fn survey_token_counts(&self, campaign_id: Uuid) -> Result<Vec<TokenCount>> {
        self.fetch_all(sql!(
            "SELECT hamlet_code, COUNT(*) AS issued, COUNT(CASE WHEN used THEN 1 END) AS used \
             FROM survey_tokens \
             WHERE campaign_id = $1 GROUP BY hamlet_code ORDER BY hamlet_code",
            campaign_id
        ))
        .await
    }
}

pub(crate) async fn insert_answer(tx: &mut crate::db::TxOn<'_>, a: &NewSurveyAnswer) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO survey_answers (id, campaign_id, household_key, hamlet_code, answer, extra, \
         channel, created_at, contents) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        a.id,
        a.campaign_id,
        a.household_key.as_str(),
        a.hamlet_code.as_str(),
        a.answer.as_str(),
        a.extra.as_str(),
        a.channel.as_str(),
        a.created_at,
        a.contents.as_str(),
    ))
    .await?;
    Ok(())
}
