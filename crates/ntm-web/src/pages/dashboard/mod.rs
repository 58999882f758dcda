//! District and province dashboards (`GET /units/{code}/dashboard?set=&year=&sort=&dir=`) and
//! their tables as XLSX (`GET /units/{code}/dashboard.xlsx?set=&year=&table=`); the national
//! dashboard (`GET /dashboard?set=&year=&sort=&dir=`, `GET /dashboard.xlsx`, in `national`).
//!
//! Built on `ntm_app::dashboard::page` (the dashboard, which evaluates with
//! `ntm_app::criteria::evaluate`, so figures are that use case's roll-ups, with the overdue
//! dossiers and the predecessors; the XLSX on `ntm_app::dashboard::xlsx`). Charts are SVG drawn here ([`crate::charts`]); each
//! chart has the same numbers in a table. Sorting is plain links (`?sort=name|criteria|status`,
//! `&dir=asc|desc`), no JavaScript. A commune has a scorecard instead: its dashboard URL
//! redirects there.

// One file per part, each with its own imports; the handlers are re-exported for the route
// table.
mod charts;
mod labels;
mod load;
mod national;
mod page;
#[cfg(test)]
mod tests;
mod views;
mod xlsx;

pub use load::DashboardParams;
pub use national::{NationalPage, national_page, national_xlsx};
pub use page::dashboard_page;
pub use views::DashboardPage;
pub use xlsx::dashboard_xlsx;
