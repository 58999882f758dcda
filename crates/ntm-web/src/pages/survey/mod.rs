//! Satisfaction survey campaigns, split by who uses them:
//! - officers, under `/units/{code}/surveys…`: `campaigns` (list, create/edit, open/close;
//!   the form in `form`), `campaign` (one campaign's page, households, one-time codes with
//!   printable slips), `results` (live results by hamlet), `paper` (paper forms from Excel),
//!   `phones` (the household phone list);
//! - citizens: `public`, the short link `/s/{code}` (its own minimal layout, no script, plain
//!   form POST → redirect to a thank-you page) and its QR codes;
//! - the dossier page: `facts`, what a recognition check takes from a closed campaign.
//!
//! The work is done by `ntm_app::surveys`; the JSON results
//! (`GET /api/v1/surveys/{code}/results`) are in `api::surveys`. This module keeps what
//! several of those pages share.

pub mod campaign;
pub mod campaigns;
pub mod facts;
mod form;
pub mod paper;
pub mod phones;
pub mod public;
pub mod results;
pub mod sms;

use axum::http::{HeaderMap, StatusCode};
use ntm_app::AppError;
use ntm_app::surveys::CampaignView;
use ntm_domain::dossier::campaign::{CampaignStatus, Phase};
use ntm_domain::dossier::survey::{self as dsurvey, SatisfactionRate};
use serde::Deserialize;

use crate::WebConfig;
use crate::error::field_error_text;
use crate::i18n::Lang;
use crate::urls::{SurveyPart, Urls};
use crate::view::format::date_time;

pub(super) fn status_label(lang: Lang, s: CampaignStatus) -> String {
    lang.t(&format!("survey-status-{}", s.as_str()))
}

pub(super) fn phase_label(lang: Lang, p: Phase) -> String {
    lang.t(match p {
        Phase::NotYetOpen => "survey-phase-not-yet-open",
        Phase::Accepting => "survey-phase-accepting",
        Phase::Closed => "survey-phase-closed",
    })
}

pub(super) fn window_text(lang: Lang, c: &CampaignView) -> String {
    lang.t_args(
        "survey-window",
        &[
            ("from", date_time(c.opens_at).into()),
            ("to", date_time(c.closes_at).into()),
        ],
    )
}

pub(super) fn app_error_texts(lang: Lang, e: &AppError) -> Option<(StatusCode, Vec<String>)> {
    match e {
        AppError::Validation(fields) => Some((
            StatusCode::UNPROCESSABLE_ENTITY,
            fields.iter().map(|f| field_error_text(lang, f)).collect(),
        )),
        AppError::Conflict(m) => Some((
            StatusCode::CONFLICT,
            vec![format!("{}: {m}", lang.t("survey-error-conflict"))],
        )),
        _ => None,
    }
}

/// The campaign's short link as printed and in QR codes: `{base}/s/{code}`.
pub(super) fn public_url(cfg: &WebConfig, headers: &HeaderMap, code: &str) -> String {
    format!("{}{}", base_url(cfg, headers), Urls::survey_public(code))
}

/// This site's address for printed links and QR codes: the configured public address
/// (`--base-url`) when there is one; otherwise the `Host` the client reached, with `https`
/// only when the request counts as served over HTTPS by the rule of [`crate::https`]
/// (`X-Forwarded-Proto` is read only from a trusted proxy, `--trust-forwarded-for`), so a
/// client's forged header never changes a printed link.
pub(crate) fn base_url(cfg: &WebConfig, headers: &HeaderMap) -> String {
    cfg.site_url(headers)
}

pub(super) fn rate_text(lang: Lang, r: SatisfactionRate) -> String {
    match lang {
        Lang::Vi => r.display_vi(),
        Lang::En => r.display_vi().replace(',', "."),
    }
}

pub(super) fn share_text(lang: Lang, responses: u32, households: Option<u32>) -> String {
    let s = dsurvey::share_display_vi(responses, households.unwrap_or(0));
    match lang {
        Lang::Vi => s,
        Lang::En => s
            .replace('.', "\u{2009}")
            .replace(',', ".")
            .replace('\u{2009}', ","),
    }
}

/// The addresses of one campaign's pages and forms, for its templates.
#[derive(Debug, Clone)]
pub struct SurveyLinks {
    pub unit: String,
    pub list: String,
    pub page: String,
    /// The short link `/s/{code}` (relative; the printed one has the site's address).
    pub public: String,
    pub qr_svg: String,
    pub qr_png: String,
    pub edit: String,
    pub open: String,
    pub close: String,
    pub tokens: String,
    pub households: String,
    pub results: String,
    pub paper_template: String,
    pub paper_preview: String,
    pub paper_apply: String,
    pub phones: String,
    pub phones_preview: String,
    pub phones_apply: String,
    pub phones_enabled: String,
}

impl SurveyLinks {
    pub fn of(c: &CampaignView) -> SurveyLinks {
        let part = |p| Urls::survey_part(&c.unit_code, &c.code, p);
        SurveyLinks {
            unit: Urls::unit(&c.unit_code),
            list: Urls::surveys(&c.unit_code),
            page: Urls::survey(&c.unit_code, &c.code),
            public: Urls::survey_public(&c.code),
            qr_svg: Urls::survey_qr_svg(&c.code),
            qr_png: Urls::survey_qr_png(&c.code),
            edit: part(SurveyPart::Edit),
            open: part(SurveyPart::Open),
            close: part(SurveyPart::Close),
            tokens: part(SurveyPart::Tokens),
            households: part(SurveyPart::Households),
            results: part(SurveyPart::Results),
            paper_template: part(SurveyPart::PaperTemplate),
            paper_preview: part(SurveyPart::PaperPreview),
            paper_apply: part(SurveyPart::PaperApply),
            phones: part(SurveyPart::Phones),
            phones_preview: part(SurveyPart::PhonesPreview),
            phones_apply: part(SurveyPart::PhonesApply),
            phones_enabled: part(SurveyPart::PhonesEnabled),
        }
    }
}

/// `?flash=…`: what the page says was just done.
#[derive(Debug, Deserialize)]
pub struct FlashQuery {
    pub flash: Option<String>,
}

/// One row of a preview to post back: its number, then its cells, separated by tabs (a tab or
/// line break inside a cell becomes a space).
pub(super) fn payload_line<'a>(row: usize, cells: impl IntoIterator<Item = &'a str>) -> String {
    let mut line = row.to_string();
    for cell in cells {
        line.push('\t');
        line.push_str(&cell.replace(['\t', '\n'], " "));
    }
    line
}

/// The rows of a preview, one line each.
pub(super) fn payload(lines: impl Iterator<Item = String>) -> String {
    lines.collect::<Vec<_>>().join("\n")
}

/// The rows posted back: the trimmed cells of every line that is not blank.
pub(super) fn payload_rows(text: &str) -> impl Iterator<Item = Vec<String>> + '_ {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').map(|c| c.trim().to_owned()).collect())
}

/// The rows of a preview posted back to apply them (paper forms, phone lists): one line per
/// row, cells separated by tabs.
#[derive(Debug, Deserialize)]
pub struct ApplyForm {
    #[serde(default)]
    pub file_name: String,
    #[serde(default)]
    pub rows: String,
}
