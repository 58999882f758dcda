//! The national dashboard's tables as XLSX (`GET /dashboard.xlsx`): the country's summary,
//! its buckets and blocking indicators, and the provinces table sorted as the page is;
//! Vietnamese headers, numbers as vi-VN text, as the province dashboard's workbook.

use ntm_reports::TableSheet;

use super::dashboard::{blocking_sheet, bucket_label, s, vi_num};
use super::{Download, SortKey, file_safe, write_error};
use crate::dashboard::{NationalDashboard, NationalQuery, national_dashboard, pct, sort_provinces};
use crate::{Actor, App, AppError};

/// The national dashboard of the set and year asked for (defaults and permission as
/// [`national_dashboard`]: a country-wide grant) as a workbook, the provinces sorted by
/// `sort`.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), set = ?q.set, year = ?q.year))]
pub async fn national_xlsx(
    app: &App,
    actor: &Actor,
    q: NationalQuery<'_>,
    sort: SortKey,
    desc: bool,
) -> Result<Download, AppError> {
    let mut d = national_dashboard(app, actor, q).await?;
    sort_provinces(&mut d.provinces, sort, desc);
    let bytes = ntm_reports::write_sheets(&sheets(&d)).map_err(write_error)?;
    Ok(Download {
        file_name: format!(
            "dashboard-toan-quoc-{}-{}.xlsx",
            file_safe(&d.set.id),
            d.year
        ),
        bytes,
    })
}

/// The sheets "Tỉnh" (the provinces), "Tổng hợp", "Phân nhóm", "Chỉ tiêu vướng".
fn sheets(d: &NationalDashboard) -> Vec<TableSheet> {
    let int = |n: u32| n.to_string();
    let pct_vi = |a: u32, b: u32| vi_num(pct(a, b));
    let t = &d.tally;
    let provinces = TableSheet {
        name: "Tỉnh".into(),
        header: s(&[
            "Mã tỉnh",
            "Tên tỉnh",
            "Số xã đạt",
            "Số xã đánh giá",
            "Tỷ lệ đạt (%)",
            "Số xã tạm đạt",
            "Số xã cần xác minh",
            "Số xã chưa đạt",
            "Số xã thiếu số liệu",
            "Bình quân tiêu chí đạt/xã",
            "Số xã không phát hiện chỉ tiêu chưa đạt (chờ xác nhận ngưỡng)",
            "Bình quân tiêu chí tạm tính/xã",
            "Ghi chú",
        ]),
        rows: d
            .provinces
            .iter()
            .map(|p| {
                let t = &p.tally;
                vec![
                    p.code.clone(),
                    p.name.clone(),
                    int(t.met),
                    int(t.units),
                    pct_vi(t.met, t.units),
                    int(t.met_tentative),
                    int(t.needs_verification),
                    int(t.not_met),
                    int(t.missing),
                    vi_num(t.avg_criteria_met),
                    int(t.no_known_shortfall),
                    vi_num(t.avg_criteria_no_known_shortfall),
                    p.own_version
                        .as_ref()
                        .map(|v| format!("Bộ tiêu chí của tỉnh: {}", v.text_vi))
                        .unwrap_or_default(),
                ]
            })
            .collect(),
    };
    let summary = TableSheet {
        name: "Tổng hợp".into(),
        header: s(&[
            "Mã bộ tiêu chí",
            "Bộ tiêu chí",
            "Năm",
            "Số tỉnh",
            "Số xã đạt",
            "Số xã đánh giá",
            "Tỷ lệ đạt (%)",
            "Số xã tạm đạt",
            "Số xã cần xác minh",
            "Số xã chưa đạt",
            "Số xã thiếu số liệu",
            "Bình quân tiêu chí đạt/xã",
            "Số xã không phát hiện chỉ tiêu chưa đạt (chờ xác nhận ngưỡng)",
            "Bình quân tiêu chí tạm tính/xã",
        ]),
        rows: vec![vec![
            d.set.id.clone(),
            d.set.title_vi.clone(),
            d.year.to_string(),
            d.provinces.len().to_string(),
            int(t.met),
            int(t.units),
            pct_vi(t.met, t.units),
            int(t.met_tentative),
            int(t.needs_verification),
            int(t.not_met),
            int(t.missing),
            vi_num(t.avg_criteria_met),
            int(t.no_known_shortfall),
            vi_num(t.avg_criteria_no_known_shortfall),
        ]],
    };
    let buckets = TableSheet {
        name: "Phân nhóm".into(),
        header: s(&[
            "Số tiêu chí đạt",
            "Số xã",
            "Số xã (tạm tính, ngưỡng chưa xác nhận)",
        ]),
        rows: d
            .buckets
            .iter()
            .zip(&d.buckets_no_known_shortfall)
            .map(|(b, p)| vec![bucket_label(b.min, b.max), int(b.count), int(p.count)])
            .collect(),
    };
    let blocking = blocking_sheet("Chỉ tiêu vướng".into(), &d.blocking);
    vec![provinces, summary, buckets, blocking]
}
