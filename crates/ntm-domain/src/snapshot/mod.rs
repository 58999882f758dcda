//! Reading official unit lists and turning a dated snapshot into changes.
//!
//! # How a snapshot is applied (`plan_snapshot`)
//!
//! Validity is half-open, `[valid_from, valid_to)`. A snapshot taken on `date`:
//!
//! - **Scope**: the provinces listed in the file (rows of level `province`), plus the old
//!   provinces that the mapping sends into one of them. Open province/district/commune records
//!   of those provinces that the file does not list are closed at `date`; everything outside
//!   the scope is left alone (a province may import only its own list).
//! - A row **continues** an open record with the same level and code when name, kind,
//!   parent code, materialized path and province code are all the same, except that a
//!   province whose predecessors in the mapping are other than exactly itself is a new unit
//!   (closed and reopened) — unless the open record already starts on this snapshot's start,
//!   which is what makes a second application a no-op.
//! - Otherwise the open record (if any) is closed at `date` and a new record is opened
//!   from `date` (from an unknown start for the first snapshot, `open_start`).
//! - The mapping becomes lineage (commune → commune, island district → special zone, and
//!   old province → new province), and open hamlets of closed communes follow the single
//!   successor commune when there is one, or are closed with a warning.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use time::Date;
use uuid::Uuid;

use crate::units::{Lineage, LineageKind, Region, Unit};

mod csv;
mod plan;
mod validate;
mod vocab;

#[cfg(test)]
mod tests;

pub use csv::{parse_mapping_csv, parse_regions_csv, parse_units_csv, parse_units_csv_partial};
pub use plan::plan_snapshot;
pub use validate::validate_rows;
pub use vocab::{allowed_kinds, canonical_kind, code_is_valid, kind_allowed, parent_fits};

/// A problem with one row (or the whole file when `line` is 0).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub line: usize,
    /// Column name, when the problem is in one field.
    pub field: Option<String>,
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.field, self.line) {
            (_, 0) => write!(f, "{}", self.message),
            (Some(c), l) => write!(f, "line {l}, column {c}: {}", self.message),
            (None, l) => write!(f, "line {l}: {}", self.message),
        }
    }
}

impl RowError {
    fn new(line: usize, field: Option<&str>, message: impl Into<String>) -> RowError {
        RowError {
            line,
            field: field.map(str::to_string),
            message: message.into(),
        }
    }
}

/// One row of the 2025 old→new commune table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingRow {
    pub line: usize,
    /// Empty for `district_to_special_zone` and `other`.
    pub old_commune_code: Option<String>,
    pub new_commune_code: String,
    pub old_district_code: Option<String>,
    pub old_province_code: Option<String>,
    pub new_province_code: String,
    /// whole | partial | unchanged | renamed_or_retyped | district_to_special_zone | other
    pub merge_type: String,
    pub note: String,
}

/// The values of `MappingRow::merge_type`.
pub const MERGE_TYPES: [&str; 6] = [
    "whole",
    "partial",
    "unchanged",
    "renamed_or_retyped",
    "district_to_special_zone",
    "other",
];

impl MappingRow {
    /// The lineage kind this row produces (`None` for `other`, which names no old unit).
    pub fn lineage_kind(&self) -> Option<LineageKind> {
        match self.merge_type.as_str() {
            "whole" => Some(LineageKind::Merge),
            "partial" => Some(LineageKind::Split),
            "unchanged" => Some(LineageKind::Unchanged),
            "renamed_or_retyped" => Some(LineageKind::Rename),
            "district_to_special_zone" => Some(LineageKind::Reorganize),
            _ => None,
        }
    }
}

/// Province → region, keyed by code *and* the name's search key, because the 2025
/// reform reused province codes for different provinces (80 was Long An, is Tây Ninh).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionTable {
    pub by_code_and_key: HashMap<(String, String), Region>,
}

impl RegionTable {
    pub fn region_of(&self, code: &str, name: &str) -> Option<Region> {
        self.by_code_and_key
            .get(&(code.to_string(), crate::text::search_key(name)))
            .copied()
    }
}

/// What applying a snapshot changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotPlan {
    /// Records to close: (unit id, valid_to).
    pub close: Vec<(Uuid, Date)>,
    /// New records to insert.
    pub open: Vec<Unit>,
    pub lineage: Vec<Lineage>,
    /// Records that continue untouched.
    pub unchanged: usize,
    /// Things a person should look at (e.g. hamlets that could not follow their commune).
    pub warnings: Vec<String>,
}

impl SnapshotPlan {
    pub fn is_empty(&self) -> bool {
        self.close.is_empty() && self.open.is_empty() && self.lineage.is_empty()
    }
}

/// Applies a plan to records held in memory (closes, then appends the new records).
/// The database does the same in one transaction; this is for tests and tools.
pub fn apply_plan_in_memory(units: &mut Vec<Unit>, plan: &SnapshotPlan) {
    let close: HashMap<Uuid, Date> = plan.close.iter().copied().collect();
    for u in units.iter_mut() {
        if u.valid_to.is_none()
            && let Some(d) = close.get(&u.id)
        {
            u.valid_to = Some(*d);
        }
    }
    units.extend(plan.open.iter().cloned());
}
