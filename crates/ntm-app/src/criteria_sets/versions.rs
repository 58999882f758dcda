//! Creating a version: a copy of a shipped or authored version, a provincial set from
//! scratch extending a national one, or an imported YAML file.

use ntm_domain::authz::Permission;
use ntm_domain::criteria::authoring::{AuthoredExtends, AuthoredSet};
use ntm_domain::criteria::{self, CriteriaFile};
use ntm_store::{CriteriaSetVersion, NATIONAL_SCOPE, STATUS_DRAFT};
use time::Date;
use uuid::Uuid;

use super::runtime::{base_on, check_content, national_rows, resolve_with, set_errors};
use super::{VersionView, audit, load, refuse, require_scope, view};
use crate::{Actor, App, AppError, now};

/// Where the first draft of a new version comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A shipped version (`id`, `version`). National scope: a copy to edit as a new version
    /// of that set. Province scope: a new provincial set extending it (its criteria listed,
    /// its indicators inherited).
    Shipped { set_id: String, version: String },
    /// An earlier authored version of the same scope (draft or published), copied.
    Version(Uuid),
    /// A provincial set from scratch extending the national set `extends`.
    Scratch { extends: String },
    /// An `ntm-criteria/1` file (an export of another province, an edited file).
    Yaml { file_name: String, text: String },
}

/// What the creation form says besides the source.
#[derive(Debug, Clone, Default)]
pub struct NewVersion {
    /// Set id for a new provincial set (scratch, or a shipped source in a province); ignored
    /// for copies of a version and for imports (the file's id).
    pub set_id: String,
    pub label: String,
    pub title_vi: String,
    /// `YYYY-MM-DD` or `dd/mm/yyyy`; empty: the source's.
    pub valid_from: String,
    pub valid_to: String,
}

fn parse_day(field: &str, s: &str) -> Result<Option<Date>, AppError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    ntm_domain::text::parse_date(t).map(Some).ok_or_else(|| {
        refuse(
            field,
            format!("ngày không hợp lệ: “{t}” (dd/mm/yyyy)"),
            format!("not a date: “{t}” (dd/mm/yyyy)"),
        )
    })
}

fn check_set_id(id: &str) -> Result<(), AppError> {
    let ok = !id.is_empty()
        && id.len() <= 80
        && id.split('-').all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(refuse(
            "set_id",
            format!(
                "mã bộ tiêu chí không hợp lệ: “{id}” (chữ thường không dấu và số, nối bằng “-”, ví dụ xa-ntm-vinh-long-2026-2030)"
            ),
            format!("not a valid set id: “{id}” (lower-case letters and digits joined by “-”)"),
        ))
    }
}

/// Creates a draft version in `scope` (a province code or `national`). The actor needs
/// `ManageCriteria` on the province (national: a country-wide grant). The draft is checked
/// like a published one would be (every rule of the format, stricter-only against the
/// national set) and stored with its audit entry.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn create_version(
    app: &App,
    actor: &Actor,
    scope: &str,
    source: Source,
    form: &NewVersion,
) -> Result<VersionView, AppError> {
    require_scope(app, actor, scope, Permission::ManageCriteria).await?;
    let national = scope == NATIONAL_SCOPE;
    let label = form.label.trim().to_string();
    let (mut content, origin) = match &source {
        Source::Shipped { set_id, version } => {
            let rows = national_rows(app).await?;
            let refs: Vec<&CriteriaSetVersion> = rows.iter().collect();
            let cat = resolve_with(app, &refs, None).map_err(set_errors)?;
            let Some(s) = app
                .catalog
                .get(set_id, version)
                .or_else(|| cat.get(set_id, version))
            else {
                return Err(refuse(
                    "source",
                    format!("không có bộ {set_id} phiên bản {version}"),
                    format!("no set {set_id} version {version}"),
                ));
            };
            let origin = format!("shipped {set_id} {version}");
            if national {
                (AuthoredSet::from_resolved(s), origin)
            } else {
                let id = form.set_id.trim();
                check_set_id(id)?;
                let valid_from = parse_day("valid_from", &form.valid_from)?.unwrap_or(s.valid_from);
                let mut a = AuthoredSet::extending(id, &label, form.title_vi.trim(), valid_from, s);
                a.extends = Some(AuthoredExtends {
                    id: s.id.clone(),
                    version: None,
                });
                (a, origin)
            }
        }
        Source::Scratch { extends } => {
            if national {
                return Err(refuse(
                    "source",
                    "bộ quốc gia mới được tạo bằng cách sao chép một phiên bản có sẵn",
                    "a new national version is made by copying an existing one",
                ));
            }
            let id = form.set_id.trim();
            check_set_id(id)?;
            let Some(valid_from) = parse_day("valid_from", &form.valid_from)? else {
                return Err(refuse(
                    "valid_from",
                    "cần ngày có hiệu lực",
                    "the start date is needed",
                ));
            };
            let base = base_on(app, extends, None, valid_from).await?;
            let probe = AuthoredSet::extending(id, &label, form.title_vi.trim(), valid_from, &base);
            (probe, format!("scratch extends {extends}"))
        }
        Source::Version(id) => {
            let r = load(app, *id).await?;
            if r.scope != scope {
                return Err(refuse(
                    "source",
                    "chỉ sao chép được phiên bản của cùng tỉnh; dùng xuất/nhập YAML để chia sẻ với tỉnh khác",
                    "only a version of the same scope can be copied; use YAML export/import to share",
                ));
            }
            let v = view(&r)?;
            (v.content, format!("copy of {} {}", r.set_id, r.label))
        }
        Source::Yaml { file_name, text } => {
            if text.len() > crate::provincial::MAX_FILE_BYTES {
                return Err(refuse(
                    "file",
                    "tệp lớn hơn 1 MB",
                    "the file is larger than 1 MB",
                ));
            }
            let name = if file_name.trim().is_empty() {
                "import.yaml"
            } else {
                file_name.trim()
            };
            let parsed = match criteria::parse_file(name, text).map_err(set_errors)? {
                CriteriaFile::Set(s) => s,
                CriteriaFile::Ocop(_) => {
                    return Err(refuse(
                        "file",
                        "tệp OCOP không phải bộ tiêu chí",
                        "an OCOP scheme is not a criteria set",
                    ));
                }
            };
            let base = match &parsed.extends {
                Some(e) => {
                    Some(base_on(app, &e.id, e.version.as_deref(), parsed.valid_from).await?)
                }
                None => None,
            };
            let a = AuthoredSet::from_set(&parsed, base.as_ref()).map_err(|e| {
                refuse(
                    "file",
                    format!("không nhập được tệp: {e}"),
                    format!("the file cannot be imported: {e}"),
                )
            })?;
            (a, format!("yaml {name}"))
        }
    };
    // Scope rules.
    if national {
        if content.extends.is_some() {
            return Err(refuse(
                "file",
                "bộ quốc gia không mở rộng bộ khác",
                "a national set does not extend another",
            ));
        }
    } else {
        if content.extends.is_none() {
            return Err(refuse(
                "file",
                "bộ của tỉnh phải mở rộng một bộ quốc gia (extends)",
                "a provincial set must extend a national set (extends)",
            ));
        }
        if app.catalog.contains(&content.id) {
            return Err(refuse(
                "set_id",
                format!(
                    "“{}” là mã bộ quốc gia: đặt mã riêng cho bộ của tỉnh",
                    content.id
                ),
                format!(
                    "“{}” is a national set id: give the provincial set its own id",
                    content.id
                ),
            ));
        }
    }
    // The form's label, title and dates.
    if label.is_empty() {
        return Err(refuse(
            "label",
            "cần nhãn phiên bản (ví dụ “2026”)",
            "a version label is needed (e.g. “2026”)",
        ));
    }
    if label.chars().count() > 40 {
        return Err(refuse(
            "label",
            "nhãn phiên bản tối đa 40 ký tự",
            "a version label has at most 40 characters",
        ));
    }
    content.version = label.clone();
    if !form.title_vi.trim().is_empty() {
        content.title_vi = form.title_vi.trim().to_string();
    }
    if content.title_vi.is_empty() {
        return Err(refuse(
            "title_vi",
            "cần tên bộ tiêu chí",
            "the set needs a title",
        ));
    }
    if let Some(d) = parse_day("valid_from", &form.valid_from)? {
        content.valid_from = d;
    }
    // An empty end date means "open", except for an import (the file's dates are kept).
    match parse_day("valid_to", &form.valid_to)? {
        Some(d) => content.valid_to = Some(d),
        None if matches!(source, Source::Yaml { .. }) => {}
        None => content.valid_to = None,
    }
    if content.valid_to.is_some_and(|t| t < content.valid_from) {
        return Err(refuse(
            "valid_to",
            "ngày hết hiệu lực trước ngày có hiệu lực",
            "the end date is before the start date",
        ));
    }
    check_content(app, &content, &[]).await?;
    let at = now();
    let record = CriteriaSetVersion {
        id: Uuid::now_v7(),
        scope: scope.to_string(),
        set_id: content.id.clone(),
        label: label.clone(),
        extends_id: content.extends.as_ref().map(|e| e.id.clone()),
        status: STATUS_DRAFT.into(),
        valid_from: ntm_domain::text::format_date_iso(content.valid_from),
        valid_to: content.valid_to.map(ntm_domain::text::format_date_iso),
        content: serde_json::to_string(&content).map_err(|e| AppError::Internal(e.to_string()))?,
        yaml: content.to_yaml(),
        origin: origin.clone(),
        revision: 0,
        created_by: actor.audit_name(),
        created_at: at,
        updated_by: actor.audit_name(),
        updated_at: at,
        published_by: None,
        published_at: None,
    };
    let entry = audit(
        actor,
        "criteria_version.create",
        scope,
        serde_json::json!({
            "id": record.id, "set_id": record.set_id, "label": label,
            "origin": origin, "valid_from": record.valid_from, "valid_to": record.valid_to,
        }),
    );
    let stored = app
        .db
        .insert_criteria_set_version(&record, entry)
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => refuse(
                "label",
                format!("bộ {} đã có phiên bản “{label}”", record.set_id),
                format!("{} already has a version “{label}”", record.set_id),
            ),
            other => other,
        })?;
    view(&stored)
}
