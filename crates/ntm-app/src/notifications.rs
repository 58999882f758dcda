//! In-app notifications: who is told when a dossier moves, and each user's inbox.
//!
//! A notification is stored as a message key and its arguments (JSON), so the page shows it
//! in the reader's language from the Fluent catalogs; `link` leads to the dossier.

use ntm_store::NotificationRecord;
use uuid::Uuid;

use crate::authz::Actor;
use crate::{App, AppError, now};

/// What a notification says: a catalog key (`dossier-notify-…`) and its arguments.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Message {
    pub key: String,
    #[serde(default)]
    pub args: Vec<(String, String)>,
}

/// One notification, for the inbox page.
#[derive(Debug, Clone)]
pub struct NotificationView {
    pub id: Uuid,
    pub message: Message,
    pub link: String,
    pub created_at: time::OffsetDateTime,
    pub read: bool,
}

fn user_id(actor: &Actor) -> Result<Uuid, AppError> {
    match actor {
        Actor::User { id, .. } => Ok(*id),
        _ => Err(AppError::Unauthorized("login required".into())),
    }
}

/// A new notification for one user (stored by the caller, e.g. with a dossier transition).
pub(crate) fn new_record(
    user: Uuid,
    dossier_id: Option<Uuid>,
    message: &Message,
    link: &str,
) -> NotificationRecord {
    NotificationRecord {
        id: Uuid::now_v7(),
        user_id: user,
        dossier_id,
        message: serde_json::to_string(message).unwrap_or_default(),
        link: link.to_owned(),
        created_at: now(),
        read_at: None,
    }
}

/// The actor's newest notifications (at most 100).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn list(app: &App, actor: &Actor) -> Result<Vec<NotificationView>, AppError> {
    let uid = user_id(actor)?;
    let rows = app.db.notifications_of(uid, 100).await?;
    Ok(rows
        .into_iter()
        .map(|r| NotificationView {
            id: r.id,
            message: serde_json::from_str(&r.message).unwrap_or(Message {
                key: "dossier-notify-unknown".into(),
                args: Vec::new(),
            }),
            link: r.link,
            created_at: r.created_at,
            read: r.read_at.is_some(),
        })
        .collect())
}

/// How many of the actor's notifications are unread (0 for anonymous visitors).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn unread(app: &App, actor: &Actor) -> Result<i64, AppError> {
    match actor {
        Actor::User { id, .. } => Ok(app.db.unread_notifications(*id).await?),
        _ => Ok(0),
    }
}

/// Marks one of the actor's notifications (or all when `None`) as read.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), id = ?id))]
pub async fn mark_read(app: &App, actor: &Actor, id: Option<Uuid>) -> Result<u64, AppError> {
    let uid = user_id(actor)?;
    Ok(app.db.mark_notifications_read(uid, id, now()).await?)
}
