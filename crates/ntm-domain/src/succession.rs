//! Successors see their predecessors: which earlier unit records a grant covers through
//! lineage (the 1 July 2025 reform merged Trà Vinh, 84, into Vĩnh Long, 86; the officer of
//! Vĩnh Long sees Trà Vinh's records as history).
//!
//! The rule, in one place ([`covers`]): a grant covers a unit record when the record's path
//! is inside the grant's subtree (the plain rule of [`crate::authz::allows`]), or when one of
//! its **successors** is, following lineage forwards and transitively (a split unit has
//! several successors: each of them covers it). The record of the same code and level valid
//! today also counts as a successor (codes that changed district between two lists without a
//! mapping). A unit inside a predecessor is covered with it (the districts and communes of
//! old Trà Vinh for the officer of Vĩnh Long). Never the reverse: a grant on a predecessor
//! does not reach its successor.
//!
//! Grants stay on codes; the lineage records decide what they cover. [`Succession`] is built
//! once from every province, district and commune record and the lineage, and answers by
//! path, so a page checks many units without a query each.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use time::Date;
use uuid::Uuid;

use crate::authz::{Grant, Permission, allows};
use crate::units::Level;

/// What [`Succession::build`] needs of one unit record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRef {
    pub id: Uuid,
    pub code: String,
    pub level: Level,
    pub path: String,
    pub valid_from: Option<Date>,
    pub valid_to: Option<Date>,
}

impl RecordRef {
    fn is_valid_on(&self, d: Date) -> bool {
        self.valid_from.is_none_or(|f| f <= d) && self.valid_to.is_none_or(|t| d < t)
    }
}

/// The permissions a successor holds on its predecessors' records: seeing them, and carrying
/// on their work (entering and verifying values of past years, acting on their dossiers and
/// reports, setting a merged-away province's procedure settings), within the rules of each
/// use case (a dossier's period decides which steps remain). Not editing hamlets (edited
/// under today's communes), not users, audit or unit imports.
pub fn follows_lineage(p: Permission) -> bool {
    matches!(
        p,
        Permission::ViewUnits
            | Permission::EnterObservations
            | Permission::VerifyObservations
            | Permission::ManageCriteria
            | Permission::ManageOcop
            | Permission::ScoreOcop
            | Permission::ManageOwnOcop
    )
}

/// The coverage rule: some grant allows `p` on `target_path`, or (for a permission that
/// [`follows_lineage`]) on one of `successor_paths` (from [`Succession::successor_paths`]).
pub fn covers(
    grants: &[Grant],
    p: Permission,
    target_path: &str,
    successor_paths: &[&str],
) -> bool {
    allows(grants, p, target_path)
        || (follows_lineage(p) && successor_paths.iter().any(|s| allows(grants, p, s)))
}

/// For every path of a record that has successors, the paths of all its successors
/// (transitively), other than its own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Succession {
    later: BTreeMap<String, BTreeSet<String>>,
}

impl Succession {
    /// From the unit records (provinces, districts, communes: hamlets are covered through
    /// their commune), the lineage as `(from record, to record)` and today's date (for the
    /// same-code rule). Edges naming a record not in `records` are ignored.
    pub fn build(records: &[RecordRef], lineage: &[(Uuid, Uuid)], today: Date) -> Succession {
        let index: HashMap<Uuid, usize> =
            records.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
        let mut next: Vec<Vec<usize>> = vec![Vec::new(); records.len()];
        for (from, to) in lineage {
            if let (Some(&f), Some(&t)) = (index.get(from), index.get(to))
                && f != t
            {
                next[f].push(t);
            }
        }
        let current: HashMap<(&str, Level), usize> = records
            .iter()
            .enumerate()
            .filter(|(_, r)| r.is_valid_on(today))
            .map(|(i, r)| ((r.code.as_str(), r.level), i))
            .collect();
        for (i, r) in records.iter().enumerate() {
            if let Some(&now) = current.get(&(r.code.as_str(), r.level))
                && now != i
            {
                next[i].push(now);
            }
        }
        let mut later: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (i, r) in records.iter().enumerate() {
            if next[i].is_empty() {
                continue;
            }
            // Reaches are small (a commune's successor, its province's): a set per search.
            let mut seen: BTreeSet<usize> = BTreeSet::from([i]);
            let mut stack = next[i].clone();
            let mut paths = BTreeSet::new();
            while let Some(j) = stack.pop() {
                if !seen.insert(j) {
                    continue;
                }
                if records[j].path != r.path {
                    paths.insert(records[j].path.clone());
                }
                stack.extend(next[j].iter().copied());
            }
            if !paths.is_empty() {
                later.entry(r.path.clone()).or_default().extend(paths);
            }
        }
        Succession { later }
    }

    /// Number of paths that have successors.
    pub fn len(&self) -> usize {
        self.later.len()
    }

    pub fn is_empty(&self) -> bool {
        self.later.is_empty()
    }

    /// The successor paths that stand for `target_path`: those of the target's record and of
    /// every unit above it (a commune of old Trà Vinh is covered through Trà Vinh's successor).
    pub fn successor_paths(&self, target_path: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for prefix in prefixes(target_path) {
            if let Some(s) = self.later.get(prefix) {
                out.extend(s.iter().map(String::as_str));
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The predecessors covered by a grant on `scope_path` and not inside it already: paths of
    /// earlier records one of whose successors lies inside the scope, outermost only (Trà
    /// Vinh's `/84/` for Vĩnh Long's `/86/`, not also each commune of Trà Vinh).
    pub fn predecessors_within(&self, scope_path: &str) -> Vec<&str> {
        let mut found: Vec<&str> = self
            .later
            .iter()
            .filter(|(old, succ)| {
                !old.starts_with(scope_path) && succ.iter().any(|s| s.starts_with(scope_path))
            })
            .map(|(old, _)| old.as_str())
            .collect();
        found.sort_unstable();
        let mut out: Vec<&str> = Vec::new();
        for p in found {
            if !out.iter().any(|o| p.starts_with(o)) {
                out.push(p);
            }
        }
        out
    }
}

/// `/84/847/29374/` → `/84/`, `/84/847/`, `/84/847/29374/`.
fn prefixes(path: &str) -> impl Iterator<Item = &str> {
    path.char_indices()
        .filter(|&(i, c)| c == '/' && i > 0)
        .map(move |(i, _)| &path[..=i])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authz::Role;
    use proptest::prelude::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 01 - 15);
    const REFORM: Date = date!(2025 - 07 - 01);

    fn rec(n: u128, code: &str, level: Level, path: &str, to: Option<Date>) -> RecordRef {
        RecordRef {
            id: Uuid::from_u128(n),
            code: code.into(),
            level,
            path: path.into(),
            valid_from: None,
            valid_to: to,
        }
    }

    fn after(n: u128, code: &str, level: Level, path: &str) -> RecordRef {
        RecordRef {
            valid_from: Some(REFORM),
            ..rec(n, code, level, path, None)
        }
    }

    fn grant(role: Role, path: &str) -> Vec<Grant> {
        vec![Grant {
            role,
            scope_code: None,
            scope_path: path.into(),
        }]
    }

    fn covered(s: &Succession, g: &[Grant], p: Permission, target: &str) -> bool {
        covers(g, p, target, &s.successor_paths(target))
    }

    /// Trà Vinh (84) and old Vĩnh Long (86) merged into the new Vĩnh Long (86); communes
    /// 29374 and 29377 of district 847 became the new 29374; 29410 kept its code without a
    /// lineage record (the same-code rule); 29500 split between 29374 and 29410.
    fn reform() -> Succession {
        let records = vec![
            rec(1, "84", Level::Province, "/84/", Some(REFORM)),
            rec(2, "86", Level::Province, "/86/", Some(REFORM)),
            after(3, "86", Level::Province, "/86/"),
            rec(4, "847", Level::District, "/84/847/", Some(REFORM)),
            rec(5, "29374", Level::Commune, "/84/847/29374/", Some(REFORM)),
            rec(6, "29377", Level::Commune, "/84/847/29377/", Some(REFORM)),
            rec(7, "29410", Level::Commune, "/84/847/29410/", Some(REFORM)),
            rec(8, "29500", Level::Commune, "/84/847/29500/", Some(REFORM)),
            after(9, "29374", Level::Commune, "/86/29374/"),
            after(10, "29410", Level::Commune, "/86/29410/"),
            rec(11, "87", Level::Province, "/87/", None),
        ];
        let lineage = [(1, 3), (2, 3), (5, 9), (6, 9), (8, 9), (8, 10)]
            .map(|(a, b)| (Uuid::from_u128(a), Uuid::from_u128(b)));
        Succession::build(&records, &lineage, TODAY)
    }

    #[test]
    fn the_successor_province_covers_the_merged_province_and_everything_in_it() {
        let s = reform();
        let vl = grant(Role::ProvinceOfficer, "/86/");
        for t in [
            "/84/",
            "/84/847/",
            "/84/847/29377/",
            "/84/847/29377/29377-01/",
        ] {
            assert!(covered(&s, &vl, Permission::ViewUnits, t), "{t}");
            assert!(covered(&s, &vl, Permission::VerifyObservations, t), "{t}");
        }
        // Hamlets are edited under today's communes; users are granted on today's units.
        for p in [Permission::EditHamlets, Permission::ManageUsers] {
            assert!(!covered(&s, &vl, p, "/84/847/29377/"));
        }
        assert!(!covered(&s, &vl, Permission::ViewUnits, "/87/"));
    }

    #[test]
    fn a_successor_commune_covers_its_own_predecessors_only() {
        let s = reform();
        let xa = grant(Role::CommuneOfficer, "/86/29374/");
        for t in ["/84/847/29374/", "/84/847/29377/", "/84/847/29500/"] {
            assert!(covered(&s, &xa, Permission::EnterObservations, t), "{t}");
        }
        for t in ["/84/", "/84/847/", "/84/847/29410/", "/86/", "/86/29410/"] {
            assert!(!covered(&s, &xa, Permission::ViewUnits, t), "{t}");
        }
        // The split commune is covered by each of its successors.
        let other = grant(Role::CommuneOfficer, "/86/29410/");
        assert!(covered(&s, &other, Permission::ViewUnits, "/84/847/29500/"));
        // Same code, valid today, no lineage record: still its successor.
        assert!(covered(&s, &other, Permission::ViewUnits, "/84/847/29410/"));
        assert!(!covered(
            &s,
            &other,
            Permission::ViewUnits,
            "/84/847/29377/"
        ));
    }

    #[test]
    fn a_predecessor_never_reaches_its_successor() {
        let s = reform();
        for (g, t) in [
            (grant(Role::ProvinceOfficer, "/84/"), "/86/"),
            (grant(Role::ProvinceOfficer, "/84/"), "/86/29374/"),
            (grant(Role::CommuneOfficer, "/84/847/29377/"), "/86/29374/"),
            (
                grant(Role::CommuneOfficer, "/84/847/29377/"),
                "/84/847/29374/",
            ),
            (grant(Role::DistrictOfficer, "/84/847/"), "/86/"),
        ] {
            assert!(!covered(&s, &g, Permission::ViewUnits, t), "{t}");
        }
    }

    #[test]
    fn predecessors_within_a_scope_are_the_outermost_ones() {
        let s = reform();
        assert_eq!(s.predecessors_within("/86/"), vec!["/84/"]);
        assert_eq!(
            s.predecessors_within("/86/29374/"),
            vec!["/84/847/29374/", "/84/847/29377/", "/84/847/29500/"]
        );
        assert_eq!(
            s.predecessors_within("/86/29410/"),
            vec!["/84/847/29410/", "/84/847/29500/"]
        );
        assert!(s.predecessors_within("/87/").is_empty());
        assert!(s.predecessors_within("/84/").is_empty());
    }

    #[test]
    fn prefixes_end_on_segment_boundaries() {
        assert_eq!(
            prefixes("/84/847/29374/").collect::<Vec<_>>(),
            vec!["/84/", "/84/847/", "/84/847/29374/"]
        );
        assert_eq!(prefixes("/").count(), 0);
    }

    /// Three generations of provinces (codes 10–17, 20–27, 30–37), random lineage from each
    /// generation to the next, a commune under every province, and province 99 with no lineage.
    fn generations() -> impl Strategy<Value = (Vec<RecordRef>, Vec<(Uuid, Uuid)>)> {
        let edges = proptest::collection::vec((0u8..2, 0u8..8, 0u8..8), 0..24);
        edges.prop_map(|edges| {
            let mut records = Vec::new();
            for g in 0..3u8 {
                for k in 0..8u8 {
                    let code = format!("{}{k}", g + 1);
                    let to = (g < 2).then_some(REFORM);
                    let n = u128::from(g) * 100 + u128::from(k);
                    records.push(rec(n, &code, Level::Province, &format!("/{code}/"), to));
                    records.push(rec(
                        n + 1000,
                        &format!("{code}001"),
                        Level::Commune,
                        &format!("/{code}/{code}001/"),
                        to,
                    ));
                }
            }
            records.push(rec(99, "99", Level::Province, "/99/", None));
            let lineage = edges
                .into_iter()
                .map(|(g, a, b)| {
                    let from = u128::from(g) * 100 + u128::from(a);
                    let to = u128::from(g + 1) * 100 + u128::from(b);
                    (Uuid::from_u128(from), Uuid::from_u128(to))
                })
                .collect();
            (records, lineage)
        })
    }

    /// Reachability by repeated relaxation (the oracle, independent of `build`'s search).
    fn reaches(lineage: &[(Uuid, Uuid)], from: Uuid, to: Uuid) -> bool {
        let mut set: BTreeSet<Uuid> = BTreeSet::from([from]);
        loop {
            let before = set.len();
            for (a, b) in lineage {
                if set.contains(a) {
                    set.insert(*b);
                }
            }
            if set.len() == before {
                return from != to && set.contains(&to);
            }
        }
    }

    proptest! {
        #[test]
        fn successors_cover_predecessors_transitively_and_never_the_reverse(
            (records, lineage) in generations()
        ) {
            let s = Succession::build(&records, &lineage, TODAY);
            let provinces: Vec<&RecordRef> =
                records.iter().filter(|r| r.level == Level::Province).collect();
            for old in &provinces {
                for new in &provinces {
                    let g = grant(Role::ProvinceOfficer, &new.path);
                    let commune = format!("{}{}001/", old.path, old.code);
                    let expected = old.id == new.id || reaches(&lineage, old.id, new.id);
                    prop_assert_eq!(covered(&s, &g, Permission::ViewUnits, &old.path), expected);
                    // Everything inside a covered predecessor is covered with it.
                    prop_assert_eq!(covered(&s, &g, Permission::ViewUnits, &commune), expected);
                    if reaches(&lineage, old.id, new.id) {
                        // Never the reverse.
                        let back = grant(Role::ProvinceOfficer, &old.path);
                        prop_assert!(!covered(&s, &back, Permission::ViewUnits, &new.path));
                        prop_assert!(s.predecessors_within(&new.path).iter()
                            .any(|p| *p == old.path));
                    }
                }
            }
            // An unrelated province covers nothing else and is covered by nothing else.
            let lone = grant(Role::ProvinceOfficer, "/99/");
            for r in &records {
                if r.code != "99" {
                    prop_assert!(!covered(&s, &lone, Permission::ViewUnits, &r.path));
                    let g = grant(Role::ProvinceOfficer, &r.path);
                    prop_assert!(!covered(&s, &g, Permission::ViewUnits, "/99/"));
                }
            }
            prop_assert!(s.predecessors_within("/99/").is_empty());
        }

        #[test]
        fn a_commune_grant_never_covers_a_province(
            (records, lineage) in generations()
        ) {
            let s = Succession::build(&records, &lineage, TODAY);
            for r in records.iter().filter(|r| r.level == Level::Commune) {
                let g = grant(Role::CommuneOfficer, &r.path);
                for p in records.iter().filter(|p| p.level == Level::Province) {
                    prop_assert!(!covered(&s, &g, Permission::ViewUnits, &p.path));
                }
            }
        }
    }
}
