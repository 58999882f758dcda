//! API tokens of machine clients, looked up by the SHA-256 of their secret (the secret
//! itself is never stored). Rows are kept after revocation so they stay listed.

use ntm_domain::audit::NewAuditEntry;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, sql};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiTokenRecord {
    pub id: Uuid,
    pub user_id: Uuid,
    pub name: String,
    /// `read` or `write`.
    pub scope: String,
    pub token_hash: String,
    /// The first characters of the token, shown to tell tokens apart.
    pub prefix: String,
    pub created_at: OffsetDateTime,
    /// Audit name of whoever created it (the owner or an administrator).
    pub created_by: String,
    pub expires_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
    pub revoked_by: Option<String>,
}

macro_rules! columns {
    () => {
        "id, user_id, name, scope, token_hash, prefix, created_at, created_by, expires_at, \
         last_used_at, revoked_at, revoked_by"
    };
}

impl Db {
    /// Stores a new token with its audit entry, in one transaction.
    pub async fn insert_api_token(&self, t: &ApiTokenRecord, audit: NewAuditEntry) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.execute(sql!(
            "INSERT INTO api_tokens (id, user_id, name, scope, token_hash, prefix, created_at, \
             created_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            t.id,
            t.user_id,
            t.name.as_str(),
            t.scope.as_str(),
            t.token_hash.as_str(),
            t.prefix.as_str(),
            t.created_at,
            t.created_by.as_str(),
            t.expires_at,
        ))
        .await
        .map_err(|e| e.conflict_as(|| "token already exists".into()))?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }

    /// The token with this hash, revoked or expired or not (the caller decides).
    pub async fn api_token_by_hash(&self, token_hash: &str) -> Result<Option<ApiTokenRecord>> {
        self.fetch_optional(sql!(
            concat!(
                "SELECT ",
                columns!(),
                " FROM api_tokens WHERE token_hash = $1"
            ),
            token_hash
        ))
        .await
    }

    pub async fn api_token(&self, id: Uuid) -> Result<Option<ApiTokenRecord>> {
        self.fetch_optional(sql!(
            concat!("SELECT ", columns!(), " FROM api_tokens WHERE id = $1"),
            id
        ))
        .await
    }

    /// The tokens of some users (all users when `users` is `None`), newest first.
    pub async fn api_tokens(&self, users: Option<&[Uuid]>) -> Result<Vec<ApiTokenRecord>> {
        let all: Vec<ApiTokenRecord> = self
            .fetch_all(sql!(concat!(
                "SELECT ",
                columns!(),
                " FROM api_tokens ORDER BY created_at DESC, id DESC"
            )))
            .await?;
        Ok(match users {
            None => all,
            Some(ids) => all
                .into_iter()
                .filter(|t| ids.contains(&t.user_id))
                .collect(),
        })
    }

    /// Records a use (callers throttle it).
    pub async fn touch_api_token(&self, id: Uuid, at: OffsetDateTime) -> Result<()> {
        self.execute(sql!(
            "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1",
            id,
            at
        ))
        .await?;
        Ok(())
    }

    /// Revokes a token that is not revoked yet, with its audit entry; false (and nothing
    /// written) when it was already revoked or does not exist.
    pub async fn revoke_api_token(
        &self,
        id: Uuid,
        at: OffsetDateTime,
        by: &str,
        audit: NewAuditEntry,
    ) -> Result<bool> {
        let mut tx = self.begin().await?;
        let n = tx
            .execute(sql!(
                "UPDATE api_tokens SET revoked_at = $2, revoked_by = $3 \
                 WHERE id = $1 AND revoked_at IS NULL",
                id,
                at,
                by
            ))
            .await?;
        if n == 0 {
            return Ok(false);
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(true)
    }
}
