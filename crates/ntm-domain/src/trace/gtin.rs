//! GS1 check digits (the mod-10 rule shared by GTIN, GLN, SSCC) and GTIN values.
//!
//! A GTIN is 8, 12, 13 or 14 digits, the last one a check digit: weights 3 and 1 alternate
//! from the rightmost data digit, the check digit makes the weighted sum a multiple of 10
//! (GS1 General Specifications §7.9.1).

use std::fmt;

/// The GS1 check digit of `data` (the digits *without* the check digit), or `None` when
/// `data` is empty or holds a character that is not an ASCII digit.
pub fn check_digit(data: &str) -> Option<u8> {
    if data.is_empty() {
        return None;
    }
    let mut sum = 0u32;
    for (i, c) in data.bytes().rev().enumerate() {
        if !c.is_ascii_digit() {
            return None;
        }
        let d = u32::from(c - b'0');
        sum += if i % 2 == 0 { d * 3 } else { d };
    }
    Some(((10 - sum % 10) % 10) as u8)
}

/// Whether the last digit of `digits` is the GS1 check digit of the others.
pub fn check_digit_ok(digits: &str) -> bool {
    if digits.len() < 2 {
        return false;
    }
    let (data, last) = digits.split_at(digits.len() - 1);
    match (check_digit(data), last.as_bytes()[0]) {
        (Some(d), c) => c == b'0' + d,
        _ => false,
    }
}

/// Why a text is not a GTIN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GtinError {
    #[error("a GTIN has only digits")]
    NotDigits,
    #[error("a GTIN has 8, 12, 13 or 14 digits, not {0}")]
    Length(usize),
    #[error("wrong check digit: the last digit should be {expected}")]
    CheckDigit { expected: u8 },
}

/// A GTIN kept as its 14-digit form (GTIN-8/12/13 padded with leading zeros, as GS1
/// Digital Link and EPCIS write it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Gtin(String);

impl Gtin {
    /// Parses a GTIN-8, -12, -13 or -14 and verifies its check digit.
    pub fn parse(s: &str) -> Result<Gtin, GtinError> {
        if !s.bytes().all(|b| b.is_ascii_digit()) || s.is_empty() {
            return Err(GtinError::NotDigits);
        }
        if !matches!(s.len(), 8 | 12 | 13 | 14) {
            return Err(GtinError::Length(s.len()));
        }
        let (data, _) = s.split_at(s.len() - 1);
        let expected = check_digit(data).ok_or(GtinError::NotDigits)?;
        if !check_digit_ok(s) {
            return Err(GtinError::CheckDigit { expected });
        }
        Ok(Gtin(format!("{s:0>14}")))
    }

    /// Builds the GTIN-14 whose first 13 digits are `data13` (computing the check digit).
    pub fn from_data(data13: &str) -> Result<Gtin, GtinError> {
        if data13.len() != 13 {
            return Err(GtinError::Length(data13.len() + 1));
        }
        let d = check_digit(data13).ok_or(GtinError::NotDigits)?;
        Ok(Gtin(format!("{data13}{d}")))
    }

    /// The 14 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Gtin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_gtins() {
        // GS1 examples: GTIN-13 of the General Specifications, GTIN-14 of the EPCIS examples.
        assert_eq!(
            Gtin::parse("9520123456788").unwrap().as_str(),
            "09520123456788"
        );
        assert!(Gtin::parse("10614141073464").is_ok());
        assert!(Gtin::parse("02345673").is_ok());
        assert!(Gtin::parse("416000336108").is_ok());
        assert_eq!(
            Gtin::parse("9520123456789"),
            Err(GtinError::CheckDigit { expected: 8 })
        );
        assert_eq!(Gtin::parse("123"), Err(GtinError::Length(3)));
        assert_eq!(Gtin::parse("95201234567a8"), Err(GtinError::NotDigits));
        assert_eq!(Gtin::parse(""), Err(GtinError::NotDigits));
        // SSCC and GLN use the same rule.
        assert!(check_digit_ok("006141411234567890"));
        assert!(check_digit_ok("9520123456788"));
    }

    proptest! {
        #[test]
        fn computed_check_digit_verifies(data in "[0-9]{13}") {
            let g = Gtin::from_data(&data).unwrap();
            prop_assert!(check_digit_ok(g.as_str()));
            prop_assert_eq!(Gtin::parse(g.as_str()).unwrap(), g.clone());
            // Every other last digit is refused.
            let d = g.as_str().as_bytes()[13] - b'0';
            for other in (0..10u8).filter(|o| *o != d) {
                let wrong = format!("{data}{other}");
                prop_assert_eq!(Gtin::parse(&wrong), Err(GtinError::CheckDigit { expected: d }));
            }
        }

        #[test]
        fn short_gtins_pad_to_14(len in prop::sample::select(vec![8usize, 12, 13]), seed in "[0-9]{13}") {
            let data = &seed[..len - 1];
            let d = check_digit(data).unwrap();
            let s = format!("{data}{d}");
            let g = Gtin::parse(&s).unwrap();
            prop_assert_eq!(g.as_str().len(), 14);
            prop_assert!(g.as_str().ends_with(&s));
        }

        #[test]
        fn one_changed_digit_is_caught(data in "[0-9]{13}", pos in 0usize..13, delta in 1u8..10) {
            let g = Gtin::from_data(&data).unwrap();
            let mut b = g.as_str().as_bytes().to_vec();
            b[pos] = b'0' + (b[pos] - b'0' + delta) % 10;
            let s = String::from_utf8(b).unwrap();
            prop_assert!(!check_digit_ok(&s));
        }
    }
}
