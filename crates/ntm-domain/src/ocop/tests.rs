//! Golden tests of the star bands (every edge of the rubric), consolidation errors,
//! certificate status and reminders, evaluation levels, list import; property tests.

use proptest::prelude::*;
use time::macros::date;

use super::*;
use crate::criteria::{OcopError, OcopScheme, parse_ocop};

const RUBRIC: &str = include_str!("../../../../data/criteria/ocop-2023.yaml");

fn scheme() -> OcopScheme {
    parse_ocop("ocop-2023.yaml", RUBRIC).expect("the shipped rubric loads")
}

/// A sheet giving `total` points, spread over A/B/C within their maxima.
fn sheet(member: &str, a: f64, b: f64, c: f64) -> ScoreSheet {
    ScoreSheet {
        member: member.into(),
        parts: vec![("A".into(), a), ("B".into(), b), ("C".into(), c)],
    }
}

fn spread(member: &str, total: f64) -> ScoreSheet {
    let a = total.min(40.0);
    let b = (total - a).min(25.0);
    let c = total - a - b;
    sheet(member, a, b, c)
}

/// Band edges of QĐ 148 (`star_bands` in the rubric): <30 1★, 30–<50 2★, 50–<70 3★,
/// 70–<90 4★, 90–100 5★; certified from 3★.
#[test]
fn every_band_edge_of_the_rubric() {
    let s = scheme();
    let golden = [
        (0.0, 1, false),
        (29.99, 1, false),
        (30.0, 2, false),
        (49.99, 2, false),
        (50.0, 3, true),
        (69.99, 3, true),
        (70.0, 4, true),
        (89.99, 4, true),
        (90.0, 5, true),
        (100.0, 5, true),
    ];
    for (total, stars, certified) in golden {
        let r = consolidate(&s, &[spread("m1", total)]).expect("valid sheet");
        assert_eq!(
            (r.average, r.stars, r.certified),
            (total, stars, certified),
            "{total}"
        );
    }
    // The table above covers every band the rubric file defines.
    for b in &s.bands {
        assert!(
            golden
                .iter()
                .any(|(t, st, _)| *t == b.min && *st == b.stars),
            "{b:?}"
        );
        assert!(
            golden
                .iter()
                .any(|(t, st, _)| *t == b.max && (*st == b.stars) == b.max_inclusive)
        );
    }
}

#[test]
fn the_average_of_the_members_totals_decides() {
    let s = scheme();
    // 69.5 + 70.25 + 70.25 = 210 → exactly 70 → 4 stars (no floating-point slip below the edge).
    let r = consolidate(
        &s,
        &[spread("a", 69.5), spread("b", 70.25), spread("c", 70.25)],
    )
    .expect("valid");
    assert_eq!((r.average, r.stars, r.members), (70.0, 4, 3));
    // One point short on one sheet: 3 stars.
    let r = consolidate(
        &s,
        &[spread("a", 69.0), spread("b", 70.0), spread("c", 70.0)],
    )
    .expect("valid");
    assert_eq!(r.stars, 3);
    assert!((r.average - 209.0 / 3.0).abs() < 1e-9);
    assert_eq!(r.totals[0], ("a".to_string(), 69.0));
}

#[test]
fn bad_sheets_are_refused() {
    let s = scheme();
    assert_eq!(consolidate(&s, &[]), Err(ScoringError::NoSheets));
    assert_eq!(
        consolidate(&s, &[spread("a", 60.0), spread("a", 61.0)]),
        Err(ScoringError::DuplicateMember("a".into()))
    );
    assert_eq!(
        consolidate(&s, &[sheet("b", 40.5, 10.0, 10.0)]),
        Err(ScoringError::Sheet {
            member: "b".into(),
            error: OcopError::OutOfRange {
                part: "A".into(),
                points: 40.5,
                max: 40.0
            }
        })
    );
    assert!(matches!(
        consolidate(&s, &[sheet("b", 10.0, -1.0, 10.0)]),
        Err(ScoringError::Sheet { .. })
    ));
    let missing = ScoreSheet {
        member: "c".into(),
        parts: vec![("A".into(), 10.0), ("B".into(), 10.0)],
    };
    assert_eq!(
        consolidate(&s, &[missing]),
        Err(ScoringError::Sheet {
            member: "c".into(),
            error: OcopError::MissingPart("C".into())
        })
    );
    assert_eq!(
        consolidate(&s, &[sheet("d", 10.001, 10.0, 10.0)]),
        Err(ScoringError::Precision {
            member: "d".into(),
            part: "A".into()
        })
    );
    assert!(matches!(
        consolidate(&s, &[sheet("e", f64::NAN, 10.0, 10.0)]),
        Err(ScoringError::Sheet { .. }) | Err(ScoringError::Precision { .. })
    ));
}

#[test]
fn certificate_status_and_reminders() {
    let s = scheme();
    let issued = date!(2023 - 03 - 15);
    let c = Certificate {
        issued,
        valid_until: s.certificate_valid_until(issued),
        superseded_on: None,
    };
    assert_eq!(c.valid_until, date!(2026 - 03 - 14));
    assert_eq!(
        c.status_on(date!(2023 - 03 - 14)),
        CertificateStatus::NotYetValid
    );
    assert_eq!(c.status_on(issued), CertificateStatus::Valid);
    assert_eq!(c.status_on(date!(2025 - 12 - 13)), CertificateStatus::Valid);
    assert_eq!(
        c.status_on(date!(2025 - 12 - 14)),
        CertificateStatus::ExpiringWithin90
    );
    assert_eq!(
        c.status_on(date!(2026 - 02 - 11)),
        CertificateStatus::ExpiringWithin90
    );
    assert_eq!(
        c.status_on(date!(2026 - 02 - 12)),
        CertificateStatus::ExpiringWithin30
    );
    assert_eq!(
        c.status_on(date!(2026 - 03 - 14)),
        CertificateStatus::ExpiringWithin30
    );
    assert_eq!(
        c.status_on(date!(2026 - 03 - 15)),
        CertificateStatus::Expired
    );
    assert!(!CertificateStatus::Expired.is_valid());
    assert_eq!(c.reminder_date(Reminder::Days90), date!(2025 - 12 - 14));
    assert_eq!(c.reminder_date(Reminder::Days30), date!(2026 - 02 - 12));
    assert_eq!(c.due_reminder(date!(2025 - 12 - 13), &[]), None);
    assert_eq!(
        c.due_reminder(date!(2025 - 12 - 14), &[]),
        Some(Reminder::Days90)
    );
    assert_eq!(
        c.due_reminder(date!(2026 - 01 - 01), &[Reminder::Days90]),
        None
    );
    assert_eq!(
        c.due_reminder(date!(2026 - 02 - 12), &[Reminder::Days90]),
        Some(Reminder::Days30)
    );
    // Late start: only the most urgent reminder, once.
    assert_eq!(
        c.due_reminder(date!(2026 - 03 - 01), &[]),
        Some(Reminder::Days30)
    );
    assert_eq!(
        c.due_reminder(date!(2026 - 03 - 02), &[Reminder::Days30]),
        None
    );
    assert_eq!(c.due_reminder(date!(2026 - 03 - 15), &[]), None);
    // A later decision supersedes the certificate (re-evaluation or downgrade).
    let sup = Certificate {
        superseded_on: Some(date!(2024 - 06 - 01)),
        ..c
    };
    assert_eq!(
        sup.status_on(date!(2024 - 05 - 31)),
        CertificateStatus::Valid
    );
    assert_eq!(
        sup.status_on(date!(2024 - 06 - 01)),
        CertificateStatus::Superseded
    );
    assert!(!CertificateStatus::Superseded.is_valid());
    assert_eq!(sup.due_reminder(date!(2026 - 01 - 01), &[]), None);
}

#[test]
fn imported_ratings_are_never_shown_valid() {
    // Recognised some day in 2023: valid until at latest 30/12/2026.
    assert_eq!(
        ImportedValidity::on(2023, 36, date!(2026 - 12 - 30)),
        ImportedValidity::Unknown
    );
    assert_eq!(
        ImportedValidity::on(2023, 36, date!(2026 - 12 - 31)),
        ImportedValidity::Expired
    );
    assert_eq!(
        ImportedValidity::on(2019, 36, date!(2023 - 01 - 01)),
        ImportedValidity::Expired
    );
}

#[test]
fn evaluating_level_before_and_after_the_reform() {
    let s = scheme();
    let before = date!(2025 - 06 - 30);
    let d = evaluating_level(&s, before, 3).expect("3★ level");
    assert_eq!((d.level, d.confirmed), (EvalLevel::District, true));
    assert!(d.source.is_some());
    let p = evaluating_level(&s, before, 4).expect("4★ level");
    // The rubric flags the province and central rows `uncertain`: kept unconfirmed.
    assert_eq!((p.level, p.confirmed), (EvalLevel::Province, false));
    assert_eq!(
        evaluating_level(&s, before, 5).map(|l| l.level),
        Some(EvalLevel::Central)
    );
    assert_eq!(evaluating_level(&s, before, 2), None);
    let day_before = evaluating_level(&s, date!(2025 - 07 - 05), 3).expect("3★");
    assert_eq!(day_before.level, EvalLevel::District);
    let after = evaluating_level(&s, REFORM_DATE, 3).expect("3★ after reform");
    assert_eq!(
        (after.level, after.confirmed, after.source.as_deref()),
        (EvalLevel::Province, false, Some(POST_REFORM_SOURCE))
    );
    assert_eq!(
        evaluating_level(&s, REFORM_DATE, 4).map(|l| l.level),
        Some(EvalLevel::Province)
    );
}

#[test]
fn the_tra_vinh_list_imports() {
    let s = scheme();
    let groups: Vec<u8> = s.product_groups.iter().map(|(c, _)| *c).collect();
    let text = include_str!("../../../../data/ocop/ocop-tra-vinh.csv");
    let p = parse_import_csv(text, &groups);
    assert_eq!(p.errors, vec![]);
    assert_eq!(p.rows.len(), 20);
    assert!(p.rows.iter().all(|r| r.source_url.starts_with("http")));
    let first = &p.rows[0];
    assert_eq!(
        (
            first.product.as_str(),
            first.producer.as_deref(),
            first.stars,
            first.year
        ),
        (
            "Thảm xơ dừa",
            Some("Công ty cổ phần Trà Bắc"),
            Some(4),
            2022
        )
    );
    let unnamed = p
        .rows
        .iter()
        .find(|r| r.product == "Dừa sáp Hòa Tân")
        .expect("row");
    assert_eq!(unnamed.producer, None);
    assert!(p.rows.iter().any(|r| r.stars.is_none()));
}

#[test]
fn bad_import_rows_are_reported_with_their_line() {
    let groups = [1, 2, 3, 4, 5, 6];
    let text = "product,producer,locality,stars,year,status,source_url,group\n\
        Mắm,HTX A,xã B,6,2022,x,https://a.vn/1,1\n\
        ,HTX A,xã B,3,2022,x,https://a.vn/1,1\n\
        Trà,HTX A,xã B,3,20x2,x,ftp://a,7\n\
        Trà,HTX A,xã B,3,2022,x,https://a.vn/2,\n";
    let p = parse_import_csv(text, &groups);
    let got: Vec<(usize, &str)> = p
        .errors
        .iter()
        .map(|e| (e.line, e.field.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (2, "stars"),
            (3, "product"),
            (4, "year"),
            (4, "source_url"),
            (4, "group"),
            (5, "product")
        ]
    );
    let p = parse_import_csv("name,stars\nx,3\n", &groups);
    assert_eq!(p.errors.len(), 5, "{:?}", p.errors);
    assert!(p.errors.iter().all(|e| e.line == 1));
}

#[test]
fn producer_kinds_round_trip() {
    for k in ProducerKind::ALL {
        assert_eq!(ProducerKind::parse(k.as_str()), Some(k));
    }
    assert_eq!(
        ProducerKind::guess_from_name("Hợp tác xã Tiến Thành"),
        Some(ProducerKind::Cooperative)
    );
    assert_eq!(ProducerKind::guess_from_name("Cơ sở Yến sào Phú Hòa"), None);
}

proptest! {
    #[test]
    fn average_lies_between_the_members_totals(
        totals in prop::collection::vec(0u32..=10_000, 1..12)
    ) {
        let s = scheme();
        let sheets: Vec<ScoreSheet> = totals
            .iter()
            .enumerate()
            .map(|(i, t)| spread(&format!("m{i}"), f64::from(*t) / 100.0))
            .collect();
        let r = consolidate(&s, &sheets).expect("valid sheets");
        let min = r.totals.iter().map(|t| t.1).fold(f64::INFINITY, f64::min);
        let max = r.totals.iter().map(|t| t.1).fold(f64::NEG_INFINITY, f64::max);
        prop_assert!(min <= r.average && r.average <= max);
        prop_assert_eq!(r.certified, r.stars >= 3);
    }

    #[test]
    fn stars_are_monotone_in_the_score(a in 0u32..=10_000, b in 0u32..=10_000) {
        let s = scheme();
        let (lo, hi) = (a.min(b), a.max(b));
        let sl = consolidate(&s, &[spread("m", f64::from(lo) / 100.0)]).expect("valid").stars;
        let sh = consolidate(&s, &[spread("m", f64::from(hi) / 100.0)]).expect("valid").stars;
        prop_assert!(sl <= sh);
    }
}
