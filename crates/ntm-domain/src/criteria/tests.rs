//! Tests of the criteria module: loader errors, the real data files, golden and property tests of the engine.

use super::*;

pub(crate) const FILES: &[(&str, &str)] = &[
    (
        "ap-thong-minh-tra-vinh-2023.yaml",
        include_str!("../../../../data/criteria/ap-thong-minh-tra-vinh-2023.yaml"),
    ),
    (
        "huyen-ntm-2021-2025.yaml",
        include_str!("../../../../data/criteria/huyen-ntm-2021-2025.yaml"),
    ),
    (
        "huyen-ntm-2021-2025@2024.yaml",
        include_str!("../../../../data/criteria/huyen-ntm-2021-2025@2024.yaml"),
    ),
    (
        "huyen-ntm-dac-thu-2021-2025.yaml",
        include_str!("../../../../data/criteria/huyen-ntm-dac-thu-2021-2025.yaml"),
    ),
    (
        "huyen-ntm-nang-cao-2021-2025.yaml",
        include_str!("../../../../data/criteria/huyen-ntm-nang-cao-2021-2025.yaml"),
    ),
    (
        "huyen-ntm-nang-cao-2021-2025@2024.yaml",
        include_str!("../../../../data/criteria/huyen-ntm-nang-cao-2021-2025@2024.yaml"),
    ),
    (
        "ocop-2023.yaml",
        include_str!("../../../../data/criteria/ocop-2023.yaml"),
    ),
    (
        "thon-thong-minh-lao-cai-2023.yaml",
        include_str!("../../../../data/criteria/thon-thong-minh-lao-cai-2023.yaml"),
    ),
    (
        "tinh-hoan-thanh-2026-2030.yaml",
        include_str!("../../../../data/criteria/tinh-hoan-thanh-2026-2030.yaml"),
    ),
    (
        "tinh-hoan-thanh-ntm-2021-2025.yaml",
        include_str!("../../../../data/criteria/tinh-hoan-thanh-ntm-2021-2025.yaml"),
    ),
    (
        "xa-ntm-2021-2025.yaml",
        include_str!("../../../../data/criteria/xa-ntm-2021-2025.yaml"),
    ),
    (
        "xa-ntm-2021-2025@2024.yaml",
        include_str!("../../../../data/criteria/xa-ntm-2021-2025@2024.yaml"),
    ),
    (
        "xa-ntm-2026-2030.yaml",
        include_str!("../../../../data/criteria/xa-ntm-2026-2030.yaml"),
    ),
    (
        "xa-ntm-hien-dai-2026-2030.yaml",
        include_str!("../../../../data/criteria/xa-ntm-hien-dai-2026-2030.yaml"),
    ),
    (
        "xa-ntm-kieu-mau-2021-2025.yaml",
        include_str!("../../../../data/criteria/xa-ntm-kieu-mau-2021-2025.yaml"),
    ),
    (
        "xa-ntm-nang-cao-2021-2025.yaml",
        include_str!("../../../../data/criteria/xa-ntm-nang-cao-2021-2025.yaml"),
    ),
    (
        "xa-ntm-nang-cao-2021-2025@2024.yaml",
        include_str!("../../../../data/criteria/xa-ntm-nang-cao-2021-2025@2024.yaml"),
    ),
    (
        "xa-ntm-thong-minh-tra-vinh-2023.yaml",
        include_str!("../../../../data/criteria/xa-ntm-thong-minh-tra-vinh-2023.yaml"),
    ),
];
use std::collections::BTreeMap;

use proptest::prelude::*;
use time::macros::date;

use crate::units::{Level, Region};

pub(super) fn catalog() -> Catalog {
    match load_all(FILES.iter().copied()) {
        Ok(l) => l.catalog,
        Err(e) => panic!(
            "{}",
            e.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

fn errors_of(name: &str, text: &str) -> Vec<String> {
    match parse_file(name, text) {
        Ok(_) => Vec::new(),
        Err(e) => e.iter().map(ToString::to_string).collect(),
    }
}

fn resolve_texts(files: &[(&str, &str)]) -> Result<Catalog, Vec<String>> {
    let mut sets = Vec::new();
    for (n, t) in files {
        sets.push(
            parse_set(n, t).map_err(|e| e.iter().map(ToString::to_string).collect::<Vec<_>>())?,
        );
    }
    resolve(sets).map_err(|e| e.iter().map(ToString::to_string).collect())
}

/// A small set with confirmed thresholds (sourced, not uncertain, complete).
const MINI: &str = r#"format: ntm-criteria/1
kind: criteria_set
id: mini
version: "1"
level: commune
title_vi: "Bộ thử"
valid_from: 2022
valid_to: 2025
completeness: complete
sources:
  S1: {url: "https://example.org/s1", what: "test"}
criteria:
  - number: 1
    name_vi: "Một"
    indicators:
      - code: "1.1"
        name_vi: "Tỷ lệ A"
        kind: percent
        threshold: {op: ">=", value: 80}
        by_region:
          DBSCL: {op: ">=", value: 70}
        provenance: sourced
        sources: [S1]
      - code: "1.2"
        name_vi: "Có B"
        kind: boolean
        threshold: {op: "==", value: true, text: "Đạt"}
        provenance: sourced
  - number: 2
    name_vi: "Hai"
    indicators:
      - code: "2.1"
        name_vi: "Tỷ lệ C (tối đa)"
        kind: percent
        threshold: {op: "<=", value: 20}
        provenance: sourced
      - code: "2.2"
        name_vi: "Số D"
        kind: count
        threshold: {op: ">=", value: 3}
        provenance: sourced
  - number: 3
    name_vi: "Ba"
    pass: any
    indicators:
      - code: "3.1"
        name_vi: "E"
        kind: number
        threshold: {op: ">=", value: 2.5}
        provenance: sourced
      - code: "3.2"
        name_vi: "F"
        kind: boolean
        threshold: {op: "==", value: true}
        provenance: sourced
"#;

fn mini() -> Catalog {
    resolve_texts(&[("mini.yaml", MINI)]).expect("mini loads")
}

fn obs(set: &ResolvedSet, values: &[(&str, Value)]) -> Observations {
    let mut o = Observations::new(set);
    for (c, v) in values {
        o.set(set, c, *v).expect("value accepted");
    }
    o
}

fn commune(region: Option<Region>) -> UnitCtx {
    UnitCtx::commune(region)
}

// ------------------------------------------------------------------ the real files

#[test]
fn every_data_file_loads() {
    let cat = catalog();
    let ocop: Vec<_> = FILES
        .iter()
        .filter_map(|(n, t)| parse_ocop(n, t).ok())
        .collect();
    assert_eq!(ocop.len(), 1);
    // Summary for the report.
    let mut criteria = 0;
    let mut indicators = 0;
    let mut by_status: BTreeMap<ThresholdStatus, usize> = BTreeMap::new();
    let base: Vec<&ResolvedSet> = cat.sets().iter().filter(|s| s.amends.is_none()).collect();
    for s in &base {
        criteria += s.criteria.len();
        indicators += s.indicators.len();
        for i in &s.indicators {
            *by_status.entry(i.threshold_status()).or_default() += 1;
        }
    }
    eprintln!(
        "{} files: {} resolved set versions ({} sets + {} amendment versions), 1 OCOP scheme; \
         {criteria} criteria, {indicators} indicators (preconditions included) in the base versions; thresholds: {by_status:?}",
        FILES.len(),
        cat.sets().len(),
        base.len(),
        cat.sets().len() - base.len()
    );
    assert_eq!(base.len(), 13);
}

#[test]
fn xa_ntm_counts_match_the_research_file() {
    let cat = catalog();
    let s = cat.get("xa-ntm-2021-2025", "2022").expect("set");
    assert_eq!(s.criteria.len(), 19);
    // 55 of the research file, with criterion 7 split into its two alternatives (7.1, 7.2).
    assert_eq!(s.indicators.len(), 56);
    let count = |st: ThresholdStatus| {
        s.indicators
            .iter()
            .filter(|i| i.threshold_status() == st)
            .count()
    };
    // Research file counts: thresholds_sourced 4, thresholds_recalled_nonnull 33, thresholds_null 18.
    // Then the December 2026 notes: 7.1, 7.2 and 8.1 confirmed from the sector guidance (was
    // recalled 7 and 8.1); 6.2, 6.3, 9.1 secondary (were recalled); 9.2 and 11 gained regional
    // values (secondary / inferred) under a recalled indicator (were null).
    assert_eq!(count(ThresholdStatus::SourcedUncertain), 4);
    assert_eq!(count(ThresholdStatus::Confirmed), 3);
    assert_eq!(count(ThresholdStatus::Recalled), 30);
    assert_eq!(count(ThresholdStatus::Other), 3);
    assert_eq!(count(ThresholdStatus::Missing), 16);
    assert_eq!(s.special_region, Some(Region::TDMNPB));
    let s26 = cat
        .set_for_year("xa-ntm-2026-2030", 2026)
        .expect("2026 set");
    assert_eq!(s26.criteria.len(), 10);
    assert!(s26.indicators.is_empty());
}

// ------------------------------------------------------------------ golden tests on real thresholds

#[test]
fn golden_15_3_stunting_by_region() {
    let cat = catalog();
    let set = cat.set_for_year("xa-ntm-2021-2025", 2023).expect("set");
    assert_eq!(set.version, "2022");
    let i = set.indicator_index("15.3").expect("15.3");
    let run = |region: Option<Region>, v: f64| {
        let o = obs(set, &[("15.3", Value::Percent(v))]);
        evaluate_unit(set, &commune(region), &o, 2023)
            .expect("eval")
            .indicators[i]
    };
    // Expected (region, limit) from the file: ≤ 24 / 16.5 / 25 / 22 / 26.5 / 14.5 / 19.
    let limits = [
        (Region::TDMNPB, 24.0),
        (Region::DBSH, 16.5),
        (Region::BTB, 25.0),
        (Region::DHNTB, 22.0),
        (Region::TN, 26.5),
        (Region::DNB, 14.5),
        (Region::DBSCL, 19.0),
    ];
    for (r, lim) in limits {
        let at = run(Some(r), lim);
        assert!(
            matches!(
                at,
                Outcome::NeedsVerification {
                    tentative: Tentative::Met,
                    ..
                }
            ),
            "{r:?} at limit: {at:?}"
        );
        assert!(at.caveats().contains(Caveats::UNCERTAIN));
        assert!(!at.caveats().contains(Caveats::RECALLED));
        match run(Some(r), lim + 0.5) {
            Outcome::NeedsVerification {
                tentative:
                    Tentative::NotMet {
                        gap: Gap::Amount(g),
                    },
                ..
            } => {
                assert!((g - 0.5).abs() < 1e-6)
            }
            o => panic!("{r:?}: {o:?}"),
        }
    }
    // No region: the general value is missing.
    let o = run(None, 10.0);
    assert_eq!(
        o,
        Outcome::NeedsVerification {
            caveats: Caveats::THRESHOLD_MISSING.union(Caveats::REGION_UNKNOWN),
            tentative: Tentative::Unknown
        }
    );
    // Disadvantaged DBSCL commune: the TDMNPB column (≤ 24) applies, so 20 passes (DBSCL: ≤ 19).
    let o = obs(set, &[("15.3", Value::Percent(20.0))]);
    let mut ctx = commune(Some(Region::DBSCL));
    assert!(evaluate_unit(set, &ctx, &o, 2023).expect("eval").indicators[i].tentatively_not_met());
    ctx.disadvantaged = true;
    let e = evaluate_unit(set, &ctx, &o, 2023).expect("eval");
    assert_eq!(e.region_used, Some(Region::TDMNPB));
    assert!(e.indicators[i].tentatively_met());
}

#[test]
fn golden_3_1_irrigation_and_15_4() {
    let cat = catalog();
    let set = cat.set_for_year("xa-ntm-2021-2025", 2022).expect("set");
    let i31 = set.indicator_index("3.1").expect("3.1");
    let e = |v: f64, r| {
        let o = obs(set, &[("3.1", Value::Percent(v))]);
        evaluate_unit(set, &commune(Some(r)), &o, 2022)
            .expect("eval")
            .indicators[i31]
    };
    for r in Region::ALL {
        assert!(e(80.0, r).tentatively_met(), "3.1 ≥ 80 % everywhere");
        assert_eq!(e(79.5, r).gap(), Some(Gap::Amount(0.5)));
        assert_eq!(
            e(80.0, r).status(),
            Status::NeedsVerification,
            "sourced from news: uncertain"
        );
    }
    let (t, cav) = set.threshold_for(i31, Some(Region::TN), None);
    assert_eq!(
        t.map(|t| (t.op, t.value.clone())),
        Some((Op::Ge, ThresholdValue::Num(80.0)))
    );
    assert!(cav.contains(Caveats::UNCERTAIN));
    // 15.4: TDMNPB ≥ 50, DBSH ≥ 70, other regions missing.
    let i154 = set.indicator_index("15.4").expect("15.4");
    let o = obs(set, &[("15.4", Value::Percent(60.0))]);
    let at = |r| {
        evaluate_unit(set, &commune(Some(r)), &o, 2022)
            .expect("eval")
            .indicators[i154]
    };
    assert!(at(Region::TDMNPB).tentatively_met());
    assert_eq!(at(Region::DBSH).gap(), Some(Gap::Amount(10.0)));
    assert_eq!(
        at(Region::BTB),
        Outcome::NeedsVerification {
            caveats: Caveats::THRESHOLD_MISSING,
            tentative: Tentative::Unknown
        }
    );
    // 8.1: name sourced, "Đạt" threshold from the sector guidance QĐ 1127/QĐ-BTTTT (December
    // 2026 notes): met outright, and a "no" is a definite shortfall.
    let i81 = set.indicator_index("8.1").expect("8.1");
    let o = obs(set, &[("8.1", Value::Boolean(true))]);
    let r = evaluate_unit(set, &commune(Some(Region::DBSH)), &o, 2022)
        .expect("eval")
        .indicators[i81];
    assert_eq!(r, Outcome::Met);
    let o = obs(set, &[("8.1", Value::Boolean(false))]);
    let r = evaluate_unit(set, &commune(Some(Region::DBSH)), &o, 2022)
        .expect("eval")
        .indicators[i81];
    assert_eq!(r.status(), Status::NotMet);
    // 8.2: its "Đạt" threshold is still recalled.
    let i82 = set.indicator_index("8.2").expect("8.2");
    let o = obs(set, &[("8.2", Value::Boolean(true))]);
    let r = evaluate_unit(set, &commune(Some(Region::DBSH)), &o, 2022)
        .expect("eval")
        .indicators[i82];
    assert!(r.tentatively_met() && r.caveats().contains(Caveats::RECALLED));
}

#[test]
fn real_sets_never_pass_silently() {
    let cat = catalog();
    let set = cat.set_for_year("xa-ntm-2021-2025", 2023).expect("set");
    // A commune with every value at its best: nothing is "met" outright, everything needs verification.
    let mut o = Observations::new(set);
    for (i, ind) in set.indicators.iter().enumerate() {
        let v = match ind.value_kind() {
            ValueKind::Boolean => Value::Boolean(ind.code != "9.1"),
            ValueKind::Percent => Value::Percent(if ind.code == "15.3" || ind.code == "11" {
                0.0
            } else {
                100.0
            }),
            ValueKind::Number => Value::Number(1000.0),
            ValueKind::Count => Value::Count(100),
            ValueKind::Level => Value::Level(5),
        };
        o.set_at(set, i, v).expect("value");
    }
    let e = evaluate_unit(set, &commune(Some(Region::DBSCL)), &o, 2023).expect("eval");
    assert_eq!(e.status, Status::NeedsVerification);
    // Only thresholds confirmed from the sector guidance are met outright (December 2026
    // notes): 7.1 / 7.2 (criterion 7, so one criterion) and 8.1; all else needs verification.
    assert_eq!(e.criteria_met, 1);
    for (i, o) in e.indicators.iter().enumerate() {
        match set.indicators[i].code.as_str() {
            "7.1" | "7.2" | "8.1" => assert_eq!(*o, Outcome::Met),
            c => assert!(matches!(o, Outcome::NeedsVerification { .. }), "{c}"),
        }
    }
    assert!(
        e.caveats.contains(Caveats::THRESHOLD_MISSING)
            && e.caveats.contains(Caveats::SET_INCOMPLETE)
    );
    // No threshold is silently turned into a pass: the tentative count leaves out missing thresholds.
    assert!(e.criteria_met_tentative < 19);
    assert!(!e.tentatively_met);
    // The 2026-2030 set has no indicators yet: needs verification, never met.
    let s26 = cat.set_for_year("xa-ntm-2026-2030", 2026).expect("2026");
    let ctx = UnitCtx {
        level: Level::Commune,
        region: None,
        group: Some(CommuneGroup::Nhom2),
        disadvantaged: false,
    };
    let e = evaluate_unit(s26, &ctx, &Observations::new(s26), 2026).expect("eval");
    assert_eq!(e.status, Status::NeedsVerification);
    assert!(e.caveats.contains(Caveats::NO_INDICATORS));
    assert!(
        e.criteria
            .iter()
            .all(|c| c.status == Status::NeedsVerification)
    );
    // Province 2026-2030: conditions not retrieved.
    let t26 = cat
        .set_for_year("tinh-hoan-thanh-2026-2030", 2027)
        .expect("tinh 2026");
    let ctx = UnitCtx {
        level: Level::Province,
        region: None,
        group: None,
        disadvantaged: false,
    };
    assert_eq!(
        evaluate_unit(t26, &ctx, &Observations::new(t26), 2027)
            .expect("eval")
            .status,
        Status::NeedsVerification
    );
}

#[test]
fn amendment_switch_by_year_on_real_files() {
    let cat = catalog();
    assert_eq!(
        cat.set_for_year("xa-ntm-2021-2025", 2022)
            .map(|s| s.version.as_str()),
        Ok("2022")
    );
    assert_eq!(
        cat.set_for_year("xa-ntm-2021-2025", 2023)
            .map(|s| s.version.as_str()),
        Ok("2022")
    );
    assert_eq!(
        cat.set_for_year("xa-ntm-2021-2025", 2024)
            .map(|s| s.version.as_str()),
        Ok("2024")
    );
    assert_eq!(
        cat.set_for_year("xa-ntm-2021-2025", 2025)
            .map(|s| s.version.as_str()),
        Ok("2024")
    );
    assert_eq!(
        cat.set_on("xa-ntm-2021-2025", date!(2024 - 02 - 29))
            .map(|s| s.version.as_str()),
        Ok("2022")
    );
    assert_eq!(
        cat.set_on("xa-ntm-2021-2025", date!(2024 - 03 - 01))
            .map(|s| s.version.as_str()),
        Ok("2024")
    );
    for y in [2021, 2026] {
        let e = cat
            .set_for_year("xa-ntm-2021-2025", y)
            .expect_err("outside");
        assert_eq!(
            e,
            LookupError::YearOutsideValidity {
                id: "xa-ntm-2021-2025".into(),
                year: y,
                from: 2022,
                to: Some(2025)
            }
        );
        assert_eq!(
            e.to_string(),
            format!("xa-ntm-2021-2025 is in force from 2022 to 2025, not in {y}")
        );
    }
    assert!(matches!(
        cat.set_for_year("xa-ntm-2099", 2024),
        Err(LookupError::UnknownSet { .. })
    ));
    // The 2022 version cannot evaluate 2025 (superseded on 1 March 2024).
    let v2022 = cat.get("xa-ntm-2021-2025", "2022").expect("2022");
    assert_eq!(v2022.in_force_until, Some(date!(2024 - 02 - 29)));
    let e =
        evaluate_unit(v2022, &commune(None), &Observations::new(v2022), 2025).expect_err("2025");
    assert!(e.to_string().contains("not in 2025"), "{e}");
    // The 2024 version carries the amendment that was not retrieved.
    let v2024 = cat.set_for_year("xa-ntm-2021-2025", 2024).expect("2024");
    let i = v2024.indicator_index("3.1").expect("3.1");
    let o = obs(v2024, &[("3.1", Value::Percent(90.0))]);
    let r = evaluate_unit(v2024, &commune(Some(Region::DBSH)), &o, 2024).expect("eval");
    assert!(
        r.indicators[i]
            .caveats()
            .contains(Caveats::AMENDMENT_PENDING)
    );
    let r = evaluate_unit(
        v2022,
        &commune(Some(Region::DBSH)),
        &obs(v2022, &[("3.1", Value::Percent(90.0))]),
        2023,
    )
    .expect("eval");
    assert!(
        !r.indicators[i]
            .caveats()
            .contains(Caveats::AMENDMENT_PENDING)
    );
    // The 2026-2030 set starts on 15/02/2026.
    assert_eq!(
        cat.set_for_year("xa-ntm-2026-2030", 2026)
            .map(|s| s.valid_from),
        Ok(date!(2026 - 02 - 15))
    );
    assert!(cat.set_for_year("xa-ntm-2026-2030", 2025).is_err());
}

const AMENDED: &str = r#"format: ntm-criteria/1
kind: criteria_set
id: mini
version: "2"
amends: "1"
level: commune
title_vi: "Bộ thử (sửa đổi)"
valid_from: 2024-03-01
changes_status: complete
completeness: complete
sources:
  S2: {url: "https://example.org/s2"}
overrides:
  - code: "1.1"
    threshold: {op: ">=", value: 85}
    by_region: {}
    provenance: sourced
    sources: [S2]
remove_indicators: ["3.2"]
add_indicators:
  - criterion: 2
    indicator:
      code: "2.3"
      name_vi: "Mới"
      kind: boolean
      threshold: {op: "==", value: true}
      provenance: sourced
"#;

#[test]
fn amendment_switch_by_year_with_changed_threshold() {
    let cat = resolve_texts(&[("mini.yaml", MINI), ("mini@2.yaml", AMENDED)]).expect("resolves");
    let v1 = cat.set_for_year("mini", 2023).expect("2023");
    let v2 = cat.set_for_year("mini", 2024).expect("2024");
    assert_eq!((v1.version.as_str(), v2.version.as_str()), ("1", "2"));
    assert_eq!(
        v2.valid_to,
        Some(date!(2025 - 12 - 31)),
        "inherits valid_to"
    );
    assert!(v2.indicator_index("3.2").is_none() && v2.indicator_index("2.3").is_some());
    let run = |s: &ResolvedSet, y| {
        let o = obs(s, &[("1.1", Value::Percent(82.0))]);
        evaluate_unit(s, &commune(Some(Region::DBSCL)), &o, y)
            .expect("eval")
            .indicators[s.indicator_index("1.1").unwrap_or(0)]
    };
    // 2023: DBSCL ≥ 70 → met. 2024: ≥ 85 everywhere (by_region cleared) → 3 short.
    assert_eq!(run(v1, 2023), Outcome::Met);
    assert_eq!(
        run(v2, 2024),
        Outcome::NotMet {
            gap: Gap::Amount(3.0)
        }
    );
    assert!(evaluate_unit(v2, &commune(None), &Observations::new(v2), 2026).is_err());
    assert!(cat.set_for_year("mini", 2021).is_err());
}

const PROVINCIAL: &str = r#"format: ntm-criteria/1
kind: criteria_set
id: mini-tinh-x
version: "2023"
extends: mini
level: commune
category: provincial_set
title_vi: "Bộ tiêu chí tỉnh X"
valid_from: 2023-06-01
valid_to: 2025
completeness: complete
sources:
  PX: {url: "https://example.org/px"}
overrides:
  - code: "1.1"
    by_region:
      DBSCL: {op: ">=", value: 75}
    provenance: sourced
    sources: [PX]
  - code: "2.1"
    threshold: {op: "<=", value: 15}
    provenance: sourced
criteria:
  - number: 4
    name_vi: "Tiêu chí riêng của tỉnh"
    indicators:
      - code: "X.1"
        name_vi: "Chỉ tiêu riêng"
        kind: count
        threshold: {op: ">=", value: 1}
        provenance: sourced
        sources: [PX]
"#;

#[test]
fn provincial_set_extends_with_stricter_thresholds() {
    let cat = resolve_texts(&[("mini.yaml", MINI), ("tinh-x.yaml", PROVINCIAL)]).expect("resolves");
    let p = cat.set_for_year("mini-tinh-x", 2024).expect("provincial");
    assert_eq!(p.extends, Some(("mini".to_string(), "1".to_string())));
    assert_eq!(p.criteria.len(), 4);
    assert!(p.sources.contains_key("S1") && p.sources.contains_key("PX"));
    let o = obs(
        p,
        &[("1.1", Value::Percent(72.0)), ("2.1", Value::Percent(18.0))],
    );
    let e = evaluate_unit(p, &commune(Some(Region::DBSCL)), &o, 2024).expect("eval");
    assert_eq!(
        e.indicators[p.indicator_index("1.1").unwrap_or(0)],
        Outcome::NotMet {
            gap: Gap::Amount(3.0)
        }
    );
    assert_eq!(
        e.indicators[p.indicator_index("2.1").unwrap_or(0)],
        Outcome::NotMet {
            gap: Gap::Amount(3.0)
        }
    );
    // The provincial set starts 2023-06-01: not for 2022.
    assert!(cat.set_for_year("mini-tinh-x", 2022).is_err());

    // A looser threshold is refused, naming file, line and field.
    let loose = PROVINCIAL.replace("value: 15}", "value: 25}");
    let err = resolve_texts(&[("mini.yaml", MINI), ("tinh-x.yaml", &loose)]).expect_err("looser");
    assert_eq!(err, vec![
        "tinh-x.yaml:20: overrides[1].threshold: less strict than the threshold it extends for TDMNPB (<= 20): a provincial set may only make it stricter".to_string()
    ]);
    // Extending an unknown set.
    let unknown = PROVINCIAL.replace("extends: mini\n", "extends: mimi\n");
    let err =
        resolve_texts(&[("mini.yaml", MINI), ("tinh-x.yaml", &unknown)]).expect_err("unknown base");
    assert_eq!(
        err,
        vec![
            "tinh-x.yaml:5: extends: unknown criteria set `mimi` (did you mean `mini`?)"
                .to_string()
        ]
    );
    // Overriding a code the base does not have.
    let bad = PROVINCIAL.replace("code: \"2.1\"", "code: \"2.9\"");
    let err = resolve_texts(&[("mini.yaml", MINI), ("tinh-x.yaml", &bad)]).expect_err("bad code");
    assert_eq!(
        err,
        vec!["tinh-x.yaml:20: overrides[1].code: no indicator \"2.9\" in the base set".to_string()]
    );
    // A boolean override on a percent indicator.
    let bad = PROVINCIAL.replace("{op: \"<=\", value: 15}", "{op: \"==\", value: true}");
    let err = resolve_texts(&[("mini.yaml", MINI), ("tinh-x.yaml", &bad)]).expect_err("kind");
    assert!(err[0].starts_with("tinh-x.yaml:21: overrides[1].threshold: threshold kind mismatch: indicator 2.1 is percent"), "{err:?}");
}

#[test]
fn amendment_errors() {
    let bad = AMENDED.replace("amends: \"1\"", "amends: \"0\"");
    let err =
        resolve_texts(&[("mini.yaml", MINI), ("mini@2.yaml", &bad)]).expect_err("unknown version");
    assert_eq!(
        err,
        vec!["mini@2.yaml:5: amends: no version \"0\" of mini to amend (known: 1)".to_string()]
    );
    let dup = resolve_texts(&[("mini.yaml", MINI), ("mini-copy.yaml", MINI)]).expect_err("twice");
    assert_eq!(
        dup,
        vec![
            "mini-copy.yaml: version: mini version \"1\" is defined twice (also in mini.yaml)"
                .to_string()
        ]
    );
    let no_status = AMENDED.replace("changes_status: complete\n", "");
    assert_eq!(errors_of("a.yaml", &no_status), vec![
        "a.yaml:1: changes_status: missing required field for an amendment (complete, partial or not_retrieved)".to_string()
    ]);
}

// ------------------------------------------------------------------ loader errors

#[test]
fn loader_reports_typos_with_file_line_and_field() {
    let typo = MINI.replace(
        "        threshold: {op: \"<=\", value: 20}",
        "        treshold: {op: \"<=\", value: 20}",
    );
    assert_eq!(errors_of("bad.yaml", &typo), vec![
        "bad.yaml:35: criteria[1].indicators[0].treshold: unknown field `treshold` (did you mean `threshold`?)".to_string(),
        "bad.yaml:32: criteria[1].indicators[0].threshold: missing required field (null when the value is not known)".to_string(),
    ]);
    let region = MINI.replace("DBSCL: {op", "DBSCLL: {op");
    assert_eq!(errors_of("bad.yaml", &region), vec![
        "bad.yaml:21: criteria[0].indicators[0].by_region.DBSCLL: unknown region `DBSCLL` (did you mean `DBSCL`?)".to_string()
    ]);
    let op = MINI.replace("{op: \">=\", value: 3}", "{op: \"=>\", value: 3}");
    assert_eq!(errors_of("bad.yaml", &op), vec![
        "bad.yaml:40: criteria[1].indicators[1].threshold.op: unknown op `=>` (expected \">=\", \"<=\", \"==\" or \"in\")".to_string()
    ]);
    let dup = MINI.replace("code: \"3.2\"", "code: \"3.1\"");
    assert_eq!(
        errors_of("bad.yaml", &dup),
        vec!["bad.yaml:51: code: duplicate indicator code \"3.1\" (first on line 46)".to_string()]
    );
    let pct = MINI.replace("value: 80}", "value: 140}");
    assert_eq!(errors_of("bad.yaml", &pct), vec![
        "bad.yaml:19: criteria[0].indicators[0].threshold.value: threshold kind mismatch: a percent indicator needs a percentage between 0 and 100, found 140".to_string()
    ]);
    let dat = MINI.replace(
        "{op: \"==\", value: true, text: \"Đạt\"}",
        "{op: \"==\", value: \"Đạt\"}",
    );
    assert_eq!(errors_of("bad.yaml", &dat), vec![
        "bad.yaml:27: criteria[0].indicators[1].threshold.value: threshold kind mismatch: a boolean indicator needs true or false (write the wording in `text`, e.g. value: true, text: \"Đạt\"), found the text \"Đạt\"".to_string()
    ]);
    let src = MINI.replace("sources: [S1]", "sources: [S9]");
    assert_eq!(errors_of("bad.yaml", &src), vec![
        "bad.yaml:23: criteria[0].indicators[0].sources: unknown source id `S9` (did you mean `S1`?)".to_string()
    ]);
    let kind = MINI.replace("kind: count", "kind: cuont");
    assert_eq!(errors_of("bad.yaml", &kind), vec![
        "bad.yaml:39: criteria[1].indicators[1].kind: unknown kind `cuont` (did you mean `count`?)".to_string()
    ]);
    let level = MINI.replace("level: commune", "level: ward");
    assert_eq!(errors_of("bad.yaml", &level), vec![
        "bad.yaml:5: level: unknown level `ward` (expected commune, district, province or hamlet)".to_string()
    ]);
    let date = MINI.replace("valid_from: 2022", "valid_from: 2022-13-01");
    assert_eq!(errors_of("bad.yaml", &date), vec![
        "bad.yaml:7: valid_from: expected a year (2024) or a date (2024-03-01), found the text \"2022-13-01\"".to_string()
    ]);
    let syntax = MINI.replace("sources: [S1]", "sources: [S1");
    let e = errors_of("bad.yaml", &syntax);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].starts_with("bad.yaml:24: YAML syntax:"), "{e:?}");
    let dup_key = MINI.replace("version: \"1\"", "version: \"1\"\nversion: \"2\"");
    let e = errors_of("bad.yaml", &dup_key);
    assert_eq!(
        e,
        vec![
            "bad.yaml:5: YAML syntax: the key `version` appears twice in the same mapping"
                .to_string()
        ]
    );
    assert_eq!(
        errors_of("bad.yaml", "kind: criteria_set\n"),
        vec![
            "bad.yaml:1: format: missing required field (write `format: ntm-criteria/1` first)"
                .to_string()
        ]
    );
    let group = MINI.replace("    name_vi: \"Một\"", "    name_vi: \"Một\"\n    group: I");
    assert!(
        errors_of("bad.yaml", &group).is_empty(),
        "a group is only checked when groups are declared"
    );
    // Several problems are reported together.
    let many = MINI
        .replace("DBSCL: {op", "XX: {op")
        .replace("kind: count", "kind: cuont");
    assert_eq!(errors_of("bad.yaml", &many).len(), 2);
}

#[test]
fn load_all_reports_every_file() {
    let bad1 = MINI.replace("kind: count", "kind: cuont");
    let bad2 = PROVINCIAL.replace("level: commune", "level: ward");
    let e = load_all([
        ("a.yaml", bad1.as_str()),
        ("b.yaml", bad2.as_str()),
        ("mini.yaml", MINI),
    ])
    .expect_err("bad");
    let files: Vec<&str> = e.iter().map(|e| e.file.as_str()).collect();
    assert_eq!(files, vec!["a.yaml", "b.yaml"]);
    let ok = load_all([("mini.yaml", MINI), ("tinh-x.yaml", PROVINCIAL)]).expect("ok");
    assert_eq!(ok.catalog.sets().len(), 2);
    assert!(ok.ocop.is_empty());
}

#[test]
fn derived_rules_must_name_known_sets() {
    let text = r#"format: ntm-criteria/1
kind: criteria_set
id: huyen-thu
version: "1"
level: district
title_vi: "Huyện thử"
valid_from: 2022
completeness: complete
preconditions:
  - code: "DK.1"
    name_vi: "100% xã đạt chuẩn"
    kind: derived
    derived: {measure: share_of_children_meeting, set: mnii}
    threshold: {op: ">=", value: 100}
    provenance: sourced
criteria: []
"#;
    let err = resolve_texts(&[("mini.yaml", MINI), ("h.yaml", text)]).expect_err("unknown");
    assert_eq!(
        err,
        vec![
            "h.yaml:13: derived.set: unknown criteria set `mnii` (did you mean `mini`?)"
                .to_string()
        ]
    );
    let bad_measure = text.replace("share_of_children_meeting", "share_of_child");
    let e = errors_of("h.yaml", &bad_measure);
    assert!(
        e[0].starts_with(
            "h.yaml:13: preconditions[0].derived.measure: unknown measure `share_of_child`"
        ),
        "{e:?}"
    );
}

// ------------------------------------------------------------------ values and observations

#[test]
fn values_typed_by_people() {
    assert_eq!(
        Value::parse(ValueKind::Percent, "85"),
        Ok(Value::Percent(85.0))
    );
    assert_eq!(
        Value::parse(ValueKind::Percent, " 85,5 %"),
        Ok(Value::Percent(85.5))
    );
    assert_eq!(
        Value::parse(ValueKind::Percent, "85.5%"),
        Ok(Value::Percent(85.5))
    );
    assert_eq!(
        Value::parse(ValueKind::Percent, "140 %"),
        Err(ValueError::PercentOver100 { value: 140.0 })
    );
    assert_eq!(
        Value::parse(ValueKind::Percent, "140 %").map_err(|e| e.to_string()),
        Err("140 % is more than 100 %".into())
    );
    assert_eq!(
        Value::parse(ValueKind::Percent, "tốt"),
        Err(ValueError::NotANumber {
            text: "tốt".into()
        })
    );
    assert_eq!(
        Value::parse(ValueKind::Percent, "-1"),
        Err(ValueError::Negative { value: -1.0 })
    );
    assert_eq!(
        Value::parse(ValueKind::Number, "1.234,5"),
        Ok(Value::Number(1234.5))
    );
    assert_eq!(
        Value::parse(ValueKind::Number, "1.234.567"),
        Ok(Value::Number(1_234_567.0))
    );
    assert_eq!(
        Value::parse(ValueKind::Number, "62.5"),
        Ok(Value::Number(62.5))
    );
    assert_eq!(
        Value::parse(ValueKind::Count, "-3"),
        Err(ValueError::Negative { value: -3.0 })
    );
    assert_eq!(
        Value::parse(ValueKind::Count, "2,5"),
        Err(ValueError::NotAWholeNumber { value: 2.5 })
    );
    assert_eq!(Value::parse(ValueKind::Count, "12"), Ok(Value::Count(12)));
    assert_eq!(
        Value::parse(ValueKind::Boolean, "Đạt"),
        Ok(Value::Boolean(true))
    );
    assert_eq!(
        Value::parse(ValueKind::Boolean, "KHÔNG ĐẠT"),
        Ok(Value::Boolean(false))
    );
    assert_eq!(
        Value::parse(ValueKind::Boolean, "có"),
        Ok(Value::Boolean(true))
    );
    assert_eq!(
        Value::parse(ValueKind::Boolean, "85"),
        Err(ValueError::NotABoolean { text: "85".into() })
    );
    assert_eq!(
        Value::parse(ValueKind::Boolean, "  "),
        Err(ValueError::Empty)
    );
}

#[test]
fn observation_rows_report_every_bad_row() {
    let cat = mini();
    let set = cat.set_for_year("mini", 2023).expect("mini");
    let rows = [
        (2, "1.1", "140 %"),
        (3, "1.3", "Đạt"),
        (4, "2.1", "mười"),
        (5, "2.2", "-3"),
        (6, "1.2", "Đạt"),
    ];
    let err = Observations::from_rows(set, rows).expect_err("bad rows");
    let msgs: Vec<String> = err.iter().map(ToString::to_string).collect();
    assert_eq!(
        msgs,
        vec![
            "row 2: indicator 1.1: 140 % is more than 100 %",
            "row 3: indicator 1.3: unknown indicator code (did you mean 1.1?)",
            "row 4: indicator 2.1: \"mười\" is not a number",
            "row 5: indicator 2.2: -3 is negative",
        ]
    );
    let mut o = Observations::new(set);
    let e = o
        .set(set, "1.1", Value::Boolean(true))
        .expect_err("wrong kind");
    assert_eq!(
        e.to_string(),
        "indicator 1.1: expected a percent value, got a boolean value"
    );
    assert_eq!(
        o.set(set, "1.1", Value::Percent(101.0))
            .map_err(|e| e.to_string()),
        Err("indicator 1.1: 101 % is more than 100 %".into())
    );
    assert!(Observations::from_rows(set, [(2, "1.1", "85 %"), (3, "1.2", "Có")]).is_ok());
}

// ------------------------------------------------------------------ the engine on confirmed thresholds

#[test]
fn engine_on_confirmed_thresholds() {
    let cat = mini();
    let set = cat.set_for_year("mini", 2023).expect("mini");
    let all_good = [
        ("1.1", Value::Percent(80.0)),
        ("1.2", Value::Boolean(true)),
        ("2.1", Value::Percent(20.0)),
        ("2.2", Value::Count(3)),
        ("3.1", Value::Number(1.0)),
        ("3.2", Value::Boolean(true)),
    ];
    let e = evaluate_unit(
        set,
        &commune(Some(Region::DBSH)),
        &obs(set, &all_good),
        2023,
    )
    .expect("eval");
    assert_eq!(e.status, Status::Met);
    assert_eq!(e.criteria_met, 3);
    assert_eq!(e.caveats, Caveats::NONE);
    // 3.1 not met but 3.2 is: criterion 3 (pass: any) is met.
    assert_eq!(
        e.indicators[4],
        Outcome::NotMet {
            gap: Gap::Amount(1.5)
        }
    );
    assert_eq!(e.criteria[2].status, Status::Met);

    let mut values = all_good.to_vec();
    values[0].1 = Value::Percent(75.0);
    values[2].1 = Value::Percent(23.0);
    values.remove(3); // 2.2 missing
    let e =
        evaluate_unit(set, &commune(Some(Region::DBSH)), &obs(set, &values), 2023).expect("eval");
    assert_eq!(
        e.indicators[0],
        Outcome::NotMet {
            gap: Gap::Amount(5.0)
        }
    );
    assert_eq!(
        e.indicators[2],
        Outcome::NotMet {
            gap: Gap::Amount(3.0)
        }
    );
    assert_eq!(e.indicators[3], Outcome::Missing);
    assert_eq!(
        e.criteria[1].status,
        Status::NotMet,
        "not met wins over missing"
    );
    assert_eq!(e.status, Status::NotMet);
    assert_eq!(e.criteria_met, 1);
    // DBSCL: 1.1 threshold is 70.
    let e2 =
        evaluate_unit(set, &commune(Some(Region::DBSCL)), &obs(set, &values), 2023).expect("eval");
    assert_eq!(e2.indicators[0], Outcome::Met);
    // Region unknown: the general value is used tentatively.
    let e3 = evaluate_unit(set, &commune(None), &obs(set, &values), 2023).expect("eval");
    assert_eq!(
        e3.indicators[0],
        Outcome::NeedsVerification {
            caveats: Caveats::REGION_UNKNOWN,
            tentative: Tentative::NotMet {
                gap: Gap::Amount(5.0)
            }
        }
    );

    // Gaps: what is missing and how far, not-met first.
    let g = gaps(set, &e);
    let codes: Vec<&str> = g
        .iter()
        .map(|x| set.indicator(x.indicator).code.as_str())
        .collect();
    assert_eq!(codes, vec!["1.1", "2.1", "3.1", "2.2"]);
    assert_eq!(g[0].gap, Some(Gap::Amount(5.0)));
    assert_eq!(g[3].status, Status::Missing);
    assert_eq!(g[1].criterion, Some(1));

    // Errors: wrong level, wrong year, observations of another set.
    let district = UnitCtx {
        level: Level::District,
        ..commune(None)
    };
    assert!(matches!(
        evaluate_unit(set, &district, &Observations::new(set), 2023),
        Err(EvalError::LevelMismatch { .. })
    ));
    assert!(matches!(
        evaluate_unit(set, &commune(None), &Observations::new(set), 2026),
        Err(EvalError::YearOutsideValidity { .. })
    ));
    let other = catalog();
    let x = other.set_for_year("xa-ntm-2021-2025", 2023).expect("x");
    assert!(matches!(
        evaluate_unit(set, &commune(None), &Observations::new(x), 2023),
        Err(EvalError::ObservationsForAnotherSet { .. })
    ));
}

#[test]
fn needs_verification_for_uncertain_and_missing_thresholds() {
    let text = MINI
        .replace("completeness: complete", "completeness: partial")
        .replace("        threshold: {op: \">=\", value: 3}\n        provenance: sourced", "        threshold: null\n        provenance: recalled")
        .replace("        threshold: {op: \"<=\", value: 20}\n        provenance: sourced", "        threshold: {op: \"<=\", value: 20}\n        provenance: sourced\n        uncertain: true");
    let cat = resolve_texts(&[("m.yaml", &text)]).expect("loads");
    let set = cat.set_for_year("mini", 2023).expect("set");
    let vals = [
        ("1.1", Value::Percent(90.0)),
        ("1.2", Value::Boolean(true)),
        ("2.1", Value::Percent(10.0)),
        ("2.2", Value::Count(9)),
        ("3.2", Value::Boolean(true)),
    ];
    let e = evaluate_unit(set, &commune(Some(Region::BTB)), &obs(set, &vals), 2023).expect("eval");
    assert_eq!(
        e.indicators[2],
        Outcome::NeedsVerification {
            caveats: Caveats::UNCERTAIN,
            tentative: Tentative::Met
        }
    );
    assert_eq!(
        e.indicators[3],
        Outcome::NeedsVerification {
            caveats: Caveats::THRESHOLD_MISSING,
            tentative: Tentative::Unknown
        }
    );
    assert_eq!(e.criteria[1].status, Status::NeedsVerification);
    assert!(
        !e.criteria[1].tentatively_met,
        "a missing threshold is never a tentative pass"
    );
    assert!(
        e.criteria[1].no_known_shortfall,
        "but it is no known shortfall (tạm tính)"
    );
    assert_eq!(e.criteria_no_known_shortfall, 3);
    assert!(e.no_known_shortfall);
    // A tentative fail on the uncertain threshold is a known shortfall.
    let mut short = obs(set, &vals);
    short.set_text(set, "2.1", "30").expect("value");
    let e2 = evaluate_unit(set, &commune(Some(Region::BTB)), &short, 2023).expect("eval");
    assert!(!e2.criteria[1].no_known_shortfall && !e2.no_known_shortfall);
    assert_eq!(e2.criteria_no_known_shortfall, 2);
    let r = rollup(set, [&e, &e2]);
    assert_eq!((r.met, r.met_tentative, r.no_known_shortfall), (0, 0, 1));
    assert!((r.avg_criteria_no_known_shortfall - 2.5).abs() < 1e-9);
    assert_eq!(e.status, Status::NeedsVerification);
    assert_eq!(e.criteria_met, 2);
    assert_eq!(e.criteria_met_tentative, 2);
    // With every threshold confirmed but the set only partly captured, a full pass still needs verification.
    let partial = MINI.replace("completeness: complete", "completeness: partial");
    let cat = resolve_texts(&[("m.yaml", &partial)]).expect("loads");
    let set = cat.set_for_year("mini", 2023).expect("set");
    let vals = [
        ("1.1", Value::Percent(90.0)),
        ("1.2", Value::Boolean(true)),
        ("2.1", Value::Percent(10.0)),
        ("2.2", Value::Count(9)),
        ("3.2", Value::Boolean(true)),
    ];
    let e = evaluate_unit(set, &commune(Some(Region::BTB)), &obs(set, &vals), 2023).expect("eval");
    assert_eq!(
        (e.status, e.tentatively_met, e.criteria_met),
        (Status::NeedsVerification, true, 3)
    );
    assert!(e.caveats.contains(Caveats::SET_INCOMPLETE));
}

#[test]
fn derived_indicators_over_child_units() {
    let cat = catalog();
    let xa = cat.set_for_year("xa-ntm-2021-2025", 2023).expect("xa");
    let huyen = cat
        .set_for_year("huyen-ntm-2021-2025", 2023)
        .expect("huyen");
    let dk1 = huyen.indicator_index("DK.1").expect("DK.1");
    let dk2 = huyen.indicator_index("DK.2").expect("DK.2");
    let dk5 = huyen.indicator_index("DK.5").expect("DK.5");
    let district = UnitCtx {
        level: Level::District,
        region: Some(Region::DBSCL),
        group: None,
        disadvantaged: false,
    };

    // Tallies as the app would build them from commune evaluations.
    let all_met = ChildTally {
        total: 12,
        met: 12,
        not_met: 0,
        met_tentative: 12,
    };
    let one_short = ChildTally {
        total: 12,
        met: 11,
        not_met: 1,
        met_tentative: 11,
    };
    let pending = ChildTally {
        total: 12,
        met: 10,
        not_met: 0,
        met_tentative: 12,
    };
    let mut o = Observations::new(huyen);
    assert_eq!(o.supply_children(huyen, "xa-ntm-2021-2025", &all_met), 1);
    let e = evaluate_unit(huyen, &district, &o, 2023).expect("eval");
    assert_eq!(
        e.indicators[dk1],
        Outcome::Met,
        "DK.1 is confirmed (sourced, not uncertain)"
    );
    assert_eq!(
        e.indicators[dk2],
        Outcome::Missing,
        "no nâng cao results supplied"
    );
    o.supply_children(huyen, "xa-ntm-2021-2025", &one_short);
    let e = evaluate_unit(huyen, &district, &o, 2023).expect("eval");
    match e.indicators[dk1] {
        Outcome::NotMet {
            gap: Gap::Amount(g),
        } => assert!((f64::from(g) - 100.0 / 12.0).abs() < 1e-5),
        other => panic!("{other:?}"),
    }
    o.supply_children(huyen, "xa-ntm-2021-2025", &pending);
    let e = evaluate_unit(huyen, &district, &o, 2023).expect("eval");
    assert_eq!(
        e.indicators[dk1],
        Outcome::NeedsVerification {
            caveats: Caveats::UNDETERMINED_INPUT,
            tentative: Tentative::Met
        }
    );
    // DK.2: ≥ 10 % of communes at nâng cao; 2 of 12 met.
    o.supply_children(
        huyen,
        "xa-ntm-nang-cao-2021-2025",
        &ChildTally {
            total: 12,
            met: 2,
            not_met: 10,
            met_tentative: 2,
        },
    );
    let e = evaluate_unit(huyen, &district, &o, 2023).expect("eval");
    assert_eq!(e.indicators[dk2], Outcome::Met);
    // DK.5 (all 9 criteria) follows the criteria: no district values were entered.
    assert_eq!(e.indicators[dk5], Outcome::Missing);
    assert_eq!(e.status, Status::Missing);

    // From real commune evaluations: the tally equals the roll-up of the children.
    let communes: Vec<UnitEvaluation> = (0..5)
        .map(|k| {
            let o = obs(xa, &[("3.1", Value::Percent(70.0 + 5.0 * k as f64))]);
            evaluate_unit(xa, &commune(Some(Region::DBSCL)), &o, 2023).expect("eval")
        })
        .collect();
    let t = ChildTally::from_evals(&communes);
    let r = rollup(xa, &communes);
    assert_eq!(
        (t.total, t.met, t.met_tentative),
        (r.units, r.met, r.met_tentative)
    );

    // A province counts communes (grandchildren) for T.4 and districts for T.1.
    let tinh = cat
        .set_for_year("tinh-hoan-thanh-ntm-2021-2025", 2024)
        .expect("tinh");
    let mut o = Observations::new(tinh);
    assert_eq!(
        o.supply_children(
            tinh,
            "xa-ntm-nang-cao-2021-2025",
            &ChildTally {
                total: 100,
                met: 41,
                not_met: 59,
                met_tentative: 41
            }
        ),
        1
    );
    let province = UnitCtx {
        level: Level::Province,
        region: Some(Region::DBSCL),
        group: None,
        disadvantaged: false,
    };
    let e = evaluate_unit(tinh, &province, &o, 2024).expect("eval");
    assert_eq!(
        e.indicators[tinh.indicator_index("T.4").expect("T.4")],
        Outcome::Met
    );
    assert_eq!(
        e.indicators[tinh.indicator_index("T.1").expect("T.1")],
        Outcome::Missing
    );

    // meets_set: Trà Vinh's smart commune needs the kiểu mẫu result of the same commune.
    let tv = cat
        .set_for_year("xa-ntm-thong-minh-tra-vinh-2023", 2024)
        .expect("tv");
    let km = cat
        .set_for_year("xa-ntm-kieu-mau-2021-2025", 2024)
        .expect("km");
    let km_eval = evaluate_unit(
        km,
        &commune(Some(Region::DBSCL)),
        &Observations::new(km),
        2024,
    )
    .expect("km eval");
    let mut o = Observations::new(tv);
    assert_eq!(o.supply_own(tv, "xa-ntm-kieu-mau-2021-2025", &km_eval), 1);
    let e = evaluate_unit(tv, &commune(Some(Region::DBSCL)), &o, 2024).expect("tv eval");
    assert_eq!(
        e.indicators[0],
        Outcome::Missing,
        "kiểu mẫu evaluation is incomplete → no value yet"
    );
    // Directly entering a derived value is refused.
    let e = Observations::new(huyen)
        .set(huyen, "DK.1", Value::Percent(100.0))
        .expect_err("computed");
    assert_eq!(e.problem, ObsProblem::Computed);
}

#[test]
fn smart_hamlet_alternatives_and_confirmed_thresholds() {
    let cat = catalog();
    let ap = cat
        .set_for_year("ap-thong-minh-tra-vinh-2023", 2024)
        .expect("ap");
    let ctx = UnitCtx {
        level: Level::Hamlet,
        region: Some(Region::DBSCL),
        group: None,
        disadvantaged: false,
    };
    let o = obs(
        ap,
        &[
            ("TV-A.0", Value::Boolean(true)),
            ("TV-A.1.1", Value::Percent(50.0)),
            ("TV-A.1.2", Value::Boolean(true)),
            ("TV-A.2", Value::Boolean(true)),
            ("TV-A.3", Value::Number(2.0)),
            ("TV-A.4", Value::Percent(81.0)),
            ("TV-A.5", Value::Boolean(true)),
            ("TV-A.6.1", Value::Percent(60.0)),
            ("TV-A.6.2", Value::Percent(85.0)),
        ],
    );
    let e = evaluate_unit(ap, &ctx, &o, 2024).expect("eval");
    assert_eq!(
        e.status,
        Status::Met,
        "Trà Vinh's conditions were checked against KH 38: confirmed"
    );
    assert_eq!(e.criteria_met, 7);
    let g = gaps(ap, &e);
    assert_eq!(g.len(), 2, "the two unmet alternatives are listed: {g:?}");
}

// ------------------------------------------------------------------ roll-ups and ranking

#[test]
fn bucket_edges_follow_the_number_of_criteria() {
    assert_eq!(
        bucket_edges(19),
        vec![(19, 19), (15, 18), (10, 14), (5, 9), (0, 4)]
    );
    assert_eq!(
        bucket_edges(10),
        vec![(10, 10), (8, 9), (5, 7), (3, 4), (0, 2)]
    );
    assert_eq!(
        bucket_edges(9),
        vec![(9, 9), (7, 8), (5, 6), (2, 4), (0, 1)]
    );
    assert_eq!(bucket_edges(0), vec![(0, 0)]);
    assert_eq!(bucket_edges(1), vec![(1, 1), (0, 0)]);
    for n in 0..60usize {
        let b = bucket_edges(n);
        assert_eq!(b[0], (n as u16, n as u16));
        assert_eq!(b.last().map(|x| x.0), Some(0));
        for w in b.windows(2) {
            assert_eq!(w[1].1 + 1, w[0].0, "contiguous for n = {n}: {b:?}");
        }
    }
}

#[test]
fn rollups_buckets_blocking_and_closest() {
    let cat = mini();
    let set = cat.set_for_year("mini", 2023).expect("mini");
    let unit = |a: f64, c: f64, d: u64| {
        let o = obs(
            set,
            &[
                ("1.1", Value::Percent(a)),
                ("1.2", Value::Boolean(true)),
                ("2.1", Value::Percent(c)),
                ("2.2", Value::Count(d)),
                ("3.2", Value::Boolean(true)),
            ],
        );
        evaluate_unit(set, &commune(Some(Region::DBSH)), &o, 2023).expect("eval")
    };
    let evals = vec![
        unit(90.0, 10.0, 5),
        unit(79.0, 10.0, 5),
        unit(50.0, 30.0, 1),
        unit(80.0, 25.0, 3),
        unit(78.0, 21.0, 3),
    ];
    let r = rollup(set, &evals);
    assert_eq!((r.units, r.met, r.not_met), (5, 1, 4));
    assert_eq!(
        r.buckets,
        vec![
            Bucket {
                min: 3,
                max: 3,
                count: 1
            },
            Bucket {
                min: 2,
                max: 2,
                count: 2
            },
            Bucket {
                min: 1,
                max: 1,
                count: 2
            },
            Bucket {
                min: 0,
                max: 0,
                count: 0
            },
        ]
    );
    assert!((r.avg_criteria_met - (3 + 2 + 1 + 2 + 1) as f64 / 5.0).abs() < 1e-9);
    let top = r.blocking[0];
    assert_eq!(set.indicator(top.indicator).code, "1.1");
    assert_eq!(top.not_met, 3);
    assert_eq!(set.indicator(r.blocking[1].indicator).code, "2.1");

    let close = closest_to_meeting(set, &evals, 3);
    let order: Vec<usize> = close.iter().map(|c| c.unit).collect();
    assert_eq!(
        order,
        vec![1, 3, 4],
        "one short by 1 point, one short by 5 points, then two criteria short"
    );
    assert!(
        close.iter().all(|c| c.unit != 0),
        "units already meeting are left out"
    );

    // Groups in one pass: district and province keys.
    let keyed = evals
        .iter()
        .enumerate()
        .flat_map(|(k, e)| [(if k < 2 { "h1" } else { "h2" }, e), ("tinh", e)]);
    let by = rollup_by(set, keyed);
    assert_eq!(by["h1"].units + by["h2"].units, by["tinh"].units);
    assert_eq!(by["tinh"], r);
    let mut a = RollupAcc::new(set);
    evals[..2].iter().for_each(|e| a.add(e));
    let mut b = RollupAcc::new(set);
    evals[2..].iter().for_each(|e| b.add(e));
    a.merge(&b);
    assert_eq!(a.finish(), r);
}

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

// ------------------------------------------------------------------ property tests

#[derive(Debug, Clone)]
struct GenInd {
    kind: ValueKind,
    op: Op,
    t: f64,
}

fn gen_ind() -> impl Strategy<Value = GenInd> {
    prop_oneof![
        (0u32..=100, prop::bool::ANY).prop_map(|(t, ge)| GenInd {
            kind: ValueKind::Percent,
            op: if ge { Op::Ge } else { Op::Le },
            t: f64::from(t)
        }),
        (0u32..=50, prop::bool::ANY).prop_map(|(t, ge)| GenInd {
            kind: ValueKind::Count,
            op: if ge { Op::Ge } else { Op::Le },
            t: f64::from(t)
        }),
        (-1000i32..1000, prop::bool::ANY).prop_map(|(t, ge)| GenInd {
            kind: ValueKind::Number,
            op: if ge { Op::Ge } else { Op::Le },
            t: f64::from(t) / 4.0
        }),
        prop::bool::ANY.prop_map(|b| GenInd {
            kind: ValueKind::Boolean,
            op: Op::Eq,
            t: f64::from(u8::from(b))
        }),
    ]
}

fn set_yaml(criteria: &[Vec<GenInd>]) -> String {
    let mut s = String::from(
        "format: ntm-criteria/1\nkind: criteria_set\nid: gen\nversion: \"1\"\nlevel: commune\ntitle_vi: \"Sinh\"\nvalid_from: 2022\nvalid_to: 2030\ncompleteness: complete\ncriteria:\n",
    );
    for (c, inds) in criteria.iter().enumerate() {
        s += &format!(
            "  - number: {}\n    name_vi: \"C{}\"\n    indicators:\n",
            c + 1,
            c + 1
        );
        for (k, i) in inds.iter().enumerate() {
            let value = match i.kind {
                ValueKind::Boolean => (i.t != 0.0).to_string(),
                _ => format!("{}", i.t),
            };
            s += &format!(
                "      - {{code: \"{}.{}\", name_vi: \"I\", kind: {}, threshold: {{op: \"{}\", value: {value}}}, provenance: sourced}}\n",
                c + 1,
                k + 1,
                i.kind.as_str(),
                i.op.as_str()
            );
        }
    }
    s
}

fn gen_set() -> impl Strategy<Value = Vec<Vec<GenInd>>> {
    prop::collection::vec(prop::collection::vec(gen_ind(), 1..5), 1..8)
}

/// A value meeting the threshold, `slack` ∈ [0, 1) away from it.
fn meeting(i: &GenInd, slack: f64) -> Value {
    match (i.kind, i.op) {
        (ValueKind::Boolean, _) => Value::Boolean(i.t != 0.0),
        (ValueKind::Percent, Op::Ge) => Value::Percent(i.t + (100.0 - i.t) * slack),
        (ValueKind::Percent, _) => Value::Percent(i.t * (1.0 - slack)),
        (ValueKind::Count, Op::Ge) => Value::Count(i.t as u64 + (slack * 10.0) as u64),
        (ValueKind::Count, _) => Value::Count((i.t * (1.0 - slack)).floor() as u64),
        (_, Op::Ge) => Value::Number(i.t + slack * 100.0),
        (_, _) => Value::Number(i.t - slack * 100.0),
    }
}

fn any_value(i: &GenInd, x: f64) -> Value {
    match i.kind {
        ValueKind::Boolean => Value::Boolean(x > 0.5),
        ValueKind::Percent => Value::Percent(x * 100.0),
        ValueKind::Count => Value::Count((x * 60.0) as u64),
        _ => Value::Number(x * 2000.0 - 1000.0),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn a_unit_meeting_every_threshold_meets_the_set(spec in gen_set(), slack in prop::collection::vec(0.0f64..1.0, 40)) {
        let cat = resolve_texts(&[("gen.yaml", &set_yaml(&spec))]).map_err(|e| TestCaseError::fail(e.join("\n")))?;
        let set = cat.set_for_year("gen", 2024).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut o = Observations::new(set);
        for (k, i) in spec.iter().flatten().enumerate() {
            o.set_at(set, k, meeting(i, slack[k % slack.len()])).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        for region in Region::ALL.into_iter().map(Some).chain([None]) {
            let e = evaluate_unit(set, &commune(region), &o, 2024).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(e.status, Status::Met);
            prop_assert_eq!(usize::from(e.criteria_met), spec.len());
            prop_assert_eq!(e.criteria_met_tentative, e.criteria_met);
            prop_assert_eq!(e.criteria_no_known_shortfall, e.criteria_met);
            prop_assert!(e.no_known_shortfall && e.tentatively_met);
            prop_assert!(e.indicators.iter().all(|x| *x == Outcome::Met));
            prop_assert!(gaps(set, &e).is_empty());
        }
    }

    #[test]
    fn raising_a_value_never_turns_met_into_not_met(spec in gen_set(), xs in prop::collection::vec(0.0f64..1.0, 40), pick in 0usize..40, delta in 0.0f64..50.0) {
        let cat = resolve_texts(&[("gen.yaml", &set_yaml(&spec))]).map_err(|e| TestCaseError::fail(e.join("\n")))?;
        let set = cat.set_for_year("gen", 2024).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let flat: Vec<&GenInd> = spec.iter().flatten().collect();
        let mut o = Observations::new(set);
        for (k, i) in flat.iter().enumerate() {
            o.set_at(set, k, any_value(i, xs[k % xs.len()])).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        let k = pick % flat.len();
        let before = evaluate_unit(set, &commune(None), &o, 2024).map_err(|e| TestCaseError::fail(e.to_string()))?;
        // Move the value in the direction the threshold asks for (≥: up, ≤: down).
        let moved = match (o.get(k), flat[k].op) {
            (Some(Value::Percent(v)), Op::Ge) => Some(Value::Percent((v + delta).min(100.0))),
            (Some(Value::Percent(v)), Op::Le) => Some(Value::Percent((v - delta).max(0.0))),
            (Some(Value::Number(v)), Op::Ge) => Some(Value::Number(v + delta)),
            (Some(Value::Number(v)), Op::Le) => Some(Value::Number(v - delta)),
            (Some(Value::Count(v)), Op::Ge) => Some(Value::Count(v + delta as u64)),
            (Some(Value::Count(v)), Op::Le) => Some(Value::Count(v.saturating_sub(delta as u64))),
            _ => None,
        };
        if let Some(v) = moved {
            o.set_at(set, k, v).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let after = evaluate_unit(set, &commune(None), &o, 2024).map_err(|e| TestCaseError::fail(e.to_string()))?;
            if before.indicators[k] == Outcome::Met {
                prop_assert_eq!(after.indicators[k], Outcome::Met);
            }
            if let (Some(Gap::Amount(a)), Some(Gap::Amount(b))) = (before.indicators[k].gap(), after.indicators[k].gap()) {
                prop_assert!(b <= a + 1e-4, "the gap never grows");
            }
            if before.status == Status::Met {
                prop_assert_eq!(after.status, Status::Met);
            }
            prop_assert!(after.criteria_met >= before.criteria_met);
        }
    }

    #[test]
    fn rollup_counts_equal_children_evaluated_as_met(spec in gen_set(), units in prop::collection::vec(prop::collection::vec(prop::option::weighted(0.9, 0.0f64..1.0), 40), 0..40)) {
        let cat = resolve_texts(&[("gen.yaml", &set_yaml(&spec))]).map_err(|e| TestCaseError::fail(e.join("\n")))?;
        let set = cat.set_for_year("gen", 2024).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let flat: Vec<&GenInd> = spec.iter().flatten().collect();
        let mut evals = Vec::new();
        for u in &units {
            let mut o = Observations::new(set);
            for (k, i) in flat.iter().enumerate() {
                if let Some(x) = u[k % u.len()] {
                    o.set_at(set, k, any_value(i, x)).map_err(|e| TestCaseError::fail(e.to_string()))?;
                }
            }
            evals.push(evaluate_unit(set, &commune(Some(Region::BTB)), &o, 2024).map_err(|e| TestCaseError::fail(e.to_string()))?);
        }
        let r = rollup(set, &evals);
        prop_assert_eq!(r.units as usize, evals.len());
        prop_assert_eq!(r.met as usize, evals.iter().filter(|e| e.status == Status::Met).count());
        prop_assert_eq!((r.met + r.not_met + r.missing + r.needs_verification) as usize, evals.len());
        prop_assert_eq!(r.buckets.iter().map(|b| b.count).sum::<u32>() as usize, evals.len());
        prop_assert_eq!(r.buckets[0].count as usize, evals.iter().filter(|e| usize::from(e.criteria_met) == spec.len()).count());
        let t = ChildTally::from_evals(&evals);
        prop_assert_eq!(t.met, r.met);
        let mean = if evals.is_empty() { 0.0 } else { evals.iter().map(|e| f64::from(e.criteria_met)).sum::<f64>() / evals.len() as f64 };
        prop_assert!((r.avg_criteria_met - mean).abs() < 1e-9);
        for b in &r.blocking {
            let n = evals.iter().filter(|e| matches!(e.indicators[b.indicator], Outcome::NotMet { .. })).count();
            prop_assert_eq!(b.not_met as usize, n);
        }
        // Ranking: never lists a unit that meets the set, and is sorted.
        // Tentative figures: never below the confirmed ones; the roll-up sums the units.
        for e in &evals {
            prop_assert!(e.criteria_no_known_shortfall >= e.criteria_met_tentative);
            prop_assert!(e.criteria_met_tentative >= e.criteria_met);
            prop_assert!(!e.no_known_shortfall || !matches!(e.status, Status::NotMet | Status::Missing));
            prop_assert!(e.status != Status::Met || e.no_known_shortfall);
        }
        prop_assert_eq!(r.no_known_shortfall as usize, evals.iter().filter(|e| e.no_known_shortfall).count());
        prop_assert!(r.no_known_shortfall >= r.met);
        prop_assert_eq!(r.buckets_no_known_shortfall.iter().map(|b| b.count).sum::<u32>() as usize, evals.len());
        let sum_nks: u32 = evals.iter().map(|e| u32::from(e.criteria_no_known_shortfall)).sum();
        prop_assert!((r.avg_criteria_no_known_shortfall * evals.len() as f64 - f64::from(sum_nks)).abs() < 1e-6);
        prop_assert!(r.avg_criteria_no_known_shortfall >= r.avg_criteria_met_tentative - 1e-9);
        // Merging two halves gives the roll-up of the whole.
        let (a, b) = evals.split_at(evals.len() / 2);
        let mut acc = RollupAcc::new(set);
        a.iter().for_each(|e| acc.add(e));
        let mut acc_b = RollupAcc::new(set);
        b.iter().for_each(|e| acc_b.add(e));
        acc.merge(&acc_b);
        prop_assert_eq!(acc.finish(), r.clone());
        let close = closest_to_meeting(set, &evals, 5);
        prop_assert!(close.iter().all(|c| evals[c.unit].status != Status::Met));
        prop_assert!(close.windows(2).all(|w| (w[0].criteria_short, w[0].indicators_short) <= (w[1].criteria_short, w[1].indicators_short)));
    }
}

// ------------------------------------------------------------------ speed (timing printed, not asserted)

#[test]
fn ten_thousand_communes_with_rollups() {
    let cat = catalog();
    let set = cat.set_for_year("xa-ntm-2021-2025", 2023).expect("set");
    let n_units = 10_600usize;
    // Deterministic pseudo-random values (xorshift), built before timing.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut inputs = Vec::with_capacity(n_units);
    for u in 0..n_units {
        let mut o = Observations::new(set);
        for (i, ind) in set.indicators.iter().enumerate() {
            let x = next();
            if x < 0.03 {
                continue; // a few values missing
            }
            let v = match ind.value_kind() {
                ValueKind::Boolean => Value::Boolean(x < 0.9),
                ValueKind::Percent => Value::Percent(40.0 + 60.0 * x),
                ValueKind::Number => Value::Number(30.0 + 50.0 * x),
                ValueKind::Count => Value::Count((x * 10.0) as u64),
                ValueKind::Level => Value::Level((x * 4.0) as u32),
            };
            o.set_at(set, i, v).expect("value");
        }
        let ctx = commune(Some(Region::ALL[u % 7]));
        inputs.push((ctx, o, u / 15, u / 170));
    }
    // Twice: the first round also pays for fresh memory (page faults), the second reuses it.
    let mut report = Vec::new();
    let mut kept = None;
    for round in ["cold", "warm"] {
        drop(kept.take());
        let start = std::time::Instant::now();
        let evals: Vec<UnitEvaluation> = inputs
            .iter()
            .map(|(ctx, o, _, _)| evaluate_unit(set, ctx, o, 2023).expect("eval"))
            .collect();
        let t_eval = start.elapsed();
        // One pass over the communes into district accumulators, then merged upwards.
        let mut districts: Vec<RollupAcc> = Vec::new();
        for (e, (_, _, d, _)) in evals.iter().zip(&inputs) {
            if districts.len() <= *d {
                districts.resize_with(d + 1, || RollupAcc::new(set));
            }
            districts[*d].add(e);
        }
        let mut provinces: BTreeMap<usize, RollupAcc> = BTreeMap::new();
        for (d, acc) in districts.iter().enumerate() {
            provinces
                .entry(d * 15 / 170)
                .or_insert_with(|| RollupAcc::new(set))
                .merge(acc);
        }
        let mut nation = RollupAcc::new(set);
        provinces.values().for_each(|p| nation.merge(p));
        let by_district: Vec<Rollup> = districts.iter().map(RollupAcc::finish).collect();
        let by_province: Vec<Rollup> = provinces.values().map(RollupAcc::finish).collect();
        let country = nation.finish();
        let close = closest_to_meeting(set, &evals, 50);
        let t_all = start.elapsed();
        report.push(format!(
            "{round}: evaluation {t_eval:?}, with roll-ups ({} districts, {} provinces, country) and the 50 closest {t_all:?}",
            by_district.len(),
            by_province.len()
        ));
        assert_eq!(close.len(), 50);
        assert_eq!(
            by_district.iter().map(|r| r.units).sum::<u32>() as usize,
            n_units
        );
        assert_eq!(
            by_province.iter().map(|r| r.units).sum::<u32>() as usize,
            n_units
        );
        kept = Some((evals, country));
    }
    eprintln!(
        "{} communes × {} indicators ({} build): {}",
        n_units,
        set.indicators.len(),
        if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        report.join("; ")
    );
    let (evals, country) = kept.expect("ran");
    assert_eq!(country, rollup(set, &evals));
}

// ------------------------------------------------------------------ evidence policy

#[test]
fn evidence_required_at_set_level_with_indicator_overrides() {
    let with = MINI
        .replace(
            "completeness: complete\n",
            "completeness: complete\nevidence_required: true\n",
        )
        .replace(
            "        kind: count\n",
            "        kind: count\n        evidence_required: false\n",
        );
    let cat = resolve_texts(&[("mini.yaml", &with)]).expect("loads");
    let s = cat.set_for_year("mini", 2023).expect("in force");
    assert!(s.evidence_required);
    let idx = |c: &str| s.indicator_index(c).expect("indicator");
    assert!(s.requires_evidence(idx("1.1")));
    assert!(!s.requires_evidence(idx("2.2")), "indicator override");
    // Absent: false; an amendment inherits the base's setting.
    let plain = mini();
    let p = plain.set_for_year("mini", 2023).expect("in force");
    assert!(!p.evidence_required && !p.requires_evidence(0));
    let cat = resolve_texts(&[("mini.yaml", &with), ("mini@2.yaml", AMENDED)]).expect("loads");
    assert!(
        cat.set_for_year("mini", 2024)
            .expect("amended")
            .evidence_required
    );
    // A typo or a wrong type still fails validation.
    let typo = MINI.replace(
        "completeness: complete\n",
        "completeness: complete\nevidence_requried: true\n",
    );
    let e = errors_of("bad.yaml", &typo);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].contains("unknown field `evidence_requried` (did you mean `evidence_required`?)"),
        "{e:?}"
    );
    let wrong = MINI.replace(
        "completeness: complete\n",
        "completeness: complete\nevidence_required: yes please\n",
    );
    let e = errors_of("bad.yaml", &wrong);
    assert!(
        e.len() == 1 && e[0].contains("evidence_required: expected true or false"),
        "{e:?}"
    );
    // The commune sets shipped require evidence (product policy).
    let real = catalog();
    assert!(
        real.set_for_year("xa-ntm-2021-2025", 2024)
            .expect("set")
            .evidence_required
    );
}

// ------------------------------------------------------------------ applies_to

#[test]
fn applies_to_unit_kinds_parse_validate_and_inherit() {
    let with = MINI.replace(
        "completeness: complete\n",
        "completeness: complete\napplies_to: {unit_kinds: [Xã, Đặc khu]}\n",
    );
    let cat = resolve_texts(&[("mini.yaml", &with)]).expect("loads");
    let s = cat.set_for_year("mini", 2023).expect("in force");
    assert_eq!(
        s.applies_to.as_deref(),
        Some(&["Xã".to_string(), "Đặc khu".to_string()][..])
    );
    assert!(s.applies_to_kind("Xã") && s.applies_to_kind("Đặc khu"));
    assert!(!s.applies_to_kind("Phường") && !s.applies_to_kind("Thị trấn"));
    // Undeclared: every unit of the level.
    let plain = mini();
    let p = plain.set_for_year("mini", 2023).expect("in force");
    assert!(p.applies_to.is_none() && p.applies_to_kind("Phường"));
    // An amendment inherits it.
    let cat = resolve_texts(&[("mini.yaml", &with), ("mini@2.yaml", AMENDED)]).expect("loads");
    let a = cat.set_for_year("mini", 2024).expect("amended");
    assert!(a.applies_to_kind("Xã") && !a.applies_to_kind("Phường"));

    // Errors carry the file, the line and the field.
    let bad = MINI.replace(
        "completeness: complete\n",
        "completeness: complete\napplies_to: {unit_kinds: [Xa, Huyện]}\n",
    );
    let e = errors_of("bad.yaml", &bad);
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(
        e[0].starts_with(
            "bad.yaml:10: applies_to.unit_kinds[0]: unknown unit kind `Xa` (did you mean `Xã`?)"
        ),
        "{e:?}"
    );
    assert!(
        e[1].contains("applies_to.unit_kinds[1]: unknown unit kind `Huyện`")
            && e[1].contains("for a commune set"),
        "{e:?}"
    );
    for (text, want) in [
        ("applies_to: {unit_kinds: []}\n", "lists no unit kind"),
        (
            "applies_to: {}\n",
            "applies_to.unit_kinds: missing required field",
        ),
        (
            "applies_to: {unit_kind: [Xã]}\n",
            "unknown field `unit_kind` (did you mean `unit_kinds`?)",
        ),
        (
            "applies_to: {unit_kinds: [Xã, Xã]}\n",
            "`Xã` is listed twice",
        ),
    ] {
        let t = MINI.replace(
            "completeness: complete\n",
            &format!("completeness: complete\n{text}"),
        );
        let e = errors_of("bad.yaml", &t);
        assert!(e.iter().any(|m| m.contains(want)), "{text}: {e:?}");
    }

    // The national commune NTM sets shipped apply to xã only.
    let real = catalog();
    for (id, year) in [
        ("xa-ntm-2021-2025", 2023),
        ("xa-ntm-2021-2025", 2024),
        ("xa-ntm-nang-cao-2021-2025", 2024),
        ("xa-ntm-kieu-mau-2021-2025", 2024),
        ("xa-ntm-2026-2030", 2026),
        ("xa-ntm-hien-dai-2026-2030", 2026),
    ] {
        let s = real.set_for_year(id, year).expect("set");
        assert_eq!(
            s.applies_to.as_deref(),
            Some(&["Xã".to_string()][..]),
            "{id} {year}"
        );
    }
}
