//! Certificate reminders 90 and 30 days before expiry: an in-app notification to the
//! producer's account (and an e-mail through the mailer when SMTP is configured), each
//! reminder once — also when several servers share one PostgreSQL database and run the
//! daily pass at the same time (`send_ocop_reminders` marks each reminder with a unique
//! insert in the transaction that stores its notification: the server whose insert wins
//! notifies, and a crash leaves neither). Run by `ntm ocop remind` and, once a day, inside `ntm serve`
//! ([`spawn_daily_reminders`]).

use ntm_domain::authz::Permission;
use ntm_domain::ocop::{Certificate, Reminder};
use ntm_store::DueReminder;
use time::{Date, Duration};

use crate::notifications::{Message, new_record};
use crate::{Actor, App, AppError, authz::require, now};

fn reminder_str(r: Reminder) -> &'static str {
    match r {
        Reminder::Days90 => "days90",
        Reminder::Days30 => "days30",
    }
}

/// Sends the reminders due on `today`; returns how many notifications were stored.
/// Run by the command line or an administrator (country-wide).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn send_certificate_reminders(
    app: &App,
    actor: &Actor,
    today: Date,
) -> Result<usize, AppError> {
    require(actor, Permission::ManageOcop, "/")?;
    let mut due = Vec::new();
    for d in app
        .db
        .ocop_certificates_ending_by(today + Duration::days(90))
        .await?
    {
        let (Some(issued), Some(valid_until)) = (d.issued_on, d.valid_until) else {
            continue;
        };
        let cert = Certificate {
            issued,
            valid_until,
            superseded_on: d.superseded_on,
        };
        let sent: Vec<Reminder> = app
            .db
            .ocop_reminders_sent(d.id)
            .await?
            .iter()
            .filter_map(|s| match s.as_str() {
                "days90" => Some(Reminder::Days90),
                "days30" => Some(Reminder::Days30),
                _ => None,
            })
            .collect();
        let Some(r) = cert.due_reminder(today, &sent) else {
            continue;
        };
        let Some(product) = app.db.ocop_product(d.product_id).await? else {
            continue;
        };
        let owner = match app.db.ocop_producer(product.producer_id).await? {
            Some(p) => p.owner_user_id,
            None => None,
        };
        let note = owner.map(|user| {
            let m = Message {
                key: "ocop-notify-expiring".into(),
                args: vec![
                    ("product".into(), product.name.clone()),
                    ("date".into(), ntm_domain::text::format_date_vi(valid_until)),
                    ("days".into(), r.days().to_string()),
                ],
            };
            new_record(user, None, &m, &format!("/ocop/manage/{}", product.id))
        });
        due.push(DueReminder {
            decision_id: d.id,
            reminder: reminder_str(r).to_owned(),
            note,
        });
    }
    if due.is_empty() {
        return Ok(0);
    }
    let audit = actor.audit_entry(
        "ocop.reminders",
        "/",
        serde_json::json!({"reminders": due.len()}),
    );
    let notes = app.db.send_ocop_reminders(due, now(), audit).await?;
    if !notes.is_empty() {
        // Only the command line and the server's daily task run this: wait for the mails,
        // so that the command does not exit before they are handed to the relay.
        if let Some(mails) = crate::mailer::send_notifications(app, &notes) {
            let _ = mails.await;
        }
    }
    Ok(notes.len())
}

/// Who the server's daily pass acts as (the audit log names it).
pub fn scheduler_actor() -> Actor {
    Actor::Cli {
        os_user: "ntm serve (daily OCOP reminders)".into(),
    }
}

/// How often the server looks whether Vietnam's date has changed.
const DAILY_CHECK: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// The server's daily pass: at start, then whenever Vietnam's date (UTC+7) changes, sends
/// the reminders due that day. A failed pass is logged and tried again at the next check.
/// The task ends with the runtime (or when the handle is aborted).
pub fn spawn_daily_reminders(app: App) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let actor = scheduler_actor();
        let mut done: Option<Date> = None;
        loop {
            let day = crate::today();
            if done != Some(day) {
                match send_certificate_reminders(&app, &actor, day).await {
                    Ok(n) => {
                        tracing::info!(day = %day, sent = n, "OCOP certificate reminders");
                        done = Some(day);
                    }
                    Err(e) => tracing::warn!(error = %e, "OCOP certificate reminders failed"),
                }
            }
            tokio::time::sleep(DAILY_CHECK).await;
        }
    })
}
