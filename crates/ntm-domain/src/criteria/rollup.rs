//! Roll-ups over many unit evaluations (a district, a province, the country), gap analysis
//! for one unit, and the ranking of units closest to meeting a set.

use std::collections::BTreeMap;

use super::eval::{Caveats, Gap, Outcome, Status, Tentative, UnitEvaluation};
use super::model::ValueKind;
use super::resolve::{ResolvedSet, SLOTS, slot};

/// Reporting buckets by number of criteria met, from the top: for the 19-criterion commune
/// set `19`, `15–18`, `10–14`, `5–9`, `0–4` (the Vietnamese reports' buckets). For another
/// number of criteria `n` the lower edges scale: `round(n·15/19)`, `round(n·10/19)`,
/// `round(n·5/19)` (10 criteria: `10`, `8–9`, `5–7`, `3–4`, `0–2`). Empty ranges are dropped.
pub fn bucket_edges(n: usize) -> Vec<(u16, u16)> {
    let n = n as u16;
    let edge = |k: u32| -> u16 { ((u32::from(n) * k * 2 + 19) / 38) as u16 };
    let mut out = vec![(n, n)];
    let mut hi = n;
    for lo in [edge(15), edge(10), edge(5), 0] {
        if hi == 0 {
            break;
        }
        if lo < hi {
            out.push((lo, hi - 1));
            hi = lo;
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    pub min: u16,
    pub max: u16,
    pub count: u32,
}

/// How often an indicator keeps units from meeting the set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Blocking {
    /// Indicator index in the set (`set.indicator(i).code`).
    pub indicator: usize,
    /// Units where it is not met.
    pub not_met: u32,
    /// Units where it is not met on a threshold still to be verified.
    pub not_met_tentative: u32,
    /// Units without a value.
    pub missing: u32,
}

/// Summary of a group of units evaluated against one set.
#[derive(Debug, Clone, PartialEq)]
pub struct Rollup {
    pub units: u32,
    pub met: u32,
    pub not_met: u32,
    pub missing: u32,
    pub needs_verification: u32,
    /// Met counting thresholds still to be verified (includes `met`).
    pub met_tentative: u32,
    /// By criteria met (confirmed), top bucket first.
    pub buckets: Vec<Bucket>,
    /// By criteria met counting thresholds still to be verified.
    pub buckets_tentative: Vec<Bucket>,
    pub avg_criteria_met: f64,
    pub avg_criteria_met_tentative: f64,
    /// Units with no known shortfall ([`UnitEvaluation::no_known_shortfall`]): not a pass,
    /// shown as "chờ xác nhận ngưỡng". Includes `met`.
    pub no_known_shortfall: u32,
    /// By criteria with no known shortfall ([`UnitEvaluation::criteria_no_known_shortfall`]).
    pub buckets_no_known_shortfall: Vec<Bucket>,
    pub avg_criteria_no_known_shortfall: f64,
    /// Indicators that block the most units first (only those blocking or missing somewhere).
    pub blocking: Vec<Blocking>,
}

/// Accumulates evaluations; `merge` combines groups (districts into a province...).
#[derive(Debug, Clone, PartialEq)]
pub struct RollupAcc {
    n_criteria: usize,
    units: u32,
    met: u32,
    not_met: u32,
    missing: u32,
    nv: u32,
    met_tentative: u32,
    sum_met: u64,
    sum_met_tentative: u64,
    nks: u32,
    sum_nks: u64,
    hist: Vec<u32>,
    hist_tentative: Vec<u32>,
    hist_nks: Vec<u32>,
    block: Vec<[u32; 3]>,
}

impl RollupAcc {
    pub fn new(set: &ResolvedSet) -> RollupAcc {
        let n = set.criteria.len();
        RollupAcc {
            n_criteria: n,
            units: 0,
            met: 0,
            not_met: 0,
            missing: 0,
            nv: 0,
            met_tentative: 0,
            sum_met: 0,
            sum_met_tentative: 0,
            nks: 0,
            sum_nks: 0,
            hist: vec![0; n + 1],
            hist_tentative: vec![0; n + 1],
            hist_nks: vec![0; n + 1],
            block: vec![[0; 3]; set.indicators.len()],
        }
    }

    pub fn add(&mut self, e: &UnitEvaluation) {
        self.units += 1;
        match e.status {
            Status::Met => self.met += 1,
            Status::NotMet => self.not_met += 1,
            Status::Missing => self.missing += 1,
            Status::NeedsVerification => self.nv += 1,
        }
        self.met_tentative += u32::from(e.status == Status::Met || e.tentatively_met);
        let cm = usize::from(e.criteria_met).min(self.n_criteria);
        let cmt = usize::from(e.criteria_met_tentative).min(self.n_criteria);
        self.sum_met += cm as u64;
        self.sum_met_tentative += cmt as u64;
        self.hist[cm] += 1;
        self.hist_tentative[cmt] += 1;
        let nks = usize::from(e.criteria_no_known_shortfall).min(self.n_criteria);
        self.nks += u32::from(e.no_known_shortfall);
        self.sum_nks += nks as u64;
        self.hist_nks[nks] += 1;
        for (b, o) in self.block.iter_mut().zip(&e.indicators) {
            match o {
                Outcome::NotMet { .. } => b[0] += 1,
                Outcome::NeedsVerification {
                    tentative: Tentative::NotMet { .. },
                    ..
                } => b[1] += 1,
                Outcome::Missing => b[2] += 1,
                _ => {}
            }
        }
    }

    pub fn merge(&mut self, o: &RollupAcc) {
        self.units += o.units;
        self.met += o.met;
        self.not_met += o.not_met;
        self.missing += o.missing;
        self.nv += o.nv;
        self.met_tentative += o.met_tentative;
        self.sum_met += o.sum_met;
        self.sum_met_tentative += o.sum_met_tentative;
        self.nks += o.nks;
        self.sum_nks += o.sum_nks;
        for (a, b) in self.hist_nks.iter_mut().zip(&o.hist_nks) {
            *a += b;
        }
        for (a, b) in self.hist.iter_mut().zip(&o.hist) {
            *a += b;
        }
        for (a, b) in self.hist_tentative.iter_mut().zip(&o.hist_tentative) {
            *a += b;
        }
        for (a, b) in self.block.iter_mut().zip(&o.block) {
            for k in 0..3 {
                a[k] += b[k];
            }
        }
    }

    pub fn finish(&self) -> Rollup {
        let edges = bucket_edges(self.n_criteria);
        let buckets = |h: &[u32]| {
            edges
                .iter()
                .map(|&(min, max)| Bucket {
                    min,
                    max,
                    count: h[usize::from(min)..=usize::from(max)].iter().sum(),
                })
                .collect::<Vec<_>>()
        };
        let avg = |s: u64| {
            if self.units == 0 {
                0.0
            } else {
                s as f64 / f64::from(self.units)
            }
        };
        let mut blocking: Vec<Blocking> = self
            .block
            .iter()
            .enumerate()
            .filter(|(_, b)| b.iter().any(|&x| x > 0))
            .map(|(i, b)| Blocking {
                indicator: i,
                not_met: b[0],
                not_met_tentative: b[1],
                missing: b[2],
            })
            .collect();
        sort_blocking(&mut blocking);
        Rollup {
            units: self.units,
            met: self.met,
            not_met: self.not_met,
            missing: self.missing,
            needs_verification: self.nv,
            met_tentative: self.met_tentative,
            buckets: buckets(&self.hist),
            buckets_tentative: buckets(&self.hist_tentative),
            avg_criteria_met: avg(self.sum_met),
            avg_criteria_met_tentative: avg(self.sum_met_tentative),
            no_known_shortfall: self.nks,
            buckets_no_known_shortfall: buckets(&self.hist_nks),
            avg_criteria_no_known_shortfall: avg(self.sum_nks),
            blocking,
        }
    }
}

/// The indicators blocking the most units first (not met, confirmed or tentatively, then
/// not met, then missing, then the set's order).
fn sort_blocking(blocking: &mut [Blocking]) {
    blocking.sort_by(|a, b| {
        (b.not_met + b.not_met_tentative)
            .cmp(&(a.not_met + a.not_met_tentative))
            .then(b.not_met.cmp(&a.not_met))
            .then(b.missing.cmp(&a.missing))
            .then(a.indicator.cmp(&b.indicator))
    });
}

/// Adds `more` to `acc`, bucket by bucket of the same range; a range `acc` lacks (a part
/// evaluated on a set with another number of criteria) is kept as its own bucket. Top bucket
/// first.
fn add_buckets(acc: &mut Vec<Bucket>, more: &[Bucket]) {
    for b in more {
        match acc.iter_mut().find(|a| (a.min, a.max) == (b.min, b.max)) {
            Some(a) => a.count += b.count,
            None => acc.push(*b),
        }
    }
    acc.sort_by(|a, b| b.max.cmp(&a.max).then(b.min.cmp(&a.min)));
}

impl Rollup {
    /// The roll-up of disjoint groups of units (the provinces of the country) from the groups'
    /// finished roll-ups, without their units: counts, bucket counts and blocking counts add
    /// up; each average is the sum of criteria over all units divided by all units (the sum
    /// behind each group's average is recovered exactly: an average is a whole sum over a
    /// whole count), never an average of averages; blocking indicators are ordered as
    /// [`RollupAcc::finish`] orders them. Merging the roll-ups of the parts of a partition
    /// gives the roll-up of the whole.
    pub fn merge<'a>(parts: impl IntoIterator<Item = &'a Rollup>) -> Rollup {
        // The whole sum behind `avg` over `n` units.
        let sum = |avg: f64, n: u32| -> u64 {
            if n == 0 || !avg.is_finite() {
                0
            } else {
                (avg * f64::from(n)).round().max(0.0) as u64
            }
        };
        let mut out = Rollup {
            units: 0,
            met: 0,
            not_met: 0,
            missing: 0,
            needs_verification: 0,
            met_tentative: 0,
            buckets: Vec::new(),
            buckets_tentative: Vec::new(),
            avg_criteria_met: 0.0,
            avg_criteria_met_tentative: 0.0,
            no_known_shortfall: 0,
            buckets_no_known_shortfall: Vec::new(),
            avg_criteria_no_known_shortfall: 0.0,
            blocking: Vec::new(),
        };
        let (mut sum_met, mut sum_met_tentative, mut sum_nks) = (0u64, 0u64, 0u64);
        let mut block: BTreeMap<usize, [u32; 3]> = BTreeMap::new();
        for p in parts {
            out.units += p.units;
            out.met += p.met;
            out.not_met += p.not_met;
            out.missing += p.missing;
            out.needs_verification += p.needs_verification;
            out.met_tentative += p.met_tentative;
            out.no_known_shortfall += p.no_known_shortfall;
            sum_met += sum(p.avg_criteria_met, p.units);
            sum_met_tentative += sum(p.avg_criteria_met_tentative, p.units);
            sum_nks += sum(p.avg_criteria_no_known_shortfall, p.units);
            add_buckets(&mut out.buckets, &p.buckets);
            add_buckets(&mut out.buckets_tentative, &p.buckets_tentative);
            add_buckets(
                &mut out.buckets_no_known_shortfall,
                &p.buckets_no_known_shortfall,
            );
            for b in &p.blocking {
                let c = block.entry(b.indicator).or_default();
                c[0] += b.not_met;
                c[1] += b.not_met_tentative;
                c[2] += b.missing;
            }
        }
        let avg = |s: u64| {
            if out.units == 0 {
                0.0
            } else {
                s as f64 / f64::from(out.units)
            }
        };
        out.avg_criteria_met = avg(sum_met);
        out.avg_criteria_met_tentative = avg(sum_met_tentative);
        out.avg_criteria_no_known_shortfall = avg(sum_nks);
        out.blocking = block
            .into_iter()
            .filter(|(_, b)| b.iter().any(|&x| x > 0))
            .map(|(i, b)| Blocking {
                indicator: i,
                not_met: b[0],
                not_met_tentative: b[1],
                missing: b[2],
            })
            .collect();
        sort_blocking(&mut out.blocking);
        out
    }
}

/// Roll-up of a group of evaluations of `set`.
pub fn rollup<'a>(
    set: &ResolvedSet,
    evals: impl IntoIterator<Item = &'a UnitEvaluation>,
) -> Rollup {
    let mut acc = RollupAcc::new(set);
    evals.into_iter().for_each(|e| acc.add(e));
    acc.finish()
}

/// Roll-ups of many groups in one pass: give each evaluation once per group it belongs to.
/// For nested groups (district → province → country) it is cheaper to accumulate the lowest
/// level with [`RollupAcc`] and [`RollupAcc::merge`] upwards.
pub fn rollup_by<'a, K: Ord>(
    set: &ResolvedSet,
    items: impl IntoIterator<Item = (K, &'a UnitEvaluation)>,
) -> BTreeMap<K, Rollup> {
    let mut accs: BTreeMap<K, RollupAcc> = BTreeMap::new();
    for (k, e) in items {
        accs.entry(k).or_insert_with(|| RollupAcc::new(set)).add(e);
    }
    accs.into_iter().map(|(k, a)| (k, a.finish())).collect()
}

/// One thing a unit still lacks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GapItem {
    pub indicator: usize,
    /// Criterion index (None for a precondition).
    pub criterion: Option<usize>,
    pub status: Status,
    /// How far (definitive or tentative).
    pub gap: Option<Gap>,
    pub caveats: Caveats,
}

/// What a unit still lacks: every indicator not met, without a value, or needing
/// verification (tentatively not met first, then missing values, then the rest).
pub fn gaps(set: &ResolvedSet, e: &UnitEvaluation) -> Vec<GapItem> {
    let mut out: Vec<GapItem> = e
        .indicators
        .iter()
        .enumerate()
        .filter(|(_, o)| !matches!(o, Outcome::Met))
        .map(|(i, o)| GapItem {
            indicator: i,
            criterion: set.criterion_of(i),
            status: o.status(),
            gap: o.gap(),
            caveats: o.caveats(),
        })
        .collect();
    let rank = |g: &GapItem| match (g.status, g.gap) {
        (Status::NotMet, _) => 0,
        (_, Some(_)) => 1,
        (Status::Missing, _) => 2,
        _ => 3,
    };
    out.sort_by_key(|g| (rank(g), g.indicator));
    out
}

/// How far a unit is from meeting a set.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Closeness {
    /// Index in the evaluations given.
    pub unit: usize,
    /// Criteria and preconditions not (tentatively) met.
    pub criteria_short: u16,
    /// Indicators not met (confirmed or tentative).
    pub indicators_short: u16,
    /// Indicators without a value or without a threshold.
    pub unknown: u16,
    /// Sum of the relative gaps (percent points / 100; other amounts / threshold; yes/no = 1).
    pub gap_score: f64,
}

/// The `n` units closest to meeting the set, closest first. Units that already meet it
/// (confirmed) are left out; units met only pending verification come first.
pub fn closest_to_meeting(set: &ResolvedSet, evals: &[UnitEvaluation], n: usize) -> Vec<Closeness> {
    // What one unit of gap weighs, per slot and indicator: percent points / 100, other amounts
    // relative to the threshold.
    let ni = set.indicators.len();
    let mut scale = vec![1.0f64; SLOTS * ni];
    for s in 0..SLOTS {
        for (i, ind) in set.indicators.iter().enumerate() {
            scale[s * ni + i] = if ind.value_kind() == ValueKind::Percent {
                0.01
            } else {
                1.0 / set.eff(i, s).num.abs().max(1.0)
            };
        }
    }
    let mut all: Vec<Closeness> = evals
        .iter()
        .enumerate()
        .filter(|(_, e)| e.status != Status::Met && e.is_for(set))
        .map(|(u, e)| {
            let s = slot(e.region_used, e.ctx.group);
            closeness(set, &scale[s * ni..(s + 1) * ni], u, e)
        })
        .collect();
    let key = |c: &Closeness| (c.criteria_short, c.indicators_short, c.unknown);
    let cmp = |a: &Closeness, b: &Closeness| {
        key(a)
            .cmp(&key(b))
            .then(a.gap_score.total_cmp(&b.gap_score))
            .then(a.unit.cmp(&b.unit))
    };
    if n < all.len() {
        all.select_nth_unstable_by(n, cmp);
        all.truncate(n);
    }
    all.sort_by(cmp);
    all
}

fn closeness(set: &ResolvedSet, scale: &[f64], unit: usize, e: &UnitEvaluation) -> Closeness {
    let (mut short, mut unknown, mut score) = (0u16, 0u16, 0.0);
    for (o, w) in e.indicators.iter().zip(scale) {
        if let Some(g) = o.gap() {
            short += 1;
            score += match g {
                Gap::Amount(a) => f64::from(a) * w,
                Gap::Boolean { .. } | Gap::NotInList => 1.0,
            };
        } else if !o.tentatively_met() {
            unknown += 1;
        }
    }
    let pre_short = e.indicators[..set.n_preconditions]
        .iter()
        .filter(|o| !o.tentatively_met())
        .count() as u16;
    let criteria_short =
        (set.criteria.len() as u16).saturating_sub(e.criteria_met_tentative) + pre_short;
    Closeness {
        unit,
        criteria_short,
        indicators_short: short,
        unknown,
        gap_score: score,
    }
}
