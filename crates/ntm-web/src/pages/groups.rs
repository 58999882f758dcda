//! Commune groups of 2026–2030 (`ntm_app::groups`): the province's communes with their
//! group and basis, one assignment at a time, and the XLSX round trip (template, upload →
//! preview with cell references, apply all or nothing).

use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::groups::xlsx::GroupsPreview;
use ntm_app::groups::{self, AssignInput, BasisInput, GroupsChange, ProvinceGroups};
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::{WebError, field_error_text};
use crate::i18n::Lang;
use crate::request::read_upload;
use crate::state::AppState;
use crate::urls::{GroupsPart, Urls};
use crate::view::render;

#[derive(Debug, Clone)]
pub struct Row {
    pub code: String,
    pub name: String,
    pub group: Option<i32>,
    pub basis: String,
    pub by: String,
    pub history: usize,
    /// The assignment form for this commune.
    pub assign_href: String,
}

#[derive(Debug, Clone)]
pub struct CommuneOption {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "groups.html")]
pub struct GroupsPage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub can_edit: bool,
    pub rows: Vec<Row>,
    pub without: usize,
    pub options: Vec<CommuneOption>,
    pub form: AssignForm,
    pub flash: Option<String>,
    pub error: Option<String>,
    /// The province's page, this page, the template and the upload form.
    pub unit_href: String,
    pub page_href: String,
    pub template_href: String,
    pub upload_action: String,
}

#[derive(Template)]
#[template(path = "groups_preview.html")]
pub struct PreviewPage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub p: GroupsPreview,
    /// The groups page and the form that applies the upload.
    pub page_href: String,
    pub apply_action: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    pub commune: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub doc: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub issuer: String,
    #[serde(default)]
    pub article: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Deserialize)]
pub struct PageParams {
    pub commune: Option<String>,
    pub flash: Option<String>,
    pub n: Option<i64>,
}

fn errors_text(lang: Lang, e: &AppError) -> String {
    match e {
        AppError::Validation(fs) => fs
            .iter()
            .map(|f| field_error_text(lang, f))
            .collect::<Vec<_>>()
            .join("; "),
        AppError::NotFound(m) | AppError::Conflict(m) => m.clone(),
        other => other.to_string(),
    }
}

/// The page from the province's groups (`ntm_app::groups::list`, or a refused change's).
fn view(
    ctx: &Ctx,
    g: &ProvinceGroups,
    form: AssignForm,
    flash: Option<String>,
    error: Option<String>,
) -> GroupsPage {
    let lang = ctx.lang;
    let without = g.without_group();
    let rows: Vec<Row> = g
        .communes
        .iter()
        .map(|c| Row {
            code: c.code.clone(),
            name: c.name.clone(),
            group: c.current.as_ref().map(|a| a.group),
            basis: c
                .current
                .as_ref()
                .map(|a| {
                    format!(
                        "{}, {}, {}, {}",
                        a.basis_doc,
                        a.basis_date_vi(),
                        a.basis_issuer,
                        a.basis_article
                    )
                })
                .unwrap_or_default(),
            by: c
                .current
                .as_ref()
                .map(|a| format!("{} · {}", a.by, lang.date(a.at.date())))
                .unwrap_or_default(),
            history: c.history.len(),
            assign_href: Urls::groups_assign(&g.province.code, &c.code),
        })
        .collect();
    let options = g
        .communes
        .iter()
        .map(|c| CommuneOption {
            selected: c.code == form.commune,
            label: format!("{} — {}", c.code, c.name),
            code: c.code.clone(),
        })
        .collect();
    let code = g.province.code.as_str();
    GroupsPage {
        unit_href: Urls::unit(code),
        page_href: Urls::groups(code),
        template_href: Urls::groups_part(code, GroupsPart::Template),
        upload_action: Urls::groups_part(code, GroupsPart::Upload),
        code: g.province.code.clone(),
        name: g.province.name.clone(),
        can_edit: g.can_edit,
        rows,
        without,
        options,
        form,
        flash,
        error,
        ctx: ctx.clone(),
    }
}

/// `GET /units/{code}/groups`
pub async fn page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<PageParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let lang = ctx.lang;
    let flash = match p.flash.as_deref() {
        Some("assigned") => Some(lang.t("groups-flash-assigned")),
        Some("applied") => Some(lang.t_count("groups-flash-applied", p.n.unwrap_or(0))),
        _ => None,
    };
    let form = AssignForm {
        commune: p.commune.unwrap_or_default(),
        ..AssignForm::default()
    };
    let g = groups::list(&st.app, &ctx.actor(), &code).await?;
    Ok(render(&view(&ctx, &g, form, flash, None), StatusCode::OK))
}

/// `POST /units/{code}/groups`: one commune.
pub async fn assign(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<AssignForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let input = AssignInput {
        commune_code: f.commune.clone(),
        group: f.group.clone(),
        basis: BasisInput {
            doc: f.doc.clone(),
            date: f.date.clone(),
            issuer: f.issuer.clone(),
            article: f.article.clone(),
        },
        note: f.note.clone(),
    };
    match groups::assign_on_page(&st.app, &ctx.actor(), &code, input).await? {
        GroupsChange::Done(()) => {
            Ok(Redirect::to(&Urls::groups_done(&code, "assigned", None)).into_response())
        }
        GroupsChange::Refused { error, groups } => {
            let msg = errors_text(ctx.lang, &error);
            let page = view(&ctx, &groups, f, None, Some(msg));
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

/// `GET /units/{code}/groups/template.xlsx`
pub async fn template(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let (name, bytes) = groups::xlsx::template(&st.app, &ctx.actor(), &code).await?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    let safe: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.'))
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// `POST /units/{code}/groups/upload` (multipart `file`): the preview; nothing written.
pub async fn upload(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let form = read_upload(&mut mp, &[]).await?;
    match groups::preview_on_page(
        &st.app,
        &ctx.actor(),
        &code,
        form.file,
        ctx.lang.t("groups-xlsx-file"),
    )
    .await?
    {
        GroupsChange::Done((p, g)) => {
            let page = PreviewPage {
                code: g.province.code.clone(),
                name: g.province.name.clone(),
                page_href: Urls::groups(&g.province.code),
                apply_action: Urls::groups_part(&g.province.code, GroupsPart::Apply),
                p,
                ctx: ctx.clone(),
            };
            Ok(render(&page, StatusCode::OK))
        }
        GroupsChange::Refused { error, groups } => {
            let msg = errors_text(ctx.lang, &error);
            let page = view(&ctx, &groups, AssignForm::default(), None, Some(msg));
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ApplyForm {
    #[serde(default)]
    pub upload: String,
}

/// `POST /units/{code}/groups/apply`: all or nothing.
pub async fn apply(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<ApplyForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    match groups::apply_on_page(&st.app, &ctx.actor(), &code, &f.upload).await? {
        GroupsChange::Done(n) => {
            Ok(Redirect::to(&Urls::groups_done(&code, "applied", Some(n))).into_response())
        }
        GroupsChange::Refused { error, groups } => {
            let msg = errors_text(ctx.lang, &error);
            let page = view(&ctx, &groups, AssignForm::default(), None, Some(msg));
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
    }
}
