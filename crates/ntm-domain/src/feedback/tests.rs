use proptest::prelude::*;
use time::macros::{date, datetime};
use uuid::Uuid;

use super::*;
use crate::dossier::HolidayCalendar;

#[test]
fn steps_follow_the_order() {
    use Action::*;
    use Status::*;
    assert_eq!(next(Received, Accept), Ok(Accepted));
    assert_eq!(next(Accepted, Start), Ok(InProgress));
    assert_eq!(next(InProgress, Resolve), Ok(Resolved));
    assert_eq!(next(Received, Reject), Ok(Rejected));
    assert_eq!(next(Received, Transfer), Ok(Transferred));
    assert_eq!(next(Transferred, Accept), Ok(Accepted));
    assert_eq!(next(Accepted, Merge), Ok(Merged));
    assert_eq!(
        next(Received, Resolve),
        Err(StepError::Skipped(Received, Resolve))
    );
    assert_eq!(
        next(Received, Start),
        Err(StepError::Skipped(Received, Start))
    );
    assert_eq!(
        next(InProgress, Reject),
        Err(StepError::Skipped(InProgress, Reject))
    );
    assert_eq!(next(Resolved, Accept), Err(StepError::Closed(Resolved)));
    assert!(
        StepError::Skipped(Received, Resolve)
            .vi()
            .contains("bỏ qua")
    );
    assert_eq!(
        status::available(Received),
        vec![Accept, Reject, Transfer, Merge]
    );
    assert_eq!(status::available(InProgress), vec![Resolve]);
    assert!(status::available(Rejected).is_empty());
}

#[test]
fn names_round_trip() {
    for s in Status::ALL {
        assert_eq!(Status::parse(s.as_str()), Some(s));
    }
    for a in Action::ALL {
        assert_eq!(Action::parse(a.as_str()), Some(a));
    }
    assert_eq!(Status::Resolved.open311(), "closed");
    assert_eq!(Status::Transferred.open311(), "open");
}

proptest! {
    /// Whatever the steps tried, the report only moves forward along allowed edges, never
    /// leaves a closed state, and reaches Resolved only through InProgress.
    #[test]
    fn no_path_skips_a_step(actions in proptest::collection::vec(0usize..6, 0..12)) {
        let mut s = Status::Received;
        let mut seen_in_progress = false;
        for i in actions {
            let a = Action::ALL[i];
            if let Ok(t) = next(s, a) {
                {
                    prop_assert!(!s.is_closed());
                    if t == Status::Resolved { prop_assert!(seen_in_progress && s == Status::InProgress); }
                    if t == Status::InProgress { prop_assert_eq!(s, Status::Accepted); }
                    if t == Status::InProgress { seen_in_progress = true; }
                    s = t;
                }
            }
        }
    }

    #[test]
    fn tracking_codes_normalize_to_themselves(r in any::<[u8; 8]>()) {
        let c = make_tracking_code(r);
        prop_assert_eq!(c.len(), 11);
        prop_assert_eq!(normalize_tracking_code(&c), Some(c.clone()));
        prop_assert_eq!(normalize_tracking_code(&c.to_lowercase().replace('-', " ")), Some(c));
    }

    /// The geodesic distance is symmetric and within 1 % of the spherical estimate.
    #[test]
    fn distance_is_sane(lat in 8.5f64..23.0, lon in 102.5f64..109.0, dlat in -0.001f64..0.001, dlon in -0.001f64..0.001) {
        let d1 = distance_m(lat, lon, lat + dlat, lon + dlon);
        let d2 = distance_m(lat + dlat, lon + dlon, lat, lon);
        prop_assert!((d1 - d2).abs() < 1e-6);
        let r = 6_371_008.8f64;
        let x = dlon.to_radians() * (lat.to_radians()).cos();
        let y = dlat.to_radians();
        let approx = r * (x * x + y * y).sqrt();
        prop_assert!((d1 - approx).abs() <= approx * 0.01 + 0.01, "{} vs {}", d1, approx);
    }
}

#[test]
fn codes_refuse_garbage() {
    assert_eq!(
        normalize_tracking_code("abcde-fghjk"),
        Some("ABCDE-FGHJK".into())
    );
    assert_eq!(
        normalize_tracking_code("oO1iL-00000"),
        Some("00111-00000".into())
    );
    assert_eq!(normalize_tracking_code("ABCDE-FGHJ"), None);
    assert_eq!(normalize_tracking_code("ABCDE-FGHJKM"), None);
    assert_eq!(normalize_tracking_code("ABCDE-FGHJU"), None);
    assert_eq!(normalize_tracking_code("ÀBCDE-FGHJK"), None);
}

#[test]
fn text_is_bounded() {
    assert_eq!(check_text("  \n "), Err(InputError::Empty));
    assert_eq!(check_text(" Đèn đường hỏng "), Ok("Đèn đường hỏng".into()));
    let long = "ă".repeat(MAX_TEXT + 1);
    assert_eq!(
        check_text(&long),
        Err(InputError::TooLong(MAX_TEXT + 1, MAX_TEXT))
    );
    assert!(check_text(&"ă".repeat(MAX_TEXT)).is_ok());
}

#[test]
fn due_dates_skip_weekends_and_holidays() {
    // Friday 24/04/2026; 30/04 and 01/05 are holidays.
    let cal = HolidayCalendar::new([date!(2026 - 04 - 30), date!(2026 - 05 - 01)]);
    assert_eq!(
        due_date(&cal, date!(2026 - 04 - 24), 1),
        Some(date!(2026 - 04 - 27))
    );
    assert_eq!(
        due_date(&cal, date!(2026 - 04 - 24), 4),
        Some(date!(2026 - 05 - 04))
    );
    let due = date!(2026 - 05 - 04);
    assert_eq!(
        timeliness(Status::Resolved, due, Some(due), due),
        Timeliness::OnTime
    );
    assert_eq!(
        timeliness(Status::Resolved, due, Some(date!(2026 - 05 - 05)), due),
        Timeliness::Late
    );
    assert_eq!(
        timeliness(Status::InProgress, due, None, due),
        Timeliness::Pending
    );
    assert_eq!(
        timeliness(Status::InProgress, due, None, date!(2026 - 05 - 05)),
        Timeliness::Overdue
    );
    assert_eq!(
        timeliness(Status::Merged, due, None, date!(2027 - 01 - 01)),
        Timeliness::NotCounted
    );
}

fn at(lat: f64, lon: f64, cat: &str, day: time::Date, n: u128) -> Located {
    Located {
        id: Uuid::from_u128(n),
        category: cat.into(),
        lat,
        lon,
        received_on: day,
    }
}

#[test]
fn duplicates_are_near_recent_and_same_category() {
    let d = date!(2026 - 03 - 01);
    let a = at(9.9347, 106.3452, "road", d, 1);
    // 0.0004° of latitude ≈ 44 m; 0.0005° ≈ 55 m.
    let near = at(9.9351, 106.3452, "road", date!(2026 - 03 - 31), 2);
    let far = at(9.9352, 106.3452, "road", d, 3);
    let other_cat = at(9.9347, 106.3452, "light", d, 4);
    let old = at(9.9347, 106.3452, "road", date!(2026 - 01 - 29), 5);
    let cands = vec![far.clone(), near.clone(), other_cat, old, a.clone()];
    let found = likely_duplicates(&a, &cands);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0.id, near.id);
    assert!((found[0].1 - 44.2).abs() < 1.0, "{}", found[0].1);
    assert!(distance_m(a.lat, a.lon, far.lat, far.lon) > DUPLICATE_METRES);
}

fn rec(
    n: u128,
    status: Status,
    rec_on: time::Date,
    due: time::Date,
    closed: Option<time::OffsetDateTime>,
    rating: Option<u8>,
) -> Record {
    Record {
        id: Uuid::from_u128(n),
        status,
        received_at: rec_on.midnight().assume_utc(),
        received_on: rec_on,
        due_on: due,
        closed_at: closed,
        closed_on: closed.map(|c| c.date()),
        rating,
    }
}

/// Fixed records counted by hand.
#[test]
fn measures_equal_hand_counts() {
    let d1 = date!(2026 - 03 - 02);
    let due = date!(2026 - 03 - 09);
    let rs = vec![
        // resolved on time after 2 days, rated 5
        rec(
            1,
            Status::Resolved,
            d1,
            due,
            Some(datetime!(2026-03-04 0:00 UTC)),
            Some(5),
        ),
        // resolved late after 10 days, rated 2
        rec(
            2,
            Status::Resolved,
            d1,
            due,
            Some(datetime!(2026-03-12 0:00 UTC)),
            Some(2),
        ),
        // rejected on time (referral)
        rec(
            3,
            Status::Rejected,
            d1,
            due,
            Some(datetime!(2026-03-03 0:00 UTC)),
            None,
        ),
        // open, overdue on 20/03
        rec(4, Status::InProgress, d1, due, None, None),
        // open, not yet due
        rec(
            5,
            Status::Received,
            date!(2026 - 03 - 19),
            date!(2026 - 03 - 26),
            None,
            None,
        ),
        // merged: received but not timed
        rec(6, Status::Merged, d1, due, None, None),
        // outside the period
        rec(
            7,
            Status::Resolved,
            date!(2026 - 04 - 01),
            date!(2026 - 04 - 08),
            Some(datetime!(2026-04-02 0:00 UTC)),
            Some(5),
        ),
    ];
    let m = measures(
        &rs,
        date!(2026 - 03 - 01),
        date!(2026 - 03 - 31),
        date!(2026 - 03 - 20),
    );
    assert_eq!(m.received.value, Some(6.0));
    assert_eq!(m.received.ids.len(), 6);
    // on time: 1 and 3 of 1, 2, 3, 4
    assert_eq!(m.on_time.ids, vec![Uuid::from_u128(1), Uuid::from_u128(3)]);
    assert_eq!(m.on_time.of.len(), 4);
    assert_eq!(m.on_time.value, Some(50.0));
    // (2 + 10) / 2
    assert_eq!(m.mean_days_to_resolve.value, Some(6.0));
    assert_eq!(m.satisfied.value, Some(50.0));
    assert_eq!(m.mean_rating.value, Some(3.5));
    let empty = measures(
        &[],
        date!(2026 - 03 - 01),
        date!(2026 - 03 - 31),
        date!(2026 - 03 - 20),
    );
    assert_eq!(empty.received.value, Some(0.0));
    assert_eq!(empty.on_time.value, None);
    assert_eq!(empty.mean_rating.value, None);
}
