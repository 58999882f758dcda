//! Published versions resolved at run time with the shipped files, and the version an
//! evaluation uses.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use ntm_domain::criteria::authoring::AuthoredSet;
use ntm_domain::criteria::{self, Catalog, CriteriaFile, CriteriaSet, ResolvedSet, SetError};
use ntm_domain::units::Unit;
use ntm_store::{CriteriaSetVersion, NATIONAL_SCOPE};

use super::{VersionUsed, refuse};
use crate::criteria::EMBEDDED;
use crate::provincial::ProvincialUse;
use crate::{App, AppError, FieldError};

type Extra = HashMap<usize, Arc<Vec<CriteriaSet>>>;

fn extras() -> &'static Mutex<Extra> {
    static EXTRA: OnceLock<Mutex<Extra>> = OnceLock::new();
    EXTRA.get_or_init(|| Mutex::new(HashMap::new()))
}

/// Remembers the extra criteria files a catalog was built with (`--criteria-dir`, test
/// fixtures), so authored versions resolve against the same sets as evaluation.
pub fn register_extra_files(catalog: &'static Catalog, files: &[(String, String)]) {
    let parsed: Vec<CriteriaSet> = files
        .iter()
        .filter_map(|(n, t)| match criteria::parse_file(n, t) {
            Ok(CriteriaFile::Set(s)) => Some(s),
            _ => None,
        })
        .collect();
    if let Ok(mut m) = extras().lock() {
        m.insert(catalog as *const Catalog as usize, Arc::new(parsed));
    }
}

fn embedded_sets() -> &'static [CriteriaSet] {
    static SETS: OnceLock<Vec<CriteriaSet>> = OnceLock::new();
    SETS.get_or_init(|| {
        EMBEDDED
            .iter()
            .filter_map(|(name, text)| match criteria::parse_file(name, text) {
                Ok(CriteriaFile::Set(s)) => Some(s),
                _ => None,
            })
            .collect()
    })
}

/// The parsed files behind `app.catalog` (shipped files plus extra ones).
fn base_sets(app: &App) -> Vec<CriteriaSet> {
    let mut v = embedded_sets().to_vec();
    if let Ok(m) = extras().lock()
        && let Some(x) = m.get(&(app.catalog as *const Catalog as usize))
    {
        v.extend(x.iter().cloned());
    }
    v
}

/// File name of a stored version in messages: `<set id>@<label>.yaml`.
pub(crate) fn file_name(r: &CriteriaSetVersion) -> String {
    format!("{}@{}.yaml", r.set_id, r.label)
}

pub(crate) fn set_errors(errors: Vec<SetError>) -> AppError {
    AppError::Validation(
        errors
            .into_iter()
            .map(|e| {
                let msg = e.to_string();
                FieldError::new("content", format!("{msg}{}{msg}", super::LANG_SEP))
            })
            .collect(),
    )
}

/// Resolves the base sets, the given published rows and an optional candidate (a draft being
/// checked; not cached).
pub(crate) fn resolve_with(
    app: &App,
    rows: &[&CriteriaSetVersion],
    candidate: Option<CriteriaSet>,
) -> Result<Arc<Catalog>, Vec<SetError>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Catalog>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let key = if candidate.is_none() {
        let mut k = format!("{:x}", app.catalog as *const Catalog as usize);
        for r in rows {
            k.push(':');
            k.push_str(&r.id.to_string());
        }
        if let Ok(c) = cache.lock()
            && let Some(hit) = c.get(&k)
        {
            return Ok(hit.clone());
        }
        Some(k)
    } else {
        None
    };
    let mut sets = base_sets(app);
    for r in rows {
        sets.push(criteria::parse_set(&file_name(r), &r.yaml)?);
    }
    sets.extend(candidate);
    let catalog = Arc::new(criteria::resolve(sets)?);
    if let Some(k) = key
        && let Ok(mut c) = cache.lock()
    {
        if c.len() >= 64 {
            c.clear();
        }
        c.insert(k, catalog.clone());
    }
    Ok(catalog)
}

pub(crate) async fn national_rows(app: &App) -> Result<Vec<CriteriaSetVersion>, AppError> {
    Ok(app
        .db
        .published_criteria_set_versions(NATIONAL_SCOPE)
        .await?)
}

/// The national version (shipped or published in the product) `id` in force on `on`, or
/// the version named.
pub(crate) async fn base_on(
    app: &App,
    id: &str,
    version: Option<&str>,
    on: time::Date,
) -> Result<ResolvedSet, AppError> {
    let rows = national_rows(app).await?;
    let refs: Vec<&CriteriaSetVersion> = rows.iter().collect();
    let cat = resolve_with(app, &refs, None).map_err(set_errors)?;
    if !cat.contains(id) {
        return Err(refuse(
            "extends",
            format!("không có bộ quốc gia “{id}”"),
            format!("no national set “{id}”"),
        ));
    }
    let base = match version {
        Some(v) => cat.get(id, v),
        None => cat.set_on(id, on).ok(),
    };
    base.cloned().ok_or_else(|| {
        refuse(
            "valid_from",
            format!(
                "không có phiên bản nào của {id} có hiệu lực ngày {}",
                ntm_domain::text::format_date_vi(on)
            ),
            format!("no version of {id} is in force on {on}"),
        )
    })
}

/// The set an extending version is built on (see [`base_on`]); `None` for a full set.
pub(crate) async fn base_of(
    app: &App,
    content: &AuthoredSet,
) -> Result<Option<ResolvedSet>, AppError> {
    match &content.extends {
        None => Ok(None),
        Some(e) => base_on(app, &e.id, e.version.as_deref(), content.valid_from)
            .await
            .map(Some),
    }
}

/// Checks a draft the way evaluation will read it: the domain checks against its base, then
/// its YAML through the loader and `resolve` with the shipped files, the published national
/// versions and (`siblings`) other published versions of the same set and scope.
pub(crate) async fn check_content(
    app: &App,
    content: &AuthoredSet,
    siblings: &[CriteriaSetVersion],
) -> Result<(), AppError> {
    let base = base_of(app, content).await?;
    let errors = content.check(base.as_ref());
    if !errors.is_empty() {
        return Err(super::field_errors(errors));
    }
    let parsed =
        criteria::parse_set(&content.file_name(), &content.to_yaml()).map_err(set_errors)?;
    let rows = national_rows(app).await?;
    let mut refs: Vec<&CriteriaSetVersion> = rows
        .iter()
        .filter(|r| !(r.set_id == content.id && r.label == content.version))
        .collect();
    refs.extend(siblings.iter());
    resolve_with(app, &refs, Some(parsed)).map_err(set_errors)?;
    Ok(())
}

/// The set an evaluation uses, and what it is (see the module documentation).
pub struct InForce<'a> {
    pub set: Cow<'a, ResolvedSet>,
    pub used: VersionUsed,
    /// Set when a file uploaded through `crate::provincial` was used.
    pub provincial: Option<ProvincialUse>,
}

fn used_of(set: &ResolvedSet, row: Option<&CriteriaSetVersion>, scope: &str) -> VersionUsed {
    let (source, text_vi, text_en) = match row {
        None => (
            "shipped",
            format!(
                "{}, phiên bản {} (bộ quốc gia kèm phần mềm, hiệu lực từ {})",
                set.id,
                set.version,
                ntm_domain::text::format_date_vi(set.valid_from)
            ),
            format!(
                "{}, version {} (national set shipped with the software, in force from {})",
                set.id, set.version, set.valid_from
            ),
        ),
        Some(r) => {
            let by = if scope == NATIONAL_SCOPE {
                "bộ quốc gia".to_string()
            } else {
                format!("tỉnh {scope}")
            };
            let by_en = if scope == NATIONAL_SCOPE {
                "national".to_string()
            } else {
                format!("province {scope}")
            };
            let when = r
                .published_at
                .map(|t| ntm_domain::text::format_date_vi(t.date()))
                .unwrap_or_default();
            (
                "authored",
                format!(
                    "{}, phiên bản {} ({by}, công bố {when}, hiệu lực từ {})",
                    set.id,
                    set.version,
                    ntm_domain::text::format_date_vi(set.valid_from)
                ),
                format!(
                    "{}, version {} ({by_en}, published {when}, in force from {})",
                    set.id, set.version, set.valid_from
                ),
            )
        }
    };
    VersionUsed {
        set_id: set.id.clone(),
        version: set.version.clone(),
        source: source.into(),
        scope: scope.to_string(),
        version_id: row.map(|r| r.id),
        valid_from: set.valid_from,
        published_at: row.and_then(|r| r.published_at),
        published_by: row.and_then(|r| r.published_by.clone()),
        text_vi,
        text_en,
    }
}

/// The set a unit is evaluated with for national set `set_id` and `year` (see the module
/// documentation); `shipped` is the shipped version for that year.
pub(crate) async fn in_force<'a>(
    app: &App,
    unit: &Unit,
    set_id: &str,
    year: i32,
    shipped: &'a ResolvedSet,
) -> Result<InForce<'a>, AppError> {
    let nat_rows = national_rows(app).await?;
    let broken = |what: &str, e: Vec<SetError>| {
        AppError::Internal(format!(
            "the published criteria versions of {what} no longer resolve: {}",
            e.first().map(|e| e.to_string()).unwrap_or_default()
        ))
    };
    // Provincial versions of the unit's province extending `set_id`.
    if !unit.province_code.is_empty() {
        let prov_rows: Vec<CriteriaSetVersion> = app
            .db
            .published_criteria_set_versions(&unit.province_code)
            .await?
            .into_iter()
            .filter(|r| r.extends_id.as_deref() == Some(set_id))
            .collect();
        if !prov_rows.is_empty() {
            let refs: Vec<&CriteriaSetVersion> = nat_rows.iter().chain(prov_rows.iter()).collect();
            let cat = resolve_with(app, &refs, None)
                .map_err(|e| broken(&format!("province {}", unit.province_code), e))?;
            let mut best: Option<(&ResolvedSet, &CriteriaSetVersion)> = None;
            for r in &prov_rows {
                if let Ok(s) = cat.set_for_year(&r.set_id, year)
                    && s.version == r.label
                    && best.is_none_or(|(b, _)| s.valid_from > b.valid_from)
                {
                    best = Some((s, r));
                }
            }
            if let Some((s, r)) = best {
                return Ok(InForce {
                    used: used_of(s, Some(r), &unit.province_code),
                    set: Cow::Owned(s.clone()),
                    provincial: None,
                });
            }
        }
    }
    if let Some(p) = crate::provincial::set_for_unit(app, unit, set_id, year).await? {
        let mut used = used_of(&p.set, None, &p.info.province_code);
        used.source = "uploaded".into();
        used.text_vi = format!(
            "{}, phiên bản {} (tỉnh {} tải lên: {}, {}, {})",
            p.set.id,
            p.set.version,
            p.info.province_code,
            p.info.file_name,
            p.info.uploaded_by,
            ntm_domain::text::format_date_vi(p.info.uploaded_at.date())
        );
        used.text_en = format!(
            "{}, version {} (uploaded by province {}: {}, {}, {})",
            p.set.id,
            p.set.version,
            p.info.province_code,
            p.info.file_name,
            p.info.uploaded_by,
            p.info.uploaded_at.date()
        );
        used.published_at = Some(p.info.uploaded_at);
        used.published_by = Some(p.info.uploaded_by.clone());
        return Ok(InForce {
            used,
            set: Cow::Owned(p.set),
            provincial: Some(p.info),
        });
    }
    let nat_for_id: Vec<&CriteriaSetVersion> =
        nat_rows.iter().filter(|r| r.set_id == set_id).collect();
    if !nat_for_id.is_empty() {
        let refs: Vec<&CriteriaSetVersion> = nat_rows.iter().collect();
        let cat = resolve_with(app, &refs, None).map_err(|e| broken("national sets", e))?;
        if let Ok(s) = cat.set_for_year(set_id, year)
            && let Some(r) = nat_for_id.iter().find(|r| r.label == s.version)
        {
            return Ok(InForce {
                used: used_of(s, Some(r), NATIONAL_SCOPE),
                set: Cow::Owned(s.clone()),
                provincial: None,
            });
        }
    }
    Ok(InForce {
        used: used_of(shipped, None, NATIONAL_SCOPE),
        set: Cow::Borrowed(shipped),
        provincial: None,
    })
}
