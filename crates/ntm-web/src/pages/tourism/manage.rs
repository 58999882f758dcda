//! The tourism editors' pages (`EditTourism` on the commune): `GET /units/{code}/tourism`
//! lists the commune's points and tours with the new-point and new-tour forms; a point's and
//! a tour's editor; publish and take back. A refusal shows the form again with what was
//! typed and every problem (files must be chosen again: browsers never keep them).

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use ntm_app::AppError;
use ntm_app::tourism::{
    self, AUDIO_MAX_BYTES, PHOTO_MAX_BYTES, PointForm, PointKind, ProductChoice, TourForm,
    TourismPointRecord, Upload,
};
use ntm_domain::tourism::{PointInput, TourInput};
use serde::Deserialize;
use uuid::Uuid;

use super::kind_label;
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::request::parse_id;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::format::date_time;
use crate::view::render;

/// A field's label on these forms.
fn label(ctx: &Ctx, field: &str) -> String {
    let key = match field {
        "kind" => "tourism-kind",
        "name" => "tourism-name",
        "lat" => "tourism-lat",
        "lon" => "tourism-lon",
        "location" => "tourism-location",
        "address" => "tourism-address",
        "opening" => "tourism-opening",
        "contact" => "tourism-contact",
        "narration_vi" => "tourism-narration-vi",
        "narration_en" => "tourism-narration-en",
        "photos" => "tourism-photos",
        "audio_vi" => "tourism-audio-vi",
        "audio_en" => "tourism-audio-en",
        "products" => "tourism-products",
        "title_vi" => "tourism-title-vi",
        "title_en" => "tourism-title-en",
        "description_vi" => "tourism-description-vi",
        "description_en" => "tourism-description-en",
        "stops" => "tourism-stops",
        other => return other.to_string(),
    };
    ctx.t(key)
}

/// The messages of a refusal, each with its field's label.
fn error_lines(ctx: &Ctx, e: &AppError) -> Vec<String> {
    match e {
        AppError::Validation(fs) => fs
            .iter()
            .map(|f| format!("{}: {}", label(ctx, &f.field), f.message))
            .collect(),
        AppError::Conflict(m) => vec![m.clone()],
        other => vec![other.to_string()],
    }
}

/// Whether a refusal is shown on the form (else it is the error page).
fn on_form(e: &AppError) -> Option<StatusCode> {
    match e {
        AppError::Validation(_) => Some(StatusCode::UNPROCESSABLE_ENTITY),
        AppError::Conflict(_) => Some(StatusCode::CONFLICT),
        _ => None,
    }
}

/// The point form's checkbox of a product.
pub struct ProductBox {
    pub id: String,
    pub label: String,
    pub checked: bool,
}

/// What the point form shows.
pub struct PointFormView {
    pub action: String,
    pub version: Option<i64>,
    pub input: PointInput,
    pub kinds: Vec<(String, String)>,
    pub products: Vec<ProductBox>,
    pub errors: Vec<String>,
    /// Files already stored (the editor): photo links and audio languages.
    pub photos: Vec<String>,
    pub audio: Vec<String>,
    pub max_photo_mb: usize,
    pub max_audio_mb: usize,
}

fn point_form_view(
    ctx: &Ctx,
    action: String,
    version: Option<i64>,
    input: PointInput,
    choices: &[ProductChoice],
    selected: &[String],
    errors: Vec<String>,
) -> PointFormView {
    PointFormView {
        action,
        version,
        kinds: PointKind::ALL
            .iter()
            .map(|k| (k.code().to_string(), kind_label(ctx, k.code())))
            .collect(),
        products: choices
            .iter()
            .map(|c| ProductBox {
                id: c.id.to_string(),
                label: match c.stars {
                    Some(s) => format!("{} ({s}★)", c.name),
                    None => c.name.clone(),
                },
                checked: selected.iter().any(|s| s.trim() == c.id.to_string()),
            })
            .collect(),
        input,
        errors,
        photos: Vec::new(),
        audio: Vec::new(),
        max_photo_mb: PHOTO_MAX_BYTES / 1_048_576,
        max_audio_mb: AUDIO_MAX_BYTES / 1_048_576,
    }
}

/// A stop field of the tour form: position, the chosen point.
pub struct StopField {
    pub n: usize,
    pub chosen: String,
}

/// What the tour form shows.
pub struct TourFormView {
    pub action: String,
    pub version: Option<i64>,
    pub input: TourInput,
    /// The commune's published points: (id, name).
    pub points: Vec<(String, String)>,
    pub stops: Vec<StopField>,
    pub errors: Vec<String>,
}

fn tour_form_view(
    action: String,
    version: Option<i64>,
    input: TourInput,
    published: &[TourismPointRecord],
    errors: Vec<String>,
) -> TourFormView {
    let rows = (input.stops.len() + 2).clamp(3, ntm_domain::tourism::MAX_STOPS);
    TourFormView {
        action,
        version,
        points: published
            .iter()
            .map(|p| (p.id.to_string(), p.name.clone()))
            .collect(),
        stops: (0..rows)
            .map(|i| StopField {
                n: i + 1,
                chosen: input.stops.get(i).cloned().unwrap_or_default(),
            })
            .collect(),
        input,
        errors,
    }
}

pub struct PointRow {
    pub name: String,
    pub kind: String,
    pub status: String,
    pub published: bool,
    pub sample: bool,
    pub edit_href: String,
    pub page_href: String,
    pub qr_svg: String,
    pub qr_png: String,
    pub updated: String,
}

pub struct TourRow {
    pub title: String,
    pub status: String,
    pub sample: bool,
    pub edit_href: String,
    pub page_href: String,
    pub leaflet_href: String,
}

#[derive(Template)]
#[template(path = "tourism_manage.html")]
pub struct ManageView {
    pub ctx: Ctx,
    pub heading: String,
    pub public_href: String,
    pub boundary_note: String,
    pub points: Vec<PointRow>,
    pub tours: Vec<TourRow>,
    pub point_form: PointFormView,
    pub tour_form: TourFormView,
}

fn status_text(ctx: &Ctx, s: &str) -> String {
    ctx.t(if s == "published" {
        "tourism-status-published"
    } else {
        "tourism-status-draft"
    })
}

async fn manage_view(
    st: &AppState,
    ctx: Ctx,
    code: &str,
    point: Option<(PointInput, Vec<String>, Vec<String>)>,
    tour: Option<(TourInput, Vec<String>)>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let o = tourism::officer_tourism(&st.app, &ctx.actor(), code).await?;
    let code = o.unit.code.clone();
    let published: Vec<TourismPointRecord> = o
        .points
        .iter()
        .filter(|p| p.status == "published")
        .cloned()
        .collect();
    let (pin, psel, perr) = point.unwrap_or_default();
    let (tin, terr) = tour.unwrap_or_default();
    let v = ManageView {
        heading: ctx.t1("tourism-manage-title", &o.unit.name),
        public_href: Urls::tourism(&code),
        boundary_note: ctx.t(if o.has_boundary {
            "tourism-boundary-stored"
        } else {
            "tourism-boundary-none"
        }),
        points: o
            .points
            .iter()
            .map(|p| PointRow {
                name: p.name.clone(),
                kind: kind_label(&ctx, &p.kind),
                status: status_text(&ctx, &p.status),
                published: p.status == "published",
                sample: p.sample,
                edit_href: Urls::tourism_edit_point(p.id),
                page_href: Urls::tourism_point(p.id),
                qr_svg: Urls::tourism_point_file(p.id, "qr.svg"),
                qr_png: Urls::tourism_point_file(p.id, "qr.png"),
                updated: date_time(p.updated_at),
            })
            .collect(),
        tours: o
            .tours
            .iter()
            .map(|t| TourRow {
                title: ctx.lang.pick(&t.title_vi, Some(&t.title_en)).to_string(),
                status: status_text(&ctx, &t.status),
                sample: t.sample,
                edit_href: Urls::tourism_edit_tour(t.id),
                page_href: Urls::tourism_tour(t.id),
                leaflet_href: Urls::tourism_leaflet(t.id),
            })
            .collect(),
        point_form: point_form_view(
            &ctx,
            Urls::tourism_new_point(&code),
            None,
            pin,
            &o.products,
            &psel,
            perr,
        ),
        tour_form: tour_form_view(Urls::tourism_new_tour(&code), None, tin, &published, terr),
        ctx,
    };
    Ok(render(&v, status))
}

/// `GET /units/{code}/tourism`.
pub async fn page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    manage_view(&st, ctx, &code, None, None, StatusCode::OK).await
}

/// The point form as sent. Files are read up to their limit plus one byte (the use case
/// refuses anything longer before looking inside); the route's body limit bounds the rest.
struct SentPoint {
    input: PointInput,
    products: Vec<String>,
    version: Option<i64>,
    photos: Vec<Upload>,
    audio_vi: Option<Upload>,
    audio_en: Option<Upload>,
}

async fn read_file(
    field: &mut axum::extract::multipart::Field<'_>,
    cap: usize,
) -> Result<Vec<u8>, WebError> {
    let mut out = Vec::new();
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| WebError::invalid("file", e.body_text()))?
    {
        if out.len() <= cap {
            let room = cap + 1 - out.len();
            out.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
    }
    Ok(out)
}

async fn read_point(mp: &mut Multipart) -> Result<SentPoint, WebError> {
    let mut s = SentPoint {
        input: PointInput::default(),
        products: Vec::new(),
        version: None,
        photos: Vec::new(),
        audio_vi: None,
        audio_en: None,
    };
    let broken = |e: axum::extract::multipart::MultipartError| {
        WebError(crate::error::ErrorInfo::from_status(
            e.status(),
            &e.body_text(),
        ))
    };
    while let Some(mut field) = mp.next_field().await.map_err(broken)? {
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().unwrap_or("").to_string();
        match name.as_str() {
            "photos" => {
                let bytes = read_file(&mut field, PHOTO_MAX_BYTES).await?;
                s.photos.push(Upload {
                    name: file_name,
                    bytes,
                });
            }
            "audio_vi" | "audio_en" => {
                let bytes = read_file(&mut field, AUDIO_MAX_BYTES).await?;
                let u = Some(Upload {
                    name: file_name,
                    bytes,
                });
                if name == "audio_vi" {
                    s.audio_vi = u;
                } else {
                    s.audio_en = u;
                }
            }
            _ => {
                let text = field.text().await.map_err(broken)?;
                let i = &mut s.input;
                match name.as_str() {
                    "kind" => i.kind = text,
                    "name" => i.name = text,
                    "lat" => i.lat = text,
                    "lon" => i.lon = text,
                    "address" => i.address = text,
                    "opening" => i.opening = text,
                    "contact" => i.contact = text,
                    "narration_vi" => i.narration_vi = text,
                    "narration_en" => i.narration_en = text,
                    "products" => s.products.push(text),
                    "version" => s.version = text.trim().parse().ok(),
                    _ => {}
                }
            }
        }
    }
    Ok(s)
}

fn point_form(s: &SentPoint) -> PointForm {
    PointForm {
        input: s.input.clone(),
        photos: s.photos.clone(),
        audio_vi: s.audio_vi.clone(),
        audio_en: s.audio_en.clone(),
        products: s.products.clone(),
    }
}

/// `POST /units/{code}/tourism/points`: a new draft point.
pub async fn create_point(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let sent = read_point(&mut mp).await?;
    match tourism::new_point(&st.app, &ctx.actor(), &code, point_form(&sent)).await {
        Ok(p) => Ok(Redirect::to(&Urls::tourism_edit_point(p.id)).into_response()),
        Err(e) => match on_form(&e) {
            Some(status) => {
                let errors = error_lines(&ctx, &e);
                manage_view(
                    &st,
                    ctx,
                    &code,
                    Some((sent.input, sent.products, errors)),
                    None,
                    status,
                )
                .await
            }
            None => Err(e.into()),
        },
    }
}

#[derive(Template)]
#[template(path = "tourism_point_edit.html")]
pub struct PointEditView {
    pub ctx: Ctx,
    pub heading: String,
    pub back_href: String,
    pub page_href: String,
    pub qr_svg: String,
    pub qr_png: String,
    pub published: bool,
    pub sample: bool,
    pub status: String,
    pub boundary_checked: bool,
    pub publish_action: String,
    pub version: i64,
    pub point_form: PointFormView,
}

async fn point_edit_view(
    st: &AppState,
    ctx: Ctx,
    id: Uuid,
    typed: Option<(PointInput, Vec<String>, Vec<String>)>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let e = tourism::point_editor(&st.app, &ctx.actor(), id).await?;
    let p = &e.point;
    let stored = PointInput {
        kind: p.kind.clone(),
        name: p.name.clone(),
        lat: p.lat.to_string(),
        lon: p.lon.to_string(),
        address: p.address.clone(),
        opening: p.opening.clone(),
        contact: p.contact.clone(),
        narration_vi: p.narration_vi.clone(),
        narration_en: p.narration_en.clone(),
    };
    let stored_products: Vec<String> = e.products.iter().map(Uuid::to_string).collect();
    let (input, selected, errors) = typed.unwrap_or((stored, stored_products, Vec::new()));
    let mut form = point_form_view(
        &ctx,
        Urls::tourism_edit_point(id),
        Some(p.version),
        input,
        &e.choices,
        &selected,
        errors,
    );
    form.photos = e
        .photos
        .iter()
        .map(|ph| Urls::tourism_photo(ph.id))
        .collect();
    form.audio = e
        .audio
        .iter()
        .map(|a| {
            ctx.t(if a.lang == "en" {
                "tourism-audio-en"
            } else {
                "tourism-audio-vi"
            })
        })
        .collect();
    let v = PointEditView {
        heading: ctx.t1("tourism-edit-point", &p.name),
        back_href: Urls::tourism_manage(&e.unit.code),
        page_href: Urls::tourism_point(id),
        qr_svg: Urls::tourism_point_file(id, "qr.svg"),
        qr_png: Urls::tourism_point_file(id, "qr.png"),
        published: p.status == "published",
        sample: p.sample,
        status: status_text(&ctx, &p.status),
        boundary_checked: p.boundary_checked,
        publish_action: Urls::tourism_publish_point(id),
        version: p.version,
        point_form: form,
        ctx,
    };
    Ok(render(&v, status))
}

/// `GET /tourism/edit/points/{id}`.
pub async fn edit_point(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "point")?;
    point_edit_view(&st, ctx, id, None, StatusCode::OK).await
}

/// `POST /tourism/edit/points/{id}`: saves on the version the form was opened at.
pub async fn save_point(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "point")?;
    let sent = read_point(&mut mp).await?;
    let version = sent.version.unwrap_or(-1);
    match tourism::update_point(&st.app, &ctx.actor(), id, version, point_form(&sent)).await {
        Ok(_) => Ok(Redirect::to(&Urls::tourism_edit_point(id)).into_response()),
        Err(e) => match on_form(&e) {
            Some(status) => {
                let errors = error_lines(&ctx, &e);
                let typed = (sent.input, sent.products, errors);
                point_edit_view(&st, ctx, id, Some(typed), status).await
            }
            None => Err(e.into()),
        },
    }
}

#[derive(Debug, Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub publish: String,
}

impl PublishForm {
    fn parts(&self) -> (i64, bool) {
        (
            self.version.trim().parse().unwrap_or(-1),
            self.publish == "1",
        )
    }
}

/// `POST /tourism/edit/points/{id}/publish`.
pub async fn publish_point(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<PublishForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "point")?;
    let (version, publish) = f.parts();
    match tourism::set_point_published(&st.app, &ctx.actor(), id, version, publish).await {
        Ok(_) => Ok(Redirect::to(&Urls::tourism_edit_point(id)).into_response()),
        Err(e) => match on_form(&e) {
            Some(status) => {
                let lines = error_lines(&ctx, &e);
                let ed = tourism::point_editor(&st.app, &ctx.actor(), id).await?;
                let typed = (
                    PointInput {
                        kind: ed.point.kind.clone(),
                        name: ed.point.name.clone(),
                        lat: ed.point.lat.to_string(),
                        lon: ed.point.lon.to_string(),
                        address: ed.point.address.clone(),
                        opening: ed.point.opening.clone(),
                        contact: ed.point.contact.clone(),
                        narration_vi: ed.point.narration_vi.clone(),
                        narration_en: ed.point.narration_en.clone(),
                    },
                    ed.products.iter().map(Uuid::to_string).collect(),
                    lines,
                );
                point_edit_view(&st, ctx, id, Some(typed), status).await
            }
            None => Err(e.into()),
        },
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct TourFields {
    #[serde(default)]
    pub title_vi: String,
    #[serde(default)]
    pub title_en: String,
    #[serde(default)]
    pub description_vi: String,
    #[serde(default)]
    pub description_en: String,
    #[serde(default)]
    pub stop: Vec<String>,
    #[serde(default)]
    pub version: String,
}

impl TourFields {
    fn input(&self) -> TourInput {
        TourInput {
            title_vi: self.title_vi.clone(),
            title_en: self.title_en.clone(),
            description_vi: self.description_vi.clone(),
            description_en: self.description_en.clone(),
            stops: self.stop.clone(),
        }
    }
}

/// `POST /units/{code}/tourism/tours`: a new draft tour.
pub async fn create_tour(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<TourFields>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let form = TourForm { input: f.input() };
    match tourism::new_tour(&st.app, &ctx.actor(), &code, form).await {
        Ok(t) => Ok(Redirect::to(&Urls::tourism_edit_tour(t.id)).into_response()),
        Err(e) => match on_form(&e) {
            Some(status) => {
                let errors = error_lines(&ctx, &e);
                manage_view(&st, ctx, &code, None, Some((f.input(), errors)), status).await
            }
            None => Err(e.into()),
        },
    }
}

#[derive(Template)]
#[template(path = "tourism_tour_edit.html")]
pub struct TourEditView {
    pub ctx: Ctx,
    pub heading: String,
    pub back_href: String,
    pub page_href: String,
    pub leaflet_href: String,
    pub published: bool,
    pub sample: bool,
    pub status: String,
    pub publish_action: String,
    pub version: i64,
    pub publish_errors: Vec<String>,
    pub tour_form: TourFormView,
}

async fn tour_edit_view(
    st: &AppState,
    ctx: Ctx,
    id: Uuid,
    typed: Option<(TourInput, Vec<String>)>,
    publish_errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let e = tourism::tour_editor(&st.app, &ctx.actor(), id).await?;
    let t = &e.tour;
    let stored = TourInput {
        title_vi: t.title_vi.clone(),
        title_en: t.title_en.clone(),
        description_vi: t.description_vi.clone(),
        description_en: t.description_en.clone(),
        stops: e.stops.iter().map(|p| p.id.to_string()).collect(),
    };
    let (input, errors) = typed.unwrap_or((stored, Vec::new()));
    // Stops since taken back stay choosable so the form shows them.
    let mut choices = e.choices.clone();
    for s in &e.stops {
        if !choices.iter().any(|c| c.id == s.id) {
            choices.push(s.clone());
        }
    }
    let v = TourEditView {
        heading: ctx.t1("tourism-edit-tour", &t.title_vi),
        back_href: Urls::tourism_manage(&e.unit.code),
        page_href: Urls::tourism_tour(id),
        leaflet_href: Urls::tourism_leaflet(id),
        published: t.status == "published",
        sample: t.sample,
        status: status_text(&ctx, &t.status),
        publish_action: Urls::tourism_publish_tour(id),
        version: t.version,
        publish_errors,
        tour_form: tour_form_view(
            Urls::tourism_edit_tour(id),
            Some(t.version),
            input,
            &choices,
            errors,
        ),
        ctx,
    };
    Ok(render(&v, status))
}

/// `GET /tourism/edit/tours/{id}`.
pub async fn edit_tour(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "tour")?;
    tour_edit_view(&st, ctx, id, None, Vec::new(), StatusCode::OK).await
}

/// `POST /tourism/edit/tours/{id}`.
pub async fn save_tour(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<TourFields>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "tour")?;
    let version = f.version.trim().parse().unwrap_or(-1);
    let form = TourForm { input: f.input() };
    match tourism::update_tour(&st.app, &ctx.actor(), id, version, form).await {
        Ok(_) => Ok(Redirect::to(&Urls::tourism_edit_tour(id)).into_response()),
        Err(e) => match on_form(&e) {
            Some(status) => {
                let errors = error_lines(&ctx, &e);
                tour_edit_view(&st, ctx, id, Some((f.input(), errors)), Vec::new(), status).await
            }
            None => Err(e.into()),
        },
    }
}

/// `POST /tourism/edit/tours/{id}/publish`.
pub async fn publish_tour(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<PublishForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "tour")?;
    let (version, publish) = f.parts();
    match tourism::set_tour_published(&st.app, &ctx.actor(), id, version, publish).await {
        Ok(_) => Ok(Redirect::to(&Urls::tourism_edit_tour(id)).into_response()),
        Err(e) => match on_form(&e) {
            Some(status) => {
                let errors = error_lines(&ctx, &e);
                tour_edit_view(&st, ctx, id, None, errors, status).await
            }
            None => Err(e.into()),
        },
    }
}
