//! `GET /units/{code}/reports`: a unit's reports; `POST …/reports/open` and
//! `…/reports/close`.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::reports::{ChildReport, OwnPeriod, ParentPeriod, ReportKey, UnitReports};
use serde::Deserialize;

use super::{
    FlashParams, flash_text, parse_kind, period_label, state_label, timeliness_class,
    timeliness_label,
};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::pages::history::{self, HistoryItem};
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::format::time_date;
use crate::view::{level_label, render};

// ---------------------------------------------------------------- unit page

#[derive(Debug, Clone)]
pub struct OwnRow {
    pub plan: String,
    pub plan_id: String,
    pub period: String,
    pub kind: String,
    pub year: i32,
    pub due: String,
    pub state: String,
    pub timeliness: String,
    pub time_class: &'static str,
    pub submitted: String,
    pub href: Option<String>,
    pub closed: bool,
}

#[derive(Debug, Clone)]
pub struct ChildRow {
    pub code: String,
    pub name: String,
    pub state: String,
    pub submitted: String,
    pub timeliness: String,
    pub time_class: &'static str,
    pub href: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ParentBlock {
    pub id: String,
    pub plan: String,
    pub plan_id: String,
    pub period: String,
    pub kind: String,
    pub year: i32,
    pub due: String,
    pub parent_name: String,
    pub parent_code: String,
    /// The form that closes the period (on the parent's address).
    pub close_action: String,
    pub summary: String,
    pub closed: Option<String>,
    pub can_close: bool,
    pub rows: Vec<ChildRow>,
}

#[derive(Template)]
#[template(path = "report_list.html")]
pub struct ReportListPage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub level: String,
    pub own: Vec<OwnRow>,
    pub parents: Vec<ParentBlock>,
    pub can_write: bool,
    pub flash: Option<String>,
    pub history: Vec<HistoryItem>,
    /// The unit's page and the form that opens a report.
    pub unit_href: String,
    pub open_action: String,
}

fn own_row(lang: Lang, o: &OwnPeriod) -> OwnRow {
    OwnRow {
        plan: o.plan_name.clone(),
        plan_id: o.plan_id.clone(),
        period: period_label(lang, o.period),
        kind: o.period.kind.as_str().to_owned(),
        year: o.period.year,
        due: lang.date(o.due),
        state: state_label(lang, o.state),
        timeliness: timeliness_label(lang, o.timeliness),
        time_class: timeliness_class(o.timeliness),
        submitted: o.first_submitted.map(|d| lang.date(d)).unwrap_or_default(),
        href: o.report_id.map(Urls::report),
        closed: o.closed,
    }
}

fn child_row(lang: Lang, c: &ChildReport) -> ChildRow {
    ChildRow {
        code: c.unit.code.clone(),
        name: c.unit.name.clone(),
        state: state_label(lang, c.state),
        submitted: c.first_submitted.map(|d| lang.date(d)).unwrap_or_default(),
        timeliness: timeliness_label(lang, c.timeliness),
        time_class: timeliness_class(c.timeliness),
        href: c.report_id.map(Urls::report),
    }
}

fn parent_block(lang: Lang, p: &ParentPeriod) -> ParentBlock {
    let summary = lang.t_args(
        "reports-children-summary",
        &[
            ("total", (p.children.len() as i64).into()),
            ("late", (p.late as i64).into()),
            ("missing", (p.missing as i64).into()),
        ],
    );
    ParentBlock {
        id: format!(
            "rp-{}-{}-{}",
            p.plan_id,
            p.period.kind.as_str(),
            p.period.year
        ),
        plan: p.plan_name.clone(),
        plan_id: p.plan_id.clone(),
        period: period_label(lang, p.period),
        kind: p.period.kind.as_str().to_owned(),
        year: p.period.year,
        due: lang.date(p.due),
        parent_name: p.parent.name.clone(),
        close_action: Urls::reports_close(&p.parent.code),
        parent_code: p.parent.code.clone(),
        summary,
        closed: p.closed.as_ref().map(|(by, at)| {
            lang.t_args(
                "reports-closed-by",
                &[("who", by.clone().into()), ("when", time_date(*at).into())],
            )
        }),
        can_close: p.can_close,
        rows: p.children.iter().map(|c| child_row(lang, c)).collect(),
    }
}

fn list_page(
    ctx: &Ctx,
    r: &UnitReports,
    flash: Option<String>,
    history: Vec<HistoryItem>,
) -> ReportListPage {
    let lang = ctx.lang;
    ReportListPage {
        history,
        unit_href: Urls::unit(&r.unit.code),
        open_action: Urls::reports_open(&r.unit.code),
        ctx: ctx.clone(),
        code: r.unit.code.clone(),
        name: r.unit.name.clone(),
        level: level_label(lang, r.unit.level),
        own: r.own.iter().map(|o| own_row(lang, o)).collect(),
        parents: r.children.iter().map(|p| parent_block(lang, p)).collect(),
        can_write: r.can_write,
        flash,
    }
}

/// `GET /units/{code}/reports`.
pub async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<FlashParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let v = ntm_app::reports::list_page(&st.app, &ctx.actor(), &code).await?;
    let flash = flash_text(ctx.lang, p.done.as_deref());
    let history = history::of(&ctx, v.history);
    Ok(render(
        &list_page(&ctx, &v.reports, flash, history),
        StatusCode::OK,
    ))
}

#[derive(Debug, Deserialize)]
pub struct PeriodForm {
    pub plan: String,
    pub kind: String,
    pub year: i32,
}

/// `POST /units/{code}/reports/open`: opens (or creates) the report of the period.
pub async fn open(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<PeriodForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let key = ReportKey {
        unit_code: code,
        plan_id: f.plan.trim().to_owned(),
        kind: parse_kind(&f.kind)?,
        year: f.year,
    };
    let id = ntm_app::reports::open(&st.app, &ctx.actor(), &key).await?;
    Ok(Redirect::to(&Urls::report(id)).into_response())
}

/// `POST /units/{code}/reports/close`: the parent closes a period.
pub async fn close(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<PeriodForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let kind = parse_kind(&f.kind)?;
    ntm_app::reports::close_period(&st.app, &ctx.actor(), &code, f.plan.trim(), kind, f.year)
        .await?;
    Ok(Redirect::to(&Urls::reports_done(&code, "closed")).into_response())
}
