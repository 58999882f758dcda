//! Rural tourism (migration 0029, `docs/tourism.md`): points with their photos, narration
//! audio and OCOP products (`points.rs`), tours with their ordered stops (`tours.rs`). Every
//! write carries its audit entry into the same transaction; a save names the version the
//! editor saw.

mod points;
mod tours;

pub use points::{
    TourismAudioRecord, TourismPhotoRecord, TourismPointFilter, TourismPointRecord,
    TourismPointWrite,
};
pub use tours::TourismTourRecord;
