//! The values added from the research notes of December 2026
//! (`../shared/criteria/sourced-values-2026-12.md`, mapping in `data/criteria/README.md`) and
//! the English titles: what is confirmed and what still needs verification.

use super::*;
use super::{FILES, catalog};
use crate::units::Region;

/// Reasons that keep a threshold unconfirmed because of its provenance or absence.
const UNCONFIRMED: [Caveats; 5] = [
    Caveats::THRESHOLD_MISSING,
    Caveats::RECALLED,
    Caveats::INFERRED,
    Caveats::SECONDARY,
    Caveats::UNCERTAIN,
];

fn reasons(set: &ResolvedSet, code: &str, region: Region) -> (Option<Threshold>, Caveats) {
    let i = set
        .indicator_index(code)
        .unwrap_or_else(|| panic!("{code}"));
    let (t, c) = set.threshold_for(i, Some(region), None);
    (t.cloned(), c)
}

fn confirmed(c: Caveats) -> bool {
    !UNCONFIRMED.iter().any(|u| c.contains(*u))
}

fn num(t: &Option<Threshold>) -> Option<(Op, f64)> {
    match t {
        Some(Threshold {
            op,
            value: ThresholdValue::Num(v),
            ..
        }) => Some((*op, *v)),
        _ => None,
    }
}

#[test]
fn every_shipped_set_has_an_english_title() {
    let cat = catalog();
    for s in cat.sets() {
        let en = s
            .title_en
            .as_deref()
            .unwrap_or_else(|| panic!("{}", s.file));
        assert!(!en.is_empty() && en != s.title_vi, "{}", s.file);
    }
    let ocop = FILES
        .iter()
        .find_map(|(n, t)| parse_ocop(n, t).ok())
        .expect("ocop");
    assert!(ocop.title_en.is_some_and(|t| t.contains("OCOP")));
    let x = cat.set_for_year("xa-ntm-2021-2025", 2022).expect("set");
    assert_eq!(
        x.title_en.as_deref(),
        Some("National criteria for new-countryside communes, 2021–2025")
    );
}

#[test]
fn a_bad_english_title_is_refused_with_its_line() {
    let base = "format: ntm-criteria/1\nkind: criteria_set\nid: t\nversion: \"1\"\nlevel: commune\ntitle_vi: \"Bộ\"\nTITLE\nvalid_from: 2022\ncompleteness: skeleton\ncriteria: []\n";
    for (bad, why) in [
        ("title_en: \"  \"", "one line of text"),
        ("title_en: {a: 1}", "expected text"),
        ("title_en: [x]", "expected text"),
    ] {
        let text = base.replace("TITLE", bad);
        let errs = match parse_set("t.yaml", &text) {
            Ok(_) => panic!("accepted {bad}"),
            Err(e) => e.iter().map(ToString::to_string).collect::<Vec<_>>(),
        };
        assert!(
            errs.iter()
                .any(|e| e.starts_with("t.yaml:7: title_en") && e.contains(why)),
            "{bad}: {errs:?}"
        );
    }
    let ok = base.replace("TITLE", "title_en: \"Test set\"");
    assert_eq!(
        parse_set("t.yaml", &ok).map(|s| s.title_en),
        Ok(Some("Test set".into()))
    );
}

#[test]
fn commune_values_of_the_december_2026_notes() {
    let cat = catalog();
    let x = cat.set_for_year("xa-ntm-2021-2025", 2023).expect("set");
    // Official guidance (confidence high): confirmed.
    for code in ["7.1", "7.2", "8.1"] {
        let (t, c) = reasons(x, code, Region::DBSCL);
        assert!(t.is_some() && confirmed(c), "{code}: {c}");
    }
    assert!(
        x.indicator_index("7").is_none(),
        "criterion 7 is now 7.1 or 7.2"
    );
    let c7 = x.criteria.iter().find(|c| c.number == 7).expect("7");
    assert_eq!(c7.pass, Pass::Any);
    // Secondary sources (medium): a value, still to verify.
    let (t, c) = reasons(x, "6.3", Region::TDMNPB);
    assert_eq!(num(&t), Some((Op::Ge, 100.0)));
    assert!(c.contains(Caveats::SECONDARY), "{c}");
    let (t, c) = reasons(x, "9.2", Region::DBSCL);
    assert_eq!(num(&t), Some((Op::Ge, 85.0)));
    assert!(c.contains(Caveats::SECONDARY) && c.contains(Caveats::UNCERTAIN));
    assert!(
        reasons(x, "9.2", Region::DBSH)
            .1
            .contains(Caveats::THRESHOLD_MISSING)
    );
    assert!(
        reasons(x, "9.1", Region::BTB)
            .1
            .contains(Caveats::SECONDARY)
    );
    // Inferred from a district report (low): a value, still to verify.
    let (t, c) = reasons(x, "11", Region::BTB);
    assert_eq!(num(&t), Some((Op::Le, 6.5)));
    assert!(c.contains(Caveats::INFERRED));
    let (t, c) = reasons(x, "11", Region::TDMNPB);
    assert_eq!(num(&t), Some((Op::Le, 13.0)));
    assert!(c.contains(Caveats::INFERRED));
    assert!(
        reasons(x, "11", Region::DBSCL)
            .1
            .contains(Caveats::THRESHOLD_MISSING)
    );
}

#[test]
fn advanced_model_and_district_values_of_the_december_2026_notes() {
    let cat = catalog();
    // Nâng cao 4.2 from QĐ 1327/QĐ-BCT (2024): uncertain in 2022, confirmed in the 2024 version
    // (which still carries the pending QĐ 211 amendment).
    let n22 = cat
        .set_for_year("xa-ntm-nang-cao-2021-2025", 2023)
        .expect("2022");
    let n24 = cat
        .set_for_year("xa-ntm-nang-cao-2021-2025", 2024)
        .expect("2024");
    for (r, v) in [
        (Region::DBSH, 100.0),
        (Region::DNB, 100.0),
        (Region::BTB, 99.0),
        (Region::DHNTB, 99.0),
        (Region::DBSCL, 99.0),
        (Region::TDMNPB, 98.0),
        (Region::TN, 98.0),
    ] {
        let (t, c) = reasons(n22, "4.2", r);
        assert_eq!(num(&t), Some((Op::Ge, v)), "{r:?}");
        assert!(c.contains(Caveats::UNCERTAIN));
        let (t, c) = reasons(n24, "4.2", r);
        assert_eq!(num(&t), Some((Op::Ge, v)), "{r:?}");
        assert!(confirmed(c), "{r:?}: {c}");
        assert!(c.contains(Caveats::AMENDMENT_PENDING));
    }
    assert!(confirmed(reasons(n24, "4.1", Region::DBSCL).1));
    let (t, c) = reasons(n22, "11", Region::BTB);
    assert_eq!(num(&t), Some((Op::Le, 4.0)));
    assert!(c.contains(Caveats::INFERRED));
    // Kiểu mẫu condition 2: the legal wording settles the reference; confirmed.
    let km = cat
        .set_for_year("xa-ntm-kieu-mau-2021-2025", 2023)
        .expect("km");
    let (t, c) = reasons(km, "2", Region::DBSCL);
    assert_eq!(num(&t), Some((Op::Ge, 1.1)));
    assert!(confirmed(c), "{c}");
    // Huyện: the bus station is 2.4 (QĐ 932/QĐ-BGTVT), confirmed; there is no 2.3 any more.
    let h = cat
        .set_for_year("huyen-ntm-2021-2025", 2023)
        .expect("huyện");
    assert!(h.indicator_index("2.3").is_none());
    let i = h.indicator_index("2.4").expect("2.4");
    assert!(
        h.indicators[i]
            .name_vi
            .as_deref()
            .is_some_and(|n| n.starts_with("Bến xe khách"))
    );
    for code in ["2.1", "2.2", "2.4"] {
        assert!(confirmed(reasons(h, code, Region::DBSCL).1), "{code}");
    }
}
