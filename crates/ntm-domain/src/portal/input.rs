//! Checks of what an officer types on the portal (titles, air times, segment topics, the
//! note of a "held" record). HTML bodies are sanitized in the application layer (ammonia);
//! their length is checked here on the sanitized text.

use time::Time;

/// Longest title of a post or programme (characters).
pub const MAX_TITLE: usize = 200;
/// Longest post body after sanitizing (characters of HTML).
pub const MAX_BODY: usize = 50_000;
/// Longest segment topic.
pub const MAX_TOPIC: usize = 200;
/// Longest note of a "held" record.
pub const MAX_NOTE: usize = 1_000;
/// Most segments in one programme.
pub const MAX_SEGMENTS: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    Empty,
    TooLong { max: usize },
    BadTime,
}

impl InputError {
    /// Vietnamese, then English.
    pub fn message(&self) -> String {
        match self {
            InputError::Empty => "Không được để trống — must not be empty".into(),
            InputError::TooLong { max } => {
                format!("Tối đa {max} ký tự — at most {max} characters")
            }
            InputError::BadTime => {
                "Giờ phát phải có dạng HH:MM, ví dụ 06:30 — a time such as 06:30".into()
            }
        }
    }
}

fn bounded(s: &str, max: usize, required: bool) -> Result<String, InputError> {
    let t = s.trim();
    if required && t.is_empty() {
        return Err(InputError::Empty);
    }
    if t.chars().count() > max {
        return Err(InputError::TooLong { max });
    }
    Ok(t.to_string())
}

/// A title of a post or programme: trimmed, 1 to [`MAX_TITLE`] characters.
pub fn check_title(s: &str) -> Result<String, InputError> {
    bounded(s, MAX_TITLE, true)
}

/// A segment topic: trimmed, 1 to [`MAX_TOPIC`] characters.
pub fn check_topic(s: &str) -> Result<String, InputError> {
    bounded(s, MAX_TOPIC, true)
}

/// The note of a "held" record: trimmed, may be empty, at most [`MAX_NOTE`] characters.
pub fn check_note(s: &str) -> Result<String, InputError> {
    bounded(s, MAX_NOTE, false)
}

/// An air time `HH:MM` (24 h).
pub fn check_air_time(s: &str) -> Result<Time, InputError> {
    let t = s.trim();
    let (h, m) = t.split_once(':').ok_or(InputError::BadTime)?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return Err(InputError::BadTime);
    }
    let h: u8 = h.parse().map_err(|_| InputError::BadTime)?;
    let m: u8 = m.parse().map_err(|_| InputError::BadTime)?;
    Time::from_hms(h, m, 0).map_err(|_| InputError::BadTime)
}
