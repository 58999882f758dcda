//! Rural tourism (issue 16 item 3, `docs/tourism.md`).
//!
//! - `points.rs`: editors with `EditTourism` on the commune create and edit points (checked
//!   by `ntm_domain::tourism`, inside Việt Nam and inside the commune's stored boundary),
//!   with photos and narration audio (`files.rs`), OCOP products sold there, and publish them.
//! - `tours.rs`: tours as ordered lists of the commune's published points.
//! - `public.rs`: the public reads (no login): a commune's tourism page, a point's narration
//!   page, a tour, its leaflet's data, photos and audio of published points.
//! - `demo.rs`: the labelled sample points and tour of `ntm demo`.

mod demo;
mod files;
mod points;
mod public;
mod tours;

pub use demo::seed_demo;
pub use files::{AUDIO_MAX_BYTES, MAX_PHOTOS, PHOTO_MAX_BYTES, StoredFile, Upload};
pub use ntm_domain::tourism::{PointKind, Status};
pub use ntm_store::{
    TourismAudioRecord, TourismPhotoRecord, TourismPointRecord, TourismTourRecord,
};
pub use points::{
    OfficerTourism, PointEditor, PointForm, ProductChoice, new_point, officer_tourism,
    point_editor, set_point_published, update_point,
};
pub use public::{
    CommuneTourism, Leaflet, LeafletStop, PublicPoint, PublicTour, audio, commune_tourism, leaflet,
    photo, point_link, public_point, public_tour,
};
pub use tours::{TourEditor, TourForm, new_tour, set_tour_published, tour_editor, update_tour};

use ntm_domain::authz::Permission;
use ntm_domain::tourism::Problem;
use ntm_domain::units::{Level, Unit};

use crate::access::require_on_unit;
use crate::{Actor, App, AppError, FieldError};

pub(crate) fn field_of(p: Problem) -> FieldError {
    FieldError::new(p.field, p.message())
}

/// "Vietnamese — English": the message of a checked field.
pub(crate) fn field(
    name: &str,
    vi: impl std::fmt::Display,
    en: impl std::fmt::Display,
) -> FieldError {
    FieldError::new(name, format!("{vi} — {en}"))
}

/// The commune of a code (refused when it is not a commune).
pub(crate) async fn commune(app: &App, code: &str) -> Result<Unit, AppError> {
    let u = crate::units::latest_record(app, code.trim()).await?;
    if u.level != Level::Commune {
        return Err(AppError::NotFound(format!("commune {code}")));
    }
    Ok(u)
}

/// Does the actor hold `EditTourism` somewhere? Checked before anything is read, so a
/// refusal says nothing about what exists.
pub(crate) fn require_some_edit(actor: &Actor) -> Result<(), AppError> {
    match actor {
        Actor::Cli { .. } => Ok(()),
        Actor::Anonymous { .. } => Err(AppError::Unauthorized("login required".into())),
        Actor::User { grants, .. } => {
            if grants
                .iter()
                .any(|g| g.role.allows(Permission::EditTourism))
            {
                Ok(())
            } else {
                Err(AppError::Forbidden(
                    "cần quyền biên tập du lịch — needs the tourism editing permission".into(),
                ))
            }
        }
    }
}

/// The commune, once the actor is known to hold `EditTourism` on it.
pub(crate) async fn require_edit(app: &App, actor: &Actor, code: &str) -> Result<Unit, AppError> {
    require_some_edit(actor)?;
    let unit = commune(app, code).await?;
    require_on_unit(app, actor, Permission::EditTourism, &unit).await?;
    Ok(unit)
}

/// Whether the actor may edit the commune (to show a draft's files to its editors).
pub(crate) async fn may_edit(app: &App, actor: &Actor, code: &str) -> bool {
    require_edit(app, actor, code).await.is_ok()
}
