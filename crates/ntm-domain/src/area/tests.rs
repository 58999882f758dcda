use proptest::prelude::*;
use time::macros::date;

use super::*;

fn square(lon: f64, lat: f64, side: f64) -> String {
    format!(
        r#"{{"type":"Polygon","coordinates":[[[{lon},{lat}],[{},{lat}],[{},{}],[{lon},{}],[{lon},{lat}]]]}}"#,
        lon + side,
        lon + side,
        lat + side,
        lat + side
    )
}

#[test]
fn codes_are_bounded_and_safe() {
    assert_eq!(
        AreaCode::parse(" vn-tv-0012 ").unwrap().as_str(),
        "VN-TV-0012"
    );
    assert_eq!(AreaCode::parse(""), Err(AreaCodeError::Empty));
    assert_eq!(
        AreaCode::parse("A"),
        Err(AreaCodeError::Length { found: 1 })
    );
    assert_eq!(
        AreaCode::parse(&"A".repeat(41)),
        Err(AreaCodeError::Length { found: 41 })
    );
    assert_eq!(
        AreaCode::parse("VÙNG-1"),
        Err(AreaCodeError::Character {
            ch: 'Ù',
            position: 2
        })
    );
    assert_eq!(
        AreaCode::parse("AB<script>"),
        Err(AreaCodeError::Character {
            ch: '<',
            position: 3
        })
    );
    assert_eq!(AreaCode::parse("-AB"), Err(AreaCodeError::Start));
}

#[test]
fn hectares_are_read_as_people_type_them() {
    assert_eq!(Hectares::parse("1,25").unwrap().hundredths(), 125);
    assert_eq!(Hectares::parse("1.5").unwrap().hundredths(), 150);
    assert_eq!(Hectares::parse("1.234,5").unwrap().hundredths(), 123_450);
    assert_eq!(Hectares::parse("12").unwrap().to_string(), "12.00");
    assert_eq!(Hectares::parse(",5").unwrap().hundredths(), 50);
    assert_eq!(Hectares::parse("0"), Err(HectaresError::NotPositive));
    assert_eq!(Hectares::parse("0,00"), Err(HectaresError::NotPositive));
    assert_eq!(Hectares::parse("-3"), Err(HectaresError::NotPositive));
    assert_eq!(
        Hectares::parse("1,234"),
        Err(HectaresError::TooManyDecimals("1,234".into()))
    );
    assert!(matches!(
        Hectares::parse("abc"),
        Err(HectaresError::NotANumber(_))
    ));
    assert!(matches!(
        Hectares::parse("."),
        Err(HectaresError::NotANumber(_))
    ));
    assert_eq!(Hectares::parse(""), Err(HectaresError::Empty));
    assert_eq!(Hectares::parse("2000000"), Err(HectaresError::TooLarge));
}

#[test]
fn a_square_is_read_and_measured() {
    // About 111 m × 110 m near Trà Vinh: 1.22 ha.
    let s = parse_shape(&square(106.3, 9.9, 0.001)).unwrap();
    let ha = geodesic_hectares(&s.polygons);
    assert!((ha - 1.2227).abs() < 0.01, "{ha}");
    assert_eq!(
        compare_declared(Hectares::parse("1,2").unwrap(), ha),
        AreaComparison::Close
    );
    assert!(matches!(
        compare_declared(Hectares::parse("5").unwrap(), ha),
        AreaComparison::Differs { ratio } if ratio > 0.7
    ));
    // Stored text reads back to the same shape.
    let again = parse_shape(&s.to_geojson()).unwrap();
    assert_eq!(again, s);
    let b = s.bbox().unwrap();
    assert_eq!((b.min_lon, b.max_lat), (106.3, 9.901));
}

#[test]
fn features_and_collections_of_one_are_accepted() {
    let g = square(106.3, 9.9, 0.001);
    let f = format!(r#"{{"type":"Feature","properties":{{}},"geometry":{g}}}"#);
    assert!(parse_shape(&f).is_ok());
    let fc = format!(r#"{{"type":"FeatureCollection","features":[{f}]}}"#);
    assert!(parse_shape(&fc).is_ok());
    let two = format!(r#"{{"type":"FeatureCollection","features":[{f},{f}]}}"#);
    assert_eq!(parse_shape(&two), Err(ShapeError::FeatureCount(2)));
    assert_eq!(
        parse_shape(r#"{"type":"Point","coordinates":[106.3,9.9]}"#),
        Err(ShapeError::NotPolygon("Point".into()))
    );
    assert!(matches!(
        parse_shape("{nope"),
        Err(ShapeError::NotGeoJson(_))
    ));
    assert_eq!(parse_shape("  "), Err(ShapeError::Empty));
}

#[test]
fn a_bow_tie_names_its_crossing_edges() {
    let bow = r#"{"type":"Polygon","coordinates":[[[106.30,9.90],[106.31,9.91],[106.31,9.90],[106.30,9.91],[106.30,9.90]]]}"#;
    match parse_shape(bow) {
        Err(ShapeError::SelfIntersection {
            polygon: 0,
            ring: 0,
            edge_a,
            edge_b,
            lon,
            lat,
        }) => {
            assert_eq!((edge_a, edge_b), (0, 2));
            assert!((lon - 106.305).abs() < 1e-9 && (lat - 9.905).abs() < 1e-9);
        }
        other => panic!("{other:?}"),
    }
    let e = parse_shape(bow).unwrap_err();
    assert!(
        e.vi().contains("tự cắt") && e.vi().contains("cạnh 1 và cạnh 3"),
        "{}",
        e.vi()
    );
    assert!(e.to_string().contains("crosses itself"));
}

#[test]
fn ring_problems_name_the_ring_and_point() {
    let open = r#"{"type":"Polygon","coordinates":[[[106.30,9.90],[106.31,9.90],[106.31,9.91],[106.30,9.91]]]}"#;
    assert_eq!(
        parse_shape(open),
        Err(ShapeError::NotClosed {
            polygon: 0,
            ring: 0
        })
    );
    let swapped = r#"{"type":"Polygon","coordinates":[[[9.90,106.30],[9.91,106.30],[9.91,106.31],[9.90,106.30]]]}"#;
    let e = parse_shape(swapped).unwrap_err();
    assert!(matches!(e, ShapeError::OutOfRange { point: 0, .. }));
    assert!(e.vi().contains("đảo kinh độ và vĩ độ"));
    let short = r#"{"type":"Polygon","coordinates":[[[106.30,9.90],[106.31,9.90],[106.30,9.90]]]}"#;
    assert_eq!(
        parse_shape(short),
        Err(ShapeError::TooFewPoints {
            polygon: 0,
            ring: 0,
            found: 2
        })
    );
    let bad_pos = r#"{"type":"Polygon","coordinates":[[[106.30,9.90],[106.31],[106.31,9.91],[106.30,9.90]]]}"#;
    assert_eq!(
        parse_shape(bad_pos),
        Err(ShapeError::BadPosition {
            polygon: 0,
            ring: 0,
            point: 1
        })
    );
    // A hole outside its outer ring.
    let hole = r#"{"type":"Polygon","coordinates":[
        [[106.30,9.90],[106.31,9.90],[106.31,9.91],[106.30,9.91],[106.30,9.90]],
        [[106.40,9.90],[106.41,9.90],[106.41,9.91],[106.40,9.90]]]}"#;
    assert_eq!(
        parse_shape(hole),
        Err(ShapeError::HoleOutside {
            polygon: 0,
            ring: 1
        })
    );
    // Two overlapping polygons.
    let rings = |lon: f64, lat: f64| {
        let s = square(lon, lat, 0.01);
        s["{\"type\":\"Polygon\",\"coordinates\":".len()..s.len() - 1].to_string()
    };
    let mp = format!(
        r#"{{"type":"MultiPolygon","coordinates":[{},{}]}}"#,
        rings(106.3, 9.9),
        rings(106.305, 9.905)
    );
    assert_eq!(
        parse_shape(&mp),
        Err(ShapeError::PolygonsOverlap { a: 0, b: 1 })
    );
}

#[test]
fn containment_allows_the_simplification_tolerance_only() {
    let commune = vec![Polygon {
        rings: vec![vec![
            [106.0, 9.0],
            [106.1, 9.0],
            [106.1, 9.1],
            [106.0, 9.1],
            [106.0, 9.0],
        ]],
    }];
    let bbox = Bbox {
        min_lon: 106.0,
        min_lat: 9.0,
        max_lon: 106.1,
        max_lat: 9.1,
    };
    let inside = parse_shape(&square(106.05, 9.05, 0.01)).unwrap();
    assert_eq!(
        check_inside(
            &inside.polygons,
            &commune,
            bbox,
            SIMPLIFICATION_TOLERANCE_DEG
        ),
        Containment::Inside
    );
    // 0.0003° over the line: within the tolerance.
    let edge = parse_shape(&square(106.0997, 9.05, 0.0006)).unwrap();
    assert_eq!(
        check_inside(&edge.polygons, &commune, bbox, SIMPLIFICATION_TOLERANCE_DEG),
        Containment::Inside
    );
    // 0.0095° over: refused, naming the farthest point.
    let across = parse_shape(&square(106.095, 9.05, 0.0145)).unwrap();
    match check_inside(
        &across.polygons,
        &commune,
        bbox,
        SIMPLIFICATION_TOLERANCE_DEG,
    ) {
        Containment::Outside {
            lon, distance_m, ..
        } => {
            assert!((lon - 106.1095).abs() < 1e-9, "{lon}");
            assert!((1_000.0..1_100.0).contains(&distance_m), "{distance_m}");
        }
        Containment::Inside => panic!("accepted"),
    }
    // An edge cutting across a notch of the outline, its four vertices inside.
    let notched = vec![Polygon {
        rings: vec![vec![
            [106.0, 9.0],
            [106.1, 9.0],
            [106.1, 9.1],
            [106.05, 9.02],
            [106.0, 9.1],
            [106.0, 9.0],
        ]],
    }];
    let bridge = parse_shape(
        r#"{"type":"Polygon","coordinates":[[[106.02,9.06],[106.08,9.06],[106.08,9.05],[106.02,9.05],[106.02,9.06]]]}"#,
    )
    .unwrap();
    assert!(matches!(
        check_inside(
            &bridge.polygons,
            &notched,
            bbox,
            SIMPLIFICATION_TOLERANCE_DEG
        ),
        Containment::Outside { .. }
    ));
}

#[test]
fn certificate_status_on_a_day() {
    let c = Certification::new(
        "vietgap",
        "",
        "VG-123",
        "Trung tâm Chứng nhận",
        date!(2025 - 01 - 01),
        date!(2027 - 12 - 31),
    )
    .unwrap();
    assert_eq!(c.status_on(date!(2024 - 12 - 31)), CertStatus::NotYetValid);
    assert_eq!(c.status_on(date!(2026 - 06 - 01)), CertStatus::Valid);
    assert_eq!(
        c.status_on(date!(2027 - 12 - 31)),
        CertStatus::Expiring { days_left: 1 }
    );
    assert_eq!(
        c.status_on(date!(2027 - 10 - 02)),
        CertStatus::Expiring { days_left: 91 }.min_valid()
    );
    assert_eq!(c.status_on(date!(2028 - 01 - 01)), CertStatus::Expired);
    let errs = Certification::new(
        "other",
        " ",
        "",
        "x",
        date!(2025 - 01 - 02),
        date!(2025 - 01 - 01),
    )
    .unwrap_err();
    assert_eq!(
        errs,
        vec![
            CertificationError::Scheme,
            CertificationError::Number,
            CertificationError::Dates
        ]
    );
    assert_eq!(
        Certification::new(
            "gap",
            "",
            "1",
            "x",
            date!(2025 - 01 - 01),
            date!(2025 - 01 - 01)
        )
        .unwrap_err(),
        vec![CertificationError::Kind]
    );
}

impl CertStatus {
    /// 91 days left is past the 90-day window: plain valid.
    fn min_valid(self) -> CertStatus {
        match self {
            CertStatus::Expiring { days_left } if days_left > EXPIRING_WITHIN_DAYS => {
                CertStatus::Valid
            }
            s => s,
        }
    }
}

#[test]
fn seasons_check_their_dates() {
    let s = Season::new("Đông Xuân 2025–2026", "", date!(2025 - 11 - 20), None).unwrap();
    assert!(s.current_on(date!(2026 - 01 - 01)));
    assert!(!s.current_on(date!(2025 - 11 - 19)));
    assert_eq!(
        Season::new(" ", "", date!(2025 - 11 - 20), Some(date!(2025 - 11 - 01))).unwrap_err(),
        vec![SeasonError::Name, SeasonError::Dates]
    );
}

fn star(center: (f64, f64), radii: &[f64]) -> String {
    let n = radii.len();
    let mut pts: Vec<String> = radii
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let a = std::f64::consts::TAU * i as f64 / n as f64;
            format!(
                "[{:.7},{:.7}]",
                center.0 + r * a.cos(),
                center.1 + r * a.sin()
            )
        })
        .collect();
    pts.push(pts[0].clone());
    format!(
        r#"{{"type":"Polygon","coordinates":[[{}]]}}"#,
        pts.join(",")
    )
}

proptest! {
    /// A star-shaped ring (points at increasing angles) never crosses itself: accepted, with
    /// a positive area, and the stored text reads back to the same shape.
    #[test]
    fn star_shapes_are_valid(radii in prop::collection::vec(0.0005f64..0.01, 3..60)) {
        let s = parse_shape(&star((106.3, 9.9), &radii)).unwrap();
        prop_assert!(geodesic_hectares(&s.polygons) > 0.0);
        prop_assert_eq!(parse_shape(&s.to_geojson()).unwrap(), s.clone());
        let simple = s.simplified(PUBLIC_SIMPLIFY_DEG);
        prop_assert!(simple.point_count() <= s.point_count());
    }

    /// Swapping two non-adjacent points of a convex ring makes it cross itself: refused.
    #[test]
    fn swapped_points_cross(n in 6usize..30, i in 0usize..100) {
        let radii = vec![0.005; n];
        let i = 1 + i % (n - 3);
        let mut s = star((106.3, 9.9), &radii);
        // Rebuild with points i and i+2 swapped.
        let body = &s[s.find("[[[").unwrap() + 2..s.rfind("]]]").unwrap() + 1];
        let mut pts: Vec<&str> = body.split("],").map(|p| p.trim_end_matches(']')).collect();
        pts.swap(i, i + 2);
        s = format!(
            r#"{{"type":"Polygon","coordinates":[[{}]]}}"#,
            pts.iter().map(|p| format!("{p}]")).collect::<Vec<_>>().join(",")
        );
        let is_crossing = matches!(parse_shape(&s), Err(ShapeError::SelfIntersection { .. }));
        prop_assert!(is_crossing);
    }

    #[test]
    fn hectares_round_trip(h in 1i64..MAX_HECTARES_HUNDREDTHS) {
        let ha = Hectares::from_hundredths(h).unwrap();
        prop_assert_eq!(Hectares::parse(&ha.to_string()).unwrap(), ha);
        prop_assert_eq!(Hectares::parse(&ha.to_string().replace('.', ",")).unwrap(), ha);
    }
}
