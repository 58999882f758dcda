//! Spreadsheets officials fill in and receive: the wide observation template (a row per
//! unit, a column per indicator, thresholds shown), its import, and evaluation results as
//! XLSX. The layout itself is `ntm_reports::wide`; this module supplies the units, values
//! and thresholds, checks permissions and goes through the criteria use cases.

use std::collections::HashMap;

use ntm_domain::authz::Permission;
use ntm_domain::criteria::{
    self, Indicator, Kind, ResolvedSet, Threshold, ThresholdStatus, ThresholdValue, Varying,
};
use ntm_domain::text::format_number_vi;
use ntm_domain::units::{Level, Unit};
use ntm_reports::wide::{WideCell, WideColumn, WideRow, WideSheet};
use ntm_reports::{ReportError, TableSheet};
use ntm_store::UnitSelection;
use uuid::Uuid;

use crate::criteria::{ImportRow, evaluate, evaluation_date, import_observations, require_on_unit};
use crate::{Actor, App, AppError, FieldError};

/// What [`template`] shows in row 3 of the sheet.
pub const FILL_NOTE: &str = "Ô màu vàng: nhập số liệu. Chỉ tiêu Đạt/Không đạt: chọn trong danh sách; \
tỷ lệ (%): số từ 0 đến 100 (85 hoặc 85,5); số lượng: số nguyên. Để trống ô chưa có số liệu. \
Ngưỡng ghi \"cần xác minh\" chưa được đối chiếu với văn bản gốc.";

fn report_err(e: ReportError) -> AppError {
    AppError::invalid("file", e.to_string())
}

fn write_err(e: ReportError) -> AppError {
    AppError::Internal(e.to_string())
}

fn lookup_set<'a>(app: &'a App, set_id: &str, year: i32) -> Result<&'a ResolvedSet, AppError> {
    app.catalog.set_for_year(set_id, year).map_err(|e| match e {
        criteria::LookupError::UnknownSet { .. } => AppError::invalid("set", e.to_string()),
        criteria::LookupError::YearOutsideValidity { .. } => {
            AppError::invalid("year", e.to_string())
        }
    })
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
        vec![unit.clone()]
    } else if unit.level < set.level {
        app.db.subtree_on(&unit.path, date, Some(set.level)).await?
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

fn number(x: f64) -> String {
    if x.fract() == 0.0 {
        format_number_vi(x, 0)
    } else {
        format_number_vi(x, 2)
            .trim_end_matches('0')
            .trim_end_matches(',')
            .to_string()
    }
}

fn threshold_words(ind: &Indicator, t: &Threshold) -> String {
    if let Some(text) = t.text.as_deref().filter(|s| !s.trim().is_empty()) {
        return text.trim().to_string();
    }
    let pct = if ind.kind == Kind::Percent { "%" } else { "" };
    match &t.value {
        ThresholdValue::Bool(true) => "Đạt".to_string(),
        ThresholdValue::Bool(false) => "Không".to_string(),
        ThresholdValue::Num(x) => {
            let op = match t.op {
                criteria::Op::Ge => "≥ ",
                criteria::Op::Le => "≤ ",
                _ => "",
            };
            format!("{op}{}{pct}", number(*x))
        }
        ThresholdValue::List(l) => format!(
            "một trong: {}",
            l.iter().map(|x| number(*x)).collect::<Vec<_>>().join("; ")
        ),
    }
}

/// The threshold as officials read it, marked `cần xác minh` when it is not confirmed by a
/// retrieved source or is missing.
pub fn threshold_text(ind: &Indicator) -> String {
    let status = ind.threshold_status();
    let mut s = match (&ind.threshold, status) {
        (_, ThresholdStatus::Missing) => return "chưa có ngưỡng — cần xác minh".to_string(),
        (Some(t), _) => threshold_words(ind, t),
        (None, _) => "khác theo vùng".to_string(),
    };
    match &ind.by_region {
        Varying::Unknown => s.push_str("; có thể khác theo vùng"),
        Varying::Known(m) if !m.is_empty() && ind.threshold.is_some() => {
            s.push_str("; khác theo vùng")
        }
        _ => {}
    }
    if status != ThresholdStatus::Confirmed {
        s.push_str(" (cần xác minh)");
    }
    s
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

/// Indicators a person enters (computed ones are left out).
fn entered(set: &ResolvedSet) -> impl Iterator<Item = &Indicator> {
    set.indicators.iter().filter(|i| i.derived.is_none())
}

/// The template for a set and year: one row per unit of the set's level under `unit_code`
/// valid in that year (the units of the evaluation date, as `evaluate` uses), a column per
/// indicator entered by people, with the current values filled in. Needs the right to view
/// the unit.
pub async fn template(
    app: &App,
    actor: &Actor,
    set_id: &str,
    unit_code: &str,
    year: i32,
) -> Result<Vec<u8>, AppError> {
    let set = lookup_set(app, set_id, year)?;
    let (unit, units) = units_of(app, actor, Permission::ViewUnits, set, unit_code, year).await?;
    let ids: Vec<Uuid> = units.iter().map(|u| u.id).collect();
    let mut current: HashMap<(Uuid, String), String> = HashMap::new();
    for o in app
        .db
        .current_observations_of_units(UnitSelection::Ids(&ids), &set.id, year)
        .await?
    {
        current.insert((o.unit_id, o.indicator_code), o.value_text);
    }
    let inds: Vec<&Indicator> = entered(set).collect();
    let columns = inds
        .iter()
        .map(|i| WideColumn {
            code: i.code.clone(),
            name: short(i.name_vi.as_deref().unwrap_or(""), 80),
            threshold: threshold_text(i),
            boolean: i.kind == Kind::Boolean,
        })
        .collect();
    let rows = units
        .iter()
        .map(|u| WideRow {
            unit_code: u.code.clone(),
            unit_name: u.name.clone(),
            values: inds
                .iter()
                .map(|i| {
                    current
                        .get(&(u.id, i.code.clone()))
                        .cloned()
                        .unwrap_or_default()
                })
                .collect(),
        })
        .collect();
    let sheet = WideSheet {
        sheet_name: set.id.clone(),
        set_id: set.id.clone(),
        version: set.version.clone(),
        year,
        title: format!(
            "{} — {} ({}) — năm {year}",
            set.title_vi, unit.name, unit.code
        ),
        note: FILL_NOTE.to_string(),
        columns,
        rows,
    };
    ntm_reports::wide::write_wide(&[sheet]).map_err(write_err)
}

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
pub async fn import(
    app: &App,
    actor: &Actor,
    bytes: &[u8],
    file_name: &str,
    apply_valid: bool,
) -> Result<WorkbookImport, AppError> {
    let mut sheets = ntm_reports::wide::read_wide(bytes, file_name).map_err(report_err)?;
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

fn status_vi(s: criteria::Status) -> &'static str {
    s.label_vi()
}

/// The evaluation of a unit as XLSX: a sheet `Đơn vị` with one row per unit (the unit, or
/// each unit of the set's level under it) with its status and criteria met, and a sheet
/// `Chỉ tiêu` with the indicators (values and results for one unit; for a roll-up, how many
/// units each indicator holds back).
pub async fn export_results(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    set_id: &str,
    year: i32,
) -> Result<Vec<u8>, AppError> {
    let e = evaluate(app, actor, unit_code, set_id, year).await?;
    let set = lookup_set(app, set_id, year)?;
    let units_on = ntm_domain::text::format_date_vi(e.units_on);
    let mut sheets = Vec::new();
    let info = TableSheet {
        name: "Thông tin".into(),
        header: vec!["Mục".into(), "Giá trị".into()],
        rows: vec![
            vec!["Bộ tiêu chí".into(), e.set.title_vi.clone()],
            vec!["Mã bộ tiêu chí".into(), e.set.id.clone()],
            vec!["Phiên bản".into(), e.set.version.clone()],
            vec!["Năm".into(), year.to_string()],
            vec![
                "Đơn vị".into(),
                format!("{} ({})", e.unit_name, e.unit_code),
            ],
            vec!["Đơn vị hành chính theo ngày".into(), units_on],
        ],
    };
    let unit_header = vec![
        "Mã đơn vị".to_string(),
        "Tên đơn vị".into(),
        "Kết quả".into(),
        "Số tiêu chí đạt".into(),
        "Tổng số tiêu chí".into(),
    ];
    let total = set.criteria.len().to_string();
    if let Some(r) = &e.result {
        sheets.push(TableSheet {
            name: "Đơn vị".into(),
            header: unit_header.clone(),
            rows: vec![vec![
                e.unit_code.clone(),
                e.unit_name.clone(),
                status_vi(r.status).into(),
                r.criteria_met.to_string(),
                r.criteria_total.to_string(),
            ]],
        });
        sheets.push(TableSheet {
            name: "Chỉ tiêu".into(),
            header: [
                "Tiêu chí",
                "Mã chỉ tiêu",
                "Tên chỉ tiêu",
                "Ngưỡng",
                "Giá trị",
                "Tình trạng số liệu",
                "Kết quả",
                "Còn thiếu",
            ]
            .map(String::from)
            .to_vec(),
            rows: r
                .indicators
                .iter()
                .map(|i| {
                    let ind = set.indicator_index(&i.code).map(|x| set.indicator(x));
                    vec![
                        i.criterion.map(|c| c.to_string()).unwrap_or_default(),
                        i.code.clone(),
                        i.name_vi.clone(),
                        ind.map(threshold_text).unwrap_or_default(),
                        i.value.clone().unwrap_or_default(),
                        i.value_status
                            .map(|s| s.label_vi().to_string())
                            .unwrap_or_default(),
                        status_vi(i.status).into(),
                        i.gap.map(number).unwrap_or_default(),
                    ]
                })
                .collect(),
        });
    }
    if let Some(r) = &e.rollup {
        sheets.push(TableSheet {
            name: "Đơn vị".into(),
            header: unit_header,
            rows: r
                .children
                .iter()
                .map(|c| {
                    vec![
                        c.code.clone(),
                        c.name.clone(),
                        status_vi(c.status).into(),
                        c.criteria_met.to_string(),
                        total.clone(),
                    ]
                })
                .collect(),
        });
        let blocking: HashMap<&str, (u32, u32)> = r
            .blocking
            .iter()
            .map(|b| (b.code.as_str(), (b.not_met, b.missing)))
            .collect();
        sheets.push(TableSheet {
            name: "Chỉ tiêu".into(),
            header: [
                "Tiêu chí",
                "Mã chỉ tiêu",
                "Tên chỉ tiêu",
                "Ngưỡng",
                "Số đơn vị chưa đạt",
                "Số đơn vị thiếu số liệu",
            ]
            .map(String::from)
            .to_vec(),
            rows: set
                .indicators
                .iter()
                .enumerate()
                .map(|(idx, i)| {
                    let (n, m) = blocking.get(i.code.as_str()).copied().unwrap_or((0, 0));
                    vec![
                        set.criterion_of(idx)
                            .map(|c| set.criteria[c].number.to_string())
                            .unwrap_or_default(),
                        i.code.clone(),
                        i.name_vi.clone().unwrap_or_default(),
                        threshold_text(i),
                        n.to_string(),
                        m.to_string(),
                    ]
                })
                .collect(),
        });
        let mut summary = info.rows.clone();
        summary.extend([
            vec![
                format!("Số đơn vị cấp {}", level_vi(r.level)),
                r.units.to_string(),
            ],
            vec!["Đạt".into(), r.met.to_string()],
            vec!["Không đạt".into(), r.not_met.to_string()],
            vec!["Thiếu số liệu".into(), r.missing.to_string()],
            vec!["Cần xác minh".into(), r.needs_verification.to_string()],
            vec![
                "Bình quân số tiêu chí đạt".into(),
                format_number_vi(r.avg_criteria_met, 1),
            ],
        ]);
        sheets.push(TableSheet {
            rows: summary,
            ..info
        });
    } else {
        sheets.push(info);
    }
    ntm_reports::write_sheets(&sheets).map_err(write_err)
}

fn level_vi(l: Level) -> &'static str {
    match l {
        Level::Province => "tỉnh",
        Level::District => "huyện",
        Level::Commune => "xã",
        Level::Hamlet => "thôn/ấp",
    }
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
