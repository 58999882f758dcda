//! Criteria sets as data, and the evaluation engine.
//!
//! - [`load_all`] reads a whole folder's files (contents passed in) into a [`Catalog`].
//! - [`parse_set`] / [`parse_file`] read one YAML file (`format: ntm-criteria/1`, described in
//!   `docs/criteria-format.md`) and report every problem as `file:line: field: message`.
//! - [`resolve`] applies amendment chains (`amends`) and provincial sets (`extends` +
//!   overrides), checks cross-set references and compiles each version into a
//!   [`ResolvedSet`]; [`Catalog::set_for_year`] picks the version a year is evaluated with.
//! - [`evaluate_unit`] evaluates one unit: per indicator [`Outcome`] (met, not met with the
//!   gap, missing, or needs verification when the threshold is unconfirmed or missing), per
//!   criterion, per set. Derived indicators take child results via
//!   [`Observations::supply_children`].
//! - [`rollup`] / [`rollup_by`] summarise many units (buckets by criteria met, averages,
//!   blocking indicators); [`gaps`] and [`closest_to_meeting`] support gap analysis.
//! - [`demo`] writes deterministic, labelled sample observations for the demo (Trà Vinh
//!   2021–2024) that reproduce the province's published results.
//!
//! Pure: no IO, no clock. The loader takes file contents and a file name for messages.

pub mod authoring;
pub mod demo;
mod eval;
mod load;
mod model;
mod ocop;
pub(crate) mod resolve;
mod rollup;
mod value;
pub mod words;
mod yaml;

#[cfg(test)]
mod tests;

pub use eval::{
    Caveats, ChildTally, CriterionResult, EvalError, Gap, ObsError, ObsProblem, Observations,
    Outcome, Status, Tentative, UnitCtx, UnitEvaluation, evaluate_unit,
};
pub use load::{CriteriaFile, FORMAT, parse_file, parse_ocop, parse_set};
pub use model::{
    AddedIndicator, ChangesStatus, CommuneGroup, Completeness, CriteriaSet, Criterion, DerivedRule,
    ExtendsRef, Indicator, Kind, LegalBasis, Measure, Op, Override, Pass, Provenance, SetError,
    Source, SpecialRule, Threshold, ThresholdValue, ValueKind, Varying,
};
pub use ocop::{OcopError, OcopLevel, OcopPart, OcopScheme, StarBand};
pub use resolve::{Catalog, LookupError, ResolvedCriterion, ResolvedSet, resolve};
pub use rollup::{
    Blocking, Bucket, Closeness, GapItem, Rollup, RollupAcc, bucket_edges, closest_to_meeting,
    gaps, rollup, rollup_by,
};
pub use value::{Value, ValueError};

/// Everything read from a folder of criteria files.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub catalog: Catalog,
    pub ocop: Vec<OcopScheme>,
}

/// Parses every `(file name, contents)` and resolves the sets; all problems of all files are
/// reported together (the caller reads the files: this crate does no IO).
pub fn load_all<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Loaded, Vec<SetError>> {
    let mut sets = Vec::new();
    let mut ocop = Vec::new();
    let mut errors = Vec::new();
    for (name, text) in files {
        match parse_file(name, text) {
            Ok(CriteriaFile::Set(s)) => sets.push(s),
            Ok(CriteriaFile::Ocop(o)) => ocop.push(o),
            Err(e) => errors.extend(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let catalog = resolve(sets)?;
    Ok(Loaded { catalog, ocop })
}

/// Provenance of an indicator's threshold, for counts and displays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ThresholdStatus {
    /// Read in a source and not marked uncertain.
    Confirmed,
    /// Read in a (secondary) source but marked uncertain.
    SourcedUncertain,
    Recalled,
    /// Inferred or cited second-hand.
    Other,
    /// No value known.
    Missing,
}

impl Indicator {
    /// Where the threshold stands: confirmed, sourced but uncertain, recalled, other, missing.
    pub fn threshold_status(&self) -> ThresholdStatus {
        let Some(p) = self.threshold_provenance() else {
            return ThresholdStatus::Missing;
        };
        let uncertain = self
            .threshold
            .as_ref()
            .and_then(|t| t.uncertain)
            .unwrap_or(self.uncertain);
        match (p, uncertain) {
            (Provenance::Sourced, false) => ThresholdStatus::Confirmed,
            (Provenance::Sourced, true) => ThresholdStatus::SourcedUncertain,
            (Provenance::Recalled, _) => ThresholdStatus::Recalled,
            _ => ThresholdStatus::Other,
        }
    }
}
