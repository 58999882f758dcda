//! The dashboard's tables as XLSX (`GET /units/{code}/dashboard.xlsx`, `ntm export
//! dashboard`): Vietnamese headers, numbers as vi-VN text, sorted as the page is.

use ntm_domain::criteria::Status;
use ntm_reports::TableSheet;

use super::{Download, file_safe, write_error};
use crate::dashboard::{CommuneRow, Dashboard, DashboardTarget, DistrictRow, pct};
use crate::{Actor, App, AppError};

/// One table of the dashboard, in workbook order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DashboardTable {
    Summary,
    Buckets,
    Blocking,
    Units,
    Communes,
    Trend,
}

impl DashboardTable {
    pub const ALL: [DashboardTable; 6] = [
        DashboardTable::Summary,
        DashboardTable::Buckets,
        DashboardTable::Blocking,
        DashboardTable::Units,
        DashboardTable::Communes,
        DashboardTable::Trend,
    ];

    /// The `table=` value: `summary`, `buckets`, `blocking`, `units`, `communes`, `trend`.
    pub fn as_str(self) -> &'static str {
        match self {
            DashboardTable::Summary => "summary",
            DashboardTable::Buckets => "buckets",
            DashboardTable::Blocking => "blocking",
            DashboardTable::Units => "units",
            DashboardTable::Communes => "communes",
            DashboardTable::Trend => "trend",
        }
    }

    /// The sheet's name.
    pub fn sheet_name(self) -> &'static str {
        match self {
            DashboardTable::Summary => "Tổng hợp",
            DashboardTable::Buckets => "Phân nhóm",
            DashboardTable::Blocking => "Chỉ tiêu vướng",
            DashboardTable::Units => "Huyện",
            DashboardTable::Communes => "Xã",
            DashboardTable::Trend => "Qua các năm",
        }
    }

    pub fn parse(s: &str) -> Option<DashboardTable> {
        DashboardTable::ALL.into_iter().find(|t| t.as_str() == s)
    }

    fn index(self) -> usize {
        DashboardTable::ALL
            .iter()
            .position(|t| *t == self)
            .unwrap_or_default()
    }
}

/// Column the unit tables are sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Code,
    Name,
    Criteria,
    Status,
}

impl SortKey {
    pub fn as_str(self) -> &'static str {
        match self {
            SortKey::Code => "code",
            SortKey::Name => "name",
            SortKey::Criteria => "criteria",
            SortKey::Status => "status",
        }
    }

    /// Direction when the column is first chosen: most criteria / best status first.
    pub fn default_desc(self) -> bool {
        matches!(self, SortKey::Criteria)
    }
}

fn status_rank(s: Status) -> u8 {
    match s {
        Status::Met => 0,
        Status::NeedsVerification => 1,
        Status::NotMet => 2,
        Status::Missing => 3,
    }
}

/// Sorts communes in place.
pub fn sort_communes(rows: &mut [CommuneRow], key: SortKey, desc: bool) {
    rows.sort_by(|a, b| {
        let o = match key {
            SortKey::Code => a.code.cmp(&b.code),
            SortKey::Name => ntm_domain::text::search_key(&a.name)
                .cmp(&ntm_domain::text::search_key(&b.name))
                .then(a.name.cmp(&b.name)),
            SortKey::Criteria => a.criteria_met.cmp(&b.criteria_met).then(
                a.criteria_no_known_shortfall
                    .cmp(&b.criteria_no_known_shortfall),
            ),
            SortKey::Status => status_rank(a.status)
                .cmp(&status_rank(b.status))
                .then(b.no_known_shortfall.cmp(&a.no_known_shortfall))
                .then(b.criteria_met.cmp(&a.criteria_met))
                .then(
                    b.criteria_no_known_shortfall
                        .cmp(&a.criteria_no_known_shortfall),
                ),
        };
        let o = if desc { o.reverse() } else { o };
        o.then(a.code.cmp(&b.code))
    });
}

/// Sorts districts in place (status: share of communes meeting).
pub fn sort_districts(rows: &mut [DistrictRow], key: SortKey, desc: bool) {
    rows.sort_by(|a, b| {
        let o = match key {
            SortKey::Code => a.code.cmp(&b.code),
            SortKey::Name => {
                ntm_domain::text::search_key(&a.name).cmp(&ntm_domain::text::search_key(&b.name))
            }
            SortKey::Criteria => a.avg_criteria_met.total_cmp(&b.avg_criteria_met).then(
                a.avg_criteria_no_known_shortfall
                    .total_cmp(&b.avg_criteria_no_known_shortfall),
            ),
            // Best first when ascending, as for communes.
            SortKey::Status => b.met_pct().total_cmp(&a.met_pct()),
        };
        let o = if desc { o.reverse() } else { o };
        o.then(a.code.cmp(&b.code))
    });
}

/// What to export: the set and year (defaults as the page chooses them), one table or all,
/// and the order of the unit tables.
#[derive(Debug, Clone, Copy)]
pub struct DashboardExport<'a> {
    pub set: Option<&'a str>,
    pub year: Option<i32>,
    pub table: Option<DashboardTable>,
    pub sort: SortKey,
    pub desc: bool,
}

/// The workbook, or, for a unit of the set's own level (a commune), its scorecard instead.
#[derive(Debug, Clone)]
pub enum DashboardXlsx {
    File(Download),
    Scorecard {
        code: String,
        set_id: String,
        year: i32,
    },
}

/// The dashboard of `code` as XLSX: every table (the district table only when the unit has
/// districts) or the one asked for. Permission as [`crate::dashboard::dashboard`]: a login
/// and a scope covering the unit.
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code))]
pub async fn dashboard_xlsx(
    app: &App,
    actor: &Actor,
    code: &str,
    q: &DashboardExport<'_>,
) -> Result<DashboardXlsx, AppError> {
    let mut d = match crate::dashboard::dashboard(app, actor, code, q.set, q.year).await? {
        DashboardTarget::Dashboard(d) => d,
        DashboardTarget::Scorecard { code, set_id, year } => {
            return Ok(DashboardXlsx::Scorecard { code, set_id, year });
        }
    };
    sort_districts(&mut d.districts, q.sort, q.desc);
    sort_communes(&mut d.communes, q.sort, q.desc);
    let mut all = sheets(&d);
    let chosen: Vec<TableSheet> = match q.table {
        Some(t) => vec![all.swap_remove(t.index())],
        None => {
            if d.districts.is_empty() {
                all.remove(DashboardTable::Units.index());
            }
            all
        }
    };
    let bytes = ntm_reports::write_sheets(&chosen).map_err(write_error)?;
    let file_name = format!(
        "dashboard-{}-{}-{}{}.xlsx",
        file_safe(&d.unit.code),
        file_safe(&d.evaluation.set.id),
        d.year,
        q.table
            .map(|t| format!("-{}", t.as_str()))
            .unwrap_or_default()
    );
    Ok(DashboardXlsx::File(Download { file_name, bytes }))
}

/// vi-VN with one decimal (a non-finite value as 0).
pub(super) fn vi_num(v: f64) -> String {
    let v = if v.is_finite() { v } else { 0.0 };
    ntm_domain::text::format_number_vi(v, 1)
}

pub(super) fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

/// The dashboard page's words for a commune's result.
fn status_vi(s: Status) -> &'static str {
    match s {
        Status::Met => "Đạt",
        Status::NotMet => "Chưa đạt",
        Status::Missing => "Thiếu số liệu",
        Status::NeedsVerification => "Cần xác minh",
    }
}

/// "12" or "10–14": a bucket of criteria met.
pub fn bucket_label(min: u16, max: u16) -> String {
    if min == max {
        min.to_string()
    } else {
        format!("{min}–{max}")
    }
}

/// The dashboard's tables as sheets, in [`DashboardTable::ALL`] order.
fn sheets(d: &Dashboard) -> Vec<TableSheet> {
    let int = |n: u32| n.to_string();
    let pct_vi = |a: u32, b: u32| vi_num(pct(a, b));
    let name = |t: DashboardTable| t.sheet_name().to_string();
    let summary = TableSheet {
        name: name(DashboardTable::Summary),
        header: s(&[
            "Mã bộ tiêu chí",
            "Bộ tiêu chí",
            "Số xã đạt",
            "Số xã đánh giá",
            "Tỷ lệ đạt (%)",
            "Số xã tạm đạt",
            "Số xã cần xác minh",
            "Số xã không phát hiện chỉ tiêu chưa đạt (chờ xác nhận ngưỡng)",
            "Ghi chú",
        ]),
        rows: d
            .summaries
            .iter()
            .map(|x| match &x.tally {
                Some(t) => vec![
                    x.set.id.clone(),
                    x.set.title_vi.clone(),
                    int(t.met),
                    int(t.units),
                    pct_vi(t.met, t.units),
                    int(t.met_tentative),
                    int(t.needs_verification),
                    int(t.no_known_shortfall),
                    String::new(),
                ],
                None => vec![
                    x.set.id.clone(),
                    x.set.title_vi.clone(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    x.error.clone().unwrap_or_default(),
                ],
            })
            .collect(),
    };
    let buckets = TableSheet {
        name: name(DashboardTable::Buckets),
        header: s(&[
            "Số tiêu chí đạt",
            "Số xã",
            "Số xã (tạm tính, ngưỡng chưa xác nhận)",
        ]),
        rows: d
            .rollup
            .buckets
            .iter()
            .zip(&d.rollup.buckets_no_known_shortfall)
            .map(|(b, p)| vec![bucket_label(b.min, b.max), int(b.count), int(p.count)])
            .chain(std::iter::once(vec![
                "Bình quân tiêu chí đạt/xã".to_string(),
                vi_num(d.tally.avg_criteria_met),
                vi_num(d.tally.avg_criteria_no_known_shortfall),
            ]))
            .collect(),
    };
    let blocking = blocking_sheet(name(DashboardTable::Blocking), &d.blocking);
    let units = TableSheet {
        name: name(DashboardTable::Units),
        header: s(&[
            "Mã huyện",
            "Tên huyện",
            "Số xã đạt",
            "Số xã đánh giá",
            "Tỷ lệ đạt (%)",
            "Bình quân tiêu chí đạt/xã",
            "Số xã không phát hiện chỉ tiêu chưa đạt (chờ xác nhận ngưỡng)",
            "Bình quân tiêu chí tạm tính/xã",
        ]),
        rows: d
            .districts
            .iter()
            .map(|x| {
                vec![
                    x.code.clone(),
                    x.name.clone(),
                    int(x.met),
                    int(x.units),
                    pct_vi(x.met, x.units),
                    vi_num(x.avg_criteria_met),
                    int(x.no_known_shortfall),
                    vi_num(x.avg_criteria_no_known_shortfall),
                ]
            })
            .collect(),
    };
    let communes = TableSheet {
        name: name(DashboardTable::Communes),
        header: s(&[
            "Mã xã",
            "Tên xã",
            "Huyện",
            "Kết quả",
            "Số tiêu chí đạt",
            "Tổng số tiêu chí",
            "Số tiêu chí tạm tính (ngưỡng chưa xác nhận)",
            "Không phát hiện chỉ tiêu chưa đạt (chờ xác nhận ngưỡng)",
        ]),
        rows: d
            .communes
            .iter()
            .map(|c| {
                vec![
                    c.code.clone(),
                    c.name.clone(),
                    c.district_name.clone().unwrap_or_default(),
                    status_vi(c.status).to_string(),
                    c.criteria_met.to_string(),
                    d.criteria_total.to_string(),
                    c.criteria_no_known_shortfall.to_string(),
                    if c.no_known_shortfall {
                        "Có"
                    } else {
                        "Không"
                    }
                    .to_string(),
                ]
            })
            .collect(),
    };
    let trend = TableSheet {
        name: name(DashboardTable::Trend),
        header: s(&[
            "Năm",
            "Số xã đạt",
            "Số xã đánh giá",
            "Tỷ lệ đạt (%)",
            "Số xã tạm đạt",
            "Số xã không phát hiện chỉ tiêu chưa đạt (chờ xác nhận ngưỡng)",
        ]),
        rows: d
            .trend
            .iter()
            .map(|p| match &p.tally {
                Some(t) => vec![
                    p.year.to_string(),
                    int(t.met),
                    int(t.units),
                    pct_vi(t.met, t.units),
                    int(t.met_tentative),
                    int(t.no_known_shortfall),
                ],
                None => vec![
                    p.year.to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ],
            })
            .collect(),
    };
    vec![summary, buckets, blocking, units, communes, trend]
}

/// The sheet of the indicators blocking most communes (a province's and the national
/// workbook).
pub(super) fn blocking_sheet(
    name: String,
    blocking: &[crate::dashboard::BlockingRow],
) -> TableSheet {
    TableSheet {
        name,
        header: s(&[
            "Mã chỉ tiêu",
            "Tên chỉ tiêu",
            "Số xã chưa đạt",
            "Số xã thiếu số liệu",
        ]),
        rows: blocking
            .iter()
            .map(|b| {
                vec![
                    b.code.clone(),
                    b.name_vi.clone(),
                    b.not_met.to_string(),
                    b.missing.to_string(),
                ]
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commune(code: &str, name: &str, status: Status, criteria_met: u16) -> CommuneRow {
        CommuneRow {
            code: code.into(),
            name: name.into(),
            district_code: None,
            district_name: None,
            status,
            criteria_met,
            criteria_no_known_shortfall: criteria_met,
            no_known_shortfall: status == Status::Met,
        }
    }

    #[test]
    fn communes_sort_by_each_column() {
        let mut rows = vec![
            commune("3", "Xã Đa Lộc", Status::Missing, 2),
            commune("1", "Xã Ân Thạnh", Status::NeedsVerification, 9),
            commune("2", "Xã Bình Phú", Status::Met, 19),
        ];
        let codes = |r: &[CommuneRow]| r.iter().map(|c| c.code.clone()).collect::<Vec<_>>();
        sort_communes(&mut rows, SortKey::Name, false);
        assert_eq!(codes(&rows), ["1", "2", "3"]);
        sort_communes(&mut rows, SortKey::Criteria, true);
        assert_eq!(codes(&rows), ["2", "1", "3"]);
        sort_communes(&mut rows, SortKey::Status, false);
        assert_eq!(codes(&rows), ["2", "1", "3"]);
        sort_communes(&mut rows, SortKey::Status, true);
        assert_eq!(codes(&rows), ["3", "1", "2"]);
        sort_communes(&mut rows, SortKey::Code, false);
        assert_eq!(codes(&rows), ["1", "2", "3"]);
    }

    #[test]
    fn tables_parse_by_name_in_workbook_order() {
        let names: Vec<&str> = DashboardTable::ALL.iter().map(|t| t.as_str()).collect();
        assert_eq!(
            names,
            [
                "summary", "buckets", "blocking", "units", "communes", "trend"
            ]
        );
        assert_eq!(
            DashboardTable::parse("blocking"),
            Some(DashboardTable::Blocking)
        );
        assert_eq!(DashboardTable::parse("Blocking"), None);
        assert_eq!(DashboardTable::Units.index(), 3);
    }
}
