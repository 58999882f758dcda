//! Which council level evaluates a product for a star rank on a given day.
//!
//! Before the reform the rubric (QĐ 148, `evaluation_levels`) gives district (3★),
//! province (4★) and central (5★) councils, with the rubric's own `uncertain` flags.
//! QĐ 1489/QĐ-TTg amends the procedure of QĐ 148 from 6 July 2025 (press summary, cited in
//! [`POST_REFORM_SOURCE`]): no district level; the commune People's Committee reviews and
//! proposes ([`EvalLevel::Commune`], not a scoring council); the provincial council
//! evaluates; products of 90 points or more go to the ministry (central). Who certifies 3★
//! products now is **not verified** (presumably the province), and the decision text itself
//! was not read: every post-reform rule is returned with `confirmed: false`. Issue 15 says
//! "commune → province → central"; the commune step is kept as the proposing level.

use serde::Serialize;
use time::{Date, macros::date};

use crate::criteria::OcopScheme;

/// The day the amended procedure applies (QĐ 1489/QĐ-TTg, per [`POST_REFORM_SOURCE`]).
pub const REFORM_DATE: Date = date!(2025 - 07 - 06);

/// Press summary of QĐ 1489/QĐ-TTg (republishing Báo Điện Biên Phủ).
pub const POST_REFORM_SOURCE: &str =
    "https://baomoi.net.vn/infographic-trinh-tu-danh-gia-phan-hang-san-pham-ocop-c52720491.epi";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum EvalLevel {
    Commune,
    District,
    Province,
    Central,
}

impl EvalLevel {
    pub const ALL: [EvalLevel; 4] = [
        EvalLevel::Commune,
        EvalLevel::District,
        EvalLevel::Province,
        EvalLevel::Central,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EvalLevel::Commune => "commune",
            EvalLevel::District => "district",
            EvalLevel::Province => "province",
            EvalLevel::Central => "central",
        }
    }

    pub fn parse(s: &str) -> Option<EvalLevel> {
        EvalLevel::ALL.into_iter().find(|l| l.as_str() == s.trim())
    }
}

/// The level whose council recognises a star rank on a day, with its provenance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelRule {
    pub level: EvalLevel,
    pub stars: u8,
    /// False when the rubric marks the level `uncertain`, or when the rule is not in the
    /// rubric at all (the post-reform commune level).
    pub confirmed: bool,
    pub source: Option<String>,
}

/// The council level recognising `stars` on `on`; `None` for ranks no council certifies
/// (1–2★) or ranks the rubric gives no level for.
pub fn evaluating_level(scheme: &OcopScheme, on: Date, stars: u8) -> Option<LevelRule> {
    let l = scheme
        .levels
        .iter()
        .find(|l| l.recognises_stars.contains(&stars))?;
    let level = EvalLevel::parse(&l.level)?;
    if on >= REFORM_DATE {
        let level = if level == EvalLevel::District {
            EvalLevel::Province
        } else {
            level
        };
        return Some(LevelRule {
            level,
            stars,
            confirmed: false,
            source: Some(POST_REFORM_SOURCE.to_string()),
        });
    }
    Some(LevelRule {
        level,
        stars,
        confirmed: !l.uncertain,
        source: l.source.clone(),
    })
}
