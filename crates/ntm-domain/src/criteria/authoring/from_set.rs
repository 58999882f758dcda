//! Building an [`AuthoredSet`] from a parsed file or a resolved set.

use std::collections::BTreeMap;
use std::fmt;

use super::{
    AuthoredCriterion, AuthoredDerived, AuthoredExtends, AuthoredIndicator, AuthoredLegalBasis,
    AuthoredSet, AuthoredSource, AuthoredSpecialRule, AuthoredThreshold, Provenance, Region,
    Variation,
};
use crate::criteria::model::{CriteriaSet, Indicator, Threshold, Varying};
use crate::criteria::{CommuneGroup, ResolvedSet, Source};

/// Why a parsed set cannot be edited as an [`AuthoredSet`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FromSetError {
    /// An amendment file (`amends`): edit the resolved version instead.
    Amendment,
    /// The file `extends` a set and no base was given (or it is another set).
    BaseNeeded(String),
    /// `remove_indicators` in an extending file (not offered by the editor).
    Removal,
    /// An override names an indicator the base does not have.
    UnknownOverride(String),
    /// An added indicator names a criterion the base does not have.
    UnknownCriterion(u16),
}

impl fmt::Display for FromSetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FromSetError::Amendment => write!(
                f,
                "an amendment file (`amends`) cannot be edited directly: copy the version it makes"
            ),
            FromSetError::BaseNeeded(id) => write!(f, "the set it extends ({id}) is needed"),
            FromSetError::Removal => write!(
                f,
                "`remove_indicators` in an extending set is not supported by the editor"
            ),
            FromSetError::UnknownOverride(c) => write!(f, "no indicator \"{c}\" in the base set"),
            FromSetError::UnknownCriterion(n) => write!(f, "no criterion {n} in the base set"),
        }
    }
}

impl std::error::Error for FromSetError {}

pub(super) fn threshold(t: &Threshold) -> AuthoredThreshold {
    AuthoredThreshold {
        op: t.op,
        value: t.value.clone(),
        text: t.text.clone(),
        provenance: t.provenance,
        uncertain: t.uncertain,
        source: t.source.clone(),
        sources: t.sources.clone(),
        note: t.note.clone(),
    }
}

fn variation<K: Ord + Copy>(v: &Varying<K>, code: impl Fn(K) -> &'static str) -> Variation {
    match v {
        Varying::Unknown => Variation::Unknown,
        Varying::Known(m) => Variation::Known(
            m.iter()
                .map(|(k, t)| (code(*k).to_string(), t.as_ref().map(threshold)))
                .collect(),
        ),
    }
}

pub(super) fn indicator(i: &Indicator) -> AuthoredIndicator {
    AuthoredIndicator {
        code: i.code.clone(),
        name_vi: i.name_vi.clone(),
        name_en: i.name_en.clone(),
        kind: i.kind,
        unit: i.unit.clone(),
        inherited: false,
        threshold: i.threshold.as_ref().map(threshold),
        by_region: variation(&i.by_region, Region::code),
        by_group: variation(&i.by_group, CommuneGroup::code),
        derived: i.derived.as_ref().map(|d| AuthoredDerived {
            measure: d.measure,
            set: d.set.clone(),
            child_level: d.child_level,
        }),
        measured_as: i.measured_as.clone(),
        computed_from: i.computed_from,
        provenance: i.provenance,
        uncertain: i.uncertain,
        placeholder: i.placeholder,
        evidence_required: i.evidence_required,
        source: i.source.clone(),
        sources: i.sources.clone(),
        note: i.note.clone(),
    }
}

pub(super) fn source(s: &Source) -> AuthoredSource {
    AuthoredSource {
        url: s.url.clone(),
        doc: s.doc.clone(),
        what: s.what.clone(),
        date: s.date.clone(),
        issuer: s.issuer.clone(),
        article: s.article.clone(),
        file_sha256: s.file_sha256.clone(),
        file_name: s.file_name.clone(),
    }
}

/// Makes every threshold of an inherited indicator explicit (provenance, uncertain,
/// citations), the way `resolve` stamps an override, and copies the base's sources they cite.
pub(super) fn explicit(
    ind: &mut AuthoredIndicator,
    prov: Provenance,
    uncertain: bool,
    source: Option<&String>,
    sources: &[String],
) {
    let stamp = |t: &mut AuthoredThreshold| {
        if t.provenance.is_none() {
            t.provenance = Some(prov);
        }
        if t.uncertain.is_none() {
            t.uncertain = Some(uncertain);
        }
        if t.source.is_none() {
            t.source = source.cloned();
        }
        if t.sources.is_empty() {
            t.sources = sources.to_vec();
        }
    };
    if let Some(t) = &mut ind.threshold {
        stamp(t);
    }
    for v in [&mut ind.by_region, &mut ind.by_group] {
        if let Variation::Known(m) = v {
            m.values_mut().flatten().for_each(stamp);
        }
    }
}

/// An inherited indicator of `base` as the starting point of an override: every threshold
/// explicit, the base's sources it cites copied into `sources`.
pub fn inherited_indicator(
    base: &ResolvedSet,
    code: &str,
    sources: &mut BTreeMap<String, AuthoredSource>,
) -> Option<AuthoredIndicator> {
    let idx = base.indicator_index(code)?;
    let b = base.indicator(idx);
    let mut ind = indicator(b);
    ind.inherited = true;
    let (p, u, s, ss) = (
        b.provenance,
        b.uncertain,
        b.source.clone(),
        b.sources.clone(),
    );
    explicit(&mut ind, p, u, s.as_ref(), &ss);
    // An override cites per threshold; the indicator keeps the base's provenance only.
    ind.source = None;
    ind.sources = Vec::new();
    ind.uncertain = false;
    ind.note = None;
    copy_cited(&ind, base, sources);
    Some(ind)
}

fn copy_cited(
    ind: &AuthoredIndicator,
    base: &ResolvedSet,
    sources: &mut BTreeMap<String, AuthoredSource>,
) {
    let mut ids: Vec<&String> = ind.sources.iter().collect();
    if let Some(t) = &ind.threshold {
        ids.extend(&t.sources);
    }
    for (_, t) in ind.by_region.entries().chain(ind.by_group.entries()) {
        if let Some(t) = t {
            ids.extend(&t.sources);
        }
    }
    for id in ids {
        if let Some(s) = base.sources.get(id) {
            sources.entry(id.clone()).or_insert_with(|| source(s));
        }
    }
}

impl AuthoredSet {
    /// The editable content of a parsed file. A file that `extends` a set needs that set
    /// resolved (`base`): its criteria are listed as inherited, overrides become inherited
    /// indicators with every threshold explicit (missing parts taken from the base), and
    /// added indicators go into their criterion.
    pub fn from_set(
        set: &CriteriaSet,
        base: Option<&ResolvedSet>,
    ) -> Result<AuthoredSet, FromSetError> {
        if set.amends.is_some() {
            return Err(FromSetError::Amendment);
        }
        let mut out = AuthoredSet {
            id: set.id.clone(),
            version: set.version.clone(),
            level: set.level,
            category: set.category.clone(),
            title_vi: set.title_vi.clone(),
            title_en: set.title_en.clone(),
            recognition_label: set.recognition_label.clone(),
            valid_from: set.valid_from,
            valid_to: set.valid_to,
            extends: set.extends.as_ref().map(|e| AuthoredExtends {
                id: e.id.clone(),
                version: e.version.clone(),
            }),
            completeness: set.completeness,
            evidence_required: set.evidence_required,
            applies_to: set.applies_to.clone(),
            prerequisites: set.prerequisites.clone(),
            legal_basis: set
                .legal_basis
                .iter()
                .map(|l| AuthoredLegalBasis {
                    doc: l.doc.clone(),
                    date: l.date.clone(),
                    issuer: l.issuer.clone(),
                    role: l.role.clone(),
                    title: l.title.clone(),
                    note: l.note.clone(),
                    sources: l.sources.clone(),
                    url: l.url.clone(),
                })
                .collect(),
            sources: set
                .sources
                .iter()
                .map(|(k, s)| (k.clone(), source(s)))
                .collect(),
            special_rules: set
                .special_rules
                .iter()
                .map(|r| AuthoredSpecialRule {
                    id: r.id.clone(),
                    text_vi: r.text_vi.clone(),
                    evaluate_with_region: r.evaluate_with_region,
                    provenance: r.provenance,
                    sources: r.sources.clone(),
                })
                .collect(),
            notes: set.notes.clone(),
            preconditions: Vec::new(),
            criteria: Vec::new(),
        };
        let own_criteria = set.criteria.iter().map(|c| AuthoredCriterion {
            number: c.number,
            name_vi: c.name_vi.clone(),
            name_en: c.name_en.clone(),
            group: c.group.clone(),
            pass: c.pass,
            inherited: false,
            provenance: c.provenance,
            uncertain: c.uncertain,
            sources: c.sources.clone(),
            note: c.note.clone(),
            indicators: c.indicators.iter().map(indicator).collect(),
        });
        let Some(ext) = &set.extends else {
            out.preconditions = set.preconditions.iter().map(indicator).collect();
            out.criteria = own_criteria.collect();
            return Ok(out);
        };
        let base = match base {
            Some(b) if b.id == ext.id => b,
            _ => return Err(FromSetError::BaseNeeded(ext.id.clone())),
        };
        if !set.remove_indicators.is_empty() {
            return Err(FromSetError::Removal);
        }
        let name = out.title_vi.clone();
        let mut shell = AuthoredSet::extending(&out.id, &out.version, &name, out.valid_from, base);
        out.criteria = std::mem::take(&mut shell.criteria);
        for ov in &set.overrides {
            let idx = base
                .indicator_index(&ov.code)
                .ok_or_else(|| FromSetError::UnknownOverride(ov.code.clone()))?;
            let b = base.indicator(idx);
            let mut ind = indicator(b);
            ind.inherited = true;
            ind.provenance = ov.provenance.unwrap_or(b.provenance);
            ind.uncertain = ov.uncertain.unwrap_or(false);
            ind.source = None;
            ind.sources = Vec::new();
            ind.note = ov.note.clone();
            if let Some(n) = &ov.name_vi {
                ind.name_vi = Some(n.clone());
            }
            let from_ov = |t: &Threshold| threshold(t);
            match &ov.threshold {
                Some(t) => ind.threshold = t.as_ref().map(from_ov),
                None => {
                    // Taken from the base: explicit with the base indicator's provenance.
                    if let Some(t) = &mut ind.threshold {
                        t.provenance = t.provenance.or(Some(b.provenance));
                        t.uncertain = t.uncertain.or(Some(b.uncertain));
                        if t.sources.is_empty() && t.source.is_none() {
                            t.sources = b.sources.clone();
                            t.source = b.source.clone();
                        }
                    }
                }
            }
            if let Some(v) = &ov.by_region {
                ind.by_region = variation(v, Region::code);
            }
            if let Some(v) = &ov.by_group {
                ind.by_group = variation(v, CommuneGroup::code);
            }
            let uncertain = ov.uncertain.unwrap_or(false);
            explicit(
                &mut ind,
                ov.provenance.unwrap_or(b.provenance),
                uncertain,
                ov.source.as_ref(),
                &ov.sources,
            );
            copy_cited(&ind, base, &mut out.sources);
            match base.criterion_of(idx) {
                None => out.preconditions.push(ind),
                Some(ci) => {
                    let number = base.criteria[ci].number;
                    if let Some(c) = out.criteria.iter_mut().find(|c| c.number == number) {
                        c.indicators.push(ind);
                    }
                }
            }
        }
        for a in &set.add_indicators {
            let c = out
                .criteria
                .iter_mut()
                .find(|c| c.number == a.criterion)
                .ok_or(FromSetError::UnknownCriterion(a.criterion))?;
            c.indicators.push(indicator(&a.indicator));
        }
        out.preconditions
            .extend(set.preconditions.iter().map(indicator));
        out.criteria.extend(own_criteria);
        Ok(out)
    }

    /// A stand-alone copy of a resolved set (a shipped version, amendments applied): the
    /// starting draft of a new version of that set. Extending sets keep their `extends`
    /// only through [`AuthoredSet::from_set`]; this makes a full set.
    /// A version with an amendment whose content is missing (`amendment_pending`) gives
    /// thresholds marked uncertain: they still "need verification" in the copy.
    pub fn from_resolved(set: &ResolvedSet) -> AuthoredSet {
        let pre = &set.indicators[..set.n_preconditions];
        let mut out = AuthoredSet {
            id: set.id.clone(),
            version: set.version.clone(),
            level: set.level,
            category: set.category.clone(),
            title_vi: set.title_vi.clone(),
            title_en: set.title_en.clone(),
            recognition_label: set.recognition_label.clone(),
            valid_from: set.valid_from,
            valid_to: set.valid_to,
            extends: None,
            completeness: set.completeness,
            evidence_required: Some(set.evidence_required),
            applies_to: set.applies_to.clone(),
            prerequisites: set.prerequisites.clone(),
            legal_basis: set
                .legal_basis
                .iter()
                .map(|l| AuthoredLegalBasis {
                    doc: l.doc.clone(),
                    date: l.date.clone(),
                    issuer: l.issuer.clone(),
                    role: l.role.clone(),
                    title: l.title.clone(),
                    note: l.note.clone(),
                    sources: l.sources.clone(),
                    url: l.url.clone(),
                })
                .collect(),
            sources: set
                .sources
                .iter()
                .map(|(k, s)| (k.clone(), source(s)))
                .collect(),
            special_rules: set
                .special_rules
                .iter()
                .map(|r| AuthoredSpecialRule {
                    id: r.id.clone(),
                    text_vi: r.text_vi.clone(),
                    evaluate_with_region: r.evaluate_with_region,
                    provenance: r.provenance,
                    sources: r.sources.clone(),
                })
                .collect(),
            notes: set.notes.clone(),
            preconditions: pre.iter().map(indicator).collect(),
            criteria: set
                .criteria
                .iter()
                .map(|c| AuthoredCriterion {
                    number: c.number,
                    name_vi: c.name_vi.clone(),
                    name_en: None,
                    group: c.group.clone(),
                    pass: c.pass,
                    inherited: false,
                    provenance: c.provenance,
                    uncertain: c.uncertain,
                    sources: Vec::new(),
                    note: None,
                    indicators: set.indicators[c.first..c.first + c.len]
                        .iter()
                        .map(indicator)
                        .collect(),
                })
                .collect(),
        };
        if set.amendment_pending {
            let mark = |t: &mut AuthoredThreshold| t.uncertain = Some(true);
            for ind in out.preconditions.iter_mut().chain(
                out.criteria
                    .iter_mut()
                    .flat_map(|c| c.indicators.iter_mut()),
            ) {
                if let Some(t) = &mut ind.threshold {
                    mark(t);
                }
                for v in [&mut ind.by_region, &mut ind.by_group] {
                    if let Variation::Known(m) = v {
                        m.values_mut().flatten().for_each(mark);
                    }
                }
            }
            out.notes.push(
                "Copied from a version with an amendment whose content was not retrieved: \
                 every threshold is marked uncertain until it is checked."
                    .into(),
            );
        }
        out
    }
}
