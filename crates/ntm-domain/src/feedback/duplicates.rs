//! Likely duplicates: the same category, within 50 m (geodesic, WGS84, Karney's algorithm
//! through geographiclib-rs) and within 30 days of each other. Only suggested: an officer
//! decides and merges.

use geographiclib_rs::{Geodesic, InverseGeodesic};
use time::Date;
use uuid::Uuid;

pub const DUPLICATE_METRES: f64 = 50.0;
pub const DUPLICATE_DAYS: i64 = 30;

/// What the rule looks at in a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Located {
    pub id: Uuid,
    pub category: String,
    pub lat: f64,
    pub lon: f64,
    pub received_on: Date,
}

/// Geodesic distance in metres between two WGS84 points.
pub fn distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let g = Geodesic::wgs84();
    let s12: f64 = g.inverse(lat1, lon1, lat2, lon2);
    s12
}

/// Is `b` a likely duplicate of `a`? (Not itself.)
pub fn is_likely_duplicate(a: &Located, b: &Located) -> Option<f64> {
    if a.id == b.id || a.category != b.category {
        return None;
    }
    if (a.received_on - b.received_on).whole_days().abs() > DUPLICATE_DAYS {
        return None;
    }
    let d = distance_m(a.lat, a.lon, b.lat, b.lon);
    (d <= DUPLICATE_METRES).then_some(d)
}

/// The candidates that are likely duplicates of `report`, nearest first, with distances.
pub fn likely_duplicates<'a>(
    report: &Located,
    candidates: &'a [Located],
) -> Vec<(&'a Located, f64)> {
    let mut out: Vec<(&Located, f64)> = candidates
        .iter()
        .filter_map(|c| is_likely_duplicate(report, c).map(|d| (c, d)))
        .collect();
    out.sort_by(|x, y| x.1.total_cmp(&y.1).then(x.0.id.cmp(&y.0.id)));
    out
}
