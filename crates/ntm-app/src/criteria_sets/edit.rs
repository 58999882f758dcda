//! Editing a draft: one small operation per request, on the revision the editor saw.

use ntm_domain::authz::Permission;
use ntm_domain::criteria::authoring::{IndicatorInput, MetaInput};
use ntm_store::{DraftChange, DraftUpdate};
use uuid::Uuid;

use super::runtime::{base_of, check_content};
use super::{VersionView, audit, field_errors, load, refuse, require_scope, view};
use crate::{Actor, App, AppError, now};

/// One change to a draft.
#[derive(Debug, Clone)]
pub enum Edit {
    /// Label, title, validity, completeness.
    Meta(MetaInput),
    /// Adds (`original: None`) or changes a criterion of the version.
    Criterion {
        original: Option<u16>,
        number: String,
        name_vi: String,
        name_en: String,
    },
    RemoveCriterion(u16),
    /// Adds or replaces an indicator with its thresholds and their bases.
    Indicator(IndicatorInput),
    RemoveIndicator(String),
}

impl Edit {
    fn name(&self) -> &'static str {
        match self {
            Edit::Meta(_) => "meta",
            Edit::Criterion { .. } => "criterion",
            Edit::RemoveCriterion(_) => "remove_criterion",
            Edit::Indicator(_) => "indicator",
            Edit::RemoveIndicator(_) => "remove_indicator",
        }
    }
}

pub(crate) fn published_refusal(label: &str) -> AppError {
    AppError::Conflict(format!(
        "phiên bản “{label}” đã công bố nên không sửa được; hãy tạo phiên bản mới{} version “{label}” is published and never changes: create a new version",
        super::LANG_SEP
    ))
}

/// Applies `edit` to draft `id` seen at `revision`. Refused (nothing written) when the
/// version is published, was changed since, or the result breaks a rule: each problem at
/// its form field (see `ntm_domain::criteria::authoring::edit`).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), id = %id))]
pub async fn edit_version(
    app: &App,
    actor: &Actor,
    id: Uuid,
    revision: i64,
    edit: Edit,
) -> Result<VersionView, AppError> {
    let r = load(app, id).await?;
    require_scope(app, actor, &r.scope, Permission::ManageCriteria).await?;
    if r.is_published() {
        return Err(published_refusal(&r.label));
    }
    if r.revision != revision {
        return Err(AppError::Conflict(format!(
            "phiên bản đã được sửa bởi {} sau khi bạn mở trang; hãy tải lại{}the version was changed by {} since you opened it; reload",
            r.updated_by,
            super::LANG_SEP,
            r.updated_by
        )));
    }
    let mut content = view(&r)?.content;
    let base = base_of(app, &content).await?;
    let detail = match &edit {
        Edit::Meta(m) => {
            serde_json::json!({"label": m.version, "valid_from": m.valid_from, "valid_to": m.valid_to})
        }
        Edit::Criterion { number, .. } => serde_json::json!({"criterion": number}),
        Edit::RemoveCriterion(n) => serde_json::json!({"criterion": n}),
        Edit::Indicator(i) => serde_json::json!({"indicator": i.code, "criterion": i.criterion}),
        Edit::RemoveIndicator(c) => serde_json::json!({"indicator": c}),
    };
    let name = edit.name();
    match edit {
        Edit::Meta(m) => content.set_meta(&m),
        Edit::Criterion {
            original,
            number,
            name_vi,
            name_en,
        } => content.upsert_criterion(original, &number, &name_vi, &name_en),
        Edit::RemoveCriterion(n) => content.remove_criterion(n),
        Edit::Indicator(input) => content.upsert_indicator(&input, base.as_ref()),
        Edit::RemoveIndicator(code) => content.remove_indicator(&code),
    }
    .map_err(field_errors)?;
    if content.id != r.set_id {
        return Err(refuse(
            "set_id",
            "không đổi được mã bộ",
            "the set id cannot change",
        ));
    }
    // Published versions of the same set and scope resolve alongside (a label or a start
    // date already used is caught here).
    let siblings: Vec<_> = app
        .db
        .published_criteria_set_versions(&r.scope)
        .await?
        .into_iter()
        .filter(|s| s.set_id == r.set_id && s.id != r.id)
        .collect();
    check_content(app, &content, &siblings).await?;
    let json = serde_json::to_string(&content).map_err(|e| AppError::Internal(e.to_string()))?;
    let yaml = content.to_yaml();
    let valid_from = ntm_domain::text::format_date_iso(content.valid_from);
    let valid_to = content.valid_to.map(ntm_domain::text::format_date_iso);
    let who = actor.audit_name();
    let change = DraftChange {
        label: &content.version,
        valid_from: &valid_from,
        valid_to: valid_to.as_deref(),
        content: &json,
        yaml: &yaml,
        updated_by: &who,
        updated_at: now(),
    };
    let mut detail = detail;
    if let Some(o) = detail.as_object_mut() {
        o.insert("id".into(), serde_json::json!(id));
        o.insert("edit".into(), serde_json::json!(name));
        o.insert("revision".into(), serde_json::json!(revision + 1));
    }
    let entry = audit(actor, "criteria_version.edit", &r.scope, detail);
    match app
        .db
        .update_criteria_set_draft(id, revision, &change, entry)
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => refuse(
                "version",
                format!("bộ {} đã có phiên bản “{}”", r.set_id, content.version),
                format!("{} already has a version “{}”", r.set_id, content.version),
            ),
            other => other,
        })? {
        DraftUpdate::Done(row) => view(&row),
        DraftUpdate::Published(row) => Err(published_refusal(&row.label)),
        DraftUpdate::Stale(row) => Err(AppError::Conflict(format!(
            "phiên bản đã được sửa bởi {} sau khi bạn mở trang; hãy tải lại{}the version was changed by {} since you opened it; reload",
            row.updated_by,
            super::LANG_SEP,
            row.updated_by
        ))),
        DraftUpdate::NotFound => Err(AppError::NotFound(format!("criteria set version {id}"))),
    }
}

/// Largest PDF of a decision accepted as evidence of a basis (20 MB).
pub const MAX_BASIS_FILE_BYTES: usize = 20 * 1024 * 1024;

/// Stores the PDF of a decision (the basis of values) for draft `id`: the type is checked by
/// its content (PDF only), the size against [`MAX_BASIS_FILE_BYTES`]; the bytes go to
/// `<data_dir>/criteria/<2 hex>/<sha256>` (content-addressed, like dossier documents).
/// Returns `(sha256, file name)` to put on the bases of the values it supports; the edit that
/// cites it is the audited write.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), id = %id))]
pub async fn store_basis_file(
    app: &App,
    actor: &Actor,
    id: Uuid,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<(String, String), AppError> {
    let r = load(app, id).await?;
    require_scope(app, actor, &r.scope, Permission::ManageCriteria).await?;
    if r.is_published() {
        return Err(published_refusal(&r.label));
    }
    let name = file_name.trim();
    if name.is_empty() || name.chars().count() > 255 || name.contains(['/', '\\']) {
        return Err(refuse(
            "basis_file",
            "tên tệp phải có từ 1 đến 255 ký tự, không có thư mục",
            "the file name must have 1 to 255 characters, without folders",
        ));
    }
    if bytes.len() > MAX_BASIS_FILE_BYTES {
        return Err(refuse(
            "basis_file",
            "tệp lớn hơn 20 MB",
            "the file is larger than 20 MB",
        ));
    }
    if crate::dossiers::sniff_document(&bytes).map(|(m, _)| m) != Some("application/pdf") {
        return Err(refuse(
            "basis_file",
            "chỉ nhận tệp PDF của văn bản (nội dung tệp không phải PDF)",
            "only the PDF of the document is accepted (the content is not a PDF)",
        ));
    }
    use sha2::Digest;
    let sha = hex::encode(sha2::Sha256::digest(&bytes));
    let path = app.config.data_dir.join(basis_file_path(&sha));
    tokio::task::spawn_blocking(move || crate::dossiers::store_file(&path, &bytes))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(format!("cannot store the decision's PDF: {e}")))?;
    Ok((sha, name.to_string()))
}

/// Where a basis PDF is stored under the data dir.
pub(crate) fn basis_file_path(sha: &str) -> String {
    format!("criteria/{}/{sha}", &sha[..2.min(sha.len())])
}

/// The PDF of a basis cited by version `id`, for users who may read the version.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), id = %id))]
pub async fn basis_file(
    app: &App,
    actor: &Actor,
    id: Uuid,
    sha: &str,
) -> Result<(String, Vec<u8>), AppError> {
    let v = super::get_version(app, actor, id).await?;
    let Some(src) = v
        .content
        .sources
        .values()
        .find(|s| s.file_sha256.as_deref() == Some(sha))
    else {
        return Err(AppError::NotFound(format!("file {sha}")));
    };
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound(format!("file {sha}")));
    }
    let path = app.config.data_dir.join(basis_file_path(sha));
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|_| AppError::NotFound(format!("file {sha}")))?;
    Ok((
        src.file_name
            .clone()
            .unwrap_or_else(|| format!("{sha}.pdf")),
        bytes,
    ))
}
