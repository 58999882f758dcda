//! The producer's digital dossier (issue 15: "documents uploaded once, reused at every
//! level"): a document is uploaded once for the producer (PDF, JPEG or PNG, sniffed from
//! its content, at most `MAX_DOCUMENT_BYTES`), stored content-addressed in the same file
//! store as the recognition dossiers' documents, listed on the producer's and the product's
//! pages, and linked to any evaluation round of its products without uploading it again.

use ntm_store::{OcopDocumentRecord, OcopProducerRecord};
use uuid::Uuid;

use super::{require_producer, require_view_producer};
use crate::dossiers::{MAX_DOCUMENT_BYTES, sniff_document, store_file};
use crate::{Actor, App, AppError, now};

/// A document to add to a producer's dossier.
#[derive(Debug, Clone, Default)]
pub struct NewDocument {
    /// What the document is ("Phiếu kết quả kiểm nghiệm", "Giấy đăng ký kinh doanh"…).
    pub title: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// The media types a producer's dossier accepts.
pub const OCOP_DOCUMENT_TYPES: [&str; 3] = ["application/pdf", "image/jpeg", "image/png"];

async fn producer(app: &App, id: Uuid) -> Result<OcopProducerRecord, AppError> {
    app.db
        .ocop_producer(id)
        .await?
        .ok_or_else(|| AppError::NotFound("OCOP producer".into()))
}

/// Adds a document to a producer's dossier (its officers, its owner account). The same file
/// sent twice (a double click) is kept once.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), producer = %producer_id))]
pub async fn upload_document(
    app: &App,
    actor: &Actor,
    producer_id: Uuid,
    doc: NewDocument,
) -> Result<OcopDocumentRecord, AppError> {
    let p = producer(app, producer_id).await?;
    require_producer(app, actor, &p).await?;
    let title = doc.title.trim().to_string();
    if title.is_empty() || title.chars().count() > 200 {
        return Err(AppError::invalid(
            "title",
            "Nhập tên tài liệu (tối đa 200 ký tự)",
        ));
    }
    let name = crate::staged_uploads::base_name(&doc.file_name);
    if name.is_empty() || name.chars().count() > 255 {
        return Err(AppError::invalid(
            "file",
            "Chọn tệp tài liệu (tên tệp từ 1 đến 255 ký tự)",
        ));
    }
    if doc.bytes.is_empty() {
        return Err(AppError::invalid("file", "Tệp rỗng"));
    }
    if doc.bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(AppError::invalid(
            "file",
            format!("Tệp lớn hơn {} MB", MAX_DOCUMENT_BYTES / 1024 / 1024),
        ));
    }
    let media_type = match sniff_document(&doc.bytes) {
        Some((t, _)) if OCOP_DOCUMENT_TYPES.contains(&t) => t,
        _ => {
            return Err(AppError::invalid(
                "file",
                "Chỉ nhận tệp PDF, JPEG hoặc PNG (nội dung tệp không phải các loại này)",
            ));
        }
    };
    use sha2::Digest;
    let sha = hex::encode(sha2::Sha256::digest(&doc.bytes));
    if let Some(same) = app
        .db
        .ocop_documents_of(p.id)
        .await?
        .into_iter()
        .find(|d| d.sha256 == sha && d.title == title)
    {
        return Ok(same);
    }
    let rel = format!("ocop/{}/{sha}", &sha[..2]);
    let path = app.config.data_dir.join(&rel);
    let size = doc.bytes.len() as i64;
    let bytes = doc.bytes;
    tokio::task::spawn_blocking(move || store_file(&path, &bytes))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(format!("cannot store the OCOP document: {e}")))?;
    let rec = OcopDocumentRecord {
        id: Uuid::now_v7(),
        producer_id: p.id,
        title,
        file_name: name,
        media_type: media_type.to_string(),
        sha256: sha,
        size,
        stored_path: rel,
        uploaded_by: actor.audit_name(),
        created_at: now(),
    };
    let audit = actor.audit_entry(
        "ocop.document.upload",
        &rec.id.to_string(),
        serde_json::json!({
            "producer": p.id, "unit": p.unit_code, "title": rec.title, "file": rec.file_name,
            "sha256": rec.sha256, "size": size, "media_type": media_type,
        }),
    );
    Ok(app.db.insert_ocop_document(&rec, audit).await?)
}

/// A document and its bytes, for whoever may see its producer's records. The path comes
/// from the database, never from the request.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), document = %id))]
pub async fn document_file(
    app: &App,
    actor: &Actor,
    id: Uuid,
) -> Result<(OcopDocumentRecord, Vec<u8>), AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let doc = app
        .db
        .ocop_document(id)
        .await?
        .ok_or_else(|| AppError::NotFound("OCOP document".into()))?;
    let p = producer(app, doc.producer_id).await?;
    require_view_producer(app, actor, &p).await?;
    let rel = std::path::Path::new(&doc.stored_path);
    let safe = rel.starts_with("ocop")
        && rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !safe {
        return Err(AppError::Internal(format!(
            "OCOP document {id} has an unexpected stored path"
        )));
    }
    let bytes = tokio::fs::read(app.config.data_dir.join(rel))
        .await
        .map_err(|e| AppError::Internal(format!("cannot read OCOP document {id}: {e}")))?;
    Ok((doc, bytes))
}

/// Links documents of the producer's dossier to an evaluation round of one of its products
/// (no new upload); documents already linked are skipped. Returns how many were linked.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), round = %round_id))]
pub async fn attach_to_round(
    app: &App,
    actor: &Actor,
    round_id: Uuid,
    documents: &[Uuid],
) -> Result<usize, AppError> {
    let round = app
        .db
        .ocop_round(round_id)
        .await?
        .ok_or_else(|| AppError::NotFound("OCOP round".into()))?;
    let product = app
        .db
        .ocop_product(round.product_id)
        .await?
        .ok_or_else(|| AppError::NotFound("OCOP product".into()))?;
    let p = producer(app, product.producer_id).await?;
    require_producer(app, actor, &p).await?;
    if documents.is_empty() {
        return Err(AppError::invalid(
            "document",
            "Chọn ít nhất một tài liệu trong hồ sơ",
        ));
    }
    let own: Vec<Uuid> = app
        .db
        .ocop_documents_of(p.id)
        .await?
        .into_iter()
        .map(|d| d.id)
        .collect();
    if documents.iter().any(|d| !own.contains(d)) {
        return Err(AppError::invalid(
            "document",
            "Tài liệu không thuộc hồ sơ của chủ thể này",
        ));
    }
    let audit = actor.audit_entry(
        "ocop.round.documents",
        &round_id.to_string(),
        serde_json::json!({"product": product.id, "documents": documents}),
    );
    Ok(app
        .db
        .attach_ocop_round_documents(round_id, documents, audit)
        .await?)
}
