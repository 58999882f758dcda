//! The whole sample for Trà Vinh, and evaluating it with the real engine.

use std::collections::BTreeMap;

use super::standing::plan;
use super::values::{Rng, commune_values, text_of};
use super::{
    ADVANCED_SET, DemoCommune, DemoError, MODEL_SET, NTM_SET, SAMPLE_NOTE, SampleObservation,
    YEARS, counts_as_meeting, evaluation_year, sample_set,
};
use crate::criteria::eval::{Observations, UnitCtx, UnitEvaluation, evaluate_unit};
use crate::criteria::resolve::{Catalog, ResolvedSet};

/// The sample values of every xã of `communes` (the 85 xã of Trà Vinh, e.g. from
/// [`tra_vinh_communes`]) for `year` (2021–2024): xã NTM and NTM nâng cao values every year,
/// kiểu mẫu values from 2022 (derived indicators are left out: the engine computes them).
/// 2024 repeats the 2023 values (nothing was published for 2024).
pub fn tra_vinh_sample(
    catalog: &Catalog,
    communes: &[DemoCommune],
    year: i32,
) -> Result<Vec<SampleObservation>, DemoError> {
    if !YEARS.contains(&year) {
        return Err(DemoError::YearNotCovered { year });
    }
    let st = plan(communes)?;
    let data_year = year.min(2023);
    let carried = (year != data_year).then_some(data_year);
    let mut sets = vec![NTM_SET, ADVANCED_SET];
    if data_year >= 2022 {
        sets.push(MODEL_SET);
    }
    let mut out = Vec::new();
    for id in sets {
        let set = sample_set(catalog, id, year)?;
        for (c, s) in communes.iter().zip(&st) {
            let (meets, misses) = match id {
                NTM_SET => {
                    let h = Rng::new(&[&c.code, "n"]).next();
                    (s.ntm(data_year), 3 + (h % 4) as usize)
                }
                ADVANCED_SET => (s.advanced(data_year), 1),
                _ => (s.model(data_year), 2),
            };
            for (i, value) in commune_values(set, c, data_year, meets, misses) {
                out.push(SampleObservation {
                    unit_code: c.code.clone(),
                    set_id: id,
                    set_version: set.version.clone(),
                    year,
                    indicator_code: set.indicators[i].code.clone(),
                    value,
                    value_text: text_of(value),
                    note: SAMPLE_NOTE,
                    carried_forward_from: carried,
                });
            }
        }
    }
    Ok(out)
}

/// Result of one xã in the sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommuneStanding {
    pub code: String,
    pub ntm: bool,
    pub advanced: bool,
    /// None when there are no kiểu mẫu values (2021).
    pub model: Option<bool>,
}

/// Totals of a year, by the demo's rule ([`counts_as_meeting`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleTally {
    pub year: i32,
    pub ntm: u32,
    pub advanced: u32,
    pub model: Option<u32>,
    pub communes: Vec<CommuneStanding>,
}

/// Evaluates sample observations of `year` (read back from their text) with the engine and
/// counts the communes meeting each set by [`counts_as_meeting`].
pub fn evaluate_sample(
    catalog: &Catalog,
    communes: &[DemoCommune],
    observations: &[SampleObservation],
    year: i32,
) -> Result<SampleTally, DemoError> {
    let mut by_unit: BTreeMap<(&str, &str), Vec<&SampleObservation>> = BTreeMap::new();
    for o in observations.iter().filter(|o| o.year == year) {
        by_unit
            .entry((o.unit_code.as_str(), o.set_id))
            .or_default()
            .push(o);
    }
    let has_model = observations
        .iter()
        .any(|o| o.year == year && o.set_id == MODEL_SET);
    let ntm_set = sample_set(catalog, NTM_SET, year)?;
    let adv_set = sample_set(catalog, ADVANCED_SET, year)?;
    let model_set = if has_model {
        Some(sample_set(catalog, MODEL_SET, year)?)
    } else {
        None
    };
    let eval = |set: &ResolvedSet, c: &DemoCommune, own: Option<(&str, &UnitEvaluation)>| {
        let mut obs = Observations::new(set);
        for o in by_unit
            .get(&(c.code.as_str(), set.id.as_str()))
            .into_iter()
            .flatten()
        {
            obs.set_text(set, &o.indicator_code, &o.value_text)
                .map_err(DemoError::Observation)?;
        }
        if let Some((other, e)) = own {
            obs.supply_own(set, other, e);
        }
        evaluate_unit(
            set,
            &UnitCtx::commune(c.region),
            &obs,
            evaluation_year(set, year),
        )
        .map_err(DemoError::Eval)
    };
    let mut tally = SampleTally {
        year,
        ntm: 0,
        advanced: 0,
        model: model_set.map(|_| 0),
        communes: Vec::with_capacity(communes.len()),
    };
    for c in communes {
        let e = eval(ntm_set, c, None)?;
        let ntm = counts_as_meeting(ntm_set, &e, &[]);
        let ea = eval(adv_set, c, None)?;
        let met: Vec<&str> = if ntm { vec![NTM_SET] } else { vec![] };
        let advanced = counts_as_meeting(adv_set, &ea, &met);
        let model = match model_set {
            Some(ms) => {
                let em = eval(ms, c, Some((ADVANCED_SET, &ea)))?;
                let mut met = met.clone();
                if advanced {
                    met.push(ADVANCED_SET);
                }
                Some(counts_as_meeting(ms, &em, &met))
            }
            None => None,
        };
        tally.ntm += u32::from(ntm);
        tally.advanced += u32::from(advanced);
        if let (Some(n), Some(m)) = (tally.model.as_mut(), model) {
            *n += u32::from(m);
        }
        tally.communes.push(CommuneStanding {
            code: c.code.clone(),
            ntm,
            advanced,
            model,
        });
    }
    Ok(tally)
}
