//! Evaluation results as XLSX: a unit's result, or the units of the set's level under it.

use std::collections::HashMap;

use ntm_domain::criteria::{self};
use ntm_domain::text::format_number_vi;
use ntm_domain::units::Level;
use ntm_reports::TableSheet;

use super::template::threshold_text;
use super::write_err;
use crate::criteria::{evaluate, lookup_set};
use crate::{Actor, App, AppError};

fn status_vi(s: criteria::Status) -> &'static str {
    s.label_vi()
}

/// The evaluation of a unit as XLSX: a sheet `Đơn vị` with one row per unit (the unit, or
/// each unit of the set's level under it) with its status and criteria met, and a sheet
/// `Chỉ tiêu` with the indicators (values and results for one unit; for a roll-up, how many
/// units each indicator holds back).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %unit_code, set = %set_id, year))]
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
