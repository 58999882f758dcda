//! Which commune meets which set in each year of the sample (named communes first, then
//! chosen deterministically).

use std::collections::{BTreeMap, BTreeSet};

use crate::text::search_key;

use super::{DemoCommune, DemoError, XA_COUNT};

/// What the planned standing of a commune is: first year counted NTM / nâng cao / kiểu mẫu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Standing {
    ntm_from: i32,
    advanced_from: Option<i32>,
    model_from: Option<i32>,
}

impl Standing {
    pub(super) fn ntm(&self, y: i32) -> bool {
        y >= self.ntm_from
    }
    pub(super) fn advanced(&self, y: i32) -> bool {
        self.advanced_from.is_some_and(|f| y >= f)
    }
    pub(super) fn model(&self, y: i32) -> bool {
        self.model_from.is_some_and(|f| y >= f)
    }
}

pub(super) const NTM_2021_NAMED: &[&str] = &[
    "Đôn Châu",
    "Long Sơn",
    "An Quảng Hữu",
    "Thanh Sơn",
    "Tân Hiệp",
    "Đôn Xuân",
    "Trường Thọ",
];

pub(super) const ADVANCED_2021_NAMED: &[&str] = &[
    "Tân Bình",
    "Đại Phước",
    "Đức Mỹ",
    "Đông Hải",
    "Đại An",
    "Ngọc Biên",
    // Kiểu mẫu for 2023; the year it became nâng cao is not reported.
    "Thạnh Phú",
];

pub(super) const ADVANCED_2022_NAMED: &[&str] = &[
    "Hưng Mỹ",
    "Hòa Minh",
    "Lương Hòa A",
    "Trường Long Hòa",
    "Long Hữu",
    "Hòa Tân",
    "Châu Điền",
    "Mỹ Cẩm",
    "Phương Thạnh",
    "An Trường",
    "An Phú Tân",
];

pub(super) const ADVANCED_2023_NAMED: &[&str] = &["Phong Thạnh", "Hòa Ân"];

const MODEL_2022_NAMED: &[&str] = &["An Trường", "An Phú Tân"];

const MODEL_2023_NAMED: &[&str] = &["Thạnh Phú"];

/// Named in the sources but kept out of the totals (module docs).
const OTHER_NAMED: &[&str] = &["Vĩnh Kim"];

/// Districts not NTM in 2021: Cầu Ngang, Trà Cú, huyện Duyên Hải.
pub(super) const LATE_DISTRICTS: &[&str] = &["848", "849", "850"];

/// Districts recognised NTM nâng cao for 2023: Cầu Kè, Tiểu Cần.
const ADVANCED_DISTRICTS: &[&str] = &["845", "846"];

pub(super) fn name_key(name: &str) -> String {
    let k = search_key(name);
    k.strip_prefix("xa ").map(str::to_string).unwrap_or(k)
}

pub(super) fn plan(communes: &[DemoCommune]) -> Result<Vec<Standing>, DemoError> {
    if communes.len() != XA_COUNT {
        return Err(DemoError::CommuneCount {
            expected: XA_COUNT,
            found: communes.len(),
        });
    }
    let mut order: Vec<usize> = (0..communes.len()).collect();
    order.sort_by(|&a, &b| communes[a].code.cmp(&communes[b].code));
    let by_key: BTreeMap<String, usize> = communes
        .iter()
        .enumerate()
        .map(|(i, c)| (name_key(&c.name), i))
        .collect();
    let find = |names: &[&str]| -> Vec<usize> {
        names
            .iter()
            .filter_map(|n| by_key.get(&name_key(n)).copied())
            .collect()
    };
    let named: BTreeSet<usize> = [
        NTM_2021_NAMED,
        ADVANCED_2021_NAMED,
        ADVANCED_2022_NAMED,
        ADVANCED_2023_NAMED,
        MODEL_2022_NAMED,
        MODEL_2023_NAMED,
        OTHER_NAMED,
    ]
    .iter()
    .flat_map(|l| find(l))
    .collect();
    let late = |i: usize| LATE_DISTRICTS.contains(&communes[i].district_code.as_str());
    // Unnamed xã outside the late districts: Tiểu Cần and Cầu Kè first, then by code.
    let mut pool: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| !named.contains(&i) && !late(i))
        .collect();
    pool.sort_by_key(|&i| {
        (
            !ADVANCED_DISTRICTS.contains(&communes[i].district_code.as_str()),
            communes[i].code.clone(),
        )
    });

    let mut st = vec![
        Standing {
            ntm_from: 2021,
            advanced_from: None,
            model_from: None,
        };
        communes.len()
    ];
    // Not NTM in 2021: the first unnamed xã of each late district.
    let mut not_ntm = 0;
    for d in LATE_DISTRICTS {
        if let Some(&i) = order
            .iter()
            .find(|&&i| communes[i].district_code == *d && !named.contains(&i))
        {
            st[i].ntm_from = 2022;
            not_ntm += 1;
        }
    }
    let want_not_ntm = XA_COUNT - 82;
    if not_ntm != want_not_ntm {
        return Err(DemoError::Inconsistent(format!(
            "{not_ntm} xã not NTM in 2021 instead of {want_not_ntm}"
        )));
    }

    let mut pool_it = pool.iter().copied();
    let mut fill = |st: &mut [Standing], year: i32, named: &[&str], target: usize| {
        for i in find(named) {
            if st[i].advanced_from.is_none() {
                st[i].advanced_from = Some(year);
            }
        }
        while st.iter().filter(|s| s.advanced(year)).count() < target {
            match pool_it.next() {
                Some(i) if st[i].advanced_from.is_none() => st[i].advanced_from = Some(year),
                Some(_) => {}
                None => return Err(DemoError::Inconsistent("not enough xã".into())),
            }
        }
        let n = st.iter().filter(|s| s.advanced(year)).count();
        if n == target {
            Ok(())
        } else {
            Err(DemoError::Inconsistent(format!(
                "{n} xã NTM nâng cao in {year} instead of {target}"
            )))
        }
    };
    fill(&mut st, 2021, ADVANCED_2021_NAMED, 27)?;
    fill(&mut st, 2022, ADVANCED_2022_NAMED, 38)?;
    fill(&mut st, 2023, ADVANCED_2023_NAMED, 40)?;

    for (year, names, target) in [(2022, MODEL_2022_NAMED, 2), (2023, MODEL_2023_NAMED, 4)] {
        for i in find(names) {
            if st[i].model_from.is_none() {
                st[i].model_from = Some(year);
            }
        }
        for &i in &pool {
            if st.iter().filter(|s| s.model(year)).count() >= target {
                break;
            }
            if st[i].model_from.is_none() && st[i].advanced(year) && !named.contains(&i) {
                st[i].model_from = Some(year);
            }
        }
        let n = st.iter().filter(|s| s.model(year)).count();
        if n != target {
            return Err(DemoError::Inconsistent(format!(
                "{n} xã NTM kiểu mẫu in {year} instead of {target}"
            )));
        }
    }
    if st.iter().any(|s| {
        s.advanced_from.is_some_and(|a| a < s.ntm_from)
            || s.model_from
                .is_some_and(|m| s.advanced_from.is_none_or(|a| m < a))
    }) {
        return Err(DemoError::Inconsistent(
            "a level before its prerequisite".into(),
        ));
    }
    Ok(st)
}
