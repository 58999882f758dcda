//! The criteria sets shipped with the binary (and those read at start-up), lookups of a set
//! version by year, the day a year is evaluated on, and lists of sets.

use std::sync::OnceLock;

use ntm_domain::criteria::{self, Catalog, ResolvedSet};
use ntm_domain::units::{Level, Unit};
use serde::Serialize;
use time::{Date, Month};

use super::views::{ser_date, ser_opt_date};
use crate::{App, AppError};

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        /// `(file name, contents)` of every criteria file shipped with the binary.
        pub const EMBEDDED: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("../../../../data/criteria/", $name)))),*
        ];
    };
}

embedded!(
    "ap-thong-minh-tra-vinh-2023.yaml",
    "huyen-ntm-2021-2025.yaml",
    "huyen-ntm-2021-2025@2024.yaml",
    "huyen-ntm-dac-thu-2021-2025.yaml",
    "huyen-ntm-nang-cao-2021-2025.yaml",
    "huyen-ntm-nang-cao-2021-2025@2024.yaml",
    "ocop-2023.yaml",
    "thon-thong-minh-lao-cai-2023.yaml",
    "tinh-hoan-thanh-2026-2030.yaml",
    "tinh-hoan-thanh-ntm-2021-2025.yaml",
    "xa-ntm-2021-2025.yaml",
    "xa-ntm-2021-2025@2024.yaml",
    "xa-ntm-2026-2030.yaml",
    "xa-ntm-hien-dai-2026-2030.yaml",
    "xa-ntm-kieu-mau-2021-2025.yaml",
    "xa-ntm-nang-cao-2021-2025.yaml",
    "xa-ntm-nang-cao-2021-2025@2024.yaml",
    "xa-ntm-thong-minh-tra-vinh-2023.yaml",
);

static CATALOG: OnceLock<Catalog> = OnceLock::new();

/// The resolved sets of the embedded files, built on first use. The files are checked by
/// tests, so a failure here is a build defect (start-up panics with every problem).
pub fn catalog() -> &'static Catalog {
    CATALOG.get_or_init(|| match criteria::load_all(EMBEDDED.iter().copied()) {
        Ok(l) => l.catalog,
        Err(errors) => {
            let msgs: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            panic!("embedded criteria files are invalid:\n{}", msgs.join("\n"))
        }
    })
}

/// The shipped sets plus criteria files read at start-up (`ntm serve --criteria-dir`): a set
/// issued after this build, or a fixture for tests. The files go through the same checks as
/// the shipped ones (every problem as `file:line: field`), may not reuse a shipped file name,
/// and resolve together with the shipped sets (a new version of a shipped id is allowed: it
/// takes effect from its `valid_from`). Leaked once: the catalog lives as long as the process.
pub fn catalog_with(extra: &[(String, String)]) -> Result<&'static Catalog, Vec<String>> {
    if extra.is_empty() {
        return Ok(catalog());
    }
    let mut errors = Vec::new();
    for (name, _) in extra {
        if EMBEDDED.iter().any(|(n, _)| n == name) {
            errors.push(format!(
                "{name}: a criteria file of this name ships with NTM Số; give yours another name"
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let files = EMBEDDED
        .iter()
        .copied()
        .chain(extra.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    match criteria::load_all(files) {
        Ok(l) => {
            let c: &'static Catalog = Box::leak(Box::new(l.catalog));
            crate::criteria_sets::register_extra_files(c, extra);
            Ok(c)
        }
        Err(errors) => Err(errors.iter().map(|e| e.to_string()).collect()),
    }
}

/// One version of a set, for lists.
#[derive(Debug, Clone, Serialize)]
pub struct SetSummary {
    pub id: String,
    pub version: String,
    pub title_vi: String,
    /// English title, when the set file gives one (`title_en`).
    pub title_en: Option<String>,
    pub level: Level,
    #[serde(serialize_with = "ser_date")]
    pub valid_from: Date,
    /// Last day in force, when known.
    #[serde(serialize_with = "ser_opt_date")]
    pub in_force_until: Option<Date>,
    pub completeness: &'static str,
    pub criteria: usize,
    pub indicators: usize,
}

impl SetSummary {
    pub(crate) fn of(s: &ResolvedSet) -> SetSummary {
        SetSummary {
            id: s.id.clone(),
            version: s.version.clone(),
            title_vi: s.title_vi.clone(),
            title_en: s.title_en.clone(),
            level: s.level,
            valid_from: s.valid_from,
            in_force_until: s.in_force_until,
            completeness: s.completeness.as_str(),
            criteria: s.criteria.len(),
            indicators: s.indicators.len(),
        }
    }
}

/// Every version of every set, by id then validity. Public reference data.
pub fn list_sets(app: &App) -> Vec<SetSummary> {
    app.catalog.sets().iter().map(SetSummary::of).collect()
}

/// The day whose units a year is evaluated on (see the module documentation).
pub fn evaluation_date(set: &ResolvedSet, year: i32) -> Date {
    let dec31 = Date::from_calendar_date(year, Month::December, 31).unwrap_or(Date::MAX);
    match set.in_force_until {
        Some(end) if end < dec31 && end.year() == year => end,
        _ => {
            // A pre-reform set (in force before 1 July 2025) evaluates 2025 on the last
            // day of the old units.
            let reform = Date::from_calendar_date(2025, Month::July, 1).unwrap_or(Date::MAX);
            if year == 2025
                && set.valid_from < reform
                && set.in_force_until.is_none_or(|e| e.year() <= 2025)
            {
                reform.previous_day().unwrap_or(reform)
            } else {
                dec31
            }
        }
    }
}

pub(crate) fn lookup_set<'a>(
    app: &'a App,
    set_id: &str,
    year: i32,
) -> Result<&'a ResolvedSet, AppError> {
    app.catalog.set_for_year(set_id, year).map_err(|e| match e {
        criteria::LookupError::UnknownSet { .. } => AppError::invalid("set", e.to_string()),
        criteria::LookupError::YearOutsideValidity { .. } => {
            AppError::invalid("year", e.to_string())
        }
    })
}

pub(crate) async fn unit_in_year(app: &App, code: &str, date: Date) -> Result<Unit, AppError> {
    app.db
        .unit_on(code, date)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("unit {code} on {date}")))
}

/// The sets evaluating units of `level` that are in force during `year`, national sets
/// first, then by id (one entry per id).
pub fn sets_for_level(app: &App, level: Level, year: i32) -> Vec<SetSummary> {
    let mut out: Vec<SetSummary> = Vec::new();
    for s in app.catalog.sets() {
        if s.level != level || !s.in_force_during(year) || out.iter().any(|o| o.id == s.id) {
            continue;
        }
        if let Ok(v) = app.catalog.set_for_year(&s.id, year) {
            out.push(SetSummary::of(v));
        }
    }
    let national = |id: &str| {
        app.catalog
            .versions(id)
            .next()
            .and_then(|s| s.category.as_deref())
            != Some("national_set")
    };
    out.sort_by(|a, b| (national(&a.id), &a.id).cmp(&(national(&b.id), &b.id)));
    out
}

/// First and last year any version of a set is in force (`None`: open-ended).
pub fn set_years(app: &App, set_id: &str) -> Option<(i32, Option<i32>)> {
    let mut it = app.catalog.versions(set_id);
    let first = it.next()?;
    let (mut from, mut to) = first.years();
    for v in app.catalog.versions(set_id) {
        let (f, t) = v.years();
        from = from.min(f);
        to = match (to, t) {
            (Some(a), Some(b)) => Some(a.max(b)),
            _ => None,
        };
    }
    Some((from, to))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_files_are_the_folder() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/criteria");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".yaml"))
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = EMBEDDED.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(
            embedded, on_disk,
            "update EMBEDDED in crates/ntm-app/src/criteria/catalog.rs"
        );
        for (name, text) in EMBEDDED {
            let path = format!("{dir}/{name}");
            assert_eq!(*text, std::fs::read_to_string(&path).unwrap(), "{name}");
        }
    }

    #[test]
    fn extra_criteria_files_join_the_shipped_sets() {
        let fixture = include_str!("../../../../testdata/criteria/thu-nghiem-xa.yaml");
        let c = catalog_with(&[("thu-nghiem-xa.yaml".into(), fixture.into())]).unwrap();
        assert!(c.contains("thu-nghiem-xa") && c.contains("xa-ntm-2021-2025"));
        assert!(
            !catalog().contains("thu-nghiem-xa"),
            "the shipped catalog is unchanged"
        );
        // A shipped file name is refused; so is a bad file, with its line.
        let e = catalog_with(&[("xa-ntm-2021-2025.yaml".into(), fixture.into())]).unwrap_err();
        assert!(e[0].contains("ships with NTM Số"), "{e:?}");
        let bad = fixture.replace("level: commune", "level: xa");
        let e = catalog_with(&[("x.yaml".into(), bad)]).unwrap_err();
        assert!(e.iter().any(|m| m.starts_with("x.yaml:10: level")), "{e:?}");
        // The same id twice in one version is refused by the resolver.
        let e = catalog_with(&[
            ("a.yaml".into(), fixture.into()),
            ("b.yaml".into(), fixture.into()),
        ])
        .unwrap_err();
        assert!(!e.is_empty());
    }

    #[test]
    fn catalog_resolves_and_dates_follow_the_reform() {
        let c = catalog();
        assert!(c.contains("xa-ntm-2021-2025"));
        let s = c.set_for_year("xa-ntm-2021-2025", 2025).unwrap();
        assert_eq!(
            evaluation_date(s, 2025),
            Date::from_calendar_date(2025, Month::June, 30).unwrap()
        );
        let s = c.set_for_year("xa-ntm-2021-2025", 2023).unwrap();
        assert_eq!(
            evaluation_date(s, 2023),
            Date::from_calendar_date(2023, Month::December, 31).unwrap()
        );
        let s = c.set_for_year("xa-ntm-2026-2030", 2026).unwrap();
        assert_eq!(
            evaluation_date(s, 2026),
            Date::from_calendar_date(2026, Month::December, 31).unwrap()
        );
    }
}
