//! One campaign's page (status, window, public link and QR code, households, one-time
//! codes), the households form and the printable slips of newly issued codes.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::FieldError;
use ntm_app::page::Submitted;
use ntm_app::surveys::{self, CampaignAction, CampaignView};
use ntm_domain::dossier::campaign::CampaignStatus;

use super::{
    FlashQuery, SurveyLinks, app_error_texts, phase_label, public_url, status_label, window_text,
};
use crate::ctx::Ctx;
use crate::error::{WebError, field_error_text};
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

/// The campaign's page from its use case's data, with a flash message or refusals.
pub(super) fn campaign_page_with(
    st: &AppState,
    ctx: Ctx,
    headers: &HeaderMap,
    data: surveys::CampaignPage,
    flash: Option<String>,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let lang = ctx.lang;
    let surveys::CampaignPage {
        campaign: c,
        areas,
        results,
    } = data;
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

/// Runs an action of the campaign's page (`None`: the form was refused with `invalid`):
/// done, the response `done` makes of it; refused, the page again with the refusal (a 422
/// or 409 with its messages), or the error page for any other error.
pub(super) async fn campaign_action(
    st: &AppState,
    ctx: Ctx,
    headers: &HeaderMap,
    (unit, code): (&str, &str),
    action: Result<CampaignAction, String>,
    done: impl FnOnce(Ctx, surveys::CampaignDone) -> Result<Response, WebError>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let (action, invalid) = match action {
        Ok(a) => (Some(a), None),
        Err(m) => (None, Some(m)),
    };
    match surveys::campaign_action(&st.app, &ctx.actor(), unit, code, action).await? {
        Submitted::Done(d) => done(ctx, d),
        Submitted::Again {
            refusal: Some(e),
            page,
        } => match app_error_texts(ctx.lang, &e) {
            Some((status, errors)) => {
                campaign_page_with(st, ctx, headers, page, None, errors, status)
            }
            None => Err(e.into()),
        },
        Submitted::Again {
            refusal: None,
            page,
        } => campaign_page_with(
            st,
            ctx,
            headers,
            page,
            None,
            invalid.into_iter().collect(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

pub async fn campaign_page(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((unit, code)): Path<(String, String)>,
    Query(q): Query<FlashQuery>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let data = surveys::campaign_detail(&st.app, &ctx.actor(), &unit, &code).await?;
    campaign_page_with(
        &st,
        ctx,
        &headers,
        data,
        q.flash,
        Vec::new(),
        StatusCode::OK,
    )
}

fn token_display(t: &str) -> String {
    if t.len() == 10 {
        format!("{}-{}", &t[..5], &t[5..])
    } else {
        t.to_owned()
    }
}

/// The fields of a form named `{prefix}{area}`, with the area's code.
fn per_area<'f>(
    f: &'f [(String, String)],
    prefix: &'f str,
) -> impl Iterator<Item = (&'f str, &'f str)> + 'f {
    f.iter()
        .filter_map(move |(k, v)| k.strip_prefix(prefix).map(|area| (area, v.as_str())))
}

pub async fn issue_tokens(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((unit, code)): Path<(String, String)>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let lang = ctx.lang;
    let mut counts = Vec::new();
    let mut bad = false;
    for (area, v) in per_area(&f, "count.") {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        match v.parse::<u32>() {
            Ok(0) => {}
            Ok(n) if n <= surveys::MAX_TOKENS_PER_AREA => counts.push((area.to_owned(), n)),
            _ => {
                bad = true;
                break;
            }
        }
    }
    let action = if bad {
        Err(lang.t("survey-error-count"))
    } else {
        Ok(CampaignAction::IssueTokens(counts))
    };
    let cfg = st.cfg.clone();
    campaign_action(&st, ctx, &headers, (&unit, &code), action, |ctx, done| {
        slips(&cfg, &headers, ctx, done)
    })
    .await
}

/// The printable slips of newly issued codes (shown once: never cached).
fn slips(
    cfg: &crate::WebConfig,
    headers: &HeaderMap,
    ctx: Ctx,
    done: surveys::CampaignDone,
) -> Result<Response, WebError> {
    let c = done.campaign;
    let short_url = public_url(cfg, headers, &c.code);
    let mut slips = Vec::with_capacity(done.tokens.len());
    for t in done.tokens {
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
    let lang = ctx.lang;
    let parse = |v: &str| -> Result<Option<u32>, ()> {
        let v: String = v.chars().filter(|ch| !matches!(ch, '.' | ' ')).collect();
        if v.is_empty() {
            Ok(None)
        } else {
            v.parse::<u32>().map(Some).map_err(|_| ())
        }
    };
    let per_area: Result<Vec<(String, Option<u32>)>, ()> = per_area(&f, "hh.")
        .map(|(area, v)| parse(v).map(|n| (area.to_owned(), n)))
        .collect();
    let total = f
        .iter()
        .filter(|(k, _)| k == "hh_total")
        .map(|(_, v)| parse(v))
        .collect::<Result<Vec<_>, ()>>();
    let action = match (per_area, total) {
        (Ok(per_area), Ok(totals)) => Ok(CampaignAction::SetHouseholds {
            per_area,
            total: totals.into_iter().last().flatten(),
        }),
        // As the use case's refusals: the field, then why.
        _ => Err(field_error_text(
            lang,
            &FieldError::new("households", lang.t("survey-households-bad")),
        )),
    };
    campaign_action(&st, ctx, &headers, (&unit, &code), action, |_, done| {
        let c = done.campaign;
        Ok(Redirect::to(&Urls::survey_done(&c.unit_code, &c.code, "households")).into_response())
    })
    .await
}
