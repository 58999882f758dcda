//! The area code (mã số vùng trồng). The national format is **not confirmed** here: codes are
//! issued by the plant-protection authorities and the format seen in published lists varies
//! by province and by export market. So a code is only checked to be bounded and made of a
//! safe character set; it is stored as typed (letters upper-cased, spaces trimmed).

use std::fmt;

/// Longest code accepted (characters).
pub const MAX_CODE_LEN: usize = 40;
const MIN_CODE_LEN: usize = 2;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AreaCode(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AreaCodeError {
    #[error("the area code is empty")]
    Empty,
    #[error(
        "the area code has {found} characters; between {MIN_CODE_LEN} and {MAX_CODE_LEN} are accepted"
    )]
    Length { found: usize },
    #[error(
        "character “{ch}” at position {position} is not accepted (letters A–Z, digits, - . / _)"
    )]
    Character { ch: char, position: usize },
    #[error("the area code must begin with a letter or a digit")]
    Start,
}

impl AreaCodeError {
    pub fn vi(&self) -> String {
        match self {
            AreaCodeError::Empty => "Nhập mã số vùng".into(),
            AreaCodeError::Length { found } => format!(
                "Mã số vùng có {found} ký tự; chỉ nhận từ {MIN_CODE_LEN} đến {MAX_CODE_LEN} ký tự"
            ),
            AreaCodeError::Character { ch, position } => format!(
                "Ký tự “{ch}” ở vị trí {position} không được nhận (chữ A–Z không dấu, số, - . / _)"
            ),
            AreaCodeError::Start => "Mã số vùng phải bắt đầu bằng chữ hoặc số".into(),
        }
    }
}

impl AreaCode {
    pub fn parse(s: &str) -> Result<AreaCode, AreaCodeError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(AreaCodeError::Empty);
        }
        let found = s.chars().count();
        if !(MIN_CODE_LEN..=MAX_CODE_LEN).contains(&found) {
            return Err(AreaCodeError::Length { found });
        }
        for (i, ch) in s.chars().enumerate() {
            if !(ch.is_ascii_alphanumeric() || matches!(ch, '-' | '.' | '/' | '_')) {
                return Err(AreaCodeError::Character {
                    ch,
                    position: i + 1,
                });
            }
        }
        if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(AreaCodeError::Start);
        }
        Ok(AreaCode(s.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AreaCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
