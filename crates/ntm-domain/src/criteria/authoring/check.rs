//! Whole-version checks of an [`AuthoredSet`], with messages at the field of the form.

use std::collections::HashMap;

use super::edit::EditError;
use super::{
    AuthoredIndicator, AuthoredSet, AuthoredThreshold, Op, Provenance, Region, ThresholdValue,
    Variation, threshold_text,
};
use crate::criteria::model::{Indicator, Threshold, Varying};
use crate::criteria::{CommuneGroup, ResolvedSet};

/// A value weaker than the base's at one position (general, a region or a group).
#[derive(Debug, Clone, PartialEq)]
pub struct Weaker {
    pub code: String,
    /// `general`, a region code or a group id: where the weaker value is in the form.
    pub key: String,
    pub value: String,
    pub base_value: String,
    pub base: String,
}

fn to_threshold(t: &AuthoredThreshold) -> Threshold {
    Threshold {
        op: t.op,
        value: t.value.clone(),
        text: t.text.clone(),
        provenance: t.provenance,
        uncertain: t.uncertain,
        source: t.source.clone(),
        source_date: None,
        sources: t.sources.clone(),
        relative_to: None,
        note: t.note.clone(),
        line: 0,
    }
}

/// The thresholds of an authored indicator as a domain [`Indicator`] (for `select`).
fn as_indicator(i: &AuthoredIndicator) -> Indicator {
    let var = |v: &Variation| -> Option<Vec<(String, Option<Threshold>)>> {
        match v {
            Variation::Unknown => None,
            Variation::Known(m) => Some(
                m.iter()
                    .map(|(k, t)| (k.clone(), t.as_ref().map(to_threshold)))
                    .collect(),
            ),
        }
    };
    let by_region = match var(&i.by_region) {
        None => Varying::Unknown,
        Some(es) => Varying::Known(
            es.into_iter()
                .filter_map(|(k, t)| Region::parse(&k).map(|r| (r, t)))
                .collect(),
        ),
    };
    let by_group = match var(&i.by_group) {
        None => Varying::Unknown,
        Some(es) => Varying::Known(
            es.into_iter()
                .filter_map(|(k, t)| CommuneGroup::parse(&k).map(|g| (g, t)))
                .collect(),
        ),
    };
    Indicator {
        code: i.code.clone(),
        name_vi: i.name_vi.clone(),
        name_en: None,
        kind: i.kind,
        unit: i.unit.clone(),
        threshold: i.threshold.as_ref().map(to_threshold),
        by_region,
        by_group,
        derived: None,
        measured_as: None,
        computed_from: i.computed_from,
        provenance: i.provenance,
        uncertain: i.uncertain,
        confidence: None,
        placeholder: false,
        evidence_required: None,
        source: None,
        source_date: None,
        sources: Vec::new(),
        note: None,
        line: 0,
    }
}

fn at_least_as_strict(old: &Threshold, new: &Threshold) -> bool {
    match (old.op, new.op, &old.value, &new.value) {
        (Op::Ge, Op::Ge, ThresholdValue::Num(x), ThresholdValue::Num(y)) => y >= x,
        (Op::Le, Op::Le, ThresholdValue::Num(x), ThresholdValue::Num(y)) => y <= x,
        (Op::Ge, Op::Eq, ThresholdValue::Num(x), ThresholdValue::Num(y)) => y >= x,
        (Op::Le, Op::Eq, ThresholdValue::Num(x), ThresholdValue::Num(y)) => y <= x,
        (oa, ob, va, vb) => oa == ob && va == vb,
    }
}

/// Values of an inherited indicator weaker than (or removing) a known value of the base.
pub(super) fn weaker(ind: &AuthoredIndicator, base: &ResolvedSet) -> Vec<Weaker> {
    let Some(idx) = base.indicator_index(&ind.code) else {
        return Vec::new();
    };
    let old = base.indicator(idx);
    let new = as_indicator(ind);
    let kind = old.kind;
    let mut positions: Vec<(Option<Region>, Option<CommuneGroup>)> = vec![(None, None)];
    positions.extend(Region::ALL.into_iter().map(|r| (Some(r), None)));
    positions.extend(CommuneGroup::ALL.into_iter().map(|g| (None, Some(g))));
    let key_of = |r: Option<Region>, g: Option<CommuneGroup>| -> String {
        if let Some(g) = g
            && matches!(&ind.by_group, Variation::Known(m) if m.contains_key(g.code()))
        {
            return g.code().to_string();
        }
        if let Some(r) = r
            && matches!(&ind.by_region, Variation::Known(m) if m.contains_key(r.code()))
        {
            return r.code().to_string();
        }
        "general".to_string()
    };
    let base_name = format!("{}, {}", base.id, base.version);
    let mut out: Vec<Weaker> = Vec::new();
    for (r, g) in positions {
        let (Some(a), _) = crate::criteria::resolve::select(old, r, g) else {
            continue;
        };
        let key = key_of(r, g);
        if out.iter().any(|w| w.key == key) {
            continue;
        }
        let base_value = threshold_text(a.op, &a.value, kind, old.unit.as_deref());
        match crate::criteria::resolve::select(&new, r, g) {
            (Some(b), _) if at_least_as_strict(a, b) => {}
            (Some(b), _) => {
                let value = if a.op == b.op {
                    threshold_text(Op::Eq, &b.value, kind, old.unit.as_deref())
                } else {
                    threshold_text(b.op, &b.value, kind, old.unit.as_deref())
                };
                out.push(Weaker {
                    code: ind.code.clone(),
                    key,
                    value,
                    base_value,
                    base: base_name.clone(),
                });
            }
            (None, _) => out.push(Weaker {
                code: ind.code.clone(),
                key,
                value: String::new(),
                base_value,
                base: base_name.clone(),
            }),
        }
    }
    out
}

impl Weaker {
    pub fn to_error(&self) -> EditError {
        let field = format!("{}.{}.value", self.code, self.key);
        if self.value.is_empty() {
            EditError::new(
                &field,
                format!(
                    "thiếu ngưỡng: mức quốc gia là {} ({}); không được bỏ ngưỡng quốc gia",
                    self.base_value, self.base
                ),
                format!(
                    "missing threshold: the national value is {} ({}); it cannot be removed",
                    self.base_value, self.base
                ),
            )
        } else {
            EditError::new(
                &field,
                format!(
                    "ngưỡng {} yếu hơn mức quốc gia {} ({})",
                    self.value, self.base_value, self.base
                ),
                format!(
                    "threshold {} is weaker than the national value {} ({})",
                    self.value, self.base_value, self.base
                ),
            )
        }
    }
}

fn key_label(key: &str) -> String {
    if key == "general" {
        "chung".into()
    } else {
        key.to_string()
    }
}

impl AuthoredSet {
    /// Every problem of the version as it stands, at the fields of the editor: duplicate
    /// criterion numbers and indicator codes, unknown regions and groups, a value marked
    /// confirmed without its basis, a citation of an unknown basis, and (with the base of an
    /// extending version) values weaker than a known base value. Empty: ready to serialize.
    pub fn check(&self, base: Option<&ResolvedSet>) -> Vec<EditError> {
        let mut errors = Vec::new();
        let mut numbers: HashMap<u16, ()> = HashMap::new();
        for c in &self.criteria {
            if numbers.insert(c.number, ()).is_some() {
                errors.push(EditError::new(
                    &format!("criterion.{}.number", c.number),
                    format!("tiêu chí số {} bị trùng", c.number),
                    format!("criterion number {} appears twice", c.number),
                ));
            }
        }
        let mut codes: HashMap<&str, ()> = HashMap::new();
        for i in self.indicators() {
            if codes.insert(i.code.as_str(), ()).is_some() {
                errors.push(EditError::new(
                    &format!("{}.code", i.code),
                    format!("mã chỉ tiêu \"{}\" bị trùng", i.code),
                    format!("duplicate indicator code \"{}\"", i.code),
                ));
            }
            if let Some(b) = base
                && !i.inherited
                && b.indicator_index(&i.code).is_some()
            {
                errors.push(EditError::new(
                    &format!("{}.code", i.code),
                    format!(
                        "mã chỉ tiêu \"{}\" đã có trong bộ {}: hãy sửa ngưỡng của chỉ tiêu đó",
                        i.code, b.id
                    ),
                    format!(
                        "indicator code \"{}\" is already in {}: change that indicator's thresholds",
                        i.code, b.id
                    ),
                ));
            }
            for (key, t) in self.thresholds_of(i) {
                if let Some(k) = &key
                    && Region::parse(k).is_none()
                    && CommuneGroup::parse(k).is_none()
                {
                    errors.push(EditError::new(
                        &format!("{}.{k}.key", i.code),
                        format!("vùng hoặc nhóm xã không tồn tại: \"{k}\""),
                        format!("unknown region or commune group \"{k}\""),
                    ));
                }
                let key = key.unwrap_or_else(|| "general".into());
                let Some(t) = t else { continue };
                let sourced = t.provenance.unwrap_or(i.provenance) == Provenance::Sourced;
                let uncertain = t.uncertain.unwrap_or(i.uncertain);
                if sourced
                    && !uncertain
                    && t.sources.is_empty()
                    && t.source.is_none()
                    && i.sources.is_empty()
                    && i.source.is_none()
                {
                    errors.push(EditError::new(
                        &format!("{}.{key}.basis_doc", i.code),
                        format!(
                            "ngưỡng {} ({}) được đánh dấu đã xác nhận nhưng thiếu căn cứ pháp lý",
                            i.code,
                            key_label(&key)
                        ),
                        format!(
                            "the {key} threshold of {} is marked confirmed but has no legal basis",
                            i.code
                        ),
                    ));
                }
                for s in &t.sources {
                    if !self.sources.contains_key(s) {
                        errors.push(EditError::new(
                            &format!("{}.{key}.basis_doc", i.code),
                            format!("căn cứ \"{s}\" không có trong danh sách căn cứ của bộ"),
                            format!("basis \"{s}\" is not in the set's sources"),
                        ));
                    }
                }
            }
            if i.inherited
                && let Some(b) = base
            {
                if b.indicator_index(&i.code).is_none() {
                    errors.push(EditError::new(
                        &format!("{}.code", i.code),
                        format!("bộ {} không có chỉ tiêu \"{}\"", b.id, i.code),
                        format!("{} has no indicator \"{}\"", b.id, i.code),
                    ));
                }
                errors.extend(weaker(i, b).iter().map(Weaker::to_error));
            }
        }
        errors
    }

    /// `(None, general)` then `(Some(key), entry)` for every region and group entry.
    #[allow(clippy::type_complexity)]
    fn thresholds_of<'a>(
        &self,
        i: &'a AuthoredIndicator,
    ) -> Vec<(Option<String>, Option<&'a AuthoredThreshold>)> {
        let mut out = vec![(None, i.threshold.as_ref())];
        for (k, t) in i.by_region.entries().chain(i.by_group.entries()) {
            out.push((Some(k.clone()), t.as_ref()));
        }
        out
    }
}
