//! Status and source of an observed indicator value (the values themselves are
//! [`crate::criteria::Value`]).

use serde::{Deserialize, Serialize};

/// Where a value is in its review: entered, submitted by the commune, verified above.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObsStatus {
    Draft,
    Submitted,
    Verified,
}

impl ObsStatus {
    pub const ALL: [ObsStatus; 3] = [ObsStatus::Draft, ObsStatus::Submitted, ObsStatus::Verified];

    pub fn as_str(self) -> &'static str {
        match self {
            ObsStatus::Draft => "draft",
            ObsStatus::Submitted => "submitted",
            ObsStatus::Verified => "verified",
        }
    }

    pub fn parse(s: &str) -> Option<ObsStatus> {
        ObsStatus::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            ObsStatus::Draft => "Nháp",
            ObsStatus::Submitted => "Đã gửi",
            ObsStatus::Verified => "Đã xác minh",
        }
    }
}

/// How a value came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObsSource {
    Manual,
    Import,
    /// Computed by another module (OCOP, dossiers…).
    Computed,
}

impl ObsSource {
    pub const ALL: [ObsSource; 3] = [ObsSource::Manual, ObsSource::Import, ObsSource::Computed];

    pub fn as_str(self) -> &'static str {
        match self {
            ObsSource::Manual => "manual",
            ObsSource::Import => "import",
            ObsSource::Computed => "computed",
        }
    }

    pub fn parse(s: &str) -> Option<ObsSource> {
        ObsSource::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in ObsStatus::ALL {
            assert_eq!(ObsStatus::parse(s.as_str()), Some(s));
        }
        for s in ObsSource::ALL {
            assert_eq!(ObsSource::parse(s.as_str()), Some(s));
        }
        assert_eq!(ObsStatus::parse("approved"), None);
    }
}
