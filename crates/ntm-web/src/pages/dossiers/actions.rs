//! What the dossier page posts: an action, an attached document; and a document's download.

use std::collections::HashMap;

use axum::extract::{Form, Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::dossiers::{self as app_dossiers, ActInput, MAX_DOCUMENT_BYTES};
use ntm_domain::dossier::{Action, Decision, DocumentKind, Verdict};
use serde::Deserialize;
use uuid::Uuid;

use super::detail::{Retained, detail_view};
use super::{errors_text, shown_on_page};
use crate::ctx::{Ctx, url_encode};
use crate::error::{ErrorInfo, WebError};
use crate::i18n::Lang;
use crate::request::parse_id;
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
        Ok(()) => Ok(Redirect::to(&Urls::dossier_done(id, "done")).into_response()),
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
    let id = parse_id(&id, "dossier")?;
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
        None => Ok(Redirect::to(&Urls::dossier_documents_done(id, "attached")).into_response()),
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
