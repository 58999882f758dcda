//! OCOP certificate reminders: marking a reminder sent and storing its notification happen
//! in one transaction, so a crash between them cannot lose a reminder (marked, never
//! notified) or send it twice.

use ntm_domain::audit::NewAuditEntry;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, sql};
use crate::notifications::{NotificationRecord, insert_notification_tx};

/// A reminder due: the decision (certificate), which reminder (`days90`, `days30`) and the
/// notification it sends (`None` when the producer has no account to notify).
#[derive(Debug, Clone)]
pub struct DueReminder {
    pub decision_id: Uuid,
    pub reminder: String,
    pub note: Option<NotificationRecord>,
}

impl Db {
    /// Marks the reminders sent and stores their notifications and `audit`, all in one
    /// transaction. A reminder already marked (by an earlier pass or by another server
    /// sharing the database at the same moment) is skipped with its notification; when
    /// none is new nothing is written. Returns the notifications stored.
    pub async fn send_ocop_reminders(
        &self,
        due: Vec<DueReminder>,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> Result<Vec<NotificationRecord>> {
        let mut tx = self.begin().await?;
        let mut marked = 0;
        let mut notes = Vec::new();
        for d in due {
            let n = tx
                .execute(sql!(
                    "INSERT INTO ocop_reminders (decision_id, reminder, sent_at) \
                     VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    d.decision_id,
                    d.reminder.as_str(),
                    at
                ))
                .await?;
            if n == 1 {
                marked += 1;
                notes.extend(d.note);
            }
        }
        if marked == 0 {
            return Ok(Vec::new());
        }
        for n in &notes {
            insert_notification_tx(&mut tx, n).await?;
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(notes)
    }
}
