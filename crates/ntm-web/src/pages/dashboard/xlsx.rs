//! `GET /units/{code}/dashboard.xlsx`: the dashboard's tables as XLSX, made by
//! `ntm_app::exports::dashboard_xlsx`.

use super::*;

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
    let (set, year) = chosen(&st, &ctx, &p)?;
    let q = DashboardExport {
        set,
        year,
        table,
        sort,
        desc,
    };
    match ntm_app::exports::dashboard_xlsx(&st.app, &ctx.actor(), &code, &q).await {
        Ok(DashboardXlsx::File(f)) => Ok(attachment(f.bytes, XLSX, &f.file_name)),
        Ok(DashboardXlsx::Scorecard { code, set_id, year }) => {
            Ok(Redirect::to(&Urls::scorecard(&code, &set_id, year)).into_response())
        }
        Err(e) => Err(dashboard_error(e, &p, &code)),
    }
}
