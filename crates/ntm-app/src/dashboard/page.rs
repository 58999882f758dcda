//! The dashboard page's use cases: everything `/units/{code}/dashboard` shows (the
//! dashboard, the overdue dossiers of the subtree, the predecessors it links to) and the
//! download of its tables, in one call each.

use crate::dossiers::DossierView;
use crate::exports::{DashboardExport, DashboardXlsx};
use crate::history::Predecessor;
use crate::{Actor, App, AppError};

use super::{Dashboard, DashboardTarget, commune_sets};

/// The set and year asked for: a set not in force in the year chosen on the page's form
/// (`from_form`) gives way to the default set.
fn chosen<'a>(
    app: &App,
    set: Option<&'a str>,
    year: Option<i32>,
    from_form: bool,
) -> Option<&'a str> {
    match (set, year) {
        (Some(s), Some(y)) if from_form && !commune_sets(app, y).iter().any(|x| x.id == s) => None,
        _ => set,
    }
}

/// What the dashboard page shows.
#[derive(Debug, Clone)]
pub struct DashboardPageData {
    pub dashboard: Box<Dashboard>,
    /// The overdue dossiers of the unit's subtree the actor sees (empty when none may be
    /// seen).
    pub overdue: Vec<DossierView>,
    pub history: Vec<Predecessor>,
}

/// The dashboard page, or the scorecard of a unit of the set's own level.
#[derive(Debug, Clone)]
pub enum DashboardPage {
    Page(Box<DashboardPageData>),
    Scorecard {
        code: String,
        set_id: String,
        year: i32,
    },
}

/// The dashboard page of `code` (the permission check of [`super::dashboard`] first).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code))]
pub async fn page(
    app: &App,
    actor: &Actor,
    code: &str,
    set: Option<&str>,
    year: Option<i32>,
    from_form: bool,
) -> Result<DashboardPage, AppError> {
    let set = chosen(app, set, year, from_form);
    let dashboard = match super::dashboard(app, actor, code, set, year).await? {
        DashboardTarget::Dashboard(d) => d,
        DashboardTarget::Scorecard { code, set_id, year } => {
            return Ok(DashboardPage::Scorecard { code, set_id, year });
        }
    };
    let overdue = match crate::dossiers::list(app, actor, Some(code)).await {
        Ok(list) => list.into_iter().filter(|v| v.overdue).collect(),
        Err(_) => Vec::new(),
    };
    let history = crate::history::on_page(app, actor, code).await?;
    Ok(DashboardPage::Page(Box::new(DashboardPageData {
        dashboard,
        overdue,
        history,
    })))
}

/// The dashboard's tables as XLSX ([`crate::exports::dashboard_xlsx`]) for the set and year
/// of the page's form (see [`page`]).
#[tracing::instrument(skip_all, fields(actor = %actor.audit_name(), unit = %code))]
pub async fn xlsx(
    app: &App,
    actor: &Actor,
    code: &str,
    q: DashboardExport<'_>,
    from_form: bool,
) -> Result<DashboardXlsx, AppError> {
    let q = DashboardExport {
        set: chosen(app, q.set, q.year, from_form),
        ..q
    };
    crate::exports::dashboard_xlsx(app, actor, code, &q).await
}
