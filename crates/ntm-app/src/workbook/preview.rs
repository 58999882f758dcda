//! What an uploaded workbook would change: every cell compared with the current value, the
//! bad cells with their problem, and the problems that stop a file altogether. Nothing is
//! written by a preview.

use std::collections::HashMap;

use ntm_domain::authz::Permission;
use ntm_domain::criteria::{self, Indicator, ObsProblem, ResolvedSet, ValueError, ValueKind};
use ntm_domain::units::{Level, Unit};
use ntm_reports::ReportError;
use ntm_store::{ObservationRecord, UnitSelection};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::criteria::{evaluation_date, require_on_unit};
use crate::{Actor, App, AppError};

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

/// One valid cell, against the current value.
pub(super) struct OkCell {
    pub(super) cell: String,
    pub(super) unit: Unit,
    pub(super) indicator_code: String,
    pub(super) value: String,
    pub(super) current: Option<ObservationRecord>,
    pub(super) unchanged: bool,
}

pub(super) struct Analysis<'a> {
    pub(super) set: &'a ResolvedSet,
    pub(super) year: i32,
    pub(super) page: Unit,
    pub(super) ok: Vec<OkCell>,
    pub(super) bad: Vec<BadCell>,
}

fn is_upload_name(file_name: &str) -> bool {
    let n = file_name.to_lowercase();
    UPLOAD_EXTENSIONS.iter().any(|e| n.ends_with(e))
}

pub(super) fn indicator_name(set: &ResolvedSet, code: &str) -> String {
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
pub(super) async fn analyse<'a>(
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

pub(super) fn preview_of(
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

#[cfg(test)]
mod tests {
    use ntm_domain::criteria::Kind;

    use super::*;

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
