//! The target status rule.
//!
//! Given the actual value on a day `as_of`, a target `op value` due by the end of year `due`,
//! and the plan's start date:
//!
//! 1. no actual → **no data** (never "off track": nothing is known);
//! 2. the actual satisfies `op value` (`>=`: actual ≥ value; `>`: actual > value) → **met**,
//!    whatever the date;
//! 3. `as_of` is on or after the due date (31 December of the due year) → **off track**
//!    (the deadline is reached and the target is not met);
//! 4. otherwise the expected value grows linearly from the baseline (0 unless the plan gives
//!    one) on the start date to the target value on the due date:
//!    `expected = baseline + (value − baseline) × f`, `f = days(start → as_of) / days(start →
//!    due)`, clamped to 0…1. Before the start (f = 0) nothing is expected yet → **on track**.
//!    With `r = (actual − baseline) / (expected − baseline)`: r ≥ 1 → **on track**;
//!    r ≥ [`AT_RISK_RATIO`] (0.8) → **at risk**; below → **off track**.

use serde::Serialize;
use time::{Date, Month};

use super::TargetOp;

/// Progress of at least this share of what is expected by now is "at risk", below it
/// "off track".
pub const AT_RISK_RATIO: f64 = 0.8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetStatus {
    Met,
    OnTrack,
    AtRisk,
    OffTrack,
    NoData,
}

impl TargetStatus {
    pub const ALL: [TargetStatus; 5] = [
        TargetStatus::Met,
        TargetStatus::OnTrack,
        TargetStatus::AtRisk,
        TargetStatus::OffTrack,
        TargetStatus::NoData,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TargetStatus::Met => "met",
            TargetStatus::OnTrack => "on_track",
            TargetStatus::AtRisk => "at_risk",
            TargetStatus::OffTrack => "off_track",
            TargetStatus::NoData => "no_data",
        }
    }

    /// Vietnamese words (for files made outside the web layer: XLSX, PDF).
    pub fn label_vi(self) -> &'static str {
        match self {
            TargetStatus::Met => "Đạt",
            TargetStatus::OnTrack => "Đúng tiến độ",
            TargetStatus::AtRisk => "Có nguy cơ chậm",
            TargetStatus::OffTrack => "Chậm tiến độ",
            TargetStatus::NoData => "Chưa có số liệu",
        }
    }
}

/// Everything the rule needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StatusInput {
    pub op: TargetOp,
    pub value: f64,
    pub baseline: Option<f64>,
    /// Start of the plan's period.
    pub start: Date,
    /// Due year: the target is due on 31 December of it.
    pub due: i32,
    /// The day the actual describes (end of the evaluated year, or today if earlier).
    pub as_of: Date,
    pub actual: Option<f64>,
}

fn dec31(year: i32) -> Date {
    Date::from_calendar_date(year, Month::December, 31).unwrap_or(Date::MAX)
}

/// The value expected on `as_of` by linear progress (rule 4).
pub fn expected_at(i: &StatusInput) -> f64 {
    let base = i.baseline.unwrap_or(0.0);
    let due = dec31(i.due);
    let total = (due - i.start).whole_days();
    let f = if total <= 0 {
        1.0
    } else {
        ((i.as_of - i.start).whole_days() as f64 / total as f64).clamp(0.0, 1.0)
    };
    base + (i.value - base) * f
}

/// The status of a target (see the module documentation for the rule).
pub fn target_status(i: &StatusInput) -> TargetStatus {
    let Some(actual) = i.actual else {
        return TargetStatus::NoData;
    };
    if i.op.holds(actual, i.value) {
        return TargetStatus::Met;
    }
    if i.as_of >= dec31(i.due) {
        return TargetStatus::OffTrack;
    }
    let base = i.baseline.unwrap_or(0.0);
    let expected = expected_at(i);
    if expected <= base {
        return TargetStatus::OnTrack;
    }
    let r = (actual - base) / (expected - base);
    if r >= 1.0 {
        TargetStatus::OnTrack
    } else if r >= AT_RISK_RATIO {
        TargetStatus::AtRisk
    } else {
        TargetStatus::OffTrack
    }
}
