//! Resolving parsed sets into a [`Catalog`]: amendment chains (`amends`), provincial sets
//! (`extends` + overrides), periods in force, and the compiled threshold tables the engine
//! evaluates against.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use time::Date;

use crate::units::{Level, Region};

use super::eval::Caveats;
use super::model::*;

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

/// Content being built for one (id, version).
#[derive(Clone)]
struct Built {
    level: Level,
    criteria: Vec<Criterion>,
    preconditions: Vec<Indicator>,
    sources: BTreeMap<String, Source>,
    legal_basis: Vec<LegalBasis>,
    special_rules: Vec<SpecialRule>,
    prerequisites: Vec<String>,
    amendment_pending: bool,
    valid_to: Option<Date>,
    extends: Option<(String, String)>,
    evidence_required: bool,
    applies_to: Option<Vec<String>>,
}

#[derive(Clone)]
enum State {
    Todo,
    InProgress,
    Done(Option<Box<Built>>),
}

/// Resolves every `extends` and `amends`, checks cross-set references, and compiles the sets.
pub fn resolve(sets: Vec<CriteriaSet>) -> Result<Catalog, Vec<SetError>> {
    let mut errors = Vec::new();
    let mut keep = Vec::with_capacity(sets.len());
    for s in sets {
        if keep
            .iter()
            .any(|k: &CriteriaSet| k.id == s.id && k.version == s.version)
        {
            let other = keep
                .iter()
                .find(|k: &&CriteriaSet| k.id == s.id && k.version == s.version)
                .map(|k| k.file.clone());
            errors.push(err(
                &s.file,
                0,
                "version",
                format!(
                    "{} version \"{}\" is defined twice (also in {})",
                    s.id,
                    s.version,
                    other.unwrap_or_default()
                ),
            ));
            continue;
        }
        keep.push(s);
    }
    let sets = keep;
    let mut states = vec![State::Todo; sets.len()];
    for i in 0..sets.len() {
        build(i, &sets, &mut states, &mut errors);
    }

    // Periods in force per id.
    let mut resolved: Vec<ResolvedSet> = Vec::new();
    for (i, s) in sets.iter().enumerate() {
        let State::Done(Some(b)) = &states[i] else {
            continue;
        };
        resolved.push(compile(s, b, &mut errors));
    }
    resolved.sort_by(|a, b| a.id.cmp(&b.id).then(a.valid_from.cmp(&b.valid_from)));
    for i in 0..resolved.len() {
        let next = resolved
            .get(i + 1)
            .filter(|n| n.id == resolved[i].id)
            .map(|n| (n.valid_from, n.file.clone()));
        if let Some((nf, nfile)) = next {
            if nf == resolved[i].valid_from {
                errors.push(err(
                    &nfile,
                    0,
                    "valid_from",
                    format!(
                        "two versions of {} take effect on the same day ({nf}; also {})",
                        resolved[i].id, resolved[i].file
                    ),
                ));
            }
            let day_before = nf.previous_day().unwrap_or(nf);
            resolved[i].in_force_until = Some(
                resolved[i]
                    .valid_to
                    .map_or(day_before, |t| t.min(day_before)),
            );
        } else {
            resolved[i].in_force_until = resolved[i].valid_to;
        }
    }

    // Cross-set references: derived rules and prerequisites must name known sets.
    let ids: Vec<&str> = resolved.iter().map(|s| s.id.as_str()).collect();
    for s in &sets {
        for ind in s
            .indicators()
            .chain(s.add_indicators.iter().map(|a| &a.indicator))
        {
            if let Some(d) = &ind.derived
                && let Some(target) = &d.set
                && !ids.contains(&target.as_str())
            {
                errors.push(err(
                    &s.file,
                    d.line,
                    "derived.set",
                    unknown_set_msg(target, &ids),
                ));
            }
        }
        for p in &s.prerequisites {
            if !ids.contains(&p.as_str()) {
                errors.push(err(
                    &s.file,
                    s.prerequisites_line,
                    "prerequisites",
                    unknown_set_msg(p, &ids),
                ));
            }
        }
    }

    if errors.is_empty() {
        Ok(Catalog { sets: resolved })
    } else {
        errors.sort_by(|a, b| a.file.cmp(&b.file).then(a.line.cmp(&b.line)));
        errors.dedup();
        Err(errors)
    }
}

fn unknown_set_msg(id: &str, ids: &[&str]) -> String {
    match super::yaml::suggest(id, ids) {
        Some(s) => format!("unknown criteria set `{id}` (did you mean `{s}`?)"),
        None => format!("unknown criteria set `{id}`: no file defines it"),
    }
}

fn err(file: &str, line: usize, field: &str, message: String) -> SetError {
    SetError {
        file: file.to_string(),
        line,
        field: field.to_string(),
        message,
    }
}

fn build(
    i: usize,
    sets: &[CriteriaSet],
    states: &mut [State],
    errors: &mut Vec<SetError>,
) -> Option<Box<Built>> {
    match &states[i] {
        State::Done(b) => return b.clone(),
        State::InProgress => {
            let s = &sets[i];
            errors.push(err(
                &s.file,
                0,
                "extends",
                format!(
                    "{} version {} depends on itself (a cycle of extends/amends)",
                    s.id, s.version
                ),
            ));
            return None;
        }
        State::Todo => {}
    }
    states[i] = State::InProgress;
    let s = &sets[i];
    let out = if let Some(v) = &s.amends {
        match sets.iter().position(|o| o.id == s.id && &o.version == v) {
            None => {
                let known: Vec<&str> = sets
                    .iter()
                    .filter(|o| o.id == s.id && o.amends.is_none())
                    .map(|o| o.version.as_str())
                    .collect();
                errors.push(err(
                    &s.file,
                    s.amends_line,
                    "amends",
                    format!(
                        "no version \"{v}\" of {} to amend (known: {})",
                        s.id,
                        if known.is_empty() {
                            "none".to_string()
                        } else {
                            known.join(", ")
                        }
                    ),
                ));
                None
            }
            Some(j) => {
                build(j, sets, states, errors).and_then(|base| inherit(s, *base, false, errors))
            }
        }
    } else if let Some(ext) = &s.extends {
        let candidates: Vec<usize> = (0..sets.len()).filter(|&j| sets[j].id == ext.id).collect();
        if candidates.is_empty() {
            let ids: Vec<&str> = sets.iter().map(|o| o.id.as_str()).collect();
            errors.push(err(
                &s.file,
                ext.line,
                "extends",
                unknown_set_msg(&ext.id, &ids),
            ));
            None
        } else {
            let pick = match &ext.version {
                Some(v) => candidates.iter().copied().find(|&j| &sets[j].version == v),
                None => candidates
                    .iter()
                    .copied()
                    .filter(|&j| sets[j].valid_from <= s.valid_from)
                    .max_by_key(|&j| sets[j].valid_from),
            };
            match pick {
                None => {
                    let what = match &ext.version {
                        Some(v) => format!("no version \"{v}\" of {}", ext.id),
                        None => format!(
                            "no version of {} is in force on {} (valid_from of this set)",
                            ext.id, s.valid_from
                        ),
                    };
                    errors.push(err(&s.file, ext.line, "extends", what));
                    None
                }
                Some(j) => build(j, sets, states, errors).and_then(|base| {
                    let mut b = inherit(s, *base, true, errors)?;
                    b.extends = Some((sets[j].id.clone(), sets[j].version.clone()));
                    Some(b)
                }),
            }
        }
    } else {
        Some(Box::new(Built {
            level: s.level,
            criteria: s.criteria.clone(),
            preconditions: s.preconditions.clone(),
            sources: s.sources.clone(),
            legal_basis: s.legal_basis.clone(),
            special_rules: s.special_rules.clone(),
            prerequisites: s.prerequisites.clone(),
            amendment_pending: false,
            valid_to: s.valid_to,
            extends: None,
            evidence_required: s.evidence_required.unwrap_or(false),
            applies_to: s.applies_to.clone(),
        }))
    };
    states[i] = State::Done(out.clone());
    out
}

/// Applies an amending or extending file to the content of its base.
fn inherit(
    s: &CriteriaSet,
    mut b: Built,
    extending: bool,
    errors: &mut Vec<SetError>,
) -> Option<Box<Built>> {
    let before = errors.len();
    if s.level != b.level {
        errors.push(err(
            &s.file,
            0,
            "level",
            format!(
                "level {} differs from the base set's level {}",
                s.level.as_str(),
                b.level.as_str()
            ),
        ));
    }
    for (id, src) in &s.sources {
        match b.sources.get(id) {
            Some(old) if old.url != src.url || old.doc != src.doc => errors.push(err(
                &s.file,
                0,
                &format!("sources.{id}"),
                format!(
                    "source id `{id}` is already used by the base set for {}",
                    old.url
                        .as_deref()
                        .or(old.doc.as_deref())
                        .unwrap_or("another source")
                ),
            )),
            _ => {
                b.sources.insert(id.clone(), src.clone());
            }
        }
    }
    if let Some(e) = s.evidence_required {
        b.evidence_required = e;
    }
    if s.applies_to.is_some() {
        b.applies_to = s.applies_to.clone();
    }
    b.legal_basis.extend(s.legal_basis.iter().cloned());
    b.special_rules.extend(s.special_rules.iter().cloned());
    for p in &s.prerequisites {
        if !b.prerequisites.contains(p) {
            b.prerequisites.push(p.clone());
        }
    }
    if !extending {
        if s.valid_to.is_some() {
            b.valid_to = s.valid_to;
        }
        if s.changes_status != Some(ChangesStatus::Complete) {
            b.amendment_pending = true;
        }
    } else {
        b.valid_to = s.valid_to;
    }

    // Removals.
    for (code, line) in &s.remove_indicators {
        let mut found = false;
        for c in &mut b.criteria {
            let n = c.indicators.len();
            c.indicators.retain(|i| &i.code != code);
            found |= c.indicators.len() != n;
        }
        let n = b.preconditions.len();
        b.preconditions.retain(|i| &i.code != code);
        found |= b.preconditions.len() != n;
        if !found {
            errors.push(err(
                &s.file,
                *line,
                "remove_indicators",
                format!("no indicator \"{code}\" in the base set"),
            ));
        }
    }
    // Overrides.
    for (k, ov) in s.overrides.iter().enumerate() {
        let field = format!("overrides[{k}]");
        let target = b
            .criteria
            .iter_mut()
            .flat_map(|c| c.indicators.iter_mut())
            .chain(b.preconditions.iter_mut())
            .find(|i| i.code == ov.code);
        let Some(ind) = target else {
            errors.push(err(
                &s.file,
                ov.line,
                &format!("{field}.code"),
                format!("no indicator \"{}\" in the base set", ov.code),
            ));
            continue;
        };
        let old = ind.clone();
        apply_override(ind, ov);
        if check_kinds(&s.file, &field, ind, errors) && extending {
            check_stricter(&s.file, &field, ov.line, &old, ind, errors);
        }
    }
    // Additions: new indicators in existing criteria, new criteria, new preconditions.
    for a in &s.add_indicators {
        match b.criteria.iter_mut().find(|c| c.number == a.criterion) {
            Some(c) => c.indicators.push(a.indicator.clone()),
            None => errors.push(err(
                &s.file,
                a.indicator.line,
                "add_indicators",
                format!("no criterion {} in the base set", a.criterion),
            )),
        }
    }
    for c in &s.criteria {
        if b.criteria.iter().any(|bc| bc.number == c.number) {
            errors.push(err(&s.file, c.line, "criteria", format!(
                "criterion {} is inherited from the base set: change it with overrides or add_indicators",
                c.number
            )));
        } else {
            b.criteria.push(c.clone());
        }
    }
    b.preconditions.extend(s.preconditions.iter().cloned());
    let mut seen: HashMap<&str, ()> = HashMap::new();
    for ind in b
        .preconditions
        .iter()
        .chain(b.criteria.iter().flat_map(|c| c.indicators.iter()))
    {
        if seen.insert(ind.code.as_str(), ()).is_some() {
            errors.push(err(
                &s.file,
                ind.line,
                "code",
                format!(
                    "duplicate indicator code \"{}\" (also in the base set)",
                    ind.code
                ),
            ));
        }
    }
    if errors.len() > before {
        return None;
    }
    Some(Box::new(b))
}

fn apply_override(ind: &mut Indicator, ov: &Override) {
    let stamp = |t: &mut Threshold| {
        if t.provenance.is_none() {
            t.provenance = ov.provenance;
        }
        if t.uncertain.is_none() {
            t.uncertain = ov.uncertain.or(Some(false));
        }
        if t.source.is_none() {
            t.source = ov.source.clone();
        }
        if t.source_date.is_none() {
            t.source_date = ov.source_date.clone();
        }
        if t.sources.is_empty() {
            t.sources = ov.sources.clone();
        }
        if t.note.is_none() {
            t.note = ov.note.clone();
        }
    };
    if let Some(n) = &ov.name_vi {
        ind.name_vi = Some(n.clone());
    }
    if let Some(t) = &ov.threshold {
        ind.threshold = t.clone();
        if let Some(t) = &mut ind.threshold {
            stamp(t);
        }
    }
    if let Some(v) = &ov.by_region {
        ind.by_region = v.clone();
        if let Varying::Known(m) = &mut ind.by_region {
            m.values_mut().flatten().for_each(stamp);
        }
    }
    if let Some(v) = &ov.by_group {
        ind.by_group = v.clone();
        if let Varying::Known(m) = &mut ind.by_group {
            m.values_mut().flatten().for_each(stamp);
        }
    }
}

/// An override's values must fit the inherited indicator's kind.
fn check_kinds(file: &str, field: &str, ind: &Indicator, errors: &mut Vec<SetError>) -> bool {
    let kind = ind.value_kind();
    let mut all: Vec<&Threshold> = ind.threshold.iter().collect();
    if let Varying::Known(m) = &ind.by_region {
        all.extend(m.values().flatten());
    }
    if let Varying::Known(m) = &ind.by_group {
        all.extend(m.values().flatten());
    }
    let before = errors.len();
    for t in all {
        let bad = match (&t.value, kind) {
            (ThresholdValue::Bool(_), ValueKind::Boolean) => None,
            (_, ValueKind::Boolean) => Some("true or false".to_string()),
            (ThresholdValue::Bool(_), _) => Some("a number".to_string()),
            (ThresholdValue::Num(x), ValueKind::Percent) if !(0.0..=100.0).contains(x) => {
                Some(format!("a percentage between 0 and 100, found {x}"))
            }
            (ThresholdValue::Num(x), ValueKind::Count | ValueKind::Level)
                if *x < 0.0 || x.fract() != 0.0 =>
            {
                Some(format!("a whole number ≥ 0, found {x}"))
            }
            _ => None,
        };
        if let Some(need) = bad {
            errors.push(err(
                file,
                t.line,
                &format!("{field}.threshold"),
                format!(
                    "threshold kind mismatch: indicator {} is {} and needs {need}",
                    ind.code,
                    kind.as_str()
                ),
            ));
        }
    }
    errors.len() == before
}

/// A provincial set may only make a known national threshold stricter.
fn check_stricter(
    file: &str,
    field: &str,
    line: usize,
    old: &Indicator,
    new: &Indicator,
    errors: &mut Vec<SetError>,
) {
    for r in Region::ALL.into_iter().map(Some).chain([None]) {
        for g in CommuneGroup::ALL.into_iter().map(Some).chain([None]) {
            let (Some(a), _) = select(old, r, g) else {
                continue;
            };
            let (Some(b), _) = select(new, r, g) else {
                errors.push(err(
                    file,
                    line,
                    field,
                    format!("removes the national threshold of {}", old.code),
                ));
                return;
            };
            let ok = match (a.op, b.op, &a.value, &b.value) {
                (Op::Ge, Op::Ge, ThresholdValue::Num(x), ThresholdValue::Num(y)) => y >= x,
                (Op::Le, Op::Le, ThresholdValue::Num(x), ThresholdValue::Num(y)) => y <= x,
                (Op::Ge, Op::Eq, ThresholdValue::Num(x), ThresholdValue::Num(y)) => y >= x,
                (Op::Le, Op::Eq, ThresholdValue::Num(x), ThresholdValue::Num(y)) => y <= x,
                (oa, ob, va, vb) => oa == ob && va == vb,
            };
            if !ok {
                let where_ = r.map(|r| format!(" for {}", r.code())).unwrap_or_default();
                errors.push(err(file, line, &format!("{field}.threshold"), format!(
                    "less strict than the threshold it extends{where_} ({} {}): a provincial set may only make it stricter",
                    a.op.as_str(),
                    show(&a.value)
                )));
                return;
            }
        }
    }
}

fn show(v: &ThresholdValue) -> String {
    match v {
        ThresholdValue::Bool(b) => b.to_string(),
        ThresholdValue::Num(x) => x.to_string(),
        ThresholdValue::List(l) => format!("{l:?}"),
    }
}

/// The threshold that applies in one (region, group) slot, with the caveats of the choice
/// itself (missing value, region or group not known, variation not known).
pub(crate) fn select(
    ind: &Indicator,
    region: Option<Region>,
    group: Option<CommuneGroup>,
) -> (Option<&Threshold>, Caveats) {
    let general = ind.threshold.as_ref();
    let missing = |c: Caveats| c.union(Caveats::THRESHOLD_MISSING);
    match &ind.by_group {
        Varying::Known(m) if !m.is_empty() => match group {
            Some(g) => {
                if let Some(e) = m.get(&g) {
                    return match e {
                        Some(t) => (Some(t), Caveats::NONE),
                        None => (None, missing(Caveats::NONE)),
                    };
                }
            }
            None => {
                return match general {
                    Some(t) => (Some(t), Caveats::GROUP_UNKNOWN),
                    None => (None, missing(Caveats::GROUP_UNKNOWN)),
                };
            }
        },
        Varying::Unknown if general.is_some() => return (general, Caveats::VARIATION_UNKNOWN),
        _ => {}
    }
    match &ind.by_region {
        Varying::Known(m) if !m.is_empty() => match region {
            Some(r) => {
                if let Some(e) = m.get(&r) {
                    return match e {
                        Some(t) => (Some(t), Caveats::NONE),
                        None => (None, missing(Caveats::NONE)),
                    };
                }
            }
            None => {
                return match general {
                    Some(t) => (Some(t), Caveats::REGION_UNKNOWN),
                    None => (None, missing(Caveats::REGION_UNKNOWN)),
                };
            }
        },
        Varying::Unknown if general.is_some() => return (general, Caveats::VARIATION_UNKNOWN),
        _ => {}
    }
    match general {
        Some(t) => (Some(t), Caveats::NONE),
        None => (None, missing(Caveats::NONE)),
    }
}

fn compile(s: &CriteriaSet, b: &Built, _errors: &mut [SetError]) -> ResolvedSet {
    let mut indicators: Vec<Indicator> = b.preconditions.clone();
    let n_preconditions = indicators.len();
    let mut criteria = Vec::with_capacity(b.criteria.len());
    for c in &b.criteria {
        let first = indicators.len();
        indicators.extend(c.indicators.iter().cloned());
        criteria.push(ResolvedCriterion {
            number: c.number,
            name_vi: c.name_vi.clone(),
            group: c.group.clone(),
            pass: c.pass,
            provenance: c.provenance,
            uncertain: c.uncertain,
            first,
            len: c.indicators.len(),
        });
    }
    let n = indicators.len();
    let blank = Eff {
        present: false,
        op: Op::Eq,
        num: 0.0,
        is_bool: false,
        bool_value: false,
        list: u32::MAX,
        caveats: Caveats::NONE,
    };
    // Slot-major: the thresholds one unit needs are contiguous.
    let mut table = vec![blank; n * SLOTS];
    let mut lists = Vec::new();
    for (idx, ind) in indicators.iter().enumerate() {
        let mut base = Caveats::NONE;
        if ind.placeholder {
            base = base.union(Caveats::PLACEHOLDER);
        }
        if b.amendment_pending {
            base = base.union(Caveats::AMENDMENT_PENDING);
        }
        for si in 0..SLOTS {
            let r = (si / GROUP_SLOTS < 7).then(|| Region::ALL[si / GROUP_SLOTS]);
            let g = (si % GROUP_SLOTS < 3).then(|| CommuneGroup::ALL[si % GROUP_SLOTS]);
            let (t, mut cav) = select(ind, r, g);
            cav = cav.union(base);
            let mut e = Eff {
                present: false,
                op: Op::Eq,
                num: 0.0,
                is_bool: false,
                bool_value: false,
                list: u32::MAX,
                caveats: cav,
            };
            if let Some(t) = t {
                e.present = true;
                e.op = t.op;
                match &t.value {
                    ThresholdValue::Bool(v) => {
                        e.is_bool = true;
                        e.bool_value = *v;
                    }
                    ThresholdValue::Num(x) => e.num = *x,
                    ThresholdValue::List(l) => {
                        e.list = lists.len() as u32;
                        lists.push(l.clone());
                    }
                }
                let prov = t.provenance.unwrap_or(ind.provenance);
                e.caveats = e.caveats.union(match prov {
                    Provenance::Sourced => Caveats::NONE,
                    Provenance::Recalled => Caveats::RECALLED,
                    Provenance::Inferred => Caveats::INFERRED,
                    Provenance::Secondary => Caveats::SECONDARY,
                });
                if t.uncertain.unwrap_or(ind.uncertain) {
                    e.caveats = e.caveats.union(Caveats::UNCERTAIN);
                }
            }
            table[si * n + idx] = e;
        }
    }
    let self_refs = indicators
        .iter()
        .enumerate()
        .filter(|(_, i)| {
            i.derived
                .as_ref()
                .is_some_and(|d| d.measure == Measure::AllCriteriaMet)
        })
        .map(|(k, _)| k)
        .collect();
    let index = indicators
        .iter()
        .enumerate()
        .map(|(i, ind)| (ind.code.clone(), i as u32))
        .collect();
    let special_region = b.special_rules.iter().find_map(|r| r.evaluate_with_region);
    ResolvedSet {
        id: s.id.clone(),
        version: s.version.clone(),
        file: s.file.clone(),
        level: b.level,
        title_vi: s.title_vi.clone(),
        title_en: s.title_en.clone(),
        category: s.category.clone(),
        recognition_label: s.recognition_label.clone(),
        valid_from: s.valid_from,
        valid_to: b.valid_to,
        in_force_until: b.valid_to,
        completeness: s.completeness,
        evidence_required: b.evidence_required,
        applies_to: b.applies_to.clone(),
        amendment_pending: b.amendment_pending,
        extends: b.extends.clone(),
        amends: s.amends.clone(),
        prerequisites: b.prerequisites.clone(),
        legal_basis: b.legal_basis.clone(),
        sources: b.sources.clone(),
        special_rules: b.special_rules.clone(),
        criteria,
        indicators,
        n_preconditions,
        notes: s.notes.clone(),
        table,
        lists,
        index,
        uid: uid(&s.id, &s.version),
        special_region,
        self_refs,
    }
}

fn uid(id: &str, version: &str) -> u64 {
    // FNV-1a over "id@version": identifies the set an Observations table was built for.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes().chain([b'@']).chain(version.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
