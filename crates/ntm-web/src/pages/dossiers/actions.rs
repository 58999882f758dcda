//! What the dossier page posts: an action, an attached document; and a document's download.

use axum::extract::{Form, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::dossiers::{self as app_dossiers, ActInput, MAX_DOCUMENT_BYTES};
use ntm_app::page::Submitted;
use ntm_domain::dossier::{Action, Decision, DocumentKind, Verdict};
use serde::Deserialize;
use uuid::Uuid;

use super::detail::{Retained, detail_view};
use super::{errors_text, shown_on_page};
use crate::ctx::Ctx;
use crate::error::{ErrorKind, WebError};
use crate::i18n::Lang;
use crate::request::{parse_id, read_upload};
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::render;

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
    let id = parse_id(&id, "dossier")?;
    let expected: Option<i64> = f.expected_seq.trim().parse().ok();
    let date = match f.date.trim() {
        "" => Ok(None),
        s => ntm_domain::text::parse_date(s)
            .map(Some)
            .ok_or_else(|| AppError::invalid("date", lang.t("dossier-bad-date"))),
    };
    let (input, parse_error) = match (parse_action(lang, &f), expected, date) {
        (Err(e), _, _) | (_, _, Err(e)) => (None, Some(e)),
        (_, None, _) => (
            None,
            Some(AppError::invalid("expected_seq", "missing version")),
        ),
        (Ok(action), Some(expected_seq), Ok(date)) => (
            Some(ActInput {
                action,
                expected_seq,
                date,
                documents: Vec::new(),
            }),
            None,
        ),
    };
    match app_dossiers::act_page(&st.app, &ctx.actor(), id, input).await? {
        Submitted::Done(_) => Ok(Redirect::to(&Urls::dossier_done(id, "done")).into_response()),
        Submitted::Again { refusal, page } => match refusal.or(parse_error) {
            Some(e) if shown_on_page(&e) => {
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
                let page = detail_view(&ctx, page, Some(retained), None, conflict, None);
                Ok(render(&page, status))
            }
            Some(e) => Err(e.into()),
            None => Err(WebError::internal("action refused without a reason")),
        },
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
    let id = parse_id(&id, "dossier")?;
    // Over the route's limit: the page says the file is too large (413), as one over
    // `MAX_DOCUMENT_BYTES` that fits the limit.
    let form = match read_upload(&mut mp, &["kind"]).await {
        Ok(f) => Some(f),
        Err(e) if e.kind() == ErrorKind::PayloadTooLarge => None,
        Err(e) => return Err(e),
    };
    let too_big = form.as_ref().is_none_or(|f| {
        f.file
            .as_ref()
            .is_some_and(|(_, b)| b.len() > MAX_DOCUMENT_BYTES)
    });
    let (kind, file) = match form {
        Some(f) => (
            f.field("kind").and_then(|k| {
                serde_json::from_value::<DocumentKind>(serde_json::Value::String(
                    k.trim().to_owned(),
                ))
                .ok()
            }),
            f.file,
        ),
        None => (None, None),
    };
    let (status, msg, upload) = if too_big {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            Some(lang.t1(
                "dossier-file-too-big",
                (MAX_DOCUMENT_BYTES / 1024 / 1024).to_string(),
            )),
            None,
        )
    } else {
        match (kind, file) {
            (None, _) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(lang.t("dossier-bad-doc-kind")),
                None,
            ),
            (_, None) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(lang.t("dossier-file-none")),
                None,
            ),
            (Some(kind), Some((name, bytes))) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some((kind, name, bytes)),
            ),
        }
    };
    match app_dossiers::attach_page(&st.app, &ctx.actor(), id, upload).await? {
        Submitted::Done(()) => {
            Ok(Redirect::to(&Urls::dossier_documents_done(id, "attached")).into_response())
        }
        Submitted::Again { refusal, page } => {
            let msg = match refusal {
                Some(e) if shown_on_page(&e) => errors_text(lang, &e),
                Some(e) => return Err(e.into()),
                None => msg.unwrap_or_default(),
            };
            let page = detail_view(&ctx, page, None, Some(msg), false, None);
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
    Ok(crate::view::download::private_file(
        bytes,
        &doc.media_type,
        &doc.file_name,
    ))
}
