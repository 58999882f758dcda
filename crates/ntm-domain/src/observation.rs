//! Status and source of an observed indicator value (the values themselves are
//! [`crate::criteria::Value`]).

use serde::{Deserialize, Serialize};

/// Where a value is in its review: entered, submitted by the commune, verified above, or
/// returned to the commune with a comment.
///
/// Moves: draft or returned → submitted (by those who enter values); submitted → verified
/// or returned (by those who verify; returning needs a comment). Changing a value makes a
/// new draft, whatever its status was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObsStatus {
    Draft,
    Submitted,
    Verified,
    /// Sent back by a verifier with a comment; the commune corrects and submits again.
    Returned,
}

impl ObsStatus {
    pub const ALL: [ObsStatus; 4] = [
        ObsStatus::Draft,
        ObsStatus::Submitted,
        ObsStatus::Verified,
        ObsStatus::Returned,
    ];

    /// The statuses a value may be moved to `self` from by a status change (`Draft` is
    /// reached only by changing the value, so it has none).
    pub fn allowed_from(self) -> &'static [ObsStatus] {
        match self {
            ObsStatus::Draft => &[],
            ObsStatus::Submitted => &[ObsStatus::Draft, ObsStatus::Returned],
            ObsStatus::Verified | ObsStatus::Returned => &[ObsStatus::Submitted],
        }
    }

    /// Whether a status change may move a value from `from` to `self`.
    pub fn can_follow(self, from: ObsStatus) -> bool {
        self.allowed_from().contains(&from)
    }

    /// Whether moving to this status needs a comment (returning does).
    pub fn needs_comment(self) -> bool {
        self == ObsStatus::Returned
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ObsStatus::Draft => "draft",
            ObsStatus::Submitted => "submitted",
            ObsStatus::Verified => "verified",
            ObsStatus::Returned => "returned",
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
            ObsStatus::Returned => "Bị trả lại",
        }
    }
}

/// Separation of duties ("four eyes"): the people who may not verify a value because they
/// entered or submitted it since it was last verified. `versions` are the value's versions
/// oldest first, as (status, author). A verifier who returned the value is not an author of
/// it; a verification starts a new cycle.
pub fn authors_since_verified<'a, I>(versions: I) -> std::collections::BTreeSet<&'a str>
where
    I: IntoIterator<Item = (ObsStatus, &'a str)>,
{
    let mut authors = std::collections::BTreeSet::new();
    for (status, by) in versions {
        match status {
            ObsStatus::Verified => authors.clear(),
            ObsStatus::Draft | ObsStatus::Submitted => {
                authors.insert(by);
            }
            ObsStatus::Returned => {}
        }
    }
    authors
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
    fn four_eyes_authors_are_those_who_entered_or_submitted_since_the_last_verification() {
        use ObsStatus::*;
        let v = [
            (Draft, "an"),
            (Submitted, "an"),
            (Verified, "binh"),
            (Draft, "chi"),
            (Draft, "dung"),
            (Submitted, "chi"),
            (Returned, "binh"),
            (Submitted, "em"),
        ];
        let a = authors_since_verified(v);
        assert_eq!(a.into_iter().collect::<Vec<_>>(), ["chi", "dung", "em"]);
        // The verifier who returned the value may verify it after its correction.
        assert!(!authors_since_verified(v).contains("binh"));
        // The first cycle's author is free again after a verification.
        assert!(!authors_since_verified(v).contains("an"));
        assert!(authors_since_verified([]).is_empty());
    }

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

    #[test]
    fn review_moves() {
        use ObsStatus::*;
        assert!(Submitted.can_follow(Draft));
        assert!(Submitted.can_follow(Returned));
        assert!(!Submitted.can_follow(Verified));
        assert!(!Submitted.can_follow(Submitted));
        assert!(Verified.can_follow(Submitted));
        assert!(!Verified.can_follow(Draft));
        assert!(!Verified.can_follow(Returned));
        assert!(Returned.can_follow(Submitted));
        assert!(!Returned.can_follow(Draft));
        assert!(!Returned.can_follow(Verified));
        for s in ObsStatus::ALL {
            assert!(!Draft.can_follow(s), "draft is reached by editing only");
        }
        assert!(Returned.needs_comment());
        assert!(!Verified.needs_comment() && !Submitted.needs_comment());
    }
}
