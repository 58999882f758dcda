//! Plans and targets (kế hoạch, chỉ tiêu): the plans of a province, the plan dashboard with
//! filters by agency and level (plain GET form), the drill-down of a target, the XLSX of the
//! dashboard table, the measure entry form and the task list with editable statuses.
//! Plain forms that POST and redirect; the work is done by `ntm_app::plans`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::exports::{PlanExport, shows, target_texts};
use ntm_app::plans::{MeasureInput, PlanProgress, PlanSummary, TargetProgress, TaskView};
use ntm_domain::plans::{MeasureKind, TargetStatus, TaskStatus};
use ntm_domain::units::Level;
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::request::parse_year;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::download::{XLSX, attachment};
use crate::view::{level_label, render};

fn status_label(lang: Lang, s: TargetStatus) -> String {
    ntm_app::exports::target_status_text(&lang, s)
}

fn status_icon(s: TargetStatus) -> &'static str {
    match s {
        TargetStatus::Met => "✓",
        TargetStatus::OnTrack => "↗",
        TargetStatus::AtRisk => "!",
        TargetStatus::OffTrack => "✗",
        TargetStatus::NoData => "?",
    }
}

fn status_class(s: TargetStatus) -> String {
    format!("pl-st pl-{}", s.as_str().replace('_', "-"))
}

fn task_label(lang: Lang, s: TaskStatus) -> String {
    lang.t(&format!("plans-task-{}", s.as_str().replace('_', "-")))
}

fn current_year() -> i32 {
    ntm_app::today().year()
}

// ---------------------------------------------------------------- list

#[derive(Template)]
#[template(path = "plans_list.html")]
pub struct PlanListPage {
    pub ctx: Ctx,
    pub code: String,
    pub plans: Vec<PlanRow>,
    pub history: Vec<super::history::HistoryItem>,
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

fn citation_text(p: &PlanSummary) -> String {
    p.citation_text()
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
        document: citation_text(p),
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
    let plans = ntm_app::plans::list_plans(&st.app, &ctx.actor(), &code).await?;
    let history = super::history::items(&st, &ctx, &code).await?;
    let page = PlanListPage {
        plans: plans.iter().map(|p| plan_row(ctx.lang, p, &code)).collect(),
        history,
        ctx,
        code,
    };
    Ok(render(&page, StatusCode::OK))
}

// ---------------------------------------------------------------- dashboard

#[derive(Debug, Deserialize, Default)]
pub struct PlanParams {
    pub year: Option<String>,
    pub agency: Option<String>,
    pub level: Option<String>,
    pub unit: Option<String>,
    pub done: Option<String>,
}

pub struct Row {
    pub code: String,
    pub text: String,
    pub cite: String,
    pub note: String,
    pub metric: String,
    pub levels: String,
    pub target: String,
    pub due: i32,
    pub actual: String,
    pub per_level: Vec<(String, String)>,
    pub provisional: String,
    pub expected: String,
    pub status: String,
    pub status_class: String,
    pub icon: &'static str,
    pub agency: String,
    pub agency_inherited: bool,
    pub trend: String,
    pub href: String,
}

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
}

fn row_of(lang: Lang, id: &str, year: i32, unit: Option<&str>, t: &TargetProgress) -> Row {
    let r = target_texts(&lang, t);
    Row {
        code: r.code,
        text: r.text,
        cite: r.cite,
        note: t.note.clone().unwrap_or_default(),
        metric: r.metric,
        levels: r.levels,
        target: r.target,
        due: t.due,
        actual: r.actual,
        per_level: r.per_level,
        provisional: r.provisional,
        expected: t.expected_display.clone().unwrap_or_default(),
        status: r.status,
        status_class: status_class(t.status),
        icon: status_icon(t.status),
        agency: r.agency,
        agency_inherited: t.agency_inherited,
        trend: r.trend,
        href: Urls::plan_target(id, &t.code, year, unit),
    }
}

fn parse_level(s: Option<&str>) -> Result<Option<Level>, WebError> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(l) => Level::parse(l).map(Some).ok_or_else(|| {
            WebError::invalid("level", format!("\"{l}\" is not a level"))
                .with_message("plans-error-level", l)
        }),
    }
}

/// The year (default: this year within the plan's years) and unit asked for, a login first.
fn chosen<'p>(ctx: &Ctx, id: &str, p: &'p PlanParams) -> Result<(i32, Option<&'p str>), WebError> {
    ctx.require_user()?;
    let summary = ntm_app::plans::shipped()
        .plans
        .iter()
        .find(|x| x.id == id)
        .map(|x| x.years().collect::<Vec<_>>());
    let Some(years) = summary else {
        return Err(WebError::not_found(format!("plan {id}")));
    };
    let default = current_year()
        .min(years.last().copied().unwrap_or(2025))
        .max(years.first().copied().unwrap_or(2021));
    let year = year_or(p.year.as_deref(), default)?;
    let unit = p.unit.as_deref().map(str::trim).filter(|s| !s.is_empty());
    Ok((year, unit))
}

async fn progress(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    p: &PlanParams,
) -> Result<PlanProgress, WebError> {
    let (year, unit) = chosen(ctx, id, p)?;
    Ok(ntm_app::plans::plan_progress(&st.app, &ctx.actor(), id, year, unit).await?)
}

/// `GET /plans/{id}?year=&agency=&level=&unit=`: the plan dashboard.
pub async fn page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(p): Query<PlanParams>,
) -> Result<Response, WebError> {
    let pr = progress(&st, &ctx, &id, &p).await?;
    let lang = ctx.lang;
    let agency = p.agency.clone().unwrap_or_default().trim().to_string();
    let level = parse_level(p.level.as_deref())?;
    let plan = ntm_app::plans::plan_by_id(&id)?;
    let unit = p.unit.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let shown: Vec<&TargetProgress> = pr
        .targets
        .iter()
        .filter(|t| shows(t, &agency, level))
        .collect();
    let mut counts: Vec<(String, String, usize)> = Vec::new();
    for s in TargetStatus::ALL {
        let n = shown.iter().filter(|t| t.status == s).count();
        counts.push((status_label(lang, s), status_class(s), n));
    }
    let mut levels: Vec<Level> = pr.targets.iter().flat_map(|t| t.levels.clone()).collect();
    levels.sort();
    levels.dedup();
    let mut measures: Vec<(String, String)> = plan
        .targets
        .iter()
        .filter_map(|t| t.metric.measure_code())
        .filter_map(ntm_app::plans::measure)
        .map(|m| (m.code.clone(), m.name_vi.clone()))
        .collect();
    measures.sort();
    measures.dedup();
    let measures = measures
        .into_iter()
        .map(|(c, n)| (Urls::plan_measure(&id, &c, pr.year), n))
        .collect();
    let (tasks, can_edit_tasks) = if plan.tasks.is_empty() {
        (Vec::new(), false)
    } else {
        let t = ntm_app::plans::tasks(&st.app, &ctx.actor(), &id).await?;
        let can = ntm_app::plans::can_edit_tasks(&st.app, &ctx.actor(), &id).await;
        (t.iter().map(|t| task_row(lang, t)).collect(), can)
    };
    let xlsx = Urls::plan_xlsx(
        &id,
        pr.year,
        &agency,
        level.map(|l| l.as_str()).unwrap_or(""),
        unit,
    );
    let page = PlanPage {
        id: id.clone(),
        name: pr.plan.name.clone(),
        document: pr.plan.reference.clone(),
        province: pr.plan.province.clone(),
        unit_name: pr.unit_name.clone(),
        year: pr.year,
        years: pr.plan.years.clone(),
        as_of: lang.date(pr.as_of),
        agencies: plan.agencies(),
        agency,
        levels: levels
            .iter()
            .map(|l| (l.as_str().to_string(), level_label(lang, *l)))
            .collect(),
        level: level.map(|l| l.as_str().to_string()).unwrap_or_default(),
        rows: shown
            .iter()
            .map(|t| row_of(lang, &id, pr.year, unit, t))
            .collect(),
        counts,
        scope: pr.scope.clone().unwrap_or_default(),
        citation: pr.plan.citation.clone(),
        document_note: pr.plan.document_note.clone().unwrap_or_default(),
        measures,
        tasks,
        can_edit_tasks,
        xlsx,
        flash: match p.done.as_deref() {
            Some("task") => Some(lang.t("plans-flash-task")),
            Some("measures") => Some(lang.t("plans-flash-measures")),
            _ => None,
        },
        unit_param: p.unit.clone().unwrap_or_default(),
        ctx,
    };
    Ok(render(&page, StatusCode::OK))
}

fn task_row(lang: Lang, t: &TaskView) -> TaskRow {
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
    }
}

/// `GET /plans/{id}/plan.xlsx?year=&agency=&level=`: the dashboard table as XLSX, made by
/// `ntm_app::exports::plan_xlsx`.
pub async fn xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(p): Query<PlanParams>,
) -> Result<Response, WebError> {
    let (year, unit) = chosen(&ctx, &id, &p)?;
    let agency = p.agency.clone().unwrap_or_default().trim().to_string();
    let level = parse_level(p.level.as_deref())?;
    let q = PlanExport {
        year,
        unit,
        agency: &agency,
        level,
    };
    let f = ntm_app::exports::plan_xlsx(&st.app, &ctx.actor(), &id, &q, &ctx.lang).await?;
    Ok(attachment(f.bytes, XLSX, &f.file_name))
}

// ---------------------------------------------------------------- drill-down

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
    let pr = progress(&st, &ctx, &id, &p).await?;
    let lang = ctx.lang;
    let Some(t) = pr.targets.iter().find(|t| t.code == code) else {
        return Err(WebError::not_found(format!("target {code} of {id}")));
    };
    let unit = p.unit.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let yes = lang.t("plans-yes");
    let no = lang.t("plans-no");
    let page = TargetPage {
        id: id.clone(),
        plan_name: pr.plan.name.clone(),
        year: pr.year,
        row: row_of(lang, &id, pr.year, unit, t),
        per_level: t
            .per_level
            .iter()
            .map(|l| {
                (
                    level_label(lang, l.level),
                    l.display.clone(),
                    format!("{} / {}", l.with_value, l.units),
                    status_label(lang, l.status),
                )
            })
            .collect(),
        trend: t
            .trend
            .iter()
            .map(|p| {
                (
                    p.year,
                    p.display.clone(),
                    status_label(lang, p.status),
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
            })
            .collect(),
        back: Urls::plan_year(&id, pr.year, unit),
        ctx,
    };
    Ok(render(&page, StatusCode::OK))
}

// ---------------------------------------------------------------- measures

#[derive(Debug, Deserialize, Default)]
pub struct MeasureParams {
    pub measure: Option<String>,
    pub year: Option<String>,
    pub done: Option<String>,
}

pub struct EntryRow {
    pub code: String,
    pub name: String,
    pub level: String,
    pub value: String,
    pub version: String,
    pub entered: String,
}

#[derive(Template)]
#[template(path = "plans_measures.html")]
pub struct MeasurePage {
    pub ctx: Ctx,
    pub id: String,
    pub plan_name: String,
    pub measure: String,
    pub measure_name: String,
    pub kind_hint: String,
    pub year: i32,
    pub rows: Vec<EntryRow>,
    pub errors: Vec<String>,
    pub flash: Option<String>,
    /// The plan's dashboard for this year.
    pub back_href: String,
}

#[allow(clippy::too_many_arguments)]
async fn measure_page(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    measure: &str,
    year: i32,
    typed: &HashMap<String, String>,
    errors: Vec<String>,
    flash: Option<String>,
) -> Result<MeasurePage, WebError> {
    let lang = ctx.lang;
    let plan = ntm_app::plans::plan_by_id(id)?;
    let Some(def) = ntm_app::plans::measure(measure) else {
        return Err(
            WebError::invalid("measure", format!("unknown measure \"{measure}\""))
                .with_message("plans-error-measure", measure),
        );
    };
    // The units of the measure's levels, from the plan's progress (same scope rules).
    let units = ntm_app::plans::measure_units(&st.app, &ctx.actor(), id, measure, year).await?;
    let rows = units
        .iter()
        .map(|u| EntryRow {
            code: u.code.clone(),
            name: u.name.clone(),
            level: level_label(lang, u.level),
            value: typed
                .get(&u.code)
                .cloned()
                .unwrap_or_else(|| u.value_text.clone()),
            version: u.version.map(|v| v.to_string()).unwrap_or_default(),
            entered: u.entered.clone(),
        })
        .collect();
    Ok(MeasurePage {
        ctx: ctx.clone(),
        id: id.to_string(),
        plan_name: plan.name.clone(),
        measure: def.code.clone(),
        measure_name: def.name_vi.clone(),
        kind_hint: lang.t(match def.kind {
            MeasureKind::Percent => "plans-hint-percent",
            MeasureKind::YesNo => "plans-hint-yes-no",
            MeasureKind::Count => "plans-hint-count",
        }),
        back_href: Urls::plan_year(id, year, None),
        year,
        rows,
        errors,
        flash,
    })
}

/// `GET /plans/{id}/measures?measure=&year=`: the entry form of a measure.
pub async fn measures_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(p): Query<MeasureParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let measure = p.measure.clone().unwrap_or_default();
    let year = year_or(p.year.as_deref(), current_year())?;
    let flash = (p.done.as_deref() == Some("saved")).then(|| ctx.lang.t("plans-flash-measures"));
    let page = measure_page(
        &st,
        &ctx,
        &id,
        &measure,
        year,
        &HashMap::new(),
        Vec::new(),
        flash,
    )
    .await?;
    Ok(render(&page, StatusCode::OK))
}

/// `POST /plans/{id}/measures`: fields `measure`, `year`, and per unit `v.{code}` (value)
/// with `ver.{code}` (the version seen). Only changed values are written, all or nothing.
pub async fn measures_post(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(a, _)| a == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let measure = get("measure");
    let year = year_or(Some(&get("year")), current_year())?;
    let current = ntm_app::plans::measure_units(&st.app, &ctx.actor(), &id, &measure, year).await?;
    let mut typed = HashMap::new();
    let mut inputs = Vec::new();
    for (k, v) in &pairs {
        let Some(code) = k.strip_prefix("v.") else {
            continue;
        };
        typed.insert(code.to_string(), v.clone());
        // A unit the actor does not see is not skipped nor refused here: the use case
        // answers (403 for a unit they may not enter, 404 for no such unit).
        let listed = current.iter().find(|u| u.code == code);
        if let Some(u) = listed
            && (v.trim() == u.value_text.trim() || (v.trim().is_empty() && u.version.is_none()))
        {
            continue;
        }
        let ver = get(&format!("ver.{code}"));
        let expected = if ver.trim().is_empty() {
            None
        } else {
            Some(
                ver.trim()
                    .parse::<i64>()
                    .map_err(|_| WebError::invalid("version", format!("bad version {ver}")))?,
            )
        };
        inputs.push(MeasureInput {
            unit_code: code.to_string(),
            measure: measure.clone(),
            year,
            value: v.clone(),
            note: String::new(),
            expected_version: expected,
        });
    }
    if inputs.is_empty() {
        return Ok(Redirect::to(&Urls::plan_measure(&id, &measure, year)).into_response());
    }
    match ntm_app::plans::enter_measures(&st.app, &ctx.actor(), &inputs).await {
        Ok(_) => Ok(
            Redirect::to(&Urls::plan_measure_done(&id, &measure, year, "saved")).into_response(),
        ),
        Err(ntm_app::AppError::Validation(errs)) => {
            let msgs = errs
                .iter()
                .map(|e| {
                    let row = e
                        .field
                        .strip_prefix("rows[")
                        .and_then(|r| r.split(']').next())
                        .and_then(|i| i.parse::<usize>().ok())
                        .and_then(|i| inputs.get(i))
                        .or(if inputs.len() == 1 {
                            inputs.first()
                        } else {
                            None
                        });
                    match row {
                        Some(r) => format!("{}: {}", r.unit_code, e.message),
                        None => e.message.clone(),
                    }
                })
                .collect();
            let page = measure_page(&st, &ctx, &id, &measure, year, &typed, msgs, None).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- tasks

#[derive(Debug, Deserialize)]
pub struct TaskForm {
    pub status: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub year: String,
}

/// `POST /plans/{id}/tasks/{task}`: a new status of a task (province officers).
pub async fn task_post(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((id, task)): Path<(String, String)>,
    Form(f): Form<TaskForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let expected = match f.version.trim() {
        "" => None,
        v => Some(
            v.parse::<i64>()
                .map_err(|_| WebError::invalid("version", format!("bad version {v}")))?,
        ),
    };
    ntm_app::plans::set_task_status(
        &st.app,
        &ctx.actor(),
        &id,
        &task,
        &f.status,
        &f.note,
        expected,
    )
    .await?;
    let year = f.year.trim().parse::<i32>().ok();
    Ok(Redirect::to(&Urls::plan_task_done(&id, year, &task)).into_response())
}

/// `?year=`, or `default` when empty.
fn year_or(s: Option<&str>, default: i32) -> Result<i32, WebError> {
    Ok(parse_year(s)
        .map_err(|e| e.invalid("plans-error-year"))?
        .unwrap_or(default))
}
