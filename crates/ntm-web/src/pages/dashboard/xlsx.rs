//! `GET /units/{code}/dashboard.xlsx`: the dashboard's tables as XLSX.

use super::*;

/// Names of the tables, in workbook order: (`table=` value, sheet name).
pub const TABLES: [(&str, &str); 6] = [
    ("summary", "Tổng hợp"),
    ("buckets", "Phân nhóm"),
    ("blocking", "Chỉ tiêu vướng"),
    ("units", "Huyện"),
    ("communes", "Xã"),
    ("trend", "Qua các năm"),
];

pub(super) fn vi_num(v: f64) -> String {
    number(Lang::Vi, v, 1)
}

pub(super) fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

/// The dashboard's tables as sheets (Vietnamese headers; numbers as vi-VN text).
pub fn sheets(d: &Dashboard) -> Vec<TableSheet> {
    let int = |n: u32| n.to_string();
    let pct_vi = |a: u32, b: u32| vi_num(pct(a, b));
    let summary = TableSheet {
        name: TABLES[0].1.into(),
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
        name: TABLES[1].1.into(),
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
    let blocking = TableSheet {
        name: TABLES[2].1.into(),
        header: s(&[
            "Mã chỉ tiêu",
            "Tên chỉ tiêu",
            "Số xã chưa đạt",
            "Số xã thiếu số liệu",
        ]),
        rows: d
            .blocking
            .iter()
            .map(|b| {
                vec![
                    b.code.clone(),
                    b.name_vi.clone(),
                    int(b.not_met),
                    int(b.missing),
                ]
            })
            .collect(),
    };
    let units = TableSheet {
        name: TABLES[3].1.into(),
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
        name: TABLES[4].1.into(),
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
                    status_label(Lang::Vi, c.status),
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
        name: TABLES[5].1.into(),
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

pub async fn dashboard_xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<DashboardParams>,
) -> Result<Response, WebError> {
    let (key, desc) = sort_params(&p)?;
    let table = p.table.as_deref().map(str::trim).unwrap_or_default();
    let wanted = if table.is_empty() {
        None
    } else {
        match TABLES.iter().position(|(t, _)| *t == table) {
            Some(i) => Some(i),
            None => {
                return Err(bad_request(
                    "table",
                    format!(
                        "table must be one of {}, not \"{table}\"",
                        TABLES.map(|t| t.0).join(", ")
                    ),
                    "dashboard-error-table",
                    table,
                ));
            }
        }
    };
    let mut d = match load(&st, &ctx, &code, &p).await? {
        Ok(d) => d,
        Err(redirect) => return Ok(redirect),
    };
    sort_districts(&mut d.districts, key, desc);
    sort_communes(&mut d.communes, key, desc);
    let mut all = sheets(&d);
    if d.districts.is_empty() && wanted.is_none() {
        all.remove(3);
    }
    let chosen: Vec<TableSheet> = match wanted {
        Some(i) => vec![sheets(&d).swap_remove(i)],
        None => all,
    };
    let bytes =
        ntm_reports::write_sheets(&chosen).map_err(|e| WebError::internal(e.to_string()))?;
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    let safe = |x: &str| -> String {
        x.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect()
    };
    let file = format!(
        "attachment; filename=\"dashboard-{}-{}-{}{}.xlsx\"",
        safe(&d.unit.code),
        safe(&d.evaluation.set.id),
        d.year,
        if table.is_empty() {
            String::new()
        } else {
            format!("-{}", safe(table))
        }
    );
    if let Ok(v) = HeaderValue::from_str(&file) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
