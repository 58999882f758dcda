//! An OCOP certificate's status on a given day, and when to remind the producer.

use serde::Serialize;
use time::{Date, Duration};

/// A certificate as recorded by a council's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Certificate {
    pub issued: Date,
    /// Last valid day (see `OcopScheme::certificate_valid_until`).
    pub valid_until: Date,
    /// Day a later decision replaced it (re-evaluation, downgrade), if any.
    pub superseded_on: Option<Date>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateStatus {
    /// Issued after the day asked about.
    NotYetValid,
    Valid,
    /// Valid, 31–90 days left.
    ExpiringWithin90,
    /// Valid, at most 30 days left.
    ExpiringWithin30,
    Expired,
    /// Replaced by a later decision.
    Superseded,
    /// An imported rating whose issue day is not known and may still run: never shown as
    /// valid (see [`ImportedValidity`]).
    Unknown,
}

impl CertificateStatus {
    /// Whether the certificate may be shown as valid on that day.
    pub fn is_valid(self) -> bool {
        matches!(
            self,
            CertificateStatus::Valid
                | CertificateStatus::ExpiringWithin90
                | CertificateStatus::ExpiringWithin30
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CertificateStatus::NotYetValid => "not_yet_valid",
            CertificateStatus::Valid => "valid",
            CertificateStatus::ExpiringWithin90 => "expiring_90",
            CertificateStatus::ExpiringWithin30 => "expiring_30",
            CertificateStatus::Expired => "expired",
            CertificateStatus::Superseded => "superseded",
            CertificateStatus::Unknown => "unknown",
        }
    }
}

/// A reminder sent before a certificate expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Reminder {
    Days90,
    Days30,
}

impl Reminder {
    pub const ALL: [Reminder; 2] = [Reminder::Days90, Reminder::Days30];

    pub fn days(self) -> i64 {
        match self {
            Reminder::Days90 => 90,
            Reminder::Days30 => 30,
        }
    }
}

impl Certificate {
    pub fn days_left(&self, today: Date) -> i64 {
        (self.valid_until - today).whole_days()
    }

    pub fn status_on(&self, today: Date) -> CertificateStatus {
        if self.superseded_on.is_some_and(|d| d <= today) {
            return CertificateStatus::Superseded;
        }
        if today < self.issued {
            return CertificateStatus::NotYetValid;
        }
        match self.days_left(today) {
            d if d < 0 => CertificateStatus::Expired,
            d if d <= 30 => CertificateStatus::ExpiringWithin30,
            d if d <= 90 => CertificateStatus::ExpiringWithin90,
            _ => CertificateStatus::Valid,
        }
    }

    /// The day a reminder is due (`days` before the last valid day).
    pub fn reminder_date(&self, r: Reminder) -> Date {
        self.valid_until
            .checked_sub(Duration::days(r.days()))
            .unwrap_or(self.issued)
    }

    /// Reminders due on `today` or earlier that have not been sent (`sent`), newest first:
    /// only the most urgent one is worth sending when both are late. None once superseded
    /// or expired.
    pub fn due_reminder(&self, today: Date, sent: &[Reminder]) -> Option<Reminder> {
        if !self.status_on(today).is_valid() {
            return None;
        }
        [Reminder::Days30, Reminder::Days90]
            .into_iter()
            .find(|r| self.reminder_date(*r) <= today)
            .filter(|r| !sent.contains(r) && !sent.contains(&Reminder::Days30))
    }
}

/// Validity of a rating imported from a published list that gives only the year of
/// recognition: the exact issue day is unknown, so the certificate is never shown as valid;
/// it is `Expired` once even a certificate issued on 31 December of that year would have
/// run out, `Unknown` before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportedValidity {
    Unknown,
    Expired,
}

impl ImportedValidity {
    pub fn on(year: i32, certificate_months: u32, today: Date) -> ImportedValidity {
        let latest_issue = Date::from_calendar_date(year, time::Month::December, 31);
        let Ok(latest_issue) = latest_issue else {
            return ImportedValidity::Unknown;
        };
        // Same arithmetic as `OcopScheme::certificate_valid_until` (months later, minus a day).
        let months = 11 + certificate_months as i32;
        let y = year + months.div_euclid(12);
        let m = time::Month::try_from((months.rem_euclid(12) + 1) as u8)
            .unwrap_or(time::Month::December);
        let last = Date::from_calendar_date(y, m, time::util::days_in_month(m, y).min(31))
            .ok()
            .and_then(|d| d.previous_day())
            .unwrap_or(latest_issue);
        if today > last {
            ImportedValidity::Expired
        } else {
            ImportedValidity::Unknown
        }
    }
}
