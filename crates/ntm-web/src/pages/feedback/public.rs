//! The citizens' pages: `/feedback` (choose a province, track a report), the form
//! `/feedback/{province}/new` (multipart, photos, the anti-abuse sum; a refused form comes
//! back with everything typed), the tracking page `/feedback/t/{code}` with the answer and
//! the rating form, and the photos.

use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::feedback::{self, CategoryView, NewReport, PublicReport, Upload};
use uuid::Uuid;

use super::{field_errors, status_text};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::format::date_time;
use crate::view::render;

pub struct ProvinceLink {
    pub name: String,
    pub href: String,
}

#[derive(Template)]
#[template(path = "feedback_home.html")]
pub struct HomePage {
    pub ctx: Ctx,
    pub provinces: Vec<ProvinceLink>,
    pub not_found: bool,
    pub code: String,
}

#[derive(serde::Deserialize, Default)]
pub struct TrackQuery {
    #[serde(default)]
    pub code: String,
}

/// `GET /feedback`
pub async fn home(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TrackQuery>,
) -> Result<Response, WebError> {
    let provinces = feedback::provinces(&st.app)
        .await?
        .into_iter()
        .map(|p| ProvinceLink {
            href: Urls::feedback_new(&p.code),
            name: p.name,
        })
        .collect();
    Ok(render(
        &HomePage {
            ctx,
            provinces,
            not_found: false,
            code: q.code,
        },
        StatusCode::OK,
    ))
}

/// `GET /feedback/track?code=…`: to the report's page, or back with "not found".
pub async fn track_lookup(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TrackQuery>,
) -> Result<Response, WebError> {
    match feedback::track(&st.app, &ctx.actor(), &q.code).await {
        Ok(r) => Ok(Redirect::to(&Urls::feedback_track(&r.tracking_code)).into_response()),
        Err(AppError::NotFound(_)) => {
            let provinces = feedback::provinces(&st.app)
                .await?
                .into_iter()
                .map(|p| ProvinceLink {
                    href: Urls::feedback_new(&p.code),
                    name: p.name,
                })
                .collect();
            Ok(render(
                &HomePage {
                    ctx,
                    provinces,
                    not_found: true,
                    code: q.code,
                },
                StatusCode::NOT_FOUND,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub struct Choice {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "feedback_form.html")]
pub struct FormPage {
    pub ctx: Ctx,
    pub title: String,
    pub action: String,
    pub categories: Vec<Choice>,
    pub communes: Vec<Choice>,
    pub text: String,
    pub lat: String,
    pub lon: String,
    pub contact_name: String,
    pub contact: String,
    pub keep_location: bool,
    pub client_token: String,
    pub check_question: String,
    pub check_token: String,
    pub errors: Vec<(String, String)>,
    pub general: Option<String>,
}

impl FormPage {
    pub fn error_for(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

async fn form_page(
    st: &AppState,
    ctx: Ctx,
    province: &str,
    typed: &NewReport,
) -> Result<FormPage, WebError> {
    let choices = feedback::form_choices(&st.app, province).await?;
    let ch = feedback::challenge(&st.app).await?;
    let cat_name = |c: &CategoryView| {
        if ctx.is_lang("en") {
            c.name_en.clone()
        } else {
            c.name_vi.clone()
        }
    };
    Ok(FormPage {
        title: ctx.t1("fb-new-title", &choices.province.name),
        action: Urls::feedback_new(&choices.province.code),
        categories: choices
            .categories
            .iter()
            .map(|c| Choice {
                selected: c.code == typed.category,
                name: cat_name(c),
                code: c.code.clone(),
            })
            .collect(),
        communes: choices
            .communes
            .into_iter()
            .map(|(code, name)| Choice {
                selected: code == typed.unit_code,
                code,
                name,
            })
            .collect(),
        text: typed.text.clone(),
        lat: typed.lat.clone(),
        lon: typed.lon.clone(),
        contact_name: typed.contact_name.clone(),
        contact: typed.contact.clone(),
        keep_location: typed.keep_location,
        client_token: if typed.client_token.is_empty() {
            Uuid::now_v7().to_string()
        } else {
            typed.client_token.clone()
        },
        check_question: ctx.lang.t_args(
            "fb-field-check",
            &[("a", i64::from(ch.a).into()), ("b", i64::from(ch.b).into())],
        ),
        check_token: ch.token,
        errors: Vec::new(),
        general: None,
        ctx,
    })
}

/// `GET /feedback/{province}/new`
pub async fn new_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(province): Path<String>,
) -> Result<Response, WebError> {
    let typed = NewReport::default();
    let page = form_page(&st, ctx, &province, &typed).await?;
    let mut res = render(&page, StatusCode::OK);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

async fn read_form(mut mp: Multipart, province: &str) -> Result<NewReport, WebError> {
    let broken = |e: axum::extract::multipart::MultipartError| {
        WebError(crate::error::ErrorInfo::from_status(
            e.status(),
            &e.body_text(),
        ))
    };
    let mut f = NewReport {
        province_code: province.to_string(),
        ..NewReport::default()
    };
    while let Some(field) = mp.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "photos" {
            let file = field.file_name().unwrap_or("").to_string();
            let bytes = field.bytes().await.map_err(broken)?;
            if !bytes.is_empty() {
                f.photos.push(Upload {
                    name: file,
                    bytes: bytes.to_vec(),
                });
            }
            continue;
        }
        let v = field.text().await.map_err(broken)?;
        match name.as_str() {
            "category" => f.category = v,
            "text" => f.text = v,
            "lat" => f.lat = v,
            "lon" => f.lon = v,
            "unit_code" => f.unit_code = v,
            "contact_name" => f.contact_name = v,
            "contact" => f.contact = v,
            "keep_location" => f.keep_location = v == "1",
            "client_token" => f.client_token = v,
            "check_token" => f.challenge_token = v,
            "check" => f.challenge_answer = v,
            "website" => f.trap = v,
            _ => {}
        }
    }
    Ok(f)
}

/// `POST /feedback/{province}/new`
pub async fn submit(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(province): Path<String>,
    mp: Multipart,
) -> Result<Response, WebError> {
    let form = read_form(mp, &province).await?;
    let actor = ctx.actor();
    match feedback::file_report(&st.app, &actor, form.clone()).await {
        Ok(done) => Ok(Redirect::to(&format!(
            "{}?filed=1",
            Urls::feedback_track(&done.tracking_code)
        ))
        .into_response()),
        Err(AppError::Validation(errs)) => {
            let mut page = form_page(&st, ctx, &province, &form).await?;
            page.errors = field_errors(&page.ctx, &errs);
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(AppError::TooManyRequests { retry_after_secs }) => {
            let mut page = form_page(&st, ctx, &province, &form).await?;
            page.general = Some(page.ctx.t1("fb-too-many", &retry_after_secs.to_string()));
            Ok(render(&page, StatusCode::TOO_MANY_REQUESTS))
        }
        Err(e) => Err(e.into()),
    }
}

pub struct EventView {
    pub what: String,
    pub note: Option<String>,
    pub unit: Option<String>,
    pub at: String,
}

#[derive(Template)]
#[template(path = "feedback_track.html")]
pub struct TrackPage {
    pub ctx: Ctx,
    pub r: PublicReport,
    pub status: String,
    pub category: String,
    pub received: String,
    pub due: String,
    pub photos: Vec<String>,
    pub history: Vec<EventView>,
    pub filed: bool,
    pub rated_now: bool,
    pub rate_action: String,
    pub merged_href: Option<String>,
    pub error: Option<String>,
}

#[derive(serde::Deserialize, Default)]
pub struct TrackFlags {
    #[serde(default)]
    pub filed: Option<String>,
    #[serde(default)]
    pub rated: Option<String>,
}

pub(crate) fn events(ctx: &Ctx, r: &PublicReport) -> Vec<EventView> {
    r.history
        .iter()
        .map(|e| EventView {
            what: if e.action == "file" {
                ctx.t("fb-act-file")
            } else {
                format!(
                    "{} → {}",
                    ctx.t(&format!("fb-act-{}", e.action)),
                    status_text(ctx, e.status)
                )
            },
            note: e.note.clone(),
            unit: e.unit_name.clone(),
            at: date_time(e.at),
        })
        .collect()
}

fn track_page(ctx: Ctx, r: PublicReport, flags: &TrackFlags, error: Option<String>) -> TrackPage {
    TrackPage {
        status: status_text(&ctx, r.status),
        category: if ctx.is_lang("en") {
            r.category_en.clone()
        } else {
            r.category_vi.clone()
        },
        received: date_time(r.received_at),
        due: ctx.date(r.due_on),
        photos: r.photos.iter().map(|p| Urls::feedback_photo(*p)).collect(),
        history: events(&ctx, &r),
        filed: flags.filed.is_some(),
        rated_now: flags.rated.is_some(),
        rate_action: Urls::feedback_rate(&r.tracking_code),
        merged_href: r.merged_into_code.as_deref().map(Urls::feedback_track),
        error,
        r,
        ctx,
    }
}

/// `GET /feedback/t/{code}`
pub async fn track(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(flags): Query<TrackFlags>,
) -> Result<Response, WebError> {
    let r = feedback::track(&st.app, &ctx.actor(), &code).await?;
    let mut res = render(&track_page(ctx, r, &flags, None), StatusCode::OK);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

#[derive(serde::Deserialize, Default)]
pub struct RateForm {
    #[serde(default)]
    pub rating: String,
}

/// `POST /feedback/t/{code}/rate`
pub async fn rate(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<RateForm>,
) -> Result<Response, WebError> {
    let actor = ctx.actor();
    match feedback::rate(&st.app, &actor, &code, &f.rating).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("{}?rated=1", Urls::feedback_track(&code))).into_response())
        }
        Err(AppError::Validation(errs)) => {
            let r = feedback::track(&st.app, &actor, &code).await?;
            let msg = field_errors(&ctx, &errs)
                .into_iter()
                .map(|(_, m)| m)
                .collect::<Vec<_>>()
                .join("; ");
            Ok(render(
                &track_page(ctx, r, &TrackFlags::default(), Some(msg)),
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /feedback/photo/{id}`
pub async fn photo(
    State(st): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id =
        Uuid::parse_str(&id).map_err(|_| WebError::from(AppError::NotFound("photo".into())))?;
    let p = feedback::photo(&st.app, id).await?;
    let mut res = p.bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&p.content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400, immutable"),
    );
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    Ok(res)
}
