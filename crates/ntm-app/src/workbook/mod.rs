//! Spreadsheets officials fill in and receive: the wide observation template (a row per
//! unit, a column per indicator, thresholds shown), its import, and evaluation results as
//! XLSX. The layout itself is `ntm_reports::wide`; this module supplies the units, values
//! and thresholds, checks permissions and goes through the criteria use cases.
//!
//! One file per step: [`template`](mod@template) (the template), [`import`](mod@import)
//! (importing a file in one step), [`export`] (results as XLSX), [`preview`] (what an
//! upload would change), [`upload`] (stage, preview again, apply) and [`page`](mod@page)
//! (what each page shows, in one call).

mod export;
mod import;
mod page;
mod preview;
mod template;
mod upload;

use ntm_domain::authz::Permission;
use ntm_domain::criteria::ResolvedSet;
use ntm_domain::units::{Level, Unit};
use ntm_reports::ReportError;

use crate::criteria::{evaluation_date, require_on_unit};
use crate::{Actor, App, AppError};

pub use crate::staged_uploads::UploadSource;
pub use export::export_results;
pub use import::{LongImport, WorkbookImport, import, import_long};
pub use page::{
    PreviewOutcome, UploadFailure, WorkbookPage, page_view, upload_apply, upload_preview,
};
pub use preview::{
    AppliedUpload, BadCell, CellChange, CellProblem, FileProblem, StaleValue, UPLOAD_EXTENSIONS,
    UPLOAD_TTL, UnitChanges, UploadError, WorkbookPreview,
};
pub use template::{FILL_NOTE, template, threshold_text};
pub use upload::{applied_upload, apply_upload, restage_upload, stage_upload};

fn report_err(e: ReportError) -> AppError {
    AppError::invalid("file", e.to_string())
}

fn write_err(e: ReportError) -> AppError {
    AppError::Internal(e.to_string())
}

/// The unit of the year and the units of the set's level under it (itself when it is of
/// that level), after checking `p` on it.
async fn units_of(
    app: &App,
    actor: &Actor,
    p: Permission,
    set: &ResolvedSet,
    unit_code: &str,
    year: i32,
) -> Result<(Unit, Vec<Unit>), AppError> {
    let date = evaluation_date(set, year);
    let unit = app
        .db
        .unit_on(unit_code, date)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("unit {unit_code} on {date}")))?;
    require_on_unit(app, actor, p, &unit).await?;
    let units = if unit.level == set.level {
        if let Some(na) = crate::criteria::NotApplicable::check(set, &unit) {
            return Err(AppError::invalid("unit", na.message(&set.id, unit_code)));
        }
        vec![unit.clone()]
    } else if unit.level < set.level {
        crate::criteria::applicable_units(
            set,
            app.db.subtree_on(&unit.path, date, Some(set.level)).await?,
        )
    } else {
        return Err(AppError::invalid(
            "unit",
            format!(
                "{} evaluates {} units; {unit_code} is a {} unit below that level",
                set.id,
                set.level.as_str(),
                unit.level.as_str()
            ),
        ));
    };
    Ok((unit, units))
}

/// Sets with a version in force in `year` evaluating units of one of `levels` (the version
/// of that year), in catalog order.
pub fn sets_for(app: &App, year: i32, levels: &[Level]) -> Vec<crate::criteria::SetSummary> {
    let mut out: Vec<crate::criteria::SetSummary> = Vec::new();
    for s in app.catalog.sets() {
        if !levels.contains(&s.level) || out.iter().any(|x| x.id == s.id) {
            continue;
        }
        if let Ok(v) = app.catalog.set_for_year(&s.id, year) {
            out.push(crate::criteria::SetSummary::of(v));
        }
    }
    out
}

/// The unit of a workbook page, the year shown and whether the user may upload there: the
/// unit record of the year (on the evaluation date of the set when it is in force that
/// year), checked with `ViewUnits`; `can_upload` when the user may also enter values. With
/// no year, last year, or the last year of a unit that no longer exists.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code, set = ?set_id, year = ?year))]
pub async fn page_unit(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    set_id: Option<&str>,
    year: Option<i32>,
) -> Result<(Unit, bool, i32), AppError> {
    let dec31 = |y: i32| {
        time::Date::from_calendar_date(y, time::Month::December, 31)
            .map_err(|_| AppError::invalid("year", format!("{y} is not a valid year")))
    };
    let mut y = year.unwrap_or(crate::today().year() - 1);
    let date = set_id
        .and_then(|s| app.catalog.set_for_year(s, y).ok())
        .map_or(dec31(y)?, |s| evaluation_date(s, y));
    let unit = match app.db.unit_on(unit_code, date).await? {
        Some(u) => u,
        None => {
            let last = app
                .db
                .unit_versions(unit_code)
                .await?
                .into_iter()
                .max_by_key(|u| u.valid_from)
                .ok_or_else(|| AppError::NotFound(format!("unit {unit_code}")))?;
            if year.is_none()
                && let Some(end) = last.valid_to.and_then(|t| t.previous_day())
            {
                y = end.year();
            }
            last
        }
    };
    require_on_unit(app, actor, Permission::ViewUnits, &unit).await?;
    let can_upload = require_on_unit(app, actor, Permission::EnterObservations, &unit)
        .await
        .is_ok();
    Ok((unit, can_upload, y))
}
