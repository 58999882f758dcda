//! A unit's units on a date as XLSX (`GET /units/{code}/children.xlsx`, `ntm export units`).

use time::Date;

use super::{Download, Labels, file_safe, write_error};
use crate::{Actor, App, AppError};

const COLUMNS: [&str; 6] = [
    "col-code",
    "col-name",
    "col-kind",
    "col-level",
    "col-valid-from",
    "col-valid-to",
];

/// The units directly under `code` on `date` (default today): code, name, kind, level and
/// validity, one sheet named after the unit's code. Units are official public data: anyone
/// may read them, as [`crate::units::get_unit`].
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code))]
pub async fn units_xlsx(
    app: &App,
    actor: &Actor,
    code: &str,
    date: Option<Date>,
    labels: &dyn Labels,
) -> Result<Download, AppError> {
    let view = crate::units::get_unit(app, code, date).await?;
    let header: Vec<String> = COLUMNS.iter().map(|k| labels.text(k)).collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = view
        .children
        .iter()
        .map(|u| {
            vec![
                u.code.clone(),
                u.name.clone(),
                u.kind.clone(),
                labels.level(u.level),
                u.valid_from.map(|d| labels.date(d)).unwrap_or_default(),
                u.valid_to.map(|d| labels.date(d)).unwrap_or_default(),
            ]
        })
        .collect();
    let sheet: String = file_safe(&view.unit.code).chars().take(31).collect();
    let bytes = ntm_reports::write_table(
        if sheet.is_empty() { "units" } else { &sheet },
        &header,
        &rows,
    )
    .map_err(write_error)?;
    Ok(Download {
        file_name: format!("{sheet}-{}.xlsx", view.date),
        bytes,
    })
}
