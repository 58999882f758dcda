//! The area form: register on a commune (`/units/{code}/areas/new`) or edit
//! (`/areas/{id}/edit`). The polygon comes from an uploaded `.geojson` file or pasted
//! GeoJSON; a refused form comes back with everything typed (the file's text in the box).

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::areas::OcopProducerRecord;
use ntm_app::areas::{AreaDetail, AreaForm, AreaFormChoices};
use ntm_app::page::Submitted;
use uuid::Uuid;

use super::refusal_lines;
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::request::{parse_id, read_upload};
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::render;

pub struct OwnerOption {
    pub id: String,
    pub name: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "area_form.html")]
pub struct AreaFormPage {
    pub ctx: Ctx,
    pub editing: bool,
    pub unit_name: String,
    pub unit_href: String,
    pub action: String,
    pub cancel_href: String,
    pub code: String,
    pub crop: String,
    pub hectares: String,
    pub geojson: String,
    pub owners: Vec<OwnerOption>,
    pub show_owners: bool,
    pub has_boundary: bool,
    pub errors: Vec<String>,
}

const FIELDS: &[&str] = &["code", "crop", "hectares", "geojson", "owner"];

fn owner_options(producers: &[OcopProducerRecord], chosen: &[Uuid]) -> Vec<OwnerOption> {
    producers
        .iter()
        .map(|p| OwnerOption {
            id: p.id.to_string(),
            name: p.name.clone(),
            checked: chosen.contains(&p.id),
        })
        .collect()
}

/// The form as posted: the uploaded file's text wins over the pasted box.
async fn read_form(mp: &mut Multipart, unit_code: String) -> Result<AreaForm, WebError> {
    let up = read_upload(mp, FIELDS).await?;
    let text = |n: &str| up.field(n).unwrap_or_default().to_string();
    let owners = up
        .fields
        .iter()
        .filter(|(n, _)| n == "owner")
        .filter_map(|(_, v)| Uuid::parse_str(v.trim()).ok())
        .collect();
    let pasted = text("geojson");
    let geojson = match &up.file {
        Some((_, bytes)) if !bytes.is_empty() => String::from_utf8_lossy(bytes).into_owned(),
        _ => pasted,
    };
    Ok(AreaForm {
        unit_code,
        code: text("code"),
        crop: text("crop"),
        hectares: text("hectares"),
        geojson,
        owners,
    })
}

fn new_page(ctx: Ctx, c: &AreaFormChoices, form: &AreaForm, errors: Vec<String>) -> AreaFormPage {
    // A producer with one record: it is the owner, no choice to make.
    let chosen: Vec<Uuid> = if form.owners.is_empty() && c.producers.len() == 1 {
        vec![c.producers[0].id]
    } else {
        form.owners.clone()
    };
    AreaFormPage {
        editing: false,
        unit_name: c.unit.name.clone(),
        unit_href: Urls::unit(&c.unit.code),
        action: Urls::area_new(&c.unit.code),
        cancel_href: if c.officer {
            Urls::unit_areas(&c.unit.code)
        } else {
            Urls::my_areas()
        },
        code: form.code.clone(),
        crop: form.crop.clone(),
        hectares: form.hectares.clone(),
        geojson: form.geojson.clone(),
        owners: owner_options(&c.producers, &chosen),
        show_owners: !c.producers.is_empty(),
        has_boundary: c.has_boundary,
        errors,
        ctx,
    }
}

fn edit_page(ctx: Ctx, d: &AreaDetail, form: &AreaForm, errors: Vec<String>) -> AreaFormPage {
    AreaFormPage {
        editing: true,
        unit_name: d.unit.name.clone(),
        unit_href: Urls::unit(&d.unit.code),
        action: Urls::area_edit(d.area.id),
        cancel_href: Urls::area(d.area.id),
        code: form.code.clone(),
        crop: form.crop.clone(),
        hectares: form.hectares.clone(),
        geojson: form.geojson.clone(),
        owners: owner_options(&d.owners, &form.owners),
        show_owners: d.may_change_owners,
        has_boundary: d.boundary.is_some(),
        errors,
        ctx,
    }
}

/// `GET /units/{code}/areas/new`
pub async fn new_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let c = ntm_app::areas::area_form_choices(&st.app, &ctx.actor(), &code).await?;
    let page = new_page(ctx, &c, &AreaForm::default(), Vec::new());
    Ok(render(&page, StatusCode::OK))
}

/// `POST /units/{code}/areas/new` (multipart)
pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let form = read_form(&mut mp, code).await?;
    match ntm_app::areas::register_on_page(&st.app, &ctx.actor(), form.clone()).await? {
        Submitted::Done(a) => {
            Ok(Redirect::to(&Urls::area_done(a.id, "registered")).into_response())
        }
        Submitted::Again { refusal, page } => {
            let errors = refusal
                .map(|e| refusal_lines(ctx.lang, &e))
                .unwrap_or_default();
            let view = new_page(ctx, &page, &form, errors);
            Ok(render(&view, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

/// `GET /areas/{id}/edit`
pub async fn edit_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "area")?;
    let d = ntm_app::areas::area_detail(&st.app, &ctx.actor(), id).await?;
    if !d.may_manage {
        return Err(ntm_app::AppError::Forbidden("edit the area".into()).into());
    }
    let form = AreaForm {
        unit_code: d.area.unit_code.clone(),
        code: d.area.code.clone(),
        crop: d.area.crop.clone(),
        hectares: {
            let h = d.area.hectares_x100;
            let sep = if ctx.is_lang("vi") { ',' } else { '.' };
            format!("{}{sep}{:02}", h / 100, h % 100)
        },
        geojson: d.area.geojson.clone(),
        owners: d.owners.iter().map(|p| p.id).collect(),
    };
    let page = edit_page(ctx, &d, &form, Vec::new());
    Ok(render(&page, StatusCode::OK))
}

/// `POST /areas/{id}/edit` (multipart)
pub async fn update(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "area")?;
    let form = read_form(&mut mp, String::new()).await?;
    match ntm_app::areas::edit_on_page(&st.app, &ctx.actor(), id, form.clone()).await? {
        Submitted::Done(a) => Ok(Redirect::to(&Urls::area_done(a.id, "saved")).into_response()),
        Submitted::Again { refusal, page } => {
            let errors = refusal
                .map(|e| refusal_lines(ctx.lang, &e))
                .unwrap_or_default();
            let view = edit_page(ctx, &page, &form, errors);
            Ok(render(&view, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}
