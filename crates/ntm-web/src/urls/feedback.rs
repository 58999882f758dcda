//! Addresses of the feedback pages (`docs/feedback.md`).

use time::Date;
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

    /// `/feedback/measures?unit=…&from=…&to=…&figure=…`: one figure of a period with the
    /// reports behind it (`figure`: received, on_time_of, resolved, rated).
    pub fn feedback_measures_figure(unit: &str, from: Date, to: Date, figure: &str) -> String {
        format!(
            "/feedback/measures?unit={}&from={from}&to={to}&figure={}",
            url_encode(unit),
            url_encode(figure)
        )
    }

    /// The records behind a value computed from `key` for `unit` over `from..=to`: the
    /// portal's DX drill-down, or the feedback figure with its reports.
    pub fn computed_drilldown(
        unit: &str,
        key: ntm_domain::measures::MeasureKey,
        from: Date,
        to: Date,
    ) -> String {
        use ntm_domain::measures::MeasureKey as K;
        match key {
            K::DxPostsMinPerMonth
            | K::DxPostsMeanPerMonth
            | K::DxSegmentEveryWeek
            | K::DxWeeksHeldShare => Self::portal_dx(unit, from, to),
            K::FeedbackReceived => Self::feedback_measures_figure(unit, from, to, "received"),
            K::FeedbackOnTimeShare => Self::feedback_measures_figure(unit, from, to, "on_time_of"),
            K::FeedbackMeanDaysToResolve => {
                Self::feedback_measures_figure(unit, from, to, "resolved")
            }
            K::FeedbackSatisfiedShare => Self::feedback_measures_figure(unit, from, to, "rated"),
        }
    }

    /// `/feedback/settings/{province}`
    pub fn feedback_settings(province: &str) -> String {
        format!("/feedback/settings/{}", url_encode(province))
    }
}
