//! The digital-transformation (DX) measures of a commune, computed from its records (never
//! typed), each figure with the ids of the records behind it:
//!
//! - **DX posts per month**: for each calendar month meeting the period, the published posts
//!   of the `chuyen-doi-so` category whose publication day falls in the month and in the
//!   period (drafts and other categories do not count).
//! - **Weeks with a DX segment held**: for each ISO week (Monday to Sunday) meeting the
//!   period, the programmes aired that week, inside the period, marked held and with at
//!   least one DX segment. A week counts when it has at least one.
//!
//! Months and weeks cut by the ends of the period are kept, with `first`/`last` showing the
//! days covered (`partial`), so a reader can tell a short month from a quiet one.

use serde::Serialize;
use time::{Date, Duration, Month};
use uuid::Uuid;

use super::category::Category;

/// What the measures read of one post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostFact {
    pub id: Uuid,
    pub category: Category,
    /// The day published (Vietnam time); `None` for a draft.
    pub published_on: Option<Date>,
}

/// What the measures read of one loudspeaker programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeFact {
    pub id: Uuid,
    pub air_date: Date,
    /// Marked held (with its record).
    pub held: bool,
    /// Has at least one digital-transformation segment.
    pub dx_segment: bool,
}

/// One calendar month of the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthFigure {
    pub year: i32,
    pub month: u8,
    /// The days of the month inside the period.
    pub first: Date,
    pub last: Date,
    /// The whole month is not inside the period.
    pub partial: bool,
    /// The DX posts published that month, by day then id.
    pub posts: Vec<Uuid>,
}

/// One ISO week of the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekFigure {
    /// ISO week-numbering year and week.
    pub year: i32,
    pub week: u8,
    /// The days of the week inside the period.
    pub first: Date,
    pub last: Date,
    pub partial: bool,
    /// The held programmes with a DX segment aired that week, by day then id.
    pub programmes: Vec<Uuid>,
}

impl WeekFigure {
    /// At least one held programme with a DX segment.
    pub fn held(&self) -> bool {
        !self.programmes.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DxFigures {
    pub from: Date,
    pub to: Date,
    pub months: Vec<MonthFigure>,
    pub weeks: Vec<WeekFigure>,
}

impl DxFigures {
    /// How many weeks of the period had a DX segment held.
    pub fn weeks_held(&self) -> usize {
        self.weeks.iter().filter(|w| w.held()).count()
    }

    /// All DX posts of the period.
    pub fn posts(&self) -> Vec<Uuid> {
        self.months.iter().flat_map(|m| m.posts.clone()).collect()
    }

    /// All held programmes with a DX segment in the period.
    pub fn programmes(&self) -> Vec<Uuid> {
        self.weeks
            .iter()
            .flat_map(|w| w.programmes.clone())
            .collect()
    }
}

fn last_of_month(year: i32, month: Month) -> Date {
    let days = time::util::days_in_month(month, year);
    // A valid day by construction; fall back to the 28th rather than panic.
    Date::from_calendar_date(year, month, days)
        .or_else(|_| Date::from_calendar_date(year, month, 28))
        .unwrap_or(Date::MIN)
}

/// The calendar months meeting `from..=to`: (year, month, first day inside, last day inside).
pub fn months(from: Date, to: Date) -> Vec<(i32, u8, Date, Date)> {
    let mut out = Vec::new();
    let mut day = from;
    while day <= to {
        let end = last_of_month(day.year(), day.month()).min(to);
        out.push((day.year(), u8::from(day.month()), day, end));
        match end.next_day() {
            Some(d) => day = d,
            None => break,
        }
    }
    out
}

/// The ISO weeks meeting `from..=to`: (ISO year, week, first day inside, last day inside).
pub fn iso_weeks(from: Date, to: Date) -> Vec<(i32, u8, Date, Date)> {
    let mut out = Vec::new();
    let mut day = from;
    while day <= to {
        let to_sunday = 6 - i64::from(day.weekday().number_days_from_monday());
        let end = day
            .checked_add(Duration::days(to_sunday))
            .unwrap_or(to)
            .min(to);
        let (y, w, _) = day.to_iso_week_date();
        out.push((y, w, day, end));
        match end.next_day() {
            Some(d) => day = d,
            None => break,
        }
    }
    out
}

/// The DX measures of a commune's `posts` and `programmes` over `from..=to` (both
/// included). Records outside the period are ignored; an empty period gives no months or
/// weeks.
pub fn dx_figures(
    posts: &[PostFact],
    programmes: &[ProgrammeFact],
    from: Date,
    to: Date,
) -> DxFigures {
    let mut dx: Vec<(Date, Uuid)> = posts
        .iter()
        .filter(|p| p.category.is_dx())
        .filter_map(|p| p.published_on.map(|d| (d, p.id)))
        .filter(|(d, _)| *d >= from && *d <= to)
        .collect();
    dx.sort();
    let mut held: Vec<(Date, Uuid)> = programmes
        .iter()
        .filter(|p| p.held && p.dx_segment && p.air_date >= from && p.air_date <= to)
        .map(|p| (p.air_date, p.id))
        .collect();
    held.sort();
    let months = months(from, to)
        .into_iter()
        .map(|(year, month, first, last)| MonthFigure {
            year,
            month,
            first,
            last,
            partial: first.day() != 1 || last != last_of_month(year, last.month()),
            posts: dx
                .iter()
                .filter(|(d, _)| *d >= first && *d <= last)
                .map(|(_, id)| *id)
                .collect(),
        })
        .collect();
    let weeks = iso_weeks(from, to)
        .into_iter()
        .map(|(year, week, first, last)| WeekFigure {
            year,
            week,
            first,
            last,
            partial: (last - first).whole_days() < 6,
            programmes: held
                .iter()
                .filter(|(d, _)| *d >= first && *d <= last)
                .map(|(_, id)| *id)
                .collect(),
        })
        .collect();
    DxFigures {
        from,
        to,
        months,
        weeks,
    }
}
