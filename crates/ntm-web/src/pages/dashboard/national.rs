//! `GET /dashboard` and `GET /dashboard.xlsx`: the national dashboard (country → provinces →
//! communes) for a country-wide account, from `ntm_app::dashboard::national_dashboard` (one
//! call); the provinces table sorts by links as a province's tables do, each province links
//! to its dashboard. Numbers and dates are formatted in the template by the askama filters
//! (`whole`, `decimal`, `date`).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use ntm_app::criteria_sets::VersionUsed;
use ntm_app::dashboard::{BlockingRow, NationalDashboard, NationalQuery, sort_provinces};
use ntm_app::exports::{SortKey, bucket_label};
use ntm_domain::criteria::Bucket;

use super::charts::{blocking_chart, buckets_chart};
use super::labels::{headers, sort_params};
use super::load::{BLOCKING_SHOWN, DashboardParams, chosen, dashboard_error};
use super::views::{Choice, SortHeader};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::download::{XLSX, attachment};
use crate::view::{filters, html};

/// One bucket row: confirmed and provisional counts.
#[derive(Debug, Clone)]
pub struct BucketRow {
    pub label: String,
    pub count: u32,
    pub provisional: u32,
}

#[derive(Template)]
#[template(path = "national_dashboard.html")]
pub struct NationalPage {
    pub ctx: Ctx,
    pub d: NationalDashboard,
    pub set_title: String,
    pub buckets: Vec<BucketRow>,
    pub bucket_chart: String,
    pub blocking: Vec<BlockingRow>,
    pub blocking_more: String,
    pub blocking_chart: String,
    pub province_headers: Vec<SortHeader>,
    pub years: Vec<Choice>,
    pub sets: Vec<Choice>,
    pub sort: String,
    pub dir: String,
    /// "Đang cập nhật": the time of the figures shown while a province is recomputed.
    pub updating_since: Option<String>,
    /// Meanwhile, the provinces done ("Đã cập nhật 40/63 tỉnh, thành phố.").
    pub updating_progress: Option<String>,
}

impl NationalPage {
    /// The province's dashboard for the same set and year.
    pub fn province_href(&self, code: &str) -> String {
        Urls::dashboard(code, &self.d.set.id, self.d.year)
    }

    /// The workbook, sorted as shown.
    pub fn xlsx(&self) -> String {
        Urls::national_dashboard_xlsx(&self.d.set.id, self.d.year, (&self.sort, &self.dir))
    }

    /// A province's own version in the page's language.
    pub fn version_text<'a>(&self, v: &'a VersionUsed) -> &'a str {
        if self.ctx.lang.code() == "en" {
            &v.text_en
        } else {
            &v.text_vi
        }
    }

    /// "63 tỉnh, thành phố trước ngày 01/07/2025 (xã thuộc huyện)." or the 34 after it: the
    /// structure of the year.
    pub fn structure(&self) -> String {
        let key = if self.d.units_on < time::macros::date!(2025 - 07 - 01) {
            "national-structure-before"
        } else {
            "national-structure-after"
        };
        self.ctx.t_count(key, self.d.provinces.len())
    }

    pub fn met_pct(&self) -> f64 {
        self.d.tally.met_pct()
    }
}

fn build(ctx: Ctx, mut d: NationalDashboard, key: SortKey, desc: bool) -> NationalPage {
    let lang = ctx.lang;
    sort_provinces(&mut d.provinces, key, desc);
    let set_title = lang
        .pick(&d.set.title_vi, d.set.title_en.as_deref())
        .to_string();
    let bucket_rows = |b: &[Bucket], p: &[Bucket]| -> Vec<BucketRow> {
        b.iter()
            .zip(p)
            .map(|(b, p)| BucketRow {
                label: bucket_label(b.min, b.max),
                count: b.count,
                provisional: p.count,
            })
            .collect()
    };
    let buckets = bucket_rows(&d.buckets, &d.buckets_no_known_shortfall);
    let bucket_chart = buckets_chart(
        lang,
        d.buckets_no_known_shortfall
            .iter()
            .map(|b| (b.min, b.max, b.count)),
        d.criteria_total,
    );
    let blocking_chart = blocking_chart(
        lang,
        d.blocking
            .iter()
            .map(|b| (b.code.clone(), b.not_met + b.missing)),
    );
    let blocking_more = if d.blocking.len() > BLOCKING_SHOWN {
        lang.t_count(
            "dashboard-blocking-more",
            (d.blocking.len() - BLOCKING_SHOWN) as i64,
        )
    } else {
        String::new()
    };
    let blocking = d.blocking.iter().take(BLOCKING_SHOWN).cloned().collect();
    let base = Urls::national_dashboard(&d.set.id, d.year);
    let province_headers = headers(
        lang,
        &base,
        "provinces",
        &[
            (SortKey::Name, "national-col-province"),
            (SortKey::Status, "dashboard-col-pct"),
            (SortKey::Criteria, "dashboard-col-avg"),
        ],
        key,
        desc,
    );
    let years = d
        .years
        .iter()
        .map(|y| Choice {
            value: y.to_string(),
            label: y.to_string(),
            selected: *y == d.year,
        })
        .collect();
    let sets = d
        .sets
        .iter()
        .map(|s| Choice {
            value: s.id.clone(),
            label: lang.pick(&s.title_vi, s.title_en.as_deref()).to_string(),
            selected: s.id == d.set.id,
        })
        .collect();
    NationalPage {
        set_title,
        buckets,
        bucket_chart,
        blocking,
        blocking_more,
        blocking_chart,
        province_headers,
        years,
        sets,
        sort: if key == SortKey::Code {
            String::new()
        } else {
            key.as_str().to_string()
        },
        dir: if desc { "desc".into() } else { "asc".into() },
        updating_since: d.updating_since.map(crate::view::format::time_date),
        updating_progress: d.updating_provinces.map(|(done, total)| {
            super::page::progress(lang, "national-updating-progress", done, total)
        }),
        d,
        ctx,
    }
}

fn query<'p>(set: Option<&'p str>, year: Option<i32>, from_form: bool) -> NationalQuery<'p> {
    NationalQuery {
        set,
        year,
        from_form,
    }
}

pub async fn national_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<DashboardParams>,
) -> Result<Response, WebError> {
    let (key, desc) = sort_params(&p)?;
    let (set, year, from_form) = chosen(&ctx, &p)?;
    let q = query(set, year, from_form);
    match ntm_app::dashboard::national_dashboard(&st.app, &ctx.actor(), q).await {
        Ok(d) => html(&build(ctx, d, key, desc)),
        Err(e) => Err(dashboard_error(e, &p, "")),
    }
}

pub async fn national_xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<DashboardParams>,
) -> Result<Response, WebError> {
    let (key, desc) = sort_params(&p)?;
    let (set, year, from_form) = chosen(&ctx, &p)?;
    let q = query(set, year, from_form);
    match ntm_app::exports::national_xlsx(&st.app, &ctx.actor(), q, key, desc).await {
        Ok(f) => Ok(attachment(f.bytes, XLSX, &f.file_name)),
        Err(e) => Err(dashboard_error(e, &p, "")),
    }
}
