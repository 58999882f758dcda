use super::*;
use crate::area::{Polygon, in_polygon};
use time::macros::date;

#[test]
fn bbox_forms_and_errors() {
    let b = parse_bbox("105.9,9.8,106.5,10.4").unwrap();
    assert_eq!((b.min_lon, b.max_lat), (105.9, 10.4));
    let b = parse_bbox("105.9, 9.8, 0, 106.5, 10.4, 100").unwrap();
    assert_eq!((b.max_lon, b.max_lat), (106.5, 10.4));
    assert_eq!(parse_bbox("1,2,3"), Err(ParamError::BboxArity(3)));
    assert_eq!(parse_bbox("1,2,3,4,5"), Err(ParamError::BboxArity(5)));
    assert!(matches!(
        parse_bbox("a,2,3,4"),
        Err(ParamError::BboxNumber(_))
    ));
    assert!(matches!(
        parse_bbox("NaN,2,3,4"),
        Err(ParamError::BboxNumber(_))
    ));
    assert_eq!(parse_bbox("0,95,1,96"), Err(ParamError::BboxRange));
    assert!(matches!(
        parse_bbox("106.5,9.8,105.9,10.4"),
        Err(ParamError::BboxSwapped(..))
    ));
    assert!(matches!(
        parse_bbox("105.9,10.4,106.5,9.8"),
        Err(ParamError::BboxSwapped(..))
    ));
    assert!(
        ParamError::BboxSwapped(2.0, 1.0, 1.0, 2.0)
            .to_string()
            .contains("swapped")
    );
}

#[test]
fn limit_default_and_range() {
    assert_eq!(parse_limit(None), Ok(DEFAULT_LIMIT));
    assert_eq!(parse_limit(Some("1")), Ok(1));
    assert_eq!(parse_limit(Some("1000")), Ok(MAX_LIMIT));
    assert_eq!(parse_limit(Some("0")), Err(ParamError::LimitRange(0)));
    assert_eq!(parse_limit(Some("1001")), Err(ParamError::LimitRange(1001)));
    assert_eq!(parse_limit(Some("-5")), Err(ParamError::LimitRange(-5)));
    assert!(matches!(
        parse_limit(Some("ten")),
        Err(ParamError::LimitNumber(_))
    ));
}

#[test]
fn datetime_instants_and_intervals() {
    let d = parse_datetime("2024-05-01").unwrap();
    assert_eq!(
        (d.start, d.end),
        (Some(date!(2024 - 05 - 01)), Some(date!(2024 - 05 - 01)))
    );
    // 23:30 at UTC+7 is 16:30 UTC, the same day; 02:00 at UTC+7 is the day before in UTC.
    let d = parse_datetime("2024-05-01T02:00:00+07:00").unwrap();
    assert_eq!(d.start, Some(date!(2024 - 04 - 30)));
    let d = parse_datetime("2023-01-01/..").unwrap();
    assert_eq!((d.start, d.end), (Some(date!(2023 - 01 - 01)), None));
    let d = parse_datetime("../2023-12-31T23:59:59Z").unwrap();
    assert_eq!((d.start, d.end), (None, Some(date!(2023 - 12 - 31))));
    let d = parse_datetime("/2023-12-31").unwrap();
    assert_eq!(d.start, None);
    assert!(matches!(
        parse_datetime("yesterday"),
        Err(ParamError::Datetime(_))
    ));
    assert!(matches!(
        parse_datetime("2024-13-01"),
        Err(ParamError::Datetime(_))
    ));
    assert!(matches!(
        parse_datetime("2024-01-01/2024-02-01/2024-03-01"),
        Err(ParamError::Datetime(_))
    ));
    assert!(matches!(
        parse_datetime("2024-02-01/2024-01-01"),
        Err(ParamError::DatetimeOrder(_))
    ));
    assert!(matches!(
        parse_datetime("../.."),
        Err(ParamError::DatetimeOpen(_))
    ));
    assert!(matches!(parse_datetime(".."), Err(ParamError::Datetime(_))));
}

#[test]
fn interval_meets_days() {
    let i = parse_datetime("2024-01-01/2024-12-31").unwrap();
    assert!(i.meets(date!(2024 - 06 - 01), date!(2024 - 06 - 01)));
    assert!(i.meets(date!(2023 - 06 - 01), date!(2024 - 01 - 01)));
    assert!(!i.meets(date!(2025 - 01 - 01), date!(2025 - 12 - 31)));
    assert!(!i.meets(date!(2023 - 01 - 01), date!(2023 - 12 - 31)));
    assert!(Interval::default().meets(date!(1990 - 01 - 01), date!(1990 - 01 - 01)));
}

fn poly(coords: &[[f64; 2]]) -> Polygon {
    Polygon {
        rings: vec![coords.to_vec()],
    }
}

#[test]
fn representative_point_lies_inside() {
    // A square: its centre.
    let sq = poly(&[[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0], [0.0, 0.0]]);
    assert_eq!(
        representative_point(std::slice::from_ref(&sq)),
        Some([1.0, 1.0])
    );
    // A U shape whose box centre is in the gap: the point is inside the U.
    let u = poly(&[
        [0.0, 0.0],
        [3.0, 0.0],
        [3.0, 3.0],
        [2.0, 3.0],
        [2.0, 1.0],
        [1.0, 1.0],
        [1.0, 3.0],
        [0.0, 3.0],
        [0.0, 0.0],
    ]);
    let p = representative_point(std::slice::from_ref(&u)).unwrap();
    assert!(in_polygon(p, &u), "{p:?}");
    // The largest polygon of several is used.
    let small = poly(&[[10.0, 10.0], [10.1, 10.0], [10.1, 10.1], [10.0, 10.0]]);
    let p = representative_point(&[small, sq.clone()]).unwrap();
    assert!(in_polygon(p, &sq));
    assert_eq!(representative_point(&[]), None);
}
