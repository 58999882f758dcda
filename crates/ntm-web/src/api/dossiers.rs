//! `/api/v1/dossiers`: recognition dossiers (hồ sơ xét, công nhận) and their transitions
//! under QĐ 18/2022/QĐ-TTg (see `docs/recognition-workflow.md`).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Json;
use ntm_app::dossiers::{ActInput, DossierView, EventView, NewDossier};
use ntm_domain::dossier::{Action, Decision, DocumentKind, DossierKind, Verdict};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::ctx::Ctx;
use crate::error::{Problem, WebError};
use crate::request::parse_id;
use crate::state::AppState;

/// snake_case text of a domain enum (its serde name).
fn name<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

fn parse_name<T: serde::de::DeserializeOwned>(field: &str, s: &str) -> Result<T, WebError> {
    serde_json::from_value(serde_json::Value::String(s.trim().to_owned()))
        .map_err(|_| WebError::invalid(field, format!("unknown value {s:?}")))
}

fn parse_date(field: &str, s: Option<&str>) -> Result<Option<Date>, WebError> {
    const ISO: &[time::format_description::BorrowedFormatItem<'static>] =
        time::macros::format_description!("[year]-[month]-[day]");
    match s.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => Date::parse(t, ISO)
            .map(Some)
            .map_err(|_| WebError::invalid(field, format!("{t:?} is not a date (YYYY-MM-DD)"))),
    }
}

/// A return with its reason.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReturnDto {
    /// review or appraisal
    pub step: String,
    pub role: String,
    #[schema(format = Date)]
    pub date: String,
    pub reason: String,
}

/// A recognition decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionDto {
    #[schema(example = "1234/QĐ-UBND")]
    pub number: String,
    #[schema(format = Date)]
    pub date: String,
    pub signer: String,
}

/// The time limit of the step the dossier waits on.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineDto {
    pub step: String,
    #[schema(format = Date)]
    pub start: String,
    /// Absent when the limit is not known (most steps: no confirmed source).
    #[schema(format = Date)]
    pub due: Option<String>,
    /// minimum (the posting period) or maximum
    pub kind: String,
    /// working_days or calendar_days
    pub unit: String,
    pub confirmed: bool,
    /// Why there is no due date, or why the limit is unconfirmed.
    pub reason: Option<String>,
}

/// One transition.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventDto {
    /// 1 for the first transition, then +1 (the dossier's `seq` after it).
    pub seq: i64,
    /// start_posting, end_posting, submit, review_pass, review_return, appraise_pass,
    /// appraise_return, decide, publish or revoke
    pub action: String,
    pub from: String,
    pub to: String,
    /// The platform role that acted.
    pub role: String,
    /// Who acted.
    pub actor: String,
    #[schema(format = Date)]
    pub date: String,
    /// The reason of a return or revocation, the decision, or a transition note.
    pub note: Option<String>,
    /// Documents declared with this action.
    pub documents: Vec<String>,
    #[schema(format = DateTime)]
    pub recorded_at: String,
}

impl From<&EventView> for EventDto {
    fn from(e: &EventView) -> EventDto {
        EventDto {
            seq: e.seq,
            action: e.action.clone(),
            from: e.from_state.clone(),
            to: e.to_state.clone(),
            role: e.role.clone(),
            actor: e.actor.clone(),
            date: e.date.clone(),
            note: e.note.clone(),
            documents: e.documents.iter().map(name).collect(),
            recorded_at: rfc3339(e.recorded_at),
        }
    }
}

/// A recognition dossier.
#[derive(Debug, Serialize, ToSchema)]
pub struct DossierDto {
    pub id: Uuid,
    #[schema(example = "29374")]
    pub unit_code: String,
    pub province_code: String,
    #[schema(example = "xa-ntm-2021-2025")]
    pub set: String,
    pub year: i32,
    /// commune_ntm, commune_advanced, commune_model, district_ntm, district_advanced
    pub kind: String,
    /// until_june_2025 (district review) or from_july_2025 (province appraises directly)
    pub period: String,
    /// preparing, public_posting, ready_to_submit, submitted, reviewed, appraised,
    /// recognized, published, revoked
    pub state: String,
    /// The state in Vietnamese.
    pub state_vi: String,
    /// Seq of the last transition (0 when none): send it as `expected_seq` with an action.
    pub seq: i64,
    #[schema(format = Date)]
    pub dossier_date: String,
    #[schema(format = Date)]
    pub state_since: String,
    #[schema(format = Date)]
    pub posting_started: Option<String>,
    #[schema(format = Date)]
    pub posting_ended: Option<String>,
    #[schema(format = Date)]
    pub submitted_on: Option<String>,
    pub returns: Vec<ReturnDto>,
    pub decision: Option<DecisionDto>,
    #[schema(format = Date)]
    pub published_on: Option<String>,
    #[schema(format = Date)]
    pub revoked_on: Option<String>,
    pub revocation_reason: Option<String>,
    pub deadline: Option<DeadlineDto>,
    /// Past a known maximum time limit today.
    pub overdue: bool,
    /// Documents declared so far (no upload yet).
    pub documents: Vec<String>,
    pub created_by: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    /// The transitions, oldest first (empty in lists).
    pub events: Vec<EventDto>,
}

/// A timestamp as the OpenAPI document declares it (`date-time`, RFC 3339); security review
/// 8: it was `2026-12-06 6:55:33.0 +00:00:00`.
fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

impl From<&DossierView> for DossierDto {
    fn from(v: &DossierView) -> DossierDto {
        let d = &v.dossier;
        let ds = |x: Option<Date>| x.map(|d| d.to_string());
        DossierDto {
            id: v.id,
            unit_code: v.unit_code.clone(),
            province_code: v.province_code.clone(),
            set: v.set_id.clone(),
            year: v.year,
            kind: name(&d.kind),
            period: ntm_app::dossiers::period_str(v.period).to_string(),
            state: d.state.as_str().to_string(),
            state_vi: d.state.name_vi().to_string(),
            seq: v.version,
            dossier_date: d.dossier_date.to_string(),
            state_since: d.state_since.to_string(),
            posting_started: ds(d.posting_started),
            posting_ended: ds(d.posting_ended),
            submitted_on: ds(d.submitted_on),
            returns: d
                .returns
                .iter()
                .map(|r| ReturnDto {
                    step: name(&r.step),
                    role: r.role.as_str().to_string(),
                    date: r.date.to_string(),
                    reason: r.reason.clone(),
                })
                .collect(),
            decision: d.decision.as_ref().map(|x| DecisionDto {
                number: x.number.clone(),
                date: x.date.to_string(),
                signer: x.signer.clone(),
            }),
            published_on: ds(d.published_on),
            revoked_on: ds(d.revoked_on),
            revocation_reason: d.revocation_reason.clone(),
            deadline: v.deadline.as_ref().map(|x| DeadlineDto {
                step: name(&x.step),
                start: x.start.to_string(),
                due: ds(x.due),
                kind: name(&x.kind),
                unit: name(&x.unit),
                confirmed: x.confirmed,
                reason: x.reason.clone(),
            }),
            overdue: v.overdue,
            documents: v.documents.iter().map(name).collect(),
            created_by: v.created_by.clone(),
            created_at: rfc3339(v.created_at),
            events: v.events.iter().map(EventDto::from).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DossierListDto {
    pub dossiers: Vec<DossierDto>,
}

/// Opening a dossier.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateDossierDto {
    /// Official code of the applying unit.
    #[schema(example = "29374")]
    pub unit: String,
    #[schema(example = "xa-ntm-2021-2025")]
    pub set: String,
    #[schema(example = 2025)]
    pub year: i32,
    /// commune_ntm (default), commune_advanced, commune_model, district_ntm,
    /// district_advanced (district dossiers only when dated before 2025-07-01).
    #[serde(default)]
    pub kind: Option<String>,
    /// The dossier's date, which picks the procedure's period; today when absent.
    #[serde(default)]
    #[schema(format = Date)]
    pub date: Option<String>,
}

/// Opens a recognition dossier for a unit, a criteria set and a year (by the unit's own
/// officer: a commune officer for a commune dossier). The dossier's date picks the chain:
/// until 30/06/2025 the district reviews; from 01/07/2025 the province appraises directly.
#[utoipa::path(
    post,
    path = "/api/v1/dossiers",
    tag = "dossiers",
    summary = "Open a recognition dossier",
    params(("X-CSRF-Token" = String, Header, description = "Value of the ntm_csrf cookie")),
    request_body = CreateDossierDto,
    responses(
        (status = 201, description = "The dossier, in state preparing", body = DossierDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the unit's officer, or bad CSRF token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No unit with this code on that date", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown set or kind, year outside the set's validity, a date in the future, a district dossier after 30/06/2025", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_dossier(
    State(st): State<AppState>,
    ctx: Ctx,
    Json(body): Json<CreateDossierDto>,
) -> Result<(StatusCode, Json<DossierDto>), WebError> {
    ctx.require_user()?;
    let kind: DossierKind = match body.kind.as_deref() {
        None | Some("") => DossierKind::CommuneNtm,
        Some(k) => parse_name("kind", k)?,
    };
    let input = NewDossier {
        unit_code: body.unit,
        set_id: body.set,
        year: body.year,
        kind,
        date: parse_date("date", body.date.as_deref())?,
    };
    let v = ntm_app::dossiers::create(&st.app, &ctx.actor(), input).await?;
    Ok((StatusCode::CREATED, Json(DossierDto::from(&v))))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListParams {
    /// Official code of a unit: its dossiers and those of the units under it. Absent: every
    /// unit in the user's scope.
    pub unit: Option<String>,
}

/// Dossiers of a unit and the units under it (or of the user's whole scope), newest first,
/// each with its pending deadline and overdue flag.
#[utoipa::path(
    get,
    path = "/api/v1/dossiers",
    tag = "dossiers",
    summary = "List recognition dossiers",
    params(ListParams),
    responses(
        (status = 200, description = "The dossiers", body = DossierListDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The unit is outside the user's scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No unit with this code today", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_dossiers(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListParams>,
) -> Result<Json<DossierListDto>, WebError> {
    ctx.require_user()?;
    let unit = q.unit.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let list = ntm_app::dossiers::list(&st.app, &ctx.actor(), unit).await?;
    Ok(Json(DossierListDto {
        dossiers: list.iter().map(DossierDto::from).collect(),
    }))
}

/// One dossier with its history.
#[utoipa::path(
    get,
    path = "/api/v1/dossiers/{id}",
    tag = "dossiers",
    summary = "A recognition dossier and its transitions",
    params(("id" = String, Path, description = "Dossier id (UUID)")),
    responses(
        (status = 200, description = "The dossier", body = DossierDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The unit is outside the user's scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such dossier", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_dossier(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<DossierDto>, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "dossier")?;
    let v = ntm_app::dossiers::get(&st.app, &ctx.actor(), id).await?;
    Ok(Json(DossierDto::from(&v)))
}

/// One action on a dossier.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ActionDto {
    /// start_posting, end_posting, submit, review, appraise, decide, publish or revoke
    #[schema(example = "start_posting")]
    pub action: String,
    /// The dossier's `seq` as last read: refused with 409 if someone acted meanwhile.
    pub expected_seq: i64,
    /// For review and appraise: pass or return.
    #[serde(default)]
    pub verdict: Option<String>,
    /// Required to return (review/appraise) or revoke.
    #[serde(default)]
    pub reason: Option<String>,
    /// For decide: the decision's number, date and signer.
    #[serde(default)]
    #[schema(example = "1234/QĐ-UBND")]
    pub decision_number: Option<String>,
    #[serde(default)]
    #[schema(format = Date)]
    pub decision_date: Option<String>,
    #[serde(default)]
    pub decision_signer: Option<String>,
    /// The day of the act; today when absent. Not before the last transition, not in the
    /// future.
    #[serde(default)]
    #[schema(format = Date)]
    pub date: Option<String>,
    /// Documents declared attached with this action: submission_letter, results_report,
    /// comments_summary, satisfaction_report, meeting_minutes, capital_debt_report, photos,
    /// review_report, appraisal_report.
    #[serde(default)]
    pub documents: Vec<String>,
}

fn verdict(body: &ActionDto) -> Result<Verdict, WebError> {
    match body.verdict.as_deref().map(str::trim) {
        Some("pass") => Ok(Verdict::Pass),
        Some("return") => Ok(Verdict::Return {
            reason: body.reason.clone().unwrap_or_default(),
        }),
        _ => Err(WebError::invalid("verdict", "use pass or return")),
    }
}

fn to_action(body: &ActionDto) -> Result<Action, WebError> {
    Ok(match body.action.trim() {
        "start_posting" => Action::StartPosting,
        "end_posting" => Action::EndPosting,
        "submit" => Action::Submit,
        "review" => Action::Review(verdict(body)?),
        "appraise" => Action::Appraise(verdict(body)?),
        "decide" => Action::Decide(Decision {
            number: body.decision_number.clone().unwrap_or_default(),
            date: parse_date("decision_date", body.decision_date.as_deref())?
                .ok_or_else(|| WebError::invalid("decision_date", "required (YYYY-MM-DD)"))?,
            signer: body.decision_signer.clone().unwrap_or_default(),
        }),
        "publish" => Action::Publish,
        "revoke" => Action::Revoke {
            reason: body.reason.clone().unwrap_or_default(),
        },
        other => {
            return Err(WebError::invalid(
                "action",
                format!("unknown action {other:?}"),
            ));
        }
    })
}

/// Applies one action, as the step's role on the dossier's unit: the commune officer starts
/// and ends the public posting and submits; the district officer reviews (dossiers dated
/// until 30/06/2025); the province officer appraises, records the decision, publishes and
/// revokes. Out-of-order actions and unmet conditions (documents, criteria met on verified
/// data, satisfaction rate) are refused with the procedure's reason; nothing is written.
#[utoipa::path(
    post,
    path = "/api/v1/dossiers/{id}/actions",
    tag = "dossiers",
    summary = "Act on a recognition dossier",
    params(
        ("id" = String, Path, description = "Dossier id (UUID)"),
        ("X-CSRF-Token" = String, Header, description = "Value of the ntm_csrf cookie"),
    ),
    request_body = ActionDto,
    responses(
        (status = 200, description = "The dossier after the transition", body = DossierDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not the role of this step on this unit, or bad CSRF token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such dossier", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Someone acted on the dossier meanwhile (stale expected_seq)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The action does not follow the dossier's state, or its conditions are not met (the reason is given)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn act_on_dossier(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Json(body): Json<ActionDto>,
) -> Result<Json<DossierDto>, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "dossier")?;
    let action = to_action(&body)?;
    let documents = body
        .documents
        .iter()
        .map(|d| parse_name::<DocumentKind>("documents", d))
        .collect::<Result<Vec<_>, _>>()?;
    let input = ActInput {
        action,
        expected_seq: body.expected_seq,
        date: parse_date("date", body.date.as_deref())?,
        documents,
    };
    let v = ntm_app::dossiers::act(&st.app, &ctx.actor(), id, input).await?;
    Ok(Json(DossierDto::from(&v)))
}

/// A PDF file.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct PdfFile(pub Vec<u8>);

/// The dossier as a PDF for the appraisal council: the same document as the page
/// `/dossiers/{id}/pdf`. Whoever may view the dossier may download it.
#[utoipa::path(
    get,
    path = "/api/v1/dossiers/{id}/pdf",
    tag = "dossiers",
    summary = "A recognition dossier as a PDF",
    params(("id" = String, Path, description = "Dossier id (UUID)")),
    responses(
        (status = 200, description = "The dossier's PDF (shown inline, with a file name)", body = inline(PdfFile), content_type = "application/pdf"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The unit is outside the user's scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such dossier", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn dossier_pdf(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<axum::response::Response, WebError> {
    crate::view::pdf::pdf_response(&st, &ctx, &id).await
}
