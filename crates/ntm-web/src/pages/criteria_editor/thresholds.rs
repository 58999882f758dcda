//! Threshold keys, labels and values of the indicator form.

use crate::i18n::Lang;
use ntm_domain::criteria::CommuneGroup;
use ntm_domain::criteria::ThresholdValue;
use ntm_domain::criteria::authoring::AuthoredIndicator;
use ntm_domain::criteria::authoring::AuthoredSet;
use ntm_domain::criteria::authoring::AuthoredThreshold;
use ntm_domain::units::Region;

/// The threshold keys the form offers: the general value, then the commune groups (sets
/// from 2026) or the regions (2021–2025 sets), then any other key already in the version.
pub(super) fn keys_for(content: &AuthoredSet, ind: Option<&AuthoredIndicator>) -> Vec<String> {
    let mut keys = vec!["general".to_string()];
    let groups = content.valid_from.year() >= 2026;
    if groups {
        keys.extend(CommuneGroup::ALL.iter().map(|g| g.code().to_string()));
    } else {
        keys.extend(Region::ALL.iter().map(|r| r.code().to_string()));
    }
    if let Some(i) = ind {
        for (k, _) in i.by_region.entries().chain(i.by_group.entries()) {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    keys
}

pub(super) fn key_label(lang: Lang, key: &str) -> String {
    if key == "general" {
        lang.t("cs-key-general")
    } else if let Some(r) = Region::parse(key) {
        format!("{} ({})", r.name_vi(), r.code())
    } else if let Some(g) = CommuneGroup::parse(key) {
        lang.t1("cs-key-group", g.code().trim_start_matches("nhom-"))
    } else {
        key.to_string()
    }
}

pub(super) fn value_input(v: &ThresholdValue) -> String {
    let n = |x: f64| {
        if x.fract() == 0.0 {
            format!("{}", x as i64)
        } else {
            format!("{x}").replace('.', ",")
        }
    };
    match v {
        ThresholdValue::Bool(true) => "Đạt".into(),
        ThresholdValue::Bool(false) => "Không".into(),
        ThresholdValue::Num(x) => n(*x),
        ThresholdValue::List(l) => l.iter().map(|x| n(*x)).collect::<Vec<_>>().join("; "),
    }
}

pub(super) fn entry<'a>(i: &'a AuthoredIndicator, key: &str) -> Option<&'a AuthoredThreshold> {
    if key == "general" {
        return i.threshold.as_ref();
    }
    i.by_region
        .entries()
        .chain(i.by_group.entries())
        .find(|(k, _)| k.as_str() == key)
        .and_then(|(_, t)| t.as_ref())
}

pub(super) fn basis_words(content: &AuthoredSet, t: &AuthoredThreshold) -> String {
    t.sources
        .iter()
        .filter_map(|id| content.sources.get(id))
        .map(|s| {
            let mut out = s.doc.clone().or_else(|| s.url.clone()).unwrap_or_default();
            if let Some(d) = s.date.as_deref().and_then(ntm_domain::text::parse_date) {
                out.push_str(&format!(" {}", ntm_domain::text::format_date_vi(d)));
            }
            for x in [&s.issuer, &s.article].into_iter().flatten() {
                out.push_str(", ");
                out.push_str(x);
            }
            out
        })
        .collect::<Vec<_>>()
        .join("; ")
}
