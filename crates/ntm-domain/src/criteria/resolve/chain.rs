//! Ordering the sets, following `amends` chains and building each version's content.

use std::collections::BTreeMap;

use time::Date;

use crate::units::Level;

use super::compile::compile;
use super::inherit::inherit;
use super::{
    Catalog, CriteriaSet, Criterion, Indicator, LegalBasis, ResolvedSet, SetError, Source,
    SpecialRule,
};

/// Content being built for one (id, version).
#[derive(Clone)]
pub(super) struct Built {
    pub(super) level: Level,
    pub(super) criteria: Vec<Criterion>,
    pub(super) preconditions: Vec<Indicator>,
    pub(super) sources: BTreeMap<String, Source>,
    pub(super) legal_basis: Vec<LegalBasis>,
    pub(super) special_rules: Vec<SpecialRule>,
    pub(super) prerequisites: Vec<String>,
    pub(super) amendment_pending: bool,
    pub(super) valid_to: Option<Date>,
    pub(super) extends: Option<(String, String)>,
    pub(super) evidence_required: bool,
    pub(super) applies_to: Option<Vec<String>>,
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
    match crate::criteria::yaml::suggest(id, ids) {
        Some(s) => format!("unknown criteria set `{id}` (did you mean `{s}`?)"),
        None => format!("unknown criteria set `{id}`: no file defines it"),
    }
}

pub(super) fn err(file: &str, line: usize, field: &str, message: String) -> SetError {
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
