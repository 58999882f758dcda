//! `GET /plans/{id}/targets/{code}?year=&unit=`: a target's drill-down (per level, trend,
//! the units behind the actual).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ntm_app::plans::PlanQuery;

use super::{PlanParams, Row, row_of, status_class};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::{level_label, render};

pub struct UnitRow {
    pub code: String,
    pub name: String,
    pub level: String,
    pub value: String,
    pub met: String,
    pub met_class: &'static str,
    pub provisional: String,
    pub entered: String,
    pub note: String,
    /// The unit's page.
    pub href: String,
}

#[derive(Template)]
#[template(path = "plans_target.html")]
pub struct TargetPage {
    pub ctx: Ctx,
    pub id: String,
    pub plan_name: String,
    pub year: i32,
    pub row: Row,
    pub per_level: Vec<(String, String, String, String)>,
    pub trend: Vec<(i32, String, String, String)>,
    pub units: Vec<UnitRow>,
    pub back: String,
}

/// `GET /plans/{id}/targets/{code}?year=&unit=`: a target's drill-down.
pub async fn target(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, code)): Path<(String, String)>,
    Query(p): Query<PlanParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let unit = p.unit();
    let q = PlanQuery {
        year: p.year()?,
        unit,
        ..PlanQuery::default()
    };
    let lang = ctx.lang;
    let v = ntm_app::plans::target_view(&st.app, &ctx.actor(), &id, &code, &q, &lang).await?;
    let t = &v.row.target;
    let yes = lang.t("plans-yes");
    let no = lang.t("plans-no");
    let page = TargetPage {
        id: id.clone(),
        plan_name: v.plan_name.clone(),
        year: v.year,
        row: row_of(&id, v.year, unit, &v.row),
        per_level: t
            .per_level
            .iter()
            .zip(&v.level_status)
            .map(|(l, status)| {
                (
                    level_label(lang, l.level),
                    l.display.clone(),
                    format!("{} / {}", l.with_value, l.units),
                    status.clone(),
                )
            })
            .collect(),
        trend: t
            .trend
            .iter()
            .zip(&v.trend_status)
            .map(|(p, status)| {
                (
                    p.year,
                    p.display.clone(),
                    status.clone(),
                    status_class(p.status),
                )
            })
            .collect(),
        units: t
            .units
            .iter()
            .map(|u| UnitRow {
                code: u.code.clone(),
                name: u.name.clone(),
                level: level_label(lang, u.level),
                value: u.display.clone(),
                met: match u.met {
                    Some(true) => yes.clone(),
                    Some(false) => no.clone(),
                    None => "—".into(),
                },
                met_class: match u.met {
                    Some(true) => "pl-met",
                    Some(false) => "pl-off-track",
                    None => "pl-no-data",
                },
                provisional: match (u.tentatively_met, u.no_known_shortfall) {
                    (Some(a), Some(b)) => format!(
                        "{}: {} · {}: {}",
                        lang.t("plans-tentative"),
                        if a { &yes } else { &no },
                        lang.t("plans-nks"),
                        if b { &yes } else { &no }
                    ),
                    _ => String::new(),
                },
                entered: match (&u.entered_by, &u.entered_on) {
                    (Some(b), Some(o)) => format!("{b} · {o}"),
                    _ => String::new(),
                },
                note: u.note.clone().unwrap_or_default(),
                href: Urls::unit(&u.code),
            })
            .collect(),
        back: Urls::plan_year(&id, v.year, unit),
        ctx,
    };
    Ok(render(&page, StatusCode::OK))
}
