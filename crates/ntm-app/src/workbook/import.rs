//! Importing a filled-in template (wide, a column per indicator) or a long table (a row per
//! value) in one step, every error pointing at the cell of the file.

use ntm_reports::wide::WideCell;

use super::report_err;
use crate::criteria::{ImportRow, import_observations, lookup_set};
use crate::{Actor, App, AppError, FieldError};

/// What a workbook import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkbookImport {
    pub set_id: String,
    pub year: i32,
    /// Values written (0 when nothing was applied).
    pub rows: usize,
    pub units: usize,
    /// Bad cells, as `line N (indicator)` / `line N (unit_code)`; with `apply_valid` these
    /// were skipped and the rest applied.
    pub bad: Vec<FieldError>,
}

/// Line number inside a field `line N (…)`.
fn field_line(field: &str) -> Option<usize> {
    let rest = field.strip_prefix("line ")?;
    let end = rest.find(|c: char| !c.is_ascii_digit())?;
    rest[..end].parse().ok()
}

/// Maps errors of `import_observations` on rows numbered `1..=cells.len()` back to the
/// cells' lines in the file; returns the errors and the indices of the bad cells.
fn map_errors(
    cells: &[WideCell],
    errors: Vec<FieldError>,
) -> (Vec<FieldError>, std::collections::BTreeSet<usize>) {
    let mut bad = std::collections::BTreeSet::new();
    let mut out = Vec::with_capacity(errors.len());
    for e in errors {
        let Some(i) = field_line(&e.field)
            .and_then(|n| n.checked_sub(1))
            .filter(|&i| i < cells.len())
        else {
            out.push(e);
            continue;
        };
        bad.insert(i);
        let c = &cells[i];
        let col = e
            .field
            .split_once('(')
            .map(|(_, r)| r.trim_end_matches(')'))
            .unwrap_or("");
        let (field, message) = if col == "indicator" {
            // The same unit and indicator given twice (a repeated unit row or column).
            let first = cells
                .iter()
                .find(|o| o.unit_code == c.unit_code && o.indicator_code == c.indicator_code)
                .map(|o| format!("{}{}", o.column, o.line))
                .unwrap_or_default();
            (
                format!("line {} ({})", c.line, c.indicator_code),
                format!(
                    "{}{}: unit {} indicator {} is also given in cell {first}",
                    c.column, c.line, c.unit_code, c.indicator_code
                ),
            )
        } else {
            (
                format!("line {} ({col})", c.line),
                format!("{}{}: {}", c.column, c.line, e.message),
            )
        };
        out.push(FieldError::new(field, message));
    }
    // One message per line for a bad unit (every value cell of the row repeats it).
    let mut seen = std::collections::HashSet::new();
    out.retain(|e| !e.field.ends_with("(unit_code)") || seen.insert(e.field.clone()));
    (out, bad)
}

fn rows_of(cells: &[WideCell], skip: &std::collections::BTreeSet<usize>) -> Vec<ImportRow> {
    cells
        .iter()
        .enumerate()
        .filter(|(i, _)| !skip.contains(i))
        .map(|(i, c)| ImportRow {
            // Numbered by cell, so every error points at one cell (mapped back after).
            line: i + 1,
            unit_code: c.unit_code.clone(),
            indicator_code: c.indicator_code.clone(),
            value: c.value.clone(),
        })
        .collect()
}

/// Imports a filled template (XLSX, or CSV with the same layout) through
/// [`import_observations`]: every cell is checked; if any is bad nothing is written and
/// every bad cell is reported (`Validation`, fields `line N (indicator)`), unless
/// `apply_valid`: then the valid cells are written and the bad ones returned in
/// [`WorkbookImport::bad`]. Empty cells are left as they are. A file holds one set.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn import(
    app: &App,
    actor: &Actor,
    bytes: &[u8],
    file_name: &str,
    apply_valid: bool,
) -> Result<WorkbookImport, AppError> {
    let mut sheets = crate::spreadsheets::read_wide(bytes.to_vec(), file_name.to_string())
        .await?
        .map_err(report_err)?;
    if sheets.len() > 1 {
        let names: Vec<&str> = sheets.iter().map(|s| s.sheet_name.as_str()).collect();
        return Err(AppError::invalid(
            "file",
            format!(
                "{file_name}: import one criteria set per file; sheets found: {}",
                names.join(", ")
            ),
        ));
    }
    let Some(sheet) = sheets.pop() else {
        return Err(AppError::invalid("file", format!("{file_name}: no sheet")));
    };
    let set = lookup_set(app, &sheet.set_id, sheet.year)?;
    if let Some(v) = sheet.version.as_deref()
        && v != set.version
    {
        return Err(AppError::invalid(
            "file",
            format!(
                "{file_name}: the template is for version {v} of {}, but {} is evaluated with version {}; download a new template",
                sheet.set_id, sheet.year, set.version
            ),
        ));
    }
    if sheet.cells.is_empty() {
        return Err(AppError::invalid(
            "file",
            format!("{file_name}: no value is filled in"),
        ));
    }
    let base = std::path::Path::new(file_name)
        .file_name()
        .map_or(file_name.into(), |n| n.to_string_lossy());
    let note = format!("nhập từ tệp {base}");
    let cells = sheet.cells;
    let none = std::collections::BTreeSet::new();
    let first = import_observations(
        app,
        actor,
        &sheet.set_id,
        sheet.year,
        rows_of(&cells, &none),
        &note,
    )
    .await;
    let errors = match first {
        Ok(r) => {
            return Ok(WorkbookImport {
                set_id: sheet.set_id,
                year: sheet.year,
                rows: r.rows,
                units: r.units,
                bad: vec![],
            });
        }
        Err(AppError::Validation(errors)) => errors,
        Err(other) => return Err(other),
    };
    let (bad, skip) = map_errors(&cells, errors);
    if !apply_valid || skip.is_empty() {
        return Err(AppError::Validation(bad));
    }
    let rows = rows_of(&cells, &skip);
    let (written, units) = if rows.is_empty() {
        (0, 0)
    } else {
        match import_observations(app, actor, &sheet.set_id, sheet.year, rows, &note).await {
            Ok(r) => (r.rows, r.units),
            // Should not happen (the bad cells were dropped); report everything.
            Err(AppError::Validation(more)) => {
                let (more, _) = map_errors(&cells, more);
                let mut all = bad;
                all.extend(more);
                return Err(AppError::Validation(all));
            }
            Err(other) => return Err(other),
        }
    };
    Ok(WorkbookImport {
        set_id: sheet.set_id,
        year: sheet.year,
        rows: written,
        units,
        bad,
    })
}

/// What a long-format import (`unit_code,indicator,value`) did with `apply_valid`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LongImport {
    /// Values written.
    pub rows: usize,
    pub units: usize,
    /// The bad rows, skipped (empty when every row was good).
    pub bad: Vec<FieldError>,
}

/// Imports a long table of values through [`import_observations`]. Without `apply_valid` it
/// is all or nothing: any bad row gives `Validation` with every bad row. With `apply_valid`
/// the rows named in the errors (`line N (…)`) are left out and the rest written in one
/// transaction; the bad rows are returned. Errors that name no line (no permission, unknown
/// set…) are returned as they are.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), set = %set_id, year))]
pub async fn import_long(
    app: &App,
    actor: &Actor,
    set_id: &str,
    year: i32,
    rows: Vec<ImportRow>,
    note: &str,
    apply_valid: bool,
) -> Result<LongImport, AppError> {
    let errors = match import_observations(app, actor, set_id, year, rows.clone(), note).await {
        Ok(r) => {
            return Ok(LongImport {
                rows: r.rows,
                units: r.units,
                bad: vec![],
            });
        }
        Err(AppError::Validation(errors)) if apply_valid => errors,
        Err(e) => return Err(e),
    };
    let bad_lines: std::collections::BTreeSet<usize> =
        errors.iter().filter_map(|e| field_line(&e.field)).collect();
    if bad_lines.is_empty() || errors.iter().any(|e| field_line(&e.field).is_none()) {
        return Err(AppError::Validation(errors));
    }
    let good: Vec<ImportRow> = rows
        .into_iter()
        .filter(|r| !bad_lines.contains(&r.line))
        .collect();
    if good.is_empty() {
        return Ok(LongImport {
            rows: 0,
            units: 0,
            bad: errors,
        });
    }
    let r = import_observations(app, actor, set_id, year, good, note).await?;
    Ok(LongImport {
        rows: r.rows,
        units: r.units,
        bad: errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(line: usize, column: &str, unit: &str, code: &str) -> WideCell {
        WideCell {
            line,
            column: column.into(),
            unit_code: unit.into(),
            indicator_code: code.into(),
            value: "x".into(),
        }
    }

    #[test]
    fn errors_point_at_cells_of_the_file() {
        let cells = vec![
            cell(7, "C", "28768", "1.1"),
            cell(7, "D", "28768", "2.1"),
            cell(8, "C", "99999", "1.1"),
            cell(8, "D", "99999", "2.1"),
            cell(9, "C", "28768", "1.1"),
        ];
        let errors = vec![
            FieldError::new("line 2 (2.1)", "\"x\" is not a number"),
            FieldError::new("line 3 (unit_code)", "no unit 99999 on 2024-12-31"),
            FieldError::new("line 4 (unit_code)", "no unit 99999 on 2024-12-31"),
            FieldError::new("line 5 (indicator)", "28768 1.1 is also on line 1"),
        ];
        let (out, bad) = map_errors(&cells, errors);
        let fields: Vec<&str> = out.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["line 7 (2.1)", "line 8 (unit_code)", "line 9 (1.1)"]
        );
        assert!(out[0].message.starts_with("D7: "), "{out:?}");
        assert!(out[2].message.contains("cell C7"), "{out:?}");
        assert_eq!(bad.into_iter().collect::<Vec<_>>(), [1, 2, 3, 4]);
    }
}
