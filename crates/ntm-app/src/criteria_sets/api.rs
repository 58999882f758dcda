//! Criteria-set versions for the REST API: every version of a set — the shipped files and
//! the versions authored in a scope — by keyset pages ([`set_versions`]), and one version
//! with its criteria, indicators and thresholds ([`shipped_version`], [`authored_version`]).
//! Each threshold says whether it is confirmed by a cited source
//! (`AuthoredThreshold::confirmed`); nothing unconfirmed is presented as confirmed.

use ntm_domain::criteria::authoring::AuthoredSet;
use ntm_store::NATIONAL_SCOPE;
use time::Date;
use uuid::Uuid;

use super::{VersionView, get_version, list_versions};
use crate::paging::{Page, page};
use crate::{Actor, App, AppError};

/// Where a version comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// A file shipped with the binary (public reference data).
    Shipped,
    /// Authored in the product (a draft or a published version).
    Authored,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Shipped => "shipped",
            Source::Authored => "authored",
        }
    }
}

/// A version of a set, shipped or authored, with its content.
#[derive(Debug, Clone)]
pub struct SetVersion {
    pub source: Source,
    /// `national` or a province code (shipped files: `national`).
    pub scope: String,
    /// `shipped`, `draft` or `published`.
    pub status: String,
    /// The authored version's record (id, revision, who and when); `None` when shipped.
    pub authored: Option<VersionView>,
    /// Last day in force (shipped: the day before a later version takes effect).
    pub in_force_until: Option<Date>,
    pub content: AuthoredSet,
    /// Thresholds confirmed by a cited source, and all thresholds.
    pub confirmed_thresholds: usize,
    pub thresholds: usize,
}

impl SetVersion {
    /// The version's key in lists: `YYYY-MM-DD|source|label` (validity, then shipped before
    /// authored, then label).
    pub fn key(&self) -> String {
        format!(
            "{}|{}|{}",
            self.content.valid_from,
            self.source.as_str(),
            self.content.version
        )
    }

    fn sort_key(&self) -> (Date, Source, String) {
        (
            self.content.valid_from,
            self.source,
            self.content.version.clone(),
        )
    }
}

/// Thresholds confirmed by a cited source, and all thresholds (general, by region, by group).
pub fn threshold_counts(content: &AuthoredSet) -> (usize, usize) {
    let (mut confirmed, mut total) = (0, 0);
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
    (confirmed, total)
}

fn shipped(app: &App, set: &ntm_domain::criteria::ResolvedSet) -> SetVersion {
    let content = AuthoredSet::from_resolved(set);
    let (confirmed_thresholds, thresholds) = threshold_counts(&content);
    SetVersion {
        source: Source::Shipped,
        scope: NATIONAL_SCOPE.to_string(),
        status: "shipped".into(),
        authored: None,
        in_force_until: app
            .catalog
            .get(&set.id, &set.version)
            .and_then(|s| s.in_force_until),
        content,
        confirmed_thresholds,
        thresholds,
    }
}

fn authored(v: VersionView) -> SetVersion {
    let (confirmed_thresholds, thresholds) = threshold_counts(&v.content);
    SetVersion {
        source: Source::Authored,
        scope: v.scope.clone(),
        status: v.status.clone(),
        in_force_until: v.valid_to,
        content: v.content.clone(),
        authored: Some(v),
        confirmed_thresholds,
        thresholds,
    }
}

/// Parses a list key ([`SetVersion::key`]).
fn parse_key(after: &str) -> Result<(Date, Source, String), AppError> {
    let bad = || {
        AppError::invalid(
            "after",
            format!("{after:?} is not a key of this list (YYYY-MM-DD|source|label)"),
        )
    };
    let mut parts = after.splitn(3, '|');
    let (Some(d), Some(s), Some(label)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    let d = ntm_domain::text::parse_date(d).ok_or_else(bad)?;
    let s = match s {
        "shipped" => Source::Shipped,
        "authored" => Source::Authored,
        _ => return Err(bad()),
    };
    Ok((d, s, label.to_string()))
}

/// The versions of `set_id` in `scope` (`national` or a province code), oldest first: in
/// the national scope the shipped files and the national versions authored in the product;
/// in a province, its authored versions. Readable as [`list_versions`] (national: any
/// signed-in user; a province: `ViewUnits` on it).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), set = %set_id, scope = %scope))]
pub async fn set_versions(
    app: &App,
    actor: &Actor,
    set_id: &str,
    scope: &str,
    after: Option<&str>,
    limit: usize,
) -> Result<Page<SetVersion>, AppError> {
    let mut all: Vec<SetVersion> = list_versions(app, actor, scope)
        .await?
        .into_iter()
        .filter(|v| v.set_id == set_id)
        .map(authored)
        .collect();
    if scope == NATIONAL_SCOPE {
        all.extend(app.catalog.versions(set_id).map(|s| shipped(app, s)));
    }
    if all.is_empty() {
        return Err(AppError::NotFound(format!(
            "no version of the criteria set {set_id} in scope {scope}"
        )));
    }
    all.sort_by_key(SetVersion::sort_key);
    let after = after.map(parse_key).transpose()?;
    Ok(page(
        all,
        SetVersion::sort_key,
        after.as_ref(),
        limit,
        SetVersion::key,
    ))
}

/// A shipped version (public reference data, like its YAML export).
#[tracing::instrument(skip_all, fields(set = %set_id, version = %version))]
pub fn shipped_version(app: &App, set_id: &str, version: &str) -> Result<SetVersion, AppError> {
    app.catalog
        .get(set_id, version)
        .map(|s| shipped(app, s))
        .ok_or_else(|| AppError::NotFound(format!("{set_id} version {version}")))
}

/// An authored version, for users who may read its scope ([`get_version`]).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), id = %id))]
pub async fn authored_version(app: &App, actor: &Actor, id: Uuid) -> Result<SetVersion, AppError> {
    get_version(app, actor, id).await.map(authored)
}
