//! Compiling a built set: the threshold of each (region, commune group) slot.

use crate::units::Region;

use super::chain::Built;
use super::{
    CommuneGroup, CriteriaSet, Eff, GROUP_SLOTS, Indicator, Measure, Op, Provenance,
    ResolvedCriterion, ResolvedSet, SLOTS, SetError, Threshold, ThresholdValue, Varying,
};
use crate::criteria::eval::Caveats;

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

pub(super) fn compile(s: &CriteriaSet, b: &Built, _errors: &mut [SetError]) -> ResolvedSet {
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
