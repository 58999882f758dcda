//! The evaluation engine: one unit against one resolved set for one year.
//!
//! Per indicator: met, not met (with the gap to the threshold), missing (no value), or needs
//! verification (the threshold is unconfirmed or missing — never a silent pass or fail; the
//! tentative outcome on the recorded threshold is kept). Criteria and the set combine these.

use std::fmt;

use crate::units::{Level, Region};

use super::model::{CommuneGroup, Completeness, Measure, Op, Pass, ValueKind};
use super::resolve::{Eff, ResolvedSet, slot};
use super::value::{Value, ValueError};

/// Why an outcome needs verification (a set of reasons).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Caveats(u16);

impl Caveats {
    pub const NONE: Caveats = Caveats(0);
    /// No threshold value is known for this unit.
    pub const THRESHOLD_MISSING: Caveats = Caveats(1);
    /// The threshold is the researcher's recollection, not read in a source.
    pub const RECALLED: Caveats = Caveats(1 << 1);
    /// The threshold was inferred, not read in the legal text.
    pub const INFERRED: Caveats = Caveats(1 << 2);
    /// The threshold was cited by another file; its source was not read.
    pub const SECONDARY: Caveats = Caveats(1 << 3);
    /// The file marks the threshold `uncertain: true`.
    pub const UNCERTAIN: Caveats = Caveats(1 << 4);
    /// The threshold differs by region and the unit's region is not known.
    pub const REGION_UNKNOWN: Caveats = Caveats(1 << 5);
    /// The threshold differs by commune group and the unit's group is not known.
    pub const GROUP_UNKNOWN: Caveats = Caveats(1 << 6);
    /// Not known whether the threshold differs by region or group.
    pub const VARIATION_UNKNOWN: Caveats = Caveats(1 << 7);
    /// An amendment in force was not (fully) retrieved: the threshold may have changed.
    pub const AMENDMENT_PENDING: Caveats = Caveats(1 << 8);
    /// The indicator stands for indicators not captured yet.
    pub const PLACEHOLDER: Caveats = Caveats(1 << 9);
    /// A derived value depends on evaluations that are not determined yet.
    pub const UNDETERMINED_INPUT: Caveats = Caveats(1 << 10);
    /// A criterion (or set) has no indicators captured.
    pub const NO_INDICATORS: Caveats = Caveats(1 << 11);
    /// The set's content is not completely captured.
    pub const SET_INCOMPLETE: Caveats = Caveats(1 << 12);

    const NAMES: [(Caveats, &'static str); 13] = [
        (Caveats::THRESHOLD_MISSING, "threshold_missing"),
        (Caveats::RECALLED, "recalled"),
        (Caveats::INFERRED, "inferred"),
        (Caveats::SECONDARY, "secondary"),
        (Caveats::UNCERTAIN, "uncertain"),
        (Caveats::REGION_UNKNOWN, "region_unknown"),
        (Caveats::GROUP_UNKNOWN, "group_unknown"),
        (Caveats::VARIATION_UNKNOWN, "variation_unknown"),
        (Caveats::AMENDMENT_PENDING, "amendment_pending"),
        (Caveats::PLACEHOLDER, "placeholder"),
        (Caveats::UNDETERMINED_INPUT, "undetermined_input"),
        (Caveats::NO_INDICATORS, "no_indicators"),
        (Caveats::SET_INCOMPLETE, "set_incomplete"),
    ];

    pub const fn union(self, o: Caveats) -> Caveats {
        Caveats(self.0 | o.0)
    }

    pub const fn contains(self, o: Caveats) -> bool {
        self.0 & o.0 == o.0
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn bits(self) -> u16 {
        self.0
    }

    /// Stable codes of the reasons (for translation keys and APIs).
    pub fn codes(self) -> impl Iterator<Item = &'static str> {
        Caveats::NAMES
            .into_iter()
            .filter(move |(c, _)| self.contains(*c))
            .map(|(_, n)| n)
    }
}

impl fmt::Display for Caveats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v: Vec<&str> = self.codes().collect();
        write!(f, "{}", v.join(", "))
    }
}

/// How far a value is from its threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Gap {
    /// Distance in the indicator's unit (≥ 0): how much to raise (≥) or lower (≤).
    /// Single precision keeps an outcome at 12 bytes (10,600 communes × 55 indicators).
    Amount(f32),
    /// A yes/no indicator that must become `expected`.
    Boolean { expected: bool },
    /// The value is not one of the allowed values.
    NotInList,
}

/// The outcome on the recorded threshold when that threshold still needs verification.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tentative {
    Met,
    NotMet {
        gap: Gap,
    },
    /// No threshold to compare with.
    Unknown,
}

/// Result of one indicator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    Met,
    NotMet {
        gap: Gap,
    },
    /// No value observed.
    Missing,
    /// "Cần xác minh": the threshold (or an input) is not confirmed.
    NeedsVerification {
        caveats: Caveats,
        tentative: Tentative,
    },
}

impl Outcome {
    pub fn status(&self) -> Status {
        match self {
            Outcome::Met => Status::Met,
            Outcome::NotMet { .. } => Status::NotMet,
            Outcome::Missing => Status::Missing,
            Outcome::NeedsVerification { .. } => Status::NeedsVerification,
        }
    }

    /// Met, or met on a threshold still to be verified.
    pub fn tentatively_met(&self) -> bool {
        matches!(
            self,
            Outcome::Met
                | Outcome::NeedsVerification {
                    tentative: Tentative::Met,
                    ..
                }
        )
    }

    /// Not met, or not met on a threshold still to be verified.
    pub fn tentatively_not_met(&self) -> bool {
        matches!(
            self,
            Outcome::NotMet { .. }
                | Outcome::NeedsVerification {
                    tentative: Tentative::NotMet { .. },
                    ..
                }
        )
    }

    /// No known shortfall ("không phát hiện chưa đạt"): met, or needing verification with a
    /// tentative pass or with no threshold to compare with (`Tentative::Unknown`). Not met
    /// (even tentatively) and missing values are shortfalls. This is the acceptance of
    /// [`super::demo::counts_as_meeting`] for one indicator; it is **not** a pass.
    pub fn no_known_shortfall(&self) -> bool {
        matches!(
            self,
            Outcome::Met
                | Outcome::NeedsVerification {
                    tentative: Tentative::Met | Tentative::Unknown,
                    ..
                }
        )
    }

    /// The gap, definitive or tentative.
    pub fn gap(&self) -> Option<Gap> {
        match self {
            Outcome::NotMet { gap } => Some(*gap),
            Outcome::NeedsVerification {
                tentative: Tentative::NotMet { gap },
                ..
            } => Some(*gap),
            _ => None,
        }
    }

    pub fn caveats(&self) -> Caveats {
        match self {
            Outcome::NeedsVerification { caveats, .. } => *caveats,
            _ => Caveats::NONE,
        }
    }
}

/// Status of an indicator, a criterion or a set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Met,
    NotMet,
    Missing,
    NeedsVerification,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::NotMet => "not_met",
            Status::Missing => "missing",
            Status::NeedsVerification => "needs_verification",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Status::Met => "Đạt",
            Status::NotMet => "Không đạt",
            Status::Missing => "Thiếu số liệu",
            Status::NeedsVerification => "Cần xác minh",
        }
    }
}

/// What the engine needs to know about the unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitCtx {
    pub level: Level,
    /// Socio-economic region (2021–2025 sets).
    pub region: Option<Region>,
    /// Commune group (2026–2030 set).
    pub group: Option<CommuneGroup>,
    /// Xã đặc biệt khó khăn / an toàn khu of a poor district: the set's special rule applies
    /// (QĐ 318: evaluated with the TDMNPB thresholds).
    pub disadvantaged: bool,
}

impl UnitCtx {
    pub fn commune(region: Option<Region>) -> UnitCtx {
        UnitCtx {
            level: Level::Commune,
            region,
            group: None,
            disadvantaged: false,
        }
    }
}

/// Per criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CriterionResult {
    pub status: Status,
    pub tentatively_met: bool,
    /// No indicator not met (even tentatively) or missing, thresholds still to verify or
    /// absent accepted (`Tentative::Unknown`): see [`Outcome::no_known_shortfall`]. Wider than
    /// `tentatively_met`, which requires a tentative pass on every unconfirmed indicator.
    pub no_known_shortfall: bool,
    pub met: u16,
    pub not_met: u16,
    pub missing: u16,
    pub needs_verification: u16,
}

/// One unit against one set for one year.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitEvaluation {
    pub(crate) set_uid: u64,
    pub year: i32,
    pub ctx: UnitCtx,
    /// The region whose thresholds were used (after special rules).
    pub region_used: Option<Region>,
    /// By indicator index of the set (preconditions first).
    pub indicators: Vec<Outcome>,
    pub criteria: Vec<CriterionResult>,
    /// All preconditions together.
    pub preconditions: CriterionResult,
    pub status: Status,
    /// Met on the recorded thresholds, counting those still to be verified.
    pub tentatively_met: bool,
    /// Criteria met (confirmed): `Status::Met` only.
    pub criteria_met: u16,
    /// Criteria met on the recorded thresholds counting those still to verify; a criterion
    /// with an indicator whose threshold is absent (`Tentative::Unknown`) does not count.
    pub criteria_met_tentative: u16,
    /// Criteria with no known shortfall ([`CriterionResult::no_known_shortfall`]): nothing not
    /// met (even tentatively), nothing missing, absent thresholds accepted. Never fewer than
    /// `criteria_met_tentative`. Shown as "tạm tính", never as met.
    pub criteria_no_known_shortfall: u16,
    /// The unit as a whole has no known shortfall ("không phát hiện chỉ tiêu chưa đạt"):
    /// status neither not met nor missing, every criterion and the preconditions with
    /// [`CriterionResult::no_known_shortfall`]. On sets whose criteria all need every indicator
    /// this is the demo's rule [`super::demo::counts_as_meeting`] without the set's
    /// prerequisites and `meets_set` indicators; a `pass: any` criterion only needs one
    /// alternative without shortfall. Not a confirmed result.
    pub no_known_shortfall: bool,
    /// Union of the reasons found anywhere in this evaluation.
    pub caveats: Caveats,
}

impl UnitEvaluation {
    pub fn is_for(&self, set: &ResolvedSet) -> bool {
        self.set_uid == set.uid
    }
}

/// Why a unit could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    YearOutsideValidity {
        id: String,
        version: String,
        year: i32,
        from: i32,
        to: Option<i32>,
    },
    LevelMismatch {
        id: String,
        expected: Level,
        found: Level,
    },
    /// The observations were built for another set.
    ObservationsForAnotherSet { id: String },
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::YearOutsideValidity {
                id,
                version,
                year,
                from,
                to,
            } => {
                write!(f, "{id} (version {version}) is in force from {from}")?;
                if let Some(to) = to {
                    write!(f, " to {to}")?;
                }
                write!(f, ", not in {year}")
            }
            EvalError::LevelMismatch {
                id,
                expected,
                found,
            } => {
                write!(
                    f,
                    "{id} evaluates {} units, not {} units",
                    expected.as_str(),
                    found.as_str()
                )
            }
            EvalError::ObservationsForAnotherSet { id } => {
                write!(f, "these observations were not built for {id}")
            }
        }
    }
}

impl std::error::Error for EvalError {}

/// A value that could not be recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct ObsError {
    /// Row of the input (spreadsheet, form), when there is one.
    pub row: Option<usize>,
    pub code: String,
    pub problem: ObsProblem,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ObsProblem {
    UnknownIndicator {
        suggestion: Option<String>,
    },
    WrongKind {
        expected: ValueKind,
        found: ValueKind,
    },
    Invalid(ValueError),
    /// A derived indicator is computed from other evaluations, not entered.
    Computed,
}

impl fmt::Display for ObsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(r) = self.row {
            write!(f, "row {r}: ")?;
        }
        write!(f, "indicator {}: ", self.code)?;
        match &self.problem {
            ObsProblem::UnknownIndicator {
                suggestion: Some(s),
            } => {
                write!(f, "unknown indicator code (did you mean {s}?)")
            }
            ObsProblem::UnknownIndicator { suggestion: None } => {
                write!(f, "unknown indicator code")
            }
            ObsProblem::WrongKind { expected, found } => {
                write!(
                    f,
                    "expected a {} value, got a {} value",
                    expected.as_str(),
                    found.as_str()
                )
            }
            ObsProblem::Invalid(e) => write!(f, "{e}"),
            ObsProblem::Computed => write!(f, "this indicator is computed from other evaluations"),
        }
    }
}

impl std::error::Error for ObsError {}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Slot {
    Empty,
    Value(Value),
    /// A derived value known to lie in `lo..=hi`; `point` counts tentative results.
    Range {
        lo: f64,
        hi: f64,
        point: f64,
    },
}

/// Values of one unit for one set, by indicator index (no string lookups when evaluating).
#[derive(Debug, Clone, PartialEq)]
pub struct Observations {
    uid: u64,
    slots: Vec<Slot>,
}

/// How many child units meet a set (input of derived indicators).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChildTally {
    pub total: u32,
    pub met: u32,
    pub not_met: u32,
    /// Met, counting those met on thresholds still to be verified.
    pub met_tentative: u32,
}

impl ChildTally {
    pub fn add(&mut self, e: &UnitEvaluation) {
        self.total += 1;
        match e.status {
            Status::Met => self.met += 1,
            Status::NotMet => self.not_met += 1,
            _ => {}
        }
        if e.status == Status::Met || e.tentatively_met {
            self.met_tentative += 1;
        }
    }

    pub fn from_evals<'a>(evals: impl IntoIterator<Item = &'a UnitEvaluation>) -> ChildTally {
        let mut t = ChildTally::default();
        evals.into_iter().for_each(|e| t.add(e));
        t
    }
}

impl Observations {
    pub fn new(set: &ResolvedSet) -> Observations {
        Observations {
            uid: set.uid,
            slots: vec![Slot::Empty; set.indicators.len()],
        }
    }

    /// Empties every value (to reuse the buffer for the next unit).
    pub fn clear(&mut self) {
        self.slots.fill(Slot::Empty);
    }

    pub fn get(&self, idx: usize) -> Option<Value> {
        match self.slots.get(idx) {
            Some(Slot::Value(v)) => Some(*v),
            _ => None,
        }
    }

    fn unknown(set: &ResolvedSet, code: &str) -> ObsError {
        let codes: Vec<&str> = set.indicators.iter().map(|i| i.code.as_str()).collect();
        ObsError {
            row: None,
            code: code.to_string(),
            problem: ObsProblem::UnknownIndicator {
                suggestion: super::yaml::suggest(code, &codes).map(str::to_string),
            },
        }
    }

    /// Records a value by indicator code, checking its kind and range.
    pub fn set(&mut self, set: &ResolvedSet, code: &str, value: Value) -> Result<(), ObsError> {
        let idx = set
            .indicator_index(code)
            .ok_or_else(|| Self::unknown(set, code))?;
        self.set_at(set, idx, value)
    }

    /// Records a value by indicator index (resolve codes once, then use this in loops).
    pub fn set_at(&mut self, set: &ResolvedSet, idx: usize, value: Value) -> Result<(), ObsError> {
        let ind = &set.indicators[idx];
        let fail = |problem| ObsError {
            row: None,
            code: ind.code.clone(),
            problem,
        };
        if ind.derived.is_some() {
            return Err(fail(ObsProblem::Computed));
        }
        if value.kind() != ind.value_kind() {
            return Err(fail(ObsProblem::WrongKind {
                expected: ind.value_kind(),
                found: value.kind(),
            }));
        }
        value.check().map_err(|e| fail(ObsProblem::Invalid(e)))?;
        self.slots[idx] = Slot::Value(value);
        Ok(())
    }

    /// Records a value typed as text (`"85 %"`, `"Đạt"`).
    pub fn set_text(&mut self, set: &ResolvedSet, code: &str, text: &str) -> Result<(), ObsError> {
        let idx = set
            .indicator_index(code)
            .ok_or_else(|| Self::unknown(set, code))?;
        let ind = &set.indicators[idx];
        if ind.derived.is_some() {
            return Err(ObsError {
                row: None,
                code: code.to_string(),
                problem: ObsProblem::Computed,
            });
        }
        let v = Value::parse(ind.value_kind(), text).map_err(|e| ObsError {
            row: None,
            code: code.to_string(),
            problem: ObsProblem::Invalid(e),
        })?;
        self.set_at(set, idx, v)
    }

    /// Reads `(row, code, text)` rows; every bad row is reported.
    pub fn from_rows<'a>(
        set: &ResolvedSet,
        rows: impl IntoIterator<Item = (usize, &'a str, &'a str)>,
    ) -> Result<Observations, Vec<ObsError>> {
        let mut obs = Observations::new(set);
        let mut errors = Vec::new();
        for (row, code, text) in rows {
            if let Err(mut e) = obs.set_text(set, code.trim(), text) {
                e.row = Some(row);
                errors.push(e);
            }
        }
        if errors.is_empty() {
            Ok(obs)
        } else {
            Err(errors)
        }
    }

    /// Supplies the results of child units for `child_set`: fills every derived indicator of
    /// this set that counts children meeting it. Returns how many indicators were filled.
    pub fn supply_children(
        &mut self,
        set: &ResolvedSet,
        child_set: &str,
        tally: &ChildTally,
    ) -> usize {
        let mut n = 0;
        for (i, ind) in set.indicators.iter().enumerate() {
            let Some(d) = &ind.derived else { continue };
            if d.set.as_deref() != Some(child_set) {
                continue;
            }
            let total = f64::from(tally.total);
            let (lo, hi, point) = (
                f64::from(tally.met),
                f64::from(tally.total - tally.not_met.min(tally.total)),
                f64::from(tally.met_tentative),
            );
            self.slots[i] = match d.measure {
                Measure::ShareOfChildrenMeeting if tally.total == 0 => Slot::Empty,
                Measure::ShareOfChildrenMeeting => Slot::Range {
                    lo: lo * 100.0 / total,
                    hi: hi * 100.0 / total,
                    point: point * 100.0 / total,
                },
                Measure::CountOfChildrenMeeting => Slot::Range { lo, hi, point },
                _ => continue,
            };
            n += 1;
        }
        n
    }

    /// Supplies the unit's own result in `other_set` for `meets_set` indicators.
    pub fn supply_own(
        &mut self,
        set: &ResolvedSet,
        other_set: &str,
        eval: &UnitEvaluation,
    ) -> usize {
        let mut n = 0;
        for (i, ind) in set.indicators.iter().enumerate() {
            let Some(d) = &ind.derived else { continue };
            if d.measure != Measure::MeetsSet || d.set.as_deref() != Some(other_set) {
                continue;
            }
            let point = if eval.status == Status::Met || eval.tentatively_met {
                1.0
            } else {
                0.0
            };
            self.slots[i] = match eval.status {
                Status::Met => Slot::Value(Value::Boolean(true)),
                Status::NotMet => Slot::Value(Value::Boolean(false)),
                Status::Missing => Slot::Empty,
                Status::NeedsVerification => Slot::Range {
                    lo: 0.0,
                    hi: 1.0,
                    point,
                },
            };
            n += 1;
        }
        n
    }
}

#[inline]
fn decide(e: &Eff, lists: &[Vec<f64>], x: f64) -> Option<Gap> {
    if e.is_bool {
        let v = x != 0.0;
        return if v == e.bool_value {
            None
        } else {
            Some(Gap::Boolean {
                expected: e.bool_value,
            })
        };
    }
    match e.op {
        Op::Ge => (x < e.num).then_some(Gap::Amount((e.num - x) as f32)),
        Op::Le => (x > e.num).then_some(Gap::Amount((x - e.num) as f32)),
        Op::Eq => ((x - e.num).abs() > 1e-9).then_some(Gap::Amount((x - e.num).abs() as f32)),
        Op::In => {
            let l = lists.get(e.list as usize).map(Vec::as_slice).unwrap_or(&[]);
            (!l.iter().any(|v| (v - x).abs() <= 1e-9)).then_some(Gap::NotInList)
        }
    }
}

#[inline]
fn outcome(e: &Eff, lists: &[Vec<f64>], slot: Slot) -> Outcome {
    let (tentative, extra) = match slot {
        Slot::Empty => return Outcome::Missing,
        _ if !e.present => {
            return Outcome::NeedsVerification {
                caveats: e.caveats,
                tentative: Tentative::Unknown,
            };
        }
        Slot::Value(v) => (to_tentative(decide(e, lists, v.as_f64())), Caveats::NONE),
        Slot::Range { lo, hi, point } => {
            let a = decide(e, lists, lo).is_none();
            let b = decide(e, lists, hi).is_none();
            let t = to_tentative(decide(e, lists, point));
            if a == b {
                (t, Caveats::NONE)
            } else {
                (t, Caveats::UNDETERMINED_INPUT)
            }
        }
    };
    let caveats = e.caveats.union(extra);
    if caveats.is_empty() {
        match tentative {
            Tentative::Met => Outcome::Met,
            Tentative::NotMet { gap } => Outcome::NotMet { gap },
            Tentative::Unknown => Outcome::NeedsVerification { caveats, tentative },
        }
    } else {
        Outcome::NeedsVerification { caveats, tentative }
    }
}

#[inline]
fn to_tentative(g: Option<Gap>) -> Tentative {
    match g {
        None => Tentative::Met,
        Some(gap) => Tentative::NotMet { gap },
    }
}

/// Combines outcomes under a pass rule.
fn combine(outcomes: &[Outcome], pass: Pass) -> CriterionResult {
    let (mut met, mut not_met, mut missing, mut nv, mut t_met) = (0u16, 0u16, 0u16, 0u16, 0u16);
    let mut ok = 0u16;
    for o in outcomes {
        match o {
            Outcome::Met => met += 1,
            Outcome::NotMet { .. } => not_met += 1,
            Outcome::Missing => missing += 1,
            Outcome::NeedsVerification { .. } => nv += 1,
        }
        t_met += u16::from(o.tentatively_met());
        ok += u16::from(o.no_known_shortfall());
    }
    let n = outcomes.len() as u16;
    let (status, tentatively_met, no_known_shortfall) = if n == 0 {
        (Status::NeedsVerification, false, false)
    } else {
        match pass {
            Pass::All => {
                let s = if not_met > 0 {
                    Status::NotMet
                } else if missing > 0 {
                    Status::Missing
                } else if nv > 0 {
                    Status::NeedsVerification
                } else {
                    Status::Met
                };
                (s, t_met == n, ok == n)
            }
            Pass::Any => {
                let s = if met > 0 {
                    Status::Met
                } else if missing > 0 {
                    Status::Missing
                } else if nv > 0 {
                    Status::NeedsVerification
                } else {
                    Status::NotMet
                };
                (s, t_met > 0, ok > 0)
            }
        }
    };
    CriterionResult {
        status,
        tentatively_met,
        no_known_shortfall,
        met,
        not_met,
        missing,
        needs_verification: nv,
    }
}

/// Evaluates one unit against a set for a year.
pub fn evaluate_unit(
    set: &ResolvedSet,
    ctx: &UnitCtx,
    obs: &Observations,
    year: i32,
) -> Result<UnitEvaluation, EvalError> {
    if !set.in_force_during(year) {
        let (from, to) = set.years();
        return Err(EvalError::YearOutsideValidity {
            id: set.id.clone(),
            version: set.version.clone(),
            year,
            from,
            to,
        });
    }
    if ctx.level != set.level {
        return Err(EvalError::LevelMismatch {
            id: set.id.clone(),
            expected: set.level,
            found: ctx.level,
        });
    }
    if obs.uid != set.uid || obs.slots.len() != set.indicators.len() {
        return Err(EvalError::ObservationsForAnotherSet { id: set.id.clone() });
    }
    let region = if ctx.disadvantaged {
        set.special_region.or(ctx.region)
    } else {
        ctx.region
    };
    let s = slot(region, ctx.group);
    let table = set.slot_table(s);
    let mut indicators = Vec::with_capacity(table.len());
    let mut caveats = Caveats::NONE;
    for (e, v) in table.iter().zip(&obs.slots) {
        let o = outcome(e, &set.lists, *v);
        caveats = caveats.union(o.caveats());
        indicators.push(o);
    }
    let mut criteria = Vec::with_capacity(set.criteria.len());
    let mut criteria_met = 0u16;
    let mut criteria_met_tentative = 0u16;
    let mut criteria_no_known_shortfall = 0u16;
    let mut all = CriterionResult {
        status: Status::Met,
        tentatively_met: true,
        no_known_shortfall: true,
        met: 0,
        not_met: 0,
        missing: 0,
        needs_verification: 0,
    };
    for c in &set.criteria {
        let r = combine(&indicators[c.first..c.first + c.len], c.pass);
        if c.len == 0 {
            caveats = caveats.union(Caveats::NO_INDICATORS);
        }
        criteria_met += u16::from(r.status == Status::Met);
        criteria_met_tentative += u16::from(r.tentatively_met);
        criteria_no_known_shortfall += u16::from(r.no_known_shortfall);
        fold(&mut all, &r);
        criteria.push(r);
    }
    if set.criteria.is_empty() {
        all.status = Status::NeedsVerification;
        all.tentatively_met = false;
        all.no_known_shortfall = false;
    }
    if !set.self_refs.is_empty() {
        // `all_criteria_met` preconditions take the combined result of the criteria.
        let point = if all.tentatively_met { 1.0 } else { 0.0 };
        let slot_value = match all.status {
            Status::Met => Slot::Value(Value::Boolean(true)),
            Status::NotMet => Slot::Value(Value::Boolean(false)),
            Status::Missing => Slot::Empty,
            Status::NeedsVerification => Slot::Range {
                lo: 0.0,
                hi: 1.0,
                point,
            },
        };
        for &i in &set.self_refs {
            let o = outcome(&table[i], &set.lists, slot_value);
            caveats = caveats.union(o.caveats());
            indicators[i] = o;
        }
    }
    let preconditions = combine(&indicators[..set.n_preconditions], Pass::All);
    let mut total = all;
    if set.n_preconditions > 0 {
        fold(&mut total, &preconditions);
    }
    let mut status = total.status;
    if status == Status::Met && set.completeness != Completeness::Complete {
        status = Status::NeedsVerification;
        caveats = caveats.union(Caveats::SET_INCOMPLETE);
    } else if set.completeness != Completeness::Complete {
        caveats = caveats.union(Caveats::SET_INCOMPLETE);
    }
    let no_known_shortfall =
        status != Status::NotMet && status != Status::Missing && total.no_known_shortfall;
    Ok(UnitEvaluation {
        set_uid: set.uid,
        year,
        ctx: *ctx,
        region_used: region,
        indicators,
        criteria,
        preconditions,
        status,
        tentatively_met: total.tentatively_met,
        criteria_met,
        criteria_met_tentative,
        criteria_no_known_shortfall,
        no_known_shortfall,
        caveats,
    })
}

/// AND of two results (NotMet wins, then Missing, then NeedsVerification).
fn fold(acc: &mut CriterionResult, r: &CriterionResult) {
    acc.status = match (acc.status, r.status) {
        (Status::NotMet, _) | (_, Status::NotMet) => Status::NotMet,
        (Status::Missing, _) | (_, Status::Missing) => Status::Missing,
        (Status::NeedsVerification, _) | (_, Status::NeedsVerification) => {
            Status::NeedsVerification
        }
        _ => Status::Met,
    };
    acc.tentatively_met &= r.tentatively_met;
    acc.no_known_shortfall &= r.no_known_shortfall;
    acc.met += u16::from(r.status == Status::Met);
    acc.not_met += u16::from(r.status == Status::NotMet);
    acc.missing += u16::from(r.status == Status::Missing);
    acc.needs_verification += u16::from(r.status == Status::NeedsVerification);
}
