use proptest::prelude::*;
use time::macros::date;

use super::*;

#[test]
fn keys_round_trip_and_fit_their_kinds() {
    for k in MeasureKey::ALL {
        assert_eq!(MeasureKey::parse(k.as_str()), Some(k));
        assert!(k.fits(k.value_kind()));
    }
    assert_eq!(MeasureKey::parse("portal.nothing"), None);
    assert!(MeasureKey::FeedbackReceived.fits(ValueKind::Number));
    assert!(!MeasureKey::DxSegmentEveryWeek.fits(ValueKind::Number));
    assert!(!MeasureKey::DxPostsMinPerMonth.fits(ValueKind::Boolean));
}

#[test]
fn period_stops_at_the_day_or_the_year_end() {
    assert_eq!(
        period(2026, date!(2026 - 12 - 06)),
        Some((date!(2026 - 01 - 01), date!(2026 - 12 - 06)))
    );
    assert_eq!(
        period(2025, date!(2026 - 12 - 06)),
        Some((date!(2025 - 01 - 01), date!(2025 - 12 - 31)))
    );
    assert_eq!(period(2027, date!(2026 - 12 - 06)), None);
}

#[test]
fn records_span_widens_the_portal_to_iso_weeks_but_not_past_the_day() {
    // 2026's ISO weeks begin on 29 December 2025; the portal reads from then.
    assert_eq!(
        records_span(Module::Portal, 2026, date!(2026 - 12 - 06)),
        Some((date!(2025 - 12 - 29), date!(2026 - 12 - 06)))
    );
    // A year over: to the last ISO week's Sunday (3 January 2027), not only 31 December.
    assert_eq!(
        records_span(Module::Portal, 2026, date!(2027 - 06 - 01)),
        Some((date!(2025 - 12 - 29), date!(2027 - 01 - 03)))
    );
    // 2027's week 1 begins on 4 January 2027: the calendar year still starts on 1 January.
    assert_eq!(
        records_span(Module::Portal, 2027, date!(2027 - 03 - 01)),
        Some((date!(2027 - 01 - 01), date!(2027 - 03 - 01)))
    );
    assert_eq!(
        records_span(Module::Feedback, 2025, date!(2026 - 12 - 06)),
        Some((date!(2025 - 01 - 01), date!(2025 - 12 - 31)))
    );
    assert_eq!(
        records_span(Module::Feedback, 2027, date!(2026 - 12 - 06)),
        None
    );
}

#[test]
fn complete_months_and_weeks() {
    // On 6 December 2026: January to November are complete.
    let m = complete_months(2026, date!(2026 - 12 - 06));
    assert_eq!(m.len(), 11);
    assert_eq!(m[1], (2, date!(2026 - 02 - 01), date!(2026 - 02 - 28)));
    // On the last day of a month that month is not complete yet.
    assert_eq!(complete_months(2026, date!(2026 - 01 - 31)).len(), 0);
    assert_eq!(complete_months(2026, date!(2026 - 02 - 01)).len(), 1);
    assert_eq!(complete_months(2025, date!(2026 - 01 - 01)).len(), 12);
    // 1 January 2026 is a Thursday: ISO week 1 of 2026 is 29 December 2025 – 4 January 2026.
    let w = complete_weeks(2026, date!(2026 - 01 - 12));
    assert_eq!(
        w,
        vec![
            (date!(2025 - 12 - 29), date!(2026 - 01 - 04)),
            (date!(2026 - 01 - 05), date!(2026 - 01 - 11))
        ]
    );
    // 2026 has 53 ISO weeks, the last one 28 December 2026 – 3 January 2027.
    let all = complete_weeks(2026, date!(2027 - 06 - 01));
    assert_eq!(
        all.last(),
        Some(&(date!(2026 - 12 - 28), date!(2027 - 01 - 03)))
    );
    assert_eq!(all.len(), 53);
    assert_eq!(
        iso_year_span(2026),
        Some((date!(2025 - 12 - 29), date!(2027 - 01 - 03)))
    );
}

#[test]
fn posts_per_month_takes_the_fewest() {
    let c = min_posts_per_month(&[(1, 3), (2, 1), (3, 4)]);
    assert_eq!(c.text.as_deref(), Some("1"));
    assert!(c.note.contains("tháng 2"), "{}", c.note);
    assert_eq!(min_posts_per_month(&[]).text, None);
}

#[test]
fn mean_posts_moves_with_every_post() {
    let months = months_elapsed(2026, date!(2026 - 03 - 31)).unwrap();
    assert!((months - 90.0 / (365.0 / 12.0)).abs() < 1e-9);
    assert_eq!(mean_posts_per_month(0, months).text.as_deref(), Some("0"));
    let one: f64 = mean_posts_per_month(6, months)
        .text
        .unwrap()
        .parse()
        .unwrap();
    let two: f64 = mean_posts_per_month(7, months)
        .text
        .unwrap()
        .parse()
        .unwrap();
    assert!(one < two && (one - 2.03).abs() < 0.01, "{one} {two}");
    // The note is read by people: Vietnamese decimals.
    assert!(
        mean_posts_per_month(6, months)
            .note
            .contains("trong 2,96 tháng"),
        "{}",
        mean_posts_per_month(6, months).note
    );
    // A year over counts all twelve months.
    assert_eq!(months_elapsed(2025, date!(2026 - 12 - 06)), Some(12.0));
    assert_eq!(months_elapsed(2027, date!(2026 - 12 - 06)), None);
}

#[test]
fn weeks_every_and_share() {
    let w = [true, true, false, true];
    assert_eq!(
        weeks_held(&w, MeasureKey::DxSegmentEveryWeek)
            .text
            .as_deref(),
        Some("false")
    );
    assert_eq!(
        weeks_held(&w, MeasureKey::DxWeeksHeldShare).text.as_deref(),
        Some("75")
    );
    assert_eq!(
        weeks_held(&[true; 3], MeasureKey::DxSegmentEveryWeek)
            .text
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        weeks_held(&[true, false, false], MeasureKey::DxWeeksHeldShare)
            .text
            .as_deref(),
        Some("33.33")
    );
    assert_eq!(weeks_held(&[], MeasureKey::DxWeeksHeldShare).text, None);
}

#[test]
fn value_text_keeps_two_decimals() {
    assert_eq!(value_text(2.0), "2");
    assert_eq!(value_text(2.5), "2.5");
    assert_eq!(value_text(66.666_6), "66.67");
}

proptest! {
    /// Every complete week belongs to the year (its Thursday), ends before the day, and they
    /// follow each other without gaps; every week belongs to one year only.
    #[test]
    fn complete_weeks_are_contiguous_and_inside(year in 2000i32..2100, day in 0i64..800) {
        let as_of = date!(2000 - 01 - 01) + time::Duration::days(day + (year as i64 - 2000) * 365);
        let w = complete_weeks(year, as_of);
        for (m, s) in &w {
            prop_assert_eq!(m.weekday(), time::Weekday::Monday);
            prop_assert_eq!(*s - *m, time::Duration::days(6));
            prop_assert!((*m + time::Duration::days(3)).year() == year && *s < as_of);
        }
        let next = complete_weeks(year + 1, as_of);
        prop_assert!(w.iter().all(|x| !next.contains(x)));
        for p in w.windows(2) {
            prop_assert_eq!(p[1].0 - p[0].0, time::Duration::days(7));
        }
    }

    /// The fewest posts is never more than any month's count.
    #[test]
    fn min_is_a_lower_bound(counts in proptest::collection::vec(0u32..50, 1..12)) {
        let c: Vec<(u8, u32)> = counts.iter().enumerate().map(|(i, n)| (i as u8 + 1, *n)).collect();
        let v: u32 = min_posts_per_month(&c).text.unwrap().parse().unwrap();
        prop_assert!(counts.iter().all(|n| v <= *n));
        prop_assert!(counts.contains(&v));
    }
}
