//! Indicators computed from the platform's records (`ntm_domain::measures`): when a module
//! writes (a feedback report filed or answered, a post published, a broadcast marked held),
//! the bound indicators of the unit are computed again and, when their value changed,
//! written as a new version of the value with source `computed` (a draft, submitted and
//! verified like any value). A daily pass does the same for every unit with records, since
//! a month or a week without a post or a broadcast changes a value with no write at all.
//! Officers cannot type a value of a bound indicator.

mod compute;
mod refresh;

pub use compute::{ComputedValue, computed_values, measure_of};
pub use refresh::{refresh, refresh_after_write, spawn_daily_measures};
