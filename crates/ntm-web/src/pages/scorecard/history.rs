//! `GET /units/{code}/scorecard/history`: every version of one value.

use crate::ctx::Ctx;
use crate::error::WebError;
use crate::pages::scorecard::HistoryPage;
use crate::pages::scorecard::HistoryRow;
use crate::pages::scorecard::anchor;
use crate::pages::scorecard::file_link;
use crate::pages::scorecard::format_value;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::format::date_time;
use crate::view::html;
use axum::extract::Path;
use axum::extract::Query;
use axum::extract::State;
use axum::response::Response;
use ntm_app::criteria::ValueRef;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct HistoryParams {
    pub set: String,
    pub year: i32,
    pub indicator: String,
}

pub async fn history_page(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<HistoryParams>,
) -> Result<Response, WebError> {
    ctx.require_user()?;
    let lang = ctx.lang;
    let value = ValueRef {
        unit_code: code.clone(),
        set_id: p.set.clone(),
        year: p.year,
        indicator_code: p.indicator.clone(),
    };
    let h = ntm_app::criteria::value_history(&st.app, &ctx.actor(), &value).await?;
    let (versions, e) = (h.versions, h.evaluation);
    let view = e
        .result
        .as_ref()
        .and_then(|r| r.indicators.iter().find(|i| i.code == p.indicator));
    let Some(view) = view else {
        return Err(WebError::not_found(format!(
            "no indicator {} in {}",
            p.indicator, p.set
        )));
    };
    let rows = versions
        .iter()
        .rev()
        .map(|(o, files)| HistoryRow {
            version: o.version,
            value: format_value(lang, view.kind, &o.value_text),
            review: lang.t(&format!("scorecard-review-{}", o.status.as_str())),
            note: o.note.clone(),
            comment: o.comment.clone(),
            who: format!("{} · {}", o.created_by, date_time(o.created_at)),
            files: files.iter().map(|f| file_link(lang, f)).collect(),
        })
        .collect();
    let page = HistoryPage {
        code: code.clone(),
        unit_name: e.unit_name.clone(),
        set_id: p.set.clone(),
        year: p.year,
        indicator: view.code.clone(),
        indicator_name: view.name_vi.clone(),
        back_href: Urls::scorecard_at(&code, &p.set, p.year, &anchor(&view.code)),
        rows,
        ctx,
    };
    html(&page)
}
