//! Addresses of the feedback pages (`docs/feedback.md`).

use uuid::Uuid;

use super::Urls;
use crate::ctx::url_encode;

impl Urls {
    /// `/feedback`: choose a province, track a report.
    pub fn feedback_home() -> String {
        "/feedback".into()
    }

    /// `/feedback/{province}/new`: the citizens' form.
    pub fn feedback_new(province: &str) -> String {
        format!("/feedback/{}/new", url_encode(province))
    }

    /// `/feedback/t/{code}`: the public tracking page.
    pub fn feedback_track(code: &str) -> String {
        format!("/feedback/t/{}", url_encode(code))
    }

    /// `/feedback/t/{code}/rate`
    pub fn feedback_rate(code: &str) -> String {
        format!("/feedback/t/{}/rate", url_encode(code))
    }

    /// `/feedback/photo/{id}`
    pub fn feedback_photo(id: Uuid) -> String {
        format!("/feedback/photo/{id}")
    }

    /// `/feedback/inbox?unit=…`
    pub fn feedback_inbox(unit: &str) -> String {
        format!("/feedback/inbox?unit={}", url_encode(unit))
    }

    /// `/feedback/r/{id}`: the officer's page of a report.
    pub fn feedback_report(id: Uuid) -> String {
        format!("/feedback/r/{id}")
    }

    /// `/feedback/r/{id}/act`
    pub fn feedback_act(id: Uuid) -> String {
        format!("/feedback/r/{id}/act")
    }

    /// `/feedback/r/{id}/assign`
    pub fn feedback_assign(id: Uuid) -> String {
        format!("/feedback/r/{id}/assign")
    }

    /// `/feedback/measures?unit=…`
    pub fn feedback_measures(unit: &str) -> String {
        format!("/feedback/measures?unit={}", url_encode(unit))
    }

    /// `/feedback/settings/{province}`
    pub fn feedback_settings(province: &str) -> String {
        format!("/feedback/settings/{}", url_encode(province))
    }
}
