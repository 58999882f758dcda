//! Documents attached to a dossier: type by content, content-addressed storage, download.

use ntm_domain::authz::{Permission, Role};
use ntm_domain::dossier::{DocumentKind, Dossier, DossierState, Procedure};
use ntm_domain::units::Unit;
use ntm_store::DossierDocumentRecord;
use uuid::Uuid;

use super::{document_kind_str, internal, load, require_role, workflow};
use crate::authz::Actor;
use crate::criteria::require_on_unit;
use crate::procedure_settings as psettings;
use crate::{App, AppError, now};

/// Largest document accepted (20 MB).
pub const MAX_DOCUMENT_BYTES: usize = 20 * 1024 * 1024;

/// The type of a file by its first bytes: PDF, PNG, JPEG, or an Office Open XML package
/// (DOCX or XLSX, told apart by the names of its parts). `None` for anything else.
pub fn sniff_document(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }
    if bytes.starts_with(b"%PDF-") {
        Some(("application/pdf", "pdf"))
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png"))
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else if bytes.starts_with(b"PK\x03\x04") {
        if contains(bytes, b"word/") {
            Some((
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "docx",
            ))
        } else if contains(bytes, b"xl/") {
            Some((
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
            ))
        } else {
            None
        }
    } else {
        None
    }
}

/// The roles that act at some step of the dossier's procedure and that `actor` holds on its
/// unit (attaching documents is open to whoever takes part in the procedure).
async fn require_participant(
    app: &App,
    actor: &Actor,
    p: &Procedure,
    unit: &Unit,
) -> Result<Role, AppError> {
    let mut first_err = None;
    let mut roles: Vec<Role> = p.steps.iter().map(|s| s.role).collect();
    roles.dedup();
    for role in roles {
        match require_role(app, actor, role, unit).await {
            Ok(()) => return Ok(role),
            Err(e) => {
                first_err.get_or_insert(e);
            }
        }
    }
    Err(first_err.unwrap_or_else(|| AppError::Forbidden("no step of this procedure".into())))
}

/// Attaches a file to a dossier as a document of `kind` (one of the procedure's document
/// kinds). The type is checked by its content (PDF, DOCX, XLSX, JPG, PNG), the size against
/// [`MAX_DOCUMENT_BYTES`]; the bytes go to `<data_dir>/dossiers/<2 hex>/<sha256>`, the row
/// and its audit entry in one transaction. Not after the decision.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), dossier = %id))]
pub async fn attach_document(
    app: &App,
    actor: &Actor,
    id: Uuid,
    kind: DocumentKind,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<DossierDocumentRecord, AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let (r, unit) = load(app, id).await?;
    require_on_unit(app, actor, Permission::ViewUnits, &unit).await?;
    let d: Dossier = serde_json::from_str(&r.data).map_err(internal)?;
    let settings = psettings::load(app, &r.province_code).await?;
    let p = psettings::procedure_for(&settings, &d).map_err(|e| workflow(e.into()))?;
    require_participant(app, actor, &p, &unit).await?;
    if matches!(
        d.state,
        DossierState::Recognized | DossierState::Published | DossierState::Revoked
    ) {
        return Err(AppError::invalid(
            "file",
            "hồ sơ đã có quyết định: không đính kèm thêm (the dossier is closed)",
        ));
    }
    if !p
        .steps
        .iter()
        .any(|s| s.documents.iter().any(|x| x.kind == kind))
    {
        return Err(AppError::invalid(
            "kind",
            format!("quy trình này không có loại tài liệu {}", kind.name_vi()),
        ));
    }
    let name = file_name.trim();
    if name.is_empty() || name.chars().count() > 255 {
        return Err(AppError::invalid(
            "file",
            "tên tệp phải có từ 1 đến 255 ký tự (file name 1 to 255 characters)",
        ));
    }
    if bytes.is_empty() {
        return Err(AppError::invalid("file", "tệp rỗng (the file is empty)"));
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(AppError::invalid(
            "file",
            "tệp lớn hơn 20 MB (the file is larger than 20 MB)",
        ));
    }
    let Some((media_type, _ext)) = sniff_document(&bytes) else {
        return Err(AppError::invalid(
            "file",
            "chỉ nhận tệp PDF, DOCX, XLSX, JPG hoặc PNG (nội dung tệp không phải các loại này)",
        ));
    };
    use sha2::Digest;
    let sha = hex::encode(sha2::Sha256::digest(&bytes));
    let kind_text = document_kind_str(kind);
    // The same file sent twice as the same kind (a double click) is attached once.
    if let Some(same) = app
        .db
        .dossier_documents(id)
        .await?
        .into_iter()
        .find(|d| d.sha256 == sha && d.kind == kind_text)
    {
        return Ok(same);
    }
    let rel = format!("dossiers/{}/{sha}", &sha[..2]);
    let path = app.config.data_dir.join(&rel);
    let size = bytes.len() as i64;
    tokio::task::spawn_blocking(move || store_file(&path, &bytes))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(format!("cannot store dossier document: {e}")))?;
    let rec = DossierDocumentRecord {
        id: Uuid::now_v7(),
        dossier_id: id,
        kind: kind_text,
        file_name: name.to_owned(),
        media_type: media_type.to_owned(),
        sha256: sha,
        size,
        stored_path: rel,
        uploaded_by: actor.audit_name(),
        created_at: now(),
    };
    let entry = actor.audit_entry(
        "dossier.document",
        &format!("dossier:{id}"),
        serde_json::json!({
            "unit": r.unit_code, "kind": rec.kind, "file": rec.file_name,
            "sha256": rec.sha256, "size": size, "media_type": media_type,
        }),
    );
    Ok(app.db.insert_dossier_document(&rec, entry).await?)
}

/// Writes a content-addressed file atomically (temporary file, then rename).
pub(crate) fn store_file(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    if path.exists() {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("tmp-{}", Uuid::now_v7()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// One attached document and its bytes, for a user who may view the dossier's unit. The
/// path comes from the database, never from the request.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), document = %doc_id))]
pub async fn document_file(
    app: &App,
    actor: &Actor,
    doc_id: Uuid,
) -> Result<(DossierDocumentRecord, Vec<u8>), AppError> {
    if let Actor::Anonymous { .. } = actor {
        return Err(AppError::Unauthorized("login required".into()));
    }
    let not_found = || AppError::NotFound(format!("dossier document {doc_id}"));
    let doc = app
        .db
        .dossier_document(doc_id)
        .await?
        .ok_or_else(not_found)?;
    let (_, unit) = load(app, doc.dossier_id).await?;
    require_on_unit(app, actor, Permission::ViewUnits, &unit).await?;
    let rel = std::path::Path::new(&doc.stored_path);
    let safe = rel.starts_with("dossiers")
        && rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !safe {
        return Err(AppError::Internal(format!(
            "dossier document {doc_id} has an unexpected stored path"
        )));
    }
    let bytes = tokio::fs::read(app.config.data_dir.join(rel))
        .await
        .map_err(|e| AppError::Internal(format!("cannot read dossier document {doc_id}: {e}")))?;
    Ok((doc, bytes))
}
