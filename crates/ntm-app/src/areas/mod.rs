//! Raw-material areas (vùng trồng / vùng nguyên liệu, issue 15 part 3, `docs/areas.md`):
//! register and edit an area with its polygon, its owners (OCOP producer records),
//! certifications and seasons; a unit's areas (lineage-aware), one area, the public summary
//! a trace page shows. The commune boundaries the polygons are checked against are in
//! `crate::boundaries`.
//!
//! Who may do what (the OCOP permissions, `docs/ocop.md`): officers with `ManageOcop` on the
//! area's commune (following lineage) register and edit; a producer account
//! (`ManageOwnOcop`) registers areas for the producer records it owns and edits those areas.
//! Officers (`ManageOcop` or `ScoreOcop` somewhere) who see the unit, and the owners, see an
//! area; the public summary is public.

mod access;
mod demo;
mod pages;
mod records;
mod register;
mod views;

pub use demo::{DEMO_PRODUCER_USER, seed_demo};
pub use pages::{certification_on_page, edit_on_page, register_on_page, season_on_page};
pub use records::{NewCertification, NewSeason, add_certification, add_season};
pub use register::{AreaForm, edit_area, register_area};
pub use views::{
    AreaDetail, AreaFormChoices, AreaPublicSummary, AreaRow, CertificationView, MyAreas,
    PublicCertification, UnitAreas, area_detail, area_form_choices, my_areas, public_summary,
    unit_areas,
};

use ntm_domain::area::AreaShape;
/// The stored records the views carry.
pub use ntm_store::{
    AreaCertificationRecord, AreaRecord, AreaSeasonRecord, OcopProducerRecord, UnitBoundaryRecord,
};

/// "Vietnamese — English": the message of a checked field (pages show the Vietnamese first).
pub(crate) fn both(vi: String, en: impl std::fmt::Display) -> String {
    format!("{vi} — {en}")
}

/// A stored polygon, read back (stored text was checked when written).
pub(crate) fn stored_shape(text: &str) -> Option<AreaShape> {
    AreaShape::from_stored(text).ok()
}
