//! Satisfaction survey campaigns: officers' pages under `/units/{code}/surveys…` (list,
//! create/edit, open/close, one-time codes with printable slips, live results by hamlet,
//! paper forms from Excel) and the public page at the short link `/s/{code}` (its own
//! minimal layout, no script, plain form POST → redirect to a thank-you page).
//! The work is done by `ntm_app::surveys`; the JSON results (`GET /api/v1/surveys/{code}/results`)
//! are in `api::surveys`.

use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::surveys::{
    self, AnswerInput, CampaignInput, CampaignResults, CampaignView, NewCampaign, PublicCampaign,
    Refusal,
};
use ntm_domain::dossier::campaign::{
    CampaignStatus, ExtraQuestion, Phase, Questionnaire, VN_OFFSET,
};
use ntm_domain::dossier::survey::{
    self as dsurvey, Answer, ContentAnswer, SatisfactionRate, Tally,
};
use ntm_reports::survey_xlsx::PaperRow;
use serde::Deserialize;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

use crate::ctx::Ctx;
use crate::error::{ErrorInfo, WebError, field_error_text};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::view::render;

// ---------------------------------------------------------------- formatting

fn vn(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(VN_OFFSET)
}

/// "05/01/2026 07:00".
fn when(lang: Lang, t: OffsetDateTime) -> String {
    let t = vn(t);
    format!("{} {:02}:{:02}", lang.date(t.date()), t.hour(), t.minute())
}

fn status_label(lang: Lang, s: CampaignStatus) -> String {
    lang.t(&format!("survey-status-{}", s.as_str()))
}

fn phase_label(lang: Lang, p: Phase) -> String {
    lang.t(match p {
        Phase::NotYetOpen => "survey-phase-not-yet-open",
        Phase::Accepting => "survey-phase-accepting",
        Phase::Closed => "survey-phase-closed",
    })
}

fn window_text(lang: Lang, c: &CampaignView) -> String {
    lang.t_args(
        "survey-window",
        &[
            ("from", when(lang, c.opens_at).into()),
            ("to", when(lang, c.closes_at).into()),
        ],
    )
}

fn app_error_texts(lang: Lang, e: &AppError) -> Option<(StatusCode, Vec<String>)> {
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

/// Scheme and host of this site as the client sees it (for printed links and QR codes).
fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    format!("{scheme}://{host}")
}

// ---------------------------------------------------------------- officer views

#[derive(Debug, Clone)]
pub struct CampaignRow {
    pub code: String,
    pub title: String,
    pub set_id: String,
    pub year: i32,
    pub window: String,
    pub status: String,
    pub phase: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "survey_list.html")]
pub struct ListPage {
    pub ctx: Ctx,
    pub unit_code: String,
    pub unit_name: String,
    pub rows: Vec<CampaignRow>,
}

#[derive(Debug, Clone)]
pub struct SetChoice {
    pub id: String,
    pub title: String,
    pub selected: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CampaignForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub set: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub opens_date: String,
    #[serde(default)]
    pub opens_time: String,
    #[serde(default)]
    pub closes_date: String,
    #[serde(default)]
    pub closes_time: String,
    #[serde(default)]
    pub main_question: String,
    #[serde(default)]
    pub satisfied_label: String,
    #[serde(default)]
    pub not_satisfied_label: String,
    #[serde(default)]
    pub extra: String,
    /// Contents of NTM building, one per line.
    #[serde(default)]
    pub contents: String,
}

#[derive(Template)]
#[template(path = "survey_form.html")]
pub struct FormPage {
    pub ctx: Ctx,
    pub unit_code: String,
    pub unit_name: String,
    /// `None`: creating.
    pub campaign_code: Option<String>,
    pub action: String,
    pub form: CampaignForm,
    pub sets: Vec<SetChoice>,
    pub errors: Vec<String>,
}

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
    pub c: CampaignView,
    pub short_url: String,
    pub slips: Vec<SlipView>,
}

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

#[derive(Debug, Clone)]
pub struct BadCellView {
    pub cell: String,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct OkRowView {
    pub row: String,
    pub hamlet: String,
    pub household: String,
    pub answer: String,
    pub contents: Vec<String>,
}

#[derive(Template)]
#[template(path = "survey_import.html")]
pub struct ImportPage {
    pub ctx: Ctx,
    pub c: CampaignView,
    pub file_name: String,
    pub bad: Vec<BadCellView>,
    pub ok: Vec<OkRowView>,
    pub ok_count: usize,
    pub contents: Vec<String>,
    pub apply_label: String,
    /// Rows to post back to apply: `row\thamlet\thousehold\tanswer` lines.
    pub payload: String,
    pub message: Option<String>,
}

fn rate_text(lang: Lang, r: SatisfactionRate) -> String {
    match lang {
        Lang::Vi => r.display_vi(),
        Lang::En => r.display_vi().replace(',', "."),
    }
}

fn share_text(lang: Lang, responses: u32, households: Option<u32>) -> String {
    let s = dsurvey::share_display_vi(responses, households.unwrap_or(0));
    match lang {
        Lang::Vi => s,
        Lang::En => s
            .replace('.', "\u{2009}")
            .replace(',', ".")
            .replace('\u{2009}', ","),
    }
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

fn date_input(t: OffsetDateTime) -> (String, String) {
    let t = vn(t);
    (
        format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()),
        format!("{:02}:{:02}", t.hour(), t.minute()),
    )
}

fn form_of(c: &CampaignView) -> CampaignForm {
    let (od, ot) = date_input(c.opens_at);
    let (cd, ct) = date_input(c.closes_at);
    CampaignForm {
        title: c.title.clone(),
        set: c.set_id.clone(),
        year: c.year.to_string(),
        opens_date: od,
        opens_time: ot,
        closes_date: cd,
        closes_time: ct,
        main_question: c.questionnaire.main_question.clone(),
        satisfied_label: c.questionnaire.satisfied_label.clone(),
        not_satisfied_label: c.questionnaire.not_satisfied_label.clone(),
        extra: c.questionnaire.extra_as_text(),
        contents: c.questionnaire.contents_as_text(),
    }
}

fn default_form(ctx: &Ctx) -> CampaignForm {
    let q = Questionnaire::suggested();
    let start = ctx.today;
    let end = start + time::Duration::days(14);
    let iso = |d: Date| format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
    CampaignForm {
        title: format!("Lấy ý kiến sự hài lòng của người dân năm {}", start.year()),
        set: "xa-ntm-2021-2025".into(),
        year: start.year().to_string(),
        opens_date: iso(start),
        opens_time: "07:00".into(),
        closes_date: iso(end),
        closes_time: "17:00".into(),
        main_question: q.main_question.clone(),
        satisfied_label: q.satisfied_label.clone(),
        not_satisfied_label: q.not_satisfied_label.clone(),
        extra: q.extra_as_text(),
        contents: q.contents_as_text(),
    }
}

fn sets(st: &AppState, lang: Lang, chosen: &str) -> Vec<SetChoice> {
    let mut seen = std::collections::BTreeSet::new();
    st.app
        .catalog
        .sets()
        .iter()
        .filter(|s| seen.insert(s.id.clone()))
        .map(|s| SetChoice {
            id: s.id.clone(),
            title: lang.pick(&s.title_vi, s.title_en.as_deref()).to_string(),
            selected: s.id == chosen,
        })
        .collect()
}

fn parse_when(date: &str, time_s: &str) -> Option<OffsetDateTime> {
    let d = ntm_domain::text::parse_date(date.trim())?;
    let t = time_s.trim();
    let (h, m) = t.split_once(':').unwrap_or((t, "0"));
    let time = Time::from_hms(h.trim().parse().ok()?, m.trim().parse().ok()?, 0).ok()?;
    Some(PrimitiveDateTime::new(d, time).assume_offset(VN_OFFSET))
}

fn campaign_input(lang: Lang, f: &CampaignForm) -> Result<CampaignInput, Vec<String>> {
    let opens = parse_when(&f.opens_date, &f.opens_time);
    let closes = parse_when(&f.closes_date, &f.closes_time);
    let (Some(opens_at), Some(closes_at)) = (opens, closes) else {
        return Err(vec![lang.t("survey-error-date")]);
    };
    let extra: Vec<ExtraQuestion> = Questionnaire::parse_extra(&f.extra);
    Ok(CampaignInput {
        title: f.title.clone(),
        questionnaire: Questionnaire {
            main_question: f.main_question.clone(),
            satisfied_label: f.satisfied_label.clone(),
            not_satisfied_label: f.not_satisfied_label.clone(),
            extra,
            contents: Questionnaire::parse_contents(&f.contents),
        },
        opens_at,
        closes_at,
    })
}

// ---------------------------------------------------------------- officer handlers

#[derive(Debug, Deserialize)]
pub struct FlashQuery {
    pub flash: Option<String>,
}

pub async fn list_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let actor = ctx.actor();
    let unit = surveys::unit_for_campaign(&st.app, &actor, &code).await?;
    let list = surveys::list(&st.app, &actor, &code).await?;
    let lang = ctx.lang;
    let rows = list
        .iter()
        .map(|c| CampaignRow {
            code: c.code.clone(),
            title: c.title.clone(),
            set_id: c.set_id.clone(),
            year: c.year,
            window: window_text(lang, c),
            status: status_label(lang, c.status),
            phase: phase_label(lang, c.phase),
            href: format!("/units/{}/surveys/{}", unit.code, c.code),
        })
        .collect();
    Ok(render(
        &ListPage {
            ctx,
            unit_code: unit.code,
            unit_name: unit.name,
            rows,
        },
        StatusCode::OK,
    ))
}

pub async fn new_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let unit = surveys::unit_for_campaign(&st.app, &ctx.actor(), &code).await?;
    let form = default_form(&ctx);
    let sets = sets(&st, ctx.lang, &form.set);
    Ok(render(
        &FormPage {
            action: format!("/units/{}/surveys", unit.code),
            ctx,
            unit_code: unit.code,
            unit_name: unit.name,
            campaign_code: None,
            form,
            sets,
            errors: Vec::new(),
        },
        StatusCode::OK,
    ))
}

pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<CampaignForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let actor = ctx.actor();
    let unit = surveys::unit_for_campaign(&st.app, &actor, &code).await?;
    let lang = ctx.lang;
    let result = match campaign_input(lang, &f) {
        Ok(input) => {
            let year = f.year.trim().parse().unwrap_or(0);
            surveys::create(
                &st.app,
                &actor,
                NewCampaign {
                    unit_code: unit.code.clone(),
                    set_id: f.set.clone(),
                    year,
                    input,
                },
            )
            .await
            .map_err(|e| match app_error_texts(lang, &e) {
                Some(x) => Ok(x),
                None => Err(e),
            })
        }
        Err(errors) => Err(Ok((StatusCode::UNPROCESSABLE_ENTITY, errors))),
    };
    match result {
        Ok(c) => Ok(Redirect::to(&format!(
            "/units/{}/surveys/{}?flash=created",
            unit.code, c.code
        ))
        .into_response()),
        Err(Err(e)) => Err(e.into()),
        Err(Ok((status, errors))) => {
            let sets = sets(&st, ctx.lang, &f.set);
            Ok(render(
                &FormPage {
                    action: format!("/units/{}/surveys", unit.code),
                    ctx,
                    unit_code: unit.code,
                    unit_name: unit.name,
                    campaign_code: None,
                    form: f,
                    sets,
                    errors,
                },
                status,
            ))
        }
    }
}

pub(crate) async fn campaign_of_unit(
    st: &AppState,
    ctx: &Ctx,
    unit: &str,
    code: &str,
) -> Result<CampaignView, WebError> {
    ctx.require_user()?;
    let c = surveys::get(&st.app, &ctx.actor(), code).await?;
    if c.unit_code != unit {
        return Err(WebError::not_found(format!("survey {code} of unit {unit}")));
    }
    Ok(c)
}

async fn campaign_page_with(
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
    let public_url = format!("{}/s/{}", base_url(headers), c.code);
    let qr_svg =
        ntm_reports::qr::svg(&public_url, 160).map_err(|e| WebError::internal(e.to_string()))?;
    let page = CampaignPage {
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

pub async fn edit_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, code)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let c = campaign_of_unit(&st, &ctx, &unit, &code).await?;
    let form = form_of(&c);
    let sets = sets(&st, ctx.lang, &form.set);
    let errors = if c.status == CampaignStatus::Draft {
        Vec::new()
    } else {
        vec![ctx.t("survey-not-editable")]
    };
    Ok(render(
        &FormPage {
            action: format!("/units/{}/surveys/{}/edit", c.unit_code, c.code),
            ctx,
            unit_code: c.unit_code.clone(),
            unit_name: c.unit_name.clone(),
            campaign_code: Some(c.code.clone()),
            form,
            sets,
            errors,
        },
        StatusCode::OK,
    ))
}

pub async fn edit(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, code)): Path<(String, String)>,
    Form(f): Form<CampaignForm>,
) -> Result<Response, WebError> {
    let c = campaign_of_unit(&st, &ctx, &unit, &code).await?;
    let lang = ctx.lang;
    let outcome = match campaign_input(lang, &f) {
        Ok(input) => match surveys::edit(&st.app, &ctx.actor(), &code, input).await {
            Ok(_) => None,
            Err(e) => match app_error_texts(lang, &e) {
                Some(x) => Some(x),
                None => return Err(e.into()),
            },
        },
        Err(errors) => Some((StatusCode::UNPROCESSABLE_ENTITY, errors)),
    };
    match outcome {
        None => Ok(Redirect::to(&format!(
            "/units/{}/surveys/{}?flash=saved",
            c.unit_code, c.code
        ))
        .into_response()),
        Some((status, errors)) => {
            let sets = sets(&st, ctx.lang, &c.set_id);
            Ok(render(
                &FormPage {
                    action: format!("/units/{}/surveys/{}/edit", c.unit_code, c.code),
                    ctx,
                    unit_code: c.unit_code.clone(),
                    unit_name: c.unit_name.clone(),
                    campaign_code: Some(c.code.clone()),
                    form: f,
                    sets,
                    errors,
                },
                status,
            ))
        }
    }
}

async fn status_change(
    st: AppState,
    ctx: Ctx,
    headers: HeaderMap,
    unit: String,
    code: String,
    open: bool,
) -> Result<Response, WebError> {
    let c = campaign_of_unit(&st, &ctx, &unit, &code).await?;
    let actor = ctx.actor();
    let r = if open {
        surveys::open(&st.app, &actor, &code).await
    } else {
        surveys::close(&st.app, &actor, &code).await
    };
    match r {
        Ok(_) => Ok(Redirect::to(&format!(
            "/units/{}/surveys/{}?flash={}",
            c.unit_code,
            c.code,
            if open { "opened" } else { "closed" }
        ))
        .into_response()),
        Err(e) => match app_error_texts(ctx.lang, &e) {
            Some((status, errors)) => {
                campaign_page_with(&st, ctx, &headers, c, None, errors, status).await
            }
            None => Err(e.into()),
        },
    }
}

pub async fn open(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((unit, code)): Path<(String, String)>,
) -> Result<Response, WebError> {
    status_change(st, ctx, headers, unit, code, true).await
}

pub async fn close(
    State(st): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((unit, code)): Path<(String, String)>,
) -> Result<Response, WebError> {
    status_change(st, ctx, headers, unit, code, false).await
}

/// "7K3M9QX2PA" → "7K3M9-QX2PA" (easier to read and type).
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
            return match app_error_texts(lang, &e) {
                Some((status, errors)) => {
                    campaign_page_with(&st, ctx, &headers, c, None, errors, status).await
                }
                None => Err(e.into()),
            };
        }
    };
    let base = base_url(&headers);
    let short_url = format!("{base}/s/{}", c.code);
    let mut slips = Vec::with_capacity(tokens.len());
    for t in tokens {
        let link = format!("{short_url}?t={}", t.token);
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

pub async fn results_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, code)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let c = campaign_of_unit(&st, &ctx, &unit, &code).await?;
    let r: CampaignResults = surveys::results(&st.app, &ctx.actor(), &c.code).await?;
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

pub async fn paper_template(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, code)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let c = campaign_of_unit(&st, &ctx, &unit, &code).await?;
    let bytes = surveys::paper_template(&st.app, &ctx.actor(), &c.code, 50).await?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"phieu-y-kien-{}.xlsx\"",
        c.code
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

fn answer_label(lang: Lang, q: &Questionnaire, a: Answer) -> String {
    match a {
        Answer::Satisfied => q.satisfied_label.clone(),
        Answer::NotSatisfied => q.not_satisfied_label.clone(),
        Answer::Invalid => lang.t("survey-col-invalid"),
    }
}

fn import_page(
    ctx: Ctx,
    c: CampaignView,
    file_name: String,
    rows: &[PaperRow],
    check: Result<surveys::PaperCheck, AppError>,
) -> Result<Response, WebError> {
    let lang = ctx.lang;
    let check = match check {
        Ok(x) => x,
        Err(AppError::Validation(errors)) => surveys::PaperCheck {
            ok: Vec::new(),
            errors,
        },
        Err(AppError::Conflict(m)) => surveys::PaperCheck {
            ok: Vec::new(),
            errors: vec![ntm_app::FieldError::new("file", m)],
        },
        Err(e) => return Err(e.into()),
    };
    let bad: Vec<BadCellView> = check
        .errors
        .iter()
        .map(|e| BadCellView {
            cell: e.field.clone(),
            message: e.message.clone(),
        })
        .collect();
    let payload = if bad.is_empty() {
        rows.iter()
            .map(|r| {
                let mut line = format!(
                    "{}\t{}\t{}\t{}",
                    r.row,
                    r.hamlet.replace(['\t', '\n'], " "),
                    r.household.replace(['\t', '\n'], " "),
                    r.answer.replace(['\t', '\n'], " ")
                );
                for cell in &r.contents {
                    line.push('\t');
                    line.push_str(&cell.replace(['\t', '\n'], " "));
                }
                line
            })
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        String::new()
    };
    let message = Some(if bad.is_empty() {
        lang.t_count("survey-paper-ok", check.ok.len() as i64)
    } else {
        lang.t_count("survey-paper-errors", bad.len() as i64)
    });
    let ok: Vec<OkRowView> = check
        .ok
        .iter()
        .take(200)
        .map(|(row, hamlet, household, a, contents)| OkRowView {
            row: row.to_string(),
            hamlet: hamlet.clone(),
            household: household.clone(),
            answer: answer_label(lang, &c.questionnaire, *a),
            contents: contents
                .iter()
                .map(|x| match x {
                    ContentAnswer::Satisfied => c.questionnaire.satisfied_label.clone(),
                    ContentAnswer::NotSatisfied => c.questionnaire.not_satisfied_label.clone(),
                    ContentAnswer::Blank => "–".to_owned(),
                })
                .collect(),
        })
        .collect();
    let status = if bad.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok(render(
        &ImportPage {
            apply_label: ctx
                .lang
                .t_count("survey-paper-apply", check.ok.len() as i64),
            ctx,
            ok_count: check.ok.len(),
            contents: c.questionnaire.contents.clone(),
            c,
            file_name,
            bad,
            ok,
            payload,
            message,
        },
        status,
    ))
}

pub async fn paper_preview(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, code)): Path<(String, String)>,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    let c = campaign_of_unit(&st, &ctx, &unit, &code).await?;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(WebError(ErrorInfo::from_status(e.status(), &e.body_text()))),
        };
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| WebError(ErrorInfo::from_status(e.status(), &e.body_text())))?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return import_page(
            ctx,
            c,
            String::new(),
            &[],
            Err(AppError::invalid("file", "chưa chọn tệp (no file)")),
        );
    };
    let rows = match surveys::read_paper(bytes, name.clone()).await {
        Ok(r) => r,
        Err(e) => return import_page(ctx, c, name, &[], Err(e)),
    };
    let check = surveys::paper_check(&st.app, &ctx.actor(), &c.code, &rows).await;
    import_page(ctx, c, name, &rows, check)
}

#[derive(Debug, Deserialize)]
pub struct ApplyForm {
    #[serde(default)]
    pub file_name: String,
    #[serde(default)]
    pub rows: String,
}

pub async fn paper_apply(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((unit, code)): Path<(String, String)>,
    Form(f): Form<ApplyForm>,
) -> Result<Response, WebError> {
    let c = campaign_of_unit(&st, &ctx, &unit, &code).await?;
    let rows: Vec<PaperRow> = f
        .rows
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut p = l.split('\t');
            let mut next = || p.next().unwrap_or_default().trim().to_owned();
            let row = next().parse().unwrap_or(0);
            let (hamlet, household, answer) = (next(), next(), next());
            let mut contents: Vec<String> = p.map(|x| x.trim().to_owned()).collect();
            while contents.last().is_some_and(String::is_empty) {
                contents.pop();
            }
            PaperRow {
                row,
                hamlet,
                household,
                answer,
                contents,
            }
        })
        .collect();
    match surveys::paper_apply(&st.app, &ctx.actor(), &c.code, &f.file_name, &rows).await {
        Ok(n) => {
            let lang = ctx.lang;
            let mut page = ImportPage {
                message: Some(lang.t_count("survey-paper-applied", n as i64)),
                ctx,
                c,
                file_name: f.file_name,
                bad: Vec::new(),
                ok: Vec::new(),
                ok_count: 0,
                contents: Vec::new(),
                apply_label: String::new(),
                payload: String::new(),
            };
            page.ok_count = 0;
            Ok(render(&page, StatusCode::OK))
        }
        Err(e) => import_page(ctx, c, f.file_name, &[], Err(e)),
    }
}

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
    pub css: String,
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
    pub areas: Vec<AreaOption>,
    pub extra: Vec<ExtraView>,
    pub contents: Vec<ContentView>,
}

fn public_page(ctx: Ctx, c: Option<&PublicCampaign>) -> PublicPage {
    PublicPage {
        css: ctx.asset("survey-public.css"),
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
                    &[("when", when(ctx.lang, c.closes_at).into())],
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
        areas: Vec::new(),
        extra: Vec::new(),
        contents: Vec::new(),
        ctx,
    }
}

fn html_with(page: &PublicPage, status: StatusCode) -> Response {
    let mut res = render(page, status);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn fill_form(page: &mut PublicPage, c: &PublicCampaign, f: &[(String, String)]) {
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
        page.token = get("t");
    }
    page.phone = get("phone");
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

fn not_found_page(ctx: Ctx) -> Response {
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
                m.push_str(&lang.t_args("survey-pub-opens-at", &[("when", when(lang, t).into())]));
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
    let c = match surveys::public_campaign(&st.app, &code).await {
        Ok(c) => c,
        Err(AppError::NotFound(_)) => return Ok(not_found_page(ctx)),
        Err(e) => return Err(e.into()),
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
    let lang = ctx.lang;
    let refusal = match surveys::answer(&st.app, &ctx.origin, &code, input).await {
        Ok(()) => {
            let code = ntm_domain::dossier::campaign::normalize_code(&code).unwrap_or_default();
            return Ok(Redirect::to(&format!("/s/{code}/cam-on")).into_response());
        }
        Err(r) => r,
    };
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
    };
    let c = match surveys::public_campaign(&st.app, &code).await {
        Ok(c) => c,
        Err(AppError::NotFound(_)) => return Ok(not_found_page(ctx)),
        Err(e) => return Err(e.into()),
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
    fill_form(&mut p, &c, &f);
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
    let c = match surveys::public_campaign(&st.app, &code).await {
        Ok(c) => c,
        Err(AppError::NotFound(_)) => return Ok(not_found_page(ctx)),
        Err(e) => return Err(e.into()),
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
    Ok(format!("{}/s/{}", base_url(headers), c.code))
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
        Ok(()) => Ok(Redirect::to(&format!(
            "/units/{}/surveys/{}?flash=households",
            c.unit_code, c.code
        ))
        .into_response()),
        Err(e) => match app_error_texts(lang, &e) {
            Some((status, errors)) => {
                campaign_page_with(&st, ctx, &headers, c, None, errors, status).await
            }
            None => Err(e.into()),
        },
    }
}

/// One line of survey facts shown on a dossier page.
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
