//! Spreadsheets officials fill in and receive: the wide observation template (a row per
//! unit, a column per indicator, thresholds shown), its import, and evaluation results as
//! XLSX. The layout itself is `ntm_reports::wide`; this module supplies the units, values
//! and thresholds, checks permissions and goes through the criteria use cases.

use std::collections::HashMap;

use ntm_domain::audit::NewAuditEntry;
use ntm_domain::authz::Permission;
use ntm_domain::criteria::{
    self, Indicator, Kind, ObsProblem, ResolvedSet, ThresholdStatus, ValueError, ValueKind, Varying,
};
use ntm_domain::observation::{ObsSource, ObsStatus};
use ntm_domain::text::format_number_vi;
use ntm_domain::units::{Level, Unit};
use ntm_reports::wide::{WideCell, WideColumn, WideRow, WideSheet};
use ntm_reports::{ReportError, TableSheet};
use ntm_store::{NewObservation, ObservationRecord, UnitSelection};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::criteria::{ImportRow, evaluate, evaluation_date, import_observations, require_on_unit};
use crate::staged_uploads::{base_name, from_unix, unix};
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

/// The threshold as officials read it, marked `cần xác minh` when it is not confirmed by a
/// retrieved source or is missing.
pub fn threshold_text(ind: &Indicator) -> String {
    let status = ind.threshold_status();
    let mut s = match (&ind.threshold, status) {
        (_, ThresholdStatus::Missing) => return "chưa có ngưỡng — cần xác minh".to_string(),
        (Some(t), _) => criteria::words::threshold_words(ind, t),
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
                        i.gap.map(criteria::words::number_words).unwrap_or_default(),
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

// ---------------------------------------------------------------- upload, preview, apply

/// How long an uploaded workbook can be applied after its preview.
pub const UPLOAD_TTL: time::Duration = time::Duration::hours(2);

/// File name endings accepted for an upload (what [`ntm_reports::wide::read_wide`] reads).
pub const UPLOAD_EXTENSIONS: [&str; 5] = [".xlsx", ".xlsm", ".xls", ".ods", ".csv"];

/// Why one cell of an uploaded workbook cannot be applied.
#[derive(Debug, Clone, PartialEq)]
pub enum CellProblem {
    /// A row with values but no unit code.
    NoUnitCode,
    /// No unit with this code in the year.
    UnknownUnit {
        year: i32,
    },
    /// The unit is not of the set's level.
    WrongLevel {
        level: Level,
    },
    /// The unit is not under the unit the file was uploaded on.
    OutsideUnit,
    /// The user may not enter values of this unit.
    OutsideScope,
    /// The same unit and indicator are also given in `first` (a cell reference).
    Repeated {
        first: String,
    },
    UnknownIndicator {
        suggestion: Option<String>,
    },
    /// A computed indicator (not entered by people).
    Computed,
    /// A value of another kind than the indicator's.
    WrongKind {
        expected: ValueKind,
    },
    /// Not a number, not a yes/no answer, 140 %, negative…
    Value(ValueError),
}

/// One bad cell of an uploaded workbook.
#[derive(Debug, Clone, PartialEq)]
pub struct BadCell {
    /// Cell reference as the spreadsheet shows it (`F7`).
    pub cell: String,
    pub unit_code: String,
    pub indicator_code: String,
    pub value: String,
    pub problem: CellProblem,
    /// The problem in English (logs, API); pages translate `problem`.
    pub message: String,
}

/// One value an upload changes or adds.
#[derive(Debug, Clone, PartialEq)]
pub struct CellChange {
    pub cell: String,
    pub indicator_code: String,
    pub indicator_name: String,
    /// Current value (`None`: a new value).
    pub current: Option<String>,
    /// Who recorded the current value.
    pub current_by: Option<String>,
    pub new_value: String,
}

/// The changes of one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitChanges {
    pub unit_code: String,
    pub unit_name: String,
    pub changes: Vec<CellChange>,
}

/// What applying an upload would do. Nothing is written by a preview.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkbookPreview {
    /// Id of the stored upload, to name when applying.
    pub upload_id: Uuid,
    pub file_name: String,
    pub set_id: String,
    pub set_title: String,
    pub version: String,
    pub year: i32,
    pub set_level: Level,
    /// The unit the file was uploaded on.
    pub unit_code: String,
    pub unit_name: String,
    pub unit_level: Level,
    /// Units with changes, in the order of the file.
    pub units: Vec<UnitChanges>,
    /// Values replaced by another value.
    pub changed: usize,
    /// Values given where none was recorded.
    pub new_values: usize,
    /// Cells equal to the current value (not written again).
    pub unchanged: usize,
    pub bad: Vec<BadCell>,
    pub expires_at: OffsetDateTime,
}

/// A value shown in a preview that someone changed before it was applied.
#[derive(Debug, Clone, PartialEq)]
pub struct StaleValue {
    pub unit_code: String,
    pub unit_name: String,
    pub indicator_code: String,
    pub indicator_name: String,
    /// The value now (`None`: none recorded).
    pub value_now: Option<String>,
    pub changed_by: Option<String>,
    pub changed_at: Option<OffsetDateTime>,
}

/// What applying an upload wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppliedUpload {
    pub upload_id: String,
    pub set_id: String,
    pub year: i32,
    pub unit_code: String,
    /// Level of the set (`commune`…): a unit above it has a dashboard, one at it a scorecard.
    pub set_level: Level,
    pub unit_level: Level,
    /// Unix time.
    pub applied_at: i64,
    pub applied_by: String,
    /// Values written (changed + new).
    pub written: usize,
    pub changed: usize,
    pub new_values: usize,
    pub unchanged: usize,
    /// Bad cells skipped (only with "apply the valid rows").
    pub skipped: usize,
    /// Units that got a value.
    pub units: usize,
}

/// A file that cannot be previewed at all.
#[derive(Debug, Clone, PartialEq)]
pub enum FileProblem {
    /// Not an Excel/CSV file name.
    NotSpreadsheet,
    Empty,
    /// Not a readable spreadsheet or CSV, or not a template (technical detail).
    Unreadable(String),
    /// Over the spreadsheet limits (`ntm_reports::sheets`): the reader's message, in
    /// Vietnamese with English in parentheses, naming the sheet, cell and limits.
    TooLarge(String),
    /// Several template sheets (one set per file).
    SeveralSets(Vec<String>),
    UnknownSet(String),
    /// The set is not in force that year.
    YearOutside {
        set_id: String,
        year: i32,
    },
    /// A template of another version of the set.
    OtherVersion {
        set_id: String,
        found: String,
        current: String,
    },
    /// No value filled in.
    NoValues,
    /// The page's unit is below the set's level.
    UnitBelowLevel {
        set_level: Level,
        unit_level: Level,
    },
}

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileProblem::NotSpreadsheet => write!(f, "not an XLSX or CSV file"),
            FileProblem::Empty => write!(f, "the file is empty"),
            FileProblem::Unreadable(m) => write!(f, "cannot read the file: {m}"),
            FileProblem::TooLarge(m) => write!(f, "{m}"),
            FileProblem::SeveralSets(s) => write!(
                f,
                "import one criteria set per file; sheets found: {}",
                s.join(", ")
            ),
            FileProblem::UnknownSet(s) => write!(f, "unknown criteria set {s}"),
            FileProblem::YearOutside { set_id, year } => {
                write!(f, "{set_id} is not in force in {year}")
            }
            FileProblem::OtherVersion {
                set_id,
                found,
                current,
            } => write!(
                f,
                "the template is for version {found} of {set_id}, which is now evaluated with version {current}"
            ),
            FileProblem::NoValues => write!(f, "no value is filled in"),
            FileProblem::UnitBelowLevel {
                set_level,
                unit_level,
            } => write!(
                f,
                "the set evaluates {} units; this is a {} unit",
                set_level.as_str(),
                unit_level.as_str()
            ),
        }
    }
}

/// Why an upload was not previewed or applied.
#[derive(Debug)]
pub enum UploadError {
    App(AppError),
    File(FileProblem),
    /// No such upload (a wrong id, or removed long after it expired).
    Unknown,
    Expired {
        expired_at: OffsetDateTime,
    },
    /// Someone else uploaded it.
    NotYours,
    /// The upload was made on another unit's page.
    OtherUnit {
        unit_code: String,
    },
    AlreadyApplied(AppliedUpload),
    /// Bad cells and not asked to apply only the valid ones; nothing written.
    BadCells(Vec<BadCell>),
    /// Values shown in the preview changed since; nothing written.
    Stale(Vec<StaleValue>),
}

impl std::fmt::Display for UploadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UploadError::App(e) => write!(f, "{e}"),
            UploadError::File(p) => write!(f, "{p}"),
            UploadError::Unknown => write!(f, "no such upload"),
            UploadError::Expired { expired_at } => write!(f, "the upload expired at {expired_at}"),
            UploadError::NotYours => {
                write!(f, "only the person who uploaded the file can apply it")
            }
            UploadError::OtherUnit { unit_code } => {
                write!(f, "the file was uploaded on unit {unit_code}")
            }
            UploadError::AlreadyApplied(a) => write!(f, "already applied by {}", a.applied_by),
            UploadError::BadCells(b) => write!(f, "{} bad cells; nothing applied", b.len()),
            UploadError::Stale(s) => write!(
                f,
                "{} values changed since the preview; nothing applied",
                s.len()
            ),
        }
    }
}

impl std::error::Error for UploadError {}

impl From<AppError> for UploadError {
    fn from(e: AppError) -> UploadError {
        UploadError::App(e)
    }
}

impl From<ntm_store::StoreError> for UploadError {
    fn from(e: ntm_store::StoreError) -> UploadError {
        UploadError::App(e.into())
    }
}

/// The record kept next to an uploaded file (`<id>.json`).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct UploadRecord {
    id: String,
    user_id: String,
    username: String,
    unit_code: String,
    file_name: String,
    size: usize,
    sha256: String,
    /// Unix time.
    uploaded_at: i64,
    expires_at: i64,
    set_id: String,
    version: String,
    year: i32,
    /// Every valid cell with the version of the value shown in the preview.
    values: Vec<SeenValue>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct SeenValue {
    unit: String,
    indicator: String,
    /// Version of the current value at the preview (`None`: no value).
    version: Option<i64>,
}

/// One valid cell, against the current value.
struct OkCell {
    cell: String,
    unit: Unit,
    indicator_code: String,
    value: String,
    current: Option<ObservationRecord>,
    unchanged: bool,
}

struct Analysis<'a> {
    set: &'a ResolvedSet,
    year: i32,
    page: Unit,
    ok: Vec<OkCell>,
    bad: Vec<BadCell>,
}

fn is_upload_name(file_name: &str) -> bool {
    let n = file_name.to_lowercase();
    UPLOAD_EXTENSIONS.iter().any(|e| n.ends_with(e))
}

fn indicator_name(set: &ResolvedSet, code: &str) -> String {
    set.indicator_index(code)
        .and_then(|i| set.indicator(i).name_vi.clone())
        .unwrap_or_default()
}

fn same_value(ind: Option<&Indicator>, old: &str, new: &str) -> bool {
    if old.trim() == new.trim() {
        return true;
    }
    let Some(ind) = ind else { return false };
    let kind = ind.value_kind();
    match (
        criteria::Value::parse(kind, old),
        criteria::Value::parse(kind, new),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn cell_problem(e: &ObsProblem) -> CellProblem {
    match e {
        ObsProblem::UnknownIndicator { suggestion } => CellProblem::UnknownIndicator {
            suggestion: suggestion.clone(),
        },
        ObsProblem::WrongKind { expected, .. } => CellProblem::WrongKind {
            expected: *expected,
        },
        ObsProblem::Invalid(v) => CellProblem::Value(v.clone()),
        ObsProblem::Computed => CellProblem::Computed,
    }
}

fn problem_message(p: &CellProblem, unit: &str, code: &str) -> String {
    match p {
        CellProblem::NoUnitCode => "no unit code in this row".into(),
        CellProblem::UnknownUnit { year } => format!("no unit {unit} in {year}"),
        CellProblem::WrongLevel { level } => format!("{unit} is a {} unit", level.as_str()),
        CellProblem::OutsideUnit => format!("{unit} is not under the unit of this page"),
        CellProblem::OutsideScope => format!("you may not enter values of unit {unit}"),
        CellProblem::Repeated { first } => {
            format!("unit {unit} indicator {code} is also given in cell {first}")
        }
        CellProblem::UnknownIndicator {
            suggestion: Some(s),
        } => format!("unknown indicator {code} (did you mean {s}?)"),
        CellProblem::UnknownIndicator { suggestion: None } => {
            format!("unknown indicator {code}")
        }
        CellProblem::Computed => format!("{code} is computed, not entered"),
        CellProblem::WrongKind { expected } => {
            format!("{code} takes a {} value", expected.as_str())
        }
        CellProblem::Value(v) => v.to_string(),
    }
}

/// Reads an uploaded file and compares every cell with the current values, checking that
/// `actor` may enter values on `unit_code` and on every unit of the file.
async fn analyse<'a>(
    app: &'a App,
    actor: &Actor,
    unit_code: &str,
    bytes: &[u8],
    file_name: &str,
) -> Result<Analysis<'a>, UploadError> {
    // The right to enter values somewhere, before reading anything (the unit is checked
    // once the file says which year, hence which unit record, it is about).
    match actor {
        Actor::Anonymous { .. } => {
            return Err(AppError::Unauthorized("login required".into()).into());
        }
        Actor::User { grants, .. }
            if !grants.iter().any(|g| {
                ntm_domain::authz::allows(
                    std::slice::from_ref(g),
                    Permission::EnterObservations,
                    &g.scope_path,
                )
            }) =>
        {
            return Err(AppError::Forbidden("you may not enter indicator values".into()).into());
        }
        _ => {}
    }
    if !is_upload_name(file_name) {
        return Err(UploadError::File(FileProblem::NotSpreadsheet));
    }
    if bytes.is_empty() {
        return Err(UploadError::File(FileProblem::Empty));
    }
    let mut sheets = crate::spreadsheets::read_wide(bytes.to_vec(), file_name.to_string())
        .await?
        .map_err(|e| {
            UploadError::File(match e {
                ReportError::TooLarge(m) => FileProblem::TooLarge(m),
                e => FileProblem::Unreadable(e.to_string()),
            })
        })?;
    if sheets.len() > 1 {
        return Err(UploadError::File(FileProblem::SeveralSets(
            sheets.iter().map(|s| s.sheet_name.clone()).collect(),
        )));
    }
    let Some(sheet) = sheets.pop() else {
        return Err(UploadError::File(FileProblem::Unreadable(
            "no sheet".into(),
        )));
    };
    let set = app
        .catalog
        .set_for_year(&sheet.set_id, sheet.year)
        .map_err(|e| match e {
            criteria::LookupError::UnknownSet { .. } => {
                UploadError::File(FileProblem::UnknownSet(sheet.set_id.clone()))
            }
            criteria::LookupError::YearOutsideValidity { .. } => {
                UploadError::File(FileProblem::YearOutside {
                    set_id: sheet.set_id.clone(),
                    year: sheet.year,
                })
            }
        })?;
    if let Some(v) = sheet.version.as_deref()
        && v != set.version
    {
        return Err(UploadError::File(FileProblem::OtherVersion {
            set_id: set.id.clone(),
            found: v.to_string(),
            current: set.version.clone(),
        }));
    }
    if sheet.cells.is_empty() {
        return Err(UploadError::File(FileProblem::NoValues));
    }
    let year = sheet.year;
    let date = evaluation_date(set, year);
    let page = app
        .db
        .unit_on(unit_code, date)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("unit {unit_code} on {date}")))?;
    require_on_unit(app, actor, Permission::EnterObservations, &page).await?;
    if page.level > set.level {
        return Err(UploadError::File(FileProblem::UnitBelowLevel {
            set_level: set.level,
            unit_level: page.level,
        }));
    }
    // Units of the file: found, of the set's level, under the page's unit, in scope.
    let mut units: HashMap<String, Result<Unit, CellProblem>> = HashMap::new();
    for c in &sheet.cells {
        if c.unit_code.is_empty() || units.contains_key(&c.unit_code) {
            continue;
        }
        let found = match app.db.unit_on(&c.unit_code, date).await? {
            None => Err(CellProblem::UnknownUnit { year }),
            Some(u) if u.level != set.level => Err(CellProblem::WrongLevel { level: u.level }),
            Some(u) if !u.path.starts_with(&page.path) => Err(CellProblem::OutsideUnit),
            Some(u) => match require_on_unit(app, actor, Permission::EnterObservations, &u).await {
                Ok(()) => Ok(u),
                Err(AppError::Forbidden(_)) => Err(CellProblem::OutsideScope),
                Err(e) => return Err(e.into()),
            },
        };
        units.insert(c.unit_code.clone(), found);
    }
    let ids: Vec<Uuid> = units
        .values()
        .filter_map(|u| u.as_ref().ok().map(|u| u.id))
        .collect();
    let mut current: HashMap<(Uuid, String), ObservationRecord> = HashMap::new();
    for o in app
        .db
        .current_observations_of_units(UnitSelection::Ids(&ids), &set.id, year)
        .await?
    {
        current.insert((o.unit_id, o.indicator_code.clone()), o);
    }
    let mut scratch = criteria::Observations::new(set);
    let mut seen: HashMap<(String, String), String> = HashMap::new();
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for c in sheet.cells {
        let cell = format!("{}{}", c.column, c.line);
        let problem = if c.unit_code.is_empty() {
            Some(CellProblem::NoUnitCode)
        } else {
            match units.get(&c.unit_code) {
                Some(Err(p)) => Some(p.clone()),
                None => Some(CellProblem::UnknownUnit { year }),
                Some(Ok(_)) => match seen.entry((c.unit_code.clone(), c.indicator_code.clone())) {
                    std::collections::hash_map::Entry::Occupied(first) => {
                        Some(CellProblem::Repeated {
                            first: first.get().clone(),
                        })
                    }
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(cell.clone());
                        scratch
                            .set_text(set, &c.indicator_code, &c.value)
                            .err()
                            .map(|e| cell_problem(&e.problem))
                    }
                },
            }
        };
        if let Some(problem) = problem {
            let message = problem_message(&problem, &c.unit_code, &c.indicator_code);
            bad.push(BadCell {
                cell,
                unit_code: c.unit_code,
                indicator_code: c.indicator_code,
                value: c.value,
                problem,
                message,
            });
            continue;
        }
        let Some(Ok(unit)) = units.get(&c.unit_code) else {
            continue;
        };
        let cur = current.remove(&(unit.id, c.indicator_code.clone()));
        let ind = set
            .indicator_index(&c.indicator_code)
            .map(|i| set.indicator(i));
        let unchanged = cur
            .as_ref()
            .is_some_and(|o| same_value(ind, &o.value_text, &c.value));
        ok.push(OkCell {
            cell,
            unit: unit.clone(),
            indicator_code: c.indicator_code,
            value: c.value.trim().to_string(),
            current: cur,
            unchanged,
        });
    }
    // One message per row for a unit problem (every value cell of the row repeats it).
    let mut rows_seen = std::collections::HashSet::new();
    bad.retain(|b| {
        let unit_problem = matches!(
            b.problem,
            CellProblem::NoUnitCode
                | CellProblem::UnknownUnit { .. }
                | CellProblem::WrongLevel { .. }
                | CellProblem::OutsideUnit
                | CellProblem::OutsideScope
        );
        let row: String = b.cell.chars().filter(char::is_ascii_digit).collect();
        !unit_problem || rows_seen.insert(row)
    });
    Ok(Analysis {
        set,
        year,
        page,
        ok,
        bad,
    })
}

fn preview_of(
    a: &Analysis<'_>,
    id: Uuid,
    file_name: &str,
    expires_at: OffsetDateTime,
) -> WorkbookPreview {
    let year = a.year;
    let mut units: Vec<UnitChanges> = Vec::new();
    let (mut changed, mut new_values, mut unchanged) = (0, 0, 0);
    for c in &a.ok {
        if c.unchanged {
            unchanged += 1;
            continue;
        }
        if c.current.is_some() {
            changed += 1;
        } else {
            new_values += 1;
        }
        let change = CellChange {
            cell: c.cell.clone(),
            indicator_code: c.indicator_code.clone(),
            indicator_name: indicator_name(a.set, &c.indicator_code),
            current: c.current.as_ref().map(|o| o.value_text.clone()),
            current_by: c.current.as_ref().map(|o| o.created_by.clone()),
            new_value: c.value.clone(),
        };
        match units.iter_mut().find(|u| u.unit_code == c.unit.code) {
            Some(u) => u.changes.push(change),
            None => units.push(UnitChanges {
                unit_code: c.unit.code.clone(),
                unit_name: c.unit.name.clone(),
                changes: vec![change],
            }),
        }
    }
    WorkbookPreview {
        upload_id: id,
        file_name: file_name.to_string(),
        set_id: a.set.id.clone(),
        set_title: a.set.title_vi.clone(),
        version: a.set.version.clone(),
        year,
        set_level: a.set.level,
        unit_code: a.page.code.clone(),
        unit_name: a.page.name.clone(),
        unit_level: a.page.level,
        units,
        changed,
        new_values,
        unchanged,
        bad: a.bad.clone(),
        expires_at,
    }
}

/// Reads an uploaded workbook (XLSX, or CSV with the template's layout) for `unit_code` and
/// shows, without writing any value, what applying it would change: every changed or new
/// value grouped by unit, the unchanged cells, and every bad cell with its reference. The
/// bytes are kept under `<data_dir>/uploads/<id>` with a record of who uploaded them, when,
/// their SHA-256 and the versions of the values the preview compared against; only the
/// uploader can apply them, until `now + UPLOAD_TTL`.
pub async fn stage_upload(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    file_name: &str,
    bytes: Vec<u8>,
    now: OffsetDateTime,
) -> Result<WorkbookPreview, UploadError> {
    let Actor::User { id: user_id, .. } = actor else {
        return Err(AppError::Unauthorized("login required".into()).into());
    };
    let file_name = base_name(file_name);
    let a = analyse(app, actor, unit_code, &bytes, &file_name).await?;
    let year = a.year;
    let id = Uuid::now_v7();
    let expires_at = now + UPLOAD_TTL;
    let sha = crate::staged_uploads::sha256_hex(&bytes);
    let record = UploadRecord {
        id: id.to_string(),
        user_id: user_id.to_string(),
        username: actor.audit_name(),
        unit_code: a.page.code.clone(),
        file_name: file_name.clone(),
        size: bytes.len(),
        sha256: sha,
        uploaded_at: unix(now),
        expires_at: unix(expires_at),
        set_id: a.set.id.clone(),
        version: a.set.version.clone(),
        year,
        values: a
            .ok
            .iter()
            .map(|c| SeenValue {
                unit: c.unit.code.clone(),
                indicator: c.indicator_code.clone(),
                version: c.current.as_ref().map(|o| o.version),
            })
            .collect(),
    };
    let preview = preview_of(&a, id, &file_name, expires_at);
    let json = serde_json::to_vec_pretty(&record)
        .map_err(|e| AppError::Internal(format!("upload record: {e}")))?;
    crate::staged_uploads::keep(app, id, bytes, json, now).await?;
    Ok(preview)
}

/// The stored record and bytes of an upload, after checking who may use it.
async fn load_upload(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    upload_id: &str,
) -> Result<(UploadRecord, Option<AppliedUpload>, Vec<u8>), UploadError> {
    let Actor::User { id: user_id, .. } = actor else {
        return Err(AppError::Unauthorized("login required".into()).into());
    };
    let id = Uuid::parse_str(upload_id.trim()).map_err(|_| UploadError::Unknown)?;
    let crate::staged_uploads::Kept {
        record,
        applied,
        bytes,
    } = crate::staged_uploads::read(app, id).await?;
    let record: UploadRecord = record
        .and_then(|r| serde_json::from_slice(&r).ok())
        .ok_or(UploadError::Unknown)?;
    if record.user_id != user_id.to_string() {
        return Err(UploadError::NotYours);
    }
    if record.unit_code != unit_code {
        return Err(UploadError::OtherUnit {
            unit_code: record.unit_code,
        });
    }
    let applied = applied.and_then(|a| serde_json::from_slice::<AppliedUpload>(&a).ok());
    let bytes = bytes.ok_or(UploadError::Unknown)?;
    let sha = crate::staged_uploads::sha256_hex(&bytes);
    if sha != record.sha256 {
        return Err(AppError::Internal(format!("upload {id}: the stored file was altered")).into());
    }
    Ok((record, applied, bytes))
}

/// Previews a stored upload again (for "preview again" after a conflict): a new upload of
/// the same bytes, compared with the values now.
pub async fn restage_upload(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    upload_id: &str,
    now: OffsetDateTime,
) -> Result<WorkbookPreview, UploadError> {
    let (record, _, bytes) = load_upload(app, actor, unit_code, upload_id).await?;
    stage_upload(app, actor, unit_code, &record.file_name, bytes, now).await
}

/// What an applied upload wrote, for the uploader (`None`: not applied).
pub async fn applied_upload(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    upload_id: &str,
) -> Result<Option<AppliedUpload>, UploadError> {
    Ok(load_upload(app, actor, unit_code, upload_id).await?.1)
}

/// Values compared in the preview (`record`) whose version is not the current one now
/// (`a`), and cells valid now that the preview did not compare.
fn stale_values(record: &UploadRecord, a: &Analysis<'_>) -> Vec<StaleValue> {
    let seen: HashMap<(&str, &str), Option<i64>> = record
        .values
        .iter()
        .map(|v| ((v.unit.as_str(), v.indicator.as_str()), v.version))
        .collect();
    a.ok.iter()
        .filter(|c| {
            let now_version = c.current.as_ref().map(|o| o.version);
            seen.get(&(c.unit.code.as_str(), c.indicator_code.as_str())) != Some(&now_version)
        })
        .map(|c| StaleValue {
            unit_code: c.unit.code.clone(),
            unit_name: c.unit.name.clone(),
            indicator_code: c.indicator_code.clone(),
            indicator_name: indicator_name(a.set, &c.indicator_code),
            value_now: c.current.as_ref().map(|o| o.value_text.clone()),
            changed_by: c.current.as_ref().map(|o| o.created_by.clone()),
            changed_at: c.current.as_ref().map(|o| o.created_at),
        })
        .collect()
}

/// Applies a previewed upload, all or nothing: refused when any cell is bad (unless
/// `apply_valid`: then only the valid cells are written), when it expired, when someone
/// else uploaded it, when it was already applied, and — optimistic concurrency — when any
/// value the preview compared against was changed since (`Stale`, naming them). Writes the
/// changed and new values as new draft versions (source `import`) with one audit entry
/// saying they came from a workbook upload.
pub async fn apply_upload(
    app: &App,
    actor: &Actor,
    unit_code: &str,
    upload_id: &str,
    apply_valid: bool,
    now: OffsetDateTime,
) -> Result<AppliedUpload, UploadError> {
    let (record, applied, bytes) = load_upload(app, actor, unit_code, upload_id).await?;
    if let Some(a) = applied {
        return Err(UploadError::AlreadyApplied(a));
    }
    if unix(now) > record.expires_at {
        return Err(UploadError::Expired {
            expired_at: from_unix(record.expires_at),
        });
    }
    let a = analyse(app, actor, unit_code, &bytes, &record.file_name).await?;
    if !a.bad.is_empty() && !apply_valid {
        return Err(UploadError::BadCells(a.bad));
    }
    // Optimistic concurrency: every value compared in the preview must be unchanged.
    let stale = stale_values(&record, &a);
    if !stale.is_empty() {
        return Err(UploadError::Stale(stale));
    }
    let at = crate::now();
    let note = format!("nhập từ tệp {} (tải lên trên web)", record.file_name);
    let writes: Vec<NewObservation> =
        a.ok.iter()
            .filter(|c| !c.unchanged)
            .map(|c| {
                let expected = c.current.as_ref().map(|o| o.version);
                NewObservation {
                    record: ObservationRecord {
                        id: Uuid::now_v7(),
                        province_code: c.unit.province_code.clone(),
                        unit_id: c.unit.id,
                        unit_code: c.unit.code.clone(),
                        set_id: a.set.id.clone(),
                        indicator_code: c.indicator_code.clone(),
                        year: record.year,
                        value_text: c.value.clone(),
                        status: ObsStatus::Draft,
                        note: note.clone(),
                        source: ObsSource::Import,
                        version: expected.unwrap_or(0) + 1,
                        created_by: actor.audit_name(),
                        created_at: at,
                        comment: None,
                    },
                    expected_version: expected,
                    files: vec![],
                }
            })
            .collect();
    let changed =
        a.ok.iter()
            .filter(|c| !c.unchanged && c.current.is_some())
            .count();
    let units: std::collections::BTreeSet<&str> =
        writes.iter().map(|w| w.record.unit_code.as_str()).collect();
    let result = AppliedUpload {
        upload_id: record.id.clone(),
        set_id: a.set.id.clone(),
        year: record.year,
        unit_code: a.page.code.clone(),
        set_level: a.set.level,
        unit_level: a.page.level,
        applied_at: unix(at),
        applied_by: actor.audit_name(),
        written: writes.len(),
        changed,
        new_values: writes.len() - changed,
        unchanged: a.ok.iter().filter(|c| c.unchanged).count(),
        skipped: a.bad.len(),
        units: units.len(),
    };
    if !writes.is_empty() {
        let entry = NewAuditEntry {
            at,
            ..actor.audit_entry(
                "observations.import",
                &a.page.code,
                serde_json::json!({
                "set": a.set.id,
                "year": record.year,
                "rows": writes.len(),
                "units": units.len(),
                "source": "workbook-upload",
                "upload": record.id,
                "file": record.file_name,
                "sha256": record.sha256,
                "skipped_bad_cells": a.bad.len(),

                }),
            )
        };
        match app.db.insert_observations(&writes, entry).await {
            Ok(_) => {}
            // Someone wrote between the check above and this write (the store checks the
            // versions again inside the transaction): nothing was written.
            Err(ntm_store::StoreError::Conflict(m)) => {
                // Another apply of this upload, or another change, got in first.
                let (_, applied, _) = load_upload(app, actor, unit_code, upload_id).await?;
                if let Some(done) = applied {
                    return Err(UploadError::AlreadyApplied(done));
                }
                let again = analyse(app, actor, unit_code, &bytes, &record.file_name).await?;
                let stale = stale_values(&record, &again);
                return Err(if stale.is_empty() {
                    UploadError::App(AppError::Conflict(m))
                } else {
                    UploadError::Stale(stale)
                });
            }
            Err(e) => return Err(e.into()),
        }
    }
    let json = serde_json::to_vec_pretty(&result)
        .map_err(|e| AppError::Internal(format!("upload record: {e}")))?;
    crate::staged_uploads::mark_applied(app, &record.id, json).await?;
    Ok(result)
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

    #[test]
    fn upload_names_and_same_values() {
        assert!(is_upload_name("Mau.XLSX") && is_upload_name("x.csv"));
        assert!(!is_upload_name("mau.pdf") && !is_upload_name("xlsx"));
        let set = crate::criteria::catalog()
            .set_for_year("xa-ntm-2021-2025", 2024)
            .unwrap();
        let pct = set
            .indicators
            .iter()
            .find(|i| i.kind == Kind::Percent)
            .unwrap();
        assert!(same_value(Some(pct), "85", "85,0 %"));
        assert!(!same_value(Some(pct), "85", "86"));
        let yes = set
            .indicators
            .iter()
            .find(|i| i.kind == Kind::Boolean)
            .unwrap();
        assert!(same_value(Some(yes), "Đạt", "đạt"));
        assert!(!same_value(None, "a", "b"));
    }
}
