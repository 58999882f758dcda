//! Measures of a unit over a period, computed from the records (never typed): number
//! received, share answered on time, mean time to resolve, satisfaction with the answers.
//! Each figure carries the ids of the reports behind it, so a page can show them.
//!
//! Definitions (`docs/feedback.md`):
//! - **received**: reports received in the period (by the day received, Vietnam time).
//! - **on time**: of those, the ones that count (answered — resolved or rejected with a
//!   referral — or open past their due day on `as_of`; merged duplicates do not count),
//!   the share answered on or before the due day.
//! - **mean days to resolve**: over the resolved ones, the mean of (resolved − received)
//!   in days (fractions of a day kept).
//! - **satisfaction**: over the answers the citizen rated (1–5), the share rated 4 or 5,
//!   and the mean rating.

use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::deadline::{Timeliness, timeliness};
use super::status::Status;

/// What the measures read of one report.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub id: Uuid,
    pub status: Status,
    pub received_at: OffsetDateTime,
    /// The day received, Vietnam time.
    pub received_on: Date,
    pub due_on: Date,
    /// When it was resolved or rejected.
    pub closed_at: Option<OffsetDateTime>,
    pub closed_on: Option<Date>,
    /// The citizen's rating of the answer, 1–5.
    pub rating: Option<u8>,
}

/// One figure: its numerator and denominator (when it is a share) and the reports behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// The value: a count, a share in percent, days, or a mean rating.
    pub value: Option<f64>,
    /// The reports counted in the numerator (or all of them for a count or mean).
    pub ids: Vec<Uuid>,
    /// The reports of the denominator, for a share.
    pub of: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measures {
    pub from: Date,
    pub to: Date,
    pub as_of: Date,
    pub received: Figure,
    pub on_time: Figure,
    pub mean_days_to_resolve: Figure,
    pub satisfied: Figure,
    pub mean_rating: Figure,
}

fn share(ids: Vec<Uuid>, of: Vec<Uuid>) -> Figure {
    let value = (!of.is_empty()).then(|| ids.len() as f64 * 100.0 / of.len() as f64);
    Figure { value, ids, of }
}

/// The measures of `records` received between `from` and `to` (both included), as of
/// `as_of`. Records outside the period are ignored.
pub fn measures(records: &[Record], from: Date, to: Date, as_of: Date) -> Measures {
    let mut inside: Vec<&Record> = records
        .iter()
        .filter(|r| r.received_on >= from && r.received_on <= to)
        .collect();
    inside.sort_by_key(|r| (r.received_at, r.id));
    let received = Figure {
        value: Some(inside.len() as f64),
        ids: inside.iter().map(|r| r.id).collect(),
        of: Vec::new(),
    };
    let (mut ok, mut counted) = (Vec::new(), Vec::new());
    for r in &inside {
        match timeliness(r.status, r.due_on, r.closed_on, as_of) {
            Timeliness::OnTime => {
                ok.push(r.id);
                counted.push(r.id);
            }
            Timeliness::Late | Timeliness::Overdue => counted.push(r.id),
            Timeliness::Pending | Timeliness::NotCounted => {}
        }
    }
    let resolved: Vec<(&Record, f64)> = inside
        .iter()
        .filter(|r| r.status == Status::Resolved)
        .filter_map(|r| {
            r.closed_at
                .map(|c| (*r, (c - r.received_at).as_seconds_f64() / 86_400.0))
        })
        .collect();
    let mean_days = Figure {
        value: (!resolved.is_empty())
            .then(|| resolved.iter().map(|(_, d)| d).sum::<f64>() / resolved.len() as f64),
        ids: resolved.iter().map(|(r, _)| r.id).collect(),
        of: Vec::new(),
    };
    let rated: Vec<(&Record, u8)> = inside
        .iter()
        .filter_map(|r| r.rating.map(|x| (*r, x)))
        .collect();
    let satisfied = share(
        rated
            .iter()
            .filter(|(_, x)| *x >= 4)
            .map(|(r, _)| r.id)
            .collect(),
        rated.iter().map(|(r, _)| r.id).collect(),
    );
    let mean_rating = Figure {
        value: (!rated.is_empty())
            .then(|| rated.iter().map(|(_, x)| f64::from(*x)).sum::<f64>() / rated.len() as f64),
        ids: rated.iter().map(|(r, _)| r.id).collect(),
        of: Vec::new(),
    };
    Measures {
        from,
        to,
        as_of,
        received,
        on_time: share(ok, counted),
        mean_days_to_resolve: mean_days,
        satisfied,
        mean_rating,
    }
}
