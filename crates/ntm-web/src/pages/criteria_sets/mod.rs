//! Criteria sets of a province (or the national sets, for administrators): the list of
//! versions with their status, validity, who and when, and the YAML export of a shipped set
//! ([`list`]); the form creating a version (a copy, or a provincial set from scratch) and
//! the YAML import ([`create`]). The editor of one version is in `criteria_editor`. Each
//! handler makes one call into `ntm_app::criteria_sets`; this module lays out what they
//! return.

pub mod create;
pub mod list;

use std::collections::HashMap;

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use ntm_app::criteria_sets::{self as cs, VersionView};
use ntm_app::{AppError, FieldError};
use ntm_domain::criteria::authoring::message_in;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::urls::Urls;
use crate::view::download::attachment;

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
    /// The province's page, the creation and import forms.
    pub unit_href: String,
    pub new_action: String,
    pub import_action: String,
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

/// The list page from what `ntm_app::criteria_sets::scope_page` returned (`err`: a refused
/// creation, `true` for the import form).
fn list_view(
    ctx: &Ctx,
    page: cs::ScopePage,
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
    } = page;
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
            unit_href: Urls::unit(scope),
            new_action: Urls::criteria_sets_new(scope),
            import_action: Urls::criteria_sets_import(scope),
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

pub(crate) fn yaml_response(file_name: &str, text: String) -> Response {
    attachment(text, "application/yaml; charset=utf-8", file_name)
}
