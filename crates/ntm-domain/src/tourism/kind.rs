//! The kinds of tourism point the seed documents name: homestays, craft villages, relics and
//! heritage sites, eco-tourism sites and OCOP sales points.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PointKind {
    Homestay,
    CraftVillage,
    Relic,
    EcoTourism,
    OcopSalesPoint,
}

impl PointKind {
    pub const ALL: [PointKind; 5] = [
        PointKind::Homestay,
        PointKind::CraftVillage,
        PointKind::Relic,
        PointKind::EcoTourism,
        PointKind::OcopSalesPoint,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            PointKind::Homestay => "homestay",
            PointKind::CraftVillage => "craft_village",
            PointKind::Relic => "relic",
            PointKind::EcoTourism => "eco_tourism",
            PointKind::OcopSalesPoint => "ocop_sales",
        }
    }

    pub fn parse(s: &str) -> Option<PointKind> {
        let s = s.trim();
        PointKind::ALL.into_iter().find(|k| k.code() == s)
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            PointKind::Homestay => "Homestay (lưu trú tại nhà dân)",
            PointKind::CraftVillage => "Làng nghề",
            PointKind::Relic => "Di tích, di sản",
            PointKind::EcoTourism => "Du lịch sinh thái",
            PointKind::OcopSalesPoint => "Điểm bán sản phẩm OCOP",
        }
    }

    pub fn name_en(self) -> &'static str {
        match self {
            PointKind::Homestay => "Homestay",
            PointKind::CraftVillage => "Craft village",
            PointKind::Relic => "Relic or heritage site",
            PointKind::EcoTourism => "Eco-tourism site",
            PointKind::OcopSalesPoint => "OCOP sales point",
        }
    }

    /// Whether OCOP products may be linked to a point of this kind.
    pub fn sells_ocop(self) -> bool {
        matches!(self, PointKind::OcopSalesPoint | PointKind::CraftVillage)
    }
}
