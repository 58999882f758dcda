//! Criteria-set versions authored in the product (migration 0013): drafts and published
//! versions of a province's set (`scope` = province code) or of a national set
//! (`scope` = [`NATIONAL_SCOPE`]).
//!
//! A draft is changed with the revision it was read at (a stale revision or a published
//! version changes nothing: [`DraftUpdate`]). Publishing checks, in the same transaction as
//! the status change and its audit entry, that no other published version of the same
//! `(scope, set_id)` has an overlapping validity ([`Publish::Overlaps`] names them): the same
//! first day, or a start inside another's explicit period. An open-ended version is
//! superseded by a later-starting one (the domain ends it the day before, as a new decision
//! replaces the old one from its effective date). Rows are never deleted.

use ntm_domain::audit::NewAuditEntry;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::append_audit_tx;
use crate::db::{Db, Result, db_time, sql};

/// The scope of national versions (authored by administrators).
pub const NATIONAL_SCOPE: &str = "national";
/// `status` of a version being edited.
pub const STATUS_DRAFT: &str = "draft";
/// `status` of a version in force for evaluation; it never changes again.
pub const STATUS_PUBLISHED: &str = "published";

/// One stored version.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CriteriaSetVersion {
    pub id: Uuid,
    /// A province code (`86`) or [`NATIONAL_SCOPE`].
    pub scope: String,
    pub set_id: String,
    /// The version label ("2026").
    pub label: String,
    /// The national set a provincial version extends.
    pub extends_id: Option<String>,
    /// [`STATUS_DRAFT`] or [`STATUS_PUBLISHED`].
    pub status: String,
    /// `YYYY-MM-DD`.
    pub valid_from: String,
    /// `YYYY-MM-DD`, inclusive; `None`: open.
    pub valid_to: Option<String>,
    /// The authoring model (`AuthoredSet`) as JSON.
    pub content: String,
    /// The `ntm-criteria/1` document made from `content`.
    pub yaml: String,
    /// Where the first draft came from ("shipped xa-ntm-2021-2025 2024", "yaml a.yaml", …).
    pub origin: String,
    /// Edits so far (0 when created).
    pub revision: i64,
    pub created_by: String,
    pub created_at: OffsetDateTime,
    pub updated_by: String,
    pub updated_at: OffsetDateTime,
    pub published_by: Option<String>,
    pub published_at: Option<OffsetDateTime>,
}

impl CriteriaSetVersion {
    pub fn is_published(&self) -> bool {
        self.status == STATUS_PUBLISHED
    }
}

/// What a draft update did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DraftUpdate {
    Done(CriteriaSetVersion),
    /// The version is published: nothing changed.
    Published(CriteriaSetVersion),
    /// Someone changed it since `revision` was read: nothing changed.
    Stale(CriteriaSetVersion),
    NotFound,
}

/// What publishing did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Publish {
    Done(CriteriaSetVersion),
    /// Published versions of the same set and scope whose validity overlaps: nothing changed.
    Overlaps(Vec<CriteriaSetVersion>),
    /// Already published, or changed since `revision` was read: nothing changed.
    Stale(CriteriaSetVersion),
    NotFound,
}

/// The fields a draft edit replaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftChange<'a> {
    pub label: &'a str,
    pub valid_from: &'a str,
    pub valid_to: Option<&'a str>,
    pub content: &'a str,
    pub yaml: &'a str,
    pub updated_by: &'a str,
    pub updated_at: OffsetDateTime,
}

macro_rules! cols {
    () => {
        "id, scope, set_id, label, extends_id, status, valid_from, valid_to, content, yaml, \
         origin, revision, created_by, created_at, updated_by, updated_at, published_by, \
         published_at"
    };
}

impl Db {
    /// Stores a new draft (or an already published version, e.g. a migrated upload) with its
    /// audit entry. A label already used for the same `(scope, set_id)` is a `Conflict`.
    pub async fn insert_criteria_set_version(
        &self,
        v: &CriteriaSetVersion,
        audit: NewAuditEntry,
    ) -> Result<CriteriaSetVersion> {
        let mut tx = self.begin().await?;
        tx.execute(sql!(
            concat!(
                "INSERT INTO criteria_set_versions (",
                cols!(),
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
                 $16, $17, $18)"
            ),
            v.id,
            v.scope.as_str(),
            v.set_id.as_str(),
            v.label.as_str(),
            v.extends_id.clone(),
            v.status.as_str(),
            v.valid_from.as_str(),
            v.valid_to.clone(),
            v.content.as_str(),
            v.yaml.as_str(),
            v.origin.as_str(),
            v.revision,
            v.created_by.as_str(),
            v.created_at,
            v.updated_by.as_str(),
            v.updated_at,
            v.published_by.clone(),
            v.published_at,
        ))
        .await
        .map_err(|e| {
            e.conflict_as(|| {
                format!(
                    "version \"{}\" of {} already exists for {}",
                    v.label, v.set_id, v.scope
                )
            })
        })?;
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(CriteriaSetVersion {
            created_at: db_time(v.created_at),
            updated_at: db_time(v.updated_at),
            published_at: v.published_at.map(db_time),
            ..v.clone()
        })
    }

    pub async fn criteria_set_version(&self, id: Uuid) -> Result<Option<CriteriaSetVersion>> {
        self.fetch_optional(sql!(
            concat!(
                "SELECT ",
                cols!(),
                " FROM criteria_set_versions WHERE id = $1"
            ),
            id
        ))
        .await
    }

    /// Every version of a scope (drafts and published), by set id then validity.
    pub async fn list_criteria_set_versions(&self, scope: &str) -> Result<Vec<CriteriaSetVersion>> {
        self.fetch_all(sql!(
            concat!(
                "SELECT ",
                cols!(),
                " FROM criteria_set_versions WHERE scope = $1 \
                 ORDER BY set_id, valid_from, created_at"
            ),
            scope
        ))
        .await
    }

    /// The published versions of a scope, by set id then validity.
    pub async fn published_criteria_set_versions(
        &self,
        scope: &str,
    ) -> Result<Vec<CriteriaSetVersion>> {
        self.fetch_all(sql!(
            concat!(
                "SELECT ",
                cols!(),
                " FROM criteria_set_versions WHERE scope = $1 AND status = $2 \
                 ORDER BY set_id, valid_from"
            ),
            scope,
            STATUS_PUBLISHED
        ))
        .await
    }

    /// Replaces a draft's content if it is still a draft at `revision` (see [`DraftUpdate`]).
    pub async fn update_criteria_set_draft(
        &self,
        id: Uuid,
        revision: i64,
        c: &DraftChange<'_>,
        audit: NewAuditEntry,
    ) -> Result<DraftUpdate> {
        let mut tx = self.begin().await?;
        let n = tx
            .execute(sql!(
                "UPDATE criteria_set_versions SET label = $1, valid_from = $2, valid_to = $3, \
                 content = $4, yaml = $5, updated_by = $6, updated_at = $7, revision = $8 \
                 WHERE id = $9 AND status = $10 AND revision = $11",
                c.label,
                c.valid_from,
                c.valid_to.map(str::to_string),
                c.content,
                c.yaml,
                c.updated_by,
                c.updated_at,
                revision + 1,
                id,
                STATUS_DRAFT,
                revision,
            ))
            .await
            .map_err(|e| {
                e.conflict_as(|| format!("version label \"{}\" is already used", c.label))
            })?;
        let row: Option<CriteriaSetVersion> = tx
            .fetch_optional(sql!(
                concat!(
                    "SELECT ",
                    cols!(),
                    " FROM criteria_set_versions WHERE id = $1"
                ),
                id
            ))
            .await?;
        let Some(row) = row else {
            return Ok(DraftUpdate::NotFound);
        };
        if n == 0 {
            return Ok(if row.is_published() {
                DraftUpdate::Published(row)
            } else {
                DraftUpdate::Stale(row)
            });
        }
        append_audit_tx(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(DraftUpdate::Done(row))
    }

    /// Publishes a draft seen at `revision` unless a published version of the same set and
    /// scope overlaps its validity (see [`Publish`]); the check, the change and the audit
    /// entry are one transaction.
    pub async fn publish_criteria_set_version(
        &self,
        id: Uuid,
        revision: i64,
        by: &str,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> Result<Publish> {
        let mut tx = self.begin().await?;
        let row: Option<CriteriaSetVersion> = tx
            .fetch_optional(sql!(
                concat!(
                    "SELECT ",
                    cols!(),
                    " FROM criteria_set_versions WHERE id = $1"
                ),
                id
            ))
            .await?;
        let Some(row) = row else {
            return Ok(Publish::NotFound);
        };
        if row.is_published() || row.revision != revision {
            return Ok(Publish::Stale(row));
        }
        let overlaps: Vec<CriteriaSetVersion> = tx
            .fetch_all(sql!(
                concat!(
                    "SELECT ",
                    cols!(),
                    " FROM criteria_set_versions WHERE scope = $1 AND set_id = $2 \
                     AND status = $3 AND id <> $4 AND (valid_from = $5 \
                     OR (valid_from < $5 AND valid_to IS NOT NULL AND valid_to >= $5) \
                     OR (valid_from > $5 AND valid_from <= $6)) ORDER BY valid_from"
                ),
                row.scope.as_str(),
                row.set_id.as_str(),
                STATUS_PUBLISHED,
                id,
                row.valid_from.as_str(),
                // An open end is no clash with a later start: the later version supersedes.
                row.valid_to.clone().unwrap_or_else(|| "0000-00-00".into()),
            ))
            .await?;
        if !overlaps.is_empty() {
            return Ok(Publish::Overlaps(overlaps));
        }
        let n = tx
            .execute(sql!(
                "UPDATE criteria_set_versions SET status = $1, published_by = $2, \
                 published_at = $3 WHERE id = $4 AND status = $5 AND revision = $6",
                STATUS_PUBLISHED,
                by,
                at,
                id,
                STATUS_DRAFT,
                revision,
            ))
            .await?;
        if n == 0 {
            return Ok(Publish::Stale(row));
        }
        let entry = append_audit_tx(&mut tx, audit).await?;
        let path = if row.scope == NATIONAL_SCOPE {
            "/".to_string()
        } else {
            crate::evaluation_changes::province_path(&row.scope)
        };
        crate::evaluation_changes::note_tx(
            &mut tx,
            entry.seq,
            entry.at,
            [crate::Change::Scope {
                path,
                why: crate::ScopeChange::SetVersion,
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(Publish::Done(CriteriaSetVersion {
            status: STATUS_PUBLISHED.into(),
            published_by: Some(by.to_string()),
            published_at: Some(db_time(at)),
            ..row
        }))
    }
}
