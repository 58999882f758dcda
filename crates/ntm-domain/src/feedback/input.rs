//! What a citizen sends, checked: the text, the answer an officer publishes, the tracking
//! code (10 Crockford base32 characters from 50 random bits, shown as `XXXXX-XXXXX`).

pub const MAX_TEXT: usize = 4000;
pub const MAX_ANSWER: usize = 4000;
pub const MAX_PHOTOS: usize = 3;
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("the text is empty")]
    Empty,
    #[error("the text is too long ({0} characters, at most {1})")]
    TooLong(usize, usize),
}

impl InputError {
    pub fn vi(&self) -> String {
        match self {
            InputError::Empty => "Hãy nhập nội dung".into(),
            InputError::TooLong(n, max) => {
                format!("Nội dung quá dài ({n} ký tự, tối đa {max} ký tự)")
            }
        }
    }
}

fn bounded(s: &str, max: usize) -> Result<String, InputError> {
    let t = s.trim();
    let n = t.chars().count();
    if n == 0 {
        Err(InputError::Empty)
    } else if n > max {
        Err(InputError::TooLong(n, max))
    } else {
        Ok(t.replace("\r\n", "\n"))
    }
}

/// The report's text, trimmed.
pub fn check_text(s: &str) -> Result<String, InputError> {
    bounded(s, MAX_TEXT)
}

/// An officer's answer (or the referral of a rejection), trimmed.
pub fn check_answer(s: &str) -> Result<String, InputError> {
    bounded(s, MAX_ANSWER)
}

/// A tracking code from random bytes (only the low 50 bits are used).
pub fn make_tracking_code(random: [u8; 8]) -> String {
    let mut v = u64::from_le_bytes(random) & ((1 << 50) - 1);
    let mut chars = [0u8; 10];
    for c in chars.iter_mut().rev() {
        *c = ALPHABET[(v & 31) as usize];
        v >>= 5;
    }
    let s: String = chars.iter().map(|&b| b as char).collect();
    format!("{}-{}", &s[..5], &s[5..])
}

/// A tracking code as typed (any case, spaces or dashes, O for 0, I/L for 1), in its
/// canonical form; `None` when it cannot be one.
pub fn normalize_tracking_code(s: &str) -> Option<String> {
    let mut out = String::with_capacity(11);
    for c in s.chars() {
        let c = match c.to_ascii_uppercase() {
            ' ' | '-' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
            return None;
        }
        out.push(c);
        if out.len() > 10 {
            return None;
        }
    }
    if out.len() != 10 {
        return None;
    }
    Some(format!("{}-{}", &out[..5], &out[5..]))
}
