//! `/api/v1/criteria-sets/{set}/versions`, `/api/v1/criteria-sets/{set}/versions/{version}`
//! and `/api/v1/criteria-versions/{id}`: the versions of a criteria set — shipped files and
//! versions authored in the product — and one version with its criteria, indicators and
//! thresholds, each threshold with its provenance and whether a cited source confirms it
//! (`ntm_app::criteria_sets::api`).

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::response::Json;
use ntm_app::criteria_sets::api::SetVersion;
use ntm_domain::criteria::authoring::{
    AuthoredIndicator, AuthoredSet, AuthoredThreshold, Variation,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};

use super::paging::{PageParams, next_link};
use crate::ctx::{Ctx, url_encode};
use crate::error::{Problem, WebError};
use crate::request::parse_id;
use crate::state::AppState;

/// snake_case text of a domain enum (its serde name).
fn name<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// A version of a criteria set, shipped or authored.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionSummaryDto {
    /// shipped (a file of the binary) or authored (in the product)
    pub source: String,
    /// national, or the province code of an authored provincial version
    pub scope: String,
    #[schema(example = "xa-ntm-2021-2025")]
    pub set_id: String,
    /// Version label.
    #[schema(example = "2024")]
    pub version: String,
    /// Id of an authored version (UUID); null when shipped.
    pub id: Option<String>,
    /// shipped, draft or published
    pub status: String,
    pub title_vi: String,
    /// province, district, commune or hamlet
    pub level: String,
    #[schema(format = Date)]
    pub valid_from: String,
    /// Last day in force, when known.
    #[schema(format = Date)]
    pub in_force_until: Option<String>,
    /// complete, partial, skeleton or not_retrieved
    pub completeness: String,
    /// The national set it extends (`id` or `id@version`).
    pub extends: Option<String>,
    pub criteria: usize,
    pub indicators: usize,
    pub thresholds: usize,
    /// Thresholds confirmed by a cited source (the others are to be verified).
    pub confirmed_thresholds: usize,
    /// This list's paging key of the version.
    pub key: String,
    /// Address of the version with its content.
    pub href: String,
}

impl From<&SetVersion> for VersionSummaryDto {
    fn from(v: &SetVersion) -> VersionSummaryDto {
        let c = &v.content;
        let id = v.authored.as_ref().map(|a| a.id.to_string());
        let href = match &id {
            Some(id) => format!("/api/v1/criteria-versions/{id}"),
            None => format!(
                "/api/v1/criteria-sets/{}/versions/{}",
                url_encode(&c.id),
                url_encode(&c.version)
            ),
        };
        VersionSummaryDto {
            source: v.source.as_str().to_string(),
            scope: v.scope.clone(),
            set_id: c.id.clone(),
            version: c.version.clone(),
            id,
            status: v.status.clone(),
            title_vi: c.title_vi.clone(),
            level: c.level.as_str().to_string(),
            valid_from: c.valid_from.to_string(),
            in_force_until: v.in_force_until.map(|d| d.to_string()),
            completeness: name(&c.completeness),
            extends: c.extends.as_ref().map(|e| match &e.version {
                Some(ver) => format!("{}@{ver}", e.id),
                None => e.id.clone(),
            }),
            criteria: c.criteria.len(),
            indicators: c.indicators().count(),
            thresholds: v.thresholds,
            confirmed_thresholds: v.confirmed_thresholds,
            key: v.key(),
            href,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScopeParams {
    /// `national` (default: the shipped files and the national versions authored in the
    /// product) or a province code (its authored versions).
    pub scope: Option<String>,
}

/// A page of a set's versions, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionListDto {
    pub set_id: String,
    pub scope: String,
    pub versions: Vec<VersionSummaryDto>,
    /// The next page's address; null on the last page.
    pub next: Option<String>,
}

/// The versions of a criteria set in a scope, by validity, by keyset pages (the key of a
/// version is `YYYY-MM-DD|source|label`).
#[utoipa::path(
    get,
    path = "/api/v1/criteria-sets/{set}/versions",
    tag = "criteria",
    summary = "Versions of a criteria set",
    params(("set" = String, Path, description = "Set id, e.g. xa-ntm-2021-2025"), ScopeParams, PageParams),
    responses(
        (status = 200, description = "A page of versions", body = VersionListDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The province is outside the user's scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No version of this set in the scope, or no such province", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad scope, `after` or `limit`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_versions(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(set): Path<String>,
    Query(s): Query<ScopeParams>,
    Query(p): Query<PageParams>,
) -> Result<Json<VersionListDto>, WebError> {
    ctx.require_user()?;
    let limit = ntm_app::paging::limit(p.limit)?;
    let scope = s
        .scope
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(ntm_app::criteria_sets::NATIONAL)
        .to_string();
    let page = ntm_app::criteria_sets::api::set_versions(
        &st.app,
        &ctx.actor(),
        &set,
        &scope,
        p.after(),
        limit,
    )
    .await?;
    let path = format!("/api/v1/criteria-sets/{}/versions", url_encode(&set));
    Ok(Json(VersionListDto {
        next: next_link(
            &path,
            &[("scope", Some(&scope))],
            page.next.as_deref(),
            limit,
        ),
        versions: page.items.iter().map(VersionSummaryDto::from).collect(),
        set_id: set,
        scope,
    }))
}

/// A threshold value, general or for a region or commune group.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThresholdDto {
    /// `general`, `region:<code>` (DBSCL…) or `group:<id>` (nhom-1…).
    #[schema(example = "general")]
    pub applies_to: String,
    /// Known to exist, but its value is missing from the captured text.
    pub missing: bool,
    /// >=, <=, == or in; null when missing.
    pub op: Option<String>,
    /// true/false, a number, or a list of numbers; null when missing.
    #[schema(value_type = Value)]
    pub value: serde_json::Value,
    /// Wording of the legal table ("≥80%", "Đạt").
    pub text: Option<String>,
    /// sourced, recalled, inferred or secondary (the indicator's when the value has none).
    pub provenance: Option<String>,
    pub uncertain: bool,
    /// Confirmed: sourced, not uncertain, and citing a source. Else to be verified.
    pub confirmed: bool,
    /// Ids of the version's `sources` cited.
    pub sources: Vec<String>,
    pub note: Option<String>,
}

fn threshold(
    applies_to: String,
    t: Option<&AuthoredThreshold>,
    i: &AuthoredIndicator,
) -> ThresholdDto {
    match t {
        None => ThresholdDto {
            applies_to,
            missing: true,
            op: None,
            value: serde_json::Value::Null,
            text: None,
            provenance: Some(name(&i.provenance)),
            uncertain: i.uncertain,
            confirmed: false,
            sources: Vec::new(),
            note: None,
        },
        Some(t) => {
            let mut sources = t.sources.clone();
            sources.extend(t.source.iter().cloned());
            ThresholdDto {
                applies_to,
                missing: false,
                op: Some(name(&t.op)),
                value: serde_json::to_value(&t.value).unwrap_or_default(),
                text: t.text.clone(),
                provenance: Some(name(&t.provenance.unwrap_or(i.provenance))),
                uncertain: t.uncertain.unwrap_or(i.uncertain),
                confirmed: t.confirmed(i),
                sources,
                note: t.note.clone(),
            }
        }
    }
}

fn variation(
    prefix: &str,
    v: &Variation,
    i: &AuthoredIndicator,
    out: &mut Vec<ThresholdDto>,
) -> bool {
    for (k, t) in v.entries() {
        out.push(threshold(format!("{prefix}:{k}"), t.as_ref(), i));
    }
    matches!(v, Variation::Known(_))
}

/// An indicator (chỉ tiêu) of a version.
#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorDefDto {
    #[schema(example = "8.4")]
    pub code: String,
    pub name_vi: Option<String>,
    pub name_en: Option<String>,
    /// boolean, percent, number, count, level or derived
    pub kind: String,
    pub unit: Option<String>,
    /// Restates an indicator of the set it extends.
    pub inherited: bool,
    /// sourced, recalled, inferred or secondary
    pub provenance: String,
    pub uncertain: bool,
    /// A placeholder for text not captured yet.
    pub placeholder: bool,
    pub sources: Vec<String>,
    pub note: Option<String>,
    /// The general value, then values by region and by commune group.
    pub thresholds: Vec<ThresholdDto>,
    /// Whether it is known if values differ by region / by commune group.
    pub by_region_known: bool,
    pub by_group_known: bool,
}

fn indicator(i: &AuthoredIndicator) -> IndicatorDefDto {
    let mut thresholds = vec![threshold("general".into(), i.threshold.as_ref(), i)];
    let by_region_known = variation("region", &i.by_region, i, &mut thresholds);
    let by_group_known = variation("group", &i.by_group, i, &mut thresholds);
    let mut sources = i.sources.clone();
    sources.extend(i.source.iter().cloned());
    IndicatorDefDto {
        code: i.code.clone(),
        name_vi: i.name_vi.clone(),
        name_en: i.name_en.clone(),
        kind: name(&i.kind),
        unit: i.unit.clone(),
        inherited: i.inherited,
        provenance: name(&i.provenance),
        uncertain: i.uncertain,
        placeholder: i.placeholder,
        sources,
        note: i.note.clone(),
        thresholds,
        by_region_known,
        by_group_known,
    }
}

/// A criterion (tiêu chí) and its indicators.
#[derive(Debug, Serialize, ToSchema)]
pub struct CriterionDefDto {
    pub number: u16,
    pub name_vi: String,
    pub name_en: Option<String>,
    pub group: Option<String>,
    /// all (every indicator met) or any
    pub pass: String,
    pub inherited: bool,
    pub provenance: Option<String>,
    pub uncertain: bool,
    pub sources: Vec<String>,
    pub note: Option<String>,
    pub indicators: Vec<IndicatorDefDto>,
}

/// A document the version cites.
#[derive(Debug, Serialize, ToSchema)]
pub struct SourceDto {
    pub url: Option<String>,
    /// Document number ("12/2026/QĐ-UBND").
    pub doc: Option<String>,
    pub what: Option<String>,
    #[schema(format = Date)]
    pub date: Option<String>,
    pub issuer: Option<String>,
    /// Article or appendix the value is read from.
    pub article: Option<String>,
    /// SHA-256 of the uploaded PDF of the document, when one is kept.
    pub file_sha256: Option<String>,
}

/// A legal basis of the version.
#[derive(Debug, Serialize, ToSchema)]
pub struct LegalBasisDto {
    pub doc: String,
    pub date: Option<String>,
    pub issuer: Option<String>,
    pub role: String,
    pub title: Option<String>,
    pub sources: Vec<String>,
}

/// Who made an authored version, and when.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthoredDto {
    pub id: String,
    /// Edits so far.
    pub revision: i64,
    /// What it was started from.
    pub origin: String,
    pub created_by: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    pub updated_by: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    pub published_by: Option<String>,
    #[schema(format = DateTime)]
    pub published_at: Option<String>,
}

/// A version with its content.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionDetailDto {
    pub version: VersionSummaryDto,
    /// Null when shipped.
    pub authored: Option<AuthoredDto>,
    pub title_en: Option<String>,
    pub legal_basis: Vec<LegalBasisDto>,
    /// The citation table: thresholds and indicators cite its ids.
    pub sources: BTreeMap<String, SourceDto>,
    pub notes: Vec<String>,
    /// Conditions checked before the criteria.
    pub preconditions: Vec<IndicatorDefDto>,
    pub criteria: Vec<CriterionDefDto>,
}

impl From<&SetVersion> for VersionDetailDto {
    fn from(v: &SetVersion) -> VersionDetailDto {
        let c: &AuthoredSet = &v.content;
        VersionDetailDto {
            version: VersionSummaryDto::from(v),
            authored: v.authored.as_ref().map(|a| AuthoredDto {
                id: a.id.to_string(),
                revision: a.revision,
                origin: a.origin.clone(),
                created_by: a.created_by.clone(),
                created_at: rfc3339(a.created_at),
                updated_by: a.updated_by.clone(),
                updated_at: rfc3339(a.updated_at),
                published_by: a.published_by.clone(),
                published_at: a.published_at.map(rfc3339),
            }),
            title_en: c.title_en.clone(),
            legal_basis: c
                .legal_basis
                .iter()
                .map(|b| LegalBasisDto {
                    doc: b.doc.clone(),
                    date: b.date.clone(),
                    issuer: b.issuer.clone(),
                    role: b.role.clone(),
                    title: b.title.clone(),
                    sources: b.sources.clone(),
                })
                .collect(),
            sources: c
                .sources
                .iter()
                .map(|(k, s)| {
                    (
                        k.clone(),
                        SourceDto {
                            url: s.url.clone(),
                            doc: s.doc.clone(),
                            what: s.what.clone(),
                            date: s.date.clone(),
                            issuer: s.issuer.clone(),
                            article: s.article.clone(),
                            file_sha256: s.file_sha256.clone(),
                        },
                    )
                })
                .collect(),
            notes: c.notes.clone(),
            preconditions: c.preconditions.iter().map(indicator).collect(),
            criteria: c
                .criteria
                .iter()
                .map(|k| CriterionDefDto {
                    number: k.number,
                    name_vi: k.name_vi.clone(),
                    name_en: k.name_en.clone(),
                    group: k.group.clone(),
                    pass: name(&k.pass),
                    inherited: k.inherited,
                    provenance: k.provenance.as_ref().map(name),
                    uncertain: k.uncertain,
                    sources: k.sources.clone(),
                    note: k.note.clone(),
                    indicators: k.indicators.iter().map(indicator).collect(),
                })
                .collect(),
        }
    }
}

/// A shipped version with its criteria, indicators and thresholds (public reference data).
#[utoipa::path(
    get,
    path = "/api/v1/criteria-sets/{set}/versions/{version}",
    tag = "criteria",
    summary = "A shipped criteria-set version",
    params(
        ("set" = String, Path, description = "Set id, e.g. xa-ntm-2021-2025"),
        ("version" = String, Path, description = "Version label, e.g. 2024"),
    ),
    responses(
        (status = 200, description = "The version and its content", body = VersionDetailDto),
        (status = 404, description = "No such shipped version", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn shipped_version(
    State(st): State<AppState>,
    Path((set, version)): Path<(String, String)>,
) -> Result<Json<VersionDetailDto>, WebError> {
    let v = ntm_app::criteria_sets::api::shipped_version(&st.app, &set, &version)?;
    Ok(Json(VersionDetailDto::from(&v)))
}

/// A version authored in the product (draft or published) with its criteria, indicators
/// and thresholds, for users who may read its scope.
#[utoipa::path(
    get,
    path = "/api/v1/criteria-versions/{id}",
    tag = "criteria",
    summary = "An authored criteria-set version",
    params(("id" = String, Path, description = "Version id (UUID)")),
    responses(
        (status = 200, description = "The version and its content", body = VersionDetailDto),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The province is outside the user's scope", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such version", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn authored_version(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<VersionDetailDto>, WebError> {
    ctx.require_user()?;
    let id = parse_id(&id, "criteria set version")?;
    let v = ntm_app::criteria_sets::api::authored_version(&st.app, &ctx.actor(), id).await?;
    Ok(Json(VersionDetailDto::from(&v)))
}
