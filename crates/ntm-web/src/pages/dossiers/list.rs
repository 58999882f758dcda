//! A unit's dossiers, with the form to open one; the overdue rows of the dashboards.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::dossiers::{self as app_dossiers, DossierView};
use ntm_app::procedure_settings as ps;
use ntm_domain::units::Level;
use serde::Deserialize;

use super::{Choice, dash, errors_text, kind_label, shown_on_page, state_label, step_label};
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

/// Overdue dossiers of a unit's subtree, for the dashboards (empty when the user may not
/// see them or is not logged in).
pub async fn overdue_rows(st: &AppState, ctx: &Ctx, code: &str) -> Vec<DossierRow> {
    if ctx.user.is_none() {
        return Vec::new();
    }
    match app_dossiers::list(&st.app, &ctx.actor(), Some(code)).await {
        Ok(list) => list
            .iter()
            .filter(|v| v.overdue)
            .map(|v| row(ctx.lang, v))
            .collect(),
        Err(_) => Vec::new(),
    }
}

async fn list_view(
    st: &AppState,
    ctx: &Ctx,
    code: &str,
    form: Option<&CreateForm>,
    error: Option<String>,
) -> Result<ListPage, WebError> {
    let lang = ctx.lang;
    let actor = ctx.actor();
    let list = app_dossiers::list(&st.app, &actor, Some(code)).await?;
    // Today's record, or the last one of a unit merged away (Trà Vinh, 84).
    let unit = ntm_app::units::latest_record(&st.app, code).await?;
    let history = crate::pages::history::items(st, ctx, code).await?;
    let can_create = ctx.user.as_ref().is_some_and(|u| {
        u.grants.iter().any(|g| {
            g.role == ntm_domain::authz::Role::CommuneOfficer
                && (unit.path.starts_with(&g.scope_path))
        })
    }) && matches!(unit.level, Level::Commune | Level::District);
    let chosen_set = form.map(|f| f.set.clone()).unwrap_or_default();
    let mut seen: Vec<String> = Vec::new();
    let mut sets = Vec::new();
    for s in st.app.catalog.sets() {
        if s.level == unit.level && !seen.contains(&s.id) {
            seen.push(s.id.clone());
            sets.push(Choice {
                value: s.id.clone(),
                label: format!(
                    "{} ({})",
                    lang.pick(&s.title_vi, s.title_en.as_deref()),
                    s.id
                ),
                selected: s.id == chosen_set,
            });
        }
    }
    let chosen_kind = form.map(|f| f.kind.clone()).unwrap_or_default();
    let kinds = ps::kinds_for(unit.level)
        .into_iter()
        .map(|k| Choice {
            value: ps::kind_str(k),
            label: kind_label(lang, k),
            selected: ps::kind_str(k) == chosen_kind,
        })
        .collect();
    let rows: Vec<DossierRow> = list.iter().map(|v| row(lang, v)).collect();
    Ok(ListPage {
        overdue_count: rows.iter().filter(|r| r.overdue).count(),
        rows,
        code: unit.code.clone(),
        name: unit.name.clone(),
        can_create,
        sets,
        kinds,
        year_value: form
            .map(|f| f.year.clone())
            .unwrap_or_else(|| (ctx.today.year() - 1).to_string()),
        date_value: form.map(|f| f.date.clone()).unwrap_or_default(),
        error,
        is_province: unit.level == Level::Province,
        history,
        ctx: ctx.clone(),
    })
}

pub async fn list_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let page = list_view(&st, &ctx, &code, None, None).await?;
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
    let result = match (year, kind, date) {
        (None, _, _) => Err(AppError::invalid("year", lang.t("dossier-bad-year"))),
        (_, None, _) => Err(AppError::invalid("kind", lang.t("dossier-bad-kind"))),
        (_, _, Err(e)) => Err(e),
        (Some(year), Some(kind), Ok(date)) => {
            app_dossiers::create(
                &st.app,
                &ctx.actor(),
                app_dossiers::NewDossier {
                    unit_code: code.clone(),
                    set_id: f.set.trim().to_owned(),
                    year,
                    kind,
                    date,
                },
            )
            .await
        }
    };
    match result {
        Ok(v) => Ok(Redirect::to(&Urls::dossier_done(v.id, "created")).into_response()),
        Err(e) if shown_on_page(&e) => {
            let msg = errors_text(lang, &e);
            let page = list_view(&st, &ctx, &code, Some(&f), Some(msg)).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(e.into()),
    }
}
