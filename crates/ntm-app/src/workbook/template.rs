//! The wide observation template a unit fills in: a row per unit, a column per indicator
//! entered by people, the threshold of each in words, the current values filled in.

use std::collections::HashMap;

use ntm_domain::authz::Permission;
use ntm_domain::criteria::{self, Indicator, Kind, ResolvedSet, ThresholdStatus, Varying};
use ntm_reports::wide::{WideColumn, WideRow, WideSheet};
use ntm_store::UnitSelection;
use uuid::Uuid;

use super::{units_of, write_err};
use crate::criteria::lookup_set;
use crate::{Actor, App, AppError};

/// What [`template`] shows in row 3 of the sheet.
pub const FILL_NOTE: &str = "Ô màu vàng: nhập số liệu. Chỉ tiêu Đạt/Không đạt: chọn trong danh sách; \
tỷ lệ (%): số từ 0 đến 100 (85 hoặc 85,5); số lượng: số nguyên. Để trống ô chưa có số liệu. \
Ngưỡng ghi \"cần xác minh\" chưa được đối chiếu với văn bản gốc.";

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
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code, set = %set_id, year))]
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
