//! One campaign's page (status, window, public link and QR code, households, one-time
//! codes), the households form and the printable slips of newly issued codes.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::surveys::{self, CampaignView};
use ntm_domain::dossier::campaign::CampaignStatus;

use super::{
    FlashQuery, SurveyLinks, app_error_texts, campaign_of_unit, phase_label, public_url,
    status_label, window_text,
};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::render;

#[derive(Debug, Clone)]
pub struct HouseholdInput {
    pub code: String,
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone)]
pub struct AreaCount {
    pub code: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "survey_campaign.html")]
pub struct CampaignPage {
    pub ctx: Ctx,
    /// The campaign's addresses.
    pub links: SurveyLinks,
    pub c: CampaignView,
    pub status: String,
    pub phase: String,
    pub window: String,
    pub public_url: String,
    pub qr_svg: String,
    pub editable: bool,
    pub can_open: bool,
    pub can_close: bool,
    pub can_issue: bool,
    pub can_import: bool,
    pub areas: Vec<AreaCount>,
    pub households: Vec<HouseholdInput>,
    pub households_total: String,
    pub tokens_summary: String,
    pub flash: Option<String>,
    pub errors: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct SlipView {
    pub token: String,
    pub token_display: String,
    pub area_name: String,
    pub link: String,
    pub qr_svg: String,
}

#[derive(Template)]
#[template(path = "survey_slips.html")]
pub struct SlipsPage {
    pub ctx: Ctx,
    /// The campaign's addresses.
    pub links: SurveyLinks,
    pub c: CampaignView,
    pub short_url: String,
    pub slips: Vec<SlipView>,
}

pub(super) async fn campaign_page_with(
    st: &AppState,
    ctx: Ctx,
    headers: &HeaderMap,
    c: CampaignView,
    flash: Option<String>,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let lang = ctx.lang;
    let areas = surveys::areas(&st.app, &c.unit_code).await?;
    let results = surveys::results(&st.app, &ctx.actor(), &c.code).await?;
    let public_url = public_url(&st.cfg, headers, &c.code);
    let qr_svg =
        ntm_reports::qr::svg(&public_url, 160).map_err(|e| WebError::internal(e.to_string()))?;
    let page = CampaignPage {
        links: SurveyLinks::of(&c),
        status: status_label(lang, c.status),
        phase: phase_label(lang, c.phase),
        window: window_text(lang, &c),
        public_url,
        qr_svg,
        editable: c.status == CampaignStatus::Draft,
        can_open: c.status == CampaignStatus::Draft,
        can_close: c.status != CampaignStatus::Closed,
        can_issue: c.status != CampaignStatus::Closed && !areas.is_empty(),
        can_import: c.status == CampaignStatus::Open,
        households: results
            .areas
            .iter()
            .filter(|a| areas.iter().any(|x| x.code == a.code))
            .map(|a| HouseholdInput {
                code: a.code.clone(),
                name: a.name.clone(),
                value: a.households.map(|h| h.to_string()).unwrap_or_default(),
            })
            .collect(),
        households_total: results
            .households_total_entered
            .map(|h| h.to_string())
            .unwrap_or_default(),
        areas: areas
            .iter()
            .map(|a| AreaCount {
                code: a.code.clone(),
                label: lang.t_args("survey-tokens-count", &[("name", a.name.clone().into())]),
            })
            .collect(),
        tokens_summary: lang.t_args(
            "survey-tokens-summary",
            &[
                ("issued", lang.int(results.tokens_issued).into()),
                ("used", lang.int(results.tokens_used).into()),
            ],
        ),
        flash: flash.and_then(|f| match f.as_str() {
            "created" | "saved" | "opened" | "closed" | "households" => {
                Some(lang.t(&format!("survey-flash-{f}")))
            }
            _ => None,
        }),
        errors,
        c,
        ctx,
    };
    Ok(render(&page, status))
}

/// The campaign's page again with the refusal of `e` (a 422 or 409 with its messages), or the
/// error page for any other error.
pub(super) async fn refused(
    st: &AppState,
    ctx: Ctx,
    headers: &HeaderMap,
    c: CampaignView,
    e: AppError,
) -> Result<Response, WebError> {
    match app_error_texts(ctx.lang, &e) {
        Some((status, errors)) => {
            campaign_page_with(st, ctx, headers, c, None, errors, status).await
        }
        None => Err(e.into()),
    }
}

pub async fn campaign_page(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((unit, code)): Path<(String, String)>,
    Query(q): Query<FlashQuery>,
) -> Result<Response, WebError> {
    let c = campaign_of_unit(&st, &ctx, &unit, &code).await?;
    campaign_page_with(&st, ctx, &headers, c, q.flash, Vec::new(), StatusCode::OK).await
}

fn token_display(t: &str) -> String {
    if t.len() == 10 {
        format!("{}-{}", &t[..5], &t[5..])
    } else {
        t.to_owned()
    }
}

pub async fn issue_tokens(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((unit, code)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let c = campaign_of_unit(&st, &ctx, &unit, &code).await?;
    let lang = ctx.lang;
    let mut per_area = Vec::new();
    for (k, v) in &f {
        if let Some(area) = k.strip_prefix("count.") {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            match v.parse::<u32>() {
                Ok(0) => {}
                Ok(n) if n <= surveys::MAX_TOKENS_PER_AREA => per_area.push((area.to_owned(), n)),
                _ => {
                    return campaign_page_with(
                        &st,
                        ctx.clone(),
                        &headers,
                        c,
                        None,
                        vec![lang.t("survey-error-count")],
                        StatusCode::UNPROCESSABLE_ENTITY,
                    )
                    .await;
                }
            }
        }
    }
    let tokens = match surveys::issue_tokens(&st.app, &ctx.actor(), &code, &per_area).await {
        Ok(t) => t,
        Err(e) => {
            return refused(&st, ctx, &headers, c, e).await;
        }
    };
    let short_url = public_url(&st.cfg, &headers, &c.code);
    let mut slips = Vec::with_capacity(tokens.len());
    for t in tokens {
        // The code goes after `#`: a browser never sends the fragment, so the code reaches
        // no server, proxy or access log; the page's script fills the field from it, and
        // without JavaScript the person types the code printed on the slip.
        let link = format!("{short_url}#t={}", t.token);
        let qr_svg =
            ntm_reports::qr::svg(&link, 96).map_err(|e| WebError::internal(e.to_string()))?;
        slips.push(SlipView {
            token_display: token_display(&t.token),
            token: t.token,
            area_name: t.area_name,
            link,
            qr_svg,
        });
    }
    let mut res = render(
        &SlipsPage {
            links: SurveyLinks::of(&c),
            ctx,
            c,
            short_url,
            slips,
        },
        StatusCode::OK,
    );
    // Shown once: never cached.
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// `POST /units/{code}/surveys/{survey}/households`: households per hamlet (`hh.{hamlet}`)
/// and the campaign's total when hamlets are unknown (`hh_total`); blank clears.
pub async fn set_households(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((unit, code)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let c = campaign_of_unit(&st, &ctx, &unit, &code).await?;
    let lang = ctx.lang;
    let parse = |v: &str| -> Result<Option<u32>, ()> {
        let v: String = v.chars().filter(|ch| !matches!(ch, '.' | ' ')).collect();
        if v.is_empty() {
            Ok(None)
        } else {
            v.parse::<u32>().map(Some).map_err(|_| ())
        }
    };
    let mut per_area = Vec::new();
    let mut total = None;
    let mut bad = false;
    for (k, v) in &f {
        if let Some(area) = k.strip_prefix("hh.") {
            match parse(v) {
                Ok(n) => per_area.push((area.to_owned(), n)),
                Err(()) => bad = true,
            }
        } else if k == "hh_total" {
            match parse(v) {
                Ok(n) => total = n,
                Err(()) => bad = true,
            }
        }
    }
    let result = if bad {
        Err(AppError::invalid(
            "households",
            lang.t("survey-households-bad"),
        ))
    } else {
        surveys::set_households(&st.app, &ctx.actor(), &code, &per_area, total).await
    };
    match result {
        Ok(()) => Ok(
            Redirect::to(&Urls::survey_done(&c.unit_code, &c.code, "households")).into_response(),
        ),
        Err(e) => refused(&st, ctx, &headers, c, e).await,
    }
}
