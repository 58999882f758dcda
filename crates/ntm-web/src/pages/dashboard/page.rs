//! `GET /units/{code}/dashboard`: the page from the use case's dashboard.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::dashboard::Dashboard;
use ntm_app::dashboard::DashboardPage as PageData;
use ntm_app::exports::{SortKey, bucket_label, sort_communes, sort_districts};
use ntm_domain::criteria::Status;

use super::charts::{blocking_chart, buckets_chart};
use super::labels::{
    headers, pct_text, sort_params, status_class, status_label, tally_view, trend_view,
};
use super::load::{BLOCKING_SHOWN, DashboardParams, chosen, dashboard_error};
use super::views::{
    BlockingView, Choice, CommuneView, CountRow, DashboardPage, DistrictView, SummaryView,
    TrendView,
};
use crate::charts::{Bar, number, vbar_chart};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::pages::dossiers::row;
use crate::pages::history;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::{html, level_label};

pub(super) fn build_page(ctx: Ctx, mut d: Dashboard, key: SortKey, desc: bool) -> DashboardPage {
    let lang = ctx.lang;
    let set_id = d.evaluation.set.id.clone();
    let year = d.year;
    let base = Urls::dashboard(&d.unit.code, &set_id, year);

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
                href: Urls::dashboard(&d.unit.code, &s.set.id, year),
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
    let bucket_chart = buckets_chart(
        lang,
        r.buckets_no_known_shortfall
            .iter()
            .map(|b| (b.min, b.max, b.count)),
        d.criteria_total,
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
    let blocking_chart = blocking_chart(
        lang,
        d.blocking
            .iter()
            .map(|b| (b.code.clone(), b.not_met + b.missing)),
    );

    sort_districts(&mut d.districts, key, desc);
    let districts: Vec<DistrictView> = d
        .districts
        .iter()
        .map(|x| DistrictView {
            code: x.code.clone(),
            name: x.name.clone(),
            href: Urls::dashboard(&x.code, &set_id, year),
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
            href: Urls::scorecard(&c.code, &set_id, year),
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
        updating_since: d
            .evaluation
            .updating
            .then(|| d.evaluation.figures_at.map(crate::view::format::time_date))
            .flatten(),
        updating_progress: d
            .evaluation
            .updating_progress
            .map(|(done, total)| progress(lang, "dashboard-updating-progress", done, total)),
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
    let (set, year, from_form) = chosen(&ctx, &p)?;
    match ntm_app::dashboard::page(&st.app, &ctx.actor(), &code, set, year, from_form).await {
        Ok(PageData::Page(d)) => {
            let d = *d;
            let overdue = d.overdue.iter().map(|v| row(ctx.lang, v)).collect();
            let history = history::of(&ctx, d.history);
            let mut page = build_page(ctx, *d.dashboard, key, desc);
            page.overdue_dossiers = overdue;
            page.history = history;
            html(&page)
        }
        Ok(PageData::Scorecard { code, set_id, year }) => {
            Ok(Redirect::to(&Urls::scorecard(&code, &set_id, year)).into_response())
        }
        Err(e) => Err(dashboard_error(e, &p, &code)),
    }
}

/// "Đã tính lại 40/106 …": a background recomputation's progress, numbers as the language
/// writes them.
pub(super) fn progress(lang: crate::i18n::Lang, key: &str, done: usize, total: usize) -> String {
    let n = |v: usize| {
        fluent_templates::fluent_bundle::FluentValue::from(
            lang.int(i64::try_from(v).unwrap_or(i64::MAX)),
        )
    };
    lang.t_args(key, &[("done", n(done)), ("total", n(total))])
}
