//! Login sessions (looked up by the hash of their token) and failed-login counting.

use ntm_domain::audit::NewAuditEntry;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, sql};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRecord {
    pub token_hash: String,
    pub user_id: Uuid,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub origin: String,
}

impl Db {
    pub async fn insert_session(&self, s: &SessionRecord, audit: NewAuditEntry) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.execute(sql!(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at, origin) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            s.token_hash.as_str(),
            s.user_id,
            s.created_at,
            s.expires_at,
            s.last_seen_at,
            s.origin.as_str(),
        ))
        .await
        .map_err(|e| e.conflict_as(|| "session already exists".into()))?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }

    /// The session with this token hash, expired or not (the caller decides).
    pub async fn session_by_hash(&self, token_hash: &str) -> Result<Option<SessionRecord>> {
        self.fetch_optional(sql!(
            "SELECT token_hash, user_id, created_at, expires_at, last_seen_at, origin \
             FROM sessions WHERE token_hash = $1",
            token_hash
        ))
        .await
    }

    /// Records activity and slides the expiry; false when the session is gone.
    pub async fn touch_session(
        &self,
        token_hash: &str,
        last_seen_at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<bool> {
        let n = self
            .execute(sql!(
                "UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE token_hash = $1",
                token_hash,
                last_seen_at,
                expires_at
            ))
            .await?;
        Ok(n > 0)
    }

    /// Deletes a session (logout), with an audit entry when given; false when it was gone.
    pub async fn delete_session(
        &self,
        token_hash: &str,
        audit: Option<NewAuditEntry>,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let n = tx
            .execute(sql!(
                "DELETE FROM sessions WHERE token_hash = $1",
                token_hash
            ))
            .await?;
        if let Some(a) = audit {
            append_audit_tx(&mut tx, a).await?;
        }
        tx.commit().await?;
        Ok(n > 0)
    }

    /// Deletes every session of a user (after a password change or deactivation).
    pub async fn delete_sessions_of_user(&self, user_id: Uuid) -> Result<u64> {
        self.execute(sql!("DELETE FROM sessions WHERE user_id = $1", user_id))
            .await
    }

    /// Ends every session of a user but `keep` (a token hash), with its audit entry, in one
    /// transaction; returns how many were ended.
    pub async fn revoke_sessions(
        &self,
        user_id: Uuid,
        keep: Option<&str>,
        audit: NewAuditEntry,
    ) -> Result<u64> {
        let mut tx = self.begin().await?;
        let n = crate::users::end_sessions(&mut tx, user_id, keep).await?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// The sessions of a user, newest first (expired ones included until they are pruned).
    pub async fn sessions_of_user(&self, user_id: Uuid) -> Result<Vec<SessionRecord>> {
        self.fetch_all(sql!(
            "SELECT token_hash, user_id, created_at, expires_at, last_seen_at, origin \
             FROM sessions WHERE user_id = $1 ORDER BY created_at DESC",
            user_id
        ))
        .await
    }

    /// Deletes sessions with `expires_at <= now`; returns how many.
    pub async fn delete_expired_sessions(&self, now: OffsetDateTime) -> Result<u64> {
        self.execute(sql!("DELETE FROM sessions WHERE expires_at <= $1", now))
            .await
    }

    pub async fn record_login_failure(&self, key_hash: &str, at: OffsetDateTime) -> Result<()> {
        self.execute(sql!(
            "INSERT INTO login_failures (id, key_hash, at) VALUES ($1, $2, $3)",
            Uuid::now_v7(),
            key_hash,
            at
        ))
        .await?;
        Ok(())
    }

    /// Failures for `key_hash` at or after `since`.
    pub async fn count_login_failures(&self, key_hash: &str, since: OffsetDateTime) -> Result<i64> {
        let (n,): (i64,) = self
            .fetch_one(sql!(
                "SELECT COUNT(*) FROM login_failures WHERE key_hash = $1 AND at >= $2",
                key_hash,
                since
            ))
            .await?;
        Ok(n)
    }

    pub async fn clear_login_failures(&self, key_hash: &str) -> Result<u64> {
        self.execute(sql!(
            "DELETE FROM login_failures WHERE key_hash = $1",
            key_hash
        ))
        .await
    }

    /// Forgets failures older than `before` (housekeeping).
    pub async fn prune_login_failures(&self, before: OffsetDateTime) -> Result<u64> {
        self.execute(sql!("DELETE FROM login_failures WHERE at < $1", before))
            .await
    }
}
