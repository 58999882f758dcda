//! The query parameters of `/collections/{id}/items`.

use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, UtcOffset};

use crate::area::Bbox;

/// Features on a page when `limit` is not given.
pub const DEFAULT_LIMIT: u32 = 100;
/// The largest `limit` accepted (a larger one is refused, not clamped).
pub const MAX_LIMIT: u32 = 1000;

/// A bad query parameter, worded for the problem details' `detail` (English, as the API).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParamError {
    #[error(
        "bbox must be 4 numbers (min lon, min lat, max lon, max lat) or 6 (with heights), separated by commas; got {0} value(s)"
    )]
    BboxArity(usize),
    #[error("bbox value {0:?} is not a number")]
    BboxNumber(String),
    #[error(
        "bbox longitudes must lie within -180..180 and latitudes within -90..90 (WGS84, CRS84 order lon,lat)"
    )]
    BboxRange,
    #[error(
        "bbox corners are swapped: the lower-left corner ({0}, {1}) must come first, then the upper-right ({2}, {3})"
    )]
    BboxSwapped(f64, f64, f64, f64),
    #[error("limit {0:?} is not a whole number")]
    LimitNumber(String),
    #[error("limit must be between 1 and {MAX_LIMIT}; got {0}")]
    LimitRange(i64),
    #[error(
        "datetime {0:?} is not an RFC 3339 date (2024-05-01), date-time (2024-05-01T08:00:00Z) or interval (start/end, with .. for an open end)"
    )]
    Datetime(String),
    #[error("datetime interval {0:?} ends before it starts")]
    DatetimeOrder(String),
    #[error("datetime interval {0:?} is open at both ends")]
    DatetimeOpen(String),
}

/// `bbox=minLon,minLat,maxLon,maxLat` (or the six-number form with heights, which are
/// ignored), in CRS84. A box crossing the antimeridian is refused as swapped: nothing this
/// server publishes lies near it.
pub fn parse_bbox(text: &str) -> Result<Bbox, ParamError> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    let mut nums = Vec::with_capacity(parts.len());
    for p in &parts {
        let n: f64 = p
            .parse()
            .map_err(|_| ParamError::BboxNumber((*p).to_string()))?;
        if !n.is_finite() {
            return Err(ParamError::BboxNumber((*p).to_string()));
        }
        nums.push(n);
    }
    let (x1, y1, x2, y2) = match nums.as_slice() {
        [a, b, c, d] => (*a, *b, *c, *d),
        [a, b, _, d, e, _] => (*a, *b, *d, *e),
        _ => return Err(ParamError::BboxArity(nums.len())),
    };
    let lon = |x: f64| (-180.0..=180.0).contains(&x);
    let lat = |y: f64| (-90.0..=90.0).contains(&y);
    if !(lon(x1) && lon(x2) && lat(y1) && lat(y2)) {
        return Err(ParamError::BboxRange);
    }
    if x1 > x2 || y1 > y2 {
        return Err(ParamError::BboxSwapped(x1, y1, x2, y2));
    }
    Ok(Bbox {
        min_lon: x1,
        min_lat: y1,
        max_lon: x2,
        max_lat: y2,
    })
}

/// `limit`: absent → [`DEFAULT_LIMIT`]; 1..=[`MAX_LIMIT`].
pub fn parse_limit(text: Option<&str>) -> Result<u32, ParamError> {
    let Some(t) = text.map(str::trim) else {
        return Ok(DEFAULT_LIMIT);
    };
    let n: i64 = t
        .parse()
        .map_err(|_| ParamError::LimitNumber(t.to_string()))?;
    if !(1..=i64::from(MAX_LIMIT)).contains(&n) {
        return Err(ParamError::LimitRange(n));
    }
    Ok(n as u32)
}

/// A closed range of days, either end open. Features here are dated by the day (a rating's
/// issue date or year, an area's registration, a result's year); an instant with a time of
/// day selects its UTC day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Interval {
    pub start: Option<Date>,
    pub end: Option<Date>,
}

impl Interval {
    /// Does the interval meet the days `from..=to`?
    pub fn meets(&self, from: Date, to: Date) -> bool {
        self.start.is_none_or(|s| to >= s) && self.end.is_none_or(|e| from <= e)
    }
}

fn instant(text: &str, whole: &str) -> Result<Option<Date>, ParamError> {
    let t = text.trim();
    if t.is_empty() || t == ".." {
        return Ok(None);
    }
    if let Ok(dt) = OffsetDateTime::parse(t, &Rfc3339) {
        return Ok(Some(dt.to_offset(UtcOffset::UTC).date()));
    }
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(t, &fmt)
        .map(Some)
        .map_err(|_| ParamError::Datetime(whole.to_string()))
}

/// `datetime`: an instant (date or date-time) or an interval `start/end` with `..` (or
/// nothing) for an open end.
pub fn parse_datetime(text: &str) -> Result<Interval, ParamError> {
    match text.split_once('/') {
        None => {
            let d = instant(text, text)?.ok_or_else(|| ParamError::Datetime(text.to_string()))?;
            Ok(Interval {
                start: Some(d),
                end: Some(d),
            })
        }
        Some((a, b)) => {
            if b.contains('/') {
                return Err(ParamError::Datetime(text.to_string()));
            }
            let (start, end) = (instant(a, text)?, instant(b, text)?);
            match (start, end) {
                (None, None) => Err(ParamError::DatetimeOpen(text.to_string())),
                (Some(s), Some(e)) if e < s => Err(ParamError::DatetimeOrder(text.to_string())),
                _ => Ok(Interval { start, end }),
            }
        }
    }
}
