//! `GET /units/{code}/dashboard.xlsx`: the dashboard's tables as XLSX, made by
//! `ntm_app::exports::dashboard_xlsx` (through `ntm_app::dashboard::xlsx`).

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::exports::{DashboardExport, DashboardTable, DashboardXlsx};

use super::labels::sort_params;
use super::load::{DashboardParams, bad_request, chosen, dashboard_error};
use crate::ctx::Ctx;
use crate::error::WebError;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::download::{XLSX, attachment};

pub async fn dashboard_xlsx(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(p): Query<DashboardParams>,
) -> Result<Response, WebError> {
    let (sort, desc) = sort_params(&p)?;
    let table = p.table.as_deref().map(str::trim).unwrap_or_default();
    let table = if table.is_empty() {
        None
    } else {
        match DashboardTable::parse(table) {
            Some(t) => Some(t),
            None => {
                return Err(bad_request(
                    "table",
                    format!(
                        "table must be one of {}, not \"{table}\"",
                        DashboardTable::ALL.map(|t| t.as_str()).join(", ")
                    ),
                    "dashboard-error-table",
                    table,
                ));
            }
        }
    };
    let (set, year, from_form) = chosen(&ctx, &p)?;
    let q = DashboardExport {
        set,
        year,
        table,
        sort,
        desc,
    };
    match ntm_app::dashboard::xlsx(&st.app, &ctx.actor(), &code, q, from_form).await {
        Ok(DashboardXlsx::File(f)) => Ok(attachment(f.bytes, XLSX, &f.file_name)),
        Ok(DashboardXlsx::Scorecard { code, set_id, year }) => {
            Ok(Redirect::to(&Urls::scorecard(&code, &set_id, year)).into_response())
        }
        Err(e) => Err(dashboard_error(e, &p, &code)),
    }
}
