use proptest::prelude::*;
use time::macros::date;

use super::*;
use crate::criteria::{Catalog, load_all};

macro_rules! files {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../../../data/criteria/", $name)))),*]
    };
}

pub(super) const CRITERIA: &[(&str, &str)] = files!(
    "ap-thong-minh-tra-vinh-2023.yaml",
    "huyen-ntm-2021-2025.yaml",
    "huyen-ntm-2021-2025@2024.yaml",
    "huyen-ntm-dac-thu-2021-2025.yaml",
    "huyen-ntm-nang-cao-2021-2025.yaml",
    "huyen-ntm-nang-cao-2021-2025@2024.yaml",
    "ocop-2023.yaml",
    "thon-thong-minh-lao-cai-2023.yaml",
    "tinh-hoan-thanh-2026-2030.yaml",
    "tinh-hoan-thanh-ntm-2021-2025.yaml",
    "xa-ntm-2021-2025.yaml",
    "xa-ntm-2021-2025@2024.yaml",
    "xa-ntm-2026-2030.yaml",
    "xa-ntm-hien-dai-2026-2030.yaml",
    "xa-ntm-kieu-mau-2021-2025.yaml",
    "xa-ntm-nang-cao-2021-2025.yaml",
    "xa-ntm-nang-cao-2021-2025@2024.yaml",
    "xa-ntm-thong-minh-tra-vinh-2023.yaml",
);

pub(super) const MEASURES: &str = include_str!("../../../../data/plans/measures.yaml");
pub(super) const PLANS: &[(&str, &str)] = &[
    (
        "tra-vinh-2023.yaml",
        include_str!("../../../../data/plans/tra-vinh-2023.yaml"),
    ),
    (
        "tra-vinh-2021-2025.yaml",
        include_str!("../../../../data/plans/tra-vinh-2021-2025.yaml"),
    ),
    (
        "hcm-2023-2025.yaml",
        include_str!("../../../../data/plans/hcm-2023-2025.yaml"),
    ),
    (
        "cao-bang-2021-2025.yaml",
        include_str!("../../../../data/plans/cao-bang-2021-2025.yaml"),
    ),
];

pub(super) fn catalog() -> Catalog {
    match load_all(CRITERIA.iter().copied()) {
        Ok(l) => l.catalog,
        Err(e) => panic!("{e:?}"),
    }
}

pub(super) fn measures() -> Vec<MeasureDef> {
    parse_measures("measures.yaml", MEASURES).expect("measures")
}

fn errors(text: &str) -> Vec<String> {
    match parse_plan("p.yaml", text, &measures(), &catalog()) {
        Ok(_) => Vec::new(),
        Err(e) => e.iter().map(ToString::to_string).collect(),
    }
}

const MINI: &str = r#"
id: mini
name: "Mini"
province: "84"
period: {from: 2023-01-01, to: 2025-12-31}
targets:
  - {code: a, text: "A", metric: {kind: measure, measure: records_online_pct, level: commune}, op: ">=", value: 20, due: 2025}
"#;

#[test]
fn shipped_plans_load() {
    let (c, m) = (catalog(), measures());
    for (name, text) in PLANS {
        let p = parse_plan(name, text, &m, &c).unwrap_or_else(|e| {
            panic!(
                "{}",
                e.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        });
        assert!(!p.targets.is_empty(), "{name}");
    }
    let tv = parse_plan(PLANS[0].0, PLANS[0].1, &m, &c).expect("tv");
    assert_eq!(tv.targets.len(), 14);
    assert_eq!(tv.reports.len(), 2);
    assert_eq!((tv.reports[0].due_month, tv.reports[0].due_day), (6, 25));
    let t = tv.target("2a").expect("2a");
    assert_eq!(
        t.metric,
        Metric::Measure {
            measure: "has_linkage_model".into(),
            levels: vec![Level::District],
            aggregate: Aggregate::ShareTrue
        }
    );
    assert_eq!(
        tv.target("1d").and_then(|t| t.agency_cite.as_deref()),
        Some("V.1.đ")
    );
    let hcm = parse_plan(PLANS[2].0, PLANS[2].1, &m, &c).expect("hcm");
    assert_eq!(hcm.tasks.len(), 25);
    assert_eq!(hcm.tasks[0].code, "I.1");
    assert_eq!((hcm.tasks[0].from_year, hcm.tasks[0].to_year), (2023, 2025));
    assert!(hcm.tasks.iter().any(|t| t.code == "I.3b"));
    assert!(
        hcm.target("2.1-cntt")
            .and_then(|t| t.note.as_deref())
            .is_some_and(|n| n.contains("check"))
    );
    let cb = parse_plan(PLANS[3].0, PLANS[3].1, &m, &c).expect("cb");
    assert_eq!(cb.target("nc-8.4").map(|t| t.op), Some(TargetOp::MoreThan));
}

#[test]
fn shipped_plans_cite_their_documents() {
    let (c, m) = (catalog(), measures());
    let cite = |i: usize| {
        let p = parse_plan(PLANS[i].0, PLANS[i].1, &m, &c).expect("plan");
        assert!(
            p.provenance
                .as_deref()
                .is_some_and(|s| s.starts_with("seeds/")),
            "the seed file stays as provenance"
        );
        (p.citation(), p.reference(), p.document_note)
    };
    assert_eq!(
        cite(0),
        (
            "Kế hoạch số 38/KH-UBND ngày 18/04/2023 của UBND tỉnh Trà Vinh".to_string(),
            "Kế hoạch số 38/KH-UBND".to_string(),
            None
        )
    );
    assert_eq!(
        cite(1).0,
        "Quyết định số 2212/QĐ-UBND ngày 14/11/2022 của UBND tỉnh Trà Vinh"
    );
    assert_eq!(
        cite(2).0,
        "Kế hoạch số 2784/KH-UBND ngày 23/06/2023 của UBND Thành phố Hồ Chí Minh"
    );
    // No number: the citation says what is known, the note why.
    let (c3, r3, n3) = cite(3);
    assert_eq!(c3, "Kế hoạch ngày 23/03/2023 của UBND tỉnh Cao Bằng");
    assert_eq!(r3, c3);
    assert!(n3.is_some_and(|n| n.contains("không có số văn bản")));
    // A plan file with none of it still reads as "Kế hoạch"; `source:` is no longer a field.
    let p = parse_plan("p.yaml", MINI, &m, &c).expect("mini");
    assert_eq!(
        (p.citation(), p.reference()),
        ("Kế hoạch".into(), "Kế hoạch".into())
    );
    let old = MINI.replace("name: \"Mini\"", "name: \"Mini\"\nsource: \"seeds/x.txt\"");
    assert!(
        errors(&old).iter().any(|e| e.contains("source")),
        "{:?}",
        errors(&old)
    );
}

#[test]
fn mini_loads() {
    assert!(errors(MINI).is_empty(), "{:?}", errors(MINI));
}

#[test]
fn metric_kind_typo_is_named_with_line() {
    let e = errors(&MINI.replace("kind: measure", "kind: mesure"));
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("p.yaml:7: targets[0].metric.kind:"),
        "{e:?}"
    );
    assert!(e[0].contains("did you mean `measure`"), "{e:?}");
}

#[test]
fn unknown_measure_set_indicator_level() {
    let e = errors(&MINI.replace("records_online_pct", "records_onlin_pct"));
    assert!(
        e[0].contains("unknown measure `records_onlin_pct`"),
        "{e:?}"
    );
    assert!(e[0].contains("did you mean `records_online_pct`"), "{e:?}");
    let share = MINI.replace(
        "{kind: measure, measure: records_online_pct, level: commune}",
        "{kind: share_meeting, set: xa-ntm-2021-2025, indicator: \"8.4\", level: commune}",
    );
    assert!(errors(&share).is_empty(), "{:?}", errors(&share));
    let e = errors(&share.replace("xa-ntm-2021-2025", "xa-ntm-2021-2052"));
    assert!(
        e[0].contains("unknown criteria set `xa-ntm-2021-2052`"),
        "{e:?}"
    );
    let e = errors(&share.replace("\"8.4\"", "\"8.9\""));
    assert!(e[0].contains("has no indicator `8.9`"), "{e:?}");
    assert!(e[0].contains("targets[0].metric.indicator"), "{e:?}");
    let e = errors(&share.replace("level: commune}", "level: district}"));
    assert!(e[0].contains("evaluates commune units"), "{e:?}");
    let e = errors(&MINI.replace("level: commune", "level: comune"));
    assert!(e[0].contains("unknown level `comune`"), "{e:?}");
    // A measure not entered at that level.
    let e = errors(&MINI.replace("records_online_pct", "officials_trained_pct"));
    assert!(e[0].contains("not entered for commune units"), "{e:?}");
}

#[test]
fn bad_fields_and_values() {
    let e = errors(&MINI.replace("op: \">=\"", "op: \"<=\""));
    assert!(e[0].contains("unsupported op"), "{e:?}");
    let e = errors(&MINI.replace("value: 20", "value: 120"));
    assert!(e[0].contains("not a percentage"), "{e:?}");
    let e = errors(&MINI.replace("value: 20", "value: \"hai mươi\""));
    assert!(e[0].contains("expected a number"), "{e:?}");
    let e = errors(&MINI.replace("due: 2025", "due: \"sớm\""));
    assert!(e[0].contains("targets[0].due"), "{e:?}");
    let e = errors(&MINI.replace("text: \"A\"", "txt: \"A\""));
    assert!(e.iter().any(|m| m.contains("unknown field `txt`")), "{e:?}");
    let e = errors(&MINI.replace("province: \"84\"", "province: 4"));
    assert!(e[0].contains("two-digit province"), "{e:?}");
    let e = errors(&MINI.replace("level: commune}", "level: commune, aggregate: share_true}"));
    assert!(e[0].contains("does not fit"), "{e:?}");
    let twice = format!(
        "{MINI}  - {{code: a, text: \"B\", metric: {{kind: count, of: smart_pilot_models}}, op: \">=\", value: 1, due: 2025}}\n"
    );
    let e = errors(&twice);
    assert!(e[0].contains("appears twice"), "{e:?}");
    let e = errors(&format!(
        "{MINI}reports:\n  - {{kind: annual, due: \"13-40\", to: X}}\n"
    ));
    assert!(e[0].contains("not a month and day"), "{e:?}");
    let e = errors(&format!(
        "{MINI}tasks:\n  - {{code: t, text: T, lead: [A], period: soon}}\n"
    ));
    assert!(e[0].contains("not a year"), "{e:?}");
    let e = errors("id: [");
    assert!(e[0].contains("YAML syntax"), "{e:?}");
    let e = errors(&MINI.replace("of: smart_pilot_models", "x"));
    assert!(e.is_empty());
    let count_pct = MINI.replace(
        "{kind: measure, measure: records_online_pct, level: commune}",
        "{kind: count, of: records_online_pct}",
    );
    assert!(errors(&count_pct)[0].contains("needs a count"));
}

#[test]
fn measure_values_parse() {
    assert_eq!(MeasureKind::Percent.parse_value("45,5"), Ok(45.5));
    assert_eq!(MeasureKind::Percent.parse_value(" 30 % "), Ok(30.0));
    assert!(MeasureKind::Percent.parse_value("130").is_err());
    assert!(MeasureKind::Percent.parse_value("-1").is_err());
    assert!(MeasureKind::Percent.parse_value("abc").is_err());
    assert!(MeasureKind::Percent.parse_value("1.234,5").is_err());
    assert_eq!(MeasureKind::YesNo.parse_value("Có"), Ok(1.0));
    assert_eq!(MeasureKind::YesNo.parse_value("không"), Ok(0.0));
    assert!(MeasureKind::YesNo.parse_value("maybe").is_err());
    assert_eq!(MeasureKind::Count.parse_value("2"), Ok(2.0));
    assert!(MeasureKind::Count.parse_value("1,5").is_err());
    assert!(MeasureKind::Count.parse_value("").is_err());
}

#[test]
fn aggregates() {
    assert_eq!(
        aggregate(Aggregate::Average, &[Some(10.0), None, Some(30.0)]),
        Some(20.0)
    );
    assert_eq!(
        aggregate(
            Aggregate::ShareTrue,
            &[Some(1.0), Some(0.0), Some(1.0), Some(0.0)]
        ),
        Some(50.0)
    );
    assert_eq!(
        aggregate(Aggregate::Sum, &[Some(1.0), Some(2.0)]),
        Some(3.0)
    );
    assert_eq!(aggregate(Aggregate::Average, &[None, None]), None);
    assert_eq!(share_pct(1, 0), None);
    assert_eq!(share_pct(1, 4), Some(25.0));
}

fn input(actual: Option<f64>, as_of: time::Date) -> StatusInput {
    StatusInput {
        op: TargetOp::AtLeast,
        value: 80.0,
        baseline: None,
        start: date!(2021 - 01 - 01),
        due: 2025,
        as_of,
        actual,
    }
}

#[test]
fn status_rule_edges() {
    use TargetStatus::*;
    // No data is never off track.
    assert_eq!(target_status(&input(None, date!(2026 - 06 - 01))), NoData);
    // Met whatever the date, also before start and exactly at the value with >=.
    assert_eq!(
        target_status(&input(Some(80.0), date!(2020 - 06 - 01))),
        Met
    );
    assert_eq!(
        target_status(&input(Some(80.0), date!(2025 - 12 - 31))),
        Met
    );
    // ">" needs strictly more: equal is not met; at the due date it is off track.
    let mut gt = input(Some(80.0), date!(2025 - 12 - 31));
    gt.op = TargetOp::MoreThan;
    assert_eq!(target_status(&gt), OffTrack);
    gt.actual = Some(80.1);
    assert_eq!(target_status(&gt), Met);
    // Equal with ">" before the due date: on track (ahead of the line).
    gt.actual = Some(80.0);
    gt.as_of = date!(2024 - 12 - 31);
    assert_eq!(target_status(&gt), OnTrack);
    // At the due date (31/12 of the due year) and after: not met = off track.
    assert_eq!(
        target_status(&input(Some(79.9), date!(2025 - 12 - 31))),
        OffTrack
    );
    assert_eq!(
        target_status(&input(Some(79.9), date!(2026 - 01 - 01))),
        OffTrack
    );
    // The day before the due date, close to the line: at risk, not off track.
    assert_eq!(
        target_status(&input(Some(79.0), date!(2025 - 12 - 30))),
        AtRisk
    );
    // Before (and at) the start nothing is expected yet.
    assert_eq!(
        target_status(&input(Some(0.0), date!(2020 - 12 - 31))),
        OnTrack
    );
    assert_eq!(
        target_status(&input(Some(0.0), date!(2021 - 01 - 01))),
        OnTrack
    );
    // Mid-way (31/12/2023 ≈ 60 % of the period → expected ≈ 48).
    let mid = date!(2023 - 12 - 31);
    let e = expected_at(&input(None, mid));
    assert!((e - 48.0).abs() < 0.1, "{e}");
    assert_eq!(target_status(&input(Some(48.0), mid)), OnTrack);
    assert_eq!(target_status(&input(Some(40.0), mid)), AtRisk); // 40/48 = 0.83
    assert_eq!(target_status(&input(Some(30.0), mid)), OffTrack); // 0.62
    // A baseline moves the line's start.
    let mut b = input(Some(60.0), mid);
    b.baseline = Some(50.0);
    // expected ≈ 50 + 30*0.6 = 68; (60-50)/(68-50) = 0.56
    assert_eq!(target_status(&b), OffTrack);
    // A one-year plan evaluated at its start date and at its end.
    let one = StatusInput {
        op: TargetOp::AtLeast,
        value: 30.0,
        baseline: None,
        start: date!(2023 - 01 - 01),
        due: 2023,
        as_of: date!(2023 - 06 - 30),
        actual: Some(12.0),
    };
    // expected ≈ 14.9; 12/14.9 = 0.81
    assert_eq!(target_status(&one), AtRisk);
    assert_eq!(
        target_status(&StatusInput {
            as_of: date!(2023 - 12 - 31),
            ..one
        }),
        OffTrack
    );
    // A start after the due date: the whole target is expected at once.
    let odd = StatusInput {
        start: date!(2026 - 01 - 01),
        as_of: date!(2025 - 06 - 01),
        ..one
    };
    assert_eq!(target_status(&odd), OffTrack);
}

#[test]
fn tasks_late_rule() {
    let t = PlanTask {
        code: "I.1".into(),
        section: None,
        text: "x".into(),
        lead: vec!["A".into()],
        coordinating: None,
        from_year: 2023,
        to_year: 2025,
        note: None,
    };
    assert!(!t.is_late(TaskStatus::InProgress, date!(2025 - 12 - 31)));
    assert!(t.is_late(TaskStatus::InProgress, date!(2026 - 01 - 01)));
    assert!(t.is_late(TaskStatus::NotStarted, date!(2026 - 01 - 01)));
    assert!(!t.is_late(TaskStatus::Done, date!(2027 - 01 - 01)));
}

proptest! {
    /// More actual never gives a worse status (on the same day), and "met" only when the
    /// comparison holds; no data only without an actual.
    #[test]
    fn status_monotone(a in 0.0f64..100.0, d in 0.0f64..10.0, days in -400i64..2400, gt in any::<bool>()) {
        let as_of = date!(2021 - 01 - 01) + time::Duration::days(days);
        let mut i = input(Some(a), as_of);
        if gt { i.op = TargetOp::MoreThan; }
        let s1 = target_status(&i);
        let s2 = target_status(&StatusInput { actual: Some(a + d), ..i });
        prop_assert!(s2 <= s1, "{a} {d} {as_of}: {s1:?} then {s2:?}");
        prop_assert_eq!(s1 == TargetStatus::Met, i.op.holds(a, i.value));
        prop_assert_ne!(s1, TargetStatus::NoData);
    }
}

#[test]
fn default_year_stays_inside_the_plan() {
    let (c, m) = (catalog(), measures());
    let p = parse_plan(PLANS[1].0, PLANS[1].1, &m, &c).expect("tv 2021-2025");
    let (first, last) = (*p.years().start(), *p.years().end());
    assert!(first < last, "{first}..{last}");
    assert_eq!(p.default_year(first - 3), first);
    assert_eq!(p.default_year(first + 1), first + 1);
    assert_eq!(p.default_year(last + 7), last);
}

#[test]
fn computed_metrics_load_and_refuse_what_does_not_fit() {
    use crate::measures::MeasureKey;
    let posts = MINI.replace(
        "{kind: measure, measure: records_online_pct, level: commune}",
        "{kind: computed, measure: portal.dx_posts_min_per_month, level: commune, at_least: 2}",
    );
    let p = parse_plan("p.yaml", &posts, &measures(), &catalog()).expect("loads");
    assert_eq!(
        p.targets[0].metric,
        Metric::Computed {
            measure: MeasureKey::DxPostsMinPerMonth,
            level: Level::Commune,
            at_least: Some(2.0)
        }
    );
    assert!(p.targets[0].metric.is_percent(), "a share of communes");
    assert_eq!(p.targets[0].metric.kind_str(), "computed");
    let e = errors(&posts.replace("dx_posts_min_per_month", "dx_post_min_per_month"));
    assert!(e[0].contains("unknown computed measure"), "{e:?}");
    assert!(
        e[0].contains("did you mean `portal.dx_posts_min_per_month`"),
        "{e:?}"
    );
    assert!(
        e[0].starts_with("p.yaml:7: targets[0].metric.measure:"),
        "{e:?}"
    );
    // The portal is a commune's.
    let e = errors(&posts.replace("level: commune", "level: district"));
    assert!(e[0].contains("the level must be commune"), "{e:?}");
    // A yes/no measure takes no threshold; a threshold must be a number.
    let e = errors(&posts.replace("dx_posts_min_per_month", "dx_segment_every_week"));
    assert!(e[0].contains("remove `at_least`"), "{e:?}");
    let e = errors(&posts.replace("at_least: 2", "at_least: hai"));
    assert!(e[0].contains("expected a number"), "{e:?}");
    // `at_least` belongs to computed metrics only.
    let e = errors(&MINI.replace("level: commune}", "level: commune, at_least: 2}"));
    assert!(
        e[0].contains("`at_least` does not apply to a `measure` metric"),
        "{e:?}"
    );
    // Without a threshold a mean per month is a number, not a share: 250 is a fine target.
    let mean = posts
        .replace("dx_posts_min_per_month", "dx_posts_mean_per_month")
        .replace(", at_least: 2", "")
        .replace("value: 20", "value: 250");
    assert!(errors(&mean).is_empty(), "{:?}", errors(&mean));
    // Feedback measures are per unit at any level.
    let fb = posts
        .replace("portal.dx_posts_min_per_month", "feedback.on_time_share")
        .replace("level: commune", "level: province")
        .replace(", at_least: 2", "");
    assert!(errors(&fb).is_empty(), "{:?}", errors(&fb));
}

#[test]
fn computed_actuals() {
    use crate::measures::MeasureKey as K;
    let v = [Some(3.0), None, Some(1.0), Some(2.0)];
    // Communes with at least 2: 2 of the 3 with a value.
    let a = computed_actual(K::DxPostsMinPerMonth, Some(2.0), &v).unwrap();
    assert!((a - 200.0 / 3.0).abs() < 1e-9, "{a}");
    assert_eq!(computed_actual(K::DxPostsMeanPerMonth, None, &v), Some(2.0));
    assert_eq!(computed_actual(K::FeedbackReceived, None, &v), Some(6.0));
    assert_eq!(
        computed_actual(K::DxSegmentEveryWeek, None, &[Some(1.0), Some(0.0)]),
        Some(50.0)
    );
    assert_eq!(computed_actual(K::FeedbackOnTimeShare, None, &[None]), None);
}

#[test]
fn published_actual_basis() {
    use crate::measures::MeasureKey as K;
    let share = Metric::ShareMeeting {
        set: "xa-ntm-2021-2025".into(),
        indicator: Some("8.4".into()),
        level: Level::Commune,
    };
    assert_eq!(actual_basis(&share), ActualBasis::VerifiedValues);
    let count = Metric::CountMeeting {
        set: "huyen-ntm-2021-2025".into(),
        indicator: None,
        level: Level::District,
    };
    assert_eq!(actual_basis(&count), ActualBasis::VerifiedValues);
    let computed = |measure| Metric::Computed {
        measure,
        level: Level::Commune,
        at_least: None,
    };
    for k in K::ALL {
        let expected = if k.as_str().starts_with("portal.") {
            ActualBasis::PublicRecords
        } else {
            ActualBasis::NotPublished
        };
        assert_eq!(actual_basis(&computed(k)), expected, "{}", k.as_str());
    }
    // Entered plan measures have no verification step: never published.
    let entered = Metric::Measure {
        measure: "records_online_pct".into(),
        levels: vec![Level::Commune],
        aggregate: Aggregate::Average,
    };
    assert_eq!(actual_basis(&entered), ActualBasis::NotPublished);
    let pilots = Metric::Count {
        of: "smart_pilot_models".into(),
        level: Level::Province,
    };
    assert_eq!(actual_basis(&pilots), ActualBasis::NotPublished);
    assert_eq!(ActualBasis::NotPublished.as_str(), "not_published");
}

#[test]
fn published_scope_levels() {
    use Level::*;
    let both = [District, Commune];
    assert_eq!(scope_levels(&both, Province), vec![District, Commune]);
    assert_eq!(scope_levels(&both, District), vec![District, Commune]);
    assert_eq!(scope_levels(&both, Commune), vec![Commune]);
    assert!(scope_levels(&both, Hamlet).is_empty());
    // A province-level target: only the province has a figure.
    assert_eq!(scope_levels(&[Province], Province), vec![Province]);
    assert!(scope_levels(&[Province], District).is_empty());
    assert!(scope_levels(&[Province], Commune).is_empty());
}

#[test]
fn published_meeting_and_levels() {
    // No unit with data: missing, never 0.
    assert_eq!(meeting_actual(0, 7, 0, true), None);
    assert_eq!(meeting_actual(0, 7, 0, false), None);
    // Units without data count in the whole (they do not meet on published data).
    let a = meeting_actual(1, 4, 2, true).unwrap();
    assert!((a - 25.0).abs() < 1e-9, "{a}");
    assert_eq!(meeting_actual(0, 4, 2, true), Some(0.0));
    assert_eq!(meeting_actual(3, 4, 3, false), Some(3.0));
    // Levels: the lowest, missing if any is missing or none.
    assert_eq!(combine_levels(&[Some(40.0), Some(25.0)]), Some(25.0));
    assert_eq!(combine_levels(&[Some(40.0), None]), None);
    assert_eq!(combine_levels(&[None, Some(40.0)]), None);
    assert_eq!(combine_levels(&[]), None);
    assert_eq!(combine_levels(&[Some(0.0)]), Some(0.0));
}

proptest! {
    /// A share is within 0–100 and missing exactly when no unit has data.
    #[test]
    fn published_share_bounds(units in 0u32..500, a in 0u32..500, b in 0u32..500) {
        let with_data = a.min(units);
        let met = b.min(with_data);
        let v = meeting_actual(met, units, with_data, true);
        prop_assert_eq!(v.is_none(), with_data == 0);
        if let Some(v) = v {
            prop_assert!((0.0..=100.0).contains(&v));
        }
    }
}
