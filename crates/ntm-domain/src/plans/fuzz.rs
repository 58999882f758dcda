//! Fuzzing of the parsers of outside input in this crate (issue 14, part 5), bounded by a
//! fixed number of cases: criteria-set YAML, plan and measure YAML, unit-list, mapping and
//! region CSV. Each case is a real shipped file cut, spliced and sprinkled with random
//! bytes, or plain random text. The property: the parser returns (a value or a list of
//! errors, each naming where), and never panics.

use std::sync::LazyLock;

use ntm_testkit::fuzz::input;
use proptest::prelude::*;

use super::tests::{CRITERIA, MEASURES, PLANS, catalog, measures};
use super::{MeasureDef, parse_measures, parse_plan};
use crate::criteria::{Catalog, parse_file};
use crate::snapshot::{parse_mapping_csv, parse_regions_csv, parse_units_csv};

/// Cases per parser: every case is checked, and the whole module runs in seconds.
const CASES: u32 = 192;

static CATALOG: LazyLock<Catalog> = LazyLock::new(catalog);
static MEASURE_DEFS: LazyLock<Vec<MeasureDef>> = LazyLock::new(measures);

/// The first lines of the official unit lists and tables (enough rows of each shape).
fn head(text: &str, lines: usize) -> String {
    text.lines().take(lines).collect::<Vec<_>>().join("\n")
}
static UNITS: LazyLock<String> = LazyLock::new(|| {
    head(
        include_str!("../../../../data/admin-units/units-2025.csv"),
        60,
    )
});
static MAPPING: LazyLock<String> = LazyLock::new(|| {
    head(
        include_str!("../../../../data/admin-units/mapping-2025.csv"),
        60,
    )
});
static REGIONS: LazyLock<String> =
    LazyLock::new(|| head(include_str!("../../../../data/admin-units/regions.csv"), 60));

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn seeds(files: &[(&str, &str)]) -> Vec<Vec<u8>> {
    files.iter().map(|(_, t)| t.as_bytes().to_vec()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: CASES, ..ProptestConfig::default() })]

    #[test]
    fn criteria_yaml_never_panics(b in input(seeds(CRITERIA))) {
        if let Err(errors) = parse_file("fuzz.yaml", &text(&b)) {
            prop_assert!(!errors.is_empty());
            prop_assert!(errors.iter().all(|e| !e.to_string().is_empty()));
        }
    }

    #[test]
    fn plan_yaml_never_panics(b in input(seeds(PLANS))) {
        if let Err(errors) = parse_plan("fuzz.yaml", &text(&b), &MEASURE_DEFS, &CATALOG) {
            prop_assert!(!errors.is_empty());
            prop_assert!(errors.iter().all(|e| e.to_string().contains("fuzz.yaml")));
        }
    }

    #[test]
    fn measures_yaml_never_panics(b in input(vec![MEASURES.as_bytes().to_vec()])) {
        if let Err(errors) = parse_measures("fuzz.yaml", &text(&b)) {
            prop_assert!(!errors.is_empty());
        }
    }

    #[test]
    fn unit_list_csv_never_panics(b in input(vec![UNITS.as_bytes().to_vec()])) {
        if let Err(errors) = parse_units_csv(&b) {
            prop_assert!(!errors.is_empty());
        }
    }

    #[test]
    fn mapping_csv_never_panics(b in input(vec![MAPPING.as_bytes().to_vec()])) {
        if let Err(errors) = parse_mapping_csv(&b) {
            prop_assert!(!errors.is_empty());
        }
    }

    #[test]
    fn regions_csv_never_panics(b in input(vec![REGIONS.as_bytes().to_vec()])) {
        if let Err(errors) = parse_regions_csv(&b) {
            prop_assert!(!errors.is_empty());
        }
    }
}
