//! The officers' posts (`PublishPortal` on the commune): `GET /units/{code}/portal` lists
//! them with the new-post editor; `POST /units/{code}/portal/posts` previews (server-side,
//! nothing written) or saves a new draft; `GET|POST /portal/edit/{id}` is a post's editor;
//! `POST /portal/edit/{id}/publish` publishes or unpublishes. A refusal shows the form again
//! with what was typed and why.

use askama::Template;
use axum::extract::{Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::portal::{self, Category, PostForm, Preview, Upload};
use serde::Deserialize;
use uuid::Uuid;

use super::category_label;
use crate::ctx::Ctx;
use crate::error::{ErrorKind, WebError};
use crate::request::{parse_id, read_upload};
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::format::date_time;
use crate::view::render;

/// What the editor shows in its fields.
#[derive(Debug, Clone, Default)]
pub struct EditorForm {
    pub title: String,
    pub body: String,
    pub category: String,
}

pub struct PreviewItem {
    pub title: String,
    pub category: String,
    /// Sanitized (ammonia).
    pub body: String,
}

pub struct ListItem {
    pub href: String,
    pub title: String,
    pub status: String,
    pub category: String,
    pub date: String,
}

fn categories(ctx: &Ctx) -> Vec<(String, String)> {
    Category::ALL
        .iter()
        .map(|c| (c.code().to_string(), category_label(ctx, c.code())))
        .collect()
}

/// A field's label on this form.
fn label(ctx: &Ctx, field: &str) -> String {
    let key = match field {
        "title" => "portal-title-label",
        "body" => "portal-body-label",
        "category" => "portal-category",
        "photos" => "portal-photos-label",
        "air_date" => "portal-air-date",
        "air_time" => "portal-air-time",
        "segments" => "portal-segments",
        "note" => "portal-held-note",
        other => return other.to_string(),
    };
    ctx.t(key)
}

/// The messages of a refusal, each with its field's label.
pub fn error_lines(ctx: &Ctx, e: &AppError) -> Vec<String> {
    match e {
        AppError::Validation(fs) => fs
            .iter()
            .map(|f| format!("{}: {}", label(ctx, &f.field), f.message))
            .collect(),
        AppError::Conflict(m) => vec![m.clone()],
        other => vec![other.to_string()],
    }
}

fn preview_item(ctx: &Ctx, p: Preview) -> PreviewItem {
    PreviewItem {
        title: p.title,
        category: category_label(ctx, p.category.code()),
        body: p.body_html,
    }
}

#[derive(Template)]
#[template(path = "portal_manage.html")]
pub struct ManageView {
    pub ctx: Ctx,
    pub heading: String,
    pub public_href: String,
    pub schedule_href: String,
    pub posts: Vec<ListItem>,
    pub form_action: String,
    pub version: Option<i64>,
    pub form: EditorForm,
    pub categories: Vec<(String, String)>,
    pub errors: Vec<String>,
    pub preview: Option<PreviewItem>,
}

async fn manage_view(
    st: &AppState,
    ctx: Ctx,
    code: &str,
    form: EditorForm,
    errors: Vec<String>,
    preview: Option<PreviewItem>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let list = portal::officer_posts(&st.app, &ctx.actor(), code).await?;
    let code = list.unit.code.clone();
    let posts = list
        .posts
        .iter()
        .map(|p| ListItem {
            href: Urls::portal_edit(p.id),
            title: p.title.clone(),
            status: ctx.t(if p.status == "published" {
                "portal-status-published"
            } else {
                "portal-status-draft"
            }),
            category: category_label(&ctx, &p.category),
            date: date_time(p.updated_at),
        })
        .collect();
    let v = ManageView {
        heading: ctx.t1("portal-manage-title", &list.unit.name),
        public_href: Urls::portal(&code, None),
        schedule_href: Urls::portal_schedule(&code, None),
        posts,
        form_action: Urls::portal_new_post(&code),
        version: None,
        form: EditorForm {
            category: if form.category.is_empty() {
                Category::TinTuc.code().into()
            } else {
                form.category
            },
            ..form
        },
        categories: categories(&ctx),
        errors,
        preview,
        ctx,
    };
    Ok(render(&v, status))
}

/// `GET /units/{code}/portal`.
pub async fn page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    manage_view(
        &st,
        ctx,
        &code,
        EditorForm::default(),
        Vec::new(),
        None,
        StatusCode::OK,
    )
    .await
}

/// The editor's multipart form, as typed.
struct Sent {
    form: EditorForm,
    action: String,
    version: Option<i64>,
    photos: Vec<Upload>,
}

/// Reads the editor's form; `None` when it is over the route's limit.
async fn read(mp: &mut Multipart) -> Result<Option<Sent>, WebError> {
    let f = match read_upload(mp, &["title", "body", "category", "action", "version"]).await {
        Ok(f) => f,
        Err(e) if e.kind() == ErrorKind::PayloadTooLarge => return Ok(None),
        Err(e) => return Err(e),
    };
    let text = |n: &str| f.field(n).unwrap_or_default().to_string();
    let mut photos: Vec<Upload> = f
        .earlier_files
        .iter()
        .map(|(name, bytes)| Upload {
            name: name.clone(),
            bytes: bytes.clone(),
        })
        .collect();
    if let Some((name, bytes)) = &f.file {
        photos.push(Upload {
            name: name.clone(),
            bytes: bytes.clone(),
        });
    }
    Ok(Some(Sent {
        form: EditorForm {
            title: text("title"),
            body: text("body"),
            category: text("category"),
        },
        action: text("action"),
        version: f.field("version").and_then(|v| v.trim().parse().ok()),
        photos,
    }))
}

fn too_large(ctx: &Ctx) -> Vec<String> {
    vec![ctx.t1(
        "portal-too-large",
        &(crate::state::portal_upload() / 1_048_576).to_string(),
    )]
}

fn post_form(s: &Sent) -> PostForm {
    PostForm {
        title: s.form.title.clone(),
        body: s.form.body.clone(),
        category: s.form.category.clone(),
        photos: s.photos.clone(),
    }
}

/// `POST /units/{code}/portal/posts`: preview or save a new draft.
pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let Some(sent) = read(&mut mp).await? else {
        let errors = too_large(&ctx);
        return manage_view(
            &st,
            ctx,
            &code,
            EditorForm::default(),
            errors,
            None,
            StatusCode::PAYLOAD_TOO_LARGE,
        )
        .await;
    };
    let actor = ctx.actor();
    if sent.action == "preview" {
        return match portal::preview_post(&st.app, &actor, &code, &post_form(&sent)).await {
            Ok(p) => {
                let p = preview_item(&ctx, p);
                manage_view(
                    &st,
                    ctx,
                    &code,
                    sent.form,
                    Vec::new(),
                    Some(p),
                    StatusCode::OK,
                )
                .await
            }
            Err(e @ AppError::Validation(_)) => {
                let errors = error_lines(&ctx, &e);
                manage_view(
                    &st,
                    ctx,
                    &code,
                    sent.form,
                    errors,
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
            Err(e) => Err(e.into()),
        };
    }
    match portal::new_post(&st.app, &actor, &code, post_form(&sent)).await {
        Ok(p) => Ok(Redirect::to(&Urls::portal_edit(p.id)).into_response()),
        Err(e @ AppError::Validation(_)) => {
            let errors = error_lines(&ctx, &e);
            manage_view(
                &st,
                ctx,
                &code,
                sent.form,
                errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "portal_edit.html")]
pub struct EditView {
    pub ctx: Ctx,
    pub heading: String,
    pub unit_name: String,
    pub back_href: String,
    pub public_href: String,
    pub published: bool,
    pub saved: bool,
    pub publish_action: String,
    pub current_version: i64,
    /// Each photo: its address and the action removing it.
    pub photos: Vec<(String, String)>,
    pub form_action: String,
    pub version: Option<i64>,
    pub form: EditorForm,
    pub categories: Vec<(String, String)>,
    pub errors: Vec<String>,
    pub preview: Option<PreviewItem>,
}

async fn edit_view(
    st: &AppState,
    ctx: Ctx,
    id: Uuid,
    typed: Option<(EditorForm, Option<i64>)>,
    errors: Vec<String>,
    preview: Option<PreviewItem>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let e = portal::post_editor(&st.app, &ctx.actor(), id).await?;
    let published = e.post.status == "published";
    let (form, version) = typed.unwrap_or_else(|| {
        (
            EditorForm {
                title: e.post.title.clone(),
                body: e.post.body.clone(),
                category: e.post.category.clone(),
            },
            Some(e.post.version),
        )
    });
    let v = EditView {
        heading: e.post.title.clone(),
        unit_name: e.unit.name.clone(),
        back_href: Urls::portal_manage(&e.unit.code),
        public_href: Urls::portal_post(&e.unit.code, id),
        published,
        saved: false,
        publish_action: Urls::portal_publish(id),
        current_version: e.post.version,
        photos: e
            .photos
            .iter()
            .map(|p| {
                (
                    Urls::portal_officer_photo(&e.unit.code, p.id),
                    Urls::portal_remove_photo(id, p.id),
                )
            })
            .collect(),
        form_action: Urls::portal_edit(id),
        version: version.or(Some(e.post.version)),
        form,
        categories: categories(&ctx),
        errors,
        preview,
        ctx,
    };
    Ok(render(&v, status))
}

/// `GET /portal/edit/{id}`.
pub async fn edit(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "post")?;
    edit_view(&st, ctx, id, None, Vec::new(), None, StatusCode::OK).await
}

/// `POST /portal/edit/{id}`: preview or save.
pub async fn save(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "post")?;
    let Some(sent) = read(&mut mp).await? else {
        let errors = too_large(&ctx);
        return edit_view(
            &st,
            ctx,
            id,
            None,
            errors,
            None,
            StatusCode::PAYLOAD_TOO_LARGE,
        )
        .await;
    };
    let actor = ctx.actor();
    let result = if sent.action == "preview" {
        let e = portal::post_editor(&st.app, &actor, id).await?;
        portal::preview_post(&st.app, &actor, &e.unit.code, &post_form(&sent))
            .await
            .map(Some)
    } else {
        let version = sent.version.unwrap_or(-1);
        portal::update_post(&st.app, &actor, id, version, post_form(&sent))
            .await
            .map(|_| None)
    };
    match result {
        Ok(None) => Ok(Redirect::to(&Urls::portal_edit(id)).into_response()),
        Ok(Some(p)) => {
            let p = preview_item(&ctx, p);
            let typed = Some((sent.form, sent.version));
            edit_view(&st, ctx, id, typed, Vec::new(), Some(p), StatusCode::OK).await
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let status = if matches!(e, AppError::Conflict(_)) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let errors = error_lines(&ctx, &e);
            let typed = Some((sent.form, sent.version));
            edit_view(&st, ctx, id, typed, errors, None, status).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct PublishForm {
    pub version: String,
    pub publish: String,
}

/// `POST /portal/edit/{id}/publish`.
pub async fn publish(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<PublishForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "post")?;
    let version = f.version.trim().parse().unwrap_or(-1);
    let publish = f.publish.trim() == "1";
    match portal::set_published(&st.app, &ctx.actor(), id, version, publish).await {
        Ok(_) => Ok(Redirect::to(&Urls::portal_edit(id)).into_response()),
        Err(e @ AppError::Conflict(_)) => {
            let errors = error_lines(&ctx, &e);
            edit_view(&st, ctx, id, None, errors, None, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /portal/edit/{id}/photos/{photo}/remove`: the photo leaves the post.
pub async fn remove_photo(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, photo)): Path<(String, String)>,
    Form(f): Form<VersionForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "post")?;
    let photo = parse_id(&photo, "photo")?;
    let version = f.version.trim().parse().unwrap_or(-1);
    match portal::remove_photo(&st.app, &ctx.actor(), id, photo, version).await {
        Ok(()) => Ok(Redirect::to(&Urls::portal_edit(id)).into_response()),
        Err(e @ AppError::Conflict(_)) => {
            let errors = error_lines(&ctx, &e);
            edit_view(&st, ctx, id, None, errors, None, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct VersionForm {
    pub version: String,
}

/// `GET /units/{code}/portal/photos/{id}`: a photo of a post, drafts included.
pub async fn photo(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((_code, id)): Path<(String, String)>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "photo")?;
    let f = portal::officer_photo(&st.app, &ctx.actor(), id).await?;
    Ok(super::photo_response(f, "private, no-store"))
}
