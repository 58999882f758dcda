//! The dossier state machine: one pure function, [`apply`], checks the order, the role, the
//! date and the facts, and returns the new dossier with the event for the audit trail.
//!
//! ```text
//! Preparing ─StartPosting→ PublicPosting ─EndPosting→ ReadyToSubmit ─Submit→ Submitted
//! Submitted ─Review(pass)→ Reviewed            (until 30/06/2025, district reviews)
//! Submitted ─Appraise(pass)→ Appraised         (from 01/07/2025, province directly)
//! Reviewed  ─Appraise(pass)→ Appraised ─Decide→ Recognized ─Publish→ Published
//! Recognized | Published ─Revoke→ Revoked
//! Submitted | Reviewed ─Review/Appraise(return, reason)→ Preparing
//! ```

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use time::{Date, Duration};
use uuid::Uuid;

use super::procedure::{
    DocumentKind, DossierKind, LimitKind, Period, Procedure, ProcedureError, StepKind,
    TWO_TIER_FROM,
};
use super::survey::{CoverageCheck, SatisfactionRate};
use crate::authz::Role;
use crate::units::Level;

/// Where a dossier stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DossierState {
    /// The applying unit prepares (also where a returned dossier lands).
    Preparing,
    /// The report is publicly posted for comments.
    PublicPosting,
    /// Posting over; the dossier can be submitted.
    ReadyToSubmit,
    /// Submitted; awaiting review (until 30/06/2025) or appraisal.
    Submitted,
    /// Review passed; awaiting appraisal.
    Reviewed,
    /// Appraisal passed; awaiting the decision.
    Appraised,
    /// Decision taken.
    Recognized,
    /// Decision published.
    Published,
    /// Decision revoked.
    Revoked,
}

impl DossierState {
    pub fn as_str(self) -> &'static str {
        match self {
            DossierState::Preparing => "preparing",
            DossierState::PublicPosting => "public_posting",
            DossierState::ReadyToSubmit => "ready_to_submit",
            DossierState::Submitted => "submitted",
            DossierState::Reviewed => "reviewed",
            DossierState::Appraised => "appraised",
            DossierState::Recognized => "recognized",
            DossierState::Published => "published",
            DossierState::Revoked => "revoked",
        }
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            DossierState::Preparing => "Đang chuẩn bị",
            DossierState::PublicPosting => "Đang công khai lấy ý kiến",
            DossierState::ReadyToSubmit => "Sẵn sàng trình",
            DossierState::Submitted => "Đã trình",
            DossierState::Reviewed => "Đã thẩm tra",
            DossierState::Appraised => "Đã thẩm định",
            DossierState::Recognized => "Đã công nhận",
            DossierState::Published => "Đã công bố",
            DossierState::Revoked => "Đã thu hồi",
        }
    }
}

/// Outcome of a review or an appraisal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    /// Back to the applying unit, with the reason (trả hồ sơ, nêu rõ lý do).
    Return {
        reason: String,
    },
}

/// A recognition decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// e.g. "1234/QĐ-UBND".
    pub number: String,
    pub date: Date,
    /// Who signed (name and title).
    pub signer: String,
}

/// What someone does to a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    StartPosting,
    EndPosting,
    Submit,
    Review(Verdict),
    Appraise(Verdict),
    Decide(Decision),
    Publish,
    Revoke { reason: String },
}

/// The kind of an action, for events and errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    StartPosting,
    EndPosting,
    Submit,
    ReviewPass,
    ReviewReturn,
    AppraisePass,
    AppraiseReturn,
    Decide,
    Publish,
    Revoke,
}

impl ActionKind {
    /// The action as a verb phrase, for messages ("không thể công bố khi …").
    pub fn name_vi(self) -> &'static str {
        match self {
            ActionKind::StartPosting => "bắt đầu công khai",
            ActionKind::EndPosting => "kết thúc công khai",
            ActionKind::Submit => "trình hồ sơ",
            ActionKind::ReviewPass => "thẩm tra đạt",
            ActionKind::ReviewReturn => "trả hồ sơ ở bước thẩm tra",
            ActionKind::AppraisePass => "thẩm định đạt",
            ActionKind::AppraiseReturn => "trả hồ sơ ở bước thẩm định",
            ActionKind::Decide => "quyết định công nhận",
            ActionKind::Publish => "công bố",
            ActionKind::Revoke => "thu hồi quyết định",
        }
    }
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::StartPosting => ActionKind::StartPosting,
            Action::EndPosting => ActionKind::EndPosting,
            Action::Submit => ActionKind::Submit,
            Action::Review(Verdict::Pass) => ActionKind::ReviewPass,
            Action::Review(Verdict::Return { .. }) => ActionKind::ReviewReturn,
            Action::Appraise(Verdict::Pass) => ActionKind::AppraisePass,
            Action::Appraise(Verdict::Return { .. }) => ActionKind::AppraiseReturn,
            Action::Decide(_) => ActionKind::Decide,
            Action::Publish => ActionKind::Publish,
            Action::Revoke { .. } => ActionKind::Revoke,
        }
    }

    /// The procedure step this action performs.
    pub fn step(&self) -> StepKind {
        match self {
            Action::StartPosting | Action::EndPosting => StepKind::PublicPosting,
            Action::Submit => StepKind::Submission,
            Action::Review(_) => StepKind::Review,
            Action::Appraise(_) => StepKind::Appraisal,
            Action::Decide(_) => StepKind::Decision,
            Action::Publish => StepKind::Publication,
            Action::Revoke { .. } => StepKind::Revocation,
        }
    }
}

/// What the workflow needs to know from the rest of the system at the time of an action
/// (computed by the application from verified observations and the survey).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    /// Year of the evaluation these facts are about.
    pub year: i32,
    /// Every criterion of the applicable set met, on verified data for `year`.
    pub all_criteria_met_on_verified_data: bool,
    /// From the satisfaction survey campaign of the unit.
    pub satisfaction: Option<SatisfactionRate>,
    /// Lowest rate over (commune × content), for districts (≥ 80 % rule).
    pub min_commune_content_satisfaction: Option<SatisfactionRate>,
    /// Forms returned against households, when the province configured a minimum share of
    /// households (with its basis); `None`: no minimum configured, nothing checked (the
    /// share under Hướng dẫn 90/HD-MTTW-BTT (2022) is not confirmed).
    #[serde(default)]
    pub household_coverage: Option<CoverageCheck>,
    /// Documents attached to the dossier.
    pub documents: BTreeSet<DocumentKind>,
}

/// A return with its reason, kept on the dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnRecord {
    pub step: StepKind,
    pub role: Role,
    pub date: Date,
    pub reason: String,
}

/// One transition, for the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierEvent {
    pub dossier_id: Uuid,
    pub from: DossierState,
    pub to: DossierState,
    pub action: ActionKind,
    pub role: Role,
    pub date: Date,
    pub note: Option<String>,
}

/// A dossier (hồ sơ đề nghị xét, công nhận).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dossier {
    pub id: Uuid,
    /// Official code of the applying unit.
    pub unit_code: String,
    pub kind: DossierKind,
    /// Evaluation year.
    pub year: i32,
    /// The dossier's date: picks the period (and so the chain).
    pub dossier_date: Date,
    pub state: DossierState,
    /// Date of the last transition (or of creation).
    pub state_since: Date,
    pub posting_started: Option<Date>,
    pub posting_ended: Option<Date>,
    pub submitted_on: Option<Date>,
    pub returns: Vec<ReturnRecord>,
    pub decision: Option<Decision>,
    pub published_on: Option<Date>,
    pub revoked_on: Option<Date>,
    pub revocation_reason: Option<String>,
}

impl Dossier {
    pub fn new(
        id: Uuid,
        unit_code: &str,
        kind: DossierKind,
        year: i32,
        dossier_date: Date,
    ) -> Result<Dossier, WorkflowError> {
        if kind.level() == Level::District && dossier_date >= TWO_TIER_FROM {
            return Err(WorkflowError::Procedure(
                ProcedureError::DistrictLevelAbolished(kind, dossier_date),
            ));
        }
        Ok(Dossier {
            id,
            unit_code: unit_code.to_owned(),
            kind,
            year,
            dossier_date,
            state: DossierState::Preparing,
            state_since: dossier_date,
            posting_started: None,
            posting_ended: None,
            submitted_on: None,
            returns: Vec::new(),
            decision: None,
            published_on: None,
            revoked_on: None,
            revocation_reason: None,
        })
    }

    pub fn period(&self) -> Period {
        Period::for_date(self.dossier_date)
    }

    /// The built-in procedure for this dossier (no province configuration).
    pub fn procedure(&self) -> Result<Procedure, ProcedureError> {
        Procedure::for_dossier(self.kind, self.dossier_date)
    }

    pub fn last_return(&self) -> Option<&ReturnRecord> {
        self.returns.last()
    }
}

/// The new dossier and the event that records the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub dossier: Dossier,
    pub event: DossierEvent,
}

/// Why an action is refused. Messages are Vietnamese first, for the person who acts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("{0}")]
    Procedure(#[from] ProcedureError),
    #[error("không thể {} khi hồ sơ ở trạng thái “{}”", .action.name_vi(), .state.name_vi())]
    WrongState {
        action: ActionKind,
        state: DossierState,
    },
    #[error(
        "bước “{}” do {} thực hiện, không phải {}",
        .step.name_vi(),
        .expected.name_vi(),
        .actual.name_vi()
    )]
    WrongRole {
        step: StepKind,
        expected: Role,
        actual: Role,
    },
    #[error("quy trình của hồ sơ này không có bước {0:?}")]
    StepNotInProcedure(StepKind),
    #[error("hồ sơ phải được cấp huyện thẩm tra trước khi thẩm định")]
    ReviewRequired,
    #[error(
        "cấp huyện không còn từ 01/07/2025: tỉnh thẩm định trực tiếp (district abolished on {0})"
    )]
    DistrictAbolished(Date),
    #[error("ngày {} trước ngày của bước trước ({})", vi(.at), vi(.last))]
    DateBeforeLastEvent { at: Date, last: Date },
    #[error("thời gian công khai chưa đủ: sớm nhất kết thúc ngày {}", vi(.earliest))]
    PostingTooShort { earliest: Date },
    #[error("thiếu tài liệu: {}", .0.join("; "))]
    MissingDocuments(Vec<String>),
    #[error("cần nêu lý do")]
    EmptyReason,
    #[error("số liệu là của năm {facts}, hồ sơ là năm {dossier}")]
    YearMismatch { dossier: i32, facts: i32 },
    #[error("chưa đạt đầy đủ các tiêu chí trên số liệu đã xác minh")]
    CriteriaNotMet,
    #[error("chưa có kết quả lấy ý kiến sự hài lòng của người dân")]
    SatisfactionMissing,
    #[error("tỷ lệ hài lòng {rate} thấp hơn ngưỡng {threshold} %")]
    SatisfactionBelowThreshold { rate: String, threshold: u32 },
    #[error("tỷ lệ hài lòng thấp nhất ở từng xã, từng nội dung {rate} thấp hơn {threshold} %")]
    PerCommuneContentBelowThreshold { rate: String, threshold: u32 },
    #[error(
        "tỷ lệ hộ được lấy ý kiến {share} ({responses}/{households} hộ) thấp hơn mức tối thiểu \
         {percent} % (căn cứ: {basis})"
    )]
    HouseholdCoverageBelowMinimum {
        share: String,
        responses: String,
        households: String,
        percent: u32,
        basis: String,
    },
    #[error(
        "chưa nhập số hộ của đợt lấy ý kiến: không tính được tỷ lệ hộ được lấy ý kiến \
         (mức tối thiểu {percent} %, căn cứ: {basis})"
    )]
    HouseholdsUnknown { percent: u32, basis: String },
    #[error("chưa có ngưỡng tỷ lệ hài lòng đã xác nhận: {0}")]
    SatisfactionThresholdUnknown(String),
    #[error("quyết định thiếu số hoặc người ký")]
    DecisionIncomplete,
    #[error(
        "ngày quyết định {} không hợp lệ (phải trong khoảng {} – {})",
        vi(.date),
        vi(.earliest),
        vi(.latest)
    )]
    DecisionDate {
        date: Date,
        earliest: Date,
        latest: Date,
    },
}

/// A date in messages people read: dd/mm/yyyy.
fn vi(d: &Date) -> String {
    crate::text::format_date_vi(*d)
}

/// Whether the district review step applies to a dossier waiting at `at`: the procedure has
/// it, and for a commune dossier the district still exists (before 01/07/2025). A commune
/// dossier of the earlier period still waiting for review on or after that date goes to the
/// province for appraisal (inferred, see the docs).
pub fn review_applies(procedure: &Procedure, at: Date) -> bool {
    procedure.has_step(StepKind::Review)
        && (procedure.kind.level() != Level::Commune || at < TWO_TIER_FROM)
}

/// Applies `action` with the built-in procedure of the dossier.
pub fn apply(
    dossier: &Dossier,
    action: Action,
    actor: Role,
    at: Date,
    facts: &Facts,
) -> Result<Transition, WorkflowError> {
    let procedure = dossier.procedure()?;
    apply_with(&procedure, dossier, action, actor, at, facts)
}

fn non_empty(reason: &str) -> Result<String, WorkflowError> {
    let r = reason.trim();
    if r.is_empty() {
        Err(WorkflowError::EmptyReason)
    } else {
        Ok(r.to_owned())
    }
}

fn check_documents(
    procedure: &Procedure,
    step: StepKind,
    facts: &Facts,
) -> Result<(), WorkflowError> {
    let missing: Vec<String> = procedure
        .step(step)
        .map(|s| {
            s.documents
                .iter()
                .filter(|d| d.required && !facts.documents.contains(&d.kind))
                .map(|d| d.name_vi.clone())
                .collect()
        })
        .unwrap_or_default();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(WorkflowError::MissingDocuments(missing))
    }
}

/// The conditions for recognition: every criterion met on verified data for the dossier's
/// year, the satisfaction threshold of the procedure reached, and — when the province
/// configured one — the minimum share of households that answered the survey.
pub fn check_recognition(
    procedure: &Procedure,
    dossier: &Dossier,
    facts: &Facts,
) -> Result<(), WorkflowError> {
    if facts.year != dossier.year {
        return Err(WorkflowError::YearMismatch {
            dossier: dossier.year,
            facts: facts.year,
        });
    }
    if !facts.all_criteria_met_on_verified_data {
        return Err(WorkflowError::CriteriaNotMet);
    }
    let Some(threshold) = &procedure.satisfaction else {
        return Err(WorkflowError::SatisfactionThresholdUnknown(
            procedure.satisfaction_note.clone(),
        ));
    };
    let rate = facts
        .satisfaction
        .ok_or(WorkflowError::SatisfactionMissing)?;
    if !rate.meets(threshold.percent) {
        return Err(WorkflowError::SatisfactionBelowThreshold {
            rate: rate.display_vi(),
            threshold: threshold.percent,
        });
    }
    if let Some(min) = threshold.per_commune_content_percent {
        let r = facts
            .min_commune_content_satisfaction
            .ok_or(WorkflowError::SatisfactionMissing)?;
        if !r.meets(min) {
            return Err(WorkflowError::PerCommuneContentBelowThreshold {
                rate: r.display_vi(),
                threshold: min,
            });
        }
    }
    if let Some(c) = &facts.household_coverage
        && !c.met()
    {
        if c.households == 0 {
            return Err(WorkflowError::HouseholdsUnknown {
                percent: c.rule.percent,
                basis: c.rule.basis.clone(),
            });
        }
        return Err(WorkflowError::HouseholdCoverageBelowMinimum {
            share: super::survey::share_display_vi(c.responses, c.households),
            responses: crate::text::format_int_vi(i64::from(c.responses)),
            households: crate::text::format_int_vi(i64::from(c.households)),
            percent: c.rule.percent,
            basis: c.rule.basis.clone(),
        });
    }
    Ok(())
}

/// Applies `action`, done by `actor` on `at`, under `procedure` (possibly configured by the
/// province). Pure: the caller stores the returned dossier and event.
pub fn apply_with(
    procedure: &Procedure,
    dossier: &Dossier,
    action: Action,
    actor: Role,
    at: Date,
    facts: &Facts,
) -> Result<Transition, WorkflowError> {
    use DossierState as S;
    let kind = action.kind();
    let step_kind = action.step();
    let step = procedure
        .step(step_kind)
        .ok_or(WorkflowError::StepNotInProcedure(step_kind))?;
    let wrong_state = || WorkflowError::WrongState {
        action: kind,
        state: dossier.state,
    };
    // The order first: nobody acts on a dossier that is not at their step.
    let expected_from: &[S] = match &action {
        Action::StartPosting => &[S::Preparing],
        Action::EndPosting => &[S::PublicPosting],
        Action::Submit => &[S::ReadyToSubmit],
        Action::Review(_) => &[S::Submitted],
        Action::Appraise(_) => &[S::Submitted, S::Reviewed],
        Action::Decide(_) => &[S::Appraised],
        Action::Publish => &[S::Recognized],
        Action::Revoke { .. } => &[S::Recognized, S::Published],
    };
    if !expected_from.contains(&dossier.state) {
        return Err(wrong_state());
    }
    if actor != step.role {
        return Err(WorkflowError::WrongRole {
            step: step_kind,
            expected: step.role,
            actual: actor,
        });
    }
    if at < dossier.state_since {
        return Err(WorkflowError::DateBeforeLastEvent {
            at,
            last: dossier.state_since,
        });
    }

    let mut next = dossier.clone();
    let mut note: Option<String> = None;
    let to = match action {
        Action::StartPosting => {
            check_documents(procedure, StepKind::Preparation, facts)?;
            next.posting_started = Some(at);
            next.posting_ended = None;
            S::PublicPosting
        }
        Action::EndPosting => {
            let start = dossier.posting_started.unwrap_or(dossier.state_since);
            let limit = &step.time_limit;
            if let (Some(days), LimitKind::Minimum) = (limit.days, limit.kind) {
                let earliest = match limit.unit {
                    super::procedure::DayUnit::CalendarDays => {
                        start.checked_add(Duration::days(i64::from(days)))
                    }
                    // No calendar here: weekends only, so public holidays are not added
                    // (a lenient lower bound; the posting may end slightly early).
                    super::procedure::DayUnit::WorkingDays => {
                        super::calendar::HolidayCalendar::empty().add_working_days(start, days)
                    }
                };
                if let Some(earliest) = earliest
                    && at < earliest
                {
                    return Err(WorkflowError::PostingTooShort { earliest });
                }
            }
            next.posting_ended = Some(at);
            S::ReadyToSubmit
        }
        Action::Submit => {
            check_documents(procedure, StepKind::Submission, facts)?;
            next.submitted_on = Some(at);
            S::Submitted
        }
        Action::Review(verdict) => {
            if !review_applies(procedure, at) {
                return Err(WorkflowError::DistrictAbolished(TWO_TIER_FROM));
            }
            match verdict {
                Verdict::Pass => {
                    check_documents(procedure, StepKind::Review, facts)?;
                    S::Reviewed
                }
                Verdict::Return { reason } => {
                    let reason = non_empty(&reason)?;
                    note = Some(reason.clone());
                    next.returns.push(ReturnRecord {
                        step: StepKind::Review,
                        role: actor,
                        date: at,
                        reason,
                    });
                    S::Preparing
                }
            }
        }
        Action::Appraise(verdict) => {
            if dossier.state == S::Submitted && review_applies(procedure, at) {
                return Err(WorkflowError::ReviewRequired);
            }
            if dossier.state == S::Submitted && procedure.has_step(StepKind::Review) {
                note = Some(
                    "Hồ sơ giai đoạn trước 01/07/2025 chưa được huyện thẩm tra: tỉnh thẩm định trực tiếp."
                        .to_owned(),
                );
            }
            match verdict {
                Verdict::Pass => {
                    check_documents(procedure, StepKind::Appraisal, facts)?;
                    check_recognition(procedure, dossier, facts)?;
                    S::Appraised
                }
                Verdict::Return { reason } => {
                    let reason = non_empty(&reason)?;
                    note = Some(match note {
                        Some(n) => format!("{reason} ({n})"),
                        None => reason.clone(),
                    });
                    next.returns.push(ReturnRecord {
                        step: StepKind::Appraisal,
                        role: actor,
                        date: at,
                        reason,
                    });
                    S::Preparing
                }
            }
        }
        Action::Decide(decision) => {
            if decision.number.trim().is_empty() || decision.signer.trim().is_empty() {
                return Err(WorkflowError::DecisionIncomplete);
            }
            if decision.date < dossier.state_since || decision.date > at {
                return Err(WorkflowError::DecisionDate {
                    date: decision.date,
                    earliest: dossier.state_since,
                    latest: at,
                });
            }
            check_recognition(procedure, dossier, facts)?;
            note = Some(format!(
                "Quyết định số {} ngày {}, người ký: {}",
                decision.number.trim(),
                crate::text::format_date_vi(decision.date),
                decision.signer.trim()
            ));
            next.decision = Some(Decision {
                number: decision.number.trim().to_owned(),
                date: decision.date,
                signer: decision.signer.trim().to_owned(),
            });
            S::Recognized
        }
        Action::Publish => {
            next.published_on = Some(at);
            S::Published
        }
        Action::Revoke { reason } => {
            let reason = non_empty(&reason)?;
            note = Some(reason.clone());
            next.revoked_on = Some(at);
            next.revocation_reason = Some(reason);
            S::Revoked
        }
    };
    next.state = to;
    next.state_since = at;
    Ok(Transition {
        event: DossierEvent {
            dossier_id: dossier.id,
            from: dossier.state,
            to,
            action: kind,
            role: actor,
            date: at,
            note,
        },
        dossier: next,
    })
}
