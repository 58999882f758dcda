//! One criteria-set version: the draft editor (metadata, criteria, one indicator per form
//! with its thresholds by region or commune group and the legal basis of each value,
//! publish with confirmation) or, once published, the read-only view. Refusals are shown
//! next to their field with what was typed kept. Work is done by `ntm_app::criteria_sets`.

// One file per part, each with its own imports (a sibling's `pub(super)` items by path),
// and the handlers are re-exported for the route table.
mod criterion;
mod indicator;
mod indicator_form;
mod meta;
mod publish;
mod thresholds;
mod version;

pub use criterion::*;
pub use indicator::*;
pub use indicator_form::*;
pub use meta::*;
pub use publish::*;
use thresholds::*;
pub use version::*;
