//! `GET /feedback/measures?unit=&from=&to=&figure=`: the figures of a unit over a period,
//! each linking to the reports behind it.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use time::Date;

use super::officer::RowView;
use super::{status_text, time_text};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::format::{date_time, number};
use crate::view::render;

#[derive(serde::Deserialize, Default)]
pub struct Params {
    #[serde(default)]
    pub unit: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub figure: String,
}

pub struct FigureView {
    pub label: String,
    pub value: String,
    pub detail: String,
    pub href: String,
    pub key: &'static str,
}

#[derive(Template)]
#[template(path = "feedback_measures.html")]
pub struct MeasuresPage {
    pub ctx: Ctx,
    pub title: String,
    pub unit: String,
    pub from: String,
    pub to: String,
    pub figures: Vec<FigureView>,
    pub rows: Vec<RowView>,
    pub figure: String,
}

/// `GET /feedback/measures`
pub async fn page(
    State(st): State<AppState>,
    ctx: Ctx,
    Query(p): Query<Params>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let today = ctx.today;
    let to = crate::request::parse_date_param(Some(&p.to))?.unwrap_or(today);
    let from = crate::request::parse_date_param(Some(&p.from))?.unwrap_or_else(|| {
        Date::from_calendar_date(to.year(), time::Month::January, 1).unwrap_or(to)
    });
    let unit = if p.unit.trim().is_empty() {
        ctx.actor()
            .grants()
            .first()
            .and_then(|g| g.scope_code.clone())
            .unwrap_or_default()
    } else {
        p.unit.trim().to_string()
    };
    let actor = ctx.actor();
    let key = p.figure.trim();
    let (view, rows) = if key.is_empty() {
        (
            ntm_app::feedback::measures(&st.app, &actor, &unit, from, to).await?,
            Vec::new(),
        )
    } else {
        ntm_app::feedback::measure_reports(&st.app, &actor, &unit, from, to, key).await?
    };
    let m = &view.measures;
    let lang = ctx.lang;
    let none = ctx.t("fb-m-none");
    let fmt = |v: Option<f64>, d: usize, suffix: &str| {
        v.map(|x| format!("{}{suffix}", number(lang, x, d)))
            .unwrap_or_else(|| none.clone())
    };
    let href = |k: &str| Urls::feedback_measures_figure(&view.unit.code, from, to, k);
    let of = |n: usize, of: usize| {
        ctx.lang.t_args(
            "fb-m-on-time-of",
            &[("n", (n as i64).into()), ("of", (of as i64).into())],
        )
    };
    let figures = vec![
        FigureView {
            label: ctx.t("fb-m-received"),
            value: fmt(m.received.value, 0, ""),
            detail: String::new(),
            href: href("received"),
            key: "received",
        },
        FigureView {
            label: ctx.t("fb-m-on-time"),
            value: fmt(m.on_time.value, 1, " %"),
            detail: of(m.on_time.ids.len(), m.on_time.of.len()),
            href: href("on_time_of"),
            key: "on_time_of",
        },
        FigureView {
            label: ctx.t("fb-m-mean-days"),
            value: m
                .mean_days_to_resolve
                .value
                .map(|d| ctx.t1("fb-m-days", &number(lang, d, 1)))
                .unwrap_or_else(|| none.clone()),
            detail: String::new(),
            href: href("resolved"),
            key: "resolved",
        },
        FigureView {
            label: ctx.t("fb-m-satisfied"),
            value: fmt(m.satisfied.value, 1, " %"),
            detail: of(m.satisfied.ids.len(), m.satisfied.of.len()),
            href: href("rated"),
            key: "rated",
        },
        FigureView {
            label: ctx.t("fb-m-mean-rating"),
            value: fmt(m.mean_rating.value, 1, "/5"),
            detail: String::new(),
            href: href("rated"),
            key: "rated",
        },
    ];
    let rows = rows
        .into_iter()
        .map(|r| RowView {
            id: r.id.to_string(),
            href: Urls::feedback_report(r.id),
            code: r.tracking_code.clone(),
            excerpt: r.excerpt.clone(),
            received: date_time(r.received_at),
            due: ctx.date(r.due_on),
            status: status_text(&ctx, r.status),
            timeliness: time_text(&ctx, r.timeliness),
            overdue: r.timeliness == ntm_domain::feedback::Timeliness::Overdue,
        })
        .collect();
    let page = MeasuresPage {
        title: ctx.t1("fb-measures-title", &view.unit.name),
        unit: view.unit.code.clone(),
        from: from.to_string(),
        to: to.to_string(),
        figures,
        rows,
        figure: key.to_string(),
        ctx,
    };
    Ok(render(&page, StatusCode::OK))
}
