//! The two charts a province's dashboard and the national one share, built once: communes
//! by criteria met, and the indicators blocking most communes.

use ntm_app::exports::bucket_label;

use super::load::BLOCKING_CHARTED;
use crate::charts::{Bar, hbar_chart};
use crate::i18n::Lang;

/// Communes by number of criteria met, `(min, max, communes)` per bucket. The chart draws
/// the provisional counts ("tạm tính"): with thresholds still to confirm, the confirmed ones
/// sit in the lowest bucket; the page's table gives both.
pub(super) fn buckets_chart(
    lang: Lang,
    provisional: impl Iterator<Item = (u16, u16, u32)>,
    criteria_total: usize,
) -> String {
    let bars: Vec<Bar> = provisional
        .map(|(min, max, n)| Bar::count(lang, bucket_label(min, max), n))
        .collect();
    hbar_chart(
        "chart-buckets",
        &lang.t("dashboard-buckets-provisional-title"),
        &lang.t1(
            "dashboard-buckets-provisional-desc",
            lang.int(criteria_total as i64),
        ),
        &bars,
        &lang.t("dashboard-no-data"),
    )
}

/// The indicators blocking most communes, `(code, communes not met or missing)`, most first;
/// the first [`BLOCKING_CHARTED`] are drawn.
pub(super) fn blocking_chart(lang: Lang, blocking: impl Iterator<Item = (String, u32)>) -> String {
    let bars: Vec<Bar> = blocking
        .take(BLOCKING_CHARTED)
        .map(|(code, n)| Bar::count(lang, code, n))
        .collect();
    hbar_chart(
        "chart-blocking",
        &lang.t("dashboard-blocking-title"),
        &lang.t("dashboard-blocking-desc"),
        &bars,
        &lang.t("dashboard-blocking-none"),
    )
}
