//! Tests of the criteria module: loader errors, the real data files, golden and property tests of the engine.
//!
//! This file holds the shared fixtures (the shipped files, a small confirmed set `MINI`);
//! the tests are in one file per topic.

use super::*;

pub(crate) const FILES: &[(&str, &str)] = &[
    (
        "ap-thong-minh-tra-vinh-2023.yaml",
        include_str!("../../../../../data/criteria/ap-thong-minh-tra-vinh-2023.yaml"),
    ),
    (
        "huyen-ntm-2021-2025.yaml",
        include_str!("../../../../../data/criteria/huyen-ntm-2021-2025.yaml"),
    ),
    (
        "huyen-ntm-2021-2025@2024.yaml",
        include_str!("../../../../../data/criteria/huyen-ntm-2021-2025@2024.yaml"),
    ),
    (
        "huyen-ntm-dac-thu-2021-2025.yaml",
        include_str!("../../../../../data/criteria/huyen-ntm-dac-thu-2021-2025.yaml"),
    ),
    (
        "huyen-ntm-nang-cao-2021-2025.yaml",
        include_str!("../../../../../data/criteria/huyen-ntm-nang-cao-2021-2025.yaml"),
    ),
    (
        "huyen-ntm-nang-cao-2021-2025@2024.yaml",
        include_str!("../../../../../data/criteria/huyen-ntm-nang-cao-2021-2025@2024.yaml"),
    ),
    (
        "ocop-2023.yaml",
        include_str!("../../../../../data/criteria/ocop-2023.yaml"),
    ),
    (
        "thon-thong-minh-lao-cai-2023.yaml",
        include_str!("../../../../../data/criteria/thon-thong-minh-lao-cai-2023.yaml"),
    ),
    (
        "tinh-hoan-thanh-2026-2030.yaml",
        include_str!("../../../../../data/criteria/tinh-hoan-thanh-2026-2030.yaml"),
    ),
    (
        "tinh-hoan-thanh-ntm-2021-2025.yaml",
        include_str!("../../../../../data/criteria/tinh-hoan-thanh-ntm-2021-2025.yaml"),
    ),
    (
        "xa-ntm-2021-2025.yaml",
        include_str!("../../../../../data/criteria/xa-ntm-2021-2025.yaml"),
    ),
    (
        "xa-ntm-2021-2025@2024.yaml",
        include_str!("../../../../../data/criteria/xa-ntm-2021-2025@2024.yaml"),
    ),
    (
        "xa-ntm-2026-2030.yaml",
        include_str!("../../../../../data/criteria/xa-ntm-2026-2030.yaml"),
    ),
    (
        "xa-ntm-hien-dai-2026-2030.yaml",
        include_str!("../../../../../data/criteria/xa-ntm-hien-dai-2026-2030.yaml"),
    ),
    (
        "xa-ntm-kieu-mau-2021-2025.yaml",
        include_str!("../../../../../data/criteria/xa-ntm-kieu-mau-2021-2025.yaml"),
    ),
    (
        "xa-ntm-nang-cao-2021-2025.yaml",
        include_str!("../../../../../data/criteria/xa-ntm-nang-cao-2021-2025.yaml"),
    ),
    (
        "xa-ntm-nang-cao-2021-2025@2024.yaml",
        include_str!("../../../../../data/criteria/xa-ntm-nang-cao-2021-2025@2024.yaml"),
    ),
    (
        "xa-ntm-thong-minh-tra-vinh-2023.yaml",
        include_str!("../../../../../data/criteria/xa-ntm-thong-minh-tra-vinh-2023.yaml"),
    ),
];
use std::collections::BTreeMap;

use proptest::prelude::*;
use time::macros::date;

use crate::units::{Level, Region};

mod engine;
mod loader;
mod ocop;
mod props;
mod real_files;
mod resolving;
mod rollups;
mod sourced;
mod speed;
mod values;

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
