//! `GET /plans/{id}`: the plan dashboard (filters by year, agency, level, unit), its tasks,
//! and `GET /plans/{id}/plan.xlsx`, the dashboard table as XLSX.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use ntm_app::plans::{PlanQuery, TaskView};
use ntm_domain::plans::TaskStatus;

use super::{PlanParams, Row, parse_level, row_of, status_class};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::download::{XLSX, attachment};
use crate::view::{level_label, render};

#[derive(Template)]
#[template(path = "plans_dashboard.html")]
pub struct PlanPage {
    pub ctx: Ctx,
    pub id: String,
    pub name: String,
    pub document: String,
    pub province: String,
    pub unit_name: String,
    pub year: i32,
    pub years: Vec<i32>,
    pub as_of: String,
    pub agencies: Vec<String>,
    pub agency: String,
    pub levels: Vec<(String, String)>,
    pub level: String,
    pub rows: Vec<Row>,
    pub counts: Vec<(String, String, usize)>,
    pub scope: String,
    /// The document cited (kind, number, date, issuer), never a file path.
    pub citation: String,
    pub document_note: String,
    /// The measures' entry pages (link, name).
    pub measures: Vec<(String, String)>,
    pub tasks: Vec<TaskRow>,
    pub can_edit_tasks: bool,
    pub xlsx: String,
    pub flash: Option<String>,
    pub unit_param: String,
    /// The plans of the province (breadcrumb) and the filter form's address.
    pub plans_href: String,
    pub action: String,
}

pub struct TaskRow {
    pub code: String,
    pub section: String,
    pub text: String,
    pub lead: String,
    pub coordinating: String,
    pub period: String,
    pub status: String,
    pub status_value: String,
    pub late: bool,
    pub note: String,
    pub version: String,
    pub changed: String,
    /// The form that changes the task's status.
    pub action: String,
}

fn task_label(lang: Lang, s: TaskStatus) -> String {
    lang.t(&format!("plans-task-{}", s.as_str().replace('_', "-")))
}

fn task_row(lang: Lang, id: &str, t: &TaskView) -> TaskRow {
    TaskRow {
        code: t.task.code.clone(),
        section: t.task.section.clone().unwrap_or_default(),
        text: t.task.text.clone(),
        lead: t.task.lead.join("; "),
        coordinating: t.task.coordinating.clone().unwrap_or_default(),
        period: if t.task.from_year == t.task.to_year {
            t.task.to_year.to_string()
        } else {
            format!("{} – {}", t.task.from_year, t.task.to_year)
        },
        status: task_label(lang, t.status),
        status_value: t.status.as_str().to_string(),
        late: t.late,
        note: t.note.clone(),
        version: t.version.map(|v| v.to_string()).unwrap_or_default(),
        changed: match (&t.changed_by, &t.changed_on) {
            (Some(b), Some(o)) => format!("{b} · {o}"),
            _ => String::new(),
        },
        action: Urls::plan_task(id, &t.task.code),
    }
}

/// `GET /plans/{id}?year=&agency=&level=&unit=`: the plan dashboard.
pub async fn page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(p): Query<PlanParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let lang = ctx.lang;
    let agency = p.agency();
    let level = parse_level(p.level.as_deref())?;
    let unit = p.unit();
    let q = PlanQuery {
        year: p.year()?,
        unit,
        agency: &agency,
        level,
    };
    let v = ntm_app::plans::page_view(&st.app, &ctx.actor(), &id, &q, &lang).await?;
    let pr = &v.progress;
    let page = PlanPage {
        id: id.clone(),
        name: pr.plan.name.clone(),
        document: pr.plan.reference.clone(),
        province: pr.plan.province.clone(),
        unit_name: pr.unit_name.clone(),
        year: pr.year,
        years: pr.plan.years.clone(),
        as_of: lang.date(pr.as_of),
        agencies: v.agencies.clone(),
        levels: v
            .levels
            .iter()
            .map(|l| (l.as_str().to_string(), level_label(lang, *l)))
            .collect(),
        level: level.map(|l| l.as_str().to_string()).unwrap_or_default(),
        rows: v
            .rows
            .iter()
            .map(|r| row_of(&id, pr.year, unit, r))
            .collect(),
        counts: v
            .counts
            .iter()
            .map(|c| (c.label.clone(), status_class(c.status), c.count))
            .collect(),
        scope: pr.scope.clone().unwrap_or_default(),
        citation: pr.plan.citation.clone(),
        document_note: pr.plan.document_note.clone().unwrap_or_default(),
        measures: v
            .measures
            .iter()
            .map(|(c, n)| (Urls::plan_measure(&id, c, pr.year), n.clone()))
            .collect(),
        tasks: v.tasks.iter().map(|t| task_row(lang, &id, t)).collect(),
        can_edit_tasks: v.can_edit_tasks,
        xlsx: Urls::plan_xlsx(
            &id,
            pr.year,
            &agency,
            level.map(|l| l.as_str()).unwrap_or(""),
            unit,
        ),
        flash: match p.done.as_deref() {
            Some("task") => Some(lang.t("plans-flash-task")),
            Some("measures") => Some(lang.t("plans-flash-measures")),
            _ => None,
        },
        unit_param: p.unit.clone().unwrap_or_default(),
        plans_href: Urls::unit_plans(&pr.plan.province),
        action: Urls::plan(&id),
        agency,
        ctx,
    };
    Ok(render(&page, StatusCode::OK))
}

/// `GET /plans/{id}/plan.xlsx?year=&agency=&level=`: the dashboard table as XLSX, made by
/// `ntm_app::exports::plan_page_xlsx`.
pub async fn xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(p): Query<PlanParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let agency = p.agency();
    let q = PlanQuery {
        year: p.year()?,
        unit: p.unit(),
        agency: &agency,
        level: parse_level(p.level.as_deref())?,
    };
    let f = ntm_app::exports::plan_page_xlsx(&st.app, &ctx.actor(), &id, &q, &ctx.lang).await?;
    Ok(attachment(f.bytes, XLSX, &f.file_name))
}
