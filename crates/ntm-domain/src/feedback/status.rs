//! The life of a report: received → accepted → in progress → resolved; or rejected (with
//! the body the citizen should go to instead); or transferred to another unit, which then
//! takes it from the start; or merged into an earlier report of the same problem.
//!
//! Every step names the one before it: a step skipped (received → resolved) is refused.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Filed by the citizen, waiting for the responsible unit.
    Received,
    /// Handed to another unit, waiting for it (behaves as `Received` for that unit).
    Transferred,
    /// The unit takes it up.
    Accepted,
    /// Someone is working on it.
    InProgress,
    /// Answered (final).
    Resolved,
    /// Not for this system; the answer names the body to go to (final).
    Rejected,
    /// The same problem as an earlier report, which carries on (final).
    Merged,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Received,
        Status::Transferred,
        Status::Accepted,
        Status::InProgress,
        Status::Resolved,
        Status::Rejected,
        Status::Merged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::Transferred => "transferred",
            Status::Accepted => "accepted",
            Status::InProgress => "in_progress",
            Status::Resolved => "resolved",
            Status::Rejected => "rejected",
            Status::Merged => "merged",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }

    /// Final: nothing more happens to it.
    pub fn is_closed(self) -> bool {
        matches!(self, Status::Resolved | Status::Rejected | Status::Merged)
    }

    /// Open311 has only `open` and `closed`.
    pub fn open311(self) -> &'static str {
        if self.is_closed() { "closed" } else { "open" }
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            Status::Received => "Đã tiếp nhận",
            Status::Transferred => "Đã chuyển đơn vị khác",
            Status::Accepted => "Đã thụ lý",
            Status::InProgress => "Đang xử lý",
            Status::Resolved => "Đã giải quyết",
            Status::Rejected => "Không thụ lý",
            Status::Merged => "Đã gộp vào phản ánh trùng",
        }
    }
}

/// What an officer does to a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Accept,
    Start,
    /// Needs an answer (published on the tracking page).
    Resolve,
    /// Needs an answer naming the body to go to.
    Reject,
    /// Needs the receiving unit.
    Transfer,
    /// Needs the earlier report it duplicates.
    Merge,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Action::Accept,
        Action::Start,
        Action::Resolve,
        Action::Reject,
        Action::Transfer,
        Action::Merge,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Start => "start",
            Action::Resolve => "resolve",
            Action::Reject => "reject",
            Action::Transfer => "transfer",
            Action::Merge => "merge",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }

    /// Does the step need a written answer?
    pub fn needs_answer(self) -> bool {
        matches!(self, Action::Resolve | Action::Reject)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum StepError {
    #[error("the report is closed ({})", .0.as_str())]
    Closed(Status),
    #[error("“{}” is not possible from “{}”: a step would be skipped", .1.as_str(), .0.as_str())]
    Skipped(Status, Action),
}

impl StepError {
    pub fn vi(&self) -> String {
        match self {
            StepError::Closed(s) => format!("Phản ánh đã kết thúc ({})", s.name_vi()),
            StepError::Skipped(s, a) => format!(
                "Không thể {} khi phản ánh đang ở trạng thái “{}”: không được bỏ qua bước",
                action_vi(*a),
                s.name_vi()
            ),
        }
    }
}

pub fn action_vi(a: Action) -> &'static str {
    match a {
        Action::Accept => "thụ lý",
        Action::Start => "bắt đầu xử lý",
        Action::Resolve => "trả lời kết quả giải quyết",
        Action::Reject => "từ chối thụ lý",
        Action::Transfer => "chuyển đơn vị khác",
        Action::Merge => "gộp vào phản ánh trùng",
    }
}

/// The status after `action`, or why it is refused.
pub fn next(from: Status, action: Action) -> Result<Status, StepError> {
    use Action::*;
    use Status::*;
    if from.is_closed() {
        return Err(StepError::Closed(from));
    }
    let waiting = matches!(from, Received | Transferred);
    let to = match action {
        Accept if waiting => Accepted,
        Reject if waiting => Rejected,
        Merge if waiting || from == Accepted => Merged,
        Transfer if waiting || from == Accepted => Transferred,
        Start if from == Accepted => InProgress,
        Resolve if from == InProgress => Resolved,
        _ => return Err(StepError::Skipped(from, action)),
    };
    Ok(to)
}

/// The steps possible from `from`, in the order a page offers them.
pub fn available(from: Status) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|a| next(from, *a).is_ok())
        .collect()
}
