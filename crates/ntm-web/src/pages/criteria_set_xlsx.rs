//! The Excel round trip of a whole criteria-set version: "Tải Excel" on any version,
//! "Nhập từ Excel" on drafts (upload form → preview of every change and bad cell, nothing
//! written → apply, all or nothing). The work is `ntm_app::criteria_sets::xlsx`.

use askama::Template;
use axum::extract::{Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use fluent_templates::fluent_bundle::FluentValue;
use ntm_app::criteria_sets::xlsx::{
    self as xlsx, ImportPreview, SetImportError, SetImportPreview, UploadSource,
};
use ntm_domain::criteria::authoring::table::{BadCell, Change, ChangeKind};
use serde::Deserialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::request::read_upload;
use crate::state::AppState;
use crate::urls::{Urls, VersionPart};
use crate::view::download::{XLSX, attachment};
use crate::view::format;
use crate::view::render;

fn xlsx_response(bytes: Vec<u8>, file_name: &str) -> Response {
    attachment(bytes, XLSX, file_name)
}

/// `GET /criteria-sets/shipped/{id}/{version}/export.xlsx`: a shipped version as a table.
pub async fn shipped_xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, version)): Path<(String, String)>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let (name, bytes) = xlsx::export_shipped(&st.app, &id, &version)?;
    Ok(xlsx_response(bytes, &name))
}

/// `GET /criteria-versions/{id}/export.xlsx`: an authored version (draft or published).
pub async fn version_xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let (name, bytes) = xlsx::export_version(&st.app, &ctx.actor(), id).await?;
    Ok(xlsx_response(bytes, &name))
}

/// The upload form, with the outcome of a refused upload or apply.
#[derive(Template)]
#[template(path = "criteria_set_xlsx_import.html")]
pub struct ImportPage {
    pub ctx: Ctx,
    pub id: String,
    pub version_href: String,
    pub export_href: String,
    pub errors: Vec<String>,
    pub bad: Vec<BadView>,
    /// Offer to preview the same file again (upload id).
    pub again: Option<String>,
    /// The upload form's address.
    pub import_action: String,
}

#[derive(Debug, Clone)]
pub struct BadView {
    pub cell: String,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct ChangeView {
    pub cell: String,
    pub code: String,
    pub name: String,
    pub what: String,
    pub from: String,
    pub to: String,
    pub removal: bool,
}

#[derive(Template)]
#[template(path = "criteria_set_xlsx_preview.html")]
pub struct PreviewPage {
    pub ctx: Ctx,
    pub id: String,
    pub version_href: String,
    pub upload_id: String,
    pub file_name: String,
    pub set_id: String,
    pub label: String,
    pub title: String,
    pub counts: String,
    pub changes: Vec<ChangeView>,
    pub bad: Vec<BadView>,
    pub can_apply: bool,
    pub expires: String,
    /// The forms that apply the upload and upload another file.
    pub apply_action: String,
    pub import_action: String,
}

fn args(lang: Lang, key: &str, list: &[(&str, String)]) -> String {
    let a: Vec<(&str, FluentValue<'static>)> =
        list.iter().map(|(k, v)| (*k, v.clone().into())).collect();
    lang.t_args(key, &a)
}

fn bad_views(lang: Lang, bad: &[BadCell]) -> Vec<BadView> {
    bad.iter()
        .map(|b| BadView {
            cell: if b.cell.is_empty() {
                "—".into()
            } else {
                b.cell.clone()
            },
            message: if lang == Lang::En {
                b.en.clone()
            } else {
                b.vi.clone()
            },
        })
        .collect()
}

fn change_view(lang: Lang, c: &Change) -> ChangeView {
    let what = match &c.what {
        ChangeKind::Added => lang.t("csx-change-added"),
        ChangeKind::Removed => lang.t("csx-change-removed"),
        ChangeKind::OverrideRemoved => lang.t("csx-change-override-removed"),
        ChangeKind::Criterion => lang.t("csx-change-criterion"),
        ChangeKind::NameVi => lang.t("csx-change-name-vi"),
        ChangeKind::NameEn => lang.t("csx-change-name-en"),
        ChangeKind::Kind => lang.t("csx-change-kind"),
        ChangeKind::Unit => lang.t("csx-change-unit"),
        ChangeKind::Threshold(k) if k == "general" => lang.t("csx-change-general"),
        ChangeKind::Threshold(k) => lang.t1("csx-change-threshold", k.clone()),
        ChangeKind::Basis => lang.t("csx-change-basis"),
    };
    let dash = |s: &str| {
        if s.is_empty() {
            "—".to_string()
        } else {
            s.to_string()
        }
    };
    ChangeView {
        cell: dash(&c.cell),
        code: c.code.clone(),
        name: c.name.clone(),
        what,
        from: dash(&c.from),
        to: dash(&c.to),
        removal: matches!(c.what, ChangeKind::Removed | ChangeKind::OverrideRemoved),
    }
}

fn time_text(lang: Lang, t: OffsetDateTime) -> String {
    match lang {
        Lang::Vi => format::time_date(t),
        Lang::En => format!("{} (UTC+7)", format::date_time(t)),
    }
}

fn preview_page(ctx: &Ctx, p: &SetImportPreview) -> PreviewPage {
    let lang = ctx.lang;
    PreviewPage {
        ctx: ctx.clone(),
        id: p.version_id.to_string(),
        version_href: Urls::criteria_version(p.version_id),
        apply_action: Urls::criteria_version_part(p.version_id, VersionPart::XlsxApply),
        import_action: Urls::criteria_version_part(p.version_id, VersionPart::XlsxImport),
        upload_id: p.upload_id.to_string(),
        file_name: p.file_name.clone(),
        set_id: p.set_id.clone(),
        label: p.label.clone(),
        title: p.title_vi.clone(),
        counts: args(
            lang,
            "csx-counts",
            &[
                ("rows", lang.int(p.rows as i64)),
                ("unchanged", lang.int(p.unchanged as i64)),
                ("changes", lang.int(p.changes.len() as i64)),
                ("bad", lang.int(p.bad.len() as i64)),
            ],
        ),
        changes: p.changes.iter().map(|c| change_view(lang, c)).collect(),
        bad: bad_views(lang, &p.bad),
        can_apply: p.bad.is_empty() && !p.changes.is_empty(),
        expires: time_text(lang, p.expires_at),
    }
}

fn import_page(ctx: &Ctx, id: Uuid) -> ImportPage {
    ImportPage {
        ctx: ctx.clone(),
        id: id.to_string(),
        version_href: Urls::criteria_version(id),
        export_href: Urls::criteria_version_xlsx(id),
        import_action: Urls::criteria_version_part(id, VersionPart::XlsxImport),
        errors: Vec::new(),
        bad: Vec::new(),
        again: None,
    }
}

/// `GET /criteria-versions/{id}/xlsx-import`: the upload form (drafts, editors only).
pub async fn import_form(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    // Only people who may edit the draft see the form (the same check as a preview).
    xlsx::can_import(&st.app, &ctx.actor(), id).await?;
    Ok(render(&import_page(&ctx, id), StatusCode::OK))
}

/// A refusal shown on the upload form.
fn refused(
    ctx: &Ctx,
    id: Uuid,
    e: SetImportError,
    upload: Option<&str>,
) -> Result<Response, WebError> {
    let lang = ctx.lang;
    let mut page = import_page(ctx, id);
    let (status, message) = match e {
        SetImportError::App(inner) => return Err(inner.into()),
        SetImportError::File { vi, en } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            if lang == Lang::En { en } else { vi },
        ),
        SetImportError::Unknown => (StatusCode::NOT_FOUND, lang.t("csx-error-unknown")),
        SetImportError::Expired { expired_at } => (
            StatusCode::GONE,
            lang.t1("csx-error-expired", time_text(lang, expired_at)),
        ),
        SetImportError::NotYours => (StatusCode::FORBIDDEN, lang.t("csx-error-not-yours")),
        SetImportError::OtherVersion => (StatusCode::CONFLICT, lang.t("csx-error-other-version")),
        SetImportError::AlreadyApplied(a) => (
            StatusCode::CONFLICT,
            lang.t1("csx-error-already", a.applied_by),
        ),
        SetImportError::Published { label } => {
            (StatusCode::CONFLICT, lang.t1("csx-error-published", label))
        }
        SetImportError::BadCells(b) => {
            page.bad = bad_views(lang, &b);
            page.again = upload.map(str::to_string);
            (StatusCode::UNPROCESSABLE_ENTITY, lang.t("csx-error-bad"))
        }
        SetImportError::Stale { by, at, .. } => {
            page.again = upload.map(str::to_string);
            (
                StatusCode::CONFLICT,
                args(
                    lang,
                    "csx-error-stale",
                    &[("by", by), ("at", time_text(lang, at))],
                ),
            )
        }
    };
    page.errors = vec![message];
    Ok(render(&page, status))
}

/// `POST /criteria-versions/{id}/xlsx-import` (multipart `file`, or `upload` to preview a
/// kept file again): the preview; nothing is written to the draft.
pub async fn import_preview(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let form = read_upload(&mut mp, &[]).await?;
    let source = match (form.file, form.upload) {
        (Some((name, bytes)), _) if !name.is_empty() => UploadSource::File { name, bytes },
        (_, Some(u)) if !u.trim().is_empty() => UploadSource::Staged(u),
        _ => UploadSource::Missing,
    };
    // With no file, the permission is checked first: a user who may not edit gets the same
    // refusal as with a file.
    match xlsx::import_preview(&st.app, &ctx.actor(), id, source).await {
        Ok(ImportPreview::Preview(p)) => Ok(render(&preview_page(&ctx, &p), StatusCode::OK)),
        Ok(ImportPreview::NoFile) => {
            let mut page = import_page(&ctx, id);
            page.errors = vec![ctx.t("csx-error-no-file")];
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => refused(&ctx, id, e, None),
    }
}

#[derive(Debug, Deserialize)]
pub struct ApplyForm {
    #[serde(default)]
    pub upload: String,
}

/// `POST /criteria-versions/{id}/xlsx-import/apply`: applies a previewed file, then goes back
/// to the version's page.
pub async fn import_apply(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    Form(f): Form<ApplyForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    match xlsx::import_apply(&st.app, &ctx.actor(), id, &f.upload).await {
        Ok(_) => Ok(Redirect::to(&Urls::criteria_version_done(id, "xlsx")).into_response()),
        Err(e) => refused(&ctx, id, e, Some(&f.upload)),
    }
}
