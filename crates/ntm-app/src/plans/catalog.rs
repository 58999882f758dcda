//! The plans and the measure catalogue shipped with the binary, checked once per process.

use std::sync::OnceLock;

use ntm_domain::plans::{self, MeasureDef, Plan, PlanError};

use crate::AppError;

/// `(file name, contents)` of the measure catalogue shipped with the binary.
pub const MEASURES_FILE: (&str, &str) = (
    "measures.yaml",
    include_str!("../../../../data/plans/measures.yaml"),
);

macro_rules! embedded {
    ($($name:literal),* $(,)?) => {
        /// `(file name, contents)` of every plan file shipped with the binary.
        pub const EMBEDDED: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("../../../../data/plans/", $name)))),*
        ];
    };
}

embedded!(
    "cao-bang-2021-2025.yaml",
    "hcm-2023-2025.yaml",
    "tra-vinh-2021-2025.yaml",
    "tra-vinh-2023.yaml",
);

/// The measures and plans shipped with the binary.
pub struct Shipped {
    pub measures: Vec<MeasureDef>,
    pub plans: Vec<Plan>,
    /// Where each plan was read from (same order as `plans`).
    pub sources: Vec<PlanSource>,
    /// When this process loaded the files (they change only with a restart).
    pub loaded_at: time::OffsetDateTime,
}

/// The file a plan was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSource {
    pub file: String,
    /// Shipped with the binary (`data/plans/`), else the deployment's (`--plans-dir`).
    pub shipped: bool,
}

pub(super) static SHIPPED: OnceLock<Shipped> = OnceLock::new();

/// Loads the measure catalogue and the plan files (all problems together).
pub fn load(
    measures: (&str, &str),
    files: &[(&str, &str)],
    catalog: &ntm_domain::criteria::Catalog,
) -> Result<Shipped, Vec<PlanError>> {
    let measures = plans::parse_measures(measures.0, measures.1)?;
    let mut out = Vec::new();
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    for (name, text) in files {
        match plans::parse_plan(name, text, &measures, catalog) {
            Ok(p) => {
                sources.push(PlanSource {
                    file: name.to_string(),
                    shipped: EMBEDDED.iter().any(|(n, t)| n == name && t == text),
                });
                if out.iter().any(|o: &Plan| o.id == p.id) {
                    errors.push(PlanError {
                        file: name.to_string(),
                        line: 0,
                        field: "id".into(),
                        message: format!("plan id `{}` is used by another file", p.id),
                    });
                }
                out.push(p);
            }
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(Shipped {
            measures,
            plans: out,
            sources,
            loaded_at: crate::now(),
        })
    } else {
        Err(errors)
    }
}

/// The shipped plans (with the deployment's, [`install`]), loaded on first use. The files are checked by tests, so a failure
/// here is a build defect (panics with every problem).
pub fn shipped() -> &'static Shipped {
    SHIPPED.get_or_init(
        || match load(MEASURES_FILE, EMBEDDED, crate::criteria::catalog()) {
            Ok(s) => s,
            Err(errors) => {
                let msgs: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
                panic!("embedded plan files are invalid:\n{}", msgs.join("\n"))
            }
        },
    )
}

/// Loads the deployment's own plan files (`--plans-dir`) beside the shipped ones; call it
/// once at start-up, before any plan is read. `catalog`: the criteria sets in force (with
/// a `--criteria-dir`'s), which the plans' targets may name. Every problem is returned as
/// `file:line: field: message`; a plan id already used (shipped or another file) is one.
pub fn install(
    extra: &[(String, String)],
    catalog: &ntm_domain::criteria::Catalog,
) -> Result<(), Vec<String>> {
    let mut files: Vec<(&str, &str)> = EMBEDDED.to_vec();
    files.extend(extra.iter().map(|(n, t)| (n.as_str(), t.as_str())));
    let loaded = load(MEASURES_FILE, &files, catalog)
        .map_err(|e| e.iter().map(ToString::to_string).collect::<Vec<_>>())?;
    SHIPPED
        .set(loaded)
        .map_err(|_| vec!["the plans were already loaded; install them at start-up".into()])
}

/// Checks a plan file (for `ntm plans check`): the plan, or every problem with file:line.
pub fn check_file(name: &str, text: &str) -> Result<Plan, Vec<PlanError>> {
    plans::parse_plan(name, text, &shipped().measures, crate::criteria::catalog())
}

/// A measure of the catalogue.
pub fn measure(code: &str) -> Option<&'static MeasureDef> {
    shipped().measures.iter().find(|m| m.code == code)
}

/// A shipped plan by id.
pub fn plan_by_id(id: &str) -> Result<&'static Plan, AppError> {
    shipped()
        .plans
        .iter()
        .find(|p| p.id == id)
        .ok_or_else(|| AppError::NotFound(format!("plan {id}")))
}

/// A loaded plan with the file it was read from, by id.
pub(crate) fn plan_with_source(id: &str) -> Option<(&'static Plan, &'static PlanSource)> {
    let s = shipped();
    s.plans.iter().zip(&s.sources).find(|(p, _)| p.id == id)
}
