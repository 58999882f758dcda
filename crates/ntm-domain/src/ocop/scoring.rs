//! Council score sheets and the consolidated result.
//!
//! Every council member fills one sheet with points for each part of the rubric (A, B, C in
//! QĐ 148). The rubric's rule (`star_bands.rule`: "Tổng điểm trung bình") is the average of
//! the members' totals; the stars come from the rubric's bands and 3–5 stars are certified.
//! Points are kept in hundredths so the average is exact at the band edges.

use std::collections::BTreeSet;
use std::fmt;

use crate::criteria::{OcopError, OcopScheme};

/// One council member's sheet: points per part code.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreSheet {
    pub member: String,
    pub parts: Vec<(String, f64)>,
}

/// The council's consolidated result.
#[derive(Debug, Clone, PartialEq)]
pub struct Consolidated {
    pub members: usize,
    /// Each member's total, in the order of the sheets.
    pub totals: Vec<(String, f64)>,
    /// "Tổng điểm trung bình": the average of the members' totals.
    pub average: f64,
    pub stars: u8,
    pub certified: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ScoringError {
    /// No sheet was handed in.
    NoSheets,
    /// The same member handed in two sheets.
    DuplicateMember(String),
    /// A sheet that does not fit the rubric (unknown or missing part, points out of range).
    Sheet { member: String, error: OcopError },
    /// Points finer than a hundredth, or not a number.
    Precision { member: String, part: String },
}

impl fmt::Display for ScoringError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScoringError::NoSheets => write!(f, "no score sheet has been handed in"),
            ScoringError::DuplicateMember(m) => {
                write!(f, "council member {m} has already handed in a sheet")
            }
            ScoringError::Sheet { member, error } => write!(f, "sheet of {member}: {error}"),
            ScoringError::Precision { member, part } => write!(
                f,
                "sheet of {member}: part {part} must be a number with at most two decimals"
            ),
        }
    }
}

impl std::error::Error for ScoringError {}

/// Points in hundredths, refusing NaN, infinities and finer precision.
fn centi(x: f64) -> Option<i64> {
    if !x.is_finite() {
        return None;
    }
    let c = (x * 100.0).round();
    ((x * 100.0 - c).abs() < 1e-6).then_some(c as i64)
}

/// Checks one sheet against the rubric and returns its total in hundredths.
pub fn sheet_total_centi(scheme: &OcopScheme, sheet: &ScoreSheet) -> Result<i64, ScoringError> {
    let parts: Vec<(&str, f64)> = sheet.parts.iter().map(|(c, p)| (c.as_str(), *p)).collect();
    scheme.total(&parts).map_err(|error| ScoringError::Sheet {
        member: sheet.member.clone(),
        error,
    })?;
    let mut sum = 0i64;
    for (code, p) in &sheet.parts {
        sum += centi(*p).ok_or_else(|| ScoringError::Precision {
            member: sheet.member.clone(),
            part: code.clone(),
        })?;
    }
    Ok(sum)
}

/// The consolidated result of a council's sheets: every sheet checked, one per member.
pub fn consolidate(
    scheme: &OcopScheme,
    sheets: &[ScoreSheet],
) -> Result<Consolidated, ScoringError> {
    if sheets.is_empty() {
        return Err(ScoringError::NoSheets);
    }
    let mut seen = BTreeSet::new();
    let mut totals = Vec::with_capacity(sheets.len());
    let mut sum = 0i64;
    for s in sheets {
        if !seen.insert(s.member.as_str()) {
            return Err(ScoringError::DuplicateMember(s.member.clone()));
        }
        let t = sheet_total_centi(scheme, s)?;
        sum += t;
        totals.push((s.member.clone(), t as f64 / 100.0));
    }
    // One correctly rounded division: exact whenever the true average is a band edge.
    let average = sum as f64 / (100.0 * sheets.len() as f64);
    let stars = scheme.stars_for(average).ok_or(ScoringError::Sheet {
        member: String::new(),
        error: OcopError::OutOfRange {
            part: "total".into(),
            points: average,
            max: scheme.max_total,
        },
    })?;
    Ok(Consolidated {
        members: sheets.len(),
        totals,
        average,
        stars,
        certified: scheme.is_certified(stars),
    })
}
