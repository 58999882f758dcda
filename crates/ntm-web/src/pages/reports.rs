//! Periodic progress reports (báo cáo định kỳ): the reports page of a unit (its own reports
//! by period, and for a parent its children's with late and missing ones), the report page
//! (figures, narrative form, submit, accept / return, versions, downloads) and the period
//! closure. Plain forms that POST and redirect; the work is done by `ntm_app::reports`.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::reports::{
    Change, ChildReport, OwnPeriod, ParentPeriod, ReportKey, ReportView, UnitReports,
};
use ntm_domain::reports::{Narrative, PeriodKind, ReportPeriod, ReportState, Timeliness};
use serde::Deserialize;

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::request::parse_id;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::filters;
use crate::view::format::time_date;
use crate::view::{level_label, render};

// ---------------------------------------------------------------- labels

fn period_label(lang: Lang, p: ReportPeriod) -> String {
    lang.t1(
        &format!("reports-period-{}", p.kind.as_str().replace('_', "-")),
        p.year.to_string(),
    )
}

fn state_label(lang: Lang, s: Option<ReportState>) -> String {
    match s {
        Some(s) => lang.t(&format!("reports-state-{}", s.as_str())),
        None => lang.t("reports-state-none"),
    }
}

fn timeliness_label(lang: Lang, t: Timeliness) -> String {
    match t {
        Timeliness::Pending => lang.t("reports-time-pending"),
        Timeliness::OnTime => lang.t("reports-time-on-time"),
        Timeliness::Late { days } => lang.t_count("reports-time-late", days),
        Timeliness::Missing { days } => lang.t_count("reports-time-missing", days),
    }
}

fn timeliness_class(t: Timeliness) -> &'static str {
    match t {
        Timeliness::Pending => "rp-pending",
        Timeliness::OnTime => "rp-ontime",
        Timeliness::Late { .. } => "rp-late",
        Timeliness::Missing { .. } => "rp-missing",
    }
}

fn status_label(lang: Lang, s: &str) -> String {
    let key = format!("reports-status-{}", s.replace('_', "-"));
    let t = lang.t(&key);
    if t == key { s.to_owned() } else { t }
}

fn action_label(lang: Lang, a: &str) -> String {
    lang.t(&format!("reports-action-{a}"))
}

fn parse_kind(s: &str) -> Result<PeriodKind, WebError> {
    PeriodKind::parse(s).ok_or_else(|| {
        WebError::invalid("kind", format!("\"{s}\" is not a report kind"))
            .with_message("reports-error-kind", s)
    })
}

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
    pub history: Vec<super::history::HistoryItem>,
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
    history: Vec<super::history::HistoryItem>,
) -> ReportListPage {
    let lang = ctx.lang;
    ReportListPage {
        history,
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

#[derive(Debug, Deserialize)]
pub struct FlashParams {
    pub done: Option<String>,
}

fn flash_text(lang: Lang, done: Option<&str>) -> Option<String> {
    let key = match done? {
        "saved" => "reports-flash-saved",
        "submitted" => "reports-flash-submitted",
        "accepted" => "reports-flash-accepted",
        "returned" => "reports-flash-returned",
        "closed" => "reports-flash-closed",
        _ => return None,
    };
    Some(lang.t(key))
}

/// `GET /units/{code}/reports`.
pub async fn list(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<FlashParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let r = ntm_app::reports::unit_reports(&st.app, &ctx.actor(), &code).await?;
    let flash = flash_text(ctx.lang, p.done.as_deref());
    let history = super::history::items(&st, &ctx, &code).await?;
    Ok(render(&list_page(&ctx, &r, flash, history), StatusCode::OK))
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
    Ok(Redirect::to(&format!("{}?done=closed", Urls::reports(&code))).into_response())
}

// ---------------------------------------------------------------- report page

#[derive(Debug, Clone)]
pub struct FigureRow {
    pub code: String,
    pub text: String,
    pub target: String,
    pub actual: String,
    pub status: String,
    pub status_class: String,
    pub agency: String,
}

#[derive(Debug, Clone)]
pub struct SectionRow {
    pub key: &'static str,
    pub title: String,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct VersionRow {
    pub seq: i64,
    pub action: String,
    pub state: String,
    pub actor: String,
    /// Shown with the `time_date` filter.
    pub at: time::OffsetDateTime,
    pub note: String,
}

#[derive(Template)]
#[template(path = "report_page.html")]
pub struct ReportPage {
    pub ctx: Ctx,
    pub id: String,
    pub code: String,
    pub unit_name: String,
    pub title: String,
    pub plan: String,
    pub recipient: String,
    pub parent: String,
    pub due: String,
    pub state: String,
    pub state_key: &'static str,
    pub submitted: String,
    pub timeliness: String,
    pub time_class: &'static str,
    pub closed: bool,
    pub version: i64,
    pub figures: Vec<FigureRow>,
    pub figures_note: String,
    pub sections: Vec<SectionRow>,
    pub return_reason: Option<String>,
    pub versions: Vec<VersionRow>,
    pub can_write: bool,
    pub can_submit: bool,
    pub can_review: bool,
    pub flash: Option<String>,
    pub error: Option<String>,
    pub list_href: String,
}

fn report_page(
    ctx: &Ctx,
    v: &ReportView,
    flash: Option<String>,
    error: Option<String>,
) -> ReportPage {
    let lang = ctx.lang;
    let plan = format!("{} — {}", v.plan_reference, v.plan_name);
    ReportPage {
        ctx: ctx.clone(),
        id: v.id.to_string(),
        code: v.unit.code.clone(),
        unit_name: v.unit.name.clone(),
        title: lang.t_args(
            "reports-report-title",
            &[
                ("period", period_label(lang, v.period).into()),
                ("unit", v.unit.name.clone().into()),
            ],
        ),
        plan,
        recipient: v.recipient.clone(),
        parent: v
            .parent
            .as_ref()
            .map(|p| format!("{} ({})", p.name, p.code))
            .unwrap_or_else(|| v.recipient.clone()),
        due: lang.date(v.due),
        state: state_label(lang, Some(v.state)),
        state_key: v.state.as_str(),
        submitted: v.first_submitted.map(|d| lang.date(d)).unwrap_or_default(),
        timeliness: timeliness_label(lang, v.timeliness),
        time_class: timeliness_class(v.timeliness),
        closed: v.closed,
        version: v.version,
        figures: v
            .figures
            .iter()
            .map(|f| FigureRow {
                code: f.code.clone(),
                text: f.text.clone(),
                target: f.target_text(),
                actual: if f.actual.is_some() {
                    f.actual_text()
                } else {
                    lang.t("reports-no-data")
                },
                status: status_label(lang, &f.status),
                status_class: format!("rp-status-{}", f.status.replace('_', "-")),
                agency: f.agency.clone().unwrap_or_default(),
            })
            .collect(),
        figures_note: lang.t(if v.figures_are_snapshot {
            "reports-figures-snapshot"
        } else {
            "reports-figures-live"
        }),
        sections: v
            .narrative
            .sections()
            .into_iter()
            .map(|(key, _, text)| SectionRow {
                key,
                title: lang.t(&format!("reports-section-{key}")),
                text: text.to_owned(),
            })
            .collect(),
        return_reason: v.return_reason.clone(),
        versions: v
            .versions
            .iter()
            .rev()
            .map(|x| VersionRow {
                seq: x.seq,
                action: action_label(lang, &x.action),
                state: state_label(lang, ReportState::parse(&x.to_state)),
                actor: x.actor.clone(),
                at: x.at,
                note: x.note.clone().unwrap_or_default(),
            })
            .collect(),
        can_write: v.can_write,
        can_submit: v.can_write && !v.closed,
        can_review: v.can_review,
        flash,
        error,
        list_href: Urls::reports(&v.unit.code),
    }
}

/// `GET /reports/{id}`.
pub async fn page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(p): Query<FlashParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "report")?;
    let v = ntm_app::reports::get(&st.app, &ctx.actor(), id).await?;
    let flash = flash_text(ctx.lang, p.done.as_deref());
    Ok(render(&report_page(&ctx, &v, flash, None), StatusCode::OK))
}

#[derive(Debug, Deserialize)]
pub struct NarrativeForm {
    pub version: i64,
    #[serde(default)]
    pub achievements: String,
    #[serde(default)]
    pub shortcomings: String,
    #[serde(default)]
    pub directions: String,
    #[serde(default)]
    pub proposals: String,
}

#[derive(Debug, Deserialize)]
pub struct ActionForm {
    pub version: i64,
    #[serde(default)]
    pub reason: String,
}

/// Applies a change; a refusal (already submitted, closed period, stale version, bad input)
/// shows the report again with the reason and the matching status.
async fn apply(
    st: &AppState,
    ctx: &Ctx,
    id: &str,
    version: i64,
    change: Change,
    done: &str,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(id, "report")?;
    let actor = ctx.actor();
    match ntm_app::reports::act(&st.app, &actor, id, version, change).await {
        Ok(_) => Ok(Redirect::to(&format!("{}?done={done}", Urls::report(id))).into_response()),
        Err(e @ (AppError::Conflict(_) | AppError::Validation(_))) => {
            let status = match e {
                AppError::Conflict(_) => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let message = match &e {
                AppError::Conflict(m) => m.clone(),
                AppError::Validation(fields) => fields
                    .iter()
                    .map(|f| f.message.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
                _ => String::new(),
            };
            let v = ntm_app::reports::get(&st.app, &actor, id).await?;
            let error = Some(format!("{} {message}", ctx.t("reports-refused")));
            Ok(render(&report_page(ctx, &v, None, error), status))
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /reports/{id}/narrative`: saves the narrative as a new version.
pub async fn save(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<NarrativeForm>,
) -> Result<Response, WebError> {
    let n = Narrative {
        achievements: f.achievements,
        shortcomings: f.shortcomings,
        directions: f.directions,
        proposals: f.proposals,
    };
    apply(&st, &ctx, &id, f.version, Change::Save(n), "saved").await
}

/// `POST /reports/{id}/submit`.
pub async fn submit(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> Result<Response, WebError> {
    apply(&st, &ctx, &id, f.version, Change::Submit, "submitted").await
}

/// `POST /reports/{id}/accept`.
pub async fn accept(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> Result<Response, WebError> {
    apply(&st, &ctx, &id, f.version, Change::Accept, "accepted").await
}

/// `POST /reports/{id}/return`: back to the unit, with a reason.
pub async fn return_report(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ActionForm>,
) -> Result<Response, WebError> {
    apply(
        &st,
        &ctx,
        &id,
        f.version,
        Change::Return(f.reason),
        "returned",
    )
    .await
}

fn attachment(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let safe: String = file_name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// `GET /reports/{id}/report.xlsx`.
pub async fn xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "report")?;
    let (bytes, name) = ntm_app::reports::export_xlsx(&st.app, &ctx.actor(), id).await?;
    Ok(attachment(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &name,
    ))
}

/// `GET /reports/{id}/report.pdf`: typeset by `ntm_pdf` (embedded fonts, national heading).
pub async fn pdf(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "report")?;
    let doc = ntm_app::reports::document(&st.app, &ctx.actor(), id).await?;
    let json = serde_json::to_value(&doc).map_err(|e| WebError::internal(e.to_string()))?;
    let bytes = tokio::task::spawn_blocking(move || {
        ntm_pdf::render(ntm_pdf::templates::PERIODIC_REPORT, &json)
    })
    .await
    .map_err(|e| WebError::internal(e.to_string()))?
    .map_err(|e| WebError::internal(e.to_string()))?;
    Ok(attachment(
        bytes,
        "application/pdf",
        &format!("{}.pdf", doc.file_stem),
    ))
}
