//! The commune portal (issue 17 item 3, `docs/portal.md`).
//!
//! - `posts.rs`: officers with `PublishPortal` on the commune write news posts (HTML
//!   sanitized by `html.rs`, photos checked by `photos.rs`), preview, publish, unpublish.
//! - `schedule.rs`: the loudspeaker schedule: programmes with segments, the "held" mark.
//! - `public.rs`: the public pages' reads (no login): a commune's page, a post, a
//!   province's page, the Atom feed's entries, photos of published posts; `cache.rs` keeps
//!   the commune page's and feed's reads while the audit head is unchanged.
//! - `demo.rs`: the sample portal of the demo commune (labelled as sample).
//! - `measures.rs`: the DX figures computed from the records ([`ntm_domain::portal`]) with
//!   the posts and programmes behind each figure.

mod cache;
mod demo;
mod html;
mod measures;
mod photos;
mod posts;
mod public;
mod schedule;

pub use cache::clear_cache;
pub use demo::seed_demo;
pub use html::{excerpt, sanitize};
pub(crate) use measures::dx_figures;
pub use measures::{DxDrilldown, dx_drilldown};
pub use ntm_domain::portal::{Category, DxFigures, MonthFigure, PostStatus, WeekFigure};
pub use ntm_store::{
    PortalPhotoRecord, PortalPostRecord, PortalProgrammeRecord, PortalSegmentRecord,
};
pub use photos::{MAX_PHOTOS, PHOTO_MAX_BYTES, PhotoFile, Upload, officer_photo, photo};
pub use posts::{
    OfficerPosts, PostEditor, PostForm, Preview, new_post, officer_posts, post_editor,
    preview_post, remove_photo, set_published, update_post,
};
pub use public::{
    CommunePortal, ProvincePortal, ProvincePost, PublicPost, commune_portal, feed_posts,
    province_portal, public_post,
};
pub use schedule::{
    ProgrammeForm, ProgrammeView, ScheduleView, SegmentForm, add_programme, mark_held,
    officer_programme, schedule,
};

use ntm_domain::authz::Permission;
use ntm_domain::units::{Level, Unit};

use crate::access::require_on_unit;
use crate::{Actor, App, AppError, FieldError};

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

/// Does the actor hold `PublishPortal` somewhere? Checked before anything is read, so a
/// refusal says nothing about what exists.
pub(crate) fn require_some_publish(actor: &Actor) -> Result<(), AppError> {
    match actor {
        Actor::Cli { .. } => {}
        Actor::Anonymous { .. } => {
            return Err(AppError::Unauthorized("login required".into()));
        }
        Actor::User { grants, .. } => {
            if !grants
                .iter()
                .any(|g| g.role.allows(Permission::PublishPortal))
            {
                return Err(AppError::Forbidden(
                    "cần quyền đăng tin trên trang xã — needs the portal publishing permission"
                        .into(),
                ));
            }
        }
    }
    Ok(())
}

/// The commune, once the actor is known to hold `PublishPortal` on it.
pub(crate) async fn require_publish(
    app: &App,
    actor: &Actor,
    code: &str,
) -> Result<Unit, AppError> {
    require_some_publish(actor)?;
    let unit = commune(app, code).await?;
    require_on_unit(app, actor, Permission::PublishPortal, &unit).await?;
    Ok(unit)
}
