//! A point that lies inside an outline, to draw something located only by its commune.

use crate::area::{Bbox, Coord, Polygon, in_polygon};

/// A point inside the largest polygon (by bounding box): the middle of the widest inside
/// stretch of the horizontal line through the middle of its box (the usual "point on
/// surface"); the centre of the box when that lies inside; `None` without any position.
pub fn representative_point(polys: &[Polygon]) -> Option<Coord> {
    let largest = polys.iter().max_by(|a, b| {
        let area = |p: &Polygon| {
            Bbox::of(std::slice::from_ref(p))
                .map_or(0.0, |b| (b.max_lon - b.min_lon) * (b.max_lat - b.min_lat))
        };
        area(a).total_cmp(&area(b))
    })?;
    let bbox = Bbox::of(std::slice::from_ref(largest))?;
    let centre = [
        (bbox.min_lon + bbox.max_lon) / 2.0,
        (bbox.min_lat + bbox.max_lat) / 2.0,
    ];
    if in_polygon(centre, largest) {
        return Some(centre);
    }
    let y = centre[1];
    let mut xs: Vec<f64> = Vec::new();
    for ring in &largest.rings {
        for w in ring.windows(2) {
            let (a, b) = (w[0], w[1]);
            if (a[1] > y) != (b[1] > y) {
                xs.push(a[0] + (y - a[1]) / (b[1] - a[1]) * (b[0] - a[0]));
            }
        }
    }
    xs.sort_by(f64::total_cmp);
    let best = xs
        .chunks_exact(2)
        .max_by(|a, b| (a[1] - a[0]).total_cmp(&(b[1] - b[0])));
    match best {
        Some(pair) if pair[1] > pair[0] => Some([(pair[0] + pair[1]) / 2.0, y]),
        _ => largest.exterior().first().copied(),
    }
}
