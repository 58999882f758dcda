//! Administrative units: importing official snapshots, hamlets, and reading the tree.

use ntm_domain::authz::Permission;
use ntm_domain::snapshot::{self, MappingRow, RegionTable, SnapshotPlan};
use ntm_domain::text::search_key;
use ntm_domain::units::{Level, Lineage, Unit, UnitRow};
use ntm_store::SnapshotRecord;
use serde::Serialize;
use sha2::{Digest, Sha256};
use time::Date;

use crate::authz::{Actor, require};
use crate::{App, AppError, now, today};

mod page;
pub use page::{
    HamletRefusal, HamletsSubmitted, HomePage, UnitPage, add_hamlet, home, import_hamlets, page,
};

/// Stages of an import, reported to a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStage {
    Parse,
    Validate,
    Plan,
    Write,
    Done,
}

impl ImportStage {
    pub fn index(self) -> u64 {
        self as u64
    }
    pub const COUNT: u64 = 4;
    pub fn label(self) -> &'static str {
        match self {
            ImportStage::Parse => "reading file",
            ImportStage::Validate => "checking rows",
            ImportStage::Plan => "comparing with stored units",
            ImportStage::Write => "writing (one transaction)",
            ImportStage::Done => "done",
        }
    }
}

/// A file to import as a dated snapshot.
pub struct SnapshotInput<'a> {
    /// Shown in reports and the audit log (usually the file name).
    pub source: String,
    pub units_csv: &'a [u8],
    pub date: Date,
    /// The old→new commune table that explains this snapshot, if any.
    pub mapping_csv: Option<&'a [u8]>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub source: String,
    pub date: Date,
    pub rows: usize,
    pub rows_by_level: Vec<(Level, usize)>,
    pub opened: usize,
    pub closed: usize,
    pub lineage: usize,
    pub unchanged: usize,
    pub warnings: Vec<String>,
    /// The same file was applied before: nothing changed.
    pub already_applied: bool,
}

/// The reference table of socio-economic regions shipped with the binary.
pub fn bundled_regions() -> RegionTable {
    // The file is part of the binary and checked by a test, so this cannot fail at run time.
    snapshot::parse_regions_csv(crate::demo::REGIONS_CSV).unwrap_or_default()
}

fn digest(input: &SnapshotInput<'_>) -> String {
    let mut h = Sha256::new();
    h.update(input.units_csv);
    h.update(input.date.to_string().as_bytes());
    if let Some(m) = input.mapping_csv {
        h.update(b"\0mapping\0");
        h.update(m);
    }
    hex::encode(h.finalize())
}

/// Applies an official unit list taken on `input.date`: units that appear are opened or
/// continue, units gone from the list are closed at that date, and the mapping (if any)
/// becomes lineage records. All or nothing, and idempotent.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn import_snapshot(
    app: &App,
    actor: &Actor,
    input: SnapshotInput<'_>,
    progress: &mut dyn FnMut(ImportStage),
) -> Result<ImportReport, AppError> {
    require(actor, Permission::ImportUnits, "/")?;
    let sha = digest(&input);
    let applied = app.db.snapshot_records().await?;
    progress(ImportStage::Parse);
    let (rows, mut parse_errors) = snapshot::parse_units_csv_partial(input.units_csv);
    if !parse_errors.is_empty() {
        // Check the rows that did parse too, so the operator sees every problem at once.
        if !rows.is_empty() {
            let open = app.db.units_open().await?;
            let known: std::collections::HashMap<&str, Level> =
                open.iter().map(|u| (u.code.as_str(), u.level)).collect();
            let lookup = |c: &str| known.get(c).copied();
            parse_errors.extend(snapshot::validate_rows(&rows, &lookup));
            parse_errors.sort_by_key(|e| e.line);
        }
        return Err(parse_errors.into());
    }
    let mapping: Option<Vec<MappingRow>> = match input.mapping_csv {
        Some(m) => Some(snapshot::parse_mapping_csv(m).map_err(|e| {
            AppError::from(
                e.into_iter()
                    .map(|mut r| {
                        r.message = format!("mapping file: {}", r.message);
                        r
                    })
                    .collect::<Vec<_>>(),
            )
        })?),
        None => None,
    };
    let mut by_level: Vec<(Level, usize)> = Vec::new();
    for l in Level::ALL {
        let n = rows.iter().filter(|r| r.level == l).count();
        if n > 0 {
            by_level.push((l, n));
        }
    }
    let mut report = ImportReport {
        source: input.source.clone(),
        date: input.date,
        rows: rows.len(),
        rows_by_level: by_level,
        opened: 0,
        closed: 0,
        lineage: 0,
        unchanged: 0,
        warnings: Vec::new(),
        already_applied: false,
    };
    if let Some(prev) = applied.iter().find(|r| r.sha256 == sha) {
        report.already_applied = true;
        report.unchanged = prev.opened as usize + prev.unchanged as usize;
        progress(ImportStage::Done);
        return Ok(report);
    }
    if let Some(latest) = applied.iter().map(|r| r.snapshot_date).max()
        && input.date < latest
    {
        return Err(AppError::invalid(
            "date",
            format!(
                "this list is dated {}, before the latest list already applied ({latest}); unit lists must be applied in date order",
                input.date
            ),
        ));
    }
    progress(ImportStage::Validate);
    let current = app.db.units_open().await?;
    progress(ImportStage::Plan);
    let regions = bundled_regions();
    let open_start = applied.is_empty();
    let plan: SnapshotPlan = snapshot::plan_snapshot(
        &current,
        &rows,
        input.date,
        open_start,
        mapping.as_deref(),
        &regions,
        &mut uuid::Uuid::now_v7,
    )?;
    progress(ImportStage::Write);
    report.opened = plan.open.len();
    report.closed = plan.close.len();
    report.lineage = plan.lineage.len();
    report.unchanged = plan.unchanged;
    report.warnings = plan.warnings.clone();
    let rec = SnapshotRecord {
        id: uuid::Uuid::now_v7(),
        snapshot_date: input.date,
        source: input.source.clone(),
        sha256: sha,
        applied_at: now(),
        opened: report.opened as i64,
        closed: report.closed as i64,
        lineage: report.lineage as i64,
        unchanged: report.unchanged as i64,
    };
    let audit = actor.audit_entry(
        "units.import",
        &input.source,
        serde_json::json!({
            "date": input.date.to_string(),
            "rows": report.rows,
            "opened": report.opened,
            "closed": report.closed,
            "lineage": report.lineage,
            "unchanged": report.unchanged,
        }),
    );
    app.db.apply_snapshot(&plan, &rec, audit).await?;
    progress(ImportStage::Done);
    Ok(report)
}

/// One unit as seen on a date, with its neighbourhood.
#[derive(Debug, Clone, Serialize)]
pub struct UnitView {
    pub date: Date,
    pub unit: Unit,
    /// From the province down to the parent.
    pub ancestors: Vec<Unit>,
    pub children: Vec<Unit>,
    /// Units this one came from (with how), e.g. the communes merged into it.
    pub predecessors: Vec<(Lineage, Unit)>,
    /// Units this one became.
    pub successors: Vec<(Lineage, Unit)>,
    /// Every stored version of this code, oldest first (codes are reused over time).
    pub versions: Vec<Unit>,
}

/// Units are official public data: anyone may read them.
#[tracing::instrument(skip_all, fields(unit = %code))]
pub async fn get_unit(app: &App, code: &str, date: Option<Date>) -> Result<UnitView, AppError> {
    let date = date.unwrap_or_else(today);
    let code = code.trim();
    let versions = app.db.unit_versions(code).await?;
    let Some(unit) = versions.iter().find(|u| u.is_valid_on(date)).cloned() else {
        if versions.is_empty() {
            return Err(AppError::NotFound(format!("no unit has code {code}")));
        }
        let spans: Vec<String> = versions.iter().map(validity_text).collect();
        return Err(AppError::NotFound(format!(
            "unit {code} is not valid on {date}; it exists {}",
            spans.join(", ")
        )));
    };
    let ancestors = app.db.ancestors_on(&unit, date).await?;
    let children = app.db.children_on(&unit.code, date).await?;
    let predecessors = app.db.lineage_to(unit.id).await?;
    let successors = app.db.lineage_from(unit.id).await?;
    Ok(UnitView {
        date,
        unit,
        ancestors,
        children,
        predecessors,
        successors,
        versions,
    })
}

/// The record of `code` valid today, else its last one (a unit merged away on 1 July 2025).
#[tracing::instrument(skip_all, fields(unit = %code))]
pub async fn latest_record(app: &App, code: &str) -> Result<Unit, AppError> {
    match app.db.unit_on(code, today()).await? {
        Some(u) => Ok(u),
        None => app
            .db
            .unit_versions(code)
            .await?
            .pop()
            .ok_or_else(|| AppError::NotFound(format!("no unit has code {code}"))),
    }
}

/// The units users' grants point at, by code, for the page header: the version valid
/// `date`, else the latest stored one (a province abolished on 1 July 2025 keeps its name).
/// Codes that match no unit are left out.
#[tracing::instrument(skip_all)]
pub async fn scope_units(app: &App, codes: &[String], date: Date) -> Result<Vec<Unit>, AppError> {
    let mut out = Vec::with_capacity(codes.len());
    for code in codes {
        if let Some(u) = app.db.unit_on(code, date).await? {
            out.push(u);
        } else if let Some(u) = app.db.unit_versions(code).await?.pop() {
            out.push(u);
        }
    }
    Ok(out)
}

/// A unit in the unit tree on a date: the unit, its ancestors (province first) and children.
#[derive(Debug, Clone)]
pub struct TreeNode {
    pub unit: Unit,
    pub ancestors: Vec<Unit>,
    pub children: Vec<Unit>,
}

/// A unit with its ancestors and children on a date, for the unit tree. Public, like every
/// unit.
#[tracing::instrument(skip_all, fields(unit = %code))]
pub async fn tree_node(app: &App, code: &str, date: Date) -> Result<TreeNode, AppError> {
    let code = code.trim();
    let Some(unit) = app.db.unit_on(code, date).await? else {
        return Err(AppError::NotFound(format!("no unit {code} on {date}")));
    };
    let children = app.db.children_on(&unit.code, date).await?;
    let ancestors = app.db.ancestors_on(&unit, date).await?;
    Ok(TreeNode {
        unit,
        ancestors,
        children,
    })
}

/// "from 2025-07-01", "until 2025-07-01 (start unknown)" …
pub fn validity_text(u: &Unit) -> String {
    match (u.valid_from, u.valid_to) {
        (None, None) => "with no end (start unknown)".into(),
        (Some(f), None) => format!("from {f}"),
        (None, Some(t)) => format!("until {t} (start unknown)"),
        (Some(f), Some(t)) => format!("from {f} until {t}"),
    }
}

/// Top-level units (provinces) valid on a date.
#[tracing::instrument(skip_all)]
pub async fn provinces(app: &App, date: Option<Date>) -> Result<Vec<Unit>, AppError> {
    Ok(app
        .db
        .units_on(date.unwrap_or_else(today), Some(Level::Province))
        .await?)
}

/// Counts of units per level valid on a date.
#[tracing::instrument(skip_all)]
pub async fn counts_on(app: &App, date: Option<Date>) -> Result<Vec<(Level, i64)>, AppError> {
    Ok(app.db.count_by_level_on(date.unwrap_or_else(today)).await?)
}

/// Search by name with or without diacritics ("cang long" finds "Càng Long"), or by code.
#[tracing::instrument(skip_all)]
pub async fn search(
    app: &App,
    q: &str,
    date: Option<Date>,
    limit: i64,
) -> Result<Vec<Unit>, AppError> {
    let key = search_key(q);
    if key.is_empty() {
        return Err(AppError::invalid("q", "type at least one letter or digit"));
    }
    if key.len() > 100 {
        return Err(AppError::invalid(
            "q",
            "search text is too long (100 characters at most)",
        ));
    }
    let limit = limit.clamp(1, 200);
    if key.chars().all(|c| c.is_ascii_digit()) {
        let date = date.unwrap_or_else(today);
        if let Some(u) = app.db.unit_on(&key, date).await? {
            return Ok(vec![u]);
        }
    }
    Ok(app.db.search_units(&key, date, limit).await?)
}

/// A hamlet to add under a commune.
#[derive(Debug, Clone)]
pub struct NewHamlet {
    /// Line in the file it came from (0 when typed in a form): used in error messages.
    pub line: usize,
    pub commune_code: String,
    /// Left empty: `<commune code>-NN`, the next free number.
    pub code: Option<String>,
    pub name: String,
    /// Ấp, Thôn, Xóm, Bản, Buôn, Khóm, Tổ dân phố…
    pub kind: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct HamletImportReport {
    pub added: Vec<Unit>,
    /// Rows identical to a hamlet already stored.
    pub unchanged: usize,
}

/// Longest hamlet name accepted (characters), on every path: page, file import, API, CLI.
pub const MAX_HAMLET_NAME_CHARS: usize = 200;

/// The problem with a hamlet name, in Vietnamese then English, if any.
pub fn hamlet_name_problem(name: &str) -> Option<String> {
    let n = name.trim().chars().count();
    if n == 0 {
        Some("tên thôn, ấp đang để trống (the name is empty)".into())
    } else if n > MAX_HAMLET_NAME_CHARS {
        Some(format!(
            "tên thôn, ấp dài {n} ký tự, tối đa {MAX_HAMLET_NAME_CHARS} ký tự (the name has {n} characters, at most {MAX_HAMLET_NAME_CHARS})"
        ))
    } else {
        None
    }
}

/// Adds hamlets (one or many, e.g. from a commune's CSV/XLSX). All rows are checked
/// first; if any is bad nothing is written and every bad row is reported.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name()))]
pub async fn add_hamlets(
    app: &App,
    actor: &Actor,
    rows: Vec<NewHamlet>,
) -> Result<HamletImportReport, AppError> {
    let date = today();
    let mut errors = Vec::new();
    let mut communes: std::collections::HashMap<String, Unit> = std::collections::HashMap::new();
    for r in &rows {
        let c = r.commune_code.trim();
        if communes.contains_key(c) {
            continue;
        }
        match app.db.unit_on(c, date).await? {
            Some(u) if u.level == Level::Commune => {
                require(actor, Permission::EditHamlets, &u.path)?;
                communes.insert(c.to_string(), u);
            }
            Some(u) => errors.push(ntm_domain::snapshot::RowError {
                line: 0,
                field: Some("commune_code".into()),
                message: format!("{c} is a {} ({}), not a commune", u.level.as_str(), u.name),
            }),
            None => errors.push(ntm_domain::snapshot::RowError {
                line: 0,
                field: Some("commune_code".into()),
                message: format!("no commune with code {c} is valid today"),
            }),
        }
    }
    for (i, r) in rows.iter().enumerate() {
        if let Some(message) = hamlet_name_problem(&r.name) {
            errors.push(ntm_domain::snapshot::RowError {
                line: if r.line > 0 { r.line } else { i + 1 },
                field: Some("name".into()),
                message,
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors.into());
    }
    // Existing hamlets (every version) per commune, to number new codes and skip repeats.
    let mut existing: std::collections::HashMap<String, Vec<Unit>> =
        std::collections::HashMap::new();
    for c in communes.values() {
        let all = app
            .db
            .subtree_on(&c.path, date, Some(Level::Hamlet))
            .await?;
        existing.insert(c.code.clone(), all);
    }
    let mut unit_rows = Vec::new();
    let mut unchanged = 0;
    for (i, r) in rows.iter().enumerate() {
        let line = if r.line > 0 { r.line } else { i + 1 };
        let commune = &communes[r.commune_code.trim()];
        let stored = &existing[&commune.code];
        let code = match r.code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) => c.to_string(),
            None if stored
                .iter()
                .any(|u| u.valid_to.is_none() && u.search_key == search_key(&r.name)) =>
            {
                // Same name already there: importing the same file again changes nothing.
                unchanged += 1;
                continue;
            }
            None => {
                let taken = |n: usize| {
                    let c = format!("{}-{n:02}", commune.code);
                    stored.iter().any(|u| u.code == c)
                        || unit_rows.iter().any(|u: &UnitRow| u.code == c)
                };
                let n = (1..).find(|n| !taken(*n)).unwrap_or(1);
                format!("{}-{n:02}", commune.code)
            }
        };
        if let Some(s) = stored.iter().find(|u| u.code == code) {
            if s.name == r.name.trim()
                && snapshot::canonical_kind(Level::Hamlet, &r.kind) == Some(s.kind.as_str())
            {
                unchanged += 1;
                continue;
            }
            return Err(AppError::Conflict(format!(
                "line {line}: hamlet code {code} already exists as \"{}\"",
                s.name
            )));
        }
        unit_rows.push(UnitRow {
            line,
            code,
            name: r.name.trim().to_string(),
            level: Level::Hamlet,
            kind: r.kind.trim().to_string(),
            parent_code: Some(commune.code.clone()),
        });
    }
    let known = |code: &str| communes.get(code).map(|u| u.level);
    let problems = snapshot::validate_rows(&unit_rows, &known);
    if !problems.is_empty() {
        return Err(problems.into());
    }
    let units: Vec<Unit> = unit_rows
        .iter()
        .map(|r| {
            let commune = &communes[r.parent_code.as_deref().unwrap_or_default()];
            Unit {
                id: uuid::Uuid::now_v7(),
                code: r.code.clone(),
                name: r.name.clone(),
                kind: snapshot::canonical_kind(Level::Hamlet, &r.kind)
                    .unwrap_or(r.kind.as_str())
                    .to_string(),
                level: Level::Hamlet,
                parent_code: Some(commune.code.clone()),
                path: format!("{}{}/", commune.path, r.code),
                province_code: commune.province_code.clone(),
                region: commune.region,
                valid_from: Some(date),
                valid_to: None,
                search_key: search_key(&r.name),
            }
        })
        .collect();
    if !units.is_empty() {
        let audit = actor.audit_entry("units.hamlets.add",
            &communes.keys().cloned().collect::<Vec<_>>().join(","),
            serde_json::json!({ "codes": units.iter().map(|u| u.code.clone()).collect::<Vec<_>>() }),
        );
        app.db.insert_units(&units, audit).await?;
    }
    Ok(HamletImportReport {
        added: units,
        unchanged,
    })
}

/// Reads a hamlet file (CSV with `code,name,kind[,commune_code]`) for one commune.
/// `code` may be empty (numbered automatically); `commune_code` defaults to `commune`.
pub fn parse_hamlet_rows(
    table: Vec<Vec<String>>,
    commune: Option<&str>,
) -> Result<Vec<NewHamlet>, AppError> {
    let mut it = table.into_iter();
    let header: Vec<String> = it
        .next()
        .ok_or_else(|| AppError::invalid("file", "the file is empty"))?
        .into_iter()
        .map(|h| search_key(h.trim_start_matches('\u{feff}')).replace(' ', "_"))
        .collect();
    let col = |names: &[&str]| header.iter().position(|h| names.contains(&h.as_str()));
    let name_col = col(&["name", "ten"]).ok_or_else(|| {
        AppError::invalid(
            "file",
            "the header needs a column \"name\" (or \"tên\"); found: ".to_string()
                + &header.join(", "),
        )
    })?;
    let kind_col = col(&["kind", "loai"]);
    let code_col = col(&["code", "ma"]);
    let commune_col = col(&["commune_code", "ma_xa"]);
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, row) in it.enumerate() {
        let line = i + 2;
        let cell = |c: Option<usize>| {
            c.and_then(|c| row.get(c))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let name = cell(Some(name_col));
        let commune_code = match (cell(commune_col), commune) {
            (c, _) if !c.is_empty() => c,
            (_, Some(c)) => c.to_string(),
            _ => {
                errors.push(FieldErrorLine(
                    line,
                    "commune_code",
                    "no commune code in the row and none given for the file".into(),
                ));
                continue;
            }
        };
        if name.is_empty() {
            errors.push(FieldErrorLine(line, "name", "the name is empty".into()));
            continue;
        }
        let kind = match cell(kind_col) {
            k if k.is_empty() => "Ấp".to_string(),
            k => k,
        };
        let code = Some(cell(code_col)).filter(|c| !c.is_empty());
        out.push(NewHamlet {
            line,
            commune_code,
            code,
            name,
            kind,
        });
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(
            errors
                .into_iter()
                .map(|FieldErrorLine(l, f, m)| crate::FieldError::new(format!("line {l} ({f})"), m))
                .collect(),
        ));
    }
    if out.is_empty() {
        return Err(AppError::invalid("file", "no hamlet rows in the file"));
    }
    Ok(out)
}

struct FieldErrorLine(usize, &'static str, String);
