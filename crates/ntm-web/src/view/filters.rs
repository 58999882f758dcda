//! Askama filters for Vietnamese dates, times and numbers (`{{ x.when|date_time }}`): a page
//! module brings them into its templates' scope with `use crate::view::filters;`. Each one
//! calls [`super::format`], which handlers use directly.

use std::convert::Infallible;

use time::{Date, OffsetDateTime};

use super::format;

/// `{{ t|date_time }}` → "29/11/2026 14:05" (Vietnam's time).
#[askama::filter_fn]
pub fn date_time(t: &OffsetDateTime, _: &dyn askama::Values) -> Result<String, Infallible> {
    Ok(format::date_time(*t))
}

/// `{{ t|time_date }}` → "14:05 29/11/2026" (Vietnam's time).
#[askama::filter_fn]
pub fn time_date(t: &OffsetDateTime, _: &dyn askama::Values) -> Result<String, Infallible> {
    Ok(format::time_date(*t))
}

/// `{{ d|date }}` → "29/11/2026".
#[askama::filter_fn]
pub fn date(d: &Date, _: &dyn askama::Values) -> Result<String, Infallible> {
    Ok(format::date(*d))
}
