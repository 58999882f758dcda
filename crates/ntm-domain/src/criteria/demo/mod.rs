//! Deterministic **sample** observations for the demo: the 85 xã of tỉnh Trà Vinh (code 84,
//! unit list of 7 May 2023), years 2021–2024, written so that the engine reproduces the
//! province's published results (`../shared/data/published-figures.md`, Trà Vinh section):
//!
//! | year of data | xã NTM | xã NTM nâng cao | xã NTM kiểu mẫu |
//! |---|---|---|---|
//! | 2021 | 82 | 27 | not published (no sample values) |
//! | 2022 | 85 | 38 | 2 |
//! | 2023 | 85 | 40 | 4 |
//! | 2024 | not published: the 2023 values are carried forward ([`SampleObservation::carried_forward_from`]) | | |
//!
//! Every value is **sample data, not an official figure**: each [`SampleObservation`] carries
//! [`SAMPLE_NOTE`], and whoever shows or stores them must show that label.
//!
//! ## What "meeting" means here ([`counts_as_meeting`])
//!
//! Most thresholds of the 2021–2025 commune sets are recalled, uncertain or missing in the data
//! files, and the xã NTM set is only partly captured, so the engine never says "met" outright:
//! every outcome is "needs verification". For the demo a commune **counts as meeting a set**
//! when, in its evaluation,
//!
//! - no indicator is *not met*, definitively or tentatively (on a threshold still to verify),
//! - no indicator is *missing* a value,
//! - every other indicator is met, or needs verification with a tentative pass or with no
//!   threshold to compare with (`Tentative::Unknown`),
//! - indicators derived from another set (`meets_set`: "là xã NTM nâng cao") and the set's
//!   `prerequisites` count as met when the unit counts as meeting that other set.
//!
//! A commune that does not meet a set misses it on 3–6 indicators that have a recorded
//! threshold (xã NTM), on one indicator with a threshold (NTM nâng cao: 8.4, and 4.1, 4.2 and
//! 11 since the December 2026 data), or on
//! two of conditions 2–4 (kiểu mẫu: income ratio, smart hamlets, outstanding field).
//!
//! ## Which communes
//!
//! Named in the sources and matched by name in the unit list (diacritics ignored):
//! NTM in 2021 Đôn Châu, Long Sơn, An Quảng Hữu, Thanh Sơn, Tân Hiệp, Đôn Xuân, Trường Thọ;
//! NTM nâng cao for 2021 Tân Bình, Đại Phước, Đức Mỹ, Đông Hải, Đại An, Ngọc Biên; for 2022
//! Hưng Mỹ, Hòa Minh, Lương Hòa A, Trường Long Hòa, Long Hữu, Hòa Tân, Châu Điền, Mỹ Cẩm,
//! Phương Thạnh; for 2023 Phong Thạnh, Hòa Ân; kiểu mẫu for 2022 An Trường, An Phú Tân (they
//! count as nâng cao from 2022, making 27 + 9 + 2 = 38), for 2023 Thạnh Phú (counted as nâng
//! cao from 2021: the sources do not say when). Vĩnh Kim (reported NTM nâng cao for 2023
//! separately, "may or may not be in the 40") is kept out so that the total is 40.
//!
//! Not named, chosen deterministically: the 3 xã not NTM in 2021 are the first unnamed xã (by
//! code) of each district not yet NTM then (huyện Cầu Ngang 848, Trà Cú 849, huyện Duyên Hải
//! 850); the other nâng cao communes are unnamed xã outside those three districts, those of
//! Tiểu Cần (846) and Cầu Kè (845) first (both districts were recognised NTM nâng cao for
//! 2023), then by code; the 4th kiểu mẫu commune of 2023 is the first unnamed nâng cao commune
//! in the same order. (Trà Cú keeps exactly its 2 nâng cao xã, Đại An and Ngọc Biên, as the
//! 2024 decision on Trà Cú reports.)
//!
//! ## 2021
//!
//! The sets of QĐ 318/319 took effect on 8 March 2022; the 2021 recognitions were assessed
//! under the 2016–2020 set, which is not in the catalogue. The 2021 sample values use the
//! indicator codes of the first version of the 2021–2025 sets, and [`evaluate_sample`]
//! evaluates them against that version ([`sample_set`], [`evaluation_year`]).
//!
//! Files: `mod.rs` the constants, communes, published figures and [`counts_as_meeting`];
//! `standing.rs` which commune meets which set each year; `values.rs` the sample values;
//! `sample.rs` [`tra_vinh_sample`] and [`evaluate_sample`].
//!
//! Pure and deterministic: values are derived from the commune code, the indicator code and the
//! year with a fixed hash and a small SplitMix64 generator (no clock, no randomness).

use std::collections::BTreeSet;
use std::fmt;

use crate::units::{Level, Region, UnitRow};

use super::eval::{EvalError, ObsError, Outcome, Status, Tentative, UnitEvaluation};
use super::model::Measure;
use super::resolve::{Catalog, LookupError, ResolvedSet};
use super::value::Value;

mod sample;
mod standing;
mod values;

#[cfg(test)]
mod tests;

pub use sample::{CommuneStanding, SampleTally, evaluate_sample, tra_vinh_sample};

/// The label every sample value carries.
pub const SAMPLE_NOTE: &str = "Dữ liệu mẫu (demo) — không phải số liệu chính thức";

/// Province code of Trà Vinh (before 1 July 2025).
pub const TRA_VINH: &str = "84";

/// The xã NTM set the sample is written for.
pub const NTM_SET: &str = "xa-ntm-2021-2025";

/// The xã NTM nâng cao set.
pub const ADVANCED_SET: &str = "xa-ntm-nang-cao-2021-2025";

/// The xã NTM kiểu mẫu conditions.
pub const MODEL_SET: &str = "xa-ntm-kieu-mau-2021-2025";

/// Years with sample values.
pub const YEARS: std::ops::RangeInclusive<i32> = 2021..=2024;

/// The published figures count out of 85 xã.
pub const XA_COUNT: usize = 85;

/// One xã given to the generator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCommune {
    pub code: String,
    pub name: String,
    pub district_code: String,
    /// Socio-economic region of the province (`data/admin-units/regions.csv`: DBSCL).
    pub region: Option<Region>,
}

/// The xã (level commune, kind "Xã") of Trà Vinh in a unit list (the 2023 list), by code.
pub fn tra_vinh_communes(rows: &[UnitRow], region: Option<Region>) -> Vec<DemoCommune> {
    let districts: BTreeSet<&str> = rows
        .iter()
        .filter(|r| r.level == Level::District && r.parent_code.as_deref() == Some(TRA_VINH))
        .map(|r| r.code.as_str())
        .collect();
    let mut out: Vec<DemoCommune> = rows
        .iter()
        .filter(|r| r.level == Level::Commune && r.kind == "Xã")
        .filter_map(|r| {
            let d = r.parent_code.as_deref()?;
            districts.contains(d).then(|| DemoCommune {
                code: r.code.clone(),
                name: r.name.clone(),
                district_code: d.to_string(),
                region,
            })
        })
        .collect();
    out.sort_by(|a, b| a.code.cmp(&b.code));
    out
}

/// One sample value.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleObservation {
    pub unit_code: String,
    pub set_id: &'static str,
    /// The version of the set the value is written for ([`sample_set`]).
    pub set_version: String,
    pub year: i32,
    pub indicator_code: String,
    pub value: Value,
    /// The value as a person would type it (vi-VN: `96,5 %`, `Có`); reads back with
    /// `Observations::set_text`.
    pub value_text: String,
    /// Always [`SAMPLE_NOTE`].
    pub note: &'static str,
    /// 2024: no figures were published; the values are those of this year.
    pub carried_forward_from: Option<i32>,
}

/// The published totals a year's sample reproduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublishedFigures {
    pub year: i32,
    pub xa: u32,
    pub ntm: u32,
    pub advanced: u32,
    /// None: not published for that year.
    pub model: Option<u32>,
    /// 2024: nothing published; the figures of this year are carried forward.
    pub carried_forward_from: Option<i32>,
    pub source: &'static str,
}

/// Trà Vinh's published totals for a year of data (2021–2024).
pub fn published_figures(year: i32) -> Option<PublishedFigures> {
    let f = |year, ntm, advanced, model, carried_forward_from, source| PublishedFigures {
        year,
        xa: XA_COUNT as u32,
        ntm,
        advanced,
        model,
        carried_forward_from,
        source,
    };
    match year {
        2021 => Some(f(
            2021,
            82,
            27,
            None,
            None,
            "https://nongthonmoi.travinh.gov.vn/tra-vinh-co-them-02-xa-duoc-cong-nhan-dat-chuan-nong-thon-moi-nam-2021/",
        )),
        2022 => Some(f(
            2022,
            85,
            38,
            Some(2),
            None,
            "https://www.travinh.gov.vn/1426/37932/65519/688111/tin-noi-bat/them-9-xa-nong-thon-moi-nang-cao-va-2-xa-nong-thon-moi-kieu-mau",
        )),
        2023 => Some(f(
            2023,
            85,
            40,
            Some(4),
            None,
            "https://travinh.gov.vn/xay-dung-nong-thon-moi/tra-vinh-cong-nhan-them-3-xa-dat-chuan-nong-thon-moi-nang-cao-va-kieu-mau-706384",
        )),
        2024 => Some(f(
            2024,
            85,
            40,
            Some(4),
            Some(2023),
            "not published; 2023 carried forward",
        )),
        _ => None,
    }
}

/// Why the sample could not be built or evaluated.
#[derive(Debug, Clone, PartialEq)]
pub enum DemoError {
    YearNotCovered {
        year: i32,
    },
    CommuneCount {
        expected: usize,
        found: usize,
    },
    /// The named and chosen communes do not add up to the published totals.
    Inconsistent(String),
    Set(LookupError),
    Eval(EvalError),
    Observation(ObsError),
}

impl fmt::Display for DemoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DemoError::YearNotCovered { year } => {
                write!(f, "the Trà Vinh sample covers 2021–2024, not {year}")
            }
            DemoError::CommuneCount { expected, found } => write!(
                f,
                "the published figures count {expected} xã; {found} were given"
            ),
            DemoError::Inconsistent(m) => write!(f, "sample plan: {m}"),
            DemoError::Set(e) => write!(f, "{e}"),
            DemoError::Eval(e) => write!(f, "{e}"),
            DemoError::Observation(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for DemoError {}

/// The version of `id` the sample of `year` is written for and evaluated with: the version
/// for the year, or the first version for a year before it (2021).
pub fn sample_set<'a>(
    catalog: &'a Catalog,
    id: &str,
    year: i32,
) -> Result<&'a ResolvedSet, DemoError> {
    match catalog.set_for_year(id, year) {
        Ok(s) => Ok(s),
        Err(e) => catalog
            .versions(id)
            .min_by_key(|s| s.valid_from)
            .filter(|s| year < s.valid_from.year())
            .ok_or(DemoError::Set(e)),
    }
}

/// The year passed to [`evaluate_unit`] for a year of data: the year itself, or the first
/// year the set is in force (2021 data → 2022).
pub fn evaluation_year(set: &ResolvedSet, year: i32) -> i32 {
    year.max(set.valid_from.year())
}

/// The demo's rule (module docs): no indicator not met (even tentatively), none missing;
/// `meets_set` indicators and prerequisites count as met when the unit meets that set, which
/// `sets_met` lists (by id).
pub fn counts_as_meeting(set: &ResolvedSet, e: &UnitEvaluation, sets_met: &[&str]) -> bool {
    if !e.is_for(set) || e.status == Status::NotMet || e.status == Status::Missing {
        return false;
    }
    if !set
        .prerequisites
        .iter()
        .all(|p| sets_met.contains(&p.as_str()))
    {
        return false;
    }
    e.indicators.iter().enumerate().all(|(i, o)| {
        let ind = &set.indicators[i];
        if let Some(d) = ind
            .derived
            .as_ref()
            .filter(|d| d.measure == Measure::MeetsSet)
        {
            return d.set.as_deref().is_some_and(|s| sets_met.contains(&s));
        }
        matches!(
            o,
            Outcome::Met
                | Outcome::NeedsVerification {
                    tentative: Tentative::Met | Tentative::Unknown,
                    ..
                }
        )
    })
}
