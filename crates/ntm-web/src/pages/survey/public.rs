//! The citizens' page at the short link `/s/{code}`: the form, the answer, the thank-you page
//! and the campaign's QR codes (its own minimal layout, no sign-in; one small script fills
//! the slip code from the QR link's `#t=…`, and the page works without it).

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::surveys::{self, AnswerInput, PublicCampaign, PublicRefusal, Refusal};
use ntm_domain::dossier::campaign::Phase;
use ntm_domain::dossier::survey::Answer;
use time::OffsetDateTime;

use super::public_url;
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::format::date_time;
use crate::view::render;

// ---------------------------------------------------------------- public page

#[derive(Debug, Clone)]
pub struct ExtraView {
    pub index: usize,
    pub text: String,
    pub options: Vec<OptionView>,
    pub value: String,
}

#[derive(Debug, Clone)]
pub struct ContentView {
    pub index: usize,
    pub text: String,
    pub chosen: String,
}

#[derive(Debug, Clone)]
pub struct OptionView {
    pub value: String,
    pub checked: bool,
}

#[derive(Debug, Clone)]
pub struct AreaOption {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

/// The public page: the form, or a message (not open, closed, not found, thanks).
#[derive(Template)]
#[template(path = "survey_public.html")]
pub struct PublicPage {
    pub ctx: Ctx,
    /// Where the form posts (`/s/{code}`).
    pub action: String,
    pub css: String,
    /// Fills the code from the QR link's fragment (`#t=…`).
    pub js: String,
    pub title: String,
    pub unit_name: String,
    pub code: String,
    /// Show the form.
    pub form: bool,
    pub thanks: bool,
    pub message: Option<String>,
    pub error: Option<String>,
    pub until: String,
    pub main_question: String,
    pub yes_label: String,
    pub no_label: String,
    pub chosen: String,
    pub token: String,
    pub phone: String,
    pub phone_open: bool,
    /// The campaign takes answers by phone (numbers on its household list).
    pub phones: bool,
    /// Phone answers need the code sent by SMS: the "send the code" button and its field.
    pub sms: bool,
    pub sms_action: String,
    pub sms_code: String,
    pub areas: Vec<AreaOption>,
    pub extra: Vec<ExtraView>,
    pub contents: Vec<ContentView>,
}

pub(super) fn public_page(ctx: Ctx, c: Option<&PublicCampaign>) -> PublicPage {
    PublicPage {
        action: c.map(|c| Urls::survey_public(&c.code)).unwrap_or_default(),
        css: ctx.asset("survey-public.css"),
        js: ctx.asset("survey-public.js"),
        title: c
            .map(|c| c.title.clone())
            .unwrap_or_else(|| ctx.t("survey-title")),
        unit_name: c.map(|c| c.unit_name.clone()).unwrap_or_default(),
        code: c.map(|c| c.code.clone()).unwrap_or_default(),
        form: false,
        thanks: false,
        message: None,
        error: None,
        until: c
            .map(|c| {
                ctx.lang.t_args(
                    "survey-pub-until",
                    &[("when", date_time(c.closes_at).into())],
                )
            })
            .unwrap_or_default(),
        main_question: String::new(),
        yes_label: String::new(),
        no_label: String::new(),
        chosen: String::new(),
        token: String::new(),
        phone: String::new(),
        phone_open: false,
        phones: c.is_some_and(|c| c.phones),
        sms: c.is_some_and(|c| c.phones && c.sms),
        sms_action: c
            .map(|c| Urls::survey_sms_code(&c.code))
            .unwrap_or_default(),
        sms_code: String::new(),
        areas: Vec::new(),
        extra: Vec::new(),
        contents: Vec::new(),
        ctx,
    }
}

pub(super) fn html_with(page: &PublicPage, status: StatusCode) -> Response {
    let mut res = render(page, status);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // Slips printed before the code moved to the fragment carry it in the query: never
    // repeat that address to the assets' requests (a proxy logs their Referer); only the
    // origin (`no-referrer` would make the form's `Origin` null, refused by the CSRF check).
    res.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin"),
    );
    res
}

pub(super) fn fill_form(page: &mut PublicPage, c: &PublicCampaign, f: &[(String, String)]) {
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    page.form = true;
    page.main_question = c.questionnaire.main_question.clone();
    page.yes_label = c.questionnaire.satisfied_label.clone();
    page.no_label = c.questionnaire.not_satisfied_label.clone();
    page.chosen = get("answer");
    page.token = get("token");
    if page.token.is_empty() {
        // Slips printed before the code moved after `#` (`/s/{code}?t=…`) still work.
        page.token = get("t");
    }
    page.phone = get("phone");
    page.sms_code = get("sms_code");
    let area = get("area");
    page.phone_open = !page.phone.is_empty();
    page.areas = c
        .areas
        .iter()
        .map(|a| AreaOption {
            selected: a.code == area,
            code: a.code.clone(),
            name: a.name.clone(),
        })
        .collect();
    page.contents = c
        .questionnaire
        .contents
        .iter()
        .enumerate()
        .map(|(i, t)| ContentView {
            index: i,
            text: t.clone(),
            chosen: get(&format!("c{i}")),
        })
        .collect();
    page.extra = c
        .questionnaire
        .extra
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let value = get(&format!("q{i}"));
            ExtraView {
                index: i,
                text: q.text.clone(),
                options: q
                    .options
                    .iter()
                    .map(|o| OptionView {
                        checked: *o == value,
                        value: o.clone(),
                    })
                    .collect(),
                value,
            }
        })
        .collect();
}

/// The campaign behind a short link; none when there is no such published campaign.
pub(super) async fn find(st: &AppState, code: &str) -> Result<Option<PublicCampaign>, WebError> {
    Ok(surveys::public_page(&st.app, code).await?)
}

pub(super) fn not_found_page(ctx: Ctx) -> Response {
    let mut p = public_page(ctx, None);
    p.message = Some(p.ctx.t("survey-pub-not-found"));
    html_with(&p, StatusCode::NOT_FOUND)
}

fn phase_page(ctx: Ctx, c: &PublicCampaign, opens_at: Option<OffsetDateTime>) -> Option<Response> {
    let lang = ctx.lang;
    match c.phase {
        Phase::Accepting => None,
        Phase::NotYetOpen => {
            let mut p = public_page(ctx, Some(c));
            let mut m = lang.t("survey-pub-not-yet-open");
            if let Some(t) = opens_at.or(Some(c.opens_at)) {
                m.push(' ');
                m.push_str(&lang.t_args("survey-pub-opens-at", &[("when", date_time(t).into())]));
            }
            p.message = Some(m);
            p.until = String::new();
            Some(html_with(&p, StatusCode::FORBIDDEN))
        }
        Phase::Closed => {
            let mut p = public_page(ctx, Some(c));
            p.message = Some(lang.t("survey-pub-closed"));
            p.until = String::new();
            Some(html_with(&p, StatusCode::GONE))
        }
    }
}

pub async fn public_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let Some(c) = find(&st, &code).await? else {
        return Ok(not_found_page(ctx));
    };
    if let Some(r) = phase_page(ctx.clone(), &c, None) {
        return Ok(r);
    }
    let mut p = public_page(ctx, Some(&c));
    fill_form(&mut p, &c, &q);
    Ok(html_with(&p, StatusCode::OK))
}

pub async fn public_submit(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let input = AnswerInput {
        token: get("token"),
        phone: get("phone"),
        sms_code: get("sms_code"),
        area: get("area"),
        answer: match get("answer").as_deref() {
            Some("satisfied") => Some(Answer::Satisfied),
            Some("not_satisfied") => Some(Answer::NotSatisfied),
            _ => None,
        },
        extra: (0..ntm_domain::dossier::campaign::MAX_EXTRA_QUESTIONS)
            .map(|i| get(&format!("q{i}")).unwrap_or_default())
            .collect(),
        contents: (0..ntm_domain::dossier::campaign::MAX_CONTENTS)
            .map(|i| get(&format!("c{i}")).unwrap_or_default())
            .collect(),
    };
    match surveys::answer_page(&st.app, &ctx.origin, &code, input).await {
        Ok(()) => {
            let code = ntm_domain::dossier::campaign::normalize_code(&code).unwrap_or_default();
            Ok(Redirect::to(&Urls::survey_thanks(&code)).into_response())
        }
        Err(r) => refused_page(ctx, &f, r),
    }
}

/// The form again, with what was typed and the refusal's message (or its own page).
pub(super) fn refused_page(
    ctx: Ctx,
    f: &[(String, String)],
    r: PublicRefusal,
) -> Result<Response, WebError> {
    let lang = ctx.lang;
    let PublicRefusal { refusal, campaign } = r;
    let (status, key) = match &refusal {
        Refusal::NotFound => return Ok(not_found_page(ctx)),
        Refusal::RateLimited { retry_after_secs } => {
            let mut p = public_page(ctx, None);
            p.message = Some(lang.t_args(
                "survey-pub-rate-limited",
                &[("seconds", retry_after_secs.to_string().into())],
            ));
            let mut res = html_with(&p, StatusCode::TOO_MANY_REQUESTS);
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return Ok(res);
        }
        Refusal::Internal(m) => return Err(WebError::internal(m.clone())),
        Refusal::NotYetOpen { .. } | Refusal::Closed => (StatusCode::OK, ""),
        Refusal::AnswerMissing => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "survey-pub-answer-missing",
        ),
        Refusal::ExtraInvalid => (StatusCode::UNPROCESSABLE_ENTITY, "survey-pub-extra-invalid"),
        Refusal::NeedTokenOrPhone => (StatusCode::UNPROCESSABLE_ENTITY, "survey-pub-need-id"),
        Refusal::TokenWrong => (StatusCode::UNPROCESSABLE_ENTITY, "survey-pub-token-wrong"),
        Refusal::TokenUsed => (StatusCode::CONFLICT, "survey-pub-token-used"),
        Refusal::PhoneInvalid => (StatusCode::UNPROCESSABLE_ENTITY, "survey-pub-phone-invalid"),
        Refusal::PhoneUsed => (StatusCode::CONFLICT, "survey-pub-phone-used"),
        Refusal::PhonesOff => (StatusCode::UNPROCESSABLE_ENTITY, "survey-pub-phones-off"),
        Refusal::PhoneNotListed => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "survey-pub-phone-not-listed",
        ),
        Refusal::AreaMissing => (StatusCode::UNPROCESSABLE_ENTITY, "survey-pub-area-missing"),
        Refusal::SmsOff => (StatusCode::UNPROCESSABLE_ENTITY, "survey-pub-sms-off"),
        Refusal::SmsCodeMissing => (StatusCode::UNPROCESSABLE_ENTITY, "survey-pub-sms-missing"),
        Refusal::SmsCodeWrong => (StatusCode::UNPROCESSABLE_ENTITY, "survey-pub-sms-wrong"),
        Refusal::SmsFailed => (StatusCode::SERVICE_UNAVAILABLE, "survey-pub-sms-failed"),
    };
    let Some(c) = campaign? else {
        return Ok(not_found_page(ctx));
    };
    if key.is_empty() {
        let opens = match refusal {
            Refusal::NotYetOpen { opens_at } => opens_at,
            _ => None,
        };
        if let Some(r) = phase_page(ctx.clone(), &c, opens) {
            return Ok(r);
        }
    }
    let mut p = public_page(ctx, Some(&c));
    fill_form(&mut p, &c, f);
    p.error = Some(lang.t(if key.is_empty() {
        "survey-pub-error"
    } else {
        key
    }));
    Ok(html_with(&p, status))
}

pub async fn public_thanks(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let Some(c) = find(&st, &code).await? else {
        return Ok(not_found_page(ctx));
    };
    let mut p = public_page(ctx, Some(&c));
    p.thanks = true;
    p.until = String::new();
    Ok(html_with(&p, StatusCode::OK))
}

async fn public_link(st: &AppState, headers: &HeaderMap, code: &str) -> Result<String, WebError> {
    let c = match surveys::public_campaign(&st.app, code).await {
        Ok(c) => c,
        Err(AppError::NotFound(m)) => return Err(WebError::not_found(m)),
        Err(e) => return Err(e.into()),
    };
    Ok(public_url(&st.cfg, headers, &c.code))
}

/// The campaign's QR code as SVG (for posters; published campaigns only).
pub async fn qr_svg(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let link = public_link(&st, &headers, &code).await?;
    let svg = ntm_reports::qr::svg(&link, 320).map_err(|e| WebError::internal(e.to_string()))?;
    let mut res = svg.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    Ok(res)
}

/// The campaign's QR code as PNG.
pub async fn qr_png(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let link = public_link(&st, &headers, &code).await?;
    let png = ntm_reports::qr::png(&link, 8).map_err(|e| WebError::internal(e.to_string()))?;
    let mut res = png.into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    Ok(res)
}
