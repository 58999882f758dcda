//! Unit boundaries (a commune's outline) as loaded from a GeoJSON file: the geometry of one
//! feature, its bounding box. The files are published already checked (see
//! `data/boundaries/README.md`), so only ranges, closure and point counts are checked here,
//! not topology (a simplified outline may touch itself without harm to the containment test).

use serde_json::Value;

use super::geom::Polygon;
use super::shape::{ShapeError, to_polygons};

/// A bounding box in WGS84 degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bbox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl Bbox {
    /// The box around every position of the polygons; `None` when there is none.
    pub fn of(polys: &[Polygon]) -> Option<Bbox> {
        let mut it = polys.iter().flat_map(|p| p.rings.iter()).flatten();
        let first = it.next()?;
        let start = Bbox {
            min_lon: first[0],
            min_lat: first[1],
            max_lon: first[0],
            max_lat: first[1],
        };
        Some(it.fold(start, |b, c| Bbox {
            min_lon: b.min_lon.min(c[0]),
            min_lat: b.min_lat.min(c[1]),
            max_lon: b.max_lon.max(c[0]),
            max_lat: b.max_lat.max(c[1]),
        }))
    }

    /// Grown by `d` degrees on every side.
    pub fn grown(self, d: f64) -> Bbox {
        Bbox {
            min_lon: self.min_lon - d,
            min_lat: self.min_lat - d,
            max_lon: self.max_lon + d,
            max_lat: self.max_lat + d,
        }
    }

    pub fn contains(&self, other: &Bbox) -> bool {
        self.min_lon <= other.min_lon
            && self.min_lat <= other.min_lat
            && self.max_lon >= other.max_lon
            && self.max_lat >= other.max_lat
    }

    pub fn union(self, o: Bbox) -> Bbox {
        Bbox {
            min_lon: self.min_lon.min(o.min_lon),
            min_lat: self.min_lat.min(o.min_lat),
            max_lon: self.max_lon.max(o.max_lon),
            max_lat: self.max_lat.max(o.max_lat),
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BoundaryError {
    #[error("feature {index}: no geometry")]
    NoGeometry { index: usize },
    #[error("feature {index}: no property “{property}” (or it is not text or a number)")]
    NoCode { index: usize, property: String },
    #[error("feature {index} ({code}): {problem}")]
    Shape {
        index: usize,
        code: String,
        problem: ShapeError,
    },
}

/// The polygons of a boundary feature's geometry (a GeoJSON geometry object) and their
/// bounding box.
pub fn boundary_geometry(value: &Value) -> Result<(Vec<Polygon>, Bbox), ShapeError> {
    let polys = to_polygons(value)?;
    let bbox =
        Bbox::of(&polys).ok_or_else(|| ShapeError::NotPolygon("an empty geometry".into()))?;
    Ok((polys, bbox))
}
