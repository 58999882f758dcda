//! The state every handler shares, and what the router and middleware need to know about
//! the routes (no page or API module is imported here: pages and API depend on this module,
//! the router depends on them).

use std::sync::Arc;

use ntm_app::App;

use crate::WebConfig;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub cfg: Arc<WebConfig>,
}

/// The citizens' feedback form: up to three photos and the text.
pub const FEEDBACK_FORM_LIMIT: usize =
    ntm_app::feedback::PHOTO_MAX_BYTES * ntm_domain::feedback::MAX_PHOTOS + 256 * 1024;

/// Is this the citizens' feedback form (anonymous multipart buffered up to its limit)?
pub fn is_feedback_form(path: &str) -> bool {
    path.starts_with("/feedback/") && path.ends_with("/new")
}

/// The largest body of any upload route (the CSRF check buffers multipart forms of
/// signed-in users up to this before the route's own limit applies).
pub fn largest_upload(upload_limit: usize) -> usize {
    upload_limit
        .max(ntm_app::criteria::MAX_EVIDENCE_BYTES + 64 * 1024)
        .max(ntm_app::dossiers::MAX_DOCUMENT_BYTES + 64 * 1024)
        .max(portal_upload())
        .max(tourism_upload())
        .max(FEEDBACK_FORM_LIMIT)
}

/// The body limit of a tourism point's form: every photo and both audio files at their
/// largest, and the text.
pub fn tourism_upload() -> usize {
    ntm_app::tourism::MAX_PHOTOS * ntm_app::tourism::PHOTO_MAX_BYTES
        + 2 * ntm_app::tourism::AUDIO_MAX_BYTES
        + 256 * 1024
}

/// The body limit of the portal's editor: every photo at its largest, and the text.
pub fn portal_upload() -> usize {
    ntm_app::portal::MAX_PHOTOS * ntm_app::portal::PHOTO_MAX_BYTES + 256 * 1024
}
