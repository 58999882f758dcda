//! Working days, Vietnamese public holidays, and step deadlines.
//!
//! A working day is Monday–Friday and not a configured public holiday. [`fixed_date_holidays`]
//! gives the solar-calendar holidays of Điều 112 Bộ luật Lao động 2019 (recalled, not read in
//! this research pass): 1/1, 30/4, 1/5, 2/9 and one day next to 2/9 (1/9 or 3/9, chosen each
//! year by the Government, so the caller says which). **Tết Nguyên đán (5 days) and Giỗ Tổ
//! Hùng Vương (10/3 lunar) follow the lunar calendar and must be configured per year**, as must
//! compensatory days off (nghỉ bù) and any day the Government adds: this module does not
//! compute the lunar calendar.
//!
//! Counting (Bộ luật Dân sự 2015 Điều 147–148, recalled): the day the period starts is not
//! counted; a calendar-day deadline whose last day is not a working day moves to the next
//! working day. A working-day limit of `n` ends on the `n`-th working day after the start.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month, Weekday};

use super::machine::{Dossier, DossierState};
use super::procedure::{DayUnit, LimitKind, Procedure, StepKind};

/// A set of public holidays (dates off in addition to Saturdays and Sundays).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayCalendar {
    holidays: BTreeSet<Date>,
}

/// Which day next to Quốc khánh (2/9) is off; the Government announces it each year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NationalDayExtra {
    /// 1/9.
    Before,
    /// 3/9.
    After,
}

/// The fixed solar-date public holidays of `year`: 1/1, 30/4, 1/5, 2/9 and 1/9 or 3/9.
/// Lunar holidays (Tết, Giỗ Tổ) and compensatory days are not included: configure them.
pub fn fixed_date_holidays(year: i32, extra: NationalDayExtra) -> Vec<Date> {
    let d = |m: Month, day: u8| Date::from_calendar_date(year, m, day).ok();
    let extra_day = match extra {
        NationalDayExtra::Before => 1,
        NationalDayExtra::After => 3,
    };
    [
        d(Month::January, 1),
        d(Month::April, 30),
        d(Month::May, 1),
        d(Month::September, 2),
        d(Month::September, extra_day),
    ]
    .into_iter()
    .flatten()
    .collect()
}

impl HolidayCalendar {
    pub fn new(dates: impl IntoIterator<Item = Date>) -> HolidayCalendar {
        HolidayCalendar {
            holidays: dates.into_iter().collect(),
        }
    }

    /// Weekends only.
    pub fn empty() -> HolidayCalendar {
        HolidayCalendar::default()
    }

    /// Adds dates (e.g. Tết of one year).
    pub fn with(mut self, dates: impl IntoIterator<Item = Date>) -> HolidayCalendar {
        self.holidays.extend(dates);
        self
    }

    pub fn holidays(&self) -> impl Iterator<Item = Date> + '_ {
        self.holidays.iter().copied()
    }

    pub fn is_holiday(&self, d: Date) -> bool {
        self.holidays.contains(&d)
    }

    pub fn is_working_day(&self, d: Date) -> bool {
        !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) && !self.is_holiday(d)
    }

    /// `d` if it is a working day, else the next one (`None` only past the end of `Date`).
    pub fn next_working_day_on_or_after(&self, mut d: Date) -> Option<Date> {
        while !self.is_working_day(d) {
            d = d.next_day()?;
        }
        Some(d)
    }

    /// The `n`-th working day after `start` (`start` itself is not counted). With `n == 0`,
    /// `start` rolled forward to a working day.
    pub fn add_working_days(&self, start: Date, n: u32) -> Option<Date> {
        let mut d = start;
        if n == 0 {
            return self.next_working_day_on_or_after(d);
        }
        let mut left = n;
        while left > 0 {
            d = d.next_day()?;
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        Some(d)
    }

    /// Working days in `(from, to]`; 0 when `to <= from`.
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            match d.next_day() {
                Some(next) => d = next,
                None => break,
            }
            if self.is_working_day(d) {
                n += 1;
            }
        }
        n
    }
}

/// The time limit of the step a dossier is waiting on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    pub step: StepKind,
    /// When the wait started (the dossier entered its current state).
    pub start: Date,
    /// `None` when the limit is unknown; see `reason`.
    pub due: Option<Date>,
    pub kind: LimitKind,
    pub unit: DayUnit,
    pub confirmed: bool,
    pub reason: Option<String>,
}

/// The step whose time limit governs the time spent in `state` (`None` for final states).
pub fn pending_step(procedure: &Procedure, dossier: &Dossier) -> Option<StepKind> {
    match dossier.state {
        DossierState::Preparing => Some(StepKind::Preparation),
        DossierState::PublicPosting => Some(StepKind::PublicPosting),
        DossierState::ReadyToSubmit => Some(StepKind::Submission),
        DossierState::Submitted => {
            if super::machine::review_applies(procedure, dossier.state_since) {
                Some(StepKind::Review)
            } else {
                Some(StepKind::Appraisal)
            }
        }
        DossierState::Reviewed => Some(StepKind::Appraisal),
        DossierState::Appraised => Some(StepKind::Decision),
        DossierState::Recognized => Some(StepKind::Publication),
        DossierState::Published | DossierState::Revoked => None,
    }
}

/// Deadline of the pending step, computed as the limit says (working days skip weekends and
/// holidays; calendar days roll forward off a non-working last day for a maximum limit).
pub fn deadline(
    procedure: &Procedure,
    calendar: &HolidayCalendar,
    dossier: &Dossier,
) -> Option<Deadline> {
    let step = pending_step(procedure, dossier)?;
    let start = dossier.state_since;
    let Some(limit) = procedure.step(step).map(|s| &s.time_limit) else {
        return Some(Deadline {
            step,
            start,
            due: None,
            kind: LimitKind::Maximum,
            unit: DayUnit::WorkingDays,
            confirmed: false,
            reason: Some("bước không có trong quy trình".to_owned()),
        });
    };
    let due = limit.days.and_then(|n| match limit.unit {
        DayUnit::WorkingDays => calendar.add_working_days(start, n),
        DayUnit::CalendarDays => {
            let last = start.checked_add(Duration::days(i64::from(n)))?;
            match limit.kind {
                LimitKind::Minimum => Some(last),
                LimitKind::Maximum => calendar.next_working_day_on_or_after(last),
            }
        }
    });
    let reason = (due.is_none() || !limit.confirmed).then(|| limit.note.clone());
    Some(Deadline {
        step,
        start,
        due,
        kind: limit.kind,
        unit: limit.unit,
        confirmed: limit.confirmed,
        reason,
    })
}

/// Whether a dossier is past a maximum time limit on `today` (dashboards). A minimum limit
/// (the posting period) and an unknown limit never make a dossier overdue.
pub fn is_overdue(
    procedure: &Procedure,
    calendar: &HolidayCalendar,
    dossier: &Dossier,
    today: Date,
) -> bool {
    match deadline(procedure, calendar, dossier) {
        Some(Deadline {
            due: Some(due),
            kind: LimitKind::Maximum,
            ..
        }) => today > due,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn fixed_holidays() {
        let h = fixed_date_holidays(2025, NationalDayExtra::Before);
        assert_eq!(
            h,
            vec![
                date!(2025 - 01 - 01),
                date!(2025 - 04 - 30),
                date!(2025 - 05 - 01),
                date!(2025 - 09 - 02),
                date!(2025 - 09 - 01),
            ]
        );
        assert!(
            fixed_date_holidays(2026, NationalDayExtra::After).contains(&date!(2026 - 09 - 03))
        );
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        let cal = HolidayCalendar::new(fixed_date_holidays(2025, NationalDayExtra::Before));
        // Mon 28/04/2025 + 1 → Tue 29/04; + 2 → Fri 02/05 (30/4 and 1/5 are off).
        assert_eq!(
            cal.add_working_days(date!(2025 - 04 - 28), 1),
            Some(date!(2025 - 04 - 29))
        );
        assert_eq!(
            cal.add_working_days(date!(2025 - 04 - 28), 2),
            Some(date!(2025 - 05 - 02))
        );
        // Fri 02/05 + 1 → Mon 05/05.
        assert_eq!(
            cal.add_working_days(date!(2025 - 05 - 02), 1),
            Some(date!(2025 - 05 - 05))
        );
        assert_eq!(
            cal.add_working_days(date!(2025 - 05 - 03), 0),
            Some(date!(2025 - 05 - 05))
        );
        assert_eq!(
            cal.working_days_between(date!(2025 - 04 - 28), date!(2025 - 05 - 05)),
            3
        );
    }

    #[test]
    fn tet_is_configured_per_year() {
        // Example: Tết 2025 configured as 25/01–02/02/2025 (entered, not computed).
        let tet: Vec<Date> = (25..=31)
            .map(|d| Date::from_calendar_date(2025, Month::January, d).unwrap())
            .chain([date!(2025 - 02 - 01), date!(2025 - 02 - 02)])
            .collect();
        let cal = HolidayCalendar::empty().with(tet);
        assert_eq!(
            cal.add_working_days(date!(2025 - 01 - 24), 1),
            Some(date!(2025 - 02 - 03))
        );
    }
}
