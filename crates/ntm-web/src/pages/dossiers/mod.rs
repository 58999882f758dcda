//! Recognition dossier pages: the list of a unit's dossiers (with the form to open one), a
//! dossier with its procedure timeline, history, documents and the forms of the actions the
//! user may take; the notifications inbox; a province's procedure settings. Plain forms that
//! POST and redirect; refused actions come back on the same page with the reason next to the
//! form and what was typed kept. The work is done by `ntm_app::dossiers`.

use fluent_templates::fluent_bundle::FluentValue;
use ntm_app::AppError;
use ntm_app::dossiers as app_dossiers;
use ntm_app::procedure_settings as ps;
use ntm_domain::dossier::{
    ActionKind, Basis, DayUnit, DocumentKind, DossierState, LimitKind, StepKind, TimeLimit,
};

use crate::error::field_error_text;
use crate::i18n::Lang;

mod actions;
mod detail;
mod list;
mod notifications;
mod settings;

pub use actions::{act, download, upload};
pub use detail::detail_page;
pub use list::{DossierRow, create, list_page, row};
pub use notifications::{mark_read, notifications_page};
pub use settings::{settings_page, settings_post};

// ---------------------------------------------------------------- helpers

fn dash(s: &str) -> String {
    s.replace('_', "-")
}

fn state_label(lang: Lang, s: DossierState) -> String {
    lang.t(&format!("dossier-state-{}", dash(s.as_str())))
}

fn step_label(lang: Lang, s: StepKind) -> String {
    lang.t(&format!("dossier-step-{}", dash(s.as_str())))
}

fn action_label(lang: Lang, a: &str) -> String {
    lang.t(&format!("dossier-action-{}", dash(a)))
}

fn doc_label(lang: Lang, k: DocumentKind) -> String {
    lang.t(&format!(
        "dossier-doc-{}",
        dash(&app_dossiers::document_kind_str(k))
    ))
}

fn kind_label(lang: Lang, k: ntm_domain::dossier::DossierKind) -> String {
    lang.t(&format!("dossier-kind-{}", dash(&ps::kind_str(k))))
}

fn role_label(lang: Lang, r: ntm_domain::authz::Role) -> String {
    lang.t(&format!("role-{}", dash(r.as_str())))
}

fn action_kind_str(k: ActionKind) -> String {
    match serde_json::to_value(k) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn limit_text(lang: Lang, l: &TimeLimit) -> String {
    match l.days {
        None => lang.t("dossier-limit-unknown"),
        Some(n) => {
            let unit = match l.unit {
                DayUnit::WorkingDays => "dossier-limit-working",
                DayUnit::CalendarDays => "dossier-limit-calendar",
            };
            let key = match l.kind {
                LimitKind::Minimum => "dossier-limit-min",
                LimitKind::Maximum => "dossier-limit-max",
            };
            lang.t_args(
                key,
                &[(
                    "days",
                    FluentValue::from(lang.t_args(unit, &[("n", FluentValue::from(n))])),
                )],
            )
        }
    }
}

fn basis_text(lang: Lang, b: &Basis) -> (String, bool) {
    match b {
        Basis::Sourced { source } => (source.clone(), false),
        Basis::Unconfirmed { note } => (lang.t1("dossier-basis-unconfirmed", note.clone()), true),
        Basis::Unknown { note } => (lang.t1("dossier-basis-unknown", note.clone()), true),
        Basis::Configured { basis } => (lang.t1("dossier-basis-configured", basis.clone()), false),
    }
}

fn errors_text(lang: Lang, e: &AppError) -> String {
    match e {
        AppError::Validation(fs) => fs
            .iter()
            .map(|f| {
                if f.field == "action" {
                    f.message.clone()
                } else {
                    field_error_text(lang, f)
                }
            })
            .collect::<Vec<_>>()
            .join("; "),
        AppError::Conflict(_) => lang.t("dossier-conflict"),
        AppError::NotFound(m) => m.clone(),
        other => other.to_string(),
    }
}

/// Errors the page shows next to its form (the rest become error pages).
fn shown_on_page(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Validation(_) | AppError::Conflict(_) | AppError::NotFound(_)
    )
}

#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The addresses a dossier page links and posts to (built, never joined in templates).
#[derive(Debug, Clone, Default)]
pub struct DossierLinks {
    /// The unit's page.
    pub unit: String,
    /// The unit's dossiers (and the form opening one).
    pub list: String,
    /// The province's procedure settings (and their forms).
    pub settings: String,
    pub pdf: String,
    pub act: String,
    pub documents: String,
}

impl DossierLinks {
    /// The links of a unit's pages (`province`: its province, for the settings).
    fn of_unit(unit: &str, province: &str) -> DossierLinks {
        DossierLinks {
            unit: crate::urls::Urls::unit(unit),
            list: crate::urls::Urls::dossiers(unit),
            settings: crate::urls::Urls::procedure_settings(province),
            ..DossierLinks::default()
        }
    }

    /// The links of one dossier's page.
    fn of_dossier(id: uuid::Uuid, unit: &str, province: &str) -> DossierLinks {
        use crate::urls::Urls;
        DossierLinks {
            pdf: Urls::dossier_pdf(id),
            act: Urls::dossier_act(id),
            documents: Urls::dossier_documents(id),
            ..DossierLinks::of_unit(unit, province)
        }
    }
}
