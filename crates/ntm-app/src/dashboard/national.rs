//! The national dashboard (`/dashboard`): the country's communes against a commune-level set
//! and year, country → provinces → communes.
//!
//! Each province is evaluated through the kept evaluations (`super::kept`, its roll-up shared, not copied), all
//! at the same time, as the status map evaluates the country; the country's figures are the
//! domain's merge of the provinces' roll-ups ([`Rollup::merge`]: counts add, averages are
//! weighted by communes), so they equal the sum of the province dashboards. The year chooses
//! the structure: the provinces of the set's evaluation day (63 before 1 July 2025, 34
//! after), each row linking to that province's dashboard, whose commune table reaches the
//! communes.
//!
//! A province evaluated on its own version of the set (a provincial set extending the
//! national one) counts its communes by that version, as its dashboard does; its row says so,
//! and its indicators the national set does not have are not in the national blocking list.

use std::sync::Arc;

use ntm_domain::authz::Permission;
use ntm_domain::criteria::{Blocking, Bucket, ResolvedSet, Rollup};
use ntm_domain::units::{Level, Unit};
use time::Date;

use super::{BlockingRow, FIRST_YEAR, Tally, commune_sets, default_set_id, lookup, set_years};
use crate::authz::require;
use crate::criteria::{Evaluation, RollupView, SetSummary, evaluation_date};
use crate::criteria_sets::VersionUsed;
use crate::exports::SortKey;
use crate::{Actor, App, AppError};

/// A province and its communes' result.
#[derive(Debug, Clone, PartialEq)]
pub struct ProvinceRow {
    pub code: String,
    pub name: String,
    pub tally: Tally,
    /// The version used when it is the province's own (a published provincial version or an
    /// uploaded provincial file extending the national set), else `None`.
    pub own_version: Option<VersionUsed>,
}

/// Everything the national dashboard shows.
#[derive(Debug, Clone)]
pub struct NationalDashboard {
    /// The national set asked for.
    pub set: SetSummary,
    pub year: i32,
    /// The day whose units were used (the set's evaluation day of the year).
    pub units_on: Date,
    pub criteria_total: usize,
    /// The country's communes: the merge of the provinces' roll-ups.
    pub tally: Tally,
    /// By criteria met (confirmed), top bucket first.
    pub buckets: Vec<Bucket>,
    /// By criteria with no known shortfall ("tạm tính").
    pub buckets_no_known_shortfall: Vec<Bucket>,
    /// Indicators keeping the most communes from meeting the set, over the country.
    pub blocking: Vec<BlockingRow>,
    /// One row per province of `units_on`, by code.
    pub provinces: Vec<ProvinceRow>,
    /// Years that can be chosen.
    pub years: Vec<i32>,
    /// Sets that can be chosen for `year`.
    pub sets: Vec<SetSummary>,
    /// While some province's figures are being recomputed after a change to the whole
    /// province (its set, thresholds, groups, unit list): the earliest time of the figures
    /// shown instead ("đang cập nhật", [`Evaluation::updating`]).
    pub updating_since: Option<time::OffsetDateTime>,
    /// Meanwhile: (provinces whose figures are up to date, provinces).
    pub updating_provinces: Option<(usize, usize)>,
}

/// What the national dashboard is asked for: set and year (defaults: the latest year up to
/// this one with values anywhere, else this year; the commune NTM set of the year), and
/// whether the page's form sent them (a set not in force in the chosen year then gives way to
/// the default set instead of an error).
#[derive(Debug, Clone, Copy, Default)]
pub struct NationalQuery<'a> {
    pub set: Option<&'a str>,
    pub year: Option<i32>,
    pub from_form: bool,
}

/// The national dashboard. Needs a country-wide grant allowing `ViewUnits` (checked first).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), set = ?q.set, year = ?q.year))]
pub async fn national_dashboard(
    app: &App,
    actor: &Actor,
    q: NationalQuery<'_>,
) -> Result<NationalDashboard, AppError> {
    require(actor, Permission::ViewUnits, "/")?;
    let asked = match (q.set, q.year) {
        (Some(s), Some(y)) if q.from_form && !commune_sets(app, y).iter().any(|x| x.id == s) => {
            None
        }
        (s, _) => s,
    };
    let (set_id, year, evaluations) = match q.year {
        Some(y) => {
            let set_id = asked.unwrap_or(default_set_id(y)).to_string();
            let set = lookup(app, &set_id, y)?;
            let evaluations = evaluate_provinces(app, actor, set, y).await?;
            (set_id, y, evaluations)
        }
        None => choose(app, actor, asked).await?,
    };
    let set = lookup(app, &set_id, year)?;
    let units_on = evaluation_date(set, year);

    let mut parts = Vec::with_capacity(evaluations.len());
    let mut provinces = Vec::with_capacity(evaluations.len());
    let mut updating_since: Option<time::OffsetDateTime> = None;
    for (unit, e, r) in &evaluations {
        if e.updating {
            let at = e.figures_at.unwrap_or_else(crate::now);
            updating_since = Some(updating_since.map_or(at, |u| u.min(at)));
        }
        parts.push(domain_rollup(set, r));
        provinces.push(ProvinceRow {
            code: unit.code.clone(),
            name: unit.name.clone(),
            tally: Tally::of(r),
            own_version: (e.version_used.scope != crate::criteria_sets::NATIONAL)
                .then(|| e.version_used.clone()),
        });
    }
    let updating_provinces = updating_since.map(|_| {
        let updating = evaluations.iter().filter(|(_, e, _)| e.updating).count();
        (evaluations.len() - updating, evaluations.len())
    });
    let country = Rollup::merge(&parts);
    let blocking = country
        .blocking
        .iter()
        .map(|b| {
            let i = set.indicator(b.indicator);
            BlockingRow {
                code: i.code.clone(),
                name_vi: i.name_vi.clone().unwrap_or_default(),
                not_met: b.not_met,
                missing: b.missing,
            }
        })
        .collect();
    Ok(NationalDashboard {
        set: SetSummary::of(set),
        year,
        units_on,
        criteria_total: set.criteria.len(),
        tally: tally_of(&country),
        buckets: country.buckets,
        buckets_no_known_shortfall: country.buckets_no_known_shortfall,
        blocking,
        provinces,
        years: (FIRST_YEAR..=crate::today().year().max(year))
            .filter(|y| !commune_sets(app, *y).is_empty())
            .collect(),
        sets: commune_sets(app, year)
            .into_iter()
            .map(SetSummary::of)
            .collect(),
        updating_since,
        updating_provinces,
    })
}

/// A province, its evaluation and its roll-up (shared with the kept evaluations).
type Province = (Unit, Evaluation, Arc<RollupView>);

/// The provinces of the set's evaluation day, each evaluated through the dashboards' cache,
/// all at the same time; by code.
async fn evaluate_provinces(
    app: &App,
    actor: &Actor,
    set: &ResolvedSet,
    year: i32,
) -> Result<Vec<Province>, AppError> {
    let provinces =
        super::kept::units_under(app, None, evaluation_date(set, year), Some(Level::Province))
            .await?
            .as_ref()
            .clone();
    // The values written since the last read, for every province at once.
    super::kept::refresh_all(app, &set.id, year).await?;
    let mut tasks = tokio::task::JoinSet::new();
    for (i, p) in provinces.iter().enumerate() {
        let (app, actor, code, set_id) =
            (app.clone(), actor.clone(), p.code.clone(), set.id.clone());
        tasks.spawn(async move {
            (
                i,
                super::kept::evaluate_kept_shared(&app, &actor, &code, &set_id, year).await,
            )
        });
    }
    let mut out: Vec<Option<(Evaluation, Arc<RollupView>)>> =
        provinces.iter().map(|_| None).collect();
    while let Some(r) = tasks.join_next().await {
        let (i, r) = r.map_err(|e| AppError::Internal(format!("evaluation task failed: {e}")))?;
        out[i] = Some(r?);
    }
    let mut rows: Vec<Province> = provinces
        .into_iter()
        .zip(out)
        .map(|(p, e)| {
            e.map(|(e, r)| (p, e, r))
                .ok_or_else(|| AppError::Internal("evaluation missing".into()))
        })
        .collect::<Result<_, _>>()?;
    rows.sort_by(|a, b| a.0.code.cmp(&b.0.code));
    Ok(rows)
}

/// The set and year when no year is given, as a province dashboard chooses them for its
/// subtree: the latest year up to this one in which some province holds values of the set
/// (the commune NTM set of each year unless a set is given), else the latest year with
/// provinces; with the evaluations of the year chosen.
async fn choose(
    app: &App,
    actor: &Actor,
    set_id: Option<&str>,
) -> Result<(String, i32, Vec<Province>), AppError> {
    let this_year = crate::today().year();
    let candidates: Vec<(String, i32)> = match set_id {
        Some(s) => set_years(app, s, this_year)
            .into_iter()
            .rev()
            .map(|y| (s.to_string(), y))
            .collect(),
        None => (FIRST_YEAR..=this_year)
            .rev()
            .map(|y| (default_set_id(y).to_string(), y))
            .collect(),
    };
    let mut fallback = None;
    for (s, y) in candidates {
        // An unknown set or one of another level: the lookup says why.
        let set = lookup(app, &s, y)?;
        let evaluations = evaluate_provinces(app, actor, set, y).await?;
        if evaluations.is_empty() {
            continue;
        }
        if evaluations.iter().any(|(_, _, r)| has_values(set, r)) {
            return Ok((s, y, evaluations));
        }
        if fallback.is_none() {
            fallback = Some((s, y, evaluations));
        }
    }
    if let Some(f) = fallback {
        return Ok(f);
    }
    let s = set_id.unwrap_or(default_set_id(this_year)).to_string();
    let set = lookup(app, &s, this_year)?;
    let evaluations = evaluate_provinces(app, actor, set, this_year).await?;
    Ok((s, this_year, evaluations))
}

/// Does a province's evaluation rest on any value? Some indicator of the national set typed
/// in (not computed) is not missing in every commune, or an indicator of the province's own
/// version (not in the national set) has a value somewhere.
fn has_values(set: &ResolvedSet, r: &RollupView) -> bool {
    if r.units == 0 {
        return false;
    }
    let missing_everywhere: std::collections::HashSet<&str> = r
        .blocking
        .iter()
        .filter(|b| b.missing == r.units)
        .map(|b| b.code.as_str())
        .collect();
    let own_with_values = r
        .blocking
        .iter()
        .any(|b| b.missing < r.units && set.indicator_index(&b.code).is_none());
    own_with_values
        || set
            .indicators
            .iter()
            .filter(|i| i.derived.is_none())
            .any(|i| !missing_everywhere.contains(i.code.as_str()))
}

/// A province's roll-up as the domain's, for [`Rollup::merge`]: indicators by their index in
/// the national `set` (those it lacks, a provincial version's own, are left out). The view
/// carries neither the buckets counting thresholds still to verify nor the tentatively not
/// met counts, so the national blocking list is ordered by communes not met, then missing.
fn domain_rollup(set: &ResolvedSet, r: &RollupView) -> Rollup {
    let buckets = |v: &[crate::criteria::BucketView]| {
        v.iter()
            .map(|b| Bucket {
                min: b.min,
                max: b.max,
                count: b.count,
            })
            .collect()
    };
    Rollup {
        units: r.units,
        met: r.met,
        not_met: r.not_met,
        missing: r.missing,
        needs_verification: r.needs_verification,
        met_tentative: r.met_tentative,
        buckets: buckets(&r.buckets),
        buckets_tentative: Vec::new(),
        avg_criteria_met: r.avg_criteria_met,
        avg_criteria_met_tentative: r.avg_criteria_met_tentative,
        no_known_shortfall: r.no_known_shortfall,
        buckets_no_known_shortfall: buckets(&r.buckets_no_known_shortfall),
        avg_criteria_no_known_shortfall: r.avg_criteria_no_known_shortfall,
        blocking: r
            .blocking
            .iter()
            .filter_map(|b| {
                set.indicator_index(&b.code).map(|i| Blocking {
                    indicator: i,
                    not_met: b.not_met,
                    not_met_tentative: 0,
                    missing: b.missing,
                })
            })
            .collect(),
    }
}

fn tally_of(r: &Rollup) -> Tally {
    Tally {
        units: r.units,
        met: r.met,
        met_tentative: r.met_tentative,
        not_met: r.not_met,
        missing: r.missing,
        needs_verification: r.needs_verification,
        avg_criteria_met: r.avg_criteria_met,
        no_known_shortfall: r.no_known_shortfall,
        avg_criteria_no_known_shortfall: r.avg_criteria_no_known_shortfall,
    }
}

/// Sorts the provinces in place, as a province's dashboard sorts its districts: code, name,
/// average criteria met (`criteria`), share of communes meeting the set (`status`, best first
/// when ascending).
pub fn sort_provinces(rows: &mut [ProvinceRow], key: SortKey, desc: bool) {
    rows.sort_by(|a, b| {
        let o = match key {
            SortKey::Code => a.code.cmp(&b.code),
            SortKey::Name => ntm_domain::text::search_key(&a.name)
                .cmp(&ntm_domain::text::search_key(&b.name))
                .then(a.name.cmp(&b.name)),
            SortKey::Criteria => a
                .tally
                .avg_criteria_met
                .total_cmp(&b.tally.avg_criteria_met)
                .then(
                    a.tally
                        .avg_criteria_no_known_shortfall
                        .total_cmp(&b.tally.avg_criteria_no_known_shortfall),
                ),
            SortKey::Status => b
                .tally
                .met_pct()
                .total_cmp(&a.tally.met_pct())
                .then(b.tally.no_known_shortfall.cmp(&a.tally.no_known_shortfall)),
        };
        let o = if desc { o.reverse() } else { o };
        o.then(a.code.cmp(&b.code))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(code: &str, name: &str, units: u32, met: u32, avg: f64) -> ProvinceRow {
        ProvinceRow {
            code: code.into(),
            name: name.into(),
            tally: Tally {
                units,
                met,
                avg_criteria_met: avg,
                ..Tally::default()
            },
            own_version: None,
        }
    }

    #[test]
    fn provinces_sort_by_each_column() {
        let mut rows = vec![
            row("86", "Tỉnh Vĩnh Long", 10, 5, 12.0),
            row("01", "Thành phố Hà Nội", 100, 90, 18.5),
            row("84", "Tỉnh Trà Vinh", 4, 1, 9.0),
        ];
        let codes = |r: &[ProvinceRow]| r.iter().map(|p| p.code.clone()).collect::<Vec<_>>();
        sort_provinces(&mut rows, SortKey::Code, false);
        assert_eq!(codes(&rows), ["01", "84", "86"]);
        sort_provinces(&mut rows, SortKey::Name, false);
        assert_eq!(codes(&rows), ["01", "84", "86"]);
        sort_provinces(&mut rows, SortKey::Name, true);
        assert_eq!(codes(&rows), ["86", "84", "01"]);
        sort_provinces(&mut rows, SortKey::Criteria, true);
        assert_eq!(codes(&rows), ["01", "86", "84"]);
        sort_provinces(&mut rows, SortKey::Status, false);
        assert_eq!(codes(&rows), ["01", "86", "84"], "90 %, 50 %, 25 % met");
        sort_provinces(&mut rows, SortKey::Status, true);
        assert_eq!(codes(&rows), ["84", "86", "01"]);
    }
}
