//! Observed values of indicators and how they are read from text (forms, spreadsheets).

use std::fmt;

use super::model::ValueKind;

/// The value of one indicator for one unit and period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    Boolean(bool),
    /// 0–100.
    Percent(f64),
    Number(f64),
    Count(u64),
    Level(u32),
}

impl Value {
    pub fn kind(&self) -> ValueKind {
        match self {
            Value::Boolean(_) => ValueKind::Boolean,
            Value::Percent(_) => ValueKind::Percent,
            Value::Number(_) => ValueKind::Number,
            Value::Count(_) => ValueKind::Count,
            Value::Level(_) => ValueKind::Level,
        }
    }

    /// Numeric value (booleans: 1 or 0).
    pub fn as_f64(&self) -> f64 {
        match *self {
            Value::Boolean(b) => f64::from(u8::from(b)),
            Value::Percent(x) | Value::Number(x) => x,
            Value::Count(n) => n as f64,
            Value::Level(n) => f64::from(n),
        }
    }

    /// Checks a value built in code (not parsed) against its kind's range.
    pub fn check(&self) -> Result<(), ValueError> {
        match *self {
            Value::Percent(x) if !x.is_finite() => Err(ValueError::NotFinite),
            Value::Percent(x) if x < 0.0 => Err(ValueError::Negative { value: x }),
            Value::Percent(x) if x > 100.0 => Err(ValueError::PercentOver100 { value: x }),
            Value::Number(x) if !x.is_finite() => Err(ValueError::NotFinite),
            _ => Ok(()),
        }
    }

    /// Reads a value of `kind` from what a person typed.
    ///
    /// - boolean: `Đạt`/`Có`/`true`/`x`/`1` or `Không đạt`/`Không`/`false`/`0` (any case, with or
    ///   without diacritics);
    /// - percent: `85`, `85%`, `85,5 %`, `85.5` — between 0 and 100;
    /// - number: `1.234,5` (vi-VN) or `1234.5`;
    /// - count: a whole number ≥ 0; level: a whole number ≥ 0.
    pub fn parse(kind: ValueKind, text: &str) -> Result<Value, ValueError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(ValueError::Empty);
        }
        match kind {
            ValueKind::Boolean => parse_bool(t).map(Value::Boolean),
            ValueKind::Percent => {
                let body = t.strip_suffix('%').unwrap_or(t).trim_end();
                let x = parse_number(body).ok_or_else(|| ValueError::NotANumber {
                    text: t.to_string(),
                })?;
                let v = Value::Percent(x);
                v.check()?;
                Ok(v)
            }
            ValueKind::Number => {
                let x = parse_number(t).ok_or_else(|| ValueError::NotANumber {
                    text: t.to_string(),
                })?;
                let v = Value::Number(x);
                v.check()?;
                Ok(v)
            }
            ValueKind::Count | ValueKind::Level => {
                let x = parse_number(t).ok_or_else(|| ValueError::NotANumber {
                    text: t.to_string(),
                })?;
                if x < 0.0 {
                    return Err(ValueError::Negative { value: x });
                }
                if x.fract() != 0.0 || x > u32::MAX as f64 {
                    return Err(ValueError::NotAWholeNumber { value: x });
                }
                Ok(if kind == ValueKind::Count {
                    Value::Count(x as u64)
                } else {
                    Value::Level(x as u32)
                })
            }
        }
    }
}

/// Why a typed value was refused. The UI maps each variant to a translated message.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueError {
    Empty,
    NotANumber { text: String },
    NotABoolean { text: String },
    PercentOver100 { value: f64 },
    Negative { value: f64 },
    NotAWholeNumber { value: f64 },
    NotFinite,
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueError::Empty => write!(f, "no value"),
            ValueError::NotANumber { text } => write!(f, "\"{text}\" is not a number"),
            ValueError::NotABoolean { text } => {
                write!(
                    f,
                    "\"{text}\" is not a yes/no answer (Đạt/Không đạt, Có/Không)"
                )
            }
            ValueError::PercentOver100 { value } => write!(f, "{value} % is more than 100 %"),
            ValueError::Negative { value } => write!(f, "{value} is negative"),
            ValueError::NotAWholeNumber { value } => write!(f, "{value} is not a whole number"),
            ValueError::NotFinite => write!(f, "not a finite number"),
        }
    }
}

impl std::error::Error for ValueError {}

fn parse_bool(t: &str) -> Result<bool, ValueError> {
    let key = crate::text::search_key(t);
    match key.as_str() {
        "dat" | "co" | "true" | "yes" | "x" | "1" | "✓" => Ok(true),
        "khong dat" | "chua dat" | "khong" | "false" | "no" | "0" => Ok(false),
        _ => Err(ValueError::NotABoolean {
            text: t.to_string(),
        }),
    }
}

/// `1.234,5` (vi-VN: `.` groups thousands, `,` is the decimal mark) or `1234.5`.
/// Without a comma, a dot is a decimal mark unless the text is grouped in threes twice or more
/// (`1.234.567`).
pub(crate) fn parse_number(t: &str) -> Option<f64> {
    let t: String = t
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    if t.is_empty() {
        return None;
    }
    let normalized = if t.contains(',') {
        if t.matches(',').count() > 1 {
            return None;
        }
        t.replace('.', "").replace(',', ".")
    } else if t.matches('.').count() >= 2 {
        let (sign, digits) = t.strip_prefix('-').map(|d| ("-", d)).unwrap_or(("", &t));
        let mut parts = digits.split('.');
        let first = parts.next()?;
        if first.is_empty() || first.len() > 3 || !parts.all(|p| p.len() == 3) {
            return None;
        }
        format!("{sign}{}", digits.replace('.', ""))
    } else {
        t
    };
    if !normalized
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+')
    {
        return None;
    }
    normalized.parse::<f64>().ok().filter(|x| x.is_finite())
}
