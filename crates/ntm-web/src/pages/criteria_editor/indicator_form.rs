//! The form of one indicator (thresholds per key, basis, kind).

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::pages::criteria_editor::VersionLinks;
use crate::pages::criteria_editor::entry;
use crate::pages::criteria_editor::key_label;
use crate::pages::criteria_editor::keys_for;
use crate::pages::criteria_editor::value_input;
use crate::pages::criteria_sets::Choice;
use crate::pages::criteria_sets::split_errors;
use crate::urls::Urls;
use askama::Template;
use axum::http::StatusCode;
use ntm_app::AppError;
use ntm_app::FieldError;
use ntm_app::criteria_sets as cs;
use ntm_domain::criteria::Kind;
use ntm_domain::criteria::authoring::AuthoredIndicator;
use ntm_domain::criteria::authoring::base_threshold;
use ntm_domain::criteria::authoring::message_in;
use ntm_domain::criteria::authoring::threshold_text;
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

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
    pub links: VersionLinks,
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
    /// The platform measures the value may be computed from (first: typed by officers).
    pub computed: Vec<Choice>,
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

pub(super) fn op_choices(selected: &str) -> Vec<Choice> {
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

/// The measures an indicator may be computed from, `selected` chosen; first "typed".
pub(super) fn computed_choices(lang: Lang, selected: &str) -> Vec<Choice> {
    let typed = Choice {
        value: String::new(),
        label: lang.t("cs-computed-typed"),
        selected: selected.trim().is_empty(),
    };
    std::iter::once(typed)
        .chain(
            ntm_domain::measures::MeasureKey::ALL
                .iter()
                .map(|k| Choice {
                    value: k.as_str().to_string(),
                    label: match lang {
                        Lang::En => k.name_en().to_string(),
                        _ => k.name_vi().to_string(),
                    },
                    selected: selected.trim() == k.as_str(),
                }),
        )
        .collect()
}

pub(super) fn kind_choices(lang: Lang, selected: &str) -> Vec<Choice> {
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
pub(super) struct Typed {
    pub(super) fields: HashMap<String, String>,
}

impl Typed {
    pub(super) fn get(&self, k: &str) -> String {
        self.fields.get(k).cloned().unwrap_or_default()
    }
}

/// The indicator form from what `ntm_app::criteria_sets::version_page` returned.
pub(super) fn indicator_view(
    ctx: &Ctx,
    data: &cs::VersionPage,
    params: &IndicatorParams,
    typed: Option<&Typed>,
    err: Option<AppError>,
) -> Result<(IndicatorPage, StatusCode), WebError> {
    let lang = ctx.lang;
    let v = &data.version;
    let base = &data.base;
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
                            message_in(&f.message, lang == Lang::En).to_string(),
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
            links: VersionLinks::of(v.id),
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
            computed: computed_choices(
                lang,
                &pick(
                    "computed_from",
                    ind.as_ref()
                        .and_then(|i| i.computed_from.map(|k| k.as_str().to_string())),
                ),
            ),
            inherited,
            rows,
            errors,
            general_errors: general,
            back_href: Urls::criteria_version(v.id),
        },
        status,
    ))
}

pub(super) fn b_kind(b: Option<&ntm_domain::criteria::Indicator>) -> Kind {
    b.map_or(Kind::Number, |b| b.kind)
}
