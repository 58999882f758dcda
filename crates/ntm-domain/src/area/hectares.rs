//! Declared hectares: more than zero, at most two decimals, kept in hundredths so that
//! nothing is lost to floating point. Accepts "1,25", "1.25" and Vietnamese "1.234,5".

use std::fmt;

/// One million hectares, in hundredths: far above any single raw-material area.
pub const MAX_HECTARES_HUNDREDTHS: i64 = 100_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hectares(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HectaresError {
    #[error("enter the area in hectares")]
    Empty,
    #[error("“{0}” is not a number of hectares")]
    NotANumber(String),
    #[error("at most 2 decimals are accepted (“{0}”)")]
    TooManyDecimals(String),
    #[error("the area must be more than 0 ha")]
    NotPositive,
    #[error("the area is larger than 1,000,000 ha")]
    TooLarge,
}

impl HectaresError {
    pub fn vi(&self) -> String {
        match self {
            HectaresError::Empty => "Nhập diện tích (ha)".into(),
            HectaresError::NotANumber(s) => format!("“{s}” không phải là số héc-ta"),
            HectaresError::TooManyDecimals(s) => {
                format!("Chỉ nhận tối đa 2 chữ số thập phân (“{s}”)")
            }
            HectaresError::NotPositive => "Diện tích phải lớn hơn 0 ha".into(),
            HectaresError::TooLarge => "Diện tích lớn hơn 1.000.000 ha".into(),
        }
    }
}

impl Hectares {
    pub fn from_hundredths(h: i64) -> Result<Hectares, HectaresError> {
        if h <= 0 {
            Err(HectaresError::NotPositive)
        } else if h > MAX_HECTARES_HUNDREDTHS {
            Err(HectaresError::TooLarge)
        } else {
            Ok(Hectares(h))
        }
    }

    /// Reads what a person typed. With both `.` and `,` the Vietnamese convention applies
    /// (dots group thousands, the comma is the decimal mark); with one of them it is the
    /// decimal mark.
    pub fn parse(s: &str) -> Result<Hectares, HectaresError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(HectaresError::Empty);
        }
        let nan = || HectaresError::NotANumber(t.to_string());
        let normalized = if t.contains('.') && t.contains(',') {
            t.replace('.', "").replace(',', ".")
        } else {
            t.replace(',', ".")
        };
        let (int, frac) = match normalized.split_once('.') {
            Some((i, f)) => (i, f),
            None => (normalized.as_str(), ""),
        };
        if int.is_empty() && frac.is_empty() {
            return Err(nan());
        }
        if !int.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
            return Err(if t.starts_with('-') {
                HectaresError::NotPositive
            } else {
                nan()
            });
        }
        if frac.len() > 2 {
            return Err(HectaresError::TooManyDecimals(t.to_string()));
        }
        if int.len() > 9 {
            return Err(HectaresError::TooLarge);
        }
        let whole: i64 = if int.is_empty() {
            0
        } else {
            int.parse().map_err(|_| nan())?
        };
        let cents: i64 = match frac.len() {
            0 => 0,
            1 => frac.parse::<i64>().map_err(|_| nan())? * 10,
            _ => frac.parse().map_err(|_| nan())?,
        };
        Hectares::from_hundredths(whole * 100 + cents)
    }

    pub fn hundredths(self) -> i64 {
        self.0
    }

    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }
}

/// `1234.5` → "1234.50" (machine form; pages use the Vietnamese formatter).
impl fmt::Display for Hectares {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}
