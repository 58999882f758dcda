//! Plans and their targets as data (`docs/plans-format.md`), the measures a target can use,
//! and the target status rule.
//!
//! - [`parse_measures`] reads the measure catalogue (`data/plans/measures.yaml`).
//! - [`parse_plan`] reads one plan file and checks it against the measures and the criteria
//!   [`Catalog`]: a metric kind, set id, indicator code or measure that does not exist is an
//!   error naming `file:line: field`.
//! - [`target_status`] is the status rule (met / on track / at risk / off track / no data),
//!   by linear progress from the plan's start to the target's due date.
//! - [`aggregate`] turns the values of the units of a level into the level's actual.
//! - [`actual_basis`], [`scope_levels`], [`meeting_actual`], [`combine_levels`]: plan
//!   progress as open data (what may be published, per unit).
//!
//! Pure: no IO, no clock; "today" is passed in.

mod load;
mod published;
mod status;

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests;

use std::fmt;

use serde::Serialize;
use time::Date;

use crate::criteria::ValueKind;
use crate::text::format_date_vi;
use crate::units::Level;

pub use load::{PLAN_FORMAT, parse_measures, parse_plan};
pub use published::{ActualBasis, actual_basis, combine_levels, meeting_actual, scope_levels};
pub use status::{AT_RISK_RATIO, StatusInput, TargetStatus, expected_at, target_status};

/// A problem in a plan or measure file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanError {
    pub file: String,
    /// 1-based line; 0 when not tied to a line.
    pub line: usize,
    /// Path of the field, e.g. `targets[3].metric.kind`.
    pub field: String,
    pub message: String,
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if !self.field.is_empty() {
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for PlanError {}

/// What kind of value a measure takes for one unit and year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureKind {
    /// A percentage 0–100.
    Percent,
    /// Yes or no.
    YesNo,
    /// A count (0, 1, 2…).
    Count,
}

impl MeasureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MeasureKind::Percent => "percent",
            MeasureKind::YesNo => "yes_no",
            MeasureKind::Count => "count",
        }
    }

    pub fn parse(s: &str) -> Option<MeasureKind> {
        [MeasureKind::Percent, MeasureKind::YesNo, MeasureKind::Count]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    /// How units' values of this kind combine over a level, unless a target says otherwise.
    pub fn default_aggregate(self) -> Aggregate {
        match self {
            MeasureKind::Percent => Aggregate::Average,
            MeasureKind::YesNo => Aggregate::ShareTrue,
            MeasureKind::Count => Aggregate::Sum,
        }
    }

    /// Parses a value typed by a person: `45`, `45,5`, `45.5`, `45 %` for a percent (0–100);
    /// `có`/`không`, `yes`/`no`, `1`/`0`, `true`/`false` for yes/no; a whole number ≥ 0 for a
    /// count. Returns the value as a number (yes = 1, no = 0) or why it was refused.
    pub fn parse_value(self, text: &str) -> Result<f64, String> {
        let t = text.trim();
        if t.is_empty() {
            return Err("empty value".into());
        }
        match self {
            MeasureKind::YesNo => match t.to_lowercase().as_str() {
                "có" | "co" | "yes" | "true" | "1" | "đạt" => Ok(1.0),
                "không" | "khong" | "no" | "false" | "0" | "chưa" => Ok(0.0),
                _ => Err(format!("\"{t}\" is not yes/no (có/không)")),
            },
            MeasureKind::Percent => {
                let n = parse_number(t.trim_end_matches('%').trim())
                    .ok_or_else(|| format!("\"{t}\" is not a number"))?;
                if !(0.0..=100.0).contains(&n) {
                    return Err(format!("{n} is not a percentage between 0 and 100"));
                }
                Ok(n)
            }
            MeasureKind::Count => {
                let n = parse_number(t).ok_or_else(|| format!("\"{t}\" is not a number"))?;
                if n < 0.0 || n.fract() != 0.0 || n > 1.0e9 {
                    return Err(format!("{n} is not a whole number ≥ 0"));
                }
                Ok(n)
            }
        }
    }
}

/// `45`, `45,5` (vi) or `45.5`; a dot followed by exactly three digits with no comma is a
/// thousands separator only for counts, so we keep it simple: one separator = decimal mark.
fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    if s.is_empty() || s.chars().filter(|c| *c == ',' || *c == '.').count() > 1 {
        return None;
    }
    let n: f64 = s.replace(',', ".").parse().ok()?;
    n.is_finite().then_some(n)
}

/// A measure: a value entered per unit and year (`data/plans/measures.yaml`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasureDef {
    pub code: String,
    pub kind: MeasureKind,
    pub name_vi: String,
    pub name_en: String,
    /// Levels a value may be entered for.
    pub levels: Vec<Level>,
}

/// How the values of a level's units become the level's actual.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    /// Average of the units' percentages (units without a value are left out).
    Average,
    /// Percentage of units with "yes" among the units with a value.
    ShareTrue,
    /// Sum of counts.
    Sum,
}

impl Aggregate {
    pub fn as_str(self) -> &'static str {
        match self {
            Aggregate::Average => "average",
            Aggregate::ShareTrue => "share_true",
            Aggregate::Sum => "sum",
        }
    }

    pub fn parse(s: &str) -> Option<Aggregate> {
        [Aggregate::Average, Aggregate::ShareTrue, Aggregate::Sum]
            .into_iter()
            .find(|a| a.as_str() == s)
    }

    /// The kind of measure this aggregate applies to.
    pub fn fits(self, kind: MeasureKind) -> bool {
        matches!(
            (self, kind),
            (Aggregate::Average, MeasureKind::Percent)
                | (Aggregate::ShareTrue, MeasureKind::YesNo)
                | (Aggregate::Sum, MeasureKind::Count)
        )
    }
}

/// Combines the values of units (`None` = no value entered): `None` when no unit has a value
/// (no data — never 0).
pub fn aggregate(agg: Aggregate, values: &[Option<f64>]) -> Option<f64> {
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    if known.is_empty() {
        return None;
    }
    let n = known.len() as f64;
    Some(match agg {
        Aggregate::Average => known.iter().sum::<f64>() / n,
        Aggregate::ShareTrue => known.iter().filter(|v| **v >= 0.5).count() as f64 * 100.0 / n,
        Aggregate::Sum => known.iter().sum(),
    })
}

/// The actual of a [`Metric::Computed`] from each unit's computed value (`None`: the unit
/// has no value yet, e.g. no complete month; left out like a unit without an entry). Yes/no
/// values are 1 and 0. `None` when no unit has a value.
pub fn computed_actual(
    measure: crate::measures::MeasureKey,
    at_least: Option<f64>,
    values: &[Option<f64>],
) -> Option<f64> {
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    if known.is_empty() {
        return None;
    }
    let n = known.len() as f64;
    let share =
        |hit: &dyn Fn(f64) -> bool| known.iter().filter(|v| hit(**v)).count() as f64 * 100.0 / n;
    Some(match (at_least, measure.value_kind()) {
        (Some(x), _) => share(&|v| TargetOp::AtLeast.holds(v, x)),
        (None, ValueKind::Boolean) => share(&|v| v >= 0.5),
        (None, ValueKind::Count) => known.iter().sum(),
        (None, _) => known.iter().sum::<f64>() / n,
    })
}

/// `part` of `whole` in percent; `None` when `whole` is 0.
pub fn share_pct(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) * 100.0 / f64::from(whole))
}

/// The target's comparison. Targets are minimums ("at least", "more than").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum TargetOp {
    #[serde(rename = ">=")]
    AtLeast,
    #[serde(rename = ">")]
    MoreThan,
}

impl TargetOp {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetOp::AtLeast => ">=",
            TargetOp::MoreThan => ">",
        }
    }

    /// `≥` or `>` for display.
    pub fn symbol(self) -> &'static str {
        match self {
            TargetOp::AtLeast => "≥",
            TargetOp::MoreThan => ">",
        }
    }

    pub fn parse(s: &str) -> Option<TargetOp> {
        match s.trim() {
            ">=" | "≥" => Some(TargetOp::AtLeast),
            ">" => Some(TargetOp::MoreThan),
            _ => None,
        }
    }

    pub fn holds(self, actual: f64, target: f64) -> bool {
        // A tolerance for values computed as shares (2/3*100 vs 66.67 typed).
        const EPS: f64 = 1e-9;
        match self {
            TargetOp::AtLeast => actual >= target - EPS,
            TargetOp::MoreThan => actual > target + EPS,
        }
    }
}

/// What a target measures.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Metric {
    /// A measure entered per unit and year, combined over the units of each level.
    Measure {
        measure: String,
        levels: Vec<Level>,
        aggregate: Aggregate,
    },
    /// Percentage of the units of `level` in the province meeting `indicator` of `set` (the
    /// whole set when no indicator).
    ShareMeeting {
        set: String,
        indicator: Option<String>,
        level: Level,
    },
    /// Number of the units of `level` meeting `indicator` of `set` (the whole set when none).
    CountMeeting {
        set: String,
        indicator: Option<String>,
        level: Level,
    },
    /// A count entered for the province and year (e.g. smart pilot models).
    Count { of: String, level: Level },
    /// A measure computed from the platform's records for each unit of `level`
    /// (`crate::measures`: DX posts, loudspeaker weeks, feedback answered on time…): with
    /// `at_least`, the percentage of the units whose value reaches it ("communes posting at
    /// least 2 DX posts a month"); otherwise the share of units answering yes (a yes/no
    /// measure), the sum (a count) or the average (a percentage or a number).
    Computed {
        measure: crate::measures::MeasureKey,
        level: Level,
        at_least: Option<f64>,
    },
}

impl Metric {
    pub fn kind_str(&self) -> &'static str {
        match self {
            Metric::Measure { .. } => "measure",
            Metric::ShareMeeting { .. } => "share_meeting",
            Metric::CountMeeting { .. } => "count_meeting",
            Metric::Count { .. } => "count",
            Metric::Computed { .. } => "computed",
        }
    }

    /// The levels the actual is computed for.
    pub fn levels(&self) -> Vec<Level> {
        match self {
            Metric::Measure { levels, .. } => levels.clone(),
            Metric::ShareMeeting { level, .. }
            | Metric::CountMeeting { level, .. }
            | Metric::Count { level, .. }
            | Metric::Computed { level, .. } => vec![*level],
        }
    }

    /// The measure entered by hand, if any.
    pub fn measure_code(&self) -> Option<&str> {
        match self {
            Metric::Measure { measure, .. } => Some(measure),
            Metric::Count { of, .. } => Some(of),
            _ => None,
        }
    }

    /// Is the actual a percentage (else a count)?
    pub fn is_percent(&self) -> bool {
        match self {
            Metric::CountMeeting { .. } | Metric::Count { .. } => false,
            Metric::Computed {
                measure, at_least, ..
            } => {
                at_least.is_some()
                    || matches!(
                        measure.value_kind(),
                        ValueKind::Boolean | ValueKind::Percent
                    )
            }
            _ => true,
        }
    }
}

/// One target of a plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    /// Unique in the plan.
    pub code: String,
    pub text: String,
    pub metric: Metric,
    pub op: TargetOp,
    pub value: f64,
    /// The year by the end of which the target is due.
    pub due: i32,
    /// Section of the plan document (e.g. `II.1.a`).
    pub cite: Option<String>,
    /// Responsible agency as named in the document.
    pub agency: Option<String>,
    /// Where the document names that agency.
    pub agency_cite: Option<String>,
    /// Value at the plan's start, when known (linear progress starts there; 0 otherwise).
    pub baseline: Option<f64>,
    /// Caveats of the summary (e.g. a mapping to an indicator to check).
    pub note: Option<String>,
    /// 1-based line in the file.
    pub line: usize,
}

/// Kind of a periodic report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    SixMonth,
    Annual,
}

impl ReportKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::SixMonth => "six_month",
            ReportKind::Annual => "annual",
        }
    }

    pub fn parse(s: &str) -> Option<ReportKind> {
        match s {
            "six_month" => Some(ReportKind::SixMonth),
            "annual" => Some(ReportKind::Annual),
            _ => None,
        }
    }
}

/// A periodic report the plan asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportDue {
    pub kind: ReportKind,
    /// Due month and day of each year (`"06-25"` → (6, 25)).
    pub due_month: u8,
    pub due_day: u8,
    /// Level of the units that send it, when the plan says.
    pub from_level: Option<Level>,
    /// To whom.
    pub to: String,
}

impl ReportDue {
    /// The due date in `year` (`None` for 29 February in a common year).
    pub fn due_in(&self, year: i32) -> Option<Date> {
        let m = time::Month::try_from(self.due_month).ok()?;
        Date::from_calendar_date(year, m, self.due_day).ok()
    }
}

/// A task of the plan's agency task list (the HCMC appendix).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanTask {
    /// Unique in the plan (e.g. `I.1`).
    pub code: String,
    /// Section heading.
    pub section: Option<String>,
    pub text: String,
    /// Lead agencies (cơ quan chủ trì).
    pub lead: Vec<String>,
    /// Coordinating agencies (cơ quan phối hợp), as written.
    pub coordinating: Option<String>,
    pub from_year: i32,
    pub to_year: i32,
    pub note: Option<String>,
}

/// Status of a tracked task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    NotStarted,
    InProgress,
    Done,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 3] = [
        TaskStatus::NotStarted,
        TaskStatus::InProgress,
        TaskStatus::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "not_started",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<TaskStatus> {
        TaskStatus::ALL.into_iter().find(|t| t.as_str() == s.trim())
    }
}

impl PlanTask {
    /// "Late" is derived, never stored: not done and `today` is after 31 December of the
    /// task's last year.
    pub fn is_late(&self, status: TaskStatus, today: Date) -> bool {
        status != TaskStatus::Done && today.year() > self.to_year
    }
}

/// A plan: who issued it, its period, targets, reports and tasks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub id: String,
    pub name: String,
    /// Number of the document (`38/KH-UBND`), when known.
    pub document: Option<String>,
    /// Kind of the document the plan is cited by (`Kế hoạch`, `Quyết định`), when known.
    pub document_type: Option<String>,
    /// Caveat shown with the citation (e.g. "bản tin tóm tắt, không có số văn bản").
    pub document_note: Option<String>,
    pub issued: Option<Date>,
    pub issuer: Option<String>,
    /// Code of the province the plan covers.
    pub province: String,
    /// Part of the province it covers, as written (e.g. the rural districts of HCMC).
    pub scope: Option<String>,
    pub period_from: Date,
    pub period_to: Date,
    /// Agency leading the whole plan, as the document names it.
    pub lead_agency: Option<String>,
    pub lead_agency_cite: Option<String>,
    /// Internal note on where the summary was read (a seed file): never shown as the
    /// plan's source; the document is cited by [`Plan::citation`].
    pub provenance: Option<String>,
    pub notes: Option<String>,
    pub reports: Vec<ReportDue>,
    pub targets: Vec<Target>,
    pub tasks: Vec<PlanTask>,
}

impl Plan {
    /// Short reference to the document, as a report cites it: "Kế hoạch số 38/KH-UBND";
    /// without a number, "Kế hoạch ngày 23/03/2023 của UBND tỉnh Cao Bằng".
    pub fn reference(&self) -> String {
        let kind = self.document_type.as_deref().unwrap_or("Kế hoạch");
        match &self.document {
            Some(n) => format!("{kind} số {n}"),
            None => {
                let mut s = kind.to_string();
                if let Some(d) = self.issued {
                    s.push_str(&format!(" ngày {}", format_date_vi(d)));
                }
                if let Some(i) = &self.issuer {
                    s.push_str(&format!(" của {i}"));
                }
                s
            }
        }
    }

    /// Citation of the document: kind, number, date and issuer, e.g. "Kế hoạch số
    /// 38/KH-UBND ngày 18/04/2023 của UBND tỉnh Trà Vinh". The title is [`Plan::name`];
    /// the caveat, if any, is [`Plan::document_note`] (shown beside it on pages).
    pub fn citation(&self) -> String {
        let mut s = self
            .document_type
            .as_deref()
            .unwrap_or("Kế hoạch")
            .to_string();
        if let Some(n) = &self.document {
            s.push_str(&format!(" số {n}"));
        }
        if let Some(d) = self.issued {
            s.push_str(&format!(" ngày {}", format_date_vi(d)));
        }
        if let Some(i) = &self.issuer {
            s.push_str(&format!(" của {i}"));
        }
        s
    }

    pub fn target(&self, code: &str) -> Option<&Target> {
        self.targets.iter().find(|t| t.code == code)
    }

    /// Agency responsible for a target: its own, else the plan's lead (`true` when inherited).
    pub fn agency_of<'a>(&'a self, t: &'a Target) -> Option<(&'a str, bool)> {
        t.agency
            .as_deref()
            .map(|a| (a, false))
            .or_else(|| self.lead_agency.as_deref().map(|a| (a, true)))
    }

    /// Every agency named by a target (own or inherited), sorted, once each.
    pub fn agencies(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .targets
            .iter()
            .filter_map(|t| self.agency_of(t).map(|(a, _)| a.to_string()))
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// Years from the start of the period to the last due year (for trends).
    pub fn years(&self) -> std::ops::RangeInclusive<i32> {
        let last = self
            .targets
            .iter()
            .map(|t| t.due)
            .max()
            .unwrap_or(self.period_to.year())
            .max(self.period_to.year());
        self.period_from.year()..=last
    }

    /// The year a plan page or export shows when none is asked for: this year, kept
    /// inside the plan's years.
    pub fn default_year(&self, this_year: i32) -> i32 {
        let years = self.years();
        this_year.min(*years.end()).max(*years.start())
    }
}
