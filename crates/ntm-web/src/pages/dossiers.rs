//! Recognition dossier pages: the list of a unit's dossiers (with the form to open one), a
//! dossier with its procedure timeline, history, documents and the forms of the actions the
//! user may take; the notifications inbox; a province's procedure settings. Plain forms that
//! POST and redirect; refused actions come back on the same page with the reason next to the
//! form and what was typed kept. The work is done by `ntm_app::dossiers`.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use fluent_templates::fluent_bundle::FluentValue;
use ntm_app::AppError;
use ntm_app::dossiers::{self as app_dossiers, ActInput, DossierView, MAX_DOCUMENT_BYTES};
use ntm_app::procedure_settings::{self as ps, SettingInput};
use ntm_domain::dossier::{
    Action, ActionKind, Basis, DayUnit, Decision, DocumentKind, DossierState, LimitKind, StepKind,
    TimeLimit, Verdict,
};
use ntm_domain::units::Level;
use serde::Deserialize;
use uuid::Uuid;

use super::render;
use crate::ctx::{Ctx, url_encode};
use crate::error::{ErrorInfo, WebError, field_error_text};
use crate::i18n::Lang;
use crate::router::AppState;

// ---------------------------------------------------------------- helpers

fn dash(s: &str) -> String {
    s.replace('_', "-")
}

fn state_label(lang: Lang, s: DossierState) -> String {
    lang.t(&format!("dossier-state-{}", dash(s.as_str())))
}

fn step_label(lang: Lang, s: StepKind) -> String {
    lang.t(&format!("dossier-step-{}", dash(s.as_str())))
}

fn action_label(lang: Lang, a: &str) -> String {
    lang.t(&format!("dossier-action-{}", dash(a)))
}

fn doc_label(lang: Lang, k: DocumentKind) -> String {
    lang.t(&format!(
        "dossier-doc-{}",
        dash(&app_dossiers::document_kind_str(k))
    ))
}

fn kind_label(lang: Lang, k: ntm_domain::dossier::DossierKind) -> String {
    lang.t(&format!("dossier-kind-{}", dash(&ps::kind_str(k))))
}

fn role_label(lang: Lang, r: ntm_domain::authz::Role) -> String {
    lang.t(&format!("role-{}", dash(r.as_str())))
}

fn action_kind_str(k: ActionKind) -> String {
    match serde_json::to_value(k) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

fn limit_text(lang: Lang, l: &TimeLimit) -> String {
    match l.days {
        None => lang.t("dossier-limit-unknown"),
        Some(n) => {
            let unit = match l.unit {
                DayUnit::WorkingDays => "dossier-limit-working",
                DayUnit::CalendarDays => "dossier-limit-calendar",
            };
            let key = match l.kind {
                LimitKind::Minimum => "dossier-limit-min",
                LimitKind::Maximum => "dossier-limit-max",
            };
            lang.t_args(
                key,
                &[(
                    "days",
                    FluentValue::from(lang.t_args(unit, &[("n", FluentValue::from(n))])),
                )],
            )
        }
    }
}

fn basis_text(lang: Lang, b: &Basis) -> (String, bool) {
    match b {
        Basis::Sourced { source } => (source.clone(), false),
        Basis::Unconfirmed { note } => (lang.t1("dossier-basis-unconfirmed", note.clone()), true),
        Basis::Unknown { note } => (lang.t1("dossier-basis-unknown", note.clone()), true),
        Basis::Configured { basis } => (lang.t1("dossier-basis-configured", basis.clone()), false),
    }
}

fn time_text(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC));
    format!(
        "{} {:02}:{:02}",
        ntm_domain::text::format_date_vi(t.date()),
        t.hour(),
        t.minute()
    )
}

fn errors_text(lang: Lang, e: &AppError) -> String {
    match e {
        AppError::Validation(fs) => fs
            .iter()
            .map(|f| {
                if f.field == "action" {
                    f.message.clone()
                } else {
                    field_error_text(lang, f)
                }
            })
            .collect::<Vec<_>>()
            .join("; "),
        AppError::Conflict(_) => lang.t("dossier-conflict"),
        AppError::NotFound(m) => m.clone(),
        other => other.to_string(),
    }
}

/// Errors the page shows next to its form (the rest become error pages).
fn shown_on_page(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Validation(_) | AppError::Conflict(_) | AppError::NotFound(_)
    )
}

fn parse_id(s: &str) -> Result<Uuid, WebError> {
    Uuid::parse_str(s.trim()).map_err(|_| WebError::not_found(format!("no dossier {s}")))
}

// ---------------------------------------------------------------- list

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

#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
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
    pub history: Vec<super::history::HistoryItem>,
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
        href: format!("/dossiers/{}", v.id),
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
    let history = super::history::items(st, ctx, code).await?;
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
        Ok(v) => Ok(Redirect::to(&format!("/dossiers/{}?flash=created", v.id)).into_response()),
        Err(e) if shown_on_page(&e) => {
            let msg = errors_text(lang, &e);
            let page = list_view(&st, &ctx, &code, Some(&f), Some(msg)).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- detail

#[derive(Debug, Clone)]
pub struct StepView {
    pub name: String,
    pub body: String,
    pub role: String,
    pub limit: String,
    pub basis: String,
    pub unconfirmed: bool,
    /// `done`, `current` or `todo`.
    pub status: String,
    pub status_label: String,
    pub documents: Vec<DocReq>,
}

#[derive(Debug, Clone)]
pub struct DocReq {
    pub name: String,
    pub required: bool,
    pub present: bool,
}

#[derive(Debug, Clone)]
pub struct EventRow {
    pub seq: i64,
    pub action: String,
    pub from: String,
    pub to: String,
    pub role: String,
    pub actor: String,
    pub date: String,
    pub recorded: String,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct FileRow {
    pub href: String,
    pub name: String,
    pub kind: String,
    pub size: String,
    pub by: String,
    pub when: String,
}

/// One action form with what was typed and its error.
#[derive(Debug, Clone, Default)]
pub struct ActionForm {
    pub action: String,
    pub label: String,
    pub needs_reason: bool,
    pub is_decide: bool,
    pub danger: bool,
    pub error: Option<String>,
    pub reason: String,
    pub number: String,
    pub decision_date: String,
    pub signer: String,
    pub date: String,
}

#[derive(Template)]
#[template(path = "dossier_detail.html")]
pub struct DetailPage {
    pub ctx: Ctx,
    pub id: String,
    pub unit_code: String,
    pub unit_name: String,
    /// Today's name, when it differs from the name on the dossier's date.
    pub unit_name_now: Option<String>,
    pub title: String,
    pub year: i32,
    pub set_id: String,
    pub state: String,
    pub state_class: String,
    pub version: i64,
    pub deadline: String,
    pub overdue: bool,
    pub steps: Vec<StepView>,
    pub events: Vec<EventRow>,
    pub files: Vec<FileRow>,
    pub doc_kinds: Vec<Choice>,
    pub can_upload: bool,
    pub upload_error: Option<String>,
    pub max_upload: String,
    pub actions: Vec<ActionForm>,
    /// A refusal of an action that is no longer offered (e.g. sent from an older page).
    pub other_error: Option<String>,
    pub conflict: bool,
    pub flash: Option<String>,
    pub threshold: String,
    pub threshold_missing: bool,
    /// From the latest closed survey campaign (survey-contents).
    pub survey_facts: Vec<super::survey::FactLine>,
    pub decision: Option<String>,
    /// "dd/mm/yyyy · who" — the dossier's own date and who opened it.
    pub opened: String,
    pub published: Option<String>,
    /// Date and reason of a revocation.
    pub revoked: Option<String>,
    pub returns: Vec<String>,
    pub province_code: String,
}

struct Retained {
    action: String,
    form: ActFormInput,
    error: String,
}

async fn detail_view(
    st: &AppState,
    ctx: &Ctx,
    id: Uuid,
    retained: Option<Retained>,
    upload_error: Option<String>,
    conflict: bool,
    flash: Option<String>,
) -> Result<DetailPage, WebError> {
    let lang = ctx.lang;
    let detail = app_dossiers::detail(&st.app, &ctx.actor(), id).await?;
    let v = &detail.view;
    let d = &v.dossier;
    let survey_facts = super::survey::dossier_fact_lines(lang, v, &detail.survey);
    let available = &detail.actions;
    let mut steps = Vec::new();
    if let Some(p) = &v.procedure {
        for (s, progress) in p.steps.iter().zip(&detail.steps) {
            let status = progress.status.as_str();
            let (basis, b_unconf) = basis_text(lang, &s.time_limit.basis);
            steps.push(StepView {
                name: step_label(lang, s.kind),
                body: s.body_vi.clone(),
                role: role_label(lang, s.role),
                limit: limit_text(lang, &s.time_limit),
                basis,
                unconfirmed: b_unconf || !s.time_limit.confirmed,
                status: status.to_owned(),
                status_label: lang.t(&format!("dossier-status-{status}")),
                documents: s
                    .documents
                    .iter()
                    .map(|x| DocReq {
                        name: doc_label(lang, x.kind),
                        required: x.required,
                        present: v.documents.contains(&x.kind),
                    })
                    .collect(),
            });
        }
    }
    let events = v
        .events
        .iter()
        .map(|e| EventRow {
            seq: e.seq,
            action: action_label(lang, &e.action),
            from: lang.t(&format!("dossier-state-{}", dash(&e.from_state))),
            to: lang.t(&format!("dossier-state-{}", dash(&e.to_state))),
            role: lang.t(&format!("role-{}", dash(&e.role))),
            actor: e.actor.clone(),
            date: ntm_domain::text::parse_date(&e.date)
                .map(|x| lang.date(x))
                .unwrap_or_else(|| e.date.clone()),
            recorded: time_text(e.recorded_at),
            note: e.note.clone().unwrap_or_default(),
        })
        .collect();
    let files = v
        .attached
        .iter()
        .map(|f| FileRow {
            href: format!("/dossier-documents/{}", f.id),
            name: f.file_name.clone(),
            kind: lang.t(&format!("dossier-doc-{}", dash(&f.kind))),
            size: format!("{} KB", lang.int((f.size + 1023) / 1024)),
            by: f.uploaded_by.clone(),
            when: time_text(f.created_at),
        })
        .collect();
    let mut doc_kinds: Vec<Choice> = Vec::new();
    if let Some(p) = &v.procedure {
        for s in &p.steps {
            for x in &s.documents {
                let value = app_dossiers::document_kind_str(x.kind);
                if !doc_kinds.iter().any(|c| c.value == value) {
                    doc_kinds.push(Choice {
                        value,
                        label: doc_label(lang, x.kind),
                        selected: false,
                    });
                }
            }
        }
    }
    let other_error = retained.as_ref().and_then(|r| {
        (!available.iter().any(|k| action_kind_str(*k) == r.action))
            .then(|| format!("{}: {}", action_label(lang, &r.action), r.error))
    });
    let actions = available
        .iter()
        .map(|k| {
            let a = action_kind_str(*k);
            let mut f = ActionForm {
                label: action_label(lang, &a),
                needs_reason: matches!(
                    k,
                    ActionKind::ReviewReturn | ActionKind::AppraiseReturn | ActionKind::Revoke
                ),
                is_decide: *k == ActionKind::Decide,
                danger: matches!(
                    k,
                    ActionKind::ReviewReturn | ActionKind::AppraiseReturn | ActionKind::Revoke
                ),
                action: a.clone(),
                ..Default::default()
            };
            if let Some(r) = &retained
                && r.action == a
            {
                f.error = Some(r.error.clone());
                f.reason = r.form.reason.clone();
                f.number = r.form.number.clone();
                f.decision_date = r.form.decision_date.clone();
                f.signer = r.form.signer.clone();
                f.date = r.form.date.clone();
            }
            f
        })
        .collect();
    let (threshold, threshold_missing) = match &v.threshold {
        Some((p, basis)) => (
            lang.t_args(
                "dossier-threshold-configured",
                &[
                    ("percent", FluentValue::from(p.to_string())),
                    ("basis", FluentValue::from(basis.clone())),
                ],
            ),
            false,
        ),
        None => match v.procedure.as_ref().and_then(|p| p.satisfaction.clone()) {
            Some(t) if t.confirmed => (
                lang.t_args(
                    "dossier-threshold-national",
                    &[
                        ("percent", FluentValue::from(t.percent.to_string())),
                        ("basis", FluentValue::from(basis_text(lang, &t.basis).0)),
                    ],
                ),
                false,
            ),
            _ => (lang.t("dossier-threshold-missing"), true),
        },
    };
    let decision = d.decision.as_ref().map(|x| {
        lang.t_args(
            "dossier-decision-text",
            &[
                ("number", FluentValue::from(x.number.clone())),
                ("date", FluentValue::from(lang.date(x.date))),
                ("signer", FluentValue::from(x.signer.clone())),
            ],
        )
    });
    let opened = format!("{} · {}", lang.date(d.dossier_date), v.created_by);
    let published = d.published_on.map(|x| lang.date(x));
    let revoked = d.revoked_on.map(|x| match &d.revocation_reason {
        Some(r) => format!("{}: {r}", lang.date(x)),
        None => lang.date(x),
    });
    let returns = d
        .returns
        .iter()
        .map(|r| {
            format!(
                "{} · {} · {}: {}",
                lang.date(r.date),
                step_label(lang, r.step),
                role_label(lang, r.role),
                r.reason
            )
        })
        .collect();
    Ok(DetailPage {
        id: v.id.to_string(),
        unit_code: v.unit_code.clone(),
        unit_name: detail.unit_name.clone(),
        unit_name_now: detail.unit_name_now.clone(),
        title: kind_label(lang, d.kind),
        year: v.year,
        set_id: v.set_id.clone(),
        state: state_label(lang, d.state),
        state_class: dash(d.state.as_str()),
        version: v.version,
        deadline: row(lang, v).deadline,
        overdue: v.overdue,
        steps,
        events,
        files,
        doc_kinds,
        can_upload: detail.can_upload,
        upload_error,
        max_upload: format!("{} MB", MAX_DOCUMENT_BYTES / 1024 / 1024),
        actions,
        other_error,
        conflict,
        flash: flash.map(|f| lang.t(&format!("dossier-flash-{f}"))),
        threshold,
        threshold_missing,
        survey_facts,
        decision,
        opened,
        published,
        revoked,
        returns,
        province_code: v.province_code.clone(),
        ctx: ctx.clone(),
    })
}

#[derive(Debug, Deserialize)]
pub struct DetailQuery {
    pub flash: Option<String>,
}

pub async fn detail_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<DetailQuery>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id)?;
    let flash = q
        .flash
        .filter(|f| matches!(f.as_str(), "created" | "done" | "attached"));
    let page = detail_view(&st, &ctx, id, None, None, false, flash).await?;
    Ok(render(&page, StatusCode::OK))
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActFormInput {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub expected_seq: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub decision_date: String,
    #[serde(default)]
    pub signer: String,
    #[serde(default)]
    pub date: String,
}

fn parse_action(lang: Lang, f: &ActFormInput) -> Result<Action, AppError> {
    let reason = f.reason.trim().to_owned();
    Ok(match f.action.as_str() {
        "start_posting" => Action::StartPosting,
        "end_posting" => Action::EndPosting,
        "submit" => Action::Submit,
        "review_pass" => Action::Review(Verdict::Pass),
        "review_return" => Action::Review(Verdict::Return { reason }),
        "appraise_pass" => Action::Appraise(Verdict::Pass),
        "appraise_return" => Action::Appraise(Verdict::Return { reason }),
        "decide" => {
            let date = ntm_domain::text::parse_date(f.decision_date.trim()).ok_or_else(|| {
                AppError::invalid("decision_date", lang.t("dossier-bad-decision-date"))
            })?;
            Action::Decide(Decision {
                number: f.number.trim().to_owned(),
                date,
                signer: f.signer.trim().to_owned(),
            })
        }
        "publish" => Action::Publish,
        "revoke" => Action::Revoke { reason },
        other => {
            return Err(AppError::invalid(
                "action",
                lang.t1("dossier-bad-action", other),
            ));
        }
    })
}

pub async fn act(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<ActFormInput>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let lang = ctx.lang;
    let id = parse_id(&id)?;
    let expected: Option<i64> = f.expected_seq.trim().parse().ok();
    let date = match f.date.trim() {
        "" => Ok(None),
        s => ntm_domain::text::parse_date(s)
            .map(Some)
            .ok_or_else(|| AppError::invalid("date", lang.t("dossier-bad-date"))),
    };
    let result = match (parse_action(lang, &f), expected, date) {
        (Err(e), _, _) | (_, _, Err(e)) => Err(e),
        (_, None, _) => Err(AppError::invalid("expected_seq", "missing version")),
        (Ok(action), Some(expected_seq), Ok(date)) => app_dossiers::act(
            &st.app,
            &ctx.actor(),
            id,
            ActInput {
                action,
                expected_seq,
                date,
                documents: Vec::new(),
            },
        )
        .await
        .map(|_| ()),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/dossiers/{id}?flash=done")).into_response()),
        Err(e) if shown_on_page(&e) => {
            let conflict = matches!(e, AppError::Conflict(_));
            let status = if conflict {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let retained = Retained {
                action: f.action.clone(),
                error: errors_text(lang, &e),
                form: f,
            };
            let page = detail_view(&st, &ctx, id, Some(retained), None, conflict, None).await?;
            Ok(render(&page, status))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn upload(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let lang = ctx.lang;
    let id = parse_id(&id)?;
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut too_big = false;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    too_big = true;
                    break;
                }
                return Err(WebError(ErrorInfo::from_status(e.status(), &e.body_text())));
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            match field.bytes().await {
                Ok(b) if b.len() > MAX_DOCUMENT_BYTES => too_big = true,
                Ok(b) => file = Some((file_name, b.to_vec())),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    too_big = true;
                    break;
                }
                Err(e) => {
                    return Err(WebError(ErrorInfo::from_status(e.status(), &e.body_text())));
                }
            }
        } else {
            let text = field
                .text()
                .await
                .map_err(|e| WebError(ErrorInfo::from_status(e.status(), &e.body_text())))?;
            fields.insert(name, text);
        }
    }
    let kind: Option<DocumentKind> = fields
        .get("kind")
        .and_then(|k| serde_json::from_value(serde_json::Value::String(k.trim().to_owned())).ok());
    let (status, msg) = if too_big {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            Some(lang.t1(
                "dossier-file-too-big",
                (MAX_DOCUMENT_BYTES / 1024 / 1024).to_string(),
            )),
        )
    } else {
        match (kind, file) {
            (None, _) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(lang.t("dossier-bad-doc-kind")),
            ),
            (_, None) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(lang.t("dossier-file-none")),
            ),
            (Some(kind), Some((name, bytes))) => {
                match app_dossiers::attach_document(&st.app, &ctx.actor(), id, kind, &name, bytes)
                    .await
                {
                    Ok(_) => (StatusCode::OK, None),
                    Err(e) if shown_on_page(&e) => (
                        StatusCode::UNPROCESSABLE_ENTITY,
                        Some(errors_text(lang, &e)),
                    ),
                    Err(e) => return Err(e.into()),
                }
            }
        }
    };
    match msg {
        None => {
            Ok(Redirect::to(&format!("/dossiers/{id}?flash=attached#documents")).into_response())
        }
        Some(m) => {
            let page = detail_view(&st, &ctx, id, None, Some(m), false, None).await?;
            Ok(render(&page, status))
        }
    }
}

pub async fn download(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = Uuid::parse_str(id.trim())
        .map_err(|_| WebError::not_found(format!("no dossier document {id}")))?;
    let (doc, bytes) = app_dossiers::document_file(&st.app, &ctx.actor(), id).await?;
    let ascii: String = doc
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        url_encode(&doc.file_name)
    );
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&doc.media_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private"));
    Ok(res)
}

// ---------------------------------------------------------------- notifications

#[derive(Debug, Clone)]
pub struct NoteRow {
    pub id: String,
    pub text: String,
    pub href: String,
    pub when: String,
    pub read: bool,
}

#[derive(Template)]
#[template(path = "dossier_notifications.html")]
pub struct NotificationsPage {
    pub ctx: Ctx,
    pub rows: Vec<NoteRow>,
    pub unread: usize,
}

fn note_text(lang: Lang, m: &ntm_app::notifications::Message) -> String {
    let mut args: Vec<(&str, FluentValue<'static>)> = Vec::new();
    for (k, v) in &m.args {
        let shown = match k.as_str() {
            "state" => lang.t(&format!("dossier-state-{}", dash(v))),
            "step" => lang.t(&format!("dossier-step-{}", dash(v))),
            "action" => action_label(lang, v),
            _ => v.clone(),
        };
        args.push((k.as_str(), FluentValue::from(shown)));
    }
    lang.t_args(&m.key, &args)
}

pub async fn notifications_page(
    State(st): State<AppState>,
    ctx: Ctx,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let lang = ctx.lang;
    let list = ntm_app::notifications::list(&st.app, &ctx.actor()).await?;
    let rows: Vec<NoteRow> = list
        .iter()
        .map(|n| NoteRow {
            id: n.id.to_string(),
            text: note_text(lang, &n.message),
            href: if n.link.starts_with('/') {
                n.link.clone()
            } else {
                "/".into()
            },
            when: time_text(n.created_at),
            read: n.read,
        })
        .collect();
    let page = NotificationsPage {
        unread: rows.iter().filter(|r| !r.read).count(),
        rows,
        ctx: ctx.clone(),
    };
    Ok(render(&page, StatusCode::OK))
}

#[derive(Debug, Deserialize)]
pub struct ReadForm {
    #[serde(default)]
    pub id: String,
}

pub async fn mark_read(
    State(st): State<AppState>,
    ctx: Ctx,
    Form(f): Form<ReadForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = match f.id.trim() {
        "" | "all" => None,
        s => Some(Uuid::parse_str(s).map_err(|_| WebError::not_found("no such notification"))?),
    };
    ntm_app::notifications::mark_read(&st.app, &ctx.actor(), id).await?;
    Ok(Redirect::to("/notifications").into_response())
}

// ---------------------------------------------------------------- province settings

#[derive(Debug, Clone)]
pub struct SettingRow {
    pub kind: String,
    pub key: String,
    pub what: String,
    pub value: String,
    pub basis: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "dossier_settings.html")]
pub struct SettingsPage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub can_edit: bool,
    pub holidays: Vec<SettingRow>,
    pub limits: Vec<SettingRow>,
    pub thresholds: Vec<SettingRow>,
    /// Minimum shares of households surveyed (survey-contents).
    pub coverages: Vec<SettingRow>,
    pub kinds: Vec<Choice>,
    pub steps: Vec<Choice>,
    pub error: Option<String>,
    pub form: SettingsForm,
}

async fn settings_view(
    st: &AppState,
    ctx: &Ctx,
    code: &str,
    error: Option<String>,
    form: SettingsForm,
) -> Result<SettingsPage, WebError> {
    let lang = ctx.lang;
    let (u, s, can_edit) = ps::get(&st.app, &ctx.actor(), code).await?;
    let mut holidays = Vec::new();
    let mut limits = Vec::new();
    let mut thresholds = Vec::new();
    let mut coverages = Vec::new();
    for r in &s.rows {
        let mut row = SettingRow {
            kind: r.kind.clone(),
            key: r.key.clone(),
            what: String::new(),
            value: r.value.clone(),
            basis: r.basis.clone(),
            by: format!("{} · {}", r.updated_by, time_text(r.updated_at)),
        };
        match r.kind.as_str() {
            ps::HOLIDAY => {
                row.what = ntm_domain::text::parse_date(&r.key)
                    .map(|d| lang.date(d))
                    .unwrap_or_else(|| r.key.clone());
                holidays.push(row);
            }
            ps::TIME_LIMIT => {
                if let Some((k, stp)) = r.key.split_once('/') {
                    let kl = ps::parse_kind(k)
                        .map(|k| kind_label(lang, k))
                        .unwrap_or_default();
                    let sl = ps::parse_step(stp)
                        .map(|s| step_label(lang, s))
                        .unwrap_or_default();
                    row.what = format!("{kl} — {sl}");
                }
                if let Some((days, unit)) = ps::parse_limit(&r.value) {
                    let key = match unit {
                        DayUnit::WorkingDays => "dossier-limit-working",
                        DayUnit::CalendarDays => "dossier-limit-calendar",
                    };
                    row.value = lang.t_args(key, &[("n", FluentValue::from(days))]);
                }
                limits.push(row);
            }
            ps::COVERAGE => {
                row.what = ps::parse_kind(&r.key)
                    .map(|k| kind_label(lang, k))
                    .unwrap_or_default();
                row.value = format!("{} %", r.value);
                coverages.push(row);
            }
            _ => {
                row.what = ps::parse_kind(&r.key)
                    .map(|k| kind_label(lang, k))
                    .unwrap_or_default();
                row.value = format!("{} %", r.value);
                thresholds.push(row);
            }
        }
    }
    let kinds = ps::kinds_for(Level::Commune)
        .into_iter()
        .chain(ps::kinds_for(Level::District))
        .map(|k| Choice {
            value: ps::kind_str(k),
            label: kind_label(lang, k),
            selected: ps::kind_str(k) == form.kind,
        })
        .collect();
    let steps = [
        StepKind::Preparation,
        StepKind::PublicPosting,
        StepKind::Submission,
        StepKind::Review,
        StepKind::Appraisal,
        StepKind::Decision,
        StepKind::Publication,
    ]
    .into_iter()
    .map(|s| Choice {
        value: s.as_str().to_owned(),
        label: step_label(lang, s),
        selected: s.as_str() == form.step,
    })
    .collect();
    Ok(SettingsPage {
        code: u.code.clone(),
        name: u.name.clone(),
        can_edit,
        holidays,
        limits,
        thresholds,
        coverages,
        kinds,
        steps,
        error,
        form,
        ctx: ctx.clone(),
    })
}

pub async fn settings_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let page = settings_view(&st, &ctx, &code, None, SettingsForm::default()).await?;
    Ok(render(&page, StatusCode::OK))
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SettingsForm {
    /// `holiday`, `time_limit`, `satisfaction` or `delete`.
    #[serde(default)]
    pub what: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub step: String,
    #[serde(default)]
    pub days: String,
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub percent: String,
    #[serde(default)]
    pub basis: String,
    #[serde(default)]
    pub setting_kind: String,
    #[serde(default)]
    pub key: String,
}

pub async fn settings_post(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Form(f): Form<SettingsForm>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let lang = ctx.lang;
    let actor = ctx.actor();
    let bad = |field: &str, key: &str| Err(AppError::invalid(field, lang.t(key)));
    let input: Result<Option<SettingInput>, AppError> = match f.what.as_str() {
        "holiday" => match ntm_domain::text::parse_date(f.date.trim()) {
            Some(date) => Ok(Some(SettingInput::Holiday { date })),
            None => bad("date", "dossier-bad-date"),
        },
        "time_limit" => match (
            ps::parse_kind(&f.kind),
            ps::parse_step(&f.step),
            f.days.trim().parse::<u32>().ok(),
        ) {
            (Some(kind), Some(step), Some(days)) => Ok(Some(SettingInput::TimeLimit {
                kind,
                step,
                days,
                unit: if f.unit == "calendar" {
                    DayUnit::CalendarDays
                } else {
                    DayUnit::WorkingDays
                },
            })),
            (None, _, _) => bad("kind", "dossier-bad-kind"),
            (_, None, _) => bad("step", "dossier-bad-step"),
            _ => bad("days", "dossier-bad-days"),
        },
        "satisfaction" => match (
            ps::parse_kind(&f.kind),
            f.percent.trim().parse::<u32>().ok(),
        ) {
            (Some(kind), Some(percent)) => Ok(Some(SettingInput::Satisfaction { kind, percent })),
            (None, _) => bad("kind", "dossier-bad-kind"),
            _ => bad("percent", "dossier-bad-percent"),
        },
        "coverage" => match (
            ps::parse_kind(&f.kind),
            f.percent.trim().parse::<u32>().ok(),
        ) {
            (Some(kind), Some(percent)) => Ok(Some(SettingInput::Coverage { kind, percent })),
            (None, _) => bad("kind", "dossier-bad-kind"),
            _ => bad("percent", "dossier-bad-percent"),
        },
        "delete" => Ok(None),
        _ => bad("what", "dossier-bad-setting"),
    };
    let result = match input {
        Err(e) => Err(e),
        Ok(Some(i)) => ps::put(&st.app, &actor, &code, i, &f.basis).await,
        Ok(None) => ps::delete(&st.app, &actor, &code, &f.setting_kind, &f.key).await,
    };
    match result {
        Ok(()) => Ok(
            Redirect::to(&format!("/units/{}/procedure-settings", url_encode(&code)))
                .into_response(),
        ),
        Err(e) if matches!(e, AppError::Validation(_) | AppError::NotFound(_)) => {
            let msg = errors_text(lang, &e);
            let page = settings_view(&st, &ctx, &code, Some(msg), f).await?;
            Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(e.into()),
    }
}
