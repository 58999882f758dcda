//! Askama filters for Vietnamese dates, times and numbers (`{{ x.when|date_time }}`): a page
//! module brings them into its templates' scope with `use crate::view::filters;`. Each one
//! calls [`super::format`], which handlers use directly.

use std::borrow::Borrow;
use std::convert::Infallible;

use time::{Date, OffsetDateTime};

use super::format;
use crate::i18n::Lang;

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

/// `{{ n|whole(ctx.lang) }}` → "1.234" (vi), "1,234" (en).
#[askama::filter_fn]
pub fn whole<T: Borrow<u32>>(
    n: T,
    _: &dyn askama::Values,
    lang: &Lang,
) -> Result<String, Infallible> {
    Ok(lang.int(i64::from(*n.borrow())))
}

/// `{{ x|decimal(ctx.lang) }}` → "1.234,5" (vi), "1,234.5" (en): one decimal.
#[askama::filter_fn]
pub fn decimal<T: Borrow<f64>>(
    x: T,
    _: &dyn askama::Values,
    lang: &Lang,
) -> Result<String, Infallible> {
    Ok(format::number(*lang, *x.borrow(), 1))
}
