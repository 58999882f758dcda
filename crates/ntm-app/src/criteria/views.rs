//! What pages and exports show of an evaluation: indicator, criterion and roll-up views, the
//! threshold that applies to a unit in words, and why a set does not apply.

use ntm_domain::criteria::{self, ResolvedSet, Status};
use ntm_domain::observation::ObsStatus;
use ntm_domain::units::{Level, Unit};
use serde::Serialize;
use time::Date;

use super::catalog::SetSummary;

/// Dates as `YYYY-MM-DD`.
pub(crate) fn ser_date<S: serde::Serializer>(d: &Date, ser: S) -> Result<S::Ok, S::Error> {
    ser.collect_str(d)
}

pub(crate) fn ser_opt_date<S: serde::Serializer>(
    d: &Option<Date>,
    ser: S,
) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => ser.collect_str(d),
        None => ser.serialize_none(),
    }
}

fn ser_status<S: serde::Serializer>(s: &Status, ser: S) -> Result<S::Ok, S::Error> {
    ser.serialize_str(s.as_str())
}

/// Result of one indicator for one unit.
#[derive(Debug, Clone, Serialize)]
pub struct IndicatorView {
    pub code: String,
    pub name_vi: String,
    /// Criterion number (`None` for a precondition).
    pub criterion: Option<u16>,
    #[serde(serialize_with = "ser_status")]
    pub status: Status,
    /// The value as entered, when there is one.
    pub value: Option<String>,
    pub value_status: Option<ObsStatus>,
    pub version: Option<i64>,
    /// How far from the threshold (in the indicator's unit), when not met.
    pub gap: Option<f64>,
    pub caveats: Vec<&'static str>,
    /// The threshold that applies to this unit (its region and group).
    pub threshold: ThresholdView,
    /// boolean, percent, number, count or level (the kind of the value).
    pub kind: &'static str,
    /// Unit of the value ("%", "km"…), when the set gives one.
    pub unit: Option<String>,
    /// Computed from other evaluations (not entered by people).
    pub computed: bool,
    /// Computed from the platform's records and stored (`crate::measures`): not typed.
    pub computed_from: Option<ntm_domain::measures::MeasureKey>,
    /// The days whose records the computed value reads (its drill-down), when bound.
    pub computed_records: Option<(time::Date, time::Date)>,
    /// A value needs evidence (a note or a file) before it is submitted.
    pub evidence_required: bool,
}

/// The threshold that applies to one unit, as officials read it.
#[derive(Debug, Clone, Serialize)]
pub struct ThresholdView {
    /// "≥ 70 %", "Đạt", the wording of the legal table; `None` when no value is known.
    pub text: Option<String>,
    /// Why it is not confirmed (`recalled`, `uncertain`, `threshold_missing`,
    /// `region_unknown`…); empty when it was read in a source.
    pub caveats: Vec<&'static str>,
    /// sourced, recalled, inferred or secondary (of the threshold, else the indicator).
    pub provenance: Option<&'static str>,
    /// The page it was read in, when the file names one.
    pub source: Option<String>,
    /// The value comes from the unit's region's column of the table.
    pub regional: bool,
    /// The legal basis the value cites (document, date, issuer, article), e.g.
    /// "12/2026/QĐ-UBND ngày 15/03/2026, UBND tỉnh Vĩnh Long, Điều 1"; `None` when the
    /// threshold cites no document.
    pub basis: Option<String>,
}

impl ThresholdView {
    /// Whether officials must check the threshold against the legal text.
    pub fn needs_verification(&self) -> bool {
        !self.caveats.is_empty()
    }
}

/// The threshold of indicator `idx` for a unit of `region` and commune `group` (see
/// [`ThresholdView`]): the one the evaluation used.
pub fn threshold_view(
    set: &ResolvedSet,
    idx: usize,
    region: Option<ntm_domain::Region>,
    group: Option<ntm_domain::criteria::CommuneGroup>,
) -> ThresholdView {
    let ind = set.indicator(idx);
    let (t, cav) = set.threshold_for(idx, region, group);
    let regional = match (&ind.by_region, region, t) {
        (criteria::Varying::Known(m), Some(r), Some(t)) => {
            m.get(&r).and_then(|e| e.as_ref()).is_some_and(|e| e == t)
        }
        _ => false,
    };
    ThresholdView {
        text: t.map(|t| criteria::words::threshold_words(ind, t)),
        caveats: cav.codes().collect(),
        provenance: t
            .and_then(|t| t.provenance)
            .or_else(|| ind.has_any_threshold().then_some(ind.provenance))
            .map(|p| p.as_str()),
        source: t
            .and_then(|t| t.source.clone())
            .or_else(|| ind.source.clone()),
        regional,
        basis: t.and_then(|t| basis_text(set, t)),
    }
}

/// The documents a threshold cites, in words (see [`ThresholdView::basis`]).
pub fn basis_text(set: &ResolvedSet, t: &criteria::Threshold) -> Option<String> {
    let parts: Vec<String> = t
        .sources
        .iter()
        .filter_map(|id| set.sources.get(id))
        .filter(|s| s.doc.is_some() && (s.issuer.is_some() || s.article.is_some()))
        .map(|s| {
            let mut out = s.doc.clone().unwrap_or_default();
            if let Some(d) = s.date.as_deref().and_then(ntm_domain::text::parse_date) {
                out.push_str(&format!(" ngày {}", ntm_domain::text::format_date_vi(d)));
            }
            for x in [&s.issuer, &s.article].into_iter().flatten() {
                out.push_str(", ");
                out.push_str(x);
            }
            out
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

#[derive(Debug, Clone, Serialize)]
pub struct CriterionView {
    pub number: u16,
    pub name_vi: String,
    #[serde(serialize_with = "ser_status")]
    pub status: Status,
    /// Nothing not met (even tentatively), nothing missing; thresholds still to verify or
    /// absent accepted. "Tạm tính", never a pass.
    pub no_known_shortfall: bool,
    pub met: u16,
    pub not_met: u16,
    pub missing: u16,
    pub needs_verification: u16,
}

/// One unit against one set.
#[derive(Debug, Clone, Serialize)]
pub struct UnitResult {
    #[serde(serialize_with = "ser_status")]
    pub status: Status,
    pub tentatively_met: bool,
    /// Criteria met (confirmed thresholds only).
    pub criteria_met: u16,
    /// Criteria met on the recorded thresholds counting those still to verify (absent
    /// thresholds not accepted).
    pub criteria_met_tentative: u16,
    /// Criteria with no known shortfall (absent thresholds accepted): "tạm tính".
    pub criteria_no_known_shortfall: u16,
    /// No known shortfall in the whole unit ("không phát hiện chỉ tiêu chưa đạt", pending
    /// confirmation of thresholds); not a pass.
    pub no_known_shortfall: bool,
    pub criteria_total: usize,
    pub criteria: Vec<CriterionView>,
    pub indicators: Vec<IndicatorView>,
    pub caveats: Vec<&'static str>,
}

/// One child in a roll-up.
#[derive(Debug, Clone, Serialize)]
pub struct ChildResult {
    pub code: String,
    pub name: String,
    #[serde(serialize_with = "ser_status")]
    pub status: Status,
    pub criteria_met: u16,
    pub criteria_met_tentative: u16,
    pub criteria_no_known_shortfall: u16,
    pub no_known_shortfall: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct BucketView {
    pub min: u16,
    pub max: u16,
    pub count: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct BlockingView {
    pub code: String,
    pub not_met: u32,
    pub missing: u32,
}

/// The units of the set's level inside a parent unit.
#[derive(Debug, Clone, Serialize)]
pub struct RollupView {
    pub level: Level,
    pub units: u32,
    pub met: u32,
    pub not_met: u32,
    pub missing: u32,
    pub needs_verification: u32,
    pub met_tentative: u32,
    /// Units with no known shortfall, pending confirmation of thresholds (includes `met`).
    pub no_known_shortfall: u32,
    pub avg_criteria_met: f64,
    pub avg_criteria_met_tentative: f64,
    pub avg_criteria_no_known_shortfall: f64,
    pub buckets: Vec<BucketView>,
    /// Same buckets by criteria with no known shortfall ("tạm tính").
    pub buckets_no_known_shortfall: Vec<BucketView>,
    pub blocking: Vec<BlockingView>,
    pub children: Vec<ChildResult>,
}

/// What `evaluate` returns: the unit's own result when it is of the set's level, the
/// roll-up of its units of that level when it is above.
#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub unit_code: String,
    pub unit_name: String,
    pub unit_level: Level,
    pub set: SetSummary,
    pub year: i32,
    /// The day whose units were used.
    #[serde(serialize_with = "ser_date")]
    pub units_on: Date,
    pub result: Option<UnitResult>,
    pub rollup: Option<RollupView>,
    /// Set when the unit's province has its own set extending the requested one and that
    /// set was used (see `crate::provincial`); `set` stays the national set requested.
    pub provincial: Option<crate::provincial::ProvincialUse>,
    /// The unit is of the set's level but not of a kind the set applies to (a phường for the
    /// xã NTM set): no result, "không áp dụng".
    pub not_applicable: Option<NotApplicable>,
    /// The version the evaluation used: set id, version label, scope, publication (see
    /// `crate::criteria_sets`).
    pub version_used: crate::criteria_sets::VersionUsed,
    /// A change to the whole scope (a set version published, a provincial set, commune
    /// groups, a unit list) is being taken into account in the background: the figures are
    /// those of [`Evaluation::figures_at`] ("đang cập nhật"). Always false from
    /// [`crate::criteria::evaluate`]; see `crate::dashboard::kept`.
    pub updating: bool,
    /// While `updating`: the time of the change being taken into account (the figures are
    /// those from before it).
    #[serde(with = "time::serde::rfc3339::option")]
    pub figures_at: Option<time::OffsetDateTime>,
    /// While `updating` and its background rebuild runs: (units evaluated again so far,
    /// units of the scope); `None` for a scope with no unit.
    pub updating_progress: Option<(usize, usize)>,
}

/// Why a set does not apply to a unit of its level.
#[derive(Debug, Clone, Serialize)]
pub struct NotApplicable {
    /// The unit's kind (Phường, Thị trấn, …).
    pub unit_kind: String,
    /// The kinds the set applies to (`applies_to.unit_kinds`).
    pub applies_to: Vec<String>,
}

impl NotApplicable {
    /// `Some` when `set` does not apply to `unit`'s kind.
    pub fn check(set: &ResolvedSet, unit: &Unit) -> Option<NotApplicable> {
        (!set.applies_to_kind(&unit.kind)).then(|| NotApplicable {
            unit_kind: unit.kind.clone(),
            applies_to: set.applies_to.clone().unwrap_or_default(),
        })
    }

    /// "the set applies to Xã; Phường 1 is a Phường", for messages.
    pub fn message(&self, set_id: &str, unit_code: &str) -> String {
        format!(
            "{set_id} applies to {} only; {unit_code} is a {}",
            self.applies_to.join(", "),
            self.unit_kind
        )
    }
}
