//! What a dossier page shows of the survey behind it.

use ntm_app::surveys;

use super::{rate_text, share_text};
use crate::i18n::Lang;

#[derive(Debug, Clone)]
pub struct FactLine {
    pub id: String,
    pub label: String,
    pub value: String,
    pub warn: bool,
}

/// What the dossier's recognition check takes from the latest closed survey campaign of its
/// unit, set and year: the rate, the lowest commune × content rate (district dossiers), the
/// share of households against the province's minimum (or that none is configured). For a
/// dossier the user may already see.
pub fn dossier_fact_lines(
    lang: Lang,
    v: &ntm_app::dossiers::DossierView,
    f: &surveys::SurveyFacts,
) -> Vec<FactLine> {
    let kind = v.dossier.kind;
    let mut out = vec![FactLine {
        id: "dossier-survey-rate".into(),
        label: lang.t("survey-dossier-rate"),
        value: f
            .satisfaction
            .map(|r| rate_text(lang, r))
            .unwrap_or_else(|| lang.t("survey-dossier-no-campaign")),
        warn: f.satisfaction.is_none(),
    }];
    let per_commune = v
        .procedure
        .as_ref()
        .and_then(|p| p.satisfaction.as_ref())
        .and_then(|t| t.per_commune_content_percent);
    if per_commune.is_some() || f.min_commune_content_satisfaction.is_some() {
        out.push(FactLine {
            id: "dossier-survey-min-content".into(),
            label: lang.t("survey-contents-min"),
            value: f
                .min_commune_content_satisfaction
                .map(|r| rate_text(lang, r))
                .unwrap_or_else(|| lang.t("survey-contents-min-unknown")),
            warn: f.min_commune_content_satisfaction.is_none(),
        });
    }
    out.push(match &f.household_coverage {
        None => FactLine {
            id: "dossier-survey-coverage".into(),
            label: lang.t("survey-col-share"),
            value: lang.t("survey-coverage-not-configured"),
            warn: true,
        },
        Some(c) => FactLine {
            id: "dossier-survey-coverage".into(),
            label: lang.t("survey-col-share"),
            value: format!(
                "{} ({}/{}) — {}",
                share_text(lang, c.responses, Some(c.households)),
                lang.int(i64::from(c.responses)),
                lang.int(i64::from(c.households)),
                lang.t_args(
                    if c.met() {
                        "survey-coverage-rule-met"
                    } else {
                        "survey-coverage-rule-not-met"
                    },
                    &[
                        ("kind", kind.name_vi().into()),
                        ("percent", i64::from(c.rule.percent).into()),
                        ("basis", c.rule.basis.clone().into()),
                    ],
                )
            ),
            warn: !c.met(),
        },
    });
    out
}
