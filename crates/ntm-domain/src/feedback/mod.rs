//! Citizens' feedback and petitions (phản ánh, kiến nghị; issue 17, `docs/feedback.md`):
//! the state machine ([`status`]), deadlines in working days with the province's holidays
//! ([`deadline`]), the likely-duplicate rule ([`duplicates`]), the measures per unit and
//! period ([`measures`]) and the checks of what a citizen sends ([`input`]).
//!
//! Pure: dates, times, ids and random bytes are passed in.

pub mod deadline;
pub mod duplicates;
pub mod input;
pub mod measures;
pub mod routing;
pub mod status;

#[cfg(test)]
mod tests;

pub use deadline::{Timeliness, due_date, timeliness};
pub use duplicates::{DUPLICATE_DAYS, DUPLICATE_METRES, Located, distance_m, likely_duplicates};
pub use input::{
    InputError, MAX_ANSWER, MAX_PHOTOS, MAX_TEXT, check_answer, check_text, make_tracking_code,
    normalize_tracking_code,
};
pub use measures::{Figure, Measures, Record, measures};
pub use routing::{Rule, route};
pub use status::{Action, Status, StepError, next};
