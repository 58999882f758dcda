//! Criteria-set versions authored in the product (issue 12).
//!
//! A province officer (`ManageCriteria` on the province) or an administrator (national sets,
//! scope = the whole country) creates a **version** of a set: copied from a shipped version or
//! an earlier authored one, started from scratch as a provincial set extending a national set,
//! or imported from a YAML file ([`versions`]). A version is a **draft** edited by small
//! operations ([`edit`]) on the domain's authoring model
//! (`ntm_domain::criteria::authoring::AuthoredSet`), then **published** ([`publish`]); a
//! published version never changes (a change is a new version) and two published versions of
//! the same set and scope may not have overlapping validity. Every change is audited in the
//! same transaction. Any version, shipped or authored, exports as an `ntm-criteria/1` file
//! ([`export`]).
//!
//! **Evaluation** ([`in_force`]). Published versions are resolved at run time with the
//! shipped files (the catalog in `App` is fixed at start-up): national versions next to the
//! shipped ones (the latest in force during the year wins, like an amendment), a province's
//! versions extending the national version in force on their `valid_from`. For a unit of a
//! province with a published version extending the requested national set and in force that
//! year, that version is used; else a file uploaded through `crate::provincial`; else the
//! national set. Every evaluation names what it used ([`VersionUsed`]).

pub mod api;
pub mod edit;
pub mod export;
pub mod listing;
mod page;
pub mod publish;
mod runtime;
pub mod versions;
pub mod xlsx;

use ntm_domain::authz::Permission;
use ntm_domain::criteria::authoring::{AuthoredSet, EditError};
use ntm_domain::units::Level;
use ntm_store::{CriteriaSetVersion, NATIONAL_SCOPE, STATUS_PUBLISHED};
use serde::Serialize;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::authz::require;
use crate::{Actor, App, AppError, FieldError};

pub use listing::{CreatedOnPage, ScopePage, create_on_page, scope_page};
pub use page::{
    EditOutcome, PublishOutcome, VersionPage, edit_on_page, indicator_on_page, publish_on_page,
    version_page,
};
pub(crate) use runtime::in_force;
pub use runtime::{InForce, register_extra_files};

/// The scope of national versions (administrators).
pub const NATIONAL: &str = NATIONAL_SCOPE;

/// Whether `actor` may create and edit versions in `scope` (for showing the forms; every
/// use case checks again).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn can_manage(app: &App, actor: &Actor, scope: &str) -> bool {
    require_scope(app, actor, scope, Permission::ManageCriteria)
        .await
        .is_ok()
}

/// Ids of the shipped national sets (not extending another, not provincial), which a
/// provincial version may extend.
pub fn national_set_ids(app: &App) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for s in app.catalog.sets() {
        if ids.contains(&s.id) {
            continue;
        }
        let national = app.catalog.versions(&s.id).all(|v| {
            v.extends.is_none()
                && !v
                    .category
                    .as_deref()
                    .is_some_and(|c| c.starts_with("provincial") || c.contains("pilot"))
        });
        if national {
            ids.push(s.id.clone());
        }
    }
    ids
}

pub use ntm_domain::criteria::authoring::{LANG_SEP, message_in};

pub(crate) fn field_errors(errors: Vec<EditError>) -> AppError {
    AppError::Validation(
        errors
            .into_iter()
            .map(|e| FieldError::new(e.field, format!("{}{LANG_SEP}{}", e.vi, e.en)))
            .collect(),
    )
}

pub(crate) fn refuse(field: &str, vi: impl AsRef<str>, en: impl AsRef<str>) -> AppError {
    AppError::invalid(field, format!("{}{LANG_SEP}{}", vi.as_ref(), en.as_ref()))
}

/// One authored version, for pages and the API.
#[derive(Debug, Clone, Serialize)]
pub struct VersionView {
    pub id: Uuid,
    /// A province code or `national`.
    pub scope: String,
    pub set_id: String,
    pub label: String,
    pub extends: Option<String>,
    /// `draft` or `published`.
    pub status: String,
    #[serde(serialize_with = "crate::criteria::ser_date")]
    pub valid_from: Date,
    #[serde(serialize_with = "crate::criteria::ser_opt_date")]
    pub valid_to: Option<Date>,
    pub origin: String,
    /// Edits so far; an edit or publication names the revision it saw.
    pub revision: i64,
    pub created_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub updated_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub published_by: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub published_at: Option<OffsetDateTime>,
    pub title_vi: String,
    pub level: Level,
    pub criteria: usize,
    pub indicators: usize,
    /// Thresholds with a cited basis / all thresholds.
    pub confirmed_thresholds: usize,
    pub thresholds: usize,
    #[serde(skip)]
    pub content: AuthoredSet,
}

impl VersionView {
    pub fn is_published(&self) -> bool {
        self.status == STATUS_PUBLISHED
    }
}

pub(crate) fn view(r: &CriteriaSetVersion) -> Result<VersionView, AppError> {
    let content: AuthoredSet = serde_json::from_str(&r.content)
        .map_err(|e| AppError::Internal(format!("stored criteria version {}: {e}", r.id)))?;
    let date = |s: &str| {
        ntm_domain::text::parse_date(s).ok_or_else(|| {
            AppError::Internal(format!("stored criteria version {}: date {s}", r.id))
        })
    };
    let (mut total, mut confirmed) = (0, 0);
    for i in content.indicators() {
        let all = std::iter::once(&i.threshold)
            .chain(i.by_region.entries().map(|(_, t)| t))
            .chain(i.by_group.entries().map(|(_, t)| t))
            .flatten();
        for t in all {
            total += 1;
            if t.confirmed(i) {
                confirmed += 1;
            }
        }
    }
    Ok(VersionView {
        id: r.id,
        scope: r.scope.clone(),
        set_id: r.set_id.clone(),
        label: r.label.clone(),
        extends: r.extends_id.clone(),
        status: r.status.clone(),
        valid_from: date(&r.valid_from)?,
        valid_to: r.valid_to.as_deref().map(date).transpose()?,
        origin: r.origin.clone(),
        revision: r.revision,
        created_by: r.created_by.clone(),
        created_at: r.created_at,
        updated_by: r.updated_by.clone(),
        updated_at: r.updated_at,
        published_by: r.published_by.clone(),
        published_at: r.published_at,
        title_vi: content.title_vi.clone(),
        level: content.level,
        criteria: content.criteria.len(),
        indicators: content.indicators().count(),
        confirmed_thresholds: confirmed,
        thresholds: total,
        content,
    })
}

/// The unit path a scope is checked on: `/` for national, `/86/` for province 86.
pub(crate) fn scope_path(scope: &str) -> Result<String, AppError> {
    if scope == NATIONAL_SCOPE {
        return Ok("/".into());
    }
    if scope.len() == 2 && scope.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(format!("/{scope}/"));
    }
    Err(refuse(
        "scope",
        format!("“{scope}” không phải mã tỉnh (hai chữ số) hoặc “national”"),
        format!("“{scope}” is not a province code (two digits) or “national”"),
    ))
}

/// Checks `p` on a scope (national: a country-wide grant) and that the province exists.
pub(crate) async fn require_scope(
    app: &App,
    actor: &Actor,
    scope: &str,
    p: Permission,
) -> Result<(), AppError> {
    let path = scope_path(scope)?;
    require(actor, p, &path)?;
    if scope != NATIONAL_SCOPE {
        match app.db.unit_on(scope, crate::today()).await? {
            Some(u) if u.level == Level::Province => require(actor, p, &u.path)?,
            _ => return Err(AppError::NotFound(format!("province {scope}"))),
        }
    }
    Ok(())
}

/// Every version of a scope (drafts and published), by set then validity. Readable by users
/// whose scope covers the province (national versions: any logged-in user).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn list_versions(
    app: &App,
    actor: &Actor,
    scope: &str,
) -> Result<Vec<VersionView>, AppError> {
    if scope == NATIONAL_SCOPE {
        if let Actor::Anonymous { .. } = actor {
            return Err(AppError::Unauthorized("login required".into()));
        }
    } else {
        require_scope(app, actor, scope, Permission::ViewUnits).await?;
    }
    app.db
        .list_criteria_set_versions(scope)
        .await?
        .iter()
        .map(view)
        .collect()
}

/// The name of a province scope's unit on `date` (`None` when no unit has that code
/// then), for users who may read that province.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn scope_name(
    app: &App,
    actor: &Actor,
    scope: &str,
    date: Date,
) -> Result<Option<String>, AppError> {
    require_scope(app, actor, scope, Permission::ViewUnits).await?;
    Ok(app.db.unit_on(scope, date).await?.map(|u| u.name))
}

/// One version, for users who may read its scope.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), id = %id))]
pub async fn get_version(app: &App, actor: &Actor, id: Uuid) -> Result<VersionView, AppError> {
    let r = load(app, id).await?;
    if r.scope == NATIONAL_SCOPE {
        if let Actor::Anonymous { .. } = actor {
            return Err(AppError::Unauthorized("login required".into()));
        }
    } else {
        require_scope(app, actor, &r.scope, Permission::ViewUnits).await?;
    }
    view(&r)
}

pub(crate) async fn load(app: &App, id: Uuid) -> Result<CriteriaSetVersion, AppError> {
    app.db
        .criteria_set_version(id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("criteria set version {id}")))
}

pub(crate) fn audit(
    actor: &Actor,
    action: &str,
    scope: &str,
    detail: serde_json::Value,
) -> ntm_domain::audit::NewAuditEntry {
    let target = if scope == NATIONAL_SCOPE {
        "criteria:national".to_string()
    } else {
        format!("province:{scope}")
    };
    actor.audit_entry(action, &target, detail)
}

/// What an evaluation used: the set id and version label, where it comes from, and when it
/// was published. Carried by every evaluation (scorecard, API, dashboard, dossier PDF).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct VersionUsed {
    pub set_id: String,
    pub version: String,
    /// `shipped` (a file of the binary), `authored` (a version published in the product) or
    /// `uploaded` (a provincial file uploaded through the API).
    pub source: String,
    /// `national` or the province code.
    pub scope: String,
    /// The authored version's id.
    pub version_id: Option<Uuid>,
    #[serde(serialize_with = "crate::criteria::ser_date")]
    pub valid_from: Date,
    #[serde(with = "time::serde::rfc3339::option")]
    pub published_at: Option<OffsetDateTime>,
    pub published_by: Option<String>,
    /// "xa-ntm-2021-2025, phiên bản 2024 (bộ quốc gia kèm phần mềm)".
    pub text_vi: String,
    pub text_en: String,
}

/// The national set a version extends, as it is in force on the version's `valid_from`
/// (for showing the national values next to the province's); `None` for a full set.
pub async fn base_set(
    app: &App,
    content: &AuthoredSet,
) -> Result<Option<ntm_domain::criteria::ResolvedSet>, AppError> {
    runtime::base_of(app, content).await
}
