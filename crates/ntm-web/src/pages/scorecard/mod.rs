//! The scorecard of one unit of a set's level (a commune with a commune set, a hamlet with
//! the smart-hamlet set): every criterion with a status light, every indicator with its
//! value, the threshold for the unit's region, evidence, who/when, history; value entry
//! with inline validation and stale-edit detection, evidence upload and download, and the
//! review (submit, verify, return with a comment).
//!
//! Works without JavaScript (forms POST and redirect back to the indicator's anchor); with
//! htmx the value form swaps just its indicator (`HX-Request` → the row fragment).

// One file per part, each with its own imports (a sibling's `pub(super)` items by path),
// and the handlers are re-exported for the route table.
mod evidence;
mod history;
mod page;
mod review;
mod rows;
mod values;
mod views;

pub use evidence::*;
pub use history::*;
pub use page::*;
pub use review::*;
use rows::*;
pub use values::*;
pub use views::*;
