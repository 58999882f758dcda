//! The area computed from the polygon (geodesic, on the WGS84 ellipsoid) beside the declared
//! hectares.

use geographiclib_rs::{Geodesic, PolygonArea, Winding};

use super::geom::Polygon;
use super::hectares::Hectares;

/// Declared and computed areas "differ a lot" when the difference is more than this share of
/// the larger one (a product choice to prompt a second look, not a legal tolerance).
pub const MISMATCH_RATIO: f64 = 0.2;

/// Geodesic area on the WGS84 ellipsoid in hectares (holes subtracted), by Karney's
/// algorithm (geographiclib-rs).
pub fn geodesic_hectares(polys: &[Polygon]) -> f64 {
    let g = Geodesic::wgs84();
    let ring_m2 = |ring: &[[f64; 2]]| {
        let mut pa = PolygonArea::new(&g, Winding::CounterClockwise);
        // The closing position repeats the first: PolygonArea closes the ring itself.
        for c in &ring[..ring.len().saturating_sub(1)] {
            pa.add_point(c[1], c[0]);
        }
        // Unsigned: whatever the ring's winding.
        pa.compute(false).1.abs()
    };
    let m2: f64 = polys
        .iter()
        .map(|p| ring_m2(p.exterior()) - p.holes().iter().map(|h| ring_m2(h)).sum::<f64>())
        .sum();
    m2 / 10_000.0
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AreaComparison {
    Close,
    /// The relative difference, |declared − computed| / max(declared, computed).
    Differs {
        ratio: f64,
    },
}

pub fn compare_declared(declared: Hectares, computed_ha: f64) -> AreaComparison {
    let d = declared.as_f64();
    let larger = d.max(computed_ha);
    if larger <= 0.0 {
        return AreaComparison::Close;
    }
    let ratio = (d - computed_ha).abs() / larger;
    if ratio > MISMATCH_RATIO {
        AreaComparison::Differs { ratio }
    } else {
        AreaComparison::Close
    }
}
