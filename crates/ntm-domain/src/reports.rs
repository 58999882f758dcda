//! Periodic progress reports (báo cáo định kỳ): 6-month and annual reports that a plan asks
//! of its units, their due dates, the report's state machine, and whether a report came in
//! on time, late, or not at all.
//!
//! Pure: "today", dates of submission and whether a period is closed are passed in.
//!
//! - A plan lists its report entries (`kind`, `due: "MM-DD"`, `from_level`, `to`). A
//!   [`ReportPeriod`] is one kind and year: the six-month report of `Y` covers 01/01–30/06
//!   of `Y`, the annual one the whole year; both are due on the plan's day of `Y`.
//! - Who reports: units of `from_level` (communes when absent) and every level above it up to
//!   the province ([`reporting_levels`]). A unit reports to its parent on the period's date
//!   (the due date): a commune to its district before 01/07/2025, to the province after
//!   (districts were abolished); a province reports to the plan's recipient (`to`).
//! - The state machine ([`transition`]): draft → submitted → accepted, or returned (with a
//!   reason) → submitted again. A closed period refuses submissions; a second submission is
//!   refused (`AlreadySubmitted`), it never makes a duplicate.
//! - [`timeliness`]: submitted on or before the due day is on time (the due day itself
//!   included); after it, late; nothing submitted once the due day has passed, missing.

use serde::{Deserialize, Serialize};
use time::macros::date;
use time::{Date, Month};

use crate::units::Level;

/// The day districts were abolished: from then on a commune reports to its province.
pub const TWO_TIER_FROM: Date = date!(2025 - 07 - 01);

/// Longest narrative section accepted (characters).
pub const MAX_SECTION_CHARS: usize = 20_000;

/// Longest reason for returning a report (characters).
pub const MAX_REASON_CHARS: usize = 2_000;

/// Six-month or annual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    SixMonth,
    Annual,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 2] = [PeriodKind::SixMonth, PeriodKind::Annual];

    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::SixMonth => "six_month",
            PeriodKind::Annual => "annual",
        }
    }

    pub fn parse(s: &str) -> Option<PeriodKind> {
        let s = s.trim().replace('-', "_");
        PeriodKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A due day of the year ("06-25" in a plan file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueDay {
    pub month: u8,
    pub day: u8,
}

impl DueDay {
    /// Parses `MM-DD` (also `M-D`); refuses days no year has (31/04, 30/02).
    pub fn parse(s: &str) -> Result<DueDay, ReportError> {
        let bad = || ReportError::BadDueDay(s.to_owned());
        let (m, d) = s.trim().split_once('-').ok_or_else(bad)?;
        let month: u8 = m.trim().parse().map_err(|_| bad())?;
        let day: u8 = d.trim().parse().map_err(|_| bad())?;
        let mon = Month::try_from(month).map_err(|_| bad())?;
        // 2024 is a leap year: 29/02 is accepted (and falls back to 28/02 in other years).
        if day == 0 || day > mon.length(2024) {
            return Err(bad());
        }
        Ok(DueDay { month, day })
    }

    /// The due date in `year` (29/02 becomes 28/02 in a common year).
    pub fn in_year(self, year: i32) -> Date {
        let mon = Month::try_from(self.month).unwrap_or(Month::December);
        let day = self.day.min(mon.length(year)).max(1);
        Date::from_calendar_date(year, mon, day).unwrap_or(date!(2000 - 01 - 01))
    }
}

/// One report entry of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportSchedule {
    pub kind: PeriodKind,
    pub due: DueDay,
    /// The lowest level that reports (communes when the plan does not say).
    pub from_level: Level,
    /// The recipient named by the plan (a department or coordination office).
    pub to: String,
}

impl ReportSchedule {
    /// Builds an entry from a plan file's fields (`kind`, `due`, optional `from_level`).
    pub fn new(
        kind: &str,
        due: &str,
        from_level: Option<&str>,
        to: &str,
    ) -> Result<ReportSchedule, ReportError> {
        let kind = PeriodKind::parse(kind).ok_or_else(|| ReportError::BadKind(kind.to_owned()))?;
        let due = DueDay::parse(due)?;
        let from_level = match from_level.map(str::trim).filter(|s| !s.is_empty()) {
            None => Level::Commune,
            Some(l) => match Level::parse(l) {
                Some(l @ (Level::Commune | Level::District | Level::Province)) => l,
                _ => return Err(ReportError::BadLevel(l.to_owned())),
            },
        };
        Ok(ReportSchedule {
            kind,
            due,
            from_level,
            to: to.trim().to_owned(),
        })
    }

    /// Does a unit of `level` report under this entry?
    pub fn reports(&self, level: Level) -> bool {
        reporting_levels(self.from_level).contains(&level)
    }
}

/// One report period: a kind and a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ReportPeriod {
    pub kind: PeriodKind,
    pub year: i32,
}

impl ReportPeriod {
    pub fn new(kind: PeriodKind, year: i32) -> ReportPeriod {
        ReportPeriod { kind, year }
    }

    /// First and last day the report covers.
    pub fn covers(self) -> (Date, Date) {
        let start =
            Date::from_calendar_date(self.year, Month::January, 1).unwrap_or(date!(2000 - 01 - 01));
        let end = match self.kind {
            PeriodKind::SixMonth => Date::from_calendar_date(self.year, Month::June, 30),
            PeriodKind::Annual => Date::from_calendar_date(self.year, Month::December, 31),
        }
        .unwrap_or(start);
        (start, end)
    }

    /// The due date under a plan's entry.
    pub fn due(self, due: DueDay) -> Date {
        due.in_year(self.year)
    }

    /// "6 tháng đầu năm 2023" / "năm 2023": the period as a report title says it.
    pub fn title_vi(self) -> String {
        match self.kind {
            PeriodKind::SixMonth => format!("6 tháng đầu năm {}", self.year),
            PeriodKind::Annual => format!("năm {}", self.year),
        }
    }
}

/// The levels that report when the plan asks from `from`: `from` and every level above it
/// up to the province (hamlets never report).
pub fn reporting_levels(from: Level) -> Vec<Level> {
    [Level::Commune, Level::District, Level::Province]
        .into_iter()
        .filter(|l| l.rank() <= from.rank())
        .collect()
}

/// The level a unit of `level` reports to on `on`: a commune to its district before
/// 01/07/2025 and to its province after; a district to its province; a province to the
/// plan's recipient outside the unit tree (`None`).
pub fn recipient_level(level: Level, on: Date) -> Option<Level> {
    match level {
        Level::Commune if on < TWO_TIER_FROM => Some(Level::District),
        Level::Commune | Level::District => Some(Level::Province),
        Level::Province | Level::Hamlet => None,
    }
}

/// State of one report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    Draft,
    Submitted,
    Returned,
    Accepted,
}

impl ReportState {
    pub const ALL: [ReportState; 4] = [
        ReportState::Draft,
        ReportState::Submitted,
        ReportState::Returned,
        ReportState::Accepted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportState::Draft => "draft",
            ReportState::Submitted => "submitted",
            ReportState::Returned => "returned",
            ReportState::Accepted => "accepted",
        }
    }

    pub fn parse(s: &str) -> Option<ReportState> {
        ReportState::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
    }

    /// The reporting unit may still change the narrative.
    pub fn editable(self) -> bool {
        matches!(self, ReportState::Draft | ReportState::Returned)
    }

    /// Has reached the parent at least once and is not back with the unit.
    pub fn is_in(self) -> bool {
        matches!(self, ReportState::Submitted | ReportState::Accepted)
    }
}

/// What someone does to a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ReportAction {
    /// Opening the report (its first version).
    Create,
    /// Saving the narrative (a new version).
    Save,
    /// Sending it to the parent (first time, or again after a return).
    Submit,
    Accept,
    Return {
        reason: String,
    },
}

impl ReportAction {
    pub fn as_str(&self) -> &'static str {
        match self {
            ReportAction::Create => "create",
            ReportAction::Save => "save",
            ReportAction::Submit => "submit",
            ReportAction::Accept => "accept",
            ReportAction::Return { .. } => "return",
        }
    }

    /// Done by the parent (accept, return), not by the reporting unit.
    pub fn by_parent(&self) -> bool {
        matches!(self, ReportAction::Accept | ReportAction::Return { .. })
    }
}

/// Why an action or an input is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error(
        "báo cáo đã được gửi; không gửi lại được khi cấp trên chưa trả lại (the report was already submitted)"
    )]
    AlreadySubmitted,
    #[error("báo cáo đã được tiếp nhận; không thay đổi được nữa (the report was already accepted)")]
    AlreadyAccepted,
    #[error(
        "kỳ báo cáo đã được cấp trên khóa; không gửi báo cáo được nữa (the parent closed this report period)"
    )]
    PeriodClosed,
    #[error("báo cáo chưa được gửi (the report has not been submitted)")]
    NotSubmitted,
    #[error(
        "báo cáo đang chờ cấp trên xem xét; chỉ sửa được khi bị trả lại (the report is with the parent; it can be edited only once returned)"
    )]
    NotEditable,
    #[error("cần ghi lý do trả lại (a reason for returning is required)")]
    EmptyReason,
    #[error("{what} dài quá {max} ký tự (too long)")]
    TooLong { what: String, max: usize },
    #[error("hạn nộp \"{0}\" không hợp lệ; dùng MM-DD, ví dụ 06-25 (bad due day)")]
    BadDueDay(String),
    #[error("loại báo cáo \"{0}\" không hợp lệ; dùng six_month hoặc annual (bad report kind)")]
    BadKind(String),
    #[error("cấp báo cáo \"{0}\" không hợp lệ; dùng commune, district hoặc province (bad level)")]
    BadLevel(String),
}

/// The state after `action` on a report in `state`; `closed` tells whether the parent
/// closed the period. `Create` is only the first version (state `Draft`).
pub fn transition(
    state: ReportState,
    action: &ReportAction,
    closed: bool,
) -> Result<ReportState, ReportError> {
    use ReportState::*;
    match (action, state) {
        (ReportAction::Create, _) => Ok(Draft),
        (_, Accepted) => Err(ReportError::AlreadyAccepted),
        (ReportAction::Save, Draft | Returned) => Ok(state),
        (ReportAction::Save, Submitted) => Err(ReportError::NotEditable),
        (ReportAction::Submit, Submitted) => Err(ReportError::AlreadySubmitted),
        (ReportAction::Submit, Draft | Returned) if closed => Err(ReportError::PeriodClosed),
        (ReportAction::Submit, Draft | Returned) => Ok(Submitted),
        (ReportAction::Accept, Submitted) => Ok(Accepted),
        (ReportAction::Return { reason }, Submitted) => {
            let r = reason.trim();
            if r.is_empty() {
                Err(ReportError::EmptyReason)
            } else if r.chars().count() > MAX_REASON_CHARS {
                Err(ReportError::TooLong {
                    what: "lý do".into(),
                    max: MAX_REASON_CHARS,
                })
            } else {
                Ok(Returned)
            }
        }
        (ReportAction::Accept | ReportAction::Return { .. }, Draft | Returned) => {
            Err(ReportError::NotSubmitted)
        }
    }
}

/// Did a report come in on time?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Timeliness {
    /// Not submitted, and the due day has not passed (today may be the due day).
    Pending,
    /// Submitted on or before the due day.
    OnTime,
    /// Submitted `days` days after the due day.
    Late { days: i64 },
    /// Not submitted, `days` days after the due day.
    Missing { days: i64 },
}

impl Timeliness {
    pub fn as_str(self) -> &'static str {
        match self {
            Timeliness::Pending => "pending",
            Timeliness::OnTime => "on_time",
            Timeliness::Late { .. } => "late",
            Timeliness::Missing { .. } => "missing",
        }
    }
}

/// On time, late, missing or pending, from the due date, the day the report was first
/// submitted (`None`: never) and today.
pub fn timeliness(due: Date, first_submitted: Option<Date>, today: Date) -> Timeliness {
    match first_submitted {
        Some(d) if d <= due => Timeliness::OnTime,
        Some(d) => Timeliness::Late {
            days: (d - due).whole_days(),
        },
        None if today > due => Timeliness::Missing {
            days: (today - due).whole_days(),
        },
        None => Timeliness::Pending,
    }
}

/// The narrative of a report: the four customary sections.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Narrative {
    #[serde(default)]
    pub achievements: String,
    #[serde(default)]
    pub shortcomings: String,
    #[serde(default)]
    pub directions: String,
    #[serde(default)]
    pub proposals: String,
}

/// Keys of the narrative sections, in document order.
pub const SECTION_KEYS: [&str; 4] = ["achievements", "shortcomings", "directions", "proposals"];

/// The Vietnamese heading of a section as the document prints it.
pub fn section_title_vi(key: &str) -> &'static str {
    match key {
        "achievements" => "Kết quả đạt được",
        "shortcomings" => "Tồn tại, hạn chế",
        "directions" => "Phương hướng, nhiệm vụ",
        "proposals" => "Kiến nghị, đề xuất",
        _ => "",
    }
}

impl Narrative {
    /// The text of a section by key.
    pub fn get(&self, key: &str) -> &str {
        match key {
            "achievements" => &self.achievements,
            "shortcomings" => &self.shortcomings,
            "directions" => &self.directions,
            "proposals" => &self.proposals,
            _ => "",
        }
    }

    /// Sections in document order: (key, Vietnamese title, text).
    pub fn sections(&self) -> Vec<(&'static str, &'static str, &str)> {
        SECTION_KEYS
            .iter()
            .map(|k| (*k, section_title_vi(k), self.get(k)))
            .collect()
    }

    /// Trims line ends, normalizes line breaks and checks lengths.
    pub fn cleaned(self) -> Result<Narrative, ReportError> {
        fn clean(s: String, key: &str) -> Result<String, ReportError> {
            let s = s.replace("\r\n", "\n").replace('\r', "\n");
            let s = s
                .lines()
                .map(str::trim_end)
                .collect::<Vec<_>>()
                .join("\n")
                .trim()
                .to_owned();
            if s.chars().count() > MAX_SECTION_CHARS {
                return Err(ReportError::TooLong {
                    what: section_title_vi(key).to_owned(),
                    max: MAX_SECTION_CHARS,
                });
            }
            Ok(s)
        }
        Ok(Narrative {
            achievements: clean(self.achievements, "achievements")?,
            shortcomings: clean(self.shortcomings, "shortcomings")?,
            directions: clean(self.directions, "directions")?,
            proposals: clean(self.proposals, "proposals")?,
        })
    }
}

/// The place of a unit as a document's date line writes it: its name without the kind
/// ("Tỉnh Trà Vinh" → "Trà Vinh", "Thị trấn Châu Thành" → "Châu Thành").
pub fn place_name(name: &str, kind: &str) -> String {
    let n = name.trim();
    match n.strip_prefix(kind.trim()) {
        Some(rest) if !kind.trim().is_empty() && !rest.trim().is_empty() => rest.trim().to_owned(),
        _ => n.to_owned(),
    }
}

/// "Trà Vinh, ngày 25 tháng 6 năm 2023": the place and date line of an administrative
/// document (days below 10 and months below 3 are written with a leading zero).
pub fn place_date_line(place: &str, d: Date) -> String {
    let day = d.day();
    let month = u8::from(d.month());
    let day = if day < 10 {
        format!("0{day}")
    } else {
        day.to_string()
    };
    let month = if month < 3 {
        format!("0{month}")
    } else {
        month.to_string()
    };
    format!("{place}, ngày {day} tháng {month} năm {}", d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sched(kind: &str, due: &str, from: Option<&str>) -> ReportSchedule {
        ReportSchedule::new(kind, due, from, "Sở Nông nghiệp và Phát triển nông thôn").unwrap()
    }

    #[test]
    fn due_dates_of_the_seed_plans() {
        // Trà Vinh 2023: 25/6 and 15/12; HCMC: 15/6 and 15/11.
        let tv6 = sched("six_month", "06-25", Some("district"));
        let tv12 = sched("annual", "12-15", Some("district"));
        let hcm6 = sched("six_month", "06-15", None);
        let hcm11 = sched("annual", "11-15", None);
        let p6 = ReportPeriod::new(PeriodKind::SixMonth, 2023);
        let p12 = ReportPeriod::new(PeriodKind::Annual, 2023);
        assert_eq!(p6.due(tv6.due), date!(2023 - 06 - 25));
        assert_eq!(p12.due(tv12.due), date!(2023 - 12 - 15));
        assert_eq!(p6.due(hcm6.due), date!(2023 - 06 - 15));
        assert_eq!(p12.due(hcm11.due), date!(2023 - 11 - 15));
        assert_eq!(p6.covers(), (date!(2023 - 01 - 01), date!(2023 - 06 - 30)));
        assert_eq!(p12.covers(), (date!(2023 - 01 - 01), date!(2023 - 12 - 31)));
        assert_eq!(p6.title_vi(), "6 tháng đầu năm 2023");
        assert_eq!(p12.title_vi(), "năm 2023");
        assert_eq!(hcm6.from_level, Level::Commune);
        assert_eq!(tv6.from_level, Level::District);
    }

    #[test]
    fn bad_schedule_entries_are_refused() {
        for bad in [
            "6/25", "13-01", "04-31", "02-30", "00-10", "06-00", "", "06-",
        ] {
            assert!(
                matches!(DueDay::parse(bad), Err(ReportError::BadDueDay(_))),
                "{bad}"
            );
        }
        assert_eq!(DueDay::parse("6-5").unwrap(), DueDay { month: 6, day: 5 });
        // 29/02 exists in leap years only: 28/02 otherwise.
        let leap = DueDay::parse("02-29").unwrap();
        assert_eq!(leap.in_year(2024), date!(2024 - 02 - 29));
        assert_eq!(leap.in_year(2023), date!(2023 - 02 - 28));
        assert!(matches!(
            ReportSchedule::new("quarterly", "06-25", None, "x"),
            Err(ReportError::BadKind(_))
        ));
        assert!(matches!(
            ReportSchedule::new("annual", "06-25", Some("hamlet"), "x"),
            Err(ReportError::BadLevel(_))
        ));
        assert_eq!(PeriodKind::parse("six-month"), Some(PeriodKind::SixMonth));
    }

    #[test]
    fn who_reports_and_to_whom() {
        assert_eq!(
            reporting_levels(Level::Commune),
            vec![Level::Commune, Level::District, Level::Province]
        );
        assert_eq!(
            reporting_levels(Level::District),
            vec![Level::District, Level::Province]
        );
        let tv = sched("six_month", "06-25", Some("district"));
        assert!(!tv.reports(Level::Commune));
        assert!(tv.reports(Level::District));
        // Districts were abolished on 01/07/2025: the day before, a commune reports to
        // its district; on that day and after, to the province.
        assert_eq!(
            recipient_level(Level::Commune, date!(2025 - 06 - 30)),
            Some(Level::District)
        );
        assert_eq!(
            recipient_level(Level::Commune, date!(2025 - 07 - 01)),
            Some(Level::Province)
        );
        assert_eq!(
            recipient_level(Level::District, date!(2023 - 06 - 25)),
            Some(Level::Province)
        );
        assert_eq!(
            recipient_level(Level::Province, date!(2023 - 06 - 25)),
            None
        );
    }

    #[test]
    fn state_machine() {
        use ReportState::*;
        let ret = ReportAction::Return {
            reason: "Thiếu số liệu tập huấn".into(),
        };
        assert_eq!(transition(Draft, &ReportAction::Save, false), Ok(Draft));
        assert_eq!(
            transition(Draft, &ReportAction::Submit, false),
            Ok(Submitted)
        );
        // Submitting twice is refused, not duplicated.
        assert_eq!(
            transition(Submitted, &ReportAction::Submit, false),
            Err(ReportError::AlreadySubmitted)
        );
        assert_eq!(
            transition(Submitted, &ReportAction::Save, false),
            Err(ReportError::NotEditable)
        );
        assert_eq!(transition(Submitted, &ret, false), Ok(Returned));
        assert_eq!(
            transition(
                Submitted,
                &ReportAction::Return {
                    reason: "  ".into()
                },
                false
            ),
            Err(ReportError::EmptyReason)
        );
        assert_eq!(
            transition(Returned, &ReportAction::Save, false),
            Ok(Returned)
        );
        assert_eq!(
            transition(Returned, &ReportAction::Submit, false),
            Ok(Submitted)
        );
        assert_eq!(
            transition(Submitted, &ReportAction::Accept, false),
            Ok(Accepted)
        );
        // Accept and return are allowed after the period is closed; submitting is not.
        assert_eq!(
            transition(Submitted, &ReportAction::Accept, true),
            Ok(Accepted)
        );
        assert_eq!(
            transition(Draft, &ReportAction::Submit, true),
            Err(ReportError::PeriodClosed)
        );
        assert_eq!(
            transition(Returned, &ReportAction::Submit, true),
            Err(ReportError::PeriodClosed)
        );
        for a in [
            ReportAction::Save,
            ReportAction::Submit,
            ReportAction::Accept,
            ret.clone(),
        ] {
            assert_eq!(
                transition(Accepted, &a, false),
                Err(ReportError::AlreadyAccepted),
                "{a:?}"
            );
        }
        assert_eq!(
            transition(Draft, &ReportAction::Accept, false),
            Err(ReportError::NotSubmitted)
        );
        assert_eq!(
            transition(Returned, &ret, false),
            Err(ReportError::NotSubmitted)
        );
        assert!(ret.by_parent() && !ReportAction::Submit.by_parent());
        for s in ReportState::ALL {
            assert_eq!(ReportState::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn on_time_late_missing_at_the_edges() {
        let due = date!(2023 - 06 - 25);
        // The due day itself is on time.
        assert_eq!(timeliness(due, Some(due), due), Timeliness::OnTime);
        assert_eq!(
            timeliness(due, Some(date!(2023 - 06 - 01)), date!(2023 - 12 - 01)),
            Timeliness::OnTime
        );
        assert_eq!(
            timeliness(due, Some(date!(2023 - 06 - 26)), date!(2023 - 06 - 26)),
            Timeliness::Late { days: 1 }
        );
        // Not submitted: pending up to and including the due day, missing the day after.
        assert_eq!(
            timeliness(due, None, date!(2023 - 06 - 24)),
            Timeliness::Pending
        );
        assert_eq!(timeliness(due, None, due), Timeliness::Pending);
        assert_eq!(
            timeliness(due, None, date!(2023 - 06 - 26)),
            Timeliness::Missing { days: 1 }
        );
        assert_eq!(
            timeliness(due, None, date!(2024 - 06 - 25)),
            Timeliness::Missing { days: 366 }
        );
    }

    #[test]
    fn narrative_is_cleaned_and_bounded() {
        let n = Narrative {
            achievements: "  Đạt 30 %  \r\nvà hơn   \r\n".into(),
            ..Default::default()
        }
        .cleaned()
        .unwrap();
        assert_eq!(n.achievements, "Đạt 30 %\nvà hơn");
        let long = Narrative {
            proposals: "x".repeat(MAX_SECTION_CHARS + 1),
            ..Default::default()
        };
        assert!(matches!(long.cleaned(), Err(ReportError::TooLong { .. })));
        let titles: Vec<&str> = Narrative::default()
            .sections()
            .iter()
            .map(|s| s.1)
            .collect();
        assert_eq!(
            titles,
            [
                "Kết quả đạt được",
                "Tồn tại, hạn chế",
                "Phương hướng, nhiệm vụ",
                "Kiến nghị, đề xuất"
            ]
        );
    }

    #[test]
    fn place_and_date_line() {
        assert_eq!(place_name("Tỉnh Trà Vinh", "Tỉnh"), "Trà Vinh");
        assert_eq!(place_name("Thị trấn Châu Thành", "Thị trấn"), "Châu Thành");
        assert_eq!(
            place_name("Thành phố Hồ Chí Minh", "Thành phố"),
            "Hồ Chí Minh"
        );
        assert_eq!(place_name("Trà Vinh", ""), "Trà Vinh");
        assert_eq!(
            place_date_line("Trà Vinh", date!(2023 - 06 - 25)),
            "Trà Vinh, ngày 25 tháng 6 năm 2023"
        );
        assert_eq!(
            place_date_line("Càng Long", date!(2024 - 02 - 05)),
            "Càng Long, ngày 05 tháng 02 năm 2024"
        );
        assert_eq!(
            place_date_line("Càng Long", date!(2024 - 12 - 15)),
            "Càng Long, ngày 15 tháng 12 năm 2024"
        );
    }
}
