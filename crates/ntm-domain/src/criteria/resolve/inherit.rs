//! A provincial set's `extends`: inheriting the national content and applying overrides
//! (checked to be of the same kind and at least as strict).

use std::collections::HashMap;

use crate::units::Region;

use super::chain::{Built, err};
use super::compile::select;
use super::{
    ChangesStatus, CommuneGroup, CriteriaSet, Indicator, Op, Override, SetError, Threshold,
    ThresholdValue, ValueKind, Varying,
};

/// Applies an amending or extending file to the content of its base.
pub(super) fn inherit(
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
