//! Household phone lists of survey campaigns: whether phone answers are enabled, and the
//! keyed hashes of the numbers allowed (with their hamlet).

use ntm_domain::audit::NewAuditEntry;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, StoreError, sql};

/// A campaign's phone list: enabled or not, how many numbers, who changed it last.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SurveyPhoneList {
    pub enabled: bool,
    pub phones: i64,
    pub updated_by: String,
    pub updated_at: OffsetDateTime,
}

impl Db {
    pub async fn survey_phone_list(&self, campaign_id: Uuid) -> Result<Option<SurveyPhoneList>> {
        self.fetch_optional(sql!(
            "SELECT enabled, phones, updated_by, updated_at FROM survey_phone_lists \
             WHERE campaign_id = $1",
            campaign_id
        ))
        .await
    }

    /// The hamlet of a listed number (by its key), if the number is on the list (used or
    /// not).
    pub async fn survey_phone_hamlet(
        &self,
        campaign_id: Uuid,
        phone_key: &str,
    ) -> Result<Option<String>> {
        let row: Option<(String,)> = self
            .fetch_optional(sql!(
                "SELECT hamlet_code FROM survey_phones WHERE campaign_id = $1 AND phone_key = $2",
                campaign_id,
                phone_key
            ))
            .await?;
        Ok(row.map(|(h,)| h))
    }

    /// Whether a listed number has answered (`None`: not on the list).
    pub async fn survey_phone_used(
        &self,
        campaign_id: Uuid,
        phone_key: &str,
    ) -> Result<Option<bool>> {
        let row: Option<(bool,)> = self
            .fetch_optional(sql!(
                "SELECT used FROM survey_phones WHERE campaign_id = $1 AND phone_key = $2",
                campaign_id,
                phone_key
            ))
            .await?;
        Ok(row.map(|(u,)| u))
    }

    /// Replaces the list `(phone key, hamlet code)` and sets `enabled`, with the audit
    /// entry, all or nothing. Numbers that have answered stay marked `used` (kept even when
    /// the new list leaves them out), so a new list never lets a number answer twice.
    pub async fn replace_survey_phones(
        &self,
        campaign_id: Uuid,
        rows: &[(String, String)],
        enabled: bool,
        by: &str,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut seen = std::collections::BTreeSet::new();
        if !rows.iter().all(|(key, _)| seen.insert(key.as_str())) {
            return Err(StoreError::Conflict(
                "a phone number is twice on the list".into(),
            ));
        }
        let mut tx = self.begin().await?;
        tx.execute(sql!(
            "DELETE FROM survey_phones WHERE campaign_id = $1 AND NOT used",
            campaign_id
        ))
        .await?;
        for (key, hamlet) in rows {
            tx.execute(sql!(
                "INSERT INTO survey_phones (campaign_id, phone_key, hamlet_code) \
                 VALUES ($1, $2, $3) ON CONFLICT (campaign_id, phone_key) DO NOTHING",
                campaign_id,
                key.as_str(),
                hamlet.as_str()
            ))
            .await?;
        }
        upsert_list(
            &mut tx,
            campaign_id,
            enabled,
            Some(rows.len() as i64),
            by,
            at,
        )
        .await?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }

    /// Turns phone answers on or off (the list stays), with the audit entry.
    pub async fn set_survey_phones_enabled(
        &self,
        campaign_id: Uuid,
        enabled: bool,
        by: &str,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        upsert_list(&mut tx, campaign_id, enabled, None, by, at).await?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }
}

async fn upsert_list(
    tx: &mut crate::db::Tx,
    campaign_id: Uuid,
    enabled: bool,
    phones: Option<i64>,
    by: &str,
    at: OffsetDateTime,
) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO survey_phone_lists (campaign_id, enabled, phones, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (campaign_id) DO UPDATE SET \
         enabled = excluded.enabled, \
         phones = CASE WHEN $6 THEN excluded.phones ELSE survey_phone_lists.phones END, \
         updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        campaign_id,
        enabled,
        phones.unwrap_or(0),
        by,
        at,
        phones.is_some()
    ))
    .await?;
    Ok(())
}
