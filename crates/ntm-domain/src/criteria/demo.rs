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
//! Pure and deterministic: values are derived from the commune code, the indicator code and the
//! year with a fixed hash and a small SplitMix64 generator (no clock, no randomness).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::text::{format_number_vi, search_key};
use crate::units::{Level, Region, UnitRow};

use super::eval::{
    EvalError, ObsError, Observations, Outcome, Status, Tentative, UnitCtx, UnitEvaluation,
    evaluate_unit,
};
use super::model::{Measure, Op, ThresholdValue, ValueKind};
use super::resolve::{Catalog, LookupError, ResolvedSet};
use super::value::Value;

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

/// What the planned standing of a commune is: first year counted NTM / nâng cao / kiểu mẫu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Standing {
    ntm_from: i32,
    advanced_from: Option<i32>,
    model_from: Option<i32>,
}

impl Standing {
    fn ntm(&self, y: i32) -> bool {
        y >= self.ntm_from
    }
    fn advanced(&self, y: i32) -> bool {
        self.advanced_from.is_some_and(|f| y >= f)
    }
    fn model(&self, y: i32) -> bool {
        self.model_from.is_some_and(|f| y >= f)
    }
}

const NTM_2021_NAMED: &[&str] = &[
    "Đôn Châu",
    "Long Sơn",
    "An Quảng Hữu",
    "Thanh Sơn",
    "Tân Hiệp",
    "Đôn Xuân",
    "Trường Thọ",
];
const ADVANCED_2021_NAMED: &[&str] = &[
    "Tân Bình",
    "Đại Phước",
    "Đức Mỹ",
    "Đông Hải",
    "Đại An",
    "Ngọc Biên",
    // Kiểu mẫu for 2023; the year it became nâng cao is not reported.
    "Thạnh Phú",
];
const ADVANCED_2022_NAMED: &[&str] = &[
    "Hưng Mỹ",
    "Hòa Minh",
    "Lương Hòa A",
    "Trường Long Hòa",
    "Long Hữu",
    "Hòa Tân",
    "Châu Điền",
    "Mỹ Cẩm",
    "Phương Thạnh",
    "An Trường",
    "An Phú Tân",
];
const ADVANCED_2023_NAMED: &[&str] = &["Phong Thạnh", "Hòa Ân"];
const MODEL_2022_NAMED: &[&str] = &["An Trường", "An Phú Tân"];
const MODEL_2023_NAMED: &[&str] = &["Thạnh Phú"];
/// Named in the sources but kept out of the totals (module docs).
const OTHER_NAMED: &[&str] = &["Vĩnh Kim"];
/// Districts not NTM in 2021: Cầu Ngang, Trà Cú, huyện Duyên Hải.
const LATE_DISTRICTS: &[&str] = &["848", "849", "850"];
/// Districts recognised NTM nâng cao for 2023: Cầu Kè, Tiểu Cần.
const ADVANCED_DISTRICTS: &[&str] = &["845", "846"];

fn name_key(name: &str) -> String {
    let k = search_key(name);
    k.strip_prefix("xa ").map(str::to_string).unwrap_or(k)
}

fn plan(communes: &[DemoCommune]) -> Result<Vec<Standing>, DemoError> {
    if communes.len() != XA_COUNT {
        return Err(DemoError::CommuneCount {
            expected: XA_COUNT,
            found: communes.len(),
        });
    }
    let mut order: Vec<usize> = (0..communes.len()).collect();
    order.sort_by(|&a, &b| communes[a].code.cmp(&communes[b].code));
    let by_key: BTreeMap<String, usize> = communes
        .iter()
        .enumerate()
        .map(|(i, c)| (name_key(&c.name), i))
        .collect();
    let find = |names: &[&str]| -> Vec<usize> {
        names
            .iter()
            .filter_map(|n| by_key.get(&name_key(n)).copied())
            .collect()
    };
    let named: BTreeSet<usize> = [
        NTM_2021_NAMED,
        ADVANCED_2021_NAMED,
        ADVANCED_2022_NAMED,
        ADVANCED_2023_NAMED,
        MODEL_2022_NAMED,
        MODEL_2023_NAMED,
        OTHER_NAMED,
    ]
    .iter()
    .flat_map(|l| find(l))
    .collect();
    let late = |i: usize| LATE_DISTRICTS.contains(&communes[i].district_code.as_str());
    // Unnamed xã outside the late districts: Tiểu Cần and Cầu Kè first, then by code.
    let mut pool: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| !named.contains(&i) && !late(i))
        .collect();
    pool.sort_by_key(|&i| {
        (
            !ADVANCED_DISTRICTS.contains(&communes[i].district_code.as_str()),
            communes[i].code.clone(),
        )
    });

    let mut st = vec![
        Standing {
            ntm_from: 2021,
            advanced_from: None,
            model_from: None,
        };
        communes.len()
    ];
    // Not NTM in 2021: the first unnamed xã of each late district.
    let mut not_ntm = 0;
    for d in LATE_DISTRICTS {
        if let Some(&i) = order
            .iter()
            .find(|&&i| communes[i].district_code == *d && !named.contains(&i))
        {
            st[i].ntm_from = 2022;
            not_ntm += 1;
        }
    }
    let want_not_ntm = XA_COUNT - 82;
    if not_ntm != want_not_ntm {
        return Err(DemoError::Inconsistent(format!(
            "{not_ntm} xã not NTM in 2021 instead of {want_not_ntm}"
        )));
    }

    let mut pool_it = pool.iter().copied();
    let mut fill = |st: &mut [Standing], year: i32, named: &[&str], target: usize| {
        for i in find(named) {
            if st[i].advanced_from.is_none() {
                st[i].advanced_from = Some(year);
            }
        }
        while st.iter().filter(|s| s.advanced(year)).count() < target {
            match pool_it.next() {
                Some(i) if st[i].advanced_from.is_none() => st[i].advanced_from = Some(year),
                Some(_) => {}
                None => return Err(DemoError::Inconsistent("not enough xã".into())),
            }
        }
        let n = st.iter().filter(|s| s.advanced(year)).count();
        if n == target {
            Ok(())
        } else {
            Err(DemoError::Inconsistent(format!(
                "{n} xã NTM nâng cao in {year} instead of {target}"
            )))
        }
    };
    fill(&mut st, 2021, ADVANCED_2021_NAMED, 27)?;
    fill(&mut st, 2022, ADVANCED_2022_NAMED, 38)?;
    fill(&mut st, 2023, ADVANCED_2023_NAMED, 40)?;

    for (year, names, target) in [(2022, MODEL_2022_NAMED, 2), (2023, MODEL_2023_NAMED, 4)] {
        for i in find(names) {
            if st[i].model_from.is_none() {
                st[i].model_from = Some(year);
            }
        }
        for &i in &pool {
            if st.iter().filter(|s| s.model(year)).count() >= target {
                break;
            }
            if st[i].model_from.is_none() && st[i].advanced(year) && !named.contains(&i) {
                st[i].model_from = Some(year);
            }
        }
        let n = st.iter().filter(|s| s.model(year)).count();
        if n != target {
            return Err(DemoError::Inconsistent(format!(
                "{n} xã NTM kiểu mẫu in {year} instead of {target}"
            )));
        }
    }
    if st.iter().any(|s| {
        s.advanced_from.is_some_and(|a| a < s.ntm_from)
            || s.model_from
                .is_some_and(|m| s.advanced_from.is_none_or(|a| m < a))
    }) {
        return Err(DemoError::Inconsistent(
            "a level before its prerequisite".into(),
        ));
    }
    Ok(st)
}

/// FNV-1a of the parts, then SplitMix64 steps.
struct Rng(u64);

impl Rng {
    fn new(parts: &[&str]) -> Rng {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for p in parts {
            for b in p.bytes().chain([0xff]) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        Rng(h)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A range of plausible values `(low, high)`.
type Span = (f64, f64);

/// Realistic ranges (good, weak) for indicators without a usable threshold, by code of the
/// xã NTM set (for 11, poverty, lower is better). Income grows by year.
fn plausible(code: &str) -> Option<(Span, Span)> {
    let r = |g: Span, w: Span| Some((g, w));
    match code {
        "2.2" | "2.3" | "2.4" => r((88.0, 100.0), (65.0, 85.0)),
        "4.2" => r((98.0, 100.0), (92.0, 97.5)),
        "5" => r((70.0, 100.0), (40.0, 65.0)),
        "9.2" => r((82.0, 97.0), (65.0, 80.0)),
        "10" => r((48.0, 62.0), (36.0, 45.0)),
        "11" => r((0.6, 3.8), (4.5, 9.0)),
        "12.1" => r((66.0, 82.0), (52.0, 63.0)),
        "12.2" => r((26.0, 40.0), (15.0, 24.0)),
        "14.2" => r((86.0, 98.0), (70.0, 84.0)),
        "15.1" => r((91.0, 98.5), (80.0, 89.0)),
        "15.4" => r((52.0, 85.0), (25.0, 48.0)),
        "17.1" => r((45.0, 80.0), (28.0, 42.0)),
        "17.2" | "17.11" => r((90.0, 100.0), (70.0, 88.0)),
        "17.7" => r((80.0, 96.0), (58.0, 76.0)),
        "17.8" => r((72.0, 95.0), (50.0, 68.0)),
        "17.10" => r((32.0, 60.0), (10.0, 28.0)),
        _ => None,
    }
}

fn round_to(x: f64, decimals: i32) -> f64 {
    let m = 10f64.powi(decimals);
    (x * m).round() / m
}

fn make(kind: ValueKind, x: f64) -> Value {
    match kind {
        ValueKind::Boolean => Value::Boolean(x != 0.0),
        ValueKind::Percent => Value::Percent(round_to(x.clamp(0.0, 100.0), 1)),
        ValueKind::Number => Value::Number(round_to(x, 2)),
        ValueKind::Count => Value::Count(x.max(0.0).round() as u64),
        ValueKind::Level => Value::Level(x.max(0.0).round() as u32),
    }
}

fn text_of(v: Value) -> String {
    match v {
        Value::Boolean(true) => "Có".into(),
        Value::Boolean(false) => "Không".into(),
        Value::Percent(x) => format!("{} %", format_number_vi(x, 1)),
        Value::Number(x) => format_number_vi(x, 2),
        Value::Count(n) => n.to_string(),
        Value::Level(n) => n.to_string(),
    }
}

/// A value that meets (`pass`) or misses the recorded threshold of indicator `i`, or a
/// plausible one when there is none (`good`: the commune meets the set).
fn value_for(
    set: &ResolvedSet,
    i: usize,
    region: Option<Region>,
    rng: &mut Rng,
    pass: bool,
    good: bool,
    year: i32,
) -> Value {
    let ind = &set.indicators[i];
    let kind = ind.value_kind();
    let u = rng.unit();
    let (t, _) = set.threshold_for(i, region, None);
    let whole = matches!(kind, ValueKind::Count | ValueKind::Level);
    match t.map(|t| (t.op, &t.value)) {
        Some((_, ThresholdValue::Bool(b))) => Value::Boolean(if pass { *b } else { !*b }),
        Some((Op::Ge, ThresholdValue::Num(v))) => {
            let v = *v;
            let x = match (kind, pass) {
                (ValueKind::Percent, true) if v >= 100.0 => 100.0,
                (ValueKind::Percent, true) => v + (100.0 - v) * (0.15 + 0.75 * u),
                (ValueKind::Percent, false) => (v - 3.0 - 12.0 * u).max(0.0),
                (_, true) if whole => v + (2.0 * u).floor(),
                (_, false) if whole => (v - 1.0).max(0.0),
                (_, true) => v * (1.05 + 0.45 * u),
                (_, false) => v * (0.82 + 0.15 * u),
            };
            make(kind, x)
        }
        Some((Op::Le, ThresholdValue::Num(v))) => {
            let x = if pass {
                *v * (0.4 + 0.45 * u)
            } else {
                *v + 1.0 + 5.0 * u
            };
            make(kind, x)
        }
        Some((_, ThresholdValue::Num(v))) => make(kind, if pass { *v } else { *v + 1.0 }),
        Some((_, ThresholdValue::List(l))) => {
            let top = l.iter().copied().fold(0.0, f64::max);
            make(
                kind,
                if pass {
                    l.first().copied().unwrap_or(0.0)
                } else {
                    top + 1.0
                },
            )
        }
        None => {
            let ((gl, gh), (wl, wh)) = plausible(&ind.code).unwrap_or(match kind {
                ValueKind::Percent => ((70.0, 95.0), (45.0, 68.0)),
                ValueKind::Boolean => ((1.0, 1.0), (0.0, 1.0)),
                _ => ((1.0, 5.0), (0.0, 2.0)),
            });
            let (lo, hi) = if good { (gl, gh) } else { (wl, wh) };
            let mut x = lo + (hi - lo) * u;
            if ind.code == "10" {
                // Income (million VND per person): about +6 % a year from 2021.
                x *= 1.06f64.powi(year - 2021);
            }
            if kind == ValueKind::Boolean {
                x = if u < 0.85 || good { 1.0 } else { 0.0 };
            }
            make(kind, x)
        }
    }
}

/// Sample values of one commune for one set and year: `meets` decides whether it meets the
/// set; if not, it misses `misses` indicators that have a threshold (chosen by `rng`).
fn commune_values(
    set: &ResolvedSet,
    c: &DemoCommune,
    year: i32,
    meets: bool,
    misses: usize,
) -> Vec<(usize, Value)> {
    let with_threshold: Vec<usize> = (0..set.indicators.len())
        .filter(|&i| set.indicators[i].derived.is_none())
        .filter(|&i| set.threshold_for(i, c.region, None).0.is_some())
        .collect();
    // Which indicators miss: fixed per commune and set (not per year), so a commune's
    // shortfalls stay the same until it meets the set.
    let mut pick = Rng::new(&[&c.code, &set.id, "misses"]);
    let mut missed: BTreeSet<usize> = BTreeSet::new();
    if !meets {
        let n = misses.min(with_threshold.len());
        while missed.len() < n {
            let k = (pick.next() % with_threshold.len() as u64) as usize;
            missed.insert(with_threshold[k]);
        }
    }
    let y = year.to_string();
    (0..set.indicators.len())
        .filter(|&i| set.indicators[i].derived.is_none())
        .map(|i| {
            let code = &set.indicators[i].code;
            let mut rng = Rng::new(&[&c.code, &set.id, code, &y]);
            let v = value_for(
                set,
                i,
                c.region,
                &mut rng,
                !missed.contains(&i),
                meets,
                year,
            );
            (i, v)
        })
        .collect()
}

/// The sample values of every xã of `communes` (the 85 xã of Trà Vinh, e.g. from
/// [`tra_vinh_communes`]) for `year` (2021–2024): xã NTM and NTM nâng cao values every year,
/// kiểu mẫu values from 2022 (derived indicators are left out: the engine computes them).
/// 2024 repeats the 2023 values (nothing was published for 2024).
pub fn tra_vinh_sample(
    catalog: &Catalog,
    communes: &[DemoCommune],
    year: i32,
) -> Result<Vec<SampleObservation>, DemoError> {
    if !YEARS.contains(&year) {
        return Err(DemoError::YearNotCovered { year });
    }
    let st = plan(communes)?;
    let data_year = year.min(2023);
    let carried = (year != data_year).then_some(data_year);
    let mut sets = vec![NTM_SET, ADVANCED_SET];
    if data_year >= 2022 {
        sets.push(MODEL_SET);
    }
    let mut out = Vec::new();
    for id in sets {
        let set = sample_set(catalog, id, year)?;
        for (c, s) in communes.iter().zip(&st) {
            let (meets, misses) = match id {
                NTM_SET => {
                    let h = Rng::new(&[&c.code, "n"]).next();
                    (s.ntm(data_year), 3 + (h % 4) as usize)
                }
                ADVANCED_SET => (s.advanced(data_year), 1),
                _ => (s.model(data_year), 2),
            };
            for (i, value) in commune_values(set, c, data_year, meets, misses) {
                out.push(SampleObservation {
                    unit_code: c.code.clone(),
                    set_id: id,
                    set_version: set.version.clone(),
                    year,
                    indicator_code: set.indicators[i].code.clone(),
                    value,
                    value_text: text_of(value),
                    note: SAMPLE_NOTE,
                    carried_forward_from: carried,
                });
            }
        }
    }
    Ok(out)
}

/// Result of one xã in the sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommuneStanding {
    pub code: String,
    pub ntm: bool,
    pub advanced: bool,
    /// None when there are no kiểu mẫu values (2021).
    pub model: Option<bool>,
}

/// Totals of a year, by the demo's rule ([`counts_as_meeting`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleTally {
    pub year: i32,
    pub ntm: u32,
    pub advanced: u32,
    pub model: Option<u32>,
    pub communes: Vec<CommuneStanding>,
}

/// Evaluates sample observations of `year` (read back from their text) with the engine and
/// counts the communes meeting each set by [`counts_as_meeting`].
pub fn evaluate_sample(
    catalog: &Catalog,
    communes: &[DemoCommune],
    observations: &[SampleObservation],
    year: i32,
) -> Result<SampleTally, DemoError> {
    let mut by_unit: BTreeMap<(&str, &str), Vec<&SampleObservation>> = BTreeMap::new();
    for o in observations.iter().filter(|o| o.year == year) {
        by_unit
            .entry((o.unit_code.as_str(), o.set_id))
            .or_default()
            .push(o);
    }
    let has_model = observations
        .iter()
        .any(|o| o.year == year && o.set_id == MODEL_SET);
    let ntm_set = sample_set(catalog, NTM_SET, year)?;
    let adv_set = sample_set(catalog, ADVANCED_SET, year)?;
    let model_set = if has_model {
        Some(sample_set(catalog, MODEL_SET, year)?)
    } else {
        None
    };
    let eval = |set: &ResolvedSet, c: &DemoCommune, own: Option<(&str, &UnitEvaluation)>| {
        let mut obs = Observations::new(set);
        for o in by_unit
            .get(&(c.code.as_str(), set.id.as_str()))
            .into_iter()
            .flatten()
        {
            obs.set_text(set, &o.indicator_code, &o.value_text)
                .map_err(DemoError::Observation)?;
        }
        if let Some((other, e)) = own {
            obs.supply_own(set, other, e);
        }
        evaluate_unit(
            set,
            &UnitCtx::commune(c.region),
            &obs,
            evaluation_year(set, year),
        )
        .map_err(DemoError::Eval)
    };
    let mut tally = SampleTally {
        year,
        ntm: 0,
        advanced: 0,
        model: model_set.map(|_| 0),
        communes: Vec::with_capacity(communes.len()),
    };
    for c in communes {
        let e = eval(ntm_set, c, None)?;
        let ntm = counts_as_meeting(ntm_set, &e, &[]);
        let ea = eval(adv_set, c, None)?;
        let met: Vec<&str> = if ntm { vec![NTM_SET] } else { vec![] };
        let advanced = counts_as_meeting(adv_set, &ea, &met);
        let model = match model_set {
            Some(ms) => {
                let em = eval(ms, c, Some((ADVANCED_SET, &ea)))?;
                let mut met = met.clone();
                if advanced {
                    met.push(ADVANCED_SET);
                }
                Some(counts_as_meeting(ms, &em, &met))
            }
            None => None,
        };
        tally.ntm += u32::from(ntm);
        tally.advanced += u32::from(advanced);
        if let (Some(n), Some(m)) = (tally.model.as_mut(), model) {
            *n += u32::from(m);
        }
        tally.communes.push(CommuneStanding {
            code: c.code.clone(),
            ntm,
            advanced,
            model,
        });
    }
    Ok(tally)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::load_all;
    use crate::snapshot::{parse_regions_csv, parse_units_csv};

    const FILES: &[(&str, &str)] = &[
        (
            "xa-ntm-2021-2025.yaml",
            include_str!("../../../../data/criteria/xa-ntm-2021-2025.yaml"),
        ),
        (
            "xa-ntm-2021-2025@2024.yaml",
            include_str!("../../../../data/criteria/xa-ntm-2021-2025@2024.yaml"),
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
            "xa-ntm-kieu-mau-2021-2025.yaml",
            include_str!("../../../../data/criteria/xa-ntm-kieu-mau-2021-2025.yaml"),
        ),
    ];
    const UNITS: &str = include_str!("../../../../data/admin-units/units-2023.csv");
    const REGIONS: &str = include_str!("../../../../data/admin-units/regions.csv");

    fn catalog() -> Catalog {
        load_all(FILES.iter().copied())
            .expect("criteria files load")
            .catalog
    }

    fn communes() -> Vec<DemoCommune> {
        let rows = parse_units_csv(UNITS.as_bytes()).expect("units parse");
        let regions = parse_regions_csv(REGIONS.as_bytes()).expect("regions parse");
        let region = regions.region_of(TRA_VINH, "Tỉnh Trà Vinh");
        assert_eq!(region, Some(Region::DBSCL));
        tra_vinh_communes(&rows, region)
    }

    #[test]
    fn sample_reproduces_published_figures_with_the_real_engine() {
        let cat = catalog();
        let communes = communes();
        assert_eq!(communes.len(), 85);
        let name = |code: &str| {
            communes
                .iter()
                .find(|c| c.code == code)
                .map(|c| name_key(&c.name))
                .unwrap_or_default()
        };
        let mut prev: Option<SampleTally> = None;
        for year in YEARS {
            let obs = tra_vinh_sample(&cat, &communes, year).expect("sample");
            assert!(obs.iter().all(|o| o.note == SAMPLE_NOTE && o.year == year));
            assert!(obs.iter().all(|o| o.value.check().is_ok()));
            let t = evaluate_sample(&cat, &communes, &obs, year).expect("evaluates");
            let p = published_figures(year).expect("published");
            assert_eq!(
                (t.ntm, t.advanced, t.model),
                (p.ntm, p.advanced, p.model),
                "{year}"
            );
            let advanced: BTreeSet<String> = t
                .communes
                .iter()
                .filter(|c| c.advanced)
                .map(|c| name(&c.code))
                .collect();
            for c in &t.communes {
                assert!(!c.advanced || c.ntm, "{year} {}", c.code);
                assert!(!c.model.unwrap_or(false) || c.advanced, "{year} {}", c.code);
            }
            let named_adv: &[&str] = match year {
                2021 => ADVANCED_2021_NAMED,
                2022 => ADVANCED_2022_NAMED,
                _ => ADVANCED_2023_NAMED,
            };
            for n in named_adv {
                assert!(advanced.contains(&name_key(n)), "{year} {n}");
            }
            assert!(!advanced.contains(&name_key("Vĩnh Kim")));
            if year == 2021 {
                // The 7 xã named as NTM for 2021 are NTM; 3 are not, one per late district.
                let not_ntm: Vec<&CommuneStanding> = t.communes.iter().filter(|c| !c.ntm).collect();
                assert_eq!(not_ntm.len(), 3);
                for c in not_ntm {
                    let d = &communes
                        .iter()
                        .find(|x| x.code == c.code)
                        .expect("x")
                        .district_code;
                    assert!(LATE_DISTRICTS.contains(&d.as_str()));
                    assert!(!NTM_2021_NAMED.iter().any(|n| name_key(n) == name(&c.code)));
                }
            }
            if year == 2024 {
                let p = prev.as_ref().expect("2023");
                assert_eq!(p.communes, t.communes);
                assert!(obs.iter().all(|o| o.carried_forward_from == Some(2023)));
            }
            // Deterministic.
            assert_eq!(obs, tra_vinh_sample(&cat, &communes, year).expect("again"));
            prev = Some(t);
        }
    }

    #[test]
    fn communes_that_do_not_meet_miss_realistic_numbers_of_indicators() {
        let cat = catalog();
        let communes = communes();
        let obs = tra_vinh_sample(&cat, &communes, 2021).expect("sample");
        let set = sample_set(&cat, NTM_SET, 2021).expect("set");
        let t = evaluate_sample(&cat, &communes, &obs, 2021).expect("evaluates");
        for (c, s) in communes.iter().zip(&t.communes) {
            let mut o = Observations::new(set);
            for x in obs
                .iter()
                .filter(|x| x.unit_code == c.code && x.set_id == NTM_SET)
            {
                o.set_text(set, &x.indicator_code, &x.value_text)
                    .expect("parses");
            }
            let e = evaluate_unit(set, &UnitCtx::commune(c.region), &o, 2022).expect("eval");
            let short = e
                .indicators
                .iter()
                .filter(|o| o.tentatively_not_met())
                .count();
            let missing = e
                .indicators
                .iter()
                .filter(|o| o.status() == Status::Missing)
                .count();
            assert_eq!(missing, 0);
            // Never "met" outright: the set is partial and most thresholds unconfirmed. A miss
            // on a confirmed threshold (7.1/7.2, 8.1 since the December 2026 data) is a
            // definite "not met".
            if s.ntm {
                assert_eq!(e.status, Status::NeedsVerification);
            } else {
                assert!(matches!(
                    e.status,
                    Status::NeedsVerification | Status::NotMet
                ));
            }
            // The engine's "no known shortfall" is the demo rule on this set (no prerequisites).
            assert_eq!(e.no_known_shortfall, s.ntm, "{}", c.code);
            assert_eq!(
                e.no_known_shortfall,
                usize::from(e.criteria_no_known_shortfall) == set.criteria.len(),
                "{}",
                c.code
            );
            assert!(e.criteria_no_known_shortfall >= e.criteria_met_tentative);
            assert!(e.criteria_met_tentative >= e.criteria_met);
            if s.ntm {
                assert_eq!(short, 0, "{}", c.code);
            } else {
                assert!((3..=6).contains(&short), "{} misses {short}", c.code);
            }
        }
    }

    #[test]
    fn errors_are_explicit() {
        let cat = catalog();
        let communes = communes();
        assert_eq!(
            tra_vinh_sample(&cat, &communes, 2025),
            Err(DemoError::YearNotCovered { year: 2025 })
        );
        assert!(matches!(
            tra_vinh_sample(&cat, &communes[..80], 2022),
            Err(DemoError::CommuneCount { found: 80, .. })
        ));
        assert!(matches!(
            tra_vinh_sample(&Catalog::default(), &communes, 2022),
            Err(DemoError::Set(_))
        ));
    }
}
