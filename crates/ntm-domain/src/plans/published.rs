//! Plan progress as open data (`docs/open-data.md`, collection `plan-progress`): which
//! actuals may be published, the units a target is reported for, and how a unit's figure
//! is made from the units under it. The dashboards compute on current values; the published
//! figures read only what is verified or public.
//!
//! - [`actual_basis`]: a target on a criteria set (`share_meeting`, `count_meeting`) reads
//!   **verified values**; a target computed from the commune portal (`portal.*`) reads
//!   **public records** (published posts, broadcasts marked held: the portal's public DX
//!   page shows them); entered plan measures (`measure`, `count`) have no verification step
//!   and feedback figures (`feedback.*`) count reports not reviewed yet or rejected: both
//!   are **not published** (the target is, its actual stays missing).
//! - [`scope_levels`]: a unit gets a figure for the target's levels at or below its own (a
//!   district: its districts and communes; a province-level target only at the province).
//! - [`meeting_actual`]: units meeting / units, but missing when no unit has data.
//! - [`combine_levels`]: several levels give the lowest figure, missing if any is missing
//!   (every level must meet the target, as the dashboard judges it).

use crate::measures::Module;
use crate::units::Level;

use super::Metric;

/// Where a published actual comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActualBasis {
    /// The latest verified value of each indicator (never a draft, submitted or returned).
    VerifiedValues,
    /// Records the public can already see (the commune portal's posts and broadcasts).
    PublicRecords,
    /// Not published: the actual is left missing.
    NotPublished,
}

impl ActualBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            ActualBasis::VerifiedValues => "verified_values",
            ActualBasis::PublicRecords => "public_records",
            ActualBasis::NotPublished => "not_published",
        }
    }
}

/// What a target's published actual may read (see the module's notes).
pub fn actual_basis(metric: &Metric) -> ActualBasis {
    match metric {
        Metric::ShareMeeting { .. } | Metric::CountMeeting { .. } => ActualBasis::VerifiedValues,
        Metric::Computed { measure, .. } => match measure.module() {
            Module::Portal => ActualBasis::PublicRecords,
            Module::Feedback => ActualBasis::NotPublished,
        },
        Metric::Measure { .. } | Metric::Count { .. } => ActualBasis::NotPublished,
    }
}

/// The target's levels a unit of level `scope` gets a figure for: those at or below it
/// (empty: the unit is above none of them and gets no feature).
pub fn scope_levels(metric_levels: &[Level], scope: Level) -> Vec<Level> {
    metric_levels
        .iter()
        .copied()
        .filter(|l| l.rank() >= scope.rank())
        .collect()
}

/// `share_meeting` (percent of `units`) or `count_meeting` (the number) from the units
/// meeting it; missing when none of the units has data (not 0: nothing is known).
pub fn meeting_actual(met: u32, units: u32, with_data: u32, share: bool) -> Option<f64> {
    if with_data == 0 {
        return None;
    }
    if share {
        super::share_pct(met, units)
    } else {
        Some(f64::from(met))
    }
}

/// One figure from the figures of several levels: the lowest, missing when there are none or
/// any is missing.
pub fn combine_levels(levels: &[Option<f64>]) -> Option<f64> {
    let mut out: Option<f64> = None;
    for l in levels {
        let v = (*l)?;
        out = Some(out.map_or(v, |o| o.min(v)));
    }
    out
}
