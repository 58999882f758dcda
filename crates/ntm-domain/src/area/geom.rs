//! The plane geometry the area checks need, on WGS84 longitude/latitude degrees. Written
//! here rather than taken from `geo`: geo 0.33 turns on num-traits' `libm` feature, which
//! rebuilds the whole typst stack of this workspace (see `docs/areas.md`); the rules below
//! are the OGC simple-feature rules geo's `Validation` checks.
//!
//! Validity is decided in exact integer arithmetic: coordinates are rounded to 1e-7 degree
//! (about 1 cm) and compared as integers, so an orientation is never wrong by rounding.

/// A position, (longitude, latitude) in degrees.
pub type Coord = [f64; 2];
/// A closed ring: the last position repeats the first.
pub type Ring = Vec<Coord>;

/// A polygon: the outer ring, then its holes.
#[derive(Debug, Clone, PartialEq)]
pub struct Polygon {
    pub rings: Vec<Ring>,
}

impl Polygon {
    pub fn exterior(&self) -> &[Coord] {
        self.rings.first().map_or(&[], Vec::as_slice)
    }
    pub fn holes(&self) -> &[Ring] {
        self.rings.get(1..).unwrap_or(&[])
    }
}

/// Units of 1e-7 degree.
const SCALE: f64 = 1e7;

pub(crate) fn grid(c: Coord) -> [i64; 2] {
    [(c[0] * SCALE).round() as i64, (c[1] * SCALE).round() as i64]
}

/// Sign of the turn a → b → c: > 0 left, < 0 right, 0 collinear (exact).
fn orient(a: [i64; 2], b: [i64; 2], c: [i64; 2]) -> i128 {
    let (abx, aby) = (i128::from(b[0] - a[0]), i128::from(b[1] - a[1]));
    let (acx, acy) = (i128::from(c[0] - a[0]), i128::from(c[1] - a[1]));
    (abx * acy - aby * acx).signum()
}

fn on_segment(p: [i64; 2], a: [i64; 2], b: [i64; 2]) -> bool {
    orient(a, b, p) == 0
        && p[0] >= a[0].min(b[0])
        && p[0] <= a[0].max(b[0])
        && p[1] >= a[1].min(b[1])
        && p[1] <= a[1].max(b[1])
}

/// How two segments meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Meet {
    /// They cross at a point inside both.
    Cross,
    /// They touch at a point (an end of one on the other).
    Touch,
    /// They share more than a point (collinear overlap).
    Overlap,
}

pub(crate) fn meet(p1: [i64; 2], p2: [i64; 2], q1: [i64; 2], q2: [i64; 2]) -> Option<Meet> {
    let (o1, o2) = (orient(p1, p2, q1), orient(p1, p2, q2));
    let (o3, o4) = (orient(q1, q2, p1), orient(q1, q2, p2));
    if o1 == 0 && o2 == 0 {
        // Collinear: compare along the longer axis.
        let axis = usize::from((p2[0] - p1[0]).abs() < (p2[1] - p1[1]).abs());
        let (a0, a1) = (p1[axis].min(p2[axis]), p1[axis].max(p2[axis]));
        let (b0, b1) = (q1[axis].min(q2[axis]), q1[axis].max(q2[axis]));
        let (lo, hi) = (a0.max(b0), a1.min(b1));
        return match lo.cmp(&hi) {
            std::cmp::Ordering::Less => Some(Meet::Overlap),
            std::cmp::Ordering::Equal => Some(Meet::Touch),
            std::cmp::Ordering::Greater => None,
        };
    }
    if o1 * o2 < 0 && o3 * o4 < 0 {
        return Some(Meet::Cross);
    }
    if on_segment(q1, p1, p2)
        || on_segment(q2, p1, p2)
        || on_segment(p1, q1, q2)
        || on_segment(p2, q1, q2)
    {
        return Some(Meet::Touch);
    }
    None
}

/// Where two meeting segments meet (for messages): the crossing point, else a shared end.
pub(crate) fn meeting_point(p1: Coord, p2: Coord, q1: Coord, q2: Coord) -> Coord {
    let (rx, ry) = (p2[0] - p1[0], p2[1] - p1[1]);
    let (sx, sy) = (q2[0] - q1[0], q2[1] - q1[1]);
    let denom = rx * sy - ry * sx;
    if denom.abs() > f64::EPSILON {
        let t = ((q1[0] - p1[0]) * sy - (q1[1] - p1[1]) * sx) / denom;
        return [p1[0] + t * rx, p1[1] + t * ry];
    }
    let (gq1, gq2) = (grid(q1), grid(q2));
    let (gp1, gp2) = (grid(p1), grid(p2));
    if on_segment(gq1, gp1, gp2) {
        q1
    } else if on_segment(gq2, gp1, gp2) {
        q2
    } else {
        p1
    }
}

/// Inside a ring by the even–odd rule (a point on the ring counts as neither: see
/// `on_ring`).
pub(crate) fn in_ring(p: Coord, ring: &[Coord]) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a[1] > p[1]) != (b[1] > p[1]) {
            let x = a[0] + (p[1] - a[1]) / (b[1] - a[1]) * (b[0] - a[0]);
            if p[0] < x {
                inside = !inside;
            }
        }
    }
    inside
}

pub(crate) fn on_ring(p: Coord, ring: &[Coord]) -> bool {
    let g = grid(p);
    ring.windows(2)
        .any(|w| on_segment(g, grid(w[0]), grid(w[1])))
}

/// Inside the polygon (inside the outer ring, not inside a hole), on the boundary or not.
pub fn in_polygon(p: Coord, poly: &Polygon) -> bool {
    in_ring(p, poly.exterior()) && !poly.holes().iter().any(|h| in_ring(p, h))
}

/// Distance in degrees from a point to a segment (plane).
pub(crate) fn segment_distance(p: Coord, a: Coord, b: Coord) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
    };
    let (x, y) = (a[0] + t * dx, a[1] + t * dy);
    ((p[0] - x).powi(2) + (p[1] - y).powi(2)).sqrt()
}

/// Distance in degrees from a point to a set of polygons: 0 inside.
pub fn distance_to(p: Coord, polys: &[Polygon]) -> f64 {
    if polys.iter().any(|poly| in_polygon(p, poly)) {
        return 0.0;
    }
    polys
        .iter()
        .flat_map(|poly| poly.rings.iter())
        .flat_map(|r| r.windows(2))
        .map(|w| segment_distance(p, w[0], w[1]))
        .fold(f64::INFINITY, f64::min)
}

/// Douglas–Peucker on a closed ring; `None` when fewer than 4 positions would remain.
pub(crate) fn simplify_ring(ring: &[Coord], epsilon: f64) -> Option<Ring> {
    if ring.len() < 5 {
        return None;
    }
    let mut keep = vec![false; ring.len()];
    keep[0] = true;
    keep[ring.len() - 1] = true;
    // Split the closed ring at its farthest point from the start, so both halves are open
    // lines with distinct ends.
    let far = (1..ring.len() - 1)
        .max_by(|&a, &b| {
            let da = (ring[a][0] - ring[0][0]).hypot(ring[a][1] - ring[0][1]);
            let db = (ring[b][0] - ring[0][0]).hypot(ring[b][1] - ring[0][1]);
            da.total_cmp(&db)
        })
        .unwrap_or(1);
    keep[far] = true;
    let mut stack = vec![(0, far), (far, ring.len() - 1)];
    while let Some((s, e)) = stack.pop() {
        if e <= s + 1 {
            continue;
        }
        let (mut best, mut best_d) = (s, 0.0);
        for i in s + 1..e {
            let d = segment_distance(ring[i], ring[s], ring[e]);
            if d > best_d {
                (best, best_d) = (i, d);
            }
        }
        if best_d > epsilon {
            keep[best] = true;
            stack.push((s, best));
            stack.push((best, e));
        }
    }
    let out: Ring = ring
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|(c, _)| *c)
        .collect();
    (out.len() >= 4).then_some(out)
}
