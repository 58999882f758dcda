//! The sample values: plausible, deterministic values per commune, indicator and year that
//! meet (or miss) each threshold as the commune's standing requires.

use std::collections::BTreeSet;

use crate::text::format_number_vi;
use crate::units::Region;

use super::DemoCommune;
use crate::criteria::model::{Op, ThresholdValue, ValueKind};
use crate::criteria::resolve::ResolvedSet;
use crate::criteria::value::Value;

/// FNV-1a of the parts, then SplitMix64 steps.
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(parts: &[&str]) -> Rng {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for p in parts {
            for b in p.bytes().chain([0xff]) {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        Rng(h)
    }

    pub(super) fn next(&mut self) -> u64 {
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

pub(super) fn text_of(v: Value) -> String {
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
pub(super) fn commune_values(
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
