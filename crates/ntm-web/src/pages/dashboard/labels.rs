//! Status labels, sorting, sort headers, tallies and trends as text.

use ntm_app::dashboard::{Tally, TrendPoint, pct};
use ntm_app::exports::SortKey;
use ntm_domain::criteria::Status;

use super::load::{DashboardParams, bad_request, parse_sort_key};
use super::views::{SortHeader, TrendView};
use crate::charts::number;
use crate::error::WebError;
use crate::i18n::Lang;

pub(super) fn status_label(lang: Lang, s: Status) -> String {
    lang.t(&format!(
        "dashboard-status-{}",
        s.as_str().replace('_', "-")
    ))
}

pub(super) fn status_class(s: Status) -> &'static str {
    match s {
        Status::Met => "st-met",
        Status::NotMet => "st-not-met",
        Status::Missing => "st-missing",
        Status::NeedsVerification => "st-verify",
    }
}

pub(super) fn pct_text(lang: Lang, part: u32, whole: u32) -> String {
    format!("{} %", number(lang, pct(part, whole), 1))
}

pub(super) fn headers(
    lang: Lang,
    base: &str,
    anchor: &str,
    cols: &[(SortKey, &str)],
    key: SortKey,
    desc: bool,
) -> Vec<SortHeader> {
    cols.iter()
        .map(|&(k, label_key)| {
            let active = k == key && key != SortKey::Code;
            let next_desc = if active { !desc } else { k.default_desc() };
            SortHeader {
                label: lang.t(label_key),
                href: format!(
                    "{base}&sort={}&dir={}#{anchor}",
                    k.as_str(),
                    if next_desc { "desc" } else { "asc" }
                ),
                aria_sort: match (active, desc) {
                    (false, _) => "",
                    (true, false) => "ascending",
                    (true, true) => "descending",
                },
                arrow: match (active, desc) {
                    (false, _) => "",
                    (true, false) => "▲",
                    (true, true) => "▼",
                },
            }
        })
        .collect()
}

pub(super) fn sort_params(p: &DashboardParams) -> Result<(SortKey, bool), WebError> {
    let key = parse_sort_key(p.sort.as_deref())?;
    let desc = match p.dir.as_deref().map(str::trim) {
        None | Some("") => key.default_desc(),
        Some("asc") => false,
        Some("desc") => true,
        Some(other) => {
            return Err(bad_request(
                "dir",
                format!("dir must be asc or desc, not \"{other}\""),
                "dashboard-error-sort",
                other,
            ));
        }
    };
    Ok((key, desc))
}

pub(super) type TallyTexts = (String, String, String, String, String, String);

pub(super) fn tally_view(lang: Lang, t: &Tally) -> TallyTexts {
    (
        lang.int(i64::from(t.met)),
        lang.int(i64::from(t.units)),
        pct_text(lang, t.met, t.units),
        lang.int(i64::from(t.met_tentative)),
        lang.int(i64::from(t.needs_verification)),
        lang.int(i64::from(t.no_known_shortfall)),
    )
}

pub(super) fn trend_view(lang: Lang, p: &TrendPoint) -> TrendView {
    match &p.tally {
        Some(t) => TrendView {
            year: p.year,
            available: true,
            met: lang.int(i64::from(t.met)),
            tentative: lang.int(i64::from(t.met_tentative)),
            no_shortfall: lang.int(i64::from(t.no_known_shortfall)),
            units: lang.int(i64::from(t.units)),
            pct: pct_text(lang, t.met, t.units),
        },
        None => TrendView {
            year: p.year,
            available: false,
            met: "—".into(),
            tentative: "—".into(),
            no_shortfall: "—".into(),
            units: "—".into(),
            pct: "—".into(),
        },
    }
}
