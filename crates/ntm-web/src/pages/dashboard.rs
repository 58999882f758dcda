//! District and province dashboards (`GET /units/{code}/dashboard?set=&year=&sort=&dir=`) and
//! their tables as XLSX (`GET /units/{code}/dashboard.xlsx?set=&year=&table=`).
//!
//! Built on `ntm_app::dashboard::dashboard` (which evaluates with `ntm_app::criteria::evaluate`,
//! so figures are that use case's roll-ups). Charts are SVG drawn here ([`crate::charts`]); each
//! chart has the same numbers in a table. Sorting is plain links (`?sort=name|criteria|status`,
//! `&dir=asc|desc`), no JavaScript. A commune has a scorecard instead: its dashboard URL
//! redirects there.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::dashboard::{
    CommuneRow, Dashboard, DashboardTarget, DistrictRow, Tally, TrendPoint, pct,
};
use ntm_domain::criteria::Status;
use ntm_reports::TableSheet;
use serde::Deserialize;

use crate::charts::{Bar, hbar_chart, number, vbar_chart};
use crate::ctx::{Ctx, url_encode};
use crate::error::{ErrorInfo, ErrorKind, WebError};
use crate::i18n::Lang;
use crate::request::parse_year;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::{html, level_label};

/// How many blocking indicators the page shows (the XLSX has them all).
const BLOCKING_SHOWN: usize = 15;
/// How many of them the chart draws.
const BLOCKING_CHARTED: usize = 10;

#[derive(Debug, Default, Deserialize)]
pub struct DashboardParams {
    pub set: Option<String>,
    pub year: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
    /// XLSX: one table only (`summary`, `buckets`, `blocking`, `units`, `communes`, `trend`).
    pub table: Option<String>,
    /// `form` when sent by the page's form: a set not in force in the chosen year then
    /// gives way to the commune NTM set of that year instead of an error.
    pub from: Option<String>,
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
    fn parse(s: Option<&str>) -> Result<SortKey, WebError> {
        match s.map(str::trim).unwrap_or_default() {
            "" | "code" => Ok(SortKey::Code),
            "name" => Ok(SortKey::Name),
            "criteria" => Ok(SortKey::Criteria),
            "status" => Ok(SortKey::Status),
            other => Err(bad_request(
                "sort",
                format!("sort must be code, name, criteria or status, not \"{other}\""),
                "dashboard-error-sort",
                other,
            )),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            SortKey::Code => "code",
            SortKey::Name => "name",
            SortKey::Criteria => "criteria",
            SortKey::Status => "status",
        }
    }

    /// Direction when the column is first chosen: most criteria / best status first.
    fn default_desc(self) -> bool {
        matches!(self, SortKey::Criteria)
    }
}

fn bad_request(field: &str, detail: String, key: &'static str, value: &str) -> WebError {
    let mut e = ErrorInfo::new(ErrorKind::BadRequest);
    e.fields = vec![ntm_app::FieldError::new(field, detail.clone())];
    e.detail = Some(detail);
    e.message = Some((key, value.to_string()));
    WebError(e)
}

/// Maps the use case's errors: a bad set, year or unit is a 400 with a clear message.
fn dashboard_error(e: AppError, p: &DashboardParams, code: &str) -> WebError {
    match e {
        AppError::Validation(fields) => {
            let field = fields.first().map(|f| f.field.clone()).unwrap_or_default();
            let detail = fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message))
                .collect::<Vec<_>>()
                .join("; ");
            let (key, value) = match field.as_str() {
                "set" => ("dashboard-error-set", p.set.clone().unwrap_or_default()),
                "unit" => ("dashboard-error-unit", code.to_string()),
                _ => (
                    "dashboard-error-year",
                    p.year.clone().unwrap_or_else(|| "—".into()),
                ),
            };
            let mut info = ErrorInfo::new(ErrorKind::BadRequest);
            info.detail = Some(detail);
            info.fields = fields;
            info.message = Some((key, value));
            WebError(info)
        }
        AppError::NotFound(_) => WebError::from(e).with_message("error-unit-not-found", code),
        e => e.into(),
    }
}

async fn load(
    st: &AppState,
    ctx: &Ctx,
    code: &str,
    p: &DashboardParams,
) -> Result<Result<Box<Dashboard>, Response>, WebError> {
    ctx.require_user()?;
    let year = parse_year(p.year.as_deref())
        .map_err(|e| bad_request("year", e.detail(), "dashboard-error-bad-year", &e.0))?;
    let mut set = p.set.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if let (Some(s), Some(y), Some("form")) = (set, year, p.from.as_deref())
        && !ntm_app::dashboard::commune_sets(&st.app, y)
            .iter()
            .any(|x| x.id == s)
    {
        set = None;
    }
    match ntm_app::dashboard::dashboard(&st.app, &ctx.actor(), code, set, year).await {
        Ok(DashboardTarget::Dashboard(d)) => Ok(Ok(d)),
        Ok(DashboardTarget::Scorecard { code, set_id, year }) => Ok(Err(Redirect::to(
            &Urls::scorecard(&code, &set_id, year),
        )
        .into_response())),
        Err(e) => Err(dashboard_error(e, p, code)),
    }
}

// ---------------------------------------------------------------- view models

#[derive(Debug, Clone)]
pub struct SummaryView {
    pub id: String,
    pub title: String,
    pub href: String,
    pub current: bool,
    pub met: String,
    pub units: String,
    pub pct: String,
    pub tentative: String,
    pub needs_verification: String,
    /// Communes with no known shortfall (pending confirmation of thresholds).
    pub no_shortfall: String,
    pub error: Option<String>,
}

#[derive(Debug, Clone)]
pub struct CountRow {
    pub label: String,
    pub count: String,
    /// Communes in the bucket by criteria with no known shortfall ("tạm tính").
    pub provisional: String,
}

#[derive(Debug, Clone)]
pub struct BlockingView {
    pub code: String,
    pub name: String,
    pub not_met: String,
    pub missing: String,
}

#[derive(Debug, Clone)]
pub struct DistrictView {
    pub code: String,
    pub name: String,
    pub href: String,
    pub met: String,
    pub units: String,
    pub pct: String,
    pub avg: String,
    pub no_shortfall: String,
    pub avg_provisional: String,
}

#[derive(Debug, Clone)]
pub struct CommuneView {
    pub code: String,
    pub name: String,
    pub href: String,
    pub district: String,
    pub status: String,
    pub status_class: &'static str,
    pub criteria: String,
    /// Criteria with no known shortfall, shown beside the confirmed count when larger.
    pub provisional: Option<String>,
    pub no_shortfall: bool,
}

#[derive(Debug, Clone)]
pub struct TrendView {
    pub year: i32,
    pub available: bool,
    pub met: String,
    pub tentative: String,
    pub no_shortfall: String,
    pub units: String,
    pub pct: String,
}

/// A sortable column header.
#[derive(Debug, Clone)]
pub struct SortHeader {
    pub label: String,
    pub href: String,
    /// `ascending` / `descending` on the sorted column, empty elsewhere.
    pub aria_sort: &'static str,
    pub arrow: &'static str,
}

#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    pub ctx: Ctx,
    pub code: String,
    pub name: String,
    pub level: String,
    pub unit_href: String,
    pub year: i32,
    pub set_id: String,
    pub set_title: String,
    pub units_on: String,
    pub provincial_note: Option<String>,
    /// The version evaluated, in the page's language.
    pub version_used: String,
    pub summary_title: String,
    pub summaries: Vec<SummaryView>,
    pub met: String,
    pub units: String,
    pub pct: String,
    pub tentative: String,
    pub needs_verification: String,
    pub not_met: String,
    pub missing: String,
    pub avg: String,
    /// Communes with no known shortfall, pending confirmation of thresholds.
    pub no_shortfall: String,
    /// Average of criteria with no known shortfall ("tạm tính").
    pub avg_provisional: String,
    pub criteria_total: String,
    pub buckets: Vec<CountRow>,
    pub bucket_chart: String,
    pub blocking: Vec<BlockingView>,
    pub blocking_more: String,
    pub blocking_chart: String,
    pub districts: Vec<DistrictView>,
    pub district_headers: Vec<SortHeader>,
    pub communes: Vec<CommuneView>,
    pub commune_headers: Vec<SortHeader>,
    pub has_districts: bool,
    pub trend: Vec<TrendView>,
    /// Some year of the trend could not be evaluated.
    pub trend_gaps: bool,
    pub trend_chart: String,
    pub years: Vec<Choice>,
    pub sets: Vec<Choice>,
    pub sort: String,
    pub dir: String,
    /// `?set=…&year=…` of this dashboard.
    pub base_query: String,
    /// Recognition dossiers of the unit's subtree past a known deadline (for users who may
    /// see them).
    pub overdue_dossiers: Vec<crate::pages::dossiers::DossierRow>,
    /// Units merged into this one ("Trước sáp nhập"), with links to their pages.
    pub history: Vec<crate::pages::history::HistoryItem>,
    /// Communes (code, name) without a commune group, for a set varying by group.
    pub without_group: Vec<(String, String)>,
    /// The page where the province assigns groups.
    pub groups_href: String,
}

impl DashboardPage {
    /// Download link of one table (or of all when `table` is empty).
    pub fn xlsx(&self, table: &str) -> String {
        let mut u = format!("/units/{}/dashboard.xlsx{}", self.code, self.base_query);
        if !self.sort.is_empty() {
            u.push_str(&format!("&sort={}&dir={}", self.sort, self.dir));
        }
        if !table.is_empty() {
            u.push_str(&format!("&table={table}"));
        }
        u
    }
}

fn status_label(lang: Lang, s: Status) -> String {
    lang.t(&format!(
        "dashboard-status-{}",
        s.as_str().replace('_', "-")
    ))
}

fn status_class(s: Status) -> &'static str {
    match s {
        Status::Met => "st-met",
        Status::NotMet => "st-not-met",
        Status::Missing => "st-missing",
        Status::NeedsVerification => "st-verify",
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

fn bucket_label(min: u16, max: u16) -> String {
    if min == max {
        min.to_string()
    } else {
        format!("{min}–{max}")
    }
}

fn pct_text(lang: Lang, part: u32, whole: u32) -> String {
    format!("{} %", number(lang, pct(part, whole), 1))
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

fn query_of(set_id: &str, year: i32) -> String {
    format!("?set={}&year={year}", url_encode(set_id))
}

fn headers(
    lang: Lang,
    base: &str,
    anchor: &str,
    cols: &[(SortKey, &str)],
    key: SortKey,
    desc: bool,
) -> Vec<SortHeader> {
    cols.iter()
        .map(|&(k, label_key)| {
            let active = k == key && key != SortKey::Code;
            let next_desc = if active { !desc } else { k.default_desc() };
            SortHeader {
                label: lang.t(label_key),
                href: format!(
                    "{base}&sort={}&dir={}#{anchor}",
                    k.as_str(),
                    if next_desc { "desc" } else { "asc" }
                ),
                aria_sort: match (active, desc) {
                    (false, _) => "",
                    (true, false) => "ascending",
                    (true, true) => "descending",
                },
                arrow: match (active, desc) {
                    (false, _) => "",
                    (true, false) => "▲",
                    (true, true) => "▼",
                },
            }
        })
        .collect()
}

fn sort_params(p: &DashboardParams) -> Result<(SortKey, bool), WebError> {
    let key = SortKey::parse(p.sort.as_deref())?;
    let desc = match p.dir.as_deref().map(str::trim) {
        None | Some("") => key.default_desc(),
        Some("asc") => false,
        Some("desc") => true,
        Some(other) => {
            return Err(bad_request(
                "dir",
                format!("dir must be asc or desc, not \"{other}\""),
                "dashboard-error-sort",
                other,
            ));
        }
    };
    Ok((key, desc))
}

type TallyTexts = (String, String, String, String, String, String);

fn tally_view(lang: Lang, t: &Tally) -> TallyTexts {
    (
        lang.int(i64::from(t.met)),
        lang.int(i64::from(t.units)),
        pct_text(lang, t.met, t.units),
        lang.int(i64::from(t.met_tentative)),
        lang.int(i64::from(t.needs_verification)),
        lang.int(i64::from(t.no_known_shortfall)),
    )
}

fn trend_view(lang: Lang, p: &TrendPoint) -> TrendView {
    match &p.tally {
        Some(t) => TrendView {
            year: p.year,
            available: true,
            met: lang.int(i64::from(t.met)),
            tentative: lang.int(i64::from(t.met_tentative)),
            no_shortfall: lang.int(i64::from(t.no_known_shortfall)),
            units: lang.int(i64::from(t.units)),
            pct: pct_text(lang, t.met, t.units),
        },
        None => TrendView {
            year: p.year,
            available: false,
            met: "—".into(),
            tentative: "—".into(),
            no_shortfall: "—".into(),
            units: "—".into(),
            pct: "—".into(),
        },
    }
}

fn build_page(ctx: Ctx, mut d: Dashboard, key: SortKey, desc: bool) -> DashboardPage {
    let lang = ctx.lang;
    let set_id = d.evaluation.set.id.clone();
    let year = d.year;
    let base_query = query_of(&set_id, year);
    let base = format!("/units/{}/dashboard{base_query}", d.unit.code);
    let scorecard_query = base_query.clone();

    let summaries = d
        .summaries
        .iter()
        .map(|s| {
            let (met, units, pct, tentative, nv, no_shortfall) = s
                .tally
                .as_ref()
                .map(|t| tally_view(lang, t))
                .unwrap_or_else(|| {
                    let dash = || "—".to_string();
                    (dash(), dash(), dash(), dash(), dash(), dash())
                });
            SummaryView {
                id: s.set.id.clone(),
                title: lang
                    .pick(&s.set.title_vi, s.set.title_en.as_deref())
                    .to_string(),
                href: format!(
                    "/units/{}/dashboard{}",
                    d.unit.code,
                    query_of(&s.set.id, year)
                ),
                current: s.set.id == set_id,
                met,
                units,
                pct,
                tentative,
                needs_verification: nv,
                no_shortfall,
                error: s.error.clone(),
            }
        })
        .collect();

    let r = &d.rollup;
    let buckets: Vec<CountRow> = r
        .buckets
        .iter()
        .zip(&r.buckets_no_known_shortfall)
        .map(|(b, p)| CountRow {
            label: bucket_label(b.min, b.max),
            count: lang.int(i64::from(b.count)),
            provisional: lang.int(i64::from(p.count)),
        })
        .collect();
    // The chart draws the provisional counts ("tạm tính"): with thresholds still to confirm
    // the confirmed ones sit in the lowest bucket; the table gives both.
    let bucket_bars: Vec<Bar> = r
        .buckets_no_known_shortfall
        .iter()
        .map(|b| Bar::count(lang, bucket_label(b.min, b.max), b.count))
        .collect();
    let bucket_chart = hbar_chart(
        "chart-buckets",
        &lang.t("dashboard-buckets-provisional-title"),
        &lang.t1(
            "dashboard-buckets-provisional-desc",
            lang.int(d.criteria_total as i64),
        ),
        &bucket_bars,
        &lang.t("dashboard-no-data"),
    );

    let blocking: Vec<BlockingView> = d
        .blocking
        .iter()
        .take(BLOCKING_SHOWN)
        .map(|b| BlockingView {
            code: b.code.clone(),
            name: b.name_vi.clone(),
            not_met: lang.int(i64::from(b.not_met)),
            missing: lang.int(i64::from(b.missing)),
        })
        .collect();
    let blocking_more = if d.blocking.len() > BLOCKING_SHOWN {
        lang.t_count(
            "dashboard-blocking-more",
            (d.blocking.len() - BLOCKING_SHOWN) as i64,
        )
    } else {
        String::new()
    };
    let blocking_bars: Vec<Bar> = d
        .blocking
        .iter()
        .take(BLOCKING_CHARTED)
        .map(|b| Bar::count(lang, b.code.clone(), b.not_met + b.missing))
        .collect();
    let blocking_chart = hbar_chart(
        "chart-blocking",
        &lang.t("dashboard-blocking-title"),
        &lang.t("dashboard-blocking-desc"),
        &blocking_bars,
        &lang.t("dashboard-blocking-none"),
    );

    sort_districts(&mut d.districts, key, desc);
    let districts: Vec<DistrictView> = d
        .districts
        .iter()
        .map(|x| DistrictView {
            code: x.code.clone(),
            name: x.name.clone(),
            href: format!("/units/{}/dashboard{base_query}", x.code),
            met: lang.int(i64::from(x.met)),
            units: lang.int(i64::from(x.units)),
            pct: pct_text(lang, x.met, x.units),
            avg: number(lang, x.avg_criteria_met, 1),
            no_shortfall: lang.int(i64::from(x.no_known_shortfall)),
            avg_provisional: number(lang, x.avg_criteria_no_known_shortfall, 1),
        })
        .collect();
    sort_communes(&mut d.communes, key, desc);
    let communes: Vec<CommuneView> = d
        .communes
        .iter()
        .map(|c| CommuneView {
            code: c.code.clone(),
            name: c.name.clone(),
            href: format!("/units/{}/scorecard{scorecard_query}", c.code),
            district: c.district_name.clone().unwrap_or_default(),
            status: status_label(lang, c.status),
            status_class: status_class(c.status),
            criteria: lang.int(i64::from(c.criteria_met)),
            provisional: (c.criteria_no_known_shortfall > c.criteria_met)
                .then(|| lang.int(i64::from(c.criteria_no_known_shortfall))),
            no_shortfall: c.no_known_shortfall && c.status != Status::Met,
        })
        .collect();
    let district_headers = headers(
        lang,
        &base,
        "districts",
        &[
            (SortKey::Name, "dashboard-col-district"),
            (SortKey::Status, "dashboard-col-pct"),
            (SortKey::Criteria, "dashboard-col-avg"),
        ],
        key,
        desc,
    );
    let commune_headers = headers(
        lang,
        &base,
        "communes",
        &[
            (SortKey::Name, "dashboard-col-commune"),
            (SortKey::Status, "dashboard-col-status"),
            (SortKey::Criteria, "dashboard-col-criteria"),
        ],
        key,
        desc,
    );

    let trend: Vec<TrendView> = d.trend.iter().map(|p| trend_view(lang, p)).collect();
    let trend_bars: Vec<Bar> = d
        .trend
        .iter()
        .map(|p| match &p.tally {
            // Provisional counts: the confirmed ones are in the table beside the chart.
            Some(t) => Bar::count(lang, p.year.to_string(), t.no_known_shortfall),
            None => Bar::new(p.year.to_string(), 0.0, "—"),
        })
        .collect();
    let set_title = lang
        .pick(
            &d.evaluation.set.title_vi,
            d.evaluation.set.title_en.as_deref(),
        )
        .to_string();
    let trend_chart = vbar_chart(
        "chart-trend",
        &lang.t("dashboard-trend-provisional-title"),
        &lang.t1("dashboard-trend-provisional-desc", set_title.clone()),
        &trend_bars,
        &lang.t("dashboard-no-data"),
    );

    let years = d
        .years
        .iter()
        .map(|y| Choice {
            value: y.to_string(),
            label: y.to_string(),
            selected: *y == year,
        })
        .collect();
    let sets = d
        .sets
        .iter()
        .map(|s| Choice {
            value: s.id.clone(),
            label: lang.pick(&s.title_vi, s.title_en.as_deref()).to_string(),
            selected: s.id == set_id,
        })
        .collect();

    let t = &d.tally;
    let (met, units, pct, tentative, nv, no_shortfall) = tally_view(lang, t);
    let unit_date = d.units_on;
    DashboardPage {
        overdue_dossiers: Vec::new(),
        history: Vec::new(),
        without_group: std::mem::take(&mut d.without_group),
        groups_href: Urls::groups(&d.unit.province_code),
        code: d.unit.code.clone(),
        name: d.unit.name.clone(),
        level: level_label(lang, d.unit.level),
        unit_href: crate::view::unit_href(&d.unit, unit_date, ctx.today),
        year,
        set_title,
        set_id,
        units_on: lang.date(d.units_on),
        provincial_note: d.evaluation.provincial.as_ref().map(|p| p.note.clone()),
        version_used: if lang.code() == "en" {
            d.evaluation.version_used.text_en.clone()
        } else {
            d.evaluation.version_used.text_vi.clone()
        },
        summary_title: lang.t1("dashboard-summary-title", year.to_string()),
        summaries,
        met,
        units,
        pct,
        tentative,
        needs_verification: nv,
        not_met: lang.int(i64::from(t.not_met)),
        missing: lang.int(i64::from(t.missing)),
        avg: number(lang, t.avg_criteria_met, 1),
        no_shortfall,
        avg_provisional: number(lang, t.avg_criteria_no_known_shortfall, 1),
        criteria_total: lang.int(d.criteria_total as i64),
        buckets,
        bucket_chart,
        blocking,
        blocking_more,
        blocking_chart,
        has_districts: !districts.is_empty(),
        districts,
        district_headers,
        communes,
        commune_headers,
        trend_gaps: trend.iter().any(|t| !t.available),
        trend,
        trend_chart,
        years,
        sets,
        sort: if key == SortKey::Code {
            String::new()
        } else {
            key.as_str().to_string()
        },
        dir: if desc { "desc".into() } else { "asc".into() },
        base_query,
        ctx,
    }
}

pub async fn dashboard_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<DashboardParams>,
) -> Result<Response, WebError> {
    let (key, desc) = sort_params(&p)?;
    match load(&st, &ctx, &code, &p).await? {
        Ok(d) => {
            let overdue = crate::pages::dossiers::overdue_rows(&st, &ctx, &code).await;
            let history = crate::pages::history::items(&st, &ctx, &code).await?;
            let mut page = build_page(ctx, *d, key, desc);
            page.overdue_dossiers = overdue;
            page.history = history;
            html(&page)
        }
        Err(redirect) => Ok(redirect),
    }
}

// ---------------------------------------------------------------- XLSX

/// Names of the tables, in workbook order: (`table=` value, sheet name).
pub const TABLES: [(&str, &str); 6] = [
    ("summary", "Tổng hợp"),
    ("buckets", "Phân nhóm"),
    ("blocking", "Chỉ tiêu vướng"),
    ("units", "Huyện"),
    ("communes", "Xã"),
    ("trend", "Qua các năm"),
];

fn vi_num(v: f64) -> String {
    number(Lang::Vi, v, 1)
}

fn s(v: &[&str]) -> Vec<String> {
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
    fn headers_toggle_and_mark_the_sorted_column() {
        let h = headers(
            Lang::Vi,
            "/units/84/dashboard?set=x&year=2023",
            "communes",
            &[(SortKey::Name, "a"), (SortKey::Criteria, "b")],
            SortKey::Name,
            false,
        );
        assert_eq!(h[0].aria_sort, "ascending");
        assert!(h[0].href.ends_with("&sort=name&dir=desc#communes"));
        assert_eq!(h[1].aria_sort, "");
        assert!(h[1].href.ends_with("&sort=criteria&dir=desc#communes"));
    }
}
