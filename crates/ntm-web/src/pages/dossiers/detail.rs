//! One dossier: its procedure timeline, history, documents and the forms of the actions the
//! user may take, filled from the one use case `ntm_app::dossiers::detail`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use fluent_templates::fluent_bundle::FluentValue;
use ntm_app::dossiers::{self as app_dossiers, DossierDetail, MAX_DOCUMENT_BYTES};
use ntm_domain::dossier::ActionKind;
use serde::Deserialize;

use super::actions::ActFormInput;
use super::list::row;
use super::{
    Choice, DossierLinks, action_kind_str, action_label, basis_text, dash, doc_label, kind_label,
    limit_text, role_label, state_label, step_label,
};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::request::parse_id;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::format::date_time;
use crate::view::render;

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
    pub survey_facts: Vec<crate::pages::survey::facts::FactLine>,
    pub decision: Option<String>,
    /// "dd/mm/yyyy · who" — the dossier's own date and who opened it.
    pub opened: String,
    pub published: Option<String>,
    /// Date and reason of a revocation.
    pub revoked: Option<String>,
    pub returns: Vec<String>,
    pub links: DossierLinks,
}

pub(super) struct Retained {
    pub(super) action: String,
    pub(super) form: ActFormInput,
    pub(super) error: String,
}

pub(super) fn detail_view(
    ctx: &Ctx,
    detail: DossierDetail,
    retained: Option<Retained>,
    upload_error: Option<String>,
    conflict: bool,
    flash: Option<String>,
) -> DetailPage {
    let lang = ctx.lang;
    let v = &detail.view;
    let d = &v.dossier;
    let survey_facts = crate::pages::survey::facts::dossier_fact_lines(lang, v, &detail.survey);
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
            recorded: date_time(e.recorded_at),
            note: e.note.clone().unwrap_or_default(),
        })
        .collect();
    let files = v
        .attached
        .iter()
        .map(|f| FileRow {
            href: Urls::dossier_document(f.id),
            name: f.file_name.clone(),
            kind: lang.t(&format!("dossier-doc-{}", dash(&f.kind))),
            size: format!("{} KB", lang.int((f.size + 1023) / 1024)),
            by: f.uploaded_by.clone(),
            when: date_time(f.created_at),
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
    DetailPage {
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
        links: DossierLinks::of_dossier(v.id, &v.unit_code, &v.province_code),
        ctx: ctx.clone(),
    }
}

#[derive(Debug, Deserialize)]
pub struct DetailQuery {
    pub flash: Option<String>,
}

pub async fn detail_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "dossier")?;
    let flash = q
        .flash
        .filter(|f| matches!(f.as_str(), "created" | "done" | "attached"));
    let detail = app_dossiers::detail(&st.app, &ctx.actor(), id).await?;
    let page = detail_view(&ctx, detail, None, None, false, flash);
    Ok(render(&page, StatusCode::OK))
}
