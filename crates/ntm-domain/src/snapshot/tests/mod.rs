//! Tests of reading, validating and planning snapshots (helpers shared by the topic files).

use std::collections::HashSet;

use unicode_normalization::UnicodeNormalization;

use super::vocab::{COMMUNE_KINDS, DISTRICT_KINDS, PROVINCE_KINDS};
use super::*;
use crate::units::{Level, Lineage, UnitRow};
use proptest::prelude::*;
use time::macros::date;

mod parse;
mod plan;
mod props;
mod real_lists;
mod validate;

fn row(
    line: usize,
    code: &str,
    name: &str,
    level: Level,
    kind: &str,
    parent: Option<&str>,
) -> UnitRow {
    UnitRow {
        line,
        code: code.into(),
        name: name.into(),
        level,
        kind: kind.into(),
        parent_code: parent.map(str::to_string),
    }
}

/// Rows from a compact text: `code|name|level|kind|parent` per line.
fn rows(spec: &str) -> Vec<UnitRow> {
    spec.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, l)| {
            let f: Vec<&str> = l.split('|').collect();
            let level = Level::parse(f[2]).unwrap();
            row(
                i + 2,
                f[0],
                f[1],
                level,
                f[3],
                Some(f[4]).filter(|p| !p.is_empty()),
            )
        })
        .collect()
}

fn counter() -> impl FnMut() -> Uuid {
    let mut n = 0u128;
    move || {
        n += 1;
        Uuid::from_u128(n)
    }
}

/// A mapping row from `[old, new, old_district, old_province, new_province, type, note]`.
fn mrow(
    line: usize,
    [old, new, old_district, old_prov, new_prov, t, note]: [&str; 7],
) -> MappingRow {
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    MappingRow {
        line,
        old_commune_code: some(old),
        new_commune_code: new.into(),
        old_district_code: some(old_district),
        old_province_code: some(old_prov),
        new_province_code: new_prov.into(),
        merge_type: t.into(),
        note: note.into(),
    }
}

fn regions() -> RegionTable {
    parse_regions_csv("code,name,region\n01,Tỉnh Một,DBSH\n02,Tỉnh Hai,TDMNPB\n".as_bytes())
        .unwrap()
}

/// In-memory store: every record ever written, with an id generator.
struct Store {
    units: Vec<Unit>,
    lineage: Vec<Lineage>,
    ids: Box<dyn FnMut() -> Uuid>,
}

impl Store {
    fn new() -> Store {
        Store {
            units: Vec::new(),
            lineage: Vec::new(),
            ids: Box::new(counter()),
        }
    }
    fn open(&self) -> Vec<Unit> {
        self.units
            .iter()
            .filter(|u| u.valid_to.is_none())
            .cloned()
            .collect()
    }
    fn plan(
        &mut self,
        rows: &[UnitRow],
        d: Date,
        open_start: bool,
        mapping: Option<&[MappingRow]>,
        regions: &RegionTable,
    ) -> SnapshotPlan {
        let open = self.open();
        plan_snapshot(&open, rows, d, open_start, mapping, regions, &mut self.ids).unwrap()
    }
    fn apply(&mut self, plan: &SnapshotPlan) {
        apply_plan_in_memory(&mut self.units, plan);
        self.lineage.extend(plan.lineage.iter().cloned());
    }
    fn step(
        &mut self,
        rows: &[UnitRow],
        d: Date,
        open_start: bool,
        mapping: Option<&[MappingRow]>,
        regions: &RegionTable,
    ) -> SnapshotPlan {
        let plan = self.plan(rows, d, open_start, mapping, regions);
        self.apply(&plan);
        plan
    }
    fn open_one(&self, level: Level, code: &str) -> Unit {
        let v: Vec<&Unit> = self
            .units
            .iter()
            .filter(|u| u.valid_to.is_none() && u.level == level && u.code == code)
            .collect();
        assert_eq!(v.len(), 1, "open {level:?} {code}: {v:?}");
        v[0].clone()
    }
    fn by_id(&self, id: Uuid) -> &Unit {
        self.units.iter().find(|u| u.id == id).unwrap()
    }
    fn count_on(&self, d: Date, level: Level) -> usize {
        self.units
            .iter()
            .filter(|u| u.level == level && u.is_valid_on(d))
            .count()
    }
}

fn closes(plan: &SnapshotPlan, store_before: &[Unit]) -> Vec<(Level, String)> {
    let mut v: Vec<(Level, String)> = plan
        .close
        .iter()
        .map(|(id, _)| {
            let u = store_before.iter().find(|u| u.id == *id).unwrap();
            (u.level, u.code.clone())
        })
        .collect();
    v.sort();
    v
}

fn opens(plan: &SnapshotPlan) -> Vec<(Level, String)> {
    let mut v: Vec<(Level, String)> = plan
        .open
        .iter()
        .map(|u| (u.level, u.code.clone()))
        .collect();
    v.sort();
    v
}

const BASE: &str = "
        01|Tỉnh Một|province|Tỉnh|
        02|Tỉnh Hai|province|Tỉnh|
        001|Huyện A|district|Huyện|01
        002|Huyện B|district|Huyện|01
        003|Huyện C|district|Huyện|02
        00001|Xã Một|commune|Xã|001
        00002|Xã Hai|commune|Xã|001
        00003|Thị trấn Ba|commune|Thị trấn|002
        00004|Xã Bốn|commune|Xã|003
        00005|Xã Năm|commune|Xã|003
    ";
