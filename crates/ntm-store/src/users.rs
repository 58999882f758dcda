//! Users and their role grants.

use std::collections::HashMap;

use ntm_domain::audit::NewAuditEntry;
use ntm_domain::authz::{Grant, Role};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, StoreError, Tx, sql};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UserRecord {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub active: bool,
    pub created_at: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct GrantRow {
    user_id: Uuid,
    role: String,
    scope_code: Option<String>,
    scope_path: String,
}

impl TryFrom<GrantRow> for Grant {
    type Error = StoreError;
    fn try_from(r: GrantRow) -> Result<Grant> {
        Ok(Grant {
            role: Role::parse(&r.role)
                .ok_or_else(|| StoreError::Integrity(format!("unknown role {:?}", r.role)))?,
            scope_code: r.scope_code,
            scope_path: r.scope_path,
        })
    }
}

macro_rules! user_cols {
    () => {
        "id, username, display_name, password_hash, active, created_at"
    };
}

async fn insert_grant(tx: &mut Tx, user_id: Uuid, g: &Grant) -> Result<()> {
    tx.execute(sql!(
        "INSERT INTO user_roles (user_id, role, scope_code, scope_path) VALUES ($1, $2, $3, $4)",
        user_id,
        g.role.as_str(),
        g.scope_code.clone(),
        g.scope_path.as_str(),
    ))
    .await
    .map(drop)
    .map_err(|e| {
        if e.is_foreign_key_violation() {
            return StoreError::NotFound;
        }
        e.conflict_as(|| {
            format!(
                "user already has role {} on {}",
                g.role.as_str(),
                g.scope_path
            )
        })
    })
}

/// Ends the sessions of a user but `keep` (a token hash); returns how many.
pub(crate) async fn end_sessions(tx: &mut Tx, user_id: Uuid, keep: Option<&str>) -> Result<u64> {
    match keep {
        Some(k) => {
            tx.execute(sql!(
                "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2",
                user_id,
                k
            ))
            .await
        }
        None => {
            tx.execute(sql!("DELETE FROM sessions WHERE user_id = $1", user_id))
                .await
        }
    }
}

impl Db {
    /// Creates a user with its grants, atomically.
    pub async fn insert_user(
        &self,
        u: &UserRecord,
        grants: &[Grant],
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.execute(sql!(
            concat!(
                "INSERT INTO users (",
                user_cols!(),
                ") VALUES ($1, $2, $3, $4, $5, $6)"
            ),
            u.id,
            u.username.as_str(),
            u.display_name.as_str(),
            u.password_hash.as_str(),
            u.active,
            u.created_at,
        ))
        .await
        .map_err(|e| e.conflict_as(|| format!("username already exists: {}", u.username)))?;
        for g in grants {
            insert_grant(&mut tx, u.id, g).await?;
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>> {
        self.fetch_optional(sql!(
            concat!("SELECT ", user_cols!(), " FROM users WHERE username = $1"),
            username
        ))
        .await
    }

    pub async fn user_by_id(&self, id: Uuid) -> Result<Option<UserRecord>> {
        self.fetch_optional(sql!(
            concat!("SELECT ", user_cols!(), " FROM users WHERE id = $1"),
            id
        ))
        .await
    }

    /// `NotFound` when there is no such user.
    /// Sets a new password hash and ends every session of the user but `keep_session` (the
    /// token hash of the session that made the change, if any), atomically. Returns how
    /// many sessions were ended; `NotFound` when there is no such user.
    pub async fn set_password(
        &self,
        id: Uuid,
        password_hash: &str,
        keep_session: Option<&str>,
        audit: NewAuditEntry,
    ) -> Result<u64> {
        let mut tx = self.begin().await?;
        if tx
            .execute(sql!(
                "UPDATE users SET password_hash = $2 WHERE id = $1",
                id,
                password_hash
            ))
            .await?
            == 0
        {
            return Err(StoreError::NotFound);
        }
        let ended = end_sessions(&mut tx, id, keep_session).await?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(ended)
    }

    /// Enables or disables an account; disabling ends all its sessions in the same
    /// transaction. Returns how many sessions were ended; `NotFound` when there is no such
    /// user.
    pub async fn set_active(&self, id: Uuid, active: bool, audit: NewAuditEntry) -> Result<u64> {
        let mut tx = self.begin().await?;
        if tx
            .execute(sql!(
                "UPDATE users SET active = $2 WHERE id = $1",
                id,
                active
            ))
            .await?
            == 0
        {
            return Err(StoreError::NotFound);
        }
        let ended = if active {
            0
        } else {
            end_sessions(&mut tx, id, None).await?
        };
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(ended)
    }

    /// Removes one grant; `NotFound` when the user does not hold it.
    pub async fn remove_grant(
        &self,
        user_id: Uuid,
        role: Role,
        scope_path: &str,
        audit: NewAuditEntry,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        let n = tx
            .execute(sql!(
                "DELETE FROM user_roles WHERE user_id = $1 AND role = $2 AND scope_path = $3",
                user_id,
                role.as_str(),
                scope_path
            ))
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }

    async fn update_user(&self, q: crate::db::Raw, audit: NewAuditEntry) -> Result<()> {
        let mut tx = self.begin().await?;
        if tx.execute(q).await? == 0 {
            return Err(StoreError::NotFound);
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }

    pub async fn grants_of(&self, user_id: Uuid) -> Result<Vec<Grant>> {
        let rows: Vec<GrantRow> = self
            .fetch_all(sql!(
                "SELECT user_id, role, scope_code, scope_path FROM user_roles \
                 WHERE user_id = $1 ORDER BY role, scope_path",
                user_id
            ))
            .await?;
        rows.into_iter().map(Grant::try_from).collect()
    }

    /// `NotFound` when the user does not exist, `Conflict` when the grant already does.
    pub async fn add_grant(&self, user_id: Uuid, g: &Grant, audit: NewAuditEntry) -> Result<()> {
        let mut tx = self.begin().await?;
        insert_grant(&mut tx, user_id, g).await?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await
    }

    /// Every user with their grants, ordered by username.
    pub async fn list_users(&self) -> Result<Vec<(UserRecord, Vec<Grant>)>> {
        let users: Vec<UserRecord> = self
            .fetch_all(sql!(concat!(
                "SELECT ",
                user_cols!(),
                " FROM users ORDER BY username"
            )))
            .await?;
        let rows: Vec<GrantRow> = self
            .fetch_all(sql!(
                "SELECT user_id, role, scope_code, scope_path FROM user_roles \
                 ORDER BY role, scope_path"
            ))
            .await?;
        let mut by_user: HashMap<Uuid, Vec<Grant>> = HashMap::new();
        for r in rows {
            let id = r.user_id;
            by_user.entry(id).or_default().push(r.try_into()?);
        }
        Ok(users
            .into_iter()
            .map(|u| {
                let g = by_user.remove(&u.id).unwrap_or_default();
                (u, g)
            })
            .collect())
    }

    /// Sets (or clears with `None`) a user's e-mail address. `NotFound` when there is no
    /// such user.
    pub async fn set_user_email(
        &self,
        id: Uuid,
        email: Option<&str>,
        audit: NewAuditEntry,
    ) -> Result<()> {
        self.update_user(
            sql!(
                "UPDATE users SET email = $2 WHERE id = $1",
                id,
                email.map(str::to_owned)
            ),
            audit,
        )
        .await
    }

    /// A user's e-mail address (`None`: no address, or no such user).
    pub async fn user_email(&self, id: Uuid) -> Result<Option<String>> {
        let row: Option<(Option<String>,)> = self
            .fetch_optional(sql!("SELECT email FROM users WHERE id = $1", id))
            .await?;
        Ok(row.and_then(|(e,)| e))
    }

    /// The e-mail addresses of those of `ids` who are active and have one, as
    /// (id, display name, email), in the order of `ids`, each user once.
    pub async fn user_emails(&self, ids: &[Uuid]) -> Result<Vec<(Uuid, String, String)>> {
        let mut out: Vec<(Uuid, String, String)> = Vec::new();
        for id in ids {
            if out.iter().any(|(i, _, _)| i == id) {
                continue;
            }
            let row: Option<(String, Option<String>)> = self
                .fetch_optional(sql!(
                    "SELECT display_name, email FROM users WHERE id = $1 AND active",
                    *id
                ))
                .await?;
            if let Some((name, Some(email))) = row {
                out.push((*id, name, email));
            }
        }
        Ok(out)
    }

    pub async fn count_users(&self) -> Result<i64> {
        let (n,): (i64,) = self.fetch_one(sql!("SELECT COUNT(*) FROM users")).await?;
        Ok(n)
    }
}
