//! Deadlines in working days (the province's holidays, [`HolidayCalendar`]) and whether a
//! report was answered on time.
//!
//! The clock starts on the day the report was received (Vietnam time) and is not restarted
//! by a transfer: the citizen waits from the day they filed. A limit of `n` working days
//! ends on the `n`-th working day after that day (the day itself is not counted, as for
//! dossiers).

use serde::{Deserialize, Serialize};
use time::Date;

use super::status::Status;
use crate::dossier::HolidayCalendar;

/// The last day to answer a report received on `received_on` with a limit of `days`.
/// `None` only past the end of the calendar.
pub fn due_date(calendar: &HolidayCalendar, received_on: Date, days: u32) -> Option<Date> {
    calendar.add_working_days(received_on, days)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Answered (resolved, or rejected with a referral) on or before the due day.
    OnTime,
    /// Answered after the due day.
    Late,
    /// Open, not yet due.
    Pending,
    /// Open and past its due day.
    Overdue,
    /// Merged into another report: its timeliness is that report's.
    NotCounted,
}

impl Timeliness {
    pub fn as_str(self) -> &'static str {
        match self {
            Timeliness::OnTime => "on_time",
            Timeliness::Late => "late",
            Timeliness::Pending => "pending",
            Timeliness::Overdue => "overdue",
            Timeliness::NotCounted => "not_counted",
        }
    }
}

/// Where a report stands against its due day on `today` (`closed_on`: the day it was
/// answered, for a closed report).
pub fn timeliness(status: Status, due: Date, closed_on: Option<Date>, today: Date) -> Timeliness {
    match status {
        Status::Merged => Timeliness::NotCounted,
        Status::Resolved | Status::Rejected => match closed_on {
            Some(d) if d <= due => Timeliness::OnTime,
            _ => Timeliness::Late,
        },
        _ if today > due => Timeliness::Overdue,
        _ => Timeliness::Pending,
    }
}
