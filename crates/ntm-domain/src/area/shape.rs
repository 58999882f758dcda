//! An area's polygon read from GeoJSON text (a Polygon or MultiPolygon geometry, or a Feature
//! or a FeatureCollection of one feature holding one) and checked: WGS84 ranges, closed
//! rings, enough points, then the validity rules (self-intersection, holes outside, rings or
//! polygons crossing). Every problem names the polygon, the ring and, where there is one, the
//! point. Coordinates are rounded to 7 decimals (about 1 cm) and consecutive repeated points
//! dropped before the checks, so what is checked is what is stored. The topology rules are
//! those of `geo::Validation` (OGC simple features), computed in `geom.rs`.

use serde_json::Value;

use super::boundary::Bbox;
use super::geom::{
    Coord, Meet, Polygon, Ring, grid, in_polygon, in_ring, meet, meeting_point, on_ring,
    simplify_ring,
};

/// Most points accepted in one area (all rings together).
pub const MAX_POINTS: usize = 20_000;
/// Most polygons in one MultiPolygon.
pub const MAX_POLYGONS: usize = 200;
/// Largest GeoJSON text accepted (bytes).
pub const MAX_TEXT_BYTES: usize = 2_000_000;
/// Douglas–Peucker tolerance of the shape a public page shows (about 11 m).
pub const PUBLIC_SIMPLIFY_DEG: f64 = 0.0001;

/// A checked area geometry (WGS84 lon/lat).
#[derive(Debug, Clone, PartialEq)]
pub struct AreaShape {
    pub polygons: Vec<Polygon>,
}

/// What is wrong with a GeoJSON area. Indices are 0-based; ring 0 is the outer ring, ring
/// k > 0 the k-th hole; the messages count from 1.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ShapeError {
    #[error("the GeoJSON is empty")]
    Empty,
    #[error("the text is larger than {MAX_TEXT_BYTES} bytes")]
    TooLarge,
    #[error("this is not GeoJSON: {0}")]
    NotGeoJson(String),
    #[error("a Polygon or MultiPolygon is expected, found {0}")]
    NotPolygon(String),
    #[error("the FeatureCollection has {0} features; send one area (one feature)")]
    FeatureCount(usize),
    #[error("more than {0} polygons")]
    TooManyPolygons(usize),
    #[error("more than {0} points")]
    TooManyPoints(usize),
    #[error("polygon {}: no outer ring", .polygon + 1)]
    NoRing { polygon: usize },
    #[error("polygon {}, {}, point {}: a position needs longitude and latitude", .polygon + 1, ring_name_en(*.ring), .point + 1)]
    BadPosition {
        polygon: usize,
        ring: usize,
        point: usize,
    },
    #[error("polygon {}, {}, point {}: ({lon}, {lat}) is outside WGS84 longitude −180…180 / latitude −90…90{}", .polygon + 1, ring_name_en(*.ring), .point + 1, if .lat.abs() > 90.0 && .lon.abs() <= 90.0 { " (longitude and latitude swapped?)" } else { "" })]
    OutOfRange {
        polygon: usize,
        ring: usize,
        point: usize,
        lon: f64,
        lat: f64,
    },
    #[error("polygon {}, {}: the ring is not closed (its last point must repeat the first)", .polygon + 1, ring_name_en(*.ring))]
    NotClosed { polygon: usize, ring: usize },
    #[error("polygon {}, {}: {found} distinct points; a ring needs at least 3", .polygon + 1, ring_name_en(*.ring))]
    TooFewPoints {
        polygon: usize,
        ring: usize,
        found: usize,
    },
    #[error("polygon {}, {}: the ring crosses itself (edges {} and {} near {lon:.6}, {lat:.6})", .polygon + 1, ring_name_en(*.ring), .edge_a + 1, .edge_b + 1)]
    SelfIntersection {
        polygon: usize,
        ring: usize,
        edge_a: usize,
        edge_b: usize,
        lon: f64,
        lat: f64,
    },
    #[error("polygon {}: hole {} is not inside the outer ring", .polygon + 1, .ring)]
    HoleOutside { polygon: usize, ring: usize },
    #[error("polygon {}: {} and {} cross or share an edge", .polygon + 1, ring_name_en(*.ring_a), ring_name_en(*.ring_b))]
    RingsCross {
        polygon: usize,
        ring_a: usize,
        ring_b: usize,
    },
    #[error("polygons {} and {} overlap or share an edge", .a + 1, .b + 1)]
    PolygonsOverlap { a: usize, b: usize },
}

/// "outer ring" / "hole k".
pub fn ring_name_en(ring: usize) -> String {
    if ring == 0 {
        "outer ring".into()
    } else {
        format!("hole {ring}")
    }
}

/// "vòng ngoài" / "lỗ thứ k".
pub fn ring_name_vi(ring: usize) -> String {
    if ring == 0 {
        "vòng ngoài".into()
    } else {
        format!("lỗ thứ {ring}")
    }
}

impl ShapeError {
    /// The message in Vietnamese.
    pub fn vi(&self) -> String {
        let at = |p: usize, r: usize| format!("Đa giác {}, {}", p + 1, ring_name_vi(r));
        match self {
            ShapeError::Empty => "Chưa có GeoJSON (dán vào ô hoặc chọn tệp .geojson)".into(),
            ShapeError::TooLarge => {
                format!("Nội dung lớn hơn {} MB", MAX_TEXT_BYTES / 1_000_000)
            }
            ShapeError::NotGeoJson(e) => format!("Không đọc được GeoJSON: {e}"),
            ShapeError::NotPolygon(t) => {
                format!("Cần một Polygon hoặc MultiPolygon, nhận được {t}")
            }
            ShapeError::FeatureCount(n) => format!(
                "FeatureCollection có {n} đối tượng; mỗi lần chỉ gửi một vùng (một đối tượng)"
            ),
            ShapeError::TooManyPolygons(n) => format!("Nhiều hơn {n} đa giác"),
            ShapeError::TooManyPoints(n) => format!("Nhiều hơn {n} điểm"),
            ShapeError::NoRing { polygon } => {
                format!("Đa giác {}: không có vòng ngoài", polygon + 1)
            }
            ShapeError::BadPosition {
                polygon,
                ring,
                point,
            } => format!(
                "{}, điểm {}: một điểm cần có kinh độ và vĩ độ",
                at(*polygon, *ring),
                point + 1
            ),
            ShapeError::OutOfRange {
                polygon,
                ring,
                point,
                lon,
                lat,
            } => format!(
                "{}, điểm {}: ({lon}, {lat}) nằm ngoài phạm vi WGS84 (kinh độ −180…180, vĩ độ −90…90){}",
                at(*polygon, *ring),
                point + 1,
                if lat.abs() > 90.0 && lon.abs() <= 90.0 {
                    " — có thể đã đảo kinh độ và vĩ độ"
                } else {
                    ""
                }
            ),
            ShapeError::NotClosed { polygon, ring } => format!(
                "{}: vòng chưa khép kín (điểm cuối phải trùng điểm đầu)",
                at(*polygon, *ring)
            ),
            ShapeError::TooFewPoints {
                polygon,
                ring,
                found,
            } => format!(
                "{}: chỉ có {found} điểm khác nhau; một vòng cần ít nhất 3",
                at(*polygon, *ring)
            ),
            ShapeError::SelfIntersection {
                polygon,
                ring,
                edge_a,
                edge_b,
                lon,
                lat,
            } => format!(
                "{}: đường biên tự cắt (cạnh {} và cạnh {} cắt nhau gần {lon:.6}, {lat:.6})",
                at(*polygon, *ring),
                edge_a + 1,
                edge_b + 1
            ),
            ShapeError::HoleOutside { polygon, ring } => format!(
                "Đa giác {}: lỗ thứ {ring} không nằm trong vòng ngoài",
                polygon + 1
            ),
            ShapeError::RingsCross {
                polygon,
                ring_a,
                ring_b,
            } => format!(
                "Đa giác {}: {} và {} cắt nhau hoặc chung cạnh",
                polygon + 1,
                ring_name_vi(*ring_a),
                ring_name_vi(*ring_b)
            ),
            ShapeError::PolygonsOverlap { a, b } => format!(
                "Đa giác {} và đa giác {} chồng lên nhau hoặc chung cạnh",
                a + 1,
                b + 1
            ),
        }
    }
}

fn round7(v: f64) -> f64 {
    (v * 1e7).round() / 1e7
}

fn type_of(v: &Value) -> Option<&str> {
    v.get("type").and_then(Value::as_str)
}

/// Reads GeoJSON text into a checked area shape.
pub fn parse_shape(text: &str) -> Result<AreaShape, ShapeError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ShapeError::Empty);
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(ShapeError::TooLarge);
    }
    let v: Value = serde_json::from_str(text).map_err(|e| ShapeError::NotGeoJson(e.to_string()))?;
    let no_geometry = || ShapeError::NotPolygon("a Feature without geometry".into());
    let geometry = match type_of(&v) {
        Some("Feature") => v
            .get("geometry")
            .filter(|g| !g.is_null())
            .ok_or_else(no_geometry)?,
        Some("FeatureCollection") => {
            let features = v
                .get("features")
                .and_then(Value::as_array)
                .ok_or_else(|| ShapeError::NotGeoJson("“features” is not a list".into()))?;
            match features.as_slice() {
                [one] => one
                    .get("geometry")
                    .filter(|g| !g.is_null())
                    .ok_or_else(no_geometry)?,
                many => return Err(ShapeError::FeatureCount(many.len())),
            }
        }
        Some(_) => &v,
        None => return Err(ShapeError::NotGeoJson("no “type” member".into())),
    };
    let polygons = to_polygons(geometry)?;
    check_valid(&polygons)?;
    Ok(AreaShape { polygons })
}

/// The polygons of a Polygon or MultiPolygon geometry, every ring checked for ranges,
/// closure and point count (no topology checks: see `check_valid`).
pub(crate) fn to_polygons(geometry: &Value) -> Result<Vec<Polygon>, ShapeError> {
    to_polygons_within(geometry, MAX_POLYGONS, MAX_POINTS)
}

/// [`to_polygons`] with other limits (a province's boundary has hundreds of islands).
pub(crate) fn to_polygons_within(
    geometry: &Value,
    max_polygons: usize,
    max_points: usize,
) -> Result<Vec<Polygon>, ShapeError> {
    let kind = type_of(geometry)
        .ok_or_else(|| ShapeError::NotGeoJson("the geometry has no “type”".into()))?;
    let coords = geometry.get("coordinates").and_then(Value::as_array);
    let not_list = |what: &str| ShapeError::NotGeoJson(format!("{what} is not a list"));
    let polys: Vec<&Vec<Value>> = match kind {
        "Polygon" => vec![coords.ok_or_else(|| not_list("“coordinates”"))?],
        "MultiPolygon" => coords
            .ok_or_else(|| not_list("“coordinates”"))?
            .iter()
            .enumerate()
            .map(|(i, p)| {
                p.as_array()
                    .ok_or_else(|| not_list(&format!("polygon {}", i + 1)))
            })
            .collect::<Result<_, _>>()?,
        other => return Err(ShapeError::NotPolygon(other.into())),
    };
    if polys.is_empty() {
        return Err(ShapeError::NotPolygon("an empty MultiPolygon".into()));
    }
    if polys.len() > max_polygons {
        return Err(ShapeError::TooManyPolygons(max_polygons));
    }
    let total: usize = polys
        .iter()
        .flat_map(|p| p.iter())
        .map(|r| r.as_array().map_or(0, Vec::len))
        .sum();
    if total > max_points {
        return Err(ShapeError::TooManyPoints(max_points));
    }
    let mut out = Vec::with_capacity(polys.len());
    for (pi, rings) in polys.into_iter().enumerate() {
        if rings.is_empty() {
            return Err(ShapeError::NoRing { polygon: pi });
        }
        let mut parsed = Vec::with_capacity(rings.len());
        for (ri, ring) in rings.iter().enumerate() {
            let positions = ring
                .as_array()
                .ok_or_else(|| not_list(&format!("polygon {}, {}", pi + 1, ring_name_en(ri))))?;
            parsed.push(read_ring(pi, ri, positions)?);
        }
        out.push(Polygon { rings: parsed });
    }
    Ok(out)
}

fn read_ring(polygon: usize, ring: usize, positions: &[Value]) -> Result<Ring, ShapeError> {
    let mut coords: Ring = Vec::with_capacity(positions.len());
    let mut first_last: Vec<Coord> = Vec::with_capacity(2);
    for (point, p) in positions.iter().enumerate() {
        let nums = p
            .as_array()
            .map(|a| a.iter().map(Value::as_f64).collect::<Vec<_>>());
        let (lon, lat) = match nums.as_deref() {
            Some([Some(lon), Some(lat), ..]) => (*lon, *lat),
            _ => {
                return Err(ShapeError::BadPosition {
                    polygon,
                    ring,
                    point,
                });
            }
        };
        if !lon.is_finite() || !lat.is_finite() || lon.abs() > 180.0 || lat.abs() > 90.0 {
            return Err(ShapeError::OutOfRange {
                polygon,
                ring,
                point,
                lon,
                lat,
            });
        }
        if point == 0 || point + 1 == positions.len() {
            first_last.push([lon, lat]);
        }
        let c = [round7(lon), round7(lat)];
        if coords.last() != Some(&c) {
            coords.push(c);
        }
    }
    if positions.len() < 2 || first_last.first() != first_last.last() {
        return Err(ShapeError::NotClosed { polygon, ring });
    }
    // Distinct points: the closing point repeats the first.
    let distinct = coords.len().saturating_sub(1);
    if distinct < 3 {
        return Err(ShapeError::TooFewPoints {
            polygon,
            ring,
            found: distinct,
        });
    }
    Ok(coords)
}

/// The order problems are reported in: kind (ring, rings, polygons), then positions.
type Order = (u8, usize, usize, usize, usize);

/// One edge of a ring, tagged with where it is.
struct Edge {
    polygon: usize,
    ring: usize,
    index: usize,
    edges_in_ring: usize,
    a: [i64; 2],
    b: [i64; 2],
    fa: Coord,
    fb: Coord,
}

/// The OGC validity rules: rings simple (no crossing, no self-touching, no spike), rings of
/// a polygon not crossing each other (touching at a point is allowed), holes inside the
/// outer ring, polygons of a MultiPolygon not overlapping (touching at a point is allowed).
/// The first problem found in (kind, polygon, ring, edge) order is reported.
pub(crate) fn check_valid(polys: &[Polygon]) -> Result<(), ShapeError> {
    let mut edges = Vec::new();
    for (pi, poly) in polys.iter().enumerate() {
        for (ri, ring) in poly.rings.iter().enumerate() {
            let n = ring.len() - 1;
            for (ei, w) in ring.windows(2).enumerate() {
                edges.push(Edge {
                    polygon: pi,
                    ring: ri,
                    index: ei,
                    edges_in_ring: n,
                    a: grid(w[0]),
                    b: grid(w[1]),
                    fa: w[0],
                    fb: w[1],
                });
            }
        }
    }
    let min_x = |e: &Edge| e.a[0].min(e.b[0]);
    let mut order: Vec<usize> = (0..edges.len()).collect();
    order.sort_by_key(|&i| min_x(&edges[i]));
    let mut worst: Option<(Order, ShapeError)> = None;
    let mut note = |key: Order, err: ShapeError| {
        if worst.as_ref().is_none_or(|(k, _)| key < *k) {
            worst = Some((key, err));
        }
    };
    for (k, &i) in order.iter().enumerate() {
        let e = &edges[i];
        let reach = e.a[0].max(e.b[0]);
        let (lo_y, hi_y) = (e.a[1].min(e.b[1]), e.a[1].max(e.b[1]));
        for &j in &order[k + 1..] {
            let f = &edges[j];
            if min_x(f) > reach {
                break;
            }
            if f.a[1].max(f.b[1]) < lo_y || f.a[1].min(f.b[1]) > hi_y {
                continue;
            }
            let Some(how) = meet(e.a, e.b, f.a, f.b) else {
                continue;
            };
            let (e, f) = if (e.polygon, e.ring, e.index) <= (f.polygon, f.ring, f.index) {
                (e, f)
            } else {
                (f, e)
            };
            if e.polygon != f.polygon {
                if how != Meet::Touch {
                    note(
                        (2, e.polygon, f.polygon, 0, 0),
                        ShapeError::PolygonsOverlap {
                            a: e.polygon,
                            b: f.polygon,
                        },
                    );
                }
            } else if e.ring != f.ring {
                if how != Meet::Touch {
                    note(
                        (1, e.polygon, e.ring, f.ring, 0),
                        ShapeError::RingsCross {
                            polygon: e.polygon,
                            ring_a: e.ring,
                            ring_b: f.ring,
                        },
                    );
                }
            } else {
                let n = e.edges_in_ring;
                let adjacent = f.index == e.index + 1 || (e.index == 0 && f.index == n - 1);
                if !adjacent || how == Meet::Overlap {
                    let at = meeting_point(e.fa, e.fb, f.fa, f.fb);
                    note(
                        (0, e.polygon, e.ring, e.index, f.index),
                        ShapeError::SelfIntersection {
                            polygon: e.polygon,
                            ring: e.ring,
                            edge_a: e.index,
                            edge_b: f.index,
                            lon: at[0],
                            lat: at[1],
                        },
                    );
                }
            }
        }
    }
    if let Some((_, err)) = worst {
        return Err(err);
    }
    // No edges cross: one vertex off the other ring tells inside from outside.
    for (pi, poly) in polys.iter().enumerate() {
        for (hi, hole) in poly.holes().iter().enumerate() {
            if let Some(v) = hole.iter().find(|v| !on_ring(**v, poly.exterior()))
                && !in_ring(*v, poly.exterior())
            {
                return Err(ShapeError::HoleOutside {
                    polygon: pi,
                    ring: hi + 1,
                });
            }
        }
    }
    // Polygons whose boxes are apart cannot contain one another (a province's islands).
    let boxes: Vec<Option<Bbox>> = polys
        .iter()
        .map(|p| Bbox::of(std::slice::from_ref(p)))
        .collect();
    let apart = |a: usize, b: usize| match (boxes[a], boxes[b]) {
        (Some(x), Some(y)) => {
            x.max_lon < y.min_lon
                || y.max_lon < x.min_lon
                || x.max_lat < y.min_lat
                || y.max_lat < x.min_lat
        }
        _ => false,
    };
    for (a, pa) in polys.iter().enumerate() {
        for (b, pb) in polys.iter().enumerate().skip(a + 1) {
            if apart(a, b) {
                continue;
            }
            let inside = |x: &Polygon, y: &Polygon| {
                x.exterior()
                    .iter()
                    .find(|v| !y.rings.iter().any(|r| on_ring(**v, r)))
                    .is_some_and(|v| in_polygon(*v, y))
            };
            if inside(pa, pb) || inside(pb, pa) {
                return Err(ShapeError::PolygonsOverlap { a, b });
            }
        }
    }
    Ok(())
}

impl AreaShape {
    /// The GeoJSON geometry (a Polygon when there is one, else a MultiPolygon).
    pub fn geometry_value(&self) -> Value {
        let rings = |p: &Polygon| -> Value {
            Value::Array(
                p.rings
                    .iter()
                    .map(|r| {
                        Value::Array(r.iter().map(|c| serde_json::json!([c[0], c[1]])).collect())
                    })
                    .collect(),
            )
        };
        match self.polygons.as_slice() {
            [one] => serde_json::json!({"type": "Polygon", "coordinates": rings(one)}),
            many => serde_json::json!({
                "type": "MultiPolygon",
                "coordinates": many.iter().map(rings).collect::<Vec<_>>()
            }),
        }
    }

    /// The geometry as GeoJSON text (what is stored).
    pub fn to_geojson(&self) -> String {
        self.geometry_value().to_string()
    }

    pub fn bbox(&self) -> Option<Bbox> {
        Bbox::of(&self.polygons)
    }

    /// A lighter copy for public pages (Douglas–Peucker, `PUBLIC_SIMPLIFY_DEG`); a ring that
    /// would collapse keeps its original points.
    pub fn simplified(&self, epsilon: f64) -> AreaShape {
        AreaShape {
            polygons: self
                .polygons
                .iter()
                .map(|p| Polygon {
                    rings: p
                        .rings
                        .iter()
                        .map(|r| simplify_ring(r, epsilon).unwrap_or_else(|| r.clone()))
                        .collect(),
                })
                .collect(),
        }
    }

    pub fn point_count(&self) -> usize {
        self.polygons
            .iter()
            .flat_map(|p| p.rings.iter())
            .map(Vec::len)
            .sum()
    }

    /// Reads back a stored geometry (already checked when stored: only parsed here).
    pub fn from_stored(text: &str) -> Result<AreaShape, ShapeError> {
        let v: Value =
            serde_json::from_str(text).map_err(|e| ShapeError::NotGeoJson(e.to_string()))?;
        Ok(AreaShape {
            polygons: to_polygons(&v)?,
        })
    }
}
