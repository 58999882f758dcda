//! `GET /units/{code}/scorecard`: choosing the set and year, the page.

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::pages::scorecard::CriterionBlock;
use crate::pages::scorecard::IndicatorRow;
use crate::pages::scorecard::Light;
use crate::pages::scorecard::ScorecardPage;
use crate::pages::scorecard::SetOption;
use crate::pages::scorecard::light;
use crate::pages::scorecard::rows_of;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::html;
use crate::view::level_label;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::response::Redirect;
use axum::response::Response;
use ntm_app::AppError;
use ntm_app::criteria::MAX_EVIDENCE_BYTES;
use ntm_app::criteria::ScorecardPage as PageData;
use ntm_app::criteria::ScorecardRequest;
use ntm_domain::criteria::Status;
use ntm_domain::observation::ObsStatus;
use ntm_domain::text::format_int_vi;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Deserialize)]
pub struct ScorecardParams {
    pub set: Option<String>,
    pub year: Option<String>,
    pub flash: Option<String>,
    pub n: Option<u32>,
}

/// The year asked for (blank: the use case chooses).
fn year_param(year: Option<&str>) -> Result<Option<i32>, WebError> {
    match year.map(str::trim).filter(|y| !y.is_empty()) {
        Some(y) => Ok(Some(y.parse::<i32>().map_err(|_| {
            WebError::invalid("year", format!("\"{y}\" is not a year"))
                .with_message("scorecard-bad-year", y)
        })?)),
        None => Ok(None),
    }
}

pub(super) struct Extra {
    pub(super) flash: Option<String>,
    pub(super) action_errors: Vec<String>,
    pub(super) return_open: bool,
    pub(super) comment_input: String,
}

impl Extra {
    pub(super) fn none() -> Extra {
        Extra {
            flash: None,
            action_errors: Vec::new(),
            return_open: false,
            comment_input: String::new(),
        }
    }
}

/// The page from what `ntm_app::criteria::scorecard_view` returned.
pub(super) fn build_page(
    ctx: &Ctx,
    code: &str,
    data: &PageData,
    extra: Extra,
) -> Result<ScorecardPage, WebError> {
    let lang = ctx.lang;
    let (set_id, year) = (data.set_id.as_str(), data.year);
    let sc = &data.scorecard;
    let e = &sc.evaluation;
    if let Some(na) = &e.not_applicable {
        return Ok(not_applicable_page(ctx, code, data, e, na));
    }
    let Some(result) = e.result.as_ref() else {
        return Err(WebError::internal("scorecard without a unit result"));
    };
    let rows = rows_of(lang, code, set_id, year, sc);
    let mut by_criterion: HashMap<u16, Vec<IndicatorRow>> = HashMap::new();
    let mut preconditions = Vec::new();
    for (view, row) in result.indicators.iter().zip(rows) {
        match view.criterion {
            Some(n) => by_criterion.entry(n).or_default().push(row),
            None => preconditions.push(row),
        }
    }
    let criteria = result
        .criteria
        .iter()
        .map(|c| CriterionBlock {
            number: c.number,
            title: lang.t_args(
                "scorecard-criterion",
                &[
                    ("n", c.number.to_string().into()),
                    ("name", c.name_vi.clone().into()),
                ],
            ),
            light: light(lang, c.status),
            counts: {
                let mut s = lang.t_args(
                    "scorecard-criterion-counts",
                    &[
                        ("met", c.met.to_string().into()),
                        (
                            "total",
                            (c.met + c.not_met + c.missing + c.needs_verification)
                                .to_string()
                                .into(),
                        ),
                    ],
                );
                // Not a pass: no indicator found short on thresholds still to confirm.
                if c.no_known_shortfall && c.status != Status::Met {
                    s.push_str(" · ");
                    s.push_str(&lang.t("scorecard-criterion-provisional"));
                }
                s
            },
            rows: by_criterion.remove(&c.number).unwrap_or_default(),
        })
        .collect();
    let mut counts: HashMap<ObsStatus, usize> = HashMap::new();
    for v in sc.values.values() {
        *counts.entry(v.status).or_default() += 1;
    }
    let review_counts = ObsStatus::ALL
        .iter()
        .filter_map(|s| {
            counts.get(s).map(|n| {
                format!(
                    "{}: {}",
                    lang.t(&format!("scorecard-review-{}", s.as_str())),
                    n
                )
            })
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let n = |s: ObsStatus| counts.get(&s).copied().unwrap_or(0);
    let sets = data
        .sets
        .iter()
        .map(|s| SetOption {
            selected: s.id == set_id,
            title: lang.pick(&s.title_vi, s.title_en.as_deref()).to_string(),
            id: s.id.clone(),
        })
        .collect();
    let years = data.years.clone();
    // Confirmed count first; the provisional count (no known shortfall, thresholds still to
    // confirm) only beside it, labelled as such.
    let mut summary = if result.criteria_no_known_shortfall > result.criteria_met {
        lang.t_args(
            "scorecard-summary-provisional",
            &[
                ("met", result.criteria_met.to_string().into()),
                ("total", result.criteria_total.to_string().into()),
                (
                    "provisional",
                    result.criteria_no_known_shortfall.to_string().into(),
                ),
            ],
        )
    } else {
        lang.t_args(
            "scorecard-summary",
            &[
                ("met", result.criteria_met.to_string().into()),
                ("total", result.criteria_total.to_string().into()),
            ],
        )
    };
    if result.no_known_shortfall && result.status != Status::Met {
        summary.push(' ');
        summary.push_str(&lang.t("scorecard-no-known-shortfall"));
    }
    Ok(ScorecardPage {
        code: code.to_string(),
        unit_name: e.unit_name.clone(),
        level: level_label(lang, e.unit_level),
        set_id: set_id.to_string(),
        set_title: lang
            .pick(&e.set.title_vi, e.set.title_en.as_deref())
            .to_string(),
        version_used: if lang.code() == "en" {
            e.version_used.text_en.clone()
        } else {
            e.version_used.text_vi.clone()
        },
        year,
        sets,
        years,
        result: light(lang, result.status),
        summary,
        // A confirmed pass is not tentative (the domain's flag also holds for it).
        tentative: result.tentatively_met && result.status != Status::Met,
        incomplete: e.set.completeness != "complete",
        amendment_pending: result
            .indicators
            .iter()
            .any(|i| i.threshold.caveats.contains(&"amendment_pending")),
        preconditions,
        criteria,
        review_counts,
        can_enter: sc.can_enter,
        can_verify: sc.can_verify,
        can_submit: sc.can_enter && (n(ObsStatus::Draft) + n(ObsStatus::Returned)) > 0,
        has_submitted: sc.can_verify && n(ObsStatus::Submitted) > 0,
        flash: extra.flash,
        action_errors: extra.action_errors,
        return_open: extra.return_open,
        comment_input: extra.comment_input,
        max_upload: format_int_vi((MAX_EVIDENCE_BYTES / 1024 / 1024) as i64),
        unit_href: Urls::unit(code),
        oob: false,
        ctx: ctx.clone(),
    })
}

/// The scorecard of a unit the set does not apply to (a phường for the xã NTM set):
/// "không áp dụng", with why, and nothing to enter.
pub(super) fn not_applicable_page(
    ctx: &Ctx,
    code: &str,
    data: &PageData,
    e: &ntm_app::criteria::Evaluation,
    na: &ntm_app::criteria::NotApplicable,
) -> ScorecardPage {
    let lang = ctx.lang;
    let (set_id, year) = (data.set_id.as_str(), data.year);
    let sets = data
        .sets
        .iter()
        .map(|s| SetOption {
            selected: s.id == set_id,
            id: s.id.clone(),
            title: s.title_vi.clone(),
        })
        .collect();
    ScorecardPage {
        code: code.to_string(),
        unit_name: e.unit_name.clone(),
        level: level_label(lang, e.unit_level),
        set_id: set_id.to_string(),
        set_title: e.set.title_vi.clone(),
        version_used: if lang.code() == "en" {
            e.version_used.text_en.clone()
        } else {
            e.version_used.text_vi.clone()
        },
        year,
        sets,
        years: vec![year],
        result: Light {
            class: "miss",
            icon: "∅",
            label: lang.t("groups-not-applicable"),
        },
        summary: lang.t_args(
            "groups-not-applicable-why",
            &[
                ("kinds", na.applies_to.join(", ").into()),
                ("kind", na.unit_kind.clone().into()),
            ],
        ),
        tentative: false,
        incomplete: false,
        amendment_pending: false,
        preconditions: Vec::new(),
        criteria: Vec::new(),
        review_counts: String::new(),
        can_enter: false,
        can_verify: false,
        can_submit: false,
        has_submitted: false,
        flash: None,
        action_errors: Vec::new(),
        return_open: false,
        comment_input: String::new(),
        max_upload: String::new(),
        unit_href: Urls::unit(code),
        oob: false,
        ctx: ctx.clone(),
    }
}

pub(super) fn flash_text(lang: Lang, flash: Option<&str>, n: Option<u32>) -> Option<String> {
    let key = match flash? {
        "saved" => "scorecard-flash-saved",
        "attached" => "scorecard-flash-attached",
        "submitted" => "scorecard-flash-submitted",
        "verified" => "scorecard-flash-verified",
        "returned" => "scorecard-flash-returned",
        _ => return None,
    };
    Some(lang.t_count(key, i64::from(n.unwrap_or(1))))
}

pub async fn scorecard_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<ScorecardParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let year = year_param(p.year.as_deref())?;
    let set = p.set.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let data = match ntm_app::criteria::scorecard_page(
        &st.app,
        &ctx.actor(),
        &code,
        set,
        year,
        ctx.today.year(),
    )
    .await?
    {
        ScorecardRequest::Page(data) => data,
        ScorecardRequest::Above { set_id, year } => {
            return Ok(Redirect::to(&Urls::dashboard(&code, &set_id, year)).into_response());
        }
        // The unit has no record in the units the year is evaluated on (a hamlet added
        // after the set ended, a commune created by the 2025 reform for a 2024 set…).
        ScorecardRequest::NotInYear { year, detail } => {
            return Err(WebError::from(AppError::NotFound(detail))
                .with_message("scorecard-unit-not-in-year", year.to_string()));
        }
    };
    let mut extra = Extra::none();
    extra.flash = flash_text(ctx.lang, p.flash.as_deref(), p.n);
    html(&build_page(&ctx, &code, &data, extra)?)
}
