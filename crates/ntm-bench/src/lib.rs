//! A synthetic national dataset for measuring the criteria engine (issue 3, item 5).
//!
//! The units are the **real** official list of 7 May 2023 (63 provinces, 705 district-level
//! units, 10,598 commune-level units), each province with its real socio-economic region; the
//! set is the real `xa-ntm-2021-2025` (version for the year). The values are **synthetic**: a
//! fixed-seed generator gives every commune a value for every indicator of the set (55) for five
//! years (2021–2025), with a few values left out (≈0.1 %) so that "missing" occurs. Each
//! commune has a development level; the number of indicators it misses shrinks over the years,
//! so roll-ups have communes in every bucket.
//!
//! Not shipped (`publish = false`); no timing assertions anywhere.

use std::collections::HashMap;

use ntm_domain::criteria::{
    Catalog, Closeness, Observations, Op, Outcome, ResolvedSet, RollupAcc, Tentative,
    ThresholdValue, UnitCtx, UnitEvaluation, Value, ValueKind, closest_to_meeting, demo,
    evaluate_unit, load_all,
};
use ntm_domain::snapshot::{parse_regions_csv, parse_units_csv};
use ntm_domain::{Level, Region};

pub use ntm_domain::criteria::Rollup;
pub use rng::Rng;

/// The error type of the benchmark helpers and binaries.
pub type Res<T> = Result<T, Box<dyn std::error::Error>>;

pub mod feedback;
pub mod live;
pub mod openloop;
pub mod profile;
mod rng;
pub mod survey;
pub mod timing;
pub mod writes;

pub const SET_ID: &str = "xa-ntm-2021-2025";
pub const YEARS: std::ops::RangeInclusive<i32> = 2021..=2025;

/// The official unit list of 7 May 2023 (63 provinces, 705 districts, 10,598 communes).
pub const UNITS_CSV: &str = include_str!("../../../data/admin-units/units-2023.csv");
const REGIONS_CSV: &str = include_str!("../../../data/admin-units/regions.csv");
const SET_FILES: &[(&str, &str)] = &[
    (
        "xa-ntm-2021-2025.yaml",
        include_str!("../../../data/criteria/xa-ntm-2021-2025.yaml"),
    ),
    (
        "xa-ntm-2021-2025@2024.yaml",
        include_str!("../../../data/criteria/xa-ntm-2021-2025@2024.yaml"),
    ),
];

/// The real sets the bench evaluates.
pub fn catalog() -> Result<Catalog, String> {
    load_all(SET_FILES.iter().copied())
        .map(|l| l.catalog)
        .map_err(|e| {
            e.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        })
}

/// The version of the set a year is evaluated with (2021, before QĐ 318 took effect: the first
/// version, evaluated as 2022; see `ntm_domain::criteria::demo::sample_set`).
pub fn set_for(catalog: &Catalog, year: i32) -> Result<&ResolvedSet, String> {
    demo::sample_set(catalog, SET_ID, year).map_err(|e| e.to_string())
}

#[derive(Debug, Clone)]
pub struct Commune {
    pub code: String,
    pub district: usize,
    pub province: usize,
    pub region: Option<Region>,
}

/// Units and synthetic values, by year.
pub struct Dataset {
    pub provinces: Vec<String>,
    /// Code and province index.
    pub districts: Vec<(String, usize)>,
    pub communes: Vec<Commune>,
    /// `values[year - 2021][commune][indicator]` (None: missing).
    pub values: Vec<Vec<Vec<Option<Value>>>>,
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn value(set: &ResolvedSet, i: usize, region: Option<Region>, pass: bool, u: f64) -> Value {
    let kind = set.indicators[i].value_kind();
    let num = |x: f64| match kind {
        ValueKind::Percent => Value::Percent(round1(x.clamp(0.0, 100.0))),
        ValueKind::Count => Value::Count(x.max(0.0).round() as u64),
        ValueKind::Level => Value::Level(x.max(0.0).round() as u32),
        ValueKind::Boolean => Value::Boolean(x != 0.0),
        ValueKind::Number => Value::Number(round1(x)),
    };
    match set
        .threshold_for(i, region, None)
        .0
        .map(|t| (t.op, &t.value))
    {
        Some((_, ThresholdValue::Bool(b))) => Value::Boolean(if pass { *b } else { !*b }),
        Some((Op::Ge, ThresholdValue::Num(v))) => {
            let v = *v;
            match (kind, pass) {
                (ValueKind::Percent, true) => num(v + (100.0 - v) * u),
                (ValueKind::Percent, false) => num((v - 1.0 - 20.0 * u).max(0.0)),
                (_, true) => num(v * (1.0 + 0.5 * u) + 0.1),
                (_, false) => num(v * (0.5 + 0.45 * u) - 0.1),
            }
        }
        Some((Op::Le, ThresholdValue::Num(v))) => num(if pass {
            *v * 0.95 * u
        } else {
            *v + 0.5 + 8.0 * u
        }),
        Some((_, ThresholdValue::Num(v))) => num(if pass { *v } else { *v + 1.0 }),
        Some((_, ThresholdValue::List(l))) => {
            let top = l.iter().copied().fold(0.0, f64::max);
            num(if pass {
                l.first().copied().unwrap_or(0.0)
            } else {
                top + 1.0
            })
        }
        None => match kind {
            ValueKind::Boolean => Value::Boolean(u < 0.9),
            ValueKind::Percent => num(35.0 + 65.0 * u),
            _ => num(20.0 + 60.0 * u),
        },
    }
}

impl Dataset {
    /// Builds the dataset from the embedded official list (deterministic).
    pub fn generate(catalog: &Catalog) -> Result<Dataset, String> {
        let rows = parse_units_csv(UNITS_CSV.as_bytes())
            .map_err(|e| format!("{} unit list errors", e.len()))?;
        let regions = parse_regions_csv(REGIONS_CSV.as_bytes())
            .map_err(|e| format!("{} region table errors", e.len()))?;
        let mut provinces = Vec::new();
        let mut p_index = HashMap::new();
        let mut p_region = Vec::new();
        for r in rows.iter().filter(|r| r.level == Level::Province) {
            p_index.insert(r.code.clone(), provinces.len());
            provinces.push(r.code.clone());
            p_region.push(regions.region_of(&r.code, &r.name));
        }
        let mut districts = Vec::new();
        let mut d_index = HashMap::new();
        for r in rows.iter().filter(|r| r.level == Level::District) {
            let p = r
                .parent_code
                .as_ref()
                .and_then(|c| p_index.get(c))
                .copied()
                .ok_or_else(|| format!("district {} without province", r.code))?;
            d_index.insert(r.code.clone(), districts.len());
            districts.push((r.code.clone(), p));
        }
        // Only the communes the set applies to (`applies_to`: xã, not phường or thị trấn),
        // as the product counts them.
        let applies = set_for(catalog, *YEARS.start())?;
        let mut communes = Vec::new();
        for r in rows
            .iter()
            .filter(|r| r.level == Level::Commune && applies.applies_to_kind(&r.kind))
        {
            let d = r
                .parent_code
                .as_ref()
                .and_then(|c| d_index.get(c))
                .copied()
                .ok_or_else(|| format!("commune {} without district", r.code))?;
            let p = districts[d].1;
            communes.push(Commune {
                code: r.code.clone(),
                district: d,
                province: p,
                region: p_region[p],
            });
        }
        let mut values = Vec::new();
        for year in YEARS {
            let set = set_for(catalog, year)?;
            let y = year.to_string();
            let mut per_year = Vec::with_capacity(communes.len());
            for c in &communes {
                let with_t: Vec<usize> = (0..set.indicators.len())
                    .filter(|&i| set.threshold_for(i, c.region, None).0.is_some())
                    .collect();
                // Development level and a fixed order of weak points, per commune.
                let mut r = Rng::new(&[&c.code]);
                let dev = r.unit();
                let mut order = with_t.clone();
                for k in (1..order.len()).rev() {
                    order.swap(k, (r.next() % (k as u64 + 1)) as usize);
                }
                let base = ((1.0 - dev).powi(4) * 14.0).round() as i64;
                let short = (base - i64::from(year - 2021)).clamp(0, order.len() as i64) as usize;
                let weak = &order[..short];
                let mut ry = Rng::new(&[&c.code, &y]);
                let vals = (0..set.indicators.len())
                    .map(|i| {
                        let u = ry.unit();
                        let gone = ry.unit() < 0.001;
                        (!gone).then(|| value(set, i, c.region, !weak.contains(&i), u))
                    })
                    .collect();
                per_year.push(vals);
            }
            values.push(per_year);
        }
        Ok(Dataset {
            provinces,
            districts,
            communes,
            values,
        })
    }

    /// The values of a year as engine observations, one per commune.
    pub fn observations(&self, set: &ResolvedSet, year: i32) -> Result<Vec<Observations>, String> {
        let vals = self
            .values
            .get(usize::try_from(year - YEARS.start()).map_err(|e| e.to_string())?)
            .ok_or_else(|| format!("no data for {year}"))?;
        vals.iter()
            .map(|row| {
                let mut o = Observations::new(set);
                for (i, v) in row.iter().enumerate() {
                    if let Some(v) = v {
                        o.set_at(set, i, *v).map_err(|e| e.to_string())?;
                    }
                }
                Ok(o)
            })
            .collect()
    }

    pub fn contexts(&self) -> Vec<UnitCtx> {
        self.communes
            .iter()
            .map(|c| UnitCtx::commune(c.region))
            .collect()
    }
}

/// Evaluates every commune for one year.
pub fn evaluate_all(
    set: &ResolvedSet,
    ctxs: &[UnitCtx],
    obs: &[Observations],
    year: i32,
) -> Vec<UnitEvaluation> {
    let y = demo::evaluation_year(set, year);
    ctxs.iter()
        .zip(obs)
        .filter_map(|(c, o)| evaluate_unit(set, c, o, y).ok())
        .collect()
}

/// The demo's rule (`demo::counts_as_meeting`) without prerequisites: nothing not met
/// (even tentatively), nothing missing.
#[inline]
pub fn meets(e: &UnitEvaluation) -> bool {
    e.indicators.iter().all(|o| {
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

/// Roll-ups of one year: per district, province and the country, with the demo-rule count of
/// communes meeting the set, and the 50 communes closest to meeting it.
pub struct Rollups {
    pub districts: Vec<(Rollup, u32)>,
    pub provinces: Vec<(Rollup, u32)>,
    pub country: (Rollup, u32),
    pub closest: Vec<Closeness>,
}

pub fn rollups(ds: &Dataset, set: &ResolvedSet, evals: &[UnitEvaluation]) -> Rollups {
    let mut d_acc: Vec<(RollupAcc, u32)> = (0..ds.districts.len())
        .map(|_| (RollupAcc::new(set), 0))
        .collect();
    for (c, e) in ds.communes.iter().zip(evals) {
        let a = &mut d_acc[c.district];
        a.0.add(e);
        a.1 += u32::from(meets(e));
    }
    let mut p_acc: Vec<(RollupAcc, u32)> = (0..ds.provinces.len())
        .map(|_| (RollupAcc::new(set), 0))
        .collect();
    for ((_, p), (a, m)) in ds.districts.iter().zip(&d_acc) {
        p_acc[*p].0.merge(a);
        p_acc[*p].1 += m;
    }
    let mut country = (RollupAcc::new(set), 0);
    for (a, m) in &p_acc {
        country.0.merge(a);
        country.1 += m;
    }
    Rollups {
        districts: d_acc.iter().map(|(a, m)| (a.finish(), *m)).collect(),
        provinces: p_acc.iter().map(|(a, m)| (a.finish(), *m)).collect(),
        country: (country.0.finish(), country.1),
        closest: closest_to_meeting(set, evals, 50),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dataset_is_national_deterministic_and_rolls_up() {
        let cat = catalog().expect("criteria load");
        let ds = Dataset::generate(&cat).expect("dataset");
        assert_eq!(ds.provinces.len(), 63);
        assert_eq!(ds.districts.len(), 705);
        // The 2023 list has 10,598 communes: 8,207 xã, 1,771 phường, 620 thị trấn; the xã
        // NTM set applies to the xã.
        assert_eq!(ds.communes.len(), 8_207);
        assert!(ds.communes.iter().all(|c| c.region.is_some()));
        let set = set_for(&cat, 2023).expect("set");
        assert!(ds.values[2].iter().all(|v| v.len() == set.indicators.len()));
        let obs = ds.observations(set, 2023).expect("observations");
        let evals = evaluate_all(set, &ds.contexts(), &obs, 2023);
        assert_eq!(evals.len(), ds.communes.len());
        let r = rollups(&ds, set, &evals);
        assert_eq!(r.country.0.units, 8_207);
        let sum: u32 = r.provinces.iter().map(|(p, _)| p.units).sum();
        assert_eq!(sum, 8_207);
        let meeting: u32 = r.districts.iter().map(|(_, m)| m).sum();
        assert_eq!(meeting, r.country.1);
        assert!(r.country.1 > 0 && r.country.1 < 8_207);
        assert_eq!(r.closest.len(), 50);
        let again = Dataset::generate(&cat).expect("dataset");
        assert!(ds.values == again.values);
        // Every year's values are read by the version of the set for that year.
        for y in YEARS {
            let s = set_for(&cat, y).expect("set");
            ds.observations(s, y).expect("observations");
        }
    }
}
