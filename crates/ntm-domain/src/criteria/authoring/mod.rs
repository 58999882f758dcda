//! Authoring criteria sets: one editable model of a set version, as people enter it.
//!
//! An [`AuthoredSet`] is the content of one version of a criteria set (metadata, criteria,
//! indicators, thresholds per region or commune group, and the legal basis of each value).
//! It is plain data (serde, stored as JSON by the application) and:
//!
//! - is **built from a parsed set** ([`AuthoredSet::from_set`]): a shipped file, an uploaded
//!   YAML file or an earlier authored version, copied as the starting draft;
//! - is **changed by small operations** ([`edit`]: metadata, a criterion, an indicator with its
//!   thresholds, removals), each checked at once, with an error per form field
//!   ([`EditError`], Vietnamese and English) and nothing changed when refused;
//! - is **checked against the set it extends** ([`AuthoredSet::check`]): a provincial value may
//!   only be stricter than a known national value (the message names both values), a value
//!   marked confirmed needs its basis, codes are unique;
//! - is **serialized to an `ntm-criteria/1` YAML document** ([`AuthoredSet::to_yaml`]) that
//!   goes through the ordinary loader and `resolve`, so every rule of the format applies and
//!   the YAML export is the same text. `AuthoredSet::from_set(parse(to_yaml(x))) == x`.
//!
//! **Extending sets.** A provincial version `extends` a national set. Its criteria are the
//! base's criteria (`inherited: true`, not editable) plus its own; inside an inherited
//! criterion it may *add* indicators (written as `add_indicators`, the way a province fills
//! the 2026–2030 national criteria, which have no indicators) and *change the thresholds* of
//! a base indicator (an `inherited: true` indicator, written as an `overrides` entry that
//! restates every threshold: general, by region and by group).
//!
//! **Legal basis.** A value's basis is a source entry ([`AuthoredSource`]: document number,
//! date, issuer, article, optionally the SHA-256 of the decision's PDF). A threshold that
//! cites a basis and is not uncertain is *confirmed* (provenance `sourced`); a threshold
//! without one is kept "needs verification" (provenance `recalled`, uncertain).
//!
//! Pure: no IO; dates are passed in.

mod check;
pub mod edit;
mod from_set;
pub mod table;
#[cfg(test)]
mod tests;
mod to_yaml;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

use super::model::{Completeness, Kind, Measure, Op, Pass, Provenance, ThresholdValue};
use crate::units::{Level, Region};

pub use crate::criteria::words::threshold_text;
pub use check::Weaker;
pub use edit::{BasisInput, EditError, IndicatorInput, MetaInput, ThresholdInput, base_threshold};
pub use from_set::{FromSetError, inherited_indicator};

/// One version of a criteria set being authored (see the module documentation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthoredSet {
    /// Set id (`xa-ntm-vinh-long-2026-2030`).
    pub id: String,
    /// Version label ("2026").
    pub version: String,
    pub level: Level,
    pub category: Option<String>,
    pub title_vi: String,
    /// English title (`title_en`), kept through editing and `to_yaml`.
    #[serde(default)]
    pub title_en: Option<String>,
    pub recognition_label: Option<String>,
    #[serde(with = "date_text")]
    pub valid_from: Date,
    /// Inclusive; `None`: open.
    #[serde(with = "opt_date_text")]
    pub valid_to: Option<Date>,
    /// The national set this version extends (provincial sets).
    pub extends: Option<AuthoredExtends>,
    pub completeness: Completeness,
    pub evidence_required: Option<bool>,
    /// `applies_to.unit_kinds` (Xã, Phường, …); `None`: not said (every unit of the level;
    /// an extending version inherits its base's). Versions stored before this field have
    /// none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<Vec<String>>,
    pub prerequisites: Vec<String>,
    pub legal_basis: Vec<AuthoredLegalBasis>,
    /// The citation table; thresholds cite its ids.
    pub sources: BTreeMap<String, AuthoredSource>,
    pub special_rules: Vec<AuthoredSpecialRule>,
    pub notes: Vec<String>,
    pub preconditions: Vec<AuthoredIndicator>,
    pub criteria: Vec<AuthoredCriterion>,
}

/// `extends: {id, version}`; `version: None` = the version in force on `valid_from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthoredExtends {
    pub id: String,
    pub version: Option<String>,
}

/// A source: a web address, a document, or a legal basis entered in the editor.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AuthoredSource {
    pub url: Option<String>,
    /// Document number ("12/2026/QĐ-UBND") or a document held by the project.
    pub doc: Option<String>,
    pub what: Option<String>,
    /// Date of the document, `YYYY-MM-DD`.
    pub date: Option<String>,
    pub issuer: Option<String>,
    /// Article / appendix the value is read from.
    pub article: Option<String>,
    /// SHA-256 of the uploaded PDF of the document (evidence), and its file name.
    pub file_sha256: Option<String>,
    pub file_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthoredLegalBasis {
    pub doc: String,
    pub date: Option<String>,
    pub issuer: Option<String>,
    pub role: String,
    pub title: Option<String>,
    pub note: Option<String>,
    pub sources: Vec<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthoredSpecialRule {
    pub id: String,
    pub text_vi: String,
    pub evaluate_with_region: Option<Region>,
    pub provenance: Provenance,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthoredCriterion {
    pub number: u16,
    pub name_vi: String,
    pub name_en: Option<String>,
    pub group: Option<String>,
    pub pass: Pass,
    /// A criterion of the base set (extending versions): its name is the base's; only
    /// indicators can be added to it.
    pub inherited: bool,
    pub provenance: Option<Provenance>,
    pub uncertain: bool,
    pub sources: Vec<String>,
    pub note: Option<String>,
    pub indicators: Vec<AuthoredIndicator>,
}

/// Thresholds that differ by region or commune group: `Unknown` = not known whether they
/// differ (`null`); `Known` = the entries that differ (empty: the same everywhere; a `None`
/// entry: known to differ, value missing). Keys are region codes (`DBSCL`) or group ids
/// (`nhom-1`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Variation {
    Unknown,
    Known(BTreeMap<String, Option<AuthoredThreshold>>),
}

impl Default for Variation {
    fn default() -> Self {
        Variation::Known(BTreeMap::new())
    }
}

impl Variation {
    /// The entries (none when unknown).
    pub fn entries(&self) -> impl Iterator<Item = (&String, &Option<AuthoredThreshold>)> {
        match self {
            Variation::Known(m) => Some(m.iter()),
            Variation::Unknown => None,
        }
        .into_iter()
        .flatten()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthoredIndicator {
    pub code: String,
    pub name_vi: Option<String>,
    pub name_en: Option<String>,
    pub kind: Kind,
    pub unit: Option<String>,
    /// An indicator of the base set whose thresholds this version restates (an override):
    /// its name, kind and unit are the base's.
    pub inherited: bool,
    /// The general value ("chỉ tiêu chung"); `None` = missing.
    pub threshold: Option<AuthoredThreshold>,
    pub by_region: Variation,
    pub by_group: Variation,
    pub derived: Option<AuthoredDerived>,
    pub measured_as: Option<String>,
    /// The platform measure the value is computed from (`crate::measures`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computed_from: Option<crate::measures::MeasureKey>,
    /// Provenance of the indicator (its name and existence), the default for thresholds.
    pub provenance: Provenance,
    pub uncertain: bool,
    pub placeholder: bool,
    pub evidence_required: Option<bool>,
    pub source: Option<String>,
    pub sources: Vec<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthoredDerived {
    pub measure: Measure,
    pub set: Option<String>,
    pub child_level: Option<Level>,
}

/// One threshold value with its own provenance and citations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuthoredThreshold {
    pub op: Op,
    pub value: ThresholdValue,
    /// Wording of the legal table ("≥80%", "Đạt").
    pub text: Option<String>,
    pub provenance: Option<Provenance>,
    pub uncertain: Option<bool>,
    pub source: Option<String>,
    /// Ids of [`AuthoredSet::sources`]: the legal basis of this value.
    pub sources: Vec<String>,
    pub note: Option<String>,
}

impl AuthoredThreshold {
    /// Whether the value is confirmed: provenance sourced (own or the indicator's), not
    /// uncertain, and citing a source.
    pub fn confirmed(&self, ind: &AuthoredIndicator) -> bool {
        self.provenance.unwrap_or(ind.provenance) == Provenance::Sourced
            && !self.uncertain.unwrap_or(ind.uncertain)
            && (!self.sources.is_empty()
                || self.source.is_some()
                || !ind.sources.is_empty()
                || ind.source.is_some())
    }
}

impl AuthoredSet {
    /// Every indicator: preconditions first, then criteria in order.
    pub fn indicators(&self) -> impl Iterator<Item = &AuthoredIndicator> {
        self.preconditions
            .iter()
            .chain(self.criteria.iter().flat_map(|c| c.indicators.iter()))
    }

    /// The indicator with this code, with its criterion number (`None` for a precondition).
    pub fn indicator(&self, code: &str) -> Option<(Option<u16>, &AuthoredIndicator)> {
        if let Some(i) = self.preconditions.iter().find(|i| i.code == code) {
            return Some((None, i));
        }
        self.criteria.iter().find_map(|c| {
            c.indicators
                .iter()
                .find(|i| i.code == code)
                .map(|i| (Some(c.number), i))
        })
    }

    /// The file name used in messages and exports: `<id>@<version>.yaml`.
    pub fn file_name(&self) -> String {
        let v: String = self
            .version
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("{}@{v}.yaml", self.id)
    }

    /// A new, empty version extending `base` (a provincial set from scratch): the base's
    /// criteria are listed as inherited, with no indicators of their own yet.
    pub fn extending(
        id: &str,
        version: &str,
        title_vi: &str,
        valid_from: Date,
        base: &super::ResolvedSet,
    ) -> AuthoredSet {
        AuthoredSet {
            id: id.to_string(),
            version: version.to_string(),
            level: base.level,
            category: Some("provincial_set".into()),
            title_vi: title_vi.to_string(),
            title_en: None,
            recognition_label: base.recognition_label.clone(),
            valid_from,
            valid_to: None,
            extends: Some(AuthoredExtends {
                id: base.id.clone(),
                version: None,
            }),
            completeness: Completeness::Partial,
            evidence_required: None,
            applies_to: None,
            prerequisites: Vec::new(),
            legal_basis: Vec::new(),
            sources: BTreeMap::new(),
            special_rules: Vec::new(),
            notes: Vec::new(),
            preconditions: Vec::new(),
            criteria: base
                .criteria
                .iter()
                .map(|c| AuthoredCriterion {
                    number: c.number,
                    name_vi: c.name_vi.clone(),
                    name_en: None,
                    group: c.group.clone(),
                    pass: c.pass,
                    inherited: true,
                    provenance: c.provenance,
                    uncertain: c.uncertain,
                    sources: Vec::new(),
                    note: None,
                    indicators: Vec::new(),
                })
                .collect(),
        }
    }
}

/// `YYYY-MM-DD` text for dates in the stored JSON.
mod date_text {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::text::format_date_iso(*d))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let t = String::deserialize(d)?;
        crate::text::parse_date(&t)
            .ok_or_else(|| serde::de::Error::custom(format!("not a date YYYY-MM-DD: {t}")))
    }
}

mod opt_date_text {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&crate::text::format_date_iso(*d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        let t = Option::<String>::deserialize(d)?;
        t.map(|t| {
            crate::text::parse_date(&t)
                .ok_or_else(|| serde::de::Error::custom(format!("not a date YYYY-MM-DD: {t}")))
        })
        .transpose()
    }
}

/// Separates the Vietnamese and English parts of a refusal message (`"vi — en"`); pages
/// show the part of their language ([`message_in`]).
pub const LANG_SEP: &str = " — ";

/// The part of a `"vi — en"` message in the page's language.
pub fn message_in(message: &str, english: bool) -> &str {
    match message.split_once(LANG_SEP) {
        Some((vi, en)) => {
            if english {
                en
            } else {
                vi
            }
        }
        None => message,
    }
}
