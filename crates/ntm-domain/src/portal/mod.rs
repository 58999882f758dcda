//! The commune portal (issue 17 item 3, `docs/portal.md`): news posts with a fixed list of
//! categories ([`category`]), the loudspeaker schedule (programmes with segments and a
//! "held" record), the checks of what an officer types ([`input`]) and the
//! digital-transformation measures computed from the records ([`measures`]).
//!
//! Pure: dates, times and ids are passed in.

pub mod category;
pub mod input;
pub mod measures;

#[cfg(test)]
mod tests;

pub use category::Category;
pub use input::{
    InputError, MAX_BODY, MAX_NOTE, MAX_SEGMENTS, MAX_TITLE, MAX_TOPIC, check_air_time, check_note,
    check_title, check_topic,
};
pub use measures::{
    DxFigures, MonthFigure, PostFact, ProgrammeFact, WeekFigure, dx_figures, iso_weeks, months,
};

/// Whether a post is visible to the public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PostStatus {
    Draft,
    Published,
}

impl PostStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PostStatus::Draft => "draft",
            PostStatus::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<PostStatus> {
        match s {
            "draft" => Some(PostStatus::Draft),
            "published" => Some(PostStatus::Published),
            _ => None,
        }
    }
}
