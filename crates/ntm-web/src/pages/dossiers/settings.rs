//! A province's procedure settings: holidays, time limits, thresholds, coverage.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use fluent_templates::fluent_bundle::FluentValue;
use ntm_app::AppError;
use ntm_app::dossiers::{self as app_dossiers, SettingChange, SettingsPage as SettingsData};
use ntm_app::page::Submitted;
use ntm_app::procedure_settings::{self as ps, SettingInput};
use ntm_domain::dossier::{DayUnit, StepKind};
use ntm_domain::units::Level;
use serde::Deserialize;

use super::{Choice, errors_text, kind_label, step_label};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::format::date_time;
use crate::view::render;

#[derive(Debug, Clone)]
pub struct SettingRow {
    pub kind: String,
    pub key: String,
    pub what: String,
    pub value: String,
    pub basis: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "dossier_settings.html")]
pub struct SettingsPage {
    pub ctx: Ctx,
    pub name: String,
    pub can_edit: bool,
    pub holidays: Vec<SettingRow>,
    pub limits: Vec<SettingRow>,
    pub thresholds: Vec<SettingRow>,
    /// Minimum shares of households surveyed (survey-contents).
    pub coverages: Vec<SettingRow>,
    /// Four-eyes verification of values (at most one row: on).
    pub four_eyes: Vec<SettingRow>,
    pub kinds: Vec<Choice>,
    pub steps: Vec<Choice>,
    pub error: Option<String>,
    pub form: SettingsForm,
    /// The province's page, and its settings page (where the forms post).
    pub links: SettingsLinks,
}

#[derive(Debug, Clone)]
pub struct SettingsLinks {
    pub unit: String,
    pub form: String,
}

fn settings_view(
    ctx: &Ctx,
    data: SettingsData,
    error: Option<String>,
    form: SettingsForm,
) -> Result<SettingsPage, WebError> {
    let lang = ctx.lang;
    let SettingsData {
        province: u,
        settings: s,
        can_edit,
    } = data;
    let mut holidays = Vec::new();
    let mut limits = Vec::new();
    let mut thresholds = Vec::new();
    let mut coverages = Vec::new();
    let mut four_eyes = Vec::new();
    for r in &s.rows {
        let mut row = SettingRow {
            kind: r.kind.clone(),
            key: r.key.clone(),
            what: String::new(),
            value: r.value.clone(),
            basis: r.basis.clone(),
            by: format!("{} · {}", r.updated_by, date_time(r.updated_at)),
        };
        match r.kind.as_str() {
            ps::HOLIDAY => {
                row.what = ntm_domain::text::parse_date(&r.key)
                    .map(|d| lang.date(d))
                    .unwrap_or_else(|| r.key.clone());
                holidays.push(row);
            }
            ps::TIME_LIMIT => {
                if let Some((k, stp)) = r.key.split_once('/') {
                    let kl = ps::parse_kind(k)
                        .map(|k| kind_label(lang, k))
                        .unwrap_or_default();
                    let sl = ps::parse_step(stp)
                        .map(|s| step_label(lang, s))
                        .unwrap_or_default();
                    row.what = format!("{kl} — {sl}");
                }
                if let Some((days, unit)) = ps::parse_limit(&r.value) {
                    let key = match unit {
                        DayUnit::WorkingDays => "dossier-limit-working",
                        DayUnit::CalendarDays => "dossier-limit-calendar",
                    };
                    row.value = lang.t_args(key, &[("n", FluentValue::from(days))]);
                }
                limits.push(row);
            }
            ps::FOUR_EYES => {
                row.what = lang.t("four-eyes-on");
                row.value = String::new();
                four_eyes.push(row);
            }
            ps::COVERAGE => {
                row.what = ps::parse_kind(&r.key)
                    .map(|k| kind_label(lang, k))
                    .unwrap_or_default();
                row.value = format!("{} %", r.value);
                coverages.push(row);
            }
            _ => {
                row.what = ps::parse_kind(&r.key)
                    .map(|k| kind_label(lang, k))
                    .unwrap_or_default();
                row.value = format!("{} %", r.value);
                thresholds.push(row);
            }
        }
    }
    let kinds = ps::kinds_for(Level::Commune)
        .into_iter()
        .chain(ps::kinds_for(Level::District))
        .map(|k| Choice {
            value: ps::kind_str(k),
            label: kind_label(lang, k),
            selected: ps::kind_str(k) == form.kind,
        })
        .collect();
    let steps = [
        StepKind::Preparation,
        StepKind::PublicPosting,
        StepKind::Submission,
        StepKind::Review,
        StepKind::Appraisal,
        StepKind::Decision,
        StepKind::Publication,
    ]
    .into_iter()
    .map(|s| Choice {
        value: s.as_str().to_owned(),
        label: step_label(lang, s),
        selected: s.as_str() == form.step,
    })
    .collect();
    Ok(SettingsPage {
        name: u.name.clone(),
        can_edit,
        holidays,
        limits,
        thresholds,
        coverages,
        four_eyes,
        kinds,
        steps,
        error,
        form,
        links: SettingsLinks {
            unit: Urls::unit(&u.code),
            form: Urls::procedure_settings(&u.code),
        },
        ctx: ctx.clone(),
    })
}

pub async fn settings_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let data = app_dossiers::settings_page(&st.app, &ctx.actor(), &code).await?;
    let page = settings_view(&ctx, data, None, SettingsForm::default())?;
    Ok(render(&page, StatusCode::OK))
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SettingsForm {
    /// `holiday`, `time_limit`, `satisfaction`, `coverage`, `four_eyes` or `delete`.
    #[serde(default)]
    pub what: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub step: String,
    #[serde(default)]
    pub days: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub percent: String,
    #[serde(default)]
    pub basis: String,
    #[serde(default)]
    pub setting_kind: String,
    #[serde(default)]
    pub key: String,
}

pub async fn settings_post(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<SettingsForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let lang = ctx.lang;
    let bad = |field: &str, key: &str| Err(AppError::invalid(field, lang.t(key)));
    let input: Result<Option<SettingInput>, AppError> = match f.what.as_str() {
        "holiday" => match ntm_domain::text::parse_date(f.date.trim()) {
            Some(date) => Ok(Some(SettingInput::Holiday { date })),
            None => bad("date", "dossier-bad-date"),
        },
        "time_limit" => match (
            ps::parse_kind(&f.kind),
            ps::parse_step(&f.step),
            f.days.trim().parse::<u32>().ok(),
        ) {
            (Some(kind), Some(step), Some(days)) => Ok(Some(SettingInput::TimeLimit {
                kind,
                step,
                days,
                unit: if f.unit == "calendar" {
                    DayUnit::CalendarDays
                } else {
                    DayUnit::WorkingDays
                },
            })),
            (None, _, _) => bad("kind", "dossier-bad-kind"),
            (_, None, _) => bad("step", "dossier-bad-step"),
            _ => bad("days", "dossier-bad-days"),
        },
        "satisfaction" => match (
            ps::parse_kind(&f.kind),
            f.percent.trim().parse::<u32>().ok(),
        ) {
            (Some(kind), Some(percent)) => Ok(Some(SettingInput::Satisfaction { kind, percent })),
            (None, _) => bad("kind", "dossier-bad-kind"),
            _ => bad("percent", "dossier-bad-percent"),
        },
        "coverage" => match (
            ps::parse_kind(&f.kind),
            f.percent.trim().parse::<u32>().ok(),
        ) {
            (Some(kind), Some(percent)) => Ok(Some(SettingInput::Coverage { kind, percent })),
            (None, _) => bad("kind", "dossier-bad-kind"),
            _ => bad("percent", "dossier-bad-percent"),
        },
        "four_eyes" => Ok(Some(SettingInput::FourEyes)),
        "delete" => Ok(None),
        _ => bad("what", "dossier-bad-setting"),
    };
    let (change, parse_error) = match input {
        Ok(Some(input)) => (
            Some(SettingChange::Put {
                input,
                basis: f.basis.clone(),
            }),
            None,
        ),
        Ok(None) => (
            Some(SettingChange::Delete {
                kind: f.setting_kind.clone(),
                key: f.key.clone(),
            }),
            None,
        ),
        Err(e) => (None, Some(e)),
    };
    match app_dossiers::settings_save(&st.app, &ctx.actor(), &code, change).await? {
        Submitted::Done(()) => Ok(Redirect::to(&Urls::procedure_settings(&code)).into_response()),
        Submitted::Again { refusal, page } => match refusal.or(parse_error) {
            Some(e) if matches!(e, AppError::Validation(_) | AppError::NotFound(_)) => {
                let msg = errors_text(lang, &e);
                let page = settings_view(&ctx, page, Some(msg), f)?;
                Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
            }
            Some(e) => Err(e.into()),
            None => Err(WebError::internal("settings refused without a reason")),
        },
    }
}
