//! Recognition dossiers (hồ sơ xét, công nhận) following QĐ 18/2022/QĐ-TTg, amended by
//! QĐ 03/2024/QĐ-TTg: the procedure as data ([`procedure`]), the state machine ([`machine`]),
//! working days and deadlines ([`calendar`]) and the satisfaction survey ([`survey`]).
//!
//! Pure: dates, ids and random bytes are passed in. See `docs/recognition-workflow.md`.

pub mod calendar;
pub mod campaign;
pub mod machine;
pub mod procedure;
pub mod survey;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use calendar::{
    Deadline, HolidayCalendar, NationalDayExtra, deadline, fixed_date_holidays, is_overdue,
};
pub use machine::{
    Action, ActionKind, Decision, Dossier, DossierEvent, DossierState, Facts, ReturnRecord,
    Transition, Verdict, WorkflowError, apply, apply_with, check_recognition,
};
pub use procedure::{
    Basis, DayUnit, DocumentKind, DossierKind, LimitKind, Period, Procedure, ProcedureError,
    RevocationFacts, SatisfactionThreshold, Step, StepKind, TWO_TIER_FROM, TimeLimit,
    revocation_grounds_2021_2025,
};
pub use survey::{SatisfactionRate, SurveyResponse, SurveyResult, tally};
