//! A unit's dossiers, with the form to open one; the overdue rows of the dashboards.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::dossiers::{self as app_dossiers, DossierListPage, DossierView};
use ntm_app::page::Submitted;
use ntm_app::procedure_settings as ps;
use ntm_domain::units::Level;
use serde::Deserialize;

use super::{
    Choice, DossierLinks, dash, errors_text, kind_label, shown_on_page, state_label, step_label,
};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::render;

#[derive(Debug, Clone)]
pub struct DossierRow {
    pub href: String,
    pub unit_code: String,
    pub kind: String,
    pub year: i32,
    pub state: String,
    pub state_class: String,
    pub pending: String,
    pub deadline: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "dossier_list.html")]
pub struct ListPage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub rows: Vec<DossierRow>,
    pub overdue_count: usize,
    pub can_create: bool,
    pub sets: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub year_value: String,
    /// The opening date typed (dd/mm/yyyy; empty: today).
    pub date_value: String,
    pub error: Option<String>,
    pub is_province: bool,
    pub history: Vec<crate::pages::history::HistoryItem>,
    /// `unit`, `list` (the form opening a dossier) and `settings` (a province's).
    pub links: DossierLinks,
}

pub fn row(lang: Lang, v: &DossierView) -> DossierRow {
    let pending = v
        .deadline
        .as_ref()
        .map(|d| step_label(lang, d.step))
        .unwrap_or_default();
    let deadline = match &v.deadline {
        Some(d) => match d.due {
            Some(due) => {
                let mut s = lang.date(due);
                if !d.confirmed {
                    s.push_str(&format!(" ({})", lang.t("dossier-unconfirmed")));
                }
                s
            }
            None => lang.t("dossier-limit-unknown"),
        },
        None => String::new(),
    };
    DossierRow {
        href: Urls::dossier(v.id),
        unit_code: v.unit_code.clone(),
        kind: kind_label(lang, v.dossier.kind),
        year: v.year,
        state: state_label(lang, v.dossier.state),
        state_class: dash(v.dossier.state.as_str()),
        pending,
        deadline,
        overdue: v.overdue,
    }
}

fn list_view(
    ctx: &Ctx,
    data: DossierListPage,
    form: Option<&CreateForm>,
    error: Option<String>,
) -> ListPage {
    let lang = ctx.lang;
    let unit = data.unit;
    let chosen_set = form.map(|f| f.set.clone()).unwrap_or_default();
    let sets = data
        .sets
        .iter()
        .map(|s| Choice {
            value: s.id.clone(),
            label: format!(
                "{} ({})",
                lang.pick(&s.title_vi, s.title_en.as_deref()),
                s.id
            ),
            selected: s.id == chosen_set,
        })
        .collect();
    let chosen_kind = form.map(|f| f.kind.clone()).unwrap_or_default();
    let kinds = data
        .kinds
        .into_iter()
        .map(|k| {
            let value = ps::kind_str(k);
            Choice {
                selected: value == chosen_kind,
                value,
                label: kind_label(lang, k),
            }
        })
        .collect();
    let rows: Vec<DossierRow> = data.dossiers.iter().map(|v| row(lang, v)).collect();
    ListPage {
        overdue_count: rows.iter().filter(|r| r.overdue).count(),
        rows,
        code: unit.code.clone(),
        name: unit.name.clone(),
        can_create: data.can_create,
        sets,
        kinds,
        year_value: form
            .map(|f| f.year.clone())
            .unwrap_or_else(|| (ctx.today.year() - 1).to_string()),
        date_value: form.map(|f| f.date.clone()).unwrap_or_default(),
        error,
        is_province: unit.level == Level::Province,
        history: crate::pages::history::of(ctx, data.history),
        links: DossierLinks::of_unit(&unit.code, &unit.code),
        ctx: ctx.clone(),
    }
}

pub async fn list_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let data = app_dossiers::list_page(&st.app, &ctx.actor(), &code).await?;
    let page = list_view(&ctx, data, None, None);
    Ok(render(&page, StatusCode::OK))
}

#[derive(Debug, Clone, Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    pub set: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub kind: String,
    /// The day the dossier was opened (dd/mm/yyyy), for one recorded after the fact; empty:
    /// today.
    #[serde(default)]
    pub date: String,
}

pub async fn create(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<CreateForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let lang = ctx.lang;
    let year: Option<i32> = f.year.trim().parse().ok();
    let kind = ps::parse_kind(f.kind.trim());
    let date = match f.date.trim() {
        "" => Ok(None),
        s => ntm_domain::text::parse_date(s)
            .map(Some)
            .ok_or_else(|| AppError::invalid("date", lang.t("dossier-bad-date"))),
    };
    let (input, parse_error) = match (year, kind, date) {
        (None, _, _) => (
            None,
            Some(AppError::invalid("year", lang.t("dossier-bad-year"))),
        ),
        (_, None, _) => (
            None,
            Some(AppError::invalid("kind", lang.t("dossier-bad-kind"))),
        ),
        (_, _, Err(e)) => (None, Some(e)),
        (Some(year), Some(kind), Ok(date)) => (
            Some(app_dossiers::NewDossier {
                unit_code: code.clone(),
                set_id: f.set.trim().to_owned(),
                year,
                kind,
                date,
            }),
            None,
        ),
    };
    match app_dossiers::create_page(&st.app, &ctx.actor(), &code, input).await? {
        Submitted::Done(v) => {
            Ok(Redirect::to(&Urls::dossier_done(v.id, "created")).into_response())
        }
        Submitted::Again { refusal, page } => match refusal.or(parse_error) {
            Some(e) if shown_on_page(&e) => {
                let msg = errors_text(lang, &e);
                let page = list_view(&ctx, page, Some(&f), Some(msg));
                Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
            }
            Some(e) => Err(e.into()),
            None => Err(WebError::internal("dossier refused without a reason")),
        },
    }
}
