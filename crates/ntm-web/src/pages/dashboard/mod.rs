//! District and province dashboards (`GET /units/{code}/dashboard?set=&year=&sort=&dir=`) and
//! their tables as XLSX (`GET /units/{code}/dashboard.xlsx?set=&year=&table=`).
//!
//! Built on `ntm_app::dashboard::dashboard` (the XLSX on `ntm_app::exports::dashboard_xlsx`) (which evaluates with `ntm_app::criteria::evaluate`,
//! so figures are that use case's roll-ups). Charts are SVG drawn here ([`crate::charts`]); each
//! chart has the same numbers in a table. Sorting is plain links (`?sort=name|criteria|status`,
//! `&dir=asc|desc`), no JavaScript. A commune has a scorecard instead: its dashboard URL
//! redirects there.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use ntm_app::AppError;
use ntm_app::dashboard::{Dashboard, DashboardTarget, Tally, TrendPoint, pct};
use ntm_app::exports::{
    DashboardExport, DashboardTable, DashboardXlsx, SortKey, bucket_label, sort_communes,
    sort_districts,
};
use ntm_domain::criteria::Status;
use serde::Deserialize;

use crate::charts::{Bar, hbar_chart, number, vbar_chart};
use crate::ctx::Ctx;
use crate::error::{ErrorInfo, ErrorKind, WebError};
use crate::i18n::Lang;
use crate::request::parse_year;
use crate::state::AppState;
use crate::urls::Urls;
use crate::view::download::{XLSX, attachment};
use crate::view::{html, level_label};

// One file per part; each file starts with `use super::*;` (the imports above and its
// siblings' `pub(super)` items), and the handlers are re-exported for the route table.
mod labels;
mod load;
mod page;
#[cfg(test)]
mod tests;
mod views;
mod xlsx;

use labels::*;
pub use load::*;
pub use page::*;
pub use views::*;
pub use xlsx::*;
