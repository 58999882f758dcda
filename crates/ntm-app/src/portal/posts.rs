//! News posts written by the commune's officers (`PublishPortal` on the commune): a new post
//! is a draft; the editor previews it (sanitized, nothing written), saves it on the version
//! it was opened at, publishes or unpublishes it. Every write is audited in its transaction;
//! bad input is refused with every problem at once and nothing written.

use ntm_domain::portal::{Category, MAX_BODY, PostStatus, check_title};
use ntm_domain::units::Unit;
use ntm_store::{PortalPhotoRecord, PortalPostFilter, PortalPostRecord};
use time::UtcOffset;
use uuid::Uuid;

use super::html::{plain_text, sanitize};
use super::photos::{self, Upload};
use super::{field, require_publish};
use crate::{Actor, App, AppError, FieldError, now};

/// What the editor's form sends.
#[derive(Debug, Clone, Default)]
pub struct PostForm {
    pub title: String,
    /// HTML or plain text, sanitized before it is stored or shown.
    pub body: String,
    /// A [`Category`] code.
    pub category: String,
    pub photos: Vec<Upload>,
}

/// A checked form: what would be stored.
#[derive(Debug, Clone)]
pub struct Preview {
    pub title: String,
    pub body_html: String,
    pub category: Category,
}

#[derive(Debug, Clone)]
pub struct OfficerPosts {
    pub unit: Unit,
    /// Drafts and published posts, last changed first.
    pub posts: Vec<PortalPostRecord>,
}

#[derive(Debug, Clone)]
pub struct PostEditor {
    pub unit: Unit,
    pub post: PortalPostRecord,
    pub photos: Vec<PortalPhotoRecord>,
}

fn check(form: &PostForm) -> (Option<Preview>, Vec<FieldError>) {
    let mut errors = Vec::new();
    let title = check_title(&form.title)
        .map_err(|e| errors.push(FieldError::new("title", e.message())))
        .ok();
    let body_html = sanitize(&form.body);
    if plain_text(&body_html).is_empty() {
        errors.push(field(
            "body",
            "Nội dung không được để trống",
            "the text is empty",
        ));
    } else if body_html.chars().count() > MAX_BODY {
        errors.push(field(
            "body",
            format!("Nội dung quá dài (tối đa {MAX_BODY} ký tự)"),
            format!("the text is too long (at most {MAX_BODY} characters)"),
        ));
    }
    let category = Category::parse(&form.category);
    if category.is_none() {
        errors.push(field(
            "category",
            "Chọn một chuyên mục trong danh sách",
            "choose a category from the list",
        ));
    }
    match (title, category) {
        (Some(title), Some(category)) if errors.is_empty() => (
            Some(Preview {
                title,
                body_html,
                category,
            }),
            errors,
        ),
        _ => (None, errors),
    }
}

/// Checks the form and the photos together (every problem at once).
fn check_all(
    form: PostForm,
    photos_already: usize,
) -> Result<(Preview, Vec<photos::Checked>), AppError> {
    let (preview, mut errors) = check(&form);
    let checked = photos::check(form.photos, photos_already)
        .map_err(|e| errors.push(e))
        .ok();
    match (preview, checked) {
        (Some(p), Some(c)) if errors.is_empty() => Ok((p, c)),
        _ => Err(AppError::Validation(errors)),
    }
}

/// The form checked and sanitized, as the page would show it; nothing is written.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code))]
pub async fn preview_post(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    form: &PostForm,
) -> Result<Preview, AppError> {
    require_publish(app, actor, unit_code).await?;
    let (preview, errors) = check(form);
    preview.ok_or(AppError::Validation(errors))
}

/// A new draft post of the commune.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code))]
pub async fn new_post(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    form: PostForm,
) -> Result<PortalPostRecord, AppError> {
    let unit = require_publish(app, actor, unit_code).await?;
    let (p, checked) = check_all(form, 0)?;
    let id = Uuid::now_v7();
    let photos = photos::store(app, id, checked).await?;
    let at = now();
    let post = PortalPostRecord {
        id,
        unit_code: unit.code.clone(),
        unit_path: unit.path.clone(),
        province_code: unit.province_code.clone(),
        title: p.title,
        body: p.body_html,
        category: p.category.code().into(),
        status: PostStatus::Draft.as_str().into(),
        published_at: None,
        published_on: None,
        author: actor.audit_name(),
        created_at: at,
        updated_at: at,
        version: 1,
    };
    let audit = actor.audit_entry(
        "portal.post.create",
        &id.to_string(),
        serde_json::json!({
            "unit": unit.code, "title": post.title, "category": post.category,
            "photos": photos.iter().map(|p| &p.sha256).collect::<Vec<_>>(),
        }),
    );
    app.db.insert_portal_post(&post, &photos, audit).await?;
    Ok(post)
}

async fn load(app: &App, actor: &Actor, id: Uuid) -> Result<(Unit, PortalPostRecord), AppError> {
    // The permission is checked on the post's commune; an unknown id says nothing more.
    super::require_some_publish(actor)?;
    let post = app
        .db
        .portal_post(id)
        .await?
        .ok_or_else(|| AppError::NotFound("post".into()))?;
    let unit = require_publish(app, actor, &post.unit_code).await?;
    Ok((unit, post))
}

/// The post and its photos, for its editor.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), post = %id))]
pub async fn post_editor(app: &App, actor: &Actor, id: Uuid) -> Result<PostEditor, AppError> {
    let (unit, post) = load(app, actor, id).await?;
    let photos = app.db.portal_post_photos(id).await?;
    Ok(PostEditor { unit, post, photos })
}

/// Removes a photo from the post, if the post is still at `expected_version`; the public
/// and officers' addresses of the photo answer 404 from then on (the stored file, named by
/// its content, stays in the data folder: another post may use the same picture).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), post = %id, photo = %photo))]
pub async fn remove_photo(
    app: &App,
    actor: &Actor,
    id: Uuid,
    photo: Uuid,
    expected_version: i64,
) -> Result<(), AppError> {
    let (unit, _post) = load(app, actor, id).await?;
    let p = app
        .db
        .portal_photo(photo)
        .await?
        .filter(|p| p.post_id == id)
        .ok_or_else(|| AppError::NotFound("photo".into()))?;
    let audit = actor.audit_entry(
        "portal.post.photo_removed",
        &id.to_string(),
        serde_json::json!({"unit": unit.code, "photo": photo, "sha256": p.sha256}),
    );
    app.db
        .delete_portal_photo(id, photo, expected_version, now(), audit)
        .await?;
    Ok(())
}

/// Saves the post's title, body, category and new photos, if it is still at
/// `expected_version` (else a conflict: someone saved it meanwhile).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), post = %id))]
pub async fn update_post(
    app: &App,
    actor: &Actor,
    id: Uuid,
    expected_version: i64,
    form: PostForm,
) -> Result<PortalPostRecord, AppError> {
    let (unit, post) = load(app, actor, id).await?;
    let already = app.db.portal_post_photos(id).await?.len();
    let (p, checked) = check_all(form, already)?;
    let photos = photos::store(app, id, checked).await?;
    let next = PortalPostRecord {
        title: p.title,
        body: p.body_html,
        category: p.category.code().into(),
        updated_at: now(),
        version: expected_version + 1,
        ..post
    };
    let audit = actor.audit_entry(
        "portal.post.update",
        &id.to_string(),
        serde_json::json!({
            "unit": unit.code, "title": next.title, "category": next.category,
            "photos": photos.iter().map(|p| &p.sha256).collect::<Vec<_>>(),
        }),
    );
    app.db
        .update_portal_post(&next, expected_version, &photos, audit)
        .await?;
    if next.published_at.is_some() {
        // A published post's category may have changed: the computed indicators follow.
        crate::measures::refresh_after_write(app, &unit.code).await;
    }
    Ok(next)
}

/// Publishes (the publication time is now, unless it was published before) or takes the
/// post back to a draft.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), post = %id))]
pub async fn set_published(
    app: &App,
    actor: &Actor,
    id: Uuid,
    expected_version: i64,
    publish: bool,
) -> Result<PortalPostRecord, AppError> {
    let (unit, post) = load(app, actor, id).await?;
    let at = now();
    let (published_at, published_on) = if publish {
        let t = post.published_at.unwrap_or(at);
        (
            Some(t),
            Some(
                t.to_offset(UtcOffset::from_hms(7, 0, 0).unwrap_or(UtcOffset::UTC))
                    .date(),
            ),
        )
    } else {
        (None, None)
    };
    let status = if publish {
        PostStatus::Published
    } else {
        PostStatus::Draft
    };
    let next = PortalPostRecord {
        status: status.as_str().into(),
        published_at,
        published_on,
        updated_at: at,
        version: expected_version + 1,
        ..post
    };
    let audit = actor.audit_entry(
        if publish {
            "portal.post.publish"
        } else {
            "portal.post.unpublish"
        },
        &id.to_string(),
        serde_json::json!({"unit": unit.code, "title": next.title, "category": next.category}),
    );
    app.db
        .update_portal_post(&next, expected_version, &[], audit)
        .await?;
    // The commune's indicators computed from its posts (`crate::measures`).
    crate::measures::refresh_after_write(app, &unit.code).await;
    Ok(next)
}

/// The commune's posts (drafts included) for its officers.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code))]
pub async fn officer_posts(
    app: &App,
    actor: &Actor,
    unit_code: &str,
) -> Result<OfficerPosts, AppError> {
    let unit = require_publish(app, actor, unit_code).await?;
    let posts = app
        .db
        .portal_posts(&PortalPostFilter {
            unit_code: Some(unit.code.clone()),
            limit: 200,
            ..PortalPostFilter::default()
        })
        .await?;
    Ok(OfficerPosts { unit, posts })
}
