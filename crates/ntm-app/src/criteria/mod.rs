//! Criteria sets, observed indicator values and evaluations.
//!
//! The sets are the YAML files of `data/criteria`, embedded in the binary and resolved once
//! per process ([`catalog`]). Values are stored per unit record, set id and year as text,
//! append-only (a change is a new version; see `ntm_store::observations`).
//!
//! **Which units a year is evaluated on.** A year is evaluated on the units valid on
//! [`evaluation_date`]: 31 December of the year, or the last day the set version is in force
//! if that comes earlier (a 2021–2025 set evaluated for 2025 uses 30 June 2025, the last
//! day of the pre-reform units: districts were abolished on 1 July 2025).
//!
//! One file per responsibility: [`catalog`](mod@catalog) (the shipped sets, lookups, lists),
//! [`observations`] (entering and importing values), [`evidence`] (files attached to a
//! value), [`review`](mod@review) (submit, verify, return), [`evaluation`] (evaluating units and
//! roll-ups), [`views`] (what pages show of a result) and [`scorecard`](mod@scorecard) (the
//! commune scorecard and which set and year it opens on); [`page`](mod@page) (what each
//! scorecard page shows, in one call).

mod catalog;
mod evaluation;
mod evidence;
mod observations;
mod packed;
mod page;
mod review;
mod scorecard;
mod verified;
mod views;

pub(crate) use catalog::lookup_set;
pub(crate) use catalog::unit_in_year;
pub use catalog::{
    EMBEDDED, SetSummary, catalog, catalog_with, evaluation_date, list_sets, set_years,
    sets_for_level,
};
pub(crate) use evaluation::{
    applicable_units, ctx_of, current_values_packed, evaluate_packed, province_region, rollup_view,
};
pub use evaluation::{evaluate, gaps};
pub use evidence::{EvidenceInput, MAX_EVIDENCE_BYTES, attach_evidence, evidence_file};
pub use ntm_store::{ObservationFile, ObservationRecord};
pub use observations::{
    ImportObsReport, ImportRow, MAX_NOTE_CHARS, ValueBatch, ValueEntryError, ValueInput, ValueRef,
    current_versions, history, import_observations, parse_observation_rows, put_observations,
    put_value,
};
pub(crate) use packed::PackedValues;
pub use page::{
    EvidencePage, EvidenceRefusal, ReviewOutcome, ReviewRefusal, ScorecardPage, ScorecardRequest,
    ValueHistory, ValueOnPage, ValueRefusal, attach_evidence_on_page, evidence_view,
    put_value_on_page, review_on_page, scorecard_page, scorecard_view, value_history,
};
pub use review::{
    EVIDENCE_FIELD, FOUR_EYES_FIELD, MAX_COMMENT_CHARS, StatusChange, change_status, review,
};
pub use scorecard::{Scorecard, ScorecardChoice, choose_scorecard, default_year, scorecard};
pub use verified::VerifiedResult;
pub(crate) use verified::{evaluate_verified, verified_outcomes};
pub use views::{
    BlockingView, BucketView, ChildResult, CriterionView, Evaluation, IndicatorView, NotApplicable,
    RollupView, ThresholdView, UnitResult, basis_text, threshold_view,
};
pub(crate) use views::{ser_date, ser_opt_date};

/// Checks `p` on the unit record of the year, following lineage (see [`crate::access`]).
pub(crate) use crate::access::require_on_unit;
