//! `GET /criteria-versions/{id}`: the version page (criteria, indicators, forms).

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::pages::criteria_editor::VersionLinks;
use crate::pages::criteria_editor::basis_words;
use crate::pages::criteria_editor::entry;
use crate::pages::criteria_editor::key_label;
use crate::pages::criteria_editor::keys_for;
use crate::pages::criteria_sets::Choice;
use crate::pages::criteria_sets::scope_href;
use crate::pages::criteria_sets::split_errors;
use crate::pages::criteria_sets::status_text;
use crate::pages::criteria_sets::validity_text;
use crate::request::parse_id;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::render;
use askama::Template;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ntm_app::AppError;
use ntm_app::FieldError;
use ntm_app::criteria_sets as cs;
use ntm_app::criteria_sets::VersionView;
use ntm_domain::criteria::CommuneGroup;
use ntm_domain::criteria::ResolvedSet;
use ntm_domain::criteria::authoring::AuthoredIndicator;
use ntm_domain::criteria::authoring::base_threshold;
use ntm_domain::criteria::authoring::threshold_text;
use ntm_domain::units::Region;
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

pub struct ThView {
    pub label: String,
    pub text: String,
    pub confirmed: bool,
    pub basis: String,
    pub file_href: Option<String>,
}

pub struct IndRow {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub inherited: bool,
    pub thresholds: Vec<ThView>,
    pub edit_href: String,
}

pub struct BaseRow {
    pub code: String,
    pub name: String,
    pub national: String,
    pub href: String,
}

pub struct CritBlock {
    pub number: u16,
    pub name: String,
    pub inherited: bool,
    pub indicators: Vec<IndRow>,
    pub base: Vec<BaseRow>,
    pub add_href: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MetaForm {
    #[serde(default)]
    pub revision: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub title_vi: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_to: String,
    #[serde(default)]
    pub completeness: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CritForm {
    #[serde(default)]
    pub revision: String,
    #[serde(default)]
    pub original: String,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub name_vi: String,
    #[serde(default)]
    pub name_en: String,
}

#[derive(Template)]
#[template(path = "criteria_version.html")]
pub struct VersionPage {
    pub ctx: Ctx,
    pub id: Uuid,
    pub links: VersionLinks,
    pub back_href: String,
    pub set_id: String,
    pub label: String,
    pub title: String,
    pub status: String,
    pub published: bool,
    pub validity: String,
    pub extends: String,
    pub origin: String,
    pub created: String,
    pub updated: String,
    pub published_line: String,
    pub revision: i64,
    pub can_edit: bool,
    pub meta: MetaForm,
    pub completeness: Vec<Choice>,
    pub crit_form: CritForm,
    pub criteria: Vec<CritBlock>,
    pub preconditions: Vec<IndRow>,
    pub errors: HashMap<String, String>,
    pub general_errors: Vec<String>,
    pub flash: Option<String>,
}

impl VersionPage {
    pub fn err(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

pub(super) fn ind_row(lang: Lang, v: &VersionView, i: &AuthoredIndicator) -> IndRow {
    let mut thresholds = Vec::new();
    for key in keys_for(&v.content, Some(i)) {
        if let Some(t) = entry(i, &key) {
            let sha = t
                .sources
                .iter()
                .filter_map(|id| v.content.sources.get(id))
                .find_map(|s| s.file_sha256.clone());
            thresholds.push(ThView {
                label: key_label(lang, &key),
                text: threshold_text(t.op, &t.value, i.kind, i.unit.as_deref()),
                confirmed: t.confirmed(i),
                basis: basis_words(&v.content, t),
                file_href: sha.map(|s| Urls::criteria_basis_file(v.id, &s)),
            });
        }
    }
    IndRow {
        code: i.code.clone(),
        name: i.name_vi.clone().unwrap_or_default(),
        kind: lang.t(&format!("cs-kind-{}", i.kind.as_str())),
        inherited: i.inherited,
        thresholds,
        edit_href: Urls::criteria_indicator(v.id, &i.code),
    }
}

pub(super) fn national_text(base: &ResolvedSet, code: &str) -> String {
    let Some(idx) = base.indicator_index(code) else {
        return String::new();
    };
    let b = base.indicator(idx);
    let mut parts = Vec::new();
    for key in std::iter::once("general".to_string())
        .chain(Region::ALL.iter().map(|r| r.code().to_string()))
        .chain(CommuneGroup::ALL.iter().map(|g| g.code().to_string()))
    {
        if let Some(t) = base_threshold(b, &key) {
            let k = if key == "general" {
                String::new()
            } else {
                format!("{key}: ")
            };
            parts.push(format!(
                "{k}{}",
                threshold_text(t.op, &t.value, b.kind, b.unit.as_deref())
            ));
        }
    }
    parts.join(" · ")
}

/// The editor's page from what `ntm_app::criteria_sets::version_page` returned.
pub(super) fn version_view(
    ctx: &Ctx,
    data: &cs::VersionPage,
    meta: Option<MetaForm>,
    crit_form: Option<CritForm>,
    err: Option<AppError>,
    flash: Option<String>,
) -> Result<(VersionPage, StatusCode), WebError> {
    let lang = ctx.lang;
    let v = &data.version;
    let can_edit = data.can_edit;
    let base = &data.base;
    let c = &v.content;
    let mut criteria = Vec::new();
    for cr in &c.criteria {
        let mut base_rows = Vec::new();
        if cr.inherited
            && let Some(b) = &base
            && let Some(bc) = b.criteria.iter().find(|x| x.number == cr.number)
        {
            for bi in &b.indicators[bc.first..bc.first + bc.len] {
                if cr.indicators.iter().any(|i| i.code == bi.code) {
                    continue;
                }
                base_rows.push(BaseRow {
                    code: bi.code.clone(),
                    name: bi.name_vi.clone().unwrap_or_default(),
                    national: national_text(b, &bi.code),
                    href: Urls::criteria_indicator(v.id, &bi.code),
                });
            }
        }
        criteria.push(CritBlock {
            number: cr.number,
            name: cr.name_vi.clone(),
            inherited: cr.inherited,
            indicators: cr.indicators.iter().map(|i| ind_row(lang, v, i)).collect(),
            base: base_rows,
            add_href: Urls::criteria_indicator_new(v.id, cr.number),
        });
    }
    let mut general = Vec::new();
    let mut errors = HashMap::new();
    let status = match err {
        None => StatusCode::OK,
        Some(e) => {
            let st = if matches!(e, AppError::Conflict(_)) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let fields = match e {
                AppError::Validation(f) => f,
                AppError::Conflict(m) => vec![FieldError::new("version-status", m)],
                other => return Err(other.into()),
            };
            errors = split_errors(
                lang,
                &fields,
                &[
                    "version",
                    "title_vi",
                    "valid_from",
                    "valid_to",
                    "completeness",
                    "number",
                    "name_vi",
                ],
                &mut general,
            );
            st
        }
    };
    let meta = meta.unwrap_or_else(|| MetaForm {
        revision: v.revision.to_string(),
        version: v.label.clone(),
        title_vi: c.title_vi.clone(),
        valid_from: lang.date(c.valid_from),
        valid_to: c.valid_to.map(|d| lang.date(d)).unwrap_or_default(),
        completeness: c.completeness.as_str().to_string(),
    });
    let completeness = ntm_domain::criteria::Completeness::ALL
        .iter()
        .map(|x| Choice {
            value: x.as_str().to_string(),
            label: lang.t(&format!("cs-completeness-{}", x.as_str().replace('_', "-"))),
            selected: meta.completeness == x.as_str(),
        })
        .collect();
    Ok((
        VersionPage {
            ctx: ctx.clone(),
            id: v.id,
            links: VersionLinks::of(v.id),
            back_href: scope_href(&v.scope),
            set_id: v.set_id.clone(),
            label: v.label.clone(),
            title: c.title_vi.clone(),
            status: status_text(lang, v),
            published: v.is_published(),
            validity: validity_text(lang, v),
            extends: v.extends.clone().unwrap_or_default(),
            origin: v.origin.clone(),
            created: format!("{} · {}", v.created_by, lang.date(v.created_at.date())),
            updated: format!("{} · {}", v.updated_by, lang.date(v.updated_at.date())),
            published_line: match (&v.published_by, v.published_at) {
                (Some(b), Some(t)) => format!("{b} · {}", lang.date(t.date())),
                _ => String::new(),
            },
            revision: v.revision,
            can_edit,
            meta,
            completeness,
            crit_form: crit_form.unwrap_or_default(),
            preconditions: c
                .preconditions
                .iter()
                .map(|i| ind_row(lang, v, i))
                .collect(),
            criteria,
            errors,
            general_errors: general,
            flash,
        },
        status,
    ))
}

#[derive(Debug, Deserialize, Default)]
pub struct DoneParams {
    pub done: Option<String>,
}

/// `GET /criteria-versions/{id}`: the editor of a draft, or the read-only view.
pub async fn version_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(p): Query<DoneParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "criteria version")?;
    let flash = p
        .done
        .as_deref()
        .filter(|d| ["created", "saved", "published", "xlsx"].contains(d))
        .map(|d| match d {
            // After an Excel import (`criteria_set_xlsx`).
            "xlsx" => ctx.t("csx-flash-applied"),
            d => ctx.t(&format!("cs-flash-{d}")),
        });
    let data = cs::version_page(&st.app, &ctx.actor(), id).await?;
    let (page, status) = version_view(&ctx, &data, None, None, None, flash)?;
    Ok(render(&page, status))
}
