//! Resolving parsed sets into a [`Catalog`]: amendment chains (`amends`), provincial sets
//! (`extends` + overrides), periods in force, and the compiled threshold tables the engine
//! evaluates against.
//!
//! `mod.rs` holds what resolving produces ([`ResolvedSet`], [`Catalog`]); `chain.rs` orders
//! the sets and follows `amends` chains ([`resolve`]); `inherit.rs` applies `extends` and
//! overrides; `compile.rs` compiles thresholds per (region, commune group) slot.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use time::Date;

use crate::units::{Level, Region};

use super::eval::Caveats;
use super::model::*;

mod chain;
mod compile;
mod inherit;

pub use chain::resolve;
pub(crate) use compile::select;

/// A set ready for evaluation: inherited content applied, thresholds compiled per
/// (region, commune group).
#[derive(Debug, Clone)]
pub struct ResolvedSet {
    pub id: String,
    pub version: String,
    pub file: String,
    pub level: Level,
    pub title_vi: String,
    /// English title, when the file gives one (pages fall back to `title_vi`).
    pub title_en: Option<String>,
    pub category: Option<String>,
    pub recognition_label: Option<String>,
    pub valid_from: Date,
    /// Declared end (inclusive), inherited along an amendment chain.
    pub valid_to: Option<Date>,
    /// Last day this version is in force (the day before a later version takes effect).
    pub in_force_until: Option<Date>,
    pub completeness: Completeness,
    /// Values need evidence (a note or a file) before they are submitted, unless an
    /// indicator says otherwise (see [`ResolvedSet::requires_evidence`]).
    pub evidence_required: bool,
    /// Unit kinds the set applies to (`applies_to.unit_kinds`, inherited along amendments
    /// and `extends`); `None`: every unit of the level. See [`ResolvedSet::applies_to_kind`].
    pub applies_to: Option<Vec<String>>,
    /// Some amendment in force for this version was not (fully) retrieved.
    pub amendment_pending: bool,
    /// `(id, version)` of the set this one extends.
    pub extends: Option<(String, String)>,
    pub amends: Option<String>,
    pub prerequisites: Vec<String>,
    pub legal_basis: Vec<LegalBasis>,
    pub sources: BTreeMap<String, Source>,
    pub special_rules: Vec<SpecialRule>,
    pub criteria: Vec<ResolvedCriterion>,
    /// Preconditions first (`0..n_preconditions`), then the indicators of each criterion.
    pub indicators: Vec<Indicator>,
    pub n_preconditions: usize,
    pub notes: Vec<String>,
    pub(crate) table: Vec<Eff>,
    pub(crate) lists: Vec<Vec<f64>>,
    pub(crate) index: HashMap<String, u32>,
    pub(crate) uid: u64,
    pub(crate) special_region: Option<Region>,
    /// Indicators computed from this set's own criteria (`all_criteria_met`).
    pub(crate) self_refs: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedCriterion {
    pub number: u16,
    pub name_vi: String,
    pub group: Option<String>,
    pub pass: Pass,
    pub provenance: Option<Provenance>,
    pub uncertain: bool,
    /// Indicator indices `first..first + len`.
    pub first: usize,
    pub len: usize,
}

/// Slots of the compiled table: 7 regions + "unknown" × 3 commune groups + "unknown".
pub(crate) const REGION_SLOTS: usize = 8;

pub(crate) const GROUP_SLOTS: usize = 4;

pub(crate) const SLOTS: usize = REGION_SLOTS * GROUP_SLOTS;

pub(crate) fn slot(region: Option<Region>, group: Option<CommuneGroup>) -> usize {
    let r = region.map_or(7, |r| r as usize);
    let g = group.map_or(3, |g| g as usize);
    r * GROUP_SLOTS + g
}

/// The threshold that applies to one indicator in one slot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Eff {
    pub present: bool,
    pub op: Op,
    pub num: f64,
    /// The threshold is true/false (op `==` on a boolean indicator).
    pub is_bool: bool,
    pub bool_value: bool,
    /// Index into `lists` for op `in`.
    pub list: u32,
    pub caveats: Caveats,
}

impl ResolvedSet {
    pub fn indicator_index(&self, code: &str) -> Option<usize> {
        self.index.get(code).map(|&i| i as usize)
    }

    pub fn indicator(&self, idx: usize) -> &Indicator {
        &self.indicators[idx]
    }

    pub fn criteria_count(&self) -> usize {
        self.criteria.len()
    }

    /// Whether a value of indicator `idx` needs evidence (a note or a file) before it is
    /// submitted: the indicator's `evidence_required`, else the set's. Computed indicators
    /// never do (nobody enters them).
    pub fn requires_evidence(&self, idx: usize) -> bool {
        let ind = &self.indicators[idx];
        ind.derived.is_none() && ind.evidence_required.unwrap_or(self.evidence_required)
    }

    /// Whether the set applies to a unit of this `kind` (the official kind string: Xã,
    /// Phường, …): true when the set declares no `applies_to` (every unit of its level).
    pub fn applies_to_kind(&self, kind: &str) -> bool {
        self.applies_to
            .as_ref()
            .is_none_or(|kinds| kinds.iter().any(|k| k == kind))
    }

    /// Whether some indicator's threshold differs by commune group (`by_group` entries): the
    /// unit's group is then needed to evaluate it.
    pub fn varies_by_group(&self) -> bool {
        self.indicators
            .iter()
            .any(|i| matches!(&i.by_group, super::model::Varying::Known(m) if !m.is_empty()))
    }

    /// Criterion index of an indicator (None for a precondition).
    pub fn criterion_of(&self, idx: usize) -> Option<usize> {
        self.criteria
            .iter()
            .position(|c| (c.first..c.first + c.len).contains(&idx))
    }

    /// First and last year in force.
    pub fn years(&self) -> (i32, Option<i32>) {
        (
            self.valid_from.year(),
            self.in_force_until.map(|d| d.year()),
        )
    }

    pub fn in_force_on(&self, d: Date) -> bool {
        self.valid_from <= d && self.in_force_until.is_none_or(|t| d <= t)
    }

    pub fn in_force_during(&self, year: i32) -> bool {
        self.valid_from.year() <= year && self.in_force_until.is_none_or(|t| year <= t.year())
    }

    /// The threshold that applies to a unit of this region and commune group, with the
    /// reasons it is not confirmed.
    pub fn threshold_for(
        &self,
        idx: usize,
        region: Option<Region>,
        group: Option<CommuneGroup>,
    ) -> (Option<&Threshold>, Caveats) {
        let (t, c) = select(&self.indicators[idx], region, group);
        let e = self.eff(idx, slot(region, group));
        (t, c.union(e.caveats))
    }

    /// Thresholds of every indicator for one slot, by indicator index.
    pub(crate) fn slot_table(&self, slot: usize) -> &[Eff] {
        let n = self.indicators.len();
        &self.table[slot * n..(slot + 1) * n]
    }

    pub(crate) fn eff(&self, idx: usize, slot: usize) -> &Eff {
        &self.table[slot * self.indicators.len() + idx]
    }
}

/// Why a set could not be found for a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupError {
    UnknownSet {
        id: String,
    },
    YearOutsideValidity {
        id: String,
        year: i32,
        from: i32,
        to: Option<i32>,
    },
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LookupError::UnknownSet { id } => write!(f, "no criteria set `{id}`"),
            LookupError::YearOutsideValidity { id, year, from, to } => match to {
                Some(to) => write!(f, "{id} is in force from {from} to {to}, not in {year}"),
                None => write!(f, "{id} is in force from {from}, not in {year}"),
            },
        }
    }
}

impl std::error::Error for LookupError {}

/// All resolved sets, every version.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    sets: Vec<ResolvedSet>,
}

impl Catalog {
    pub fn sets(&self) -> &[ResolvedSet] {
        &self.sets
    }

    pub fn get(&self, id: &str, version: &str) -> Option<&ResolvedSet> {
        self.sets
            .iter()
            .find(|s| s.id == id && s.version == version)
    }

    /// Versions of a set, oldest first.
    pub fn versions(&self, id: &str) -> impl Iterator<Item = &ResolvedSet> {
        self.sets.iter().filter(move |s| s.id == id)
    }

    pub fn contains(&self, id: &str) -> bool {
        self.sets.iter().any(|s| s.id == id)
    }

    /// The version in force on a day.
    pub fn set_on(&self, id: &str, d: Date) -> Result<&ResolvedSet, LookupError> {
        self.versions(id)
            .filter(|s| s.in_force_on(d))
            .max_by_key(|s| s.valid_from)
            .ok_or_else(|| self.outside(id, d.year()))
    }

    /// The version a year is evaluated with: the latest version in force at some time during
    /// the year (so 2024 uses the QĐ 211/2024 amendment that took effect on 1 March 2024).
    pub fn set_for_year(&self, id: &str, year: i32) -> Result<&ResolvedSet, LookupError> {
        self.versions(id)
            .filter(|s| s.in_force_during(year))
            .max_by_key(|s| s.valid_from)
            .ok_or_else(|| self.outside(id, year))
    }

    fn outside(&self, id: &str, year: i32) -> LookupError {
        let mut it = self.versions(id);
        let Some(first) = it.next() else {
            return LookupError::UnknownSet { id: id.to_string() };
        };
        let mut from = first.valid_from.year();
        let mut to = first.in_force_until.map(|d| d.year());
        for s in self.versions(id) {
            from = from.min(s.valid_from.year());
            to = match (to, s.in_force_until) {
                (Some(a), Some(b)) => Some(a.max(b.year())),
                _ => None,
            };
        }
        LookupError::YearOutsideValidity {
            id: id.to_string(),
            year,
            from,
            to,
        }
    }
}
