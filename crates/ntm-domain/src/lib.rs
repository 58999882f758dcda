//! Pure domain of NTM Số: no IO, no async, no SQL, no HTTP.
//!
//! Everything here is plain data and pure functions, so it is easy to test
//! (unit and property tests live next to the code).
#![forbid(unsafe_code)]

pub mod area;
pub mod audit;
pub mod authz;
pub mod criteria;
pub mod dossier;
pub mod feedback;
pub mod login_throttle;
pub mod measures;
pub mod observation;
pub mod ocop;
pub mod ogc;
pub mod plans;
pub mod portal;
pub mod reports;
pub mod snapshot;
pub mod succession;
pub mod text;
pub mod tourism;
pub mod trace;
pub mod units;
mod yaml;

pub use units::{Level, LineageKind, Region, Unit, UnitRow};
