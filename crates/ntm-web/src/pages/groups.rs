//! Commune groups of 2026–2030 (`ntm_app::groups`): the province's communes with their
//! group and basis, one assignment at a time, and the XLSX round trip (template, upload →
//! preview with cell references, apply all or nothing).

use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::groups::xlsx::GroupsPreview;
use ntm_app::groups::{self, AssignInput, BasisInput};
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::{ErrorInfo, WebError, field_error_text};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::render;

#[derive(Debug, Clone)]
pub struct Row {
    pub code: String,
    pub name: String,
    pub group: Option<i32>,
    pub basis: String,
    pub by: String,
    pub history: usize,
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
}

#[derive(Template)]
#[template(path = "groups_preview.html")]
pub struct PreviewPage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub p: GroupsPreview,
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

async fn view(
    st: &AppState,
    ctx: &Ctx,
    code: &str,
    form: AssignForm,
    flash: Option<String>,
    error: Option<String>,
) -> Result<GroupsPage, WebError> {
    let lang = ctx.lang;
    let g = groups::list(&st.app, &ctx.actor(), code).await?;
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
    Ok(GroupsPage {
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
    })
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
    let page = view(&st, &ctx, &code, form, flash, None).await?;
    Ok(render(&page, StatusCode::OK))
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
    match groups::assign(&st.app, &ctx.actor(), &code, input).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("{}?flash=assigned", Urls::groups(&code))).into_response())
        }
        Err(e @ AppError::Validation(_)) => {
            let msg = errors_text(ctx.lang, &e);
            let page = view(&st, &ctx, &code, f, None, Some(msg)).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(e.into()),
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
    let result = match file {
        Some((name, bytes)) if !name.is_empty() && !bytes.is_empty() => {
            groups::xlsx::preview(&st.app, &ctx.actor(), &code, &name, bytes, ntm_app::now()).await
        }
        _ => Err(AppError::invalid("file", ctx.lang.t("groups-xlsx-file"))),
    };
    match result {
        Ok(p) => {
            let g = groups::list(&st.app, &ctx.actor(), &code).await?;
            let page = PreviewPage {
                code: g.province.code.clone(),
                name: g.province.name.clone(),
                p,
                ctx: ctx.clone(),
            };
            Ok(render(&page, StatusCode::OK))
        }
        Err(e @ AppError::Validation(_)) => {
            let msg = errors_text(ctx.lang, &e);
            let page = view(&st, &ctx, &code, AssignForm::default(), None, Some(msg)).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(e.into()),
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
    match groups::xlsx::apply(&st.app, &ctx.actor(), &code, &f.upload, ntm_app::now()).await {
        Ok(n) => Ok(
            Redirect::to(&format!("{}?flash=applied&n={n}", Urls::groups(&code))).into_response(),
        ),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let msg = errors_text(ctx.lang, &e);
            let page = view(&st, &ctx, &code, AssignForm::default(), None, Some(msg)).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(e.into()),
    }
}
