//! Boundary import rules: coordinate system, extent, validity, map copy, periods, dates.

use serde_json::json;
use time::macros::date;

use super::*;

fn square(lon: f64, lat: f64, side: f64) -> serde_json::Value {
    json!({"type": "Polygon", "coordinates": [[
        [lon, lat], [lon + side, lat], [lon + side, lat + side], [lon, lat + side], [lon, lat]
    ]]})
}

#[test]
fn crs_must_be_wgs84_lon_lat() {
    let named = |n: &str| json!({"type": "name", "properties": {"name": n}});
    assert_eq!(check_crs(&serde_json::Value::Null), Ok(()));
    assert_eq!(check_crs(&named("urn:ogc:def:crs:OGC:1.3:CRS84")), Ok(()));
    assert_eq!(check_crs(&named("urn:ogc:def:crs:EPSG::4326")), Ok(()));
    assert_eq!(check_crs(&named("EPSG:4326")), Ok(()));
    assert_eq!(
        check_crs(&named("urn:ogc:def:crs:EPSG::3405")),
        Err("urn:ogc:def:crs:EPSG::3405".into())
    );
    assert!(check_crs(&json!({"type": "link"})).is_err());
}

#[test]
fn outlines_inside_vietnam_are_kept_with_a_map_copy() {
    let o = outline_of(&square(106.3, 9.9, 0.05)).unwrap();
    assert_eq!(o.bbox.min_lon, 106.3);
    assert!((o.label[0] - 106.325).abs() < 1e-9 && (o.label[1] - 9.925).abs() < 1e-9);
    assert_eq!(o.simplified.polygons.len(), 1);
}

#[test]
fn outside_vietnam_or_projected_coordinates_are_refused() {
    // Paris.
    assert!(matches!(
        outline_of(&square(2.3, 48.8, 0.1)),
        Err(OutlineError::OutsideVietnam(_))
    ));
    // Latitude and longitude swapped (9.9, 106.3) is out of WGS84 range entirely.
    assert!(matches!(
        outline_of(&square(9.9, 106.3, 0.1)),
        Err(OutlineError::Shape(ShapeError::OutOfRange { .. }))
    ));
    // VN-2000 / UTM metres.
    assert!(matches!(
        outline_of(&square(580_000.0, 1_100_000.0, 100.0)),
        Err(OutlineError::Shape(ShapeError::OutOfRange { .. }))
    ));
}

#[test]
fn invalid_geometry_is_refused_with_the_area_rules() {
    let bow_tie = json!({"type": "Polygon", "coordinates": [[
        [106.0, 10.0], [106.1, 10.1], [106.1, 10.0], [106.0, 10.1], [106.0, 10.0]
    ]]});
    let e = outline_of(&bow_tie).unwrap_err();
    assert!(
        matches!(e, OutlineError::Shape(ShapeError::SelfIntersection { .. })),
        "{e:?}"
    );
    assert!(e.vi().contains("tự cắt"));
    let point = json!({"type": "Point", "coordinates": [106.0, 10.0]});
    assert!(outline_of(&point).is_err());
}

#[test]
fn the_map_copy_drops_detail_below_the_tolerance() {
    // A square with 400 tiny zig-zags (0.0001°) on its bottom edge.
    let mut ring = vec![[106.0, 10.0]];
    for i in 1..400 {
        let x = 106.0 + f64::from(i) * 0.00025;
        ring.push([x, 10.0 + if i % 2 == 0 { 0.0 } else { 0.0001 }]);
    }
    ring.extend([[106.1, 10.0], [106.1, 10.1], [106.0, 10.1], [106.0, 10.0]]);
    let o = outline_of(&json!({"type": "Polygon", "coordinates": [ring]})).unwrap();
    assert!(o.shape.point_count() > 400);
    assert!(
        o.simplified.point_count() <= 6,
        "{}",
        o.simplified.point_count()
    );
}

#[test]
fn label_point_of_a_concave_outline_lies_inside() {
    // A U shape: its centroid is in the gap between the arms.
    let u = json!({"type": "Polygon", "coordinates": [[
        [106.0, 10.0], [106.3, 10.0], [106.3, 10.3], [106.2, 10.3], [106.2, 10.1],
        [106.1, 10.1], [106.1, 10.3], [106.0, 10.3], [106.0, 10.0]
    ]]});
    let o = outline_of(&u).unwrap();
    assert!(
        super::geom::in_polygon(o.label, &o.shape.polygons[0]),
        "{:?}",
        o.label
    );
}

#[test]
fn a_later_import_starts_a_new_period_and_closes_the_open_one() {
    let open = Period {
        from: date!(2025 - 07 - 01),
        to: None,
    };
    let plan = plan_period(&[open], date!(2026 - 01 - 01));
    assert_eq!(plan.closes, Some(date!(2025 - 07 - 01)));
    assert!(!plan.replaces);
    assert_eq!(plan.period.to, None);
    // The same day again: replaced, nothing closed.
    let again = plan_period(&[open], date!(2025 - 07 - 01));
    assert!(again.replaces);
    assert_eq!(again.closes, None);
    // An earlier date: it ends where the stored one starts.
    let earlier = plan_period(&[open], date!(2024 - 01 - 01));
    assert_eq!(earlier.period.to, Some(date!(2025 - 07 - 01)));
    assert_eq!(earlier.closes, None);
    // Between two stored periods: the first is cut, the new one ends at the second.
    let first = Period {
        from: date!(2022 - 01 - 01),
        to: Some(date!(2025 - 07 - 01)),
    };
    let mid = plan_period(&[first, open], date!(2024 - 01 - 01));
    assert_eq!(mid.closes, Some(date!(2022 - 01 - 01)));
    assert_eq!(mid.period.to, Some(date!(2025 - 07 - 01)));
    assert!(mid.period.covers(date!(2025 - 06 - 30)));
    assert!(!mid.period.covers(date!(2025 - 07 - 01)));
}

#[test]
fn a_boundary_date_must_fall_in_the_units_validity() {
    assert_eq!(
        date_problem(&[], date!(2025 - 07 - 01)),
        Some(DateProblem::UnknownUnit)
    );
    // A commune closed on 1 July 2025 (unknown start).
    let closed = [(None, Some(date!(2025 - 07 - 01)))];
    assert_eq!(date_problem(&closed, date!(2022 - 01 - 01)), None);
    assert_eq!(date_problem(&closed, date!(2025 - 06 - 30)), None);
    let p = date_problem(&closed, date!(2025 - 07 - 01)).unwrap();
    assert_eq!(
        p,
        DateProblem::OutsideValidity {
            first: None,
            ends: Some(date!(2025 - 07 - 01))
        }
    );
    assert!(p.to_string().contains("01/07/2025"));
    // A commune opened on 1 July 2025.
    let new = [(Some(date!(2025 - 07 - 01)), None)];
    assert!(date_problem(&new, date!(2025 - 06 - 30)).is_some());
    assert_eq!(date_problem(&new, date!(2030 - 01 - 01)), None);
}
