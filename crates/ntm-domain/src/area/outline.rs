//! Unit boundaries over time (issue 16, `docs/maps.md`): the checks a boundary file's
//! feature passes before it is stored — a coordinate system that is WGS84 longitude/latitude,
//! a valid geometry (the same OGC rules as an area's polygon), inside Vietnam's extent — the
//! lighter copy drawn on maps, the point a label or a unit without a boundary is drawn at,
//! and the validity periods: a boundary is valid from the date it was imported for until the
//! next import of the same unit record starts a new period.

use serde_json::Value;
use time::Date;

use super::boundary::Bbox;
use super::geom::{Coord, Polygon, in_polygon};
use super::shape::{AreaShape, ShapeError, check_valid, to_polygons_within};

/// A generous box around Vietnam's mainland and islands (Hoàng Sa, Trường Sa): a boundary
/// reaching outside it is in the wrong place or the wrong coordinate system. Not a legal
/// boundary; only a plausibility check.
pub const VIETNAM_EXTENT: Bbox = Bbox {
    min_lon: 101.5,
    min_lat: 6.0,
    max_lon: 118.0,
    max_lat: 24.0,
};

/// Most polygons in one boundary (Quảng Ninh's and Khánh Hoà's islands: hundreds).
pub const MAX_BOUNDARY_POLYGONS: usize = 5_000;
/// Most positions in one boundary.
pub const MAX_BOUNDARY_POINTS: usize = 500_000;

/// Douglas–Peucker tolerance of the copy drawn on maps (degrees, about 110 m): enough for a
/// commune on a screen, and keeps the whole country's 3,321 communes small.
pub const MAP_SIMPLIFY_DEG: f64 = 0.001;

/// Decimals kept in the map copy (1e-4 degree ≈ 11 m, well under the tolerance).
const MAP_DECIMALS: f64 = 1e4;

/// Why a feature's geometry is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OutlineError {
    #[error("{0}")]
    Shape(ShapeError),
    #[error(
        "lies outside Vietnam's extent (box {min_lon:.4}, {min_lat:.4} – {max_lon:.4}, {max_lat:.4}); wrong place or wrong coordinate system?",
        min_lon = .0.min_lon, min_lat = .0.min_lat, max_lon = .0.max_lon, max_lat = .0.max_lat
    )]
    OutsideVietnam(Bbox),
}

impl OutlineError {
    pub fn vi(&self) -> String {
        match self {
            OutlineError::Shape(e) => e.vi(),
            OutlineError::OutsideVietnam(b) => format!(
                "nằm ngoài phạm vi Việt Nam (khung {:.4}, {:.4} – {:.4}, {:.4}); sai vị trí hoặc sai hệ toạ độ?",
                b.min_lon, b.min_lat, b.max_lon, b.max_lat
            ),
        }
    }
}

/// A checked boundary: its polygons, bounding box, the map copy and the label point.
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    pub shape: AreaShape,
    pub bbox: Bbox,
    pub simplified: AreaShape,
    pub label: Coord,
}

/// Is a GeoJSON `crs` member (GeoJSON 2008 style) one of WGS84 longitude/latitude? RFC 7946
/// dropped the member and fixed CRS84; files written by GDAL still carry
/// `urn:ogc:def:crs:OGC:1.3:CRS84`. `Err` names the one found.
pub fn check_crs(crs: &Value) -> Result<(), String> {
    if crs.is_null() {
        return Ok(());
    }
    let name = crs
        .get("properties")
        .and_then(|p| p.get("name"))
        .and_then(Value::as_str)
        .ok_or_else(|| format!("an unreadable “crs” member: {crs}"))?;
    let n = name.to_ascii_uppercase();
    let ok = n.ends_with("CRS84")
        || n.ends_with("EPSG::4326")
        || n.ends_with("EPSG:4326")
        || n == "EPSG:4326"
        || n.ends_with("/EPSG/0/4326");
    if ok { Ok(()) } else { Err(name.to_string()) }
}

/// Checks a feature's geometry (Polygon or MultiPolygon) and prepares what is stored.
pub fn outline_of(geometry: &Value) -> Result<Outline, OutlineError> {
    let polygons = to_polygons_within(geometry, MAX_BOUNDARY_POLYGONS, MAX_BOUNDARY_POINTS)
        .map_err(OutlineError::Shape)?;
    let bbox = Bbox::of(&polygons)
        .ok_or_else(|| OutlineError::Shape(ShapeError::NotPolygon("an empty geometry".into())))?;
    if !VIETNAM_EXTENT.contains(&bbox) {
        return Err(OutlineError::OutsideVietnam(bbox));
    }
    check_valid(&polygons).map_err(OutlineError::Shape)?;
    let shape = AreaShape { polygons };
    let simplified = rounded(&shape.simplified(MAP_SIMPLIFY_DEG));
    let label = label_point(&shape.polygons).unwrap_or([
        (bbox.min_lon + bbox.max_lon) / 2.0,
        (bbox.min_lat + bbox.max_lat) / 2.0,
    ]);
    Ok(Outline {
        shape,
        bbox,
        simplified,
        label,
    })
}

fn rounded(shape: &AreaShape) -> AreaShape {
    let r = |v: f64| (v * MAP_DECIMALS).round() / MAP_DECIMALS;
    AreaShape {
        polygons: shape
            .polygons
            .iter()
            .map(|p| Polygon {
                rings: p
                    .rings
                    .iter()
                    .map(|ring| {
                        let mut out: Vec<Coord> = Vec::with_capacity(ring.len());
                        for c in ring {
                            let c = [r(c[0]), r(c[1])];
                            if out.last() != Some(&c) {
                                out.push(c);
                            }
                        }
                        out
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Signed area and centroid of a ring (planar, degrees).
fn ring_centroid(ring: &[Coord]) -> (f64, Coord) {
    let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for w in ring.windows(2) {
        let cross = w[0][0] * w[1][1] - w[1][0] * w[0][1];
        a += cross;
        cx += (w[0][0] + w[1][0]) * cross;
        cy += (w[0][1] + w[1][1]) * cross;
    }
    if a.abs() < 1e-18 {
        return (0.0, ring.first().copied().unwrap_or([0.0, 0.0]));
    }
    (a / 2.0, [cx / (3.0 * a), cy / (3.0 * a)])
}

/// Where a unit's label (or a point for a unit without a boundary) goes: the centroid of its
/// largest polygon's outer ring when that lies inside the polygon, else the middle of the
/// widest horizontal run through the polygon at the centroid's latitude.
pub fn label_point(polys: &[Polygon]) -> Option<Coord> {
    let (largest, (_, c)) = polys
        .iter()
        .map(|p| (p, ring_centroid(p.exterior())))
        .max_by(|a, b| a.1.0.abs().total_cmp(&b.1.0.abs()))?;
    if in_polygon(c, largest) {
        return Some(c);
    }
    // A concave outline: cut it along the centroid's latitude and take the widest run inside.
    let ring = largest.exterior();
    let mut xs: Vec<f64> = ring
        .windows(2)
        .filter(|w| (w[0][1] > c[1]) != (w[1][1] > c[1]))
        .map(|w| w[0][0] + (c[1] - w[0][1]) * (w[1][0] - w[0][0]) / (w[1][1] - w[0][1]))
        .collect();
    xs.sort_by(f64::total_cmp);
    xs.chunks(2)
        .filter(|p| p.len() == 2)
        .max_by(|a, b| (a[1] - a[0]).total_cmp(&(b[1] - b[0])))
        .map(|p| [(p[0] + p[1]) / 2.0, c[1]])
        .or_else(|| ring.first().copied())
}

/// A stored boundary period of one unit record: `[from, to)`, `to` open when `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Option<Date>,
}

impl Period {
    pub fn covers(&self, d: Date) -> bool {
        self.from <= d && self.to.is_none_or(|t| d < t)
    }
}

/// What storing a boundary valid from `date` does to a unit record's periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodPlan {
    /// The new period: from `date` until the next stored period starts (or open).
    pub period: Period,
    /// A stored period starting on the same day is replaced (the same file loaded again, or
    /// a correction).
    pub replaces: bool,
    /// The start of the stored period covering `date`, which now ends on `date`.
    pub closes: Option<Date>,
}

/// Plans a new boundary period (pure: the rule tests check). Periods never overlap: the
/// covering one is cut at `date`, and the new one ends where the next one starts.
pub fn plan_period(existing: &[Period], date: Date) -> PeriodPlan {
    let replaces = existing.iter().any(|p| p.from == date);
    let next = existing
        .iter()
        .filter(|p| p.from > date)
        .map(|p| p.from)
        .min();
    let closes = existing
        .iter()
        .find(|p| p.from < date && p.to.is_none_or(|t| t > date))
        .map(|p| p.from);
    PeriodPlan {
        period: Period {
            from: date,
            to: next,
        },
        replaces,
        closes,
    }
}

/// Why `date` cannot start a boundary of the unit with this code, given its records' validity
/// `(from, to)` (`None` when it can: some record is valid that day).
pub fn date_problem(records: &[(Option<Date>, Option<Date>)], date: Date) -> Option<DateProblem> {
    if records.is_empty() {
        return Some(DateProblem::UnknownUnit);
    }
    let valid = |r: &(Option<Date>, Option<Date>)| {
        r.0.is_none_or(|f| f <= date) && r.1.is_none_or(|t| date < t)
    };
    if records.iter().any(valid) {
        return None;
    }
    let first = records.iter().filter_map(|r| r.0).min();
    let last_end = if records.iter().any(|r| r.1.is_none()) {
        None
    } else {
        records.iter().filter_map(|r| r.1).max()
    };
    Some(DateProblem::OutsideValidity {
        first,
        ends: last_end,
    })
}

/// Why a boundary's date does not fit its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProblem {
    UnknownUnit,
    /// No record of the code is valid on the date; the code's earliest known start and its
    /// last end (`None`: still valid, so the date falls in a gap or before the start).
    OutsideValidity {
        first: Option<Date>,
        ends: Option<Date>,
    },
}

impl std::fmt::Display for DateProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DateProblem::UnknownUnit => f.write_str("no unit has this code"),
            DateProblem::OutsideValidity { first, ends } => {
                let d = |d: &Option<Date>, none: &str| {
                    d.map_or(none.to_string(), crate::text::format_date_vi)
                };
                write!(
                    f,
                    "the date is outside the unit's validity (from {} until {})",
                    d(first, "an unknown start"),
                    d(ends, "today")
                )
            }
        }
    }
}
