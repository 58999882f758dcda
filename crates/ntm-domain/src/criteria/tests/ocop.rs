//! The OCOP scoring scheme.

use super::*;

// ------------------------------------------------------------------ OCOP

#[test]
fn ocop_scheme_loads_and_rates() {
    let (name, text) = FILES
        .iter()
        .find(|(n, _)| *n == "ocop-2023.yaml")
        .copied()
        .expect("ocop file");
    let o = parse_ocop(name, text).expect("ocop");
    assert_eq!(
        o.parts
            .iter()
            .map(|p| (p.code.as_str(), p.max_points))
            .collect::<Vec<_>>(),
        vec![("A", 40.0), ("B", 25.0), ("C", 35.0)]
    );
    assert_eq!(o.stars_for(29.9), Some(1));
    assert_eq!(o.stars_for(49.99), Some(2));
    assert_eq!(o.stars_for(50.0), Some(3));
    assert_eq!(o.stars_for(89.9), Some(4));
    assert_eq!(o.stars_for(90.0), Some(5));
    assert_eq!(o.stars_for(100.0), Some(5));
    assert_eq!(o.stars_for(100.5), None);
    assert!(o.is_certified(3) && !o.is_certified(2));
    assert_eq!(o.total(&[("A", 30.0), ("B", 20.0), ("C", 25.5)]), Ok(75.5));
    assert_eq!(
        o.total(&[("A", 41.0), ("B", 20.0), ("C", 25.0)]),
        Err(OcopError::OutOfRange {
            part: "A".into(),
            points: 41.0,
            max: 40.0
        })
    );
    assert_eq!(o.certificate_months, 36);
    assert_eq!(
        o.certificate_valid_until(date!(2023 - 03 - 15)),
        date!(2026 - 03 - 14)
    );
    assert_eq!(
        o.levels
            .iter()
            .map(|l| l.recognises_stars.clone())
            .collect::<Vec<_>>(),
        vec![vec![3], vec![4], vec![5]]
    );
    // A scheme whose parts do not add up is refused.
    let bad = text.replace("max_points: 25", "max_points: 20");
    let e = errors_of("ocop.yaml", &bad);
    assert_eq!(e.len(), 1);
    assert!(
        e[0].contains("score_parts.parts: the parts add up to 95 points, not max_total 100"),
        "{e:?}"
    );
    assert!(parse_set(name, text).is_err());
}
