//! Planning: the pure diff between the open unit records and a snapshot taken on a date.
//!
//! [`plan_snapshot`] runs a [`Planner`] through its phases in a fixed order; each phase is
//! one method and reads what the earlier ones filled in. The rules are in the module
//! documentation of [`crate::snapshot`] and in ARCHITECTURE.md "Units over time".

use std::collections::{HashMap, HashSet};

use time::Date;
use uuid::Uuid;

use super::vocab::{canonical_kind, parent_fits};
use super::{MappingRow, RegionTable, RowError, SnapshotPlan, validate_rows};
use crate::text::search_key;
use crate::units::{Level, Lineage, LineageKind, Region, Unit, UnitRow};

/// Where a row's parent lives.
#[derive(Clone, Copy)]
enum ParentRef {
    None,
    /// Another row of the snapshot.
    Row(usize),
    /// An open record (index into the open records) not listed in the snapshot.
    Open(usize),
}

/// Diff between the currently open records (`valid_to == None`) and a snapshot taken on
/// `date`. See ARCHITECTURE.md "Units over time" for the rules.
///
/// `current` should hold every open record of every level (records with a `valid_to`
/// are ignored). The rows are validated first (parents looked up in `rows`, then among
/// the open records); any problem is returned as `Err`, as is a snapshot that would
/// close a record that starts after `date`, or a row whose parent is not in the file and
/// is closed by it.
pub fn plan_snapshot(
    current: &[Unit],
    rows: &[UnitRow],
    date: Date,
    open_start: bool,
    mapping: Option<&[MappingRow]>,
    regions: &RegionTable,
    new_id: &mut dyn FnMut() -> Uuid,
) -> Result<SnapshotPlan, Vec<RowError>> {
    let mut planner = Planner::index_open_records(
        current,
        rows,
        date,
        open_start,
        mapping.unwrap_or(&[]),
        regions,
        new_id,
    );
    planner.validate_rows()?;
    planner.index_rows();
    planner.place_rows();
    planner.read_mapping();
    planner.match_rows();
    planner.close_unlisted();
    planner.check_closed_parents();
    planner.lineage_from_mapping();
    planner.lineage_between_provinces();
    planner.move_hamlets();
    planner.warn_stranded_outside_scope();
    planner.close_records()
}

/// The state of one planning run: the inputs, the indexes built from them, and the plan
/// being assembled. Indexes into `open` are "k", indexes into `rows` are "i"/"j", indexes
/// into `mapping` are "mi".
struct Planner<'a, 'n> {
    rows: &'a [UnitRow],
    date: Date,
    /// Start of the records this snapshot opens (`None` for an unknown start).
    new_from: Option<Date>,
    mapping: &'a [MappingRow],
    regions: &'a RegionTable,
    new_id: &'n mut dyn FnMut() -> Uuid,

    // The open records and their indexes.
    open: Vec<&'a Unit>,
    by_key: HashMap<(Level, &'a str), Vec<usize>>,
    by_code: HashMap<&'a str, Vec<usize>>,

    // The rows: indexes, then where each one sits.
    row_by_code: HashMap<&'a str, usize>,
    province_rows: HashMap<&'a str, usize>,
    parent_ref: Vec<ParentRef>,
    path: Vec<String>,
    prov_code: Vec<String>,
    region: Vec<Option<Region>>,

    // The mapping: the old record each mapping row names, the provinces covered, and the
    // predecessors of each new province.
    from_of: Vec<Option<usize>>,
    scope: HashSet<&'a str>,
    preds: HashMap<&'a str, HashSet<&'a str>>,

    // The outcome.
    plan: SnapshotPlan,
    matched: Vec<bool>,
    closed: Vec<bool>,
    row_unit: Vec<Uuid>,
    row_new: Vec<bool>,
    seen_lineage: HashSet<(Uuid, Uuid)>,
    warnings: Vec<String>,
    errors: Vec<RowError>,
}

impl<'a, 'n> Planner<'a, 'n> {
    /// Phase 1: index the open records.
    fn index_open_records(
        current: &'a [Unit],
        rows: &'a [UnitRow],
        date: Date,
        open_start: bool,
        mapping: &'a [MappingRow],
        regions: &'a RegionTable,
        new_id: &'n mut dyn FnMut() -> Uuid,
    ) -> Self {
        let open: Vec<&Unit> = current.iter().filter(|u| u.valid_to.is_none()).collect();
        let mut by_key: HashMap<(Level, &str), Vec<usize>> = HashMap::with_capacity(open.len());
        let mut by_code: HashMap<&str, Vec<usize>> = HashMap::with_capacity(open.len());
        for (k, u) in open.iter().enumerate() {
            by_key
                .entry((u.level, u.code.as_str()))
                .or_default()
                .push(k);
            by_code.entry(u.code.as_str()).or_default().push(k);
        }
        let n = rows.len();
        let n_open = open.len();
        Planner {
            rows,
            date,
            new_from: if open_start { None } else { Some(date) },
            mapping,
            regions,
            new_id,
            open,
            by_key,
            by_code,
            row_by_code: HashMap::with_capacity(n),
            province_rows: HashMap::new(),
            parent_ref: vec![ParentRef::None; n],
            path: vec![String::new(); n],
            prov_code: vec![String::new(); n],
            region: vec![None; n],
            from_of: Vec::new(),
            scope: HashSet::new(),
            preds: HashMap::new(),
            plan: SnapshotPlan::default(),
            matched: vec![false; n_open],
            closed: vec![false; n_open],
            row_unit: vec![Uuid::nil(); n],
            row_new: vec![false; n],
            seen_lineage: HashSet::new(),
            warnings: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// The first open record with this level and code.
    fn first_open(&self, level: Level, code: &str) -> Option<usize> {
        self.by_key
            .get(&(level, code))
            .and_then(|v| v.first().copied())
    }

    /// The old unit a mapping row names existed before `date`: a record opened on `date`
    /// itself (by an earlier application of this snapshot) may reuse the code but is not it.
    fn first_old(&self, level: Level, code: &str) -> Option<usize> {
        self.by_key.get(&(level, code)).and_then(|v| {
            v.iter()
                .copied()
                .find(|&k| self.open[k].valid_from.is_none_or(|f| f < self.date))
        })
    }

    /// The row of the commune with this code, if the snapshot lists one.
    fn commune_row(&self, code: &str) -> Option<usize> {
        self.row_by_code
            .get(code)
            .copied()
            .filter(|&j| self.rows[j].level == Level::Commune)
    }

    /// The old province of a mapping row: the one its old record really lies in when the
    /// record is found (the table can be wrong), else the one the table names.
    fn old_province_of(&self, mi: usize) -> Option<&'a str> {
        let open = &self.open;
        self.from_of[mi]
            .map(|k| open[k].province_code.as_str())
            .or(self.mapping[mi].old_province_code.as_deref())
    }

    /// Phase 2: validate the rows on their own (parents may be open records).
    fn validate_rows(&self) -> Result<(), Vec<RowError>> {
        let known = |code: &str| {
            self.by_code
                .get(code)
                .and_then(|v| v.iter().map(|&k| self.open[k].level).min())
        };
        let errors = validate_rows(self.rows, &known);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Phase 3: index the rows by code, and the province rows.
    fn index_rows(&mut self) {
        let rows = self.rows;
        for (i, r) in rows.iter().enumerate() {
            self.row_by_code.entry(r.code.as_str()).or_insert(i);
            if r.level == Level::Province {
                self.province_rows.entry(r.code.as_str()).or_insert(i);
            }
        }
    }

    /// Phase 4: parents, paths, provinces and regions of the rows (parents have a lower
    /// rank, so going through the rows by rank sees every parent before its children).
    fn place_rows(&mut self) {
        let rows = self.rows;
        let n = rows.len();
        for (i, r) in rows.iter().enumerate() {
            if let Some(p) = r.parent_code.as_deref() {
                self.parent_ref[i] = match self.row_by_code.get(p) {
                    Some(&j) => ParentRef::Row(j),
                    None => self
                        .by_code
                        .get(p)
                        .and_then(|v| {
                            v.iter()
                                .copied()
                                .find(|&k| parent_fits(r.level, self.open[k].level))
                        })
                        .map_or(ParentRef::None, ParentRef::Open),
                };
            }
        }
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&i| rows[i].level.rank());
        for &i in &order {
            let r = &rows[i];
            match self.parent_ref[i] {
                ParentRef::None => {
                    self.path[i] = format!("/{}/", r.code);
                    self.prov_code[i] = r.code.clone();
                    self.region[i] = self.regions.region_of(&r.code, &r.name);
                }
                ParentRef::Row(j) => {
                    self.path[i] = format!("{}{}/", self.path[j], r.code);
                    self.prov_code[i] = self.prov_code[j].clone();
                    self.region[i] = self.region[j];
                }
                ParentRef::Open(k) => {
                    let p = self.open[k];
                    self.path[i] = format!("{}{}/", p.path, r.code);
                    self.prov_code[i] = p.province_code.clone();
                    let region = self
                        .first_open(Level::Province, &p.province_code)
                        .and_then(|q| {
                            self.regions
                                .region_of(&self.open[q].code, &self.open[q].name)
                        })
                        .or(p.region);
                    self.region[i] = region;
                }
            }
        }
    }

    /// Phase 5: the mapping — the old record each mapping row names, the predecessors of
    /// each new province, and the scope (the provinces listed plus the old provinces the
    /// mapping sends into one of them).
    fn read_mapping(&mut self) {
        let mapping = self.mapping;
        let from_of: Vec<Option<usize>> = mapping
            .iter()
            .map(|m| match m.merge_type.as_str() {
                "district_to_special_zone" => m
                    .old_district_code
                    .as_deref()
                    .and_then(|c| self.first_old(Level::District, c)),
                "other" => None,
                _ => m
                    .old_commune_code
                    .as_deref()
                    .and_then(|c| self.first_old(Level::Commune, c)),
            })
            .collect();
        self.from_of = from_of;
        self.scope = self.province_rows.keys().copied().collect();
        for (mi, m) in mapping.iter().enumerate() {
            if !self
                .province_rows
                .contains_key(m.new_province_code.as_str())
            {
                continue;
            }
            // Both the province the table names and the one the old record lies in (they
            // differ when the table is wrong). On a second application the old records are
            // closed, so this set can only shrink, which keeps that application a no-op.
            let named = m.old_province_code.as_deref();
            let open = &self.open;
            let found = self.from_of[mi].map(|k| open[k].province_code.as_str());
            for p in [named, found].into_iter().flatten() {
                self.preds
                    .entry(m.new_province_code.as_str())
                    .or_default()
                    .insert(p);
                self.scope.insert(p);
            }
        }
    }

    /// Phase 6: each row continues an open record, or opens a new one.
    fn match_rows(&mut self) {
        let rows = self.rows;
        for (i, r) in rows.iter().enumerate() {
            // A merged province is a new unit even when it kept its code and name — unless
            // the open record already starts where this snapshot would start it.
            let merged = r.level == Level::Province
                && self
                    .preds
                    .get(r.code.as_str())
                    .is_some_and(|s| !(s.len() == 1 && s.contains(r.code.as_str())));
            let cands: &[usize] = self
                .by_key
                .get(&(r.level, r.code.as_str()))
                .map_or(&[], Vec::as_slice);
            // Validated above, so the kind has an official spelling.
            let kind = canonical_kind(r.level, &r.kind).unwrap_or(r.kind.as_str());
            let mut keep = None;
            for &k in cands {
                self.matched[k] = true;
                let u = self.open[k];
                if keep.is_none()
                    && u.name == r.name
                    && u.kind == kind
                    && u.parent_code == r.parent_code
                    && u.path == self.path[i]
                    && u.province_code == self.prov_code[i]
                    && (!merged || u.valid_from == self.new_from)
                {
                    keep = Some(k);
                }
            }
            for &k in cands {
                if Some(k) != keep {
                    self.closed[k] = true;
                }
            }
            if let Some(k) = keep {
                self.row_unit[i] = self.open[k].id;
                self.plan.unchanged += 1;
            } else {
                let id = (self.new_id)();
                self.row_unit[i] = id;
                self.row_new[i] = true;
                self.plan.open.push(Unit {
                    id,
                    code: r.code.clone(),
                    name: r.name.clone(),
                    kind: kind.to_string(),
                    level: r.level,
                    parent_code: r.parent_code.clone(),
                    path: self.path[i].clone(),
                    province_code: self.prov_code[i].clone(),
                    region: self.region[i],
                    valid_from: self.new_from,
                    valid_to: None,
                    search_key: search_key(&r.name),
                });
            }
        }
    }

    /// Phase 7: records of the covered provinces that the snapshot no longer lists close.
    fn close_unlisted(&mut self) {
        for (k, u) in self.open.iter().enumerate() {
            if !self.matched[k]
                && u.level != Level::Hamlet
                && self.scope.contains(u.province_code.as_str())
            {
                self.closed[k] = true;
            }
        }
    }

    /// Phase 8: a row may hang under a stored unit it does not list, but not under one it
    /// closes.
    fn check_closed_parents(&mut self) {
        for (i, r) in self.rows.iter().enumerate() {
            if let ParentRef::Open(k) = self.parent_ref[i]
                && self.closed[k]
            {
                let open = &self.open;
                self.errors.push(RowError::new(
                    r.line,
                    Some("parent_code"),
                    format!(
                        "parent \"{}\" ({}) is not in this file, and this file closes it because it covers province {}",
                        open[k].code, open[k].name, open[k].province_code
                    ),
                ));
            }
        }
    }

    /// Records lineage `from → to` on the snapshot's date, once per pair, never to itself.
    fn push_lineage(&mut self, from: Uuid, to: Uuid, kind: LineageKind, note: &str) {
        if from != to && self.seen_lineage.insert((from, to)) {
            let id = (self.new_id)();
            self.plan.lineage.push(Lineage {
                id,
                from_unit: from,
                to_unit: to,
                kind,
                effective: self.date,
                note: note.to_string(),
            });
        }
    }

    /// Phase 9: lineage from the mapping — commune → commune, island district → special
    /// zone.
    fn lineage_from_mapping(&mut self) {
        let mapping = self.mapping;
        let rows = self.rows;
        for (mi, m) in mapping.iter().enumerate() {
            let to_row = self.commune_row(&m.new_commune_code);
            if to_row.is_none()
                && !self
                    .province_rows
                    .contains_key(m.new_province_code.as_str())
            {
                continue; // about a province this snapshot does not cover
            }
            let Some(j) = to_row else {
                self.warnings.push(format!(
                    "mapping line {}: new commune \"{}\" is not a commune of this snapshot; no lineage recorded",
                    m.line, m.new_commune_code
                ));
                continue;
            };
            let Some(kind) = m.lineage_kind() else {
                if self.row_new[j] {
                    self.warnings.push(format!(
                        "mapping line {}: merge_type \"{}\" names no old unit, so no lineage is recorded for {} {} ({})",
                        m.line, m.merge_type, rows[j].code, rows[j].name, m.note
                    ));
                }
                continue;
            };
            let (level, old_code) = if kind == LineageKind::Reorganize {
                (
                    Level::District,
                    m.old_district_code.as_deref().unwrap_or(""),
                )
            } else {
                (Level::Commune, m.old_commune_code.as_deref().unwrap_or(""))
            };
            let Some(k) = self.from_of[mi] else {
                // When the new commune is already there (the snapshot was applied before),
                // the old one being gone is expected.
                if self.row_new[j] {
                    self.warnings.push(format!(
                        "mapping line {}: old {} \"{old_code}\" matches no open record; no lineage to {} {}",
                        m.line,
                        level.as_str(),
                        rows[j].code,
                        rows[j].name
                    ));
                }
                continue;
            };
            if !self.closed[k] && !self.row_new[j] {
                continue; // both sides continue: nothing happens on this date
            }
            let old = self.open[k];
            if let Some(p) = m.old_province_code.as_deref()
                && p != old.province_code
            {
                self.warnings.push(format!(
                    "mapping line {}: old {} \"{}\" ({}) lies in province {}, not {p} as the mapping says; province {} is used",
                    m.line,
                    level.as_str(),
                    old.code,
                    old.name,
                    old.province_code,
                    old.province_code
                ));
            }
            self.push_lineage(old.id, self.row_unit[j], kind, &m.note);
        }
    }

    /// Phase 10: lineage between provinces — each old province whose communes went into a
    /// new province that is a new unit (or another province) merged into it: wholly when
    /// the old province is closed and all of it went there, in part otherwise.
    fn lineage_between_provinces(&mut self) {
        let mapping = self.mapping;
        let mut targets: Vec<(&str, Vec<&str>)> = Vec::new();
        let mut target_pos: HashMap<&str, usize> = HashMap::new();
        for (mi, m) in mapping.iter().enumerate() {
            let q = m.new_province_code.as_str();
            if !self.province_rows.contains_key(q) {
                continue;
            }
            let Some(p) = self.old_province_of(mi) else {
                continue;
            };
            let pos = *target_pos.entry(p).or_insert_with(|| {
                targets.push((p, Vec::new()));
                targets.len() - 1
            });
            if !targets[pos].1.contains(&q) {
                targets[pos].1.push(q);
            }
        }
        for (p, qs) in &targets {
            let Some(k) = self.first_old(Level::Province, p) else {
                if qs.iter().any(|q| self.row_new[self.province_rows[q]]) {
                    self.warnings.push(format!(
                        "mapping: old province \"{p}\" matches no open province record; no province lineage recorded"
                    ));
                }
                continue;
            };
            for q in qs {
                let j = self.province_rows[q];
                if !self.closed[k] && !self.row_new[j] {
                    continue;
                }
                let kind = if self.closed[k] && qs.len() == 1 {
                    LineageKind::Merge
                } else {
                    LineageKind::Split
                };
                let note = if kind == LineageKind::Merge {
                    "Nhập toàn bộ"
                } else {
                    "Nhập một phần"
                };
                self.push_lineage(self.open[k].id, self.row_unit[j], kind, note);
            }
        }
    }

    /// Phase 11: hamlets of closed communes follow their single successor, or are closed.
    fn move_hamlets(&mut self) {
        let mapping = self.mapping;
        let rows = self.rows;
        let mut successors: HashMap<&str, Vec<(&str, &str)>> = HashMap::new();
        for m in mapping {
            if let Some(c) = m.old_commune_code.as_deref() {
                successors
                    .entry(c)
                    .or_default()
                    .push((m.new_commune_code.as_str(), m.merge_type.as_str()));
            }
        }
        for k in 0..self.open.len() {
            let h = self.open[k];
            if h.level != Level::Hamlet || self.matched[k] {
                continue;
            }
            let Some(pc) = h.parent_code.as_deref() else {
                continue;
            };
            let Some(communes) = self.by_key.get(&(Level::Commune, pc)) else {
                continue;
            };
            if communes.iter().any(|&c| !self.closed[c]) {
                continue; // its commune continues
            }
            let commune = self.open[communes[0]];
            let target: Result<usize, String> = match successors.get(pc) {
                Some(list) => {
                    let mut codes: Vec<&str> = list.iter().map(|(c, _)| *c).collect();
                    codes.sort_unstable();
                    codes.dedup();
                    let whole = list
                        .iter()
                        .all(|(_, t)| matches!(*t, "whole" | "unchanged" | "renamed_or_retyped"));
                    match (codes.as_slice(), whole) {
                        ([c], true) => self
                            .commune_row(c)
                            .ok_or_else(|| format!("its successor {c} is not in this snapshot")),
                        ([c], false) => Err(format!("only part of it went into {c}")),
                        (cs, _) => Err(format!(
                            "the mapping splits it among {} new communes ({})",
                            cs.len(),
                            cs.join(", ")
                        )),
                    }
                }
                // Not in the mapping: the same code reopened (renamed, retyped, moved) is its
                // successor.
                None => self
                    .commune_row(pc)
                    .ok_or_else(|| "it has no successor in this snapshot".to_string()),
            };
            match target {
                Ok(j) => {
                    let new_path = format!("{}{}/", self.path[j], h.code);
                    if rows[j].code == pc
                        && new_path == h.path
                        && self.prov_code[j] == h.province_code
                    {
                        continue; // same parent code and path: nothing to change
                    }
                    self.closed[k] = true;
                    let id = (self.new_id)();
                    self.plan.open.push(Unit {
                        id,
                        code: h.code.clone(),
                        name: h.name.clone(),
                        kind: h.kind.clone(),
                        level: Level::Hamlet,
                        parent_code: Some(rows[j].code.clone()),
                        path: new_path,
                        province_code: self.prov_code[j].clone(),
                        region: self.region[j],
                        valid_from: self.new_from,
                        valid_to: None,
                        search_key: search_key(&h.name),
                    });
                    self.push_lineage(h.id, id, LineageKind::Unchanged, "theo xã mới");
                }
                Err(why) => {
                    self.closed[k] = true;
                    self.warnings.push(format!(
                        "hamlet {} \"{}\" closed: its commune {} \"{}\" is closed and {why}; add it again under the right commune",
                        h.code, h.name, commune.code, commune.name
                    ));
                }
            }
        }
    }

    /// Phase 12: warn about records outside the scope that stay open under a parent this
    /// snapshot replaced.
    fn warn_stranded_outside_scope(&mut self) {
        for (k, u) in self.open.iter().enumerate() {
            if self.closed[k] || self.matched[k] || u.level == Level::Hamlet {
                continue;
            }
            let Some(pc) = u.parent_code.as_deref() else {
                continue;
            };
            let parents: Vec<usize> = self
                .by_code
                .get(pc)
                .map(|v| {
                    v.iter()
                        .copied()
                        .filter(|&p| parent_fits(u.level, self.open[p].level))
                        .collect()
                })
                .unwrap_or_default();
            if !parents.is_empty() && parents.iter().all(|&p| self.closed[p]) {
                self.warnings.push(format!(
                    "{} {} \"{}\" stays open (its province {} is not covered by this snapshot) but its parent {pc} is closed or replaced",
                    u.level.as_str(),
                    u.code,
                    u.name,
                    u.province_code
                ));
            }
        }
    }

    /// Phase 13: close, refusing to end a record before it starts; hand back the plan or
    /// every error (sorted by line).
    fn close_records(mut self) -> Result<SnapshotPlan, Vec<RowError>> {
        let date = self.date;
        for (k, u) in self.open.iter().enumerate() {
            if !self.closed[k] {
                continue;
            }
            if let Some(from) = u.valid_from
                && from > date
            {
                self.errors.push(RowError::new(
                    0,
                    None,
                    format!(
                        "{} {} \"{}\" is valid from {from}, after the snapshot date {date}: snapshots must be applied in date order",
                        u.level.as_str(),
                        u.code,
                        u.name
                    ),
                ));
            }
            self.plan.close.push((u.id, date));
        }
        if !self.errors.is_empty() {
            self.errors.sort_by_key(|e| e.line);
            return Err(self.errors);
        }
        self.plan.warnings = self.warnings;
        Ok(self.plan)
    }
}
