//! Types of a criteria-set file, as parsed (before `extends`/`amends` are resolved).
//!
//! The format is described in `docs/criteria-format.md`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::units::{Level, Region};

/// One problem in a criteria file: `file:line: field: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetError {
    pub file: String,
    /// 1-based line; 0 when the problem is not tied to a line.
    pub line: usize,
    /// Path of the field, e.g. `criteria[2].indicators[0].threshold.op`; empty for the file.
    pub field: String,
    pub message: String,
}

impl fmt::Display for SetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if !self.field.is_empty() {
            write!(f, ": {}", self.field)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for SetError {}

/// What kind of value an indicator is measured in, as written in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Boolean,
    Percent,
    Number,
    Count,
    Level,
    /// Computed over other evaluations; the value kind follows from the measure.
    Derived,
}

impl Kind {
    pub const ALL: [Kind; 6] = [
        Kind::Boolean,
        Kind::Percent,
        Kind::Number,
        Kind::Count,
        Kind::Level,
        Kind::Derived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Boolean => "boolean",
            Kind::Percent => "percent",
            Kind::Number => "number",
            Kind::Count => "count",
            Kind::Level => "level",
            Kind::Derived => "derived",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The kind of an observed value (a derived indicator takes the kind of its measure).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueKind {
    Boolean,
    Percent,
    Number,
    Count,
    Level,
}

impl ValueKind {
    /// The values an indicator of `kind` takes (`None` for a derived one: its measure says).
    pub fn from_kind(kind: Kind) -> Option<ValueKind> {
        match kind {
            Kind::Boolean => Some(ValueKind::Boolean),
            Kind::Percent => Some(ValueKind::Percent),
            Kind::Number => Some(ValueKind::Number),
            Kind::Count => Some(ValueKind::Count),
            Kind::Level => Some(ValueKind::Level),
            Kind::Derived => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ValueKind::Boolean => "boolean",
            ValueKind::Percent => "percent",
            ValueKind::Number => "number",
            ValueKind::Count => "count",
            ValueKind::Level => "level",
        }
    }
}

/// Comparison of a threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Op {
    /// value ≥ threshold
    #[serde(rename = ">=")]
    Ge,
    /// value ≤ threshold
    #[serde(rename = "<=")]
    Le,
    /// value = threshold
    #[serde(rename = "==")]
    Eq,
    /// value is one of a list
    #[serde(rename = "in")]
    In,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Ge => ">=",
            Op::Le => "<=",
            Op::Eq => "==",
            Op::In => "in",
        }
    }

    pub fn parse(s: &str) -> Option<Op> {
        match s {
            ">=" => Some(Op::Ge),
            "<=" => Some(Op::Le),
            "==" => Some(Op::Eq),
            "in" => Some(Op::In),
            _ => None,
        }
    }
}

/// Where a fact (a threshold, a name, a rule) comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    /// Read in a retrieved source (cited by `source` / `sources`).
    Sourced,
    /// The researcher's recollection of the legal text, not confirmed.
    Recalled,
    /// Derived by the researcher from sourced facts; not legal text.
    Inferred,
    /// Cited by another research file; the page itself was not read.
    Secondary,
}

impl Provenance {
    pub const ALL: [Provenance; 4] = [
        Provenance::Sourced,
        Provenance::Recalled,
        Provenance::Inferred,
        Provenance::Secondary,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Provenance::Sourced => "sourced",
            Provenance::Recalled => "recalled",
            Provenance::Inferred => "inferred",
            Provenance::Secondary => "secondary",
        }
    }

    pub fn parse(s: &str) -> Option<Provenance> {
        Provenance::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// Value of a threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ThresholdValue {
    Bool(bool),
    Num(f64),
    List(Vec<f64>),
}

/// A pass condition `{op, value, text}` with optional provenance of its own
/// (otherwise the indicator's provenance applies).
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    pub op: Op,
    pub value: ThresholdValue,
    /// Wording in the legal table ("Đạt", "≥70%", ...).
    pub text: Option<String>,
    pub provenance: Option<Provenance>,
    pub uncertain: Option<bool>,
    pub source: Option<String>,
    pub source_date: Option<String>,
    pub sources: Vec<String>,
    pub relative_to: Option<String>,
    pub note: Option<String>,
    pub line: usize,
}

/// Thresholds that differ by a property of the unit (region or commune group).
#[derive(Debug, Clone, PartialEq)]
pub enum Varying<K: Ord> {
    /// `null` in the file: not known whether (or how) the threshold differs.
    Unknown,
    /// Entries that differ from the general threshold; a `None` entry is known to differ
    /// but its value is missing. An empty map: the same everywhere.
    Known(BTreeMap<K, Option<Threshold>>),
}

impl<K: Ord> Varying<K> {
    pub fn same_everywhere() -> Self {
        Varying::Known(BTreeMap::new())
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Varying::Known(m) if m.is_empty())
    }
}

/// A commune group of the 2026–2030 set (QĐ 51/2025: nhóm 1/2/3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CommuneGroup {
    Nhom1,
    Nhom2,
    Nhom3,
}

impl CommuneGroup {
    pub const ALL: [CommuneGroup; 3] = [
        CommuneGroup::Nhom1,
        CommuneGroup::Nhom2,
        CommuneGroup::Nhom3,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CommuneGroup::Nhom1 => "nhom-1",
            CommuneGroup::Nhom2 => "nhom-2",
            CommuneGroup::Nhom3 => "nhom-3",
        }
    }

    pub fn parse(s: &str) -> Option<CommuneGroup> {
        CommuneGroup::ALL.into_iter().find(|g| g.code() == s.trim())
    }
}

/// How a derived indicator is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// % of the child units supplied for `set` that meet it.
    ShareOfChildrenMeeting,
    /// Number of the child units supplied for `set` that meet it.
    CountOfChildrenMeeting,
    /// Whether the unit itself meets `set`.
    MeetsSet,
    /// Whether the unit meets every criterion of this very set.
    AllCriteriaMet,
}

impl Measure {
    pub const ALL: [Measure; 4] = [
        Measure::ShareOfChildrenMeeting,
        Measure::CountOfChildrenMeeting,
        Measure::MeetsSet,
        Measure::AllCriteriaMet,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Measure::ShareOfChildrenMeeting => "share_of_children_meeting",
            Measure::CountOfChildrenMeeting => "count_of_children_meeting",
            Measure::MeetsSet => "meets_set",
            Measure::AllCriteriaMet => "all_criteria_met",
        }
    }

    pub fn parse(s: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn value_kind(self) -> ValueKind {
        match self {
            Measure::ShareOfChildrenMeeting => ValueKind::Percent,
            Measure::CountOfChildrenMeeting => ValueKind::Count,
            Measure::MeetsSet | Measure::AllCriteriaMet => ValueKind::Boolean,
        }
    }

    /// Whether the measure names another set.
    pub fn needs_set(self) -> bool {
        !matches!(self, Measure::AllCriteriaMet)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DerivedRule {
    pub measure: Measure,
    /// Id of the set the measure is about (None for `all_criteria_met`).
    pub set: Option<String>,
    /// Level of the child units counted (informational, e.g. `commune`).
    pub child_level: Option<Level>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub code: String,
    /// `None`: the wording was not retrieved.
    pub name_vi: Option<String>,
    /// English name (optional, for the English pages).
    pub name_en: Option<String>,
    pub kind: Kind,
    pub unit: Option<String>,
    /// General threshold (`chỉ tiêu chung`); `None` = missing.
    pub threshold: Option<Threshold>,
    pub by_region: Varying<Region>,
    pub by_group: Varying<CommuneGroup>,
    pub derived: Option<DerivedRule>,
    /// What the value measures when it is computed elsewhere (survey module, another set not modelled).
    pub measured_as: Option<String>,
    /// The platform measure the value is computed from (`computed_from:`), instead of being
    /// typed: a product binding, not legal text (`crate::measures`).
    pub computed_from: Option<crate::measures::MeasureKey>,
    pub provenance: Provenance,
    pub uncertain: bool,
    pub confidence: Option<String>,
    /// Code or row standing for indicators not captured yet ("6.x", "9.1-9.4").
    pub placeholder: bool,
    /// Whether a value needs evidence (a note or a file) before it is submitted; `None`:
    /// the set's `evidence_required` applies. A product policy, not legal text.
    pub evidence_required: Option<bool>,
    pub source: Option<String>,
    pub source_date: Option<String>,
    pub sources: Vec<String>,
    pub note: Option<String>,
    pub line: usize,
}

impl Indicator {
    /// Kind of the values this indicator takes.
    pub fn value_kind(&self) -> ValueKind {
        match self.kind {
            Kind::Boolean => ValueKind::Boolean,
            Kind::Percent => ValueKind::Percent,
            Kind::Number => ValueKind::Number,
            Kind::Count => ValueKind::Count,
            Kind::Level => ValueKind::Level,
            Kind::Derived => self
                .derived
                .as_ref()
                .map(|d| d.measure.value_kind())
                .unwrap_or(ValueKind::Boolean),
        }
    }

    /// Whether some threshold value is known (general, by region or by group).
    pub fn has_any_threshold(&self) -> bool {
        let any =
            |v: &Varying<_>| matches!(v, Varying::Known(m) if m.values().any(Option::is_some));
        self.threshold.is_some() || any(&self.by_region) || {
            matches!(&self.by_group, Varying::Known(m) if m.values().any(Option::is_some))
        }
    }

    /// The provenance that applies to the threshold (its own, else the indicator's).
    pub fn threshold_provenance(&self) -> Option<Provenance> {
        if !self.has_any_threshold() {
            return None;
        }
        Some(
            self.threshold
                .as_ref()
                .and_then(|t| t.provenance)
                .unwrap_or(self.provenance),
        )
    }
}

/// How the indicators of a criterion combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pass {
    /// Met when every indicator is met (the usual rule).
    All,
    /// Met when any indicator is met (alternatives, e.g. "A hoặc B").
    Any,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Criterion {
    pub number: u16,
    pub name_vi: String,
    /// English name (optional, for the English pages).
    pub name_en: Option<String>,
    pub group: Option<String>,
    pub pass: Pass,
    pub provenance: Option<Provenance>,
    pub uncertain: bool,
    pub sources: Vec<String>,
    pub source: Option<String>,
    pub note: Option<String>,
    pub indicators: Vec<Indicator>,
    pub line: usize,
}

/// Completeness of the captured content of a set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Completeness {
    Complete,
    Partial,
    Skeleton,
    NotRetrieved,
}

impl Completeness {
    pub const ALL: [Completeness; 4] = [
        Completeness::Complete,
        Completeness::Partial,
        Completeness::Skeleton,
        Completeness::NotRetrieved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Completeness::Complete => "complete",
            Completeness::Partial => "partial",
            Completeness::Skeleton => "skeleton",
            Completeness::NotRetrieved => "not_retrieved",
        }
    }

    pub fn parse(s: &str) -> Option<Completeness> {
        Completeness::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Web address; or `doc`, a document held by the project (e.g. a seed text), or the
    /// number of a legal document ("12/2026/QĐ-UBND").
    pub url: Option<String>,
    pub doc: Option<String>,
    pub what: Option<String>,
    pub date: Option<String>,
    /// Who issued the document (e.g. "UBND tỉnh Vĩnh Long"); a legal basis entered in the
    /// product's editor.
    pub issuer: Option<String>,
    /// Article, clause or appendix the value is read from ("Điều 2, Phụ lục I").
    pub article: Option<String>,
    /// SHA-256 (hex) of the document's PDF uploaded as evidence (content-addressed under the
    /// data dir); `file_name` is the name it was uploaded with.
    pub file_sha256: Option<String>,
    pub file_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegalBasis {
    pub doc: String,
    pub date: Option<String>,
    pub issuer: Option<String>,
    pub role: String,
    pub title: Option<String>,
    pub note: Option<String>,
    pub sources: Vec<String>,
    pub url: Option<String>,
}

/// `extends: {id, version}`: a provincial set built on a national one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtendsRef {
    pub id: String,
    /// `None`: the version in force when the extending set takes effect.
    pub version: Option<String>,
    pub line: usize,
}

/// A rule that changes how a unit is evaluated (QĐ 318: disadvantaged communes use the
/// TDMNPB column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecialRule {
    pub id: String,
    pub text_vi: String,
    pub evaluate_with_region: Option<Region>,
    pub provenance: Provenance,
    pub sources: Vec<String>,
}

/// Changes an extending or amending set makes to one inherited indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    pub code: String,
    pub name_vi: Option<String>,
    /// `Some(None)`: set to missing; `None`: unchanged.
    pub threshold: Option<Option<Threshold>>,
    pub by_region: Option<Varying<Region>>,
    pub by_group: Option<Varying<CommuneGroup>>,
    pub provenance: Option<Provenance>,
    pub uncertain: Option<bool>,
    pub source: Option<String>,
    pub source_date: Option<String>,
    pub sources: Vec<String>,
    pub note: Option<String>,
    pub line: usize,
}

/// An indicator an extending or amending set adds to a criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct AddedIndicator {
    pub criterion: u16,
    pub indicator: Indicator,
}

/// Whether the content of an amendment is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangesStatus {
    Complete,
    Partial,
    NotRetrieved,
}

impl ChangesStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangesStatus::Complete => "complete",
            ChangesStatus::Partial => "partial",
            ChangesStatus::NotRetrieved => "not_retrieved",
        }
    }

    pub fn parse(s: &str) -> Option<ChangesStatus> {
        [
            ChangesStatus::Complete,
            ChangesStatus::Partial,
            ChangesStatus::NotRetrieved,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// One criteria-set file, parsed and validated on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct CriteriaSet {
    pub file: String,
    pub id: String,
    pub version: String,
    pub level: Level,
    pub title_vi: String,
    /// English title (`title_en`), when the file gives one.
    pub title_en: Option<String>,
    pub category: Option<String>,
    pub recognition_label: Option<String>,
    pub valid_from: Date,
    /// Inclusive; `None`: open.
    pub valid_to: Option<Date>,
    pub extends: Option<ExtendsRef>,
    /// Version (of the same id) this file amends.
    pub amends: Option<String>,
    pub amends_line: usize,
    pub changes_status: Option<ChangesStatus>,
    pub completeness: Completeness,
    /// Default for the set's indicators: values need evidence (a note or a file) before
    /// they are submitted. `None`: not said (an amending or extending file inherits).
    pub evidence_required: Option<bool>,
    /// `applies_to.unit_kinds`: the unit kinds (official `kind` strings: Xã, Phường, …) the
    /// set applies to. `None`: not said (all units of the level; an amending or extending
    /// file inherits its base's).
    pub applies_to: Option<Vec<String>>,
    pub prerequisites: Vec<String>,
    pub prerequisites_line: usize,
    pub legal_basis: Vec<LegalBasis>,
    pub sources: BTreeMap<String, Source>,
    pub special_rules: Vec<SpecialRule>,
    pub preconditions: Vec<Indicator>,
    pub criteria: Vec<Criterion>,
    pub overrides: Vec<Override>,
    pub add_indicators: Vec<AddedIndicator>,
    /// Codes removed by an amendment, with their lines.
    pub remove_indicators: Vec<(String, usize)>,
    pub notes: Vec<String>,
}

impl CriteriaSet {
    /// All indicators: preconditions first, then criteria in order.
    pub fn indicators(&self) -> impl Iterator<Item = &Indicator> {
        self.preconditions
            .iter()
            .chain(self.criteria.iter().flat_map(|c| c.indicators.iter()))
    }
}

/// Parses `2021` (a year) or `2022-03-08` (a date). `end`: a bare year means 31 December.
pub(crate) fn parse_year_or_date(s: &str, end: bool) -> Option<Date> {
    let s = s.trim();
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        let y: i32 = s.parse().ok()?;
        return if end {
            Date::from_calendar_date(y, time::Month::December, 31).ok()
        } else {
            Date::from_calendar_date(y, time::Month::January, 1).ok()
        };
    }
    if s.len() == 10 && s.as_bytes()[4] == b'-' {
        return crate::text::parse_date(s);
    }
    None
}
