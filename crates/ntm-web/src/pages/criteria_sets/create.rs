//! `POST /criteria-sets/{scope}/new` and `…/import`: a new draft from a source or a YAML
//! file; a refusal shows the list again with the form as typed.

use axum::extract::{Form, Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::criteria_sets::{self as cs, CreatedOnPage, versions};
use ntm_domain::criteria::authoring::LANG_SEP;

use super::{CreateForm, list_view};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::request::read_upload;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::render;

/// `POST /criteria-sets/{scope}/new`: creates a draft and opens it.
pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(scope): Path<String>,
    Form(f): Form<CreateForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let source = match f.source.split_once(':') {
        Some(("scratch", id)) => Ok(versions::Source::Scratch {
            extends: id.to_string(),
        }),
        Some(("shipped", rest)) => match rest.split_once('@') {
            Some((id, v)) => Ok(versions::Source::Shipped {
                set_id: id.to_string(),
                version: v.to_string(),
            }),
            None => Err(()),
        },
        Some(("version", id)) => uuid::Uuid::parse_str(id)
            .map(versions::Source::Version)
            .map_err(|_| ()),
        _ => Err(()),
    }
    .map_err(|()| refusal("source", "cs-source-missing"));
    let nv = versions::NewVersion {
        set_id: f.set_id.clone(),
        label: f.label.clone(),
        title_vi: f.title_vi.clone(),
        valid_from: f.valid_from.clone(),
        valid_to: f.valid_to.clone(),
    };
    match cs::create_on_page(&st.app, &ctx.actor(), &scope, source, &nv, ctx.today).await? {
        CreatedOnPage::Created(v) => {
            Ok(Redirect::to(&Urls::criteria_version_done(v.id, "created")).into_response())
        }
        CreatedOnPage::Refused { error, page } => {
            let (page, status) = list_view(
                &ctx,
                page,
                &scope,
                f,
                CreateForm::default(),
                Some((false, error)),
                None,
            )?;
            Ok(render(&page, status))
        }
    }
}

/// A refusal of the form in both languages (`vi — en`), as the use cases word theirs.
fn refusal(field: &str, key: &str) -> AppError {
    AppError::invalid(
        field,
        format!("{}{}{}", Lang::Vi.t(key), LANG_SEP, Lang::En.t(key)),
    )
}

/// `POST /criteria-sets/{scope}/import` (multipart: `file`, `label`, dates): a YAML file as
/// a new draft.
pub async fn import(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(scope): Path<String>,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let upload = read_upload(&mut mp, &["label", "title_vi", "valid_from", "valid_to"]).await?;
    let get = |k: &str| upload.field(k).unwrap_or_default().to_string();
    let form = CreateForm {
        source: String::new(),
        set_id: String::new(),
        label: get("label"),
        title_vi: get("title_vi"),
        valid_from: get("valid_from"),
        valid_to: get("valid_to"),
    };
    let source = match upload.file {
        Some((name, bytes)) if !bytes.is_empty() => match String::from_utf8(bytes) {
            Ok(text) => Ok(versions::Source::Yaml {
                file_name: name,
                text,
            }),
            Err(_) => Err(refusal("file", "cs-file-not-utf8")),
        },
        _ => Err(refusal("file", "cs-file-missing")),
    };
    let nv = versions::NewVersion {
        set_id: String::new(),
        label: form.label.clone(),
        title_vi: form.title_vi.clone(),
        valid_from: form.valid_from.clone(),
        valid_to: form.valid_to.clone(),
    };
    match cs::create_on_page(&st.app, &ctx.actor(), &scope, source, &nv, ctx.today).await? {
        CreatedOnPage::Created(v) => {
            Ok(Redirect::to(&Urls::criteria_version_done(v.id, "created")).into_response())
        }
        CreatedOnPage::Refused { error, page } => {
            let (page, status) = list_view(
                &ctx,
                page,
                &scope,
                CreateForm::default(),
                form,
                Some((true, error)),
                None,
            )?;
            Ok(render(&page, status))
        }
    }
}
