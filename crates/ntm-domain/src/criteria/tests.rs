//! Tests of the criteria module.

use super::*;

const FILES: &[(&str, &str)] = &[
    ("ap-thong-minh-tra-vinh-2023.yaml", include_str!("../../../../data/criteria/ap-thong-minh-tra-vinh-2023.yaml")),
    ("huyen-ntm-2021-2025.yaml", include_str!("../../../../data/criteria/huyen-ntm-2021-2025.yaml")),
    ("huyen-ntm-2021-2025@2024.yaml", include_str!("../../../../data/criteria/huyen-ntm-2021-2025@2024.yaml")),
    ("huyen-ntm-dac-thu-2021-2025.yaml", include_str!("../../../../data/criteria/huyen-ntm-dac-thu-2021-2025.yaml")),
    ("huyen-ntm-nang-cao-2021-2025.yaml", include_str!("../../../../data/criteria/huyen-ntm-nang-cao-2021-2025.yaml")),
    ("huyen-ntm-nang-cao-2021-2025@2024.yaml", include_str!("../../../../data/criteria/huyen-ntm-nang-cao-2021-2025@2024.yaml")),
    ("ocop-2023.yaml", include_str!("../../../../data/criteria/ocop-2023.yaml")),
    ("thon-thong-minh-lao-cai-2023.yaml", include_str!("../../../../data/criteria/thon-thong-minh-lao-cai-2023.yaml")),
    ("tinh-hoan-thanh-2026-2030.yaml", include_str!("../../../../data/criteria/tinh-hoan-thanh-2026-2030.yaml")),
    ("tinh-hoan-thanh-ntm-2021-2025.yaml", include_str!("../../../../data/criteria/tinh-hoan-thanh-ntm-2021-2025.yaml")),
    ("xa-ntm-2021-2025.yaml", include_str!("../../../../data/criteria/xa-ntm-2021-2025.yaml")),
    ("xa-ntm-2021-2025@2024.yaml", include_str!("../../../../data/criteria/xa-ntm-2021-2025@2024.yaml")),
    ("xa-ntm-2026-2030.yaml", include_str!("../../../../data/criteria/xa-ntm-2026-2030.yaml")),
    ("xa-ntm-hien-dai-2026-2030.yaml", include_str!("../../../../data/criteria/xa-ntm-hien-dai-2026-2030.yaml")),
    ("xa-ntm-kieu-mau-2021-2025.yaml", include_str!("../../../../data/criteria/xa-ntm-kieu-mau-2021-2025.yaml")),
    ("xa-ntm-nang-cao-2021-2025.yaml", include_str!("../../../../data/criteria/xa-ntm-nang-cao-2021-2025.yaml")),
    ("xa-ntm-nang-cao-2021-2025@2024.yaml", include_str!("../../../../data/criteria/xa-ntm-nang-cao-2021-2025@2024.yaml")),
    ("xa-ntm-thong-minh-tra-vinh-2023.yaml", include_str!("../../../../data/criteria/xa-ntm-thong-minh-tra-vinh-2023.yaml")),
];

#[test]
fn every_data_file_loads() {
    let mut sets = Vec::new();
    let mut errors = Vec::new();
    for (name, text) in FILES {
        match parse_file(name, text) {
            Ok(CriteriaFile::Set(s)) => sets.push(s),
            Ok(CriteriaFile::Ocop(_)) => {}
            Err(e) => errors.extend(e),
        }
    }
    for e in &errors {
        eprintln!("{e}");
    }
    assert!(errors.is_empty());
    if let Err(e) = resolve(sets) {
        for e in &e {
            eprintln!("{e}");
        }
        panic!("resolve failed");
    }
}
