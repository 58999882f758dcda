//! Rural tourism (issue 16 item 3, `docs/tourism.md`): points of interest of a commune with
//! narration in Vietnamese and English, and tours as ordered lists of published points.
//!
//! - `kind.rs`: the fixed kinds of point.
//! - `input.rs`: what an editor types (names, texts, the position inside Việt Nam and inside
//!   the commune's stored boundary), tours and their stops; every problem at once.
//! - `audio.rs`: narration audio, MP3 or Ogg by its content, size-limited.

mod audio;
mod input;
mod kind;
#[cfg(test)]
mod tests;

pub use audio::{AudioKind, MAX_AUDIO_BYTES, sniff_audio};
pub use input::{
    CheckedPoint, CheckedTour, MAX_NAME, MAX_NARRATION, MAX_SHORT, MAX_STOPS, PointInput, Problem,
    TourInput, check_point, check_tour, inside_boundary, parse_coordinate,
};
pub use kind::PointKind;

/// `draft` or `published`, for points and tours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Draft,
    Published,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "draft" => Some(Status::Draft),
            "published" => Some(Status::Published),
            _ => None,
        }
    }
}
