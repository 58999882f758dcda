//! Citizens' feedback and petitions (phản ánh, kiến nghị; issue 17, `docs/feedback.md`).
//!
//! - `settings.rs`: a province's categories (with their time limit in working days),
//!   routing rules and answer templates, edited by its officers (`HandleFeedback` on the
//!   province).
//! - `file.rs`: a citizen files a report (public: the anti-abuse step of `challenge.rs` and
//!   the limits per address and per contact are the permission); photos in `photos.rs`.
//! - `public.rs`: the tracking page and the citizen's rating.
//! - `handle.rs`: officers with `HandleFeedback` on the responsible unit act on a report
//!   through the domain state machine; `inbox.rs` their list, the overdue list and the
//!   duplicates; `measures.rs` the figures per unit and period with the reports behind them.
//! - `open311.rs`: what the GeoReport v2 endpoints read and write.

mod challenge;
mod file;
mod handle;
mod inbox;
mod measures;
pub(crate) use measures::compute_measures;
mod open311;
mod photos;
mod public;
mod settings;

pub use challenge::{Challenge, challenge, challenge_at};
pub use file::{Filed, NewReport, Upload, file_report};
pub use handle::{
    OfficerReport, StepForm, act, assign, bulk_act, duplicate_suggestions, officer_report,
};
pub use inbox::{InboxPage, InboxQuery, InboxRow, inbox};
pub use measures::{MeasuresView, measure_reports, measures};
pub use open311::{Open311Query, open311_requests};
/// The photo check and EXIF location removal, shared with the tourism points.
pub(crate) use photos::clean as clean_photo;
pub use photos::{PHOTO_MAX_BYTES, PhotoFile, photo};
pub use public::{PublicEvent, PublicReport, rate, track};
pub use settings::{
    CategoryForm, CategoryView, FeedbackSettings, FormChoices, RouteForm, TemplateForm, add_route,
    add_template, categories, delete_route, form_choices, provinces, save_category, seed_demo,
    settings,
};

use ntm_domain::authz::Permission;
use ntm_domain::units::{Level, Unit};
use ntm_store::FeedbackReportRecord;

use crate::access::require_on_unit;
use crate::{Actor, App, AppError, FieldError};

/// "Vietnamese — English": the message of a checked field (pages show the Vietnamese first).
pub(crate) fn both(vi: impl Into<String>, en: impl std::fmt::Display) -> String {
    format!("{} — {en}", vi.into())
}

pub(crate) fn field(name: &str, vi: impl Into<String>, en: impl std::fmt::Display) -> FieldError {
    FieldError::new(name, both(vi, en))
}

/// The province record of a code (refused when the code is not a province).
pub(crate) async fn province(app: &App, code: &str) -> Result<Unit, AppError> {
    let u = crate::units::latest_record(app, code.trim()).await?;
    if u.level != Level::Province {
        return Err(AppError::NotFound(format!("province {code}")));
    }
    Ok(u)
}

/// May the actor handle reports of this responsible unit?
pub(crate) async fn require_handle(
    app: &App,
    actor: &Actor,
    r: &FeedbackReportRecord,
) -> Result<Unit, AppError> {
    let unit = crate::units::latest_record(app, &r.responsible_code).await?;
    // The report's stored path decides (the unit may have been re-versioned since).
    let at_filing = Unit {
        path: r.responsible_path.clone(),
        ..unit.clone()
    };
    require_on_unit(app, actor, Permission::HandleFeedback, &at_filing).await?;
    Ok(unit)
}

/// The report, or not found.
pub(crate) async fn load(app: &App, id: uuid::Uuid) -> Result<FeedbackReportRecord, AppError> {
    app.db
        .feedback_report(id)
        .await?
        .ok_or_else(|| AppError::NotFound("report".into()))
}
