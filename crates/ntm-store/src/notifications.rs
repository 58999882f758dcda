//! In-app notifications, and who should receive them (users holding a role whose scope
//! covers a unit).

use ntm_domain::audit::NewAuditEntry;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, sql};

/// One notification for one user.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NotificationRecord {
    pub id: Uuid,
    pub user_id: Uuid,
    pub dossier_id: Option<Uuid>,
    /// The text shown (already in Vietnamese; built by the application).
    pub message: String,
    /// Where it leads (a path of this site).
    pub link: String,
    pub created_at: OffsetDateTime,
    pub read_at: Option<OffsetDateTime>,
}

/// A user who holds a role on some scope.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RoleHolder {
    pub user_id: Uuid,
    pub username: String,
    pub display_name: String,
}

impl Db {
    /// Active users holding `role` with a scope that contains one of `paths` (a scope path
    /// is a prefix of the unit's path). Each user once, by user name.
    pub async fn role_holders_covering(
        &self,
        role: &str,
        paths: &[String],
    ) -> Result<Vec<RoleHolder>> {
        let mut out: Vec<RoleHolder> = Vec::new();
        for p in paths {
            let rows: Vec<RoleHolder> = self
                .fetch_all(sql!(
                    "SELECT DISTINCT u.id AS user_id, u.username, u.display_name FROM users u \
                     JOIN user_roles r ON r.user_id = u.id WHERE u.active AND r.role = $1 \
                     AND substr($2, 1, length(r.scope_path)) = r.scope_path \
                     ORDER BY u.username",
                    role,
                    p.as_str(),
                ))
                .await?;
            for r in rows {
                if !out.iter().any(|o| o.user_id == r.user_id) {
                    out.push(r);
                }
            }
        }
        out.sort_by(|a, b| a.username.cmp(&b.username));
        Ok(out)
    }

    /// Stores notifications (with an audit entry) in one transaction.
    pub async fn insert_notifications(
        &self,
        notes: &[NotificationRecord],
        audit: Option<NewAuditEntry>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        for n in notes {
            insert_notification_tx(&mut tx, n).await?;
        }
        if let Some(a) = audit {
            append_audit_tx(&mut tx, a).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The newest notifications of a user (at most `limit`).
    pub async fn notifications_of(
        &self,
        user_id: Uuid,
        limit: i64,
    ) -> Result<Vec<NotificationRecord>> {
        self.fetch_all(sql!(
            "SELECT id, user_id, dossier_id, message, link, created_at, read_at \
             FROM notifications WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
            user_id,
            limit
        ))
        .await
    }

    /// How many notifications of a user are unread.
    pub async fn unread_notifications(&self, user_id: Uuid) -> Result<i64> {
        let (n,): (i64,) = self
            .fetch_one(sql!(
                "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
                user_id
            ))
            .await?;
        Ok(n)
    }

    /// Marks one notification (`Some(id)`) or all of a user's as read; only the user's own.
    /// Returns how many changed.
    pub async fn mark_notifications_read(
        &self,
        user_id: Uuid,
        id: Option<Uuid>,
        at: OffsetDateTime,
    ) -> Result<u64> {
        match id {
            Some(id) => {
                self.execute(sql!(
                    "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND id = $3 \
                     AND read_at IS NULL",
                    at,
                    user_id,
                    id
                ))
                .await
            }
            None => {
                self.execute(sql!(
                    "UPDATE notifications SET read_at = $1 WHERE user_id = $2 \
                     AND read_at IS NULL",
                    at,
                    user_id
                ))
                .await
            }
        }
    }
}

pub(crate) async fn insert_notification_tx(
    tx: &mut crate::db::Tx,
    n: &NotificationRecord,
) -> Result<u64> {
    tx.execute(sql!(
        "INSERT INTO notifications (id, user_id, dossier_id, message, link, created_at, read_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        n.id,
        n.user_id,
        n.dossier_id,
        n.message.as_str(),
        n.link.as_str(),
        n.created_at,
        n.read_at,
    ))
    .await
}
