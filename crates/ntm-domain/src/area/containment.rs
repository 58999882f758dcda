//! Does an area lie inside its commune's boundary?
//!
//! The shipped commune outlines were simplified with Douglas–Peucker at 0.0005° (about 55 m),
//! which keeps every simplified edge within 0.0005° of the true outline. So a true point of
//! the commune is within that distance of the simplified polygon, and the rule is: **every
//! point along the area's edges (its vertices, and the edges sampled at least every 0.0005°)
//! lies inside the outline or within 0.0005° of it** — the outline buffered by the
//! simplification tolerance. Sampling the edges as well as the vertices catches an edge that
//! cuts across a bend of the outline. A farm across the commune line by more than ~55 m is
//! refused, with the point farthest out.

use super::geom::{Coord, Polygon, distance_to};

use super::boundary::Bbox;

/// Tolerance of the shipped boundary simplification, degrees.
pub const SIMPLIFICATION_TOLERANCE_DEG: f64 = 0.0005;
/// Most samples taken along one edge.
const MAX_SAMPLES_PER_EDGE: usize = 2_000;

#[derive(Debug, Clone, PartialEq)]
pub enum Containment {
    Inside,
    /// The point of the area farthest outside, and how far (degrees and about metres).
    Outside {
        lon: f64,
        lat: f64,
        distance_deg: f64,
        distance_m: f64,
    },
}

/// Metres in one degree of latitude (and of longitude at the equator), rounded: the
/// "about N m" of a message, not a measurement.
const METRES_PER_DEGREE: f64 = 111_320.0;

/// Checks `area` against `boundary` (with the boundary's bounding box, from the store).
pub fn check_inside(
    area: &[Polygon],
    boundary: &[Polygon],
    boundary_bbox: Bbox,
    tolerance_deg: f64,
) -> Containment {
    let grown = boundary_bbox.grown(tolerance_deg);
    let mut worst: Option<(Coord, f64)> = None;
    let mut consider = |c: Coord| {
        let inside_box = c[0] >= grown.min_lon
            && c[0] <= grown.max_lon
            && c[1] >= grown.min_lat
            && c[1] <= grown.max_lat;
        // Outside the grown box the point is farther than the tolerance anyway.
        let d = if inside_box {
            distance_to(c, boundary)
        } else {
            distance_to(c, boundary).max(tolerance_deg * 2.0)
        };
        if d > tolerance_deg && worst.is_none_or(|(_, w)| d > w) {
            worst = Some((c, d));
        }
    };
    for poly in area {
        for ring in &poly.rings {
            for w in ring.windows(2) {
                let (start, end) = (w[0], w[1]);
                let (dx, dy) = (end[0] - start[0], end[1] - start[1]);
                let len = (dx * dx + dy * dy).sqrt();
                let steps = ((len / tolerance_deg).ceil() as usize).clamp(1, MAX_SAMPLES_PER_EDGE);
                for k in 0..steps {
                    let t = k as f64 / steps as f64;
                    consider([start[0] + dx * t, start[1] + dy * t]);
                }
            }
        }
    }
    match worst {
        None => Containment::Inside,
        Some((c, d)) => Containment::Outside {
            lon: c[0],
            lat: c[1],
            distance_deg: d,
            distance_m: d * METRES_PER_DEGREE,
        },
    }
}
