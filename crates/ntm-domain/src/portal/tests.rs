use proptest::prelude::*;
use time::macros::{date, time};
use time::{Date, Duration};
use uuid::Uuid;

use super::*;

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

fn post(n: u128, category: Category, on: Option<Date>) -> PostFact {
    PostFact {
        id: id(n),
        category,
        published_on: on,
    }
}

fn prog(n: u128, air: Date, held: bool, dx: bool) -> ProgrammeFact {
    ProgrammeFact {
        id: id(n),
        air_date: air,
        held,
        dx_segment: dx,
    }
}

#[test]
fn categories_round_trip_and_only_one_is_dx() {
    for c in Category::ALL {
        assert_eq!(Category::parse(c.code()), Some(c));
    }
    assert_eq!(
        Category::parse("chuyen-doi-so"),
        Some(Category::ChuyenDoiSo)
    );
    assert_eq!(Category::parse("khac"), None);
    assert_eq!(Category::ALL.iter().filter(|c| c.is_dx()).count(), 1);
    assert_eq!(Category::ChuyenDoiSo.name_vi(), "Chuyển đổi số");
}

#[test]
fn input_checks() {
    assert_eq!(check_title("  Tin  "), Ok("Tin".into()));
    assert_eq!(check_title("   "), Err(InputError::Empty));
    assert_eq!(
        check_title(&"a".repeat(MAX_TITLE + 1)),
        Err(InputError::TooLong { max: MAX_TITLE })
    );
    assert_eq!(check_note(""), Ok(String::new()));
    assert_eq!(check_air_time("06:30"), Ok(time!(06:30)));
    assert_eq!(check_air_time("6:05"), Ok(time!(06:05)));
    for bad in ["", "25:00", "06:60", "0630", "06:3", "ab:cd"] {
        assert_eq!(check_air_time(bad), Err(InputError::BadTime), "{bad}");
    }
}

/// Hand count on fixed data: March 2026 (partial: from the 10th), April, May 1–5.
#[test]
fn dx_posts_per_month_equals_a_hand_count() {
    let posts = [
        post(1, Category::ChuyenDoiSo, Some(date!(2026 - 03 - 09))), // before the period
        post(2, Category::ChuyenDoiSo, Some(date!(2026 - 03 - 10))),
        post(3, Category::ChuyenDoiSo, Some(date!(2026 - 03 - 31))),
        post(4, Category::TinTuc, Some(date!(2026 - 03 - 20))), // not DX
        post(5, Category::ChuyenDoiSo, None),                   // draft
        post(6, Category::ChuyenDoiSo, Some(date!(2026 - 04 - 30))),
        post(7, Category::ChuyenDoiSo, Some(date!(2026 - 05 - 06))), // after
    ];
    let f = dx_figures(&posts, &[], date!(2026 - 03 - 10), date!(2026 - 05 - 05));
    let got: Vec<(u8, bool, Vec<Uuid>)> = f
        .months
        .iter()
        .map(|m| (m.month, m.partial, m.posts.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (3, true, vec![id(2), id(3)]),
            (4, false, vec![id(6)]),
            (5, true, vec![]),
        ]
    );
    assert_eq!(f.posts(), vec![id(2), id(3), id(6)]);
}

/// Hand count: ISO weeks of 2026-03-02 (Mon) .. 2026-03-29 (Sun) = weeks 10..13.
#[test]
fn weeks_with_a_dx_segment_held_equal_a_hand_count() {
    let progs = [
        prog(1, date!(2026 - 03 - 02), true, true),  // w10
        prog(2, date!(2026 - 03 - 08), true, true),  // w10 (Sunday)
        prog(3, date!(2026 - 03 - 09), true, false), // w11, no DX segment
        prog(4, date!(2026 - 03 - 10), false, true), // w11, not held
        prog(5, date!(2026 - 03 - 22), true, true),  // w12
        prog(6, date!(2026 - 03 - 30), true, true),  // after
    ];
    let f = dx_figures(&[], &progs, date!(2026 - 03 - 02), date!(2026 - 03 - 29));
    let got: Vec<(u8, Vec<Uuid>)> = f
        .weeks
        .iter()
        .map(|w| (w.week, w.programmes.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (10, vec![id(1), id(2)]),
            (11, vec![]),
            (12, vec![id(5)]),
            (13, vec![]),
        ]
    );
    assert_eq!(f.weeks_held(), 2);
    assert!(f.weeks.iter().all(|w| !w.partial));
    // A period starting on a Wednesday cuts its first week.
    let g = dx_figures(&[], &progs, date!(2026 - 03 - 04), date!(2026 - 03 - 08));
    assert_eq!(g.weeks.len(), 1);
    assert!(g.weeks[0].partial);
    assert_eq!(g.weeks[0].programmes, vec![id(2)]);
    // ISO year differs from the calendar year at the turn of the year.
    let h = dx_figures(&[], &[], date!(2026 - 12 - 28), date!(2027 - 01 - 03));
    assert_eq!((h.weeks[0].year, h.weeks[0].week), (2026, 53));
    assert_eq!(h.weeks.len(), 1);
    assert_eq!(h.months.len(), 2);
}

#[test]
fn an_empty_period_has_no_months_or_weeks() {
    let f = dx_figures(&[], &[], date!(2026 - 03 - 02), date!(2026 - 03 - 01));
    assert!(f.months.is_empty() && f.weeks.is_empty());
}

fn arb_day() -> impl Strategy<Value = Date> {
    (0i64..500).prop_map(|d| date!(2025 - 11 - 01) + Duration::days(d))
}

proptest! {
    /// The months and weeks tile the period exactly; every DX published post inside the
    /// period is counted once, in its month; every held DX programme inside once, in its
    /// week; nothing else is counted.
    #[test]
    fn figures_tile_the_period_and_count_each_record_once(
        start in arb_day(),
        len in 0i64..400,
        raw_posts in proptest::collection::vec((arb_day(), 0usize..4, any::<bool>()), 0..40),
        raw_progs in proptest::collection::vec((arb_day(), any::<bool>(), any::<bool>()), 0..40),
    ) {
        let end = start + Duration::days(len);
        let posts: Vec<PostFact> = raw_posts.iter().enumerate().map(|(i, (d, c, published))| {
            post(i as u128, Category::ALL[*c], published.then_some(*d))
        }).collect();
        let progs: Vec<ProgrammeFact> = raw_progs.iter().enumerate().map(|(i, (d, h, x))| {
            prog(1000 + i as u128, *d, *h, *x)
        }).collect();
        let f = dx_figures(&posts, &progs, start, end);
        // Tiling.
        for spans in [
            f.months.iter().map(|m| (m.first, m.last)).collect::<Vec<_>>(),
            f.weeks.iter().map(|w| (w.first, w.last)).collect::<Vec<_>>(),
        ] {
            prop_assert_eq!(spans.first().map(|s| s.0), Some(start));
            prop_assert_eq!(spans.last().map(|s| s.1), Some(end));
            for pair in spans.windows(2) {
                prop_assert_eq!(pair[0].1.next_day(), Some(pair[1].0));
            }
        }
        for w in &f.weeks {
            prop_assert!(w.first.iso_week() == w.last.iso_week());
            prop_assert!((w.last - w.first).whole_days() <= 6);
        }
        // Counts.
        let mut want_posts: Vec<Uuid> = posts.iter().filter(|p| {
            p.category.is_dx() && p.published_on.is_some_and(|d| d >= start && d <= end)
        }).map(|p| p.id).collect();
        let mut got_posts = f.posts();
        want_posts.sort();
        got_posts.sort();
        prop_assert_eq!(want_posts, got_posts);
        let mut want_progs: Vec<Uuid> = progs.iter().filter(|p| {
            p.held && p.dx_segment && p.air_date >= start && p.air_date <= end
        }).map(|p| p.id).collect();
        let mut got_progs = f.programmes();
        want_progs.sort();
        got_progs.sort();
        prop_assert_eq!(want_progs, got_progs);
        for m in &f.months {
            for pid in &m.posts {
                let d = posts.iter().find(|p| p.id == *pid).and_then(|p| p.published_on);
                prop_assert!(d.is_some_and(|d| d >= m.first && d <= m.last));
            }
        }
        prop_assert!(f.weeks_held() <= f.weeks.len());
    }
}
