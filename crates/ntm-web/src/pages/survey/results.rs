//! A campaign's live results: per hamlet (or commune), per content of NTM building, and the
//! household coverage against the province's minimum.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use ntm_app::surveys::{self, CampaignResults, CampaignView};
use ntm_domain::dossier::survey::Tally;

use super::{SurveyLinks, rate_text, share_text, status_label};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::view::render;

#[derive(Debug, Clone)]
pub struct ResultRow {
    pub code: String,
    pub name: String,
    pub issued: String,
    pub used: String,
    pub satisfied: String,
    pub not_satisfied: String,
    pub invalid: String,
    pub rate: String,
    pub households: String,
    pub returned: String,
    pub share: String,
}

#[derive(Debug, Clone)]
pub struct ContentRow {
    pub code: String,
    pub name: String,
    pub rates: Vec<String>,
}

#[derive(Template)]
#[template(path = "survey_results.html")]
pub struct ResultsPage {
    pub ctx: Ctx,
    /// The campaign's addresses.
    pub links: SurveyLinks,
    pub c: CampaignView,
    pub status: String,
    pub rows: Vec<ResultRow>,
    pub total: ResultRow,
    pub contents: Vec<String>,
    /// Per hamlet (commune campaign) or per commune (district campaign).
    pub content_rows: Vec<ContentRow>,
    pub content_total: ContentRow,
    pub district: bool,
    pub min_commune_content: String,
    /// One line per configured minimum share, or the "not configured" line.
    pub coverage_lines: Vec<String>,
    pub coverage_missing: bool,
}

fn result_row(
    lang: Lang,
    code: &str,
    name: &str,
    issued: i64,
    used: i64,
    t: &Tally,
    households: Option<u32>,
) -> ResultRow {
    ResultRow {
        households: households
            .map(|h| lang.int(i64::from(h)))
            .unwrap_or_else(|| "–".into()),
        returned: lang.int(i64::from(t.responses())),
        share: share_text(lang, t.responses(), households),
        code: code.to_owned(),
        name: name.to_owned(),
        issued: lang.int(issued),
        used: lang.int(used),
        satisfied: lang.int(i64::from(t.rate.satisfied)),
        not_satisfied: lang.int(i64::from(t.rate.valid - t.rate.satisfied)),
        invalid: lang.int(i64::from(t.invalid)),
        rate: match lang {
            Lang::Vi => t.rate.display_vi(),
            Lang::En => t.rate.display_vi().replace(',', "."),
        },
    }
}

pub async fn results_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, code)): Path<(String, String)>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let r: CampaignResults = surveys::results_page(&st.app, &ctx.actor(), &unit, &code).await?;
    let c = r.campaign.clone();
    let lang = ctx.lang;
    let rows = r
        .areas
        .iter()
        .map(|a| {
            result_row(
                lang,
                &a.code,
                &a.name,
                a.tokens_issued,
                a.tokens_used,
                &a.tally,
                a.households,
            )
        })
        .collect();
    let total = result_row(
        lang,
        "",
        &lang.t("survey-total"),
        r.tokens_issued,
        r.tokens_used,
        &r.total,
        r.households,
    );
    let district = c.unit_level == ntm_domain::units::Level::District;
    let content_rows = r
        .areas
        .iter()
        .map(|a| ContentRow {
            code: a.code.clone(),
            name: a.name.clone(),
            rates: a.contents.iter().map(|x| rate_text(lang, *x)).collect(),
        })
        .collect();
    let content_total = ContentRow {
        code: c.unit_code.clone(),
        name: if district {
            lang.t("survey-total")
        } else {
            c.unit_name.clone()
        },
        rates: r
            .content_totals
            .iter()
            .map(|x| rate_text(lang, *x))
            .collect(),
    };
    let min_commune_content = r
        .min_commune_content
        .map(|x| rate_text(lang, x))
        .unwrap_or_else(|| lang.t("survey-contents-min-unknown"));
    let coverage_missing = r.coverage_rules.is_empty();
    let coverage_lines = if coverage_missing {
        vec![lang.t("survey-coverage-not-configured")]
    } else {
        r.coverage()
            .into_iter()
            .map(|c| {
                let (kind, m) = (c.kind, &c.rule);
                lang.t_args(
                    if c.met {
                        "survey-coverage-rule-met"
                    } else {
                        "survey-coverage-rule-not-met"
                    },
                    &[
                        ("kind", kind.name_vi().into()),
                        ("percent", i64::from(m.percent).into()),
                        ("basis", m.basis.clone().into()),
                    ],
                )
            })
            .collect()
    };
    let mut res = render(
        &ResultsPage {
            links: SurveyLinks::of(&c),
            status: status_label(lang, c.status),
            contents: c.questionnaire.contents.clone(),
            content_rows,
            content_total,
            district,
            min_commune_content,
            coverage_lines,
            coverage_missing,
            ctx,
            c,
            rows,
            total,
        },
        StatusCode::OK,
    );
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}
