//! The commune portal (migration 0028): news posts with their photos (`posts.rs`) and the
//! loudspeaker schedule, programmes with segments and a "held" record (`programmes.rs`).
//! Every write carries its audit entry into the same transaction.

mod posts;
mod programmes;

pub use posts::{PortalPhotoRecord, PortalPostFilter, PortalPostRecord};
pub use programmes::{PortalProgrammeRecord, PortalSegmentRecord};
