//! One criteria-set version: the draft editor (metadata, criteria, one indicator per form
//! with its thresholds by region or commune group and the legal basis of each value,
//! publish with confirmation) or, once published, the read-only view. Refusals are shown
//! next to their field with what was typed kept. Work is done by `ntm_app::criteria_sets`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::criteria_sets::{self as cs, VersionView, edit::Edit};
use ntm_app::{AppError, FieldError};
use ntm_domain::criteria::authoring::{
    AuthoredIndicator, AuthoredSet, AuthoredThreshold, BasisInput, IndicatorInput, MetaInput,
    ThresholdInput, base_threshold, threshold_text,
};
use ntm_domain::criteria::{CommuneGroup, Kind, ResolvedSet, ThresholdValue};
use ntm_domain::units::Region;
use serde::Deserialize;
use uuid::Uuid;

use super::criteria_sets::{
    Choice, scope_href, split_errors, status_text, validity_text, yaml_response,
};
use crate::ctx::Ctx;
use crate::error::{ErrorInfo, WebError};
use crate::i18n::Lang;
use crate::request::parse_id;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::render;

/// The threshold keys the form offers: the general value, then the commune groups (sets
/// from 2026) or the regions (2021–2025 sets), then any other key already in the version.
fn keys_for(content: &AuthoredSet, ind: Option<&AuthoredIndicator>) -> Vec<String> {
    let mut keys = vec!["general".to_string()];
    let groups = content.valid_from.year() >= 2026;
    if groups {
        keys.extend(CommuneGroup::ALL.iter().map(|g| g.code().to_string()));
    } else {
        keys.extend(Region::ALL.iter().map(|r| r.code().to_string()));
    }
    if let Some(i) = ind {
        for (k, _) in i.by_region.entries().chain(i.by_group.entries()) {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    keys
}

fn key_label(lang: Lang, key: &str) -> String {
    if key == "general" {
        lang.t("cs-key-general")
    } else if let Some(r) = Region::parse(key) {
        format!("{} ({})", r.name_vi(), r.code())
    } else if let Some(g) = CommuneGroup::parse(key) {
        lang.t1("cs-key-group", g.code().trim_start_matches("nhom-"))
    } else {
        key.to_string()
    }
}

fn value_input(v: &ThresholdValue) -> String {
    let n = |x: f64| {
        if x.fract() == 0.0 {
            format!("{}", x as i64)
        } else {
            format!("{x}").replace('.', ",")
        }
    };
    match v {
        ThresholdValue::Bool(true) => "Đạt".into(),
        ThresholdValue::Bool(false) => "Không".into(),
        ThresholdValue::Num(x) => n(*x),
        ThresholdValue::List(l) => l.iter().map(|x| n(*x)).collect::<Vec<_>>().join("; "),
    }
}

fn entry<'a>(i: &'a AuthoredIndicator, key: &str) -> Option<&'a AuthoredThreshold> {
    if key == "general" {
        return i.threshold.as_ref();
    }
    i.by_region
        .entries()
        .chain(i.by_group.entries())
        .find(|(k, _)| k.as_str() == key)
        .and_then(|(_, t)| t.as_ref())
}

fn basis_words(content: &AuthoredSet, t: &AuthoredThreshold) -> String {
    t.sources
        .iter()
        .filter_map(|id| content.sources.get(id))
        .map(|s| {
            let mut out = s.doc.clone().or_else(|| s.url.clone()).unwrap_or_default();
            if let Some(d) = s.date.as_deref().and_then(ntm_domain::text::parse_date) {
                out.push_str(&format!(" {}", ntm_domain::text::format_date_vi(d)));
            }
            for x in [&s.issuer, &s.article].into_iter().flatten() {
                out.push_str(", ");
                out.push_str(x);
            }
            out
        })
        .collect::<Vec<_>>()
        .join("; ")
}

// ---------------------------------------------------------------- version page

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

fn ind_row(lang: Lang, v: &VersionView, i: &AuthoredIndicator) -> IndRow {
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

fn national_text(base: &ResolvedSet, code: &str) -> String {
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

async fn version_view(
    st: &AppState,
    ctx: &Ctx,
    id: Uuid,
    meta: Option<MetaForm>,
    crit_form: Option<CritForm>,
    err: Option<AppError>,
    flash: Option<String>,
) -> Result<(VersionPage, StatusCode), WebError> {
    let lang = ctx.lang;
    let actor = ctx.actor();
    let v = cs::get_version(&st.app, &actor, id).await?;
    let can_edit = !v.is_published() && cs::can_manage(&st.app, &actor, &v.scope).await;
    let base = cs::base_set(&st.app, &v.content).await.ok().flatten();
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
            indicators: cr.indicators.iter().map(|i| ind_row(lang, &v, i)).collect(),
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
            back_href: scope_href(&v.scope),
            set_id: v.set_id.clone(),
            label: v.label.clone(),
            title: c.title_vi.clone(),
            status: status_text(lang, &v),
            published: v.is_published(),
            validity: validity_text(lang, &v),
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
                .map(|i| ind_row(lang, &v, i))
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
    let (page, status) = version_view(&st, &ctx, id, None, None, None, flash).await?;
    Ok(render(&page, status))
}

fn revision_of(s: &str) -> i64 {
    s.trim().parse().unwrap_or(-1)
}

async fn after_edit(
    st: &AppState,
    ctx: &Ctx,
    id: Uuid,
    result: Result<VersionView, AppError>,
    meta: Option<MetaForm>,
    crit: Option<CritForm>,
) -> Result<Response, WebError> {
    match result {
        Ok(_) => Ok(Redirect::to(&Urls::criteria_version_done(id, "saved")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let (page, status) = version_view(st, ctx, id, meta, crit, Some(e), None).await?;
            Ok(render(&page, status))
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /criteria-versions/{id}/meta`.
pub async fn post_meta(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<MetaForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "criteria version")?;
    let edit = Edit::Meta(MetaInput {
        version: f.version.clone(),
        title_vi: f.title_vi.clone(),
        valid_from: f.valid_from.clone(),
        valid_to: f.valid_to.clone(),
        completeness: f.completeness.clone(),
    });
    let r = cs::edit::edit_version(&st.app, &ctx.actor(), id, revision_of(&f.revision), edit).await;
    after_edit(&st, &ctx, id, r, Some(f), None).await
}

/// `POST /criteria-versions/{id}/criteria`: adds or renames a criterion of the version.
pub async fn post_criterion(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<CritForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "criteria version")?;
    let edit = Edit::Criterion {
        original: f.original.trim().parse().ok(),
        number: f.number.clone(),
        name_vi: f.name_vi.clone(),
        name_en: f.name_en.clone(),
    };
    let r = cs::edit::edit_version(&st.app, &ctx.actor(), id, revision_of(&f.revision), edit).await;
    after_edit(&st, &ctx, id, r, None, Some(f)).await
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    pub revision: String,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub code: String,
}

/// `POST /criteria-versions/{id}/remove`: removes a criterion (`number`) or an indicator
/// (`code`) of the draft.
pub async fn post_remove(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<RemoveForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "criteria version")?;
    let edit = if !f.code.trim().is_empty() {
        Edit::RemoveIndicator(f.code.trim().to_string())
    } else {
        Edit::RemoveCriterion(f.number.trim().parse().unwrap_or(0))
    };
    let r = cs::edit::edit_version(&st.app, &ctx.actor(), id, revision_of(&f.revision), edit).await;
    after_edit(&st, &ctx, id, r, None, None).await
}

// ---------------------------------------------------------------- indicator form

pub struct TRow {
    pub key: String,
    pub label: String,
    pub ops: Vec<Choice>,
    pub value: String,
    pub text: String,
    pub confirmed: bool,
    pub doc: String,
    pub date: String,
    pub issuer: String,
    pub article: String,
    pub national: String,
    pub err_value: Option<String>,
    pub err_basis: Option<String>,
}

#[derive(Template)]
#[template(path = "criteria_indicator.html")]
pub struct IndicatorPage {
    pub ctx: Ctx,
    pub id: Uuid,
    pub set_id: String,
    pub label: String,
    pub revision: i64,
    pub original: String,
    pub criterion: String,
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub unit: String,
    pub kinds: Vec<Choice>,
    pub inherited: bool,
    pub rows: Vec<TRow>,
    pub errors: HashMap<String, String>,
    pub general_errors: Vec<String>,
    pub back_href: String,
}

impl IndicatorPage {
    pub fn err(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

fn op_choices(selected: &str) -> Vec<Choice> {
    [">=", "<=", "==", "in"]
        .iter()
        .map(|o| Choice {
            value: o.to_string(),
            label: match *o {
                ">=" => "≥".into(),
                "<=" => "≤".into(),
                "==" => "=".into(),
                _ => "∈".into(),
            },
            selected: selected == *o,
        })
        .collect()
}

fn kind_choices(lang: Lang, selected: &str) -> Vec<Choice> {
    [
        Kind::Percent,
        Kind::Number,
        Kind::Count,
        Kind::Level,
        Kind::Boolean,
    ]
    .iter()
    .map(|k| Choice {
        value: k.as_str().to_string(),
        label: lang.t(&format!("cs-kind-{}", k.as_str())),
        selected: selected == k.as_str(),
    })
    .collect()
}

#[derive(Debug, Deserialize, Default)]
pub struct IndicatorParams {
    pub code: Option<String>,
    pub criterion: Option<String>,
}

/// What the indicator form holds, as typed.
#[derive(Debug, Default, Clone)]
struct Typed {
    fields: HashMap<String, String>,
}

impl Typed {
    fn get(&self, k: &str) -> String {
        self.fields.get(k).cloned().unwrap_or_default()
    }
}

async fn indicator_view(
    st: &AppState,
    ctx: &Ctx,
    id: Uuid,
    params: &IndicatorParams,
    typed: Option<&Typed>,
    err: Option<AppError>,
) -> Result<(IndicatorPage, StatusCode), WebError> {
    let lang = ctx.lang;
    let v = cs::get_version(&st.app, &ctx.actor(), id).await?;
    let base = cs::base_set(&st.app, &v.content).await.ok().flatten();
    let code = params.code.clone().unwrap_or_default();
    let own = v.content.indicator(&code);
    let base_ind = base
        .as_ref()
        .and_then(|b| b.indicator_index(&code).map(|i| b.indicator(i)));
    let inherited = base_ind.is_some();
    let criterion = match (own, params.criterion.as_ref()) {
        (Some((c, _)), _) => c.map(|n| n.to_string()).unwrap_or_default(),
        (None, Some(c)) => c.clone(),
        (None, None) => base
            .as_ref()
            .and_then(|b| {
                b.indicator_index(&code)
                    .and_then(|i| b.criterion_of(i))
                    .map(|k| b.criteria[k].number.to_string())
            })
            .unwrap_or_default(),
    };
    let ind: Option<AuthoredIndicator> = own.map(|(_, i)| i.clone()).or_else(|| {
        base.as_ref().and_then(|b| {
            let mut s = v.content.sources.clone();
            ntm_domain::criteria::authoring::inherited_indicator(b, &code, &mut s)
        })
    });
    let mut general = Vec::new();
    let mut errors = HashMap::new();
    let mut row_errors: HashMap<String, String> = HashMap::new();
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
            let typed_code = typed.map(|t| t.get("code")).unwrap_or_default();
            let prefix = format!("{}.", typed_code.trim());
            let mut rest = Vec::new();
            for f in fields {
                if let Some(r) = f.field.strip_prefix(&prefix) {
                    if r == "code" {
                        rest.push(FieldError::new("code", f.message));
                    } else {
                        row_errors.insert(
                            r.to_string(),
                            cs::message_in(&f.message, lang == Lang::En).to_string(),
                        );
                    }
                } else {
                    rest.push(f);
                }
            }
            errors = split_errors(
                lang,
                &rest,
                &["code", "criterion", "kind", "name_vi", "basis_file"],
                &mut general,
            );
            // Row errors without a row on the form (an unknown region or group).
            st
        }
    };
    let kind_sel = typed
        .map(|t| t.get("kind"))
        .or_else(|| ind.as_ref().map(|i| i.kind.as_str().to_string()))
        .unwrap_or_else(|| "percent".into());
    let mut rows = Vec::new();
    let keys = keys_for(&v.content, ind.as_ref());
    let mut all_keys = keys.clone();
    if let Some(t) = typed {
        for k in t.fields.keys() {
            if let Some(key) = k.strip_prefix("value_")
                && !all_keys.iter().any(|x| x == key)
            {
                all_keys.push(key.to_string());
            }
        }
    }
    for key in &all_keys {
        let stored = ind.as_ref().and_then(|i| entry(i, key));
        let (op, value, text, confirmed, doc, date, issuer, article) = match typed {
            Some(t) => (
                t.get(&format!("op_{key}")),
                t.get(&format!("value_{key}")),
                t.get(&format!("text_{key}")),
                !t.get(&format!("confirmed_{key}")).is_empty(),
                t.get(&format!("doc_{key}")),
                t.get(&format!("date_{key}")),
                t.get(&format!("issuer_{key}")),
                t.get(&format!("article_{key}")),
            ),
            None => match stored {
                Some(s) => {
                    let src = s
                        .sources
                        .iter()
                        .filter_map(|id| v.content.sources.get(id))
                        .find(|x| x.issuer.is_some() || x.article.is_some());
                    let i = ind.as_ref();
                    (
                        s.op.as_str().to_string(),
                        value_input(&s.value),
                        s.text.clone().unwrap_or_default(),
                        i.is_some_and(|i| s.confirmed(i)) && src.is_some(),
                        src.and_then(|x| x.doc.clone()).unwrap_or_default(),
                        src.and_then(|x| x.date.as_deref().and_then(ntm_domain::text::parse_date))
                            .map(|d| lang.date(d))
                            .unwrap_or_default(),
                        src.and_then(|x| x.issuer.clone()).unwrap_or_default(),
                        src.and_then(|x| x.article.clone()).unwrap_or_default(),
                    )
                }
                None => (
                    if kind_sel == "boolean" {
                        "==".into()
                    } else {
                        ">=".into()
                    },
                    String::new(),
                    String::new(),
                    false,
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ),
            },
        };
        let msg = |sub: &str| row_errors.get(&format!("{key}.{sub}")).cloned();
        let err_value = [msg("value"), msg("op"), msg("key")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>();
        let err_basis = [msg("basis_doc"), msg("basis_date")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>();
        rows.push(TRow {
            key: key.clone(),
            label: key_label(lang, key),
            ops: op_choices(&op),
            value,
            text,
            confirmed,
            doc,
            date,
            issuer,
            article,
            national: base_ind
                .and_then(|b| base_threshold(b, key))
                .map(|t| {
                    threshold_text(
                        t.op,
                        &t.value,
                        b_kind(base_ind),
                        base_ind.and_then(|b| b.unit.as_deref()),
                    )
                })
                .unwrap_or_default(),
            err_value: (!err_value.is_empty()).then(|| err_value.join("; ")),
            err_basis: (!err_basis.is_empty()).then(|| err_basis.join("; ")),
        });
    }
    let pick = |k: &str, stored: Option<String>| -> String {
        match typed {
            Some(t) => t.get(k),
            None => stored.unwrap_or_default(),
        }
    };
    Ok((
        IndicatorPage {
            ctx: ctx.clone(),
            id: v.id,
            set_id: v.set_id.clone(),
            label: v.label.clone(),
            revision: v.revision,
            original: if own.is_some() {
                code.clone()
            } else {
                String::new()
            },
            criterion: typed.map(|t| t.get("criterion")).unwrap_or(criterion),
            code: pick("code", Some(code.clone())),
            name_vi: pick("name_vi", ind.as_ref().and_then(|i| i.name_vi.clone())),
            name_en: pick("name_en", ind.as_ref().and_then(|i| i.name_en.clone())),
            unit: pick("unit", ind.as_ref().and_then(|i| i.unit.clone())),
            kinds: kind_choices(lang, &kind_sel),
            inherited,
            rows,
            errors,
            general_errors: general,
            back_href: Urls::criteria_version(v.id),
        },
        status,
    ))
}

fn b_kind(b: Option<&ntm_domain::criteria::Indicator>) -> Kind {
    b.map_or(Kind::Number, |b| b.kind)
}

/// `GET /criteria-versions/{id}/indicator?code=…&criterion=…`: the form of one indicator
/// (a new one, one of the version, or a national one to give the province's thresholds).
pub async fn indicator_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(p): Query<IndicatorParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "criteria version")?;
    let (page, status) = indicator_view(&st, &ctx, id, &p, None, None).await?;
    Ok(render(&page, status))
}

/// `POST /criteria-versions/{id}/indicator` (multipart: the fields of the form and, optionally,
/// `basis_file`, the PDF of the decision, attached to every basis typed in the form).
pub async fn post_indicator(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "criteria version")?;
    let mut typed = Typed::default();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| WebError(ErrorInfo::from_status(e.status(), &e.body_text())))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "basis_file" {
            let fname = field.file_name().unwrap_or_default().to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| WebError(ErrorInfo::from_status(e.status(), &e.body_text())))?;
            if !bytes.is_empty() {
                file = Some((fname, bytes.to_vec()));
            }
        } else {
            let text = field
                .text()
                .await
                .map_err(|e| WebError(ErrorInfo::from_status(e.status(), &e.body_text())))?;
            typed.fields.insert(name, text);
        }
    }
    let actor = ctx.actor();
    let mut stored_file = None;
    let mut result: Result<VersionView, AppError> = Ok(cs::get_version(&st.app, &actor, id).await?);
    if let Some((name, bytes)) = file {
        match cs::edit::store_basis_file(&st.app, &actor, id, &name, bytes).await {
            Ok(f) => stored_file = Some(f),
            Err(e) => result = Err(e),
        }
    }
    if result.is_ok() {
        let mut keys: Vec<String> = typed
            .fields
            .keys()
            .filter_map(|k| k.strip_prefix("value_").map(str::to_string))
            .collect();
        keys.sort();
        let thresholds = keys
            .iter()
            .map(|key| ThresholdInput {
                key: key.clone(),
                op: typed.get(&format!("op_{key}")),
                value: typed.get(&format!("value_{key}")),
                text: typed.get(&format!("text_{key}")),
                confirmed: !typed.get(&format!("confirmed_{key}")).is_empty(),
                basis: BasisInput {
                    doc: typed.get(&format!("doc_{key}")),
                    date: typed.get(&format!("date_{key}")),
                    issuer: typed.get(&format!("issuer_{key}")),
                    article: typed.get(&format!("article_{key}")),
                    file_sha256: stored_file.as_ref().map(|f| f.0.clone()),
                    file_name: stored_file.as_ref().map(|f| f.1.clone()),
                },
            })
            .collect();
        let original = typed.get("original");
        let input = IndicatorInput {
            original_code: (!original.trim().is_empty()).then(|| original.trim().to_string()),
            criterion: typed.get("criterion"),
            code: typed.get("code"),
            name_vi: typed.get("name_vi"),
            name_en: typed.get("name_en"),
            kind: typed.get("kind"),
            unit: typed.get("unit"),
            thresholds,
        };
        result = cs::edit::edit_version(
            &st.app,
            &actor,
            id,
            revision_of(&typed.get("revision")),
            Edit::Indicator(input),
        )
        .await;
    }
    match result {
        Ok(_) => Ok(Redirect::to(&Urls::criteria_version_done(id, "saved")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let params = IndicatorParams {
                code: Some(typed.get("original"))
                    .filter(|c| !c.trim().is_empty())
                    .or(Some(typed.get("code"))),
                criterion: Some(typed.get("criterion")),
            };
            let (page, status) =
                indicator_view(&st, &ctx, id, &params, Some(&typed), Some(e)).await?;
            Ok(render(&page, status))
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- publish, export, files

#[derive(Template)]
#[template(path = "criteria_publish.html")]
pub struct PublishPage {
    pub ctx: Ctx,
    pub id: Uuid,
    pub set_id: String,
    pub label: String,
    pub title: String,
    pub validity: String,
    pub extends: String,
    pub counts: String,
    pub revision: i64,
    pub errors: Vec<String>,
}

async fn publish_view(
    st: &AppState,
    ctx: &Ctx,
    id: Uuid,
    errors: Vec<String>,
) -> Result<PublishPage, WebError> {
    let lang = ctx.lang;
    let v = cs::get_version(&st.app, &ctx.actor(), id).await?;
    Ok(PublishPage {
        ctx: ctx.clone(),
        id: v.id,
        set_id: v.set_id.clone(),
        label: v.label.clone(),
        title: v.title_vi.clone(),
        validity: validity_text(lang, &v),
        extends: v.extends.clone().unwrap_or_default(),
        counts: lang.t_args(
            "cs-counts",
            &[
                ("criteria", (v.criteria as i64).into()),
                ("indicators", (v.indicators as i64).into()),
                ("confirmed", (v.confirmed_thresholds as i64).into()),
                ("thresholds", (v.thresholds as i64).into()),
            ],
        ),
        revision: v.revision,
        errors,
    })
}

/// `GET /criteria-versions/{id}/publish`: asks for confirmation.
pub async fn publish_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "criteria version")?;
    let page = publish_view(&st, &ctx, id, Vec::new()).await?;
    Ok(render(&page, StatusCode::OK))
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    pub revision: String,
}

/// `POST /criteria-versions/{id}/publish`.
pub async fn post_publish(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<PublishForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "criteria version")?;
    match cs::publish::publish_version(&st.app, &ctx.actor(), id, revision_of(&f.revision)).await {
        Ok(_) => Ok(Redirect::to(&Urls::criteria_version_done(id, "published")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            let status = if matches!(e, AppError::Conflict(_)) {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let en = ctx.lang == Lang::En;
            let errors = match e {
                AppError::Validation(f) => f
                    .iter()
                    .map(|x| cs::message_in(&x.message, en).to_string())
                    .collect(),
                AppError::Conflict(m) => vec![cs::message_in(&m, en).to_string()],
                _ => Vec::new(),
            };
            let page = publish_view(&st, &ctx, id, errors).await?;
            Ok(render(&page, status))
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /criteria-versions/{id}/export.yaml`.
pub async fn export_yaml(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "criteria version")?;
    let (name, text) = cs::export::version_yaml(&st.app, &ctx.actor(), id).await?;
    Ok(yaml_response(&name, text))
}

/// `GET /criteria-versions/{id}/files/{sha}`: the PDF of a decision cited as a basis.
pub async fn basis_file(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, sha)): Path<(String, String)>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "criteria version")?;
    let (name, bytes) = cs::edit::basis_file(&st.app, &ctx.actor(), id, &sha).await?;
    let mut res = (StatusCode::OK, bytes).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
