//! Translations (Fluent catalogs embedded at compile time) and locale-aware formatting.
//!
//! Vietnamese is the default; English is available. The choice is made per request:
//! `?lang=` (remembered in the `lang` cookie), then the cookie, then `Accept-Language`,
//! then Vietnamese.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, static_loader};
use time::Date;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "vi",
        // Fluent wraps placeables in Unicode isolation marks by default; they would end
        // up in HTML attributes and URLs.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static VI: LazyLock<LanguageIdentifier> = LazyLock::new(|| "vi".parse().unwrap_or_default());
static EN: LazyLock<LanguageIdentifier> = LazyLock::new(|| "en".parse().unwrap_or_default());

/// The Fluent sources, for tests that compare the catalogs.
pub const CATALOG_VI: &str = include_str!("../locales/vi/main.ftl");
pub const CATALOG_EN: &str = include_str!("../locales/en/main.ftl");

/// A language the interface is available in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Vi, Lang::En];

    /// The BCP 47 code, used in `lang` attributes, cookies and `?lang=`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// A text kept in both languages (e.g. a criteria set's `title_vi` / `title_en`): the
    /// English one on English pages when there is one, else the Vietnamese one.
    pub fn pick<'a>(self, vi: &'a str, en: Option<&'a str>) -> &'a str {
        match (self, en) {
            (Lang::En, Some(en)) if !en.is_empty() => en,
            _ => vi,
        }
    }

    /// Accepts `vi`, `vi-VN`, `en`, `en-GB`… (case-insensitive).
    pub fn parse(s: &str) -> Option<Lang> {
        let primary = s.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The best supported language of an `Accept-Language` header, by quality.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (i, part) in header.split(',').enumerate() {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or_default();
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let Some(lang) = Lang::parse(tag) else {
                continue;
            };
            if q <= 0.0 {
                continue;
            }
            // Higher quality wins; on a tie the earlier entry wins.
            if best.is_none_or(|(bq, _, _)| q > bq) {
                best = Some((q, i, lang));
            }
        }
        best.map(|(_, _, l)| l)
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }

    /// The message `key`, or the key itself (visible in tests) when it is missing.
    pub fn t(self, key: &str) -> String {
        LOCALES
            .try_lookup(self.id(), key)
            .unwrap_or_else(|| key.to_string())
    }

    /// The message `key` with arguments. Numbers are best passed already formatted
    /// (as text) plus, where plurals matter, as `n`.
    pub fn t_args(self, key: &str, args: &[(&str, FluentValue<'static>)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue<'static>> = args
            .iter()
            .map(|(k, v)| (Cow::Owned(k.to_string()), v.clone()))
            .collect();
        LOCALES
            .try_lookup_with_args(self.id(), key, &map)
            .unwrap_or_else(|| key.to_string())
    }

    /// One text argument named `value`.
    pub fn t1(self, key: &str, value: impl Into<String>) -> String {
        self.t_args(key, &[("value", FluentValue::from(value.into()))])
    }

    /// An integer count: `count` (formatted) and `n` (for plural rules).
    pub fn t_count(self, key: &str, n: i64) -> String {
        self.t_args(
            key,
            &[
                ("count", FluentValue::from(self.int(n))),
                ("n", FluentValue::from(n)),
            ],
        )
    }

    /// 3321 → "3.321" (vi) or "3,321" (en).
    pub fn int(self, n: i64) -> String {
        let vi = ntm_domain::text::format_int_vi(n);
        match self {
            Lang::Vi => vi,
            Lang::En => vi.replace('.', ","),
        }
    }

    /// dd/mm/yyyy in both languages (what Vietnamese documents use).
    pub fn date(self, d: Date) -> String {
        ntm_domain::text::format_date_vi(d)
    }
}

/// The tables made by `ntm_app::exports` take their words from this catalogue.
impl ntm_app::exports::Labels for Lang {
    fn text(&self, key: &str) -> String {
        self.t(key)
    }

    fn text_with(&self, key: &str, args: &[(&str, String)]) -> String {
        let args: Vec<(&str, FluentValue<'static>)> = args
            .iter()
            .map(|(k, v)| (*k, FluentValue::from(v.clone())))
            .collect();
        self.t_args(key, &args)
    }

    fn date(&self, d: Date) -> String {
        Lang::date(*self, d)
    }
}

/// Message keys defined in a Fluent source (messages and terms, not attributes).
pub fn catalog_keys(source: &str) -> Vec<String> {
    let mut keys: Vec<String> = source
        .lines()
        .filter(|l| !l.starts_with([' ', '\t', '#', '.', '[', '*', '}']) && !l.trim().is_empty())
        .filter_map(|l| l.split_once('=').map(|(k, _)| k.trim().to_string()))
        .filter(|k| {
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .collect();
    keys.sort();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_picks_by_quality() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,vi;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(
            Lang::from_accept_language("fr;q=1, vi-VN;q=0.5, en;q=0.4"),
            Some(Lang::Vi)
        );
        assert_eq!(Lang::from_accept_language("fr, de"), None);
        assert_eq!(
            Lang::from_accept_language("en;q=0, vi;q=0.1"),
            Some(Lang::Vi)
        );
    }

    #[test]
    fn lookups_and_formats() {
        assert_eq!(Lang::Vi.t("nav-login"), "Đăng nhập");
        assert_eq!(Lang::En.t("nav-login"), "Log in");
        assert_eq!(Lang::Vi.int(3321), "3.321");
        assert_eq!(Lang::En.int(1234567), "1,234,567");
        assert_eq!(Lang::Vi.t("no-such-key"), "no-such-key");
        assert!(!Lang::Vi.t_count("count-commune", 3321).contains('\u{2068}'));
    }
}
