//! `GET /reports/{id}`: a report (figures, narrative, versions) and the changes to it:
//! save the narrative, submit, accept, return.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::reports::{ActOutcome, Change, Refusal, ReportView};
use ntm_domain::reports::{Narrative, ReportState};
use serde::Deserialize;

use super::{
    FlashParams, action_label, flash_text, period_label, state_label, status_label,
    timeliness_class, timeliness_label,
};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::request::parse_id;
use crate::state::AppState;
use crate::urls::{ReportPart, Urls};
use crate::view::filters;
use crate::view::render;

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
    pub unit_href: String,
    /// The forms and downloads of the report.
    pub narrative_action: String,
    pub submit_action: String,
    pub accept_action: String,
    pub return_action: String,
    pub xlsx_href: String,
    pub pdf_href: String,
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
        unit_href: Urls::unit(&v.unit.code),
        narrative_action: Urls::report_part(v.id, ReportPart::Narrative),
        submit_action: Urls::report_part(v.id, ReportPart::Submit),
        accept_action: Urls::report_part(v.id, ReportPart::Accept),
        return_action: Urls::report_part(v.id, ReportPart::Return),
        xlsx_href: Urls::report_part(v.id, ReportPart::Xlsx),
        pdf_href: Urls::report_part(v.id, ReportPart::Pdf),
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
    match ntm_app::reports::act_on_page(&st.app, &ctx.actor(), id, version, change).await? {
        ActOutcome::Done(_) => Ok(Redirect::to(&Urls::report_done(id, done)).into_response()),
        ActOutcome::Refused { view, why } => {
            let (status, message) = match why {
                Refusal::Conflict(m) => (StatusCode::CONFLICT, m),
                Refusal::Invalid(fields) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    fields
                        .iter()
                        .map(|f| f.message.clone())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            };
            let error = Some(format!("{} {message}", ctx.t("reports-refused")));
            Ok(render(&report_page(ctx, &view, None, error), status))
        }
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
