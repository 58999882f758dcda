//! The producer's digital dossier on the pages: upload a document (from the producer's own
//! page or an officer's product page), download it, link documents already uploaded to an
//! evaluation round.

use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::dossiers::MAX_DOCUMENT_BYTES;
use ntm_app::ocop::{self, NewDocument};
use serde::Deserialize;
use uuid::Uuid;

use super::manage::{DocForm, errors_text, manage_view, mine_view};
use crate::ctx::Ctx;
use crate::error::{ErrorKind, WebError};
use crate::request::{parse_id, read_upload};
use crate::state::AppState;
use crate::urls::Urls;

#[derive(Debug, Default, Deserialize)]
pub struct Back {
    /// The product page the upload was made from; the producer's own page when absent.
    pub product: Option<String>,
}

/// `POST /ocop/producers/{id}/documents` (multipart `title`, `file`): adds a document to the
/// producer's dossier. A refusal shows the page again with the message and the title typed.
pub async fn upload(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(back): Query<Back>,
    mut mp: Multipart,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let producer = parse_id(&id, "producer")?;
    let product = match back.product.as_deref().filter(|s| !s.is_empty()) {
        Some(p) => Some(parse_id(p, "product")?),
        None => None,
    };
    // Over the route's limit the body is not read: the page says the file is too large,
    // as for one over `MAX_DOCUMENT_BYTES` that fits the limit.
    let form = match read_upload(&mut mp, &["title"]).await {
        Ok(f) => Some(f),
        Err(e) if e.kind() == ErrorKind::PayloadTooLarge => None,
        Err(e) => return Err(e),
    };
    let title = form
        .as_ref()
        .and_then(|f| f.field("title"))
        .unwrap_or_default()
        .to_string();
    let too_big = form.as_ref().is_none_or(|f| {
        f.file
            .as_ref()
            .is_some_and(|(_, b)| b.len() > MAX_DOCUMENT_BYTES)
    });
    let result = if too_big {
        Err(AppError::invalid(
            "file",
            ctx.t1(
                "ocop-doc-too-big",
                &(MAX_DOCUMENT_BYTES / 1024 / 1024).to_string(),
            ),
        ))
    } else {
        match form.and_then(|f| f.file) {
            Some((file_name, bytes)) if !bytes.is_empty() => {
                let doc = NewDocument {
                    title: title.clone(),
                    file_name,
                    bytes,
                };
                ocop::upload_document(&st.app, &ctx.actor(), producer, doc)
                    .await
                    .map(|_| ())
            }
            _ => Err(AppError::invalid("file", ctx.t("ocop-doc-no-file"))),
        }
    };
    let status = if too_big {
        StatusCode::PAYLOAD_TOO_LARGE
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    match (result, product) {
        (Ok(()), Some(p)) => Ok(Redirect::to(&Urls::ocop_manage(&p.to_string())).into_response()),
        (Ok(()), None) => Ok(Redirect::to(&Urls::ocop_mine()).into_response()),
        (Err(e @ AppError::Validation(_)), back) => {
            let doc = DocForm {
                title,
                error: Some(errors_text(&ctx, &e)),
            };
            match back {
                Some(p) => manage_view(&st, ctx, p, None, doc, status).await,
                None => {
                    let kept = super::forms::MineKept {
                        doc: Some((producer, doc)),
                        ..Default::default()
                    };
                    mine_view(&st, ctx, kept, status).await
                }
            }
        }
        (Err(e), _) => Err(e.into()),
    }
}

/// `GET /ocop/documents/{id}`: a dossier document, for whoever may see its producer.
pub async fn download(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let id = Uuid::parse_str(id.trim())
        .map_err(|_| WebError::not_found(format!("no OCOP document {id}")))?;
    let (doc, bytes) = ocop::document_file(&st.app, &ctx.actor(), id).await?;
    Ok(crate::view::download::private_file(
        bytes,
        &doc.media_type,
        &doc.file_name,
    ))
}

/// `POST /ocop/rounds/{id}/documents` (`document` repeated, `product`): links documents of
/// the producer's dossier to the round, without uploading them again.
pub async fn attach(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let round = parse_id(&id, "round")?;
    let product = f
        .iter()
        .find(|(k, _)| k == "product")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    let back = parse_id(product, "product")?;
    let mut documents = Vec::new();
    for (_, v) in f.iter().filter(|(k, _)| k == "document") {
        documents.push(parse_id(v, "document")?);
    }
    match ocop::attach_to_round(&st.app, &ctx.actor(), round, &documents).await {
        Ok(_) => Ok(Redirect::to(&Urls::ocop_manage(&back.to_string())).into_response()),
        Err(e @ AppError::Validation(_)) => {
            let msg = errors_text(&ctx, &e);
            manage_view(
                &st,
                ctx,
                back,
                Some(msg),
                DocForm::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
