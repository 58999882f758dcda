//! Property tests: random worlds applied in sequence keep the store consistent.

use super::*;

const NAMES: [&str; 3] = ["An", "Bình", "Cát"];

/// A generated list over small code pools: provinces 01–03 always present, districts
/// 001–006 and communes 00001–00012 optional, communes under a district or (2025
/// style) a province, and optional hamlets.
#[derive(Debug, Clone)]
struct World {
    provinces: Vec<(usize, usize)>,
    districts: Vec<Option<(usize, usize, usize)>>,
    communes: Vec<Option<(usize, usize, usize)>>,
    hamlets: Vec<Option<(usize, usize)>>,
}

fn world(hamlets: usize) -> impl Strategy<Value = World> {
    (
        prop::collection::vec((0..3usize, 0..2usize), 3),
        prop::collection::vec(prop::option::of((0..3usize, 0..3usize, 0..4usize)), 6),
        prop::collection::vec(prop::option::of((0..9usize, 0..3usize, 0..4usize)), 12),
        prop::collection::vec(prop::option::of((0..12usize, 0..3usize)), hamlets),
    )
        .prop_map(|(provinces, districts, communes, hamlets)| World {
            provinces,
            districts,
            communes,
            hamlets,
        })
}

impl World {
    fn commune_parent(&self, c: usize) -> Option<String> {
        let (p, _, _) = self.communes[c]?;
        Some(if p < 6 && self.districts[p].is_some() {
            format!("{:03}", p + 1)
        } else {
            format!("{:02}", p % 3 + 1)
        })
    }
    fn province_of_commune(&self, c: usize) -> String {
        match self.communes[c] {
            Some((p, _, _)) if p < 6 && self.districts[p].is_some() => {
                format!("{:02}", self.districts[p].unwrap().0 + 1)
            }
            Some((p, _, _)) => format!("{:02}", p % 3 + 1),
            None => "01".into(),
        }
    }
    fn rows(&self) -> Vec<UnitRow> {
        let mut out = Vec::new();
        let mut line = 1;
        let mut push =
            |code: String, name: String, level: Level, kind: &str, parent: Option<String>| {
                line += 1;
                out.push(UnitRow {
                    line,
                    code,
                    name,
                    level,
                    kind: kind.into(),
                    parent_code: parent,
                });
            };
        for (i, (n, k)) in self.provinces.iter().enumerate() {
            push(
                format!("{:02}", i + 1),
                format!("Tỉnh {}", NAMES[*n]),
                Level::Province,
                PROVINCE_KINDS[*k],
                None,
            );
        }
        for (i, d) in self.districts.iter().enumerate() {
            if let Some((p, n, k)) = d {
                push(
                    format!("{:03}", i + 1),
                    format!("Huyện {}", NAMES[*n]),
                    Level::District,
                    DISTRICT_KINDS[*k],
                    Some(format!("{:02}", p + 1)),
                );
            }
        }
        for (i, c) in self.communes.iter().enumerate() {
            if let Some((_, n, k)) = c {
                push(
                    format!("{:05}", i + 1),
                    format!("Xã {}", NAMES[*n]),
                    Level::Commune,
                    COMMUNE_KINDS[*k],
                    self.commune_parent(i),
                );
            }
        }
        for (i, h) in self.hamlets.iter().enumerate() {
            if let Some((c, n)) = h
                && self.communes[*c].is_some()
            {
                push(
                    format!("H{i}"),
                    format!("Thôn {}", NAMES[*n]),
                    Level::Hamlet,
                    "Thôn",
                    Some(format!("{:05}", c + 1)),
                );
            }
        }
        out
    }
}

fn mapping_for(a: &World, b: &World, pairs: &[(usize, usize, usize)]) -> Vec<MappingRow> {
    let types = [
        "whole",
        "partial",
        "unchanged",
        "renamed_or_retyped",
        "other",
        "district_to_special_zone",
    ];
    pairs
        .iter()
        .enumerate()
        .map(|(i, &(o, n, t))| {
            let old = if t >= 4 {
                String::new()
            } else {
                format!("{:05}", o + 1)
            };
            mrow(
                i + 2,
                [
                    &old,
                    &format!("{:05}", n + 1),
                    &format!("{:03}", o % 6 + 1),
                    &a.province_of_commune(o),
                    &b.province_of_commune(n),
                    types[t],
                    "ghi chú",
                ],
            )
        })
        .collect()
}

/// Invariants of the stored records after applying `rows` (which list every province).
fn check_state(s: &Store, rows: &[UnitRow]) -> Result<(), TestCaseError> {
    let open = s.open();
    let non_hamlet: Vec<&Unit> = open.iter().filter(|u| u.level != Level::Hamlet).collect();
    let listed = rows.iter().filter(|r| r.level != Level::Hamlet).count();
    prop_assert_eq!(
        non_hamlet.len(),
        listed,
        "open records are exactly the listed units"
    );
    for r in rows {
        let u: Vec<&Unit> = open
            .iter()
            .filter(|u| u.level == r.level && u.code == r.code)
            .collect();
        prop_assert_eq!(u.len(), 1);
        prop_assert_eq!(
            (&u[0].name, &u[0].kind, &u[0].parent_code),
            (&r.name, &r.kind, &r.parent_code)
        );
    }
    for u in &open {
        match u.parent_code.as_deref() {
            None => prop_assert_eq!(&u.path, &format!("/{}/", u.code)),
            Some(p) => {
                let parent = open
                    .iter()
                    .find(|x| x.code == p && parent_fits(u.level, x.level));
                prop_assert!(parent.is_some(), "open {} has no open parent {}", u.code, p);
                let parent = parent.unwrap();
                prop_assert_eq!(&u.path, &format!("{}{}/", parent.path, u.code));
                prop_assert_eq!(&u.province_code, &parent.province_code);
            }
        }
    }
    let ids: HashSet<Uuid> = s.units.iter().map(|u| u.id).collect();
    prop_assert_eq!(ids.len(), s.units.len(), "ids are unique");
    for l in &s.lineage {
        prop_assert!(ids.contains(&l.from_unit) && ids.contains(&l.to_unit));
        prop_assert!(
            s.by_id(l.to_unit).valid_from == Some(l.effective)
                || s.by_id(l.from_unit).valid_to == Some(l.effective)
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn applying_a_snapshot_twice_changes_nothing_the_second_time(
        a in world(4),
        b in world(0),
        c in world(0),
        pairs in prop::collection::vec((0..12usize, 0..12usize, 0..6usize), 0..10),
        pairs_c in prop::collection::vec((0..12usize, 0..12usize, 0..6usize), 0..10),
        open_start in any::<bool>(),
        use_mapping in any::<bool>(),
    ) {
        let regions = regions();
        let mut s = Store::new();
        let ra = a.rows();
        let plan = s.step(&ra, date!(2023 - 01 - 01), open_start, None, &regions);
        prop_assert_eq!(plan.open.len(), ra.len());
        check_state(&s, &ra)?;
        prop_assert!(s.plan(&ra, date!(2023 - 01 - 01), open_start, None, &regions).is_empty());

        let rb = b.rows();
        let mapping = mapping_for(&a, &b, &pairs);
        let m = use_mapping.then_some(mapping.as_slice());
        let d = date!(2025 - 07 - 01);
        let first = s.step(&rb, d, false, m, &regions);
        prop_assert_eq!(first.open.iter().filter(|u| u.level != Level::Hamlet).count() + first.unchanged, rb.len());
        check_state(&s, &rb)?;
        let second = s.plan(&rb, d, false, m, &regions);
        prop_assert!(second.is_empty(), "{:#?}", second);
        prop_assert_eq!(second.unchanged, rb.len());

        // And once more, later, with its own mapping.
        let rc = c.rows();
        let mapping_c = mapping_for(&b, &c, &pairs_c);
        let m = use_mapping.then_some(mapping_c.as_slice());
        let d = date!(2026 - 01 - 01);
        s.step(&rc, d, false, m, &regions);
        check_state(&s, &rc)?;
        let second = s.plan(&rc, d, false, m, &regions);
        prop_assert!(second.is_empty(), "{:#?}", second);
    }

    #[test]
    fn parsing_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse_units_csv(&bytes);
        let _ = parse_mapping_csv(&bytes);
        let _ = parse_regions_csv(&bytes);
    }

    #[test]
    fn parsing_round_trips_generated_rows(w in world(4)) {
        let rows = w.rows();
        let mut csv = String::from("code,name,level,kind,parent_code\n");
        for r in &rows {
            csv.push_str(&format!("{},{},{},{},{}\n", r.code, r.name, r.level.as_str(), r.kind, r.parent_code.clone().unwrap_or_default()));
        }
        prop_assert_eq!(parse_units_csv(csv.as_bytes()).unwrap(), rows.clone());
        prop_assert_eq!(validate_rows(&rows, &|_| None), vec![]);
    }
}
