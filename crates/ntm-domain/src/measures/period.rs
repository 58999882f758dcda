//! The stretch of an evaluation year a computed measure covers, and its complete months and
//! weeks.

use time::{Date, Duration, Month, Weekday};

/// The period of `year` a measure covers on `as_of`: 1 January to `as_of`, or to 31 December
/// for a year already over. `None` for a year not begun.
pub fn period(year: i32, as_of: Date) -> Option<(Date, Date)> {
    let from = Date::from_calendar_date(year, Month::January, 1).ok()?;
    let end = Date::from_calendar_date(year, Month::December, 31).ok()?;
    (as_of >= from).then(|| (from, as_of.min(end)))
}

/// The months of `year` complete on `as_of` (their last day before `as_of`), as
/// `(month number, first day, last day)`.
pub fn complete_months(year: i32, as_of: Date) -> Vec<(u8, Date, Date)> {
    let mut out = Vec::new();
    for m in 1..=12u8 {
        let Ok(month) = Month::try_from(m) else {
            continue;
        };
        let Ok(first) = Date::from_calendar_date(year, month, 1) else {
            continue;
        };
        let last = first.replace_day(month.length(year)).unwrap_or(first);
        if last < as_of {
            out.push((m, first, last));
        }
    }
    out
}

/// The ISO weeks (Monday to Sunday) of week-numbering year `year` — the weeks whose Thursday
/// falls in `year`, so every week belongs to exactly one year — complete on `as_of` (their
/// Sunday before `as_of`), as `(Monday, Sunday)`.
pub fn complete_weeks(year: i32, as_of: Date) -> Vec<(Date, Date)> {
    let mut out = Vec::new();
    let Ok(mut monday) = Date::from_iso_week_date(year, 1, Weekday::Monday) else {
        return out;
    };
    while monday.to_iso_week_date().0 == year {
        let sunday = monday + Duration::days(6);
        if sunday >= as_of {
            break;
        }
        out.push((monday, sunday));
        monday += Duration::days(7);
    }
    out
}

/// The days the weeks of ISO year `year` cover: Monday of week 1 to Sunday of the last week.
pub fn iso_year_span(year: i32) -> Option<(Date, Date)> {
    let first = Date::from_iso_week_date(year, 1, Weekday::Monday).ok()?;
    let last = Date::from_iso_week_date(year + 1, 1, Weekday::Monday).ok()? - Duration::days(1);
    Some((first, last))
}

/// The days whose records a measure of `module` reads for `year` on `as_of`: the
/// [`period`], widened for the portal to the ISO weeks of the year (which may begin in late
/// December and end in early January), never past `as_of`. The drill-down behind a
/// computed value shows the records of exactly these days. `None` for a year not begun.
pub fn records_span(module: super::Module, year: i32, as_of: Date) -> Option<(Date, Date)> {
    let (jan1, end) = period(year, as_of)?;
    Some(match module {
        super::Module::Portal => match iso_year_span(year) {
            Some((f, l)) => (f.min(jan1), l.max(end).min(as_of)),
            None => (jan1, end),
        },
        super::Module::Feedback => (jan1, end),
    })
}

/// Months elapsed in `year` on `as_of`: the days from 1 January to `as_of` (both included,
/// at most the whole year) over the mean month of the year (days ÷ 12). `None` for a year
/// not begun.
pub fn months_elapsed(year: i32, as_of: Date) -> Option<f64> {
    let (from, to) = period(year, as_of)?;
    let days_in_year = if time::util::is_leap_year(year) {
        366.0
    } else {
        365.0
    };
    let days = ((to - from).whole_days() + 1) as f64;
    Some(days / (days_in_year / 12.0))
}
