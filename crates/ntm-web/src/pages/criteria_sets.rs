//! Criteria sets of a province (or the national sets, for administrators): the list of
//! versions with their status, validity, who and when; the form creating a version (a copy,
//! or a provincial set from scratch); the YAML import; the YAML export of any version.
//! The editor of one version is in `criteria_editor`. Work is done by
//! `ntm_app::criteria_sets`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::criteria_sets::{self as cs, VersionView, message_in, versions};
use ntm_app::{AppError, FieldError};
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::{ErrorInfo, WebError};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::download::attachment;
use crate::view::render;

/// A scope in URLs: a province code or `national`.
pub(crate) fn scope_href(scope: &str) -> String {
    Urls::criteria_sets(scope)
}

pub struct VersionRow {
    pub href: String,
    pub set_id: String,
    pub label: String,
    pub title: String,
    pub status: String,
    pub published: bool,
    pub validity: String,
    pub created: String,
    pub updated: String,
    pub published_line: String,
    pub counts: String,
}

pub(crate) fn validity_text(lang: Lang, v: &VersionView) -> String {
    match v.valid_to {
        Some(t) => format!("{} – {}", lang.date(v.valid_from), lang.date(t)),
        None => lang.t1("cs-from", lang.date(v.valid_from)),
    }
}

pub(crate) fn status_text(lang: Lang, v: &VersionView) -> String {
    if v.is_published() {
        lang.t("cs-status-published")
    } else {
        lang.t("cs-status-draft")
    }
}

fn row(lang: Lang, v: &VersionView) -> VersionRow {
    VersionRow {
        href: Urls::criteria_version(v.id),
        set_id: v.set_id.clone(),
        label: v.label.clone(),
        title: v.title_vi.clone(),
        status: status_text(lang, v),
        published: v.is_published(),
        validity: validity_text(lang, v),
        created: format!("{} · {}", v.created_by, lang.date(v.created_at.date())),
        updated: format!("{} · {}", v.updated_by, lang.date(v.updated_at.date())),
        published_line: match (&v.published_by, v.published_at) {
            (Some(b), Some(t)) => format!("{b} · {}", lang.date(t.date())),
            _ => String::new(),
        },
        counts: lang.t_args(
            "cs-counts",
            &[
                ("criteria", (v.criteria as i64).into()),
                ("indicators", (v.indicators as i64).into()),
                ("confirmed", (v.confirmed_thresholds as i64).into()),
                ("thresholds", (v.thresholds as i64).into()),
            ],
        ),
    }
}

pub struct ShippedRow {
    pub set_id: String,
    pub version: String,
    pub title: String,
    pub validity: String,
    pub export: String,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// What the creation form holds (kept when refused).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub set_id: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub title_vi: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_to: String,
}

#[derive(Template)]
#[template(path = "criteria_sets.html")]
pub struct ListPage {
    pub ctx: Ctx,
    pub scope: String,
    pub scope_name: String,
    pub national: bool,
    pub can_manage: bool,
    pub versions: Vec<VersionRow>,
    pub shipped: Vec<ShippedRow>,
    pub sources: Vec<Choice>,
    pub form: CreateForm,
    pub import: CreateForm,
    pub errors: HashMap<String, String>,
    pub import_errors: HashMap<String, String>,
    pub general_errors: Vec<String>,
    pub flash: Option<String>,
}

impl ListPage {
    pub fn err(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }

    pub fn ierr(&self, field: &str) -> Option<&String> {
        self.import_errors.get(field)
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct ListParams {
    pub done: Option<String>,
}

/// Field → message in the page's language; messages without a known field go to `general`.
pub(crate) fn split_errors(
    lang: Lang,
    fields: &[FieldError],
    known: &[&str],
    general: &mut Vec<String>,
) -> HashMap<String, String> {
    let mut out: HashMap<String, String> = HashMap::new();
    for f in fields {
        let msg = message_in(&f.message, lang == Lang::En).to_string();
        if known.contains(&f.field.as_str()) {
            out.entry(f.field.clone())
                .and_modify(|m| {
                    m.push_str("; ");
                    m.push_str(&msg);
                })
                .or_insert(msg);
        } else {
            general.push(msg);
        }
    }
    out
}

async fn list_view(
    st: &AppState,
    ctx: &Ctx,
    scope: &str,
    form: CreateForm,
    import: CreateForm,
    err: Option<(bool, AppError)>,
    flash: Option<String>,
) -> Result<(ListPage, StatusCode), WebError> {
    let lang = ctx.lang;
    let cs::ScopePage {
        versions,
        can_manage,
        scope_name,
        shipped,
        national_set_ids: nationals,
    } = cs::scope_page(&st.app, &ctx.actor(), scope, ctx.today).await?;
    let national = scope == cs::NATIONAL;
    let scope_name = if national {
        lang.t("cs-national")
    } else {
        scope_name.unwrap_or_else(|| scope.to_string())
    };
    let shipped_rows: Vec<ShippedRow> = shipped
        .iter()
        .map(|s| ShippedRow {
            set_id: s.id.clone(),
            version: s.version.clone(),
            title: s.title_vi.clone(),
            validity: match s.in_force_until {
                Some(t) => format!("{} – {}", lang.date(s.valid_from), lang.date(t)),
                None => lang.t1("cs-from", lang.date(s.valid_from)),
            },
            export: Urls::shipped_yaml(&s.id, &s.version),
        })
        .collect();
    let mut sources: Vec<Choice> = Vec::new();
    if !national {
        for id in &nationals {
            sources.push(Choice {
                value: format!("scratch:{id}"),
                label: lang.t1("cs-source-scratch", id.as_str()),
                selected: form.source == format!("scratch:{id}"),
            });
        }
    } else {
        for s in &shipped {
            if nationals.contains(&s.id) {
                let v = format!("shipped:{}@{}", s.id, s.version);
                sources.push(Choice {
                    selected: form.source == v,
                    label: lang.t_args(
                        "cs-source-shipped",
                        &[
                            ("id", s.id.clone().into()),
                            ("version", s.version.clone().into()),
                        ],
                    ),
                    value: v,
                });
            }
        }
    }
    for v in &versions {
        let val = format!("version:{}", v.id);
        sources.push(Choice {
            selected: form.source == val,
            label: lang.t_args(
                "cs-source-version",
                &[
                    ("id", v.set_id.clone().into()),
                    ("version", v.label.clone().into()),
                ],
            ),
            value: val,
        });
    }
    let mut general = Vec::new();
    let (mut errors, mut import_errors) = (HashMap::new(), HashMap::new());
    let status = match err {
        None => StatusCode::OK,
        Some((is_import, e)) => {
            let st = match &e {
                AppError::Conflict(_) => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let fields = match e {
                AppError::Validation(f) => f,
                AppError::Conflict(m) => vec![FieldError::new("label", m)],
                other => return Err(other.into()),
            };
            let known = [
                "source",
                "set_id",
                "label",
                "title_vi",
                "valid_from",
                "valid_to",
                "extends",
                "file",
            ];
            if is_import {
                import_errors = split_errors(lang, &fields, &known, &mut general);
            } else {
                errors = split_errors(lang, &fields, &known, &mut general);
            }
            st
        }
    };
    Ok((
        ListPage {
            ctx: ctx.clone(),
            scope: scope.to_string(),
            scope_name,
            national,
            can_manage,
            versions: versions.iter().map(|v| row(lang, v)).collect(),
            shipped: shipped_rows,
            sources,
            form,
            import,
            errors,
            import_errors,
            general_errors: general,
            flash,
        },
        status,
    ))
}

fn flash_text(lang: Lang, done: Option<&str>) -> Option<String> {
    match done {
        Some("created") => Some(lang.t("cs-flash-created")),
        _ => None,
    }
}

/// The list of a scope's versions (a province, or [`cs::NATIONAL`]) with its flash.
async fn versions_page(
    st: &AppState,
    ctx: Ctx,
    scope: &str,
    p: ListParams,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let flash = flash_text(ctx.lang, p.done.as_deref());
    let (page, status) = list_view(
        st,
        &ctx,
        scope,
        CreateForm::default(),
        CreateForm::default(),
        None,
        flash,
    )
    .await?;
    Ok(render(&page, status))
}

/// `GET /units/{code}/criteria-sets`: the province's versions.
pub async fn province_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<ListParams>,
) -> Result<Response, WebError> {
    versions_page(&st, ctx, &code, p).await
}

/// `GET /criteria-sets/national`: the national versions (administrators edit them).
pub async fn national_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<ListParams>,
) -> Result<Response, WebError> {
    versions_page(&st, ctx, cs::NATIONAL, p).await
}

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
    };
    let result = match source {
        Err(()) => Err(AppError::invalid(
            "source",
            format!(
                "{}{}{}",
                Lang::Vi.t("cs-source-missing"),
                cs::LANG_SEP,
                Lang::En.t("cs-source-missing")
            ),
        )),
        Ok(source) => {
            let nv = versions::NewVersion {
                set_id: f.set_id.clone(),
                label: f.label.clone(),
                title_vi: f.title_vi.clone(),
                valid_from: f.valid_from.clone(),
                valid_to: f.valid_to.clone(),
            };
            versions::create_version(&st.app, &ctx.actor(), &scope, source, &nv).await
        }
    };
    match result {
        Ok(v) => Ok(Redirect::to(&Urls::criteria_version_done(v.id, "created")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (page, status) = list_view(
                &st,
                &ctx,
                &scope,
                f,
                CreateForm::default(),
                Some((false, e)),
                None,
            )
            .await?;
            Ok(render(&page, status))
        }
        Err(e) => Err(e.into()),
    }
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
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| WebError(ErrorInfo::from_status(e.status(), &e.body_text())))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let fname = field.file_name().unwrap_or_default().to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| WebError(ErrorInfo::from_status(e.status(), &e.body_text())))?;
            file = Some((fname, bytes.to_vec()));
        } else {
            let text = field
                .text()
                .await
                .map_err(|e| WebError(ErrorInfo::from_status(e.status(), &e.body_text())))?;
            fields.insert(name, text);
        }
    }
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let form = CreateForm {
        source: String::new(),
        set_id: String::new(),
        label: get("label"),
        title_vi: get("title_vi"),
        valid_from: get("valid_from"),
        valid_to: get("valid_to"),
    };
    let result = match file {
        Some((name, bytes)) if !bytes.is_empty() => match String::from_utf8(bytes) {
            Ok(text) => {
                versions::create_version(
                    &st.app,
                    &ctx.actor(),
                    &scope,
                    versions::Source::Yaml {
                        file_name: name,
                        text,
                    },
                    &versions::NewVersion {
                        set_id: String::new(),
                        label: form.label.clone(),
                        title_vi: form.title_vi.clone(),
                        valid_from: form.valid_from.clone(),
                        valid_to: form.valid_to.clone(),
                    },
                )
                .await
            }
            Err(_) => Err(AppError::invalid(
                "file",
                format!(
                    "{}{}{}",
                    Lang::Vi.t("cs-file-not-utf8"),
                    cs::LANG_SEP,
                    Lang::En.t("cs-file-not-utf8")
                ),
            )),
        },
        _ => Err(AppError::invalid(
            "file",
            format!(
                "{}{}{}",
                Lang::Vi.t("cs-file-missing"),
                cs::LANG_SEP,
                Lang::En.t("cs-file-missing")
            ),
        )),
    };
    match result {
        Ok(v) => Ok(Redirect::to(&Urls::criteria_version_done(v.id, "created")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (page, status) = list_view(
                &st,
                &ctx,
                &scope,
                CreateForm::default(),
                form,
                Some((true, e)),
                None,
            )
            .await?;
            Ok(render(&page, status))
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) fn yaml_response(file_name: &str, text: String) -> Response {
    attachment(text, "application/yaml; charset=utf-8", file_name)
}

/// `GET /criteria-sets/shipped/{id}/{version}/export.yaml`: a shipped file as it ships.
pub async fn shipped_yaml(
    State(st): State<AppState>,
    Path((id, version)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let (name, text) = ntm_app::criteria_sets::export::shipped_yaml(&st.app, &id, &version)?;
    Ok(yaml_response(&name, text))
}
