//! Kinds of OCOP producers ("chủ thể OCOP").

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProducerKind {
    /// Hợp tác xã.
    Cooperative,
    /// Doanh nghiệp (công ty).
    Enterprise,
    /// Hộ kinh doanh (household business, registered).
    HouseholdBusiness,
    /// Tổ hợp tác (cooperative group).
    CooperativeGroup,
}

impl ProducerKind {
    pub const ALL: [ProducerKind; 4] = [
        ProducerKind::Cooperative,
        ProducerKind::Enterprise,
        ProducerKind::HouseholdBusiness,
        ProducerKind::CooperativeGroup,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProducerKind::Cooperative => "cooperative",
            ProducerKind::Enterprise => "enterprise",
            ProducerKind::HouseholdBusiness => "household_business",
            ProducerKind::CooperativeGroup => "cooperative_group",
        }
    }

    pub fn parse(s: &str) -> Option<ProducerKind> {
        let s = s.trim();
        ProducerKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            ProducerKind::Cooperative => "Hợp tác xã",
            ProducerKind::Enterprise => "Doanh nghiệp",
            ProducerKind::HouseholdBusiness => "Hộ kinh doanh",
            ProducerKind::CooperativeGroup => "Tổ hợp tác",
        }
    }

    /// Best guess from a producer's registered name (used when importing a published list,
    /// which names producers but does not give their kind). `None` when the name says nothing.
    pub fn guess_from_name(name: &str) -> Option<ProducerKind> {
        let n = name.to_lowercase();
        if n.starts_with("hợp tác xã") || n.starts_with("htx") {
            Some(ProducerKind::Cooperative)
        } else if n.starts_with("tổ hợp tác") || n.starts_with("tht") {
            Some(ProducerKind::CooperativeGroup)
        } else if n.starts_with("công ty") || n.starts_with("doanh nghiệp") {
            Some(ProducerKind::Enterprise)
        } else if n.starts_with("hộ kinh doanh") {
            Some(ProducerKind::HouseholdBusiness)
        } else {
            None
        }
    }
}
