//! `GET /units/{code}/plans`: the plans of the unit's province.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use ntm_app::plans::PlanSummary;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::pages::history::{self, HistoryItem};
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::render;

#[derive(Template)]
#[template(path = "plans_list.html")]
pub struct PlanListPage {
    pub ctx: Ctx,
    pub code: String,
    pub unit_href: String,
    pub plans: Vec<PlanRow>,
    pub history: Vec<HistoryItem>,
}

pub struct PlanRow {
    pub id: String,
    pub name: String,
    pub document: String,
    pub period: String,
    pub targets: usize,
    pub tasks: usize,
    pub reports: String,
    /// "Kế hoạch của Tỉnh Trà Vinh (trước sáp nhập)" for a predecessor's plan, or empty.
    pub predecessor: String,
    /// The plan's dashboard for a unit (the plan's own province for a predecessor's).
    pub href: String,
}

fn plan_row(lang: Lang, p: &PlanSummary, code: &str) -> PlanRow {
    PlanRow {
        predecessor: p
            .predecessor
            .as_ref()
            .map(|n| lang.t1("plans-predecessor", n.as_str()))
            .unwrap_or_default(),
        href: Urls::plan_for_unit(
            &p.id,
            if p.predecessor.is_some() {
                &p.province
            } else {
                code
            },
        ),
        id: p.id.clone(),
        name: p.name.clone(),
        document: p.citation_text(),
        period: format!("{} – {}", lang.date(p.period_from), lang.date(p.period_to)),
        targets: p.targets,
        tasks: p.tasks,
        reports: p
            .reports
            .iter()
            .map(|r| {
                format!(
                    "{} {:02}/{:02}",
                    lang.t(&format!(
                        "plans-report-{}",
                        r.kind.as_str().replace('_', "-")
                    )),
                    r.due_day,
                    r.due_month
                )
            })
            .collect::<Vec<_>>()
            .join(" · "),
    }
}

/// `GET /units/{code}/plans`: the plans of the unit's province.
pub async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let view = ntm_app::plans::list_page(&st.app, &ctx.actor(), &code).await?;
    let page = PlanListPage {
        plans: view
            .plans
            .iter()
            .map(|p| plan_row(ctx.lang, p, &code))
            .collect(),
        history: history::of(&ctx, view.history),
        unit_href: Urls::unit(&code),
        ctx,
        code,
    };
    Ok(render(&page, StatusCode::OK))
}
